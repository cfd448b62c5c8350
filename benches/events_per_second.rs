//! Benchmark (not a test): events per second of the model on a large scenario.
//!
//! `cargo bench --bench events_per_second` prints, for a scenario of 1,000 threads in 10
//! processes on 8 CPUs under Round Robin (quantum 3), the events handled and the rate, with and
//! without recording the trace; then the same scenario under every policy (metrics only).
//! Target: ≥ 20 million events per second natively without the trace, and, built for
//! wasm32-wasip1 and run under Node's WASI (V8, as in Chromium), at least 0.8 of that:
//! `bash scripts/bench.sh` runs both and prints them side by side.
//!
//! Arguments: `metrics` measures only the first case (for profiling); `FILE.json` measures
//! that scenario instead. Each measurement is the best of 3 runs after one untimed run, and also
//! prints a line `rate LABEL M_EVENTS_PER_S`.

use std::time::Instant;

use threadlab::model::scenario::{
    FORMAT, Limits, MachineSpec, Policy, ProcessSpec, Scenario, SchedulerSpec, ThreadSpec,
};
use threadlab::model::{LoadedRun, Recording, Simulation};

fn big_scenario(processes: usize, threads_per_process: usize, iterations: u32) -> Scenario {
    let worker = format!(
        "loop {iterations}\n  compute 1..4\n  lock m\n  load r0, counter\n  add r0, 1\n  store r0, counter\n  unlock m\n  io 1..20\nend\n"
    );
    let processes = (0..processes)
        .map(|p| ProcessSpec {
            name: format!("p{p}"),
            arrival: p as u64,
            variables: [("counter".to_string(), 0)].into(),
            programs: [("worker".to_string(), worker.as_str().into())].into(),
            threads: (0..threads_per_process)
                .map(|t| ThreadSpec { name: format!("t{t}"), program: Some("worker".into()), ..Default::default() })
                .collect(),
            ..Default::default()
        })
        .collect();
    Scenario {
        format: FORMAT,
        name: "benchmark".into(),
        description: String::new(),
        machine: MachineSpec { cpus: 8, thread_switch_ticks: 1, process_switch_ticks: 3, ..MachineSpec::default() },
        scheduler: SchedulerSpec::of(Policy::RoundRobin, Some(3)),
        seed: 42,
        limits: Limits { max_steps: u64::MAX, max_time: u64::MAX },
        channels: Default::default(),
        shared: Default::default(),
        mutex_protocol: Default::default(),
        params: Default::default(),
        processes,
    }
}

fn measure(label: &str, scenario: &Scenario, recording: Recording) {
    let run = LoadedRun::load(scenario).expect("valid");
    // One run first, not timed: V8 runs new WebAssembly code in its baseline compiler until the
    // optimising one, on a background thread, has compiled it; on a busy machine that took
    // longer than the first case's three runs (its rate in wasm was 0.72 of the same scenario's
    // a few cases later). Natively it only warms the caches.
    std::hint::black_box(Simulation::new(run.clone(), recording).finish());
    let mut best = f64::MAX;
    let mut events = 0;
    let mut trace_len = 0;
    let mut outcome = String::new();
    for _ in 0..3 {
        let start = Instant::now();
        let (_, result) = Simulation::new(run.clone(), recording).finish();
        let secs = start.elapsed().as_secs_f64();
        best = best.min(secs);
        events = result.events_handled;
        outcome = result.outcome.message();
        trace_len = result.trace.map_or(0, |t| t.events.len() + t.intervals.len());
        std::hint::black_box(&result.metrics);
    }
    let rate = events as f64 / best / 1e6;
    println!(
        "{label:<28} {events:>10} events in {:>7.1} ms  = {rate:>6.2} M events/s  ({} trace entries)\n{:<28} outcome: {outcome}",
        best * 1e3,
        trace_len,
        ""
    );
    println!("rate {} {rate:.3}", label.replace(' ', "_"));
}

fn main() {
    // `cargo bench --bench events_per_second -- FILE.json` measures a scenario file instead.
    if let Some(path) = std::env::args().skip(1).find(|a| a.ends_with(".json")) {
        let s = Scenario::from_json(&std::fs::read_to_string(&path).expect("readable")).expect("valid");
        println!("scenario: {path}");
        measure("metrics only (no trace)", &s, Recording::MetricsOnly);
        return;
    }
    let s = big_scenario(10, 100, 200);
    println!("scenario: 10 processes × 100 threads, 200 loop iterations each, 8 CPUs, RR q=3 (best of 3)");
    // `cargo bench --bench events_per_second -- metrics` runs only the metrics-only case (for profiling).
    let only_metrics = std::env::args().any(|a| a == "metrics");
    measure("metrics only (no trace)", &s, Recording::MetricsOnly);
    if only_metrics {
        return;
    }
    measure("full trace", &s, Recording::Full);
    println!("the same scenario under each policy (metrics only, default parameters, quantum 3):");
    for &policy in Policy::ALL {
        let mut p = s.clone();
        p.scheduler = SchedulerSpec::of(policy, Some(3));
        measure(&format!("policy {}", policy.key()), &p, Recording::MetricsOnly);
    }
}
