//! A worker with a reader worker and a simulation worker of its own (a lab panel's, the OSTEP
//! mode's), without the browser: what it does with each message from the page, from its reader
//! worker and from its simulation worker, and what it sends to each. Its glue (`nested_web`,
//! wasm) only moves messages; the native tests drive this with the reader's and the simulation
//! worker's own handlers standing in for those workers.
//!
//! A [`Planner`] reads what the page asks ([`ToNested::Start`]) into [`Runs`], maybe after its
//! reader has read a text first ([`Begin::ReadFirst`]: the scenario a comparison varies), or
//! answers at once. Each run is a read ([`Runs::reads`]: a text and its edits) sent to the
//! reader, whose loaded run goes as it came to the simulation worker; when every run's result is
//! in, the page gets [`FromNested::Done`] with [`Runs::finish`]'s answer. Both workers answer in
//! order, so run `i` has id `first + i` with each. Meanwhile the page hears
//! [`FromNested::Counted`] at most every [`PROGRESS_EVERY_MS`], the first time only after that
//! long (a quick job reports nothing). A new job replaces one in progress (the page replaces a
//! busy worker anyway); answers about an old one are ignored by their ids. Messages wait until
//! their worker says it is ready (a worker still loading drops them).

use crate::messaging::nested::{Conversation, FromNested, ToNested};
use crate::messaging::reader::{FromReader, ReadJob, ToReader};
use crate::messaging::wire::RunBytes;
use crate::messaging::{FromWorker, Job, Reply, RunJob, ToWorker};
use crate::model::ScenarioError;

pub use super::simulation::PROGRESS_EVERY_MS;

/// What the page asks a planner's worker.
pub type JobOf<P> = <<P as Planner>::Talk as Conversation>::Job;
/// What a planner's worker answers the page.
pub type AnswerOf<P> = <<P as Planner>::Talk as Conversation>::Answer;

/// Where a message goes; `A` is the page's answer.
#[derive(Debug, PartialEq)]
pub enum Out<A> {
    /// To the page.
    Page(FromNested<A>),
    /// To the worker's reader worker.
    Reader(ToReader),
    /// To the worker's simulation worker, with its buffers.
    Sim(ToWorker, Vec<Vec<u8>>),
}

/// A planned job: the runs it needs and how their results are answered.
pub trait Runs {
    /// The page's answer.
    type Answer;

    /// The runs, in order: each a scenario text and the edits to make to it, for the reader.
    fn reads(&self) -> Vec<ReadJob>;

    /// The answer from the runs' results, one per [`Runs::reads`] in order.
    fn finish(self, results: &[RunBytes]) -> Self::Answer;

    /// The answer when the reader refused run `run` (a check only loading makes).
    fn refused(self, run: usize, error: &ScenarioError) -> Self::Answer;

    /// The answer when a run could not be done or its result read (`why`, a bug), or `Err`
    /// with why to report a crash instead.
    fn failed(self, why: &str) -> Result<Self::Answer, String>;
}

/// How a job begins.
pub enum Begin<P: Planner> {
    /// Its runs.
    Runs(P::Runs),
    /// Have the reader read this first, then plan the runs from its answer
    /// ([`Planner::planned`]) with what is kept.
    ReadFirst(ReadJob, P::Pending),
    /// Nothing to run: the answer.
    Answer(AnswerOf<P>),
}

/// What a kind of worker does with a job (a lab panel's form, an OSTEP command line).
pub trait Planner: Sized {
    /// Its conversation with the page.
    type Talk: Conversation;
    /// Its planned jobs.
    type Runs: Runs<Answer = AnswerOf<Self>>;
    /// What a job begun with [`Begin::ReadFirst`] keeps until the reader answers.
    type Pending;

    /// Reads `job`.
    fn begin(&self, job: JobOf<Self>) -> Begin<Self>;

    /// The runs of a job begun with [`Begin::ReadFirst`], from the reader's answer: its buffers
    /// (the summary and the loaded run), or why it refused the text. Errors: the answer could
    /// not be read (a crash).
    fn planned(
        &self,
        pending: Self::Pending,
        answer: Result<Vec<Vec<u8>>, ScenarioError>,
    ) -> Result<Self::Runs, String>;

    /// [`Planner::planned`] for the page's job `id` (a planner that reports how far it has got
    /// while it plans, as the Races worker's explorer does, names the job with it).
    fn planned_job(
        &self,
        id: u64,
        pending: Self::Pending,
        answer: Result<Vec<Vec<u8>>, ScenarioError>,
    ) -> Result<Self::Runs, String> {
        let _ = id;
        self.planned(pending, answer)
    }
}

/// Where a job is.
enum Stage<P: Planner> {
    /// Waiting for the reader's answer `request` ([`Begin::ReadFirst`]).
    ReadFirst { pending: P::Pending, request: u64 },
    /// Its runs: ids `first..first + total` with both workers.
    Runs { runs: P::Runs, first: u64, total: usize, results: Vec<RunBytes> },
}

/// A job in progress: the page's id, where it is, and when (ms) it started and last reported.
struct Current<P: Planner> {
    id: u64,
    stage: Stage<P>,
    started: f64,
    reported: f64,
}

/// A worker's state: its planner, the job in progress, its workers' readiness, and what waits
/// for them.
pub struct Nested<P: Planner> {
    planner: P,
    current: Option<Current<P>>,
    reader_ready: bool,
    sim_ready: bool,
    to_reader: Vec<ToReader>,
    to_sim: Vec<(ToWorker, Vec<Vec<u8>>)>,
    next: u64,
}

impl<P: Planner> Nested<P> {
    /// A worker planning with `planner`, whose workers have not said they are ready yet.
    pub fn new(planner: P) -> Nested<P> {
        Nested {
            planner,
            current: None,
            reader_ready: false,
            sim_ready: false,
            to_reader: Vec::new(),
            to_sim: Vec::new(),
            next: 0,
        }
    }

    /// Handles a message from the page at wall-clock time `now` (ms).
    pub fn from_page(&mut self, message: ToNested<JobOf<P>>, now: f64) -> Vec<Out<AnswerOf<P>>> {
        let ToNested::Start { id, job } = message;
        self.current = None;
        let mut out = Vec::new();
        match self.planner.begin(job) {
            Begin::Runs(runs) => self.start_runs(id, now, runs, &mut out),
            Begin::ReadFirst(read, pending) => {
                self.next += 1;
                let request = self.next;
                self.current =
                    Some(Current { id, stage: Stage::ReadFirst { pending, request }, started: now, reported: now });
                self.send_reader(ToReader::Read { id: request, job: read }, &mut out);
            }
            Begin::Answer(answer) => out.push(Out::Page(FromNested::Done { id, answer })),
        }
        out
    }

    /// Handles a message from the reader worker, with its buffers.
    pub fn from_reader(&mut self, message: FromReader, mut buffers: Vec<Vec<u8>>) -> Vec<Out<AnswerOf<P>>> {
        let mut out = Vec::new();
        let (id, answer) = match message {
            FromReader::Ready => {
                self.reader_ready = true;
                out.extend(self.to_reader.drain(..).map(Out::Reader));
                return out;
            }
            FromReader::Read { id, .. } => (id, Ok(())),
            FromReader::Refused { id, error, .. } => (id, Err(error)),
            FromReader::Jobs { .. } => return out,
            FromReader::Crashed { message } => return self.crash(&format!("its reader stopped: {message}")),
        };
        match self.current.as_ref().map(|c| &c.stage) {
            Some(Stage::ReadFirst { request, .. }) if *request == id => {
                let Some(Current { id, stage: Stage::ReadFirst { pending, .. }, started, .. }) = self.current.take()
                else {
                    return out;
                };
                match self.planner.planned_job(id, pending, answer.map(|()| buffers)) {
                    Ok(runs) => self.start_runs(id, started, runs, &mut out),
                    Err(e) => return self.crash(&format!("the reader's answer could not be read: {e}")),
                }
            }
            Some(Stage::Runs { first, total, .. }) if (*first..*first + *total as u64).contains(&id) => {
                let run = (id - *first) as usize;
                match answer {
                    Ok(()) => {
                        let loaded = if buffers.len() == 2 { buffers.swap_remove(1) } else { Vec::new() };
                        let start = ToWorker::Start { id, job: Job::Run(RunJob { fault: None }) };
                        self.send_sim(start, vec![loaded], &mut out);
                    }
                    Err(error) => {
                        if let Some(Current { id, stage: Stage::Runs { runs, .. }, .. }) = self.current.take() {
                            out.push(Out::Page(FromNested::Done { id, answer: runs.refused(run, &error) }));
                        }
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// Handles a message from the simulation worker (with its buffers) at `now` (ms).
    pub fn from_sim(&mut self, message: FromWorker, buffers: Vec<Vec<u8>>, now: f64) -> Vec<Out<AnswerOf<P>>> {
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
                    Some(Err(e)) => return self.fail(&format!("a run's result could not be read: {e}")),
                    None => return self.fail("a run came back without its result"),
                }
                if results.len() == *total {
                    if let Some(Current { id, stage: Stage::Runs { runs, results, .. }, .. }) = self.current.take() {
                        out.push(Out::Page(FromNested::Done { id, answer: runs.finish(&results) }));
                    }
                } else if now - c.started >= PROGRESS_EVERY_MS && now - c.reported >= PROGRESS_EVERY_MS {
                    c.reported = now;
                    let (done, total) = (results.len() as u32, *total as u32);
                    out.push(Out::Page(FromNested::Counted { id: c.id, done, total }));
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

    /// Sends the reads of job `id` (started at `started`, ms), or its answer at once when it
    /// needs no run.
    fn start_runs(&mut self, id: u64, started: f64, runs: P::Runs, out: &mut Vec<Out<AnswerOf<P>>>) {
        let reads = runs.reads();
        if reads.is_empty() {
            out.push(Out::Page(FromNested::Done { id, answer: runs.finish(&[]) }));
            return;
        }
        let first = self.next + 1;
        self.next += reads.len() as u64;
        let stage = Stage::Runs { runs, first, total: reads.len(), results: Vec::new() };
        self.current = Some(Current { id, stage, started, reported: started });
        for (i, job) in reads.into_iter().enumerate() {
            self.send_reader(ToReader::Read { id: first + i as u64, job }, out);
        }
    }

    fn send_reader(&mut self, message: ToReader, out: &mut Vec<Out<AnswerOf<P>>>) {
        if self.reader_ready {
            out.push(Out::Reader(message));
        } else {
            self.to_reader.push(message);
        }
    }

    fn send_sim(&mut self, message: ToWorker, buffers: Vec<Vec<u8>>, out: &mut Vec<Out<AnswerOf<P>>>) {
        if self.sim_ready {
            out.push(Out::Sim(message, buffers));
        } else {
            self.to_sim.push((message, buffers));
        }
    }

    /// Ends the job in progress: a run could not be done (`why`).
    fn fail(&mut self, why: &str) -> Vec<Out<AnswerOf<P>>> {
        match self.current.take() {
            Some(Current { id, stage: Stage::Runs { runs, .. }, .. }) => match runs.failed(why) {
                Ok(answer) => vec![Out::Page(FromNested::Done { id, answer })],
                Err(why) => self.crash(&why),
            },
            _ => Vec::new(),
        }
    }

    /// Reports a crash (of one of its workers, or a message it cannot read): the page replaces
    /// this worker.
    fn crash(&mut self, why: &str) -> Vec<Out<AnswerOf<P>>> {
        self.current = None;
        let message = format!("the {} stopped: {why}", P::Talk::WORKER);
        vec![Out::Page(FromNested::Crashed { message })]
    }
}
