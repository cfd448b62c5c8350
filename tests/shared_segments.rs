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
