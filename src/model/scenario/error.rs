//! What is wrong with a scenario, and where; messages in words a learner can act on.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What is wrong with a scenario, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioError {
    /// Path into the document, e.g. `processes[0].threads[1].code`; empty for the whole file.
    pub path: String,
    /// 1-based line (of the JSON file, or of the program text when `path` ends in `code` or
    /// names a program), if known.
    pub line: Option<u32>,
    /// 1-based column on that line, if known.
    pub column: Option<u32>,
    /// What is wrong, without the position.
    pub message: String,
}

impl ScenarioError {
    /// An error at `path`, with no line or column.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError { path: path.into(), line: None, column: None, message: message.into() }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}", self.path)?;
            if self.line.is_some() {
                write!(f, ", ")?;
            } else {
                write!(f, ": ")?;
            }
        }
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if let Some(col) = self.column {
                write!(f, ", column {col}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// serde_json's message in words a learner can act on; the position is reported separately.
pub(super) fn plain_json_message(e: &serde_json::Error) -> String {
    let raw = strip_position(&e.to_string());
    if e.is_eof() {
        return "the text ends too early: a closing `}` or `]` or `\"` is missing, or the file is cut off".into();
    }
    let hint = if raw.starts_with("expected ident") {
        "not valid JSON here: text needs \"double quotes\", and true, false and null are lower case"
    } else if raw.starts_with("expected value") {
        "expected a value here: a number, \"text\", true, false, null, [ ] or { }"
    } else if raw.starts_with("trailing comma") {
        "a comma right before `]` or `}`: remove it"
    } else if raw.starts_with("key must be a string") {
        "object keys need \"double quotes\""
    } else if raw.starts_with("control character") {
        "a line break inside a string: write programs as a list of lines, or use \\n"
    } else {
        return raw;
    };
    format!("{hint} ({raw})")
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Builds the error for a program parse failure inside the scenario.
pub(crate) fn program_error(path: String, e: crate::model::program::ProgramError) -> ScenarioError {
    ScenarioError { path, line: Some(e.line), column: Some(e.column), message: e.message }
}
