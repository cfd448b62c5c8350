//! Bad input gets an error that says where and why.

use threadlab::model::{self, Scenario};

fn err(json: &str) -> model::ScenarioError {
    match Scenario::from_json(json) {
        Err(e) => e,
        Ok(s) => model::run(&s).map(|_| ()).expect_err("expected an error"),
    }
}

const OK_PROCESS: &str = r#"{"name":"p","threads":[{"name":"main","code":"compute 1"}]}"#;

#[test]
fn json_syntax_error_has_line_and_column() {
    let e = err("{\n  \"name\": \"x\",\n  \"processes\": [,]\n}");
    assert_eq!((e.line, e.column), (Some(3), Some(17)));
    assert!(e.to_string().starts_with("processes"), "{e}");
}

#[test]
fn unknown_field_names_its_path() {
    let e = err(&format!(r#"{{"name":"x","machine":{{"cpu":2}},"processes":[{OK_PROCESS}]}}"#));
    assert_eq!(e.path, "machine.cpu");
    assert!(e.message.contains("unknown field `cpu`"), "{}", e.message);
}

#[test]
fn wrong_type_names_its_path() {
    let e = err(r#"{"name":"x","processes":[{"name":"p","threads":[{"name":"main","code":5}]}]}"#);
    assert_eq!(e.path, "processes[0].threads[0].code");
}

#[test]
fn cpu_count_out_of_range() {
    let e = err(&format!(r#"{{"name":"x","machine":{{"cpus":65}},"processes":[{OK_PROCESS}]}}"#));
    assert_eq!(e.to_string(), "machine.cpus: `cpus` must be a whole number from 1 to 64, got 65");
}

#[test]
fn round_robin_needs_a_quantum() {
    let e = err(&format!(r#"{{"name":"x","scheduler":{{"policy":"rr"}},"processes":[{OK_PROCESS}]}}"#));
    assert_eq!(e.path, "scheduler.quantum");
}

/// Wherever `scheduler` sits among the scenario's members (last too: serde_json then reads the
/// scenario's closing brace before it reports the error), a broken scheduler object is located at
/// it, not at the scenario.
#[test]
fn a_broken_scheduler_is_located_at_it_wherever_it_sits() {
    let broken = [
        (r#"{"policy":"rr"}"#, "scheduler.quantum"),
        (r#"{"policy":"nope"}"#, "scheduler.policy"),
        (r#"{"quantum":2}"#, "scheduler.policy"),
        (r#"{"policy":"rr","quantum":"x"}"#, "scheduler.quantum"),
        (r#"{"policy":"fcfs","steal_every":3}"#, "scheduler.steal_every"),
    ];
    for (scheduler, path) in broken {
        for text in [
            format!(r#"{{"format":2,"name":"x","scheduler":{scheduler},"processes":[{OK_PROCESS}]}}"#),
            format!(r#"{{"format":2,"name":"x","processes":[{OK_PROCESS}],"scheduler":{scheduler}}}"#),
            format!(
                "{{\n  \"format\": 2,\n  \"name\": \"x\",\n  \"processes\": [{OK_PROCESS}],\n  \"scheduler\": {scheduler}\n}}\n"
            ),
        ] {
            let e = err(&text);
            assert_eq!(e.path, path, "{e}\n{text}");
        }
    }
}

#[test]
fn program_error_is_located_in_the_program_text() {
    let e = err(r#"{"name":"x","processes":[{"name":"p","variables":{"counter":0},"threads":[
        {"name":"main","code":"compute 1"},
        {"name":"w","code":"load r0, counter\n  lod r0, counter"}]}]}"#);
    assert_eq!(e.path, "processes[0].threads[1].code");
    assert_eq!((e.line, e.column), (Some(2), Some(3)));
    assert!(e.message.contains("unknown instruction `lod`"), "{}", e.message);
    assert_eq!(e.to_string().split(':').next().unwrap(), "processes[0].threads[1].code, program line 2, column 3");
}

#[test]
fn unknown_variable_lists_the_declared_ones() {
    let e = err(
        r#"{"name":"x","processes":[{"name":"p","variables":{"a":0,"b":1},"threads":[{"name":"main","code":"store r0, c"}]}]}"#,
    );
    assert_eq!((e.line, e.column), (Some(1), Some(11)));
    assert!(e.message.contains("declares: a, b"), "{}", e.message);
}

#[test]
fn named_program_errors_name_the_program() {
    let e = err(
        r#"{"name":"x","processes":[{"name":"p","programs":{"w":"compute 0"},"threads":[{"name":"main","program":"w"}]}]}"#,
    );
    assert_eq!(e.path, "processes[0].programs.w");
    assert_eq!(e.column, Some(9));
}

#[test]
fn missing_program_reference() {
    let e = err(r#"{"name":"x","processes":[{"name":"p","threads":[{"name":"main","program":"nope"}]}]}"#);
    assert_eq!(e.path, "processes[0].threads[0].program");
}

#[test]
fn thread_cannot_arrive_before_its_process() {
    let e = err(
        r#"{"name":"x","processes":[{"name":"p","arrival":5,"threads":[{"name":"main","arrival":2,"code":"compute 1"}]}]}"#,
    );
    assert_eq!(e.path, "processes[0].threads[0].arrival");
}

#[test]
fn a_process_needs_a_thread() {
    let e = err(r#"{"name":"x","processes":[{"name":"p","threads":[]}]}"#);
    assert!(e.to_string().contains("at least one (main) thread"), "{e}");
}

mod program_parser {
    use threadlab::model::program::{Instr, Span, Symbols, parse};

    fn p(src: &str) -> Result<Vec<Instr>, (u32, u32, String)> {
        let vars = vec!["x".to_string()];
        let mut mutexes = Vec::new();
        parse(src, Symbols { variables: &vars, mutexes: &mut mutexes, params: &[] })
            .map(|p| p.instrs)
            .map_err(|e| (e.line, e.column, e.message))
    }

    #[test]
    fn loops_are_matched_and_nest() {
        let instrs = p("loop 2\n  loop 3\n    compute 1\n  end\nend").unwrap();
        assert_eq!(instrs[0], Instr::Loop { count: 2, end: 4 });
        assert_eq!(instrs[1], Instr::Loop { count: 3, end: 3 });
        assert_eq!(instrs[3], Instr::End { start: 1 });
        assert_eq!(instrs[4], Instr::End { start: 0 });
    }

    #[test]
    fn comments_blank_lines_and_case() {
        let instrs = p("# header\n\nCOMPUTE 5..9 ; work\nio 3").unwrap();
        assert_eq!(instrs, vec![Instr::Compute { span: Span::Range(5, 9) }, Instr::Io { span: Span::Fixed(3) }]);
    }

    #[test]
    fn errors_point_at_the_bad_token() {
        assert_eq!(p("loop 2\ncompute 1").unwrap_err().0, 1); // unclosed loop reported at its line
        assert_eq!(p("end").unwrap_err().0, 1);
        assert_eq!(p("add r9, 1").unwrap_err().1, 5);
        assert_eq!(p("compute 9..3").unwrap_err().1, 9);
        assert_eq!(p("compute").unwrap_err().1, 8);
        assert_eq!(p("exit now").unwrap_err().1, 6);
        assert_eq!(p("set r1, many").unwrap_err().1, 9);
    }
}

#[test]
fn programs_may_be_lists_of_lines_and_errors_count_entries() {
    let e = err(
        r#"{"name":"x","processes":[{"name":"p","threads":[{"name":"main","code":["compute 1","io 2","goto 0"]}]}]}"#,
    );
    assert_eq!((e.path.as_str(), e.line, e.column), ("processes[0].threads[0].code", Some(3), Some(1)));
    let e = err(r#"{"name":"x","processes":[{"name":"p","threads":[{"name":"main","code":{"a":1}}]}]}"#);
    assert!(e.message.contains("a list of lines"), "{}", e.message);
}

#[test]
fn json_mistakes_get_plain_explanations() {
    let trailing = err(r#"{"name":"x","processes":[{"name":"p","variables":{"a":1,},"threads":[]}]}"#);
    assert_eq!(trailing.path, "processes[0].variables");
    assert!(trailing.message.starts_with("a comma right before"), "{}", trailing.message);
    let cut = err("{\n  \"name\": \"x\",\n  \"processes\": [\n");
    assert_eq!(cut.column, Some(1));
    assert!(cut.message.starts_with("the text ends too early"), "{}", cut.message);
    let not_json = err("hello");
    assert!(
        not_json.message.contains("expected a value") || not_json.message.contains("double quotes"),
        "{}",
        not_json.message
    );
    let newline = err(
        "{\"name\":\"x\",\"processes\":[{\"name\":\"p\",\"threads\":[{\"name\":\"m\",\"code\":\"compute 1\n io 2\"}]}]}",
    );
    assert!(newline.message.contains("line break inside a string"), "{}", newline.message);
    let missing_comma = err("{\"name\": \"x\" \"processes\": []}");
    assert!(!missing_comma.path.contains('?'), "{}", missing_comma.path);
    // No parser internals in a message that has a plain explanation.
    for e in [&trailing, &not_json, &newline, &missing_comma] {
        for internal in ["expected ident", "control character", "(expected", "trailing comma"] {
            assert!(!e.message.contains(internal), "{internal}: {}", e.message);
        }
    }
}

#[test]
fn a_missing_comma_is_located_where_it_goes() {
    // Line 3 lacks its comma: serde_json notices at line 4's key; the comma goes right after
    // `"x"` on line 3 (column 14: the 2 spaces and `"name": "x"` are 13 characters).
    let e = err("{\n  \"format\": 2,\n  \"name\": \"x\"\n  \"processes\": []\n}");
    assert_eq!((e.line, e.column), (Some(3), Some(14)), "{e}");
    assert!(e.message.starts_with("a comma is missing after this value"), "{}", e.message);
    // In a list, on one line: after `1` (column 22 of line 1: `{"name":"x","list":[1` is 21
    // characters).
    let e = err("{\"name\":\"x\",\"list\":[1 2]}");
    assert_eq!((e.line, e.column), (Some(1), Some(22)), "{e}");
    assert!(e.message.contains("items of a list"), "{}", e.message);
}

#[test]
fn names_must_be_unique() {
    let e = err(
        r#"{"name":"x","processes":[{"name":"p","threads":[{"name":"main","code":"compute 1"},{"name":"main","code":"compute 1"}]}]}"#,
    );
    assert_eq!(e.path, "processes[0].threads[1].name");
    let e = err(&format!(r#"{{"name":"x","processes":[{OK_PROCESS},{OK_PROCESS}]}}"#));
    assert_eq!(e.path, "processes[1].name");
    assert!(e.message.contains("already used by processes[0]"), "{}", e.message);
}

#[test]
fn program_given_as_lines_points_to_code() {
    let e = err(r#"{"name":"x","processes":[{"name":"p","threads":[{"name":"main","program":["compute 1"]}]}]}"#);
    assert_eq!(e.path, "processes[0].threads[0].program");
    assert!(e.message.contains("put the lines themselves in `code`"), "{}", e.message);
}

#[test]
fn text_after_the_scenarios_end_is_an_error_where_it_starts() {
    // One `}` too many: the scenario ends at the first `}` that closes it, and what follows is
    // reported at its first character, never silently ignored. The scenario is 86 characters
    // (`{"name":"x","processes":[` 25, OK_PROCESS 59, `]}` 2), then a space: column 88.
    let scenario = format!(r#"{{"name":"x","processes":[{OK_PROCESS}]}}"#);
    let e = err(&format!("{scenario} }}"));
    assert_eq!((e.path.as_str(), e.line, e.column), ("", Some(1), Some(88)));
    assert!(e.message.starts_with("more text after the scenario's end"), "{}", e.message);
}

#[test]
fn a_list_or_nothing_at_the_top_says_what_a_scenario_is() {
    // The walk: `[1,2]` read "entry 1 of `` must be text…"; an empty box "ends too early".
    for text in ["[1, 2]", "[\"compute 1\"]", "[]"] {
        let e = err(text);
        assert_eq!(e.path, "", "{text}");
        assert!(e.message.starts_with("the scenario must be an object, got a list [ … ]"), "{text}: {}", e.message);
        assert_eq!((e.line, e.column), (Some(1), Some(1)), "{text}: located at the list");
    }
    for text in ["", "  \n"] {
        assert!(err(text).message.starts_with("the text is empty"), "{text:?}: {}", err(text).message);
    }
}

#[test]
fn limits_of_zero_are_refused_at_their_path() {
    // The walk: `"max_steps": 0` ran and stopped at t=0, "a loop may be too long".
    let with = |limits: &str| format!(r#"{{"name":"x","limits":{limits},"processes":[{OK_PROCESS}]}}"#);
    let e = err(&with(r#"{"max_steps": 0}"#));
    assert_eq!(e.path, "limits.max_steps");
    assert!(e.message.contains("at least 1"), "{}", e.message);
    let e = err(&with(r#"{"max_time": 0}"#));
    assert_eq!(e.path, "limits.max_time");
    // One instruction is allowed (the run stops at the budget, not at loading).
    assert!(model::run(&Scenario::from_json(&with(r#"{"max_steps": 1}"#)).unwrap()).is_ok());
}
