//! The Races panel's worker's answers, computed natively with the reader's and the model's code
//! (`threadlab::workers::races::run_here`): be the scheduler, every interleaving, many seeds,
//! on the presets. The numbers are checked against the model's own functions and the CLI's.

use threadlab::lab::races_view::{COUNTING_INTERLEAVINGS, COUNTING_STATES};
use threadlab::messaging::FromWorker;
use threadlab::messaging::lab::{FromLab, LabJob, Panel, ToLab};
use threadlab::messaging::reader::FromReader;
use threadlab::model::explore;
use threadlab::model::schedule::{self, Schedule};
use threadlab::model::seeds;
use threadlab::presets;
use threadlab::workers::nested::{Nested, Out};
use threadlab::workers::races::{RacesForm, run_here};
use threadlab::workers::reader;

fn job(preset: &str, fields: &[(&str, &str)]) -> LabJob {
    LabJob {
        panel: Panel::Races,
        fields: fields.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
        scenario: presets::find(preset).unwrap().json.to_string(),
        preset: preset.into(),
    }
}

/// The value of attribute `attr` of every element whose `data-testid` is `id`, in order.
fn attrs(markup: &str, id: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let key = format!(r#"data-testid="{id}""#);
    for (at, _) in markup.match_indices(&key) {
        let (start, end) = (markup[..at].rfind('<').unwrap(), at + markup[at..].find('>').unwrap());
        let tag = &markup[start..end];
        let Some(a) = tag.find(&format!(r#" {attr}=""#)) else { continue };
        let rest = &tag[a + attr.len() + 3..];
        out.push(rest[..rest.find('"').unwrap()].to_string());
    }
    out
}

#[test]
fn the_explorer_finds_2_3_and_4_for_two_threads_incrementing_twice() {
    let out = run_here(&job("race-twice", &[("tool", "explore")]));
    assert_eq!(attrs(&out, "explore-set", "data-values"), ["2,3,4"], "{out}");
    assert_eq!(attrs(&out, "explore-final", "data-values"), ["2", "3", "4"]);
    // Counts are of interleavings: each thread takes 6 steps (load, add, store, twice; `loop`
    // and `end` go with them), so there are C(12, 6) = 924 orders in all.
    let counts: u64 = out
        .split(r#"data-testid="explore-final""#)
        .skip(1)
        .map(|row| {
            let cells: Vec<&str> = row.split("<td>").skip(1).map(|c| &c[..c.find('<').unwrap()]).collect();
            cells[1].parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(counts, 924);
    // Each schedule shown ends with the value its row says when the scenario replays it.
    let scenario = presets::find("race-twice").unwrap().scenario().unwrap();
    for (values, s) in
        attrs(&out, "explore-final", "data-values").iter().zip(attrs(&out, "explore-final", "data-schedule"))
    {
        let (_, r, _) = schedule::replay(&scenario, &Schedule::parse(&s).unwrap()).unwrap();
        assert_eq!(r.metrics.variables[0].value.to_string(), *values, "schedule {s}");
    }
    // The model's explorer agrees.
    let x = explore::explore(&scenario, explore::DEFAULT_LIMIT).unwrap();
    assert_eq!(x.finals.iter().map(|f| f.values[0]).collect::<Vec<_>>(), [2, 3, 4]);
}

#[test]
fn a_program_too_big_for_the_limit_is_refused_with_what_to_do() {
    let out = run_here(&job("race-twice", &[("tool", "explore"), ("limit", "10")]));
    assert!(out.contains(r#"data-testid="explore-too-big""#), "{out}");
    assert!(out.contains("stored 10 states (the limit)"), "{out}");
    assert!(!out.contains(r#"data-testid="explore-final""#));
    // A limit that is no number is named.
    let out = run_here(&job("race-twice", &[("tool", "explore"), ("limit", "lots")]));
    assert!(out.contains("Limit: <code>lots</code> is not a whole number from 1 to 1000000"), "{out}");
    // What the explorer cannot explore says why.
    let out = run_here(&job("race-unsafe", &[("tool", "explore")]));
    assert!(out.contains("compute A..B"), "{out}");
}

#[test]
fn being_the_scheduler_a_lost_update_is_made_undone_and_exported() {
    // A, B load 0 each (A: loop+load, B: loop+load), then A adds and stores 1, B adds and
    // stores 1: one update lost after 6 steps; then each runs its second increment alone.
    let picks = ["0", "1", "0", "0", "1", "1", "0", "0", "0", "1", "1", "1"];
    let mut steps: Vec<&str> = Vec::new();
    let mut out = String::new();
    for p in picks {
        let joined = steps.join(",");
        out = run_here(&job("race-twice", &[("tool", "steer"), ("steps", &joined), ("pick", p)]));
        steps.push(p);
    }
    assert!(out.contains(r#"data-testid="races-var-counter">3<"#), "{out}");
    assert!(out.contains("Your order lost an update"), "{out}");
    // One tick per step here (no `compute`), so the schedule is the picks.
    let s = "010011000111";
    assert!(out.contains(&format!(r#"<code data-testid="steer-schedule">{s}</code>"#)), "{out}");
    let scenario = presets::find("race-twice").unwrap().scenario().unwrap();
    let (_, r, _) = schedule::replay(&scenario, &Schedule::parse(s).unwrap()).unwrap();
    assert_eq!(r.metrics.variables[0].value, 3);
    // The replay button's scenario follows it.
    let open = attrs(&out, "steer-open", "value");
    assert_eq!(open.len(), 1);
    let text = open[0]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let opened = threadlab::model::Scenario::from_json(&text).unwrap();
    let (_, r) = threadlab::model::run(&opened).unwrap();
    assert_eq!(r.metrics.variables[0].value, 3);
    // Undo drops the last step only.
    let joined = steps.join(",");
    let undone = run_here(&job("race-twice", &[("tool", "steer"), ("steps", &joined), ("undo", "1")]));
    assert_eq!(attrs(&undone, "steer-form", "aria-label").len(), 1, "{undone}");
    assert!(undone.contains(r#"name="steps" value="0,1,0,0,1,1,0,0,0,1,1""#), "{undone}");
    assert!(undone.contains(r#"data-testid="steer-pick-1""#));
    // A thread that cannot run is refused, the steps before it kept.
    let bad = run_here(&job("race-twice", &[("tool", "steer"), ("steps", "0,7")]));
    assert!(bad.contains("Step 2 of the steps sent could not be taken"), "{bad}");
}

#[test]
fn many_seeds_show_each_final_value_as_the_model_counts_it() {
    let out = run_here(&job("race-unsafe", &[("tool", "seeds"), ("runs", "20"), ("from", "3")]));
    let scenario = presets::find("race-unsafe").unwrap().scenario().unwrap();
    let report = seeds::run_seeds(&scenario, 3, 20).unwrap();
    let want: Vec<String> = report.variables[0].values.iter().map(|c| c.value.to_string()).collect();
    let runs: Vec<String> = report.variables[0].values.iter().map(|c| c.runs.to_string()).collect();
    assert!(want.len() > 1, "race-unsafe ends differently under different seeds: {want:?}");
    assert_eq!(attrs(&out, "seeds-row", "data-value"), want);
    assert_eq!(attrs(&out, "seeds-row", "data-runs"), runs);
    assert_eq!(attrs(&out, "seeds-bar", "data-value"), want);
    assert!(out.contains("a run that happens to end right proves nothing"), "{out}");
    // A scenario that draws nothing runs the same under every seed, and says so.
    let same = run_here(&job("race-twice", &[("tool", "seeds"), ("runs", "5")]));
    assert_eq!(attrs(&same, "seeds-summary", "data-distinct"), ["1"]);
}

/// Many seeds on a scenario from `threadlab ostep x86 -r -s 0` (two threads adding to a cell
/// without a lock, random interrupts): the page's runs are x86.py's seeds, as the CLI's are
/// (seed k is `-s k`), the page says so, and "Open seed k" opens a scenario that runs as
/// `-s k`. Before, every seed drew `-s 0`'s interrupts and the page showed one value.
#[test]
fn many_seeds_of_an_x86_scenario_are_x86_py_s_seeds() {
    let counter = include_str!("fixtures/x86/counter.s");
    let ostep = |seed: u64| {
        let mut args: Vec<String> =
            format!("x86 -t 2 -i 5 -r -s {seed} -a bx=3 --scenario").split_whitespace().map(String::from).collect();
        args.extend(["-p".into(), "c.s".into(), "--program-text".into(), counter.into()]);
        threadlab::ostep::run_args(&args).unwrap().scenario
    };
    let s0 = ostep(0);
    let mut x86 = job("race-twice", &[("tool", "seeds"), ("runs", "10")]);
    x86.scenario = s0.to_json();
    let out = run_here(&x86);
    let report = seeds::run_seeds(&s0, 0, 10).unwrap();
    let want: Vec<String> = report.variables[0].values.iter().map(|c| c.value.to_string()).collect();
    let runs: Vec<String> = report.variables[0].values.iter().map(|c| c.runs.to_string()).collect();
    assert!(want.len() > 1, "x86.py's seeds 0 to 9 end differently: {want:?}");
    assert_eq!(attrs(&out, "seeds-row", "data-value"), want, "{out}");
    assert_eq!(attrs(&out, "seeds-row", "data-runs"), runs);
    assert!(out.contains(r#"data-testid="seeds-also""#) && out.contains("random interrupts (-r)"), "{out}");
    // Each value's "Open seed k" is `-s k`'s run: it ends with that value.
    for (c, text) in report.variables[0].values.iter().zip(attrs(&out, "seeds-row", "data-value")) {
        let key = format!(r#"data-testid="seeds-open-{text}""#);
        let at = out.find(&key).unwrap_or_else(|| panic!("{key} in {out}"));
        let tag = &out[out[..at].rfind('<').unwrap()..at];
        let value = &tag[tag.find(r#"value=""#).unwrap() + 7..];
        let opened = threadlab::model::Scenario::from_json(&unescape(&value[..value.find('"').unwrap()])).unwrap();
        assert_eq!(opened, ostep(c.first_seed), "seed {}", c.first_seed);
    }
}

/// Undoes the markup's escapes (`esc`).
fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

thread_local! {
    /// What the Races worker's progress reports posted (the worker binary posts them to the page).
    static HEARD: std::cell::RefCell<Vec<FromLab>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn heard(m: FromLab) {
    HEARD.with(|h| h.borrow_mut().push(m));
}

/// While Every interleaving explores, the worker tells the page how far it has got, naming the
/// page's job: first the interleavings followed (two threads of 10 increments have more than
/// 100,000, so the count stops at the limit), then the states stored by the reduced search
/// (which ends, past `PROGRESS_STEPS` steps: `tests/explore.rs`), each count growing.
#[test]
fn an_exploration_reports_its_count_to_the_page_as_it_goes() {
    let mut races = Nested::new(RacesForm { report: Some(heard) });
    let _ = (races.from_reader(FromReader::Ready, Vec::new()), races.from_sim(FromWorker::Ready, Vec::new(), 0.0));
    let mut ten = job("race-twice", &[("tool", "explore"), ("limit", "100000")]);
    ten.scenario = ten.scenario.replace("\"loop 2\"", "\"loop 10\"");
    let out = races.from_page(ToLab::Start { id: 7, job: ten }, 0.0);
    let [Out::Reader(read)] = &out[..] else { panic!("{out:?}") };
    let mut answers = Vec::new();
    reader::handle(read.clone(), &mut |m, b| answers.push((m, b)));
    let (m, b) = answers.pop().unwrap();
    let out = races.from_reader(m, b);
    let [Out::Page(FromLab::Done { id: 7, answer })] = &out[..] else { panic!("{out:?}") };
    assert!(answer.contains(r#"data-testid="explore-result""#), "{answer}");
    let said: Vec<(u32, u32)> = HEARD
        .with(|h| h.take())
        .into_iter()
        .map(|m| match m {
            FromLab::Counted { id: 7, done, total } => (total, done),
            other => panic!("{other:?}"),
        })
        .collect();
    let passes: Vec<u32> = said.iter().map(|&(p, _)| p).collect();
    assert!(passes.is_sorted() && passes.first() == Some(&COUNTING_INTERLEAVINGS), "{said:?}");
    assert!(passes.last() == Some(&COUNTING_STATES), "{said:?}");
    assert!(said.windows(2).all(|w| w[0].0 != w[1].0 || w[0].1 <= w[1].1), "{said:?}");
    assert!(said.iter().all(|&(_, n)| n > 0 && n <= 100_000), "{said:?}");
}

#[test]
fn being_the_scheduler_of_an_x86_program_shows_its_cell_registers_and_lost_update() {
    // OSTEP x86.py with a `.var count` (its cell at 100) and 2 threads: both load 0, then each
    // adds and stores 1, then each halts: one update lost, count ends at 1.
    let program = ".var count\n.main\nmov count, %ax\nadd $1, %ax\nmov %ax, count\nhalt\n";
    let words: Vec<String> = ["x86", "-t", "2", "-p", "count.s", "--scenario", "--program-text", program]
        .iter()
        .map(|w| w.to_string())
        .collect();
    let scenario = serde_json::to_string(&threadlab::ostep::run_args(&words).unwrap().scenario).unwrap();
    let picks = ["0", "1", "0", "0", "1", "1", "0", "1"];
    let mut steps: Vec<&str> = Vec::new();
    let mut out = String::new();
    for p in picks {
        let joined = steps.join(",");
        let fields = [("tool", "steer"), ("steps", joined.as_str()), ("pick", p)];
        let job = LabJob {
            panel: Panel::Races,
            fields: fields.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            scenario: scenario.clone(),
            preset: String::new(),
        };
        out = run_here(&job);
        if steps.len() == 2 {
            // After both loads: the registers by x86.py's names, as the thread table says.
            assert!(out.contains("sp = 128000") && !out.contains("r6 ="), "{out}");
        }
        steps.push(p);
    }
    assert!(out.contains(r#"data-testid="races-var-count">1<"#), "{out}");
    assert!(out.contains("is 1 after 1 lost update") && out.contains("Your order lost an update"), "{out}");
}
