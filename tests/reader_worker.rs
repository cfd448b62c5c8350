//! The reader worker's requests, driven as the worker binary drives them: a read answers with
//! what the page shows ([`Summary`]) and what the simulation worker runs (the loaded run's
//! bytes), equal to reading the scenario natively; a broken text answers with exactly the error
//! the scenario loader gives (located, in a learner's words); settings change only their value in
//! the text; the job table's rows of a text.

use threadlab::messaging::loaded;
use threadlab::messaging::reader::{FromReader, ReadJob, ToReader, decode_rows};
use threadlab::model::scenario::{Policy, ScenarioEdit};
use threadlab::model::{LoadedRun, Scenario, ScenarioError};
use threadlab::page::jobs;
use threadlab::page::summary::Summary;
use threadlab::presets;
use threadlab::workers::reader;

/// Sends `message`; returns the one answer and its buffers.
fn ask(message: ToReader) -> (FromReader, Vec<Vec<u8>>) {
    let mut posted = Vec::new();
    reader::handle(message, &mut |m, b| posted.push((m, b)));
    assert_eq!(posted.len(), 1, "one answer per request: {posted:?}");
    posted.pop().unwrap()
}

fn read(id: u64, text: &str, edits: Vec<ScenarioEdit>) -> (FromReader, Vec<Vec<u8>>) {
    ask(ToReader::Read { id, job: ReadJob { text: text.to_string(), edits, draft: None, fault: None } })
}

/// The error the scenario loader gives for `text` (parse, then load, located in the text).
fn loader_error(text: &str) -> ScenarioError {
    match Scenario::from_json(text) {
        Err(e) => e,
        Ok(s) => LoadedRun::load(&s).map(|_| ()).unwrap_err().locate_in(text),
    }
}

#[test]
fn a_read_answers_with_the_summary_and_the_loaded_run_of_the_text() {
    for p in presets::PRESETS {
        let (answer, buffers) = read(3, p.json, Vec::new());
        assert_eq!(answer, FromReader::Read { id: 3, text: None, draft: None }, "{}: the text is unchanged", p.key);
        assert_eq!(buffers.len(), 2, "{}", p.key);
        let scenario = Scenario::from_json(p.json).unwrap();
        let want = LoadedRun::load(&scenario).unwrap();
        assert_eq!(Summary::decode(&buffers[0]).unwrap(), Summary::of(&scenario, &want.system), "{}", p.key);
        assert_eq!(loaded::decode_system(&buffers[1]).unwrap(), want.system, "{}: what the page decodes", p.key);
        assert_eq!(loaded::decode(&buffers[1]).unwrap(), want, "{}", p.key);
    }
}

#[test]
fn a_broken_text_answers_with_the_loader_s_located_error_in_its_words() {
    let race = presets::find("race-unsafe").unwrap().json;
    for text in [
        // A type error: serde's, worded and located (line 6 of the preset is `"cpus": "two"`).
        race.replacen("\"cpus\": 2", "\"cpus\": \"two\"", 1),
        // A syntax error at the end of the text.
        "{ \"name\": ".to_string(),
        // A validation error, located at its value by its path.
        race.replacen("\"cpus\": 2", "\"cpus\": 0", 1),
        // A program error, at its program line and where that line is in the file.
        race.replacen("load r0, counter", "lod r0, counter", 1),
    ] {
        let (answer, buffers) = read(9, &text, Vec::new());
        assert_eq!(answer, FromReader::Refused { id: 9, error: loader_error(&text), in_draft: false }, "{text}");
        assert!(buffers.is_empty());
    }
    let (FromReader::Refused { error, .. }, _) = read(1, &race.replacen("\"cpus\": 2", "\"cpus\": \"two\"", 1), vec![])
    else {
        panic!("refused")
    };
    assert_eq!(error.file_position, Some((6, 17)), "where serde stopped: 4 spaces + `\"cpus\": ` + `\"two` ");
    assert!(error.to_string().contains("`cpus` must be a whole number from 1 to 64, got the text \"two\""), "{error}");
}

#[test]
fn settings_change_only_their_value_in_the_text_in_order() {
    let fcfs = presets::find("mixed-fcfs-1cpu").unwrap().json;
    let edits = vec![ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Quantum(7), ScenarioEdit::Cpus(2)];
    let (answer, buffers) = read(2, fcfs, edits.clone());
    // The same text as applying each edit to the text in turn (ScenarioEdit::apply_to_text).
    let mut want = fcfs.to_string();
    for e in &edits {
        want = e.apply_to_text(&want).unwrap().0;
    }
    assert_eq!(answer, FromReader::Read { id: 2, text: Some(want.clone()), draft: None });
    let summary = Summary::decode(&buffers[0]).unwrap();
    assert_eq!((summary.policy, summary.quantum, summary.cpus), (Policy::RoundRobin, Some(7), 2));
    assert_eq!(loaded::decode(&buffers[1]).unwrap(), LoadedRun::load(&Scenario::from_json(&want).unwrap()).unwrap());
    // A setting the policy lacks is refused at its path, and nothing is read.
    let (answer, _) = read(4, fcfs, vec![ScenarioEdit::Quantum(3)]);
    let FromReader::Refused { id: 4, error, in_draft: false } = answer else { panic!("{answer:?}") };
    assert_eq!(error.path, "scheduler.quantum");
    // An edit that changes nothing answers with no new text.
    assert_eq!(read(5, fcfs, vec![ScenarioEdit::Cpus(1)]).0, FromReader::Read { id: 5, text: None, draft: None });
}

#[test]
fn settings_are_made_in_the_draft_too_or_refused_by_it() {
    let fcfs = presets::find("mixed-fcfs-1cpu").unwrap().json;
    // The learner's unapplied draft: the same scenario with another name.
    let draft = fcfs.replacen("\"name\": \"", "\"name\": \"Mine: ", 1);
    assert_ne!(draft, fcfs);
    let edits = vec![ScenarioEdit::Policy(Policy::RoundRobin), ScenarioEdit::Cpus(2)];
    let job = ReadJob { text: fcfs.into(), edits: edits.clone(), draft: Some(draft.clone()), fault: None };
    let (answer, _) = ask(ToReader::Read { id: 1, job });
    let FromReader::Read { id: 1, text: Some(text), draft: Some(edited) } = answer else { panic!("{answer:?}") };
    // The draft changes as the text does: only the settings' values, its name kept.
    assert_eq!(edited, text.replacen("\"name\": \"", "\"name\": \"Mine: ", 1));
    // A draft that is not a scenario yet refuses them, located in the draft; nothing is read.
    let job = ReadJob { text: fcfs.into(), edits, draft: Some("{ \"name\": ".into()), fault: None };
    let (answer, buffers) = ask(ToReader::Read { id: 2, job });
    let FromReader::Refused { id: 2, error, in_draft: true } = answer else { panic!("{answer:?}") };
    assert_eq!(error, Scenario::from_json("{ \"name\": ").unwrap_err());
    assert!(buffers.is_empty());
}

#[test]
fn the_rows_of_a_text_are_the_job_table_s() {
    let (answer, buffers) = ask(ToReader::Jobs { id: 8, text: jobs::TEMPLATE.into() });
    assert_eq!(answer, FromReader::Jobs { id: 8 });
    let rows = decode_rows(&buffers[0]).unwrap().unwrap();
    // The template: A (8), B (3, io 5, 2), C (5), arriving at 0, 2 and 4.
    let shape: Vec<(&str, u64, Vec<u64>, Vec<u64>)> =
        rows.iter().map(|j| (j.name.as_str(), j.arrival, j.bursts.clone(), j.io.clone())).collect();
    assert_eq!(shape, [("A", 0, vec![8], vec![]), ("B", 2, vec![3, 2], vec![5]), ("C", 4, vec![5], vec![])]);
    let (_, buffers) = ask(ToReader::Jobs { id: 9, text: "{".into() });
    assert_eq!(
        decode_rows(&buffers[0]).unwrap(),
        Err("The JSON below has an error: fix it to edit the jobs here.".to_string())
    );
    let race = presets::find("race-unsafe").unwrap().json;
    let (_, buffers) = ask(ToReader::Jobs { id: 10, text: race.into() });
    assert!(decode_rows(&buffers[0]).unwrap().unwrap_err().starts_with("This scenario is more than a job table"));
}

#[test]
#[should_panic(expected = "asked to panic")]
fn the_panic_fault_panics() {
    let job =
        ReadJob { text: "{}".into(), edits: Vec::new(), draft: None, fault: Some(threadlab::messaging::Fault::Panic) };
    ask(ToReader::Read { id: 1, job });
}
