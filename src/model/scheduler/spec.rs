//! The scheduler part of a scenario: one tagged choice of policy, each variant carrying its own
//! parameters (defined, validated and built next to the policy, in its own file).
//!
//! JSON: `{"policy": "rr", "quantum": 4}`. An unknown parameter for the chosen policy is an
//! error that names it (`scheduler.quantum: unknown field`).
//!
//! Adding a policy: write its file (the policy, and a spec implementing [`PolicySpec`]), then
//! add one line to the `policies!` list below.

use std::fmt::Debug;

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use super::Scheduler;
use super::per_cpu::VictimSpec;
use crate::model::Ticks;
use crate::model::scenario::text;

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

/// A problem with one parameter of a policy: which (relative to `scheduler`) and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamError {
    /// The parameter, e.g. `quantum`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl ParamError {
    /// An error about `field`.
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        ParamError { field: field.into(), message: message.into() }
    }
}

/// A policy's parameters as a scenario gives them: serde reads and writes them (the `policy`
/// key is added around them), and they validate and build the policy.
pub trait PolicySpec: Clone + Debug + PartialEq + Serialize + DeserializeOwned {
    /// Key in files and on the command line (`"rr"`).
    const KEY: &'static str;
    /// Human name for menus.
    const LABEL: &'static str;
    /// The parameters a menu choice starts with; `quantum` for a policy that has a time slice.
    fn with_defaults(quantum: Ticks) -> Self;
    /// Checks the parameters' ranges (the first problem found).
    fn validate(&self) -> Result<(), ParamError>;
    /// Builds the policy (the spec is valid).
    fn build(&self) -> Box<dyn Scheduler>;
    /// The time slice, in ticks, if the policy has one.
    fn quantum(&self) -> Option<Ticks> {
        None
    }
    /// Sets the time slice; an error if the policy has none.
    fn set_quantum(&mut self, _quantum: Ticks) -> Result<(), ParamError> {
        Err(ParamError::new("quantum", format!("{} has no `quantum` setting", Self::LABEL)))
    }
    /// The tie rule ([`TieRule::ArrivalsFirst`] if the policy has no such setting).
    fn tie(&self) -> TieRule {
        TieRule::default()
    }
    /// Sets the tie rule; an error if the policy has none.
    fn set_tie(&mut self, _tie: TieRule) -> Result<(), ParamError> {
        Err(ParamError::new("tie", format!("{} has no `tie` setting", Self::LABEL)))
    }
    /// Seeds the policy's own random generator, if it draws from one rather than from the
    /// scheduler's RNG (x86's `random_seed`, a lottery's `python_random` draws), with the run's
    /// `seed`, so a run under seed k draws what the OSTEP simulator's `-s k` draws. Returns
    /// which it seeded, or `None` if the policy has no generator of its own in use (the
    /// default): the run's seed already drives every draw it makes.
    fn reseed(&mut self, _seed: u64) -> Option<OwnSeed> {
        None
    }
}

/// A random generator of a scheduler's own, which a run's seed seeds
/// ([`SchedulerSpec::reseed`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OwnSeed {
    /// Where its seed is in the scenario, under `scheduler` (`random_seed`).
    pub field: &'static str,
    /// What it draws, for people (`x86.py's random interrupts (-r)`).
    pub draws: &'static str,
}

/// Declares every policy once: the [`Policy`] names and the [`PolicyParams`] choice.
macro_rules! policies {
    ($($(#[$doc:meta])* $variant:ident($spec:ty),)*) => {
        /// The name of a policy, as in files and on the command line. One per file under
        /// `src/model/scheduler/`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Policy {
            $($(#[$doc])* $variant,)*
        }

        impl Policy {
            /// Every policy, in menu order.
            pub const ALL: &[Policy] = &[$(Policy::$variant,)*];

            /// Short name used in files and on the command line (`fcfs`, `rr`, …).
            pub fn key(self) -> &'static str {
                match self { $(Policy::$variant => <$spec>::KEY,)* }
            }

            /// Human name for menus.
            pub fn label(self) -> &'static str {
                match self { $(Policy::$variant => <$spec>::LABEL,)* }
            }
        }

        /// A policy and its parameters.
        #[derive(Clone, Debug, PartialEq)]
        pub enum PolicyParams {
            $($(#[$doc])* $variant($spec),)*
        }

        impl PolicyParams {
            /// `policy` with its default parameters; a time slice, if it has one, of `quantum`
            /// or [`DEFAULT_QUANTUM_TICKS`].
            pub fn of(policy: Policy, quantum: Option<Ticks>) -> PolicyParams {
                let q = quantum.unwrap_or(DEFAULT_QUANTUM_TICKS);
                match policy { $(Policy::$variant => PolicyParams::$variant(<$spec>::with_defaults(q)),)* }
            }

            /// The policy chosen.
            pub fn policy(&self) -> Policy {
                match self { $(PolicyParams::$variant(_) => Policy::$variant,)* }
            }

            /// The time slice in ticks, for a policy that has one.
            pub fn quantum(&self) -> Option<Ticks> {
                match self { $(PolicyParams::$variant(s) => s.quantum(),)* }
            }

            /// Sets the time slice; an error if the policy has none.
            pub fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
                match self { $(PolicyParams::$variant(s) => s.set_quantum(quantum),)* }
            }

            /// The tie rule in use.
            pub fn tie(&self) -> TieRule {
                match self { $(PolicyParams::$variant(s) => s.tie(),)* }
            }

            /// Sets the tie rule; an error if the policy has no such setting.
            pub fn set_tie(&mut self, tie: TieRule) -> Result<(), ParamError> {
                match self { $(PolicyParams::$variant(s) => s.set_tie(tie),)* }
            }

            /// Checks the parameters' ranges (the first problem found).
            pub fn validate(&self) -> Result<(), ParamError> {
                match self { $(PolicyParams::$variant(s) => s.validate(),)* }
            }

            /// Seeds the policy's own generator, if it has one ([`PolicySpec::reseed`]).
            pub fn reseed(&mut self, seed: u64) -> Option<OwnSeed> {
                match self { $(PolicyParams::$variant(s) => s.reseed(seed),)* }
            }

            /// Builds the policy (the parameters must be valid).
            pub fn build(&self) -> Box<dyn Scheduler> {
                match self { $(PolicyParams::$variant(s) => s.build(),)* }
            }

            fn from_params<E: de::Error>(policy: Policy, params: serde_json::Map<String, serde_json::Value>) -> Result<Self, E> {
                Ok(match policy { $(Policy::$variant => PolicyParams::$variant(params_of(params)?),)* })
            }

            fn to_value(&self) -> serde_json::Value {
                match self { $(PolicyParams::$variant(spec) => serde_json::to_value(Tagged { policy: <$spec>::KEY, spec }),)* }
                    .expect("a policy's parameters serialise")
            }
        }

        $(
            impl From<$spec> for SchedulerSpec {
                fn from(spec: $spec) -> SchedulerSpec {
                    SchedulerSpec { params: PolicyParams::$variant(spec), ..SchedulerSpec::default() }
                }
            }
        )*
    };
}

policies! {
    /// First come, first served ([`super::fcfs`]).
    Fcfs(super::fcfs::FcfsSpec),
    /// Round Robin ([`super::round_robin`]).
    RoundRobin(super::round_robin::RoundRobinSpec),
    /// Shortest job first, non-pre-emptive ([`super::sjf`]).
    Sjf(super::sjf::SjfSpec),
    /// Shortest remaining time first, pre-emptive SJF ([`super::srtf`]).
    Srtf(super::srtf::SrtfSpec),
    /// Priority, pre-emptive or not, with aging and round robin among equals ([`super::priority`]).
    Priority(super::priority::PrioritySpec),
    /// Multi-level feedback queue ([`super::mlfq`]).
    Mlfq(super::mlfq::MlfqSpec),
    /// Lottery scheduling ([`super::lottery`]).
    Lottery(super::lottery::LotterySpec),
    /// Stride scheduling ([`super::stride`]).
    Stride(super::stride::StrideSpec),
    /// A CFS-like fair scheduler ([`super::cfs`]).
    Cfs(super::cfs::CfsSpec),
    /// OSTEP's process-run.py scheduler ([`super::process_run`]).
    ProcessRun(super::process_run::ProcessRunSpec),
    /// Round robin on a global timer tick, as OSTEP's multi.py ([`super::tick_rr`]).
    TickRr(super::tick_rr::TickRrSpec),
    /// A schedule of which thread runs each tick, as OSTEP's x86.py `-P` ([`super::scripted`]).
    Scripted(super::scripted::ScriptedSpec),
    /// OSTEP's x86.py: a countdown of instructions, threads in turn ([`super::x86`]).
    X86(super::x86::X86Spec),
}

/// How ready threads are queued on a machine with several CPUs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Queues {
    /// One ready queue that every CPU takes from (`"queues": "global"`, the default).
    #[default]
    Global,
    /// One ready queue per CPU, each run by its own instance of the policy
    /// ([`super::per_cpu`]): `"queues": "per_cpu"`, and optionally `"steal_every": N`.
    PerCpu {
        /// Every this many ticks, a CPU whose queue is empty steals a thread from another CPU's
        /// queue (OSTEP's multi.py `-P`, "peek"); `None`: no stealing.
        steal_every: Option<Ticks>,
    },
}

/// The scheduler settings of a scenario: a policy with its parameters, and the queue structure.
///
/// JSON: `{"policy": "rr", "quantum": 4}`, with `"queues": "per_cpu"` and `"steal_every": 30`
/// for per-CPU ready queues with work stealing, and `"steal_victim": {"python_random": {"seed":
/// 0, "skip": 12}}` to choose victims as OSTEP's multi.py does ([`VictimSpec`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SchedulerSpec {
    /// The policy and its parameters.
    pub params: PolicyParams,
    /// A global ready queue, or one per CPU.
    pub queues: Queues,
    /// How a stealing CPU chooses where to look (with per-CPU queues and stealing).
    pub steal_victim: VictimSpec,
}

impl Default for PolicyParams {
    fn default() -> Self {
        PolicyParams::of(Policy::Fcfs, None)
    }
}

impl SchedulerSpec {
    /// `policy` with its default parameters and a global queue; a time slice, if it has one, of
    /// `quantum` or [`DEFAULT_QUANTUM_TICKS`].
    pub fn of(policy: Policy, quantum: Option<Ticks>) -> SchedulerSpec {
        SchedulerSpec { params: PolicyParams::of(policy, quantum), ..SchedulerSpec::default() }
    }

    /// The policy chosen.
    pub fn policy(&self) -> Policy {
        self.params.policy()
    }

    /// The time slice in ticks, for a policy that has one.
    pub fn quantum(&self) -> Option<Ticks> {
        self.params.quantum()
    }

    /// Sets the time slice; an error if the policy has none or the value is out of range.
    pub fn set_quantum(&mut self, quantum: Ticks) -> Result<(), ParamError> {
        self.params.set_quantum(quantum)?;
        self.validate()
    }

    /// The tie rule in use.
    pub fn tie(&self) -> TieRule {
        self.params.tie()
    }

    /// Sets the tie rule; an error if the policy has no such setting.
    pub fn set_tie(&mut self, tie: TieRule) -> Result<(), ParamError> {
        self.params.set_tie(tie)
    }

    /// Checks the parameters' ranges (the first problem found).
    pub fn validate(&self) -> Result<(), ParamError> {
        if let Queues::PerCpu { steal_every: Some(0) } = self.queues {
            return Err(ParamError::new("steal_every", "must be at least 1 µs"));
        }
        if let VictimSpec::PythonRandom(stream) = &self.steal_victim {
            stream.validate().map_err(|e| ParamError::new("steal_victim.python_random.skip", e))?;
        }
        self.params.validate()
    }

    /// Seeds every generator of the scheduler's own with the run's `seed`: the policy's
    /// ([`PolicySpec::reseed`]) and a stealing CPU's `python_random` victim choice (multi.py's
    /// `-s`). What a run's seed does to a scenario ([`crate::model::scenario::ScenarioEdit::Seed`],
    /// and so `--seed`, the page's Seed and each run of Many seeds): seed k then draws what the
    /// OSTEP simulator's `-s k` draws. Returns what was seeded, for people (each part once),
    /// empty if nothing was: the policy draws from the scheduler's RNG, seeded from the run's
    /// seed already.
    pub fn reseed(&mut self, seed: u64) -> Vec<OwnSeed> {
        let mut seeded: Vec<OwnSeed> = self.params.reseed(seed).into_iter().collect();
        if let VictimSpec::PythonRandom(stream) = &mut self.steal_victim {
            stream.seed = seed;
            seeded.push(OwnSeed {
                field: "steal_victim.python_random.seed",
                draws: "multi.py's choice of a queue to steal from",
            });
        }
        seeded
    }

    /// Builds the scheduler for a machine of `cpus` CPUs (the spec must be valid).
    pub fn build(&self, cpus: usize) -> Box<dyn Scheduler> {
        match self.queues {
            Queues::Global => self.params.build(),
            Queues::PerCpu { steal_every } => {
                let queues = (0..cpus).map(|_| self.params.build()).collect();
                Box::new(super::per_cpu::PerCpu::new(queues, steal_every).with_victims(self.steal_victim.build()))
            }
        }
    }

    /// Switches to `policy`, keeping the parameters the two share (the quantum) and the queues.
    pub fn set_policy(&mut self, policy: Policy) {
        if policy != self.policy() {
            self.params = PolicyParams::of(policy, self.quantum());
        }
    }
}

impl Serialize for SchedulerSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut value = self.params.to_value();
        if let (Queues::PerCpu { steal_every }, Some(map)) = (self.queues, value.as_object_mut()) {
            map.insert("queues".into(), "per_cpu".into());
            if let Some(n) = steal_every {
                map.insert("steal_every".into(), n.into());
            }
            if self.steal_victim != VictimSpec::Uniform {
                let v = serde_json::to_value(self.steal_victim).expect("a victim choice serialises");
                map.insert("steal_victim".into(), v);
            }
        }
        value.serialize(s)
    }
}

impl Policy {
    /// Parses [`Policy::key`].
    pub fn from_key(key: &str) -> Option<Policy> {
        Policy::ALL.iter().copied().find(|p| p.key() == key)
    }

    /// Whether the policy has one CPU, as the OSTEP simulator it follows (process-run, x86.py,
    /// a schedule of who runs each tick): on a machine of several it runs one thread at a time,
    /// on CPU 0 unless an affinity mask says otherwise, and the other CPUs stay idle.
    pub fn one_cpu(self) -> bool {
        matches!(self, Policy::ProcessRun | Policy::Scripted | Policy::X86)
    }

    /// Whether the policy has a time slice (quantum) parameter.
    pub fn uses_quantum(self) -> bool {
        PolicyParams::of(self, None).quantum().is_some()
    }

    /// Every key, for messages: "`fcfs`, `rr` or `srtf`".
    pub fn keys_for_people() -> String {
        let keys: Vec<String> = Policy::ALL.iter().map(|p| format!("`{}`", p.key())).collect();
        match keys.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => keys.join(""),
        }
    }
}

/// A spec serialised with its `policy` key first.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    policy: &'static str,
    #[serde(flatten)]
    spec: &'a T,
}

/// Marks an error message that carries a path inside the value being deserialised, so the
/// scenario loader can append it to the outer path (serde's own path stops at `scheduler`).
pub(crate) const NESTED_PATH_MARK: char = '\u{1}';

/// An error at `field` inside the value being deserialised (see [`NESTED_PATH_MARK`]).
pub(crate) fn nested_error<E: de::Error>(field: &str, message: &str) -> E {
    E::custom(format!("{NESTED_PATH_MARK}{field}{NESTED_PATH_MARK}{message}"))
}

/// Reads `value` as `T`; an error is nested at its path inside `value`, prefixed by `prefix`
/// (the value's own path, or empty). The value is written out compactly and read back, so
/// the path is read from that text where serde_json stopped.
fn from_value<T: DeserializeOwned, E: de::Error>(value: serde_json::Value, prefix: &str) -> Result<T, E> {
    let text = value.to_string();
    serde_json::from_str(&text).map_err(|e| nested_at(&text, prefix, &e))
}

/// serde_json's error `e` in `text` nested at its path after `prefix` ([`from_value`]'s, written
/// once rather than in each of its copies).
#[inline(never)]
fn nested_at<E: de::Error>(text: &str, prefix: &str, e: &serde_json::Error) -> E {
    nested_error(&error_path(text, prefix, e), &error_message(e))
}

/// The path of serde_json's error `e` in `text`, after `prefix` (the same for every `T`, so
/// written once rather than in each of [`from_value`]'s copies).
#[inline(never)]
fn error_path(text: &str, prefix: &str, e: &serde_json::Error) -> String {
    let inner = text::path_at(text, text::offset_of_error(text, e.line(), e.column()));
    match (prefix, inner.as_str()) {
        ("", p) | (p, "") => p.to_string(),
        (prefix, inner) => format!("{prefix}.{inner}"),
    }
}

/// serde_json's message for `e` without its " at line L column C" (the path replaces it).
#[inline(never)]
fn error_message(e: &serde_json::Error) -> String {
    let mut message = e.to_string();
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    message
}

fn params_of<T: DeserializeOwned, E: de::Error>(rest: serde_json::Map<String, serde_json::Value>) -> Result<T, E> {
    from_value(serde_json::Value::Object(rest), "")
}

impl<'de> Deserialize<'de> for SchedulerSpec {
    /// Reads the object's members, then checks them. The check runs inside the object's own
    /// read (the visitor's `visit_map`), so serde_json places an error at the object's closing
    /// brace: raised after the read, with `"scheduler"` the scenario's last member, serde_json
    /// would first read the scenario's closing brace, and the error would be located at the
    /// scenario instead of at `scheduler`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> de::Visitor<'de> for Members {
            type Value = SchedulerSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> Result<SchedulerSpec, A::Error> {
                let mut map = serde_json::Map::new();
                while let Some((k, v)) = a.next_entry::<String, serde_json::Value>()? {
                    map.insert(k, v);
                }
                SchedulerSpec::from_members(map)
            }
        }
        d.deserialize_map(Members)
    }
}

impl SchedulerSpec {
    /// The spec from its object's members (`policy`, the queues, the policy's parameters).
    fn from_members<E: de::Error>(mut map: serde_json::Map<String, serde_json::Value>) -> Result<Self, E> {
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
        let queues = match map.remove("queues") {
            None => Queues::Global,
            Some(serde_json::Value::String(q)) if q == "global" => Queues::Global,
            Some(serde_json::Value::String(q)) if q == "per_cpu" => Queues::PerCpu { steal_every: None },
            Some(other) => {
                let msg = format!("must be \"global\" (one ready queue) or \"per_cpu\" (one per CPU), got {other}");
                return Err(nested_error("queues", &msg));
            }
        };
        let queues = match (map.remove("steal_every"), queues) {
            (None, q) => q,
            (Some(v), Queues::PerCpu { .. }) => match v.as_u64() {
                Some(n) => Queues::PerCpu { steal_every: Some(n) },
                None => return Err(nested_error("steal_every", &format!("must be a whole number of µs, got {v}"))),
            },
            (Some(_), Queues::Global) => {
                return Err(nested_error(
                    "steal_every",
                    "needs \"queues\": \"per_cpu\" (with one global queue there is nothing to steal)",
                ));
            }
        };
        let steal_victim = match (map.remove("steal_victim"), queues) {
            (None, _) => VictimSpec::Uniform,
            (Some(v), Queues::PerCpu { steal_every: Some(_) }) => from_value(v, "steal_victim")?,
            (Some(_), _) => {
                return Err(nested_error(
                    "steal_victim",
                    "needs \"queues\": \"per_cpu\" and \"steal_every\" (it chooses where a CPU steals from)",
                ));
            }
        };
        Ok(SchedulerSpec { params: PolicyParams::from_params(policy, map)?, queues, steal_victim })
    }
}
