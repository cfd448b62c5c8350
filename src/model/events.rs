//! The event queue: a binary heap of timestamped events with a deterministic order.
//!
//! Events pop in order of (time, rank, index, sequence):
//! - rank 0, CPU events (an instruction or context switch completes), by CPU index: so at one
//!   instant CPU 0's memory write applies before CPU 1's;
//! - rank 1, kernel timers ([`super::timers`]), by timer id (request order);
//! - rank 2, I/O completions, by thread id;
//! - rank 3, arrivals, by thread id;
//! - the sequence number (insertion order) breaks any remaining tie.
//!
//! The key leaves room for more kinds: 8 bits of rank (256 kinds) and 24 bits of index.
//!
//! Threads made ready during one instant are queued together afterwards, in the order of the
//! scenario's [`super::scenario::TieRule`], so event order alone never decides ready-queue order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::timers::TimerId;
use super::{CpuId, ThreadId, Ticks};

/// What happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// The CPU finishes the current step of its thread (an instruction or a slice of a
    /// `compute`). `epoch` must match the CPU's, else the event is stale and ignored.
    CpuStep {
        /// CPU whose step completes.
        cpu: CpuId,
        /// The CPU's epoch when the step was scheduled.
        epoch: u32,
    },
    /// The CPU finishes a context switch and starts running its new thread.
    SwitchDone {
        /// CPU whose context switch completes.
        cpu: CpuId,
        /// The CPU's epoch when the switch began; as for `CpuStep`, a mismatch means stale.
        epoch: u32,
    },
    /// A kernel timer is due ([`super::timers::Timers::fire`] says whose, if not cancelled).
    Timer {
        /// The timer.
        id: TimerId,
    },
    /// The thread's blocking I/O completes.
    IoDone {
        /// Thread whose I/O completes.
        tid: ThreadId,
    },
    /// The thread arrives (becomes ready for the first time).
    Arrive {
        /// Arriving thread.
        tid: ThreadId,
    },
}

impl EventKind {
    fn rank_index(&self) -> (u8, u32) {
        match *self {
            EventKind::CpuStep { cpu, .. } | EventKind::SwitchDone { cpu, .. } => (0, cpu as u32),
            EventKind::Timer { id } => (1, id.0),
            EventKind::IoDone { tid } => (2, tid as u32),
            EventKind::Arrive { tid } => (3, tid as u32),
        }
    }
}

/// An event at a time, in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// When it happens, in ticks.
    pub time: Ticks,
    /// What happens.
    pub kind: EventKind,
}

/// A heap entry: the ordering key packed into one integer (time in the high 64 bits, then
/// rank: 8 bits, index: 24 bits, sequence: 32 bits) so each heap comparison is a single compare.
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

/// Events in (time, rank, index, sequence) order.
///
/// A CPU has at most one pending event, so CPU events sit in one slot per CPU (a new one
/// replaces a stale one) and only I/O completions and arrivals go through the binary heap.
/// Most events are CPU steps, so this keeps the heap small and the common case cheap.
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    /// `cpu_slots[cpu]`: the CPU's pending event, if any.
    cpu_slots: Vec<Option<Event>>,
    seq: u32,
}

impl EventQueue {
    /// An empty queue for a machine with `cpus` CPUs.
    pub fn new(cpus: usize) -> Self {
        EventQueue { heap: BinaryHeap::new(), cpu_slots: vec![None; cpus], seq: 0 }
    }

    /// The CPU slot holding the earliest CPU event (lowest CPU index at a tie).
    fn first_cpu_slot(&self) -> Option<(usize, Ticks)> {
        let mut best: Option<(usize, Ticks)> = None;
        for (cpu, slot) in self.cpu_slots.iter().enumerate() {
            if let Some(ev) = slot
                && best.is_none_or(|(_, t)| ev.time < t)
            {
                best = Some((cpu, ev.time));
            }
        }
        best
    }

    /// Schedules `kind` at `time`. A CPU event replaces that CPU's pending one.
    pub fn push(&mut self, time: Ticks, kind: EventKind) {
        if let EventKind::CpuStep { cpu, .. } | EventKind::SwitchDone { cpu, .. } = kind {
            if cpu >= self.cpu_slots.len() {
                self.cpu_slots.resize(cpu + 1, None);
            }
            self.cpu_slots[cpu] = Some(Event { time, kind });
            return;
        }
        let (rank, index) = kind.rank_index();
        // The sequence only orders events equal in time, rank and index, which the simulation
        // never has pending at once (one event per CPU, per thread); wrapping is harmless.
        self.seq = self.seq.wrapping_add(1);
        debug_assert!(index < 1 << 24, "event index {index} needs more than 24 bits");
        let key = (time as u128) << 64 | (rank as u128) << 56 | ((index & 0xff_ffff) as u128) << 32 | self.seq as u128;
        self.heap.push(Reverse(Entry { key, kind }));
    }

    /// Time of the next event.
    pub fn peek_time(&self) -> Option<Ticks> {
        let heap = self.heap.peek().map(|Reverse(e)| (e.key >> 64) as Ticks);
        match (self.first_cpu_slot(), heap) {
            (Some((_, c)), Some(h)) => Some(c.min(h)),
            (Some((_, c)), None) => Some(c),
            (None, h) => h,
        }
    }

    /// Removes the next event. CPU events come before other events at the same time.
    pub fn pop(&mut self) -> Option<Event> {
        let heap = self.heap.peek().map(|Reverse(e)| (e.key >> 64) as Ticks);
        match (self.first_cpu_slot(), heap) {
            (Some((cpu, c)), h) if h.is_none_or(|h| c <= h) => self.cpu_slots[cpu].take(),
            _ => self.heap.pop().map(|Reverse(e)| Event { time: (e.key >> 64) as Ticks, kind: e.kind }),
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len() + self.cpu_slots.iter().filter(|s| s.is_some()).count()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_time_then_cpu_events_then_timers_then_io_then_arrivals() {
        let mut q = EventQueue::new(2);
        q.push(5, EventKind::Arrive { tid: 0 });
        q.push(5, EventKind::Timer { id: TimerId(2) });
        q.push(5, EventKind::IoDone { tid: 3 });
        q.push(5, EventKind::IoDone { tid: 1 });
        q.push(5, EventKind::CpuStep { cpu: 1, epoch: 0 });
        q.push(5, EventKind::SwitchDone { cpu: 0, epoch: 0 });
        q.push(4, EventKind::Arrive { tid: 9 });
        let order: Vec<EventKind> = std::iter::from_fn(|| q.pop()).map(|e| e.kind).collect();
        assert_eq!(
            order,
            vec![
                EventKind::Arrive { tid: 9 },
                EventKind::SwitchDone { cpu: 0, epoch: 0 },
                EventKind::CpuStep { cpu: 1, epoch: 0 },
                EventKind::Timer { id: TimerId(2) },
                EventKind::IoDone { tid: 1 },
                EventKind::IoDone { tid: 3 },
                EventKind::Arrive { tid: 0 },
            ]
        );
        assert!(q.is_empty());
    }

    #[test]
    fn a_new_cpu_event_replaces_the_stale_one() {
        let mut q = EventQueue::new(1);
        q.push(9, EventKind::CpuStep { cpu: 0, epoch: 0 });
        q.push(3, EventKind::CpuStep { cpu: 0, epoch: 1 });
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop(), Some(Event { time: 3, kind: EventKind::CpuStep { cpu: 0, epoch: 1 } }));
    }
}
