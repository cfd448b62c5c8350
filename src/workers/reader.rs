//! The reader worker's requests, without the browser: what it does with each [`ToReader`]
//! message and what it answers ([`FromReader`]). The worker binary (`src/bin/reader_worker.rs`)
//! only moves messages in and out; the native tests (and `tests/page_state.rs`, which plays the
//! page's workers by hand) drive this.
//!
//! This is the one place a scenario's text is read: parsed and migrated
//! ([`Scenario::from_json`], every error located in the text and in a learner's words),
//! changed by the page's settings ([`crate::model::scenario::ScenarioEdit::apply_to_text`]), validated and loaded with
//! its programs parsed ([`LoadedRun::load`]). The answer is what the page shows
//! ([`Summary`]) and what the simulation worker runs (the loaded run's bytes).

use crate::messaging::Fault;
use crate::messaging::loaded;
use crate::messaging::reader::{FromReader, ReadJob, ToReader, encode_rows};
use crate::model::{LoadedRun, Scenario, ScenarioError};
use crate::page::jobs;
use crate::page::summary::Summary;

/// Handles one message; `post` sends an answer to the page with the buffers beside it.
pub fn handle(message: ToReader, post: &mut dyn FnMut(FromReader, Vec<Vec<u8>>)) {
    match message {
        ToReader::Read { id, job } => match edit_draft(&job) {
            Err(error) => post(FromReader::Refused { id, error, in_draft: true }, Vec::new()),
            Ok(draft) => match read(&job) {
                Ok(read) => {
                    let text = (read.text != job.text).then_some(read.text);
                    post(FromReader::Read { id, text, draft }, vec![read.summary.encode(), loaded::encode(&read.run)]);
                }
                Err(error) => post(FromReader::Refused { id, error, in_draft: false }, Vec::new()),
            },
        },
        ToReader::Jobs { id, text } => post(FromReader::Jobs { id }, vec![encode_rows(&jobs::rows_of_text(&text))]),
    }
}

/// `job`'s draft with its edits made in it (each changing only its value), if it has a draft.
/// Errors: the draft cannot take them (it is not a valid scenario yet), located in the draft.
pub fn edit_draft(job: &ReadJob) -> Result<Option<String>, ScenarioError> {
    let Some(draft) = &job.draft else { return Ok(None) };
    let mut text = draft.clone();
    for edit in &job.edits {
        text = edit.apply_to_text(&text)?.0;
    }
    Ok(Some(text))
}

/// A scenario read: its (edited) text, what the page shows of it, and its loaded run.
#[derive(Clone, Debug, PartialEq)]
pub struct Read {
    /// The text with the job's edits applied.
    pub text: String,
    /// What the page shows.
    pub summary: Summary,
    /// What the simulation worker runs.
    pub run: LoadedRun,
}

/// Reads `job`'s text, applying its edits in order. Errors: the text's own error, located in it;
/// else the first edit refused (at its setting's path); else what loading the edited scenario
/// finds, located in the edited text.
pub fn read(job: &ReadJob) -> Result<Read, ScenarioError> {
    match job.fault {
        Some(Fault::Hang) => loop {
            std::hint::spin_loop();
        },
        Some(Fault::Panic) => panic!("the reader worker was asked to panic (debug-reader=panic)"),
        None => {}
    }
    let (text, scenario) = match job.edits.split_first() {
        None => {
            let scenario = Scenario::from_json(&job.text)?;
            (job.text.clone(), scenario)
        }
        Some((first, rest)) => {
            let mut out = first.apply_to_text(&job.text)?;
            for edit in rest {
                out = edit.apply_to_text(&out.0)?;
            }
            out
        }
    };
    let run = LoadedRun::load(&scenario).map_err(|e| e.locate_in(&text))?;
    let summary = Summary::of(&scenario, &run.system);
    Ok(Read { text, summary, run })
}
