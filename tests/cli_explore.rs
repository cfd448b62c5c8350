//! `threadlab explore`, `threadlab seeds` and `threadlab run --schedule`, run as a teacher would.

use std::process::Command;

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

/// Two threads each incrementing `counter` twice without a lock (tests/explore.rs works out
/// why the answers are 2, 3 and 4).
const COUNTER: &str = r#"{"format": 2, "name": "counter", "processes": [{"name": "p", "variables": {"counter": 0},
  "programs": {"inc": ["loop 2", "load r1, counter", "add r1, 1", "store r1, counter", "end"]},
  "threads": [{"name": "a", "program": "inc"}, {"name": "b", "program": "inc"}]}]}"#;

fn file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("threadlab-cli-explore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap()
}

#[test]
fn explore_lists_every_final_value_with_a_schedule_that_replays() {
    let path = file("counter.json", COUNTER);
    let (code, out, _) = threadlab(&["explore", &path, "--json"]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(v["scenario"], "counter");
    let finals = v["finals"].as_array().unwrap();
    let values: Vec<i64> = finals.iter().map(|f| f["values"][0].as_i64().unwrap()).collect();
    assert_eq!(values, vec![2, 3, 4]);
    for f in finals {
        let schedule = f["schedule"].as_str().unwrap();
        let (code, out, _) = threadlab(&["run", &path, "--schedule", schedule]);
        assert_eq!(code, 0);
        let run = json(&out);
        assert_eq!(run["metrics"]["variables"][0]["value"], f["values"][0]);
        assert_eq!(run["schedule"]["followed"], schedule);
        assert_eq!(run["settings"]["scheduler"]["policy"], "scripted");
    }
    // The text: the values, then a row per final state with its count of interleavings.
    let (code, text, _) = threadlab(&["explore", &path]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "counter can end with {2, 3, 4}.", "{text}");
    assert!(lines[2].starts_with("#  end        counter  interleavings  schedule (-P)"), "{text}");
    assert!(lines[3].starts_with("1  completed        2  "), "{text}");
    assert!(lines[6].starts_with("3 final states (924 interleavings, every one followed to its end; "), "{text}");
    // Every interleaving: C(12, 6) = 924.
    let (_, every, _) = threadlab(&["explore", &path, "--every", "--json"]);
    assert_eq!(json(&every)["schedules"], 924);
}

/// The page's Every interleaving (`threadlab::workers::races::run_here` runs the Races worker's
/// answer natively, with the reader's and the model's code) and `threadlab explore` say the same:
/// each final value with its count of interleavings and a schedule (the same one), which `run
/// --schedule` replays to that value; on the two-thread counter ({2, 3, 4}, 924 in all) and on
/// an x86.py program (tests/fixtures/x86/counter.s, two threads of one round each, and of two,
/// which has too many interleavings to count). Past the limit both count end states, alike.
#[test]
fn explore_counts_and_schedules_are_the_page_s() {
    use threadlab::messaging::lab::{LabJob, Panel};
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x86/counter.s");
    let x86 = |rounds: &str| {
        let (code, x86, err) = threadlab(&["ostep", "x86", "-p", program, "-t", "2", "-a", rounds, "--scenario"]);
        assert_eq!(code, 0, "{err}");
        x86
    };
    let (once, twice) = (x86("bx=1"), x86("bx=2"));
    for (name, text, limit) in [
        ("counter.json", COUNTER, "100000"),
        ("counter.json", COUNTER, "500"),
        ("x86-once.json", once.as_str(), "100000"),
        ("x86-twice.json", twice.as_str(), "100000"),
    ] {
        let path = file(name, text);
        let (code, out, err) = threadlab(&["explore", &path, "--limit", limit, "--json"]);
        assert_eq!(code, 0, "{name}: {err}");
        let cli = json(&out);
        let job = LabJob {
            panel: Panel::Races,
            fields: vec![("tool".into(), "explore".into()), ("limit".into(), limit.into())],
            scenario: text.to_string(),
            preset: String::new(),
        };
        let page = threadlab::workers::races::run_here(&job);
        // The page's rows: data-values, then the count and the schedule cells.
        let rows: Vec<(String, u64, String)> = page
            .split(r#"data-testid="explore-final" data-values=""#)
            .skip(1)
            .map(|row| {
                let values = row[..row.find('"').unwrap()].to_string();
                let cells: Vec<&str> = row.split("<td>").skip(1).map(|c| &c[..c.find('<').unwrap()]).collect();
                let count = cells[values.split(',').count()];
                let schedule = row.split("<td><code>").nth(1).unwrap();
                (values, count.parse().unwrap(), schedule[..schedule.find('<').unwrap()].to_string())
            })
            .collect();
        let finals = cli["finals"].as_array().unwrap();
        let cli_rows: Vec<(String, u64, String)> = finals
            .iter()
            .map(|f| {
                let values: Vec<String> = f["values"].as_array().unwrap().iter().map(|v| v.to_string()).collect();
                (values.join(","), f["count"].as_u64().unwrap(), f["schedule"].as_str().unwrap().to_string())
            })
            .collect();
        assert!(cli_rows.len() > 1, "{name}: {out}");
        assert_eq!(cli_rows, rows, "{name} --limit {limit}: {page}");
        let counted = if page.contains("every one followed to its end") { "interleavings" } else { "end states" };
        assert_eq!(cli["counted"], counted, "{name} --limit {limit}");
        // Each schedule replays to its value; the text says the same numbers.
        let (_, text_out, _) = threadlab(&["explore", &path, "--limit", limit]);
        for (i, (values, count, schedule)) in cli_rows.iter().enumerate() {
            let (code, run, err) = threadlab(&["run", &path, "--schedule", schedule]);
            assert_eq!(code, 0, "{name} {schedule}: {err}");
            // The counter's `counter`, x86's cell 2000.
            assert_eq!(json(&run)["metrics"]["variables"][0]["value"].to_string(), *values, "{name} {schedule}");
            let row = text_out.lines().find(|l| l.starts_with(&format!("{}  ", i + 1))).unwrap();
            assert!(row.ends_with(&format!("  {count}  {schedule}")), "{row}");
        }
    }
    // The counter ends with {2, 3, 4}, over all C(12, 6) = 924 interleavings.
    let (_, out, _) = threadlab(&["explore", &file("counter.json", COUNTER), "--json"]);
    let v = json(&out);
    let total: u64 = v["finals"].as_array().unwrap().iter().map(|f| f["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 924);
}

#[test]
fn explore_reports_deadlocks_and_refuses_what_it_cannot_explore() {
    let (code, out, _) = threadlab(&["explore", "--preset", "deadlock"]);
    assert_eq!(code, 0);
    assert!(out.contains("2: deadlock at t="), "{out}");
    let (code, _, err) = threadlab(&["explore", "--preset", "race-unsafe"]);
    assert_eq!(code, 1);
    assert!(err.contains("preset race-unsafe: thread counter/main, line 5 (`compute 1..3`)"), "{err}");
    let path = file("counter-limit.json", COUNTER);
    let (code, out, err) = threadlab(&["explore", &path, "--limit", "5"]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert!(err.starts_with("threadlab: --limit: stopped after storing 5 states"), "{err}");
    let (code, _, err) = threadlab(&["explore", &path, "--limit", "0"]);
    assert_eq!(code, 1);
    assert!(err.contains("'--limit <N>'") && err.contains("at least 1"), "{err}");
}

#[test]
fn run_with_a_schedule_says_what_it_skipped() {
    // a: lock m, compute 2, unlock m; b: lock m, unlock m. Schedule `01` (tests/schedule.rs
    // works it out): b's entry is skipped at t=3 and t=4, while it waits for m.
    let text = r#"{"format": 2, "name": "s", "processes": [{"name": "p",
      "threads": [{"name": "a", "code": "lock m\ncompute 2\nunlock m"}, {"name": "b", "code": "lock m\nunlock m"}]}]}"#;
    let path = file("skip.json", text);
    let (code, out, _) = threadlab(&["run", &path, "--schedule", "01"]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!(v["schedule"]["followed"], "010001");
    assert_eq!(v["schedule"]["requested"], "01");
    assert_eq!(v["schedule"]["skipped"][0], serde_json::json!({"entry": 1, "tid": 1, "at": 3, "why": "blocked"}));
    assert_eq!(v["schedule"]["notes"][0], "entry 2 (thread 1, p/b) skipped at t=3: it was blocked");
    assert!(v.get("trace").is_none());
    // The schedule of any one-CPU run.
    let (code, out, _) = threadlab(&["run", &path, "--show-schedule", "--policy", "rr", "--quantum", "1"]);
    assert_eq!(code, 0);
    // RR, quantum 1: a locks (tick 0); b's lock blocks (tick 1); a computes and unlocks (2–4),
    // handing m to b; b unlocks (tick 5).
    assert_eq!(json(&out)["schedule"], serde_json::json!({"followed": "010001"}));
}

#[test]
fn bad_schedules_name_the_flag() {
    let path = file("bad-schedule.json", COUNTER);
    let (code, _, err) = threadlab(&["run", &path, "--schedule", "012"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "threadlab: --schedule: entry 3 names thread 2, but the threads are numbered 0 to 1 (in scenario order)\n"
    );
    let (code, _, err) = threadlab(&["run", &path, "--schedule", "0a"]);
    assert_eq!(code, 1);
    assert!(err.contains("'--schedule <P>': character 2 (`a`) is not a thread number"), "{err}");
    let (code, _, err) = threadlab(&["run", &path, "--schedule", "01", "--policy", "rr"]);
    assert_eq!(code, 1);
    assert!(err.contains("'--schedule <P>' cannot be used with '--policy <KEY>'"), "{err}");
    let (code, _, err) = threadlab(&["run", "--preset", "race-unsafe", "--show-schedule"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(
            "threadlab: --show-schedule: a schedule says which thread runs on one CPU, and this scenario has 2 CPUs"
        ),
        "{err}"
    );
}

#[test]
fn seeds_prints_a_histogram_of_final_values() {
    let (code, out, _) = threadlab(&["seeds", "--preset", "race-unsafe", "--count", "6", "--from", "100", "--json"]);
    assert_eq!(code, 0);
    let v = json(&out);
    assert_eq!((v["from"].as_u64(), v["count"].as_u64()), (Some(100), Some(6)));
    let counts = v["variables"][0]["values"].as_array().unwrap();
    assert_eq!(counts.iter().map(|c| c["runs"].as_u64().unwrap()).sum::<u64>(), 6);
    // Each value's first seed, run alone, ends with that value.
    for c in counts {
        let seed = c["first_seed"].as_u64().unwrap().to_string();
        let (_, run, _) = threadlab(&["run", "--preset", "race-unsafe", "--seed", &seed]);
        assert_eq!(json(&run)["metrics"]["variables"][0]["value"], c["value"]);
    }
    let (code, text, _) = threadlab(&["seeds", "--preset", "race-unsafe", "--count", "6", "--from", "100"]);
    assert_eq!(code, 0);
    assert!(text.starts_with("6 runs, seeds 100 to 105\n"), "{text}");
    assert!(text.contains("counter/counter (a correct run ends with 1000)"), "{text}");
    // A deadlock in every run: exit 3, output still printed.
    let (code, out, _) = threadlab(&["seeds", "--preset", "deadlock", "--count", "2"]);
    assert_eq!(code, 3);
    assert!(out.contains("deadlock     2           1"), "{out}");
}

/// `threadlab seeds` on a scenario from `threadlab ostep x86 -r -s 0 --scenario`: seed k is
/// x86.py's `-s k` (the report says so), so the runs differ, and `run --seed k`, as each value's
/// first seed says to, ends as `ostep x86 … -s k` does.
#[test]
fn seeds_of_an_x86_scenario_are_x86_py_s_seeds() {
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x86/counter.s");
    let flags = |seed: &str| -> Vec<String> {
        let line = format!("ostep x86 -p {program} -t 2 -i 5 -r -s {seed} -a bx=3 --scenario");
        line.split_whitespace().map(String::from).collect()
    };
    let args = flags("0");
    let (code, scenario, err) = threadlab(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{err}");
    let path = file("x86-random.json", &scenario);
    let (code, text, _) = threadlab(&["seeds", &path, "--count", "10"]);
    assert_eq!(code, 0);
    assert!(text.starts_with("10 runs, seeds 0 to 9\nEach seed also seeds x86.py's random interrupts (-r): seed k draws what the OSTEP simulator's `-s k` draws.\n"), "{text}");
    let (_, out, _) = threadlab(&["seeds", &path, "--count", "10", "--json"]);
    let v = json(&out);
    assert_eq!(v["also_seeds"][0], "x86.py's random interrupts (-r)");
    let counts = v["variables"][0]["values"].as_array().unwrap();
    assert!(counts.len() > 1, "ten seeds of random interrupts end differently: {out}");
    for c in counts {
        let seed = c["first_seed"].as_u64().unwrap().to_string();
        let (_, run, _) = threadlab(&["run", &path, "--seed", &seed]);
        assert_eq!(json(&run)["metrics"]["variables"][0]["value"], c["value"], "seed {seed}");
        let args = flags(&seed);
        let (_, own, _) = threadlab(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let (_, run, _) = threadlab(&["run", &file("x86-own.json", &own)]);
        assert_eq!(json(&run)["metrics"]["variables"][0]["value"], c["value"], "-s {seed}");
    }
}

#[test]
fn seeds_flags_are_checked() {
    let (code, _, err) = threadlab(&["seeds", "--preset", "race-unsafe", "--count", "0"]);
    assert_eq!((code, err.as_str()), (1, "threadlab: --count: the number of runs must be 1 to 100000, got 0\n"));
    let (code, _, err) = threadlab(&["seeds", "--preset", "race-unsafe", "--count", "2", "--seed", "4"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("threadlab: --seed: `seeds` runs many seeds"), "{err}");
    let (code, _, err) =
        threadlab(&["seeds", "--preset", "race-unsafe", "--count", "2", "--from", "18446744073709551615"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("threadlab: --from: seeds 18446744073709551615 and the 1 after it pass"), "{err}");
    let (code, _, err) = threadlab(&["seeds", "--preset", "race-unsafe", "--count", "lots"]);
    assert_eq!(code, 1);
    assert!(err.contains("'--count <N>'"), "{err}");
    let (code, _, err) = threadlab(&["seeds", "--preset", "race-unsafe"]);
    assert_eq!(code, 1);
    assert!(err.contains("--count <N>"), "{err}");
}
