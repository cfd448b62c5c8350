//! OSTEP's `cpu-sched/scheduler.py` (OSTEP ch. 7 homework): FIFO, SJF and Round Robin over jobs
//! that all arrive at time 0, with no switch cost.
//!
//! Rules (`../shared/OSTEP.md`): FIFO runs jobs in index order; SJF is a stable sort by length,
//! then FIFO; RR starts with the queue 0..n−1 and runs the head for min(q, remaining), sending
//! it to the tail if it is not done (a job with exactly q left finishes in that slice).
//! Response = first run, turnaround = completion, wait = turnaround − length (all from t = 0).
//!
//! On the model: each job is a process `Job N` whose one thread runs `compute L`; FIFO is
//! [`fcfs`](crate::model::scheduler::fcfs), RR is [`rr`](crate::model::scheduler::round_robin)
//! with quantum q. SJF is [`sjf`](crate::model::scheduler::sjf) with the actual next burst: every
//! job is ready at 0 and has one burst, its length, and ties go to the earlier job in the queue,
//! which is scheduler.py's stable sort by length exactly.
//!
//! Lengths given with `-l` may be fractional (`-l 2.5,1.5`): the run's tick is then the finest
//! decimal unit that makes every length whole (a tenth here), and the numbers are printed back
//! in OSTEP's units. The text adds those times up as scheduler.py does, in Python floats, so it
//! prints what scheduler.py prints even where binary rounding shows (`0.7 + 0.1 + 0.1 + 0.1` is
//! just under 1, so `[ time   0 ]`); the JSON gives the exact values.

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{self, Opt, Parsed};
use super::runs::runs;
use super::values::{self, Decimal, TimeUnit, py_float};
use super::{OstepError, Ran};
use crate::model::Ticks;
use crate::model::pyrandom::PyRandom;
use crate::model::scenario::{FORMAT, Limits, MAX_THREADS, ProcessSpec, Scenario, SchedulerSpec, ThreadSpec};
use crate::model::scheduler::{FcfsSpec, RoundRobinSpec, SjfSpec, TieRule};

/// Most time slices an RR run may print.
pub const MAX_SLICES: u64 = 100_000;

/// scheduler.py's policies (`-p`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SchedulerPolicy {
    /// First in, first out.
    #[serde(rename = "FIFO")]
    Fifo,
    /// Shortest job first.
    #[serde(rename = "SJF")]
    Sjf,
    /// Round Robin with quantum `-q`.
    #[serde(rename = "RR")]
    Rr,
}

impl SchedulerPolicy {
    /// Parses `FIFO`, `SJF` or `RR` (any case).
    pub fn parse(text: &str) -> Result<SchedulerPolicy, String> {
        match text.to_ascii_uppercase().as_str() {
            "FIFO" => Ok(SchedulerPolicy::Fifo),
            "SJF" => Ok(SchedulerPolicy::Sjf),
            "RR" => Ok(SchedulerPolicy::Rr),
            _ => Err(format!("`{text}` is not a policy: give FIFO, SJF or RR")),
        }
    }

    /// The name as scheduler.py spells it.
    pub fn name(self) -> &'static str {
        match self {
            SchedulerPolicy::Fifo => "FIFO",
            SchedulerPolicy::Sjf => "SJF",
            SchedulerPolicy::Rr => "RR",
        }
    }
}

/// scheduler.py's flags, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulerOptions {
    /// `-s`: seed of the random job lengths.
    pub seed: i128,
    /// `-j`: number of random jobs.
    pub jobs: i64,
    /// `-l`: comma-separated job lengths; empty for random jobs.
    pub jlist: String,
    /// `-m`: longest random job.
    pub maxlen: i64,
    /// `-p`: the policy.
    pub policy: SchedulerPolicy,
    /// `-q`: RR's time slice, in OSTEP's units.
    pub quantum: i64,
    /// `-c`: print the answers.
    pub solve: bool,
}

impl Default for SchedulerOptions {
    fn default() -> Self {
        SchedulerOptions {
            seed: 0,
            jobs: 3,
            jlist: String::new(),
            maxlen: 10,
            policy: SchedulerPolicy::Fifo,
            quantum: 1,
            solve: false,
        }
    }
}

/// A job: its index and length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Index, from 0.
    pub id: usize,
    /// Length in ticks of the run's [`TimeUnit`].
    pub length: Ticks,
    /// The length as scheduler.py prints it: `3` for a random job, `3.0` or `2.5` for `-l`.
    pub shown: String,
}

/// The jobs and settings of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulerWorkload {
    /// The policy.
    pub policy: SchedulerPolicy,
    /// RR's time slice, in ticks.
    pub quantum: Ticks,
    /// The tick: OSTEP's unit over 10^decimals.
    pub unit: TimeUnit,
    /// The jobs, by index.
    pub jobs: Vec<Job>,
}

/// Builds the jobs from the flags: `-l`'s lengths, or `-j` jobs of `int(m · random()) + 1`
/// drawn from Python's RNG seeded with `-s`. Errors name the flag.
pub fn workload(o: &SchedulerOptions) -> Result<SchedulerWorkload, OstepError> {
    let (jobs, unit) = if o.jlist.is_empty() { (random_jobs(o)?, TimeUnit::default()) } else { listed_jobs(&o.jlist)? };
    let quantum = if o.policy == SchedulerPolicy::Rr {
        if o.quantum < 1 {
            return Err(OstepError::new("-q", format!("RR needs a time slice of at least 1, got {}", o.quantum)));
        }
        let q = (o.quantum as u64).checked_mul(unit.per_unit()).filter(|&q| q < 1 << 53);
        let q = q.ok_or_else(|| OstepError::new("-q", format!("{} is too large", o.quantum)))?;
        let slices: u64 = jobs.iter().map(|j| j.length.div_ceil(q).max(1)).sum();
        if slices > MAX_SLICES {
            return Err(OstepError::new(
                "-q",
                format!("RR would run {slices} time slices; the most printed is {MAX_SLICES}: use a longer -q"),
            ));
        }
        q
    } else {
        1
    };
    Ok(SchedulerWorkload { policy: o.policy, quantum, unit, jobs })
}

fn random_jobs(o: &SchedulerOptions) -> Result<Vec<Job>, OstepError> {
    if o.jobs < 1 || o.jobs as usize > MAX_THREADS {
        return Err(OstepError::new("-j", format!("give 1 to {MAX_THREADS} jobs, got {}", o.jobs)));
    }
    if !(0..=1 << 40).contains(&o.maxlen) {
        return Err(OstepError::new("-m", format!("the longest job must be 0 to 2^40, got {}", o.maxlen)));
    }
    let mut rng = PyRandom::seed(o.seed);
    Ok((0..o.jobs as usize)
        .map(|id| {
            let length = (o.maxlen as f64 * rng.random()) as Ticks + 1;
            Job { id, length, shown: length.to_string() }
        })
        .collect())
}

fn listed_jobs(jlist: &str) -> Result<(Vec<Job>, TimeUnit), OstepError> {
    let lengths = super::list_items(jlist, ',', "-l", "job")?
        .into_iter()
        .enumerate()
        .map(|(i, s)| Decimal::parse(s).map_err(|e| OstepError::new("-l", format!("job {i}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    if lengths.len() > MAX_THREADS {
        return Err(OstepError::new("-l", format!("{} jobs is too many: the most is {MAX_THREADS}", lengths.len())));
    }
    let unit = TimeUnit { decimals: lengths.iter().map(|d| d.decimals).max().unwrap_or(0) };
    let too_large = || OstepError::new("-l", "the lengths add up to too much time to count exactly");
    let mut total: Ticks = 0;
    let mut jobs = Vec::with_capacity(lengths.len());
    for (id, d) in lengths.iter().enumerate() {
        let length = d.in_units(unit.decimals).ok_or_else(too_large)?;
        total = total.checked_add(length).filter(|&t| t < 1 << 53).ok_or_else(too_large)?;
        jobs.push(Job { id, length, shown: py_float(d.to_f64()) });
    }
    Ok((jobs, unit))
}

impl SchedulerWorkload {
    /// The model scenario: one process `Job N` per job, all arriving at 0, on one CPU with
    /// free switches, under the policy that reproduces scheduler.py's.
    pub fn scenario(&self) -> Scenario {
        let scheduler = match self.policy {
            SchedulerPolicy::Fifo => SchedulerSpec::from(FcfsSpec {}),
            SchedulerPolicy::Sjf => SchedulerSpec::from(SjfSpec { estimate: None }),
            SchedulerPolicy::Rr => {
                SchedulerSpec::from(RoundRobinSpec { quantum: self.quantum, tie: TieRule::ArrivalsFirst })
            }
        };
        let lengths: Vec<&str> = self.jobs.iter().map(|j| j.shown.as_str()).collect();
        let total: Ticks = self.jobs.iter().map(|j| j.length).sum();
        let mut name = format!("OSTEP scheduler.py: {} of jobs {}", self.policy.name(), lengths.join(", "));
        if self.policy == SchedulerPolicy::Rr {
            let _ = write!(name, ", time slice {}", py_float(self.unit.to_f64(self.quantum)));
        }
        Scenario {
            format: FORMAT,
            name,
            description: format!(
                "OSTEP's cpu-sched/scheduler.py workload: every job arrives at 0; one tick is {} of OSTEP's time unit.",
                self.unit.label()
            ),
            machine: Default::default(),
            scheduler,
            seed: 0,
            limits: Limits { max_time: total.max(Limits::default().max_time), ..Limits::default() },
            channels: Default::default(),
            shared: Default::default(),
            mutex_protocol: Default::default(),
            params: Default::default(),
            processes: self
                .jobs
                .iter()
                .map(|j| ProcessSpec {
                    name: format!("Job {}", j.id),
                    threads: vec![ThreadSpec {
                        name: "main".into(),
                        code: Some(if j.length == 0 {
                            "exit".into()
                        } else {
                            format!("compute {}", j.length).as_str().into()
                        }),
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
        }
    }

    /// Runs the model here and reads the answers from its trace and metrics ([`Self::answers`]).
    pub fn solve(&self) -> Result<SchedulerAnswers, OstepError> {
        super::solve_here(&self.scenario(), "-l", |ran| self.answers(ran))
    }

    /// Reads the answers from `ran`, the model's run of [`Self::scenario`]. Errors: it did not
    /// complete.
    pub fn answers(&self, ran: Ran<'_>) -> Result<SchedulerAnswers, OstepError> {
        ran.completed("-l")?;
        let trace = ran.trace;
        let slices: Vec<Slice> = runs(trace, self.jobs.len())
            .into_iter()
            .map(|r| Slice { job: r.tid, start: r.start, ran: r.end - r.start, done: r.finished })
            .collect();
        let stat = |job: usize| {
            let t = &ran.metrics.threads[job];
            JobStats {
                job,
                response: t.response.expect("every job ran"),
                turnaround: t.turnaround.expect("every job finished"),
                wait: t.waiting,
            }
        };
        // FIFO and SJF list jobs in the order they ran; RR by index.
        let stats = match self.policy {
            SchedulerPolicy::Rr => (0..self.jobs.len()).map(stat).collect(),
            _ => slices.iter().map(|s| stat(s.job)).collect(),
        };
        Ok(SchedulerAnswers { slices, stats })
    }
}

/// A job's stay on the CPU, in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slice {
    /// The job.
    pub job: usize,
    /// When it started.
    pub start: Ticks,
    /// How long it ran.
    pub ran: Ticks,
    /// Whether the job finished at its end.
    pub done: bool,
}

/// A job's measures, in ticks from time 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobStats {
    /// The job.
    pub job: usize,
    /// First run.
    pub response: Ticks,
    /// Completion.
    pub turnaround: Ticks,
    /// Time ready but not running.
    pub wait: Ticks,
}

/// What `-c` prints: the execution trace and each job's measures, in scheduler.py's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulerAnswers {
    /// The slices, in time order.
    pub slices: Vec<Slice>,
    /// Per job: in execution order for FIFO and SJF, by index for RR.
    pub stats: Vec<JobStats>,
}

impl SchedulerAnswers {
    /// Sums of (response, turnaround, wait), in ticks.
    fn sums(&self) -> (Ticks, Ticks, Ticks) {
        self.stats.iter().fold((0, 0, 0), |(r, t, w), s| (r + s.response, t + s.turnaround, w + s.wait))
    }
}

/// The text for these flags, line for line as scheduler.py's: the arguments and jobs, then with
/// `-c` the answers, else what to work out. The numbers and the layout (`ARG` lines, job lines,
/// trace, statistics, headings) are scheduler.py's; the sentences (the job list's heading, what
/// to work out) are our own words, one line for each of its lines, so the two stay comparable
/// line by line.
pub fn render(o: &SchedulerOptions, w: &SchedulerWorkload, answers: Option<&SchedulerAnswers>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ARG policy {}", w.policy.name());
    if o.jlist.is_empty() {
        let _ = writeln!(s, "ARG jobs {}\nARG maxlen {}\nARG seed {}", o.jobs, o.maxlen, o.seed);
    } else {
        let _ = writeln!(s, "ARG jlist {}", o.jlist);
    }
    s.push_str("\nThe jobs, each with the CPU time it needs:\n");
    for j in &w.jobs {
        let _ = writeln!(s, "  Job {} ( length = {} )", j.id, j.shown);
    }
    s.push_str("\n\n");
    let Some(a) = answers else {
        s.push_str("For each job, work out its response time, turnaround time and wait time.\n");
        s.push_str("Then run the same command with -c to check your answers; -s N or -l 10,15,20\n");
        s.push_str("make other problems.\n\n");
        return s;
    };
    let p = Printed::of(w, a);
    s.push_str("** Solutions **\n\nExecution trace:\n");
    for &(time, job, ran, done_at) in &p.trace {
        let time = time as i64; // `%3d` of a float truncates
        match (w.policy, done_at) {
            (SchedulerPolicy::Rr, None) => {
                let _ = writeln!(s, "  [ time {time:3} ] Run job {job:3} for {ran:.2} secs");
            }
            (SchedulerPolicy::Rr, Some(end)) => {
                let _ = writeln!(s, "  [ time {time:3} ] Run job {job:3} for {ran:.2} secs ( DONE at {end:.2} )");
            }
            (_, end) => {
                let end = end.unwrap_or(f64::NAN);
                let _ = writeln!(s, "  [ time {time:3} ] Run job {job} for {ran:.2} secs ( DONE at {end:.2} )");
            }
        }
    }
    s.push_str("\nFinal statistics:\n");
    for &(job, r, t, wt) in &p.stats {
        let _ = writeln!(s, "  Job {job:3} -- Response: {r:3.2}  Turnaround {t:3.2}  Wait {wt:3.2}");
    }
    let (r, t, wt) = p.average;
    let _ = writeln!(s, "\n  Average -- Response: {r:3.2}  Turnaround {t:3.2}  Wait {wt:3.2}\n");
    s
}

/// The numbers scheduler.py prints, computed from the model's slices the way it computes them:
/// Python floats (each length is the float nearest its decimal), added in its order. The times
/// themselves come from the exact run; only the printing arithmetic is scheduler.py's, so that a
/// tie at the third decimal (17.935) or a sum just under a whole number rounds as it does there.
struct Printed {
    /// (time, job, ran, done at) per slice, in OSTEP's units.
    trace: Vec<(f64, usize, f64, Option<f64>)>,
    /// (job, response, turnaround, wait), in printing order.
    stats: Vec<(usize, f64, f64, f64)>,
    /// Mean response, turnaround and wait.
    average: (f64, f64, f64),
}

impl Printed {
    fn of(w: &SchedulerWorkload, a: &SchedulerAnswers) -> Printed {
        let length = |job: usize| w.unit.to_f64(w.jobs[job].length);
        let (mut trace, mut stats) = (Vec::new(), Vec::new());
        let mut thetime = 0.0;
        if w.policy == SchedulerPolicy::Rr {
            let n = w.jobs.len();
            let quantum = w.unit.to_f64(w.quantum);
            let mut left: Vec<f64> = (0..n).map(length).collect();
            let (mut response, mut turnaround) = (vec![None; n], vec![0.0; n]);
            let (mut wait, mut lastran) = (vec![0.0; n], vec![0.0; n]);
            for sl in &a.slices {
                let j = sl.job;
                response[j].get_or_insert(thetime);
                wait[j] += thetime - lastran[j];
                let ran = if sl.done { left[j] } else { quantum };
                if sl.done {
                    turnaround[j] = thetime + ran;
                } else {
                    left[j] -= quantum;
                }
                trace.push((thetime, j, ran, sl.done.then_some(thetime + ran)));
                thetime += ran;
                lastran[j] = thetime;
            }
            stats = (0..n).map(|j| (j, response[j].unwrap_or(-1.0), turnaround[j], wait[j])).collect();
        } else {
            for sl in &a.slices {
                let ran = length(sl.job);
                trace.push((thetime, sl.job, ran, Some(thetime + ran)));
                stats.push((sl.job, thetime, thetime + ran, thetime));
                thetime += ran;
            }
        }
        let count = stats.len() as f64;
        let sum = stats.iter().fold((0.0, 0.0, 0.0), |(r, t, wt), &(_, r1, t1, w1)| (r + r1, t + t1, wt + w1));
        Printed { trace, stats, average: (sum.0 / count, sum.1 / count, sum.2 / count) }
    }
}

/// The same run as JSON for graders: the jobs and, always, the answers. Times are in OSTEP's
/// units; `time_unit` is the model's tick in those units.
pub fn report(w: &SchedulerWorkload, a: &SchedulerAnswers) -> serde_json::Value {
    let u = w.unit;
    let stat = |st: &JobStats| {
        serde_json::json!({
            "job": st.job,
            "response": u.to_f64(st.response),
            "turnaround": u.to_f64(st.turnaround),
            "wait": u.to_f64(st.wait),
        })
    };
    let n = a.stats.len();
    let (r, t, wt) = a.sums();
    serde_json::json!({
        "simulator": "scheduler",
        "policy": w.policy,
        "quantum": (w.policy == SchedulerPolicy::Rr).then(|| u.to_f64(w.quantum)),
        "time_unit": u.to_f64(1),
        "jobs": w.jobs.iter().map(|j| serde_json::json!({ "job": j.id, "length": u.to_f64(j.length) })).collect::<Vec<_>>(),
        "trace": a.slices.iter().map(|sl| serde_json::json!({
            "time": u.to_f64(sl.start),
            "job": sl.job,
            "ran": u.to_f64(sl.ran),
            "done_at": sl.done.then(|| u.to_f64(sl.start + sl.ran)),
        })).collect::<Vec<_>>(),
        "stats": a.stats.iter().map(stat).collect::<Vec<_>>(),
        "average": { "response": u.mean(r, n), "turnaround": u.mean(t, n), "wait": u.mean(wt, n) },
    })
}

/// Parses `-p`'s value (for argument parsers).
pub fn policy_flag(text: &str) -> Result<SchedulerPolicy, String> {
    SchedulerPolicy::parse(text)
}

/// Parses an integer flag of scheduler.py (`-j`, `-m`, `-q`) as `optparse` does.
pub fn int_flag(text: &str) -> Result<i64, String> {
    values::int_in(text, i64::MIN, i64::MAX)
}

/// scheduler.py's flags.
pub const OPTS: &[Opt] = &[
    args::value('s', "seed", "SEED", "seed of the random jobs (Python's random.seed); default 0"),
    args::value('j', "jobs", "JOBS", "number of random jobs; default 3"),
    args::value('l', "jlist", "JLIST", "job lengths instead of random jobs, e.g. 3,5,1 or 2.5,1.5"),
    args::value('m', "maxlen", "MAXLEN", "longest random job; default 10"),
    args::value('p', "policy", "POLICY", "FIFO, SJF or RR; default FIFO"),
    args::value('q', "quantum", "QUANTUM", "RR's time slice; default 1"),
    args::short_switch('c', "solve", "compute the answers"),
];

/// scheduler.py's options from parsed flags; errors name the flag.
pub fn options(p: &Parsed) -> Result<SchedulerOptions, OstepError> {
    let d = SchedulerOptions::default();
    Ok(SchedulerOptions {
        seed: super::seed_opt(p)?,
        jobs: super::int_opt(p, "jobs", "-j", d.jobs)?,
        jlist: p.value("jlist").unwrap_or_default().to_string(),
        maxlen: super::int_opt(p, "maxlen", "-m", d.maxlen)?,
        policy: match p.value("policy") {
            None => d.policy,
            Some(text) => SchedulerPolicy::parse(text).map_err(|e| OstepError::new("-p", e))?,
        },
        quantum: super::int_opt(p, "quantum", "-q", d.quantum)?,
        solve: p.switch("solve"),
    })
}

/// The options and workload of one command line ([`super::prepare_args`]).
pub(crate) fn prepare(p: &Parsed) -> Result<(SchedulerOptions, SchedulerWorkload), OstepError> {
    let o = options(p)?;
    let w = workload(&o)?;
    Ok((o, w))
}

/// The text and report of one command line from the model's run of its scenario
/// ([`super::Prepared::finish`]).
pub(crate) fn finish(o: &SchedulerOptions, w: &SchedulerWorkload, ran: Ran<'_>) -> Result<super::Printed, OstepError> {
    let answers = w.answers(ran)?;
    Ok((render(o, w, o.solve.then_some(&answers)), report(w, &answers)))
}
