//! Markup as text for the lab panels: escaping, and numbers as the page's tests read them.
//!
//! The lab worker writes each panel's HTML (its form, tables and SVG charts) as one string,
//! which the page sets as the panel's content: a string costs the page far less code than the
//! same elements built there (see `src/ui/markup.rs`, the page's own text markup). Every text
//! from a scenario, a form or a learner goes through [`esc`].

pub use crate::markup::{escape as esc, with_code};

/// A unit as the page words it: `ticks` (the JSON's and the CLI's word) is shown as `µs`, the
/// simulator's word (one tick is one simulated microsecond), so Compare, Sweep and Exercise
/// speak as the timeline does.
pub fn unit_word(unit: &str) -> &str {
    if unit == "ticks" { "µs" } else { unit }
}

/// A value for a `data-value` attribute: the shortest text that reads back as the same `f64`
/// (as the CLI's JSON prints it), or empty for none.
pub fn data(value: Option<f64>) -> String {
    value.map(|v| format!("{v}")).unwrap_or_default()
}

/// A number for SVG coordinates: two decimals at most, trailing zeros dropped.
pub fn px(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// An error box (role `alert`) with `message` (its `` `…` `` as code).
pub fn alert(message: &str) -> String {
    format!(r#"<div class="error" role="alert" data-testid="lab-error">{}</div>"#, with_code(message))
}

/// A checkbox `name=value` labelled `label`, ticked if `on`.
pub fn checkbox(name: &str, value: &str, label: &str, on: bool) -> String {
    format!(
        r#"<label class="check"><input type="checkbox" name="{}" value="{}"{}> {}</label>"#,
        esc(name),
        esc(value),
        if on { " checked" } else { "" },
        esc(label)
    )
}

/// A text box `name` with `value`, labelled `label`, with a hint below it (`id` names the hint).
pub fn text_field(name: &str, label: &str, value: &str, hint: &str) -> String {
    format!(
        r#"<label class="field"><span>{}</span><input type="text" name="{n}" value="{}" aria-describedby="hint-{n}" autocomplete="off" spellcheck="false"><small id="hint-{n}" class="muted">{}</small></label>"#,
        esc(label),
        esc(value),
        with_code(hint),
        n = esc(name),
    )
}

/// A `<select>` `name` over `(value, label)` options, `chosen` selected, labelled `label`.
pub fn select(name: &str, label: &str, options: &[(String, String)], chosen: &str) -> String {
    let mut out = format!(r#"<label class="field"><span>{}</span><select name="{}">"#, esc(label), esc(name));
    for (value, text) in options {
        let on = if value == chosen { " selected" } else { "" };
        out.push_str(&format!(r#"<option value="{}"{on}>{}</option>"#, esc(value), esc(text)));
    }
    out.push_str("</select></label>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_and_coordinates_are_short() {
        // 179 / 3 prints as JSON does (shortest round trip), so a test can compare exactly.
        assert_eq!(data(Some(179.0 / 3.0)), "59.666666666666664");
        assert_eq!(data(None), "");
        assert_eq!(
            (px(12.0), px(12.345), px(0.5), px(-0.001)),
            ("12".into(), "12.35".into(), "0.5".into(), "0".into())
        );
    }
}
