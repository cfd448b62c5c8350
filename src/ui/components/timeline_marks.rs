//! Above the timeline's lanes: a mark at each lost update, neighbours gathered into one mark with
//! their count ([`crate::timeline::lost_clusters`]), so hundreds of them stay readable at any
//! zoom. The timeline keeps them (memo) until the run, the zoom or the width changes.

use yew::prelude::*;

use crate::timeline::{Window, lost_clusters, lost_mark_extent};
use crate::ui::format::fixed;
use crate::ui::run::Run;

/// Height of the strip of marks (px).
pub const MARK_HEIGHT: f64 = 14.0;
/// Marks are at least this far apart (CSS px), so that a count of up to three digits fits.
const LOST_GAP_PX: f64 = 24.0;

/// One sentence on the lost updates at `t` (ticks): who stored, into what, over whose writes.
fn explain(run: &Run, t: u64) -> String {
    let sys = &run.system;
    let who: Vec<String> = run
        .lost_updates_at(t)
        .iter()
        .map(|l| {
            let mut by: Vec<&str> = Vec::new();
            for w in &l.overwritten {
                let name = sys.threads[w.tid].name.as_str();
                if !by.contains(&name) {
                    by.push(name);
                }
            }
            let n = l.overwritten.len();
            format!(
                "{} stored {} into {}, overwriting {n} write{} by {} it never saw",
                sys.threads[l.tid].name,
                l.value,
                l.place.name(sys, l.pid),
                if n == 1 { "" } else { "s" },
                by.join(" and ")
            )
        })
        .collect();
    format!("Lost update at t = {t} µs: {}", who.join("; "))
}

/// An SVG strip of lost-update marks (`data-testid="lost-marker"`, with `data-time` the first
/// instant, `data-last` the last and `data-count` how many): a thin red tick for one, a red tab
/// with the count for several; `win` over a plot `width` CSS px wide.
pub fn lost_marks(run: &Run, win: Window, width: f64) -> Html {
    let times = &run.lost_times;
    let marks = lost_clusters(times, win, width, LOST_GAP_PX).into_iter().map(|c| {
        let (first, last) = (times[c.first], times[c.first + c.count - 1]);
        let x = win.frac(first) * width;
        let (left, w) = lost_mark_extent(c.count, x, width);
        let (shape, title) = if c.count == 1 {
            (
                html! { <rect x={fixed(left, 2)} y="1" width={fixed(w, 0)} height={fixed(MARK_HEIGHT - 2.0, 0)} /> },
                explain(run, first),
            )
        } else {
            let label = c.count.to_string();
            let shape = html! { <>
                <rect x={fixed(left, 2)} y="0" rx="3" width={fixed(w, 2)} height={fixed(MARK_HEIGHT, 0)} />
                <text x={fixed(left + w / 2.0, 2)} y={fixed(MARK_HEIGHT / 2.0, 0)}>{ label }</text>
            </> };
            let title = format!(
                "{} lost updates at t = {first}–{last} µs: zoom in to see each, or visit them with \
                 Previous / Next lost update",
                c.count
            );
            (shape, title)
        };
        html! {
            <g class="lost-marker" data-testid="lost-marker" data-time={first.to_string()} data-last={last.to_string()}
                data-count={c.count.to_string()}>
                <title>{ title }</title>
                { shape }
            </g>
        }
    });
    html! {
        <svg class="lost-strip" width="100%" height={fixed(MARK_HEIGHT, 0)}>{ for marks }</svg>
    }
}
