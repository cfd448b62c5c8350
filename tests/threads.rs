//! Threads that start, join and exit with a value (`create`, `join`, `exit v`; issue 8's first
//! step). Each expected number is worked by hand in its test's comment, from the costs in
//! `program::INSTRUCTIONS`: `create` takes `machine.thread_create_ticks` (default 14: the
//! 13.62 µs measured, `measure/creation-results.json`), `join` 1 tick (and 1 more when woken, as
//! `cond_wait`), `store`/`set`/`add` 1, `exit` 0. One CPU, FCFS and free switches unless said.

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::model::explore::{self, EndKind};
use threadlab::model::scenario::{DEFAULT_THREAD_CREATE_TICKS, FORMAT, Scenario};
use threadlab::model::trace::{Cause, ThreadState, What};
use threadlab::model::{self, Outcome, RunResult, System};

/// One process `p` (variable `result`, 0) whose main thread runs `main`, with `slots` threads
/// `w1`, `w2`, … declared `"start": "created"` running program `worker` = `worker`, on `cpus`
/// CPUs, FCFS.
fn with_workers(main: &str, worker: &str, slots: usize, cpus: u32, extra_machine: &str) -> Scenario {
    let lines = |code: &str| serde_json::to_string(&code.lines().collect::<Vec<_>>()).unwrap();
    let workers: Vec<String> =
        (1..=slots).map(|i| format!(r#"{{ "name": "w{i}", "program": "worker", "start": "created" }}"#)).collect();
    let text = format!(
        r#"{{
  "format": {FORMAT},
  "name": "threads",
  "machine": {{ "cpus": {cpus}{extra_machine} }},
  "processes": [{{
    "name": "p",
    "variables": {{ "result": 0 }},
    "programs": {{ "worker": {worker} }},
    "threads": [ {{ "name": "main", "code": {main} }}{sep}{workers} ]
  }}]
}}"#,
        main = lines(main),
        worker = lines(worker),
        sep = if slots > 0 { ", " } else { "" },
        workers = workers.join(", "),
    );
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn go(s: &Scenario) -> (System, RunResult) {
    model::run(s).expect("valid")
}

/// When thread `tid` first became ready (its arrival or creation), from the trace.
fn first_ready(r: &RunResult, tid: usize) -> Option<u64> {
    let trace = r.trace.as_ref().unwrap();
    trace.events.iter().find_map(|e| match e.what {
        What::State { tid: t, state: ThreadState::Ready, .. } if t == tid => Some(e.time),
        _ => None,
    })
}

/// main: create 0–14 (w1 ready at 14); join 14–15 finds w1 live and blocks at 15. w1 (tid 1):
/// compute 5 at 15–20, `exit 7` at 20 (free), which wakes main; main's join runs again 20–21
/// and takes 7; store 21–22. So w1 arrives 14, first runs 15, ends 20 (turnaround 6, response
/// 1); main ends 22 having waited 5 ticks (15–20) in its join; `result` = 7.
#[test]
fn create_join_and_exit_value() {
    let s = with_workers("create r1, worker\njoin r1\nstore r1, result", "compute 5\nexit 7", 1, 1, "");
    let (_, r) = go(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(var(&r, 0, "result"), 7);
    let w = &r.metrics.threads[1];
    assert_eq!((w.arrival, w.first_run, w.completion), (Some(14), Some(15), Some(20)));
    assert_eq!((w.turnaround, w.response), (Some(6), Some(1)));
    let main = &r.metrics.threads[0];
    assert_eq!((main.completion, main.lock_wait, main.cpu_time), (Some(22), 5, 14 + 1 + 1 + 1));
    // The trace: w1 is not ready before the create completes, and it exits with 7; main joins it.
    assert_eq!(first_ready(&r, 1), Some(14));
    let events = &r.trace.as_ref().unwrap().events;
    assert!(events.iter().any(|e| e.time == 20
        && e.what == What::State { tid: 1, state: ThreadState::Terminated, cause: Cause::Exited { value: 7 } }));
    assert!(events.iter().any(|e| e.time == 21 && e.what == What::Joined { tid: 0, thread: 1, reg: 1, value: 7 }));
}

/// The creation cost is the machine's: with `thread_create_ticks` 3, w1 is ready at 3 (not 14),
/// runs `compute 5` at 4–9 after main's join blocks at 4 (3 + 1), and main ends at
/// 9 + 1 (join again) + 1 (store) = 11.
#[test]
fn creation_costs_the_machines_ticks() {
    assert_eq!(DEFAULT_THREAD_CREATE_TICKS, 14, "13.62 µs measured, rounded");
    let s = with_workers(
        "create r1, worker\njoin r1\nstore r1, result",
        "compute 5\nexit 7",
        1,
        1,
        r#", "thread_create_ticks": 3"#,
    );
    let (_, r) = go(&s);
    assert_eq!(first_ready(&r, 1), Some(3));
    assert_eq!(r.metrics.threads[0].completion, Some(11));
    // The timeline shows main's create as one run of 3 ticks from t=0 on CPU 0.
    let iv = &r.trace.as_ref().unwrap().intervals[0];
    assert_eq!((iv.tid, iv.start, iv.end), (0, 0, 4), "create 0–3 then join 3–4 in one run");
}

/// Running off the end exits with 0; `exit r2` exits with r2's value. Two CPUs: main creates
/// w1 (0–14) and w2 (14–28); w1 runs on CPU 1 from 14: `set r2, 5` 14–15, then exits (w1's
/// program ends with `exit r2`) at 15. main computes 28–38, joins w1 at 38–39 (already exited:
/// no wait, r1 = 5), joins w2 at 39–40: w2 started at 28 on CPU 1 and ended 29 with 5 too.
#[test]
fn a_join_of_an_exited_thread_does_not_wait() {
    let s = with_workers(
        "create r1, worker\ncreate r3, worker\ncompute 10\njoin r1\njoin r3\nadd r1, r3\nstore r1, result",
        "set r2, 5\nexit r2",
        2,
        2,
        "",
    );
    let (_, r) = go(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(var(&r, 0, "result"), 10);
    assert_eq!(r.metrics.threads[0].lock_wait, 0, "main never waited");
    assert_eq!(r.metrics.threads[1].completion, Some(15));
    assert_eq!(r.metrics.threads[2].completion, Some(29));
    // 14 + 14 + 10 + 1 + 1 + 1 + 1
    assert_eq!(r.metrics.threads[0].completion, Some(42));

    let off_the_end = with_workers("create r1, worker\njoin r1\nstore r1, result", "set r1, 9", 1, 1, "");
    let (_, r) = go(&off_the_end);
    assert_eq!(var(&r, 0, "result"), 0, "running off the end exits with 0");
}

/// A loop creating 3 workers with 2 slots: creates at 0–14 and 14–28 start w1 and w2; the third,
/// 28–42, finds no slot: a runtime error at t=42, line 2, in p/main.
#[test]
fn no_slot_left_is_a_located_runtime_error() {
    let s = with_workers("loop 3\n  create r1, worker\nend", "compute 1", 2, 1, "");
    let (_, r) = go(&s);
    match r.outcome {
        Outcome::RuntimeError { time, ref thread, line, ref message, .. } => {
            assert_eq!((time, thread.as_str(), line), (42, "p/main", 2));
            assert!(message.starts_with("no thread left to create running `worker`"), "{message}");
            assert!(message.contains("\"start\": \"created\""), "{message}");
            assert!(message.ends_with("(this process declares 2, all started)"), "{message}");
        }
        ref other => panic!("{other:?}"),
    }
    // No slot runs `worker` at all: the first create (0–14) fails at t=14, line 1.
    let none = with_workers("create r1, worker", "compute 1", 0, 1, "");
    let (time, line, message) = runtime_error(&none);
    assert_eq!((time, line), (14, 1));
    assert!(message.ends_with("(this process declares none)"), "{message}");
    // One slot, already started by the first create: the second fails at t=28, line 2.
    let one = with_workers("create r1, worker\ncreate r2, worker", "compute 1", 1, 1, "");
    let (time, line, message) = runtime_error(&one);
    assert_eq!((time, line), (28, 2));
    assert!(message.ends_with("(this process declares 1, already started)"), "{message}");
}

/// Three slots, but main creates only w1 (0–14) and joins it: the join 14–15 blocks (one CPU),
/// w1 computes 15–16 and exits at 16, main's join runs again 16–17 and main ends at 17 (as in
/// `create_join_and_exit_value`). w2 and w3 never start. The run
/// ends with every started thread finished, and the outcome names the two slots never created;
/// its JSON keeps `kind: completed` and adds `never_created`.
#[test]
fn slots_never_created_are_named_in_the_outcome() {
    let s = with_workers("create r1, worker\njoin r1", "compute 1", 3, 1, "");
    let (_, r) = go(&s);
    let never = vec!["p/w2".to_string(), "p/w3".to_string()];
    assert_eq!(r.outcome, Outcome::CompletedUncreated { never_created: never.clone() });
    assert!(r.outcome.is_completed());
    assert_eq!(r.outcome.kind(), "completed");
    assert_eq!(r.metrics.threads[0].completion, Some(17));
    assert_eq!(r.metrics.threads[2].first_run, None);
    let message = r.outcome.message();
    assert!(!message.contains("every thread finished"), "{message}");
    assert_eq!(
        message,
        "every started thread finished, but 2 thread slots were never created: p/w2, p/w3 (no `create` started them)"
    );
    let json = serde_json::to_value(&r.outcome).unwrap();
    assert_eq!(json, serde_json::json!({ "kind": "completed", "never_created": never }));
    // The page's worker sends the outcome as bytes: it comes back whole.
    let bytes = threadlab::messaging::wire::RunBytes::from_result(r.clone()).encode();
    let back = threadlab::messaging::wire::RunBytes::decode(&bytes).expect("decodes");
    assert_eq!(back.outcome, r.outcome);
    // Every slot created: plain `completed`, with no `never_created`.
    let all = with_workers("create r1, worker\njoin r1", "compute 1", 1, 1, "");
    let (_, r) = go(&all);
    assert_eq!(serde_json::to_value(&r.outcome).unwrap(), serde_json::json!({ "kind": "completed" }));
    assert_eq!(r.outcome.message(), "every thread finished");
}

/// A slot never created never existed: its metrics have no arrival (JSON `null`), no first run,
/// completion, turnaround or response, and counts of 0; a created slot keeps its number. Same
/// run as `slots_never_created_are_named_in_the_outcome`: w1 is created when main's `create`
/// ends at 14 (its arrival), w2 and w3 never. The averages are over finished threads only
/// (main and w1), so the slots do not move them.
#[test]
fn slots_never_created_have_no_arrival_in_the_metrics() {
    let s = with_workers("create r1, worker\njoin r1", "compute 1", 3, 1, "");
    let (_, r) = go(&s);
    assert_eq!(r.metrics.threads[0].arrival, Some(0));
    assert_eq!(r.metrics.threads[1].arrival, Some(14));
    for t in &r.metrics.threads[2..] {
        assert_eq!((t.arrival, t.first_run, t.completion, t.turnaround, t.response), (None, None, None, None, None));
        assert_eq!((t.waiting, t.cpu_time, t.io_time, t.lock_wait), (0, 0, 0, 0));
        let json = serde_json::to_value(t).unwrap();
        assert_eq!(json["arrival"], serde_json::Value::Null, "{json}");
    }
    assert_eq!(serde_json::to_value(&r.metrics.threads[1]).unwrap()["arrival"], serde_json::json!(14));
    // The page's worker sends the metrics as bytes: the missing arrival comes back missing.
    let bytes = threadlab::messaging::wire::RunBytes::from_result(r.clone()).encode();
    let back = threadlab::messaging::wire::RunBytes::decode(&bytes).expect("decodes");
    assert_eq!(back.metrics.threads, r.metrics.threads);
}

fn runtime_error(s: &Scenario) -> (u64, u32, String) {
    match go(s).1.outcome {
        Outcome::RuntimeError { time, line, message, .. } => (time, line, message),
        other => panic!("expected a runtime error, got {other:?}"),
    }
}

/// POSIX pthread_join's refusals, each located: main is tid 0, w1 tid 1.
#[test]
fn bad_joins_are_located_runtime_errors() {
    // r0 = 0 is main itself: EDEADLK, at the join's end, t=1, line 1.
    let (t, line, m) = runtime_error(&with_workers("join r0", "compute 1", 1, 1, ""));
    assert_eq!((t, line), (1, 1));
    assert!(m.contains("itself") && m.contains("EDEADLK"), "{m}");
    // 99 is no thread: set 0–1, join 1–2.
    let (t, line, m) = runtime_error(&with_workers("set r0, 99\njoin r0", "compute 1", 1, 1, ""));
    assert_eq!((t, line), (2, 2));
    assert!(m.contains("thread id 99") && m.contains("ESRCH"), "{m}");
    // tid 1 is w1's slot, not created yet.
    let (t, line, m) = runtime_error(&with_workers("set r0, 1\njoin r0", "compute 1", 1, 1, ""));
    assert_eq!((t, line), (2, 2));
    assert!(m.contains("p/w1") && m.contains("no `create` has started") && m.contains("ESRCH"), "{m}");
    // Joined twice: create 0–14, set r2 ← r1 (1 tick, 14–15), join 15–16 blocks, w1 runs 16–17
    // and exits, the join runs again 17–18; the second join 18–19 is refused.
    let (t, line, m) =
        runtime_error(&with_workers("create r1, worker\nadd r2, r1\njoin r1\njoin r2", "compute 1", 1, 1, ""));
    assert_eq!((t, line), (19, 4));
    assert!(m.contains("p/w1") && m.contains("p/main has joined") && m.contains("EINVAL"), "{m}");
}

/// Two threads joining each other: main (tid 0) joins t1, t1 joins main. main: set 0–1, join
/// 1–2 blocks; t1: set 2–3, join 3–4 blocks. Deadlock at 4, a cycle named in the report.
#[test]
fn a_join_cycle_is_a_deadlock_named_in_the_report() {
    let mut p = job("p", 0, "set r0, 1\njoin r0");
    p.threads.push(thread("t1", "set r0, 0\njoin r0"));
    let s = scenario(1, threadlab::model::scenario::Policy::Fcfs, None, vec![p]);
    let (_, r) = go(&s);
    let Outcome::Deadlock { time, waits, message } = r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(time, 4);
    assert_eq!(waits.len(), 2);
    assert_eq!(waits[0].waits_for.get("thread").map(String::as_str), Some("t1"));
    assert_eq!(waits[0].holder.as_deref(), Some("p/t1"));
    assert!(message.contains("p/main waits for thread `t1` to exit (it has not exited)"), "{message}");
    assert!(message.contains("a cycle: p/main waits for p/t1, which waits for p/main"), "{message}");
}

/// The wait-for graph at the deadlock: two join edges, both on the cycle, in words.
#[test]
fn the_wait_for_graph_has_join_edges() {
    let mut p = job("p", 0, "set r0, 1\njoin r0");
    p.threads.push(thread("t1", "set r0, 0\njoin r0"));
    let s = scenario(1, threadlab::model::scenario::Policy::Fcfs, None, vec![p]);
    let (sys, r) = go(&s);
    let snap = r.trace.as_ref().unwrap().snapshot(&sys, 1, 4);
    let g = threadlab::model::waitgraph::WaitGraph::at(&sys, &snap);
    assert_eq!(g.joins.len(), 2);
    assert!(g.joins.iter().all(|j| j.in_cycle));
    assert_eq!(g.cycles, vec![vec![0, 1]]);
    assert_eq!(g.join_words(&sys, &g.joins[0]), "main waits for thread `t1` to exit");
    assert_eq!(
        g.cycle_words(&sys, &g.cycles[0]),
        "main waits for thread `t1` to exit, which waits for thread `main` to exit"
    );
}

/// The page's panel draws each join as a box "thread's exit" held by the thread joined, and
/// lists the joins in words, on the cycle.
#[test]
fn the_wait_graph_panel_draws_and_lists_joins() {
    use threadlab::page::wait_graph::{body, has_objects, summary};
    let mut p = job("p", 0, "set r0, 1\njoin r0");
    p.threads.push(thread("t1", "set r0, 0\njoin r0"));
    let s = scenario(1, threadlab::model::scenario::Policy::Fcfs, None, vec![p]);
    let (sys, r) = go(&s);
    assert!(has_objects(&sys), "a program that joins shows the panel");
    let snap = r.trace.as_ref().unwrap().snapshot(&sys, 1, 4);
    let g = threadlab::model::waitgraph::WaitGraph::at(&sys, &snap);
    assert_eq!(summary(&g), "a cycle of waits: deadlock");
    let html = body(&sys, &g, &snap);
    assert_eq!(html.matches(">thread's exit</text>").count(), 2, "{html}");
    assert!(html.contains("<li>main waits for thread <code>t1</code> to exit<span class=\"wg-on-cycle\">"), "{html}");
    assert!(html.contains("the exit of thread t1, which main joins"), "{html}");
}

/// The panel's heading counts what it draws: main blocked in `join` (create 0–14, join 14–15
/// blocks; w1 computes 15–20) at t = 17 is one wait (main → "thread's exit") and one held (the
/// exit → w1), so "1 held, 1 waiting", not "0 held".
#[test]
fn the_wait_graph_heading_counts_a_joined_threads_exit_as_held() {
    use threadlab::page::wait_graph::{body, summary};
    let s = with_workers("create r1, worker\njoin r1", "compute 5", 1, 1, "");
    let (sys, r) = go(&s);
    let snap = r.trace.as_ref().unwrap().snapshot(&sys, 1, 17);
    let g = threadlab::model::waitgraph::WaitGraph::at(&sys, &snap);
    let html = body(&sys, &g, &snap);
    let held = html.matches(r#"<line class="wg-edge wg-holds"#).count();
    let waiting =
        html.matches(r#"<line class="wg-edge""#).count() + html.matches(r#"<line class="wg-edge wg-cycle""#).count();
    assert_eq!((held, waiting), (1, 1), "{html}");
    assert_eq!(summary(&g), format!("{held} held, {waiting} waiting"));
}

/// The code view's "next" mark is the instruction the thread runs next, from the trace: main
/// of preset threads-create-join in a `create` (line 2, PC 1) goes on to its loop's `end`
/// (PC 2, no ticks) and, with rounds left, back to the `create` at the same instant, so next
/// is PC 1 (line 2), not the `end` line; in the last round next is `set r4, 1` (PC 3, line 4).
#[test]
fn the_next_instruction_follows_the_loop_back() {
    use threadlab::model::trace::What;
    use threadlab::page::run::Run;
    let text = include_str!("../presets/threads-create-join.json");
    let run = Run::from_json(text).unwrap();
    let creates: Vec<u64> =
        (run.trace.events.iter()).filter(|e| matches!(e.what, What::Pc { tid: 0, pc: 1 })).map(|e| e.time).collect();
    assert_eq!(creates.len(), 4, "four rounds of the create loop");
    let prog = run.system.program_of(0);
    for &t in &creates[..3] {
        assert_eq!(run.next_pc(0, t), Some(1), "at t={t}");
        assert_eq!(prog.lines[1], 2);
    }
    assert_eq!(run.next_pc(0, creates[3]), Some(3));
    assert_eq!(prog.lines[3], 4);
    // main's last instruction (`store r2, total`, PC 11) has no next: it runs off the end.
    let end = run.result.metrics.threads[0].completion.unwrap();
    assert_eq!(run.next_pc(0, end), None);
}

/// A runtime error belongs to its thread from the instant its instruction failed: `join r0`
/// (main joins itself) fails at t=1 (the join's tick), line 1.
#[test]
fn the_failing_thread_is_known_from_the_failure_on() {
    use threadlab::page::run::Run;
    let run = Run::load(with_workers("join r0", "compute 1", 1, 1, "")).unwrap();
    assert_eq!(run.fault_of(0, 0), None, "still running its join");
    let m = run.fault_of(0, 1).expect("failed at t=1");
    assert!(m.contains("EDEADLK"), "{m}");
    assert!(run.fault_of(0, 5).is_some());
    assert_eq!(run.fault_of(1, 1), None, "w1 did nothing wrong");
}

/// Memory: code 4096 + data 4096 + one 8192-byte stack per thread that started. With main and
/// 3 slots, 2 created: at load 4096 + 4096 + 8192 = 16,384 bytes; at the end 3 stacks,
/// 4096 + 4096 + 3 × 8192 = 32,768.
#[test]
fn a_created_thread_adds_its_stack_when_it_starts() {
    let s = with_workers("create r1, worker\ncreate r1, worker", "compute 1", 3, 1, "");
    let (sys, r) = go(&s);
    assert_eq!(sys.processes[0].memory_bytes, 16_384);
    assert_eq!((r.metrics.memory[0].threads, r.metrics.memory[0].bytes), (3, 32_768));
    // The slot never created never ran; the run still completes, and its outcome names it.
    assert_eq!(r.outcome, Outcome::CompletedUncreated { never_created: vec!["p/w3".into()] });
    assert_eq!(r.metrics.threads[3].first_run, None);
}

/// The thread table's states from the trace: at t=10 (during main's create) w1 is new (not
/// started); at the end w1 exited with 7 and was joined.
#[test]
fn snapshots_show_not_started_exit_values_and_joins() {
    let s = with_workers("create r1, worker\njoin r1\nstore r1, result", "compute 5\nexit 7", 1, 1, "");
    let (sys, r) = go(&s);
    let trace = r.trace.as_ref().unwrap();
    let early = trace.snapshot(&sys, 1, 10);
    assert_eq!(early.threads[1].state, ThreadState::New);
    let at_20 = trace.snapshot(&sys, 1, 20);
    assert_eq!((at_20.threads[1].exit_value, at_20.threads[1].joined), (Some(7), false));
    let end = trace.snapshot(&sys, 1, 22);
    assert_eq!((end.threads[1].exit_value, end.threads[1].joined), (Some(7), true));
    assert_eq!(end.threads[0].registers[1], 7);
}

/// The explorer: main creates w1 and both increment `result` without a lock (load, add,
/// store); main then joins. Final values 1 (a lost update) or 2, every run completed.
#[test]
fn the_explorer_runs_created_threads() {
    let s = with_workers(
        "create r1, worker\nload r0, result\nadd r0, 1\nstore r0, result\njoin r1",
        "load r0, result\nadd r0, 1\nstore r0, result",
        1,
        1,
        "",
    );
    let x = explore::explore(&s, explore::DEFAULT_LIMIT).unwrap();
    let ends: Vec<(EndKind, Vec<i64>)> = x.finals.iter().map(|f| (f.end, f.values.clone())).collect();
    assert_eq!(ends, vec![(EndKind::Completed, vec![1]), (EndKind::Completed, vec![2])]);
    let every = explore::explore_with(&s, explore::DEFAULT_LIMIT, explore::Reduction::None).unwrap();
    assert_eq!(every.finals.iter().map(|f| (f.end, f.values.clone())).collect::<Vec<_>>(), ends);
    // Each schedule replays to its final state in the kernel.
    for f in &x.finals {
        let (_, r, _) = threadlab::model::schedule::replay(&s, &f.schedule).unwrap();
        assert_eq!(var(&r, 0, "result"), f.values[0], "schedule {}", f.schedule);
    }
}

/// The explorer finds the join cycle: whatever the order, main and t1 each join the other
/// (neither exits first), so every schedule deadlocks.
#[test]
fn the_explorer_finds_a_join_cycle() {
    let mut p = job("p", 0, "set r0, 1\njoin r0");
    p.threads.push(thread("t1", "set r0, 0\njoin r0"));
    let s = scenario(1, threadlab::model::scenario::Policy::Fcfs, None, vec![p]);
    let x = explore::explore(&s, explore::DEFAULT_LIMIT).unwrap();
    assert_eq!(x.finals.len(), 1);
    assert_eq!(x.finals[0].end, EndKind::Deadlock);
    let Outcome::Deadlock { message, .. } = &x.finals[0].outcome else { panic!() };
    assert!(message.contains("a cycle: p/main waits for p/t1, which waits for p/main"), "{message}");
}

/// The scenario's checks: the main thread cannot wait for a `create`, a created thread has no
/// arrival, and it runs a named program.
#[test]
fn start_created_is_checked() {
    let bad = |threads: &str| {
        let text = format!(
            r#"{{ "name": "x", "processes": [{{ "name": "p", "programs": {{ "worker": ["compute 1"] }},
               "threads": [{threads}] }}] }}"#
        );
        Scenario::from_json(&text).and_then(|s| model::run(&s).map(|_| ())).unwrap_err()
    };
    let e = bad(r#"{ "name": "main", "program": "worker", "start": "created" }"#);
    assert_eq!(e.path, "processes[0].threads[0].start");
    let e = bad(
        r#"{ "name": "main", "code": "compute 1" }, { "name": "w", "program": "worker", "start": "created", "arrival": 3 }"#,
    );
    assert_eq!(e.path, "processes[0].threads[1].arrival");
    let e = bad(r#"{ "name": "main", "code": "compute 1" }, { "name": "w", "code": "compute 1", "start": "created" }"#);
    assert_eq!(e.path, "processes[0].threads[1].start");
    // `create` of a program the process does not have: a parse error at its line and column.
    let e = bad(r#"{ "name": "main", "code": "compute 1\ncreate r1, wroker" }"#);
    assert_eq!(e.path, "processes[0].threads[0].code");
    assert!(e.message.contains("no program `wroker`") && e.message.contains("it has worker"), "{}", e.message);
}

/// A scenario with created threads writes `"start": "created"` and reads back the same; one
/// without writes no `start` and no `thread_create_ticks` at its default (older files read as
/// before).
#[test]
fn the_format_round_trips() {
    let s = with_workers("create r1, worker", "exit 3", 1, 1, r#", "thread_create_ticks": 20"#);
    let json = s.to_json();
    assert!(json.contains(r#""start": "created""#) && json.contains(r#""thread_create_ticks": 20"#));
    assert_eq!(Scenario::from_json(&json).unwrap(), s);
    let plain = scenario(1, threadlab::model::scenario::Policy::Fcfs, None, vec![job("p", 0, "compute 1")]);
    let json = plain.to_json();
    assert!(!json.contains("start") && !json.contains("thread_create_ticks"), "{json}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the CPUs, creation cost, policy quantum and work: the k-th created worker
    /// (k = 0, 1, …) becomes ready no earlier than (k + 1) × the creation cost (its creator
    /// spent that much CPU on creates), never runs before it is ready, and the joins sum the
    /// exit values (each worker exits with 7: the sum is 7n).
    #[test]
    fn created_threads_never_run_before_their_create_completes(
        n in 1usize..5, cpus in 1u32..4, ticks in 0u64..20, work in 1u64..8, rr in proptest::bool::ANY,
    ) {
        // Main creates n workers, then joins tids 1, 2, …, n (counting in r3), summing in r2.
        let main = format!(
            "loop {n}\n  create r1, worker\nend\nset r3, 1\nloop {n}\n  set r1, 0\n  add r1, r3\n  join r1\n  add r2, r1\n  add r3, 1\nend\nstore r2, result"
        );
        let worker = format!("compute {work}\nset r0, 7\nexit r0");
        let mut s = with_workers(&main, &worker, n, cpus, &format!(r#", "thread_create_ticks": {ticks}"#));
        if rr {
            s.scheduler = threadlab::model::scenario::SchedulerSpec::of(threadlab::model::scenario::Policy::RoundRobin, Some(2));
        }
        let (_, r) = go(&s);
        prop_assert_eq!(&r.outcome, &Outcome::Completed);
        for k in 0..n {
            let tid = k + 1;
            let ready = first_ready(&r, tid).expect("created");
            prop_assert!(ready >= (k as u64 + 1) * ticks, "w{} ready at {}", tid, ready);
            prop_assert_eq!(r.metrics.threads[tid].arrival, Some(ready));
            prop_assert!(r.metrics.threads[tid].first_run.unwrap() >= ready);
        }
        prop_assert_eq!(var(&r, 0, "result"), 7 * n as i64);
    }
}

/// The C4 preset: main creates 4 workers (creates end at 14, 28, 42, 56 on CPU 0); w1 takes
/// CPU 1 at once (a CPU's first thread loads free) and runs 77 ticks (faa 1, 25 adds, add 1,
/// 25 × 2 adds; loop/end/exit free): 14–91. main then runs set, set, add (56–59) and its join of
/// w1 (59–60) blocks: CPU 0 switches to w2 (1 tick, 60–61), which runs 61–138. The partial sums
/// 325 + 950 + 1575 + 2200 = 1 + … + 100 = 5050. Memory: 4096 + 4096 + 5 stacks × 8192 = 49,152.
#[test]
fn the_create_join_preset_sums_its_workers_exit_values() {
    let s = threadlab::presets::find("threads-create-join").unwrap().scenario().unwrap();
    let (_, r) = go(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(var(&r, 0, "total"), 5050);
    let arrivals: Vec<u64> = (1..=4).map(|t| r.metrics.threads[t].arrival.unwrap()).collect();
    assert_eq!(arrivals, vec![14, 28, 42, 56]);
    let w1 = &r.metrics.threads[1];
    assert_eq!((w1.first_run, w1.completion), (Some(14), Some(91)));
    let w2 = &r.metrics.threads[2];
    assert_eq!((w2.first_run, w2.completion), (Some(61), Some(138)));
    assert_eq!((r.metrics.memory[0].threads, r.metrics.memory[0].bytes), (5, 49_152));
    // What the preset's description says of main: blocked in its join of w1 from 60 until w1
    // exits at 91; then ready (not blocked) behind w3 and w4, queued at 42 and 56, while w3
    // takes CPU 1 (switch 91–92, runs 92–169, ends 169) and w2 then w4 hold CPU 0, so main
    // gets CPU 1 at 169; its joins of w2 and w3 (ended at 138 and 169) return at once; it
    // blocks again at 186 in its join of w4, which ends at 216, and main ends at 220.
    use ThreadState::*;
    let trace = r.trace.as_ref().unwrap();
    let main: Vec<(u64, ThreadState)> = (trace.events.iter())
        .filter_map(|e| match e.what {
            What::State { tid: 0, state, .. } => Some((e.time, state)),
            _ => None,
        })
        .collect();
    let want = [(0, Ready), (0, Running), (60, Blocked), (91, Ready), (169, Running), (186, Blocked)];
    assert_eq!(main[..6], want);
    assert_eq!(main[6..], [(216, Ready), (216, Running), (220, Terminated)]);
    assert_eq!(r.metrics.threads[3].completion, Some(169));
    assert!(s.description.contains("ready, not blocked"), "{}", s.description);
}

/// The C4 preset with main's code swapped for `set r1, 9` (0–1) and `join r1` (1–2): no thread
/// 9, so the join fails with ESRCH at t=2, line 2, with `total` still 0. The run stopped before
/// finishing, so the page's verdict names that, not a "5050 short of expected" that reads like
/// a race; a completed run keeps its verdict.
#[test]
fn a_stopped_run_claims_no_shortfall() {
    let preset = threadlab::presets::find("threads-create-join").unwrap();
    let mut v: serde_json::Value = serde_json::from_str(preset.json).unwrap();
    v["processes"][0]["threads"][0]["code"] = serde_json::json!(["set r1, 9", "join r1"]);
    let s = Scenario::from_json(&v.to_string()).unwrap();
    let (_, r) = go(&s);
    match &r.outcome {
        Outcome::RuntimeError { time, line, message, .. } => {
            assert_eq!((*time, *line), (2, 2));
            assert!(message.contains("ESRCH"), "{message}");
        }
        other => panic!("expected a runtime error, got {other:?}"),
    }
    assert_eq!(r.outcome.stopped_at(), Some(2));
    let total = r.metrics.variables.iter().find(|v| v.name == "total").unwrap();
    assert_eq!((total.value, total.expected), (0, Some(5050)));
    let (note, good) = total.verdict(r.outcome.stopped_at());
    assert_eq!((note.as_str(), good), ("not final: the run stopped at t=2 before finishing", None));
    // The same value after a completed run is a shortfall; the completed preset is correct.
    assert_eq!(total.verdict(None), ("5050 short of expected".to_string(), Some(false)));
    let (_, done) = go(&preset.scenario().unwrap());
    assert_eq!(done.outcome.stopped_at(), None);
    let total = done.metrics.variables.iter().find(|v| v.name == "total").unwrap();
    assert_eq!(total.verdict(done.outcome.stopped_at()), ("correct".to_string(), Some(true)));
}

/// `exit` takes nothing, a number or a register; anything else is located at its column.
#[test]
fn exit_values_parse() {
    use threadlab::model::program::{Instr, Operand, Symbols, parse};
    let one = |src: &str| {
        let mut mutexes = Vec::new();
        parse(src, Symbols { variables: &[], mutexes: &mut mutexes, params: &[] }).map(|p| p.instrs[0])
    };
    assert_eq!(one("exit"), Ok(Instr::Exit { value: Operand::Imm(0) }));
    assert_eq!(one("exit -3"), Ok(Instr::Exit { value: Operand::Imm(-3) }));
    assert_eq!(one("EXIT r2"), Ok(Instr::Exit { value: Operand::Reg(2) }));
    let e = one("exit r9").unwrap_err();
    assert_eq!((e.column, e.message.as_str()), (6, "`r9` is not a register (r0 to r7)"));
    let e = one("exit 1, 2").unwrap_err();
    assert_eq!((e.column, e.message.as_str()), (9, "unexpected `2`: `exit` takes at most an exit value"));
    // `create` needs a program of the process: with none, it says so.
    let e = one("create r1, worker").unwrap_err();
    assert!(e.message.contains("no program `worker`") && e.message.contains("it has none"), "{}", e.message);
}

/// A ready interval still open when the run stops counts up to the stop: preset
/// threads-create-join with `unlock m` (never locked) as main's line 4 fails at t=57 (the fourth
/// `create` ends at 4 × 14 = 56, the unlock's tick at 57). On 2 CPUs w1 runs on the second CPU
/// from t=14; w2, w3 and w4, created at 28, 42 and 56, are still ready at the fault, so they
/// waited 57 − 28 = 29, 57 − 42 = 15 and 57 − 56 = 1 ticks (it used to say 0).
#[test]
fn a_ready_wait_open_at_a_fault_is_counted() {
    let text = include_str!("../presets/threads-create-join.json");
    let at = text.find(r#""set r4, 1"#).unwrap();
    let text = format!("{}\"unlock m\",\n            {}", &text[..at], &text[at..]);
    let (_, r) = run(&Scenario::from_json(&text).unwrap());
    let Outcome::RuntimeError { time, line, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!((*time, *line), (57, 4));
    let t = &r.metrics.threads;
    let arrivals: Vec<_> = t[2..].iter().map(|t| t.arrival).collect();
    assert_eq!(arrivals, [Some(28), Some(42), Some(56)]);
    assert!(t[2..].iter().all(|t| t.first_run.is_none()));
    let waiting: Vec<_> = t[2..].iter().map(|t| t.waiting).collect();
    assert_eq!(waiting, [29, 15, 1]);
}

/// One term for a `"start": "created"` slot no `create` has reached: the thread table says
/// "not created yet" (it said "not started" while the outcome says "never created").
#[test]
fn an_uncreated_slot_is_not_created_yet() {
    use threadlab::page::run::Run;
    let run = Run::from_json(include_str!("../presets/threads-create-join.json")).unwrap();
    let w4 = &run.snapshot(0).threads[4];
    assert_eq!(w4.state_words(run.system.threads[4].created), "not created yet");
    assert_eq!(w4.state_words(false), "new");
}
