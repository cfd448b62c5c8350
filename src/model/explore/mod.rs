//! The interleaving explorer: every order in which a small program's threads can run their
//! instructions on one CPU, every final state those orders reach, and a schedule for each.
//!
//! It answers the question one run cannot: two threads that each increment a shared counter
//! twice without a lock (`load`, `add`, `store`, twice) can end with 2, 3 or 4, and with a
//! mutex only with 4. Each final state is listed with its outcome (every thread finished, a
//! deadlock, or a runtime error) and one schedule that produces it, in OSTEP x86.py's `-P` form
//! ([`crate::model::schedule`]): run it with the scripted policy ([`crate::model::schedule::replay`])
//! to watch it happen.
//!
//! # The search
//! A depth-first search over the states of the machine (`machine.rs`): from each state, each ready
//! thread's next step (one instruction and the free ones around it). Two reductions prune
//! schedules that cannot end differently ([`Reduction::PartialOrder`], the default):
//! - **local steps first.** A step that touches no variable and no synchronisation object (an
//!   `add`, `set`, `compute`, `jmp`, a jump or `cmp` against a register or a number, and `loop`,
//!   `end`, `exit`) reads and writes only its own thread's registers, flags and PC. No other
//!   thread's step reads or writes those, and none can disable it (a ready thread stays ready
//!   until it runs a synchronisation instruction itself), so it commutes with every step of
//!   every other thread: running it first, and only it, from a state where it is possible loses
//!   no final state. It is a persistent set of one step, the classic partial-order reduction
//!   (P. Godefroid, *Partial-Order Methods for the Verification of Concurrent Systems*, LNCS
//!   1032, 1996): every final (deadlocked or finished) state reachable from a state stays
//!   reachable through its persistent set. The steps that remain to choose among are those
//!   that touch shared things, which is where the interleavings differ.
//! - **states seen once.** Two orders that reach the same state (every thread's PC, registers,
//!   flags, loop counters and status, every variable's value, every object's holders and
//!   queues) have the same futures, so a state is explored only the first time it is reached.
//!   This also ends a spin that makes no progress (a failed `spin_lock` leaves the state as it
//!   was).
//!
//! [`Reduction::None`] enumerates every interleaving instead, one schedule at a time; the tests
//! compare the two on small programs (the reduced search must find exactly the same final
//! states).
//!
//! A schedule that never ends (a thread spinning forever) has no final state and is not listed.
//! The search stops with [`ExploreError::Limit`] when it has stored `limit` states (or, without
//! reduction, followed `limit` schedules).
//!
//! What it explores: the threads' instructions, in every order, on one CPU. Time plays no part,
//! so it refuses what depends on time: `io`, `compute A..B`, threads that arrive at different
//! times. The scenario's machine and scheduler are ignored (on several CPUs the effects of the
//! instructions also happen in some order, one of those explored).

mod machine;
pub mod text;

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use serde::Serialize;

use super::outcome::Outcome;
use super::program::{Instr, Span};
use super::schedule::Schedule;
use super::system::System;
use super::{Scenario, ScenarioError, ThreadId, Ticks};
use machine::Machine;

/// States stored (or schedules followed, without reduction) before the search gives up, unless
/// told otherwise.
pub const DEFAULT_LIMIT: usize = 100_000;

/// Longest schedule the unreduced enumeration follows, in steps: past it, a thread is taken to
/// spin forever.
pub const MAX_SCHEDULE_STEPS: usize = 10_000;

/// Which equivalent schedules the search skips.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reduction {
    /// Every interleaving, one schedule at a time (for checking the reduction; small programs).
    None,
    /// Local steps first and each state once (see the module's documentation).
    #[default]
    PartialOrder,
}

/// A variable, as the final states list it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VariableName {
    /// Its process's name.
    pub process: String,
    /// Its name.
    pub name: String,
}

/// How a final state was reached, for grouping: finished, deadlocked or stopped by an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EndKind {
    /// Every thread finished.
    Completed,
    /// Every thread left was blocked for good.
    Deadlock,
    /// A thread did something illegal and the run stopped.
    RuntimeError,
}

/// One final state: how the run ended, the variables' values, and one schedule that gets there.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Final {
    /// How it ended.
    pub end: EndKind,
    /// The outcome of the first schedule found that ends here (its deadlock report or error;
    /// its time is the schedule's length in ticks, without the scenario's context-switch time).
    pub outcome: Outcome,
    /// Each variable's final value, in the order of [`Exploration::variables`].
    pub values: Vec<i64>,
    /// A schedule producing it, one entry per tick (x86.py's `-P`).
    pub schedule: Schedule,
    /// Schedules followed that ended here: without reduction, the interleavings that do; with
    /// it, the distinct end states of the whole machine (registers included) that do. `count`
    /// in the JSON.
    #[serde(rename = "count")]
    pub schedules: u64,
}

/// What the explorer found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Exploration {
    /// The variables, every process's, in pid and then name order.
    pub variables: Vec<VariableName>,
    /// Every distinct final state (by how it ended and the variables' values), ordered by how
    /// it ended and then by values.
    pub finals: Vec<Final>,
    /// The reduction used.
    pub reduction: Reduction,
    /// Distinct states stored ([`Reduction::PartialOrder`]; 0 without reduction).
    pub states: usize,
    /// Schedules followed to their end: without reduction, every interleaving; with it, one per
    /// distinct final state of the whole machine (registers included).
    pub schedules: u64,
    /// Steps executed in all.
    pub steps: u64,
}

impl Exploration {
    /// The values variable `i` ([`Exploration::variables`]) ends with in some final state,
    /// smallest first (the Races panel's "can end with {2, 3, 4}").
    pub fn values_of(&self, i: usize) -> Vec<i64> {
        let mut set: Vec<i64> = self.finals.iter().map(|f| f.values[i]).collect();
        set.sort_unstable();
        set.dedup();
        set
    }
}

/// Turns the x86.py cells each final state carries after its variables
/// ([`Machine::cell_values`]) into columns: one per cell some final state leaves other than 0,
/// by process and address, named as x86.py names it, after the variables (0 where a final
/// state leaves it 0). The finals are ordered again by how they ended, then by values.
fn with_cells(sys: &System, variables: &mut Vec<VariableName>, finals: Vec<Final>) -> Vec<Final> {
    let vars = variables.len();
    let cells_of = |values: &[i64]| {
        let mut cells = Vec::new();
        let mut at = vars;
        for pid in 0..sys.processes.len() {
            let n = values[at] as usize;
            cells.extend(values[at + 1..at + 1 + 2 * n].chunks(2).map(|c| ((pid, c[0]), c[1])));
            at += 1 + 2 * n;
        }
        cells
    };
    let mut columns: Vec<(usize, i64)> = Vec::new();
    for (c, _) in finals.iter().flat_map(|f| cells_of(&f.values)) {
        if let Err(i) = columns.binary_search(&c) {
            columns.insert(i, c);
        }
    }
    for &(pid, addr) in &columns {
        let name = super::trace::Place::Cell(addr).name(sys, pid);
        variables.push(VariableName { process: sys.processes[pid].name.clone(), name });
    }
    let mut ordered = BTreeMap::new();
    for mut f in finals {
        let cells = cells_of(&f.values);
        f.values.truncate(vars);
        f.values.extend(columns.iter().map(|c| cells.iter().find(|(at, _)| at == c).map_or(0, |&(_, v)| v)));
        ordered.insert((f.end, f.values.clone()), f);
    }
    ordered.into_values().collect()
}

/// Why the explorer could not answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ExploreError {
    /// The scenario is invalid.
    Invalid(ScenarioError),
    /// The scenario uses something the explorer cannot explore (where and why).
    Unsupported(String),
    /// The search reached its limit before it had seen everything.
    Limit {
        /// The limit (states, or schedules without reduction).
        limit: usize,
        /// Final states found by then.
        found: usize,
        /// What was hit, for people.
        message: String,
    },
}

impl fmt::Display for ExploreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExploreError::Invalid(e) => write!(f, "{e}"),
            ExploreError::Unsupported(m) | ExploreError::Limit { message: m, .. } => f.write_str(m),
        }
    }
}

/// Explores `scenario` with the partial-order reduction, storing at most `limit` states.
pub fn explore(scenario: &Scenario, limit: usize) -> Result<Exploration, ExploreError> {
    explore_with(scenario, limit, Reduction::PartialOrder)
}

/// Explores `scenario` with `reduction`. Errors: the scenario is invalid; a thread uses `io` or
/// `compute A..B`, or the threads do not all arrive together; the search reached `limit`.
pub fn explore_with(scenario: &Scenario, limit: usize, reduction: Reduction) -> Result<Exploration, ExploreError> {
    let sys = System::load(scenario).map_err(ExploreError::Invalid)?;
    explore_system(&sys, limit, reduction)
}

/// [`explore_with`] on a loaded system (the page's worker has the loaded run, not the
/// scenario). Errors: as [`explore_with`]'s, but for an invalid scenario.
pub fn explore_system(sys: &System, limit: usize, reduction: Reduction) -> Result<Exploration, ExploreError> {
    explore_observed(sys, limit, reduction, &mut |_| {})
}

/// Steps the search executes between two calls of [`explore_observed`]'s observer.
pub const PROGRESS_STEPS: u64 = 1 << 15;

/// [`explore_system`], calling `progress` every [`PROGRESS_STEPS`] steps executed with how far
/// the search has got: the distinct states stored so far ([`Reduction::PartialOrder`]), or the
/// schedules followed to their end ([`Reduction::None`]), the numbers its limit counts (the
/// Races panel's worker reports them to the page while it explores).
pub fn explore_observed(
    sys: &System,
    limit: usize,
    reduction: Reduction,
    progress: &mut dyn FnMut(u64),
) -> Result<Exploration, ExploreError> {
    explorable(sys)?;
    let mut search = Search::new(limit, reduction);
    search.run(sys, progress)?;
    let mut variables: Vec<VariableName> = (sys.processes.iter())
        .flat_map(|p| p.space.variables.iter().map(|v| VariableName { process: p.name.clone(), name: v.clone() }))
        .collect();
    let finals = with_cells(sys, &mut variables, search.finals.into_values().collect());
    Ok(Exploration {
        variables,
        finals,
        reduction,
        states: search.seen.len(),
        schedules: search.schedules,
        steps: search.steps,
    })
}

/// The search the Races panel's Every interleaving makes, and `threadlab explore` by default:
/// every interleaving, each counted ([`Reduction::None`]), if there are at most `limit`; else
/// each state once ([`Reduction::PartialOrder`], at most `limit` states stored), the counts then
/// of distinct end states. `progress` hears which search runs and how far it has got
/// ([`explore_observed`]). Errors: as [`explore_system`]'s; [`ExploreError::Limit`] when the
/// reduced search, too, reached `limit`.
pub fn explore_counted(
    sys: &System,
    limit: usize,
    progress: &mut dyn FnMut(Reduction, u64),
) -> Result<Exploration, ExploreError> {
    match explore_observed(sys, limit, Reduction::None, &mut |n| progress(Reduction::None, n)) {
        Err(ExploreError::Limit { .. }) => {
            explore_observed(sys, limit, Reduction::PartialOrder, &mut |n| progress(Reduction::PartialOrder, n))
        }
        other => other,
    }
}

/// Checks that nothing in `sys` depends on time.
fn explorable(sys: &System) -> Result<(), ExploreError> {
    let first = sys.threads.first().map_or(0, |t| t.arrival);
    if let Some(t) = sys.threads.iter().find(|t| t.arrival != first) {
        return Err(ExploreError::Unsupported(format!(
            "thread {} arrives at t={}, the first at t={first}: the explorer tries every order of the threads' instructions, not times, so every thread must arrive together",
            sys.thread_label(t.tid),
            t.arrival
        )));
    }
    for t in &sys.threads {
        let program = sys.program_of(t.tid);
        for (pc, instr) in program.instrs.iter().enumerate() {
            let why = match instr {
                Instr::Io { .. } => "`io` takes time, and the explorer tries orders, not times",
                Instr::Compute { span: Span::Range(..) } => {
                    "`compute A..B` draws its length at random; give a fixed length (`compute N`)"
                }
                _ => continue,
            };
            return Err(ExploreError::Unsupported(format!(
                "thread {}, line {} (`{}`): {why}",
                sys.thread_label(t.tid),
                program.lines[pc],
                program.text(pc)
            )));
        }
    }
    Ok(())
}

/// The schedule of a path of steps `(thread, ticks)`: an entry per tick, and one for a turn of
/// no tick (the scripted policy's rule).
fn schedule_of(path: &[(ThreadId, Ticks)]) -> Schedule {
    Schedule::new(path.iter().flat_map(|&(tid, t)| std::iter::repeat_n(tid, t.max(1) as usize)).collect())
}

/// "Be the scheduler": one interleaving, chosen a step at a time by the learner, on the
/// explorer's machine (a step is what the scripted policy runs for one turn of a thread: its
/// next costly instruction with the free ones around it). Its [`Walk::schedule`] replays it
/// with the scripted policy ([`crate::model::schedule::replay`]).
#[derive(Clone, Debug)]
pub struct Walk {
    machine: Machine,
    /// The steps taken: (thread, ticks).
    path: Vec<(ThreadId, Ticks)>,
    /// The runtime error a step stopped the run with.
    fault: Option<Outcome>,
}

impl Walk {
    /// Every thread at its start. Errors: what the explorer refuses (`io`, `compute A..B`,
    /// threads arriving at different times).
    pub fn new(sys: &System) -> Result<Walk, ExploreError> {
        explorable(sys)?;
        Ok(Walk { machine: Machine::new(sys), path: Vec::new(), fault: None })
    }

    /// The threads that can take the next step, by tid (none once the run has ended).
    pub fn ready(&self) -> Vec<ThreadId> {
        if self.fault.is_some() {
            return Vec::new();
        }
        self.machine.ready().collect()
    }

    /// Runs `tid`'s next step. Errors: it cannot take one (not ready, or the run has ended).
    pub fn step(&mut self, sys: &System, tid: ThreadId) -> Result<(), String> {
        if tid >= sys.threads.len() {
            return Err(format!("there is no thread {tid}"));
        }
        if !self.ready().contains(&tid) {
            return Err(format!("thread {tid} cannot run now (it is {})", self.status_word(tid)));
        }
        let step = self.machine.step(sys, tid);
        self.path.push((tid, step.ticks));
        if let Some(Outcome::RuntimeError { tid, thread, line, message, .. }) = step.fault {
            let time = self.path.iter().map(|&(_, t)| t).sum();
            self.fault = Some(Outcome::RuntimeError { time, tid, thread, line, message });
        }
        Ok(())
    }

    /// How the run ended, once no thread can take a step (every thread finished, a deadlock,
    /// or a runtime error); `None` while one can.
    pub fn ended(&self, sys: &System) -> Option<Outcome> {
        if let Some(f) = &self.fault {
            return Some(f.clone());
        }
        let ticks = self.path.iter().map(|&(_, t)| t).sum();
        self.ready().is_empty().then(|| self.machine.end(sys, ticks))
    }

    /// The steps taken, in order: (thread, CPU ticks it took).
    pub fn steps(&self) -> &[(ThreadId, Ticks)] {
        &self.path
    }

    /// The steps as a schedule, one entry per tick (x86.py's `-P`).
    pub fn schedule(&self) -> Schedule {
        schedule_of(&self.path)
    }

    /// Every variable's value, as [`Exploration::variables`] orders them.
    pub fn values(&self) -> Vec<i64> {
        self.machine.values()
    }

    /// The x86.py cells written so far: `(pid, address, cell)`, by process and address; a
    /// cell's [`crate::model::memory::Cell::lost`] counts the updates the schedule lost.
    pub fn cells(&self) -> Vec<(usize, i64, crate::model::memory::Cell)> {
        self.machine.cells()
    }

    /// The PC of the instruction `tid`'s next step runs (`None`: only free instructions left).
    pub fn next_pc(&mut self, sys: &System, tid: ThreadId) -> Option<usize> {
        self.machine.next_pc(sys, tid)
    }

    /// Where `tid` stands: `ready`, `blocked`, `finished` or `not started`.
    pub fn status_word(&self, tid: ThreadId) -> &'static str {
        self.machine.status_word(tid)
    }

    /// `tid`'s registers, `r0` first.
    pub fn registers(&self, tid: ThreadId) -> &[i64] {
        self.machine.registers(tid)
    }
}

/// A state on the search's path, and the choices left from it.
struct Frame {
    machine: Machine,
    /// The threads whose step is to be tried from here, and how many have been.
    choices: Vec<ThreadId>,
    next: usize,
}

struct Search {
    limit: usize,
    reduction: Reduction,
    /// Keys of the states stored.
    seen: HashSet<String>,
    finals: BTreeMap<(EndKind, Vec<i64>), Final>,
    schedules: u64,
    steps: u64,
    /// The steps from the start to the top frame: (thread, ticks).
    path: Vec<(ThreadId, Ticks)>,
    key: String,
}

impl Search {
    fn new(limit: usize, reduction: Reduction) -> Self {
        Search {
            limit,
            reduction,
            seen: HashSet::new(),
            finals: BTreeMap::new(),
            schedules: 0,
            steps: 0,
            path: Vec::new(),
            key: String::new(),
        }
    }

    fn run(&mut self, sys: &System, progress: &mut dyn FnMut(u64)) -> Result<(), ExploreError> {
        let mut stack: Vec<Frame> = Vec::new();
        if let Some(frame) = self.enter(sys, Machine::new(sys), None)? {
            stack.push(frame);
        }
        while let Some(top) = stack.last_mut() {
            let Some(&tid) = top.choices.get(top.next) else {
                stack.pop();
                self.path.pop();
                continue;
            };
            top.next += 1;
            let mut machine = top.machine.clone();
            let step = machine.step(sys, tid);
            self.steps += 1;
            if self.steps.is_multiple_of(PROGRESS_STEPS) {
                progress(match self.reduction {
                    Reduction::PartialOrder => self.seen.len() as u64,
                    Reduction::None => self.schedules,
                });
            }
            self.path.push((tid, step.ticks));
            match self.enter(sys, machine, step.fault)? {
                Some(frame) => stack.push(frame),
                None => {
                    self.path.pop();
                }
            }
        }
        Ok(())
    }

    /// Arrives at `machine` (stopped by `fault`, if any) by `self.path`: records a final state,
    /// or returns the frame to explore from it (`None` if it was seen before or is final).
    fn enter(
        &mut self,
        sys: &System,
        mut machine: Machine,
        fault: Option<Outcome>,
    ) -> Result<Option<Frame>, ExploreError> {
        // A faulting step changes nothing: its state may look like one seen before, but it ends.
        if fault.is_some() {
            self.finish(sys, &machine, fault)?;
            return Ok(None);
        }
        if self.reduction == Reduction::PartialOrder {
            machine.key(&mut self.key);
            if !self.seen.insert(self.key.clone()) {
                return Ok(None);
            }
            if self.seen.len() > self.limit {
                return Err(self.limit_error(format!(
                    "stopped after storing {} states (the limit; --limit N raises it): the program has too many interleavings to explore; make it smaller (fewer threads, loop iterations or shared steps)",
                    self.limit
                )));
            }
        } else if self.path.len() > MAX_SCHEDULE_STEPS {
            return Err(self.limit_error(format!(
                "a schedule ran past {MAX_SCHEDULE_STEPS} steps without ending: a thread may spin forever, which only the reduced search can explore"
            )));
        }
        let ready: Vec<ThreadId> = machine.ready().collect();
        if ready.is_empty() {
            self.finish(sys, &machine, None)?;
            return Ok(None);
        }
        let choices = match self.reduction {
            Reduction::PartialOrder => match ready.iter().find(|&&t| machine.next_step_is_local(sys, t)) {
                Some(&t) => vec![t],
                None => ready,
            },
            Reduction::None => ready,
        };
        Ok(Some(Frame { machine, choices, next: 0 }))
    }

    /// Records the final state `machine` reached by `self.path`.
    fn finish(&mut self, sys: &System, machine: &Machine, fault: Option<Outcome>) -> Result<(), ExploreError> {
        let ticks: Ticks = self.path.iter().map(|&(_, t)| t).sum();
        let outcome = match fault {
            Some(Outcome::RuntimeError { tid, thread, line, message, .. }) => {
                Outcome::RuntimeError { time: ticks, tid, thread, line, message }
            }
            Some(other) => other,
            None => machine.end(sys, ticks),
        };
        let end = match outcome {
            Outcome::Completed => EndKind::Completed,
            Outcome::Deadlock { .. } => EndKind::Deadlock,
            _ => EndKind::RuntimeError,
        };
        let mut values = machine.values();
        machine.cell_values(&mut values);
        self.schedules += 1;
        if self.reduction == Reduction::None && self.schedules > self.limit as u64 {
            return Err(self.limit_error(format!(
                "stopped after {} schedules (the limit): the program has too many interleavings to enumerate one by one",
                self.limit
            )));
        }
        let path = &self.path;
        let last = self.finals.entry((end, values.clone())).or_insert_with(|| Final {
            end,
            outcome,
            values,
            schedule: schedule_of(path),
            schedules: 0,
        });
        last.schedules += 1;
        Ok(())
    }

    fn limit_error(&self, message: String) -> ExploreError {
        ExploreError::Limit { limit: self.limit, found: self.finals.len(), message }
    }
}
