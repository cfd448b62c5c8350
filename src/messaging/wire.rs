//! A finished run (outcome, metrics, trace) as bytes: postcard's compact encoding (varints,
//! no field names; <https://postcard.jamesmunns.com/wire-format>) of the model's own types.
//!
//! The model's serde attributes shape its JSON (internally tagged enums, flattened fields,
//! skipped `None`s), which a format without field names cannot read back. So this module
//! declares each type's plain shape once, with serde's remote derive
//! (<https://serde.rs/remote-derive.html>): the compiler checks every declaration against the
//! model's type, so a field added there and not here is a build error, not a silent loss.
//! Types whose derive is already plain (`ThreadState`, `CpuInterval`, …) are declared here too,
//! so the model's JSON types need no `Deserialize`.
//!
//! About 7 bytes per trace event or CPU interval: the page benchmark's big run (262,000 of them)
//! is 1.9 MB, against 37 MB as the CLI's JSON.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::metrics::{Averages, CpuMetrics, Metrics, ProcessMemory, ThreadMetrics, VariableValue};
use crate::model::program::{BarrierId, CondId, Flags, MutexId, Reg, RwId, SemId, SpinId, VarId};
use crate::model::scheduler::ReadyReason;
use crate::model::simulation::{Outcome, StuckThread};
use crate::model::trace::{Cause, CpuInterval, IntervalKind, QueueSample, ThreadState, Trace, TraceEvent, What};
use crate::model::wait::WaitReason;
use crate::model::{CpuId, ProcessId, RunResult, ThreadId, Ticks};

/// A run's result with its trace, as it travels from the worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunBytes {
    /// How the run ended.
    #[serde(with = "OutcomeDef")]
    pub outcome: Outcome,
    /// Its measures.
    #[serde(with = "MetricsDef")]
    pub metrics: Metrics,
    /// Events handled by the event loop.
    pub events_handled: u64,
    /// The full trace.
    #[serde(with = "TraceDef")]
    pub trace: Trace,
}

/// Why the bytes could not be read back (a build mismatch between worker and page, or a bug).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireError(pub String);

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the run's result could not be read: {}", self.0)
    }
}

impl RunBytes {
    /// Takes a result apart: its trace (empty if none was recorded) beside the rest.
    pub fn from_result(result: RunResult) -> RunBytes {
        let RunResult { outcome, metrics, events_handled, trace } = result;
        RunBytes { outcome, metrics, events_handled, trace: trace.unwrap_or_default() }
    }

    /// Encodes to bytes.
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("postcard encodes every model value into a vector")
    }

    /// Reads [`RunBytes::encode`]'s bytes. Errors: the bytes are not a whole result.
    pub fn decode(bytes: &[u8]) -> Result<RunBytes, WireError> {
        postcard::from_bytes(bytes).map_err(|e| WireError(e.to_string()))
    }
}

/// Serialises and deserialises a list of a remote type with its declaration `$def`.
macro_rules! list_of {
    ($module:ident, $ty:ty, $def:ident, $def_name:literal) => {
        mod $module {
            use super::*;

            pub fn serialize<S: Serializer>(items: &[$ty], s: S) -> Result<S::Ok, S::Error> {
                struct One<'a>(&'a $ty);
                impl Serialize for One<'_> {
                    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        $def::serialize(self.0, s)
                    }
                }
                s.collect_seq(items.iter().map(One))
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$ty>, D::Error> {
                #[derive(Deserialize)]
                struct One(#[serde(with = $def_name)] $ty);
                Ok(Vec::<One>::deserialize(d)?.into_iter().map(|o| o.0).collect())
            }
        }
    };
}

list_of!(events, TraceEvent, TraceEventDef, "TraceEventDef");
list_of!(intervals, CpuInterval, CpuIntervalDef, "CpuIntervalDef");
list_of!(samples, QueueSample, QueueSampleDef, "QueueSampleDef");
list_of!(stuck, StuckThread, StuckThreadDef, "StuckThreadDef");
list_of!(thread_metrics, ThreadMetrics, ThreadMetricsDef, "ThreadMetricsDef");
list_of!(cpu_metrics, CpuMetrics, CpuMetricsDef, "CpuMetricsDef");
list_of!(variables, VariableValue, VariableValueDef, "VariableValueDef");
list_of!(memory, ProcessMemory, ProcessMemoryDef, "ProcessMemoryDef");

mod averages {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<Averages>, s: S) -> Result<S::Ok, S::Error> {
        struct One<'a>(&'a Averages);
        impl Serialize for One<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                AveragesDef::serialize(self.0, s)
            }
        }
        v.as_ref().map(One).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Averages>, D::Error> {
        #[derive(Deserialize)]
        struct One(#[serde(with = "AveragesDef")] Averages);
        Ok(Option::<One>::deserialize(d)?.map(|o| o.0))
    }
}

mod option_flags {
    use super::*;

    pub fn serialize<S: Serializer>(v: &Option<Flags>, s: S) -> Result<S::Ok, S::Error> {
        struct One<'a>(&'a Flags);
        impl Serialize for One<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                FlagsDef::serialize(self.0, s)
            }
        }
        v.as_ref().map(One).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Flags>, D::Error> {
        #[derive(Deserialize)]
        struct One(#[serde(with = "FlagsDef")] Flags);
        Ok(Option::<One>::deserialize(d)?.map(|o| o.0))
    }
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Trace")]
struct TraceDef {
    #[serde(with = "events")]
    events: Vec<TraceEvent>,
    #[serde(with = "intervals")]
    intervals: Vec<CpuInterval>,
    #[serde(with = "samples")]
    ready_queue: Vec<QueueSample>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "TraceEvent")]
struct TraceEventDef {
    time: Ticks,
    #[serde(with = "WhatDef")]
    what: What,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "What")]
enum WhatDef {
    State {
        tid: ThreadId,
        #[serde(with = "ThreadStateDef")]
        state: ThreadState,
        #[serde(with = "CauseDef")]
        cause: Cause,
    },
    Pc {
        tid: ThreadId,
        pc: usize,
    },
    Reg {
        tid: ThreadId,
        reg: Reg,
        value: i64,
    },
    Mem {
        pid: ProcessId,
        var: VarId,
        value: i64,
        tid: ThreadId,
        lost: u32,
    },
    Atomic {
        pid: ProcessId,
        var: VarId,
        tid: ThreadId,
        reg: Reg,
        read: i64,
        wrote: Option<i64>,
        #[serde(with = "option_flags")]
        flags: Option<Flags>,
    },
    Flags {
        tid: ThreadId,
        #[serde(with = "FlagsDef")]
        flags: Flags,
    },
    Mutex {
        pid: ProcessId,
        mutex: MutexId,
        owner: Option<ThreadId>,
    },
    Semaphore {
        pid: ProcessId,
        sem: SemId,
        value: u64,
    },
    Spinlock {
        pid: ProcessId,
        lock: SpinId,
        owner: Option<ThreadId>,
    },
    RwLock {
        pid: ProcessId,
        lock: RwId,
        readers: u32,
        writer: Option<ThreadId>,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Flags")]
enum FlagsDef {
    Less,
    Equal,
    Greater,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ThreadState")]
enum ThreadStateDef {
    New,
    Ready,
    Running,
    Blocked,
    Terminated,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Cause")]
enum CauseDef {
    Queued {
        #[serde(with = "ReadyReasonDef")]
        reason: ReadyReason,
    },
    Dispatched {
        cpu: CpuId,
    },
    Wait {
        #[serde(with = "WaitReasonDef")]
        on: WaitReason,
    },
    Exited,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ReadyReason")]
enum ReadyReasonDef {
    Arrived,
    Woken,
    Preempted,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "WaitReason")]
enum WaitReasonDef {
    Io { until: Ticks },
    Mutex { mutex: MutexId },
    Semaphore { sem: SemId },
    RwLock { lock: RwId, write: bool },
    Barrier { barrier: BarrierId },
    Condvar { cond: CondId },
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "CpuInterval")]
struct CpuIntervalDef {
    cpu: CpuId,
    tid: ThreadId,
    start: Ticks,
    end: Ticks,
    #[serde(with = "IntervalKindDef")]
    kind: IntervalKind,
    first_pc: usize,
    last_pc: usize,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "IntervalKind")]
enum IntervalKindDef {
    Run,
    ThreadSwitch,
    ProcessSwitch,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "QueueSample")]
struct QueueSampleDef {
    time: Ticks,
    threads: Vec<ThreadId>,
    len: usize,
    per_cpu: Vec<usize>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Outcome")]
enum OutcomeDef {
    Completed,
    Deadlock {
        time: Ticks,
        #[serde(with = "stuck")]
        waits: Vec<StuckThread>,
        message: String,
    },
    BudgetExceeded {
        time: Ticks,
        steps: u64,
        message: String,
    },
    RuntimeError {
        time: Ticks,
        tid: ThreadId,
        thread: String,
        line: u32,
        message: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "StuckThread")]
struct StuckThreadDef {
    tid: ThreadId,
    thread: String,
    waits_for: BTreeMap<String, String>,
    holder: Option<String>,
    holder_terminated: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Metrics")]
struct MetricsDef {
    makespan: Ticks,
    context_switches: u64,
    process_switches: u64,
    migrations: u64,
    warm_ticks: Option<Ticks>,
    steps: u64,
    #[serde(with = "averages")]
    averages: Option<Averages>,
    #[serde(with = "thread_metrics")]
    threads: Vec<ThreadMetrics>,
    #[serde(with = "cpu_metrics")]
    cpus: Vec<CpuMetrics>,
    #[serde(with = "variables")]
    variables: Vec<VariableValue>,
    #[serde(with = "memory")]
    memory: Vec<ProcessMemory>,
    total_memory_bytes: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ThreadMetrics")]
struct ThreadMetricsDef {
    tid: ThreadId,
    pid: ProcessId,
    process: String,
    name: String,
    arrival: Ticks,
    first_run: Option<Ticks>,
    completion: Option<Ticks>,
    turnaround: Option<Ticks>,
    response: Option<Ticks>,
    waiting: Ticks,
    cpu_time: Ticks,
    io_time: Ticks,
    lock_wait: Ticks,
    spin_time: Ticks,
    migrations: u64,
    warm_ticks: Option<Ticks>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "CpuMetrics")]
struct CpuMetricsDef {
    cpu: CpuId,
    busy: Ticks,
    switching: Ticks,
    idle: Ticks,
    utilisation: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Averages")]
struct AveragesDef {
    turnaround: f64,
    waiting: f64,
    response: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "VariableValue")]
struct VariableValueDef {
    pid: ProcessId,
    process: String,
    name: String,
    value: i64,
    expected: Option<i64>,
    lost_updates: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ProcessMemory")]
struct ProcessMemoryDef {
    pid: ProcessId,
    process: String,
    threads: usize,
    bytes: u64,
}
