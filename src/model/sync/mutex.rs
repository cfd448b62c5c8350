//! The mutex: a lock with one owner and a FIFO wait queue, handed straight to the next waiter.

use std::collections::VecDeque;

use crate::model::ThreadId;

/// A mutex: at most one owner; threads that find it taken block in FIFO order.
///
/// Unlock hands the mutex straight to the first waiter (no barging), as a fair, queue-based
/// mutex does; the waiter becomes ready already holding it.
#[derive(Clone, Debug, Default)]
pub struct Mutex {
    /// Thread holding it (inside its critical section); `None`: free.
    pub owner: Option<ThreadId>,
    /// Threads blocked waiting for it, next owner at the front (FIFO).
    pub waiters: VecDeque<ThreadId>,
}

/// Result of trying to take a mutex.
#[derive(Debug, PartialEq, Eq)]
pub enum Acquire {
    /// It was free; the caller now owns it.
    Acquired,
    /// Taken by `owner`; the caller has joined the wait queue and must block.
    MustWait {
        /// The current owner.
        owner: ThreadId,
    },
}

/// Result of releasing a mutex.
#[derive(Debug, PartialEq, Eq)]
pub enum Release {
    /// Nobody waited; the mutex is free.
    Freed,
    /// Ownership passed to this waiter, which must be woken.
    HandedTo(ThreadId),
    /// The caller did not own it (a program bug, reported as a runtime error).
    NotOwner {
        /// The actual owner; `None`: the mutex was free.
        owner: Option<ThreadId>,
    },
}

impl Mutex {
    /// `tid` tries to take the mutex; if it is taken, `tid` joins the wait queue.
    pub fn acquire(&mut self, tid: ThreadId) -> Acquire {
        match self.owner {
            None => {
                self.owner = Some(tid);
                Acquire::Acquired
            }
            Some(owner) => {
                self.waiters.push_back(tid);
                Acquire::MustWait { owner }
            }
        }
    }

    /// `tid` releases the mutex.
    pub fn release(&mut self, tid: ThreadId) -> Release {
        if self.owner != Some(tid) {
            return Release::NotOwner { owner: self.owner };
        }
        self.owner = self.waiters.pop_front();
        match self.owner {
            Some(next) => Release::HandedTo(next),
            None => Release::Freed,
        }
    }
}
