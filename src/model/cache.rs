//! The cache-warmth model of OSTEP ch. 10 ("Multiprocessor Scheduling", cache affinity), as
//! OSTEP's multi.py simulates it (`../shared/OSTEP.md`):
//!
//! - Each CPU has a cache of `size_kb`. A thread whose working set fits becomes *warm* on a CPU
//!   after it has run `warmup_ticks` ticks there (the counter persists across deschedules; the
//!   tick that completes the warm-up is still cold). It then joins the front of that CPU's cache
//!   contents; threads at the back are evicted while the working sets exceed the size, and must
//!   warm up again.
//! - A warm thread's `compute` does `warm_speedup` ticks of work per tick; a cold one does one.
//!   Other instructions take their tick either way. A thread whose working set exceeds the cache
//!   never warms.
//!
//! So a thread that migrates pays a cold start on its new CPU, which is why per-CPU queues keep
//! threads where they ran.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{CpuId, ThreadId, Ticks};

/// The cache part of the machine: `{"size_kb": 100, "warmup_ticks": 10, "warm_speedup": 2}`
/// (multi.py's `-M`, `-w`, `-r` defaults).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CacheSpec {
    /// Cache size of each CPU, in KB (≥ 1).
    pub size_kb: u64,
    /// Ticks a thread must run on a CPU before its working set is warm there.
    pub warmup_ticks: Ticks,
    /// Ticks of `compute` work a warm thread does per tick (≥ 1; 1 = no effect).
    pub warm_speedup: u64,
}

impl Default for CacheSpec {
    fn default() -> Self {
        CacheSpec { size_kb: 100, warmup_ticks: 10, warm_speedup: 2 }
    }
}

/// The caches of all CPUs during a run.
#[derive(Clone, Debug)]
pub(crate) struct Caches {
    spec: CacheSpec,
    /// Working set of each thread in KB, by tid.
    working_set: Vec<u64>,
    /// Per CPU, the threads warm there, most recently warmed first.
    contents: Vec<Vec<ThreadId>>,
    /// Warm-up ticks left for (CPU, thread) pairs that have started warming and are not warm.
    warming: HashMap<(CpuId, ThreadId), Ticks>,
    /// Ticks each thread ran warm, by tid.
    pub warm_ticks: Vec<Ticks>,
}

impl Caches {
    /// Empty caches of `cpus` CPUs; `working_set[tid]` in KB.
    pub fn new(spec: CacheSpec, cpus: usize, working_set: Vec<u64>) -> Self {
        let threads = working_set.len();
        Caches {
            spec,
            working_set,
            contents: vec![Vec::new(); cpus],
            warming: HashMap::new(),
            warm_ticks: vec![0; threads],
        }
    }

    fn is_warm(&self, cpu: CpuId, tid: ThreadId) -> bool {
        self.contents[cpu].contains(&tid)
    }

    /// How to run `work` ticks of cold work of `tid` on `cpu` for at most `limit` ticks: the
    /// ticks of the step and whether it runs warm. A cold step stops when the warm-up completes,
    /// so the rest runs warm.
    pub fn plan(&self, cpu: CpuId, tid: ThreadId, work: Ticks, limit: Option<Ticks>) -> (Ticks, bool) {
        let cap = |t: Ticks| limit.map_or(t, |l| t.min(l));
        if self.is_warm(cpu, tid) {
            return (cap(work.div_ceil(self.spec.warm_speedup)), true);
        }
        let fits = self.working_set[tid] <= self.spec.size_kb;
        let left = *self.warming.get(&(cpu, tid)).unwrap_or(&self.spec.warmup_ticks);
        let until_warm = if fits && self.spec.warm_speedup > 1 { left.max(1) } else { Ticks::MAX };
        (cap(work.min(until_warm)), false)
    }

    /// `tid` ran `ticks` on `cpu`, warm or not: returns the work done, in cold ticks, and
    /// advances its warm-up there (warming it, and evicting others, when it completes).
    pub fn ran(&mut self, cpu: CpuId, tid: ThreadId, ticks: Ticks, warm: bool) -> Ticks {
        if warm {
            self.warm_ticks[tid] += ticks;
            return ticks * self.spec.warm_speedup;
        }
        if self.working_set[tid] <= self.spec.size_kb && ticks > 0 {
            let left = self.warming.entry((cpu, tid)).or_insert(self.spec.warmup_ticks);
            *left = left.saturating_sub(ticks);
            if *left == 0 {
                self.warming.remove(&(cpu, tid));
                self.warm_up(cpu, tid);
            }
        }
        ticks
    }

    /// `tid` joins the front of `cpu`'s cache; threads at the back are evicted while the working
    /// sets exceed the size.
    fn warm_up(&mut self, cpu: CpuId, tid: ThreadId) {
        let contents = &mut self.contents[cpu];
        contents.insert(0, tid);
        while contents.iter().map(|&t| self.working_set[t]).sum::<u64>() > self.spec.size_kb {
            contents.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OSTEP.md: a:30:100 on 1 CPU (cache 100, warm-up 10, rate 2) takes 10 cold + 10 warm ticks.
    #[test]
    fn a_job_that_fits_warms_after_the_warmup() {
        let mut c = Caches::new(CacheSpec::default(), 1, vec![100]);
        let (t, warm) = c.plan(0, 0, 30, None);
        assert_eq!((t, warm), (10, false));
        assert_eq!(c.ran(0, 0, 10, false), 10);
        let (t, warm) = c.plan(0, 0, 20, None);
        assert_eq!((t, warm), (10, true));
        assert_eq!(c.ran(0, 0, 10, true), 20);
    }

    #[test]
    fn warming_up_evicts_the_oldest_and_a_big_set_never_warms() {
        let mut c = Caches::new(CacheSpec { size_kb: 100, warmup_ticks: 2, warm_speedup: 2 }, 1, vec![60, 60, 150]);
        c.ran(0, 0, 2, false);
        assert!(c.is_warm(0, 0));
        c.ran(0, 1, 2, false);
        assert!(c.is_warm(0, 1) && !c.is_warm(0, 0), "60 + 60 > 100: thread 0 was evicted");
        assert_eq!(c.plan(0, 2, 50, Some(7)), (7, false));
        c.ran(0, 2, 50, false);
        assert!(!c.is_warm(0, 2));
    }
}
