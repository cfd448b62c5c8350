//! Labels, jumps and `cmp`: how they parse, where a bad one is reported, and what they cost,
//! with hand-worked timings (every jump and `cmp` takes 1 tick, like `add`).

mod common;
use common::*;
use threadlab::model::Outcome;
use threadlab::model::program::{Flags, Instr, Symbols, Test, Value, parse};
use threadlab::model::scenario::{Policy, ProcessSpec};

fn p(src: &str) -> Result<Vec<Instr>, (u32, u32, String)> {
    let vars = vec!["flag".to_string()];
    let mut mutexes = Vec::new();
    parse(src, Symbols { variables: &vars, mutexes: &mut mutexes, params: &[] })
        .map(|p| p.instrs)
        .map_err(|e| (e.line, e.column, e.message))
}

/// The registers and flags of thread `tid` when the run ended.
fn final_state(s: &threadlab::model::Scenario, tid: usize) -> ([i64; 8], Flags) {
    let (sys, r) = run(s);
    let trace = r.trace.unwrap();
    let end = trace.end_time();
    let snap = trace.snapshot(&sys, s.machine.cpus as usize, end);
    (snap.threads[tid].registers, snap.threads[tid].flags)
}

#[test]
fn labels_name_the_next_instruction_forward_and_backward() {
    // Instructions: 0 set, 1 add, 2 jgt → label `top` (index 1); 3 jmp → `done` (index 4, the end).
    let instrs = p("set r0, 3\ntop:\n  add r0, -1\n  jgt r0, 0, top\njmp done\ndone:").unwrap();
    assert_eq!(instrs[2], Instr::Branch { test: Test::Gt, a: 0, b: Value::Imm(0), target: 1 });
    assert_eq!(instrs[3], Instr::Jump { target: 4 });
    assert_eq!(instrs.len(), 4);
    // A register, a variable, and the flag form (only a label).
    let instrs = p("x:\njne r1, r2, x\njle r1, flag, x\ncmp r3, flag\njge x").unwrap();
    assert_eq!(instrs[0], Instr::Branch { test: Test::Ne, a: 1, b: Value::Reg(2), target: 0 });
    assert_eq!(instrs[1], Instr::Branch { test: Test::Le, a: 1, b: Value::Var(0), target: 0 });
    assert_eq!(instrs[2], Instr::Cmp { a: 3, b: Value::Var(0) });
    assert_eq!(instrs[3], Instr::BranchFlags { test: Test::Ge, target: 0 });
}

#[test]
fn a_jump_to_a_missing_label_is_located_at_the_label() {
    // `jmp done` on line 2: `done` starts at column 5.
    let (line, column, message) = p("compute 1\njmp done").unwrap_err();
    assert_eq!((line, column), (2, 5));
    assert_eq!(message, "no label `done` in this program: write `done:` on a line of its own where `jmp` should go");
    let (line, column, message) = p("top:\nstart:\njeq r0, 1, tp").unwrap_err();
    assert_eq!((line, column), (3, 12));
    assert_eq!(message, "no label `tp` in this program: did you mean `top`?");
    let (_, _, message) = p("top:\njeq r0, 1, elsewhere").unwrap_err();
    assert_eq!(message, "no label `elsewhere` in this program (its labels: top)");
}

#[test]
fn a_label_defined_twice_names_the_first() {
    let (line, column, message) = p("top:\ncompute 1\n  top:\njmp top").unwrap_err();
    assert_eq!((line, column), (3, 3));
    assert_eq!(message, "label `top` is already defined on line 1");
}

#[test]
fn a_label_stands_alone_and_is_a_name() {
    let (line, column, message) = p("top: compute 1, 2").unwrap_err();
    assert_eq!((line, column), (1, 6));
    assert_eq!(message, "a label stands on a line of its own: put `compute 1, 2` on the next line");
    let (_, column, message) = p("2go:").unwrap_err();
    assert_eq!(column, 1);
    assert!(message.starts_with("`2go:` is not a label"), "{message}");
    let (_, column, message) = p("top:\njmp top:").unwrap_err();
    assert_eq!(column, 5);
    assert!(message.ends_with("write the label's name without its `:`"), "{message}");
}

#[test]
fn a_jump_may_not_enter_or_leave_a_loop_body() {
    let (line, column, message) = p("loop 3\n  jmp out\nend\nout:").unwrap_err();
    assert_eq!((line, column), (2, 7));
    assert!(message.starts_with("`jmp out` would jump out of the `loop` of line 1: a jump may not enter"), "{message}");
    let (line, _, message) = p("jeq r0, 0, in\nloop 2\n  in:\n  compute 1\nend").unwrap_err();
    assert_eq!(line, 1);
    assert_eq!(
        message,
        "`jeq in` would jump into the `loop` of line 2 from outside it: a jump may not enter or leave a `loop` body"
    );
    // Staying inside the same loop is fine, also to its `end` (the next round) and back to its
    // first line; so is a jump to a `loop` line from outside it.
    assert!(p("loop 3\n  top:\n  jmp skip\n  jmp top\n  skip:\nend").is_ok());
    assert!(p("again:\nloop 2\n  compute 1\nend\njeq r0, 1, again").is_ok());
}

/// A countdown built from a label: `set` (1 tick), then three rounds of `add` and `jgt`
/// (2 ticks each): 1 + 3 × 2 = 7 ticks and 7 instructions; r0 ends at 0.
#[test]
fn a_loop_built_from_a_conditional_jump_takes_one_tick_per_jump() {
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "set r0, 3\ntop:\n  add r0, -1\n  jgt r0, 0, top")]);
    let (_, r) = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.metrics.threads[0].completion, Some(7));
    assert_eq!(r.metrics.steps, 7);
    assert_eq!(final_state(&s, 0).0[0], 0);
}

/// A jump to a label on the last line ends the thread; `jmp` inside a loop skips to its `end`.
/// Loop (0 ticks) + 3 rounds of `jmp` (1 tick) + `end` (0): 3 ticks; the `compute 10` never runs.
#[test]
fn jumps_skip_lines_inside_a_loop_and_to_the_end() {
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "loop 3\n  jmp next\n  compute 10\n  next:\nend")]);
    let (_, r) = run(&s);
    assert_eq!(r.metrics.threads[0].completion, Some(3));
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "jmp done\ncompute 10\ndone:")]);
    assert_eq!(run(&s).1.metrics.threads[0].completion, Some(1));
}

/// `cmp` sets the flags and a jump with only a label tests them; before any `cmp` they say
/// equal (registers start at 0, as `cmp r0, r0` would find).
#[test]
fn cmp_sets_the_flags_that_flag_jumps_test() {
    // 7 > 5: `jgt big` is taken, so r1 stays 0 and r2 is set.
    let code = "set r0, 7\ncmp r0, 5\njgt big\nset r1, 1\nbig:\nset r2, 2";
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, code)]);
    let (regs, flags) = final_state(&s, 0);
    assert_eq!((regs[1], regs[2], flags), (0, 2, Flags::Greater));
    // 7 < 9: `jge` not taken.
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "set r0, 7\ncmp r0, 9\njge big\nset r1, 1\nbig:")]);
    let (regs, flags) = final_state(&s, 0);
    assert_eq!((regs[1], flags), (1, Flags::Less));
    // No `cmp` yet: `jeq` is taken, `jne` is not.
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "jeq yes\nset r1, 1\nyes:\njne no\nset r2, 1\nno:")]);
    assert_eq!(&final_state(&s, 0).0[1..3], &[0, 1]);
}

fn flag_process(waiter: &str) -> ProcessSpec {
    let mut p = job("p", 0, "compute 5\nset r0, 1\nstore r0, flag");
    p.variables.insert("flag".into(), 0);
    p.threads.push(thread("waiter", waiter));
    p
}

/// A spin-wait on a variable reads memory at every jump. Two CPUs: the setter computes over
/// 0–5, `set` completes at 6, its `store` at 7. The waiter's `jeq r1, flag, wait` completes at
/// t=1, 2, …; at t=7 CPU 0's store applies first (events at one instant go in CPU order), so
/// the 7th jump reads 1 and falls through; `compute 1` ends it at 8 after 8 instructions.
#[test]
fn a_jump_on_a_variable_reads_memory_when_it_completes() {
    let s = scenario(2, Policy::Fcfs, None, vec![flag_process("wait:\n  jeq r1, flag, wait\ncompute 1")]);
    let (_, r) = run(&s);
    assert_eq!(r.metrics.threads[1].completion, Some(8));
    assert_eq!(r.metrics.threads[1].cpu_time, 8);
    // Setter: compute 5 + set + store = 7 instructions; waiter: 7 jumps + compute.
    assert_eq!(r.metrics.steps, 3 + 8);
}

/// The same wait on one CPU under FCFS never ends: the waiter spins while the setter waits for
/// the CPU. The step budget stops it.
#[test]
fn a_spin_wait_on_one_cpu_without_preemption_never_ends() {
    let mut p = flag_process("wait:\n  jeq r1, flag, wait");
    p.threads.swap(0, 1);
    let mut s = scenario(1, Policy::Fcfs, None, vec![p]);
    s.limits.max_steps = 1000;
    let (_, r) = run(&s);
    assert!(matches!(r.outcome, Outcome::BudgetExceeded { .. }), "{:?}", r.outcome);
}

/// A label line is not an instruction: the parser's line numbers skip it, so the code view's
/// line N is still source line N.
#[test]
fn label_lines_keep_the_source_line_numbers() {
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "set r0, 2\ntop:\n  add r0, -1\n  jgt r0, 0, top")]);
    let (sys, _) = run(&s);
    assert_eq!(sys.program_of(0).lines, vec![1, 3, 4]);
    let (_, lines) = threadlab::model::listing::source_of(&s, &sys, 0);
    assert_eq!(lines[1], "top:");
}
