//! Every thread at the cursor: state, CPU, program counter, instruction, registers, waits. A
//! thread's name selects it: the code view shows its program and the timeline highlights its bars
//! (again: back to none).

use std::rc::Rc;

use yew::prelude::*;

use crate::model::ThreadId;
use crate::model::trace::{IntervalKind, Snapshot, ThreadState, ThreadView};
use crate::ui::format::{state_class, thread_colour, with_code};
use crate::ui::run::Run;

/// Props of [`ThreadTable`].
#[derive(Properties, PartialEq)]
pub struct ThreadTableProps {
    pub run: Rc<Run>,
    /// The state at the cursor.
    pub snapshot: Rc<Snapshot>,
    /// The thread the code view shows (the selected one, else a running one).
    pub shown: ThreadId,
    /// The selected thread (its row is marked; its bars on the timeline).
    pub selected: Option<ThreadId>,
    /// Called with the thread to select, or `None` to clear.
    pub on_select: Callback<Option<ThreadId>>,
}

/// Props of one row of the table.
#[derive(Properties, PartialEq)]
struct ThreadRowProps {
    run: Rc<Run>,
    tid: ThreadId,
    /// The thread at the cursor.
    view: ThreadView,
    /// Dispatched, and its CPU still switching to it.
    switching_in: bool,
    /// The cursor's time, ticks (a thread whose instruction failed by then is shown as failed).
    time: u64,
    /// The spin lock it is spinning on (running, retrying a `spin_lock` another thread holds).
    spinning_on: Option<usize>,
    /// The thread the code view shows.
    shown: bool,
    /// The selected thread.
    selected: bool,
    on_select: Callback<Option<ThreadId>>,
}

/// One thread's row. A component of its own, so that a move of the cursor re-renders only the
/// rows of the threads it changed (a few of 64 per frame while playing), not the whole table.
#[component]
fn ThreadRow(props: &ThreadRowProps) -> Html {
    let (run, view) = (&props.run, &props.view);
    let sys = &run.system;
    let t = &sys.threads[props.tid];
    let process = &sys.processes[t.pid];
    let (line, text) = run.instruction(t.tid, view.pc);
    let program = &sys.programs[t.program];
    // Its instruction failed: the run stopped there; it no longer holds its CPU.
    let fault = run.fault_of(t.tid, props.time);
    let cpu = view.cpu.filter(|_| fault.is_none());
    // Marked as the code view marks its line: ▶ running now (on a CPU, not switching in), else
    // ▷ the next to run (walk s11: a running thread's instruction read as the one after it).
    let running = cpu.is_some() && view.state == ThreadState::Running && !props.switching_in;
    let (mark, instr) = match view.state {
        ThreadState::Terminated => ("", "(finished)"),
        _ if running => ("\u{25b6} ", text),
        _ => ("\u{25b7} ", text),
    };
    // The PC counts instructions from 0, lines count from 1 (blank and comment lines have no PC).
    let pc = match (view.state, line) {
        (ThreadState::Terminated, _) | (_, None) => view.pc.to_string(),
        (_, Some(l)) => format!("{} (line {l})", view.pc),
    };
    let regs: Vec<String> = view
        .registers
        .iter()
        .enumerate()
        .filter(|(_, v)| **v != 0)
        .map(|(i, v)| format!("{}={v}", program.register_name(i)))
        .collect();
    let waits = match (view.waiting, props.spinning_on) {
        (Some(w), _) => w.describe(sys, t.pid),
        (None, Some(l)) => format!("spin lock `{}` (spinning: it retries on its CPU)", process.objects.spinlocks[l]),
        (None, None) => String::new(),
    };
    let (tid, on) = (t.tid, props.selected);
    let pick = props.on_select.reform(move |_: MouseEvent| (!on).then_some(tid));
    html! {
        <tr data-tid={t.tid.to_string()} class={classes!(cpu.is_some().then_some("on-cpu"), props.shown.then_some("shown"), on.then_some("selected"))}>
            <td>{ &process.name }</td>
            <td class="nowrap">
                <span class="swatch" style={format!("background:{}", thread_colour(sys, t.tid))}></span>
                <button type="button" class="link-button thread-pick" data-testid="thread-pick" aria-pressed={on.to_string()} onclick={pick}
                    title="Select this thread: its program in the code view, its bars highlighted on the timeline (again, or Esc, to clear)">{ &t.name }</button>
                <span class="print-inline">{ &t.name }</span>
                // A thread named "main" says so itself: no "main main".
                if t.is_main && t.name != "main" { <span class="badge" title="The process's first thread">{ "main" }</span> }
            </td>
            <td>
                if let Some(fault) = fault {
                    <span class="state state-failed" data-testid="thread-state" title={format!("Runtime error: {}", fault.replace('`', ""))}>{ "failed (runtime error)" }</span>
                } else {
                    <span class={state_class(view.state)} data-testid="thread-state">{ view.state_words(t.created, props.time >= run.end) }</span>
                }
                if props.switching_in { <span class="muted" title="The CPU is saving the previous context and loading this one">{ " switching in" }</span> }
            </td>
            // What a blocked thread waits for, beside its state (a last column scrolled out of
            // sight at 1024 px).
            <td data-testid="thread-waits">{ with_code(&waits) }</td>
            <td class="num">{ cpu.map_or_else(|| "—".to_string(), |c| c.to_string()) }</td>
            <td class="num nowrap" data-testid="thread-pc">{ pc }</td>
            <td class="nowrap" data-testid="thread-instr">{ mark }<code>{ instr }</code></td>
            <td class="regs"><code>{ if regs.is_empty() { "all 0".to_string() } else { regs.join(" ") } }</code></td>
        </tr>
    }
}

/// One row per thread (`data-tid`); a thread's name is a button that selects it.
#[component]
pub fn ThreadTable(props: &ThreadTableProps) -> Html {
    let run = &props.run;
    let sys = &run.system;
    // A process that a `fork` or `spawn` creates later has no row yet.
    let time = props.snapshot.time;
    let rows = sys.threads.iter().zip(&props.snapshot.threads).filter(|(t, _)| run.exists_at(t.tid, time)).map(|(t, view)| {
        // Dispatched but the CPU is still doing the context switch to it.
        let switching_in = view
            .cpu
            .and_then(|c| props.snapshot.cpus.get(c).copied().flatten())
            .is_some_and(|iv| iv.tid == t.tid && iv.kind != IntervalKind::Run);
        let spinning_on = (props.snapshot.objects.get(t.pid))
            .and_then(|o| o.spinlocks.iter().position(|l| l.spinning.contains(&t.tid)));
        html! {
            <ThreadRow key={t.tid} run={run.clone()} tid={t.tid} view={view.clone()} {switching_in} {spinning_on} time={props.snapshot.time}
                shown={t.tid == props.shown} selected={props.selected == Some(t.tid)} on_select={props.on_select.clone()} />
        }
    });
    // One line per ready queue: the shared one, or each CPU's with per-CPU queues.
    let sample = &props.snapshot.ready_queue;
    let per_cpu = !sample.per_cpu.is_empty();
    let queues = sample.queues().into_iter().enumerate().map(|(cpu, (threads, len))| {
        let queued = threads.iter().map(|&tid| {
            let t = &sys.threads[tid];
            html! {
                <li class="queue-item">
                    <span class="swatch" style={format!("background:{}", thread_colour(sys, tid))}></span>
                    { format!("{}/{}", sys.processes[t.pid].name, t.name) }
                </li>
            }
        });
        let more = len.saturating_sub(threads.len());
        let label = if per_cpu { format!("CPU {cpu}'s ready queue (head first):") } else { "Ready queue (head first):".into() };
        html! {
            <div class="ready-queue" data-testid="ready-queue">
                <span class="ready-queue-label" title="Threads that are ready and waiting for a CPU, in the order the scheduler will pick them">
                    { label }
                </span>
                if len == 0 {
                    <span class="muted">{ " empty" }</span>
                } else {
                    <ol class="queue">{ for queued }</ol>
                    if more > 0 { <span class="muted">{ format!("and {more} more") }</span> }
                }
            </div>
        }
    });
    html! {
        <section class="panel threads-panel">
            <h2 class="panel-title">{ format!("Threads at t = {} µs", props.snapshot.time) }</h2>
            <p class="hint screen-only">{ "Pick a thread's name to follow its program in the code view." }</p>
            { for queues }
            <div class="table-scroll" tabindex="0" role="region" aria-label="Threads at the cursor">
                <table data-testid="thread-table" class="table">
                    <thead>
                        <tr>
                            <th scope="col">{ "Process" }</th>
                            <th scope="col">{ "Thread" }</th>
                            <th scope="col">{ "State" }</th>
                            <th scope="col">{ "Waits for" }</th>
                            <th scope="col">{ "CPU" }</th>
                            <th scope="col" title="Program counter: the index of the thread's current instruction, counted from 0 (blank and comment lines have none); in brackets its line in the program, counted from 1 as in the code view and the editor">{ "PC (line)" }</th>
                            <th scope="col" title="The instruction at the PC: ▶ running now, ▷ the next to run (as in the code view)">{ "Instruction" }</th>
                            <th scope="col" title="Registers r0–r7, private to each thread; only non-zero ones shown">{ "Registers (non-zero)" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}
