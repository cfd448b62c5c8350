//! The scenario as its author's JSON: a text box with line numbers that does not wrap lines (so
//! "line 6, column 35" is what is seen), Tab to indent (Esc then Tab leaves the box), Ctrl+Enter
//! to apply, a jump to an error's place; import a file, export the scenario in use, start from
//! the job template. On an error nothing is replaced and the text stays.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use gloo::file::{Blob, File, ObjectUrl};
use wasm_bindgen::JsCast;
use web_sys::{HtmlAnchorElement, HtmlElement, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::language_reference::LanguageReference;
use crate::model::scenario::text;
use crate::page::{PageAction, Source, Via, editing};
use crate::ui::format::with_code;
use crate::ui::state::PageStore;

/// Height of one editor line in CSS pixels (`.code-editor` sets it for the box and the gutter).
const LINE_PX: f64 = 18.0;
/// Width of one character of the editor's monospace font at its size, in CSS pixels (about).
const CHAR_PX: f64 = 7.6;

/// Props of [`ScenarioEditor`].
#[derive(Properties, PartialEq)]
pub struct ScenarioEditorProps {
    /// The page's state (the draft, the scenario in use, the error).
    pub state: UseReducerHandle<PageStore>,
    /// Page actions.
    pub on_action: Callback<PageAction>,
}

/// A file name for the scenario: its name, lower case, non-alphanumerics as `-`.
pub(crate) fn file_name(name: &str) -> String {
    let slug: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    format!("{}.json", if slug.is_empty() { "scenario" } else { &slug })
}

/// Starts a browser download of `text` as `name`.
pub(crate) fn download(name: &str, text: &str) {
    let url = ObjectUrl::from(Blob::new_with_options(text, Some("application/json")));
    let document = gloo::utils::document();
    let Ok(a) = document.create_element("a") else { return };
    let a: HtmlAnchorElement = a.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // `url` is revoked when dropped; the click has already started the download.
}

/// Puts the caret at `line`, `column` (1-based, characters) of the box and scrolls it there.
fn jump(area: &HtmlTextAreaElement, line: u32, column: u32) {
    let at = text::utf16_offset(&area.value(), line, column) as u32;
    let _ = area.focus();
    let _ = area.set_selection_range(at, at);
    let top = (f64::from(line) - 1.0) * LINE_PX - f64::from(area.client_height()) / 3.0;
    area.set_scroll_top(top.max(0.0) as i32);
    let left = (f64::from(column) - 1.0) * CHAR_PX - f64::from(area.client_width()) / 2.0;
    area.set_scroll_left(left.max(0.0) as i32);
}

/// The line-number gutter, the text box, the buttons and the error.
#[component]
pub fn ScenarioEditor(props: &ScenarioEditorProps) -> Html {
    let state = &props.state.0;
    let text = state.editor_text();
    let area = use_node_ref();
    let gutter = use_node_ref();
    let reader: Rc<RefCell<Option<FileReader>>> = use_mut_ref(|| None);
    // Esc was pressed: the next Tab leaves the box instead of indenting (no keyboard trap).
    let leaving = use_mut_ref(|| false);
    // Tab indents only once the learner works in the box (a click into it, or a key that is not
    // Tab): one who tabs through the page passes the box by without changing its text.
    let indenting = use_mut_ref(|| false);
    let pointer_down = use_mut_ref(|| false);
    // An apply from the editor moves the caret to its error, if it has one.
    let jump_on_error = use_mut_ref(|| false);

    let error = state.error.clone();
    let error_place = error.as_ref().filter(|e| e.in_draft).and_then(|e| e.at);
    {
        let (area, jump_on_error) = (area.clone(), jump_on_error.clone());
        use_effect_with(error.clone(), move |error| {
            let wanted = std::mem::take(&mut *jump_on_error.borrow_mut());
            if wanted
                && let Some((line, column)) = error.as_ref().filter(|e| e.in_draft).and_then(|e| e.at)
                && let Some(area) = area.cast::<HtmlTextAreaElement>()
            {
                jump(&area, line, column);
            }
        });
    }

    let apply = {
        let on_action = props.on_action.clone();
        let jump_on_error = jump_on_error.clone();
        move |text: String| {
            *jump_on_error.borrow_mut() = true;
            on_action.emit(PageAction::Open { source: Source::Custom, text, via: Via::Apply });
        }
    };
    let oninput = props.on_action.reform(|e: InputEvent| {
        let area: HtmlTextAreaElement = e.target_unchecked_into();
        PageAction::Draft(area.value())
    });
    let onpointerdown = {
        let pointer_down = pointer_down.clone();
        Callback::from(move |_: PointerEvent| *pointer_down.borrow_mut() = true)
    };
    let onfocus = {
        let (indenting, pointer_down) = (indenting.clone(), pointer_down.clone());
        Callback::from(move |_: FocusEvent| *indenting.borrow_mut() = std::mem::take(&mut *pointer_down.borrow_mut()))
    };
    let onkeydown = {
        let on_action = props.on_action.clone();
        let (leaving, indenting) = (leaving.clone(), indenting.clone());
        let apply = apply.clone();
        Callback::from(move |e: KeyboardEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            match e.key().as_str() {
                "Escape" => *leaving.borrow_mut() = true,
                // Passing through (focus came by Tab and nothing was typed yet): Tab moves on.
                "Tab" if !*indenting.borrow() => {}
                "Shift" | "Control" | "Alt" | "Meta" => {}
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    e.prevent_default();
                    apply(area.value());
                }
                "Tab" if !std::mem::take(&mut *leaving.borrow_mut()) && !e.ctrl_key() && !e.alt_key() => {
                    e.prevent_default();
                    let (start, end) = (area.selection_start(), area.selection_end());
                    let (start, end) = (start.ok().flatten().unwrap_or(0), end.ok().flatten().unwrap_or(0));
                    let out = editing::tab(&area.value(), start as usize, end as usize, e.shift_key());
                    area.set_value(&out.text);
                    let _ = area.set_selection_range(out.start as u32, out.end as u32);
                    on_action.emit(PageAction::Draft(out.text));
                }
                _ => {
                    *leaving.borrow_mut() = false;
                    *indenting.borrow_mut() = true;
                }
            }
        })
    };
    let onscroll = {
        let gutter = gutter.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter.cast::<HtmlElement>() {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };
    let on_apply_click = {
        let (area, apply) = (area.clone(), apply.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(a) = area.cast::<HtmlTextAreaElement>() {
                apply(a.value());
            }
        })
    };
    let on_show_error = {
        let area = area.clone();
        Callback::from(move |_: MouseEvent| {
            if let (Some(a), Some((line, column))) = (area.cast::<HtmlTextAreaElement>(), error_place) {
                jump(&a, line, column);
            }
        })
    };
    let on_discard = props.on_action.reform(|_: MouseEvent| PageAction::Discard);
    let on_apply_draft = {
        let (draft, apply) = (state.draft.clone(), apply.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = &draft {
                apply(d.clone());
            }
        })
    };
    let on_template = props.on_action.reform(|_: MouseEvent| PageAction::Template);
    // A good file runs (and the editor shows it). A broken one replaces nothing: the error names
    // the file, and the file's text goes in the editor unless it holds unapplied edits.
    let on_import = {
        let on_action = props.on_action.clone();
        let reader = reader.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            input.set_value("");
            let name = file.name();
            let on_action = on_action.clone();
            let task = gloo::file::callbacks::read_as_text(&File::from(file), move |result| match result {
                Ok(contents) => {
                    on_action.emit(PageAction::Open { source: Source::Custom, text: contents, via: Via::Import(name) })
                }
                Err(err) => on_action.emit(PageAction::Error(format!("{name}: could not read the file: {err}"))),
            });
            *reader.borrow_mut() = Some(task);
        })
    };
    // Exports the scenario in use, as its author's text (the last one that applied cleanly).
    let on_export = {
        let loaded = state.in_use().cloned();
        Callback::from(move |_: MouseEvent| {
            if let Some(l) = &loaded {
                download(&file_name(&l.summary.name), &l.text);
            }
        })
    };

    let lines = text.split('\n').count();
    let bad_line = error_place.map(|(l, _)| l as usize);
    let gutter_lines: Html = (1..=lines)
        .map(|n| {
            let class = if Some(n) == bad_line { "bad" } else { "" };
            html! { <span class={class}>{ n }{ "\n" }</span> }
        })
        .collect();
    html! {
        <section class="panel editor">
            <label for="scenario-editor" class="panel-title">{ "Scenario JSON" }</label>
            <p class="hint">{ "Edit, then Apply (Ctrl+Enter). Once you type or click in the box, Tab indents; Esc then Tab leaves it. Errors say where; your text is kept. " }<LanguageReference /></p>
            // Above the box: whose text the draft is, so it is never taken for the run shown.
            if let Some(note) = state.draft_note() {
                <div class={classes!("draft-banner", note.other().then_some("other"))} role="status" data-testid="editor-unapplied">
                    <p data-testid="draft-note"><strong>{ note.message() }</strong></p>
                    <p class="hint">{ "Kept in this browser, even across a reload. Apply runs them; Discard puts the run shown back in the editor." }</p>
                    <div class="buttons">
                        <button class="primary" data-testid="btn-apply-draft" onclick={on_apply_draft}
                            aria-label={format!("Apply the unapplied edits of {}", note.of)}>{ "Apply" }</button>
                        <button data-testid="btn-discard" onclick={on_discard}
                            aria-label={format!("Discard the unapplied edits of {}", note.of)}>{ "Discard" }</button>
                    </div>
                </div>
            }
            <div class="code-editor">
                <pre class="gutter" aria-hidden="true" ref={gutter} data-testid="editor-gutter">{ gutter_lines }</pre>
                <textarea id="scenario-editor" data-testid="scenario-editor" spellcheck="false" wrap="off" rows="20"
                    autocomplete="off" ref={area} value={text} {oninput} {onkeydown} {onscroll} {onfocus} {onpointerdown} />
            </div>
            if let Some(err) = &error {
                <div class="error" data-testid="import-error" role="alert">
                    { with_code(&err.message) }
                    if let Some((line, column)) = error_place {
                        <div>
                            <button class="link-button" data-testid="btn-show-error" onclick={on_show_error}>
                                { format!("Show line {line}, column {column} in the editor") }
                            </button>
                        </div>
                    }
                </div>
            }
            <div class="buttons">
                <button data-testid="btn-apply" class="primary" onclick={on_apply_click}>{ "Apply" }</button>
                <label class="button file-button">
                    { "Import .json…" }
                    <input type="file" accept=".json,application/json" data-testid="import-file" onchange={on_import}
                        class="visually-hidden-file" aria-label="Import a scenario file" />
                </label>
                // With unapplied edits, Export says it saves the scenario in use, not the draft.
                <button data-testid="btn-export" onclick={on_export}
                    title={state.draft.is_some().then_some("Saves the scenario in use, not your unapplied edits")}>
                    { if state.draft.is_some() { "Export applied" } else { "Export" } }
                </button>
                <button data-testid="btn-template" onclick={on_template} title="Put a three-job scheduling exercise in the editor (not applied)">
                    { "New from template" }
                </button>
            </div>
        </section>
    }
}
