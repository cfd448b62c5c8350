//! One change to a scenario: the page's settings and the CLI's flags both apply these, so both
//! accept and refuse the same values with the same words.

use super::{MAX_CPUS, Scenario, ScenarioError};
use crate::model::Ticks;
use crate::model::scheduler::spec::{Policy, TieRule};

/// A setting changed by a control or a flag.
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
    /// The seed of the run's random draws.
    Seed(u64),
}

impl ScenarioEdit {
    /// Where the setting lives in the scenario file.
    pub fn path(&self) -> &'static str {
        match self {
            ScenarioEdit::Cpus(_) => "machine.cpus",
            ScenarioEdit::Policy(_) => "scheduler.policy",
            ScenarioEdit::Quantum(_) => "scheduler.quantum",
            ScenarioEdit::Tie(_) => "scheduler.tie",
            ScenarioEdit::Seed(_) => "seed",
        }
    }

    /// Applies the edit, or says (at [`ScenarioEdit::path`]) why it cannot: a value out of
    /// range, or a setting the policy does not have. On error the scenario is unchanged.
    pub fn apply(&self, scenario: &mut Scenario) -> Result<(), ScenarioError> {
        let at = |message: String| ScenarioError::at(self.path(), message);
        match *self {
            ScenarioEdit::Cpus(n) => {
                if !(1..=MAX_CPUS).contains(&n) {
                    return Err(at(format!("must be 1 to {MAX_CPUS}, got {n}")));
                }
                if let Some(path) = first_affinity_outside(scenario, n) {
                    return Err(at(format!("{path} names a CPU that {n} CPU(s) would not have")));
                }
                scenario.machine.cpus = n;
            }
            ScenarioEdit::Policy(p) => scenario.scheduler.set_policy(p),
            ScenarioEdit::Quantum(q) => {
                let mut spec = scenario.scheduler.clone();
                spec.set_quantum(q).map_err(|e| at(e.message))?;
                scenario.scheduler = spec;
            }
            ScenarioEdit::Tie(t) => {
                let mut spec = scenario.scheduler.clone();
                spec.set_tie(t).map_err(|e| at(e.message))?;
                scenario.scheduler = spec;
            }
            ScenarioEdit::Seed(s) => scenario.seed = s,
        }
        Ok(())
    }
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

    #[test]
    fn cpus_stay_in_range() {
        let mut s = scenario();
        assert_eq!(
            ScenarioEdit::Cpus(65).apply(&mut s).unwrap_err().to_string(),
            "machine.cpus: must be 1 to 64, got 65"
        );
        ScenarioEdit::Cpus(4).apply(&mut s).unwrap();
        assert_eq!(s.machine.cpus, 4);
    }
}
