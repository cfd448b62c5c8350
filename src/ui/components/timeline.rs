//! The timeline (Gantt chart): one lane per CPU, or per thread with its ready and blocked time;
//! the bars on a canvas, a block per pixel column at most ([`super::timeline_lanes`]); the
//! cursor, lost-update marks, zoom, and a legend grouped by process.
//!
//! Pointer: press or drag to move the cursor; a tap (or click) on a bar also shows its details
//! and highlights its thread (again: clears). Hovering shows details too. Keys, with the chart
//! focused: ← → previous / next bar in the lane, ↑ ↓ the lane above / below, Home / End the
//! lane's first / last bar (each shows the bar's details and highlights its thread), Enter moves
//! the cursor to the bar, Esc clears the highlight.

use std::rc::Rc;

use web_sys::{Element, HtmlCanvasElement, KeyboardEvent, PointerEvent};
use yew::prelude::*;

use super::timeline_lanes::{Drawing, draw, lane_height};
use super::timeline_legend::{legend, legend_pick};
use super::timeline_marks::{MARK_HEIGHT, lost_marks};
use crate::model::wait::WaitReason;
use crate::model::{Outcome, ThreadId, Ticks};
use crate::timeline::names::lane_names;
use crate::timeline::palette::thread_colours;
use crate::timeline::{LaneSet, Lanes, MIN_SPAN, Span, SpanKind, Window, axis_step};
use crate::ui::format::{fixed, with_code};
use crate::ui::run::Run;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub run: Rc<Run>,
    /// Current time, ticks.
    pub cursor: Ticks,
    /// Called with a time (ticks) to move the cursor to.
    pub on_seek: Callback<Ticks>,
    /// The highlighted thread.
    pub selected: Option<ThreadId>,
    /// Called with the thread to highlight, or `None` to clear.
    pub on_select: Callback<Option<ThreadId>>,
}

/// The time axis under the lanes for `win`, in µs (ticks at round steps): about 8 divisions,
/// fewer on a narrow plot (`width`, CSS px) so that labels stay about 60 px apart and never run
/// into each other (a walk read "35004000" at 390 px).
fn axis(win: Window, width: f64) -> Html {
    let parts = if width > 0.0 { ((width / 60.0) as Ticks).clamp(2, 8) } else { 8 };
    let step = axis_step(win.span, parts);
    let ticks = (win.start.div_ceil(step)..=(win.start + win.span) / step).map(|i| {
        let t = i * step;
        let f = win.frac(t);
        // Labels near the edges end (or start) there instead of being cut off.
        let anchor = if f > 0.96 {
            "end"
        } else if f < 0.02 && win.start > 0 {
            "start"
        } else {
            "middle"
        };
        let x = format!("{}%", fixed(f * 100.0, 3));
        html! {
            <g class="axis-tick">
                <line x1={x.clone()} x2={x.clone()} y1="0" y2="4" />
                <text x={x} y="16" text-anchor={anchor}>{ t }</text>
            </g>
        }
    });
    html! {
        <svg class="axis" width="100%" height="22" aria-hidden="true">
            <line x1="0" x2="100%" y1="0.5" y2="0.5" />
            { for ticks }
        </svg>
    }
}

/// Bar `i` of `lane`, if there is one.
fn bar(d: &Drawing, (lane, i): (usize, usize)) -> Option<&Span> {
    d.lanes.lanes.get(lane)?.get(i)
}

/// What bar `at` is, for people: where, whose, what, when, which instructions; with how many
/// bars share its pixel column when a pixel is `per_px` ticks wide.
fn describe(run: &Run, d: &Drawing, at: (usize, usize), win: Window, per_px: f64) -> String {
    let Some(s) = bar(d, at) else { return String::new() };
    let sys = &run.system;
    let t = &sys.threads[s.tid];
    let mut out = match s.cpu {
        Some(cpu) => format!("CPU {cpu} · "),
        None => String::new(),
    };
    // A synchronisation wait is named by its object: "blocked on semaphore empty"; a join by
    // the thread it waits for: "blocked in join, waiting for thread w1 to exit".
    let what = match (s.kind, s.wait) {
        (SpanKind::LockWait, Some(w @ WaitReason::Join { .. })) => {
            format!("blocked in join, waiting for {}", w.describe(sys, t.pid))
        }
        (SpanKind::LockWait, Some(w)) => format!("blocked on {}", w.describe(sys, t.pid)),
        _ => s.kind.label().to_string(),
    };
    out.push_str(&format!(
        "{} / {} · {what} · {}–{} µs ({} µs)",
        sys.processes[t.pid].name,
        t.name,
        s.start,
        s.end,
        s.end - s.start
    ));
    let at_pc = |pc: usize| {
        let (line, text) = run.instruction(s.tid, pc);
        match line {
            Some(l) => format!("{text} (line {l})"),
            None => text.to_string(),
        }
    };
    match s.kind {
        SpanKind::Run | SpanKind::Spin => {
            out.push_str(&format!(" · PC {} → {}: {} … {}", s.first_pc, s.last_pc, at_pc(s.first_pc), at_pc(s.last_pc)))
        }
        SpanKind::IoWait => {
            let on = s.wait.map(|w| w.describe(sys, t.pid)).unwrap_or_default();
            out.push_str(&format!(" · waits for {on} · at PC {}: {}", s.first_pc, at_pc(s.first_pc)));
        }
        SpanKind::Ready | SpanKind::LockWait => {
            out.push_str(&format!(" · at PC {}: {}", s.first_pc, at_pc(s.first_pc)))
        }
        SpanKind::ThreadSwitch | SpanKind::ProcessSwitch => {}
    }
    // Other bars drawn in the same pixel column.
    if win.contains(s.start) && per_px > 1.0 {
        let from = win.start + (((s.start - win.start) as f64 / per_px).floor() * per_px) as Ticks;
        let shared = d.lanes.count_in(at.0, from, from + per_px.ceil() as Ticks);
        if shared > 1 {
            out.push_str(&format!(" · {shared} bars share its pixel column: zoom in to tell them apart"));
        }
    }
    out
}

/// The lane nearest `from` (stepping by `dir`, ±1) that has bars, if any.
fn lane_with_bars(d: &Drawing, from: usize, dir: isize) -> Option<usize> {
    let n = d.lanes.lanes.len() as isize;
    let mut l = from as isize;
    while (0..n).contains(&l) {
        if !d.lanes.lanes[l as usize].is_empty() {
            return Some(l as usize);
        }
        l += dir;
    }
    None
}

/// The timeline section.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let run = &props.run;
    let end = run.end.max(1);
    let set = use_state(|| LaneSet::Cpus);
    // The bar whose details are shown: (run id, lane set, lane, index in the lane).
    let picked_state = use_state(|| None::<(u32, LaneSet, usize, usize)>);
    let picked = (*picked_state).filter(|p| (p.0, p.1) == (run.id, *set)).map(|p| (p.2, p.3));
    // The same, as the key handler last left it: keys pressed before a redraw each move on from
    // the bar the previous key picked, not from the one this render shows.
    let picked_now = use_mut_ref(|| None::<(u32, LaneSet, usize, usize)>);
    *picked_now.borrow_mut() = *picked_state;
    // The plot's width (CSS px) and device pixels per CSS pixel.
    let size = use_state(|| (0.0f64, 1.0f64));
    // The window shown, kept across renders: (run id, window, the cursor it last followed).
    let shown = use_mut_ref(|| (0u32, Window::fit(end), 0 as Ticks));
    let redraw = use_force_update();
    // A press on the plot: (its x, whether it moved into a drag).
    let press = use_mut_ref(|| None::<(f64, bool)>);
    let plot = use_node_ref();
    let canvas = use_node_ref();
    let colours = {
        let run = run.clone();
        use_memo(run.id, move |_| thread_colours(&run.system))
    };
    let drawing = {
        let (run, colours) = (run.clone(), colours.clone());
        use_memo((run.id, *set), move |&(id, set)| {
            let sys = &run.system;
            let labels = sys
                .threads
                .iter()
                .map(|t| (t.name.clone(), format!("{}/{}", sys.processes[t.pid].name, t.name)))
                .collect();
            let lanes =
                Lanes::new(set, &run.trace, run.cpus(), sys.threads.len()).with_spins(&run.trace, sys.threads.len());
            let names = lane_names(sys);
            Drawing { key: (id, set), lanes, colours: (*colours).clone(), labels, names }
        })
    };
    let cursor = props.cursor.min(end);
    // A new run starts fitted; while the cursor moves out of a zoomed window (playing,
    // stepping), the window pages to it.
    let win = {
        let mut s = shown.borrow_mut();
        if s.0 != run.id {
            *s = (run.id, Window::fit(end), cursor);
        }
        if s.2 != cursor {
            s.1 = s.1.within(end).follow(cursor, end);
            s.2 = cursor;
        }
        s.1 = s.1.within(end);
        s.1
    };
    let (width, dpr) = *size;
    let n_lanes = drawing.lanes.lanes.len();
    let lane_h = lane_height(n_lanes);
    // Measure the plot now, for each run, and when the window is resized.
    {
        let (plot, size) = (plot.clone(), size.clone());
        use_effect_with(run.id, move |_| {
            let measure = move || {
                if let Some(el) = plot.cast::<Element>() {
                    let ratio = gloo::utils::window().device_pixel_ratio().max(1.0);
                    size.set((el.get_bounding_client_rect().width(), ratio));
                }
            };
            measure();
            let listener = gloo::events::EventListener::new(&gloo::utils::window(), "resize", move |_| measure());
            move || drop(listener)
        });
    }
    // Draw the bars when they, the zoom, the width or the highlight change (not the cursor).
    {
        let canvas = canvas.clone();
        let deps = (drawing.clone(), win, width, dpr, props.selected);
        use_effect_with(deps, move |(drawing, win, width, dpr, selected)| {
            if let Some(el) = canvas.cast::<HtmlCanvasElement>()
                && *width > 0.0
            {
                draw(&el, drawing, *win, *width, *dpr, lane_h, *selected);
            }
        });
    }
    let marks = {
        let run = run.clone();
        use_memo((run.id, win, width as u32), move |&(_, win, width)| {
            if width > 0 { lost_marks(&run, win, f64::from(width)) } else { Html::default() }
        })
    };
    let legend = {
        let (run, colours) = (run.clone(), colours.clone());
        use_memo((run.id, *set, props.selected), move |&(_, set, selected)| {
            AttrValue::from(legend(&run, &colours, set, selected))
        })
    };
    let on_legend = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(pick) = legend_pick(&e) {
                on_select.emit(pick);
            }
        })
    };
    let set_window = {
        let (shown, redraw) = (shown.clone(), redraw.clone());
        move |w: Window| {
            shown.borrow_mut().1 = w;
            redraw.force_update();
        }
    };
    let zoom = |factor: f64| {
        let set_window = set_window.clone();
        Callback::from(move |_: MouseEvent| {
            let span = ((win.span as f64) * factor).round() as Ticks;
            let centre = if win.contains(cursor) { cursor } else { win.start + win.span / 2 };
            set_window(Window::around(centre, span, end));
        })
    };
    let on_zoom_in = zoom(0.5);
    let on_zoom_out = zoom(2.0);
    let on_fit = {
        let set_window = set_window.clone();
        Callback::from(move |_: MouseEvent| set_window(Window::fit(end)))
    };
    let show = |s: LaneSet| {
        let set = set.clone();
        Callback::from(move |_: MouseEvent| set.set(s))
    };
    let fitted = win == Window::fit(end);
    let per_px = if width > 0.0 { win.span as f64 / width } else { 1.0 };

    // The time and bar under a pointer at client (x, y).
    let locate = {
        let (plot, drawing) = (plot.clone(), drawing.clone());
        move |x: f64, y: f64| -> Option<(Ticks, Option<(usize, usize)>)> {
            let r = plot.cast::<Element>()?.get_bounding_client_rect();
            if r.width() <= 0.0 {
                return None;
            }
            let t = win.time_at((x - r.left()) / r.width());
            let y = y - r.top() - MARK_HEIGHT;
            let lane = (y >= 0.0).then(|| (y / lane_h) as usize).filter(|&l| l < n_lanes);
            // A bar under the pointer, or within a pixel of it.
            let near = (win.span as f64 / r.width()).ceil() as Ticks;
            let hit = lane.and_then(|l| {
                let i = drawing.lanes.nearest(l, t)?;
                let s = &drawing.lanes.lanes[l][i];
                (s.start <= t + near && t < s.end + near).then_some((l, i))
            });
            Some((t, hit))
        }
    };
    let onpointerdown = {
        let (plot, press, locate, on_seek) = (plot.clone(), press.clone(), locate.clone(), props.on_seek.clone());
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            let Some((t, _)) = locate(f64::from(e.client_x()), f64::from(e.client_y())) else { return };
            if let Some(el) = plot.cast::<Element>() {
                let _ = el.set_pointer_capture(e.pointer_id());
            }
            *press.borrow_mut() = Some((f64::from(e.client_x()), false));
            on_seek.emit(t);
        })
    };
    let onpointermove = {
        let (press, locate, on_seek, picked_state) =
            (press.clone(), locate.clone(), props.on_seek.clone(), picked_state.clone());
        let key = (run.id, *set);
        Callback::from(move |e: PointerEvent| {
            let x = f64::from(e.client_x());
            let Some((t, hit)) = locate(x, f64::from(e.client_y())) else { return };
            let mut press = press.borrow_mut();
            match press.as_mut() {
                Some((x0, moved)) => {
                    *moved |= (x - *x0).abs() >= 3.0;
                    if *moved {
                        on_seek.emit(t);
                    }
                }
                None if e.pointer_type() == "mouse" && hit.is_some() && picked != hit => {
                    picked_state.set(hit.map(|(l, i)| (key.0, key.1, l, i)));
                }
                None => {}
            }
        })
    };
    let onpointerup = {
        let (press, locate, picked_state, on_select) =
            (press.clone(), locate.clone(), picked_state.clone(), props.on_select.clone());
        let (drawing, selected, key) = (drawing.clone(), props.selected, (run.id, *set));
        Callback::from(move |e: PointerEvent| {
            let Some((_, moved)) = press.borrow_mut().take() else { return };
            if moved {
                return;
            }
            // A tap: the bar's details, and its thread highlighted (or cleared if it was).
            if let Some((_, Some(hit))) = locate(f64::from(e.client_x()), f64::from(e.client_y()))
                && let Some(s) = bar(&drawing, hit)
            {
                picked_state.set(Some((key.0, key.1, hit.0, hit.1)));
                on_select.emit((selected != Some(s.tid)).then_some(s.tid));
            }
        })
    };
    let onpointercancel = {
        let press = press.clone();
        Callback::from(move |_: PointerEvent| *press.borrow_mut() = None)
    };
    let onkeydown = {
        let (drawing, picked_state, picked_now, set_window) =
            (drawing.clone(), picked_state.clone(), picked_now.clone(), set_window.clone());
        let (on_seek, on_select, selected, key) =
            (props.on_seek.clone(), props.on_select.clone(), props.selected, (run.id, *set));
        Callback::from(move |e: KeyboardEvent| {
            let d = &*drawing;
            let picked = (*picked_now.borrow()).filter(|p| (p.0, p.1) == key).map(|p| (p.2, p.3));
            let current = picked.filter(|&at| bar(d, at).is_some());
            // Where keys start from: the picked bar, else the highlighted thread's lane (thread
            // lanes) or the first lane with bars, at the cursor.
            let home = match (d.lanes.set, selected) {
                (LaneSet::Threads, Some(t)) => lane_with_bars(d, t, 1),
                _ => lane_with_bars(d, 0, 1),
            };
            let at_cursor = |l: usize| d.lanes.nearest(l, cursor).map(|i| (l, i));
            let next = match e.key().as_str() {
                k @ ("ArrowLeft" | "ArrowRight") => match current {
                    Some((l, i)) if k == "ArrowLeft" => Some((l, i.saturating_sub(1))),
                    Some((l, i)) => Some((l, (i + 1).min(d.lanes.lanes[l].len() - 1))),
                    None => home.and_then(at_cursor),
                },
                k @ ("ArrowUp" | "ArrowDown") => {
                    let dir = if k == "ArrowUp" { -1 } else { 1 };
                    match current {
                        Some((l, i)) => {
                            let s = d.lanes.lanes[l][i];
                            let mid = s.start + (s.end - s.start) / 2;
                            let lane = (l as isize + dir).max(0) as usize;
                            lane_with_bars(d, lane, dir)
                                .or(Some(l))
                                .and_then(|l| d.lanes.nearest(l, mid).map(|i| (l, i)))
                        }
                        None => home.and_then(at_cursor),
                    }
                }
                k @ ("Home" | "End") => {
                    let l = current.map(|c| c.0).or(home);
                    l.map(|l| (l, if k == "Home" { 0 } else { d.lanes.lanes[l].len() - 1 }))
                }
                "Enter" => {
                    if let Some(s) = current.and_then(|at| bar(d, at)) {
                        on_seek.emit(s.start);
                    }
                    None
                }
                "Escape" => {
                    *picked_now.borrow_mut() = None;
                    picked_state.set(None);
                    on_select.emit(None);
                    None
                }
                _ => return,
            };
            // The page's own keys (← → step) must not act as well.
            e.prevent_default();
            e.stop_propagation();
            if let Some(at) = next
                && let Some(s) = bar(d, at)
            {
                if !win.contains(s.start) {
                    set_window(win.follow(s.start, end));
                }
                *picked_now.borrow_mut() = Some((key.0, key.1, at.0, at.1));
                picked_state.set(Some((key.0, key.1, at.0, at.1)));
                on_select.emit(Some(s.tid));
            }
        })
    };

    // Thread lanes: the distinguishing name first, the rest shaded (cut first when narrow).
    let labels = (0..n_lanes).map(|l| {
        let (head, first, rest, title) = match drawing.lanes.set {
            LaneSet::Cpus => ("CPU ", l.to_string(), "", format!("CPU {l}")),
            LaneSet::Threads => {
                let (n, t) = (&drawing.names[l], &run.system.threads[l]);
                ("", n.first.clone(), n.rest.as_str(), format!("{} / {}", run.system.processes[t.pid].name, t.name))
            }
        };
        let on = drawing.lanes.set == LaneSet::Threads && props.selected == Some(l);
        html! {
            <li class={classes!(on.then_some("on"))} style={format!("height:{}px", fixed(lane_h, 2))} {title}>
                if !head.is_empty() { <span class="lane-head">{ head }</span> }{ first }<span class="lane-rest">{ rest }</span>
            </li>
        }
    });
    let pct = |t: Ticks| win.frac(t) * 100.0;
    // Threads that wait forever (a deadlock): a mark at the run's end on their lanes, since a
    // wait that begins at the run's last instant has no length to draw.
    let stuck: Vec<usize> = match (&run.result.outcome, drawing.lanes.set) {
        (Outcome::Deadlock { waits, .. }, LaneSet::Threads) if win.start + win.span >= end => {
            waits.iter().map(|w| w.tid).collect()
        }
        _ => Vec::new(),
    };
    let end_marks = stuck.iter().map(|&l| {
        let top = MARK_HEIGHT + l as f64 * lane_h;
        html! {
            <div class="end-mark" data-testid="end-mark" data-tid={l.to_string()} style={format!("top:{}px;height:{}px", fixed(top, 2), fixed(lane_h, 2))}
                title="Blocked forever: deadlock (see the outcome above)"></div>
        }
    });
    let focus_ring = picked
        .and_then(|at| bar(&drawing, at).map(|s| (at.0, *s)))
        .filter(|(_, s)| s.end > win.start && s.start < win.start + win.span);
    let details = match picked {
        Some(at) if bar(&drawing, at).is_some() => describe(run, &drawing, at, win, per_px),
        _ => "Hover or tap a bar, or focus the chart and use the arrow keys, for its details; Enter moves the \
              cursor there, Esc clears the highlight."
            .to_string(),
    };
    let window_text = if fitted {
        format!("showing all {end} µs")
    } else {
        format!("showing {}–{} µs of {end}", win.start, win.start + win.span)
    };
    let (set_name, lanes_text) = match *set {
        LaneSet::Cpus => ("cpus", format!("{n_lanes} CPU{}", if n_lanes == 1 { "" } else { "s" })),
        LaneSet::Threads => ("threads", format!("{n_lanes} threads")),
    };
    html! {
        <section class="panel timeline-panel">
            <div class="panel-head">
                <h2 class="panel-title" id="timeline-title" tabindex="-1">{ if *set == LaneSet::Cpus { "Timeline: what each CPU runs" } else { "Timeline: what each thread does" } }</h2>
                <div class="lane-set" role="group" aria-label="One lane per">
                    <button data-testid="lanes-cpus" aria-pressed={(*set == LaneSet::Cpus).to_string()} onclick={show(LaneSet::Cpus)}
                        title="One lane per CPU: what it runs, and its context switches">{ "By CPU" }</button>
                    <button data-testid="lanes-threads" aria-pressed={(*set == LaneSet::Threads).to_string()} onclick={show(LaneSet::Threads)}
                        title="One lane per thread: running, ready, blocked on I/O, on a lock, semaphore, condition variable, barrier or channel, or in a join">{ "By thread" }</button>
                </div>
                <div class="zoom" role="group" aria-label="Zoom the timeline">
                    <span class="muted zoom-window" data-testid="zoom-window">{ window_text.clone() }</span>
                    <button data-testid="zoom-in" onclick={on_zoom_in} disabled={win.span <= MIN_SPAN.min(end)} title="Show half as much time, around the cursor">{ "Zoom in" }</button>
                    <button data-testid="zoom-out" onclick={on_zoom_out} disabled={fitted} title="Show twice as much time">{ "Zoom out" }</button>
                    <button data-testid="zoom-fit" onclick={on_fit} disabled={fitted} title="Show the whole run">{ "Fit" }</button>
                </div>
            </div>
            <div data-testid="timeline" class="timeline" data-start={win.start.to_string()} data-span={win.span.to_string()}
                data-lanes={set_name} data-selected={props.selected.map(|t| t.to_string())} tabindex="0" role="application" aria-describedby="bar-details" {onkeydown}
                aria-label={format!("Timeline of {lanes_text}, {window_text}. Press or drag to move the cursor; arrow keys move between bars")}>
                <ol class="lane-labels" aria-hidden="true" style={format!("padding-top:{}px", fixed(MARK_HEIGHT, 0))}>{ for labels }</ol>
                <div class="plot" ref={plot} {onpointerdown} {onpointermove} {onpointerup} {onpointercancel}>
                    <div class="marks" style={format!("height:{}px", fixed(MARK_HEIGHT, 0))}>{ (*marks).clone() }</div>
                    <canvas ref={canvas} class="lanes-canvas" data-testid="timeline-canvas" aria-hidden="true"
                        style={format!("height:{}px", fixed(lane_h * n_lanes as f64, 2))} />
                    { for end_marks }
                    if win.contains(cursor) {
                        <div class="cursor" data-testid="timeline-cursor" style={format!("left:{}%", fixed(pct(cursor), 3))}></div>
                    }
                    if let Some((lane, s)) = focus_ring {
                        <div class="bar-focus" data-testid="bar-focus" style={format!(
                            "left:{}%;width:max({}%,3px);top:{}px;height:{}px",
                            fixed(pct(s.start.max(win.start)), 3),
                            fixed(pct(s.end.min(win.start + win.span)) - pct(s.start.max(win.start)), 3),
                            fixed(MARK_HEIGHT + lane as f64 * lane_h, 2),
                            fixed(lane_h, 2)
                        )}></div>
                    }
                </div>
                { axis(win, width) }
            </div>
            <p id="bar-details" class="bar-details" data-testid="bar-details" aria-live="polite">{ with_code(&details) }</p>
            <div class="legend" data-testid="timeline-legend" onclick={on_legend}>{ Html::from_html_unchecked((*legend).clone()) }</div>
        </section>
    }
}
