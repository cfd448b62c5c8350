//! The timeline (Gantt chart): one lane per CPU, a bar per CPU interval, the cursor, a legend.
//! Clicking the chart seeks there.

use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use super::timeline_lanes::{LANE_HEIGHT, TimelineLanes};
use crate::model::Ticks;
use crate::ui::format::{switch_colour, thread_colour};
use crate::model::trace::IntervalKind;
use crate::ui::run::Run;

/// Share of the chart's width, in %, kept for the "CPU n" labels on the left.
const LABEL_PCT: f64 = 7.0;
/// Height of the time axis under the lanes (px).
const AXIS_HEIGHT: f64 = 22.0;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub run: Rc<Run>,
    /// Current time, ticks.
    pub cursor: Ticks,
    /// Called with the time (ticks) clicked.
    pub on_seek: Callback<Ticks>,
}

/// A round step for about `parts` axis divisions over `span` ticks (1, 2 or 5 × 10^k).
fn axis_step(span: Ticks, parts: Ticks) -> Ticks {
    let raw = (span / parts).max(1);
    let mut base = 1;
    while base * 10 <= raw {
        base *= 10;
    }
    [1, 2, 5, 10].into_iter().map(|m| m * base).find(|&s| s >= raw).unwrap_or(base * 10)
}

/// `x` as a percentage of the outer chart for time `t` out of `end`.
fn x_pct(t: Ticks, end: Ticks) -> String {
    format!("{:.3}%", LABEL_PCT + (100.0 - LABEL_PCT) * t as f64 / end as f64)
}

/// The timeline section.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let plot = use_node_ref();
    let run = &props.run;
    let cpus = run.cpus();
    let end = run.trace.end_time().max(1);
    let lanes_h = cpus as f64 * LANE_HEIGHT;
    let onclick = {
        let plot = plot.clone();
        let on_seek = props.on_seek.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = plot.cast::<Element>() else { return };
            let rect = el.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return;
            }
            let f = ((f64::from(e.client_x()) - rect.left()) / rect.width()).clamp(0.0, 1.0);
            on_seek.emit((f * end as f64).round() as Ticks);
        })
    };
    let labels = (0..cpus).map(|cpu| {
        let y = cpu as f64 * LANE_HEIGHT + LANE_HEIGHT / 2.0;
        html! { <text class="lane-label" x="4" y={y.to_string()} dominant-baseline="middle">{ format!("CPU {cpu}") }</text> }
    });
    let step = axis_step(end, 8);
    let ticks = (0..=end / step).map(|i| {
        let t = i * step;
        // Labels near the right edge end there instead of being cut off.
        let anchor = if t as f64 > end as f64 * 0.96 { "end" } else { "middle" };
        html! {
            <g class="axis-tick">
                <line x1={x_pct(t, end)} x2={x_pct(t, end)} y1={lanes_h.to_string()} y2={(lanes_h + 4.0).to_string()} />
                <text x={x_pct(t, end)} y={(lanes_h + 16.0).to_string()} text-anchor={anchor}>{ t }</text>
            </g>
        }
    });
    let cursor_x = props.cursor.min(end).to_string();
    let legend = run.system.threads.iter().map(|t| {
        let process = &run.system.processes[t.pid].name;
        html! {
            <li><span class="swatch" style={format!("background:{}", thread_colour(t.tid))}></span>{ format!("{process} / {}", t.name) }</li>
        }
    });
    html! {
        <section class="panel timeline-panel">
            <h2 class="panel-title">{ "Timeline: what each CPU runs" }</h2>
            <svg data-testid="timeline" class="timeline" width="100%" height={(lanes_h + AXIS_HEIGHT).to_string()}
                role="img" aria-label={format!("Timeline of {cpus} CPUs over {end} µs; click to move the cursor")} {onclick}>
                { for labels }
                <svg ref={plot} class="plot" x={format!("{LABEL_PCT}%")} y="0" width={format!("{}%", 100.0 - LABEL_PCT)}
                    height={lanes_h.to_string()} viewBox={format!("0 0 {end} {lanes_h}")} preserveAspectRatio="none">
                    <TimelineLanes run={run.clone()} />
                    <line class="cursor" data-testid="timeline-cursor" x1={cursor_x.clone()} x2={cursor_x} y1="0" y2={lanes_h.to_string()} />
                </svg>
                <line class="axis" x1={format!("{LABEL_PCT}%")} x2="100%" y1={lanes_h.to_string()} y2={lanes_h.to_string()} />
                { for ticks }
            </svg>
            <ul class="legend" aria-label="Thread colours">
                { for legend }
                <li><span class="swatch" style={format!("background:{}", switch_colour(IntervalKind::ThreadSwitch))}></span>{ "thread switch" }</li>
                <li><span class="swatch" style={format!("background:{}", switch_colour(IntervalKind::ProcessSwitch))}></span>{ "process switch" }</li>
                <li class="legend-note">{ "time in µs; hover a bar for details" }</li>
            </ul>
        </section>
    }
}
