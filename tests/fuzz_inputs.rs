//! Fuzzing the scenario loader and the program parser with property tests: random bytes,
//! random token sequences and random edits of the presets. Whatever the input, the answer is a
//! scenario that runs to an outcome or an error that says where (a path, or a line and column),
//! never a panic or a hang.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use threadlab::model::program::{Symbols, parse};
use threadlab::model::{self, Scenario, ScenarioError};

/// Small limits so that whatever parses also finishes quickly.
fn bounded(mut s: Scenario) -> Scenario {
    s.limits.max_steps = s.limits.max_steps.min(20_000);
    s.limits.max_time = s.limits.max_time.min(1_000_000);
    s
}

fn located(e: &ScenarioError) -> bool {
    !e.path.is_empty() || e.line.is_some()
}

/// Loads and, if it loads, runs `text`; checks that every error is located.
fn load_and_run(text: &str) -> Result<(), TestCaseError> {
    match Scenario::from_json(text) {
        Err(e) => prop_assert!(located(&e), "unlocated: {e:?}"),
        Ok(s) => {
            if let Err(e) = model::run_with(&bounded(s), model::Recording::MetricsOnly) {
                prop_assert!(located(&e), "unlocated: {e:?}");
            }
        }
    }
    Ok(())
}

/// JSON and scenario words, so random sequences often look almost right.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        Just("null".to_string()),
        Just("true".to_string()),
        prop::sample::select(vec![
            "\"format\"",
            "\"name\"",
            "\"machine\"",
            "\"cpus\"",
            "\"scheduler\"",
            "\"policy\"",
            "\"quantum\"",
            "\"rr\"",
            "\"fcfs\"",
            "\"srtf\"",
            "\"processes\"",
            "\"threads\"",
            "\"code\"",
            "\"program\"",
            "\"programs\"",
            "\"variables\"",
            "\"limits\"",
            "\"max_steps\"",
            "\"affinity\"",
            "\"queues\"",
            "\"per_cpu\"",
            "\"cache\"",
            "\"compute 3\"",
            "\"lock m\"",
            "\"loop 5\"",
            "\"end\"",
            "\"x\"",
        ])
        .prop_map(str::to_string),
        (-3i64..70).prop_map(|n| n.to_string()),
        Just("2".to_string()),
    ]
}

fn program_token() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "compute",
        "io",
        "load",
        "store",
        "add",
        "set",
        "lock",
        "unlock",
        "loop",
        "end",
        "exit",
        "jmp",
        "jne",
        "jlt",
        "cmp",
        "faa",
        "xchg",
        "cas",
        "sem_wait",
        "sem_post",
        "cond_wait",
        "cond_signal",
        "spin_lock",
        "spin_unlock",
        "barrier",
        "read_lock",
        "write_unlock",
        "destroy",
        "c",
        "top:",
        "top",
        "r0",
        "r9",
        "x",
        "m",
        "1",
        "0",
        "-1",
        "3..1",
        "2..5",
        "99999999999999999999",
        ",",
        "#",
        ";",
        "\n",
        "\n",
        "\n",
        "  ",
    ])
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        load_and_run(&String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn random_token_sequences_never_panic(tokens in prop::collection::vec(token(), 0..80)) {
        load_and_run(&tokens.join(" "))?;
    }

    /// A preset with a few bytes deleted, inserted or replaced.
    #[test]
    fn edited_presets_never_panic(
        which in 0usize..100,
        edits in prop::collection::vec((0usize..100_000, 0u8..3, any::<u8>()), 1..6),
    ) {
        let presets = threadlab::presets::PRESETS;
        let mut text: Vec<u8> = presets[which % presets.len()].json.as_bytes().to_vec();
        for (at, kind, byte) in edits {
            let at = at % (text.len() + 1);
            match kind {
                0 if at < text.len() => { text.remove(at); }
                1 => text.insert(at, byte),
                _ if at < text.len() => text[at] = byte,
                _ => {}
            }
        }
        load_and_run(&String::from_utf8_lossy(&text))?;
    }

    /// Programs of random tokens: parsed, or an error at a line and column inside the text.
    #[test]
    fn random_programs_parse_or_point_inside_the_text(tokens in prop::collection::vec(program_token(), 0..60)) {
        let text = tokens.join(" ");
        let variables = vec!["x".to_string()];
        let mut mutexes = Vec::new();
        match parse(&text, Symbols { variables: &variables, mutexes: &mut mutexes, params: &[] }) {
            Ok(_) => {
                // It must also run to an outcome within the limits.
                let json = serde_json::json!({
                    "format": 2, "name": "fuzz",
                    "limits": {"max_steps": 5000, "max_time": 100000},
                    "processes": [{"name": "p", "variables": {"x": 0}, "threads": [{"name": "t", "code": text}]}]
                });
                load_and_run(&json.to_string())?;
            }
            Err(e) => {
                let lines: Vec<&str> = text.split('\n').collect();
                prop_assert!(e.line >= 1 && (e.line as usize) <= lines.len().max(1), "{e:?}");
                let width = lines.get(e.line as usize - 1).map_or(0, |l| l.chars().count());
                prop_assert!(e.column >= 1 && (e.column as usize) <= width + 1, "{e:?} in {text:?}");
            }
        }
    }
}
