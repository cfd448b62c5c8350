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

    // The name to keep the scenario under: its own name, or the name it is kept under.
    let kept_name = match &loaded.source {
        Source::Saved(n) => n.clone(),
        _ => loaded.summary.name.clone(),
    };
    let name = use_state(|| kept_name.clone());
    {
        let name = name.clone();
        use_effect_with(kept_name.clone(), move |n| name.set(n.clone()));
    }
    let on_name = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_keep = {
        let name = name.clone();
        props.on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            PageAction::Save((*name).clone())
        })
    };
    let exists = state.saved.iter().any(|n| n.name == name.trim());
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
            </form>
        </section>
    }
}
