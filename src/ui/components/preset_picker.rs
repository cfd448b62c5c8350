//! The scenario menu: shipped presets, the user's custom scenario and named ones; the chosen
//! scenario's description; keeping the scenario in use under a name, and forgetting one. With
//! no scenario in use (no preset file could be fetched at start) it is the menu alone, with a
//! first entry that asks for a pick, so that any scenario picked is a change.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::page::{Group, PageAction, Source};
use crate::ui::components::scenario_editor::{download, file_name};
use crate::ui::components::use_select_value;
use crate::ui::format::with_code;
use crate::ui::state::PageStore;

/// Props of [`PresetPicker`].
#[derive(Properties, PartialEq)]
pub struct PresetPickerProps {
    /// The page's state.
    pub state: UseReducerHandle<PageStore>,
    /// Page actions (pick, save, delete).
    pub on_action: Callback<PageAction>,
}

/// `<select>` of scenarios (value = [`Source::key`]), the description, and "keep as" / delete.
#[component]
pub fn PresetPicker(props: &PresetPickerProps) -> Html {
    let state = &props.state.0;
    let loaded = state.in_use();
    let selected = loaded.map(|l| l.source.key()).unwrap_or_default();
    let select = use_select_value(selected.clone());
    let onchange = props.on_action.reform(|e: Event| {
        let select: HtmlSelectElement = e.target_unchecked_into();
        PageAction::Pick(select.value())
    });
    let choices = state.choices();
    let option = |c: &crate::page::Choice| {
        html! { <option value={c.value.clone()} selected={c.value == selected}>{ c.label.clone() }</option> }
    };
    let presets: Html = choices.iter().filter(|c| c.group == Group::Presets).map(option).collect();
    let mine: Vec<Html> = choices.iter().filter(|c| c.group == Group::Mine).map(option).collect();

    // The name to keep the scenario under: the name it is kept under, or its own (made free).
    let kept_name = state.suggested_name();
    let name = use_state(|| kept_name.clone());
    {
        let name = name.clone();
        use_effect_with(kept_name.clone(), move |n| name.set(n.clone()));
    }
    // Replacing another kept scenario asks first: the name it would replace, until the second press.
    let confirming = use_state(|| None::<String>);
    let on_name = {
        let (name, confirming) = (name.clone(), confirming.clone());
        Callback::from(move |e: InputEvent| {
            name.set(e.target_unchecked_into::<HtmlInputElement>().value());
            confirming.set(None);
        })
    };
    let exists = state.saved.iter().any(|n| n.name == name.trim());
    let replaces_other = exists && loaded.is_some_and(|l| l.source != Source::Saved(name.trim().to_string()));
    let on_keep = {
        let (name, confirming, on_action) = (name.clone(), confirming.clone(), props.on_action.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let wanted = name.trim().to_string();
            if replaces_other && confirming.as_deref() != Some(wanted.as_str()) {
                confirming.set(Some(wanted));
            } else {
                confirming.set(None);
                on_action.emit(PageAction::Save(wanted));
            }
        })
    };
    let confirm_note = match &*confirming {
        Some(n) if replaces_other && *n == name.trim() => html! {
            <p class="hint" role="alert" data-testid="keep-confirm">
                { format!("\u{201c}{n}\u{201d} is kept already, with another scenario: press Replace again to overwrite it, or change the name.") }
            </p>
        },
        _ => html! {},
    };
    // Forgetting asks first too (as Replace does): the name, what becomes of the text, and an
    // Export to keep it as a file; until Forget is pressed again, or Cancel.
    let forgetting = use_state(|| false);
    {
        let forgetting = forgetting.clone();
        use_effect_with(selected.clone(), move |_| forgetting.set(false));
    }
    let forget_button = |n: &str| {
        let label = format!("Forget \u{201c}{n}\u{201d}\u{2026}");
        let expanded = forgetting.to_string();
        let forgetting = forgetting.clone();
        let onclick = Callback::from(move |_: MouseEvent| forgetting.set(!*forgetting));
        html! {
            <button type="button" data-testid="btn-delete-saved" aria-expanded={expanded}
                aria-controls="forget-confirm" {onclick}>{ label }</button>
        }
    };
    let Some(loaded) = loaded else {
        return html! {
            <section class="panel preset-picker">
                <label for="preset-select" class="panel-title">{ "Scenario" }</label>
                <select id="preset-select" data-testid="preset-select" ref={select} {onchange}>
                    <option value="" selected=true disabled=true>{ "Pick one\u{2026}" }</option>
                    <optgroup label="Presets">{ presets }</optgroup>
                    if !mine.is_empty() {
                        <optgroup label="Yours (kept in this browser)">{ for mine }</optgroup>
                    }
                </select>
            </section>
        };
    };
    let (delete, forget_note) = match &loaded.source {
        Source::Saved(n) if *forgetting => {
            let (name, text) = (n.clone(), loaded.text.clone());
            let on_forget = props.on_action.reform(move |_: MouseEvent| PageAction::Delete(name.clone()));
            let on_export = {
                let name = loaded.summary.name.clone();
                Callback::from(move |_: MouseEvent| download(&file_name(&name), &text))
            };
            let on_cancel = {
                let forgetting = forgetting.clone();
                Callback::from(move |_: MouseEvent| forgetting.set(false))
            };
            let note = html! {
                <div class="hint forget-confirm" id="forget-confirm" role="alert" data-testid="forget-confirm">
                    <p>{ format!("Forget \u{201c}{n}\u{201d}? Its name and text leave this browser's kept scenarios. The run shown stays, as the custom scenario, only until your next apply or import replaces it: export it first to keep the text as a file.") }</p>
                    <div class="keep-row">
                        <button type="button" data-testid="btn-forget-confirm" onclick={on_forget}>{ format!("Forget \u{201c}{n}\u{201d}") }</button>
                        <button type="button" data-testid="btn-forget-export" onclick={on_export}>{ "Export first" }</button>
                        <button type="button" data-testid="btn-forget-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                    </div>
                </div>
            };
            (forget_button(n), note)
        }
        Source::Saved(n) => (forget_button(n), html! {}),
        _ => (html! {}, html! {}),
    };
    html! {
        <section class="panel preset-picker">
            <label for="preset-select" class="panel-title">{ "Scenario" }</label>
            <select id="preset-select" data-testid="preset-select" ref={select} {onchange}>
                <optgroup label="Presets">{ presets }</optgroup>
                if !mine.is_empty() {
                    <optgroup label="Yours (kept in this browser)">{ for mine }</optgroup>
                }
            </select>
            <p class="description" data-testid="scenario-description">{ with_code(&loaded.summary.description) }</p>
            // A description may speak of the settings as shipped ("on 2 CPUs") or as opened
            // (an OSTEP run's "switched every 2 instructions").
            if loaded.edited {
                <p class="hint" data-testid="description-edited">{ format!("Written for the scenario as {}: its settings have changed since.", match loaded.source { Source::Preset(_) => "shipped", Source::Saved(_) => "kept", Source::Custom => "opened" }) }</p>
            }
            <form class="keep" onsubmit={on_keep}>
                <label for="keep-name">{ "Keep it in this browser as" }</label>
                <div class="keep-row">
                    <input id="keep-name" data-testid="keep-name" type="text" value={(*name).clone()} oninput={on_name} />
                    <button type="submit" data-testid="btn-keep">{ if exists { "Replace" } else { "Keep" } }</button>
                    { delete }
                </div>
                { confirm_note }
            </form>
            { forget_note }
        </section>
    }
}
