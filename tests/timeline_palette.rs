//! The timeline's palette: process hues that stay apart for the common colour-blindnesses, and
//! thread shades that step in lightness (src/timeline/palette.rs says how the table is made).

use threadlab::model::{self, Scenario};
use threadlab::timeline::palette::{
    HUES, PROCESS_SWITCH, SHADES, THREAD_SWITCH, needs_light_text, shade_of, thread_colour, thread_colours,
};

/// sRGB `#rrggbb` → linear RGB in 0..=1 (IEC 61966-2-1).
fn linear(hex: &str) -> [f64; 3] {
    let c = |i: usize| {
        let v = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    [c(1), c(3), c(5)]
}

fn to_hex(rgb: [f64; 3]) -> String {
    let c = |v: f64| {
        let v = v.clamp(0.0, 1.0);
        let s = if v <= 0.0031308 { 12.92 * v } else { 1.055 * v.powf(1.0 / 2.4) - 0.055 };
        (s * 255.0).round() as u8
    };
    format!("#{:02x}{:02x}{:02x}", c(rgb[0]), c(rgb[1]), c(rgb[2]))
}

/// Linear RGB → CIELAB (D65 white; sRGB primaries).
fn lab(rgb: [f64; 3]) -> [f64; 3] {
    let [r, g, b] = rgb;
    let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
    let f = |t: f64| if t > 216.0 / 24389.0 { t.cbrt() } else { (24389.0 / 27.0 * t + 16.0) / 116.0 };
    [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
}

/// CIELAB → linear RGB (may fall outside 0..=1: out of the sRGB gamut).
fn lab_to_linear([l, a, b]: [f64; 3]) -> [f64; 3] {
    let fy = (l + 16.0) / 116.0;
    let (fx, fz) = (fy + a / 500.0, fy - b / 200.0);
    let inv = |t: f64| if t.powi(3) > 216.0 / 24389.0 { t.powi(3) } else { (116.0 * t - 16.0) / (24389.0 / 27.0) };
    let (x, y, z) = (inv(fx) * 0.95047, inv(fy), inv(fz) * 1.08883);
    [3.2406 * x - 1.5372 * y - 0.4986 * z, -0.9689 * x + 1.8758 * y + 0.0415 * z, 0.0557 * x - 0.2040 * y + 1.0570 * z]
}

/// Dichromat simulations on linear RGB: Machado, Oliveira & Fernandes (2009), "A
/// Physiologically-based Model for Simulation of Color Vision Deficiency", severity 1.0.
const VISIONS: [(&str, [[f64; 3]; 3]); 4] = [
    ("normal", [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    ("protanopia", [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    (
        "deuteranopia",
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    ),
    ("tritanopia", [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
];

/// CIE76 colour difference ΔE*ab between two colours as seen with `m`.
fn delta_e(a: &str, b: &str, m: &[[f64; 3]; 3]) -> f64 {
    let seen = |hex: &str| {
        let c = linear(hex);
        lab([0, 1, 2].map(|r| (m[r][0] * c[0] + m[r][1] * c[1] + m[r][2] * c[2]).clamp(0.0, 1.0)))
    };
    let (x, y) = (seen(a), seen(b));
    ((x[0] - y[0]).powi(2) + (x[1] - y[1]).powi(2) + (x[2] - y[2]).powi(2)).sqrt()
}

/// The shade table as its docstring builds it: L* from `first` by 4.5, `first` = the hue's
/// L* − 13.5 kept in 18..=58.5, the hue's a*, b* scaled down (bisection) until in sRGB.
fn built_shades(hue: &str) -> Vec<String> {
    let [l0, a, b] = lab(linear(hue));
    let first = (l0 - 13.5).clamp(18.0, 90.0 - 7.0 * 4.5);
    (0..8)
        .map(|k| {
            let l = first + 4.5 * k as f64;
            let (mut lo, mut hi) = (0.0, 1.0);
            for _ in 0..30 {
                let mid = (lo + hi) / 2.0;
                if lab_to_linear([l, a * mid, b * mid]).iter().all(|&c| (-1e-9..=1.0 + 1e-9).contains(&c)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            to_hex(lab_to_linear([l, a * lo, b * lo]))
        })
        .collect()
}

#[test]
fn the_shade_table_is_built_as_documented() {
    for (h, hue) in HUES.iter().enumerate() {
        let built = built_shades(hue);
        for (k, want) in built.iter().enumerate() {
            // Within one unit per channel (rounding).
            let close = (1..=5).step_by(2).all(|i| {
                let g = i64::from_str_radix(&SHADES[h][k][i..i + 2], 16).unwrap();
                let w = i64::from_str_radix(&want[i..i + 2], 16).unwrap();
                (g - w).abs() <= 1
            });
            assert!(close, "hue {hue} shade {k}: table {} but built {want}", SHADES[h][k]);
        }
    }
}

#[test]
fn process_colours_stay_apart_for_colour_blind_readers() {
    // Every pair of hues' middle shade (what a one-thread process gets) differs by ΔE ≥ 15 in
    // normal vision and under each simulated dichromacy (ΔE 2.3 is a just-noticeable difference;
    // 15 is plainly different side by side).
    for (name, m) in &VISIONS {
        for (i, a) in SHADES.iter().enumerate() {
            for (j, b) in SHADES.iter().enumerate().skip(i + 1) {
                let d = delta_e(a[3], b[3], m);
                assert!(d >= 15.0, "{name}: hues {i} and {j} only ΔE {d:.1} apart");
            }
        }
    }
}

#[test]
fn thread_shades_step_in_lightness() {
    // Within a hue, each shade is at least 4 L* lighter than the one before: lightness survives
    // every colour-blindness, so neighbouring threads of a process stay apart.
    for row in &SHADES {
        for k in 0..7 {
            let (a, b) = (lab(linear(row[k]))[0], lab(linear(row[k + 1]))[0]);
            assert!(b - a >= 4.0, "{} → {}: L* {a:.1} → {b:.1}", row[k], row[k + 1]);
        }
    }
}

#[test]
fn thread_colours_are_not_the_switch_greys() {
    for row in &SHADES {
        for c in row {
            for grey in [THREAD_SWITCH, PROCESS_SWITCH] {
                assert!(delta_e(c, grey, &VISIONS[0].1) >= 15.0, "{c} too close to {grey}");
            }
        }
    }
}

#[test]
fn threads_spread_over_their_process_shades() {
    assert_eq!(shade_of(0, 1), 3, "one thread: the hue's own colour");
    assert_eq!((shade_of(0, 2), shade_of(1, 2)), (0, 7), "two: darkest and lightest");
    assert_eq!((0..3).map(|i| shade_of(i, 3)).collect::<Vec<_>>(), vec![0, 4, 7]);
    assert_eq!((0..8).map(|i| shade_of(i, 8)).collect::<Vec<_>>(), (0..8).collect::<Vec<_>>());
    assert_eq!(shade_of(9, 12), 1, "past eight, round again");
}

#[test]
fn a_run_colours_threads_by_process() {
    let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/e2e/threads-64.json")).unwrap();
    let (sys, _) = model::run_with(&Scenario::from_json(&json).unwrap(), model::Recording::MetricsOnly).unwrap();
    let colours = thread_colours(&sys);
    // 8 processes × 8 threads: process p's thread i is shade i of hue p.
    for t in &sys.threads {
        let i = sys.threads.iter().filter(|u| u.pid == t.pid && u.tid < t.tid).count();
        assert_eq!(colours[t.tid], SHADES[t.pid][i]);
        assert_eq!(thread_colour(&sys, t.tid), colours[t.tid]);
    }
    let distinct: std::collections::HashSet<_> = colours.iter().collect();
    assert_eq!(distinct.len(), 64);
}

#[test]
fn label_text_is_white_on_dark_shades_only() {
    assert!(needs_light_text("#25187c"));
    assert!(needs_light_text("#000000"));
    assert!(!needs_light_text("#ffffff"));
    assert!(!needs_light_text("#f5e38d"));
}
