//! A thread's next CPU burst: the CPU time it needs before it next blocks or exits, found by
//! walking its program ahead of the PC. SJF and SRTF schedule by it, as the textbooks'
//! exercises do (OSTEP ch. 7 assumes each job's run time is known).
//!
//! The walk treats `lock` as not blocking (it cannot know), follows `jmp`, takes no conditional
//! jump (it does not run the program, so it cannot know the values compared), and stops at `io`
//! or `exit`. A
//! `compute A..B` on the way is drawn now and the draw is kept, so the instruction later runs
//! for exactly the time the scheduler was told. Walks stop after [`BURST_LOOKAHEAD`]
//! instructions: a longer burst counts as the time of its first instructions.

use std::collections::VecDeque;

use super::Ticks;
use super::interpreter::Context;
use super::program::{Instr, Program, Span};

/// Most instructions one walk looks at.
pub const BURST_LOOKAHEAD: usize = 100_000;

/// The next CPU burst, in ticks, of a thread at `ctx` in `program`, with `op_left` ticks left of
/// the instruction in progress (0: none started). Draws for `compute A..B` come from `predrawn`
/// (draws made by earlier walks, oldest first), then from `draw`, whose values are appended.
pub(crate) fn next_burst(
    program: &Program,
    ctx: &Context,
    op_left: Ticks,
    predrawn: &mut VecDeque<Ticks>,
    draw: &mut impl FnMut(Span) -> Ticks,
) -> Ticks {
    let mut pc = ctx.pc;
    let mut loops = ctx.loops.clone();
    let mut total: Ticks = 0;
    let mut used = 0; // predrawn values read so far
    if op_left > 0 {
        total += op_left;
        pc += 1;
    }
    for _ in 0..BURST_LOOKAHEAD {
        let Some(&instr) = program.instrs.get(pc) else { break };
        match instr {
            Instr::Exit { .. } | Instr::Io { .. } => break,
            Instr::Compute { span: Span::Fixed(n) } => {
                total += n;
                pc += 1;
            }
            Instr::Compute { span } => {
                if used == predrawn.len() {
                    predrawn.push_back(draw(span));
                }
                total += predrawn[used];
                used += 1;
                pc += 1;
            }
            Instr::Jump { target } => {
                total += instr.fixed_cost();
                pc = target;
            }
            Instr::Loop { count: 0, end } => pc = end + 1,
            Instr::Loop { count, .. } => {
                loops.push(count);
                pc += 1;
            }
            Instr::End { start } => {
                let left = loops.last_mut().expect("end inside a loop");
                *left -= 1;
                if *left > 0 {
                    pc = start + 1;
                } else {
                    loops.pop();
                    pc += 1;
                }
            }
            other => {
                total += other.fixed_cost();
                pc += 1;
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::program::{Symbols, parse};

    fn program(text: &str) -> Program {
        let mut mutexes = Vec::new();
        parse(text, Symbols { variables: &[], mutexes: &mut mutexes, params: &[] }).unwrap()
    }

    #[test]
    fn a_burst_ends_at_io_and_counts_loops() {
        let p = program("compute 3\nloop 2\ncompute 2\nlock m\nunlock m\nend\nio 5\ncompute 7");
        let ctx = Context::default();
        let mut q = VecDeque::new();
        assert_eq!(next_burst(&p, &ctx, 0, &mut q, &mut |_| unreachable!()), 3 + 2 * (2 + 1 + 1));
        // Mid-way through the first compute, 1 tick left.
        assert_eq!(next_burst(&p, &ctx, 1, &mut q, &mut |_| unreachable!()), 1 + 8);
        // After the I/O: the last compute, then the end of the program.
        let after_io = Context { pc: 7, ..Context::default() };
        assert_eq!(next_burst(&p, &after_io, 0, &mut q, &mut |_| unreachable!()), 7);
    }

    /// `jmp` is followed (1 tick); a conditional jump is assumed not taken (1 tick).
    #[test]
    fn a_burst_follows_jumps() {
        let p = program("compute 2\njmp skip\ncompute 50\nskip:\njeq r0, 0, skip2\ncompute 3\nskip2:\nio 1");
        let mut q = VecDeque::new();
        assert_eq!(next_burst(&p, &Context::default(), 0, &mut q, &mut |_| unreachable!()), 2 + 1 + 1 + 3);
    }

    #[test]
    fn random_lengths_are_drawn_once_and_kept() {
        let p = program("compute 1..9\ncompute 1..9\nio 1");
        let ctx = Context::default();
        let mut q = VecDeque::new();
        let mut draws = [4, 6, 100].into_iter();
        assert_eq!(next_burst(&p, &ctx, 0, &mut q, &mut |_| draws.next().unwrap()), 10);
        assert_eq!(q, [4, 6]);
        // A second walk reuses the kept draws.
        assert_eq!(next_burst(&p, &ctx, 0, &mut q, &mut |_| unreachable!()), 10);
    }
}
