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
//!   --thread-create-ticks N  set machine.thread_create_ticks (the CPU ticks a `create` costs)
//!   --fork-ticks N, --spawn-ticks N, --cow-copy-ticks N  set machine.fork_ticks, spawn_ticks,
//!                      cow_copy_ticks (a `fork`, a `spawn`, a copy-on-write page copy)
//!   --schedule P       run on one CPU, choosing which thread runs each tick (OSTEP x86.py's -P,
//!                      e.g. 0011; the scripted policy)
//!   --show-schedule    add the schedule the run followed (one CPU) to the JSON
//!   --json             accepted, changes nothing: `run` always prints JSON
//! threadlab explore FILE|--preset NAME [--limit N] [--every] [--json]
//!                    every final state of the threads' interleavings, with a schedule for each
//! threadlab seeds FILE|--preset NAME --count N [--from S] [--cpus N] [--policy KEY] [--quantum N]
//!                 [--tie RULE] [--json]     the final values over N seeds, as a histogram
//! threadlab compare FILE|--preset NAME (--policies LIST | --variant SPEC …) [--metric M …] [--json]
//! threadlab sweep FILE|--preset NAME --param KEY (--values LIST | --range A..B[:S])
//!                 [--series SPEC …] [--metric M] [--json]
//!   (both also take --cpus, --policy, --quantum, --tie and --seed, for every run)
//! threadlab exercise --policy KEY [--quantum N] [--cpus N] --seed N [--jobs N] [--io]
//!                    [--answers] [--json]
//! threadlab ostep SIMULATOR [OSTEP's flags] [--json | --scenario]
//!   SIMULATOR: scheduler, process-run, mlfq, lottery, multi (or the script's name, mlfq.py)
//! ```
//!
//! The flags are the page's settings: both apply [`ScenarioEdit`]s, in the order above.
//!
//! The JSON has `scenario` (its name), `settings` (machine, scheduler, seed and limits actually
//! used, after the flags), `outcome`, `message`, `metrics` and, with `--trace`, `trace`.
//!
//! `ostep` prints what the OSTEP simulator prints for the same flags (`-c`: the answers), or with
//! `--json` the jobs and answers as JSON; `--scenario` prints the model scenario instead, for
//! `threadlab run` or the page. The flags are read by `threadlab::ostep::run_args` as Python's
//! optparse reads them; `-h` lists them.
//!
//! `compare` prints a table (a row per variant, `*` on each column's best) or, with `--json`,
//! [`threadlab::compare::CompareTable`]; `sweep` a row per value and a column per series, or
//! [`threadlab::compare::SweepChart`]; `exercise` the problem (and with `--answers` the answers),
//! or with `--json` the exercise (and answers). See `threadlab::compare::syntax` for the forms of
//! `--variant`, `--series` and `--values`.
//!
//! `run --schedule` and `--show-schedule` add `schedule` to the JSON: `followed` (which thread ran
//! each tick, in the `-P` form; `--schedule` it to replay the run), the requested entries
//! `skipped` (a thread that could not run at its turn) and `notes` saying so in words.
//! `explore` prints a table of the final states ([`threadlab::model::explore`]) or, with `--json`,
//! the exploration; `seeds` a histogram of each variable's final values
//! ([`threadlab::model::seeds`]) or, with `--json`, the report.
//!
//! Exit codes: 0 the run completed; 1 bad usage or unreadable/invalid scenario (the located
//! error, naming the flag, goes to stderr), or a program too big to explore within `--limit`;
//! 3 the run (for `compare`, `sweep` and `seeds`: one of the runs) ended in a deadlock, runtime
//! error or exhausted budget (the output is still printed). A reader that closes the output early
//! (`threadlab presets | head`) ends the program quietly, status 0.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use threadlab::compare::{self, Comparison, Metric, Part, PlanError, Sweep, Variant};
use threadlab::exercise::{self, Exercise, ExerciseSpec};
use threadlab::model::explore::{self, ExploreError, Reduction};
use threadlab::model::scenario::{MAX_CPUS, Policy, ScenarioEdit, SchedulerSpec, Setting, TieRule};
use threadlab::model::schedule::{self, Followed, Schedule};
use threadlab::model::seeds::{self, SeedsError};
use threadlab::model::{self, Outcome, Recording, Scenario, System};
use threadlab::ostep;
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
    /// Run one workload under several settings and print a table of metrics.
    Compare(CompareArgs),
    /// Run one workload over the values of one setting and print a metric against it.
    Sweep(SweepArgs),
    /// Print a seeded scheduling exercise to solve by hand (and, with --answers, its answers).
    Exercise(ExerciseArgs),
    /// Run an OSTEP homework simulator with its own flags (`threadlab ostep mlfq -h`).
    Ostep(OstepArgs),
    /// Every final state the threads' interleavings on one CPU can reach, with a schedule for each.
    Explore(ExploreArgs),
    /// Run a scenario under many seeds and print how often each final value came out.
    Seeds(SeedsArgs),
}

#[derive(Args)]
struct ExploreArgs {
    #[command(flatten)]
    source: Source,
    /// Most interleavings to count one by one, then (past them) states to store, before giving
    /// up.
    #[arg(long, value_name = "N", default_value_t = explore::DEFAULT_LIMIT, value_parser = at_least_one)]
    limit: usize,
    /// Count every interleaving, never falling back to each state once (small programs only).
    #[arg(long)]
    every: bool,
    /// Print the exploration as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct SeedsArgs {
    #[command(flatten)]
    source: Source,
    /// Number of runs, one per seed (1 to 100000).
    #[arg(long, value_name = "N")]
    count: u64,
    /// The first seed (default: the scenario's own).
    #[arg(long, value_name = "S")]
    from: Option<u64>,
    #[command(flatten)]
    common: Common,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("`{s}` is not a whole number of at least 1")),
    }
}

fn schedule_text(s: &str) -> Result<Schedule, String> {
    Schedule::parse(s)
}

/// An OSTEP simulator and its flags, passed as they are to `threadlab::ostep::run_args`.
#[derive(Args)]
#[command(disable_help_flag = true)]
struct OstepArgs {
    /// The simulator (scheduler, process-run, mlfq, lottery, multi) and OSTEP's flags.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0..)]
    words: Vec<String>,
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
    #[arg(long, value_name = "N", value_parser = cpu_count)]
    cpus: Option<u32>,
    /// Scheduling policy.
    #[arg(long, value_name = "KEY", value_parser = policy_parser())]
    policy: Option<Policy>,
    /// Time slice in µs, for a policy that has one.
    #[arg(long, value_name = "N")]
    quantum: Option<u64>,
    /// Who queues first at a tie: arrivals_first or preempted_first.
    #[arg(long, value_name = "RULE", value_parser = tie_rule)]
    tie: Option<TieRule>,
    /// Seed of the random draws (`compute A..B`, `io A..B`).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// CPU time (µs) a `create` costs its thread (machine.thread_create_ticks; default 14).
    #[arg(long, value_name = "N")]
    thread_create_ticks: Option<u64>,
    /// CPU time (µs) a `fork` costs its thread (machine.fork_ticks; default 156).
    #[arg(long, value_name = "N")]
    fork_ticks: Option<u64>,
    /// CPU time (µs) a `spawn` costs its thread (machine.spawn_ticks; default 1279).
    #[arg(long, value_name = "N")]
    spawn_ticks: Option<u64>,
    /// CPU time (µs) copying a copy-on-write page adds to a write (machine.cow_copy_ticks; default 3).
    #[arg(long, value_name = "N")]
    cow_copy_ticks: Option<u64>,
    /// Run on one CPU, choosing which thread runs each µs: one thread number per µs, as OSTEP x86.py's -P (0011), or numbers with commas (0,1,10).
    #[arg(long, value_name = "P", value_parser = schedule_text, conflicts_with_all = ["cpus", "policy", "quantum", "tie"])]
    schedule: Option<Schedule>,
    /// Add the schedule the run followed (which thread ran each µs; one CPU) to the JSON.
    #[arg(long)]
    show_schedule: bool,
    /// Accepted for symmetry with the other subcommands: `run` always prints JSON.
    #[arg(long = "json")]
    _json: bool,
}

/// The scenario to read: a file or a preset.
#[derive(Args)]
struct Source {
    /// Scenario file (JSON, any format version).
    #[arg(required_unless_present = "preset", conflicts_with = "preset")]
    file: Option<PathBuf>,
    /// Use a shipped preset instead of a file (see `threadlab presets`).
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,
}

/// Settings for every run of a comparison or sweep (where the run's policy has them and its
/// variant does not set them itself).
#[derive(Args)]
struct Common {
    /// Number of CPUs (1 to 64), for every run.
    #[arg(long, value_name = "N", value_parser = cpu_count)]
    cpus: Option<u32>,
    /// Scheduling policy, for every run whose variant sets none.
    #[arg(long, value_name = "KEY", value_parser = policy_parser())]
    policy: Option<Policy>,
    /// Time slice in µs, for every run whose policy has one.
    #[arg(long, value_name = "N")]
    quantum: Option<u64>,
    /// Who queues first at a tie (arrivals_first or preempted_first), where the policy has a tie rule.
    #[arg(long, value_name = "RULE", value_parser = tie_rule)]
    tie: Option<TieRule>,
    /// Seed of the random draws, for every run.
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
}

impl Common {
    /// The flags as edits, each with its flag for messages.
    fn edits(&self) -> Vec<(&'static str, ScenarioEdit)> {
        let mut out = Vec::new();
        if let Some(n) = self.cpus {
            out.push(("--cpus", ScenarioEdit::Cpus(n)));
        }
        if let Some(p) = self.policy {
            out.push(("--policy", ScenarioEdit::Policy(p)));
        }
        if let Some(q) = self.quantum {
            out.push(("--quantum", ScenarioEdit::Quantum(q)));
        }
        if let Some(t) = self.tie {
            out.push(("--tie", ScenarioEdit::Tie(t)));
        }
        if let Some(s) = self.seed {
            out.push(("--seed", ScenarioEdit::Seed(s)));
        }
        out
    }
}

#[derive(Args)]
struct CompareArgs {
    #[command(flatten)]
    source: Source,
    /// One variant per policy, named by its key: fcfs,sjf,rr (or all).
    #[arg(long, value_name = "LIST", value_parser = compare::syntax::policies, conflicts_with = "policy")]
    policies: Option<::std::vec::Vec<Policy>>,
    /// A variant: NAME:key=value,… (e.g. "rr4:policy=rr,quantum=4"); keys: cpus, policy, quantum, tie, seed, thread_switch_ticks, process_switch_ticks, thread_create_ticks, fork_ticks, spawn_ticks, cow_copy_ticks. Repeat for more.
    #[arg(long, value_name = "SPEC", value_parser = compare::syntax::variant)]
    variant: Vec<Variant>,
    /// Metrics to show (repeat, or comma-separated); default avg_turnaround, avg_waiting, avg_response, makespan, context_switches.
    #[arg(long, value_name = "M", value_delimiter = ',', value_parser = metric_key)]
    metric: Vec<Metric>,
    #[command(flatten)]
    common: Common,
    /// Print the table as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct SweepArgs {
    #[command(flatten)]
    source: Source,
    /// The setting to sweep: cpus, quantum, seed, thread_switch_ticks, process_switch_ticks, thread_create_ticks, fork_ticks, spawn_ticks, cow_copy_ticks, or params.NAME (one of the scenario's params, read as $NAME in its programs).
    #[arg(long, value_name = "KEY", value_parser = setting_key)]
    param: Setting,
    /// Its values: 1,2,4,8 or ranges 1..16 (inclusive) and 1..16:3 (every 3rd).
    #[arg(long, value_name = "LIST", value_parser = compare::syntax::values, required_unless_present = "range", conflicts_with = "range")]
    values: Option<::std::vec::Vec<u64>>,
    /// Its values as one range A..B (inclusive) or A..B:STEP.
    #[arg(long, alias = "param-range", value_name = "A..B[:STEP]", value_parser = compare::syntax::values)]
    range: Option<::std::vec::Vec<u64>>,
    /// Series: key=v1,v2 (one series per value, e.g. policy=fcfs,rr), or NAME:key=value,… (repeat for more).
    #[arg(long, value_name = "SPEC", value_parser = compare::syntax::series)]
    series: Vec<::std::vec::Vec<Variant>>,
    /// The metric to plot (default avg_turnaround).
    #[arg(long, value_name = "M", value_parser = metric_key, default_value = "avg_turnaround")]
    metric: Metric,
    /// With --metric speedup: the series whose makespan at each value is the reference (speedup = its makespan ÷ the series' makespan at the same value); default: each series' own first value.
    #[arg(long, value_name = "SERIES")]
    baseline: Option<String>,
    #[command(flatten)]
    common: Common,
    /// Print the chart's points as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct ExerciseArgs {
    /// Scheduling policy.
    #[arg(long, value_name = "KEY", value_parser = policy_parser())]
    policy: Policy,
    /// Time slice in µs, for a policy that has one (default 4 for one that needs it).
    #[arg(long, value_name = "N")]
    quantum: Option<u64>,
    /// Number of CPUs (1 to 64).
    #[arg(long, value_name = "N", default_value = "1", value_parser = cpu_count)]
    cpus: u32,
    /// Seed of the workload: the same seed gives the same jobs under any policy.
    #[arg(long, value_name = "N")]
    seed: u64,
    /// Number of jobs (1 to 26; default: drawn, 3 to 5).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Let jobs do I/O between two CPU bursts.
    #[arg(long)]
    io: bool,
    /// Print the answers too.
    #[arg(long)]
    answers: bool,
    /// Print JSON: the exercise, its rules and (with --answers) the answers.
    #[arg(long)]
    json: bool,
}

fn metric_key(s: &str) -> Result<Metric, String> {
    s.parse()
}

fn setting_key(s: &str) -> Result<Setting, String> {
    let setting = Setting::from_key(s)?;
    if !setting.is_numeric() {
        return Err(format!("`{s}` is not a number and cannot be swept; compare its values with `threadlab compare`"));
    }
    Ok(setting)
}

/// A policy by its key; `--help` and a wrong key list the keys (clap's possible values).
fn policy_parser() -> impl clap::builder::TypedValueParser<Value = Policy> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Policy::ALL.iter().map(|p| p.key()))
        .map(|key| Policy::from_key(&key).expect("a possible value is a policy's key"))
}

/// A CPU count: a whole number (the scenario's check says if it is out of range, in the same
/// words as for a file).
fn cpu_count(s: &str) -> Result<u32, String> {
    s.trim().parse().map_err(|_| format!("`{s}` is not a whole number of CPUs (1 to {MAX_CPUS})"))
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
    schedule: Option<ScheduleOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<&'a model::trace::Trace>,
}

/// The schedule a run followed, and how it departed from the one asked for.
#[derive(Serialize)]
struct ScheduleOut {
    followed: Schedule,
    #[serde(skip_serializing_if = "Option::is_none")]
    requested: Option<Schedule>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    skipped: Vec<schedule::Skip>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help, --version
            emit(&e.to_string());
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
        Command::Compare(args) => compare_cmd(&args),
        Command::Sweep(args) => sweep_cmd(&args),
        Command::Exercise(args) => exercise_cmd(&args),
        Command::Ostep(args) => ostep(&args.words),
        Command::Explore(args) => explore_cmd(&args),
        Command::Seeds(args) => seeds_cmd(&args),
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
    print_json(&list);
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
    if let Some(n) = args.thread_create_ticks {
        out.push(("--thread-create-ticks", ScenarioEdit::ThreadCreateTicks(n)));
    }
    if let Some(n) = args.fork_ticks {
        out.push(("--fork-ticks", ScenarioEdit::ForkTicks(n)));
    }
    if let Some(n) = args.spawn_ticks {
        out.push(("--spawn-ticks", ScenarioEdit::SpawnTicks(n)));
    }
    if let Some(n) = args.cow_copy_ticks {
        out.push(("--cow-copy-ticks", ScenarioEdit::CowCopyTicks(n)));
    }
    out
}

/// Reads the scenario named by a file or a preset: its label for messages and the scenario.
fn load(preset: &Option<String>, file: &Option<PathBuf>) -> Result<(String, Scenario), String> {
    load_text(preset, file).map(|(label, _, scenario)| (label, scenario))
}

/// As [`load`], with the file's text too (to locate later errors in it).
fn load_text(preset: &Option<String>, file: &Option<PathBuf>) -> Result<(String, String, Scenario), String> {
    let (label, text) = match (preset, file) {
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
    let scenario = Scenario::from_json(&text).map_err(|e| format!("{label}: {e}"))?;
    Ok((label, text, scenario))
}

fn run(args: &RunArgs) -> Result<ExitCode, String> {
    let (label, text, mut scenario) = load_text(&args.preset, &args.file)?;
    for (flag, edit) in edits(args) {
        edit.apply(&mut scenario).map_err(|e| format!("{flag}: {}", e.message))?;
    }
    if let Some(p) = &args.schedule {
        scenario = schedule::on_one_cpu(&scenario, p.clone());
    } else if args.show_schedule && scenario.machine.cpus != 1 {
        return Err(format!(
            "--show-schedule: a schedule says which thread runs on one CPU, and this scenario has {} CPUs (add --cpus 1)",
            scenario.machine.cpus
        ));
    }
    let wants_schedule = args.schedule.is_some() || args.show_schedule;
    let recording = if args.trace || wants_schedule { Recording::Full } else { Recording::MetricsOnly };
    let (sys, result) = model::run_with(&scenario, recording).map_err(|e| match &args.schedule {
        Some(_) if e.path == "scheduler.schedule" => format!("--schedule: {}", e.message),
        _ => format!("{label}: {}", e.locate_in(&text)),
    })?;
    let schedule = if wants_schedule {
        let followed = match &args.schedule {
            Some(p) => Followed::against(&result, &sys, p),
            None => Followed::of(&result),
        }
        .map_err(|e| format!("--show-schedule: {e}"))?;
        Some(ScheduleOut {
            notes: followed.notes(&|t| sys.thread_label(t)),
            followed: followed.schedule,
            requested: args.schedule.clone(),
            skipped: followed.skipped,
        })
    } else {
        None
    };
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
        schedule,
        trace: if args.trace { result.trace.as_ref() } else { None },
    };
    print_json(&out);
    Ok(if result.outcome.is_completed() { ExitCode::SUCCESS } else { ExitCode::from(3) })
}

/// Writes `text` to standard output. A reader that has gone away (`threadlab presets | head`)
/// ends the program quietly with status 0, as Unix filters do on a closed pipe (Rust ignores
/// SIGPIPE, so the write returns `BrokenPipe` where C tools would be killed); any other write
/// error is reported on stderr with status 1.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("threadlab: cannot write the output: {e}");
            std::process::exit(1)
        }
    }
}

fn print_json(value: &impl Serialize) {
    emit(&(serde_json::to_string_pretty(value).expect("json") + "\n"));
}

/// Runs an OSTEP simulator and prints what was asked: its text, `--json` or `--scenario`. `-h`
/// prints the help and succeeds.
fn ostep(words: &[String]) -> Result<ExitCode, String> {
    let mut words = words.to_vec();
    // x86.py's -p names a file: the run takes its text.
    if let Some(path) = ostep::program_file(&words) {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("-p: cannot read {path}: {e}"))?;
        words.extend(["--program-text".to_string(), text]);
    }
    match ostep::run_args(&words) {
        Ok(run) => {
            emit(&run.printed());
            Ok(ExitCode::SUCCESS)
        }
        Err(e) if e.is_help() => {
            emit(&e.message);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => Err(e.to_string()),
    }
}

/// A plan error with the flag that caused it: `variant_flag` for variants or series, the
/// common edits' flags by index, `values_flag` for a sweep's values (empty for a comparison).
fn flag_error(
    e: &PlanError,
    label: &str,
    common: &[(&str, ScenarioEdit)],
    variant_flag: &str,
    values_flag: &str,
) -> String {
    let name = if e.name.is_empty() { String::new() } else { format!(" `{}`", e.name) };
    let flag = match e.part {
        Part::Base => return format!("{label}: {}", e.error),
        Part::Common { index } => return format!("{}: {}", common[index].0, e.error),
        Part::Variant { .. } => variant_flag,
        Part::Value { .. } if e.name.is_empty() => "--param",
        Part::Value { .. } => values_flag,
        Part::Metric { .. } => return format!("--metric: {}", e.error),
        Part::Size if values_flag.is_empty() => variant_flag,
        Part::Size => values_flag,
        Part::Baseline => return format!("--baseline{name}: {}", e.error),
    };
    format!("{flag}{name}: {}", e.error)
}

fn compare_cmd(args: &CompareArgs) -> Result<ExitCode, String> {
    let (label, base) = load(&args.source.preset, &args.source.file)?;
    let mut variants = args.policies.as_deref().map(Variant::for_policies).unwrap_or_default();
    variants.extend(args.variant.iter().cloned());
    if variants.is_empty() {
        return Err(
            "give the variants to compare: --policies fcfs,sjf,rr, or --variant NAME:key=value,… (repeat it)".into()
        );
    }
    let common = args.common.edits();
    let metrics = if args.metric.is_empty() { compare::metric::DEFAULT.to_vec() } else { args.metric.clone() };
    let flag = if args.variant.is_empty() { "--policies" } else { "--variant" };
    let c = Comparison { base, common: common.iter().map(|c| c.1).collect(), variants, metrics };
    let table = c.run().map_err(|e| flag_error(&e, &label, &common, flag, ""))?;
    if args.json {
        print_json(&table);
    } else {
        emit(&compare::text::table(&table));
    }
    let all_done = table.rows.iter().all(|r| r.outcome == "completed");
    Ok(if all_done { ExitCode::SUCCESS } else { ExitCode::from(3) })
}

fn sweep_cmd(args: &SweepArgs) -> Result<ExitCode, String> {
    let (label, base) = load(&args.source.preset, &args.source.file)?;
    let (values, values_flag) = match (&args.values, &args.range) {
        (Some(v), _) => (v.clone(), "--values"),
        (None, Some(r)) => (r.clone(), "--range"),
        (None, None) => unreachable!("clap requires --values or --range"),
    };
    let common = args.common.edits();
    let s = Sweep {
        base,
        common: common.iter().map(|c| c.1).collect(),
        param: args.param,
        values,
        series: args.series.iter().flatten().cloned().collect(),
        metric: args.metric.clone(),
        baseline: args.baseline.clone(),
    };
    let chart = s.run().map_err(|e| flag_error(&e, &label, &common, "--series", values_flag))?;
    if args.json {
        print_json(&chart);
    } else {
        emit(&compare::text::chart(&chart));
    }
    let all_done = chart.series.iter().flat_map(|s| &s.points).all(|p| p.outcome == "completed");
    Ok(if all_done { ExitCode::SUCCESS } else { ExitCode::from(3) })
}

fn exercise_cmd(args: &ExerciseArgs) -> Result<ExitCode, String> {
    let mut scheduler = SchedulerSpec::of(args.policy, args.quantum);
    if let Some(q) = args.quantum {
        scheduler.set_quantum(q).map_err(|e| format!("--quantum: {}", e.message))?;
    }
    let spec = ExerciseSpec { seed: args.seed, jobs: args.jobs, io: args.io, cpus: args.cpus, scheduler };
    let x = Exercise::generate(spec).map_err(|e| format!("--{e}"))?;
    let answers = if args.answers { Some(x.solve().map_err(|e| format!("--{e}"))?) } else { None };
    if args.json {
        #[derive(Serialize)]
        struct Out<'a> {
            exercise: &'a Exercise,
            rules: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            answers: Option<&'a exercise::Answers>,
        }
        let rules = exercise::text::rules(&x.spec.scheduler, x.spec.cpus);
        print_json(&Out { exercise: &x, rules, answers: answers.as_ref() });
    } else if let Some(a) = &answers {
        emit(&exercise::text::answers(&x, a));
    } else {
        emit(&exercise::text::problem(&x));
    }
    Ok(ExitCode::SUCCESS)
}

fn explore_cmd(args: &ExploreArgs) -> Result<ExitCode, String> {
    let (label, text, scenario) = load_text(&args.source.preset, &args.source.file)?;
    let sys = System::load(&scenario).map_err(|e| format!("{label}: {}", e.locate_in(&text)))?;
    // The Races panel's search (every interleaving counted, else each state once), or with
    // --every only the first.
    let x = match args.every {
        true => explore::explore_system(&sys, args.limit, Reduction::None),
        false => explore::explore_counted(&sys, args.limit, &mut |_, _| {}),
    };
    let x = x.map_err(|e| match e {
        ExploreError::Limit { message, .. } => format!("--limit: {message}"),
        other => format!("{label}: {other}"),
    })?;
    if args.json {
        #[derive(Serialize)]
        struct Out<'a> {
            scenario: &'a str,
            /// What each final state's `count` counts: `interleavings` or `end states`.
            counted: &'a str,
            #[serde(flatten)]
            exploration: &'a explore::Exploration,
        }
        print_json(&Out { scenario: &scenario.name, counted: explore::text::counted(&x), exploration: &x });
    } else {
        emit(&explore::text::finals(&x));
    }
    Ok(ExitCode::SUCCESS)
}

fn seeds_cmd(args: &SeedsArgs) -> Result<ExitCode, String> {
    let (label, text, mut scenario) = load_text(&args.source.preset, &args.source.file)?;
    if args.common.seed.is_some() {
        return Err("--seed: `seeds` runs many seeds: give the first with --from and how many with --count".into());
    }
    for (flag, edit) in args.common.edits() {
        edit.apply(&mut scenario).map_err(|e| format!("{flag}: {}", e.message))?;
    }
    let from = args.from.unwrap_or(scenario.seed);
    let report = seeds::run_seeds(&scenario, from, args.count).map_err(|e| match e {
        SeedsError::Invalid(e) => format!("{label}: {}", e.locate_in(&text)),
        SeedsError::Count(m) if (1..=seeds::MAX_SEEDS).contains(&args.count) => format!("--from: {m}"),
        SeedsError::Count(m) => format!("--count: {m}"),
    })?;
    if args.json {
        print_json(&report);
    } else {
        emit(&seeds::text(&report));
    }
    let all_done = report.outcomes.iter().all(|c| c.value == "completed");
    Ok(if all_done { ExitCode::SUCCESS } else { ExitCode::from(3) })
}
