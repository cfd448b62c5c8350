//! One change to a scenario: the page's settings, the CLI's flags and the variants of a
//! comparison or a sweep ([`crate::compare`]) all apply these, so all accept and refuse the same
//! values with the same words.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::{MAX_CPUS, MachineSpec, Scenario, ScenarioError, SchedulerSpec, text};
use crate::model::Ticks;
use crate::model::scheduler::spec::{Policy, TieRule};

/// Longest context switch, or thread creation, an edit may set, in ticks (the default
/// `limits.max_time` is 10⁹).
pub const MAX_SWITCH_TICKS: Ticks = 1_000_000_000;

/// Longest name of a scenario param (`params`), in characters.
pub const MAX_PARAM_NAME: usize = 16;

/// The name of one of a scenario's `params` (`cs`), held inline so that a [`Setting`] and a
/// [`ScenarioEdit`] stay small `Copy` values: a lower-case letter or `_`, then lower-case
/// letters, digits and `_`, at most [`MAX_PARAM_NAME`] characters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParamName {
    len: u8,
    bytes: [u8; MAX_PARAM_NAME],
}

impl ParamName {
    /// The name `name`, or why it is not one.
    pub fn new(name: &str) -> Result<ParamName, String> {
        let good = |i: usize, b: u8| b.is_ascii_lowercase() || b == b'_' || (i > 0 && b.is_ascii_digit());
        if name.is_empty() || name.len() > MAX_PARAM_NAME || !name.bytes().enumerate().all(|(i, b)| good(i, b)) {
            return Err(format!(
                "`{name}` is not a param name: a lower-case letter or _, then lower-case letters, digits and _, at \
                 most {MAX_PARAM_NAME} characters"
            ));
        }
        let mut bytes = [0; MAX_PARAM_NAME];
        bytes[..name.len()].copy_from_slice(name.as_bytes());
        Ok(ParamName { len: name.len() as u8, bytes })
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or_default()
    }

    /// The error for an edit of this param in a scenario whose params are `declared`, which
    /// lack it (at `params.NAME`).
    pub fn missing(self, declared: &[&str]) -> ScenarioError {
        let has = match declared.is_empty() {
            true => "it declares no `params`".to_string(),
            false => format!("its params: {}", declared.join(", ")),
        };
        ScenarioError::at(Setting::Param(self).path(), format!("the scenario has no param `{}` ({has})", self.as_str()))
    }
}

impl fmt::Debug for ParamName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// A setting changed by a control or a flag.
///
/// Text form (the CLI's `--variant` and `--series`): `key=value`, e.g. `quantum=4`,
/// `policy=rr`; JSON form (the page, `--json`): an object with one key, `{"quantum": 4}`,
/// `{"policy": "rr"}`. The keys are [`Setting::key`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScenarioEdit {
    /// `machine.cpus`, 1 to [`MAX_CPUS`].
    Cpus(u32),
    /// The scheduling policy; parameters the old and new policy share (the quantum) are kept,
    /// and a new quantum defaults to [`super::DEFAULT_QUANTUM_TICKS`].
    Policy(Policy),
    /// The time slice in ticks, ≥ 1, for a policy that has one.
    Quantum(Ticks),
    /// The tie rule, for a policy that has one.
    Tie(TieRule),
    /// The seed of the run's random draws: `compute A..B` and `io A..B` lengths, the scheduler's
    /// RNG, and a generator of the policy's own, which it seeds too ([`SchedulerSpec::reseed`]:
    /// x86's `random_seed`, lottery's and a steal victim's `python_random` seed), so seed k draws
    /// what the OSTEP simulator's `-s k` does.
    Seed(u64),
    /// `machine.thread_switch_ticks`: a switch between threads of one process, 0 to
    /// [`MAX_SWITCH_TICKS`] ticks.
    ThreadSwitchTicks(Ticks),
    /// `machine.process_switch_ticks`: a switch to another process, 0 to [`MAX_SWITCH_TICKS`]
    /// ticks.
    ProcessSwitchTicks(Ticks),
    /// `machine.thread_create_ticks`: the CPU a `create` costs its thread, 0 to
    /// [`MAX_SWITCH_TICKS`] ticks (default 14, measured: see
    /// [`super::DEFAULT_THREAD_CREATE_TICKS`]).
    ThreadCreateTicks(Ticks),
    /// `machine.fork_ticks`: the CPU a `fork` costs its thread, 1 to [`MAX_SWITCH_TICKS`] ticks
    /// (default 156, measured: see [`super::DEFAULT_FORK_TICKS`]).
    ForkTicks(Ticks),
    /// `machine.spawn_ticks`: the CPU a `spawn` costs its thread, 1 to [`MAX_SWITCH_TICKS`]
    /// ticks (default 1,279, measured: see [`super::DEFAULT_SPAWN_TICKS`]).
    SpawnTicks(Ticks),
    /// `machine.cow_copy_ticks`: what copying a copy-on-write page adds to the write, 0 to
    /// [`MAX_SWITCH_TICKS`] ticks (default 3, measured: see [`super::DEFAULT_COW_COPY_TICKS`]).
    CowCopyTicks(Ticks),
    /// `params.NAME`: one of the scenario's named constants, which its programs read as
    /// `$NAME`; the scenario must declare it. Any whole number; a program that cannot take the
    /// value (`compute $cs` with 0) is refused when the edited scenario loads, at its line.
    Param(ParamName, u64),
}

/// What a [`ScenarioEdit`] changes, without the value: the keys of the text and JSON forms.
///
/// The order is the order edits apply in when several are given together
/// ([`ScenarioEdit::apply_all`]): the machine, then the policy, then the policy's parameters
/// (which depend on the policy), then the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Setting {
    /// `cpus`: the CPU count.
    Cpus,
    /// `policy`: the scheduling policy.
    Policy,
    /// `quantum`: the time slice, in ticks.
    Quantum,
    /// `tie`: who queues first at a tie.
    Tie,
    /// `seed`: the seed of the random draws.
    Seed,
    /// `thread_switch_ticks`: the cost of a switch within a process, in ticks.
    ThreadSwitchTicks,
    /// `process_switch_ticks`: the cost of a switch to another process, in ticks.
    ProcessSwitchTicks,
    /// `thread_create_ticks`: the cost of a `create` to the creating thread, in ticks.
    ThreadCreateTicks,
    /// `fork_ticks`: the cost of a `fork` to the forking thread, in ticks.
    ForkTicks,
    /// `spawn_ticks`: the cost of a `spawn` to the spawning thread, in ticks.
    SpawnTicks,
    /// `cow_copy_ticks`: the cost of copying a copy-on-write page, in ticks.
    CowCopyTicks,
    /// `params.NAME`: one of the scenario's `params` (not in [`Setting::ALL`]: each scenario
    /// has its own).
    Param(ParamName),
}

impl Setting {
    /// Every setting but the scenario's params, in application order.
    pub const ALL: &[Setting] = &[
        Setting::Cpus,
        Setting::Policy,
        Setting::Quantum,
        Setting::Tie,
        Setting::Seed,
        Setting::ThreadSwitchTicks,
        Setting::ProcessSwitchTicks,
        Setting::ThreadCreateTicks,
        Setting::ForkTicks,
        Setting::SpawnTicks,
        Setting::CowCopyTicks,
    ];

    /// The key in `key=value` and in JSON (`quantum`, `params.cs`).
    pub fn key(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Setting::Cpus => "cpus",
            Setting::Policy => "policy",
            Setting::Quantum => "quantum",
            Setting::Tie => "tie",
            Setting::Seed => "seed",
            Setting::ThreadSwitchTicks => "thread_switch_ticks",
            Setting::ProcessSwitchTicks => "process_switch_ticks",
            Setting::ThreadCreateTicks => "thread_create_ticks",
            Setting::ForkTicks => "fork_ticks",
            Setting::SpawnTicks => "spawn_ticks",
            Setting::CowCopyTicks => "cow_copy_ticks",
            Setting::Param(name) => return Cow::Owned(format!("params.{}", name.as_str())),
        })
    }

    /// Parses [`Setting::key`]; the error lists the keys.
    pub fn from_key(key: &str) -> Result<Setting, String> {
        if let Some(name) = key.strip_prefix("params.") {
            return ParamName::new(name).map(Setting::Param);
        }
        Setting::ALL.iter().copied().find(|s| s.key() == key).ok_or_else(|| {
            let keys: Vec<Cow<'_, str>> = Setting::ALL.iter().map(|s| s.key()).collect();
            format!("`{key}` is not a setting (settings: {}, params.NAME)", keys.join(", "))
        })
    }

    /// Where the setting lives in the scenario file.
    pub fn path(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Setting::Cpus => "machine.cpus",
            Setting::Policy => "scheduler.policy",
            Setting::Quantum => "scheduler.quantum",
            Setting::Tie => "scheduler.tie",
            Setting::Seed => "seed",
            Setting::ThreadSwitchTicks => "machine.thread_switch_ticks",
            Setting::ProcessSwitchTicks => "machine.process_switch_ticks",
            Setting::ThreadCreateTicks => "machine.thread_create_ticks",
            Setting::ForkTicks => "machine.fork_ticks",
            Setting::SpawnTicks => "machine.spawn_ticks",
            Setting::CowCopyTicks => "machine.cow_copy_ticks",
            Setting::Param(_) => return self.key(),
        })
    }

    /// Human name for axes and headers (`$cs` for a param).
    pub fn label(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Setting::Cpus => "CPUs",
            Setting::Policy => "Policy",
            Setting::Quantum => "Quantum",
            Setting::Tie => "Tie rule",
            Setting::Seed => "Seed",
            Setting::ThreadSwitchTicks => "Thread switch",
            Setting::ProcessSwitchTicks => "Process switch",
            Setting::ThreadCreateTicks => "Thread creation",
            Setting::ForkTicks => "Fork",
            Setting::SpawnTicks => "Spawn",
            Setting::CowCopyTicks => "Page copy",
            Setting::Param(name) => return Cow::Owned(format!("${}", name.as_str())),
        })
    }

    /// Unit of a numeric setting (`ticks`, `CPUs`); `None` for a seed or a name.
    pub fn unit(self) -> Option<&'static str> {
        match self {
            Setting::Cpus => Some("CPUs"),
            Setting::Quantum
            | Setting::ThreadSwitchTicks
            | Setting::ProcessSwitchTicks
            | Setting::ThreadCreateTicks
            | Setting::ForkTicks
            | Setting::SpawnTicks
            | Setting::CowCopyTicks => Some("ticks"),
            Setting::Policy | Setting::Tie | Setting::Seed | Setting::Param(_) => None,
        }
    }

    /// Whether the value is a whole number (a sweep can vary it: [`Setting::number`]).
    pub fn is_numeric(self) -> bool {
        !matches!(self, Setting::Policy | Setting::Tie)
    }

    /// The edit setting this to the number `n`. Errors: the setting is not a number (a policy,
    /// a tie rule), or `n` does not fit it (more CPUs than a `u32`).
    pub fn number(self, n: u64) -> Result<ScenarioEdit, String> {
        Ok(match self {
            Setting::Cpus => {
                ScenarioEdit::Cpus(u32::try_from(n).map_err(|_| format!("must be 1 to {MAX_CPUS}, got {n}"))?)
            }
            Setting::Quantum => ScenarioEdit::Quantum(n),
            Setting::Seed => ScenarioEdit::Seed(n),
            Setting::ThreadSwitchTicks => ScenarioEdit::ThreadSwitchTicks(n),
            Setting::ProcessSwitchTicks => ScenarioEdit::ProcessSwitchTicks(n),
            Setting::ThreadCreateTicks => ScenarioEdit::ThreadCreateTicks(n),
            Setting::ForkTicks => ScenarioEdit::ForkTicks(n),
            Setting::SpawnTicks => ScenarioEdit::SpawnTicks(n),
            Setting::CowCopyTicks => ScenarioEdit::CowCopyTicks(n),
            Setting::Param(name) => ScenarioEdit::Param(name, n),
            Setting::Policy | Setting::Tie => {
                return Err(format!("`{}` is not a number: it cannot be swept", self.key()));
            }
        })
    }

    /// The edit setting this to `text` (`4`, `rr`, `preempted_first`). The error says what is
    /// expected, without the key (the caller adds where the text came from).
    pub fn parse(self, text: &str) -> Result<ScenarioEdit, String> {
        let text = text.trim();
        match self {
            Setting::Policy => Policy::from_key(text)
                .map(ScenarioEdit::Policy)
                .ok_or_else(|| format!("`{text}` is not a policy (policies: {})", Policy::keys_for_people())),
            Setting::Tie => serde_json::from_value(serde_json::Value::String(text.into()))
                .map(ScenarioEdit::Tie)
                .map_err(|_| format!("`{text}` is not a tie rule (arrivals_first or preempted_first)")),
            _ => {
                let n: u64 = text.parse().map_err(|_| {
                    let what = (self.unit().map(crate::model::unit_word))
                        .map_or("a whole number".to_string(), |u| format!("a whole number of {u}"));
                    format!("`{text}` is not {what}")
                })?;
                self.number(n)
            }
        }
    }
}

impl ScenarioEdit {
    /// What the edit changes.
    pub fn setting(&self) -> Setting {
        match self {
            ScenarioEdit::Cpus(_) => Setting::Cpus,
            ScenarioEdit::Policy(_) => Setting::Policy,
            ScenarioEdit::Quantum(_) => Setting::Quantum,
            ScenarioEdit::Tie(_) => Setting::Tie,
            ScenarioEdit::Seed(_) => Setting::Seed,
            ScenarioEdit::ThreadSwitchTicks(_) => Setting::ThreadSwitchTicks,
            ScenarioEdit::ProcessSwitchTicks(_) => Setting::ProcessSwitchTicks,
            ScenarioEdit::ThreadCreateTicks(_) => Setting::ThreadCreateTicks,
            ScenarioEdit::ForkTicks(_) => Setting::ForkTicks,
            ScenarioEdit::SpawnTicks(_) => Setting::SpawnTicks,
            ScenarioEdit::CowCopyTicks(_) => Setting::CowCopyTicks,
            ScenarioEdit::Param(name, _) => Setting::Param(*name),
        }
    }

    /// Where the setting lives in the scenario file.
    pub fn path(&self) -> Cow<'static, str> {
        self.setting().path()
    }

    /// Parses the text form, `key=value` (`quantum=4`).
    pub fn parse(text: &str) -> Result<ScenarioEdit, String> {
        let Some((key, value)) = text.split_once('=') else {
            return Err(format!("`{}` is not key=value (e.g. quantum=4)", text.trim()));
        };
        let setting = Setting::from_key(key.trim())?;
        setting.parse(value).map_err(|e| format!("{}: {e}", setting.key()))
    }

    /// The value as a number, for a numeric setting (the x of a sweep).
    pub fn number(&self) -> Option<u64> {
        match *self {
            ScenarioEdit::Cpus(n) => Some(n.into()),
            ScenarioEdit::Quantum(n)
            | ScenarioEdit::Seed(n)
            | ScenarioEdit::ThreadSwitchTicks(n)
            | ScenarioEdit::ProcessSwitchTicks(n)
            | ScenarioEdit::ThreadCreateTicks(n)
            | ScenarioEdit::ForkTicks(n)
            | ScenarioEdit::SpawnTicks(n)
            | ScenarioEdit::CowCopyTicks(n)
            | ScenarioEdit::Param(_, n) => Some(n),
            ScenarioEdit::Policy(_) | ScenarioEdit::Tie(_) => None,
        }
    }

    /// The value as text, as [`Setting::parse`] reads it (`4`, `rr`).
    pub fn value_text(&self) -> String {
        match self {
            ScenarioEdit::Policy(p) => p.key().to_string(),
            ScenarioEdit::Tie(t) => tie_key(*t).to_string(),
            other => other.number().expect("a numeric setting").to_string(),
        }
    }

    /// Whether `scenario`'s policy has the setting: a quantum or a tie rule only exists for
    /// some policies; every other setting always applies. (A value out of range still applies,
    /// and [`ScenarioEdit::apply`] refuses it.)
    pub fn applies_to(&self, scenario: &Scenario) -> bool {
        self.applies_to_scheduler(&scenario.scheduler)
    }

    /// [`ScenarioEdit::applies_to`] for a scenario whose scheduler is `scheduler` (all it
    /// depends on): for a planner that holds a run's settings without its scenario (the page's
    /// lab workers, `src/lab/`).
    pub fn applies_to_scheduler(&self, scheduler: &SchedulerSpec) -> bool {
        match *self {
            ScenarioEdit::Quantum(_) => scheduler.quantum().is_some(),
            ScenarioEdit::Tie(t) => scheduler.clone().set_tie(t).is_ok(),
            _ => true,
        }
    }

    /// Applies the edit, or says (at [`ScenarioEdit::path`]) why it cannot: a value out of
    /// range, or a setting the policy does not have. On error the scenario is unchanged.
    pub fn apply(&self, scenario: &mut Scenario) -> Result<(), ScenarioError> {
        if let ScenarioEdit::Cpus(n) = *self
            && (1..=MAX_CPUS).contains(&n)
            && let Some(path) = first_affinity_outside(scenario, n)
        {
            return Err(ScenarioError::at(self.path(), format!("{path} names a CPU that {n} CPU(s) would not have")));
        }
        if let ScenarioEdit::Param(name, n) = *self {
            let Some(value) = scenario.params.get_mut(name.as_str()) else {
                return Err(name.missing(&scenario.params.keys().map(String::as_str).collect::<Vec<_>>()));
            };
            *value = n;
            return Ok(());
        }
        self.apply_to_settings(&mut scenario.machine, &mut scenario.scheduler, &mut scenario.seed)
    }

    /// [`ScenarioEdit::apply`] to a run's settings alone (an edit changes nothing else), for a
    /// planner that holds them without the scenario (the page's lab workers, `src/lab/`). The
    /// one check it cannot make is a CPU count below a CPU some affinity names (that needs the
    /// processes): whoever loads the edited scenario makes it. A [`ScenarioEdit::Param`] changes
    /// none of these settings (the planner checks the name and keeps the edit for the reader).
    /// On error nothing is changed.
    pub fn apply_to_settings(
        &self,
        machine: &mut MachineSpec,
        scheduler: &mut SchedulerSpec,
        seed: &mut u64,
    ) -> Result<(), ScenarioError> {
        let at = |message: String| ScenarioError::at(self.path(), message);
        match *self {
            ScenarioEdit::Cpus(n) => {
                if !(1..=MAX_CPUS).contains(&n) {
                    return Err(at(format!("`cpus` must be a whole number from 1 to {MAX_CPUS}, got {n}")));
                }
                machine.cpus = n;
            }
            ScenarioEdit::Policy(p) => scheduler.set_policy(p),
            ScenarioEdit::Quantum(q) => {
                let mut spec = scheduler.clone();
                spec.set_quantum(q).map_err(|e| at(e.message))?;
                *scheduler = spec;
            }
            ScenarioEdit::Tie(t) => {
                let mut spec = scheduler.clone();
                spec.set_tie(t).map_err(|e| at(e.message))?;
                *scheduler = spec;
            }
            ScenarioEdit::Seed(s) => {
                *seed = s;
                scheduler.reseed(s);
            }
            ScenarioEdit::Param(..) => {}
            ScenarioEdit::ThreadSwitchTicks(n)
            | ScenarioEdit::ProcessSwitchTicks(n)
            | ScenarioEdit::ThreadCreateTicks(n)
            | ScenarioEdit::ForkTicks(n)
            | ScenarioEdit::SpawnTicks(n)
            | ScenarioEdit::CowCopyTicks(n) => {
                // A new process is set up before it runs: at least a tick (`Scenario::validate`).
                let least = u64::from(matches!(self, ScenarioEdit::ForkTicks(_) | ScenarioEdit::SpawnTicks(_)));
                if n > MAX_SWITCH_TICKS || n < least {
                    return Err(at(format!("must be {least} to {MAX_SWITCH_TICKS} µs, got {n}")));
                }
                match self {
                    ScenarioEdit::ThreadSwitchTicks(_) => machine.thread_switch_ticks = n,
                    ScenarioEdit::ProcessSwitchTicks(_) => machine.process_switch_ticks = n,
                    ScenarioEdit::ForkTicks(_) => machine.fork_ticks = n,
                    ScenarioEdit::SpawnTicks(_) => machine.spawn_ticks = n,
                    ScenarioEdit::CowCopyTicks(_) => machine.cow_copy_ticks = n,
                    _ => machine.thread_create_ticks = n,
                }
            }
        }
        Ok(())
    }

    /// Applies `edits` in [`Setting`] order (the policy before its quantum, whatever order they
    /// are given in). Errors: a setting given twice (at its path), or the first edit refused;
    /// on error the scenario is unchanged.
    pub fn apply_all(edits: &[ScenarioEdit], scenario: &mut Scenario) -> Result<(), ScenarioError> {
        let mut sorted = edits.to_vec();
        sorted.sort_by_key(|e| e.setting());
        if let Some(w) = sorted.windows(2).find(|w| w[0].setting() == w[1].setting()) {
            return Err(ScenarioError::at(w[0].path(), format!("`{}` is given twice", w[0].setting().key())));
        }
        let mut out = scenario.clone();
        for e in &sorted {
            e.apply(&mut out)?;
        }
        *scenario = out;
        Ok(())
    }
}

/// The text form, `key=value`.
impl fmt::Display for ScenarioEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.setting().key(), self.value_text())
    }
}

fn tie_key(t: TieRule) -> &'static str {
    match t {
        TieRule::ArrivalsFirst => "arrivals_first",
        TieRule::PreemptedFirst => "preempted_first",
    }
}

/// JSON form: `{"quantum": 4}`, `{"policy": "rr"}`.
impl Serialize for ScenarioEdit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        match self.number() {
            Some(n) => map.serialize_entry(&self.setting().key(), &n)?,
            None => map.serialize_entry(&self.setting().key(), &self.value_text())?,
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ScenarioEdit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let mut entries = map.into_iter();
        let (Some((key, value)), None) = (entries.next(), entries.next()) else {
            return Err(de::Error::custom("an edit is an object with one setting, e.g. {\"quantum\": 4}"));
        };
        let setting = Setting::from_key(&key).map_err(de::Error::custom)?;
        let text = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            other => return Err(de::Error::custom(format!("{key}: expected a number or a name, got {other}"))),
        };
        setting.parse(&text).map_err(|e| de::Error::custom(format!("{key}: {e}")))
    }
}

/// JSON: the key, `"quantum"`.
impl Serialize for Setting {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.key())
    }
}

impl<'de> Deserialize<'de> for Setting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Setting::from_key(&String::deserialize(d)?).map_err(de::Error::custom)
    }
}

impl ScenarioEdit {
    /// Applies the edit to the author's text of a scenario, changing only what the setting owns
    /// (one value, or for [`ScenarioEdit::Policy`] the scheduler's members that differ) and
    /// keeping every other byte. Returns the new text and the scenario it means, which is
    /// exactly [`ScenarioEdit::apply`] on the text's scenario. Errors: the text's own error, or
    /// the edit's. If an in-place edit cannot say it (a version-1 file choosing a policy version
    /// 1 lacks), the text becomes the current format's export of the edited scenario.
    pub fn apply_to_text(&self, source: &str) -> Result<(String, Scenario), ScenarioError> {
        let before = Scenario::from_json(source)?;
        let mut target = before.clone();
        self.apply(&mut target)?;
        if target == before {
            return Ok((source.to_string(), target));
        }
        let number = |n: u64| text::set(source, &self.path(), &n.to_string());
        let edited = match *self {
            ScenarioEdit::Cpus(n) => number(n.into()),
            // The policy's own generators are seeded too: their seeds set as well.
            ScenarioEdit::Seed(n) => seeded_text(source, n, &before.scheduler),
            ScenarioEdit::ThreadSwitchTicks(n)
            | ScenarioEdit::ProcessSwitchTicks(n)
            | ScenarioEdit::ThreadCreateTicks(n)
            | ScenarioEdit::ForkTicks(n)
            | ScenarioEdit::SpawnTicks(n)
            | ScenarioEdit::CowCopyTicks(n)
            | ScenarioEdit::Param(_, n) => number(n),
            // The scheduler's members depend on the policy (MLFQ's quantum is its levels'):
            // the members that differ are synced, whatever they are.
            ScenarioEdit::Policy(_) | ScenarioEdit::Quantum(_) | ScenarioEdit::Tie(_) => {
                sync_scheduler(source, &target)
            }
        };
        let means_target = |t: &String| Scenario::from_json(t).is_ok_and(|s| s == target);
        let text = edited.filter(means_target).unwrap_or_else(|| target.to_json());
        Ok((text, target))
    }
}

/// `source` (a scenario whose scheduler is `scheduler`) run under seed `seed`: its `seed` set,
/// and the seed of each generator of the scheduler's own ([`SchedulerSpec::reseed`]), every
/// other byte kept. `None` if a value cannot be set in place. (The Races panel's worker opens a
/// seed's run with it: it reads no scenario itself.)
pub fn seeded_text(source: &str, seed: u64, scheduler: &SchedulerSpec) -> Option<String> {
    let mut out = text::set(source, "seed", &seed.to_string())?;
    for own in scheduler.clone().reseed(seed) {
        out = text::set(&out, &format!("scheduler.{}", own.field), &seed.to_string())?;
    }
    Some(out)
}

/// Makes the `scheduler` object mean what it does in `target`, touching only the members that
/// must change: members `target`'s lacks go, differing values are replaced, and missing members
/// are added one at a time, in `target`'s order, only until the text means `target` (so
/// defaults the author left out stay out). `None` if that cannot be done in place.
fn sync_scheduler(source: &str, target: &Scenario) -> Option<String> {
    let path = "scheduler";
    let serde_json::Value::Object(want) = serde_json::to_value(&target.scheduler).ok()? else { return None };
    let mut out = if text::span(source, path).is_some() { source.to_string() } else { text::set(source, path, "{}")? };
    for key in text::keys(&out, path) {
        if !want.contains_key(&key) {
            out = text::remove(&out, &format!("{path}.{key}"))?;
        }
    }
    let mut missing = Vec::new();
    for (key, value) in &want {
        let at = format!("{path}.{key}");
        match text::span(&out, &at) {
            Some(r) if serde_json::from_str::<serde_json::Value>(&out[r.clone()]).ok().as_ref() == Some(value) => {}
            Some(_) => out = text::set(&out, &at, &serde_json::to_string(value).ok()?)?,
            None => missing.push((at, value)),
        }
    }
    for (at, value) in missing {
        if Scenario::from_json(&out).is_ok_and(|s| &s == target) {
            break;
        }
        out = text::set(&out, &at, &serde_json::to_string(value).ok()?)?;
    }
    Some(out)
}

/// The path of the first affinity list naming a CPU ≥ `cpus`, if any.
fn first_affinity_outside(s: &Scenario, cpus: u32) -> Option<String> {
    for (i, p) in s.processes.iter().enumerate() {
        if p.affinity.as_ref().is_some_and(|a| a.iter().any(|&c| c >= cpus)) {
            return Some(format!("processes[{i}].affinity"));
        }
        for (j, t) in p.threads.iter().enumerate() {
            if t.affinity.as_ref().is_some_and(|a| a.iter().any(|&c| c >= cpus)) {
                return Some(format!("processes[{i}].threads[{j}].affinity"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        Scenario::from_json(
            r#"{"format":2,"name":"t","processes":[{"name":"p","threads":[{"name":"m","code":"compute 1"}]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_quantum_needs_a_policy_that_has_one() {
        let mut s = scenario();
        let e = ScenarioEdit::Quantum(3).apply(&mut s).unwrap_err();
        assert_eq!(e.path, "scheduler.quantum");
        ScenarioEdit::Policy(Policy::RoundRobin).apply(&mut s).unwrap();
        assert_eq!(s.scheduler.quantum(), Some(crate::model::scheduler::DEFAULT_QUANTUM_TICKS));
        ScenarioEdit::Quantum(3).apply(&mut s).unwrap();
        assert_eq!(s.scheduler.quantum(), Some(3));
        assert!(ScenarioEdit::Quantum(0).apply(&mut s).is_err());
        assert_eq!(s.scheduler.quantum(), Some(3), "a refused edit changes nothing");
    }

    const FCFS: &str = include_str!("../../../presets/mixed-fcfs-1cpu.json");

    #[test]
    fn a_control_edits_only_its_own_value_in_the_text() {
        let (text, s) = ScenarioEdit::Cpus(3).apply_to_text(FCFS).unwrap();
        assert_eq!(text, FCFS.replace("\"cpus\": 1,", "\"cpus\": 3,"));
        assert_eq!(s.machine.cpus, 3);
        let (text, _) = ScenarioEdit::Seed(9).apply_to_text(FCFS).unwrap();
        assert_eq!(text, FCFS.replace("\"seed\": 1,", "\"seed\": 9,"));
    }

    /// A policy with a generator of its own (x86.py's `-r`): the seed edit sets its seed too,
    /// in place, and nothing else.
    #[test]
    fn a_seed_edit_seeds_the_policy_s_own_generator_in_place() {
        let x86 = FCFS.replace(r#""policy": "fcfs""#, r#""policy": "x86", "quantum": 3, "random_seed": 1"#);
        assert_ne!(x86, FCFS);
        let (text, s) = ScenarioEdit::Seed(9).apply_to_text(&x86).unwrap();
        let want = x86.replace("\"seed\": 1,", "\"seed\": 9,").replace(r#""random_seed": 1"#, r#""random_seed": 9"#);
        assert_eq!(text, want);
        assert_eq!(
            s.scheduler.params,
            crate::model::scenario::PolicyParams::X86(crate::model::scheduler::X86Spec {
                interval: 3,
                random_seed: Some(9),
                schedule: Default::default(),
            })
        );
        assert_eq!(seeded_text(&x86, 9, &Scenario::from_json(&x86).unwrap().scheduler).as_deref(), Some(want.as_str()));
    }

    const CREATE_JOIN: &str = include_str!("../../../presets/threads-create-join.json");

    #[test]
    fn thread_creation_ticks_edit_one_value_of_the_machine() {
        let edit = ScenarioEdit::parse("thread_create_ticks=20").unwrap();
        assert_eq!(edit, ScenarioEdit::ThreadCreateTicks(20));
        assert_eq!(edit.to_string(), "thread_create_ticks=20");
        assert_eq!(serde_json::to_string(&edit).unwrap(), r#"{"thread_create_ticks":20}"#);
        // The preset leaves it at its default (unwritten): the edit adds it to `machine` alone.
        let (text, s) = edit.apply_to_text(CREATE_JOIN).unwrap();
        assert_eq!(s.machine.thread_create_ticks, 20);
        let before = Scenario::from_json(CREATE_JOIN).unwrap();
        let mut expected = before.clone();
        expected.machine.thread_create_ticks = 20;
        assert_eq!(s, expected, "nothing else changes");
        assert!(text.contains("\"thread_create_ticks\": 20"), "{text}");
        assert_eq!(text.lines().count(), CREATE_JOIN.lines().count() + 1, "{text}");
        let mut s = before;
        let e = ScenarioEdit::ThreadCreateTicks(MAX_SWITCH_TICKS + 1).apply(&mut s).unwrap_err();
        assert_eq!(e.path, "machine.thread_create_ticks");
        assert_eq!(s.machine.thread_create_ticks, crate::model::scenario::DEFAULT_THREAD_CREATE_TICKS);
    }

    #[test]
    fn a_policy_change_touches_only_the_scheduler_members_that_differ() {
        // FCFS → RR: `policy` changes and the required quantum (4, the default) is added; the
        // tie rule keeps its default, so it is not written out.
        let (rr, s) = ScenarioEdit::Policy(Policy::RoundRobin).apply_to_text(FCFS).unwrap();
        let fcfs_block = "\"scheduler\": {\n    \"policy\": \"fcfs\"\n  }";
        let rr_block = "\"scheduler\": {\n    \"policy\": \"rr\",\n    \"quantum\": 4\n  }";
        assert_eq!(rr, FCFS.replace(fcfs_block, rr_block));
        assert_eq!(s.scheduler.quantum(), Some(4));
        let (rr7, _) = ScenarioEdit::Quantum(7).apply_to_text(&rr).unwrap();
        assert_eq!(rr7, rr.replace("\"quantum\": 4", "\"quantum\": 7"));
        let (tie, _) = ScenarioEdit::Tie(TieRule::PreemptedFirst).apply_to_text(&rr7).unwrap();
        assert_eq!(tie, rr7.replace("\"quantum\": 7\n", "\"quantum\": 7,\n    \"tie\": \"preempted_first\"\n"));
        // Back to FCFS: the members FCFS does not have go.
        let (back, _) = ScenarioEdit::Policy(Policy::Fcfs).apply_to_text(&tie).unwrap();
        assert_eq!(back, FCFS);
    }

    #[test]
    fn every_policy_and_preset_edits_in_place_to_the_same_scenario() {
        for preset in crate::presets::PRESETS {
            for &p in Policy::ALL {
                let edit = ScenarioEdit::Policy(p);
                let (text, s) = edit.apply_to_text(preset.json).unwrap();
                let mut want = preset.scenario().unwrap();
                edit.apply(&mut want).unwrap();
                assert_eq!(s, want, "{} → {}", preset.key, p.key());
                assert_eq!(
                    Scenario::from_json(&text).unwrap(),
                    want,
                    "{} → {}: the text means it",
                    preset.key,
                    p.key()
                );
                // Nothing outside the scheduler moved: the text before `"scheduler"` is the same.
                let head = &preset.json[..preset.json.find("\"scheduler\"").unwrap()];
                assert!(text.starts_with(head), "{} → {}", preset.key, p.key());
            }
        }
    }

    #[test]
    fn mlfq_quantum_and_switch_costs_edit_in_place() {
        let (mlfq, _) = ScenarioEdit::Policy(Policy::Mlfq).apply_to_text(FCFS).unwrap();
        let head = &FCFS[..FCFS.find("\"scheduler\"").unwrap()];
        assert!(mlfq.starts_with(head), "the policy change is made in place (the preset is not re-serialised)");
        let (q, s) = ScenarioEdit::Quantum(6).apply_to_text(&mlfq).unwrap();
        assert_eq!(s.scheduler.quantum(), Some(6));
        // Only the `levels` value changed: the text before it is the same.
        let levels = mlfq.find("\"levels\"").unwrap();
        assert_eq!(q[..levels], mlfq[..levels]);
        assert!(q.contains("\"format\": 2") && !q.contains("\"quantum\": 4"), "{q}");
        let (t, _) = ScenarioEdit::ThreadSwitchTicks(3).apply_to_text(FCFS).unwrap();
        assert_eq!(t, FCFS.replace("\"thread_switch_ticks\": 1,", "\"thread_switch_ticks\": 3,"));
        let (p, _) = ScenarioEdit::ProcessSwitchTicks(0).apply_to_text(FCFS).unwrap();
        assert_eq!(p, FCFS.replace("\"process_switch_ticks\": 2", "\"process_switch_ticks\": 0"));
    }

    #[test]
    fn a_version_1_file_is_edited_in_place_where_version_1_can_say_it() {
        let v1 = r#"{"name":"t","scheduler":{"policy":"rr","quantum":2},"processes":[{"name":"p","threads":[{"name":"m","code":"compute 1"}]}]}"#;
        let (text, _) = ScenarioEdit::Quantum(5).apply_to_text(v1).unwrap();
        assert_eq!(text, v1.replace("\"quantum\":2", "\"quantum\":5"));
        // SRTF does not exist in version 1: the text becomes the current format.
        let (text, s) = ScenarioEdit::Policy(Policy::Srtf).apply_to_text(v1).unwrap();
        assert_eq!(text, s.to_json());
        assert!(text.contains("\"format\": 2"));
    }

    #[test]
    fn a_refused_edit_leaves_the_text_alone() {
        let e = ScenarioEdit::Quantum(3).apply_to_text(FCFS).unwrap_err();
        assert_eq!(e.path, "scheduler.quantum");
        let e = ScenarioEdit::Cpus(1).apply_to_text("{ broken").unwrap_err();
        assert!(e.line.is_some());
    }

    #[test]
    fn cpus_stay_in_range() {
        let mut s = scenario();
        assert_eq!(
            ScenarioEdit::Cpus(65).apply(&mut s).unwrap_err().to_string(),
            "machine.cpus: `cpus` must be a whole number from 1 to 64, got 65"
        );
        ScenarioEdit::Cpus(4).apply(&mut s).unwrap();
        assert_eq!(s.machine.cpus, 4);
    }

    #[test]
    fn text_and_json_forms_read_back() {
        for text in [
            "cpus=2",
            "policy=rr",
            "quantum=4",
            "tie=preempted_first",
            "seed=7",
            "thread_switch_ticks=1",
            "process_switch_ticks=5",
        ] {
            let e = ScenarioEdit::parse(text).unwrap();
            assert_eq!(e.to_string(), text);
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<ScenarioEdit>(&json).unwrap(), e, "{json}");
        }
        assert_eq!(serde_json::to_string(&ScenarioEdit::Quantum(4)).unwrap(), r#"{"quantum":4}"#);
        assert_eq!(serde_json::to_string(&ScenarioEdit::Policy(Policy::RoundRobin)).unwrap(), r#"{"policy":"rr"}"#);
    }

    #[test]
    fn bad_text_says_which_key_and_what_is_expected() {
        assert_eq!(ScenarioEdit::parse("quantum=x").unwrap_err(), "quantum: `x` is not a whole number of µs");
        assert!(ScenarioEdit::parse("quantum").unwrap_err().contains("key=value"));
        assert!(ScenarioEdit::parse("speed=3").unwrap_err().contains("`speed` is not a setting"));
        assert!(ScenarioEdit::parse("policy=coinflip").unwrap_err().starts_with("policy: `coinflip` is not a policy"));
        assert_eq!(ScenarioEdit::parse("cpus=5000000000").unwrap_err(), "cpus: must be 1 to 64, got 5000000000");
        assert!(Setting::Policy.number(3).is_err());
        let e = serde_json::from_str::<ScenarioEdit>(r#"{"quantum": 4, "cpus": 2}"#).unwrap_err();
        assert!(e.to_string().contains("one setting"), "{e}");
    }

    #[test]
    fn several_edits_apply_policy_first_and_refuse_repeats() {
        let mut s = scenario();
        ScenarioEdit::apply_all(&[ScenarioEdit::Quantum(3), ScenarioEdit::Policy(Policy::RoundRobin)], &mut s).unwrap();
        assert_eq!(s.scheduler.quantum(), Some(3));
        let before = s.clone();
        let e = ScenarioEdit::apply_all(&[ScenarioEdit::Cpus(2), ScenarioEdit::Cpus(3)], &mut s).unwrap_err();
        assert_eq!(e.to_string(), "machine.cpus: `cpus` is given twice");
        let e = ScenarioEdit::apply_all(
            &[ScenarioEdit::Cpus(2), ScenarioEdit::ThreadSwitchTicks(MAX_SWITCH_TICKS + 1)],
            &mut s,
        )
        .unwrap_err();
        assert_eq!(e.path, "machine.thread_switch_ticks");
        assert_eq!(s, before, "a refused list changes nothing");
    }

    #[test]
    fn a_quantum_applies_only_where_the_policy_has_one() {
        let mut s = scenario();
        assert!(!ScenarioEdit::Quantum(2).applies_to(&s));
        assert!(!ScenarioEdit::Tie(TieRule::PreemptedFirst).applies_to(&s));
        assert!(ScenarioEdit::Cpus(2).applies_to(&s));
        ScenarioEdit::Policy(Policy::RoundRobin).apply(&mut s).unwrap();
        assert!(ScenarioEdit::Quantum(2).applies_to(&s));
        assert!(ScenarioEdit::Tie(TieRule::PreemptedFirst).applies_to(&s));
    }
}
