//! The CFS-like fair scheduler: weights from nice values, slices, placement of sleepers,
//! wake-up pre-emption; every number worked by hand (1 tick = 1 µs, so OSTEP's 48 ms target
//! latency is 48,000 ticks and its 6 ms minimum granularity 6,000).

mod common;
use common::*;
use rand::SeedableRng;
use threadlab::model::scenario::{Policy, ProcessSpec, Scenario, SchedulerSpec};
use threadlab::model::scheduler::cfs::{NICE_TO_WEIGHT, weight_of_nice};
use threadlab::model::scheduler::{Cfs, CfsSpec, Ctx, LeaveReason, ReadyReason, SchedAttrs, SchedRng, Scheduler};
use threadlab::model::timers::Timers;
use threadlab::model::trace::IntervalKind;
use threadlab::model::{Outcome, RunResult, Ticks};

fn with_nice(mut p: ProcessSpec, nice: i32) -> ProcessSpec {
    p.nice = Some(nice);
    p
}

fn run_cfs(spec: CfsSpec, jobs: Vec<ProcessSpec>, max_time: Option<Ticks>) -> RunResult {
    let mut s: Scenario = scenario(1, Policy::Cfs, None, jobs);
    s.scheduler = spec.into();
    if let Some(t) = max_time {
        s.limits.max_time = t;
    }
    run(&s).1
}

/// Run intervals of `tid` as (start, end), in time order.
fn runs_of(r: &RunResult, tid: usize) -> Vec<(u64, u64)> {
    let mut v: Vec<_> = (r.trace.as_ref().unwrap().intervals.iter())
        .filter(|i| i.kind == IntervalKind::Run && i.tid == tid)
        .map(|i| (i.start, i.end))
        .collect();
    v.sort();
    v
}

/// Linux's table (kernel/sched/core.c, `sched_prio_to_weight`): nice 0 weighs 1024, nice 5 335,
/// the ends 88761 (−20) and 15 (19); each nice level is about 1.25 times the next ("10% CPU per
/// nice level").
#[test]
fn nice_values_weigh_as_in_linux() {
    assert_eq!([weight_of_nice(-20), weight_of_nice(0), weight_of_nice(5), weight_of_nice(19)], [88761, 1024, 335, 15]);
    assert_eq!(weight_of_nice(-99), 88761); // clamped
    for pair in NICE_TO_WEIGHT.windows(2) {
        let ratio = pair[0] as f64 / pair[1] as f64;
        assert!((1.2..1.3).contains(&ratio), "{pair:?}");
    }
}

/// vruntime grows by ran × 1024 / weight: 335 ticks at nice 5 (weight 335) are 1024 virtual
/// ticks; at nice 0, 335; 3121 ticks at nice −5 (3121), 1024. Without the start debit each
/// starts at 0.
#[test]
fn vruntime_grows_by_ran_times_1024_over_weight() {
    for (nice, ran, expected) in [(5, 335, 1024), (0, 335, 335), (-5, 3121, 1024)] {
        let attrs = vec![SchedAttrs { nice, ..Default::default() }];
        let (mut rng, mut timers, bursts) = (SchedRng::seed_from_u64(0), Timers::default(), vec![0]);
        let mut cfs = Cfs::new(&CfsSpec { start_debit: false, ..CfsSpec::default() });
        let mut at = |now: Ticks, f: &mut dyn FnMut(&mut Cfs, &mut Ctx<'_>)| {
            f(&mut cfs, &mut Ctx::new(now, &mut rng, &mut timers, &attrs, &bursts));
        };
        at(0, &mut |c, ctx| c.on_ready(0, ReadyReason::Arrived, ctx));
        at(0, &mut |c, ctx| assert_eq!(c.pick(0, ctx), Some(0)));
        at(0, &mut |c, ctx| _ = c.slice(0, 0, ctx));
        at(ran, &mut |c, ctx| c.on_leave(0, 0, ran, LeaveReason::SliceExpired, ctx));
        assert_eq!(cfs.vruntime_of(0), expected, "nice {nice}");
    }
}

/// Two CPU-bound threads, nice 0 (A, weight 1024) and nice 5 (B, 335): total 1359.
/// Slices: A 48,000 × 1024 / 1359 = 36,167.8 → 36,167 ticks, B 48,000 × 335 / 1359 = 11,832.2
/// → 11,832. Placement with the start debit: A at 0 + 48,000 (its slice alone), B at
/// min_vruntime 48,000 + its virtual slice 11,832 × 1024 / 335 = 36,167.07 → 84,167.07. A runs
/// 0–36,167 (vruntime 84,167, still 0.07 below B's) and again 36,167–72,334 (120,334); B runs
/// 72,334–84,166 (120,334.14), A 84,166–120,333, B 120,333–132,165, and so on: each turn adds
/// 36,167 to A's vruntime and 36,167.07 to B's, so they alternate for the whole run.
/// Over 48,000,000 ticks the CPU splits 36,167 : 11,832 per turn, i.e. 1024 : 335 up to
/// rounding; with A's extra first slice and the last slice cut by the end, A has 36,167,000
/// ticks and B 11,820,168: A's share 0.75368 against 1024 / 1359 = 0.75350. The tolerance 0.002
/// covers one slice more or less (36,167 / 48,000,000 < 0.001) and the rounding (under 10⁻⁵).
#[test]
fn cpu_follows_the_weights() {
    let jobs = vec![with_nice(job("A", 0, "compute 1000000000"), 0), with_nice(job("B", 0, "compute 1000000000"), 5)];
    let r = run_cfs(CfsSpec::default(), jobs, Some(48_000_000));
    assert!(matches!(r.outcome, Outcome::BudgetExceeded { .. }));
    assert_eq!(runs_of(&r, 0)[..3], [(0, 36_167), (36_167, 72_334), (84_166, 120_333)]);
    assert_eq!(runs_of(&r, 1)[..2], [(72_334, 84_166), (120_333, 132_165)]);
    assert_eq!((r.metrics.threads[0].cpu_time, r.metrics.threads[1].cpu_time), (36_167_000, 11_820_168));
    let (a, b) = (r.metrics.threads[0].cpu_time as f64, r.metrics.threads[1].cpu_time as f64);
    let share = a / (a + b);
    assert!((share - 1024.0 / 1359.0).abs() < 0.002, "A's share {share}");
}

/// A CPU-bound (1,000,000) and B, which runs 1 tick, sleeps 100,000, then needs 50,000, both
/// nice 0 from t=0.
fn sleeper_jobs() -> Vec<ProcessSpec> {
    vec![job("A", 0, "compute 1000000"), job("B", 0, "compute 1\nio 100000\ncompute 50000")]
}

/// Placement of a sleeper (Linux's `place_entity`, `GENTLE_FAIR_SLEEPERS`: at most half the
/// target latency, 24,000, below min_vruntime). Worked through:
/// - t=0: A placed at 48,000 (start debit: its 48,000 slice alone), B at 48,000 + 24,000 (its
///   slice beside A) = 72,000. A runs its slice 24,000 (48,000 × 1024 / 2048): vruntime 72,000,
///   equal to B's; B queued first, so B runs 24,000–24,001 and sleeps, at 72,001.
/// - A alone, slices of 48,000: 24,001–72,001, 72,001–120,001, 120,001–; at 124,001 its
///   vruntime is 168,000 + 4,000 = 172,000 = min_vruntime.
/// - B wakes at 124,001: max(72,001, 172,000 − 24,000) = 148,000. A is 24,000 ahead, more than
///   the 1,000 wake-up granularity: B takes the CPU at once and runs its slice 124,001–148,001
///   (vruntime 172,000, equal to A's; A re-queued first runs 148,001–172,001), then B
///   172,001–196,001, A 196,001–220,001, and B's last 2,000 ticks 220,001–222,001.
#[test]
fn a_woken_sleeper_is_placed_half_a_latency_back_and_preempts() {
    let r = run_cfs(CfsSpec::default(), sleeper_jobs(), None);
    assert_eq!(runs_of(&r, 1), vec![(24_000, 24_001), (124_001, 148_001), (172_001, 196_001), (220_001, 222_001)]);
    assert_eq!(r.metrics.threads[1].completion, Some(222_001));
}

/// With `sleeper_credit` 0 (OSTEP: a woken job gets "the minimum value found in the tree"), B
/// wakes at 124,001 with A's 172,000: not ahead, so no pre-emption; A ends its slice at 168,001
/// (vruntime 216,000), then B runs 168,001–192,001 and 192,001–216,001 (vruntime 220,000),
/// A 216,001–240,001, B's last 2,000 ticks 240,001–242,001.
#[test]
fn without_sleeper_credit_a_sleeper_joins_at_min_vruntime() {
    let r = run_cfs(CfsSpec { sleeper_credit: Some(0), ..CfsSpec::default() }, sleeper_jobs(), None);
    assert_eq!(runs_of(&r, 1)[1..], [(168_001, 192_001), (192_001, 216_001), (240_001, 242_001)]);
    assert_eq!(r.metrics.threads[1].completion, Some(242_001));
}

/// With a wake-up granularity of 30,000 ticks, B's 24,000 lead is not enough to pre-empt: it
/// waits for A's slice to end at 168,001 but keeps its lead (148,000 against A's 216,000), so it
/// runs 168,001–192,001, 192,001–216,001 and 216,001–218,001 straight.
#[test]
fn the_wakeup_granularity_holds_back_a_small_lead() {
    let r = run_cfs(CfsSpec { wakeup_granularity: 30_000, ..CfsSpec::default() }, sleeper_jobs(), None);
    assert_eq!(runs_of(&r, 1)[1..], [(168_001, 192_001), (192_001, 216_001), (216_001, 218_001)]);
    assert_eq!(r.metrics.threads[1].completion, Some(218_001));
}

/// Ten equal CPU-bound threads: 48,000 / 10 = 4,800 is below the 6,000 minimum granularity, so
/// every slice is 6,000. Without the start debit all start at vruntime 0 and run in arrival
/// order: T0…T9 at 0, 6,000, …, 54,000, again from 60,000; each needs 12,000, so Ti ends at
/// 66,000 + 6,000 i (the later slices, with fewer threads left, would be longer than the 6,000
/// still needed). With a 1-tick minimum granularity the first slices are 4,800.
#[test]
fn slices_never_go_below_the_minimum_granularity() {
    let jobs = || (0..10).map(|i| job(&format!("T{i}"), 0, "compute 12000")).collect::<Vec<_>>();
    let r = run_cfs(CfsSpec { start_debit: false, ..CfsSpec::default() }, jobs(), None);
    for i in 0..10u64 {
        let t = i as usize;
        assert_eq!(runs_of(&r, t), vec![(6_000 * i, 6_000 * (i + 1)), (60_000 + 6_000 * i, 66_000 + 6_000 * i)]);
        assert_eq!(r.metrics.threads[t].completion, Some(66_000 + 6_000 * i));
    }
    let r = run_cfs(CfsSpec { start_debit: false, min_granularity: 1, ..CfsSpec::default() }, jobs(), None);
    assert_eq!(runs_of(&r, 0)[0], (0, 4_800));
}

#[test]
fn parameters_are_checked_and_located() {
    let json = |sched: &str| {
        format!(
            r#"{{"format":2,"name":"x","scheduler":{sched},"processes":[{{"name":"p","nice":-3,"threads":[{{"name":"main","code":"compute 3"}}]}}]}}"#
        )
    };
    let err = |sched: &str| threadlab::model::run(&Scenario::from_json(&json(sched)).unwrap()).map(|_| ()).unwrap_err();
    assert_eq!(err(r#"{"policy":"cfs","target_latency":0}"#).path, "scheduler.target_latency");
    assert_eq!(err(r#"{"policy":"cfs","min_granularity":0}"#).path, "scheduler.min_granularity");
    let e = Scenario::from_json(&json(r#"{"policy":"cfs","quantum":4}"#)).unwrap_err();
    assert_eq!(e.path, "scheduler.quantum");
    let s = Scenario::from_json(&json(r#"{"policy":"cfs"}"#)).unwrap();
    assert_eq!(s.scheduler, SchedulerSpec::from(CfsSpec::default()));
    let (_, r) = threadlab::model::run(&s).unwrap();
    assert_eq!(r.metrics.threads[0].completion, Some(3));
    let custom = r#"{"policy":"cfs","target_latency":20000,"min_granularity":1000,"wakeup_granularity":0,"start_debit":false,"sleeper_credit":0}"#;
    let s = Scenario::from_json(&json(custom)).unwrap();
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
}
