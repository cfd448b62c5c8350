//! Compare mode: one workload under several settings, side by side.
//!
//! - A [`Comparison`] runs one base scenario under k variants (each a named list of
//!   [`ScenarioEdit`]s: a policy, a quantum, a CPU count…) and tabulates chosen [`Metric`]s,
//!   marking the best value of each metric that has a direction ([`CompareTable`]).
//! - A [`Sweep`] runs it over the values of one numeric setting (the quantum, the CPU count…)
//!   and plots one metric against it, one series per variant ([`SweepChart`]).
//!
//! This sits on top of the model (it edits scenarios and runs them; the simulation knows nothing
//! of it), like [`crate::ostep`]. Pure: no web crates, native and wasm.
//!
//! Runs are independent. To run them one by one (the page, in a worker, reporting progress):
//! `plan()` gives every run's scenario, run each with [`run_one`] (or the model, with a trace,
//! then [`Measured::of`]), then `table()` or `chart()` assembles the results. `run()` does all
//! three at once.

pub mod metric;
pub mod plan;
pub mod sweep;
pub mod syntax;
pub mod text;

use serde::{Deserialize, Serialize};

pub use metric::{Better, Metric, MetricInfo};
pub use plan::{MAX_RUNS, Measured, Part, PlanError, Settings, Workload, run_one};
pub use sweep::{Sweep, SweepChart, SweepPoint, SweepRun, SweepSeries};

use crate::model::Scenario;
use crate::model::scenario::{Policy, ScenarioEdit};

/// One setting of the workload to run: a name and the edits that make it from the base.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Shown in tables and legends; unique within a comparison or sweep.
    pub name: String,
    /// Edits applied to the base (in [`crate::model::scenario::Setting`] order, whatever the
    /// order here); each setting at most once. Empty: the base as it is.
    #[serde(default)]
    pub edits: Vec<ScenarioEdit>,
}

impl Variant {
    /// A variant named `name`, or, for an empty name, named after its edits
    /// (`policy=rr quantum=4`; `base` when there are none).
    pub fn new(name: &str, edits: Vec<ScenarioEdit>) -> Variant {
        let name = match name.trim() {
            "" if edits.is_empty() => "base".to_string(),
            "" => edits.iter().map(ScenarioEdit::to_string).collect::<Vec<_>>().join(" "),
            given => given.to_string(),
        };
        Variant { name, edits }
    }

    /// One variant per policy, named by its key (`fcfs`, `rr`…), each with its default
    /// parameters (a quantum, if it has one, is kept from the base or defaults to
    /// [`crate::model::scenario::DEFAULT_QUANTUM_TICKS`]).
    pub fn for_policies(policies: &[Policy]) -> Vec<Variant> {
        policies.iter().map(|&p| Variant { name: p.key().into(), edits: vec![ScenarioEdit::Policy(p)] }).collect()
    }
}

/// Checks the variants' names: at least one variant, names non-empty and unique.
fn check_names(variants: &[Variant], what: &str) -> Result<(), PlanError> {
    if variants.is_empty() {
        return Err(PlanError::new(Part::Size, "", format!("give at least one {what}")));
    }
    for (index, v) in variants.iter().enumerate() {
        if v.name.trim().is_empty() {
            return Err(PlanError::new(Part::Variant { index }, "", format!("{what} {index} needs a name")));
        }
        if let Some(first) = variants[..index].iter().position(|w| w.name == v.name) {
            let message = format!("the name is already used by {what} {first}; names must be unique");
            return Err(PlanError::new(Part::Variant { index }, &v.name, message));
        }
    }
    Ok(())
}

/// One workload under k variants. JSON:
/// `{"base": {scenario}, "common": [{"quantum": 4}], "variants": [{"name": "rr",
/// "edits": [{"policy": "rr"}]}], "metrics": ["avg_turnaround", "makespan"]}`.
///
/// The workload is a [`Scenario`] (the CLI) or any [`Workload`] (the page's lab workers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison<B = Scenario> {
    /// The workload.
    pub base: B,
    /// Edits for every variant, where its policy has the setting and it does not set it itself
    /// (see [`plan`]).
    #[serde(default)]
    pub common: Vec<ScenarioEdit>,
    /// The variants, in table order (the first is the reference of [`Metric::Speedup`]).
    pub variants: Vec<Variant>,
    /// The columns; default [`metric::DEFAULT`].
    #[serde(default = "default_metrics")]
    pub metrics: Vec<Metric>,
}

fn default_metrics() -> Vec<Metric> {
    metric::DEFAULT.to_vec()
}

/// A comparison's result: one row per variant, one cell per metric. JSON:
/// `{"scenario": "…", "metrics": [{"key", "label", "unit", "better"}],
/// "rows": [{"name", "edits", "settings", "outcome", "message",
/// "cells": [{"value": 110.0, "best": true}]}]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareTable {
    /// The base scenario's name.
    pub scenario: String,
    /// The columns.
    pub metrics: Vec<MetricInfo>,
    /// One row per variant, in order.
    pub rows: Vec<CompareRow>,
}

/// One variant's row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CompareRow {
    /// The variant's name.
    pub name: String,
    /// Its edits, as given.
    pub edits: Vec<ScenarioEdit>,
    /// What it ran with, after every edit.
    pub settings: Settings,
    /// How its run ended ([`Measured::outcome`]).
    pub outcome: String,
    /// The outcome in one sentence.
    pub message: String,
    /// One per metric.
    pub cells: Vec<Cell>,
}

/// One value in a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// The value (`null`: none, e.g. no thread finished).
    pub value: Option<f64>,
    /// Whether it is the best of its column (see [`best_of`]).
    pub best: bool,
}

/// Which values are the best of a column, for a metric that has a direction: those equal (to
/// 1e-9) to the least ([`Better::Lower`]) or greatest ([`Better::Higher`]) value among the runs
/// that completed (a run cut short, say a deadlock, has meaningless totals). None is marked
/// when fewer than two runs completed with a value, or when all of theirs are equal: there is
/// nothing to choose.
pub fn best_of(values: &[Option<f64>], completed: &[bool], better: Option<Better>) -> Vec<bool> {
    let mut marks = vec![false; values.len()];
    let Some(better) = better else { return marks };
    let eligible: Vec<(usize, f64)> = values
        .iter()
        .zip(completed)
        .enumerate()
        .filter_map(|(i, (v, &done))| v.filter(|_| done).map(|v| (i, v)))
        .collect();
    let best = match better {
        Better::Lower => eligible.iter().map(|e| e.1).fold(f64::INFINITY, f64::min),
        Better::Higher => eligible.iter().map(|e| e.1).fold(f64::NEG_INFINITY, f64::max),
    };
    let is_best = |v: f64| (v - best).abs() <= 1e-9 * best.abs().max(1.0);
    if eligible.len() < 2 || eligible.iter().all(|e| is_best(e.1)) {
        return marks;
    }
    for (i, v) in eligible {
        marks[i] = is_best(v);
    }
    marks
}

impl<B: Workload> Comparison<B> {
    /// Every variant's scenario, in order. Errors name the part: an edit refused (a quantum
    /// for a policy without one, a value out of range), a setting given twice, a metric naming
    /// a variable the scenario lacks, a common edit no variant can take, no variants, or more
    /// than [`MAX_RUNS`].
    pub fn plan(&self) -> Result<Vec<B>, PlanError> {
        check_names(&self.variants, "variant")?;
        if self.variants.len() > MAX_RUNS {
            let message = format!("{} variants is too many: the most is {MAX_RUNS}", self.variants.len());
            return Err(PlanError::new(Part::Size, "", message));
        }
        if self.metrics.is_empty() {
            return Err(PlanError::new(Part::Size, "", "a comparison needs at least one metric"));
        }
        plan::check_base(&self.base, &self.common, &self.metrics)?;
        let mut used = vec![false; self.common.len()];
        let mut out = Vec::with_capacity(self.variants.len());
        for (i, v) in self.variants.iter().enumerate() {
            let c = plan::compose(&self.base, &self.common, (i, &v.name, &v.edits), None)?;
            used.iter_mut().zip(&c.common_used).for_each(|(u, &now)| *u |= now);
            out.push(c.scenario);
        }
        plan::check_common_used(&self.common, &used)?;
        Ok(out)
    }

    /// The table from the planned scenarios and their measures, in variant order (the lengths
    /// must be the variants' count: a caller's bug otherwise, which panics).
    pub fn table(&self, scenarios: &[B], measured: &[Measured]) -> CompareTable {
        assert!(
            scenarios.len() == self.variants.len() && measured.len() == self.variants.len(),
            "one scenario and one measure per variant"
        );
        let completed: Vec<bool> = measured.iter().map(Measured::completed).collect();
        let columns: Vec<Vec<Option<f64>>> = (self.metrics.iter().enumerate())
            .map(|(j, m)| {
                let first = measured[0].values[j];
                measured.iter().map(|r| m.relative(r.values[j], first)).collect()
            })
            .collect();
        let marks: Vec<Vec<bool>> =
            (self.metrics.iter().zip(&columns)).map(|(m, col)| best_of(col, &completed, m.better())).collect();
        let rows = (self.variants.iter().enumerate())
            .map(|(i, v)| CompareRow {
                name: v.name.clone(),
                edits: v.edits.clone(),
                settings: scenarios[i].settings(),
                outcome: measured[i].outcome.clone(),
                message: measured[i].message.clone(),
                cells: (0..self.metrics.len()).map(|j| Cell { value: columns[j][i], best: marks[j][i] }).collect(),
            })
            .collect();
        CompareTable {
            scenario: self.base.name().to_string(),
            metrics: self.metrics.iter().map(MetricInfo::from).collect(),
            rows,
        }
    }
}

impl Comparison<Scenario> {
    /// Plans, runs every variant (no traces) and tabulates.
    pub fn run(&self) -> Result<CompareTable, PlanError> {
        let scenarios = self.plan()?;
        let measured = (scenarios.iter().enumerate())
            .map(|(index, s)| {
                run_one(s, &self.metrics).map_err(|error| PlanError {
                    part: Part::Variant { index },
                    name: self.variants[index].name.clone(),
                    error,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.table(&scenarios, &measured))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_value_of_a_lower_is_better_column_is_marked() {
        let v = [Some(110.0), Some(50.0), Some(50.0), Some(20.0)];
        // The 20 belongs to a run that did not complete: it cannot win.
        let done = [true, true, true, false];
        assert_eq!(best_of(&v, &done, Some(Better::Lower)), [false, true, true, false]);
        assert_eq!(best_of(&v, &done, Some(Better::Higher)), [true, false, false, false]);
        assert_eq!(best_of(&v, &done, None), [false; 4]);
    }

    #[test]
    fn nothing_is_marked_when_there_is_nothing_to_choose() {
        assert_eq!(best_of(&[Some(3.0), Some(3.0)], &[true, true], Some(Better::Lower)), [false, false]);
        assert_eq!(best_of(&[Some(3.0), None], &[true, true], Some(Better::Lower)), [false, false]);
    }

    #[test]
    fn unnamed_variants_are_named_after_their_edits() {
        let v = Variant::new(" ", vec![ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(4)]);
        assert_eq!(v.name, "policy=rr quantum=4");
        assert_eq!(Variant::new("", vec![]).name, "base");
    }
}
