//! How a run ended, and the deadlock report built from the threads' wait records.

use serde::Serialize;

use super::sync::ProcessSync;
use super::system::System;
use super::wait::{Wait, WaitReason};
use super::{ProcessId, ThreadId, Ticks};

/// How a run ended.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Outcome {
    /// Every thread terminated, each declared thread having started.
    Completed,
    /// Every thread that started terminated, but some `"start": "created"` slots were never
    /// started: no `create` reached them. In JSON its `kind` is `completed`, as
    /// [`Outcome::Completed`]'s, with the slots listed in `never_created`.
    #[serde(rename = "completed")]
    CompletedUncreated {
        /// The slots never created, `process/thread`, in tid order (never empty).
        never_created: Vec<String>,
    },
    /// Every remaining thread is blocked and nothing can wake them.
    Deadlock {
        /// Time of the last event before no thread could progress, in ticks.
        time: Ticks,
        /// Each thread stuck waiting on a synchronisation object, in tid order.
        waits: Vec<StuckThread>,
        /// Who waits for what, held by whom, for people.
        message: String,
    },
    /// The run hit `limits.max_steps` or `limits.max_time`.
    BudgetExceeded {
        /// Time of the last instant handled before stopping, in ticks.
        time: Ticks,
        /// Instructions executed when the run stopped.
        steps: u64,
        /// Which limit was hit, for people.
        message: String,
    },
    /// A program did something illegal (e.g. unlocked a mutex it does not hold).
    RuntimeError {
        /// When the faulting instruction completed, in ticks.
        time: Ticks,
        /// The faulting thread.
        tid: ThreadId,
        /// Its label, `process/thread`.
        thread: String,
        /// 1-based source line of the faulting instruction.
        line: u32,
        /// What the program did wrong.
        message: String,
    },
}

impl Outcome {
    /// The kind of the outcome, as in its JSON: `completed`, `deadlock`, `budget_exceeded` or
    /// `runtime_error`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Completed | Outcome::CompletedUncreated { .. } => "completed",
            Outcome::Deadlock { .. } => "deadlock",
            Outcome::BudgetExceeded { .. } => "budget_exceeded",
            Outcome::RuntimeError { .. } => "runtime_error",
        }
    }

    /// Whether every thread that started has finished ([`Outcome::Completed`] or
    /// [`Outcome::CompletedUncreated`]).
    pub fn is_completed(&self) -> bool {
        matches!(self, Outcome::Completed | Outcome::CompletedUncreated { .. })
    }

    /// When the run stopped before finishing, in ticks: the time of a deadlock, a budget stop or
    /// a runtime error; `None` for a completed run.
    pub fn stopped_at(&self) -> Option<Ticks> {
        match self {
            Outcome::Completed | Outcome::CompletedUncreated { .. } => None,
            Outcome::Deadlock { time, .. }
            | Outcome::BudgetExceeded { time, .. }
            | Outcome::RuntimeError { time, .. } => Some(*time),
        }
    }

    /// One sentence for people.
    pub fn message(&self) -> String {
        match self {
            Outcome::Completed => "every thread finished".into(),
            Outcome::CompletedUncreated { never_created } => {
                let (n, them) = match never_created.len() {
                    1 => ("slot was", "it"),
                    _ => ("slots were", "them"),
                };
                format!(
                    "every started thread finished, but {} thread {n} never created: {} (no `create` started {them})",
                    never_created.len(),
                    never_created.join(", ")
                )
            }
            Outcome::Deadlock { message, .. } | Outcome::BudgetExceeded { message, .. } => message.clone(),
            Outcome::RuntimeError { thread, line, message, time, .. } => {
                format!("runtime error at t={time} in {thread}, line {line}: {message}")
            }
        }
    }
}

/// One thread stuck in a deadlock: what it waits for and who could end the wait.
///
/// In JSON the object is one key named for its kind: `"mutex": "x"` (later `"semaphore"`, …).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StuckThread {
    /// The waiting thread.
    pub tid: ThreadId,
    /// Its label, `process/thread`.
    pub thread: String,
    /// The object it waits for, as `{kind: name}`.
    #[serde(flatten)]
    pub waits_for: std::collections::BTreeMap<String, String>,
    /// Thread holding the object (`None`: nobody holds it).
    pub holder: Option<String>,
    /// The holder has terminated without releasing it.
    pub holder_terminated: bool,
}

/// The deadlock report: every live thread blocked on an object, from the wait records
/// (`waits[tid]`, `None` for threads not waiting), the objects' holders (`sync[pid]`) and which
/// threads have terminated. Each wait names its object's holders, an exited one as such; the
/// message then names each cycle of waits ([`super::waitgraph::cycles`]), e.g. "a cycle: bank/a
/// waits for bank/b, which waits for bank/a".
pub(crate) fn deadlock(
    sys: &System,
    now: Ticks,
    waits: &[Option<Wait>],
    terminated: &dyn Fn(ThreadId) -> bool,
    sync: &[ProcessSync],
    children: &dyn Fn(ProcessId) -> Vec<ThreadId>,
) -> Outcome {
    let mut stuck = Vec::new();
    let mut parts = Vec::new();
    // The thread-only wait-for graph: each waiter's live holders.
    let mut succ = vec![Vec::new(); waits.len()];
    for (tid, wait) in waits.iter().enumerate() {
        let Some(wait) = wait else { continue };
        let pid = sys.threads[tid].pid;
        let Some((kind, name)) = wait.reason.object(sys, pid) else { continue };
        // Its holders (several readers may hold a read-write lock); an exited one is named first.
        let mut holders = match wait.reason {
            WaitReason::Child => children(pid),
            _ => sync[pid].holders(&wait.reason),
        };
        holders.sort_by_key(|&h| !terminated(h));
        let holder = holders.first().copied();
        let holder_terminated = holder.is_some_and(terminated);
        succ[tid] = holders.iter().copied().filter(|&h| !terminated(h)).collect();
        // A mutex of a shared-memory segment is one lock for every process that maps it: a holder
        // in another process is an ordinary holder there, not one `fork` left behind.
        let segment_lock = matches!(wait.reason, WaitReason::Mutex { mutex }
            if sys.sharing.mutexes.iter().any(|copies| copies.contains(&(pid, mutex))));
        let names: Vec<String> = (holders.iter())
            .map(|&h| match terminated(h) {
                // A lock a `fork`ed child copied, held by a thread of the parent not copied
                // (whether or not that thread has exited in the parent).
                _ if sys.threads[h].pid != pid && !matches!(wait.reason, WaitReason::Child) && !segment_lock => {
                    format!(
                        "{}, a thread that `fork` did not copy into {} (only the forking thread is copied), so \
                     nobody there can release it",
                        sys.thread_label(h),
                        sys.processes[pid].name
                    )
                }
                true => format!("{}, which exited without {}", sys.thread_label(h), wait.reason.release_verb()),
                false => sys.thread_label(h),
            })
            .collect();
        let reading =
            matches!(wait.reason, WaitReason::RwLock { lock, .. } if sync[pid].rwlocks[lock].writer.is_none());
        let by = match (names.is_empty(), reading) {
            _ if matches!(wait.reason, WaitReason::Join { .. }) => "it has not exited".into(),
            (true, _) if matches!(wait.reason, WaitReason::Child) => "no child is running".into(),
            _ if matches!(wait.reason, WaitReason::Child) => format!("its children's threads {}", names.join("; ")),
            _ if let WaitReason::Channel { ch, send } = wait.reason => {
                super::wait::channel_unheld(sys, ch, send, terminated)
            }
            (true, _) => wait.reason.unheld(sys, pid).unwrap_or_else(|| "held by nobody".into()),
            (false, true) => format!("held for reading by {}", names.join("; ")),
            (false, false) => format!("held by {}", names.join("; ")),
        };
        parts.push(format!("{} waits for {} ({by})", sys.thread_label(tid), wait.reason.describe(sys, pid)));
        stuck.push(StuckThread {
            tid,
            thread: sys.thread_label(tid),
            waits_for: [(kind.to_string(), name)].into(),
            holder: holder.map(|h| sys.thread_label(h)),
            holder_terminated,
        });
    }
    for cycle in super::waitgraph::cycles(&succ) {
        parts.push(format!("a cycle: {}", super::waitgraph::cycle_sentence(&cycle, |t| sys.thread_label(t))));
    }
    Outcome::Deadlock { time: now, message: format!("deadlock at t={now}: {}", parts.join("; ")), waits: stuck }
}
