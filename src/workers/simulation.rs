//! The simulation worker's jobs, without the browser: what it does with each
//! [`ToWorker`] message and what it answers ([`FromWorker`]). The worker binary
//! (`src/bin/sim_worker.rs`) only moves messages in and out; the native tests drive this.
//!
//! A run advances the resumable [`Simulation`] in slices of [`SLICE_EVENTS`] events and, between
//! slices, reports its progress at most every [`PROGRESS_EVERY_MS`], the first time only after
//! that long: a run of a few milliseconds reports none, so the page shows no progress bar for it.

use crate::messaging::wire::RunBytes;
use crate::messaging::{Fault, FromWorker, Job, Reply, RunJob, ToWorker};
use crate::model::{LoadedRun, Progress, Recording, Scenario, ScenarioError, Simulation};

/// Events per slice of a run (between two looks at the clock): well under a millisecond of
/// simulation in Chromium (about 5 million events per second on the reference machine, see
/// `scripts/bench.sh`).
pub const SLICE_EVENTS: u64 = 2_048;

/// Least wall-clock time between two progress reports, and before the first, in ms.
pub const PROGRESS_EVERY_MS: f64 = 100.0;

/// Handles one message. `clock` reads a wall clock in ms; `post` sends a message to the page
/// with the buffers that travel beside it.
pub fn handle(message: ToWorker, clock: &dyn Fn() -> f64, post: &mut dyn FnMut(FromWorker, Vec<Vec<u8>>)) {
    match message {
        ToWorker::Start { id, job: Job::Run(job) } => {
            let started = clock();
            let mut last = started;
            let mut report = |progress: Progress| {
                let now = clock();
                if now - last >= PROGRESS_EVERY_MS {
                    last = now;
                    post(FromWorker::Progress { id, progress }, Vec::new());
                }
            };
            match run(&job, &mut report) {
                Ok(bytes) => {
                    let encoded = bytes.encode();
                    let millis = clock() - started;
                    post(FromWorker::Done { id, reply: Reply::Run { millis } }, vec![encoded]);
                }
                Err(error) => post(FromWorker::Failed { id, error }, Vec::new()),
            }
        }
    }
}

/// Runs `job`'s scenario to its end with the full trace, calling `between_slices` with the
/// progress after every slice. Errors: the scenario is invalid. The page checks a scenario
/// before asking for its run, so this is only a safeguard: the error is plain (serde's or the
/// loader's message, not located in the text), and the page words and locates it again.
pub fn run(job: &RunJob, between_slices: &mut dyn FnMut(Progress)) -> Result<RunBytes, ScenarioError> {
    match job.fault {
        Some(Fault::Hang) => loop {
            std::hint::spin_loop();
        },
        Some(Fault::Panic) => panic!("the simulation worker was asked to panic (debug-worker=panic)"),
        None => {}
    }
    let scenario = Scenario::from_json_unchecked(&job.scenario)?;
    let mut sim = Simulation::new(LoadedRun::load(&scenario)?, Recording::Full);
    while !sim.advance(SLICE_EVENTS).finished {
        between_slices(sim.progress());
    }
    let (_, result) = sim.finish();
    Ok(RunBytes::from_result(result))
}
