//! Lottery scheduling: OSTEP ch. 9's worked example with its winning tickets, and shares that
//! follow the tickets over long runs (a property test).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::model::scenario::{Policy, ProcessSpec, Scenario};
use threadlab::model::scheduler::{Lottery, SchedRng, TicketDraw};
use threadlab::model::trace::IntervalKind;
use threadlab::model::{LoadedRun, Outcome, Recording, Simulation};

fn with_tickets(mut p: ProcessSpec, tickets: u64) -> ProcessSpec {
    p.tickets = Some(tickets);
    p
}

/// Winning numbers read from a list, as a test's or a textbook's draws.
#[derive(Debug)]
struct Scripted(std::vec::IntoIter<u64>);

impl TicketDraw for Scripted {
    fn winner(&mut self, total: u64, _rng: &mut SchedRng) -> u64 {
        let w = self.0.next().expect("enough scripted draws");
        assert!(w < total, "scripted winner {w} is not below {total} tickets");
        w
    }
}

/// OSTEP ch. 9, §9.1: A holds 75 tickets (0–74), B 25 (75–99); the winning tickets
/// 63 85 70 39 76 17 29 41 36 39 10 99 68 83 63 62 43 0 49 12 give the schedule
/// A B A A B A A A A A A B A B A A A A A A (B runs 4 of 20 slices, 20% instead of 25%).
/// (Some printings end the list with 49 49; both end with A.) A needs 16 slices of 1 tick and B
/// 4, so B ends with its 4th win, slice 14 (t = 14), and A with slice 20 (t = 20); the draws
/// after B ends (all below 75) still go to A.
#[test]
fn ostep_winning_tickets_give_ostep_schedule() {
    let winners = vec![63, 85, 70, 39, 76, 17, 29, 41, 36, 39, 10, 99, 68, 83, 63, 62, 43, 0, 49, 12];
    let jobs = vec![with_tickets(job("A", 0, "compute 16"), 75), with_tickets(job("B", 0, "compute 4"), 25)];
    let s = scenario(1, Policy::Lottery, Some(1), jobs);
    let lottery = Lottery::with_draw(1, Box::new(Scripted(winners.into_iter())));
    let (_, r) = Simulation::with_scheduler(LoadedRun::load(&s).unwrap(), Recording::Full, Box::new(lottery)).finish();
    assert_eq!(r.outcome, Outcome::Completed);
    let mut slices: Vec<_> = (r.trace.as_ref().unwrap().intervals.iter())
        .filter(|i| i.kind == IntervalKind::Run)
        .map(|i| (i.start, if i.tid == 0 { 'A' } else { 'B' }))
        .collect();
    slices.sort();
    let schedule: String = slices.into_iter().map(|(_, who)| who).collect();
    assert_eq!(schedule, "ABAABAAAAAABABAAAAAA");
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(20), Some(14)));
}

/// Tickets are counted in thread-id order over the threads ready at the draw. A, B, C hold 10
/// tickets each and arrive at 0; B starts with 5 ticks of I/O. Worked draw by draw:
/// - t=0: A 0–9, B 10–19, C 20–29; 10 → B, which blocks at once until 5. Then A 0–9, C 10–19
///   (C's tickets follow A's, B's are out); 15 → C, which runs 0–1 and is done.
/// - t=1…4: A alone (0–9); 0, 1, 2, 3 → A, one tick each.
/// - t=5: A and B (woken) ready: A 0–9, B 10–19; 4 → A. t=6: 15 → B, 6–7, done.
/// - t=7…11: A alone; 5, 6, 7, 8, 9 → A, whose 10th tick ends at 12.
#[test]
fn tickets_are_counted_in_thread_order_over_the_ready_threads() {
    let jobs = vec![
        with_tickets(job("A", 0, "compute 10"), 10),
        with_tickets(job("B", 0, "io 5\ncompute 1"), 10),
        with_tickets(job("C", 0, "compute 1"), 10),
    ];
    let s = scenario(1, Policy::Lottery, Some(1), jobs);
    let winners = vec![10, 15, 0, 1, 2, 3, 4, 15, 5, 6, 7, 8, 9];
    let lottery = Lottery::with_draw(1, Box::new(Scripted(winners.into_iter())));
    let (_, r) = Simulation::with_scheduler(LoadedRun::load(&s).unwrap(), Recording::Full, Box::new(lottery)).finish();
    let done: Vec<_> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(done, vec![12, 7, 1]);
}

#[test]
fn parameters_are_checked_and_located() {
    let json = |sched: &str| {
        format!(
            r#"{{"format":2,"name":"x","scheduler":{sched},"processes":[{{"name":"p","tickets":5,"threads":[{{"name":"main","code":"compute 3"}}]}}]}}"#
        )
    };
    let s = Scenario::from_json(&json(r#"{"policy":"lottery","quantum":0}"#)).unwrap();
    assert_eq!(threadlab::model::run(&s).map(|_| ()).unwrap_err().path, "scheduler.quantum");
    let e = Scenario::from_json(&json(r#"{"policy":"lottery"}"#)).unwrap_err();
    assert!(e.to_string().contains("`quantum` is missing from `scheduler`"), "{e}");
    let s = Scenario::from_json(&json(r#"{"policy":"lottery","quantum":2}"#)).unwrap();
    let (_, r) = threadlab::model::run(&s).unwrap();
    assert_eq!(r.metrics.threads[0].completion, Some(3));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Over N = 10,000 slices of 1 tick, CPU-bound threads get CPU in proportion to their
    /// tickets. All threads are ready at every draw, so thread i's slices are Binomial(N, pᵢ)
    /// with pᵢ = tᵢ / Σt: its share has standard deviation √(pᵢ(1 − pᵢ)/N) ≤ 0.5/√N = 0.005.
    /// The tolerance 0.03 is 6 standard deviations: a correct lottery misses it with probability
    /// about 2·10⁻⁹ per thread, under 2·10⁻⁷ for a whole run of this test (24 cases × 4 threads).
    #[test]
    fn shares_follow_tickets(tickets in prop::collection::vec(1u64..=100, 2..=4), seed in any::<u64>()) {
        let jobs: Vec<_> = (tickets.iter().enumerate())
            .map(|(i, &t)| with_tickets(job(&format!("T{i}"), 0, "compute 1000000"), t))
            .collect();
        let mut s = scenario(1, Policy::Lottery, Some(1), jobs);
        s.seed = seed;
        s.limits.max_time = 10_000;
        let (_, r) = threadlab::model::run_with(&s, Recording::MetricsOnly).unwrap();
        let stopped_at_the_time_limit = matches!(r.outcome, Outcome::BudgetExceeded { .. });
        prop_assert!(stopped_at_the_time_limit);
        let cpu: Vec<u64> = r.metrics.threads.iter().map(|t| t.cpu_time).collect();
        let total: u64 = cpu.iter().sum();
        prop_assert_eq!(total, 10_000); // every tick of 0..10,000 ran one thread
        let all: u64 = tickets.iter().sum();
        for (i, &t) in tickets.iter().enumerate() {
            let share = cpu[i] as f64 / total as f64;
            let expected = t as f64 / all as f64;
            let why = format!("thread {i}: share {share:.4}, tickets say {expected:.4} ({cpu:?}, {tickets:?})");
            prop_assert!((share - expected).abs() <= 0.03, "{}", why);
        }
    }
}
