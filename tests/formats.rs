//! Scenario files carry a format version; files of every earlier version keep loading.
//! `tests/fixtures/v1/` holds files as the first release wrote them: its presets, and a file
//! exported by its page.

use threadlab::model::scenario::{FORMAT, Policy, TieRule};
use threadlab::model::{self, Scenario};
use threadlab::presets::PRESETS;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// Each first-release preset loads, migrates, and runs exactly as today's preset does (presets
/// added since have no version-1 file).
#[test]
fn version_1_presets_run_as_todays() {
    let dir = format!("{}/tests/fixtures/v1", env!("CARGO_MANIFEST_DIR"));
    let mut keys: Vec<String> = (std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().file_name().into_string().unwrap().trim_end_matches(".json").to_string())
        .filter(|k| k != "exported-by-the-first-page")
        .collect();
    keys.sort();
    assert_eq!(keys.len(), 8, "the first release shipped eight presets");
    for key in keys {
        let p = threadlab::presets::find(&key).unwrap_or_else(|| panic!("first-release preset `{key}` is gone"));
        let mut old = Scenario::from_json(&fixture(&format!("v1/{key}.json"))).unwrap();
        let new = p.scenario().unwrap();
        // A description is words, which may be reworded since (µs where it said ticks).
        assert!(!old.description.is_empty() && !new.description.is_empty(), "{}", p.key);
        old.description.clone_from(&new.description);
        assert_eq!(old, new, "{}: the migrated scenario differs", p.key);
        let (_, a) = model::run(&old).unwrap();
        let (_, b) = model::run(&new).unwrap();
        assert_eq!(a.metrics, b.metrics, "{}", p.key);
    }
}

/// The first page exported FCFS with the quantum and tie rule it had before: they are dropped.
#[test]
fn a_version_1_export_with_unused_settings_loads() {
    let s = Scenario::from_json(&fixture("v1/exported-by-the-first-page.json")).unwrap();
    assert_eq!(s.format, FORMAT);
    assert_eq!(s.scheduler.policy(), Policy::Fcfs);
    assert_eq!(s.scheduler.quantum(), None);
    let (_, r) = model::run(&s).unwrap();
    assert_eq!(r.metrics.threads.len(), 2);
}

#[test]
fn version_1_round_robin_keeps_its_quantum_and_tie_rule() {
    let text = r#"{"name":"x","scheduler":{"policy":"rr","quantum":7,"tie":"preempted_first"},
        "processes":[{"name":"p","threads":[{"name":"m","code":"compute 1"}]}]}"#;
    let s = Scenario::from_json(text).unwrap();
    assert_eq!(
        (s.scheduler.policy(), s.scheduler.quantum(), s.scheduler.tie()),
        (Policy::RoundRobin, Some(7), TieRule::PreemptedFirst)
    );
}

/// Export writes the current format and reads back unchanged.
#[test]
fn export_round_trips_in_the_current_format() {
    for p in PRESETS {
        let s = p.scenario().unwrap();
        let text = s.to_json();
        assert!(text.contains(&format!("\"format\": {FORMAT}")), "{text}");
        assert_eq!(Scenario::from_json(&text).unwrap(), s, "{}", p.key);
    }
}

#[test]
fn a_newer_format_is_refused_with_a_reason() {
    let e = Scenario::from_json(r#"{"format": 99, "name": "x", "processes": []}"#).unwrap_err();
    assert_eq!(e.path, "format");
    assert!(e.message.contains("newer version"), "{}", e.message);
}

/// In the current format a policy takes only its own parameters, and errors name them.
#[test]
fn policy_parameters_are_checked_per_policy() {
    let with = |sched: &str| {
        Scenario::from_json(&format!(
            r#"{{"format":2,"name":"x","scheduler":{sched},"processes":[{{"name":"p","threads":[{{"name":"m","code":"compute 1"}}]}}]}}"#
        ))
    };
    let e = with(r#"{"policy":"fcfs","quantum":4}"#).unwrap_err();
    assert_eq!(e.path, "scheduler.quantum");
    assert!(e.message.contains("unknown field `quantum`"), "{}", e.message);
    let e = with(r#"{"policy":"rr","quantum":"two"}"#).unwrap_err();
    assert_eq!(e.path, "scheduler.quantum");
    let e = with(r#"{"policy":"rr"}"#).unwrap_err();
    assert!(e.message.contains("quantum"), "{}", e.message);
    let e = with(r#"{"policy":"lottery-ish"}"#).unwrap_err();
    assert_eq!(e.path, "scheduler.policy");
    assert!(e.message.contains("`fcfs`") && e.message.contains("`rr`"), "{}", e.message);
    assert!(with(r#"{"policy":"rr","quantum":2,"tie":"preempted_first"}"#).is_ok());
}

/// Scheduling attributes sit on processes (defaults for their threads) and threads.
#[test]
fn scheduling_attributes_resolve_thread_then_process() {
    let s = Scenario::from_json(
        r#"{"format":2,"name":"x","machine":{"cpus":4},"processes":[{"name":"p","priority":3,"tickets":50,"affinity":[1,2],
            "threads":[{"name":"a","code":"compute 1"},{"name":"b","priority":1,"nice":-5,"expected_burst":8,"affinity":[0],"code":"compute 1"}]}]}"#,
    )
    .unwrap();
    let sys = threadlab::model::System::load(&s).unwrap();
    let (a, b) = (&sys.threads[0].attrs, &sys.threads[1].attrs);
    assert_eq!((a.priority, a.nice, a.tickets, a.expected_burst, a.affinity), (3, 0, 50, None, Some(0b110)));
    assert_eq!((b.priority, b.nice, b.tickets, b.expected_burst, b.affinity), (1, -5, 50, Some(8), Some(0b1)));
    assert!(a.allows(2) && !a.allows(0));
    let bad = |attr: &str| {
        let text = format!(
            r#"{{"format":2,"name":"x","machine":{{"cpus":2}},"processes":[{{"name":"p","threads":[{{"name":"a",{attr},"code":"compute 1"}}]}}]}}"#
        );
        threadlab::model::System::load(&Scenario::from_json(&text).unwrap()).unwrap_err()
    };
    assert_eq!(bad(r#""nice":20"#).path, "processes[0].threads[0].nice");
    assert_eq!(bad(r#""tickets":0"#).path, "processes[0].threads[0].tickets");
    assert!(bad(r#""affinity":[2]"#).message.contains("CPU 2 does not exist"));
    assert!(bad(r#""affinity":[]"#).message.contains("at least one CPU"));
}
