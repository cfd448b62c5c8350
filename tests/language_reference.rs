//! The language reference the page shows is the parser's own table
//! (`program::INSTRUCTIONS`): every instruction has an entry whose example parses to that
//! instruction and whose cost is the interpreter's, and the module doc's table lists the same.

use threadlab::model::interpreter;
use threadlab::model::program::{
    INSTRUCTION_EFFECTS, INSTRUCTIONS, Instr, SYNTAX_NOTES, Span, Symbols, Test, Value, parse_with,
};
use threadlab::model::sync::names::ObjectNames;

/// The mnemonic of a decoded instruction. Exhaustive: a new `Instr` variant does not compile
/// here until it is named, and the test below then fails until `INSTRUCTIONS` has its entry.
fn mnemonic(i: &Instr) -> &'static str {
    match i {
        Instr::Compute { .. } => "compute",
        Instr::Io { .. } => "io",
        Instr::Load { .. } => "load",
        Instr::Store { .. } => "store",
        Instr::Add { .. } => "add",
        Instr::Set { .. } => "set",
        Instr::Lock { .. } => "lock",
        Instr::Unlock { .. } => "unlock",
        Instr::Loop { .. } => "loop",
        Instr::End { .. } => "end",
        Instr::Jump { .. } => "jmp",
        Instr::Branch { test, .. } | Instr::BranchFlags { test, .. } => test.mnemonic(),
        Instr::Cmp { .. } => "cmp",
        Instr::SpinLock { .. } => "spin_lock",
        Instr::SpinUnlock { .. } => "spin_unlock",
        Instr::CondWait { .. } => "cond_wait",
        Instr::CondSignal { .. } => "cond_signal",
        Instr::CondBroadcast { .. } => "cond_broadcast",
        Instr::Barrier { .. } => "barrier",
        Instr::Destroy { .. } => "destroy",
        Instr::ReadLock { .. } => "read_lock",
        Instr::ReadUnlock { .. } => "read_unlock",
        Instr::WriteLock { .. } => "write_lock",
        Instr::WriteUnlock { .. } => "write_unlock",
        Instr::SemWait { .. } => "sem_wait",
        Instr::SemPost { .. } => "sem_post",
        Instr::FetchAdd { .. } => "faa",
        Instr::Xchg { .. } => "xchg",
        Instr::Cas { .. } => "cas",
        Instr::Create { .. } => "create",
        Instr::Join { .. } => "join",
        Instr::Exit { .. } => "exit",
        Instr::Fork { .. } => "fork",
        Instr::Spawn { .. } => "spawn",
        Instr::Wait { .. } => "wait",
        Instr::Send { .. } => "send",
        Instr::Recv { .. } => "recv",
        // Not a word of the language: what an x86.py program (a `.x86` header, then OSTEP's
        // assembly) translates to where the language has no word (tests/ostep_x86.rs).
        Instr::X86 { .. } => ".x86",
    }
}

/// The variants of `Instr`, one value each (kept next to `mnemonic`); a conditional jump once per
/// test, in both forms (two values and a label, or only a label after `cmp`).
fn every_variant() -> Vec<Instr> {
    let span = Span::Fixed(1);
    vec![
        Instr::Compute { span },
        Instr::Io { span },
        Instr::Load { reg: 0, var: 0 },
        Instr::Store { reg: 0, var: 0 },
        Instr::Add { reg: 0, operand: threadlab::model::program::Operand::Imm(1) },
        Instr::Set { reg: 0, value: 1 },
        Instr::Lock { mutex: 0 },
        Instr::Unlock { mutex: 0 },
        Instr::Loop { count: 1, end: 1 },
        Instr::End { start: 0 },
        Instr::Jump { target: 0 },
        Instr::SemWait { sem: 0 },
        Instr::Barrier { barrier: 0 },
        Instr::Destroy { kind: threadlab::model::sync::names::ObjectKind::Mutex, id: 0 },
        Instr::ReadLock { lock: 0 },
        Instr::ReadUnlock { lock: 0 },
        Instr::WriteLock { lock: 0 },
        Instr::WriteUnlock { lock: 0 },
        Instr::CondWait { cond: 0, mutex: 0 },
        Instr::SpinLock { lock: 0 },
        Instr::SpinUnlock { lock: 0 },
        Instr::CondSignal { cond: 0 },
        Instr::CondBroadcast { cond: 0 },
        Instr::SemPost { sem: 0 },
        Instr::Cmp { a: 0, b: Value::Imm(0) },
        Instr::FetchAdd { reg: 0, var: 0, add: threadlab::model::program::Operand::Imm(1) },
        Instr::Xchg { reg: 0, var: 0 },
        Instr::Cas { var: 0, expected: 0, new: 1 },
        Instr::Create { reg: 0, program: 0, ticks: 0 },
        Instr::Join { reg: 0 },
        Instr::Exit { value: threadlab::model::program::Operand::Imm(0) },
        Instr::Fork { reg: 0, ticks: 0 },
        Instr::Spawn { reg: 0, program: 0, ticks: 0 },
        Instr::Wait { reg: 0 },
        Instr::Send { ch: 0, value: threadlab::model::program::Operand::Reg(0), ticks: 0 },
        Instr::Recv { reg: 0, ch: 0, ticks: 0 },
    ]
    .into_iter()
    .chain(Test::ALL.into_iter().flat_map(|test| {
        [Instr::Branch { test, a: 0, b: Value::Var(0), target: 0 }, Instr::BranchFlags { test, target: 0 }]
    }))
    .collect()
}

/// The examples' declared objects: semaphore `slots`, barrier `b`, channel `ch`; and program
/// `worker`.
fn parse_example(text: &str) -> Vec<Instr> {
    let variables = vec!["counter".to_string()];
    let mut mutexes = Vec::new();
    let mut objects = ObjectNames {
        semaphores: vec!["slots".into()],
        barriers: vec!["b".into()],
        programs: vec!["worker".into()],
        channels: vec!["ch".into()],
        ..ObjectNames::default()
    };
    let prog = parse_with(text, Symbols { variables: &variables, mutexes: &mut mutexes, params: &[] }, &mut objects)
        .unwrap_or_else(|e| panic!("example {text:?} does not parse: {e}"));
    prog.instrs
}

#[test]
fn every_instruction_has_one_entry_whose_example_is_that_instruction() {
    let names: Vec<&str> = INSTRUCTIONS.iter().map(|d| d.mnemonic).collect();
    for v in every_variant() {
        let n = mnemonic(&v);
        assert_eq!(names.iter().filter(|&&m| m == n).count(), 1, "`{n}` has exactly one entry");
    }
    let mut mnemonics: Vec<&str> = every_variant().iter().map(mnemonic).collect();
    mnemonics.sort();
    mnemonics.dedup();
    assert_eq!(names.len(), mnemonics.len(), "no entry for an instruction the model lacks");
    // Costs and effects are a table of their own, row for row.
    assert_eq!(INSTRUCTION_EFFECTS.len(), INSTRUCTIONS.len(), "one cost and effect per instruction");
    for d in INSTRUCTIONS {
        let instrs = parse_example(d.example);
        assert!(instrs.iter().any(|i| mnemonic(i) == d.mnemonic), "`{}`'s example {:?} uses it", d.mnemonic, d.example);
        assert!(!d.effect().is_empty() && !d.needs.is_empty(), "`{}` is described", d.mnemonic);
        // Its operand count: the example's line with the mnemonic has that many operands.
        let line = d.example.lines().find(|l| l.trim_start().starts_with(d.mnemonic)).unwrap();
        assert_eq!(line.split([' ', ',']).filter(|w| !w.is_empty()).count() - 1, d.operands, "{line}");
    }
}

/// The cost column is what the interpreter charges: `1` for the simple instructions
/// (`SIMPLE_INSTRUCTION_TICKS`), 0 for `io` (it blocks instead), `loop`, `end` and `exit`, and
/// N for `compute N` (its example's 5).
#[test]
fn costs_are_the_interpreters() {
    for d in INSTRUCTIONS {
        let instrs = parse_example(d.example);
        let i = instrs.iter().find(|i| mnemonic(i) == d.mnemonic).unwrap();
        let ticks = interpreter::cost(i, &mut |s| match s {
            Span::Fixed(n) => n,
            Span::Range(lo, _) => lo,
        });
        let want = match d.cost() {
            // `cond_wait` is charged again when it re-takes its mutex (tests/condvars.rs); each
            // `spin_lock` attempt is one instruction (tests/spinlocks.rs).
            "1" | "1, and 1 when woken" | "1 per attempt" => 1,
            "0" | "0, then blocked N" => 0,
            "N" => {
                assert_eq!(d.example, "compute 5");
                5
            }
            // The machine's, filled in when the system is loaded (tests/threads.rs): 0 as parsed.
            "14 (machine.thread_create_ticks)" => {
                assert_eq!(threadlab::model::scenario::DEFAULT_THREAD_CREATE_TICKS, 14);
                assert!(matches!(i, Instr::Create { ticks: 0, .. }));
                0
            }
            "156 (machine.fork_ticks)" => {
                assert_eq!(threadlab::model::scenario::DEFAULT_FORK_TICKS, 156);
                assert!(matches!(i, Instr::Fork { ticks: 0, .. }));
                0
            }
            "1279 (machine.spawn_ticks)" => {
                assert_eq!(threadlab::model::scenario::DEFAULT_SPAWN_TICKS, 1279);
                assert!(matches!(i, Instr::Spawn { ticks: 0, .. }));
                0
            }
            // The channel's copy cost, filled in when the system is loaded (tests/channels.rs):
            // 0 as parsed, so 1.
            "1 + the copy, and again when woken" => {
                assert!(matches!(i, Instr::Send { ticks: 0, .. } | Instr::Recv { ticks: 0, .. }));
                1
            }
            other => panic!("unexpected cost text {other:?} for `{}`", d.mnemonic),
        };
        assert_eq!(ticks, want, "`{}` costs {} ticks", d.mnemonic, d.cost());
    }
}

/// The module doc's table (what developers read) names the same instructions.
#[test]
fn the_module_doc_table_lists_the_same_instructions() {
    let source = include_str!("../src/model/program.rs");
    let rows: Vec<&str> = source.lines().filter(|l| l.starts_with("//! | `")).collect();
    for d in INSTRUCTIONS {
        assert!(rows.iter().any(|r| r.contains(&format!("`{}", d.mnemonic))), "doc table lacks `{}`", d.mnemonic);
    }
    for r in rows {
        let first = r.trim_start_matches("//! | `").split([' ', '`']).next().unwrap();
        assert!(INSTRUCTIONS.iter().any(|d| d.mnemonic == first), "doc row `{first}` has no entry");
    }
    assert!(SYNTAX_NOTES.iter().any(|(what, _)| what.contains("Comments")));
    assert!(SYNTAX_NOTES.iter().any(|(what, _)| what.contains("Ranges")));
}

/// Whether `text` has the word "tick" or "ticks" (not a field name like `fork_ticks`, nor
/// "tickets").
fn says_tick(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|w| w.eq_ignore_ascii_case("tick") || w.eq_ignore_ascii_case("ticks"))
}

/// What a learner reads of the language and the policies says µs, as the timeline does: every
/// instruction's operands and effect, the syntax notes (the "Time" note alone says that the
/// JSON's ticks are µs), and every policy's name in the Policy menu (tick_rr's said "Round Robin
/// on a global tick").
#[test]
fn the_reference_and_the_policy_names_say_us() {
    assert!(says_tick("a 4 tick quantum") && says_tick("Ticks") && !says_tick("fork_ticks, tickets"));
    for d in INSTRUCTIONS {
        assert!(!says_tick(d.needs) && !says_tick(d.effect()), "`{}`: {} / {}", d.mnemonic, d.needs, d.effect());
    }
    for (title, text) in SYNTAX_NOTES {
        assert_eq!(says_tick(text), *title == "Time", "{title}: {text}");
    }
    for p in threadlab::model::scheduler::spec::Policy::ALL {
        assert!(!says_tick(p.label()), "{}", p.label());
    }
}

/// The reference the page fetches (`language-reference.html`, beside the page) is the markup
/// generated from the table above: `UPDATE_GOLDEN=1 cargo test --test language_reference`
/// writes it after a change to the table.
#[test]
fn the_page_s_reference_file_is_the_generated_markup() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/", "language-reference.html");
    assert_eq!(threadlab::reference::FILE, "language-reference.html");
    let got = threadlab::reference::markup();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &got).unwrap();
    }
    let want = std::fs::read_to_string(path).expect("language-reference.html beside index.html");
    assert!(
        want == got,
        "{path} is not the generated reference: run UPDATE_GOLDEN=1 cargo test --test language_reference"
    );
    for d in INSTRUCTIONS {
        assert!(got.contains(&format!("data-testid=\"reference-{}\"", d.mnemonic)), "{} has an entry", d.mnemonic);
    }
}
