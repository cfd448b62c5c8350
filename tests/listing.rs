//! What the code view reads: a thread's program as written, and where the thread is in it.

mod common;
use common::*;
use threadlab::model::listing::{LoopRound, source_of, whereabouts};
use threadlab::model::scenario::{Policy, ProgramText};

#[test]
fn source_is_the_program_as_written_with_its_comments() {
    let mut p = job("p", 0, "compute 1\nio 2   # wait");
    p.programs.insert(
        "worker".into(),
        ProgramText::Lines(vec!["loop 2".into(), "  lock m  # in".into(), "  unlock m".into(), "end".into()]),
    );
    let mut t = thread("w", "");
    t.code = None;
    t.program = Some("worker".into());
    p.threads.push(t);
    let s = scenario(1, Policy::Fcfs, None, vec![p]);
    let (sys, _) = run(&s);
    assert_eq!(source_of(&s, &sys, 0), (None, vec!["compute 1".to_string(), "io 2   # wait".to_string()]));
    let (name, lines) = source_of(&s, &sys, 1);
    assert_eq!(name.as_deref(), Some("worker"));
    assert_eq!(lines[1], "  lock m  # in");
    // Line N of the listing is the line the parser numbered N.
    let prog = sys.program_of(1);
    assert_eq!(prog.lines, vec![1, 2, 3, 4]);
    assert!(lines[prog.lines[1] as usize - 1].trim_start().starts_with(&prog.texts[1]));
}

/// Nested loops, one CPU, 1 tick per `compute`: the six computes run [0,1), [1,2), … [5,6).
/// Outer round k, inner round i is compute number 2(k−1)+i. At the end of t=4 compute 4 (outer
/// 2, inner 2) has completed, so the inner loop ended, the outer `end` started outer round 3 and
/// its inner loop round 1.
#[test]
fn loop_rounds_follow_the_pc_through_nested_loops() {
    let code = "loop 3\n  loop 2\n    compute 1\n  end\nend";
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, code)]);
    let (sys, r) = run(&s);
    let trace = r.trace.unwrap();
    let rounds = |t| whereabouts(&trace, &sys, 0, t).loops.iter().map(|l| (l.pc, l.round, l.count)).collect::<Vec<_>>();
    assert_eq!(rounds(0), vec![(0, 1, 3), (1, 1, 2)]);
    assert_eq!(rounds(1), vec![(0, 1, 3), (1, 2, 2)]);
    assert_eq!(rounds(2), vec![(0, 2, 3), (1, 1, 2)]);
    assert_eq!(rounds(4), vec![(0, 3, 3), (1, 1, 2)]);
    assert_eq!(rounds(5), vec![(0, 3, 3), (1, 2, 2)]);
    assert_eq!(rounds(6), vec![]);
    let w = whereabouts(&trace, &sys, 0, 4);
    assert_eq!(w.pc_since, Some(4));
    assert_eq!(w.loops[0], LoopRound { pc: 0, round: 3, count: 3 });
}

/// A thread's PC time: a `compute 5` started at t=0 leaves its PC where it is until t=5.
#[test]
fn pc_since_is_when_the_pc_last_moved() {
    let s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "compute 5\ncompute 2")]);
    let (sys, r) = run(&s);
    let trace = r.trace.unwrap();
    assert_eq!(whereabouts(&trace, &sys, 0, 0).pc_since, None);
    assert_eq!(whereabouts(&trace, &sys, 0, 4).pc_since, None);
    assert_eq!(whereabouts(&trace, &sys, 0, 6).pc_since, Some(5));
}

/// A spinning thread's PC does not move: each failed `spin_lock` attempt records it unchanged.
/// Two CPUs: main holds `s` over 1–7; `waiter` computes 0–1, reaches `spin_lock` at 1 and spins
/// there until it gets `s` at 7 (its PC moves on then).
#[test]
fn a_spinning_thread_stays_where_it_arrived() {
    let mut p = job("p", 0, "spin_lock s\ncompute 5\nspin_unlock s");
    p.threads.push(thread("waiter", "compute 1\nspin_lock s\nspin_unlock s"));
    let s = scenario(2, Policy::Fcfs, None, vec![p]);
    let (sys, r) = run(&s);
    let trace = r.trace.unwrap();
    assert_eq!(whereabouts(&trace, &sys, 1, 5).pc_since, Some(1));
    assert_eq!(whereabouts(&trace, &sys, 1, 7).pc_since, Some(7));
}
