//! An exploration as plain text, for the CLI: each variable's possible final values, then a row
//! per final state with how many interleavings (or end states) end there and a schedule for
//! each, as the Races panel's Every interleaving shows them (`src/lab/races_view.rs`, which
//! takes [`how`] and [`counted`] from here).

use super::{EndKind, Exploration, Reduction};
use crate::compare::text::columns;
use crate::model::outcome::Outcome;

/// What a final state's count counts: `interleavings` (every one followed,
/// [`Reduction::None`]) or `end states` (distinct end states of the whole machine, registers
/// included, [`Reduction::PartialOrder`]).
pub fn counted(x: &Exploration) -> &'static str {
    match x.reduction {
        Reduction::None => "interleavings",
        Reduction::PartialOrder => "end states",
    }
}

/// How the search went, in a phrase: every interleaving followed, or, past the limit, each state
/// once and what the counts then are.
pub fn how(x: &Exploration) -> String {
    match x.reduction {
        Reduction::None => format!("{} interleavings, every one followed to its end", x.schedules),
        Reduction::PartialOrder => format!(
            "{} distinct states explored: too many interleavings to count one by one within the limit, so orders that reach a state already seen were skipped (the counts are of distinct end states)",
            x.states
        ),
    }
}

/// Each variable's final values (`counter can end with {2, 3, 4}.`), then a table of the final
/// states (how it ended, each variable's value, how many [`counted`] end there, a schedule in
/// x86.py's `-P` form, which `threadlab run --schedule` takes), the deadlock reports and errors
/// under it, and a line on how the search went.
pub fn finals(x: &Exploration) -> String {
    let processes: std::collections::BTreeSet<&str> = x.variables.iter().map(|v| v.process.as_str()).collect();
    let name = |i: usize| match processes.len() {
        1 => x.variables[i].name.clone(),
        _ => format!("{}/{}", x.variables[i].process, x.variables[i].name),
    };
    let mut out = String::new();
    for i in 0..x.variables.len() {
        let values: Vec<String> = x.values_of(i).iter().map(i64::to_string).collect();
        out.push_str(&format!("{} can end with {{{}}}.\n", name(i), values.join(", ")));
    }
    if !x.variables.is_empty() {
        out.push('\n');
    }
    let mut header = vec!["#".to_string(), "end".into()];
    header.extend((0..x.variables.len()).map(name));
    header.push(counted(x).into());
    let mut rows = vec![header];
    let mut schedules = vec!["schedule (-P)".to_string()];
    let mut notes = Vec::new();
    for (i, f) in x.finals.iter().enumerate() {
        let end = match f.end {
            EndKind::Completed => "completed",
            EndKind::Deadlock => "deadlock",
            EndKind::RuntimeError => "error",
        };
        let mut row = vec![(i + 1).to_string(), end.to_string()];
        row.extend(f.values.iter().map(i64::to_string));
        row.push(f.schedules.to_string());
        rows.push(row);
        schedules.push(f.schedule.to_string());
        if f.outcome != Outcome::Completed {
            notes.push(format!("{}: {}", i + 1, f.outcome.message()));
        }
    }
    // The schedules, of any length, read from the left: after the aligned columns.
    for (line, schedule) in columns(&rows, 2).lines().zip(schedules) {
        out.push_str(&format!("{line}  {schedule}\n"));
    }
    for n in notes {
        out.push_str(&n);
        out.push('\n');
    }
    out.push_str(&format!(
        "{} final state{} ({}; {} steps). A schedule names the thread that runs each µs on one CPU; replay one with `threadlab run FILE --schedule S`.\n",
        x.finals.len(),
        if x.finals.len() == 1 { "" } else { "s" },
        how(x),
        x.steps
    ));
    out
}
