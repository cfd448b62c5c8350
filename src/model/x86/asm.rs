//! The assembler: an x86.py program (`.s`) translated into model instructions, with located
//! errors.
//!
//! The language, as both versions of x86.py read it (`../shared/OSTEP.md`):
//! - `#` starts a comment; blank lines are skipped;
//! - `.var name` (locks version: `.var name n`, n cells) gives a variable an address, from 100
//!   up in steps of 4 × n; a line `.name` alone is a label (`.main` is only a label);
//! - every other line is one instruction, at addresses from the load address (1000) up;
//! - operands: `$5` an immediate (intro version: one digit; locks version: any, negative too),
//!   `%ax` a register, `.label`, a variable's name, or a memory address `n`, `n(%r)`, `(%r)` and,
//!   in the locks version's `mov` only, `n(%r1,%r2)` and `n(%r1,%r2,s)` (what x86.py reads
//!   there elsewhere cannot run).
//!
//! Each line becomes one model instruction: the model's own where it has one (`mov $n, %r` is
//! `set`, `add` is `add`, `test` against a register is `cmp`, the jumps are `jmp` and the flag
//! jumps), else an [`Instr::X86`]. What x86.py would reject, or crash on, is a [`ProgramError`]
//! at the line and column of the culprit.

use super::{Addr, Arith, Op, REGISTERS, SP};
use crate::model::program::{Instr, Operand, Program, ProgramError, Reg};

/// Which x86.py: the two versions differ in what they accept and in `pop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// `threads-intro/x86.py`: registers `ax bx cx dx sp bp`, one-digit immediates, one register
    /// in an address, and `pop %r` loads `sp` itself.
    Intro,
    /// `threads-locks/x86.py`: adds `ex fx`, `lea`, `neg`, `mul`, negative and longer immediates,
    /// scaled two-register addresses in `mov`, `-P`; `pop %r` loads the cell at `sp`.
    Locks,
}

impl Dialect {
    /// Its name on Threadlab's command line and in a program's header: `intro`, `locks`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Intro => "intro",
            Dialect::Locks => "locks",
        }
    }

    /// The dialect named `intro` or `locks`.
    pub fn from_name(name: &str) -> Option<Dialect> {
        match name {
            "intro" => Some(Dialect::Intro),
            "locks" => Some(Dialect::Locks),
            _ => None,
        }
    }

    /// Its registers, in the model's register order.
    pub fn registers(self) -> &'static [&'static str] {
        match self {
            Dialect::Intro => &["ax", "bx", "cx", "dx", "sp", "bp"],
            Dialect::Locks => &REGISTERS,
        }
    }

    /// The model register named `name` (`ax` is `r0`), if the dialect has it.
    pub fn register(self, name: &str) -> Option<Reg> {
        if !self.registers().contains(&name) {
            return None;
        }
        REGISTERS.iter().position(|&r| r == name).map(|i| i as Reg)
    }
}

/// First address of the variables (`.var`).
pub const DATA_START: i64 = 100;

/// An x86.py program read: its instructions (not yet placed in a thread's program) and names.
#[derive(Clone, Debug, PartialEq)]
pub struct Assembly {
    /// One per instruction line: the model instruction, before placing (targets are indices
    /// among these instructions; see [`Assembly::program`]).
    instrs: Vec<Instr>,
    /// 1-based source line of each instruction.
    pub lines: Vec<u32>,
    /// Each instruction's text as x86.py prints it: the line without its comment, trimmed.
    pub texts: Vec<String>,
    /// Variables and their addresses, in declaration order.
    pub vars: Vec<(String, i64)>,
    /// Labels (with their dot) and the index of the instruction they name, in order.
    pub labels: Vec<(String, usize)>,
    /// The dialect.
    pub dialect: Dialect,
    /// The address of the first instruction (`-L`, 1000).
    pub load: i64,
}

impl Assembly {
    /// The line that carries this program, placed for a thread with stack pointer `sp` and
    /// starting registers `regs` ([`Assembly::program`]), in `source`, the thread's text (its
    /// `.x86` header included) ([`super::assembled::line`]).
    pub fn assembled_line(&self, source: &str, sp: i64, regs: &[(Reg, i64)]) -> String {
        super::assembled::line(source, &self.program(sp, regs))
    }

    /// The address of variable `name`.
    pub fn var(&self, name: &str) -> Option<i64> {
        find(&self.vars, name)
    }

    /// The instruction label `name` (with its dot) names.
    pub fn label(&self, name: &str) -> Option<usize> {
        find(&self.labels, name)
    }

    /// Number of instructions.
    pub fn len(&self) -> usize {
        self.instrs.len()
    }

    /// Whether there is no instruction.
    pub fn is_empty(&self) -> bool {
        self.instrs.is_empty()
    }

    /// A thread's model program: the instructions, and the thread's start values
    /// ([`Program::start`]): its stack pointer `sp`, then each starting register value in
    /// `regs` (model register, value). An instruction's x86.py address is `load + pc`.
    pub fn program(&self, sp: i64, regs: &[(Reg, i64)]) -> Program {
        let instrs = (self.instrs.iter())
            .map(|&instr| match instr {
                Instr::X86 { op: Op::Ret { .. } } => Instr::X86 { op: Op::Ret { base: self.load } },
                other => other,
            })
            .collect();
        let mut start = vec![0; REGISTERS.len()];
        start[SP as usize] = sp;
        for &(reg, value) in regs {
            start[reg as usize] = value;
        }
        Program {
            instrs,
            lines: self.lines.clone(),
            texts: self.texts.clone(),
            cell_names: self.vars.iter().map(|v| v.0.clone()).collect(),
            cell_addrs: self.vars.iter().map(|v| v.1).collect(),
            start,
        }
    }
}

fn find<T: Copy>(list: &[(String, T)], name: &str) -> Option<T> {
    list.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
}

/// One operand as written: its text and 0-based byte offset in the line.
struct Arg<'a> {
    text: &'a str,
    at: usize,
}

/// What an operand is.
enum Kind {
    Imm(i64),
    Reg(Reg),
    Mem(Addr),
    /// The index of the instruction a label names.
    Label(usize),
}

struct Reader<'s> {
    dialect: Dialect,
    vars: &'s [(String, i64)],
    labels: &'s [(String, usize)],
    line: u32,
}

impl Reader<'_> {
    fn err(&self, at: usize, message: impl Into<String>) -> ProgramError {
        ProgramError { line: self.line, column: at as u32 + 1, message: message.into() }
    }

    fn reg(&self, name: &str, at: usize) -> Result<Reg, ProgramError> {
        self.dialect.register(name).ok_or_else(|| {
            let known = self.dialect.registers().join(" ");
            let more = if self.dialect == Dialect::Intro && (name == "ex" || name == "fx") {
                " (ex and fx are the locks version's)"
            } else {
                ""
            };
            self.err(at, format!("unknown register `%{name}`: this x86.py has {known}{more}"))
        })
    }

    fn number(&self, text: &str, at: usize, what: &str) -> Result<i64, ProgramError> {
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.err(at, format!("{what} `{text}` must be a whole number in digits")));
        }
        text.parse::<i64>().map_err(|_| self.err(at, format!("{what} `{text}` is too large")))
    }

    fn kind(&self, arg: &Arg<'_>, mov: bool) -> Result<Kind, ProgramError> {
        let (t, at) = (arg.text, arg.at);
        let first = t.chars().next().unwrap_or(' ');
        match first {
            '$' => {
                let v = &t[1..];
                match self.dialect {
                    Dialect::Intro if v.len() != 1 || !v.as_bytes()[0].is_ascii_digit() => {
                        Err(self
                            .err(at, format!("immediate `{t}`: the intro version of x86.py takes one digit, $0 to $9")))
                    }
                    _ => Ok(Kind::Imm(self.number(v, at + 1, "immediate")?)),
                }
            }
            '%' => Ok(Kind::Reg(self.reg(t[1..].trim(), at)?)),
            '.' => {
                if let Some(index) = find(self.labels, t) {
                    Ok(Kind::Label(index))
                } else {
                    Err(self.err(at, format!("unknown label `{t}`: no line `{t}` names an instruction")))
                }
            }
            c if c.is_ascii_alphabetic() => match find(self.vars, t) {
                Some(a) => Ok(Kind::Mem(Addr::at(a))),
                None => Err(self.err(at, format!("`{t}` is not declared: add a line `.var {t}`"))),
            },
            c if c.is_ascii_digit() || c == '-' || c == '(' => self.address(t, at, mov).map(Kind::Mem),
            _ => {
                Err(self
                    .err(at, format!("cannot read operand `{t}`: expected $n, %reg, .label, a variable or an address")))
            }
        }
    }

    fn address(&self, t: &str, at: usize, mov: bool) -> Result<Addr, ProgramError> {
        // As x86.py: a leading `-` negates the offset; spaces around numbers are allowed.
        let (sign, body) = match t.strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, t),
        };
        let Some(open) = t.find('(') else {
            return Ok(Addr::at(sign * self.number(body.trim(), at, "address")?));
        };
        let disp = match (t.starts_with('('), body[..body.find('(').unwrap_or(0)].trim()) {
            (true, _) => 0,
            (false, "") => return Err(self.err(at, format!("address `{t}`: a number must come before `(`"))),
            (false, d) => sign * self.number(d, at, "address offset")?,
        };
        let Some(close) = t.find(')') else {
            return Err(self.err(at + open, "`(` without its `)`"));
        };
        if !t[close + 1..].trim().is_empty() {
            return Err(self.err(at + close + 1, format!("unexpected `{}` after the address", t[close + 1..].trim())));
        }
        let inner = &t[open + 1..close];
        let parts: Vec<(usize, &str)> = {
            let mut out = Vec::new();
            let mut start = 0;
            for (i, c) in inner.char_indices().chain(std::iter::once((inner.len(), ','))) {
                if c == ',' {
                    out.push((at + open + 1 + start, &inner[start..i]));
                    start = i + 1;
                }
            }
            out
        };
        if parts.len() > 1 && (self.dialect == Dialect::Intro || !mov) {
            let why = match self.dialect {
                Dialect::Intro => "the intro version of x86.py reads one register in an address",
                Dialect::Locks => "x86.py reads two registers in an address only in mov",
            };
            return Err(self.err(at + open, format!("address `{t}`: {why}")));
        }
        if parts.len() > 3 {
            return Err(self.err(at + open, format!("address `{t}`: at most (%base,%index,scale)")));
        }
        let reg = |(p, s): (usize, &str)| -> Result<Option<Reg>, ProgramError> {
            let s = s.trim();
            if s.is_empty() && self.dialect == Dialect::Locks {
                return Ok(None);
            }
            match s.strip_prefix('%') {
                Some(name) => self.reg(name.trim(), p).map(Some),
                None => Err(self.err(p, format!("expected a register like %ax in the address, found `{s}`"))),
            }
        };
        let base = reg(parts[0])?;
        let index = if parts.len() > 1 { reg(parts[1])? } else { None };
        let scale = match parts.get(2) {
            Some(&(p, s)) => {
                let n = self.number(s.trim(), p, "scale")?;
                i32::try_from(n).map_err(|_| self.err(p, format!("scale `{}` is too large", s.trim())))?
            }
            None => 1,
        };
        Ok(Addr { disp, base, index, scale })
    }
}

/// Splits an instruction's operands at the commas outside parentheses.
fn split_args(rest: &str, offset: usize) -> Vec<Arg<'_>> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in rest.char_indices().chain(std::iter::once((rest.len(), ','))) {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth <= 0 => {
                let piece = &rest[start..i];
                let lead = piece.len() - piece.trim_start().len();
                out.push(Arg { text: piece.trim(), at: offset + start + lead });
                start = i + 1;
            }
            _ => {}
        }
    }
    if out.len() == 1 && out[0].text.is_empty() {
        out.clear();
    }
    out
}

/// Reads an x86.py program in `dialect`, its code placed from address `load`. Errors: the
/// first problem, at its line and column (a missing label, an undeclared variable, an operand
/// or instruction this x86.py does not take).
pub fn assemble(source: &str, dialect: Dialect, load: i64) -> Result<Assembly, ProgramError> {
    // First pass: variables and labels, as x86.py's loader does.
    let mut vars: Vec<(String, i64)> = Vec::new();
    let mut labels: Vec<(String, usize)> = Vec::new();
    let mut data = DATA_START;
    let mut count = 0usize;
    for (n, raw) in source.lines().enumerate() {
        let line = (n + 1) as u32;
        let code = raw.split('#').next().unwrap_or("");
        let words: Vec<&str> = code.split_whitespace().collect();
        let Some(&first) = words.first() else { continue };
        let col = |w: &str| (w.as_ptr() as usize - raw.as_ptr() as usize) as u32 + 1;
        let err = |w: &str, message: String| ProgramError { line, column: col(w), message };
        if first == ".var" {
            let max = if dialect == Dialect::Intro { 2 } else { 3 };
            if words.len() < 2 || words.len() > max {
                let form = if dialect == Dialect::Intro { "`.var name`" } else { "`.var name` or `.var name cells`" };
                return Err(err(first, format!("a variable is declared as {form}")));
            }
            let name = words[1];
            if find(&vars, name).is_some() {
                return Err(err(name, format!("variable `{name}` is declared twice")));
            }
            let cells = match words.get(2) {
                Some(w) => match w.parse::<i64>() {
                    Ok(c) if c >= 1 => c,
                    _ => return Err(err(w, format!("`{w}` cells: give a whole number, at least 1"))),
                },
                None => 1,
            };
            vars.push((name.to_string(), data));
            data = data.saturating_add(cells.saturating_mul(4));
            if data >= load {
                return Err(err(
                    name,
                    format!("the variables reach address {data}, past the code's load address {load}"),
                ));
            }
        } else if first.starts_with('.') {
            if words.len() > 1 {
                return Err(err(
                    words[1],
                    format!("a label stands alone on its line: move `{}` to the next line", words[1]),
                ));
            }
            if !raw.starts_with('.') {
                return Err(err(
                    first,
                    format!("label `{first}` must start its line (x86.py reads an indented label as an instruction)"),
                ));
            }
            // A label given twice names its last place, as x86.py's dictionary does.
            labels.retain(|(n, _)| n != first);
            labels.push((first.to_string(), count));
        } else {
            count += 1;
        }
    }

    let mut asm = Assembly {
        instrs: Vec::with_capacity(count),
        lines: Vec::with_capacity(count),
        texts: Vec::with_capacity(count),
        vars,
        labels,
        dialect,
        load,
    };
    for (n, raw) in source.lines().enumerate() {
        let line = (n + 1) as u32;
        let code = raw.split('#').next().unwrap_or("");
        let trimmed = code.trim();
        if trimmed.is_empty() || trimmed.starts_with('.') {
            continue;
        }
        let start = code.len() - code.trim_start().len();
        let op_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        let opcode = &trimmed[..op_end];
        let rest_at = start + op_end;
        let args = split_args(&code[rest_at..], rest_at);
        let r = Reader { dialect, vars: &asm.vars, labels: &asm.labels, line };
        let index = asm.instrs.len();
        let instr = translate(&r, opcode, start, &args, load + index as i64 + 1)?;
        asm.instrs.push(instr);
        asm.lines.push(line);
        asm.texts.push(trimmed.to_string());
    }
    Ok(asm)
}

/// One instruction line, translated. `at` is the opcode's offset; `next` the address of the
/// instruction after it (what `call` pushes).
fn translate(r: &Reader<'_>, opcode: &str, at: usize, args: &[Arg<'_>], next: i64) -> Result<Instr, ProgramError> {
    let x = |op| Ok(Instr::X86 { op });
    let want = |n: usize, form: &str| -> Result<(), ProgramError> {
        if args.len() == n {
            Ok(())
        } else {
            let end = args.last().map_or(at + opcode.len(), |a| a.at);
            // Two operands written with a space where the comma goes (`add $1 %ax`): say how.
            let pair = match args {
                [one] if n == 2 => one.text.split_once(char::is_whitespace),
                _ => None,
            };
            let hint = match pair.map(|(a, b)| (a, b.trim_start())) {
                Some((a, b)) if !b.contains(char::is_whitespace) => {
                    format!("; separate operands with a comma: `{opcode} {a}, {b}`")
                }
                _ => String::new(),
            };
            Err(r.err(end, format!("`{opcode}` takes {form}, found {} operand(s){hint}", args.len())))
        }
    };
    let mov = opcode == "mov";
    let kinds = |args: &[Arg<'_>]| -> Result<Vec<Kind>, ProgramError> { args.iter().map(|a| r.kind(a, mov)).collect() };
    let label = |k: &Kind, a: &Arg<'_>| match *k {
        Kind::Label(index) => Ok(index),
        _ => Err(r.err(a.at, format!("`{opcode}` jumps to a label like .top, found `{}`", a.text))),
    };
    let locks_only = |what: &str| -> Result<(), ProgramError> {
        if r.dialect == Dialect::Intro {
            Err(r.err(
                at,
                format!("`{what}` is the locks version's: the intro version of x86.py has no such instruction"),
            ))
        } else {
            Ok(())
        }
    };
    let bad = |a: &Arg<'_>, form: &str| Err(r.err(a.at, format!("`{opcode}` takes {form}; `{}` is not one", a.text)));
    match opcode {
        "mov" => {
            want(2, "a source and a destination")?;
            let k = kinds(args)?;
            match (&k[0], &k[1]) {
                (Kind::Imm(v), Kind::Reg(d)) => Ok(Instr::Set { reg: *d, value: *v }),
                (Kind::Reg(s), Kind::Reg(d)) => x(Op::Move { src: Operand::Reg(*s), dst: *d }),
                (Kind::Mem(a), Kind::Reg(d)) => x(Op::Load { addr: *a, dst: *d }),
                (Kind::Reg(s), Kind::Mem(a)) => x(Op::Store { src: Operand::Reg(*s), addr: *a }),
                (Kind::Imm(v), Kind::Mem(a)) => x(Op::Store { src: Operand::Imm(*v), addr: *a }),
                (Kind::Mem(_), Kind::Mem(_)) => Err(r.err(args[1].at, "mov cannot take two memory operands: go through a register")),
                _ => bad(&args[1], "a register or memory destination (and no label)"),
            }
        }
        "lea" => {
            locks_only("lea")?;
            want(2, "an address and a register")?;
            let k = kinds(args)?;
            match (&k[0], &k[1]) {
                (Kind::Mem(a), Kind::Reg(d)) => x(Op::Lea { addr: *a, dst: *d }),
                (Kind::Mem(_), _) => bad(&args[1], "a register destination"),
                _ => bad(&args[0], "an address source"),
            }
        }
        "neg" => {
            locks_only("neg")?;
            want(1, "one register")?;
            match kinds(args)?[0] {
                Kind::Reg(reg) => x(Op::Neg { reg }),
                _ => bad(&args[0], "a register"),
            }
        }
        "add" | "sub" | "mul" => {
            if opcode == "mul" {
                locks_only("mul")?;
            }
            want(2, "a source ($n or %reg) and a register")?;
            let k = kinds(args)?;
            let src = match k[0] {
                Kind::Imm(v) => Operand::Imm(v),
                Kind::Reg(s) => Operand::Reg(s),
                _ => return bad(&args[0], "$n or %reg as source"),
            };
            let Kind::Reg(dst) = k[1] else { return bad(&args[1], "a register destination") };
            match (opcode, src) {
                ("add", _) => Ok(Instr::Add { reg: dst, operand: src }),
                ("sub", Operand::Imm(v)) if v != i64::MIN => Ok(Instr::Add { reg: dst, operand: Operand::Imm(-v) }),
                ("sub", _) => x(Op::Arith { op: Arith::Sub, src, dst }),
                _ => x(Op::Arith { op: Arith::Mul, src, dst }),
            }
        }
        "test" => {
            want(2, "two operands ($n or %reg)")?;
            let k = kinds(args)?;
            let operand = |k: &Kind, a: &Arg<'_>| match *k {
                Kind::Imm(v) => Ok(Operand::Imm(v)),
                Kind::Reg(s) => Ok(Operand::Reg(s)),
                _ => Err(r.err(a.at, format!("`test` compares $n or %reg, found `{}`", a.text))),
            };
            let (a, b) = (operand(&k[0], &args[0])?, operand(&k[1], &args[1])?);
            match (a, b) {
                (Operand::Imm(_), Operand::Imm(_)) => Err(r.err(args[1].at, "`test` needs a register on one side")),
                // The flags of b compared with a: the model's `cmp b, a`.
                (Operand::Imm(v), Operand::Reg(b)) => {
                    Ok(Instr::Cmp { a: b, b: crate::model::program::Value::Imm(v) })
                }
                (Operand::Reg(s), Operand::Reg(b)) => {
                    Ok(Instr::Cmp { a: b, b: crate::model::program::Value::Reg(s) })
                }
                _ => x(Op::Test { a, b }),
            }
        }
        "xchg" | "fetchadd" => {
            want(2, "a register and a memory address")?;
            let k = kinds(args)?;
            let Kind::Reg(reg) = k[0] else { return bad(&args[0], "a register first") };
            let Kind::Mem(addr) = k[1] else { return bad(&args[1], "a memory address second") };
            // x86.py adds the index register here without its scale.
            let addr = Addr { scale: 1, ..addr };
            x(if opcode == "xchg" { Op::Xchg { reg, addr } } else { Op::FetchAdd { reg, addr } })
        }
        "push" => {
            want(1, "a register or an address")?;
            match kinds(args)?[0] {
                Kind::Reg(reg) => x(Op::PushReg { reg }),
                Kind::Mem(addr) => x(Op::PushAddr { addr }),
                _ => bad(&args[0], "a register or an address"),
            }
        }
        "pop" => match args.len() {
            0 => x(Op::Pop { dst: None }),
            1 => match kinds(args)?[0] {
                Kind::Reg(dst) if r.dialect == Dialect::Intro => x(Op::PopSp { dst }),
                Kind::Reg(dst) => x(Op::Pop { dst: Some(dst) }),
                _ => bad(&args[0], "a register"),
            },
            _ => want(1, "at most one register").map(|_| unreachable!()),
        },
        "call" => {
            want(1, "a label")?;
            let target = label(&kinds(args)?[0], &args[0])?;
            x(Op::Call { target, ret: next })
        }
        "ret" => {
            want(0, "no operand")?;
            x(Op::Ret { base: 0 })
        }
        "j" | "jne" | "je" | "jlt" | "jlte" | "jgt" | "jgte" => {
            want(1, "a label")?;
            let target = label(&kinds(args)?[0], &args[0])?;
            Ok(match super::jump_test(opcode) {
                Some(test) => Instr::BranchFlags { test, target },
                None => Instr::Jump { target },
            })
        }
        "nop" | "halt" | "yield" => {
            want(0, "no operand")?;
            x(match opcode {
                "nop" => Op::Nop,
                "halt" => Op::Halt,
                _ => Op::Yield,
            })
        }
        "rdump" | "mdump" => Err(r.err(at, format!("`{opcode}` prints debugging output that Threadlab does not reproduce: remove it"))),
        _ => Err(r.err(
            at,
            format!(
                "unknown instruction `{opcode}`: x86.py takes mov, add, sub, test, the jumps (j, je, jne, jlt, jlte, jgt, \
                 jgte), push, pop, call, ret, xchg, fetchadd, nop, yield and halt{}",
                if r.dialect == Dialect::Locks { ", and lea, neg and mul" } else { "" }
            ),
        )),
    }
}
