//! Runs every shipped preset inside the browser (wasm32, headless Chromium) and checks that the
//! outcome and metrics are byte-for-byte the golden files that the native test
//! `tests/golden_presets.rs` pins, both run directly and run from the loaded run's bytes as the
//! page sends them to its simulation worker. So the page computes exactly what the CLI computes.
//!
//! Run (scripts/test.sh does this):
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner CHROMEDRIVER=/usr/bin/chromedriver \
//!  cargo test --target wasm32-unknown-unknown --test wasm_presets`
//!
//! A new preset needs a line in `goldens!` below (the `every_preset_has_a_golden` test fails
//! until it has one) and a golden file (`UPDATE_GOLDEN=1 cargo test --test golden_presets`).

#![cfg(target_arch = "wasm32")]

use threadlab::messaging::loaded;
use threadlab::model::{self, LoadedRun, Recording, RunResult, Simulation};
use threadlab::presets::PRESETS;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The same JSON as `summary_json` in `tests/golden_presets.rs`, computed in wasm.
fn summary_json(json: &str) -> String {
    let scenario = model::Scenario::from_json(json).expect("preset parses");
    let (_, result) = model::run(&scenario).expect("preset loads");
    summary_of(&result)
}

/// As [`summary_json`], the run decoded from the bytes the page sends the simulation worker
/// and run as the worker runs it.
fn summary_from_bytes(json: &str) -> String {
    let scenario = model::Scenario::from_json(json).expect("preset parses");
    let bytes = loaded::encode(&LoadedRun::load(&scenario).expect("preset loads"));
    let run = loaded::decode(&bytes).expect("the bytes read back");
    let (_, result) = Simulation::new(run, Recording::Full).finish();
    summary_of(&result)
}

fn summary_of(result: &RunResult) -> String {
    let value = serde_json::json!({ "outcome": result.outcome, "metrics": result.metrics });
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

/// A readable account of where two texts first differ, with a little context.
fn diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.lines().collect();
    let g: Vec<&str> = got.lines().collect();
    let first = (0..w.len().max(g.len())).find(|&i| w.get(i) != g.get(i)).unwrap_or(0);
    let mut out = format!("first difference at line {}:\n", first + 1);
    let from = first.saturating_sub(3);
    for i in from..(first + 4).min(w.len().max(g.len())) {
        match (w.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => out += &format!("   {a}\n"),
            (a, b) => {
                if let Some(a) = a {
                    out += &format!(" - {a}    (golden, native)\n");
                }
                if let Some(b) = b {
                    out += &format!(" + {b}    (wasm)\n");
                }
            }
        }
    }
    let changed = (0..w.len().max(g.len())).filter(|&i| w.get(i) != g.get(i)).count();
    out + &format!("{changed} line(s) differ in all ({} golden, {} wasm)", w.len(), g.len())
}

fn check(key: &str, golden: &str) {
    let preset = threadlab::presets::find(key)
        .unwrap_or_else(|| panic!("tests/golden/{key}.json has no preset `{key}` in threadlab::presets::PRESETS"));
    let got = summary_json(preset.json);
    assert!(got == golden, "preset `{key}`: wasm output differs from tests/golden/{key}.json\n{}", diff(golden, &got));
    let got = summary_from_bytes(preset.json);
    assert!(
        got == golden,
        "preset `{key}` from its bytes: differs from tests/golden/{key}.json\n{}",
        diff(golden, &got)
    );
}

macro_rules! goldens {
    ($($test:ident => $key:literal),* $(,)?) => {
        /// (key, golden JSON) for every preset, embedded at compile time.
        const GOLDENS: &[(&str, &str)] = &[
            $(($key, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/", $key, ".json")))),*
        ];
        $(
            #[wasm_bindgen_test]
            fn $test() {
                check($key, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/", $key, ".json")));
            }
        )*
    };
}

goldens! {
    preset_single_thread => "single-thread",
    preset_threads_create_join => "threads-create-join",
    preset_race_unsafe => "race-unsafe",
    preset_race_mutex => "race-mutex",
    preset_race_twice => "race-twice",
    preset_mixed_fcfs_1cpu => "mixed-fcfs-1cpu",
    preset_mixed_rr_1cpu => "mixed-rr-1cpu",
    preset_mixed_fcfs_2cpu => "mixed-fcfs-2cpu",
    preset_mixed_rr_2cpu => "mixed-rr-2cpu",
    preset_compare_policies => "compare-policies",
    preset_mlfq_interactive => "mlfq-interactive",
    preset_multicore_queues => "multicore-queues",
    preset_deadlock => "deadlock",
    preset_check_then_act => "check-then-act",
    preset_spin_vs_block => "spin-vs-block",
    preset_bounded_buffer => "bounded-buffer",
    preset_condvar_if_while => "condvar-if-while",
    preset_readers_writers => "readers-writers",
    preset_philosophers => "philosophers",
    preset_philosophers_ordered => "philosophers-ordered",
    preset_philosophers_seats => "philosophers-seats",
    preset_fork_copy => "fork-copy",
    preset_threads_memory => "threads-memory",
    preset_processes_memory => "processes-memory",
    preset_fork_held_lock => "fork-held-lock",
    preset_ipc_messages => "ipc-messages",
    preset_shared_race => "shared-race",
    preset_shared_lock => "shared-lock",
    preset_priority_inversion => "priority-inversion",
    preset_priority_inheritance => "priority-inheritance",
    preset_pipeline => "pipeline",
    preset_data_parallel => "data-parallel",
    preset_critical_section => "critical-section",
}

#[wasm_bindgen_test]
fn every_preset_has_a_golden() {
    let missing: Vec<&str> = PRESETS.iter().map(|p| p.key).filter(|k| !GOLDENS.iter().any(|(g, _)| g == k)).collect();
    assert!(
        missing.is_empty(),
        "presets without a golden in tests/wasm_presets.rs: {missing:?}\n\
         add `preset_x => \"KEY\"` to goldens! and run `UPDATE_GOLDEN=1 cargo test --test golden_presets`"
    );
    assert_eq!(GOLDENS.len(), PRESETS.len(), "goldens! lists a key twice or a key that is no preset");
}

/// The page's OSTEP entry point runs in wasm as natively: RR, q = 2 over jobs 3, 5, 1 ends them
/// at 6, 9 and 5 (worked in tests/ostep_scheduler.rs), and lottery's draws come from Python's
/// generator (seed 0's first number is 844422, CPython's).
#[wasm_bindgen_test]
fn ostep_command_runs_in_wasm() {
    let run = threadlab::ostep::run_command("./scheduler.py -p RR -q 2 -l 3,5,1 -c").expect("runs");
    assert!(run.text.contains("  [ time   8 ] Run job   1 for 1.00 secs ( DONE at 9.00 )\n"), "{}", run.text);
    let (_, r) = model::run(&run.scenario).expect("loads");
    let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(done, [6, 9, 5]);
    let run = threadlab::ostep::run_command("lottery.py -l 3:10,2:20 -q 2 -c").expect("runs");
    assert!(run.text.contains("Random 844422 -> Winning ticket 12 (of 30) -> Run 1\n"), "{}", run.text);
}
