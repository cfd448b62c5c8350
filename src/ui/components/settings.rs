//! Settings that change the scenario in use and re-run it: CPUs, policy, the policy's quantum
//! and tie rule, and (read-only) its other parameters. Every box shows the latest scenario asked
//! for ([`crate::page::PageState::asked`]: the run being read or computed, else the one in use);
//! a box being typed in keeps the learner's text until it loses focus.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::model::scenario::{MAX_CPUS, MAX_SWITCH_TICKS, Policy, ScenarioEdit, TieRule};
use crate::page::{Loaded, PageAction};
use crate::ui::components::use_select_value;

/// Largest quantum the box accepts, in ticks.
const MAX_QUANTUM: u64 = 1_000_000_000;

/// A settings box's text as a whole number in `min..=max`, or what is wrong with it.
/// `what` names the setting in the message ("The CPU count").
fn parse_whole(text: &str, what: &str, min: u64, max: u64) -> Result<u64, String> {
    let text = text.trim();
    let range = if max == MAX_QUANTUM { format!("at least {min}") } else { format!("from {min} to {max}") };
    if text.is_empty() {
        return Err(format!("{what} must be a whole number {range}."));
    }
    match text.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(n) => Err(format!("{what} must be {range}, not {n}.")),
        Err(_) if text.starts_with('-') && text[1..].parse::<u64>().is_ok() => {
            Err(format!("{what} must be {range}, not {text}."))
        }
        Err(_) => Err(format!("{what} must be a whole number {range}, not \u{201c}{text}\u{201d}.")),
    }
}

/// The tie rule's key in files and in the menu's values.
fn tie_key(tie: TieRule) -> &'static str {
    match tie {
        TieRule::ArrivalsFirst => "arrivals_first",
        TieRule::PreemptedFirst => "preempted_first",
    }
}

/// Props of [`Settings`].
#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    /// The latest scenario asked for ([`crate::page::PageState::asked`]).
    pub loaded: Loaded,
    /// Page actions: each setting sends a [`PageAction::Edit`].
    pub on_action: Callback<PageAction>,
}

/// A number box's state: `draft` is the user's text while they type (shown in the box until it
/// loses focus, so no run's answer overwrites a keystroke), `error` says what is wrong.
struct NumberBox {
    draft: UseStateHandle<Option<String>>,
    error: UseStateHandle<Option<String>>,
}

impl NumberBox {
    /// The text to show: the learner's text while typing, else the value asked for.
    fn shown(&self, current: u64) -> String {
        (*self.draft).clone().unwrap_or_else(|| current.to_string())
    }

    /// Input and blur handlers: the text is kept as typed; a valid value is sent at once, an
    /// invalid one shows the error and sends nothing; on blur the box shows the value asked for
    /// (an invalid text goes back to `current`, and the error stays, saying which value the run
    /// still uses).
    fn handlers(
        &self,
        current: u64,
        check: fn(&str) -> Result<u64, String>,
        send: Callback<u64>,
    ) -> (Callback<InputEvent>, Callback<FocusEvent>) {
        let on_input = {
            let (draft, error) = (self.draft.clone(), self.error.clone());
            Callback::from(move |e: InputEvent| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let value = input.value();
                let checked = check(&value);
                draft.set(Some(value));
                match checked {
                    Ok(n) => {
                        error.set(None);
                        if n != current {
                            send.emit(n);
                        }
                    }
                    Err(msg) => error.set(Some(msg)),
                }
            })
        };
        let on_blur = {
            let draft = self.draft.clone();
            Callback::from(move |e: FocusEvent| {
                let input: HtmlInputElement = e.target_unchecked_into();
                if check(&input.value()).is_err() {
                    input.set_value(&current.to_string());
                }
                draft.set(None);
            })
        };
        (on_input, on_blur)
    }
}

/// The inline message under a box whose text is invalid.
fn error_line(id: &str, error: &Option<String>, in_use: u64) -> Html {
    match error {
        Some(msg) => html! {
            <p class="setting-error" id={id.to_string()} role="alert" data-testid="setting-error">
                { format!("{msg} The run still uses {in_use}.") }
            </p>
        },
        None => html! {},
    }
}

/// CPU count, policy, quantum and tie rule inputs; each valid change re-runs the scenario.
#[component]
pub fn Settings(props: &SettingsProps) -> Html {
    let summary = &props.loaded.summary;
    let cpus = u64::from(summary.cpus);
    let quantum = summary.quantum;
    let has_tie = summary.tie.is_some();
    let on_change = props.on_action.reform(PageAction::Edit);
    let cpus_box = NumberBox { draft: use_state(|| None), error: use_state(|| None) };
    let quantum_box = NumberBox { draft: use_state(|| None), error: use_state(|| None) };
    let create_box = NumberBox { draft: use_state(|| None), error: use_state(|| None) };
    // A new scenario (preset, apply, import…) shows its own values: old complaints no longer apply.
    {
        let handles = [
            cpus_box.draft.clone(),
            cpus_box.error.clone(),
            quantum_box.draft.clone(),
            quantum_box.error.clone(),
            create_box.draft.clone(),
            create_box.error.clone(),
        ];
        use_effect_with(props.loaded.text.clone(), move |_| handles.iter().for_each(|h| h.set(None)));
    }
    let policy_select = use_select_value(summary.policy.key().to_string());
    let tie_in_use = tie_key(summary.tie.unwrap_or_default());
    let tie_select = use_select_value(tie_in_use.to_string());
    let (on_cpus, on_cpus_blur) = cpus_box.handlers(
        cpus,
        |t| parse_whole(t, "The CPU count", 1, u64::from(MAX_CPUS)),
        on_change.reform(|n: u64| ScenarioEdit::Cpus(n as u32)),
    );
    let shown_quantum = quantum.unwrap_or(0);
    let (on_quantum, on_quantum_blur) = quantum_box.handlers(
        shown_quantum,
        |t| parse_whole(t, "The quantum", 1, MAX_QUANTUM),
        on_change.reform(ScenarioEdit::Quantum),
    );
    // Shown only for a scenario whose programs `create` threads.
    let create_ticks = summary.thread_create_ticks;
    let shown_create = create_ticks.unwrap_or(0);
    let (on_create, on_create_blur) = create_box.handlers(
        shown_create,
        |t| parse_whole(t, "Thread creation", 0, MAX_SWITCH_TICKS),
        on_change.reform(ScenarioEdit::ThreadCreateTicks),
    );
    let (cpus_error, quantum_error, create_error) = (&*cpus_box.error, &*quantum_box.error, &*create_box.error);
    let on_policy = on_change.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        ScenarioEdit::Policy(Policy::from_key(&select.value()).unwrap_or(Policy::Fcfs))
    });
    let on_tie = on_change.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        let tie = if select.value() == tie_key(TieRule::PreemptedFirst) {
            TieRule::PreemptedFirst
        } else {
            TieRule::ArrivalsFirst
        };
        ScenarioEdit::Tie(tie)
    });
    let rr = quantum.is_some() && summary.levels.is_empty();
    // The policy's other parameters, as the reader found them: shown, edited in the JSON.
    let others = &summary.params;
    let policy = summary.policy;
    html! {
        <section class="panel settings">
            <h2 class="panel-title">{ "Machine and scheduler" }</h2>
            <p class="hint">{ "Changing a setting re-runs the scenario from t = 0 and changes only that value in its JSON." }</p>
            <div class="settings-grid">
            <div class="field">
                <label for="setting-cpus">{ "CPUs" }</label>
                <input id="setting-cpus" data-testid="setting-cpus" type="number" min="1" max={MAX_CPUS.to_string()} step="1"
                    value={cpus_box.shown(cpus)} oninput={on_cpus} onblur={on_cpus_blur}
                    aria-invalid={cpus_error.is_some().to_string()} aria-describedby={cpus_error.is_some().then_some("cpus-error")} />
                { error_line("cpus-error", cpus_error, cpus) }
            </div>
            { for summary.notes.iter().map(|n| html! { <p class="hint field wide" data-testid="policy-note">{ n.clone() }</p> }) }
            <div class="field wide">
                <label for="setting-policy">{ "Policy" }</label>
                <select id="setting-policy" data-testid="setting-policy" ref={policy_select} onchange={on_policy}>
                    { for Policy::ALL.iter().map(|p| html! {
                        <option value={p.key()} selected={*p == policy}>{ p.label() }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="setting-quantum">{ "Quantum (µs)" }</label>
                if summary.levels.is_empty() {
                <input id="setting-quantum" data-testid="setting-quantum" type="number" min="1" step="1" disabled={!rr}
                    value={if rr { quantum_box.shown(shown_quantum) } else { String::new() }} placeholder={(!rr).then_some("—")}
                    oninput={on_quantum} onblur={on_quantum_blur}
                    aria-invalid={quantum_error.is_some().to_string()} aria-describedby={quantum_error.is_some().then_some("quantum-error")}
                    title={if rr { "Time slice before a thread is pre-empted".to_string() } else { format!("{} has no quantum", policy.label()) }} />
                { error_line("quantum-error", quantum_error, shown_quantum) }
                } else {
                    // MLFQ: one per level; a single box would flatten them (edit them in the JSON).
                    <output id="setting-quantum" data-testid="setting-quantum" title="One per level, top first (edit the levels in the JSON)">
                        { summary.levels.iter().map(u64::to_string).collect::<Vec<_>>().join(" / ") }
                    </output>
                }
            </div>
            if create_ticks.is_some() {
                <div class="field">
                    <label for="setting-create">{ "Thread creation (µs)" }</label>
                    <input id="setting-create" data-testid="setting-create" type="number" min="0" step="1"
                        value={create_box.shown(shown_create)} oninput={on_create} onblur={on_create_blur}
                        aria-invalid={create_error.is_some().to_string()} aria-describedby={create_error.is_some().then_some("create-error")}
                        title="CPU time a create (pthread_create) costs the creating thread: machine.thread_create_ticks, 14 by default (13.62 µs measured on Linux)" />
                    { error_line("create-error", create_error, shown_create) }
                </div>
            }
            <div class="field">
                <label for="setting-tie">{ "Ties (same instant)" }</label>
                <select id="setting-tie" data-testid="setting-tie" ref={tie_select} onchange={on_tie} disabled={!has_tie}
                    title={if has_tie { "Who queues first when threads become ready at the same instant".to_string() } else { format!("{} has no tie rule", policy.label()) }}>
                    <option value="arrivals_first" selected={tie_in_use == "arrivals_first"}>{ "Arrivals first" }</option>
                    <option value="preempted_first" selected={tie_in_use == "preempted_first"}>{ "Pre-empted first" }</option>
                </select>
            </div>
            if !others.is_empty() {
                <div class="field wide" data-testid="policy-params">
                    <span class="field-label">{ "Other parameters (edit them in the JSON)" }</span>
                    <dl class="params">
                        { for others.iter().map(|(k, v)| html! {
                            <div><dt><code>{ k.clone() }</code></dt><dd data-testid={format!("param-{k}")}>{ v.clone() }</dd></div>
                        }) }
                    </dl>
                </div>
            }
            </div>
        </section>
    }
}
