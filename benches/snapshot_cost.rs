//! How long `Trace::snapshot` takes on the largest trace the page may hold (prints figures).
//! `cargo bench --bench snapshot_cost`

use std::time::Instant;

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
    for t in [0, end / 2, end] {
        let start = Instant::now();
        let snap = trace.snapshot(&sys, 2, t);
        println!(
            "snapshot at t={t}: {:.2} ms (counter = {})",
            start.elapsed().as_secs_f64() * 1e3,
            snap.variables[0][0]
        );
    }
}
