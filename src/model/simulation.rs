//! The event loop: a discrete-event simulation of threads on CPUs.
//!
//! Time jumps from event to event (no per-tick loop). Each instant is handled in three phases:
//! 1. pop every event at that time, in [`super::events`] order, applying instruction effects
//!    (memory, registers, mutexes), blocking, waking and exiting threads;
//! 2. queue the threads that became ready, in the scenario's tie order
//!    ([`super::scenario::TieRule`]), then by thread id;
//! 3. give each idle CPU, in index order, the scheduler's next thread.
//!
//! An instruction's effect applies when it completes: a `load` reads memory at its end time.
//! A thread's time slice starts when it begins executing (after the context switch). A CPU that
//! picks the thread it ran last pays no switch; a CPU's very first thread is loaded for free.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

use super::events::{EventKind, EventQueue};
use super::metrics::{Averages, CpuMetrics, Metrics, ProcessMemory, ThreadMetrics, VariableValue};
use super::program::{Instr, Operand, REGISTER_COUNT, Span, VarId};
use super::scenario::{Limits, MachineSpec, Scenario, TieRule};
use super::scheduler::{self, ReadyReason, Scheduler};
use super::sync::{Acquire, Mutex, Release};
use super::system::System;
use super::trace::{
    Cause, CpuInterval, IntervalKind, MAX_TRACE_EVENTS, QUEUE_SAMPLE_MAX, QueueSample, ThreadState, Trace, TraceEvent,
    What,
};
use super::{CpuId, ThreadId, Ticks};

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// Every thread terminated.
    Completed,
    /// Every remaining thread is blocked on a mutex and nothing can wake them.
    Deadlock {
        /// Time of the last event before no thread could progress, in ticks.
        time: Ticks,
        /// Each thread stuck on a mutex, in tid order.
        waits: Vec<LockWait>,
        /// Who waits for which mutex, held by whom, for people.
        message: String,
    },
    /// The run hit `limits.max_steps` or `limits.max_time`.
    BudgetExceeded {
        /// Time of the last instant handled before stopping, in ticks.
        time: Ticks,
        /// Instructions executed when the run stopped.
        steps: u64,
        /// Which limit was hit, for people.
        message: String,
    },
    /// A program did something illegal (e.g. unlocked a mutex it does not hold).
    RuntimeError {
        /// When the faulting instruction completed, in ticks.
        time: Ticks,
        /// The faulting thread.
        tid: ThreadId,
        /// Its label, `process/thread`.
        thread: String,
        /// 1-based source line of the faulting instruction.
        line: u32,
        /// What the program did wrong.
        message: String,
    },
}

impl Outcome {
    /// One sentence for people.
    pub fn message(&self) -> String {
        match self {
            Outcome::Completed => "every thread finished".into(),
            Outcome::Deadlock { message, .. } | Outcome::BudgetExceeded { message, .. } => message.clone(),
            Outcome::RuntimeError { thread, line, message, time, .. } => {
                format!("runtime error at t={time} in {thread}, line {line}: {message}")
            }
        }
    }
}

/// One thread stuck on a mutex, in a deadlock report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LockWait {
    /// The waiting thread.
    pub tid: ThreadId,
    /// Its label, `process/thread`.
    pub thread: String,
    /// Name of the mutex it waits for.
    pub mutex: String,
    /// Thread holding the mutex (`None`: nobody, which cannot happen with FIFO hand-off).
    pub holder: Option<String>,
    /// The holder has terminated without unlocking.
    pub holder_terminated: bool,
}

/// Whether to record the trace (the UI needs it; grading and benchmarks may not).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recording {
    /// Record the full [`Trace`]: events, CPU intervals and ready-queue samples.
    Full,
    /// Record no trace ([`RunResult::trace`] is `None`); metrics are computed as usual.
    MetricsOnly,
}

/// Runtime state of a thread (the static part is in [`System`]).
#[derive(Clone, Debug)]
struct Thread {
    state: ThreadState,
    pc: usize,
    regs: [i64; REGISTER_COUNT],
    /// Where each register's value came from: the variable it was loaded from and that
    /// variable's write count at the load (kept by `add`, cleared by `set`), to spot lost updates.
    loaded_from: [Option<(VarId, u64)>; REGISTER_COUNT],
    /// Remaining iterations of each open loop, innermost last.
    loops: Vec<u32>,
    /// CPU it last ran on (preferred when it is idle again).
    last_cpu: Option<CpuId>,
    /// Ticks left of a `compute` cut short by pre-emption (0: none in progress).
    compute_left: Ticks,
    first_run: Option<Ticks>,
    completion: Option<Ticks>,
    /// When it last became ready, or started waiting for a mutex.
    since: Ticks,
    waiting: Ticks,
    cpu_time: Ticks,
    io_time: Ticks,
    lock_wait: Ticks,
}

/// A variable at run time.
#[derive(Clone, Copy, Debug)]
struct Cell {
    value: i64,
    /// Stores so far (the variable's version), to spot lost updates.
    writes: u64,
    /// Lost updates so far (see [`What::Mem`]).
    lost: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Switching,
    Running,
}

#[derive(Clone, Debug)]
struct Cpu {
    phase: Phase,
    thread: Option<ThreadId>,
    /// Thread it ran last (decides whether a switch costs anything).
    last: Option<ThreadId>,
    /// Bumped whenever the CPU stops its thread, so stale events are ignored.
    epoch: u32,
    /// Start of the current run or switch interval.
    since: Ticks,
    switch_kind: IntervalKind,
    first_pc: usize,
    /// Ticks left of the time slice, if the policy pre-empts.
    slice_left: Option<Ticks>,
    /// Length of the step in flight.
    step: Ticks,
    busy: Ticks,
    switching: Ticks,
}

/// A run in progress. Build with [`Simulation::new`], finish with [`Simulation::run`].
pub struct Simulation<'s> {
    sys: &'s System,
    machine: MachineSpec,
    tie: TieRule,
    limits: Limits,
    now: Ticks,
    events: EventQueue,
    sched: Box<dyn Scheduler>,
    rng: Pcg64Mcg,
    threads: Vec<Thread>,
    cpus: Vec<Cpu>,
    /// `memory[pid][var]`: the processes' variables.
    memory: Vec<Vec<Cell>>,
    /// `mutexes[pid][mutex]`.
    mutexes: Vec<Vec<Mutex>>,
    /// Threads that became ready this instant, queued at its end.
    newly_ready: Vec<(ReadyReason, ThreadId)>,
    live: usize,
    steps: u64,
    events_handled: u64,
    context_switches: u64,
    process_switches: u64,
    trace: Option<Trace>,
    stop: Option<Outcome>,
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

impl<'s> Simulation<'s> {
    /// Prepares a run of `sys` (loaded from `scenario`).
    pub fn new(scenario: &Scenario, sys: &'s System, recording: Recording) -> Self {
        let threads = sys
            .threads
            .iter()
            .map(|_| Thread {
                state: ThreadState::New,
                pc: 0,
                regs: [0; REGISTER_COUNT],
                loaded_from: [None; REGISTER_COUNT],
                last_cpu: None,
                loops: Vec::new(),
                compute_left: 0,
                first_run: None,
                completion: None,
                since: 0,
                waiting: 0,
                cpu_time: 0,
                io_time: 0,
                lock_wait: 0,
            })
            .collect();
        let cpu = Cpu {
            phase: Phase::Idle,
            thread: None,
            last: None,
            epoch: 0,
            since: 0,
            switch_kind: IntervalKind::ThreadSwitch,
            first_pc: 0,
            slice_left: None,
            step: 0,
            busy: 0,
            switching: 0,
        };
        let mut events = EventQueue::new(scenario.machine.cpus as usize);
        for t in &sys.threads {
            events.push(t.arrival, EventKind::Arrive { tid: t.tid });
        }
        Simulation {
            sys,
            machine: scenario.machine.clone(),
            tie: scenario.scheduler.tie,
            limits: scenario.limits.clone(),
            now: 0,
            events,
            sched: scheduler::from_spec(&scenario.scheduler),
            rng: Pcg64Mcg::seed_from_u64(scenario.seed),
            threads,
            cpus: vec![cpu; scenario.machine.cpus as usize],
            memory: sys
                .processes
                .iter()
                .map(|p| p.space.initial.iter().map(|&value| Cell { value, writes: 0, lost: 0 }).collect())
                .collect(),
            mutexes: sys.processes.iter().map(|p| vec![Mutex::default(); p.mutexes.len()]).collect(),
            newly_ready: Vec::new(),
            live: sys.threads.len(),
            steps: 0,
            events_handled: 0,
            context_switches: 0,
            process_switches: 0,
            trace: match recording {
                Recording::Full => Some(Trace::default()),
                Recording::MetricsOnly => None,
            },
            stop: None,
        }
    }

    /// Runs to the end (all threads done, deadlock, error or budget) and returns the result.
    pub fn run(mut self) -> RunResult {
        while self.stop.is_none() {
            let Some(t) = self.events.peek_time() else { break };
            if t > self.limits.max_time {
                self.stop = Some(Outcome::BudgetExceeded {
                    time: self.now,
                    steps: self.steps,
                    message: format!(
                        "stopped: the next event is at t={t}, past the time limit of {} ticks (limits.max_time)",
                        self.limits.max_time
                    ),
                });
                break;
            }
            self.now = t;
            while self.stop.is_none() && self.events.peek_time() == Some(t) {
                let ev = self.events.pop().expect("peeked");
                self.events_handled += 1;
                self.handle(ev.kind);
            }
            if self.stop.is_none() {
                self.queue_newly_ready();
                self.dispatch_idle_cpus();
                self.sample_ready_queue();
                self.check_trace_size();
            }
        }
        if self.stop.is_none() && self.live > 0 {
            self.stop = Some(self.deadlock_report());
        }
        self.close_open_intervals();
        self.finish()
    }

    fn record(&mut self, what: What) {
        if let Some(trace) = &mut self.trace {
            trace.events.push(TraceEvent { time: self.now, what });
        }
    }

    fn set_state(&mut self, tid: ThreadId, state: ThreadState, cause: Cause) {
        self.threads[tid].state = state;
        self.record(What::State { tid, state, cause });
    }

    fn set_pc(&mut self, tid: ThreadId, pc: usize) {
        self.threads[tid].pc = pc;
        self.record(What::Pc { tid, pc });
    }

    fn set_reg(&mut self, tid: ThreadId, reg: u8, value: i64) {
        self.threads[tid].regs[reg as usize] = value;
        self.record(What::Reg { tid, reg, value });
    }

    fn draw(&mut self, span: Span) -> Ticks {
        match span {
            Span::Fixed(n) => n,
            Span::Range(lo, hi) => self.rng.random_range(lo..=hi),
        }
    }

    fn handle(&mut self, kind: EventKind) {
        match kind {
            EventKind::Arrive { tid } => self.newly_ready.push((ReadyReason::Arrived, tid)),
            EventKind::IoDone { tid } => {
                let pc = self.threads[tid].pc + 1;
                self.set_pc(tid, pc);
                self.newly_ready.push((ReadyReason::Woken, tid));
            }
            EventKind::SwitchDone { cpu, epoch } => {
                if self.cpus[cpu].epoch == epoch {
                    self.end_switch(cpu);
                }
            }
            EventKind::CpuStep { cpu, epoch } => {
                if self.cpus[cpu].epoch == epoch {
                    self.complete_step(cpu);
                }
            }
        }
    }

    /// Phase 2: the threads made ready this instant join the ready queue in tie order.
    fn queue_newly_ready(&mut self) {
        if self.newly_ready.is_empty() {
            return;
        }
        let mut batch = std::mem::take(&mut self.newly_ready);
        let class = |r: ReadyReason, tie: TieRule| match (r, tie) {
            (ReadyReason::Preempted, TieRule::ArrivalsFirst) => 1,
            (ReadyReason::Preempted, TieRule::PreemptedFirst) => 0,
            (_, TieRule::ArrivalsFirst) => 0,
            (_, TieRule::PreemptedFirst) => 1,
        };
        let tie = self.tie;
        batch.sort_by_key(|&(r, tid)| (class(r, tie), tid));
        for &(reason, tid) in &batch {
            self.threads[tid].since = self.now;
            self.set_state(tid, ThreadState::Ready, Cause::Queued { reason });
            self.sched.enqueue(tid, reason, self.now);
        }
        batch.clear();
        self.newly_ready = batch; // keep the allocation
    }

    /// Stops the run once the recorded trace holds [`MAX_TRACE_EVENTS`] events: a browser tab
    /// cannot hold an unbounded trace, and a huge `limits.max_steps` must not crash the page.
    fn check_trace_size(&mut self) {
        let Some(trace) = &self.trace else { return };
        if trace.events.len() >= MAX_TRACE_EVENTS {
            self.stop = Some(Outcome::BudgetExceeded {
                time: self.now,
                steps: self.steps,
                message: format!(
                    "stopped at t={}: the trace reached {} events, the most that is recorded; lower limits.max_steps, or run it with the CLI without --trace",
                    self.now, MAX_TRACE_EVENTS
                ),
            });
        }
    }

    /// Records the ready queue in the trace if it changed during this instant.
    fn sample_ready_queue(&mut self) {
        let Some(trace) = &mut self.trace else { return };
        let len = self.sched.len();
        let last = trace.ready_queue.last();
        if len == 0 && last.is_none_or(|q| q.len == 0) {
            return;
        }
        let threads = self.sched.queue(QUEUE_SAMPLE_MAX);
        if last.is_some_and(|q| q.len == len && q.threads == threads) {
            return;
        }
        trace.ready_queue.push(QueueSample { time: self.now, threads, len });
    }

    /// Phase 3: idle CPUs take threads from the scheduler.
    ///
    /// Threads leave the ready queue in the scheduler's order. Each goes back to the CPU it last
    /// ran on if that CPU is idle (cache affinity: no needless migration and switch), otherwise
    /// to the lowest-numbered idle CPU.
    fn dispatch_idle_cpus(&mut self) {
        while self.stop.is_none() {
            let Some(first_idle) = self.cpus.iter().position(|c| c.phase == Phase::Idle) else { return };
            let Some(tid) = self.sched.pick_next(first_idle, self.now) else { return };
            let cpu = match self.threads[tid].last_cpu {
                Some(last) if self.cpus[last].phase == Phase::Idle => last,
                _ => first_idle,
            };
            self.dispatch(cpu, tid);
        }
    }

    fn dispatch(&mut self, cpu: CpuId, tid: ThreadId) {
        self.threads[tid].last_cpu = Some(cpu);
        self.set_state(tid, ThreadState::Running, Cause::Dispatched { cpu });
        let c = &mut self.cpus[cpu];
        c.thread = Some(tid);
        let cost = match c.last {
            None => 0,
            Some(prev) if prev == tid => 0,
            Some(prev) => {
                self.context_switches += 1;
                if self.sys.threads[prev].pid == self.sys.threads[tid].pid {
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
            self.begin_run(cpu);
        } else {
            c.phase = Phase::Switching;
            c.since = self.now;
            c.switching += cost;
            let epoch = c.epoch;
            self.events.push(self.now + cost, EventKind::SwitchDone { cpu, epoch });
        }
    }

    fn end_switch(&mut self, cpu: CpuId) {
        self.record_interval(cpu);
        self.begin_run(cpu);
    }

    /// Records what `cpu` has done for its thread since `since` up to now: a context switch, or a
    /// run from `first_pc` to the thread's current PC. Nothing for an empty interval.
    fn record_interval(&mut self, cpu: CpuId) {
        let Some(trace) = &mut self.trace else { return };
        let c = &self.cpus[cpu];
        let Some(tid) = c.thread else { return };
        if c.since >= self.now {
            return;
        }
        let pc = self.threads[tid].pc;
        let (kind, first_pc) = match c.phase {
            Phase::Running => (IntervalKind::Run, c.first_pc),
            Phase::Switching => (c.switch_kind, pc),
            Phase::Idle => return,
        };
        trace.intervals.push(CpuInterval { cpu, tid, start: c.since, end: self.now, kind, first_pc, last_pc: pc });
    }

    /// The thread starts executing on `cpu` now.
    fn begin_run(&mut self, cpu: CpuId) {
        let tid = self.cpus[cpu].thread.expect("a thread to run");
        let t = &mut self.threads[tid];
        t.waiting += self.now - t.since;
        t.first_run.get_or_insert(self.now);
        let pc = t.pc;
        let slice = self.sched.time_slice(tid);
        let c = &mut self.cpus[cpu];
        c.phase = Phase::Running;
        c.since = self.now;
        c.first_pc = pc;
        c.slice_left = slice;
        self.continue_on(cpu);
    }

    /// Runs the free instructions (loop, end, io, exit) at the thread's PC, then schedules the
    /// next costly step, or pre-empts the thread if its slice is used up.
    fn continue_on(&mut self, cpu: CpuId) {
        let tid = self.cpus[cpu].thread.expect("a running thread");
        let program = self.sys.program_of(tid);
        loop {
            let pc = self.threads[tid].pc;
            let Some(&instr) = program.instrs.get(pc) else {
                self.exit(cpu, tid);
                return;
            };
            let cost = match instr {
                Instr::Loop { count, end } => {
                    self.count_step();
                    if count == 0 {
                        self.set_pc(tid, end + 1);
                    } else {
                        self.threads[tid].loops.push(count);
                        self.set_pc(tid, pc + 1);
                    }
                    if self.stop.is_some() {
                        return;
                    }
                    continue;
                }
                Instr::End { start } => {
                    self.count_step();
                    let loops = &mut self.threads[tid].loops;
                    let left = loops.last_mut().expect("end inside a loop");
                    *left -= 1;
                    if *left > 0 {
                        self.set_pc(tid, start + 1);
                    } else {
                        loops.pop();
                        self.set_pc(tid, pc + 1);
                    }
                    if self.stop.is_some() {
                        return;
                    }
                    continue;
                }
                Instr::Exit => {
                    self.count_step();
                    self.exit(cpu, tid);
                    return;
                }
                Instr::Io { span } => {
                    self.count_step();
                    let d = self.draw(span);
                    self.leave_cpu(cpu);
                    self.threads[tid].io_time += d;
                    self.set_state(tid, ThreadState::Blocked, Cause::Io { until: self.now + d });
                    self.events.push(self.now + d, EventKind::IoDone { tid });
                    return;
                }
                Instr::Compute { span } => {
                    if self.threads[tid].compute_left == 0 {
                        self.threads[tid].compute_left = self.draw(span);
                    }
                    self.threads[tid].compute_left
                }
                other => other.fixed_cost(),
            };
            let c = &mut self.cpus[cpu];
            let run = match c.slice_left {
                Some(0) => {
                    self.leave_cpu(cpu);
                    self.newly_ready.push((ReadyReason::Preempted, tid));
                    return;
                }
                Some(left) => cost.min(left),
                None => cost,
            };
            c.step = run;
            let epoch = c.epoch;
            self.events.push(self.now + run, EventKind::CpuStep { cpu, epoch });
            return;
        }
    }

    fn count_step(&mut self) {
        self.steps += 1;
        if self.steps > self.limits.max_steps && self.stop.is_none() {
            self.stop = Some(Outcome::BudgetExceeded {
                time: self.now,
                steps: self.steps,
                message: format!(
                    "stopped at t={}: more than {} instructions executed (limits.max_steps); a loop may be too long",
                    self.now, self.limits.max_steps
                ),
            });
        }
    }

    /// The step in flight on `cpu` has finished: apply its effect and carry on.
    fn complete_step(&mut self, cpu: CpuId) {
        let c = &mut self.cpus[cpu];
        let tid = c.thread.expect("a running thread");
        let elapsed = c.step;
        c.busy += elapsed;
        if let Some(left) = &mut c.slice_left {
            *left -= elapsed;
        }
        let pid = self.sys.threads[tid].pid;
        let t = &mut self.threads[tid];
        t.cpu_time += elapsed;
        let pc = t.pc;
        let instr = self.sys.program_of(tid).instrs[pc];
        match instr {
            Instr::Compute { .. } => {
                t.compute_left -= elapsed;
                if t.compute_left > 0 {
                    self.continue_on(cpu); // slice ran out mid-compute
                    return;
                }
            }
            Instr::Load { reg, var } => {
                let cell = self.memory[pid][var];
                t.loaded_from[reg as usize] = Some((var, cell.writes));
                self.set_reg(tid, reg, cell.value);
            }
            Instr::Store { reg, var } => {
                let value = t.regs[reg as usize];
                let cell = &mut self.memory[pid][var];
                let lost = match t.loaded_from[reg as usize] {
                    Some((v, seen)) if v == var => cell.writes - seen,
                    _ => 0,
                };
                *cell = Cell { value, writes: cell.writes + 1, lost: cell.lost + lost };
                // The register now holds what memory holds: a later store from it loses nothing
                // unless someone else writes in between.
                t.loaded_from[reg as usize] = Some((var, cell.writes));
                self.record(What::Mem { pid, var, value, tid, lost: lost.min(u32::MAX as u64) as u32 });
            }
            Instr::Add { reg, operand } => {
                let rhs = match operand {
                    Operand::Imm(v) => v,
                    Operand::Reg(r) => t.regs[r as usize],
                };
                let v = t.regs[reg as usize].wrapping_add(rhs);
                self.set_reg(tid, reg, v);
            }
            Instr::Set { reg, value } => {
                t.loaded_from[reg as usize] = None;
                self.set_reg(tid, reg, value);
            }
            Instr::Lock { mutex } => match self.mutexes[pid][mutex].acquire(tid) {
                Acquire::Acquired => self.record(What::Mutex { pid, mutex, owner: Some(tid) }),
                Acquire::MustWait { .. } => {
                    self.count_step();
                    self.leave_cpu(cpu);
                    self.threads[tid].since = self.now;
                    self.set_state(tid, ThreadState::Blocked, Cause::LockWait { mutex });
                    return; // PC stays on `lock` until the mutex is handed over
                }
            },
            Instr::Unlock { mutex } => match self.mutexes[pid][mutex].release(tid) {
                Release::Freed => self.record(What::Mutex { pid, mutex, owner: None }),
                Release::HandedTo(next) => {
                    self.record(What::Mutex { pid, mutex, owner: Some(next) });
                    let w = &mut self.threads[next];
                    w.lock_wait += self.now - w.since;
                    let wpc = w.pc + 1;
                    self.set_pc(next, wpc);
                    self.newly_ready.push((ReadyReason::Woken, next));
                }
                Release::NotOwner { owner } => {
                    let holder = match owner {
                        Some(o) => format!("it is held by {}", self.sys.thread_label(o)),
                        None => "it is not locked".into(),
                    };
                    let name = &self.sys.processes[pid].mutexes[mutex];
                    self.runtime_error(
                        tid,
                        pc,
                        format!("unlock of mutex `{name}`, which this thread does not hold ({holder})"),
                    );
                    return;
                }
            },
            Instr::Io { .. } | Instr::Loop { .. } | Instr::End { .. } | Instr::Exit => {
                unreachable!("free instructions never occupy a CPU step")
            }
        }
        self.count_step();
        self.set_pc(tid, pc + 1);
        if self.stop.is_none() {
            self.continue_on(cpu);
        }
    }

    /// The thread on `cpu` stops running (blocks, exits or is pre-empted); records its interval.
    fn leave_cpu(&mut self, cpu: CpuId) {
        self.record_interval(cpu);
        let c = &mut self.cpus[cpu];
        c.thread.take().expect("a thread to leave");
        c.phase = Phase::Idle;
        c.epoch = c.epoch.wrapping_add(1);
    }

    /// A run stopped early (budget, runtime error) leaves threads on CPUs: record what each CPU
    /// did up to the stop, so the timeline shows it.
    fn close_open_intervals(&mut self) {
        for cpu in 0..self.cpus.len() {
            self.record_interval(cpu);
        }
    }

    fn exit(&mut self, cpu: CpuId, tid: ThreadId) {
        self.leave_cpu(cpu);
        self.threads[tid].completion = Some(self.now);
        self.live -= 1;
        self.set_state(tid, ThreadState::Terminated, Cause::Exited);
    }

    fn runtime_error(&mut self, tid: ThreadId, pc: usize, message: String) {
        let line = self.sys.program_of(tid).lines[pc];
        self.stop =
            Some(Outcome::RuntimeError { time: self.now, tid, thread: self.sys.thread_label(tid), line, message });
    }

    fn deadlock_report(&self) -> Outcome {
        let mut waits = Vec::new();
        for (tid, t) in self.threads.iter().enumerate() {
            if t.state == ThreadState::Terminated {
                continue;
            }
            let pid = self.sys.threads[tid].pid;
            let instr = self.sys.program_of(tid).instrs.get(t.pc);
            let Some(Instr::Lock { mutex }) = instr else { continue };
            let holder = self.mutexes[pid][*mutex].owner;
            waits.push(LockWait {
                tid,
                thread: self.sys.thread_label(tid),
                mutex: self.sys.processes[pid].mutexes[*mutex].clone(),
                holder: holder.map(|h| self.sys.thread_label(h)),
                holder_terminated: holder.is_some_and(|h| self.threads[h].state == ThreadState::Terminated),
            });
        }
        let parts: Vec<String> = waits
            .iter()
            .map(|w| {
                let by = match (&w.holder, w.holder_terminated) {
                    (Some(h), true) => format!("held by {h}, which exited without unlocking"),
                    (Some(h), false) => format!("held by {h}"),
                    (None, _) => "free".into(),
                };
                format!("{} waits for mutex `{}` ({by})", w.thread, w.mutex)
            })
            .collect();
        Outcome::Deadlock {
            time: self.now,
            message: format!("deadlock at t={}: {}", self.now, parts.join("; ")),
            waits,
        }
    }

    fn finish(self) -> RunResult {
        let sys = self.sys;
        let outcome = self.stop.clone().unwrap_or(Outcome::Completed);
        let makespan = self.now;
        let threads: Vec<ThreadMetrics> = self
            .threads
            .iter()
            .enumerate()
            .map(|(tid, t)| {
                let info = &sys.threads[tid];
                ThreadMetrics {
                    tid,
                    pid: info.pid,
                    process: sys.processes[info.pid].name.clone(),
                    name: info.name.clone(),
                    arrival: info.arrival,
                    first_run: t.first_run,
                    completion: t.completion,
                    turnaround: t.completion.map(|c| c - info.arrival),
                    response: t.first_run.map(|f| f - info.arrival),
                    waiting: t.waiting,
                    cpu_time: t.cpu_time,
                    io_time: t.io_time,
                    lock_wait: t.lock_wait,
                }
            })
            .collect();
        let cpus = self
            .cpus
            .iter()
            .enumerate()
            .map(|(cpu, c)| CpuMetrics {
                cpu,
                busy: c.busy,
                switching: c.switching,
                idle: makespan.saturating_sub(c.busy + c.switching),
                utilisation: if makespan == 0 { 0.0 } else { c.busy as f64 / makespan as f64 },
            })
            .collect();
        let variables = sys
            .processes
            .iter()
            .flat_map(|p| {
                let memory = &self.memory;
                p.space.variables.iter().enumerate().map(move |(v, name)| VariableValue {
                    pid: p.pid,
                    process: p.name.clone(),
                    name: name.clone(),
                    value: memory[p.pid][v].value,
                    expected: p.space.expected[v],
                    lost_updates: memory[p.pid][v].lost,
                })
            })
            .collect();
        let memory: Vec<ProcessMemory> = sys
            .processes
            .iter()
            .map(|p| ProcessMemory {
                pid: p.pid,
                process: p.name.clone(),
                threads: p.threads.len(),
                bytes: p.memory_bytes,
            })
            .collect();
        let metrics = Metrics {
            makespan,
            context_switches: self.context_switches,
            process_switches: self.process_switches,
            steps: self.steps,
            averages: Averages::of(&threads),
            total_memory_bytes: memory.iter().map(|m| m.bytes).sum(),
            threads,
            cpus,
            variables,
            memory,
        };
        RunResult { outcome, metrics, events_handled: self.events_handled, trace: self.trace }
    }
}
