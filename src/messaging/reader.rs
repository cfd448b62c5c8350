//! What the page and the reader worker say to each other. The reader worker is the one place a
//! scenario's text is read (parsed, migrated, validated, its programs parsed, a setting applied
//! to it): the page parses nothing, and the simulation worker gets the run already loaded.
//!
//! Same scheme as the simulation worker's ([`super::Envelope`], [`super::PROTOCOL`], buffers
//! beside the control text). For a request with id `n` (ids come from the page and only grow):
//!
//! ```text
//! page                                  reader
//!                                   ←   Ready                     (once, when it has started)
//! Read { id: n, job }               →
//!                                   ←   Read { id: n, text } + [summary, loaded run]
//!                                       or  Refused { id: n, error }
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
#[serde(rename_all = "snake_case")]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edits: Vec<ScenarioEdit>,
    /// A fault to act out instead of reading: only the browser tests ask for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<Fault>,
}

/// From the reader worker to the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
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
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// Read `id` failed: what is wrong, located in the text (the edited one, if edits changed
    /// it), in a learner's words.
    Refused {
        /// The request.
        id: u64,
        /// The error.
        error: ScenarioError,
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
    use crate::model::scenario::Policy;

    #[test]
    fn a_request_reads_back_as_written() {
        let job = ReadJob {
            text: "{}".into(),
            edits: vec![ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(3)],
            fault: None,
        };
        let m = ToReader::Read { id: 4, job };
        assert_eq!(read::<ToReader>(&write(&m)), Ok(m));
        let plain = write(&ToReader::Read { id: 1, job: ReadJob { text: "t".into(), edits: vec![], fault: None } });
        assert!(plain.ends_with(r#""message":{"read":{"id":1,"job":{"text":"t"}}}}"#), "{plain}");
        let edited = write(&ToReader::Read {
            id: 2,
            job: ReadJob { text: "t".into(), edits: vec![ScenarioEdit::Cpus(2)], fault: Some(Fault::Panic) },
        });
        assert!(edited.ends_with(r#"{"text":"t","edits":[{"cpus":2}],"fault":"panic"}}}}"#), "{edited}");
    }

    #[test]
    fn an_answer_reads_back_as_written() {
        for m in [
            FromReader::Ready,
            FromReader::Read { id: 3, text: None },
            FromReader::Read { id: 3, text: Some("x".into()) },
            FromReader::Refused { id: 5, error: ScenarioError::at("machine.cpus", "no") },
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
