//! The measures a comparison tabulates and a sweep plots: one number per run, read from the
//! run's [`Metrics`] (definitions in [`crate::model::metrics`], OSTEP ch. 7), with the direction
//! in which a value is better.
//!
//! Text and JSON form: the key, e.g. `avg_turnaround`, `var:counter`, `var:bank/balance`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::Scenario;
use crate::model::metrics::Metrics;

/// Which way a measure is better, if either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// Smaller is better (times, switches, memory).
    Lower,
    /// Larger is better (utilisation, speedup).
    Higher,
}

/// One number measured on a run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Metric {
    /// `makespan`: when the last thread finished, in ticks. Lower is better.
    Makespan,
    /// `avg_turnaround`: mean completion − arrival over finished threads, in ticks. Lower.
    AvgTurnaround,
    /// `avg_waiting`: mean time ready but not executing, in ticks. Lower.
    AvgWaiting,
    /// `avg_response`: mean first run − arrival, in ticks. Lower.
    AvgResponse,
    /// `context_switches`: a CPU started a thread other than its last. Lower (less overhead).
    ContextSwitches,
    /// `process_switches`: context switches that changed address space. Lower.
    ProcessSwitches,
    /// `migrations`: dispatches onto a CPU other than the thread's last. Lower (warmer caches).
    Migrations,
    /// `cpu_utilisation`: busy ticks over all CPUs ÷ (CPUs × makespan), 0 to 1. Higher.
    CpuUtilisation,
    /// `steps`: instructions executed. No direction (the work is the workload's).
    Steps,
    /// `lost_updates`: lost updates over all variables (the race made visible). Lower.
    LostUpdates,
    /// `memory_bytes`: the processes' memory footprint, in bytes. Lower.
    MemoryBytes,
    /// `var:NAME` or `var:PROCESS/NAME`: a variable's final value (the first process, in pid
    /// order, that has `NAME`, unless the process is named). No direction: the right value is
    /// the scenario's `expected` one.
    Variable {
        /// The process's name, if given.
        process: Option<String>,
        /// The variable's name.
        name: String,
    },
    /// `speedup`: the first run's makespan ÷ this run's (the first variant of a comparison, the
    /// first point of a sweep's series), so the first is 1. Higher is better.
    Speedup,
}

/// The plain metrics, in the order `--help` and menus list them (`var:` is added by hand).
pub const PLAIN: &[Metric] = &[
    Metric::Makespan,
    Metric::AvgTurnaround,
    Metric::AvgWaiting,
    Metric::AvgResponse,
    Metric::ContextSwitches,
    Metric::ProcessSwitches,
    Metric::Migrations,
    Metric::CpuUtilisation,
    Metric::Steps,
    Metric::LostUpdates,
    Metric::MemoryBytes,
    Metric::Speedup,
];

/// What a comparison shows when no metric is chosen: the averages of OSTEP ch. 7 and the
/// makespan and switches.
pub const DEFAULT: &[Metric] =
    &[Metric::AvgTurnaround, Metric::AvgWaiting, Metric::AvgResponse, Metric::Makespan, Metric::ContextSwitches];

impl Metric {
    /// The key (`avg_turnaround`, `var:counter`).
    pub fn key(&self) -> String {
        match self {
            Metric::Variable { process: Some(p), name } => format!("var:{p}/{name}"),
            Metric::Variable { process: None, name } => format!("var:{name}"),
            plain => plain.plain_key().to_string(),
        }
    }

    fn plain_key(&self) -> &'static str {
        match self {
            Metric::Makespan => "makespan",
            Metric::AvgTurnaround => "avg_turnaround",
            Metric::AvgWaiting => "avg_waiting",
            Metric::AvgResponse => "avg_response",
            Metric::ContextSwitches => "context_switches",
            Metric::ProcessSwitches => "process_switches",
            Metric::Migrations => "migrations",
            Metric::CpuUtilisation => "cpu_utilisation",
            Metric::Steps => "steps",
            Metric::LostUpdates => "lost_updates",
            Metric::MemoryBytes => "memory_bytes",
            Metric::Speedup => "speedup",
            Metric::Variable { .. } => "var",
        }
    }

    /// Human name for headers and axes.
    pub fn label(&self) -> String {
        match self {
            Metric::Makespan => "Makespan".into(),
            Metric::AvgTurnaround => "Average turnaround".into(),
            Metric::AvgWaiting => "Average waiting".into(),
            Metric::AvgResponse => "Average response".into(),
            Metric::ContextSwitches => "Context switches".into(),
            Metric::ProcessSwitches => "Process switches".into(),
            Metric::Migrations => "Migrations".into(),
            Metric::CpuUtilisation => "CPU utilisation".into(),
            Metric::Steps => "Instructions".into(),
            Metric::LostUpdates => "Lost updates".into(),
            Metric::MemoryBytes => "Memory".into(),
            Metric::Speedup => "Speedup".into(),
            Metric::Variable { process: Some(p), name } => format!("{p}/{name} at the end"),
            Metric::Variable { process: None, name } => format!("{name} at the end"),
        }
    }

    /// The unit of a value (`ticks`, `bytes`), if it has one.
    pub fn unit(&self) -> Option<&'static str> {
        match self {
            Metric::Makespan | Metric::AvgTurnaround | Metric::AvgWaiting | Metric::AvgResponse => Some("ticks"),
            Metric::MemoryBytes => Some("bytes"),
            Metric::CpuUtilisation => Some("fraction"),
            Metric::Speedup => Some("×"),
            _ => None,
        }
    }

    /// Which way is better, if either (see each variant).
    pub fn better(&self) -> Option<Better> {
        match self {
            Metric::CpuUtilisation | Metric::Speedup => Some(Better::Higher),
            Metric::Steps | Metric::Variable { .. } => None,
            _ => Some(Better::Lower),
        }
    }

    /// Decimals worth printing: 2 for means and ratios, 0 for counts and ticks.
    pub fn decimals(&self) -> usize {
        match self {
            Metric::AvgTurnaround
            | Metric::AvgWaiting
            | Metric::AvgResponse
            | Metric::CpuUtilisation
            | Metric::Speedup => 2,
            _ => 0,
        }
    }

    /// Checks that the metric can be read from runs of `scenario`: a `var:` names a variable
    /// it has. The error says what is missing.
    pub fn check(&self, scenario: &Scenario) -> Result<(), String> {
        let processes: Vec<(&str, Vec<&str>)> = (scenario.processes.iter())
            .map(|p| (p.name.as_str(), p.variables.keys().map(String::as_str).collect()))
            .collect();
        self.check_in(&processes)
    }

    /// [`Metric::check`] against a workload's processes given as (name, its variables' names),
    /// in order.
    pub fn check_in(&self, processes: &[(&str, Vec<&str>)]) -> Result<(), String> {
        let Metric::Variable { process, name } = self else { return Ok(()) };
        let found = processes
            .iter()
            .filter(|p| process.as_ref().is_none_or(|want| want == p.0))
            .any(|p| p.1.contains(&name.as_str()));
        match (found, process) {
            (true, _) => Ok(()),
            (false, Some(p)) if !processes.iter().any(|q| q.0 == p) => {
                Err(format!("{}: the scenario has no process `{p}`", self.key()))
            }
            (false, Some(p)) => Err(format!("{}: process `{p}` has no variable `{name}`", self.key())),
            (false, None) => Err(format!("{}: the scenario has no variable `{name}`", self.key())),
        }
    }

    /// The value on a run with these metrics; `None` where there is none (no thread finished,
    /// so no averages). For [`Metric::Speedup`] this is the makespan: the ratio needs the
    /// first run ([`Metric::relative`]).
    pub fn measure(&self, m: &Metrics) -> Option<f64> {
        let averages = m.averages.as_ref();
        Some(match self {
            Metric::Makespan | Metric::Speedup => m.makespan as f64,
            Metric::AvgTurnaround => averages?.turnaround,
            Metric::AvgWaiting => averages?.waiting,
            Metric::AvgResponse => averages?.response,
            Metric::ContextSwitches => m.context_switches as f64,
            Metric::ProcessSwitches => m.process_switches as f64,
            Metric::Migrations => m.migrations as f64,
            Metric::CpuUtilisation => {
                let capacity = m.makespan as f64 * m.cpus.len() as f64;
                if capacity == 0.0 {
                    return None;
                }
                m.cpus.iter().map(|c| c.busy as f64).sum::<f64>() / capacity
            }
            Metric::Steps => m.steps as f64,
            Metric::LostUpdates => m.variables.iter().map(|v| v.lost_updates as f64).sum(),
            Metric::MemoryBytes => m.total_memory_bytes as f64,
            Metric::Variable { process, name } => {
                m.variables.iter().find(|v| v.name == *name && process.as_ref().is_none_or(|p| *p == v.process))?.value
                    as f64
            }
        })
    }

    /// The value shown, from what [`Metric::measure`] gave for this run and for the first run
    /// of its series: the same value, except [`Metric::Speedup`], first ÷ this (`None` if either
    /// is missing or this is 0).
    pub fn relative(&self, this: Option<f64>, first: Option<f64>) -> Option<f64> {
        match self {
            Metric::Speedup => match (first, this) {
                (Some(f), Some(t)) if t > 0.0 => Some(f / t),
                _ => None,
            },
            _ => this,
        }
    }

    /// Formats a value with [`Metric::decimals`]; `—` for none.
    pub fn format(&self, value: Option<f64>) -> String {
        match value {
            Some(v) => format!("{v:.*}", self.decimals()),
            None => "—".into(),
        }
    }

    /// Every key, for messages.
    pub fn keys_for_people() -> String {
        let keys: Vec<String> = PLAIN.iter().map(Metric::key).collect();
        format!("{}, var:NAME or var:PROCESS/NAME", keys.join(", "))
    }
}

impl FromStr for Metric {
    type Err = String;

    /// Parses [`Metric::key`]; the error lists the metrics.
    fn from_str(text: &str) -> Result<Metric, String> {
        let text = text.trim();
        if let Some(rest) = text.strip_prefix("var:") {
            let (process, name) = match rest.rsplit_once('/') {
                Some((p, n)) => (Some(p.to_string()), n),
                None => (None, rest),
            };
            if name.is_empty() || process.as_deref() == Some("") {
                return Err(format!("`{text}` needs a variable name: var:NAME or var:PROCESS/NAME"));
            }
            return Ok(Metric::Variable { process, name: name.to_string() });
        }
        PLAIN
            .iter()
            .find(|m| m.plain_key() == text)
            .cloned()
            .ok_or_else(|| format!("`{text}` is not a metric (metrics: {})", Metric::keys_for_people()))
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.key())
    }
}

/// JSON: the key, `"avg_turnaround"`.
impl Serialize for Metric {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A metric as a table or chart describes it (JSON): key, label, unit and direction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricInfo {
    /// [`Metric::key`].
    pub key: Metric,
    /// [`Metric::label`].
    pub label: String,
    /// [`Metric::unit`].
    pub unit: Option<String>,
    /// [`Metric::better`]: `"lower"`, `"higher"` or `null`.
    pub better: Option<Better>,
}

impl From<&Metric> for MetricInfo {
    fn from(m: &Metric) -> MetricInfo {
        MetricInfo { key: m.clone(), label: m.label(), unit: m.unit().map(String::from), better: m.better() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_back() {
        for m in PLAIN {
            assert_eq!(m.key().parse::<Metric>().unwrap(), *m);
        }
        let v: Metric = "var:bank/balance".parse().unwrap();
        assert_eq!(v, Metric::Variable { process: Some("bank".into()), name: "balance".into() });
        assert_eq!(v.key(), "var:bank/balance");
        assert_eq!(serde_json::to_string(&Metric::AvgWaiting).unwrap(), r#""avg_waiting""#);
    }

    #[test]
    fn bad_keys_list_the_metrics() {
        let e = "turnaround".parse::<Metric>().unwrap_err();
        assert!(e.starts_with("`turnaround` is not a metric (metrics: makespan, avg_turnaround"), "{e}");
        assert!("var:".parse::<Metric>().is_err());
        assert!("var:/x".parse::<Metric>().is_err());
    }

    #[test]
    fn speedup_is_the_first_makespan_over_this_one() {
        // 120 ticks first, 100 now: 1.2 times as fast.
        assert_eq!(Metric::Speedup.relative(Some(100.0), Some(120.0)), Some(1.2));
        assert_eq!(Metric::Speedup.relative(Some(0.0), Some(120.0)), None);
        assert_eq!(Metric::Makespan.relative(Some(100.0), Some(120.0)), Some(100.0));
    }
}
