//! Small pieces of HTML built as text, for views that are mostly static markup (the language
//! reference, the code listing): one string costs far less wasm than the same elements written
//! with `html!`. Everything from a scenario or the model goes through [`escape`].

use yew::{AttrValue, Html};

pub use crate::markup::{escape, with_code};

/// Markup as a node (Yew sets it as the element's inner HTML).
pub fn raw(markup: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(markup))
}
