//! What a lane shows at a zoom, one pixel column at a time: the bar that covers most of each
//! column, with neighbouring columns that look the same merged into one block. A lane of any
//! number of bars becomes at most one block per column; the bars themselves stay reachable
//! (the page's details name them one by one).

use super::spans::{Span, SpanKind};
use super::window::Window;
use crate::model::{ThreadId, Ticks};

/// Columns `[from, to)` of a lane drawn as bar `span` (an index into the lane) shows: the bar
/// that covers most of the first column; every column up to `to` shows a bar of the same thread
/// and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// First column (0 = the window's left edge).
    pub from: u32,
    /// Column after the last one.
    pub to: u32,
    /// Index in the lane of the bar shown (the first column's).
    pub span: usize,
}

/// The blocks of `lane` (sorted by start, not overlapping) in `window` drawn over `cols` pixel
/// columns of equal time, left to right. Column `c` covers ticks
/// `[start + c·span/cols, start + (c+1)·span/cols)`; it shows the bar overlapping most of it
/// (the earlier on a tie), even if that bar covers only part of it, and nothing if no bar
/// overlaps it. Cost: O(log n + bars in the window + cols).
pub fn blocks(lane: &[Span], window: Window, cols: u32) -> Vec<Block> {
    let n = cols as usize;
    if n == 0 {
        return Vec::new();
    }
    // Exact integer arithmetic: a time t sits at (t - start)·cols in units of 1/span of a
    // column, so column c is [c·span, (c+1)·span) and no rounding makes a bar seem to touch a
    // column it only borders.
    let (span, cols64) = (window.span as u128, n as u128);
    let end = window.start + window.span;
    // best[c] = (how much of column c bar i covers, in 1/span of a column; i)
    let mut best: Vec<(u128, usize)> = vec![(0, usize::MAX); n];
    let first = lane.partition_point(|s| s.end <= window.start);
    for (i, s) in lane.iter().enumerate().skip(first).take_while(|(_, s)| s.start < end) {
        let x0 = (s.start.max(window.start) - window.start) as u128 * cols64;
        let x1 = (s.end.min(end) - window.start) as u128 * cols64;
        let c0 = ((x0 / span) as usize).min(n - 1);
        let c1 = (x1.div_ceil(span) as usize).clamp(c0 + 1, n);
        for (c, b) in best.iter_mut().enumerate().take(c1).skip(c0) {
            let cover = x1.min((c as u128 + 1) * span).saturating_sub(x0.max(c as u128 * span));
            if cover > b.0 {
                *b = (cover, i);
            }
        }
    }
    let mut out: Vec<Block> = Vec::new();
    let mut last_key: Option<(ThreadId, SpanKind)> = None;
    for (c, &(_, i)) in best.iter().enumerate() {
        let key = lane.get(i).map(|s| (s.tid, s.kind));
        match (key, out.last_mut()) {
            (Some(k), Some(b)) if last_key == Some(k) && b.to as usize == c => b.to += 1,
            (Some(_), _) => out.push(Block { from: c as u32, to: c as u32 + 1, span: i }),
            (None, _) => {}
        }
        last_key = key;
    }
    out
}

/// Neighbouring lost-update instants gathered into one mark: `times[first..first + count]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LostCluster {
    /// Index of the cluster's first instant in the times given.
    pub first: usize,
    /// How many instants it holds (≥ 1).
    pub count: usize,
}

/// Space kept clear between two lost-update marks (px).
pub const LOST_MARK_SPACE: f64 = 2.0;

/// Where the mark of a cluster of `count` lost-update instants, the first at `x` px, is drawn on
/// a plot `width` px wide: its left edge and its width (px). One instant: a 2 px tick centred on
/// `x`; several: a tab from `x` (kept inside the plot) wide enough for the count's digits.
pub fn lost_mark_extent(count: usize, x: f64, width: f64) -> (f64, f64) {
    if count <= 1 {
        (x - 1.0, 2.0)
    } else {
        let w = 6.5 * count.to_string().len() as f64 + 6.0;
        (x.min(width - w).max(0.0), w)
    }
}

/// The instants of `times` (ticks, ascending) inside `window`, gathered into clusters for a
/// plot `width` pixels wide: a cluster starts at an instant and takes every following one less
/// than `gap` pixels to its right, or whose mark would come closer than [`LOST_MARK_SPACE`] to
/// the cluster's mark as drawn ([`lost_mark_extent`]: a count of many digits is wide). So marks
/// drawn at clusters' first instants are at least `gap` pixels apart and never overlap, however
/// many instants there are (the walk saw 300,000 loops' marks drawn over each other).
pub fn lost_clusters(times: &[Ticks], window: Window, width: f64, gap: f64) -> Vec<LostCluster> {
    let from = times.partition_point(|&t| t < window.start);
    let to = times.partition_point(|&t| t <= window.start + window.span);
    let px = |t: Ticks| window.frac(t) * width;
    let right = |c: &LostCluster| {
        let (left, w) = lost_mark_extent(c.count, px(times[c.first]), width);
        left + w + LOST_MARK_SPACE
    };
    let mut out: Vec<LostCluster> = Vec::new();
    for i in from..to {
        let x = px(times[i]);
        match out.last_mut() {
            Some(c) if x - px(times[c.first]) < gap || lost_mark_extent(1, x, width).0 < right(c) => c.count += 1,
            _ => out.push(LostCluster { first: i, count: 1 }),
        }
    }
    // Near the plot's right edge a tab is pushed left to stay inside: merge it into the mark
    // before while it would overlap that one.
    while let [.., before, last] = out[..]
        && lost_mark_extent(last.count, px(times[last.first]), width).0 < right(&before)
    {
        out.pop();
        if let Some(b) = out.last_mut() {
            b.count += last.count;
        }
    }
    out
}
