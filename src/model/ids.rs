//! The model's units and identifiers. Every other module imports these; this one imports nothing.

/// Simulated time, in ticks (1 tick = 1 simulated µs).
pub type Ticks = u64;
/// Index of a CPU, `0..machine.cpus`.
pub type CpuId = usize;
/// Index of a process in the scenario (its pid).
pub type ProcessId = usize;
/// Global index of a thread, over all processes in order (its tid).
pub type ThreadId = usize;
