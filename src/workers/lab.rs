//! A lab panel's worker's jobs, without the browser: what it does with each message from the
//! page, from its reader worker and from its simulation worker, and what it sends to each. The
//! worker binaries (`src/bin/{compare,sweep,exercise}_worker.rs`, through
//! `src/workers/lab_web.rs`) only move messages; the native tests drive this with the reader's
//! and the simulation worker's own handlers standing in for those workers.
//!
//! A [`ToLab::Start`] is read into a [`Work`] ([`crate::lab`]); compare and sweep first have
//! the scenario in use read ([`crate::lab::needs_base`]). Each run the work needs is a read
//! (the text and the run's edits) sent to the reader, whose loaded run goes as it came to the
//! simulation worker; when every run's result is in, the page gets [`FromLab::Done`] with the
//! markup. Both workers answer in order, so run `i` has id `first + i` with each. Meanwhile the
//! page hears [`FromLab::Counted`] at most every [`PROGRESS_EVERY_MS`], the first time only after
//! that long (a quick job reports nothing). A new job replaces one in progress (the page
//! replaces a busy worker anyway); answers about an old one are ignored by their ids.

use crate::lab::{self, Base, Planned, Work};
use crate::messaging::lab::{FromLab, LabJob, ToLab};
use crate::messaging::reader::{FromReader, ToReader};
use crate::messaging::wire::RunBytes;
use crate::messaging::{FromWorker, Job, Reply, RunJob, ToWorker};

pub use super::simulation::PROGRESS_EVERY_MS;

/// Where a message goes.
#[derive(Debug, PartialEq)]
pub enum Out {
    /// To the page.
    Page(FromLab),
    /// To the lab worker's reader worker.
    Reader(ToReader),
    /// To the lab worker's simulation worker, with its buffers.
    Sim(ToWorker, Vec<Vec<u8>>),
}

/// How a lab worker reads a form: one panel's ([`lab::compare_task`]…), or any ([`lab::task`]).
pub type ReadForm = fn(&LabJob, Option<&Base>) -> Work;

/// Where a job is.
enum Stage {
    /// Waiting for the reader's answer `request` about the scenario in use.
    Base { job: LabJob, request: u64 },
    /// Its runs: ids `first..first + total` with both workers.
    Runs { work: Work, first: u64, total: usize, results: Vec<RunBytes> },
}

/// A job in progress.
struct Current {
    id: u64,
    stage: Stage,
    started: f64,
    reported: f64,
}

/// A lab worker's state: the job in progress, its workers' readiness, and what waits for them.
pub struct LabWorker {
    read: ReadForm,
    current: Option<Current>,
    reader_ready: bool,
    sim_ready: bool,
    /// Messages held until their worker says it is ready (a worker still loading drops them).
    to_reader: Vec<ToReader>,
    to_sim: Vec<(ToWorker, Vec<Vec<u8>>)>,
    next: u64,
}

impl LabWorker {
    /// A lab worker reading forms with `read`, whose workers have not said they are ready yet.
    pub fn new(read: ReadForm) -> LabWorker {
        LabWorker {
            read,
            current: None,
            reader_ready: false,
            sim_ready: false,
            to_reader: Vec::new(),
            to_sim: Vec::new(),
            next: 0,
        }
    }

    /// Handles a message from the page at wall-clock time `now` (ms).
    pub fn from_page(&mut self, message: ToLab, now: f64) -> Vec<Out> {
        let ToLab::Start { id, job } = message;
        let mut out = Vec::new();
        if lab::needs_base(job.panel) {
            self.next += 1;
            let request = self.next;
            self.send_reader(ToReader::Read { id: request, job: lab::read_job(&job.scenario, Vec::new()) }, &mut out);
            self.current = Some(Current { id, stage: Stage::Base { job, request }, started: now, reported: now });
        } else {
            let work = (self.read)(&job, None);
            self.current = Some(Current { id, stage: Stage::Base { job, request: 0 }, started: now, reported: now });
            self.start_runs(work, &mut out);
        }
        out
    }

    /// Handles a message from the reader worker, with its buffers.
    pub fn from_reader(&mut self, message: FromReader, mut buffers: Vec<Vec<u8>>) -> Vec<Out> {
        let mut out = Vec::new();
        match message {
            FromReader::Ready => {
                self.reader_ready = true;
                out.extend(self.to_reader.drain(..).map(Out::Reader));
            }
            FromReader::Read { id, .. } => match self.current.as_mut().map(|c| &mut c.stage) {
                Some(Stage::Base { job, request }) if *request == id => {
                    let base = match Planned::from_answer(&job.scenario, &buffers) {
                        Ok(base) => base,
                        Err(e) => return self.crash(&format!("the reader's answer could not be read: {e}")),
                    };
                    let work = (self.read)(job, Some(&Ok(base)));
                    self.start_runs(work, &mut out);
                }
                Some(Stage::Runs { first, total, .. }) if (*first..*first + *total as u64).contains(&id) => {
                    let run = if buffers.len() == 2 { buffers.swap_remove(1) } else { Vec::new() };
                    self.send_sim(ToWorker::Start { id, job: Job::Run(RunJob { fault: None }) }, vec![run], &mut out);
                }
                _ => {}
            },
            FromReader::Refused { id, error, .. } => match self.current.as_mut().map(|c| &mut c.stage) {
                Some(Stage::Base { job, request }) if *request == id => {
                    let work = (self.read)(job, Some(&Err(error)));
                    self.start_runs(work, &mut out);
                }
                Some(Stage::Runs { first, total, .. }) if (*first..*first + *total as u64).contains(&id) => {
                    let run = (id - *first) as usize;
                    if let Some((id, Stage::Runs { work, .. })) = self.current.take().map(|c| (c.id, c.stage)) {
                        out.push(Out::Page(FromLab::Done { id, markup: work.refused(run, &error) }));
                    }
                }
                _ => {}
            },
            FromReader::Jobs { .. } => {}
            FromReader::Crashed { message } => return self.crash(&format!("its reader stopped: {message}")),
        }
        out
    }

    /// Handles a message from the simulation worker (with its buffers) at `now` (ms).
    pub fn from_sim(&mut self, message: FromWorker, buffers: Vec<Vec<u8>>, now: f64) -> Vec<Out> {
        let mut out = Vec::new();
        match message {
            FromWorker::Ready => {
                self.sim_ready = true;
                out.extend(self.to_sim.drain(..).map(|(m, b)| Out::Sim(m, b)));
            }
            FromWorker::Done { id, reply: Reply::Run { .. } } => {
                let Some(c) = self.current.as_mut() else { return out };
                let Stage::Runs { first, total, results, .. } = &mut c.stage else { return out };
                if id != *first + results.len() as u64 {
                    return out;
                }
                match buffers.first().map(|b| RunBytes::decode(b)) {
                    Some(Ok(bytes)) => results.push(bytes),
                    Some(Err(e)) => return self.fail(&e.to_string()),
                    None => return self.fail("a run came back without its result"),
                }
                if results.len() == *total {
                    if let Some((id, Stage::Runs { work, results, .. })) = self.current.take().map(|c| (c.id, c.stage))
                    {
                        out.push(Out::Page(FromLab::Done { id, markup: work.finish(&results) }));
                    }
                } else if now - c.started >= PROGRESS_EVERY_MS && now - c.reported >= PROGRESS_EVERY_MS {
                    c.reported = now;
                    let (done, total) = (results.len() as u32, *total as u32);
                    out.push(Out::Page(FromLab::Counted { id: c.id, done, total }));
                }
            }
            FromWorker::Failed { id, message } => {
                if let Some(Current { stage: Stage::Runs { first, total, .. }, .. }) = &self.current
                    && (*first..*first + *total as u64).contains(&id)
                {
                    return self.fail(&format!("a run could not be done: {message}"));
                }
            }
            FromWorker::Crashed { message } => return self.crash(&format!("its simulation worker stopped: {message}")),
            FromWorker::Progress { .. } => {}
        }
        out
    }

    /// Sends `work`'s reads, or its markup at once when it needs no run.
    fn start_runs(&mut self, work: Work, out: &mut Vec<Out>) {
        let Some(c) = self.current.as_mut() else { return };
        let reads = work.reads();
        if reads.is_empty() {
            let id = c.id;
            self.current = None;
            out.push(Out::Page(FromLab::Done { id, markup: work.finish(&[]) }));
            return;
        }
        let first = self.next + 1;
        self.next += reads.len() as u64;
        c.stage = Stage::Runs { work, first, total: reads.len(), results: Vec::new() };
        for (i, job) in reads.into_iter().enumerate() {
            self.send_reader(ToReader::Read { id: first + i as u64, job }, out);
        }
    }

    fn send_reader(&mut self, message: ToReader, out: &mut Vec<Out>) {
        if self.reader_ready {
            out.push(Out::Reader(message));
        } else {
            self.to_reader.push(message);
        }
    }

    fn send_sim(&mut self, message: ToWorker, buffers: Vec<Vec<u8>>, out: &mut Vec<Out>) {
        if self.sim_ready {
            out.push(Out::Sim(message, buffers));
        } else {
            self.to_sim.push((message, buffers));
        }
    }

    /// Ends the job in progress with `message` under its form.
    fn fail(&mut self, message: &str) -> Vec<Out> {
        match self.current.take() {
            Some(Current { id, stage: Stage::Runs { work, .. }, .. }) => {
                vec![Out::Page(FromLab::Done { id, markup: lab::fail(work, message) })]
            }
            _ => Vec::new(),
        }
    }

    /// Reports a crash (of one of its workers, or a message it cannot read): the page replaces
    /// this worker.
    fn crash(&mut self, why: &str) -> Vec<Out> {
        self.current = None;
        vec![Out::Page(FromLab::Crashed { message: format!("the lab worker stopped: {why}") })]
    }
}
