//! The synchronisation instructions' step: each primitive's answer (take, wait, hand over,
//! wake, refuse) turned into the instruction's [`Effect`]. The primitives themselves (one file
//! each) decide; this file only translates, as the interpreter does for the other instructions.

use crate::model::ThreadId;
use crate::model::interpreter::{Change, Effect, Fault, Flow};
use crate::model::program::{Instr, RwId};
use crate::model::wait::WaitReason;

use super::{Acquire, Arrival, Attempt, Down, Grant, ProcessSync, Release, RwLock, Up};

/// Executes synchronisation instruction `instr` (a semaphore, spin lock, condition variable,
/// read-write lock or barrier instruction, or `destroy`) of thread `tid` at index `pc`, on its
/// process's objects `sync`. An instruction that wakes several threads names the first in the
/// effect and leaves the others in [`ProcessSync::woken`].
pub(crate) fn execute(instr: Instr, tid: ThreadId, pc: usize, sync: &mut ProcessSync) -> Effect {
    let go_on = |change: Change| Effect { flow: Flow::Next(pc + 1), change: Some(change), wake: None };
    let block = |reason: WaitReason| Effect { flow: Flow::Block(reason), change: None, wake: None };
    let fault = Effect::fault;
    match instr {
        Instr::SemWait { sem } => match sync.semaphores[sem].wait(tid) {
            Down::Passed => {
                let value = sync.semaphores[sem].value;
                go_on(Change::Semaphore { sem, value })
            }
            Down::MustWait => block(WaitReason::Semaphore { sem }),
        },
        Instr::SemPost { sem } => match sync.semaphores[sem].post() {
            Up::Raised => {
                let value = sync.semaphores[sem].value;
                go_on(Change::Semaphore { sem, value })
            }
            Up::HandedTo(next) => go_on_waking(sync, pc, None, vec![next]),
            Up::Full { max } => fault(Fault::PostFull { sem, max }),
        },
        Instr::SpinLock { lock } => match sync.spinlocks[lock].attempt(tid) {
            Attempt::Taken => go_on(Change::Spinlock { lock, owner: Some(tid) }),
            // Spin: the attempt took its tick; the PC stays, and the next attempt follows at once.
            Attempt::Busy => {
                *sync.spins.entry(tid).or_default() += 1;
                Effect { flow: Flow::Next(pc), change: None, wake: None }
            }
            Attempt::OwnedBySelf => fault(Fault::SpinRelock { lock }),
        },
        Instr::SpinUnlock { lock } => match sync.spinlocks[lock].release(tid) {
            Ok(()) => go_on(Change::Spinlock { lock, owner: None }),
            Err(owner) => fault(Fault::SpinUnlockNotHeld { lock, owner }),
        },
        Instr::CondWait { cond, mutex } => {
            if sync.condvars[cond].take_signal(tid) {
                // Back from a signal: re-take the mutex, as `lock` does; `cond_wait` returns with it.
                return match sync.mutexes[mutex].acquire(tid) {
                    Acquire::Acquired => go_on(Change::Mutex { mutex, owner: Some(tid) }),
                    Acquire::MustWait { .. } => block(WaitReason::Mutex { mutex }),
                };
            }
            // Release the mutex and sleep, in one step: no signal can come in between.
            let (owner, wake) = match sync.mutexes[mutex].release(tid) {
                Release::Freed => (None, None),
                Release::HandedTo(next) => (Some(next), Some(next)),
                Release::NotOwner { owner } => {
                    return fault(Fault::CondWaitNotHeld { cond, mutex, owner });
                }
            };
            sync.condvars[cond].sleep(tid);
            Effect {
                flow: Flow::Block(WaitReason::Condvar { cond }),
                change: Some(Change::Mutex { mutex, owner }),
                wake,
            }
        }
        Instr::CondSignal { cond } => {
            let woken = sync.condvars[cond].signal();
            go_on_waking(sync, pc, None, woken.into_iter().collect())
        }
        Instr::CondBroadcast { cond } => {
            let woken = sync.condvars[cond].broadcast();
            go_on_waking(sync, pc, None, woken)
        }
        Instr::ReadLock { lock } | Instr::WriteLock { lock } => {
            let write = matches!(instr, Instr::WriteLock { .. });
            let l = &mut sync.rwlocks[lock];
            let grant = if write { l.write_lock(tid) } else { l.read_lock(tid) };
            match grant {
                Grant::Granted => go_on(rw_change(lock, l)),
                Grant::MustWait => block(WaitReason::RwLock { lock, write }),
                Grant::AlreadyHeld => fault(Fault::RwRelock { lock, write }),
            }
        }
        Instr::ReadUnlock { lock } | Instr::WriteUnlock { lock } => {
            let write = matches!(instr, Instr::WriteUnlock { .. });
            let l = &mut sync.rwlocks[lock];
            let let_in = if write { l.write_unlock(tid) } else { l.read_unlock(tid) };
            let Some(let_in) = let_in else {
                let (writer, readers) = (l.writer, l.readers.len() as u32);
                return fault(Fault::RwUnlockNotHeld { lock, write, writer, readers });
            };
            let change = rw_change(lock, l);
            go_on_waking(sync, pc, Some(change), let_in)
        }
        Instr::Barrier { barrier } => match sync.barriers[barrier].arrive(tid) {
            Arrival::MustWait => block(WaitReason::Barrier { barrier }),
            Arrival::Opens(others) => go_on_waking(sync, pc, None, others),
        },
        Instr::Destroy { kind, id } => match sync.destroy(kind, id) {
            Ok(()) => Effect { flow: Flow::Next(pc + 1), change: None, wake: None },
            Err(busy) => fault(Fault::DestroyBusy { kind, id, busy }),
        },
        other => unreachable!("not a synchronisation instruction: {other:?}"),
    }
}

/// The instruction completes, recording `change`, and wakes `threads` in order: the first
/// through the effect's `wake`, the others through [`ProcessSync::woken`].
fn go_on_waking(sync: &mut ProcessSync, pc: usize, change: Option<Change>, threads: Vec<ThreadId>) -> Effect {
    let mut threads = threads.into_iter();
    let wake = threads.next();
    sync.woken.extend(threads);
    Effect { flow: Flow::Next(pc + 1), change, wake }
}

/// The trace's record of read-write lock `lock`'s holders, `l`.
fn rw_change(lock: RwId, l: &RwLock) -> Change {
    Change::RwLock { lock, readers: l.readers.len() as u32, writer: l.writer }
}
