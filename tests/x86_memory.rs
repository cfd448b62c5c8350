//! An x86.py run's memory at the cursor: the snapshot carries its numbered cells, named as
//! x86.py names them, and a store computed from a stale load of a cell is a lost update by the
//! model's lineage rule (`memory::Cell::chain`), as a variable's `store` is.
//!
//! The runs are worked by hand from the rules in `../shared/OSTEP.md`: one instruction per
//! tick, a switch every `-i` instructions (no switch cost), threads in tid order.

use threadlab::model::System;
use threadlab::model::trace::{Load, Overwritten, Place, Trace};
use threadlab::ostep;

/// OSTEP's threads-intro/looping-race-nolock.s: `bx` rounds of `value++` at address 2000.
const LOOPING_RACE: &str = "# assumes %bx has loop count in it\n\n.main\n.top\n# critical section\n\
    mov 2000, %ax  # get 'value' at address 2000\nadd $1, %ax    # increment it\n\
    mov %ax, 2000  # store it back\n\n# see if we're still looping\nsub  $1, %bx\ntest $0, %bx\njgt .top\n\nhalt\n";

/// The same with a declared variable (locks version): its cell is at 100.
const COUNT_VAR: &str = ".var count\n.main\nmov count, %ax\nadd $1, %ax\nmov %ax, count\nhalt\n";

/// Runs `threadlab ostep x86 FLAGS` on `program` as a model scenario; the system and trace.
fn x86_run(program: &str, flags: &str) -> (System, Trace) {
    let mut words: Vec<String> = vec!["x86".into()];
    words.extend(flags.split_whitespace().map(String::from));
    words.extend(["-p".into(), "prog.s".into(), "--scenario".into(), "--program-text".into(), program.into()]);
    let r = ostep::run_args(&words).unwrap();
    let (sys, result) = threadlab::model::run(&r.scenario).unwrap();
    (sys, result.trace.unwrap())
}

/// `-t 2 -i 2 -a bx=1`: thread 0 loads 0 and adds (ticks 0–2), thread 1 loads 0 (done at t=3)
/// and adds, thread 0 stores 1 (t=5) and subs, thread 1 stores its own 1 at t=7 over thread
/// 0's write it never saw: one lost update, and 2000 ends at 1 (x86.py's answer for these
/// flags).
#[test]
fn a_racy_cell_is_in_the_snapshot_and_its_lost_update_is_marked() {
    let (sys, trace) = x86_run(LOOPING_RACE, "-t 2 -i 2 -a bx=1");
    // Before any store the cell is not shown (never written); after both, it holds 1.
    assert_eq!(trace.snapshot(&sys, 1, 4).cells[0].written().count(), 0);
    assert_eq!(trace.snapshot(&sys, 1, 5).cells[0].written().collect::<Vec<_>>(), vec![(2000, 1)]);
    let end = trace.snapshot(&sys, 1, trace.end_time());
    assert_eq!(end.cells[0].written().collect::<Vec<_>>(), vec![(2000, 1)]);
    // No `.var`: the cell is named by its address, as x86.py's -M column is.
    assert_eq!(Place::Cell(2000).name(&sys, 0), "2000");
    assert_eq!(trace.lost_update_times(), vec![7]);
    let lost = trace.lost_updates_at(&sys, 7);
    assert_eq!(lost.len(), 1);
    let l = &lost[0];
    assert_eq!((l.pid, l.place, l.tid, l.value), (0, Place::Cell(2000), 1, 1));
    assert_eq!(l.load, Some(Load { time: 3, value: 0 }));
    let over = Overwritten { tid: 0, value: 1, delta: 1, time: 5, load: Some(Load { time: 1, value: 0 }) };
    assert_eq!(l.overwritten, vec![over]);
}

/// `-i 3` switches between whole rounds (load, add, store each time in one turn): 2 rounds
/// each make 2000 = 4 and nothing is lost; the lineage rule marks no store.
#[test]
fn whole_critical_sections_lose_nothing() {
    let (sys, trace) = x86_run(LOOPING_RACE, "-t 2 -i 3 -a bx=2");
    assert_eq!(trace.snapshot(&sys, 1, trace.end_time()).cells[0].written().collect::<Vec<_>>(), vec![(2000, 4)]);
    assert_eq!(trace.lost_update_times(), Vec::<u64>::new());
}

/// A `.var`'s cell is named by the variable (the page's reader, which reads the assembled line
/// instead of assembling, gives the same names); `-i 1` interleaves the loads: thread 1's store
/// at t=6 cuts thread 0's at t=5.
#[test]
fn a_declared_cell_is_named_by_its_variable() {
    let (sys, trace) = x86_run(COUNT_VAR, "-t 2 -i 1");
    assert_eq!(Place::Cell(100).name(&sys, 0), "count");
    assert_eq!(trace.snapshot(&sys, 1, trace.end_time()).cells[0].written().collect::<Vec<_>>(), vec![(100, 1)]);
    let lost = trace.lost_updates_at(&sys, 6);
    assert_eq!(
        lost.iter().map(|l| (l.place, l.tid, l.overwritten.len())).collect::<Vec<_>>(),
        vec![(Place::Cell(100), 1, 1)]
    );
}

/// A cell at an address past 2³² (x86.py's memory has none; here a load past `-m` reads 0)
/// neither panics nor marks a lost update it did not see: address 2³² − 1's lineage is not
/// followed, and 2³² + 5 is taken as 5 modulo 2³² (only ever compared with its own loads).
#[test]
fn far_addresses_are_safe() {
    for addr in [4_294_967_295_i64, 4_294_967_301] {
        let prog = format!(".main\nmov {addr}, %ax\nadd $1, %ax\nmov %ax, {addr}\nhalt\n");
        let (sys, trace) = x86_run(&prog, "-t 2 -i 1");
        assert_eq!(trace.snapshot(&sys, 1, trace.end_time()).cells[0].written().collect::<Vec<_>>(), vec![(addr, 1)]);
        let marked = trace.lost_update_times().len();
        assert_eq!(marked, if addr == 4_294_967_295 { 0 } else { 1 }, "{addr}");
    }
}

/// The run's metrics list the written cells after the variables, with their final value and
/// lost updates, so the metrics table, `threadlab run --json` and `compare --metric
/// lost_updates` count a racy x86 run's lost update (worked above: `-i 2` loses one, 2000 ends
/// at 1; `-i 3` with 2 rounds each loses none and ends at 4; a `.var` cell is named `count`).
#[test]
fn the_metrics_count_a_cells_final_value_and_lost_updates() {
    let cells = |program: &str, flags: &str| {
        let mut words: Vec<String> = vec!["x86".into()];
        words.extend(flags.split_whitespace().map(String::from));
        words.extend(["-p".into(), "prog.s".into(), "--scenario".into(), "--program-text".into(), program.into()]);
        let r = ostep::run_args(&words).unwrap();
        let (_, result) = threadlab::model::run(&r.scenario).unwrap();
        result.metrics.variables.iter().map(|v| (v.name.clone(), v.value, v.lost_updates)).collect::<Vec<_>>()
    };
    assert_eq!(cells(LOOPING_RACE, "-t 2 -i 2 -a bx=1"), vec![("2000".to_string(), 1, 1)]);
    assert_eq!(cells(LOOPING_RACE, "-t 2 -i 3 -a bx=2"), vec![("2000".to_string(), 4, 0)]);
    assert_eq!(cells(COUNT_VAR, "-t 2 -i 1"), vec![("count".to_string(), 1, 1)]);
}

/// The interleaving explorer follows the cells: two threads each adding 1 twice to 2000 without
/// a lock end with 2, 3 or 4 (as the model's own race-twice does), and a `.var` cell is a
/// column named by its variable (`count`: 1 or 2). Before the cells were in its state and its
/// final values, it found one final state with no column.
#[test]
fn the_explorer_lists_every_final_value_of_a_cell() {
    let finals = |program: &str, flags: &str| {
        let mut words: Vec<String> = vec!["x86".into()];
        words.extend(flags.split_whitespace().map(String::from));
        words.extend(["-p".into(), "prog.s".into(), "--scenario".into(), "--program-text".into(), program.into()]);
        let r = ostep::run_args(&words).unwrap();
        let e = threadlab::model::explore::explore(&r.scenario, 100_000).unwrap();
        let names: Vec<String> = e.variables.iter().map(|v| v.name.clone()).collect();
        (names, e.finals.iter().map(|f| f.values.clone()).collect::<Vec<_>>())
    };
    assert_eq!(finals(LOOPING_RACE, "-t 2 -a bx=2"), (vec!["2000".to_string()], vec![vec![2], vec![3], vec![4]]));
    assert_eq!(finals(COUNT_VAR, "-t 2"), (vec!["count".to_string()], vec![vec![1], vec![2]]));
}

/// OSTEP-style program (locks version) with a counter and an array, and a push and pop: each
/// thread adds 1 to `count`, stores its `%ax` in `slots[%ax]` (x86.py gives a `.var` 4
/// addresses a cell, so `.var slots 4` after `count` spans 104–119), and pushes and pops it.
const ARRAY_STACK: &str = ".var count\n.var slots 4\n.main\nmov count, %bx\nadd $1, %bx\nmov %bx, count\n\
    lea slots, %cx\nmov %ax, 0(%cx,%ax,4)\npush %ax\npop %dx\nhalt\n";

/// A cell of an array is named by the declaration it falls in and its index (`slots[1]` at
/// 104, not the address, which a walk saw in the memory view), a lone `.var` by its name, an
/// address between two cells or past the variables by the address; the page's reader (the
/// assembled line) names them alike.
#[test]
fn an_array_cell_is_named_by_its_declaration_and_index() {
    let (sys, _) = x86_run(ARRAY_STACK, "-t 2 -a ax=0,ax=1");
    let name = |a: i64| Place::Cell(a).name(&sys, 0);
    let names: Vec<String> = [100, 104, 108, 116, 101, 106, 120, 2000].iter().map(|&a| name(a)).collect();
    assert_eq!(names, ["count", "slots[0]", "slots[1]", "slots[3]", "101", "106", "120", "2000"]);
    // The array alone (the fixture), last declared: its end is known too.
    let (sys, _) = x86_run(include_str!("fixtures/x86/array.s"), "-t 2");
    let names: Vec<String> = [100, 112, 116].iter().map(|&a| Place::Cell(a).name(&sys, 0)).collect();
    assert_eq!(names, ["slots[0]", "slots[3]", "116"]);
    // As the page reads them: from the assembled line.
    let code = |sys: &System| sys.processes[0].threads.iter().map(|&t| sys.program_of(t).clone()).collect::<Vec<_>>();
    let words: Vec<String> = ["x86", "-t", "2", "-p", "p.s", "--scenario", "--program-text", ARRAY_STACK]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let r = ostep::run_args(&words).unwrap();
    for t in &r.scenario.processes[0].threads {
        let text = t.code.as_ref().unwrap().text().to_string();
        let read = threadlab::model::x86::assembled::read(&text).unwrap();
        assert_eq!(read.cell_name(108), "slots[1]");
        assert_eq!(Some(read), threadlab::model::x86::parse_program(&text).and_then(Result::ok));
    }
    let (sys, _) = threadlab::model::run(&r.scenario).unwrap();
    assert_eq!(code(&sys)[0].cell_name(104), "slots[0]");
}

/// The memory view lists an x86.py process's declared cells and the cells its program names
/// by address from t = 0, at 0 (x86.py's memory starts all 0), as it lists a model's declared
/// variables (a walk saw "No variables." until the first store); an array's cells one by one;
/// the cells `push` writes after the shared ones, each with the thread whose stack it is in
/// (from its first `sp` down).
#[test]
fn the_memory_view_lists_declared_and_named_cells_from_the_start_and_stacks_apart() {
    use threadlab::model::x86::{ShownCell, shown_cells};
    let shared = |addr, value| ShownCell { addr, value, stack_of: None };
    let (sys, trace) = x86_run(LOOPING_RACE, "-t 2 -i 2 -a bx=1");
    assert_eq!(shown_cells(&sys, 0, &trace.snapshot(&sys, 1, 0).cells[0]), vec![shared(2000, 0)]);
    assert_eq!(shown_cells(&sys, 0, &trace.snapshot(&sys, 1, 7).cells[0]), vec![shared(2000, 1)]);

    let (sys, trace) = x86_run(ARRAY_STACK, "-t 2 -i 100 -a ax=0,ax=1");
    let at_start = shown_cells(&sys, 0, &trace.snapshot(&sys, 1, 0).cells[0]);
    assert_eq!(at_start, [100, 104, 108, 112, 116].map(|a| shared(a, 0)));
    // At the end: count 2, thread 1 stored its 1 in slots[1] (thread 0 its 0 in slots[0]), and
    // each pushed its %ax just below its sp (128000 and 127000).
    let end = shown_cells(&sys, 0, &trace.snapshot(&sys, 1, trace.end_time()).cells[0]);
    // The shared cells first, by address, then each thread's stack, in thread order.
    let mut want = vec![shared(100, 2), shared(104, 0), shared(108, 1), shared(112, 0), shared(116, 0)];
    want.push(ShownCell { addr: 127_996, value: 0, stack_of: Some(0) });
    want.push(ShownCell { addr: 126_996, value: 1, stack_of: Some(1) });
    assert_eq!(end, want);
    // A model scenario's process has none.
    let plain = threadlab::page::run::Run::from_json(include_str!("../presets/race-unsafe.json")).unwrap();
    assert_eq!(shown_cells(&plain.system, 0, &Default::default()), vec![]);
}

/// x86.py's threads are all equal: none is its process's main thread (the thread table gave
/// thread 0 a "main" badge); a model scenario's first thread still is.
#[test]
fn no_x86_thread_is_main() {
    let (sys, _) = x86_run(LOOPING_RACE, "-t 3");
    assert!(sys.threads.iter().all(|t| !t.is_main));
    let plain = threadlab::page::run::Run::from_json(include_str!("../presets/race-unsafe.json")).unwrap();
    let main: Vec<bool> = plain.system.threads.iter().map(|t| t.is_main).collect();
    assert!(main[0]);
    assert!(main[1..].iter().all(|&m| !m), "{main:?}");
}

/// The code view's lines of an x86.py program leave out its assembled line (`# assembled D W …`,
/// a digest that wrapped across a phone's screen), which the scenario's text keeps; the lines
/// keep their numbers (it is the last). A model program's comment of the same words stays.
#[test]
fn the_code_view_leaves_out_the_assembled_line() {
    let words: Vec<String> = ["x86", "-t", "2", "-p", "p.s", "--scenario", "--program-text", LOOPING_RACE]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let r = ostep::run_args(&words).unwrap();
    let (sys, _) = threadlab::model::run(&r.scenario).unwrap();
    let summary = threadlab::page::summary::Summary::of(&r.scenario, &sys);
    let text = r.scenario.processes[0].threads[1].code.as_ref().unwrap().text().to_string();
    assert!(text.lines().last().unwrap().starts_with("# assembled "), "{text}");
    let (_, lines) = summary.source_of(&sys, 1);
    assert_eq!(lines, &text.lines().collect::<Vec<_>>()[..text.lines().count() - 1]);
    assert!(lines[0].starts_with(".x86 locks") && lines.last().unwrap() == "halt", "{lines:?}");
    assert_eq!(threadlab::model::listing::source_of(&r.scenario, &sys, 1).1, lines);
    let model = ".main\nhalt\n# assembled 1 2";
    assert_eq!(threadlab::model::x86::assembled::shown_lines(model).count(), 3);
}
