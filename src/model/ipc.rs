//! What processes share, at run time: the scenario's channels, its shared-memory segments, and
//! the mutexes' priority protocol ([`super::scenario::ipc`] declares them).
//!
//! A shared segment's variable (or mutex) appears in each mapping process under its name, as one
//! of the process's own (its variables after the process's own, sorted ones; its mutexes first),
//! so programs, traces and views need nothing new. The event loop keeps the
//! copies one: after an instruction writes one copy it writes the others the same
//! ([`Mirrors::propagate`]), before any other instruction can run. Cells carry their write count,
//! so a store in one process that overwrites a store made in another is counted as a lost update,
//! as between two threads of one process.

use serde::{Deserialize, Serialize};

use super::memory::Cell;
use super::program::{Instr, MutexId, VarId};
use super::sync::{Channel, ProcessSync};
use super::trace::What;
use super::{ProcessId, ThreadId, Ticks};

/// A channel as loaded: its name, capacity and copy cost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// Its name in the scenario.
    pub name: String,
    /// The most messages it holds.
    pub capacity: u32,
    /// Ticks of copying one message, on top of `send`'s and `recv`'s 1
    /// ([`super::scenario::ChannelSpec::copy_ticks`]).
    pub copy_ticks: Ticks,
}

/// What the processes of a run share.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    /// The channels, in name order: a channel's id indexes here.
    pub channels: Vec<ChannelInfo>,
    /// Each shared variable's copies, one per mapping process, as (pid, variable id there).
    pub variables: Vec<Vec<(ProcessId, VarId)>>,
    /// Each shared mutex's copies, one per mapping process, as (pid, mutex id there).
    pub mutexes: Vec<Vec<(ProcessId, MutexId)>>,
    /// Whether mutexes use priority inheritance ([`super::scenario::MutexProtocol::Inherit`]).
    pub inherit: bool,
}

impl Sharing {
    /// The copies, one per mapping process, of variable `var` of process `pid` if it is a shared
    /// segment's (as (pid, variable id there), the first mapping process first); `None` if the
    /// variable is the process's own.
    pub fn var_copies(&self, pid: ProcessId, var: VarId) -> Option<&[(ProcessId, VarId)]> {
        self.variables.iter().find(|c| c.contains(&(pid, var))).map(Vec::as_slice)
    }

    /// [`Sharing::var_copies`] for mutex `mutex` of process `pid`.
    pub fn mutex_copies(&self, pid: ProcessId, mutex: MutexId) -> Option<&[(ProcessId, MutexId)]> {
        self.mutexes.iter().find(|c| c.contains(&(pid, mutex))).map(Vec::as_slice)
    }

    /// A `fork`ed `child` maps the segments its `parent` maps, at the same variables and
    /// mutexes (the child's tables are copies of the parent's): as in POSIX, a `MAP_SHARED`
    /// mapping stays shared across `fork`, so parent and child race on it like two processes that
    /// mapped it by name. (A spawned process starts from the declared values, mapping nothing
    /// new.)
    pub fn inherit_mappings(&mut self, parent: ProcessId, child: ProcessId) {
        for copies in self.variables.iter_mut() {
            if let Some(&(_, var)) = copies.iter().find(|&&(pid, _)| pid == parent) {
                copies.push((child, var));
            }
        }
        for copies in self.mutexes.iter_mut() {
            if let Some(&(_, mutex)) = copies.iter().find(|&&(pid, _)| pid == parent) {
                copies.push((child, mutex));
            }
        }
    }
}

/// Lookup tables the event loop builds from [`Sharing`]: which group a process's variable or
/// mutex belongs to, if it is shared.
#[derive(Clone, Debug, Default)]
pub struct Mirrors {
    /// `var_group[pid][var]`: the index in [`Sharing::variables`], if shared.
    var_group: Vec<Vec<Option<u32>>>,
    /// `mutex_group[pid][mutex]`: the index in [`Sharing::mutexes`], if shared.
    mutex_group: Vec<Vec<Option<u32>>>,
    /// Whether process `pid` maps any segment.
    maps: Vec<bool>,
}

impl Mirrors {
    /// The tables for the system's processes as they stand (rebuilt when `fork` adds one).
    pub fn of(sys: &super::System) -> Self {
        Mirrors::new(
            &sys.sharing,
            &sys.processes.iter().map(|p| p.space.variables.len()).collect::<Vec<_>>(),
            &sys.processes.iter().map(|p| p.mutexes.len()).collect::<Vec<_>>(),
        )
    }

    /// The tables for `sharing` over processes with `vars[pid]` variables and `mutexes[pid]`
    /// mutexes.
    pub fn new(sharing: &Sharing, vars: &[usize], mutexes: &[usize]) -> Self {
        let mut m = Mirrors {
            var_group: vars.iter().map(|&n| vec![None; n]).collect(),
            mutex_group: mutexes.iter().map(|&n| vec![None; n]).collect(),
            maps: vec![false; vars.len()],
        };
        for (g, copies) in sharing.variables.iter().enumerate() {
            for &(pid, var) in copies {
                m.var_group[pid][var] = Some(g as u32);
                m.maps[pid] = true;
            }
        }
        for (g, copies) in sharing.mutexes.iter().enumerate() {
            for &(pid, mutex) in copies {
                m.mutex_group[pid][mutex] = Some(g as u32);
                m.maps[pid] = true;
            }
        }
        m
    }

    /// Whether variable `var` of process `pid` is a shared segment's: its page is mapped shared
    /// (`MAP_SHARED`), so a write after `fork` changes it in place, never copying it.
    pub fn shares_var(&self, pid: ProcessId, var: VarId) -> bool {
        self.var_group.get(pid).and_then(|vars| vars.get(var)).is_some_and(Option::is_some)
    }

    /// Whether process `pid` maps a segment (only then is [`Mirrors::propagate`] needed).
    #[inline]
    pub fn maps(&self, pid: ProcessId) -> bool {
        self.maps.get(pid).copied().unwrap_or(false)
    }

    /// After `instr`, run by thread `tid` of process `pid`, copies what it changed in a shared
    /// variable or mutex to the other mapping processes, and returns the trace events of those
    /// copies (a store seen in each process that maps the variable).
    pub fn propagate(
        &self,
        sharing: &Sharing,
        pid: ProcessId,
        tid: ThreadId,
        instr: &Instr,
        memory: &mut [Vec<Cell>],
        sync: &mut [ProcessSync],
    ) -> Vec<What> {
        let mut out = Vec::new();
        let var = match *instr {
            Instr::Store { var, .. }
            | Instr::FetchAdd { var, .. }
            | Instr::Xchg { var, .. }
            | Instr::Cas { var, .. } => Some(var),
            _ => None,
        };
        if let Some(var) = var
            && let Some(g) = self.var_group[pid][var]
        {
            let cell = memory[pid][var];
            for &(p, v) in &sharing.variables[g as usize] {
                if p != pid && memory[p][v] != cell {
                    let lost = cell.lost().saturating_sub(memory[p][v].lost()).min(u64::from(u32::MAX)) as u32;
                    memory[p][v] = cell;
                    out.push(What::Mem { pid: p, var: v, value: cell.value, tid, lost });
                }
            }
        }
        let mutex = match *instr {
            Instr::Lock { mutex } | Instr::Unlock { mutex } | Instr::CondWait { mutex, .. } => Some(mutex),
            Instr::Destroy { kind: super::sync::names::ObjectKind::Mutex, id } => Some(id),
            _ => None,
        };
        if let Some(mutex) = mutex
            && let Some(g) = self.mutex_group[pid].get(mutex).copied().flatten()
        {
            let state = sync[pid].mutexes[mutex].clone();
            for &(p, m) in &sharing.mutexes[g as usize] {
                if p != pid {
                    if sync[p].mutexes[m].owner != state.owner {
                        out.push(What::Mutex { pid: p, mutex: m, owner: state.owner });
                    }
                    sync[p].mutexes[m] = state.clone();
                }
            }
        }
        out
    }
}

/// The channels at the start of a run: all empty.
pub fn channels(sharing: &Sharing) -> Vec<Channel> {
    sharing.channels.iter().map(|c| Channel::new(c.capacity as usize)).collect()
}
