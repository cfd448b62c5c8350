//! Scheduling exercises: a seeded random workload to solve by hand for a policy, its answers by
//! the model, and checking a learner's answers (OSTEP ch. 7's homework, with arrivals and,
//! optionally, I/O).
//!
//! The workload is drawn from the crate's seeded PCG generator (`rand_pcg::Pcg64Mcg`, as the
//! model's), in this order, so a seed gives the same jobs natively and in wasm:
//! - the number of jobs: `jobs` if given (1 to [`MAX_JOBS`]), else uniform in 3..=5;
//! - per job, in order: the gap since the previous job's arrival, uniform in 0..=4 ticks (the
//!   first job arrives at 0, so jobs are named `A`, `B`, … in arrival order); a priority,
//!   uniform in 1..=5 (lower is more urgent; only the `priority` policy reads it); then its work:
//!   one CPU burst uniform in 1..=10 ticks, or, with `io`, with probability ½ a burst in 1..=5,
//!   an I/O in 2..=6 and a burst in 1..=5 (else one burst in 1..=10).
//!
//! The jobs depend only on the seed, the job count and `io`: the same seed under two policies
//! gives the same jobs, so a learner can compare. Every job is a process with one thread, named
//! after the job; the machine has free context switches. See [`answers`] for the definitions
//! and [`text`] for the printed form, whose rules state each policy's ([`policies`]: every
//! policy but x86.py's, which switches assembly programs every N instructions and has no
//! rule for jobs of CPU bursts a learner could sensibly follow by hand).

pub mod answers;
pub mod text;

use std::fmt;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

pub use answers::{Answers, Checked, Field, Given, JobAnswer, Span, SpanKind, TOLERANCE, Verdict};

use crate::model::metrics::Metrics;
use crate::model::scenario::{FORMAT, MAX_CPUS, MachineSpec, Policy, ProcessSpec, Scenario, SchedulerSpec, ThreadSpec};
use crate::model::trace::Trace;
use crate::model::{self, Ticks};

/// Most jobs an exercise may have (one letter each).
pub const MAX_JOBS: usize = 26;

/// The policies an exercise takes, in menu order: every one but x86.py's ([`Policy::X86`]),
/// whose countdown counts the instructions of assembly programs, not an exercise's jobs.
pub fn policies() -> impl Iterator<Item = Policy> {
    Policy::ALL.iter().copied().filter(|&p| p != Policy::X86)
}

/// A bad exercise parameter: which (`jobs`, `cpus`, `quantum`…) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseError {
    /// The parameter, as the CLI's flag without `--` (`jobs`).
    pub param: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ExerciseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.param, self.message)
    }
}

impl std::error::Error for ExerciseError {}

/// What to generate. JSON: `{"seed": 7, "jobs": 4, "io": false, "cpus": 1,
/// "scheduler": {"policy": "rr", "quantum": 2}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExerciseSpec {
    /// Seed of the workload.
    pub seed: u64,
    /// Number of jobs, 1 to [`MAX_JOBS`]; `None`: drawn, 3 to 5.
    #[serde(default)]
    pub jobs: Option<usize>,
    /// Whether a job may do I/O in the middle.
    #[serde(default)]
    pub io: bool,
    /// CPUs, 1 to [`MAX_CPUS`].
    pub cpus: u32,
    /// The policy and its parameters.
    pub scheduler: SchedulerSpec,
}

/// A piece of a job's work, in ticks. JSON: `{"cpu": 3}` or `{"io": 4}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Work {
    /// A CPU burst.
    Cpu(Ticks),
    /// An I/O (the job is blocked, the CPU free).
    Io(Ticks),
}

/// One job of the workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// `A`, `B`, …
    pub name: String,
    /// When it arrives, in ticks.
    pub arrival: Ticks,
    /// Its priority (lower is more urgent), for the `priority` policy.
    pub priority: i64,
    /// What it does, in order: CPU bursts with at most one I/O between them.
    pub work: Vec<Work>,
}

impl Job {
    /// Its program: `compute N` and `io N` lines.
    pub fn program(&self) -> Vec<String> {
        (self.work.iter())
            .map(|w| match w {
                Work::Cpu(n) => format!("compute {n}"),
                Work::Io(n) => format!("io {n}"),
            })
            .collect()
    }

    /// Its total CPU time, in ticks.
    pub fn cpu_ticks(&self) -> Ticks {
        self.work.iter().map(|w| if let Work::Cpu(n) = w { *n } else { 0 }).sum()
    }
}

/// A generated exercise: the spec and its jobs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Exercise {
    /// What was asked for.
    pub spec: ExerciseSpec,
    /// The jobs, in arrival order.
    pub jobs: Vec<Job>,
}

impl Exercise {
    /// Draws the workload (see the module's distributions). Errors name the parameter: a job
    /// count or CPU count out of range, a policy that makes no exercise (x86.py's, see
    /// [`policies`]), or scheduler parameters out of range.
    pub fn generate(spec: ExerciseSpec) -> Result<Exercise, ExerciseError> {
        let bad = |param: &str, message: String| ExerciseError { param: param.into(), message };
        if let Some(n) = spec.jobs
            && !(1..=MAX_JOBS).contains(&n)
        {
            return Err(bad("jobs", format!("give 1 to {MAX_JOBS} jobs, got {n}")));
        }
        if !(1..=MAX_CPUS).contains(&spec.cpus) {
            return Err(bad("cpus", format!("must be 1 to {MAX_CPUS}, got {}", spec.cpus)));
        }
        if spec.scheduler.policy() == Policy::X86 {
            let keys: Vec<&str> = policies().map(Policy::key).collect();
            return Err(bad(
                "policy",
                format!(
                    "x86 (OSTEP x86.py) switches threads of assembly every N instructions, and an exercise's jobs are CPU bursts and I/O: it makes no exercise. Choose one of {}.",
                    keys.join(", ")
                ),
            ));
        }
        spec.scheduler.validate().map_err(|e| bad(&e.field, e.message))?;
        let mut rng = Pcg64Mcg::seed_from_u64(spec.seed);
        let count = match spec.jobs {
            Some(n) => n,
            None => rng.random_range(3u64..=5) as usize,
        };
        let mut arrival = 0;
        let jobs = (0..count)
            .map(|i| {
                if i > 0 {
                    arrival += rng.random_range(0u64..=4);
                }
                let priority = rng.random_range(1u64..=5) as i64;
                let work = if spec.io && rng.random_bool(0.5) {
                    vec![
                        Work::Cpu(rng.random_range(1u64..=5)),
                        Work::Io(rng.random_range(2u64..=6)),
                        Work::Cpu(rng.random_range(1u64..=5)),
                    ]
                } else {
                    vec![Work::Cpu(rng.random_range(1u64..=10))]
                };
                let name = char::from(b'A' + i as u8).to_string();
                Job { name, arrival, priority, work }
            })
            .collect();
        Ok(Exercise { spec, jobs })
    }

    /// The model scenario: one process per job (one thread, both named after the job), on
    /// `cpus` CPUs with free switches, under the spec's scheduler.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            format: FORMAT,
            name: format!("Exercise, seed {}", self.spec.seed),
            description: text::rules(&self.spec.scheduler, self.spec.cpus),
            machine: MachineSpec { cpus: self.spec.cpus, ..MachineSpec::default() },
            scheduler: self.spec.scheduler.clone(),
            seed: self.spec.seed,
            limits: Default::default(),
            channels: Default::default(),
            shared: Default::default(),
            mutex_protocol: Default::default(),
            params: Default::default(),
            processes: (self.jobs.iter())
                .map(|j| ProcessSpec {
                    name: j.name.clone(),
                    arrival: j.arrival,
                    priority: Some(j.priority),
                    threads: vec![ThreadSpec {
                        name: j.name.clone(),
                        code: Some(crate::model::scenario::ProgramText::Lines(j.program())),
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
        }
    }

    /// Runs the model (with its trace) and reads every job's answers and what they are made of.
    /// Errors: the run did not complete (a policy that leaves a job unfinished), which names the
    /// policy.
    pub fn solve(&self) -> Result<Answers, ExerciseError> {
        let (_, result) = model::run(&self.scenario())
            .map_err(|e| ExerciseError { param: "policy".into(), message: format!("invalid exercise: {e}") })?;
        self.answers_of(&result.outcome, &result.metrics, result.trace.as_ref().unwrap_or(&Default::default()))
    }

    /// Reads every job's answers and what they are made of from a finished run of
    /// [`Exercise::scenario`] (its outcome, metrics and full trace), wherever it ran (the page's
    /// lab worker has a simulation worker run it). Errors: the run did not complete, which names
    /// the policy.
    pub fn answers_of(&self, outcome: &model::Outcome, m: &Metrics, trace: &Trace) -> Result<Answers, ExerciseError> {
        let failed = |message: String| ExerciseError { param: "policy".into(), message };
        if *outcome != model::Outcome::Completed {
            return Err(failed(format!("the run did not complete: {}", outcome.message())));
        }
        if m.threads.len() != self.jobs.len() {
            return Err(failed(format!("the run has {} threads for {} jobs", m.threads.len(), self.jobs.len())));
        }
        let jobs = (self.jobs.iter().zip(&m.threads))
            .map(|(job, t)| {
                let completion = t.completion.expect("a completed run finished every job");
                let life = answers::life(trace, t.tid);
                JobAnswer {
                    job: job.name.clone(),
                    tid: t.tid,
                    arrival: t.arrival.expect("a completed run's jobs all arrived"),
                    completion,
                    turnaround: t.turnaround.expect("finished"),
                    waiting: t.waiting,
                    response: t.response.expect("finished jobs ran"),
                    made_of: answers::made_of(&life, completion),
                }
            })
            .collect();
        let averages = m.averages.as_ref().expect("every job finished");
        Ok(Answers {
            jobs,
            averages: answers::AverageAnswers {
                turnaround: averages.turnaround,
                waiting: averages.waiting,
                response: averages.response,
            },
        })
    }
}
