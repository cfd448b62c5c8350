//! Priority scheduling on the textbook's examples, every number worked by hand; pre-emption,
//! round robin among equals, aging, ties, priority changes, and its parameters' errors.

mod common;
use common::*;
use threadlab::model::scenario::{Policy, ProcessSpec, SchedulerSpec, TieRule};
use threadlab::model::scheduler::{
    AgingSpec, Ctx, LeaveReason, MostUrgent, OnCpu, Priority, PrioritySpec, ReadyReason, SchedAttrs, SchedRng,
    Scheduler,
};
use threadlab::model::timers::Timers;
use threadlab::model::{Outcome, RunResult, Scenario};

/// A one-thread process with a priority.
fn pjob(name: &str, arrival: u64, priority: i64, code: &str) -> ProcessSpec {
    ProcessSpec { priority: Some(priority), ..job(name, arrival, code) }
}

fn with(spec: PrioritySpec, cpus: u32, jobs: Vec<ProcessSpec>) -> Scenario {
    let mut s = scenario(cpus, Policy::Priority, None, jobs);
    s.scheduler = SchedulerSpec::from(spec);
    s
}

fn completions(r: &RunResult) -> Vec<u64> {
    r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect()
}

fn aging(every: u64, step: u64) -> Option<AgingSpec> {
    Some(AgingSpec { every, step })
}

/// Silberschatz, Galvin, Gagne, *Operating System Concepts* (10th ed.), §5.3.4: (burst,
/// priority) P1 (10, 3), P2 (1, 1), P3 (2, 4), P4 (1, 5), P5 (5, 2), all at 0, lower number
/// more urgent. Gantt: P2 0–1, P5 1–6, P1 6–16, P3 16–18, P4 18–19. Waiting 6, 0, 16, 18, 1:
/// average 41 / 5 = 8.2.
#[test]
fn silberschatz_priority_example() {
    let jobs = vec![
        pjob("P1", 0, 3, "compute 10"),
        pjob("P2", 0, 1, "compute 1"),
        pjob("P3", 0, 4, "compute 2"),
        pjob("P4", 0, 5, "compute 1"),
        pjob("P5", 0, 2, "compute 5"),
    ];
    let (_, r) = run(&scenario(1, Policy::Priority, None, jobs));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(completions(&r), [16, 1, 18, 19, 6]);
    let waiting: Vec<u64> = r.metrics.threads.iter().map(|t| t.waiting).collect();
    assert_eq!(waiting, [6, 0, 16, 18, 1]);
    assert_eq!(r.metrics.averages.as_ref().unwrap().waiting, 8.2);
}

/// Silberschatz §5.3.4, priority with round robin, quantum 2: (burst, priority) P1 (4, 3),
/// P2 (5, 2), P3 (8, 2), P4 (7, 1), P5 (3, 3), all at 0. P4 is alone at priority 1 and runs
/// 0–7 (picked again at each quantum, no switch). P2 and P3 alternate: P2 7–9, P3 9–11,
/// P2 11–13, P3 13–15, P2 15–16 (done, 5 ticks), P3 16–20 (done, 8). Then P1 and P5: P1 20–22,
/// P5 22–24, P1 24–26 (done), P5 26–27 (done). Ten context switches (P3's two quanta 16–20 are
/// back to back). Waiting = completion − burst: 22, 11, 12, 0, 24, average 69 / 5 = 13.8.
#[test]
fn silberschatz_priority_round_robin_example() {
    let jobs = vec![
        pjob("P1", 0, 3, "compute 4"),
        pjob("P2", 0, 2, "compute 5"),
        pjob("P3", 0, 2, "compute 8"),
        pjob("P4", 0, 1, "compute 7"),
        pjob("P5", 0, 3, "compute 3"),
    ];
    let (_, r) = run(&with(PrioritySpec { quantum: Some(2), ..PrioritySpec::default() }, 1, jobs));
    assert_eq!(completions(&r), [26, 16, 20, 7, 27]);
    assert_eq!(r.metrics.context_switches, 10);
    assert_eq!(r.metrics.averages.as_ref().unwrap().waiting, 13.8);
}

/// A (priority 5, 10 ticks) at 0, B (priority 1, 4 ticks) at 3. Pre-emptive (the default): B
/// takes the CPU at 3, runs 3–7, A resumes 7–14. Non-pre-emptive: A 0–10, B 10–14.
#[test]
fn a_more_urgent_arrival_preempts_only_when_preemptive() {
    let jobs = vec![pjob("A", 0, 5, "compute 10"), pjob("B", 3, 1, "compute 4")];
    let (_, r) = run(&with(PrioritySpec::default(), 1, jobs.clone()));
    assert_eq!(completions(&r), [14, 7]);
    assert_eq!(r.metrics.threads[1].response, Some(0));
    let (_, r) = run(&with(PrioritySpec { preemptive: false, ..PrioritySpec::default() }, 1, jobs));
    assert_eq!(completions(&r), [10, 14]);
    assert_eq!(r.metrics.threads[1].response, Some(7));
}

/// An equally urgent newcomer waits: A and B both priority 2, A 0–10, B (at 3) 10–14.
#[test]
fn an_equal_arrival_does_not_preempt() {
    let jobs = vec![pjob("A", 0, 2, "compute 10"), pjob("B", 3, 2, "compute 4")];
    let (_, r) = run(&with(PrioritySpec::default(), 1, jobs));
    assert_eq!(completions(&r), [10, 14]);
}

/// With `most_urgent: highest`, the same numbers mean the opposite: A (priority 5) is now the
/// more urgent and keeps the CPU; B (1) runs after it: A 0–10, B 10–14. With the default,
/// B pre-empts A (as in the test above).
#[test]
fn higher_numbers_can_be_the_more_urgent() {
    let jobs = vec![pjob("A", 0, 5, "compute 10"), pjob("B", 3, 1, "compute 4")];
    let (_, r) = run(&with(PrioritySpec { most_urgent: MostUrgent::Highest, ..PrioritySpec::default() }, 1, jobs));
    assert_eq!(completions(&r), [10, 14]);
}

/// On two CPUs a newcomer takes the CPU of the least urgent running thread: A (3) on CPU 0,
/// B (5) on CPU 1 from 0; C (1) at 2 pre-empts B: C 2–5, B 5–13; A 0–10.
#[test]
fn preempts_the_least_urgent_running_thread() {
    let jobs = vec![pjob("A", 0, 3, "compute 10"), pjob("B", 0, 5, "compute 10"), pjob("C", 2, 1, "compute 3")];
    let (_, r) = run(&with(PrioritySpec::default(), 2, jobs));
    assert_eq!(completions(&r), [10, 13, 5]);
}

/// Equal priorities go first come, first served: A (1) 0–5; B (ready at 1) and C (at 2) have
/// priority 2: B 5–8 (though C has the lower thread id), C 8–11.
#[test]
fn equal_priorities_go_in_ready_order() {
    let jobs = vec![pjob("A", 0, 1, "compute 5"), pjob("C", 2, 2, "compute 3"), pjob("B", 1, 2, "compute 3")];
    let (_, r) = run(&with(PrioritySpec::default(), 1, jobs));
    assert_eq!(completions(&r), [5, 11, 8]);
}

/// Quantum 2: A's slice ends at 2, the instant B (same priority) arrives. Arrivals first: B
/// queues ahead of A: B 2–4, A 4–6. Pre-empted first: A 2–4, B 4–6.
#[test]
fn the_tie_rule_orders_a_slice_end_and_an_arrival() {
    let jobs = vec![pjob("A", 0, 1, "compute 4"), pjob("B", 2, 1, "compute 2")];
    let rr = PrioritySpec { quantum: Some(2), ..PrioritySpec::default() };
    let (_, r) = run(&with(rr.clone(), 1, jobs.clone()));
    assert_eq!(completions(&r), [6, 4]);
    let (_, r) = run(&with(PrioritySpec { tie: TieRule::PreemptedFirst, ..rr }, 1, jobs));
    assert_eq!(completions(&r), [4, 6]);
}

/// Aging, non-pre-emptive, every 2 ticks by 1. H1 (1) and L (5) at 0, H2 (1) at 9.
/// Without aging L starves behind both: H1 0–10, H2 10–20, L 20–25.
/// With aging, at 10 L has waited 10 ticks: 5 − ⌊10/2⌋ = 0; H2 has waited 1: 1 − 0 = 1; so
/// L 10–15, then H2 15–25.
#[test]
fn aging_lets_a_waiting_thread_overtake() {
    let jobs = vec![pjob("H1", 0, 1, "compute 10"), pjob("L", 0, 5, "compute 5"), pjob("H2", 9, 1, "compute 10")];
    let plain = PrioritySpec { preemptive: false, ..PrioritySpec::default() };
    let (_, r) = run(&with(plain.clone(), 1, jobs.clone()));
    assert_eq!(completions(&r), [10, 25, 20]);
    let (_, r) = run(&with(PrioritySpec { aging: aging(2, 1), ..plain }, 1, jobs));
    assert_eq!(completions(&r), [10, 15, 25]);
}

/// Aging, pre-emptive, every 4 ticks by 1: H (1, 30 ticks) and L (4, 5 ticks) at 0. L's
/// effective priority is 4 − ⌊t/4⌋: 1 at t = 12 (equal: no pre-emption), 0 at t = 16, strictly
/// more urgent than H, so a kernel timer pre-empts H at 16 exactly: L 16–21, H resumes 21–35
/// (14 ticks left). Non-pre-emptive, L waits for H to finish: H 0–30, L 30–35.
/// Step 2: L reaches 4 − 2·2 = 0 < 1 at t = 8 and runs with rank 0; H, waiting from 8, reaches
/// 1 − 2 = −1 < 0 at 12 and takes the CPU back with rank −1; L, waiting from 12, reaches
/// 4 − 2·3 = −2 < −1 at 24 (H has run 8 + 12 = 20); L ends at 25 (1 tick left), before H
/// (from 24) could reach −3 at 32; H 25–35. Four context switches.
#[test]
fn an_aged_thread_preempts_at_the_right_tick() {
    let jobs = vec![pjob("H", 0, 1, "compute 30"), pjob("L", 0, 4, "compute 5")];
    let (_, r) = run(&with(PrioritySpec { aging: aging(4, 1), ..PrioritySpec::default() }, 1, jobs.clone()));
    assert_eq!(completions(&r), [35, 21]);
    assert_eq!(r.metrics.threads[1].first_run, Some(16));
    let (_, r) = run(&with(PrioritySpec { aging: aging(4, 2), ..PrioritySpec::default() }, 1, jobs.clone()));
    assert_eq!(completions(&r), [35, 25]);
    assert_eq!((r.metrics.threads[1].first_run, r.metrics.context_switches), (Some(8), 4));
    let spec = PrioritySpec { preemptive: false, aging: aging(4, 1), ..PrioritySpec::default() };
    let (_, r) = run(&with(spec, 1, jobs));
    assert_eq!(completions(&r), [30, 35]);
}

/// A thread competes with the priority it was dispatched with, and ages afresh when it next
/// waits. Every 4 by 1, pre-emptive: H (1, 30 ticks), L1 and L2 (4, 10 ticks each) at 0.
/// H runs from 0. At 16 L1 and L2 both reach 0 < 1: L1 (first in the queue) pre-empts H and
/// runs with rank 0. H (rank 1 from 16) and L2 (0, still aging: −1 at 20, −2 at 24) wait;
/// at 20 L2 reaches −1 < 0 and pre-empts L1 (4 of 10 done). L1 rejoins at 20 with rank 4.
/// L2 runs with rank −1: H (1 − ⌊(t−16)/4⌋) reaches −2 < −1 at 28 and pre-empts L2 (8 done);
/// L1 (4 − ⌊(t−20)/4⌋) would need until 44.
/// H runs from 28 with rank −2; L1 would pass it (−3) at 48, L2 (since 28) at 56, but H has
/// 30 − 16 = 14 left at 28 and ends at 42 first. Then L1 (rank at 42: 4 − ⌊22/4⌋ = −1) beats
/// L2 (4 − ⌊14/4⌋ = 1): L1 42–48 (6 left), L2 48–50 (2 left).
#[test]
fn aging_credit_is_spent_on_dispatch() {
    let jobs = vec![pjob("H", 0, 1, "compute 30"), pjob("L1", 0, 4, "compute 10"), pjob("L2", 0, 4, "compute 10")];
    let (_, r) = run(&with(PrioritySpec { aging: aging(4, 1), ..PrioritySpec::default() }, 1, jobs));
    assert_eq!(completions(&r), [42, 48, 50]);
    assert_eq!(r.metrics.threads[1].first_run, Some(16));
    assert_eq!(r.metrics.threads[2].first_run, Some(20));
}

fn ctx_parts(priorities: &[i64]) -> (SchedRng, Timers, Vec<SchedAttrs>) {
    let attrs = priorities.iter().map(|&priority| SchedAttrs { priority, ..SchedAttrs::default() }).collect();
    (SchedRng::new(1), Timers::default(), attrs)
}

/// `on_priority_change` (e.g. priority inheritance): a ready thread moves in the queue, keeping
/// its place among equals; a running thread competes with its new priority.
#[test]
fn a_priority_change_reorders_the_queue_and_preemption() {
    let (mut rng, mut timers, attrs) = ctx_parts(&[1, 3, 5, 3]);
    let mut ctx = Ctx::new(0, &mut rng, &mut timers, &attrs, &[]);
    let mut p = Priority::new(&PrioritySpec::default());
    for tid in 0..4 {
        p.on_ready(tid, ReadyReason::Arrived, &mut ctx);
    }
    assert_eq!(p.queue(10), [0, 1, 3, 2]);
    p.on_priority_change(2, 3, &mut ctx);
    assert_eq!(p.queue(10), [0, 1, 2, 3], "tid 2 joined before tid 3, so it goes first among the 3s");
    assert_eq!(p.pick(0, &mut ctx), Some(0));
    // Running: tid 0 (1); ready: 1, 2, 3 (all 3). No pre-emption until tid 0 drops to 4.
    let running = [OnCpu { cpu: 0, tid: 0, ran: 0 }];
    assert_eq!(p.preempt(&running, &mut ctx), None);
    p.on_priority_change(0, 4, &mut ctx);
    assert_eq!(p.preempt(&running, &mut ctx), Some(0));
    p.on_leave(0, 0, 0, LeaveReason::Preempted, &mut ctx);
    p.on_ready(0, ReadyReason::Preempted, &mut ctx);
    assert_eq!(p.queue(10), [1, 2, 3, 0], "the changed priority stays");
}

/// The policy is on the menu, its spec survives JSON, and `--quantum` (the CLI's and the page's
/// quantum edit) turns on round robin among equals.
#[test]
fn the_spec_reads_and_writes_naturally() {
    assert_eq!(Policy::from_key("priority"), Some(Policy::Priority));
    let json = r#"{"format":2,"name":"x","scheduler":{"policy":"priority","preemptive":false,"most_urgent":"highest","quantum":2,"aging":{"every":10}},"processes":[{"name":"p","threads":[{"name":"m","code":"compute 1"}]}]}"#;
    let s = Scenario::from_json(json).unwrap();
    let want = PrioritySpec {
        preemptive: false,
        most_urgent: MostUrgent::Highest,
        quantum: Some(2),
        aging: aging(10, 1),
        tie: TieRule::ArrivalsFirst,
    };
    assert_eq!(s.scheduler, SchedulerSpec::from(want));
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    let mut plain = SchedulerSpec::of(Policy::Priority, Some(7));
    assert_eq!(plain.quantum(), None, "plain priority has no time slice");
    plain.set_quantum(3).unwrap();
    assert_eq!(plain.quantum(), Some(3));
    assert!(plain.set_quantum(0).is_err());
}

fn error(scheduler: &str) -> threadlab::model::ScenarioError {
    let json = format!(
        r#"{{"format":2,"name":"x","scheduler":{scheduler},"processes":[{{"name":"p","threads":[{{"name":"m","code":"compute 1"}}]}}]}}"#
    );
    match Scenario::from_json(&json) {
        Err(e) => e,
        Ok(s) => threadlab::model::run(&s).map(|_| ()).expect_err("expected an error"),
    }
}

#[test]
fn every_parameter_error_says_where() {
    let e = error(r#"{"policy":"priority","quantum":0}"#);
    assert_eq!(e.to_string(), "scheduler.quantum: must be at least 1 µs (leave it out for no round robin)");
    let e = error(r#"{"policy":"priority","aging":{"every":0}}"#);
    assert_eq!(e.to_string(), "scheduler.aging.every: must be at least 1 µs");
    let e = error(r#"{"policy":"priority","aging":{"every":5,"step":0}}"#);
    assert_eq!(e.path, "scheduler.aging.step");
    let e = error(r#"{"policy":"priority","aging":{"step":1}}"#);
    assert_eq!(e.path, "scheduler.aging.every");
    assert!(e.message.contains("`every` is missing from `scheduler.aging`"), "{}", e.message);
    let e = error(r#"{"policy":"priority","aging":{"every":5,"by":1}}"#);
    assert_eq!(e.path, "scheduler.aging.by");
    let e = error(r#"{"policy":"priority","most_urgent":"middle"}"#);
    assert_eq!(e.path, "scheduler.most_urgent");
    assert!(e.message.contains("`lowest`") && e.message.contains("`highest`"), "{}", e.message);
    let e = error(r#"{"policy":"priority","preemptive":"yes"}"#);
    assert_eq!(e.path, "scheduler.preemptive");
    let e = error(r#"{"policy":"priority","tie":"random"}"#);
    assert_eq!(e.path, "scheduler.tie");
    let e = error(r#"{"policy":"priority","alpha":1}"#);
    assert_eq!(e.path, "scheduler.alpha");
}
