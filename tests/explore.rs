//! The interleaving explorer on small programs whose answers are worked by hand (each test says
//! how), the reduced search against every interleaving, and every reported schedule replayed.

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::model::explore::{self, EndKind, Exploration, ExploreError, Reduction};
use threadlab::model::scenario::{Policy, ProcessSpec, Scenario};
use threadlab::model::schedule;
use threadlab::model::{Outcome, RunResult, System};

/// One process "p" with the given variables (all 0) and one thread per program.
fn program(vars: &[&str], codes: &[&str]) -> Scenario {
    let mut p: ProcessSpec = job("p", 0, codes[0]);
    for v in vars {
        p.variables.insert((*v).into(), 0);
    }
    for (i, code) in codes.iter().enumerate().skip(1) {
        p.threads.push(thread(&format!("t{i}"), code));
    }
    scenario(1, Policy::Fcfs, None, vec![p])
}

fn reduced(s: &Scenario) -> Exploration {
    explore::explore(s, explore::DEFAULT_LIMIT).unwrap()
}

fn every(s: &Scenario) -> Exploration {
    explore::explore_with(s, explore::DEFAULT_LIMIT, Reduction::None).unwrap()
}

/// The final states as (how it ended, values).
fn ends(x: &Exploration) -> Vec<(EndKind, Vec<i64>)> {
    x.finals.iter().map(|f| (f.end, f.values.clone())).collect()
}

fn completed(values: &[&[i64]]) -> Vec<(EndKind, Vec<i64>)> {
    values.iter().map(|v| (EndKind::Completed, v.to_vec())).collect()
}

/// The values a run ends with, every process's, in the explorer's order (pid, then name).
fn values(r: &RunResult) -> Vec<i64> {
    r.metrics.variables.iter().map(|v| v.value).collect()
}

/// Every schedule the explorer reports, run with the scripted policy, ends as reported.
fn assert_replays(s: &Scenario, x: &Exploration) {
    for f in &x.finals {
        let (_, r, followed) = schedule::replay(s, &f.schedule).unwrap();
        assert_eq!(values(&r), f.values, "schedule {}", f.schedule);
        assert_eq!(r.outcome, f.outcome, "schedule {}", f.schedule);
        assert_eq!(followed.schedule, f.schedule, "schedule {} was followed as written", f.schedule);
    }
}

const TWICE: &str = "loop 2\n  load r1, counter\n  add r1, 1\n  store r1, counter\nend";

/// Two threads each incrementing `counter` twice without a lock end with exactly 2, 3 or 4.
/// 4: one after the other. 3: A loads 0, B increments to 1, A stores its stale 1, then the two
/// second increments run one after the other. 2: both load 0 and store 1, then both load 1 and
/// store 2. Not 1 or less: a thread's second load comes after its own first store, which wrote
/// at least 1, so its second store writes at least 2; the last store of all is some thread's
/// second. Not more than 4: four stores, each one more than a value some store wrote.
#[test]
fn two_unlocked_double_increments_end_with_two_three_or_four() {
    let s = program(&["counter"], &[TWICE, TWICE]);
    let x = reduced(&s);
    assert_eq!(ends(&x), completed(&[&[2], &[3], &[4]]));
    assert_replays(&s, &x);
    // Every interleaving of two sequences of 6 steps (load, add, store, twice): C(12, 6) = 924.
    let all = every(&s);
    assert_eq!(all.schedules, 924);
    assert_eq!(ends(&all), ends(&x));
    // The reduction stores fewer states than there are schedules.
    assert!(x.states < 924, "{} states", x.states);
}

/// With a mutex around each increment, only 4.
#[test]
fn with_a_mutex_only_four() {
    let code = "loop 2\n  lock m\n  load r1, counter\n  add r1, 1\n  store r1, counter\n  unlock m\nend";
    let s = program(&["counter"], &[code, code]);
    let x = reduced(&s);
    assert_eq!(ends(&x), completed(&[&[4]]));
    assert_replays(&s, &x);
    assert_eq!(ends(&every(&s)), ends(&x));
}

/// `faa` is one indivisible step: always 4. Every interleaving of 2 + 2 steps: C(4, 2) = 6.
#[test]
fn fetch_and_add_is_always_exact() {
    let code = "loop 2\n  faa r0, counter, 1\nend";
    let s = program(&["counter"], &[code, code]);
    let x = reduced(&s);
    assert_eq!(ends(&x), completed(&[&[4]]));
    let all = every(&s);
    assert_eq!((all.schedules, ends(&all)), (6, ends(&x)));
}

/// Check-then-act with a jump: a thread that finds `flag` at 0 sets it and counts itself in
/// `count` (atomically). The first check always finds 0 (only a thread past its check stores
/// the flag), so at least one counts; each later thread counts if it checks before any store of
/// the flag. Variables in name order: (count, flag). Two threads: 1 or 2; three: 1, 2 or 3.
#[test]
fn check_then_act_lets_several_threads_through() {
    let code = "jne r0, flag, done\nset r1, 1\nstore r1, flag\nfaa r2, count, 1\ndone:";
    let s = program(&["count", "flag"], &[code, code]);
    let x = reduced(&s);
    assert_eq!(ends(&x), completed(&[&[1, 1], &[2, 1]]));
    assert_replays(&s, &x);
    assert_eq!(ends(&every(&s)), ends(&x));
    let s3 = program(&["count", "flag"], &[code, code, code]);
    let x3 = reduced(&s3);
    assert_eq!(ends(&x3), completed(&[&[1, 1], &[2, 1], &[3, 1]]));
    assert_eq!(ends(&every(&s3)), ends(&x3));
}

/// Two locks taken in opposite orders: finished (both counted in `done`), or deadlocked, each
/// holding one lock and waiting for the other (nobody counted). The deadlock takes 4 ticks:
/// each thread's first `lock` (1 tick each) and each one's second, which blocks (1 tick each).
#[test]
fn opposite_lock_orders_can_deadlock() {
    let a = "lock x\nlock y\nfaa r0, done, 1\nunlock y\nunlock x";
    let b = "lock y\nlock x\nfaa r0, done, 1\nunlock x\nunlock y";
    let s = program(&["done"], &[a, b]);
    let x = reduced(&s);
    assert_eq!(ends(&x), vec![(EndKind::Completed, vec![2]), (EndKind::Deadlock, vec![0])]);
    let Outcome::Deadlock { time, message, .. } = &x.finals[1].outcome else { panic!("{:?}", x.finals[1]) };
    assert_eq!(*time, 4);
    assert!(message.contains("p/main waits for mutex `y` (held by p/t1)"), "{message}");
    assert!(message.contains("p/t1 waits for mutex `x` (held by p/main)"), "{message}");
    assert_eq!(x.finals[1].schedule.len(), 4);
    assert_replays(&s, &x);
    assert_eq!(ends(&every(&s)), ends(&x));
}

/// A thread unlocking a mutex it never took is a runtime error in every order.
#[test]
fn a_runtime_error_is_a_final_state() {
    let s = program(&[], &["lock m\nunlock m", "unlock m"]);
    let x = reduced(&s);
    assert_eq!(ends(&x), vec![(EndKind::RuntimeError, vec![])]);
    assert!(x.finals[0].outcome.message().contains("p/t1, line 1"), "{}", x.finals[0].outcome.message());
    assert_replays(&s, &x);
}

/// A test-and-set spin lock from `xchg`: a waiting thread's failed `xchg` (it writes back the
/// 1 it found) and jump leave the state as it was, so the search ends; the counter is always 2.
#[test]
fn a_spin_lock_is_explored_to_its_end() {
    let code = "set r0, 1\ntop:\nxchg r0, lock\njne r0, 0, top\nload r1, counter\nadd r1, 1\nstore r1, counter\nset r2, 0\nstore r2, lock";
    let s = program(&["counter", "lock"], &[code, code]);
    let x = reduced(&s);
    assert_eq!(ends(&x), completed(&[&[2, 0]]));
    assert_replays(&s, &x);
    let spin = "loop 2\n  spin_lock s\n  load r1, counter\n  add r1, 1\n  store r1, counter\n  spin_unlock s\nend";
    let s = program(&["counter"], &[spin, spin]);
    assert_eq!(ends(&reduced(&s)), completed(&[&[4]]));
}

/// The shipped check-then-act preset: process `unsafe` (balance 100, paid 0; each of two
/// threads withdraws 80 if it finds at least 80) ends with one withdrawal (20, 80) or both
/// (-60, 160); process `locked` always with one (20, 80). Variables: unsafe's (balance, paid),
/// then locked's.
#[test]
fn the_check_then_act_preset_has_two_ends() {
    let s = threadlab::presets::find("check-then-act").unwrap().scenario().unwrap();
    let x = reduced(&s);
    let names: Vec<String> = x.variables.iter().map(|v| format!("{}/{}", v.process, v.name)).collect();
    assert_eq!(names, ["unsafe/balance", "unsafe/paid", "locked/balance", "locked/paid"]);
    assert_eq!(ends(&x), completed(&[&[-60, 160, 20, 80], &[20, 80, 20, 80]]));
    assert_replays(&s, &x);
}

#[test]
fn a_program_too_big_stops_at_the_limit_and_says_so() {
    let s = program(&["counter"], &[TWICE, TWICE, TWICE]);
    let e = explore::explore(&s, 50).unwrap_err();
    let ExploreError::Limit { limit, message, .. } = &e else { panic!("{e:?}") };
    assert_eq!(*limit, 50);
    assert!(message.contains("stopped after storing 50 states (the limit"), "{message}");
    let e = explore::explore_with(&s, 50, Reduction::None).unwrap_err();
    assert!(e.to_string().contains("stopped after 50 schedules (the limit)"), "{e}");
}

/// While it searches, the explorer says how far it has got, every `PROGRESS_STEPS` steps: the
/// states stored so far, never fewer than the time before and never past the limit (three
/// threads of 40 unlocked increments have more states than 100,000); a search that ends after
/// `steps` steps has said so `steps / PROGRESS_STEPS` times.
#[test]
fn the_search_reports_how_far_it_has_got_as_it_goes() {
    let forty = TWICE.replace("loop 2", "loop 40");
    let sys = System::load(&program(&["counter"], &[&forty, &forty, &forty])).unwrap();
    let mut said = Vec::new();
    let e = explore::explore_observed(&sys, 100_000, Reduction::PartialOrder, &mut |n| said.push(n)).unwrap_err();
    assert!(matches!(e, ExploreError::Limit { limit: 100_000, .. }), "{e:?}");
    assert!(said.len() > 1, "{said:?}");
    assert!(said.windows(2).all(|w| w[0] <= w[1]) && said.iter().all(|&n| n > 0 && n <= 100_000), "{said:?}");
    // Without reduction it counts the interleavings followed to their end, up to the limit.
    let mut said = Vec::new();
    explore::explore_observed(&sys, 100_000, Reduction::None, &mut |n| said.push(n)).unwrap_err();
    assert!(said.len() > 1 && said.windows(2).all(|w| w[0] <= w[1]) && said[said.len() - 1] <= 100_000, "{said:?}");
    let ten = TWICE.replace("loop 2", "loop 10");
    let sys = System::load(&program(&["counter"], &[&ten, &ten])).unwrap();
    let mut calls = 0;
    let x =
        explore::explore_observed(&sys, explore::DEFAULT_LIMIT, Reduction::PartialOrder, &mut |_| calls += 1).unwrap();
    assert!(x.steps >= explore::PROGRESS_STEPS, "{} steps", x.steps);
    assert_eq!(calls, x.steps / explore::PROGRESS_STEPS);
}

#[test]
fn time_dependent_programs_are_refused_with_where_and_why() {
    let e = explore::explore(&program(&["c"], &["load r0, c\nio 3", "load r0, c"]), 100).unwrap_err();
    assert_eq!(
        e.to_string(),
        "thread p/main, line 2 (`io 3`): `io` takes time, and the explorer tries orders, not times"
    );
    let e = explore::explore(&program(&["c"], &["load r0, c", "compute 1..4"]), 100).unwrap_err();
    assert!(e.to_string().starts_with("thread p/t1, line 1 (`compute 1..4`): `compute A..B` draws"), "{e}");
    let mut late = program(&["c"], &["load r0, c", "load r0, c"]);
    late.processes[0].threads[1].arrival = Some(3);
    let e = explore::explore(&late, 100).unwrap_err();
    assert!(e.to_string().starts_with("thread p/t1 arrives at t=3, the first at t=0"), "{e}");
}

fn step() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "load r0, x",
        "store r0, x",
        "add r0, 1",
        "load r1, y",
        "store r1, y",
        "add r1, r0",
        "faa r2, x, 2",
        "lock m\nload r3, y\nadd r3, 1\nstore r3, y\nunlock m",
        "jne r0, x, end",
        "cmp r1, 2\njge end",
        "compute 2",
        "sem_wait s",
        "sem_post s",
        "barrier b",
        "lock m\ncond_wait c, m\nunlock m",
        "cond_broadcast c",
        // No spin lock: a spinning thread makes the enumeration of every interleaving endless
        // (tests above explore spins with the reduction).
    ])
}

fn tiny() -> impl Strategy<Value = Scenario> {
    let code = prop::collection::vec(step(), 1..4).prop_map(|v| v.join("\n") + "\nend:");
    // At most 12 lines in all: at most 12! / (4! 4! 4!) = 34,650 interleavings to enumerate.
    let codes = prop::collection::vec(code, 2..4)
        .prop_filter("small", |c| c.iter().map(|c| c.lines().count()).sum::<usize>() <= 12);
    (codes, 0u32..2).prop_map(|(codes, sem)| {
        let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
        let mut s = program(&["x", "y"], &codes);
        let sem = threadlab::model::scenario::SemaphoreSpec { initial: sem, max: None };
        s.processes[0].semaphores.insert("s".into(), sem);
        s.processes[0].barriers.insert("b".into(), 2);
        s
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// On random tiny programs (2–3 threads of 1–3 steps over two variables, a mutex, a
    /// semaphore, a barrier for 2 and a condition variable), the reduced search finds exactly the final states of every interleaving,
    /// and each schedule it reports is followed as written and ends in its final state.
    #[test]
    fn the_reduction_loses_no_final_state(s in tiny()) {
        let x = reduced(&s);
        let all = every(&s);
        prop_assert_eq!(ends(&x), ends(&all));
        for f in &x.finals {
            let (_, r, followed) = schedule::replay(&s, &f.schedule).unwrap();
            prop_assert_eq!(&followed.schedule, &f.schedule, "followed as written");
            prop_assert_eq!(values(&r), f.values.clone(), "schedule {}", f.schedule);
            prop_assert_eq!(&r.outcome, &f.outcome, "schedule {}", f.schedule);
        }
    }
}
