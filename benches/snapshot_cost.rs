//! How long `Trace::snapshot` takes on the largest trace the page may hold, folded from the start
//! and resumed from the last checkpoint (`model::replay`, what the page does); prints figures.
//! `cargo bench --bench snapshot_cost`

use std::time::Instant;

use threadlab::model::replay::Checkpoints;
use threadlab::model::{self, Scenario};

fn main() {
    let mut s = Scenario::from_json(threadlab::presets::find("race-unsafe").unwrap().json).unwrap();
    s.limits.max_steps = u64::MAX;
    if let Some(w) = s.processes[0].programs.get_mut("worker") {
        *w = "loop 1000000\nload r0, counter\nadd r0, 1\nstore r0, counter\ncompute 1..3\nend".into();
    }
    let start = Instant::now();
    let (sys, r) = model::run(&s).unwrap();
    let trace = r.trace.unwrap();
    println!(
        "run: {:.0} ms, {} events, {} intervals, outcome: {}",
        start.elapsed().as_secs_f64() * 1e3,
        trace.events.len(),
        trace.intervals.len(),
        r.outcome.message()
    );
    let end = trace.end_time();
    let start = Instant::now();
    let checkpoints = Checkpoints::new(&trace, &sys);
    println!(
        "checkpoints: {:.0} ms to build, one every {} events",
        start.elapsed().as_secs_f64() * 1e3,
        checkpoints.every()
    );
    for t in [0, end / 2, end] {
        let start = Instant::now();
        let snap = trace.snapshot(&sys, 2, t);
        let plain = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        let resumed = checkpoints.snapshot(&trace, &sys, 2, t);
        let from_checkpoint = start.elapsed().as_secs_f64() * 1e3;
        assert_eq!(snap, resumed);
        println!(
            "snapshot at t={t}: {plain:.2} ms from the start, {from_checkpoint:.3} ms from a checkpoint (counter = {})",
            snap.variables[0][0]
        );
    }
}
