//! The scenario files shipped with Threadlab (`presets/*.json`), compiled into the binary so the
//! page and the CLI load the very same bytes.
//!
//! Each preset's menu name is written here too, beside its key, so the page's scenario menu needs
//! no scenario reading (the page parses nothing: the reader worker does, `src/workers/reader.rs`).
//! A test checks that each name is the file's own `name`.

use crate::model::{Scenario, ScenarioError};

/// A shipped scenario: a stable key (its file name without `.json`), its name (the file's
/// `name`, for the scenario menu) and its JSON text.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// The file name without `.json`; `?preset=KEY` in the address.
    pub key: &'static str,
    /// The file's `name` (the test below checks they agree).
    pub name: &'static str,
    /// The file's text.
    pub json: &'static str,
}

macro_rules! presets {
    ($($key:literal: $name:literal),* $(,)?) => {
        /// Every preset, in menu order.
        pub const PRESETS: &[Preset] = &[
            $(Preset { key: $key, name: $name, json: include_str!(concat!("../presets/", $key, ".json")) }),*
        ];
    };
}

presets![
    "single-thread": "One process, one thread",
    "threads-create-join": "Adding threads: create, join, sum",
    "fork-copy": "One variable: shared by threads, copied by fork",
    "threads-memory": "Eight threads: memory and start-up",
    "processes-memory": "Eight processes: memory and start-up",
    "race-unsafe": "Race: counter++ without a lock",
    "race-mutex": "Race fixed with a mutex",
    "race-twice": "Race, small: counter++ twice in two threads",
    "mixed-fcfs-1cpu": "Mixed workload: FCFS, 1 CPU",
    "mixed-rr-1cpu": "Mixed workload: Round Robin, 1 CPU",
    "mixed-fcfs-2cpu": "Mixed workload: FCFS, 2 CPUs",
    "mixed-rr-2cpu": "Mixed workload: Round Robin, 2 CPUs",
    "compare-policies": "Compare schedulers on one workload",
    "mlfq-interactive": "MLFQ: interactive jobs stay on top",
    "multicore-queues": "Many CPUs: per-CPU queues keep caches warm",
    "deadlock": "Deadlock: two locks, opposite order",
    "fork-held-lock": "Fork while another thread holds a lock",
    "check-then-act": "Check-then-act",
    "spin-vs-block": "Spin versus block",
    "bounded-buffer": "Bounded buffer with semaphores",
    "condvar-if-while": "Condition variable: if against while",
    "readers-writers": "Readers and writers",
    "philosophers": "Dining philosophers: deadlock",
    "philosophers-ordered": "Dining philosophers: forks in order",
    "philosophers-seats": "Dining philosophers: four seats",
    "ipc-messages": "Processes talking by messages",
    "shared-race": "Shared memory between processes: the race is back",
    "shared-lock": "Shared memory between processes: a shared lock",
    "priority-inversion": "Priority inversion",
    "priority-inheritance": "Priority inversion: inheritance fixes it",
    "pipeline": "Task parallel: a three-stage pipeline",
    "data-parallel": "Data parallel: one loop split over threads",
    "critical-section": "Critical section: when locking eats the gain",
];

impl Preset {
    /// Parses the preset (shipped presets always parse; a test checks it).
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        Scenario::from_json(self.json)
    }
}

/// The preset with this key.
pub fn find(key: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_menu_name_is_the_preset_file_name() {
        for p in PRESETS {
            let s = p.scenario().unwrap_or_else(|e| panic!("{}: {e}", p.key));
            assert_eq!(p.name, s.name, "presets/{}.json's `name` differs from the table in src/presets.rs", p.key);
        }
    }

    #[test]
    fn keys_are_unique_and_every_file_is_listed() {
        let mut keys: Vec<&str> = PRESETS.iter().map(|p| p.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), PRESETS.len(), "a key is listed twice");
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/presets")).unwrap();
        let mut on_disk: Vec<String> =
            files.filter_map(|f| f.ok()?.file_name().to_str()?.strip_suffix(".json").map(str::to_string)).collect();
        on_disk.sort_unstable();
        assert_eq!(keys, on_disk, "presets/ and the table in src/presets.rs differ");
    }
}
