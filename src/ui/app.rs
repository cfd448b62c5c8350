//! The top component: owns the loaded run, the playback state and the editor error, and wires
//! the views together. Views only read; every change goes through a callback here.

use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::components::{
    controls::Controls, header::Header, memory_view::MemoryView, metrics_table::MetricsTable, outcome_banner::OutcomeBanner,
    preset_picker::PresetPicker, scenario_editor::{RunOrigin, ScenarioEditor}, settings::{Settings, SettingsChange},
    thread_table::ThreadTable, timeline::Timeline,
};
use super::run::Run;
use super::state::{PlayerAction, PlayerState};
use crate::playback::{Action, Playback};
use crate::presets;

/// Preset opened when the URL names none.
pub const DEFAULT_PRESET: &str = "race-unsafe";

/// Value of the preset picker when the scenario came from the editor or a file.
pub const CUSTOM_SOURCE: &str = "custom";

/// Milliseconds between play timer ticks (about 30 frames per second).
const FRAME_MS: u32 = 33;

/// The preset named by `?preset=KEY` in the page URL, if any.
fn preset_from_url() -> Option<String> {
    let search = gloo::utils::window().location().search().ok()?;
    let params = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    params.get("preset")
}

/// Replaces `?preset=` in the address bar (no reload), so the page can be shared or reloaded.
fn set_url_preset(key: Option<&str>) {
    let window = gloo::utils::window();
    let Ok(history) = window.history() else { return };
    let path = window.location().pathname().unwrap_or_default();
    let url = match key {
        Some(k) => format!("{path}?preset={k}"),
        None => path,
    };
    let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
}

/// The first run: the URL's preset, else the default, with a message if the URL's was unknown.
fn initial_run() -> (String, Rc<Run>, Option<String>) {
    let wanted = preset_from_url();
    let (key, note) = match wanted.as_deref() {
        Some(k) if presets::find(k).is_some() => (k.to_string(), None),
        Some(k) => (DEFAULT_PRESET.to_string(), Some(format!("There is no preset named `{k}`; showing `{DEFAULT_PRESET}`."))),
        None => (DEFAULT_PRESET.to_string(), None),
    };
    let preset = presets::find(&key).expect("the default preset exists");
    let run = Run::from_json(preset.json).expect("shipped presets load and run");
    (key, run, note)
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let initial = use_memo((), |_| initial_run());
    let source = use_state(|| initial.0.clone());
    let run = use_state(|| initial.1.clone());
    let error = use_state(|| initial.2.clone());
    let origin = use_state(|| RunOrigin::Preset);
    let player = use_reducer(|| PlayerState(Playback::new(&initial.1.trace)));

    // Play: a timer dispatching Tick with the wall-clock time elapsed since the previous one.
    {
        let dispatcher = player.dispatcher();
        use_effect_with(player.0.playing, move |&playing| {
            let timer = playing.then(|| {
                let mut last = js_sys::Date::now();
                Interval::new(FRAME_MS, move || {
                    let now = js_sys::Date::now();
                    let elapsed_ms = (now - last).clamp(0.0, 1000.0) as u32;
                    last = now;
                    dispatcher.dispatch(PlayerAction::Do(Action::Tick { elapsed_ms }));
                })
            });
            move || drop(timer)
        });
    }

    // Keyboard: Space plays or pauses, ← and → step, unless a form control has the focus.
    {
        let dispatcher = player.dispatcher();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::document(), "keydown", move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                let in_control = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT" | "BUTTON" | "OPTION")
                });
                if in_control || e.ctrl_key() || e.alt_key() || e.meta_key() {
                    return;
                }
                let action = match e.key().as_str() {
                    " " => Action::TogglePlay,
                    "ArrowRight" => Action::StepForward,
                    "ArrowLeft" => Action::StepBack,
                    _ => return,
                };
                e.prevent_default();
                dispatcher.dispatch(PlayerAction::Do(action));
            });
            move || drop(listener)
        });
    }

    // Replace the run (cursor back to 0) or report why not; the current run stays on error.
    let install = {
        let run = run.clone();
        let player = player.dispatcher();
        let error = error.clone();
        let source = source.clone();
        let origin = origin.clone();
        Callback::from(move |(loaded, new_source, from): (Result<Rc<Run>, String>, Option<String>, RunOrigin)| match loaded {
            Ok(r) => {
                player.dispatch(PlayerAction::Load(Playback::new(&r.trace)));
                origin.set(from);
                run.set(r);
                error.set(None);
                if let Some(s) = new_source {
                    set_url_preset((s != CUSTOM_SOURCE).then_some(s.as_str()));
                    source.set(s);
                }
            }
            Err(e) => error.set(Some(e)),
        })
    };

    let on_preset = {
        let install = install.clone();
        Callback::from(move |key: String| {
            if let Some(p) = presets::find(&key) {
                install.emit((Run::from_json(p.json), Some(key), RunOrigin::Preset));
            }
        })
    };

    let on_settings = {
        let install = install.clone();
        let run = run.clone();
        Callback::from(move |change: SettingsChange| {
            let mut scenario = run.scenario.clone();
            change.apply_to(&mut scenario);
            install.emit((Run::load(scenario), None, RunOrigin::Settings));
        })
    };

    let on_apply = {
        let install = install.clone();
        Callback::from(move |text: String| install.emit((Run::from_json(&text), Some(CUSTOM_SOURCE.to_string()), RunOrigin::Editor)))
    };

    let on_error = {
        let error = error.clone();
        Callback::from(move |e: String| error.set(Some(e)))
    };

    let on_action = {
        let player = player.dispatcher();
        Callback::from(move |a: Action| player.dispatch(PlayerAction::Do(a)))
    };
    let on_seek = on_action.reform(Action::Seek);

    let pb = &player.0;
    let snapshot = {
        let r = (*run).clone();
        use_memo((r.id, pb.cursor), move |&(_, t)| r.snapshot(t))
    };

    html! {
        <div class="app">
            <Header />
            <aside class="sidebar">
                <PresetPicker selected={(*source).clone()} run={(*run).clone()} on_select={on_preset} />
                <Settings run={(*run).clone()} on_change={on_settings} />
                <ScenarioEditor run={(*run).clone()} origin={*origin} error={(*error).clone()} on_apply={on_apply} on_error={on_error} />
            </aside>
            <main class="main">
                <Controls playing={pb.playing} cursor={pb.cursor} end={pb.end} speed={pb.speed} on_action={on_action} />
                <OutcomeBanner run={(*run).clone()} />
                <Timeline run={(*run).clone()} cursor={pb.cursor} on_seek={on_seek} />
                <ThreadTable run={(*run).clone()} snapshot={snapshot.clone()} />
                <MemoryView run={(*run).clone()} snapshot={snapshot} />
                <MetricsTable run={(*run).clone()} />
            </main>
        </div>
    }
}
