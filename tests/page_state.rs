//! The page's state reducer: the controls always describe the scenario in use, whatever changed
//! it; a teacher's own scenario is never lost. No browser: the run is computed here, as the page
//! computes it when a run is pending.

use threadlab::model::scenario::{Policy, ScenarioEdit};
use threadlab::model::{Progress, Scenario};
use threadlab::page::run::Run;
use threadlab::page::{Group, Named, PageAction, PageState, Session, Source, Stored, Via};
use threadlab::presets;

/// Computes the pending run, if any, as the page does, and reports it.
fn settle(s: &mut PageState) {
    while let Some(p) = s.pending.clone() {
        match Run::load((*p.loaded.scenario).clone()) {
            Ok(run) => s.apply(PageAction::Finished { id: p.id, run }),
            Err(error) => s.apply(PageAction::Failed { id: p.id, error }),
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
    (l.source.key(), l.scenario.machine.cpus, l.scenario.scheduler.policy(), l.scenario.scheduler.quantum())
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
    assert_eq!(shown.run.scenario, *shown.loaded.scenario);
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
    assert_eq!(s.in_use().unwrap().scenario.machine.cpus, 1);
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
    // A control on the custom scenario updates it (it is the user's own, not "edited").
    act(&mut s, PageAction::Edit(ScenarioEdit::Cpus(1)));
    assert!(!s.in_use().unwrap().edited);
    assert_eq!(s.custom.as_ref().unwrap().text, *s.in_use().unwrap().text);
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
    let first = s.pending.clone().unwrap();
    s.apply(PageAction::Pick("single-thread".into()));
    let second = s.pending.clone().unwrap();
    let stale = Run::load((*first.loaded.scenario).clone()).unwrap();
    s.apply(PageAction::Progress { id: first.id, progress: Progress { now: 5, steps: 3, events: 2, finished: false } });
    assert_eq!(s.pending.as_ref().unwrap().progress, None, "progress of a replaced run is ignored");
    s.apply(PageAction::Finished { id: first.id, run: stale });
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
    let id = s.pending.as_ref().unwrap().id;
    s.apply(PageAction::Progress { id, progress: Progress { now: 5, steps: 3, events: 2, finished: false } });
    assert!(s.pending.as_ref().unwrap().progress.is_some());
    s.apply(PageAction::Cancel);
    assert_eq!(s.pending, None);
    assert_eq!(controls(&s).0, "race-unsafe");
    assert_eq!(s.draft.as_deref(), Some(text.as_str()));
    assert!(s.notice.as_ref().unwrap().contains("cancelled"));
    // Its answer, if one still came, is dropped; a new run works.
    let late = Run::load(Scenario::from_json(&text).unwrap()).unwrap();
    s.apply(PageAction::Finished { id, run: late });
    assert_eq!(controls(&s).0, "race-unsafe");
    act(&mut s, PageAction::Open { source: Source::Custom, text, via: Via::Apply });
    assert_eq!(controls(&s).0, "custom");
    assert_eq!(s.draft, None);
}

#[test]
fn a_stopped_run_is_reported_and_a_stopped_start_opens_the_default() {
    let mut s = start_at("race-unsafe");
    s.apply(PageAction::Pick("race-mutex".into()));
    let id = s.pending.as_ref().unwrap().id;
    s.apply(PageAction::Stopped { id: id + 1, message: "not this one".into() });
    assert!(s.pending.is_some(), "a stop for another run changes nothing");
    s.apply(PageAction::Stopped { id, message: "The simulation worker crashed.".into() });
    assert_eq!((s.pending.as_ref(), controls(&s).0.as_str()), (None, "race-unsafe"));
    assert_eq!(s.error.as_ref().unwrap().message, "The simulation worker crashed.");
    assert_eq!(s.error.as_ref().unwrap().at, None);
    // At start, with nothing shown, the default preset is asked for instead.
    let mut s = PageState::start(Stored::default(), Some(Source::Preset("race-mutex".into())));
    let id = s.pending.as_ref().unwrap().id;
    s.apply(PageAction::Stopped { id, message: "stopped".into() });
    assert_eq!(s.pending.as_ref().unwrap().loaded.source, Source::Preset("race-unsafe".into()));
    settle(&mut s);
    assert_eq!(controls(&s).0, "race-unsafe");
}
