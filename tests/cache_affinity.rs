//! The cache-warmth model (OSTEP ch. 10; OSTEP.md's multi.py rules): warm-up, speed-up,
//! eviction, and what it means for migration.

mod common;
use common::*;
use threadlab::model::cache::CacheSpec;
use threadlab::model::scenario::{Policy, ProcessSpec};

fn with_ws(mut p: ProcessSpec, kb: u64) -> ProcessSpec {
    p.working_set_kb = Some(kb);
    p
}

/// OSTEP.md: a:30:100 on one CPU (cache 100, warm-up 10, warm rate 2) runs 10 cold ticks
/// (10 of its 30), then warm (20 left at 2 per tick: 10 ticks): done at 20, half of it warm.
#[test]
fn a_job_warms_up_and_then_runs_twice_as_fast() {
    let mut s = scenario(1, Policy::Fcfs, None, vec![with_ws(job("a", 0, "compute 30"), 100)]);
    s.machine.cache = Some(CacheSpec::default());
    let (_, r) = run(&s);
    assert_eq!(r.metrics.threads[0].completion, Some(20));
    assert_eq!(r.metrics.threads[0].warm_ticks, Some(10));
    assert_eq!(r.metrics.threads[0].cpu_time, 20);
}

/// Two jobs of 40 that fit together (50 + 50 KB in 100) under RR, q = 10, on one CPU: A 0–10
/// cold (30 left), B 10–20 cold (30 left); then both are warm: A 20–30 (10 left), B 30–40
/// (10 left), A 40–45, B 45–50.
#[test]
fn two_working_sets_that_fit_both_stay_warm() {
    let jobs = vec![with_ws(job("A", 0, "compute 40"), 50), with_ws(job("B", 0, "compute 40"), 50)];
    let mut s = scenario(1, Policy::RoundRobin, Some(10), jobs);
    s.machine.cache = Some(CacheSpec::default());
    let (_, r) = run(&s);
    let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(done, vec![45, 50]);
}

/// The same with 60 KB each: warming one evicts the other (60 + 60 > 100), and an evicted job
/// warms up from scratch, so each slice runs cold: the cache thrashes. A runs 0–10, 20–30,
/// 40–50, 60–70 (40 cold ticks), B the slices between: done at 70 and 80.
#[test]
fn working_sets_that_do_not_fit_together_thrash() {
    let jobs = vec![with_ws(job("A", 0, "compute 40"), 60), with_ws(job("B", 0, "compute 40"), 60)];
    let mut s = scenario(1, Policy::RoundRobin, Some(10), jobs);
    s.machine.cache = Some(CacheSpec::default());
    let (_, r) = run(&s);
    let done: Vec<u64> = r.metrics.threads.iter().map(|t| t.completion.unwrap()).collect();
    assert_eq!(done, vec![70, 80]);
    assert_eq!(r.metrics.warm_ticks, Some(0));
}

/// A migration costs a cold start: pinned to alternate CPUs it could never warm. Two jobs on 2
/// CPUs, each with 100 KB: on its own CPU each warms after 10 and finishes its 50 at 10 + 20 =
/// 30. Without the cache model both take 50.
#[test]
fn a_thread_that_stays_on_its_cpu_warms() {
    let jobs = vec![with_ws(job("A", 0, "compute 50"), 100), with_ws(job("B", 0, "compute 50"), 100)];
    let mut s = scenario(2, Policy::Fcfs, None, jobs.clone());
    s.machine.cache = Some(CacheSpec::default());
    let (_, r) = run(&s);
    assert_eq!(r.metrics.makespan, 30);
    let (_, plain) = run(&scenario(2, Policy::Fcfs, None, jobs));
    assert_eq!(plain.metrics.makespan, 50);
    assert_eq!(plain.metrics.warm_ticks, None, "no cache model, no warm ticks reported");
}

/// With a speed-up of 1 the model changes nothing: same numbers as without it.
#[test]
fn a_speedup_of_one_changes_nothing() {
    let p = threadlab::presets::find("compare-policies").unwrap().scenario().unwrap();
    let (_, plain) = run(&p);
    let mut s = p.clone();
    s.machine.cache = Some(CacheSpec { warm_speedup: 1, ..CacheSpec::default() });
    let (_, r) = run(&s);
    assert_eq!(
        r.metrics.threads.iter().map(|t| t.completion).collect::<Vec<_>>(),
        plain.metrics.threads.iter().map(|t| t.completion).collect::<Vec<_>>()
    );
}

/// The cache's settings are checked where they are.
#[test]
fn cache_settings_are_validated() {
    let text = |cache: &str| {
        format!(
            r#"{{"format":2,"name":"x","machine":{{"cpus":1,"cache":{cache}}},"processes":[{{"name":"p","working_set_kb":5,"threads":[{{"name":"m","code":"compute 1"}}]}}]}}"#
        )
    };
    let load =
        |cache: &str| threadlab::model::System::load(&threadlab::model::Scenario::from_json(&text(cache)).unwrap());
    assert!(load(r#"{"size_kb":64}"#).is_ok());
    assert_eq!(load(r#"{"size_kb":0}"#).unwrap_err().path, "machine.cache.size_kb");
    assert_eq!(load(r#"{"warm_speedup":0}"#).unwrap_err().path, "machine.cache.warm_speedup");
    let e = threadlab::model::Scenario::from_json(&text(r#"{"size":64}"#)).unwrap_err();
    assert_eq!(e.path, "machine.cache.size");
}
