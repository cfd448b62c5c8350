//! Each process's address space at the cursor: shared variables, mutex owners, footprint.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::System;
use crate::model::trace::LostUpdate;
use crate::model::trace::Snapshot;
use crate::ui::format::bytes;
use crate::ui::run::Run;

/// One sentence on a lost update, e.g. "⚠ lost update: worker stored 5 over main's write
/// (main's +1 is lost)".
fn lost_sentence(sys: &System, lu: &LostUpdate) -> String {
    let name = |tid: usize| sys.threads[tid].name.as_str();
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
    let boxes = sys.processes.iter().map(|p| {
        let names: Vec<&str> = p.threads.iter().map(|&tid| sys.threads[tid].name.as_str()).collect();
        let vars = p.space.variables.iter().enumerate().map(|(var, name)| {
            let value = snap.variables[p.pid][var];
            let writers: Vec<&str> = snap.just_written.iter().filter(|w| w.0 == p.pid && w.1 == var).map(|w| sys.threads[w.2].name.as_str()).collect();
            let written = !writers.is_empty();
            let warnings: Vec<String> = lost.iter().filter(|l| l.pid == p.pid && l.var == var).map(|l| lost_sentence(sys, l)).collect();
            let raced = !warnings.is_empty();
            html! {
                <>
                <tr class={classes!(written.then_some("written"), raced.then_some("raced"))}>
                    <th scope="row"><code>{ name }</code></th>
                    <td class="num"><span class="value" data-testid={format!("var-{}-{}", p.name, name)}>{ value }</span></td>
                    <td class="note">
                        if written { <span class="written-badge">{ format!("written now by {}", writers.join(", ")) }</span> }
                    </td>
                </tr>
                if raced {
                    <tr class="lost-row">
                        <td colspan="3">
                            { for warnings.into_iter().map(|w| html! {
                                <p class="lost-warning" data-testid="lost-warning">{ w }</p>
                            }) }
                        </td>
                    </tr>
                }
                </>
            }
        });
        let mutexes = p.mutexes.iter().enumerate().map(|(m, name)| {
            let owner = snap.mutex_owners[p.pid][m].map_or_else(|| "free".to_string(), |tid| format!("held by {}", sys.threads[tid].name));
            html! { <li><code>{ name }</code>{ ": " }{ owner }</li> }
        });
        let l = &p.space.layout;
        let stacks = l.stack_bytes_per_thread * p.threads.len() as u64;
        html! {
            <article class="process-box" aria-label={format!("Address space of process {}", p.name)}>
                <h3>{ format!("Process {} (pid {})", p.name, p.pid) }</h3>
                <p class="shared-note">
                    { if names.len() == 1 {
                        format!("Used by this process's only thread, {}. Other processes cannot see these variables.", names[0])
                    } else {
                        format!("Shared by all {} threads of this process: {}. Other processes cannot see these variables.", names.len(), names.join(", "))
                    } }
                </p>
                if p.space.variables.is_empty() {
                    <p class="muted">{ "No variables." }</p>
                } else {
                    <table class="table vars"><tbody>{ for vars }</tbody></table>
                }
                if !p.mutexes.is_empty() {
                    <ul class="mutexes"><li class="muted">{ "Mutexes:" }</li>{ for mutexes }</ul>
                }
                <p class="footprint">
                    { format!("Memory: code {} + data {} + heap {} + stacks {} ({} × {}) = {}",
                        bytes(l.code_bytes), bytes(l.data_bytes), bytes(l.heap_bytes), bytes(stacks),
                        p.threads.len(), bytes(l.stack_bytes_per_thread), bytes(p.memory_bytes)) }
                </p>
            </article>
        }
    });
    html! {
        <section class="panel memory-panel" data-testid="memory-view">
            <h2 class="panel-title">{ format!("Memory at t = {} µs", snap.time) }</h2>
            <div class="process-grid">{ for boxes }</div>
        </section>
    }
}
