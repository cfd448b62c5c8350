//! The scenario menu: shipped presets, the user's custom scenario and named ones; the chosen
//! scenario's description; keeping the scenario in use under a name, and forgetting one.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::page::{Group, PageAction, Source};
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
    let loaded = state.in_use().expect("the picker is shown with a run");
    let selected = loaded.source.key();
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
    let replaces_other = exists && loaded.source != Source::Saved(name.trim().to_string());
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
    let delete = match &loaded.source {
        Source::Saved(n) => {
            let n = n.clone();
            let label = format!("Forget \u{201c}{n}\u{201d}");
            let onclick = props.on_action.reform(move |_: MouseEvent| PageAction::Delete(n.clone()));
            html! { <button type="button" data-testid="btn-delete-saved" {onclick}>{ label }</button> }
        }
        _ => html! {},
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
            <form class="keep" onsubmit={on_keep}>
                <label for="keep-name">{ "Keep it in this browser as" }</label>
                <div class="keep-row">
                    <input id="keep-name" data-testid="keep-name" type="text" value={(*name).clone()} oninput={on_name} />
                    <button type="submit" data-testid="btn-keep">{ if exists { "Replace" } else { "Keep" } }</button>
                    { delete }
                </div>
                { confirm_note }
            </form>
        </section>
    }
}
