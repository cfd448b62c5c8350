//! A run in progress in the simulation worker: how far it has got and a Cancel button. Shown
//! only once the worker has reported progress (after 100 ms of work), so a quick run shows
//! nothing at all.

use yew::prelude::*;

use crate::model::Progress;
use crate::ui::format::{fixed, grouped};

/// Props of [`RunProgress`].
#[derive(Properties, PartialEq)]
pub struct RunProgressProps {
    /// How far the pending run has got, if the worker has said.
    pub progress: Option<Progress>,
    /// How much of the finished run's answer the page has read (0 to 1), while it reads a long
    /// trace a slice at a time.
    #[prop_or_default]
    pub reading: Option<f64>,
    /// Cancel the run.
    pub on_cancel: Callback<MouseEvent>,
}

/// "Running: 120,000 events, t = 5,000 µs…" and Cancel.
#[component]
pub fn RunProgress(props: &RunProgressProps) -> Html {
    let (bar, text) = match (props.reading, props.progress) {
        (Some(f), _) => (
            html! { <progress aria-label="Reading the run for playback" max="1" value={fixed(f, 3)} /> },
            format!("Run done; reading its trace for playback: {} %…", fixed(f * 100.0, 0)),
        ),
        (None, Some(p)) => (
            html! { <progress aria-label="Running the scenario" /> },
            format!(
                "Running the scenario: {} events handled, {} instructions, simulated time t = {} µs…",
                grouped(p.events),
                grouped(p.steps),
                grouped(p.now)
            ),
        ),
        (None, None) => return html! {},
    };
    html! {
        <section class="panel run-progress" data-testid="run-progress" aria-label="Run in progress">
            { bar }
            <span role="status" data-testid="run-progress-text">{ text }</span>
            <button data-testid="btn-cancel-run" onclick={props.on_cancel.clone()}>{ "Cancel" }</button>
        </section>
    }
}
