//! The page's memory view lists each synchronisation object in words
//! (`ObjectsView::lines`): its state and who waits on it, at an instant of a run. The runs and
//! their timings are the hand-worked ones of `tests/semaphores.rs`, `spinlocks.rs`,
//! `rwlocks.rs`, `condvars.rs` and `barriers.rs`; at one instant CPU 0's step applies first.

mod common;
use common::*;
use threadlab::model::scenario::{Policy, ProcessSpec, RwLockSpec, RwPreference, SemaphoreSpec};
use threadlab::model::sync::names::ObjectKind;

/// Process 0's objects at `time` as (kind, name, state).
fn lines(p: ProcessSpec, cpus: u32, time: u64) -> Vec<(ObjectKind, String, String)> {
    let (sys, r) = run(&scenario(cpus, Policy::Fcfs, None, vec![p]));
    let s = r.trace.unwrap().snapshot(&sys, cpus as usize, time);
    s.objects[0].lines(&sys, 0, &s.threads).into_iter().map(|l| (l.kind, l.name, l.state)).collect()
}

fn line(kind: ObjectKind, name: &str, state: &str) -> (ObjectKind, String, String) {
    (kind, name.into(), state.into())
}

/// Two CPUs: `waiter`'s `sem_wait` completes at 1 and blocks (value 0); `poster` computes 0–5
/// and posts at 6, which hands the post to the waiter. At 3 it waits; at 7 nobody does, and the
/// value is still 0 (the post went to the waiter). The bound is shown.
#[test]
fn a_semaphore_shows_its_value_bound_and_queue() {
    let mut p = job("p", 0, "sem_wait s\ncompute 1");
    p.threads[0].name = "waiter".into();
    p.threads.push(thread("poster", "compute 5\nsem_post s"));
    p.semaphores.insert("s".into(), SemaphoreSpec { initial: 0, max: Some(2) });
    let want = |q: &str| vec![line(ObjectKind::Semaphore, "s", &format!("value 0 (at most 2); {q}"))];
    assert_eq!(lines(p.clone(), 2, 3), want("waiting (next first): waiter"));
    assert_eq!(lines(p, 2, 7), want("nobody waits"));
}

/// Two CPUs: main takes `s` at 1 and holds it until its release at 7; the waiter's attempts at
/// 1 to 6 find it taken, so at 3 it is spinning; at 8 the waiter holds it.
#[test]
fn a_spin_lock_shows_its_owner_and_spinners() {
    let mut p = job("p", 0, "spin_lock s\ncompute 5\nspin_unlock s");
    p.threads.push(thread("waiter", "spin_lock s\ncompute 1\nspin_unlock s"));
    assert_eq!(lines(p.clone(), 2, 3), vec![line(ObjectKind::Spinlock, "s", "held by main; spinning: waiter")]);
    assert_eq!(lines(p, 2, 8), vec![line(ObjectKind::Spinlock, "s", "held by waiter")]);
}

/// Two CPUs: main writes over 1–6; the reader asks at 2 and waits to read until 6. Declared to
/// prefer writers, which the line says. Three readers on three CPUs share it over 1–6.
#[test]
fn a_read_write_lock_shows_its_holders_and_what_each_waiter_wants() {
    let mut p = job("p", 0, "write_lock l\ncompute 4\nwrite_unlock l");
    p.threads.push(thread("reader", "compute 1\nread_lock l\ncompute 1\nread_unlock l"));
    p.rwlocks.insert("l".into(), RwLockSpec { prefer: RwPreference::Writers });
    assert_eq!(
        lines(p, 2, 3),
        vec![line(ObjectKind::RwLock, "l", "held by main to write; waiting: reader (to read); prefers writers")]
    );
    let code = "read_lock l\ncompute 4\nread_unlock l";
    let mut p = job("p", 0, code);
    p.threads.push(thread("r1", code));
    p.threads.push(thread("r2", code));
    assert_eq!(lines(p, 3, 3), vec![line(ObjectKind::RwLock, "l", "held by 3 readers; nobody waits; prefers readers")]);
}

/// Two CPUs: the waiter sleeps on `c` from 2 until the signal at 7.
#[test]
fn a_condition_variable_shows_its_sleepers() {
    let mut p = job("p", 0, "lock m\ncond_wait c, m\nunlock m\ncompute 1");
    p.threads[0].name = "waiter".into();
    p.threads.push(thread("signaller", "compute 5\nlock m\ncond_signal c\nunlock m"));
    assert_eq!(lines(p.clone(), 2, 5), vec![line(ObjectKind::Condvar, "c", "asleep (next signalled first): waiter")]);
    assert_eq!(lines(p, 2, 9), vec![line(ObjectKind::Condvar, "c", "nobody asleep")]);
}

/// Three CPUs, count 3: main arrives at 3 and `t1` at 5; `t2` arrives at 7 and opens it.
#[test]
fn a_barrier_shows_how_many_have_arrived_of_its_count() {
    let mut p = job("p", 0, "compute 2\nbarrier b\ncompute 1");
    p.threads.push(thread("t1", "compute 4\nbarrier b\ncompute 1"));
    p.threads.push(thread("t2", "compute 6\nbarrier b\ncompute 1"));
    p.barriers.insert("b".into(), 3);
    assert_eq!(lines(p.clone(), 3, 1), vec![line(ObjectKind::Barrier, "b", "0 of 3 arrived")]);
    assert_eq!(lines(p.clone(), 3, 6), vec![line(ObjectKind::Barrier, "b", "2 of 3 arrived, waiting: main, t1")]);
    assert_eq!(lines(p, 3, 7), vec![line(ObjectKind::Barrier, "b", "0 of 3 arrived")]);
}

/// Several kinds in one process come in the order spin locks, condition variables, read-write
/// locks, semaphores, barriers (mutexes are listed apart).
#[test]
fn kinds_come_in_a_fixed_order() {
    let mut p =
        job("p", 0, "barrier b\nsem_post s\nread_lock l\nread_unlock l\nspin_lock x\nspin_unlock x\ncond_signal c");
    p.barriers.insert("b".into(), 1);
    p.semaphores.insert("s".into(), SemaphoreSpec { initial: 0, max: None });
    let kinds: Vec<ObjectKind> = lines(p, 1, 0).into_iter().map(|l| l.0).collect();
    use ObjectKind::*;
    assert_eq!(kinds, [Spinlock, Condvar, RwLock, Semaphore, Barrier]);
}
