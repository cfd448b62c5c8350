//! File format versions and migration.
//!
//! Every scenario file written by Threadlab carries `"format": N`. A file without one is
//! version 1 (the first release's page, presets and exports). Loading reads the version first,
//! then parses the file with that version's types, so errors point at the file as written, and
//! migrates it step by step to the current version.
//!
//! When the format changes: bump [`FORMAT`], move every type whose shape changes into the old
//! version's module (frozen; `v1.rs` holds version 1's scheduler), and add its migration. Old
//! files then keep loading, with their errors located in their own terms.
//!
//! | version | change |
//! |---|---|
//! | 1 | first format: `scheduler` = `{policy, quantum, tie}` for every policy |
//! | 2 | `scheduler` is one tagged choice, `{"policy": "rr", "quantum": 4}`, whose parameters depend on the policy; scheduling attributes on processes and threads (`priority`, `nice`, `tickets`, `expected_burst`, `affinity`) |
//!
//! A field added with a default that keeps every older file's meaning (`machine.cache`, a
//! thread's `"start": "created"`, `machine.thread_create_ticks`, `params`) needs no new version: files
//! without it read as before, and only a file that uses it needs this build.

use serde::de::DeserializeOwned;

use super::error::{plain_json_message, strip_position};
use super::words::in_learner_words;
use super::{Scenario, ScenarioError};
use crate::model::scheduler::spec::NESTED_PATH_MARK;

/// The format version this build writes, and the newest it reads.
pub const FORMAT: u32 = 2;

/// [`FORMAT`], for serde defaults.
pub(crate) fn current() -> u32 {
    FORMAT
}

/// Parses `text` as `T`, turning serde's error into a located [`ScenarioError`] in a learner's
/// words (see [`super::words`]). The error's path is read from the text at the place serde_json
/// stopped ([`super::text::path_at`]).
pub(super) fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ScenarioError> {
    serde_json::from_str(text).map_err(|inner| located(text, inner))
}

/// serde_json's error `inner` in `text` as a located [`ScenarioError`] ([`parse`]'s, written
/// once rather than in each of its copies: the same for every `T`).
#[inline(never)]
fn located(text: &str, inner: serde_json::Error) -> ScenarioError {
    // At the end of the text serde_json points at its last character; the place is after it.
    let at = if inner.is_eof() { text.len() } else { super::text::offset_of_error(text, inner.line(), inner.column()) };
    let path = super::text::path_at(text, at);
    let mut path: Vec<String> = path.split('.').filter(|p| !p.is_empty()).map(str::to_string).collect();
    let about_a_value = inner.is_data() || strip_position(&inner.to_string()) == "number out of range";
    let mut raw = if about_a_value { strip_position(&inner.to_string()) } else { plain_json_message(&inner) };
    // A path inside the value (e.g. a scheduler parameter) travels in the message; serde's
    // position is then the end of the enclosing value, so the error is located by its path.
    let mut nested = false;
    if let Some(rest) = raw.strip_prefix(NESTED_PATH_MARK)
        && let Some((inner_path, msg)) = rest.split_once(NESTED_PATH_MARK)
    {
        path.extend(inner_path.split('.').filter(|p| !p.is_empty()).map(str::to_string));
        raw = msg.to_string();
        nested = true;
    }
    let path = path.join(".").replace(".[", "[");
    let hint = path.ends_with(".program") && raw.starts_with("invalid type");
    let (mut message, path) = if about_a_value { in_learner_words(&path, &raw) } else { (raw, path) };
    if hint {
        message += ": put the lines themselves in `code`";
    }
    if nested {
        return ScenarioError::at(path, message);
    }
    // A missing comma is found at the next value, often on the next line; the place to
    // write it is right after the value before.
    if !about_a_value && strip_position(&inner.to_string()).starts_with("expected `,` or") {
        let after = text[..at.min(text.len())].trim_end().len();
        let (line, column) = super::text::line_column(text, after);
        return ScenarioError::at_text(path, line, column, message);
    }
    let line = inner.line() as u32;
    ScenarioError::at_text(path, line, char_column(text, line, inner.column()), message)
}

/// serde_json's column (bytes from the line's start to just past the offending character; 0 at
/// the start of a line) as a 1-based count of characters, as an editor shows it.
fn char_column(text: &str, line: u32, byte_column: usize) -> u32 {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1) as usize).map(str::len).sum();
    let (_, chars_through) = super::text::line_column(text, start + byte_column);
    (chars_through - 1).max(1)
}

impl Scenario {
    /// Parses a scenario from JSON text of any format version, migrating it to [`FORMAT`].
    /// Syntax and type errors give the JSON line and column and the path of the offending field.
    /// Every error is located in `text` ([`ScenarioError::locate_in`]).
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        Self::read(text).map_err(|e| e.locate_in(text))
    }

    fn read(text: &str) -> Result<Scenario, ScenarioError> {
        // Syntax errors first, with the full path to where the text breaks; then the version.
        // Where the text's first value starts (line 1, column 1 for an empty text).
        let start = text.len() - text.trim_start().len();
        let (line, column) = super::text::line_column(text, start);
        let object = "a scenario is an object like { \"name\": \"…\", \"processes\": [ … ] }";
        if text.trim().is_empty() {
            return Err(ScenarioError::at_text(String::new(), line, column, format!("the text is empty: {object}")));
        }
        let doc: serde_json::Value = parse(text)?;
        // A list at the top would be read field by field in order (serde reads a struct from a
        // list too), giving "entry 1 of ``": say what the scenario must be instead.
        if doc.is_array() {
            let message = format!("the scenario must be an object, got a list [ … ]: {object}");
            return Err(ScenarioError::at_text(String::new(), line, column, message));
        }
        let version = match doc.get("format") {
            None => 1,
            Some(v) => match v.as_u64() {
                Some(n) if (1..=FORMAT as u64).contains(&n) => n as u32,
                _ => {
                    return Err(ScenarioError::at(
                        "format",
                        format!(
                            "format {v} is not one this Threadlab reads (1 to {FORMAT}); the file may come from a newer version"
                        ),
                    ));
                }
            },
        };
        match version {
            1 => parse::<super::v1::ScenarioV1>(text)?.migrate(),
            _ => parse::<Scenario>(text),
        }
    }

    /// Serialises to pretty JSON in the current format (the export format; `from_json` reads it
    /// back unchanged).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a scenario always serialises")
    }
}
