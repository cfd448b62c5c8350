//! The command-line tool on the inter-process presets and errors: channels, shared segments,
//! priority inheritance, and the C5 speedup sweeps.

use std::process::Command;

fn threadlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_threadlab")).args(args).output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn run_preset(key: &str) -> serde_json::Value {
    let (code, out, err) = threadlab(&["run", "--preset", key]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// The consumer adds up 1 + 2 + … + 8 = 36 from the channel; the producer waited for room.
#[test]
fn messages_arrive_and_the_producer_waits_for_room() {
    let v = run_preset("ipc-messages");
    assert_eq!(v["outcome"]["kind"], "completed");
    let total = &v["metrics"]["variables"][0];
    assert_eq!((total["process"].as_str(), total["value"].as_i64()), (Some("consumer"), Some(36)));
    assert!(v["metrics"]["threads"][0]["lock_wait"].as_u64().unwrap() > 0);
}

/// Both processes see one `counter`: lost updates without the segment's lock, none with it.
#[test]
fn the_shared_counter_races_and_the_shared_lock_fixes_it() {
    let race = run_preset("shared-race");
    let vars = race["metrics"]["variables"].as_array().unwrap();
    assert_eq!(vars.len(), 2);
    assert_eq!(vars[0]["value"], vars[1]["value"]);
    assert!(vars[0]["value"].as_i64().unwrap() < 600);
    let locked = run_preset("shared-lock");
    assert!(locked["metrics"]["variables"].as_array().unwrap().iter().all(|v| v["value"] == 600));
}

/// `high` waits 50 ticks without inheritance, 10 with it (tests/priority_inheritance.rs).
#[test]
fn inheritance_shortens_high_s_wait() {
    let wait = |key| run_preset(key)["metrics"]["threads"][1]["lock_wait"].as_u64().unwrap();
    assert_eq!((wait("priority-inversion"), wait("priority-inheritance")), (50, 10));
}

/// The C5 presets' speedups against the CPU count: the pipeline stops at its 3 stages, the
/// split loop reaches about 4 on 4 CPUs.
#[test]
fn the_c5_presets_speed_up_with_cpus() {
    let speedups = |key: &str| {
        let (code, out, err) = threadlab(&[
            "sweep", "--preset", key, "--param", "cpus", "--values", "1..4", "--metric", "speedup", "--json",
        ]);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let points = v.pointer("/series/0/points").and_then(|p| p.as_array()).unwrap_or_else(|| panic!("{out}"));
        points.iter().map(|p| p["y"].as_f64().unwrap()).collect::<Vec<f64>>()
    };
    let p = speedups("pipeline");
    assert!((p[2] - 3.0).abs() < 0.1 && (p[3] - p[2]).abs() < 0.01, "{p:?}");
    let d = speedups("data-parallel");
    assert!(d[3] > 3.8, "{d:?}");
}

/// A program naming a channel the scenario does not declare: a located error and a failing exit.
#[test]
fn an_unknown_channel_is_a_located_error() {
    let dir = std::env::temp_dir().join(format!("threadlab-cli-ipc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"format": 2, "name": "bad", "processes": [{"name": "p", "threads": [{"name": "t", "code": ["send pipe, 1"]}]}]}"#,
    )
    .unwrap();
    let (code, _, err) = threadlab(&["run", file.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("processes[0].threads[0].code"), "{err}");
    assert!(err.contains("unknown channel `pipe`"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
