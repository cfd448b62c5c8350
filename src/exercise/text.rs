//! An exercise as text: the policy's rules in one line, the problem as a table a learner can
//! solve by hand, and the answers.

use super::answers::{Answers, SpanKind};
use super::{Exercise, Work};
use crate::compare::text::columns;
use crate::model::scenario::{PolicyParams, SchedulerSpec, TieRule};
use crate::model::scheduler::{IoDone, MostUrgent, PassTie, SwitchOn};

/// The rules a learner needs to solve an exercise by hand: the policy's in one line, then the
/// machine's.
pub fn rules(spec: &SchedulerSpec, cpus: u32) -> String {
    let ties = "jobs that become ready at the same time queue in name order";
    let policy = match &spec.params {
        PolicyParams::Fcfs(_) => {
            format!("FCFS: jobs run in the order they become ready, each until it finishes or starts I/O; {ties}.")
        }
        PolicyParams::RoundRobin(rr) => {
            let q = rr.quantum;
            let tie = match rr.tie {
                TieRule::ArrivalsFirst => "behind a job that arrives at that same time",
                TieRule::PreemptedFirst => "ahead of a job that arrives at that same time",
            };
            format!(
                "Round Robin, quantum {q}: jobs take turns in the order they become ready; a job runs at most {q} µs, then goes to the back of the queue, {tie} (a job alone keeps the CPU)."
            )
        }
        PolicyParams::Sjf(sjf) => match &sjf.estimate {
            None => format!(
                "SJF, not pre-emptive: a free CPU runs the ready job with the shortest next CPU burst until it finishes or starts I/O; equal bursts go to the job that became ready first, then {ties}."
            ),
            Some(e) => format!(
                "SJF by prediction, not pre-emptive: a free CPU runs the ready job with the shortest predicted burst, τ(n+1) = {}·t(n) + {}·τ(n), τ(0) = {}; equal predictions go to the job that became ready first.",
                e.alpha,
                1.0 - e.alpha,
                e.initial
            ),
        },
        PolicyParams::Srtf(srtf) => {
            let than = if srtf.preempt_on_equal { "no more" } else { "less" };
            format!(
                "SRTF (pre-emptive SJF): the ready job with the least CPU time left in its current burst runs; a job that becomes ready with {than} left than a running one takes its CPU at once; equal times go to the job that became ready first."
            )
        }
        PolicyParams::Priority(p) => {
            let urgent = match p.most_urgent {
                MostUrgent::Lowest => "lowest",
                MostUrgent::Highest => "highest",
            };
            let mut s = format!("Priority: the ready job with the {urgent} priority number runs");
            if p.preemptive {
                s.push_str("; a job that becomes ready more urgent than a running one takes its CPU at once");
            } else {
                s.push_str(" until it finishes or starts I/O (not pre-emptive)");
            }
            s.push_str("; equal priorities go first come, first served");
            if let Some(q) = p.quantum {
                s.push_str(&format!(", taking turns of at most {q} µs"));
            }
            if let Some(a) = &p.aging {
                s.push_str(&format!(
                    "; a waiting job's number improves by {} for every {} µs it waits",
                    a.step, a.every
                ));
            }
            s.push('.');
            s
        }
        PolicyParams::Mlfq(m) => {
            let quanta: Vec<String> = m.levels.iter().map(|l| l.quantum.to_string()).collect();
            let allotments: Vec<String> = m.levels.iter().map(|l| l.allotment.to_string()).collect();
            let block = if m.reset_on_block {
                "a job that starts I/O gets a fresh quantum and allotment"
            } else {
                "time used before I/O counts"
            };
            let boost = match m.boost_period {
                0 => "no boost".to_string(),
                b => format!("every {b} µs all jobs go back to the top level"),
            };
            format!(
                "MLFQ, {} levels (top first) with quanta {} and allotments of {} quanta: a job starts at the top; a higher level pre-empts a lower one; jobs on one level take turns; a job that uses up its allotment moves down a level ({block}); {boost}.",
                m.levels.len(),
                quanta.join(", "),
                allotments.join(", ")
            )
        }
        PolicyParams::Lottery(l) => format!(
            "Lottery, quantum {}: every {} µs (or when a job blocks or ends) a random draw among the ready jobs' tickets (100 each) picks who runs; the draws come from the scenario's seed, so this one is for checking by the model rather than by hand.",
            l.quantum, l.quantum
        ),
        PolicyParams::Stride(st) => format!(
            "Stride, quantum {}: every job has 100 tickets, so a stride of {} ÷ 100 = {}; the ready job with the lowest pass (from 0) runs one quantum and its pass grows by its stride (in proportion for a part quantum); a job that arrives or wakes below the lowest pass of the jobs ready or running is raised to it; equal passes go {}.",
            st.quantum,
            st.stride1,
            (st.stride1 / 100).max(1),
            match st.pass_tie {
                PassTie::ThreadId => "in name order",
                PassTie::Fifo => "to the job that became ready first",
            }
        ),
        PolicyParams::Cfs(c) => format!(
            "CFS-like: the ready job with the least virtual runtime runs (every job has nice 0, so virtual runtime grows as CPU time) for a slice of {} µs ÷ the number of runnable jobs, at least {}; a job that arrives starts at the least virtual runtime{}.",
            c.target_latency,
            c.min_granularity,
            if c.start_debit { " plus the slice it would get" } else { "" }
        ),
        // Scripted::pick with an empty schedule (an exercise has none): the lowest-numbered ready
        // thread, the jobs being numbered in name order, for no set time.
        PolicyParams::Scripted(_) => "Scripted, with no schedule (an exercise has none): a free CPU runs the ready job first in name order until it finishes or starts I/O; nothing is pre-empted. (In a scenario, a \"schedule\" such as \"0011\" in its JSON names the thread that runs each µs, on one CPU.)".into(),
        // ProcessRun's rules (src/model/scheduler/process_run.rs), jobs numbered in name order.
        PolicyParams::ProcessRun(p) => {
            let next = "then the next ready job after it in name order runs (after the last comes A again)";
            let done = match (p.switch, p.io_done) {
                // Only the running job is ever waiting for I/O: it resumes when that completes.
                (SwitchOn::End, _) => "",
                (SwitchOn::Io, IoDone::Later) => {
                    "; a job whose I/O completes waits for its turn in that order (IO_RUN_LATER), and runs at once if no other job is ready or running"
                }
                (SwitchOn::Io, IoDone::Immediate) => {
                    "; a job whose I/O completes runs at once, the running job going back to ready (IO_RUN_IMMEDIATE)"
                }
            };
            let runs = match p.switch {
                SwitchOn::Io => "the job chosen runs until it finishes or starts I/O (SWITCH_ON_IO)",
                SwitchOn::End => {
                    "the job chosen runs until it finishes, keeping the CPU, idle, while it waits for its I/O (SWITCH_ON_END)"
                }
            };
            format!("OSTEP process-run: {runs}; {next}{done}; a job that arrives while another runs waits for its turn.")
        }
        // TickRr's rules (src/model/scheduler/tick_rr.rs).
        PolicyParams::TickRr(t) => {
            let q = t.quantum;
            format!(
                "Round Robin on a global timer, quantum {q} (OSTEP multi.py): at every multiple of {q} µs ({q}, {}, …) the timer interrupts every CPU and each running job goes to the back of the queue, ahead of jobs that arrive or wake at that instant; a job started between two interrupts runs only until the next one; a job that finishes or starts I/O frees its CPU at once; jobs run in the order they joined the queue; {ties}.",
                2 * q
            )
        }
        // x86.py's policy makes no exercise (`super::policies`, refused by `Exercise::generate`).
        other => format!("{}: see the policy's description.", other.policy().label()),
    };
    let idle_io = matches!(&spec.params, PolicyParams::ProcessRun(p) if p.switch == SwitchOn::End);
    let io = if idle_io { "" } else { "; a job doing I/O leaves the CPU to others" };
    let machine = if cpus == 1 {
        format!("One CPU; context switches are free{io}.")
    } else if spec.policy().one_cpu() {
        format!(
            "This policy has one CPU: of the {cpus} CPUs it runs one job at a time, on CPU 0, and the others stay idle; context switches are free{io}."
        )
    } else {
        let back = match spec.params {
            // TickRr: a job goes to whichever CPU asks first (`binds_to_cpu`).
            PolicyParams::TickRr(_) => "a job runs on whichever CPU takes it",
            _ => "a job goes back to the CPU it last ran on if that one is free",
        };
        format!(
            "{cpus} CPUs share one ready queue: a free CPU takes the job the policy picks, lower-numbered CPUs first, and {back}; context switches are free{io}."
        )
    };
    format!("{policy} {machine}")
}

/// A job's work for people: `7`, or `3, io 4, 2` (CPU bursts and I/O).
fn work_text(work: &[Work]) -> String {
    (work.iter())
        .map(|w| match w {
            Work::Cpu(n) => n.to_string(),
            Work::Io(n) => format!("io {n}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The header and the job columns shared by the problem and the answers.
fn job_rows(x: &Exercise) -> Vec<Vec<String>> {
    let io = x.jobs.iter().any(|j| j.work.len() > 1);
    let priority = matches!(x.spec.scheduler.params, PolicyParams::Priority(_));
    let mut header = vec!["job".to_string(), "arrival".into(), if io { "cpu, io, cpu" } else { "burst" }.into()];
    if priority {
        header.push("priority".into());
    }
    let mut rows = vec![header];
    for j in &x.jobs {
        let mut row = vec![j.name.clone(), j.arrival.to_string(), work_text(&j.work)];
        if priority {
            row.push(j.priority.to_string());
        }
        rows.push(row);
    }
    rows
}

/// The title line: seed, policy and machine.
fn title(x: &Exercise) -> String {
    let s = &x.spec.scheduler;
    let q = s.quantum().map(|q| format!(", quantum {q}")).unwrap_or_default();
    let cpus = if x.spec.cpus == 1 { "1 CPU".to_string() } else { format!("{} CPUs", x.spec.cpus) };
    format!("Exercise (seed {}): {}{q}, on {cpus}", x.spec.seed, s.policy().label())
}

/// The problem: title, rules, the jobs (arrival, CPU bursts and I/O in ticks; the priority for
/// the priority policy) and what to find.
pub fn problem(x: &Exercise) -> String {
    let mut out = format!("{}\n\nRules: {}\n\n", title(x), rules(&x.spec.scheduler, x.spec.cpus));
    out.push_str(&columns(&job_rows(x), 1));
    out.push_str(
        "\nTimes are in µs. For each job give its completion (when it finishes), turnaround \
         (completion − arrival), waiting (time ready but not running) and response (first run − \
         arrival); then the averages of the last three.\n",
    );
    out
}

/// The answers: the job table with completion, turnaround, waiting and response, the
/// averages (two decimals), and which job ran when on each CPU.
pub fn answers(x: &Exercise, a: &Answers) -> String {
    let mut rows = job_rows(x);
    let blanks = rows[0].len() - 1;
    rows[0].extend(["completion", "turnaround", "waiting", "response"].map(String::from));
    for (row, j) in rows[1..].iter_mut().zip(&a.jobs) {
        row.extend([j.completion, j.turnaround, j.waiting, j.response].map(|v| v.to_string()));
    }
    let mut avg = vec!["average".to_string()];
    avg.extend(std::iter::repeat_n(String::new(), blanks));
    avg.push(String::new());
    let av = &a.averages;
    avg.extend([av.turnaround, av.waiting, av.response].map(|v| format!("{v:.2}")));
    rows.push(avg);
    let mut out = format!("{}: answers\n\n", title(x));
    out.push_str(&columns(&rows, 1));
    let mut runs: Vec<(usize, u64, u64, &str)> = Vec::new();
    for j in &a.jobs {
        for s in j.made_of.turnaround.iter().filter(|s| s.kind == SpanKind::Run) {
            runs.push((s.cpu.unwrap_or(0), s.start, s.end, &j.job));
        }
    }
    runs.sort();
    out.push('\n');
    for cpu in 0..x.spec.cpus as usize {
        let line: Vec<String> = runs.iter().filter(|r| r.0 == cpu).map(|(_, s, e, j)| format!("{j} {s}–{e}")).collect();
        out.push_str(&format!(
            "CPU {cpu} runs: {}\n",
            if line.is_empty() { "nothing".into() } else { line.join(", ") }
        ));
    }
    out
}
