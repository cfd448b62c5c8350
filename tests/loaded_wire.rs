//! A loaded run through its bytes (what the page sends the simulation worker): on every preset
//! and on hand-built scenarios with every policy, both with its default parameters (which the
//! file format leaves out) and with each parameter set away from its default, the run decoded
//! from the bytes equals the one loaded, and running it gives exactly the same outcome, metrics
//! and trace as running the scenario; likewise a scenario that uses every synchronisation object
//! and instruction (semaphores with and without a bound, condition variables, barriers, spin
//! locks, read-write locks of both preferences, atomics, jumps, `destroy`). Bytes that are not a
//! whole loaded run are an error, never a panic.

mod common;
use common::*;
use proptest::prelude::*;
use threadlab::messaging::loaded::{decode, encode};
use threadlab::model::cache::CacheSpec;
use threadlab::model::program::Operand;
use threadlab::model::pyrandom::PyStream;
use threadlab::model::scenario::{
    Limits, Policy, PolicyParams, ProcessSpec, Queues, RwLockSpec, RwPreference, Scenario, SchedulerSpec,
    SemaphoreSpec, TieRule,
};
use threadlab::model::schedule::Schedule;
use threadlab::model::scheduler::{
    AgingSpec, BoostOrder, CfsSpec, DrawSpec, EstimateSpec, FcfsSpec, IoDone, LotterySpec, MlfqLevel, MlfqSpec,
    MostUrgent, PassTie, PrioritySpec, ProcessRunSpec, RoundRobinSpec, ScriptedSpec, SjfSpec, SrtfSpec, StrideSpec,
    SwitchOn, TickRrSpec, VictimSpec, X86Spec,
};
use threadlab::model::{self, LoadedRun, Outcome, Recording, Simulation};
use threadlab::presets;

/// Loads `s`, sends it through the bytes, and checks the run read back: equal to the one loaded,
/// and its run equal to the scenario's own run (outcome, metrics, events and full trace).
fn trip(label: &str, s: &Scenario) {
    let loaded = LoadedRun::load(s).unwrap_or_else(|e| panic!("{label}: {e}"));
    let back = decode(&encode(&loaded)).unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(back, loaded, "{label}: the loaded run reads back equal");
    let (_, expected) = model::run(s).unwrap();
    let (_, got) = Simulation::new(back, Recording::Full).finish();
    assert!(expected.trace.as_ref().is_some_and(|t| !t.events.is_empty()), "{label}: a trace to compare");
    assert_eq!(got, expected, "{label}: the run from the bytes is the scenario's run");
}

#[test]
fn every_preset_runs_the_same_from_its_bytes() {
    for p in presets::PRESETS {
        trip(p.key, &p.scenario().unwrap());
    }
}

/// Every policy with each of its parameters set away from its default: each `Option` given,
/// each flag flipped, each choice not the first.
fn every_policy() -> Vec<PolicyParams> {
    let estimate = Some(EstimateSpec { alpha: 0.25, initial: 7 });
    let all = vec![
        PolicyParams::Fcfs(FcfsSpec {}),
        PolicyParams::RoundRobin(RoundRobinSpec { quantum: 3, tie: TieRule::PreemptedFirst }),
        PolicyParams::Sjf(SjfSpec { estimate: estimate.clone() }),
        PolicyParams::Srtf(SrtfSpec { preempt_on_equal: true, estimate }),
        PolicyParams::Priority(PrioritySpec {
            preemptive: false,
            most_urgent: MostUrgent::Highest,
            quantum: Some(3),
            aging: Some(AgingSpec { every: 5, step: 2 }),
            tie: TieRule::PreemptedFirst,
        }),
        PolicyParams::Mlfq(MlfqSpec {
            levels: vec![MlfqLevel { quantum: 2, allotment: 2 }, MlfqLevel { quantum: 5, allotment: 1 }],
            boost_period: 40,
            boost_order: BoostOrder::LowestFirst,
            reset_on_block: true,
            wake_to_front: true,
            arrivals_before_wakeups: true,
            tie: TieRule::PreemptedFirst,
        }),
        PolicyParams::Lottery(LotterySpec {
            quantum: 3,
            draw: DrawSpec::PythonRandom(PyStream { seed: 7, skip: 3 }),
            full_quantum: true,
        }),
        PolicyParams::Stride(StrideSpec { quantum: 3, stride1: 1000, pass_tie: PassTie::Fifo }),
        PolicyParams::Cfs(CfsSpec {
            target_latency: 12,
            min_granularity: 2,
            wakeup_granularity: 1,
            start_debit: false,
            sleeper_credit: Some(3),
        }),
        PolicyParams::ProcessRun(ProcessRunSpec { switch: SwitchOn::End, io_done: IoDone::Immediate }),
        PolicyParams::TickRr(TickRrSpec { quantum: 3 }),
        // The workload's four threads (tids 0 to 3), thread 10 past them never named: a schedule
        // on one CPU ([`cpus_for`]).
        PolicyParams::Scripted(ScriptedSpec { schedule: Schedule::new(vec![1, 1, 0, 3, 2, 2, 0, 1, 3]) }),
        // x86.py's -i 3 -r -s 4 -P 1032 (with a schedule, the countdown is 1 and -r unused).
        PolicyParams::X86(X86Spec { interval: 3, random_seed: Some(4), schedule: Schedule::new(vec![1, 0, 3, 2]) }),
    ];
    let covered: Vec<Policy> = all.iter().map(PolicyParams::policy).collect();
    assert_eq!(covered, Policy::ALL, "one entry per policy, in menu order");
    for p in &all {
        if p.policy() != Policy::Fcfs {
            assert_ne!(*p, PolicyParams::of(p.policy(), None), "{:?}: away from the defaults", p.policy());
        }
    }
    all
}

/// Three processes that use every kind of instruction and scheduling attribute: drawn lengths
/// (the seed matters), I/O, a mutex, loops, loads, stores and adds, priorities, nice values,
/// tickets, burst guesses, an affinity mask and working sets.
fn workload() -> Vec<ProcessSpec> {
    let mut a = job(
        "a",
        0,
        "loop 3\n  compute 2..6\n  lock m\n  load r0, x\n  add r0, 1\n  store r0, x\n  unlock m\n  io 1..4\nend",
    );
    a.variables.insert("x".into(), 5);
    a.expected.insert("x".into(), 11);
    a.priority = Some(2);
    a.nice = Some(-5);
    a.tickets = Some(300);
    a.working_set_kb = Some(40);
    a.threads.push(thread(
        "helper",
        "loop 3\n  lock m\n  load r1, x\n  add r1, r1\n  set r2, 1\n  store r1, x\n  unlock m\nend",
    ));
    a.threads[1].priority = Some(1);
    a.threads[1].expected_burst = Some(4);
    let mut b = job("b", 2, "compute 9\nio 3\ncompute 4");
    b.nice = Some(7);
    b.tickets = Some(50);
    b.affinity = Some(vec![1]);
    b.working_set_kb = Some(150);
    let c = job("c", 5, "compute 1..3\nio 0\ncompute 2\nexit");
    vec![a, b, c]
}

/// The CPUs a run of `params` gets: 2, but 1 for a scripted schedule (a schedule says which
/// thread runs on one CPU, [`ScriptedSpec::check`]).
fn cpus_for(params: &PolicyParams) -> u32 {
    match params {
        PolicyParams::Scripted(spec) if !spec.schedule.is_empty() => 1,
        PolicyParams::X86(spec) if !spec.schedule.is_empty() => 1,
        _ => 2,
    }
}

fn with(params: PolicyParams, cpus: u32) -> Scenario {
    let mut s = scenario(cpus, Policy::Fcfs, None, workload());
    if cpus == 1 {
        // Process b's affinity names CPU 1, which one CPU does not have.
        s.processes[1].affinity = None;
    }
    s.scheduler.params = params;
    s.machine.thread_switch_ticks = 1;
    s.machine.process_switch_ticks = 2;
    s.seed = 42;
    s
}

#[test]
fn every_policy_with_its_parameters_runs_the_same_from_its_bytes() {
    for params in every_policy() {
        let cpus = cpus_for(&params);
        trip(&format!("{:?}", params.policy()), &with(params, cpus));
    }
    // The defaults: what the file format leaves out is not left out of the bytes.
    for &policy in Policy::ALL {
        trip(&format!("{policy:?}, defaults"), &with(PolicyParams::of(policy, None), 2));
    }
}

#[test]
fn per_cpu_queues_a_cache_and_limits_run_the_same_from_their_bytes() {
    for params in every_policy() {
        let mut s = with(params.clone(), cpus_for(&params));
        s.scheduler = SchedulerSpec {
            params,
            queues: Queues::PerCpu { steal_every: Some(5) },
            steal_victim: VictimSpec::PythonRandom(PyStream { seed: 3, skip: 1 }),
        };
        s.machine.cache = Some(CacheSpec { size_kb: 100, warmup_ticks: 4, warm_speedup: 2, oversized_flushes: true });
        trip(&format!("{:?} per CPU, cached", s.scheduler.policy()), &s);
    }
    // The defaults the file format leaves out: no stealing, a uniform victim, a cache that
    // does not flush.
    let mut s = with(PolicyParams::of(Policy::RoundRobin, None), 2);
    s.scheduler.queues = Queues::PerCpu { steal_every: None };
    s.machine.cache = Some(CacheSpec::default());
    trip("per CPU without stealing, default cache", &s);
    // A run stopped by its limits: the bound travels, and the run stops where the scenario's does.
    let mut s = with(PolicyParams::of(Policy::RoundRobin, Some(2)), 2);
    s.limits = Limits { max_steps: 15, max_time: 1_000 };
    trip("limits", &s);
    assert!(matches!(model::run(&s).unwrap().1.outcome, Outcome::BudgetExceeded { .. }));
}

/// Two processes that use every synchronisation object and instruction the loaded system
/// carries: a bounded and an unbounded semaphore, a condition variable with signal and
/// broadcast, a barrier, a spin lock, read-write locks preferring readers and writers, `faa`,
/// `xchg`, `cas`, `cmp` with flag jumps, compare-and-jump on a variable, `jmp` and `destroy`.
fn sync_workload() -> Vec<ProcessSpec> {
    let mut a = job(
        "a",
        0,
        "sem_wait slots\nfaa r0, count, 1\nsem_post items\nspin_lock s\nxchg r1, flag\nspin_unlock s\n\
         barrier b\nread_lock rw\nread_unlock rw\nlock m\nset r2, 1\nstore r2, ready\ncond_broadcast c\nunlock m\n\
         barrier b\ndestroy s",
    );
    a.semaphores.insert("slots".into(), SemaphoreSpec { initial: 1, max: Some(1) });
    a.semaphores.insert("items".into(), SemaphoreSpec { initial: 0, max: None });
    a.barriers.insert("b".into(), 2);
    a.rwlocks.insert("rw".into(), RwLockSpec { prefer: RwPreference::Writers });
    for v in ["count", "flag", "ready"] {
        a.variables.insert(v.into(), 0);
    }
    a.threads.push(thread(
        "t",
        "sem_wait items\nset r3, 0\nset r4, 7\ncas count, r3, r4\ncmp r3, 1\njeq got\njmp wait\ngot:\n\
         spin_lock s\nspin_unlock s\nwait:\nbarrier b\nwrite_lock rw\nwrite_unlock rw\nlock m\nagain:\n\
         jne r0, ready, ok\ncond_wait c, m\njmp again\nok:\nunlock m\nbarrier b\ncond_signal c\nsem_post slots",
    ));
    let mut b = job("b", 1, "read_lock q\ncompute 2..5\nread_unlock q\nwrite_lock q\nwrite_unlock q");
    b.threads.push(thread("r", "read_lock q\ncompute 1..3\nread_unlock q"));
    vec![a, b]
}

#[test]
fn every_synchronisation_object_runs_the_same_from_its_bytes() {
    for cpus in [1, 2] {
        let s = with(PolicyParams::of(Policy::RoundRobin, Some(2)), cpus);
        let s = Scenario { processes: sync_workload(), ..s };
        let (_, r) = model::run(&s).unwrap();
        assert_eq!(r.outcome, Outcome::Completed, "{cpus} CPUs: the workload runs to its end");
        trip(&format!("synchronisation, {cpus} CPUs"), &s);
    }
    // A scripted schedule over it, on one CPU.
    let schedule = Schedule::new(vec![0, 0, 1, 2, 1, 0, 3]);
    let s = with(PolicyParams::Scripted(ScriptedSpec { schedule }), 1);
    trip("synchronisation, scripted", &Scenario { processes: sync_workload(), ..s });
}

/// x86.py programs whose translation holds every [`Op`] the assembler makes (both versions):
/// each runs the same from the bytes, and every `Op` (also `Arith::Add`, which `add` never
/// becomes) reads back from its words, which other words do not.
#[test]
fn every_x86_instruction_runs_the_same_from_its_bytes() {
    use threadlab::model::x86::{Addr, Arith, Op};
    let locks = ".x86 locks load=1000 sp=128000 ax=1 cx=2\n.var arr 4\n.var n\n.main\nmov $3, %bx\nmov %bx, %dx\n\
                 mov %bx, n\nmov $7, arr\nmov arr, %ax\nmov 4(%bx,%cx,4), %dx\nlea 8(%bx), %ex\nsub %ax, %bx\n\
                 mul $2, %bx\nneg %bx\ntest %bx, $5\njgt .skip\nnop\n.skip\nxchg %ax, n\nfetchadd %ax, n\npush %ax\n\
                 push arr\npop\npop %fx\ncall .f\nyield\nhalt\n.f\nret\n";
    let intro = ".x86 intro sp=5000\nmov $1, %ax\npush %ax\npop %bx\nhalt\n";
    let s = with(PolicyParams::X86(X86Spec { interval: 2, random_seed: None, schedule: Schedule::default() }), 1);
    let s = Scenario { processes: vec![job("locks", 0, locks), job("intro", 0, intro)], ..s };
    let (_, r) = model::run(&s).unwrap();
    assert_eq!(r.outcome, Outcome::Completed, "the x86 programs run to their end");
    trip("x86", &s);

    let addr = Addr { disp: -12, base: Some(7), index: Some(0), scale: -3 };
    let ops = [
        Op::Move { src: Operand::Reg(2), dst: 3 },
        Op::Load { addr, dst: 1 },
        Op::Store { src: Operand::Imm(i64::MIN), addr: Addr::at(i64::MAX) },
        Op::Lea { addr, dst: 4 },
        Op::Arith { op: Arith::Add, src: Operand::Imm(-1), dst: 0 },
        Op::Arith { op: Arith::Sub, src: Operand::Reg(6), dst: 7 },
        Op::Arith { op: Arith::Mul, src: Operand::Imm(3), dst: 1 },
        Op::Neg { reg: 2 },
        Op::Test { a: Operand::Reg(1), b: Operand::Imm(5) },
        Op::Xchg { reg: 0, addr },
        Op::FetchAdd { reg: 1, addr: Addr { scale: 1, ..addr } },
        Op::PushReg { reg: 3 },
        Op::PushAddr { addr },
        Op::Pop { dst: None },
        Op::Pop { dst: Some(0) },
        Op::PopSp { dst: 7 },
        Op::Call { target: 12, ret: 1004 },
        Op::Ret { base: 990 },
        Op::Nop,
        Op::Yield,
        Op::Halt,
    ];
    for op in ops {
        assert_eq!(Op::from_words(op.words()), Some(op), "{op:?} reads back from its words");
    }
    // No variant 20, no register 8, no operand kind 2, no arithmetic 3; 0 and 1 are a thread's
    // start values in the assembled line, no instruction.
    for bad in [[20, 0, 0, 0, 0], [3, 0, 0, 8, 0], [2, 2, 0, 0, 0], [6, 0, 0, 0, 3], [0, 1, 0, 0, 0], [1, 1, 0, 5, 0]] {
        assert_eq!(Op::from_words(bad), None, "{bad:?} is no instruction");
    }
}

#[test]
fn cut_garbled_or_padded_bytes_are_an_error() {
    let bytes = encode(&LoadedRun::load(&presets::find("race-mutex").unwrap().scenario().unwrap()).unwrap());
    assert!(decode(&bytes).is_ok());
    for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
        assert!(decode(&bytes[..cut]).is_err(), "cut at {cut} of {}", bytes.len());
    }
    assert!(decode(&[0xff; 16]).is_err());
    let mut padded = bytes.clone();
    padded.push(0);
    let e = decode(&padded).unwrap_err();
    assert_eq!(e.to_string(), "the run to simulate could not be read: 1 bytes left over after the run");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any bytes, and any one byte of a real run changed, decode to a run or an error: never a
    /// panic (the worker reports the error).
    #[test]
    fn any_bytes_decode_without_panicking(junk in proptest::collection::vec(any::<u8>(), 0..200), at in any::<prop::sample::Index>(), to in any::<u8>()) {
        let _ = decode(&junk);
        let mut bytes = encode(&LoadedRun::load(&with(PolicyParams::of(Policy::Cfs, None), 2)).unwrap());
        let i = at.index(bytes.len());
        bytes[i] = to;
        let _ = decode(&bytes);
    }
}
