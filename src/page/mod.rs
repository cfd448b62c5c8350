//! The page's state as one pure reducer ([`PageState::apply`] takes a [`PageAction`]), with no
//! web types, so it is tested natively like [`crate::playback`].
//!
//! It holds where the scenario in use came from (a preset, one of the user's named scenarios,
//! or the user's own custom one) with its author's text, the run shown, a read and a run asked
//! for and not answered yet (with the run's progress), the editor's unapplied draft, and an error
//! with where it is in the text. Every control is derived from [`PageState::shown`], whatever
//! changed it: a preset, an import, an apply, a setting, a link or a reload.
//!
//! The reducer neither reads scenarios nor simulates; both are asked of workers, by id (ids come
//! from one counter and only grow; an answer for any other id is stale and dropped):
//! - a preset, an import, an apply, a setting, a link or a reload leaves a [`Reading`]: the
//!   page has the reader worker read the text (`src/ui/reader.rs`), which answers with
//!   [`PageAction::Read`]: the scenario's [`Summary`] and its loaded run, or the error located
//!   in the text; a preset's text is fetched first ([`Reading::fetching`], answered by
//!   [`PageAction::Fetched`]: the presets are files beside the page, `src/ui/fetch.rs`);
//! - a read that succeeded leaves a [`Pending`] run: the page has the simulation worker compute
//!   it (`src/ui/runner.rs`), which reports [`PageAction::Progress`] on the way and answers with
//!   [`PageAction::Finished`] (the scenario was checked when it was read, so a run cannot fail
//!   on it);
//! - the job table's rows of an unapplied draft are asked for too ([`PageState::rows_wanted`],
//!   answered by [`PageAction::Rows`]).
//!
//! The user may [`PageAction::Cancel`] a read or a run; a worker that crashed or ran past its
//! time limit is reported by [`PageAction::Stopped`], and the learner's text is kept. What the
//! browser keeps (custom and named scenarios, the draft, the session) is read into [`Stored`]
//! at start and written back by the page when these fields change.

pub mod editing;
pub mod jobs;
pub mod run;
pub mod summary;
pub mod wait_graph;

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::messaging::loaded;
use crate::messaging::reader::{FromReader, ReadJob, Rows, decode_rows};
use crate::model::scenario::{ScenarioEdit, text};
use crate::model::{Progress, ScenarioError, System};
use crate::presets;
use jobs::Job;
use run::Run;
use summary::Summary;

/// Preset opened when nothing else is asked for.
pub const DEFAULT_PRESET: &str = "race-unsafe";

/// Where the scenario in use came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A shipped preset, by key.
    Preset(String),
    /// One of the user's named scenarios (kept in the browser), by name.
    Saved(String),
    /// The user's own scenario, applied from the editor or imported, not kept under a name.
    Custom,
}

impl Source {
    /// The scenario menu's value for it (also how the session and the address store it):
    /// the preset's key, `saved:NAME`, or `custom`.
    pub fn key(&self) -> String {
        match self {
            Source::Preset(k) => k.clone(),
            Source::Saved(name) => format!("saved:{name}"),
            Source::Custom => "custom".into(),
        }
    }

    /// Reads [`Source::key`].
    pub fn from_key(key: &str) -> Source {
        match key {
            "custom" => Source::Custom,
            _ => match key.strip_prefix("saved:") {
                Some(name) => Source::Saved(name.to_string()),
                None => Source::Preset(key.to_string()),
            },
        }
    }
}

impl Serialize for Source {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.key().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Source {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Source::from_key(&String::deserialize(d)?))
    }
}

/// How a scenario was asked for: decides what happens to the draft and how an error reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// Restored at start (from the address or the last session); keeps the start's notice.
    Start,
    /// Picked in the scenario menu.
    Pick,
    /// The editor's Apply.
    Apply,
    /// An imported file, by name (errors start with it).
    Import(String),
    /// A control (CPUs, policy, quantum, tie rule) changed the scenario in use.
    Control,
}

/// A scenario as its author wrote it, and what the page shows of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// Where it came from.
    pub source: Source,
    /// Whether a control changed it since it was opened. A changed preset or named scenario is
    /// kept as the custom one when left ([`PageState::choices`] marks it "(edited)"); the custom
    /// scenario is updated in place. Either way its description, written for the settings it
    /// was opened with ("switched every 2 instructions"), may be stale, and the page says so.
    pub edited: bool,
    /// The author's text, as written (controls change only their own values in it).
    pub text: Rc<str>,
    /// What the text means, as the views need it (read by the reader worker).
    pub summary: Rc<Summary>,
}

/// A scenario text asked of the reader worker and not answered yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// Identifies the read in [`PageAction::Read`]; the run that follows keeps it.
    pub id: u64,
    /// Where the text came from.
    pub source: Source,
    /// Whether a control changed it (see [`Loaded::edited`]).
    pub edited: bool,
    /// The text to read, before `edits`.
    pub text: Rc<str>,
    /// The controls' changes to make in it first, in order.
    pub edits: Vec<ScenarioEdit>,
    /// The editor's unapplied draft when the edits were asked for: they are made in it too.
    pub draft: Option<Rc<str>>,
    /// The summary of `text`, if the page has it (a control's edit of a scenario read before).
    pub known: Option<Rc<Summary>>,
    /// How it was asked for.
    pub via: Via,
    /// The text is still to be fetched (`text` is empty): a preset's file, which the page does
    /// not hold ([`presets::url`]); the page answers with [`PageAction::Fetched`], then the
    /// reader worker is asked.
    pub fetching: bool,
}

impl Reading {
    /// What the reader worker is asked to do (once the text is fetched).
    pub fn job(&self) -> ReadJob {
        let draft = self.draft.as_deref().map(str::to_string);
        ReadJob { text: self.text.to_string(), edits: self.edits.clone(), draft, fault: None }
    }
}

/// What the reader worker answers for a read that succeeded.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadAnswer {
    /// The text with the read's edits applied, if they changed it.
    pub text: Option<String>,
    /// The read's draft with its edits applied, if it had one.
    pub draft: Option<String>,
    /// What the page shows of the scenario.
    pub summary: Summary,
    /// The loaded run's system (processes, threads, parsed programs), for playback.
    pub system: System,
    /// The loaded run as the reader encoded it ([`loaded::encode`]): what the simulation worker
    /// runs.
    pub input: Vec<u8>,
}

/// The job table's rows of a text.
#[derive(Clone, Debug, PartialEq)]
pub struct TextRows {
    /// The text they were read from.
    pub text: Rc<str>,
    /// The rows, or why there are none (a sentence).
    pub rows: Rc<Rows>,
}

/// Rows of the draft asked of the reader worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowsWanted {
    /// Identifies the request in [`PageAction::Rows`].
    pub id: u64,
    /// The draft.
    pub text: Rc<str>,
}

/// What the job table shows: rows of the editor's text, or while those are being read, the last
/// rows known (`current` false: not to be edited).
#[derive(Clone, Debug, PartialEq)]
pub struct JobRows {
    /// The text the rows were read from (the table writes its changes into it).
    pub text: Rc<str>,
    /// The rows, or why there are none.
    pub rows: Rc<Rows>,
    /// Whether `text` is the editor's text.
    pub current: bool,
}

/// A run on screen: the scenario and its finished run.
#[derive(Clone, Debug, PartialEq)]
pub struct Shown {
    /// The scenario in use.
    pub loaded: Loaded,
    /// Its run.
    pub run: Rc<Run>,
}

/// A run asked for and not finished yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    /// Identifies the run in [`PageAction::Finished`] and [`PageAction::Progress`].
    pub id: u64,
    /// The scenario to run; in use once it has run.
    pub loaded: Loaded,
    /// What the simulation worker runs: the scenario loaded (its system and settings), as the
    /// bytes it is sent ([`crate::messaging::loaded`]).
    pub input: Rc<[u8]>,
    /// The loaded system, decoded from `input`: the finished run's, for playback.
    pub system: Rc<System>,
    /// How it was asked for.
    pub via: Via,
    /// How far it has got, if reported.
    pub progress: Option<Progress>,
    /// How much of its answer the page has read, from 0 to 1, once the worker has answered and
    /// the page reads a long trace a slice at a time.
    pub reading: Option<f64>,
}

/// What went wrong, and where, in a learner's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageError {
    /// The message with its location (`machine.cpus, line 5, column 13: …`).
    pub message: String,
    /// The path into the scenario, if the error has one.
    pub path: Option<String>,
    /// Line and column (1-based, characters) of the text the error is about.
    pub at: Option<(u32, u32)>,
    /// Whether that text is the editor's draft (so the editor can show the place).
    pub in_draft: bool,
}

impl PageError {
    /// An error with no place in any text.
    pub fn plain(message: impl Into<String>) -> Self {
        PageError { message: message.into(), path: None, at: None, in_draft: false }
    }
}

/// A scenario text kept under a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// The name the user gave it (for the custom scenario: its `name` field).
    pub name: String,
    /// The author's text.
    pub text: String,
}

/// The scenario in use when the page was left, so a reload shows it again, edits included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Where it came from.
    pub source: Source,
    /// Whether a control changed it since.
    pub edited: bool,
    /// Its text.
    pub text: String,
}

/// What the browser keeps between visits.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stored {
    /// The scenario in use when the page was left.
    pub session: Option<Session>,
    /// The editor's unapplied draft.
    pub draft: Option<String>,
    /// Where the draft came from ([`PageState::draft_of`]).
    pub draft_of: Option<String>,
    /// The custom scenario's text.
    pub custom: Option<String>,
    /// The named scenarios, in the order they were first saved.
    pub saved: Vec<Named>,
}

/// Something the user, the start of the page, or the run computation does.
#[derive(Clone, Debug, PartialEq)]
pub enum PageAction {
    /// Open a scenario text from `source` (a file's, the editor's, a preset's…).
    Open { source: Source, text: String, via: Via },
    /// A choice in the scenario menu ([`Source::key`]).
    Pick(String),
    /// Ask again for the preset whose file could not be fetched ([`PageState::retry`]).
    Retry,
    /// The page fetched the text of read `id`'s preset ([`Reading::fetching`]), or could not
    /// (why, in words).
    Fetched { id: u64, text: Result<String, String> },
    /// A control changed one setting of the scenario in use.
    Edit(ScenarioEdit),
    /// The reader worker's answer to read `id`: the scenario, or what is wrong with it.
    Read { id: u64, answer: Result<Rc<ReadAnswer>, ScenarioError> },
    /// The reader worker refused read `id` because the editor's draft cannot take its settings
    /// (the draft is not a valid scenario yet): the settings are not made.
    DraftRefused { id: u64, error: ScenarioError },
    /// The reader worker's answer to the rows request `id`.
    Rows { id: u64, rows: Rc<Rows> },
    /// The pending run `id` got this far.
    Progress { id: u64, progress: Progress },
    /// The page has read this much (0 to 1) of the pending run `id`'s answer.
    Reading { id: u64, fraction: f64 },
    /// The pending run `id` finished.
    Finished { id: u64, run: Rc<Run> },
    /// Stop waiting for the pending read or run (the user's Cancel); the run shown stays.
    Cancel,
    /// The read, run or rows request `id` was stopped by the page (its worker crashed, or ran
    /// past its time limit): `message` says why, in words.
    Stopped { id: u64, message: String },
    /// The editor's text changed.
    Draft(String),
    /// The job table wrote `jobs` into the editor's text, giving `text` (its rows are known).
    DraftJobs { text: String, jobs: Vec<Job> },
    /// Drop the draft: the editor shows the scenario in use again.
    Discard,
    /// Put the job template ([`jobs::TEMPLATE`]) in the editor, as a draft (not applied).
    Template,
    /// Keep the scenario in use under this name (replacing one of that name).
    Save(String),
    /// Forget the named scenario.
    Delete(String),
    /// A message about the page (or none).
    Notice(Option<String>),
    /// An error with no place in a text (a file that cannot be read).
    Error(String),
}

/// One entry of the scenario menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// [`Source::key`].
    pub value: String,
    /// What the menu shows.
    pub label: String,
    /// Which group it is in.
    pub group: Group,
}

/// The scenario menu's groups.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Shipped presets.
    Presets,
    /// The user's custom and named scenarios.
    Mine,
}

/// What the editor says above an unapplied draft: whose text it is, and which run is shown, so
/// a draft of one scenario is never taken for the run of another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftNote {
    /// Where the draft came from ([`PageState::draft_of`]).
    pub of: String,
    /// The run shown, named as the scenario menu names it, in quotes.
    pub shown: String,
}

impl DraftNote {
    /// Whether the draft came from another scenario than the one shown.
    pub fn other(&self) -> bool {
        self.of != self.shown
    }

    /// The sentence: “Unapplied edits of “X” — the run shown is “Y”.”, or for a draft of the
    /// scenario shown, that the run shown is without them.
    pub fn message(&self) -> String {
        if self.other() {
            format!("Unapplied edits of {} \u{2014} the run shown is {}.", self.of, self.shown)
        } else {
            format!("Unapplied edits of {} \u{2014} the run shown is {} without them.", self.of, self.shown)
        }
    }
}

/// A scenario named as the scenario menu names it, in quotes: a preset's name, a kept one's
/// name, or `Custom: NAME` (`name` is the scenario's own `name`).
fn label(source: &Source, name: &str) -> String {
    let label = match source {
        Source::Preset(k) => presets::menu_entry(k).map_or_else(|| name.to_string(), |p| p.name.to_string()),
        Source::Saved(n) => n.clone(),
        Source::Custom => format!("Custom: {name}"),
    };
    format!("\u{201c}{label}\u{201d}")
}

/// Where a text asked for `via` came from, as [`DraftNote`] names it.
fn origin(source: &Source, text: &str, via: &Via) -> String {
    match via {
        Via::Import(file) => format!("the file \u{201c}{file}\u{201d}"),
        _ => label(source, &name_of(text)),
    }
}

/// The page's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageState {
    /// The run on screen and its scenario; `None` only before the first run finishes.
    pub shown: Option<Shown>,
    /// A scenario text asked of the reader worker and not answered yet (the latest asked for).
    pub reading: Option<Reading>,
    /// A run asked for and not finished yet.
    pub pending: Option<Pending>,
    /// The last error, until something succeeds.
    pub error: Option<PageError>,
    /// A message about the page itself (e.g. an unknown preset in the address).
    pub notice: Option<String>,
    /// The editor's text when it differs from the scenario in use and was not applied.
    pub draft: Option<String>,
    /// Where the draft came from, as [`PageState::draft_note`] names it: the scenario shown
    /// when the learner started it (“Race (unsafe)”, “Custom: Mine”), the file of an import
    /// that did not run, or the job template. `Some` exactly when `draft` is.
    pub draft_of: Option<String>,
    /// The custom scenario (the last one applied or imported), kept until replaced.
    pub custom: Option<Named>,
    /// The user's named scenarios.
    pub saved: Vec<Named>,
    /// The job table's rows of the draft, once read.
    pub draft_rows: Option<TextRows>,
    /// The draft's rows asked of the reader worker and not answered yet.
    pub rows_wanted: Option<RowsWanted>,
    /// The preset asked for whose file could not be fetched, with nothing shown: the page
    /// offers to retry it ([`PageAction::Retry`]).
    pub retry: Option<Source>,
    next_id: u64,
    /// Says that the scenario left by a pick was kept as the custom one, until the pick's run ends.
    kept_note: Option<String>,
}

/// The first characters of `text` (at most 40, on one line), to quote it.
fn begin(text: &str) -> String {
    let line: String = text.trim_start().chars().take(40).take_while(|c| *c != '\n').collect();
    line.trim_end().to_string()
}

/// The `name` of a scenario text (its top-level `"name"` string), found without reading the
/// scenario ([`text::span`]); the reader worker checks the rest when it is opened.
fn name_of(source: &str) -> String {
    text::span(source, "name")
        .and_then(|r| serde_json::from_str::<String>(&source[r]).ok())
        .unwrap_or_else(|| "(not valid yet)".into())
}

impl PageState {
    /// The state at start: what the browser kept, and the scenario to open: `wanted` (from the
    /// address) if it exists, else the last session's, else [`DEFAULT_PRESET`]. The last
    /// session's edits to that same scenario come back too, so a reload changes nothing.
    pub fn start(stored: Stored, wanted: Option<Source>) -> PageState {
        let mut s = PageState {
            draft_of: stored.draft.as_ref().and(stored.draft_of),
            draft: stored.draft,
            custom: stored.custom.map(|text| Named { name: name_of(&text), text }),
            saved: stored.saved,
            ..PageState::default()
        };
        let session = stored.session;
        let (source, edited, text) = match wanted {
            Some(src) => match (s.exists(&src), session) {
                (true, Some(sess)) if sess.source == src && sess.edited => (src, true, sess.text),
                (true, _) => {
                    s.ask(src, Via::Start);
                    s.want_rows();
                    return s;
                }
                (false, _) => {
                    s.notice = Some(match &src {
                        Source::Preset(k) => format!(
                            "There is no preset named `{k}` (from the address); showing `{DEFAULT_PRESET}` instead."
                        ),
                        Source::Saved(n) => format!(
                            "This browser keeps no scenario named `{n}` (from the address); showing `{DEFAULT_PRESET}` instead."
                        ),
                        Source::Custom => {
                            format!("This browser keeps no custom scenario; showing `{DEFAULT_PRESET}` instead.")
                        }
                    });
                    s.ask(Source::Preset(DEFAULT_PRESET.into()), Via::Start);
                    s.want_rows();
                    return s;
                }
            },
            None => match session {
                // A preset's session text is the shipped one unless edited: fetched again, so
                // a preset fixed since the last visit shows as fixed.
                Some(sess) if sess.edited || !matches!(sess.source, Source::Preset(_)) => {
                    (sess.source, sess.edited, sess.text)
                }
                Some(sess) => {
                    s.ask(sess.source, Via::Start);
                    s.want_rows();
                    return s;
                }
                None => {
                    s.ask(Source::Preset(DEFAULT_PRESET.into()), Via::Start);
                    s.want_rows();
                    return s;
                }
            },
        };
        s.open(source, edited, text, Via::Start);
        s.want_rows();
        s
    }

    /// Whether the preset, named scenario or custom one exists.
    pub fn exists(&self, source: &Source) -> bool {
        match source {
            Source::Preset(k) => presets::menu_entry(k).is_some(),
            _ => self.text_of(source).is_some(),
        }
    }

    /// The text of a named scenario or the custom one, if it exists (a preset's is fetched:
    /// [`Reading::fetching`]).
    fn text_of(&self, source: &Source) -> Option<String> {
        match source {
            Source::Preset(_) => None,
            Source::Saved(n) => self.saved.iter().find(|s| &s.name == n).map(|s| s.text.clone()),
            Source::Custom => self.custom.as_ref().map(|c| c.text.clone()),
        }
    }

    /// Opens a scenario by where it is kept: a preset's text is fetched first. False if there
    /// is no such scenario.
    fn ask(&mut self, source: Source, via: Via) -> bool {
        if let Source::Preset(k) = &source {
            if presets::menu_entry(k).is_none() {
                return false;
            }
            self.read(source, false, Rc::from(""), Vec::new(), via);
            if let Some(r) = self.reading.as_mut() {
                r.fetching = true;
            }
            return true;
        }
        match self.text_of(&source) {
            Some(text) => {
                self.open(source, false, text, via);
                true
            }
            None => false,
        }
    }

    /// The scenario in use (the one shown), if any.
    pub fn in_use(&self) -> Option<&Loaded> {
        self.shown.as_ref().map(|s| &s.loaded)
    }

    /// The latest scenario asked for, as the controls show it: the pending run's, else the one
    /// in use, with the settings being read made in its summary. So a value typed while a read
    /// or a run is computed is shown at once, and never overwritten by an older run's.
    pub fn asked(&self) -> Option<Loaded> {
        if let Some(Reading { source, edited, text, edits, known: Some(known), .. }) = &self.reading {
            let summary = Rc::new(known.with_edits(edits));
            return Some(Loaded { source: source.clone(), edited: *edited, text: text.clone(), summary });
        }
        self.pending.as_ref().map(|p| &p.loaded).or(self.in_use()).cloned()
    }

    /// The scenario shown, named as the menu names it, in quotes.
    pub fn shown_label(&self) -> Option<String> {
        self.in_use().map(|l| label(&l.source, &l.summary.name))
    }

    /// What the editor says above its unapplied draft, if it holds one (with a run shown).
    pub fn draft_note(&self) -> Option<DraftNote> {
        self.draft.as_ref()?;
        let shown = self.shown_label()?;
        Some(DraftNote { of: self.draft_of.clone().unwrap_or_else(|| shown.clone()), shown })
    }

    /// What the editor shows: the draft, else the scenario in use's text.
    pub fn editor_text(&self) -> String {
        match (&self.draft, self.in_use()) {
            (Some(d), _) => d.clone(),
            (None, Some(l)) => l.text.to_string(),
            (None, None) => String::new(),
        }
    }

    /// The scenario menu: presets, then the custom scenario and the named ones. The one in use
    /// says "(edited)" if a control changed it.
    pub fn choices(&self) -> Vec<Choice> {
        let in_use = self.in_use();
        let edited = |src: &Source| in_use.is_some_and(|l| &l.source == src && l.edited);
        let mark = |label: String, src: &Source| if edited(src) { format!("{label} (edited)") } else { label };
        let mut out: Vec<Choice> = presets::MENU
            .iter()
            .map(|p| {
                let src = Source::Preset(p.key.into());
                Choice { value: src.key(), label: mark(p.name.to_string(), &src), group: Group::Presets }
            })
            .collect();
        if let Some(c) = &self.custom {
            out.push(Choice { value: Source::Custom.key(), label: format!("Custom: {}", c.name), group: Group::Mine });
        }
        for n in &self.saved {
            let src = Source::Saved(n.name.clone());
            out.push(Choice { value: src.key(), label: mark(n.name.clone(), &src), group: Group::Mine });
        }
        out
    }

    /// What to keep for the next visit: the scenario in use.
    pub fn session(&self) -> Option<Session> {
        self.in_use().map(|l| Session { source: l.source.clone(), edited: l.edited, text: l.text.to_string() })
    }

    /// The job table's rows: of the editor's text, else (while those are being read) the last
    /// known ones, not current. `None` only before anything was read.
    pub fn job_rows(&self) -> Option<JobRows> {
        let in_use = self.in_use().map(|l| TextRows { text: l.text.clone(), rows: Rc::new(l.summary.jobs.clone()) });
        let known = match &self.draft {
            None => in_use,
            Some(_) => self.draft_rows.clone().or(in_use),
        }?;
        let current = *known.text == *self.editor_text();
        Some(JobRows { text: known.text, rows: known.rows, current })
    }

    /// Applies one action.
    pub fn apply(&mut self, action: PageAction) {
        let shown = self.shown_label();
        self.act(action);
        self.follow_draft(shown);
        self.want_rows();
    }

    /// Keeps [`PageState::draft_of`] with the draft: gone with it; a new draft is of the run
    /// that was shown (`shown`, before the action) unless the action said where it came from.
    fn follow_draft(&mut self, shown: Option<String>) {
        if self.draft.is_none() {
            self.draft_of = None;
            return;
        }
        if self.draft_of.is_none() {
            self.draft_of = shown.or_else(|| self.shown_label());
        }
    }

    fn act(&mut self, action: PageAction) {
        match action {
            PageAction::Open { source, text, via } => self.open(source, false, text, via),
            PageAction::Pick(key) => {
                self.keep_edited();
                if !self.ask(Source::from_key(&key), Via::Pick) {
                    self.notice = Some(format!("There is no scenario `{key}` any more."));
                }
            }
            PageAction::Fetched { id, text } => {
                let Some(r) = self.reading.as_mut().filter(|r| r.id == id && r.fetching) else { return };
                // A preset file is a JSON object: anything else (a captive portal's page, an
                // error page served with 200) is a failed fetch, never put in the editor.
                let text = text.and_then(|t| match t.trim_start().starts_with('{') {
                    true => Ok(t),
                    false => {
                        Err(format!("the server sent something else than a scenario file (it begins `{}`)", begin(&t)))
                    }
                });
                match text {
                    Ok(text) => {
                        r.text = text.into();
                        r.fetching = false;
                    }
                    Err(why) => {
                        let r = self.reading.take().expect("checked above");
                        self.fetch_failed(r.source, &r.via, &why);
                    }
                }
            }
            PageAction::Retry => {
                if let Some(source) = self.retry.take() {
                    self.error = None;
                    self.notice = None;
                    self.ask(source, Via::Start);
                }
            }
            PageAction::Edit(edit) => self.edit(edit),
            PageAction::Read { id, answer } => {
                let Some(r) = self.reading.take_if(|r| r.id == id) else { return };
                match answer {
                    Ok(answer) => {
                        let ReadAnswer { text, draft, summary, system, input } = Rc::unwrap_or_clone(answer);
                        // The draft takes the settings too, unless it was retyped since.
                        if draft.is_some() && self.draft.as_deref() == r.draft.as_deref() {
                            self.draft = draft;
                        }
                        let text = text.map_or(r.text, Rc::from);
                        let loaded = Loaded { source: r.source, edited: r.edited, text, summary: Rc::new(summary) };
                        let (input, system) = (input.into(), Rc::new(system));
                        self.pending =
                            Some(Pending { id, loaded, input, system, via: r.via, progress: None, reading: None });
                    }
                    Err(e) if r.via == Via::Control => {
                        self.error = Some(PageError { path: Some(e.path.clone()), ..PageError::plain(e.to_string()) })
                    }
                    Err(e) => self.refuse(e, &r.source, r.text.to_string(), &r.via),
                }
            }
            PageAction::DraftRefused { id, error } => {
                if self.reading.take_if(|r| r.id == id).is_some() {
                    let message = format!(
                        "Apply or discard the editor's changes first: they cannot take this setting ({error})."
                    );
                    self.error = Some(PageError::plain(message));
                }
            }
            PageAction::Rows { id, rows } => {
                if let Some(w) = self.rows_wanted.take_if(|w| w.id == id) {
                    self.draft_rows = Some(TextRows { text: w.text, rows });
                }
            }
            PageAction::Progress { id, progress } => {
                if let Some(p) = self.pending.as_mut().filter(|p| p.id == id) {
                    p.progress = Some(progress);
                }
            }
            PageAction::Reading { id, fraction } => {
                if let Some(p) = self.pending.as_mut().filter(|p| p.id == id) {
                    p.reading = Some(fraction);
                }
            }
            PageAction::Finished { id, run } => {
                let Some(p) = self.pending.take_if(|p| p.id == id) else { return };
                self.retry = None;
                if p.via != Via::Start {
                    self.error = None;
                    self.notice = self.kept_note.take().filter(|_| p.via == Via::Pick);
                }
                // Only an apply uses the draft up. Anything else opened (a pick, an imported
                // file, an OSTEP run or a schedule opened from a mode) leaves the learner's
                // unapplied edits in the editor, said as the edits of the scenario they came from.
                if p.via == Via::Apply {
                    self.draft = None;
                }
                if p.loaded.source == Source::Custom {
                    // An apply or a setting on the custom scenario in use updates it; anything
                    // else (an import, an apply of a preset's text) is a new one.
                    let updating = matches!(p.via, Via::Apply | Via::Control)
                        && self.in_use().is_some_and(|l| l.source == Source::Custom);
                    let text = p.loaded.text.to_string();
                    self.replace_custom(Named { name: p.loaded.summary.name.clone(), text }, updating);
                }
                if self.draft.as_deref() == Some(&p.loaded.text) {
                    self.draft = None;
                }
                self.shown = Some(Shown { loaded: p.loaded, run });
            }
            PageAction::Cancel => {
                let read = self.reading.take();
                let run = self.pending.take();
                // A cancelled import's text is not lost: with no draft it becomes the draft.
                let import = match (&read, &run) {
                    (Some(Reading { via: via @ Via::Import(_), text, source, .. }), _) => {
                        Some((text.to_string(), origin(source, text, via)))
                    }
                    (_, Some(Pending { via: via @ Via::Import(_), loaded, .. })) => {
                        Some((loaded.text.to_string(), origin(&loaded.source, &loaded.text, via)))
                    }
                    _ => None,
                };
                if self.draft.is_none()
                    && let Some((text, of)) = import
                {
                    self.draft = Some(text);
                    self.draft_of = Some(of);
                }
                if read.is_some() || run.is_some() {
                    self.notice = Some("Run cancelled: the run shown is the one before.".into());
                    self.show_something();
                }
            }
            PageAction::Stopped { id, message } => {
                if let Some(w) = self.rows_wanted.take_if(|w| w.id == id) {
                    self.draft_rows = Some(TextRows { text: w.text, rows: Rc::new(Err(message)) });
                } else if let Some(r) = self.reading.take_if(|r| r.id == id) {
                    // The text is never lost: with no draft it becomes the draft.
                    if self.draft.is_none() && r.via != Via::Control && !r.fetching {
                        self.draft = Some(r.text.to_string());
                        self.draft_of = Some(origin(&r.source, &r.text, &r.via));
                    }
                    self.error = Some(PageError::plain(message));
                    self.after_stop(&r.source);
                } else if let Some(p) = self.pending.take_if(|p| p.id == id) {
                    self.error = Some(PageError::plain(message));
                    self.after_stop(&p.loaded.source);
                }
            }
            PageAction::Draft(text) => self.set_draft(text),
            PageAction::DraftJobs { text, jobs } => {
                self.set_draft(text.clone());
                if self.draft.as_deref() == Some(text.as_str()) {
                    self.draft_rows = Some(TextRows { text: text.into(), rows: Rc::new(Ok(jobs)) });
                }
            }
            PageAction::Template => {
                self.set_draft(jobs::TEMPLATE.to_string());
                if self.draft.is_some() {
                    self.draft_of = Some("the job template".into());
                }
            }
            PageAction::Discard => {
                self.draft = None;
                if self.error.as_ref().is_some_and(|e| e.in_draft) {
                    self.error = None;
                }
            }
            PageAction::Save(name) => self.save(name.trim()),
            PageAction::Delete(name) => self.delete(&name),
            PageAction::Notice(n) => self.notice = n,
            PageAction::Error(message) => self.error = Some(PageError::plain(message)),
        }
    }

    fn set_draft(&mut self, text: String) {
        let same = self.in_use().is_some_and(|l| *l.text == *text);
        self.draft = (!same).then_some(text);
    }

    /// Asks for the draft's rows if they are neither known nor asked for; forgets them with no
    /// draft (the scenario in use's rows are in its summary).
    fn want_rows(&mut self) {
        let Some(draft) = self.draft.as_deref() else {
            self.draft_rows = None;
            self.rows_wanted = None;
            return;
        };
        if self.draft_rows.as_ref().is_some_and(|r| *r.text == *draft) {
            self.rows_wanted = None;
        } else if self.rows_wanted.as_ref().is_none_or(|w| *w.text != *draft) {
            self.next_id += 1;
            self.rows_wanted = Some(RowsWanted { id: self.next_id, text: draft.into() });
        }
    }

    /// After a stopped read or run of a scenario from `source`: at start, with nothing shown,
    /// the default preset is asked for, unless it is the one that stopped (a worker that fails
    /// every request must not loop).
    fn after_stop(&mut self, source: &Source) {
        if *source != Source::Preset(DEFAULT_PRESET.into()) {
            self.show_something();
        }
    }

    /// Asks the reader worker for `text` (the latest request replaces any other read or run).
    fn open(&mut self, source: Source, edited: bool, text: String, via: Via) {
        self.read(source, edited, text.into(), Vec::new(), via);
    }

    /// Asks the reader worker for `text` with `edits` made in it; the pending run, if any, is no
    /// longer wanted (the page stops it).
    fn read(&mut self, source: Source, edited: bool, text: Rc<str>, edits: Vec<ScenarioEdit>, via: Via) {
        self.next_id += 1;
        self.pending = None;
        let draft = (!edits.is_empty()).then(|| self.draft.as_deref().map(Rc::from)).flatten();
        self.reading =
            Some(Reading { id: self.next_id, source, edited, text, edits, draft, known: None, via, fetching: false });
    }

    /// A preset's file could not be fetched (`why`, in words). With a run shown, a notice says
    /// so at the top and the run stays. At start, the default preset is asked for instead (once:
    /// not again if it is the one that failed); if it fails too, the page says which files and
    /// offers to retry the one first asked for ([`PageState::retry`]).
    fn fetch_failed(&mut self, source: Source, via: &Via, why: &str) {
        let name = |s: &Source| label(s, &s.key());
        let file = |s: &Source| presets::url(&s.key());
        let said = format!("The preset {} could not be fetched ({}): {why}.", name(&source), file(&source));
        if self.shown.is_some() {
            self.notice = Some(said);
            return;
        }
        if *via != Via::Start {
            // A learner's pick with nothing shown: that preset is the one to name and retry.
            self.retry = Some(source.clone());
        }
        let first = self.retry.get_or_insert(source.clone()).clone();
        if *via == Via::Start && source.key() != DEFAULT_PRESET {
            self.notice = Some(format!("{said} Showing the default one instead."));
            self.show_something();
            return;
        }
        let files = if first == source { file(&source) } else { format!("{}, then {}", file(&first), file(&source)) };
        self.error = Some(PageError::plain(format!(
            "The preset {} could not be fetched ({files}): {why}. Nothing of yours is lost (your scenarios are \
             kept in this browser): check the connection and retry.",
            name(&first)
        )));
    }

    /// A shipped preset's file that does not read (a server that altered it) is named and not
    /// put in the editor: it is nobody's text.
    fn refuse(&mut self, e: ScenarioError, source: &Source, text: String, via: &Via) {
        let shipped = matches!((source, via), (Source::Preset(_), Via::Start | Via::Pick));
        let message = match (via, source) {
            (Via::Import(file), _) => format!("{file}: {e}"),
            (_, Source::Preset(k)) if shipped => format!("{}: {e}", presets::url(k)),
            _ => e.to_string(),
        };
        if self.draft.is_none() && *via != Via::Control && !shipped {
            self.draft_of = Some(origin(source, &text, via));
            self.draft = Some(text.clone());
        }
        let in_draft = self.draft.as_deref() == Some(text.as_str());
        self.error = Some(PageError { message, path: Some(e.path.clone()), at: e.file_position, in_draft });
        self.show_something();
    }

    /// With nothing shown, read or pending (at start), opens the default preset.
    fn show_something(&mut self) {
        if self.shown.is_none() && self.pending.is_none() && self.reading.is_none() {
            self.ask(Source::Preset(DEFAULT_PRESET.into()), Via::Start);
        }
    }

    /// A scenario changed by the controls is never lost by leaving it: it becomes the custom one
    /// (as an applied or imported scenario is), and a notice says so. The custom one is kept
    /// already (updated at each setting).
    fn keep_edited(&mut self) {
        let changed = |l: &&Loaded| l.edited && l.source != Source::Custom;
        let Some(l) = self.pending.as_ref().map(|p| &p.loaded).or(self.in_use()).filter(changed) else { return };
        let kept = Named { name: l.summary.name.clone(), text: l.text.to_string() };
        let mut note =
            format!("Your changed \u{201c}{0}\u{201d} is kept as \u{201c}Custom: {0}\u{201d} in the menu.", kept.name);
        if let Some(n) = self.replace_custom(kept, false) {
            note = format!("{note} {n}");
        }
        self.notice = Some(note.clone());
        self.kept_note = Some(note);
    }

    /// Makes `new` the custom scenario. The one it replaces is never lost: unless `updating`
    /// (the new one is that scenario, changed) or kept under a name already, it is kept under
    /// its own name ([`PageState::free_name`]), and the notice says so.
    fn replace_custom(&mut self, new: Named, updating: bool) -> Option<String> {
        let old = self.custom.replace(new)?;
        let same = self.custom.as_ref().is_some_and(|c| c.text == old.text);
        if updating || same || self.saved.iter().any(|n| n.text == old.text) {
            return None;
        }
        let name = self.free_name(&old.name);
        let note =
            format!("The custom scenario it replaces is kept as \u{201c}{name}\u{201d} under \u{201c}Yours\u{201d}.");
        self.saved.push(Named { name, text: old.text });
        let note = match self.notice.take() {
            Some(n) if !n.contains(&note) => format!("{n} {note}"),
            _ => note,
        };
        self.notice = Some(note.clone());
        Some(note)
    }

    /// A control's edit, on the latest scenario asked for (being read, pending, else in use):
    /// the reader worker makes it in the text, and in the unapplied draft if there is one (only
    /// that value changes in it), so applying the draft later does not undo the setting; a draft
    /// that cannot take it (not valid yet) refuses the edit ([`PageAction::DraftRefused`]).
    fn edit(&mut self, edit: ScenarioEdit) {
        let (source, text, mut edits, known, fetching) = match (&self.reading, &self.pending, self.in_use()) {
            (Some(r), _, _) => (r.source.clone(), r.text.clone(), r.edits.clone(), r.known.clone(), r.fetching),
            (None, Some(Pending { loaded: l, .. }), _) | (None, None, Some(l)) => {
                (l.source.clone(), l.text.clone(), Vec::new(), Some(l.summary.clone()), false)
            }
            (None, None, None) => return,
        };
        edits.push(edit);
        self.read(source, true, text, edits, Via::Control);
        if let Some(r) = self.reading.as_mut() {
            r.known = known;
            r.fetching = fetching;
        }
    }

    /// `name`, or `name (2)`, `name (3)`… : the first that is neither kept already nor a
    /// preset's name (so the menu never shows two entries alike). A preset's name becomes
    /// `name (mine)` first: a number would say a first copy was kept when none was.
    pub fn free_name(&self, name: &str) -> String {
        let preset = |n: &str| presets::MENU.iter().any(|p| p.name == n);
        let taken = |n: &str| self.saved.iter().any(|s| s.name == n) || preset(n);
        let name = if preset(name) { format!("{name} (mine)") } else { name.to_string() };
        (1..)
            .map(|i| if i == 1 { name.clone() } else { format!("{name} ({i})") })
            .find(|n| !taken(n))
            .expect("some number is free")
    }

    /// The name the page suggests to keep the scenario in use under: the name it is kept under,
    /// else its own name made free ([`PageState::free_name`]; a preset's is taken).
    pub fn suggested_name(&self) -> String {
        match self.in_use() {
            Some(Loaded { source: Source::Saved(n), .. }) => n.clone(),
            Some(l) => self.free_name(&l.summary.name),
            None => String::new(),
        }
    }

    fn save(&mut self, name: &str) {
        if self.shown.is_none() {
            return;
        }
        if name.is_empty() {
            self.error = Some(PageError::plain("Give the scenario a name to keep it under."));
            return;
        }
        if presets::MENU.iter().any(|p| p.name == name) {
            let message = format!("\u{201c}{name}\u{201d} is a preset's name: keep yours under another one.");
            self.error = Some(PageError::plain(message));
            return;
        }
        let before = self.shown_label();
        let Some(shown) = self.shown.as_mut() else { return };
        let kept = Named { name: name.to_string(), text: shown.loaded.text.to_string() };
        match self.saved.iter_mut().find(|n| n.name == name) {
            Some(existing) => *existing = kept,
            None => self.saved.push(kept),
        }
        shown.loaded.source = Source::Saved(name.to_string());
        shown.loaded.edited = false;
        self.rename_draft_of(before);
    }

    /// The run shown, named `before`, now has another name (kept under a name, or forgotten):
    /// a draft of it says the new one.
    fn rename_draft_of(&mut self, before: Option<String>) {
        if before.is_some() && self.draft_of == before {
            self.draft_of = self.shown_label();
        }
    }

    fn delete(&mut self, name: &str) {
        let before = self.shown_label();
        self.saved.retain(|n| n.name != name);
        // The scenario in use is never lost: it becomes the custom one.
        let kept = match self.shown.as_mut() {
            Some(shown) if shown.loaded.source == Source::Saved(name.to_string()) => {
                shown.loaded.source = Source::Custom;
                shown.loaded.edited = false;
                Some(Named { name: shown.loaded.summary.name.clone(), text: shown.loaded.text.to_string() })
            }
            _ => None,
        };
        if let Some(kept) = kept {
            self.replace_custom(kept, false);
        }
        self.rename_draft_of(before);
    }
}

/// The page's action for an answer of the reader worker, with the `buffers` beside it: the
/// scenario read ([`PageAction::Read`]), what is wrong with it, or the draft's rows
/// ([`PageAction::Rows`]). Bytes that cannot be read stop the request, in words. `None` for
/// [`FromReader::Ready`] and [`FromReader::Crashed`], which are about the worker, not a request.
pub fn from_reader(message: FromReader, buffers: &[Vec<u8>]) -> Option<PageAction> {
    let stopped = |id: u64, why: String| PageAction::Stopped {
        id,
        message: format!("The scenario reader's answer could not be read ({why}): reload the page."),
    };
    let buffer = |i: usize| buffers.get(i).map(Vec::as_slice).ok_or_else(|| format!("buffer {i} is missing"));
    Some(match message {
        FromReader::Read { id, text, draft } => {
            let read = || -> Result<ReadAnswer, String> {
                let summary = Summary::decode(buffer(0)?).map_err(|e| e.to_string())?;
                let input = buffer(1)?;
                let system = loaded::decode_system(input).map_err(|e| e.to_string())?;
                Ok(ReadAnswer { text, draft, summary, system, input: input.to_vec() })
            };
            match read() {
                Ok(answer) => PageAction::Read { id, answer: Ok(Rc::new(answer)) },
                Err(why) => stopped(id, why),
            }
        }
        FromReader::Refused { id, error, in_draft: false } => PageAction::Read { id, answer: Err(error) },
        FromReader::Refused { id, error, in_draft: true } => PageAction::DraftRefused { id, error },
        FromReader::Jobs { id } => match buffer(0).and_then(decode_rows) {
            Ok(rows) => PageAction::Rows { id, rows: Rc::new(rows) },
            Err(why) => stopped(id, why),
        },
        FromReader::Ready | FromReader::Crashed { .. } => return None,
    })
}
