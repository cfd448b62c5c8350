//! The timeline's bars: one rect per CPU interval. A separate component so that it re-renders
//! only when the run changes, not on every cursor move (thousands of rects stay cheap).

use std::rc::Rc;

use yew::prelude::*;

use crate::model::trace::IntervalKind;
use crate::ui::format::{interval_kind_label, switch_colour, thread_colour};
use crate::ui::run::Run;

/// Height of one CPU lane in the timeline's coordinates (px), including the gap.
pub const LANE_HEIGHT: f64 = 34.0;
/// Height of a bar in a lane (px).
const BAR_HEIGHT: f64 = 26.0;

/// Props of [`TimelineLanes`].
#[derive(Properties, PartialEq)]
pub struct TimelineLanesProps {
    pub run: Rc<Run>,
}

/// SVG `<g>` of interval rects, x in ticks, y in px (drawn inside a stretched `<svg>`).
#[component]
pub fn TimelineLanes(props: &TimelineLanesProps) -> Html {
    let run = &props.run;
    let sys = &run.system;
    let lanes = (0..run.cpus()).map(|cpu| {
        let y = cpu as f64 * LANE_HEIGHT + (LANE_HEIGHT - BAR_HEIGHT) / 2.0;
        html! { <rect class="lane-bg" x="0" y={y.to_string()} width="100%" height={BAR_HEIGHT.to_string()} /> }
    });
    let bars = run.trace.intervals.iter().map(|iv| {
        let t = &sys.threads[iv.tid];
        let process = &sys.processes[t.pid].name;
        let run_kind = iv.kind == IntervalKind::Run;
        let (y, h, fill) = if run_kind {
            (iv.cpu as f64 * LANE_HEIGHT + (LANE_HEIGHT - BAR_HEIGHT) / 2.0, BAR_HEIGHT, thread_colour(iv.tid))
        } else {
            (
                iv.cpu as f64 * LANE_HEIGHT + (LANE_HEIGHT - BAR_HEIGHT) / 2.0 + 6.0,
                BAR_HEIGHT - 12.0,
                switch_colour(iv.kind).to_string(),
            )
        };
        let mut title = format!(
            "CPU {}: {} (process {})\n{}–{} µs ({} µs), {}",
            iv.cpu,
            t.name,
            process,
            iv.start,
            iv.end,
            iv.end - iv.start,
            interval_kind_label(iv.kind)
        );
        if run_kind {
            let (l1, i1) = run.instruction(iv.tid, iv.first_pc);
            let (l2, i2) = run.instruction(iv.tid, iv.last_pc);
            let line = |l: Option<u32>| l.map_or(String::new(), |l| format!(" (line {l})"));
            title.push_str(&format!("\nPC {} → {}: {}{} … {}{}", iv.first_pc, iv.last_pc, i1, line(l1), i2, line(l2)));
        } else {
            title.push_str(&format!(" to {}", t.name));
        }
        let class = if run_kind { "bar" } else { "bar switch" };
        html! {
            <rect class={class} x={iv.start.to_string()} y={y.to_string()} width={(iv.end - iv.start).to_string()}
                height={h.to_string()} fill={fill} data-tid={iv.tid.to_string()}>
                <title>{ title }</title>
            </rect>
        }
    });
    html! {
        <g class="lanes">
            { for lanes }
            { for bars }
        </g>
    }
}
