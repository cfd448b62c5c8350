//! What a blocked thread waits for: one type for every kind of waiting.
//!
//! Each blocked thread keeps a [`Wait`] record (reason and since when). The deadlock report, the
//! trace's causes, the snapshot and the thread table all read this record, so a new primitive
//! adds a variant here (and its file under `sync/`), not fields across the model.

use serde::Serialize;

use super::program::{BarrierId, ChanId, CondId, MutexId, RwId, SemId};
use super::sync::names::ObjectKind;
use super::system::System;
use super::{ProcessId, ThreadId, Ticks};

/// Why a thread is blocked. Objects are named by their index in the thread's own process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "on")]
pub enum WaitReason {
    /// Blocking I/O (`io N`), which completes at `until`.
    Io {
        /// When the I/O completes, in ticks.
        until: Ticks,
    },
    /// A mutex held by another thread (`lock m`); the thread waits in its FIFO queue.
    Mutex {
        /// The mutex, in the thread's process.
        mutex: MutexId,
    },
    /// A semaphore at 0 (`sem_wait s`); the thread waits in its FIFO queue for a post.
    Semaphore {
        /// The semaphore, in the thread's process.
        sem: SemId,
    },
    /// A read-write lock held in a way that excludes the thread (`read_lock l` while a writer
    /// holds it, or a writer waits and writers are preferred; `write_lock l` while anyone holds
    /// it).
    RwLock {
        /// The read-write lock, in the thread's process.
        lock: RwId,
        /// Whether the thread waits to write (else to read).
        write: bool,
    },
    /// Arrived at a barrier (`barrier b`) that is waiting for more threads.
    Barrier {
        /// The barrier, in the thread's process.
        barrier: BarrierId,
    },
    /// Asleep on a condition variable (`cond_wait c, m`, its mutex released) until a signal or
    /// a broadcast. Woken, the thread's `cond_wait` does not complete: it runs again to re-take
    /// the mutex ([`WaitReason::completes_on_wake`]).
    Condvar {
        /// The condition variable, in the thread's process.
        cond: CondId,
    },
    /// Joining a thread of its process that has not exited (`join rX`, POSIX `pthread_join`).
    /// Woken by the exit, the `join` runs again to take the exit value
    /// ([`WaitReason::completes_on_wake`]; [`super::sync::join`]).
    Join {
        /// The thread waited for.
        thread: ThreadId,
    },
    /// In `wait rX` until a child process ends (POSIX `wait`). Woken by the end, the `wait`
    /// runs again to reap the child ([`WaitReason::completes_on_wake`]; [`super::procs`]).
    Child,
    /// In `send` to a full channel (`send`: true) or `recv` from an empty one (false)
    /// ([`super::sync::Channel`]). Woken by a `recv` (room) or a `send` (a message), the
    /// instruction runs again ([`WaitReason::completes_on_wake`]).
    Channel {
        /// The channel, in the scenario's table.
        ch: ChanId,
        /// Whether the thread waits to send (else to receive).
        send: bool,
    },
}

/// Which per-thread wait total a wait adds to (see [`super::metrics::ThreadMetrics`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitClass {
    /// Counted in `io_time`.
    Io,
    /// Waiting on a synchronisation primitive, or in a `join` for a thread's exit: counted in
    /// `lock_wait` (the page's "sync wait").
    Sync,
}

impl WaitReason {
    /// The total this wait adds to.
    pub fn class(&self) -> WaitClass {
        match self {
            WaitReason::Io { .. } => WaitClass::Io,
            WaitReason::Mutex { .. }
            | WaitReason::Semaphore { .. }
            | WaitReason::Condvar { .. }
            | WaitReason::Barrier { .. }
            | WaitReason::RwLock { .. }
            | WaitReason::Join { .. }
            | WaitReason::Child
            | WaitReason::Channel { .. } => WaitClass::Sync,
        }
    }

    /// Whether the blocking instruction completes when the wait ends (the thread then goes on
    /// at PC + 1). A condition variable's signal does not complete `cond_wait`: the woken thread
    /// runs it again to re-take the mutex (Mesa semantics: [`super::sync::Condvar`]); a woken
    /// `join` runs again to take the exit value.
    pub fn completes_on_wake(&self) -> bool {
        !matches!(
            self,
            WaitReason::Condvar { .. } | WaitReason::Join { .. } | WaitReason::Child | WaitReason::Channel { .. }
        )
    }

    /// What is waited for, for people: "I/O until t=12", "mutex `m`", "semaphore `s`",
    /// "read-write lock `l` to write", "thread `w1` to exit".
    pub fn describe(&self, sys: &System, pid: ProcessId) -> String {
        self.describe_named(sys, pid, None)
    }

    /// [`WaitReason::describe`], the object called `name` if given instead of by its name in
    /// process `pid` (the wait-for graph names a fork's copy as its node: `app.1/log`).
    pub fn describe_named(&self, sys: &System, pid: ProcessId, name: Option<&str>) -> String {
        let mode = match self {
            WaitReason::RwLock { write: true, .. } => " to write",
            WaitReason::RwLock { write: false, .. } => " to read",
            WaitReason::Join { .. } => " to exit",
            WaitReason::Channel { send: true, .. } => " to have room",
            WaitReason::Channel { send: false, .. } => " for a message",
            _ => "",
        };
        if let WaitReason::Child = self {
            return "a child process to end".into();
        }
        match self.object(sys, pid) {
            Some((kind, own)) => format!("{kind} `{}`{mode}", name.unwrap_or(&own)),
            None => match *self {
                WaitReason::Io { until } => format!("I/O until t={until}"),
                _ => unreachable!("every wait but I/O names an object"),
            },
        }
    }

    /// What the holder of the waited-for object must do to end the wait ("unlocking").
    pub fn release_verb(&self) -> &'static str {
        match self {
            WaitReason::Io { .. } => "completing",
            WaitReason::Mutex { .. } | WaitReason::RwLock { .. } => "unlocking",
            WaitReason::Semaphore { .. } => "posting",
            WaitReason::Condvar { .. } => "signalling",
            WaitReason::Barrier { .. } => "arriving",
            WaitReason::Join { .. } | WaitReason::Child => "exiting",
            WaitReason::Channel { send: true, .. } => "receiving",
            WaitReason::Channel { send: false, .. } => "sending",
        }
    }

    /// For a wait on an object nobody holds, why no thread is named, for the deadlock report
    /// (every thread left is blocked, so none can end the wait); `None` for objects with a
    /// holder.
    pub fn unheld(&self, sys: &System, pid: ProcessId) -> Option<String> {
        Some(match *self {
            WaitReason::Io { .. }
            | WaitReason::Mutex { .. }
            | WaitReason::RwLock { .. }
            | WaitReason::Join { .. }
            | WaitReason::Child => {
                return None;
            }
            WaitReason::Semaphore { .. } => {
                "a semaphore has no holder: any thread may post it, and no thread left can run to post".into()
            }
            WaitReason::Condvar { .. } => "a condition variable has no holder: any thread may signal it, and no \
                                           thread left can run to signal; a signal sent before the wait is not \
                                           remembered"
                .into(),
            WaitReason::Barrier { barrier } => format!(
                "a barrier has no holder: it opens when {} threads have arrived, and no thread left can run to arrive",
                sys.processes[pid].settings.barriers[barrier]
            ),
            WaitReason::Channel { ch, send } => channel_unheld(sys, ch, send, &|_| false),
        })
    }

    /// The waited-for object as a (kind, name) pair for reports, e.g. `("mutex", "m")`,
    /// `("thread", "w1")` for a join; `None` for I/O, which names no object.
    pub fn object(&self, sys: &System, pid: ProcessId) -> Option<(&'static str, String)> {
        let p = &sys.processes[pid];
        let (kind, id) = match *self {
            WaitReason::Io { .. } => return None,
            WaitReason::Mutex { mutex } => return Some(("mutex", p.mutexes[mutex].clone())),
            WaitReason::Join { thread } => return Some(("thread", sys.threads[thread].name.clone())),
            WaitReason::Child => return Some(("child", "any".into())),
            WaitReason::Semaphore { sem } => (ObjectKind::Semaphore, sem),
            WaitReason::Condvar { cond } => (ObjectKind::Condvar, cond),
            WaitReason::Barrier { barrier } => (ObjectKind::Barrier, barrier),
            WaitReason::RwLock { lock, .. } => (ObjectKind::RwLock, lock),
            WaitReason::Channel { ch, .. } => (ObjectKind::Channel, ch),
        };
        Some((kind.word(), p.objects.name(kind, id).to_string()))
    }
}

/// Why nobody can end a wait on channel `ch` (to send if `send`, else to receive), for the
/// deadlock report: the threads whose programs receive (or send) on it, each marked exited or
/// blocked (`terminated` says which have exited), e.g. "a channel has no holder: any thread may
/// send on it, and no thread left can run to send (its senders: pc/producer, exited)".
pub fn channel_unheld(
    sys: &System,
    ch: super::program::ChanId,
    send: bool,
    terminated: &dyn Fn(ThreadId) -> bool,
) -> String {
    let (verb, doers) = if send { ("receive", "receivers") } else { ("send", "senders") };
    let users = sys.channel_users(ch, !send);
    let who = match users.is_empty() {
        true => format!("no thread's program {verb}s on it"),
        false => {
            let all_exited = users.iter().all(|&t| terminated(t));
            let names: Vec<String> = (users.iter())
                .map(|&t| format!("{}, {}", sys.thread_label(t), if terminated(t) { "exited" } else { "blocked" }))
                .collect();
            let all = if all_exited { "all exited: " } else { "" };
            format!("its {doers} {all}{}", names.join("; "))
        }
    };
    format!("a channel has no holder: any thread may {verb} on it, and no thread left can run to {verb} ({who})")
}

/// A blocked thread's record: why, and since when (ticks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Wait {
    /// What it waits for.
    pub reason: WaitReason,
    /// When it started waiting, in ticks.
    pub since: Ticks,
}
