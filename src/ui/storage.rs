//! What the browser keeps between visits (localStorage, versioned keys), and the address bar.
//!
//! Keys (version 1 of this layout; a new layout gets new keys and reads these once):
//! `threadlab.v1.session` (the scenario in use, [`Session`]), `threadlab.v1.draft` (the
//! editor's unapplied text), `threadlab.v1.draft_of` (where it came from, as the editor names it), `threadlab.v1.custom` (the custom scenario's text),
//! `threadlab.v1.saved` (the named scenarios, a list of `{name, text}`); the OSTEP mode's fields
//! as typed, run or not, `threadlab.v1.ostep_line` and `threadlab.v1.ostep_program` (its x86.py
//! program), and the line it ran last, `threadlab.v1.ostep_ran`. Texts are stored as the
//! author wrote them, in any format version (loading migrates them).

use gloo::storage::{LocalStorage, Storage};

use crate::page::{Named, Session, Source, Stored};

const SESSION: &str = "threadlab.v1.session";
const DRAFT: &str = "threadlab.v1.draft";
const DRAFT_OF: &str = "threadlab.v1.draft_of";
const CUSTOM: &str = "threadlab.v1.custom";
const SAVED: &str = "threadlab.v1.saved";
/// The OSTEP mode's keys: its command line, its x86.py program, the line it ran last.
const OSTEP: [&str; 3] = ["threadlab.v1.ostep_line", "threadlab.v1.ostep_program", "threadlab.v1.ostep_ran"];
/// The first page's draft key (before versioned keys); read once if there is no newer draft.
const DRAFT_BEFORE_V1: &str = "threadlab.draft";

/// Everything kept, as the reducer's start needs it.
pub fn load() -> Stored {
    let draft = LocalStorage::get::<String>(DRAFT).ok().or_else(|| LocalStorage::get::<String>(DRAFT_BEFORE_V1).ok());
    Stored {
        session: LocalStorage::get::<Session>(SESSION).ok(),
        draft,
        draft_of: LocalStorage::get::<String>(DRAFT_OF).ok(),
        custom: LocalStorage::get::<String>(CUSTOM).ok(),
        saved: LocalStorage::get::<Vec<Named>>(SAVED).unwrap_or_default(),
    }
}

/// Keeps `value` under `key`, or forgets the key for `None`. A full or disabled storage is
/// reported in the console (the page goes on; only persistence is lost).
fn keep<T: serde::Serialize>(key: &str, value: Option<&T>) {
    match value {
        Some(v) => {
            if let Err(e) = LocalStorage::set(key, v) {
                gloo::console::warn!(format!("Threadlab could not keep {key} in this browser: {e}"));
            }
        }
        None => LocalStorage::delete(key),
    }
}

/// Keeps the scenario in use.
pub fn keep_session(session: Option<&Session>) {
    keep(SESSION, session);
}

/// Keeps the draft and where it came from (and retires the first page's key).
pub fn keep_draft(draft: Option<&String>, of: Option<&String>) {
    LocalStorage::delete(DRAFT_BEFORE_V1);
    keep(DRAFT, draft);
    keep(DRAFT_OF, of);
}

/// Keeps the custom scenario's text.
pub fn keep_custom(text: Option<&String>) {
    keep(CUSTOM, text);
}

/// Keeps the named scenarios.
pub fn keep_saved(saved: &[Named]) {
    keep(SAVED, (!saved.is_empty()).then_some(&saved));
}

/// The OSTEP mode's command line, program and line run last, as kept ([`keep_ostep`]).
pub fn kept_ostep() -> [Option<String>; 3] {
    OSTEP.map(|k| LocalStorage::get::<String>(k).ok())
}

/// Keeps one of the OSTEP mode's texts: 0 its command line, 1 its x86.py program, 2 the line
/// it ran last.
pub fn keep_ostep(which: usize, text: &String) {
    keep(OSTEP[which], Some(text));
}

/// The scenario the address asks for: `?preset=KEY`, `?saved=NAME` or `?custom`.
pub fn wanted() -> Option<Source> {
    let search = gloo::utils::window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    if let Some(k) = params.get("preset") {
        return Some(Source::Preset(k));
    }
    if let Some(n) = params.get("saved") {
        return Some(Source::Saved(n));
    }
    params.has("custom").then_some(Source::Custom)
}

/// Puts `source` in the address bar (no reload), so a reload or a copied link shows it.
pub fn show_in_address(source: &Source) {
    let window = gloo::utils::window();
    let Ok(history) = window.history() else { return };
    let path = window.location().pathname().unwrap_or_default();
    let query = match source {
        Source::Preset(k) => format!("?preset={}", encode(k)),
        Source::Saved(n) => format!("?saved={}", encode(n)),
        Source::Custom => "?custom".into(),
    };
    // A lab mode (`?mode=compare`, src/ui/components/lab_panel.rs) stays in the address, and
    // the OSTEP mode's command line (`&cmd=…`, src/ui/components/ostep_panel.rs) with it.
    let params = window.location().search().ok().and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok());
    let mut query = query;
    if let Some(mode) = params.as_ref().and_then(|p| p.get("mode")) {
        query = format!("{query}&mode={}", encode(&mode));
        if let Some(cmd) = params.as_ref().and_then(|p| p.get("cmd")) {
            query = format!("{query}&cmd={}", encode(&cmd));
        }
    }
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{query}")));
}

fn encode(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}
