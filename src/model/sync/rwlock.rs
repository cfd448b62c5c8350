//! The read-write lock (OSTEP ch. 31.5; POSIX `pthread_rwlock_t`): many readers at once, or one
//! writer alone. When both wait, its preference decides who goes first
//! ([`RwPreference`]): readers (they may starve writers) or writers (they may starve readers).

use std::collections::VecDeque;

use crate::model::ThreadId;
use crate::model::scenario::RwPreference;

/// A read-write lock: its holders, and its readers and writers waiting, each queue FIFO.
#[derive(Clone, Debug, Default)]
pub struct RwLock {
    /// Whom it lets in first when both readers and writers wait.
    pub prefer: RwPreference,
    /// Threads holding it for reading, in the order they got it.
    pub readers: Vec<ThreadId>,
    /// Thread holding it for writing; `None`: no writer.
    pub writer: Option<ThreadId>,
    /// Threads waiting to read, first come first.
    pub waiting_readers: VecDeque<ThreadId>,
    /// Threads waiting to write, first come first.
    pub waiting_writers: VecDeque<ThreadId>,
}

/// Result of asking for a read-write lock.
#[derive(Debug, PartialEq, Eq)]
pub enum Grant {
    /// The caller holds it now.
    Granted,
    /// The caller has joined a queue and must block.
    MustWait,
    /// The caller holds it already (to read or to write): it would wait for itself, or take it
    /// twice (a program error).
    AlreadyHeld,
}

impl RwLock {
    /// A free read-write lock with this preference.
    pub fn new(prefer: RwPreference) -> Self {
        RwLock { prefer, ..RwLock::default() }
    }

    fn holds(&self, tid: ThreadId) -> bool {
        self.writer == Some(tid) || self.readers.contains(&tid)
    }

    /// `tid` asks to read: it gets in unless a writer holds the lock, or, preferring writers, a
    /// writer waits.
    pub fn read_lock(&mut self, tid: ThreadId) -> Grant {
        if self.holds(tid) {
            return Grant::AlreadyHeld;
        }
        let writers_first = self.prefer == RwPreference::Writers && !self.waiting_writers.is_empty();
        if self.writer.is_some() || writers_first {
            self.waiting_readers.push_back(tid);
            return Grant::MustWait;
        }
        self.readers.push(tid);
        Grant::Granted
    }

    /// `tid` asks to write: it gets in if nobody holds the lock.
    pub fn write_lock(&mut self, tid: ThreadId) -> Grant {
        if self.holds(tid) {
            return Grant::AlreadyHeld;
        }
        if self.writer.is_some() || !self.readers.is_empty() {
            self.waiting_writers.push_back(tid);
            return Grant::MustWait;
        }
        self.writer = Some(tid);
        Grant::Granted
    }

    /// `tid` stops reading. Returns the threads let in as a result (the first waiting writer,
    /// or every waiting reader, by the preference, once the lock is free);
    /// `None` if `tid` was not reading.
    pub fn read_unlock(&mut self, tid: ThreadId) -> Option<Vec<ThreadId>> {
        let i = self.readers.iter().position(|&r| r == tid)?;
        self.readers.remove(i);
        Some(self.admit())
    }

    /// `tid` stops writing. Returns the threads let in; `None` if `tid` was not the writer.
    pub fn write_unlock(&mut self, tid: ThreadId) -> Option<Vec<ThreadId>> {
        if self.writer != Some(tid) {
            return None;
        }
        self.writer = None;
        Some(self.admit())
    }

    /// Once the lock is free, lets waiters in: the first waiting writer, or every waiting reader
    /// at once, whichever the preference puts first (the other if only it waits). They hold the
    /// lock on return and must be woken.
    fn admit(&mut self) -> Vec<ThreadId> {
        if self.writer.is_some() || !self.readers.is_empty() {
            return Vec::new();
        }
        let readers_first = self.prefer == RwPreference::Readers;
        if (readers_first || self.waiting_writers.is_empty()) && !self.waiting_readers.is_empty() {
            self.readers.extend(self.waiting_readers.drain(..));
            return self.readers.clone();
        }
        match self.waiting_writers.pop_front() {
            Some(w) => {
                self.writer = Some(w);
                vec![w]
            }
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_share_a_writer_is_alone() {
        let mut l = RwLock::new(RwPreference::Readers);
        assert_eq!((l.read_lock(1), l.read_lock(2)), (Grant::Granted, Grant::Granted));
        assert_eq!(l.write_lock(3), Grant::MustWait);
        // Preferring readers, a reader gets in past the waiting writer.
        assert_eq!(l.read_lock(4), Grant::Granted);
        assert_eq!((l.read_unlock(1), l.read_unlock(2)), (Some(vec![]), Some(vec![])));
        assert_eq!(l.read_unlock(4), Some(vec![3]));
        assert_eq!(l.read_lock(1), Grant::MustWait);
        assert_eq!(l.write_unlock(3), Some(vec![1]));
    }

    #[test]
    fn preferring_writers_a_waiting_writer_goes_first() {
        let mut l = RwLock::new(RwPreference::Writers);
        assert_eq!(l.read_lock(1), Grant::Granted);
        assert_eq!(
            (l.write_lock(2), l.read_lock(3), l.read_lock(4)),
            (Grant::MustWait, Grant::MustWait, Grant::MustWait)
        );
        assert_eq!(l.read_unlock(1), Some(vec![2]));
        assert_eq!(l.write_unlock(2), Some(vec![3, 4]));
        assert_eq!((l.write_unlock(3), l.read_lock(3)), (None, Grant::AlreadyHeld));
    }
}
