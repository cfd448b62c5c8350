//! The code view: one thread's program as written, with the line it runs now or next marked
//! (in words, not only colour), the other threads running the same program at their lines, and
//! the round of each loop it is in. It follows the playback cursor.

use std::fmt::Write;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, HtmlElement, HtmlSelectElement, IntersectionObserver, IntersectionObserverEntry};
use yew::prelude::*;

use crate::model::ThreadId;
use crate::model::program::Instr;
use crate::model::trace::{IntervalKind, Snapshot, ThreadState};
use crate::ui::components::use_select_value;
use crate::ui::markup::{escape, raw};
use crate::ui::run::Run;

/// Props of [`CodeView`].
#[derive(Properties, PartialEq)]
pub struct CodeViewProps {
    pub run: Rc<Run>,
    /// The state at the cursor.
    pub snapshot: Rc<Snapshot>,
    /// The thread picked by the user; `None`: automatic ([`auto_thread`]).
    pub picked: Option<ThreadId>,
    /// Pick a thread (`None`: back to automatic).
    pub on_pick: Callback<Option<ThreadId>>,
}

/// The thread shown when none is picked: the first one running at the cursor, else the first
/// that has arrived and not finished, else the first.
pub fn auto_thread(snap: &Snapshot) -> ThreadId {
    let first = |f: &dyn Fn(ThreadState) -> bool| snap.threads.iter().position(|t| f(t.state));
    first(&|s| s == ThreadState::Running)
        .or_else(|| first(&|s| !matches!(s, ThreadState::New | ThreadState::Terminated)))
        .unwrap_or(0)
}

/// What thread `tid` does at its current line: whether it is executing it (on a CPU, not
/// switching in), and a few words for the line's mark ("running on CPU 1", "next: ready",
/// "failed here, runtime error: …" once its instruction has failed).
fn doing(run: &Run, snap: &Snapshot, tid: ThreadId) -> (bool, String) {
    let view = &snap.threads[tid];
    let interval = view.cpu.and_then(|c| snap.cpus.get(c).copied().flatten()).filter(|iv| iv.tid == tid);
    if let Some(fault) = run.fault_of(tid, snap.time) {
        return (false, format!("failed here, runtime error: {}", fault.replace('`', "")));
    }
    match (view.state, interval) {
        (ThreadState::Running, Some(iv)) if iv.kind == IntervalKind::Run => {
            (true, format!("running on CPU {}", iv.cpu))
        }
        (ThreadState::Running, _) => (false, format!("next, switching in on CPU {}", view.cpu.unwrap_or(0))),
        (ThreadState::Ready, _) => (false, "next, ready for a CPU".into()),
        (ThreadState::Blocked, _) => {
            let pid = run.system.threads[tid].pid;
            let what = view.waiting.map(|w| w.describe(&run.system, pid)).unwrap_or_default();
            (false, format!("blocked here, waits for {}", what.replace('`', "")))
        }
        (ThreadState::New, _) if run.system.threads[tid].created => {
            (false, "starts here when a create starts it; not created yet".into())
        }
        (ThreadState::New, _) => (false, "starts here, not arrived yet".into()),
        (ThreadState::Terminated, _) => (false, "finished".into()),
    }
}

/// Scrolls the listing `list` (only it) so that its marked line is in view, a third down.
fn keep_in_view(list: &HtmlElement) {
    let Some(line) = list.query_selector(".current").ok().flatten().and_then(|e| e.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let (top, height) = (line.offset_top() - list.offset_top(), line.offset_height());
    if top < list.scroll_top() || top + height > list.scroll_top() + list.client_height() {
        list.set_scroll_top(top - list.client_height() / 3);
    }
}

/// The code view panel (`data-testid="code-view"`).
#[component]
pub fn CodeView(props: &CodeViewProps) -> Html {
    let run = &props.run;
    let sys = &run.system;
    let snap = &props.snapshot;
    let tid = props.picked.filter(|&t| t < sys.threads.len()).unwrap_or_else(|| auto_thread(snap));
    let listing = use_node_ref();
    // Both are cheap (the loop rounds resume from the run's last checkpoint): no memo.
    let (name, lines) = run.summary.source_of(sys, tid);
    let place = run.whereabouts(tid, snap.time);
    let view = &snap.threads[tid];
    let prog = sys.program_of(tid);
    let current_line = prog.lines.get(view.pc).copied().filter(|_| view.state != ThreadState::Terminated);
    // Keep the marked line in view inside the listing's own scroll box (never the page's) when it
    // moves, while the listing is on screen, and when it comes on screen. Reading the line's place
    // costs a layout, which a frame should not pay for a listing out of view.
    let on_screen = use_mut_ref(|| false);
    let observer = {
        let (listing, on_screen) = (listing.clone(), on_screen.clone());
        use_memo((), move |_| {
            let seen = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
                let entry = entries.iter().last().and_then(|e| e.dyn_into::<IntersectionObserverEntry>().ok());
                let visible = entry.is_some_and(|e| e.is_intersecting());
                *on_screen.borrow_mut() = visible;
                if let (true, Some(list)) = (visible, listing.cast::<HtmlElement>()) {
                    keep_in_view(&list);
                }
            });
            (IntersectionObserver::new(seen.as_ref().unchecked_ref()).ok(), seen)
        })
    };
    {
        let listing = listing.clone();
        use_effect_with((), move |_| {
            if let (Some(o), Some(list)) = (&observer.0, listing.cast::<Element>()) {
                o.observe(&list);
            }
            move || {
                if let Some(o) = &observer.0 {
                    o.disconnect();
                }
            }
        });
    }
    {
        let listing = listing.clone();
        use_effect_with((run.id, tid, current_line), move |_| {
            if let (true, Some(list)) = (*on_screen.borrow(), listing.cast::<HtmlElement>()) {
                keep_in_view(&list);
            }
        });
    }
    let select = use_select_value(props.picked.map_or_else(|| "auto".to_string(), |t| t.to_string()));
    let onchange = props.on_pick.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value().parse().ok());

    let t = &sys.threads[tid];
    let process = &sys.processes[t.pid].name;
    let prog_index = t.program;
    let line_of = |pc: usize| prog.lines.get(pc).copied();
    let sharers: Vec<ThreadId> = sys.threads.iter().filter(|x| x.program == prog_index).map(|x| x.tid).collect();
    let (running, what) = doing(run, snap, tid);
    let status = match line_of(view.pc) {
        _ if view.state == ThreadState::Terminated => format!("{} has finished its program.", t.name),
        None => format!("{} is at the end of its program (PC {}).", t.name, view.pc),
        Some(l) => {
            let since = match (running, prog.instrs[view.pc]) {
                (true, Instr::Compute { .. }) => {
                    let start = snap.cpus.iter().flatten().find(|iv| iv.tid == tid).map_or(0, |iv| iv.start);
                    format!(" (a compute in progress since t = {} µs)", place.pc_since.unwrap_or(0).max(start))
                }
                _ => String::new(),
            };
            format!("{}, line {l} (PC {}): {what}{since}.", t.name, view.pc)
        }
    };
    // Marks per source line: (thread, is the shown thread, words).
    let mut marks: Vec<Vec<(ThreadId, bool, String)>> = vec![Vec::new(); lines.len().max(1)];
    for &s in &sharers {
        let v = &snap.threads[s];
        if v.state == ThreadState::Terminated {
            continue;
        }
        if let Some(l) = line_of(v.pc) {
            let (_, words) = doing(run, snap, s);
            if let Some(m) = marks.get_mut(l as usize - 1) {
                m.push((s, s == tid, words));
            }
        }
    }
    // The line of the instruction a running thread runs next (from the trace: after a loop's
    // last line, its first again or the line after its `end`).
    let next_line = running.then(|| run.next_pc(tid, snap.time)).flatten().and_then(line_of);
    // The lines as markup (one string: far smaller in wasm than an `html!` row per line).
    let mut rows = String::new();
    for (i, text) in lines.iter().enumerate() {
        let n = i as u32 + 1;
        let current = Some(n) == current_line;
        let (class, mark) = match (current, running) {
            (true, true) => (" current running\" aria-current=\"step", "▶"),
            (true, false) => (" current\" aria-current=\"step", "▷"),
            _ => ("", ""),
        };
        let _ = write!(
            rows,
            "<li class=\"line{class}\" data-line=\"{n}\"><span class=\"ln\" aria-hidden=\"true\">{n}</span>\
             <span class=\"mark\" aria-hidden=\"true\">{mark}</span><span class=\"body\"><code class=\"src\">{}</code>",
            escape(text)
        );
        if let Some(r) = place.loops.iter().find(|lr| prog.lines.get(lr.pc) == Some(&n)) {
            let _ = write!(
                rows,
                "<span class=\"round\" data-testid=\"loop-round\">round {} of {}</span>",
                r.round, r.count
            );
        }
        if Some(n) == next_line {
            let _ = write!(rows, "<span class=\"note\" data-testid=\"code-next\">{} next</span>", escape(&t.name));
        }
        for (s, me, words) in marks.get(i).map(Vec::as_slice).unwrap_or_default() {
            let _ = write!(
                rows,
                "<span class=\"who{}\" data-testid=\"code-mark\" data-tid=\"{s}\">{}: {}</span>",
                if *me { " me" } else { "" },
                escape(&sys.threads[*s].name),
                escape(words)
            );
        }
        rows.push_str("</span></li>");
    }
    let options = sys.threads.iter().map(|x| {
        let label = format!("{} / {}", sys.processes[x.pid].name, x.name);
        html! { <option value={x.tid.to_string()} selected={props.picked == Some(x.tid)}>{ label }</option> }
    });
    // A forked child runs its parent's program: name a sharer in another process with its process.
    let others: Vec<String> = (sharers.iter().filter(|&&s| s != tid))
        .map(|&s| if sys.threads[s].pid == t.pid { sys.threads[s].name.clone() } else { sys.thread_label(s) })
        .collect();
    let title = match &name {
        Some(n) => format!("Program {n} of {process} / {}", t.name),
        None => format!("Program of {process} / {}", t.name),
    };
    html! {
        <section class="panel code-panel" data-testid="code-view" data-tid={tid.to_string()}>
            <div class="panel-head">
                <h2 class="panel-title">{ title }</h2>
                <label class="code-pick">
                    { "Thread " }
                    <select data-testid="code-thread" ref={select} {onchange}>
                        <option value="auto" selected={props.picked.is_none()}>{ "automatic: a running one" }</option>
                        { for options }
                    </select>
                </label>
            </div>
            if !others.is_empty() {
                <p class="hint">{ format!("Also run by {}; each has its own PC and registers.", others.join(", ")) }</p>
            }
            <p class="code-status" data-testid="code-status">{ status }</p>
            <ol class="listing" ref={listing} data-testid="code-listing" aria-label={format!("Lines of the program, {}", t.name)} tabindex="0">
                { raw(rows) }
            </ol>
            <p class="hint code-key">{ "▶ running now, ▷ next to run. Lines count from 1; the PC counts instructions from 0 (blank and comment lines have none)." }</p>
        </section>
    }
}
