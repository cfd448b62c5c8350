//! FCFS and Round Robin on small job sets, with every expected number worked out by hand
//! (the OSTEP ch. 7 examples and variations). Times in ticks.

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, TieRule};
use threadlab::model::trace::IntervalKind;

/// OSTEP 7.3: A=100, B=10, C=10, all arriving at 0. FCFS runs A first (lowest id at a tie).
#[test]
fn fcfs_convoy_effect() {
    let s = scenario(
        1,
        Policy::Fcfs,
        None,
        vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 10")],
    );
    let (_, r) = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    // completion, turnaround, response, waiting
    assert_eq!(times(&r, 0), (100, 100, 0, 0));
    assert_eq!(times(&r, 1), (110, 110, 100, 100));
    assert_eq!(times(&r, 2), (120, 120, 110, 110));
    assert_eq!(r.metrics.averages.as_ref().unwrap().turnaround, 110.0);
    assert_eq!(r.metrics.averages.as_ref().unwrap().response, 70.0);
    assert_eq!(r.metrics.makespan, 120);
    assert_eq!(r.metrics.context_switches, 2);
    assert_eq!(r.metrics.cpus[0].utilisation, 1.0);
}

/// RR with quantum 10 on the same jobs: A 0–10, B 10–20, C 20–30, then A alone to 120.
#[test]
fn round_robin_three_jobs() {
    let s = scenario(
        1,
        Policy::RoundRobin,
        Some(10),
        vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 10")],
    );
    let (_, r) = run(&s);
    assert_eq!(times(&r, 0), (120, 120, 0, 20));
    assert_eq!(times(&r, 1), (20, 20, 10, 10));
    assert_eq!(times(&r, 2), (30, 30, 20, 20));
    assert_eq!(r.metrics.averages.as_ref().unwrap().response, 10.0);
    // A→B, B→C, C→A; A's later slices renew without a switch.
    assert_eq!(r.metrics.context_switches, 3);
}

/// As above, with a 1-tick process switch: B starts at 11, C at 22, A resumes at 33.
/// Waiting includes being switched in, so turnaround = waiting + CPU time for each job.
#[test]
fn round_robin_with_switch_cost() {
    let mut s = scenario(
        1,
        Policy::RoundRobin,
        Some(10),
        vec![job("A", 0, "compute 100"), job("B", 0, "compute 10"), job("C", 0, "compute 10")],
    );
    s.machine.process_switch_ticks = 1;
    s.machine.thread_switch_ticks = 0;
    let (_, r) = run(&s);
    assert_eq!(times(&r, 0), (123, 123, 0, 23));
    assert_eq!(times(&r, 1), (21, 21, 11, 11));
    assert_eq!(times(&r, 2), (32, 32, 22, 22));
    let cpu = &r.metrics.cpus[0];
    assert_eq!((cpu.busy, cpu.switching, cpu.idle), (120, 3, 0));
    assert_eq!(r.metrics.process_switches, 3);
    let trace = r.trace.unwrap();
    let switches: Vec<(u64, u64)> =
        trace.intervals.iter().filter(|i| i.kind == IntervalKind::ProcessSwitch).map(|i| (i.start, i.end)).collect();
    assert_eq!(switches, vec![(10, 11), (21, 22), (32, 33)]);
}

/// Threads of one process pay the thread-switch cost, not the process-switch cost.
#[test]
fn switch_within_a_process_is_cheaper() {
    let mut p = job("P", 0, "compute 4");
    p.threads.push(thread("t2", "compute 4"));
    let mut s = scenario(1, Policy::Fcfs, None, vec![p, job("Q", 0, "compute 4")]);
    s.machine.thread_switch_ticks = 1;
    s.machine.process_switch_ticks = 5;
    let (_, r) = run(&s);
    // P/main 0–4; switch 4–5 (same process); P/t2 5–9; switch 9–14 (to Q); Q 14–18.
    assert_eq!(r.metrics.threads[1].completion, Some(9));
    assert_eq!(r.metrics.threads[2].completion, Some(18));
    assert_eq!((r.metrics.context_switches, r.metrics.process_switches), (2, 1));
}

/// At t=2, A's quantum ends just as B arrives. The tie rule decides who queues first.
#[test]
fn tie_rule_decides_arrival_versus_preempted() {
    let build = |tie| {
        let mut s = scenario(1, Policy::RoundRobin, Some(2), vec![job("A", 0, "compute 4"), job("B", 2, "compute 2")]);
        s.scheduler.set_tie(tie).unwrap();
        s
    };
    let (_, r) = run(&build(TieRule::ArrivalsFirst));
    // B runs 2–4, A 4–6.
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(6), Some(4)));
    let (_, r) = run(&build(TieRule::PreemptedFirst));
    // A runs 2–4, B 4–6.
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(4), Some(6)));
    assert_eq!(r.metrics.threads[1].response, Some(2));
}

/// A late arrival on an idle machine starts exactly when it arrives, never before.
#[test]
fn nothing_runs_before_it_arrives() {
    let s = scenario(2, Policy::Fcfs, None, vec![job("early", 0, "compute 3"), job("late", 7, "compute 2")]);
    let (_, r) = run(&s);
    assert_eq!(r.metrics.threads[1].first_run, Some(7));
    assert_eq!(times(&r, 1), (9, 2, 0, 0));
    assert_eq!(r.metrics.makespan, 9);
    // CPU 0 ran "early" 0–3 and then "late" 7–9 (lowest idle CPU first): busy 5, idle 4.
    assert_eq!((r.metrics.cpus[0].busy, r.metrics.cpus[0].idle), (5, 4));
    assert_eq!(r.metrics.cpus[1].busy, 0);
}

/// I/O frees the CPU: A computes 2, waits 10 for I/O while B computes 5, then finishes.
#[test]
fn io_overlaps_with_other_work() {
    let s = scenario(1, Policy::Fcfs, None, vec![job("A", 0, "compute 2\nio 10\ncompute 2"), job("B", 0, "compute 5")]);
    let (_, r) = run(&s);
    // A 0–2, I/O 2–12; B 2–7; CPU idle 7–12; A 12–14.
    assert_eq!(times(&r, 0), (14, 14, 0, 0));
    assert_eq!(times(&r, 1), (7, 7, 2, 2));
    let a = &r.metrics.threads[0];
    assert_eq!((a.cpu_time, a.io_time), (4, 10));
    assert_eq!((r.metrics.cpus[0].busy, r.metrics.cpus[0].idle), (9, 5));
}

/// Two CPUs run two threads at the same instant: halving the makespan of two equal jobs.
#[test]
fn two_cpus_run_two_threads_at_once() {
    let jobs = || vec![job("A", 0, "compute 10"), job("B", 0, "compute 10")];
    let (_, one) = run(&scenario(1, Policy::Fcfs, None, jobs()));
    let (_, two) = run(&scenario(2, Policy::Fcfs, None, jobs()));
    assert_eq!(one.metrics.makespan, 20);
    assert_eq!(two.metrics.makespan, 10);
    let t = two.trace.unwrap();
    let runs: Vec<_> = t.intervals.iter().map(|i| (i.cpu, i.tid, i.start, i.end)).collect();
    assert!(runs.contains(&(0, 0, 0, 10)) && runs.contains(&(1, 1, 0, 10)), "{runs:?}");
}

/// A `compute` cut by the quantum resumes where it left off.
#[test]
fn preempted_compute_resumes() {
    let s = scenario(1, Policy::RoundRobin, Some(3), vec![job("A", 0, "compute 5"), job("B", 0, "compute 1")]);
    let (_, r) = run(&s);
    // A 0–3, B 3–4, A 4–6.
    assert_eq!(times(&r, 0), (6, 6, 0, 1));
    assert_eq!(times(&r, 1), (4, 4, 3, 3));
}

/// A sequential program: set 1 + 5×(add 1 + compute 2) + store 1 = 17 CPU ticks, then io 4.
#[test]
fn single_thread_runs_its_instructions_in_order() {
    let p = threadlab::presets::find("single-thread").unwrap();
    let (sys, r) = run(&p.scenario().unwrap());
    assert_eq!(r.outcome, Outcome::Completed);
    let t = &r.metrics.threads[0];
    assert_eq!((t.cpu_time, t.io_time, t.completion), (17, 4, Some(21)));
    assert_eq!(var(&r, 0, "total"), 15);
    // The PC visits the program's lines in order within each loop iteration.
    let trace = r.trace.unwrap();
    let pcs: Vec<usize> = trace
        .events
        .iter()
        .filter_map(|e| match e.what {
            threadlab::model::trace::What::Pc { pc, .. } => Some(pc),
            _ => None,
        })
        .take(6)
        .collect();
    assert_eq!(pcs, vec![1, 2, 3, 4, 2, 3]);
    assert_eq!(sys.programs[0].text(2), "add r0, 3");
}

/// At t=2 X exits on CPU 0 just as Y's quantum ends on CPU 1 with nobody else ready. Y goes
/// back to its own CPU (affinity) instead of migrating to CPU 0 and paying a switch.
#[test]
fn a_thread_returns_to_its_idle_cpu() {
    let mut s = scenario(2, Policy::RoundRobin, Some(2), vec![job("X", 0, "compute 2"), job("Y", 0, "compute 4")]);
    s.machine.thread_switch_ticks = 1;
    s.machine.process_switch_ticks = 1;
    let (_, r) = run(&s);
    assert_eq!(r.metrics.threads[1].completion, Some(4));
    assert_eq!(r.metrics.context_switches, 0);
    assert!(r.trace.unwrap().intervals.iter().filter(|i| i.tid == 1).all(|i| i.cpu == 1));
}

/// The policies labelled "(one CPU)", process-run, x86.py's and a script without a schedule, run
/// one thread at a time on a machine of several CPUs, on CPU 0, the other CPUs idle: the run on
/// 2 or 4 CPUs is the run on one. (Before, x86's and the scripted policy ran a thread on every
/// CPU, two threads at once under a label that says one CPU.)
#[test]
fn one_cpu_policies_run_one_thread_at_a_time_on_any_machine() {
    use threadlab::model::scenario::SchedulerSpec;
    use threadlab::model::scheduler::X86Spec;
    let inc = "loop 3\nload r0, counter\nadd r0, 1\nstore r0, counter\nend";
    let mut p = job("p", 0, inc);
    p.variables.insert("counter".into(), 0);
    p.threads.push(thread("b", inc));
    p.threads.push(thread("c", "compute 2\nio 3\ncompute 2"));
    let x86 = |random_seed| SchedulerSpec::from(X86Spec { interval: 2, random_seed, schedule: Default::default() });
    let policies = [
        (SchedulerSpec::of(Policy::ProcessRun, None), "process_run"),
        (x86(None), "x86"),
        (x86(Some(3)), "x86 -r -s 3"),
        (SchedulerSpec::of(Policy::Scripted, None), "scripted"),
    ];
    for (spec, name) in policies {
        assert!(spec.policy().one_cpu(), "{name}");
        let mut one = scenario(1, Policy::Fcfs, None, vec![p.clone()]);
        one.scheduler = spec.clone();
        let (_, r1) = run(&one);
        let runs = |r: &threadlab::model::RunResult| -> Vec<(usize, usize, u64, u64)> {
            let t = r.trace.as_ref().unwrap();
            t.intervals.iter().filter(|i| i.kind == IntervalKind::Run).map(|i| (i.cpu, i.tid, i.start, i.end)).collect()
        };
        for cpus in [2, 4] {
            let mut many = one.clone();
            many.machine.cpus = cpus;
            let (_, r) = run(&many);
            assert_eq!(r.outcome, Outcome::Completed, "{name} on {cpus} CPUs");
            assert_eq!(runs(&r), runs(&r1), "{name} on {cpus} CPUs runs as on one");
            assert_eq!(var(&r, 0, "counter"), var(&r1, 0, "counter"), "{name}");
            assert!(r.metrics.cpus[1..].iter().all(|c| c.busy == 0), "{name} on {cpus} CPUs: {:?}", r.metrics.cpus);
        }
    }
    // The label says so exactly for these.
    for p in Policy::ALL {
        assert_eq!(p.one_cpu(), p.label().contains("(one CPU)"), "{}", p.key());
    }
}
