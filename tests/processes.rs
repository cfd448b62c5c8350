//! Processes created at run time (`fork`, `spawn`, `wait`, issue 8) and memory in pages
//! (copy-on-write, RSS, PSS). Each expected number is worked by hand in its test's comment from
//! the costs in `program::INSTRUCTIONS`: `fork` takes `machine.fork_ticks` (default 156: the
//! 156.26 µs of `measure/creation-results.json`), `spawn` `machine.spawn_ticks` (1,279), a write
//! to a copy-on-write page `machine.cow_copy_ticks` more (3: the 2.78 µs of
//! `measure/cow-results.json`), `wait` 1 (and 1 more when woken), `set`/`store`/`load`/jumps 1,
//! `exit` 0. One CPU, FCFS and free switches unless said; pages of 4,096 B, and the default
//! segments: code 4,096 B (1 page), data 4,096 B (1 page), no heap, stacks 8,192 B (2 pages).

mod common;
use proptest::prelude::*;
use threadlab::model::pages::{Pages, Region, Sharing};
use threadlab::model::procs::Origin;
use threadlab::model::scenario::{FORMAT, MemorySpec, Scenario};
use threadlab::model::trace::What;
use threadlab::model::{self, Outcome, RunResult, System};

/// One process `main` (variables `x` = 1, `y` = 0, program `worker` = `worker`) whose one
/// thread `t` runs `main`; `machine` adds to the machine object.
fn one(main: &str, worker: &str, machine: &str) -> Scenario {
    let lines = |code: &str| serde_json::to_string(&code.lines().collect::<Vec<_>>()).unwrap();
    let text = format!(
        r#"{{
  "format": {FORMAT},
  "name": "procs",
  "machine": {{ "cpus": 1{machine} }},
  "processes": [{{
    "name": "main",
    "variables": {{ "x": 1, "y": 0 }},
    "programs": {{ "worker": {worker} }},
    "threads": [ {{ "name": "t", "code": {main} }} ]
  }}]
}}"#,
        main = lines(main),
        worker = lines(worker),
    );
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn go(s: &Scenario) -> (System, RunResult) {
    model::run(s).expect("valid")
}

fn var(r: &RunResult, pid: usize, name: &str) -> i64 {
    r.metrics.variables.iter().find(|v| v.pid == pid && v.name == name).expect("variable").value
}

const FORK_THEN_BOTH_WRITE: &str = "fork r1\njeq r1, 0, child\nset r2, 10\nstore r2, x\nstore r1, y\nwait r3\nexit r3\nchild:\nset r2, 20\nstore r2, x\nexit 7";

/// t: fork 0–156 (main.1, pid 1, ready at 156, r1 = 1 in t, 0 in the child); jeq 156–157 (not
/// taken), set 157–158; store x starts at 158 on the data page now shared with the child: the
/// page is copied first (3 ticks) and the store ends at 162; store y 162–163 (the page is t's
/// own now: no copy); wait 163–164 blocks (the child is alive). Child (tid 1): jeq 164–165
/// (taken), set 165–166, store x 166–167 with no copy (t took its own copy, so the old frame
/// is the child's alone), exit 7 at 167: the process ends and wakes t, whose wait runs again
/// 167–168 and reaps 7; exit 7 at 168.
#[test]
fn fork_copies_the_address_space_and_wait_reaps_the_exit_value() {
    let (sys, r) = go(&one(FORK_THEN_BOTH_WRITE, "exit", ""));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(sys.processes.len(), 2);
    assert_eq!(sys.processes[1].name, "main.1");
    assert_eq!(sys.threads[1].pid, 1);
    assert_eq!(sys.thread_label(1), "main.1/t");
    // Each process has its own x: one variable name, copied per process (C6).
    assert_eq!((var(&r, 0, "x"), var(&r, 1, "x")), (10, 20));
    // The parent saw the child's pid, the child 0 (y was never stored in the child: still 0).
    assert_eq!((var(&r, 0, "y"), var(&r, 1, "y")), (1, 0));
    let m = &r.metrics;
    assert_eq!(m.threads[0].completion, Some(168));
    assert_eq!(m.threads[1].arrival, Some(156));
    assert_eq!(m.threads[1].completion, Some(167));
    assert_eq!(m.threads[0].lock_wait, 3, "blocked in wait 164–167");
    let (p, c) = (&m.memory[0], &m.memory[1]);
    assert_eq!((p.children.clone(), c.parent, c.origin), (vec![1], Some(0), Origin::Forked));
    assert_eq!((p.ended, p.exit_value, c.ended, c.exit_value), (Some(168), Some(7), Some(167), Some(7)));
    assert_eq!((p.cow_copies, c.cow_copies), (1, 0));
    // At its end (167) the child maps 4 pages: code and its 2 stack pages shared with the
    // parent (2,048 B each to its PSS), data its own: RSS 16,384, PSS 2,048 × 3 + 4,096 = 10,240.
    assert_eq!((c.rss_bytes, c.pss_bytes), (16_384, 10_240));
    // Its map, in runs of pages held alike: code shared, data its own, 2 stack pages shared.
    let runs: Vec<(Region, Sharing, u32, u32)> =
        c.pages.iter().map(|v| (v.region, v.sharing, v.sharers, v.count)).collect();
    assert_eq!(
        runs,
        vec![
            (Region::Code, Sharing::Shared, 2, 1),
            (Region::Data, Sharing::Private, 1, 1),
            (Region::Stack { tid: 1 }, Sharing::Shared, 2, 2)
        ]
    );
    // The parent, alone at its end: everything its own, its data page a copy.
    assert_eq!((p.rss_bytes, p.pss_bytes, p.pages[1].sharing), (16_384, 16_384, Sharing::Copied));
    // 4 frames at the start, 1 more for the copy; nothing left at the end.
    assert_eq!((m.peak_resident_bytes, m.total_pss_bytes), (5 * 4096, 0));
    let trace = r.trace.as_ref().unwrap();
    let copies: Vec<(u64, usize)> = (trace.events.iter())
        .filter_map(|e| match e.what {
            What::CowCopy { pid, page, .. } => Some((e.time, pid * 10 + page as usize)),
            _ => None,
        })
        .collect();
    assert_eq!(copies, vec![(158, 1)], "one copy, of page 1 (data) of pid 0, when its store started");
    assert!(trace.events.iter().any(|e| e.time == 168 && matches!(e.what, What::Reaped { child: 1, value: 7, .. })));
}

/// The copy costs what the machine says: with `cow_copy_ticks` 50 and `fork_ticks` 10, t's
/// fork is 0–10, jeq 10–11, set 11–12, the store 12–63 (50 + 1), store y 63–64, wait 64–65;
/// the child runs 65–68 and exits at 68; t reaps 68–69 and ends at 69.
#[test]
fn fork_and_copy_costs_are_the_machines() {
    let (_, r) = go(&one(FORK_THEN_BOTH_WRITE, "exit", r#", "cow_copy_ticks": 50, "fork_ticks": 10"#));
    assert_eq!(r.metrics.threads[0].completion, Some(69));
    assert_eq!(r.metrics.threads[1].completion, Some(68));
}

/// t: set 0–1, store x = 9 1–2, spawn 2–1281 (worker.1 ready at 1281), wait 1281–1282 blocks;
/// the worker loads x 1282–1283: 1, the declared value (a fresh process, not a copy: a fork
/// would see 9), exits with it at 1283, waking t; wait 1283–1284 reaps 1; store y 1284–1285.
#[test]
fn spawn_starts_a_fresh_process_running_a_program() {
    let main = "set r0, 9\nstore r0, x\nspawn r1, worker\nwait r2\nstore r2, y";
    let (sys, r) = go(&one(main, "load r0, x\nexit r0", ""));
    assert_eq!(r.outcome, Outcome::Completed);
    assert_eq!(sys.processes[1].name, "worker.1");
    assert_eq!(sys.threads[1].name, "worker");
    assert_eq!(var(&r, 0, "y"), 1);
    assert_eq!(r.metrics.threads[0].completion, Some(1285));
    let c = &r.metrics.memory[1];
    assert_eq!(c.origin, Origin::Spawned { program: 0 });
    // Its code page is the parent's (same executable); data and stack are fresh: RSS 4 pages,
    // PSS 2,048 + 4,096 + 8,192 = 14,336. No copy-on-write: nothing is shared to write.
    assert_eq!((c.rss_bytes, c.pss_bytes, c.cow_copies), (16_384, 14_336, 0));
    assert_eq!(r.metrics.peak_resident_bytes, 7 * 4096);
}

/// `wait` with no child: ECHILD, located at its line.
#[test]
fn wait_without_a_child_is_a_located_error() {
    let (_, r) = go(&one("compute 2\nwait r0", "exit", ""));
    match &r.outcome {
        Outcome::RuntimeError { line, message, time, .. } => {
            assert_eq!((*line, *time), (2, 3));
            assert!(message.contains("ECHILD") && message.contains("never had one"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // After reaping its one child, a second wait finds none left.
    let (_, r) = go(&one("fork r1\njeq r1, 0, done\nwait r0\nwait r0\ndone:", "exit", ""));
    assert!(matches!(&r.outcome, Outcome::RuntimeError { line: 4, message, .. } if message.contains("reaped already")));
}

/// A fork in an endless loop doubles the processes until `max_processes` are alive; the next
/// fork stops the run with a runtime error naming the limit (never a hang).
#[test]
fn a_fork_bomb_stops_at_the_process_limit() {
    let (sys, r) = go(&one("top:\nfork r0\njmp top", "exit", r#", "max_processes": 8, "fork_ticks": 1"#));
    match &r.outcome {
        Outcome::RuntimeError { line, message, .. } => {
            assert_eq!(*line, 2);
            assert!(message.contains("max_processes") && message.contains("8 processes alive"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(sys.processes.len(), 8, "7 forks made 8 processes, the limit");
    assert_eq!(r.metrics.memory.len(), 8);
    // Each child maps the same code frame: 8 sharers.
    assert!(r.metrics.memory.iter().all(|m| m.pages[0].region == Region::Code && m.pages[0].sharers == 8));
}

/// POSIX fork copies only the calling thread: `helper` holds `m` when `t` forks, so in the
/// child `m` stays held by a thread that does not exist there, and the child's `lock m` waits
/// for ever. Two CPUs: helper locks m at 0–1 and computes to 1,001; t forks 0–156; the child
/// locks (blocks) while t waits for it. The report names the hazard.
#[test]
fn a_lock_held_by_another_thread_stays_held_in_the_child() {
    let text = format!(
        r#"{{ "format": {FORMAT}, "name": "held", "machine": {{ "cpus": 2 }},
  "processes": [{{ "name": "main", "threads": [
    {{ "name": "t", "code": ["fork r1", "jeq r1, 0, child", "wait r2", "exit", "child:", "lock m", "unlock m"] }},
    {{ "name": "helper", "code": ["lock m", "compute 1000", "unlock m"] }}
  ] }}] }}"#
    );
    let (sys, r) = go(&Scenario::from_json(&text).unwrap());
    let Outcome::Deadlock { message, waits, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!(sys.processes[1].name, "main.1");
    assert!(
        message.contains("main.1/t waits for mutex `m` (held by main/helper, a thread that `fork` did not copy"),
        "{message}"
    );
    assert!(message.contains("main/t waits for a child process to end"), "{message}");
    assert_eq!(waits.len(), 2);
    // The parent's helper unlocked its own m and ended: only the child's copy stays held.
    assert_eq!(r.metrics.threads[1].completion, Some(1002));
}

/// Threads of a process share its pages: a process with 3 threads maps code + data + 3 stacks
/// (1 + 1 + 3 × 2 = 8 pages), where 3 processes of 1 thread each map 3 × 4 = 12 (C7, C11).
#[test]
fn threads_share_pages_processes_do_not() {
    let threads = r#"{ "format": 2, "name": "t", "processes": [{ "name": "p", "threads": [
        { "name": "a", "code": "compute 1" }, { "name": "b", "code": "compute 1" }, { "name": "c", "code": "compute 1" } ] }] }"#;
    let (_, r) = go(&Scenario::from_json(threads).unwrap());
    assert_eq!((r.metrics.memory[0].rss_bytes, r.metrics.peak_resident_bytes), (8 * 4096, 8 * 4096));
    let procs = r#"{ "format": 2, "name": "p", "processes": [
        { "name": "a", "threads": [{ "name": "m", "code": "compute 1" }] },
        { "name": "b", "threads": [{ "name": "m", "code": "compute 1" }] },
        { "name": "c", "threads": [{ "name": "m", "code": "compute 1" }] } ] }"#;
    let (_, r) = go(&Scenario::from_json(procs).unwrap());
    assert_eq!(r.metrics.peak_resident_bytes, 12 * 4096);
}

fn preset(key: &str) -> (System, RunResult) {
    go(&threadlab::presets::find(key).unwrap().scenario().unwrap())
}

/// The presets show what their descriptions claim.
#[test]
fn the_process_presets_show_their_claims() {
    // C6: one x per process, shared by the threads of each; one page copied, by the parent.
    let (_, r) = preset("fork-copy");
    assert_eq!((var(&r, 0, "x"), var(&r, 0, "seen"), var(&r, 1, "x")), (10, 10, 20));
    assert_eq!((r.metrics.memory[0].cow_copies, r.metrics.memory[1].cow_copies), (1, 0));
    // C7/C11: eight threads map 16 + 4 + 16 pages once and 2 stack pages each: 16 + 4 + 16 +
    // 9 × 2 = 54 pages; the last worker is created at 8 × 14 = 112.
    let (_, r) = preset("threads-memory");
    assert_eq!(r.metrics.peak_resident_bytes, 54 * 4096);
    assert_eq!(r.metrics.threads[8].arrival, Some(112));
    // Eight spawned processes: main 38 pages, each worker 4 + 16 + 2 = 22 of its own (its 16 code
    // pages are main's): 38 + 8 × 22 = 214 pages; the last is created at 8 × 1,279 = 10,232.
    let (sys, r) = preset("processes-memory");
    assert_eq!(r.metrics.peak_resident_bytes, 214 * 4096);
    assert_eq!(r.metrics.memory[8].created, 10_232);
    assert_eq!(sys.processes.len(), 9);
    assert_eq!(var(&r, 0, "done"), 0);
    assert!((1..=8).all(|pid| var(&r, pid, "done") == 1));
    // The hazard: the child waits for a lock held by a thread it does not have.
    let (_, r) = preset("fork-held-lock");
    let Outcome::Deadlock { message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert!(message.contains("held by app/logger, a thread that `fork` did not copy into app.1"), "{message}");
}

/// A wait still open at a deadlock counts up to it (417, the last instant). In fork-held-lock
/// (2 CPUs, FCFS, process switch 5) app/main runs `compute 10`, `fork` (156) to 166, `jeq` and
/// `wait` (1 each) and blocks for its child at 168: 417 − 168 = 249 ticks of sync wait. The
/// child app.1/main, ready at 166, is switched in on that CPU from 168 (5 ticks: it waited
/// 173 − 166 = 7), runs `jeq` and `lock log` and blocks at 175: 417 − 175 = 242. Both said 0.
#[test]
fn waits_open_at_a_deadlock_are_counted() {
    let (_, r) = preset("fork-held-lock");
    let Outcome::Deadlock { time, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert_eq!((*time, r.metrics.makespan), (417, 417));
    let t = |process: &str, name: &str| {
        let t = r.metrics.threads.iter().find(|t| t.process == process && t.name == name).unwrap();
        (t.waiting, t.cpu_time, t.lock_wait)
    };
    assert_eq!(t("app", "main"), (0, 168, 249));
    assert_eq!(t("app.1", "main"), (7, 2, 242));
}

#[test]
fn bad_machine_settings_are_located() {
    for (machine, path) in [
        (r#", "fork_ticks": 0"#, "machine.fork_ticks"),
        (r#", "spawn_ticks": 0"#, "machine.spawn_ticks"),
        (r#", "page_bytes": 4"#, "machine.page_bytes"),
        (r#", "max_processes": 0"#, "machine.max_processes"),
    ] {
        let lines = r#"["exit"]"#;
        let text = format!(
            r#"{{ "format": {FORMAT}, "name": "x", "machine": {{ "cpus": 1{machine} }}, "processes": [{{ "name": "p", "threads": [{{ "name": "t", "code": {lines} }}] }}] }}"#
        );
        let err = model::run(&Scenario::from_json(&text).unwrap()).unwrap_err();
        assert!(err.to_string().contains(path), "{err}");
    }
}

/// What a process does after the forks: write a variable, or end.
#[derive(Clone, Debug)]
enum Op {
    Write(usize, usize),
    End(usize),
}

fn ops() -> impl Strategy<Value = (Vec<usize>, Vec<Op>)> {
    let forks = prop::collection::vec(0usize..8, 0..7);
    let later = prop::collection::vec(
        prop_oneof![
            4 => (0usize..8, 0usize..32).prop_map(|(p, v)| Op::Write(p, v)),
            1 => (0usize..8).prop_map(Op::End),
        ],
        0..60,
    );
    (forks, later)
}

proptest! {
    /// Processes fork (each from one of those so far), then write and end at random. After
    /// every step the PSS of the living processes adds up to the resident frames × page size
    /// (no byte counted twice or lost), each PSS is at most its RSS; and with no fork after
    /// the writes start, a process copies a page at most once (copy-on-write copies each page
    /// at most once per writer).
    #[test]
    fn pss_adds_up_and_each_writer_copies_a_page_at_most_once((forks, later) in ops()) {
        let page = 64u64;
        let layout = MemorySpec { code_bytes: 100, data_bytes: 0, heap_bytes: 64, stack_bytes_per_thread: 128 };
        let mut pages = Pages::new(page);
        pages.add_process(0, &layout, 32, &[0]);
        let mut alive = vec![0usize];
        let mut n = 1;
        let check = |pages: &Pages, alive: &[usize]| {
            let sum: u64 = alive.iter().map(|&p| pages.pss(p)).sum();
            prop_assert_eq!(sum, pages.resident_bytes());
            for &p in alive {
                prop_assert!(pages.pss(p) <= pages.rss(p));
            }
            Ok(())
        };
        for f in forks {
            let parent = alive[f % alive.len()];
            pages.fork(parent, parent, n, n);
            alive.push(n);
            n += 1;
            check(&pages, &alive)?;
        }
        let mut copied = std::collections::HashSet::new();
        for op in later {
            match op {
                Op::Write(p, v) if !alive.is_empty() => {
                    let pid = alive[p % alive.len()];
                    if let Some(page) = pages.write(pid, v) {
                        prop_assert!(copied.insert((pid, page)), "pid {} copied page {} twice", pid, page);
                    }
                }
                Op::End(p) if !alive.is_empty() => {
                    let pid = alive.remove(p % alive.len());
                    pages.release(pid);
                }
                _ => {}
            }
            check(&pages, &alive)?;
        }
        let copies: u64 = (0..n).map(|p| pages.cow_copies(p)).sum();
        prop_assert_eq!(copies as usize, copied.len());
    }
}

/// The page loads the scenario's system itself and grows it from the trace's `new_process`
/// events (`System::grow_from_trace`): it must be the very system the run grew, for forks of
/// forks and spawns alike; and the run travels to the page (postcard) and back unchanged.
#[test]
fn the_page_grows_the_same_system_from_the_trace() {
    let main = "fork r1\njeq r1, 0, child\nspawn r2, worker\nwait r0\nwait r0\nexit\nchild:\nfork r3\njeq r3, 0, done\nwait r0\ndone:";
    let s = one(main, "compute 3", "");
    let (sys, r) = go(&s);
    assert_eq!(sys.processes.len(), 4, "main, its child, the grandchild, the spawned worker");
    let names: Vec<&str> = sys.processes.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["main", "main.1", "worker.2", "main.3"]);
    let mut page = System::load(&s).unwrap();
    page.grow_from_trace(r.trace.as_ref().unwrap());
    assert_eq!(page, sys);
    let bytes = threadlab::messaging::wire::RunBytes::from_result(r.clone());
    let back = threadlab::messaging::wire::RunBytes::decode(&bytes.encode()).unwrap();
    assert_eq!(back, bytes);
    assert_eq!(back.metrics.memory[3].parent, Some(1));
}

/// The interleaving explorer runs the declared threads only: a `fork` is a located runtime error
/// that says so, not a crash.
#[test]
fn the_explorer_refuses_fork_with_a_located_error() {
    let s = one("set r0, 1\nfork r1\nexit", "exit", "");
    let x = threadlab::model::explore::explore(&s, 1000).expect("explores");
    assert!(!x.finals.is_empty());
    for f in &x.finals {
        let message = f.outcome.message();
        assert!(message.contains("main/t, line 2") && message.contains("`fork`, `spawn` and `wait`"), "{message}");
    }
}

/// A forked child's thread, on the page, is a copy of its parent after the `fork`, and has no
/// row before it. In fork-copy main runs `set r0, 1` and `store r0, x` (1 tick each) and
/// `fork r1` (PC 2, 156 ticks): app.1 is created at 158, its thread at PC 3 (`jeq r1, 0,
/// child`, line 4) with main's r0 = 1 and r1 = 0 (it used to show PC 0 and all registers 0).
#[test]
fn a_forked_thread_starts_as_its_parents_copy_on_the_page() {
    use threadlab::page::run::Run;
    let run = Run::from_json(threadlab::presets::find("fork-copy").unwrap().json).unwrap();
    let child = run.system.threads.iter().find(|t| run.system.processes[t.pid].name == "app.1").unwrap().tid;
    assert_eq!(run.result.metrics.memory[1].created, 158);
    assert!(!run.exists_at(child, 157) && run.exists_at(child, 158) && run.exists_at(0, 0));
    for t in 158..=163 {
        let v = &run.snapshot(t).threads[child];
        assert_eq!((v.pc, v.registers[0], v.registers[1]), (3, 1, 0), "at t={t}");
    }
    // The parent goes on at the same PC with r1 = the child's pid.
    let v = &run.snapshot(158).threads[0];
    assert_eq!((v.pc, v.registers[0], v.registers[1]), (3, 1, 1));
}
