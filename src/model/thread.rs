//! A thread at run time: its execution context, its wait record and what it has accumulated.
//! (The static part, name and program, is [`super::system::ThreadInfo`].)

use super::interpreter::Context;
use super::metrics::ThreadMetrics;
use super::system::System;
use super::trace::ThreadState;
use super::wait::{Wait, WaitClass};
use super::{CpuId, ThreadId, Ticks};

/// Runtime state of one thread.
#[derive(Clone, Debug)]
pub(crate) struct Thread {
    /// Its process (a copy of [`super::system::ThreadInfo::pid`], kept beside the hot fields).
    pub pid: usize,
    /// Its program's index in [`System::programs`] (a copy, as `pid`).
    pub program: usize,
    pub state: ThreadState,
    /// PC, registers, loop counters: what a context switch saves and restores.
    pub ctx: Context,
    /// CPU ticks left of the instruction in progress; 0 when none is started. A `compute` cut by
    /// pre-emption resumes with what is left.
    pub op_left: Ticks,
    /// Lengths drawn ahead for its coming `compute A..B` instructions, oldest first (only
    /// policies that look at bursts draw ahead: see [`super::burst`]).
    pub predrawn: std::collections::VecDeque<Ticks>,
    /// Why and since when it is blocked; `None` unless blocked.
    pub wait: Option<Wait>,
    /// CPU it last ran on (preferred when that CPU is idle again).
    pub last_cpu: Option<CpuId>,
    /// Dispatches onto a CPU other than the one it last ran on.
    pub migrations: u64,
    /// Sequence number of its latest dispatch over the whole machine (orders simultaneous
    /// pre-emptions, see [`super::simulation`]).
    pub dispatch_seq: u64,
    /// When a `create` started it, for a `"start": "created"` thread (its arrival).
    pub created_at: Option<Ticks>,
    pub first_run: Option<Ticks>,
    pub completion: Option<Ticks>,
    /// When it last joined the ready queue.
    pub ready_since: Ticks,
    pub waiting: Ticks,
    pub cpu_time: Ticks,
    pub io_time: Ticks,
    pub lock_wait: Ticks,
}

impl Thread {
    /// A thread not yet arrived, at the start of its program with context `ctx`
    /// ([`Context::start`]); `pid` and `program` as in [`super::system::ThreadInfo`].
    pub fn new(pid: usize, program: usize, ctx: Context) -> Self {
        Thread {
            pid,
            program,
            state: ThreadState::New,
            ctx,
            op_left: 0,
            predrawn: std::collections::VecDeque::new(),
            wait: None,
            last_cpu: None,
            migrations: 0,
            dispatch_seq: 0,
            created_at: None,
            first_run: None,
            completion: None,
            ready_since: 0,
            waiting: 0,
            cpu_time: 0,
            io_time: 0,
            lock_wait: 0,
        }
    }

    /// Ends its wait at `now` (ticks), adding the time waited to the matching total; returns the
    /// wait record. Panics if it was not waiting (a kernel bug).
    pub fn end_wait(&mut self, now: Ticks) -> Wait {
        let w = self.wait.take().expect("a woken thread was waiting");
        let waited = now - w.since;
        match w.reason.class() {
            WaitClass::Io => self.io_time += waited,
            WaitClass::Sync => self.lock_wait += waited,
        }
        w
    }

    /// Its measures for the run's [`super::metrics::Metrics`].
    pub fn metrics(&self, tid: ThreadId, sys: &System) -> ThreadMetrics {
        let info = &sys.threads[tid];
        // A created slot arrives when a `create` starts it; one never started has no arrival.
        let arrival = if info.created { self.created_at } else { Some(info.arrival) };
        ThreadMetrics {
            tid,
            pid: info.pid,
            process: sys.processes[info.pid].name.clone(),
            name: info.name.clone(),
            arrival,
            first_run: self.first_run,
            completion: self.completion,
            turnaround: self.completion.zip(arrival).map(|(c, a)| c - a),
            response: self.first_run.zip(arrival).map(|(f, a)| f - a),
            waiting: self.waiting,
            cpu_time: self.cpu_time,
            io_time: self.io_time,
            lock_wait: self.lock_wait,
            spin_time: 0, // filled in from the process's spin locks (Kernel::result)
            migrations: self.migrations,
            warm_ticks: None,
        }
    }
}
