//! The memory model: each process owns one address space; its threads share it.
//!
//! Variables are named cells in the process's data segment. A `load`/`store` by any thread of
//! the process touches the same cell, which is why unsynchronised `counter++` races. Another
//! process has separate cells even for the same name (isolation): processes can only share data
//! by messages, added in a later issue.

use serde::{Deserialize, Serialize};

use super::scenario::{MemorySpec, ProcessSpec};

/// A process's address space: its variables and its footprint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddressSpace {
    /// Variable names, sorted; a variable's index is its [`super::program::VarId`].
    pub variables: Vec<String>,
    /// Initial value of each variable.
    pub initial: Vec<i64>,
    /// Value a correct run should end with, where the scenario says.
    pub expected: Vec<Option<i64>>,
    /// Sizes of the segments, in bytes.
    pub layout: MemorySpec,
}

impl AddressSpace {
    pub(crate) fn from_spec(p: &ProcessSpec) -> AddressSpace {
        AddressSpace {
            variables: p.variables.keys().cloned().collect(),
            initial: p.variables.values().copied().collect(),
            expected: p.variables.keys().map(|k| p.expected.get(k).copied()).collect(),
            layout: p.memory.clone(),
        }
    }

    /// Bytes the process occupies with `threads` threads: code + data + heap, plus one stack per
    /// thread. This is why a thread is cheaper than a process: it adds only a stack.
    pub fn footprint_bytes(&self, threads: usize) -> u64 {
        let l = &self.layout;
        l.code_bytes + l.data_bytes + l.heap_bytes + l.stack_bytes_per_thread * threads as u64
    }
}

/// A variable at run time: its value and what the lost-update analysis needs.
///
/// Lost updates are counted by lineage: the value's `chain` is how many stores built it, each
/// from the value the one before left (a store from a register loaded from the variable makes
/// the loaded value's chain + 1). Every store not in the current value's chain is an update
/// lost, so `writes − chain` is the count: for a variable that only sees `load`, `add 1`,
/// `store`, `expected − value` exactly. Counting per store instead ("writes made since this
/// thread loaded") counts two stores that overwrite each other's writes twice though only one
/// increment went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Current value.
    pub value: i64,
    /// Stores so far (`store` and the atomics' writes).
    pub writes: u64,
    /// Stores in the current value's lineage (0 for the initial value): a thread remembers the
    /// chain of the value it loaded, and its store makes that chain + 1.
    pub chain: u64,
}

impl Cell {
    /// A variable holding `value`, never written.
    pub fn new(value: i64) -> Self {
        Cell { value, writes: 0, chain: 0 }
    }

    /// Lost updates so far: the stores that are not in the current value's lineage.
    pub fn lost(&self) -> u64 {
        self.writes - self.chain
    }
}
