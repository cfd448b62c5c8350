//! From a comparison or a sweep to its runs: the edits each run applies to the base scenario,
//! where an error comes from, and one run measured.
//!
//! A run's scenario is the base with three layers of [`ScenarioEdit`]s, applied together in
//! [`Setting`] order (the policy before its quantum):
//! - **common** edits (the CLI's `--cpus`, `--quantum`…), for every run, except where a variant
//!   sets the same setting, and skipped where the run's policy has no such setting (`--quantum 4`
//!   with `--policies fcfs,rr` gives RR its quantum and leaves FCFS alone);
//! - the **variant**'s edits (a comparison's variant, a sweep's series), all required;
//! - the **swept** edit (a sweep's value), skipped where the run's policy has no such setting:
//!   the series is then flat, a reference line.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::metric::Metric;
use crate::model::scenario::{ScenarioEdit, Setting};
use crate::model::{self, Recording, RunResult, Scenario, ScenarioError};

/// Most runs one comparison or sweep may plan (they run one after another).
pub const MAX_RUNS: usize = 1_000;

/// Which part of a comparison or sweep an error is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "part")]
pub enum Part {
    /// The base scenario.
    Base,
    /// `common[index]`.
    Common {
        /// Index in `common`.
        index: usize,
    },
    /// A comparison's `variants[index]`, a sweep's `series[index]`.
    Variant {
        /// Index in `variants` or `series`.
        index: usize,
    },
    /// A sweep's `values[index]` (or its `param`, for an index past the values).
    Value {
        /// Index in `values`.
        index: usize,
    },
    /// `metrics[index]` (a sweep's one `metric` is index 0).
    Metric {
        /// Index in `metrics`.
        index: usize,
    },
    /// The number of variants or values (none, or more than [`MAX_RUNS`] runs).
    Size,
    /// A sweep's `baseline` (no such series, or a metric other than speedup).
    Baseline,
}

/// What is wrong with a comparison or a sweep, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanError {
    /// The part.
    pub part: Part,
    /// The variant's or series' name, the value or the metric, for messages (may be empty).
    pub name: String,
    /// What is wrong: a scenario error at a path (`scheduler.quantum: …`), or a message with an
    /// empty path.
    pub error: ScenarioError,
}

impl PlanError {
    /// An error in `part` (named `name`) with no scenario path.
    pub fn new(part: Part, name: impl Into<String>, message: impl Into<String>) -> Self {
        PlanError { part, name: name.into(), error: ScenarioError::at("", message) }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = &self.name;
        match self.part {
            Part::Base => write!(f, "the scenario: ")?,
            Part::Common { .. } => write!(f, "`{n}` (for every run): ")?,
            Part::Variant { .. } => write!(f, "`{n}`: ")?,
            Part::Value { .. } if n.is_empty() => {}
            Part::Value { .. } => write!(f, "value {n}: ")?,
            Part::Baseline => write!(f, "baseline `{n}`: ")?,
            Part::Metric { .. } | Part::Size => {}
        }
        write!(f, "{}", self.error)
    }
}

impl std::error::Error for PlanError {}

/// What a comparison or a sweep edits and runs: a scenario (the CLI), or a run's settings with
/// what a plan needs to know of its workload (the page's lab workers, which read no scenario:
/// `src/lab/`). Edits change only the settings ([`ScenarioEdit::apply_to_settings`]).
pub trait Workload: Clone {
    /// The workload's name, for tables and charts.
    fn name(&self) -> &str;
    /// Checks the workload as it is. Errors: the first problem, at its path.
    fn validate(&self) -> Result<(), ScenarioError>;
    /// Whether the metric can be read from its runs ([`Metric::check`]).
    fn check_metric(&self, metric: &Metric) -> Result<(), String>;
    /// Whether its policy has the edit's setting ([`ScenarioEdit::applies_to`]).
    fn applies(&self, edit: &ScenarioEdit) -> bool;
    /// Applies the edit ([`ScenarioEdit::apply`]); on error nothing is changed.
    fn apply(&mut self, edit: &ScenarioEdit) -> Result<(), ScenarioError>;
    /// The settings it runs with.
    fn settings(&self) -> Settings;
}

impl Workload for Scenario {
    fn name(&self) -> &str {
        &self.name
    }
    fn validate(&self) -> Result<(), ScenarioError> {
        Scenario::validate(self)
    }
    fn check_metric(&self, metric: &Metric) -> Result<(), String> {
        metric.check(self)
    }
    fn applies(&self, edit: &ScenarioEdit) -> bool {
        edit.applies_to(self)
    }
    fn apply(&mut self, edit: &ScenarioEdit) -> Result<(), ScenarioError> {
        edit.apply(self)
    }
    fn settings(&self) -> Settings {
        Settings::from(self)
    }
}

/// A run's workload and which lenient edits it took.
pub(crate) struct Composed<B> {
    pub scenario: B,
    /// Per common edit: applied, or overridden by the variant (not skipped for want of the
    /// setting).
    pub common_used: Vec<bool>,
    /// Whether the swept edit applied.
    pub swept_applied: bool,
}

/// Builds the scenario of one run (see the module's rules). `variant` is `variants[index]`.
pub(crate) fn compose<B: Workload>(
    base: &B,
    common: &[ScenarioEdit],
    (index, name, variant): (usize, &str, &[ScenarioEdit]),
    swept: Option<(usize, ScenarioEdit)>,
) -> Result<Composed<B>, PlanError> {
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Layer {
        Common,
        Variant,
        Swept,
    }
    let overridden =
        |s: Setting| variant.iter().any(|e| e.setting() == s) || swept.is_some_and(|(_, e)| e.setting() == s);
    let mut common_used: Vec<bool> = common.iter().map(|e| overridden(e.setting())).collect();
    let mut layers: Vec<(Setting, Layer, usize, ScenarioEdit)> = Vec::new();
    for (i, e) in common.iter().enumerate() {
        if !overridden(e.setting()) {
            layers.push((e.setting(), Layer::Common, i, *e));
        }
    }
    for (i, e) in variant.iter().enumerate() {
        if variant[..i].iter().any(|f| f.setting() == e.setting()) {
            let error = ScenarioError::at(e.path(), format!("`{}` is given twice", e.setting().key()));
            return Err(PlanError { part: Part::Variant { index }, name: name.into(), error });
        }
        if let Some((_, s)) = swept
            && s.setting() == e.setting()
        {
            let message = format!("sets `{}`, the setting the sweep varies", s.setting().key());
            return Err(PlanError::new(Part::Variant { index }, name, message));
        }
        layers.push((e.setting(), Layer::Variant, i, *e));
    }
    if let Some((i, e)) = swept {
        layers.push((e.setting(), Layer::Swept, i, e));
    }
    layers.sort_by_key(|&(setting, layer, i, _)| (setting, layer, i));
    let mut scenario = base.clone();
    let mut swept_applied = false;
    for (_, layer, i, edit) in layers {
        if layer != Layer::Variant && !scenario.applies(&edit) {
            continue;
        }
        let located = |error: ScenarioError| {
            let (part, name) = match layer {
                Layer::Common => (Part::Common { index: i }, edit.to_string()),
                Layer::Variant => (Part::Variant { index }, name.to_string()),
                Layer::Swept => (Part::Value { index: i }, edit.value_text()),
            };
            PlanError { part, name, error }
        };
        scenario.apply(&edit).map_err(located)?;
        match layer {
            Layer::Common => common_used[i] = true,
            Layer::Swept => swept_applied = true,
            Layer::Variant => {}
        }
    }
    Ok(Composed { scenario, common_used, swept_applied })
}

/// Checks the parts every plan shares: the metrics can be read from the base scenario, no
/// common setting is given twice. Errors name the part.
pub(crate) fn check_base<B: Workload>(base: &B, common: &[ScenarioEdit], metrics: &[Metric]) -> Result<(), PlanError> {
    base.validate().map_err(|error| PlanError { part: Part::Base, name: base.name().to_string(), error })?;
    for (index, m) in metrics.iter().enumerate() {
        base.check_metric(m).map_err(|message| PlanError::new(Part::Metric { index }, m.key(), message))?;
    }
    for (index, e) in common.iter().enumerate() {
        if common[..index].iter().any(|f| f.setting() == e.setting()) {
            let message = format!("`{}` is given twice", e.setting().key());
            return Err(PlanError::new(Part::Common { index }, e.to_string(), message));
        }
    }
    Ok(())
}

/// Errors if a common edit was skipped in every run (no run's policy has the setting).
pub(crate) fn check_common_used(common: &[ScenarioEdit], used: &[bool]) -> Result<(), PlanError> {
    match used.iter().position(|u| !u) {
        Some(index) => {
            let e = common[index];
            let message = format!("no run's policy has a `{}` setting, so it would change nothing", e.setting().key());
            Err(PlanError::new(Part::Common { index }, e.to_string(), message))
        }
        None => Ok(()),
    }
}

/// What one run gave: how it ended and one value per metric asked for (for
/// [`Metric::Speedup`], the makespan; the table or chart divides).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    /// How the run ended: `completed`, `deadlock`, `budget_exceeded` or `runtime_error` (the
    /// [`Outcome`](crate::model::Outcome)'s `kind`).
    pub outcome: String,
    /// The outcome in one sentence.
    pub message: String,
    /// One value per metric, in the order asked; `None` (JSON `null`) where there is none.
    pub values: Vec<Option<f64>>,
}

impl Measured {
    /// Measures `metrics` on a finished run (with or without a trace).
    pub fn of(result: &RunResult, metrics: &[Metric]) -> Measured {
        let kind = serde_json::to_value(&result.outcome).ok().and_then(|v| v["kind"].as_str().map(String::from));
        Measured {
            outcome: kind.unwrap_or_default(),
            message: result.outcome.message(),
            values: metrics.iter().map(|m| m.measure(&result.metrics)).collect(),
        }
    }

    /// Whether every thread finished.
    pub fn completed(&self) -> bool {
        self.outcome == "completed"
    }
}

/// Runs one planned scenario without recording a trace and measures it. (The page may run it
/// itself, in slices and with a trace, and call [`Measured::of`].) Errors: the scenario is
/// invalid.
pub fn run_one(scenario: &Scenario, metrics: &[Metric]) -> Result<Measured, ScenarioError> {
    let (_, result) = model::run_with(scenario, Recording::MetricsOnly)?;
    Ok(Measured::of(&result, metrics))
}

/// The settings a run used, so a table says what produced each row (JSON: `machine`,
/// `scheduler`, `seed`, as in a scenario file).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// CPUs and switch costs.
    pub machine: crate::model::scenario::MachineSpec,
    /// Policy and parameters.
    pub scheduler: crate::model::scenario::SchedulerSpec,
    /// Seed of the random draws.
    pub seed: u64,
}

impl From<&Scenario> for Settings {
    fn from(s: &Scenario) -> Settings {
        Settings { machine: s.machine.clone(), scheduler: s.scheduler.clone(), seed: s.seed }
    }
}
