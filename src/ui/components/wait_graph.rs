//! The wait-for graph at the cursor, in a panel of its own: its title says what it shows in a
//! few words; folded away unless the run ended in a deadlock; shown only for scenarios with
//! synchronisation objects. The graph is [`WaitGraph::at`], its markup
//! [`crate::page::wait_graph::body`] (pure, tested natively).

use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use crate::model::Outcome;
use crate::model::trace::Snapshot;
use crate::model::waitgraph::WaitGraph;
use crate::page::wait_graph::{body, has_objects, summary};
use crate::ui::markup::raw;
use crate::ui::run::Run;

/// Props of [`WaitGraphView`].
#[derive(Properties, PartialEq)]
pub struct WaitGraphProps {
    pub run: Rc<Run>,
    /// The state at the cursor.
    pub snapshot: Rc<Snapshot>,
}

/// The wait-for graph at the cursor, with its words; nothing for scenarios without objects.
#[component]
pub fn WaitGraphView(props: &WaitGraphProps) -> Html {
    let (run, snap) = (&props.run, &props.snapshot);
    let sys = &run.system;
    if !has_objects(sys) {
        return Html::default();
    }
    let g = WaitGraph::at(sys, snap);
    // Unfolded at first after a deadlock; the learner's fold then stays until the next run's
    // outcome changes it. The graph's markup is built only while unfolded (at 64 threads it is
    // the panel's cost while playing).
    let deadlock = matches!(run.result.outcome, Outcome::Deadlock { .. });
    let open = use_state(|| deadlock);
    {
        let open = open.clone();
        use_effect_with(deadlock, move |d| open.set(*d));
    }
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| open.set(e.target_unchecked_into::<Element>().has_attribute("open")))
    };
    html! {
        <section class="panel waitgraph-panel" data-testid="waitgraph">
            <details open={*open} {ontoggle}>
                <summary>
                    <h2 class="panel-title wg-title">{ format!("Wait-for graph at t = {} µs", snap.time) }
                        <span class="wg-summary" data-testid="waitgraph-summary">{ format!(" — {}", summary(&g)) }</span>
                    </h2>
                </summary>
                if *open { { raw(body(sys, &g, snap)) } }
            </details>
        </section>
    }
}
