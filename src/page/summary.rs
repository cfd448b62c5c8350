//! What the page shows of a scenario, without the scenario: its name and description, the
//! settings the controls show, each program's source as written, and its job table's rows.
//!
//! The page reads no scenario (parsing and validating them is most of a scenario-reading
//! module's size, and the page's budget is 300 KiB gzip). The reader worker
//! (`src/workers/reader.rs`) reads the text once and sends this beside the loaded run, both as
//! postcard bytes ([`Summary::encode`]); [`Summary::of`] is the one place it is made, from the
//! same scenario the run is loaded from, so the controls always show what the run uses.

use serde::{Deserialize, Serialize};

use super::jobs::{self, Job};
use crate::model::program::Instr;
use crate::model::scenario::{Policy, PolicyParams, ProgramText, Scenario, ScenarioEdit, TieRule};
use crate::model::x86::assembled::shown_lines;
use crate::model::{System, Ticks};

/// A scenario as the page's views need it (see the module's documentation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The scenario's `name` (menu, handout, file name on export).
    pub name: String,
    /// Its `description`, plain text with `code` in backquotes.
    pub description: String,
    /// `machine.cpus`.
    pub cpus: u32,
    /// The scheduling policy.
    #[serde(with = "policy_key")]
    pub policy: Policy,
    /// The time slice in ticks, for a policy that has one (MLFQ: its top level's).
    pub quantum: Option<Ticks>,
    /// MLFQ's quantum per level in ticks, top (highest priority) first (OSTEP ch. 8: a slice
    /// per queue); empty for other policies. One box would flatten them, so the page shows them
    /// read-only.
    pub levels: Vec<Ticks>,
    /// The tie rule, for a policy that has one.
    pub tie: Option<TieRule>,
    /// The policy's other parameters (and the queue structure), as the file writes them: key
    /// and value as text (a string without its quotes), in the file's export order.
    pub params: Vec<(String, String)>,
    /// The seed of the run's random draws.
    pub seed: u64,
    /// The scenario's own `params` (named constants its programs read as `$name`), in name
    /// order: a sweep can vary them.
    pub constants: Vec<(String, u64)>,
    /// `machine.thread_create_ticks` (ticks a `create` costs), if a program of the scenario
    /// creates threads; `None` otherwise (the page shows no box for it then).
    pub thread_create_ticks: Option<Ticks>,
    /// What the run does that the settings do not show, in sentences (e.g. a one-CPU policy
    /// on a machine of several).
    pub notes: Vec<String>,
    /// Each program's source as written, indexed like [`System::programs`]
    /// ([`crate::model::system::ThreadInfo::program`]).
    pub programs: Vec<ProgramSource>,
    /// The job table's rows, or why the scenario is not a job table (a sentence for the page).
    pub jobs: Result<Vec<Job>, String>,
}

/// A program as its author wrote it, for the code view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgramSource {
    /// `Some(NAME)` for a named program of its process (`programs.NAME`), `None` for a thread's
    /// own `code`.
    pub name: Option<String>,
    /// One string per source line, comments kept: line N (1-based, as
    /// [`crate::model::program::Program::lines`] counts) is `lines[N - 1]`. An x86.py program's
    /// last line, its assembled form, is left out ([`shown_lines`]).
    pub lines: Vec<String>,
}

/// Why summary bytes could not be read (a build mismatch between worker and page, or a bug).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SummaryWireError(pub String);

impl std::fmt::Display for SummaryWireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the scenario's summary could not be read: {}", self.0)
    }
}

impl Summary {
    /// The summary of `scenario`, which `system` was loaded from ([`System::load`]).
    pub fn of(scenario: &Scenario, system: &System) -> Summary {
        let sched = &scenario.scheduler;
        let tie = sched.clone().set_tie(sched.tie()).is_ok().then(|| sched.tie());
        let params = match serde_json::to_value(sched) {
            Ok(serde_json::Value::Object(map)) => map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "policy" | "quantum" | "tie"))
                .map(|(k, v)| (k.clone(), shown_value(v)))
                .collect(),
            _ => Vec::new(),
        };
        let programs = program_sources(scenario);
        debug_assert_eq!(programs.len(), system.programs.len(), "sources follow System::load's order");
        Summary {
            name: scenario.name.clone(),
            description: scenario.description.clone(),
            cpus: scenario.machine.cpus,
            policy: sched.policy(),
            quantum: sched.quantum(),
            levels: match &sched.params {
                PolicyParams::Mlfq(m) => m.levels.iter().map(|l| l.quantum).collect(),
                _ => Vec::new(),
            },
            tie,
            params,
            seed: scenario.seed,
            constants: scenario.params.iter().map(|(n, &v)| (n.clone(), v)).collect(),
            thread_create_ticks: (system.programs.iter())
                .any(|p| p.instrs.iter().any(|i| matches!(i, Instr::Create { .. })))
                .then_some(scenario.machine.thread_create_ticks),
            notes: notes_of(scenario),
            programs,
            jobs: jobs::rows_of(scenario),
        }
    }

    /// This summary as the controls show it while `edits` are being made by the reader worker:
    /// each setting the summary holds takes its new value (a policy change keeps the old
    /// quantum and tie rule until the reader answers with the new policy's).
    pub fn with_edits(&self, edits: &[ScenarioEdit]) -> Summary {
        let mut s = self.clone();
        for edit in edits {
            match *edit {
                ScenarioEdit::Cpus(n) => s.cpus = n,
                ScenarioEdit::Policy(p) => s.policy = p,
                ScenarioEdit::Quantum(q) if s.levels.is_empty() => s.quantum = s.quantum.map(|_| q),
                ScenarioEdit::Quantum(_) => {}
                ScenarioEdit::Tie(t) => s.tie = s.tie.map(|_| t),
                ScenarioEdit::Seed(n) => s.seed = n,
                ScenarioEdit::Param(name, n) => {
                    s.constants.iter_mut().filter(|(k, _)| k == name.as_str()).for_each(|(_, v)| *v = n);
                }
                ScenarioEdit::ThreadCreateTicks(n) => s.thread_create_ticks = s.thread_create_ticks.map(|_| n),
                ScenarioEdit::ThreadSwitchTicks(_)
                | ScenarioEdit::ProcessSwitchTicks(_)
                | ScenarioEdit::ForkTicks(_)
                | ScenarioEdit::SpawnTicks(_)
                | ScenarioEdit::CowCopyTicks(_) => {}
            }
        }
        s
    }

    /// The source of the program thread `tid` runs (empty if `tid` is out of range).
    pub fn source_of(&self, system: &System, tid: usize) -> (Option<&str>, &[String]) {
        match system.threads.get(tid).and_then(|t| self.programs.get(t.program)) {
            Some(p) => (p.name.as_deref(), &p.lines),
            None => (None, &[]),
        }
    }

    /// Encodes to bytes (postcard).
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("postcard encodes a summary into a vector")
    }

    /// Reads [`Summary::encode`]'s bytes. Errors: the bytes are not a whole summary.
    pub fn decode(bytes: &[u8]) -> Result<Summary, SummaryWireError> {
        match postcard::take_from_bytes::<Summary>(bytes) {
            Ok((s, [])) => Ok(s),
            Ok((_, rest)) => Err(SummaryWireError(format!("{} bytes left over", rest.len()))),
            Err(e) => Err(SummaryWireError(e.to_string())),
        }
    }
}

/// What the run does that the settings do not show.
fn notes_of(scenario: &Scenario) -> Vec<String> {
    let mut notes = Vec::new();
    let cpus = scenario.machine.cpus;
    // The one-CPU policies (`Policy::one_cpu`) run one thread at a time on any machine (the
    // scripted one's note, below, says so itself).
    let one = match scenario.scheduler.params {
        PolicyParams::ProcessRun(_) => "process-run",
        PolicyParams::X86(_) => "x86.py",
        _ => "",
    };
    if !one.is_empty() && cpus > 1 {
        notes.push(format!(
            "OSTEP's {one} has one CPU: under this policy one thread runs at a time, on CPU 0 (or the one its affinity allows); the other CPUs stay idle."
        ));
    }
    // A non-empty schedule on several CPUs is refused when the scenario is checked
    // (`ScriptedSpec::check`); without one the policy falls back as `Scripted::pick` does.
    if let PolicyParams::Scripted(s) = &scenario.scheduler.params
        && s.schedule.is_empty()
    {
        let then = if cpus > 1 {
            "It runs one thread at a time, on CPU 0 (or the one its affinity allows); the other CPUs stay idle. A schedule needs one CPU: set CPUs to 1, then"
        } else {
            "To choose who runs,"
        };
        let runs = format!("the lowest-numbered ready thread runs until it blocks or ends. {then}");
        notes.push(format!(
            "No schedule in this scenario's JSON, so {runs} write one in its \"scheduler\", e.g. \"schedule\": \"0011\" (thread 0 runs 2 µs, then thread 1 runs 2; threads numbered from 0 in scenario order)."
        ));
    }
    if let PolicyParams::Lottery(l) = &scenario.scheduler.params
        && l.full_quantum
    {
        notes.push(
            "full_quantum: a thread that finishes mid-quantum leaves its CPU idle to the quantum's end, as OSTEP's lottery.py counts time.".into(),
        );
    }
    notes
}

/// A parameter's value as the read-only list shows it: a string without its quotes, anything
/// else as JSON.
fn shown_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every program's source, in the order [`System::load`] parses them: per process, its named
/// programs (by name), then its threads' own `code`.
fn program_sources(scenario: &Scenario) -> Vec<ProgramSource> {
    // As shown to the learner: an x86.py program without its assembled line.
    let lines = |t: &ProgramText| shown_lines(&t.text()).map(str::to_string).collect();
    let mut out = Vec::new();
    for p in &scenario.processes {
        for (name, text) in &p.programs {
            out.push(ProgramSource { name: Some(name.clone()), lines: lines(text) });
        }
        for t in &p.threads {
            if let Some(code) = &t.code {
                out.push(ProgramSource { name: None, lines: lines(code) });
            }
        }
    }
    out
}

/// [`Policy`] by its key (`"rr"`), so the bytes do not depend on the policies' order.
mod policy_key {
    use serde::{Deserialize, Deserializer, Serializer, de};

    use crate::model::scenario::Policy;

    pub fn serialize<S: Serializer>(p: &Policy, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.key())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Policy, D::Error> {
        let key = <&str>::deserialize(d)?;
        Policy::from_key(key).ok_or_else(|| de::Error::custom(format!("unknown policy `{key}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::listing;
    use crate::presets::PRESETS;

    #[test]
    fn each_thread_sees_the_source_the_listing_reads() {
        for p in PRESETS {
            let scenario = p.scenario().unwrap();
            let system = System::load(&scenario).unwrap();
            let s = Summary::of(&scenario, &system);
            assert_eq!(s.programs.len(), system.programs.len(), "{}", p.key);
            for tid in 0..system.threads.len() {
                let (name, lines) = listing::source_of(&scenario, &system, tid);
                assert_eq!(s.source_of(&system, tid), (name.as_deref(), lines.as_slice()), "{} tid {tid}", p.key);
            }
        }
    }

    #[test]
    fn the_controls_values_are_the_scenario_s() {
        let scenario = crate::presets::find("mixed-rr-2cpu").unwrap().scenario().unwrap();
        let s = Summary::of(&scenario, &System::load(&scenario).unwrap());
        // presets/mixed-rr-2cpu.json: 2 CPUs, {"policy": "rr", "quantum": 4}, "seed": 1.
        assert_eq!(
            (s.cpus, s.policy, s.quantum, s.tie),
            (2, Policy::RoundRobin, Some(4), Some(TieRule::ArrivalsFirst))
        );
        assert_eq!(s.params, Vec::<(String, String)>::new());
        assert_eq!(s.seed, 1);
        let mlfq = crate::presets::find("mlfq-interactive").unwrap().scenario().unwrap();
        let s = Summary::of(&mlfq, &System::load(&mlfq).unwrap());
        assert_eq!(s.policy, Policy::Mlfq);
        assert!(s.params.iter().any(|(k, _)| k == "levels"), "{:?}", s.params);
        // presets/mlfq-interactive.json: levels with quanta 5, 10 and 20 ticks, top first.
        assert_eq!(s.levels, [5, 10, 20]);
        assert!(s.notes.is_empty());
    }

    #[test]
    fn a_one_cpu_policy_on_several_cpus_says_so() {
        let mut scenario = crate::presets::find("mixed-fcfs-1cpu").unwrap().scenario().unwrap();
        scenario.scheduler = crate::model::scenario::SchedulerSpec::of(Policy::ProcessRun, None);
        let note = |s: &Scenario| Summary::of(s, &System::load(s).unwrap()).notes;
        assert!(note(&scenario).is_empty(), "one CPU: nothing to say");
        scenario.machine.cpus = 2;
        assert_eq!(note(&scenario).len(), 1);
        assert!(note(&scenario)[0].contains("one thread runs at a time"), "{:?}", note(&scenario));
        assert!(note(&scenario)[0].ends_with("the other CPUs stay idle."), "{:?}", note(&scenario));
        // x86.py's policy too (`X86` runs one thread at a time, as process-run does).
        scenario.scheduler = crate::model::scenario::SchedulerSpec::of(Policy::X86, Some(3));
        assert!(
            note(&scenario)[0].starts_with("OSTEP's x86.py has one CPU: under this policy one thread runs at a time"),
            "{:?}",
            note(&scenario)
        );
        // lottery.py's quirk, as `threadlab ostep lottery` writes it (src/ostep/lottery.rs).
        scenario.scheduler = crate::model::scenario::SchedulerSpec::of(Policy::Lottery, Some(1));
        assert!(note(&scenario).is_empty(), "the default lottery: nothing to say");
        if let PolicyParams::Lottery(l) = &mut scenario.scheduler.params {
            l.full_quantum = true;
        }
        assert!(note(&scenario)[0].starts_with("full_quantum"), "{:?}", note(&scenario));
    }

    #[test]
    fn scripted_without_a_schedule_says_what_runs_instead() {
        let mut scenario = crate::presets::find("mixed-fcfs-1cpu").unwrap().scenario().unwrap();
        scenario.scheduler = crate::model::scenario::SchedulerSpec::of(Policy::Scripted, None);
        let note = |s: &Scenario| Summary::of(s, &System::load(s).unwrap()).notes;
        // One CPU, no schedule: Scripted::pick's fallback, and how to write a schedule.
        let one = note(&scenario);
        assert_eq!(one.len(), 1, "{one:?}");
        assert!(one[0].contains("lowest-numbered ready thread runs until it blocks or ends"), "{one:?}");
        assert!(one[0].contains("\"schedule\": \"0011\""), "{one:?}");
        assert!(!one[0].contains("CPUs"), "{one:?}");
        // Two CPUs: one thread at a time all the same, and a schedule needs one CPU.
        scenario.machine.cpus = 2;
        let two = note(&scenario);
        assert_eq!(two.len(), 1, "{two:?}");
        assert!(
            two[0].contains("It runs one thread at a time, on CPU 0") && two[0].contains("set CPUs to 1"),
            "{two:?}"
        );
        // With a schedule (one CPU): nothing to say, the schedule is the scenario's.
        scenario.machine.cpus = 1;
        if let PolicyParams::Scripted(s) = &mut scenario.scheduler.params {
            s.schedule = crate::model::schedule::Schedule::new(vec![0, 0, 1, 1]);
        }
        assert!(note(&scenario).is_empty(), "{:?}", note(&scenario));
    }

    #[test]
    fn a_summary_reads_back_from_its_bytes() {
        let scenario = crate::presets::find("race-mutex").unwrap().scenario().unwrap();
        let s = Summary::of(&scenario, &System::load(&scenario).unwrap());
        let bytes = s.encode();
        assert_eq!(Summary::decode(&bytes), Ok(s));
        assert!(Summary::decode(&bytes[..bytes.len() - 1]).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Summary::decode(&longer).unwrap_err().0.contains("left over"));
    }
}
