//! Each process's address space at the cursor: shared variables (an x86.py program's cells
//! too, each thread's stack cells after them, marked as its own: [`shown_cells`]), mutex owners
//! and wait queues, footprint; at a lost update, who overwrote whom and why.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::System;
use crate::model::pages::{PageView, Pages, Sharing};
use crate::model::procs::Origin;
use crate::model::trace::{LostUpdate, Place};
use crate::model::trace::{Snapshot, ThreadState};
use crate::model::x86::shown_cells;
use crate::ui::format::bytes;
use crate::ui::markup::{escape, raw};
use crate::ui::run::Run;

/// One sentence on a lost update, e.g. "⚠ lost update: worker stored 5 over main's write
/// (main's +1 is lost)".
fn lost_sentence(sys: &System, lu: &LostUpdate) -> String {
    let name = |tid: usize| sys.thread_name(tid);
    // Overwritten writes grouped by thread, in order of first appearance: (tid, count, sum of deltas).
    let mut groups: Vec<(usize, usize, i64)> = Vec::new();
    for w in &lu.overwritten {
        match groups.iter_mut().find(|g| g.0 == w.tid) {
            Some(g) => {
                g.1 += 1;
                g.2 = g.2.wrapping_add(w.delta);
            }
            None => groups.push((w.tid, 1, w.delta)),
        }
    }
    let over: Vec<String> = groups
        .iter()
        .map(
            |&(tid, n, _)| {
                if n == 1 { format!("{}'s write", name(tid)) } else { format!("{n} writes by {}", name(tid)) }
            },
        )
        .collect();
    let effects: Vec<String> = groups.iter().map(|&(tid, _, d)| format!("{}'s {d:+}", name(tid))).collect();
    let verb = if effects.len() == 1 { "is" } else { "are" };
    format!(
        "⚠ lost update: {} stored {} over {} ({} {verb} lost)",
        name(lu.tid),
        lu.value,
        over.join(" and "),
        effects.join(" and ")
    )
}

/// Why a lost update happened, in two or three sentences: which loads read the same value (with
/// times), the stores that followed, and, when stores landed in the same microsecond, why the last
/// one wins (at one instant CPUs' events apply in CPU order: README's tie rules,
/// `src/model/events.rs`). `var` is the variable's name, `time` the store's (ticks).
fn lost_explanation(run: &Run, snap: &Snapshot, lu: &LostUpdate, var: &str) -> Vec<String> {
    let (sys, time) = (&run.system, snap.time);
    let name = |tid: usize| sys.thread_name(tid);
    // Every write involved, oldest first: (thread, value stored, time, its load).
    let mut writes: Vec<_> = lu.overwritten.iter().map(|w| (w.tid, w.value, w.time, w.load)).collect();
    writes.push((lu.tid, lu.value, time, lu.load));
    // Long chains (one slow thread overwriting many writes) keep their first write and the store.
    let shown: Vec<_> = if writes.len() > 3 { vec![writes[0], writes[writes.len() - 1]] } else { writes.clone() };
    let more = writes.len() - shown.len();
    let mut out = Vec::new();
    let loads: Vec<String> = shown
        .iter()
        .filter_map(|w| w.3.map(|l| format!("{} loaded {var} = {} at t = {} µs", name(w.0), l.value, l.time)))
        .collect();
    if !loads.is_empty() {
        let same = shown.iter().all(|w| w.3.is_some_and(|l| Some(l.value) == shown[0].3.map(|f| f.value)));
        let verdict = match (same, shown.len()) {
            (true, 2) => ": both read the same value",
            (true, _) => ": all read the same value",
            _ => "",
        };
        out.push(format!("Why: {}{verdict}.", loads.join(" and ")));
    }
    let stores: Vec<String> = shown
        .iter()
        .map(|w| {
            let from = w.3.map(|l| format!(" ({} {:+})", l.value, w.1.wrapping_sub(l.value))).unwrap_or_default();
            format!("{} stored {}{from} at t = {} µs", name(w.0), w.1, w.2)
        })
        .collect();
    let skipped = if more > 0 { format!(", after {more} more writes,") } else { String::new() };
    let lead = if shown.iter().all(|w| w.3.is_some()) {
        "Each then stored its own increment of what it had read, computed in its own register:"
    } else {
        "Then"
    };
    out.push(format!(
        "{lead} {}, then{skipped} {}, over a write it never saw.",
        stores[..stores.len() - 1].join(", then "),
        stores[stores.len() - 1]
    ));
    // Stores in the same microsecond as this one: the CPU order decides which lands last.
    let tied: Vec<_> = lu.overwritten.iter().filter(|w| w.time == time).collect();
    if let Some(w) = tied.last() {
        // The CPU each store ran on: where its thread is now, else its last dispatch.
        let cpu = |tid: usize| {
            let c = snap.threads[tid].cpu.or_else(|| run.trace.dispatched_cpu(tid, time));
            c.map_or_else(String::new, |c| format!(" on CPU {c}"))
        };
        out.push(format!(
            "Both stores happened at t = {time} µs: at one instant the CPUs' events apply in CPU order (CPU 0 first), \
             so {}'s store{} landed after {}'s{} and its value is the one kept.",
            name(lu.tid),
            cpu(lu.tid),
            name(w.tid),
            cpu(w.tid)
        ));
    }
    out
}

/// A process's pages as little squares (private, shared, copied on write), with their counts,
/// its RSS and PSS (bytes) and a PSS bar scaled to `scale` bytes, and how many pages it copied
/// on write; `when` says at which instant. Built as text ([`raw`]): one square per page would be
/// many `html!` elements.
fn page_map(pages: &[PageView], (rss, pss, copied): (u64, u64, u64), when: &str, scale: u64) -> Html {
    let mut counts = [0u32; 3];
    let mut squares = String::new();
    for v in pages {
        let (k, class) = match v.sharing {
            Sharing::Private => (0, "pg-private"),
            Sharing::Shared => (1, "pg-shared"),
            Sharing::Copied => (2, "pg-copied"),
        };
        counts[k] += v.count;
        for _ in 0..v.count.min(512) {
            squares.push_str("<i class=\"");
            squares.push_str(class);
            squares.push_str("\"></i>");
        }
    }
    let copies = if copied > 0 { format!(" ({copied} copy-on-write)") } else { String::new() };
    let pss_text = bytes(pss);
    raw(format!(
        "<div class=\"pages\" aria-hidden=\"true\">{squares}</div><p class=\"footprint\">Pages {when}: {} private, {} \
         shared, {} copied. RSS {}, PSS {pss_text}{copies}</p><div class=\"pss-bar\"><span style=\"width:{}%\"></span></div>",
        counts[0],
        counts[1],
        counts[2],
        bytes(rss),
        pss * 100 / scale.max(1)
    ))
}

/// Props of [`MemoryView`].
#[derive(Properties, PartialEq)]
pub struct MemoryViewProps {
    pub run: Rc<Run>,
    /// The state at the cursor.
    pub snapshot: Rc<Snapshot>,
}

/// One box per process.
#[component]
pub fn MemoryView(props: &MemoryViewProps) -> Html {
    let run = &props.run;
    let sys = &run.system;
    let snap = &props.snapshot;
    let lost = run.lost_updates_at(snap.time);
    let metrics = &run.result.metrics;
    let scale = metrics.memory.iter().map(|m| m.rss_bytes).max().unwrap_or(0);
    // Every live process's pages at the cursor, rebuilt from the trace; the page size is what a
    // process's RSS over its pages says (4,096 B unless the scenario sets `machine.page_bytes`).
    let page_bytes = metrics.memory.iter().find_map(|m| {
        let n: u64 = m.pages.iter().map(|v| u64::from(v.count)).sum();
        (n > 0).then(|| m.rss_bytes / n)
    });
    let now = page_bytes.map(|b| Pages::at(sys, b, &run.trace.events, snap.time));
    // A process created at run time appears once it exists.
    let boxes = sys.processes.iter().filter(|p| run.process_exists_at(p.pid, snap.time)).map(|p| {
        let mem = metrics.memory.get(p.pid);
        let origin = mem.and_then(|m| {
            let parent = escape(&sys.processes[m.parent?].name);
            let how = match m.origin {
                Origin::Spawned { program } => {
                    format!("Spawned (<code>{}</code>)", escape(p.objects.programs.get(program).map_or("?", String::as_str)))
                }
                _ => "Forked".to_string(),
            };
            let end = m.ended.filter(|&t| t <= snap.time).map_or_else(String::new, |t| format!("; ended at t = {t} µs"));
            Some(format!("<p class=\"shared-note\">{how} by {parent} at t = {} µs{end}.</p>", m.created))
        });
        let names: Vec<&str> = p.threads.iter().map(|&tid| sys.threads[tid].name.as_str()).collect();
        let unseen = sys.segment_note(p.pid);
        // The variables, then an x86.py program's cells, named as x86.py names them (its
        // `.var`, `slots[1]` in an array, else the address): those shared by the threads here,
        // then those in each thread's stack, marked as that thread's ([`shown_cells`]).
        let mut places: Vec<(Place, i64, Option<usize>)> =
            snap.variables[p.pid].iter().enumerate().map(|(v, &x)| (Place::Var(v), x, None)).collect();
        places.extend(shown_cells(sys, p.pid, &snap.cells[p.pid]).iter().map(|c| (Place::Cell(c.addr), c.value, c.stack_of)));
        let no_places = places.is_empty();
        let vars = places.into_iter().map(|(place, value, stack)| {
            let name = &place.name(sys, p.pid);
            let writers: Vec<String> =
                snap.just_written.iter().filter(|w| w.0 == p.pid && Place::Var(w.1) == place).map(|w| sys.thread_name(w.2)).collect();
            let written = !writers.is_empty();
            let warnings: Vec<(String, Vec<String>)> = lost
                .iter()
                .filter(|l| l.pid == p.pid && l.place == place)
                .map(|l| (lost_sentence(sys, l), lost_explanation(run, snap, l, name)))
                .collect();
            let raced = !warnings.is_empty();
            html! {
                <>
                <tr class={classes!(written.then_some("written"), raced.then_some("raced"))}>
                    <th scope="row"><code>{ name }</code></th>
                    <td class="num"><span class="value" data-testid={format!("var-{}-{}", p.name, name)}>{ value }</span></td>
                    <td class="note">
                        if let Some(t) = stack {
                            <span class="muted" data-testid="stack-of">{ format!("{}'s stack: its own, push and call write it", sys.threads[t].name) }</span>
                        }
                        if written { <span class="written-badge">{ format!("written now by {}", writers.join(", ")) }</span> }
                    </td>
                </tr>
                if raced {
                    <tr class="lost-row">
                        <td colspan="3">
                            { for warnings.into_iter().map(|(w, why)| html! {
                                <>
                                    <p class="lost-warning" data-testid="lost-warning">{ w }</p>
                                    <p class="lost-why" data-testid="lost-why" tabindex="-1">{ why.join(" ") }</p>
                                </>
                            }) }
                        </td>
                    </tr>
                }
                </>
            }
        });
        let mutexes = p.mutexes.iter().enumerate().map(|(m, name)| {
            let owner = snap.mutex_owners[p.pid][m].map_or_else(|| "free".to_string(), |tid| format!("held by {}", sys.thread_name(tid)));
            let queue: Vec<String> = snap.mutex_waiters[p.pid][m].iter().map(|&tid| sys.thread_name(tid)).collect();
            let waiting = if queue.is_empty() {
                "; nobody waits".to_string()
            } else {
                format!("; wait queue (next owner first): {}", queue.join(" → "))
            };
            html! { <li data-testid={format!("mutex-{}-{name}", p.name)}><code>{ name }</code>{ ": " }{ owner }{ waiting }</li> }
        });
        let objects = snap.objects.get(p.pid).map(|o| o.lines(sys, p.pid, &snap.threads)).unwrap_or_default();
        let l = &p.space.layout;
        // A thread no `create` has started yet has no stack.
        let waiting = |&&t: &&usize| sys.threads[t].created && snap.threads[t].state == ThreadState::New;
        let unstarted = p.threads.iter().filter(waiting).count();
        let started = p.threads.len() - unstarted;
        let stacks = l.stack_bytes_per_thread * started as u64;
        let unstarted = match unstarted {
            0 => String::new(),
            1 => "; 1 thread not created yet has no stack".into(),
            n => format!("; {n} threads not created yet have no stack"),
        };
        html! {
            <article class="process-box" aria-label={format!("Address space of process {}", p.name)}>
                <h3>{ format!("Process {} (pid {})", p.name, p.pid) }</h3>
                { for origin.map(raw) }
                <p class="shared-note">
                    { if names.len() == 1 {
                        format!("Used by this process's only thread, {}. {unseen}", names[0])
                    } else {
                        format!("Shared by all {} threads of this process: {}. {unseen}", names.len(), names.join(", "))
                    } }
                </p>
                if no_places {
                    <p class="muted">{ "No variables." }</p>
                } else {
                    <table class="table vars"><tbody>{ for vars }</tbody></table>
                }
                if !p.mutexes.is_empty() {
                    <ul class="mutexes"><li class="muted">{ "Mutexes:" }</li>{ for mutexes }</ul>
                }
                if !objects.is_empty() {
                    <ul class="mutexes"><li class="muted">{ "Other synchronisation objects:" }</li>
                        { for objects.iter().map(|o| html! {
                            <li data-testid={format!("sync-{}-{}", p.name, o.name)}>
                                { o.kind.word() }{ " " }<code>{ &o.name }</code>{ ": " }{ &o.state }
                            </li>
                        }) }
                    </ul>
                }
                <p class="footprint">
                    { format!("Memory: code {} + data {} + heap {} + stacks {} ({} × {}) = {}{unstarted}",
                        bytes(l.code_bytes), bytes(l.data_bytes), bytes(l.heap_bytes), bytes(stacks),
                        started, bytes(l.stack_bytes_per_thread), bytes(p.space.footprint_bytes(started))) }
                </p>
                if let Some(m) = mem {
                    <div class="pagemap" data-testid={format!("pages-{}", m.process)}>{
                        match (m.ended.filter(|&t| t <= snap.time), &now) {
                            (None, Some(now)) => page_map(
                                &now.view(p.pid),
                                (now.rss(p.pid), now.pss(p.pid), now.cow_copies(p.pid)),
                                &format!("at t = {} µs", snap.time),
                                scale,
                            ),
                            (ended, _) => page_map(
                                &m.pages,
                                (m.rss_bytes, m.pss_bytes, m.cow_copies),
                                &ended.map_or_else(|| "at the end".to_string(), |t| format!("at its end (t = {t} µs)")),
                                scale,
                            ),
                        }
                    }</div>
                }
            </article>
        }
    });
    html! {
        <section class="panel memory-panel" data-testid="memory-view">
            <h2 class="panel-title">{ format!("Memory at t = {} µs", snap.time) }</h2>
            <p class="page-legend" data-testid="page-legend">{ raw(format!(
                "<i class=\"pg-private\"></i> private <i class=\"pg-shared\"></i> shared <i class=\"pg-copied\"></i> \
                 copied on write. Peak resident (all processes, a shared page once): {}; PSS sum at the end: {}.",
                bytes(metrics.peak_resident_bytes),
                if metrics.total_pss_bytes == 0 && metrics.memory.iter().all(|m| m.ended.is_some()) {
                    "0 B (every process has ended and freed its pages; each box shows its pages at its end)".to_string()
                } else {
                    bytes(metrics.total_pss_bytes)
                })) }</p>
            <div class="process-grid">{ for boxes }</div>
        </section>
    }
}
