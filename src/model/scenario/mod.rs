//! The scenario file: what the learner or teacher writes (JSON), and its validation.
//!
//! A scenario names a machine (CPUs and context-switch costs), a scheduler, a seed, limits and
//! the processes to load. Presets in `presets/` are scenario files. Errors carry a path into the
//! document (`processes[0].threads[1].code`) and, where there is one, a line and column.
//!
//! Files carry a format version (`"format": 2`); older files are migrated on load
//! ([`format`](mod@format)). One edit type serves the page's settings and the CLI's flags
//! ([`ScenarioEdit`]).

mod edit;
mod error;
pub mod format;
pub mod ipc;
pub mod text;
mod v1;
mod words;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Ticks;
pub use super::cache::CacheSpec;

pub use super::scheduler::spec::{DEFAULT_QUANTUM_TICKS, Policy, PolicyParams, Queues, SchedulerSpec, TieRule};
pub use edit::{MAX_PARAM_NAME, MAX_SWITCH_TICKS, ParamName, ScenarioEdit, Setting, seeded_text};
pub use error::ScenarioError;
pub(crate) use error::program_error;
pub use format::FORMAT;
pub use ipc::{ChannelSpec, MutexProtocol, SegmentSpec};

/// Most CPUs a machine may have.
pub const MAX_CPUS: u32 = 64;

/// A complete scenario, as stored in a `.json` file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Version of the file format, [`FORMAT`] once loaded (files without one are version 1 and
    /// migrated, see [`format`](mod@format)).
    #[serde(default = "format::current")]
    pub format: u32,
    /// Short title shown in the preset picker.
    pub name: String,
    /// What the scenario shows and what to look at (plain text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// CPU count and context-switch costs (default: 1 CPU, free switches).
    #[serde(default)]
    pub machine: MachineSpec,
    /// The scheduling policy and its parameters (default: FCFS).
    #[serde(default)]
    pub scheduler: SchedulerSpec,
    /// Seed of the PRNG used for `compute A..B` / `io A..B` draws. Same seed, same trace.
    #[serde(default)]
    pub seed: u64,
    /// Bounds on the run (default: 200,000 instructions, 10⁹ ticks).
    #[serde(default)]
    pub limits: Limits,
    /// Message channels between processes, by name: any thread of any process may `send` to
    /// one and `recv` from it ([`ChannelSpec`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub channels: BTreeMap<String, ChannelSpec>,
    /// Shared-memory segments, by name: variables (and mutexes) that several processes map
    /// ([`SegmentSpec`]).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shared: BTreeMap<String, SegmentSpec>,
    /// The mutexes' priority protocol: none (the default) or priority inheritance
    /// ([`MutexProtocol`]).
    #[serde(default, skip_serializing_if = "MutexProtocol::is_none")]
    pub mutex_protocol: MutexProtocol,
    /// Named constants, whole numbers ≥ 0 (`{"cs": 4, "work": 20}`): a program's operand `$cs`
    /// is the value of `cs` (see [`super::program`]), and a sweep or a variant can vary one
    /// (`params.cs`, a [`Setting::Param`]). Names: a lower-case letter or `_`, then lower-case
    /// letters, digits and `_`, at most [`MAX_PARAM_NAME`] characters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, u64>,
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
    /// Each CPU's cache, for the cache-warmth model ([`crate::model::cache`]); none by default
    /// (every thread always runs at full speed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheSpec>,
    /// CPU ticks a `create` (POSIX `pthread_create`) costs the creating thread; default
    /// [`DEFAULT_THREAD_CREATE_TICKS`].
    #[serde(default = "default_thread_create_ticks", skip_serializing_if = "is_default_thread_create_ticks")]
    pub thread_create_ticks: Ticks,
    /// CPU ticks a `fork` costs the forking thread, ≥ 1; default [`DEFAULT_FORK_TICKS`].
    #[serde(default = "default_fork_ticks", skip_serializing_if = "is_default_fork_ticks")]
    pub fork_ticks: Ticks,
    /// CPU ticks a `spawn` (POSIX `posix_spawn`) costs the spawning thread, ≥ 1; default
    /// [`DEFAULT_SPAWN_TICKS`].
    #[serde(default = "default_spawn_ticks", skip_serializing_if = "is_default_spawn_ticks")]
    pub spawn_ticks: Ticks,
    /// CPU ticks a write to a copy-on-write page costs on top of the instruction, for copying the
    /// page; default [`DEFAULT_COW_COPY_TICKS`] (see [`crate::model::pages`]).
    #[serde(default = "default_cow_copy_ticks", skip_serializing_if = "is_default_cow_copy_ticks")]
    pub cow_copy_ticks: Ticks,
    /// Page size in bytes, ≥ 8: the unit of the memory map, RSS and PSS; default
    /// [`DEFAULT_PAGE_BYTES`].
    #[serde(default = "default_page_bytes", skip_serializing_if = "is_default_page_bytes")]
    pub page_bytes: u64,
    /// Most processes alive at once (Linux's `RLIMIT_NPROC`, as a machine setting): a `fork` or
    /// `spawn` past it stops the run with a runtime error, so a fork bomb ends with a clear
    /// message. At least the number of declared processes; default [`DEFAULT_MAX_PROCESSES`].
    #[serde(default = "default_max_processes", skip_serializing_if = "is_default_max_processes")]
    pub max_processes: u32,
}

/// Default cost of creating a thread, in ticks (µs): 14, the 13.62 µs that creating and
/// joining one thread took on Linux (glibc 2.36 `pthread_create` + `pthread_join`, mean of 2,000,
/// 2 CPUs), rounded: `measure/creation.sh` measures it, `measure/creation-results.json`
/// (`thread_create_join_us`) records it. The same measurement put `fork` + `waitpid` at
/// 156.26 µs, 11 times as much.
pub const DEFAULT_THREAD_CREATE_TICKS: Ticks = 14;

fn default_thread_create_ticks() -> Ticks {
    DEFAULT_THREAD_CREATE_TICKS
}

fn is_default_thread_create_ticks(t: &Ticks) -> bool {
    *t == DEFAULT_THREAD_CREATE_TICKS
}

/// Default cost of `fork`, in ticks (µs): 156, the 156.26 µs that `fork` + `waitpid` of a child
/// that exits at once took on Linux (glibc 2.36, mean of 2,000, 2 CPUs), rounded:
/// `measure/creation.sh` measures it, `measure/creation-results.json` (`fork_wait_us`) records it.
pub const DEFAULT_FORK_TICKS: Ticks = 156;

/// Default cost of `spawn`, in ticks (µs): 1,279, the 1,279.03 µs that `posix_spawn` of `true` +
/// `waitpid` took on Linux (same run as [`DEFAULT_FORK_TICKS`]; `measure/creation-results.json`,
/// `posix_spawn_true_wait_us`): loading a fresh program costs 8 times a fork.
pub const DEFAULT_SPAWN_TICKS: Ticks = 1279;

/// Default cost of a copy-on-write page copy, in ticks (µs): 3, the 2.78 µs that a child's first
/// write to a page shared with its parent took on Linux (the fault and the 4 KiB copy; a write to
/// a private page took 0.017 µs), mean over 4,096 pages × 20 forks, rounded: `measure/cow.sh`
/// measures it, `measure/cow-results.json` (`cow_write_us`) records it.
pub const DEFAULT_COW_COPY_TICKS: Ticks = 3;

/// Default page size in bytes: 4,096, x86-64 Linux's base page (`measure/cow-results.json`,
/// `page_bytes`).
pub const DEFAULT_PAGE_BYTES: u64 = 4096;

/// Default most processes alive at once: 64, small enough that a fork bomb stops within a few
/// hundred instructions, large enough for the presets.
pub const DEFAULT_MAX_PROCESSES: u32 = 64;

fn default_fork_ticks() -> Ticks {
    DEFAULT_FORK_TICKS
}
fn is_default_fork_ticks(t: &Ticks) -> bool {
    *t == DEFAULT_FORK_TICKS
}
fn default_spawn_ticks() -> Ticks {
    DEFAULT_SPAWN_TICKS
}
fn is_default_spawn_ticks(t: &Ticks) -> bool {
    *t == DEFAULT_SPAWN_TICKS
}
fn default_cow_copy_ticks() -> Ticks {
    DEFAULT_COW_COPY_TICKS
}
fn is_default_cow_copy_ticks(t: &Ticks) -> bool {
    *t == DEFAULT_COW_COPY_TICKS
}
fn default_page_bytes() -> u64 {
    DEFAULT_PAGE_BYTES
}
fn is_default_page_bytes(b: &u64) -> bool {
    *b == DEFAULT_PAGE_BYTES
}
fn default_max_processes() -> u32 {
    DEFAULT_MAX_PROCESSES
}
fn is_default_max_processes(n: &u32) -> bool {
    *n == DEFAULT_MAX_PROCESSES
}

impl Default for MachineSpec {
    fn default() -> Self {
        MachineSpec {
            cpus: 1,
            thread_switch_ticks: 0,
            process_switch_ticks: 0,
            cache: None,
            thread_create_ticks: DEFAULT_THREAD_CREATE_TICKS,
            fork_ticks: DEFAULT_FORK_TICKS,
            spawn_ticks: DEFAULT_SPAWN_TICKS,
            cow_copy_ticks: DEFAULT_COW_COPY_TICKS,
            page_bytes: DEFAULT_PAGE_BYTES,
            max_processes: DEFAULT_MAX_PROCESSES,
        }
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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    /// Counting semaphores, by name: each starts at its `initial` value (OSTEP ch. 31). A
    /// program names only declared semaphores.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub semaphores: BTreeMap<String, SemaphoreSpec>,
    /// Barriers, by name: how many threads each waits for before it opens (POSIX
    /// `pthread_barrier_init`'s count). A program names only declared barriers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub barriers: BTreeMap<String, u32>,
    /// Read-write locks whose preference is chosen here; a read-write lock used and not declared
    /// prefers readers.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rwlocks: BTreeMap<String, RwLockSpec>,
    /// Threads, in tid order; the first is the main thread. At least one.
    pub threads: Vec<ThreadSpec>,
    /// Scheduling priority for policies that use one (lower is more urgent unless the policy
    /// says otherwise); default 0 for its threads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Nice value, −20 (most CPU) to 19, for fair-share policies (Linux's weights), of its
    /// threads; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nice: Option<i32>,
    /// Lottery and stride tickets, ≥ 1; default 100 for its threads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tickets: Option<u64>,
    /// Expected length of a CPU burst in ticks, for policies that estimate bursts (SJF's initial
    /// guess); default none for its threads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_burst: Option<Ticks>,
    /// CPUs the thread may run on (indices); default all for its threads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Vec<u32>>,
    /// Working set in KB of its threads, for the cache-warmth model (`machine.cache`);
    /// default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_set_kb: Option<u64>,
}

/// A counting semaphore's declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SemaphoreSpec {
    /// Its value at the start: how many `sem_wait`s pass before one blocks.
    pub initial: u32,
    /// The most it may hold, if bounded: a `sem_post` that would exceed it is a runtime error
    /// (a bounded semaphore, as Python's `threading.BoundedSemaphore`). Unbounded if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
}

/// A read-write lock's declaration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RwLockSpec {
    /// Whom it lets in first when both readers and writers wait (default: readers).
    #[serde(default)]
    pub prefer: RwPreference,
}

/// Whom a read-write lock favours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RwPreference {
    /// A reader gets in whenever no writer holds the lock, even if writers wait (they may
    /// starve): OSTEP's reader-writer lock (ch. 31.5) and glibc's default,
    /// `PTHREAD_RWLOCK_PREFER_READER_NP`.
    #[default]
    Readers,
    /// A reader waits while a writer holds or waits for the lock, and a release lets a waiting
    /// writer in before the waiting readers (readers may starve).
    Writers,
}

/// Memory footprint of a process in bytes: code, data and heap once, plus one stack per thread.
/// The segments' defaults are small illustrative sizes, not measurements; the stack's is
/// measured (see [`MemorySpec::stack_bytes_per_thread`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MemorySpec {
    /// Code (text) segment size, in bytes (default 4096).
    pub code_bytes: u64,
    /// Data segment size, in bytes (default 4096).
    pub data_bytes: u64,
    /// Heap size, in bytes (default 0).
    pub heap_bytes: u64,
    /// Stack size of each thread, in bytes (default 8192). The default is what a thread's stack
    /// occupies, not what it reserves: on Linux a new thread adds 7.8 KB of resident memory
    /// (about two 4 KiB pages) against the 8 MiB of address space glibc reserves for its stack
    /// (`measure/creation-results.json`: `thread_added_rss_kb` 7.8, `thread_stack_reserved_bytes`
    /// 8,388,608; measured by `measure/creation.sh`). A created thread adds its stack when it
    /// starts ([`crate::model::metrics::ProcessMemory`]).
    pub stack_bytes_per_thread: u64,
}

impl Default for MemorySpec {
    fn default() -> Self {
        MemorySpec { code_bytes: 4096, data_bytes: 4096, heap_bytes: 0, stack_bytes_per_thread: 8192 }
    }
}

/// A thread: a name, an arrival time and a program (inline `code`, or a `program` name), and
/// its scheduling attributes (each defaults to its process's).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadSpec {
    /// Thread name, shown in the UI and in messages.
    pub name: String,
    /// Tick at which the thread joins the ready queue; defaults to its process's arrival.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival: Option<Ticks>,
    /// How the thread starts: by itself at its arrival (the default), or `"created"`: when a
    /// `create` of another thread of its process starts it (a slot; see
    /// [`crate::model::sync::join`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<ThreadStart>,
    /// Inline program (see [`super::program`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ProgramText>,
    /// Name of one of the process's `programs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub program: Option<String>,
    /// Scheduling priority for policies that use one (lower is more urgent unless the policy
    /// says otherwise); default 0, or the process's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Nice value, −20 (most CPU) to 19, for fair-share policies (Linux's weights); default 0,
    /// or the process's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nice: Option<i32>,
    /// Lottery and stride tickets, ≥ 1; default 100, or the process's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tickets: Option<u64>,
    /// Expected length of a CPU burst in ticks, for policies that estimate bursts (SJF's initial
    /// guess); default none, or the process's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_burst: Option<Ticks>,
    /// CPUs the thread may run on (indices); default all, or the process's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Vec<u32>>,
    /// Working set in KB, for the cache-warmth model (`machine.cache`); default 0, or the
    /// process's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_set_kb: Option<u64>,
}

/// How a thread starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThreadStart {
    /// At its arrival time, by itself.
    #[default]
    Arrival,
    /// When a `create rX, P` of another thread of its process starts it (POSIX
    /// `pthread_create`); it then runs its named program `P` and has no arrival of its own.
    Created,
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

impl Scenario {
    /// Checks everything the JSON types cannot: ranges, names, references, program syntax.
    /// Returns the first problem found.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        let m = &self.machine;
        if m.cpus == 0 || m.cpus > MAX_CPUS {
            return Err(ScenarioError::at(
                "machine.cpus",
                format!("`cpus` must be a whole number from 1 to {MAX_CPUS}, got {}", m.cpus),
            ));
        }
        if let Some(c) = &m.cache {
            if c.size_kb == 0 {
                return Err(ScenarioError::at("machine.cache.size_kb", "must be at least 1 KB"));
            }
            if c.warm_speedup == 0 {
                return Err(ScenarioError::at(
                    "machine.cache.warm_speedup",
                    "must be at least 1 (1: warm is no faster)",
                ));
            }
        }
        if m.fork_ticks == 0 || m.spawn_ticks == 0 {
            let field = if m.fork_ticks == 0 { "fork_ticks" } else { "spawn_ticks" };
            return Err(ScenarioError::at(
                format!("machine.{field}"),
                "must be at least 1 µs: a new process is set up before it can run",
            ));
        }
        if m.page_bytes < 8 {
            return Err(ScenarioError::at(
                "machine.page_bytes",
                format!("a page must hold at least one 8-byte variable: got {} bytes", m.page_bytes),
            ));
        }
        if (m.max_processes as usize) < self.processes.len() {
            return Err(ScenarioError::at(
                "machine.max_processes",
                format!(
                    "the scenario declares {} processes, more than `max_processes` ({}) allows alive at once",
                    self.processes.len(),
                    m.max_processes
                ),
            ));
        }
        if self.limits.max_steps == 0 {
            return Err(ScenarioError::at(
                "limits.max_steps",
                "`max_steps` must be at least 1: with 0 no instruction could run",
            ));
        }
        if self.limits.max_time == 0 {
            return Err(ScenarioError::at(
                "limits.max_time",
                "`max_time` must be at least 1 µs: with 0 the run could not start",
            ));
        }
        if let Some(e) = self.params.keys().find_map(|n| ParamName::new(n).err()) {
            return Err(ScenarioError::at("params", e));
        }
        if let Err(e) = self.scheduler.validate() {
            return Err(ScenarioError::at(format!("scheduler.{}", e.field), e.message));
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
        if let PolicyParams::Scripted(spec) = &self.scheduler.params {
            spec.check(threads, m.cpus).map_err(|e| ScenarioError::at(format!("scheduler.{}", e.field), e.message))?;
        }
        let mut process_names = std::collections::HashMap::new();
        ipc::validate(&self.channels, &self.shared, &self.processes)?;
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
            declarations_valid(&here, p)?;
            attrs_valid(&here, p.nice, p.tickets, p.expected_burst, &p.affinity, m.cpus)?;
            for (j, t) in p.threads.iter().enumerate() {
                let here = format!("{here}.threads[{j}]");
                attrs_valid(&here, t.nice, t.tickets, t.expected_burst, &t.affinity, m.cpus)?;
                if t.start == Some(ThreadStart::Created) {
                    if j == 0 {
                        return Err(ScenarioError::at(
                            format!("{here}.start"),
                            format!(
                                "thread `{}` is the process's main thread, which starts with the process: only \
                                 another thread can be `\"start\": \"created\"`",
                                t.name
                            ),
                        ));
                    }
                    if t.arrival.is_some() {
                        return Err(ScenarioError::at(
                            format!("{here}.arrival"),
                            format!(
                                "thread `{}` starts when a `create` starts it (\"start\": \"created\"), so it has no \
                                 arrival: remove one of the two",
                                t.name
                            ),
                        ));
                    }
                    if t.program.is_none() {
                        return Err(ScenarioError::at(
                            format!("{here}.start"),
                            format!(
                                "thread `{}` is `\"start\": \"created\"`, so it runs a named program that `create` \
                                 names: give it `\"program\"` (one of the process's `programs`) instead of `code`",
                                t.name
                            ),
                        ));
                    }
                }
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

/// Checks a process's declared synchronisation objects (`here` is its path): names, one object
/// per name, a bound no lower than the initial value, a barrier for at least one thread.
fn declarations_valid(here: &str, p: &ProcessSpec) -> Result<(), ScenarioError> {
    let kinds = [
        ("semaphores", "semaphore", p.semaphores.keys().collect::<Vec<_>>()),
        ("barriers", "barrier", p.barriers.keys().collect()),
        ("rwlocks", "read-write lock", p.rwlocks.keys().collect()),
    ];
    let mut seen: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for (field, word, names) in &kinds {
        for name in names {
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(ScenarioError::at(
                    format!("{here}.{field}"),
                    format!("`{name}` is not a {word} name (letters, digits and _)"),
                ));
            }
            if let Some(first) = seen.insert(name.as_str(), field) {
                return Err(ScenarioError::at(
                    format!("{here}.{field}.{name}"),
                    format!("`{name}` is already declared in `{first}`: one name, one object"),
                ));
            }
        }
    }
    for (name, s) in &p.semaphores {
        match s.max {
            Some(0) => {
                return Err(ScenarioError::at(
                    format!("{here}.semaphores.{name}.max"),
                    "`max` must be at least 1 (leave it out for no bound)",
                ));
            }
            Some(max) if s.initial > max => {
                return Err(ScenarioError::at(
                    format!("{here}.semaphores.{name}.initial"),
                    format!("`initial` is {}, above this semaphore's `max` of {max}", s.initial),
                ));
            }
            _ => {}
        }
    }
    if let Some((name, _)) = p.barriers.iter().find(|&(_, &n)| n == 0) {
        return Err(ScenarioError::at(
            format!("{here}.barriers.{name}"),
            "a barrier waits for at least 1 thread: give how many must arrive before it opens",
        ));
    }
    Ok(())
}

/// Checks a process's or thread's scheduling attributes (`here` is its path).
fn attrs_valid(
    here: &str,
    nice: Option<i32>,
    tickets: Option<u64>,
    expected_burst: Option<Ticks>,
    affinity: &Option<Vec<u32>>,
    cpus: u32,
) -> Result<(), ScenarioError> {
    if let Some(n) = nice
        && !(-20..=19).contains(&n)
    {
        return Err(ScenarioError::at(
            format!("{here}.nice"),
            format!("`nice` must be a whole number from -20 to 19, got {n}"),
        ));
    }
    if tickets == Some(0) {
        return Err(ScenarioError::at(format!("{here}.tickets"), "`tickets` must be at least 1"));
    }
    if expected_burst == Some(0) {
        return Err(ScenarioError::at(format!("{here}.expected_burst"), "`expected_burst` must be at least 1 µs"));
    }
    if let Some(cpus_allowed) = affinity {
        if cpus_allowed.is_empty() {
            return Err(ScenarioError::at(format!("{here}.affinity"), "`affinity` must list at least one CPU"));
        }
        if let Some(bad) = cpus_allowed.iter().find(|&&c| c >= cpus) {
            return Err(ScenarioError::at(
                format!("{here}.affinity"),
                format!("CPU {bad} does not exist: the machine has CPUs 0 to {}", cpus - 1),
            ));
        }
    }
    Ok(())
}
