//! The page's side of one shared-counter run, without the browser: which workers have started,
//! which have finished the variant in hand, and the results. The page (`src/parallel/ui.rs`) does
//! what each [`Step`] says and shows the results only once all three variants are in, so a run
//! that is cancelled or fails shows none of them.
//!
//! A run: start N workers; when the last says it is ready, [`Step::Start`] the first variant
//! (the page resets the shared words and posts the job to every worker); when the last reports
//! it has counted, the page reads the counter and [`CountRun::tally`]s it, which starts the next
//! variant or ends the run.

use super::counter::{Variant, expected};

/// When a worker added: from just after the start barrier to its last addition, in ms on a clock
/// all workers share (`performance.timeOrigin + performance.now()`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// Its first addition, ms.
    pub started_ms: f64,
    /// Just after its last addition, ms.
    pub finished_ms: f64,
}

/// One variant's result.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// How the workers added.
    pub variant: Variant,
    /// Workers × additions per worker.
    pub expected: u32,
    /// The counter at the end.
    pub got: u32,
    /// Wall time from the first worker's first addition to the last worker's last, ms.
    pub wall_ms: f64,
}

impl Outcome {
    /// Updates lost: expected − got (a lost update only ever loses one).
    pub fn lost(&self) -> u32 {
        self.expected.saturating_sub(self.got)
    }
}

/// What the page must do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing: more answers are due.
    Wait,
    /// Reset the shared words and post this variant's job to every worker.
    Start(Variant),
    /// All three variants are in: show them.
    Finished,
}

/// How long the workers took to start (from `new Worker` to their first message), ms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Startup {
    /// The first worker ready.
    pub fastest_ms: f64,
    /// The last worker ready (the run cannot start before it).
    pub slowest_ms: f64,
}

/// One run of the experiment, from starting its workers to its three outcomes.
#[derive(Clone, Debug, PartialEq)]
pub struct CountRun {
    /// The page's id for the run; every worker message about it carries it.
    pub run: u64,
    /// Workers started.
    pub workers: u32,
    /// Additions per worker.
    pub iterations: u32,
    /// When the workers were started, ms (the page's clock).
    spawned_ms: f64,
    /// When each worker said it was ready, ms (the page's clock).
    ready_ms: Vec<Option<f64>>,
    /// Index in [`Variant::ALL`] of the variant running, once all are ready.
    variant: Option<usize>,
    /// Each worker's report for the running variant.
    spans: Vec<Option<Span>>,
    /// The variants done, in order.
    pub outcomes: Vec<Outcome>,
}

impl CountRun {
    /// A run of `workers` workers adding `iterations` times each, started at `spawned_ms`.
    /// Errors: counts out of range (see [`expected`]).
    pub fn new(run: u64, workers: u32, iterations: u32, max_workers: u32, spawned_ms: f64) -> Result<CountRun, String> {
        expected(workers, iterations, max_workers)?;
        Ok(CountRun {
            run,
            workers,
            iterations,
            spawned_ms,
            ready_ms: vec![None; workers as usize],
            variant: None,
            spans: vec![None; workers as usize],
            outcomes: Vec::new(),
        })
    }

    /// Workers × additions per worker.
    pub fn expected(&self) -> u32 {
        self.workers * self.iterations
    }

    /// The variant running, if the workers have all started and the run is not over.
    pub fn running(&self) -> Option<Variant> {
        self.variant.map(|i| Variant::ALL[i])
    }

    /// Worker `worker` said it is ready at `at_ms`. Once all are, the first variant starts.
    /// Errors: no such worker, or it said so twice.
    pub fn ready(&mut self, worker: u32, at_ms: f64) -> Result<Step, String> {
        let slot = self.ready_ms.get_mut(worker as usize).ok_or_else(|| format!("no worker {worker}"))?;
        if slot.replace(at_ms).is_some() {
            return Err(format!("worker {worker} said it was ready twice"));
        }
        if self.ready_ms.iter().all(Option::is_some) {
            self.variant = Some(0);
            return Ok(Step::Start(Variant::ALL[0]));
        }
        Ok(Step::Wait)
    }

    /// Worker `worker` has done its additions for the running variant. Returns whether all have:
    /// then the page reads the counter and calls [`CountRun::tally`]. Errors: no such worker,
    /// no variant running, or a second report.
    pub fn counted(&mut self, worker: u32, span: Span) -> Result<bool, String> {
        if self.variant.is_none() {
            return Err(format!("worker {worker} counted before the run started"));
        }
        let slot = self.spans.get_mut(worker as usize).ok_or_else(|| format!("no worker {worker}"))?;
        if slot.replace(span).is_some() {
            return Err(format!("worker {worker} counted twice"));
        }
        Ok(self.spans.iter().all(Option::is_some))
    }

    /// The counter read after the running variant: records its outcome and starts the next
    /// variant, or finishes. Call only after [`CountRun::counted`] returned true.
    pub fn tally(&mut self, got: u32) -> Step {
        let Some(index) = self.variant else { return Step::Wait };
        let spans: Vec<Span> = self.spans.iter_mut().filter_map(Option::take).collect();
        let first = spans.iter().map(|s| s.started_ms).fold(f64::INFINITY, f64::min);
        let last = spans.iter().map(|s| s.finished_ms).fold(f64::NEG_INFINITY, f64::max);
        self.outcomes.push(Outcome {
            variant: Variant::ALL[index],
            expected: self.expected(),
            got,
            wall_ms: (last - first).max(0.0),
        });
        match Variant::ALL.get(index + 1) {
            Some(&next) => {
                self.variant = Some(index + 1);
                Step::Start(next)
            }
            None => {
                self.variant = None;
                Step::Finished
            }
        }
    }

    /// Whether all three outcomes are in.
    pub fn finished(&self) -> bool {
        self.outcomes.len() == Variant::ALL.len()
    }

    /// The workers' start-up times, once all have started.
    pub fn startup(&self) -> Option<Startup> {
        let times: Option<Vec<f64>> = self.ready_ms.iter().map(|t| t.map(|t| t - self.spawned_ms)).collect();
        let times = times?;
        Some(Startup {
            fastest_ms: times.iter().copied().fold(f64::INFINITY, f64::min),
            slowest_ms: times.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }
}

/// One worker's progress line on the page: each finished phase with its count, marked "done" for
/// the plain additions (a check mark there would read as "plain was correct" beside its lost
/// updates) and with a check mark for `Atomics.add` and the lock, whose additions are never lost;
/// then the running one, if any, with its count so far: "Plain load and store: 10,000 of 10,000
/// done · Atomics.add: 4,096 of 10,000". `done` holds the finished phases and the worker's final count in each
/// (`iterations` when it made them all). "starting" before any phase.
pub fn progress_text(done: &[(Variant, u32)], running: Option<(Variant, u32)>, iterations: u32) -> String {
    let of = |n: u32| format!("{} of {}", super::grouped(u64::from(n)), super::grouped(u64::from(iterations)));
    let parts: Vec<String> = done
        .iter()
        .map(|(v, n)| {
            let mark = if *v == Variant::Plain { "done" } else { "✓" };
            format!("{}: {} {mark}", v.label(), of(*n))
        })
        .chain(running.map(|(v, n)| format!("{}: {}", v.label(), of(n))))
        .collect();
    if parts.is_empty() { "starting".to_string() } else { parts.join(" · ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_names_the_phase_running_and_each_phase_done() {
        assert_eq!(progress_text(&[], None, 10_000), "starting");
        assert_eq!(progress_text(&[], Some((Variant::Plain, 4_096)), 10_000), "Plain load and store: 4,096 of 10,000");
        let done = [(Variant::Plain, 10_000)];
        assert_eq!(
            progress_text(&done, Some((Variant::Atomic, 0)), 10_000),
            "Plain load and store: 10,000 of 10,000 done · Atomics.add: 0 of 10,000"
        );
        let all = [(Variant::Plain, 10_000), (Variant::Atomic, 10_000), (Variant::Lock, 10_000)];
        assert_eq!(
            progress_text(&all, None, 10_000),
            "Plain load and store: 10,000 of 10,000 done · Atomics.add: 10,000 of 10,000 ✓ · Lock (Atomics.wait/notify): 10,000 of 10,000 ✓"
        );
    }

    fn span(started_ms: f64, finished_ms: f64) -> Span {
        Span { started_ms, finished_ms }
    }

    #[test]
    fn a_run_starts_when_the_last_worker_is_ready_and_goes_through_the_three_variants() {
        let mut run = CountRun::new(1, 2, 1_000, 4, 100.0).unwrap();
        assert_eq!(run.ready(1, 130.0), Ok(Step::Wait));
        assert_eq!(run.startup(), None);
        assert_eq!(run.ready(0, 145.0), Ok(Step::Start(Variant::Plain)));
        // Started at 100 ms: ready after 30 and 45 ms.
        assert_eq!(run.startup(), Some(Startup { fastest_ms: 30.0, slowest_ms: 45.0 }));

        assert_eq!(run.counted(0, span(1000.0, 1010.0)), Ok(false));
        assert_eq!(run.counted(1, span(1000.5, 1012.0)), Ok(true));
        assert_eq!(run.tally(1_200), Step::Start(Variant::Atomic));
        for w in 0..2 {
            run.counted(w, span(2000.0, 2020.0)).unwrap();
        }
        assert_eq!(run.tally(2_000), Step::Start(Variant::Lock));
        assert!(!run.finished());
        for w in 0..2 {
            run.counted(w, span(3000.0, 3100.0 + f64::from(w))).unwrap();
        }
        assert_eq!(run.tally(2_000), Step::Finished);
        assert!(run.finished());
        assert_eq!(run.running(), None);

        // 2 workers × 1,000 = 2,000 expected; plain got 1,200: 800 lost, from 1000 to 1012 ms.
        let plain = run.outcomes[0];
        assert_eq!((plain.variant, plain.expected, plain.got, plain.lost()), (Variant::Plain, 2_000, 1_200, 800));
        assert_eq!(plain.wall_ms, 12.0);
        assert_eq!(run.outcomes[1].lost(), 0);
        assert_eq!(run.outcomes[2].wall_ms, 101.0);
    }

    #[test]
    fn wrong_or_repeated_reports_are_errors() {
        let mut run = CountRun::new(1, 2, 10, 4, 0.0).unwrap();
        assert!(run.counted(0, span(0.0, 1.0)).unwrap_err().contains("before the run started"));
        assert!(run.ready(2, 1.0).unwrap_err().contains("no worker 2"));
        run.ready(0, 1.0).unwrap();
        assert!(run.ready(0, 2.0).unwrap_err().contains("twice"));
        run.ready(1, 2.0).unwrap();
        run.counted(1, span(0.0, 1.0)).unwrap();
        assert!(run.counted(1, span(0.0, 1.0)).unwrap_err().contains("counted twice"));
    }

    #[test]
    fn a_run_outside_the_ranges_is_refused() {
        assert!(CountRun::new(1, 0, 10, 4, 0.0).is_err());
        assert!(CountRun::new(1, 5, 10, 4, 0.0).is_err());
    }
}
