//! The thread lanes' labels: a short name that tells the threads apart, first (a narrow label
//! column cuts the end off), then the rest of the full name as context.

use crate::model::system::System;

/// One thread lane's label: `first` tells this thread apart from the others; `rest` is the other
/// half of its `process/thread` name (empty when `first` is already both).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaneName {
    pub first: String,
    pub rest: String,
}

/// The label of each thread, indexed by tid: the thread's name when no other thread has it
/// (`main`, `worker` in one process `counter`), else the process's name when the process has one
/// thread (`render`, `editor`, each with a thread `main`), else `process/thread`.
pub fn lane_names(sys: &System) -> Vec<LaneName> {
    let count = |f: &dyn Fn(&crate::model::system::ThreadInfo) -> bool| sys.threads.iter().filter(|u| f(u)).count();
    sys.threads
        .iter()
        .map(|t| {
            let process = &sys.processes[t.pid].name;
            if count(&|u| u.name == t.name) == 1 {
                LaneName { first: t.name.clone(), rest: process.clone() }
            } else if count(&|u| u.pid == t.pid) == 1 {
                LaneName { first: process.clone(), rest: t.name.clone() }
            } else {
                LaneName { first: format!("{process}/{}", t.name), rest: String::new() }
            }
        })
        .collect()
}
