//! OSTEP's `threads-intro/x86.py` and `threads-locks/x86.py` (OSTEP ch. 26 and 28 homework):
//! threads running a tiny x86 assembly on one CPU, switched every `-i` instructions.
//!
//! The program (`-p prog.s`) is translated into model instructions
//! ([`crate::model::x86::asm`]): each thread's program is a `.x86` header (its version, its
//! stack pointer and its `-a` registers) followed by the assembly, which the model's own parser
//! reads. The switching rules are the policy [`crate::model::scheduler::x86`]. So the run is the
//! model's; this file reads its trace back into x86.py's table: one row per instruction (the
//! traced memory and registers after it, then the thread's column, the address and the
//! instruction) and the `Halt;Switch` and `Interrupt` rows.
//!
//! The version is chosen by the word naming the simulator (`threads-intro/x86.py` is the intro
//! version) or by `--version intro|locks`; plain `x86` is the locks version. The program's text
//! comes with `--program-text` (the CLI reads the `-p` file into it; the page passes its text
//! area); `-p` is then only the name printed.
//!
//! Not reproduced: `rdump`/`mdump`; `-S` (an instruction count and the host's emulation speed)
//! and `-v` (the loader's chatter) are refused with the reason ([`args::unsupported`]). A run
//! that does not halt within [`MAX_INSTRUCTIONS`] is an error (x86.py would run for ever). A
//! load from a cell x86.py never had (past `-m`) reads 0 here, where x86.py stops with a Python
//! error.

use std::fmt::Write as _;

use super::args::{self, Opt, Parsed};
use super::{OstepError, Ran};
use crate::model::program::{Flags, Reg};
use crate::model::scenario::{FORMAT, Limits, ProcessSpec, ProgramText, Scenario, SchedulerSpec, ThreadSpec};
use crate::model::schedule::Schedule;
use crate::model::scheduler::X86Spec;
use crate::model::trace::{Cause, ThreadState, What};
use crate::model::x86::asm::{self, Assembly, Dialect};
use crate::model::x86::{self as x86, REGISTERS, SP};

/// Most instructions a run may execute before it is stopped.
pub const MAX_INSTRUCTIONS: u64 = 100_000;

/// Most threads (`-t`).
pub const MAX_THREADS: usize = 100;

/// x86.py's flags, and Threadlab's `--version` and `--program-text`.
pub const OPTS: &[Opt] = &[
    args::value('s', "seed", "SEED", "the random seed (of -r's interrupts); default 0"),
    args::value('t', "threads", "NUMTHREADS", "number of threads; default 2"),
    args::value('p', "program", "PROGFILE", "source program (in .s)"),
    args::value('i', "interrupt", "INTFREQ", "interrupt frequency: instructions between switches; default 50"),
    args::value('P', "procsched", "PROCSCHED", "which thread runs after each instruction, e.g. 0011 (locks version)"),
    args::switch('r', "randints", "random interrupts: each countdown int(random() * INTFREQ) + 1"),
    args::value(
        'a',
        "argv",
        "ARGV",
        "per-thread registers: ax=1,ax=2 (one set per thread, or one for all); ax=1:bx=2 sets two",
    ),
    args::value('L', "loadaddr", "LOADADDR", "address where code is loaded; default 1000"),
    args::value(
        'm',
        "memsize",
        "MEMSIZE",
        "size of the address space in KB (the stacks start at MEMSIZE*1000); default 128",
    ),
    args::value('M', "memtrace", "MEMTRACE", "comma-separated addresses or variables to trace, e.g. 2000,count"),
    args::value('R', "regtrace", "REGTRACE", "comma-separated registers to trace, e.g. ax,bx"),
    args::switch('C', "cctrace", "trace the condition codes"),
    args::unsupported(
        'S',
        "printstats",
        "x86.py's -S prints its instruction count and speed; `threadlab run` of --scenario's output counts steps",
    ),
    args::unsupported('v', "verbose", "x86.py's -v prints its loader's steps; -c's trace shows each instruction run"),
    args::value(
        'H',
        "headercount",
        "HEADERCOUNT",
        "print the header again every this many instructions (locks version)",
    ),
    args::short_switch('c', "solve", "compute the answers"),
    Opt {
        short: None,
        long: Some("version"),
        key: "version",
        value: Some("VERSION"),
        help: "intro or locks (default locks; the word threads-intro/x86.py chooses intro)",
    },
    Opt {
        short: None,
        long: Some("program-text"),
        key: "program-text",
        value: Some("TEXT"),
        help: "the program itself (the CLI reads -p's file into it)",
    },
];

/// x86.py's options, with its defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct X86Options {
    /// Which x86.py.
    pub dialect: Dialect,
    /// `-s`.
    pub seed: i128,
    /// `-t`.
    pub threads: usize,
    /// `-p`: the program's name as given.
    pub program: String,
    /// The program's text.
    pub text: String,
    /// `-i`.
    pub interrupt: i64,
    /// `-r`.
    pub random: bool,
    /// `-P`.
    pub procsched: String,
    /// `-a`.
    pub argv: String,
    /// `-L`.
    pub load: i64,
    /// `-m`, in KB.
    pub memsize: i64,
    /// `-M`.
    pub memtrace: String,
    /// `-R`.
    pub regtrace: String,
    /// `-C`.
    pub cctrace: bool,
    /// `-H`.
    pub headercount: i64,
    /// `-c`.
    pub solve: bool,
}

/// The program read and each thread's start.
#[derive(Clone, Debug, PartialEq)]
pub struct X86Workload {
    /// The program.
    pub asm: Assembly,
    /// Each thread's stack pointer.
    pub sps: Vec<i64>,
    /// Each thread's `-a` registers.
    pub regs: Vec<Vec<(Reg, i64)>>,
    /// Traced cells: the name as given and the address.
    pub memtrace: Vec<(String, i64)>,
    /// Traced registers.
    pub regtrace: Vec<Reg>,
    /// `-P`'s entries.
    pub schedule: Vec<usize>,
}

fn dialect_of(word: &str, p: &Parsed) -> Result<Dialect, OstepError> {
    match p.value("version") {
        Some(v) => {
            Dialect::from_name(v).ok_or_else(|| OstepError::new("--version", format!("`{v}`: give intro or locks")))
        }
        None if word.contains("threads-intro") => Ok(Dialect::Intro),
        None => Ok(Dialect::Locks),
    }
}

/// x86.py's options from parsed flags (`word` names the simulator, which may choose the
/// version); errors name the flag.
pub fn options(word: &str, p: &Parsed) -> Result<X86Options, OstepError> {
    let dialect = dialect_of(word, p)?;
    let int = |long: &str, flag: &str, default: i64| super::int_opt(p, long, flag, default);
    let locks_only = |long: &str, flag: &str| -> Result<(), OstepError> {
        if dialect == Dialect::Intro && p.value(long).is_some() {
            return Err(OstepError::new(flag, "is the locks version's: the intro version of x86.py has no such flag"));
        }
        Ok(())
    };
    locks_only("procsched", "-P")?;
    locks_only("headercount", "-H")?;
    let threads = int("threads", "-t", 2)?;
    if !(1..=MAX_THREADS as i64).contains(&threads) {
        return Err(OstepError::new("-t", format!("give 1 to {MAX_THREADS} threads, got {threads}")));
    }
    let interrupt = int("interrupt", "-i", 50)?;
    if interrupt <= 0 {
        return Err(OstepError::new("-i", "the interrupt frequency must be greater than 0"));
    }
    let program = p.value("program").unwrap_or_default().to_string();
    let text = match p.value("program-text") {
        Some(t) => t.to_string(),
        None if program.is_empty() => return Err(OstepError::new("-p", "the program file must be given")),
        None => return Err(OstepError::new("-p", format!("no text for program `{program}` (give --program-text)"))),
    };
    let memsize = int("memsize", "-m", 128)?;
    if !(1..=1 << 20).contains(&memsize) {
        return Err(OstepError::new("-m", format!("give 1 to {} KB, got {memsize}", 1 << 20)));
    }
    Ok(X86Options {
        dialect,
        seed: super::seed_opt(p)?,
        threads: threads as usize,
        program,
        text,
        interrupt,
        random: p.switch("randints"),
        procsched: p.value("procsched").unwrap_or_default().to_string(),
        argv: p.value("argv").unwrap_or_default().to_string(),
        load: int("loadaddr", "-L", 1000)?,
        memsize,
        memtrace: p.value("memtrace").unwrap_or_default().to_string(),
        regtrace: p.value("regtrace").unwrap_or_default().to_string(),
        cctrace: p.switch("cctrace"),
        headercount: int("headercount", "-H", -1)?,
        solve: p.switch("solve"),
    })
}

/// Reads the program and the flags that depend on it. Errors: the program's, located
/// (`-p: prog.s line 3, column 5: …`), or a flag's.
pub fn workload(o: &X86Options) -> Result<X86Workload, OstepError> {
    if o.load < 0 {
        return Err(OstepError::new("-L", "the load address cannot be negative"));
    }
    let name = if o.program.is_empty() { "the program" } else { o.program.as_str() };
    let asm = asm::assemble(&o.text, o.dialect, o.load).map_err(|e| OstepError::new("-p", format!("{name} {e}")))?;
    if asm.is_empty() {
        return Err(OstepError::new("-p", format!("{name} has no instruction: end it with halt")));
    }
    // -a: one set for all, or one per thread; `:` between a thread's registers.
    let sets: Vec<&str> = o.argv.split(',').collect();
    if sets.len() != 1 && sets.len() != o.threads {
        return Err(OstepError::new(
            "-a",
            format!("give one set of registers per thread ({}) or one for all, got {}", o.threads, sets.len()),
        ));
    }
    let mut per_set = Vec::new();
    for set in &sets {
        let mut regs: Vec<(Reg, i64)> = Vec::new();
        for item in set.split(':').filter(|s| !s.is_empty()) {
            let Some((name, value)) = item.split_once('=') else {
                return Err(OstepError::new("-a", format!("`{item}`: write register=value, e.g. ax=1")));
            };
            let reg = o.dialect.register(name.trim()).ok_or_else(|| {
                OstepError::new(
                    "-a",
                    format!("`{name}` is not a register: this x86.py has {}", o.dialect.registers().join(" ")),
                )
            })?;
            let value = super::values::int_in(value.trim(), i64::MIN, i64::MAX)
                .map_err(|e| OstepError::new("-a", format!("`{item}`: {e}")))?;
            regs.retain(|&(r, _)| r != reg);
            regs.push((reg, value));
        }
        per_set.push(regs);
    }
    let stack = o.memsize * 1000;
    let sps: Vec<i64> = (0..o.threads).map(|t| stack - 1000 * t as i64).collect();
    let regs: Vec<Vec<(Reg, i64)>> = (0..o.threads)
        .map(|t| {
            let set = if per_set.len() == 1 { &per_set[0] } else { &per_set[t] };
            // x86.py sets sp after the -a values: an -a value for sp is overwritten.
            set.iter().copied().filter(|&(r, _)| r != SP).collect()
        })
        .collect();
    let mut memtrace = Vec::new();
    for m in o.memtrace.split(',').filter(|s| !s.is_empty()) {
        let m = m.trim();
        let addr = if m.as_bytes()[0].is_ascii_digit() {
            m.parse::<i64>().map_err(|_| OstepError::new("-M", format!("`{m}` is not an address")))?
        } else {
            asm.var(m).ok_or_else(|| OstepError::new("-M", format!("traced variable `{m}` is not declared")))?
        };
        memtrace.push((m.to_string(), addr));
    }
    let mut regtrace = Vec::new();
    for r in o.regtrace.split(',').filter(|s| !s.is_empty()) {
        let r = r.trim();
        regtrace.push(o.dialect.register(r).ok_or_else(|| {
            OstepError::new(
                "-R",
                format!("register `{r}` cannot be traced: this x86.py has {}", o.dialect.registers().join(" ")),
            )
        })?);
    }
    let mut schedule = Vec::new();
    for c in o.procsched.chars() {
        let t = c
            .to_digit(10)
            .ok_or_else(|| OstepError::new("-P", format!("`{c}`: give thread numbers, one digit each")))?
            as usize;
        if t >= o.threads {
            return Err(OstepError::new("-P", format!("cannot include a thread that does not exist ({t})")));
        }
        schedule.push(t);
    }
    if !schedule.is_empty() && (0..o.threads).any(|t| !schedule.contains(&t)) {
        return Err(OstepError::new("-P", "the schedule must include every thread"));
    }
    Ok(X86Workload { asm, sps, regs, memtrace, regtrace, schedule })
}

impl X86Workload {
    /// The model scenario: one process whose threads each run the program under a `.x86`
    /// header, the policy [`X86Spec`] on one CPU, no switch cost.
    pub fn scenario(&self, o: &X86Options) -> Scenario {
        // `-s` is the run's seed too, so Many seeds from the scenario's own starts with this run
        // (seed k re-seeds the countdowns as `-s k`: `X86Spec::reseed`).
        let s = o.seed.unsigned_abs().min(u128::from(u64::MAX)) as u64;
        let seed = o.random.then_some(s);
        Scenario {
            format: FORMAT,
            name: format!(
                "OSTEP x86.py ({}): {}",
                o.dialect.name(),
                if o.program.is_empty() { "program" } else { &o.program }
            ),
            description: format!(
                "OSTEP's threads-{}/x86.py: {} threads run the program on one CPU, one instruction per µs, switched every {} instructions{}.",
                o.dialect.name(),
                o.threads,
                o.interrupt,
                if o.random { " (random countdowns)" } else { "" }
            ),
            machine: Default::default(),
            scheduler: SchedulerSpec::from(X86Spec {
                interval: o.interrupt as u64,
                random_seed: seed,
                schedule: Schedule::new(self.schedule.clone()),
            }),
            seed: s,
            params: Default::default(),
            limits: Limits { max_steps: MAX_INSTRUCTIONS, max_time: MAX_INSTRUCTIONS + 1 },
            processes: vec![ProcessSpec {
                name: "x86".into(),
                threads: (0..o.threads)
                    .map(|t| ThreadSpec {
                        name: format!("Thread {t}"),
                        code: Some(ProgramText::Text({
                            // The assembled form rides along for the page ([`x86::assembled`]).
                            let header = x86::header(o.dialect, o.load, self.sps[t], &self.regs[t]);
                            let mut text = format!("{header}\n{}", o.text);
                            if !text.ends_with('\n') {
                                text.push('\n');
                            }
                            let line = self.asm.assembled_line(&text, self.sps[t], &self.regs[t]);
                            text + &line
                        })),
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }],
            channels: Default::default(),
            shared: Default::default(),
            mutex_protocol: Default::default(),
        }
    }

    fn initial(&self, t: usize) -> [i64; 8] {
        let mut r = [0; 8];
        r[SP as usize] = self.sps[t];
        for &(reg, v) in &self.regs[t] {
            r[reg as usize] = v;
        }
        r
    }
}

/// One row of x86.py's table.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Row {
    /// The traced cells' values, in `-M` order.
    pub memory: Vec<i64>,
    /// The traced registers' values, in `-R` order.
    pub registers: Vec<i64>,
    /// The condition codes `>= > <= < != ==`.
    pub conditions: [bool; 6],
    /// What the row shows.
    pub kind: RowKind,
}

/// What a row shows besides the values.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "row")]
pub enum RowKind {
    /// The values before anything runs.
    Start,
    /// A thread ran an instruction.
    Instruction {
        /// The thread.
        thread: usize,
        /// The instruction's address.
        address: i64,
        /// Its text.
        text: String,
    },
    /// A thread halted and the CPU went to the next.
    HaltSwitch,
    /// An interrupt or a `yield` switched threads.
    Interrupt,
}

/// The run read back: its rows and the final state.
#[derive(Clone, Debug, PartialEq)]
pub struct X86Answers {
    /// Every row, in order.
    pub rows: Vec<Row>,
    /// Instructions run.
    pub instructions: u64,
    /// Cells written, with their final values (address order).
    pub memory: Vec<(i64, i64)>,
    /// Each thread's registers at the end.
    pub registers: Vec<[i64; 8]>,
}

fn conditions(flags: Flags) -> [bool; 6] {
    match flags {
        Flags::Unset => [false; 6],
        Flags::Less => [false, false, true, true, true, false],
        Flags::Equal => [true, false, true, false, false, true],
        Flags::Greater => [true, true, false, false, true, false],
    }
}

impl X86Workload {
    /// Reads x86.py's rows from `ran`, the model's run of [`Self::scenario`]. Errors: the run
    /// did not complete (it did not halt within [`MAX_INSTRUCTIONS`], or faulted), or a thread
    /// ran past the program's last instruction (no `halt`).
    pub fn answers(&self, o: &X86Options, ran: Ran<'_>) -> Result<X86Answers, OstepError> {
        ran.completed("-p")?;
        let n = o.threads;
        let manual = !self.schedule.is_empty();
        let mut regs: Vec<[i64; 8]> = (0..n).map(|t| self.initial(t)).collect();
        let mut flags = vec![Flags::Unset; n];
        let mut cells = x86::Cells::default();
        let mut pc = vec![0usize; n];
        let mut yielded = vec![false; n];
        let first = self.schedule.first().copied().unwrap_or(0);
        let row = |regs: &[i64; 8], flags: Flags, cells: &x86::Cells, kind: RowKind| Row {
            memory: self.memtrace.iter().map(|&(_, a)| cells.get(a)).collect(),
            registers: self.regtrace.iter().map(|&r| regs[r as usize]).collect(),
            conditions: conditions(flags),
            kind,
        };
        let mut rows = vec![row(&regs[first], flags[first], &cells, RowKind::Start)];
        let mut instructions = 0u64;
        // A switch waiting for the next dispatch to say whose values its row shows.
        let mut pending: Option<RowKind> = None;
        let mut last: Option<usize> = None;
        // The thread on the CPU since its dispatch, until it halts or yields.
        let mut on_cpu: Option<usize> = None;
        let mut instruction_row = |tid: usize, at: usize, regs: &[i64; 8], flags: Flags, cells: &x86::Cells| {
            instructions += 1;
            row(
                regs,
                flags,
                cells,
                RowKind::Instruction {
                    thread: tid,
                    address: self.asm.load + at as i64,
                    text: self.asm.texts[at].clone(),
                },
            )
        };
        for e in &ran.trace.events {
            match e.what {
                What::X86 { tid, step, .. } => {
                    for (reg, value) in step.regs() {
                        regs[tid][reg as usize] = value;
                    }
                    if let Some((a, v)) = step.cell() {
                        cells.set(a, v);
                    }
                    if let Some(f) = step.flags() {
                        flags[tid] = f;
                    }
                }
                What::Reg { tid, reg, value } => regs[tid][reg as usize] = value,
                What::Flags { tid, flags: f } => flags[tid] = f,
                What::Pc { tid, pc: to } => {
                    let at = std::mem::replace(&mut pc[tid], to);
                    if std::mem::take(&mut yielded[tid]) {
                        continue; // a yield completing as it is woken
                    }
                    rows.push(instruction_row(tid, at, &regs[tid], flags[tid], &cells));
                }
                What::State { tid, state, cause } => match (state, cause) {
                    (ThreadState::Terminated, _) => {
                        // x86.py has no instruction after the program's last (it stops on a
                        // missing one): a thread that ran off the end is the program's fault.
                        if pc[tid] >= self.asm.texts.len() {
                            let message = format!(
                                "thread {tid} ran past the program's last instruction: end the program with halt"
                            );
                            return Err(OstepError::new("-p", message));
                        }
                        rows.push(instruction_row(tid, pc[tid], &regs[tid], flags[tid], &cells));
                        pending = Some(RowKind::HaltSwitch);
                        on_cpu = None;
                    }
                    (ThreadState::Blocked, _) => {
                        rows.push(instruction_row(tid, pc[tid], &regs[tid], flags[tid], &cells));
                        yielded[tid] = true;
                        pending = Some(RowKind::Interrupt);
                        on_cpu = None;
                    }
                    (ThreadState::Running, Cause::Dispatched { .. }) => {
                        // Still on the CPU: its countdown ran out (the kernel may record its
                        // return to the ready queue after this dispatch).
                        if on_cpu.is_some() {
                            pending = Some(RowKind::Interrupt);
                        }
                        if let Some(kind) = pending.take()
                            && !(manual && kind == RowKind::Interrupt && last == Some(tid))
                        {
                            rows.push(row(&regs[tid], flags[tid], &cells, kind));
                        }
                        last = Some(tid);
                        on_cpu = Some(tid);
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        Ok(X86Answers { rows, instructions, memory: cells.written().collect(), registers: regs })
    }
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// x86.py's output for `o`: the ARG lines, the header and the rows (values as `?` without
/// `-c`).
pub fn render(o: &X86Options, w: &X86Workload, a: &X86Answers) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "ARG seed {}\nARG numthreads {}\nARG program {}", o.seed, o.threads, o.program);
    let _ = writeln!(s, "ARG interrupt frequency {}\nARG interrupt randomness {}", o.interrupt, py_bool(o.random));
    if o.dialect == Dialect::Locks {
        let _ = writeln!(s, "ARG procsched {}", o.procsched);
    }
    let _ = writeln!(s, "ARG argv {}\nARG load address {}\nARG memsize {}", o.argv, o.load, o.memsize);
    let _ = writeln!(s, "ARG memtrace {}\nARG regtrace {}\nARG cctrace {}", o.memtrace, o.regtrace, py_bool(o.cctrace));
    let _ = writeln!(s, "ARG printstats False\nARG verbose False\n");
    let traced = !w.memtrace.is_empty() || !w.regtrace.is_empty() || o.cctrace;
    let header = |s: &mut String| {
        for (name, _) in &w.memtrace {
            match name.parse::<i64>() {
                Ok(n) => {
                    let _ = write!(s, "{n:>5} ");
                }
                Err(_) => {
                    let _ = write!(s, "{name:>5} ");
                }
            }
        }
        if !w.memtrace.is_empty() {
            s.push_str("  ");
        }
        for &r in &w.regtrace {
            let _ = write!(s, "{:>5} ", REGISTERS[r as usize]);
        }
        if !w.regtrace.is_empty() {
            s.push_str("  ");
        }
        if o.cctrace {
            s.push_str(">= >  <= <  != == ");
        }
        for t in 0..o.threads {
            let _ = write!(s, "       Thread {t}         ");
        }
        s.push('\n');
    };
    let values = |s: &mut String, r: &Row| {
        let num = |s: &mut String, v: i64| {
            let _ = if o.solve { write!(s, "{v:>5} ") } else { write!(s, "{:>5} ", "?") };
        };
        for &v in &r.memory {
            num(s, v);
        }
        if !r.memory.is_empty() {
            s.push_str("  ");
        }
        for &v in &r.registers {
            num(s, v);
        }
        if !r.registers.is_empty() {
            s.push_str("  ");
        }
        if o.cctrace {
            for c in r.conditions {
                s.push_str(if !o.solve {
                    "?  "
                } else if c {
                    "1  "
                } else {
                    "0  "
                });
            }
        }
    };
    if o.dialect == Dialect::Locks {
        s.push('\n');
    }
    header(&mut s);
    if o.dialect == Dialect::Locks {
        s.push('\n');
    }
    let mut count = 0i64;
    for r in &a.rows {
        match &r.kind {
            RowKind::Start => {
                values(&mut s, r);
                if traced {
                    s.push('\n');
                }
            }
            RowKind::Instruction { thread, address, text } => {
                if o.headercount > 0 && count > 0 && count % o.headercount == 0 {
                    s.push('\n');
                    header(&mut s);
                    s.push('\n');
                    // The values before this instruction: the previous row's.
                    values(&mut s, &Row { kind: RowKind::Start, ..prev_values(a, r) });
                    if traced {
                        s.push('\n');
                    }
                }
                count += 1;
                values(&mut s, r);
                for _ in 0..*thread {
                    let _ = write!(s, "{:24} ", "");
                }
                let _ = writeln!(s, "{address} {text}");
            }
            RowKind::HaltSwitch | RowKind::Interrupt => {
                values(&mut s, r);
                let cell =
                    if r.kind == RowKind::HaltSwitch { "----- Halt;Switch ----- " } else { "------ Interrupt ------ " };
                for _ in 0..o.threads {
                    s.push_str(cell);
                    s.push(' ');
                }
                s.push('\n');
            }
        }
    }
    s
}

/// The values shown just before `row`: those of the row before it.
fn prev_values(a: &X86Answers, row: &Row) -> Row {
    let i = a.rows.iter().position(|r| std::ptr::eq(r, row)).unwrap_or(0);
    a.rows[i.saturating_sub(1)].clone()
}

/// One instruction of the program, for the report.
#[derive(serde::Serialize)]
struct Line<'a> {
    address: i64,
    text: &'a str,
    line: u32,
}

/// A traced cell, for the report.
#[derive(serde::Serialize)]
struct Traced<'a> {
    name: &'a str,
    address: i64,
}

/// A cell's final value, for the report.
#[derive(serde::Serialize)]
struct Value {
    address: i64,
    value: i64,
}

/// The end of the run, for the report.
#[derive(serde::Serialize)]
struct Final {
    /// Cells not 0 at the end.
    memory: Vec<Value>,
    /// Each thread's registers by name.
    registers: Vec<Vec<(&'static str, i64)>>,
}

/// What `--json` prints.
#[derive(serde::Serialize)]
struct Report<'a> {
    simulator: &'static str,
    version: &'static str,
    threads: usize,
    interrupt: i64,
    random: bool,
    procsched: &'a [usize],
    program: Vec<Line<'a>>,
    memtrace: Vec<Traced<'a>>,
    regtrace: Vec<&'static str>,
    rows: &'a [Row],
    instructions: u64,
    #[serde(rename = "final")]
    end: Final,
}

/// The report for `--json`: the program, the rows and the final state, always solved.
pub fn report(o: &X86Options, w: &X86Workload, a: &X86Answers) -> serde_json::Value {
    let names = o.dialect.registers();
    let report = Report {
        simulator: "x86",
        version: o.dialect.name(),
        threads: o.threads,
        interrupt: o.interrupt,
        random: o.random,
        procsched: &w.schedule,
        program: (w.asm.texts.iter().zip(&w.asm.lines).enumerate())
            .map(|(i, (text, &line))| Line { address: w.asm.load + i as i64, text, line })
            .collect(),
        memtrace: w.memtrace.iter().map(|(name, address)| Traced { name, address: *address }).collect(),
        regtrace: w.regtrace.iter().map(|&r| REGISTERS[r as usize]).collect(),
        rows: &a.rows,
        instructions: a.instructions,
        end: Final {
            memory: (a.memory.iter())
                .filter(|&&(_, v)| v != 0)
                .map(|&(address, value)| Value { address, value })
                .collect(),
            registers: (a.registers.iter())
                .map(|r| names.iter().map(|&n| (n, o.dialect.register(n).map_or(0, |i| r[i as usize]))).collect())
                .collect(),
        },
    };
    serde_json::to_value(report).unwrap_or(serde_json::Value::Null)
}

/// Reads the flags and the program (`word` names the simulator).
pub(crate) fn prepare(word: &str, p: &Parsed) -> Result<(X86Options, X86Workload), OstepError> {
    let o = options(word, p)?;
    let w = workload(&o)?;
    Ok((o, w))
}

/// The text and report of one command line from the model's run of its scenario.
pub(crate) fn finish(o: &X86Options, w: &X86Workload, ran: Ran<'_>) -> Result<super::Printed, OstepError> {
    let answers = w.answers(o, ran)?;
    Ok((render(o, w, &answers), report(o, w, &answers)))
}
