//! The message channel: a bounded first-in first-out queue of messages between processes, as a
//! POSIX pipe or message queue (`mq_send`, `mq_receive`) is. Channels are declared at scenario
//! level (`"channels": {"ch": {"capacity": 2}}`), so threads of any process may use one: the one
//! way processes share data without a shared segment (OSTEP ch. 5's `pipe()`).
//!
//! `send ch, v` puts a message in, blocking while the channel holds `capacity` messages;
//! `recv rX, ch` takes the oldest out, blocking while it is empty. A woken thread runs its
//! instruction again (another thread may have taken the room or the message first), as a woken
//! `join` does: nothing is handed over, so a message is never lost or duplicated.

use std::collections::VecDeque;

use crate::model::ThreadId;

/// A channel at run time: the messages in it, oldest first, and who waits on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Channel {
    /// The most messages it holds (≥ 1).
    pub capacity: usize,
    /// Messages sent and not yet received, oldest (next received) first.
    pub queue: VecDeque<i64>,
    /// Threads blocked in `send` because it was full, in the order they came.
    pub senders: VecDeque<ThreadId>,
    /// Threads blocked in `recv` because it was empty, in the order they came.
    pub receivers: VecDeque<ThreadId>,
}

/// Result of a `send`.
#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    /// The message is in; `woke`: the first thread waiting to receive, which must be woken (its
    /// `recv` runs again).
    Queued {
        /// A receiver to wake, if one waited.
        woke: Option<ThreadId>,
    },
    /// The channel is full: the sender has joined the senders' queue and must block.
    Full,
}

/// Result of a `recv`.
#[derive(Debug, PartialEq, Eq)]
pub enum Received {
    /// The oldest message, taken out; `woke`: the first thread waiting to send, which must be
    /// woken (its `send` runs again and finds room).
    Got {
        /// The message.
        value: i64,
        /// A sender to wake, if one waited.
        woke: Option<ThreadId>,
    },
    /// The channel is empty: the receiver has joined the receivers' queue and must block.
    Empty,
}

impl Channel {
    /// An empty channel holding at most `capacity` messages.
    pub fn new(capacity: usize) -> Self {
        Channel { capacity: capacity.max(1), ..Channel::default() }
    }

    /// `tid` sends `value`: in if there is room (waking a receiver), else `tid` waits.
    pub fn send(&mut self, tid: ThreadId, value: i64) -> Sent {
        if self.queue.len() < self.capacity {
            self.queue.push_back(value);
            Sent::Queued { woke: self.receivers.pop_front() }
        } else {
            self.senders.push_back(tid);
            Sent::Full
        }
    }

    /// `tid` receives: the oldest message if any (waking a sender), else `tid` waits.
    pub fn recv(&mut self, tid: ThreadId) -> Received {
        match self.queue.pop_front() {
            Some(value) => Received::Got { value, woke: self.senders.pop_front() },
            None => {
                self.receivers.push_back(tid);
                Received::Empty
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_channel_makes_the_sender_wait_and_a_receive_wakes_it() {
        let mut c = Channel::new(1);
        assert_eq!(c.send(0, 7), Sent::Queued { woke: None });
        assert_eq!(c.send(0, 8), Sent::Full);
        assert_eq!(c.recv(1), Received::Got { value: 7, woke: Some(0) });
        // The woken sender runs its `send` again and finds room.
        assert_eq!(c.send(0, 8), Sent::Queued { woke: None });
        assert_eq!(c.recv(1), Received::Got { value: 8, woke: None });
    }

    #[test]
    fn an_empty_channel_makes_the_receiver_wait_and_a_send_wakes_it() {
        let mut c = Channel::new(2);
        assert_eq!(c.recv(3), Received::Empty);
        assert_eq!(c.send(0, 5), Sent::Queued { woke: Some(3) });
        assert_eq!(c.recv(3), Received::Got { value: 5, woke: None });
    }
}
