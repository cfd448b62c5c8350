//! The barrier (POSIX `pthread_barrier_wait`; Python's `threading.Barrier`): threads that arrive
//! wait until `count` of them have arrived; the last arrival opens it, every waiter goes on, and
//! the barrier is ready for the next round.

use crate::model::ThreadId;

/// A barrier for `count` threads.
#[derive(Clone, Debug, Default)]
pub struct Barrier {
    /// How many threads must arrive for it to open (≥ 1).
    pub count: u32,
    /// Threads arrived and waiting this round, in arrival order.
    pub waiting: Vec<ThreadId>,
    /// Times it has opened.
    pub rounds: u64,
}

/// Result of arriving at a barrier.
#[derive(Debug, PartialEq, Eq)]
pub enum Arrival {
    /// Not everyone is here: the caller waits.
    MustWait,
    /// The caller is the last: the barrier opens and these waiters, in arrival order, go on.
    Opens(Vec<ThreadId>),
}

impl Barrier {
    /// A barrier that opens when `count` threads have arrived.
    pub fn new(count: u32) -> Self {
        Barrier { count, waiting: Vec::new(), rounds: 0 }
    }

    /// `tid` arrives.
    pub fn arrive(&mut self, tid: ThreadId) -> Arrival {
        if self.waiting.len() + 1 < self.count as usize {
            self.waiting.push(tid);
            return Arrival::MustWait;
        }
        self.rounds += 1;
        Arrival::Opens(std::mem::take(&mut self.waiting))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_arrival_opens_it_for_everyone_and_it_resets() {
        let mut b = Barrier::new(3);
        assert_eq!((b.arrive(4), b.arrive(2)), (Arrival::MustWait, Arrival::MustWait));
        assert_eq!(b.arrive(7), Arrival::Opens(vec![4, 2]));
        assert_eq!((b.rounds, b.arrive(2)), (1, Arrival::MustWait));
        assert_eq!(Barrier::new(1).arrive(0), Arrival::Opens(vec![]));
    }
}
