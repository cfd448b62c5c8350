//! Playback controls: play/pause, step, reset, end, speed, the scrub bar and the clock.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::model::Ticks;
use crate::playback::{Action, SPEEDS, speed_index};
use crate::ui::format::grouped;

/// Buttons to the lost updates (stores that overwrote another thread's write unseen).
#[derive(Clone, PartialEq, Default)]
pub struct LostNav {
    /// How many distinct instants have a lost update; 0 hides the buttons.
    pub count: usize,
    /// Seek to the previous one before the cursor (`None`: there is none).
    pub prev: Option<Callback<MouseEvent>>,
    /// Seek to the next one after the cursor (`None`: there is none).
    pub next: Option<Callback<MouseEvent>>,
    /// Whether the memory view explains one at the cursor: a button then leads there (on a
    /// phone the explanation is far below the timeline).
    pub here: bool,
}

/// Scrolls to the memory view's first explanation of a lost update (its variable's row above
/// it in view too: `.lost-row`'s scroll margin) and puts the focus on it.
fn show_why(_: MouseEvent) {
    let document = gloo::utils::document();
    if let Some(row) = document.query_selector(".lost-row").ok().flatten() {
        row.scroll_into_view();
    }
    let why = document.query_selector(".lost-why").ok().flatten();
    if let Some(why) = why.and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok()) {
        let _ = why.focus();
    }
}

/// Props of [`Controls`].
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    /// Current time, ticks.
    pub cursor: Ticks,
    /// End of the run, ticks.
    pub end: Ticks,
    /// Ticks per wall-clock second.
    pub speed: u32,
    pub on_action: Callback<Action>,
    /// Lost-update navigation.
    #[prop_or_default]
    pub lost: LostNav,
}

/// The transport bar.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let act = |a: Action| props.on_action.reform(move |_: MouseEvent| a);
    let on_scrub = props.on_action.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        Action::Seek(input.value().parse().unwrap_or(0))
    });
    let on_speed = props.on_action.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let i: usize = input.value().parse().unwrap_or(0);
        Action::SetSpeed(SPEEDS[i.min(SPEEDS.len() - 1)])
    });
    let speed_text = format!("{} µs per second", grouped(u64::from(props.speed)));
    html! {
        <section class="panel controls" aria-label="Playback">
            <div class="buttons">
                <button data-testid="btn-reset" onclick={act(Action::Reset)} title="Back to t = 0">{ "Reset" }</button>
                <button data-testid="btn-step-back" onclick={act(Action::StepBack)} title="Previous event">{ "◀ Step back" }</button>
                <button data-testid="btn-play" class="primary" onclick={act(Action::TogglePlay)} aria-pressed={props.playing.to_string()}>
                    { if props.playing { "Pause" } else { "Play" } }
                </button>
                <button data-testid="btn-step-forward" onclick={act(Action::StepForward)} title="Next event">{ "Step forward ▶" }</button>
                <button data-testid="btn-end" onclick={act(Action::SeekEnd)} title="Jump to the end of the run">{ "End" }</button>
                if props.lost.count > 0 {
                    <span class="lost-nav" role="group" aria-label="Lost updates">
                        <button data-testid="btn-prev-lost" class="lost-button" disabled={props.lost.prev.is_none()}
                            onclick={props.lost.prev.clone()} title="Go to the previous store that overwrote another thread's write unseen">
                            { "◀ previous lost update" }
                        </button>
                        <button data-testid="btn-next-lost" class="lost-button" disabled={props.lost.next.is_none()}
                            onclick={props.lost.next.clone()} title={format!("Go to the next store that overwrote another thread's write unseen ({} instants in this run)", props.lost.count)}>
                            { "next lost update ▶" }
                        </button>
                        if props.lost.here {
                            <button data-testid="btn-lost-why" class="link-button" onclick={show_why}
                                title="Scroll to the memory view, where the lost update at this instant is explained">
                                { "Why was it lost? ↓" }
                            </button>
                        }
                    </span>
                }
                <span class="time" data-testid="time-display" aria-live="off">
                    { format!("t = {} / {} µs", props.cursor, props.end) }
                </span>
            </div>
            <div class="sliders">
                <label class="scrub">
                    <span class="visually-hidden">{ "Time (µs)" }</span>
                    <input type="range" data-testid="scrub" min="0" max={props.end.to_string()} step="1"
                        value={props.cursor.to_string()} oninput={on_scrub} aria-label="Time in µs" />
                </label>
                <label class="speed">
                    <span>{ "Speed" }</span>
                    <input type="range" data-testid="speed" min="0" max={(SPEEDS.len() - 1).to_string()} step="1"
                        value={speed_index(props.speed).to_string()} oninput={on_speed}
                        aria-valuetext={speed_text.clone()} />
                    <output>{ speed_text }</output>
                </label>
                <p class="keys">{ "Keys: Space play/pause (on a button reached by Tab, Space presses it), ← → step" }</p>
            </div>
        </section>
    }
}
