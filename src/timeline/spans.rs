//! Every bar of a run's timeline, in lanes sorted by time: built once per run, so that drawing
//! at any zoom or cursor only looks up what is visible (see [`super::columns`]).

use crate::model::trace::{Cause, IntervalKind, ThreadState, Trace, What};
use crate::model::wait::{WaitClass, WaitReason};
use crate::model::{CpuId, ThreadId, Ticks};

/// What a bar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SpanKind {
    /// The thread executes instructions on a CPU.
    Run,
    /// A CPU switches to the thread from another thread of the same process.
    ThreadSwitch,
    /// A CPU switches to the thread from another process (the address space changes too).
    ProcessSwitch,
    /// The thread is ready, waiting in the ready queue for a CPU (thread lanes only).
    Ready,
    /// The thread is blocked on I/O ([`WaitClass::Io`]; thread lanes only).
    IoWait,
    /// The thread is blocked on a lock or another synchronisation object, or in a `join` waiting
    /// for a thread's exit ([`WaitClass::Sync`]; thread lanes only).
    LockWait,
    /// The thread is on a CPU but only spinning: each tick a failed `spin_lock` attempt on a lock
    /// another thread holds (the trace records its PC unchanged), CPU time burnt waiting. Only
    /// in lanes split by [`Lanes::with_spins`].
    Spin,
}

impl SpanKind {
    /// The kind of a CPU interval.
    pub fn of_interval(kind: IntervalKind) -> Self {
        match kind {
            IntervalKind::Run => SpanKind::Run,
            IntervalKind::ThreadSwitch => SpanKind::ThreadSwitch,
            IntervalKind::ProcessSwitch => SpanKind::ProcessSwitch,
        }
    }

    /// The kind of a wait, by the total it counts in ([`WaitReason::class`]).
    pub fn of_wait(on: WaitReason) -> Self {
        match on.class() {
            WaitClass::Io => SpanKind::IoWait,
            WaitClass::Sync => SpanKind::LockWait,
        }
    }

    /// What the bar means, for people ("running", "blocked on I/O"…).
    pub fn label(self) -> &'static str {
        match self {
            SpanKind::Run => "running",
            SpanKind::ThreadSwitch => "thread switch (same process)",
            SpanKind::ProcessSwitch => "process switch (address space changes)",
            SpanKind::Ready => "ready, waiting for a CPU",
            SpanKind::IoWait => "blocked on I/O",
            SpanKind::LockWait => {
                "blocked on a lock, semaphore, condition variable, barrier or channel, or in a join (waiting for a thread's exit)"
            }
            SpanKind::Spin => "spinning: on a CPU, retrying a spin lock another thread holds (CPU time burnt waiting)",
        }
    }

    /// Whether a CPU is busy (running, or switching to the thread).
    pub fn on_cpu(self) -> bool {
        matches!(self, SpanKind::Run | SpanKind::Spin | SpanKind::ThreadSwitch | SpanKind::ProcessSwitch)
    }
}

/// One bar: thread `tid` over `[start, end)` ticks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// First tick.
    pub start: Ticks,
    /// Tick at which it ended (exclusive); `end > start`.
    pub end: Ticks,
    /// The thread.
    pub tid: ThreadId,
    /// What it shows.
    pub kind: SpanKind,
    /// The CPU, for a run or a switch.
    pub cpu: Option<CpuId>,
    /// The thread's PC when it began (for a wait: the instruction it waits in or after).
    pub first_pc: usize,
    /// The thread's PC when it ended (for anything but a run, `first_pc`).
    pub last_pc: usize,
    /// What it waits for, for [`SpanKind::IoWait`] and [`SpanKind::LockWait`].
    pub wait: Option<WaitReason>,
}

/// What a timeline's lanes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneSet {
    /// One lane per CPU: its runs and context switches.
    Cpus,
    /// One lane per thread: its runs, switches to it, ready time and blocked time.
    Threads,
}

/// A run's bars in lanes, each lane sorted by start time, its bars not overlapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Lanes {
    /// What a lane is.
    pub set: LaneSet,
    /// `lanes[i]`: the bars of CPU `i` (or of thread `i`), by start time.
    pub lanes: Vec<Vec<Span>>,
}

impl Lanes {
    /// The lanes of `set` for a run of `cpus` CPUs and `threads` threads.
    pub fn new(set: LaneSet, trace: &Trace, cpus: usize, threads: usize) -> Self {
        match set {
            LaneSet::Cpus => Lanes::by_cpu(trace, cpus),
            LaneSet::Threads => Lanes::by_thread(trace, threads),
        }
    }

    /// One lane per CPU (`0..cpus`) with its runs and context switches. The trace lists
    /// intervals in order of their end and a CPU's never overlap, so each lane is in time order.
    pub fn by_cpu(trace: &Trace, cpus: usize) -> Self {
        let mut lanes = vec![Vec::new(); cpus];
        for iv in &trace.intervals {
            if let Some(lane) = lanes.get_mut(iv.cpu) {
                push(lane, interval_span(iv));
            }
        }
        Lanes { set: LaneSet::Cpus, lanes }
    }

    /// One lane per thread (`0..threads`): its runs and the switches to it (from the CPU
    /// intervals: a thread is on one CPU at a time, so they are in time order), merged in time
    /// order with its ready and blocked time (from [`state_spans`]).
    pub fn by_thread(trace: &Trace, threads: usize) -> Self {
        let mut on_cpu = vec![Vec::new(); threads];
        for iv in &trace.intervals {
            if let Some(lane) = on_cpu.get_mut(iv.tid) {
                push(lane, interval_span(iv));
            }
        }
        let lanes = state_spans(trace, threads)
            .into_iter()
            .zip(on_cpu)
            .map(|(waits, runs)| {
                let mut lane = Vec::with_capacity(waits.len() + runs.len());
                let (mut a, mut b) = (waits.into_iter().peekable(), runs.into_iter().peekable());
                loop {
                    let next = match (a.peek(), b.peek()) {
                        (Some(x), Some(y)) if x.start <= y.start => a.next(),
                        (_, Some(_)) => b.next(),
                        _ => a.next(),
                    };
                    match next {
                        Some(s) => lane.push(s),
                        None => break,
                    }
                }
                lane
            })
            .collect();
        Lanes { set: LaneSet::Threads, lanes }
    }

    /// The lanes with each run bar split where its thread spins ([`SpanKind::Spin`], from
    /// [`spin_ticks`]): a run of `threads` threads.
    pub fn with_spins(mut self, trace: &Trace, threads: usize) -> Self {
        let spins = spin_ticks(trace, threads);
        if spins.iter().all(Vec::is_empty) {
            return self;
        }
        for lane in &mut self.lanes {
            let mut out = Vec::with_capacity(lane.len());
            for s in lane.drain(..) {
                let Some(ranges) = spins.get(s.tid).filter(|_| s.kind == SpanKind::Run) else {
                    out.push(s);
                    continue;
                };
                let mut at = s.start;
                let first = ranges.partition_point(|r| r.1 <= s.start);
                for &(a, b) in ranges[first..].iter().take_while(|r| r.0 < s.end) {
                    let (a, b) = (a.max(s.start), b.min(s.end));
                    push(&mut out, Span { start: at, end: a, ..s });
                    push(&mut out, Span { start: a, end: b, kind: SpanKind::Spin, ..s });
                    at = b;
                }
                push(&mut out, Span { start: at, end: s.end, ..s });
            }
            *lane = out;
        }
        self
    }

    /// Index in `lane` of the bar covering tick `t`, if any.
    pub fn at(&self, lane: usize, t: Ticks) -> Option<usize> {
        let bars = self.lanes.get(lane)?;
        let i = bars.partition_point(|s| s.start <= t);
        (i > 0 && bars[i - 1].end > t).then(|| i - 1)
    }

    /// Index in `lane` of the bar covering tick `t`, else of the bar nearest to it (the earlier
    /// one on a tie); `None` for an empty lane.
    pub fn nearest(&self, lane: usize, t: Ticks) -> Option<usize> {
        let bars = self.lanes.get(lane)?;
        let i = bars.partition_point(|s| s.start <= t);
        let before = i.checked_sub(1).map(|j| (t.saturating_sub(bars[j].end - 1), j));
        let after = bars.get(i).map(|s| (s.start - t, i));
        match (before, after) {
            (Some(b), Some(a)) => Some(if a.0 < b.0 { a.1 } else { b.1 }),
            (b, a) => b.or(a).map(|x| x.1),
        }
    }

    /// How many bars of `lane` overlap `[from, to)` ticks.
    pub fn count_in(&self, lane: usize, from: Ticks, to: Ticks) -> usize {
        let Some(bars) = self.lanes.get(lane) else { return 0 };
        let first = bars.partition_point(|s| s.end <= from);
        bars[first..].iter().take_while(|s| s.start < to).count()
    }
}

fn interval_span(iv: &crate::model::trace::CpuInterval) -> Span {
    Span {
        start: iv.start,
        end: iv.end,
        tid: iv.tid,
        kind: SpanKind::of_interval(iv.kind),
        cpu: Some(iv.cpu),
        first_pc: iv.first_pc,
        last_pc: iv.last_pc,
        wait: None,
    }
}

/// Keeps only bars with a length.
fn push(lane: &mut Vec<Span>, s: Span) {
    if s.end > s.start {
        lane.push(s);
    }
}

/// Each thread's (`0..threads`) spinning ticks, as `[start, end)` ranges in time order, merged:
/// a failed `spin_lock` attempt records the thread's PC unchanged at the end of the tick it took
/// (`crate::model::sync`), so each such event at time `t` is the tick `[t − 1, t)`. (A jump to
/// itself records its PC unchanged too: a busy loop, spinning as well.)
pub fn spin_ticks(trace: &Trace, threads: usize) -> Vec<Vec<(Ticks, Ticks)>> {
    let mut out: Vec<Vec<(Ticks, Ticks)>> = vec![Vec::new(); threads];
    let mut pcs = vec![0usize; threads];
    for e in &trace.events {
        if let What::Pc { tid, pc } = e.what
            && tid < threads
        {
            if pc == pcs[tid] && e.time > 0 {
                let tick = (e.time - 1, e.time);
                match out[tid].last_mut() {
                    Some(last) if last.1 >= tick.0 => last.1 = last.1.max(tick.1),
                    _ => out[tid].push(tick),
                }
            }
            pcs[tid] = pc;
        }
    }
    out
}

/// Each thread's (`0..threads`) ready and blocked time, from the trace's state changes: a
/// [`SpanKind::Ready`] bar from each change to `ready` and a wait bar from each change to
/// `blocked` ([`Cause::Wait`]), until the thread's next state change, or the end of the trace
/// for a thread still waiting then (a deadlock). `result[tid]` is in time order.
pub fn state_spans(trace: &Trace, threads: usize) -> Vec<Vec<Span>> {
    let mut out = vec![Vec::new(); threads];
    let mut pcs = vec![0usize; threads];
    let mut open: Vec<Option<Span>> = vec![None; threads];
    for e in &trace.events {
        match e.what {
            What::Pc { tid, pc } if tid < threads => pcs[tid] = pc,
            What::State { tid, state, cause } if tid < threads => {
                if let Some(mut s) = open[tid].take() {
                    s.end = e.time;
                    push(&mut out[tid], s);
                }
                let (kind, wait) = match (state, cause) {
                    (ThreadState::Ready, _) => (SpanKind::Ready, None),
                    (ThreadState::Blocked, Cause::Wait { on }) => (SpanKind::of_wait(on), Some(on)),
                    _ => continue,
                };
                let pc = pcs[tid];
                open[tid] =
                    Some(Span { start: e.time, end: e.time, tid, kind, cpu: None, first_pc: pc, last_pc: pc, wait });
            }
            _ => {}
        }
    }
    let end = trace.end_time();
    for (tid, s) in open.into_iter().enumerate() {
        if let Some(mut s) = s {
            s.end = end;
            push(&mut out[tid], s);
        }
    }
    out
}
