//! The event loop: a discrete-event simulation of threads on CPUs.
//!
//! Time jumps from event to event (no per-tick loop). Each instant is handled in phases:
//! 1. pop every event at that time, in [`super::events`] order: instruction completions (the
//!    [`super::interpreter`] returns an [`Effect`], applied here in one place: trace, wake,
//!    block, exit, fault), context-switch ends, kernel timers, I/O completions, arrivals;
//! 2. queue the threads that became ready, in the scenario's tie order
//!    ([`super::scenario::TieRule`]); within a class, arrivals and wake-ups by thread id, and
//!    threads pre-empted at the same instant in the order they were dispatched;
//! 3. give each idle CPU, in index order, the scheduler's next thread;
//! 4. if the policy pre-empts, let it take CPUs from running threads (then back to 2).
//!
//! An instruction's effect applies when it completes: a `load` reads memory at its end time.
//! A thread's time slice starts when it begins executing (after the context switch). A CPU that
//! picks the thread it ran last pays no switch; a CPU's very first thread is loaded for free.
//!
//! The run is resumable: [`Simulation::advance`] handles whole instants until an event budget is
//! spent, so a worker can report progress between slices.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

use super::burst;
use super::cache::Caches;
use super::cpu::{Cpu, Phase};
use super::events::{EventKind, EventQueue};
use super::interpreter::Fault;
use super::interpreter::{self, Change, Context, Effect, Flow, ProcessState};
use super::ipc::{Mirrors, Sharing};
use super::loaded::LoadedRun;
use super::memory::Cell;
use super::metrics::{Averages, Metrics, ProcessMemory, VariableValue};
use super::pages::{PageView, Pages};
use super::procs::{self, Born, Origin, ProcOp, ProcState, ProcTable, WaitStep};
use super::program::Reg;
use super::program::{Instr, Span};
use super::scenario::{Limits, MachineSpec, TieRule};
use super::scheduler::MostUrgent;
use super::scheduler::spec::PolicyParams;
use super::scheduler::{Ctx, Fcfs, LeaveReason, OnCpu, ReadyReason, SchedAttrs, SchedRng, Scheduler};
use super::sync::Lives;
use super::sync::{Channel, Life, ProcessSync};
use super::system::System;
use super::thread::Thread;
use super::timers::{TimerOwner, Timers};
use super::trace::{
    Cause, CpuInterval, IntervalKind, MAX_TRACE_EVENTS, Place, QUEUE_SAMPLE_MAX, QueueSample, ThreadState, Trace,
    TraceEvent, What,
};
use super::wait::{Wait, WaitClass, WaitReason};
use super::{CpuId, ProcessId, ThreadId, Ticks};

pub use super::outcome::{Outcome, StuckThread};

/// Added to the scenario's seed to seed the scheduler's own RNG ([`SchedRng`]), so its draws
/// never shift the `compute A..B` / `io A..B` draws.
pub const SCHEDULER_SEED_OFFSET: u64 = 0x5C4E_D01E;

/// Whether to record the trace (the UI needs it; grading and benchmarks may not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recording {
    /// Record the full [`Trace`]: events, CPU intervals and ready-queue samples.
    Full,
    /// Record no trace ([`RunResult::trace`] is `None`); metrics are computed as usual.
    MetricsOnly,
}

/// Result of a run: how it ended, its measures and (if recorded) its trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunResult {
    /// How the run ended.
    pub outcome: Outcome,
    /// Measures of the run, up to where it stopped.
    pub metrics: Metrics,
    /// Events popped from the event queue (the benchmark's unit of work).
    pub events_handled: u64,
    /// The trace; `None` if run with [`Recording::MetricsOnly`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace>,
}

/// How far a run has got, after [`Simulation::advance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The last instant handled, in ticks.
    pub now: Ticks,
    /// Instructions executed so far.
    pub steps: u64,
    /// Events handled so far.
    pub events: u64,
    /// Whether the run has ended ([`Simulation::finish`] returns at once).
    pub finished: bool,
}

/// A run in progress. Build with [`Simulation::new`]; advance it in slices with
/// [`Simulation::advance`], or all at once with [`Simulation::finish`].
pub struct Simulation {
    sys: System,
    k: Kernel,
}

impl Simulation {
    /// Prepares a run of `run` (see [`LoadedRun::load`]).
    pub fn new(run: LoadedRun, recording: Recording) -> Self {
        let sched = run.build_scheduler();
        Simulation::with_scheduler(run, recording, sched)
    }

    /// As [`Simulation::new`], with a scheduler of the caller's instead of the scenario's (for
    /// tests and experiments with a policy not in the scenario format).
    pub fn with_scheduler(run: LoadedRun, recording: Recording, sched: Box<dyn Scheduler>) -> Self {
        let k = Kernel::new(&run, recording, sched);
        Simulation { sys: run.system, k }
    }

    /// The system being run.
    pub fn system(&self) -> &System {
        &self.sys
    }

    /// Handles whole instants until at least `max_events` more events were handled or the run
    /// ended. An instant is never cut, so a slice may handle a few more events than asked.
    pub fn advance(&mut self, max_events: u64) -> Progress {
        let until = self.k.events_handled.saturating_add(max_events);
        while !self.k.finished && self.k.events_handled < until {
            self.k.instant(&self.sys);
            self.grow();
        }
        self.progress()
    }

    /// How far the run has got.
    pub fn progress(&self) -> Progress {
        Progress { now: self.k.now, steps: self.k.steps, events: self.k.events_handled, finished: self.k.finished }
    }

    /// Runs to the end (all threads done, deadlock, error or budget) and returns the system and
    /// the result.
    pub fn finish(mut self) -> (System, RunResult) {
        while !self.k.finished {
            self.k.instant(&self.sys);
            self.grow();
        }
        let result = self.k.result(&self.sys);
        (self.sys, result)
    }

    /// Adds to the system the processes the last instant created (`fork`, `spawn`): within an
    /// instant the kernel reads nothing of a new process from the system (a new process's first
    /// instruction with a cost ends a tick later at the earliest: `fork_ticks`, `spawn_ticks` ≥ 1).
    fn grow(&mut self) {
        if self.k.born.len() + self.k.declared > self.sys.processes.len() {
            self.sys.grow_all(&self.k.born);
        }
    }
}

/// A thread that became ready during the current instant, before it joins the ready queue.
#[derive(Clone, Copy, Debug)]
struct Readied {
    reason: ReadyReason,
    /// Order within its tie class: the tid for arrivals and wake-ups, the dispatch sequence
    /// number for pre-empted threads.
    order: u64,
    tid: ThreadId,
}

/// The kernel's policy: a first-in first-out ready queue held by value when the policy is no
/// more than that and a fixed slice (FCFS, Round Robin: [`Scheduler::take_fifo`]), so the calls
/// at every ready thread and dispatch inline (in wasm an indirect call and the [`Ctx`] it is
/// lent cost more than natively); any other policy through `dyn Scheduler`.
enum Sched {
    Fifo(Fcfs),
    Dyn(Box<dyn Scheduler>),
}

impl Sched {
    /// The policy to hand to `dyn Scheduler` callers.
    fn get(&self) -> &dyn Scheduler {
        match self {
            Sched::Fifo(q) => q,
            Sched::Dyn(s) => &**s,
        }
    }
}

/// Everything that changes during a run; [`System`] (static) is passed to its methods.
struct Kernel {
    machine: MachineSpec,
    tie: TieRule,
    limits: Limits,
    now: Ticks,
    events: EventQueue,
    sched: Sched,
    /// Draws `compute A..B` and `io A..B` lengths.
    rng: Pcg64Mcg,
    sched_rng: SchedRng,
    timers: Timers,
    /// Each thread's scheduling attributes (a policy may change a priority).
    attrs: Vec<SchedAttrs>,
    /// Each thread's next CPU burst in ticks, found when it last became ready, if the policy
    /// wants bursts ([`Scheduler::wants_bursts`]).
    bursts: Vec<Ticks>,
    wants_bursts: bool,
    /// Whether any thread has an affinity mask.
    pinned: bool,
    /// Whether a thread picked for a CPU runs there ([`Scheduler::binds_to_cpu`]).
    binds: bool,
    /// Whether the policy may pre-empt ([`Scheduler::preempts`]), asked once: the kernel checks
    /// it at every instant that stirred.
    preempts: bool,
    /// Whether to tell the policy when a thread leaves its CPU ([`Scheduler::wants_leave`]),
    /// asked once.
    leave_calls: bool,
    /// The policy's slice if it is the same for every dispatch ([`Scheduler::fixed_slice`]),
    /// asked once.
    fixed_slice: Option<Option<Ticks>>,
    threads: Vec<Thread>,
    cpus: Vec<Cpu>,
    /// The CPUs' caches, if the machine models them ([`super::cache`]).
    caches: Option<Box<Caches>>,
    /// Idle CPUs as a bit mask (bit `c`: CPU `c` has no thread), kept beside each CPU's phase.
    idle: u64,
    /// Every CPU's bit.
    all_cpus: u64,
    /// Arrivals and I/O completions still in the event queue: the events that can make a
    /// blocked or new thread ready.
    progress_events: usize,
    /// `memory[pid][var]`: the processes' variables.
    memory: Vec<Vec<Cell>>,
    /// `cells[pid]`: the processes' numbered cells (x86.py's memory).
    cells: Vec<crate::model::x86::Cells>,
    /// `sync[pid]`: the processes' mutexes (and later other primitives).
    sync: Vec<ProcessSync>,
    /// The scenario's channels, shared by all processes.
    channels: Vec<Channel>,
    /// What the processes share as the run stands: the system's at the start, and each `fork`ed
    /// child's mappings from the instant of its `fork` ([`Sharing::inherit_mappings`]; the system
    /// adds them only after the instant, [`Simulation::grow`]).
    sharing: Sharing,
    /// Which variables and mutexes are copies of one shared segment's ([`super::ipc`]), from
    /// `sharing`.
    mirrors: Mirrors,
    /// Under priority inheritance, which way priority numbers go (`None`: no inheritance).
    inherit: Option<MostUrgent>,
    /// Whether the run has shared segments or priority inheritance: one test per instruction
    /// for both ([`Kernel::after_shared`]).
    ipc_hooks: bool,
    /// Threads that became ready this instant, queued at its end.
    newly_ready: Vec<Readied>,
    /// The threads on CPUs, as last shown to a pre-empting policy (a buffer kept between
    /// instants).
    running: Vec<OnCpu>,
    /// Something became ready, or a scheduler timer fired, during this instant.
    stirred: bool,
    live: usize,
    steps: u64,
    events_handled: u64,
    context_switches: u64,
    process_switches: u64,
    migrations: u64,
    dispatches: u64,
    /// The process table: parents, children, who has ended ([`super::procs`]).
    procs: ProcTable,
    /// Every process's pages and the frames behind them ([`super::pages`]).
    pages: Pages,
    /// Whether a `fork` has happened: only then can a write copy a page.
    forked: bool,
    /// Processes declared in the scenario (the pids below it).
    declared: usize,
    /// Processes created at run time, in pid order.
    born: Vec<Born>,
    /// For each process that has ended: its RSS, PSS and pages just before it ended.
    at_end: Vec<Option<(u64, u64, Vec<PageView>)>>,
    /// Boxed, as `stop` and `caches`: "is there one?" is then a test of a pointer, and these are
    /// asked at every event.
    trace: Option<Box<Trace>>,
    stop: Option<Box<Outcome>>,
    finished: bool,
}

/// The trace event for an instruction's change by thread `tid` of process `pid`.
fn change_event(pid: ProcessId, tid: ThreadId, change: Change) -> What {
    match change {
        Change::Reg { reg, value } => What::Reg { tid, reg, value },
        Change::Mem { var, value, lost } => What::Mem { pid, var, value, tid, lost },
        Change::Mutex { mutex, owner } => What::Mutex { pid, mutex, owner },
        Change::Joined { thread, reg, value } => What::Joined { tid, thread, reg, value },
        Change::Flags { flags } => What::Flags { tid, flags },
        Change::Semaphore { sem, value } => What::Semaphore { pid, sem, value },
        Change::Spinlock { lock, owner } => What::Spinlock { pid, lock, owner },
        Change::RwLock { lock, readers, writer } => What::RwLock { pid, lock, readers, writer },
        Change::Atomic { var, reg, read, wrote, flags } => What::Atomic { pid, var, tid, reg, read, wrote, flags },
        Change::X86(step) => What::X86 { pid, tid, step },
    }
}

/// The variable `instr` writes, if it writes one (`store` and the atomics; a `cas` that does
/// not swap still takes its page for writing, as the hardware's locked compare-exchange does).
fn written_variable(instr: &Instr) -> Option<usize> {
    match *instr {
        Instr::Store { var, .. } | Instr::FetchAdd { var, .. } | Instr::Xchg { var, .. } | Instr::Cas { var, .. } => {
            Some(var)
        }
        _ => None,
    }
}

fn draw(rng: &mut Pcg64Mcg, span: Span) -> Ticks {
    match span {
        Span::Fixed(n) => n,
        Span::Range(lo, hi) => rng.random_range(lo..=hi),
    }
}

impl Kernel {
    fn new(run: &LoadedRun, recording: Recording, mut sched: Box<dyn Scheduler>) -> Self {
        let sys = &run.system;
        let cpus = run.cpus();
        let all_cpus = if cpus == 64 { u64::MAX } else { (1u64 << cpus) - 1 };
        let mut events = EventQueue::new(cpus);
        let wants_bursts = sched.wants_bursts();
        let binds = sched.binds_to_cpu();
        let preempts = sched.preempts();
        let leave_calls = sched.wants_leave();
        let fixed_slice = sched.fixed_slice();
        // Only a policy the kernel never asks anything else of may be held as its bare queue.
        let fifo = match fixed_slice {
            Some(_) if !leave_calls && !preempts && !wants_bursts && !binds => sched.take_fifo(),
            _ => None,
        };
        let sched = match fifo {
            Some(queue) => Sched::Fifo(queue),
            None => Sched::Dyn(sched),
        };
        // A created thread arrives when a `create` starts it, not by itself.
        let mut arriving = 0;
        for t in sys.threads.iter().filter(|t| !t.created) {
            events.push(t.arrival, EventKind::Arrive { tid: t.tid });
            arriving += 1;
        }
        let mut pages = Pages::new(run.machine.page_bytes);
        let mut live = Vec::new();
        for p in &sys.processes {
            let stacks: Vec<ThreadId> =
                (p.threads.iter().zip(&p.created)).filter(|(_, slot)| slot.is_none()).map(|(&tid, _)| tid).collect();
            pages.add_process(p.pid, &p.space.layout, p.space.variables.len(), &stacks);
            live.push(stacks.len());
        }
        let arrivals: Vec<Ticks> = sys.processes.iter().map(|p| p.arrival).collect();
        Kernel {
            procs: ProcTable::new(&live, &arrivals, run.machine.max_processes),
            pages,
            forked: false,
            declared: sys.processes.len(),
            born: Vec::new(),
            at_end: Vec::new(),
            machine: run.machine.clone(),
            tie: run.scheduler.tie(),
            limits: run.limits.clone(),
            now: 0,
            events,
            sched,
            bursts: vec![0; sys.threads.len()],
            attrs: sys.threads.iter().map(|t| t.attrs.clone()).collect(),
            pinned: sys.threads.iter().any(|t| t.attrs.affinity.is_some()),
            binds,
            preempts,
            leave_calls,
            fixed_slice,
            rng: Pcg64Mcg::seed_from_u64(run.seed),
            sched_rng: SchedRng::seed_from_u64(run.seed.wrapping_add(SCHEDULER_SEED_OFFSET)),
            timers: Timers::default(),
            wants_bursts,
            threads: sys
                .threads
                .iter()
                .map(|t| Thread::new(t.pid, t.program, Context::start(&sys.programs[t.program])))
                .collect(),
            cpus: vec![Cpu::new(); cpus],
            caches: run
                .machine
                .cache
                .clone()
                .map(|spec| Box::new(Caches::new(spec, cpus, sys.threads.iter().map(|t| t.working_set_kb).collect()))),
            idle: all_cpus,
            all_cpus,
            progress_events: arriving,
            memory: sys.processes.iter().map(|p| p.space.initial.iter().map(|&v| Cell::new(v)).collect()).collect(),
            cells: vec![Default::default(); sys.processes.len()],
            sync: sys.processes.iter().map(ProcessSync::new).collect(),
            channels: super::ipc::channels(&sys.sharing),
            sharing: sys.sharing.clone(),
            mirrors: Mirrors::of(sys),
            ipc_hooks: sys.sharing.inherit || !sys.sharing.variables.is_empty() || !sys.sharing.mutexes.is_empty(),
            inherit: sys.sharing.inherit.then_some(match &run.scheduler.params {
                PolicyParams::Priority(spec) => spec.most_urgent,
                _ => MostUrgent::Lowest,
            }),
            newly_ready: Vec::new(),
            running: Vec::new(),
            stirred: false,
            live: arriving,
            steps: 0,
            events_handled: 0,
            context_switches: 0,
            process_switches: 0,
            migrations: 0,
            dispatches: 0,
            trace: match recording {
                Recording::Full => Some(Box::default()),
                Recording::MetricsOnly => None,
            },
            stop: None,
            finished: false,
        }
    }

    /// Handles the next instant: its events, then queueing, dispatching and pre-emption. Ends
    /// the run when nothing is left to do, a limit is hit, or something stopped it.
    fn instant(&mut self, sys: &System) {
        // Over when every thread has terminated, or when nothing can ever happen again: no CPU
        // busy, no thread ready, and no arrival or I/O completion to come (a policy's timers
        // alone can reorder or pre-empt, never wake a blocked thread).
        let stuck = self.idle == self.all_cpus && self.sched.get().is_empty() && self.progress_events == 0;
        if self.live == 0 || stuck {
            if self.live > 0 {
                let waits: Vec<Option<Wait>> = self.threads.iter().map(|t| t.wait).collect();
                let threads = &self.threads;
                let terminated = |tid: ThreadId| threads[tid].state == ThreadState::Terminated;
                let procs = &self.procs;
                let children = |pid: ProcessId| -> Vec<ThreadId> {
                    (procs.alive_children(pid).into_iter())
                        .flat_map(|c| sys.processes[c].threads.iter().copied())
                        .filter(|&t| !terminated(t))
                        .collect()
                };
                self.stop =
                    Some(Box::new(super::outcome::deadlock(sys, self.now, &waits, &terminated, &self.sync, &children)));
            }
            return self.close();
        }
        let t = match self.events.peek_time() {
            None => unreachable!("a busy CPU, a ready thread or a pending arrival or I/O has an event to come"),
            Some(t) if t > self.limits.max_time => {
                self.stop = Some(Box::new(Outcome::BudgetExceeded {
                    time: self.now,
                    steps: self.steps,
                    message: format!(
                        "stopped: the next event is at t={t}, past the time limit of {} µs (limits.max_time)",
                        self.limits.max_time
                    ),
                }));
                return self.close();
            }
            Some(t) => t,
        };
        self.now = t;
        self.stirred = false;
        while self.stop.is_none()
            && let Some(ev) = self.events.pop_until(t)
        {
            self.events_handled += 1;
            self.handle(sys, ev.kind);
        }
        if self.stop.is_none() {
            self.settle(sys);
            if self.trace.is_some() {
                self.sample_ready_queue();
                self.check_trace_size();
            }
        }
        if self.stop.is_some() {
            self.close();
        }
    }

    /// The run has ended: record what each CPU did up to now (a run stopped early leaves
    /// threads on CPUs, and the timeline should show them).
    fn close(&mut self) {
        for cpu in 0..self.cpus.len() {
            self.record_interval(cpu);
        }
        self.finished = true;
    }

    fn handle(&mut self, sys: &System, kind: EventKind) {
        // Arrivals and I/O completions are counted down where they are handled (not by a test
        // of every event's kind before the match).
        match kind {
            EventKind::Arrive { tid } => {
                self.progress_events -= 1;
                self.make_ready(tid, ReadyReason::Arrived);
            }
            EventKind::IoDone { tid } => {
                self.progress_events -= 1;
                self.wake(tid);
            }
            EventKind::SwitchDone { cpu, epoch } => {
                if self.cpus[cpu].epoch == epoch {
                    self.record_interval(cpu);
                    self.begin_run(sys, cpu);
                }
            }
            EventKind::CpuStep { cpu, epoch } => {
                if self.cpus[cpu].epoch == epoch {
                    self.complete_step(sys, cpu);
                }
            }
            EventKind::Timer { id } => match self.timers.fire(id) {
                Some((TimerOwner::Scheduler, token)) => {
                    self.with_sched(|s, ctx| s.on_timer(token, ctx));
                    self.stirred = true;
                }
                None => {}
            },
        }
    }

    /// Calls the scheduler with the clock, its RNG and the timer service, then moves any timers
    /// it asked for into the event queue.
    #[inline]
    fn with_sched<R>(&mut self, f: impl FnOnce(&mut dyn Scheduler, &mut Ctx<'_>) -> R) -> R {
        let mut ctx =
            Ctx::for_kernel(self.now, &mut self.sched_rng, &mut self.timers, &self.attrs, &self.bursts, self.pinned);
        let sched: &mut dyn Scheduler = match &mut self.sched {
            Sched::Fifo(q) => q,
            Sched::Dyn(s) => &mut **s,
        };
        let r = f(sched, &mut ctx);
        if self.timers.has_requests() {
            for (at, id) in self.timers.take_requests() {
                self.events.push(at, EventKind::Timer { id });
            }
        }
        r
    }

    /// Tells the policy `tid` is ready ([`Scheduler::on_ready`]); a queue held by value
    /// ([`Sched::Fifo`]) takes it inline.
    #[inline]
    fn sched_on_ready(&mut self, tid: ThreadId, reason: ReadyReason) {
        match &mut self.sched {
            Sched::Fifo(q) => {
                let mut ctx = Ctx::for_kernel(
                    self.now,
                    &mut self.sched_rng,
                    &mut self.timers,
                    &self.attrs,
                    &self.bursts,
                    self.pinned,
                );
                q.on_ready(tid, reason, &mut ctx);
            }
            Sched::Dyn(_) => self.with_sched(|s, ctx| s.on_ready(tid, reason, ctx)),
        }
    }

    /// Asks the policy for the thread idle CPU `cpu` runs next ([`Scheduler::pick`]); a queue
    /// held by value ([`Sched::Fifo`]) answers inline.
    #[inline]
    fn sched_pick(&mut self, cpu: CpuId) -> Option<ThreadId> {
        match &mut self.sched {
            Sched::Fifo(q) => {
                let mut ctx = Ctx::for_kernel(
                    self.now,
                    &mut self.sched_rng,
                    &mut self.timers,
                    &self.attrs,
                    &self.bursts,
                    self.pinned,
                );
                q.pick(cpu, &mut ctx)
            }
            Sched::Dyn(_) => self.with_sched(|s, ctx| s.pick(cpu, ctx)),
        }
    }

    #[inline]
    fn record(&mut self, what: What) {
        if let Some(trace) = &mut self.trace {
            trace.events.push(TraceEvent { time: self.now, what });
        }
    }

    /// Records what `what` builds, building it only when a trace is being recorded.
    #[inline]
    fn record_with(&mut self, what: impl FnOnce() -> What) {
        if self.trace.is_some() {
            self.record(what());
        }
    }

    #[inline]
    fn set_state(&mut self, tid: ThreadId, state: ThreadState, cause: Cause) {
        self.threads[tid].state = state;
        self.record(What::State { tid, state, cause });
    }

    #[inline]
    fn set_pc(&mut self, tid: ThreadId, pc: usize) {
        self.threads[tid].ctx.pc = pc;
        self.record(What::Pc { tid, pc });
    }

    #[inline]
    fn make_ready(&mut self, tid: ThreadId, reason: ReadyReason) {
        // Threads pre-empted at one instant re-queue in the order they were dispatched, which
        // keeps the ready queue first-in first-out across CPUs: ordering them by thread id (or
        // by CPU, while threads return to their last CPU) favours the same thread every time.
        let order = match reason {
            ReadyReason::Preempted => self.threads[tid].dispatch_seq,
            ReadyReason::Arrived | ReadyReason::Woken => tid as u64,
        };
        self.newly_ready.push(Readied { reason, order, tid });
    }

    /// `tid`'s wait ends: its blocking instruction completes (PC + 1), unless the wait says
    /// otherwise ([`WaitReason::completes_on_wake`]), and it becomes ready.
    #[inline]
    fn wake(&mut self, tid: ThreadId) {
        let wait = self.threads[tid].end_wait(self.now);
        if wait.reason.completes_on_wake() {
            let pc = self.threads[tid].ctx.pc + 1;
            self.set_pc(tid, pc);
        }
        self.make_ready(tid, ReadyReason::Woken);
    }

    /// `tid` (already off its CPU) blocks on `reason`.
    fn block(&mut self, tid: ThreadId, reason: WaitReason) {
        self.threads[tid].wait = Some(Wait { reason, since: self.now });
        self.set_state(tid, ThreadState::Blocked, Cause::Wait { on: reason });
        if let WaitReason::Io { until } = reason {
            self.events.push(until, EventKind::IoDone { tid });
            self.progress_events += 1;
        }
    }

    /// Phases 2–4: queue, dispatch, and let a pre-empting policy take CPUs, until settled.
    fn settle(&mut self, sys: &System) {
        // Each round (a dispatch that made a thread ready, or a pre-emption) settles more of
        // this instant; more rounds than threads and CPUs would mean a policy that never settles.
        let mut rounds = self.threads.len() + self.cpus.len();
        self.queue_and_dispatch(sys, &mut rounds);
        if self.stirred && self.stop.is_none() && self.preempts {
            self.preempt_until_settled(sys, rounds);
        }
    }

    /// Phases 2 and 3: queue the threads made ready and dispatch idle CPUs, again while a
    /// dispatched thread's free instructions make another ready (an `exit` waking its joiner,
    /// a `create` costing 0), so it is queued this instant.
    fn queue_and_dispatch(&mut self, sys: &System, rounds: &mut usize) {
        loop {
            self.queue_newly_ready(sys);
            self.dispatch_idle_cpus(sys);
            if self.newly_ready.is_empty() || self.stop.is_some() || *rounds == 0 {
                return;
            }
            *rounds -= 1;
        }
    }

    /// Phase 4 (then 2 and 3 again): while the policy names a CPU whose thread should give way,
    /// pre-empt it, queue and dispatch. Out of line: only pre-empting policies get here.
    #[inline(never)]
    fn preempt_until_settled(&mut self, sys: &System, mut rounds: usize) {
        loop {
            if rounds == 0 {
                return;
            }
            rounds -= 1;
            let now = self.now;
            // `ran` counts the step in flight up to now. The list's buffer is kept from one
            // round (and instant) to the next.
            let mut running = std::mem::take(&mut self.running);
            running.clear();
            running.extend((self.cpus.iter().enumerate()).filter_map(|(cpu, c)| {
                let in_flight = if c.phase == Phase::Running { now - c.step_start } else { 0 };
                c.thread.map(|tid| OnCpu { cpu, tid, ran: c.ran + in_flight })
            }));
            let answer = self.with_sched(|s, ctx| s.preempt(&running, ctx));
            self.running = running;
            match answer {
                Some(cpu) if self.cpus[cpu].thread.is_some() => self.preempt(sys, cpu),
                _ => return,
            }
            self.queue_and_dispatch(sys, &mut rounds);
            if self.stop.is_some() {
                return;
            }
        }
    }

    /// Phase 2: the threads made ready this instant join the ready queue in tie order.
    fn queue_newly_ready(&mut self, sys: &System) {
        if self.newly_ready.is_empty() {
            return;
        }
        self.stirred = true;
        let mut batch = std::mem::take(&mut self.newly_ready);
        let class = |r: ReadyReason, tie: TieRule| match (r, tie) {
            (ReadyReason::Preempted, TieRule::ArrivalsFirst) => 1,
            (ReadyReason::Preempted, TieRule::PreemptedFirst) => 0,
            (_, TieRule::ArrivalsFirst) => 0,
            (_, TieRule::PreemptedFirst) => 1,
        };
        let tie = self.tie;
        if batch.len() > 1 {
            batch.sort_by_key(|r| (class(r.reason, tie), r.order));
        }
        for &Readied { reason, tid, .. } in &batch {
            self.threads[tid].ready_since = self.now;
            if self.wants_bursts {
                let t = &mut self.threads[tid];
                let rng = &mut self.rng;
                let program = &sys.programs[t.program];
                self.bursts[tid] =
                    burst::next_burst(program, &t.ctx, t.op_left, &mut t.predrawn, &mut |s| draw(rng, s));
            }
            self.set_state(tid, ThreadState::Ready, Cause::Queued { reason });
            self.sched_on_ready(tid, reason);
        }
        batch.clear();
        self.newly_ready = batch; // keep the allocation
    }

    /// Stops the run once the recorded trace holds [`MAX_TRACE_EVENTS`] events: a browser tab
    /// cannot hold an unbounded trace, and a huge `limits.max_steps` must not crash the page.
    fn check_trace_size(&mut self) {
        let Some(trace) = &self.trace else { return };
        if trace.events.len() >= MAX_TRACE_EVENTS {
            self.stop = Some(Box::new(Outcome::BudgetExceeded {
                time: self.now,
                steps: self.steps,
                message: format!(
                    "stopped at t={}: the trace reached {} events, the most that is recorded; lower limits.max_steps, or run it with the CLI without --trace",
                    self.now, MAX_TRACE_EVENTS
                ),
            }));
        }
    }

    /// Records the ready queue in the trace if it changed during this instant.
    fn sample_ready_queue(&mut self) {
        let Some(trace) = &mut self.trace else { return };
        let len = self.sched.get().len();
        let last = trace.ready_queue.last();
        if len == 0 && last.is_none_or(|q| q.len == 0) {
            return;
        }
        let threads = self.sched.get().queue(QUEUE_SAMPLE_MAX);
        let per_cpu = self.sched.get().queue_lens();
        if last.is_some_and(|q| q.len == len && q.threads == threads && q.per_cpu == per_cpu) {
            return;
        }
        trace.ready_queue.push(QueueSample { time: self.now, threads, len, per_cpu });
    }

    /// Phase 3: idle CPUs take threads from the scheduler.
    ///
    /// Each idle CPU, in index order, asks the scheduler for a thread it may run. The thread goes
    /// back to the CPU it last ran on if that CPU is idle and allowed (cache affinity: no
    /// needless migration and switch), otherwise to the CPU that asked, unless the policy binds
    /// picks to the asking CPU (per-CPU queues). A CPU the policy has nothing for is not asked
    /// again this instant.
    fn dispatch_idle_cpus(&mut self, sys: &System) {
        let mut refused = 0u64;
        while self.idle & !refused != 0 && self.stop.is_none() {
            let cpu = (self.idle & !refused).trailing_zeros() as CpuId;
            let Some(tid) = self.sched_pick(cpu) else {
                refused |= 1 << cpu;
                continue;
            };
            debug_assert!(
                self.attrs[tid].allows(cpu),
                "the policy picked thread {tid} for CPU {cpu}, outside its mask"
            );
            let place = match self.threads[tid].last_cpu {
                Some(last) if !self.binds && self.idle & (1 << last) != 0 && self.attrs[tid].allows(last) => last,
                _ => cpu,
            };
            self.dispatch(sys, place, tid);
        }
    }

    fn dispatch(&mut self, sys: &System, cpu: CpuId, tid: ThreadId) {
        let t = &mut self.threads[tid];
        if t.last_cpu.is_some_and(|last| last != cpu) {
            t.migrations += 1;
            self.migrations += 1;
        }
        t.last_cpu = Some(cpu);
        t.dispatch_seq = self.dispatches;
        self.dispatches += 1;
        self.set_state(tid, ThreadState::Running, Cause::Dispatched { cpu });
        self.idle &= !(1 << cpu);
        let c = &mut self.cpus[cpu];
        c.thread = Some(tid);
        c.ran = 0;
        let cost = match c.last {
            None => 0,
            Some(prev) if prev == tid => 0,
            Some(prev) => {
                self.context_switches += 1;
                if self.threads[prev].pid == self.threads[tid].pid {
                    c.switch_kind = IntervalKind::ThreadSwitch;
                    self.machine.thread_switch_ticks
                } else {
                    self.process_switches += 1;
                    c.switch_kind = IntervalKind::ProcessSwitch;
                    self.machine.process_switch_ticks
                }
            }
        };
        c.last = Some(tid);
        if cost == 0 {
            self.begin_run(sys, cpu);
        } else {
            c.phase = Phase::Switching;
            c.since = self.now;
            c.switch_end = self.now + cost;
            c.switching += cost;
            let epoch = c.epoch;
            self.events.push(self.now + cost, EventKind::SwitchDone { cpu, epoch });
        }
    }

    /// Records what `cpu` has done for its thread since `since` up to now: a context switch, or a
    /// run from `first_pc` to the thread's current PC. Nothing for an empty interval, or when no
    /// trace is recorded.
    #[inline]
    fn record_interval(&mut self, cpu: CpuId) {
        if self.trace.is_some() {
            self.record_interval_in_trace(cpu);
        }
    }

    /// [`Kernel::record_interval`] when recording the trace.
    #[inline(never)]
    fn record_interval_in_trace(&mut self, cpu: CpuId) {
        let Some(trace) = &mut self.trace else { return };
        let c = &self.cpus[cpu];
        let Some(tid) = c.thread else { return };
        if c.since >= self.now {
            return;
        }
        let pc = self.threads[tid].ctx.pc;
        let (kind, first_pc) = match c.phase {
            Phase::Running => (IntervalKind::Run, c.first_pc),
            Phase::Switching => (c.switch_kind, pc),
            Phase::Idle => return,
        };
        trace.intervals.push(CpuInterval { cpu, tid, start: c.since, end: self.now, kind, first_pc, last_pc: pc });
    }

    /// The thread starts executing on `cpu` now. Always inlined: a call per context switch, and
    /// LLVM does not inline it on its own.
    #[inline(always)]
    fn begin_run(&mut self, sys: &System, cpu: CpuId) {
        let tid = self.cpus[cpu].thread.expect("a thread to run");
        let slice = match self.fixed_slice {
            Some(slice) => slice,
            None => self.with_sched(|s, ctx| s.slice(tid, cpu, ctx)),
        };
        let t = &mut self.threads[tid];
        t.waiting += self.now - t.ready_since;
        // A slice of 0 (x86.py's countdown used up by the thread before: it is interrupted at
        // once) runs no tick: not yet a response.
        if slice != Some(0) {
            t.first_run.get_or_insert(self.now);
        }
        let pc = t.ctx.pc;
        let c = &mut self.cpus[cpu];
        c.phase = Phase::Running;
        c.since = self.now;
        c.first_pc = pc;
        c.slice_left = slice;
        self.continue_on(sys, cpu, tid);
    }

    /// Runs the free instructions (loop, end, io, exit) at the PC of `tid`, running on `cpu`,
    /// then schedules the next costly step, or pre-empts the thread if its slice is used up.
    /// Always inlined (into its two callers), as [`Kernel::begin_run`].
    #[inline(always)]
    fn continue_on(&mut self, sys: &System, cpu: CpuId, tid: ThreadId) {
        let program = &sys.programs[self.threads[tid].program].instrs;
        loop {
            let t = &mut self.threads[tid];
            let Some(&instr) = program.get(t.ctx.pc) else {
                self.exit(cpu, tid, 0);
                return;
            };
            if t.op_left == 0 {
                let predrawn = &mut t.predrawn;
                let rng = &mut self.rng;
                t.op_left = interpreter::cost(&instr, &mut |span| match span {
                    Span::Range(..) if !predrawn.is_empty() => predrawn.pop_front().expect("not empty"),
                    _ => draw(rng, span),
                });
                if t.op_left == 0 {
                    // A free instruction executes at once, slice or not.
                    if !self.execute(sys, cpu, tid, instr) {
                        return;
                    }
                    continue;
                }
                if self.forked
                    && let Some(var) = written_variable(&instr)
                {
                    self.copy_on_write(tid, var);
                }
            }
            let left = self.threads[tid].op_left;
            let c = &mut self.cpus[cpu];
            let slice = c.slice_left;
            if slice == Some(0) {
                self.leave_cpu(cpu, LeaveReason::SliceExpired);
                self.make_ready(tid, ReadyReason::Preempted);
                return;
            }
            let (run, warm) = match &self.caches {
                Some(caches) if matches!(instr, Instr::Compute { .. }) => caches.plan(cpu, tid, left, slice),
                _ => (slice.map_or(left, |slice| left.min(slice)), false),
            };
            c.step_warm = warm;
            c.step_start = self.now;
            let epoch = c.epoch;
            self.events.push(self.now + run, EventKind::CpuStep { cpu, epoch });
            return;
        }
    }

    /// The step in flight on `cpu` has finished: account it, and if the instruction is done,
    /// execute it and carry on.
    fn complete_step(&mut self, sys: &System, cpu: CpuId) {
        let now = self.now;
        let c = &mut self.cpus[cpu];
        let tid = c.thread.expect("a running thread");
        let elapsed = now - c.step_start;
        c.busy += elapsed;
        c.ran += elapsed;
        if let Some(left) = &mut c.slice_left {
            *left -= elapsed;
        }
        let warm = c.step_warm;
        let t = &self.threads[tid];
        let instr = sys.programs[t.program].instrs[t.ctx.pc];
        let work = self.work_done(cpu, tid, instr, elapsed, warm);
        let t = &mut self.threads[tid];
        t.cpu_time += elapsed;
        t.op_left -= work.min(t.op_left);
        // If the slice ran out (or the cache warmed) mid-instruction, the rest waits its turn.
        if t.op_left > 0 || self.execute(sys, cpu, tid, instr) {
            self.continue_on(sys, cpu, tid);
        }
    }

    /// Executes `instr` for `tid` on `cpu` and applies its effect. Returns whether the thread
    /// goes on running.
    fn execute(&mut self, sys: &System, cpu: CpuId, tid: ThreadId, instr: Instr) -> bool {
        let pid = self.threads[tid].pid;
        let t = &mut self.threads[tid];
        let pc = t.ctx.pc;
        let proc = ProcessState {
            pid,
            memory: &mut self.memory,
            sync: &mut self.sync,
            channels: &mut self.channels,
            cells: &mut self.cells,
        };
        let rng = &mut self.rng;
        let effect = interpreter::execute(instr, tid, &mut t.ctx, proc, self.now, &mut |s| draw(rng, s));
        let go_on = self.apply(sys, cpu, tid, pc, effect);
        if self.ipc_hooks {
            self.after_shared(sys, pid, tid, &instr);
        }
        go_on
    }

    /// After `instr` of `tid` (process `pid`), in a run with shared segments or priority
    /// inheritance: keeps the segments' copies one, and the holders' priorities inherited.
    #[cold]
    fn after_shared(&mut self, sys: &System, pid: super::ProcessId, tid: ThreadId, instr: &Instr) {
        if self.mirrors.maps(pid) {
            self.share(pid, tid, instr);
        }
        if self.inherit.is_some() && matches!(instr, Instr::Lock { .. } | Instr::Unlock { .. } | Instr::CondWait { .. })
        {
            self.inherit_priorities(sys);
        }
    }

    /// After `instr` of `tid` (process `pid`, which maps a shared segment): copies what it
    /// changed in a shared variable or mutex to the other mapping processes, and records it.
    #[cold]
    fn share(&mut self, pid: super::ProcessId, tid: ThreadId, instr: &Instr) {
        for what in self.mirrors.propagate(&self.sharing, pid, tid, instr, &mut self.memory, &mut self.sync) {
            self.record(what);
        }
    }

    /// Priority inheritance ([`super::scenario::MutexProtocol::Inherit`]), after a mutex changed
    /// hands or gained a waiter: each thread runs at the most urgent of its own priority and
    /// those of the threads waiting for a mutex it holds (theirs inherited in turn, so along a
    /// chain of waits), and the policy is told of every change
    /// ([`Scheduler::on_priority_change`]). A holder that releases its mutexes drops back.
    #[cold]
    fn inherit_priorities(&mut self, sys: &System) {
        let Some(most_urgent) = self.inherit else { return };
        let urgent = |a: i64, b: i64| match most_urgent {
            MostUrgent::Lowest => a < b,
            MostUrgent::Highest => a > b,
        };
        let mut eff: Vec<i64> = sys.threads.iter().map(|t| t.attrs.priority).collect();
        // Priorities only become more urgent, each to one of the finitely many given: this ends.
        loop {
            let mut changed = false;
            for m in self.sync.iter().flat_map(|s| s.mutexes.iter()) {
                let Some(owner) = m.owner else { continue };
                for &w in &m.waiters {
                    if urgent(eff[w], eff[owner]) {
                        eff[owner] = eff[w];
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        for (tid, &p) in eff.iter().enumerate() {
            if self.attrs[tid].priority != p {
                self.attrs[tid].priority = p;
                self.with_sched(|s, ctx| s.on_priority_change(tid, p, ctx));
                self.stirred = true;
            }
        }
    }

    /// Applies an instruction's effect, in this order: count the step (a faulting instruction
    /// does not count), record the change, wake, then continue, block, exit or stop. Returns
    /// whether the thread goes on running.
    #[inline]
    fn apply(&mut self, sys: &System, cpu: CpuId, tid: ThreadId, pc: usize, effect: Effect) -> bool {
        match effect {
            // The common case, kept small: the instruction completed and the thread carries on.
            Effect { flow: Flow::Next(next), change, wake: None } => {
                self.count_step();
                let pid = self.threads[tid].pid;
                if let Some(change) = change {
                    self.record_with(|| change_event(pid, tid, change));
                }
                self.threads[tid].ctx.pc = next;
                self.record_with(|| What::Pc { tid, pc: next });
                self.stop.is_none()
            }
            _ => self.apply_rare(sys, cpu, tid, pc, effect),
        }
    }

    /// [`Kernel::apply`] for effects that wake, block, exit or fault.
    #[inline(never)]
    fn apply_rare(&mut self, sys: &System, cpu: CpuId, tid: ThreadId, pc: usize, effect: Effect) -> bool {
        let Effect { flow, change, wake } = effect;
        if !matches!(flow, Flow::Fault(_)) {
            self.count_step();
        }
        let pid = self.threads[tid].pid;
        if let Some(change) = change {
            self.record_with(|| change_event(pid, tid, change));
        }
        if let Some(w) = wake {
            self.wake(w);
            // An instruction that wakes several threads leaves the others in `woken`.
            let pid = self.threads[tid].pid;
            for w in std::mem::take(&mut self.sync[pid].woken) {
                self.wake(w);
            }
        }
        match flow {
            Flow::Next(next) => {
                self.set_pc(tid, next);
                self.stop.is_none()
            }
            Flow::Block(reason) => {
                self.leave_cpu(cpu, LeaveReason::Blocked);
                self.block(tid, reason);
                false
            }
            Flow::Create { next, child } => {
                self.set_pc(tid, next);
                self.start_created(sys, child);
                self.stop.is_none()
            }
            Flow::Exit(value) => {
                self.exit(cpu, tid, value);
                false
            }
            Flow::Proc(op) => match op {
                ProcOp::Fork { reg } => self.fork(sys, tid, pc, reg),
                ProcOp::Spawn { reg, program } => self.spawn(sys, tid, pc, reg, program as usize),
                ProcOp::Wait { reg } => self.wait(sys, cpu, tid, pc, reg),
            },
            Flow::Fault(fault) => self.fault(sys, tid, pc, *fault),
        }
    }

    /// Thread `tid`'s instruction at `pc` faults: the run stops with a runtime error. Returns
    /// false (the thread does not go on).
    #[cold]
    fn fault(&mut self, sys: &System, tid: ThreadId, pc: usize, fault: Fault) -> bool {
        let message = fault.message(sys, sys.threads[tid].pid);
        let line = sys.program_of(tid).lines[pc];
        self.stop =
            Some(Box::new(Outcome::RuntimeError { time: self.now, tid, thread: sys.thread_label(tid), line, message }));
        false
    }

    /// Adds the thread of a new process `child` (one thread, `t`), with `tid`'s scheduling
    /// attributes and working set; returns its tid. It arrives now.
    fn add_thread(&mut self, from: ThreadId, t: Thread) -> ThreadId {
        let child_tid = self.threads.len();
        self.threads.push(t);
        self.attrs.push(self.attrs[from].clone());
        self.bursts.push(0);
        if let Some(caches) = &mut self.caches {
            let ws = caches.working_set_kb(from);
            caches.add_thread(ws);
        }
        self.threads[child_tid].created_at = Some(self.now);
        self.live += 1;
        child_tid
    }

    /// The parent's register `reg` of thread `tid` gets the new process's pid, and `tid` goes on
    /// after the instruction at `pc`; the child's thread is made ready.
    fn finish_creation(&mut self, tid: ThreadId, pc: usize, reg: Reg, child: ProcessId, child_tid: ThreadId) -> bool {
        let ctx = &mut self.threads[tid].ctx;
        ctx.regs[reg as usize] = child as i64;
        ctx.loaded_from[reg as usize] = Default::default();
        self.record(What::Reg { tid, reg, value: child as i64 });
        self.set_pc(tid, pc + 1);
        self.make_ready(child_tid, ReadyReason::Arrived);
        self.stop.is_none()
    }

    /// `fork rX` by `tid` at `pc` ([`super::procs`]): a child process that is a copy of the
    /// caller's, with one thread that is a copy of the caller after the `fork`.
    fn fork(&mut self, sys: &System, tid: ThreadId, pc: usize, reg: Reg) -> bool {
        if !self.procs.room() {
            return self.fault(sys, tid, pc, Fault::ProcessLimit { max: self.procs.max, spawn: false });
        }
        let parent = self.threads[tid].pid;
        let child = self.procs.add_child(parent, Origin::Forked, self.now);
        let mut t = Thread::new(child, self.threads[tid].program, self.threads[tid].ctx.clone());
        t.ctx.pc = pc + 1;
        t.ctx.regs[reg as usize] = 0;
        t.ctx.loaded_from = Default::default();
        let child_tid = self.add_thread(tid, t);
        self.memory.push(self.memory[parent].iter().map(|c| Cell::new(c.value)).collect());
        self.cells.push(self.cells[parent].clone());
        self.sync.push(procs::forked_sync(&self.sync[parent], &self.sharing, parent, tid, child_tid));
        if self.ipc_hooks {
            // The child maps its parent's segments now: a store or `unlock` another process makes
            // later in this instant reaches its copies too.
            self.sharing.inherit_mappings(parent, child);
            let vars: Vec<usize> = self.memory.iter().map(Vec::len).collect();
            let mutexes: Vec<usize> = self.sync.iter().map(|s| s.mutexes.len()).collect();
            self.mirrors = Mirrors::new(&self.sharing, &vars, &mutexes);
        }
        self.pages.fork(parent, tid, child, child_tid);
        self.forked = true;
        self.born.push(Born::of(sys, tid, child, child_tid, None, self.now));
        self.record(What::NewProcess { tid, child, thread: child_tid, spawned: None });
        self.record(What::Reg { tid: child_tid, reg, value: 0 });
        self.finish_creation(tid, pc, reg, child, child_tid)
    }

    /// `spawn rX, P` by `tid` at `pc`: a fresh process running the caller's process's program
    /// `program` (its index in the process's table).
    fn spawn(&mut self, sys: &System, tid: ThreadId, pc: usize, reg: Reg, program: usize) -> bool {
        if !self.procs.room() {
            return self.fault(sys, tid, pc, Fault::ProcessLimit { max: self.procs.max, spawn: true });
        }
        let parent = self.threads[tid].pid;
        let info = &sys.processes[parent];
        let child = self.procs.add_child(parent, Origin::Spawned { program }, self.now);
        let code = info.programs[program];
        let child_tid = self.add_thread(tid, Thread::new(child, code, Context::start(&sys.programs[code])));
        self.memory.push(info.space.initial.iter().map(|&v| Cell::new(v)).collect());
        self.cells.push(Default::default());
        let mut sync = ProcessSync::new(info);
        sync.lives = Lives::single(child_tid);
        self.sync.push(sync);
        self.pages.spawn(parent, child, child_tid, &info.space.layout, info.space.variables.len());
        self.born.push(Born::of(sys, tid, child, child_tid, Some(program), self.now));
        self.record(What::NewProcess { tid, child, thread: child_tid, spawned: Some(program) });
        self.finish_creation(tid, pc, reg, child, child_tid)
    }

    /// `wait rX` by `tid` (on `cpu`) at `pc`: reap an ended child, or wait for one to end.
    fn wait(&mut self, sys: &System, cpu: CpuId, tid: ThreadId, pc: usize, reg: Reg) -> bool {
        let pid = self.threads[tid].pid;
        match self.procs.wait(pid, tid) {
            WaitStep::Reaped { child, value } => {
                let ctx = &mut self.threads[tid].ctx;
                ctx.regs[reg as usize] = value;
                ctx.loaded_from[reg as usize] = Default::default();
                self.record(What::Reaped { tid, child, reg, value });
                self.set_pc(tid, pc + 1);
                self.stop.is_none()
            }
            WaitStep::MustWait => {
                self.leave_cpu(cpu, LeaveReason::Blocked);
                self.block(tid, WaitReason::Child);
                false
            }
            WaitStep::NoChild => {
                let reaped = self.procs.procs[pid].children.len() as u32;
                self.fault(sys, tid, pc, Fault::NoChild { reaped })
            }
        }
    }

    /// Thread `tid` starts an instruction that writes variable `var`: if the variable's page is
    /// shared copy-on-write, the page is copied first, costing `machine.cow_copy_ticks` more. A
    /// shared segment's variable is written in place (its mapping is shared, not copy-on-write).
    #[cold]
    fn copy_on_write(&mut self, tid: ThreadId, var: usize) {
        let pid = self.threads[tid].pid;
        if self.mirrors.shares_var(pid, var) {
            return;
        }
        if let Some(page) = self.pages.write(pid, var) {
            self.threads[tid].op_left += self.machine.cow_copy_ticks;
            self.record(What::CowCopy { pid, tid, page: page as u32 });
        }
    }

    /// Work done, in ticks of cold work, by `elapsed` ticks of `instr` on `cpu`: more than
    /// `elapsed` for a `compute` running warm under the cache model.
    #[inline]
    fn work_done(&mut self, cpu: CpuId, tid: ThreadId, instr: Instr, elapsed: Ticks, warm: bool) -> Ticks {
        match &mut self.caches {
            Some(caches) if matches!(instr, Instr::Compute { .. }) => caches.ran(cpu, tid, elapsed, warm),
            _ => elapsed,
        }
    }

    #[inline]
    fn count_step(&mut self) {
        self.steps += 1;
        if self.steps > self.limits.max_steps {
            self.step_budget_spent();
        }
    }

    #[cold]
    fn step_budget_spent(&mut self) {
        if self.stop.is_none() {
            self.stop = Some(Box::new(Outcome::BudgetExceeded {
                time: self.now,
                steps: self.steps,
                message: format!(
                    "stopped at t={}: more than {} instructions executed (limits.max_steps); a loop may be too long",
                    self.now, self.limits.max_steps
                ),
            }));
        }
    }

    /// The thread on `cpu` stops running (blocks, exits or is pre-empted); records its interval
    /// and tells the scheduler. Always inlined, as [`Kernel::begin_run`].
    #[inline(always)]
    fn leave_cpu(&mut self, cpu: CpuId, why: LeaveReason) {
        self.record_interval(cpu);
        let c = &mut self.cpus[cpu];
        let tid = c.thread.take().expect("a thread to leave");
        c.phase = Phase::Idle;
        self.idle |= 1 << cpu;
        c.epoch = c.epoch.wrapping_add(1);
        let ran = c.ran;
        if self.leave_calls {
            self.with_sched(|s, ctx| s.on_leave(tid, cpu, ran, why, ctx));
        }
    }

    /// The policy takes `cpu` from its thread now, mid-step or mid-switch: the work done so far
    /// counts, the rest of the instruction waits for the thread's next turn.
    fn preempt(&mut self, sys: &System, cpu: CpuId) {
        let now = self.now;
        let c = &mut self.cpus[cpu];
        let tid = c.thread.expect("a thread to pre-empt");
        match c.phase {
            Phase::Running => {
                let elapsed = now - c.step_start;
                c.busy += elapsed;
                c.ran += elapsed;
                if let Some(left) = &mut c.slice_left {
                    *left -= elapsed;
                }
                let warm = c.step_warm;
                let t = &self.threads[tid];
                let instr = sys.programs[t.program].instrs[t.ctx.pc];
                let work = self.work_done(cpu, tid, instr, elapsed, warm);
                let t = &mut self.threads[tid];
                t.cpu_time += elapsed;
                t.op_left -= work.min(t.op_left);
            }
            Phase::Switching => {
                c.switching -= c.switch_end - now;
                // The switch so far was time spent waiting, as `begin_run` counts it.
                let t = &mut self.threads[tid];
                t.waiting += now - t.ready_since;
            }
            Phase::Idle => unreachable!("an idle CPU has no thread"),
        }
        // Its step or switch will not complete: drop the event, so no stale instant follows.
        self.events.cancel_cpu(cpu);
        self.leave_cpu(cpu, LeaveReason::Preempted);
        self.make_ready(tid, ReadyReason::Preempted);
    }

    /// `tid` terminates with exit `value`; a thread waiting to join it is woken (its `join`
    /// runs again and takes the value).
    fn exit(&mut self, cpu: CpuId, tid: ThreadId, value: i64) {
        self.leave_cpu(cpu, LeaveReason::Exited);
        self.threads[tid].completion = Some(self.now);
        self.live -= 1;
        self.set_state(tid, ThreadState::Terminated, Cause::Exited { value });
        let pid = self.threads[tid].pid;
        if let Some(joiner) = self.sync[pid].lives.exit(tid, value) {
            self.wake(joiner);
        }
        if let Some(waiter) = self.procs.thread_exited(pid, value, self.now) {
            self.process_ended(pid, value, waiter);
        }
    }

    /// Process `pid` has ended with `value` (its last thread exited): its memory is released
    /// (what it held is kept for the report), and its parent's thread waiting in `wait`, if any,
    /// is woken to reap it.
    fn process_ended(&mut self, pid: ProcessId, value: i64, waiter: Option<ThreadId>) {
        if self.at_end.len() <= pid {
            self.at_end.resize(pid + 1, None);
        }
        self.at_end[pid] = Some((self.pages.rss(pid), self.pages.pss(pid), self.pages.view(pid)));
        self.pages.release(pid);
        self.record(What::ProcessEnd { pid, value });
        if let Some(w) = waiter {
            self.wake(w);
        }
    }

    /// A `create` has started `child` (a `"start": "created"` slot): it arrives now, with its
    /// stack.
    fn start_created(&mut self, sys: &System, child: ThreadId) {
        self.threads[child].created_at = Some(self.now);
        self.live += 1;
        let pid = self.threads[child].pid;
        self.procs.thread_started(pid);
        self.pages.add_stack(pid, child, &sys.processes[pid].space.layout);
        self.make_ready(child, ReadyReason::Arrived);
    }

    /// A run that stops early (deadlock, runtime error, budget) leaves some threads ready, being
    /// switched in or blocked: their open interval counts up to the stop, as a finished wait would
    /// (`waiting`, `io_time` or `lock_wait`), so a thread blocked from t=175 to a deadlock at 417
    /// shows 242 ticks of sync wait, not 0. After a completed run no interval is open.
    fn close_open_waits(&mut self) {
        let now = self.now;
        for (tid, t) in self.threads.iter_mut().enumerate() {
            if let Some(w) = &t.wait {
                let waited = now - w.since;
                match w.reason.class() {
                    WaitClass::Io => t.io_time += waited,
                    WaitClass::Sync => t.lock_wait += waited,
                }
            } else if t.state == ThreadState::Ready
                || (t.state == ThreadState::Running
                    && self.cpus.iter().any(|c| c.thread == Some(tid) && c.phase == Phase::Switching))
            {
                t.waiting += now - t.ready_since;
            }
        }
    }

    fn result(&mut self, sys: &System) -> RunResult {
        let outcome = self.stop.as_deref().cloned().unwrap_or_else(|| {
            // A slot no `create` reached never ran: "every thread finished" would not be true.
            let never_created: Vec<String> = (sys.threads.iter())
                .filter(|t| t.created && self.threads[t.tid].created_at.is_none())
                .map(|t| sys.thread_label(t.tid))
                .collect();
            match never_created.is_empty() {
                true => Outcome::Completed,
                false => Outcome::CompletedUncreated { never_created },
            }
        });
        let makespan = self.now;
        self.close_open_waits();
        let mut threads: Vec<_> = self.threads.iter().enumerate().map(|(tid, t)| t.metrics(tid, sys)).collect();
        if let Some(caches) = &self.caches {
            for (t, &warm) in threads.iter_mut().zip(&caches.warm_ticks) {
                t.warm_ticks = Some(warm);
            }
        }
        for t in &mut threads {
            t.spin_time = self.sync[t.pid].spin_ticks(t.tid);
        }
        let cpus = self.cpus.iter().enumerate().map(|(cpu, c)| c.metrics(cpu, makespan)).collect();
        let variables = sys
            .processes
            .iter()
            .flat_map(|p| {
                let memory = &self.memory;
                let vars = p.space.variables.iter().enumerate().map(move |(v, name)| VariableValue {
                    pid: p.pid,
                    process: p.name.clone(),
                    name: name.clone(),
                    value: memory[p.pid][v].value,
                    expected: p.space.expected[v],
                    lost_updates: memory[p.pid][v].lost(),
                });
                // An x86.py program's cells follow, by address, named as x86.py names them.
                let cells = self.cells[p.pid].written_cells().map(move |(addr, cell)| VariableValue {
                    pid: p.pid,
                    process: p.name.clone(),
                    name: Place::Cell(addr).name(sys, p.pid),
                    value: cell.value,
                    expected: None,
                    lost_updates: cell.lost(),
                });
                vars.chain(cells)
            })
            .collect();
        // Every thread that started has its stack (a created one from its start; an exited
        // one's stack is not counted as returned: glibc keeps it for reuse).
        let memory: Vec<ProcessMemory> = sys
            .processes
            .iter()
            .map(|p| {
                let lives = &self.sync[p.pid].lives;
                let started = p.threads.iter().filter(|&&t| lives.life(t) != Some(Life::NotStarted)).count();
                let r = &self.procs.procs[p.pid];
                let (ended, exit_value) = match r.state {
                    ProcState::Alive => (None, None),
                    ProcState::Zombie { value, at } | ProcState::Reaped { value, at } => (Some(at), Some(value)),
                };
                let (rss_bytes, pss_bytes, pages) = match self.at_end.get(p.pid) {
                    Some(Some(at_end)) => at_end.clone(),
                    _ => (self.pages.rss(p.pid), self.pages.pss(p.pid), self.pages.view(p.pid)),
                };
                ProcessMemory {
                    pid: p.pid,
                    process: p.name.clone(),
                    threads: started,
                    bytes: p.space.footprint_bytes(started),
                    parent: r.parent,
                    children: r.children.clone(),
                    origin: r.origin,
                    created: r.created,
                    ended,
                    exit_value,
                    rss_bytes,
                    pss_bytes,
                    cow_copies: self.pages.cow_copies(p.pid),
                    pages,
                }
            })
            .collect();
        let metrics = Metrics {
            makespan,
            context_switches: self.context_switches,
            process_switches: self.process_switches,
            migrations: self.migrations,
            warm_ticks: self.caches.as_ref().map(|c| c.warm_ticks.iter().sum()),
            steps: self.steps,
            averages: Averages::of(&threads),
            total_memory_bytes: memory.iter().map(|m| m.bytes).sum(),
            total_pss_bytes: self.pages.resident_bytes(),
            peak_resident_bytes: self.pages.peak_bytes(),
            threads,
            cpus,
            variables,
            memory,
        };
        RunResult { outcome, metrics, events_handled: self.events_handled, trace: self.trace.take().map(|t| *t) }
    }
}
