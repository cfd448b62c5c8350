//! What the page and the reader worker say to each other. The reader worker is the one place a
//! scenario's text is read (parsed, migrated, validated, its programs parsed, a setting applied
//! to it): the page parses nothing, and the simulation worker gets the run already loaded.
//!
//! Same scheme as the simulation worker's ([`super::Envelope`], [`super::PROTOCOL`], postcard
//! control bytes, buffers beside them). postcard carries no names and reads every field, so no
//! field is skipped when empty, a setting travels as its text form (`quantum=4`,
//! [`ScenarioEdit`]'s `Display` and [`ScenarioEdit::parse`]), and an error by its plain shape. For a request with id `n` (ids come from the page and only grow):
//!
//! ```text
//! page                                  reader
//!                                   ←   Ready                     (once, when it has started)
//! Read { id: n, job }               →
//!                                   ←   Read { id: n, text, draft } + [summary, loaded run]
//!                                       or  Refused { id: n, error, in_draft }
//! Jobs { id: n, text }              →
//!                                   ←   Jobs { id: n } + [rows]
//! ```
//!
//! Requests are answered in order, each at once (a read takes milliseconds), so the page may
//! send one before the last is answered. A panic is reported as [`FromReader::Crashed`]; a
//! reader that says nothing for too long is replaced by the page (`src/ui/reader.rs`).

use serde::{Deserialize, Serialize};

use super::Fault;
use crate::model::ScenarioError;
use crate::model::scenario::ScenarioEdit;
use crate::page::jobs::Job;

/// From the page to the reader worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToReader {
    /// Read a scenario: answered by [`FromReader::Read`] or [`FromReader::Refused`].
    Read {
        /// The page's id for the request; the answer carries it.
        id: u64,
        /// What to read.
        job: ReadJob,
    },
    /// The job table's rows of a text (the editor's unapplied draft): answered by
    /// [`FromReader::Jobs`].
    Jobs {
        /// The page's id for the request.
        id: u64,
        /// The text, as written.
        text: String,
    },
}

/// A scenario text to read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadJob {
    /// The author's text.
    pub text: String,
    /// Settings to change in it first, in order, each changing only its own value in the text
    /// ([`ScenarioEdit::apply_to_text`]); the page's controls send them.
    #[serde(with = "edit_texts")]
    pub edits: Vec<ScenarioEdit>,
    /// The editor's unapplied draft, to make the same edits in (only their values change in
    /// it), so that applying the draft later keeps the settings.
    pub draft: Option<String>,
    /// A fault to act out instead of reading: only the browser tests ask for one.
    pub fault: Option<Fault>,
}

/// From the reader worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromReader {
    /// The reader has started and waits for requests.
    Ready,
    /// Read `id` succeeded. Buffer 0 is the scenario's
    /// [`Summary`](crate::page::summary::Summary), buffer 1 its loaded run
    /// ([`super::loaded::encode`]).
    Read {
        /// The request.
        id: u64,
        /// The text with the edits applied, if they changed it.
        text: Option<String>,
        /// The job's draft with the edits applied, if it had one.
        draft: Option<String>,
    },
    /// Read `id` failed: what is wrong, located in the text (the edited one, if edits changed
    /// it), in a learner's words.
    Refused {
        /// The request.
        id: u64,
        /// The error.
        #[serde(with = "ScenarioErrorDef")]
        error: ScenarioError,
        /// Whether the error is in the job's draft (it cannot take the edits: not valid yet),
        /// not in the text.
        in_draft: bool,
    },
    /// The rows of request `id`: buffer 0 is [`encode_rows`]'s bytes.
    Jobs {
        /// The request.
        id: u64,
    },
    /// The reader hit a bug and stopped; it must be replaced.
    Crashed {
        /// What went wrong, for the console and the page.
        message: String,
    },
}

/// [`ScenarioError`]'s plain shape (its own derive skips empty fields, for the CLI's JSON),
/// checked by the compiler against the model's type (<https://serde.rs/remote-derive.html>).
#[derive(Serialize, Deserialize)]
#[serde(remote = "ScenarioError")]
struct ScenarioErrorDef {
    path: String,
    line: Option<u32>,
    column: Option<u32>,
    in_program: bool,
    file_position: Option<(u32, u32)>,
    message: String,
}

/// Settings by their text form, `key=value` (the page writes it; only the reader parses it).
mod edit_texts {
    use serde::{Deserialize, Deserializer, Serializer, de};

    use crate::model::scenario::ScenarioEdit;

    pub fn serialize<S: Serializer>(edits: &[ScenarioEdit], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(edits.iter().map(ToString::to_string))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ScenarioEdit>, D::Error> {
        Vec::<String>::deserialize(d)?.iter().map(|t| ScenarioEdit::parse(t).map_err(de::Error::custom)).collect()
    }
}

/// The job table's rows, or why there are none (a sentence for the page).
pub type Rows = Result<Vec<Job>, String>;

/// Encodes rows (postcard).
pub fn encode_rows(rows: &Rows) -> Vec<u8> {
    postcard::to_allocvec(rows).expect("postcard encodes rows into a vector")
}

/// Reads [`encode_rows`]'s bytes. Errors: not whole rows (postcard's message).
pub fn decode_rows(bytes: &[u8]) -> Result<Rows, String> {
    match postcard::take_from_bytes::<Rows>(bytes) {
        Ok((rows, [])) => Ok(rows),
        Ok((_, rest)) => Err(format!("{} bytes left over", rest.len())),
        Err(e) => Err(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messaging::{read, write};
    use crate::model::scenario::{Policy, TieRule};

    #[test]
    fn a_request_reads_back_as_written() {
        // Every kind of setting, each through its text form.
        let edits = vec![
            ScenarioEdit::Policy(Policy::RoundRobin),
            ScenarioEdit::Quantum(3),
            ScenarioEdit::Cpus(2),
            ScenarioEdit::Tie(TieRule::PreemptedFirst),
            ScenarioEdit::Seed(9),
            ScenarioEdit::ThreadSwitchTicks(1),
            ScenarioEdit::ProcessSwitchTicks(2),
        ];
        let m = ToReader::Read {
            id: 4,
            job: ReadJob { text: "{}".into(), edits, draft: Some("{ \"d\": 1 }".into()), fault: Some(Fault::Hang) },
        };
        assert_eq!(read::<ToReader>(&write(&m)), Ok(m));
        let m = ToReader::Jobs { id: 5, text: "{ \"name\": \"é\" }".into() };
        assert_eq!(read::<ToReader>(&write(&m)), Ok(m));
    }

    #[test]
    fn the_control_bytes_are_postcard_s() {
        // postcard: the version (varint 3), the variant index (Read = 0), the id (varint), the
        // text (length 1, "t"), no edits (length 0), no draft and no fault (None = 0 each).
        let m = ToReader::Read { id: 1, job: ReadJob { text: "t".into(), edits: vec![], draft: None, fault: None } };
        assert_eq!(write(&m), [crate::messaging::PROTOCOL as u8, 0, 1, 1, b't', 0, 0, 0]);
        // One edit: its text form, `cpus=2` (6 bytes).
        let m = ToReader::Read {
            id: 1,
            job: ReadJob { text: "t".into(), edits: vec![ScenarioEdit::Cpus(2)], draft: Some("d".into()), fault: None },
        };
        // Then the draft: Some = 1, length 1, "d"; no fault.
        assert_eq!(write(&m)[5..], [1, 6, b'c', b'p', b'u', b's', b'=', b'2', 1, 1, b'd', 0]);
    }

    #[test]
    fn an_answer_reads_back_as_written() {
        for m in [
            FromReader::Ready,
            FromReader::Read { id: 3, text: None, draft: None },
            FromReader::Read { id: 3, text: Some("x".into()), draft: Some("y".into()) },
            FromReader::Refused { id: 5, error: ScenarioError::at("machine.cpus", "no"), in_draft: true },
            FromReader::Refused {
                id: 5,
                error: ScenarioError {
                    line: Some(2),
                    column: Some(3),
                    in_program: true,
                    file_position: Some((9, 14)),
                    ..ScenarioError::at("processes[0].threads[0].code", "unknown instruction")
                },
                in_draft: false,
            },
            FromReader::Jobs { id: 6 },
            FromReader::Crashed { message: "boom".into() },
        ] {
            assert_eq!(read::<FromReader>(&write(&m)), Ok(m));
        }
    }

    #[test]
    fn rows_read_back_from_their_bytes() {
        let rows: Rows = Ok(vec![Job::new("A", 0, 3), Job { io: vec![2], bursts: vec![1, 1], ..Job::new("B", 1, 1) }]);
        assert_eq!(decode_rows(&encode_rows(&rows)), Ok(rows));
        let why: Rows = Err("not a job table".into());
        assert_eq!(decode_rows(&encode_rows(&why)), Ok(why));
        assert!(decode_rows(&[7]).is_err());
    }
}
