//! `threadlab ostep x86`: OSTEP's threads-intro/x86.py and threads-locks/x86.py on the model.
//! Every row below is worked by hand from the rules in `../shared/OSTEP.md`: code at 1000, one
//! instruction per address; sp = 128000 − 1000 × tid; `test A, B` sets the flags of B against A;
//! after each instruction the countdown (`-i`) drops by one and at 0 the next live thread (by
//! tid, wrapping) runs with a new countdown; `halt` switches without a new countdown; rows show
//! the values after the instruction, and a switch row the incoming thread's registers.
//! `scripts/x86-compare.sh` compares the programs in tests/fixtures/x86 with the real x86.py.

use std::process::Command;

use threadlab::model::program::ProgramError;
use threadlab::model::x86::asm::{Dialect, assemble};
use threadlab::model::x86::{self, assembled};
use threadlab::ostep::x86::RowKind;
use threadlab::ostep::{self, Output};

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// Runs `x86` (or `threads-intro/x86.py`, …) with `flags` on `program`'s text; the text output.
fn run(sim: &str, program: &str, flags: &str) -> Result<String, String> {
    let mut words: Vec<String> = vec![sim.into()];
    words.extend(flags.split_whitespace().map(String::from));
    words.extend(["-p".into(), "prog.s".into(), "--program-text".into(), program.into()]);
    ostep::run_args(&words).map(|r| r.text).map_err(|e| e.to_string())
}

/// The rows after the header (and the blank line the locks version prints after it).
fn rows(sim: &str, program: &str, flags: &str) -> Vec<String> {
    let text = run(sim, program, flags).unwrap_or_else(|e| panic!("{flags}: {e}"));
    let lines: Vec<&str> = text.lines().collect();
    let header = lines.iter().position(|l| l.contains("Thread 0")).expect("a header");
    lines[header + 1..].iter().filter(|l| !l.is_empty()).map(|l| l.to_string()).collect()
}

/// A row's values, `%5d ` each, then two spaces after each traced group (x86.py's layout).
fn vals(mem: &[i64], regs: &[i64]) -> String {
    let mut s = String::new();
    for v in mem {
        s += &format!("{v:>5} ");
    }
    if !mem.is_empty() {
        s += "  ";
    }
    for v in regs {
        s += &format!("{v:>5} ");
    }
    if !regs.is_empty() {
        s += "  ";
    }
    s
}

fn instr(mem: &[i64], regs: &[i64], thread: usize, addr: u32, text: &str) -> String {
    format!("{}{}{addr} {text}", vals(mem, regs), " ".repeat(25 * thread))
}

fn switch(mem: &[i64], regs: &[i64], threads: usize, halt: bool) -> String {
    let cell = if halt { "----- Halt;Switch ----- " } else { "------ Interrupt ------ " };
    format!("{}{}", vals(mem, regs), format!("{cell} ").repeat(threads))
}

const COUNT_ONCE: &str = ".main\nmov 2000, %ax\nadd $1, %ax\nmov %ax, 2000\nhalt\n";

/// Two threads add 1 to m[2000] once each, `-i 2`. T0: load (ax 0), add (ax 1), interrupt →
/// T1 (ax 0); T1: load (0), add (1), interrupt → T0 (ax 1); T0 stores 1 and halts at a
/// countdown of 1: Halt;Switch to T1 (ax 1); the halt took the countdown to 0, so an Interrupt
/// follows at once, to the only live thread, T1 itself. T1 stores 1 over T0's 1: one update is
/// lost, m[2000] ends at 1.
#[test]
fn intro_lost_update_with_the_halt_interrupt_coincidence() {
    let got = rows("threads-intro/x86.py", COUNT_ONCE, "-t 2 -i 2 -M 2000 -R ax -c");
    let want = vec![
        vals(&[0], &[0]),
        instr(&[0], &[0], 0, 1000, "mov 2000, %ax"),
        instr(&[0], &[1], 0, 1001, "add $1, %ax"),
        switch(&[0], &[0], 2, false),
        instr(&[0], &[0], 1, 1000, "mov 2000, %ax"),
        instr(&[0], &[1], 1, 1001, "add $1, %ax"),
        switch(&[0], &[1], 2, false),
        instr(&[1], &[1], 0, 1002, "mov %ax, 2000"),
        instr(&[1], &[1], 0, 1003, "halt"),
        switch(&[1], &[1], 2, true),
        switch(&[1], &[1], 2, false),
        instr(&[1], &[1], 1, 1002, "mov %ax, 2000"),
        instr(&[1], &[1], 1, 1003, "halt"),
    ];
    assert_eq!(got, want);
}

/// The intro version prints no blank lines around the header; the locks version prints one
/// before and one after it, and a `procsched` ARG line.
#[test]
fn the_two_versions_layouts() {
    let intro = run("threads-intro/x86.py", COUNT_ONCE, "-t 1 -M 2000 -c").unwrap();
    let locks = run("x86", COUNT_ONCE, "-t 1 -M 2000 -c").unwrap();
    assert!(intro.contains("ARG verbose False\n\n 2000          Thread 0         \n    0   \n"), "{intro}");
    assert!(locks.contains("ARG verbose False\n\n\n 2000          Thread 0         \n\n    0   \n"), "{locks}");
    assert!(!intro.contains("ARG procsched") && locks.contains("ARG procsched \n"));
    assert!(intro.starts_with("ARG seed 0\nARG numthreads 1\nARG program prog.s\nARG interrupt frequency 50\n"));
}

/// Without `-c` the values are `?`; the instructions and switches are the same.
#[test]
fn without_c_values_are_question_marks() {
    let got = rows("x86", COUNT_ONCE, "-t 2 -i 2 -M 2000 -R ax");
    assert_eq!(got[0], "    ?       ?   ");
    assert_eq!(got[1], "    ?       ?   1000 mov 2000, %ax");
    assert_eq!(got[3], format!("    ?       ?   {}", "------ Interrupt ------  ".repeat(2)));
}

const STACK: &str = ".main\nmov $7, %ax\npush %ax\npop %bx\nhalt\n";

/// `push %ax` puts 7 at 127996 and sp there. The intro version's `pop %bx` loads sp itself
/// (127996), the locks version's loads the cell (7); both give sp back 128000.
#[test]
fn intro_pop_loads_sp_locks_pop_loads_memory() {
    let intro = rows("threads-intro/x86.py", STACK, "-t 1 -M 127996 -R bx,sp -c");
    assert_eq!(intro[3], instr(&[7], &[127996, 128000], 0, 1002, "pop %bx"));
    let locks = rows("x86", STACK, "-t 1 -M 127996 -R bx,sp -c");
    assert_eq!(locks[2], instr(&[7], &[0, 127996], 0, 1001, "push %ax"));
    assert_eq!(locks[3], instr(&[7], &[7, 128000], 0, 1002, "pop %bx"));
}

/// Each thread's stack starts 1000 below the previous one's: T1 pushes at 126996.
#[test]
fn stacks_per_thread() {
    let got = rows("x86", STACK, "-t 2 -i 2 -M 126996 -R sp -c");
    // T0: mov, push (sp 127996), interrupt → T1 (sp 127000); T1: mov, push at 126996.
    assert_eq!(got[3], switch(&[0], &[127000], 2, false));
    assert_eq!(got[5], instr(&[7], &[126996], 1, 1001, "push %ax"));
}

/// `call` pushes the next instruction's address (1002) and `ret` goes back there.
#[test]
fn call_and_ret() {
    let prog = ".main\nmov $3, %ax\ncall .twice\nhalt\n.twice\nadd %ax, %ax\nret\n";
    let got = rows("x86", prog, "-t 1 -M 127996 -R ax,sp -c");
    assert_eq!(got[2], instr(&[1002], &[3, 127996], 0, 1001, "call .twice"));
    assert_eq!(got[3], instr(&[1002], &[6, 127996], 0, 1003, "add %ax, %ax"));
    assert_eq!(got[4], instr(&[1002], &[6, 128000], 0, 1004, "ret"));
    assert_eq!(got[5], instr(&[1002], &[6, 128000], 0, 1002, "halt"));
}

/// Before its first `test` a thread has no condition true: neither `jne` nor `je` jumps (the
/// model's own flags start as "equal"; an x86.py thread's start unsets them).
#[test]
fn no_condition_holds_before_the_first_test() {
    let prog = ".main\njne .a\nmov $1, %ax\n.a\nje .b\nmov $2, %bx\n.b\nhalt\n";
    let got = rows("x86", prog, "-t 1 -R ax,bx -C -c");
    assert_eq!(got[0], format!("{}{}", vals(&[], &[0, 0]), "0  ".repeat(6)));
    assert_eq!(got.last().unwrap(), &format!("{}{}1004 halt", vals(&[], &[1, 2]), "0  ".repeat(6)));
}

/// `test $0, %bx` with bx 2: flags of 2 against 0, greater: `>=`, `>` and `!=` hold.
#[test]
fn test_compares_the_second_with_the_first() {
    let got = rows("x86", ".main\ntest $0, %bx\njgt .done\nmov $9, %ax\n.done\nhalt\n", "-t 1 -a bx=2 -R ax -C -c");
    assert_eq!(got[1], format!("{}1  1  0  0  1  0  1000 test $0, %bx", vals(&[], &[0])));
    assert_eq!(got[2], format!("{}1  1  0  0  1  0  1001 jgt .done", vals(&[], &[0])));
    assert_eq!(got[3], format!("{}1  1  0  0  1  0  1003 halt", vals(&[], &[0])));
}

/// `-P 01` (locks): a switch after every instruction, cycling through the schedule; a row only
/// when the thread changes. T0 mov (ax 1) → T1 (ax 0); T1 mov → T0 (ax 1); T0 halts:
/// Halt;Switch to the next entry, T1 (ax 1); the interrupt then skips T0's entry (done) and
/// lands on T1 again: no row.
#[test]
fn manual_schedule() {
    let got = rows("x86", ".main\nmov $1, %ax\nhalt\n", "-t 2 -P 01 -R ax -c");
    let want = vec![
        vals(&[], &[0]),
        instr(&[], &[1], 0, 1000, "mov $1, %ax"),
        switch(&[], &[0], 2, false),
        instr(&[], &[1], 1, 1000, "mov $1, %ax"),
        switch(&[], &[1], 2, false),
        instr(&[], &[1], 0, 1001, "halt"),
        switch(&[], &[1], 2, true),
        instr(&[], &[1], 1, 1001, "halt"),
    ];
    assert_eq!(got, want);
}

/// `-P 10`: thread 1 runs first, and the first row shows its registers.
#[test]
fn manual_schedule_starts_with_its_first_entry() {
    let got = rows("x86", ".main\nhalt\n", "-t 2 -P 10 -a ax=5,ax=6 -R ax -c");
    assert_eq!(got[0], vals(&[], &[6]));
    assert_eq!(got[1], instr(&[], &[6], 1, 1000, "halt"));
}

/// `-r` with `-s 0`: Python's random.seed(0) gives random() = 0.8444…, 0.7579…, 0.4205…,
/// 0.2589…, so with `-i 4` the countdowns are int(r × 4) + 1 = 4, 4, 2, 2. One thread looping
/// on `nop`: Interrupt rows after instructions 4, 8, 10 and 12.
#[test]
fn random_interrupts_follow_pythons_generator() {
    let prog = ".main\n.top\nnop\nj .top\n";
    let err = run("x86", prog, "-t 1 -i 4 -r -s 0 -c").unwrap_err();
    assert!(err.contains("did not complete"), "{err}");
    let prog = ".main\nsub $1, %bx\ntest $0, %bx\njgt .main\nhalt\n";
    // 5 rounds of 3 instructions, then halt: 16 instructions; the countdowns 4, 4, 2, 2, 3
    // interrupt after instructions 4, 8, 10, 12 and 15 (one thread: it "switches" to itself).
    let got = rows("x86", prog, "-t 1 -i 4 -r -s 0 -a bx=5 -R bx -c");
    let mut done = 0;
    let mut switches = Vec::new();
    for l in &got[1..] {
        if l.contains("Interrupt") {
            switches.push(done);
        } else {
            done += 1;
        }
    }
    assert_eq!(done, 16);
    assert_eq!(switches, vec![4, 8, 10, 12, 15]);
}

/// `yield` takes its tick, then the next thread runs with a new countdown.
#[test]
fn yield_switches() {
    let got = rows("x86", ".main\nyield\nhalt\n", "-t 2 -i 50 -R sp -c");
    assert_eq!(got[1], instr(&[], &[128000], 0, 1000, "yield"));
    assert_eq!(got[2], switch(&[], &[127000], 2, false));
    assert_eq!(got[3], instr(&[], &[127000], 1, 1000, "yield"));
    assert_eq!(got[4], switch(&[], &[128000], 2, false));
}

/// Locks version: `.var a 4` takes 4 cells (100–115), so the next variable is at 116; scaled
/// addressing `0(%cx,%ax,4)`; `lea`; `mul`; `neg`.
#[test]
fn locks_addressing_and_arithmetic() {
    let prog = ".var a 4\n.var b\n.main\nlea a, %cx\nmov $2, %ax\nmul $3, %ax\nmov %ax, 0(%cx,%ax,4)\nneg %ax\nmov %ax, b\nhalt\n";
    let got = rows("x86", prog, "-t 1 -M 124,116 -R ax,cx -c");
    assert_eq!(got[1], instr(&[0, 0], &[0, 100], 0, 1000, "lea a, %cx"));
    assert_eq!(got[3], instr(&[0, 0], &[6, 100], 0, 1002, "mul $3, %ax"));
    assert_eq!(got[4], instr(&[6, 0], &[6, 100], 0, 1003, "mov %ax, 0(%cx,%ax,4)"));
    assert_eq!(got[6], instr(&[6, -6], &[-6, 100], 0, 1005, "mov %ax, b"));
}

/// `xchg` and `fetchadd` swap and add in one step.
#[test]
fn atomics() {
    let prog = ".var l\n.main\nmov $1, %ax\nxchg %ax, l\nmov $5, %bx\nfetchadd %bx, l\nhalt\n";
    let got = rows("x86", prog, "-t 1 -M l -R ax,bx -c");
    assert_eq!(got[2], instr(&[1], &[0, 0], 0, 1001, "xchg %ax, l"));
    assert_eq!(got[4], instr(&[6], &[0, 1], 0, 1003, "fetchadd %bx, l"));
}

/// What x86.py refuses is an error at its line and column, naming `-p` and the program.
#[test]
fn located_errors() {
    let err = |sim: &str, prog: &str| run(sim, prog, "-t 1").unwrap_err();
    assert_eq!(
        err("x86", ".main\nj .nowhere\n"),
        "-p: prog.s line 2, column 3: unknown label `.nowhere`: no line `.nowhere` names an instruction"
    );
    assert!(err("x86", ".main\nmov count, %ax\n").starts_with("-p: prog.s line 2, column 5: `count` is not declared"));
    assert!(err("threads-intro/x86.py", "mov $10, %ax\n").starts_with("-p: prog.s line 1, column 5: immediate `$10`"));
    assert!(err("threads-intro/x86.py", "lea 10, %ax\n").contains("line 1, column 1: `lea` is the locks version's"));
    assert!(err("threads-intro/x86.py", "mov %ex, %ax\n").contains("line 1, column 5: unknown register `%ex`"));
    assert!(
        err("x86", "  mov 1, 2\n").starts_with("-p: prog.s line 1, column 10: mov cannot take two memory operands")
    );
    assert!(err("x86", "frob %ax\n").contains("line 1, column 1: unknown instruction `frob`"));
    assert!(
        err("x86", "xchg %ax, 4(%bx,%cx)\n").contains("column 12: address `4(%bx,%cx)`: x86.py reads two registers")
    );
    assert!(err("x86", "  .top\nhalt\n").contains("line 1, column 3: label `.top` must start its line"));
    assert!(err("x86", "# nothing\n").contains("has no instruction"));
    // No `halt`: the thread runs off the end, which x86.py cannot do either; it panicked here
    // (a walk), with one thread and with two.
    for threads in ["-t 1", "-t 2"] {
        let e = run("x86", ".main\nmov 2000, %ax\n", threads).unwrap_err();
        assert_eq!(e, "-p: thread 0 ran past the program's last instruction: end the program with halt", "{threads}");
    }
}

/// Flags are checked as x86.py checks them; errors name the flag.
#[test]
fn flag_errors() {
    let err = |sim: &str, flags: &str| run(sim, ".main\nhalt\n", flags).unwrap_err();
    assert!(err("x86", "-t 2 -a ax=1,ax=2,ax=3").starts_with("-a: give one set of registers per thread (2)"));
    assert!(err("x86", "-t 1 -a qx=1").starts_with("-a: `qx` is not a register"));
    assert!(err("x86", "-t 1 -M nothing").starts_with("-M: traced variable `nothing` is not declared"));
    assert!(err("x86", "-t 1 -R ex,zz").starts_with("-R: register `zz` cannot be traced"));
    assert!(err("threads-intro/x86.py", "-t 1 -R ex").starts_with("-R: register `ex` cannot be traced"));
    assert!(err("x86", "-t 2 -P 00").starts_with("-P: the schedule must include every thread"));
    assert!(err("x86", "-t 2 -P 012").starts_with("-P: cannot include a thread that does not exist (2)"));
    assert!(err("threads-intro/x86.py", "-t 2 -P 01").starts_with("-P: is the locks version's"));
    assert!(err("x86", "-t 1 -i 0").starts_with("-i: the interrupt frequency must be greater than 0"));
    assert!(err("x86", "-t 1 --version 3").starts_with("--version: `3`"));
}

/// `-a sp=5` is overwritten by the thread's stack, as in x86.py; `-L 2000` moves the code.
#[test]
fn load_address_and_sp() {
    let got = rows("x86", ".main\nhalt\n", "-t 1 -a sp=5 -L 2000 -R sp -c");
    assert_eq!(got[1], instr(&[], &[128000], 0, 2000, "halt"));
}

/// The scenario is a model scenario: one process, one thread per `-t`, each program a `.x86`
/// header then the assembly, the x86 policy; `threadlab run` runs it to completion.
#[test]
fn scenario_is_the_models() {
    let words: Vec<String> =
        ["x86", "-t", "2", "-i", "3", "-a", "bx=2", "-p", "c.s", "--scenario", "--program-text", COUNT_ONCE]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let r = ostep::run_args(&words).unwrap();
    assert_eq!(r.output, Output::Scenario);
    let policy = serde_json::to_value(&r.scenario.scheduler).unwrap();
    assert_eq!(policy["policy"], "x86");
    assert_eq!(policy["quantum"], 3);
    let threads = &r.scenario.processes[0].threads;
    assert_eq!(threads.len(), 2);
    let code = threads[1].code.as_ref().unwrap().text().to_string();
    assert!(code.starts_with(".x86 locks load=1000 sp=127000 bx=2\n.main\n"), "{code}");
    // The last line carries the assembled program, which reads back as the assembly does.
    assert!(code.lines().last().unwrap().starts_with(assembled::PREFIX), "{code}");
    assert_eq!(assembled::read(&code), x86::parse_program(&code).unwrap());
    let (sys, result) = threadlab::model::run(&r.scenario).unwrap();
    assert_eq!(result.outcome, threadlab::model::Outcome::Completed);
    // The page's thread table names an x86 thread's registers as x86.py does (a walk read
    // `r0=1 r1=2 r6=128000` beside a code view saying %ax); a model program keeps r0…r7.
    let x86_names: Vec<String> = [0, 1, 6].iter().map(|&i| sys.programs[0].register_name(i)).collect();
    assert_eq!(x86_names, ["ax", "bx", "sp"]);
    let plain = threadlab::page::run::Run::from_json(include_str!("../presets/race-unsafe.json")).unwrap();
    assert_eq!(plain.system.programs[0].register_name(1), "r1");
}

/// `--json`: the rows with their kinds and the final state, always solved.
#[test]
fn json_report() {
    let words: Vec<String> =
        ["x86", "-t", "2", "-i", "2", "-M", "2000", "-p", "c.s", "--json", "--program-text", COUNT_ONCE]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let r = ostep::run_args(&words).unwrap();
    let j = &r.report;
    assert_eq!(j["instructions"], 8);
    assert_eq!(j["final"]["memory"][0]["address"], 2000);
    assert_eq!(j["final"]["memory"][0]["value"], 1);
    assert_eq!(j["rows"][3]["kind"]["row"], "interrupt");
    assert_eq!(j["final"]["registers"][1][6], serde_json::json!(["sp", 127000]));
    assert!(r.printed().contains("\"simulator\": \"x86\""));
}

/// The assembler places each instruction at its index and gives each line's text as written.
#[test]
fn assembler_texts_and_lines() {
    let asm = assemble(".var x\n.main\nmov  x, %ax   # load\n\nhalt\n", Dialect::Locks, 1000).unwrap();
    assert_eq!(asm.texts, vec!["mov  x, %ax", "halt"]);
    assert_eq!(asm.lines, vec![3, 5]);
    assert_eq!(asm.var("x"), Some(100));
    assert_eq!(asm.label(".main"), Some(0));
    let _ = RowKind::Start;
}

/// The CLI reads `-p`'s file; a missing file is an error naming it.
#[test]
fn cli_reads_the_program_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x86/counter.s");
    let (code, out, err) =
        threadlab(&["ostep", "x86", "-p", path, "-t", "2", "-a", "bx=3", "-i", "3", "-M", "2000", "-c"]);
    assert_eq!(code, 0, "{err}");
    // Hand count: 2 threads × 3 rounds × 6 instructions + 2 halts = 38 instruction rows.
    let instrs = out.lines().filter(|l| !l.starts_with("ARG") && l.contains(" 100") && !l.contains("---")).count();
    assert_eq!(instrs, 38, "{out}");
    let (code, _, err) = threadlab(&["ostep", "x86", "-p", "/no/such/prog.s"]);
    assert_ne!(code, 0);
    assert!(err.contains("-p: cannot read /no/such/prog.s"), "{err}");
    let (code, out, _) = threadlab(&["ostep", "x86", "-h"]);
    assert_eq!(code, 0);
    assert!(out.contains("--program-text"));
}

/// `-H 2` (locks): after every 2 instructions, a blank line, the header, a blank line and the
/// values as they stand (before the next instruction: m[2000] still 0 after the add).
#[test]
fn header_again_every_h_instructions() {
    let text = run("x86", COUNT_ONCE, "-t 1 -H 2 -M 2000 -c").unwrap();
    let header = " 2000          Thread 0         ";
    let want = [
        "",
        header,
        "",
        "    0   ",
        "    0   1000 mov 2000, %ax",
        "    0   1001 add $1, %ax",
        "",
        header,
        "",
        "    0   ",
        "    1   1002 mov %ax, 2000",
        "    1   1003 halt",
    ];
    let got: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("ARG verbose")).skip(2).collect();
    assert_eq!(got, want);
}

/// `-P 0011` with a `yield`: x86.py's yield moves to the schedule's next entry, which names the
/// same thread: it goes on, and no switch row is printed.
#[test]
fn yield_under_a_schedule_keeps_the_thread_whose_entry_is_next() {
    let got = rows("x86", ".main\nyield\nmov $1, %ax\nhalt\n", "-t 2 -P 0011 -R ax -c");
    // T0 yield (entry 0 → 1: T0 again, no row), T0 mov (entry 1 → 2: T1, Interrupt row).
    assert_eq!(got[1], instr(&[], &[0], 0, 1000, "yield"));
    assert_eq!(got[2], instr(&[], &[1], 0, 1001, "mov $1, %ax"));
    assert_eq!(got[3], switch(&[], &[0], 2, false));
}

/// A `.x86` program with its assembled line, as the OSTEP mode writes it ([`assembled`]).
fn with_line(dialect: Dialect, sp: i64, regs: &[(u8, i64)], body: &str) -> String {
    let text = format!("{}\n{body}", x86::header(dialect, 1000, sp, regs));
    let line = assemble(body, dialect, 1000).unwrap().assembled_line(&text, sp, regs);
    format!("{text}{line}")
}

/// Every instruction the assembler makes (both versions, every `Op`, `set`, `add`, `cmp`, the
/// jumps), read back from the assembled line, is the program assembling the text gives:
/// instructions, lines, texts, cells and start values (which are no instructions).
#[test]
fn the_assembled_line_reads_back_as_the_assembly() {
    let locks = ".var arr 4\n.var n\n.main\nmov $3, %bx\nmov %bx, %dx\nmov %bx, n\nmov $7, arr\nmov arr, %ax\n\
                 mov 4(%bx,%cx,4), %dx\nlea 8(%bx), %ex\nsub %ax, %bx\nsub $2, %bx\nadd %cx, %bx\nmul $2, %bx\n\
                 neg %bx\ntest %bx, $5\ntest $5, %bx\ntest %ax, %bx\njgt .skip\nj .skip\nnop\n.skip\n\
                 xchg %ax, n  # swap\nfetchadd %ax, n\npush %ax\npush arr\npop\npop %fx\ncall .f\nyield\nhalt\n.f\nret\n";
    let intro = ".main\nmov $1, %ax\npush %ax\npop %bx\njne .main\nhalt\n";
    for (dialect, body, regs) in [(Dialect::Locks, locks, vec![(0, 1), (2, -2)]), (Dialect::Intro, intro, vec![])] {
        let text = with_line(dialect, 128_000, &regs, body);
        let want = x86::parse_program(&text).unwrap().unwrap();
        assert_eq!(want.instrs.len(), body.lines().filter(|l| !l.is_empty() && !l.starts_with('.')).count());
        let mut start = vec![0; 8];
        start[6] = 128_000;
        for &(r, v) in &regs {
            start[r as usize] = v;
        }
        assert_eq!(want.start, start);
        assert_eq!(assembled::read(&text), Ok(want), "{text}");
    }
}

/// The line must match the text: a changed program, a missing line and words that are no
/// instruction's (or jump outside the program) are errors at the header or at the line.
#[test]
fn the_assembled_line_must_match_its_text() {
    let text = with_line(Dialect::Locks, 128_000, &[], COUNT_ONCE);
    let at = text.lines().count() as u32;
    let located = |text: &str| assembled::read(text).map_err(|e| (e.line, e.message));
    // A changed instruction (the assembly says 2001, the line was for 2000).
    let changed = text.replacen("mov 2000, %ax", "mov 2001, %ax", 1);
    let (line, message) = located(&changed).unwrap_err();
    assert_eq!(line, at);
    assert!(message.contains("changed after it was assembled"), "{message}");
    // No line: the page cannot assemble, so it says where to go.
    let without: String = text.lines().take(at as usize - 1).map(|l| format!("{l}\n")).collect();
    let (line, message) = located(&without).unwrap_err();
    assert_eq!(line, 1);
    assert!(message.contains("OSTEP mode"), "{message}");
    // Words with the right digest but no such instruction (variant 99), six words, or a jump
    // past the program's end (4 instructions: the start value `0,128000` is none).
    let (head, line) = text.split_at(text.rfind(assembled::PREFIX).unwrap());
    let words: Vec<&str> = line.split(' ').skip(3).collect();
    assert_eq!(words, ["0,128000", "3,2000,65536", "21,0,1", "4,2000,65536,1", "19"], "worked from Op::words");
    let digest = assembled::digest(&text) as i64;
    for (i, bad) in [(1, "99"), (1, "3,2000,65536,0,0,1"), (4, "23,5")] {
        let mut w = words.clone();
        w[i] = bad;
        let garbled = format!("{head}{}{digest} {}", assembled::PREFIX, w.join(" "));
        let error: ProgramError = assembled::read(&garbled).unwrap_err();
        assert_eq!((error.line, error.message.contains("not an assembled form")), (at, true), "{bad}: {error}");
    }
    // A jump to the end itself is fine (a label may name the end).
    let mut w = words.clone();
    w[4] = "23,4";
    let to_end = format!("{head}{}{digest} {}", assembled::PREFIX, w.join(" "));
    assert_eq!(assembled::read(&to_end).unwrap().instrs[3], threadlab::model::program::Instr::Jump { target: 4 });
}

/// A thread runs only the program's instructions: x86.py sets `sp` and the `-a` registers before
/// a thread runs, and so does the model ([`threadlab::model::program::Program::start`]). So the
/// run's instruction count is x86.py's number of instruction rows: 2 threads × (2 rounds × 6
/// instructions + `halt`) = 26 for this loop with `-a bx=2` (a walk of the page counted 30: one
/// start step per thread and one per `-a` value), and a thread's first instruction is the
/// program's first, with its start values already in its registers.
#[test]
fn the_instruction_count_is_x86_py_s_rows() {
    let looping = ".main\n.top\nmov 2000, %ax\nadd $1, %ax\nmov %ax, 2000\nsub $1, %bx\ntest $0, %bx\njgt .top\nhalt\n";
    let got = rows("x86", looping, "-t 2 -i 3 -a bx=2 -M 2000 -c");
    // An instruction row shows its address (1000–1006); the start row and switch rows none.
    let instruction_rows = got.iter().filter(|r| r.contains(" 100")).count();
    assert_eq!(instruction_rows, 26);
    let words: Vec<String> =
        ["x86", "-t", "2", "-i", "3", "-a", "bx=2", "-p", "c.s", "--scenario", "--program-text", looping]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let r = ostep::run_args(&words).unwrap();
    let (sys, result) = threadlab::model::run(&r.scenario).unwrap();
    assert_eq!(result.metrics.steps, 26);
    assert_eq!(sys.programs[1].text(0), "mov 2000, %ax");
    let start = result.trace.unwrap().snapshot(&sys, 1, 0);
    let t1 = &start.threads[1];
    assert_eq!(
        (t1.pc, t1.registers[1], t1.registers[6]),
        (0, 2, 127_000),
        "bx = 2 and sp = 127000 before any instruction"
    );
    assert_eq!(t1.flags, threadlab::model::program::Flags::Unset);
}

/// x86.py's `-S` and `-v`, which Threadlab does not reproduce, are refused by name with the
/// reason and what to use instead (not "no such option"), in both versions and in either form;
/// `-h` lists them as not supported.
#[test]
fn x86_py_flags_not_reproduced_say_so() {
    for sim in ["x86", "threads-intro/x86.py"] {
        for (flag, named, why) in [
            ("-S", "-S", "instruction count and speed"),
            ("--printstats", "-S", "`threadlab run` of --scenario's output counts steps"),
            ("-v", "-v", "-c's trace shows each instruction run"),
            ("--verb", "-v", "loader's steps"),
        ] {
            let err = run(sim, COUNT_ONCE, &format!("-t 1 {flag} -c")).unwrap_err();
            assert!(
                err.starts_with(&format!("{named}: not supported by threadlab (x86.py's {named} ")),
                "{sim} {flag}: {err}"
            );
            assert!(err.contains(why) && err.ends_with(')'), "{sim} {flag}: {err}");
        }
    }
    let (code, _, stderr) = threadlab(&["ostep", "x86", "-p", "nowhere.s", "-S"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("-S: not supported by threadlab"), "{stderr}");
    let help = run("x86", COUNT_ONCE, "-h").unwrap_or_else(|e| e);
    assert!(help.contains("-S, --printstats") && help.contains("not supported by threadlab: x86.py's -S"), "{help}");
}

/// Two operands written with a space where the comma goes get a hint, for every instruction
/// that takes two (one check serves them all); a missing operand or a third one gets none.
#[test]
fn a_missing_comma_between_operands_is_pointed_out() {
    let two = [
        ("mov 2000 %ax", "mov 2000, %ax"),
        ("lea 8(%bx) %ex", "lea 8(%bx), %ex"),
        ("add $1 %ax", "add $1, %ax"),
        ("sub %ax %bx", "sub %ax, %bx"),
        ("mul $2 %bx", "mul $2, %bx"),
        ("test $0 %bx", "test $0, %bx"),
        ("xchg %ax n", "xchg %ax, n"),
        ("fetchadd %ax   n", "fetchadd %ax, n"),
    ];
    for (line, fixed) in two {
        let e = assemble(&format!(".var n\n.main\n{line}\nhalt\n"), Dialect::Locks, 1000).unwrap_err();
        assert_eq!(e.line, 3, "{line}: {e}");
        assert!(
            e.message.ends_with(&format!("found 1 operand(s); separate operands with a comma: `{fixed}`")),
            "{line}: {e}"
        );
        // The corrected line assembles.
        assert!(assemble(&format!(".var n\n.main\n{fixed}\nhalt\n"), Dialect::Locks, 1000).is_ok(), "{fixed}");
    }
    let e = assemble(".main\nadd $1 %ax\nhalt\n", Dialect::Intro, 1000).unwrap_err();
    assert_eq!(
        e.message,
        "`add` takes a source ($n or %reg) and a register, found 1 operand(s); separate operands with a comma: `add $1, %ax`"
    );
    for line in ["add $1", "add $1, %ax, %bx", "add $1 %ax %bx"] {
        let e = assemble(&format!(".main\n{line}\nhalt\n"), Dialect::Locks, 1000).unwrap_err();
        assert!(!e.message.contains("comma"), "{line}: {e}");
    }
}
