//! The scenario as JSON: edit and apply, import a file, export a download.
//! On an error nothing is replaced: the run stays and the editor keeps the user's text.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use gloo::file::{Blob, File, ObjectUrl};
use gloo::storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use web_sys::{HtmlAnchorElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::ui::format::with_code;
use crate::ui::run::Run;

/// Where the run on screen came from; decides whether the editor may replace its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOrigin {
    /// A preset was picked.
    Preset,
    /// A setting (CPUs, policy, quantum) changed.
    Settings,
    /// The editor's text (or an imported file) was applied.
    Editor,
}

/// Scenario text to parse, validate and run.
#[derive(Clone, Debug, PartialEq)]
pub struct ApplyRequest {
    /// The JSON.
    pub text: String,
    /// The imported file's name (`None`: the editor's text); errors start with it.
    pub file: Option<String>,
}

/// Props of [`ScenarioEditor`].
#[derive(Properties, PartialEq)]
pub struct ScenarioEditorProps {
    /// The run shown; the editor shows its scenario when a new run is loaded, unless the user
    /// has edits that were never applied (those are kept until applied or discarded).
    pub run: Rc<Run>,
    /// Where `run` came from.
    pub origin: RunOrigin,
    /// The last error (JSON, validation or program), if the last apply failed.
    pub error: Option<String>,
    /// Called with the JSON text to parse, validate and run; returns whether it now runs.
    pub on_apply: Callback<ApplyRequest, bool>,
    /// Called with a message when a file cannot be read.
    pub on_error: Callback<String>,
}

/// A file name for the scenario: its name, lower case, non-alphanumerics as `-`.
fn file_name(name: &str) -> String {
    let slug: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    format!("{}.json", if slug.is_empty() { "scenario" } else { &slug })
}

/// Starts a browser download of `text` as `name`.
fn download(name: &str, text: &str) {
    let url = ObjectUrl::from(Blob::new_with_options(text, Some("application/json")));
    let document = gloo::utils::document();
    let Ok(a) = document.create_element("a") else { return };
    let a: HtmlAnchorElement = a.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // `url` is revoked when dropped; the click has already started the download.
}

/// localStorage key of the unapplied draft, so a reload (or a crash) never loses it.
const DRAFT_KEY: &str = "threadlab.draft";

/// The draft saved by an earlier visit, if any.
fn saved_draft() -> Option<String> {
    LocalStorage::get::<String>(DRAFT_KEY).ok()
}

/// Textarea, Apply, Import and Export, and the error box.
#[component]
pub fn ScenarioEditor(props: &ScenarioEditorProps) -> Html {
    // An unapplied draft from an earlier visit comes back, still unapplied.
    let draft = use_memo((), |_| saved_draft());
    let text = use_state(|| (*draft).clone().unwrap_or_else(|| props.run.scenario.to_json()));
    // True while the text holds edits that were never applied.
    let dirty = use_state(|| draft.is_some());
    // Keep the draft in localStorage while there is one; forget it once applied or discarded.
    use_effect_with(((*text).clone(), *dirty), |(text, dirty)| {
        if *dirty {
            let _ = LocalStorage::set(DRAFT_KEY, text);
        } else {
            LocalStorage::delete(DRAFT_KEY);
        }
    });
    // A new run shows its scenario, except over unapplied edits: a preset or a setting changed
    // meanwhile must not throw the learner's work away.
    {
        let (text, dirty) = (text.clone(), dirty.clone());
        let origin = props.origin;
        use_effect_with(props.run.clone(), move |run| {
            if !*dirty || origin == RunOrigin::Editor {
                text.set(run.scenario.to_json());
                dirty.set(false);
            }
        });
    }
    let on_discard = {
        let (text, dirty, run) = (text.clone(), dirty.clone(), props.run.clone());
        Callback::from(move |_: MouseEvent| {
            text.set(run.scenario.to_json());
            dirty.set(false);
        })
    };
    let reader: Rc<RefCell<Option<FileReader>>> = use_mut_ref(|| None);

    let oninput = {
        let (text, dirty) = (text.clone(), dirty.clone());
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            text.set(area.value());
            dirty.set(true);
        })
    };
    let on_apply_click = {
        let text = text.clone();
        let on_apply = props.on_apply.clone();
        Callback::from(move |_: MouseEvent| {
            on_apply.emit(ApplyRequest { text: (*text).clone(), file: None });
        })
    };
    // A good file runs (and the editor shows it). A broken one replaces nothing: the error names
    // the file; unapplied edits stay; otherwise the file's text goes in the editor, unapplied,
    // so it can be fixed there.
    let on_import = {
        let (text, dirty) = (text.clone(), dirty.clone());
        let on_apply = props.on_apply.clone();
        let on_error = props.on_error.clone();
        let reader = reader.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            input.set_value("");
            let name = file.name();
            let (text, dirty) = (text.clone(), dirty.clone());
            let on_apply = on_apply.clone();
            let on_error = on_error.clone();
            let task = gloo::file::callbacks::read_as_text(&File::from(file), move |result| match result {
                Ok(contents) => {
                    let ok = on_apply.emit(ApplyRequest { text: contents.clone(), file: Some(name) });
                    if !ok && !*dirty {
                        text.set(contents);
                        dirty.set(true);
                    }
                }
                Err(err) => on_error.emit(format!("{name}: could not read the file: {err}")),
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    // Exports the scenario that is running (the last one that applied cleanly).
    let on_export = {
        let run = props.run.clone();
        Callback::from(move |_: MouseEvent| download(&file_name(&run.scenario.name), &run.scenario.to_json()))
    };
    html! {
        <section class="panel editor">
            <label for="scenario-editor" class="panel-title">{ "Scenario JSON" }</label>
            <p class="hint">{ "Edit the processes, threads and programs, then Apply. Errors show where they are; your text is kept." }</p>
            <textarea id="scenario-editor" data-testid="scenario-editor" spellcheck="false" rows="18"
                value={(*text).clone()} {oninput} />
            if *dirty {
                <p class="hint" data-testid="editor-unapplied">
                    { "Unapplied edits (kept in this browser, even across a reload): Apply runs them; the running scenario is unchanged until then. " }
                    <button class="link-button" data-testid="btn-discard" onclick={on_discard}>{ "Discard my edits" }</button>
                </p>
            }
            if let Some(err) = &props.error {
                <div class="error" data-testid="import-error" role="alert">{ with_code(err) }</div>
            }
            <div class="buttons">
                <button data-testid="btn-apply" class="primary" onclick={on_apply_click}>{ "Apply" }</button>
                <label class="button file-button">
                    { "Import .json…" }
                    <input type="file" accept=".json,application/json" data-testid="import-file" onchange={on_import}
                        class="visually-hidden-file" aria-label="Import a scenario file" />
                </label>
                <button data-testid="btn-export" onclick={on_export}>{ "Export" }</button>
            </div>
        </section>
    }
}
