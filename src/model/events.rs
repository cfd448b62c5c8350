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
/// A CPU has at most one pending event (a new one replaces it), so CPU events are kept apart, in
/// one slot per CPU, and only timers, I/O completions and arrivals go through the binary heap.
/// The earliest CPU events are remembered as a group: their time and a bit per CPU due then, so
/// the next CPU event is the group's lowest bit, and a push only compares its time with the
/// group's. Only when a group is used up are the slots scanned for the next one. Many CPUs
/// often finish a step at the same instant, and most new events fall after the group, so the
/// common case is a comparison and a bit operation. (Counted with callgrind on the benchmark:
/// fewer instructions than a time-sorted list of groups, a scan of the slots at every event, a
/// sorted list of keys, a second heap or a tournament tree.)
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    /// `cpu_at[cpu]`: when the CPU's pending event is due; [`EMPTY`] if it has none.
    cpu_at: Vec<Ticks>,
    /// `cpu_kind[cpu]`: the CPU's pending event (meaningful when it has one).
    cpu_kind: Vec<EventKind>,
    /// The earliest time in `cpu_at`, when `due` is not 0.
    due_time: Ticks,
    /// Bit `c` set: CPU `c`'s event is due at `due_time`, the earliest. 0: not known (every CPU
    /// of the group was popped or moved, or none is pending); the next look scans the slots.
    due: u64,
    seq: u32,
}

/// Marks a CPU without a pending event.
const EMPTY: Ticks = Ticks::MAX;

/// Most CPUs a queue serves (one bit each in a mask).
const MAX_CPUS: usize = 64;

impl EventQueue {
    /// An empty queue for a machine with `cpus` CPUs (at most 64).
    pub fn new(cpus: usize) -> Self {
        assert!(cpus <= MAX_CPUS, "at most {MAX_CPUS} CPUs");
        EventQueue {
            heap: BinaryHeap::new(),
            cpu_at: vec![EMPTY; cpus],
            cpu_kind: vec![EventKind::Arrive { tid: 0 }; cpus],
            due_time: EMPTY,
            due: 0,
            seq: 0,
        }
    }

    /// The earliest CPU events as (time, mask of their CPUs), scanning the slots if that group
    /// is not known; `None` if no CPU event is pending.
    #[inline]
    fn first_cpu_group(&mut self) -> Option<(Ticks, u64)> {
        if self.due == 0 {
            self.find_first_cpu_group();
        }
        (self.due != 0).then_some((self.due_time, self.due))
    }

    /// Scans the CPU slots for the earliest time and the CPUs due then.
    fn find_first_cpu_group(&mut self) {
        let (mut first, mut due) = (EMPTY, 0);
        for (cpu, &t) in self.cpu_at.iter().enumerate() {
            if t < first {
                (first, due) = (t, 1 << cpu);
            } else if t == first && t != EMPTY {
                due |= 1 << cpu;
            }
        }
        (self.due_time, self.due) = (first, due);
    }

    /// Drops CPU `cpu`'s pending event, if any.
    pub fn cancel_cpu(&mut self, cpu: CpuId) {
        if let Some(t) = self.cpu_at.get_mut(cpu) {
            *t = EMPTY;
            self.due &= !(1 << cpu);
        }
    }

    /// Schedules `kind` at `time`. A CPU event replaces that CPU's pending one.
    #[inline]
    pub fn push(&mut self, time: Ticks, kind: EventKind) {
        if let EventKind::CpuStep { cpu, .. } | EventKind::SwitchDone { cpu, .. } = kind {
            assert!(cpu < self.cpu_at.len(), "CPU {cpu} is not on this machine");
            self.cpu_at[cpu] = time;
            self.cpu_kind[cpu] = kind;
            // Keep the earliest group exact, if known (an unknown one is found when needed).
            if self.due != 0 {
                let bit = 1 << cpu;
                if time < self.due_time {
                    (self.due_time, self.due) = (time, bit);
                } else if time == self.due_time {
                    self.due |= bit;
                } else {
                    self.due &= !bit; // its replaced event may have been in the group
                }
            }
            return;
        }
        self.push_to_heap(time, kind);
    }

    /// Schedules a timer, I/O completion or arrival (the binary heap's events).
    #[inline(never)]
    fn push_to_heap(&mut self, time: Ticks, kind: EventKind) {
        let (rank, index) = kind.rank_index();
        // The sequence only orders events equal in time, rank and index, which the simulation
        // never has pending at once (one event per CPU, per thread); wrapping is harmless.
        self.seq = self.seq.wrapping_add(1);
        debug_assert!(index < 1 << 24, "event index {index} needs more than 24 bits");
        let key = (time as u128) << 64 | (rank as u128) << 56 | ((index & 0xff_ffff) as u128) << 32 | self.seq as u128;
        self.heap.push(Reverse(Entry { key, kind }));
    }

    /// Time of the next event.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Ticks> {
        let heap = self.heap.peek().map(|Reverse(e)| (e.key >> 64) as Ticks);
        match (self.first_cpu_group(), heap) {
            (Some((c, _)), Some(h)) => Some(c.min(h)),
            (Some((c, _)), None) => Some(c),
            (None, h) => h,
        }
    }

    /// Removes the next event. CPU events come before other events at the same time.
    #[inline]
    pub fn pop(&mut self) -> Option<Event> {
        self.pop_until(Ticks::MAX)
    }

    /// Removes the next event if it is due at or before `time`.
    #[inline]
    pub fn pop_until(&mut self, time: Ticks) -> Option<Event> {
        let heap = self.heap.peek().map(|Reverse(e)| (e.key >> 64) as Ticks);
        match (self.first_cpu_group(), heap) {
            (Some((c, mask)), h) if c <= time && h.is_none_or(|h| c <= h) => {
                let cpu = mask.trailing_zeros() as usize;
                self.due = mask & (mask - 1);
                self.cpu_at[cpu] = EMPTY;
                Some(Event { time: c, kind: self.cpu_kind[cpu] })
            }
            (_, Some(h)) if h <= time => {
                self.heap.pop().map(|Reverse(e)| Event { time: (e.key >> 64) as Ticks, kind: e.kind })
            }
            _ => None,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len() + self.cpu_at.iter().filter(|&&t| t != EMPTY).count()
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

    /// The remembered earliest group agrees with a plain scan of the slots, over many random
    /// pushes (new and replacing), cancellations and pops.
    #[test]
    fn cpu_slots_pop_in_time_then_cpu_order() {
        let mut q = EventQueue::new(5);
        let mut state: u64 = 12345;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            state >> 33
        };
        let mut model: Vec<Option<Ticks>> = vec![None; 5];
        for _ in 0..2000 {
            let roll = next() % 8;
            if roll == 0 {
                let cpu = (next() % 5) as usize;
                q.cancel_cpu(cpu);
                model[cpu] = None;
            } else if roll < 4 {
                let want = (0..5).filter_map(|c| model[c].map(|t| (t, c))).min();
                let got = q.pop().map(|e| match e.kind {
                    EventKind::CpuStep { cpu, .. } => (e.time, cpu),
                    _ => unreachable!(),
                });
                assert_eq!(got, want);
                if let Some((_, c)) = want {
                    model[c] = None;
                }
            } else {
                let (cpu, t) = ((next() % 5) as usize, next() % 50);
                q.push(t, EventKind::CpuStep { cpu, epoch: 0 });
                model[cpu] = Some(t);
            }
            assert_eq!(q.peek_time(), model.iter().flatten().min().copied());
        }
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
