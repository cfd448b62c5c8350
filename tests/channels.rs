//! Message channels between processes (`send`, `recv`; `src/model/sync/channel.rs`). Timings
//! are worked by hand from the rules: `send` and `recv` take 1 tick plus the channel's copy
//! cost (0 for the default 8-byte message), a `send` to a full channel or a `recv` from an empty
//! one blocks, and the woken thread runs its instruction again (another tick). Each process's
//! thread runs on its own CPU (two CPUs, FCFS, no switch costs).

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::model::scenario::{ChannelSpec, Policy, ProcessSpec};
use threadlab::model::sync::{Channel, Received, Sent};
use threadlab::model::trace::What;
use threadlab::model::{self, Outcome, Scenario};

fn channel(capacity: u32) -> ChannelSpec {
    ChannelSpec { capacity, message_bytes: 8, bytes_per_tick: 4042 }
}

fn with_vars(mut p: ProcessSpec, vars: &[&str]) -> ProcessSpec {
    for v in vars {
        p.variables.insert((*v).into(), 0);
    }
    p
}

/// Producer `p` and consumer `c`, each a process of one thread, through channel `ch`.
fn pair(capacity: u32, producer: &str, consumer: &str, cpus: u32) -> Scenario {
    let c = with_vars(job("c", 0, consumer), &["a", "b"]);
    let mut s = scenario(cpus, Policy::Fcfs, None, vec![job("p", 0, producer), c]);
    s.channels.insert("ch".into(), channel(capacity));
    s
}

/// A full channel blocks the sender until a `recv` makes room. Capacity 1. `p` sends 5 over
/// 0–1 (in), sends 6 over 1–2: full, it blocks at 2. `c` computes 0–4, receives 5 over 4–5,
/// which wakes `p`; `p` runs its `send` again over 5–6 (in) and ends at 6, having waited
/// 5 − 2 = 3 ticks. `c` computes 5–8 and receives 6 over 8–9, ending at 9 + the two stores
/// (9–11). The messages arrive in the order sent.
#[test]
fn a_full_channel_blocks_the_sender_until_a_receive() {
    let s = pair(
        1,
        "send ch, 5\nsend ch, 6",
        "compute 4\nrecv r0, ch\ncompute 3\nrecv r1, ch\nstore r0, a\nstore r1, b",
        2,
    );
    let (_, r) = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    let (p, c) = (&r.metrics.threads[0], &r.metrics.threads[1]);
    assert_eq!((p.completion, p.lock_wait), (Some(6), 3));
    assert_eq!((c.completion, c.lock_wait), (Some(11), 0));
    assert_eq!((var(&r, 1, "a"), var(&r, 1, "b")), (5, 6));
}

/// An empty channel blocks the receiver until a `send`. `c` tries to receive over 0–1: empty,
/// it blocks at 1. `p` computes 0–3 and sends 9 over 3–4, which wakes `c`; `c` runs its
/// `recv` again over 4–5 and stores over 5–6: it ends at 6 having waited 4 − 1 = 3 ticks.
#[test]
fn an_empty_channel_blocks_the_receiver_until_a_send() {
    let s = pair(2, "compute 3\nsend ch, 9", "recv r0, ch\nstore r0, a", 2);
    let (sys, r) = run(&s);
    assert_eq!(r.outcome, Outcome::Completed);
    let c = &r.metrics.threads[1];
    assert_eq!((c.completion, c.lock_wait), (Some(6), 3));
    assert_eq!(var(&r, 1, "a"), 9);
    // The wait is named by its channel, for the timeline and the thread table.
    let trace = r.trace.unwrap();
    let snap = trace.snapshot(&sys, 1, 2);
    let wait = snap.threads[1].waiting.expect("c waits at t=2");
    assert_eq!(wait.describe(&sys, 1), "channel `ch` for a message");
}

/// The copy cost: an 8,084-byte message at the default 4,042 bytes per tick is 2 ticks of
/// copying, so `send` and `recv` take 3 ticks each. One thread sends to itself and receives:
/// 0–3 and 3–6, ending at 6. With the default 8-byte message the copy rounds to 0: 0–1, 1–2.
#[test]
fn a_message_costs_its_copy() {
    let mut s = scenario(1, Policy::Fcfs, None, vec![job("p", 0, "send ch, 1\nrecv r0, ch")]);
    s.channels.insert("ch".into(), ChannelSpec { message_bytes: 8084, ..channel(1) });
    assert_eq!(run(&s).1.metrics.threads[0].completion, Some(6));
    s.channels.insert("ch".into(), channel(1));
    assert_eq!(run(&s).1.metrics.threads[0].completion, Some(2));
    // The cited defaults are the measured ones (measure/pipe-results.json).
    let measured: serde_json::Value = serde_json::from_str(include_str!("../measure/pipe-results.json")).unwrap();
    let rate = measured["results"]["bulk_bytes_per_us"].as_f64().unwrap();
    assert_eq!(threadlab::model::scenario::ipc::DEFAULT_BYTES_PER_TICK, rate.round() as u64);
}

/// A receiver whose senders have all exited waits for ever: the run stops with a deadlock report
/// naming the channel and the exited sender.
#[test]
fn a_receiver_whose_senders_exited_is_reported() {
    let s = pair(2, "send ch, 1", "recv r0, ch\nrecv r1, ch", 2);
    let (_, r) = run(&s);
    let Outcome::Deadlock { message, waits, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert!(message.contains("c/main waits for channel `ch` for a message"), "{message}");
    assert!(message.contains("its senders all exited: p/main, exited"), "{message}");
    assert_eq!(waits[0].waits_for.get("channel").map(String::as_str), Some("ch"));
}

/// Two senders blocked on a full channel whose receiver exited: the report names the receiver.
#[test]
fn senders_whose_receiver_exited_are_reported() {
    let s = pair(1, "send ch, 1\nsend ch, 2", "compute 1", 2);
    let (_, r) = run(&s);
    let Outcome::Deadlock { message, .. } = &r.outcome else { panic!("{:?}", r.outcome) };
    assert!(message.contains("p/main waits for channel `ch` to have room"), "{message}");
    assert!(message.contains("no thread's program receives on it"), "{message}");
}

/// Bad channel declarations and uses get located errors.
#[test]
fn bad_channels_are_located() {
    let s = pair(0, "send ch, 1", "recv r0, ch", 1);
    let e = model::run(&s).unwrap_err();
    assert_eq!(e.path, "channels.ch.capacity");
    let mut s = pair(1, "send pipe, 1", "recv r0, ch", 1);
    s.channels.insert("ch".into(), channel(1));
    let e = model::run(&s).unwrap_err();
    assert_eq!(e.path, "processes[0].threads[0].code");
    assert!(e.message.contains("unknown channel `pipe`: declare it in the scenario's `channels`"), "{}", e.message);
    // JSON: the field is read and checked.
    let json = r#"{"format": 2, "name": "x", "channels": {"ch": {"capacity": 2, "colour": 1}},
        "processes": [{"name": "p", "threads": [{"name": "t", "code": "send ch, 1"}]}]}"#;
    assert!(Scenario::from_json(json).is_err());
}

/// A producer sends 1, 2, …, n; a consumer checks each message is one more than the last
/// (`disorder` counts the ones that are not) and adds them up.
fn fifo_scenario(capacity: u32, n: u32, produce: u64, consume: u64, cpus: u32, seed: u64) -> Scenario {
    let producer = format!("set r0, 0\nloop {n}\ncompute 1..{produce}\nadd r0, 1\nsend ch, r0\nend");
    let consumer = format!(
        "set r2, 0\nloop {n}\nrecv r0, ch\ncompute 1..{consume}\nadd r2, 1\njeq r0, r2, ok\nfaa r3, disorder, 1\nok:\nload r1, sum\nadd r1, r0\nstore r1, sum\nend"
    );
    let c = with_vars(job("c", 0, &consumer), &["sum", "disorder"]);
    let mut s = scenario(cpus, Policy::RoundRobin, Some(3), vec![job("p", 0, &producer), c]);
    s.seed = seed;
    s.channels.insert("ch".into(), channel(capacity));
    s
}

/// The channel's own rules, over any sequence of sends and receives by a few threads.
#[derive(Clone, Debug)]
enum Op {
    Send(usize),
    Recv(usize),
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    /// In a run: every message arrives, in the order sent (FIFO), and between any two events
    /// the messages sent and not yet received never exceed the capacity (counted from the
    /// trace: a thread's PC moving past its `send` or `recv` is one completed).
    #[test]
    fn a_channel_is_fifo_and_never_over_capacity(
        capacity in 1u32..4, n in 1u32..12, produce in 1u64..5, consume in 1u64..5, cpus in 1u32..3, seed in 0u64..1000,
    ) {
        let s = fifo_scenario(capacity, n, produce, consume, cpus, seed);
        let (sys, r) = model::run(&s).unwrap();
        prop_assert_eq!(&r.outcome, &Outcome::Completed);
        prop_assert_eq!(var(&r, 1, "disorder"), 0);
        prop_assert_eq!(var(&r, 1, "sum"), i64::from(n * (n + 1) / 2));
        let mut pc = vec![0usize; sys.threads.len()];
        let mut held: i64 = 0;
        for e in &r.trace.as_ref().unwrap().events {
            if let What::Pc { tid, pc: next } = e.what {
                let prog = &sys.program_of(tid).instrs;
                if next == pc[tid] + 1 {
                    match prog[pc[tid]] {
                        threadlab::model::program::Instr::Send { .. } => held += 1,
                        threadlab::model::program::Instr::Recv { .. } => held -= 1,
                        _ => {}
                    }
                }
                pc[tid] = next;
                prop_assert!((0..=i64::from(capacity)).contains(&held), "t={}: {held} in a channel of {capacity}", e.time);
            }
        }
        prop_assert_eq!(held, 0);
    }

    /// The primitive alone: whatever the order of sends and receives by three threads, the
    /// queue never holds more than its capacity, the messages come out in the order they went
    /// in, and a blocked thread is woken by the operation that unblocks it.
    #[test]
    fn the_primitive_keeps_its_promises(capacity in 1usize..4, ops in prop::collection::vec(
        prop_oneof![(0usize..3).prop_map(Op::Send), (0usize..3).prop_map(Op::Recv)], 0..40)) {
        let mut c = Channel::new(capacity);
        let (mut next, mut sent, mut got) = (0i64, Vec::new(), Vec::new());
        for op in ops {
            match op {
                Op::Send(t) => match c.send(t, next) {
                    Sent::Queued { woke } => {
                        sent.push(next);
                        next += 1;
                        prop_assert!(woke.is_none() || c.queue.len() == 1);
                    }
                    Sent::Full => prop_assert_eq!(c.queue.len(), capacity),
                },
                Op::Recv(t) => match c.recv(t) {
                    Received::Got { value, .. } => got.push(value),
                    Received::Empty => prop_assert!(c.queue.is_empty()),
                },
            }
            prop_assert!(c.queue.len() <= capacity);
            // Blocked threads do not pile up in this test's loop (each op is a fresh attempt);
            // clear the queues as a woken thread would leave them by running again.
            c.senders.clear();
            c.receivers.clear();
        }
        prop_assert_eq!(&got[..], &sent[..got.len()]);
    }
}
