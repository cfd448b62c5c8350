//! The simulation worker's jobs, driven as the worker binary drives them: a loaded run's bytes
//! answer with the result in one buffer, equal to the model's own run; bytes that are not a
//! loaded run answer with an error that says so; progress comes between slices, never for a
//! quick run.

use std::cell::Cell;

use threadlab::messaging::loaded;
use threadlab::messaging::wire::RunBytes;
use threadlab::messaging::{self, Fault, FromWorker, Job, ReadError, Reply, RunJob, ToWorker};
use threadlab::model::{self, LoadedRun, Scenario};
use threadlab::presets;
use threadlab::workers::simulation::{self, PROGRESS_EVERY_MS, SLICE_EVENTS};

/// The bytes the page sends for the scenario `text`.
fn input(text: &str) -> Vec<u8> {
    loaded::encode(&LoadedRun::load(&Scenario::from_json(text).unwrap()).unwrap())
}

/// Sends `buffers` as job 5 with a clock that moves `ms_per_look` ms each time it is read;
/// returns what the worker posted.
fn ask(buffers: &[Vec<u8>], ms_per_look: f64) -> Vec<(FromWorker, Vec<Vec<u8>>)> {
    let now = Cell::new(0.0);
    let clock = || {
        now.set(now.get() + ms_per_look);
        now.get()
    };
    let mut posted = Vec::new();
    let job = Job::Run(RunJob { fault: None });
    simulation::handle(ToWorker::Start { id: 5, job }, buffers, &clock, &mut |m, b| posted.push((m, b)));
    posted
}

fn big_run() -> String {
    std::fs::read_to_string("e2e/bench/big-run.json").unwrap()
}

#[test]
fn a_run_answers_with_the_models_result_in_one_buffer() {
    let text = presets::find("race-mutex").unwrap().json;
    let posted = ask(&[input(text)], 0.0);
    assert_eq!(posted.len(), 1, "a quick run: no progress, one answer");
    let (FromWorker::Done { id: 5, reply: Reply::Run { .. } }, buffers) = &posted[0] else {
        panic!("{:?}", posted[0].0)
    };
    assert_eq!(buffers.len(), 1);
    let (_, expected) = model::run(&Scenario::from_json(text).unwrap()).unwrap();
    assert_eq!(RunBytes::decode(&buffers[0]).unwrap(), RunBytes::from_result(expected));
}

#[test]
fn bytes_that_are_not_a_loaded_run_answer_with_an_error_not_a_result() {
    // The page loads scenarios before sending them, so this is a safeguard against a bug: the
    // answer says the run could not be read, and nothing runs.
    let whole = input(presets::find("race-mutex").unwrap().json);
    for buffers in [vec![], vec![whole[..whole.len() / 2].to_vec()], vec![vec![0xff; 16]]] {
        let posted = ask(&buffers, 0.0);
        let [(FromWorker::Failed { id: 5, message }, out)] = &posted[..] else { panic!("{posted:?}") };
        assert!(out.is_empty());
        assert!(message.starts_with("the run to simulate could not be read"), "{message}");
    }
}

#[test]
fn a_long_run_reports_progress_between_slices_then_its_result() {
    // Each look at the clock moves it 30 ms: a report at most every 100 ms, so about one per
    // four slices, the first after four slices (120 ms), never in the first slice.
    let posted = ask(&[input(&big_run())], 30.0);
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
    // The fault comes before the input is read: the page sends a real run with it.
    let job = Job::Run(RunJob { fault: Some(Fault::Panic) });
    simulation::handle(ToWorker::Start { id: 1, job }, &[], &|| 0.0, &mut |_, _| {});
}

#[test]
fn the_control_messages_cross_as_bytes_both_ways() {
    // As the page and the worker binary do: the page writes Start, the worker reads it, runs,
    // and writes each answer; the page reads them back to the same messages.
    let start = ToWorker::Start { id: 9, job: Job::Run(RunJob { fault: None }) };
    let received = messaging::read::<ToWorker>(&messaging::write(&start)).unwrap();
    assert_eq!(received, start);
    let mut answers = Vec::new();
    let input = input(presets::find("race-mutex").unwrap().json);
    simulation::handle(received, &[input], &|| 0.0, &mut |m, _| answers.push(messaging::write(&m)));
    let [answer] = &answers[..] else { panic!("{answers:?}") };
    let read = messaging::read::<FromWorker>(answer).unwrap();
    assert!(matches!(read, FromWorker::Done { id: 9, reply: Reply::Run { .. } }), "{read:?}");
}

#[test]
fn a_stale_or_garbled_control_message_is_an_error_not_a_panic() {
    // A worker one version behind: its first byte (the version's varint) says so.
    let mut stale = messaging::write(&FromWorker::Ready);
    stale[0] = (messaging::PROTOCOL - 1) as u8;
    let error = messaging::read::<FromWorker>(&stale).unwrap_err();
    assert_eq!(error, ReadError::Version { theirs: messaging::PROTOCOL - 1 });
    assert!(error.to_string().contains("reload the page"), "{error}");
    // A Start cut short, and one with a byte too many.
    let start = messaging::write(&ToWorker::Start { id: 1_000, job: Job::Run(RunJob { fault: None }) });
    let cut = messaging::read::<ToWorker>(&start[..start.len() - 1]);
    assert!(matches!(cut, Err(ReadError::Garbled(_))), "{cut:?}");
    let padded = messaging::read::<ToWorker>(&[&start[..], &[0]].concat());
    assert!(matches!(padded, Err(ReadError::Garbled(_))), "{padded:?}");
}
