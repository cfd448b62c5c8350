//! OSTEP's `cpu-sched-mlfq/mlfq.py` (OSTEP ch. 8 homework): a multi-level feedback queue over
//! jobs that arrive at given times, run, and issue I/Os at a fixed frequency.
//!
//! A job `start,run,ioFreq` arrives at `start`, needs `run` ticks of CPU and, after every
//! `ioFreq` ticks of CPU that do not end it, issues an I/O of `-i` ticks. On the model it is a
//! process `Job N` arriving at `start` whose thread runs `loop k / compute ioFreq / io T / end /
//! compute r`, with `k = (run − 1) / ioFreq` I/Os and `r = run − k · ioFreq` ticks to finish
//! (just `compute run` if `ioFreq ≤ 0`). The policy is [`mlfq`](crate::model::scheduler::mlfq)
//! set as its docs say to follow `mlfq.py`: levels highest first (`mlfq.py`'s queue `n − 1` is
//! the model's level 0), `boost_order: lowest_first`, `tie: preempted_first`,
//! `arrivals_before_wakeups`, `-S` as `reset_on_block` and `-I` as `wake_to_front`.
//!
//! `mlfq.py`'s quirks, and where they go: a boost also resets jobs that have not arrived yet
//! (no visible effect: they hold the top level's fresh quantum and allotment already); a job
//! whose quantum runs out in the tick it issues an I/O uses up a slice of its allotment even
//! with `-S` (the model does the same); a stray `IO DONE` line follows each `IO_START` (printed).
//!
//! The text: which job runs in each tick, when jobs arrive, start I/O, wake and finish all come
//! from the model's trace; the `TICKS` and `ALLOT` counters and the `PRIORITY` in each line are
//! `mlfq.py`'s own accounting, kept along the trace with its rules (`../shared/OSTEP.md`).

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{self, Opt, Parsed};
use super::runs::per_tick;
use super::{OstepError, Ran, values};
use crate::model::Ticks;
use crate::model::pyrandom::PyRandom;
use crate::model::scenario::{FORMAT, Limits, ProcessSpec, ProgramText, Scenario, SchedulerSpec, ThreadSpec};
use crate::model::scheduler::{BoostOrder, MlfqLevel, MlfqSpec, ReadyReason, TieRule};
use crate::model::trace::{Cause, ThreadState, What};

/// Most ticks a run may last (each is a line of the trace).
pub const MAX_TICKS: u64 = 1_000_000;

/// Most jobs a run may have.
pub const MAX_JOBS: usize = 1_000;

/// Most queues (`-n`, or entries of `-Q`).
pub const MAX_QUEUES: usize = 100;

/// mlfq.py's flags.
pub const OPTS: &[Opt] = &[
    args::value('s', "seed", "SEED", "seed of the random jobs (Python's random.seed); default 0"),
    args::value('n', "numQueues", "NUM_QUEUES", "number of queues (if not using -Q); default 3"),
    args::value('q', "quantum", "QUANTUM", "time slice of every queue (if not using -Q); default 10"),
    args::value(
        'a',
        "allotment",
        "ALLOTMENT",
        "quanta a job may use at a level before it moves down (if not using -A); default 1",
    ),
    args::value(
        'Q',
        "quantumList",
        "QUANTUM_LIST",
        "time slice per queue, highest priority first, e.g. 10,20,40 (sets the number of queues)",
    ),
    args::value('A', "allotmentList", "ALLOTMENT_LIST", "allotment per queue, highest priority first, one per queue"),
    args::value('j', "numJobs", "NUM_JOBS", "number of random jobs; default 3"),
    args::value('m', "maxlen", "MAXLEN", "longest random job; default 100"),
    args::value('M', "maxio", "MAXIO", "largest I/O frequency of a random job; default 10"),
    args::value('B', "boost", "BOOST", "ticks between priority boosts (0: none); default 0"),
    args::value('i', "iotime", "IO_TIME", "how long an I/O takes; default 5"),
    args::switch('S', "stay", "a job that issues an I/O gets a fresh quantum and allotment at its level"),
    args::switch('I', "iobump", "a job whose I/O completes goes to the front of its queue"),
    args::value('l', "jlist", "JLIST", "jobs start,run,ioFreq:… instead of random ones, e.g. 0,100,0:50,20,5"),
    args::short_switch('c', "solve", "compute the answers"),
];

/// mlfq.py's flags, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MlfqOptions {
    /// `-s`: seed of the random jobs.
    pub seed: i128,
    /// `-n`: number of queues (without `-Q`).
    pub queues: i64,
    /// `-q`: every queue's time slice (without `-Q`).
    pub quantum: i64,
    /// `-a`: every queue's allotment (without `-A`).
    pub allotment: i64,
    /// `-Q`: time slices, highest priority first; empty for `-n`/`-q`.
    pub quantum_list: String,
    /// `-A`: allotments, highest priority first; empty for `-a`.
    pub allotment_list: String,
    /// `-j`: number of random jobs.
    pub jobs: i64,
    /// `-m`: longest random job.
    pub maxlen: i64,
    /// `-M`: largest random I/O frequency.
    pub maxio: i64,
    /// `-B`: boost period (0: none).
    pub boost: i64,
    /// `-i`: I/O length.
    pub io_time: i64,
    /// `-S`: reset quantum and allotment on I/O.
    pub stay: bool,
    /// `-I`: a woken job goes to the front of its queue.
    pub iobump: bool,
    /// `-l`: jobs `start,run,ioFreq:…`; empty for random jobs.
    pub jlist: String,
    /// `-c`: print the answers.
    pub solve: bool,
}

impl Default for MlfqOptions {
    fn default() -> Self {
        MlfqOptions {
            seed: 0,
            queues: 3,
            quantum: 10,
            allotment: 1,
            quantum_list: String::new(),
            allotment_list: String::new(),
            jobs: 3,
            maxlen: 100,
            maxio: 10,
            boost: 0,
            io_time: 5,
            stay: false,
            iobump: false,
            jlist: String::new(),
            solve: false,
        }
    }
}

/// mlfq.py's options from parsed flags; errors name the flag.
pub fn options(p: &Parsed) -> Result<MlfqOptions, OstepError> {
    let d = MlfqOptions::default();
    Ok(MlfqOptions {
        seed: super::seed_opt(p)?,
        queues: super::int_opt(p, "numQueues", "-n", d.queues)?,
        quantum: super::int_opt(p, "quantum", "-q", d.quantum)?,
        allotment: super::int_opt(p, "allotment", "-a", d.allotment)?,
        quantum_list: p.value("quantumList").unwrap_or_default().to_string(),
        allotment_list: p.value("allotmentList").unwrap_or_default().to_string(),
        jobs: super::int_opt(p, "numJobs", "-j", d.jobs)?,
        maxlen: super::int_opt(p, "maxlen", "-m", d.maxlen)?,
        maxio: super::int_opt(p, "maxio", "-M", d.maxio)?,
        boost: super::int_opt(p, "boost", "-B", d.boost)?,
        io_time: super::int_opt(p, "iotime", "-i", d.io_time)?,
        stay: p.switch("stay"),
        iobump: p.switch("iobump"),
        jlist: p.value("jlist").unwrap_or_default().to_string(),
        solve: p.switch("solve"),
    })
}

/// A job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MlfqJob {
    /// Index, from 0.
    pub job: usize,
    /// Arrival, in ticks.
    pub start: Ticks,
    /// CPU ticks it needs.
    pub run: Ticks,
    /// It issues an I/O after every this many ticks of CPU (≤ 0: never).
    pub io_freq: i64,
}

impl MlfqJob {
    /// I/Os it issues: one after each multiple of `io_freq` below `run`.
    pub fn ios(&self) -> u64 {
        if self.io_freq > 0 { (self.run - 1) / self.io_freq as u64 } else { 0 }
    }
}

/// One queue as mlfq.py prints its settings (values as given; `-A` may give the lowest queue
/// an allotment below 1, which changes nothing but its printed counter).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Queue {
    /// Time slice, in ticks.
    pub quantum: i64,
    /// Quanta at this level before moving down.
    pub allotment: i64,
}

/// The jobs and settings of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MlfqWorkload {
    /// The queues, highest priority first (mlfq.py's queue `n − 1` first).
    pub queues: Vec<Queue>,
    /// The jobs, by index.
    pub jobs: Vec<MlfqJob>,
    /// Boost period in ticks (0: none).
    pub boost: Ticks,
    /// I/O length in ticks.
    pub io_time: Ticks,
    /// `-S`.
    pub stay: bool,
    /// `-I`.
    pub iobump: bool,
}

/// A list flag's integers (`-Q`, `-A`), as Python's `int()` reads each.
fn int_list(text: &str, flag: &str) -> Result<Vec<i64>, OstepError> {
    super::list_items(text, ',', flag, "entry")?
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            values::decimal_int(s)
                .and_then(|n| values::in_range(n, i64::MIN, i64::MAX))
                .map_err(|e| OstepError::new(flag, format!("entry {i}: {e}")))
        })
        .collect()
}

/// Builds the queues and jobs from the flags: `-l`'s jobs, or `-j` random jobs drawn as mlfq.py
/// draws them from Python's RNG seeded with `-s` (run `int(random()·(m−1)+1)`, then ioFreq
/// `int(random()·(M−1)+1)`, start 0). Errors name the flag.
pub fn workload(o: &MlfqOptions) -> Result<MlfqWorkload, OstepError> {
    let quanta: Vec<i64> = if o.quantum_list.is_empty() {
        if !(1..=MAX_QUEUES as i64).contains(&o.queues) {
            return Err(OstepError::new("-n", format!("give 1 to {MAX_QUEUES} queues, got {}", o.queues)));
        }
        if o.quantum < 1 {
            return Err(OstepError::new("-q", format!("a time slice is at least 1 tick, got {}", o.quantum)));
        }
        vec![o.quantum; o.queues as usize]
    } else {
        let q = int_list(&o.quantum_list, "-Q")?;
        if q.len() > MAX_QUEUES {
            return Err(OstepError::new("-Q", format!("{} queues is too many: the most is {MAX_QUEUES}", q.len())));
        }
        if let Some(i) = q.iter().position(|&x| x < 1) {
            return Err(OstepError::new("-Q", format!("entry {i}: a time slice is at least 1 tick, got {}", q[i])));
        }
        q
    };
    let n = quanta.len();
    let allotments: Vec<i64> = if o.allotment_list.is_empty() {
        if o.allotment < 1 {
            return Err(OstepError::new("-a", format!("an allotment is at least 1 quantum, got {}", o.allotment)));
        }
        vec![o.allotment; n]
    } else {
        let a = int_list(&o.allotment_list, "-A")?;
        if a.len() != n {
            return Err(OstepError::new(
                "-A",
                format!("give one allotment per queue: {} for {n} queues (-n or -Q)", a.len()),
            ));
        }
        // mlfq.py checks every level but the lowest, whose allotment has no effect.
        if let Some(i) = a[..n - 1].iter().position(|&x| x < 1) {
            return Err(OstepError::new("-A", format!("entry {i}: an allotment is at least 1 quantum, got {}", a[i])));
        }
        a
    };
    if o.io_time < 0 {
        return Err(OstepError::new("-i", format!("an I/O takes 0 ticks or more, got {}", o.io_time)));
    }
    if o.boost < 0 {
        return Err(OstepError::new("-B", format!("the boost period is 0 (none) or more ticks, got {}", o.boost)));
    }
    let jobs = if o.jlist.is_empty() { random_jobs(o)? } else { listed_jobs(&o.jlist)? };
    let io_time = o.io_time as u64;
    // The run ends by the last arrival plus all the CPU and I/O time.
    let bound = jobs.iter().map(|j| j.start).max().unwrap_or(0) as u128
        + jobs.iter().map(|j| j.run as u128 + j.ios() as u128 * io_time as u128).sum::<u128>();
    if bound > MAX_TICKS as u128 {
        let flag = if o.jlist.is_empty() { "-m" } else { "-l" };
        let flag = if jobs.iter().any(|j| j.ios() > 0) && io_time > MAX_TICKS / 4 { "-i" } else { flag };
        return Err(OstepError::new(flag, format!("the run could last more than {MAX_TICKS} ticks, the most printed")));
    }
    let queues = quanta.into_iter().zip(allotments).map(|(quantum, allotment)| Queue { quantum, allotment }).collect();
    Ok(MlfqWorkload { queues, jobs, boost: o.boost as Ticks, io_time, stay: o.stay, iobump: o.iobump })
}

fn random_jobs(o: &MlfqOptions) -> Result<Vec<MlfqJob>, OstepError> {
    if !(1..=MAX_JOBS as i64).contains(&o.jobs) {
        return Err(OstepError::new("-j", format!("give 1 to {MAX_JOBS} jobs, got {}", o.jobs)));
    }
    if !(1..=MAX_TICKS as i64).contains(&o.maxlen) {
        return Err(OstepError::new("-m", format!("the longest job must be 1 to {MAX_TICKS} ticks, got {}", o.maxlen)));
    }
    let mut rng = PyRandom::seed(o.seed);
    Ok((0..o.jobs as usize)
        .map(|job| {
            // Python's int() of a float truncates toward zero, as `as` does.
            let run = (rng.random() * (o.maxlen - 1) as f64 + 1.0) as u64;
            let io_freq = (rng.random() * (o.maxio as f64 - 1.0) + 1.0) as i64;
            MlfqJob { job, start: 0, run, io_freq }
        })
        .collect())
}

fn listed_jobs(text: &str) -> Result<Vec<MlfqJob>, OstepError> {
    let items = super::list_items(text, ':', "-l", "job")?;
    if items.len() > MAX_JOBS {
        return Err(OstepError::new("-l", format!("{} jobs is too many: the most is {MAX_JOBS}", items.len())));
    }
    items
        .into_iter()
        .enumerate()
        .map(|(job, item)| {
            let err = |m: String| OstepError::new("-l", format!("job {job}: {m}"));
            let parts: Vec<&str> = item.split(',').collect();
            let [start, run, io] = parts[..] else {
                return Err(err(format!("`{item}` is not start,run,ioFreq (three numbers, jobs separated by `:`)")));
            };
            let int = |s: &str, what: &str, lo: i64| {
                values::decimal_int(s)
                    .and_then(|n| values::in_range(n, lo, i64::MAX))
                    .map_err(|e| err(format!("{what}: {e}")))
            };
            Ok(MlfqJob {
                job,
                start: int(start, "start time", 0)? as Ticks,
                run: int(run, "run time (at least 1)", 1)? as Ticks,
                io_freq: int(io, "I/O frequency", i64::MIN)?,
            })
        })
        .collect()
}

impl MlfqWorkload {
    /// The MLFQ settings that follow mlfq.py (see the module docs).
    pub fn spec(&self) -> MlfqSpec {
        let lowest = self.queues.len() - 1;
        MlfqSpec {
            levels: (self.queues.iter().enumerate())
                .map(|(i, q)| MlfqLevel {
                    quantum: q.quantum as Ticks,
                    allotment: if i == lowest { q.allotment.max(0) as u64 } else { q.allotment as u64 },
                })
                .collect(),
            boost_period: self.boost,
            boost_order: BoostOrder::LowestFirst,
            reset_on_block: self.stay,
            wake_to_front: self.iobump,
            arrivals_before_wakeups: true,
            tie: TieRule::PreemptedFirst,
        }
    }

    /// The program of a job: bursts of `io_freq` ticks, each followed by an I/O, then the rest.
    fn program(&self, j: &MlfqJob) -> Vec<String> {
        let k = j.ios();
        let last = j.run - k * j.io_freq.max(0) as u64;
        let mut lines = Vec::new();
        if k > 0 {
            lines.push(format!("loop {k}"));
            lines.push(format!("  compute {}", j.io_freq));
            lines.push(format!("  io {}", self.io_time));
            lines.push("end".into());
        }
        lines.push(format!("compute {last}"));
        lines
    }

    /// The model scenario: one process `Job N` per job, arriving at its start time, on one CPU
    /// with free switches, under MLFQ set to follow mlfq.py.
    pub fn scenario(&self) -> Scenario {
        let quanta: Vec<String> = self.queues.iter().map(|q| q.quantum.to_string()).collect();
        let steps: u64 = self.jobs.iter().map(|j| 4 * j.ios() + 4).sum();
        Scenario {
            format: FORMAT,
            name: format!("OSTEP mlfq.py: {} jobs, {} queues", self.jobs.len(), self.queues.len()),
            description: format!(
                "OSTEP's cpu-sched-mlfq/mlfq.py workload: time slices {} (highest priority first), boost every {} ticks (0: never), I/O of {} ticks{}{}.",
                quanta.join(", "),
                self.boost,
                self.io_time,
                if self.stay { ", -S: a fresh quantum after each I/O" } else { "" },
                if self.iobump { ", -I: woken jobs go to the front" } else { "" },
            ),
            machine: Default::default(),
            scheduler: SchedulerSpec::from(self.spec()),
            seed: 0,
            limits: Limits { max_steps: steps + 1, max_time: MAX_TICKS + 1 },
            channels: Default::default(),
            shared: Default::default(),
            mutex_protocol: Default::default(),
            params: Default::default(),
            processes: self
                .jobs
                .iter()
                .map(|j| ProcessSpec {
                    name: format!("Job {}", j.job),
                    arrival: j.start,
                    threads: vec![ThreadSpec {
                        name: "main".into(),
                        code: Some(ProgramText::Lines(self.program(j))),
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
        }
    }

    /// Runs the model here and reads the trace lines and the statistics from it. ([`Self::answers`]).
    pub fn solve(&self) -> Result<MlfqAnswers, OstepError> {
        super::solve_here(&self.scenario(), "-l", |ran| self.answers(ran))
    }

    /// Reads the trace lines and the statistics from `ran`, the model's run of
    /// [`Self::scenario`]. Errors: it did not complete.
    pub fn answers(&self, ran: Ran<'_>) -> Result<MlfqAnswers, OstepError> {
        ran.completed("-l")?;
        let trace = ran.trace;
        let end = ran.metrics.makespan;
        let n = self.jobs.len();
        // What the trace says happened at each instant.
        let mut begins = vec![Vec::new(); end as usize + 1];
        let mut woken = vec![Vec::new(); end as usize + 1];
        let mut blocked = vec![None; end as usize + 1];
        let mut finished = vec![None; end as usize + 1];
        for e in &trace.events {
            let What::State { tid, state, cause } = e.what else { continue };
            let t = e.time as usize;
            match (state, cause) {
                (ThreadState::Ready, Cause::Queued { reason: ReadyReason::Arrived }) => begins[t].push(tid),
                (ThreadState::Ready, Cause::Queued { reason: ReadyReason::Woken }) => woken[t].push(tid),
                (ThreadState::Blocked, _) => blocked[t] = Some(tid),
                (ThreadState::Terminated, _) => finished[t] = Some(tid),
                _ => {}
            }
        }
        let running = per_tick(trace, 1, end).remove(0);
        let lines = self.replay(&running, &begins, &woken, &blocked, &finished);
        let stats = (0..n)
            .map(|j| {
                let m = &ran.metrics.threads[j];
                JobStats {
                    job: j,
                    start: self.jobs[j].start,
                    response: m.response.expect("every job ran"),
                    turnaround: m.turnaround.expect("every job finished"),
                }
            })
            .collect();
        Ok(MlfqAnswers { lines, stats })
    }

    /// mlfq.py's per-tick lines along the model's run, with its counters kept by its rules.
    fn replay(
        &self,
        running: &[Option<usize>],
        begins: &[Vec<usize>],
        woken: &[Vec<usize>],
        blocked: &[Option<usize>],
        finished: &[Option<usize>],
    ) -> Vec<Line> {
        let top = self.queues.len() - 1; // mlfq.py's highest queue index
        let queue = |pri: usize| self.queues[top - pri];
        let fresh = |pri: usize| Counters { pri, ticks: queue(pri).quantum, allot: queue(pri).allotment };
        let mut c: Vec<Counters> = vec![fresh(top); self.jobs.len()];
        let mut left: Vec<Ticks> = self.jobs.iter().map(|j| j.run).collect();
        let mut done = 0;
        let mut lines = Vec::new();
        let mut t: Ticks = 0;
        while done < self.jobs.len() && (t as usize) < running.len() {
            let ti = t as usize;
            if self.boost > 0 && t != 0 && t.is_multiple_of(self.boost) {
                lines.push(Line::Boost { time: t, every: self.boost });
                for (j, cj) in c.iter_mut().enumerate() {
                    if left[j] > 0 {
                        *cj = fresh(top);
                    }
                }
            }
            lines.extend(begins[ti].iter().map(|&job| Line::Begins { time: t, job }));
            lines.extend(woken[ti].iter().map(|&job| Line::IoDone { time: t, job }));
            let Some(j) = running[ti] else {
                lines.push(Line::Idle { time: t });
                t += 1;
                continue;
            };
            left[j] -= 1;
            c[j].ticks -= 1;
            let Counters { pri, ticks, allot } = c[j];
            lines.push(Line::Run {
                time: t,
                job: j,
                priority: pri,
                ticks,
                allot,
                left: left[j],
                run: self.jobs[j].run,
            });
            t += 1;
            let ti = t as usize;
            if finished[ti] == Some(j) {
                debug_assert_eq!(left[j], 0, "job {j} finished at {t} with time left");
                lines.push(Line::Finished { time: t, job: j });
                done += 1;
                continue;
            }
            let io = blocked[ti] == Some(j);
            if io {
                lines.push(Line::IoStart { time: t, job: j });
                if self.stay {
                    c[j] = fresh(pri);
                }
            }
            if ticks == 0 {
                c[j].allot -= 1;
                if c[j].allot == 0 {
                    c[j] = fresh(pri.saturating_sub(1));
                } else {
                    c[j].ticks = queue(pri).quantum;
                }
            }
        }
        lines
    }
}

/// mlfq.py's counters of a job: its queue (`numQueues − 1` is the highest), the ticks left of
/// its quantum and the quanta left of its allotment.
#[derive(Clone, Copy, Debug)]
struct Counters {
    pri: usize,
    ticks: i64,
    allot: i64,
}

/// One line of mlfq.py's execution trace; times in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line {
    /// `[ time t ] BOOST ( every B )`.
    Boost {
        /// When.
        time: Ticks,
        /// The boost period.
        every: Ticks,
    },
    /// `[ time t ] JOB BEGINS by JOB j`.
    Begins {
        /// When.
        time: Ticks,
        /// The job.
        job: usize,
    },
    /// `[ time t ] IO_DONE by JOB j`.
    IoDone {
        /// When.
        time: Ticks,
        /// The job.
        job: usize,
    },
    /// `[ time t ] Run JOB j at PRIORITY p [ TICKS k ALLOT a TIME l (of r) ]`, the counters
    /// after the tick.
    Run {
        /// The tick.
        time: Ticks,
        /// The job.
        job: usize,
        /// Its queue, mlfq.py's numbering (`numQueues − 1` is the highest).
        priority: usize,
        /// Ticks left of its quantum.
        ticks: i64,
        /// Quanta left of its allotment.
        allot: i64,
        /// CPU ticks it still needs.
        left: Ticks,
        /// CPU ticks it needs in all.
        run: Ticks,
    },
    /// `[ time t ] IDLE`.
    Idle {
        /// The tick.
        time: Ticks,
    },
    /// `[ time t ] FINISHED JOB j`.
    Finished {
        /// When.
        time: Ticks,
        /// The job.
        job: usize,
    },
    /// `[ time t ] IO_START by JOB j`, then mlfq.py's stray `IO DONE`.
    IoStart {
        /// When.
        time: Ticks,
        /// The job.
        job: usize,
    },
}

impl Line {
    /// The line as mlfq.py prints it (an I/O start is two lines).
    pub fn text(&self) -> String {
        match *self {
            Line::Boost { time, every } => format!("[ time {time} ] BOOST ( every {every} )"),
            Line::Begins { time, job } => format!("[ time {time} ] JOB BEGINS by JOB {job}"),
            Line::IoDone { time, job } => format!("[ time {time} ] IO_DONE by JOB {job}"),
            Line::Run { time, job, priority, ticks, allot, left, run } => format!(
                "[ time {time} ] Run JOB {job} at PRIORITY {priority} [ TICKS {ticks} ALLOT {allot} TIME {left} (of {run}) ]"
            ),
            Line::Idle { time } => format!("[ time {time} ] IDLE"),
            Line::Finished { time, job } => format!("[ time {time} ] FINISHED JOB {job}"),
            Line::IoStart { time, job } => format!("[ time {time} ] IO_START by JOB {job}\nIO DONE"),
        }
    }

    fn json(&self) -> serde_json::Value {
        use serde_json::json;
        match *self {
            Line::Boost { time, every } => json!({ "time": time, "event": "boost", "every": every }),
            Line::Begins { time, job } => json!({ "time": time, "event": "begins", "job": job }),
            Line::IoDone { time, job } => json!({ "time": time, "event": "io_done", "job": job }),
            Line::Run { time, job, priority, ticks, allot, left, run } => json!({
                "time": time, "event": "run", "job": job, "priority": priority,
                "ticks": ticks, "allot": allot, "time_left": left, "run_time": run,
            }),
            Line::Idle { time } => json!({ "time": time, "event": "idle" }),
            Line::Finished { time, job } => json!({ "time": time, "event": "finished", "job": job }),
            Line::IoStart { time, job } => json!({ "time": time, "event": "io_start", "job": job }),
        }
    }
}

/// A job's measures, in ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct JobStats {
    /// The job.
    pub job: usize,
    /// Its arrival.
    pub start: Ticks,
    /// First run − arrival.
    pub response: Ticks,
    /// Completion − arrival.
    pub turnaround: Ticks,
}

/// What `-c` prints: the execution trace and each job's measures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MlfqAnswers {
    /// The trace, in mlfq.py's order.
    pub lines: Vec<Line>,
    /// Per job, by index.
    pub stats: Vec<JobStats>,
}

impl MlfqAnswers {
    /// Mean response and turnaround, in ticks.
    pub fn averages(&self) -> (f64, f64) {
        let n = self.stats.len() as f64;
        let r: u64 = self.stats.iter().map(|s| s.response).sum();
        let t: u64 = self.stats.iter().map(|s| s.turnaround).sum();
        (r as f64 / n, t as f64 / n)
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// The text for these flags, line for line as mlfq.py's: the settings and jobs, then with `-c`
/// the trace and statistics, else what to work out. The numbers and the layout (`OPTIONS`
/// lines, job lines, trace, statistics, headings) are mlfq.py's; the sentences (the first line,
/// what each job's numbers mean, what to work out) are our own words.
pub fn render(w: &MlfqWorkload, answers: Option<&MlfqAnswers>) -> String {
    let mut s = String::from("The settings of this run:\n");
    let n = w.queues.len();
    let _ = writeln!(s, "OPTIONS jobs {}\nOPTIONS queues {n}", w.jobs.len());
    for (level, q) in w.queues.iter().enumerate() {
        let i = n - 1 - level;
        let _ = writeln!(s, "OPTIONS allotments for queue {i:2} is {:3}", q.allotment);
        let _ = writeln!(s, "OPTIONS quantum length for queue {i:2} is {:3}", q.quantum);
    }
    let _ = writeln!(s, "OPTIONS boost {}\nOPTIONS ioTime {}", w.boost, w.io_time);
    let _ = writeln!(s, "OPTIONS stayAfterIO {}\nOPTIONS iobump {}\n\n", py_bool(w.stay), py_bool(w.iobump));
    s.push_str("Each job below is given by:\n");
    s.push_str("  startTime : when it arrives\n");
    s.push_str("  runTime   : the CPU time it needs in all\n");
    s.push_str("  ioFreq    : it starts an I/O after every ioFreq units of CPU\n");
    s.push_str("              (each I/O lasts ioTime units)\n\n");
    s.push_str("Job List:\n");
    for j in &w.jobs {
        let _ =
            writeln!(s, "  Job {:2}: startTime {:3} - runTime {:3} - ioFreq {:3}", j.job, j.start, j.run, j.io_freq);
    }
    s.push('\n');
    let Some(a) = answers else {
        s.push_str("Work out which job runs in each tick, and, if you like, each job's response\n");
        s.push_str("and turnaround times. Then run the same command with -c to check.\n\n");
        return s;
    };
    s.push_str("\nExecution Trace:\n\n");
    for line in &a.lines {
        s.push_str(&line.text());
        s.push('\n');
    }
    s.push_str("\nFinal statistics:\n");
    for st in &a.stats {
        let _ = writeln!(
            s,
            "  Job {:2}: startTime {:3} - response {:3} - turnaround {:3}",
            st.job, st.start, st.response, st.turnaround
        );
    }
    let (r, t) = a.averages();
    let last = a.stats.len() - 1; // mlfq.py prints its loop variable here
    let _ = writeln!(s, "\n  Avg {last:2}: startTime n/a - response {r:.2} - turnaround {t:.2}\n\n");
    s
}

/// The same run as JSON for graders: the settings, jobs and, always, the answers (ticks).
pub fn report(w: &MlfqWorkload, a: &MlfqAnswers) -> serde_json::Value {
    let (r, t) = a.averages();
    serde_json::json!({
        "simulator": "mlfq",
        "queues": w.queues.iter().enumerate().map(|(level, q)| serde_json::json!({
            "queue": w.queues.len() - 1 - level, "quantum": q.quantum, "allotment": q.allotment,
        })).collect::<Vec<_>>(),
        "boost": w.boost,
        "io_time": w.io_time,
        "stay_after_io": w.stay,
        "iobump": w.iobump,
        "jobs": w.jobs,
        "trace": a.lines.iter().map(Line::json).collect::<Vec<_>>(),
        "stats": a.stats,
        "average": { "response": r, "turnaround": t },
    })
}

/// The options and workload of one command line ([`super::prepare_args`]).
pub(crate) fn prepare(p: &Parsed) -> Result<(MlfqOptions, MlfqWorkload), OstepError> {
    let o = options(p)?;
    let w = workload(&o)?;
    Ok((o, w))
}

/// The text and report of one command line from the model's run of its scenario
/// ([`super::Prepared::finish`]).
pub(crate) fn finish(o: &MlfqOptions, w: &MlfqWorkload, ran: Ran<'_>) -> Result<super::Printed, OstepError> {
    let answers = w.answers(ran)?;
    Ok((render(w, o.solve.then_some(&answers)), report(w, &answers)))
}
