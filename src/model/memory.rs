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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    /// Current value.
    pub value: i64,
    /// Stores so far: the variable's version. A thread remembers the version it loaded; a store
    /// made after other stores overwrote them unseen (see [`super::trace::What::Mem`]).
    pub writes: u64,
    /// Lost updates so far.
    pub lost: u64,
}

impl Cell {
    /// A variable holding `value`, never written.
    pub fn new(value: i64) -> Self {
        Cell { value, writes: 0, lost: 0 }
    }
}
