//! The compare panel: the scenario in use under k variants (policies, optionally several quanta
//! and CPU counts, and variants written as the CLI's `--variant`), a table of metrics with each
//! column's best marked, and each variant's timeline on one shared time scale.
//!
//! Form fields: `policy` (ticked, one per policy), `quanta` and `cpus` (lists as `threadlab
//! sweep --values` reads them), `variants` (one `NAME:key=value,…` per line), `metric` (ticked).
//! With at most one quantum and one CPU count the comparison is exactly `threadlab compare
//! --policies … --quantum Q --cpus N`; with several, one variant per policy, CPU count and (for
//! a policy with a time slice) quantum. The panel shows the command line that gives its table.

use std::fmt::Write;

use super::Planned;
use super::fields::{FieldError, Fields};
use super::gantt::{self, Bar, Lane, Look};
use super::html::{alert, checkbox, data, esc, text_field, with_code};
use crate::compare::metric::{DEFAULT, PLAIN};
use crate::compare::{Comparison, Measured, Metric, Variant, syntax};
use crate::messaging::reader::ReadJob;
use crate::messaging::wire::RunBytes;
use crate::model::metrics::Metrics;
use crate::model::scenario::{Policy, ScenarioEdit, SchedulerSpec};
use crate::model::{RunResult, ScenarioError};
use crate::timeline::palette::THREAD_SWITCH;
use crate::timeline::{Lanes, SpanKind, Window, blocks};

/// Policies ticked in a first form (the CLI README's example).
pub const FIRST_POLICIES: [Policy; 4] = [Policy::Fcfs, Policy::Sjf, Policy::Srtf, Policy::RoundRobin];

/// Pixel columns of a variant's timeline: bars are merged per column, so a timeline has at
/// most this many bars per CPU however long the run.
pub const COLUMNS: u32 = 640;

/// A comparison asked for, and what the form said (to show it again).
#[derive(Clone, Debug)]
pub struct Asked {
    /// The comparison to run.
    pub comparison: Comparison<Planned>,
    /// The equivalent command line.
    pub command: String,
}

/// The form's values, as sent or as a first form has them.
#[derive(Clone, Debug, Default)]
struct Values {
    policies: Vec<String>,
    quanta: String,
    cpus: String,
    variants: String,
    metrics: Vec<String>,
}

impl Values {
    fn of(f: &Fields) -> Values {
        if f.is_empty() {
            return Values {
                policies: FIRST_POLICIES.iter().map(|p| p.key().to_string()).collect(),
                metrics: DEFAULT.iter().map(Metric::key).collect(),
                ..Values::default()
            };
        }
        let text = |n: &str| f.get(n).unwrap_or_default().to_string();
        Values {
            policies: f.all("policy").into_iter().map(String::from).collect(),
            quanta: text("quanta"),
            cpus: text("cpus"),
            variants: f.0.iter().find(|(n, _)| n == "variants").map(|(_, v)| v.clone()).unwrap_or_default(),
            metrics: f.all("metric").into_iter().map(String::from).collect(),
        }
    }
}

/// The form, with `v`'s values, for `base` (its variables can be metrics).
fn form(v: &Values, base: &Planned) -> String {
    let mut out = String::from(
        r#"<form class="lab-form" data-testid="compare-form" aria-label="Compare settings"><fieldset><legend>Policies (one variant each)</legend><div class="checks">"#,
    );
    for p in Policy::ALL {
        out.push_str(&checkbox("policy", p.key(), p.label(), v.policies.iter().any(|k| k == p.key())));
    }
    out.push_str("</div></fieldset><div class=\"lab-fields\">");
    out.push_str(&text_field(
        "quanta",
        "Quanta (µs)",
        &v.quanta,
        "For policies with a time slice; blank keeps the scenario's. Several (`2,4,8`) make a variant each.",
    ));
    out.push_str(&text_field(
        "cpus",
        "CPU counts",
        &v.cpus,
        "Blank keeps the scenario's; several (`1,2,4`) make a variant each.",
    ));
    let _ = write!(
        out,
        r#"<label class="field wide"><span>More variants, one per line</span><textarea name="variants" rows="2" spellcheck="false" aria-describedby="hint-variants">{}</textarea><small id="hint-variants" class="muted">{}</small></label></div>"#,
        esc(&v.variants),
        with_code("As `NAME:key=value,…`, e.g. `rr1:policy=rr,quantum=1` or `slow:process_switch_ticks=5`.")
    );
    out.push_str(r#"<fieldset><legend>Metrics (columns)</legend><div class="checks">"#);
    for m in metric_choices(base) {
        out.push_str(&checkbox("metric", &m.key(), &m.label(), v.metrics.contains(&m.key())));
    }
    out.push_str(
        r#"</div></fieldset><div class="buttons"><button class="primary" type="submit" data-testid="compare-run">Compare</button></div></form>"#,
    );
    out
}

/// The metrics a form offers for `base`: the plain ones, then each variable's final value.
pub fn metric_choices(base: &Planned) -> Vec<Metric> {
    let mut out = PLAIN.to_vec();
    let processes = &base.info.processes;
    let many = processes.len() > 1;
    for (process, variables) in processes {
        for name in variables {
            out.push(Metric::Variable { process: many.then(|| process.clone()), name: name.clone() });
        }
    }
    out
}

/// Whether `policy` has a time slice.
fn has_quantum(policy: Policy) -> bool {
    SchedulerSpec::of(policy, None).quantum().is_some()
}

/// Reads the form into a comparison of `base`. `preset` names the scenario on the command line
/// shown (`--preset KEY`), else `SCENARIO.json`. Errors name the field.
fn read(v: &Values, base: &Planned, preset: &str) -> Result<Asked, FieldError> {
    let policies = syntax::policies(&v.policies.join(",")).map_err(|e| FieldError::new("Policies", e));
    let policies = if v.policies.is_empty() { Vec::new() } else { policies? };
    let list = |text: &str, label: &str| {
        if text.is_empty() { Ok(Vec::new()) } else { syntax::values(text).map_err(|e| FieldError::new(label, e)) }
    };
    let quanta = list(&v.quanta, "Quanta")?;
    let cpus = list(&v.cpus, "CPU counts")?;
    let mut extra = Vec::new();
    for (i, line) in v.variants.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        extra.push(syntax::variant(line).map_err(|e| FieldError::new(&format!("More variants, line {}", i + 1), e))?);
    }
    let metrics = v
        .metrics
        .iter()
        .map(|m| m.parse::<Metric>().map_err(|e| FieldError::new("Metrics", e)))
        .collect::<Result<Vec<_>, _>>()?;
    if policies.is_empty() && extra.is_empty() {
        return Err(FieldError::new("Policies", "tick at least one policy, or write a variant"));
    }
    if metrics.is_empty() {
        return Err(FieldError::new("Metrics", "tick at least one metric"));
    }
    let source = if preset.is_empty() { "SCENARIO.json".to_string() } else { format!("--preset {preset}") };
    let mut command = format!("threadlab compare {source}");
    let (mut variants, mut common) = (Vec::new(), Vec::new());
    if quanta.len() <= 1 && cpus.len() <= 1 {
        variants = Variant::for_policies(&policies);
        if !policies.is_empty() {
            let keys: Vec<&str> = policies.iter().map(|p| p.key()).collect();
            let _ = write!(command, " --policies {}", keys.join(","));
        }
        if let Some(&n) = cpus.first() {
            let edit = crate::model::scenario::Setting::Cpus.number(n).map_err(|e| FieldError::new("CPU counts", e))?;
            common.push(edit);
            let _ = write!(command, " --cpus {n}");
        }
        if let Some(&q) = quanta.first() {
            common.push(ScenarioEdit::Quantum(q));
            let _ = write!(command, " --quantum {q}");
        }
    } else {
        for &p in &policies {
            let cpu_list: Vec<Option<u64>> =
                if cpus.is_empty() { vec![None] } else { cpus.iter().map(|&c| Some(c)).collect() };
            let q_list: Vec<Option<u64>> = if quanta.is_empty() || !has_quantum(p) {
                vec![None]
            } else {
                quanta.iter().map(|&q| Some(q)).collect()
            };
            for &c in &cpu_list {
                for &q in &q_list {
                    let mut name = p.key().to_string();
                    let mut edits = vec![ScenarioEdit::Policy(p)];
                    if let Some(q) = q.filter(|_| quanta.len() > 1) {
                        let _ = write!(name, "-q{q}");
                    }
                    if let Some(q) = q {
                        edits.push(ScenarioEdit::Quantum(q));
                    }
                    if let Some(c) = c {
                        if cpus.len() > 1 {
                            let _ = write!(name, "-{c}cpu");
                        }
                        let edit = crate::model::scenario::Setting::Cpus
                            .number(c)
                            .map_err(|e| FieldError::new("CPU counts", e))?;
                        edits.push(edit);
                    }
                    let spec: Vec<String> = edits.iter().map(ScenarioEdit::to_string).collect();
                    let _ = write!(command, " --variant {}:{}", name, spec.join(","));
                    variants.push(Variant { name, edits });
                }
            }
        }
    }
    for v in &extra {
        let spec: Vec<String> = v.edits.iter().map(ScenarioEdit::to_string).collect();
        let _ = write!(command, " --variant '{}:{}'", v.name, spec.join(","));
    }
    variants.extend(extra);
    let keys: Vec<String> = metrics.iter().map(Metric::key).collect();
    let _ = write!(command, " --metric {} --json", keys.join(","));
    Ok(Asked { comparison: Comparison { base: base.clone(), common, variants, metrics }, command })
}

/// A compare job: the form to show again and, if it reads, the comparison and its runs.
pub struct Job {
    form: String,
    asked: Result<(Asked, Vec<Planned>), String>,
}

impl Job {
    /// Reads a submitted form (empty: the first one, with default policies and metrics) for the
    /// scenario `base`.
    pub fn new(fields: &Fields, base: &Planned, preset: &str) -> Job {
        let values = Values::of(fields);
        let asked = read(&values, base, preset).map_err(|e| e.to_string()).and_then(|a| {
            let runs = a.comparison.plan().map_err(|e| e.to_string())?;
            Ok((a, runs))
        });
        Job { form: form(&values, base), asked }
    }
}

impl super::Task for Job {
    fn reads(&self) -> Vec<ReadJob> {
        self.asked.as_ref().map(|a| a.1.iter().map(Planned::read_job).collect()).unwrap_or_default()
    }

    fn refused(self: Box<Self>, run: usize, error: &ScenarioError) -> String {
        let name = self.asked.as_ref().ok().and_then(|a| a.0.comparison.variants.get(run)).map(|v| v.name.clone());
        self.form + &alert(&format!("`{}`: {error}", name.unwrap_or_default()))
    }

    fn form_only(self: Box<Self>) -> String {
        self.form
    }

    fn finish(self: Box<Self>, results: &[RunBytes]) -> String {
        let mut out = self.form;
        let (asked, runs) = match self.asked {
            Ok(a) => a,
            Err(e) => return out + &alert(&e),
        };
        let c = &asked.comparison;
        let measured: Vec<Measured> = results.iter().map(|r| Measured::of(&as_result(r), &c.metrics)).collect();
        let table = c.table(&runs, &measured);
        out.push_str(r#"<section class="lab-result" aria-label="Comparison" data-testid="compare-result">"#);
        let _ = write!(
            out,
            r#"<p class="muted">The same table from the command line: <code data-testid="compare-cli">{}</code></p>"#,
            esc(&asked.command)
        );
        out.push_str(r#"<div class="table-scroll" tabindex="0" role="region" aria-label="Comparison table"><table class="lab-table" data-testid="compare-table"><caption>"#);
        let _ = write!(
            out,
            "“{}” under {} variants. ★ marks the best value of each column that has a better direction (lower for times, switches and memory; higher for utilisation and speedup).</caption><thead><tr><th scope=\"col\">Variant</th>",
            esc(&table.scenario),
            table.rows.len()
        );
        for m in &table.metrics {
            let unit = m.unit.as_deref().map(|u| format!(" ({})", super::html::unit_word(u))).unwrap_or_default();
            let better = match m.better {
                Some(crate::compare::Better::Lower) => "lower is better",
                Some(crate::compare::Better::Higher) => "higher is better",
                None => "no better direction",
            };
            let _ = write!(
                out,
                r#"<th scope="col" data-key="{}">{}{}<small>{better}</small></th>"#,
                esc(&m.key.key()),
                esc(&m.label),
                esc(&unit)
            );
        }
        out.push_str("<th scope=\"col\">Outcome</th></tr></thead><tbody>");
        for (row, scenario) in table.rows.iter().zip(&runs) {
            let _ = write!(
                out,
                r#"<tr data-variant="{}"><th scope="row">{}<small>{}</small></th>"#,
                esc(&row.name),
                esc(&row.name),
                esc(&settings_text(scenario))
            );
            for (m, cell) in c.metrics.iter().zip(&row.cells) {
                let text = esc(&m.format(cell.value));
                if cell.best {
                    let _ = write!(
                        out,
                        r#"<td class="best" data-value="{}" data-best="true"><strong>{text}</strong> <span aria-hidden="true">★</span><span class="visually-hidden"> (best)</span></td>"#,
                        data(cell.value)
                    );
                } else {
                    let _ = write!(out, r#"<td data-value="{}" data-best="false">{text}</td>"#, data(cell.value));
                }
            }
            let outcome = if row.outcome == "completed" { "completed".to_string() } else { row.message.clone() };
            let _ = write!(out, r#"<td data-outcome="{}">{}</td></tr>"#, esc(&row.outcome), esc(&outcome));
        }
        out.push_str("</tbody></table></div>");
        out.push_str(&timelines(&table.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), &runs, results));
        out.push_str("</section>");
        out
    }
}

/// A run's result from the bytes the simulation worker sent (the trace left aside).
fn as_result(r: &RunBytes) -> RunResult {
    RunResult { outcome: r.outcome.clone(), metrics: r.metrics.clone(), events_handled: r.events_handled, trace: None }
}

/// A planned run's settings in words: `Round Robin, quantum 2, 1 CPU`.
pub fn settings_text(s: &Planned) -> String {
    let mut out = s.scheduler.policy().label().to_string();
    if let Some(q) = s.scheduler.quantum() {
        let _ = write!(out, ", quantum {q}");
    }
    let cpus = s.machine.cpus;
    let _ = write!(out, ", {cpus} CPU{}", if cpus == 1 { "" } else { "s" });
    out
}

/// Each variant's timeline, one lane per CPU, all on the scale of the longest run, with a
/// legend of the threads (the variants share the workload, so its threads and colours).
fn timelines(names: &[&str], runs: &[Planned], results: &[RunBytes]) -> String {
    let end = results.iter().map(|r| r.trace.end_time()).max().unwrap_or(0).max(1);
    let Some(threads) = runs.first().map(|r| &r.info.threads) else { return String::new() };
    let colours: Vec<&'static str> = threads.iter().map(|t| t.0).collect();
    let name_of = |tid: usize| threads.get(tid).map(|t| t.1.clone()).unwrap_or_default();
    let full_name = |tid: usize| threads.get(tid).map(|t| t.2.clone()).unwrap_or_default();
    let mut out =
        String::from(r#"<h3 class="lab-h">Timelines, on one time scale</h3><ul class="legend" aria-label="Threads">"#);
    for (tid, c) in colours.iter().enumerate() {
        let _ = write!(out, r#"<li><span class="swatch" style="background:{c}"></span>{}</li>"#, esc(&full_name(tid)));
    }
    out.push_str(r#"<li><span class="swatch g-switch-key"></span>context switch</li></ul><div class="lab-timelines">"#);
    let win = Window::fit(end);
    let per_col = end as f64 / f64::from(COLUMNS);
    for ((name, scenario), r) in names.iter().zip(runs).zip(results) {
        let cpus = scenario.machine.cpus as usize;
        let lanes = Lanes::by_cpu(&r.trace, cpus);
        let drawn: Vec<Lane> = (lanes.lanes.iter().enumerate())
            .map(|(cpu, lane)| Lane {
                label: format!("CPU {cpu}"),
                bars: blocks(lane, win, COLUMNS)
                    .iter()
                    .map(|b| {
                        let s = &lane[b.span];
                        let run = s.kind == SpanKind::Run;
                        let (start, stop) = (f64::from(b.from) * per_col, f64::from(b.to) * per_col);
                        let more = if b.to - b.from > 1 && per_col > 1.0 { " (merged at this scale)" } else { "" };
                        Bar {
                            start,
                            end: stop,
                            look: if run { Look::Run } else { Look::Switch },
                            fill: if run {
                                colours.get(s.tid).copied().unwrap_or(THREAD_SWITCH)
                            } else {
                                THREAD_SWITCH
                            },
                            text: name_of(s.tid),
                            title: format!(
                                "{} · {} · {}–{} µs{more}",
                                full_name(s.tid),
                                s.kind.label(),
                                start.round(),
                                stop.round()
                            ),
                        }
                    })
                    .collect(),
            })
            .collect();
        let makespan = makespan_text(&r.metrics);
        let label = format!("Timeline of {name}: {makespan}");
        let _ = write!(
            out,
            r#"<figure class="lab-figure" data-testid="compare-timeline" data-variant="{}"><figcaption><strong>{}</strong> · {} · {}</figcaption>{}</figure>"#,
            esc(name),
            esc(name),
            esc(&settings_text(scenario)),
            esc(&makespan),
            gantt::svg(&drawn, end, &[], &label)
        );
    }
    out.push_str("</div>");
    out
}

fn makespan_text(m: &Metrics) -> String {
    format!("all done at {} µs", m.makespan)
}
