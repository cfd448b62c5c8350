//! Display helpers shared by the views: thread colours and labels.

use yew::{Html, html};

use crate::model::trace::ThreadState;
use crate::model::{System, ThreadId};
use crate::timeline::palette;

/// Colour of thread `tid` of `sys` (a CSS colour): its process's hue in its own shade (see
/// [`crate::timeline::palette`], which also holds the timeline's other colours).
pub fn thread_colour(sys: &System, tid: ThreadId) -> &'static str {
    palette::thread_colour(sys, tid)
}

/// CSS class of a thread state (colours in styles/app.css).
pub fn state_class(state: ThreadState) -> &'static str {
    match state {
        ThreadState::New => "state state-new",
        ThreadState::Ready => "state state-ready",
        ThreadState::Running => "state state-running",
        ThreadState::Blocked => "state state-blocked",
        ThreadState::Terminated => "state state-terminated",
    }
}

/// An optional tick count, or a dash.
pub fn opt_ticks(t: Option<u64>) -> String {
    t.map_or_else(|| "—".to_string(), |t| t.to_string())
}

/// Bytes with thousands separators, e.g. `28,672 B`.
pub fn bytes(n: u64) -> String {
    format!("{} B", grouped(n))
}

pub use crate::markup::{fixed, grouped};

pub use crate::markup::code_pieces;

/// `text` with its `` `...` `` spans rendered as `<code>`.
pub fn with_code(text: &str) -> Html {
    html! {
        { for code_pieces(text).into_iter().map(|(code, piece)| if code {
            html! { <code>{ piece }</code> }
        } else {
            html! { { piece } }
        }) }
    }
}
