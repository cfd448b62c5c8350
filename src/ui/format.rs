//! Display helpers shared by the views: thread colours and labels.

use yew::{Html, html};

use crate::model::simulation::Outcome;
use crate::model::trace::{IntervalKind, ThreadState};

/// A qualitative palette with good contrast on white (Tableau 10, slightly darkened).
const PALETTE: [&str; 10] =
    ["#1f77b4", "#e8710a", "#2a9d3a", "#d62728", "#8c56b5", "#8c564b", "#d14fa8", "#5f6b73", "#a3a31a", "#12a3b8"];

/// Stable colour of thread `tid` (a CSS colour): the palette first, then golden-angle hues.
pub fn thread_colour(tid: usize) -> String {
    match PALETTE.get(tid) {
        Some(c) => (*c).to_string(),
        None => format!("hsl({:.0}, 62%, 42%)", (tid as f64 * 137.508) % 360.0),
    }
}

/// Fill of a context-switch interval on the timeline.
pub fn switch_colour(kind: IntervalKind) -> &'static str {
    match kind {
        IntervalKind::ProcessSwitch => "#6b7280",
        _ => "#a8afb8",
    }
}

/// Human name of an interval kind.
pub fn interval_kind_label(kind: IntervalKind) -> &'static str {
    match kind {
        IntervalKind::Run => "running",
        IntervalKind::ThreadSwitch => "thread switch (same process)",
        IntervalKind::ProcessSwitch => "process switch (address space changes)",
    }
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
