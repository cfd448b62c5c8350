//! The OSTEP mode's worker's job, without the browser: a command line in, what the page shows
//! out. The worker binary (`src/bin/ostep_worker.rs`, through `src/workers/ostep_web.rs`) only
//! moves messages; the native tests call [`answer`] directly.

use crate::messaging::ostep::OstepAnswer;
use crate::ostep::{self, OstepRun};

/// Runs `line` ([`ostep::run_command`]) and says what the page shows: what `threadlab ostep`
/// prints for the same words and the run's scenario as JSON text named after the line
/// ([`scenario_name`]); the help text for `-h`; or the bad flag and why.
pub fn answer(line: &str) -> OstepAnswer {
    match ostep::run_command(line) {
        Ok(run) => {
            let printed = run.printed();
            let mut scenario = run.scenario.clone();
            scenario.name = scenario_name(line, &run);
            let scenario = match serde_json::to_string_pretty(&scenario) {
                Ok(text) => text + "\n",
                Err(_) => unreachable!("a scenario always serialises"),
            };
            OstepAnswer::Ran { printed, scenario }
        }
        Err(e) if e.is_help() => OstepAnswer::Help { text: e.message },
        Err(e) => OstepAnswer::Refused { flag: e.flag, message: e.message },
    }
}

/// The name the opened scenario is kept under: `OSTEP: ` and the command line, its simulator
/// by Threadlab's name (`./scheduler.py` → `scheduler`, a leading `python3` dropped) and without
/// the switches that change only what is printed (`-c`, `--json`, `--scenario`):
/// `OSTEP: scheduler -p RR -q 2 -l 3,5,1`.
pub fn scenario_name(line: &str, run: &OstepRun) -> String {
    let words = shlex::split(line).unwrap_or_default();
    let at = words.iter().position(|w| crate::ostep::Simulator::from_word(w) == Some(run.simulator));
    let flags = at.map_or(&words[..0], |i| &words[i + 1..]);
    let kept: Vec<&str> =
        flags.iter().map(String::as_str).filter(|w| !["-c", "--json", "--scenario"].contains(w)).collect();
    let mut name = format!("OSTEP: {}", run.simulator.name());
    for w in kept {
        name.push(' ');
        name.push_str(w);
    }
    name
}
