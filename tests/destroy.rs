//! `destroy x` (POSIX `pthread_mutex_destroy` and its kin): ownership rules enforced as runtime
//! errors at their line: no destroying a held lock or an object threads wait on, no use after
//! destroy, no destroying twice. `destroy` takes 1 tick; a fault stops the run when the faulting
//! instruction completes.

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, ProcessSpec, SemaphoreSpec};

/// (line, time, message) of a run's runtime error.
fn fault(p: ProcessSpec, cpus: u32) -> (u32, u64, String) {
    let (_, r) = run(&scenario(cpus, Policy::Fcfs, None, vec![p]));
    match r.outcome {
        Outcome::RuntimeError { line, time, message, .. } => (line, time, message),
        other => panic!("{other:?}"),
    }
}

/// Lock 1, unlock 2, destroy 3: a finished run.
#[test]
fn destroying_a_free_object_is_fine() {
    let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, "lock m\nunlock m\ndestroy m")]));
    assert_eq!((r.outcome, r.metrics.makespan), (Outcome::Completed, 3));
}

/// Two CPUs: main holds `m` over 1–7; `other` computes 0–2 and destroys at 3.
#[test]
fn destroying_a_held_lock_is_a_runtime_error() {
    let mut p = job("p", 0, "lock m\ncompute 5\nunlock m");
    p.threads.push(thread("other", "compute 2\ndestroy m"));
    assert_eq!(fault(p, 2), (2, 3, "destroy of mutex `m` while p/main holds it".into()));
    let mut p = job("p", 0, "read_lock l\ncompute 5");
    p.threads.push(thread("r2", "read_lock l\ncompute 5"));
    p.threads.push(thread("other", "compute 2\ndestroy l"));
    assert_eq!(fault(p, 3).2, "destroy of read-write lock `l` while p/main and 1 more hold it");
}

/// `waiter` blocks in `sem_wait` at 1; main destroys the semaphore at 3.
#[test]
fn destroying_an_object_threads_wait_on_is_a_runtime_error() {
    let mut p = job("p", 0, "compute 2\ndestroy s");
    p.semaphores.insert("s".into(), SemaphoreSpec { initial: 0, max: None });
    p.threads.push(thread("waiter", "sem_wait s"));
    assert_eq!(fault(p, 2), (2, 3, "destroy of semaphore `s` while a thread waits on it".into()));
}

#[test]
fn using_or_destroying_a_destroyed_object_is_a_runtime_error() {
    // destroy at 1; the `lock` faults when it completes, at 2.
    assert_eq!(fault(job("p", 0, "destroy m\nlock m"), 1), (2, 2, "use of mutex `m` after it was destroyed".into()));
    assert_eq!(
        fault(job("p", 0, "destroy c\ncond_signal c"), 1).2,
        "use of condition variable `c` after it was destroyed"
    );
    assert_eq!(
        fault(job("p", 0, "spin_lock s\nspin_unlock s\ndestroy s\ndestroy s"), 1),
        (4, 4, "destroy of spin lock `s`, which is already destroyed".into())
    );
}

/// `destroy` may name an object that only a program read after it uses: main's code comes
/// before `worker`'s. The worker locks at 1 and unlocks at 2; main computes 0–5 and destroys at 6.
#[test]
fn destroy_may_name_an_object_a_later_program_uses() {
    let mut p = job("p", 0, "compute 5\ndestroy m");
    p.threads.push(thread("worker", "lock m\nunlock m"));
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    assert_eq!((r.outcome, r.metrics.makespan), (Outcome::Completed, 6));
    assert_eq!(sys.processes[0].mutexes, vec!["m"]);
}

#[test]
fn destroying_an_unknown_name_is_a_located_error() {
    let e = threadlab::model::run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, "compute 1\ndestroy x")]))
        .map(|_| ())
        .unwrap_err();
    assert_eq!((e.line, e.column), (Some(2), Some(9)));
    assert!(e.message.starts_with("no object `x` in this process: `destroy` names a mutex"), "{}", e.message);
}
