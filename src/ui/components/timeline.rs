//! The timeline (Gantt chart): one lane per CPU, a bar per CPU interval, the cursor, a legend.
//! Clicking the chart seeks there.

use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use super::timeline_lanes::{LANE_HEIGHT, TimelineLanes};
use crate::model::Ticks;
use crate::model::trace::IntervalKind;
use crate::ui::format::{switch_colour, thread_colour};
use crate::ui::run::Run;

/// Share of the chart's width, in %, kept for the "CPU n" labels on the left.
const LABEL_PCT: f64 = 7.0;
/// Height of the time axis under the lanes (px).
const AXIS_HEIGHT: f64 = 22.0;

/// Height of the strip above the lanes where lost-update markers sit (px).
const MARK_HEIGHT: f64 = 10.0;
/// Narrowest zoom window, in ticks.
const MIN_SPAN: Ticks = 8;

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

/// The visible time window: `[start, start + span]`, in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Window {
    start: Ticks,
    span: Ticks,
}

impl Window {
    /// The whole run `0..=end`.
    fn fit(end: Ticks) -> Self {
        Window { start: 0, span: end.max(1) }
    }

    /// A window of `span` ticks (clamped to the run) centred on `centre` as far as the run allows.
    fn around(centre: Ticks, span: Ticks, end: Ticks) -> Self {
        let end = end.max(1);
        let span = span.clamp(MIN_SPAN.min(end), end);
        let start = centre.saturating_sub(span / 2).min(end - span);
        Window { start, span }
    }

    fn contains(self, t: Ticks) -> bool {
        t >= self.start && t <= self.start + self.span
    }

    /// `x` as a percentage of the outer chart for time `t`.
    fn x_pct(self, t: Ticks) -> String {
        format!("{:.3}%", LABEL_PCT + (100.0 - LABEL_PCT) * (t as f64 - self.start as f64) / self.span as f64)
    }
}

/// Props of [`LostMarkers`].
#[derive(Properties, PartialEq)]
struct LostMarkersProps {
    run: Rc<Run>,
}

/// Red ticks above the lanes at the instants of lost updates, in ticks (inside the plot's
/// `viewBox`, so zooming moves them without re-rendering). Re-renders only with the run.
#[component]
fn LostMarkers(props: &LostMarkersProps) -> Html {
    let run = &props.run;
    let marks = run.lost_times.iter().map(|&t| {
        let sys = &run.system;
        let lost = run.lost_updates_at(t);
        let who: Vec<String> = lost
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
                    sys.processes[l.pid].space.variables[l.var],
                    if n == 1 { "" } else { "s" },
                    by.join(" and ")
                )
            })
            .collect();
        let x = t.to_string();
        html! {
            <line class="lost-marker" data-testid="lost-marker" data-time={x.clone()} x1={x.clone()} x2={x}
                y1={(-MARK_HEIGHT).to_string()} y2="-1">
                <title>{ format!("Lost update at t = {t} µs: {}", who.join("; ")) }</title>
            </line>
        }
    });
    html! { <g class="lost-markers">{ for marks }</g> }
}

/// The timeline section.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let chart = use_node_ref();
    let run = &props.run;
    let cpus = run.cpus();
    let end = run.trace.end_time().max(1);
    let window = use_state(|| Window::fit(end));
    // A new run starts fitted.
    {
        let window = window.clone();
        use_effect_with((run.id, end), move |&(_, end)| window.set(Window::fit(end)));
    }
    // Keep the window valid for this run (the effect above lands one render late).
    let win = if window.start + window.span > end { Window::fit(end) } else { *window };
    // While the cursor moves out of a zoomed window (playing, stepping), page to it.
    {
        let window = window.clone();
        let cursor = props.cursor.min(end);
        use_effect_with((cursor, win), move |&(cursor, win)| {
            if !win.contains(cursor) {
                window.set(Window { start: cursor.saturating_sub(win.span / 10).min(end - win.span), span: win.span });
            }
        });
    }
    let cursor = props.cursor.min(end);
    let zoom = |factor: f64| {
        let window = window.clone();
        Callback::from(move |_: MouseEvent| {
            let span = ((win.span as f64) * factor).round() as Ticks;
            let centre = if win.contains(cursor) { cursor } else { win.start + win.span / 2 };
            window.set(Window::around(centre, span, end));
        })
    };
    let on_zoom_in = zoom(0.5);
    let on_zoom_out = zoom(2.0);
    let on_fit = {
        let window = window.clone();
        Callback::from(move |_: MouseEvent| window.set(Window::fit(end)))
    };
    let fitted = win == Window::fit(end);
    let lanes_h = cpus as f64 * LANE_HEIGHT;
    let plot_h = lanes_h + MARK_HEIGHT;
    // The plot's box from the outer chart's (a nested <svg>'s own box is its content's, which
    // is wider than the window when zoomed).
    let onclick = {
        let chart = chart.clone();
        let on_seek = props.on_seek.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(el) = chart.cast::<Element>() else { return };
            let rect = el.get_bounding_client_rect();
            let left = rect.left() + rect.width() * LABEL_PCT / 100.0;
            let width = rect.width() * (100.0 - LABEL_PCT) / 100.0;
            if width <= 0.0 {
                return;
            }
            let f = ((f64::from(e.client_x()) - left) / width).clamp(0.0, 1.0);
            on_seek.emit(win.start + (f * win.span as f64).round() as Ticks);
        })
    };
    let labels = (0..cpus).map(|cpu| {
        let y = MARK_HEIGHT + cpu as f64 * LANE_HEIGHT + LANE_HEIGHT / 2.0;
        html! { <text class="lane-label" x="4" y={y.to_string()} dominant-baseline="middle">{ format!("CPU {cpu}") }</text> }
    });
    let step = axis_step(win.span, 8);
    let axis_y = plot_h;
    let first = win.start.div_ceil(step);
    let ticks = (first..=(win.start + win.span) / step).map(|i| {
        let t = i * step;
        // Labels near the edges end (or start) there instead of being cut off.
        let f = (t - win.start) as f64 / win.span as f64;
        let anchor = if f > 0.96 {
            "end"
        } else if f < 0.02 && win.start > 0 {
            "start"
        } else {
            "middle"
        };
        html! {
            <g class="axis-tick">
                <line x1={win.x_pct(t)} x2={win.x_pct(t)} y1={axis_y.to_string()} y2={(axis_y + 4.0).to_string()} />
                <text x={win.x_pct(t)} y={(axis_y + 16.0).to_string()} text-anchor={anchor}>{ t }</text>
            </g>
        }
    });
    let cursor_x = cursor.to_string();
    let legend = run.system.threads.iter().map(|t| {
        let process = &run.system.processes[t.pid].name;
        html! {
            <li><span class="swatch" style={format!("background:{}", thread_colour(t.tid))}></span>{ format!("{process} / {}", t.name) }</li>
        }
    });
    let window_text = if fitted {
        format!("showing all {end} µs")
    } else {
        format!("showing {}–{} µs of {end}", win.start, win.start + win.span)
    };
    html! {
        <section class="panel timeline-panel">
            <div class="panel-head">
                <h2 class="panel-title">{ "Timeline: what each CPU runs" }</h2>
                <div class="zoom" role="group" aria-label="Zoom the timeline">
                    <span class="muted zoom-window" data-testid="zoom-window">{ window_text.clone() }</span>
                    <button data-testid="zoom-in" onclick={on_zoom_in} disabled={win.span <= MIN_SPAN.min(end)} title="Show half as much time, around the cursor">{ "Zoom in" }</button>
                    <button data-testid="zoom-out" onclick={on_zoom_out} disabled={fitted} title="Show twice as much time">{ "Zoom out" }</button>
                    <button data-testid="zoom-fit" onclick={on_fit} disabled={fitted} title="Show the whole run">{ "Fit" }</button>
                </div>
            </div>
            <svg ref={chart} data-testid="timeline" class="timeline" width="100%" height={(plot_h + AXIS_HEIGHT).to_string()}
                data-start={win.start.to_string()} data-span={win.span.to_string()}
                role="img" aria-label={format!("Timeline of {cpus} CPUs, {window_text}; click to move the cursor")} {onclick}>
                { for labels }
                <svg class="plot" x={format!("{LABEL_PCT}%")} y="0" width={format!("{}%", 100.0 - LABEL_PCT)}
                    height={plot_h.to_string()} viewBox={format!("{} {} {} {plot_h}", win.start, -MARK_HEIGHT, win.span)} preserveAspectRatio="none">
                    <TimelineLanes run={run.clone()} />
                    <LostMarkers run={run.clone()} />
                    <line class="cursor" data-testid="timeline-cursor" x1={cursor_x.clone()} x2={cursor_x} y1={(-MARK_HEIGHT).to_string()} y2={lanes_h.to_string()} />
                </svg>
                <line class="axis" x1={format!("{LABEL_PCT}%")} x2="100%" y1={axis_y.to_string()} y2={axis_y.to_string()} />
                { for ticks }
            </svg>
            <ul class="legend" aria-label="Thread colours">
                { for legend }
                <li><span class="swatch" style={format!("background:{}", switch_colour(IntervalKind::ThreadSwitch))}></span>{ "thread switch" }</li>
                <li><span class="swatch" style={format!("background:{}", switch_colour(IntervalKind::ProcessSwitch))}></span>{ "process switch" }</li>
                if !run.lost_times.is_empty() {
                    <li><span class="swatch lost-swatch"></span>{ "lost update" }</li>
                }
                <li class="legend-note">{ "time in µs; hover a bar for details" }</li>
            </ul>
        </section>
    }
}
