//! The page's modes besides the simulator, and their panels: Compare, Sweep and Exercise
//! (`?mode=compare`, `?mode=sweep`, `?mode=exercise`, so a teacher can link one), and OSTEP
//! (`?mode=ostep`, its own panel: [`super::ostep_panel`]).
//!
//! A panel's form, tables and charts are markup the lab worker writes ([`crate::lab`]): this
//! component shows it, sends each submitted form to the worker (its fields, the pressed button
//! and the scenario in use), and shows the progress of long jobs with Cancel. A panel opened for
//! the first time gets its first form with default results; a panel's results follow the
//! scenario in use (picked at the left) by sending its last form again.

use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{Element, FormData, HtmlFormElement, SubmitEvent};
use yew::prelude::*;

use super::ostep_panel::OstepPanel;
use crate::lab::races_view;
use crate::messaging::lab::{Lab, LabJob, Panel};
use crate::page::{PageAction, Source, Via};
use crate::ui::markup::raw;
use crate::ui::nested_worker::{NestedWorker, WorkerEvent};

/// A mode besides the simulator: a lab panel, or OSTEP's simulators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A lab panel (compare, sweep, exercise).
    Lab(Panel),
    /// OSTEP's homework simulators, by command line.
    Ostep,
}

impl Mode {
    /// The lab panel, if it is one.
    pub fn lab(self) -> Option<Panel> {
        match self {
            Mode::Lab(p) => Some(p),
            Mode::Ostep => None,
        }
    }

    /// Its key in the address (`?mode=compare`).
    fn key(self) -> &'static str {
        match self {
            Mode::Lab(p) => PANELS[index(p)].1,
            Mode::Ostep => "ostep",
        }
    }

    /// Whether the scenario in use and its settings (the page's left column) do anything for
    /// this mode: not for OSTEP's (it runs its command line) nor an exercise (its own seeded
    /// jobs), which hide them.
    pub fn uses_scenario(self) -> bool {
        !matches!(self, Mode::Lab(Panel::Exercise) | Mode::Ostep)
    }

    /// Every mode, in the order the mode menu lists them, with its label.
    fn all() -> [(Mode, &'static str); 5] {
        let lab = PANELS.map(|p| (Mode::Lab(p.0), p.2));
        [lab[0], lab[1], lab[2], lab[3], (Mode::Ostep, "OSTEP")]
    }
}

/// The lab panels, in the order the mode menu lists them: key, label and worker script.
const PANELS: [(Panel, &str, &str, &str); 4] = [
    (Panel::Compare, "compare", "Compare", "compare_worker_loader.js"),
    (Panel::Sweep, "sweep", "Sweep", "sweep_worker_loader.js"),
    (Panel::Exercise, "exercise", "Exercise", "exercise_worker_loader.js"),
    (Panel::Races, "races", "Races", "races_worker_loader.js"),
];

/// The mode the address asks for (`?mode=compare`), if any.
pub fn mode_from_address() -> Option<Mode> {
    let search = gloo::utils::window().location().search().ok()?;
    let mode = web_sys::UrlSearchParams::new_with_str(&search).ok()?.get("mode")?;
    Mode::all().into_iter().map(|m| m.0).find(|m| m.key() == mode)
}

/// Puts the mode in the address bar (no reload), keeping its other parameters but the OSTEP
/// mode's command line (`cmd`) outside that mode (the OSTEP panel puts it back when shown).
fn show_mode(mode: Option<Mode>) {
    let window = gloo::utils::window();
    let (Ok(history), Ok(search)) = (window.history(), window.location().search()) else { return };
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) else { return };
    match mode {
        Some(m) => params.set("mode", m.key()),
        None => params.delete("mode"),
    }
    if mode != Some(Mode::Ostep) {
        params.delete("cmd");
    }
    let path = window.location().pathname().unwrap_or_default();
    let _ = history.replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&format!("{path}?{}", String::from(params.to_string()))),
    );
}

/// Moves the focus to the simulator's timeline heading (`#timeline-title`, focusable by script
/// only), if it is drawn.
fn focus_timeline() {
    let heading = gloo::utils::document().get_element_by_id("timeline-title");
    if let Some(h) = heading.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = h.focus();
    }
}

/// When the focus is in the panel's markup (on the button just pressed), moves it, once the new
/// markup is drawn, to the new markup's `data-autofocus` element, if it has one (Races: the
/// thread that ran, so the keyboard can go on choosing).
fn keep_focus() {
    const BODY: &str = "[data-testid=lab-body]";
    let document = gloo::utils::document();
    let inside = document.active_element().and_then(|a| a.closest(BODY).ok().flatten()).is_some();
    if inside {
        gloo::timers::callback::Timeout::new(0, move || {
            let target = gloo::utils::document().query_selector(&format!("{BODY} [data-autofocus]")).ok().flatten();
            if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = el.focus();
            }
        })
        .forget();
    }
}

/// Props of [`LabPanel`].
#[derive(Properties, PartialEq)]
pub struct LabPanelProps {
    /// The mode shown; `None`: the simulator (only the mode menu is drawn here).
    pub mode: Option<Mode>,
    /// Called with the mode picked.
    pub on_mode: Callback<Option<Mode>>,
    /// The page's actions (the OSTEP mode opens its run's scenario with one).
    pub on_page: Callback<PageAction>,
    /// The scenario in use, as its author wrote it.
    pub scenario: Rc<str>,
    /// Its preset key, if it is an unedited preset (for the command lines shown).
    pub preset: AttrValue,
}

/// What a panel shows.
#[derive(Clone, Default, PartialEq)]
struct View {
    markup: Option<AttrValue>,
    /// Whether it waits for its worker, and how far that has got.
    busy: bool,
    progress: Option<(u32, u32)>,
    error: Option<String>,
    /// `error` is the learner's own Cancel, said plainly (not as an alert).
    cancelled: bool,
    /// Races' Every interleaving was asked for and has not answered: its results shown are
    /// the previous run's, so they are hidden, and its progress is the explorer's count (what
    /// it counts in `progress.1`: [`races_view::COUNTING_STATES`]).
    exploring: bool,
}

/// What Every interleaving's search has counted so far, in words (`total` says what,
/// [`races_view::COUNTING_STATES`]).
fn explored_count(progress: Option<(u32, u32)>) -> String {
    match progress {
        Some((n, races_view::COUNTING_STATES)) => format!("{n} states"),
        Some((n, _)) => format!("{n} interleavings"),
        None => "0 states".into(),
    }
}

fn index(panel: Panel) -> usize {
    PANELS.iter().position(|p| p.0 == panel).unwrap_or(0)
}

/// The mode menu and the lab panel in use.
#[component]
pub fn LabPanel(props: &LabPanelProps) -> Html {
    // The worker's tables scroll sideways in their own boxes, which then say so.
    crate::ui::wide_tables::use_wide_table_hints();
    let views = use_mut_ref(<[View; 4]>::default);
    let redraw = use_force_update();
    // The last fields sent per panel, sent again when the scenario in use changes.
    let last = use_mut_ref(|| [None::<Vec<(String, String)>>, None, None, None]);
    // The scenario each panel last computed for: coming back to a panel without a change of
    // scenario shows what it had (a search still running goes on), not a fresh start.
    let computed_for = use_mut_ref(|| [None::<Rc<str>>, None, None, None]);
    let workers = {
        let (views, redraw) = (views.clone(), redraw.clone());
        use_memo((), move |_| {
            PANELS.map(|p| {
                let (views, redraw) = (views.clone(), redraw.clone());
                let i = index(p.0);
                NestedWorker::<Lab>::new(
                    p.3,
                    Callback::from(move |e: WorkerEvent<String>| {
                        {
                            let v = &mut views.borrow_mut()[i];
                            match e {
                                WorkerEvent::Progress(done, total) => v.progress = Some((done, total)),
                                WorkerEvent::Done(markup) => {
                                    (v.busy, v.progress, v.exploring) = (false, None, false);
                                    keep_focus();
                                    v.markup = Some(markup.into());
                                }
                                WorkerEvent::Failed(message) => {
                                    (v.busy, v.progress, v.cancelled) = (false, None, false);
                                    v.error = Some(message);
                                }
                            }
                        }
                        redraw.force_update();
                    }),
                )
            })
        })
    };
    let send = {
        let (views, workers, last, scenario, preset) =
            (views.clone(), workers.clone(), last.clone(), props.scenario.clone(), props.preset.clone());
        move |panel: Panel, fields: Vec<(String, String)>| {
            let i = index(panel);
            last.borrow_mut()[i] = Some(fields.clone());
            {
                let v = &mut views.borrow_mut()[i];
                (v.busy, v.progress, v.error) = (true, None, None);
                v.exploring = panel == Panel::Races && fields.iter().any(|(k, v)| k == "tool" && v == "explore");
            }
            let job = LabJob { panel, fields, scenario: scenario.to_string(), preset: preset.to_string() };
            workers[i].send(job);
        }
    };
    let lab = props.mode.and_then(Mode::lab);
    // A panel opened for the first time, or whose scenario changed, is (re)computed.
    {
        let (send, last, computed_for) = (send.clone(), last.clone(), computed_for.clone());
        use_effect_with((lab, props.scenario.clone()), move |(lab, scenario)| {
            if let Some(panel) = *lab {
                let i = index(panel);
                if computed_for.borrow()[i].as_ref() != Some(scenario) {
                    computed_for.borrow_mut()[i] = Some(scenario.clone());
                    let fields = last.borrow()[i].clone().unwrap_or_default();
                    send(panel, fields);
                }
            }
        });
    }
    // Said to screen readers (a status region kept in the page, so a change is announced).
    let announce = use_state(String::new);
    // The OSTEP mode's run, or a Races schedule, opens as the custom scenario, in the
    // simulator's view. The button that had the focus is gone with the mode, so the focus goes
    // to the timeline's heading once it is drawn, and the status region says where it is.
    let on_open = {
        let (on_mode, on_page, announce) = (props.on_mode.clone(), props.on_page.clone(), announce.clone());
        use_callback((), move |(text, what, said): (String, &'static str, &'static str), _| {
            show_mode(None);
            on_mode.emit(None);
            on_page.emit(PageAction::Open { source: Source::Custom, text, via: Via::Import(what.into()) });
            announce.set(format!("{said} is open as the custom scenario in the simulator; focus is on its timeline."));
            gloo::timers::callback::Timeout::new(0, focus_timeline).forget();
        })
    };
    // A form submitted inside the panel's markup: its fields and the pressed button go to the
    // worker; a pressed button named `open` (a Races schedule) opens its value instead.
    let host = use_node_ref();
    {
        let (host, send, on_open) = (host.clone(), send.clone(), on_open.clone());
        use_effect_with(lab, move |lab| {
            let listener = host.cast::<Element>().zip(*lab).map(|(el, panel)| {
                let options = EventListenerOptions::enable_prevent_default();
                EventListener::new_with_options(&el, "submit", options, move |e| {
                    e.prevent_default();
                    let Some(form) = e.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
                    let mut fields = Vec::new();
                    if let Ok(data) = FormData::new_with_form(&form)
                        && let Ok(Some(entries)) = js_sys::try_iter(&data)
                    {
                        for entry in entries.flatten() {
                            let pair: js_sys::Array = entry.unchecked_into();
                            fields.push((
                                pair.get(0).as_string().unwrap_or_default(),
                                pair.get(1).as_string().unwrap_or_default(),
                            ));
                        }
                    }
                    if let Some(button) = e.dyn_ref::<SubmitEvent>().and_then(SubmitEvent::submitter)
                        && let Some(name) = button.get_attribute("name")
                    {
                        let value = button.get_attribute("value").unwrap_or_default();
                        if name == "open" {
                            on_open.emit((value, "the Races schedule", "The schedule"));
                            return;
                        }
                        fields.push((name, value));
                    }
                    send(panel, fields);
                })
            });
            move || drop(listener)
        });
    }
    let nav = {
        let on_mode = props.on_mode.clone();
        let link = move |mode: Option<Mode>, key: &'static str, label: &'static str| {
            let on_mode = on_mode.clone();
            let onclick = Callback::from(move |e: MouseEvent| {
                e.prevent_default();
                show_mode(mode);
                on_mode.emit(mode);
            });
            let current = (props.mode == mode).then_some("page");
            html! { <a href={format!("?mode={key}")} aria-current={current} data-testid={format!("mode-{key}")} {onclick}>{ label }</a> }
        };
        html! {
            <nav class="modes" aria-label="Mode">
                { link(None, "simulator", "Simulator") }
                { for Mode::all().into_iter().map(|(m, label)| link(Some(m), m.key(), label)) }
            </nav>
        }
    };
    let on_ostep = on_open.reform(|text: String| (text, "the OSTEP run", "The OSTEP run"));
    let ostep = html! {
        <>
            <OstepPanel visible={props.mode == Some(Mode::Ostep)} on_open={on_ostep} />
            <p class="visually-hidden" role="status" data-testid="mode-announce">{ (*announce).clone() }</p>
        </>
    };
    let Some(panel) = lab else {
        // As many children as below (an empty third), so the OSTEP panel is the same node in
        // both and keeps its line and answer while another mode is shown (Yew pairs unkeyed
        // children by place).
        return html! { <>{ nav }{ ostep }{ Html::default() }</> };
    };
    let i = index(panel);
    let v = views.borrow()[i].clone();
    let on_cancel = {
        let (workers, views, redraw) = (workers.clone(), views.clone(), redraw.clone());
        Callback::from(move |_: ()| {
            workers[i].cancel();
            let v = &mut views.borrow_mut()[i];
            v.cancelled = true;
            v.error = Some(if v.exploring {
                format!(
                    "Stopped after {} (cancelled): nothing to show. To see every final value, explore a smaller program (fewer threads, loop iterations or shared steps).",
                    explored_count(v.progress)
                )
            } else {
                "Cancelled: the results shown are the ones before.".into()
            });
            (v.busy, v.progress) = (false, None);
            redraw.force_update();
            // The Cancel button is gone: the focus goes back to the form's button.
            let run = gloo::utils::document().query_selector("[data-testid=explore-run]").ok().flatten();
            if let Some(b) = run.and_then(|b| b.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = b.focus();
            }
        })
    };
    // Esc stops an exploration too.
    let onkeydown = {
        let on_cancel = on_cancel.clone();
        let exploring = v.busy && v.exploring;
        Callback::from(move |e: KeyboardEvent| {
            if exploring && e.key() == "Escape" {
                e.prevent_default();
                on_cancel.emit(());
            }
        })
    };
    let intro = match panel {
        Panel::Compare => {
            "The scenario in use (pick it at the left) under several settings: its metrics side by side and a timeline each."
        }
        Panel::Sweep => "One metric of the scenario in use against the values of one setting, a line per policy.",
        Panel::Exercise => "A seeded workload to schedule by hand: work out each job's times, then check them.",
        Panel::Races => {
            "The scenario in use's races: be the scheduler, see every interleaving's final value, or run it under many seeds."
        }
    };
    html! {
        <>
            { nav }
            { ostep }
            <section class="panel lab" data-testid={format!("lab-{}", PANELS[i].1)} aria-labelledby="lab-title" aria-busy={v.busy.to_string()} {onkeydown}>
                <h2 id="lab-title" class="panel-title">{ PANELS[i].2 }</h2>
                <p class="hint">{ intro }</p>
                if v.busy && v.exploring {
                    <div class="buttons">
                        <p role="status" aria-live="polite" data-testid="explore-progress">{ format!("Exploring… {} so far", explored_count(v.progress)) }</p>
                        <button data-testid="explore-cancel" aria-keyshortcuts="Escape" onclick={on_cancel.reform(|_| ())}>{ "Cancel" }</button>
                    </div>
                } else if let Some((done, total)) = v.progress.filter(|_| v.busy) {
                    <p class="buttons" role="status" data-testid="lab-progress">
                        <progress max={total.to_string()} value={done.to_string()} aria-label="Runs done" />
                        { format!("{done} of {total} runs done…") }
                        <button onclick={on_cancel.reform(|_| ())}>{ "Cancel" }</button>
                    </p>
                }
                if let Some(e) = &v.error {
                    if v.cancelled {
                        <p class="muted" role="status" data-testid="lab-note">{ e }</p>
                    } else {
                        <p class="error" role="alert" data-testid="lab-note">{ e }</p>
                    }
                }
                <div ref={host} class={classes!("lab-body", v.exploring.then_some("stale"))} data-testid="lab-body">
                    { v.markup.as_ref().map(|m| raw(m.to_string())).unwrap_or_else(|| html! { <p class="muted" role="status">{ "Working…" }</p> }) }
                </div>
            </section>
        </>
    }
}
