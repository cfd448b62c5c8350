//! A loaded run ([`LoadedRun`]: the system and the run's settings) as bytes, as it travels to
//! the simulation worker: postcard's compact encoding (varints, no field names;
//! <https://postcard.jamesmunns.com/wire-format>), so the worker runs it without reading a
//! scenario (no JSON, no validation, no program parser in its module).
//!
//! The [`System`] and most settings go by their own serde derives, which are plain (see
//! [`crate::model::system`]). The scenario types whose serde attributes shape the file format
//! (skipped defaults, the scheduler's one flat object with its `policy` key) have their plain
//! shape declared here with serde's remote derive (<https://serde.rs/remote-derive.html>), as
//! [`super::wire`] does for a run's result: a field added to the model's type and not here is
//! a build error. A type used by its own derive (`Limits`, `TieRule`, `VictimSpec`, a policy
//! spec without skipped fields, …) must stay plain; `tests/loaded_wire.rs` runs every preset
//! and every policy through the bytes.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::remote::option_of;

use crate::model::cache::CacheSpec;
use crate::model::scenario::{Limits, MachineSpec, PolicyParams, Queues, SchedulerSpec, TieRule};
use crate::model::schedule::Schedule;
use crate::model::scheduler::{
    AgingSpec, CfsSpec, DrawSpec, EstimateSpec, FcfsSpec, LotterySpec, MlfqSpec, MostUrgent, PrioritySpec,
    ProcessRunSpec, RoundRobinSpec, ScriptedSpec, SjfSpec, SrtfSpec, StrideSpec, TickRrSpec, VictimSpec,
};
use crate::model::{LoadedRun, System, ThreadId, Ticks};

/// Why bytes could not be read as a loaded run (a build mismatch between the page and the
/// worker that the protocol version missed, or a bug).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadedWireError(pub String);

impl std::fmt::Display for LoadedWireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the run to simulate could not be read: {}", self.0)
    }
}

/// Encodes `run` to bytes.
pub fn encode(run: &LoadedRun) -> Vec<u8> {
    struct Out<'a>(&'a LoadedRun);
    impl Serialize for Out<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            LoadedRunDef::serialize(self.0, s)
        }
    }
    // Not `expect`: the page would carry postcard's error names for a message never shown.
    match postcard::to_allocvec(&Out(run)) {
        Ok(bytes) => bytes,
        Err(_) => unreachable!("postcard encodes every model value into a vector"),
    }
}

/// Reads [`encode`]'s bytes. Errors: the bytes are not a whole loaded run (cut, garbled, or
/// left over at the end).
pub fn decode(bytes: &[u8]) -> Result<LoadedRun, LoadedWireError> {
    #[derive(Deserialize)]
    struct In(#[serde(with = "LoadedRunDef")] LoadedRun);
    match postcard::take_from_bytes::<In>(bytes) {
        Ok((run, [])) => Ok(run.0),
        Ok((_, rest)) => Err(LoadedWireError(format!("{} bytes left over after the run", rest.len()))),
        Err(e) => Err(LoadedWireError(e.to_string())),
    }
}

/// Reads only the system of [`encode`]'s bytes (it is encoded first, `LoadedRunDef` here; the
/// settings after it are left unread): all the page needs to play a run back, without the
/// settings' readers in its module. Errors: the bytes do not start with a whole system.
pub fn decode_system(bytes: &[u8]) -> Result<System, LoadedWireError> {
    postcard::take_from_bytes::<System>(bytes).map(|(system, _)| system).map_err(|e| LoadedWireError(e.to_string()))
}

/// The order of the fields is the bytes' order: [`decode_system`] relies on the system first.
#[derive(Serialize, Deserialize)]
#[serde(remote = "LoadedRun")]
struct LoadedRunDef {
    system: System,
    #[serde(with = "MachineSpecDef")]
    machine: MachineSpec,
    #[serde(with = "SchedulerSpecDef")]
    scheduler: SchedulerSpec,
    limits: Limits,
    seed: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "MachineSpec")]
struct MachineSpecDef {
    cpus: u32,
    thread_switch_ticks: Ticks,
    process_switch_ticks: Ticks,
    #[serde(with = "cache")]
    cache: Option<CacheSpec>,
    thread_create_ticks: Ticks,
    fork_ticks: Ticks,
    spawn_ticks: Ticks,
    cow_copy_ticks: Ticks,
    page_bytes: u64,
    max_processes: u32,
}

// `Option<CacheSpec>` through [`CacheSpecDef`].
option_of!(cache, CacheSpec, CacheSpecDef, "CacheSpecDef");

#[derive(Serialize, Deserialize)]
#[serde(remote = "CacheSpec")]
struct CacheSpecDef {
    size_kb: u64,
    warmup_ticks: Ticks,
    warm_speedup: u64,
    oversized_flushes: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "SchedulerSpec")]
struct SchedulerSpecDef {
    #[serde(with = "PolicyParamsDef")]
    params: PolicyParams,
    #[serde(with = "QueuesDef")]
    queues: Queues,
    steal_victim: VictimSpec,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Queues")]
enum QueuesDef {
    Global,
    PerCpu { steal_every: Option<Ticks> },
}

/// One variant per policy, in the order of the `policies!` list (a policy missing here is a
/// build error).
#[derive(Serialize, Deserialize)]
#[serde(remote = "PolicyParams")]
enum PolicyParamsDef {
    Fcfs(FcfsSpec),
    RoundRobin(RoundRobinSpec),
    Sjf(#[serde(with = "SjfSpecDef")] SjfSpec),
    Srtf(#[serde(with = "SrtfSpecDef")] SrtfSpec),
    Priority(#[serde(with = "PrioritySpecDef")] PrioritySpec),
    Mlfq(MlfqSpec),
    Lottery(#[serde(with = "LotterySpecDef")] LotterySpec),
    Stride(StrideSpec),
    Cfs(#[serde(with = "CfsSpecDef")] CfsSpec),
    ProcessRun(ProcessRunSpec),
    TickRr(TickRrSpec),
    Scripted(#[serde(with = "ScriptedSpecDef")] ScriptedSpec),
    X86(#[serde(with = "X86SpecDef")] crate::model::scheduler::X86Spec),
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "crate::model::scheduler::X86Spec")]
struct X86SpecDef {
    interval: Ticks,
    random_seed: Option<u64>,
    #[serde(with = "ScheduleDef")]
    schedule: Schedule,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "SjfSpec")]
struct SjfSpecDef {
    estimate: Option<EstimateSpec>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "SrtfSpec")]
struct SrtfSpecDef {
    preempt_on_equal: bool,
    estimate: Option<EstimateSpec>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "PrioritySpec")]
struct PrioritySpecDef {
    preemptive: bool,
    most_urgent: MostUrgent,
    quantum: Option<Ticks>,
    aging: Option<AgingSpec>,
    tie: TieRule,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "LotterySpec")]
struct LotterySpecDef {
    quantum: Ticks,
    draw: DrawSpec,
    full_quantum: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "CfsSpec")]
struct CfsSpecDef {
    target_latency: Ticks,
    min_granularity: Ticks,
    wakeup_granularity: Ticks,
    start_debit: bool,
    sleeper_credit: Option<Ticks>,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ScriptedSpec")]
struct ScriptedSpecDef {
    #[serde(with = "ScheduleDef")]
    schedule: Schedule,
}

/// The schedule's entries as numbers, not its text form (which its own serde writes and which
/// would need the schedule parser on the worker's side).
#[derive(Serialize, Deserialize)]
#[serde(remote = "Schedule")]
struct ScheduleDef {
    entries: Vec<ThreadId>,
}
