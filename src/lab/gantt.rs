//! A compact timeline as SVG text: lanes of bars over one time axis, with marked spans. The
//! compare panel draws a timeline per variant on one shared scale (so lengths compare across
//! variants), the exercise panel the jobs' lives with the spans that make up a correct value.
//!
//! Geometry, in the SVG's user units (it scales to its box's width): [`WIDTH`] wide, a label
//! column of [`LABEL`], lanes [`LANE`] high, an axis below. Time `t` (ticks) is at
//! `LABEL + t / end × (WIDTH − LABEL − RIGHT)`.

use std::fmt::Write;

use super::html::{esc, px};
use crate::model::Ticks;
use crate::timeline::axis_step;
use crate::timeline::palette::needs_light_text;

/// Width of the drawing (user units).
pub const WIDTH: f64 = 720.0;
/// Width of the lane labels' column.
pub const LABEL: f64 = 70.0;
/// Space right of the plot (so the last axis label fits).
const RIGHT: f64 = 14.0;
/// Height of a lane.
pub const LANE: f64 = 24.0;
/// Height of the axis under the lanes.
const AXIS: f64 = 22.0;

/// How a bar is drawn (a class the page styles; colour is never the only cue).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// Executing: filled with the thread's colour, its name inside when it fits.
    Run,
    /// A context switch: a grey bar of half height.
    Switch,
    /// Ready, waiting for a CPU: pale, with a dashed edge.
    Ready,
    /// Blocked (I/O or a lock): white, with a dotted edge.
    Blocked,
}

impl Look {
    fn class(self) -> &'static str {
        match self {
            Look::Run => "g-run",
            Look::Switch => "g-switch",
            Look::Ready => "g-ready",
            Look::Blocked => "g-blocked",
        }
    }
}

/// One bar, from `start` to `end` in ticks (fractions allowed: a merged pixel column).
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// Start, ticks.
    pub start: f64,
    /// End, ticks.
    pub end: f64,
    /// How it is drawn.
    pub look: Look,
    /// Its fill (`#rrggbb`), for a run.
    pub fill: &'static str,
    /// Text inside it when it fits (a thread's name).
    pub text: String,
    /// Its tooltip, for people.
    pub title: String,
}

/// One lane: its label and bars.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// Shown left of the lane (`CPU 0`, a job's name).
    pub label: String,
    /// Its bars, by start.
    pub bars: Vec<Bar>,
}

/// A span outlined over a lane, `[start, end)` ticks, with its length written above it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// The lane.
    pub lane: usize,
    /// Start, ticks.
    pub start: Ticks,
    /// End, ticks.
    pub end: Ticks,
}

/// The timeline as an `<svg>` element, `end` ticks wide, described for screen readers by
/// `label`.
pub fn svg(lanes: &[Lane], end: Ticks, marks: &[Mark], label: &str) -> String {
    let end = end.max(1);
    let plot = WIDTH - LABEL - RIGHT;
    let x = |t: f64| LABEL + t / end as f64 * plot;
    let height = lanes.len() as f64 * LANE + AXIS + 4.0;
    let mut out = format!(
        r#"<svg class="gantt" viewBox="0 0 {} {}" role="img" aria-label="{}" data-until="{end}">"#,
        px(WIDTH),
        px(height),
        esc(label)
    );
    for (i, lane) in lanes.iter().enumerate() {
        let top = 2.0 + i as f64 * LANE;
        let _ = write!(
            out,
            r#"<text class="g-label" x="{}" y="{}" text-anchor="end">{}</text>"#,
            px(LABEL - 6.0),
            px(top + LANE / 2.0 + 4.0),
            esc(&lane.label)
        );
        let _ = write!(
            out,
            r#"<line class="g-lane" x1="{}" x2="{}" y1="{y}" y2="{y}"/>"#,
            px(LABEL),
            px(WIDTH - RIGHT),
            y = px(top + LANE - 0.5)
        );
        for b in &lane.bars {
            let (x0, x1) = (x(b.start), x(b.end));
            let (y, h) = match b.look {
                Look::Switch => (top + LANE / 2.0, LANE / 2.0 - 3.0),
                _ => (top + 3.0, LANE - 6.0),
            };
            let fill = if b.look == Look::Run { format!(r#" fill="{}""#, b.fill) } else { String::new() };
            let _ = write!(
                out,
                r#"<rect class="{}" x="{}" y="{}" width="{}" height="{}"{fill}><title>{}</title></rect>"#,
                b.look.class(),
                px(x0),
                px(y),
                px((x1 - x0).max(0.6)),
                px(h),
                esc(&b.title)
            );
            let room = (x1 - x0 - 4.0) / 6.5;
            if b.look == Look::Run && !b.text.is_empty() && room >= b.text.chars().count() as f64 {
                let ink = if needs_light_text(b.fill) { "#fff" } else { "#111" };
                let _ = write!(
                    out,
                    r#"<text class="g-in" x="{}" y="{}" fill="{ink}" aria-hidden="true">{}</text>"#,
                    px(x0 + 3.0),
                    px(top + LANE / 2.0 + 4.0),
                    esc(&b.text)
                );
            }
        }
    }
    for m in marks {
        let top = 2.0 + m.lane as f64 * LANE;
        let (x0, x1) = (x(m.start as f64), x(m.end as f64));
        let _ = write!(
            out,
            r#"<rect class="g-mark" data-testid="g-mark" data-lane="{}" data-start="{}" data-end="{}" x="{}" y="{}" width="{}" height="{}"/>"#,
            m.lane,
            m.start,
            m.end,
            px(x0),
            px(top + 1.0),
            px((x1 - x0).max(1.0)),
            px(LANE - 2.0)
        );
    }
    // The axis: round steps of about an eighth of the run.
    let base = lanes.len() as f64 * LANE + 2.0;
    let _ =
        write!(out, r#"<line class="g-axis" x1="{}" x2="{}" y1="{base}" y2="{base}"/>"#, px(LABEL), px(WIDTH - RIGHT));
    let step = axis_step(end, 8).max(1);
    let mut t = 0;
    while t <= end {
        let _ = write!(
            out,
            r#"<text class="g-tick" x="{}" y="{}" text-anchor="middle">{t}</text>"#,
            px(x(t as f64)),
            px(base + 15.0)
        );
        t += step;
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(start: f64, end: f64, look: Look) -> Bar {
        Bar { start, end, look, fill: "#332288", text: "A".into(), title: "A <1>".into() }
    }

    #[test]
    fn bars_sit_on_the_time_scale_and_marks_keep_their_ticks() {
        let lanes =
            vec![Lane { label: "CPU 0".into(), bars: vec![bar(0.0, 50.0, Look::Run), bar(50.0, 100.0, Look::Ready)] }];
        let s = svg(&lanes, 100, &[Mark { lane: 0, start: 50, end: 100 }], "one lane");
        // Half of the plot (720 − 70 − 14 = 636 wide) is 318: the first bar ends at 70 + 318.
        let first =
            r##"<rect class="g-run" x="70" y="5" width="318" height="18" fill="#332288"><title>A &lt;1&gt;</title>"##;
        assert!(s.contains(first), "{s}");
        assert!(s.contains(r#"data-start="50" data-end="100" x="388""#), "{s}");
        // The axis has a label at 0 and at the end (step 20: 100 ticks in about eight parts).
        assert!(s.contains(">0</text>") && s.contains(">100</text>"));
    }
}
