//! Scripted scheduling: the learner is the scheduler. A [`Schedule`] says which thread runs each
//! tick of the one CPU (OSTEP x86.py's `-P`, see [`crate::model::schedule`]), so a race can be
//! provoked on purpose and replayed exactly.
//!
//! The rules:
//! - the policy stands at an entry of the schedule; a free CPU runs the thread of the first
//!   entry, from there, whose thread is ready, for as many ticks as the entries that name it in a
//!   row (so a run of `000` is one slice of 3 ticks);
//! - an entry whose thread cannot run at its turn (finished, blocked, not yet arrived) is
//!   **skipped**: x86.py skips a finished thread's entries the same way, and a blocked one here
//!   would otherwise stall the CPU. [`crate::model::schedule::Followed::against`] lists the
//!   skipped entries and why, so nothing is skipped silently;
//! - each tick a thread runs uses one entry; a turn in which it runs no tick (it only starts an
//!   `io`, or exits) uses one entry too, as x86.py's `halt` takes a digit; a thread that blocks
//!   or ends early leaves the rest of its run to be skipped;
//! - when the schedule runs out it starts again from its first entry (x86.py's rule);
//! - if no entry names a ready thread (a thread the schedule leaves out), the lowest-numbered
//!   ready thread runs for one tick; with an empty schedule (the default), the lowest-numbered
//!   ready thread runs until it blocks or ends.
//!
//! A non-empty schedule needs one CPU and names only threads that exist ([`ScriptedSpec::check`],
//! called when the scenario is validated). Without one, on a machine of several CPUs, the
//! policy still runs one thread at a time (the first CPU to ask takes it, CPU 0 unless an
//! affinity mask says otherwise) and the others stay idle, as under process-run. Nothing is
//! pre-empted.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::spec::{ParamError, PolicySpec};
use super::{Ctx, LeaveReason, ReadyReason, Scheduler};
use crate::model::schedule::Schedule;
use crate::model::{CpuId, ThreadId, Ticks};

/// The policy's parameters in a scenario: `{"policy": "scripted", "schedule": "0011"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedSpec {
    /// Which thread runs each tick, in x86.py's `-P` form; empty: the lowest-numbered ready
    /// thread runs.
    #[serde(default, skip_serializing_if = "Schedule::is_empty")]
    pub schedule: Schedule,
}

impl ScriptedSpec {
    /// Checks the schedule against the scenario: every entry names one of its `threads` threads,
    /// and a non-empty schedule runs on one CPU (`cpus`).
    pub fn check(&self, threads: usize, cpus: u32) -> Result<(), ParamError> {
        // With no thread at all, the scenario's own check says what is missing.
        let bad = self.schedule.entries.iter().enumerate().find(|&(_, &t)| t >= threads);
        if let Some((i, &tid)) = bad.filter(|_| threads > 0) {
            return Err(ParamError::new(
                "schedule",
                format!(
                    "entry {} names thread {tid}, but the threads are numbered 0 to {} (in scenario order)",
                    i + 1,
                    threads - 1
                ),
            ));
        }
        if cpus != 1 && !self.schedule.is_empty() {
            return Err(ParamError::new(
                "schedule",
                format!("a schedule says which thread runs on one CPU, but machine.cpus is {cpus}: set it to 1"),
            ));
        }
        Ok(())
    }
}

impl PolicySpec for ScriptedSpec {
    const KEY: &'static str = "scripted";
    const LABEL: &'static str = "Scripted: a \"schedule\" in the JSON names who runs each µs (one CPU)";
    fn with_defaults(_quantum: Ticks) -> Self {
        ScriptedSpec::default()
    }
    fn validate(&self) -> Result<(), ParamError> {
        Ok(())
    }
    fn build(&self) -> Box<dyn Scheduler> {
        Box::new(Scripted::new(self.schedule.clone()))
    }
}

/// The schedule, where the policy stands in it, and the ready threads.
#[derive(Debug)]
pub struct Scripted {
    entries: Vec<ThreadId>,
    /// Whether each thread (by tid) has an entry.
    named: Vec<bool>,
    /// Entries used or skipped so far; the next is `entries[pos % len]`.
    pos: u64,
    ready: BTreeSet<ThreadId>,
    /// Whether the thread on the CPU was picked by an entry (not as the fallback).
    scripted: bool,
    /// Whether a thread picked is on a CPU (or being switched in): no other CPU takes one.
    on_cpu: bool,
}

impl Scripted {
    /// Follows `schedule`.
    pub fn new(schedule: Schedule) -> Self {
        let mut named = Vec::new();
        for &t in &schedule.entries {
            if named.len() <= t {
                named.resize(t + 1, false);
            }
            named[t] = true;
        }
        Scripted { entries: schedule.entries, named, pos: 0, ready: BTreeSet::new(), scripted: false, on_cpu: false }
    }

    fn entry(&self, k: u64) -> ThreadId {
        self.entries[((self.pos + k) % self.entries.len() as u64) as usize]
    }

    fn is_named(&self, tid: ThreadId) -> bool {
        self.named.get(tid).copied().unwrap_or(false)
    }

    /// Entries to the first naming `tid` from the current one, if any does.
    fn distance(&self, tid: ThreadId) -> Option<u64> {
        if !self.is_named(tid) {
            return None;
        }
        (0..self.entries.len() as u64).find(|&k| self.entry(k) == tid)
    }
}

impl Scheduler for Scripted {
    fn on_ready(&mut self, tid: ThreadId, _why: ReadyReason, _ctx: &mut Ctx<'_>) {
        self.ready.insert(tid);
    }
    fn pick(&mut self, cpu: CpuId, ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        // One CPU: none other runs a thread while one does.
        if self.on_cpu {
            return None;
        }
        // Nothing to look for when no ready thread has an entry (the fallback).
        let len = if self.ready.iter().any(|&t| self.is_named(t)) { self.entries.len() as u64 } else { 0 };
        let named = (0..len).find(|&k| {
            let tid = self.entry(k);
            self.ready.contains(&tid) && ctx.allows(tid, cpu)
        });
        let tid = match named {
            Some(k) => {
                let tid = self.entry(k);
                self.pos += k;
                self.scripted = true;
                tid
            }
            None => {
                self.scripted = false;
                *self.ready.iter().find(|&&t| ctx.allows(t, cpu))?
            }
        };
        self.ready.remove(&tid);
        self.on_cpu = true;
        Some(tid)
    }
    fn withdraw(&mut self, tid: ThreadId, _ctx: &mut Ctx<'_>) -> bool {
        self.ready.remove(&tid)
    }
    /// The entries naming `tid` in a row from the current one; one tick for the fallback; no
    /// limit if every entry names it, or with an empty schedule.
    fn slice(&mut self, tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        let len = self.entries.len() as u64;
        if len == 0 {
            return None;
        }
        if !self.scripted {
            return Some(1);
        }
        (0..len).find(|&k| self.entry(k) != tid)
    }
    /// Each tick run used one entry, and a turn of no tick one (the fallback's ticks use none).
    fn on_leave(&mut self, _tid: ThreadId, _cpu: CpuId, ran: Ticks, _why: LeaveReason, _ctx: &mut Ctx<'_>) {
        self.on_cpu = false;
        if self.scripted {
            self.pos += ran.max(1);
        }
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    /// The ready threads in the order the schedule names them next; those it does not name last.
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        let mut order: Vec<(u64, ThreadId)> =
            self.ready.iter().map(|&t| (self.distance(t).unwrap_or(u64::MAX), t)).collect();
        order.sort_unstable();
        order.into_iter().map(|(_, t)| t).take(max).collect()
    }
}
