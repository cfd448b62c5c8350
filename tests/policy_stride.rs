//! Stride scheduling: OSTEP ch. 9's figure 9.3 table, partial quanta, newcomers and sleepers,
//! and the tie rule; every number worked by hand.

mod common;
use common::*;
use rand::SeedableRng;
use threadlab::model::scenario::{Policy, ProcessSpec, Scenario, SchedulerSpec};
use threadlab::model::scheduler::{
    Ctx, LeaveReason, PassTie, PolicySpec, ReadyReason, SchedAttrs, SchedRng, Scheduler, Stride, StrideSpec,
};
use threadlab::model::timers::Timers;
use threadlab::model::trace::IntervalKind;
use threadlab::model::{RunResult, Ticks};

fn with_tickets(mut p: ProcessSpec, tickets: u64) -> ProcessSpec {
    p.tickets = Some(tickets);
    p
}

/// What the kernel lends a policy, for driving one by hand.
struct Kernel {
    rng: SchedRng,
    timers: Timers,
    attrs: Vec<SchedAttrs>,
    bursts: Vec<Ticks>,
}

impl Kernel {
    fn with_tickets(tickets: &[u64]) -> Self {
        let attrs = tickets.iter().map(|&tickets| SchedAttrs { tickets, ..Default::default() }).collect();
        Kernel { rng: SchedRng::seed_from_u64(0), timers: Timers::default(), attrs, bursts: vec![0; tickets.len()] }
    }
    fn ctx(&mut self, now: Ticks) -> Ctx<'_> {
        Ctx::new(now, &mut self.rng, &mut self.timers, &self.attrs, &self.bursts)
    }
}

/// Intervals of running as (tid, start), in time order.
fn runs(r: &RunResult) -> Vec<(usize, u64)> {
    let mut v: Vec<_> = (r.trace.as_ref().unwrap().intervals.iter())
        .filter(|i| i.kind == IntervalKind::Run)
        .map(|i| (i.tid, i.start))
        .collect();
    v.sort_by_key(|&(tid, start)| (start, tid));
    v
}

/// OSTEP figure 9.3: A, B, C hold 100, 50 and 250 tickets; with 10,000 as the large number their
/// strides are 100, 200 and 40. Each row: the passes before the pick, and who runs (the lowest
/// pass; A before B at 0 by thread id). The book's table, row by row.
#[test]
fn ostep_figure_9_3() {
    let mut k = Kernel::with_tickets(&[100, 50, 250]);
    let mut s = Stride::new(&StrideSpec::with_defaults(10));
    for tid in 0..3 {
        s.on_ready(tid, ReadyReason::Arrived, &mut k.ctx(0));
    }
    let table: [([u128; 3], usize); 9] = [
        ([0, 0, 0], 0),
        ([100, 0, 0], 1),
        ([100, 200, 0], 2),
        ([100, 200, 40], 2),
        ([100, 200, 80], 2),
        ([100, 200, 120], 0),
        ([200, 200, 120], 2),
        ([200, 200, 160], 2),
        ([200, 200, 200], 0),
    ];
    for (row, (passes, runs)) in table.into_iter().enumerate() {
        let now = 10 * row as u64;
        assert_eq!([s.pass_of(0), s.pass_of(1), s.pass_of(2)], passes, "row {row}");
        let picked = s.pick(0, &mut k.ctx(now)).unwrap();
        assert_eq!(picked, runs, "row {row}");
        s.slice(picked, 0, &mut k.ctx(now));
        s.on_leave(picked, 0, 10, LeaveReason::SliceExpired, &mut k.ctx(now + 10));
        s.on_ready(picked, ReadyReason::Preempted, &mut k.ctx(now + 10));
    }
}

/// The same through the kernel, 10-tick quanta: A B C C C A C C A from t = 0 in steps of 10.
#[test]
fn ostep_figure_9_3_in_a_run() {
    let jobs = vec![
        with_tickets(job("A", 0, "compute 1000"), 100),
        with_tickets(job("B", 0, "compute 1000"), 50),
        with_tickets(job("C", 0, "compute 1000"), 250),
    ];
    let mut s = scenario(1, Policy::Stride, Some(10), jobs);
    s.limits.max_time = 90;
    let (_, r) = run(&s);
    let order: Vec<_> = runs(&r).into_iter().take(9).collect();
    assert_eq!(order, vec![(0, 0), (1, 10), (2, 20), (2, 30), (2, 40), (0, 50), (2, 60), (2, 70), (0, 80)]);
}

/// A partial quantum counts in proportion: A (stride 100) runs 5 of its 10 ticks and blocks:
/// its pass is 100 × 5 / 10 = 50; B (stride 200) runs 3: 60.
#[test]
fn a_partial_quantum_advances_the_pass_in_proportion() {
    let mut k = Kernel::with_tickets(&[100, 50]);
    let mut s = Stride::new(&StrideSpec::with_defaults(10));
    s.on_ready(0, ReadyReason::Arrived, &mut k.ctx(0));
    s.on_ready(1, ReadyReason::Arrived, &mut k.ctx(0));
    assert_eq!(s.pick(0, &mut k.ctx(0)), Some(0));
    s.on_leave(0, 0, 5, LeaveReason::Blocked, &mut k.ctx(5));
    assert_eq!(s.pick(0, &mut k.ctx(5)), Some(1));
    s.on_leave(1, 0, 3, LeaveReason::Blocked, &mut k.ctx(8));
    assert_eq!((s.pass_of(0), s.pass_of(1)), (50, 60));
}

/// A newcomer joins at the least pass, not at 0. A and B (100 tickets, stride 100) alternate in
/// 10-tick quanta, A first; at 1000 each has run 50 quanta (pass 5000) and C arrives. At 0 it
/// would run 30 ticks straight (1000–1030); at 5000 it takes its turn after A and B (ties by
/// thread id): C runs 1020–1030, 1050–1060, 1080–1090 and ends at 1090.
#[test]
fn a_newcomer_cannot_monopolise_the_cpu() {
    let jobs = vec![
        with_tickets(job("A", 0, "compute 2000"), 100),
        with_tickets(job("B", 0, "compute 2000"), 100),
        with_tickets(job("C", 1000, "compute 30"), 100),
    ];
    let (_, r) = run(&scenario(1, Policy::Stride, Some(10), jobs));
    let c: Vec<u64> = runs(&r).into_iter().filter(|&(t, _)| t == 2).map(|(_, s)| s).collect();
    assert_eq!(c, vec![1020, 1050, 1080]);
    assert_eq!(r.metrics.threads[2].completion, Some(1090));
}

/// A sleeper keeps no credit. A and B (stride 100): A 0–10, B 10–20 then sleeps until 520 with
/// pass 100; A runs alone to pass 5100 (51 quanta by 520). Waking, B is raised to 5100, the
/// floor, and alternates with A (A first by thread id): B runs 530–540, 550–560, 570–580, and
/// ends at 580 instead of running 520–550 straight.
#[test]
fn a_sleeper_keeps_no_credit() {
    let jobs = vec![
        with_tickets(job("A", 0, "compute 1000"), 100),
        with_tickets(job("B", 0, "compute 10\nio 500\ncompute 30"), 100),
    ];
    let (_, r) = run(&scenario(1, Policy::Stride, Some(10), jobs));
    let b: Vec<u64> = runs(&r).into_iter().filter(|&(t, _)| t == 1).map(|(_, s)| s).collect();
    assert_eq!(b, vec![10, 530, 550, 570]);
    assert_eq!(r.metrics.threads[1].completion, Some(580));
}

/// Equal passes: A (100 tickets, stride 100) and B (50, stride 200). A 0–10 (A 100), B 10–20
/// (B 200), A 20–30 (A 200): at 30 both have pass 200, B queued since 20 and A since 30. By
/// thread id A runs 30–40; first in, first out, B does.
#[test]
fn equal_passes_go_by_the_tie_rule() {
    let jobs = || vec![with_tickets(job("A", 0, "compute 100"), 100), with_tickets(job("B", 0, "compute 100"), 50)];
    let at_30 = |tie: PassTie| {
        let mut s: Scenario = scenario(1, Policy::Stride, Some(10), jobs());
        s.scheduler = StrideSpec { pass_tie: tie, ..StrideSpec::with_defaults(10) }.into();
        let (_, r) = run(&s);
        runs(&r).into_iter().find(|&(_, start)| start == 30).unwrap().0
    };
    assert_eq!(at_30(PassTie::ThreadId), 0);
    assert_eq!(at_30(PassTie::Fifo), 1);
}

#[test]
fn parameters_are_checked_and_located() {
    let json = |sched: &str| {
        format!(
            r#"{{"format":2,"name":"x","scheduler":{sched},"processes":[{{"name":"p","threads":[{{"name":"main","code":"compute 3"}}]}}]}}"#
        )
    };
    let err = |sched: &str| threadlab::model::run(&Scenario::from_json(&json(sched)).unwrap()).map(|_| ()).unwrap_err();
    assert_eq!(err(r#"{"policy":"stride","quantum":0}"#).path, "scheduler.quantum");
    assert_eq!(err(r#"{"policy":"stride","quantum":5,"stride1":0}"#).path, "scheduler.stride1");
    let e = Scenario::from_json(&json(r#"{"policy":"stride","quantum":5,"pass_tie":"random"}"#)).unwrap_err();
    assert_eq!(e.path, "scheduler.pass_tie");
    let s = Scenario::from_json(&json(r#"{"policy":"stride","quantum":5,"stride1":1000,"pass_tie":"fifo"}"#)).unwrap();
    assert_eq!(s.scheduler, SchedulerSpec::from(StrideSpec { quantum: 5, stride1: 1000, pass_tie: PassTie::Fifo }));
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
}
