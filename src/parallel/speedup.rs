//! The speedup run, without the browser: the same CPU-bound work (hashing, [`super::split`])
//! split over 1, 2, … N workers, one isolated run per N ([`super::isolated`]), each measured
//! from starting its workers to its last answer; the measured speedup against N, and the
//! model's prediction for the same work on N CPUs, built from the measured costs.
//!
//! The model ([`Costs`], [`Costs::wall_ms`]) is Amdahl's law (G. Amdahl, "Validity of the single
//! processor approach to achieving large scale computing capabilities", AFIPS 1967; OSTEP ch. 10
//! "Multiprocessor Scheduling" for why more CPUs help only the parallel part) with its serial
//! part measured rather than assumed:
//!
//! ```text
//! T(N) = s₁ + s⁺·(N − 1) + c·B + W / min(N, P) + r
//! ```
//!
//! - `W`: the whole work on one worker, ms: the N = 1 run's hashing span (copying its data into
//!   its memory, then hashing it).
//! - `P`: the CPUs, `navigator.hardwareConcurrency`. N workers on fewer CPUs share them (the
//!   operating system time-slices them), so the hashing takes `W / P` at best, not `W / N`.
//! - `s₁ + s⁺·(N − 1)`: starting the workers (from `new Worker` to the last one's first
//!   message), a straight line fitted by least squares through every run's measured start-up:
//!   `s⁺` near 0 when the browser starts workers side by side (each pays its own start-up at the
//!   same time), near `s₁` when it starts them one after another (serial). Never below 0.
//! - `c·B`: sending the data, `B` MiB (mebibytes, 2^20 bytes, as the data's sizes are powers of
//!   two; the same total for every N, as N parts), at `c` ms per MiB: the mean over the runs of
//!   each run's sending time per MiB (postMessage's copy).
//! - `r`: the rest of the N = 1 run (answers received and merged, gaps between the phases).
//!
//! Speedup is `T(1) / T(N)`, measured (wall times) or predicted (the model's), so with the
//! overheads measured the prediction bends where the real curve bends: at `P`, and where the
//! start-up grows.

use super::isolated::HashOutcome;

/// Bytes in a mebibyte (MiB): 2^20. The page states every data size and rate in MiB.
pub const MIB: u64 = 1 << 20;

/// Mebibytes (2^20 bytes) of `bytes`.
pub fn mebibytes(bytes: u64) -> f64 {
    bytes as f64 / MIB as f64
}

/// One N measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Workers.
    pub n: u32,
    /// From starting the workers to the last answer on the page, ms.
    pub wall_ms: f64,
    /// From `new Worker` to the last worker's first message, ms.
    pub startup_ms: f64,
    /// From the first post to the last part's arrival, ms.
    pub send_ms: f64,
    /// The slowest worker's span (copy into its memory and hash), ms.
    pub compute_ms: f64,
    /// What is left of the wall time, ms ([`HashOutcome::rest_ms`]).
    pub rest_ms: f64,
    /// Bytes sent (the whole data).
    pub bytes: u64,
    /// The merged answer.
    pub merged: u64,
}

impl Point {
    /// The measured figures of an isolated run.
    pub fn of(o: &HashOutcome) -> Point {
        Point {
            n: o.workers,
            wall_ms: o.wall_ms,
            startup_ms: o.startup.slowest_ms,
            send_ms: o.send_ms,
            compute_ms: o.compute_ms,
            rest_ms: o.rest_ms(),
            bytes: o.bytes,
            merged: o.merged,
        }
    }
}

/// The model's inputs, measured (see the module's formula).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Costs {
    /// `W`: the whole work on one worker, ms.
    pub work_ms: f64,
    /// `s₁`: start-up with one worker, ms.
    pub startup_ms: f64,
    /// `s⁺`: start-up added by each further worker, ms (0 when they start side by side).
    pub startup_each_ms: f64,
    /// `c`: sending cost, ms per MiB (2^20 bytes).
    pub send_ms_per_mib: f64,
    /// `B`: the data sent, MiB.
    pub mebibytes: f64,
    /// `r`: the rest, ms.
    pub rest_ms: f64,
    /// `P`: CPUs (at least 1).
    pub cpus: u32,
}

impl Costs {
    /// `T(n)`, the predicted wall time on `n` workers (at least 1), ms.
    pub fn wall_ms(&self, n: u32) -> f64 {
        let n = n.max(1);
        let on = n.min(self.cpus.max(1));
        self.startup_ms
            + self.startup_each_ms * f64::from(n - 1)
            + self.send_ms_per_mib * self.mebibytes
            + self.work_ms / f64::from(on)
            + self.rest_ms
    }

    /// The predicted speedup on `n` workers, `T(1) / T(n)`.
    pub fn speedup(&self, n: u32) -> f64 {
        self.wall_ms(1) / self.wall_ms(n)
    }

    /// The costs measured by `points` on `cpus` CPUs (0, a browser that hides them, is taken as
    /// 1). None without the N = 1 point (`W` and `r` come from it).
    pub fn fit(points: &[Point], cpus: u32) -> Option<Costs> {
        let one = points.iter().find(|p| p.n == 1)?;
        let (intercept, slope) = line(points.iter().map(|p| (f64::from(p.n), p.startup_ms)));
        let per_mib: Vec<f64> = points.iter().filter(|p| p.bytes > 0).map(|p| p.send_ms / mebibytes(p.bytes)).collect();
        let send_ms_per_mib = if per_mib.is_empty() { 0.0 } else { per_mib.iter().sum::<f64>() / per_mib.len() as f64 };
        let startup_each_ms = slope.max(0.0);
        Some(Costs {
            work_ms: one.compute_ms,
            // The line at N = 1; with the slope clamped at 0, the mean start-up.
            startup_ms: if slope > 0.0 {
                (intercept + slope).max(0.0)
            } else {
                mean(points.iter().map(|p| p.startup_ms))
            },
            startup_each_ms,
            send_ms_per_mib,
            mebibytes: mebibytes(one.bytes),
            rest_ms: one.rest_ms,
            cpus: cpus.max(1),
        })
    }
}

fn mean(xs: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = xs.fold((0.0, 0.0), |(s, n), x| (s + x, n + 1.0));
    if n > 0.0 { sum / n } else { 0.0 }
}

/// The least-squares line `y = a + b·x` through `points`: `(a, b)`. With one distinct x (or
/// none), `b` is 0 and `a` the mean of y.
fn line(points: impl Iterator<Item = (f64, f64)> + Clone) -> (f64, f64) {
    let (mx, my) = (mean(points.clone().map(|p| p.0)), mean(points.clone().map(|p| p.1)));
    let sxx: f64 = points.clone().map(|(x, _)| (x - mx) * (x - mx)).sum();
    let sxy: f64 = points.map(|(x, y)| (x - mx) * (y - my)).sum();
    if sxx <= 0.0 {
        return (my, 0.0);
    }
    let b = sxy / sxx;
    (my - b * mx, b)
}

/// A measured speedup below this fraction of the model's, at an N no larger than the CPUs, is
/// taken for a busy machine ([`Sweep::shortfall`]). The model gives each worker a CPU of its own
/// up to `P`, so on an idle machine independent work should come near it (issue 9's target: 0.9
/// of N for N workers); 0.75 leaves room for noise and still catches a machine whose cores are
/// taken by other programs (two workers measured 1.05× at a load average of 14 on 2 cores).
pub const BUSY_RATIO: f64 = 0.75;

/// A measured speedup far below the model's prediction ([`Sweep::shortfall`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shortfall {
    /// Workers.
    pub n: u32,
    /// The measured speedup, `T(1) / T(n)`.
    pub measured: f64,
    /// The model's, for the same `n`.
    pub predicted: f64,
}

impl Shortfall {
    /// Measured over predicted.
    pub fn ratio(&self) -> f64 {
        self.measured / self.predicted
    }
}

/// A speedup run: N from 1 to `max_n`, one isolated run each, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// The largest N.
    pub max_n: u32,
    /// The runs done, by N.
    pub points: Vec<Point>,
}

impl Sweep {
    /// A sweep over 1..=`max_n` workers (0 taken as 1).
    pub fn new(max_n: u32) -> Sweep {
        Sweep { max_n: max_n.max(1), points: Vec::new() }
    }

    /// The N to run next, if any.
    pub fn next_n(&self) -> Option<u32> {
        let n = self.points.len() as u32 + 1;
        (n <= self.max_n).then_some(n)
    }

    /// Records the run of `o.workers` workers. Errors: not the N due, or a merged answer that is
    /// not the N = 1 run's (the work was split or merged wrongly).
    pub fn record(&mut self, o: &HashOutcome) -> Result<Point, String> {
        if Some(o.workers) != self.next_n() {
            return Err(format!("a run of {} workers when {:?} were due", o.workers, self.next_n()));
        }
        let point = Point::of(o);
        if let Some(one) = self.points.first()
            && one.merged != point.merged
        {
            return Err(format!(
                "{} workers merged {:#018x}, one worker alone {:#018x}: the work was split or merged wrongly",
                point.n, point.merged, one.merged
            ));
        }
        self.points.push(point);
        Ok(point)
    }

    /// The measured speedup of `p`: the N = 1 run's wall time over `p`'s.
    pub fn speedup(&self, p: &Point) -> Option<f64> {
        let one = self.points.first()?;
        (p.wall_ms > 0.0).then(|| one.wall_ms / p.wall_ms)
    }

    /// The run, among those of 2 to `costs.cpus` workers, whose measured speedup falls furthest
    /// below the model's, if one falls below [`BUSY_RATIO`] of it: the model assumes idle CPUs,
    /// so such a run says the machine was busy (or the browser throttled its workers), not
    /// that the work does not scale. Runs past the CPUs are left out: there the model already
    /// shares the CPUs, and the start-up it fits dominates.
    pub fn shortfall(&self, costs: &Costs) -> Option<Shortfall> {
        self.points
            .iter()
            .filter(|p| p.n >= 2 && p.n <= costs.cpus)
            .filter_map(|p| Some(Shortfall { n: p.n, measured: self.speedup(p)?, predicted: costs.speedup(p.n) }))
            .filter(|s| s.predicted > 0.0 && s.ratio() < BUSY_RATIO)
            .min_by(|a, b| a.ratio().total_cmp(&b.ratio()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn costs() -> Costs {
        Costs {
            work_ms: 800.0,
            startup_ms: 40.0,
            startup_each_ms: 10.0,
            send_ms_per_mib: 2.0,
            mebibytes: 4.0,
            rest_ms: 2.0,
            cpus: 2,
        }
    }

    #[test]
    fn the_prediction_bends_at_the_cpu_count_and_with_the_start_up() {
        let c = costs();
        // T(1) = 40 + 0 + 2 × 4 + 800 / 1 + 2 = 850 ms.
        assert_eq!(c.wall_ms(1), 850.0);
        // T(2) = 40 + 10 + 8 + 800 / 2 + 2 = 460 ms: speedup 850 / 460 ≈ 1.848.
        assert_eq!(c.wall_ms(2), 460.0);
        assert!((c.speedup(2) - 850.0 / 460.0).abs() < 1e-12);
        // T(4) on 2 CPUs: 40 + 30 + 8 + 800 / 2 + 2 = 480 ms: slower than 2 (the start-up grows,
        // the hashing cannot go below W / P).
        assert_eq!(c.wall_ms(4), 480.0);
        assert!(c.speedup(4) < c.speedup(2));
        // Without overheads, Amdahl with no serial part: speedup min(N, P).
        let ideal = Costs { startup_ms: 0.0, startup_each_ms: 0.0, send_ms_per_mib: 0.0, rest_ms: 0.0, ..c };
        assert_eq!((ideal.speedup(1), ideal.speedup(2), ideal.speedup(3)), (1.0, 2.0, 2.0));
        assert_eq!(ideal.wall_ms(0), 800.0);
    }

    fn point(n: u32, wall_ms: f64, startup_ms: f64, send_ms: f64, compute_ms: f64, rest_ms: f64) -> Point {
        Point { n, wall_ms, startup_ms, send_ms, compute_ms, rest_ms, bytes: 4 * MIB, merged: 42 }
    }

    #[test]
    fn the_costs_are_fitted_from_the_runs() {
        // Start-ups 40, 50, 60 ms at N = 1, 2, 3: the line 30 + 10·N, so s₁ = 40 and s⁺ = 10.
        // Sending 4 MiB in 8, 8 and 11 ms: 2, 2 and 2.75 ms/MiB, mean 2.25.
        let points = [
            point(1, 850.0, 40.0, 8.0, 800.0, 2.0),
            point(2, 470.0, 50.0, 8.0, 410.0, 2.0),
            point(3, 490.0, 60.0, 11.0, 415.0, 4.0),
        ];
        let c = Costs::fit(&points, 2).unwrap();
        assert!((c.startup_ms - 40.0).abs() < 1e-9 && (c.startup_each_ms - 10.0).abs() < 1e-9, "{c:?}");
        assert!((c.send_ms_per_mib - 2.25).abs() < 1e-9);
        assert_eq!((c.work_ms, c.rest_ms, c.mebibytes, c.cpus), (800.0, 2.0, 4.0, 2));
        // Start-ups that fall with N (noise): s⁺ clamped at 0, s₁ their mean (40 + 30) / 2 = 35.
        let falling = [point(1, 850.0, 40.0, 8.0, 800.0, 2.0), point(2, 470.0, 30.0, 8.0, 410.0, 2.0)];
        let c = Costs::fit(&falling, 0).unwrap();
        assert_eq!((c.startup_ms, c.startup_each_ms, c.cpus), (35.0, 0.0, 1));
        // One point: no slope; without N = 1: no costs.
        assert_eq!(Costs::fit(&points[..1], 2).unwrap().startup_each_ms, 0.0);
        assert_eq!(Costs::fit(&points[1..], 2), None);
    }

    #[test]
    fn a_run_far_below_the_model_on_idle_cpus_is_flagged() {
        // The model fitted to these runs (see the_costs_are_fitted_from_the_runs): W = 800,
        // s₁ = 40, s⁺ = 10, c·B = 2.25 × 4 = 9, r = 2, P = 2: T(1) = 851, T(2) = 40 + 10 + 9 +
        // 400 + 2 = 461, a predicted speedup of 851 / 461 ≈ 1.846.
        let sweep = |wall_two: f64, wall_three: f64| Sweep {
            max_n: 3,
            points: vec![
                point(1, 850.0, 40.0, 8.0, 800.0, 2.0),
                point(2, wall_two, 50.0, 8.0, 410.0, 2.0),
                point(3, wall_three, 60.0, 11.0, 415.0, 4.0),
            ],
        };
        let flagged = |s: &Sweep| s.shortfall(&Costs::fit(&s.points, 2).unwrap());
        // N = 2 in 470 ms: 850 / 470 ≈ 1.809, 0.98 of the model: not flagged.
        assert_eq!(flagged(&sweep(470.0, 490.0)), None);
        // N = 2 in 800 ms (a busy machine): 850 / 800 = 1.0625, 0.576 of the model: flagged.
        let busy = flagged(&sweep(800.0, 490.0)).expect("flagged");
        assert_eq!(busy.n, 2);
        assert!((busy.measured - 1.0625).abs() < 1e-12);
        assert!((busy.predicted - 851.0 / 461.0).abs() < 1e-12, "{busy:?}");
        assert!((busy.ratio() - 1.0625 / (851.0 / 461.0)).abs() < 1e-12);
        // Just above the line: 0.76 of the model at N = 2 is not flagged.
        let at = 850.0 / (0.76 * 851.0 / 461.0);
        assert_eq!(flagged(&sweep(at, 490.0)), None);
        // N = 3 is past the 2 CPUs: however slow, it is not held against the machine.
        assert_eq!(flagged(&sweep(470.0, 5_000.0)), None);
        // One CPU: nothing to compare (N = 2 already shares it).
        let s = sweep(800.0, 490.0);
        assert_eq!(s.shortfall(&Costs::fit(&s.points, 1).unwrap()), None);
    }

    #[test]
    fn a_sweep_goes_from_one_worker_up_and_checks_each_merge() {
        use crate::parallel::isolated::{Answer, HashRun, Sent};
        use crate::parallel::session::Span;
        let outcome = |n: u32, merged_part: u64| {
            let mut run = HashRun::new(n.into(), n, 4 * 4_096, 8, 0.0).unwrap();
            for w in 0..n {
                run.ready(w, 10.0).unwrap();
                run.sent(w, Sent { bytes: 1, left_bytes: 1, prepared_ms: 10.5, posted_ms: 11.0 }).unwrap();
                let span = Span { started_ms: 12.0, finished_ms: 12.0 + 100.0 / f64::from(n) };
                run.hashed(
                    w,
                    Answer {
                        answer: merged_part,
                        bytes: 1,
                        span,
                        copy_in_ms: 0.0,
                        at_page_ms: 13.0 + 100.0 / f64::from(n),
                    },
                )
                .unwrap();
            }
            run.outcome().unwrap()
        };
        let mut sweep = Sweep::new(3);
        assert_eq!(sweep.next_n(), Some(1));
        assert!(sweep.record(&outcome(2, 3)).unwrap_err().contains("when Some(1) were due"));
        let one = sweep.record(&outcome(1, 6)).unwrap();
        // Wall: 13 + 100 = 113 ms from the start; with 2 workers 13 + 50 = 63 ms.
        assert_eq!(one.wall_ms, 113.0);
        let two = sweep.record(&outcome(2, 3)).unwrap();
        assert_eq!(sweep.speedup(&two), Some(113.0 / 63.0));
        // Three workers answering 3 each merge to 9, not one worker's 6.
        assert!(sweep.record(&outcome(3, 3)).unwrap_err().contains("split or merged wrongly"));
        sweep.record(&outcome(3, 2)).unwrap();
        assert_eq!(sweep.next_n(), None);
    }
}
