//! The model's units and identifiers. Every other module imports these; this one imports nothing.

/// Simulated time, in ticks (1 tick = 1 simulated µs).
pub type Ticks = u64;

/// A unit as a learner reads it, on the page and in the CLI's text: `ticks` (the word of the
/// scenario's fields and of the CLI's JSON `"unit"`s) is `µs`, one tick being one simulated
/// microsecond; any other unit as it is.
pub fn unit_word(unit: &str) -> &str {
    if unit == "ticks" { "µs" } else { unit }
}

/// Index of a CPU, `0..machine.cpus`.
pub type CpuId = usize;
/// Index of a process in the scenario (its pid).
pub type ProcessId = usize;
/// Global index of a thread, over all processes in order (its tid).
pub type ThreadId = usize;
