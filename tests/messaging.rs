//! The page ↔ worker messages: a run's result survives the trip through bytes exactly, on every
//! preset and the page benchmark's big run; broken bytes are an error, not a panic.

use threadlab::messaging::wire::RunBytes;
use threadlab::model::{self, Outcome, Scenario};
use threadlab::presets;

fn result_of(scenario: &Scenario) -> RunBytes {
    let (_, result) = model::run(scenario).expect("a valid scenario");
    RunBytes::from_result(result)
}

#[test]
fn every_presets_result_reads_back_equal() {
    for p in presets::PRESETS {
        let run = result_of(&p.scenario().unwrap());
        assert!(!run.trace.events.is_empty(), "{}: a trace to carry", p.key);
        let back = RunBytes::decode(&run.encode()).unwrap_or_else(|e| panic!("{}: {e}", p.key));
        assert_eq!(back, run, "{}", p.key);
    }
}

/// Every kind of trace event the language can cause (jumps and flags, atomics, each primitive's
/// changes and waits) survives the trip.
#[test]
fn every_kind_of_event_reads_back() {
    let text = r#"{"name": "all", "machine": {"cpus": 2}, "processes": [{"name": "p",
        "variables": {"x": 0},
        "semaphores": {"s": {"initial": 0}},
        "barriers": {"b": 2},
        "threads": [
          {"name": "a", "code": ["cmp r0, 1", "faa r1, x, 2", "set r2, 5", "xchg r2, x", "cas x, r0, r2",
                                 "cas x, r0, r2", "lock m", "compute 2", "unlock m", "sem_post s", "compute 3",
                                 "lock m", "cond_signal c", "unlock m", "spin_lock q", "compute 2",
                                 "spin_unlock q", "barrier b", "write_lock l",
                                 "compute 2", "write_unlock l"]},
          {"name": "b", "code": ["compute 1", "lock m", "unlock m", "sem_wait s", "lock m", "cond_wait c, m",
                                 "unlock m", "spin_lock q", "spin_unlock q", "barrier b", "read_lock l",
                                 "read_unlock l"]}
        ]}]}"#;
    let run = result_of(&Scenario::from_json(text).unwrap());
    assert_eq!(run.outcome, Outcome::Completed);
    assert!(run.metrics.threads[1].spin_time > 0, "b spins on q");
    assert_eq!(RunBytes::decode(&run.encode()).unwrap(), run);
}

#[test]
fn a_deadlock_report_and_warm_cache_ticks_read_back() {
    // The deadlock preset's outcome carries the stuck threads (a map per thread); a machine with
    // a cache model (multicore-queues) adds the optional warm_ticks, which JSON skips when absent.
    let run = result_of(&presets::find("deadlock").unwrap().scenario().unwrap());
    assert!(matches!(&run.outcome, Outcome::Deadlock { waits, .. } if !waits.is_empty()));
    assert_eq!(RunBytes::decode(&run.encode()).unwrap(), run);
    let run = result_of(&presets::find("multicore-queues").unwrap().scenario().unwrap());
    assert!(run.metrics.warm_ticks.is_some());
    assert_eq!(RunBytes::decode(&run.encode()).unwrap(), run);
}

#[test]
fn the_big_run_is_a_few_bytes_per_event() {
    let text = std::fs::read_to_string("e2e/bench/big-run.json").unwrap();
    let run = result_of(&Scenario::from_json(&text).unwrap());
    let bytes = run.encode();
    let items = run.trace.events.len() + run.trace.intervals.len();
    // An event is its variant (1 byte), a time under 16,384 µs (2 bytes), and two or three
    // small numbers (1 byte each, a register value up to 2): under 10 bytes per item.
    assert!(bytes.len() < items * 10, "{} bytes for {items} events and intervals", bytes.len());
    assert_eq!(RunBytes::decode(&bytes).unwrap(), run);
}

#[test]
fn cut_or_garbled_bytes_are_an_error() {
    let run = result_of(&presets::find("race-unsafe").unwrap().scenario().unwrap());
    let bytes = run.encode();
    assert!(RunBytes::decode(&bytes[..bytes.len() / 2]).is_err());
    assert!(RunBytes::decode(&[]).is_err());
    assert!(RunBytes::decode(&[0xff; 16]).is_err());
}

#[test]
fn a_result_read_a_slice_at_a_time_equals_the_whole() {
    use threadlab::messaging::wire::RunDecoder;
    let run = result_of(&presets::find("race-unsafe").unwrap().scenario().unwrap());
    let bytes = run.encode();
    let items = run.trace.events.len() + run.trace.intervals.len() + run.trace.ready_queue.len();
    let mut d = RunDecoder::new(bytes.clone()).unwrap();
    let (mut steps, mut last) = (0, d.fraction());
    assert!(last > 0.0 && last < 1.0, "the head is read at once: {last}");
    while !d.step(7).unwrap() {
        steps += 1;
        assert!(d.fraction() > last, "each slice reads on");
        last = d.fraction();
    }
    // 7 items a slice: ⌈items / 7⌉ slices read them; the one that reads the last says so.
    assert_eq!(steps + 1, items.div_ceil(7));
    assert_eq!(d.fraction(), 1.0);
    assert_eq!(d.finish().unwrap(), run);
    // Cut in the middle of the lists: a slice reports the error.
    let mut cut = RunDecoder::new(bytes[..bytes.len() * 2 / 3].to_vec()).unwrap();
    assert!(cut.step(usize::MAX).is_err());
    // Something after the result is refused too.
    let mut padded = bytes.clone();
    padded.push(0);
    assert!(RunBytes::decode(&padded).unwrap_err().to_string().contains("1 bytes left over"));
}
