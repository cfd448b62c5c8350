//! The scenario files shipped with Threadlab (`presets/*.json`), compiled into the binary so the
//! page and the CLI load the very same bytes.

use crate::model::{Scenario, ScenarioError};

/// A shipped scenario: a stable key (its file name without `.json`) and its JSON text.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    pub key: &'static str,
    pub json: &'static str,
}

macro_rules! presets {
    ($($key:literal),* $(,)?) => {
        /// Every preset, in menu order.
        pub const PRESETS: &[Preset] = &[
            $(Preset { key: $key, json: include_str!(concat!("../presets/", $key, ".json")) }),*
        ];
    };
}

presets![
    "single-thread",
    "race-unsafe",
    "race-mutex",
    "mixed-fcfs-1cpu",
    "mixed-rr-1cpu",
    "mixed-fcfs-2cpu",
    "mixed-rr-2cpu",
    "compare-policies",
    "mlfq-interactive",
    "multicore-queues",
    "deadlock",
    "check-then-act",
    "spin-vs-block",
    "bounded-buffer",
    "condvar-if-while",
    "readers-writers",
    "philosophers",
    "philosophers-ordered",
    "philosophers-seats",
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
