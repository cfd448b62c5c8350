//! Kernel timers: a service any part of the kernel may request (a scheduler's periodic boost,
//! later the GIL's switch interval), not a scheduler-only hook.
//!
//! A request names its owner and an opaque token; when the time comes, the event loop hands the
//! token back to the owner. A cancelled timer fires into nothing.

use super::Ticks;

/// Who asked for a timer, and so who is told when it fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerOwner {
    /// The scheduling policy ([`super::scheduler::Scheduler::on_timer`]).
    Scheduler,
}

/// Handle of a requested timer, for cancelling it. Ids are given in request order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId(pub u32);

#[derive(Clone, Copy, Debug)]
struct Timer {
    owner: TimerOwner,
    token: u64,
    active: bool,
}

/// Timers requested so far. The event loop moves new requests into its event queue
/// ([`Timers::take_requests`]) and looks a timer up when its event fires ([`Timers::fire`]).
#[derive(Clone, Debug, Default)]
pub struct Timers {
    timers: Vec<Timer>,
    /// Requests not yet in the event queue: (time in ticks, id).
    requests: Vec<(Ticks, TimerId)>,
}

impl Timers {
    /// Requests a timer at `at` (ticks; not before the current instant) for `owner`, who gets
    /// `token` back when it fires.
    pub fn set(&mut self, at: Ticks, owner: TimerOwner, token: u64) -> TimerId {
        let id = TimerId(u32::try_from(self.timers.len()).expect("fewer than 2^32 timers"));
        self.timers.push(Timer { owner, token, active: true });
        self.requests.push((at, id));
        id
    }

    /// Cancels a timer; it will not fire. Cancelling a fired or cancelled timer does nothing.
    pub fn cancel(&mut self, id: TimerId) {
        if let Some(t) = self.timers.get_mut(id.0 as usize) {
            t.active = false;
        }
    }

    /// Whether requests are waiting to enter the event queue.
    pub fn has_requests(&self) -> bool {
        !self.requests.is_empty()
    }

    /// Removes and returns the requests made since the last call, in request order.
    pub fn take_requests(&mut self) -> std::vec::Drain<'_, (Ticks, TimerId)> {
        self.requests.drain(..)
    }

    /// The timer `id` is due: its owner and token, or `None` if it was cancelled. A timer fires once.
    pub fn fire(&mut self, id: TimerId) -> Option<(TimerOwner, u64)> {
        let t = self.timers.get_mut(id.0 as usize)?;
        let was = t.active;
        t.active = false;
        was.then_some((t.owner, t.token))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timer_fires_once_and_a_cancelled_one_never() {
        let mut timers = Timers::default();
        let a = timers.set(10, TimerOwner::Scheduler, 7);
        let b = timers.set(5, TimerOwner::Scheduler, 8);
        assert_eq!(timers.take_requests().collect::<Vec<_>>(), vec![(10, a), (5, b)]);
        assert!(!timers.has_requests());
        timers.cancel(b);
        assert_eq!(timers.fire(b), None);
        assert_eq!(timers.fire(a), Some((TimerOwner::Scheduler, 7)));
        assert_eq!(timers.fire(a), None);
    }
}
