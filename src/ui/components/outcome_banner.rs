//! How the run ended, shown prominently.

use std::rc::Rc;

use yew::prelude::*;

use crate::model::simulation::Outcome;
use crate::ui::format::with_code;
use crate::ui::run::Run;

/// Props of [`OutcomeBanner`].
#[derive(Properties, PartialEq)]
pub struct OutcomeBannerProps {
    pub run: Rc<Run>,
}

/// A banner with the outcome's kind (`data-kind`) and message. It is the end result of the
/// whole run (shown from t = 0), so it says so.
#[component]
pub fn OutcomeBanner(props: &OutcomeBannerProps) -> Html {
    let outcome = &props.run.result.outcome;
    let kind = outcome.kind();
    let (title, role) = match outcome {
        Outcome::Completed => ("Completed", "status"),
        Outcome::CompletedUncreated { .. } => ("Completed, not every thread created", "status"),
        Outcome::Deadlock { .. } => ("Deadlock", "alert"),
        Outcome::BudgetExceeded { .. } => ("Stopped: budget exceeded", "alert"),
        Outcome::RuntimeError { .. } => ("Runtime error", "alert"),
    };
    html! {
        <section class={classes!("outcome", format!("outcome-{kind}"))} data-testid="outcome" data-kind={kind} role={role}>
            <span class="outcome-label">{ "Outcome of the whole run:" }</span>
            <strong class="outcome-title">{ title }</strong>
            <span class="outcome-message">{ "— " }{ with_code(&outcome.message()) }</span>
        </section>
    }
}
