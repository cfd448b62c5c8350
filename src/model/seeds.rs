//! Many seeds: one scenario run under consecutive seeds, and how often each variable ended with
//! each value, so a learner sees that one clean run of a racy program proves nothing.
//!
//! The seed draws `compute A..B` and `io A..B` lengths and a randomised policy's choices
//! (lottery); a scenario with none of these runs the same under every seed. Runs record no
//! trace.
//!
//! A policy with a random generator of its own (an OSTEP simulator's: x86's `random_seed`,
//! lottery.py's draws, multi.py's stealing) has it seeded with each run's seed too, as the Seed
//! setting does ([`ScenarioEdit::Seed`], [`crate::model::scenario::SchedulerSpec::reseed`]): seed
//! k draws what the simulator's `-s k` draws, so N seeds are N of its random schedules (for a
//! scenario from `threadlab ostep x86 -r -s 0`, seed k is `x86.py -r -s k`). The report says
//! which ([`SeedReport::also_seeds`]).

use std::collections::BTreeMap;

use serde::Serialize;

use super::metrics::Metrics;
use super::outcome::Outcome;
use super::scenario::{ScenarioEdit, SchedulerSpec};
use super::{LoadedRun, Recording, Scenario, ScenarioError, Simulation};

/// Most runs one report makes.
pub const MAX_SEEDS: u64 = 100_000;

/// How many runs ended with one value (or one outcome), and the first seed that did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Count<T> {
    /// The value, or the outcome's kind (`completed`, `deadlock`, `runtime_error`,
    /// `budget_exceeded`).
    pub value: T,
    /// Runs that ended with it.
    pub runs: u64,
    /// The first seed that did (to run it again: `--seed`).
    pub first_seed: u64,
}

/// The final values of one variable over the runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Histogram {
    /// Its process's name.
    pub process: String,
    /// The variable's name.
    pub name: String,
    /// The value a correct run should end with, if the scenario says.
    pub expected: Option<i64>,
    /// Each value reached, smallest first.
    pub values: Vec<Count<i64>>,
}

/// A scenario's runs under seeds `from` to `from + count − 1`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SeedReport {
    /// The first seed.
    pub from: u64,
    /// How many runs (one per seed).
    pub count: u64,
    /// How the runs ended, by kind, in order of first appearance.
    pub outcomes: Vec<Count<String>>,
    /// Every variable of every process (pid, then name order).
    pub variables: Vec<Histogram>,
    /// The policy's own generators each run's seed seeds too ([`also_seeds`]), for people;
    /// empty (and left out of the JSON) if none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also_seeds: Vec<String>,
}

/// Why the runs could not be made.
#[derive(Clone, Debug, PartialEq)]
pub enum SeedsError {
    /// The scenario is invalid.
    Invalid(ScenarioError),
    /// `count` is 0 or above [`MAX_SEEDS`], or the seeds would pass the largest one.
    Count(String),
}

/// Runs `scenario` under each seed `from`, `from + 1`, … (`count` runs, 1 to [`MAX_SEEDS`]) and
/// counts how each run ended and each variable's final value.
pub fn run_seeds(scenario: &Scenario, from: u64, count: u64) -> Result<SeedReport, SeedsError> {
    check_count(from, count)?;
    let run = LoadedRun::load(scenario).map_err(SeedsError::Invalid)?;
    Ok(run_seeds_loaded(&run, from, count))
}

/// Checks `count` (1 to [`MAX_SEEDS`]) and that the last seed exists.
fn check_count(from: u64, count: u64) -> Result<u64, SeedsError> {
    if count == 0 || count > MAX_SEEDS {
        return Err(SeedsError::Count(format!("the number of runs must be 1 to {MAX_SEEDS}, got {count}")));
    }
    from.checked_add(count - 1).ok_or_else(|| {
        SeedsError::Count(format!("seeds {from} and the {} after it pass the largest seed, {}", count - 1, u64::MAX))
    })
}

/// [`run_seeds`] on a loaded run. The seeds must exist (`from + count − 1` at most
/// `u64::MAX`; `count` is clamped to 1 to [`MAX_SEEDS`]).
pub fn run_seeds_loaded(run: &LoadedRun, from: u64, count: u64) -> SeedReport {
    let count = count.clamp(1, MAX_SEEDS);
    let last = from.saturating_add(count - 1);
    let mut s = run.clone();
    let mut report = tally(
        from,
        (from..=last).map(|seed| {
            // The Seed setting, as the page's runs are read with: the policy's own generator too.
            let edit = ScenarioEdit::Seed(seed).apply_to_settings(&mut s.machine, &mut s.scheduler, &mut s.seed);
            debug_assert!(edit.is_ok(), "any seed is a seed");
            let (_, r) = Simulation::new(s.clone(), Recording::MetricsOnly).finish();
            (r.outcome, r.metrics)
        }),
    );
    report.also_seeds = also_seeds(&run.scheduler);
    report
}

/// What a run's seed seeds in `scheduler` besides the scenario's own draws: the policy's own
/// generators ([`SchedulerSpec::reseed`]), for people (`x86.py's random interrupts (-r)`).
pub fn also_seeds(scheduler: &SchedulerSpec) -> Vec<String> {
    scheduler.clone().reseed(0).into_iter().map(|own| own.draws.to_string()).collect()
}

/// [`also_seeds`] in a sentence ("" if none): what seed k also draws, and that it draws it as
/// the simulator's `-s k`.
pub fn also_seeds_text(also: &[String]) -> String {
    if also.is_empty() {
        return String::new();
    }
    format!("Each seed also seeds {}: seed k draws what the OSTEP simulator's `-s k` draws.", also.join(" and "))
}

/// The report of runs made under seeds `from`, `from + 1`, … in order: each run's outcome
/// and measures (the page's worker has its runs made by its simulation worker).
pub fn tally(from: u64, runs: impl IntoIterator<Item = (Outcome, Metrics)>) -> SeedReport {
    let mut outcomes: Vec<Count<String>> = Vec::new();
    let mut values: Vec<BTreeMap<i64, Count<i64>>> = Vec::new();
    let mut variables = Vec::new();
    let mut count = 0;
    for (seed, (outcome, metrics)) in (from..).zip(runs) {
        count += 1;
        let kind = outcome.kind();
        match outcomes.iter_mut().find(|c| c.value == kind) {
            Some(c) => c.runs += 1,
            None => outcomes.push(Count { value: kind.to_string(), runs: 1, first_seed: seed }),
        }
        if variables.is_empty() {
            variables = (metrics.variables.iter())
                .map(|v| Histogram {
                    process: v.process.clone(),
                    name: v.name.clone(),
                    expected: v.expected,
                    values: Vec::new(),
                })
                .collect();
            values = vec![BTreeMap::new(); variables.len()];
        }
        for (map, v) in values.iter_mut().zip(&metrics.variables) {
            map.entry(v.value).or_insert(Count { value: v.value, runs: 0, first_seed: seed }).runs += 1;
        }
    }
    for (h, map) in variables.iter_mut().zip(values) {
        h.values = map.into_values().collect();
    }
    SeedReport { from, count, outcomes, variables, also_seeds: Vec::new() }
}

/// Most rows a variable's histogram has in [`text`]: more distinct values are grouped into
/// this many ranges of equal width.
pub const TEXT_ROWS: usize = 20;

/// The report as plain text, for the CLI: the outcomes, then each variable's values with their
/// counts, first seeds and a bar of `#` in proportion to the count (the commonest 40 long;
/// values grouped into ranges when there are more than [`TEXT_ROWS`]).
pub fn text(r: &SeedReport) -> String {
    let last = r.from + (r.count - 1);
    let mut out = format!("{} runs, seeds {} to {last}\n", r.count, r.from);
    if !r.also_seeds.is_empty() {
        out.push_str(&also_seeds_text(&r.also_seeds));
        out.push('\n');
    }
    out.push('\n');
    let mut rows = vec![vec!["outcome".to_string(), "runs".into(), "first seed".into()]];
    rows.extend(r.outcomes.iter().map(|c| vec![c.value.clone(), c.runs.to_string(), c.first_seed.to_string()]));
    out.push_str(&crate::compare::text::columns(&rows, 1));
    for h in &r.variables {
        let expected = h.expected.map(|e| format!(" (a correct run ends with {e})")).unwrap_or_default();
        out.push_str(&format!("\n{}/{}{expected}\n", h.process, h.name));
        let groups = grouped(&h.values, TEXT_ROWS);
        let mut rows = vec![vec!["value".to_string(), "runs".into(), "first seed".into()]];
        rows.extend(groups.iter().map(|(label, c)| vec![label.clone(), c.runs.to_string(), c.first_seed.to_string()]));
        let most = groups.iter().map(|(_, c)| c.runs).max().unwrap_or(1);
        let bar = |runs: u64| "#".repeat((runs * 40).div_ceil(most) as usize);
        let bars = std::iter::once(String::new()).chain(groups.iter().map(|(_, c)| bar(c.runs)));
        for (line, bar) in crate::compare::text::columns(&rows, 0).lines().zip(bars) {
            out.push_str(format!("{line}  {bar}").trim_end());
            out.push('\n');
        }
    }
    out
}

/// The values (smallest first) as rows: each on its own, or, past `rows` of them, ranges
/// `lo..hi` of equal width (empty ones left out), each with its runs and first seed; at most
/// `rows` rows (the text's [`TEXT_ROWS`], the page's histogram's bars).
pub fn grouped(values: &[Count<i64>], rows: usize) -> Vec<(String, Count<i64>)> {
    let (Some(lo), Some(hi)) = (values.first(), values.last()) else { return Vec::new() };
    let rows = rows.max(1);
    if values.len() <= rows {
        return values.iter().map(|c| (c.value.to_string(), c.clone())).collect();
    }
    let span = (hi.value as i128 - lo.value as i128 + 1) as u128;
    let width = span.div_ceil(rows as u128) as i128;
    let mut rows: Vec<(String, Count<i64>)> = Vec::new();
    for c in values {
        let start = lo.value as i128 + (c.value as i128 - lo.value as i128) / width * width;
        let label = format!("{start}..{}", (start + width - 1).min(hi.value as i128));
        match rows.last_mut() {
            Some((l, g)) if *l == label => {
                g.runs += c.runs;
                g.first_seed = g.first_seed.min(c.first_seed);
            }
            _ => rows.push((label, Count { value: start as i64, runs: c.runs, first_seed: c.first_seed })),
        }
    }
    rows
}
