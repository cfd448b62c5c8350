//! The kernel's services to policies, with a policy written here: timers, pre-emption, the
//! reasons a thread leaves its CPU; and the resumable run.

mod common;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use common::*;
use threadlab::model::scenario::Policy;
use threadlab::model::scheduler::{Ctx, LeaveReason, OnCpu, ReadyReason, Scheduler};
use threadlab::model::{CpuId, LoadedRun, Recording, Simulation, ThreadId, Ticks};

/// FCFS that asks for a timer at t=5 and, when it fires, takes CPU 0 from its thread.
/// It logs what the kernel tells it.
struct Alarm {
    ready: VecDeque<ThreadId>,
    armed: bool,
    fired: bool,
    log: Rc<RefCell<Vec<String>>>,
}

impl Scheduler for Alarm {
    fn on_ready(&mut self, tid: ThreadId, why: ReadyReason, ctx: &mut Ctx<'_>) {
        if !self.armed {
            self.armed = true;
            ctx.set_timer(5, 42);
        }
        self.log.borrow_mut().push(format!("t={} ready {tid} {why:?}", ctx.now));
        self.ready.push_back(tid);
    }
    fn pick(&mut self, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<ThreadId> {
        self.ready.pop_front()
    }
    fn slice(&mut self, _tid: ThreadId, _cpu: CpuId, _ctx: &mut Ctx<'_>) -> Option<Ticks> {
        None
    }
    fn on_leave(&mut self, tid: ThreadId, cpu: CpuId, ran: Ticks, why: LeaveReason, ctx: &mut Ctx<'_>) {
        self.log.borrow_mut().push(format!("t={} leave {tid} cpu {cpu} ran {ran} {why:?}", ctx.now));
    }
    fn preempts(&self) -> bool {
        true
    }
    fn preempt(&mut self, running: &[OnCpu], _ctx: &mut Ctx<'_>) -> Option<CpuId> {
        if self.fired && !self.ready.is_empty() {
            self.fired = false;
            return running.iter().find(|r| r.cpu == 0).map(|r| r.cpu);
        }
        None
    }
    fn on_timer(&mut self, token: u64, ctx: &mut Ctx<'_>) {
        self.log.borrow_mut().push(format!("t={} timer {token}", ctx.now));
        self.fired = true;
    }
    fn len(&self) -> usize {
        self.ready.len()
    }
    fn queue(&self, max: usize) -> Vec<ThreadId> {
        self.ready.iter().take(max).copied().collect()
    }
}

#[test]
fn a_policy_timer_fires_and_preempts_mid_instruction() {
    let s = scenario(1, Policy::Fcfs, None, vec![job("A", 0, "compute 10"), job("B", 0, "compute 3")]);
    let log = Rc::new(RefCell::new(Vec::new()));
    let alarm = Alarm { ready: VecDeque::new(), armed: false, fired: false, log: log.clone() };
    let run = LoadedRun::load(&s).unwrap();
    let (_, r) = Simulation::with_scheduler(run, Recording::Full, Box::new(alarm)).finish();
    // A runs 0–5, is pre-empted mid-compute by the timer, B runs 5–8, A resumes 8–13 with the
    // 5 ticks it had left.
    assert_eq!((r.metrics.threads[0].completion, r.metrics.threads[1].completion), (Some(13), Some(8)));
    assert_eq!(r.metrics.threads[0].cpu_time, 10);
    let log = log.borrow().clone();
    assert_eq!(
        log,
        vec![
            "t=0 ready 0 Arrived",
            "t=0 ready 1 Arrived",
            "t=5 timer 42",
            "t=5 leave 0 cpu 0 ran 5 Preempted",
            "t=5 ready 0 Preempted",
            "t=8 leave 1 cpu 0 ran 3 Exited",
            "t=13 leave 0 cpu 0 ran 5 Exited",
        ]
    );
}

/// Advancing in slices of any size gives exactly the run of one call, on every preset.
#[test]
fn a_run_advanced_in_slices_equals_a_run_at_once() {
    for p in threadlab::presets::PRESETS {
        let s = p.scenario().unwrap();
        let (_, whole) = threadlab::model::run(&s).unwrap();
        for slice in [1, 7, 1000] {
            let mut sim = Simulation::new(LoadedRun::load(&s).unwrap(), Recording::Full);
            let mut last = sim.progress();
            let mut calls = 0;
            while !last.finished {
                let next = sim.advance(slice);
                assert!(next.events >= last.events && next.now >= last.now, "progress goes forward");
                last = next;
                calls += 1;
            }
            let (_, sliced) = sim.finish();
            assert_eq!(sliced, whole, "{} in slices of {slice}", p.key);
            if slice == 1 {
                // Each call handles one instant or more: as many calls as instants, about.
                let instants = whole.trace.as_ref().unwrap().instants().len();
                assert!(calls + 1 >= instants, "{}: {calls} calls for {instants} instants", p.key);
            }
        }
    }
}

/// A thread taken off its CPU during its context switch counts the switch so far as waiting,
/// as a completed switch does. SRTF, process switches of 2: A (100) runs 0–10; B (50) arrives
/// at 10 and the CPU switches to it; C (1) arrives at 11, mid-switch, and takes the CPU (switch
/// 11–13, run 13–14); B is switched in 14–16 and runs 16–66. B waited 10–16: 6 ticks, and
/// turnaround 56 = 50 + 6.
#[test]
fn a_switch_cut_short_by_preemption_counts_as_waiting() {
    let jobs = vec![job("A", 0, "compute 100"), job("B", 10, "compute 50"), job("C", 11, "compute 1")];
    let mut s = scenario(1, Policy::Srtf, None, jobs);
    s.machine.process_switch_ticks = 2;
    let (_, r) = run(&s);
    assert_eq!(times(&r, 1), (66, 56, 6, 6));
    for t in &r.metrics.threads {
        assert_eq!(t.turnaround.unwrap(), t.waiting + t.cpu_time, "thread {}", t.tid);
    }
}
