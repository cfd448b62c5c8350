//! Fuzzing the OSTEP flag parsers: random bytes and random token sequences give a result or a
//! clear error that names a flag; never a panic or a hang. Native only (proptest).
#![cfg(not(target_arch = "wasm32"))]

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use threadlab::ostep::process_run::{self, ProcessRunOptions};
use threadlab::ostep::scheduler::{self, SchedulerOptions, SchedulerPolicy};
use threadlab::ostep::values;

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
        "--json",
        "--scenario",
        "--seed",
        "--jl",
        "--policy=",
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

/// The CLI's contract: exit 0 (a run, or --help) or 1 with a message that is clap's located
/// error or ours, which starts with the flag.
fn check(code: i32, err: &str, args: &[OsString]) {
    assert!(code == 0 || code == 1, "exit {code} for {args:?}: {err}");
    if code == 1 {
        let ours = err.starts_with("threadlab: -");
        let claps = err.starts_with("error: ");
        assert!(ours || claps, "unlocated error for {args:?}: {err}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn cli_token_sequences(sim in prop::sample::select(vec!["scheduler", "process-run"]), toks in tokens()) {
        let mut args: Vec<OsString> = vec!["ostep".into(), sim.into()];
        args.extend(toks.into_iter().map(OsString::from));
        let (code, err) = threadlab(&args);
        check(code, &err, &args);
    }

    #[test]
    fn cli_random_bytes(sim in prop::sample::select(vec!["scheduler", "process-run"]),
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
        let o = ProcessRunOptions { program: a, process_list: b, io_length: l, ..Default::default() };
        match process_run::workload(&o) {
            Ok(w) => {
                if w.processes.iter().map(Vec::len).sum::<usize>() < 1_000 {
                    w.solve().unwrap();
                }
            }
            Err(e) => prop_assert!(["-P", "-l", "-L"].contains(&e.flag.as_str()), "{e}"),
        }
    }
}
