//! OSTEP's `cpu-sched-multi/multi.py` (OSTEP ch. 10 homework): jobs on several CPUs, each CPU
//! with a cache, one central ready queue or one per CPU (`-p`) with work stealing, and CPU
//! affinity (`-A`).
//!
//! On the model each job `name:run:wset` is a process named `name` with a working set of `wset`
//! KB whose thread runs `compute run` (a job of length 0 or less still runs one tick, as in
//! multi.py). The machine has `-n` CPUs with the [cache model](crate::model::cache) of `-M` KB,
//! warm-up `-w` and warm rate `-r`, with `oversized_flushes` (multi.py lets a working set larger
//! than the cache "warm up", which flushes the cache). The policy is
//! [`tick_rr`](crate::model::scheduler::tick_rr) with quantum `-q`: multi.py's global slice,
//! where every CPU is interrupted at each multiple of `-q` and a job picked up mid-slice gets
//! only the rest of it. With `-p` there is one `tick_rr` per CPU
//! ([`per_cpu`](crate::model::scheduler::per_cpu)), jobs handed to the CPUs in turn, and every
//! `-P` ticks each CPU with an empty queue steals from a CPU chosen by Python's
//! `random.choice` (`steal_victim: python_random`, seeded with `-s` past the outputs the
//! random jobs used). Affinity masks are the jobs' `affinity`.
//!
//! Not supported, with an error naming the flag: `-o` (CPUs take jobs in an order shuffled every
//! tick); `-p` together with `-A`, because multi.py's stealing tests affinity wrongly (it asks
//! whether the CPU is one of the job's fields, `cpu in job`, so a pinned job is stolen only when
//! one of its numbers happens to equal the CPU), which no model rule reproduces sensibly.
//! One difference: with one CPU and `-p`, multi.py fails at the first peek that finds its queue
//! empty (`random.choice` of no other CPU); here there is simply no one to steal from.
//!
//! The text: which job each CPU runs in each tick comes from the model's trace; the time left,
//! the cache contents (`-C`) and the warm ticks are multi.py's cache accounting kept along that
//! schedule with its rules (`../shared/OSTEP.md`); the queues (`-S`) are the model's ready-queue
//! samples.

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{self, Opt, Parsed};
use super::runs::per_tick;
use super::{OstepError, Ran, values};
use crate::model::Ticks;
use crate::model::cache::CacheSpec;
use crate::model::pyrandom::{PyRandom, PyStream};
use crate::model::scenario::{
    FORMAT, Limits, MAX_CPUS, MachineSpec, ProcessSpec, Queues, Scenario, SchedulerSpec, ThreadSpec,
};
use crate::model::scheduler::{TickRrSpec, VictimSpec};
use crate::model::trace::{QUEUE_SAMPLE_MAX, Trace};

/// Most ticks a run may last.
pub const MAX_TICKS: u64 = 1_000_000;

/// Most jobs a run may have.
pub const MAX_JOBS: usize = 1_000;

/// Largest cache, working set and warm rate accepted (2⁴⁰).
const MAX_SIZE: i64 = 1 << 40;

/// multi.py's flags.
pub const OPTS: &[Opt] = &[
    args::value('s', "seed", "SEED", "seed of the random jobs and of stealing (Python's random.seed); default 0"),
    args::value('j', "job_num", "JOB_NUM", "number of random jobs; default 3"),
    args::value('R', "max_run", "MAX_RUN", "longest random job; default 100"),
    args::value('W', "max_wset", "MAX_WSET", "largest random working set; default 200"),
    args::value(
        'L',
        "job_list",
        "JOB_LIST",
        "jobs name:run_time:working_set,… instead of random ones, e.g. a:10:100,b:10:50",
    ),
    args::switch('p', "per_cpu_queues", "one ready queue per CPU (default: one central queue)"),
    args::value('A', "affinity", "AFFINITY", "CPUs each job may run on, e.g. a:0.1,b:2 (job a on CPUs 0 and 1)"),
    args::value('n', "num_cpus", "NUM_CPUS", "number of CPUs; default 2"),
    args::value('q', "quantum", "QUANTUM", "time slice (every CPU is interrupted at its multiples); default 10"),
    args::value('P', "peek_interval", "PEEK_INTERVAL", "with -p, ticks between stealing rounds (0: none); default 30"),
    args::value('w', "warmup_time", "WARMUP_TIME", "ticks a job runs on a CPU before its cache is warm; default 10"),
    args::value('r', "warm_rate", "WARM_RATE", "work a warm job does per tick; default 2"),
    args::value('M', "cache_size", "CACHE_SIZE", "cache size of each CPU; default 100"),
    args::switch('o', "rand_order", "CPUs take jobs in a random order each tick (not supported)"),
    args::switch('t', "trace", "print which job each CPU runs in each tick"),
    args::switch('T', "trace_time_left", "the trace shows each job's time left"),
    args::switch('C', "trace_cache", "the trace shows each CPU's cache (w: warm)"),
    args::switch('S', "trace_sched", "the trace shows the ready queues"),
    args::switch('c', "compute", "compute the answers"),
];

/// multi.py's flags, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiOptions {
    /// `-s`: seed of the random jobs and of stealing.
    pub seed: i128,
    /// `-j`: number of random jobs.
    pub jobs: i64,
    /// `-R`: longest random job.
    pub max_run: i64,
    /// `-W`: largest random working set.
    pub max_wset: i64,
    /// `-L`: jobs `name:run:wset,…`; empty for random jobs.
    pub job_list: String,
    /// `-p`: per-CPU queues.
    pub per_cpu: bool,
    /// `-A`: affinity, `name:cpu.cpu,…`.
    pub affinity: String,
    /// `-n`: CPUs.
    pub cpus: i64,
    /// `-q`: time slice.
    pub quantum: i64,
    /// `-P`: peek (stealing) interval; ≤ 0: none.
    pub peek: i64,
    /// `-w`: warm-up ticks.
    pub warmup: i64,
    /// `-r`: warm rate.
    pub warm_rate: i64,
    /// `-M`: cache size.
    pub cache_size: i64,
    /// `-o`: random CPU order.
    pub random_order: bool,
    /// `-t`.
    pub trace: bool,
    /// `-T`.
    pub trace_time_left: bool,
    /// `-C`.
    pub trace_cache: bool,
    /// `-S`.
    pub trace_sched: bool,
    /// `-c`.
    pub solve: bool,
}

impl Default for MultiOptions {
    fn default() -> Self {
        MultiOptions {
            seed: 0,
            jobs: 3,
            max_run: 100,
            max_wset: 200,
            job_list: String::new(),
            per_cpu: false,
            affinity: String::new(),
            cpus: 2,
            quantum: 10,
            peek: 30,
            warmup: 10,
            warm_rate: 2,
            cache_size: 100,
            random_order: false,
            trace: false,
            trace_time_left: false,
            trace_cache: false,
            trace_sched: false,
            solve: false,
        }
    }
}

/// multi.py's options from parsed flags; errors name the flag.
pub fn options(p: &Parsed) -> Result<MultiOptions, OstepError> {
    let d = MultiOptions::default();
    Ok(MultiOptions {
        seed: super::seed_opt(p)?,
        jobs: super::int_opt(p, "job_num", "-j", d.jobs)?,
        max_run: super::int_opt(p, "max_run", "-R", d.max_run)?,
        max_wset: super::int_opt(p, "max_wset", "-W", d.max_wset)?,
        job_list: p.value("job_list").unwrap_or_default().to_string(),
        per_cpu: p.switch("per_cpu_queues"),
        affinity: p.value("affinity").unwrap_or_default().to_string(),
        cpus: super::int_opt(p, "num_cpus", "-n", d.cpus)?,
        quantum: super::int_opt(p, "quantum", "-q", d.quantum)?,
        peek: super::int_opt(p, "peek_interval", "-P", d.peek)?,
        warmup: super::int_opt(p, "warmup_time", "-w", d.warmup)?,
        warm_rate: super::int_opt(p, "warm_rate", "-r", d.warm_rate)?,
        cache_size: super::int_opt(p, "cache_size", "-M", d.cache_size)?,
        random_order: p.switch("rand_order"),
        trace: p.switch("trace"),
        trace_time_left: p.switch("trace_time_left"),
        trace_cache: p.switch("trace_cache"),
        trace_sched: p.switch("trace_sched"),
        solve: p.switch("compute"),
    })
}

/// A job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MultiJob {
    /// Its name.
    pub name: String,
    /// Run time as given (0 or less still takes one tick).
    pub run: i64,
    /// Working set, in the cache's unit (KB in the model).
    pub wset: u64,
    /// CPUs it may run on; empty: any.
    pub affinity: Vec<usize>,
}

impl MultiJob {
    /// The work it needs, in ticks of cold work (at least one tick).
    pub fn work(&self) -> Ticks {
        self.run.max(1) as Ticks
    }
}

/// The jobs and settings of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiWorkload {
    /// The jobs, in order.
    pub jobs: Vec<MultiJob>,
    /// CPUs.
    pub cpus: usize,
    /// Time slice, in ticks.
    pub quantum: Ticks,
    /// Per-CPU queues.
    pub per_cpu: bool,
    /// Stealing interval with per-CPU queues (`None`: no stealing).
    pub peek: Option<Ticks>,
    /// The caches.
    pub cache: CacheSpec,
    /// Python's generator where stealing starts drawing (after the random jobs).
    pub draws: PyStream,
}

/// Builds the jobs from the flags: `-L`'s, or `-j` random jobs drawn as multi.py draws them
/// (run `int(random() · R / 10) · 10`, then working set `int(random() · W / 10) · 10`, named
/// 0, 1, …). Errors name the flag.
pub fn workload(o: &MultiOptions) -> Result<MultiWorkload, OstepError> {
    if o.random_order {
        return Err(OstepError::new(
            "-o",
            "not supported: CPUs taking jobs in an order shuffled every tick is not modelled",
        ));
    }
    if o.per_cpu && !o.affinity.is_empty() {
        return Err(OstepError::new(
            "-p with -A",
            "not supported together: multi.py's work stealing checks affinity wrongly (`cpu in job`), so its runs of per-CPU queues with affinity are not reproduced; use one of the two",
        ));
    }
    if !(1..=i64::from(MAX_CPUS)).contains(&o.cpus) {
        return Err(OstepError::new("-n", format!("give 1 to {MAX_CPUS} CPUs, got {}", o.cpus)));
    }
    if o.quantum < 1 {
        return Err(OstepError::new("-q", format!("a time slice is at least 1 tick, got {}", o.quantum)));
    }
    if !(0..=MAX_TICKS as i64).contains(&o.warmup) {
        return Err(OstepError::new("-w", format!("a warm-up is 0 to {MAX_TICKS} ticks, got {}", o.warmup)));
    }
    if !(1..=MAX_SIZE).contains(&o.warm_rate) {
        return Err(OstepError::new(
            "-r",
            format!("the warm rate is at least 1 (1: no speed-up), got {}", o.warm_rate),
        ));
    }
    if !(1..=MAX_SIZE).contains(&o.cache_size) {
        return Err(OstepError::new("-M", format!("the cache size is at least 1, got {}", o.cache_size)));
    }
    let seed = u64::try_from(o.seed.unsigned_abs())
        .map_err(|_| OstepError::new("-s", "a seed must be below 2^64 in size here (the scenario holds it)"))?;
    let mut rng = PyRandom::seed(o.seed);
    let mut jobs = if o.job_list.is_empty() { random_jobs(o, &mut rng)? } else { listed_jobs(&o.job_list)? };
    if !o.affinity.is_empty() {
        affinity(&o.affinity, &mut jobs, o.cpus as usize)?;
    }
    let work: u64 = jobs.iter().map(MultiJob::work).sum();
    if work > MAX_TICKS {
        let flag = if o.job_list.is_empty() { "-R" } else { "-L" };
        return Err(OstepError::new(flag, format!("the jobs add up to {work} ticks; the most printed is {MAX_TICKS}")));
    }
    Ok(MultiWorkload {
        jobs,
        cpus: o.cpus as usize,
        quantum: o.quantum as Ticks,
        per_cpu: o.per_cpu,
        peek: (o.per_cpu && o.peek > 0).then_some(o.peek as Ticks),
        cache: CacheSpec {
            size_kb: o.cache_size as u64,
            warmup_ticks: o.warmup as Ticks,
            warm_speedup: o.warm_rate as u64,
            oversized_flushes: true,
        },
        draws: PyStream { seed, skip: rng.used() },
    })
}

fn random_jobs(o: &MultiOptions, rng: &mut PyRandom) -> Result<Vec<MultiJob>, OstepError> {
    if !(1..=MAX_JOBS as i64).contains(&o.jobs) {
        return Err(OstepError::new("-j", format!("give 1 to {MAX_JOBS} jobs, got {}", o.jobs)));
    }
    if !(0..=MAX_TICKS as i64).contains(&o.max_run) {
        return Err(OstepError::new("-R", format!("give 0 to {MAX_TICKS}, got {}", o.max_run)));
    }
    if !(0..=MAX_SIZE).contains(&o.max_wset) {
        return Err(OstepError::new("-W", format!("give 0 to 2^40, got {}", o.max_wset)));
    }
    Ok((0..o.jobs)
        .map(|j| {
            let run = ((rng.random() * o.max_run as f64) / 10.0) as i64 * 10;
            let wset = ((rng.random() * o.max_wset as f64) / 10.0) as u64 * 10;
            MultiJob { name: j.to_string(), run, wset, affinity: Vec::new() }
        })
        .collect())
}

fn listed_jobs(text: &str) -> Result<Vec<MultiJob>, OstepError> {
    let items = super::list_items(text, ',', "-L", "job")?;
    if items.len() > MAX_JOBS {
        return Err(OstepError::new("-L", format!("{} jobs is too many: the most is {MAX_JOBS}", items.len())));
    }
    let mut jobs: Vec<MultiJob> = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let err = |m: String| OstepError::new("-L", format!("job {i}: {m}"));
        let parts: Vec<&str> = item.split(':').collect();
        let [name, run, wset] = parts[..] else {
            return Err(err(format!("`{item}` is not name:run_time:working_set_size")));
        };
        let run = values::decimal_int(run)
            .and_then(|n| values::in_range(n, i64::MIN, MAX_TICKS as i64))
            .map_err(|e| err(format!("run time: {e}")))?;
        let wset = values::decimal_int(wset)
            .and_then(|n| values::in_range(n, 0, MAX_SIZE))
            .map_err(|e| err(format!("working set: {e}")))?;
        if name.trim().is_empty() {
            return Err(err("the name is empty: write one like a, as in a:100:50".into()));
        }
        if jobs.iter().any(|j| j.name == name) {
            return Err(err(format!("the name `{name}` is used twice")));
        }
        jobs.push(MultiJob { name: name.to_string(), run, wset: wset as u64, affinity: Vec::new() });
    }
    Ok(jobs)
}

fn affinity(text: &str, jobs: &mut [MultiJob], cpus: usize) -> Result<(), OstepError> {
    for entry in super::list_items(text, ',', "-A", "entry")? {
        let err = |m: String| OstepError::new("-A", m);
        let Some((name, list)) = entry.split_once(':').filter(|(_, l)| !l.contains(':')) else {
            return Err(err(format!("`{entry}` is not job:cpu.cpu… (e.g. a:0.1)")));
        };
        let Some(job) = jobs.iter_mut().find(|j| j.name == name) else {
            return Err(err(format!("`{name}` is not a job")));
        };
        for cpu in super::list_items(list, '.', "-A", &format!("job {name}: CPU"))? {
            let n = values::decimal_int(cpu)
                .and_then(|n| values::in_range(n, 0, cpus as i64 - 1))
                .map_err(|e| err(format!("job {name}: CPU `{cpu}`: {e}")))?;
            job.affinity.push(n as usize);
        }
    }
    Ok(())
}

impl MultiWorkload {
    /// The model scenario: one process per job (its name, working set and affinity), all
    /// arriving at 0, on `-n` CPUs with caches, under `tick_rr` (per CPU with `-p`).
    pub fn scenario(&self) -> Scenario {
        let queues = if self.per_cpu { Queues::PerCpu { steal_every: self.peek } } else { Queues::Global };
        let steal_victim = match self.peek {
            Some(_) => VictimSpec::PythonRandom(self.draws),
            None => VictimSpec::Uniform,
        };
        let scheduler =
            SchedulerSpec { queues, steal_victim, ..SchedulerSpec::from(TickRrSpec { quantum: self.quantum }) };
        let work: Ticks = self.jobs.iter().map(MultiJob::work).sum();
        Scenario {
            format: FORMAT,
            name: format!(
                "OSTEP multi.py: {} jobs on {} CPUs, {}",
                self.jobs.len(),
                self.cpus,
                if self.per_cpu { "per-CPU queues" } else { "one central queue" }
            ),
            description: format!(
                "OSTEP's cpu-sched-multi/multi.py workload: every CPU is interrupted each {} ticks; caches of {}, warm after {} ticks on a CPU, warm jobs run {} times as fast.",
                self.quantum, self.cache.size_kb, self.cache.warmup_ticks, self.cache.warm_speedup
            ),
            machine: MachineSpec { cpus: self.cpus as u32, cache: Some(self.cache.clone()), ..MachineSpec::default() },
            scheduler,
            // `-s`: the run's seed is the stealing's (a run under seed k steals as `-s k`).
            seed: self.draws.seed,
            limits: Limits { max_steps: 200_000, max_time: work + 1 },
            channels: Default::default(),
            shared: Default::default(),
            mutex_protocol: Default::default(),
            params: Default::default(),
            processes: self
                .jobs
                .iter()
                .map(|j| ProcessSpec {
                    name: j.name.clone(),
                    working_set_kb: Some(j.wset),
                    affinity: (!j.affinity.is_empty()).then(|| j.affinity.iter().map(|&c| c as u32).collect()),
                    threads: vec![ThreadSpec {
                        name: "main".into(),
                        code: Some(format!("compute {}", j.work()).as_str().into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
        }
    }

    /// Runs the model here and reads the answers from its trace ([`Self::answers`]).
    pub fn solve(&self) -> Result<MultiAnswers, OstepError> {
        super::solve_here(&self.scenario(), "-L", |ran| self.answers(ran))
    }

    /// Reads each CPU's ticks from `ran`, the model's run of [`Self::scenario`], keeping
    /// multi.py's cache accounting along them. Errors: it did not complete.
    pub fn answers(&self, ran: Ran<'_>) -> Result<MultiAnswers, OstepError> {
        ran.completed("-L")?;
        let (trace, metrics) = (ran.trace, ran.metrics);
        let end = metrics.makespan;
        let running = per_tick(trace, self.cpus, end);
        let mut caches: Vec<CacheReplay> = (0..self.cpus).map(|_| CacheReplay::default()).collect();
        let mut left: Vec<i64> = self.jobs.iter().map(|j| j.run).collect();
        let mut ticks = Vec::with_capacity(end as usize);
        let (mut ran, mut warm) = (vec![0; self.cpus], vec![0; self.cpus]);
        let finished: Vec<Ticks> = metrics.threads.iter().map(|m| m.completion.expect("every job finished")).collect();
        for t in 0..end as usize {
            let mut cells = Vec::with_capacity(self.cpus);
            for (cpu, column) in running.iter().enumerate() {
                let job = column[t];
                if let Some(j) = job {
                    let cache = &mut caches[cpu];
                    cache.dispatch(j, self);
                    let rate = if cache.contents.contains(&j) { self.cache.warm_speedup as i64 } else { 1 };
                    ran[cpu] += 1;
                    if rate > 1 {
                        warm[cpu] += 1;
                    }
                    left[j] = (left[j] - rate).max(0);
                    cache.ran(j, self);
                    debug_assert!(
                        left[j] > 0 || finished[j] == t as Ticks + 1,
                        "job {j}: the model and multi.py's accounting disagree at {t}"
                    );
                }
                let contents = caches[cpu].contents.clone();
                cells.push(Cell { job, left: job.map(|j| left[j]), warm: contents });
            }
            ticks.push(cells);
        }
        let queues = self.queues(trace, end);
        Ok(MultiAnswers { ticks, finished, ran, warm, total: end, queues })
    }
}

impl MultiWorkload {
    /// The ready queues after each tick's dispatching, from the trace's ready-queue samples (one at
    /// each instant the queues changed, [`crate::model::trace::QueueSample::queues`]): `[t][0]` the central queue, or
    /// `[t][cpu]` each CPU's with per-CPU queues; all empty before the first sample. Whole for up to
    /// [`QUEUE_SAMPLE_MAX`] jobs (a sample lists no more).
    fn queues(&self, trace: &Trace, end: Ticks) -> Vec<Vec<Vec<usize>>> {
        let mut out = Vec::with_capacity(end as usize);
        let mut samples = trace.ready_queue.iter().peekable();
        let mut current = vec![Vec::new(); if self.per_cpu { self.cpus } else { 1 }];
        for t in 0..end {
            while let Some(s) = samples.next_if(|s| s.time <= t) {
                current = s.queues().into_iter().map(|(listed, _)| listed.to_vec()).collect();
            }
            out.push(current.clone());
        }
        out
    }
}

/// One CPU's cache as multi.py keeps it: the jobs warm in it, most recent first, and the warm-up
/// counters of the jobs warming in it.
#[derive(Clone, Debug, Default)]
struct CacheReplay {
    contents: Vec<usize>,
    warming: Vec<(usize, i64)>,
}

impl CacheReplay {
    /// The job is scheduled here: it starts warming (or, with no warm-up, is warm at once) if
    /// the cache has not seen it.
    fn dispatch(&mut self, job: usize, w: &MultiWorkload) {
        if self.contents.contains(&job) || self.warming.iter().any(|&(j, _)| j == job) {
            return;
        }
        if w.cache.warmup_ticks == 0 {
            self.contents.insert(0, job);
            self.fit(w);
        } else {
            self.warming.push((job, w.cache.warmup_ticks as i64));
        }
    }

    /// The job ran a tick here: its warm-up counts down, and when done it joins the cache.
    fn ran(&mut self, job: usize, w: &MultiWorkload) {
        let Some(i) = self.warming.iter().position(|&(j, _)| j == job) else { return };
        self.warming[i].1 -= 1;
        if self.warming[i].1 <= 0 {
            self.warming.remove(i);
            self.contents.insert(0, job);
            self.fit(w);
        }
    }

    /// Evicts from the back while the working sets exceed the size; evicted jobs warm again.
    fn fit(&mut self, w: &MultiWorkload) {
        let mut total: u64 = self.contents.iter().map(|&j| w.jobs[j].wset).sum();
        while total > w.cache.size_kb {
            let gone = self.contents.pop().expect("a cache over its size holds a job");
            self.warming.push((gone, w.cache.warmup_ticks as i64));
            total -= w.jobs[gone].wset;
        }
    }
}

/// What one CPU did in one tick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The job it ran, if any.
    pub job: Option<usize>,
    /// That job's time left after the tick.
    pub left: Option<i64>,
    /// The jobs warm in its cache after the tick.
    pub warm: Vec<usize>,
}

/// What multi.py computes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiAnswers {
    /// `ticks[t][cpu]`.
    pub ticks: Vec<Vec<Cell>>,
    /// Each job's finish time (the end of the tick its time left reached 0), from the model.
    pub finished: Vec<Ticks>,
    /// Ticks each CPU ran a job.
    pub ran: Vec<Ticks>,
    /// Ticks each CPU ran a job warm (at a rate above 1).
    pub warm: Vec<Ticks>,
    /// The finished time: ticks until every job finished.
    pub total: Ticks,
    /// The ready queues after each tick's dispatching (for `-S`): `queues[t][cpu]`, or
    /// `queues[t][0]` for the central queue.
    pub queues: Vec<Vec<Vec<usize>>>,
}

impl MultiAnswers {
    /// CPU `cpu`'s utilisation and warm share, in percent of the finished time.
    pub fn percent(&self, cpu: usize) -> (f64, f64) {
        let total = self.total as f64;
        (100.0 * self.ran[cpu] as f64 / total, 100.0 * self.warm[cpu] as f64 / total)
    }
}

/// `s` as Python's `repr` of a string prints it.
fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn py_list(names: &[&str]) -> String {
    format!("[{}]", names.iter().map(|n| py_repr(n)).collect::<Vec<_>>().join(", "))
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// The text multi.py prints for these flags: the arguments, jobs and queues, the per-tick trace
/// with `-t`, `-T`, `-C` or `-S`, and with `-c` the finished time and per-CPU statistics (layout
/// identical to multi.py's).
pub fn render(o: &MultiOptions, w: &MultiWorkload, a: &MultiAnswers) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ARG seed {}\nARG job_num {}\nARG max_run {}", o.seed, o.jobs, o.max_run);
    let _ = writeln!(s, "ARG max_wset {}\nARG job_list {}\nARG affinity {}", o.max_wset, o.job_list, o.affinity);
    let _ =
        writeln!(s, "ARG per_cpu_queues {}\nARG num_cpus {}\nARG quantum {}", py_bool(o.per_cpu), o.cpus, o.quantum);
    let _ = writeln!(s, "ARG peek_interval {}\nARG warmup_time {}\nARG cache_size {}", o.peek, o.warmup, o.cache_size);
    let _ = writeln!(s, "ARG random_order {}\nARG trace {}", py_bool(o.random_order), py_bool(o.trace));
    let _ = writeln!(s, "ARG trace_time {}\nARG trace_cache {}", py_bool(o.trace_time_left), py_bool(o.trace_cache));
    let _ = writeln!(s, "ARG trace_sched {}\nARG compute {}\n", py_bool(o.trace_sched), py_bool(o.solve));
    for j in &w.jobs {
        let _ = writeln!(s, "Job name:{} run_time:{} working_set_size:{}", j.name, j.run, j.wset);
    }
    s.push('\n');
    let name = |j: usize| w.jobs[j].name.as_str();
    if w.per_cpu {
        for (cpu, queue) in initial_queues(w).iter().enumerate() {
            let names: Vec<&str> = queue.iter().map(|&j| name(j)).collect();
            let _ = writeln!(s, "Scheduler CPU {cpu} queue: {}", py_list(&names));
        }
        s.push('\n');
    } else {
        let names: Vec<&str> = (0..w.jobs.len()).map(name).collect();
        let _ = writeln!(s, "Scheduler central queue: {}\n", py_list(&names));
    }
    let tracing = o.trace || o.trace_time_left || o.trace_cache || o.trace_sched;
    if tracing {
        let n = w.cpus;
        let mut width = 8 + 7 * n - 5;
        if o.trace_time_left {
            width += 6 * n;
        }
        if o.trace_cache {
            width += 8 * n + w.jobs.len() * n;
        }
        for (t, cells) in a.ticks.iter().enumerate() {
            if t > 0 && (t as Ticks).is_multiple_of(w.quantum) {
                let _ = writeln!(s, "{}", "-".repeat(width));
            }
            let _ = write!(s, " {t:3}   ");
            for c in cells {
                match (c.job, c.left) {
                    (Some(j), Some(left)) => {
                        let _ = write!(s, "{} ", name(j));
                        if o.trace_time_left {
                            let _ = write!(s, "[{left:3}] ");
                        }
                    }
                    _ => {
                        s.push_str("- ");
                        if o.trace_time_left {
                            s.push_str("[   ] ");
                        }
                    }
                }
                if o.trace_cache {
                    let states: String =
                        (0..w.jobs.len()).map(|j| if c.warm.contains(&j) { 'w' } else { ' ' }).collect();
                    let _ = write!(s, "cache[{states}]");
                }
                s.push_str("     ");
            }
            if o.trace_sched {
                if w.per_cpu {
                    {
                        for (cpu, q) in a.queues[t].iter().enumerate() {
                            let _ = write!(s, "Q{cpu}: ");
                            for &j in q {
                                let _ = write!(s, "{} ", name(j));
                            }
                            s.push_str("  ");
                        }
                        s.push_str("    ");
                    }
                } else {
                    {
                        s.push_str("Q: ");
                        for &j in &a.queues[t][0] {
                            let _ = write!(s, "{} ", name(j));
                        }
                        s.push_str("    ");
                    }
                }
            }
            s.push('\n');
        }
    }
    if o.solve {
        let _ = writeln!(s, "\nFinished time {}\n\nPer-CPU stats", a.total);
        for cpu in 0..w.cpus {
            let (u, wm) = a.percent(cpu);
            let _ = writeln!(s, "  CPU {cpu}  utilization {u:3.2} [ warm {wm:3.2} ]");
        }
        s.push('\n');
    }
    s
}

/// multi.py's initial per-CPU queues: the CPUs in turn each take the first unassigned job they
/// may run.
fn initial_queues(w: &MultiWorkload) -> Vec<Vec<usize>> {
    let mut queues = vec![Vec::new(); w.cpus];
    let mut unassigned: Vec<usize> = (0..w.jobs.len()).collect();
    while !unassigned.is_empty() {
        for (cpu, queue) in queues.iter_mut().enumerate() {
            let allowed = |&&j: &&usize| w.jobs[j].affinity.is_empty() || w.jobs[j].affinity.contains(&cpu);
            if let Some(&j) = unassigned.iter().find(allowed) {
                queue.push(j);
                unassigned.retain(|&u| u != j);
            }
        }
    }
    queues
}

/// The same run as JSON for graders: the settings, jobs and, always, the answers: finished time,
/// each CPU's utilisation and warm share, each job's finish time, and each tick's jobs.
pub fn report(w: &MultiWorkload, a: &MultiAnswers) -> serde_json::Value {
    serde_json::json!({
        "simulator": "multi",
        "cpus": w.cpus,
        "quantum": w.quantum,
        "per_cpu_queues": w.per_cpu,
        "peek_interval": w.peek,
        "cache": w.cache,
        "jobs": w.jobs,
        "finished_time": a.total,
        "cpu_stats": (0..w.cpus).map(|cpu| {
            let (u, wm) = a.percent(cpu);
            serde_json::json!({ "cpu": cpu, "ran": a.ran[cpu], "warm": a.warm[cpu], "utilization": u, "warm_percent": wm })
        }).collect::<Vec<_>>(),
        "job_finish": w.jobs.iter().zip(&a.finished).map(|(j, &t)| serde_json::json!({ "job": j.name, "finished": t })).collect::<Vec<_>>(),
        "trace": a.ticks.iter().map(|cells| cells.iter().map(|c| c.job.map(|j| w.jobs[j].name.clone())).collect::<Vec<_>>()).collect::<Vec<_>>(),
    })
}

/// The options and workload of one command line ([`super::prepare_args`]). Errors also: `-S`
/// with more jobs than the trace's queue samples list ([`QUEUE_SAMPLE_MAX`]).
pub(crate) fn prepare(p: &Parsed) -> Result<(MultiOptions, MultiWorkload), OstepError> {
    let o = options(p)?;
    let w = workload(&o)?;
    if o.trace_sched && w.jobs.len() > QUEUE_SAMPLE_MAX {
        return Err(OstepError::new("-S", format!("the queues are traced for at most {QUEUE_SAMPLE_MAX} jobs")));
    }
    Ok((o, w))
}

/// The text and report of one command line from the model's run of its scenario
/// ([`super::Prepared::finish`]).
pub(crate) fn finish(o: &MultiOptions, w: &MultiWorkload, ran: Ran<'_>) -> Result<super::Printed, OstepError> {
    let answers = w.answers(ran)?;
    Ok((render(o, w, &answers), report(w, &answers)))
}
