//! The counting semaphore (Dijkstra's P and V; OSTEP ch. 31): a value that `sem_wait` takes one
//! from, blocking at 0, and `sem_post` gives one back to. Nobody owns it: any thread may post,
//! and a post made while nobody waits is remembered in the value.

use std::collections::VecDeque;

use crate::model::ThreadId;

/// A counting semaphore: a value ≥ 0, a FIFO queue of blocked threads, and an optional bound.
///
/// A post while threads wait hands the unit straight to the first of them, which becomes ready
/// having passed its `sem_wait` (the value stays 0, so no other thread can take it first), as
/// Linux's kernel semaphore does (`kernel/locking/semaphore.c`, `up()` → `__up()`).
#[derive(Clone, Debug, Default)]
pub struct Semaphore {
    /// Its value: how many `sem_wait`s would pass now. Never below 0.
    pub value: u64,
    /// The most it may hold (a bounded semaphore); `None`: no bound.
    pub max: Option<u64>,
    /// Threads blocked in `sem_wait`, the next to pass at the front (FIFO).
    pub waiters: VecDeque<ThreadId>,
}

/// Result of `sem_wait`.
#[derive(Debug, PartialEq, Eq)]
pub enum Down {
    /// The value was above 0 and is now one less: the caller goes on.
    Passed,
    /// The value was 0: the caller has joined the queue and must block.
    MustWait,
}

/// Result of `sem_post`.
#[derive(Debug, PartialEq, Eq)]
pub enum Up {
    /// Nobody waited: the value is one more.
    Raised,
    /// The first waiter passes its `sem_wait` and must be woken; the value stays 0.
    HandedTo(ThreadId),
    /// The value is at its bound: the post is a program error (reported as a runtime error).
    Full {
        /// The bound.
        max: u64,
    },
}

impl Semaphore {
    /// A semaphore holding `initial`, bounded by `max` if given.
    pub fn new(initial: u64, max: Option<u64>) -> Self {
        Semaphore { value: initial, max, waiters: VecDeque::new() }
    }

    /// `tid` waits (P): passes if the value is above 0, else joins the queue.
    pub fn wait(&mut self, tid: ThreadId) -> Down {
        if self.value > 0 {
            self.value -= 1;
            Down::Passed
        } else {
            self.waiters.push_back(tid);
            Down::MustWait
        }
    }

    /// A thread posts (V): wakes the first waiter, else raises the value (up to its bound).
    pub fn post(&mut self) -> Up {
        if let Some(next) = self.waiters.pop_front() {
            return Up::HandedTo(next);
        }
        match self.max {
            Some(max) if self.value >= max => Up::Full { max },
            _ => {
                self.value = self.value.saturating_add(1);
                Up::Raised
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_is_remembered_and_a_wait_at_zero_queues() {
        let mut s = Semaphore::new(1, None);
        assert_eq!(s.wait(0), Down::Passed);
        assert_eq!((s.wait(1), s.wait(2)), (Down::MustWait, Down::MustWait));
        assert_eq!(s.value, 0);
        // Posts go to the waiters in the order they came, the value staying 0.
        assert_eq!((s.post(), s.post()), (Up::HandedTo(1), Up::HandedTo(2)));
        assert_eq!((s.post(), s.value), (Up::Raised, 1));
    }

    #[test]
    fn a_bounded_semaphore_refuses_a_post_at_its_bound() {
        let mut s = Semaphore::new(2, Some(2));
        assert_eq!(s.post(), Up::Full { max: 2 });
        assert_eq!(s.wait(0), Down::Passed);
        assert_eq!((s.post(), s.value), (Up::Raised, 2));
    }
}
