//! OSTEP's `process-run.py` scheduler (OSTEP ch. 4 homework, cpu-intro): one CPU, a current
//! process that keeps the CPU until it finishes or (with `switch: on_io`) issues an I/O, and
//! round-robin by process order when it gives the CPU up. The rules, as `../shared/OSTEP.md`
//! records them:
//! - When the current thread blocks (with `switch: on_io`) or exits, the next thread to run is the
//!   first ready one after it in thread order, wrapping around (OSTEP's `next_proc`). This choice
//!   is made as it leaves, before the I/O completions of that instant are seen.
//! - With `switch: on_end`, a thread that blocks keeps the CPU idle until its I/O completes.
//! - When an I/O completes (`io_done`; in other scenarios, whenever a wait ends, e.g. a mutex is handed over):
//!   - `immediate`: the completer runs now; a running thread goes back to ready (pre-empted).
//!   - `later`: the completer waits its turn, except that it runs at once when it is the only
//!     runnable thread, or (with `switch: on_end`) when any other is runnable too.
//!
//! Several completions at one instant are handled in thread order. The policy models OSTEP's
//! single CPU: on a machine with more, only one thread runs at a time. Threads arriving later
//! than 0 (OSTEP's processes all start at 0) join as ready and are picked like the others.

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec};
use super::{Ctx, LeaveReason, OnCpu, ReadyReason, Scheduler};
use crate::model::{CpuId, ThreadId, Ticks};

/// When the running thread gives up the CPU (process-run's `-S`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwitchOn {
    /// When it issues an I/O or finishes (`SWITCH_ON_IO`, OSTEP's default).
    #[default]
    Io,
    /// Only when it finishes; the CPU idles while it waits for its I/O (`SWITCH_ON_END`).
    End,
}

/// What happens when an I/O completes (process-run's `-I`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IoDone {
    /// The thread that issued it waits for its turn (`IO_RUN_LATER`, OSTEP's default).
    #[default]
    Later,
    /// The thread that issued it runs at once, pre-empting the running one (`IO_RUN_IMMEDIATE`).
    Immediate,
}

/// The policy's parameters in a scenario: `{"policy": "process_run", "switch": "io",
/// "io_done": "later"}` (both optional, defaults as OSTEP's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessRunSpec {
    /// When the running thread gives up the CPU.
    #[serde(default)]
    pub switch: SwitchOn,
    /// Who runs when an I/O completes.
    #[serde(default)]
    pub io_done: IoDone,
}

impl PolicySpec for ProcessRunSpec {
    const KEY: &'static str = "process_run";
    const LABEL: &'static str = "OSTEP process-run (one CPU)";
    fn with_defaults(_quantum: Ticks) -> Self {
        ProcessRunSpec::default()
    }
    fn validate(&self) -> Result<(), ParamError> {
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(ProcessRun::new(self.switch, self.io_done))
    }
}

/// A thread's state as the policy tracks it (OSTEP's process states).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not arrived yet.
    Away,
    /// Waiting (for its I/O).
    Blocked,
    /// Finished.
    Done,
    /// Ready, waiting for the CPU.
    Ready,
    /// The current thread, chosen to run (on the CPU, or about to be dispatched).
    Running,
}

/// process-run's scheduler: a current thread and round-robin by thread order.
#[derive(Debug)]
pub struct ProcessRun {
    switch: SwitchOn,
    io_done: IoDone,
    /// Each thread's state, by tid (grown on demand).
    states: Vec<State>,
    /// OSTEP's `curr_proc`: the thread chosen last; it stays current while blocked or done,
    /// and the round-robin search starts after it.
    current: Option<ThreadId>,
    /// The thread on the CPU, if any.
    on_cpu: Option<ThreadId>,
}

impl ProcessRun {
    /// The policy with the given switch and I/O-completion rules.
    pub fn new(switch: SwitchOn, io_done: IoDone) -> Self {
        ProcessRun { switch, io_done, states: Vec::new(), current: None, on_cpu: None }
    }

    fn state(&self, tid: ThreadId) -> State {
        self.states.get(tid).copied().unwrap_or(State::Away)
    }

    fn set(&mut self, tid: ThreadId, state: State) {
        if self.states.len() <= tid {
            self.states.resize(tid + 1, State::Away);
        }
        self.states[tid] = state;
    }

    /// The current thread, if it is chosen to run.
    fn running(&self) -> Option<ThreadId> {
        self.current.filter(|&c| self.state(c) == State::Running)
    }

    /// Ready threads plus the running one (OSTEP's `get_num_runnable`).
    fn runnable(&self) -> usize {
        self.states.iter().filter(|&&s| matches!(s, State::Ready | State::Running)).count()
    }

    /// Makes `tid` the current, running thread; a thread chosen before it goes back to ready.
    fn run(&mut self, tid: ThreadId) {
        if let Some(prev) = self.running()
            && prev != tid
        {
            self.set(prev, State::Ready);
        }
        self.current = Some(tid);
        self.set(tid, State::Running);
    }

    /// Ready threads in the order OSTEP's `next_proc` tries them: after the current thread,
    /// wrapping around to it.
    fn cyclic_ready(&self) -> impl Iterator<Item = ThreadId> + '_ {
        let n = self.states.len();
        let start = self.current.map_or(0, |c| c + 1);
        (0..n).map(move |i| (start + i) % n).filter(|&t| self.states[t] == State::Ready)
    }

    /// OSTEP's `next_proc()`: the first ready thread after the current one becomes current.
    fn next(&mut self) {
        let first = self.cyclic_ready().next();
        if let Some(tid) = first {
            self.run(tid);
        }
    }

    /// Whether an idle CPU may take a ready thread when none is chosen: not while the current
    /// thread waits for its I/O with `switch: on_end`.
    fn may_switch(&self) -> bool {
        self.switch == SwitchOn::Io || self.current.is_none_or(|c| self.state(c) != State::Blocked)
    }
}

impl Scheduler for ProcessRun {
    fn preempts(&self) -> bool {
        true
    }

    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, _ctx: &mut Ctx<'_>) {
        match why {
            ReadyReason::Arrived => self.set(tid, State::Ready),
            // Taken off the CPU at the policy's request: already marked ready.
            ReadyReason::Preempted => {
                if self.state(tid) != State::Running {
                    self.set(tid, State::Ready);
                }
            }
            ReadyReason::Woken => {
                self.set(tid, State::Ready);
                match self.io_done {
                    IoDone::Immediate => self.run(tid),
                    IoDone::Later => {
                        if self.switch == SwitchOn::End && self.runnable() > 1 {
                            self.run(tid);
                        }
                        if self.runnable() == 1 {
                            self.run(tid);
                        }
                    }
                }
            }
        }
    }

    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        if self.on_cpu.is_some() {
            return None;
        }
        if self.running().is_none() && self.may_switch() {
            self.next();
        }
        // One CPU runs at a time; a thread pinned elsewhere waits for its CPU to ask.
        let tid = self.running().filter(|&tid| ctx.allows(tid, cpu))?;
        self.on_cpu = Some(tid);
        Some(tid)
    }

    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        None
    }

    fn on_leave(&mut self, tid: ThreadId, _cpu: CpuId, _ran: Ticks, why: LeaveReason, _ctx: &mut Ctx<'_>) {
        if self.on_cpu == Some(tid) {
            self.on_cpu = None;
        }
        match why {
            LeaveReason::Blocked | LeaveReason::Exited => {
                self.set(tid, if why == LeaveReason::Exited { State::Done } else { State::Blocked });
                self.current = Some(tid);
                if why == LeaveReason::Exited || self.switch == SwitchOn::Io {
                    self.next();
                }
            }
            LeaveReason::Preempted | LeaveReason::SliceExpired => {
                if self.state(tid) == State::Running {
                    self.set(tid, State::Ready);
                }
            }
        }
    }

    /// The thread on the CPU gives way when another was chosen (`io_done: immediate`).
    fn preempt(&mut self, running: &[OnCpu], _ctx: &mut Ctx<'_>) -> Option<CpuId> {
        running.iter().find(|r| self.state(r.tid) != State::Running).map(|r| r.cpu)
    }

    fn len(&self) -> usize {
        self.states.iter().filter(|&&s| s == State::Ready).count()
    }

    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.cyclic_ready().take(max).collect()
    }
}
