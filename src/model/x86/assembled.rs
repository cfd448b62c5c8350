//! An x86.py program's assembled form, carried in its own text so that a reader without the
//! assembler (the page's reader worker, whose size is budgeted) can load it.
//!
//! The OSTEP mode (and `threadlab ostep x86 --scenario`) writes each thread's program as the
//! `.x86` header, the assembly as typed, and a last line `# assembled D W W …`: `D` is a digest
//! (64-bit FNV-1a, as a signed decimal) of every other line, and each `W` five integers,
//! comma-separated with trailing zeros left out, single spaces between: first the thread's start
//! values ([`Program::start`]: `0,sp` for its stack pointer, `1,value,0,reg` for each other
//! register not 0), then each instruction's words, in order ([`instr_words`]). To x86.py and to the
//! assembler the line is a comment. Natively a program is always assembled from its text; in
//! WebAssembly it is read from this line ([`super::parse_program`]), which must match the text:
//! a program typed or changed in the scenario editor has to go through the OSTEP mode again
//! (a located error says so).

use super::{Op, SP};
use crate::model::program::{Instr, Operand, Program, ProgramError, Test, Value};

/// How the assembled line starts.
pub const PREFIX: &str = "# assembled ";

/// 64-bit FNV-1a of `source`'s lines other than the assembled one, each followed by `\n`.
pub fn digest(source: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for line in source.lines().filter(|l| !l.starts_with(PREFIX)) {
        for b in line.bytes().chain(std::iter::once(b'\n')) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The five integers of one instruction the assembler writes: an [`Op`]'s own
/// ([`Op::words`], tags 0–19), or for the model's instructions tags 20 `set` (value, 0, reg),
/// 21 `add` (operand kind, operand, reg), 22 `cmp` (value kind, value, reg), 23 `jmp`
/// (target) and 24 a flag jump (target, test's place in [`Test::ALL`]). An operand or value is
/// a kind (0 a number, 1 a register) and the number or register. `None` for an instruction the
/// assembler never writes.
pub fn instr_words(instr: Instr) -> Option<[i64; 5]> {
    let operand = |o: Operand| match o {
        Operand::Imm(v) => (0, v),
        Operand::Reg(r) => (1, i64::from(r)),
    };
    Some(match instr {
        Instr::X86 { op } => op.words(),
        Instr::Set { reg, value } => [20, value, 0, i64::from(reg), 0],
        Instr::Add { reg, operand: o } => {
            let (k, v) = operand(o);
            [21, k, v, i64::from(reg), 0]
        }
        Instr::Cmp { a, b } => {
            let (k, v) = match b {
                Value::Imm(v) => (0, v),
                Value::Reg(r) => (1, i64::from(r)),
                Value::Var(_) => return None,
            };
            [22, k, v, i64::from(a), 0]
        }
        Instr::Jump { target } => [23, target as i64, 0, 0, 0],
        Instr::BranchFlags { test, target } => {
            [24, target as i64, Test::ALL.iter().position(|&t| t == test)? as i64, 0, 0]
        }
        _ => return None,
    })
}

/// The instruction [`instr_words`] gave `w`, if any.
fn instr_from_words(w: [i64; 5]) -> Option<Instr> {
    let reg = |v: i64| u8::try_from(v).ok().filter(|&r| (r as usize) < super::REGISTERS.len());
    let target = |v: i64| usize::try_from(v).ok();
    Some(match w {
        [20, value, _, r, _] => Instr::Set { reg: reg(r)?, value },
        [21, 0, v, r, _] => Instr::Add { reg: reg(r)?, operand: Operand::Imm(v) },
        [21, 1, s, r, _] => Instr::Add { reg: reg(r)?, operand: Operand::Reg(reg(s)?) },
        [22, 0, v, a, _] => Instr::Cmp { a: reg(a)?, b: Value::Imm(v) },
        [22, 1, s, a, _] => Instr::Cmp { a: reg(a)?, b: Value::Reg(reg(s)?) },
        [23, t, ..] => Instr::Jump { target: target(t)? },
        [24, t, test, ..] => Instr::BranchFlags { test: *Test::ALL.get(target(test)?)?, target: target(t)? },
        _ => Instr::X86 { op: Op::from_words(w)? },
    })
}

/// The assembled line for `source` (the program's text without such a line) whose placed
/// program (its thread's start values first, [`super::asm::Assembly::program`]) is `program`.
pub fn line(source: &str, program: &Program) -> String {
    let mut out = format!("{PREFIX}{}", digest(source) as i64);
    let regs = program.start_registers();
    let sp = SP as usize;
    let start = (0..regs.len())
        .filter(|&r| r == sp || regs[r] != 0)
        .map(|r| if r == sp { [0, regs[r], 0, 0, 0] } else { [1, regs[r], 0, r as i64, 0] });
    let instrs =
        program.instrs.iter().map(|&i| instr_words(i).expect("the assembler writes only instructions with words"));
    for w in start.chain(instrs) {
        let used = w.iter().rposition(|&v| v != 0).map_or(1, |i| i + 1);
        out.push(' ');
        for (i, v) in w[..used].iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&v.to_string());
        }
    }
    out
}

/// The program `source` (a `.x86` program) from its assembled line instead of its assembly:
/// the same [`Program`] as assembling it gives. Errors: no such line, a line that does not
/// match the text (the text changed after it was assembled) or that is not well formed.
pub fn read(source: &str) -> Result<Program, ProgramError> {
    let Some((at, words)) = source.lines().enumerate().filter_map(|(n, l)| Some((n, l.strip_prefix(PREFIX)?))).last()
    else {
        return Err(ProgramError {
            line: 1,
            column: 1,
            message: "the page does not assemble x86.py: open the program from the OSTEP mode (x86 -p …), which \
                      adds a last line # assembled …"
                .into(),
        });
    };
    let err = |message: &str| ProgramError { line: at as u32 + 1, column: 1, message: message.into() };
    let mut tokens = words.split(' ');
    if tokens.next().and_then(|d| d.parse::<i64>().ok()) != Some(digest(source) as i64) {
        return Err(err("the program changed after it was assembled: change it in the OSTEP mode, then open it again"));
    }
    let bad = || err("not an assembled form the OSTEP mode wrote: open the program from the OSTEP mode again");
    let mut p = Program {
        instrs: Vec::new(),
        lines: Vec::new(),
        texts: Vec::new(),
        cell_names: Vec::new(),
        cell_addrs: Vec::new(),
        start: Vec::new(),
    };
    for token in tokens {
        let mut w = [0i64; 5];
        for (i, v) in token.split(',').enumerate() {
            *w.get_mut(i).ok_or_else(bad)? = v.parse().map_err(|_| bad())?;
        }
        // The thread's start values, then the instructions.
        let (reg, value) = match w {
            [0, sp, ..] if p.instrs.is_empty() => (i64::from(SP), sp),
            [1, value, _, r, _] if p.instrs.is_empty() => (r, value),
            _ => {
                p.instrs.push(instr_from_words(w).ok_or_else(bad)?);
                continue;
            }
        };
        p.start.resize(super::REGISTERS.len(), 0);
        *usize::try_from(reg).ok().and_then(|r| p.start.get_mut(r)).ok_or_else(bad)? = value;
    }
    // The `.var`s (the digest vouches that the text is the one assembled, so it is well
    // formed), and the instruction lines, as the assembler finds them: not blank, not a label
    // or `.var`.
    (p.cell_names, p.cell_addrs) = declared(source);
    for (n, raw) in source.lines().enumerate().skip(1) {
        let code = raw.split('#').next().unwrap_or("").trim();
        if !code.is_empty() && !code.starts_with('.') {
            p.lines.push(n as u32 + 1);
            p.texts.push(code.to_string());
        }
    }
    let len = p.instrs.len();
    let in_range = |&instr: &Instr| match instr {
        Instr::Jump { target } | Instr::BranchFlags { target, .. } | Instr::X86 { op: Op::Call { target, .. } } => {
            target <= len
        }
        _ => true,
    };
    if p.lines.len() != len || !p.instrs.iter().all(in_range) {
        return Err(bad());
    }
    Ok(p)
}

/// The `.var`s of the x86.py program `source` (its first line, the `.x86` header, skipped), for
/// a text the assembler takes: their names in declaration order, and their addresses followed by
/// where the last one ends ([`Program::cell_addrs`]), given out as the assembler does (from
/// [`super::asm::DATA_START`], 4 addresses a cell: `.var count` then `.var slots 4` are at 100
/// and 104, ending at 120). Both empty when there is none.
pub fn declared(source: &str) -> (Vec<String>, Vec<i64>) {
    let (mut names, mut addrs) = (Vec::new(), vec![super::asm::DATA_START]);
    for raw in source.lines().skip(1) {
        let mut words = raw.split('#').next().unwrap_or("").split_whitespace();
        if words.next() == Some(".var") {
            names.push(words.next().unwrap_or_default().to_string());
            let cells = words.next().and_then(|c| c.parse::<i64>().ok()).unwrap_or(1);
            addrs.push(addrs[addrs.len() - 1] + 4 * cells);
        }
    }
    if names.is_empty() {
        addrs.clear();
    }
    (names, addrs)
}

/// The lines of program `source` a learner is shown (the code view's): all of them but, for an
/// x86.py program, the assembled line, a machine digest of no use to a reader (the JSON
/// editor keeps it: the page needs it to read the program again).
pub fn shown_lines(source: &str) -> impl Iterator<Item = &str> {
    let x86 = super::is_x86(source);
    source.lines().filter(move |l| !(x86 && l.starts_with(PREFIX)))
}
