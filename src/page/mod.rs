//! The page's state as one pure reducer ([`PageState::apply`] takes a [`PageAction`]), with no
//! web types, so it is tested natively like [`crate::playback`].
//!
//! It holds where the scenario in use came from (a preset, one of the user's named scenarios,
//! or the user's own custom one) with its author's text, the run shown, a run asked for and not
//! finished yet (with its progress), the editor's unapplied draft, and an error with where it is
//! in the text. Every control is derived from [`PageState::shown`], whatever changed it: a
//! preset, an import, an apply, a setting, a link or a reload.
//!
//! The reducer never simulates. A request to run leaves a [`Pending`] run; the page has the
//! simulation worker compute it (`src/ui/runner.rs`), which reports [`PageAction::Progress`] on
//! the way and answers with [`PageAction::Finished`] or [`PageAction::Failed`] for that run's id
//! (an answer for any other id is stale and dropped). The user may [`PageAction::Cancel`] it;
//! a worker that crashed or ran past its time limit is reported by [`PageAction::Stopped`]. What the browser keeps (custom and named scenarios, the draft, the session)
//! is read into [`Stored`] at start and written back by the page when these fields change.

pub mod editing;
pub mod jobs;
pub mod run;
pub mod summary;

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::model::scenario::ScenarioEdit;
use crate::model::{Progress, Scenario, ScenarioError, System};
use crate::presets;
use run::Run;

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

/// A scenario as its author wrote it, and what it means.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// Where it came from.
    pub source: Source,
    /// Whether a control changed it since it came from a preset or a named scenario (the custom
    /// scenario is updated instead).
    pub edited: bool,
    /// The author's text, as written (controls change only their own values in it).
    pub text: Rc<str>,
    /// What the text means.
    pub scenario: Rc<Scenario>,
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
    /// How it was asked for.
    pub via: Via,
    /// How far it has got, if reported.
    pub progress: Option<Progress>,
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
    /// A control changed one setting of the scenario in use.
    Edit(ScenarioEdit),
    /// The pending run `id` got this far.
    Progress { id: u64, progress: Progress },
    /// The pending run `id` finished.
    Finished { id: u64, run: Rc<Run> },
    /// The pending run `id` could not run.
    Failed { id: u64, error: ScenarioError },
    /// Stop waiting for the pending run (the user's Cancel); the run shown stays.
    Cancel,
    /// The pending run `id` was stopped by the page (the worker crashed, or ran past its time
    /// limit): `message` says why, in words.
    Stopped { id: u64, message: String },
    /// The editor's text changed.
    Draft(String),
    /// Drop the draft: the editor shows the scenario in use again.
    Discard,
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

/// The page's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageState {
    /// The run on screen and its scenario; `None` only before the first run finishes.
    pub shown: Option<Shown>,
    /// A run asked for and not finished yet.
    pub pending: Option<Pending>,
    /// The last error, until something succeeds.
    pub error: Option<PageError>,
    /// A message about the page itself (e.g. an unknown preset in the address).
    pub notice: Option<String>,
    /// The editor's text when it differs from the scenario in use and was not applied.
    pub draft: Option<String>,
    /// The custom scenario (the last one applied or imported), kept until replaced.
    pub custom: Option<Named>,
    /// The user's named scenarios.
    pub saved: Vec<Named>,
    next_id: u64,
}

/// The `name` of a scenario text, if it has one.
fn name_of(text: &str) -> String {
    Scenario::from_json(text).map(|s| s.name).unwrap_or_else(|_| "(not valid yet)".into())
}

impl PageState {
    /// The state at start: what the browser kept, and the scenario to open: `wanted` (from the
    /// address) if it exists, else the last session's, else [`DEFAULT_PRESET`]. The last
    /// session's edits to that same scenario come back too, so a reload changes nothing.
    pub fn start(stored: Stored, wanted: Option<Source>) -> PageState {
        let mut s = PageState {
            draft: stored.draft,
            custom: stored.custom.map(|text| Named { name: name_of(&text), text }),
            saved: stored.saved,
            ..PageState::default()
        };
        let session = stored.session;
        let (source, edited, text) = match wanted {
            Some(src) => match (s.text_of(&src), session) {
                (Some(_), Some(sess)) if sess.source == src && sess.edited => (src, true, sess.text),
                (Some(text), _) => (src, false, text),
                (None, _) => {
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
                    let preset = Source::Preset(DEFAULT_PRESET.into());
                    let text = s.text_of(&preset).expect("the default preset exists");
                    (preset, false, text)
                }
            },
            None => match session {
                Some(sess) => (sess.source, sess.edited, sess.text),
                None => {
                    let preset = Source::Preset(DEFAULT_PRESET.into());
                    let text = s.text_of(&preset).expect("the default preset exists");
                    (preset, false, text)
                }
            },
        };
        s.open(source, edited, text, Via::Start);
        s
    }

    /// The text of a preset, named scenario or the custom one, if it exists.
    pub fn text_of(&self, source: &Source) -> Option<String> {
        match source {
            Source::Preset(k) => presets::find(k).map(|p| p.json.to_string()),
            Source::Saved(n) => self.saved.iter().find(|s| &s.name == n).map(|s| s.text.clone()),
            Source::Custom => self.custom.as_ref().map(|c| c.text.clone()),
        }
    }

    /// The scenario in use (the one shown), if any.
    pub fn in_use(&self) -> Option<&Loaded> {
        self.shown.as_ref().map(|s| &s.loaded)
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
        let mut out: Vec<Choice> = presets::PRESETS
            .iter()
            .map(|p| {
                let src = Source::Preset(p.key.into());
                let name = p.scenario().map(|s| s.name).unwrap_or_else(|_| p.key.to_string());
                Choice { value: src.key(), label: mark(name, &src), group: Group::Presets }
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

    /// Applies one action.
    pub fn apply(&mut self, action: PageAction) {
        match action {
            PageAction::Open { source, text, via } => self.open(source, false, text, via),
            PageAction::Pick(key) => {
                let source = Source::from_key(&key);
                match self.text_of(&source) {
                    Some(text) => self.open(source, false, text, Via::Pick),
                    None => self.notice = Some(format!("There is no scenario `{key}` any more.")),
                }
            }
            PageAction::Edit(edit) => self.edit(edit),
            PageAction::Progress { id, progress } => {
                if let Some(p) = self.pending.as_mut().filter(|p| p.id == id) {
                    p.progress = Some(progress);
                }
            }
            PageAction::Finished { id, run } => {
                let Some(p) = self.pending.take_if(|p| p.id == id) else { return };
                if p.via != Via::Start {
                    self.error = None;
                    self.notice = None;
                }
                if matches!(p.via, Via::Apply | Via::Import(_)) {
                    self.draft = None;
                }
                if p.loaded.source == Source::Custom {
                    let text = p.loaded.text.to_string();
                    self.custom = Some(Named { name: p.loaded.scenario.name.clone(), text });
                }
                if self.draft.as_deref() == Some(&p.loaded.text) {
                    self.draft = None;
                }
                self.shown = Some(Shown { loaded: p.loaded, run });
            }
            PageAction::Failed { id, error } => {
                if let Some(p) = self.pending.take_if(|p| p.id == id) {
                    let text = p.loaded.text.to_string();
                    self.refuse(error.locate_in(&text), text, &p.via);
                }
            }
            PageAction::Cancel => {
                if self.pending.take().is_some() {
                    self.notice = Some("Run cancelled: the run shown is the one before.".into());
                    self.show_something();
                }
            }
            PageAction::Stopped { id, message } => {
                if let Some(p) = self.pending.take_if(|p| p.id == id) {
                    self.error = Some(PageError::plain(message));
                    // Not the default preset again: a worker that fails every run must not loop.
                    if p.loaded.source != Source::Preset(DEFAULT_PRESET.into()) {
                        self.show_something();
                    }
                }
            }
            PageAction::Draft(text) => {
                let same = self.in_use().is_some_and(|l| *l.text == *text);
                self.draft = (!same).then_some(text);
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

    /// Checks `text` and asks for its run, or reports why not (the run shown stays).
    fn open(&mut self, source: Source, edited: bool, text: String, via: Via) {
        match check(&text) {
            Ok(scenario) => {
                let loaded = Loaded { source, edited, text: text.into(), scenario: Rc::new(scenario) };
                self.request(loaded, via);
            }
            Err(e) => self.refuse(e, text, &via),
        }
    }

    fn request(&mut self, loaded: Loaded, via: Via) {
        self.next_id += 1;
        self.pending = Some(Pending { id: self.next_id, loaded, via, progress: None });
    }

    /// Reports an error in `text`. The text is never lost: with no draft it becomes the draft.
    /// At start, with nothing shown yet, the default preset opens instead.
    fn refuse(&mut self, e: ScenarioError, text: String, via: &Via) {
        let message = match via {
            Via::Import(file) => format!("{file}: {e}"),
            _ => e.to_string(),
        };
        if self.draft.is_none() && *via != Via::Control {
            self.draft = Some(text.clone());
        }
        let in_draft = self.draft.as_deref() == Some(text.as_str());
        self.error = Some(PageError { message, path: Some(e.path.clone()), at: e.file_position, in_draft });
        self.show_something();
    }

    /// With nothing shown and nothing pending (at start), opens the default preset.
    fn show_something(&mut self) {
        if self.shown.is_none() && self.pending.is_none() {
            let preset = Source::Preset(DEFAULT_PRESET.into());
            let json = self.text_of(&preset).expect("the default preset exists");
            self.open(preset, false, json, Via::Start);
        }
    }

    /// A control's edit, on the latest scenario asked for (pending, else in use).
    fn edit(&mut self, edit: ScenarioEdit) {
        let Some(base) = self.pending.as_ref().map(|p| &p.loaded).or(self.in_use()) else { return };
        let checked = edit.apply_to_text(&base.text).and_then(|(text, scenario)| {
            System::load(&scenario).map_err(|e| e.locate_in(&text))?;
            Ok((text, scenario))
        });
        match checked {
            Ok((text, scenario)) => {
                let loaded = Loaded {
                    source: base.source.clone(),
                    edited: base.source != Source::Custom,
                    text: text.into(),
                    scenario: Rc::new(scenario),
                };
                self.request(loaded, Via::Control);
            }
            Err(e) => self.error = Some(PageError { path: Some(e.path.clone()), ..PageError::plain(e.to_string()) }),
        }
    }

    fn save(&mut self, name: &str) {
        let Some(shown) = self.shown.as_mut() else { return };
        if name.is_empty() {
            self.error = Some(PageError::plain("Give the scenario a name to keep it under."));
            return;
        }
        let kept = Named { name: name.to_string(), text: shown.loaded.text.to_string() };
        match self.saved.iter_mut().find(|n| n.name == name) {
            Some(existing) => *existing = kept,
            None => self.saved.push(kept),
        }
        shown.loaded.source = Source::Saved(name.to_string());
        shown.loaded.edited = false;
    }

    fn delete(&mut self, name: &str) {
        self.saved.retain(|n| n.name != name);
        // The scenario in use is never lost: it becomes the custom one.
        if let Some(shown) = self.shown.as_mut()
            && shown.loaded.source == Source::Saved(name.to_string())
        {
            shown.loaded.source = Source::Custom;
            shown.loaded.edited = false;
            let text = shown.loaded.text.to_string();
            self.custom = Some(Named { name: shown.loaded.scenario.name.clone(), text });
        }
    }
}

/// Parses and validates a scenario text (programs included), every error located in it.
pub fn check(text: &str) -> Result<Scenario, ScenarioError> {
    let scenario = Scenario::from_json(text)?;
    System::load(&scenario).map_err(|e| e.locate_in(text))?;
    Ok(scenario)
}
