//! The run's final measures (not at the cursor): per thread, per CPU, totals, final variables.

use std::rc::Rc;

use yew::prelude::*;

use crate::ui::format::{bytes, fixed, grouped, opt_ticks};
use crate::ui::run::Run;

/// Props of [`MetricsTable`].
#[derive(Properties, PartialEq)]
pub struct MetricsTableProps {
    pub run: Rc<Run>,
}

/// Metrics section (`data-testid="metrics-table"`).
#[component]
pub fn MetricsTable(props: &MetricsTableProps) -> Html {
    let m = &props.run.result.metrics;
    let threads = m.threads.iter().map(|t| {
        // A `"start": "created"` slot no `create` started never existed: "—" in every column
        // rather than counts of 0 that read as measured.
        let Some(arrival) = t.arrival else {
            return html! {
                <tr data-testid={format!("never-created-{}-{}", t.process, t.name)}
                    title="Never created: no create started this thread">
                    <td>{ &t.process }</td>
                    <td>{ &t.name }</td>
                    { for (0..9).map(|_| html! { <td class="num">{ "—" }</td> }) }
                </tr>
            };
        };
        html! {
            <tr>
                <td>{ &t.process }</td>
                <td>{ &t.name }</td>
                <td class="num">{ arrival }</td>
                <td class="num">{ opt_ticks(t.first_run) }</td>
                <td class="num">{ opt_ticks(t.completion) }</td>
                <td class="num">{ opt_ticks(t.turnaround) }</td>
                <td class="num">{ t.waiting }</td>
                <td class="num">{ opt_ticks(t.response) }</td>
                <td class="num">{ t.cpu_time }</td>
                <td class="num">{ t.io_time }</td>
                <td class="num">{ t.lock_wait }</td>
            </tr>
        }
    });
    let cpus = m.cpus.iter().map(|c| {
        html! {
            <tr>
                <td>{ format!("CPU {}", c.cpu) }</td>
                <td class="num">{ c.busy }</td>
                <td class="num">{ c.switching }</td>
                <td class="num">{ c.idle }</td>
                <td class="num">{ format!("{} %", fixed(c.utilisation * 100.0, 1)) }</td>
            </tr>
        }
    });
    let sys = &props.run.system;
    // A shared segment's variable is one variable: one row, under the processes that map it.
    let copies = |v: &crate::model::metrics::VariableValue| {
        let var = sys.processes.get(v.pid)?.space.variables.iter().position(|n| *n == v.name)?;
        sys.sharing.var_copies(v.pid, var)
    };
    let vars = m.variables.iter().filter(|v| copies(v).is_none_or(|c| c[0].0 == v.pid)).map(|v| {
        let owner = match copies(v) {
            Some(c) => format!("{} (shared segment)", c.iter().map(|&(p, _)| sys.processes[p].name.as_str()).collect::<Vec<_>>().join(", ")),
            None => v.process.clone(),
        };
        let (note, good) = v.verdict(props.run.result.outcome.stopped_at());
        let class = match good {
            Some(true) => "ok",
            Some(false) => "bad",
            None => "",
        };
        html! {
            <tr>
                <td>{ owner }</td>
                <td><code>{ &v.name }</code></td>
                <td class="num"><span data-testid={format!("final-var-{}-{}", v.process, v.name)}>{ v.value }</span></td>
                <td class="num">{ v.expected.map_or_else(|| "—".to_string(), |e| e.to_string()) }</td>
                <td class="num"><span class={classes!((v.lost_updates > 0).then_some("lost-count"))}
                    data-testid={format!("lost-updates-{}-{}", v.process, v.name)}>{ v.lost_updates }</span></td>
                <td><span class={classes!("verdict", class)}>{ note }</span></td>
            </tr>
        }
    });
    // Means over finished threads, to two decimals as OSTEP's `-c` prints them (8.25, not 8.2);
    // "—" when none finished (e.g. an immediate deadlock).
    let avg = |f: fn(&crate::model::metrics::Averages) -> f64| {
        m.averages.as_ref().map_or_else(|| "—".to_string(), |a| fixed(f(a), 2))
    };
    html! {
        <section class="panel metrics-panel" data-testid="metrics-table">
            <h2 class="panel-title">{ "Metrics of the whole run (times in µs)" }</h2>
            <dl class="totals">
                <div><dt>{ "Makespan" }</dt><dd><span data-testid="metric-makespan">{ m.makespan }</span>{ " µs" }</dd></div>
                // What OSTEP's simulators print differs here: x86.py prints an Interrupt row
                // when the thread interrupted resumes at once (the only one left), and a
                // process-run `io` is two lines of the model (walk s11).
                <div title="Times a CPU took up another thread. An interrupt after which the same thread runs on is none (x86.py prints a row for it)."><dt>{ "Context switches" }</dt><dd><span data-testid="metric-context-switches">{ m.context_switches }</span>
                    { format!(" ({} between processes)", m.process_switches) }</dd></div>
                <div title="Program lines run. A process-run io is two here: compute 1 (its tick of CPU), then io (the wait)."><dt>{ "Instructions" }</dt><dd>{ grouped(m.steps) }</dd></div>
                // Resident frames, each page once, against the footprints added up (a page two
                // processes share counted in each): 876,544 B against 1,400,832 B in processes-memory.
                <div><dt>{ "Peak resident" }</dt><dd data-testid="metric-peak-resident" title="The most bytes in memory at once: every process's pages, a page shared by several counted once">{ bytes(m.peak_resident_bytes) }</dd></div>
                <div><dt>{ "Footprints added up" }</dt><dd data-testid="metric-memory" title="Each process's code + data + heap + stacks, added up: a page several processes share is counted in each, so this can exceed what is ever resident">{ bytes(m.total_memory_bytes) }</dd></div>
            </dl>
            // The words above the box, not in its caption: a caption is as wide as the table, so
            // on a phone it was cut mid-word at the scrolling box's edge.
            <p class="hint" id="per-thread-note" data-testid="per-thread-note">{ "Per thread. Turnaround = completion − arrival = waiting + CPU + I/O + sync wait (blocked on a lock, semaphore, condition variable, barrier, read-write lock or channel, in a join waiting for a thread's exit, or in a wait for a child process to end; spinning counts as CPU; lock_wait in the CLI's JSON); response = first run − arrival." }</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Metrics per thread">
                <table class="table" aria-describedby="per-thread-note">
                    <caption>{ "Per thread" }</caption>
                    <thead>
                        <tr>
                            <th scope="col">{ "Process" }</th><th scope="col">{ "Thread" }</th>
                            <th scope="col">{ "Arrival" }</th><th scope="col">{ "First run" }</th><th scope="col">{ "Completion" }</th>
                            <th scope="col">{ "Turnaround" }</th><th scope="col">{ "Waiting" }</th><th scope="col">{ "Response" }</th>
                            <th scope="col">{ "CPU time" }</th><th scope="col">{ "I/O" }</th><th scope="col" data-testid="col-sync-wait" title="Time blocked on synchronisation: a lock, semaphore, condition variable, barrier, read-write lock or channel (a send to a full one, a receive from an empty one), a join waiting for a thread's exit, or a wait for a child process to end. The CLI's JSON calls it lock_wait (its name from when a mutex was the only object).">{ "Sync wait" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for threads }</tbody>
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="5">{ "Average over finished threads" }</th>
                            <td class="num">{ avg(|a| a.turnaround) }</td>
                            <td class="num">{ avg(|a| a.waiting) }</td>
                            <td class="num">{ avg(|a| a.response) }</td>
                            <td colspan="3"></td>
                        </tr>
                    </tfoot>
                </table>
            </div>
            <div class="metrics-row">
                <div class="table-scroll" tabindex="0" role="region" aria-label="Metrics per CPU"><table class="table">
                    <caption>{ "Per CPU: busy + switching + idle = makespan" }</caption>
                    <thead><tr><th scope="col">{ "CPU" }</th><th scope="col">{ "Busy" }</th><th scope="col">{ "Switching" }</th>
                        <th scope="col">{ "Idle" }</th><th scope="col">{ "Utilisation" }</th></tr></thead>
                    <tbody>{ for cpus }</tbody>
                </table></div>
                if !m.variables.is_empty() {
                    <div class="table-scroll" tabindex="0" role="region" aria-label="Final values of the variables"><table class="table">
                        <caption>{ "Final values of the variables" }</caption>
                        <thead><tr><th scope="col">{ "Process" }</th><th scope="col">{ "Variable" }</th><th scope="col">{ "Final" }</th>
                            <th scope="col">{ "Expected" }</th>
                            <th scope="col" title="Stores that overwrote another thread's write they never saw (a race)">{ "Lost updates" }</th>
                            <th scope="col">{ "Verdict" }</th></tr></thead>
                        <tbody>{ for vars }</tbody>
                    </table></div>
                }
            </div>
        </section>
    }
}
