//! Threads' lives within a process: which declared threads have started, their exit values, and
//! who joins whom (POSIX `pthread_create`, `pthread_exit`, `pthread_join`).
//!
//! Every thread of a process is declared in the scenario. One declared with `"start":
//! "created"` is a slot: it does not arrive by itself, and a `create rX, P` of another thread of
//! the process starts the next such slot running program `P` ([`Lives::create`]). A started
//! thread runs until it exits with a value; one other thread may then `join` it, once, and
//! receives the value ([`Lives::join`]). A join on a thread still running waits
//! ([`crate::model::wait::WaitReason::Join`]) and is woken by the exit ([`Lives::exit`]); the
//! woken `join` runs again to take the value, as a woken `cond_wait` does.
//!
//! The refusals are POSIX `pthread_join`'s errors (POSIX.1-2017, pthread_join, ERRORS; Linux
//! man-pages pthread_join(3)): EDEADLK, the thread joins itself; ESRCH, no such thread (a tid of
//! no thread of this process, or of a slot not yet created); EINVAL, not a joinable thread
//! (already joined, or another thread is already joining it: Linux's EINVAL). A cycle of joins
//! (two threads joining each other) is not refused (glibc detects only the self-join): it is a
//! deadlock, which the deadlock report names.

use crate::model::ThreadId;
use crate::model::program::ProgramId;
use crate::model::system::ProcessInfo;

/// Where a thread of the process is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Life {
    /// A `"start": "created"` slot no `create` has started yet.
    NotStarted,
    /// Started (arrived, or created) and not exited.
    Live,
    /// Exited with this value, not joined.
    Exited(i64),
    /// Exited with this value, and joined.
    Joined(i64),
}

/// What a `join` finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinStep {
    /// The thread had exited with this value: the join completes (the thread is now joined).
    Done(i64),
    /// The thread is still running: the joiner waits for its exit.
    Wait(ThreadId),
    /// The join is refused: a runtime error.
    Refused(JoinError),
}

/// Why a `join` is refused (POSIX `pthread_join`'s errors, see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinError {
    /// The thread joins itself (EDEADLK).
    Itself,
    /// The value is no thread of this process (ESRCH).
    NoSuchThread {
        /// The value in the register.
        value: i64,
    },
    /// The thread is a slot no `create` has started (ESRCH).
    NotCreated {
        /// The slot.
        tid: ThreadId,
    },
    /// The thread was joined already, or another thread is joining it (EINVAL).
    AlreadyJoined {
        /// The thread.
        tid: ThreadId,
        /// Who joined it, or is joining it.
        by: ThreadId,
    },
}

/// The lives of one process's threads, indexed by their position in the process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lives {
    /// The process's tids, ascending (as [`ProcessInfo::threads`]).
    tids: Vec<ThreadId>,
    /// For a `"start": "created"` slot, the program it runs.
    slot_program: Vec<Option<ProgramId>>,
    life: Vec<Life>,
    /// Who joins (or joined) each thread.
    joiner: Vec<Option<ThreadId>>,
}

impl Lives {
    /// Process `info`'s threads at the start: slots not started, the others live.
    pub fn new(info: &ProcessInfo) -> Self {
        let n = info.threads.len();
        Lives {
            tids: info.threads.clone(),
            slot_program: info.created.clone(),
            life: info.created.iter().map(|s| if s.is_some() { Life::NotStarted } else { Life::Live }).collect(),
            joiner: vec![None; n],
        }
    }

    /// A process with one live thread `tid` and no slots: a process created at run time
    /// ([`crate::model::procs`]).
    pub fn single(tid: ThreadId) -> Self {
        Lives { tids: vec![tid], slot_program: vec![None], life: vec![Life::Live], joiner: vec![None] }
    }

    fn index(&self, tid: ThreadId) -> Option<usize> {
        self.tids.binary_search(&tid).ok()
    }

    /// Thread `tid`'s life (`None`: not a thread of this process).
    pub fn life(&self, tid: ThreadId) -> Option<Life> {
        self.index(tid).map(|i| self.life[i])
    }

    /// Starts the first slot (in declaration order) that runs `program` and has not started,
    /// and returns its tid; `None` if every such slot has started.
    pub fn create(&mut self, program: ProgramId) -> Option<ThreadId> {
        let i = (0..self.tids.len())
            .find(|&i| self.slot_program[i] == Some(program) && self.life[i] == Life::NotStarted)?;
        self.life[i] = Life::Live;
        Some(self.tids[i])
    }

    /// Thread `me` joins the thread whose tid is `value`.
    pub fn join(&mut self, me: ThreadId, value: i64) -> JoinStep {
        let Some(i) = usize::try_from(value).ok().and_then(|tid| self.index(tid)) else {
            return JoinStep::Refused(JoinError::NoSuchThread { value });
        };
        let tid = self.tids[i];
        if tid == me {
            return JoinStep::Refused(JoinError::Itself);
        }
        match (self.life[i], self.joiner[i]) {
            (Life::NotStarted, _) => JoinStep::Refused(JoinError::NotCreated { tid }),
            (_, Some(by)) if by != me => JoinStep::Refused(JoinError::AlreadyJoined { tid, by }),
            (Life::Joined(_), Some(by)) => JoinStep::Refused(JoinError::AlreadyJoined { tid, by }),
            (Life::Exited(v), _) => {
                self.life[i] = Life::Joined(v);
                self.joiner[i] = Some(me);
                JoinStep::Done(v)
            }
            (Life::Live, _) => {
                self.joiner[i] = Some(me);
                JoinStep::Wait(tid)
            }
            (Life::Joined(_), None) => unreachable!("a joined thread has its joiner"),
        }
    }

    /// Thread `tid` exits with `value`; returns the thread waiting to join it, to wake.
    pub fn exit(&mut self, tid: ThreadId, value: i64) -> Option<ThreadId> {
        let i = self.index(tid).expect("an exiting thread of this process");
        self.life[i] = Life::Exited(value);
        self.joiner[i]
    }
}
