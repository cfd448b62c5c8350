//! The timeline's bars, read from a trace: CPU lanes from the CPU intervals, thread lanes with
//! ready and blocked time from the state changes (the page's timeline draws these).

use threadlab::model::scheduler::ReadyReason;
use threadlab::model::trace::{Cause, CpuInterval, IntervalKind, ThreadState, Trace, TraceEvent, What};
use threadlab::model::wait::WaitReason;
use threadlab::model::{self, Scenario};
use threadlab::timeline::spans::state_spans;
use threadlab::timeline::{LaneSet, Lanes, SpanKind};

fn state(time: u64, tid: usize, state: ThreadState, cause: Cause) -> TraceEvent {
    TraceEvent { time, what: What::State { tid, state, cause } }
}

fn run_iv(cpu: usize, tid: usize, start: u64, end: u64, kind: IntervalKind) -> CpuInterval {
    CpuInterval { cpu, tid, start, end, kind, first_pc: 0, last_pc: 0 }
}

/// A hand-written trace on one CPU: thread 0 runs 0–2, blocks on I/O until 7, runs 7–9 and
/// exits; thread 1 waits in the ready queue 0–2, runs 2–3, then blocks on mutex 0 and is still
/// blocked when the trace ends at 9 (a deadlock).
fn hand_trace() -> Trace {
    use Cause::*;
    use ThreadState::*;
    let queued = |reason| Queued { reason };
    Trace {
        events: vec![
            state(0, 0, Ready, queued(ReadyReason::Arrived)),
            state(0, 1, Ready, queued(ReadyReason::Arrived)),
            state(0, 0, Running, Dispatched { cpu: 0 }),
            TraceEvent { time: 2, what: What::Pc { tid: 0, pc: 1 } },
            state(2, 0, Blocked, Wait { on: WaitReason::Io { until: 7 } }),
            state(2, 1, Running, Dispatched { cpu: 0 }),
            TraceEvent { time: 3, what: What::Pc { tid: 1, pc: 4 } },
            state(3, 1, Blocked, Wait { on: WaitReason::Mutex { mutex: 0 } }),
            state(7, 0, Ready, queued(ReadyReason::Woken)),
            state(7, 0, Running, Dispatched { cpu: 0 }),
            state(9, 0, Terminated, Exited { value: 0 }),
        ],
        intervals: vec![
            run_iv(0, 0, 0, 2, IntervalKind::Run),
            run_iv(0, 1, 2, 3, IntervalKind::Run),
            run_iv(0, 0, 7, 9, IntervalKind::Run),
        ],
        ready_queue: Vec::new(),
    }
}

/// (start, end, kind) of each bar.
fn shape(bars: &[threadlab::timeline::Span]) -> Vec<(u64, u64, SpanKind)> {
    bars.iter().map(|s| (s.start, s.end, s.kind)).collect()
}

#[test]
fn ready_and_blocked_time_come_from_the_state_changes() {
    let spans = state_spans(&hand_trace(), 2);
    // Thread 0: ready for 0 ticks at 0 and at 7 (dispatched at once: no bar), blocked on I/O 2–7.
    assert_eq!(shape(&spans[0]), vec![(2, 7, SpanKind::IoWait)]);
    assert_eq!(spans[0][0].wait, Some(WaitReason::Io { until: 7 }));
    assert_eq!(spans[0][0].first_pc, 1, "the PC when it blocked");
    // Thread 1: ready 0–2, then blocked on the mutex from 3 to the end of the trace (9).
    assert_eq!(shape(&spans[1]), vec![(0, 2, SpanKind::Ready), (3, 9, SpanKind::LockWait)]);
    assert_eq!(spans[1][1].first_pc, 4);
}

#[test]
fn thread_lanes_hold_runs_and_waits_in_time_order() {
    let lanes = Lanes::by_thread(&hand_trace(), 2);
    assert_eq!(lanes.set, LaneSet::Threads);
    use SpanKind::*;
    assert_eq!(shape(&lanes.lanes[0]), vec![(0, 2, Run), (2, 7, IoWait), (7, 9, Run)]);
    assert_eq!(shape(&lanes.lanes[1]), vec![(0, 2, Ready), (2, 3, Run), (3, 9, LockWait)]);
}

#[test]
fn cpu_lanes_hold_the_intervals_by_start() {
    let lanes = Lanes::by_cpu(&hand_trace(), 2);
    use SpanKind::*;
    assert_eq!(shape(&lanes.lanes[0]), vec![(0, 2, Run), (2, 3, Run), (7, 9, Run)]);
    assert!(lanes.lanes[1].is_empty(), "CPU 1 never ran anything");
}

#[test]
fn lookups_by_time() {
    let lanes = Lanes::by_cpu(&hand_trace(), 1);
    // Bars [0,2) [2,3) [7,9): tick 2 is in the second (ends are exclusive); 5 is idle.
    assert_eq!(lanes.at(0, 2), Some(1));
    assert_eq!(lanes.at(0, 5), None);
    // Nearest to 5: the bar ending at 3 (last tick 2, 3 away) or starting at 7 (2 away).
    assert_eq!(lanes.nearest(0, 5), Some(2));
    assert_eq!(lanes.nearest(0, 4), Some(1), "2 away from tick 2, 3 from tick 7");
    assert_eq!(lanes.nearest(0, 100), Some(2));
    // [1, 8) overlaps all three bars; [3, 7) none.
    assert_eq!(lanes.count_in(0, 1, 8), 3);
    assert_eq!(lanes.count_in(0, 3, 7), 0);
}

/// Per thread of a finished run, the thread lane's bars add up to the model's own metrics
/// (OSTEP ch. 7: turnaround = waiting + CPU time + I/O time + lock wait; waiting counts being
/// switched in), and each lane's bars never overlap.
fn check_against_metrics(json: &str) {
    let scenario = Scenario::from_json(json).unwrap();
    let (sys, r) = model::run(&scenario).unwrap();
    let trace = r.trace.as_ref().unwrap();
    let lanes = Lanes::by_thread(trace, sys.threads.len());
    for (tid, lane) in lanes.lanes.iter().enumerate() {
        let m = &r.metrics.threads[tid];
        let total =
            |f: &dyn Fn(SpanKind) -> bool| lane.iter().filter(|s| f(s.kind)).map(|s| s.end - s.start).sum::<u64>();
        assert_eq!(total(&|k| k == SpanKind::Run), m.cpu_time, "{}: CPU time", m.name);
        assert_eq!(total(&|k| k == SpanKind::IoWait), m.io_time, "{}: I/O time", m.name);
        assert_eq!(total(&|k| k == SpanKind::LockWait), m.lock_wait, "{}: lock wait", m.name);
        let waiting = |k| matches!(k, SpanKind::Ready | SpanKind::ThreadSwitch | SpanKind::ProcessSwitch);
        assert_eq!(total(&waiting), m.waiting, "{}: waiting", m.name);
        assert_eq!(total(&|_| true), m.turnaround.unwrap(), "{}: no gaps from arrival to exit", m.name);
        assert!(lane.windows(2).all(|w| w[0].end <= w[1].start), "{}: bars overlap", m.name);
    }
    let cpus = Lanes::by_cpu(trace, scenario.machine.cpus as usize);
    assert_eq!(cpus.lanes.iter().map(Vec::len).sum::<usize>(), trace.intervals.len());
    for lane in &cpus.lanes {
        assert!(lane.windows(2).all(|w| w[0].end <= w[1].start), "a CPU runs one thing at a time");
    }
}

#[test]
fn thread_lanes_add_up_to_the_metrics_with_locks() {
    check_against_metrics(threadlab::presets::find("race-mutex").unwrap().json);
}

#[test]
fn thread_lanes_add_up_to_the_metrics_with_io() {
    check_against_metrics(threadlab::presets::find("mixed-rr-2cpu").unwrap().json);
}

#[test]
fn thread_lanes_add_up_to_the_metrics_at_64_threads() {
    let json = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/e2e/threads-64.json")).unwrap();
    check_against_metrics(&json);
}
