//! The event queue: a binary heap of timestamped events with a deterministic order.
//!
//! Events pop in order of (time, rank, index, sequence):
//! - rank 0, CPU events (an instruction or context switch completes), by CPU index: so at one
//!   instant CPU 0's memory write applies before CPU 1's;
//! - rank 1, I/O completions, by thread id;
//! - rank 2, arrivals, by thread id;
//! - the sequence number (insertion order) breaks any remaining tie.
//!
//! Threads made ready during one instant are queued together afterwards, in the order of the
//! scenario's [`super::scenario::TieRule`], so event order alone never decides ready-queue order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{CpuId, ThreadId, Ticks};

/// What happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The CPU finishes the current step of its thread (an instruction or a slice of a
    /// `compute`). `epoch` must match the CPU's, else the event is stale and ignored.
    CpuStep { cpu: CpuId, epoch: u32 },
    /// The CPU finishes a context switch and starts running its new thread.
    SwitchDone { cpu: CpuId, epoch: u32 },
    /// The thread's blocking I/O completes.
    IoDone { tid: ThreadId },
    /// The thread arrives (becomes ready for the first time).
    Arrive { tid: ThreadId },
}

impl EventKind {
    fn rank_index(&self) -> (u8, u32) {
        match *self {
            EventKind::CpuStep { cpu, .. } | EventKind::SwitchDone { cpu, .. } => (0, cpu as u32),
            EventKind::IoDone { tid } => (1, tid as u32),
            EventKind::Arrive { tid } => (2, tid as u32),
        }
    }
}

/// An event at a time, in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub time: Ticks,
    pub kind: EventKind,
}

/// A heap entry: the ordering key packed into one integer (time in the high 64 bits, then
/// rank: 2 bits, index: 30 bits, sequence: 32 bits) so each heap comparison is a single compare.
#[derive(Debug)]
struct Entry {
    key: u128,
    kind: EventKind,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key.cmp(&other.key)
    }
}

/// Min-heap of events by (time, rank, index, sequence).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    seq: u32,
}

impl EventQueue {
    /// Schedules `kind` at `time`.
    pub fn push(&mut self, time: Ticks, kind: EventKind) {
        let (rank, index) = kind.rank_index();
        // The sequence only orders events equal in time, rank and index, which the simulation
        // never has pending at once (one event per CPU, per thread); wrapping is harmless.
        self.seq = self.seq.wrapping_add(1);
        let key = (time as u128) << 64 | (rank as u128) << 62 | ((index & 0x3fff_ffff) as u128) << 32 | self.seq as u128;
        self.heap.push(Reverse(Entry { key, kind }));
    }

    /// Time of the next event.
    pub fn peek_time(&self) -> Option<Ticks> {
        self.heap.peek().map(|Reverse(e)| (e.key >> 64) as Ticks)
    }

    /// Removes the next event.
    pub fn pop(&mut self) -> Option<Event> {
        self.heap.pop().map(|Reverse(e)| Event { time: (e.key >> 64) as Ticks, kind: e.kind })
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
