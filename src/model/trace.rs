//! The trace: everything that happened in a run, in time order, and the state at any instant.
//!
//! The UI plays a run back from its trace alone; [`Trace::snapshot`] folds the events up to a
//! time into the state of every thread, variable, mutex and CPU (no simulation involved).

use serde::Serialize;

use super::program::{Flags, Instr, MutexId, REGISTER_COUNT, Reg, RwId, SemId, SpinId, VarId};
use super::scheduler::ReadyReason;
use super::sync::view::ObjectsView;
use super::system::System;
use super::wait::WaitReason;
use super::{CpuId, ProcessId, ThreadId, Ticks};

/// A thread's scheduling state (the classic five-state model).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadState {
    /// Created, not yet arrived.
    New,
    /// In the ready queue, waiting for a CPU.
    Ready,
    /// Dispatched on a CPU (being switched in, or executing).
    Running,
    /// Waiting (I/O, a mutex…): see its [`Cause::Wait`].
    Blocked,
    /// Finished.
    Terminated,
}

impl ThreadState {
    /// Lower-case name, as in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            ThreadState::New => "new",
            ThreadState::Ready => "ready",
            ThreadState::Running => "running",
            ThreadState::Blocked => "blocked",
            ThreadState::Terminated => "terminated",
        }
    }
}

/// Why a thread changed state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "cause")]
pub enum Cause {
    /// Joined the ready queue (arrival, wake-up or pre-emption).
    Queued {
        /// Why it became ready.
        reason: ReadyReason,
    },
    /// A CPU took it from the ready queue.
    Dispatched {
        /// The CPU that will run it.
        cpu: CpuId,
    },
    /// Blocked: it waits for `on` (the thread's [`Wait`](super::wait::Wait) record).
    Wait {
        /// What it waits for (flattened: `"on": "io", "until": 12` or `"on": "mutex", "mutex": 0`).
        #[serde(flatten)]
        on: WaitReason,
    },
    /// Ran its last instruction (or `exit`), with this exit value.
    Exited {
        /// The exit value (0 after the last line), which a `join` receives.
        value: i64,
    },
}

/// One thing that happened at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum What {
    /// Thread state change.
    State {
        /// Thread that changed state.
        tid: ThreadId,
        /// Its new state.
        state: ThreadState,
        /// Why (flattened into the event's JSON object).
        #[serde(flatten)]
        cause: Cause,
    },
    /// Program counter moved (the instruction at the old PC completed). A failed `spin_lock`
    /// attempt records its PC unchanged.
    Pc {
        /// Thread whose PC moved.
        tid: ThreadId,
        /// New PC: index of the instruction it is now at.
        pc: usize,
    },
    /// Register written.
    Reg {
        /// Thread whose register was written.
        tid: ThreadId,
        /// Register index (`rX`).
        reg: Reg,
        /// New value.
        value: i64,
    },
    /// Variable written by a `store`.
    Mem {
        /// Process whose address space holds the variable.
        pid: ProcessId,
        /// Variable written.
        var: VarId,
        /// New value.
        value: i64,
        /// Thread that stored it.
        tid: ThreadId,
        /// Lost updates marked at this store: how many stores of the variable's current
        /// lineage ([`crate::model::memory::Cell::chain`]) it cut off, i.e. writes it overwrote
        /// unseen because its value was computed from an older value (0 for a store not derived
        /// from a load of the same variable). The classic race condition.
        ///
        /// The rule for a cut: a store is marked when it cuts, with the number of stores cut,
        /// and never later. A store computed from a value loaded before an earlier cut puts
        /// the cut stores back into the lineage (it is marked 0, as it cuts nothing): the
        /// variable's count ([`crate::model::memory::Cell::lost`], stores not in the final
        /// value's lineage) is then below the sum of the marks. In a run of increments two
        /// stores that overwrite each other's writes are counted once: the second was computed
        /// from a value still in the lineage, so it cuts nothing.
        lost: u32,
    },
    /// An atomic read-modify-write (`faa`, `xchg`, `cas`): in one indivisible step, thread `tid`
    /// read variable `var` into register `reg` and wrote the variable (unless a `cas` found
    /// another value than it expected). It never loses an update.
    Atomic {
        /// Process whose address space holds the variable.
        pid: ProcessId,
        /// The variable.
        var: VarId,
        /// The thread.
        tid: ThreadId,
        /// The register that received the value found.
        reg: Reg,
        /// The value found (the register's new value).
        read: i64,
        /// The variable's new value; `None`: a `cas` that found another value and wrote nothing.
        #[serde(skip_serializing_if = "Option::is_none")]
        wrote: Option<i64>,
        /// The flags a `cas` set (`equal`: it swapped); `None` for `faa` and `xchg`.
        #[serde(skip_serializing_if = "Option::is_none")]
        flags: Option<Flags>,
    },
    /// A thread's flags were set by `cmp`.
    Flags {
        /// The thread.
        tid: ThreadId,
        /// What the comparison found.
        flags: Flags,
    },
    /// A `join` completed: `tid` joined `thread`, whose exit value is now in its register `reg`.
    Joined {
        /// The joining thread.
        tid: ThreadId,
        /// The thread joined.
        thread: ThreadId,
        /// The register that receives the exit value.
        reg: Reg,
        /// The exit value.
        value: i64,
    },
    /// Mutex changed owner (`None`: free).
    Mutex {
        /// Process the mutex belongs to.
        pid: ProcessId,
        /// The mutex.
        mutex: MutexId,
        /// New owner; `None`: free.
        owner: Option<ThreadId>,
    },
    /// A spin lock changed owner (`None`: free).
    Spinlock {
        /// Process the spin lock belongs to.
        pid: ProcessId,
        /// The spin lock.
        lock: SpinId,
        /// New owner; `None`: free.
        owner: Option<ThreadId>,
    },
    /// A read-write lock's holders changed.
    RwLock {
        /// Process the read-write lock belongs to.
        pid: ProcessId,
        /// The read-write lock.
        lock: RwId,
        /// How many threads now hold it for reading.
        readers: u32,
        /// The thread now holding it for writing, if any.
        writer: Option<ThreadId>,
    },
    /// A semaphore's value changed (a `sem_wait` that passed, or a `sem_post` nobody waited for).
    Semaphore {
        /// Process the semaphore belongs to.
        pid: ProcessId,
        /// The semaphore.
        sem: SemId,
        /// Its new value.
        value: u64,
    },
    /// Thread `tid` created process `child` by `fork`, or by `spawn` of its process's program
    /// `spawned`; the new process's one thread is `thread` (see [`super::procs`]). The page grows
    /// its system from these events ([`super::System::grow_from_trace`]).
    NewProcess {
        /// The thread that ran the `fork` or `spawn`.
        tid: ThreadId,
        /// The new process.
        child: ProcessId,
        /// Its thread.
        thread: ThreadId,
        /// The program spawned (in the parent's table); `None`: forked.
        #[serde(skip_serializing_if = "Option::is_none")]
        spawned: Option<super::program::ProgramId>,
    },
    /// Process `pid` ended (its last thread exited) with `value`; its memory is released.
    ProcessEnd {
        /// The process.
        pid: ProcessId,
        /// Its exit value.
        value: i64,
    },
    /// Thread `tid`'s `wait` reaped child process `child`: its exit value is in register `reg`.
    Reaped {
        /// The waiting thread.
        tid: ThreadId,
        /// The child reaped.
        child: ProcessId,
        /// The register that got the exit value.
        reg: Reg,
        /// The exit value.
        value: i64,
    },
    /// Thread `tid` wrote a copy-on-write page of process `pid`: page `page` (its index in the
    /// process's address space, see [`super::pages`]) was copied for the process.
    CowCopy {
        /// The process that got its own copy.
        pid: ProcessId,
        /// The writing thread.
        tid: ThreadId,
        /// The page's index in the address space.
        page: u32,
    },
    /// An x86.py instruction ([`crate::model::x86`]) wrote registers, a numbered cell or the
    /// flags of thread `tid`.
    X86 {
        /// Process whose cells were written.
        pid: ProcessId,
        /// The thread.
        tid: ThreadId,
        /// What changed.
        step: crate::model::x86::Step,
    },
}

/// A timestamped trace entry; time in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TraceEvent {
    /// When it happened, in ticks.
    pub time: Ticks,
    /// What happened (flattened into the event's JSON object).
    #[serde(flatten)]
    pub what: What,
}

/// What a CPU did during an interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalKind {
    /// Executing the thread's instructions.
    Run,
    /// Context switch to the thread, within its process.
    ThreadSwitch,
    /// Context switch to the thread from another process (includes the address-space switch).
    ProcessSwitch,
}

/// A CPU busy with one thread over `[start, end)` ticks. For `Run`, the PC went from `first_pc`
/// to `last_pc` (the instruction it stopped at).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CpuInterval {
    /// The CPU.
    pub cpu: CpuId,
    /// Thread it ran, or switched to.
    pub tid: ThreadId,
    /// First tick of the interval.
    pub start: Ticks,
    /// Tick at which it ended (exclusive).
    pub end: Ticks,
    /// Running, or which kind of context switch.
    pub kind: IntervalKind,
    /// The thread's PC when the interval began.
    pub first_pc: usize,
    /// The thread's PC when it ended (for a switch, equal to `first_pc`).
    pub last_pc: usize,
}

/// Most events a recorded trace may hold; a run that records more stops with
/// [`super::Outcome::BudgetExceeded`]. About 80 MB in memory: enough for the default
/// 200,000-step budget, small enough for a browser tab.
pub const MAX_TRACE_EVENTS: usize = 2_000_000;

/// Most threads a [`QueueSample`] lists; longer queues are cut (their `len` stays exact).
pub const QUEUE_SAMPLE_MAX: usize = 64;

/// The ready queue at the end of an instant (after dispatching), head first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct QueueSample {
    /// The instant sampled, in ticks.
    pub time: Ticks,
    /// The first [`QUEUE_SAMPLE_MAX`] threads in the queue, head first (with per-CPU queues,
    /// the queues one after another, CPU 0's first).
    pub threads: Vec<ThreadId>,
    /// How many threads the queue held (all queues together).
    pub len: usize,
    /// With one ready queue per CPU (`"queues": "per_cpu"`): each queue's length, CPU 0's first;
    /// empty for one shared queue.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_cpu: Vec<usize>,
}

impl QueueSample {
    /// The queues: one per CPU with per-CPU queues, else the one shared queue. Each is the
    /// threads listed of it (head first; cut where [`QueueSample::threads`] is) and its length.
    pub fn queues(&self) -> Vec<(&[ThreadId], usize)> {
        if self.per_cpu.is_empty() {
            return vec![(&self.threads, self.len)];
        }
        let mut start = 0;
        self.per_cpu
            .iter()
            .map(|&len| {
                let from = start.min(self.threads.len());
                start += len;
                (&self.threads[from..start.min(self.threads.len())], len)
            })
            .collect()
    }
}

/// Everything recorded in a run. `events` are in time order; `intervals` in order of their end;
/// `ready_queue` holds one sample per instant at which the ready queue changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Trace {
    /// State, PC, register, memory and mutex changes, in time order.
    pub events: Vec<TraceEvent>,
    /// CPU runs and context switches, in order of their end; a CPU is idle in the gaps.
    pub intervals: Vec<CpuInterval>,
    /// Ready-queue samples, one per instant at which the queue changed, in time order.
    pub ready_queue: Vec<QueueSample>,
}

/// A thread's state at an instant.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ThreadView {
    /// Its scheduling state.
    pub state: ThreadState,
    /// Index of its current instruction (in progress, or next to run).
    pub pc: usize,
    /// Its registers `r0`–`r7`.
    pub registers: [i64; REGISTER_COUNT],
    /// Its flags: what its last `cmp` found.
    pub flags: Flags,
    /// CPU it is on, if running.
    pub cpu: Option<CpuId>,
    /// What it waits for, if blocked.
    pub waiting: Option<WaitReason>,
    /// Its exit value, once terminated.
    pub exit_value: Option<i64>,
    /// Whether another thread has joined it (after its exit).
    pub joined: bool,
}

impl ThreadView {
    /// Its state in words for the thread table: the state's name, except "not created yet" for a
    /// `"start": "created"` thread no `create` has started (`created`: it is one), "never
    /// created" for one still so at the run's end (`ended`), as the outcome says, and
    /// "exited (v)" for a terminated one, with ", joined" once a `join` took its value.
    pub fn state_words(&self, created: bool, ended: bool) -> String {
        match (self.state, self.exit_value) {
            (ThreadState::New, _) if created && ended => "never created".into(),
            (ThreadState::New, _) if created => "not created yet".into(),
            (ThreadState::Terminated, Some(v)) if self.joined => format!("exited ({v}), joined"),
            (ThreadState::Terminated, Some(v)) => format!("exited ({v})"),
            (state, _) => state.name().into(),
        }
    }
}

/// The whole system's state at an instant, rebuilt from the trace.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    /// The instant shown, in ticks.
    pub time: Ticks,
    /// Indexed by tid.
    pub threads: Vec<ThreadView>,
    /// `variables[pid][var]`: current values.
    pub variables: Vec<Vec<i64>>,
    /// `mutex_owners[pid][mutex]`.
    pub mutex_owners: Vec<Vec<Option<ThreadId>>>,
    /// `mutex_waiters[pid][mutex]`: the threads blocked on the mutex, next owner first (its FIFO
    /// wait queue, rebuilt from the order in which the threads started waiting).
    pub mutex_waiters: Vec<Vec<Vec<ThreadId>>>,
    /// `objects[pid]`: the process's other synchronisation objects (semaphores, …): their
    /// state and their queues.
    pub objects: Vec<ObjectsView>,
    /// What each CPU is doing at `time`: the interval covering it, if any.
    pub cpus: Vec<Option<CpuInterval>>,
    /// Stores at exactly `time`, in order, as (pid, var, writing thread).
    pub just_written: Vec<(ProcessId, VarId, ThreadId)>,
    /// `cells[pid]`: the numbered cells of an x86.py program ([`super::x86`]) written so far,
    /// with their values (empty for a process that has none).
    #[serde(skip)]
    pub cells: Vec<super::x86::Cells>,
    /// The ready queue after `time`'s dispatching, head first (cut at [`QUEUE_SAMPLE_MAX`]).
    pub ready_queue: QueueSample,
}

impl Trace {
    /// The distinct instants at which something happened, ascending.
    pub fn instants(&self) -> Vec<Ticks> {
        let mut out: Vec<Ticks> = Vec::new();
        for e in &self.events {
            if out.last() != Some(&e.time) {
                out.push(e.time);
            }
        }
        out
    }

    /// Last instant of the trace (0 if empty).
    pub fn end_time(&self) -> Ticks {
        let ev = self.events.last().map_or(0, |e| e.time);
        let iv = self.intervals.iter().map(|i| i.end).max().unwrap_or(0);
        ev.max(iv)
    }

    /// The state after every event at or before `time` has happened. One pass over the events up
    /// to `time` and over every CPU interval; [`super::replay::Checkpoints`] answers the same in
    /// a bounded number of steps.
    pub fn snapshot(&self, sys: &System, cpus: usize, time: Ticks) -> Snapshot {
        let longest = self.intervals.iter().map(|iv| iv.end - iv.start).max().unwrap_or(0);
        self.snapshot_from(Fold::start(sys), sys, cpus, time, longest)
    }

    /// [`Trace::snapshot`] resumed from `fold` (which must have folded in no event after `time`),
    /// where `longest` (ticks) is at least the longest CPU interval's length.
    pub(crate) fn snapshot_from(
        &self,
        mut fold: Fold,
        sys: &System,
        cpus: usize,
        time: Ticks,
        longest: Ticks,
    ) -> Snapshot {
        let upto = self.events.partition_point(|e| e.time <= time);
        fold.advance(self, sys, upto);
        // The stores at exactly `time`, in order.
        let from = self.events[..upto].partition_point(|e| e.time < time);
        let just_written = self.events[from..upto]
            .iter()
            .filter_map(|e| match e.what {
                What::Mem { pid, var, tid, .. } | What::Atomic { pid, var, tid, wrote: Some(_), .. } => {
                    Some((pid, var, tid))
                }
                _ => None,
            })
            .collect();
        // A CPU's intervals do not overlap, so at most one covers `time`: it ends after `time`
        // and, being at most `longest` long, by `time + longest`. Intervals are in order of end.
        let mut on_cpu = vec![None; cpus];
        let after = self.intervals.partition_point(|iv| iv.end <= time);
        for iv in self.intervals[after..].iter().take_while(|iv| iv.end <= time.saturating_add(longest)) {
            if iv.start <= time && iv.cpu < cpus {
                on_cpu[iv.cpu] = Some(*iv);
            }
        }
        let queued = self.ready_queue.partition_point(|q| q.time <= time);
        let ready_queue = queued.checked_sub(1).map(|i| self.ready_queue[i].clone()).unwrap_or_default();
        let Fold { threads, variables, mutex_owners, mutex_waiters, mut objects, cells, .. } = fold;
        // A running thread at a `spin_lock` someone else holds is spinning.
        for (tid, t) in threads.iter().enumerate() {
            let pid = sys.threads[tid].pid;
            if t.state == ThreadState::Running
                && let Some(&Instr::SpinLock { lock }) = sys.program_of(tid).instrs.get(t.pc)
                && objects[pid].spinlocks[lock].owner.is_some_and(|o| o != tid)
            {
                objects[pid].spinlocks[lock].spinning.push(tid);
            }
        }
        Snapshot {
            time,
            threads,
            variables,
            mutex_owners,
            mutex_waiters,
            objects,
            cpus: on_cpu,
            just_written,
            cells,
            ready_queue,
        }
    }
}

/// Every thread, variable, mutex and other synchronisation object after the trace's first
/// [`Fold::applied`] events: what [`Trace::snapshot`] folds the events into, and what
/// [`super::replay::Checkpoints`] keeps to resume from.
#[derive(Clone, Debug, PartialEq)]
pub struct Fold {
    /// How many of the trace's events, from the first, are folded in.
    pub applied: usize,
    threads: Vec<ThreadView>,
    variables: Vec<Vec<i64>>,
    mutex_owners: Vec<Vec<Option<ThreadId>>>,
    mutex_waiters: Vec<Vec<Vec<ThreadId>>>,
    /// Each process's other synchronisation objects; no spin lock's `spinning` is filled in
    /// (the snapshot finds the spinners from the threads' state at its instant).
    objects: Vec<ObjectsView>,
    /// Each process's x86.py cells (values only).
    cells: Vec<super::x86::Cells>,
}

impl Fold {
    /// Before any event: every thread new, each variable at its initial value, every mutex,
    /// spin lock and read-write lock free, each semaphore at its initial value, no waiters.
    pub fn start(sys: &System) -> Fold {
        Fold {
            applied: 0,
            threads: sys
                .threads
                .iter()
                .map(|t| ThreadView {
                    state: ThreadState::New,
                    pc: 0,
                    registers: sys.programs[t.program].start_registers(),
                    flags: sys.programs[t.program].start_flags(),
                    cpu: None,
                    waiting: None,
                    exit_value: None,
                    joined: false,
                })
                .collect(),
            variables: sys.processes.iter().map(|p| p.space.initial.clone()).collect(),
            mutex_owners: sys.processes.iter().map(|p| vec![None; p.mutexes.len()]).collect(),
            mutex_waiters: sys.processes.iter().map(|p| vec![Vec::new(); p.mutexes.len()]).collect(),
            objects: sys.processes.iter().map(ObjectsView::start).collect(),
            cells: vec![Default::default(); sys.processes.len()],
        }
    }

    /// Folds in the events from [`Fold::applied`] up to index `upto` (exclusive; no-op if
    /// already there).
    pub fn advance(&mut self, trace: &Trace, sys: &System, upto: usize) {
        let upto = upto.min(trace.events.len());
        for e in trace.events.get(self.applied..upto).unwrap_or_default() {
            match e.what {
                What::State { tid, state, cause } => {
                    let t = &mut self.threads[tid];
                    // A mutex's queue is first come, first served (`sync::Mutex`): a thread joins
                    // its tail when it blocks on it, and leaves when it changes state again.
                    let pid = sys.threads[tid].pid;
                    if let Some(WaitReason::Mutex { mutex }) = t.waiting {
                        self.mutex_waiters[pid][mutex].retain(|&w| w != tid);
                    }
                    if let Cause::Wait { on: WaitReason::Mutex { mutex } } = cause {
                        self.mutex_waiters[pid][mutex].push(tid);
                    }
                    if let Some(on) = t.waiting {
                        self.objects[pid].leave(tid, on);
                    }
                    if let Cause::Wait { on } = cause {
                        self.objects[pid].join(tid, on);
                    }
                    t.state = state;
                    t.cpu = match cause {
                        Cause::Dispatched { cpu } => Some(cpu),
                        _ => None,
                    };
                    t.waiting = match cause {
                        Cause::Wait { on } => Some(on),
                        _ => None,
                    };
                    if let Cause::Exited { value } = cause {
                        t.exit_value = Some(value);
                    }
                }
                What::Pc { tid, pc } => self.threads[tid].pc = pc,
                What::Reg { tid, reg, value } => self.threads[tid].registers[reg as usize] = value,
                What::Flags { tid, flags } => self.threads[tid].flags = flags,
                What::Atomic { pid, var, tid, reg, read, wrote, flags } => {
                    self.threads[tid].registers[reg as usize] = read;
                    if let Some(flags) = flags {
                        self.threads[tid].flags = flags;
                    }
                    if let Some(value) = wrote {
                        self.variables[pid][var] = value;
                    }
                }
                What::Mem { pid, var, value, .. } => self.variables[pid][var] = value,
                What::X86 { pid, tid, step } => {
                    if let Some((addr, value)) = step.cell() {
                        self.cells[pid].set(addr, value);
                    }
                    for (reg, value) in step.regs() {
                        self.threads[tid].registers[reg as usize] = value;
                    }
                    if let Some(flags) = step.flags() {
                        self.threads[tid].flags = flags;
                    }
                }
                What::Joined { tid, thread, reg, value } => {
                    self.threads[tid].registers[reg as usize] = value;
                    self.threads[thread].joined = true;
                }
                What::Mutex { pid, mutex, owner } => self.mutex_owners[pid][mutex] = owner,
                What::Semaphore { pid, sem, value } => self.objects[pid].semaphores[sem].value = value,
                What::Spinlock { pid, lock, owner } => self.objects[pid].spinlocks[lock].owner = owner,
                What::RwLock { pid, lock, readers, writer } => {
                    let l = &mut self.objects[pid].rwlocks[lock];
                    (l.readers, l.writer) = (readers, writer);
                }
                // A forked child starts with its parent's values and locks (the forking thread's
                // private ones now held by its copy: `procs::forked_owner`); a spawned one with
                // the declared values, as loaded.
                What::NewProcess { tid, child, thread, spawned: None } => {
                    // The child's thread is a copy of the caller after its `fork`: the caller's
                    // registers and flags (the `Reg` event that follows zeroes the fork's
                    // register), its PC the instruction after the fork's.
                    let caller = &self.threads[tid];
                    let (pc, registers, flags) = (caller.pc + 1, caller.registers, caller.flags);
                    let copy = &mut self.threads[thread];
                    (copy.pc, copy.registers, copy.flags) = (pc, registers, flags);
                    let parent = sys.threads[tid].pid;
                    self.variables[child] = self.variables[parent].clone();
                    self.cells[child] = self.cells[parent].clone();
                    let owners = (self.mutex_owners[parent].iter().enumerate()).map(|(m, &o)| {
                        super::procs::forked_owner(o, sys.sharing.mutex_copies(parent, m).is_some(), tid, thread)
                    });
                    self.mutex_owners[child] = owners.collect();
                }
                What::Reaped { tid, reg, value, .. } => self.threads[tid].registers[reg as usize] = value,
                What::NewProcess { .. } | What::ProcessEnd { .. } | What::CowCopy { .. } => {}
            }
        }
        self.applied = self.applied.max(upto);
    }
}

/// A `load` that completed: when, and the value it read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Load {
    /// When the load completed (the value is memory's at that instant), in ticks.
    pub time: Ticks,
    /// The value read.
    pub value: i64,
}

/// A write that a later store overwrote unseen (its effect is lost).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Overwritten {
    /// Thread that made the write.
    pub tid: ThreadId,
    /// Value it wrote.
    pub value: i64,
    /// What the write changed: its value minus the value before it.
    pub delta: i64,
    /// When the write happened, in ticks.
    pub time: Ticks,
    /// The writer's last `load` of the variable before the write (what its value came from).
    pub load: Option<Load>,
}

/// What a store wrote: a variable, or a numbered cell of an x86.py program ([`super::x86`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// A variable of the process.
    Var(VarId),
    /// An x86.py cell, by address.
    Cell(i64),
}

impl Place {
    /// Its name in process `pid` of `sys`: the variable's, or the cell's as x86.py names it
    /// ([`super::program::Program::cell_name`]).
    pub fn name(self, sys: &System, pid: ProcessId) -> String {
        let p = &sys.processes[pid];
        match self {
            Place::Var(v) => p.space.variables[v].clone(),
            Place::Cell(a) => p.threads.first().map_or_else(|| a.to_string(), |&t| sys.program_of(t).cell_name(a)),
        }
    }
}

/// A store that overwrote writes it never saw (a lost update, the race made visible).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LostUpdate {
    /// Process whose variable or cell it is.
    pub pid: ProcessId,
    /// The variable or cell.
    pub place: Place,
    /// Thread that stored.
    pub tid: ThreadId,
    /// Value it stored.
    pub value: i64,
    /// The storing thread's last `load` of the variable before the store: the stale value its
    /// store was computed from.
    pub load: Option<Load>,
    /// The writes it overwrote, oldest first (`lost` of them, or fewer if the trace is short).
    pub overwritten: Vec<Overwritten>,
}

/// The write an event records, if any: (process, place, thread, value written, lost updates
/// it marks). A variable's `store` and atomics, and an x86 instruction that wrote a cell.
fn write_of(what: &What) -> Option<(ProcessId, Place, ThreadId, i64, u32)> {
    match *what {
        What::Mem { pid, var, value, tid, lost } => Some((pid, Place::Var(var), tid, value, lost)),
        What::Atomic { pid, var, tid, wrote: Some(value), .. } => Some((pid, Place::Var(var), tid, value, 0)),
        What::X86 { pid, tid, step } => step.cell().map(|(a, v)| (pid, Place::Cell(a), tid, v, step.lost())),
        _ => None,
    }
}

impl Trace {
    /// Times (ticks) of the stores with `lost > 0`, ascending and distinct.
    pub fn lost_update_times(&self) -> Vec<Ticks> {
        let events = &self.events;
        let mut out: Vec<Ticks> = Vec::new();
        for e in events {
            if write_of(&e.what).is_some_and(|w| w.4 > 0) && out.last() != Some(&e.time) {
                out.push(e.time);
            }
        }
        out
    }

    /// The lost updates of the stores at exactly `time` (ticks). Pure: reads the trace only.
    ///
    /// A store with `lost = n` cut the `n` newest stores of its variable's (or cell's) lineage,
    /// taken here as the `n` previous writes of that variable (the same stores unless a cut
    /// store had itself been cut and put back).
    /// Each write's delta is its value minus the value before it (`initial` if it was the
    /// first; 0 for a cell).
    pub fn lost_updates_at(&self, sys: &System, time: Ticks) -> Vec<LostUpdate> {
        let events = &self.events;
        let from = events.partition_point(|e| e.time < time);
        let upto = from + events[from..].iter().take_while(|e| e.time == time).count();
        let mut out = Vec::new();
        for (i, e) in events[..upto].iter().enumerate().skip(from) {
            let Some((pid, place, tid, value, lost)) = write_of(&e.what) else { continue };
            if lost == 0 {
                continue;
            }
            // The `lost` writes before this one, newest first, then the write before them (whose
            // value each delta starts from; the initial value if there is none).
            let mut newest_first: Vec<(usize, ThreadId, i64)> = events[..i]
                .iter()
                .enumerate()
                .rev()
                .filter_map(|(j, e)| match write_of(&e.what) {
                    Some((p, at, tid, value, _)) if p == pid && at == place => Some((j, tid, value)),
                    _ => None,
                })
                .take(lost as usize + 1)
                .collect();
            let before = if newest_first.len() > lost as usize { newest_first.pop().map(|w| w.2) } else { None };
            let mut prev = before.unwrap_or(match place {
                Place::Var(var) => sys.processes[pid].space.initial[var],
                Place::Cell(_) => 0,
            });
            let overwritten = newest_first
                .into_iter()
                .rev()
                .map(|(j, tid, value)| {
                    let delta = value.wrapping_sub(prev);
                    prev = value;
                    Overwritten { tid, value, delta, time: events[j].time, load: self.load_before(sys, j) }
                })
                .collect();
            out.push(LostUpdate { pid, place, tid, value, load: self.load_before(sys, i), overwritten });
        }
        out
    }
}

impl Trace {
    /// For the store recorded at `events[at]` (a [`What::Mem`], or an x86 `mov %r, addr`): its
    /// thread's last `load` of the same variable (for a cell: the last `mov addr, %r`) into the
    /// stored register, found by walking back over that thread's events. An instruction records
    /// its change, then the PC moving past it (`Kernel::apply`), so a register write followed by
    /// a PC just after a matching load is that load. The walk ends there, or at the thread's
    /// previous store to the variable (a value derived from an older load is not explained), or
    /// at the trace's start: about one loop round of that thread. For a cell the last load into
    /// the register is the cell's: a store marks a lost update only for a value read from its
    /// own cell ([`super::x86`] keeps where each register's value came from).
    fn load_before(&self, sys: &System, at: usize) -> Option<Load> {
        use super::program::Operand;
        use super::x86::Op;
        let (pid, place, tid, ..) = write_of(&self.events[at].what)?;
        let prog = sys.program_of(tid);
        let instr_before = |pc: Option<usize>| pc.and_then(|pc| pc.checked_sub(1)).and_then(|pc| prog.instrs.get(pc));
        // The store's register: its PC event follows it.
        let after = self.events[at..].iter().find_map(|e| match e.what {
            What::Pc { tid: t, pc } if t == tid => Some(pc),
            _ => None,
        });
        let stored = match instr_before(after) {
            Some(&Instr::Store { reg, .. }) => reg,
            Some(&Instr::X86 { op: Op::Store { src: Operand::Reg(reg), .. } }) => reg,
            _ => return None,
        };
        let loads = |i: Option<&Instr>| match (i, place) {
            (Some(&Instr::Load { var: v, .. }), Place::Var(var)) => v == var,
            (Some(&Instr::X86 { op: Op::Load { dst, .. } }), Place::Cell(_)) => dst == stored,
            _ => false,
        };
        // The PC just after the event being looked at (the thread's next `Pc` event seen so far).
        let mut next_pc: Option<usize> = None;
        for e in self.events[..at].iter().rev() {
            let value = match e.what {
                What::Pc { tid: t, pc } if t == tid => {
                    next_pc = Some(pc);
                    None
                }
                What::Reg { tid: t, reg, value } if t == tid && reg == stored => Some(value),
                What::X86 { tid: t, step, .. } if t == tid => step.regs().find(|r| r.0 == stored).map(|r| r.1),
                _ => None,
            };
            if let Some(value) = value.filter(|_| loads(instr_before(next_pc))) {
                return Some(Load { time: e.time, value });
            }
            if write_of(&e.what).is_some_and(|w| w.0 == pid && w.1 == place && w.2 == tid) {
                return None;
            }
        }
        None
    }

    /// The CPU thread `tid` was last dispatched to at or before `time` (ticks): where it ran an
    /// instruction that completed at `time`. Walks back over the events since that dispatch; for
    /// the page's explanation of one store, not for every event.
    pub fn dispatched_cpu(&self, tid: ThreadId, time: Ticks) -> Option<CpuId> {
        let upto = self.events.partition_point(|e| e.time <= time);
        self.events[..upto].iter().rev().find_map(|e| match e.what {
            What::State { tid: t, cause: Cause::Dispatched { cpu }, .. } if t == tid => Some(cpu),
            _ => None,
        })
    }
}
