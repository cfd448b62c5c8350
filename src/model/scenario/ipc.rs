//! Scenario-level declarations for what processes share: message channels, shared-memory
//! segments, and the mutexes' priority protocol. Processes are isolated (each has its own
//! variables, [`crate::model::memory`]); these are the ways they talk.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ProcessSpec, ScenarioError};

/// Bytes a channel's message carries by default: one 64-bit value (a register).
pub const DEFAULT_MESSAGE_BYTES: u64 = 8;

/// Bytes a channel copies per tick (µs) by default: 4,042, the rate at which 256 MiB went
/// through a pipe from one process to another on Linux in 64 KiB writes (both copies, user to
/// kernel and kernel to user): `measure/pipe.sh` measures it, `measure/pipe-results.json`
/// (`bulk_bytes_per_us`) records it. The same run timed one hop of an 8-byte message (a write,
/// the reader's wake-up and its read) at 2.55 µs, which the model splits between the `send`
/// and the `recv` ([`crate::model::program::SIMPLE_INSTRUCTION_TICKS`] each) and the context
/// switch it already charges.
pub const DEFAULT_BYTES_PER_TICK: u64 = 4042;

/// A message channel between processes (a pipe or POSIX message queue): a bounded FIFO queue
/// that any thread of any process may `send` to and `recv` from
/// ([`crate::model::sync::Channel`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    /// The most messages it holds; a `send` to a full channel blocks. At least 1.
    pub capacity: u32,
    /// Bytes each message carries (default [`DEFAULT_MESSAGE_BYTES`]); a message still holds
    /// one value, its size only sets the copy cost.
    #[serde(default = "default_message_bytes", skip_serializing_if = "is_default_message_bytes")]
    pub message_bytes: u64,
    /// Bytes copied per tick (default [`DEFAULT_BYTES_PER_TICK`], measured). A `send` and a
    /// `recv` each cost 1 tick plus `message_bytes / bytes_per_tick`, rounded to the nearest
    /// tick ([`ChannelSpec::copy_ticks`]).
    #[serde(default = "default_bytes_per_tick", skip_serializing_if = "is_default_bytes_per_tick")]
    pub bytes_per_tick: u64,
}

fn default_message_bytes() -> u64 {
    DEFAULT_MESSAGE_BYTES
}
fn is_default_message_bytes(b: &u64) -> bool {
    *b == DEFAULT_MESSAGE_BYTES
}
fn default_bytes_per_tick() -> u64 {
    DEFAULT_BYTES_PER_TICK
}
fn is_default_bytes_per_tick(b: &u64) -> bool {
    *b == DEFAULT_BYTES_PER_TICK
}

impl ChannelSpec {
    /// Ticks of copying a message costs, on top of the instruction's 1: `message_bytes /
    /// bytes_per_tick`, rounded to the nearest tick (0 for the default 8-byte message).
    pub fn copy_ticks(&self) -> u64 {
        let per = self.bytes_per_tick.max(1);
        self.message_bytes.saturating_add(per / 2) / per
    }
}

/// A shared-memory segment (POSIX `shm_open` + `mmap`, or System V `shmget`): variables that
/// every process in `processes` maps, so a store by a thread of one is what a load by a thread
/// of another reads. Unsynchronised `counter++` from two processes races again; a mutex of the
/// segment (`mutexes`, like a `PTHREAD_PROCESS_SHARED` mutex placed in it) is one lock for all
/// of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentSpec {
    /// Its variables, with initial values; each mapping process uses them by name, as its own.
    #[serde(default)]
    pub variables: BTreeMap<String, i64>,
    /// Final values a correct run should reach, shown beside the actual ones.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub expected: BTreeMap<String, i64>,
    /// Mutexes placed in the segment: `lock m` by a thread of any mapping process takes the same
    /// mutex.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mutexes: Vec<String>,
    /// The names of the processes that map it (at least one).
    pub processes: Vec<String>,
}

/// What happens to a mutex holder's priority while more urgent threads wait for the mutex
/// (POSIX `pthread_mutexattr_setprotocol`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MutexProtocol {
    /// Nothing (`PTHREAD_PRIO_NONE`): a low-priority holder may be kept off the CPU by
    /// medium-priority threads while a high-priority one waits for it (priority inversion).
    #[default]
    None,
    /// Priority inheritance (`PTHREAD_PRIO_INHERIT`): the holder runs at the most urgent
    /// priority of the threads waiting for its mutexes (and of theirs, along a chain) until it
    /// releases them. Used by the priority policy ([`crate::model::scheduler::Priority`]).
    Inherit,
}

impl MutexProtocol {
    /// Whether it is the default ([`MutexProtocol::None`]).
    pub fn is_none(&self) -> bool {
        *self == MutexProtocol::None
    }
}

fn name_ok(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') && !name.starts_with(char::is_numeric)
}

/// Checks the channels and segments against the processes: names, capacities, mapped
/// processes that exist, and no segment variable that is also a process's own.
pub(crate) fn validate(
    channels: &BTreeMap<String, ChannelSpec>,
    shared: &BTreeMap<String, SegmentSpec>,
    processes: &[ProcessSpec],
) -> Result<(), ScenarioError> {
    for (name, c) in channels {
        if !name_ok(name) {
            return Err(ScenarioError::at(
                "channels",
                format!("`{name}` is not a channel name (letters, digits and _, not starting with a digit)"),
            ));
        }
        if c.capacity == 0 {
            return Err(ScenarioError::at(
                format!("channels.{name}.capacity"),
                "a channel holds at least 1 message: give its `capacity` (1 or more)",
            ));
        }
        if c.bytes_per_tick == 0 {
            return Err(ScenarioError::at(format!("channels.{name}.bytes_per_tick"), "must be at least 1"));
        }
    }
    // (process, name, segment) of every name a segment gives a process.
    let mut owner: Vec<(&str, &str, &str)> = Vec::new();
    for (seg, s) in shared {
        let here = format!("shared.{seg}");
        if !name_ok(seg) {
            return Err(ScenarioError::at("shared", format!("`{seg}` is not a segment name (letters, digits and _)")));
        }
        if s.processes.is_empty() {
            return Err(ScenarioError::at(
                format!("{here}.processes"),
                "name the processes that map this segment (at least one)",
            ));
        }
        for name in s.variables.keys().chain(s.mutexes.iter()) {
            if !name_ok(name) {
                return Err(ScenarioError::at(
                    format!("{here}.variables"),
                    format!(
                        "`{name}` is not a variable or mutex name (letters, digits and _, not starting with a digit)"
                    ),
                ));
            }
        }
        if let Some(name) = s.expected.keys().find(|n| !s.variables.contains_key(*n)) {
            return Err(ScenarioError::at(
                format!("{here}.expected"),
                format!("`{name}` is not one of the segment's variables"),
            ));
        }
        if let Some(name) = s.mutexes.iter().find(|m| s.variables.contains_key(*m)) {
            return Err(ScenarioError::at(
                format!("{here}.mutexes"),
                format!("`{name}` is both a variable and a mutex of the segment: one name, one thing"),
            ));
        }
        for (i, pname) in s.processes.iter().enumerate() {
            let Some(p) = processes.iter().find(|p| &p.name == pname) else {
                let names: Vec<&str> = processes.iter().map(|p| p.name.as_str()).collect();
                return Err(ScenarioError::at(
                    format!("{here}.processes[{i}]"),
                    format!("no process named `{pname}` (the processes are {})", names.join(", ")),
                ));
            };
            for name in s.variables.keys().chain(s.mutexes.iter()) {
                if p.variables.contains_key(name) {
                    return Err(ScenarioError::at(
                        format!("{here}.variables"),
                        format!(
                            "`{name}` is already a variable of process `{pname}`, which maps this segment: rename one"
                        ),
                    ));
                }
                if let Some(&(_, _, other)) = owner.iter().find(|&&(p, n, _)| p == pname && n == name) {
                    return Err(ScenarioError::at(
                        format!("{here}.variables"),
                        format!("`{name}` is also in segment `{other}`, and process `{pname}` maps both: rename one"),
                    ));
                }
                owner.push((pname, name, seg));
            }
        }
    }
    Ok(())
}
