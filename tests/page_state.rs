//! The page's state reducer: the controls always describe the scenario in use, whatever changed
//! it; a teacher's own scenario is never lost. No browser: the page's two workers are played by
//! hand here, with their own native handlers: the reader worker's answers are made by
//! [`reader::handle`] (and turned into page actions as the page does, [`from_reader`]), the
//! simulation worker's by [`simulation::handle`] on the loaded run's bytes.

use std::rc::Rc;

use threadlab::messaging::reader::{FromReader, ToReader};
use threadlab::messaging::wire::RunBytes;
use threadlab::messaging::{self, FromWorker, Job, RunJob, ToWorker};
use threadlab::model::Progress;
use threadlab::model::scenario::{Policy, ScenarioEdit};
use threadlab::page::jobs::{self, Job as JobRow};
use threadlab::page::run::Run;
use threadlab::page::{
    Group, Named, PageAction, PageState, Pending, Reading, Session, Source, Stored, Via, from_reader,
};
use threadlab::presets;
use threadlab::workers::{reader, simulation};

/// The reader worker's answer to `message`, as the page turns it into an action (both through
/// their control bytes, as they cross between the page and the worker).
fn ask_reader(message: ToReader) -> PageAction {
    let message = messaging::read::<ToReader>(&messaging::write(&message)).unwrap();
    let mut answers: Vec<(FromReader, Vec<Vec<u8>>)> = Vec::new();
    reader::handle(message, &mut |m, buffers| answers.push((m, buffers)));
    let [(m, buffers)] = <[_; 1]>::try_from(answers).expect("one answer per request");
    let m = messaging::read::<FromReader>(&messaging::write(&m)).unwrap();
    from_reader(m, &buffers).expect("an answer about the request")
}

/// The reader worker's answer to the pending read.
fn read_answer(r: &Reading) -> PageAction {
    ask_reader(ToReader::Read { id: r.id, job: r.job() })
}

/// The page's fetch of the read's preset file (`presets/KEY.json`, served beside the page): the
/// same text the CLI has.
fn fetched(r: &Reading) -> PageAction {
    let Source::Preset(key) = &r.source else { panic!("only a preset's text is fetched") };
    PageAction::Fetched { id: r.id, text: Ok(json(key)) }
}

/// The pending read, its preset's text fetched first if it is one.
fn fetch(s: &mut PageState) -> Reading {
    if let Some(r) = s.reading.clone().filter(|r| r.fetching) {
        s.apply(fetched(&r));
    }
    s.reading.clone().expect("a read is pending")
}

/// The simulation worker's run of the pending run, as the page assembles it.
fn run_answer(p: &Pending) -> PageAction {
    let mut answers: Vec<(FromWorker, Vec<Vec<u8>>)> = Vec::new();
    let start = ToWorker::Start { id: p.id, job: Job::Run(RunJob { fault: None }) };
    simulation::handle(start, &[p.input.to_vec()], &|| 0.0, &mut |m, b| answers.push((m, b)));
    match answers.pop() {
        Some((FromWorker::Done { id, .. }, buffers)) => {
            let bytes = RunBytes::decode(&buffers[0]).unwrap();
            let run = Run::from_worker(p.loaded.summary.clone(), (*p.system).clone(), bytes);
            PageAction::Finished { id, run }
        }
        other => panic!("the simulation worker did not run it: {other:?}"),
    }
}

/// Answers every request the page has made (the draft's rows, the fetch, the read, then the run), in
/// turn, until none is left.
fn settle(s: &mut PageState) {
    loop {
        if let Some(w) = s.rows_wanted.clone() {
            s.apply(ask_reader(ToReader::Jobs { id: w.id, text: w.text.to_string() }));
        } else if let Some(r) = s.reading.clone().filter(|r| r.fetching) {
            s.apply(fetched(&r));
        } else if let Some(r) = s.reading.clone() {
            s.apply(read_answer(&r));
        } else if let Some(p) = s.pending.clone() {
            s.apply(run_answer(&p));
        } else {
            break;
        }
    }
}

fn start_at(key: &str) -> PageState {
    let mut s = PageState::start(Stored::default(), Some(Source::Preset(key.into())));
    settle(&mut s);
    s
}

fn act(s: &mut PageState, a: PageAction) {
    s.apply(a);
    settle(s);
}

fn json(key: &str) -> String {
    presets::find(key).unwrap().json.to_string()
}

/// What every control shows, read from the state: (menu value, CPUs, policy, quantum).
fn controls(s: &PageState) -> (String, u32, Policy, Option<u64>) {
    let l = s.in_use().unwrap();
    (l.source.key(), l.summary.cpus, l.summary.policy, l.summary.quantum)
}

#[test]
fn picking_a_preset_after_a_setting_change_shows_that_preset_settings() {
    // The sequence: FCFS preset → Round Robin → the race preset → the RR preset.
    let mut s = start_at("mixed-fcfs-1cpu");
    assert_eq!(controls(&s), ("mixed-fcfs-1cpu".into(), 1, Policy::Fcfs, None));
    act(&mut s, PageAction::Edit(ScenarioEdit::Policy(Policy::RoundRobin)));
    assert_eq!(controls(&s), ("mixed-fcfs-1cpu".into(), 1, Policy::RoundRobin, Some(4)));
    assert!(s.in_use().unwrap().edited);
    act(&mut s, PageAction::Pick("race-unsafe".into()));
    assert_eq!(controls(&s), ("race-unsafe".into(), 2, Policy::Fcfs, None));
    act(&mut s, PageAction::Pick("mixed-rr-1cpu".into()));
    assert_eq!(controls(&s), ("mixed-rr-1cpu".into(), 1, Policy::RoundRobin, Some(4)));
    // The run shown is that scenario's run.
    let shown = s.shown.as_ref().unwrap();
    assert_eq!(shown.run.summary, shown.loaded.summary);
    // And picking the edited preset again gives the preset as shipped.
    act(&mut s, PageAction::Pick("mixed-fcfs-1cpu".into()));
    assert_eq!(controls(&s), ("mixed-fcfs-1cpu".into(), 1, Policy::Fcfs, None));
    assert!(!s.in_use().unwrap().edited);
}

#[test]
fn an_import_is_the_custom_scenario_and_its_settings_show() {
    let mut s = start_at("mixed-fcfs-1cpu");
    let file = json("mixed-rr-2cpu");
    act(&mut s, PageAction::Open { source: Source::Custom, text: file.clone(), via: Via::Import("rr.json".into()) });
    assert_eq!(controls(&s), ("custom".into(), 2, Policy::RoundRobin, Some(4)));
    assert_eq!(&*s.in_use().unwrap().text, file.as_str(), "the author's text, as written");
    assert_eq!(s.custom.as_ref().unwrap().text, file);
}

#[test]
fn a_control_changes_only_its_value_in_the_text() {
    let mut s = start_at("race-unsafe");
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(1)));
    assert_eq!(&*s.in_use().unwrap().text, json("race-unsafe").replacen("\"cpus\": 2", "\"cpus\": 1", 1));
    // Edits build on each other, and a refused one changes nothing and says why.
    act(&mut s, PageAction::Edit(ScenarioEdit::Quantum(3)));
    assert_eq!(s.in_use().unwrap().summary.cpus, 1);
    let e = s.error.clone().expect("FCFS has no quantum");
    assert_eq!(e.path.as_deref(), Some("scheduler.quantum"));
    assert_eq!(controls(&s).2, Policy::Fcfs);
}

#[test]
fn a_failed_apply_keeps_the_run_and_the_text_and_says_where() {
    let mut s = start_at("race-unsafe");
    let before = s.shown.clone();
    let bad = json("race-unsafe").replacen("\"cpus\": 2", "\"cpus\": \"two\"", 1);
    act(&mut s, PageAction::Draft(bad.clone()));
    act(&mut s, PageAction::Open { source: Source::Custom, text: bad.clone(), via: Via::Apply });
    assert_eq!(s.shown, before, "the run shown stays");
    assert_eq!(s.draft.as_deref(), Some(bad.as_str()), "the text stays");
    let e = s.error.clone().unwrap();
    assert!(e.in_draft);
    // Line 6 of the preset is `    "cpus": "two",`; serde stops at the closing quote: 4 + 8 + 5.
    assert_eq!(e.at, Some((6, 17)));
    assert!(e.message.contains("`cpus` must be a whole number from 1 to 64, got the text \"two\""), "{}", e.message);
    // Fixing and applying runs it, clears the error and the draft.
    let good = bad.replace("\"two\"", "1");
    act(&mut s, PageAction::Draft(good.clone()));
    act(&mut s, PageAction::Open { source: Source::Custom, text: good, via: Via::Apply });
    assert_eq!(s.error, None);
    assert_eq!(s.draft, None);
    assert_eq!(controls(&s), ("custom".into(), 1, Policy::Fcfs, None));
}

#[test]
fn a_broken_import_keeps_unapplied_edits_else_becomes_the_draft() {
    let mut s = start_at("race-unsafe");
    act(
        &mut s,
        PageAction::Open { source: Source::Custom, text: "{ \"name\": ".into(), via: Via::Import("bad.json".into()) },
    );
    assert_eq!(s.draft.as_deref(), Some("{ \"name\": "));
    // The text ends after `"name": ` (10 characters): the error names the file and that place.
    assert!(s.error.as_ref().unwrap().message.starts_with("bad.json: name, line 1, column 10: "), "{:?}", s.error);
    let mine = json("race-mutex");
    act(&mut s, PageAction::Draft(mine.clone()));
    act(&mut s, PageAction::Open { source: Source::Custom, text: "[".into(), via: Via::Import("worse.json".into()) });
    assert_eq!(s.draft.as_deref(), Some(mine.as_str()), "the learner's edits are not overwritten");
    assert!(!s.error.as_ref().unwrap().in_draft);
}

#[test]
fn an_opened_scenario_keeps_unapplied_edits() {
    // The walk's fault (s11): edits not applied yet were lost when a file was imported, an OSTEP
    // run opened ("Open as scenario") or a Races schedule shown on the timeline, which all open
    // through an import; a preset pick kept them.
    for what in ["mine.json", "OSTEP run", "schedule"] {
        let mut s = start_at("race-unsafe");
        let edits = json("race-unsafe").replace("\"name\": \"", "\"name\": \"Edited ");
        assert_ne!(edits, json("race-unsafe"));
        act(&mut s, PageAction::Draft(edits.clone()));
        let shown = s.shown_label();
        act(&mut s, PageAction::Open { source: Source::Custom, text: json("deadlock"), via: Via::Import(what.into()) });
        assert_eq!(s.in_use().unwrap().text.as_ref(), json("deadlock"), "{what} is open");
        assert_eq!(s.draft.as_deref(), Some(edits.as_str()), "{what}: the edits are still in the editor");
        let note = s.draft_note().unwrap();
        assert_eq!(Some(note.of), shown, "{what}: the edits are said to be of the scenario they came from");
        // ... and across a reload.
        let stored = Stored {
            session: s.session(),
            draft: s.draft.clone(),
            draft_of: s.draft_of.clone(),
            custom: s.custom.as_ref().map(|c| c.text.clone()),
            saved: s.saved.clone(),
        };
        let again = PageState::start(stored, None);
        assert_eq!(again.draft.as_deref(), Some(edits.as_str()), "{what}: kept across a reload");
    }
}

#[test]
fn the_custom_scenario_stays_in_the_menu_after_a_preset_and_comes_back() {
    let mut s = start_at("race-unsafe");
    let mine = json("race-mutex").replace("Race fixed with a mutex", "My lab");
    act(&mut s, PageAction::Open { source: Source::Custom, text: mine.clone(), via: Via::Apply });
    act(&mut s, PageAction::Pick("single-thread".into()));
    let custom = s.choices().into_iter().find(|c| c.value == "custom").expect("still in the menu");
    assert_eq!(custom.group, Group::Mine);
    assert!(custom.label.contains("My lab"), "{}", custom.label);
    act(&mut s, PageAction::Pick("custom".into()));
    assert_eq!(&*s.in_use().unwrap().text, mine.as_str());
    // A control on the custom scenario updates it in place; its description was written for
    // the settings it was opened with, so it is marked changed (walk s11: an OSTEP x86 run's
    // "switched every 2 instructions" stayed after the quantum changed, with no word of it).
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(1)));
    let in_use = s.in_use().unwrap();
    assert!(in_use.edited);
    assert_eq!(s.custom.as_ref().unwrap().text, *in_use.text);
    assert!(s.session().unwrap().edited, "a reload still says the settings changed");
    let custom = s.choices().into_iter().find(|c| c.value == "custom").unwrap();
    assert!(!custom.label.contains("(edited)"), "the custom one is the user's own: {}", custom.label);
    // Leaving it keeps it once, as it is: no copy, no notice of one.
    let saved = s.saved.clone();
    act(&mut s, PageAction::Pick("single-thread".into()));
    assert_eq!(s.saved, saved);
    assert_eq!(s.notice, None);
    assert!(s.custom.as_ref().unwrap().text.contains("\"cpus\": 1"), "{}", s.custom.as_ref().unwrap().text);
    // Applied again from the editor, it is the learner's text as written: no longer marked.
    let text = s.custom.as_ref().unwrap().text.clone();
    act(&mut s, PageAction::Open { source: Source::Custom, text, via: Via::Apply });
    assert!(!s.in_use().unwrap().edited);
}

#[test]
fn named_scenarios_are_kept_and_deleting_the_one_in_use_loses_nothing() {
    let mut s = start_at("mixed-fcfs-1cpu");
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(2)));
    act(&mut s, PageAction::Save("Lab 1".into()));
    assert_eq!(s.in_use().unwrap().source, Source::Saved("Lab 1".into()));
    act(&mut s, PageAction::Pick("race-unsafe".into()));
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(1)));
    act(&mut s, PageAction::Save("Lab 2".into()));
    let mine: Vec<String> = s.choices().into_iter().filter(|c| c.group == Group::Mine).map(|c| c.value).collect();
    assert_eq!(mine, ["saved:Lab 1", "saved:Lab 2"]);
    act(&mut s, PageAction::Pick("saved:Lab 1".into()));
    assert_eq!(controls(&s), ("saved:Lab 1".into(), 2, Policy::Fcfs, None));
    // Saving again under the same name replaces it.
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(3)));
    assert_eq!(s.choices().iter().find(|c| c.value == "saved:Lab 1").unwrap().label, "Lab 1 (edited)");
    act(&mut s, PageAction::Save("Lab 1".into()));
    assert_eq!(s.saved.len(), 2);
    assert!(s.saved[0].text.contains("\"cpus\": 3"));
    // Deleting the one in use: it stays on screen as the custom scenario.
    act(&mut s, PageAction::Delete("Lab 1".into()));
    assert_eq!(s.saved.len(), 1);
    assert_eq!(s.in_use().unwrap().source, Source::Custom);
    assert!(s.custom.as_ref().unwrap().text.contains("\"cpus\": 3"));
    act(&mut s, PageAction::Save("  ".into()));
    assert!(s.error.is_some(), "a name is needed");
}

#[test]
fn a_reload_shows_the_same_scenario_edits_included() {
    let mut s = start_at("mixed-fcfs-1cpu");
    act(&mut s, PageAction::Edit(ScenarioEdit::Policy(Policy::RoundRobin)));
    let stored = Stored { session: s.session(), ..Stored::default() };
    // The address still names the preset; the session's edits to it come back.
    let mut again = PageState::start(stored.clone(), Some(Source::Preset("mixed-fcfs-1cpu".into())));
    settle(&mut again);
    assert_eq!(controls(&again), ("mixed-fcfs-1cpu".into(), 1, Policy::RoundRobin, Some(4)));
    assert_eq!(again.in_use().unwrap().text, s.in_use().unwrap().text);
    // A link to another preset opens that preset as shipped.
    let mut link = PageState::start(stored, Some(Source::Preset("race-mutex".into())));
    settle(&mut link);
    assert_eq!(controls(&link), ("race-mutex".into(), 2, Policy::Fcfs, None));
}

#[test]
fn a_reload_brings_back_the_custom_and_named_scenarios_and_the_draft() {
    let mine = json("race-mutex").replace("Race fixed with a mutex", "Mine");
    let stored = Stored {
        session: Some(Session { source: Source::Custom, edited: false, text: mine.clone() }),
        draft: Some("{ half-written".into()),
        draft_of: None,
        custom: Some(mine.clone()),
        saved: vec![Named { name: "Lab".into(), text: json("single-thread") }],
    };
    let mut s = PageState::start(stored, None);
    settle(&mut s);
    assert_eq!(controls(&s).0, "custom");
    assert_eq!(s.draft.as_deref(), Some("{ half-written"));
    assert_eq!(s.editor_text(), "{ half-written");
    let values: Vec<String> = s.choices().into_iter().map(|c| c.value).collect();
    assert!(values.contains(&"custom".to_string()) && values.contains(&"saved:Lab".to_string()), "{values:?}");
}

#[test]
fn an_unknown_or_broken_start_falls_back_to_the_default_and_keeps_the_text() {
    let mut s = PageState::start(Stored::default(), Some(Source::Preset("no-such-thing".into())));
    settle(&mut s);
    assert_eq!(controls(&s).0, "race-unsafe");
    assert!(s.notice.as_ref().unwrap().contains("no preset named `no-such-thing`"));
    let broken = json("race-unsafe").replacen("\"cpus\": 2", "\"cpus\": 0", 1);
    let stored = Stored {
        session: Some(Session { source: Source::Custom, edited: false, text: broken.clone() }),
        ..Stored::default()
    };
    let mut s = PageState::start(stored, None);
    settle(&mut s);
    assert_eq!(controls(&s).0, "race-unsafe", "something runs");
    assert_eq!(s.draft.as_deref(), Some(broken.as_str()), "the broken text is in the editor, not lost");
    assert!(s.error.as_ref().unwrap().message.contains("`cpus` must be"));
}

#[test]
fn only_the_latest_run_asked_for_is_shown() {
    let mut s = start_at("race-unsafe");
    s.apply(PageAction::Pick("race-mutex".into()));
    let first = fetch(&mut s);
    let first_read = read_answer(&first);
    s.apply(first_read.clone());
    let first_run = s.pending.clone().expect("the read asks for its run");
    assert_eq!(first_run.id, first.id, "the run keeps its read's id");
    s.apply(PageAction::Pick("single-thread".into()));
    let second = fetch(&mut s);
    assert_eq!(s.pending, None, "the latest asked for replaces the pending run");
    s.apply(first_read);
    assert_eq!(s.pending, None, "a replaced read's answer is dropped");
    s.apply(read_answer(&second));
    s.apply(PageAction::Progress { id: first.id, progress: Progress { now: 5, steps: 3, events: 2, finished: false } });
    assert_eq!(s.pending.as_ref().unwrap().progress, None, "progress of a replaced run is ignored");
    s.apply(run_answer(&first_run));
    assert_eq!(controls(&s).0, "race-unsafe", "a replaced run never shows");
    assert_eq!(s.pending.as_ref().map(|p| p.id), Some(second.id));
    settle(&mut s);
    assert_eq!(controls(&s).0, "single-thread");
}

#[test]
fn a_draft_equal_to_the_scenario_in_use_is_no_draft() {
    let mut s = start_at("race-unsafe");
    act(&mut s, PageAction::Draft(json("race-unsafe")));
    assert_eq!(s.draft, None);
    act(&mut s, PageAction::Draft("x".into()));
    act(&mut s, PageAction::Discard);
    assert_eq!(s.editor_text(), json("race-unsafe"));
}

#[test]
fn a_cancelled_apply_keeps_the_run_shown_and_the_text() {
    // The issue (§2): Cancel stops a long run; the page keeps working and nothing of the
    // cancelled run shows. The editor's text is not lost: it stays as the draft.
    let mut s = start_at("race-unsafe");
    let text = json("race-mutex");
    s.apply(PageAction::Draft(text.clone()));
    s.apply(PageAction::Open { source: Source::Custom, text: text.clone(), via: Via::Apply });
    s.apply(read_answer(&s.reading.clone().unwrap()));
    let pending = s.pending.clone().unwrap();
    let id = pending.id;
    s.apply(PageAction::Progress { id, progress: Progress { now: 5, steps: 3, events: 2, finished: false } });
    assert!(s.pending.as_ref().unwrap().progress.is_some());
    s.apply(PageAction::Cancel);
    assert_eq!(s.pending, None);
    assert_eq!(controls(&s).0, "race-unsafe");
    assert_eq!(s.draft.as_deref(), Some(text.as_str()));
    assert!(s.notice.as_ref().unwrap().contains("cancelled"));
    // Its answer, if one still came, is dropped; a new run works.
    s.apply(run_answer(&pending));
    assert_eq!(controls(&s).0, "race-unsafe");
    act(&mut s, PageAction::Open { source: Source::Custom, text, via: Via::Apply });
    assert_eq!(controls(&s).0, "custom");
    assert_eq!(s.draft, None);
}

#[test]
fn a_stopped_run_is_reported_and_a_stopped_start_opens_the_default() {
    let mut s = start_at("race-unsafe");
    s.apply(PageAction::Pick("race-mutex".into()));
    let r = fetch(&mut s);
    s.apply(read_answer(&r));
    let id = s.pending.as_ref().unwrap().id;
    s.apply(PageAction::Stopped { id: id + 1, message: "not this one".into() });
    assert!(s.pending.is_some(), "a stop for another run changes nothing");
    s.apply(PageAction::Stopped { id, message: "The simulation worker crashed.".into() });
    assert_eq!((s.pending.as_ref(), controls(&s).0.as_str()), (None, "race-unsafe"));
    assert_eq!(s.error.as_ref().unwrap().message, "The simulation worker crashed.");
    assert_eq!(s.error.as_ref().unwrap().at, None);
    // At start, with nothing shown, the default preset is asked for instead.
    let mut s = PageState::start(Stored::default(), Some(Source::Preset("race-mutex".into())));
    let r = fetch(&mut s);
    s.apply(read_answer(&r));
    let id = s.pending.as_ref().unwrap().id;
    s.apply(PageAction::Stopped { id, message: "stopped".into() });
    assert_eq!(s.reading.as_ref().unwrap().source, Source::Preset("race-unsafe".into()));
    settle(&mut s);
    assert_eq!(controls(&s).0, "race-unsafe");
}

#[test]
fn a_stopped_reader_keeps_the_learner_s_text_and_the_run_shown() {
    // The reader worker crashed (or hung) on an apply: the run shown stays, the text is the draft.
    let mut s = start_at("race-unsafe");
    let before = s.shown.clone();
    let mine = json("race-mutex").replace("Race fixed with a mutex", "Mine");
    s.apply(PageAction::Open { source: Source::Custom, text: mine.clone(), via: Via::Apply });
    let id = s.reading.as_ref().unwrap().id;
    s.apply(PageAction::Stopped { id, message: "The scenario reader stopped.".into() });
    assert_eq!((s.reading.as_ref(), s.pending.as_ref()), (None, None));
    assert_eq!(s.shown, before);
    assert_eq!(s.draft.as_deref(), Some(mine.as_str()), "the applied text is kept as the draft");
    assert_eq!(s.error.as_ref().unwrap().message, "The scenario reader stopped.");
    // The same for an import: the file's text is not lost.
    s.apply(PageAction::Discard);
    s.apply(PageAction::Open { source: Source::Custom, text: mine.clone(), via: Via::Import("mine.json".into()) });
    let id = s.reading.as_ref().unwrap().id;
    s.apply(PageAction::Stopped { id, message: "stopped".into() });
    assert_eq!(s.draft.as_deref(), Some(mine.as_str()));
    // A stopped read at start, with nothing shown, asks for the default preset.
    let mut s = PageState::start(Stored::default(), Some(Source::Preset("race-mutex".into())));
    let id = fetch(&mut s).id;
    s.apply(PageAction::Stopped { id, message: "stopped".into() });
    assert_eq!(s.reading.as_ref().unwrap().source, Source::Preset("race-unsafe".into()));
    // ... but not again if that one stops too (a reader that fails every read must not loop).
    let id = fetch(&mut s).id;
    s.apply(PageAction::Stopped { id, message: "stopped".into() });
    assert_eq!((s.reading.as_ref(), s.pending.as_ref(), s.shown.as_ref()), (None, None, None));
}

#[test]
fn settings_changed_quickly_build_on_each_other_before_the_reader_answers() {
    let mut s = start_at("mixed-fcfs-1cpu");
    s.apply(PageAction::Edit(ScenarioEdit::Policy(Policy::RoundRobin)));
    s.apply(PageAction::Edit(ScenarioEdit::Quantum(7)));
    let r = s.reading.clone().unwrap();
    assert_eq!(r.edits, [ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(7)]);
    assert_eq!(*r.text, json("mixed-fcfs-1cpu"), "the edits apply to the text in use");
    settle(&mut s);
    assert_eq!(controls(&s), ("mixed-fcfs-1cpu".into(), 1, Policy::RoundRobin, Some(7)));
    assert!(s.in_use().unwrap().edited);
    // A setting while the run is pending builds on the pending run's text.
    s.apply(PageAction::Edit(ScenarioEdit::Cpus(2)));
    s.apply(read_answer(&s.reading.clone().unwrap()));
    s.apply(PageAction::Edit(ScenarioEdit::Quantum(3)));
    assert!(s.reading.as_ref().unwrap().text.contains("\"cpus\": 2"));
    settle(&mut s);
    assert_eq!(controls(&s), ("mixed-fcfs-1cpu".into(), 2, Policy::RoundRobin, Some(3)));
}

#[test]
fn the_job_table_shows_the_rows_of_the_editor_s_text() {
    let mut s = start_at("race-unsafe");
    let rows = s.job_rows().unwrap();
    assert!(rows.current);
    assert!(rows.rows.as_ref().as_ref().unwrap_err().contains("more than a job table"));
    // A draft's rows are asked of the reader; until they come, the last rows show, not current.
    s.apply(PageAction::Draft(jobs::TEMPLATE.into()));
    let wanted = s.rows_wanted.clone().expect("the draft's rows are asked for");
    assert_eq!(*wanted.text, *jobs::TEMPLATE);
    assert!(!s.job_rows().unwrap().current);
    s.apply(ask_reader(ToReader::Jobs { id: wanted.id, text: wanted.text.to_string() }));
    let rows = s.job_rows().unwrap();
    assert!(rows.current);
    // The template's three jobs: A (8), B (3, io 5, 2), C (5).
    let names: Vec<String> = rows.rows.as_ref().as_ref().unwrap().iter().map(|j| j.name.clone()).collect();
    assert_eq!(names, ["A", "B", "C"]);
    // The table's own change comes with its rows: nothing to ask.
    let mut next = rows.rows.as_ref().clone().unwrap();
    next.push(JobRow::new("D", 9, 1));
    let text = jobs::write_jobs(&rows.text, &next).unwrap();
    s.apply(PageAction::DraftJobs { text: text.clone(), jobs: next.clone() });
    assert_eq!(s.rows_wanted, None);
    assert_eq!(s.job_rows().unwrap().rows, Rc::new(Ok(next)));
    assert_eq!(s.editor_text(), text);
    // A stale answer (for an older draft) is dropped; a broken draft says why.
    s.apply(PageAction::Draft("{ broken".into()));
    let old = s.rows_wanted.clone().unwrap();
    s.apply(PageAction::Draft("{ broken still".into()));
    s.apply(ask_reader(ToReader::Jobs { id: old.id, text: old.text.to_string() }));
    assert!(!s.job_rows().unwrap().current);
    settle(&mut s);
    let rows = s.job_rows().unwrap();
    assert!(rows.current);
    assert!(rows.rows.as_ref().as_ref().unwrap_err().contains("has an error"));
    // Dropping the draft shows the scenario in use's rows again.
    s.apply(PageAction::Discard);
    assert_eq!(s.rows_wanted, None);
    assert!(s.job_rows().unwrap().current);
}

#[test]
fn the_controls_show_the_run_asked_for_so_a_late_run_never_overwrites_a_keystroke() {
    // The walk's fault: typing `12` in CPUs sent 1, then 12; the run for 1 answered while the
    // learner typed and the box showed its value. The controls show the latest run asked for,
    // the settings being read included.
    let mut s = start_at("race-unsafe");
    assert_eq!(s.asked().unwrap().summary.cpus, 2);
    s.apply(PageAction::Edit(ScenarioEdit::Cpus(1)));
    assert_eq!(s.asked().unwrap().summary.cpus, 1, "the read asked for, not the run shown (2)");
    assert_eq!(controls(&s).1, 2, "the run shown is still the one with 2 CPUs");
    let r = s.reading.clone().unwrap();
    s.apply(read_answer(&r));
    let first = s.pending.clone().unwrap();
    assert_eq!(s.asked().unwrap().summary.cpus, 1, "the pending run's");
    s.apply(PageAction::Edit(ScenarioEdit::Cpus(12)));
    assert_eq!(s.asked().unwrap().summary.cpus, 12);
    // The run for 1 answers late: it is dropped, and the controls still show 12.
    s.apply(run_answer(&first));
    assert_eq!(s.asked().unwrap().summary.cpus, 12);
    settle(&mut s);
    assert_eq!(controls(&s).1, 12, "the run uses the final value");
    assert_eq!(s.asked().as_ref(), s.in_use());
}

#[test]
fn a_setting_also_lands_in_the_unapplied_draft() {
    // The walk's fault: with `loop 500` → `loop 100` typed and not applied, CPUs 4 ran with 4
    // but the draft kept `"cpus": 2`, so applying it went back to 2 CPUs.
    let mut s = start_at("race-unsafe");
    let draft = json("race-unsafe").replace("loop 500", "loop 100");
    assert_ne!(draft, json("race-unsafe"));
    act(&mut s, PageAction::Draft(draft.clone()));
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(4)));
    assert_eq!(controls(&s).1, 4);
    let want = draft.replace("\"cpus\": 2", "\"cpus\": 4");
    assert_ne!(want, draft);
    assert_eq!(s.draft.as_deref(), Some(want.as_str()), "only the CPU count changes in the draft");
    let text = s.editor_text();
    act(&mut s, PageAction::Open { source: Source::Custom, text, via: Via::Apply });
    assert_eq!(controls(&s).1, 4, "applying the draft keeps the setting");
    assert!(s.in_use().unwrap().text.contains("loop 100"));
    // A draft that cannot take it (not valid JSON yet) refuses the setting, saying so.
    act(&mut s, PageAction::Draft("{ \"name\": ".into()));
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(3)));
    assert_eq!((controls(&s).1, s.draft.as_deref()), (4, Some("{ \"name\": ")));
    assert!(s.error.as_ref().unwrap().message.contains("Apply or discard"), "{:?}", s.error);
    assert_eq!(s.asked().unwrap().summary.cpus, 4, "nothing is asked for");
}

#[test]
fn mlfq_levels_reach_the_controls() {
    // presets/mlfq-interactive.json: three levels, quanta 5, 10 and 20 ticks, top first.
    let s = start_at("mlfq-interactive");
    let summary = &s.asked().unwrap().summary;
    assert_eq!((summary.quantum, summary.levels.as_slice()), (Some(5), &[5, 10, 20][..]));
    // presets/mixed-rr-1cpu.json: Round Robin, quantum 4, no levels.
    let s = start_at("mixed-rr-1cpu");
    let summary = &s.asked().unwrap().summary;
    assert_eq!((summary.quantum, summary.levels.len()), (Some(4), 0));
}

#[test]
fn a_preset_changed_by_a_control_is_kept_as_custom_when_another_is_picked() {
    // The walk's fault: race-mutex with 1 CPU, then Deadlock, then race-mutex: back to 2 CPUs,
    // the change lost. It is kept as the custom scenario, as an applied edit is.
    let mut s = start_at("race-mutex");
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(1)));
    let edited = s.in_use().unwrap().text.to_string();
    act(&mut s, PageAction::Pick("deadlock".into()));
    assert_eq!(controls(&s).0, "deadlock");
    assert_eq!(s.custom.as_ref().map(|c| c.text.as_str()), Some(edited.as_str()));
    assert!(s.notice.as_ref().is_some_and(|n| n.contains("kept")), "the page says where it went: {:?}", s.notice);
    assert!(s.choices().iter().any(|c| c.value == "custom" && c.group == Group::Mine));
    act(&mut s, PageAction::Pick("race-mutex".into()));
    assert_eq!(controls(&s).1, 2, "the preset as shipped");
    assert_eq!(s.notice, None, "an unedited scenario left says nothing");
    act(&mut s, PageAction::Pick("custom".into()));
    assert_eq!((controls(&s).0.as_str(), controls(&s).1), ("custom", 1));
}

#[test]
fn a_cancelled_import_keeps_the_file_text_in_the_editor() {
    // The walk's fault: cancelling a long import put the previous scenario back in the editor.
    for answered in [false, true] {
        let mut s = start_at("race-unsafe");
        let file = json("race-mutex");
        s.apply(PageAction::Open { source: Source::Custom, text: file.clone(), via: Via::Import("big.json".into()) });
        if answered {
            // Read, and running.
            let r = s.reading.clone().unwrap();
            s.apply(read_answer(&r));
            assert!(s.pending.is_some());
        }
        s.apply(PageAction::Cancel);
        assert_eq!(controls(&s).0, "race-unsafe", "the run shown stays");
        assert_eq!(s.editor_text(), file, "the imported text waits in the editor, unapplied");
        // Unapplied edits are not replaced by it.
        act(&mut s, PageAction::Draft("mine".into()));
        s.apply(PageAction::Open { source: Source::Custom, text: file, via: Via::Import("big.json".into()) });
        s.apply(PageAction::Cancel);
        assert_eq!(s.draft.as_deref(), Some("mine"));
    }
}

#[test]
fn a_custom_scenario_replaced_by_another_is_kept_under_its_name() {
    // The walk's fault: one custom scenario only; an import replaced it without a word.
    let mut s = start_at("race-unsafe");
    let mine = json("race-mutex").replacen("\"name\": \"", "\"name\": \"Mine: ", 1);
    act(&mut s, PageAction::Open { source: Source::Custom, text: mine.clone(), via: Via::Apply });
    let first = s.custom.clone().unwrap();
    assert!(first.name.starts_with("Mine: "), "{}", first.name);
    // A setting on the custom scenario in use updates it: nothing else is kept.
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(1)));
    assert!(s.saved.is_empty());
    let updated = s.custom.clone().unwrap();
    assert_ne!(updated.text, first.text);
    // An import replaces it: the one replaced is kept under its own name, and the page says so.
    act(&mut s, PageAction::Open { source: Source::Custom, text: json("deadlock"), via: Via::Import("d.json".into()) });
    assert_eq!(s.custom.as_ref().unwrap().text, json("deadlock"));
    assert_eq!(s.saved, std::slice::from_ref(&updated));
    assert!(s.notice.as_ref().is_some_and(|n| n.contains(&updated.name)), "{:?}", s.notice);
    // Again, twice: a name taken (by a kept one, or a preset's) gets a number.
    act(&mut s, PageAction::Open { source: Source::Custom, text: mine.clone(), via: Via::Import("m.json".into()) });
    act(&mut s, PageAction::Open { source: Source::Custom, text: json("deadlock"), via: Via::Import("d.json".into()) });
    let names: Vec<&str> = s.saved.iter().map(|n| n.name.as_str()).collect();
    let deadlock = presets::find("deadlock").unwrap().name;
    assert_eq!(names, [updated.name.as_str(), &format!("{deadlock} (mine)"), &format!("{} (2)", updated.name)]);
}

#[test]
fn a_kept_name_is_never_a_preset_s() {
    // The walk's fault: keeping a preset unchanged put a second "Race: …" in the menu.
    let mut s = start_at("race-mutex");
    let preset = presets::find("race-mutex").unwrap().name;
    // Nothing is kept yet: no number, as if a first copy were (the walk saw "… (2)").
    assert_eq!(s.suggested_name(), format!("{preset} (mine)"), "a preset's name is taken");
    act(&mut s, PageAction::Save(preset.into()));
    assert!(s.error.as_ref().unwrap().message.contains("a preset's name"), "{:?}", s.error);
    assert!(s.saved.is_empty());
    let name = s.suggested_name();
    act(&mut s, PageAction::Save(name));
    assert_eq!(s.in_use().unwrap().source, Source::Saved(format!("{preset} (mine)")));
    assert_eq!(s.suggested_name(), format!("{preset} (mine)"), "the name it is kept under");
    // The preset again, with its copy kept: now a number.
    let mut again = start_at("race-mutex");
    again.saved = s.saved.clone();
    assert_eq!(again.suggested_name(), format!("{preset} (mine) (2)"));
    let labels: Vec<String> = s.choices().into_iter().map(|c| c.label).collect();
    let unique: std::collections::HashSet<&String> = labels.iter().collect();
    assert_eq!(unique.len(), labels.len(), "{labels:?}");
}

// Issue 7 (the page walk): a draft of one scenario left in the editor while another runs says
// whose it is. The names below are the presets' `name` fields (presets/race-unsafe.json,
// presets/deadlock.json), as the scenario menu shows them, in curly quotes.
const RACE: &str = "\u{201c}Race: counter++ without a lock\u{201d}";
const DEADLOCK: &str = "\u{201c}Deadlock: two locks, opposite order\u{201d}";

#[test]
fn a_draft_left_while_another_scenario_runs_names_both_and_discard_shows_the_run() {
    let mut s = start_at("race-unsafe");
    assert_eq!(s.draft_note(), None, "no draft, no note");
    let edited = json("race-unsafe").replacen("\"cpus\": 2", "\"cpus\": 1", 1);
    act(&mut s, PageAction::Draft(edited.clone()));
    let note = s.draft_note().unwrap();
    assert!(!note.other(), "a draft of the run shown");
    assert_eq!(note.message(), format!("Unapplied edits of {RACE} \u{2014} the run shown is {RACE} without them."));
    // Another scenario is picked: it runs, the draft (the learner's work) stays, and says so.
    act(&mut s, PageAction::Pick("deadlock".into()));
    assert_eq!(controls(&s).0, "deadlock");
    assert_eq!(s.editor_text(), edited, "the draft is not lost");
    let note = s.draft_note().unwrap();
    assert!(note.other());
    assert_eq!(note.message(), format!("Unapplied edits of {RACE} \u{2014} the run shown is {DEADLOCK}."));
    // Back to the scenario it came from: a draft of the run shown again.
    act(&mut s, PageAction::Pick("race-unsafe".into()));
    assert!(!s.draft_note().unwrap().other());
    act(&mut s, PageAction::Pick("deadlock".into()));
    // Discard: the editor shows the run shown, and the note is gone.
    act(&mut s, PageAction::Discard);
    assert_eq!(s.editor_text(), json("deadlock"));
    assert_eq!((s.draft_note(), s.draft_of.as_deref()), (None, None));
}

#[test]
fn a_draft_typed_while_another_scenario_is_computed_is_of_the_run_that_was_shown() {
    let mut s = start_at("race-unsafe");
    // The pick is read and run, not answered yet: the editor still shows the race's text.
    s.apply(PageAction::Pick("deadlock".into()));
    assert_eq!(s.editor_text(), json("race-unsafe"));
    act(&mut s, PageAction::Draft(format!("{} ", json("race-unsafe"))));
    assert_eq!(controls(&s).0, "deadlock");
    assert_eq!(s.draft_of.as_deref(), Some(RACE));
    assert!(s.draft_note().unwrap().other());
    // Applying it runs the draft as the custom scenario, named by its own `name`.
    let text = s.editor_text();
    act(&mut s, PageAction::Open { source: Source::Custom, text, via: Via::Apply });
    assert_eq!(controls(&s).0, "custom");
    assert_eq!((s.draft_note(), s.draft_of.as_deref()), (None, None));
}

#[test]
fn a_draft_says_it_is_a_broken_file_the_template_or_a_kept_scenario() {
    let mut s = start_at("race-unsafe");
    let broken = json("deadlock").replacen("\"cpus\": 2", "\"cpus\": 0", 1);
    act(&mut s, PageAction::Open { source: Source::Custom, text: broken, via: Via::Import("lab3.json".into()) });
    assert_eq!(
        s.draft_note().unwrap().message(),
        format!("Unapplied edits of the file \u{201c}lab3.json\u{201d} \u{2014} the run shown is {RACE}.")
    );
    act(&mut s, PageAction::Discard);
    act(&mut s, PageAction::Template);
    assert_eq!(s.editor_text(), jobs::TEMPLATE);
    assert_eq!(s.draft_of.as_deref(), Some("the job template"));
    // A draft of the run shown follows it when it is kept under a name, and again when forgotten.
    act(&mut s, PageAction::Discard);
    act(&mut s, PageAction::Draft("{".into()));
    act(&mut s, PageAction::Save("Week 7".into()));
    assert_eq!(
        s.draft_note().unwrap().message(),
        "Unapplied edits of \u{201c}Week 7\u{201d} \u{2014} the run shown is \u{201c}Week 7\u{201d} without them."
    );
    act(&mut s, PageAction::Delete("Week 7".into()));
    assert_eq!(s.draft_of.as_deref(), Some("\u{201c}Custom: Race: counter++ without a lock\u{201d}"));
    assert!(!s.draft_note().unwrap().other());
}

#[test]
fn a_reload_keeps_whose_draft_it_is() {
    let mut s = start_at("race-unsafe");
    act(&mut s, PageAction::Draft("{ half".into()));
    act(&mut s, PageAction::Pick("deadlock".into()));
    let stored =
        Stored { session: s.session(), draft: s.draft.clone(), draft_of: s.draft_of.clone(), ..Stored::default() };
    let mut s = PageState::start(stored, None);
    settle(&mut s);
    let note = s.draft_note().unwrap();
    assert_eq!((note.of.as_str(), note.shown.as_str()), (RACE, DEADLOCK));
    // A browser that kept a draft before its source was kept: it is taken for the run shown's.
    let stored = Stored { session: s.session(), draft: s.draft.clone(), ..Stored::default() };
    let mut s = PageState::start(stored, None);
    settle(&mut s);
    assert_eq!(s.draft_of.as_deref(), Some(DEADLOCK));
}

#[test]
fn a_preset_s_text_is_fetched_before_the_reader_is_asked() {
    // The page holds no preset's text (they are files beside it): opening one fetches it first.
    let mut s = PageState::start(Stored::default(), Some(Source::Preset("race-mutex".into())));
    let r = s.reading.clone().unwrap();
    assert!(r.fetching && r.text.is_empty(), "fetched first: {r:?}");
    // A setting made while the file is fetched waits for it, then applies to its text.
    s.apply(PageAction::Edit(ScenarioEdit::Cpus(3)));
    let r = s.reading.clone().unwrap();
    assert!(r.fetching, "still fetching, with the edit");
    s.apply(PageAction::Fetched { id: r.id - 1, text: Ok("{}".into()) });
    assert!(s.reading.as_ref().unwrap().fetching, "a replaced fetch's answer is dropped");
    s.apply(fetched(&r));
    let r = s.reading.clone().unwrap();
    assert!(!r.fetching);
    assert_eq!(r.job().text, json("race-mutex"));
    settle(&mut s);
    assert_eq!(controls(&s).0, "race-mutex");
    assert_eq!(controls(&s).1, 3, "the edit made while fetching is kept");
}

#[test]
fn a_preset_that_cannot_be_fetched_says_so_and_keeps_the_run_shown() {
    let mut s = start_at("race-unsafe");
    let before = s.shown.clone();
    s.apply(PageAction::Pick("deadlock".into()));
    let id = s.reading.as_ref().unwrap().id;
    s.apply(PageAction::Fetched { id, text: Err("Failed to fetch".into()) });
    assert_eq!((s.reading.as_ref(), s.pending.as_ref()), (None, None));
    assert_eq!(s.shown, before, "the run shown stays");
    // Said at the top (the notice), where the learner looks after a pick.
    let notice = s.notice.clone().unwrap();
    assert!(notice.contains("Deadlock: two locks") && notice.contains("presets/deadlock.json"), "{notice}");
    assert!(notice.contains("Failed to fetch"), "{notice}");
    assert_eq!(s.draft, None, "no empty draft is made of a text never fetched");
    // A server that answers with something else (a captive portal's page) is a failed fetch: the
    // editor is left alone.
    s.apply(PageAction::Pick("deadlock".into()));
    let id = s.reading.as_ref().unwrap().id;
    s.apply(PageAction::Fetched { id, text: Ok("<html>Sign in to the wifi</html>".into()) });
    let notice = s.notice.clone().unwrap();
    assert!(notice.contains("something else than a scenario file") && notice.contains("`<html>Sign in"), "{notice}");
    assert_eq!((s.draft.as_ref(), s.shown == before), (None, true));
    // A file that is JSON but not the preset (altered on the way) is named, and not made the draft.
    s.apply(PageAction::Pick("deadlock".into()));
    let id = s.reading.as_ref().unwrap().id;
    s.apply(PageAction::Fetched { id, text: Ok("{\"name\": 1}".into()) });
    settle(&mut s);
    let error = s.error.clone().unwrap();
    assert!(error.message.starts_with("presets/deadlock.json: "), "{}", error.message);
    assert_eq!((s.draft.as_ref(), s.shown == before), (None, true));
}

#[test]
fn at_start_a_preset_that_cannot_be_fetched_gives_way_to_the_default_then_offers_a_retry() {
    // The requested preset fails: the default one is shown, and the notice names the requested one.
    let mut s = PageState::start(Stored::default(), Some(Source::Preset("deadlock".into())));
    let id = s.reading.as_ref().unwrap().id;
    s.apply(PageAction::Fetched { id, text: Err("offline".into()) });
    let r = s.reading.clone().unwrap();
    assert_eq!((r.source.clone(), r.fetching), (Source::Preset("race-unsafe".into()), true));
    let mut shown = s.clone();
    settle(&mut shown);
    assert_eq!(controls(&shown).0, "race-unsafe");
    assert!(shown.notice.as_ref().unwrap().contains("presets/deadlock.json"));
    assert_eq!(shown.retry, None, "nothing to retry once a run is shown");
    // The default one failing too is reported, not asked for again (no loop), names the file
    // asked for first, and offers to retry it.
    s.apply(PageAction::Fetched { id: r.id, text: Err("offline".into()) });
    assert_eq!((s.reading.as_ref(), s.shown.as_ref()), (None, None));
    let message = s.error.clone().unwrap().message;
    assert!(
        message.contains("Deadlock: two locks")
            && message.contains("presets/deadlock.json, then presets/race-unsafe.json"),
        "{message}"
    );
    assert_eq!(s.retry, Some(Source::Preset("deadlock".into())));
    s.apply(PageAction::Retry);
    assert_eq!(
        s.reading.as_ref().map(|r| (r.source.clone(), r.fetching)),
        Some((Source::Preset("deadlock".into()), true))
    );
    settle(&mut s);
    assert_eq!(controls(&s).0, "deadlock");
    assert_eq!((s.retry.as_ref(), s.error.as_ref()), (None, None));
    // The start's "showing the default one instead" is gone: the preset asked for is shown.
    assert_eq!(s.notice, None);
}

#[test]
fn with_nothing_shown_a_failed_pick_names_the_preset_picked_and_retries_it() {
    // Every preset file fails at start: nothing is shown.
    let mut s = PageState::start(Stored::default(), None);
    while let Some(id) = s.reading.as_ref().map(|r| r.id) {
        s.apply(PageAction::Fetched { id, text: Err("offline".into()) });
    }
    assert_eq!((s.shown.as_ref(), s.reading.as_ref()), (None, None));
    // The learner picks another preset, which fails too: the message is about that one.
    s.apply(PageAction::Pick("deadlock".into()));
    let id = s.reading.as_ref().unwrap().id;
    s.apply(PageAction::Fetched { id, text: Err("offline".into()) });
    let message = s.error.clone().unwrap().message;
    assert!(message.contains("Deadlock: two locks") && message.contains("(presets/deadlock.json)"), "{message}");
    assert!(!message.contains("race-unsafe"), "{message}");
    assert_eq!(s.retry, Some(Source::Preset("deadlock".into())));
}
