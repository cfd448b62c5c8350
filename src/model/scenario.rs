//! The scenario file: what the learner or teacher writes (JSON), and its validation.
//!
//! A scenario names a machine (CPUs and context-switch costs), a scheduler, a seed, limits and
//! the processes to load. Presets in `presets/` are scenario files. Errors carry a path into the
//! document (`processes[0].threads[1].code`) and, where there is one, a line and column.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Ticks;

/// Most CPUs a machine may have.
pub const MAX_CPUS: u32 = 64;

/// A complete scenario, as stored in a `.json` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short title shown in the preset picker.
    pub name: String,
    /// What the scenario shows and what to look at (plain text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// CPU count and context-switch costs (default: 1 CPU, free switches).
    #[serde(default)]
    pub machine: MachineSpec,
    /// Policy, quantum and tie rule (default: FCFS).
    #[serde(default)]
    pub scheduler: SchedulerSpec,
    /// Seed of the PRNG used for `compute A..B` / `io A..B` draws. Same seed, same trace.
    #[serde(default)]
    pub seed: u64,
    /// Bounds on the run (default: 200,000 instructions, 10⁹ ticks).
    #[serde(default)]
    pub limits: Limits,
    /// Processes to load, in pid order (pid = index).
    pub processes: Vec<ProcessSpec>,
}

/// The hardware: CPU count and context-switch costs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MachineSpec {
    /// Number of CPUs, 1 to [`MAX_CPUS`].
    pub cpus: u32,
    /// Ticks a CPU spends switching between two threads of the same process (save and restore
    /// registers and PC).
    pub thread_switch_ticks: Ticks,
    /// Ticks a CPU spends switching to a thread of another process: the thread switch plus the
    /// address-space switch (page tables, TLB). Usually larger than `thread_switch_ticks`.
    pub process_switch_ticks: Ticks,
}

impl Default for MachineSpec {
    fn default() -> Self {
        MachineSpec { cpus: 1, thread_switch_ticks: 0, process_switch_ticks: 0 }
    }
}

/// Scheduling policy. One file per policy under `src/model/scheduler/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// First come, first served: run each thread until it blocks or exits.
    #[default]
    Fcfs,
    /// Round Robin: FCFS order, but a thread is pre-empted after `quantum` ticks of CPU.
    #[serde(rename = "rr")]
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

    /// Whether the policy uses a time slice (quantum).
    pub fn uses_quantum(self) -> bool {
        matches!(self, Policy::RoundRobin)
    }
}

/// Which thread goes first when several join the ready queue at the same instant.
///
/// The classic ambiguity: under Round Robin a thread whose quantum expires at time t and a new
/// thread arriving at t both join the queue at t. Textbooks differ; this makes it a setting.
/// Wake-ups (I/O done, mutex handed over) count as arrivals. Within one class, lower thread id
/// first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TieRule {
    /// New arrivals and wake-ups queue before the pre-empted thread (the common textbook rule).
    #[default]
    ArrivalsFirst,
    /// The pre-empted thread queues before new arrivals and wake-ups.
    PreemptedFirst,
}

/// Scheduler settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SchedulerSpec {
    /// Which ready thread a free CPU runs next, and whether it is pre-empted (default FCFS).
    pub policy: Policy,
    /// Time slice in ticks for policies that pre-empt (Round Robin). Required ≥ 1 for them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantum: Option<Ticks>,
    /// Order of threads joining the ready queue at the same instant (default: arrivals first).
    pub tie: TieRule,
}

/// Quantum given to a pre-empting policy when the scenario names none, in ticks (the page's
/// policy menu and the CLI's `--policy` both use it).
pub const DEFAULT_QUANTUM_TICKS: Ticks = 4;

impl SchedulerSpec {
    /// Switches to `policy`, giving it [`DEFAULT_QUANTUM_TICKS`] if it needs a quantum and has none.
    pub fn set_policy(&mut self, policy: Policy) {
        self.policy = policy;
        if policy.uses_quantum() && self.quantum.is_none() {
            self.quantum = Some(DEFAULT_QUANTUM_TICKS);
        }
    }
}

impl Default for SchedulerSpec {
    fn default() -> Self {
        SchedulerSpec { policy: Policy::Fcfs, quantum: None, tie: TieRule::ArrivalsFirst }
    }
}

/// Bounds on one run, so a runaway program stops with a clear message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Most instructions executed, over all threads, before the run stops (default 200,000,
    /// which keeps a full trace small enough for the browser: about 1 M trace entries at most).
    pub max_steps: u64,
    /// Latest simulated time, in ticks, the run may reach.
    pub max_time: Ticks,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_steps: 200_000, max_time: 1_000_000_000 }
    }
}

/// Most threads a scenario may hold, over all processes.
pub const MAX_THREADS: usize = 100_000;

/// A process to load: its address space and its threads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcessSpec {
    /// Process name, shown in the UI and in messages (`process/thread`).
    pub name: String,
    /// Tick at which the process is loaded; its threads cannot arrive earlier.
    #[serde(default)]
    pub arrival: Ticks,
    /// Segment sizes, in bytes, for the memory footprint.
    #[serde(default)]
    pub memory: MemorySpec,
    /// Variables in the process's address space, with initial values. Every thread of the
    /// process sees the same variables; another process has its own copy even of the same name.
    #[serde(default)]
    pub variables: BTreeMap<String, i64>,
    /// Final values a correct run should reach (e.g. `counter` = 2 × loops); shown beside the
    /// actual values so a lost update is visible.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expected: BTreeMap<String, i64>,
    /// Named programs that several threads can run (`"program": "worker"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub programs: BTreeMap<String, ProgramText>,
    /// Threads, in tid order; the first is the main thread. At least one.
    pub threads: Vec<ThreadSpec>,
}

/// Memory footprint of a process in bytes: code, data and heap once, plus one stack per thread.
/// The defaults are small illustrative sizes, not measurements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MemorySpec {
    /// Code (text) segment size, in bytes (default 4096).
    pub code_bytes: u64,
    /// Data segment size, in bytes (default 4096).
    pub data_bytes: u64,
    /// Heap size, in bytes (default 0).
    pub heap_bytes: u64,
    /// Stack size of each thread, in bytes (default 8192).
    pub stack_bytes_per_thread: u64,
}

impl Default for MemorySpec {
    fn default() -> Self {
        MemorySpec { code_bytes: 4096, data_bytes: 4096, heap_bytes: 0, stack_bytes_per_thread: 8192 }
    }
}

/// A thread: a name, an arrival time and a program (inline `code`, or a `program` name).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadSpec {
    /// Thread name, shown in the UI and in messages.
    pub name: String,
    /// Tick at which the thread joins the ready queue; defaults to its process's arrival.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<Ticks>,
    /// Inline program (see [`super::program`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ProgramText>,
    /// Name of one of the process's `programs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
}

/// Program text in a scenario file: a list of lines (easiest to read and edit in JSON, and
/// error line N is the N-th entry) or one string with `\n` between lines.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ProgramText {
    /// One string per source line.
    Lines(Vec<String>),
    /// The whole program in one string.
    Text(String),
}

impl ProgramText {
    /// The program as one text, lines joined with `\n`.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ProgramText::Lines(lines) => lines.join("\n").into(),
            ProgramText::Text(text) => text.as_str().into(),
        }
    }
}

impl From<&str> for ProgramText {
    fn from(text: &str) -> Self {
        ProgramText::Text(text.to_string())
    }
}

impl<'de> Deserialize<'de> for ProgramText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = ProgramText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("program text: a list of lines like [\"compute 5\", \"exit\"], or one string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ProgramText, E> {
                Ok(ProgramText::Text(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<ProgramText, A::Error> {
                let mut lines = Vec::new();
                while let Some(line) = seq.next_element::<String>()? {
                    lines.push(line);
                }
                Ok(ProgramText::Lines(lines))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// What is wrong with a scenario, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioError {
    /// Path into the document, e.g. `processes[0].threads[1].code`; empty for the whole file.
    pub path: String,
    /// 1-based line (of the JSON file, or of the program text when `path` ends in `code` or
    /// names a program), if known.
    pub line: Option<u32>,
    /// 1-based column on that line, if known.
    pub column: Option<u32>,
    /// What is wrong, without the position.
    pub message: String,
}

impl ScenarioError {
    fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError { path: path.into(), line: None, column: None, message: message.into() }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}", self.path)?;
            if self.line.is_some() {
                write!(f, ", ")?;
            } else {
                write!(f, ": ")?;
            }
        }
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if let Some(col) = self.column {
                write!(f, ", column {col}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

impl Scenario {
    /// Parses a scenario from JSON text. Syntax and type errors give the JSON line and column and
    /// the path of the offending field.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            // Where the parser stopped before knowing a field name the path ends in `?`; drop it.
            let path = e.path().to_string();
            let path: Vec<&str> = path.split('.').filter(|p| *p != "?" && !p.is_empty()).collect();
            let path = path.join(".").replace(".[", "[");
            let inner = e.into_inner();
            let mut message = plain_json_message(&inner);
            if path.ends_with(".program") && message.starts_with("invalid type") {
                message += ": `program` names one of the process's `programs`; put the lines themselves in `code`";
            }
            ScenarioError {
                path,
                line: Some(inner.line() as u32),
                // serde_json says column 0 for the start of a line (e.g. the end of the file).
                column: Some(inner.column().max(1) as u32),
                message,
            }
        })
    }

    /// Serialises to pretty JSON (the export format; `from_json` reads it back unchanged).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
    }

    /// Checks everything the JSON types cannot: ranges, names, references, program syntax.
    /// Returns the first problem found.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let m = &self.machine;
        if m.cpus == 0 || m.cpus > MAX_CPUS {
            return Err(ScenarioError::at("machine.cpus", format!("must be 1 to {MAX_CPUS}, got {}", m.cpus)));
        }
        if self.scheduler.policy.uses_quantum() {
            match self.scheduler.quantum {
                Some(q) if q >= 1 => {}
                _ => {
                    return Err(ScenarioError::at(
                        "scheduler.quantum",
                        "Round Robin needs a quantum of at least 1 tick",
                    ));
                }
            }
        }
        if self.processes.is_empty() {
            return Err(ScenarioError::at("processes", "a scenario needs at least one process"));
        }
        let threads: usize = self.processes.iter().map(|p| p.threads.len()).sum();
        if threads > MAX_THREADS {
            return Err(ScenarioError::at(
                "processes",
                format!("{threads} threads is too many: the limit is {MAX_THREADS}"),
            ));
        }
        let mut process_names = std::collections::HashMap::new();
        for (i, p) in self.processes.iter().enumerate() {
            let here = format!("processes[{i}]");
            if let Some(first) = process_names.insert(p.name.as_str(), i) {
                return Err(ScenarioError::at(
                    format!("{here}.name"),
                    format!("process name `{}` is already used by processes[{first}]; names must be unique", p.name),
                ));
            }
            let mut thread_names = std::collections::HashMap::new();
            for (j, t) in p.threads.iter().enumerate() {
                if let Some(first) = thread_names.insert(t.name.as_str(), j) {
                    return Err(ScenarioError::at(
                        format!("{here}.threads[{j}].name"),
                        format!("thread name `{}` is already used by threads[{first}] of this process", t.name),
                    ));
                }
            }
            if p.threads.is_empty() {
                return Err(ScenarioError::at(
                    format!("{here}.threads"),
                    format!("process `{}` needs at least one (main) thread", p.name),
                ));
            }
            for name in p.variables.keys().chain(p.expected.keys()) {
                if name.is_empty()
                    || !name.chars().all(|c| c.is_alphanumeric() || c == '_')
                    || name.starts_with(char::is_numeric)
                {
                    return Err(ScenarioError::at(
                        format!("{here}.variables"),
                        format!("`{name}` is not a variable name (letters, digits and _, not starting with a digit)"),
                    ));
                }
            }
            if let Some(name) = p.expected.keys().find(|n| !p.variables.contains_key(*n)) {
                return Err(ScenarioError::at(
                    format!("{here}.expected"),
                    format!("`{name}` is not one of the process's variables"),
                ));
            }
            for (j, t) in p.threads.iter().enumerate() {
                let here = format!("{here}.threads[{j}]");
                if let Some(a) = t.arrival
                    && a < p.arrival
                {
                    return Err(ScenarioError::at(
                        format!("{here}.arrival"),
                        format!("thread `{}` arrives at {a}, before its process is loaded at {}", t.name, p.arrival),
                    ));
                }
                match (&t.code, &t.program) {
                    (Some(_), Some(_)) => return Err(ScenarioError::at(here, "give `code` or `program`, not both")),
                    (None, None) => {
                        return Err(ScenarioError::at(
                            here,
                            format!(
                                "thread `{}` needs `code` (program text) or `program` (a name from the process's `programs`)",
                                t.name
                            ),
                        ));
                    }
                    (None, Some(name)) if !p.programs.contains_key(name) => {
                        return Err(ScenarioError::at(
                            format!("{here}.program"),
                            format!("no program named `{name}` in this process"),
                        ));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

/// serde_json's message in words a learner can act on; the position is reported separately.
fn plain_json_message(e: &serde_json::Error) -> String {
    let raw = strip_position(&e.to_string());
    if e.is_eof() {
        return "the text ends too early: a closing `}` or `]` or `\"` is missing, or the file is cut off".into();
    }
    let hint = if raw.starts_with("expected ident") {
        "not valid JSON here: text needs \"double quotes\", and true, false and null are lower case"
    } else if raw.starts_with("expected value") {
        "expected a value here: a number, \"text\", true, false, null, [ ] or { }"
    } else if raw.starts_with("trailing comma") {
        "a comma right before `]` or `}`: remove it"
    } else if raw.starts_with("key must be a string") {
        "object keys need \"double quotes\""
    } else if raw.starts_with("control character") {
        "a line break inside a string: write programs as a list of lines, or use \\n"
    } else {
        return raw;
    };
    format!("{hint} ({raw})")
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Builds the error for a program parse failure inside the scenario.
pub(crate) fn program_error(path: String, e: super::program::ProgramError) -> ScenarioError {
    ScenarioError { path, line: Some(e.line), column: Some(e.column), message: e.message }
}
