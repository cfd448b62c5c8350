//! What a printed page starts with (shown only in print, `styles/app.css` `@media print`): the
//! scenario's name, description and machine, so the printout is a handout, not a screenshot.

use yew::Html;

use crate::ui::markup::{escape, raw, with_code};
use crate::ui::run::Run;

/// The scenario's name, description, CPUs and policy (print only), as markup.
pub fn handout_title(run: &Run) -> Html {
    let s = &run.summary;
    let quantum = match (s.quantum, s.levels.as_slice()) {
        (_, [_, _, ..]) => {
            format!(", quanta {} µs", s.levels.iter().map(u64::to_string).collect::<Vec<_>>().join(" / "))
        }
        (Some(q), _) => format!(", quantum {q} µs"),
        (None, _) => String::new(),
    };
    let cpus = s.cpus;
    raw(format!(
        "<section class=\"handout-title print-only\" data-testid=\"handout-title\"><h2>{}</h2><p>{}</p>\
         <p class=\"muted\">{cpus} CPU{}, {}{quantum}. Times in µs.</p></section>",
        escape(&s.name),
        with_code(&s.description),
        if cpus == 1 { "" } else { "s" },
        s.policy.label()
    ))
}
