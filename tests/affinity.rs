//! CPU affinity: a thread runs only on the CPUs its mask allows, under every policy, and a
//! policy's picks and pre-emptions respect it.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::model::scenario::{Policy, Queues, SchedulerSpec};
use threadlab::model::{self, Outcome};

/// On 2 CPUs under FCFS: A (10 ticks) and C (5) are pinned to CPU 1, B (20) may run anywhere.
/// At 0, CPU 0 asks first and gets B (A is not allowed on it); CPU 1 gets A. At 10 A finishes
/// and C, still pinned, runs 10–15 on CPU 1 while CPU 0 is busy with B until 20. Without the
/// masks C would have had to wait for the queue order only.
#[test]
fn pinned_threads_wait_for_their_cpu() {
    let mut a = job("A", 0, "compute 10");
    a.affinity = Some(vec![1]);
    let b = job("B", 0, "compute 20");
    let mut c = job("C", 0, "compute 5");
    c.affinity = Some(vec![1]);
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![a, b, c]));
    assert_eq!(r.outcome, Outcome::Completed);
    let cpus_of = |tid: usize| -> Vec<usize> {
        r.trace.as_ref().unwrap().intervals.iter().filter(|i| i.tid == tid).map(|i| i.cpu).collect()
    };
    assert_eq!(cpus_of(0), vec![1]);
    assert_eq!(cpus_of(1), vec![0]);
    assert_eq!(cpus_of(2), vec![1]);
    assert_eq!(r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect::<Vec<_>>(), vec![10, 20, 15]);
}

/// A thread pinned to a busy CPU waits even though another CPU is idle.
#[test]
fn an_idle_cpu_does_not_take_a_thread_pinned_elsewhere() {
    let a = job("A", 0, "compute 10");
    let mut b = job("B", 1, "compute 3");
    b.affinity = Some(vec![0]);
    let (_, r) = run(&scenario(2, Policy::Fcfs, None, vec![a, b]));
    // A took CPU 0 at 0; B arrives at 1, may only use CPU 0: it waits until 10 (CPU 1 idles).
    assert_eq!(r.metrics.threads[1].first_run, Some(10));
    assert_eq!(r.metrics.cpus[1].busy, 0);
}

/// SRTF: a short newcomer pre-empts only on a CPU its mask allows. Picks go shortest first: B
/// (30) to CPU 0, A (50) to CPU 1. C (5, pinned to CPU 0) arrives at 5: A on CPU 1 has more
/// left (45), but C may not run there, so C takes CPU 0 from B (25 left). B, ready again with 25
/// left, then takes CPU 1 from A (45 left) in the same instant. C finishes at 10, B at 5 + 25 =
/// 30; A resumes on CPU 0 at 10 with 45 left and finishes at 55.
#[test]
fn srtf_preempts_only_on_an_allowed_cpu() {
    let mut c = job("C", 5, "compute 5");
    c.affinity = Some(vec![0]);
    let jobs = vec![job("A", 0, "compute 50"), job("B", 0, "compute 30"), c];
    let (_, r) = run(&scenario(2, Policy::Srtf, None, jobs));
    let t = &r.metrics.threads;
    assert_eq!((t[2].completion, t[1].completion, t[0].completion), (Some(10), Some(30), Some(55)));
    let c_cpus: Vec<usize> = r.trace.as_ref().unwrap().intervals.iter().filter(|i| i.tid == 2).map(|i| i.cpu).collect();
    assert_eq!(c_cpus, vec![0]);
}

/// Random jobs with random masks under every policy: no interval on a CPU outside the
/// thread's mask, and every thread finishes (a mask never names a missing CPU).
fn masked_jobs() -> impl Strategy<Value = (u32, Vec<(u64, u64, Option<u64>)>)> {
    (1u32..5).prop_flat_map(|cpus| {
        let job = (0u64..20, 1u64..15, prop::option::of(1u64..(1 << cpus)));
        (Just(cpus), prop::collection::vec(job, 1..7))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn no_thread_runs_outside_its_mask((cpus, jobs) in masked_jobs(), quantum in 1u64..5) {
        for &policy in Policy::ALL {
            let procs = jobs.iter().enumerate().map(|(i, &(arrival, len, mask))| {
                let mut p = job(&format!("j{i}"), arrival, &format!("compute {len}\nio 2\ncompute {len}"));
                p.affinity = mask.map(|m| (0..cpus).filter(|c| m & (1 << c) != 0).collect());
                p
            }).collect::<Vec<_>>();
            for queues in [Queues::Global, Queues::PerCpu { steal_every: Some(4) }] {
                let mut s = scenario(cpus, policy, Some(quantum), procs.clone());
                s.scheduler = SchedulerSpec { queues, ..SchedulerSpec::of(policy, Some(quantum)) };
                let (sys, r) = model::run(&s).unwrap();
                prop_assert_eq!(&r.outcome, &Outcome::Completed, "{} {:?}", policy.key(), queues);
                for iv in &r.trace.as_ref().unwrap().intervals {
                    let attrs = &sys.threads[iv.tid].attrs;
                    prop_assert!(attrs.allows(iv.cpu), "{} {:?}: thread {} ran on CPU {}", policy.key(), queues, iv.tid, iv.cpu);
                }
            }
        }
    }
}
