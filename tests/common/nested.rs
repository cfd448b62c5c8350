//! Drives a worker with nested workers (`threadlab::workers::nested`: a lab panel's, the OSTEP
//! mode's) as its binary does, with the reader worker's and the simulation worker's own handlers
//! standing in for its workers.

use std::collections::VecDeque;

use threadlab::messaging::FromWorker;
use threadlab::messaging::nested::{FromNested, ToNested};
use threadlab::messaging::reader::FromReader;
use threadlab::workers::nested::{AnswerOf, JobOf, Nested, Out, Planner};
use threadlab::workers::{reader, simulation};

/// Sends job `id` (`job`) to a fresh worker planning with `planner`, before its workers are
/// ready (as when a panel opens: what it sends them waits; a job that needs no run is answered
/// at once), then has each read done by the reader worker's handler and each run by the
/// simulation worker's, in the order they were sent (both workers answer in order); every run
/// done moves the clock `ms_per_step` ms. Returns what reached the page.
pub fn ask<P: Planner>(planner: P, id: u64, job: JobOf<P>, ms_per_step: f64) -> Vec<FromNested<AnswerOf<P>>> {
    let mut worker = Nested::new(planner);
    let mut now = 0.0;
    let mut page = Vec::new();
    let mut pending: VecDeque<Out<AnswerOf<P>>> = worker.from_page(ToNested::Start { id, job }, now).into();
    assert!(pending.iter().all(|o| matches!(o, Out::Page(_))), "nothing is sent before the workers are ready");
    pending.extend(worker.from_sim(FromWorker::Ready, Vec::new(), now));
    pending.extend(worker.from_reader(FromReader::Ready, Vec::new()));
    while let Some(out) = pending.pop_front() {
        let mut answers = Vec::new();
        match out {
            Out::Page(m) => page.push(m),
            Out::Reader(m) => {
                reader::handle(m, &mut |m, b| answers.push((m, b)));
                for (m, b) in answers {
                    pending.extend(worker.from_reader(m, b));
                }
            }
            Out::Sim(m, buffers) => {
                let mut answers = Vec::new();
                simulation::handle(m, &buffers, &|| 0.0, &mut |m, b| answers.push((m, b)));
                for (m, b) in answers {
                    now += ms_per_step;
                    pending.extend(worker.from_sim(m, b, now));
                }
            }
        }
    }
    page
}
