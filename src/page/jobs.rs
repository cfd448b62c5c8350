//! The job table: a scheduling exercise as rows of jobs (process, arrival, CPU bursts, I/O
//! between them, priority), the way textbooks pose them (OSTEP ch. 7's workloads; Silberschatz
//! et al. §5.3). Each job is a process with one thread whose program alternates `compute N` and
//! `io N`. The table reads such a scenario and writes its `processes` back into the author's
//! text, leaving everything else as written.

use serde::{Deserialize, Serialize};

use crate::model::Ticks;
use crate::model::scenario::{Scenario, text};

/// One job: a process with one thread that computes and waits for I/O.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The process's name (unique).
    pub name: String,
    /// Tick at which it arrives.
    pub arrival: Ticks,
    /// CPU bursts in ticks, in order; at least one.
    pub bursts: Vec<Ticks>,
    /// I/O waits in ticks, the i-th after the i-th burst: one between each two bursts, and
    /// perhaps one after the last.
    pub io: Vec<Ticks>,
    /// Scheduling priority, for policies that use one.
    pub priority: Option<i64>,
    /// The thread's name (kept as written; `main` for a new job).
    pub thread: String,
}

impl Job {
    /// A new job named `name` arriving at `arrival`, with one CPU burst of `burst` ticks.
    pub fn new(name: &str, arrival: Ticks, burst: Ticks) -> Job {
        Job { name: name.into(), arrival, bursts: vec![burst], io: Vec::new(), priority: None, thread: "main".into() }
    }

    /// The thread's program lines: `compute B1`, `io I1`, `compute B2`, …
    pub fn program(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (i, b) in self.bursts.iter().enumerate() {
            lines.push(format!("compute {b}"));
            if let Some(io) = self.io.get(i) {
                lines.push(format!("io {io}"));
            }
        }
        lines
    }
}

/// The scenario's jobs, or why it is not a job table (in words for the page).
pub fn jobs_of(s: &Scenario) -> Result<Vec<Job>, String> {
    let mut jobs = Vec::new();
    for p in &s.processes {
        let why = |what: &str| Err(format!("process `{}` {what}", p.name));
        let [t] = p.threads.as_slice() else { return why("has more than one thread") };
        if !p.variables.is_empty() || !p.programs.is_empty() {
            return why("has variables or named programs");
        }
        if t.arrival.is_some_and(|a| a != p.arrival) {
            return why("has a thread arriving later than the process");
        }
        if p.nice.is_some() || p.tickets.is_some() || p.affinity.is_some() || p.expected_burst.is_some() {
            return why("has scheduling settings other than a priority");
        }
        let Some(code) = &t.code else { return why("runs a named program") };
        let Some((bursts, io)) = bursts_of(&code.text()) else {
            return why("runs more than `compute N` and `io N` lines (alternating, starting with compute)");
        };
        jobs.push(Job {
            name: p.name.clone(),
            arrival: p.arrival,
            bursts,
            io,
            priority: t.priority.or(p.priority),
            thread: t.name.clone(),
        });
    }
    Ok(jobs)
}

/// The job table's rows of `scenario`, or why it has none, as the sentence the table shows.
pub fn rows_of(scenario: &Scenario) -> Result<Vec<Job>, String> {
    jobs_of(scenario)
        .map_err(|why| format!("This scenario is more than a job table ({why}): edit it in the JSON below."))
}

/// The job table's rows of a scenario's text, or why it has none (the text is not a valid
/// scenario, or more than a job table), as the sentence the table shows.
pub fn rows_of_text(text: &str) -> Result<Vec<Job>, String> {
    match Scenario::from_json(text) {
        Ok(scenario) => rows_of(&scenario),
        Err(_) => Err("The JSON below has an error: fix it to edit the jobs here.".into()),
    }
}

/// Reads a program made only of alternating `compute N` and `io N` lines with fixed N.
fn bursts_of(program: &str) -> Option<(Vec<Ticks>, Vec<Ticks>)> {
    let (mut bursts, mut io) = (Vec::new(), Vec::new());
    for line in program.lines() {
        let code = line.split(['#', ';']).next().unwrap_or("").trim();
        if code.is_empty() {
            continue;
        }
        let (op, n) = code.split_once(char::is_whitespace)?;
        let n: Ticks = n.trim().parse().ok().filter(|&n| n >= 1)?;
        match op.to_ascii_lowercase().as_str() {
            "compute" if bursts.len() == io.len() => bursts.push(n),
            "io" if io.len() + 1 == bursts.len() => io.push(n),
            _ => return None,
        }
    }
    (!bursts.is_empty()).then_some((bursts, io))
}

/// The `processes` list for `jobs`, one job per line, indented by `indent` (the indentation of
/// the line holding `"processes"`) plus two spaces.
pub fn processes_json(jobs: &[Job], indent: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let rows: Vec<String> = jobs
        .iter()
        .map(|j| {
            let priority = j.priority.map(|p| format!(", \"priority\": {p}")).unwrap_or_default();
            let code: Vec<String> = j.program().iter().map(|l| q(l)).collect();
            format!(
                "{indent}  {{ \"name\": {}, \"arrival\": {}{priority}, \"threads\": [{{ \"name\": {}, \"code\": [{}] }}] }}",
                q(&j.name),
                j.arrival,
                q(&j.thread),
                code.join(", ")
            )
        })
        .collect();
    format!("[\n{}\n{indent}]", rows.join(",\n"))
}

/// `source` with its `processes` replaced by `jobs`; everything else stays as written. `None`
/// if `source` has no `processes` to replace.
pub fn write_jobs(source: &str, jobs: &[Job]) -> Option<String> {
    let at = text::span(source, "processes")?;
    let line_start = source[..at.start].rfind('\n').map_or(0, |i| i + 1);
    let indent: String = source[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    text::set(source, "processes", &processes_json(jobs, &indent))
}

/// A cell's list of tick counts (`5, 3` or `5 3`): whole numbers, at least `min`. Errors say what
/// the cell must hold.
pub fn parse_ticks(cell: &str, what: &str, min: Ticks) -> Result<Vec<Ticks>, String> {
    cell.split([',', ' ', ';'])
        .filter(|w| !w.trim().is_empty())
        .map(|w| {
            w.trim().parse::<Ticks>().ok().filter(|&n| n >= min).ok_or_else(|| {
                format!("{what} must be whole numbers of µs, at least {min}, separated by commas (like `5, 3`); `{}` is not", w.trim())
            })
        })
        .collect()
}

/// Checks a table before it is written: names unique and not empty, at least one burst per job,
/// an I/O wait between each two bursts and at most one after the last. The first problem, in words.
pub fn check_jobs(jobs: &[Job]) -> Result<(), String> {
    if jobs.is_empty() {
        return Err("A scenario needs at least one job.".into());
    }
    for (i, j) in jobs.iter().enumerate() {
        let row = i + 1;
        if j.name.trim().is_empty() {
            return Err(format!("Job {row} needs a name."));
        }
        if jobs[..i].iter().any(|o| o.name == j.name) {
            return Err(format!("Job {row}: the name `{}` is already used.", j.name));
        }
        if j.bursts.is_empty() {
            return Err(format!("Job {row} (`{}`) needs at least one CPU burst.", j.name));
        }
        if j.io.len() + 1 < j.bursts.len() {
            let needed = j.bursts.len() - 1;
            return Err(format!(
                "Job {row} (`{}`): {} CPU bursts need {needed} I/O wait(s) between them; add them under I/O waits.",
                j.name,
                j.bursts.len()
            ));
        }
        if j.io.len() > j.bursts.len() {
            return Err(format!(
                "Job {row} (`{}`): each I/O wait follows a CPU burst, so at most {} I/O wait(s).",
                j.name,
                j.bursts.len()
            ));
        }
    }
    Ok(())
}

/// A scheduling exercise to start from: three jobs, one of which waits for I/O, under Round
/// Robin on one CPU.
pub const TEMPLATE: &str = r#"{
  "format": 2,
  "name": "My scheduling exercise",
  "description": "Three jobs on one CPU. Change the bursts and arrivals in the job table, then compare policies.",
  "machine": { "cpus": 1 },
  "scheduler": { "policy": "rr", "quantum": 4 },
  "processes": [
    { "name": "A", "arrival": 0, "threads": [{ "name": "main", "code": ["compute 8"] }] },
    { "name": "B", "arrival": 2, "threads": [{ "name": "main", "code": ["compute 3", "io 5", "compute 2"] }] },
    { "name": "C", "arrival": 4, "threads": [{ "name": "main", "code": ["compute 5"] }] }
  ]
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_job_table_and_writes_back_unchanged() {
        let s = Scenario::from_json(TEMPLATE).unwrap();
        let jobs = jobs_of(&s).unwrap();
        assert_eq!(jobs.len(), 3);
        assert_eq!(jobs[1], Job { bursts: vec![3, 2], io: vec![5], ..Job::new("B", 2, 0) });
        assert_eq!(write_jobs(TEMPLATE, &jobs).unwrap(), TEMPLATE, "the template is laid out as the table writes");
    }

    #[test]
    fn a_table_edit_changes_only_the_processes() {
        let mut jobs = jobs_of(&Scenario::from_json(TEMPLATE).unwrap()).unwrap();
        jobs[0].priority = Some(2);
        jobs.push(Job::new("D", 9, 1));
        let out = write_jobs(TEMPLATE, &jobs).unwrap();
        let head = &TEMPLATE[..TEMPLATE.find("\"processes\"").unwrap()];
        assert!(out.starts_with(head));
        assert!(out.contains(r#"{ "name": "A", "arrival": 0, "priority": 2, "threads""#), "{out}");
        assert!(
            out.contains(r#"{ "name": "D", "arrival": 9, "threads": [{ "name": "main", "code": ["compute 1"] }] }"#)
        );
        let back = jobs_of(&Scenario::from_json(&out).unwrap()).unwrap();
        assert_eq!(back, jobs);
    }

    #[test]
    fn a_scenario_with_shared_memory_is_not_a_job_table() {
        let race = crate::presets::find("race-unsafe").unwrap().scenario().unwrap();
        assert!(jobs_of(&race).unwrap_err().contains("more than one thread"));
        // The mixed workload's editor job loops: not a plain list of bursts.
        let mixed = crate::presets::find("mixed-fcfs-1cpu").unwrap().scenario().unwrap();
        assert!(jobs_of(&mixed).unwrap_err().starts_with("process `editor` runs more than"));
    }

    #[test]
    fn programs_must_alternate_bursts() {
        assert_eq!(bursts_of("compute 5\nio 2\ncompute 1 # done"), Some((vec![5, 1], vec![2])));
        assert_eq!(bursts_of("compute 5\nio 2"), Some((vec![5], vec![2])));
        assert_eq!(bursts_of("compute 5\ncompute 1"), None);
        assert_eq!(bursts_of("io 2"), None);
        assert_eq!(bursts_of("compute 1..3"), None);
        assert_eq!(bursts_of(""), None);
    }

    #[test]
    fn cells_are_read_in_words() {
        assert_eq!(parse_ticks("5, 3 2", "CPU bursts", 1), Ok(vec![5, 3, 2]));
        assert_eq!(parse_ticks("", "I/O waits", 1), Ok(vec![]));
        let e = parse_ticks("5, x", "CPU bursts", 1).unwrap_err();
        assert_eq!(
            e,
            "CPU bursts must be whole numbers of µs, at least 1, separated by commas (like `5, 3`); `x` is not"
        );
        assert!(parse_ticks("0", "CPU bursts", 1).is_err());
    }

    #[test]
    fn a_table_is_checked_before_it_is_written() {
        let ok = vec![Job::new("A", 0, 1)];
        assert_eq!(check_jobs(&ok), Ok(()));
        assert!(check_jobs(&[]).is_err());
        assert!(check_jobs(&[Job::new("A", 0, 1), Job::new("A", 1, 1)]).unwrap_err().contains("already used"));
        assert!(check_jobs(&[Job { bursts: vec![], ..Job::new("A", 0, 1) }]).is_err());
        assert!(check_jobs(&[Job { io: vec![1, 2], ..Job::new("A", 0, 1) }]).is_err());
        // Two bursts need the I/O wait between them (else the program is not a job's).
        assert!(
            check_jobs(&[Job { bursts: vec![1, 2], ..Job::new("A", 0, 1) }]).unwrap_err().contains("need 1 I/O wait")
        );
    }
}
