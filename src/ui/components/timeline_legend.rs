//! The timeline's legend: threads grouped by process (a button each, to highlight its bars), then
//! what each kind of bar looks like. Built as markup (one string, kept by the timeline until the
//! run, the lanes or the highlight change): the timeline renders on every frame while playing,
//! and a string is compared at once where 64 buttons' elements would be diffed one by one. The
//! buttons' clicks are handled by the legend's box ([`legend_pick`]).

use std::fmt::Write;

use wasm_bindgen::JsCast;
use web_sys::{Element, MouseEvent};

use crate::model::ThreadId;
use crate::timeline::LaneSet;
use crate::ui::markup::escape;
use crate::ui::run::Run;

/// The legend's markup (inside `data-testid="timeline-legend"`) for `run`'s threads in `colours`
/// (by tid): a button per thread (`data-tid`, pressed if it is the `selected` one); kinds drawn
/// only in the thread lanes say so while `set` is the CPU lanes.
pub fn legend(run: &Run, colours: &[&str], set: LaneSet, selected: Option<ThreadId>) -> String {
    let sys = &run.system;
    let mut h = String::from(
        "<ul class=\"legend-processes\" aria-label=\"Threads by process: press one to highlight its bars\">",
    );
    for (pid, p) in sys.processes.iter().enumerate() {
        let _ = write!(h, "<li class=\"legend-process\"><span class=\"legend-pname\">{}</span>", escape(&p.name));
        for t in sys.threads.iter().filter(|t| t.pid == pid) {
            let (process, name) = (escape(&p.name), escape(&t.name));
            let _ = write!(
                h,
                "<button class=\"legend-thread\" data-tid=\"{}\" aria-pressed=\"{}\" aria-label=\"{process} / {name}\" title=\"{process} / {name}: \
                 highlight its bars (again, or Esc, to clear)\"><span class=\"swatch\" style=\"background:{}\"></span>{name}</button>",
                t.tid,
                selected == Some(t.tid),
                colours[t.tid]
            );
        }
        h.push_str("</li>");
    }
    h.push_str("</ul><ul class=\"legend-kinds\" aria-label=\"What the bars show\">");
    // (swatch class, label, testid, only in the thread lanes)
    let kinds = [
        ("kind-run", "running (thread's colour)", "legend-run", false),
        ("kind-thread-switch", "thread switch", "legend-thread-switch", false),
        ("kind-process-switch", "process switch", "legend-process-switch", false),
        ("kind-ready", "ready, waiting for a CPU", "legend-ready", true),
        ("kind-io", "blocked on I/O", "legend-io", true),
        (
            "kind-lock",
            "blocked on a lock, semaphore, condition variable, barrier or channel, or in a join (waiting for a thread's exit)",
            "legend-lock",
            true,
        ),
    ];
    for (class, label, id, only_threads) in kinds {
        let note = if only_threads && set == LaneSet::Cpus { "<span class=\"muted\"> (By thread)</span>" } else { "" };
        let _ = write!(h, "<li data-testid=\"{id}\"><span class=\"swatch {class}\"></span>{label}{note}</li>");
    }
    if crate::timeline::spans::spin_ticks(&run.trace, sys.threads.len()).iter().any(|t| !t.is_empty()) {
        h.push_str(
            "<li data-testid=\"legend-spin\"><span class=\"swatch kind-spin\"></span>spinning: on a CPU, only retrying a spin lock another thread holds (its colour, cross-hatched in white: CPU time burnt waiting)</li>",
        );
    }
    if !run.lost_times.is_empty() {
        h.push_str(
            "<li data-testid=\"legend-lost\"><span class=\"swatch lost-swatch\"></span>lost update (a number: how many there)</li>",
        );
    }
    if selected.is_some() {
        h.push_str("<li><span class=\"swatch kind-highlight\"></span>highlighted thread (others dimmed)</li>");
    }
    h.push_str("</ul>");
    h
}

/// What a click in the legend asks: the thread of the button clicked, to highlight it, or `None`
/// to clear the highlight when it was pressed already; nothing for a click beside the buttons.
pub fn legend_pick(e: &MouseEvent) -> Option<Option<ThreadId>> {
    let target = e.target()?.dyn_into::<Element>().ok()?;
    let button = target.closest("button.legend-thread").ok()??;
    let tid = button.get_attribute("data-tid")?.parse().ok()?;
    let pressed = button.get_attribute("aria-pressed").as_deref() == Some("true");
    Some((!pressed).then_some(tid))
}
