//! Tables and charts as aligned plain text, for the CLI (the page draws them itself).

use super::metric::Better;
use super::{CompareTable, SweepChart};

/// Lays out rows in columns two spaces apart: the first `left` columns left-aligned, the rest
/// right-aligned (numbers). Widths count characters, so `—` is one.
pub fn columns(rows: &[Vec<String>], left: usize) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n).map(width).collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[c] - cell.chars().count());
            if c < left {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// A comparison as a table: a row per variant, a column per metric, `*` after the best value
/// of each column, and a line saying which way is better; runs that did not complete get an
/// `outcome` column and their message below.
pub fn table(t: &CompareTable) -> String {
    let incomplete = t.rows.iter().any(|r| r.outcome != "completed");
    let mut header = vec!["variant".to_string()];
    header.extend(t.metrics.iter().map(|m| m.key.key()));
    if incomplete {
        header.push("outcome".into());
    }
    let mut rows = vec![header];
    for r in &t.rows {
        let mut row = vec![r.name.clone()];
        let any_best = |j: usize| t.rows.iter().any(|r| r.cells[j].best);
        for (j, (m, c)) in t.metrics.iter().zip(&r.cells).enumerate() {
            let mark = if c.best {
                "*"
            } else if any_best(j) {
                " "
            } else {
                ""
            };
            row.push(format!("{}{mark}", m.key.format(c.value)));
        }
        if incomplete {
            row.push(r.outcome.clone());
        }
        rows.push(row);
    }
    let mut out = format!("{}: {} variant(s)\n\n", t.scenario, t.rows.len());
    out.push_str(&columns(&rows, 1));
    let keys =
        |b: Better| -> Vec<String> { t.metrics.iter().filter(|m| m.better == Some(b)).map(|m| m.key.key()).collect() };
    let (lower, higher) = (keys(Better::Lower), keys(Better::Higher));
    if !lower.is_empty() || !higher.is_empty() {
        let mut parts = Vec::new();
        if !lower.is_empty() {
            parts.push(format!("lower is better for {}", lower.join(", ")));
        }
        if !higher.is_empty() {
            parts.push(format!("higher is better for {}", higher.join(", ")));
        }
        out.push_str(&format!("\n* best of the completed runs; {}\n", parts.join("; ")));
    }
    for r in t.rows.iter().filter(|r| r.outcome != "completed") {
        out.push_str(&format!("{}: {}\n", r.name, r.message));
    }
    out
}

/// A sweep as a table: a row per value, a column per series; a note for each series whose
/// policy has no such setting (flat), and for runs that did not complete.
pub fn chart(c: &SweepChart) -> String {
    let unit = |u: &Option<String>| u.as_ref().map(|u| format!(" ({u})")).unwrap_or_default();
    let over = c.baseline.as_ref().map(|b| format!(" over series {b}")).unwrap_or_default();
    let mut out = format!(
        "{}{}{over} against {}{}: {}\n\n",
        c.metric.key.key(),
        unit(&c.metric.unit),
        c.param.key.key(),
        unit(&c.param.unit),
        c.scenario
    );
    let mut header = vec![c.param.key.key().to_string()];
    if c.series.len() == 1 && c.series[0].edits.is_empty() {
        header.push(c.metric.key.key());
    } else {
        header.extend(c.series.iter().map(|s| s.name.clone()));
    }
    let mut rows = vec![header];
    let points = c.series.first().map_or(0, |s| s.points.len());
    for p in 0..points {
        let mut row = vec![c.series[0].points[p].x.to_string()];
        for s in &c.series {
            let pt = &s.points[p];
            let mark = if pt.outcome == "completed" { "" } else { "!" };
            row.push(format!("{}{mark}", c.metric.key.format(pt.y)));
        }
        rows.push(row);
    }
    out.push_str(&columns(&rows, 1));
    let mut notes = String::new();
    for s in c.series.iter().filter(|s| s.points.iter().all(|p| !p.applied)) {
        notes.push_str(&format!("{}: its policy has no `{}`: the runs ignore it\n", s.name, c.param.key.key()));
    }
    for s in &c.series {
        for p in s.points.iter().filter(|p| p.outcome != "completed") {
            notes.push_str(&format!("! {} at {}={}: {}\n", s.name, c.param.key.key(), p.x, p.message));
        }
    }
    if !notes.is_empty() {
        out.push('\n');
        out.push_str(&notes);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_names_left_and_numbers_right() {
        let rows = vec![
            vec!["variant".to_string(), "makespan".to_string()],
            vec!["rr".to_string(), "7".to_string()],
            vec!["fcfs".to_string(), "—".to_string()],
        ];
        assert_eq!(columns(&rows, 1), "variant  makespan\nrr              7\nfcfs            —\n");
    }
}
