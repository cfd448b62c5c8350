//! `threadlab`: run scenarios headless and print JSON (for grading and scripting).
//!
//! ```text
//! threadlab presets                          list the shipped presets
//! threadlab run FILE [options]               run a scenario file
//! threadlab run --preset NAME [options]      run a shipped preset
//!   --trace            include the full trace in the JSON
//!   --cpus N           set machine.cpus
//!   --policy KEY       set the scheduling policy (keeps the quantum if both have one)
//!   --quantum N        set the time slice (ticks; a new rr gets 4 if none is given)
//!   --tie RULE         arrivals_first or preempted_first
//!   --seed N           set the seed
//! ```
//!
//! The flags are the page's settings: both apply [`ScenarioEdit`]s, in the order above.
//!
//! The JSON has `scenario` (its name), `settings` (machine, scheduler, seed and limits actually
//! used, after the flags), `outcome`, `message`, `metrics` and, with `--trace`, `trace`.
//!
//! Exit codes: 0 the run completed; 1 bad usage or unreadable/invalid scenario (the located
//! error goes to stderr); 3 the run ended in a deadlock, runtime error or exhausted budget (the
//! JSON is still printed, with the outcome).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use threadlab::model::scenario::{Policy, ScenarioEdit, TieRule};
use threadlab::model::{self, Outcome, Recording, Scenario};
use threadlab::presets::{self, PRESETS};

/// Run Threadlab scenarios headless and print JSON.
#[derive(Parser)]
#[command(name = "threadlab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the shipped presets (key, name, description) as JSON.
    Presets,
    /// Run a scenario and print its settings, outcome and metrics as JSON.
    Run(RunArgs),
}

#[derive(Args)]
struct RunArgs {
    /// Scenario file (JSON, any format version).
    #[arg(required_unless_present = "preset", conflicts_with = "preset")]
    file: Option<PathBuf>,
    /// Run a shipped preset instead of a file (see `threadlab presets`).
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
    /// Include the full trace in the JSON.
    #[arg(long)]
    trace: bool,
    /// Number of CPUs (1 to 64).
    #[arg(long, value_name = "N")]
    cpus: Option<u32>,
    /// Scheduling policy.
    #[arg(long, value_name = "KEY", value_parser = policy_key)]
    policy: Option<Policy>,
    /// Time slice in ticks, for a policy that has one.
    #[arg(long, value_name = "N")]
    quantum: Option<u64>,
    /// Who queues first at a tie: arrivals_first or preempted_first.
    #[arg(long, value_name = "RULE", value_parser = tie_rule)]
    tie: Option<TieRule>,
    /// Seed of the random draws (`compute A..B`, `io A..B`).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

fn policy_key(s: &str) -> Result<Policy, String> {
    Policy::from_key(s).ok_or_else(|| format!("`{s}` is not a policy (policies: {})", Policy::keys_for_people()))
}

fn tie_rule(s: &str) -> Result<TieRule, String> {
    serde_json::from_value(serde_json::Value::String(s.into()))
        .map_err(|_| format!("`{s}` is not a tie rule (arrivals_first or preempted_first)"))
}

/// The settings the run actually used (after the flags), so a grader's JSON says what
/// produced its numbers.
#[derive(Serialize)]
struct Settings<'a> {
    machine: &'a model::scenario::MachineSpec,
    scheduler: &'a model::scenario::SchedulerSpec,
    seed: u64,
    limits: &'a model::scenario::Limits,
}

#[derive(Serialize)]
struct Output<'a> {
    scenario: &'a str,
    settings: Settings<'a>,
    outcome: &'a Outcome,
    message: String,
    metrics: &'a model::metrics::Metrics,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a model::trace::Trace>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            print!("{e}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprint!("{e}");
            return ExitCode::from(1);
        }
    };
    let result = match cli.command {
        Command::Presets => presets_list(),
        Command::Run(args) => run(&args),
    };
    result.unwrap_or_else(|msg| {
        eprintln!("threadlab: {msg}");
        ExitCode::from(1)
    })
}

fn presets_list() -> Result<ExitCode, String> {
    let list: Vec<_> = PRESETS
        .iter()
        .map(|p| {
            let s = p.scenario().expect("shipped presets parse");
            serde_json::json!({ "key": p.key, "name": s.name, "description": s.description })
        })
        .collect();
    println!("{}", serde_json::to_string_pretty(&list).expect("json"));
    Ok(ExitCode::SUCCESS)
}

/// The flags as scenario edits, each with its flag for messages, in the order they apply.
fn edits(args: &RunArgs) -> Vec<(&'static str, ScenarioEdit)> {
    let mut out = Vec::new();
    if let Some(n) = args.cpus {
        out.push(("--cpus", ScenarioEdit::Cpus(n)));
    }
    if let Some(p) = args.policy {
        out.push(("--policy", ScenarioEdit::Policy(p)));
    }
    if let Some(q) = args.quantum {
        out.push(("--quantum", ScenarioEdit::Quantum(q)));
    }
    if let Some(t) = args.tie {
        out.push(("--tie", ScenarioEdit::Tie(t)));
    }
    if let Some(s) = args.seed {
        out.push(("--seed", ScenarioEdit::Seed(s)));
    }
    out
}

fn run(args: &RunArgs) -> Result<ExitCode, String> {
    let (label, text) = match (&args.preset, &args.file) {
        (Some(key), _) => {
            let p = presets::find(key).ok_or_else(|| {
                let keys: Vec<_> = PRESETS.iter().map(|p| p.key).collect();
                format!("no preset `{key}` (presets: {})", keys.join(", "))
            })?;
            (format!("preset {key}"), p.json.to_string())
        }
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            (path.display().to_string(), text)
        }
        (None, None) => unreachable!("clap requires a file or --preset"),
    };
    let mut scenario = Scenario::from_json(&text).map_err(|e| format!("{label}: {e}"))?;
    for (flag, edit) in edits(args) {
        edit.apply(&mut scenario).map_err(|e| format!("{flag}: {}", e.message))?;
    }
    let recording = if args.trace { Recording::Full } else { Recording::MetricsOnly };
    let (_sys, result) = model::run_with(&scenario, recording).map_err(|e| format!("{label}: {e}"))?;
    let out = Output {
        scenario: &scenario.name,
        settings: Settings {
            machine: &scenario.machine,
            scheduler: &scenario.scheduler,
            seed: scenario.seed,
            limits: &scenario.limits,
        },
        outcome: &result.outcome,
        message: result.outcome.message(),
        metrics: &result.metrics,
        trace: result.trace.as_ref(),
    };
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
    Ok(if result.outcome == Outcome::Completed { ExitCode::SUCCESS } else { ExitCode::from(3) })
}
