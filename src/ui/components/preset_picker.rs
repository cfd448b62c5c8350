//! The scenario picker: shipped presets by name, and the chosen scenario's description.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::presets::PRESETS;
use crate::ui::app::CUSTOM_SOURCE;
use crate::ui::format::with_code;
use crate::ui::run::Run;

/// Props of [`PresetPicker`].
#[derive(Properties, PartialEq)]
pub struct PresetPickerProps {
    /// Key of the selected preset, or [`CUSTOM_SOURCE`].
    pub selected: String,
    /// The run shown (for its description).
    pub run: Rc<Run>,
    /// Called with a preset key.
    pub on_select: Callback<String>,
}

/// `<select>` of presets (value = key, label = scenario name) and the description.
#[component]
pub fn PresetPicker(props: &PresetPickerProps) -> Html {
    let onchange = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            on_select.emit(select.value());
        })
    };
    let custom = props.selected == CUSTOM_SOURCE;
    html! {
        <section class="panel preset-picker">
            <label for="preset-select" class="panel-title">{ "Scenario" }</label>
            <select id="preset-select" data-testid="preset-select" {onchange}>
                { for PRESETS.iter().map(|p| {
                    let name = p.scenario().map(|s| s.name).unwrap_or_else(|_| p.key.to_string());
                    html! { <option value={p.key} selected={p.key == props.selected}>{ name }</option> }
                }) }
                if custom {
                    <option value={CUSTOM_SOURCE} selected=true disabled=true>{ format!("Custom: {}", props.run.scenario.name) }</option>
                }
            </select>
            <p class="description" data-testid="scenario-description">{ with_code(&props.run.scenario.description) }</p>
        </section>
    }
}
