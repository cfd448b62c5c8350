//! Errors in a learner's words: what a field must be and what was found, never a Rust type name;
//! every error located in the file's text; a program error says its program line, where that is
//! in the file, and how to write the instruction.

use threadlab::model::{self, Scenario, ScenarioError};
use threadlab::presets;

/// The error for `text`, located in it (as the page and the CLI report it).
fn err(text: &str) -> ScenarioError {
    let e = match Scenario::from_json(text) {
        Err(e) => e,
        Ok(s) => model::run(&s).map(|_| ()).expect_err("expected an error"),
    };
    e.locate_in(text)
}

/// A small scenario to break; line 5 is `    "cpus": 2,`.
const RACE: &str = r#"{
  "format": 2,
  "name": "Counter",
  "machine": {
    "cpus": 2,
    "thread_switch_ticks": 1
  },
  "scheduler": {
    "policy": "fcfs"
  },
  "seed": 7,
  "limits": { "max_steps": 10000 },
  "processes": [
    {
      "name": "counter",
      "variables": { "counter": 0 },
      "programs": {
        "worker": ["loop 5", "load r0, counter", "add r0, 1", "store r0, counter", "end"]
      },
      "threads": [
        { "name": "main", "program": "worker" },
        { "name": "second", "program": "worker" }
      ]
    }
  ]
}"#;

/// Broken variants of a preset and small files: one mistake each, as learners make them.
fn broken() -> Vec<String> {
    let r = |from: &str, to: &str| {
        assert!(RACE.contains(from), "the preset has {from}");
        RACE.replacen(from, to, 1)
    };
    let mut v = vec![
        r("\"cpus\": 2", "\"cpus\": \"two\""),
        r("\"cpus\": 2", "\"cpus\": 2.5"),
        r("\"cpus\": 2", "\"cpus\": -1"),
        r("\"cpus\": 2", "\"cpus\": 99999999999"),
        r("\"cpus\": 2", "\"cpus\": null"),
        r("\"cpus\": 2", "\"cpus\": [2]"),
        r("\"cpus\": 2", "\"cpus\": 0"),
        r("\"cpus\": 2", "\"cpu\": 2"),
        r("\"seed\": 7", "\"seed\": \"7\""),
        r("\"seed\": 7", "\"seed\": true"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"rr\", \"quantum\": \"four\""),
        r("\"policy\": \"fcfs\"", "\"policy\": \"rr\", \"quantum\": 0"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"rr\""),
        r("\"policy\": \"fcfs\"", "\"policy\": \"rr\", \"quantum\": 4, \"tie\": \"arrival_first\""),
        r("\"policy\": \"fcfs\"", "\"policy\": \"fcfs\", \"quantum\": 4"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"fifo\""),
        r("\"policy\": \"fcfs\"", "\"policy\": 3"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"srtf\", \"preempt_on_equal\": \"yes\""),
        r("\"policy\": \"fcfs\"", "\"policy\": \"sjf\", \"estimate\": {\"alpha\": \"half\"}"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"sjf\", \"estimate\": {\"initial\": 4}"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"priority\", \"aging\": {\"step\": 1}"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"priority\", \"most_urgent\": \"middle\""),
        r("\"policy\": \"fcfs\"", "\"policy\": \"priority\", \"preemptive\": 1"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"mlfq\", \"levels\": \"three\""),
        r("\"policy\": \"fcfs\"", "\"policy\": \"mlfq\", \"levels\": [{\"quantum\": \"x\", \"allotment\": 1}]"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"mlfq\""),
        r("\"policy\": \"fcfs\"", "\"policy\": \"lottery\", \"quantum\": -2"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"stride\", \"quantum\": 2, \"pass_tie\": \"random\""),
        r("\"policy\": \"fcfs\"", "\"policy\": \"cfs\", \"target_latency\": 1.5"),
        r("\"policy\": \"fcfs\"", "\"policy\": \"cfs\", \"start_debit\": \"yes\""),
        r("\"machine\": {", "\"machine\": 5, \"m\": {"),
        r("\"counter\": 0", "\"counter\": \"zero\""),
        r("\"counter\": 0", "\"counter\": 0.5"),
        r("\"name\": \"counter\"", "\"name\": 7"),
        r("\"name\": \"counter\"", "\"nam\": \"counter\""),
        r("\"program\": \"worker\"", "\"program\": [\"compute 1\"]"),
        r("\"program\": \"worker\"", "\"program\": \"wrker\""),
        r("\"load r0, counter\"", "5"),
        r("\"load r0, counter\"", "\"lod r0, counter\""),
        r("\"load r0, counter\"", "\"load r0\""),
        r("\"load r0, counter\"", "\"load r9, counter\""),
        r("\"load r0, counter\"", "\"load r0, countr\""),
        r("\"load r0, counter\"", "\"compute\""),
        r("\"load r0, counter\"", "\"compute five\""),
        r("\"load r0, counter\"", "\"exit now\""),
        r("\"load r0, counter\"", "\"loop x\""),
        r("\"load r0, counter\"", "\"end\""),
        r("\"load r0, counter\"", "\"lock\""),
        r("\"load r0, counter\"", "\"set r0, many\""),
        r("\"load r0, counter\"", "\"jmp nowhere\""),
        r("\"load r0, counter\"", "\"again:\", \"again:\""),
        r("\"load r0, counter\"", "\"top: add r0, 1\""),
        r("\"load r0, counter\"", "\"jne r0, 99999999999999999999, top\""),
        r("\"load r0, counter\"", "\"jlt r0, countr, top\""),
        r("\"load r0, counter\"", "\"faa r0, counter\""),
        r("\"load r0, counter\"", "\"cas 5, r0, r1\""),
        r("\"load r0, counter\"", "\"xchg counter, r0\""),
        r("\"load r0, counter\"", "\"sem_wait slots\""),
        r("\"load r0, counter\"", "\"sem_post\""),
        r("\"load r0, counter\"", "\"cond_wait c\""),
        r("\"load r0, counter\"", "\"spin_lock s, t\""),
        r("\"load r0, counter\"", "\"barrier everyone\""),
        r("\"load r0, counter\"", "\"read_lock\""),
        r("\"load r0, counter\"", "\"destroy nothing\""),
        r("\"load r0, counter\"", "\"write_lock l-1\""),
        r("\"load r0, counter\"", "\"cond_wait counter, m, x\""),
        r("\"variables\": { \"counter\": 0 }", "\"variables\": { \"counter\": 0 }, \"semaphores\": { \"s\": 2 }"),
        r(
            "\"variables\": { \"counter\": 0 }",
            "\"variables\": { \"counter\": 0 }, \"semaphores\": { \"s\": { \"initial\": \"one\" } }",
        ),
        r(
            "\"variables\": { \"counter\": 0 }",
            "\"variables\": { \"counter\": 0 }, \"semaphores\": { \"s\": { \"start\": 1 } }",
        ),
        r(
            "\"variables\": { \"counter\": 0 }",
            "\"variables\": { \"counter\": 0 }, \"semaphores\": { \"s\": { \"initial\": 3, \"max\": 2 } }",
        ),
        r("\"variables\": { \"counter\": 0 }", "\"variables\": { \"counter\": 0 }, \"barriers\": { \"b\": 0 }"),
        r("\"variables\": { \"counter\": 0 }", "\"variables\": { \"counter\": 0 }, \"barriers\": { \"b\": \"all\" }"),
        r(
            "\"variables\": { \"counter\": 0 }",
            "\"variables\": { \"counter\": 0 }, \"rwlocks\": { \"l\": { \"prefer\": \"writer\" } }",
        ),
        r("\"loop 5\"", "\"jmp inside\", \"loop 5\", \"inside:\""),
        r("\"format\": 2", "\"format\": 9"),
        r("\"format\": 2", "\"format\": \"2\""),
        r("\"threads\": [", "\"threads\": 4, \"t\": ["),
        r("\"processes\": [", "\"processes\": {}, \"p\": ["),
        RACE.replace("\"limits\"", "\"limit\""),
    ];
    v.extend(
        [
            "",
            "{",
            "[]",
            "5",
            "{}",
            r#"{"name": "x"}"#,
            r#"{"name": "x", "processes": []}"#,
            r#"{"name": "x", "processes": [{"name": "p"}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "threads": []}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "threads": [{"name": "m"}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "nice": 40, "threads": [{"name": "m", "code": "exit"}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "tickets": -1, "threads": [{"name": "m", "code": "exit"}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "affinity": [5], "threads": [{"name": "m", "code": "exit"}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "affinity": "all", "threads": [{"name": "m", "code": "exit"}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "threads": [{"name": "m", "code": "exit", "arrival": "soon"}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "memory": {"code_bytes": -4}, "threads": [{"name": "m", "code": "exit"}]}]}"#,
            r#"{"name": "x", "limits": {"max_steps": "many"}, "processes": [{"name": "p", "threads": [{"name": "m", "code": "exit"}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "threads": [{"name": "m", "code": {"a": 1}}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "threads": [{"name": "m", "code": ["exit", 3]}]}]}"#,
            r#"{"name": "x", "processes": [{"name": "p", "programs": {"w": 5}, "threads": [{"name": "m", "program": "w"}]}]}"#,
            r#"{"name": "x", "name": "y", "processes": []}"#,
        ]
        .map(String::from),
    );
    v
}

#[test]
fn no_message_names_a_rust_type_and_every_error_is_located() {
    for text in broken() {
        let e = err(&text);
        let shown = e.to_string();
        for bad in
            ["u32", "u64", "usize", "i64", "f64", "::", "invalid type", "invalid value", "Spec", "Option", "struct "]
        {
            assert!(!shown.contains(bad), "{bad:?} in: {shown}\n--- for ---\n{text}");
        }
        if !text.trim().is_empty() {
            assert!(e.file_position.is_some(), "not located in the file: {shown}\n--- for ---\n{text}");
        }
    }
}

#[test]
fn a_wrong_type_says_what_the_field_must_be() {
    let e = err(&RACE.replacen("\"cpus\": 2", "\"cpus\": \"two\"", 1));
    assert_eq!(e.path, "machine.cpus");
    assert_eq!(e.message, "`cpus` must be a whole number from 1 to 64, got the text \"two\"");
    // Line 5 is `    "cpus": "two",`: serde stops at the closing quote of "two", after 4 spaces,
    // `"cpus": ` (8 characters) and `"two"` (5): column 17.
    assert_eq!(e.file_position, Some((5, 17)));
}

#[test]
fn a_validation_error_is_located_at_its_value() {
    let e = err(&RACE.replacen("\"cpus\": 2", "\"cpus\": 0", 1));
    assert_eq!(e.message, "`cpus` must be a whole number from 1 to 64, got 0");
    // `    "cpus": 0,` on line 5: the value starts after 4 spaces and `"cpus": ` (8 chars), column 13.
    assert_eq!(e.file_position, Some((5, 13)));
    assert_eq!(e.to_string(), "machine.cpus, line 5, column 13: `cpus` must be a whole number from 1 to 64, got 0");
}

#[test]
fn a_program_error_gives_its_program_line_its_place_in_the_file_and_the_fix() {
    let text = RACE.replacen("\"load r0, counter\"", "\"compute\"", 1);
    let e = err(&text);
    assert_eq!(e.path, "processes[0].programs.worker");
    assert!(e.in_program);
    // The worker's lines: "loop 5", "compute" → program line 2; the error is after `compute`
    // (column 8, one past its 7 letters).
    assert_eq!((e.line, e.column), (Some(2), Some(8)));
    assert_eq!(e.message, "`compute` needs a number of µs (or a range like 2..6), e.g. `compute 5`");
    // In the file: the entry's line, and the column just before its closing quote.
    let entry = text.find("\"compute\"").unwrap();
    let line = text[..entry].matches('\n').count() as u32 + 1;
    let line_start = text[..entry].rfind('\n').unwrap() + 1;
    let column = (entry - line_start) as u32 + 1 + 1 + 7; // the quote, then 7 letters
    assert_eq!(e.file_position, Some((line, column)));
    assert!(e.to_string().contains(&format!("program line 2, column 8 (file line {line}, column {column})")), "{e}");
}

#[test]
fn a_typo_in_an_instruction_suggests_the_instruction() {
    let e = err(&RACE.replacen("\"load r0, counter\"", "\"lod r0, counter\"", 1));
    assert!(e.message.starts_with("unknown instruction `lod`: did you mean `load`?"), "{}", e.message);
    let e = err(&RACE.replacen("\"load r0, counter\"", "\"load r0\"", 1));
    assert_eq!(e.message, "`load` needs a register and a variable, e.g. `load r0, counter` (found 1 of 2)");
    let e = err(&RACE.replacen("\"load r0, counter\"", "\"exit now\"", 1));
    // `exit` takes an optional exit value (a number or register): a word is neither.
    assert_eq!(
        e.message,
        "`now` is not an exit value: `exit` takes nothing, or a number or register, e.g. `exit 3` or `exit r2`"
    );
}

#[test]
fn a_misspelt_field_suggests_the_field() {
    let e = err(&RACE.replacen("\"cpus\": 2", "\"cpu\": 2", 1));
    assert!(e.message.starts_with("unknown field `cpu` in `machine`: did you mean `cpus`?"), "{}", e.message);
}

#[test]
fn every_preset_loads() {
    for p in presets::PRESETS {
        Scenario::from_json(p.json).unwrap();
    }
}
