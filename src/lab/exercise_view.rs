//! The exercise panel: a seeded workload to solve by hand for a policy (as `threadlab exercise`),
//! a form per job for its completion, turnaround, waiting and response, and checking: each
//! answer is marked right (within [`TOLERANCE`]) or wrong in words, and each wrong one opens
//! the timeline of the jobs with the spans that make up the correct value outlined and summed.
//!
//! Form fields: `seed`, `policy`, `quantum`, `cpus`, `jobs`, `io` (the exercise, as the CLI's
//! flags), `JOB.FIELD` (`A.waiting`: the learner's answers) and `do` (the button: `new`,
//! `check` or `show`).

use std::fmt::Write;

use super::fields::{FieldError, Fields};
use super::gantt::{self, Bar, Lane, Look, Mark};
use super::html::{alert, checkbox, esc, select, text_field};
use crate::exercise::{
    Answers, Checked, Exercise, ExerciseSpec, Field, Given, MAX_JOBS, Span, SpanKind, TOLERANCE, Verdict, Work,
};
use crate::messaging::reader::ReadJob;
use crate::messaging::wire::RunBytes;
use crate::model::scenario::{MAX_CPUS, Policy, PolicyParams, SchedulerSpec};
use crate::timeline::palette::THREAD_SWITCH;

/// The policy of a first form.
pub const FIRST_POLICY: Policy = Policy::RoundRobin;
/// The seed of a first form.
pub const FIRST_SEED: u64 = 1;

/// What the learner pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Press {
    New,
    Check,
    Show,
}

/// The exercise form's values, as sent (or a first form's).
struct Values {
    seed: String,
    policy: String,
    quantum: String,
    cpus: String,
    jobs: String,
    io: bool,
}

impl Values {
    fn of(f: &Fields) -> Values {
        let text = |n: &str, or: &str| f.get(n).unwrap_or(or).to_string();
        if f.is_empty() {
            return Values {
                seed: FIRST_SEED.to_string(),
                policy: FIRST_POLICY.key().into(),
                quantum: String::new(),
                cpus: "1".into(),
                jobs: String::new(),
                io: false,
            };
        }
        Values {
            seed: text("seed", ""),
            policy: text("policy", ""),
            quantum: text("quantum", ""),
            cpus: text("cpus", "1"),
            jobs: text("jobs", ""),
            io: f.has("io"),
        }
    }

    /// The exercise's parameters as hidden fields of the answers form.
    fn hidden(&self) -> String {
        let mut out = String::new();
        for (n, v) in [
            ("seed", &self.seed),
            ("policy", &self.policy),
            ("quantum", &self.quantum),
            ("cpus", &self.cpus),
            ("jobs", &self.jobs),
        ] {
            let _ = write!(out, r#"<input type="hidden" name="{n}" value="{}">"#, esc(v));
        }
        if self.io {
            out.push_str(r#"<input type="hidden" name="io" value="on">"#);
        }
        out
    }
}

fn form(v: &Values) -> String {
    // The policies an exercise takes (x86.py's makes none: `exercise::policies`).
    let policies: Vec<(String, String)> =
        crate::exercise::policies().map(|p| (p.key().into(), p.label().into())).collect();
    let mut out = String::from(
        r#"<form class="lab-form" data-testid="exercise-form" aria-label="Exercise settings"><div class="lab-fields">"#,
    );
    out.push_str(&text_field("seed", "Seed", &v.seed, "The same seed gives the same jobs under every policy."));
    out.push_str(&select("policy", "Policy", &policies, &v.policy));
    out.push_str(&text_field("quantum", "Quantum (µs)", &v.quantum, "For a policy with a time slice; blank: 4."));
    out.push_str(&text_field("cpus", "CPUs", &v.cpus, "1 to 64."));
    out.push_str(&text_field("jobs", "Jobs", &v.jobs, "1 to 26; blank: 3 to 5, drawn from the seed."));
    out.push_str("</div>");
    out.push_str(&checkbox("io", "on", "Jobs may do I/O between two CPU bursts", v.io));
    out.push_str(r#"<div class="buttons"><button class="primary" type="submit" name="do" value="new" data-testid="exercise-new">New exercise</button></div></form>"#);
    out
}

fn read(v: &Values) -> Result<Exercise, FieldError> {
    let f = [
        ("seed".to_string(), v.seed.clone()),
        ("quantum".to_string(), v.quantum.clone()),
        ("cpus".to_string(), v.cpus.clone()),
        ("jobs".to_string(), v.jobs.clone()),
    ];
    let f = Fields(&f);
    let seed = f.number("seed", "Seed", 0, u64::MAX)?.ok_or_else(|| FieldError::new("Seed", "give a whole number"))?;
    let policy = Policy::from_key(&v.policy)
        .ok_or_else(|| FieldError::new("Policy", format!("`{}` is not a policy", v.policy)))?;
    let quantum = f.number("quantum", "Quantum", 1, u64::MAX)?;
    let cpus = f.number("cpus", "CPUs", 1, u64::from(MAX_CPUS))?.unwrap_or(1) as u32;
    let jobs = f.number("jobs", "Jobs", 1, MAX_JOBS as u64)?.map(|n| n as usize);
    let mut scheduler = SchedulerSpec::of(policy, quantum);
    if let Some(q) = quantum {
        scheduler.set_quantum(q).map_err(|e| FieldError::new("Quantum", e.message))?;
    }
    Exercise::generate(ExerciseSpec { seed, jobs, io: v.io, cpus, scheduler }).map_err(|e| {
        // The form's labels for the parameters it has.
        let label = match e.param.as_str() {
            "policy" => "Policy",
            "quantum" => "Quantum",
            "cpus" => "CPUs",
            "jobs" => "Jobs",
            other => other,
        };
        FieldError::new(label, e.message)
    })
}

/// An exercise job: the form, and the exercise with its run.
pub struct Job {
    values: Values,
    press: Press,
    given: Vec<Given>,
    /// The learner's text per `JOB.FIELD`, shown again as typed.
    typed: Vec<(String, String)>,
    exercise: Result<Exercise, String>,
}

impl Job {
    /// Reads a submitted form (empty: the first exercise, seed 1 under Round Robin).
    pub fn new(fields: &Fields) -> Job {
        let values = Values::of(fields);
        let press = match fields.get("do") {
            Some("check") => Press::Check,
            Some("show") => Press::Show,
            _ => Press::New,
        };
        let exercise = read(&values).map_err(|e| e.to_string());
        let mut typed = Vec::new();
        let mut given: Vec<Given> = Vec::new();
        if let Ok(x) = &exercise
            && press != Press::New
        {
            for j in &x.jobs {
                let mut g = Given { job: j.name.clone(), ..Given::default() };
                for field in Field::ALL {
                    let name = format!("{}.{}", j.name, field.key());
                    let Some(text) = fields.get(&name) else { continue };
                    typed.push((name, text.to_string()));
                    // A comma may be the decimal separator; anything else that is not a number is wrong.
                    let value = Some(text.replace(',', ".").parse::<f64>().unwrap_or(f64::NAN));
                    match field {
                        Field::Completion => g.completion = value,
                        Field::Turnaround => g.turnaround = value,
                        Field::Waiting => g.waiting = value,
                        Field::Response => g.response = value,
                    }
                }
                given.push(g);
            }
        }
        Job { values, press, given, typed, exercise }
    }
}

impl super::Task for Job {
    fn reads(&self) -> Vec<ReadJob> {
        self.exercise.as_ref().map(|x| vec![super::read_job(&x.scenario().to_json(), Vec::new())]).unwrap_or_default()
    }

    fn form_only(self: Box<Self>) -> String {
        form(&self.values)
    }

    fn finish(self: Box<Self>, results: &[RunBytes]) -> String {
        let mut out = form(&self.values);
        let (x, r) = match (&self.exercise, results.first()) {
            (Err(e), _) => return out + &alert(e),
            (Ok(x), Some(r)) => (x, r),
            (Ok(_), None) => return out + &alert("the exercise was not run"),
        };
        let answers = match x.answers_of(&r.outcome, &r.metrics, &r.trace) {
            Ok(a) => a,
            Err(e) => return out + &alert(&e.to_string()),
        };
        out.push_str(&problem(x));
        let checked = match self.press {
            Press::Check => Some(answers.check(&self.given).unwrap_or_default()),
            _ => None,
        };
        out.push_str(&answers_form(x, &answers, &self, checked.as_deref()));
        if let Some(checked) = &checked {
            out.push_str(&explanations(x, &answers, checked));
        }
        if self.press == Press::Show {
            out.push_str(r#"<h3 class="lab-h">Which job ran when</h3>"#);
            out.push_str(&timeline(x, &answers, &[], "Timeline of the jobs"));
        }
        out
    }
}

/// A job's work for people: `CPU 3`, `CPU 2, I/O 4, CPU 1`.
fn work_text(work: &[Work]) -> String {
    let parts: Vec<String> = (work.iter())
        .map(|w| match w {
            Work::Cpu(n) => format!("CPU {n}"),
            Work::Io(n) => format!("I/O {n}"),
        })
        .collect();
    parts.join(", ")
}

fn problem(x: &Exercise) -> String {
    let s = &x.spec.scheduler;
    let q = s.quantum().map(|q| format!(", quantum {q}")).unwrap_or_default();
    let cpus = if x.spec.cpus == 1 { "1 CPU".to_string() } else { format!("{} CPUs", x.spec.cpus) };
    let priority = matches!(s.params, PolicyParams::Priority(_));
    let mut out = format!(
        r#"<section class="lab-result" aria-label="The exercise" data-testid="exercise-problem"><h3 class="lab-h">Exercise (seed {}): {}{q}, on {cpus}</h3><p>{}</p><div class="table-scroll" tabindex="0" role="region" aria-label="The jobs"><table class="lab-table" data-testid="exercise-jobs"><caption>The jobs (times in µs)</caption><thead><tr><th scope="col">Job</th><th scope="col">Arrival</th><th scope="col">Work, in order</th>"#,
        x.spec.seed,
        esc(s.policy().label()),
        esc(&crate::exercise::text::rules(s, x.spec.cpus))
    );
    if priority {
        out.push_str(r#"<th scope="col">Priority</th>"#);
    }
    out.push_str("</tr></thead><tbody>");
    for j in &x.jobs {
        let _ = write!(
            out,
            r#"<tr><th scope="row">{}</th><td>{}</td><td>{}</td>"#,
            esc(&j.name),
            j.arrival,
            work_text(&j.work)
        );
        if priority {
            let _ = write!(out, "<td>{}</td>", j.priority);
        }
        out.push_str("</tr>");
    }
    out.push_str(
        "</tbody></table></div><p class=\"muted\">For each job give its completion (when it finishes), turnaround \
         (completion − arrival), waiting (time ready but not running; I/O does not count) and response (first run − \
         arrival), in µs. An answer within 0.01 is right.</p></section>",
    );
    out
}

fn field_label(f: Field) -> &'static str {
    match f {
        Field::Completion => "Completion",
        Field::Turnaround => "Turnaround",
        Field::Waiting => "Waiting",
        Field::Response => "Response",
    }
}

fn answers_form(x: &Exercise, a: &Answers, job: &Job, checked: Option<&[Checked]>) -> String {
    let mut out = String::from(
        r#"<form class="lab-form" data-testid="answers-form" aria-label="Your answers"><div class="table-scroll" tabindex="0" role="region" aria-label="Answers table"><table class="lab-table answers"><caption>Your answers (µs)</caption><thead><tr><th scope="col">Job</th>"#,
    );
    out.push_str(&job.values.hidden());
    for f in Field::ALL {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, field_label(f));
    }
    out.push_str("</tr></thead><tbody>");
    for (j, answer) in x.jobs.iter().zip(&a.jobs) {
        let _ = write!(out, r#"<tr><th scope="row">{}</th>"#, esc(&j.name));
        for f in Field::ALL {
            let name = format!("{}.{}", j.name, f.key());
            let value = if job.press == Press::Show {
                answer.value(f).to_string()
            } else {
                job.typed.iter().find(|t| t.0 == name).map(|t| t.1.clone()).unwrap_or_default()
            };
            let _ = write!(
                out,
                r#"<td><input type="text" inputmode="decimal" name="{n}" value="{}" aria-label="{} of {}" data-testid="answer-{n}" autocomplete="off">"#,
                esc(&value),
                field_label(f),
                esc(&j.name),
                n = esc(&name)
            );
            if let Some(c) = checked.and_then(|c| c.iter().find(|c| c.job == j.name && c.field == f)) {
                let (class, words) = match c.verdict {
                    Verdict::Right => ("right", "✓ right"),
                    Verdict::Wrong => ("wrong", "✗ wrong"),
                    Verdict::Missing => ("missing", "– no answer"),
                };
                let _ = write!(
                    out,
                    r#"<span class="verdict {class}" data-testid="verdict" data-job="{}" data-field="{}" data-verdict="{class}">{words}</span>"#,
                    esc(&j.name),
                    f.key()
                );
            } else if job.press == Press::Show {
                out.push_str(r#"<span class="verdict shown">shown</span>"#);
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str(
        r#"</tbody></table></div><div class="buttons"><button class="primary" type="submit" name="do" value="check" data-testid="exercise-check">Check</button><button type="submit" name="do" value="show" data-testid="exercise-show">Show answers</button></div></form>"#,
    );
    out
}

/// A span in words: `ready 2–5 (3)`.
fn span_text(s: &Span) -> String {
    let kind = match s.kind {
        SpanKind::Ready => "ready",
        SpanKind::Switch => "switched in",
        SpanKind::Run => "running",
        SpanKind::Io => "in I/O",
        SpanKind::Sync => "blocked on a lock",
        SpanKind::Elapsed => "from the start",
    };
    format!("{kind} {}–{} ({})", s.start, s.end, s.len())
}

/// What a correct value is made of, in words, ending with the sum.
fn made_of_text(c: &Checked, arrival: u64) -> String {
    let parts: Vec<String> = c.made_of.iter().map(span_text).collect();
    let sum: u64 = c.made_of.iter().map(Span::len).sum();
    let how = match c.field {
        Field::Completion => format!("it finishes at {}", c.correct),
        Field::Turnaround => format!("completion − arrival {arrival}, made of {}", parts.join(" + ")),
        Field::Waiting if parts.is_empty() => "it was never ready without running".to_string(),
        Field::Waiting => format!("the time it was ready but not running: {}", parts.join(" + ")),
        Field::Response if parts.is_empty() => "it ran as soon as it arrived".to_string(),
        Field::Response => format!("from arrival {arrival} to its first run: {}", parts.join(" + ")),
    };
    format!("{} of {}: {how} = {sum} µs.", field_label(c.field), c.job)
}

fn explanations(x: &Exercise, a: &Answers, checked: &[Checked]) -> String {
    let right = checked.iter().filter(|c| c.verdict == Verdict::Right).count();
    let mut out = format!(
        r#"<section class="lab-result" aria-label="Checked" data-testid="exercise-checked"><p class="lab-summary" role="status" data-testid="exercise-summary">{right} of {} answers right (within {TOLERANCE}).</p>"#,
        checked.len()
    );
    for (i, c) in checked.iter().filter(|c| c.verdict == Verdict::Wrong).enumerate() {
        let Some(lane) = a.jobs.iter().position(|j| j.job == c.job) else { continue };
        let given = c.given.filter(|g| g.is_finite()).map(|g| g.to_string()).unwrap_or_else(|| "not a number".into());
        let marks: Vec<Mark> = c.made_of.iter().map(|s| Mark { lane, start: s.start, end: s.end }).collect();
        let text = made_of_text(c, a.jobs[lane].arrival);
        let _ = write!(
            out,
            r#"<details class="why" data-testid="why" data-job="{}" data-field="{}"{}><summary>{} of {}: you gave {}, the correct value is {}</summary><p data-testid="why-sum">{}</p>{}</details>"#,
            esc(&c.job),
            c.field.key(),
            if i == 0 { " open" } else { "" },
            field_label(c.field),
            esc(&c.job),
            esc(&given),
            c.correct,
            esc(&text),
            timeline(x, a, &marks, &format!("Timeline of the jobs, with the spans that make up {}", text))
        );
    }
    out.push_str("</section>");
    out
}

/// The jobs' lives, one lane each (running in the job's colour with its name, ready dashed,
/// blocked dotted), with `marks` outlined.
fn timeline(x: &Exercise, a: &Answers, marks: &[Mark], label: &str) -> String {
    let colours: Vec<&'static str> = super::threads_of(&x.scenario()).iter().map(|t| t.0).collect();
    let end = a.jobs.iter().map(|j| j.completion).max().unwrap_or(1);
    let lanes: Vec<Lane> = (a.jobs.iter())
        .map(|j| Lane {
            label: j.job.clone(),
            bars: (j.made_of.turnaround.iter())
                .map(|s| Bar {
                    start: s.start as f64,
                    end: s.end as f64,
                    look: match s.kind {
                        SpanKind::Run => Look::Run,
                        SpanKind::Switch => Look::Switch,
                        SpanKind::Ready => Look::Ready,
                        _ => Look::Blocked,
                    },
                    fill: colours.get(j.tid).copied().unwrap_or(THREAD_SWITCH),
                    text: j.job.clone(),
                    title: format!("{}: {}", j.job, span_text(s)),
                })
                .collect(),
        })
        .collect();
    let key = r#"<p class="muted gantt-key"><span class="k-run"></span> running · <span class="k-ready"></span> ready (dashed) · <span class="k-blocked"></span> in I/O (dotted) · <span class="k-mark"></span> the spans of the correct value</p>"#;
    format!(r#"<figure class="lab-figure">{}{key}</figure>"#, gantt::svg(&lanes, end, marks, label))
}
