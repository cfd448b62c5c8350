//! The wait-for graph at an instant (`model::waitgraph`) and the deadlock report's cycles, on
//! hand-worked cases: the two-lock deadlock, the dining philosophers, an exited holder, a spin
//! lock cycle, a moment with no waits.

mod common;
use common::*;
use threadlab::model::scenario::{Policy, Scenario};
use threadlab::model::sync::names::ObjectKind;
use threadlab::model::trace::Trace;
use threadlab::model::waitgraph::{self, ExitedHolder, ObjectRef, WaitGraph};
use threadlab::model::{Outcome, System, Ticks};

/// Runs `s` and returns the system, the outcome and the graph at `time` (`None`: at the end).
fn graph(s: &Scenario, time: Option<Ticks>) -> (System, Outcome, WaitGraph) {
    let (sys, r) = run(s);
    let trace: Trace = r.trace.clone().expect("full trace");
    let t = time.unwrap_or_else(|| trace.end_time());
    let snap = trace.snapshot(&sys, s.machine.cpus as usize, t);
    let g = WaitGraph::at(&sys, &snap);
    (sys, r.outcome, g)
}

fn preset(key: &str) -> Scenario {
    threadlab::presets::find(key).unwrap().scenario().unwrap()
}

fn mutex(id: usize) -> ObjectRef {
    ObjectRef { pid: 0, kind: ObjectKind::Mutex, id }
}

/// (thread, object, holds, in_cycle) for each edge.
fn edges(g: &WaitGraph) -> Vec<(usize, ObjectRef, bool, bool)> {
    g.edges.iter().map(|e| (e.thread, g.objects[e.object], e.holds, e.in_cycle)).collect()
}

/// The deadlock preset at its end (t = 5): a (tid 0) took x (mutex 0) at t = 1, b (tid 1) took y
/// (mutex 1) at t = 1; after `compute 3` each asks at t = 5 for the other's lock. Two holder
/// edges, two wait edges, all on the one cycle a → b → a.
#[test]
fn the_two_lock_deadlock_is_a_cycle_of_two() {
    let (sys, outcome, g) = graph(&preset("deadlock"), None);
    assert!(matches!(outcome, Outcome::Deadlock { time: 5, .. }), "{outcome:?}");
    assert_eq!(g.threads, vec![0, 1]);
    // a's held x first, then the y it waits for.
    assert_eq!(g.objects, vec![mutex(0), mutex(1)]);
    assert_eq!(
        edges(&g),
        vec![
            (0, mutex(0), true, true),
            (1, mutex(1), true, true),
            (0, mutex(1), false, true),
            (1, mutex(0), false, true),
        ]
    );
    assert_eq!(g.cycles, vec![vec![0, 1]]);
    assert_eq!(
        g.cycle_words(&sys, &g.cycles[0]),
        "a waits for mutex `y`, held by b, which waits for mutex `x`, held by a"
    );
    assert!(g.exited.is_empty());
    // The report names the same cycle.
    let Outcome::Deadlock { message, .. } = outcome else { unreachable!() };
    assert!(message.ends_with("; a cycle: bank/a waits for bank/b, which waits for bank/a"), "{message}");
}

/// Before the deadlock, at t = 3: each holds its first lock (taken at t = 1) and computes (until
/// t = 4): two holder edges, no wait, no cycle. At t = 0 no lock is taken yet (`lock` takes 1
/// tick): an empty graph.
#[test]
fn before_the_deadlock_there_is_no_cycle_and_at_the_start_no_edge() {
    let s = preset("deadlock");
    let (_, _, g) = graph(&s, Some(3));
    assert_eq!(edges(&g), vec![(0, mutex(0), true, false), (1, mutex(1), true, false)]);
    assert!(g.cycles.is_empty() && g.exited.is_empty());
    let (_, _, g) = graph(&s, Some(0));
    assert!(g.is_empty());
    assert_eq!(g, WaitGraph::default());
}

/// The dining philosophers (OSTEP ch. 31.6) at their end, t = 5: p_i thinks (compute 2, t 0–2),
/// takes fork f_i (t = 3), computes 1 (t = 4) and at t = 5 waits for f_(i+1 mod 5), held by its
/// neighbour: one cycle of five, p0 → p1 → p2 → p3 → p4 → p0.
#[test]
fn the_dining_philosophers_deadlock_is_a_cycle_of_five() {
    let (sys, outcome, g) = graph(&preset("philosophers"), None);
    assert!(matches!(outcome, Outcome::Deadlock { time: 5, .. }), "{outcome:?}");
    assert_eq!(g.threads, vec![0, 1, 2, 3, 4]);
    assert_eq!(g.edges.len(), 10);
    assert!(g.edges.iter().all(|e| e.in_cycle));
    // p_i holds f_i (mutex i, by first use in p_i's code) and waits for f_(i+1).
    for i in 0..5 {
        let held = g.edges.iter().find(|e| e.holds && e.thread == i).unwrap();
        let wants = g.edges.iter().find(|e| !e.holds && e.thread == i).unwrap();
        assert_eq!(WaitGraph::object_name(&sys, g.objects[held.object]), format!("f{i}"));
        assert_eq!(WaitGraph::object_name(&sys, g.objects[wants.object]), format!("f{}", (i + 1) % 5));
    }
    assert_eq!(g.cycles, vec![vec![0, 1, 2, 3, 4]]);
    assert_eq!(
        g.cycle_words(&sys, &g.cycles[0]),
        "p0 waits for mutex `f1`, held by p1, which waits for mutex `f2`, held by p2, which waits for mutex `f3`, \
         held by p3, which waits for mutex `f4`, held by p4, which waits for mutex `f0`, held by p0"
    );
    let Outcome::Deadlock { message, .. } = outcome else { unreachable!() };
    assert!(
        message.ends_with(
            "; a cycle: table/p0 waits for table/p1, which waits for table/p2, which waits for table/p3, which waits \
             for table/p4, which waits for table/p0"
        ),
        "{message}"
    );
}

/// main takes m (t = 1), computes 2 and exits at t = 3 still holding it; late computes 5 and
/// asks for m at t = 6: it waits for an exited holder. No cycle; the graph and the report name
/// the exited holder in the same words.
#[test]
fn a_wait_on_an_exited_holder_is_named_and_is_no_cycle() {
    let mut p = job("p", 0, "lock m\ncompute 2");
    p.threads.push(thread("late", "compute 5\nlock m\nunlock m"));
    let (sys, outcome, g) = graph(&scenario(2, Policy::Fcfs, None, vec![p]), None);
    assert!(g.cycles.is_empty());
    assert_eq!(g.threads, vec![0, 1]);
    assert_eq!(edges(&g), vec![(0, mutex(0), true, false), (1, mutex(0), false, false)]);
    assert_eq!(g.exited, vec![ExitedHolder { waiter: 1, holder: 0 }]);
    assert_eq!(
        g.exited_words(&sys, g.exited[0]),
        "late waits for mutex `m`, held by main, which exited without unlocking"
    );
    let Outcome::Deadlock { time, message, .. } = outcome else { panic!("{outcome:?}") };
    assert_eq!(time, 6);
    assert_eq!(message, "deadlock at t=6: p/late waits for mutex `m` (held by p/main, which exited without unlocking)");
}

/// Two spin locks taken in opposite orders on two CPUs: a takes s (t = 1), b takes u (t = 1);
/// after `compute 3` (t = 4) each retries the other's lock 1 tick at a time, for ever (a
/// livelock: the run stops at its step budget, not as a deadlock). At t = 10 both spin: a cycle
/// of two whose words say "spins on".
#[test]
fn spinning_threads_in_opposite_orders_form_a_cycle() {
    let mut p = job("p", 0, "spin_lock s\ncompute 3\nspin_lock u\nspin_unlock u\nspin_unlock s");
    p.threads[0].name = "a".into();
    p.threads.push(thread("b", "spin_lock u\ncompute 3\nspin_lock s\nspin_unlock s\nspin_unlock u"));
    let mut s = scenario(2, Policy::Fcfs, None, vec![p]);
    s.limits.max_steps = 100;
    let (sys, outcome, g) = graph(&s, Some(10));
    assert!(matches!(outcome, Outcome::BudgetExceeded { .. }), "{outcome:?}");
    assert_eq!(g.cycles, vec![vec![0, 1]]);
    assert_eq!(
        g.cycle_words(&sys, &g.cycles[0]),
        "a spins on spin lock `u`, held by b, which spins on spin lock `s`, held by a"
    );
}

/// A semaphore has no holder: a wait on one is an edge to it and nothing more. main waits at
/// t = 1 on `sem_wait a` (a starts at 0) and nobody posts.
#[test]
fn a_wait_on_a_semaphore_has_no_holder_edge() {
    let mut p = job("p", 0, "sem_wait a");
    p.semaphores.insert("a".into(), threadlab::model::scenario::SemaphoreSpec { initial: 0, max: None });
    let (_, outcome, g) = graph(&scenario(1, Policy::Fcfs, None, vec![p]), None);
    assert!(matches!(outcome, Outcome::Deadlock { .. }), "{outcome:?}");
    assert_eq!(edges(&g), vec![(0, ObjectRef { pid: 0, kind: ObjectKind::Semaphore, id: 0 }, false, false)]);
    assert!(g.cycles.is_empty() && g.exited.is_empty());
}

/// The cycle search on hand-drawn thread graphs: 0 → 1 → 2 → 0 with a tail 3 → 0, and a
/// separate 4 ⇄ 5: two cycles, each listed from the thread where the search met it first.
/// 6 waits for a lock held by two readers 7 and 8, and 8 waits for 6: one cycle, 6 → 8 → 6.
#[test]
fn the_cycle_search_finds_each_cycle_once() {
    let succ = vec![vec![1], vec![2], vec![0], vec![0], vec![5], vec![4], vec![7, 8], vec![], vec![6]];
    assert_eq!(waitgraph::cycles(&succ), vec![vec![0, 1, 2], vec![4, 5], vec![6, 8]]);
    assert!(waitgraph::cycles(&[vec![1], vec![2], vec![]]).is_empty());
    let name = |t: usize| ["a", "b", "c"][t].to_string();
    assert_eq!(waitgraph::cycle_sentence(&[0, 1, 2], name), "a waits for b, which waits for c, which waits for a");
}

/// The text equivalent of the two-lock deadlock's graph: one sentence per edge.
#[test]
fn each_edge_has_words() {
    let (sys, _, g) = graph(&preset("deadlock"), None);
    let words: Vec<String> = g.edges.iter().map(|e| g.edge_words(&sys, e)).collect();
    assert_eq!(words, ["a holds mutex `x`", "b holds mutex `y`", "a waits for mutex `y`", "b waits for mutex `x`"]);
}

/// The page's markup of the graph (`page::wait_graph`): at the deadlock's end four arrows, all
/// drawn as the cycle's, two "cycle" labels (one per wait), the cycle's words and four list items;
/// at t = 3 two plain holder arrows and no cycle; at t = 0 a sentence and no drawing.
#[test]
fn the_page_draws_and_words_the_graph() {
    use threadlab::page::wait_graph::{body, has_objects, summary};
    let s = preset("deadlock");
    let (sys, r) = run(&s);
    let trace = r.trace.expect("full trace");
    let at = |t: Ticks| {
        let snap = trace.snapshot(&sys, 2, t);
        let g = WaitGraph::at(&sys, &snap);
        (summary(&g), body(&sys, &g, &snap))
    };
    let (title, end) = at(5);
    assert_eq!(title, "a cycle of waits: deadlock");
    assert_eq!(end.matches("<line class=\"wg-edge").count(), 4);
    assert_eq!(end.matches("<line class=\"wg-edge wg-holds wg-cycle\"").count(), 2);
    assert_eq!(end.matches("<line class=\"wg-edge wg-cycle\"").count(), 2);
    // One label per cycle (it was one per wait on the cycle).
    assert_eq!(end.matches(">cycle</text>").count(), 1);
    assert!(end.contains(
        "<strong>Cycle:</strong> a waits for mutex <code>y</code>, held by b, which waits for mutex <code>x</code>, held \
         by a.</p>"
    ));
    assert_eq!(end.matches("<li>").count(), 4);
    let (title, before) = at(3);
    assert_eq!(title, "2 held, 0 waiting");
    assert_eq!(before.matches("<line class=\"wg-edge wg-holds\"").count(), 2);
    assert!(!before.contains("wg-cycle\"") && !before.contains("Cycle:"));
    let (title, start) = at(0);
    assert_eq!(title, "nothing held, nobody waits");
    assert!(!start.contains("<svg") && start.contains("No thread holds"));
    assert!(has_objects(&sys));
    let (single, _) = run(&preset("single-thread"));
    assert!(!has_objects(&single));
}

/// The philosophers' cycle of five is labelled once (the walk saw two "cycle" labels drawn on
/// each other at p3: one per wait arrow, p4 → f0 crossing p3 → f4).
#[test]
fn the_philosophers_cycle_has_one_label() {
    use threadlab::page::wait_graph::body;
    let s = preset("philosophers");
    let (sys, r) = run(&s);
    let trace = r.trace.expect("full trace");
    let snap = trace.snapshot(&sys, 2, 5);
    let g = WaitGraph::at(&sys, &snap);
    assert_eq!(g.cycles.len(), 1);
    let svg = body(&sys, &g, &snap);
    assert_eq!(svg.matches(r#"<text class="wg-cycle-label""#).count(), 1, "{svg}");
}

/// An exited holder is drawn as such (dashed box, "exited") and said in words.
#[test]
fn the_page_names_an_exited_holder() {
    let mut p = job("p", 0, "lock m\ncompute 2");
    p.threads.push(thread("late", "compute 5\nlock m\nunlock m"));
    let s = scenario(2, Policy::Fcfs, None, vec![p]);
    let (sys, r) = run(&s);
    let trace = r.trace.expect("full trace");
    let snap = trace.snapshot(&sys, 2, 6);
    let body = threadlab::page::wait_graph::body(&sys, &WaitGraph::at(&sys, &snap), &snap);
    assert!(body.contains("<g class=\"wg-thread wg-exited\"><title>thread main (exited)</title>"), "{body}");
    assert!(body.contains(
        "<strong>No cycle:</strong> late waits for mutex <code>m</code>, held by main, which exited without unlocking.</p>"
    ));
}

/// fork-held-lock at its deadlock (t = 417): app.1/main waits for its copy of `log`, which the
/// fork left held by app/logger, a thread app.1 does not have. The graph gave logger an edge to
/// app.1's copy and said it "exited without unlocking"; now the copy has no holder edge and the
/// words give the real reason (as the outcome banner does).
#[test]
fn a_forked_copy_held_by_an_uncopied_thread_is_said_so() {
    let (sys, _, g) = graph(&preset("fork-held-lock"), None);
    let tid =
        |p: &str, t: &str| sys.threads.iter().find(|x| sys.processes[x.pid].name == p && x.name == t).unwrap().tid;
    let (child, logger) = (tid("app.1", "main"), tid("app", "logger"));
    assert!(g.exited.is_empty(), "{:?}", g.exited);
    assert_eq!(g.uncopied, vec![ExitedHolder { waiter: child, holder: logger }]);
    assert_eq!(
        g.uncopied_words(&sys, g.uncopied[0]),
        "app.1/main waits for mutex `log`, held in app by app/logger, a thread that `fork` did not copy into app.1: \
         no thread of app.1 can unlock it"
    );
    assert!(!g.edges.iter().any(|e| e.holds && e.thread == logger && g.objects[e.object].pid == 1));
}

/// A channel is the scenario's, not its first process's: in ipc-messages the graph names it
/// `items` (it said `producer/items`, as if the producer owned it).
#[test]
fn a_channel_is_named_alone() {
    let s = preset("ipc-messages");
    let (sys, _) = run(&s);
    let obj = ObjectRef { pid: 0, kind: ObjectKind::Channel, id: 0 };
    assert_eq!(WaitGraph::object_name(&sys, obj), "items");
    assert_eq!(WaitGraph::object_name(&sys, ObjectRef { pid: 1, ..obj }), "items");
}
