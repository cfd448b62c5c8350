//! The timeline's colours: a hue per process, a shade per thread, greys for context switches.
//!
//! The eight process hues are from Okabe & Ito's "Color Universal Design" set (2008) and Paul
//! Tol's "muted" scheme (2021), both made for colour-blind readers; this selection keeps every
//! pair of processes' middle shades at least 15 CIELAB ΔE*ab apart in normal vision and under
//! simulated protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009,
//! severity 1). Each hue has eight shades, about 4.5 L* apart, darkest first: the hue's CIELAB
//! a*, b* at lightness `first + 4.5·k`, where `first` is the hue's own L* minus 13.5, kept in
//! 18..=58.5 (so the lightest shade stays at most L* 90, visible on white), and the chroma
//! reduced until the colour is in sRGB. `tests/timeline_palette.rs` rebuilds the table this way
//! and checks the distances.
//!
//! Colour is never the only cue: with 64 threads, shades of two processes can meet, so the
//! legend groups threads by process, wide bars carry the thread's name, the thread lanes are
//! labelled, a highlighted thread's bars are outlined while the rest are dimmed, and switches,
//! ready time and blocked time each have their own height and pattern.

use crate::model::{System, ThreadId};

/// The process hues' base colours (sRGB), in the order processes take them.
pub const HUES: [&str; 8] = ["#332288", "#E69F00", "#009E73", "#882255", "#88CCEE", "#D55E00", "#AA4499", "#DDCC77"];

/// `SHADES[h][k]`: shade `k` (darkest first) of hue `h` ([`HUES`]).
pub const SHADES: [[&str; 8]; 8] = [
    ["#25187c", "#332288", "#412c94", "#4e37a0", "#5a41ad", "#674cb9", "#7357c6", "#8062d2"],
    ["#b77e00", "#c78900", "#d69400", "#e69f00", "#f4ab1b", "#ffb83e", "#ffc97a", "#ffd8a6"],
    ["#007856", "#008460", "#009169", "#009e73", "#21aa7e", "#34b78a", "#44c396", "#52d0a2"],
    ["#5d0035", "#6f0040", "#7c134a", "#882255", "#952f60", "#a13b6b", "#ae4776", "#bb5381"],
    ["#4f95b5", "#5ba1c2", "#68adce", "#75b9db", "#82c6e7", "#8ed2f4", "#9fdeff", "#c0e8ff"],
    ["#a04500", "#b14d00", "#c35500", "#d55e00", "#e36a13", "#f27622", "#ff8231", "#ff9757"],
    ["#841d76", "#912b81", "#9d388d", "#aa4499", "#b750a5", "#c45cb1", "#d168be", "#de74ca"],
    ["#9b8e3c", "#a79947", "#b4a552", "#c1b15e", "#cebd69", "#dbca75", "#e8d681", "#f5e38d"],
];

/// Fill of a thread switch (same process): a light grey, drawn half height.
pub const THREAD_SWITCH: &str = "#a8afb8";
/// Fill of a process switch: a dark grey, drawn half height with light stripes.
pub const PROCESS_SWITCH: &str = "#6b7280";
/// Lost-update marks.
pub const LOST: &str = "#d11f14";

/// Shade (index into a row of [`SHADES`]) of the `index`-th of `count` threads of a process:
/// spread over the eight shades as evenly as they go (one thread: the middle shade, the hue's
/// own colour; two: the darkest and the lightest), and round again past eight.
pub fn shade_of(index: usize, count: usize) -> usize {
    match count {
        0 | 1 => 3,
        2..=8 => (index * 7 + (count - 1) / 2) / (count - 1),
        _ => index % 8,
    }
}

/// Colour of each thread of `sys` (indexed by tid): its process's hue (processes in order,
/// round again past eight) in its shade within the process ([`shade_of`]).
pub fn thread_colours(sys: &System) -> Vec<&'static str> {
    let mut seen = vec![0usize; sys.processes.len()];
    let mut counts = vec![0usize; sys.processes.len()];
    for t in &sys.threads {
        counts[t.pid] += 1;
    }
    sys.threads
        .iter()
        .map(|t| {
            let i = seen[t.pid];
            seen[t.pid] += 1;
            SHADES[t.pid % 8][shade_of(i, counts[t.pid])]
        })
        .collect()
}

/// Colour of thread `tid` of `sys` (see [`thread_colours`]); grey for an unknown thread.
pub fn thread_colour(sys: &System, tid: ThreadId) -> &'static str {
    let Some(t) = sys.threads.get(tid) else { return THREAD_SWITCH };
    let mine = sys.threads.iter().filter(|u| u.pid == t.pid);
    let count = mine.clone().count();
    let index = mine.take_while(|u| u.tid != tid).count();
    SHADES[t.pid % 8][shade_of(index, count)]
}

/// Whether text on `colour` (`#rrggbb`) should be white rather than black: its relative
/// luminance, with sRGB decoded as gamma 2 (close enough to pick a side), is below 0.18, about
/// L* 50 (WCAG 2.1's relative luminance, simplified).
pub fn needs_light_text(colour: &str) -> bool {
    let channel = |i: usize| {
        let v = colour.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()).unwrap_or(0);
        let f = f64::from(v) / 255.0;
        f * f
    };
    0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5) < 0.18
}
