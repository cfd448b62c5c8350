//! The instruction interpreter: executes one instruction of a thread and returns its
//! [`Effect`]. It reads and writes the thread's execution context, its process's memory and
//! synchronisation objects, and nothing else: CPUs, thread states, the ready queue and the trace
//! belong to the event loop ([`super::simulation`]), which applies every effect in one place.

use super::ThreadId;
use super::memory::Cell;
use super::procs::ProcOp;
use super::program::{Flags, Instr, Operand, REGISTER_COUNT, Reg, RwId, SemId, Span, SpinId, Value, VarId};
use super::sync::{Acquire, JoinStep, ProcessSync, Received, Release, Sent};
use super::wait::WaitReason;
use super::{ProcessId, Ticks};

pub use super::fault::Fault;

/// A thread's execution context: what a context switch saves and restores.
#[derive(Clone, Debug, Default)]
pub struct Context {
    /// Program counter: index of the instruction to run next (or in progress).
    pub pc: usize,
    /// Registers `r0`–`r7`, private to the thread.
    pub regs: [i64; REGISTER_COUNT],
    /// Where each register's value came from, to spot lost updates (kept by `add`, cleared by
    /// `set`).
    pub loaded_from: [Origin; REGISTER_COUNT],
    /// Remaining iterations of each open loop, innermost last.
    pub loops: Vec<u32>,
    /// What the last `cmp` found, for the jumps that test it.
    pub flags: Flags,
}

impl Context {
    /// A thread's context at the start of `program`: PC 0, the registers and flags the program
    /// starts with ([`super::program::Program::start`]).
    pub fn start(program: &super::program::Program) -> Context {
        Context { regs: program.start_registers(), flags: program.start_flags(), ..Context::default() }
    }
}

/// Where a register's value came from: a variable and the lineage length of the value loaded
/// ([`Cell::chain`]), or nothing. Packed small: a thread's context is copied and
/// scanned on every instruction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// The variable's index + 1 (for an x86.py cell, its address + 1; both modulo 2³²); 0: the
    /// value came from no variable (nor from a cell whose address is 2³² − 1 modulo 2³², whose
    /// lineage is not followed).
    var_plus_one: u32,
    /// The loaded value's chain ([`Cell::chain`]), modulo 2³² (only differences are used).
    chain: u32,
}

impl Origin {
    /// Loaded from `var` (or x86 cell address `var`) holding a value of lineage `chain`.
    pub(crate) fn of(var: VarId, chain: u64) -> Self {
        Origin { var_plus_one: (var as u32).wrapping_add(1), chain: chain as u32 }
    }

    /// If the value came from `var`: the current lineage `chain` minus the loaded value's, i.e.
    /// how many stores of the current lineage a store of this value cuts off (negative: the
    /// value's lineage was cut since the load and the store puts it back).
    fn chain_behind(&self, var: VarId, chain: u64) -> Option<i64> {
        (self.var_plus_one != 0 && self.var_plus_one == (var as u32).wrapping_add(1))
            .then(|| i64::from((chain as u32).wrapping_sub(self.chain) as i32))
    }
}

/// Stores `value`, from a register whose value came from `origin`, into `cell`, whose key
/// (a variable's [`VarId`], or an x86 cell's address: an x86 program has no variables) is
/// `key`; returns the lost updates the store marks. The lineage rule ([`Cell`]): the stored
/// value's lineage is the loaded value's plus this store; a value not loaded from the cell
/// continues the current lineage (it overwrites nothing it could have seen). The mark: the
/// stores of the current lineage cut off, if any.
pub(crate) fn store_lineage(cell: &mut Cell, origin: &mut Origin, key: usize, value: i64) -> u32 {
    let behind = origin.chain_behind(key, cell.chain).unwrap_or(0);
    let chain = (cell.chain as i64 - behind) as u64 + 1;
    *cell = Cell { value, writes: cell.writes + 1, chain };
    // The register now holds what memory holds: a later store from it loses nothing unless
    // someone else writes in between.
    *origin = Origin::of(key, chain);
    behind.clamp(0, i64::from(u32::MAX)) as u32
}

/// What the thread does after the instruction. Kept to 24 bytes (a fault, rare, is boxed) so an
/// [`Effect`] is small to build and move: every instruction returns one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Flow {
    /// The instruction completed; go on at this PC (the same PC for a failed `spin_lock`
    /// attempt, which then tries again).
    Next(usize),
    /// Leave the CPU and wait. The PC stays on the instruction; it completes (PC + 1) when the
    /// thread is woken (I/O done, the mutex handed over, …), unless the wait says otherwise
    /// ([`WaitReason::completes_on_wake`]: a signalled `cond_wait` runs again).
    Block(WaitReason),
    /// The instruction (`create`) completed and started thread `child`: go on at `next`; the
    /// event loop makes `child` ready.
    Create {
        /// The PC to go on at.
        next: usize,
        /// The thread started.
        child: ThreadId,
    },
    /// The thread terminates with this exit value (what a `join` of it receives).
    Exit(i64),
    /// A process instruction (`fork`, `spawn`, `wait`), which the event loop carries out with
    /// its process table ([`super::procs`]).
    Proc(super::procs::ProcOp),
    /// The program did something illegal; the run stops (see [`Fault::message`]). Boxed: a
    /// fault ends the run, so it is built at most once, and unboxed it would double the size
    /// of every effect.
    Fault(Box<Fault>),
}

/// What changed that the trace records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A register of the thread was written.
    Reg {
        /// The register.
        reg: Reg,
        /// Its new value.
        value: i64,
    },
    /// A variable of the process was stored to, overwriting `lost` writes unseen.
    Mem {
        /// The variable.
        var: VarId,
        /// Its new value.
        value: i64,
        /// Lost updates (see [`super::trace::What::Mem`]).
        lost: u32,
    },
    /// An atomic read-modify-write (`faa`, `xchg`, `cas`): register `reg` got `read`, the value
    /// the variable held, and the variable was written unless a `cas` found another value.
    Atomic {
        /// The variable.
        var: VarId,
        /// The register that received the value found.
        reg: Reg,
        /// The value found in the variable.
        read: i64,
        /// The value written to the variable; `None`: a `cas` that did not swap.
        wrote: Option<i64>,
        /// The flags a `cas` set; `None` for `faa` and `xchg`.
        flags: Option<Flags>,
    },
    /// A spin lock of the process changed owner (`None`: free).
    Spinlock {
        /// The spin lock.
        lock: SpinId,
        /// Its new owner.
        owner: Option<ThreadId>,
    },
    /// A read-write lock of the process changed holders.
    RwLock {
        /// The read-write lock.
        lock: RwId,
        /// How many threads now hold it for reading.
        readers: u32,
        /// The thread now holding it for writing, if any.
        writer: Option<ThreadId>,
    },
    /// A semaphore of the process changed value.
    Semaphore {
        /// The semaphore.
        sem: SemId,
        /// Its new value.
        value: u64,
    },
    /// The thread's flags were set (`cmp`).
    Flags {
        /// Their new value.
        flags: Flags,
    },
    /// A `join` completed: thread `thread` had exited with `value`, now in register `reg`.
    Joined {
        /// The thread joined.
        thread: ThreadId,
        /// The register that held its tid and now holds its exit value.
        reg: Reg,
        /// Its exit value.
        value: i64,
    },
    /// A mutex of the process changed owner (`None`: free).
    Mutex {
        /// The mutex.
        mutex: super::program::MutexId,
        /// Its new owner.
        owner: Option<ThreadId>,
    },
    /// What an x86.py instruction changed ([`super::x86::Step`]).
    X86(super::x86::Step),
}

/// The effect of one instruction: what changed, whom it wakes, and what the thread does next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    /// What the thread does next.
    pub flow: Flow,
    /// The state change to record, if any.
    pub change: Option<Change>,
    /// A blocked thread this instruction wakes (a mutex handed over, a semaphore posted, a
    /// condition variable signalled). Its blocking instruction completes, unless its wait says
    /// otherwise ([`WaitReason::completes_on_wake`]). An instruction that wakes several threads
    /// (a broadcast, …) names the first here and leaves the others, in order, in
    /// [`ProcessSync::woken`].
    pub wake: Option<ThreadId>,
}

impl Effect {
    pub(crate) fn next(pc: usize) -> Self {
        Effect { flow: Flow::Next(pc), change: None, wake: None }
    }
    pub(crate) fn flow(flow: Flow) -> Self {
        Effect { flow, change: None, wake: None }
    }
    /// The instruction faults (out of line: building the box is the rare path).
    #[cold]
    #[inline(never)]
    pub(crate) fn fault(fault: Fault) -> Self {
        Effect::flow(Flow::Fault(Box::new(fault)))
    }
    pub(crate) fn with(mut self, change: Change) -> Self {
        self.change = Some(change);
        self
    }
}

/// The process an instruction runs in, `pid`, and the tables it reads: every process's
/// variables and synchronisation objects (indexed by pid) and the scenario's channels. The tables
/// are lent whole, not the process's row of each: an instruction looks up only the row it uses
/// (most use none), so preparing an instruction costs no lookups.
pub struct ProcessState<'a> {
    /// The process's pid.
    pub pid: ProcessId,
    /// `memory[pid][var]`: every process's variables; the instruction uses row `pid`.
    pub memory: &'a mut Vec<Vec<Cell>>,
    /// `sync[pid]`: every process's mutexes and other primitives; the instruction uses row `pid`.
    pub sync: &'a mut Vec<ProcessSync>,
    /// The scenario's channels, shared by every process ([`super::ipc`]): only `send` and
    /// `recv` look at them.
    pub channels: &'a mut Vec<super::sync::Channel>,
    /// `cells[pid]`: every process's numbered memory cells, for x86.py's programs
    /// ([`super::x86`]); only `Instr::X86` looks at them.
    pub cells: &'a mut Vec<super::x86::Cells>,
}

impl ProcessState<'_> {
    /// The process's variables, indexed by [`VarId`].
    #[inline]
    fn memory(&mut self) -> &mut [Cell] {
        &mut self.memory[self.pid]
    }

    /// The process's synchronisation objects.
    #[inline]
    fn sync(&mut self) -> &mut ProcessSync {
        &mut self.sync[self.pid]
    }
}

/// CPU ticks `instr` occupies its CPU before its effect applies: 0 for the free instructions
/// (`io`, `loop`, `end`, `exit`), a draw from `span` for `compute`, the machine's
/// `thread_create_ticks` for `create` (and `fork_ticks`, `spawn_ticks`), else [`super::program::SIMPLE_INSTRUCTION_TICKS`].
/// Always inlined: the kernel asks at every instruction, and LLVM left it out of line, where
/// a call costs V8's wasm code more than native code (README, "Model speed").
#[inline(always)]
pub fn cost(instr: &Instr, draw: &mut impl FnMut(Span) -> Ticks) -> Ticks {
    match *instr {
        Instr::Compute { span } => draw(span),
        ref other => other.fixed_cost(),
    }
}

/// Executes `instr`, at index `pc` of thread `tid`'s program, at time `now` (ticks). `draw`
/// gives `io A..B` its length from the run's seeded RNG.
#[inline]
pub fn execute(
    instr: Instr,
    tid: ThreadId,
    ctx: &mut Context,
    mut proc: ProcessState<'_>,
    now: Ticks,
    draw: &mut impl FnMut(Span) -> Ticks,
) -> Effect {
    let pc = ctx.pc;
    match instr {
        Instr::Compute { .. } => Effect::next(pc + 1),
        Instr::Io { span } => Effect::flow(Flow::Block(WaitReason::Io { until: now + draw(span) })),
        Instr::Load { reg, var } => {
            let cell = proc.memory()[var];
            ctx.loaded_from[reg as usize] = Origin::of(var, cell.chain);
            ctx.regs[reg as usize] = cell.value;
            Effect::next(pc + 1).with(Change::Reg { reg, value: cell.value })
        }
        Instr::Store { reg, var } => {
            let value = ctx.regs[reg as usize];
            let lost = store_lineage(&mut proc.memory()[var], &mut ctx.loaded_from[reg as usize], var, value);
            Effect::next(pc + 1).with(Change::Mem { var, value, lost })
        }
        Instr::Add { reg, operand } => {
            let rhs = match operand {
                Operand::Imm(v) => v,
                Operand::Reg(r) => ctx.regs[r as usize],
            };
            let value = ctx.regs[reg as usize].wrapping_add(rhs);
            ctx.regs[reg as usize] = value;
            Effect::next(pc + 1).with(Change::Reg { reg, value })
        }
        Instr::Set { reg, value } => {
            ctx.loaded_from[reg as usize] = Origin::default();
            ctx.regs[reg as usize] = value;
            Effect::next(pc + 1).with(Change::Reg { reg, value })
        }
        Instr::Lock { .. }
        | Instr::Unlock { .. }
        | Instr::SemWait { .. }
        | Instr::SemPost { .. }
        | Instr::SpinLock { .. }
        | Instr::SpinUnlock { .. }
        | Instr::CondWait { .. }
        | Instr::CondSignal { .. }
        | Instr::CondBroadcast { .. }
        | Instr::ReadLock { .. }
        | Instr::WriteLock { .. }
        | Instr::ReadUnlock { .. }
        | Instr::WriteUnlock { .. }
        | Instr::Barrier { .. }
        | Instr::Destroy { .. }
        | Instr::Send { .. }
        | Instr::Recv { .. } => on_object(instr, tid, pc, ctx, proc),
        Instr::Loop { count, end } => {
            if count == 0 {
                Effect::next(end + 1)
            } else {
                ctx.loops.push(count);
                Effect::next(pc + 1)
            }
        }
        Instr::End { start } => {
            let left = ctx.loops.last_mut().expect("end inside a loop");
            *left -= 1;
            if *left > 0 {
                Effect::next(start + 1)
            } else {
                ctx.loops.pop();
                Effect::next(pc + 1)
            }
        }
        Instr::FetchAdd { reg, var, add } => {
            let n = match add {
                Operand::Imm(v) => v,
                Operand::Reg(r) => ctx.regs[r as usize],
            };
            let memory = proc.memory();
            let read = memory[var].value;
            atomic(ctx, memory, pc, reg, var, Some(read.wrapping_add(n)), None)
        }
        Instr::Xchg { reg, var } => {
            let wrote = ctx.regs[reg as usize];
            atomic(ctx, proc.memory(), pc, reg, var, Some(wrote), None)
        }
        Instr::Cas { var, expected, new } => {
            let memory = proc.memory();
            let (read, want) = (memory[var].value, ctx.regs[expected as usize]);
            let flags = Flags::of(read, want);
            ctx.flags = flags;
            let wrote = (read == want).then_some(ctx.regs[new as usize]);
            atomic(ctx, memory, pc, expected, var, wrote, Some(flags))
        }
        Instr::Jump { target } => Effect::next(target),
        Instr::Branch { test, a, b, target } => {
            let flags = Flags::of(ctx.regs[a as usize], value(b, ctx, proc.memory()));
            Effect::next(if test.holds(flags) { target } else { pc + 1 })
        }
        Instr::Cmp { a, b } => {
            let flags = Flags::of(ctx.regs[a as usize], value(b, ctx, proc.memory()));
            ctx.flags = flags;
            Effect::next(pc + 1).with(Change::Flags { flags })
        }
        Instr::BranchFlags { test, target } => Effect::next(if test.holds(ctx.flags) { target } else { pc + 1 }),
        Instr::Create { reg, program, .. } => match proc.sync().lives.create(program) {
            Some(child) => {
                ctx.loaded_from[reg as usize] = Origin::default();
                ctx.regs[reg as usize] = child as i64;
                let change = Change::Reg { reg, value: child as i64 };
                Effect::flow(Flow::Create { next: pc + 1, child }).with(change)
            }
            None => Effect::fault(Fault::NoThreadToCreate { program }),
        },
        Instr::Join { reg } => match proc.sync().lives.join(tid, ctx.regs[reg as usize]) {
            JoinStep::Done(value) => {
                let thread = ctx.regs[reg as usize] as ThreadId;
                ctx.loaded_from[reg as usize] = Origin::default();
                ctx.regs[reg as usize] = value;
                Effect::next(pc + 1).with(Change::Joined { thread, reg, value })
            }
            JoinStep::Wait(thread) => Effect::flow(Flow::Block(WaitReason::Join { thread })),
            JoinStep::Refused(error) => Effect::fault(Fault::JoinRefused { error }),
        },
        Instr::Fork { reg, .. } => Effect::flow(Flow::Proc(ProcOp::Fork { reg })),
        Instr::Spawn { reg, program, .. } => Effect::flow(Flow::Proc(ProcOp::Spawn { reg, program: program as u32 })),
        Instr::Wait { reg } => Effect::flow(Flow::Proc(ProcOp::Wait { reg })),
        Instr::Exit { value } => {
            let value = match value {
                Operand::Imm(v) => v,
                Operand::Reg(r) => ctx.regs[r as usize],
            };
            Effect::flow(Flow::Exit(value))
        }
        Instr::X86 { op } => super::x86::execute(op, ctx, &mut proc.cells[proc.pid], pc, now),
    }
}

/// [`execute`] for the instructions that use a synchronisation object or a channel: first the
/// check that the object was not destroyed, which no other instruction needs.
#[inline]
fn on_object(instr: Instr, tid: ThreadId, pc: usize, ctx: &mut Context, proc: ProcessState<'_>) -> Effect {
    let sync = &mut proc.sync[proc.pid];
    if let Some((kind, id)) = sync.destroyed_in(&instr) {
        return Effect::fault(Fault::UseAfterDestroy { kind, id });
    }
    match instr {
        Instr::Lock { mutex } => match sync.mutexes[mutex].acquire(tid) {
            Acquire::Acquired => Effect::next(pc + 1).with(Change::Mutex { mutex, owner: Some(tid) }),
            Acquire::MustWait { .. } => Effect::flow(Flow::Block(WaitReason::Mutex { mutex })),
        },
        Instr::Unlock { mutex } => match sync.mutexes[mutex].release(tid) {
            Release::Freed => Effect::next(pc + 1).with(Change::Mutex { mutex, owner: None }),
            Release::HandedTo(next) => Effect {
                flow: Flow::Next(pc + 1),
                change: Some(Change::Mutex { mutex, owner: Some(next) }),
                wake: Some(next),
            },
            Release::NotOwner { owner } => Effect::fault(Fault::UnlockNotHeld { mutex, owner }),
        },
        Instr::SemWait { .. }
        | Instr::SemPost { .. }
        | Instr::SpinLock { .. }
        | Instr::SpinUnlock { .. }
        | Instr::CondWait { .. }
        | Instr::CondSignal { .. }
        | Instr::CondBroadcast { .. }
        | Instr::ReadLock { .. }
        | Instr::WriteLock { .. }
        | Instr::ReadUnlock { .. }
        | Instr::WriteUnlock { .. }
        | Instr::Barrier { .. }
        | Instr::Destroy { .. } => super::sync::step::execute(instr, tid, pc, sync),
        Instr::Send { ch, value, .. } => {
            let value = match value {
                Operand::Imm(v) => v,
                Operand::Reg(r) => ctx.regs[r as usize],
            };
            match proc.channels[ch].send(tid, value) {
                Sent::Queued { woke } => Effect { flow: Flow::Next(pc + 1), change: None, wake: woke },
                Sent::Full => Effect::flow(Flow::Block(WaitReason::Channel { ch, send: true })),
            }
        }
        Instr::Recv { reg, ch, .. } => match proc.channels[ch].recv(tid) {
            Received::Got { value, woke } => {
                ctx.loaded_from[reg as usize] = Origin::default();
                ctx.regs[reg as usize] = value;
                Effect { flow: Flow::Next(pc + 1), change: Some(Change::Reg { reg, value }), wake: woke }
            }
            Received::Empty => Effect::flow(Flow::Block(WaitReason::Channel { ch, send: false })),
        },
        _ => unreachable!("on_object runs the instructions on objects only"),
    }
}

/// The one indivisible step of `faa`, `xchg` and `cas`: register `reg` gets `var`'s value and
/// `var` gets `wrote` (unless `None`). The write loses no update (nothing came between the read
/// and the write), and the register counts as loaded after it, as after a `store`: a later
/// `store` from it loses only writes made after the atomic.
fn atomic(
    ctx: &mut Context,
    memory: &mut [Cell],
    pc: usize,
    reg: Reg,
    var: VarId,
    wrote: Option<i64>,
    flags: Option<Flags>,
) -> Effect {
    let cell = &mut memory[var];
    let read = cell.value;
    if let Some(value) = wrote {
        *cell = Cell { value, writes: cell.writes + 1, chain: cell.chain + 1 };
    }
    ctx.regs[reg as usize] = read;
    ctx.loaded_from[reg as usize] = Origin::of(var, cell.chain);
    Effect::next(pc + 1).with(Change::Atomic { var, reg, read, wrote, flags })
}

/// The value `v` reads now: a number, a register, or a variable's value in memory.
fn value(v: Value, ctx: &Context, memory: &[Cell]) -> i64 {
    match v {
        Value::Imm(n) => n,
        Value::Reg(r) => ctx.regs[r as usize],
        Value::Var(var) => memory[var].value,
    }
}
