//! The speedup plot as plain SVG markup, without the browser: the measured speedup against the
//! number of workers (circles, solid line) beside the model's prediction (squares, dashed line),
//! and a dotted mark at the CPU count, where the curves should bend. Shapes and line styles tell
//! the series apart, not colour alone. Numbers only go into the markup (nothing from the learner's
//! text), so it needs no escaping.
//!
//! Coordinates are in the SVG's own units ([`WIDTH`] × [`HEIGHT`], scaled to the box by its
//! `viewBox`): worker count `n` of `max_n` sits at `LEFT + n · PLOT_W / (max_n + 1)`; speedup `s`
//! at `TOP + PLOT_H · (1 − s / top)`, where `top` is the y axis's top, a whole number at least
//! 1.1 × the largest value shown (and at least 2).

use std::fmt::Write;

/// The drawing's width and height, SVG units.
pub const WIDTH: f64 = 480.0;
/// See [`WIDTH`].
pub const HEIGHT: f64 = 300.0;
const LEFT: f64 = 40.0;
const TOP: f64 = 10.0;
const PLOT_W: f64 = WIDTH - LEFT - 20.0;
const PLOT_H: f64 = HEIGHT - TOP - 40.0;

/// The y axis's top for these values: ⌈1.1 × the largest⌉, at least 2.
fn y_top(values: impl Iterator<Item = f64>) -> f64 {
    (values.fold(0.0, f64::max) * 1.1).ceil().max(2.0)
}

/// The plot of `measured` and `predicted` speedups, `(n, speedup)` each, for 1..=`max_n`
/// workers on `cpus` CPUs (not marked when 0 or beyond `max_n`). `label` is its accessible name.
pub fn speedup_svg(measured: &[(u32, f64)], predicted: &[(u32, f64)], max_n: u32, cpus: u32, label: &str) -> String {
    let max_n = max_n.max(1);
    let top = y_top(measured.iter().chain(predicted).map(|p| p.1).chain([f64::from(cpus.min(max_n))]));
    let x = |n: f64| LEFT + n * PLOT_W / f64::from(max_n + 1);
    let y = |s: f64| TOP + PLOT_H * (1.0 - s / top);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" class=\"plot\" role=\"img\" aria-label=\"{label}\" data-testid=\"speedup-plot\">"
    );
    // Axes, with the y ticks (whole speedups) and the x ticks (worker counts), at most ~8 each.
    let y_step = (top / 8.0).ceil().max(1.0);
    let mut s = 0.0;
    while s <= top {
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{x2}\" y1=\"{yy}\" y2=\"{yy}\"/><text class=\"tick\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{s}</text>",
            x2 = LEFT + PLOT_W,
            yy = y(s),
            tx = LEFT - 6.0,
            ty = y(s) + 4.0,
        );
        s += y_step;
    }
    let x_step = max_n.div_ceil(8);
    for n in (1..=max_n).filter(|n| (n - 1) % x_step == 0) {
        let _ = write!(
            svg,
            "<text class=\"tick\" x=\"{xx}\" y=\"{ty}\" text-anchor=\"middle\">{n}</text>",
            xx = x(f64::from(n)),
            ty = TOP + PLOT_H + 16.0
        );
    }
    let _ = write!(
        svg,
        "<text class=\"axis\" x=\"{cx}\" y=\"{by}\" text-anchor=\"middle\">workers (N)</text><text class=\"axis\" x=\"12\" y=\"{cy}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {cy})\">speedup</text>",
        cx = LEFT + PLOT_W / 2.0,
        by = HEIGHT - 4.0,
        cy = TOP + PLOT_H / 2.0
    );
    if (1..=max_n).contains(&cpus) {
        let _ = write!(
            svg,
            "<line class=\"cpus\" x1=\"{xx}\" x2=\"{xx}\" y1=\"{TOP}\" y2=\"{y2}\"/><text class=\"tick\" x=\"{tx}\" y=\"{ty}\">{cpus} CPUs</text>",
            xx = x(f64::from(cpus)),
            y2 = TOP + PLOT_H,
            tx = x(f64::from(cpus)) + 4.0,
            ty = TOP + 12.0
        );
    }
    series(&mut svg, predicted, "predicted", &x, &y, |svg, px, py| {
        let _ = write!(svg, "<rect x=\"{}\" y=\"{}\" width=\"8\" height=\"8\"/>", px - 4.0, py - 4.0);
    });
    series(&mut svg, measured, "measured", &x, &y, |svg, px, py| {
        let _ = write!(svg, "<circle cx=\"{px}\" cy=\"{py}\" r=\"4.5\"/>");
    });
    svg.push_str("</svg>");
    svg
}

/// One series: a line through its points, then a mark at each (`mark` draws it at x, y), each
/// in a group carrying its values for the tests and a tooltip.
fn series(
    svg: &mut String,
    points: &[(u32, f64)],
    class: &str,
    x: &dyn Fn(f64) -> f64,
    y: &dyn Fn(f64) -> f64,
    mark: impl Fn(&mut String, f64, f64),
) {
    let coords: Vec<String> = points.iter().map(|&(n, s)| format!("{},{}", x(f64::from(n)), y(s))).collect();
    let _ = write!(svg, "<g class=\"{class}\"><polyline points=\"{}\"/>", coords.join(" "));
    for &(n, s) in points {
        let _ = write!(
            svg,
            "<g data-testid=\"{class}-point\" data-n=\"{n}\" data-speedup=\"{s:.3}\"><title>{w}: {class} speedup {s:.2}×</title>",
            w = super::workers(n)
        );
        mark(svg, x(f64::from(n)), y(s));
        svg.push_str("</g>");
    }
    svg.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_sit_where_the_axes_say() {
        // max_n 4 on 2 CPUs: x steps of 420 / 5 = 84, so N = 2 at 40 + 168 = 208. Values up to
        // 1.5 and the CPU count 2: top ⌈2 × 1.1⌉ = 3, so 1.5 at 10 + 250 × (1 − 0.5) = 135.
        let svg = speedup_svg(&[(1, 1.0), (2, 1.5)], &[(1, 1.0), (2, 1.8)], 4, 2, "Speedup");
        assert!(svg.contains("<circle cx=\"208\" cy=\"135\" r=\"4.5\"/>"), "{svg}");
        // N = 1, speedup 1: x 40 + 84 = 124, y 10 + 250 × (2 / 3) ≈ 176.67.
        assert!(svg.contains("<circle cx=\"124\" cy=\"176.66666666666669\""), "{svg}");
        // The predicted 1.8 at N = 2: y = 10 + 250 × 0.4 = 110, the square's corner 4 up and left.
        assert!(svg.contains("<rect x=\"204\" y=\"106\""), "{svg}");
        assert_eq!(svg.matches("data-testid=\"measured-point\"").count(), 2);
        assert_eq!(svg.matches("data-testid=\"predicted-point\"").count(), 2);
        assert!(svg.contains("data-n=\"2\" data-speedup=\"1.500\""));
        // The CPU mark at N = 2, and ticks 0 to 3 on the y axis.
        assert!(svg.contains("<line class=\"cpus\" x1=\"208\" x2=\"208\""));
        assert!(svg.contains(">2 CPUs</text>"));
        assert_eq!(svg.matches("class=\"grid\"").count(), 4);
        assert!(svg.starts_with("<svg viewBox=\"0 0 480 300\"") && svg.ends_with("</svg>"));
    }

    #[test]
    fn an_empty_plot_has_axes_and_no_points_and_many_workers_thin_the_ticks() {
        let svg = speedup_svg(&[], &[], 32, 0, "Speedup");
        assert_eq!(svg.matches("measured-point").count(), 0);
        assert!(!svg.contains("class=\"cpus\""));
        // 32 workers: a tick every ⌈32 / 8⌉ = 4: 1, 5, …, 29 (8 ticks).
        assert_eq!(svg.matches("text-anchor=\"middle\">").count() - 1, 8);
        // A speedup of 9 on 8 CPUs: top ⌈9.9⌉ = 10, y ticks every ⌈10 / 8⌉ = 2: 0, 2, …, 10.
        let svg = speedup_svg(&[(1, 9.0)], &[], 32, 8, "Speedup");
        assert_eq!(svg.matches("class=\"grid\"").count(), 6);
        // On 16 CPUs the axis reaches the CPU count: top ⌈17.6⌉ = 18, ticks every 3: 7 of them.
        let svg = speedup_svg(&[(1, 9.0)], &[], 32, 16, "Speedup");
        assert_eq!(svg.matches("class=\"grid\"").count(), 7);
    }
}
