//! An exercise's answers, what each is made of on the timeline, and checking a learner's.
//!
//! Definitions (OSTEP ch. 7, as [`crate::model::metrics`] computes them), all in ticks:
//! completion = when the job's last instruction ended; turnaround = completion − arrival;
//! waiting = time ready but not running (in the ready queue, or being switched in; not I/O);
//! response = first run − arrival.
//!
//! Each value is made of spans of the job's life ([`JobAnswer::made_of`]), so the page can show
//! a wrong answer's correct value on the timeline: turnaround is every span from arrival to
//! completion; waiting its `ready` and `switch` spans; response the spans before its first
//! `run`; completion the one span from 0 to completion. The spans of a value add up to it.

use serde::{Deserialize, Serialize};

use crate::model::trace::{Cause, IntervalKind, ThreadState, Trace, What};
use crate::model::wait::WaitClass;
use crate::model::{CpuId, ThreadId, Ticks};

/// A given answer is right when it is within this of the correct value (so an average may be
/// rounded to two decimals).
pub const TOLERANCE: f64 = 0.01;

/// What a job was doing during a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// In the ready queue.
    Ready,
    /// Being switched in (a context switch to it).
    Switch,
    /// Executing.
    Run,
    /// Blocked in I/O.
    Io,
    /// Blocked on a synchronisation object (a mutex).
    Sync,
    /// Time from the start of the run (0) to the job's completion: completion's one span.
    Elapsed,
}

/// A span of time `[start, end)`, in ticks, on CPU `cpu` for a run or a switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First tick.
    pub start: Ticks,
    /// End (exclusive).
    pub end: Ticks,
    /// What the job was doing.
    pub kind: SpanKind,
    /// The CPU, for a run or a switch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuId>,
}

impl Span {
    /// Its length in ticks.
    pub fn len(&self) -> Ticks {
        self.end - self.start
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// The four values a learner gives per job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// When it finished.
    Completion,
    /// Completion − arrival.
    Turnaround,
    /// Ready but not running.
    Waiting,
    /// First run − arrival.
    Response,
}

impl Field {
    /// The four, in table order.
    pub const ALL: [Field; 4] = [Field::Completion, Field::Turnaround, Field::Waiting, Field::Response];

    /// Lower-case name, as in JSON and headers.
    pub fn key(self) -> &'static str {
        match self {
            Field::Completion => "completion",
            Field::Turnaround => "turnaround",
            Field::Waiting => "waiting",
            Field::Response => "response",
        }
    }
}

/// The values of one field and the spans making each up, per field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeOf {
    /// `[0, completion)`.
    pub completion: Vec<Span>,
    /// Every span from arrival to completion.
    pub turnaround: Vec<Span>,
    /// The `ready` and `switch` spans.
    pub waiting: Vec<Span>,
    /// The spans from arrival to the first `run`.
    pub response: Vec<Span>,
}

impl MadeOf {
    /// The spans of `field`.
    pub fn of(&self, field: Field) -> &[Span] {
        match field {
            Field::Completion => &self.completion,
            Field::Turnaround => &self.turnaround,
            Field::Waiting => &self.waiting,
            Field::Response => &self.response,
        }
    }
}

/// One job's correct answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobAnswer {
    /// The job's name (`A`).
    pub job: String,
    /// Its thread in the run.
    pub tid: ThreadId,
    /// When it arrived.
    pub arrival: Ticks,
    /// When it finished.
    pub completion: Ticks,
    /// Completion − arrival.
    pub turnaround: Ticks,
    /// Ready but not running.
    pub waiting: Ticks,
    /// First run − arrival.
    pub response: Ticks,
    /// The spans each value is made of.
    pub made_of: MadeOf,
}

impl JobAnswer {
    /// The value of `field`.
    pub fn value(&self, field: Field) -> Ticks {
        match field {
            Field::Completion => self.completion,
            Field::Turnaround => self.turnaround,
            Field::Waiting => self.waiting,
            Field::Response => self.response,
        }
    }
}

/// Means over the jobs, in ticks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AverageAnswers {
    /// Mean turnaround.
    pub turnaround: f64,
    /// Mean waiting.
    pub waiting: f64,
    /// Mean response.
    pub response: f64,
}

/// Every job's answers and the averages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    /// One per job, in job order.
    pub jobs: Vec<JobAnswer>,
    /// Means over the jobs.
    pub averages: AverageAnswers,
}

/// A thread's life from arrival to its last state change (completion), as contiguous spans
/// read from the trace: `ready` (queued), `switch` and `run` (on a CPU: the trace's CPU
/// intervals), `io` and `sync` (blocked). Empty spans are left out.
pub fn life(trace: &Trace, tid: ThreadId) -> Vec<Span> {
    let mut intervals: Vec<_> = trace.intervals.iter().filter(|iv| iv.tid == tid).collect();
    intervals.sort_by_key(|iv| iv.start);
    let mut out = Vec::new();
    let mut current: Option<(Ticks, ThreadState, Cause)> = None;
    for e in &trace.events {
        let What::State { tid: t, state, cause } = e.what else { continue };
        if t != tid {
            continue;
        }
        if let Some((since, was, why)) = current {
            spans_of(since, e.time, was, why, &intervals, &mut out);
        }
        current = Some((e.time, state, cause));
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The spans of one state held over `[from, to)`.
fn spans_of(
    from: Ticks,
    to: Ticks,
    state: ThreadState,
    cause: Cause,
    intervals: &[&crate::model::trace::CpuInterval],
    out: &mut Vec<Span>,
) {
    let plain = |kind| Span { start: from, end: to, kind, cpu: None };
    match (state, cause) {
        (ThreadState::Ready, _) => out.push(plain(SpanKind::Ready)),
        (ThreadState::Blocked, Cause::Wait { on }) => out.push(plain(match on.class() {
            WaitClass::Io => SpanKind::Io,
            WaitClass::Sync => SpanKind::Sync,
        })),
        (ThreadState::Running, Cause::Dispatched { cpu }) => {
            // The CPU intervals inside the stay; any time they do not cover counts as running.
            let mut at = from;
            for iv in intervals.iter().filter(|iv| iv.end > from && iv.start < to) {
                let (start, end) = (iv.start.max(from), iv.end.min(to));
                if start > at {
                    out.push(Span { start: at, end: start, kind: SpanKind::Run, cpu: Some(cpu) });
                }
                let kind = if iv.kind == IntervalKind::Run { SpanKind::Run } else { SpanKind::Switch };
                out.push(Span { start, end, kind, cpu: Some(iv.cpu) });
                at = end;
            }
            if at < to {
                out.push(Span { start: at, end: to, kind: SpanKind::Run, cpu: Some(cpu) });
            }
        }
        _ => {}
    }
}

/// The spans each value of a finished job is made of, from its life ([`life`]) and completion.
pub fn made_of(life: &[Span], completion: Ticks) -> MadeOf {
    let first_run = life.iter().position(|s| s.kind == SpanKind::Run).unwrap_or(life.len());
    MadeOf {
        completion: vec![Span { start: 0, end: completion, kind: SpanKind::Elapsed, cpu: None }],
        turnaround: life.to_vec(),
        waiting: life.iter().filter(|s| matches!(s.kind, SpanKind::Ready | SpanKind::Switch)).copied().collect(),
        response: life[..first_run].to_vec(),
    }
}

/// How a given value compares with the correct one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Within [`TOLERANCE`].
    Right,
    /// Further off.
    Wrong,
    /// Not given.
    Missing,
}

/// Checks one value: right within [`TOLERANCE`] (plus 10⁻⁹ for binary rounding, so 110.01
/// is right for 110). For an average too.
pub fn verdict(given: Option<f64>, correct: f64) -> Verdict {
    match given {
        None => Verdict::Missing,
        Some(g) if g.is_finite() && (g - correct).abs() <= TOLERANCE + 1e-9 => Verdict::Right,
        Some(_) => Verdict::Wrong,
    }
}

/// A learner's answers for one job; any field may be left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Given {
    /// The job's name.
    pub job: String,
    /// Given completion.
    #[serde(default)]
    pub completion: Option<f64>,
    /// Given turnaround.
    #[serde(default)]
    pub turnaround: Option<f64>,
    /// Given waiting.
    #[serde(default)]
    pub waiting: Option<f64>,
    /// Given response.
    #[serde(default)]
    pub response: Option<f64>,
}

impl Given {
    fn value(&self, field: Field) -> Option<f64> {
        match field {
            Field::Completion => self.completion,
            Field::Turnaround => self.turnaround,
            Field::Waiting => self.waiting,
            Field::Response => self.response,
        }
    }
}

/// The verdict on one field of one job, with the correct value and, when wrong or missing,
/// the spans it is made of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checked {
    /// The job.
    pub job: String,
    /// The field.
    pub field: Field,
    /// What was given.
    pub given: Option<f64>,
    /// The correct value, in ticks.
    pub correct: Ticks,
    /// Right, wrong or missing.
    pub verdict: Verdict,
    /// The spans making up the correct value (empty when right).
    pub made_of: Vec<Span>,
}

impl Answers {
    /// Checks a learner's answers: one [`Checked`] per job and field, in job then
    /// [`Field::ALL`] order (a job not given is all missing). Errors: a given job that is not
    /// one of the exercise's, or given twice.
    pub fn check(&self, given: &[Given]) -> Result<Vec<Checked>, String> {
        for (i, g) in given.iter().enumerate() {
            if !self.jobs.iter().any(|j| j.job == g.job) {
                let names: Vec<&str> = self.jobs.iter().map(|j| j.job.as_str()).collect();
                return Err(format!("no job `{}` in this exercise (jobs: {})", g.job, names.join(", ")));
            }
            if given[..i].iter().any(|h| h.job == g.job) {
                return Err(format!("job `{}` is given twice", g.job));
            }
        }
        let mut out = Vec::with_capacity(self.jobs.len() * Field::ALL.len());
        for j in &self.jobs {
            let g = given.iter().find(|g| g.job == j.job);
            for field in Field::ALL {
                let value = g.and_then(|g| g.value(field));
                let correct = j.value(field);
                let v = verdict(value, correct as f64);
                let made_of = if v == Verdict::Right { Vec::new() } else { j.made_of.of(field).to_vec() };
                out.push(Checked { job: j.job.clone(), field, given: value, correct, verdict: v, made_of });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_means_within_a_hundredth() {
        assert_eq!(verdict(Some(110.01), 110.0), Verdict::Right);
        assert_eq!(verdict(Some(59.67), 179.0 / 3.0), Verdict::Right);
        assert_eq!(verdict(Some(59.6), 179.0 / 3.0), Verdict::Wrong);
        assert_eq!(verdict(Some(110.02), 110.0), Verdict::Wrong);
        assert_eq!(verdict(Some(f64::NAN), 1.0), Verdict::Wrong);
        assert_eq!(verdict(None, 1.0), Verdict::Missing);
    }

    #[test]
    fn values_are_made_of_the_right_spans() {
        // Arrives at 2, waits 3, runs 4, does I/O for 5, waits 1, runs 2: completion 17.
        let s = |start, end, kind| Span { start, end, kind, cpu: None };
        let life = [
            s(2, 5, SpanKind::Ready),
            s(5, 9, SpanKind::Run),
            s(9, 14, SpanKind::Io),
            s(14, 15, SpanKind::Ready),
            s(15, 17, SpanKind::Run),
        ];
        let m = made_of(&life, 17);
        let sum = |spans: &[Span]| spans.iter().map(Span::len).sum::<Ticks>();
        assert_eq!(sum(&m.turnaround), 15);
        assert_eq!(sum(&m.waiting), 4);
        assert_eq!(sum(&m.response), 3);
        assert_eq!(sum(&m.completion), 17);
    }
}
