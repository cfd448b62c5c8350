//! The loaded system: a validated scenario turned into processes, threads and parsed programs,
//! with numeric ids. The simulation runs on it; the UI reads names and program text from it.
//!
//! Its serde derives (and those of the types it holds: programs, address spaces, attributes)
//! are its binary form, the bulk of a [`super::LoadedRun`]'s bytes (postcard, see
//! `crate::messaging::loaded`): keep them plain, with no `skip_serializing_if`, `flatten`,
//! `tag` or `untagged`, which a format without field names cannot read back.

use serde::{Deserialize, Serialize};

use super::ipc::{ChannelInfo, Sharing};
use super::memory::AddressSpace;
use super::procs::{Born, Origin};
use super::program::{self, Instr, Program, ProgramId, Symbols};
use super::scenario::{Scenario, ScenarioError, ThreadStart, program_error};
use super::scheduler::{DEFAULT_TICKETS, SchedAttrs};
use super::sync::names::{ObjectNames, ObjectSettings};
use super::{ProcessId, ThreadId, Ticks};

/// A process: pid, name, address space, mutexes and its threads (the first is the main thread).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessInfo {
    /// Process id, its index in [`System::processes`].
    pub pid: ProcessId,
    /// Name from the scenario.
    pub name: String,
    /// Tick at which it is loaded.
    pub arrival: Ticks,
    /// Its address space: variables, initial and expected values, segment sizes.
    pub space: AddressSpace,
    /// Mutex names; index = [`program::MutexId`].
    pub mutexes: Vec<String>,
    /// Names of its other synchronisation objects (semaphores, condition variables, …), by kind.
    pub objects: ObjectNames,
    /// What those objects start from (a semaphore's initial value, a barrier's count, …).
    pub settings: ObjectSettings,
    /// Its threads' tids, ascending; the first is the main thread.
    pub threads: Vec<ThreadId>,
    /// For each of [`ProcessInfo::threads`], the named program it runs if it is declared with
    /// `"start": "created"` (a slot a `create` starts), else `None`.
    pub created: Vec<Option<ProgramId>>,
    /// For each of its named programs ([`ObjectNames::programs`]), its index in
    /// [`System::programs`] (what a `spawn` starts).
    pub programs: Vec<usize>,
    /// Bytes occupied at load, with the stacks of the threads that arrive by themselves (a
    /// created thread adds its stack when it starts): see [`AddressSpace::footprint_bytes`].
    pub memory_bytes: u64,
    /// The process that forked or spawned it; `None` for a declared one.
    pub parent: Option<ProcessId>,
}

/// A thread: global tid, owning process, name, arrival and program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadInfo {
    /// Global thread id, its index in [`System::threads`].
    pub tid: ThreadId,
    /// Owning process.
    pub pid: ProcessId,
    /// Name from the scenario.
    pub name: String,
    /// Tick at which it first joins the ready queue; for a created thread (`created`), its
    /// process's arrival, a placeholder: it starts when a `create` starts it.
    pub arrival: Ticks,
    /// Declared with `"start": "created"`: it does not arrive by itself, a `create` of another
    /// thread of the process starts it ([`super::sync::join`]).
    pub created: bool,
    /// Index into [`System::programs`].
    pub program: usize,
    /// The process's first thread, its main thread; none of an x86.py program's threads
    /// (x86.py starts them all alike: [`super::program::Program::start`] is set only for them).
    pub is_main: bool,
    /// Scheduling attributes: the thread's own, else its process's, else the defaults.
    pub attrs: SchedAttrs,
    /// Working set in KB for the cache-warmth model: the thread's, else its process's, else 0.
    pub working_set_kb: u64,
}

/// Everything static about a run: ids, names, programs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct System {
    /// The processes, indexed by pid.
    pub processes: Vec<ProcessInfo>,
    /// The threads of all processes, indexed by tid.
    pub threads: Vec<ThreadInfo>,
    /// Parsed programs, indexed by [`ThreadInfo::program`]; a named program is parsed once and shared.
    pub programs: Vec<Program>,
    /// What processes share: channels, shared segments' variables and mutexes, the mutex
    /// protocol ([`super::ipc`]).
    pub sharing: Sharing,
}

impl System {
    /// Validates and loads a scenario. Program errors are located at
    /// `processes[i].threads[j].code` or `processes[i].programs.NAME`, with line and column.
    pub fn load(scenario: &Scenario) -> Result<System, ScenarioError> {
        scenario.validate()?;
        let mut sys = System {
            processes: Vec::new(),
            threads: Vec::new(),
            programs: Vec::new(),
            sharing: Sharing {
                channels: (scenario.channels.iter())
                    .map(|(name, c)| ChannelInfo {
                        name: name.clone(),
                        capacity: c.capacity,
                        copy_ticks: c.copy_ticks(),
                    })
                    .collect(),
                variables: Vec::new(),
                mutexes: Vec::new(),
                inherit: scenario.mutex_protocol == super::scenario::MutexProtocol::Inherit,
            },
        };
        let params: Vec<(String, u64)> = scenario.params.iter().map(|(n, &v)| (n.clone(), v)).collect();
        for (pid, p) in scenario.processes.iter().enumerate() {
            // A shared segment's variables and mutexes come first under their names in each
            // mapping process: its variables after the process's own, its mutexes first.
            let mut space = AddressSpace::from_spec(p);
            let mut mutexes = Vec::new();
            for s in scenario.shared.values().filter(|s| s.processes.contains(&p.name)) {
                for (name, &value) in &s.variables {
                    space.variables.push(name.clone());
                    space.initial.push(value);
                    space.expected.push(s.expected.get(name).copied());
                }
                mutexes.extend(s.mutexes.iter().cloned());
            }
            let mut objects = ObjectNames {
                channels: scenario.channels.keys().cloned().collect(),
                semaphores: p.semaphores.keys().cloned().collect(),
                barriers: p.barriers.keys().cloned().collect(),
                rwlocks: p.rwlocks.keys().cloned().collect(),
                programs: p.programs.keys().cloned().collect(),
                ..ObjectNames::default()
            };
            // `destroy` may name an object a program read later uses: gather names first.
            let texts =
                || p.programs.values().chain(p.threads.iter().filter_map(|t| t.code.as_ref())).map(|t| t.text());
            if texts().any(|t| t.contains("destroy")) {
                for text in texts() {
                    let symbols = Symbols { variables: &space.variables, mutexes: &mut mutexes, params: &params };
                    program::collect_names(&text, symbols, &mut objects);
                }
            }
            // Named programs first, each parsed once and shared by the threads that run it.
            let mut named = std::collections::BTreeMap::new();
            for (name, text) in &p.programs {
                let symbols = Symbols { variables: &space.variables, mutexes: &mut mutexes, params: &params };
                let prog = program::parse_with(&text.text(), symbols, &mut objects)
                    .map_err(|e| program_error(format!("processes[{pid}].programs.{name}"), e))?;
                named.insert(name.clone(), sys.programs.len());
                sys.programs.push(prog);
            }
            let mut tids = Vec::new();
            let mut created = Vec::new();
            for (j, t) in p.threads.iter().enumerate() {
                let slot = (t.start == Some(ThreadStart::Created))
                    .then(|| t.program.as_ref().and_then(|name| objects.programs.iter().position(|n| n == name)))
                    .flatten();
                created.push(slot);
                let program = match (&t.code, &t.program) {
                    (Some(code), _) => {
                        let symbols = Symbols { variables: &space.variables, mutexes: &mut mutexes, params: &params };
                        let prog = program::parse_with(&code.text(), symbols, &mut objects)
                            .map_err(|e| program_error(format!("processes[{pid}].threads[{j}].code"), e))?;
                        sys.programs.push(prog);
                        sys.programs.len() - 1
                    }
                    (None, Some(name)) => named[name],
                    (None, None) => unreachable!("validate() requires code or program"),
                };
                let tid = sys.threads.len();
                tids.push(tid);
                sys.threads.push(ThreadInfo {
                    tid,
                    pid,
                    name: t.name.clone(),
                    arrival: t.arrival.unwrap_or(p.arrival),
                    created: slot.is_some(),
                    program,
                    // x86.py's threads are all equal: none is a process's main thread.
                    is_main: j == 0 && sys.programs[program].start.is_empty(),
                    attrs: SchedAttrs {
                        priority: t.priority.or(p.priority).unwrap_or(0),
                        nice: t.nice.or(p.nice).unwrap_or(0),
                        tickets: t.tickets.or(p.tickets).unwrap_or(DEFAULT_TICKETS),
                        expected_burst: t.expected_burst.or(p.expected_burst),
                        affinity: t.affinity.as_ref().or(p.affinity.as_ref()).map(|cpus| {
                            cpus.iter().fold(0u64, |mask, &c| mask | 1 << c) // validated: c < 64
                        }),
                    },
                    working_set_kb: t.working_set_kb.or(p.working_set_kb).unwrap_or(0),
                });
            }
            let memory_bytes = space.footprint_bytes(created.iter().filter(|s| s.is_none()).count());
            sys.processes.push(ProcessInfo {
                pid,
                name: p.name.clone(),
                arrival: p.arrival,
                space,
                mutexes,
                settings: ObjectSettings::of(&objects, p),
                objects,
                threads: tids,
                created,
                programs: named.values().copied().collect(),
                memory_bytes,
                parent: None,
            });
        }
        // Each shared variable's and mutex's copies, as (pid, id in that process).
        for s in scenario.shared.values() {
            let mapping = || sys.processes.iter().filter(|p| s.processes.contains(&p.name));
            let find = |names: &[String], name: &str| names.iter().position(|n| n == name).expect("added above");
            for name in s.variables.keys() {
                sys.sharing.variables.push(mapping().map(|p| (p.pid, find(&p.space.variables, name))).collect());
            }
            for name in &s.mutexes {
                sys.sharing.mutexes.push(mapping().map(|p| (p.pid, find(&p.mutexes, name))).collect());
            }
        }
        // `create`, `fork` and `spawn` cost what the machine says, `send` and `recv` what their
        // channel's copy does (the parser cannot know them).
        let m = &scenario.machine;
        for prog in &mut sys.programs {
            for instr in &mut prog.instrs {
                match instr {
                    Instr::Create { ticks, .. } => *ticks = m.thread_create_ticks,
                    Instr::Fork { ticks, .. } => *ticks = m.fork_ticks,
                    Instr::Spawn { ticks, .. } => *ticks = m.spawn_ticks,
                    Instr::Send { ch, ticks, .. } | Instr::Recv { ch, ticks, .. } => {
                        *ticks = sys.sharing.channels[*ch].copy_ticks;
                    }
                    _ => {}
                }
            }
        }
        Ok(sys)
    }

    /// Adds the processes `trace` records created ([`super::trace::What::NewProcess`]) that
    /// are not in the system yet: the page grows the system it loaded from the scenario so.
    pub fn grow_from_trace(&mut self, trace: &super::trace::Trace) {
        for e in &trace.events {
            if let super::trace::What::NewProcess { tid, child, thread, spawned } = e.what
                && child >= self.processes.len()
            {
                let born = Born::of(self, tid, child, thread, spawned, e.time);
                self.grow(&born);
            }
        }
    }

    /// Adds the processes of `born` not in the system yet ([`System::grow`] each, in order).
    pub fn grow_all(&mut self, born: &[Born]) {
        let have = self.processes.len();
        for b in born.iter().filter(|b| b.pid >= have) {
            self.grow(b);
        }
    }

    /// Adds a process created at run time ([`super::procs::Born`]) and its one thread: the
    /// process is declared like its parent (variables, objects, programs, segment sizes), the
    /// thread a copy of the forking thread (fork) or a main thread running the program (spawn),
    /// with the parent thread's scheduling attributes. Processes must be added in pid order.
    pub fn grow(&mut self, born: &Born) {
        debug_assert_eq!(born.pid, self.processes.len(), "processes are added in pid order");
        debug_assert_eq!(born.tid, self.threads.len(), "threads are added in tid order");
        let mut p = self.processes[born.parent].clone();
        p.pid = born.pid;
        p.name = born.name.clone();
        p.arrival = born.at;
        p.threads = vec![born.tid];
        p.created = vec![None];
        p.memory_bytes = p.space.footprint_bytes(1);
        p.parent = Some(born.parent);
        let mut t = self.threads[born.by].clone();
        if let Origin::Spawned { program } = born.origin {
            t.name = p.objects.programs.get(program).cloned().unwrap_or_default();
        }
        t.tid = born.tid;
        t.pid = born.pid;
        t.arrival = born.at;
        t.created = false;
        t.is_main = true;
        t.program = born.program;
        self.processes.push(p);
        self.threads.push(t);
        if born.origin == Origin::Forked {
            self.sharing.inherit_mappings(born.parent, born.pid);
        }
    }

    /// The program thread `tid` runs.
    pub fn program_of(&self, tid: ThreadId) -> &Program {
        &self.programs[self.threads[tid].program]
    }

    /// The threads whose programs send on channel `ch` (if `senders`, else receive from it), by
    /// tid: a started thread that runs such a program, or a created slot that would.
    pub fn channel_users(&self, ch: program::ChanId, senders: bool) -> Vec<ThreadId> {
        (self.threads.iter())
            .filter(|t| {
                self.programs[t.program].instrs.iter().any(|i| match *i {
                    Instr::Send { ch: c, .. } => senders && c == ch,
                    Instr::Recv { ch: c, .. } => !senders && c == ch,
                    _ => false,
                })
            })
            .map(|t| t.tid)
            .collect()
    }

    /// `"process/thread"`, for messages.
    pub fn thread_label(&self, tid: ThreadId) -> String {
        let t = &self.threads[tid];
        format!("{}/{}", self.processes[t.pid].name, t.name)
    }

    /// A thread's name for the page: alone ("main") when the run has one process, else with its
    /// process's ([`System::thread_label`], "a/main"), as two processes' `main`s are two threads.
    pub fn thread_name(&self, tid: ThreadId) -> String {
        match self.processes.len() {
            1 => self.threads[tid].name.clone(),
            _ => self.thread_label(tid),
        }
    }

    /// Who else sees the variables of process `pid`, for its memory box: nobody, or, for those of
    /// a shared segment it maps, the other processes that map it (one copy, one value).
    pub fn segment_note(&self, pid: ProcessId) -> String {
        let vars = &self.processes[pid].space.variables;
        let (mut shared, mut with) = (Vec::new(), Vec::new());
        for (var, name) in vars.iter().enumerate() {
            let Some(copies) = self.sharing.var_copies(pid, var) else { continue };
            shared.push(format!("`{name}`"));
            for &(other, _) in copies.iter().filter(|c| c.0 != pid) {
                let other = self.processes[other].name.as_str();
                if !with.contains(&other) {
                    with.push(other);
                }
            }
        }
        if shared.is_empty() || with.is_empty() {
            return "Other processes cannot see these variables.".into();
        }
        format!(
            "{} {} in a shared segment that {} also {}: one copy, the same value in each{}.",
            shared.join(", "),
            if shared.len() == 1 { "is" } else { "are" },
            with.join(", "),
            if with.len() == 1 { "maps" } else { "map" },
            if shared.len() == vars.len() { "" } else { "; other processes cannot see the rest" }
        )
    }
}
