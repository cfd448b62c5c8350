//! What the page and a lab panel's worker (compare, sweep, exercise: `src/workers/lab.rs`) say to
//! each other: a conversation of [`super::nested`]'s shape ([`Lab`]) with its own [`PROTOCOL`]
//! version, whose job is a panel's form ([`LabJob`]) and whose answer the panel's markup.
//!
//! For a job with id `n` (ids come from the page and only ever grow):
//!
//! ```text
//! page                              lab worker
//!                               ←   Ready                        (once, when it has started)
//! Start { id: n, job }          →
//!                               ←   Counted { id: n, done, total }   (now and then, long jobs)
//!                               ←   Done { id: n, answer: markup }
//! ```
//!
//! The Races panel's Every interleaving sends `Counted` while its explorer searches, with `done`
//! the search's count so far and `total` what it counts (`crate::lab::races_view::COUNTING_STATES`).
//!
//! A lab worker has a reader worker and a simulation worker of its own, to which it speaks their
//! protocols ([`super::reader`], [`super`]): each run it needs is read from the scenario's text
//! with its settings' edits, then run. To stop a job the page terminates the lab worker (which
//! ends its own workers too). A panic, its own or one of its workers', is
//! [`FromLab::Crashed`].

use serde::{Deserialize, Serialize};

use super::nested::{Conversation, FromNested, ToNested};

/// This conversation's version: the page and the lab workers must speak the same one. It never
/// equals another conversation's (checked when building: [`super::PROTOCOLS`]), so a message
/// sent to the wrong worker is refused by its version.
pub const PROTOCOL: u32 = 1;

/// The page's lab panels (its modes besides the simulator), each with a form its worker reads
/// and answers with markup (see `src/lab/`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Panel {
    /// One workload under k settings: a table of metrics and a timeline each.
    Compare,
    /// One metric against the values of one setting: a chart.
    Sweep,
    /// A seeded scheduling exercise, solved by the learner and checked.
    Exercise,
    /// The scenario in use's races: be the scheduler, every interleaving, many seeds
    /// (`src/lab/races_view.rs`).
    Races,
}

/// The lab workers' conversation.
pub struct Lab;

impl Conversation for Lab {
    const PROTOCOL: u32 = PROTOCOL;
    const WORKER: &'static str = "lab worker";
    type Job = LabJob;
    /// The panel's form and results as HTML, every text from a scenario or a learner escaped.
    type Answer = String;
}

/// From the page to a lab worker: a form to answer.
pub type ToLab = ToNested<LabJob>;

/// From a lab worker to the page: the panel's markup ([`Lab`]'s answer), and how many runs are
/// done.
pub type FromLab = FromNested<String>;

/// A lab panel's form as the page submitted it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabJob {
    /// Which panel.
    pub panel: Panel,
    /// The form's fields, `(name, value)` in document order (a ticked box once per value, the
    /// pressed button's too); empty: the panel's first form, with its default results.
    pub fields: Vec<(String, String)>,
    /// The scenario in use, as its author wrote it (the workload compared or swept; the worker
    /// has it read by its own reader worker).
    pub scenario: String,
    /// The preset it is, if it is one and unedited (the command line shown uses `--preset`);
    /// empty otherwise.
    pub preset: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messaging::ReadError;
    use crate::messaging::nested::{read, write};

    #[test]
    fn a_message_reads_back_as_written() {
        let job = LabJob {
            panel: Panel::Sweep,
            fields: vec![("param".into(), "cpus".into())],
            scenario: "{}".into(),
            preset: String::new(),
        };
        let m = ToLab::Start { id: 2, job };
        assert_eq!(read::<Lab, ToLab>(&write::<Lab, _>(&m)), Ok(m));
        for m in [
            FromLab::Ready,
            FromLab::Counted { id: 2, done: 1, total: 4 },
            FromLab::Done { id: 2, answer: "<p>é</p>".into() },
            FromLab::Crashed { message: "boom".into() },
        ] {
            assert_eq!(read::<Lab, FromLab>(&write::<Lab, _>(&m)), Ok(m));
        }
    }

    #[test]
    fn the_control_bytes_are_postcard_s() {
        // postcard: the version (varint 1), the variant index (Counted = 1), id 300 as a varint
        // (0b10_0101100 → [0xac, 0x02]), done 3, total 4.
        assert_eq!(write::<Lab, _>(&FromLab::Counted { id: 300, done: 3, total: 4 }), [1, 1, 0xac, 0x02, 3, 4]);
        // Start = 0, id 1, Panel::Exercise = 2, no fields (0), scenario "x" (1, 'x'), preset "" (0).
        let job = LabJob { panel: Panel::Exercise, fields: vec![], scenario: "x".into(), preset: String::new() };
        assert_eq!(write::<Lab, _>(&ToLab::Start { id: 1, job }), [1, 0, 1, 2, 0, 1, b'x', 0]);
        // The simulation worker's protocol is another conversation: its version is refused.
        assert_eq!(read::<Lab, FromLab>(&[3, 0]), Err(ReadError::Version { theirs: 3 }));
    }
}
