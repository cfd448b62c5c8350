//! Counting semaphores (`sem_wait`, `sem_post`; OSTEP ch. 31): declared with an initial value,
//! a post remembered, any thread may post, a FIFO queue, an optional bound. Timings are worked
//! by hand: `sem_wait` and `sem_post` take 1 tick each, like `lock`; a post while threads wait
//! hands the unit to the first of them, which becomes ready having passed its `sem_wait`.

mod common;
use common::*;
use threadlab::model::scenario::{Policy, ProcessSpec, SemaphoreSpec};
use threadlab::model::{self, Outcome, Scenario};

fn with_sem(mut p: ProcessSpec, name: &str, initial: u32, max: Option<u32>) -> ProcessSpec {
    p.semaphores.insert(name.into(), SemaphoreSpec { initial, max });
    p
}

/// A semaphore starting at 1 is a lock, and hands over like the mutex of
/// `tests/races_and_locks.rs` (`mutex_makes_the_counter_exact`): A holds it over 1–5, 9–13,
/// 17–21; B over 5–9, 13–17, 21–25. A waits 6–9 and 14–17; B waits 1–5, 10–13, 18–21.
#[test]
fn a_semaphore_at_one_is_a_lock() {
    let code = "loop 3\nsem_wait s\nload r0, counter\nadd r0, 1\nstore r0, counter\nsem_post s\nend";
    let mut p = with_sem(job("p", 0, code), "s", 1, None);
    p.variables.insert("counter".into(), 0);
    p.threads.push(thread("second", code));
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!((var(&r, 0, "counter"), r.metrics.variables[0].lost_updates), (6, 0));
    let (a, b) = (&r.metrics.threads[0], &r.metrics.threads[1]);
    assert_eq!((a.completion, b.completion), (Some(21), Some(25)));
    assert_eq!((a.lock_wait, b.lock_wait), (6, 10));
}

/// A post nobody waits for is remembered. One CPU, FCFS: main posts at t=1 (value 1) and ends;
/// `late` runs from 1, its `sem_wait` passes at 2 without blocking, `compute 2` ends it at 4.
#[test]
fn a_post_is_remembered() {
    let mut p = with_sem(job("p", 0, "sem_post s"), "s", 0, None);
    p.threads.push(thread("late", "sem_wait s\ncompute 2"));
    let (sys, r) = run(&scenario(1, Policy::Fcfs, None, vec![p]));
    assert_eq!(r.metrics.threads[1].completion, Some(4));
    assert_eq!(r.metrics.threads[1].lock_wait, 0);
    let trace = r.trace.unwrap();
    assert_eq!(trace.snapshot(&sys, 1, 1).objects[0].semaphores[0].value, 1);
    assert_eq!(trace.snapshot(&sys, 1, 2).objects[0].semaphores[0].value, 0);
}

/// Any thread may post, and a waiter passes when it does. Two CPUs: `waiter`'s `sem_wait`
/// completes at t=1 and blocks; `poster` computes 0–5 and posts at 6, which wakes the waiter:
/// back on CPU 1 at 6 (no switch cost), `compute 1` ends it at 7, after 6 − 1 = 5 ticks of
/// waiting. The value stays 0 throughout.
#[test]
fn another_thread_posts_and_the_waiter_passes() {
    let mut p = with_sem(job("p", 0, "sem_wait s\ncompute 1"), "s", 0, None);
    p.threads[0].name = "waiter".into();
    p.threads.push(thread("poster", "compute 5\nsem_post s"));
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    assert_eq!(r.metrics.threads[0].completion, Some(7));
    assert_eq!(r.metrics.threads[0].lock_wait, 5);
    let trace = r.trace.unwrap();
    let at = |t| trace.snapshot(&sys, 2, t).objects[0].semaphores[0].clone();
    assert_eq!((at(3).value, at(3).waiters), (0, vec![0]));
    assert_eq!((at(6).value, at(6).waiters), (0, vec![]));
}

/// Waiters pass in the order they came. Three CPUs: w1's `sem_wait` blocks at t=2, w2's at 3
/// (each computes first); main posts at 5 and 6: w1 passes at 5, w2 at 6.
#[test]
fn waiters_pass_first_come_first_served() {
    let mut p = with_sem(job("p", 0, "compute 4\nsem_post s\nsem_post s"), "s", 0, None);
    p.threads.push(thread("w1", "compute 1\nsem_wait s"));
    p.threads.push(thread("w2", "compute 2\nsem_wait s"));
    let (_, r) = run(&scenario(3, Policy::Fcfs, None, vec![p]));
    assert_eq!((r.metrics.threads[1].completion, r.metrics.threads[2].completion), (Some(5), Some(6)));
}

/// A post past a declared `max` is a runtime error at its line.
#[test]
fn a_post_on_a_full_bounded_semaphore_is_a_runtime_error() {
    let p = with_sem(job("p", 0, "compute 1\nsem_post s"), "s", 1, Some(1));
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![p]));
    let Outcome::RuntimeError { line, time, message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!((*line, *time), (2, 2));
    assert_eq!(message, "post on semaphore `s`, already at its `max` of 1: a bounded semaphore goes no higher");
}

/// Nobody holds a semaphore, so a deadlock on one names no holder and says why.
#[test]
fn a_deadlock_on_a_semaphore_says_nobody_holds_it() {
    let mut p = with_sem(job("p", 0, "sem_wait a\nsem_post b"), "a", 0, None);
    p = with_sem(p, "b", 0, None);
    p.threads.push(thread("other", "sem_wait b\nsem_post a"));
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    let Outcome::Deadlock { waits, message, time } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(*time, 1);
    assert_eq!((waits[0].waits_for["semaphore"].as_str(), waits[0].holder.as_deref()), ("a", None));
    assert_eq!(
        message,
        "deadlock at t=1: p/main waits for semaphore `a` (a semaphore has no holder: any thread may post it, and no \
         thread left can run to post); p/other waits for semaphore `b` (a semaphore has no holder: any thread may \
         post it, and no thread left can run to post)"
    );
}

fn load_err(json: &str) -> threadlab::model::ScenarioError {
    let e = match Scenario::from_json(json) {
        Err(e) => e,
        Ok(s) => model::run(&s).map(|_| ()).expect_err("an error"),
    };
    e.locate_in(json)
}

/// A semaphore must be declared; a name is one object; declarations are checked.
#[test]
fn bad_semaphores_get_located_errors_in_plain_words() {
    let process = |decl: &str, code: &str| {
        format!(
            r#"{{"name": "x", "processes": [{{"name": "p", {decl} "threads": [{{"name": "t", "code": {code}}}]}}]}}"#
        )
    };
    let e = load_err(&process("", r#"["compute 1", "sem_wait slots"]"#));
    assert_eq!((e.path.as_str(), e.line, e.column), ("processes[0].threads[0].code", Some(2), Some(10)));
    assert_eq!(
        e.message,
        "unknown semaphore `slots`: declare it in the process's `semaphores`, like \"semaphores\": { \"slots\": { \
         \"initial\": 1 } } (it declares none)"
    );
    let e = load_err(&process(r#""semaphores": {"full": {"initial": 0}},"#, r#"["sem_post ful"]"#));
    assert!(e.message.ends_with("(it declares full)"), "{}", e.message);
    let e = load_err(&process(r#""semaphores": {"s": {"initial": 0}},"#, r#"["lock s"]"#));
    assert_eq!(e.message, "`s` is a semaphore in this process, not a mutex: give the mutex a name of its own");
    let e = load_err(&process(r#""semaphores": {"s": {"initial": 5, "max": 4}},"#, r#"["exit"]"#));
    assert_eq!(
        (e.path.as_str(), e.message.as_str()),
        ("processes[0].semaphores.s.initial", "`initial` is 5, above this semaphore's `max` of 4")
    );
    let e = load_err(&process(r#""semaphores": {"s": {"initial": 0, "max": 0}},"#, r#"["exit"]"#));
    assert_eq!(e.path, "processes[0].semaphores.s.max");
    let e = load_err(&process(r#""semaphores": {"s": 3},"#, r#"["exit"]"#));
    assert_eq!(
        e.message,
        "semaphore `s` must be an object like { \"initial\": 1 } or { \"initial\": 0, \"max\": 4 }, got 3"
    );
    let e = load_err(&process(r#""semaphores": {"s": {"initial": -1}},"#, r#"["exit"]"#));
    assert_eq!(e.message, "`initial` must be a whole number, 0 or more, got -1");
    let e = load_err(&process(r#""semaphores": {"s": {"initial": 1}}, "barriers": {"s": 2},"#, r#"["exit"]"#));
    assert_eq!(
        (e.path.as_str(), e.message.as_str()),
        ("processes[0].barriers.s", "`s` is already declared in `semaphores`: one name, one object")
    );
    assert!(e.file_position.is_some());
}
