//! The spin lock (OSTEP ch. 28.7): a lock whose waiter does not sleep but tries again and again,
//! burning its CPU, until the owner releases it. It has no queue: whoever tries first after the
//! release gets it. Built in hardware from test-and-set or compare-and-swap (`xchg`, `cas`); here
//! one instruction, `spin_lock`, is one attempt of 1 tick.

use crate::model::ThreadId;

/// A spin lock: at most one owner, no queue.
#[derive(Clone, Copy, Debug, Default)]
pub struct Spinlock {
    /// Thread holding it; `None`: free.
    pub owner: Option<ThreadId>,
}

/// Result of one attempt to take a spin lock.
#[derive(Debug, PartialEq, Eq)]
pub enum Attempt {
    /// It was free; the caller now owns it.
    Taken,
    /// Another thread holds it: the caller stays on its CPU and tries again.
    Busy,
    /// The caller holds it already: it would spin for ever (a program error).
    OwnedBySelf,
}

impl Spinlock {
    /// `tid` tries once to take the lock.
    pub fn attempt(&mut self, tid: ThreadId) -> Attempt {
        match self.owner {
            None => {
                self.owner = Some(tid);
                Attempt::Taken
            }
            Some(o) if o == tid => Attempt::OwnedBySelf,
            Some(_) => Attempt::Busy,
        }
    }

    /// `tid` releases the lock. Errors: it did not hold it (the owner, if any, is returned).
    pub fn release(&mut self, tid: ThreadId) -> Result<(), Option<ThreadId>> {
        if self.owner != Some(tid) {
            return Err(self.owner);
        }
        self.owner = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_owner_and_no_queue() {
        let mut s = Spinlock::default();
        assert_eq!(s.attempt(1), Attempt::Taken);
        assert_eq!((s.attempt(2), s.attempt(1)), (Attempt::Busy, Attempt::OwnedBySelf));
        assert_eq!(s.release(2), Err(Some(1)));
        assert_eq!(s.release(1), Ok(()));
        assert_eq!(s.attempt(2), Attempt::Taken);
    }
}
