//! Small pieces of HTML built as text, for views that are mostly static markup (the language
//! reference, the code listing): one string costs far less wasm than the same elements written
//! with `html!`. Everything from a scenario or the model goes through [`escape`].

use std::fmt::Write;

use yew::{AttrValue, Html};

use super::format::code_pieces;

/// `s` with `&`, `<`, `>` and `"` escaped, safe as HTML text or a quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// `text`, escaped, with its `` `...` `` spans as `<code>` (as [`super::format::with_code`]).
pub fn with_code(text: &str) -> String {
    let mut out = String::new();
    for (code, piece) in code_pieces(text) {
        if code {
            let _ = write!(out, "<code>{}</code>", escape(piece));
        } else {
            out.push_str(&escape(piece));
        }
    }
    out
}

/// Markup as a node (Yew sets it as the element's inner HTML).
pub fn raw(markup: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(markup))
}
