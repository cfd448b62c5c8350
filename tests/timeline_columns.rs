//! What the timeline draws per pixel column at a zoom (blocks of bars, bounded by the width),
//! lost-update marks gathered with a count, and the zoom window itself.

use proptest::prelude::*;
use threadlab::timeline::{
    Block, LOST_MARK_SPACE, LostCluster, Span, SpanKind, Window, axis_step, blocks, lost_clusters, lost_mark_extent,
};

fn bar(start: u64, end: u64, tid: usize, kind: SpanKind) -> Span {
    Span { start, end, tid, kind, cpu: Some(0), first_pc: 0, last_pc: 0, wait: None }
}

fn block(from: u32, to: u32, span: usize) -> Block {
    Block { from, to, span }
}

/// Thread 0 runs 0–10, thread 1 runs 10–12, a switch to thread 2 takes 12–13, thread 2 runs
/// 13–40.
fn lane() -> Vec<Span> {
    use SpanKind::*;
    vec![bar(0, 10, 0, Run), bar(10, 12, 1, Run), bar(12, 13, 2, ThreadSwitch), bar(13, 40, 2, Run)]
}

#[test]
fn each_column_shows_the_bar_covering_most_of_it() {
    // 40 ticks over 10 columns: 4 ticks each. Column 2 (8–12) is half thread 0's first bar,
    // half thread 1's: the earlier wins. Column 3 (12–16): the switch covers 1 tick, the last
    // bar 3. So thread 1's bar and the switch are too small to show at this zoom.
    assert_eq!(blocks(&lane(), Window { start: 0, span: 40 }, 10), vec![block(0, 3, 0), block(3, 10, 3)]);
}

#[test]
fn zooming_in_shows_the_small_bars() {
    // 8–16 over 4 columns, 2 ticks each: 8–10 bar 0, 10–12 bar 1, 12–14 a tie of the switch
    // (12–13) and bar 3 (13–14): the earlier, the switch; 14–16 bar 3.
    let got = blocks(&lane(), Window { start: 8, span: 8 }, 4);
    assert_eq!(got, vec![block(0, 1, 0), block(1, 2, 1), block(2, 3, 2), block(3, 4, 3)]);
}

#[test]
fn idle_columns_show_nothing_and_alike_neighbours_merge() {
    use SpanKind::*;
    // 0–8 over 4 columns: bars 0–2 and 6–8 with the CPU idle between.
    let lane = vec![bar(0, 2, 0, Run), bar(6, 8, 0, Run)];
    assert_eq!(blocks(&lane, Window { start: 0, span: 8 }, 4), vec![block(0, 1, 0), block(3, 4, 1)]);
    // Two bars of the same thread and kind, one after the other: one block.
    let lane = vec![bar(0, 2, 0, Run), bar(2, 4, 0, Run)];
    assert_eq!(blocks(&lane, Window { start: 0, span: 4 }, 2), vec![block(0, 2, 0)]);
    // The same thread but another kind: two.
    let lane = vec![bar(0, 2, 0, ProcessSwitch), bar(2, 4, 0, Run)];
    assert_eq!(blocks(&lane, Window { start: 0, span: 4 }, 2), vec![block(0, 1, 0), block(1, 2, 1)]);
}

#[test]
fn bars_outside_the_window_are_not_drawn() {
    assert_eq!(blocks(&lane(), Window { start: 100, span: 10 }, 5), vec![]);
    assert_eq!(blocks(&lane(), Window { start: 0, span: 40 }, 0), vec![]);
}

proptest! {
    /// However many bars a lane has, it draws at most one block per column; blocks are in order,
    /// do not overlap, and every column some bar overlaps shows a bar (an idle column none).
    #[test]
    fn blocks_are_bounded_by_the_columns(
        lens in prop::collection::vec((0u64..6, 1u64..20, 0usize..4), 0..400),
        start in 0u64..200, span in 1u64..3000, cols in 1u32..300,
    ) {
        let mut lane = Vec::new();
        let mut t = 0;
        for (gap, len, tid) in lens {
            lane.push(bar(t + gap, t + gap + len, tid, SpanKind::Run));
            t += gap + len;
        }
        let window = Window { start, span };
        let got = blocks(&lane, window, cols);
        prop_assert!(got.len() <= cols as usize);
        prop_assert!(got.windows(2).all(|w| w[0].to <= w[1].from));
        let mut shown = vec![false; cols as usize];
        for b in &got {
            prop_assert!(b.from < b.to && b.to <= cols);
            shown[b.from as usize..b.to as usize].iter_mut().for_each(|x| *x = true);
        }
        for (c, &is_shown) in shown.iter().enumerate() {
            // Column c covers ticks start + [c, c+1)·span/cols: in units of 1/cols of a tick
            // (exact integers), [start·cols + c·span, start·cols + (c+1)·span).
            let (t0, t1) = (start * cols as u64 + c as u64 * span, start * cols as u64 + (c as u64 + 1) * span);
            let win_end = (start + span) * cols as u64;
            let busy = lane.iter().any(|s| {
                let (a, b) = ((s.start * cols as u64).max(start * cols as u64), (s.end * cols as u64).min(win_end));
                a < b && a < t1 && b > t0
            });
            prop_assert_eq!(is_shown, busy, "column {}", c);
        }
    }
}

#[test]
fn lost_updates_gather_into_counted_clusters() {
    let times = [10, 11, 12, 30, 95, 100];
    // 100 ticks over 100 px (1 px per tick), marks at least 5 px apart: 10, 11 and 12 are one
    // mark of 3; 30 one; 95 one; 100 is 5 px from 95, so one of its own.
    let c = |first, count| LostCluster { first, count };
    let whole = Window { start: 0, span: 100 };
    assert_eq!(lost_clusters(&times, whole, 100.0, 5.0), vec![c(0, 3), c(3, 1), c(4, 1), c(5, 1)]);
    // At 10 px per tick nothing merges.
    assert_eq!(lost_clusters(&times, whole, 1000.0, 5.0).len(), 6);
    // Zoomed to 0–50: 95 and 100 are outside; 2 px per tick, so 10, 11 (2 px) and 12 (4 px) merge.
    assert_eq!(lost_clusters(&times, Window { start: 0, span: 50 }, 100.0, 5.0), vec![c(0, 3), c(3, 1)]);
    // 500 instants 1 tick apart, 10,000 ticks over 1000 px (10 ticks per px), marks at least
    // 10 px (100 ticks) apart would be 5 marks of 100, but a tab of 3 digits is 25.5 px wide
    // (6.5 per digit + 6): they would overlap. The first mark, at 100 px, takes what its tab
    // covers as it grows: to 104 px (1 instant, 2 px + 2 clear), 110 (the gap), 122 (2 digits,
    // 19 px + 2 + the next's 1 px half), 128.5 (3 digits): t = 1000–1284, 285 instants.
    let many: Vec<u64> = (0..500).map(|i| 1000 + i).collect();
    let got = lost_clusters(&many, Window { start: 0, span: 10_000 }, 1000.0, 10.0);
    assert_eq!(got[0], c(0, 285));
    no_overlap(&many, Window { start: 0, span: 10_000 }, 1000.0, &got);
}

/// Consecutive marks as drawn ([`lost_mark_extent`]) keep [`LOST_MARK_SPACE`] clear between
/// them, and the clusters hold every instant once.
fn no_overlap(times: &[u64], win: Window, width: f64, got: &[LostCluster]) {
    let extent = |c: &LostCluster| lost_mark_extent(c.count, win.frac(times[c.first]) * width, width);
    for pair in got.windows(2) {
        let ((l0, w0), (l1, _)) = (extent(&pair[0]), extent(&pair[1]));
        assert!(l0 + w0 + LOST_MARK_SPACE <= l1, "{pair:?}: {l0}+{w0} against {l1}");
        assert_eq!(pair[0].first + pair[0].count, pair[1].first);
    }
    let inside = times.iter().filter(|&&t| t >= win.start && t <= win.start + win.span).count();
    assert_eq!(got.iter().map(|c| c.count).sum::<usize>(), inside);
}

/// The walk's 300,000 loops: 150,000 lost-update instants over a long run, 1 to 40 ticks apart
/// (a fixed pseudo-random walk), on plots 390 and 1280 px wide, whole and zoomed, and crowded at
/// the right edge: no two marks overlap.
#[test]
fn many_lost_updates_never_draw_marks_over_each_other() {
    let mut t = 0u64;
    let mut state = 7u64;
    let times: Vec<u64> = (0..150_000)
        .map(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            t += 1 + (state >> 33) % 40;
            t
        })
        .collect();
    let end = *times.last().unwrap();
    for width in [390.0, 1280.0] {
        for win in [
            Window { start: 0, span: end },
            Window { start: end / 3, span: 5_000 },
            Window { start: end - 900, span: 1_000 },
        ] {
            let got = lost_clusters(&times, win, width, 24.0);
            no_overlap(&times, win, width, &got);
        }
    }
}

#[test]
fn the_window_zooms_around_a_time_and_pages_to_follow_one() {
    assert_eq!(Window::fit(0), Window { start: 0, span: 1 });
    // 40 ticks around 100 of a 1000-tick run: 80–120; near the end it stops at the end.
    assert_eq!(Window::around(100, 40, 1000), Window { start: 80, span: 40 });
    assert_eq!(Window::around(990, 40, 1000), Window { start: 960, span: 40 });
    // Never narrower than 8 ticks nor wider than the run.
    assert_eq!(Window::around(5, 2, 1000).span, 8);
    assert_eq!(Window::around(5, 5000, 1000), Window { start: 0, span: 1000 });
    // Following 500 from 80–120 (span 40): starts a tenth of the span (4) before it.
    let w = Window { start: 80, span: 40 };
    assert_eq!(w.follow(100, 1000), w);
    assert_eq!(w.follow(500, 1000), Window { start: 496, span: 40 });
    assert_eq!(w.follow(999, 1000), Window { start: 960, span: 40 });
    // A window that outgrew a shorter run falls back to the whole run.
    assert_eq!(w.within(100), Window::fit(100));
    assert_eq!(w.time_at(0.5), 100);
    assert_eq!(w.frac(90), 0.25);
}

#[test]
fn axis_steps_are_round() {
    // 1000 ticks in about 8 parts: 125 → the next of 1, 2, 5 × 100 is 200.
    assert_eq!(axis_step(1000, 8), 200);
    assert_eq!(axis_step(12_743, 8), 2000);
    assert_eq!(axis_step(5, 8), 1);
}
