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
//! - With a warm-up of 0 a thread is warm from its first tick on a CPU; one evicted from a CPU's
//!   cache restarts its warm-up there, which with a warm-up of 0 takes one cold tick (multi.py
//!   puts it back to warming with a count of 0, done after its next tick).
//! - `oversized_flushes` (multi.py): a working set larger than the cache still completes its
//!   warm-up, and joining the cache then evicts every thread in it, itself too (it starts warming
//!   again). By default such a thread never warms and evicts nothing.
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
    /// A working set larger than the cache flushes the cache each time it completes a warm-up,
    /// as in OSTEP's multi.py (default `false`: it never warms and evicts nothing).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub oversized_flushes: bool,
}

impl Default for CacheSpec {
    fn default() -> Self {
        CacheSpec { size_kb: 100, warmup_ticks: 10, warm_speedup: 2, oversized_flushes: false }
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

    /// Thread `tid`'s working set, in KB.
    pub fn working_set_kb(&self, tid: ThreadId) -> u64 {
        self.working_set[tid]
    }

    /// A thread created at run time (by `fork` or `spawn`), with its working set in KB, gets the
    /// next tid.
    pub fn add_thread(&mut self, working_set_kb: u64) {
        self.working_set.push(working_set_kb);
        self.warm_ticks.push(0);
    }

    fn is_warm(&self, cpu: CpuId, tid: ThreadId) -> bool {
        self.contents[cpu].contains(&tid)
    }

    /// Whether `tid` warms up at all: its working set fits, or the spec lets it flush.
    fn warms(&self, tid: ThreadId) -> bool {
        self.working_set[tid] <= self.spec.size_kb || self.spec.oversized_flushes
    }

    /// Whether `tid` is warm on `cpu` from its first tick: no warm-up, a working set that fits,
    /// and no warm-up pending there (after an eviction).
    fn warm_at_once(&self, cpu: CpuId, tid: ThreadId) -> bool {
        self.spec.warmup_ticks == 0
            && self.working_set[tid] <= self.spec.size_kb
            && !self.warming.contains_key(&(cpu, tid))
    }

    /// How to run `work` ticks of cold work of `tid` on `cpu` for at most `limit` ticks: the
    /// ticks of the step and whether it runs warm. A cold step stops when the warm-up completes,
    /// so the rest runs warm.
    pub fn plan(&self, cpu: CpuId, tid: ThreadId, work: Ticks, limit: Option<Ticks>) -> (Ticks, bool) {
        let cap = |t: Ticks| limit.map_or(t, |l| t.min(l));
        if self.is_warm(cpu, tid) || self.warm_at_once(cpu, tid) {
            return (cap(work.div_ceil(self.spec.warm_speedup)), true);
        }
        let left = *self.warming.get(&(cpu, tid)).unwrap_or(&self.spec.warmup_ticks);
        let until_warm = if self.warms(tid) && self.spec.warm_speedup > 1 { left.max(1) } else { Ticks::MAX };
        (cap(work.min(until_warm)), false)
    }

    /// `tid` ran `ticks` on `cpu`, warm or not: returns the work done, in cold ticks, and
    /// advances its warm-up there (warming it, and evicting others, when it completes).
    pub fn ran(&mut self, cpu: CpuId, tid: ThreadId, ticks: Ticks, warm: bool) -> Ticks {
        if warm {
            if !self.is_warm(cpu, tid) {
                self.warm_up(cpu, tid); // warm at once (no warm-up)
            }
            self.warm_ticks[tid] += ticks;
            return ticks * self.spec.warm_speedup;
        }
        if self.warms(tid) && ticks > 0 {
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
    /// sets exceed the size (an oversized `tid` last of all), and restart their warm-up there.
    fn warm_up(&mut self, cpu: CpuId, tid: ThreadId) {
        let contents = &mut self.contents[cpu];
        contents.insert(0, tid);
        while contents.iter().map(|&t| self.working_set[t]).sum::<u64>() > self.spec.size_kb {
            let evicted = contents.pop().expect("a cache over its size holds a thread");
            self.warming.insert((cpu, evicted), self.spec.warmup_ticks);
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
        let spec = CacheSpec { size_kb: 100, warmup_ticks: 2, ..CacheSpec::default() };
        let mut c = Caches::new(spec, 1, vec![60, 60, 150]);
        c.ran(0, 0, 2, false);
        assert!(c.is_warm(0, 0));
        c.ran(0, 1, 2, false);
        assert!(c.is_warm(0, 1) && !c.is_warm(0, 0), "60 + 60 > 100: thread 0 was evicted");
        assert_eq!(c.plan(0, 2, 50, Some(7)), (7, false));
        c.ran(0, 2, 50, false);
        assert!(!c.is_warm(0, 2));
        assert!(c.is_warm(0, 1), "by default an oversized set evicts nothing");
    }

    /// multi.py: an oversized set warms after the warm-up, and then flushes the cache, itself
    /// included; the flushed threads warm up again from the start.
    #[test]
    fn an_oversized_set_flushes_the_cache_when_asked() {
        let spec = CacheSpec { size_kb: 100, warmup_ticks: 2, oversized_flushes: true, ..CacheSpec::default() };
        let mut c = Caches::new(spec, 1, vec![60, 150]);
        c.ran(0, 0, 2, false);
        assert!(c.is_warm(0, 0));
        assert_eq!(c.plan(0, 1, 50, None), (2, false), "cold until its warm-up completes");
        c.ran(0, 1, 2, false);
        assert!(!c.is_warm(0, 0) && !c.is_warm(0, 1), "both evicted");
        assert_eq!(c.plan(0, 0, 10, None), (2, false), "thread 0 warms up again");
    }

    /// multi.py: with no warm-up a thread is warm from its first tick on a CPU, but one that was
    /// evicted runs one cold tick first.
    #[test]
    fn no_warmup_is_warm_at_once_but_an_evicted_thread_runs_a_cold_tick() {
        let spec = CacheSpec { size_kb: 100, warmup_ticks: 0, ..CacheSpec::default() };
        let mut c = Caches::new(spec, 1, vec![60, 60]);
        assert_eq!(c.plan(0, 0, 10, None), (5, true));
        assert_eq!(c.ran(0, 0, 1, true), 2);
        assert_eq!(c.plan(0, 1, 10, None), (5, true));
        c.ran(0, 1, 1, true);
        assert!(!c.is_warm(0, 0), "60 + 60 > 100");
        assert_eq!(c.plan(0, 0, 10, None), (1, false));
        c.ran(0, 0, 1, false);
        assert!(c.is_warm(0, 0));
    }
}
