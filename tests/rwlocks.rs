//! Read-write locks (OSTEP ch. 31.5): readers share, a writer is alone, and the preference
//! (readers by default, or writers) decides who goes first when both wait. Every lock and unlock
//! takes 1 tick; timings worked by hand. At one instant CPU 0's instruction applies first, and
//! thread i starts on CPU i.

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::scenario::{Policy, ProcessSpec, RwLockSpec, RwPreference};

/// Three readers on three CPUs all take the lock at 1, compute 1–5 and leave at 6, together.
#[test]
fn readers_share_the_lock() {
    let code = "read_lock l\ncompute 4\nread_unlock l";
    let mut p = job("p", 0, code);
    p.threads.push(thread("r1", code));
    p.threads.push(thread("r2", code));
    let (sys, r) = run(&scenario(3, Policy::Fcfs, None, vec![p]));
    let done: Vec<Option<u64>> = r.metrics.threads.iter().map(|t| t.completion).collect();
    assert_eq!(done, vec![Some(6), Some(6), Some(6)]);
    assert!(r.metrics.threads.iter().all(|t| t.lock_wait == 0));
    let s = r.trace.unwrap().snapshot(&sys, 3, 3);
    assert_eq!((s.objects[0].rwlocks[0].readers, s.objects[0].rwlocks[0].writer), (3, None));
}

/// A writer is alone. Two CPUs: the writer takes the lock at 1 and computes 1–5, releasing at
/// 6; the reader asks at 2 (after `compute 1`), waits, is let in at 6, computes 6–7 and leaves
/// at 8: 4 ticks waiting.
#[test]
fn a_writer_excludes_readers() {
    let mut p = job("p", 0, "write_lock l\ncompute 4\nwrite_unlock l");
    p.threads.push(thread("reader", "compute 1\nread_lock l\ncompute 1\nread_unlock l"));
    let (sys, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    let reader = &r.metrics.threads[1];
    assert_eq!((reader.completion, reader.lock_wait), (Some(8), 4));
    let s = r.trace.unwrap().snapshot(&sys, 2, 3);
    let l = &s.objects[0].rwlocks[0];
    assert_eq!((l.readers, l.writer, l.waiters.clone()), (0, Some(0), vec![1]));
}

/// A reader holds the lock over 1–7 (`read_lock` at 1, `compute 5`, `read_unlock` at 7). A writer
/// asks at 2 and waits. A second reader asks at 3.
fn reader_writer_reader(prefer: Option<RwPreference>) -> ProcessSpec {
    let mut p = job("p", 0, "read_lock l\ncompute 5\nread_unlock l");
    p.threads.push(thread("writer", "compute 1\nwrite_lock l\ncompute 1\nwrite_unlock l"));
    p.threads.push(thread("late_reader", "compute 2\nread_lock l\ncompute 5\nread_unlock l"));
    if let Some(prefer) = prefer {
        p.rwlocks.insert("l".into(), RwLockSpec { prefer });
    }
    p
}

/// Preferring readers (the default), the second reader gets in at 3 past the waiting writer and
/// reads 3–8, leaving at 9; only then is the writer let in: it writes 9–10 and leaves at 11,
/// after 9 − 2 = 7 ticks of waiting.
#[test]
fn preferring_readers_a_reader_gets_in_past_a_waiting_writer() {
    for spec in [None, Some(RwPreference::Readers)] {
        let (_, r) = run(&scenario(3, Policy::Fcfs, None, vec![reader_writer_reader(spec)]));
        let (w, late) = (&r.metrics.threads[1], &r.metrics.threads[2]);
        assert_eq!((w.completion, w.lock_wait), (Some(11), 7), "{spec:?}");
        assert_eq!((late.completion, late.lock_wait), (Some(9), 0), "{spec:?}");
    }
}

/// Preferring writers, the second reader waits behind the waiting writer from 3. The first
/// reader leaves at 7 and the writer is let in: it writes 7–8 and leaves at 9, letting the
/// reader in, which reads 9–14 and leaves at 15.
#[test]
fn preferring_writers_a_waiting_writer_goes_first() {
    let (_, r) = run(&scenario(3, Policy::Fcfs, None, vec![reader_writer_reader(Some(RwPreference::Writers))]));
    let (w, late) = (&r.metrics.threads[1], &r.metrics.threads[2]);
    assert_eq!((w.completion, w.lock_wait), (Some(9), 5));
    assert_eq!((late.completion, late.lock_wait), (Some(15), 6));
}

#[test]
fn misusing_a_read_write_lock_is_a_runtime_error() {
    let err = |code: &str| {
        let (_, r) = run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, code)]));
        match r.outcome {
            Outcome::RuntimeError { line, message, .. } => (line, message),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        err("read_lock l\nwrite_unlock l"),
        (2, "write_unlock of read-write lock `l`, which this thread does not hold for writing (1 other thread holds it for reading)".into())
    );
    assert_eq!(
        err("read_unlock l"),
        (
            1,
            "read_unlock of read-write lock `l`, which this thread does not hold for reading (it is not locked)".into()
        )
    );
    let (line, message) = err("read_lock l\nwrite_lock l");
    assert_eq!(line, 2);
    assert!(message.starts_with("write_lock of read-write lock `l`, which this thread already holds"), "{message}");
}

/// A writer waiting on a lock whose reader exited holding it: the report names that reader.
#[test]
fn a_deadlock_names_the_exited_reader() {
    let mut p = job("p", 0, "read_lock l");
    p.threads.push(thread("writer", "compute 2\nwrite_lock l"));
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![p]));
    let Outcome::Deadlock { waits, message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!((waits[0].holder.as_deref(), waits[0].holder_terminated), (Some("p/main"), true));
    assert_eq!(
        message,
        "deadlock at t=3: p/writer waits for read-write lock `l` to write (held for reading by p/main, which exited \
         without unlocking)"
    );
}
