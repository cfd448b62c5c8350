//! The scheduler part of a scenario: one tagged choice of policy, each variant carrying its own
//! parameters (defined, validated and built next to the policy, in its own file).
//!
//! JSON: `{"policy": "rr", "quantum": 4}`. An unknown parameter for the chosen policy is an
//! error that names it (`scheduler.quantum: FCFS has no parameter...`).

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};

use super::Scheduler;
use super::fcfs::FcfsSpec;
use super::round_robin::RoundRobinSpec;
use crate::model::Ticks;

/// Which thread goes first when several join the ready queue at the same instant.
///
/// The classic ambiguity: under Round Robin a thread whose quantum expires at time t and a new
/// thread arriving at t both join the queue at t. Textbooks differ; this makes it a setting.
/// Wake-ups (I/O done, mutex handed over) count as arrivals. Within one class, arrivals and
/// wake-ups go by thread id, and threads pre-empted at the same instant in the order they were
/// dispatched (which keeps the queue first-in first-out across CPUs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TieRule {
    /// New arrivals and wake-ups queue before the pre-empted thread (the common textbook rule).
    #[default]
    ArrivalsFirst,
    /// The pre-empted thread queues before new arrivals and wake-ups.
    PreemptedFirst,
}

/// Time slice given to a policy that needs one when the scenario names none, in ticks (the
/// page's policy menu and the CLI's `--policy` both use it).
pub const DEFAULT_QUANTUM_TICKS: Ticks = 4;

/// The name of a policy, as in files and on the command line. One per file under
/// `src/model/scheduler/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Policy {
    /// First come, first served: run each thread until it blocks or exits.
    #[default]
    Fcfs,
    /// Round Robin: FCFS order, but a thread is pre-empted after `quantum` ticks of CPU.
    RoundRobin,
}

impl Policy {
    /// Every policy, in menu order.
    pub const ALL: [Policy; 2] = [Policy::Fcfs, Policy::RoundRobin];

    /// Short name used in files and on the command line (`fcfs`, `rr`).
    pub fn key(self) -> &'static str {
        match self {
            Policy::Fcfs => "fcfs",
            Policy::RoundRobin => "rr",
        }
    }

    /// Parses [`Policy::key`].
    pub fn from_key(key: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Human name for menus.
    pub fn label(self) -> &'static str {
        match self {
            Policy::Fcfs => "First come, first served (FCFS)",
            Policy::RoundRobin => "Round Robin (RR)",
        }
    }

    /// Whether the policy has a time slice (quantum) parameter.
    pub fn uses_quantum(self) -> bool {
        matches!(self, Policy::RoundRobin)
    }

    /// Every key, for messages: "`fcfs` or `rr`".
    pub fn keys_for_people() -> String {
        let keys: Vec<String> = Policy::ALL.iter().map(|p| format!("`{}`", p.key())).collect();
        match keys.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => keys.join(""),
        }
    }
}

/// A problem with one parameter of a policy: which (relative to `scheduler`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// The parameter, e.g. `quantum`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// The scheduler settings of a scenario: a policy and its parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "policy")]
pub enum SchedulerSpec {
    /// First come, first served ([`super::Fcfs`]).
    #[serde(rename = "fcfs")]
    Fcfs(FcfsSpec),
    /// Round Robin ([`super::RoundRobin`]).
    #[serde(rename = "rr")]
    RoundRobin(RoundRobinSpec),
}

impl Default for SchedulerSpec {
    fn default() -> Self {
        SchedulerSpec::Fcfs(FcfsSpec::default())
    }
}

impl SchedulerSpec {
    /// `policy` with its default parameters; a quantum, if it takes one, of `quantum` or
    /// [`DEFAULT_QUANTUM_TICKS`].
    pub fn of(policy: Policy, quantum: Option<Ticks>) -> SchedulerSpec {
        let quantum = quantum.unwrap_or(DEFAULT_QUANTUM_TICKS);
        match policy {
            Policy::Fcfs => SchedulerSpec::Fcfs(FcfsSpec::default()),
            Policy::RoundRobin => SchedulerSpec::RoundRobin(RoundRobinSpec { quantum, tie: TieRule::default() }),
        }
    }

    /// The policy chosen.
    pub fn policy(&self) -> Policy {
        match self {
            SchedulerSpec::Fcfs(_) => Policy::Fcfs,
            SchedulerSpec::RoundRobin(_) => Policy::RoundRobin,
        }
    }

    /// The time slice, in ticks, for a policy that has one.
    pub fn quantum(&self) -> Option<Ticks> {
        match self {
            SchedulerSpec::RoundRobin(s) => Some(s.quantum),
            SchedulerSpec::Fcfs(_) => None,
        }
    }

    /// The tie rule in use ([`TieRule::ArrivalsFirst`] for policies without the setting).
    pub fn tie(&self) -> TieRule {
        match self {
            SchedulerSpec::RoundRobin(s) => s.tie,
            SchedulerSpec::Fcfs(_) => TieRule::default(),
        }
    }

    /// Switches to `policy`, keeping the parameters the two share (the quantum).
    pub fn set_policy(&mut self, policy: Policy) {
        if policy != self.policy() {
            *self = SchedulerSpec::of(policy, self.quantum());
        }
    }

    /// Sets the time slice; an error if the policy has none.
    pub fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        match self {
            SchedulerSpec::RoundRobin(s) => s.quantum = quantum,
            SchedulerSpec::Fcfs(_) => return Err(self.no_such("quantum")),
        }
        self.validate()
    }

    /// Sets the tie rule; an error if the policy has no such setting.
    pub fn set_tie(&mut self, tie: TieRule) -> Result<(), ParamError> {
        match self {
            SchedulerSpec::RoundRobin(s) => s.tie = tie,
            SchedulerSpec::Fcfs(_) => return Err(self.no_such("tie")),
        }
        Ok(())
    }

    fn no_such(&self, field: &str) -> ParamError {
        ParamError { field: field.into(), message: format!("{} has no `{field}` setting", self.policy().label()) }
    }

    /// Checks the parameters' ranges (the first problem found).
    pub fn validate(&self) -> Result<(), ParamError> {
        match self {
            SchedulerSpec::Fcfs(s) => s.validate(),
            SchedulerSpec::RoundRobin(s) => s.validate(),
        }
    }

    /// Builds the policy (the spec must be valid).
    pub fn build(&self) -> Box<dyn Scheduler> {
        match self {
            SchedulerSpec::Fcfs(s) => s.build(),
            SchedulerSpec::RoundRobin(s) => s.build(),
        }
    }
}

/// Marks an error message that carries a path inside the value being deserialised, so the
/// scenario loader can append it to the outer path (serde's own path stops at `scheduler`).
pub(crate) const NESTED_PATH_MARK: char = '\u{1}';

/// An error at `field` inside the value being deserialised (see [`NESTED_PATH_MARK`]).
pub(crate) fn nested_error<E: de::Error>(field: &str, message: &str) -> E {
    E::custom(format!("{NESTED_PATH_MARK}{field}{NESTED_PATH_MARK}{message}"))
}

fn params<T: DeserializeOwned, E: de::Error>(rest: serde_json::Map<String, serde_json::Value>) -> Result<T, E> {
    serde_path_to_error::deserialize(serde_json::Value::Object(rest)).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        nested_error(&path, &e.inner().to_string())
    })
}

impl<'de> Deserialize<'de> for SchedulerSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let key = match map.remove("policy") {
            None => return Err(de::Error::missing_field("policy")),
            Some(serde_json::Value::String(s)) => s,
            Some(other) => {
                let msg = format!("must be the name of a policy ({}), got {other}", Policy::keys_for_people());
                return Err(nested_error("policy", &msg));
            }
        };
        let Some(policy) = Policy::from_key(&key) else {
            let msg = format!("unknown policy `{key}` (policies: {})", Policy::keys_for_people());
            return Err(nested_error("policy", &msg));
        };
        Ok(match policy {
            Policy::Fcfs => SchedulerSpec::Fcfs(params(map)?),
            Policy::RoundRobin => SchedulerSpec::RoundRobin(params(map)?),
        })
    }
}
