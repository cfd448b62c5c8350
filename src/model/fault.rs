//! The runtime errors a program can make (a fault stops the run, located at the faulting line):
//! what it did wrong, in words. The interpreter and the synchronisation steps return them in an
//! effect ([`super::interpreter::Flow::Fault`]).

use super::program::{CondId, MutexId, ProgramId, RwId, SemId, SpinId};
use super::sync::names::ObjectKind;
use super::sync::{Busy, JoinError};
use super::system::System;
use super::{ProcessId, ThreadId};

/// Something illegal a program did, which stops the run with a runtime error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// `unlock` of a mutex the thread does not hold; `owner` holds it (`None`: nobody).
    UnlockNotHeld {
        /// The mutex.
        mutex: MutexId,
        /// Its owner.
        owner: Option<ThreadId>,
    },
    /// `cond_wait` with a mutex the thread does not hold; `owner` holds it (`None`: nobody).
    CondWaitNotHeld {
        /// The condition variable.
        cond: CondId,
        /// The mutex named.
        mutex: MutexId,
        /// Its owner.
        owner: Option<ThreadId>,
    },
    /// `spin_unlock` of a spin lock the thread does not hold; `owner` holds it (`None`: nobody).
    SpinUnlockNotHeld {
        /// The spin lock.
        lock: SpinId,
        /// Its owner.
        owner: Option<ThreadId>,
    },
    /// `spin_lock` of a spin lock the thread already holds: it would spin for ever.
    SpinRelock {
        /// The spin lock.
        lock: SpinId,
    },
    /// `read_unlock` or `write_unlock` of a read-write lock the thread does not hold that way.
    RwUnlockNotHeld {
        /// The read-write lock.
        lock: RwId,
        /// Whether it was `write_unlock`.
        write: bool,
        /// Its writer, if any.
        writer: Option<ThreadId>,
        /// How many threads hold it for reading.
        readers: u32,
    },
    /// `read_lock` or `write_lock` of a read-write lock the thread already holds.
    RwRelock {
        /// The read-write lock.
        lock: RwId,
        /// Whether it was `write_lock`.
        write: bool,
    },
    /// `destroy` of an object that is held or waited on, or already destroyed.
    DestroyBusy {
        /// The object's kind.
        kind: ObjectKind,
        /// Its id.
        id: usize,
        /// What keeps it from being destroyed.
        busy: Busy,
    },
    /// An instruction used an object after its `destroy`.
    UseAfterDestroy {
        /// The object's kind.
        kind: ObjectKind,
        /// Its id.
        id: usize,
    },
    /// `create` of a program with no `"start": "created"` thread left to start running it.
    NoThreadToCreate {
        /// The program.
        program: ProgramId,
    },
    /// A `join` POSIX refuses (see [`crate::model::sync::join`]).
    JoinRefused {
        /// Why.
        error: JoinError,
    },
    /// `sem_post` on a bounded semaphore already at its `max`.
    PostFull {
        /// The semaphore.
        sem: SemId,
        /// Its bound.
        max: u64,
    },
    /// `wait` in a process with no child left to wait for (POSIX `wait`: ECHILD).
    NoChild {
        /// Children it had, all reaped already.
        reaped: u32,
    },
    /// `fork` or `spawn` with `machine.max_processes` processes alive already.
    ProcessLimit {
        /// The limit.
        max: u32,
        /// Whether it was a `spawn` (else a `fork`).
        spawn: bool,
    },
    /// An x86.py instruction addressed a cell below 0.
    X86Address {
        /// The address computed.
        address: i64,
    },
    /// An x86.py `ret` found an address before the program's first instruction.
    X86Return {
        /// The address popped.
        address: i64,
    },
}

impl Fault {
    /// What the program did wrong, for people (`pid`: the faulting thread's process).
    pub fn message(&self, sys: &System, pid: ProcessId) -> String {
        match *self {
            Fault::UnlockNotHeld { mutex, owner } => {
                let holder = match owner {
                    Some(o) => format!("it is held by {}", sys.thread_label(o)),
                    None => "it is not locked".into(),
                };
                let name = &sys.processes[pid].mutexes[mutex];
                format!("unlock of mutex `{name}`, which this thread does not hold ({holder})")
            }
            Fault::CondWaitNotHeld { cond, mutex, owner } => {
                let p = &sys.processes[pid];
                let holder = match owner {
                    Some(o) => format!("it is held by {}", sys.thread_label(o)),
                    None => "it is not locked".into(),
                };
                format!(
                    "cond_wait on condition variable `{}` with mutex `{m}`, which this thread does not hold ({holder}): \
                     take it first with `lock {m}`",
                    p.objects.name(ObjectKind::Condvar, cond),
                    m = p.mutexes[mutex]
                )
            }
            Fault::SpinUnlockNotHeld { lock, owner } => {
                let holder = match owner {
                    Some(o) => format!("it is held by {}", sys.thread_label(o)),
                    None => "it is not locked".into(),
                };
                let name = sys.processes[pid].objects.name(ObjectKind::Spinlock, lock);
                format!("spin_unlock of spin lock `{name}`, which this thread does not hold ({holder})")
            }
            Fault::SpinRelock { lock } => {
                let name = sys.processes[pid].objects.name(ObjectKind::Spinlock, lock);
                format!("spin_lock of spin lock `{name}`, which this thread already holds: it would spin for ever")
            }
            Fault::RwUnlockNotHeld { lock, write, writer, readers } => {
                let name = sys.processes[pid].objects.name(ObjectKind::RwLock, lock);
                let (op, how) = if write { ("write_unlock", "for writing") } else { ("read_unlock", "for reading") };
                let state = match (writer, readers) {
                    (Some(w), _) => format!("it is held for writing by {}", sys.thread_label(w)),
                    (None, 0) => "it is not locked".into(),
                    (None, 1) => "1 other thread holds it for reading".into(),
                    (None, n) => format!("{n} other threads hold it for reading"),
                };
                format!("{op} of read-write lock `{name}`, which this thread does not hold {how} ({state})")
            }
            Fault::RwRelock { lock, write } => {
                let name = sys.processes[pid].objects.name(ObjectKind::RwLock, lock);
                let op = if write { "write_lock" } else { "read_lock" };
                format!(
                    "{op} of read-write lock `{name}`, which this thread already holds: release it first (a thread \
                     takes a read-write lock once, to read or to write)"
                )
            }
            Fault::DestroyBusy { kind, id, busy } => {
                let name = object_name(sys, pid, kind, id);
                let why = match busy {
                    Busy::Held { by, others: 0 } => format!(" while {} holds it", sys.thread_label(by)),
                    Busy::Held { by, others } => format!(" while {} and {others} more hold it", sys.thread_label(by)),
                    Busy::Waited { waiters: 1 } => " while a thread waits on it".into(),
                    Busy::Waited { waiters } => format!(" while {waiters} threads wait on it"),
                    Busy::Destroyed => ", which is already destroyed".into(),
                };
                format!("destroy of {} `{name}`{why}", kind.word())
            }
            Fault::UseAfterDestroy { kind, id } => {
                format!("use of {} `{}` after it was destroyed", kind.word(), object_name(sys, pid, kind, id))
            }
            Fault::NoThreadToCreate { program } => {
                let p = &sys.processes[pid];
                let name = p.objects.programs.get(program).map_or("?", String::as_str);
                let slots = (p.threads.iter().zip(&p.created)).filter(|(_, s)| **s == Some(program)).count();
                let declared = match slots {
                    0 => "this process declares none".to_string(),
                    1 => "this process declares 1, already started".to_string(),
                    n => format!("this process declares {n}, all started"),
                };
                format!(
                    "no thread left to create running `{name}`: declare more threads with \"start\": \"created\" and \
                     \"program\": \"{name}\" ({declared})"
                )
            }
            Fault::JoinRefused { error } => match error {
                JoinError::Itself => "join of this thread itself: it would wait for its own exit for ever (POSIX \
                                      pthread_join: EDEADLK)"
                    .into(),
                JoinError::NoSuchThread { value } => format!(
                    "join of thread id {value}, which is no thread of this process: join the id `create` put in a \
                     register (POSIX pthread_join: ESRCH)"
                ),
                JoinError::NotCreated { tid } => format!(
                    "join of {}, which no `create` has started yet (POSIX pthread_join: ESRCH)",
                    sys.thread_label(tid)
                ),
                JoinError::AlreadyJoined { tid, by } => format!(
                    "join of {}, which {} has joined or is joining already: a thread is joined once (POSIX \
                     pthread_join: EINVAL)",
                    sys.thread_label(tid),
                    sys.thread_label(by)
                ),
            },
            Fault::NoChild { reaped } => {
                let had = match reaped {
                    0 => "it has never had one".to_string(),
                    1 => "its one child was reaped already".to_string(),
                    n => format!("its {n} children were reaped already"),
                };
                format!(
                    "wait with no child process to wait for: {had}; `wait` waits for a child from `fork` or `spawn` \
                     (POSIX wait: ECHILD)"
                )
            }
            Fault::ProcessLimit { max, spawn } => format!(
                "{} with {max} processes alive, the most `machine.max_processes` allows: a `fork` in a loop \
                 doubles the processes each round (a fork bomb); stop the loop in the child, or raise the limit \
                 (Linux: EAGAIN)",
                if spawn { "spawn" } else { "fork" }
            ),
            Fault::X86Address { address } => {
                format!("access to memory address {address}: memory is numbered from 0")
            }
            Fault::X86Return { address } => {
                format!(
                    "ret to address {address}, before the program's first instruction: the stack held no return address"
                )
            }
            Fault::PostFull { sem, max } => {
                let name = sys.processes[pid].objects.name(ObjectKind::Semaphore, sem);
                format!("post on semaphore `{name}`, already at its `max` of {max}: a bounded semaphore goes no higher")
            }
        }
    }
}

/// The name of object `id` of `kind` in process `pid`.
fn object_name(sys: &System, pid: ProcessId, kind: ObjectKind, id: usize) -> &str {
    let p = &sys.processes[pid];
    match kind {
        ObjectKind::Mutex => &p.mutexes[id],
        _ => p.objects.name(kind, id),
    }
}
