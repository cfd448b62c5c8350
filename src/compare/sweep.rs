//! A sweep: one metric against the values of one numeric setting (the quantum, the CPU count,
//! a switch cost, the seed…), one series per variant (say one per policy).
//!
//! Each point is a run of the base with the series' edits and `param = x` (the layers of
//! [`super::plan`]). Where a series' policy has no such setting (FCFS has no quantum), its runs
//! ignore x: the series is flat, a reference line, and its points say `applied: false`.

use serde::{Deserialize, Serialize};

use super::metric::{Metric, MetricInfo};
use super::plan::{self, MAX_RUNS, Measured, Part, PlanError, Workload, run_one};
use super::{Variant, check_names};
use crate::model::Scenario;
use crate::model::scenario::{ScenarioEdit, Setting};

/// One metric against one setting's values. JSON: `{"base": {scenario}, "common": [],
/// "param": "quantum", "values": [1, 2, 4, 8], "series": [{"name": "rr", "edits":
/// [{"policy": "rr"}]}], "metric": "avg_turnaround"}`.
///
/// The workload is a [`Scenario`] (the CLI) or any [`Workload`] (the page's lab workers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sweep<B = Scenario> {
    /// The workload.
    pub base: B,
    /// Edits for every run (see [`super::plan`]).
    #[serde(default)]
    pub common: Vec<ScenarioEdit>,
    /// The setting swept; a numeric one ([`Setting::is_numeric`]).
    pub param: Setting,
    /// Its values, in the order given (the x axis); distinct.
    pub values: Vec<u64>,
    /// One series per variant; none: one series, `base`, the base as it is.
    #[serde(default)]
    pub series: Vec<Variant>,
    /// The metric plotted (the y axis); [`Metric::Speedup`] is relative to the series' first
    /// point, or, with a `baseline`, to the baseline series at the same value.
    pub metric: Metric,
    /// For [`Metric::Speedup`] only: the name of the series that is the reference. Each point's
    /// speedup is then the baseline's makespan at the same x ÷ the point's makespan (the
    /// baseline's own line is 1 wherever it has a makespan): e.g. series `cpus=1` and `cpus=4`
    /// with baseline `1` give the speedup of 4 CPUs over 1 at each critical-section size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

/// One planned run of a sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRun<B = Scenario> {
    /// Index of its series.
    pub series: usize,
    /// Index of its value.
    pub point: usize,
    /// The value of the swept setting.
    pub x: u64,
    /// Whether the swept edit applied (not: the series' policy has no such setting).
    pub applied: bool,
    /// The scenario to run.
    pub scenario: B,
}

/// A sweep's result. JSON: `{"scenario": "…", "param": {"key": "quantum", "label": "Quantum",
/// "unit": "ticks"}, "metric": {"key", "label", "unit", "better"}, "series": [{"name", "edits",
/// "points": [{"x": 1, "y": 59.67, "applied": true, "outcome": "completed"}]}]}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepChart {
    /// The base scenario's name.
    pub scenario: String,
    /// The x axis.
    pub param: ParamInfo,
    /// The y axis.
    pub metric: MetricInfo,
    /// One per series, in order.
    pub series: Vec<SweepSeries>,
    /// The series a speedup is relative to at each x ([`Sweep::baseline`]); none: each series'
    /// first point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
}

/// The swept setting, as a chart describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamInfo {
    /// [`Setting::key`].
    pub key: Setting,
    /// [`Setting::label`].
    pub label: String,
    /// [`Setting::unit`].
    pub unit: Option<String>,
}

/// One line of a chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepSeries {
    /// The series' name.
    pub name: String,
    /// Its edits.
    pub edits: Vec<ScenarioEdit>,
    /// One point per value, in the order of the values.
    pub points: Vec<SweepPoint>,
}

/// One point of a series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPoint {
    /// The swept setting's value.
    pub x: u64,
    /// The metric (`null`: none, e.g. no thread finished).
    pub y: Option<f64>,
    /// Whether the run used x (not: the series' policy has no such setting).
    pub applied: bool,
    /// How the run ended ([`Measured::outcome`]).
    pub outcome: String,
    /// The outcome in one sentence, for a run that did not complete.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl<B: Workload> Sweep<B> {
    /// The series, or the one default series.
    pub fn series_or_base(&self) -> Vec<Variant> {
        if self.series.is_empty() { vec![Variant::new("", vec![])] } else { self.series.clone() }
    }

    /// Every run, series by series, value by value. Errors name the part: a setting that is
    /// not a number, no values or a value given twice, a value refused (0 CPUs), a series edit
    /// refused or setting the swept setting, a metric naming a variable the scenario lacks, a
    /// common edit no run can take, or more than [`MAX_RUNS`] runs.
    pub fn plan(&self) -> Result<Vec<SweepRun<B>>, PlanError> {
        let series = self.series_or_base();
        check_names(&series, "series")?;
        let past = Part::Value { index: self.values.len() };
        if !self.param.is_numeric() {
            let message =
                format!("`{}` is not a number and cannot be swept; compare its values instead", self.param.key());
            return Err(PlanError::new(past, "", message));
        }
        if self.values.is_empty() {
            return Err(PlanError::new(Part::Size, "", "a sweep needs at least one value"));
        }
        if let Some(index) = (1..self.values.len()).find(|&i| self.values[..i].contains(&self.values[i])) {
            return Err(PlanError::new(
                Part::Value { index },
                self.values[index].to_string(),
                "the value is given twice",
            ));
        }
        let runs = series.len() * self.values.len();
        if runs > MAX_RUNS {
            let message = format!(
                "{} series × {} values is {runs} runs: the most is {MAX_RUNS}",
                series.len(),
                self.values.len()
            );
            return Err(PlanError::new(Part::Size, "", message));
        }
        if let Some(b) = &self.baseline {
            if self.metric != Metric::Speedup {
                let message = format!("a baseline is for the metric `speedup`, not `{}`", self.metric.key());
                return Err(PlanError::new(Part::Baseline, b, message));
            }
            if !series.iter().any(|v| &v.name == b) {
                let names: Vec<&str> = series.iter().map(|v| v.name.as_str()).collect();
                let message = format!("no series has this name (the series: {})", names.join(", "));
                return Err(PlanError::new(Part::Baseline, b, message));
            }
        }
        plan::check_base(&self.base, &self.common, std::slice::from_ref(&self.metric))?;
        let mut used = vec![false; self.common.len()];
        let mut out = Vec::with_capacity(runs);
        for (si, v) in series.iter().enumerate() {
            for (point, &x) in self.values.iter().enumerate() {
                let edit =
                    self.param.number(x).map_err(|m| PlanError::new(Part::Value { index: point }, x.to_string(), m))?;
                let c = plan::compose(&self.base, &self.common, (si, &v.name, &v.edits), Some((point, edit)))?;
                used.iter_mut().zip(&c.common_used).for_each(|(u, &now)| *u |= now);
                out.push(SweepRun { series: si, point, x, applied: c.swept_applied, scenario: c.scenario });
            }
        }
        plan::check_common_used(&self.common, &used)?;
        Ok(out)
    }

    /// The chart from the planned runs and their measures, in plan order (the lengths must
    /// match: a caller's bug otherwise, which panics).
    pub fn chart(&self, runs: &[SweepRun<B>], measured: &[Measured]) -> SweepChart {
        assert_eq!(runs.len(), measured.len(), "one measure per planned run");
        let series = self.series_or_base();
        let mut out: Vec<SweepSeries> = series
            .iter()
            .map(|v| SweepSeries { name: v.name.clone(), edits: v.edits.clone(), points: Vec::new() })
            .collect();
        // The reference of each run: its series' first point, or the baseline's at its value.
        let baseline = self.baseline.as_ref().and_then(|b| series.iter().position(|v| &v.name == b));
        let reference = |run: &SweepRun<B>| {
            let (s, point) = baseline.map_or((run.series, 0), |b| (b, run.point));
            let i = runs.iter().position(|r| r.series == s && r.point == point)?;
            measured[i].values[0]
        };
        for (run, m) in runs.iter().zip(measured) {
            out[run.series].points.push(SweepPoint {
                x: run.x,
                y: self.metric.relative(m.values[0], reference(run)),
                applied: run.applied,
                outcome: m.outcome.clone(),
                message: if m.completed() { String::new() } else { m.message.clone() },
            });
        }
        SweepChart {
            scenario: self.base.name().to_string(),
            param: ParamInfo {
                key: self.param,
                label: self.param.label().into_owned(),
                unit: self.param.unit().map(String::from),
            },
            metric: MetricInfo::from(&self.metric),
            series: out,
            baseline: self.baseline.clone(),
        }
    }
}

impl Sweep<Scenario> {
    /// Plans, runs every point (no traces) and charts.
    pub fn run(&self) -> Result<SweepChart, PlanError> {
        let runs = self.plan()?;
        let series = self.series_or_base();
        let metrics = std::slice::from_ref(&self.metric);
        let measured = (runs.iter())
            .map(|r| {
                run_one(&r.scenario, metrics).map_err(|error| PlanError {
                    part: Part::Variant { index: r.series },
                    name: series[r.series].name.clone(),
                    error,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.chart(&runs, &measured))
    }
}
