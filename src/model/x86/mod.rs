//! OSTEP's tiny x86 (`threads-intro/x86.py` and `threads-locks/x86.py`) as model instructions.
//!
//! An x86.py program is translated ([`asm`]) into the model's own instructions: jumps become
//! [`Instr::Jump`] and [`Instr::BranchFlags`], and what the model's language has no word for
//! (memory addressed by number and registers, the stack, `test`'s flags) is one
//! [`Instr::X86`] each, whose [`Op`] this module executes. So an x86.py run is a model run: the
//! scheduler, the trace and the page's views are the model's.
//!
//! [`Instr::Jump`]: super::program::Instr::Jump
//! [`Instr::BranchFlags`]: super::program::Instr::BranchFlags
//! [`Instr::X86`]: super::program::Instr::X86
//!
//! The machine, as `../shared/OSTEP.md` records it:
//! - memory is integer cells numbered from 0, all 0 at the start; a process's cells are
//!   [`Cells`] (one per process, shared by its threads), written and read by address;
//! - registers `ax bx cx dx ex fx sp bp` are the model's `r0`–`r7` ([`REGISTERS`]); each thread
//!   starts with `sp` at its stack (128000 − 1000 × tid by default) and the `-a` values, set
//!   before its first instruction as x86.py sets them ([`super::program::Program::start`]), so
//!   a thread runs only the program's instructions;
//! - `test A, B` sets the flags for B compared with A, so `jgt` jumps when B > A; before a
//!   thread's first `test` no condition holds and no conditional jump is taken
//!   ([`Flags::Unset`]);
//! - each instruction takes one tick, `halt` included (then the thread exits); `yield` takes one
//!   tick and then leaves the CPU (as `io 0`), so the scheduler switches.
//!
//! Each version's quirks (the intro version's `pop` loads `sp` itself; `xchg` and `fetchadd`
//! ignore an address's scale) are decided by the translation and are visible in the [`Op`].

pub mod asm;
pub mod assembled;

use super::interpreter::{Change, Context, Effect, Fault, Flow, Origin};
use super::memory::Cell;
use super::program::{Flags, Operand, Reg};
use super::wait::WaitReason;
use super::{ThreadId, Ticks};

/// x86.py's register names, in the model's register order (`ax` is `r0`, … `bp` is `r7`). The
/// intro version has no `ex` and `fx`.
pub const REGISTERS: [&str; 8] = ["ax", "bx", "cx", "dx", "ex", "fx", "sp", "bp"];

/// The stack pointer's register (`sp`, `r6`).
pub const SP: Reg = 6;

/// A memory address as x86.py computes it: `disp + base + scale × index`, each register
/// optional (x86.py's hidden `zero` register).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addr {
    /// The constant part (a number or a variable's address).
    pub disp: i64,
    /// The base register, if any.
    pub base: Option<Reg>,
    /// The index register, if any.
    pub index: Option<Reg>,
    /// What the index is multiplied by (1 unless written `(%r1,%r2,s)`).
    pub scale: i32,
}

impl Addr {
    /// The address `n`.
    pub fn at(n: i64) -> Addr {
        Addr { disp: n, base: None, index: None, scale: 1 }
    }

    /// The address it names for a thread whose registers are `regs` (wrapping on overflow).
    pub fn resolve(&self, regs: &[i64]) -> i64 {
        let reg = |r: Option<Reg>| r.map_or(0, |r| regs[r as usize]);
        self.disp.wrapping_add(reg(self.base)).wrapping_add(i64::from(self.scale).wrapping_mul(reg(self.index)))
    }
}

/// An arithmetic instruction's operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    /// `add`.
    Add,
    /// `sub`.
    Sub,
    /// `mul` (locks version).
    Mul,
}

/// One x86.py instruction that the model's language has no word for; see the module's rules.
///
/// Serde (postcard, for the loaded run the page's workers exchange) carries it as five
/// integers ([`Op::words`]), not by a derive: a derive's reader for twenty variants with named
/// fields cost the page and each worker that decodes a run about 3.5 KB of code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `mov $n, %r` / `mov %r1, %r2`.
    Move {
        /// The value moved.
        src: Operand,
        /// The register written.
        dst: Reg,
    },
    /// `mov addr, %r`: loads a cell.
    Load {
        /// The cell's address.
        addr: Addr,
        /// The register written.
        dst: Reg,
    },
    /// `mov %r, addr` / `mov $n, addr`: stores to a cell.
    Store {
        /// The value stored.
        src: Operand,
        /// The cell's address.
        addr: Addr,
    },
    /// `lea addr, %r`: the address itself into the register (locks version).
    Lea {
        /// The address computed.
        addr: Addr,
        /// The register written.
        dst: Reg,
    },
    /// `add`/`sub`/`mul src, %r`: `r ← r op src` (wrapping on overflow).
    Arith {
        /// Which operation.
        op: Arith,
        /// The second value.
        src: Operand,
        /// The register written.
        dst: Reg,
    },
    /// `neg %r`: `r ← −r` (locks version).
    Neg {
        /// The register.
        reg: Reg,
    },
    /// `test A, B`: the flags of B compared with A.
    Test {
        /// The first operand (A).
        a: Operand,
        /// The second operand (B).
        b: Operand,
    },
    /// `xchg %r, addr`: the register and the cell swap values, in one indivisible step.
    Xchg {
        /// The register.
        reg: Reg,
        /// The cell.
        addr: Addr,
    },
    /// `fetchadd %r, addr`: `r ← cell; cell ← cell + r` (the old `r`), in one indivisible step.
    FetchAdd {
        /// The register.
        reg: Reg,
        /// The cell.
        addr: Addr,
    },
    /// `push %r`: `sp ← sp − 4; [sp] ← r`.
    PushReg {
        /// The register pushed.
        reg: Reg,
    },
    /// `push addr`: `sp ← sp − 4; [sp] ← addr` (x86.py pushes the address, not what is there).
    PushAddr {
        /// The address pushed.
        addr: Addr,
    },
    /// `pop` (`dst` none) / `pop %r`: `r ← [sp]; sp ← sp + 4`.
    Pop {
        /// The register written, if any.
        dst: Option<Reg>,
    },
    /// The intro version's `pop %r`: `r ← sp; sp ← sp + 4` (it loads the stack pointer, not the
    /// cell it points at).
    PopSp {
        /// The register written.
        dst: Reg,
    },
    /// `call .label`: `sp ← sp − 4; [sp] ←` the address of the next instruction; go to the label.
    Call {
        /// The label's instruction (model PC).
        target: usize,
        /// The address pushed: the next instruction's, as x86.py numbers them (from `-L`).
        ret: i64,
    },
    /// `ret`: `pc ←` the instruction whose address is `[sp]`; `sp ← sp + 4`.
    Ret {
        /// Model PC of address 0: an address `a` is model PC `a − base`.
        base: i64,
    },
    /// `nop`.
    Nop,
    /// `yield`: one tick, then the thread leaves the CPU and is ready again at once.
    Yield,
    /// `halt`: one tick, then the thread exits.
    Halt,
}

impl Op {
    /// The instruction as five integers, as serde carries it: the variant's number (2 for
    /// [`Op::Move`], then each variant's place in [`Op`]; 0 and 1 are a thread's start values
    /// in the assembled line, [`assembled`]), then its fields. An address is two (`disp`, then its registers and
    /// scale packed: base + 1 in bits 0–7, index + 1 in bits 8–15, 0 for none, the scale from
    /// bit 16); an operand is two (0 and the number, or 1 and the register).
    pub fn words(self) -> [i64; 5] {
        let addr = |a: Addr| {
            let reg = |r: Option<Reg>| r.map_or(0, |r| i64::from(r) + 1);
            [a.disp, reg(a.base) | reg(a.index) << 8 | i64::from(a.scale) << 16]
        };
        let operand = |o: Operand| match o {
            Operand::Imm(v) => [0, v],
            Operand::Reg(r) => [1, i64::from(r)],
        };
        let (tag, [a, b], [c, d]) = match self {
            Op::Move { src, dst } => (2, operand(src), [i64::from(dst), 0]),
            Op::Load { addr: at, dst } => (3, addr(at), [i64::from(dst), 0]),
            Op::Store { src, addr: at } => (4, addr(at), operand(src)),
            Op::Lea { addr: at, dst } => (5, addr(at), [i64::from(dst), 0]),
            Op::Arith { op, src, dst } => (6, operand(src), [i64::from(dst), op as i64]),
            Op::Neg { reg } => (7, [0, 0], [i64::from(reg), 0]),
            Op::Test { a, b } => (8, operand(a), operand(b)),
            Op::Xchg { reg, addr: at } => (9, addr(at), [i64::from(reg), 0]),
            Op::FetchAdd { reg, addr: at } => (10, addr(at), [i64::from(reg), 0]),
            Op::PushReg { reg } => (11, [0, 0], [i64::from(reg), 0]),
            Op::PushAddr { addr: at } => (12, addr(at), [0, 0]),
            Op::Pop { dst } => (13, [0, 0], [dst.map_or(-1, i64::from), 0]),
            Op::PopSp { dst } => (14, [0, 0], [i64::from(dst), 0]),
            Op::Call { target, ret } => (15, [target as i64, ret], [0, 0]),
            Op::Ret { base } => (16, [base, 0], [0, 0]),
            Op::Nop => (17, [0, 0], [0, 0]),
            Op::Yield => (18, [0, 0], [0, 0]),
            Op::Halt => (19, [0, 0], [0, 0]),
        };
        [tag, a, b, c, d]
    }

    /// The instruction [`Op::words`] gave `w`; `None` if `w` is no instruction's words.
    pub fn from_words(w: [i64; 5]) -> Option<Op> {
        let [tag, a, b, c, d] = w;
        let reg = |v: i64| Reg::try_from(v).ok().filter(|&r| (r as usize) < REGISTERS.len());
        let opt = |v: i64| if v == 0 { Some(None) } else { reg(v - 1).map(Some) };
        let operand = |k: i64, v: i64| match k {
            0 => Some(Operand::Imm(v)),
            1 => reg(v).map(Operand::Reg),
            _ => None,
        };
        // Each field read once, whichever variant uses it (smaller code than one read per arm).
        let addr = (|| {
            Some(Addr {
                disp: a,
                base: opt(b & 0xff)?,
                index: opt(b >> 8 & 0xff)?,
                scale: i32::try_from(b >> 16).ok()?,
            })
        })();
        let (rc, ab, cd) = (reg(c), operand(a, b), operand(c, d));
        Some(match tag {
            2 => Op::Move { src: ab?, dst: rc? },
            3 => Op::Load { addr: addr?, dst: rc? },
            4 => Op::Store { src: cd?, addr: addr? },
            5 => Op::Lea { addr: addr?, dst: rc? },
            6 => Op::Arith {
                op: [Arith::Add, Arith::Sub, Arith::Mul].get(usize::try_from(d).ok()?).copied()?,
                src: ab?,
                dst: rc?,
            },
            7 => Op::Neg { reg: rc? },
            8 => Op::Test { a: ab?, b: cd? },
            9 => Op::Xchg { reg: rc?, addr: addr? },
            10 => Op::FetchAdd { reg: rc?, addr: addr? },
            11 => Op::PushReg { reg: rc? },
            12 => Op::PushAddr { addr: addr? },
            13 => Op::Pop { dst: if c == -1 { None } else { Some(rc?) } },
            14 => Op::PopSp { dst: rc? },
            15 => Op::Call { target: usize::try_from(a).ok()?, ret: b },
            16 => Op::Ret { base: a },
            17 => Op::Nop,
            18 => Op::Yield,
            19 => Op::Halt,
            _ => return None,
        })
    }
}

impl serde::Serialize for Op {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&self.words(), s)
    }
}

impl<'de> serde::Deserialize<'de> for Op {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Op, D::Error> {
        Op::from_words(<[i64; 5]>::deserialize(d)?).ok_or_else(|| serde::de::Error::custom("not an x86 instruction"))
    }
}

/// A process's numbered memory cells, all 0 until written; the threads of the process share
/// them. The cells written, sorted by address (a few per program: a vector is smaller code in
/// the page's workers than a map), each with its lineage as a variable's
/// ([`super::memory::Cell`]), so that a store computed from a stale load is a lost update by
/// the model's one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cells {
    written: Vec<(i64, Cell)>,
}

impl Cells {
    /// The value at `addr` (0 if never written).
    pub fn get(&self, addr: i64) -> i64 {
        self.cell(addr).value
    }

    /// The cell at `addr`: value and lineage (0, never written, if it was not).
    pub fn cell(&self, addr: i64) -> Cell {
        match self.written.binary_search_by_key(&addr, |&(a, _)| a) {
            Ok(i) => self.written[i].1,
            Err(_) => Cell::new(0),
        }
    }

    /// Puts `cell` at `addr`.
    pub fn put(&mut self, addr: i64, cell: Cell) {
        match self.written.binary_search_by_key(&addr, |&(a, _)| a) {
            Ok(i) => self.written[i].1 = cell,
            Err(i) => self.written.insert(i, (addr, cell)),
        }
    }

    /// Writes `value` at `addr`, its lineage left as it was (for a replay of the trace, which
    /// needs only the values).
    pub fn set(&mut self, addr: i64, value: i64) {
        let cell = self.cell(addr);
        self.put(addr, Cell { value, ..cell });
    }

    /// The cells written, by address (some may hold 0 again).
    pub fn written(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.written.iter().map(|&(a, c)| (a, c.value))
    }

    /// The cells written, by address, with their lineage (for the run's lost-update counts).
    pub fn written_cells(&self) -> impl Iterator<Item = (i64, Cell)> + '_ {
        self.written.iter().copied()
    }
}

/// How far a thread's stack reaches below its first `sp`, in addresses: x86.py starts each
/// thread's stack 1000 below the previous one's (`sp = 128000 − 1000 × tid`,
/// `../shared/OSTEP.md`).
pub const STACK_SPAN: i64 = 1000;

/// How many cells of one `.var` a memory view lists from the start, at most: a bigger array's
/// other cells are listed once written.
pub const LISTED_PER_VAR: i64 = 16;

/// A cell a memory view lists ([`shown_cells`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShownCell {
    /// Its address.
    pub addr: i64,
    /// Its value (0 until written: x86.py's memory starts all 0, and `-a` sets registers only).
    pub value: i64,
    /// The thread whose stack it is in (from its first `sp` down [`STACK_SPAN`] addresses,
    /// where its `push` and `call` write), if any; `None`: a cell the process's threads share.
    pub stack_of: Option<ThreadId>,
}

/// The cells a memory view lists for process `pid` of `sys`, whose cells are `cells` (at the
/// cursor): those its threads share, by address, then each thread's stack cells, by thread
/// then address. From the start, every cell its programs declare (each `.var`'s, one per
/// element of an array, up to [`LISTED_PER_VAR`]) or name by address (`mov 2000, %ax`: the
/// cells x86.py's `-M` traces), and any other cell once written. Empty for a process without
/// x86.py programs.
pub fn shown_cells(sys: &super::System, pid: super::ProcessId, cells: &Cells) -> Vec<ShownCell> {
    use super::program::Instr;
    let threads = &sys.processes[pid].threads;
    // Kept sorted on insert (no sort: smaller code in the page).
    let mut addrs: Vec<i64> = cells.written().map(|(a, _)| a).collect();
    let mut add = |addr: i64| {
        if let Err(i) = addrs.binary_search(&addr) {
            addrs.insert(i, addr);
        }
    };
    for &tid in threads {
        let prog = sys.program_of(tid);
        for (i, &start) in prog.cell_addrs.iter().take(prog.cell_names.len()).enumerate() {
            let end = prog.cell_addrs.get(i + 1).copied().unwrap_or(start + 4).min(start + 4 * LISTED_PER_VAR);
            let mut addr = start;
            while addr < end {
                add(addr);
                addr += 4;
            }
        }
        for &instr in &prog.instrs {
            if let Instr::X86 {
                op: Op::Load { addr, .. } | Op::Store { addr, .. } | Op::Xchg { addr, .. } | Op::FetchAdd { addr, .. },
            } = instr
                && addr.base.is_none()
                && addr.index.is_none()
            {
                add(addr.disp);
            }
        }
    }
    let stack_of = |addr: i64| {
        threads.iter().copied().find(|&t| {
            let prog = sys.program_of(t);
            let sp = prog.start_registers()[SP as usize];
            !prog.start.is_empty() && (sp - STACK_SPAN..sp).contains(&addr)
        })
    };
    // The shared cells, then each thread's stack, in thread order.
    let mut out = Vec::new();
    for owner in std::iter::once(None).chain(threads.iter().map(|&t| Some(t))) {
        for &addr in &addrs {
            if stack_of(addr) == owner {
                out.push(ShownCell { addr, value: cells.get(addr), stack_of: owner });
            }
        }
    }
    out
}

/// What one x86 instruction changed, for the trace: up to two registers (`pop` writes one and
/// `sp`), a cell (with the lost updates its store marks) and the flags. Packed (40 bytes): it
/// travels in every x86 step's effect.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// Registers written (`regs[i]` valid when bit `i` of `mask` is set).
    regs: [Reg; 2],
    /// Their new values.
    values: [i64; 2],
    /// The cell written: address and new value (valid when bit 2 of `mask` is set).
    cell: [i64; 2],
    /// Bits 0–1: `regs[0]`, `regs[1]` written; bit 2: `cell` written.
    mask: u8,
    /// Lost updates marked at the cell's store, as a variable's store marks them
    /// ([`super::trace::What::Mem`]'s `lost`): the stores of the cell's lineage it cut off.
    lost: u32,
    /// The flags, if the instruction set them.
    flags: Option<Flags>,
}

impl Step {
    /// The registers written, with their new values, in the order written.
    pub fn regs(&self) -> impl Iterator<Item = (Reg, i64)> + '_ {
        (0..2).filter(|i| self.mask & (1 << i) != 0).map(|i| (self.regs[i], self.values[i]))
    }

    /// The cell written, as (address, new value).
    pub fn cell(&self) -> Option<(i64, i64)> {
        (self.mask & 4 != 0).then_some((self.cell[0], self.cell[1]))
    }

    /// The flags set, if any.
    pub fn flags(&self) -> Option<Flags> {
        self.flags
    }

    /// Lost updates marked at the cell's store (0 without a store, or for one that cut off no
    /// write).
    pub fn lost(&self) -> u32 {
        self.lost
    }

    fn reg(&mut self, regs: &mut [i64], reg: Reg, value: i64) {
        regs[reg as usize] = value;
        let i = if self.mask & 1 == 0 { 0 } else { 1 };
        self.regs[i] = reg;
        self.values[i] = value;
        self.mask |= 1 << i;
    }

    /// Stores `value` at `addr`; `origin` is where the stored register's value came from
    /// (`None`: a number or an address, which continues the cell's lineage), and becomes the
    /// cell's new lineage.
    fn store(&mut self, cells: &mut Cells, addr: i64, value: i64, origin: Option<&mut Origin>) {
        let mut cell = cells.cell(addr);
        self.lost = super::interpreter::store_lineage(
            &mut cell,
            origin.unwrap_or(&mut Origin::default()),
            addr as usize,
            value,
        );
        cells.put(addr, cell);
        self.cell = [addr, value];
        self.mask |= 4;
    }
}

/// Executes `op` at model PC `pc`, at time `now` (ticks), for the thread whose context is
/// `ctx`, on its process's `cells`. A negative address is a runtime error (x86.py has no cell
/// there), as is a `ret` to an address before the program.
pub fn execute(op: Op, ctx: &mut Context, cells: &mut Cells, pc: usize, now: Ticks) -> Effect {
    let mut step = Step::default();
    let Context { regs, loaded_from, flags: ctx_flags, .. } = ctx;
    // The cell a register's new value was read from (`mov addr, %r`, and the atomics).
    let mut loaded: Option<i64> = None;
    let val = |o: Operand, regs: &[i64]| match o {
        Operand::Imm(v) => v,
        Operand::Reg(r) => regs[r as usize],
    };
    macro_rules! at {
        ($addr:expr) => {{
            let a = $addr;
            if a < 0 {
                return Effect::fault(Fault::X86Address { address: a });
            }
            a
        }};
    }
    let mut next = pc + 1;
    match op {
        Op::Move { src, dst } => {
            let v = val(src, regs);
            step.reg(regs, dst, v);
        }
        Op::Load { addr, dst } => {
            let a = at!(addr.resolve(regs));
            step.reg(regs, dst, cells.get(a));
            loaded = Some(a);
        }
        Op::Store { src, addr } => {
            let a = at!(addr.resolve(regs));
            let origin = match src {
                Operand::Reg(r) => Some(&mut loaded_from[r as usize]),
                Operand::Imm(_) => None,
            };
            step.store(cells, a, val(src, regs), origin);
        }
        Op::Lea { addr, dst } => {
            let a = addr.resolve(regs);
            step.reg(regs, dst, a);
        }
        Op::Arith { op, src, dst } => {
            let (x, y) = (regs[dst as usize], val(src, regs));
            let v = match op {
                Arith::Add => x.wrapping_add(y),
                Arith::Sub => x.wrapping_sub(y),
                Arith::Mul => x.wrapping_mul(y),
            };
            step.reg(regs, dst, v);
        }
        Op::Neg { reg } => {
            let v = regs[reg as usize].wrapping_neg();
            step.reg(regs, reg, v);
        }
        Op::Test { a, b } => {
            let flags = Flags::of(val(b, regs), val(a, regs));
            *ctx_flags = flags;
            step.flags = Some(flags);
        }
        Op::Xchg { reg, addr } => {
            let a = at!(addr.resolve(regs));
            let old = cells.get(a);
            step.store(cells, a, regs[reg as usize], None);
            step.reg(regs, reg, old);
            loaded = Some(a);
        }
        Op::FetchAdd { reg, addr } => {
            let a = at!(addr.resolve(regs));
            let old = cells.get(a);
            step.store(cells, a, old.wrapping_add(regs[reg as usize]), None);
            step.reg(regs, reg, old);
            loaded = Some(a);
        }
        Op::PushReg { reg } => {
            let v = regs[reg as usize];
            let sp = at!(regs[SP as usize].wrapping_sub(4));
            step.reg(regs, SP, sp);
            step.store(cells, sp, v, None);
        }
        Op::PushAddr { addr } => {
            let v = addr.resolve(regs);
            let sp = at!(regs[SP as usize].wrapping_sub(4));
            step.reg(regs, SP, sp);
            step.store(cells, sp, v, None);
        }
        Op::Pop { dst } => {
            let sp = regs[SP as usize];
            if let Some(dst) = dst {
                let a = at!(sp);
                step.reg(regs, dst, cells.get(a));
            }
            let sp = regs[SP as usize].wrapping_add(4);
            step.reg(regs, SP, sp);
        }
        Op::PopSp { dst } => {
            let sp = regs[SP as usize];
            step.reg(regs, dst, sp);
            let sp = regs[SP as usize].wrapping_add(4);
            step.reg(regs, SP, sp);
        }
        Op::Call { target, ret } => {
            let sp = at!(regs[SP as usize].wrapping_sub(4));
            step.reg(regs, SP, sp);
            step.store(cells, sp, ret, None);
            next = target;
        }
        Op::Ret { base } => {
            let sp = at!(regs[SP as usize]);
            let address = cells.get(sp);
            step.reg(regs, SP, sp.wrapping_add(4));
            match usize::try_from(address.wrapping_sub(base)) {
                Ok(to) => next = to,
                Err(_) => return Effect::fault(Fault::X86Return { address }),
            }
        }
        Op::Nop => {}
        Op::Yield => return Effect::flow(Flow::Block(WaitReason::Io { until: now })),
        Op::Halt => return Effect::flow(Flow::Exit(0)),
    }
    // Where each register written now got its value, for the lineage of a later store: the
    // cell it was read from (its lineage now), or nothing; `add`, `sub` and `mul` keep it, as
    // the model's `add` does (`add $1, %ax` after `mov 2000, %ax` still holds 2000's value + 1).
    if !matches!(op, Op::Arith { .. }) {
        for (r, _) in step.regs() {
            loaded_from[r as usize] =
                loaded.map_or_else(Origin::default, |a| Origin::of(a as usize, cells.cell(a).chain));
        }
    }
    let effect = Effect::next(next);
    if step == Step::default() { effect } else { effect.with(Change::X86(step)) }
}

/// The first line of a thread's program written in x86.py's assembly: `.x86 locks` (or
/// `intro`), then the thread's start as `name=value` words: `load=1000` (the code's address),
/// `sp=128000`, and any register's value (`ax=1`). The next lines are the program, read by
/// [`asm::assemble`].
pub const HEADER: &str = ".x86";

/// The header line for a thread of `dialect` whose code is at `load`, with stack pointer `sp`
/// and the starting values `regs` (register names as x86.py's `-a`).
pub fn header(dialect: asm::Dialect, load: i64, sp: i64, regs: &[(Reg, i64)]) -> String {
    let mut line = format!("{HEADER} {} load={load} sp={sp}", dialect.name());
    for &(reg, value) in regs {
        line.push_str(&format!(" {}={value}", REGISTERS[reg as usize]));
    }
    line
}

/// The model program of `source` if its first line is an x86 header ([`HEADER`]): `None` for
/// any other program. Errors are located in `source` (the header is line 1).
pub fn parse_program(source: &str) -> Option<Result<super::program::Program, super::program::ProgramError>> {
    // Natively from the assembly; in WebAssembly (the page and its workers, which leave the
    // assembler out) from the assembled line the OSTEP mode wrote ([`assembled`]).
    #[cfg(not(target_arch = "wasm32"))]
    return header_line(source).map(|first| parse_headed(first, source));
    #[cfg(target_arch = "wasm32")]
    return header_line(source).map(|_| assembled::read(source));
}

/// Whether `source` starts with an x86 header ([`HEADER`]).
pub fn is_x86(source: &str) -> bool {
    header_line(source).is_some()
}

fn header_line(source: &str) -> Option<&str> {
    let first = source.lines().next()?;
    let rest = first.strip_prefix(HEADER)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(first)
}

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn parse_headed(first: &str, source: &str) -> Result<super::program::Program, super::program::ProgramError> {
    use super::program::ProgramError;
    let err = |word: &str, message: String| ProgramError {
        line: 1,
        column: (word.as_ptr() as usize - first.as_ptr() as usize) as u32 + 1,
        message,
    };
    let mut words = first.split_whitespace().skip(1);
    let dialect_word = words.next().unwrap_or("");
    let dialect = asm::Dialect::from_name(dialect_word)
        .ok_or_else(|| err(first, format!("`{HEADER}` names the version of x86.py: intro or locks")))?;
    let (mut load, mut sp, mut regs) = (1000, 128_000, Vec::new());
    for word in words {
        let parsed = word.split_once('=').and_then(|(k, v)| Some((k, v.parse::<i64>().ok()?)));
        let Some((key, value)) = parsed else {
            return Err(err(word, format!("expected name=number (load=1000, sp=128000, ax=1), found `{word}`")));
        };
        match key {
            "load" => load = value,
            "sp" => sp = value,
            _ => match dialect.register(key) {
                Some(reg) if reg != SP => regs.push((reg, value)),
                _ => return Err(err(word, format!("`{key}` is not a register of this x86.py"))),
            },
        }
    }
    // The header's line stays, blank, so the program's lines keep their numbers.
    let body: String = std::iter::once("").chain(source.lines().skip(1)).collect::<Vec<_>>().join("\n");
    let mut program = asm::assemble(&body, dialect, load)?.program(sp, &regs);
    // The variables as the page's reader gives them, with where they end.
    (program.cell_names, program.cell_addrs) = assembled::declared(source);
    Ok(program)
}

/// The condition a flag jump tests, from x86.py's mnemonic (`jgte` …), as the model's test.
pub fn jump_test(mnemonic: &str) -> Option<super::program::Test> {
    use super::program::Test;
    Some(match mnemonic {
        "je" => Test::Eq,
        "jne" => Test::Ne,
        "jlt" => Test::Lt,
        "jlte" => Test::Le,
        "jgt" => Test::Gt,
        "jgte" => Test::Ge,
        _ => return None,
    })
}
