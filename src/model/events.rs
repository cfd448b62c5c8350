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
//! The key leaves room for more kinds: 8 bits of rank (256 kinds) and 32 bits of index.
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

    /// The heap's event of `rank` (1 to 3) and `index`: the inverse of
    /// [`EventKind::rank_index`] for the events that go through the heap.
    #[inline]
    fn of_rank_index(rank: u8, index: u32) -> Self {
        match rank {
            1 => EventKind::Timer { id: TimerId(index) },
            2 => EventKind::IoDone { tid: index as ThreadId },
            _ => EventKind::Arrive { tid: index as ThreadId },
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

/// A heap entry: the ordering key packed into one integer, time in the high 64 bits, then
/// rank: 8 bits, index: 32 bits, sequence: 24 bits. Each heap comparison is a single compare,
/// and the event itself is read back from the rank and index ([`EventKind::of_rank_index`]):
/// 16 bytes an entry, half of a key beside its event, so sifting moves half the bytes.
type Entry = u128;

/// The heap entry of `kind` (a timer, I/O completion or arrival) at `time`, `seq` its
/// sequence number.
#[inline]
fn entry(time: Ticks, kind: EventKind, seq: u32) -> Entry {
    let (rank, index) = kind.rank_index();
    (time as u128) << 64 | (rank as u128) << 56 | (index as u128) << 24 | (seq & 0xff_ffff) as u128
}

/// The time and event of heap entry `e`.
#[inline]
fn event_of(e: Entry) -> Event {
    let kind = EventKind::of_rank_index((e >> 56) as u8, (e >> 24) as u32);
    Event { time: (e >> 64) as Ticks, kind }
}

/// Events in (time, rank, index, sequence) order.
///
/// A CPU has at most one pending event (a new one replaces it), so CPU events are kept apart and
/// only timers, I/O completions and arrivals go through the binary heap. The earliest CPU events
/// form the *due group*: their time and a bit per CPU due then, so the next CPU event is the
/// group's lowest bit. Later CPU events wait on a timing wheel (as the Linux kernel's timers do;
/// Varghese and Lauck, 1987): one slot per tick for [`WHEEL_TICKS`] ticks, each slot a mask with
/// a bit per CPU, and a mask of the slots in use, so the next group is found with two bit scans.
/// Events further ahead wait aside and join the wheel when it reaches them. Many CPUs often
/// finish a step at the same instant and most new events fall within a few ticks, so the common
/// cases are a few bit operations. (Counted with callgrind on the benchmark: fewer instructions
/// than finding the next group by a scan of every CPU's event, the groups in a sorted list, the
/// wheel alone, a sorted list of keys, a second heap or a tournament tree.)
#[derive(Debug)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Entry>>,
    /// The time of the heap's first event; [`EMPTY`] if the heap is empty (asked at every pop,
    /// kept here so the heap is looked at only when it changes).
    heap_next: Ticks,
    /// The due group's time: no other CPU event is due before it (meaningful if `due` is not 0).
    due_time: Ticks,
    /// Bit `c` set: CPU `c`'s event is due at `due_time`. 0: no group taken off the wheel yet.
    due: u64,
    /// `wheel[t % WHEEL_TICKS]`: bit `c` set if CPU `c`'s event is due at `t`, for the events
    /// outside the due group due before `base + WHEEL_TICKS`.
    wheel: [u64; WHEEL_TICKS as usize],
    /// Bit `s` set: `wheel[s]` is not empty.
    slots_used: u64,
    /// CPUs whose event, outside the due group, is due at `base + WHEEL_TICKS` or later.
    far: u64,
    /// No event in `far` is due before this time (a lower bound).
    far_from: Ticks,
    /// The time of the last event popped: nothing pending, and nothing pushed, is earlier.
    base: Ticks,
    /// `cpu_at[cpu]`: when the CPU's pending event is due; [`EMPTY`] if it has none.
    cpu_at: Vec<Ticks>,
    /// `cpu_kind[cpu]`: the CPU's pending event (meaningful when it has one).
    cpu_kind: Vec<EventKind>,
    seq: u32,
}

/// Ticks the timing wheel covers from the last event popped (one bit each in a mask).
pub const WHEEL_TICKS: Ticks = 64;

/// Marks a CPU without a pending event.
const EMPTY: Ticks = Ticks::MAX;

/// Most CPUs a queue serves (one bit each in a mask).
const MAX_CPUS: usize = 64;

impl Default for EventQueue {
    fn default() -> Self {
        EventQueue::new(0)
    }
}

impl EventQueue {
    /// An empty queue for a machine with `cpus` CPUs (at most 64).
    pub fn new(cpus: usize) -> Self {
        assert!(cpus <= MAX_CPUS, "at most {MAX_CPUS} CPUs");
        EventQueue {
            heap: BinaryHeap::new(),
            heap_next: EMPTY,
            due_time: EMPTY,
            due: 0,
            wheel: [0; WHEEL_TICKS as usize],
            slots_used: 0,
            far: 0,
            far_from: EMPTY,
            base: 0,
            cpu_at: vec![EMPTY; cpus],
            cpu_kind: vec![EventKind::Arrive { tid: 0 }; cpus],
            seq: 0,
        }
    }

    /// The due group as (time, mask of its CPUs), taking the next one off the wheel if the last
    /// was used up; `None` if no CPU event is pending.
    #[inline]
    fn first_cpu_group(&mut self) -> Option<(Ticks, u64)> {
        if self.due == 0 {
            self.take_next_group();
        }
        (self.due != 0).then_some((self.due_time, self.due))
    }

    /// Makes the earliest events on the wheel (or aside, if the wheel is empty) the due group.
    fn take_next_group(&mut self) {
        if self.far != 0 && self.far_from < self.base + WHEEL_TICKS {
            self.take_in_far_events();
        }
        if self.slots_used != 0 {
            // The slots in use, in time order from the base's slot.
            let ahead = self.slots_used.rotate_right((self.base % WHEEL_TICKS) as u32).trailing_zeros();
            let time = self.base + Ticks::from(ahead);
            let slot = (time % WHEEL_TICKS) as usize;
            (self.due_time, self.due) = (time, self.wheel[slot]);
            self.wheel[slot] = 0;
            self.slots_used &= !(1 << slot);
        } else if self.far != 0 {
            self.take_first_far_group();
        }
    }

    /// Puts CPU `cpu`'s event, due at `time` (not before `base`), on the wheel or aside.
    #[inline]
    fn place(&mut self, cpu: CpuId, time: Ticks) {
        debug_assert!(time >= self.base, "an event at t={time} is earlier than the last one popped");
        if time - self.base < WHEEL_TICKS {
            let slot = (time % WHEEL_TICKS) as usize;
            self.wheel[slot] |= 1 << cpu;
            self.slots_used |= 1 << slot;
        } else {
            self.far |= 1 << cpu;
            self.far_from = self.far_from.min(time);
        }
    }

    /// Takes CPU `cpu`'s event, due at `time`, from wherever it waits.
    fn remove(&mut self, cpu: CpuId, time: Ticks) {
        let bit = 1 << cpu;
        if self.due & bit != 0 {
            self.due &= !bit;
        } else if self.far & bit != 0 {
            self.far &= !bit;
        } else {
            let slot = (time % WHEEL_TICKS) as usize;
            self.wheel[slot] &= !bit;
            if self.wheel[slot] == 0 {
                self.slots_used &= !(1 << slot);
            }
        }
    }

    /// Moves the events aside that the wheel now reaches onto it.
    #[cold]
    fn take_in_far_events(&mut self) {
        let mut far = std::mem::take(&mut self.far);
        self.far_from = EMPTY;
        while far != 0 {
            let cpu = far.trailing_zeros() as CpuId;
            far &= far - 1;
            self.place(cpu, self.cpu_at[cpu]);
        }
    }

    /// Makes the earliest events aside the due group (the wheel being empty).
    #[cold]
    fn take_first_far_group(&mut self) {
        let first = (0..self.cpu_at.len()).filter(|&c| self.far & (1 << c) != 0).map(|c| self.cpu_at[c]).min();
        let Some(first) = first else { return };
        let group = (0..self.cpu_at.len()).filter(|&c| self.far & (1 << c) != 0 && self.cpu_at[c] == first);
        (self.due_time, self.due) = (first, group.fold(0, |mask, c| mask | 1 << c));
        self.far &= !self.due;
    }

    /// Drops CPU `cpu`'s pending event, if any.
    pub fn cancel_cpu(&mut self, cpu: CpuId) {
        if let Some(&t) = self.cpu_at.get(cpu)
            && t != EMPTY
        {
            self.remove(cpu, t);
            self.cpu_at[cpu] = EMPTY;
        }
    }

    /// Schedules `kind` at `time` (ticks, not before the last event popped). A CPU event
    /// replaces that CPU's pending one.
    #[inline(always)]
    pub fn push(&mut self, time: Ticks, kind: EventKind) {
        if let EventKind::CpuStep { cpu, .. } | EventKind::SwitchDone { cpu, .. } = kind {
            assert!(cpu < self.cpu_at.len(), "CPU {cpu} is not on this machine");
            let old = self.cpu_at[cpu];
            if old != EMPTY {
                self.remove(cpu, old); // a newer event replaces the CPU's pending one
            }
            self.cpu_at[cpu] = time;
            self.cpu_kind[cpu] = kind;
            if self.due == 0 || time > self.due_time {
                self.place(cpu, time);
            } else if time == self.due_time {
                self.due |= 1 << cpu;
            } else {
                self.put_back_due_group(cpu, time);
            }
            return;
        }
        self.push_to_heap(time, kind);
    }

    /// CPU `cpu`'s event at `time` comes before the due group: the group goes back to wait,
    /// and the event is the new due group.
    #[cold]
    fn put_back_due_group(&mut self, cpu: CpuId, time: Ticks) {
        let mut group = self.due;
        while group != 0 {
            let c = group.trailing_zeros() as CpuId;
            group &= group - 1;
            self.place(c, self.due_time);
        }
        (self.due_time, self.due) = (time, 1 << cpu);
    }

    /// Schedules a timer, I/O completion or arrival (the binary heap's events).
    #[inline(never)]
    fn push_to_heap(&mut self, time: Ticks, kind: EventKind) {
        // The sequence only orders events equal in time, rank and index, which the simulation
        // never has pending at once (one event per CPU, per thread); wrapping is harmless.
        self.seq = self.seq.wrapping_add(1);
        self.heap.push(Reverse(entry(time, kind, self.seq)));
        self.heap_next = self.heap_next.min(time);
    }

    /// Time of the next event.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Ticks> {
        let heap = self.heap_next;
        match self.first_cpu_group() {
            Some((c, _)) => Some(c.min(heap)),
            None => (heap != EMPTY).then_some(heap),
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
        let heap = self.heap_next;
        match self.first_cpu_group() {
            // A CPU event at the heap's first event's time comes first (an empty heap's time is
            // EMPTY, later than any event).
            Some((c, mask)) if c <= time && c <= heap => {
                let cpu = mask.trailing_zeros() as usize;
                self.due = mask & (mask - 1);
                self.cpu_at[cpu] = EMPTY;
                self.base = c;
                Some(Event { time: c, kind: self.cpu_kind[cpu] })
            }
            _ if heap <= time => self.pop_heap(),
            _ => None,
        }
    }

    /// Removes the heap's first event.
    fn pop_heap(&mut self) -> Option<Event> {
        let Reverse(e) = self.heap.pop()?;
        let event = event_of(e);
        self.heap_next = self.heap.peek().map_or(EMPTY, |Reverse(e)| (e >> 64) as Ticks);
        self.base = event.time;
        Some(event)
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

    /// The queue pops CPU events as a plain scan of every CPU's pending event would, over many
    /// random pushes (new and replacing), cancellations and pops. As in a run, nothing is pushed
    /// before the last event popped. CPUs 0 to 3 take events a few ticks ahead, as CPU steps
    /// are, and mostly stay busy; CPU 4 takes events beyond the wheel, which must pop in their
    /// turn among the others.
    #[test]
    fn cpu_events_pop_in_time_then_cpu_order() {
        let mut q = EventQueue::new(5);
        let mut state: u64 = 12345;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            state >> 33
        };
        let mut model: Vec<Option<Ticks>> = vec![None; 5];
        let mut now = 0;
        let mut far_pops = 0;
        for _ in 0..50_000 {
            let roll = next() % 8;
            if roll == 0 {
                let cpu = (next() % 4) as usize;
                q.cancel_cpu(cpu);
                model[cpu] = None;
            } else if roll < 4 {
                let want = (0..5).filter_map(|c| model[c].map(|t| (t, c))).min();
                let got = q.pop().map(|e| match e.kind {
                    EventKind::CpuStep { cpu, .. } => (e.time, cpu),
                    _ => unreachable!(),
                });
                assert_eq!(got, want);
                if let Some((t, c)) = want {
                    model[c] = None;
                    far_pops += usize::from(c == 4);
                    now = t;
                    if c < 4 && next() % 4 != 0 {
                        // A busy CPU schedules its next step at once.
                        let t = now + 1 + next() % 4;
                        q.push(t, EventKind::CpuStep { cpu: c, epoch: 0 });
                        model[c] = Some(t);
                    }
                }
            } else if model[4].is_none() && next() % 8 == 0 {
                let t = now + WHEEL_TICKS / 2 + next() % (2 * WHEEL_TICKS);
                q.push(t, EventKind::CpuStep { cpu: 4, epoch: 0 });
                model[4] = Some(t);
            } else {
                let (cpu, t) = ((next() % 4) as usize, now + next() % 5);
                q.push(t, EventKind::CpuStep { cpu, epoch: 0 });
                model[cpu] = Some(t);
            }
            assert_eq!(q.peek_time(), model.iter().flatten().min().copied());
        }
        assert!(far_pops > 100, "events beyond the wheel were exercised ({far_pops} popped)");
    }

    /// The heap keeps only a key per event and reads the event back from it: each kind comes
    /// back whole, and thread ids and timer ids past 24 bits (the key's old index width, where
    /// tid 2^24 would have sorted as tid 0) keep their order.
    #[test]
    fn heap_events_come_back_whole_in_order_with_wide_indices() {
        let mut q = EventQueue::new(1);
        let big = 1 << 24;
        q.push(7, EventKind::IoDone { tid: big });
        q.push(7, EventKind::IoDone { tid: 1 });
        q.push(7, EventKind::Arrive { tid: u32::MAX as ThreadId });
        q.push(7, EventKind::Timer { id: TimerId(u32::MAX) });
        q.push(7, EventKind::Timer { id: TimerId(big as u32 + 5) });
        q.push(2, EventKind::Arrive { tid: big + 3 });
        let order: Vec<Event> = std::iter::from_fn(|| q.pop()).collect();
        let at = |time, kind| Event { time, kind };
        assert_eq!(
            order,
            vec![
                at(2, EventKind::Arrive { tid: big + 3 }),
                at(7, EventKind::Timer { id: TimerId(big as u32 + 5) }),
                at(7, EventKind::Timer { id: TimerId(u32::MAX) }),
                at(7, EventKind::IoDone { tid: 1 }),
                at(7, EventKind::IoDone { tid: big }),
                at(7, EventKind::Arrive { tid: u32::MAX as ThreadId }),
            ]
        );
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
