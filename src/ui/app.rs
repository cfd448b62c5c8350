//! The top component: owns the loaded run, the playback state and the editor error, and wires
//! the views together. Views only read; every change goes through a callback here.

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use gloo::timers::callback::Interval;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::components::controls::LostNav;
use super::components::{
    controls::Controls,
    header::Header,
    memory_view::MemoryView,
    metrics_table::MetricsTable,
    outcome_banner::OutcomeBanner,
    preset_picker::PresetPicker,
    scenario_editor::{ApplyRequest, RunOrigin, ScenarioEditor},
    settings::Settings,
    thread_table::ThreadTable,
    timeline::Timeline,
};
use super::format::with_code;
use super::run::Run;
use super::state::{PlayerAction, PlayerState};
use crate::model::Ticks;
use crate::model::scenario::ScenarioEdit;
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
        Some(k) => {
            // The address bar should name what is shown.
            set_url_preset(Some(DEFAULT_PRESET));
            (
                DEFAULT_PRESET.to_string(),
                Some(format!("There is no preset named `{k}` (from the address); showing `{DEFAULT_PRESET}` instead.")),
            )
        }
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
    let error = use_state(|| None::<String>);
    // A message about the page itself (e.g. an unknown `?preset=`), shown above the playback.
    let notice = use_state(|| initial.2.clone());
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

    // Keyboard: Space plays or pauses, ← and → step, unless the focus is in a form field (where
    // the keys edit or choose); Space on a focused button keeps its native click. Non-passive,
    // so preventDefault stops the page from scrolling.
    {
        let dispatcher = player.dispatcher();
        use_effect_with((), move |_| {
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&gloo::utils::document(), "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                if e.ctrl_key() || e.alt_key() || e.meta_key() {
                    return;
                }
                let tag = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| el.tag_name())
                    .unwrap_or_default();
                if matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT" | "OPTION") {
                    return;
                }
                let action = match e.key().as_str() {
                    " " if tag == "BUTTON" => return,
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
    // Returns whether the run was replaced. `file` names an imported file in the error.
    let install = {
        let run = run.clone();
        let player = player.dispatcher();
        let error = error.clone();
        let notice = notice.clone();
        let source = source.clone();
        let origin = origin.clone();
        Callback::from(
            move |(loaded, new_source, from, file): (
                Result<Rc<Run>, String>,
                Option<String>,
                RunOrigin,
                Option<String>,
            )| match loaded {
                Ok(r) => {
                    player.dispatch(PlayerAction::Load(Playback::new(&r.trace)));
                    origin.set(from);
                    run.set(r);
                    error.set(None);
                    notice.set(None);
                    if let Some(s) = new_source {
                        set_url_preset((s != CUSTOM_SOURCE).then_some(s.as_str()));
                        source.set(s);
                    }
                    true
                }
                Err(e) => {
                    error.set(Some(match file {
                        Some(f) => format!("{f}: {e}"),
                        None => e,
                    }));
                    false
                }
            },
        )
    };

    let on_preset = {
        let install = install.clone();
        Callback::from(move |key: String| {
            if let Some(p) = presets::find(&key) {
                install.emit((Run::from_json(p.json).map_err(|e| e.to_string()), Some(key), RunOrigin::Preset, None));
            }
        })
    };

    let on_settings = {
        let install = install.clone();
        let run = run.clone();
        Callback::from(move |edit: ScenarioEdit| {
            let mut scenario = run.scenario.clone();
            let loaded = edit
                .apply(&mut scenario)
                .map_err(|e| e.to_string())
                .and_then(|()| Run::load(scenario).map_err(|e| e.to_string()));
            install.emit((loaded, None, RunOrigin::Settings, None));
        })
    };

    let on_apply = {
        let install = install.clone();
        Callback::from(move |req: ApplyRequest| {
            install.emit((
                Run::from_json(&req.text).map_err(|e| e.to_string()),
                Some(CUSTOM_SOURCE.to_string()),
                RunOrigin::Editor,
                req.file,
            ))
        })
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
    // Lost updates: the nearest store that lost one before / after the cursor (pauses there).
    let lost_nav = |t: Option<Ticks>| {
        t.map(|t| {
            let on_action = on_action.clone();
            Callback::from(move |_: MouseEvent| {
                on_action.emit(Action::Pause);
                on_action.emit(Action::Seek(t));
            })
        })
    };

    let pb = &player.0;
    let lost_times = &run.lost_times;
    let prev_lost = lost_times.partition_point(|&t| t < pb.cursor).checked_sub(1).map(|i| lost_times[i]);
    let next_lost = lost_times.get(lost_times.partition_point(|&t| t <= pb.cursor)).copied();
    let lost = LostNav { count: lost_times.len(), prev: lost_nav(prev_lost), next: lost_nav(next_lost) };
    let on_dismiss = {
        let notice = notice.clone();
        Callback::from(move |_: MouseEvent| notice.set(None))
    };
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
                if let Some(n) = &*notice {
                    <div class="notice" data-testid="notice" role="status">
                        <span>{ with_code(n) }</span>
                        <button class="link-button" onclick={on_dismiss}>{ "Dismiss" }</button>
                    </div>
                }
                <Controls playing={pb.playing} cursor={pb.cursor} end={pb.end} speed={pb.speed} on_action={on_action} {lost} />
                <OutcomeBanner run={(*run).clone()} />
                <Timeline run={(*run).clone()} cursor={pb.cursor} on_seek={on_seek} />
                <ThreadTable run={(*run).clone()} snapshot={snapshot.clone()} />
                <MemoryView run={(*run).clone()} snapshot={snapshot} />
                <MetricsTable run={(*run).clone()} />
            </main>
        </div>
    }
}
