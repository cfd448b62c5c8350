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
//! threadlab ostep scheduler [OSTEP's flags] [--json]     OSTEP's cpu-sched/scheduler.py
//! threadlab ostep process-run [OSTEP's flags] [--json]   OSTEP's cpu-intro/process-run.py
//! ```
//!
//! The flags are the page's settings: both apply [`ScenarioEdit`]s, in the order above.
//!
//! The JSON has `scenario` (its name), `settings` (machine, scheduler, seed and limits actually
//! used, after the flags), `outcome`, `message`, `metrics` and, with `--trace`, `trace`.
//!
//! `ostep` prints what the OSTEP simulator prints for the same flags (`-c`: the answers), or with
//! `--json` the jobs and answers as JSON; `--scenario` prints the model scenario instead, for
//! `threadlab run` or the page. See `threadlab::ostep`.
//!
//! Exit codes: 0 the run completed; 1 bad usage or unreadable/invalid scenario (the located
//! error goes to stderr); 3 the run ended in a deadlock, runtime error or exhausted budget (the
//! JSON is still printed, with the outcome).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use threadlab::model::scenario::{Policy, ScenarioEdit, TieRule};
use threadlab::model::scheduler::{IoDone, SwitchOn};
use threadlab::model::{self, Outcome, Recording, Scenario};
use threadlab::ostep::{self, OstepError, scheduler::SchedulerPolicy};
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
    /// Run an OSTEP homework simulator's workload with its own flags.
    #[command(subcommand)]
    Ostep(OstepCommand),
}

#[derive(Subcommand)]
enum OstepCommand {
    /// cpu-sched/scheduler.py: FIFO, SJF and RR over jobs that all arrive at 0.
    #[command(infer_long_args = true, allow_negative_numbers = true)]
    Scheduler(SchedulerArgs),
    /// cpu-intro/process-run.py: processes that use the CPU and do I/O.
    #[command(name = "process-run", infer_long_args = true, allow_negative_numbers = true)]
    ProcessRun(ProcessRunArgs),
}

/// How to print an OSTEP run.
#[derive(Args)]
struct OstepOutput {
    /// Print the jobs and the answers as JSON (always solved, as with -c).
    #[arg(long, conflicts_with = "scenario")]
    json: bool,
    /// Print the model scenario (JSON) that reproduces the run, for `threadlab run` or the page.
    #[arg(long)]
    scenario: bool,
}

#[derive(Args)]
struct SchedulerArgs {
    /// Seed of the random job lengths (Python's random.seed).
    #[arg(short = 's', long = "seed", value_name = "SEED", default_value = "0", value_parser = seed_value)]
    seed: i128,
    /// Number of random jobs.
    #[arg(short = 'j', long = "jobs", value_name = "JOBS", default_value = "3", value_parser = ostep::scheduler::int_flag)]
    jobs: i64,
    /// Job lengths instead of random jobs, e.g. 3,5,1 or 2.5,1.5.
    #[arg(short = 'l', long = "jlist", value_name = "JLIST", default_value = "")]
    jlist: String,
    /// Longest random job.
    #[arg(short = 'm', long = "maxlen", value_name = "MAXLEN", default_value = "10", value_parser = ostep::scheduler::int_flag)]
    maxlen: i64,
    /// Policy: FIFO, SJF or RR.
    #[arg(short = 'p', long = "policy", value_name = "POLICY", default_value = "FIFO", value_parser = ostep::scheduler::policy_flag)]
    policy: SchedulerPolicy,
    /// RR's time slice.
    #[arg(short = 'q', long = "quantum", value_name = "QUANTUM", default_value = "1", value_parser = ostep::scheduler::int_flag)]
    quantum: i64,
    /// Compute the answers.
    #[arg(short = 'c')]
    solve: bool,
    #[command(flatten)]
    output: OstepOutput,
}

#[derive(Args)]
struct ProcessRunArgs {
    /// Seed of the random instructions (Python's random.seed).
    #[arg(short = 's', long = "seed", value_name = "SEED", default_value = "0", value_parser = seed_value)]
    seed: i128,
    /// Programs, e.g. c3,i,c2:c4 (cN: N ticks of CPU; i: an I/O; `:` between processes).
    #[arg(short = 'P', long = "program", value_name = "PROGRAM", default_value = "")]
    program: String,
    /// Random processes X:Y,… (X instructions, each CPU with chance Y%).
    #[arg(short = 'l', long = "processlist", value_name = "PROCESS_LIST", default_value = "")]
    process_list: String,
    /// How long an I/O takes, in ticks.
    #[arg(short = 'L', long = "iolength", value_name = "IO_LENGTH", default_value = "5", value_parser = ostep::process_run::int_flag)]
    io_length: i64,
    /// When to switch: SWITCH_ON_IO or SWITCH_ON_END.
    #[arg(short = 'S', long = "switch", value_name = "SWITCH", default_value = "SWITCH_ON_IO", value_parser = ostep::process_run::switch_flag)]
    switch: SwitchOn,
    /// When an I/O completes: IO_RUN_LATER or IO_RUN_IMMEDIATE.
    #[arg(short = 'I', long = "iodone", value_name = "IO_DONE", default_value = "IO_RUN_LATER", value_parser = ostep::process_run::io_done_flag)]
    io_done: IoDone,
    /// Compute the answers.
    #[arg(short = 'c')]
    solve: bool,
    /// Print statistics at the end (with -c).
    #[arg(short = 'p', long = "printstats")]
    print_stats: bool,
    #[command(flatten)]
    output: OstepOutput,
}

fn seed_value(text: &str) -> Result<i128, String> {
    ostep::values::int(text)
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
        Command::Ostep(OstepCommand::Scheduler(args)) => ostep_scheduler(&args).map_err(|e| e.to_string()),
        Command::Ostep(OstepCommand::ProcessRun(args)) => ostep_process_run(&args).map_err(|e| e.to_string()),
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

fn print_json(value: &impl Serialize) {
    println!("{}", serde_json::to_string_pretty(value).expect("json"));
}

fn ostep_scheduler(args: &SchedulerArgs) -> Result<ExitCode, OstepError> {
    let o = ostep::scheduler::SchedulerOptions {
        seed: args.seed,
        jobs: args.jobs,
        jlist: args.jlist.clone(),
        maxlen: args.maxlen,
        policy: args.policy,
        quantum: args.quantum,
        solve: args.solve,
    };
    let w = ostep::scheduler::workload(&o)?;
    if args.output.scenario {
        print_json(&w.scenario());
    } else if args.output.json {
        print_json(&ostep::scheduler::report(&w, &w.solve()?));
    } else {
        let answers = if o.solve { Some(w.solve()?) } else { None };
        print!("{}", ostep::scheduler::render(&o, &w, answers.as_ref()));
    }
    Ok(ExitCode::SUCCESS)
}

fn ostep_process_run(args: &ProcessRunArgs) -> Result<ExitCode, OstepError> {
    let o = ostep::process_run::ProcessRunOptions {
        seed: args.seed,
        program: args.program.clone(),
        process_list: args.process_list.clone(),
        io_length: args.io_length,
        switch: args.switch,
        io_done: args.io_done,
        solve: args.solve,
        print_stats: args.print_stats,
    };
    let w = ostep::process_run::workload(&o)?;
    if args.output.scenario {
        print_json(&w.scenario());
    } else if args.output.json {
        print_json(&ostep::process_run::report(&w, &w.solve()?));
    } else {
        let answers = if o.solve { Some(w.solve()?) } else { None };
        print!("{}", ostep::process_run::render(&o, &w, answers.as_ref()));
    }
    Ok(ExitCode::SUCCESS)
}
