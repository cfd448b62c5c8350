//! The `threadlab` command-line tool, run as a teacher would.

use std::process::Command;

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn lists_every_preset() {
    let (code, out, _) = threadlab(&["presets"]);
    assert_eq!(code, 0);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let keys: Vec<&str> = list.as_array().unwrap().iter().map(|p| p["key"].as_str().unwrap()).collect();
    let shipped: Vec<&str> = threadlab::presets::PRESETS.iter().map(|p| p.key).collect();
    assert_eq!(keys, shipped);
}

#[test]
fn run_preset_prints_metrics_json() {
    let (code, out, _) = threadlab(&["run", "--preset", "race-mutex"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"]["kind"], "completed");
    assert_eq!(v["metrics"]["variables"][0]["value"], 1000);
    assert!(v.get("trace").is_none());
    let (_, with_trace, _) = threadlab(&["run", "--preset", "race-mutex", "--trace"]);
    let v: serde_json::Value = serde_json::from_str(&with_trace).unwrap();
    assert!(v["trace"]["events"].as_array().unwrap().len() > 1000);
}

/// `run` always prints JSON; `--json`, which every other subcommand takes, is accepted and
/// changes nothing (it used to be refused as an unexpected argument).
#[test]
fn run_accepts_json_as_the_others_do() {
    let (code, plain, _) = threadlab(&["run", "--preset", "race-mutex"]);
    let (code_json, json, err) = threadlab(&["run", "--preset", "race-mutex", "--json"]);
    assert_eq!((code, code_json), (0, 0), "{err}");
    assert_eq!(json, plain);
}

#[test]
fn overrides_change_the_run() {
    let makespan = |args: &[&str]| {
        let (_, out, _) = threadlab(args);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["metrics"]["makespan"].as_u64().unwrap()
    };
    let one = makespan(&["run", "--preset", "mixed-fcfs-2cpu", "--cpus", "1"]);
    let two = makespan(&["run", "--preset", "mixed-fcfs-2cpu"]);
    assert!(two < one, "2 CPUs {two} vs 1 CPU {one}");
    assert_eq!(one, makespan(&["run", "--preset", "mixed-fcfs-1cpu"]));
    assert_eq!(
        makespan(&["run", "--preset", "mixed-fcfs-1cpu", "--policy", "rr", "--quantum", "4"]),
        makespan(&["run", "--preset", "mixed-rr-1cpu"])
    );
}

#[test]
fn bad_file_exits_nonzero_with_located_error() {
    let dir = std::env::temp_dir().join(format!("threadlab-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    let text = r#"{"name":"x","processes":[{"name":"p","threads":[{"name":"main","code":"compute 1\njump 3"}]}]}"#;
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = threadlab(&["run", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    // Program line 2 starts right after the `\n` escape, on the file's only line.
    let file_column = text.find("jump").unwrap() + 1;
    let located = format!("processes[0].threads[0].code, program line 2, column 1 (file line 1, column {file_column})");
    assert!(err.contains(&format!("{located}: unknown instruction `jump`")), "{err}");
    let (code, _, err) = threadlab(&["run", dir.join("missing.json").to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn deadlock_exits_3_and_still_prints_json() {
    let (code, out, _) = threadlab(&["run", "--preset", "deadlock"]);
    assert_eq!(code, 3);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"]["kind"], "deadlock");
    assert_eq!(v["outcome"]["waits"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_usage_is_explained() {
    let (code, _, err) = threadlab(&["run", "--preset", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("no preset `nope`") && err.contains("race-unsafe"), "{err}");
    let (code, _, err) = threadlab(&["frob"]);
    assert_eq!(code, 1);
    assert!(err.contains("frob"), "{err}");
    let (code, _, err) = threadlab(&["run", "--preset", "race-mutex", "--policy", "no-such-policy"]);
    assert_eq!(code, 1);
    assert!(err.contains("no-such-policy"), "{err}");
}

/// `--policy rr` on a FCFS scenario gets the same default quantum as the page (4 ticks).
#[test]
fn round_robin_without_quantum_uses_the_default() {
    let (code, out, _) =
        threadlab(&["run", "--preset", "mixed-fcfs-1cpu", "--policy", "rr", "--cpus", "2", "--seed", "9"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The JSON records the settings that produced it.
    assert_eq!(v["settings"]["scheduler"]["policy"], "rr");
    assert_eq!(v["settings"]["scheduler"]["quantum"], 4);
    assert_eq!(v["settings"]["machine"]["cpus"], 2);
    assert_eq!(v["settings"]["seed"], 9);
    let (_, explicit, _) = threadlab(&[
        "run",
        "--preset",
        "mixed-fcfs-1cpu",
        "--policy",
        "rr",
        "--quantum",
        "4",
        "--cpus",
        "2",
        "--seed",
        "9",
    ]);
    assert_eq!(out, explicit);
}

/// A reader that closes the pipe early (`threadlab … | head`): the program stops quietly, as Unix
/// filters do, instead of panicking with "failed printing to stdout: Broken pipe".
#[test]
fn closed_stdout_ends_quietly() {
    use std::process::Stdio;
    // Each output is far larger than a pipe's 64 KiB buffer (race-mutex's trace has over 1000
    // events; the sweep's JSON is smaller, so it is checked for a clean exit the same way), so
    // the program is still writing when the read end is gone.
    for args in [
        &["run", "--preset", "race-mutex", "--trace"][..],
        &["presets"][..],
        &["sweep", "--preset", "mixed-rr-1cpu", "--param", "quantum", "--range", "1..40", "--json"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_threadlab"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        drop(child.stdout.take()); // close the read end before the program writes
        let out = child.wait_with_output().expect("waits");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?} wrote to stderr: {err}");
    }
}

#[test]
fn help_lists_the_policies_and_a_word_for_cpus_is_explained() {
    // The walk: `run --help` named no policy key; `--cpus two` answered "invalid digit found in string".
    let (code, out, _) = threadlab(&["run", "--help"]);
    assert_eq!(code, 0);
    for p in threadlab::model::scenario::Policy::ALL {
        assert!(out.contains(p.key()), "`{}` is not listed in run --help:\n{out}", p.key());
    }
    let (code, _, err) = threadlab(&["run", "--preset", "race-unsafe", "--cpus", "two"]);
    assert_eq!(code, 1, "a usage error, as every bad flag");
    assert!(err.contains("`two` is not a whole number of CPUs (1 to 64)"), "{err}");
    assert!(!err.contains("invalid digit"), "{err}");
    let (code, _, err) = threadlab(&["run", "--preset", "race-unsafe", "--policy", "lifo"]);
    assert_eq!(code, 1);
    assert!(err.contains("fcfs") && err.contains("rr"), "the keys are listed: {err}");
}

/// A `"start": "created"` slot that no `create` reaches: the run completes (status 0, `kind`
/// `completed`) and the JSON names the slot in `never_created` and in the message.
#[test]
fn a_slot_never_created_is_named() {
    let dir = std::env::temp_dir().join(format!("threadlab-cli-slot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("slot.json");
    let text = r#"{"name":"x","processes":[{"name":"p","programs":{"worker":"compute 1"},"threads":[
        {"name":"main","code":"compute 2"},{"name":"w1","program":"worker","start":"created"}]}]}"#;
    std::fs::write(&path, text).unwrap();
    let (code, out, err) = threadlab(&["run", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"], serde_json::json!({ "kind": "completed", "never_created": ["p/w1"] }));
    let message = v["message"].as_str().unwrap();
    assert!(
        message.starts_with("every started thread finished, but 1 thread slot was never created: p/w1"),
        "{message}"
    );
    // The slot never existed: no arrival (null), not an arrival at 0; main arrived at 0.
    assert_eq!(v["metrics"]["threads"][0]["arrival"], 0);
    assert_eq!(v["metrics"]["threads"][1]["name"], "w1");
    assert_eq!(v["metrics"]["threads"][1]["arrival"], serde_json::Value::Null);
    std::fs::remove_dir_all(&dir).ok();
}

/// `--thread-create-ticks N` sets what each `create` costs main: in threads-create-join main's
/// four creates run back to back from 0 (as in tests/threads.rs's preset test, 14 each: workers
/// arrive at 14, 28, 42, 56), so with 20 the k-th worker arrives at 20k: 20, 40, 60, 80. The
/// JSON's settings show the value; one out of range is refused, naming the flag.
#[test]
fn thread_create_ticks_flag_sets_the_creation_cost() {
    let arrivals = |extra: &[&str]| {
        let mut args = vec!["run", "--preset", "threads-create-join"];
        args.extend_from_slice(extra);
        let (code, out, err) = threadlab(&args);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let a: Vec<u64> = (1..=4).map(|t| v["metrics"]["threads"][t]["arrival"].as_u64().unwrap()).collect();
        (a, v["settings"]["machine"]["thread_create_ticks"].clone())
    };
    assert_eq!(arrivals(&[]).0, vec![14, 28, 42, 56]);
    assert_eq!(arrivals(&["--thread-create-ticks", "20"]), (vec![20, 40, 60, 80], serde_json::json!(20)));
    let (code, _, err) = threadlab(&["run", "--preset", "threads-create-join", "--thread-create-ticks", "1000000001"]);
    assert_ne!(code, 0);
    assert!(err.contains("--thread-create-ticks"), "{err}");
}

/// Processes created at run time in the CLI's JSON: `--spawn-ticks N` sets what each `spawn`
/// costs main: in processes-memory main's eight spawns run back to back from 0, so worker k
/// (pid k) is created at k × N: 8 × 1,279 = 10,232 by default, 8 × 100 = 800 with 100. Each
/// process lists its parent and children, and the run lists the processes born. `--fork-ticks 0`
/// is refused, naming the flag (a new process takes at least a tick to set up).
#[test]
fn spawn_and_fork_flags_and_the_process_list() {
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--preset", "processes-memory"];
        args.extend_from_slice(extra);
        let (code, out, err) = threadlab(&args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let v = run(&[]);
    let memory = v["metrics"]["memory"].as_array().unwrap();
    assert_eq!(memory.len(), 9);
    assert_eq!(memory[8]["created"], 10_232);
    assert_eq!(memory[0]["children"], serde_json::json!([1, 2, 3, 4, 5, 6, 7, 8]));
    assert_eq!(
        (memory[3]["parent"].clone(), memory[3]["origin"].clone()),
        (0.into(), serde_json::json!({"spawned": {"program": 0}}))
    );
    assert_eq!(memory[8]["process"], "worker.8");
    // Each worker's own 22 pages and 16 code pages shared: RSS 38 pages.
    assert_eq!(memory[1]["rss_bytes"], 38 * 4096);
    assert_eq!(v["metrics"]["peak_resident_bytes"], 214 * 4096);
    let v = run(&["--spawn-ticks", "100"]);
    assert_eq!(v["metrics"]["memory"][8]["created"], 800);
    assert_eq!(v["settings"]["machine"]["spawn_ticks"], 100);
    let (code, _, err) = threadlab(&["run", "--preset", "fork-copy", "--fork-ticks", "0"]);
    assert_ne!(code, 0);
    assert!(err.contains("--fork-ticks") && err.contains("must be 1 to"), "{err}");
}

/// `--cow-copy-ticks N`: in fork-copy main's store after the fork (x = 10) copies the shared page
/// first, so it completes exactly N − 3 ticks later than with the default of 3 (at 164: set 0–1,
/// store 1–2, fork 2–158, jeq 158–159, set 159–160, copy and store 160–164); the trace records
/// the copy, of page 1 (data) of pid 0, when the store starts.
#[test]
fn cow_copy_ticks_flag_sets_the_page_copy_cost() {
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "--preset", "fork-copy", "--trace"];
        args.extend_from_slice(extra);
        let (code, out, err) = threadlab(&args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let stored = |v: &serde_json::Value| {
        let events = v["trace"]["events"].as_array().unwrap();
        let e = events.iter().find(|e| e["type"] == "mem" && e["pid"] == 0 && e["value"] == 10).unwrap();
        e["time"].as_u64().unwrap()
    };
    let (default, slow) = (run(&[]), run(&["--cow-copy-ticks", "100"]));
    assert_eq!((stored(&default), stored(&slow)), (164, 261));
    let copies: Vec<&serde_json::Value> =
        default["trace"]["events"].as_array().unwrap().iter().filter(|e| e["type"] == "cow_copy").collect();
    assert_eq!(copies.len(), 1);
    assert_eq!(
        (copies[0]["time"].clone(), copies[0]["pid"].clone(), copies[0]["page"].clone()),
        (160.into(), 0.into(), 1.into())
    );
    assert_eq!(default["metrics"]["memory"][0]["cow_copies"], 1);
}

/// The fork hazard through the CLI: a deadlock whose message says the lock's holder was not
/// copied; exit status 3, as for any run that did not complete.
#[test]
fn fork_held_lock_reports_the_uncopied_holder() {
    let (code, out, err) = threadlab(&["run", "--preset", "fork-held-lock"]);
    assert_eq!(code, 3, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"]["kind"], "deadlock");
    let message = v["outcome"]["message"].as_str().unwrap();
    assert!(message.contains("a thread that `fork` did not copy into app.1"), "{message}");
}

/// `threadlab run --cpus 2` under a policy labelled "(one CPU)": an x86.py scenario and a
/// preset under `scripted` and `process_run` run one thread at a time, the second CPU idle, and
/// end as on one CPU. (Before, x86's and the scripted policy ran a thread on each CPU.)
#[test]
fn a_one_cpu_policy_leaves_the_other_cpus_idle() {
    let program = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/x86/counter.s");
    let (code, scenario, err) =
        threadlab(&["ostep", "x86", "-p", program, "-t", "2", "-i", "2", "-a", "bx=3", "--scenario"]);
    assert_eq!(code, 0, "{err}");
    let dir = std::env::temp_dir().join(format!("threadlab-cli-one-cpu-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("x86.json");
    std::fs::write(&path, scenario).unwrap();
    let path = path.to_str().unwrap();
    let json = |out: &str| serde_json::from_str::<serde_json::Value>(out).unwrap();
    for args in [
        vec!["run", path],
        vec!["run", "--preset", "race-twice", "--policy", "scripted"],
        vec!["run", "--preset", "mixed-fcfs-1cpu", "--policy", "process_run"],
    ] {
        let (_, one, _) = threadlab(&args);
        let mut two_args = args.clone();
        two_args.extend(["--cpus", "2"]);
        let (code, two, err) = threadlab(&two_args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let (one, two) = (json(&one), json(&two));
        assert_eq!(two["settings"]["machine"]["cpus"], 2);
        assert_eq!(two["metrics"]["cpus"][1]["busy"], 0, "{args:?}: {}", two["metrics"]["cpus"]);
        assert_eq!(two["metrics"]["cpus"][0]["busy"], one["metrics"]["cpus"][0]["busy"], "{args:?}");
        assert_eq!(two["metrics"]["variables"], one["metrics"]["variables"], "{args:?}");
        assert_eq!(two["metrics"]["makespan"], one["metrics"]["makespan"], "{args:?}");
    }
}
