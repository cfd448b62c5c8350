//! The timeline's legend: threads grouped by process (a button each, to highlight its bars), then
//! what each kind of bar looks like. The timeline keeps it (memo) until the run, the lanes or
//! the highlight change.

use yew::prelude::*;

use crate::model::ThreadId;
use crate::timeline::LaneSet;
use crate::ui::run::Run;

/// The legend (`data-testid="timeline-legend"`) of `run`'s threads in `colours` (by tid): a
/// button per thread calls `on_select` with it (`None` if it is the `selected` one); kinds drawn
/// only in the thread lanes say so while `set` is the CPU lanes.
pub fn legend(
    run: &Run,
    colours: &[&str],
    set: LaneSet,
    selected: Option<ThreadId>,
    on_select: &Callback<Option<ThreadId>>,
) -> Html {
    let sys = &run.system;
    let processes = sys.processes.iter().enumerate().map(|(pid, p)| {
        let threads = sys.threads.iter().filter(|t| t.pid == pid).map(|t| {
            let tid = t.tid;
            let on = selected == Some(tid);
            let onclick = on_select.reform(move |_: MouseEvent| (!on).then_some(tid));
            html! {
                <button class="legend-thread" data-tid={tid.to_string()} aria-pressed={on.to_string()} {onclick}
                    title={format!("{} / {}: highlight its bars (again, or Esc, to clear)", p.name, t.name)}>
                    <span class="swatch" style={format!("background:{}", colours[tid])}></span>{ &t.name }
                </button>
            }
        });
        html! {
            <li class="legend-process">
                <span class="legend-pname">{ &p.name }</span>
                { for threads }
            </li>
        }
    });
    let threads_only = set == LaneSet::Cpus;
    // (swatch class, label, testid, only in the thread lanes)
    let kinds = [
        ("kind-run", "running (thread's colour)", "legend-run", false),
        ("kind-thread-switch", "thread switch", "legend-thread-switch", false),
        ("kind-process-switch", "process switch", "legend-process-switch", false),
        ("kind-ready", "ready, waiting for a CPU", "legend-ready", true),
        ("kind-io", "blocked on I/O", "legend-io", true),
        ("kind-lock", "blocked on a lock", "legend-lock", true),
    ]
    .into_iter()
    .map(|(class, label, id, only_threads)| {
        html! {
            <li data-testid={id}>
                <span class={classes!("swatch", class)}></span>{ label }
                if only_threads && threads_only { <span class="muted">{ " (By thread)" }</span> }
            </li>
        }
    });
    html! {
        <div class="legend" data-testid="timeline-legend">
            <ul class="legend-processes" aria-label="Threads by process: press one to highlight its bars">
                { for processes }
            </ul>
            <ul class="legend-kinds" aria-label="What the bars show">
                { for kinds }
                if !run.lost_times.is_empty() {
                    <li data-testid="legend-lost"><span class="swatch lost-swatch"></span>{ "lost update (a number: how many there)" }</li>
                }
                if selected.is_some() {
                    <li><span class="swatch kind-highlight"></span>{ "highlighted thread (others dimmed)" }</li>
                }
            </ul>
        </div>
    }
}
