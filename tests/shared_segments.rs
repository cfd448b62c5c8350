//! Shared-memory segments (`"shared"` in a scenario; `src/model/ipc.rs`): variables and mutexes
//! that several processes map, so the race between processes comes back, and a mutex in the
//! segment fixes it. Timings worked by hand: `load`, `store`, `add`, `set`, `lock`, `unlock`
//! take 1 tick; each process's thread has its own CPU (two CPUs, FCFS, no switch costs).

mod common;
use common::*;
use threadlab::model::scenario::{Policy, SegmentSpec};
use threadlab::model::{self, Outcome, Scenario};

/// Processes `a` and `b` (one thread each) mapping segment `seg` with variable `x` at 0 and the
/// given mutexes; `b` also has a variable of its own, `y`.
fn two(a: &str, b: &str, mutexes: &[&str]) -> Scenario {
    let mut pb = job("b", 0, b);
    pb.variables.insert("y".into(), 0);
    let mut s = scenario(2, Policy::Fcfs, None, vec![job("a", 0, a), pb]);
    s.shared.insert(
        "seg".into(),
        SegmentSpec {
            variables: [("x".to_string(), 0)].into(),
            mutexes: mutexes.iter().map(|m| m.to_string()).collect(),
            processes: vec!["a".into(), "b".into()],
            ..Default::default()
        },
    );
    s
}

/// What one process stores in the segment the other loads. `a`: `set` 0–1, `store` 1–2 (x = 5).
/// `b`: `compute` 0–3, `load` 3–4 reads 5, `store` 4–5 into its own `y`. Without the segment
/// (`x` a variable of each process) `b` would read its own 0.
#[test]
fn a_store_in_one_process_is_seen_by_the_other() {
    let s = two("set r0, 5\nstore r0, x", "compute 3\nload r1, x\nstore r1, y", &[]);
    let (_, r) = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!((var(&r, 0, "x"), var(&r, 1, "x"), var(&r, 1, "y")), (5, 5, 5));
    // Isolation without the segment.
    let mut private = s.clone();
    private.shared.clear();
    for p in &mut private.processes {
        p.variables.insert("x".into(), 0);
    }
    let (_, r) = run(&private);
    assert_eq!((var(&r, 0, "x"), var(&r, 1, "x"), var(&r, 1, "y")), (5, 0, 0));
}

/// The race between processes: both load `x` (0) over 0–1, add over 1–2 and store 1 over 2–3.
/// The second store (`b`'s, CPU 1, applied after CPU 0's at t=3) overwrites `a`'s unseen: x = 1,
/// one lost update, counted in both processes' view of `x`.
#[test]
fn the_race_comes_back_between_processes() {
    let code = "load r0, x\nadd r0, 1\nstore r0, x";
    let (_, r) = run(&two(code, code, &[]));
    for v in r.metrics.variables.iter().filter(|v| v.name == "x") {
        assert_eq!((v.value, v.lost_updates), (1, 1), "{}", v.process);
    }
}

/// A mutex in the segment is one lock for both processes. `a` takes `m` over 0–1, loads, adds
/// and stores over 1–4 (x = 1), computes 4–6 and unlocks 6–7. `b` computes 0–1 and tries
/// `lock m` over 1–2: held by `a`, it blocks at 2; `a`'s unlock hands `m` over at 7. `b` then loads, adds and
/// stores over 7–10 and unlocks 10–11. `b` waited 7 − 2 = 5 ticks, and no update is lost.
#[test]
fn a_mutex_in_the_segment_is_one_lock_for_both() {
    let a = "lock m\nload r0, x\nadd r0, 1\nstore r0, x\ncompute 2\nunlock m";
    let b = "compute 1\nlock m\nload r0, x\nadd r0, 1\nstore r0, x\nunlock m";
    let (_, r) = run(&two(a, b, &["m"]));
    assert_eq!(r.outcome, Outcome::Completed);
    let (ta, tb) = (&r.metrics.threads[0], &r.metrics.threads[1]);
    assert_eq!((ta.completion, tb.completion), (Some(7), Some(11)));
    assert_eq!((ta.lock_wait, tb.lock_wait), (0, 5));
    assert_eq!((var(&r, 0, "x"), var(&r, 1, "x")), (2, 2));
    // The same programs with a mutex of each process's own: no exclusion, `b` never waits.
    let (_, r) = run(&two(a, b, &[]));
    assert_eq!(r.metrics.threads[1].lock_wait, 0);
}

/// Two processes taking two segment mutexes in opposite orders deadlock, and the report names
/// the cycle across processes.
#[test]
fn a_deadlock_across_processes_is_reported() {
    let a = "lock m1\ncompute 2\nlock m2";
    let b = "lock m2\ncompute 2\nlock m1";
    let (_, r) = run(&two(a, b, &["m1", "m2"]));
    let Outcome::Deadlock { message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert!(message.contains("a/main waits for mutex `m2` (held by b/main)"), "{message}");
    assert!(message.contains("a cycle"), "{message}");
}

/// The presets: without the lock updates are lost (and every increment is either in the
/// counter or lost); with it the counter is exact.
#[test]
fn the_presets_race_and_lock() {
    let run_preset = |key: &str| model::run(&threadlab::presets::find(key).unwrap().scenario().unwrap()).unwrap().1;
    let r = run_preset("shared-race");
    let x = &r.metrics.variables[0];
    assert!(x.value < 600 && x.lost_updates > 0, "{x:?}");
    assert_eq!(x.value + x.lost_updates as i64, 600);
    let r = run_preset("shared-lock");
    assert_eq!(r.outcome, Outcome::Completed);
    assert!(r.metrics.variables.iter().all(|v| v.value == 600 && v.lost_updates == 0));
}

/// Bad segments get located errors.
#[test]
fn bad_segments_are_located() {
    let mut s = two("load r0, x", "load r0, x", &[]);
    s.processes[1].variables.insert("x".into(), 3);
    let e = model::run(&s).unwrap_err();
    assert_eq!(e.path, "shared.seg.variables");
    assert!(e.message.contains("already a variable of process `b`"), "{}", e.message);
    let mut s = two("load r0, x", "load r0, x", &[]);
    s.shared.get_mut("seg").unwrap().processes.push("nobody".into());
    let e = model::run(&s).unwrap_err();
    assert_eq!(e.path, "shared.seg.processes[2]");
    // A process that does not map the segment cannot name its variable.
    let mut s = two("load r0, x", "load r0, x", &[]);
    s.shared.get_mut("seg").unwrap().processes.pop();
    let e = model::run(&s).unwrap_err();
    assert_eq!(e.path, "processes[1].threads[0].code");
}

/// The interleaving explorer sees the segment as one variable: two processes each incrementing
/// the shared `x` twice without a lock end with x = 2, 3 or 4, as two threads of one process do
/// (tests/explore.rs works the three cases by hand); each final state lists `x` once per
/// process, equal. With the copies kept apart (no segment) every order gives 2 in each.
#[test]
fn the_explorer_finds_the_cross_process_race() {
    use threadlab::model::explore;
    let twice = "loop 2\nload r1, x\nadd r1, 1\nstore r1, x\nend";
    let mut s = two(twice, twice, &[]);
    s.machine.cpus = 1;
    s.processes[1].variables.clear();
    let x = explore::explore(&s, explore::DEFAULT_LIMIT).unwrap();
    let mut finals: Vec<Vec<i64>> = x.finals.iter().map(|f| f.values.clone()).collect();
    finals.sort();
    assert_eq!(finals, vec![vec![2, 2], vec![3, 3], vec![4, 4]]);
    s.shared.clear();
    for p in &mut s.processes {
        p.variables.insert("x".into(), 0);
    }
    let x = explore::explore(&s, explore::DEFAULT_LIMIT).unwrap();
    let finals: Vec<Vec<i64>> = x.finals.iter().map(|f| f.values.clone()).collect();
    assert_eq!(finals, vec![vec![2, 2]]);
}

/// Process `a` alone, mapping segment `seg` with `x` at 0 (and `mutexes`), running `code`.
fn forking(code: &str, mutexes: &[&str]) -> Scenario {
    let mut s = scenario(2, Policy::Fcfs, None, vec![job("a", 0, code)]);
    s.shared.insert(
        "seg".into(),
        SegmentSpec {
            variables: [("x".to_string(), 0)].into(),
            mutexes: mutexes.iter().map(|m| m.to_string()).collect(),
            processes: vec!["a".into()],
            ..Default::default()
        },
    );
    s
}

/// A mapping stays shared across `fork` (POSIX `MAP_SHARED`): parent and forked child (pid 1)
/// add 50 each to the one `x`, so without a lock they race on it (every increment is in `x` or
/// lost, and both see the same `x`), and the segment's mutex makes it exactly 100. Without the
/// segment, `fork` copies `x` and each process ends with its own 50.
#[test]
fn a_forked_child_maps_its_parents_segment() {
    let body = "loop 50\nload r0, x\nadd r0, 1\nstore r0, x\nend";
    let (_, r) = run(&forking(&format!("fork r1\n{body}"), &[]));
    assert_eq!(r.outcome, Outcome::Completed);
    let (x0, x1) = (var(&r, 0, "x"), var(&r, 1, "x"));
    assert_eq!(x0, x1, "one x for parent and child");
    // The segment's page is mapped shared: writing it copies nothing.
    assert!(r.metrics.memory.iter().all(|m| m.cow_copies == 0), "{:?}", r.metrics.memory);
    let lost = r.metrics.variables.iter().find(|v| v.name == "x").unwrap().lost_updates;
    assert!(lost > 0 && x0 < 100, "the two processes overlap on two CPUs: x = {x0}, {lost} lost");

    let locked = "fork r1\nloop 50\nlock m\nload r0, x\nadd r0, 1\nstore r0, x\nunlock m\nend";
    let (_, r) = run(&forking(locked, &["m"]));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!((var(&r, 0, "x"), var(&r, 1, "x")), (100, 100));

    let mut private = forking(&format!("fork r1\n{body}"), &[]);
    private.shared.clear();
    private.processes[0].variables.insert("x".into(), 0);
    let (_, r) = run(&private);
    assert_eq!((var(&r, 0, "x"), var(&r, 1, "x")), (50, 50));
}

/// The page says a segment's variable is seen by the processes that map it (it used to say
/// "Other processes cannot see these variables" in each), names a thread with its process when
/// there are several (two `main`s), and finds a segment variable's copies in each process.
#[test]
fn the_page_words_say_what_a_segment_shares() {
    let (sys, _) = model::run(&two("exit", "exit", &["m"])).unwrap();
    let (a, b) = (0, 1);
    assert_eq!(sys.segment_note(a), "`x` is in a shared segment that b also maps: one copy, the same value in each.");
    // b's own y is not in the segment.
    assert_eq!(
        sys.segment_note(b),
        "`x` is in a shared segment that a also maps: one copy, the same value in each; other processes cannot see the rest."
    );
    let x_in_b = sys.processes[b].space.variables.iter().position(|v| v == "x").unwrap();
    assert_eq!(sys.sharing.var_copies(b, x_in_b), Some(&[(a, 0), (b, x_in_b)][..]));
    let y = sys.processes[b].space.variables.iter().position(|v| v == "y").unwrap();
    assert_eq!(sys.sharing.var_copies(b, y), None);
    let m_in_b = sys.processes[b].mutexes.iter().position(|m| m == "m").unwrap();
    assert_eq!(sys.sharing.mutex_copies(b, m_in_b).map(<[_]>::len), Some(2));
    assert_eq!((sys.thread_name(0), sys.thread_name(1)), ("a/main".to_string(), "b/main".to_string()));
    // One process: no segment, and names alone.
    let (sys, _) = model::run(&scenario(1, Policy::Fcfs, None, vec![job("p", 0, "exit")])).unwrap();
    assert_eq!(sys.segment_note(0), "Other processes cannot see these variables.");
    assert_eq!(sys.thread_name(0), sys.threads[0].name);
}

/// A segment's mutex is one node of the wait-for graph, whichever process holds or waits for
/// it, named alone (the graph showed `a/m` and `b/m`, "a/main holds mutex b/m"). `a` takes m
/// (`lock` 0–1) and holds it through `compute 5`; `b` computes 0–1 and asks for m at 1–2: at
/// t = 3 a holds it and b waits.
#[test]
fn a_segment_mutex_is_one_node_of_the_wait_for_graph() {
    use threadlab::model::waitgraph::WaitGraph;
    let s = two("lock m\ncompute 5\nunlock m", "compute 1\nlock m\nunlock m", &["m"]);
    let (sys, r) = model::run(&s).unwrap();
    let snap = r.trace.as_ref().unwrap().snapshot(&sys, 2, 3);
    let g = WaitGraph::at(&sys, &snap);
    assert_eq!(g.objects.len(), 1, "{:?}", g.objects);
    let words: Vec<String> = g.edges.iter().map(|e| g.edge_words(&sys, e)).collect();
    assert_eq!(words, ["a/main holds mutex `m`", "b/main waits for mutex `m`"]);
    assert_eq!(WaitGraph::object_name(&sys, g.objects[0]), "m");
}

/// `a` alone, mapping `seg` with `x` and mutex `m` (or, if `private`, with `m` its own and `x`
/// declared in `a`): `main` takes `m` and forks; the parent then runs `parent` and the child
/// (pid 1, thread 1) `child`.
fn fork_holding(parent: &str, child: &str, private: bool) -> Scenario {
    let code = format!("lock m\nfork r1\njeq r1, 0, child\n{parent}\nexit\nchild:\n{child}");
    let mut s = forking(&code, &["m"]);
    if private {
        s.shared.clear();
        s.processes[0].variables.insert("x".into(), 0);
    }
    s
}

/// A segment's mutex is one lock: when the thread that holds it forks, it stays that thread's,
/// the parent's (POSIX: a process-shared mutex in shared memory is the same mutex for both; only
/// private memory is copied). It used to pass to the child's copy of the thread, so the child
/// "held" the parent's lock. Two CPUs, FCFS, `fork_ticks` 156: main `lock m` 0–1, `fork` 1–157;
/// the child's thread arrives at 157 on CPU 1: `jeq` 157–158, `lock m` 158–159 finds m held by
/// a/main and blocks. The parent: `jeq` 157–158, `compute 10` 158–168, `unlock m` 168–169
/// hands m to the child, which wakes at 169 holding it: `set` 169–170, `store` 170–171 (x = 7),
/// `unlock` 171–172, `exit`: it completes at 172. The parent's `wait` 169–170 blocks, and reaps
/// the child (completion 172) when woken.
#[test]
fn a_segment_mutex_held_across_fork_stays_the_parents() {
    let s = fork_holding("compute 10\nunlock m\nwait r2", "lock m\nset r0, 7\nstore r0, x\nunlock m", false);
    let (sys, r) = run(&s);
    assert_eq!(r.outcome, Outcome::Completed, "the child takes m once the parent unlocks it");
    assert_eq!(sys.processes[1].name, "a.1");
    assert_eq!((var(&r, 0, "x"), var(&r, 1, "x")), (7, 7));
    assert_eq!(r.metrics.threads[1].completion, Some(172));
    // On the page (the trace replayed): after the fork, both copies of m are a/main's (tid 0);
    // at 165 the child waits for it; from 169 the child holds it.
    let trace = r.trace.as_ref().unwrap();
    let snap = trace.snapshot(&sys, 2, 158);
    assert_eq!((snap.mutex_owners[0][0], snap.mutex_owners[1][0]), (Some(0), Some(0)));
    let snap = trace.snapshot(&sys, 2, 165);
    assert_eq!((snap.mutex_owners[0][0], snap.mutex_owners[1][0]), (Some(0), Some(0)));
    let snap = trace.snapshot(&sys, 2, 170);
    assert_eq!((snap.mutex_owners[0][0], snap.mutex_owners[1][0]), (Some(1), Some(1)));

    // The child does not own it: its `unlock m` (158–159) is a runtime error naming the owner,
    // and the parent's lock is not released behind its back.
    let s = fork_holding("compute 10\nunlock m\nwait r2", "unlock m", false);
    let (_, r) = run(&s);
    let Outcome::RuntimeError { tid, time, message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!((*tid, *time), (1, 159));
    assert!(message.contains("a/main"), "{message}");
}

/// A private mutex is copied with the address space: the caller's lock is held in the child by
/// the caller's copy (`src/model/procs.rs`), so the child unlocks its copy and the parent its
/// own, each once. Same timings as above: the child's `unlock m` 158–159, `exit`; the parent's
/// `unlock m` 168–169.
#[test]
fn a_private_mutex_held_across_fork_is_the_childs_copy() {
    let s = fork_holding("compute 10\nunlock m\nwait r2", "unlock m", true);
    let (sys, r) = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(r.metrics.threads[1].completion, Some(159));
    let snap = r.trace.as_ref().unwrap().snapshot(&sys, 2, 158);
    assert_eq!((snap.mutex_owners[0][0], snap.mutex_owners[1][0]), (Some(0), Some(1)));
}

/// A deadlock across fork on a segment's mutex names the right holder: the parent keeps m and
/// waits for its child (`wait` 157–158 blocks), the child asks for m (`lock` 158–159 blocks).
/// The holder is a/main, an ordinary holder of the one lock (not a thread `fork` left behind),
/// and the wait-for graph draws it holding m with the child waiting for it.
#[test]
fn a_deadlock_on_a_segment_mutex_across_fork_names_the_parent() {
    use threadlab::model::waitgraph::WaitGraph;
    let (sys, r) = run(&fork_holding("wait r2", "lock m", false));
    let Outcome::Deadlock { message, time, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(*time, 159);
    assert!(message.contains("a.1/main waits for mutex `m` (held by a/main)"), "{message}");
    assert!(!message.contains("did not copy"), "{message}");
    let snap = r.trace.as_ref().unwrap().snapshot(&sys, 2, 159);
    let g = WaitGraph::at(&sys, &snap);
    let words: Vec<String> = g.edges.iter().map(|e| g.edge_words(&sys, e)).collect();
    assert_eq!(words, ["a/main holds mutex `m`", "a.1/main waits for mutex `m`"]);
    assert!(g.uncopied.is_empty(), "{:?}", g.uncopied);
}

/// The segment's mutex keeps its waiters across `fork` too (they wait for the one lock): `a`
/// holds m and forks while `b` waits for it, then the child asks for it; each gets it in turn,
/// first come first. CPU 0: a/main `lock` 0–1, `fork` 1–157, `jeq` 157–158, `compute 10`
/// 158–168, `unlock` 168–169 (hands m to b), `wait` 169–170 blocks. CPU 1: b `compute` 0–1,
/// `lock` 1–2 blocks; the child (a.2, tid 2) arrives at 157: `jeq` 157–158, `lock` 158–159
/// blocks behind b. b wakes at 169 holding m: `unlock` 169–170 hands it to the child, b
/// completes at 170; the child `unlock` 170–171, completes at 171. (With the child's copy's
/// waiters cleared, its `lock` overwrote the queue and b waited for ever.)
#[test]
fn a_segment_mutex_keeps_its_waiters_across_fork() {
    let a = "lock m\nfork r1\njeq r1, 0, child\ncompute 10\nunlock m\nwait r2\nexit\nchild:\nlock m\nunlock m";
    let (sys, r) = run(&two(a, "compute 1\nlock m\nunlock m", &["m"]));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(sys.processes[2].name, "a.2");
    assert_eq!((r.metrics.threads[1].completion, r.metrics.threads[2].completion), (Some(170), Some(171)));
}

/// A child maps its parent's segment from the instant of its `fork`, so a store another process
/// makes in that same instant reaches the child's copy too. CPU 0: a/main `set` 0–1, `fork`
/// 1–157. CPU 1: b `compute 155` 0–155, `set` 155–156, `store` 156–157 (x = 9). Both complete
/// at 157, CPU 0's first (the kernel handles an instant's CPU events in CPU order): the child
/// a.2 exists when b stores. Its copy of x used to stay 0, and the page showed 0 for it.
#[test]
fn a_store_in_the_instant_of_a_fork_reaches_the_child() {
    let (sys, r) = run(&two("set r0, 1\nfork r1", "compute 155\nset r0, 9\nstore r0, x", &[]));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(sys.processes[2].name, "a.2");
    assert_eq!((var(&r, 0, "x"), var(&r, 1, "x"), var(&r, 2, "x")), (9, 9, 9));
    let snap = r.trace.as_ref().unwrap().snapshot(&sys, 2, 157);
    assert_eq!((snap.variables[0][0], snap.variables[2][0]), (9, 9));
}
