//! Pins each preset's outcome and metrics in `tests/golden/KEY.json`, so the wasm test
//! (`tests/wasm_presets.rs`) can check that the browser build computes the very same numbers.
//! These files are not hand-worked expectations (those are in `tests/scheduling.rs` and
//! friends); they pin native output for the cross-platform comparison and flag any drift.
//! After an intended model change: `UPDATE_GOLDEN=1 cargo test --test golden_presets`.

use threadlab::model;
use threadlab::presets::PRESETS;

/// The JSON both platforms must produce for a preset: outcome and metrics.
pub fn summary_json(json: &str) -> String {
    let scenario = model::Scenario::from_json(json).expect("preset parses");
    let (_, result) = model::run(&scenario).expect("preset loads");
    let value = serde_json::json!({ "outcome": result.outcome, "metrics": result.metrics });
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

#[test]
fn presets_match_their_golden_files() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut problems = Vec::new();
    for p in PRESETS {
        let path = format!("{dir}/{}.json", p.key);
        let got = summary_json(p.json);
        if update {
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(_) => problems.push(format!("{}: output differs from {path}", p.key)),
            Err(_) => problems.push(format!("{}: {path} is missing", p.key)),
        }
    }
    assert!(problems.is_empty(), "{}\n(run with UPDATE_GOLDEN=1 after an intended change)", problems.join("\n"));
}

#[test]
fn every_golden_file_has_a_preset() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let key = name.trim_end_matches(".json");
        assert!(threadlab::presets::find(key).is_some(), "stale golden file {name}");
    }
}
