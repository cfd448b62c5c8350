//! Property tests over random programs that use the synchronisation primitives, on random
//! machines and policies: what each primitive promises holds in every run. Native only.
//!
//! - Mutual exclusion: never more threads inside a critical section than its lock admits (one
//!   for a mutex or a spin lock, `initial` for a semaphore used as a lock); a read-write lock's
//!   writer is alone, its readers share it with readers only.
//! - A semaphore's value never goes below zero: at the end of every instant, the `sem_wait`s
//!   that passed are at most its initial value plus the `sem_post`s made, and the value the
//!   trace shows is exactly the difference.
//!
//! - A condition wait guarded by `while` never goes on with its condition false: consumers that
//!   wait while a shared count is 0 never take it below 0, under any machine, policy or timing.
//!
//! Deadlocks are allowed where random waits and posts may not match; runtime errors and
//! exhausted budgets never.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use threadlab::model::program::Instr;
use threadlab::model::scenario::{Policy, RwLockSpec, RwPreference, Scenario, SemaphoreSpec};
use threadlab::model::trace::What;
use threadlab::model::{self, Outcome, RunResult, System};

/// One random block of a program. `m` is a mutex and `q` a spin lock, each around a
/// critical section; `l` a read-write lock, written or read; `s` is a semaphore used as a lock; `t` a semaphore used to signal, whose
/// waits and posts need not match.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u64..5).prop_map(|n| format!("compute {n}")),
        (1u64..6).prop_map(|n| format!("io {n}")),
        Just("lock m\n  load r0, counter\n  add r0, 1\n  store r0, counter\nunlock m".to_string()),
        (1u64..4).prop_map(|n| format!("sem_wait s\n  compute {n}\nsem_post s")),
        Just("spin_lock q\n  load r1, spun\n  add r1, 1\n  store r1, spun\nspin_unlock q".to_string()),
        Just("write_lock l\n  load r2, shared\n  add r2, 1\n  store r2, shared\nwrite_unlock l".to_string()),
        (1u64..4).prop_map(|n| format!("read_lock l\n  load r3, shared\n  compute {n}\nread_unlock l")),
        Just("sem_post t".to_string()),
        Just("sem_wait t".to_string()),
    ]
}

fn any_scenario() -> impl Strategy<Value = Scenario> {
    (
        1u32..4,
        any::<bool>(),
        1u64..4,
        1u32..4,
        0u32..3,
        any::<bool>(),
        prop::collection::vec(prop::collection::vec(block(), 1..6), 1..5),
    )
        .prop_map(|(cpus, rr, quantum, s_initial, t_initial, writers_first, threads)| {
            let code = |blocks: &Vec<String>| blocks.join("\n");
            let mut p = job("p", 0, &code(&threads[0]));
            for (j, blocks) in threads.iter().enumerate().skip(1) {
                p.threads.push(thread(&format!("t{j}"), &code(blocks)));
            }
            p.variables.insert("counter".into(), 0);
            p.variables.insert("spun".into(), 0);
            p.variables.insert("shared".into(), 0);
            let prefer = if writers_first { RwPreference::Writers } else { RwPreference::Readers };
            p.rwlocks.insert("l".into(), RwLockSpec { prefer });
            p.semaphores.insert("s".into(), SemaphoreSpec { initial: s_initial, max: None });
            p.semaphores.insert("t".into(), SemaphoreSpec { initial: t_initial, max: None });
            let policy = if rr { Policy::RoundRobin } else { Policy::Fcfs };
            let mut s = scenario(cpus, policy, rr.then_some(quantum), vec![p]);
            s.machine.thread_switch_ticks = 1;
            s
        })
}

/// A critical section of a program: the PCs from just after its acquiring instruction to its
/// releasing one. A thread whose PC is in `(acquire, release]` is inside.
#[derive(Clone, Copy, Debug)]
struct Section {
    acquire: usize,
    release: usize,
}

/// The critical sections of `instrs` guarded by the object `is_acquire` opens and `is_release`
/// closes (not nested in these programs).
fn sections(
    instrs: &[Instr],
    is_acquire: impl Fn(&Instr) -> bool,
    is_release: impl Fn(&Instr) -> bool,
) -> Vec<Section> {
    let mut out = Vec::new();
    let mut open = None;
    for (pc, i) in instrs.iter().enumerate() {
        if is_acquire(i) {
            open = Some(pc);
        } else if is_release(i)
            && let Some(acquire) = open.take()
        {
            out.push(Section { acquire, release: pc });
        }
    }
    out
}

/// Each thread's PC after every instant, in time order: `(time, pcs)`.
fn pcs_by_instant(sys: &System, r: &RunResult) -> Vec<(u64, Vec<usize>)> {
    let mut pcs = vec![0usize; sys.threads.len()];
    let mut out: Vec<(u64, Vec<usize>)> = Vec::new();
    for e in &r.trace.as_ref().unwrap().events {
        if let What::Pc { tid, pc } = e.what {
            pcs[tid] = pc;
        }
        match out.last_mut() {
            Some((t, last)) if *t == e.time => last.clone_from(&pcs),
            _ => out.push((e.time, pcs.clone())),
        }
    }
    out
}

/// The most threads inside any of the per-thread `sections` at the end of any instant.
fn most_inside(sys: &System, r: &RunResult, sections: &[Vec<Section>]) -> usize {
    pcs_by_instant(sys, r)
        .iter()
        .map(|(_, pcs)| {
            (0..sys.threads.len())
                .filter(|&tid| sections[tid].iter().any(|s| s.acquire < pcs[tid] && pcs[tid] <= s.release))
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Checks a semaphore's books at the end of every instant: passes ≤ initial + posts, and the
/// value last recorded equals initial + posts − passes. Returns a problem, if any.
fn semaphore_books(sys: &System, r: &RunResult, sem: usize, initial: u64) -> Result<(), String> {
    let mut pcs = vec![0usize; sys.threads.len()];
    let (mut passes, mut posts, mut value) = (0u64, 0u64, initial);
    let events = &r.trace.as_ref().unwrap().events;
    for (i, e) in events.iter().enumerate() {
        match e.what {
            What::Pc { tid, pc } => {
                let before = sys.program_of(tid).instrs.get(pcs[tid]).copied();
                if pc == pcs[tid] + 1 {
                    match before {
                        Some(Instr::SemWait { sem: s }) if s == sem => passes += 1,
                        Some(Instr::SemPost { sem: s }) if s == sem => posts += 1,
                        _ => {}
                    }
                }
                pcs[tid] = pc;
            }
            What::Semaphore { sem: s, value: v, .. } if s == sem => value = v,
            _ => {}
        }
        let end_of_instant = events.get(i + 1).is_none_or(|next| next.time != e.time);
        if end_of_instant {
            if passes > initial + posts {
                return Err(format!("t={}: {passes} passes > {initial} + {posts} posts", e.time));
            }
            if value != initial + posts - passes {
                return Err(format!("t={}: value {value}, books say {}", e.time, initial + posts - passes));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn primitives_keep_their_promises(s in any_scenario()) {
        let (sys, r) = model::run(&s).unwrap();
        prop_assert!(matches!(r.outcome, Outcome::Completed | Outcome::Deadlock { .. }), "{:?}", r.outcome);
        let names = &sys.processes[0].objects.semaphores;
        let id = |n: &str| names.iter().position(|x| x == n).unwrap();
        let (s_id, t_id) = (id("s"), id("t"));
        let initial = |n: &str| u64::from(s.processes[0].semaphores[n].initial);

        // Mutual exclusion: one thread inside `m`; at most `initial` inside `s`.
        let progs: Vec<&[Instr]> = (0..sys.threads.len()).map(|t| sys.program_of(t).instrs.as_slice()).collect();
        let in_m: Vec<Vec<Section>> = progs.iter().map(|p| sections(p,
            |i| matches!(i, Instr::Lock { .. }), |i| matches!(i, Instr::Unlock { .. }))).collect();
        prop_assert!(most_inside(&sys, &r, &in_m) <= 1);
        let in_s: Vec<Vec<Section>> = progs.iter().map(|p| sections(p,
            |i| matches!(i, Instr::SemWait { sem } if *sem == s_id),
            |i| matches!(i, Instr::SemPost { sem } if *sem == s_id))).collect();
        prop_assert!(most_inside(&sys, &r, &in_s) as u64 <= initial("s"));
        let in_q: Vec<Vec<Section>> = progs.iter().map(|p| sections(p,
            |i| matches!(i, Instr::SpinLock { .. }), |i| matches!(i, Instr::SpinUnlock { .. }))).collect();
        prop_assert!(most_inside(&sys, &r, &in_q) <= 1);
        // A read-write lock: a writer alone, readers only together.
        let writing: Vec<Vec<Section>> = progs.iter().map(|p| sections(p,
            |i| matches!(i, Instr::WriteLock { .. }), |i| matches!(i, Instr::WriteUnlock { .. }))).collect();
        let reading: Vec<Vec<Section>> = progs.iter().map(|p| sections(p,
            |i| matches!(i, Instr::ReadLock { .. }), |i| matches!(i, Instr::ReadUnlock { .. }))).collect();
        for (time, pcs) in pcs_by_instant(&sys, &r) {
            let inside = |secs: &[Vec<Section>]| (0..pcs.len())
                .filter(|&t| secs[t].iter().any(|s| s.acquire < pcs[t] && pcs[t] <= s.release))
                .count();
            let (w, rd) = (inside(&writing), inside(&reading));
            prop_assert!(w <= 1 && (w == 0 || rd == 0), "t={time}: {w} writers and {rd} readers inside");
        }
        for v in &r.metrics.variables {
            prop_assert_eq!(v.lost_updates, 0, "{}", v.name);
        }

        // A semaphore never goes below zero.
        for (id, name) in [(s_id, "s"), (t_id, "t")] {
            if let Err(problem) = semaphore_books(&sys, &r, id, initial(name)) {
                prop_assert!(false, "semaphore {name}: {problem}");
            }
        }

        // A deadlock report names every thread left, each with what it waits for.
        if let Outcome::Deadlock { waits, .. } = &r.outcome {
            let stuck = r.metrics.threads.iter().filter(|t| t.completion.is_none()).count();
            prop_assert_eq!(stuck, waits.len());
            let kinds: BTreeMap<&str, usize> = waits.iter().flat_map(|w| w.waits_for.keys()).fold(BTreeMap::new(), |mut m, k| {
                *m.entry(k.as_str()).or_default() += 1;
                m
            });
            prop_assert!(kinds.keys().all(|k| ["mutex", "semaphore", "read-write lock"].contains(k)), "{kinds:?}");
        }
    }
}

/// Producers and consumers of a shared count `items`, with consumers waiting on condition
/// variable `c` while it is 0 (Mesa: `while`, re-checking after every wake). Each of `producers`
/// producers makes `consumers × k` items; each of `consumers` consumers takes `producers × k`.
fn producers_consumers() -> impl Strategy<Value = Scenario> {
    (1u32..4, any::<bool>(), 1u64..4, 1usize..4, 1usize..4, 1u32..3, 1u64..4, 1u64..4, any::<bool>()).prop_map(
        |(cpus, rr, quantum, producers, consumers, k, work, pause, broadcast)| {
            let wake = if broadcast { "cond_broadcast" } else { "cond_signal" };
            let producer = format!(
                "loop {}\n  compute {work}\n  lock m\n  load r0, items\n  add r0, 1\n  store r0, items\n  {wake} c\n  \
                 unlock m\nend",
                consumers as u32 * k
            );
            let consumer = format!(
                "loop {}\n  lock m\n  check:\n    load r0, items\n    jne r0, 0, take\n    cond_wait c, m\n    jmp check\n  \
                 take:\n  add r0, -1\n  store r0, items\n  unlock m\n  compute {pause}\nend",
                producers as u32 * k
            );
            let mut p = job("pc", 0, &consumer);
            for j in 1..consumers {
                p.threads.push(thread(&format!("consumer{j}"), &consumer));
            }
            for j in 0..producers {
                p.threads.push(thread(&format!("producer{j}"), &producer));
            }
            p.variables.insert("items".into(), 0);
            let policy = if rr { Policy::RoundRobin } else { Policy::Fcfs };
            scenario(cpus, policy, rr.then_some(quantum), vec![p])
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn a_while_guarded_wait_never_goes_on_with_its_condition_false(s in producers_consumers()) {
        let (_, r) = model::run(&s).unwrap();
        prop_assert_eq!(&r.outcome, &Outcome::Completed);
        for e in &r.trace.as_ref().unwrap().events {
            if let What::Mem { value, .. } = e.what {
                prop_assert!(value >= 0, "t={}: items = {value}", e.time);
            }
        }
        prop_assert_eq!(r.metrics.variables[0].value, 0);
        prop_assert_eq!(r.metrics.variables[0].lost_updates, 0);
    }
}
