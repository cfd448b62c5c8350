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

use super::remote::option_of;

use crate::model::metrics::{Averages, CpuMetrics, Metrics, ProcessMemory, ThreadMetrics, VariableValue};
use crate::model::pages::PageView;
use crate::model::procs::Origin;
use crate::model::program::{BarrierId, ChanId, CondId, Flags, MutexId, ProgramId, Reg, RwId, SemId, SpinId, VarId};
use crate::model::scheduler::ReadyReason;
use crate::model::simulation::{Outcome, StuckThread};
use crate::model::trace::{Cause, CpuInterval, IntervalKind, QueueSample, ThreadState, Trace, TraceEvent, What};
use crate::model::wait::WaitReason;
use crate::model::{CpuId, ProcessId, RunResult, ThreadId, Ticks};

/// A run's result with its trace, as it travels from the worker to the page.
///
/// The bytes ([`RunBytes::encode`]) are the head (outcome, metrics, events handled) and then the
/// trace's three lists (events, CPU intervals, ready-queue samples), each its length and its
/// items, so that the page can read a long trace a slice at a time ([`RunDecoder`]) between
/// frames instead of freezing for the whole of it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunBytes {
    /// How the run ended.
    pub outcome: Outcome,
    /// Its measures.
    pub metrics: Metrics,
    /// Events handled by the event loop.
    pub events_handled: u64,
    /// The full trace.
    pub trace: Trace,
}

/// What comes before the trace's lists.
#[derive(Serialize, Deserialize)]
struct Head {
    #[serde(with = "OutcomeDef")]
    outcome: Outcome,
    #[serde(with = "MetricsDef")]
    metrics: Metrics,
    events_handled: u64,
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

    /// Encodes to bytes: the head, then each of the trace's lists (see [`RunBytes`]).
    pub fn encode(&self) -> Vec<u8> {
        fn put<T: Serialize>(out: Vec<u8>, value: &T) -> Vec<u8> {
            postcard::to_extend(value, out).expect("postcard encodes every model value into a vector")
        }
        let head =
            Head { outcome: self.outcome.clone(), metrics: self.metrics.clone(), events_handled: self.events_handled };
        // Destructured, so a list added to the trace is a build error here until it is sent.
        let Trace { events: ev, intervals: iv, ready_queue: rq } = &self.trace;
        let mut out = put(Vec::new(), &head);
        out = put(out, &events::Out(ev));
        out = put(out, &intervals::Out(iv));
        put(out, &samples::Out(rq))
    }

    /// Reads [`RunBytes::encode`]'s bytes at once ([`RunDecoder`] reads them in slices).
    /// Errors: the bytes are not a whole result.
    pub fn decode(bytes: &[u8]) -> Result<RunBytes, WireError> {
        RunDecoder::new(bytes.to_vec())?.finish()
    }
}

/// Reads [`RunBytes::encode`]'s bytes a slice of items at a time, so that a trace of millions
/// of events is read between frames (the page shows how far it has got) rather than in one
/// long task. The head is read at once ([`RunDecoder::new`]); [`RunDecoder::step`] reads the
/// next items of the trace's lists; [`RunDecoder::finish`] gives the result.
pub struct RunDecoder {
    bytes: Vec<u8>,
    /// Bytes read so far.
    at: usize,
    head: Head,
    trace: Trace,
    /// The list being read: 0 events, 1 intervals, 2 ready-queue samples, 3 none left.
    list: usize,
    /// Items of that list still to read; `None` before its length is read.
    left: Option<usize>,
}

impl RunDecoder {
    /// Reads the head of `bytes`. Errors: the bytes do not start with a whole head.
    pub fn new(bytes: Vec<u8>) -> Result<RunDecoder, WireError> {
        let (head, rest) = postcard::take_from_bytes::<Head>(&bytes).map_err(|e| WireError(e.to_string()))?;
        let at = bytes.len() - rest.len();
        Ok(RunDecoder { bytes, at, head, trace: Trace::default(), list: 0, left: None })
    }

    /// Reads the next value of type `T` at the current place.
    fn take<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, WireError> {
        let (value, rest) =
            postcard::take_from_bytes::<T>(&self.bytes[self.at..]).map_err(|e| WireError(e.to_string()))?;
        self.at = self.bytes.len() - rest.len();
        Ok(value)
    }

    /// Reads up to `items` more items of the trace's lists; returns whether all are read.
    /// Errors: the bytes end early or hold something else.
    pub fn step(&mut self, items: usize) -> Result<bool, WireError> {
        let mut budget = items;
        loop {
            match (self.list, self.left) {
                (3, _) => return Ok(true),
                (_, None) => {
                    let n: usize = self.take()?;
                    // Each item is at least a byte: a garbled length cannot reserve much.
                    let room = n.min(self.bytes.len() - self.at);
                    match self.list {
                        0 => self.trace.events.reserve_exact(room),
                        1 => self.trace.intervals.reserve_exact(room),
                        _ => self.trace.ready_queue.reserve_exact(room),
                    }
                    self.left = Some(n);
                }
                (_, Some(0)) => (self.list, self.left) = (self.list + 1, None),
                (list, Some(n)) => {
                    if budget == 0 {
                        return Ok(false);
                    }
                    match list {
                        0 => {
                            let events::One(e) = self.take()?;
                            self.trace.events.push(e);
                        }
                        1 => {
                            let intervals::One(iv) = self.take()?;
                            self.trace.intervals.push(iv);
                        }
                        _ => {
                            let samples::One(q) = self.take()?;
                            self.trace.ready_queue.push(q);
                        }
                    }
                    (self.left, budget) = (Some(n - 1), budget - 1);
                }
            }
        }
    }

    /// How much of the bytes is read, from 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.bytes.is_empty() { 1.0 } else { self.at as f64 / self.bytes.len() as f64 }
    }

    /// Reads what is left and gives the result. Errors: the bytes end early, hold something
    /// else, or go on after the result.
    pub fn finish(mut self) -> Result<RunBytes, WireError> {
        self.step(usize::MAX)?;
        if self.at != self.bytes.len() {
            return Err(WireError(format!("{} bytes left over after the run", self.bytes.len() - self.at)));
        }
        let Head { outcome, metrics, events_handled } = self.head;
        Ok(RunBytes { outcome, metrics, events_handled, trace: self.trace })
    }
}

/// Serialises and deserialises a list of a remote type with its declaration `$def` (inside
/// another value); with `streamed`, serialises it as a value of its own ([`Out`]) and reads its
/// items one at a time ([`One`]), as [`RunDecoder`] does.
macro_rules! list_of {
    ($module:ident, $ty:ty, $def:ident, $def_name:literal) => {
        mod $module {
            use super::*;

            list_of!(@serialize $ty, $def);

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<$ty>, D::Error> {
                #[derive(Deserialize)]
                struct One(#[serde(with = $def_name)] $ty);
                Ok(Vec::<One>::deserialize(d)?.into_iter().map(|o| o.0).collect())
            }
        }
    };
    ($module:ident, $ty:ty, $def:ident, $def_name:literal, streamed) => {
        mod $module {
            use super::*;

            list_of!(@serialize $ty, $def);

            /// One item, read on its own.
            #[derive(Deserialize)]
            pub struct One(#[serde(with = $def_name)] pub $ty);

            /// A whole list (its length, then its items), written on its own.
            pub struct Out<'a>(pub &'a [$ty]);

            impl Serialize for Out<'_> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    serialize(self.0, s)
                }
            }
        }
    };
    (@serialize $ty:ty, $def:ident) => {
        pub fn serialize<S: Serializer>(items: &[$ty], s: S) -> Result<S::Ok, S::Error> {
            struct One<'a>(&'a $ty);
            impl Serialize for One<'_> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    $def::serialize(self.0, s)
                }
            }
            s.collect_seq(items.iter().map(One))
        }
    };
}

list_of!(events, TraceEvent, TraceEventDef, "TraceEventDef", streamed);
list_of!(intervals, CpuInterval, CpuIntervalDef, "CpuIntervalDef", streamed);
list_of!(samples, QueueSample, QueueSampleDef, "QueueSampleDef", streamed);
list_of!(stuck, StuckThread, StuckThreadDef, "StuckThreadDef");
list_of!(thread_metrics, ThreadMetrics, ThreadMetricsDef, "ThreadMetricsDef");
list_of!(cpu_metrics, CpuMetrics, CpuMetricsDef, "CpuMetricsDef");
list_of!(variables, VariableValue, VariableValueDef, "VariableValueDef");
list_of!(memory, ProcessMemory, ProcessMemoryDef, "ProcessMemoryDef");

option_of!(averages, Averages, AveragesDef, "AveragesDef");
option_of!(option_flags, Flags, FlagsDef, "FlagsDef");

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
    Joined {
        tid: ThreadId,
        thread: ThreadId,
        reg: Reg,
        value: i64,
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
    NewProcess {
        tid: ThreadId,
        child: ProcessId,
        thread: ThreadId,
        spawned: Option<ProgramId>,
    },
    ProcessEnd {
        pid: ProcessId,
        value: i64,
    },
    Reaped {
        tid: ThreadId,
        child: ProcessId,
        reg: Reg,
        value: i64,
    },
    CowCopy {
        pid: ProcessId,
        tid: ThreadId,
        page: u32,
    },
    X86 {
        pid: ProcessId,
        tid: ThreadId,
        step: crate::model::x86::Step,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Flags")]
enum FlagsDef {
    Less,
    Equal,
    Greater,
    Unset,
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
    Exited {
        value: i64,
    },
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
    Join { thread: ThreadId },
    Child,
    Channel { ch: ChanId, send: bool },
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
    CompletedUncreated {
        never_created: Vec<String>,
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
    total_pss_bytes: u64,
    peak_resident_bytes: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ThreadMetrics")]
struct ThreadMetricsDef {
    tid: ThreadId,
    pid: ProcessId,
    process: String,
    name: String,
    arrival: Option<Ticks>,
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
    parent: Option<ProcessId>,
    children: Vec<ProcessId>,
    #[serde(with = "origin")]
    origin: Origin,
    created: Ticks,
    ended: Option<Ticks>,
    exit_value: Option<i64>,
    rss_bytes: u64,
    pss_bytes: u64,
    cow_copies: u64,
    #[serde(with = "page_runs")]
    pages: Vec<PageView>,
}

/// A process's origin as one number (its enum's own decoder would cost the page more code):
/// 0 declared, 1 forked, 2 + P spawned running program P.
mod origin {
    use super::*;

    pub fn serialize<S: Serializer>(o: &Origin, s: S) -> Result<S::Ok, S::Error> {
        let n = match *o {
            Origin::Declared => 0,
            Origin::Forked => 1,
            Origin::Spawned { program } => 2 + program as u64,
        };
        n.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Origin, D::Error> {
        Ok(match u64::deserialize(d)? {
            0 => Origin::Declared,
            1 => Origin::Forked,
            n => Origin::Spawned { program: (n - 2) as usize },
        })
    }
}

/// A process's page runs, each packed in one number (as [`origin`], to keep the page's decoder
/// small): count (bits 0–19, up to 2²⁰ − 1 pages), sharers (20–35), sharing (36–37: private,
/// shared, copied), region (38–39: code, data, heap, stack) and a stack's tid (40–63).
mod page_runs {
    use super::*;
    use crate::model::pages::{Region, Sharing};

    pub fn serialize<S: Serializer>(runs: &[PageView], s: S) -> Result<S::Ok, S::Error> {
        let packed: Vec<u64> = (runs.iter())
            .map(|v| {
                let (region, tid) = match v.region {
                    Region::Code => (0, 0),
                    Region::Data => (1, 0),
                    Region::Heap => (2, 0),
                    Region::Stack { tid } => (3, tid as u64),
                };
                let sharing = match v.sharing {
                    Sharing::Private => 0,
                    Sharing::Shared => 1,
                    Sharing::Copied => 2,
                };
                u64::from(v.count) | u64::from(v.sharers) << 20 | sharing << 36 | region << 38 | tid << 40
            })
            .collect();
        packed.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PageView>, D::Error> {
        Ok((Vec::<u64>::deserialize(d)?.into_iter())
            .map(|n| PageView {
                count: (n & 0xF_FFFF) as u32,
                sharers: (n >> 20 & 0xFFFF) as u32,
                sharing: match n >> 36 & 3 {
                    0 => Sharing::Private,
                    1 => Sharing::Shared,
                    _ => Sharing::Copied,
                },
                region: match n >> 38 & 3 {
                    0 => Region::Code,
                    1 => Region::Data,
                    2 => Region::Heap,
                    _ => Region::Stack { tid: (n >> 40) as usize },
                },
            })
            .collect())
    }
}
