//! Memory in pages: each process's address space as pages, which processes may share, and the
//! resident and proportional set sizes (RSS, PSS) that follow.
//!
//! A process maps its segments ([`super::scenario::MemorySpec`]) in pages of
//! `machine.page_bytes` (4,096 B by default): code, data (its variables, 8 bytes each, in
//! declaration order), heap, and one stack per thread (a thread created at run time adds its
//! stack when it starts). Each page is backed by a physical *frame*; the threads of a process
//! use the same frames, so a thread adds only its stack.
//!
//! - `fork` ([`Pages::fork`]) maps the child onto its parent's frames: code, data, heap and the
//!   forking thread's stack (the only thread copied). Nothing is copied at the fork: a data,
//!   heap or stack page stays shared *copy-on-write* until one of the sharers writes it; that
//!   write copies the page into a new frame for the writer ([`Pages::write`]), and the others
//!   keep the old frame. The last sharer left writes in place: once a process has its own copy
//!   it never copies that page again (until it forks once more). Code is read-only and stays
//!   shared.
//! - `spawn` ([`Pages::spawn`]) maps fresh data, heap and stack frames and shares the
//!   spawner's code frames (the same executable, as the page cache shares it between processes).
//! - A process that ends ([`Pages::release`]) unmaps everything: a frame nobody maps is freed.
//!
//! RSS of a process is the bytes of the pages it maps. PSS divides each frame's bytes among the
//! processes that map it: a page shared by 3 counts a third to each. To keep whole bytes with
//! nothing lost, a frame's `page_bytes` are split as evenly as integers allow and the remainder
//! goes one byte each to the sharers with the lowest pids (4,096 among 3: 1,366, 1,365, 1,365).
//! So the sum of the PSS of all processes is exactly the resident frames × page size: shared
//! memory counted once (Linux's `/proc/PID/smaps_rollup`, `Pss`, computes the same sum with
//! fractions).
//!
//! The model's programs write memory only through variables (`store` and the atomics), so only
//! data pages are written; stacks and heap stay shared after a fork.

use serde::Serialize;

use super::scenario::MemorySpec;
use super::scheduler::ReadyReason;
use super::trace::{Cause, TraceEvent, What};
use super::{ProcessId, System, ThreadId, Ticks};

/// Bytes of a variable in the data segment.
pub const VARIABLE_BYTES: u64 = 8;

/// What a page of an address space holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    /// Program text: read-only.
    Code,
    /// The variables.
    Data,
    /// The heap.
    Heap,
    /// A thread's stack.
    Stack {
        /// The thread.
        tid: ThreadId,
    },
}

/// How a process holds one of its pages, for the memory map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sharing {
    /// Its own frame, never shared.
    Private,
    /// A frame shared with other processes ([`PageView::sharers`]): read-only code, or a
    /// copy-on-write page (a write copies it).
    Shared,
    /// Its own copy, made when it wrote a copy-on-write page.
    Copied,
}

/// A run of consecutive pages of a process's address space held alike, as the memory map shows
/// them (a 1 MiB heap is one run of 256 pages, not 256 entries). It travels to the page packed
/// in a number (`crate::messaging::wire`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PageView {
    /// What they hold.
    pub region: Region,
    /// How they are held.
    pub sharing: Sharing,
    /// Processes mapping each page's frame, this one included (1 unless shared).
    pub sharers: u32,
    /// How many pages, ≥ 1.
    pub count: u32,
}

/// A page of a process: what it holds, its frame, and whether it is a copy-on-write copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mapping {
    region: Region,
    frame: usize,
    copied: bool,
}

/// One process's pages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Space {
    maps: Vec<Mapping>,
    /// Index in `maps` of its first data page.
    data_start: usize,
    /// Pages copied by its writes to copy-on-write pages.
    cow_copies: u64,
    /// Still mapped (not ended).
    resident: bool,
}

/// The pages of every process and the frames behind them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pages {
    page_bytes: u64,
    /// For each frame, the processes mapping it, ascending (empty: free).
    frames: Vec<Vec<ProcessId>>,
    /// Frames mapped by at least one process.
    resident: usize,
    /// The most frames resident at once.
    peak: usize,
    /// By pid.
    spaces: Vec<Space>,
}

/// Pages needed for `bytes`, rounded up.
fn pages_for(bytes: u64, page_bytes: u64) -> usize {
    bytes.div_ceil(page_bytes) as usize
}

impl Pages {
    /// No process yet; pages of `page_bytes` (≥ [`VARIABLE_BYTES`]).
    pub fn new(page_bytes: u64) -> Self {
        Pages { page_bytes, frames: Vec::new(), resident: 0, peak: 0, spaces: Vec::new() }
    }

    /// Page size, in bytes.
    pub fn page_bytes(&self) -> u64 {
        self.page_bytes
    }

    fn new_frame(&mut self, pid: ProcessId) -> usize {
        self.frames.push(vec![pid]);
        self.resident += 1;
        self.peak = self.peak.max(self.resident);
        self.frames.len() - 1
    }

    fn space_mut(&mut self, pid: ProcessId) -> &mut Space {
        if self.spaces.len() <= pid {
            self.spaces.resize(pid + 1, Space::default());
        }
        &mut self.spaces[pid]
    }

    fn map_fresh(&mut self, pid: ProcessId, region: Region, n: usize) {
        for _ in 0..n {
            let frame = self.new_frame(pid);
            self.space_mut(pid).maps.push(Mapping { region, frame, copied: false });
        }
    }

    /// Maps process `pid` with fresh frames: its segments from `layout`, `variables` variables,
    /// and a stack for each of `stacks`. The data segment is at least big enough for the
    /// variables.
    pub fn add_process(&mut self, pid: ProcessId, layout: &MemorySpec, variables: usize, stacks: &[ThreadId]) {
        self.space_mut(pid).resident = true;
        self.map_fresh(pid, Region::Code, pages_for(layout.code_bytes, self.page_bytes));
        self.spaces[pid].data_start = self.spaces[pid].maps.len();
        let data = layout.data_bytes.max(variables as u64 * VARIABLE_BYTES);
        self.map_fresh(pid, Region::Data, pages_for(data, self.page_bytes));
        self.map_fresh(pid, Region::Heap, pages_for(layout.heap_bytes, self.page_bytes));
        for &tid in stacks {
            self.add_stack(pid, tid, layout);
        }
    }

    /// Thread `tid` of `pid` starts: it gets a fresh stack of `layout.stack_bytes_per_thread`.
    pub fn add_stack(&mut self, pid: ProcessId, tid: ThreadId, layout: &MemorySpec) {
        self.map_fresh(pid, Region::Stack { tid }, pages_for(layout.stack_bytes_per_thread, self.page_bytes));
    }

    /// `parent`'s thread `caller` forks `child`, whose one thread is `child_tid`: the child maps
    /// the parent's code, data and heap frames and the caller's stack frames (as its thread's
    /// stack), all shared; nothing is copied yet.
    pub fn fork(&mut self, parent: ProcessId, caller: ThreadId, child: ProcessId, child_tid: ThreadId) {
        let (maps, data_start) = {
            let p = &self.spaces[parent];
            (p.maps.clone(), p.data_start)
        };
        // Stacks come after code, data and heap, so the data starts where the parent's does.
        let mut mine = Vec::new();
        for m in maps {
            let region = match m.region {
                Region::Stack { tid } if tid == caller => Region::Stack { tid: child_tid },
                Region::Stack { .. } => continue, // threads not copied: their stacks neither
                other => other,
            };
            let sharers = &mut self.frames[m.frame];
            if let Err(at) = sharers.binary_search(&child) {
                sharers.insert(at, child);
            }
            mine.push(Mapping { region, frame: m.frame, copied: false });
        }
        let s = self.space_mut(child);
        s.maps = mine;
        s.data_start = data_start;
        s.resident = true;
    }

    /// `spawner` starts `child` running a fresh program: the child shares the spawner's code
    /// frames (the same executable) and maps fresh data, heap and a stack for `child_tid`.
    pub fn spawn(
        &mut self,
        spawner: ProcessId,
        child: ProcessId,
        child_tid: ThreadId,
        layout: &MemorySpec,
        variables: usize,
    ) {
        let code: Vec<usize> =
            self.spaces[spawner].maps.iter().filter(|m| m.region == Region::Code).map(|m| m.frame).collect();
        let s = self.space_mut(child);
        s.resident = true;
        for &frame in &code {
            s.maps.push(Mapping { region: Region::Code, frame, copied: false });
        }
        s.data_start = code.len();
        for &frame in &code {
            let sharers = &mut self.frames[frame];
            if let Err(at) = sharers.binary_search(&child) {
                sharers.insert(at, child);
            }
        }
        let data = layout.data_bytes.max(variables as u64 * VARIABLE_BYTES);
        self.map_fresh(child, Region::Data, pages_for(data, self.page_bytes));
        self.map_fresh(child, Region::Heap, pages_for(layout.heap_bytes, self.page_bytes));
        self.add_stack(child, child_tid, layout);
    }

    /// Whether some frame is shared by two processes or more (else no write can copy).
    pub fn any_shared(&self) -> bool {
        self.resident < self.spaces.iter().filter(|s| s.resident).map(|s| s.maps.len()).sum()
    }

    /// Process `pid` writes variable `var`: if its page is shared copy-on-write, the page is
    /// copied into a new frame for `pid` and its index in the address space returned.
    pub fn write(&mut self, pid: ProcessId, var: usize) -> Option<usize> {
        let s = &self.spaces[pid];
        let page = s.data_start + (var as u64 * VARIABLE_BYTES / self.page_bytes) as usize;
        self.copy(pid, page).then_some(page)
    }

    /// Process `pid` writes page `page` (its index in the address space): if the page's frame is
    /// shared, it is copied into a new frame for `pid` (true); else written in place (false).
    fn copy(&mut self, pid: ProcessId, page: usize) -> bool {
        let Some(&Mapping { frame: old, .. }) = self.spaces.get(pid).and_then(|s| s.maps.get(page)) else {
            return false;
        };
        if self.frames[old].len() < 2 {
            return false;
        }
        self.frames[old].retain(|&p| p != pid);
        let frame = self.new_frame(pid);
        let s = &mut self.spaces[pid];
        s.maps[page] = Mapping { frame, copied: true, ..s.maps[page] };
        s.cow_copies += 1;
        true
    }

    /// Every process's pages at `time` (ticks) of a run of `sys` with pages of `page_bytes`,
    /// rebuilt from the run's trace `events` (those at `time` included) with the steps the
    /// simulation took: the declared processes mapped at the start, then each `create`d thread's
    /// stack when it arrives, each `fork` and `spawn` ([`What::NewProcess`]), copy-on-write copy
    /// ([`What::CowCopy`]) and end ([`What::ProcessEnd`]). `sys` must know the processes created
    /// at run time ([`System::grow_from_trace`]).
    pub fn at(sys: &System, page_bytes: u64, events: &[TraceEvent], time: Ticks) -> Pages {
        let mut pages = Pages::new(page_bytes);
        let born: Vec<ProcessId> = events
            .iter()
            .filter_map(|e| if let What::NewProcess { child, .. } = e.what { Some(child) } else { None })
            .collect();
        for p in sys.processes.iter().filter(|p| !born.contains(&p.pid)) {
            let stacks: Vec<ThreadId> =
                (p.threads.iter().zip(&p.created)).filter(|(_, slot)| slot.is_none()).map(|(&tid, _)| tid).collect();
            pages.add_process(p.pid, &p.space.layout, p.space.variables.len(), &stacks);
        }
        for e in events.iter().take_while(|e| e.time <= time) {
            match e.what {
                What::State { tid, cause: Cause::Queued { reason: ReadyReason::Arrived }, .. }
                    if sys.threads.get(tid).is_some_and(|t| t.created) =>
                {
                    let pid = sys.threads[tid].pid;
                    pages.add_stack(pid, tid, &sys.processes[pid].space.layout);
                }
                What::NewProcess { tid, child, thread, spawned } => {
                    let parent = sys.threads[tid].pid;
                    match spawned {
                        None => pages.fork(parent, tid, child, thread),
                        Some(_) => {
                            let space = &sys.processes[parent].space;
                            pages.spawn(parent, child, thread, &space.layout, space.variables.len());
                        }
                    }
                }
                What::CowCopy { pid, page, .. } => {
                    pages.copy(pid, page as usize);
                }
                What::ProcessEnd { pid, .. } => pages.release(pid),
                _ => {}
            }
        }
        pages
    }

    /// Process `pid` has ended: it unmaps every page; frames nobody maps any more are freed.
    pub fn release(&mut self, pid: ProcessId) {
        let Some(s) = self.spaces.get_mut(pid) else { return };
        if !s.resident {
            return;
        }
        s.resident = false;
        for m in std::mem::take(&mut s.maps) {
            let sharers = &mut self.frames[m.frame];
            sharers.retain(|&p| p != pid);
            if sharers.is_empty() {
                self.resident -= 1;
            }
        }
    }

    /// Resident set size of `pid`, in bytes: its mapped pages (0 once it has ended).
    pub fn rss(&self, pid: ProcessId) -> u64 {
        self.spaces.get(pid).map_or(0, |s| s.maps.len() as u64 * self.page_bytes)
    }

    /// `pid`'s share of `frame`, in bytes (see the module's documentation).
    fn share(&self, frame: usize, pid: ProcessId) -> u64 {
        let sharers = &self.frames[frame];
        let k = sharers.len() as u64;
        let rank = sharers.iter().position(|&p| p == pid).expect("a mapper of the frame") as u64;
        self.page_bytes / k + u64::from(rank < self.page_bytes % k)
    }

    /// Proportional set size of `pid`, in bytes: each of its pages divided among the processes
    /// that map its frame (0 once it has ended).
    pub fn pss(&self, pid: ProcessId) -> u64 {
        self.spaces.get(pid).map_or(0, |s| s.maps.iter().map(|m| self.share(m.frame, pid)).sum())
    }

    /// Pages `pid` copied by writing copy-on-write pages.
    pub fn cow_copies(&self, pid: ProcessId) -> u64 {
        self.spaces.get(pid).map_or(0, |s| s.cow_copies)
    }

    /// Bytes resident now: every frame some process maps, once.
    pub fn resident_bytes(&self) -> u64 {
        self.resident as u64 * self.page_bytes
    }

    /// The most bytes resident at once so far.
    pub fn peak_bytes(&self) -> u64 {
        self.peak as u64 * self.page_bytes
    }

    /// `pid`'s pages as the memory map shows them, in address order (code, data, heap, stacks),
    /// consecutive pages held alike in one run.
    pub fn view(&self, pid: ProcessId) -> Vec<PageView> {
        let Some(s) = self.spaces.get(pid) else { return Vec::new() };
        let mut out: Vec<PageView> = Vec::new();
        for m in &s.maps {
            let sharers = self.frames[m.frame].len() as u32;
            let sharing = match (sharers > 1, m.copied) {
                (true, _) => Sharing::Shared,
                (false, true) => Sharing::Copied,
                (false, false) => Sharing::Private,
            };
            match out.last_mut() {
                Some(last) if (last.region, last.sharing, last.sharers) == (m.region, sharing, sharers) => {
                    last.count += 1;
                }
                _ => out.push(PageView { region: m.region, sharing, sharers, count: 1 }),
            }
        }
        out
    }
}
