//! What a code view shows of a thread: its program as its author wrote it (comments kept), and
//! where it is at an instant: its PC, since when, and the round of each loop it is in.
//!
//! Read from the scenario and the trace only (no simulation), like [`super::trace::Trace::snapshot`].

use super::program::{Instr, Program};
use super::scenario::Scenario;
use super::system::System;
use super::trace::{Trace, What};
use super::{ThreadId, Ticks};

/// The program thread `tid` runs, as written in the scenario: one string per source line, so
/// line N (1-based, as in [`super::program::Program::lines`]) is `source[N - 1]`, but for an
/// x86.py program's last line, its assembled form, left out ([`super::x86::assembled::shown_lines`]). Also names
/// the program: `Some(name)` for a named program of the process (`programs.NAME`), `None` for
/// the thread's own `code`.
pub fn source_of(scenario: &Scenario, sys: &System, tid: ThreadId) -> (Option<String>, Vec<String>) {
    let t = &sys.threads[tid];
    let j = sys.processes[t.pid].threads.iter().position(|&x| x == tid).unwrap_or(0);
    let spec = &scenario.processes[t.pid];
    let thread = &spec.threads[j];
    let (name, text) = match (&thread.code, &thread.program) {
        (Some(code), _) => (None, Some(code)),
        (None, Some(name)) => (Some(name.clone()), spec.programs.get(name)),
        (None, None) => (None, None),
    };
    let lines = text.map(|t| super::x86::assembled::shown_lines(&t.text()).map(str::to_string).collect());
    let lines = lines.unwrap_or_default();
    (name, lines)
}

/// One open loop of a thread: which, and which round it is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoopRound {
    /// Index (PC) of the `loop` instruction.
    pub pc: usize,
    /// The round being run, from 1.
    pub round: u32,
    /// How many rounds the loop runs.
    pub count: u32,
}

/// Where thread `tid` is at the end of instant `time` (ticks).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Whereabouts {
    /// When its PC last moved (ticks); `None` if it has not moved yet. A failed `spin_lock`
    /// attempt records its PC unchanged: that is no move.
    pub pc_since: Option<Ticks>,
    /// Its open loops, outermost first.
    pub loops: Vec<LoopRound>,
}

/// Follows thread `tid`'s PC through the trace up to `time` (ticks): when it last moved, and
/// the round of every loop it is in. Every executed instruction, `loop` and `end` included,
/// records the PC it moves to, so a move from `loop` into its body starts round 1 and a move
/// from `end` back to the body's first line starts the next round (the interpreter's rules).
/// One pass over the events up to `time`; [`super::replay::Checkpoints`] answers the same in a
/// bounded number of steps.
pub fn whereabouts(trace: &Trace, sys: &System, tid: ThreadId, time: Ticks) -> Whereabouts {
    let upto = trace.events.partition_point(|e| e.time <= time);
    let mut fold = PcFold::default();
    fold.advance(trace, sys, tid, 0, upto);
    fold.place
}

/// [`whereabouts`] as a fold over a thread's PC moves, to resume from (a checkpoint).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PcFold {
    /// The thread's PC after the moves folded in.
    pc: usize,
    /// Where it is after them.
    pub place: Whereabouts,
}

impl PcFold {
    /// Folds in thread `tid`'s PC moves among `trace.events[from..upto]`.
    pub fn advance(&mut self, trace: &Trace, sys: &System, tid: ThreadId, from: usize, upto: usize) {
        let prog = sys.program_of(tid);
        for e in trace.events.get(from..upto).unwrap_or_default() {
            if let What::Pc { tid: t, pc: next } = e.what
                && t == tid
            {
                self.step(prog, e.time, next);
            }
        }
    }

    /// Folds in one move of the thread's PC to `next`, at `time` (ticks), in its program `prog`.
    /// A PC recorded unchanged (a failed `spin_lock` attempt) is no move.
    pub fn step(&mut self, prog: &Program, time: Ticks, next: usize) {
        let (pc, out) = (self.pc, &mut self.place);
        if next == pc {
            return;
        }
        match prog.instrs.get(pc) {
            Some(&Instr::Loop { count, .. }) if next == pc + 1 => {
                out.loops.push(LoopRound { pc, round: 1, count });
            }
            Some(&Instr::End { start }) => {
                if next == start + 1 {
                    if let Some(l) = out.loops.last_mut() {
                        l.round += 1;
                    }
                } else {
                    out.loops.pop();
                }
            }
            _ => {}
        }
        self.pc = next;
        out.pc_since = Some(time);
    }
}
