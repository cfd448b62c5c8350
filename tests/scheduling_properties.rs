//! Properties every scheduling policy keeps, over random job sets (CPU-only, and mixed with
//! I/O) on 1 to 4 CPUs: every policy in [`Policy::ALL`] (a policy added later is tested without
//! a change here), plus the non-default parameters listed in [`variants`]. Native only
//! (proptest).
//!
//! - a CPU runs one thread at a time, a thread runs on one CPU at a time, and nothing runs (or
//!   is switched in) before it arrives;
//! - CPU time is conserved: each thread gets exactly the CPU time its program needs, the
//!   threads' CPU time is the CPUs' busy time, and busy + switching + idle = makespan per CPU;
//! - work conservation, for the policies that promise it (all but [`NOT_WORK_CONSERVING`], and
//!   the [`ONE_CPU`] policies on several CPUs): no
//!   CPU is idle while a thread waits in the ready queue;
//! - determinism: the same scenario gives the same run;
//! - SRTF's average turnaround is never worse than FCFS's or SJF's on the same CPU-only jobs on
//!   one CPU with free context switches (shortest remaining processing time minimises the sum
//!   of completion times on one machine with release dates and pre-emption: Schrage 1968;
//!   FCFS and SJF schedules are among those it beats).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::model::scenario::{Policy, ProcessSpec, Scenario, SchedulerSpec, TieRule};
use threadlab::model::scheduler::{AgingSpec, EstimateSpec, PrioritySpec, SjfSpec};
use threadlab::model::trace::{CpuInterval, IntervalKind, QueueSample, Trace};
use threadlab::model::{self, Outcome, RunResult, System};

/// Policies that may leave a CPU idle while a thread is ready, by key, with the reason. A policy
/// belongs here only if its definition allows that (e.g. one that honours CPU affinity, or one
/// that throttles a group that used its share); none of the policies so far does.
const NOT_WORK_CONSERVING: &[(&str, &str)] = &[(
    "process_run",
    "OSTEP's process-run models one CPU (others idle) and, with `switch: end`, idles while the running process waits for its I/O",
)];

/// Policies that run one thread at a time whatever the machine (labelled "(one CPU)", as OSTEP's
/// x86.py and a schedule of `-P` form): work-conserving on one CPU, the others left idle.
const ONE_CPU: &[&str] = &["x86", "scripted"];

/// Each policy with its default parameters (`quantum` for those that have one), plus the
/// parameters that change how a policy decides.
fn variants(quantum: u64) -> Vec<SchedulerSpec> {
    let mut all: Vec<SchedulerSpec> = Policy::ALL.iter().map(|&p| SchedulerSpec::of(p, Some(quantum))).collect();
    for spec in all.clone() {
        let mut other = spec;
        if other.set_tie(TieRule::PreemptedFirst).is_ok() {
            all.push(other);
        }
    }
    all.push(SchedulerSpec::from(SjfSpec { estimate: Some(EstimateSpec { alpha: 0.5, initial: 5 }) }));
    let aging = Some(AgingSpec { every: 3, step: 1 });
    all.push(SchedulerSpec::from(PrioritySpec { aging: aging.clone(), ..PrioritySpec::default() }));
    all.push(SchedulerSpec::from(PrioritySpec { quantum: Some(quantum), aging, ..PrioritySpec::default() }));
    all.push(SchedulerSpec::from(PrioritySpec {
        preemptive: false,
        aging: Some(AgingSpec { every: 2, step: 2 }),
        ..PrioritySpec::default()
    }));
    all
}

/// A piece of program and the CPU ticks it needs, at least and at most.
#[derive(Clone, Debug)]
struct Block {
    text: String,
    cpu: (u64, u64),
}

fn cpu_block() -> impl Strategy<Value = Block> {
    (1u64..12).prop_map(|n| Block { text: format!("compute {n}"), cpu: (n, n) })
}

fn mixed_block() -> impl Strategy<Value = Block> {
    prop_oneof![
        cpu_block(),
        (1u64..4, 4u64..9).prop_map(|(a, b)| Block { text: format!("compute {a}..{b}"), cpu: (a, b) }),
        (1u64..10).prop_map(|n| Block { text: format!("io {n}"), cpu: (0, 0) }),
        (2u64..4, 1u64..5, 1u64..6)
            .prop_map(|(k, c, i)| Block { text: format!("loop {k}\ncompute {c}\nio {i}\nend"), cpu: (k * c, k * c) }),
    ]
}

/// A thread's program: its text and the CPU ticks it needs (bounds).
fn program(io: bool) -> impl Strategy<Value = (String, (u64, u64))> {
    let block = if io { mixed_block().boxed() } else { cpu_block().boxed() };
    prop::collection::vec(block, 1..4).prop_map(|blocks| {
        let text = blocks.iter().map(|b| b.text.as_str()).collect::<Vec<_>>().join("\n");
        let cpu = blocks.iter().fold((0, 0), |(lo, hi), b| (lo + b.cpu.0, hi + b.cpu.1));
        (text, cpu)
    })
}

/// A random job set: processes of 1–2 threads with arrivals, priorities and expected bursts.
/// Also returns each thread's CPU need (bounds), by tid.
fn jobs(io: bool) -> impl Strategy<Value = (Vec<ProcessSpec>, Vec<(u64, u64)>)> {
    let spec_thread = (program(io), 0u64..6, -2i64..4, prop::option::of(1u64..15));
    let process = (0u64..25, prop::collection::vec(spec_thread, 1..3));
    prop::collection::vec(process, 1..6).prop_map(|procs| {
        let mut needs = Vec::new();
        let specs = (procs.into_iter().enumerate())
            .map(|(i, (arrival, threads))| {
                let mut p = job(&format!("p{i}"), arrival, "compute 1");
                p.threads = (threads.into_iter().enumerate())
                    .map(|(j, ((code, need), delay, priority, expected))| {
                        needs.push(need);
                        let mut t = thread(&format!("t{j}"), &code);
                        t.arrival = Some(arrival + delay);
                        t.priority = Some(priority);
                        t.expected_burst = expected;
                        t
                    })
                    .collect();
                p
            })
            .collect();
        (specs, needs)
    })
}

/// A machine, a job set (CPU-only or mixed) with the CPU need of each thread, and a quantum.
fn workload() -> impl Strategy<Value = (Scenario, Vec<(u64, u64)>, u64)> {
    (1u32..5, 0u64..3, 0u64..3, any::<u64>(), 1u64..6, any::<bool>()).prop_flat_map(|(cpus, ts, ps, seed, q, io)| {
        jobs(io).prop_map(move |(processes, needs)| {
            let mut s = scenario(cpus, Policy::Fcfs, None, processes);
            s.machine.thread_switch_ticks = ts;
            s.machine.process_switch_ticks = ts + ps;
            s.seed = seed;
            (s, needs, q)
        })
    })
}

/// Sorted, merged `[start, end)` spans.
fn merged(mut spans: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    spans.sort();
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (a, b) in spans {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The first span of time during which the ready queue held a thread while some CPU was idle:
/// (from, to, cpu).
fn idle_while_ready(trace: &Trace, cpus: usize, makespan: u64) -> Option<(u64, u64, usize)> {
    let busy: Vec<Vec<(u64, u64)>> = (0..cpus)
        .map(|cpu| merged(trace.intervals.iter().filter(|i| i.cpu == cpu).map(|i| (i.start, i.end)).collect()))
        .collect();
    let samples = &trace.ready_queue;
    for (k, sample) in samples.iter().enumerate() {
        let until = samples.get(k + 1).map_or(makespan, |next| next.time);
        if sample.len == 0 || until <= sample.time {
            continue;
        }
        for (cpu, spans) in busy.iter().enumerate() {
            let covered = spans.iter().any(|&(a, b)| a <= sample.time && until <= b);
            if !covered {
                return Some((sample.time, until, cpu));
            }
        }
    }
    None
}

/// The first interval that breaks "one thread per CPU, one CPU per thread, nothing before its
/// arrival" (`arrivals` by tid), in words.
fn interval_problem(trace: &Trace, cpus: usize, arrivals: &[u64]) -> Option<String> {
    let mut by_cpu: Vec<Vec<(u64, u64)>> = vec![Vec::new(); cpus];
    let mut by_thread: Vec<Vec<(u64, u64)>> = vec![Vec::new(); arrivals.len()];
    for iv in &trace.intervals {
        if iv.start >= iv.end {
            return Some(format!("empty interval {iv:?}"));
        }
        if iv.start < arrivals[iv.tid] {
            return Some(format!("{iv:?} before its arrival at {}", arrivals[iv.tid]));
        }
        by_cpu[iv.cpu].push((iv.start, iv.end));
        by_thread[iv.tid].push((iv.start, iv.end));
    }
    for (what, lists) in [("CPU", &mut by_cpu), ("thread", &mut by_thread)] {
        for (i, spans) in lists.iter_mut().enumerate() {
            spans.sort();
            if let Some(w) = spans.windows(2).find(|w| w[0].1 > w[1].0) {
                return Some(format!("{what} {i} busy twice at once: {:?} and {:?}", w[0], w[1]));
            }
        }
    }
    None
}

/// Checks every property of one run of `s` under `spec`.
fn check_run(s: &Scenario, spec: &SchedulerSpec, needs: &[(u64, u64)]) -> Result<(), TestCaseError> {
    let mut s = s.clone();
    s.scheduler = spec.clone();
    let key = spec.policy().key();
    let (sys, r): (System, RunResult) = model::run(&s).unwrap();
    prop_assert_eq!(&r.outcome, &Outcome::Completed, "{:?}", spec);
    let trace = r.trace.as_ref().unwrap();

    let arrivals: Vec<u64> = sys.threads.iter().map(|t| t.arrival).collect();
    let problem = interval_problem(trace, s.machine.cpus as usize, &arrivals);
    prop_assert!(problem.is_none(), "{:?}: {}", spec, problem.unwrap_or_default());

    // CPU time conserved.
    for (t, &(lo, hi)) in r.metrics.threads.iter().zip(needs) {
        prop_assert!(
            lo <= t.cpu_time && t.cpu_time <= hi,
            "{:?}: thread {} got {} CPU ticks, needs {}..={}",
            spec,
            t.tid,
            t.cpu_time,
            lo,
            hi
        );
    }
    let work: u64 = r.metrics.threads.iter().map(|t| t.cpu_time).sum();
    let busy: u64 = r.metrics.cpus.iter().map(|c| c.busy).sum();
    prop_assert_eq!(work, busy, "{:?}", spec);
    let span = |run: bool| -> u64 {
        trace.intervals.iter().filter(|i| (i.kind == IntervalKind::Run) == run).map(|i| i.end - i.start).sum()
    };
    prop_assert_eq!(span(true), busy, "{:?}", spec);
    prop_assert_eq!(span(false), r.metrics.cpus.iter().map(|c| c.switching).sum::<u64>(), "{:?}", spec);
    for c in &r.metrics.cpus {
        prop_assert_eq!(c.busy + c.switching + c.idle, r.metrics.makespan, "{:?}: CPU {}", spec, c.cpu);
    }

    // Work conservation.
    let one_cpu_of_several = s.machine.cpus > 1 && ONE_CPU.contains(&key);
    if !NOT_WORK_CONSERVING.iter().any(|&(k, _)| k == key) && !one_cpu_of_several {
        let idle = idle_while_ready(trace, s.machine.cpus as usize, r.metrics.makespan);
        prop_assert!(idle.is_none(), "{:?}: CPU idle while a thread is ready: {:?}", spec, idle);
    }

    // Determinism.
    let (_, again) = model::run(&s).unwrap();
    prop_assert!(again == r, "{:?}: a second run differs", spec);
    Ok(())
}

/// Sum of turnaround times (ticks) of `s` under `policy`.
fn total_turnaround(s: &Scenario, policy: Policy) -> u64 {
    let mut s = s.clone();
    s.scheduler = SchedulerSpec::of(policy, None);
    let (_, r) = model::run(&s).unwrap();
    r.metrics.threads.iter().map(|t| t.turnaround.unwrap()).sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_policy_keeps_the_scheduling_properties((s, needs, quantum) in workload()) {
        for spec in variants(quantum) {
            check_run(&s, &spec, &needs)?;
        }
    }

    #[test]
    fn srtf_turnaround_is_never_worse_than_fcfs_or_sjf(
        jobs in prop::collection::vec((0u64..30, prop::collection::vec(1u64..20, 1..3)), 1..8)
    ) {
        let processes = (jobs.iter().enumerate())
            .map(|(i, (arrival, bursts))| {
                let code: Vec<String> = bursts.iter().map(|b| format!("compute {b}")).collect();
                job(&format!("j{i}"), *arrival, &code.join("\n"))
            })
            .collect();
        let s = scenario(1, Policy::Fcfs, None, processes);
        let srtf = total_turnaround(&s, Policy::Srtf);
        let fcfs = total_turnaround(&s, Policy::Fcfs);
        let sjf = total_turnaround(&s, Policy::Sjf);
        prop_assert!(srtf <= fcfs, "SRTF {} > FCFS {}", srtf, fcfs);
        prop_assert!(srtf <= sjf, "SRTF {} > SJF {}", srtf, sjf);
    }
}

/// The interval check finds a CPU running two threads, a thread on two CPUs, and a thread
/// running before it arrives, on traces built by hand.
#[test]
fn the_interval_check_sees_double_booking_and_early_runs() {
    let run =
        |cpu, tid, start, end| CpuInterval { cpu, tid, start, end, kind: IntervalKind::Run, first_pc: 0, last_pc: 0 };
    let trace = |intervals| Trace { events: Vec::new(), intervals, ready_queue: Vec::new() };
    let fine = trace(vec![run(0, 0, 0, 5), run(0, 1, 5, 8), run(1, 1, 8, 9)]);
    assert_eq!(interval_problem(&fine, 2, &[0, 0]), None);
    let two_threads = trace(vec![run(0, 0, 0, 5), run(0, 1, 4, 8)]);
    assert_eq!(interval_problem(&two_threads, 2, &[0, 0]).unwrap(), "CPU 0 busy twice at once: (0, 5) and (4, 8)");
    let two_cpus = trace(vec![run(0, 0, 0, 5), run(1, 0, 3, 8)]);
    assert_eq!(interval_problem(&two_cpus, 2, &[0, 0]).unwrap(), "thread 0 busy twice at once: (0, 5) and (3, 8)");
    assert!(interval_problem(&fine, 2, &[0, 6]).unwrap().contains("before its arrival at 6"));
}

/// The work-conservation check finds an idle CPU beside a waiting thread, on a trace built by
/// hand (no policy here idles on purpose).
#[test]
fn the_work_conservation_check_sees_an_idle_cpu() {
    let run =
        |cpu, tid, start, end| CpuInterval { cpu, tid, start, end, kind: IntervalKind::Run, first_pc: 0, last_pc: 0 };
    let trace = Trace {
        events: Vec::new(),
        intervals: vec![run(0, 0, 0, 5), run(0, 1, 5, 8), run(1, 2, 0, 3)],
        ready_queue: vec![
            QueueSample { time: 0, threads: vec![1], len: 1, per_cpu: vec![] },
            QueueSample { time: 5, threads: vec![], len: 0, per_cpu: vec![] },
        ],
    };
    // B (tid 1) waits 0–5; CPU 1 is idle from 3.
    assert_eq!(idle_while_ready(&trace, 2, 8), Some((0, 5, 1)));
    let mut busy = trace.clone();
    busy.intervals[2].end = 5;
    assert_eq!(idle_while_ready(&busy, 2, 8), None);
}
