//! The condition variable, with Mesa semantics (Lampson and Redell, 1980; OSTEP ch. 30; POSIX
//! `pthread_cond_wait`): `cond_wait c, m` releases mutex `m` and sleeps in `c`'s queue, both in
//! one step; `cond_signal` makes the first sleeper ready and `cond_broadcast` every sleeper,
//! nothing more. A woken thread runs `cond_wait` again to re-take `m`, possibly waiting for it,
//! and only then returns: another thread may have run in between and changed the condition, so
//! the condition must be re-checked (`while`, not `if`). A signal nobody waits for is lost.

use std::collections::VecDeque;

use crate::model::ThreadId;

/// A condition variable: its sleepers, and the threads signalled but not yet back from
/// `cond_wait` (they must re-take the mutex first).
#[derive(Clone, Debug, Default)]
pub struct Condvar {
    /// Threads asleep in `cond_wait`, the next to be signalled at the front (FIFO).
    pub waiters: VecDeque<ThreadId>,
    /// Threads signalled: ready, and when they run, their `cond_wait` re-takes the mutex.
    pub signalled: Vec<ThreadId>,
}

impl Condvar {
    /// `tid` goes to sleep on the condition variable (its mutex already released).
    pub fn sleep(&mut self, tid: ThreadId) {
        self.waiters.push_back(tid);
    }

    /// `cond_signal`: the first sleeper, now signalled, to be made ready; `None` if nobody
    /// sleeps (the signal is lost).
    pub fn signal(&mut self) -> Option<ThreadId> {
        let t = self.waiters.pop_front()?;
        self.signalled.push(t);
        Some(t)
    }

    /// `cond_broadcast`: every sleeper, in queue order, now signalled, to be made ready.
    pub fn broadcast(&mut self) -> Vec<ThreadId> {
        let all: Vec<ThreadId> = self.waiters.drain(..).collect();
        self.signalled.extend(&all);
        all
    }

    /// Whether `tid` is back from a signal (then its `cond_wait` re-takes the mutex); clears the
    /// mark.
    pub fn take_signal(&mut self, tid: ThreadId) -> bool {
        match self.signalled.iter().position(|&t| t == tid) {
            Some(i) => {
                self.signalled.swap_remove(i);
                true
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_wakes_the_first_sleeper_and_is_lost_if_none() {
        let mut c = Condvar::default();
        assert_eq!(c.signal(), None);
        c.sleep(3);
        c.sleep(1);
        assert_eq!(c.signal(), Some(3));
        assert!(c.take_signal(3));
        assert!(!c.take_signal(3), "the mark is taken once");
        c.sleep(2);
        assert_eq!(c.broadcast(), vec![1, 2]);
        assert!(c.waiters.is_empty() && c.take_signal(2) && c.take_signal(1));
    }
}
