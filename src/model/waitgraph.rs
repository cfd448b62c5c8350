//! The wait-for graph at an instant: who holds which synchronisation object and who waits for
//! which, and the cycles of waits (a deadlock) among them.
//!
//! The graph is bipartite, as in OSTEP ch. 32.3 ("Deadlock bugs") and the resource-allocation
//! graphs of Silberschatz et al., *Operating System Concepts*, 10th ed., §8.3.2: an edge
//! thread → object for a wait ("request edge"), object → thread for a holder ("assignment
//! edge"). Collapsing each object into the edge through it gives the thread-only *wait-for*
//! graph (ibid. §8.7.1, deadlock detection); a cycle there is a deadlock when every object on
//! it has one holder (mutexes, a spin lock, a read-write lock held to write): Coffman's four
//! conditions all hold.
//!
//! A `join` waits for a thread, not an object: it is an edge joiner → thread ([`JoinEdge`]),
//! already a wait-for edge, and two threads joining each other are a cycle. A `wait` for a child
//! process is one such edge to each live thread of each child it has (the child ends when they
//! have all exited; with several children, the first to end ends the wait, so a cycle through
//! one of them is a deadlock only if the others cannot end either).
//!
//! The page draws [`WaitGraph::at`] at the playback cursor; the deadlock report
//! ([`super::outcome`]) names the same cycles with [`cycles`].

use super::program::SpinId;
use super::sync::names::ObjectKind;
use super::system::System;
use super::trace::{Snapshot, ThreadState};
use super::wait::WaitReason;
use super::{ProcessId, ThreadId};

/// One synchronisation object of one process, as a node of the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObjectRef {
    /// Its process.
    pub pid: ProcessId,
    /// Its kind.
    pub kind: ObjectKind,
    /// Its id: its index in its kind's table of the process.
    pub id: usize,
}

/// What one thread is waiting for at an instant: blocked on an object, or spinning (running, and
/// retrying a `spin_lock` another thread holds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// Blocked: its wait record's reason (never I/O in a graph: I/O is no object).
    Blocked(WaitReason),
    /// Spinning on spin lock `SpinId` of its process.
    Spinning(SpinId),
}

impl Want {
    /// The object waited for; `None` for I/O and for a join (it waits for a thread).
    pub fn object(self, pid: ProcessId) -> Option<ObjectRef> {
        let (kind, id) = match self {
            Want::Spinning(lock) => (ObjectKind::Spinlock, lock),
            Want::Blocked(reason) => match reason {
                WaitReason::Io { .. } | WaitReason::Join { .. } | WaitReason::Child => return None,
                WaitReason::Mutex { mutex } => (ObjectKind::Mutex, mutex),
                WaitReason::Semaphore { sem } => (ObjectKind::Semaphore, sem),
                WaitReason::Condvar { cond } => (ObjectKind::Condvar, cond),
                WaitReason::Barrier { barrier } => (ObjectKind::Barrier, barrier),
                WaitReason::RwLock { lock, .. } => (ObjectKind::RwLock, lock),
                // A channel is the scenario's, one node whichever process waits on it: named
                // through process 0's table (every process has the same channel table).
                WaitReason::Channel { ch, .. } => return Some(ObjectRef { pid: 0, kind: ObjectKind::Channel, id: ch }),
            },
        };
        Some(ObjectRef { pid, kind, id })
    }

    /// The wait in words, after the thread's name: "waits for mutex `m`", "waits for read-write
    /// lock `l` to write", "spins on spin lock `s`".
    pub fn describe(self, sys: &System, pid: ProcessId) -> String {
        self.describe_named(sys, pid, None)
    }

    /// [`Want::describe`], the object called `name` if given ([`WaitReason::describe_named`]).
    pub fn describe_named(self, sys: &System, pid: ProcessId, name: Option<&str>) -> String {
        match self {
            Want::Blocked(reason) => format!("waits for {}", reason.describe_named(sys, pid, name)),
            Want::Spinning(lock) => {
                let own = sys.processes[pid].objects.name(ObjectKind::Spinlock, lock);
                format!("spins on spin lock `{}`", name.unwrap_or(own))
            }
        }
    }

    /// What the holder does to end the wait ("unlocking"), as in the deadlock report.
    pub fn release_verb(self) -> &'static str {
        match self {
            Want::Blocked(reason) => reason.release_verb(),
            Want::Spinning(_) => "unlocking",
        }
    }
}

/// An edge of the graph, between thread `thread` and object `objects[object]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    /// The thread.
    pub thread: ThreadId,
    /// The object: an index into [`WaitGraph::objects`].
    pub object: usize,
    /// `true`: the thread holds the object (drawn object → thread); `false`: it waits for it
    /// (thread → object).
    pub holds: bool,
    /// The edge lies on one of [`WaitGraph::cycles`].
    pub in_cycle: bool,
}

/// A `join` in progress: `joiner` waits for `thread` to exit (drawn joiner → thread); or a
/// `wait` for a child process, whose thread `thread` has not exited yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JoinEdge {
    /// The joining thread (or the one in `wait`).
    pub joiner: ThreadId,
    /// The thread it waits for.
    pub thread: ThreadId,
    /// `Some(child)`: a `wait` for a child process, `thread` one of the child's; `None`: a join.
    pub child: Option<ProcessId>,
    /// The edge lies on one of [`WaitGraph::cycles`].
    pub in_cycle: bool,
}

/// A thread that waits for an object whose holder has exited without releasing it: nothing can
/// end that wait, cycle or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExitedHolder {
    /// The waiting thread.
    pub waiter: ThreadId,
    /// The exited holder.
    pub holder: ThreadId,
}

/// The wait-for graph at an instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WaitGraph {
    /// Thread nodes: every thread that holds or waits for an object, by tid.
    pub threads: Vec<ThreadId>,
    /// Object nodes: every object held or waited for, in order of first mention (threads by tid,
    /// each one's held objects before the one it waits for).
    pub objects: Vec<ObjectRef>,
    /// Holder edges, then wait edges, each in thread order.
    pub edges: Vec<Edge>,
    /// How many threads hold each object for reading (read-write locks; the snapshot counts
    /// them but does not name them, so they get no edge), by index into `objects`.
    pub readers: Vec<u32>,
    /// What each thread in `threads` waits for (same index), if anything.
    pub wants: Vec<Option<Want>>,
    /// Cycles of waits, each as threads `[t0, t1, …]`: t0 waits for an object t1 holds, …, the
    /// last waits for one t0 holds. Each starts at the thread of lowest tid met first (see
    /// [`cycles`]).
    pub cycles: Vec<Vec<ThreadId>>,
    /// Waits on an object held by an exited thread, by waiter.
    pub exited: Vec<ExitedHolder>,
    /// Waits on a forked child's copy of a mutex whose holder, a thread of the parent, `fork` did
    /// not copy (POSIX copies only the calling thread): nobody in the child can unlock it. The
    /// holder gets no edge to the copy (it holds the parent's mutex, not this one).
    pub uncopied: Vec<ExitedHolder>,
    /// Joins in progress, by joiner.
    pub joins: Vec<JoinEdge>,
}

/// The cycles of a wait-for graph of threads, where `succ[t]` are the threads whose release
/// would end thread `t`'s wait (the holders of what it waits for). A depth-first search from
/// each thread in tid order; each edge back to a thread on the current path closes one cycle,
/// listed from that thread. When every thread waits for one object with at most one holder
/// (mutexes, spin locks, a writer), each connected part of the graph has at most one cycle and
/// this finds them all; with several holders (readers) it finds at least one cycle whenever
/// there is one. Cost: O(threads + edges).
pub fn cycles(succ: &[Vec<ThreadId>]) -> Vec<Vec<ThreadId>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(
        t: ThreadId,
        succ: &[Vec<ThreadId>],
        mark: &mut [Mark],
        path: &mut Vec<ThreadId>,
        out: &mut Vec<Vec<ThreadId>>,
    ) {
        mark[t] = Mark::OnPath;
        path.push(t);
        for &n in &succ[t] {
            match mark.get(n) {
                Some(Mark::New) => visit(n, succ, mark, path, out),
                Some(Mark::OnPath) => {
                    let from = path.iter().rposition(|&p| p == n).unwrap_or(0);
                    out.push(path[from..].to_vec());
                }
                _ => {}
            }
        }
        path.pop();
        mark[t] = Mark::Done;
    }
    let mut mark = vec![Mark::New; succ.len()];
    let (mut path, mut out) = (Vec::new(), Vec::new());
    for t in 0..succ.len() {
        if mark[t] == Mark::New {
            visit(t, succ, &mut mark, &mut path, &mut out);
        }
    }
    out
}

/// A cycle in words, each thread named by `label`: "a waits for b, which waits for a".
pub fn cycle_sentence(cycle: &[ThreadId], label: impl Fn(ThreadId) -> String) -> String {
    let mut words = label(cycle[0]);
    for (i, &t) in cycle[1..].iter().chain(&cycle[..1]).enumerate() {
        words.push_str(if i == 0 { " waits for " } else { ", which waits for " });
        words.push_str(&label(t));
    }
    words
}

impl WaitGraph {
    /// The graph of `snap` (a snapshot of a run of `sys`): its mutex owners, read-write lock
    /// writers and spin lock owners are holders; its blocked threads' wait records and its
    /// spinning threads are waits. I/O waits are left out (no object).
    pub fn at(sys: &System, snap: &Snapshot) -> WaitGraph {
        let n = snap.threads.len();
        // What each thread waits for and what it holds, in tid order.
        let mut wants: Vec<Option<Want>> = (snap.threads.iter())
            .map(|t| t.waiting.filter(|w| !matches!(w, WaitReason::Io { .. })).map(Want::Blocked))
            .collect();
        let mut held: Vec<Vec<ObjectRef>> = vec![Vec::new(); n];
        let mut readers: Vec<(ObjectRef, u32)> = Vec::new();
        let mut foreign: Vec<(ObjectRef, ThreadId)> = Vec::new();
        for (pid, owners) in snap.mutex_owners.iter().enumerate() {
            for (id, owner) in owners.iter().enumerate() {
                let obj = WaitGraph::one_node(sys, ObjectRef { pid, kind: ObjectKind::Mutex, id });
                let Some(&t) = owner.as_ref() else { continue };
                if sys.threads[t].pid != pid && sys.sharing.mutex_copies(pid, id).is_none() {
                    // A forked copy held by a parent's thread that was not copied.
                    foreign.push((obj, t));
                } else if !held[t].contains(&obj) {
                    // A shared segment's mutex is one node, met once per mapping process.
                    held[t].push(obj);
                }
            }
        }
        for (pid, o) in snap.objects.iter().enumerate() {
            for (id, l) in o.spinlocks.iter().enumerate() {
                if let Some(t) = l.owner {
                    held[t].push(ObjectRef { pid, kind: ObjectKind::Spinlock, id });
                }
                for &t in &l.spinning {
                    wants[t] = Some(Want::Spinning(id));
                }
            }
            for (id, l) in o.rwlocks.iter().enumerate() {
                let obj = ObjectRef { pid, kind: ObjectKind::RwLock, id };
                if let Some(t) = l.writer {
                    held[t].push(obj);
                }
                if l.readers > 0 {
                    readers.push((obj, l.readers));
                }
            }
        }
        let mut g = WaitGraph::default();
        let index = |g: &mut WaitGraph, obj: ObjectRef| match g.objects.iter().position(|&o| o == obj) {
            Some(i) => i,
            None => {
                g.objects.push(obj);
                g.objects.len() - 1
            }
        };
        let mut waits = Vec::new();
        let joined = |w: Option<Want>| match w {
            Some(Want::Blocked(WaitReason::Join { thread })) => Some(thread),
            _ => None,
        };
        let mut join_target = vec![false; n];
        for (tid, &want) in wants.iter().enumerate() {
            if let Some(t) = joined(want) {
                join_target[t] = true;
                g.joins.push(JoinEdge { joiner: tid, thread: t, child: None, in_cycle: false });
            }
            // In `wait`: each child created by now, through its threads that have not exited.
            if want == Some(Want::Blocked(WaitReason::Child)) {
                let pid = sys.threads[tid].pid;
                for c in sys.processes.iter().filter(|c| c.parent == Some(pid) && c.arrival <= snap.time) {
                    for &t in c.threads.iter().filter(|&&t| snap.threads[t].state != ThreadState::Terminated) {
                        join_target[t] = true;
                        g.joins.push(JoinEdge { joiner: tid, thread: t, child: Some(c.pid), in_cycle: false });
                    }
                }
            }
        }
        for tid in 0..n {
            let pid = sys.threads[tid].pid;
            let wanted = wants[tid].and_then(|w| w.object(pid)).map(|o| WaitGraph::one_node(sys, o));
            let joins = g.joins.iter().any(|j| j.joiner == tid);
            if held[tid].is_empty() && wanted.is_none() && !joins && !join_target[tid] {
                continue;
            }
            g.threads.push(tid);
            g.wants.push(wants[tid]);
            for &obj in &held[tid] {
                let object = index(&mut g, obj);
                g.edges.push(Edge { thread: tid, object, holds: true, in_cycle: false });
            }
            if let Some(obj) = wanted {
                if let Some(&(_, holder)) = foreign.iter().find(|f| f.0 == obj) {
                    g.uncopied.push(ExitedHolder { waiter: tid, holder });
                }
                let object = index(&mut g, obj);
                waits.push(Edge { thread: tid, object, holds: false, in_cycle: false });
            }
        }
        // Objects held only by readers, with no waiter, are not drawn: no edge reaches them.
        g.readers = (g.objects.iter()).map(|o| readers.iter().find(|r| r.0 == *o).map_or(0, |r| r.1)).collect();
        // Each waiter's successors: the holders of what it waits for.
        let holders = |g: &WaitGraph, object: usize| -> Vec<ThreadId> {
            (g.edges.iter()).filter(|e| e.holds && e.object == object).map(|e| e.thread).collect()
        };
        let mut succ = vec![Vec::new(); n];
        for j in &g.joins {
            if snap.threads[j.thread].state != ThreadState::Terminated {
                succ[j.joiner].push(j.thread);
            }
        }
        for w in &waits {
            for h in holders(&g, w.object) {
                if snap.threads[h].state == ThreadState::Terminated {
                    g.exited.push(ExitedHolder { waiter: w.thread, holder: h });
                } else {
                    succ[w.thread].push(h);
                }
            }
        }
        g.cycles = cycles(&succ);
        g.edges.extend(waits);
        // Mark the cycles' edges: t waits for an object that the next thread holds.
        for c in g.cycles.clone() {
            for (i, &t) in c.iter().enumerate() {
                let next = c[(i + 1) % c.len()];
                for j in g.joins.iter_mut().filter(|j| j.joiner == t && j.thread == next) {
                    j.in_cycle = true;
                }
                let Some(object) = g.edges.iter().find(|e| !e.holds && e.thread == t).map(|e| e.object) else {
                    continue;
                };
                for e in g.edges.iter_mut() {
                    if e.object == object && ((!e.holds && e.thread == t) || (e.holds && e.thread == next)) {
                        e.in_cycle = true;
                    }
                }
            }
        }
        g
    }

    /// A wait on a forked copy of a mutex whose holder was not copied, in words: "app.1/main
    /// waits for mutex `log`, held in app by app/logger, a thread that `fork` did not copy into
    /// app.1: no thread of app.1 can unlock it".
    pub fn uncopied_words(&self, sys: &System, e: ExitedHolder) -> String {
        let want = self.want(e.waiter).expect("an uncopied holder's waiter waits");
        let child = &sys.processes[sys.threads[e.waiter].pid].name;
        format!(
            "{} {}, held in {} by {}, a thread that `fork` did not copy into {child}: no thread of {child} can unlock it",
            sys.thread_name(e.waiter),
            want.describe(sys, sys.threads[e.waiter].pid),
            sys.processes[sys.threads[e.holder].pid].name,
            sys.thread_name(e.holder),
        )
    }

    /// Whether the graph has no edge (nothing held, nobody waiting for an object or a thread).
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty() && self.joins.is_empty()
    }

    /// A join in words: "main waits for thread `w1` to exit"; a `wait`: "app/main waits for a
    /// child process to end (thread app.1/main of child app.1)".
    pub fn join_words(&self, sys: &System, j: &JoinEdge) -> String {
        let reason = match j.child {
            Some(_) => WaitReason::Child,
            None => WaitReason::Join { thread: j.thread },
        };
        format!(
            "{} waits for {}{}",
            sys.thread_name(j.joiner),
            reason.describe(sys, sys.threads[j.joiner].pid),
            WaitGraph::child_words(sys, j.child, j.thread)
        )
    }

    /// After "waits for a child process to end": " (thread app.1/main of child app.1)"; empty
    /// for a join.
    fn child_words(sys: &System, child: Option<ProcessId>, thread: ThreadId) -> String {
        child.map_or_else(String::new, |c| {
            format!(" (thread {} of child {})", sys.thread_name(thread), sys.processes[c].name)
        })
    }

    /// What thread `tid` waits for, if it is a node and waits.
    pub fn want(&self, tid: ThreadId) -> Option<Want> {
        self.threads.iter().position(|&t| t == tid).and_then(|i| self.wants[i])
    }

    /// The node of object `obj`: a shared segment's mutex, which each mapping process has in its
    /// table, is one mutex, named by its first mapping process's copy
    /// ([`super::ipc::Sharing::mutex_copies`]); any other object is its own node.
    pub fn one_node(sys: &System, obj: ObjectRef) -> ObjectRef {
        match (obj.kind, sys.sharing.mutex_copies(obj.pid, obj.id)) {
            (ObjectKind::Mutex, Some(copies)) => ObjectRef { pid: copies[0].0, id: copies[0].1, ..obj },
            _ => obj,
        }
    }

    /// An object's name for the graph: its name, or `process/name` when the system has several
    /// processes; a shared segment's mutex or a channel, each one object of several processes
    /// (the scenario's, not the first process's), its name alone.
    pub fn object_name(sys: &System, obj: ObjectRef) -> String {
        let p = &sys.processes[obj.pid];
        let name = match obj.kind {
            ObjectKind::Mutex => p.mutexes.get(obj.id).map_or("?", String::as_str),
            kind => p.objects.name(kind, obj.id),
        };
        let shared = obj.kind == ObjectKind::Channel
            || (obj.kind == ObjectKind::Mutex && sys.sharing.mutex_copies(obj.pid, obj.id).is_some());
        match sys.processes.len() {
            1 => name.to_string(),
            _ if shared => name.to_string(),
            _ => format!("{}/{name}", p.name),
        }
    }

    /// One edge in words, for the graph's text equivalent: "a holds mutex `x`", "a holds
    /// read-write lock `l` to write", "b waits for mutex `x`", "c spins on spin lock `s`".
    pub fn edge_words(&self, sys: &System, e: &Edge) -> String {
        let who = sys.thread_name(e.thread);
        if !e.holds {
            let want = self.want(e.thread).expect("a waiting edge's thread waits");
            // The object named as its node is ("app.1/log" beside "app/log" when a fork
            // copied it), not by its name alone.
            let node = WaitGraph::object_name(sys, self.objects[e.object]);
            return format!("{who} {}", want.describe_named(sys, sys.threads[e.thread].pid, Some(&node)));
        }
        let obj = self.objects[e.object];
        let mode = if obj.kind == ObjectKind::RwLock { " to write" } else { "" };
        format!("{who} holds {} `{}`{mode}", obj.kind.word(), WaitGraph::object_name(sys, obj))
    }

    /// One cycle in words, each thread's wait and the holder of its object: "a waits for mutex
    /// `y`, held by b, which waits for mutex `x`, held by a".
    pub fn cycle_words(&self, sys: &System, cycle: &[ThreadId]) -> String {
        let mut out = String::new();
        for (i, &t) in cycle.iter().enumerate() {
            let next = cycle[(i + 1) % cycle.len()];
            let want = self.want(t).map_or_else(String::new, |w| w.describe(sys, sys.threads[t].pid));
            if i == 0 {
                out.push_str(&sys.thread_name(t));
                out.push(' ');
            } else {
                out.push_str(", which ");
            }
            out.push_str(&want);
            // A join names the thread it waits for already; a `wait` names the child's thread.
            let child = self.joins.iter().find(|j| j.joiner == t && j.thread == next).and_then(|j| j.child);
            if child.is_some() {
                out.push_str(&WaitGraph::child_words(sys, child, next));
            } else if !matches!(self.want(t), Some(Want::Blocked(WaitReason::Join { .. }))) {
                out.push_str(", held by ");
                out.push_str(&sys.thread_name(next));
            }
        }
        out
    }

    /// A wait on an exited holder's object in words, as the deadlock report puts it: "late waits
    /// for mutex `m`, held by main, which exited without unlocking".
    pub fn exited_words(&self, sys: &System, e: ExitedHolder) -> String {
        let want = self.want(e.waiter).expect("an exited holder's waiter waits");
        format!(
            "{} {}, held by {}, which exited without {}",
            sys.thread_name(e.waiter),
            want.describe(sys, sys.threads[e.waiter].pid),
            sys.thread_name(e.holder),
            want.release_verb()
        )
    }
}
