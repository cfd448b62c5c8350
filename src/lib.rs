//! Threadlab: a simulator that teaches how a computer runs programs: processes, threads,
//! CPUs, schedulers, shared memory, races and locks.
//!
//! - [`model`]: the discrete-event simulation (pure; native and wasm).
//! - [`compare`]: one workload under several settings (a table), or over a swept setting (a chart).
//! - [`exercise`]: seeded scheduling exercises, their answers, and checking a learner's.
//! - [`lab`]: the page's compare, sweep and exercise panels as forms and markup (the lab
//!   workers' jobs), pure.
//! - [`messaging`]: what the page and its workers say to each other (typed control messages,
//!   buffers beside them).
//! - [`ostep`]: OSTEP's homework simulators (scheduler.py, process-run.py) run on the model.
//! - [`presets`]: the scenario files shipped with the app (`presets/*.json`).
//! - [`reference`](mod@reference): the program language's reference, written beside the page (`language-reference.html`).
//! - [`parallel`]: real parallelism in Web Workers (shared counter), measured in the browser.
//! - [`page`]: the page's state (scenario in use and where it came from, run, draft, error), a pure reducer.
//! - [`playback`]: the playback state (cursor, play, step) over a finished trace, used by the UI.
//! - [`timeline`]: what the page's timeline draws (lanes of bars, pixel columns, colours), pure.
//! - [`workers`]: work done in Web Workers (the simulation worker's jobs).
//! - `ui` (wasm only): the Yew page.
//! - `wide_table` (wasm only): marking a table box wider than it shows, on both pages.

pub mod compare;
pub mod exercise;
pub mod lab;
pub mod markup;
pub mod messaging;
pub mod model;
pub mod ostep;
pub mod page;
pub mod parallel;
pub mod playback;
pub mod presets;
pub mod reference;
pub mod timeline;
pub mod workers;

#[cfg(target_arch = "wasm32")]
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod wide_table;
