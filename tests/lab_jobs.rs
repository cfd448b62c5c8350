//! The lab workers' jobs (compare, sweep, exercise), driven as the worker binaries drive them,
//! with the reader worker's and the simulation worker's own handlers standing in for the lab
//! worker's nested workers: the panels' numbers are the CLI's (the library calls `threadlab
//! compare`, `sweep` and `exercise` make), a hand-worked comparison comes out right, a wrong
//! exercise answer shows the spans of the correct value, a bad field says which, progress comes
//! only for long jobs, and a crash of either worker reaches the page.

mod common;

use threadlab::compare::{Comparison, Metric, Sweep, Variant, metric};
use threadlab::exercise::{Exercise, ExerciseSpec};
use threadlab::messaging::lab::{FromLab, LabJob, Panel, ToLab};
use threadlab::messaging::reader::FromReader;
use threadlab::messaging::{FromWorker, Job, RunJob, ToWorker};
use threadlab::model::scenario::{Policy, Scenario, ScenarioEdit, SchedulerSpec, Setting};
use threadlab::presets;
use threadlab::workers::lab::{LabWorker, Out, ReadForm};
use threadlab::workers::reader;

/// Runs a lab job through a lab worker reading any panel's form (see [`common::nested::ask`]);
/// every run done moves the clock `ms_per_step` ms. Returns what reached the page.
fn ask(job: LabJob, ms_per_step: f64) -> Vec<FromLab> {
    common::nested::ask::<ReadForm>(threadlab::lab::task, 9, job, ms_per_step)
}

/// The markup of job 9's answer, the last message to the page.
fn reply(page: &[FromLab]) -> &str {
    match page.last() {
        Some(FromLab::Done { id: 9, answer }) => answer,
        other => panic!("no lab reply: {other:?}"),
    }
}

fn job(panel: Panel, scenario: &str, fields: &[(&str, &str)]) -> LabJob {
    LabJob {
        panel,
        fields: fields.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        scenario: scenario.to_string(),
        preset: String::new(),
    }
}

fn exercise_job(fields: Vec<(String, String)>) -> LabJob {
    LabJob { panel: Panel::Exercise, fields, scenario: String::new(), preset: String::new() }
}

/// Every value of attribute `name` in `markup`, in order.
fn attr(markup: &str, name: &str) -> Vec<String> {
    let key = format!(" {name}=\"");
    markup.split(&key).skip(1).map(|rest| rest[..rest.find('"').unwrap()].to_string()).collect()
}

/// The text between `from` and the next `to` after it.
fn between<'a>(markup: &'a str, from: &str, to: &str) -> &'a str {
    let start = markup.find(from).unwrap_or_else(|| panic!("no {from} in {markup}")) + from.len();
    &markup[start..start + markup[start..].find(to).unwrap()]
}

/// Three jobs on one CPU with free switches: A arrives at 0 with 8 ticks of CPU, B at 1 with 4,
/// C at 2 with 2.
const THREE_JOBS: &str = r#"{"format": 2, "name": "Three jobs", "machine": {"cpus": 1},
  "scheduler": {"policy": "fcfs"},
  "processes": [
    {"name": "A", "arrival": 0, "threads": [{"name": "A", "code": ["compute 8"]}]},
    {"name": "B", "arrival": 1, "threads": [{"name": "B", "code": ["compute 4"]}]},
    {"name": "C", "arrival": 2, "threads": [{"name": "C", "code": ["compute 2"]}]}]}"#;

#[test]
fn a_comparison_worked_by_hand() {
    let fields = [("policy", "fcfs"), ("policy", "sjf"), ("metric", "avg_turnaround"), ("metric", "makespan")];
    let page = ask(job(Panel::Compare, THREE_JOBS, &fields), 1.0);
    let m = reply(&page);
    let table = between(m, r#"data-testid="compare-table""#, "</table>");
    // FCFS: A 0–8, B 8–12, C 12–14; turnarounds 8, 11, 12: mean 31/3.
    // SJF (not pre-emptive): A 0–8 (alone at 0), then the shorter C 8–10, B 10–14; turnarounds
    // 8, 13, 8: mean 29/3, the best. Both end at 14: no best makespan (nothing to choose).
    assert_eq!(attr(table, "data-variant"), ["fcfs", "sjf"]);
    let values: Vec<f64> = attr(table, "data-value").iter().map(|v| v.parse().unwrap()).collect();
    assert_eq!(values, [31.0 / 3.0, 14.0, 29.0 / 3.0, 14.0]);
    assert_eq!(attr(table, "data-best"), ["false", "false", "true", "false"]);
    assert!(table.contains(
        "<strong>9.67</strong> <span aria-hidden=\"true\">★</span><span class=\"visually-hidden\"> (best)</span>"
    ));
    // A timeline per variant, on one scale (both end at 14), CPU 0's bars in order.
    assert_eq!(attr(m, "data-testid").iter().filter(|t| *t == "compare-timeline").count(), 2);
    assert_eq!(attr(m, "data-until"), ["14", "14"]);
    assert!(m.contains("threadlab compare SCENARIO.json --policies fcfs,sjf --metric avg_turnaround,makespan --json"));
}

#[test]
fn the_compare_table_is_the_cli_s() {
    let preset = presets::find("compare-policies").unwrap();
    let fields = [
        ("policy", "fcfs"),
        ("policy", "sjf"),
        ("policy", "srtf"),
        ("policy", "rr"),
        ("quanta", "2"),
        ("metric", "avg_turnaround"),
    ];
    let mut lab = job(Panel::Compare, preset.json, &fields);
    lab.fields.extend(metric::DEFAULT[1..].iter().map(|m| ("metric".to_string(), m.key())));
    lab.preset = "compare-policies".into();
    let page = ask(lab, 1.0);
    let table = between(reply(&page), r#"data-testid="compare-table""#, "</table>").to_string();
    // What `threadlab compare --preset compare-policies --policies fcfs,sjf,srtf,rr --quantum 2` computes.
    let cli = Comparison {
        base: Scenario::from_json(preset.json).unwrap(),
        common: vec![ScenarioEdit::Quantum(2)],
        variants: Variant::for_policies(&[Policy::Fcfs, Policy::Sjf, Policy::Srtf, Policy::RoundRobin]),
        metrics: metric::DEFAULT.to_vec(),
    }
    .run()
    .unwrap();
    let values: Vec<String> =
        cli.rows.iter().flat_map(|r| r.cells.iter().map(|c| format!("{}", c.value.unwrap()))).collect();
    let best: Vec<String> = cli.rows.iter().flat_map(|r| r.cells.iter().map(|c| c.best.to_string())).collect();
    assert_eq!(attr(&table, "data-value"), values);
    assert_eq!(attr(&table, "data-best"), best);
    assert!(reply(&page).contains(
        "threadlab compare --preset compare-policies --policies fcfs,sjf,srtf,rr --quantum 2 --metric avg_turnaround,avg_waiting,avg_response,makespan,context_switches --json"
    ));
    // Each process has one thread `main`: a bar names its process, as the timeline's lanes do
    // (walk s11: every bar said "main").
    let inside: Vec<&str> = reply(&page).split(r#"class="g-in""#).skip(1).filter_map(|t| between_tags(t)).collect();
    assert!(!inside.is_empty(), "some bars are wide enough for a name");
    assert!(inside.iter().all(|t| *t != "main"), "{inside:?}");
    assert!(inside.contains(&"render"), "{inside:?}");
}

/// The text of an element whose opening tag `markup` is in the middle of: what lies between
/// the tag's `>` and the next `<`.
fn between_tags(markup: &str) -> Option<&str> {
    let start = markup.find('>')? + 1;
    let end = start + markup[start..].find('<')?;
    Some(&markup[start..end])
}

#[test]
fn several_quanta_and_cpu_counts_make_a_variant_each() {
    let fields = [("policy", "fcfs"), ("policy", "rr"), ("quanta", "1,2"), ("cpus", "1,2"), ("metric", "makespan")];
    let page = ask(job(Panel::Compare, THREE_JOBS, &fields), 1.0);
    let table = between(reply(&page), r#"data-testid="compare-table""#, "</table>").to_string();
    // FCFS has no quantum: one variant per CPU count; RR one per quantum and CPU count.
    assert_eq!(
        attr(&table, "data-variant"),
        ["fcfs-1cpu", "fcfs-2cpu", "rr-q1-1cpu", "rr-q2-1cpu", "rr-q1-2cpu", "rr-q2-2cpu"]
    );
    // On 1 CPU everything ends at 8 + 4 + 2 = 14 (switches are free, no CPU idles); FCFS on 2
    // CPUs runs A 0–8 on one, B 1–5 then C 5–7 on the other: the last ends at 8. RR on 2 CPUs
    // is the library's comparison with the same variants (`--variant rr-q1-2cpu:…`).
    let values = attr(&table, "data-value");
    assert_eq!(values[..4], ["14", "8", "14", "14"]);
    let rr2 = Comparison {
        base: Scenario::from_json(THREE_JOBS).unwrap(),
        common: Vec::new(),
        variants: [1, 2]
            .map(|q| {
                Variant::new(
                    "",
                    vec![ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(q), ScenarioEdit::Cpus(2)],
                )
            })
            .to_vec(),
        metrics: vec![Metric::Makespan],
    }
    .run()
    .unwrap();
    let cli: Vec<String> = rr2.rows.iter().map(|r| format!("{}", r.cells[0].value.unwrap())).collect();
    assert_eq!(values[4..], cli);
}

#[test]
fn a_bad_field_is_named_and_nothing_runs() {
    let page =
        ask(job(Panel::Compare, THREE_JOBS, &[("policy", "rr"), ("quanta", "two"), ("metric", "makespan")]), 1.0);
    let m = reply(&page);
    assert!(m.contains(r#"role="alert""#));
    assert!(m.contains("Quanta: <code>two</code> is not a whole number or a range A..B[:STEP]"), "{m}");
    let page = ask(job(Panel::Compare, THREE_JOBS, &[("metric", "makespan")]), 1.0);
    assert!(reply(&page).contains("Policies: tick at least one policy, or write a variant"));
    // The comparison's own checks, as the CLI words them: a quantum no ticked policy has.
    let page =
        ask(job(Panel::Compare, THREE_JOBS, &[("policy", "fcfs"), ("quanta", "4"), ("metric", "makespan")]), 1.0);
    assert!(reply(&page).contains("no run&#39;s policy has a <code>quantum</code> setting"), "{}", reply(&page));
}

#[test]
fn the_sweep_points_are_the_cli_s() {
    let preset = presets::find("compare-policies").unwrap();
    let fields =
        [("param", "quantum"), ("values", "1..4,8"), ("policy", "fcfs"), ("policy", "rr"), ("metric", "avg_response")];
    let page = ask(job(Panel::Sweep, preset.json, &fields), 1.0);
    let m = reply(&page);
    let cli = Sweep {
        base: Scenario::from_json(preset.json).unwrap(),
        common: Vec::new(),
        param: Setting::Quantum,
        values: vec![1, 2, 3, 4, 8],
        series: threadlab::compare::syntax::series("policy=fcfs,rr").unwrap(),
        metric: Metric::AvgResponse,
        baseline: None,
    }
    .run()
    .unwrap();
    let chart = between(m, r#"data-testid="sweep-chart""#, "</svg>");
    let points: Vec<(String, String, String)> = cli
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| (s.name.clone(), p.x.to_string(), format!("{}", p.y.unwrap()))))
        .collect();
    let shown: Vec<(String, String, String)> = attr(chart, "data-series")
        .into_iter()
        .zip(attr(chart, "data-x"))
        .zip(attr(chart, "data-y"))
        .map(|((s, x), y)| (s, x, y))
        .collect();
    assert_eq!(shown, points);
    // FCFS has no quantum: a flat reference whose points say so.
    assert_eq!(attr(chart, "data-applied")[..5], ["false"; 5]);
    assert!(m.contains("threadlab sweep SCENARIO.json --param quantum --values 1..4,8 --series policy=fcfs,rr --metric avg_response --json"));
}

#[test]
fn a_sweep_of_a_setting_that_is_not_a_number_is_refused() {
    let page =
        ask(job(Panel::Sweep, THREE_JOBS, &[("param", "policy"), ("values", "1,2"), ("metric", "makespan")]), 1.0);
    assert!(reply(&page).contains("<code>policy</code> is not a number and cannot be swept"), "{}", reply(&page));
}

fn exercise() -> Exercise {
    let spec = ExerciseSpec {
        seed: 7,
        jobs: Some(3),
        io: false,
        cpus: 1,
        scheduler: SchedulerSpec::of(Policy::RoundRobin, Some(2)),
    };
    Exercise::generate(spec).unwrap()
}

fn exercise_fields() -> Vec<(String, String)> {
    [("seed", "7"), ("policy", "rr"), ("quantum", "2"), ("cpus", "1"), ("jobs", "3")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn an_exercise_answered_right_then_wrong() {
    let x = exercise();
    let answers = x.solve().unwrap();
    let mut fields = exercise_fields();
    fields.push(("do".into(), "check".into()));
    for j in &answers.jobs {
        for f in threadlab::exercise::Field::ALL {
            fields.push((format!("{}.{}", j.job, f.key()), j.value(f).to_string()));
        }
    }
    let m = reply(&ask(exercise_job(fields.clone()), 1.0)).to_string();
    assert_eq!(attr(&m, "data-verdict"), vec!["right"; 12]);
    assert!(m.contains("12 of 12 answers right"));
    assert!(!m.contains(r#"data-testid="why""#));

    // B's waiting time off by one: wrong, and its ready spans are outlined on B's lane (lane 1)
    // and summed to the correct value.
    let b = &answers.jobs[1];
    let i = fields.iter().position(|(n, _)| n == "B.waiting").unwrap();
    fields[i].1 = (b.waiting + 1).to_string();
    let m = reply(&ask(exercise_job(fields), 1.0)).to_string();
    let verdicts = attr(&m, "data-verdict");
    assert_eq!(verdicts.iter().filter(|v| *v == "wrong").count(), 1);
    assert_eq!(verdicts[4 + 2], "wrong");
    assert!(m.contains("11 of 12 answers right"));
    let why = between(&m, r#"data-testid="why""#, "</details>");
    let spans: Vec<(String, String)> = attr(why, "data-start").into_iter().zip(attr(why, "data-end")).collect();
    let expected: Vec<(String, String)> =
        b.made_of.waiting.iter().map(|s| (s.start.to_string(), s.end.to_string())).collect();
    assert!(!expected.is_empty());
    assert_eq!(spans, expected);
    assert!(attr(why, "data-lane").iter().all(|l| l == "1"));
    assert!(why.contains(&format!("= {} µs.", b.waiting)), "{why}");
    // One unit word, as the simulator's timeline says: µs, never ticks.
    // (The policy menu's "Round Robin on a global tick" is OSTEP's name for multi.py's policy.)
    for part in [
        between(&m, r#"data-testid="exercise-problem""#, "</section>"),
        between(&m, r#"data-testid="answers-form""#, "</form>"),
    ] {
        let words = part.replace("g-tick", "");
        assert!(!words.split(|c: char| !c.is_alphanumeric()).any(|w| w == "tick" || w == "ticks"), "{part}");
    }
}

#[test]
fn shown_answers_are_the_cli_s() {
    let answers = exercise().solve().unwrap();
    let mut fields = exercise_fields();
    fields.push(("do".into(), "show".into()));
    let m = reply(&ask(exercise_job(fields), 1.0)).to_string();
    let a = &answers.jobs[0];
    assert!(m.contains(&format!(r#"name="A.completion" value="{}""#, a.completion)), "{m}");
    assert!(m.contains(&format!(r#"name="A.response" value="{}""#, a.response)));
}

#[test]
fn a_first_exercise_form_runs_the_default_exercise() {
    let m = reply(&ask(exercise_job(Vec::new()), 1.0)).to_string();
    assert!(m.contains("Exercise (seed 1): Round Robin (RR), quantum 4, on 1 CPU"), "{m}");
    assert!(m.contains(r#"name="A.completion""#));
    let bad =
        exercise_fields().into_iter().map(|(n, v)| if n == "jobs" { (n, "40".to_string()) } else { (n, v) }).collect();
    let m = reply(&ask(exercise_job(bad), 1.0)).to_string();
    assert!(m.contains("Jobs: <code>40</code> is not a whole number from 1 to 26"), "{m}");
}

#[test]
fn progress_only_for_long_jobs() {
    let fields = [("policy", "fcfs"), ("policy", "sjf"), ("policy", "rr"), ("metric", "makespan")];
    let quick = ask(job(Panel::Compare, THREE_JOBS, &fields), 1.0);
    assert_eq!(quick.len(), 1);
    // Each run "takes" 60 ms: a count after the second run (120 ms in), then every 100 ms.
    let slow = ask(job(Panel::Compare, THREE_JOBS, &fields), 60.0);
    let counts: Vec<(u32, u32)> = slow
        .iter()
        .filter_map(|m| if let FromLab::Counted { done, total, .. } = m { Some((*done, *total)) } else { None })
        .collect();
    assert_eq!(counts, [(2, 3)]);
}

#[test]
fn a_crash_of_either_worker_reaches_the_page() {
    let mut lab = LabWorker::new(threadlab::lab::task);
    let out = lab.from_sim(FromWorker::Crashed { message: "boom".into() }, Vec::new(), 0.0);
    let message = "the lab worker stopped: its simulation worker stopped: boom".to_string();
    assert_eq!(out, [Out::Page(FromLab::Crashed { message })]);
    let out = lab.from_reader(FromReader::Crashed { message: "bang".into() }, Vec::new());
    let message = "the lab worker stopped: its reader stopped: bang".to_string();
    assert_eq!(out, [Out::Page(FromLab::Crashed { message })]);
}

#[test]
fn each_run_is_read_with_its_edits_then_run_from_the_reader_s_bytes() {
    let mut lab = LabWorker::new(threadlab::lab::task);
    let (_, _) = (lab.from_reader(FromReader::Ready, Vec::new()), lab.from_sim(FromWorker::Ready, Vec::new(), 0.0));
    let fields = [("policy", "fcfs"), ("policy", "rr"), ("quanta", "3"), ("metric", "makespan")];
    // First the scenario in use, as it is (request 1).
    let out = lab.from_page(ToLab::Start { id: 4, job: job(Panel::Compare, THREE_JOBS, &fields) }, 0.0);
    let [Out::Reader(read)] = &out[..] else { panic!("{out:?}") };
    let mut answers = Vec::new();
    reader::handle(read.clone(), &mut |m, b| answers.push((m, b)));
    let (m, b) = answers.pop().unwrap();
    // Then one read per variant (requests 2 and 3): FCFS has no quantum, so `--quantum 3`
    // (common) is left out of its edits, as the CLI's plan leaves it out of its run.
    let out = lab.from_reader(m, b);
    let edits: Vec<(u64, Vec<ScenarioEdit>)> = (out.iter())
        .map(|o| match o {
            Out::Reader(threadlab::messaging::reader::ToReader::Read { id, job }) => (*id, job.edits.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        edits,
        [
            (2, vec![ScenarioEdit::Policy(Policy::Fcfs)]),
            (3, vec![ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(3)])
        ]
    );
    // A read's loaded run goes to the simulation worker as the reader sent it, with the read's id.
    let Out::Reader(second) = &out[0] else { unreachable!() };
    let mut answers = Vec::new();
    reader::handle(second.clone(), &mut |m, b| answers.push((m, b)));
    let (m, b) = answers.pop().unwrap();
    let loaded = b[1].clone();
    assert_eq!(
        lab.from_reader(m, b),
        [Out::Sim(ToWorker::Start { id: 2, job: Job::Run(RunJob { fault: None }) }, vec![loaded])]
    );
}

#[test]
fn the_page_s_plan_reads_into_the_cli_s_runs_for_every_preset() {
    // For each preset: every policy on 1 and 2 CPUs with quantum 3 and seed 5 for all. The lab
    // worker plans on the settings the reader answered (lab::Planned), the CLI on the scenario;
    // each planned run, read by the reader with its edits, must load to the CLI's run.
    use threadlab::lab::Planned;
    use threadlab::model::LoadedRun;
    let edits = |p: Policy, cpus: u32| vec![ScenarioEdit::Policy(p), ScenarioEdit::Cpus(cpus)];
    let variants: Vec<Variant> = (Policy::ALL.iter())
        .flat_map(|&p| [1, 2].map(|c| Variant::new(&format!("{}-{c}", p.key()), edits(p, c))))
        .collect();
    let common = vec![ScenarioEdit::Quantum(3), ScenarioEdit::Seed(5)];
    let mut checked = 0;
    for preset in presets::PRESETS {
        let base = Scenario::from_json(preset.json).unwrap();
        let cli =
            Comparison { base, common: common.clone(), variants: variants.clone(), metrics: vec![Metric::Makespan] };
        let read = reader::read(&threadlab::lab::read_job(preset.json, Vec::new())).unwrap();
        let page = Comparison {
            base: Planned::new(preset.json, &read.summary, &read.run),
            common: common.clone(),
            variants: variants.clone(),
            metrics: vec![Metric::Makespan],
        };
        match (cli.plan(), page.plan()) {
            (Ok(cli_runs), Ok(page_runs)) => {
                for (c, p) in cli_runs.iter().zip(&page_runs) {
                    match (LoadedRun::load(c), reader::read(&p.read_job())) {
                        (Ok(c), Ok(p)) => assert_eq!(p.run, c, "{}", preset.key),
                        // A check only loading makes (an affinity beyond the CPUs): the same words.
                        (Err(c), Err(p)) => assert_eq!(p.message, c.message, "{}", preset.key),
                        (c, p) => panic!("{}: CLI {:?}, page {:?}", preset.key, c.err(), p.err()),
                    }
                    checked += 1;
                }
            }
            (Err(c), Err(p)) => assert_eq!(p.to_string(), c.to_string(), "{}", preset.key),
            // The CLI plans on the scenario and finds an affinity beyond the CPUs at once; the
            // page plans on the settings alone, and loading the run finds it, in the same words.
            (Err(c), Ok(page_runs)) => {
                let failed = page_runs.iter().find_map(|p| reader::read(&p.read_job()).err());
                let failed =
                    failed.unwrap_or_else(|| panic!("{}: the CLI refused {c}, the page loads every run", preset.key));
                assert_eq!(failed.message, c.error.message, "{}", preset.key);
            }
            (c, p) => panic!("{}: CLI {:?}, page {:?}", preset.key, c.err(), p.err()),
        }
    }
    assert!(checked > 100, "{checked} runs checked");
}

/// C12 on the page: the sweep panel offers the scenario's params, sweeps `params.cs` with one
/// series per CPU count and the speedup over the 1-CPU series, and shows the CLI's points (worked
/// by hand in `tests/critical_section.rs`: 603 / 201 at cs = 5). A param the scenario lacks is
/// refused by the planner, naming the declared ones.
#[test]
fn the_sweep_panel_varies_a_param_against_a_baseline_series() {
    let preset = presets::find("critical-section").unwrap();
    let fields =
        [("param", "params.cs"), ("values", "5,20"), ("series", "cpus=1,4"), ("metric", "speedup"), ("baseline", "1")];
    let m = reply(&ask(job(Panel::Sweep, preset.json, &fields), 1.0)).to_string();
    assert!(m.contains(r#"<option value="params.cs" selected>$cs (the scenario&#39;s, now 4)</option>"#), "{m}");
    assert!(
        m.contains("--param params.cs --values 5,20 --series cpus=1,4 --metric speedup --baseline 1 --json"),
        "{m}"
    );
    let chart = between(&m, r#"data-testid="sweep-chart""#, "</svg>");
    let ys: Vec<f64> = attr(chart, "data-y").iter().map(|y| y.parse().unwrap()).collect();
    assert_eq!(ys, [1.0, 1.0, 603.0 / 201.0, 903.0 / 501.0]);
    let bad = [("param", "params.size"), ("values", "5"), ("metric", "makespan")];
    let m = reply(&ask(job(Panel::Sweep, preset.json, &bad), 1.0)).to_string();
    assert!(m.contains("no param <code>size</code> (its params: cs, work)"), "{m}");
    let both =
        [("param", "params.cs"), ("values", "5"), ("policy", "rr"), ("series", "cpus=1,4"), ("metric", "makespan")];
    let m = reply(&ask(job(Panel::Sweep, preset.json, &both), 1.0)).to_string();
    assert!(m.contains("not both"), "{m}");
}

/// The exercise form offers every policy an exercise takes and not x86.py's, which has no rule
/// for jobs of CPU bursts; a form that sends it anyway (an old link) is refused by the control's
/// name, with the policies that work, as `threadlab exercise --policy x86` is.
#[test]
fn the_exercise_form_offers_no_x86_and_refuses_it_by_name() {
    let m = reply(&ask(exercise_job(Vec::new()), 1.0)).to_string();
    let select = between(&m, r#"name="policy""#, "</select>");
    let offered = attr(select, "value");
    let taken: Vec<String> = threadlab::exercise::policies().map(|p| p.key().to_string()).collect();
    assert_eq!(offered, taken);
    assert!(!offered.iter().any(|k| k == "x86"));
    let x86 = exercise_fields().into_iter().map(|(n, v)| if n == "policy" { (n, "x86".to_string()) } else { (n, v) });
    let m = reply(&ask(exercise_job(x86.collect()), 1.0)).to_string();
    assert!(m.contains("Policy: x86 (OSTEP x86.py) switches threads of assembly every N instructions"), "{m}");
    assert!(m.contains("process_run, tick_rr, scripted"), "{m}");
    assert!(!m.contains(r#"name="A.completion""#), "{m}");
}
