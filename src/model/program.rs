//! A thread's program: a tiny assembly-like language and its parser.
//!
//! One instruction per line; `#` or `;` starts a comment. Mnemonics are case-insensitive.
//!
//! | instruction          | CPU cost (ticks)     | effect                                              |
//! |----------------------|----------------------|-----------------------------------------------------|
//! | `compute N`          | N                    | burns CPU; `compute A..B` draws N uniformly from the scenario's seeded RNG |
//! | `io N`               | 0, then blocked N    | blocking I/O: the thread leaves the CPU for N ticks (`io A..B` as above); `io 0` leaves the CPU and is ready again at once |
//! | `load rX, var`       | 1                    | `rX ← var` (the value in memory when the load completes) |
//! | `store rX, var`      | 1                    | `var ← rX`                                          |
//! | `add rX, 1` / `add rX, rY` | 1              | `rX ← rX + operand`                                 |
//! | `set rX, 5`          | 1                    | `rX ← 5`                                            |
//! | `lock m`             | 1                    | acquire mutex `m`, or block in its FIFO wait queue  |
//! | `unlock m`           | 1                    | release `m`, handing it to the first waiter          |
//! | `spin_lock s`        | 1 per attempt        | take spin lock `s`, or stay on the CPU and try again, 1 tick per attempt, until it is free |
//! | `spin_unlock s`      | 1                    | release spin lock `s`                                |
//! | `sem_wait s`         | 1                    | counting semaphore P: take one from `s`, or block in its FIFO queue while it is 0 |
//! | `sem_post s`         | 1                    | counting semaphore V: wake the first waiter, else add one to `s` (any thread may post) |
//! | `cond_wait c, m`     | 1, and 1 when woken  | condition variable wait (Mesa): release mutex `m` and sleep on `c` in one step; woken, run again to re-take `m` |
//! | `cond_signal c`      | 1                    | make the first thread asleep on `c` ready (lost if none sleeps) |
//! | `cond_broadcast c`   | 1                    | make every thread asleep on `c` ready                |
//! | `read_lock l`        | 1                    | take read-write lock `l` to read (shared with other readers), or block |
//! | `read_unlock l`      | 1                    | stop reading `l`; the last reader out lets waiters in |
//! | `write_lock l`       | 1                    | take `l` to write (alone), or block                  |
//! | `write_unlock l`     | 1                    | stop writing `l`, letting waiters in by its preference |
//! | `barrier b`          | 1                    | wait at barrier `b` until its count of threads have arrived; the last one opens it |
//! | `destroy x`          | 1                    | destroy a synchronisation object; a runtime error while it is held or waited on, or if used after |
//! | `jmp L`              | 1                    | go on at label `L`                                   |
//! | `jeq a, b, L` / `jne` / `jlt` / `jle` / `jgt` / `jge` | 1 | jump to `L` if register `a` is equal to / not equal to / less than / at most / greater than / at least `b` (a number, register or variable); with only `L`, test the flags of the last `cmp` |
//! | `cmp a, b`           | 1                    | compare register `a` with `b`, setting the thread's flags for a flag jump |
//! | `faa rX, var, n`     | 1                    | fetch-and-add, one indivisible step: `rX ← var; var ← var + n` (`n` a number or register) |
//! | `xchg rX, var`       | 1                    | exchange, one step: `rX` and `var` swap values       |
//! | `cas var, rE, rN`    | 1                    | compare-and-swap, one step: if `var = rE` then `var ← rN`; `rE ←` the value found; flags as `cmp` of the value found with `rE` (equal: it swapped) |
//! | `create rX, P`       | `machine.thread_create_ticks` (14) | start the next declared thread of the process with `"start": "created"` running program `P` (POSIX `pthread_create`); its tid lands in `rX` |
//! | `join rX`            | 1, and 1 when woken  | wait until the thread whose tid is in `rX` has exited, then `rX ←` its exit value (POSIX `pthread_join`) |
//! | `fork rX`            | `machine.fork_ticks` (156) | a child process: a copy of the address space (copy-on-write) with one thread, a copy of this one; `rX` is 0 in the child, the child's pid in the parent (POSIX `fork`) |
//! | `spawn rX, P`        | `machine.spawn_ticks` (1,279) | a fresh process running program `P` with the declared variables; its pid lands in `rX` (POSIX `posix_spawn`) |
//! | `wait rX`            | 1, and 1 when woken  | wait for a child process to end, then `rX ←` its exit value (POSIX `wait`; ECHILD without one) |
//! | `loop N` … `end`     | 0                    | run the body N times (loops nest)                   |
//! | `exit` / `exit v`    | 0                    | terminate the thread with exit value `v` (a number or register; 0 if none, and after the last line) |
//! | `send ch, v`         | 1 + copy, again when woken | put message `v` (number or register) in channel `ch` (declared in the scenario's `channels`), blocking while it is full |
//! | `recv rX, ch`        | 1 + copy, again when woken | `rX ←` the oldest message of channel `ch`, blocking while it is empty |
//!
//! So `counter++` is three instructions (`load`, `add`, `store`) and can interleave with another
//! thread's, which is how a race condition loses updates.
//!
//! A line `name:` on its own is a label: it names the next instruction (or the end of the
//! program), and jumps go there. A jump may not enter or leave a `loop` body: it stays among the
//! lines of the same loop (a located error says so), so `loop` and `end` always pair up. A
//! variable compared by a jump is read from memory when the jump completes: a load, which can
//! race like any other.
//!
//! An operand `$name` is the value of the scenario's param `name` (its `params`, whole numbers):
//! `compute $cs` is `compute 4` when `cs` is 4. It is replaced by the value's digits before the
//! line is read, so it goes wherever a number goes; an unknown name, or a value the operand
//! refuses, is an error at its column that names the param.
//!
//! A program whose first line is `.x86 locks` (or `.x86 intro`) is instead OSTEP's x86.py
//! assembly, translated to these instructions and, where they have no word, to
//! [`Instr::X86`] ([`super::x86`]).
//!
//! Registers are `r0`–`r7`, signed 64-bit, private to each thread (part of its execution context).
//! Variables live in the process's address space and must be declared in the scenario; mutex
//! names are declared by use; semaphores are declared in the process's `semaphores` (see
//! [`super::sync::names`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Ticks;
use super::sync::names::{ObjectKind, ObjectNames};

/// Number of registers per thread (`r0`–`r7`).
pub const REGISTER_COUNT: usize = 8;

/// CPU cost, in ticks, of every instruction other than `compute`, `io`, `loop`, `end`, `exit`.
pub const SIMPLE_INSTRUCTION_TICKS: Ticks = 1;

/// A register index, `0..REGISTER_COUNT`.
pub type Reg = u8;

/// Index of a variable in its process's address space (see [`super::memory::AddressSpace`]).
pub type VarId = usize;

/// Index of a mutex in its process (see [`super::sync::Mutex`]).
pub type MutexId = usize;

/// Index of a semaphore in its process's table ([`ObjectNames::semaphores`]).
pub type SemId = usize;

/// Index of a condition variable in its process's table ([`ObjectNames::condvars`]).
pub type CondId = usize;

/// Index of a spin lock in its process's table ([`ObjectNames::spinlocks`]).
pub type SpinId = usize;

/// Index of a read-write lock in its process's table ([`ObjectNames::rwlocks`]).
pub type RwId = usize;

/// Index of a barrier in its process's table ([`ObjectNames::barriers`]).
pub type BarrierId = usize;

/// Index of a channel in the scenario's table ([`ObjectNames::channels`], the same in every
/// process).
pub type ChanId = usize;

/// Index of a named program in its process's table ([`ObjectNames::programs`]).
pub type ProgramId = usize;

/// A length of time in ticks: fixed, or drawn uniformly from `lo..=hi` with the seeded RNG.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    /// Exactly this many ticks (≥ 1; ≥ 0 for `io`).
    Fixed(Ticks),
    /// Uniform in `lo..=hi` ticks, `1 ≤ lo ≤ hi` (`0 ≤ lo` for `io`).
    Range(Ticks, Ticks),
}

/// Second operand of `add`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operand {
    /// An immediate (literal) value, as in `add r0, 1`.
    Imm(i64),
    /// The value of a register, as in `add r0, r1`.
    Reg(Reg),
}

/// What a comparison reads as its second value: a number, a register, or a variable (read from
/// memory when the instruction completes: a load, so it can race).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// An immediate (literal) value, as in `jeq r0, 5, done`.
    Imm(i64),
    /// The value of a register, as in `jeq r0, r1, done`.
    Reg(Reg),
    /// The value of a variable in memory, as in `jeq r0, counter, done`.
    Var(VarId),
}

/// The test of a conditional jump: how its first value must compare with its second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// Equal (`jeq`).
    Eq,
    /// Not equal (`jne`).
    Ne,
    /// Less than (`jlt`).
    Lt,
    /// Less than or equal (`jle`).
    Le,
    /// Greater than (`jgt`).
    Gt,
    /// Greater than or equal (`jge`).
    Ge,
}

impl Test {
    /// Every test, in the order the reference lists the jumps.
    pub const ALL: [Test; 6] = [Test::Eq, Test::Ne, Test::Lt, Test::Le, Test::Gt, Test::Ge];

    /// The jump's mnemonic: `jeq`, `jne`, `jlt`, `jle`, `jgt`, `jge`.
    pub fn mnemonic(self) -> &'static str {
        match self {
            Test::Eq => "jeq",
            Test::Ne => "jne",
            Test::Lt => "jlt",
            Test::Le => "jle",
            Test::Gt => "jgt",
            Test::Ge => "jge",
        }
    }

    /// Whether a comparison that found `flags` passes the test.
    pub fn holds(self, flags: Flags) -> bool {
        if flags == Flags::Unset {
            return false;
        }
        match self {
            Test::Eq => flags == Flags::Equal,
            Test::Ne => flags != Flags::Equal,
            Test::Lt => flags == Flags::Less,
            Test::Le => flags != Flags::Greater,
            Test::Gt => flags == Flags::Greater,
            Test::Ge => flags != Flags::Less,
        }
    }
}

/// A thread's flags: how the first value of its last `cmp` compared with the second (x86's
/// flags after `cmp`, reduced to what the jumps test). Before any `cmp` they say
/// [`Flags::Equal`], as `cmp r0, r0` would: registers start at 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flags {
    /// The first value was less than the second.
    Less,
    /// They were equal.
    #[default]
    Equal,
    /// The first value was greater than the second.
    Greater,
    /// No comparison yet, as in x86.py before a thread's first `test`: every condition is false,
    /// so no flag jump is taken (an x86.py thread's flags at its start, [`Program::start_flags`]).
    Unset,
}

impl Flags {
    /// The flags of comparing `a` with `b`.
    pub fn of(a: i64, b: i64) -> Flags {
        match a.cmp(&b) {
            std::cmp::Ordering::Less => Flags::Less,
            std::cmp::Ordering::Equal => Flags::Equal,
            std::cmp::Ordering::Greater => Flags::Greater,
        }
    }
}

/// One decoded instruction. Loop and jump targets are instruction indices within the same
/// program (a target equal to the program's length is its end: the thread exits).
///
/// Externally tagged (serde's default), not `tag = "op"`: it travels in a loaded run's bytes
/// (see [`super::system`]), which cannot read an internally tagged enum back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instr {
    /// `compute N`: burns CPU; a time slice may cut it, and it resumes where it stopped.
    Compute {
        /// CPU time needed, in ticks.
        span: Span,
    },
    /// `io N`: blocking I/O; the thread leaves the CPU and is blocked for the drawn time.
    Io {
        /// How long the thread stays blocked, in ticks.
        span: Span,
    },
    /// `load rX, var`: `rX ← var`, reading memory when the load completes.
    Load {
        /// Destination register.
        reg: Reg,
        /// Variable read.
        var: VarId,
    },
    /// `store rX, var`: `var ← rX`.
    Store {
        /// Register whose value is stored.
        reg: Reg,
        /// Variable written.
        var: VarId,
    },
    /// `add rX, operand`: `rX ← rX + operand` (wrapping on overflow).
    Add {
        /// Register added to and written.
        reg: Reg,
        /// Value added.
        operand: Operand,
    },
    /// `set rX, N`: `rX ← N`.
    Set {
        /// Destination register.
        reg: Reg,
        /// Value written.
        value: i64,
    },
    /// `lock m`: acquires the mutex, or blocks in its FIFO wait queue.
    Lock {
        /// Mutex to acquire.
        mutex: MutexId,
    },
    /// `unlock m`: releases the mutex, handing it to the first waiter if any; a runtime error if not held.
    Unlock {
        /// Mutex to release.
        mutex: MutexId,
    },
    /// `sem_wait s`: takes one from the semaphore, or blocks in its FIFO queue while it is 0.
    SemWait {
        /// The semaphore.
        sem: SemId,
    },
    /// `sem_post s`: wakes the semaphore's first waiter, else adds one to it (a runtime error
    /// past a declared `max`).
    SemPost {
        /// The semaphore.
        sem: SemId,
    },
    /// `spin_lock s`: takes the spin lock, or, if another thread holds it, stays on its CPU and
    /// tries again: each attempt is 1 tick, so the PC stays on `spin_lock` while it spins.
    SpinLock {
        /// The spin lock.
        lock: SpinId,
    },
    /// `spin_unlock s`: releases the spin lock (a runtime error if not held).
    SpinUnlock {
        /// The spin lock.
        lock: SpinId,
    },
    /// `cond_wait c, m`: releases mutex `m` and sleeps on condition variable `c` in one step
    /// (a runtime error if the thread does not hold `m`). Woken by a signal, it runs again and
    /// re-takes `m` (waiting for it if need be) before the thread goes on: Mesa semantics.
    CondWait {
        /// The condition variable.
        cond: CondId,
        /// The mutex released while asleep and re-taken after.
        mutex: MutexId,
    },
    /// `cond_signal c`: makes the first thread asleep on `c` ready; nothing if none sleeps.
    CondSignal {
        /// The condition variable.
        cond: CondId,
    },
    /// `cond_broadcast c`: makes every thread asleep on `c` ready.
    CondBroadcast {
        /// The condition variable.
        cond: CondId,
    },
    /// `read_lock l`: takes the read-write lock to read, shared with other readers; blocks while
    /// a writer holds it (or, preferring writers, while one waits).
    ReadLock {
        /// The read-write lock.
        lock: RwId,
    },
    /// `read_unlock l`: stops reading; the last reader out lets waiters in.
    ReadUnlock {
        /// The read-write lock.
        lock: RwId,
    },
    /// `write_lock l`: takes the read-write lock to write, alone; blocks while anyone holds it.
    WriteLock {
        /// The read-write lock.
        lock: RwId,
    },
    /// `write_unlock l`: stops writing, letting waiters in by the lock's preference.
    WriteUnlock {
        /// The read-write lock.
        lock: RwId,
    },
    /// `barrier b`: waits at the barrier until its count of threads have arrived; the last to
    /// arrive opens it and every waiter goes on.
    Barrier {
        /// The barrier.
        barrier: BarrierId,
    },
    /// `destroy x`: destroys the synchronisation object `x` (POSIX `pthread_mutex_destroy` and
    /// its kin). A runtime error while it is held or waited on, and any later use of it.
    Destroy {
        /// The object's kind.
        kind: ObjectKind,
        /// Its id in its kind's table.
        id: usize,
    },
    /// Start of a counted loop; `end` is the index of the matching `End`.
    Loop {
        /// Number of times to run the body; 0 skips it.
        count: u32,
        /// Index of the matching `End`.
        end: usize,
    },
    /// End of a loop body; `start` is the index of the matching `Loop`.
    End {
        /// Index of the matching `Loop`.
        start: usize,
    },
    /// `jmp L`: goes on at instruction `target` (label `L`).
    Jump {
        /// Index of the instruction after the label.
        target: usize,
    },
    /// `jeq a, b, L` (and `jne`, `jlt`, `jle`, `jgt`, `jge`): goes on at `target` if register
    /// `a` compared with `b` passes `test`, else at the next instruction.
    Branch {
        /// How `a` must compare with `b` for the jump to be taken.
        test: Test,
        /// The register compared.
        a: Reg,
        /// What it is compared with (a variable is read as the jump completes).
        b: Value,
        /// Index of the instruction after the label.
        target: usize,
    },
    /// `cmp a, b`: sets the thread's [`Flags`] to how register `a` compares with `b`.
    Cmp {
        /// The register compared.
        a: Reg,
        /// What it is compared with.
        b: Value,
    },
    /// `jeq L` (and the other tests) with only a label: goes on at `target` if the flags of the
    /// thread's last `cmp` pass `test`.
    BranchFlags {
        /// What the flags must say for the jump to be taken.
        test: Test,
        /// Index of the instruction after the label.
        target: usize,
    },
    /// `faa rX, var, n`: fetch-and-add in one indivisible step: `rX ← var; var ← var + n`
    /// (wrapping on overflow).
    FetchAdd {
        /// Register that receives the value found.
        reg: Reg,
        /// Variable read and written.
        var: VarId,
        /// What is added to it: a number or a register.
        add: Operand,
    },
    /// `xchg rX, var`: exchange in one indivisible step: `rX` and `var` swap values.
    Xchg {
        /// Register swapped.
        reg: Reg,
        /// Variable swapped.
        var: VarId,
    },
    /// `cas var, rE, rN`: compare-and-swap in one indivisible step: if `var` holds `rE`'s value
    /// then `var ← rN`; either way `rE ←` the value found, and the flags say how it compared with
    /// `rE` (equal: the swap happened), as x86's `cmpxchg` does.
    Cas {
        /// Variable compared and perhaps written.
        var: VarId,
        /// Register holding the value expected; receives the value found.
        expected: Reg,
        /// Register holding the value written if the expected one was found.
        new: Reg,
    },
    /// `create rX, P`: starts a thread running the process's program `P`, as POSIX
    /// `pthread_create` does: the next thread of the process declared with `"start": "created"`
    /// running `P` that has not started becomes ready, and its tid lands in `rX`. A runtime error
    /// if none is left. Costs the creating thread `ticks` of CPU.
    Create {
        /// Register that receives the new thread's tid.
        reg: Reg,
        /// The program the new thread runs.
        program: ProgramId,
        /// CPU ticks creation takes: the scenario's `machine.thread_create_ticks`, filled in when
        /// the system is loaded ([`super::system::System::load`]); 0 as parsed.
        ticks: Ticks,
    },
    /// `join rX`: waits until the thread whose tid is in `rX` has exited, then `rX ←` its exit
    /// value (POSIX `pthread_join`). A runtime error to join itself, a tid that is no started
    /// thread of the process, or a thread already joined ([`super::sync::Lives::join`]).
    Join {
        /// Register holding the tid; receives the exit value.
        reg: Reg,
    },
    /// `exit`, `exit v` (or running off the end, value 0): terminates the thread with an exit
    /// value that a `join` receives (POSIX `pthread_exit`).
    Exit {
        /// The exit value: a number or a register.
        value: Operand,
    },
    /// `fork rX`: the process gets a child process, a copy of its address space (shared
    /// copy-on-write, [`super::pages`]) with one thread, a copy of the caller at the next
    /// instruction; `rX` is 0 in the child and the child's pid in the parent (POSIX `fork`).
    /// See [`super::procs`].
    Fork {
        /// Register that receives 0 in the child, the child's pid in the parent.
        reg: Reg,
        /// CPU ticks the fork takes: `machine.fork_ticks`, filled in when the system is loaded;
        /// 0 as parsed.
        ticks: Ticks,
    },
    /// `spawn rX, P`: a fresh process running the process's program `P` from its first line,
    /// with the process's variables at their declared values (POSIX `posix_spawn` of the same
    /// executable); its pid lands in `rX`.
    Spawn {
        /// Register that receives the new process's pid.
        reg: Reg,
        /// The program the new process runs.
        program: ProgramId,
        /// CPU ticks the spawn takes: `machine.spawn_ticks`, filled in when the system is loaded.
        ticks: Ticks,
    },
    /// `wait rX`: waits until a child process has ended, then `rX ←` its exit value (POSIX
    /// `wait`); a runtime error (ECHILD) if the process has no child left to wait for.
    Wait {
        /// Register that receives the child's exit value.
        reg: Reg,
    },
    /// `send ch, v`: puts the message `v` (a number or a register) in channel `ch`, blocking
    /// while the channel is full; woken, it runs again ([`super::sync::Channel`]). Costs 1 tick
    /// plus the channel's copy cost (`ticks`).
    Send {
        /// The channel.
        ch: ChanId,
        /// The message.
        value: Operand,
        /// Ticks of copying the message: the channel's [`super::scenario::ChannelSpec::copy_ticks`],
        /// filled in when the system is loaded; 0 as parsed.
        ticks: Ticks,
    },
    /// `recv rX, ch`: takes the oldest message out of channel `ch` into `rX`, blocking while the
    /// channel is empty; woken, it runs again. Costs 1 tick plus the channel's copy cost.
    Recv {
        /// The register that receives the message.
        reg: Reg,
        /// The channel.
        ch: ChanId,
        /// Ticks of copying the message, as for [`Instr::Send`].
        ticks: Ticks,
    },
    /// One instruction of OSTEP's x86.py that the language has no word for (numbered memory,
    /// the stack, `test`), translated from its assembly ([`super::x86`]); 1 tick, or 0 for a
    /// thread's starting values.
    X86 {
        /// What it does.
        op: super::x86::Op,
    },
}

impl Instr {
    /// The synchronisation objects the instruction uses (`cond_wait` uses two), as (kind, id);
    /// `destroy` counts as none (it checks its object itself).
    pub fn objects(&self) -> [Option<(ObjectKind, usize)>; 2] {
        let one = |kind, id| [Some((kind, id)), None];
        match *self {
            Instr::Lock { mutex } | Instr::Unlock { mutex } => one(ObjectKind::Mutex, mutex),
            Instr::SpinLock { lock } | Instr::SpinUnlock { lock } => one(ObjectKind::Spinlock, lock),
            Instr::SemWait { sem } | Instr::SemPost { sem } => one(ObjectKind::Semaphore, sem),
            Instr::CondWait { cond, mutex } => [Some((ObjectKind::Condvar, cond)), Some((ObjectKind::Mutex, mutex))],
            Instr::CondSignal { cond } | Instr::CondBroadcast { cond } => one(ObjectKind::Condvar, cond),
            Instr::ReadLock { lock }
            | Instr::ReadUnlock { lock }
            | Instr::WriteLock { lock }
            | Instr::WriteUnlock { lock } => one(ObjectKind::RwLock, lock),
            Instr::Barrier { barrier } => one(ObjectKind::Barrier, barrier),
            Instr::Send { ch, .. } | Instr::Recv { ch, .. } => one(ObjectKind::Channel, ch),
            _ => [None, None],
        }
    }

    /// CPU ticks this instruction needs before its effect applies (`compute` is drawn separately).
    pub fn fixed_cost(&self) -> Ticks {
        match self {
            Instr::Compute { .. } => 0, // decided per execution, see Span
            Instr::Io { .. } | Instr::Loop { .. } | Instr::End { .. } | Instr::Exit { .. } => 0,
            Instr::Create { ticks, .. } | Instr::Fork { ticks, .. } | Instr::Spawn { ticks, .. } => *ticks,
            Instr::Send { ticks, .. } | Instr::Recv { ticks, .. } => SIMPLE_INSTRUCTION_TICKS + *ticks,
            _ => SIMPLE_INSTRUCTION_TICKS,
        }
    }
}

/// A parsed program: instructions plus, for each, its 1-based source line and text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    /// The decoded instructions, indexed by pc.
    pub instrs: Vec<Instr>,
    /// `lines[pc]` is the 1-based source line of instruction `pc`.
    pub lines: Vec<u32>,
    /// `texts[pc]` is the source text of instruction `pc`, trimmed, without comment.
    pub texts: Vec<String>,
    /// For an x86.py program ([`super::x86`]): its `.var` names, in declaration order, so that
    /// views name a cell as x86.py does; [`Program::cell_addrs`] holds their addresses. Empty
    /// for a model program. (Two vectors of types every program's reader reads already: a
    /// vector of pairs cost each reader of a program its own code.)
    pub cell_names: Vec<String>,
    /// The address of each of [`Program::cell_names`], then one more: the address after the
    /// last one's cells, where the variables end (x86.py gives each of a `.var`'s cells 4
    /// addresses, so `.var slots 4` at 100 spans 100–115), as [`super::x86::parse_program`]
    /// reads them ([`super::x86::assembled::declared`]).
    pub cell_addrs: Vec<i64>,
    /// Registers `r0`–`r7` of a thread of this program when it starts, before its first
    /// instruction: for an x86.py program its `sp` and `-a` values, as x86.py sets them before
    /// it runs. Empty for a model program (all 0).
    pub start: Vec<i64>,
}

impl Program {
    /// Source text of instruction `pc`, or `"(finished)"` past the end.
    pub fn text(&self, pc: usize) -> &str {
        self.texts.get(pc).map_or("(finished)", String::as_str)
    }

    /// Register `r`'s name as the program's author writes it: `r0`…`r7`, or for OSTEP's x86
    /// assembly x86.py's names (`ax`, … `sp`, `bp`: [`super::x86::REGISTERS`]).
    pub fn register_name(&self, r: usize) -> String {
        match self.instrs.iter().any(|i| matches!(i, Instr::X86 { .. })) {
            true => super::x86::REGISTERS.get(r).map_or_else(|| format!("r{r}"), |n| n.to_string()),
            false => format!("r{r}"),
        }
    }

    /// The registers a thread starts this program with ([`Program::start`]; all 0 if empty).
    pub fn start_registers(&self) -> [i64; REGISTER_COUNT] {
        self.start.as_slice().try_into().unwrap_or_default()
    }

    /// The flags a thread starts this program with: [`Flags::Unset`] for an x86.py program
    /// (x86.py takes no conditional jump before a thread's first `test`), else the default
    /// (registers all 0, as `cmp r0, r0` would find).
    pub fn start_flags(&self) -> Flags {
        if self.start.is_empty() { Flags::default() } else { Flags::Unset }
    }

    /// An x86.py cell's name: the `.var` declared at address `addr` as x86.py prints it
    /// (`count`); a cell of an array by the declaration it falls in and its index, each cell 4
    /// addresses apart (`.var slots 4` at 100: 104 is `slots[1]`); else the address itself
    /// (`2000`, as x86.py's `-M` column names it), also for an address between two cells.
    pub fn cell_name(&self, addr: i64) -> String {
        let Some(i) = self.cell_addrs.iter().take(self.cell_names.len()).rposition(|&a| a <= addr) else {
            return addr.to_string();
        };
        let start = self.cell_addrs[i];
        // Without the end (a program not read by `parse_program`), the last is one cell.
        let end = self.cell_addrs.get(i + 1).copied().unwrap_or(start + 4);
        match addr - start {
            off if addr >= end || off % 4 != 0 => addr.to_string(),
            _ if end - start == 4 => self.cell_names[i].clone(),
            off => format!("{}[{}]", self.cell_names[i], off / 4),
        }
    }
}

/// A parse error at a 1-based line and column of the program text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProgramError {
    /// 1-based line of the program text.
    pub line: u32,
    /// 1-based column on that line.
    pub column: u32,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// Names a program can refer to: the process's declared variables (looked up), its mutexes
/// (declared by first use, so the table grows) and the scenario's params.
pub struct Symbols<'a> {
    /// The process's declared variables; index = [`VarId`].
    pub variables: &'a [String],
    /// The process's mutex names so far; index = [`MutexId`]; a new name is appended.
    pub mutexes: &'a mut Vec<String>,
    /// The scenario's named constants (its `params`, name and value): an operand `$name` is
    /// read as the value's digits, so a sweep can vary it (`threadlab sweep --param params.cs`).
    pub params: &'a [(String, u64)],
}

/// A word of a line with its 1-based column.
struct Token<'t> {
    text: &'t str,
    column: u32,
}

fn tokenize(line: &str) -> Vec<Token<'_>> {
    let code = line.split(['#', ';']).next().unwrap_or("");
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in code.char_indices().chain(std::iter::once((code.len(), ' '))) {
        let sep = c.is_whitespace() || c == ',';
        match (start, sep) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                let column = code[..s].chars().count() as u32 + 1;
                out.push(Token { text: &code[s..i], column });
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Parses program text. Errors name the line and column and say what was expected. The
/// program may use no declared object (semaphore, barrier): see [`parse_with`].
pub fn parse(source: &str, symbols: Symbols<'_>) -> Result<Program, ProgramError> {
    parse_with(source, symbols, &mut ObjectNames::default())
}

/// [`parse`] with the process's other synchronisation objects: `objects` holds the declared
/// ones and the ones earlier programs of the process named; a new name used by a kind declared
/// by use is appended (see [`super::sync::names`]).
pub fn parse_with(source: &str, symbols: Symbols<'_>, objects: &mut ObjectNames) -> Result<Program, ProgramError> {
    if let Some(program) = super::x86::parse_program(source) {
        return program;
    }
    read(source, symbols, objects, false)
}

/// Adds to `symbols.mutexes` and `objects` the objects `source` declares by use, ignoring its
/// errors (the real parse reports them). Run over every program of a process before parsing
/// any, it lets `destroy` name an object that a program read later uses.
pub fn collect_names(source: &str, symbols: Symbols<'_>, objects: &mut ObjectNames) {
    if super::x86::is_x86(source) {
        return; // x86.py's assembly names no synchronisation object
    }
    let _ = read(source, symbols, objects, true);
}

/// The parser's loop; `collecting`: only gather names (see [`collect_names`]).
fn read(
    source: &str,
    symbols: Symbols<'_>,
    objects: &mut ObjectNames,
    collecting: bool,
) -> Result<Program, ProgramError> {
    let mut p = Parser {
        symbols,
        objects,
        collecting,
        line: 0,
        instrs: Vec::new(),
        lines: Vec::new(),
        texts: Vec::new(),
        open: Vec::new(),
        labels: Vec::new(),
        jumps: Vec::new(),
    };
    for (i, raw) in source.lines().enumerate() {
        p.line = i as u32 + 1;
        let tokens = tokenize(raw);
        if tokens.is_empty() {
            continue;
        }
        // `$name` operands become their values' digits (columns kept), before anything reads them.
        let written = tokens;
        let values = written.iter().map(|t| p.param(t)).collect::<Result<Vec<_>, _>>()?;
        let tokens: Vec<Token<'_>> = (written.iter().zip(&values))
            .map(|(t, v)| Token { text: v.as_deref().unwrap_or(t.text), column: t.column })
            .collect();
        if tokens[0].text.ends_with(':') {
            p.label(&tokens, raw.split(['#', ';']).next().unwrap_or(""))?;
            continue;
        }
        let instr = p.instruction(&tokens).map_err(|mut e| {
            // An operand refused after its `$name` became a value: say where the value came from.
            if let Some((t, Some(v))) = written.iter().zip(&values).find(|(t, _)| t.column == e.column) {
                e.message.push_str(&format!(" (`{}` is {v}, from the scenario's `params`)", t.text));
            }
            e
        })?;
        let text = raw.split(['#', ';']).next().unwrap_or("").trim().to_string();
        p.instrs.push(instr);
        p.lines.push(p.line);
        p.texts.push(text);
    }
    if let Some(&(_, line)) = p.open.last() {
        return Err(ProgramError { line, column: 1, message: "`loop` has no matching `end`".into() });
    }
    p.resolve_jumps()?;
    Ok(Program {
        instrs: p.instrs,
        lines: p.lines,
        texts: p.texts,
        cell_names: Vec::new(),
        cell_addrs: Vec::new(),
        start: Vec::new(),
    })
}

/// One instruction of the language, for the parser's hints and the page's language reference
/// (one table, so the two cannot drift apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstrDoc {
    /// The mnemonic, lower case (the parser accepts any case).
    pub mnemonic: &'static str,
    /// How many operands it takes.
    pub operands: usize,
    /// What its operands are, in words ("a register and a variable").
    pub needs: &'static str,
    /// An example, one instruction per line (for `loop`, a whole loop).
    pub example: &'static str,
}

impl InstrDoc {
    /// CPU time it takes, in ticks, in words ("1", "N") ([`INSTRUCTION_EFFECTS`]).
    pub fn cost(&self) -> &'static str {
        self.effect_row().cost
    }

    /// What it does ([`INSTRUCTION_EFFECTS`]).
    pub fn effect(&self) -> &'static str {
        self.effect_row().effect
    }

    fn effect_row(&self) -> &'static InstrEffect {
        let at = INSTRUCTIONS.iter().position(|d| d.mnemonic == self.mnemonic).expect("an instruction of the table");
        &INSTRUCTION_EFFECTS[at]
    }
}

/// What one instruction of the language costs and does, for the page's language reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstrEffect {
    /// CPU time it takes, in ticks, in words ("1", "N").
    pub cost: &'static str,
    /// What it does.
    pub effect: &'static str,
}

/// Every instruction the parser accepts, in the order the reference lists them. The costs are
/// [`Instr::fixed_cost`]'s and the interpreter's (`tests/language_reference.rs` checks them).
pub const INSTRUCTIONS: &[InstrDoc] = &[
    InstrDoc {
        mnemonic: "compute", operands: 1, needs: "a number of µs (or a range like 2..6)", example: "compute 5"
    },
    InstrDoc {
        mnemonic: "io", operands: 1, needs: "a number of µs to wait (or a range like 5..15)", example: "io 10"
    },
    InstrDoc { mnemonic: "load", operands: 2, needs: "a register and a variable", example: "load r0, counter" },
    InstrDoc { mnemonic: "store", operands: 2, needs: "a register and a variable", example: "store r0, counter" },
    InstrDoc { mnemonic: "add", operands: 2, needs: "a register and a number or register", example: "add r0, 1" },
    InstrDoc { mnemonic: "set", operands: 2, needs: "a register and a number", example: "set r0, 5" },
    InstrDoc { mnemonic: "lock", operands: 1, needs: "a mutex name", example: "lock m" },
    InstrDoc { mnemonic: "unlock", operands: 1, needs: "a mutex name", example: "unlock m" },
    InstrDoc {
        mnemonic: "sem_wait",
        operands: 1,
        needs: "a semaphore name (declared in the process's `semaphores`)",
        example: "sem_wait slots",
    },
    InstrDoc {
        mnemonic: "sem_post",
        operands: 1,
        needs: "a semaphore name (declared in the process's `semaphores`)",
        example: "sem_post slots",
    },
    InstrDoc { mnemonic: "spin_lock", operands: 1, needs: "a spin lock name", example: "spin_lock s" },
    InstrDoc { mnemonic: "spin_unlock", operands: 1, needs: "a spin lock name", example: "spin_unlock s" },
    InstrDoc {
        mnemonic: "cond_wait",
        operands: 2,
        needs: "a condition variable name and the mutex the thread holds",
        example: "lock m\ncond_wait ready, m\nunlock m",
    },
    InstrDoc { mnemonic: "cond_signal", operands: 1, needs: "a condition variable name", example: "cond_signal ready" },
    InstrDoc {
        mnemonic: "cond_broadcast",
        operands: 1,
        needs: "a condition variable name",
        example: "cond_broadcast ready",
    },
    InstrDoc {
        mnemonic: "read_lock",
        operands: 1,
        needs: "a read-write lock name",
        example: "read_lock table\nload r0, counter\nread_unlock table",
    },
    InstrDoc {
        mnemonic: "read_unlock",
        operands: 1,
        needs: "a read-write lock name",
        example: "read_lock table\nread_unlock table",
    },
    InstrDoc {
        mnemonic: "write_lock",
        operands: 1,
        needs: "a read-write lock name",
        example: "write_lock table\nstore r0, counter\nwrite_unlock table",
    },
    InstrDoc {
        mnemonic: "write_unlock",
        operands: 1,
        needs: "a read-write lock name",
        example: "write_lock table\nwrite_unlock table",
    },
    InstrDoc {
        mnemonic: "barrier",
        operands: 1,
        needs: "a barrier name (declared in the process's `barriers` with its count of threads)",
        example: "compute 5\nbarrier b",
    },
    InstrDoc {
        mnemonic: "destroy",
        operands: 1,
        needs: "the name of a mutex, spin lock, condition variable, read-write lock, semaphore or barrier",
        example: "lock m\nunlock m\ndestroy m",
    },
    InstrDoc {
        mnemonic: "loop",
        operands: 1,
        needs: "a count (the body ends at `end`)",
        example: "loop 3\n  compute 2\nend",
    },
    InstrDoc { mnemonic: "end", operands: 0, needs: "nothing", example: "loop 2\n  io 5\nend" },
    InstrDoc { mnemonic: "jmp", operands: 1, needs: "a label", example: "jmp done\ncompute 5   # skipped\ndone:" },
    InstrDoc {
        mnemonic: "jeq",
        operands: 3,
        needs: "a register, a number, register or variable, and a label (or only a label, after `cmp`)",
        example: "load r0, counter\njeq r0, 0, empty\ncompute 1\nempty:",
    },
    InstrDoc {
        mnemonic: "jne",
        operands: 3,
        needs: "a register, a number, register or variable, and a label (or only a label, after `cmp`)",
        example: "wait:\n  load r0, counter\n  jne r0, 0, wait",
    },
    InstrDoc {
        mnemonic: "jlt",
        operands: 3,
        needs: "a register, a number, register or variable, and a label (or only a label, after `cmp`)",
        example: "top:\n  add r0, 1\n  jlt r0, 5, top",
    },
    InstrDoc {
        mnemonic: "jle",
        operands: 3,
        needs: "a register, a number, register or variable, and a label (or only a label, after `cmp`)",
        example: "top:\n  add r0, 1\n  jle r0, 4, top",
    },
    InstrDoc {
        mnemonic: "jgt",
        operands: 3,
        needs: "a register, a number, register or variable, and a label (or only a label, after `cmp`)",
        example: "load r0, counter\njgt r0, 10, full\ncompute 1\nfull:",
    },
    InstrDoc {
        mnemonic: "jge",
        operands: 3,
        needs: "a register, a number, register or variable, and a label (or only a label, after `cmp`)",
        example: "jge r0, counter, done\ncompute 1\ndone:",
    },
    InstrDoc {
        mnemonic: "cmp",
        operands: 2,
        needs: "a register, then a number, register or variable",
        example: "cmp r0, 5\njlt small\ncompute 1\nsmall:",
    },
    InstrDoc {
        mnemonic: "faa",
        operands: 3,
        needs: "a register, a variable, and a number or register",
        example: "faa r0, counter, 1",
    },
    InstrDoc {
        mnemonic: "xchg",
        operands: 2,
        needs: "a register and a variable",
        example: "set r1, 1\nxchg r1, counter",
    },
    InstrDoc {
        mnemonic: "cas",
        operands: 3,
        needs: "a variable, a register holding the value expected, and a register holding the new value",
        example: "set r1, 1\ncas counter, r0, r1",
    },
    InstrDoc {
        mnemonic: "create",
        operands: 2,
        needs: "a register and the name of one of the process's `programs`",
        example: "create r1, worker\njoin r1",
    },
    InstrDoc {
        mnemonic: "join",
        operands: 1,
        needs: "a register holding a thread id (from `create`)",
        example: "create r1, worker\njoin r1",
    },
    InstrDoc { mnemonic: "fork", operands: 1, needs: "a register", example: "fork r1" },
    InstrDoc {
        mnemonic: "spawn",
        operands: 2,
        needs: "a register and one of the process's `programs`",
        example: "spawn r1, worker\nwait r1",
    },
    InstrDoc { mnemonic: "wait", operands: 1, needs: "a register", example: "fork r1\nwait r1" },
    InstrDoc {
        mnemonic: "send",
        operands: 2,
        needs: "a channel (declared in the scenario's `channels`) and a number or register",
        example: "send ch, r0",
    },
    InstrDoc {
        mnemonic: "recv",
        operands: 2,
        needs: "a register and a channel (declared in the scenario's `channels`)",
        example: "recv r0, ch",
    },
    InstrDoc {
        mnemonic: "exit",
        operands: 0,
        needs: "nothing, or an exit value (a number or register)",
        example: "exit",
    },
];
/// What each instruction of [`INSTRUCTIONS`] costs and does, in the same order: the language
/// reference shows it (`language-reference.html`, written by [`crate::reference`]), the parser
/// does not need it (a table of its own, so that the workers that only parse leave its text out).
pub const INSTRUCTION_EFFECTS: &[InstrEffect] = &[
    InstrEffect {
        cost: "N",
        effect: "Uses the CPU for N µs. A time slice may cut it; it resumes where it stopped. `compute A..B` draws N \
                 uniformly from A to B with the scenario's seed.",
    },
    InstrEffect {
        cost: "0, then blocked N",
        effect: "Blocking I/O: the thread leaves its CPU and is blocked for N µs, then ready again. `io 0` leaves the \
                 CPU and is ready again at once.",
    },
    InstrEffect {
        cost: "1",
        effect: "Copies a shared variable into one of the thread's own registers (the value in memory when the load \
                 completes).",
    },
    InstrEffect {
        cost: "1",
        effect: "Writes a register into a shared variable, over whatever is there: a write made since this thread's \
                 `load` is lost.",
    },
    InstrEffect { cost: "1", effect: "Adds a number, or another register, to a register." },
    InstrEffect { cost: "1", effect: "Puts a number in a register." },
    InstrEffect {
        cost: "1",
        effect: "Takes the mutex; if another thread holds it, blocks and joins its wait queue (first come, first \
                 served). Mutexes need no declaration.",
    },
    InstrEffect {
        cost: "1",
        effect: "Releases the mutex, handing it to the first thread in its wait queue. Unlocking a mutex the thread \
                 does not hold is a runtime error.",
    },
    InstrEffect {
        cost: "1",
        effect: "Waits on a counting semaphore (P): if its value is above 0, takes one and goes on; at 0, blocks in its \
                 queue (first come, first served) until a `sem_post` lets it through.",
    },
    InstrEffect {
        cost: "1",
        effect: "Posts a counting semaphore (V): lets the first waiting thread through, or if none waits adds one \
                 to its value, so a later `sem_wait` passes (the post is remembered). Any thread may post. Past a \
                 declared `max`, a runtime error.",
    },
    InstrEffect {
        cost: "1 per attempt",
        effect: "Takes the spin lock; if another thread holds it, the thread does not sleep but stays on its CPU and \
                 tries again, 1 µs per attempt, until it gets it (busy-waiting: it burns CPU, counted as its \
                 `spin_time`). No queue: whoever tries first after the release wins. Spin locks need no \
                 declaration.",
    },
    InstrEffect {
        cost: "1",
        effect: "Releases the spin lock. Releasing one the thread does not hold is a runtime error.",
    },
    InstrEffect {
        cost: "1, and 1 when woken",
        effect: "Waits on a condition variable: releases the mutex and sleeps, in one step. A signal only makes it \
                 ready; when it runs again it re-takes the mutex (waiting for it if another thread has it), then \
                 goes on. Another thread may have changed things in between, so check the condition again: wait in \
                 a `while` loop, not behind an `if`. Waiting without holding the mutex is a runtime error. \
                 Condition variables need no declaration.",
    },
    InstrEffect {
        cost: "1",
        effect: "Makes the first thread asleep on the condition variable ready. If none sleeps the signal is lost: \
                 unlike a semaphore's post, it is not remembered.",
    },
    InstrEffect {
        cost: "1",
        effect: "Makes every thread asleep on the condition variable ready; each re-takes the mutex in turn.",
    },
    InstrEffect {
        cost: "1",
        effect: "Takes the read-write lock to read: any number of readers may hold it together, but not while a \
                 writer does. A lock that prefers writers also makes a new reader wait while a writer waits. \
                 Read-write locks need no declaration; declare one in the process's `rwlocks` to choose whom it \
                 prefers (readers by default).",
    },
    InstrEffect {
        cost: "1",
        effect: "Stops reading. When the last reader leaves, a waiting writer gets the lock. Unlocking a lock the \
                 thread does not hold for reading is a runtime error.",
    },
    InstrEffect {
        cost: "1",
        effect: "Takes the read-write lock to write: alone, with no reader and no other writer. Blocks until it is \
                 free.",
    },
    InstrEffect {
        cost: "1",
        effect: "Stops writing and lets waiters in: every waiting reader at once, or the first waiting writer, \
                 whichever the lock prefers (the other if only it waits).",
    },
    InstrEffect {
        cost: "1",
        effect: "Waits at the barrier until as many threads as its count have arrived; the last to arrive opens it, \
                 every waiting thread goes on, and the barrier is ready for the next round.",
    },
    InstrEffect {
        cost: "1",
        effect: "Destroys the object, as `pthread_mutex_destroy` and its kin do. Destroying a lock some thread holds, \
                 or an object threads wait on, is a runtime error; so is using it afterwards.",
    },
    InstrEffect { cost: "0", effect: "Runs the lines up to the matching `end` N times (0 skips them). Loops nest." },
    InstrEffect {
        cost: "0",
        effect: "Closes the innermost open `loop`: back to its first line, or on after the last round.",
    },
    InstrEffect {
        cost: "1",
        effect: "Goes on at the label: a line `name:` of its own, which names the line after it (a label on the last \
                 line names the end: the thread exits). A jump may not enter or leave a `loop` body.",
    },
    InstrEffect {
        cost: "1",
        effect: "Jumps to the label if the register equals the second value, else goes on. A variable is read from \
                 memory as the jump completes: a load, which can race. With only a label, it jumps if the last \
                 `cmp` found its values equal.",
    },
    InstrEffect {
        cost: "1",
        effect: "Jumps to the label if the register differs from the second value, else goes on: with a variable, a \
                 spin loop that waits for it to change. With only a label, it jumps if the last `cmp` found its \
                 values different.",
    },
    InstrEffect {
        cost: "1",
        effect: "Jumps to the label if the register is less than the second value, else goes on. With only a label, \
                 it jumps if the last `cmp` found its first value the smaller.",
    },
    InstrEffect {
        cost: "1",
        effect: "Jumps to the label if the register is at most the second value, else goes on. With only a label, \
                 it jumps if the last `cmp` found its first value not greater.",
    },
    InstrEffect {
        cost: "1",
        effect: "Jumps to the label if the register is greater than the second value, else goes on. With only a \
                 label, it jumps if the last `cmp` found its first value the greater.",
    },
    InstrEffect {
        cost: "1",
        effect: "Jumps to the label if the register is at least the second value, else goes on. With only a label, \
                 it jumps if the last `cmp` found its first value not less.",
    },
    InstrEffect {
        cost: "1",
        effect: "Compares the register with the second value and keeps the result in the thread's flags; a jump \
                 given only a label (`jlt small`) then tests them. Before any `cmp` the flags say equal.",
    },
    InstrEffect {
        cost: "1",
        effect: "Fetch-and-add, one indivisible step: the register gets the variable's value and the variable grows \
                 by the number. No other thread's write can come in between, so no update is lost.",
    },
    InstrEffect {
        cost: "1",
        effect: "Exchange, one indivisible step: the register and the variable swap values. With 1 in the register, \
                 it takes a lock: the lock was free if 0 comes back (test-and-set).",
    },
    InstrEffect {
        cost: "1",
        effect: "Compare-and-swap, one indivisible step: if the variable holds the expected value, it gets the new \
                 one. Either way the first register gets the value found, and the flags say how it compared with \
                 the expected value: `jne retry` right after it jumps if it did not swap.",
    },
    InstrEffect {
        cost: "14 (machine.thread_create_ticks)",
        effect: "Creates a thread, as `pthread_create` does: the next thread of the process declared with \
                 `\"start\": \"created\"` and running that program becomes ready, and its thread id lands in the \
                 register (for `join`). It costs the creating thread the machine's `thread_create_ticks` of CPU \
                 (14 by default: 13.62 µs measured on Linux). With no such thread left to start, a runtime error: \
                 declare one more.",
    },
    InstrEffect {
        cost: "1, and 1 when woken",
        effect: "Waits until that thread has exited, then puts its exit value in the register, as `pthread_join` \
                 does. Joining the thread itself, an id that is no started thread of the process, or a thread \
                 already joined is a runtime error.",
    },
    InstrEffect {
        cost: "156 (machine.fork_ticks)",
        effect: "A child process, as `fork` makes: a copy-on-write copy of this one with one thread, a copy of \
                 this one. The register is 0 in the child, the child's pid in the parent.",
    },
    InstrEffect {
        cost: "1279 (machine.spawn_ticks)",
        effect: "A fresh process running that program, as `posix_spawn` makes; its pid lands in the register.",
    },
    InstrEffect {
        cost: "1, and 1 when woken",
        effect: "Waits for a child process to end; its exit value lands in the register (ECHILD if none).",
    },
    InstrEffect {
        cost: "1 + the copy, and again when woken",
        effect: "Puts the message in the channel, for any thread of any process to `recv`. If the channel holds its \
                 `capacity` of messages already, the thread blocks until a `recv` makes room, then runs `send` \
                 again. The copy costs the channel's `message_bytes / bytes_per_tick` µs (0 for 8 bytes).",
    },
    InstrEffect {
        cost: "1 + the copy, and again when woken",
        effect: "Takes the oldest message out of the channel into the register (first in, first out). If the \
                 channel is empty, the thread blocks until a `send`, then runs `recv` again. A receiver whose \
                 senders have all exited waits for ever: the run stops and says so.",
    },
    InstrEffect {
        cost: "0",
        effect: "Ends this thread only (POSIX `pthread_exit`), with the exit value given (0 if none) that a \
                 `join` receives; the process's other threads run on, even when the main thread exits (in C, \
                 returning from `main` would end them all). A thread also ends after its last line, with 0.",
    },
];

/// The rest of the language, for the reference: (what, how it is written).
pub const SYNTAX_NOTES: &[(&str, &str)] = &[
    ("One instruction per line", "Blank lines and indentation are ignored; mnemonics may be in any case."),
    ("Comments", "`#` or `;` starts a comment that runs to the end of the line: `lock m  # enter`."),
    ("Registers", "`r0` to `r7`: each thread has its own eight, starting at 0 (64-bit signed)."),
    ("Variables", "Declared in the process's `variables`; every thread of the process shares them."),
    (
        "Ranges",
        "`A..B` (`compute 1..3`, `io 5..15`): a number from A to B inclusive, drawn with the scenario's `seed`.",
    ),
    (
        "Labels",
        "A line `name:` of its own names the line after it; `jmp name` and the conditional jumps go there. A jump \
         stays inside the `loop` it is in (it may not enter or leave a loop body).",
    ),
    (
        "Synchronisation objects",
        "Mutexes, spin locks, condition variables and read-write locks need no declaration: a name used is one. \
         Semaphores are declared in the process's `semaphores` with their initial value and, if bounded, their \
         `max` (`\"semaphores\": { \"slots\": { \"initial\": 4, \"max\": 4 } }`), barriers in `barriers` with their \
         count of threads (`\"barriers\": { \"b\": 3 }`); `rwlocks` chooses whom a read-write lock prefers \
         (`\"rwlocks\": { \"table\": { \"prefer\": \"writers\" } }`; readers by default). A name is one object: a \
         semaphore cannot also be a mutex.",
    ),
    (
        "Threads created at run time",
        "A thread declared with `\"start\": \"created\"` and a `\"program\"` does not start by itself: it starts \
         when another thread of its process runs `create rX, PROGRAM` (declare as many as the program creates; they \
         start in the order declared). Thread ids count from 0 over all the scenario's threads, in the order \
         declared: `create` puts the new one's in `rX` for `join`.",
    ),
    (
        "Params",
        "`$name` is one of the scenario's `params` (`\"params\": { \"cs\": 4 }`): a whole number wherever a number \
         goes (`compute $cs`, `loop $n`), so a sweep can vary it (`params.cs`).",
    ),
    (
        "Time",
        "Times are simulated microseconds (µs). The scenario's JSON counts them in ticks (`quantum`, `fork_ticks`, \
         …): one tick is one µs.",
    ),
];

/// Whether `a` is one edit (a changed, missing or extra letter) from `b`: a likely typo.
fn close_enough(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if a == b {
        return true;
    }
    if long.len() - short.len() > 1 || short.is_empty() {
        return false;
    }
    let prefix = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    let skip = usize::from(short.len() == long.len());
    short[prefix + skip.min(short.len() - prefix)..] == long[prefix + 1..]
}

struct Parser<'a> {
    symbols: Symbols<'a>,
    objects: &'a mut ObjectNames,
    /// Only gathering names: `destroy` of an unknown name is no error.
    collecting: bool,
    line: u32,
    instrs: Vec<Instr>,
    lines: Vec<u32>,
    texts: Vec<String>,
    /// Open loops: (instruction index, source line).
    open: Vec<(usize, u32)>,
    /// Labels defined so far, in source order.
    labels: Vec<LabelDef>,
    /// Jumps, resolved once every label is known (a label may come after its jump).
    jumps: Vec<PendingJump>,
}

/// A label: its name, the instruction it names, where it is, and the loops it is inside.
struct LabelDef {
    name: String,
    target: usize,
    line: u32,
    /// Indices of the `loop`s open at the label, outermost first.
    loops: Vec<usize>,
}

/// A jump waiting for its label: the jump's index, mnemonic and label operand, and its loops.
struct PendingJump {
    pc: usize,
    mnemonic: String,
    name: String,
    line: u32,
    column: u32,
    /// Indices of the `loop`s open at the jump, outermost first.
    loops: Vec<usize>,
}

/// Whether `name` is a name: letters, digits and `_`, not empty, not starting with a digit.
fn is_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') && !name.starts_with(char::is_numeric)
}

impl Parser<'_> {
    fn err<T>(&self, column: u32, message: impl Into<String>) -> Result<T, ProgramError> {
        Err(ProgramError { line: self.line, column, message: message.into() })
    }

    fn instruction(&mut self, t: &[Token<'_>]) -> Result<Instr, ProgramError> {
        let op = t[0].text.to_ascii_lowercase();
        let Some(doc) = INSTRUCTIONS.iter().find(|u| u.mnemonic == op) else {
            let known: Vec<&str> = INSTRUCTIONS.iter().map(|u| u.mnemonic).collect();
            let guess = INSTRUCTIONS
                .iter()
                .find(|u| close_enough(&op, u.mnemonic))
                .map(|u| format!(": did you mean `{}`?", u.mnemonic));
            return self.err(
                t[0].column,
                format!(
                    "unknown instruction `{}`{} (instructions: {})",
                    t[0].text,
                    guess.unwrap_or_default(),
                    known.join(", ")
                ),
            );
        };
        let (arity, needs) = (doc.operands, doc.needs);
        // The example's line that uses the instruction, for hints; instructions without operands
        // need none.
        let line = doc.example.lines().find(|l| l.trim_start().starts_with(doc.mnemonic)).unwrap_or("").trim();
        let example = if arity == 0 { String::new() } else { format!(", e.g. `{line}`") };
        // A conditional jump with only a label tests the flags of the last `cmp`.
        let test = Test::ALL.into_iter().find(|x| x.mnemonic() == op);
        let flag_form = test.is_some() && t.len() == 2;
        if op == "exit" && t.len() > 2 {
            return self.err(t[2].column, format!("unexpected `{}`: `exit` takes at most an exit value", t[2].text));
        }
        if op == "exit" {
            let value = match t.get(1) {
                Some(v)
                    if v.text
                        .strip_prefix(['r', 'R'])
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) =>
                {
                    Operand::Reg(self.reg(v)?)
                }
                Some(v) => match v.text.parse::<i64>() {
                    Ok(n) => Operand::Imm(n),
                    Err(_) => {
                        return self.err(
                            v.column,
                            format!(
                                "`{}` is not an exit value: `exit` takes nothing, or a number or register, e.g. \
                                 `exit 3` or `exit r2`",
                                v.text
                            ),
                        );
                    }
                },
                None => Operand::Imm(0),
            };
            return Ok(Instr::Exit { value });
        }
        if !flag_form && t.len() - 1 < arity {
            let after = t.last().map_or(1, |k| k.column + k.text.chars().count() as u32);
            let found = match t.len() - 1 {
                0 => String::new(),
                n => format!(" (found {n} of {arity})"),
            };
            return self.err(after, format!("`{op}` needs {needs}{example}{found}"));
        }
        if !flag_form && t.len() - 1 > arity {
            let takes = if arity == 0 { "nothing after it".to_string() } else { needs.to_string() };
            return self.err(
                t[arity + 1].column,
                format!("unexpected `{}`: `{op}` takes {takes}{example}", t[arity + 1].text),
            );
        }
        Ok(match op.as_str() {
            "compute" => Instr::Compute { span: self.span(&t[1], 1)? },
            // `io 0` blocks and completes at the same instant: the thread still leaves its CPU
            // (OSTEP process-run's `-L 0`).
            "io" => Instr::Io { span: self.span(&t[1], 0)? },
            "load" => Instr::Load { reg: self.reg(&t[1])?, var: self.var(&t[2])? },
            "store" => Instr::Store { reg: self.reg(&t[1])?, var: self.var(&t[2])? },
            "add" => Instr::Add { reg: self.reg(&t[1])?, operand: self.operand(&t[2])? },
            "set" => Instr::Set { reg: self.reg(&t[1])?, value: self.int(&t[2])? },
            "lock" => Instr::Lock { mutex: self.mutex(&t[1])? },
            "spin_lock" => Instr::SpinLock { lock: self.object(&t[1], ObjectKind::Spinlock)? },
            "spin_unlock" => Instr::SpinUnlock { lock: self.object(&t[1], ObjectKind::Spinlock)? },
            "cond_wait" => {
                let cond = self.object(&t[1], ObjectKind::Condvar)?;
                Instr::CondWait { cond, mutex: self.mutex(&t[2])? }
            }
            "cond_signal" => Instr::CondSignal { cond: self.object(&t[1], ObjectKind::Condvar)? },
            "cond_broadcast" => Instr::CondBroadcast { cond: self.object(&t[1], ObjectKind::Condvar)? },
            "read_lock" => Instr::ReadLock { lock: self.object(&t[1], ObjectKind::RwLock)? },
            "read_unlock" => Instr::ReadUnlock { lock: self.object(&t[1], ObjectKind::RwLock)? },
            "write_lock" => Instr::WriteLock { lock: self.object(&t[1], ObjectKind::RwLock)? },
            "write_unlock" => Instr::WriteUnlock { lock: self.object(&t[1], ObjectKind::RwLock)? },
            "destroy" => {
                let kind = ObjectKind::ALL.into_iter().find(|&k| self.has(k, t[1].text));
                match kind {
                    Some(kind) => Instr::Destroy { kind, id: self.object(&t[1], kind)? },
                    // Collecting names: the object may be named by a program read later.
                    None if self.collecting => Instr::Destroy { kind: ObjectKind::Mutex, id: usize::MAX },
                    None => {
                        return self.err(
                            t[1].column,
                            format!(
                                "no object `{}` in this process: `destroy` names a mutex, spin lock, condition variable, \
                                 read-write lock, semaphore or barrier that its programs use",
                                t[1].text
                            ),
                        );
                    }
                }
            }
            "barrier" => Instr::Barrier { barrier: self.object(&t[1], ObjectKind::Barrier)? },
            "sem_wait" => Instr::SemWait { sem: self.object(&t[1], ObjectKind::Semaphore)? },
            "sem_post" => Instr::SemPost { sem: self.object(&t[1], ObjectKind::Semaphore)? },
            "unlock" => Instr::Unlock { mutex: self.mutex(&t[1])? },
            "loop" => {
                let count = match t[1].text.parse::<u32>() {
                    Ok(n) => n,
                    Err(_) => {
                        return self.err(
                            t[1].column,
                            format!("loop count `{}` is not a whole number from 0 to {}", t[1].text, u32::MAX),
                        );
                    }
                };
                self.open.push((self.instrs.len(), self.line));
                Instr::Loop { count, end: usize::MAX } // patched at `end`
            }
            "end" => {
                let Some((start, _)) = self.open.pop() else {
                    return self.err(t[0].column, "`end` without a `loop`");
                };
                let here = self.instrs.len();
                if let Instr::Loop { end, .. } = &mut self.instrs[start] {
                    *end = here;
                }
                Instr::End { start }
            }
            "faa" => {
                let (reg, var) = (self.reg(&t[1])?, self.var(&t[2])?);
                Instr::FetchAdd { reg, var, add: self.operand(&t[3])? }
            }
            "xchg" => Instr::Xchg { reg: self.reg(&t[1])?, var: self.var(&t[2])? },
            "cas" => Instr::Cas { var: self.var(&t[1])?, expected: self.reg(&t[2])?, new: self.reg(&t[3])? },
            "jmp" => Instr::Jump { target: self.jump_to(&op, &t[1])? },
            "cmp" => Instr::Cmp { a: self.reg(&t[1])?, b: self.value(&t[2])? },
            "create" => Instr::Create { reg: self.reg(&t[1])?, program: self.program_for("create", &t[2])?, ticks: 0 },
            "join" => Instr::Join { reg: self.reg(&t[1])? },
            "fork" => Instr::Fork { reg: self.reg(&t[1])?, ticks: 0 },
            "spawn" => Instr::Spawn { reg: self.reg(&t[1])?, program: self.program_for("spawn", &t[2])?, ticks: 0 },
            "wait" => Instr::Wait { reg: self.reg(&t[1])? },
            "send" => {
                Instr::Send { ch: self.object(&t[1], ObjectKind::Channel)?, value: self.operand(&t[2])?, ticks: 0 }
            }
            "recv" => Instr::Recv { reg: self.reg(&t[1])?, ch: self.object(&t[2], ObjectKind::Channel)?, ticks: 0 },
            _ => match test {
                Some(test) if flag_form => Instr::BranchFlags { test, target: self.jump_to(&op, &t[1])? },
                Some(test) => Instr::Branch {
                    test,
                    a: self.reg(&t[1])?,
                    b: self.value(&t[2])?,
                    target: self.jump_to(&op, &t[3])?,
                },
                None => unreachable!("`{op}` is in INSTRUCTIONS and parsed above"),
            },
        })
    }

    /// The indices of the loops open at this line, outermost first.
    fn loop_path(&self) -> Vec<usize> {
        self.open.iter().map(|&(pc, _)| pc).collect()
    }

    /// A label line: `name:` alone.
    fn label(&mut self, t: &[Token<'_>], code: &str) -> Result<(), ProgramError> {
        let name = t[0].text.strip_suffix(':').unwrap_or(t[0].text);
        if !is_name(name) {
            return self.err(
                t[0].column,
                format!(
                    "`{}` is not a label: a label is a name (letters, digits and _, not starting with a digit) and `:`",
                    t[0].text
                ),
            );
        }
        if t.len() > 1 {
            let rest: String = code.chars().skip(t[1].column as usize - 1).collect();
            return self.err(
                t[1].column,
                format!("a label stands on a line of its own: put `{}` on the next line", rest.trim()),
            );
        }
        if let Some(first) = self.labels.iter().find(|l| l.name == name) {
            return self.err(t[0].column, format!("label `{name}` is already defined on line {}", first.line));
        }
        let loops = self.loop_path();
        self.labels.push(LabelDef { name: name.to_string(), target: self.instrs.len(), line: self.line, loops });
        Ok(())
    }

    /// A jump's label operand, looked up when the program has been read; the target returned is
    /// a placeholder until then.
    fn jump_to(&mut self, mnemonic: &str, t: &Token<'_>) -> Result<usize, ProgramError> {
        if !is_name(t.text) {
            let hint = if t.text.ends_with(':') { ": write the label's name without its `:`" } else { "" };
            return self.err(
                t.column,
                format!("`{}` is not a label name (letters, digits and _, not starting with a digit){hint}", t.text),
            );
        }
        let loops = self.loop_path();
        self.jumps.push(PendingJump {
            pc: self.instrs.len(),
            mnemonic: mnemonic.to_string(),
            name: t.text.to_string(),
            line: self.line,
            column: t.column,
            loops,
        });
        Ok(usize::MAX)
    }

    /// Points every jump at its label. Errors: a label that does not exist, or one in another
    /// loop body than its jump.
    fn resolve_jumps(&mut self) -> Result<(), ProgramError> {
        for j in &self.jumps {
            let at = |message: String| Err(ProgramError { line: j.line, column: j.column, message });
            let Some(label) = self.labels.iter().find(|l| l.name == j.name) else {
                let names: Vec<&str> = self.labels.iter().map(|l| l.name.as_str()).collect();
                let guess = names.iter().find(|n| close_enough(&j.name, n)).map(|n| format!(": did you mean `{n}`?"));
                return at(match (guess, names.is_empty()) {
                    (Some(guess), _) => format!("no label `{}` in this program{guess}", j.name),
                    (None, true) => format!(
                        "no label `{}` in this program: write `{}:` on a line of its own where `{}` should go",
                        j.name, j.name, j.mnemonic
                    ),
                    (None, false) => {
                        format!("no label `{}` in this program (its labels: {})", j.name, names.join(", "))
                    }
                });
            };
            if label.loops != j.loops {
                let shared = label.loops.iter().zip(&j.loops).take_while(|(a, b)| a == b).count();
                let rule = "a jump may not enter or leave a `loop` body";
                return at(match j.loops.get(shared) {
                    Some(&inner) => format!(
                        "`{} {}` would jump out of the `loop` of line {}: {rule} (to leave early, build the loop from \
                         a label and a conditional jump instead)",
                        j.mnemonic, j.name, self.lines[inner]
                    ),
                    None => format!(
                        "`{} {}` would jump into the `loop` of line {} from outside it: {rule}",
                        j.mnemonic, j.name, self.lines[label.loops[shared]]
                    ),
                });
            }
            match &mut self.instrs[j.pc] {
                Instr::Jump { target } | Instr::Branch { target, .. } | Instr::BranchFlags { target, .. } => {
                    *target = label.target;
                }
                // Not `{other:?}`: that would link `Instr`'s `Debug` into the reader worker.
                _ => unreachable!("a pending jump is at a jump or a branch"),
            }
        }
        Ok(())
    }

    /// A duration of at least `min` ticks: `N` or `A..B`.
    fn span(&self, t: &Token<'_>, min: Ticks) -> Result<Span, ProgramError> {
        let num = |s: &str| s.parse::<Ticks>().ok().filter(|&n| n >= min);
        let bad = || {
            self.err(
                t.column,
                format!("`{}` is not a duration: write a whole number of µs ≥ {min}, or a range like 5..15", t.text),
            )
        };
        match t.text.split_once("..") {
            None => num(t.text).map(Span::Fixed).map_or_else(bad, Ok),
            Some((lo, hi)) => match (num(lo), num(hi)) {
                (Some(lo), Some(hi)) if lo <= hi => Ok(Span::Range(lo, hi)),
                (Some(_), Some(_)) => self
                    .err(t.column, format!("range `{}` is empty: the lower bound must not exceed the upper", t.text)),
                _ => bad(),
            },
        }
    }

    /// A `$name` operand's value as text (`None`: not a `$` operand). Error: no such param (the
    /// error lists the scenario's params).
    fn param(&self, t: &Token<'_>) -> Result<Option<String>, ProgramError> {
        let Some(name) = t.text.strip_prefix('$') else { return Ok(None) };
        if let Some((_, v)) = self.symbols.params.iter().find(|(n, _)| n == name) {
            return Ok(Some(v.to_string()));
        }
        let names: Vec<&str> = self.symbols.params.iter().map(|(n, _)| n.as_str()).collect();
        let declared =
            if names.is_empty() { " declares no `params`".into() } else { format!("'s params: {}", names.join(", ")) };
        self.err(t.column, format!("unknown param `{}` (the scenario{declared})", t.text))
    }

    fn reg(&self, t: &Token<'_>) -> Result<Reg, ProgramError> {
        let n = t.text.strip_prefix(['r', 'R']).and_then(|d| d.parse::<usize>().ok());
        match n {
            Some(n) if n < REGISTER_COUNT => Ok(n as Reg),
            _ => self.err(t.column, format!("`{}` is not a register (r0 to r{})", t.text, REGISTER_COUNT - 1)),
        }
    }

    /// A number or a register (`add`'s and `faa`'s last operand).
    fn operand(&self, t: &Token<'_>) -> Result<Operand, ProgramError> {
        if t.text.starts_with(['r', 'R']) { self.reg(t).map(Operand::Reg) } else { self.int(t).map(Operand::Imm) }
    }

    /// A compared value: a register (`r0`), a number, or a variable.
    fn value(&self, t: &Token<'_>) -> Result<Value, ProgramError> {
        let digits = |d: &str| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit());
        if t.text.strip_prefix(['r', 'R']).is_some_and(digits) {
            return self.reg(t).map(Value::Reg);
        }
        if t.text.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+') {
            return self.int(t).map(Value::Imm);
        }
        self.var(t).map(Value::Var)
    }

    fn int(&self, t: &Token<'_>) -> Result<i64, ProgramError> {
        t.text.parse::<i64>().map_or_else(|_| self.err(t.column, format!("`{}` is not an integer", t.text)), Ok)
    }

    fn var(&self, t: &Token<'_>) -> Result<VarId, ProgramError> {
        match self.symbols.variables.iter().position(|v| v == t.text) {
            Some(i) => Ok(i),
            None if self.symbols.variables.is_empty() => {
                self.err(t.column, format!("unknown variable `{}`: this process declares no variables", t.text))
            }
            None => self.err(
                t.column,
                format!("unknown variable `{}` (this process declares: {})", t.text, self.symbols.variables.join(", ")),
            ),
        }
    }

    /// `create`'s or `spawn`'s (`op`) program operand: one of the process's named programs.
    fn program_for(&self, op: &str, t: &Token<'_>) -> Result<ProgramId, ProgramError> {
        let names = &self.objects.programs;
        if let Some(id) = names.iter().position(|n| n == t.text) {
            return Ok(id);
        }
        let declared = match names.len() {
            0 => "it has none".to_string(),
            _ => format!("it has {}", names.join(", ")),
        };
        let run_by = match op {
            "create" => ", run by a thread declared with \"start\": \"created\"",
            _ => "",
        };
        self.err(
            t.column,
            format!(
                "no program `{}` in this process: `{op}` names one of the process's `programs`{run_by} ({declared})",
                t.text
            ),
        )
    }

    fn mutex(&mut self, t: &Token<'_>) -> Result<MutexId, ProgramError> {
        self.object(t, ObjectKind::Mutex)
    }

    /// Whether the process has an object of `kind` named `name`.
    fn has(&self, kind: ObjectKind, name: &str) -> bool {
        let table = match kind {
            ObjectKind::Mutex => Some(&*self.symbols.mutexes),
            _ => self.objects.table(kind),
        };
        table.is_some_and(|t| t.iter().any(|n| n == name))
    }

    /// The id of the object of `kind` named by `t`. Kinds declared by use get a new id for a new
    /// name; semaphores and barriers must be declared. Errors: not a name, a name that is
    /// another kind of object, an undeclared semaphore or barrier.
    fn object(&mut self, t: &Token<'_>, kind: ObjectKind) -> Result<usize, ProgramError> {
        let name = t.text;
        if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return self.err(t.column, format!("`{name}` is not a {} name (letters, digits and _)", kind.word()));
        }
        if let Some(other) = ObjectKind::ALL.into_iter().find(|&k| k != kind && self.has(k, name)) {
            return self.err(
                t.column,
                format!(
                    "`{name}` is a {} in this process, not a {}: give the {} a name of its own",
                    other.word(),
                    kind.word(),
                    kind.word()
                ),
            );
        }
        let table = match kind {
            ObjectKind::Mutex => &mut *self.symbols.mutexes,
            _ => self.objects.table_mut(kind).expect("a table for every kind but mutexes"),
        };
        if let Some(id) = table.iter().position(|n| n == name) {
            return Ok(id);
        }
        if let Some(field) = kind.declared_in() {
            let declared = match table.len() {
                0 => "it declares none".to_string(),
                _ => format!("it declares {}", table.join(", ")),
            };
            if kind == ObjectKind::Channel {
                return self.err(
                    t.column,
                    format!(
                        "unknown channel `{name}`: declare it in the scenario's `channels`, like \"channels\": {{ \"{name}\": {{ \"capacity\": 4 }} }} ({declared})"
                    ),
                );
            }
            let example = match kind {
                ObjectKind::Barrier => format!("\"barriers\": {{ \"{name}\": 3 }}"),
                _ => format!("\"semaphores\": {{ \"{name}\": {{ \"initial\": 1 }} }}"),
            };
            return self.err(
                t.column,
                format!(
                    "unknown {} `{name}`: declare it in the process's `{field}`, like {example} ({declared})",
                    kind.word()
                ),
            );
        }
        table.push(name.to_string());
        Ok(table.len() - 1)
    }
}
