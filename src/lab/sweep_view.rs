//! The sweep panel: one metric against the values of one numeric setting, a series per ticked
//! policy, as an SVG chart (axes, labels, a line and marker shape per series, every point with
//! its value as a tooltip) and the same numbers as a table; `threadlab sweep … --json` gives the
//! same points.
//!
//! Form fields: `param` (a numeric setting's key), `values` (`1,2,4,8`, `1..16`, `1..16:3`),
//! `policy` (ticked; one series each, as `--series policy=a,b`; none: one series, the scenario
//! as it is), `series` (other series in `--series` form, `cpus=1,4`, instead of policies),
//! `metric` and `baseline` (for the speedup: the series it is relative to, `--baseline`). The
//! setting picker offers the scenario's own `params` too (`params.cs`).

use std::fmt::Write;

use super::Planned;
use super::fields::{FieldError, Fields};
use super::html::{alert, checkbox, data, esc, px, select, text_field};
use crate::compare::{Measured, Metric, Sweep, SweepChart, SweepRun, syntax};
use crate::messaging::reader::ReadJob;
use crate::messaging::wire::RunBytes;
use crate::model::RunResult;
use crate::model::scenario::{Policy, Setting};

/// Line colours, from Okabe & Ito's colour-blind-safe set; each series also has its own dash
/// and marker shape (`DASHES`, `SHAPES` here), so colour is never the only cue.
pub const COLOURS: [&str; 7] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
/// Dash patterns of the series' lines, in turn.
const DASHES: [&str; 4] = ["", "7 4", "2 3", "9 3 2 3"];
/// Marker shapes of the series, in turn.
const SHAPES: [&str; 5] = ["circle", "square", "triangle", "diamond", "cross"];

/// Chart geometry, in SVG user units.
const W: f64 = 720.0;
const H: f64 = 380.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 52.0;

#[derive(Clone, Debug)]
struct Values {
    param: String,
    values: String,
    policies: Vec<String>,
    series: String,
    metric: String,
    baseline: String,
}

impl Values {
    fn of(f: &Fields) -> Values {
        if f.is_empty() {
            return Values {
                param: "quantum".into(),
                values: "1,2,4,8".into(),
                policies: vec!["fcfs".into(), "rr".into()],
                series: String::new(),
                metric: "avg_turnaround".into(),
                baseline: String::new(),
            };
        }
        Values {
            param: f.get("param").unwrap_or_default().into(),
            values: f.get("values").unwrap_or_default().into(),
            policies: f.all("policy").into_iter().map(String::from).collect(),
            series: f.get("series").unwrap_or_default().trim().into(),
            metric: f.get("metric").unwrap_or_default().into(),
            baseline: f.get("baseline").unwrap_or_default().trim().into(),
        }
    }
}

fn form(v: &Values, base: &Planned) -> String {
    let mut params: Vec<(String, String)> = (Setting::ALL.iter())
        .filter(|s| s.is_numeric())
        .map(|s| {
            (
                s.key().to_string(),
                format!(
                    "{}{}",
                    s.label(),
                    s.unit()
                        .filter(|&u| u != s.label())
                        .map(|u| format!(" ({})", super::html::unit_word(u)))
                        .unwrap_or_default()
                ),
            )
        })
        .collect();
    // The scenario's own constants, `$name` in its programs.
    params.extend(
        base.info.params.iter().map(|(n, v)| (format!("params.{n}"), format!("${n} (the scenario's, now {v})"))),
    );
    let metrics: Vec<(String, String)> =
        super::compare_view::metric_choices(base).iter().map(|m| (m.key(), m.label())).collect();
    let mut out = String::from(
        r#"<form class="lab-form" data-testid="sweep-form" aria-label="Sweep settings"><div class="lab-fields">"#,
    );
    out.push_str(&select("param", "Setting swept (x axis)", &params, &v.param));
    out.push_str(&text_field(
        "values",
        "Its values",
        &v.values,
        "`1,2,4,8`, a range `1..16` or every third `1..16:3`.",
    ));
    out.push_str(&select("metric", "Metric (y axis)", &metrics, &v.metric));
    out.push_str(&text_field(
        "baseline",
        "Speedup over series",
        &v.baseline,
        "For the speedup: a series' name; each point is then that series' makespan at the same value ÷ its own. Empty: each series' first value.",
    ));
    out.push_str(r#"</div><fieldset><legend>Series: one line per policy (none: the scenario as it is)</legend><div class="checks">"#);
    for p in Policy::ALL {
        out.push_str(&checkbox("policy", p.key(), p.label(), v.policies.iter().any(|k| k == p.key())));
    }
    out.push_str("</div>");
    out.push_str(&text_field(
        "series",
        "Or other series",
        &v.series,
        "Instead of policies: `key=v1,v2` (e.g. `cpus=1,4`), one series per value.",
    ));
    out.push_str(
        r#"</fieldset><div class="buttons"><button class="primary" type="submit" data-testid="sweep-run">Sweep</button></div></form>"#,
    );
    out
}

fn read(v: &Values, base: &Planned, preset: &str) -> Result<(Sweep<Planned>, String), FieldError> {
    let param = Setting::from_key(&v.param).map_err(|e| FieldError::new("Setting swept", e))?;
    let values = syntax::values(&v.values).map_err(|e| FieldError::new("Its values", e))?;
    let metric: Metric = v.metric.parse().map_err(|e| FieldError::new("Metric", e))?;
    let series = match (v.policies.is_empty(), v.series.is_empty()) {
        (true, true) => Vec::new(),
        (false, true) => {
            syntax::series(&format!("policy={}", v.policies.join(","))).map_err(|e| FieldError::new("Series", e))?
        }
        (true, false) => syntax::series(&v.series).map_err(|e| FieldError::new("Or other series", e))?,
        (false, false) => {
            return Err(FieldError::new("Or other series", "tick policies or write other series, not both"));
        }
    };
    let baseline = (!v.baseline.is_empty()).then(|| v.baseline.clone());
    let source = if preset.is_empty() { "SCENARIO.json".to_string() } else { format!("--preset {preset}") };
    let mut command =
        format!("threadlab sweep {source} --param {} --values {}", param.key(), v.values.replace(' ', ""));
    if !v.policies.is_empty() {
        let _ = write!(command, " --series policy={}", v.policies.join(","));
    }
    if !v.series.is_empty() {
        let _ = write!(command, " --series {}", v.series.replace(' ', ""));
    }
    let _ = write!(command, " --metric {}", metric.key());
    if let Some(b) = &baseline {
        let _ = write!(command, " --baseline {b}");
    }
    command.push_str(" --json");
    Ok((Sweep { base: base.clone(), common: Vec::new(), param, values, series, metric, baseline }, command))
}

/// A sweep read from its form: the sweep, the command line that gives its points, its runs.
type Asked = (Sweep<Planned>, String, Vec<SweepRun<Planned>>);

/// A sweep job: the form to show again and, if it reads, the sweep and its runs.
pub struct Job {
    form: String,
    asked: Result<Asked, String>,
}

impl Job {
    /// Reads a submitted form (empty: the first one, quantum 1, 2, 4, 8 for FCFS and RR).
    pub fn new(fields: &Fields, base: &Planned, preset: &str) -> Job {
        let values = Values::of(fields);
        let asked = read(&values, base, preset).map_err(|e| e.to_string()).and_then(|(s, command)| {
            let runs = s.plan().map_err(|e| e.to_string())?;
            Ok((s, command, runs))
        });
        Job { form: form(&values, base), asked }
    }
}

impl super::Task for Job {
    fn reads(&self) -> Vec<ReadJob> {
        self.asked.as_ref().map(|a| a.2.iter().map(|r| r.scenario.read_job()).collect()).unwrap_or_default()
    }

    fn form_only(self: Box<Self>) -> String {
        self.form
    }

    fn finish(self: Box<Self>, results: &[RunBytes]) -> String {
        let mut out = self.form;
        let (sweep, command, runs) = match self.asked {
            Ok(a) => a,
            Err(e) => return out + &alert(&e),
        };
        let metrics = std::slice::from_ref(&sweep.metric);
        let measured: Vec<Measured> = (results.iter())
            .map(|r| {
                let result = RunResult {
                    outcome: r.outcome.clone(),
                    metrics: r.metrics.clone(),
                    events_handled: r.events_handled,
                    trace: None,
                };
                Measured::of(&result, metrics)
            })
            .collect();
        let chart = sweep.chart(&runs, &measured);
        out.push_str(r#"<section class="lab-result" aria-label="Sweep results" data-testid="sweep-result">"#);
        let _ = write!(
            out,
            r#"<p class="muted">The same points from the command line: <code data-testid="sweep-cli">{}</code></p>"#,
            esc(&command)
        );
        out.push_str(&svg(&chart));
        out.push_str(&table(&chart));
        out.push_str("</section>");
        out
    }
}

/// A round step for about `parts` divisions of `range` (1, 2 or 5 × 10^k).
fn nice_step(range: f64, parts: f64) -> f64 {
    let raw = (range / parts).max(f64::MIN_POSITIVE);
    let base = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * base).find(|&s| s >= raw).unwrap_or(base * 10.0)
}

/// A marker of `shape` centred at (x, y), as path data.
fn marker(shape: &str, x: f64, y: f64) -> String {
    let (x, y) = (px(x), px(y));
    match shape {
        "square" => format!("M{x} {y}m-4.5 -4.5h9v9h-9z"),
        "triangle" => format!("M{x} {y}m0 -6l5.5 9.5h-11z"),
        "diamond" => format!("M{x} {y}m0 -6l6 6l-6 6l-6 -6z"),
        "cross" => format!("M{x} {y}m-5 -5l10 10m0 -10l-10 10"),
        _ => format!("M{x} {y}m-5 0a5 5 0 1 0 10 0a5 5 0 1 0 -10 0"),
    }
}

/// The chart as an SVG element, with a legend.
pub fn svg(c: &SweepChart) -> String {
    let xs: Vec<u64> = c.series.first().map(|s| s.points.iter().map(|p| p.x).collect()).unwrap_or_default();
    let (xmin, xmax) = (xs.iter().min().copied().unwrap_or(0) as f64, xs.iter().max().copied().unwrap_or(1) as f64);
    let ys: Vec<f64> = c.series.iter().flat_map(|s| s.points.iter().filter_map(|p| p.y)).collect();
    let ymax = ys.iter().copied().fold(0.0f64, f64::max);
    let ymin = ys.iter().copied().fold(0.0f64, f64::min);
    let ystep = nice_step((ymax - ymin).max(1e-9), 5.0);
    let (y0, y1) = ((ymin / ystep).floor() * ystep, ((ymax / ystep).ceil() * ystep).max(ystep));
    let plot_w = W - LEFT - RIGHT;
    let plot_h = H - TOP - BOTTOM;
    let x = |v: f64| if xmax > xmin { LEFT + (v - xmin) / (xmax - xmin) * plot_w } else { LEFT + plot_w / 2.0 };
    let y = |v: f64| TOP + plot_h - (v - y0) / (y1 - y0) * plot_h;
    let unit =
        |u: &Option<String>| u.as_deref().map(|u| format!(" ({})", super::html::unit_word(u))).unwrap_or_default();
    // "CPUs", not "CPUs (CPUs)".
    let xunit = c.param.unit.clone().filter(|u| *u != c.param.label);
    let xlabel = format!("{}{}", c.param.label, unit(&xunit));
    let over = c.baseline.as_ref().map(|b| format!(" over series {b}")).unwrap_or_default();
    let ylabel = format!("{}{}{over}", c.metric.label, unit(&c.metric.unit));
    let mut out = format!(
        r#"<figure class="lab-figure"><svg class="chart" data-testid="sweep-chart" viewBox="0 0 {} {}" role="img" aria-label="{}"><title>{}</title>"#,
        px(W),
        px(H),
        esc(&format!("{ylabel} against {xlabel}, one line per series; the numbers are in the table below")),
        esc(&format!("{ylabel} against {xlabel}"))
    );
    // Grid and y axis.
    let mut v = y0;
    while v <= y1 + ystep * 1e-6 {
        let yy = px(y(v));
        let decimals = if ystep >= 1.0 { 0 } else { (-ystep.log10().floor()) as usize };
        let _ = write!(
            out,
            r#"<line class="c-grid" x1="{}" x2="{}" y1="{yy}" y2="{yy}"/><text class="c-tick" x="{}" y="{}" text-anchor="end">{v:.decimals$}</text>"#,
            px(LEFT),
            px(W - RIGHT),
            px(LEFT - 6.0),
            px(y(v) + 4.0)
        );
        v += ystep;
    }
    // x axis: every value when there are few, else round steps.
    let xticks: Vec<f64> = if xs.len() <= 12 {
        xs.iter().map(|&v| v as f64).collect()
    } else {
        let step = nice_step(xmax - xmin, 8.0).max(1.0);
        let mut t = (xmin / step).ceil() * step;
        let mut out = Vec::new();
        while t <= xmax {
            out.push(t);
            t += step;
        }
        out
    };
    let base = px(TOP + plot_h);
    let _ = write!(out, r#"<line class="c-axis" x1="{}" x2="{}" y1="{base}" y2="{base}"/>"#, px(LEFT), px(W - RIGHT));
    let _ = write!(out, r#"<line class="c-axis" x1="{l}" x2="{l}" y1="{}" y2="{base}"/>"#, px(TOP), l = px(LEFT));
    for t in xticks {
        let _ = write!(
            out,
            r#"<text class="c-tick" x="{}" y="{}" text-anchor="middle">{t}</text>"#,
            px(x(t)),
            px(TOP + plot_h + 16.0)
        );
    }
    let _ = write!(
        out,
        r#"<text class="c-label" x="{}" y="{}" text-anchor="middle">{}</text><text class="c-label" transform="translate(16 {}) rotate(-90)" text-anchor="middle">{}</text>"#,
        px(LEFT + plot_w / 2.0),
        px(H - 10.0),
        esc(&xlabel),
        px(TOP + plot_h / 2.0),
        esc(&ylabel)
    );
    for (i, s) in c.series.iter().enumerate() {
        let (colour, dash, shape) = (COLOURS[i % COLOURS.len()], DASHES[i % DASHES.len()], SHAPES[i % SHAPES.len()]);
        // A line through consecutive points that have a value (a gap where one has none).
        let mut runs: Vec<Vec<String>> = vec![Vec::new()];
        for p in &s.points {
            match p.y {
                Some(v) => runs.last_mut().expect("one run").push(format!("{},{}", px(x(p.x as f64)), px(y(v)))),
                None => runs.push(Vec::new()),
            }
        }
        for line in runs.iter().filter(|r| r.len() > 1) {
            let _ = write!(
                out,
                r#"<polyline class="c-line" points="{}" stroke="{colour}" stroke-dasharray="{dash}"/>"#,
                line.join(" ")
            );
        }
        for p in &s.points {
            let Some(v) = p.y else { continue };
            let note = if p.applied { String::new() } else { format!(" (its policy has no {})", c.param.key.key()) };
            let value = c.metric.key.format(Some(v));
            let title = format!("{}, {} {}: {value}{}{note}", s.name, c.param.label, p.x, unit(&c.metric.unit));
            let fill = if p.applied { colour } else { "#fff" };
            let _ = write!(
                out,
                r#"<path class="c-point" data-testid="sweep-point" data-series="{}" data-x="{}" data-y="{}" data-applied="{}" d="{}" stroke="{colour}" fill="{fill}"><title>{}</title></path>"#,
                esc(&s.name),
                p.x,
                data(p.y),
                p.applied,
                marker(shape, x(p.x as f64), y(v)),
                esc(&title)
            );
        }
    }
    out.push_str(r#"</svg><figcaption><ul class="legend" aria-label="Series">"#);
    for (i, s) in c.series.iter().enumerate() {
        let (colour, dash, shape) = (COLOURS[i % COLOURS.len()], DASHES[i % DASHES.len()], SHAPES[i % SHAPES.len()]);
        let flat = if s.points.iter().all(|p| !p.applied) {
            format!(" (no {} setting: a flat reference, hollow markers)", c.param.key.key())
        } else {
            String::new()
        };
        let _ = write!(
            out,
            r#"<li><svg class="key" viewBox="0 0 36 14" aria-hidden="true"><line x1="1" x2="35" y1="7" y2="7" stroke="{colour}" stroke-dasharray="{dash}"/><path d="{}" stroke="{colour}" fill="{colour}"/></svg>{}{}</li>"#,
            marker(shape, 18.0, 7.0),
            esc(&s.name),
            esc(&flat)
        );
    }
    out.push_str("</ul></figcaption></figure>");
    out
}

/// A label inside a sentence: "Quantum" → "quantum", but "CPUs" stays "CPUs" (an initialism).
fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(label[1..].chars()).collect()
        }
        _ => label.to_string(),
    }
}

/// The chart's numbers as a table: a row per value, a column per series.
fn table(c: &SweepChart) -> String {
    let mut out = format!(
        r#"<div class="table-scroll" tabindex="0" role="region" aria-label="Sweep points"><table class="lab-table" data-testid="sweep-table"><caption>{} by {}</caption><thead><tr><th scope="col">{}</th>"#,
        esc(&c.metric.label),
        esc(&lower_first(&c.param.label)),
        esc(&c.param.label)
    );
    for s in &c.series {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(&s.name));
    }
    out.push_str("</tr></thead><tbody>");
    let n = c.series.first().map_or(0, |s| s.points.len());
    for i in 0..n {
        let _ = write!(out, r#"<tr><th scope="row">{}</th>"#, c.series[0].points[i].x);
        for s in &c.series {
            let p = &s.points[i];
            let stop = if p.outcome == "completed" { String::new() } else { format!(" ({})", esc(&p.outcome)) };
            let _ = write!(out, "<td>{}{stop}</td>", esc(&c.metric.key.format(p.y)));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        assert_eq!(nice_step(100.0, 5.0), 20.0);
        assert_eq!(nice_step(0.9, 5.0), 0.2);
        assert_eq!(nice_step(7.0, 5.0), 2.0);
    }

    /// The CPUs axis says "CPUs" once (it said "CPUs (CPUs)") and the table's caption reads as
    /// words ("Speedup by CPUs", not "Speedup for each cpus"); a sweep of cpus 1..2 on a preset.
    #[test]
    fn the_cpus_axis_and_caption_read_well() {
        use crate::compare::{Metric, Sweep};
        use crate::model::scenario::Setting;
        assert_eq!((lower_first("Quantum"), lower_first("CPUs")), ("quantum".to_string(), "CPUs".to_string()));
        let base = crate::presets::find("data-parallel").unwrap().scenario().unwrap();
        let sweep = Sweep {
            base,
            common: vec![],
            param: Setting::Cpus,
            values: vec![1, 2],
            series: vec![],
            metric: Metric::Speedup,
            baseline: None,
        };
        let chart = sweep.run().unwrap();
        let svg = svg(&chart);
        assert!(!svg.contains("CPUs (CPUs)"), "{svg}");
        assert!(svg.contains(">CPUs</text>"), "{svg}");
        let table = table(&chart);
        assert!(table.contains("<caption>Speedup by CPUs</caption>"), "{table}");
    }
}
