//! Processes at run time: `fork`, `spawn` and `wait`, the process table that grows with them,
//! and the process limit.
//!
//! The scenario declares the processes that exist at the start. A running thread adds one:
//! - `fork rX` (POSIX `fork`): a child that is a copy of its process. Its variables start as
//!   copies of the parent's values, its memory pages are the parent's, shared copy-on-write
//!   ([`super::pages`]), and it has **one** thread: a copy of the caller (same registers, PC
//!   after the `fork`), with `rX` = 0, while the parent's `rX` gets the child's pid. Only the
//!   calling thread is copied (POSIX: "the child process shall be created with a single
//!   thread"): the synchronisation objects are copied as they are, so a lock another thread of
//!   the parent held stays held in the child by a thread that does not exist there, and a child
//!   that takes it waits for ever (the deadlock report says so). A lock the caller held is held
//!   by its copy. A mutex of a shared-memory segment the process maps ([`super::ipc`]) is not
//!   copied: it lives in memory both processes map (a `PTHREAD_PROCESS_SHARED` mutex), so it is
//!   the same mutex in the child, with the same owner and waiters: the caller keeps it, and a
//!   child that takes it waits until the caller unlocks it ([`forked_owner`]).
//! - `spawn rX, P` (POSIX `posix_spawn` of the same executable): a fresh process running program
//!   `P` of the caller's process from its first line, with the variables at their declared values
//!   and fresh synchronisation objects; `rX` gets its pid.
//! - `wait rX` (POSIX `wait`): waits for any child of the process to end, then reaps it: `rX`
//!   gets its exit value, the value of the last of its threads to exit. A child that ended before
//!   the `wait` is a zombie until reaped; the earliest ended is reaped first. With no child left
//!   (none, or all reaped) the `wait` is a runtime error, POSIX's ECHILD.
//!
//! A process ends when its last started thread exits (`exit` ends one thread, as
//! `pthread_exit`); its memory is then released. A new process gets the next pid (the table
//! grows: a `fork` in a loop makes as many as it runs), and the new thread the next tid; names
//! are the parent's (fork) or the program's (spawn) with the pid: `main.2`, `worker.3`. At most
//! `machine.max_processes` may be alive at once: a `fork` or `spawn` past it is a runtime error,
//! so a fork bomb stops with a clear message (Linux returns EAGAIN there).
//!
//! [`Born`] describes each new process for [`super::System::grow`]; the page, which loaded the
//! scenario itself, grows its system the same way from the trace's
//! [`super::trace::What::NewProcess`] events ([`super::System::grow_from_trace`]).

use std::collections::VecDeque;

use serde::Serialize;

use super::ipc::Sharing;
use super::program::{ProgramId, Reg};
use super::sync::{Lives, ProcessSync};
use super::{ProcessId, ThreadId, Ticks};

/// A process instruction, which the event loop carries out (it needs the process table).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcOp {
    /// `fork rX`.
    Fork {
        /// Register that gets 0 in the child, the child's pid in the parent.
        reg: Reg,
    },
    /// `spawn rX, P`.
    Spawn {
        /// Register that gets the new process's pid.
        reg: Reg,
        /// Its program, in the caller's process's table.
        program: u32,
    },
    /// `wait rX`.
    Wait {
        /// Register that gets the child's exit value.
        reg: Reg,
    },
}

/// How a process came to be (it travels to the page as a number: `crate::messaging::wire`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Declared in the scenario.
    Declared,
    /// Forked by its parent.
    Forked,
    /// Spawned by its parent running one of the parent's programs.
    Spawned {
        /// The program, in the parent's table.
        program: ProgramId,
    },
}

/// A process created at run time, as the system grows with it ([`super::System::grow`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Born {
    /// Its pid.
    pub pid: ProcessId,
    /// Its name.
    pub name: String,
    /// The parent process.
    pub parent: ProcessId,
    /// The parent's thread that ran the `fork` or `spawn`.
    pub by: ThreadId,
    /// Its one thread.
    pub tid: ThreadId,
    /// That thread's program, an index into [`super::System::programs`].
    pub program: usize,
    /// When it was created (the `fork` or `spawn` completed), in ticks.
    pub at: Ticks,
    /// Forked or spawned.
    pub origin: Origin,
}

impl Born {
    /// Process `child`, whose one thread is `thread`, created at `at` by thread `by` of `sys`
    /// with `fork` (`spawned` = `None`) or with `spawn` of its process's program `spawned`. Named
    /// after its parent's name before any `.` (fork) or the program (spawn), and its pid.
    pub fn of(
        sys: &super::System,
        by: ThreadId,
        child: ProcessId,
        thread: ThreadId,
        spawned: Option<ProgramId>,
        at: Ticks,
    ) -> Born {
        let parent = sys.threads[by].pid;
        let p = &sys.processes[parent];
        let (base, program, origin) = match spawned {
            None => (p.name.split('.').next().unwrap_or_default(), sys.threads[by].program, Origin::Forked),
            Some(prog) => (p.objects.programs[prog].as_str(), p.programs[prog], Origin::Spawned { program: prog }),
        };
        Born { pid: child, name: format!("{base}.{child}"), parent, by, tid: thread, program, at, origin }
    }
}

/// Where a process is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ProcState {
    /// It has a thread that has not exited (or one still to arrive).
    Alive,
    /// Its last thread exited with `value` at `at`; its parent has not reaped it.
    Zombie {
        /// The exit value.
        value: i64,
        /// When it ended, in ticks.
        at: Ticks,
    },
    /// Ended and reaped by its parent's `wait` (or ended with no parent: a declared process).
    Reaped {
        /// The exit value.
        value: i64,
        /// When it ended, in ticks.
        at: Ticks,
    },
}

/// One process in the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcRecord {
    /// Its parent; `None` for a declared process.
    pub parent: Option<ProcessId>,
    /// Its children, in creation order.
    pub children: Vec<ProcessId>,
    /// How it came to be.
    pub origin: Origin,
    /// When it was created, in ticks (a declared one: its arrival).
    pub created: Ticks,
    /// Threads started or still to arrive that have not exited.
    pub live_threads: usize,
    /// Its life.
    pub state: ProcState,
    /// Its threads blocked in `wait`, first come first.
    waiters: VecDeque<ThreadId>,
}

/// What a `wait` finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitStep {
    /// A child had ended: it is reaped, with its pid and exit value.
    Reaped {
        /// The child.
        child: ProcessId,
        /// Its exit value.
        value: i64,
    },
    /// Children are alive: the caller waits for one to end.
    MustWait,
    /// No child to wait for (ECHILD).
    NoChild,
}

/// The process table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcTable {
    /// By pid.
    pub procs: Vec<ProcRecord>,
    /// Most processes alive at once (`machine.max_processes`).
    pub max: u32,
    /// Processes alive now.
    alive: usize,
}

impl ProcTable {
    /// The declared processes, with `live[pid]` threads each that will run by themselves
    /// (created slots not counted), arriving at `arrival[pid]`.
    pub fn new(live: &[usize], arrival: &[Ticks], max: u32) -> Self {
        let procs: Vec<ProcRecord> = (live.iter().zip(arrival))
            .map(|(&n, &at)| ProcRecord {
                parent: None,
                children: Vec::new(),
                origin: Origin::Declared,
                created: at,
                live_threads: n,
                state: ProcState::Alive,
                waiters: VecDeque::new(),
            })
            .collect();
        ProcTable { alive: procs.len(), procs, max }
    }

    /// Whether one more process may be created now.
    pub fn room(&self) -> bool {
        self.alive < self.max as usize
    }

    /// The next pid.
    pub fn next_pid(&self) -> ProcessId {
        self.procs.len()
    }

    /// Adds child `pid` of `parent`, with one thread, created at `now`.
    pub fn add_child(&mut self, parent: ProcessId, origin: Origin, now: Ticks) -> ProcessId {
        let pid = self.procs.len();
        self.procs.push(ProcRecord {
            parent: Some(parent),
            children: Vec::new(),
            origin,
            created: now,
            live_threads: 1,
            state: ProcState::Alive,
            waiters: VecDeque::new(),
        });
        self.procs[parent].children.push(pid);
        self.alive += 1;
        pid
    }

    /// A thread of `pid` started by `create`.
    pub fn thread_started(&mut self, pid: ProcessId) {
        self.procs[pid].live_threads += 1;
    }

    /// A thread of `pid` exited with `value` at `now`. If it was the last, the process ends:
    /// returns `Some(waiter)`, where `waiter` is the parent's first thread blocked in `wait`
    /// (to wake), if any.
    pub fn thread_exited(&mut self, pid: ProcessId, value: i64, now: Ticks) -> Option<Option<ThreadId>> {
        let p = &mut self.procs[pid];
        p.live_threads -= 1;
        if p.live_threads > 0 {
            return None;
        }
        self.alive -= 1;
        match p.parent {
            None => {
                p.state = ProcState::Reaped { value, at: now };
                Some(None)
            }
            Some(parent) => {
                p.state = ProcState::Zombie { value, at: now };
                Some(self.procs[parent].waiters.pop_front())
            }
        }
    }

    /// Thread `tid` of `pid` runs `wait`.
    pub fn wait(&mut self, pid: ProcessId, tid: ThreadId) -> WaitStep {
        let children = &self.procs[pid].children;
        let zombie = (children.iter())
            .filter_map(|&c| match self.procs[c].state {
                ProcState::Zombie { value, at } => Some((at, c, value)),
                _ => None,
            })
            .min();
        if let Some((at, child, value)) = zombie {
            self.procs[child].state = ProcState::Reaped { value, at };
            return WaitStep::Reaped { child, value };
        }
        if children.iter().any(|&c| self.procs[c].state == ProcState::Alive) {
            self.procs[pid].waiters.push_back(tid);
            return WaitStep::MustWait;
        }
        WaitStep::NoChild
    }

    /// The children of `pid` still alive, for the deadlock report.
    pub fn alive_children(&self, pid: ProcessId) -> Vec<ProcessId> {
        (self.procs[pid].children.iter()).copied().filter(|&c| self.procs[c].state == ProcState::Alive).collect()
    }
}

/// Who holds, in a `fork`ed child whose only thread is `child_tid`, the copy of a mutex held by
/// `owner` when `caller` forked. A private mutex is copied with the address space: the caller's
/// lock is held by its copy, another thread's stays held by that thread (which does not exist in
/// the child). A `shared` segment's mutex is not copied (POSIX: only private memory is; a
/// process-shared mutex in shared memory is one object): it keeps its owner, the parent's
/// thread. The one rule for the run ([`forked_sync`]) and for the page's replay of the trace.
pub fn forked_owner(owner: Option<ThreadId>, shared: bool, caller: ThreadId, child_tid: ThreadId) -> Option<ThreadId> {
    match owner {
        Some(t) if t == caller && !shared => Some(child_tid),
        other => other,
    }
}

/// The child's synchronisation objects after `caller` forked its process `parent` (whose
/// objects are `sync`) into one whose only thread is `child_tid`: every object as it is, a
/// lock held by the caller now held by its copy, a lock held by another thread still held by
/// that thread (which does not exist in the child); no thread waits on anything (the waiters
/// were not copied), and the thread table has the one thread. A mutex of a segment `parent`
/// maps (`sharing`) is the parent's as it is, owner and waiters ([`forked_owner`]): it is one
/// lock, which the event loop keeps the same in every mapping process.
pub fn forked_sync(
    sync: &ProcessSync,
    sharing: &Sharing,
    parent: ProcessId,
    caller: ThreadId,
    child_tid: ThreadId,
) -> ProcessSync {
    let me = |t: ThreadId| if t == caller { child_tid } else { t };
    let mut s = sync.clone();
    for (id, m) in s.mutexes.iter_mut().enumerate() {
        let shared = sharing.mutex_copies(parent, id).is_some();
        m.owner = forked_owner(m.owner, shared, caller, child_tid);
        if !shared {
            m.waiters.clear();
        }
    }
    for l in &mut s.spinlocks {
        l.owner = l.owner.map(me);
    }
    for l in &mut s.rwlocks {
        l.writer = l.writer.map(me);
        for r in &mut l.readers {
            *r = me(*r);
        }
        l.waiting_readers.clear();
        l.waiting_writers.clear();
    }
    for c in &mut s.semaphores {
        c.waiters.clear();
    }
    for c in &mut s.condvars {
        c.waiters.clear();
        c.signalled.clear();
    }
    for b in &mut s.barriers {
        b.waiting.clear();
    }
    s.spins.clear();
    s.woken.clear();
    s.lives = Lives::single(child_tid);
    s
}
