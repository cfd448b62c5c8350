//! The program language's reference as HTML: one entry per instruction of the parser's own
//! table ([`INSTRUCTIONS`], [`SYNTAX_NOTES`]), so it lists exactly what the parser accepts.
//!
//! The page does not link this text: it is written to `language-reference.html` beside the
//! page ([`FILE`], copied by Trunk, like the presets), and the page fetches it when the
//! reference is first opened (`src/ui/components/language_reference.rs`); that keeps about
//! 4 KB gzip of the page's wasm. `tests/language_reference.rs` checks the file is [`markup`]'s
//! text (`UPDATE_GOLDEN=1` writes it).

use std::fmt::Write;

use crate::markup::{escape, with_code};
use crate::model::program::{INSTRUCTIONS, SYNTAX_NOTES};

/// The file the page fetches the reference from, relative to the page (and to the repository's root).
pub const FILE: &str = "language-reference.html";

/// The reference dialog's contents as markup: one entry per instruction (what it does, its CPU
/// cost, an example; a definition list, which reads as well on a phone as on a wide screen),
/// then notes on the rest of the syntax.
pub fn markup() -> String {
    let mut h = String::from(
        "<div class=\"panel-head\"><h2 class=\"panel-title\" id=\"reference-title\">The program language</h2>\
         <form method=\"dialog\"><button data-testid=\"btn-language-close\">Close (Esc)</button></form></div>\
         <p class=\"hint\">A thread's program, in its <code>code</code> or in the process's <code>programs</code>: one \
         instruction per line, run top to bottom by the thread's program counter.</p>\
         <div class=\"instr instr-head\" aria-hidden=\"true\"><span>Instruction</span><span>What it does</span>\
         <span>CPU time</span><span>Example</span></div><dl class=\"instrs\" data-testid=\"reference-list\">",
    );
    for d in INSTRUCTIONS {
        let _ = write!(
            h,
            "<div class=\"instr\" data-testid=\"reference-{0}\"><dt><code>{0}</code></dt><dd>{1}</dd>\
             <dd class=\"cost\">{2}</dd><dd><pre class=\"example\">{3}</pre></dd></div>",
            d.mnemonic,
            with_code(d.effect()),
            escape(&cost_in_us(d.cost())),
            escape(d.example)
        );
    }
    h.push_str("</dl><ul class=\"notes\">");
    for (what, how) in SYNTAX_NOTES {
        let _ = write!(h, "<li><strong>{}</strong>: {}</li>", escape(what), with_code(how));
    }
    h.push_str("</ul>\n");
    h
}

/// An instruction's cost with its unit, simulated µs: "1 µs", "N µs", "1 µs per attempt", "1 µs,
/// and 1 when woken", "156 µs (machine.fork_ticks)", "0, then blocked N µs" (the unit after a
/// first 1 or a number the setting's name follows, else at the end).
fn cost_in_us(cost: &str) -> String {
    match cost.split_once([' ', ',']) {
        Some(("1", _)) => format!("1 µs{}", &cost[1..]),
        Some((n, setting)) if setting.starts_with('(') => format!("{n} µs {setting}"),
        _ => format!("{cost} µs"),
    }
}
