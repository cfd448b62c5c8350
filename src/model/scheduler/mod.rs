//! The OS scheduler: which ready thread a free CPU runs next, and for how long.
//!
//! Each policy is one file implementing [`Scheduler`]; policies know nothing of the UI or of
//! each other. The simulation owns the clock, the CPUs and the tie rule
//! ([`super::scenario::TieRule`]): it hands threads to [`Scheduler::enqueue`] already in tie
//! order, and asks [`Scheduler::pick_next`] for each idle CPU in CPU-index order.

mod fcfs;
mod round_robin;

pub use fcfs::Fcfs;
pub use round_robin::RoundRobin;

use super::scenario::{Policy, SchedulerSpec};
use super::{CpuId, ThreadId, Ticks};

/// Why a thread joins the ready queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadyReason {
    /// First arrival.
    Arrived,
    /// Its I/O finished or a mutex was handed to it.
    Woken,
    /// Its time slice ran out.
    Preempted,
}

/// A scheduling policy.
pub trait Scheduler {
    /// The policy this implements.
    fn policy(&self) -> Policy;
    /// `tid` is ready at `now`; place it in the ready queue.
    fn enqueue(&mut self, tid: ThreadId, why: ReadyReason, now: Ticks);
    /// Removes and returns the thread idle CPU `cpu` should run next, if any is ready.
    fn pick_next(&mut self, cpu: CpuId, now: Ticks) -> Option<ThreadId>;
    /// CPU ticks `tid` may run before it is pre-empted; `None` means until it blocks or exits.
    fn time_slice(&self, tid: ThreadId) -> Option<Ticks>;
    /// Number of ready threads waiting.
    fn len(&self) -> usize;
    /// Whether no thread is waiting.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The first `max` threads of the ready queue, head first (for the trace and the UI).
    fn queue(&self, max: usize) -> Vec<ThreadId>;
}

/// Builds the scheduler a scenario asks for (validated: RR has a quantum).
pub fn from_spec(spec: &SchedulerSpec) -> Box<dyn Scheduler> {
    match spec.policy {
        Policy::Fcfs => Box::new(Fcfs::default()),
        Policy::RoundRobin => Box::new(RoundRobin::new(spec.quantum.unwrap_or(1))),
    }
}
