//! A run in progress in the simulation worker: how far it has got and a Cancel button. Shown
//! only once the worker has reported progress (after 100 ms of work), so a quick run shows
//! nothing at all.

use yew::prelude::*;

use crate::model::Progress;
use crate::ui::format::grouped;

/// Props of [`RunProgress`].
#[derive(Properties, PartialEq)]
pub struct RunProgressProps {
    /// How far the pending run has got, if the worker has said.
    pub progress: Option<Progress>,
    /// Cancel the run.
    pub on_cancel: Callback<MouseEvent>,
}

/// "Running: 120,000 events, t = 5,000 µs…" and Cancel.
#[component]
pub fn RunProgress(props: &RunProgressProps) -> Html {
    let Some(p) = props.progress else { return html! {} };
    html! {
        <section class="panel run-progress" data-testid="run-progress" aria-label="Run in progress">
            <progress aria-label="Running the scenario" />
            <span role="status" data-testid="run-progress-text">
                { format!(
                    "Running the scenario: {} events handled, {} instructions, simulated time t = {} µs…",
                    grouped(p.events), grouped(p.steps), grouped(p.now)
                ) }
            </span>
            <button data-testid="btn-cancel-run" onclick={props.on_cancel.clone()}>{ "Cancel" }</button>
        </section>
    }
}
