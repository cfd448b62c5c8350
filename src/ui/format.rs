//! Display helpers shared by the views: thread colours and labels.

use yew::{Html, html};

use crate::model::simulation::Outcome;
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

/// The outcome's kind as in the JSON (`completed`, `deadlock`, `budget_exceeded`, `runtime_error`).
pub fn outcome_kind(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Completed => "completed",
        Outcome::Deadlock { .. } => "deadlock",
        Outcome::BudgetExceeded { .. } => "budget_exceeded",
        Outcome::RuntimeError { .. } => "runtime_error",
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

/// An integer with `,` thousands separators.
pub fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `text` split at backticks: `(is_code, piece)` pairs, in order; an unmatched backtick is kept
/// as plain text.
pub fn code_pieces(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let Some(len) = rest[open + 1..].find('`') else { break };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        out.push((true, &rest[open + 1..open + 1 + len]));
        rest = &rest[open + 1 + len + 1..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

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
