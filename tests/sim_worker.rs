//! The simulation worker's jobs, driven as the worker binary drives them: a run answers with its
//! result in one buffer, equal to the model's own run; a broken scenario answers with its located
//! error; progress comes between slices, never for a quick run.

use std::cell::Cell;

use threadlab::messaging::wire::RunBytes;
use threadlab::messaging::{Fault, FromWorker, Job, Reply, RunJob, ToWorker};
use threadlab::model::{self, Scenario};
use threadlab::presets;
use threadlab::workers::simulation::{self, PROGRESS_EVERY_MS, SLICE_EVENTS};

/// Sends `scenario` as job 5 with a clock that moves `ms_per_look` ms each time it is read;
/// returns what the worker posted.
fn ask(scenario: &str, ms_per_look: f64) -> Vec<(FromWorker, Vec<Vec<u8>>)> {
    let now = Cell::new(0.0);
    let clock = || {
        now.set(now.get() + ms_per_look);
        now.get()
    };
    let mut posted = Vec::new();
    let job = Job::Run(RunJob { scenario: scenario.to_string(), fault: None });
    simulation::handle(ToWorker::Start { id: 5, job }, &clock, &mut |m, b| posted.push((m, b)));
    posted
}

fn big_run() -> String {
    std::fs::read_to_string("e2e/bench/big-run.json").unwrap()
}

#[test]
fn a_run_answers_with_the_models_result_in_one_buffer() {
    let text = presets::find("race-mutex").unwrap().json;
    let posted = ask(text, 0.0);
    assert_eq!(posted.len(), 1, "a quick run: no progress, one answer");
    let (FromWorker::Done { id: 5, reply: Reply::Run { .. } }, buffers) = &posted[0] else {
        panic!("{:?}", posted[0].0)
    };
    assert_eq!(buffers.len(), 1);
    let (_, expected) = model::run(&Scenario::from_json(text).unwrap()).unwrap();
    assert_eq!(RunBytes::decode(&buffers[0]).unwrap(), RunBytes::from_result(expected));
}

#[test]
fn a_broken_scenario_answers_with_an_error_not_a_result() {
    // The page checks scenarios before sending them, so this is a safeguard: the error is plain
    // (the page words and locates it again), but it says what and, for the loader, where.
    let text = "{\n  \"name\": \"x\",\n  \"machine\": { \"cpus\": 65 },\n  \"processes\": []\n}";
    let posted = ask(text, 0.0);
    let [(FromWorker::Failed { id: 5, error }, buffers)] = &posted[..] else { panic!("{posted:?}") };
    assert!(buffers.is_empty());
    assert_eq!(error.path, "machine.cpus");
    let text = r#"{"name":"x","processes":[{"name":"p","threads":[{"name":"m","code":["compute 1","lod r0"]}]}]}"#;
    let [(FromWorker::Failed { error, .. }, _)] = &ask(text, 0.0)[..] else { panic!() };
    assert_eq!((error.path.as_str(), error.line, error.column), ("processes[0].threads[0].code", Some(2), Some(1)));
    let [(FromWorker::Failed { error, .. }, _)] = &ask("{\"name\": ", 0.0)[..] else { panic!() };
    assert!(error.message.contains("EOF"), "{}", error.message);
}

#[test]
fn a_long_run_reports_progress_between_slices_then_its_result() {
    // Each look at the clock moves it 30 ms: a report at most every 100 ms, so about one per
    // four slices, the first after four slices (120 ms), never in the first slice.
    let posted = ask(&big_run(), 30.0);
    let (last, progress) = posted.split_last().unwrap();
    assert!(matches!(last.0, FromWorker::Done { id: 5, .. }));
    let events: Vec<u64> = progress
        .iter()
        .map(|(m, b)| match m {
            FromWorker::Progress { id: 5, progress } if b.is_empty() && !progress.finished => progress.events,
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(events.len() > 10, "{} reports", events.len());
    assert!(events.windows(2).all(|w| w[0] < w[1]), "progress only grows");
    assert!(events[0] >= 3 * SLICE_EVENTS, "the first report comes after {PROGRESS_EVERY_MS} ms: {}", events[0]);
}

#[test]
#[should_panic(expected = "asked to panic")]
fn the_panic_fault_panics() {
    let job = Job::Run(RunJob { scenario: String::new(), fault: Some(Fault::Panic) });
    simulation::handle(ToWorker::Start { id: 1, job }, &|| 0.0, &mut |_, _| {});
}
