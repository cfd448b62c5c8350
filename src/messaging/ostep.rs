//! What the page and the OSTEP mode's worker (`src/workers/ostep.rs`) say to each other: a
//! conversation of [`super::nested`]'s shape ([`Ostep`]) with its own [`PROTOCOL`] version (as
//! [`super::lab`] has), whose job is a command line and whose answer an [`OstepAnswer`].
//!
//! For a command line with id `n` (ids come from the page and only ever grow):
//!
//! ```text
//! page                              OSTEP worker
//!                               ←   Ready                        (once, when it has started)
//! Start { id: n, job: line }    →
//!                               ←   Done { id: n, answer }
//! ```
//!
//! The worker reads the line's flags into a scenario ([`crate::ostep::prepare_command`]), has a
//! reader worker and a simulation worker of its own read and run it (as a lab worker does, with
//! the messages of [`super::reader`] and [`super`]), and prints from the run's result what
//! `threadlab ostep` prints (`src/workers/ostep.rs`). The scenario also crosses to the page as
//! JSON text, which the page opens through its usual path (its reader worker reads it, its
//! simulation worker runs it). To stop a run the page terminates the worker (its workers end
//! with it). A panic is [`FromOstep::Crashed`].

use serde::{Deserialize, Serialize};

use super::nested::{Conversation, FromNested, ToNested};

/// This conversation's version: the page and the OSTEP worker must speak the same one. It
/// equals no other conversation's (checked when building: [`super::PROTOCOLS`]), so a message
/// sent to the wrong worker is refused by its version.
pub const PROTOCOL: u32 = 2;

/// The OSTEP worker's conversation.
pub struct Ostep;

impl Conversation for Ostep {
    const PROTOCOL: u32 = PROTOCOL;
    const WORKER: &'static str = "OSTEP worker";
    /// The command line as the learner typed it (`scheduler -p RR -q 2 -l 3,5,1 -c`).
    type Job = String;
    type Answer = OstepAnswer;
}

/// From the page to the OSTEP worker: a command line to run.
pub type ToOstep = ToNested<String>;

/// From the OSTEP worker to the page: the line's answer (a line is one run: no
/// [`FromNested::Counted`]).
pub type FromOstep = FromNested<OstepAnswer>;

/// What a command line gives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OstepAnswer {
    /// It ran.
    Ran {
        /// What `threadlab ostep` prints for the same words: the simulator's numbers in its
        /// layout ([`crate::ostep::OstepRun::text`]), or with `--json` or `--scenario` that JSON.
        printed: String,
        /// The model scenario that reproduces the run, as JSON text, named after the command
        /// line (`OSTEP: scheduler -p RR -q 2 -l 3,5,1`).
        scenario: String,
    },
    /// `-h`: the help text (what the CLI prints; not an error).
    Help {
        /// The usage and every flag.
        text: String,
    },
    /// A bad command line ([`crate::ostep::OstepError`]).
    Refused {
        /// The flag (`-q`), or the word that is wrong.
        flag: String,
        /// What is wrong and what is expected.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messaging::ReadError;
    use crate::messaging::nested::{read, write};

    #[test]
    fn a_message_reads_back_as_written() {
        let m = ToOstep::Start { id: 3, job: "mlfq -n 2 -c".into() };
        assert_eq!(read::<Ostep, ToOstep>(&write::<Ostep, _>(&m)), Ok(m));
        for answer in [
            OstepAnswer::Ran { printed: "ARG policy RR\n".into(), scenario: "{}".into() },
            OstepAnswer::Help { text: "usage: …".into() },
            OstepAnswer::Refused { flag: "-q".into(), message: "not a number".into() },
        ] {
            let m = FromOstep::Done { id: 9, answer };
            assert_eq!(read::<Ostep, FromOstep>(&write::<Ostep, _>(&m)), Ok(m));
        }
        for m in [FromOstep::Ready, FromOstep::Crashed { message: "boom".into() }] {
            assert_eq!(read::<Ostep, FromOstep>(&write::<Ostep, _>(&m)), Ok(m));
        }
    }

    #[test]
    fn the_control_bytes_are_postcard_s() {
        // postcard: the version (varint 2), Start = variant 0, id 300 as a varint
        // (0b10_0101100 → [0xac, 0x02]), the line's length 1 then its byte.
        assert_eq!(write::<Ostep, _>(&ToOstep::Start { id: 300, job: "x".into() }), [2, 0, 0xac, 0x02, 1, b'x']);
        // Done = variant 2 (after Ready and Counted, the shape all nested workers share), id 1,
        // Help = variant 1, text "h".
        let done = FromOstep::Done { id: 1, answer: OstepAnswer::Help { text: "h".into() } };
        assert_eq!(write::<Ostep, _>(&done), [2, 2, 1, 1, 1, b'h']);
        // A lab worker's Ready ([1, 0]) and the simulation worker's ([7, 0]) are refused by
        // their versions.
        assert_eq!(read::<Ostep, FromOstep>(&[1, 0]), Err(ReadError::Version { theirs: 1 }));
        assert_eq!(read::<Ostep, FromOstep>(&[7, 0]), Err(ReadError::Version { theirs: 7 }));
    }
}
