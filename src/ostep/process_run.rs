//! OSTEP's `cpu-intro/process-run.py` (OSTEP ch. 4 homework): processes that use the CPU and
//! issue I/Os, one CPU, a tick-by-tick trace of their states.
//!
//! A process is a list of instructions: `cpu` (one tick of CPU), `io` (one tick of CPU to issue
//! an I/O, which then takes `-L` ticks) and the `io_done` that follows every `io` (one tick of
//! CPU once the I/O has completed). `-l X:Y` draws X instructions, each `cpu` with chance Y%
//! (Python's `random() < Y/100`, seeded with `-s`), else `io`; `-P c3,i:c2` spells them out.
//! The scheduling rules (`-S`, `-I`) are the policy
//! [`process_run`](crate::model::scheduler::process_run).
//!
//! Clock mapping. OSTEP counts ticks from 1; model tick `k − 1` is the start of OSTEP's tick `k`,
//! and an instruction run in OSTEP's tick `k` occupies model time `[k − 1, k)`. So:
//! - `cpu` and `io_done` are `compute 1`; `io` is `compute 1` (the issuing tick) then `io L`;
//! - an I/O issued in tick `T` blocks over `[T, T + L)`: it is in flight in ticks `T+1 … T+L` (the
//!   IO-busy ticks) and completes at model time `T + L`, the start of tick `T + L + 1`, in which
//!   its `io_done` can run (the row marked `*`);
//! - Total Time is the model's makespan; CPU Busy is the CPU's busy ticks; IO Busy counts the
//!   ticks in which at least one thread is blocked.
//!
//! A process needs at least one instruction (process-run would idle a tick for an empty one).

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{self, Opt, Parsed};
use super::values;
use super::{OstepError, Ran};
use crate::model::Ticks;
use crate::model::pyrandom::PyRandom;
use crate::model::scenario::{FORMAT, Limits, ProcessSpec, ProgramText, Scenario, SchedulerSpec, ThreadSpec};
use crate::model::scheduler::{IoDone, ProcessRunSpec, ReadyReason, SwitchOn};
use crate::model::trace::{Cause, ThreadState, What};

/// Most ticks a run may print.
pub const MAX_TICKS: u64 = 1_000_000;

/// Most processes a run may have.
pub const MAX_PROCESSES: usize = 1_000;

/// One of process-run's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// One tick of CPU.
    Cpu,
    /// One tick of CPU that issues an I/O.
    Io,
    /// One tick of CPU after an I/O completes.
    IoDone,
}

impl Op {
    /// The name process-run prints.
    pub fn name(self) -> &'static str {
        match self {
            Op::Cpu => "cpu",
            Op::Io => "io",
            Op::IoDone => "io_done",
        }
    }
}

/// process-run's flags, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessRunOptions {
    /// `-s`: seed of the random instructions.
    pub seed: i128,
    /// `-P`: programs, `c3,i,c2:c4` (`:` between processes); if given, `-l` is ignored.
    pub program: String,
    /// `-l`: random processes, `X:Y,…` (X instructions, each `cpu` with chance Y%).
    pub process_list: String,
    /// `-L`: I/O length in ticks.
    pub io_length: i64,
    /// `-S`: when to switch.
    pub switch: SwitchOn,
    /// `-I`: what runs when an I/O completes.
    pub io_done: IoDone,
    /// `-c`: print the answers.
    pub solve: bool,
    /// `-p`: print the statistics (with `-c`).
    pub print_stats: bool,
}

impl Default for ProcessRunOptions {
    fn default() -> Self {
        ProcessRunOptions {
            seed: 0,
            program: String::new(),
            process_list: String::new(),
            io_length: 5,
            switch: SwitchOn::Io,
            io_done: IoDone::Later,
            solve: false,
            print_stats: false,
        }
    }
}

/// Parses `-S`: `SWITCH_ON_IO` or `SWITCH_ON_END` (any case).
pub fn switch_flag(text: &str) -> Result<SwitchOn, String> {
    match text.to_ascii_uppercase().as_str() {
        "SWITCH_ON_IO" => Ok(SwitchOn::Io),
        "SWITCH_ON_END" => Ok(SwitchOn::End),
        _ => Err(format!("`{text}` is not a switch rule: give SWITCH_ON_IO or SWITCH_ON_END")),
    }
}

/// Parses `-I`: `IO_RUN_LATER` or `IO_RUN_IMMEDIATE` (any case).
pub fn io_done_flag(text: &str) -> Result<IoDone, String> {
    match text.to_ascii_uppercase().as_str() {
        "IO_RUN_LATER" => Ok(IoDone::Later),
        "IO_RUN_IMMEDIATE" => Ok(IoDone::Immediate),
        _ => Err(format!("`{text}` is not an I/O-done rule: give IO_RUN_LATER or IO_RUN_IMMEDIATE")),
    }
}

/// The processes and settings of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessRunWorkload {
    /// Each process's instructions, by pid.
    pub processes: Vec<Vec<Op>>,
    /// I/O length in ticks.
    pub io_length: Ticks,
    /// When to switch.
    pub switch: SwitchOn,
    /// What runs when an I/O completes.
    pub io_done: IoDone,
}

/// Builds the processes from `-P`, or from `-l` with Python's RNG seeded by `-s`. Errors name
/// the flag.
pub fn workload(o: &ProcessRunOptions) -> Result<ProcessRunWorkload, OstepError> {
    if o.io_length < 0 || o.io_length as u64 > MAX_TICKS {
        return Err(OstepError::new("-L", format!("the I/O length must be 0 to {MAX_TICKS}, got {}", o.io_length)));
    }
    let processes = if !o.program.is_empty() {
        programs(&o.program)?
    } else if !o.process_list.is_empty() {
        random_processes(&o.process_list, o.seed)?
    } else {
        return Err(OstepError::new("-l", "give the processes: -l X:Y,… (X instructions, Y% CPU) or -P c3,i:c2"));
    };
    let io_length = o.io_length as Ticks;
    // Each tick runs an instruction or has an I/O in flight: a bound on the run's length.
    let instructions: u64 = processes.iter().map(|p| p.len() as u64).sum();
    let ios = processes.iter().flatten().filter(|&&op| op == Op::Io).count() as u64;
    if instructions.saturating_add(ios.saturating_mul(io_length)) > MAX_TICKS {
        let flag = if ios.saturating_mul(io_length) > MAX_TICKS / 2 { "-L" } else { "-l" };
        return Err(OstepError::new(flag, format!("the run could last more than {MAX_TICKS} ticks, the most printed")));
    }
    Ok(ProcessRunWorkload { processes, io_length, switch: o.switch, io_done: o.io_done })
}

fn programs(text: &str) -> Result<Vec<Vec<Op>>, OstepError> {
    let err = |m: String| OstepError::new("-P", m);
    let list = super::list_items(text, ':', "-P", "process")?;
    if list.len() > MAX_PROCESSES {
        return Err(err(format!("{} processes is too many: the most is {MAX_PROCESSES}", list.len())));
    }
    let mut out = Vec::new();
    for (pid, program) in list.into_iter().enumerate() {
        let mut ops = Vec::new();
        for item in super::list_items(program, ',', "-P", &format!("process {pid}: instruction"))? {
            match item.split_at_checked(1) {
                Some(("c", n)) => {
                    let count: u64 = n.parse().ok().filter(|&n| n <= MAX_TICKS).ok_or_else(|| {
                        err(format!("process {pid}: `{item}` is not c followed by a count (0 to {MAX_TICKS})"))
                    })?;
                    if ops.len() as u64 + count > MAX_TICKS {
                        return Err(err(format!("process {pid} has more than {MAX_TICKS} instructions")));
                    }
                    ops.extend(std::iter::repeat_n(Op::Cpu, count as usize));
                }
                Some(("i", "")) => ops.extend([Op::Io, Op::IoDone]),
                Some(("i", _)) => {
                    return Err(err(format!("process {pid}: `{item}`: i takes no number (the I/O length is -L)")));
                }
                _ => {
                    return Err(err(format!(
                        "process {pid}: `{item}` is not an instruction: write cN (N ticks of CPU) or i (an I/O)"
                    )));
                }
            }
        }
        if ops.is_empty() {
            return Err(err(format!("process {pid} has no instructions")));
        }
        out.push(ops);
    }
    Ok(out)
}

fn random_processes(text: &str, seed: i128) -> Result<Vec<Vec<Op>>, OstepError> {
    let err = |m: String| OstepError::new("-l", m);
    let list = super::list_items(text, ',', "-l", "process")?;
    if list.len() > MAX_PROCESSES {
        return Err(err(format!("{} processes is too many: the most is {MAX_PROCESSES}", list.len())));
    }
    let mut rng = PyRandom::seed(seed);
    let mut out = Vec::new();
    for (pid, item) in list.into_iter().enumerate() {
        let Some((x, y)) = item.split_once(':') else {
            return Err(err(format!("process {pid}: `{item}` is not X:Y (X instructions, Y% chance of CPU)")));
        };
        let count = values::decimal_int(x)
            .and_then(|n| values::in_range(n, 1, MAX_TICKS as i64))
            .map_err(|e| err(format!("process {pid}: instructions: {e}; a process needs at least 1")))?;
        if y.trim().is_empty() {
            return Err(err(format!("process {pid}: the percentage after `:` is empty: write a number like 50")));
        }
        let percent: f64 = y
            .trim()
            .parse()
            .ok()
            .filter(|p: &f64| p.is_finite())
            .ok_or_else(|| err(format!("process {pid}: `{y}` is not a percentage (a number, like 50)")))?;
        let chance_cpu = percent / 100.0;
        let mut ops = Vec::new();
        for _ in 0..count {
            if rng.random() < chance_cpu {
                ops.push(Op::Cpu);
            } else {
                ops.extend([Op::Io, Op::IoDone]);
            }
        }
        out.push(ops);
    }
    Ok(out)
}

/// What a program line of the scenario is, for reading the trace back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    /// The tick of CPU of an instruction.
    Tick(Op),
    /// The wait of an I/O (no CPU).
    Wait,
}

impl ProcessRunWorkload {
    /// Each process's program lines (model instructions), with what each is.
    fn lines(&self, ops: &[Op]) -> Vec<(String, Line)> {
        let mut out = Vec::new();
        for &op in ops {
            out.push((format!("compute 1   # {}", op.name()), Line::Tick(op)));
            if op == Op::Io {
                out.push((format!("io {}", self.io_length), Line::Wait));
            }
        }
        out
    }

    /// The model scenario: one process `PID N` per process, all arriving at 0, on one CPU with
    /// free switches, under the `process_run` policy with `-S` and `-I`.
    pub fn scenario(&self) -> Scenario {
        let ios = self.processes.iter().flatten().filter(|&&op| op == Op::Io).count() as u64;
        let instructions: u64 = self.processes.iter().map(|p| p.len() as u64).sum();
        Scenario {
            format: FORMAT,
            name: format!("OSTEP process-run.py: {} processes", self.processes.len()),
            description: format!(
                "OSTEP's cpu-intro/process-run.py workload: cpu, io and io_done each take one tick of CPU; an I/O takes {} ticks. Switch on {}, I/O completer runs {}. Model tick k−1 is OSTEP's tick k.",
                self.io_length,
                match self.switch {
                    SwitchOn::Io => "I/O or end",
                    SwitchOn::End => "end only",
                },
                match self.io_done {
                    IoDone::Later => "later",
                    IoDone::Immediate => "immediately",
                },
            ),
            machine: Default::default(),
            scheduler: SchedulerSpec::from(ProcessRunSpec { switch: self.switch, io_done: self.io_done }),
            seed: 0,
            limits: Limits { max_steps: instructions + ios + 1, max_time: MAX_TICKS + 1 },
            channels: Default::default(),
            shared: Default::default(),
            mutex_protocol: Default::default(),
            params: Default::default(),
            processes: self
                .processes
                .iter()
                .enumerate()
                .map(|(pid, ops)| ProcessSpec {
                    name: format!("PID {pid}"),
                    threads: vec![ThreadSpec {
                        name: "main".into(),
                        code: Some(ProgramText::Lines(self.lines(ops).into_iter().map(|(l, _)| l).collect())),
                        ..Default::default()
                    }],
                    ..Default::default()
                })
                .collect(),
        }
    }

    /// Runs the model here and reads the tick-by-tick trace and the statistics from it. ([`Self::answers`]).
    pub fn solve(&self) -> Result<ProcessRunAnswers, OstepError> {
        super::solve_here(&self.scenario(), "-P", |ran| self.answers(ran))
    }

    /// Reads the rows and the statistics from `ran`, the model's run of [`Self::scenario`].
    /// Errors: it did not complete.
    pub fn answers(&self, ran: Ran<'_>) -> Result<ProcessRunAnswers, OstepError> {
        ran.completed("-l")?;
        let trace = ran.trace;
        let lines: Vec<Vec<Line>> =
            self.processes.iter().map(|ops| self.lines(ops).into_iter().map(|(_, l)| l).collect()).collect();
        let n = self.processes.len();
        let mut states = vec![ThreadState::New; n];
        let mut pcs = vec![0usize; n];
        let total = ran.metrics.makespan;
        let mut rows = Vec::with_capacity(total as usize);
        let mut events = trace.events.iter().peekable();
        for tick in 1..=total {
            // The state after every event at the start of this tick (model time tick − 1).
            let mut io_done = false;
            while let Some(e) = events.next_if(|e| e.time < tick) {
                match e.what {
                    What::State { tid, state, cause } => {
                        states[tid] = state;
                        if let Cause::Queued { reason: ReadyReason::Woken } = cause {
                            io_done |= e.time == tick - 1;
                        }
                    }
                    What::Pc { tid, pc } => pcs[tid] = pc,
                    _ => {}
                }
            }
            let mut cpu = false;
            let cells = (0..n)
                .map(|tid| match states[tid] {
                    ThreadState::Running => match lines[tid].get(pcs[tid]) {
                        Some(&Line::Tick(op)) => {
                            cpu = true;
                            Cell::Run(op)
                        }
                        _ => Cell::Running,
                    },
                    ThreadState::Ready | ThreadState::New => Cell::Ready,
                    ThreadState::Blocked => Cell::Blocked,
                    ThreadState::Terminated => Cell::Done,
                })
                .collect();
            let ios = states.iter().filter(|&&s| s == ThreadState::Blocked).count();
            rows.push(Row { tick, io_done, cells, cpu, ios });
        }
        let cpu_busy = rows.iter().filter(|r| r.cpu).count() as u64;
        let io_busy = rows.iter().filter(|r| r.ios > 0).count() as u64;
        Ok(ProcessRunAnswers { rows, total_time: total, cpu_busy, io_busy })
    }
}

/// What a process is doing in one tick, as a column of the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Running this instruction (`RUN:cpu`).
    Run(Op),
    /// The current process, with nothing to run (`RUNNING`).
    Running,
    /// `READY`.
    Ready,
    /// `BLOCKED`: waiting for its I/O.
    Blocked,
    /// `DONE`.
    Done,
}

impl Cell {
    /// As process-run prints it.
    pub fn text(self) -> String {
        match self {
            Cell::Run(op) => format!("RUN:{}", op.name()),
            Cell::Running => "RUNNING".into(),
            Cell::Ready => "READY".into(),
            Cell::Blocked => "BLOCKED".into(),
            Cell::Done => "DONE".into(),
        }
    }
}

/// One tick of the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// OSTEP's tick, from 1.
    pub tick: Ticks,
    /// Whether an I/O completed at the start of this tick (the `*`).
    pub io_done: bool,
    /// Each process's column, by pid.
    pub cells: Vec<Cell>,
    /// Whether the CPU ran an instruction.
    pub cpu: bool,
    /// I/Os in flight.
    pub ios: usize,
}

/// What `-c` (and `-p`) print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessRunAnswers {
    /// One row per tick.
    pub rows: Vec<Row>,
    /// The last tick.
    pub total_time: Ticks,
    /// Ticks that ran an instruction.
    pub cpu_busy: Ticks,
    /// Ticks with at least one I/O in flight.
    pub io_busy: Ticks,
}

/// `part` as a percentage of `total`, computed as process-run does (`100.0 * part / total`).
fn percent(part: Ticks, total: Ticks) -> f64 {
    100.0 * part as f64 / total as f64
}

/// The text for these flags: with `-c` the trace (and with `-p` the statistics), numbers and
/// layout as process-run's; without, the programs and the rules in force, the sentences in our
/// own words.
pub fn render(o: &ProcessRunOptions, w: &ProcessRunWorkload, answers: Option<&ProcessRunAnswers>) -> String {
    let mut s = String::new();
    let Some(a) = answers else {
        s.push_str("Work out, tick by tick, what happens when these processes run:\n");
        for (pid, ops) in w.processes.iter().enumerate() {
            let _ = writeln!(s, "Process {pid}");
            for op in ops {
                let _ = writeln!(s, "  {}", op.name());
            }
            s.push('\n');
        }
        s.push_str("Rules:\n");
        s.push_str(match w.switch {
            SwitchOn::Io => "  The CPU switches when the running process finishes or issues an I/O\n",
            SwitchOn::End => "  The CPU switches only when the running process finishes\n",
        });
        s.push_str(match w.io_done {
            IoDone::Later => "  A process whose I/O completes runs later, when its turn comes\n",
            IoDone::Immediate => "  A process whose I/O completes runs at once\n",
        });
        s.push('\n');
        return s;
    };
    s.push_str("Time");
    for pid in 0..w.processes.len() {
        let _ = write!(s, "{:>14}", format!("PID:{pid:2}"));
    }
    let _ = writeln!(s, "{:>14}{:>14}", "CPU", "IOs");
    for r in &a.rows {
        let _ = write!(s, "{:3}{}", r.tick, if r.io_done { '*' } else { ' ' });
        for c in &r.cells {
            let _ = write!(s, "{:>14}", c.text());
        }
        let _ = write!(s, "{:>14}", if r.cpu { "1" } else { " " });
        if r.ios > 0 {
            let _ = write!(s, "{:>14}", r.ios);
        } else {
            let _ = write!(s, "{:>10}", " ");
        }
        s.push('\n');
    }
    if o.print_stats {
        let (t, c, i) = (a.total_time, a.cpu_busy, a.io_busy);
        let _ = writeln!(s, "\nStats: Total Time {t}");
        let _ = writeln!(s, "Stats: CPU Busy {c} ({:.2}%)", percent(c, t));
        let _ = writeln!(s, "Stats: IO Busy  {i} ({:.2}%)\n", percent(i, t));
    }
    s
}

/// The same run as JSON for graders: the programs and, always, the trace and statistics.
pub fn report(w: &ProcessRunWorkload, a: &ProcessRunAnswers) -> serde_json::Value {
    serde_json::json!({
        "simulator": "process-run",
        "io_length": w.io_length,
        "switch": match w.switch { SwitchOn::Io => "SWITCH_ON_IO", SwitchOn::End => "SWITCH_ON_END" },
        "io_done": match w.io_done { IoDone::Later => "IO_RUN_LATER", IoDone::Immediate => "IO_RUN_IMMEDIATE" },
        "processes": w.processes,
        "trace": a.rows.iter().map(|r| serde_json::json!({
            "time": r.tick,
            "io_done": r.io_done,
            "processes": r.cells.iter().map(|c| c.text()).collect::<Vec<_>>(),
            "cpu": u8::from(r.cpu),
            "ios": r.ios,
        })).collect::<Vec<_>>(),
        "stats": {
            "total_time": a.total_time,
            "cpu_busy": a.cpu_busy,
            "cpu_busy_percent": percent(a.cpu_busy, a.total_time),
            "io_busy": a.io_busy,
            "io_busy_percent": percent(a.io_busy, a.total_time),
        },
    })
}

/// Parses an integer flag of process-run (`-L`) as `optparse` does.
pub fn int_flag(text: &str) -> Result<i64, String> {
    values::int_in(text, i64::MIN, i64::MAX)
}

/// process-run.py's flags.
pub const OPTS: &[Opt] = &[
    args::value('s', "seed", "SEED", "seed of the random instructions (Python's random.seed); default 0"),
    args::value(
        'P',
        "program",
        "PROGRAM",
        "programs, e.g. c3,i,c2:c4 (cN: N ticks of CPU; i: an I/O; `:` between processes)",
    ),
    args::value('l', "processlist", "PROCESS_LIST", "random processes X:Y,… (X instructions, each CPU with chance Y%)"),
    args::value('L', "iolength", "IO_LENGTH", "how long an I/O takes, in ticks; default 5"),
    args::value('S', "switch", "SWITCH", "when to switch: SWITCH_ON_IO (default) or SWITCH_ON_END"),
    args::value('I', "iodone", "IO_DONE", "when an I/O completes: IO_RUN_LATER (default) or IO_RUN_IMMEDIATE"),
    args::short_switch('c', "solve", "compute the answers"),
    args::switch('p', "printstats", "print statistics at the end (with -c)"),
];

/// process-run.py's options from parsed flags; errors name the flag.
pub fn options(p: &Parsed) -> Result<ProcessRunOptions, OstepError> {
    let d = ProcessRunOptions::default();
    Ok(ProcessRunOptions {
        seed: super::seed_opt(p)?,
        program: p.value("program").unwrap_or_default().to_string(),
        process_list: p.value("processlist").unwrap_or_default().to_string(),
        io_length: super::int_opt(p, "iolength", "-L", d.io_length)?,
        switch: match p.value("switch") {
            None => d.switch,
            Some(t) => switch_flag(t).map_err(|e| OstepError::new("-S", e))?,
        },
        io_done: match p.value("iodone") {
            None => d.io_done,
            Some(t) => io_done_flag(t).map_err(|e| OstepError::new("-I", e))?,
        },
        solve: p.switch("solve"),
        print_stats: p.switch("printstats"),
    })
}

/// The options and workload of one command line ([`super::prepare_args`]).
pub(crate) fn prepare(p: &Parsed) -> Result<(ProcessRunOptions, ProcessRunWorkload), OstepError> {
    let o = options(p)?;
    let w = workload(&o)?;
    Ok((o, w))
}

/// The text and report of one command line from the model's run of its scenario
/// ([`super::Prepared::finish`]).
pub(crate) fn finish(
    o: &ProcessRunOptions,
    w: &ProcessRunWorkload,
    ran: Ran<'_>,
) -> Result<super::Printed, OstepError> {
    let answers = w.answers(ran)?;
    Ok((render(o, w, o.solve.then_some(&answers)), report(w, &answers)))
}
