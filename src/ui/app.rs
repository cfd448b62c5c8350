//! The top component: holds the page's state ([`PageStore`]) and the playback, has the reader
//! worker read what the page opens ([`Reader`]) and the simulation worker run the pending run
//! ([`Runner`]), keeps what the browser should remember,
//! and wires the views together. Views only read; every change is an action on one of the two
//! reducers. The callbacks handed to the views are made once, so a view whose data did not
//! change is not re-rendered (a keystroke in the editor leaves the run's views alone).

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::components::code_view::{CodeView, auto_thread};
use super::components::controls::LostNav;
use super::components::handout::handout_title;
use super::components::lab_panel::{LabPanel, mode_from_address};
use super::components::wait_graph::WaitGraphView;
use super::components::{
    controls::Controls, header::Header, job_table::JobTable, memory_view::MemoryView, metrics_table::MetricsTable,
    outcome_banner::OutcomeBanner, preset_picker::PresetPicker, run_progress::RunProgress,
    scenario_editor::ScenarioEditor, settings::Settings, thread_table::ThreadTable, timeline::Timeline,
};
use super::format::with_code;
use super::frames::{FrameLoop, use_paced};
use super::reader::Reader;
use super::runner::Runner;
use super::state::{PageStore, PlayerAction, PlayerState};
use super::storage;
use crate::model::Ticks;
use crate::page::{PageAction, PageState, Source};
use crate::playback::{Action, Playback};

/// Events of a run's checkpoints folded per slice between frames (a few milliseconds of work;
/// see [`crate::page::run::Run::fold_ahead`]).
const FOLD_SLICE: usize = 32_768;

/// The whole page.
#[component]
pub fn App() -> Html {
    let page = use_reducer(|| PageStore(PageState::start(storage::load(), storage::wanted())));
    let player = use_reducer(|| PlayerState(Playback::from_instants(Vec::new(), 0)));
    super::wide_tables::use_wide_table_hints();

    // Made once: the views' callbacks (stable, so unchanged views skip re-rendering).
    let on_page = {
        let page = page.dispatcher();
        use_callback((), move |a: PageAction, _| page.dispatch(a))
    };
    let on_action = {
        let player = player.dispatcher();
        use_callback((), move |a: Action, _| player.dispatch(PlayerAction::Do(a)))
    };
    let on_seek = {
        let player = player.dispatcher();
        use_callback((), move |t: Ticks, _| player.dispatch(PlayerAction::Do(Action::Seek(t))))
    };
    let on_select = {
        let player = player.dispatcher();
        use_callback((), move |t: Option<crate::model::ThreadId>, _| {
            player.dispatch(PlayerAction::Do(Action::Select(t)))
        })
    };
    // The mode: the simulator, or a lab panel (compare, sweep, exercise) or OSTEP's simulators in
    // place of the playback.
    let mode = use_state(mode_from_address);
    let on_mode = {
        let mode = mode.setter();
        use_callback((), move |m, _| mode.set(m))
    };
    let on_retry = {
        let page = page.dispatcher();
        use_callback((), move |_: MouseEvent, _| page.dispatch(PageAction::Retry))
    };
    let on_cancel = {
        let page = page.dispatcher();
        use_callback((), move |_: MouseEvent, _| page.dispatch(PageAction::Cancel))
    };
    // Texts to read go to the reader worker, the pending run to the simulation worker (each
    // started once, kept warm); they answer with page actions.
    let reader = {
        let on_page = on_page.clone();
        use_memo((), move |_| Reader::new(on_page))
    };
    // A preset's text is fetched first (the presets are files beside the page); the reader is
    // asked once it is there.
    {
        let fetch = page.0.reading.as_ref().filter(|r| r.fetching).map(|r| (r.id, r.source.key()));
        let on_page = on_page.clone();
        use_effect_with(fetch, move |fetch| {
            if let Some((id, key)) = fetch.clone() {
                crate::ui::fetch::preset(id, key, on_page);
            }
        });
    }
    {
        let reading = page.0.reading.clone().filter(|r| !r.fetching);
        let rows = page.0.rows_wanted.clone();
        let ids = (reading.as_ref().map(|r| r.id), rows.as_ref().map(|r| r.id));
        use_effect_with(ids, move |_| reader.want(reading.as_ref(), rows.as_ref()));
    }
    let runner = {
        let on_page = on_page.clone();
        use_memo((), move |_| Runner::new(on_page))
    };
    {
        let pending = page.0.pending.clone();
        use_effect_with(pending.as_ref().map(|p| p.id), move |_| runner.want(pending.as_ref()));
    }
    // A new run on screen: playback starts over (keeping a chosen speed), and its checkpoints
    // are folded a slice at a time between frames, so that a run of millions of events shows at
    // once and a later jump far ahead costs one slice, not a pass over the whole trace.
    {
        let player = player.dispatcher();
        let run = page.0.shown.as_ref().map(|s| s.run.clone());
        use_effect_with(run.as_ref().map(|r| r.id), move |_| {
            let wanted = Rc::new(Cell::new(true));
            if let Some(run) = run {
                player.dispatch(PlayerAction::Load(Playback::new(&run.trace)));
                let wanted = wanted.clone();
                yew::platform::spawn_local(async move {
                    while wanted.get() && !run.fold_ahead(FOLD_SLICE) {
                        yew::platform::time::sleep(std::time::Duration::ZERO).await;
                    }
                });
            }
            move || wanted.set(false)
        });
    }
    // What the browser keeps, and the address bar, follow the state.
    {
        let s = &page.0;
        use_effect_with(s.session(), |session| {
            storage::keep_session(session.as_ref());
            if let Some(session) = session {
                storage::show_in_address(&session.source);
            }
        });
        use_effect_with((s.draft.clone(), s.draft_of.clone()), |(draft, of)| {
            storage::keep_draft(draft.as_ref(), of.as_ref())
        });
        use_effect_with(s.custom.as_ref().map(|c| c.text.clone()), |text| storage::keep_custom(text.as_ref()));
        use_effect_with(s.saved.clone(), |saved| storage::keep_saved(saved));
    }

    // Play: one Tick per frame the browser draws (requestAnimationFrame), with the wall-clock time
    // elapsed since the previous one: never two renders for one painted frame, and none while the
    // tab is hidden.
    {
        let dispatcher = player.dispatcher();
        use_effect_with(player.0.playing, move |&playing| {
            let frames = playing.then(|| {
                FrameLoop::start(move |elapsed_ms| dispatcher.dispatch(PlayerAction::Do(Action::Tick { elapsed_ms })))
            });
            move || drop(frames)
        });
    }

    // Keyboard: Space plays or pauses, ← and → step, Esc clears the selected thread, unless the
    // focus is in a form field (where the keys edit or choose) or a dialog. Space on a button keeps
    // its native press only when the focus got there by keyboard (Tab), a deliberate choice; after
    // a click or tap the focus stays on the button but Space is the player's again, as in video
    // players (preventing the keydown also stops the button's press on keyup). Non-passive, so
    // preventDefault stops the page from scrolling.
    {
        let dispatcher = player.dispatcher();
        use_effect_with((), move |_| {
            let document = gloo::utils::document();
            // Whether the last focus move came from a pointer (true) or from Tab (false).
            let by_pointer = Rc::new(std::cell::Cell::new(false));
            let pointer = {
                let by_pointer = by_pointer.clone();
                EventListener::new(&document, "pointerdown", move |_| by_pointer.set(true))
            };
            let options = EventListenerOptions::enable_prevent_default();
            let listener = EventListener::new_with_options(&document, "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                if e.key() == "Tab" {
                    by_pointer.set(false);
                }
                if e.ctrl_key() || e.alt_key() || e.meta_key() {
                    return;
                }
                let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                // Inside a dialog (the language reference) the keys are the dialog's: Esc closes it.
                if target.as_ref().is_some_and(|el| el.closest("dialog").ok().flatten().is_some()) {
                    return;
                }
                let tag = target.map(|el| el.tag_name()).unwrap_or_default();
                if matches!(tag.as_str(), "INPUT" | "TEXTAREA" | "SELECT" | "OPTION") {
                    return;
                }
                let action = match e.key().as_str() {
                    " " if tag == "BUTTON" && !by_pointer.get() => return,
                    " " => Action::TogglePlay,
                    "ArrowRight" => Action::StepForward,
                    "ArrowLeft" => Action::StepBack,
                    // Not prevented: Escape's own default closes an open dialog.
                    "Escape" => return dispatcher.dispatch(PlayerAction::Do(Action::Select(None))),
                    _ => return,
                };
                e.prevent_default();
                dispatcher.dispatch(PlayerAction::Do(action));
            });
            move || drop((listener, pointer))
        });
    }

    let pb = &player.0;
    // The state of everything at the cursor (hooks run on every render, before any return).
    // While playing, the views of that state (threads, code, memory) follow the cursor a few times
    // a second, not on every frame: see `use_paced`.
    let state_at = use_paced(pb.cursor, pb.playing);
    let snapshot = {
        let run = page.0.shown.as_ref().map(|s| s.run.clone());
        use_memo((run.as_ref().map(|r| r.id), state_at), move |&(_, t)| run.map(|r| Rc::new(r.snapshot(t.min(r.end)))))
    };
    let state = &page.0;
    // A mode the scenario's menu, settings and editors do nothing for (OSTEP, an exercise)
    // hides them (kept in the page, the learner's edits with them) and takes the whole width.
    let alone = mode.is_some_and(|m| !m.uses_scenario());
    // A read or a run is being computed: the page says so to assistive technology (and tests
    // wait for it to end before comparing the controls with the scenario in use).
    let busy = (state.reading.is_some() || state.pending.is_some()).to_string();
    let progress = state.pending.as_ref().and_then(|p| p.progress);
    let reading = state.pending.as_ref().and_then(|p| p.reading);
    let (Some(shown), Some(snapshot)) = (&state.shown, (*snapshot).clone()) else {
        // Nothing could be opened (no preset file to be had): beside the error and Retry, the
        // learner can still pick another scenario, open a mode (OSTEP's needs no scenario) or
        // import a file (the editor's Import).
        let idle = state.reading.is_none() && state.pending.is_none();
        return html! {
            <div class={classes!("app", alone.then_some("mode-alone"))} aria-busy={busy.clone()}>
                <Header />
                if idle {
                    <section class="picker-area" aria-label="Scenario menu"><PresetPicker state={page.clone()} on_action={on_page.clone()} /></section>
                }
                <main class="main">
                    if idle {
                        <LabPanel mode={*mode} on_mode={on_mode} on_page={on_page.clone()} scenario={Rc::<str>::from("")} preset="" />
                    }
                    if !idle || mode.is_none() {
                        <p class="muted" data-testid="running" role="status">
                            { if idle { "No scenario could be opened." } else { "Running the scenario…" } }
                        </p>
                        <RunProgress {progress} {reading} on_cancel={on_cancel.clone()} />
                        if let Some(e) = &state.error {
                            <div class="error" data-testid="run-error" role="alert">{ with_code(&e.message) }</div>
                        }
                        if state.retry.is_some() {
                            <button data-testid="btn-retry" onclick={on_retry}>{ "Retry" }</button>
                        }
                    }
                </main>
                if idle {
                    <aside class="sidebar"><ScenarioEditor state={page.clone()} on_action={on_page.clone()} /></aside>
                }
            </div>
        };
    };
    let run = shown.run.clone();
    // The selected thread: the code view shows it (else a running one), the timeline highlights it.
    let picked_tid = pb.selected.filter(|&t| t < run.system.threads.len());
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
    let lost_times = &run.lost_times;
    let prev_lost = lost_times.partition_point(|&t| t < pb.cursor).checked_sub(1).map(|i| lost_times[i]);
    let next_lost = lost_times.get(lost_times.partition_point(|&t| t <= pb.cursor)).copied();
    let here = lost_times.binary_search(&snapshot.time).is_ok();
    let lost = LostNav { count: lost_times.len(), prev: lost_nav(prev_lost), next: lost_nav(next_lost), here };
    let on_dismiss = on_page.reform(|_: MouseEvent| PageAction::Notice(None));
    // Until the first playback of this run is loaded, the cursor may be past its end.
    let cursor = pb.cursor.min(run.end);

    html! {
        <div class={classes!("app", alone.then_some("mode-alone"))} aria-busy={busy}>
            <Header />
            <section class="picker-area" aria-label="Scenario menu">
                if mode.is_some() {
                    <p class="hint" data-testid="mode-scope">{ "This mode runs the scenario in use, with these settings where its own form sets none." }</p>
                }
                <PresetPicker state={page.clone()} on_action={on_page.clone()} />
            </section>
            // The settings follow the menu in the document, before the playback, as a learner
            // goes (a scenario, its CPUs and policy, then run it and look): at 1280 px Tab
            // reached them only after the metrics. The grid puts them under the menu.
            <section class="settings-area" aria-label="Settings">
                <Settings loaded={state.asked().unwrap_or_else(|| shown.loaded.clone())} on_action={on_page.clone()} />
            </section>
            <main class="main">
                <LabPanel mode={*mode} on_mode={on_mode} on_page={on_page.clone()} scenario={shown.loaded.text.clone()}
                    preset={match &shown.loaded.source { Source::Preset(k) if !shown.loaded.edited => k.clone(), _ => String::new() }} />
                if mode.is_none() {
                if let Some(n) = &state.notice {
                    <div class="notice" data-testid="notice" role="status">
                        <span>{ with_code(n) }</span>
                        <button class="link-button" onclick={on_dismiss}>{ "Dismiss" }</button>
                    </div>
                }
                <RunProgress {progress} {reading} on_cancel={on_cancel} />
                <Controls playing={pb.playing} cursor={cursor} end={pb.end} speed={pb.speed} on_action={on_action} {lost} />
                { handout_title(&run) }
                <OutcomeBanner run={run.clone()} />
                <Timeline run={run.clone()} cursor={cursor} on_seek={on_seek} selected={picked_tid} on_select={on_select.clone()} />
                <div class="threads-row">
                    <ThreadTable run={run.clone()} snapshot={snapshot.clone()}
                        shown={picked_tid.unwrap_or_else(|| auto_thread(&snapshot))} selected={picked_tid} on_select={on_select.clone()} />
                    <CodeView run={run.clone()} snapshot={snapshot.clone()} picked={picked_tid} on_pick={on_select} />
                </div>
                <WaitGraphView run={run.clone()} snapshot={snapshot.clone()} />
                <MemoryView run={run.clone()} snapshot={snapshot} />
                <MetricsTable run={run} />
                }
            </main>
            // The scenario's editors, after the playback in the document, as on a phone's screen.
            <aside class="sidebar">
                if let Some(rows) = state.job_rows() {
                    <JobTable {rows} text={state.editor_text()} on_action={on_page.clone()} />
                }
                <ScenarioEditor state={page.clone()} on_action={on_page.clone()} />
            </aside>
        </div>
    }
}
