//! The timeline's bars, drawn on a canvas: per lane, one block per run of alike pixel columns
//! ([`crate::timeline::blocks`]), so drawing costs the width in pixels, not the number of bars.
//! The timeline redraws only when the bars, the zoom, the width or the highlighted thread
//! change, never for a cursor move.

use wasm_bindgen::JsCast;
use web_sys::{CanvasPattern, CanvasRenderingContext2d, HtmlCanvasElement};

use crate::model::ThreadId;
use crate::timeline::palette::{PROCESS_SWITCH, THREAD_SWITCH, needs_light_text};
use crate::timeline::{LaneSet, Lanes, SpanKind, Window, blocks};
use crate::ui::format::fixed;

/// A run's bars as the canvas draws them, built once per run and lane set.
pub struct Drawing {
    /// The run's id and the lane set: equal keys, equal drawings.
    pub key: (u32, LaneSet),
    /// The bars.
    pub lanes: Lanes,
    /// Colour of each thread (by tid).
    pub colours: Vec<&'static str>,
    /// Short and long label of each thread, e.g. `t3` and `p1/t3`, drawn on wide bars.
    pub labels: Vec<(String, String)>,
    /// Each thread lane's label (by tid), see [`crate::timeline::names`].
    pub names: Vec<crate::timeline::names::LaneName>,
}

impl PartialEq for Drawing {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

/// Height of one lane (CSS px) for `n` lanes: 34 for a few, down to 12 for many, about
/// 384 px in all between.
pub fn lane_height(n: usize) -> f64 {
    (384.0 / n.max(1) as f64).clamp(12.0, 34.0).floor()
}

/// A `size`×`size` tile of diagonal lines in `colour` (both diagonals if `cross`), as a pattern.
fn stripes(ctx: &CanvasRenderingContext2d, size: f64, colour: &str, cross: bool) -> Option<CanvasPattern> {
    let tile = gloo::utils::document().create_element("canvas").ok()?.dyn_into::<HtmlCanvasElement>().ok()?;
    tile.set_width(size as u32);
    tile.set_height(size as u32);
    let t = tile.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
    t.set_stroke_style_str(colour);
    t.set_line_width((size / 5.0).max(1.0));
    t.begin_path();
    // "/" through the tile and its two corner pieces, so that tiles join.
    for (x0, y0, x1, y1) in
        [(0.0, size, size, 0.0), (-1.0, 1.0, 1.0, -1.0), (size - 1.0, size + 1.0, size + 1.0, size - 1.0)]
    {
        t.move_to(x0, y0);
        t.line_to(x1, y1);
        if cross {
            t.move_to(size - x0, y0);
            t.line_to(size - x1, y1);
        }
    }
    t.stroke();
    ctx.create_pattern_with_html_canvas_element(&tile, "repeat").ok()?
}

/// Draws every lane's blocks on `el` for `window` at `width` CSS px (`dpr` device pixels each),
/// lanes `lane_h` CSS px high, dimming all but the `selected` thread's; sets `data-drawn`
/// (blocks drawn), `data-kinds` (blocks per kind, e.g. `run:120 … io:4 lock:9`), `data-threads`
/// (the threads with a block drawn, by tid) and `data-run` (the run drawn, by its id: the page
/// benchmark waits for it).
pub fn draw(
    el: &HtmlCanvasElement,
    d: &Drawing,
    window: Window,
    width: f64,
    dpr: f64,
    lane_h: f64,
    selected: Option<ThreadId>,
) {
    let lanes = &d.lanes.lanes;
    let cols = (width * dpr).round().max(1.0) as u32;
    let lane_px = lane_h * dpr;
    el.set_width(cols);
    el.set_height((lane_px * lanes.len() as f64).round() as u32);
    let Some(ctx) = el.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let tile = (6.0 * dpr).round();
    let io = stripes(&ctx, tile, "rgba(0,0,0,0.6)", false);
    let lock = stripes(&ctx, tile, "rgba(0,0,0,0.6)", true);
    let light = stripes(&ctx, tile, "rgba(255,255,255,0.75)", false);
    let spin = stripes(&ctx, tile, "rgba(255,255,255,0.85)", true);
    let pad = (lane_px * 0.12).max(1.0).round();
    ctx.set_font(&format!("{}px system-ui, sans-serif", fixed(10.0 * dpr, 0)));
    ctx.set_text_baseline("middle");
    let mut counts = [0u32; 7];
    let mut seen = vec![false; d.colours.len()];
    let mut outlines = Vec::new();
    for (i, lane) in lanes.iter().enumerate() {
        let top = i as f64 * lane_px;
        ctx.set_global_alpha(1.0);
        let mine = d.lanes.set == LaneSet::Threads && selected == Some(i);
        ctx.set_fill_style_str(if mine { "#fff4c2" } else { "#f0f2f5" });
        ctx.fill_rect(0.0, top + pad, f64::from(cols), lane_px - 2.0 * pad);
        // The fill colour and alpha last set.
        let mut pen: (&str, f64) = ("", -1.0);
        for b in blocks(lane, window, cols) {
            let s = &lane[b.span];
            let (x, w) = (f64::from(b.from), f64::from(b.to - b.from));
            let full = lane_px - 2.0 * pad;
            // (height as a share of the bar's, base fill, pattern over it)
            let (share, fill, pattern) = match s.kind {
                SpanKind::Run => (1.0, d.colours[s.tid], None),
                SpanKind::ThreadSwitch => (0.5, THREAD_SWITCH, None),
                SpanKind::ProcessSwitch => (0.5, PROCESS_SWITCH, light.as_ref()),
                SpanKind::Ready => (0.2, d.colours[s.tid], None),
                SpanKind::IoWait => (0.7, d.colours[s.tid], io.as_ref()),
                SpanKind::LockWait => (0.7, d.colours[s.tid], lock.as_ref()),
                SpanKind::Spin => (1.0, d.colours[s.tid], spin.as_ref()),
            };
            let h = (full * share).max(2.0).round();
            let y = top + pad + ((full - h) / 2.0).round();
            let dim = selected.is_some_and(|t| t != s.tid);
            let waiting = matches!(s.kind, SpanKind::IoWait | SpanKind::LockWait);
            let alpha = match (dim, waiting) {
                (true, _) => 0.18,
                (false, true) => 0.55,
                (false, false) => 1.0,
            };
            // Alike blocks follow each other: the colour (parsed on each set) only when it changes.
            if pen != (fill, alpha) {
                ctx.set_global_alpha(alpha);
                ctx.set_fill_style_str(fill);
                pen = (fill, alpha);
            }
            ctx.fill_rect(x, y, w, h);
            if let Some(p) = pattern {
                ctx.set_global_alpha(if dim { 0.25 } else { 1.0 });
                ctx.set_fill_style_canvas_pattern(p);
                ctx.fill_rect(x, y, w, h);
                pen = ("", -1.0);
            }
            counts[s.kind as usize] += 1;
            seen[s.tid] = true;
            if !dim && selected.is_some() {
                outlines.push((x, y, w, h));
            }
            // The thread's name on a wide enough run bar of a CPU lane.
            if s.kind == SpanKind::Run && d.lanes.set == LaneSet::Cpus && w >= 28.0 * dpr && lane_px >= 14.0 * dpr {
                let (short, long) = &d.labels[s.tid];
                let text = if w >= 56.0 * dpr { long } else { short };
                ctx.set_global_alpha(if dim { 0.4 } else { 1.0 });
                ctx.set_fill_style_str(if needs_light_text(fill) { "#fff" } else { "#111" });
                let _ = ctx.fill_text_with_max_width(text, x + 3.0 * dpr, y + h / 2.0, w - 6.0 * dpr);
                pen = ("", -1.0);
            }
        }
    }
    // The highlighted thread's blocks, outlined: a shape, not only a colour, marks them.
    ctx.set_global_alpha(1.0);
    ctx.set_stroke_style_str("#111");
    ctx.set_line_width(dpr.round().max(1.0) * 1.5);
    for (x, y, w, h) in outlines {
        ctx.stroke_rect(x + 0.5, y + 0.5, (w - 1.0).max(1.0), h - 1.0);
    }
    let total: u32 = counts.iter().sum();
    let _ = el.set_attribute("data-drawn", &total.to_string());
    let names = ["run", "thread-switch", "process-switch", "ready", "io", "lock", "spin"];
    let kinds: Vec<String> = names.iter().zip(counts).map(|(n, c)| format!("{n}:{c}")).collect();
    let _ = el.set_attribute("data-kinds", &kinds.join(" "));
    let tids: Vec<String> = (0..seen.len()).filter(|&t| seen[t]).map(|t| t.to_string()).collect();
    let _ = el.set_attribute("data-threads", &tids.join(" "));
    let _ = el.set_attribute("data-run", &d.key.0.to_string());
}
