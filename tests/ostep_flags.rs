//! Fuzzing the OSTEP flag parsers of all five simulators: random bytes and random token
//! sequences give a result or a clear error that names a flag (or the stray word); never a
//! panic or a hang. The CLI and the library entry point (`ostep::run_command`, the page's) read
//! the same flags the same way. Native only (proptest).
#![cfg(not(target_arch = "wasm32"))]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use threadlab::ostep::lottery::{self, LotteryOptions};
use threadlab::ostep::mlfq::{self, MlfqOptions};
use threadlab::ostep::multi::{self, MultiOptions};
use threadlab::ostep::process_run::{self, ProcessRunOptions};
use threadlab::ostep::scheduler::{self, SchedulerOptions, SchedulerPolicy};
use threadlab::ostep::{self as ostep_lib, values};

/// The simulators, as `threadlab ostep` names them.
const SIMULATORS: [&str; 5] = ["scheduler", "process-run", "mlfq", "lottery", "multi"];

/// Longest a CLI run may take here before it counts as a hang (the machine is shared).
const HANG: Duration = Duration::from_secs(60);

/// Runs the CLI; returns (exit code, stderr). Fails the test on a hang or a signal.
fn threadlab(args: &[OsString]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_threadlab"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waits") {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            let code = status.code().unwrap_or_else(|| panic!("killed by a signal: {args:?}"));
            return (code, err);
        }
        if start.elapsed() > HANG {
            let _ = child.kill();
            panic!("no answer after {HANG:?}: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// A value a flag might be given: numbers in several bases and sizes, lists, junk.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        (-3i64..25).prop_map(|n| n.to_string()),
        Just("0x1F".to_string()),
        Just("010".to_string()),
        Just("99999999999999999999999999999999999999999".to_string()),
        (0u32..10, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        prop::collection::vec(0u32..12, 1..5).prop_map(|v| v.iter().map(u32::to_string).collect::<Vec<_>>().join(",")),
        prop::collection::vec((0u32..6, 0u32..120), 1..4).prop_map(|v| v
            .iter()
            .map(|(x, y)| format!("{x}:{y}"))
            .collect::<Vec<_>>()
            .join(",")),
        prop::collection::vec(prop::sample::select(vec!["c1", "c3", "i", "c0", "x", "", "i2", "c"]), 1..5)
            .prop_map(|v| v.join(",")),
        // mlfq's jobs start,run,ioFreq:…
        prop::collection::vec((0u32..20, 0u32..30, -1i32..8), 1..4).prop_map(|v| v
            .iter()
            .map(|(a, b, c)| format!("{a},{b},{c}"))
            .collect::<Vec<_>>()
            .join(":")),
        // multi's jobs name:run:wset,… and affinity name:cpu.cpu,…
        prop::collection::vec((prop::sample::select(vec!["a", "b", "c"]), 0u32..60, 0u32..150), 1..4).prop_map(|v| v
            .iter()
            .map(|(n, r, w)| format!("{n}:{r}:{w}"))
            .collect::<Vec<_>>()
            .join(",")),
        prop::collection::vec((prop::sample::select(vec!["a", "b", "z"]), 0u32..4, 0u32..4), 1..3).prop_map(|v| v
            .iter()
            .map(|(n, x, y)| format!("{n}:{x}.{y}"))
            .collect::<Vec<_>>()
            .join(",")),
        prop::sample::select(vec!["RR", "FIFO", "sjf", "SWITCH_ON_END", "IO_RUN_IMMEDIATE", ":", ",", "-", "--"])
            .prop_map(String::from),
        "[ -~]{0,12}",
    ]
}

fn flag() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "-s",
        "-j",
        "-l",
        "-m",
        "-p",
        "-q",
        "-c",
        "-P",
        "-L",
        "-S",
        "-I",
        "-n",
        "-a",
        "-Q",
        "-A",
        "-M",
        "-B",
        "-i",
        "-T",
        "-R",
        "-W",
        "-w",
        "-r",
        "-t",
        "-C",
        "-o",
        "--json",
        "--scenario",
        "--seed",
        "--jl",
        "--policy=",
        "--quantumL",
        "--per",
        "-x",
        "--",
        "-h",
    ])
    .prop_map(String::from)
}

/// A token sequence: flags, values, and flags glued to values (`-l3,5`).
fn tokens() -> impl Strategy<Value = Vec<String>> {
    let token = prop_oneof![flag(), value(), (flag(), value()).prop_map(|(f, v)| format!("{f}{v}"))];
    prop::collection::vec(token, 0..8)
}

/// The CLI's contract: exit 0 (a run, or -h) or 1 with a message that starts with the flag
/// (`threadlab: -q: …`, `threadlab: -p with -A: …`) or the quoted stray word, or is clap's
/// (arguments that are not UTF-8).
fn check(code: i32, err: &str, args: &[OsString]) {
    assert!(code == 0 || code == 1, "exit {code} for {args:?}: {err}");
    if code == 1 {
        let ours = err.starts_with("threadlab: -") || err.starts_with("threadlab: `");
        let claps = err.starts_with("error: ");
        assert!(ours || claps, "unlocated error for {args:?}: {err}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn cli_token_sequences(sim in prop::sample::select(SIMULATORS.to_vec()), toks in tokens()) {
        let mut args: Vec<OsString> = vec!["ostep".into(), sim.into()];
        args.extend(toks.into_iter().map(OsString::from));
        let (code, err) = threadlab(&args);
        check(code, &err, &args);
    }

    #[test]
    fn cli_random_bytes(sim in prop::sample::select(SIMULATORS.to_vec()),
                        f in flag(), bytes in prop::collection::vec(1u8.., 0..16)) {
        // Any bytes but NUL, which no argument can hold.
        let args: Vec<OsString> = vec!["ostep".into(), sim.into(), f.into(), OsString::from_vec(bytes)];
        let (code, err) = threadlab(&args);
        check(code, &err, &args);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The value parsers take any text: a value or a message.
    #[test]
    fn value_parsers_never_panic(text in any::<String>()) {
        let _ = values::int(&text);
        let _ = values::decimal_int(&text);
        let _ = values::Decimal::parse(&text);
        let _ = scheduler::policy_flag(&text);
        let _ = process_run::switch_flag(&text);
        let _ = process_run::io_done_flag(&text);
        let _ = ostep_lib::run_command(&text);
    }

    /// The page's entry point reads a command line as the CLI reads its words: the same text
    /// for the same flags, or an error naming the same flag.
    #[test]
    fn run_command_agrees_with_run_args(sim in prop::sample::select(SIMULATORS.to_vec()), toks in tokens()) {
        let mut words = vec![sim.to_string()];
        words.extend(toks.iter().filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_graphic())).cloned());
        let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.replace('\'', "'\\''"))).collect();
        let line = format!("python3 ./{}.py {}", sim, quoted[1..].join(" "));
        let by_words = ostep_lib::run_args(&words);
        let by_line = ostep_lib::run_command(&line);
        match (by_words, by_line) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a.text, b.text),
            (Err(a), Err(b)) => prop_assert_eq!(a.flag, b.flag),
            (a, b) => prop_assert!(false, "{words:?} / {line}: {a:?} vs {b:?}"),
        }
    }

    /// Any job list or program text builds a workload or an error naming its flag, and a small
    /// workload solves.
    #[test]
    fn workloads_build_or_name_the_flag(a in value(), b in value(), q in -2i64..4, l in -1i64..4) {
        let o = SchedulerOptions { jlist: a.clone(), quantum: q, policy: SchedulerPolicy::Rr, ..Default::default() };
        match scheduler::workload(&o) {
            Ok(w) => {
                let total: u64 = w.jobs.iter().map(|j| j.length).sum();
                if total < 100_000 {
                    w.solve().unwrap();
                }
            }
            Err(e) => prop_assert!(e.flag == "-l" || e.flag == "-q", "{e}"),
        }
        let o = ProcessRunOptions { program: a.clone(), process_list: b.clone(), io_length: l, ..Default::default() };
        match process_run::workload(&o) {
            Ok(w) => {
                if w.processes.iter().map(Vec::len).sum::<usize>() < 1_000 {
                    w.solve().unwrap();
                }
            }
            Err(e) => prop_assert!(["-P", "-l", "-L"].contains(&e.flag.as_str()), "{e}"),
        }
        let o = MlfqOptions { jlist: a.clone(), quantum_list: b.clone(), io_time: l, boost: q * 7, ..Default::default() };
        match mlfq::workload(&o) {
            Ok(w) => {
                if w.jobs.iter().map(|j| j.run).sum::<u64>() < 2_000 {
                    w.solve().unwrap();
                }
            }
            Err(e) => prop_assert!(["-l", "-Q", "-i", "-B"].contains(&e.flag.as_str()), "{e}"),
        }
        let o = LotteryOptions { jlist: a.clone(), quantum: q, ..Default::default() };
        match lottery::workload(&o) {
            Ok(w) => {
                if w.jobs.iter().map(|j| j.run).sum::<u64>() < 2_000 {
                    w.solve().unwrap();
                }
            }
            Err(e) => prop_assert!(["-l", "-q"].contains(&e.flag.as_str()), "{e}"),
        }
        let o = MultiOptions { job_list: a, affinity: b, quantum: q, warmup: l, per_cpu: q == 3, ..Default::default() };
        match multi::workload(&o) {
            Ok(w) => {
                if w.jobs.iter().map(|j| j.work()).sum::<u64>() < 2_000 {
                    w.solve().unwrap();
                }
            }
            Err(e) => prop_assert!(["-L", "-A", "-q", "-w", "-p with -A"].contains(&e.flag.as_str()), "{e}"),
        }
    }
}
