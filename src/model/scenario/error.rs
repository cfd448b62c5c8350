//! What is wrong with a scenario, and where; messages in words a learner can act on.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What is wrong with a scenario, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioError {
    /// Path into the document, e.g. `processes[0].threads[1].code`; empty for the whole file.
    pub path: String,
    /// 1-based line (of the JSON file, or of the program text when [`ScenarioError::in_program`]),
    /// if known.
    pub line: Option<u32>,
    /// 1-based column on that line, in characters, if known.
    pub column: Option<u32>,
    /// Whether `line` and `column` count in the program text at `path` (a program error).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_program: bool,
    /// 1-based line and column (characters) of the scenario file's text where the problem is
    /// (for a program error, where that program line is written), once
    /// [`ScenarioError::locate_in`] has seen the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_position: Option<(u32, u32)>,
    /// What is wrong, without the position.
    pub message: String,
}

impl ScenarioError {
    /// An error at `path`, with no line or column.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            path: path.into(),
            line: None,
            column: None,
            in_program: false,
            file_position: None,
            message: message.into(),
        }
    }

    /// An error at `line` and `column` of the file's text (1-based, characters).
    pub(super) fn at_text(path: String, line: u32, column: u32, message: String) -> Self {
        ScenarioError {
            line: Some(line),
            column: Some(column),
            file_position: Some((line, column)),
            ..ScenarioError::at(path, message)
        }
    }

    /// Adds where the error is in `text`, the scenario file it came from: an error known only
    /// by its path gets the line and column where that value is written (or its nearest
    /// enclosing value, for a missing one); a program error gets where its program line is in
    /// the file. Unchanged if `text` lacks the path.
    pub fn locate_in(mut self, text: &str) -> Self {
        let found = match (self.in_program, self.line, self.column) {
            (true, Some(line), Some(column)) => super::text::program_position(text, &self.path, line, column)
                .or_else(|| super::text::locate(text, &self.path)),
            (false, Some(line), Some(column)) => Some((line, column)),
            _ => super::text::locate(text, &self.path),
        };
        if let Some((line, column)) = found {
            self.file_position = Some((line, column));
            if self.line.is_none() {
                (self.line, self.column) = (Some(line), Some(column));
            }
        }
        self
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
            write!(f, "{}line {line}", if self.in_program { "program " } else { "" })?;
            if let Some(col) = self.column {
                write!(f, ", column {col}")?;
            }
            if self.in_program
                && let Some((file_line, file_column)) = self.file_position
            {
                write!(f, " (file line {file_line}, column {file_column})")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

/// serde_json's message in words a learner can act on; the position is reported separately.
/// A message with a plain explanation does not carry the parser's own words ("expected ident").
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
        "a member name is expected here: in \"double quotes\" (or a comma is one too many)"
    } else if raw.starts_with("trailing characters") {
        "more text after the scenario's end: its last `}` comes earlier, or its first `{` is missing"
    } else if raw.starts_with("control character") {
        "a line break inside a string: write programs as a list of lines, or use \\n"
    } else if raw.starts_with("expected `,` or `}`") {
        "a comma is missing after this value: members of an object are separated by `,`"
    } else if raw.starts_with("expected `,` or `]`") {
        "a comma is missing after this value: items of a list are separated by `,`"
    } else {
        return raw;
    };
    hint.to_string()
}

/// serde_json appends " at line L column C"; we report those separately.
pub(super) fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Builds the error for a program parse failure inside the scenario.
pub(crate) fn program_error(path: String, e: crate::model::program::ProgramError) -> ScenarioError {
    ScenarioError { line: Some(e.line), column: Some(e.column), in_program: true, ..ScenarioError::at(path, e.message) }
}
