//! The simulation worker's jobs, without the browser: what it does with each
//! [`ToWorker`] message and what it answers ([`FromWorker`]). The worker binary
//! (`src/bin/sim_worker.rs`) only moves messages in and out; the native tests drive this.
//!
//! A run advances the resumable [`Simulation`] in slices of [`SLICE_EVENTS`] events and, between
//! slices, reports its progress at most every [`PROGRESS_EVERY_MS`], the first time only after
//! that long: a run of a few milliseconds reports none, so the page shows no progress bar for it.

use crate::messaging::loaded::{self, LoadedWireError};
use crate::messaging::wire::RunBytes;
use crate::messaging::{Fault, FromWorker, Job, Reply, RunJob, ToWorker};
use crate::model::{Progress, Recording, Simulation};

/// Events per slice of a run (between two looks at the clock): well under a millisecond of
/// simulation in Chromium (about 5 million events per second on the reference machine, see
/// `scripts/bench.sh`).
pub const SLICE_EVENTS: u64 = 2_048;

/// Least wall-clock time between two progress reports, and before the first, in ms.
pub const PROGRESS_EVERY_MS: f64 = 100.0;

/// Handles one message and the buffers that came beside it. `clock` reads a wall clock in ms;
/// `post` sends a message to the page with the buffers that travel beside it.
pub fn handle(
    message: ToWorker,
    buffers: &[Vec<u8>],
    clock: &dyn Fn() -> f64,
    post: &mut dyn FnMut(FromWorker, Vec<Vec<u8>>),
) {
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
            let input = buffers.first().map_or(&[][..], Vec::as_slice);
            match run(&job, input, &mut report) {
                Ok(bytes) => {
                    let encoded = bytes.encode();
                    let millis = clock() - started;
                    post(FromWorker::Done { id, reply: Reply::Run { millis } }, vec![encoded]);
                }
                Err(e) => post(FromWorker::Failed { id, message: e.to_string() }, Vec::new()),
            }
        }
    }
}

/// Runs the loaded run in `input` ([`loaded::encode`]'s bytes) to its end with the full trace,
/// calling `between_slices` with the progress after every slice. Errors: `input` is not a loaded
/// run (the page built it from a scenario it had checked, so only a bug or a build mismatch).
pub fn run(job: &RunJob, input: &[u8], between_slices: &mut dyn FnMut(Progress)) -> Result<RunBytes, LoadedWireError> {
    match job.fault {
        Some(Fault::Hang) => loop {
            std::hint::spin_loop();
        },
        Some(Fault::Panic) => panic!("the simulation worker was asked to panic (debug-worker=panic)"),
        None => {}
    }
    let mut sim = Simulation::new(loaded::decode(input)?, Recording::Full);
    while !sim.advance(SLICE_EVENTS).finished {
        between_slices(sim.progress());
    }
    let (_, result) = sim.finish();
    Ok(RunBytes::from_result(result))
}
