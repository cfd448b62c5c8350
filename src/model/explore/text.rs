//! An exploration as plain text, for the CLI: a row per final state, with a schedule for each.

use super::{EndKind, Exploration, Reduction};
use crate::compare::text::columns;
use crate::model::outcome::Outcome;

/// A table of the final states (how it ended, each variable's value, a schedule in x86.py's
/// `-P` form), the deadlock reports and errors under it, and a line on how much was explored.
pub fn finals(x: &Exploration) -> String {
    let processes: std::collections::BTreeSet<&str> = x.variables.iter().map(|v| v.process.as_str()).collect();
    let name = |i: usize| match processes.len() {
        1 => x.variables[i].name.clone(),
        _ => format!("{}/{}", x.variables[i].process, x.variables[i].name),
    };
    let mut header = vec!["#".to_string(), "end".into()];
    header.extend((0..x.variables.len()).map(name));
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
        rows.push(row);
        schedules.push(f.schedule.to_string());
        if f.outcome != Outcome::Completed {
            notes.push(format!("{}: {}", i + 1, f.outcome.message()));
        }
    }
    // The schedules, of any length, read from the left: after the aligned columns.
    let mut out = String::new();
    for (line, schedule) in columns(&rows, 2).lines().zip(schedules) {
        out.push_str(&format!("{line}  {schedule}\n"));
    }
    for n in notes {
        out.push_str(&n);
        out.push('\n');
    }
    let searched = match x.reduction {
        Reduction::PartialOrder => format!("{} states explored", x.states),
        Reduction::None => format!("{} interleavings enumerated", x.schedules),
    };
    out.push_str(&format!(
        "{} final state{} ({searched}, {} steps). A schedule names the thread that runs each µs on one CPU; replay one with `threadlab run FILE --schedule S`.\n",
        x.finals.len(),
        if x.finals.len() == 1 { "" } else { "s" },
        x.steps
    ));
    out
}
