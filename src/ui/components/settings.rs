//! Settings that change the scenario and re-run it: CPUs, policy, quantum.

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::model::scenario::{DEFAULT_QUANTUM_TICKS as DEFAULT_QUANTUM, MAX_CPUS, Policy};
use crate::model::{Scenario, Ticks};
use crate::ui::run::Run;


/// One edit of the scenario's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SettingsChange {
    /// Number of CPUs (clamped to 1..=64).
    Cpus(u32),
    Policy(Policy),
    /// Time slice in ticks (at least 1).
    Quantum(Ticks),
}

impl SettingsChange {
    /// Writes the change into `scenario`.
    pub fn apply_to(self, scenario: &mut Scenario) {
        match self {
            SettingsChange::Cpus(n) => scenario.machine.cpus = n.clamp(1, MAX_CPUS),
            SettingsChange::Policy(p) => scenario.scheduler.set_policy(p),
            SettingsChange::Quantum(q) => scenario.scheduler.quantum = Some(q.max(1)),
        }
    }
}

/// Props of [`Settings`].
#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub run: Rc<Run>,
    pub on_change: Callback<SettingsChange>,
}

/// CPU count, policy and quantum inputs; each change re-runs the scenario.
#[component]
pub fn Settings(props: &SettingsProps) -> Html {
    let sched = &props.run.scenario.scheduler;
    let cpus = props.run.scenario.machine.cpus;
    let on_cpus = props.on_change.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        SettingsChange::Cpus(input.value().trim().parse().unwrap_or(0))
    });
    let on_quantum = props.on_change.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        SettingsChange::Quantum(input.value().trim().parse().unwrap_or(0))
    });
    // Ignore empty or half-typed numbers: the input keeps the user's text until it parses.
    let valid = |e: &InputEvent| e.target_unchecked_into::<HtmlInputElement>().value().trim().parse::<u64>().is_ok();
    let on_cpus = Callback::from(move |e: InputEvent| if valid(&e) { on_cpus.emit(e) });
    let on_quantum = Callback::from(move |e: InputEvent| if valid(&e) { on_quantum.emit(e) });
    let on_policy = props.on_change.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        SettingsChange::Policy(Policy::from_key(&select.value()).unwrap_or_default())
    });
    let rr = sched.policy.uses_quantum();
    html! {
        <section class="panel settings">
            <h2 class="panel-title">{ "Machine and scheduler" }</h2>
            <p class="hint">{ "Changing a setting re-runs the scenario from t = 0." }</p>
            <div class="settings-grid">
            <div class="field">
                <label for="setting-cpus">{ "CPUs" }</label>
                <input id="setting-cpus" data-testid="setting-cpus" type="number" min="1" max={MAX_CPUS.to_string()} step="1"
                    value={cpus.to_string()} oninput={on_cpus} />
            </div>
            <div class="field wide">
                <label for="setting-policy">{ "Policy" }</label>
                <select id="setting-policy" data-testid="setting-policy" onchange={on_policy}>
                    { for Policy::ALL.iter().map(|p| html! {
                        <option value={p.key()} selected={*p == sched.policy}>{ p.label() }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="setting-quantum">{ "Quantum (µs)" }</label>
                <input id="setting-quantum" data-testid="setting-quantum" type="number" min="1" step="1" disabled={!rr}
                    value={sched.quantum.unwrap_or(DEFAULT_QUANTUM).to_string()} oninput={on_quantum}
                    title={if rr { "Time slice before a thread is pre-empted" } else { "Only Round Robin uses a quantum" }} />
            </div>
            </div>
        </section>
    }
}
