//! The thread lanes' labels tell the threads apart, the distinguishing name first.

mod common;

use threadlab::model::scenario::{Policy, ProcessSpec};
use threadlab::model::system::System;
use threadlab::presets;
use threadlab::timeline::names::{LaneName, lane_names};

fn names(preset: &str) -> Vec<LaneName> {
    let s = presets::find(preset).unwrap().scenario().unwrap();
    lane_names(&System::load(&s).unwrap())
}

fn name(first: &str, rest: &str) -> LaneName {
    LaneName { first: first.into(), rest: rest.into() }
}

#[test]
fn threads_of_one_process_are_named_by_thread() {
    // race-unsafe: process `counter` with threads `main` and `worker` (presets/race-unsafe.json).
    assert_eq!(names("race-unsafe"), [name("main", "counter"), name("worker", "counter")]);
}

#[test]
fn single_thread_processes_are_named_by_process() {
    // mixed-rr-2cpu: four processes, each with one thread `main` (presets/mixed-rr-2cpu.json).
    let want = ["render", "editor", "backup", "compile"].map(|p| name(p, "main"));
    assert_eq!(names("mixed-rr-2cpu"), want);
}

#[test]
fn a_shared_name_in_a_shared_process_keeps_both_halves() {
    // Two processes with threads `main` and `io`: no half alone tells a thread apart.
    let p = |n: &str| ProcessSpec {
        name: n.into(),
        threads: vec![common::thread("main", "compute 1"), common::thread("io", "compute 1")],
        ..Default::default()
    };
    let s = common::scenario(1, Policy::Fcfs, None, vec![p("a"), p("b")]);
    let got = lane_names(&System::load(&s).unwrap());
    assert_eq!(got, [name("a/main", ""), name("a/io", ""), name("b/main", ""), name("b/io", "")]);
}
