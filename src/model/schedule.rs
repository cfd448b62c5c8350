//! A schedule on one CPU: which thread runs each tick, as the learner writes it ("be the
//! scheduler"), as a run followed it, and as OSTEP's x86.py takes it with `-P`.
//!
//! OSTEP's `threads-locks/x86.py -P 0011` runs thread 0 for two instructions, then thread 1 for
//! two, and starts again from the first digit when the string runs out, skipping the digits of
//! threads that have finished (`../shared/OSTEP.md`). Here a digit is one **tick** of the CPU:
//! every instruction but `compute N` takes one tick, so for programs without `compute` a digit is
//! one instruction, as in x86.py; `compute N` takes N digits (a slice may cut it), and `loop`,
//! `end`, `exit` and `io` take no time and so no digit (they run with the thread's previous
//! instruction). Threads are numbered by their global thread id (`tid`), in scenario order.
//!
//! The text form is x86.py's: one digit per tick (`"0011"`); with ten or more threads, numbers
//! separated by commas (`"0,1,10"`). Spaces are allowed between entries. The scheduling policy
//! that follows a schedule is [`super::scheduler::scripted`]; what a run actually followed (which
//! thread ran each tick, read from its trace) is [`Followed`], and re-running that schedule
//! reproduces the run ([`replay`]): every instruction's effect at the same tick. A turn on the
//! CPU in which a thread runs no tick (it only starts an `io`, or exits, e.g. right after a
//! mutex was handed to it) takes one entry, as x86.py's `halt` takes a digit. What a replay
//! cannot reproduce: lengths SJF and SRTF draw ahead (`compute A..B`, when a thread becomes
//! ready) are drawn in another order; and a turn a pre-emptive policy ends before its first tick
//! (a thread woken by `io 0` at that instant, or one arriving during the context switch) leaves
//! no entry, so the replay may order that instant's zero-time steps, or spend switch time,
//! differently.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::scenario::{Scenario, SchedulerSpec};
use super::scheduler::ScriptedSpec;
use super::simulation::{Recording, RunResult};
use super::system::System;
use super::trace::{Cause, IntervalKind, ThreadState, What};
use super::{ScenarioError, ThreadId, Ticks};

/// Most entries a schedule may have (each is one tick of the run it drives).
pub const MAX_SCHEDULE_ENTRIES: usize = 1_000_000;

/// Which thread runs each tick of one CPU, in order (x86.py's `-P`). Empty: no script.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Schedule {
    /// The thread (global tid) of each entry.
    pub entries: Vec<ThreadId>,
}

impl Schedule {
    /// A schedule of these entries.
    pub fn new(entries: Vec<ThreadId>) -> Self {
        Schedule { entries }
    }

    /// Reads the text form: one digit per entry (`"0011"`), or numbers separated by commas or
    /// spaces (`"0, 1, 10"`). Errors say which character is wrong and show the forms.
    pub fn parse(text: &str) -> Result<Schedule, String> {
        const FORMS: &str =
            "write one thread number per µs of CPU, as OSTEP's -P (`0011`), or numbers separated by commas (`0,1,10`)";
        let text = text.trim();
        let entries: Vec<ThreadId> = if text.contains([',', ' ', '\t']) {
            let mut out = Vec::new();
            for (i, word) in text.split([',', ' ', '\t']).map(str::trim).filter(|w| !w.is_empty()).enumerate() {
                let tid = word
                    .parse::<ThreadId>()
                    .map_err(|_| format!("entry {} (`{word}`) is not a thread number: {FORMS}", i + 1))?;
                out.push(tid);
            }
            out
        } else {
            let mut out = Vec::with_capacity(text.len());
            for (i, c) in text.chars().enumerate() {
                let digit = c
                    .to_digit(10)
                    .ok_or_else(|| format!("character {} (`{c}`) is not a thread number: {FORMS}", i + 1))?;
                out.push(digit as ThreadId);
            }
            out
        };
        if entries.len() > MAX_SCHEDULE_ENTRIES {
            return Err(format!(
                "{} entries is too many: a schedule has at most {MAX_SCHEDULE_ENTRIES} (one per µs)",
                entries.len()
            ));
        }
        Ok(Schedule { entries })
    }

    /// Number of entries (ticks).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether thread `tid` has an entry.
    pub fn names(&self, tid: ThreadId) -> bool {
        self.entries.contains(&tid)
    }
}

/// x86.py's `-P` form: digits (`0011`), or numbers with commas when a thread id is 10 or more.
impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entries.iter().all(|&t| t < 10) {
            for &t in &self.entries {
                write!(f, "{t}")?;
            }
            return Ok(());
        }
        for (i, t) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{t}")?;
        }
        Ok(())
    }
}

impl Serialize for Schedule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Schedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Schedule::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Why an entry of a schedule was passed over: its thread could not run at its turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// The thread had terminated (x86.py skips these entries too).
    Finished,
    /// The thread was blocked (on a lock, I/O, …).
    Blocked,
    /// The thread had not arrived yet.
    NotArrived,
}

impl SkipReason {
    /// For people: "had finished", "was blocked", "had not arrived".
    pub fn words(self) -> &'static str {
        match self {
            SkipReason::Finished => "had finished",
            SkipReason::Blocked => "was blocked",
            SkipReason::NotArrived => "had not arrived",
        }
    }
}

/// An entry passed over (see [`Followed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Skip {
    /// The entry's index in the schedule, 0-based (the schedule may have started again since).
    pub entry: usize,
    /// The thread it named.
    pub tid: ThreadId,
    /// The tick at which its turn came, in ticks.
    pub at: Ticks,
    /// Why that thread could not run.
    pub why: SkipReason,
}

/// A tick run by a thread that no entry named: nothing the schedule named could run, so the
/// lowest-numbered ready thread ran (the scripted policy's fallback).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Unscripted {
    /// The tick, in ticks.
    pub at: Ticks,
    /// The thread that ran.
    pub tid: ThreadId,
}

/// What a run on one CPU followed: which thread ran each tick, and, against a requested
/// schedule, the entries passed over.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Followed {
    /// The thread that ran each tick the CPU ran a thread (idle and context-switch ticks have no
    /// entry). Running it again as a schedule reproduces the run ([`replay`]).
    pub schedule: Schedule,
    /// The tick at which each entry of [`Followed::schedule`] ran.
    #[serde(skip)]
    pub ticks: Vec<Ticks>,
    /// Entries of the requested schedule passed over, in order.
    pub skipped: Vec<Skip>,
    /// Ticks run by a thread the requested schedule does not name.
    pub unscripted: Vec<Unscripted>,
    /// How many times the requested schedule ran out and started again from its first entry.
    pub restarts: u64,
}

impl Followed {
    /// The schedule `result` followed: which thread ran each tick, from its trace, and one entry
    /// for each turn a thread got and ran no tick in because it only started an I/O or exited
    /// (see [`super::scheduler::scripted`]; a turn pre-empted before its first tick has none). Errors: the run recorded no trace, or ran on more than
    /// one CPU (a schedule is for one CPU).
    pub fn of(result: &RunResult) -> Result<Followed, String> {
        let trace = result.trace.as_ref().ok_or("the run recorded no trace, so it cannot say who ran when")?;
        let other_cpu = |cpu: usize| {
            format!("the run used CPU {cpu} too: a schedule says who runs on one CPU (run it with one CPU)")
        };
        if let Some(i) = trace.intervals.iter().find(|i| i.cpu != 0) {
            return Err(other_cpu(i.cpu));
        }
        let mut runs: Vec<_> = trace.intervals.iter().filter(|i| i.kind == IntervalKind::Run).collect();
        runs.sort_by_key(|i| i.start);
        let mut runs = runs.into_iter().peekable();
        let mut f = Followed::default();
        // Each turn on the CPU: from a dispatch to the thread's next state change.
        let mut turn: Option<ThreadId> = None;
        for e in &trace.events {
            let What::State { tid, state, cause } = e.what else { continue };
            match (state, cause) {
                (ThreadState::Running, Cause::Dispatched { cpu }) if cpu != 0 => return Err(other_cpu(cpu)),
                (ThreadState::Running, _) => turn = Some(tid),
                _ if turn == Some(tid) => {
                    // The ticks it ran in this turn, then an entry if it ran none.
                    let mut ran = false;
                    while let Some(i) = runs.next_if(|i| i.tid == tid && i.start < e.time) {
                        ran = true;
                        for t in i.start..i.end {
                            f.schedule.entries.push(tid);
                            f.ticks.push(t);
                        }
                    }
                    // A turn pre-empted before its first tick did nothing: no entry.
                    if !ran && state != ThreadState::Ready {
                        f.schedule.entries.push(tid);
                        f.ticks.push(e.time);
                    }
                    turn = None;
                }
                _ => {}
            }
        }
        // A run stopped early leaves its last thread on the CPU.
        for i in runs {
            for t in i.start..i.end {
                f.schedule.entries.push(i.tid);
                f.ticks.push(t);
            }
        }
        Ok(f)
    }

    /// As [`Followed::of`], set against the schedule `requested` that drove the run (with the
    /// scripted policy): which of its entries were passed over, and why. `sys` gives each
    /// thread's arrival; `result` each thread's completion.
    ///
    /// The policy takes the first entry, from where it stands, whose thread is ready; so the
    /// entries between two ticks that name another thread than the one that ran were passed
    /// over, and a thread no entry names ran as the fallback.
    pub fn against(result: &RunResult, sys: &System, requested: &Schedule) -> Result<Followed, String> {
        let mut f = Followed::of(result)?;
        let len = requested.len() as u64;
        if len == 0 {
            return Ok(f);
        }
        let why = |tid: ThreadId, at: Ticks| match result.metrics.threads[tid].completion {
            Some(done) if done <= at => SkipReason::Finished,
            _ if sys.threads[tid].arrival > at => SkipReason::NotArrived,
            _ => SkipReason::Blocked,
        };
        let mut pos = 0u64;
        for (&tid, &at) in f.schedule.entries.iter().zip(&f.ticks) {
            if !requested.names(tid) {
                f.unscripted.push(Unscripted { at, tid });
                continue;
            }
            loop {
                let entry = (pos % len) as usize;
                pos += 1;
                if requested.entries[entry] == tid {
                    break;
                }
                let named = requested.entries[entry];
                f.skipped.push(Skip { entry, tid: named, at, why: why(named, at) });
            }
        }
        f.restarts = pos.saturating_sub(1) / len;
        Ok(f)
    }

    /// Notes for people on how the run departed from the requested schedule: one line per run
    /// of skipped entries, per unscripted tick and for restarts (empty if it followed it
    /// exactly). `label` names a thread (`process/thread`).
    pub fn notes(&self, label: &dyn Fn(ThreadId) -> String) -> Vec<String> {
        let mut notes = Vec::new();
        for s in &self.skipped {
            notes.push(format!(
                "entry {} (thread {}, {}) skipped at t={}: it {}",
                s.entry + 1,
                s.tid,
                label(s.tid),
                s.at,
                s.why.words()
            ));
        }
        for u in &self.unscripted {
            notes.push(format!(
                "t={}: no entry named a thread that could run, so thread {} ({}), the lowest-numbered ready one, ran",
                u.at,
                u.tid,
                label(u.tid)
            ));
        }
        if self.restarts > 0 {
            notes.push(format!(
                "the schedule ran out and started again from its first entry {} time{}",
                self.restarts,
                if self.restarts == 1 { "" } else { "s" }
            ));
        }
        notes
    }
}

/// `scenario` set up to follow `schedule`: one CPU, the scripted policy, and no cache model (a
/// warm cache would shorten a `compute`, and a schedule counts ticks).
pub fn on_one_cpu(scenario: &Scenario, schedule: Schedule) -> Scenario {
    let mut s = scenario.clone();
    s.machine.cpus = 1;
    s.machine.cache = None;
    s.scheduler = SchedulerSpec::from(ScriptedSpec { schedule });
    s
}

/// Runs `scenario` on one CPU following `schedule` ([`on_one_cpu`]), recording the trace, and
/// says what it followed against the schedule. Errors: the scenario is invalid, or the
/// schedule names a thread that does not exist (located at `scheduler.schedule`).
pub fn replay(scenario: &Scenario, schedule: &Schedule) -> Result<(System, RunResult, Followed), ScenarioError> {
    let s = on_one_cpu(scenario, schedule.clone());
    let (sys, result) = super::run_with(&s, Recording::Full)?;
    let followed = Followed::against(&result, &sys, schedule).expect("a one-CPU run with a trace");
    Ok((sys, result, followed))
}
