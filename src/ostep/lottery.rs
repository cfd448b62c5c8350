//! OSTEP's `cpu-sched-lottery/lottery.py` (OSTEP ch. 9 homework): lottery scheduling of jobs
//! that all arrive at 0, one draw per quantum.
//!
//! Each quantum lottery.py draws `r = int(random() · 1,000,001)` from Python's generator and
//! runs the job holding ticket `r mod total`: the first job, in index order, whose running sum
//! of tickets exceeds it; a finished job's tickets leave the total. On the model each job is a
//! process `Job N` with its tickets whose thread runs `compute run`, under the
//! [`lottery`](crate::model::scheduler::lottery) policy with:
//! - `draw: python_random`, seeded with `-s` and past the outputs the random jobs used, so the
//!   model draws lottery.py's very numbers (a scenario replays the run exactly);
//! - `full_quantum: true`, lottery.py's quirk: a job that finishes before its quantum ends is
//!   charged the whole quantum (its clock advances a quantum per draw), so the CPU idles to the
//!   quantum's end before the next draw. Without it the model would match only for `-q 1`.
//!
//! The text: each draw is a run in the model's trace, in order; its number is the same draw
//! again from Python's generator, the total the tickets of the jobs not finished before it.

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{self, Opt, Parsed};
use super::runs::runs;
use super::{OstepError, Ran, values};
use crate::model::Ticks;
use crate::model::pyrandom::{PyRandom, PyStream};
use crate::model::scenario::{FORMAT, Limits, ProcessSpec, Scenario, SchedulerSpec, ThreadSpec};
use crate::model::scheduler::{DrawSpec, LotterySpec};

/// Most jobs a run may have.
pub const MAX_JOBS: usize = 1_000;

/// Most draws a run may print (each job needs at most its length in draws).
pub const MAX_DRAWS: u64 = 100_000;

/// lottery.py's flags.
pub const OPTS: &[Opt] = &[
    args::value('s', "seed", "SEED", "seed of the jobs and the draws (Python's random.seed); default 0"),
    args::value('j', "jobs", "JOBS", "number of random jobs; default 3"),
    args::value('l', "jlist", "JLIST", "jobs run:tickets,… instead of random ones, e.g. 10:100,20:50"),
    args::value('m', "maxlen", "MAXLEN", "random jobs are shorter than this; default 10"),
    args::value('T', "maxticket", "MAXTICKET", "random jobs hold fewer tickets than this; default 100"),
    args::value('q', "quantum", "QUANTUM", "time slice; default 1"),
    args::switch('c', "compute", "compute the answers"),
];

/// lottery.py's flags, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotteryOptions {
    /// `-s`: seed of the jobs and the draws.
    pub seed: i128,
    /// `-j`: number of random jobs.
    pub jobs: i64,
    /// `-l`: jobs `run:tickets,…`; empty for random jobs.
    pub jlist: String,
    /// `-m`: random lengths are below this.
    pub maxlen: i64,
    /// `-T`: random ticket counts are below this.
    pub maxticket: i64,
    /// `-q`: time slice.
    pub quantum: i64,
    /// `-c`: print the answers.
    pub solve: bool,
}

impl Default for LotteryOptions {
    fn default() -> Self {
        LotteryOptions { seed: 0, jobs: 3, jlist: String::new(), maxlen: 10, maxticket: 100, quantum: 1, solve: false }
    }
}

/// lottery.py's options from parsed flags; errors name the flag.
pub fn options(p: &Parsed) -> Result<LotteryOptions, OstepError> {
    let d = LotteryOptions::default();
    Ok(LotteryOptions {
        seed: super::seed_opt(p)?,
        jobs: super::int_opt(p, "jobs", "-j", d.jobs)?,
        jlist: p.value("jlist").unwrap_or_default().to_string(),
        maxlen: super::int_opt(p, "maxlen", "-m", d.maxlen)?,
        maxticket: super::int_opt(p, "maxticket", "-T", d.maxticket)?,
        quantum: super::int_opt(p, "quantum", "-q", d.quantum)?,
        solve: p.switch("compute"),
    })
}

/// A job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LotteryJob {
    /// Index, from 0.
    pub job: usize,
    /// Ticks it needs.
    pub run: Ticks,
    /// Its tickets.
    pub tickets: u64,
}

/// The jobs and settings of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotteryWorkload {
    /// The jobs, by index.
    pub jobs: Vec<LotteryJob>,
    /// Time slice, in ticks.
    pub quantum: Ticks,
    /// Python's generator where the draws start (after the random jobs).
    pub draws: PyStream,
}

/// Builds the jobs from the flags: `-l`'s, or `-j` random jobs drawn as lottery.py draws them
/// (length `int(m · random())` and tickets `int(T · random())`, each drawn again while 0).
/// Errors name the flag.
pub fn workload(o: &LotteryOptions) -> Result<LotteryWorkload, OstepError> {
    if o.quantum < 1 {
        return Err(OstepError::new("-q", format!("a time slice is at least 1 tick, got {}", o.quantum)));
    }
    let seed = u64::try_from(o.seed.unsigned_abs())
        .map_err(|_| OstepError::new("-s", "a seed must be below 2^64 in size here (the scenario holds it)"))?;
    let mut rng = PyRandom::seed(o.seed);
    let jobs = if o.jlist.is_empty() { random_jobs(o, &mut rng)? } else { listed_jobs(&o.jlist)? };
    let draws: u64 = jobs.iter().map(|j| j.run).sum();
    if draws > MAX_DRAWS {
        let flag = if o.jlist.is_empty() { "-m" } else { "-l" };
        return Err(OstepError::new(
            flag,
            format!("the jobs add up to {draws} ticks; the most printed is {MAX_DRAWS}"),
        ));
    }
    Ok(LotteryWorkload { jobs, quantum: o.quantum as Ticks, draws: PyStream { seed, skip: rng.used() } })
}

fn random_jobs(o: &LotteryOptions, rng: &mut PyRandom) -> Result<Vec<LotteryJob>, OstepError> {
    if !(1..=MAX_JOBS as i64).contains(&o.jobs) {
        return Err(OstepError::new("-j", format!("give 1 to {MAX_JOBS} jobs, got {}", o.jobs)));
    }
    // int(m · random()) is 0 for every draw unless m ≥ 2: lottery.py would loop forever.
    if !(2..=MAX_DRAWS as i64).contains(&o.maxlen) {
        return Err(OstepError::new("-m", format!("give 2 to {MAX_DRAWS} (lengths are 1 to m − 1), got {}", o.maxlen)));
    }
    if !(2..=1 << 40).contains(&o.maxticket) {
        return Err(OstepError::new("-T", format!("give 2 to 2^40 (tickets are 1 to T − 1), got {}", o.maxticket)));
    }
    let mut nonzero = |max: i64| loop {
        let n = (max as f64 * rng.random()) as u64;
        if n != 0 {
            return n;
        }
    };
    Ok((0..o.jobs as usize)
        .map(|job| {
            let run = nonzero(o.maxlen);
            let tickets = nonzero(o.maxticket);
            LotteryJob { job, run, tickets }
        })
        .collect())
}

fn listed_jobs(text: &str) -> Result<Vec<LotteryJob>, OstepError> {
    let items = super::list_items(text, ',', "-l", "job")?;
    if items.len() > MAX_JOBS {
        return Err(OstepError::new("-l", format!("{} jobs is too many: the most is {MAX_JOBS}", items.len())));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(job, item)| {
            let err = |m: String| OstepError::new("-l", format!("job {job}: {m}"));
            let Some((run, tickets)) = item.split_once(':') else {
                return Err(err(format!("`{item}` is not run:tickets")));
            };
            let int = |s: &str, what: &str, hi: i64| {
                values::decimal_int(s).and_then(|n| values::in_range(n, 1, hi)).map_err(|e| err(format!("{what}: {e}")))
            };
            Ok(LotteryJob {
                job,
                run: int(run, "length", MAX_DRAWS as i64)? as Ticks,
                tickets: int(tickets, "tickets", 1 << 40)? as u64,
            })
        })
        .collect()
}

impl LotteryWorkload {
    /// The model scenario: one process `Job N` per job with its tickets, all arriving at 0, on
    /// one CPU with free switches, under lottery with lottery.py's draws and full quanta.
    pub fn scenario(&self) -> Scenario {
        let spec = LotterySpec { quantum: self.quantum, draw: DrawSpec::PythonRandom(self.draws), full_quantum: true };
        let total: Ticks = self.jobs.iter().map(|j| j.run).sum();
        Scenario {
            format: FORMAT,
            name: format!("OSTEP lottery.py: {} jobs, quantum {}", self.jobs.len(), self.quantum),
            description: format!(
                "OSTEP's cpu-sched-lottery/lottery.py workload: each quantum a draw r = int(random() × 1000001) from Python's generator (seed {}, after {} outputs) runs the job holding ticket r mod total; a job that ends early is charged its whole quantum.",
                self.draws.seed, self.draws.skip
            ),
            machine: Default::default(),
            scheduler: SchedulerSpec::from(spec),
            // `-s`: the run's seed is the draws' (a run under seed k draws as `-s k`).
            seed: self.draws.seed,
            limits: Limits { max_steps: 200_000, max_time: total.saturating_mul(self.quantum) + 1 },
            channels: Default::default(),
            shared: Default::default(),
            mutex_protocol: Default::default(),
            params: Default::default(),
            processes: self
                .jobs
                .iter()
                .map(|j| ProcessSpec {
                    name: format!("Job {}", j.job),
                    tickets: Some(j.tickets),
                    threads: vec![ThreadSpec {
                        name: "main".into(),
                        code: Some(format!("compute {}", j.run).as_str().into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
        }
    }

    /// Runs the model here and reads the draws from its trace. ([`Self::answers`]).
    pub fn solve(&self) -> Result<LotteryAnswers, OstepError> {
        super::solve_here(&self.scenario(), "-l", |ran| self.answers(ran))
    }

    /// Reads the draws from `ran`, the model's run of [`Self::scenario`]. Errors: it did not
    /// complete.
    pub fn answers(&self, ran: Ran<'_>) -> Result<LotteryAnswers, OstepError> {
        ran.completed("-l")?;
        let trace = ran.trace;
        let mut rng = self.draws.rng();
        let mut left: Vec<Ticks> = self.jobs.iter().map(|j| j.run).collect();
        let mut draws = Vec::new();
        for run in runs(trace, self.jobs.len()) {
            let total: u64 = (self.jobs.iter()).filter(|j| left[j.job] > 0).map(|j| j.tickets).sum();
            let number = rng.lottery_number();
            let winner = number % total;
            debug_assert_eq!(self.holder(&left, winner), run.tid, "the model's winner at {}", run.start);
            let before = left.clone();
            left[run.tid] -= (run.end - run.start).min(left[run.tid]);
            let done = left[run.tid] == 0;
            draws.push(Draw {
                number,
                winner,
                total,
                job: run.tid,
                left: before,
                done_at: done.then_some(run.start + self.quantum),
            });
        }
        Ok(LotteryAnswers { draws })
    }

    /// The job holding ticket `winner` among those with time left, in index order.
    fn holder(&self, left: &[Ticks], winner: u64) -> usize {
        let mut sum = 0;
        (self.jobs.iter().filter(|j| left[j.job] > 0))
            .find(|j| {
                sum += j.tickets;
                sum > winner
            })
            .map_or(usize::MAX, |j| j.job)
    }
}

/// One draw: a quantum.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Draw {
    /// The number drawn, `int(random() · 1,000,001)`.
    pub number: u64,
    /// The winning ticket, `number mod total`.
    pub winner: u64,
    /// Tickets of the jobs not finished.
    pub total: u64,
    /// The job that ran.
    pub job: usize,
    /// Every job's time left before this quantum.
    pub left: Vec<Ticks>,
    /// If the job finished in this quantum: lottery.py's clock at its end (draws × quantum).
    pub done_at: Option<Ticks>,
}

/// What `-c` prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LotteryAnswers {
    /// Every draw, in order.
    pub draws: Vec<Draw>,
}

/// The text for these flags, line for line as lottery.py's: the arguments and jobs, then with
/// `-c` every draw, else the numbers the draws will use. The numbers and the layout are
/// lottery.py's; the sentences (the job list's heading, the one before the numbers) are our own
/// words, one line for each of its lines.
pub fn render(o: &LotteryOptions, w: &LotteryWorkload, answers: Option<&LotteryAnswers>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ARG jlist {}\nARG jobs {}\nARG maxlen {}", o.jlist, o.jobs, o.maxlen);
    let _ = writeln!(s, "ARG maxticket {}\nARG quantum {}\nARG seed {}\n", o.maxticket, o.quantum, o.seed);
    s.push_str("The jobs, each with the CPU time it needs:\n");
    for j in &w.jobs {
        let _ = writeln!(s, "  Job {} ( length = {}, tickets = {} )", j.job, j.run, j.tickets);
    }
    s.push_str("\n\n");
    let Some(a) = answers else {
        s.push_str("The draws will use these random numbers, in order (not all may be needed):\n");
        let mut rng = w.draws.rng();
        for _ in 0..w.jobs.iter().map(|j| j.run).sum::<u64>() {
            let _ = writeln!(s, "Random {}", rng.lottery_number());
        }
        return s;
    };
    s.push_str("** Solutions **\n\n");
    for d in &a.draws {
        let _ = writeln!(s, "Random {} -> Winning ticket {} (of {}) -> Run {}", d.number, d.winner, d.total, d.job);
        s.push_str("  Jobs:\n");
        for j in &w.jobs {
            let mark = if j.job == d.job { '*' } else { ' ' };
            let left = d.left[j.job];
            let tix = if left > 0 { j.tickets.to_string() } else { "---".into() };
            let _ = write!(s, " ({mark} job:{} timeleft:{left} tix:{tix} ) ", j.job);
        }
        s.push('\n');
        if let Some(t) = d.done_at {
            let _ = writeln!(s, "--> JOB {} DONE at time {t}", d.job);
        }
    }
    s.push('\n');
    s
}

/// The same run as JSON for graders: the jobs and, always, every draw and each job's finish.
pub fn report(w: &LotteryWorkload, a: &LotteryAnswers) -> serde_json::Value {
    let done: Vec<serde_json::Value> =
        (a.draws.iter()).filter_map(|d| Some(serde_json::json!({ "job": d.job, "done_at": d.done_at? }))).collect();
    serde_json::json!({
        "simulator": "lottery",
        "quantum": w.quantum,
        "jobs": w.jobs,
        "draws": a.draws,
        "finished": done,
    })
}

/// The options and workload of one command line ([`super::prepare_args`]).
pub(crate) fn prepare(p: &Parsed) -> Result<(LotteryOptions, LotteryWorkload), OstepError> {
    let o = options(p)?;
    let w = workload(&o)?;
    Ok((o, w))
}

/// The text and report of one command line from the model's run of its scenario
/// ([`super::Prepared::finish`]).
pub(crate) fn finish(o: &LotteryOptions, w: &LotteryWorkload, ran: Ran<'_>) -> Result<super::Printed, OstepError> {
    let answers = w.answers(ran)?;
    Ok((render(o, w, o.solve.then_some(&answers)), report(w, &answers)))
}
