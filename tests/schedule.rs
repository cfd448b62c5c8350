//! "Be the scheduler": a schedule of which thread runs each tick of one CPU (OSTEP x86.py's
//! `-P`), the scripted policy that follows it, and the schedule a run followed, replayed.
//! Every instruction here but `compute N` takes 1 tick (src/model/program.rs), so each digit of
//! a schedule is one instruction; timings are worked by hand from that.

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, ProcessSpec, Scenario, SchedulerSpec};
use threadlab::model::schedule::{self, Followed, Schedule, SkipReason};
use threadlab::model::scheduler::ScriptedSpec;
use threadlab::model::trace::What;

const INCREMENT: &str = "load r0, counter\nadd r0, 1\nstore r0, counter";

/// Process "p" with variable `counter` at 0 and one thread per program.
fn process(codes: &[&str]) -> ProcessSpec {
    let mut p = job("p", 0, codes[0]);
    p.variables.insert("counter".into(), 0);
    for (i, code) in codes.iter().enumerate().skip(1) {
        p.threads.push(thread(&format!("t{i}"), code));
    }
    p
}

fn scripted(p: ProcessSpec, schedule: &str) -> Scenario {
    let mut s = scenario(1, Policy::Fcfs, None, vec![p]);
    s.scheduler = SchedulerSpec::from(ScriptedSpec { schedule: Schedule::parse(schedule).unwrap() });
    s
}

#[test]
fn the_text_form_is_ostep_digits_or_numbers_with_commas() {
    assert_eq!(Schedule::parse("0011").unwrap().entries, vec![0, 0, 1, 1]);
    assert_eq!(Schedule::parse(" 0, 1,10 ").unwrap().entries, vec![0, 1, 10]);
    assert_eq!(Schedule::parse("0 1 1").unwrap().entries, vec![0, 1, 1]);
    assert!(Schedule::parse("").unwrap().is_empty());
    assert_eq!(Schedule::new(vec![0, 0, 1]).to_string(), "001");
    assert_eq!(Schedule::new(vec![0, 12, 1]).to_string(), "0,12,1");
    let e = Schedule::parse("01x1").unwrap_err();
    assert!(e.starts_with("character 3 (`x`) is not a thread number"), "{e}");
    let e = Schedule::parse("0, one").unwrap_err();
    assert!(e.starts_with("entry 2 (`one`) is not a thread number"), "{e}");
}

#[test]
fn a_schedule_is_a_scenario_field() {
    let json = r#"{"format": 2, "name": "s", "scheduler": {"policy": "scripted", "schedule": "0110"},
        "processes": [{"name": "p", "threads": [{"name": "a", "code": "compute 2"}, {"name": "b", "code": "compute 2"}]}]}"#;
    let s = Scenario::from_json(json).unwrap();
    assert_eq!(s.scheduler, SchedulerSpec::from(ScriptedSpec { schedule: Schedule::new(vec![0, 1, 1, 0]) }));
    let text = serde_json::to_value(&s.scheduler).unwrap();
    assert_eq!(text, serde_json::json!({"policy": "scripted", "schedule": "0110"}));
    let invalid = |text: &str| Scenario::from_json(text).and_then(|s| s.validate()).unwrap_err();
    let e = invalid(&json.replace("0110", "0120"));
    assert_eq!(e.path, "scheduler.schedule");
    assert!(e.message.contains("entry 3 names thread 2, but the threads are numbered 0 to 1"), "{}", e.message);
    let two_cpus = json.replace("\"scheduler\"", "\"machine\": {\"cpus\": 2}, \"scheduler\"");
    let e = invalid(&two_cpus);
    assert_eq!(e.path, "scheduler.schedule");
    assert!(e.message.contains("machine.cpus is 2"), "{}", e.message);
    let e = Scenario::from_json(&json.replace("0110", "01a0")).unwrap_err();
    assert!(e.message.contains("character 3 (`a`)"), "{}", e.message);
}

/// Provoking the race on purpose. `000111`: thread 0 increments, then thread 1: 2.
/// `010101`: both load 0 (ticks 0, 1), both add, both store 1 (ticks 4, 5): 1, one lost update.
/// `001110`: thread 0 loads 0 and adds; thread 1 does all three (stores 1 at tick 4); thread 0
/// stores its stale 1 at tick 5: 1.
#[test]
fn a_schedule_provokes_the_race_or_avoids_it() {
    for (schedule, want, lost) in [("000111", 2, 0), ("010101", 1, 1), ("001110", 1, 1), ("111000", 2, 0)] {
        let (_, r) = run(&scripted(process(&[INCREMENT, INCREMENT]), schedule));
        assert_eq!(r.outcome, Outcome::Completed);
        assert_eq!(var(&r, 0, "counter"), want, "{schedule}");
        assert_eq!(r.metrics.variables[0].lost_updates, lost, "{schedule}");
        assert_eq!(r.metrics.makespan, 6);
        assert_eq!(Followed::of(&r).unwrap().schedule.to_string(), schedule);
    }
}

/// The stores land at the ticks the schedule says: `010101` stores at the end of ticks 4 and 5
/// (times 5 and 6), thread 0 first.
#[test]
fn each_digit_is_one_tick_of_the_named_thread() {
    let (_, r) = run(&scripted(process(&[INCREMENT, INCREMENT]), "010101"));
    let stores: Vec<(u64, usize)> = (r.trace.unwrap().events.iter())
        .filter_map(|e| match e.what {
            What::Mem { tid, .. } => Some((e.time, tid)),
            _ => None,
        })
        .collect();
    assert_eq!(stores, vec![(5, 0), (6, 1)]);
}

/// `compute N` takes N digits and a run of digits can cut it: `0100` with a: `compute 3`,
/// b: `compute 1` runs a 1 tick, b 1 tick (done at 2), a 2 more (done at 4).
#[test]
fn compute_takes_one_digit_per_tick_and_can_be_cut() {
    let (_, r) = run(&scripted(process(&["compute 3", "compute 1"]), "0100"));
    assert_eq!(r.metrics.threads[0].completion, Some(4));
    assert_eq!(r.metrics.threads[1].completion, Some(2));
    assert_eq!(Followed::of(&r).unwrap().schedule.to_string(), "0100");
}

/// A thread that cannot run at its turn is skipped, and the run says so. Schedule `01`, with a:
/// `lock m; compute 2; unlock m` and b: `lock m; unlock m`:
/// tick 0 a locks; tick 1 b's lock blocks; ticks 2, 3 a computes, and at each b's entry comes
/// round while b is blocked (skipped at t=3 and t=4: at t=4 a unlocks, handing m to b); tick 5
/// b unlocks. Followed: a b a a a b, and the two-entry schedule started again 3 times.
#[test]
fn an_entry_for_a_blocked_thread_is_skipped_and_reported() {
    let s = scripted(process(&["lock m\ncompute 2\nunlock m", "lock m\nunlock m"]), "01");
    let (sys, r, f) = schedule::replay(&s, &Schedule::parse("01").unwrap()).unwrap();
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(f.schedule.to_string(), "010001");
    let skipped: Vec<(usize, usize, u64, SkipReason)> =
        f.skipped.iter().map(|s| (s.entry, s.tid, s.at, s.why)).collect();
    assert_eq!(skipped, vec![(1, 1, 3, SkipReason::Blocked), (1, 1, 4, SkipReason::Blocked)]);
    assert_eq!(f.restarts, 3);
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(5), Some(6)));
    let notes = f.notes(&|t| sys.thread_label(t));
    assert_eq!(notes[0], "entry 2 (thread 1, p/t1) skipped at t=3: it was blocked");
    assert_eq!(notes[2], "the schedule ran out and started again from its first entry 3 times");
}

/// A finished thread's entries are skipped, as x86.py does: `0001` with a: `compute 1`, b:
/// `compute 2` runs a at tick 0; at tick 1 skips entries 2 and 3 (a finished) for b's entry 4;
/// at tick 2 skips entries 1 to 3 and comes round to entry 4 again.
#[test]
fn a_finished_threads_entries_are_skipped() {
    let s = scripted(process(&["compute 1", "compute 2"]), "0001");
    let (_, r, f) = schedule::replay(&s, &Schedule::parse("0001").unwrap()).unwrap();
    assert_eq!(f.schedule.to_string(), "011");
    let skipped: Vec<(usize, SkipReason)> = f.skipped.iter().map(|s| (s.entry, s.why)).collect();
    assert_eq!(
        skipped,
        vec![
            (1, SkipReason::Finished),
            (2, SkipReason::Finished),
            (0, SkipReason::Finished),
            (1, SkipReason::Finished),
            (2, SkipReason::Finished)
        ]
    );
    assert_eq!(r.metrics.makespan, 3);
}

/// A thread the schedule leaves out runs only when no named thread can: `0` with two threads
/// of `compute 2` runs thread 0 over ticks 0–1, then thread 1 one tick at a time.
#[test]
fn a_thread_left_out_runs_only_as_the_fallback() {
    let s = scripted(process(&["compute 2", "compute 2"]), "0");
    let (_, r, f) = schedule::replay(&s, &Schedule::parse("0").unwrap()).unwrap();
    assert_eq!(f.schedule.to_string(), "0011");
    let ticks: Vec<(u64, usize)> = f.unscripted.iter().map(|u| (u.at, u.tid)).collect();
    assert_eq!(ticks, vec![(2, 1), (3, 1)]);
    assert_eq!(r.metrics.makespan, 4);
}

/// With no schedule, the lowest-numbered ready thread runs until it blocks or ends.
#[test]
fn an_empty_schedule_runs_the_lowest_numbered_thread() {
    let (_, r) = run(&scripted(process(&["compute 2\nio 3\ncompute 1", "compute 2"]), ""));
    // a: ticks 0–1, I/O 2–5; b: ticks 2–3; a: tick 5.
    assert_eq!(Followed::of(&r).unwrap().schedule.to_string(), "00110");
    assert_eq!(r.metrics.threads[0].completion, Some(6));
}

/// Round Robin with quantum 2 on one CPU (tests/races_and_locks.rs): a runs load, add; b load,
/// add; a store; b store: `001101`, counter 1. Replaying that schedule gives the same run.
#[test]
fn the_schedule_of_a_round_robin_run_replays_to_the_same_run() {
    let s = scenario(1, Policy::RoundRobin, Some(2), vec![process(&[INCREMENT, INCREMENT])]);
    let (_, r) = run(&s);
    let f = Followed::of(&r).unwrap();
    assert_eq!(f.schedule.to_string(), "001101");
    let (_, again, g) = schedule::replay(&s, &f.schedule).unwrap();
    assert_eq!(var(&again, 0, "counter"), 1);
    assert_eq!(g.schedule, f.schedule);
    assert!(g.skipped.is_empty() && g.unscripted.is_empty() && g.restarts == 0);
    assert_eq!(again.trace.as_ref().unwrap().events, r.trace.as_ref().unwrap().events);
    assert_eq!(again.trace.as_ref().unwrap().intervals, r.trace.as_ref().unwrap().intervals);
}

#[test]
fn a_run_on_two_cpus_has_no_one_cpu_schedule() {
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![process(&[INCREMENT, INCREMENT])]));
    let e = Followed::of(&r).unwrap_err();
    assert!(e.contains("CPU 1"), "{e}");
}

/// Instructions that are not a thread's own: every instruction's effect on registers, memory
/// and locks, with its time (thread state changes aside: a run that pre-empts a thread only to
/// run it again records them, a schedule cannot say so).
fn effects(r: &threadlab::model::RunResult) -> Vec<threadlab::model::trace::TraceEvent> {
    let events = &r.trace.as_ref().unwrap().events;
    events.iter().filter(|e| !matches!(e.what, What::State { .. })).copied().collect()
}

fn instruction() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "load r0, counter",
        "add r0, 1",
        "store r0, counter",
        "lock m\nload r1, counter\nadd r1, 1\nstore r1, counter\nunlock m",
        "compute 2",
        "compute 1..3",
        "io 2",
        "lock m",
        "unlock m",
        "io 0",
        "faa r2, counter, 1",
        "jne r0, counter, done\nset r0, 5",
    ])
}

fn program() -> impl Strategy<Value = String> {
    prop::collection::vec(instruction(), 1..5).prop_map(|v| v.join("\n") + "\ndone:")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Any one-CPU run, under any policy, seed and switch cost, replays from the schedule it
    /// followed to the same effects at the same ticks and the same end.
    #[test]
    fn every_one_cpu_run_replays_from_its_schedule(
        codes in prop::collection::vec(program(), 1..4),
        policy in 0..Policy::ALL.len(),
        quantum in 1u64..4,
        switch in 0u64..2,
        seed in 0u64..1000,
    ) {
        // SJF and SRTF draw `compute A..B` lengths ahead, when a thread becomes ready; a replay
        // draws them as they run, in another order.
        let policy = Policy::ALL[policy];
        prop_assume!(!matches!(policy, Policy::Sjf | Policy::Srtf) || codes.iter().all(|c| !c.contains("..")));
        // A pre-emptive policy may take the CPU from a thread before its first tick (a thread
        // woken at that instant by `io 0`, or during a context switch): that turn has no entry
        // (src/model/schedule.rs), so only runs without those replay exactly.
        // x86.py's countdown can run out on a thread's last instruction: the next thread is
        // then interrupted before its first tick, the same kind of turn.
        let preempts = SchedulerSpec::of(policy, Some(quantum)).build(1).preempts() || policy == Policy::X86;
        prop_assume!(!preempts || (switch == 0 && codes.iter().all(|c| !c.contains("io 0"))));
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        let mut s = scenario(1, policy, Some(quantum), vec![process(&codes)]);
        s.machine.thread_switch_ticks = switch;
        s.seed = seed;
        let (_, r) = run(&s);
        let f = Followed::of(&r).unwrap();
        let (_, again, g) = schedule::replay(&s, &f.schedule).unwrap();
        prop_assert_eq!(&g.schedule, &f.schedule, "{:?}", codes);
        prop_assert!(g.skipped.is_empty() && g.unscripted.is_empty());
        prop_assert_eq!(effects(&again), effects(&r), "{:?} {}", codes, f.schedule);
        prop_assert_eq!(&again.outcome, &r.outcome);
        prop_assert_eq!(again.metrics.makespan, r.metrics.makespan);
        prop_assert_eq!(&again.metrics.variables, &r.metrics.variables);
    }
}

/// A schedule in a scenario whose process has no thread: the missing thread is the error.
#[test]
fn a_schedule_without_threads_reports_the_missing_thread() {
    let mut s = scripted(process(&["compute 1"]), "0");
    s.processes[0].threads.clear();
    let e = s.validate().unwrap_err();
    assert_eq!(e.path, "processes[0].threads");
}
