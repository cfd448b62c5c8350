//! Scheduling exercises: seeded workloads, answers worked by hand, checking within 0.01, and
//! the spans that make up each value.

use proptest::prelude::*;
use threadlab::exercise::{Exercise, ExerciseSpec, Field, Given, Job, Span, SpanKind, Verdict, Work};
use threadlab::model::Ticks;
use threadlab::model::scenario::{Policy, SchedulerSpec};

/// The policies an exercise takes: every one but x86.py's ([`threadlab::exercise::policies`]).
const POLICIES: [Policy; 12] = [
    Policy::Fcfs,
    Policy::RoundRobin,
    Policy::Sjf,
    Policy::Srtf,
    Policy::Priority,
    Policy::Mlfq,
    Policy::Lottery,
    Policy::Stride,
    Policy::Cfs,
    Policy::ProcessRun,
    Policy::TickRr,
    Policy::Scripted,
];

fn spec(policy: Policy, seed: u64) -> ExerciseSpec {
    ExerciseSpec { seed, jobs: None, io: false, cpus: 1, scheduler: SchedulerSpec::of(policy, None) }
}

fn job(name: &str, arrival: Ticks, work: Vec<Work>) -> Job {
    Job { name: name.into(), arrival, priority: 1, work }
}

/// OSTEP ch. 7, figure 7.5: A (100) at 0, B and C (10 each) at 10, under STCF (our SRTF).
fn ostep_stcf() -> Exercise {
    let jobs =
        vec![job("A", 0, vec![Work::Cpu(100)]), job("B", 10, vec![Work::Cpu(10)]), job("C", 10, vec![Work::Cpu(10)])];
    Exercise { spec: spec(Policy::Srtf, 0), jobs }
}

fn total(spans: &[Span]) -> Ticks {
    spans.iter().map(Span::len).sum()
}

#[test]
fn the_same_seed_gives_the_same_jobs_under_any_policy() {
    let a = Exercise::generate(spec(Policy::RoundRobin, 7)).unwrap();
    assert_eq!(a, Exercise::generate(spec(Policy::RoundRobin, 7)).unwrap());
    for p in POLICIES {
        assert_eq!(Exercise::generate(spec(p, 7)).unwrap().jobs, a.jobs, "{p:?}");
    }
    let distinct: std::collections::BTreeSet<String> =
        (0..20).map(|seed| format!("{:?}", Exercise::generate(spec(Policy::Fcfs, seed)).unwrap().jobs)).collect();
    assert!(distinct.len() > 15, "seeds give different workloads: {}", distinct.len());
}

/// STCF on OSTEP's example: A 0–10, B 10–20, C 20–30, A 30–120 (OSTEP: average turnaround 50).
/// A: completion 120, turnaround 120, waiting 20 (ready 10–30), response 0.
/// B: 20, 10, 0, 0. C: 30, 20, 10 (ready 10–20), 10.
#[test]
fn answers_and_what_they_are_made_of_on_ostep_stcf() {
    let a = ostep_stcf().solve().unwrap();
    let row = |i: usize| {
        let j = &a.jobs[i];
        (j.completion, j.turnaround, j.waiting, j.response)
    };
    assert_eq!(row(0), (120, 120, 20, 0));
    assert_eq!(row(1), (20, 10, 0, 0));
    assert_eq!(row(2), (30, 20, 10, 10));
    assert_eq!(a.averages.turnaround, 50.0);
    assert_eq!(a.averages.waiting, 10.0);

    let s = |start, end, kind, cpu| Span { start, end, kind, cpu };
    let run = |start, end| s(start, end, SpanKind::Run, Some(0));
    let ready = |start, end| s(start, end, SpanKind::Ready, None);
    let m = &a.jobs[0].made_of;
    assert_eq!(m.turnaround, [run(0, 10), ready(10, 30), run(30, 120)]);
    assert_eq!(m.waiting, [ready(10, 30)]);
    assert!(m.response.is_empty(), "A runs at once");
    assert_eq!(m.completion, [s(0, 120, SpanKind::Elapsed, None)]);
    let c = &a.jobs[2].made_of;
    assert_eq!(c.response, [ready(10, 20)]);
    assert_eq!(c.turnaround, [ready(10, 20), run(20, 30)]);
}

/// A job with I/O: A does cpu 2, io 3, cpu 2 from 0; B runs 4 from 1, under FCFS on one CPU.
/// A 0–2, blocked 2–5; B 2–6; A ready 5–6, runs 6–8. A: completion 8, turnaround 8, waiting 1,
/// response 0. B: completion 6, turnaround 5, waiting 1 (1–2), response 1.
#[test]
fn io_is_not_waiting() {
    let jobs = vec![job("A", 0, vec![Work::Cpu(2), Work::Io(3), Work::Cpu(2)]), job("B", 1, vec![Work::Cpu(4)])];
    let a = Exercise { spec: spec(Policy::Fcfs, 0), jobs }.solve().unwrap();
    let j = &a.jobs[0];
    assert_eq!((j.completion, j.turnaround, j.waiting, j.response), (8, 8, 1, 0));
    let kinds: Vec<(SpanKind, Ticks, Ticks)> = j.made_of.turnaround.iter().map(|s| (s.kind, s.start, s.end)).collect();
    assert_eq!(kinds, [(SpanKind::Run, 0, 2), (SpanKind::Io, 2, 5), (SpanKind::Ready, 5, 6), (SpanKind::Run, 6, 8)]);
    let b = &a.jobs[1];
    assert_eq!((b.completion, b.turnaround, b.waiting, b.response), (6, 5, 1, 1));
}

#[test]
fn answers_are_checked_within_a_hundredth() {
    let a = ostep_stcf().solve().unwrap();
    let given = [
        // A: all right, one off by less than 0.01.
        Given {
            job: "A".into(),
            completion: Some(120.0),
            turnaround: Some(120.004),
            waiting: Some(20.0),
            response: Some(0.0),
        },
        // C: waiting off by 0.02 (wrong), response missing.
        Given { job: "C".into(), completion: Some(30.0), turnaround: Some(20.0), waiting: Some(10.02), response: None },
    ];
    let checked = a.check(&given).unwrap();
    assert_eq!(checked.len(), 12, "every job and field, B's all missing");
    let verdict = |job: &str, field: Field| checked.iter().find(|c| c.job == job && c.field == field).unwrap();
    for f in Field::ALL {
        assert_eq!(verdict("A", f).verdict, Verdict::Right, "{f:?}");
        assert!(verdict("A", f).made_of.is_empty(), "a right answer needs no explanation");
        assert_eq!(verdict("B", f).verdict, Verdict::Missing);
    }
    let w = verdict("C", Field::Waiting);
    assert_eq!((w.verdict, w.correct), (Verdict::Wrong, 10));
    // The explanation of C's waiting: it was ready 10–20.
    assert_eq!(w.made_of, [Span { start: 10, end: 20, kind: SpanKind::Ready, cpu: None }]);
    assert_eq!(verdict("C", Field::Response).verdict, Verdict::Missing);
    assert_eq!(verdict("C", Field::Turnaround).verdict, Verdict::Right);

    let unknown = a.check(&[Given { job: "Z".into(), ..Default::default() }]).unwrap_err();
    assert_eq!(unknown, "no job `Z` in this exercise (jobs: A, B, C)");
    let twice = [Given { job: "A".into(), ..Default::default() }, Given { job: "A".into(), ..Default::default() }];
    assert_eq!(a.check(&twice).unwrap_err(), "job `A` is given twice");
}

#[test]
fn bad_parameters_name_themselves() {
    let mut s = spec(Policy::Fcfs, 1);
    s.jobs = Some(27);
    assert_eq!(Exercise::generate(s.clone()).unwrap_err().to_string(), "jobs: give 1 to 26 jobs, got 27");
    s.jobs = None;
    s.cpus = 0;
    assert_eq!(Exercise::generate(s).unwrap_err().param, "cpus");
    let mut rr = spec(Policy::RoundRobin, 1);
    rr.scheduler.params.set_quantum(0).unwrap();
    assert_eq!(Exercise::generate(rr).unwrap_err().param, "quantum");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The workload follows the documented distributions.
    #[test]
    fn workloads_follow_the_distributions(seed in any::<u64>(), io in any::<bool>(), jobs in proptest::option::of(1usize..=26)) {
        let x = Exercise::generate(ExerciseSpec { jobs, io, ..spec(Policy::Fcfs, seed) }).unwrap();
        match jobs {
            Some(n) => prop_assert_eq!(x.jobs.len(), n),
            None => prop_assert!((3..=5).contains(&x.jobs.len())),
        }
        prop_assert_eq!(x.jobs[0].arrival, 0);
        for (i, j) in x.jobs.iter().enumerate() {
            prop_assert_eq!(&j.name, &char::from(b'A' + i as u8).to_string());
            if i > 0 {
                prop_assert!((0..=4).contains(&(j.arrival - x.jobs[i - 1].arrival)));
            }
            prop_assert!((1..=5).contains(&j.priority));
            match j.work[..] {
                [Work::Cpu(n)] => prop_assert!((1..=10).contains(&n)),
                [Work::Cpu(a), Work::Io(d), Work::Cpu(b)] => {
                    prop_assert!(io);
                    prop_assert!((1..=5).contains(&a) && (2..=6).contains(&d) && (1..=5).contains(&b));
                }
                _ => prop_assert!(false, "unexpected work {:?}", j.work),
            }
        }
    }

    /// Under every policy, on 1 to 3 CPUs, with or without I/O: each value is the sum of the
    /// spans it is made of; turnaround's spans run without gaps from arrival to completion;
    /// the run spans add up to the job's CPU time; waiting is the ready and switch spans.
    #[test]
    fn values_are_the_sums_of_their_spans(seed in any::<u64>(), policy in 0..POLICIES.len(), cpus in 1u32..=3, io in any::<bool>()) {
        let s = ExerciseSpec { io, cpus, ..spec(POLICIES[policy], seed) };
        let x = Exercise::generate(s).unwrap();
        let a = x.solve().unwrap();
        for (job, ans) in x.jobs.iter().zip(&a.jobs) {
            let m = &ans.made_of;
            prop_assert_eq!(ans.turnaround, ans.completion - job.arrival);
            prop_assert_eq!(total(&m.turnaround), ans.turnaround);
            prop_assert_eq!(total(&m.waiting), ans.waiting);
            prop_assert_eq!(total(&m.response), ans.response);
            prop_assert_eq!(total(&m.completion), ans.completion);
            let mut at = job.arrival;
            for span in &m.turnaround {
                prop_assert_eq!(span.start, at, "contiguous");
                at = span.end;
            }
            prop_assert_eq!(at, ans.completion);
            let ran: Ticks = m.turnaround.iter().filter(|s| s.kind == SpanKind::Run).map(Span::len).sum();
            prop_assert_eq!(ran, job.cpu_ticks());
            let io_ticks: Ticks = job.work.iter().map(|w| if let Work::Io(n) = w { *n } else { 0 }).sum();
            let blocked: Ticks = m.turnaround.iter().filter(|s| s.kind == SpanKind::Io).map(Span::len).sum();
            prop_assert_eq!(blocked, io_ticks);
            prop_assert!(m.response.iter().all(|s| matches!(s.kind, SpanKind::Ready | SpanKind::Switch)));
        }
    }

    /// With context switches that cost time (the threads are processes, so each switch costs
    /// `process_switch_ticks`), under every policy and on 1 to 3 CPUs: a thread's life read from
    /// the trace still adds up to the model's measures: ready + switch spans = waiting, run
    /// spans = CPU time, I/O spans = I/O time, all spans = turnaround.
    #[test]
    fn life_adds_up_with_switch_costs(seed in any::<u64>(), policy in 0..POLICIES.len(), cpus in 1u32..=3, switch in 1u64..=3) {
        let x = Exercise::generate(ExerciseSpec { io: true, cpus, ..spec(POLICIES[policy], seed) }).unwrap();
        let mut scenario = x.scenario();
        scenario.machine.process_switch_ticks = switch;
        let (_, r) = threadlab::model::run(&scenario).unwrap();
        let trace = r.trace.as_ref().unwrap();
        for t in &r.metrics.threads {
            let life = threadlab::exercise::answers::life(trace, t.tid);
            let sum = |kinds: &[SpanKind]| life.iter().filter(|s| kinds.contains(&s.kind)).map(Span::len).sum::<Ticks>();
            prop_assert_eq!(sum(&[SpanKind::Ready, SpanKind::Switch]), t.waiting);
            prop_assert_eq!(sum(&[SpanKind::Run]), t.cpu_time);
            prop_assert_eq!(sum(&[SpanKind::Io]), t.io_time);
            if let Some(turnaround) = t.turnaround {
                prop_assert_eq!(total(&life), turnaround);
            }
        }
    }
}

/// The scripted policy with no schedule, as its rules say: a free CPU runs the ready job first
/// in name order, without pre-emption. A (cpu 4) at 0, B (cpu 1) at 2, C (cpu 1) at 1: A 0–4,
/// then B (first in name order, though C became ready first) 4–5, C 5–6. FCFS would run C 4–5.
#[test]
fn scripted_without_a_schedule_runs_the_first_ready_job_in_name_order() {
    let jobs = vec![job("A", 0, vec![Work::Cpu(4)]), job("B", 2, vec![Work::Cpu(1)]), job("C", 1, vec![Work::Cpu(1)])];
    let x = Exercise { spec: spec(Policy::Scripted, 0), jobs };
    let rules = threadlab::exercise::text::rules(&x.spec.scheduler, 1);
    assert!(rules.contains("first in name order until it finishes or starts I/O"), "{rules}");
    assert!(!rules.contains("you choose") && !rules.contains("see the policy"), "{rules}");
    let completions: Vec<Ticks> = x.solve().unwrap().jobs.iter().map(|j| j.completion).collect();
    assert_eq!(completions, [4, 5, 6]);
    let fcfs = Exercise { spec: spec(Policy::Fcfs, 0), ..x };
    assert_eq!(fcfs.solve().unwrap().jobs.iter().map(|j| j.completion).collect::<Vec<_>>(), [4, 6, 5]);
}

/// Every policy an exercise takes states its rule in the problem (none says "see the policy's
/// description", the learner's only clue before), on one CPU and on several; x86.py's, which
/// counts assembly instructions and has no rule for jobs, is refused, naming `policy` and the
/// policies that work.
#[test]
fn every_policy_an_exercise_takes_states_its_rule_and_x86_is_refused() {
    let taken: Vec<Policy> = threadlab::exercise::policies().collect();
    assert_eq!(taken, POLICIES);
    for p in POLICIES {
        for cpus in [1, 2] {
            let x = Exercise::generate(ExerciseSpec { io: true, cpus, ..spec(p, 3) }).unwrap();
            let problem = threadlab::exercise::text::problem(&x);
            assert!(!problem.contains("see the policy"), "{}: {problem}", p.key());
        }
    }
    let e = Exercise::generate(spec(Policy::X86, 3)).unwrap_err();
    assert_eq!(e.param, "policy");
    assert!(e.message.starts_with("x86 (OSTEP x86.py) switches threads of assembly every N instructions"), "{e}");
    for p in POLICIES {
        assert!(e.message.contains(p.key()), "{e} names {}", p.key());
    }
}

/// process-run's rule: after the running job finishes or starts I/O, the next ready job after
/// it in name order runs, wrapping round. A (cpu 1, io 1, cpu 1) and B (cpu 3) at 0, C (cpu 1)
/// at 3. A runs 0–1 and starts I/O (done at 2); B runs 1–4 (A ready at 2, C arrives at 3); B
/// finishes: after B comes C (4–5), then A (5–6). FCFS, in the order they became ready, runs A
/// (ready at 2) before C (at 3): A 4–5, C 5–6.
#[test]
fn process_run_runs_the_next_job_after_the_last_in_name_order() {
    let jobs = vec![
        job("A", 0, vec![Work::Cpu(1), Work::Io(1), Work::Cpu(1)]),
        job("B", 0, vec![Work::Cpu(3)]),
        job("C", 3, vec![Work::Cpu(1)]),
    ];
    let x = Exercise { spec: spec(Policy::ProcessRun, 0), jobs };
    let rules = threadlab::exercise::text::rules(&x.spec.scheduler, 1);
    assert!(rules.contains("the next ready job after it in name order runs (after the last comes A again)"), "{rules}");
    assert!(rules.contains("a job whose I/O completes waits for its turn in that order"), "{rules}");
    let completions: Vec<Ticks> = x.solve().unwrap().jobs.iter().map(|j| j.completion).collect();
    assert_eq!(completions, [6, 4, 5]);
    let fcfs = Exercise { spec: spec(Policy::Fcfs, 0), ..x };
    assert_eq!(fcfs.solve().unwrap().jobs.iter().map(|j| j.completion).collect::<Vec<_>>(), [5, 4, 6]);
}

/// Round Robin on a global timer (quantum 2): at 2, 4, … the running job goes to the back of
/// the queue, ahead of a job arriving at that instant, and a job started between two interrupts
/// runs only to the next. A (cpu 3) at 0, B (cpu 2) at 1, C (cpu 2) at 2: A 0–2; at 2 the
/// queue is B, A, C; B 2–4, A 4–5 (done), C 5–6 (interrupted at 6), C 6–7. Plain Round Robin
/// puts C (arriving at 2) ahead of A and gives C a whole quantum: B 2–4, C 4–6, A 6–7.
#[test]
fn tick_rr_interrupts_at_every_multiple_of_the_quantum() {
    let jobs = vec![job("A", 0, vec![Work::Cpu(3)]), job("B", 1, vec![Work::Cpu(2)]), job("C", 2, vec![Work::Cpu(2)])];
    let mut s = spec(Policy::TickRr, 0);
    s.scheduler = SchedulerSpec::of(Policy::TickRr, Some(2));
    let x = Exercise { spec: s, jobs };
    let rules = threadlab::exercise::text::rules(&x.spec.scheduler, 1);
    assert!(rules.contains("at every multiple of 2 µs (2, 4, …)"), "{rules}");
    assert!(rules.contains("ahead of jobs that arrive or wake at that instant"), "{rules}");
    let a = x.solve().unwrap();
    assert_eq!(a.jobs.iter().map(|j| j.completion).collect::<Vec<_>>(), [5, 4, 7]);
    let c_runs: Vec<(Ticks, Ticks)> =
        a.jobs[2].made_of.turnaround.iter().filter(|s| s.kind == SpanKind::Run).map(|s| (s.start, s.end)).collect();
    assert_eq!(c_runs, [(5, 6), (6, 7)]);
    let mut rr = x.clone();
    rr.spec.scheduler = SchedulerSpec::of(Policy::RoundRobin, Some(2));
    assert_eq!(rr.solve().unwrap().jobs.iter().map(|j| j.completion).collect::<Vec<_>>(), [7, 4, 6]);
}
