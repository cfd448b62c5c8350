//! The explorer's machine: every thread's execution context, the processes' variables and
//! synchronisation objects, advanced one thread's step at a time on one CPU, with the kernel's
//! own interpreter ([`crate::model::interpreter`]) so an instruction means here what it means in
//! a run. No clock: the explorer is about the order of steps, not their times.
//!
//! A **step** is what the scripted policy runs for one turn of a thread
//! ([`crate::model::scheduler::scripted`]): the free instructions at its PC (`loop`, `end`,
//! `exit`), its next costly instruction (1 tick, or N for `compute N`), and the free ones after
//! it, up to its next costly instruction; or, when only free instructions are left before it
//! ends, just those (a turn of no tick). A blocked thread takes no step until woken; a woken
//! thread's blocking instruction completes (PC + 1) unless its wait says otherwise, as in the
//! kernel ([`WaitReason::completes_on_wake`]). A `"start": "created"` thread takes no step
//! until a `create` starts it.

use std::fmt::Write;

use crate::model::interpreter::{self, Context, Flow, ProcessState};
use crate::model::ipc::Mirrors;
use crate::model::memory::Cell;
use crate::model::outcome::{self, Outcome};
use crate::model::program::{Instr, Span, Value};
use crate::model::sync::{Channel, ProcessSync};
use crate::model::system::System;
use crate::model::wait::{Wait, WaitReason};
use crate::model::{ThreadId, Ticks};

/// Where a thread stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// A `"start": "created"` slot no `create` has started.
    NotStarted,
    /// It can take a step.
    Ready,
    /// It waits for this.
    Blocked(WaitReason),
    /// It has terminated.
    Done,
}

#[derive(Clone, Debug)]
struct Runner {
    ctx: Context,
    status: Status,
}

/// The state of every thread and process at one point of an interleaving.
#[derive(Clone, Debug)]
pub(super) struct Machine {
    threads: Vec<Runner>,
    /// `memory[pid][var]`.
    memory: Vec<Vec<Cell>>,
    /// `sync[pid]`.
    sync: Vec<ProcessSync>,
    /// The scenario's channels.
    channels: Vec<Channel>,
    /// Which variables and mutexes are shared between processes (segments).
    mirrors: Mirrors,
    /// `cells[pid]`: numbered cells (x86.py's memory).
    cells: Vec<crate::model::x86::Cells>,
}

/// What one step did.
pub(super) struct Step {
    /// CPU ticks it took (0 for a turn of only free instructions).
    pub ticks: Ticks,
    /// The run stops here: the step's instruction was a runtime error.
    pub fault: Option<Outcome>,
}

/// A fixed length (the explorer refuses `compute A..B` and `io` before it starts).
fn fixed(span: Span) -> Ticks {
    match span {
        Span::Fixed(n) | Span::Range(n, _) => n,
    }
}

/// Whether `instr` reads and writes only its own thread's registers, flags and PC: no variable,
/// no synchronisation object.
fn is_local(instr: &Instr) -> bool {
    match instr {
        Instr::Compute { .. } | Instr::Add { .. } | Instr::Set { .. } | Instr::Jump { .. } => true,
        Instr::BranchFlags { .. } | Instr::Loop { .. } | Instr::End { .. } => true,
        // An exit may wake a thread joining this one, but that joiner then takes the same exit
        // value as if the exit had come first: running the exit first loses no final state.
        Instr::Exit { .. } => true,
        Instr::Branch { b, .. } | Instr::Cmp { b, .. } => !matches!(b, Value::Var(_)),
        _ => false,
    }
}

impl Machine {
    /// Every thread at the start of its program, every variable at its initial value, every
    /// synchronisation object at its start.
    pub fn new(sys: &System) -> Self {
        Machine {
            threads: (sys.threads.iter())
                .map(|t| Runner {
                    ctx: Context::start(&sys.programs[t.program]),
                    status: if t.created { Status::NotStarted } else { Status::Ready },
                })
                .collect(),
            memory: sys.processes.iter().map(|p| p.space.initial.iter().map(|&v| Cell::new(v)).collect()).collect(),
            sync: sys.processes.iter().map(ProcessSync::new).collect(),
            channels: crate::model::ipc::channels(&sys.sharing),
            mirrors: Mirrors::new(
                &sys.sharing,
                &sys.processes.iter().map(|p| p.space.variables.len()).collect::<Vec<_>>(),
                &sys.processes.iter().map(|p| p.mutexes.len()).collect::<Vec<_>>(),
            ),
            cells: vec![Default::default(); sys.processes.len()],
        }
    }

    /// The threads that can take a step, by tid.
    pub fn ready(&self) -> impl Iterator<Item = ThreadId> + '_ {
        (self.threads.iter().enumerate()).filter(|(_, t)| t.status == Status::Ready).map(|(tid, _)| tid)
    }

    /// Whether `tid`'s next step touches nothing another thread can see or change (no variable,
    /// no synchronisation object): such a step commutes with every step of every other thread.
    pub fn next_step_is_local(&mut self, sys: &System, tid: ThreadId) -> bool {
        self.next_step(sys, tid).is_none_or(|(_, instr)| is_local(&instr))
    }

    /// The PC of the instruction `tid`'s next step executes (after the free instructions at its
    /// PC, as [`Machine::next_step_is_local`] finds it); `None` when only free instructions are
    /// left before it ends.
    pub fn next_pc(&mut self, sys: &System, tid: ThreadId) -> Option<usize> {
        self.next_step(sys, tid).map(|(pc, _)| pc)
    }

    /// The instruction `tid`'s next step executes, and its PC: the first that costs time or is
    /// not local, found by running the free instructions at the PC on a copy of the context
    /// (they touch neither memory nor objects); `None` when the thread ends first.
    fn next_step(&mut self, sys: &System, tid: ThreadId) -> Option<(usize, Instr)> {
        let program = sys.program_of(tid);
        let pid = sys.threads[tid].pid;
        let mut ctx = self.threads[tid].ctx.clone();
        loop {
            let &instr = program.instrs.get(ctx.pc)?;
            if interpreter::cost(&instr, &mut |s| fixed(s)) > 0 || !is_local(&instr) {
                return Some((ctx.pc, instr));
            }
            let proc = ProcessState {
                pid,
                memory: &mut self.memory,
                sync: &mut self.sync,
                channels: &mut self.channels,
                cells: &mut self.cells,
            };
            match interpreter::execute(instr, tid, &mut ctx, proc, 0, &mut |s| fixed(s)).flow {
                Flow::Next(pc) => ctx.pc = pc,
                _ => return None, // exit
            }
        }
    }

    /// Where `tid` stands, in words: `ready`, `blocked`, `finished` or `not started`.
    pub fn status_word(&self, tid: ThreadId) -> &'static str {
        match self.threads[tid].status {
            Status::NotStarted => "not started",
            Status::Ready => "ready",
            Status::Blocked(_) => "blocked",
            Status::Done => "finished",
        }
    }

    /// `tid`'s registers.
    pub fn registers(&self, tid: ThreadId) -> &[i64] {
        &self.threads[tid].ctx.regs
    }

    /// Runs `tid`'s next step (it must be ready).
    pub fn step(&mut self, sys: &System, tid: ThreadId) -> Step {
        let program = sys.program_of(tid);
        let pid = sys.threads[tid].pid;
        let mut ticks = 0;
        let mut costly_done = false;
        loop {
            let t = &mut self.threads[tid];
            let Some(&instr) = program.instrs.get(t.ctx.pc) else {
                self.exit(pid, tid, 0);
                break;
            };
            let cost = interpreter::cost(&instr, &mut |s| fixed(s));
            if cost > 0 && costly_done {
                break;
            }
            let pc = t.ctx.pc;
            let proc = ProcessState {
                pid,
                memory: &mut self.memory,
                sync: &mut self.sync,
                channels: &mut self.channels,
                cells: &mut self.cells,
            };
            let effect = interpreter::execute(instr, tid, &mut t.ctx, proc, 0, &mut |s| fixed(s));
            if self.mirrors.maps(pid) {
                self.mirrors.propagate(&sys.sharing, pid, tid, &instr, &mut self.memory, &mut self.sync);
            }
            if cost > 0 {
                costly_done = true;
                ticks += cost;
            }
            if let Some(w) = effect.wake {
                self.wake(w);
                for w in std::mem::take(&mut self.sync[pid].woken) {
                    self.wake(w);
                }
            }
            let t = &mut self.threads[tid];
            match effect.flow {
                Flow::Next(next) => t.ctx.pc = next,
                Flow::Block(reason) => {
                    t.status = Status::Blocked(reason);
                    break;
                }
                Flow::Create { next, child } => {
                    t.ctx.pc = next;
                    self.threads[child].status = Status::Ready;
                }
                Flow::Exit(value) => {
                    self.exit(pid, tid, value);
                    break;
                }
                Flow::Proc(_) => {
                    let message = "the explorer runs the threads of the declared processes only: `fork`, `spawn` and \
                                   `wait` create or wait for processes, so run this scenario instead"
                        .to_string();
                    let (thread, line) = (sys.thread_label(tid), program.lines[pc]);
                    let fault = Outcome::RuntimeError { time: 0, tid, thread, line, message };
                    return Step { ticks, fault: Some(fault) };
                }
                Flow::Fault(fault) => {
                    let message = fault.message(sys, pid);
                    let (thread, line) = (sys.thread_label(tid), program.lines[pc]);
                    let fault = Outcome::RuntimeError { time: 0, tid, thread, line, message };
                    return Step { ticks, fault: Some(fault) };
                }
            }
        }
        // Spinning is accounted per thread; the explorer keeps no accounts, so a failed attempt
        // leaves the state as it was (and the search sees that it went nowhere).
        self.sync[pid].spins.clear();
        Step { ticks, fault: None }
    }

    /// `tid`, of process `pid`, terminates with `value`, waking a thread that joins it, as the
    /// kernel does.
    fn exit(&mut self, pid: usize, tid: ThreadId, value: i64) {
        self.threads[tid].status = Status::Done;
        if let Some(joiner) = self.sync[pid].lives.exit(tid, value) {
            self.wake(joiner);
        }
    }

    /// `tid`'s wait ends, as the kernel ends it.
    fn wake(&mut self, tid: ThreadId) {
        let t = &mut self.threads[tid];
        if let Status::Blocked(reason) = t.status {
            if reason.completes_on_wake() {
                t.ctx.pc += 1;
            }
            t.status = Status::Ready;
        }
    }

    /// How the run ends when no thread is ready: every thread done, or a deadlock (reported as
    /// the kernel reports one, at `time` ticks).
    pub fn end(&self, sys: &System, time: Ticks) -> Outcome {
        if self.threads.iter().all(|t| matches!(t.status, Status::Done | Status::NotStarted)) {
            return Outcome::Completed;
        }
        let waits: Vec<Option<Wait>> = (self.threads.iter())
            .map(|t| match t.status {
                Status::Blocked(reason) => Some(Wait { reason, since: 0 }),
                _ => None,
            })
            .collect();
        let done = |tid: ThreadId| self.threads[tid].status == Status::Done;
        outcome::deadlock(sys, time, &waits, &done, &self.sync, &|_| Vec::new())
    }

    /// Every variable's value, processes in pid order, each's variables in name order.
    pub fn values(&self) -> Vec<i64> {
        self.memory.iter().flatten().map(|c| c.value).collect()
    }

    /// The x86.py cells written, process by process and by address: `(pid, address, cell)`,
    /// the cell with its lineage (for the lost updates of a schedule being built).
    pub fn cells(&self) -> Vec<(usize, i64, Cell)> {
        (self.cells.iter().enumerate())
            .flat_map(|(pid, cells)| cells.written_cells().map(move |(addr, cell)| (pid, addr, cell)))
            .collect()
    }

    /// Appends the x86.py cells holding a value other than 0 (a cell never written holds 0),
    /// process by process: their count, then each one's address and value, by address. Two
    /// machines with the same cells append the same numbers.
    pub fn cell_values(&self, out: &mut Vec<i64>) {
        for cells in &self.cells {
            let at = out.len();
            out.push(0);
            for (addr, value) in cells.written().filter(|&(_, v)| v != 0) {
                out.extend([addr, value]);
                out[at] += 1;
            }
        }
    }

    /// Writes what determines everything the machine can still do, and nothing else (not where
    /// values came from, nor write counts, which only the lost-update report reads), so two
    /// interleavings that reach the same state write the same key.
    pub fn key(&self, out: &mut String) {
        out.clear();
        for t in &self.threads {
            let c = &t.ctx;
            let _ = write!(out, "{}{:?}{:?}{:?}{:?};", c.pc, c.regs, c.loops, c.flags, t.status);
        }
        for v in self.memory.iter().flatten() {
            let _ = write!(out, "{},", v.value);
        }
        for cells in &self.cells {
            for (addr, value) in cells.written().filter(|&(_, v)| v != 0) {
                let _ = write!(out, "{addr}={value},");
            }
            out.push('|');
        }
        for s in &self.sync {
            let _ = write!(out, "{s:?}");
        }
        for c in &self.channels {
            let _ = write!(out, "{c:?}");
        }
    }
}
