//! The page fetches a preset's text (`presets/KEY.json`, served beside the page) when one is
//! opened, so the shipped scenarios' text stays out of the page's wasm (see [`crate::presets`]).

use crate::page::PageAction;
use crate::presets;
use yew::Callback;

/// Fetches preset `key`'s text for read `id`, and reports it (or why it failed, in words) as
/// [`PageAction::Fetched`]. The address is relative, so a page served from a sub-folder or
/// embedded in an iframe finds the files beside it.
pub fn preset(id: u64, key: String, report: Callback<PageAction>) {
    yew::platform::spawn_local(async move {
        let text = text(&presets::url(&key)).await;
        report.emit(PageAction::Fetched { id, text });
    });
}

/// The text served at `url` (relative to the page), or why it could not be had, in words.
pub async fn text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    // A failed fetch rejects with a TypeError ("Failed to fetch"): its message, in words.
    let why = |e: wasm_bindgen::JsValue| match e.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => e.as_string().unwrap_or_else(|| "the browser gave no reason".into()),
    };
    let promise = gloo::utils::window().fetch_with_str(url);
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(promise).await.map_err(why)?.unchecked_into();
    if !response.ok() {
        return Err(format!("the server answered {} {}", response.status(), response.status_text()));
    }
    let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(why)?).await.map_err(why)?;
    Ok(text.as_string().unwrap_or_default())
}
