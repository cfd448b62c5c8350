//! The Races panel (`?mode=races`): three ways to see that a racy program's answer depends on
//! the order its threads run in, each on the scenario in use, as markup its worker writes
//! (`src/workers/races.rs`):
//!
//! - **Be the scheduler**: on one CPU, the learner picks which ready thread runs its next
//!   instruction (a button per thread; `Alt`+digit as access keys), one step at a time, on the
//!   explorer's machine ([`Walk`]); the steps so far travel in the form (`steps`, thread ids),
//!   so Undo drops the last one and the worker replays the rest. The steps become a schedule
//!   (x86.py's `-P`, one entry per tick), shown with its JSON, the command line that replays
//!   it, a download of the scenario that follows it, and a button that opens that scenario on
//!   the timeline (the page opens the text in a pressed button named `open`).
//! - **Every interleaving**: the explorer ([`explore::explore_system`]) lists every final value
//!   with how many interleavings end there and a schedule for each, with a button that opens
//!   it on the timeline; past its limit, it says so and what to do.
//! - **Many seeds**: the scenario run under N consecutive seeds ([`seeds::run_seeds_loaded`]),
//!   a histogram of each variable's final values (an SVG bar chart and a table).

use std::fmt::Write;

use super::fields::Fields;
use super::html::{alert, esc, with_code};
use super::{Ready, Task, Work, read_job};
use crate::markup::fixed;
use crate::messaging::lab::LabJob;
use crate::messaging::reader::ReadJob;
use crate::messaging::wire::RunBytes;
use crate::model::explore::{self, EndKind, Exploration, ExploreError, Reduction, Walk};
use crate::model::memory::Cell;
use crate::model::outcome::Outcome;
use crate::model::scenario::text;
use crate::model::scenario::{ScenarioEdit, SchedulerSpec, seeded_text};
use crate::model::schedule::Schedule;
use crate::model::seeds::{self, SeedReport};
use crate::model::trace::Place;
use crate::model::{LoadedRun, System, ThreadId};

/// The panel's tools: key (the form's `tool`) and label.
pub const TOOLS: [(&str, &str); 3] =
    [("steer", "Be the scheduler"), ("explore", "Every interleaving"), ("seeds", "Many seeds")];

/// The explorer's limit the form starts with (states stored, or interleavings counted).
pub const DEFAULT_LIMIT: u64 = explore::DEFAULT_LIMIT as u64;

/// The highest limit the form takes (a search that large takes seconds in a browser).
pub const MAX_LIMIT: u64 = 1_000_000;

/// Runs the seeds form starts with.
pub const DEFAULT_RUNS: u64 = 100;

/// The most runs the form takes (each is read and run by the worker's own workers, its trace
/// recorded: a second or so per thousand runs of a small scenario).
pub const MAX_RUNS: u64 = 1_000;

/// The scenario in use as its reader answered it: its name and the loaded run.
pub struct Base<'a> {
    /// The author's text (the scenarios opened from here are it, edited).
    pub text: &'a str,
    /// Its name.
    pub name: &'a str,
    /// The loaded run.
    pub run: &'a LoadedRun,
}

/// The panel's work for a submitted form (`job.fields`) on the scenario in use (`base`, or
/// why its reader refused it): its markup at once, or, for many seeds, the runs to make first
/// (by the worker's own reader and simulation workers).
pub fn answer(job: &LabJob, base: Result<Base, String>) -> Work {
    answer_observed(job, base, &mut |_, _| {})
}

/// How far Every interleaving's search has got, as the worker reports it to the page in
/// [`crate::messaging::nested::FromNested::Counted`]: `done` is the count and `total` says what
/// is counted, this ([`Reduction::None`]'s first pass: interleavings followed to their end) or
/// [`COUNTING_STATES`].
pub const COUNTING_INTERLEAVINGS: u32 = 0;

/// See [`COUNTING_INTERLEAVINGS`]: distinct states stored ([`Reduction::PartialOrder`]).
pub const COUNTING_STATES: u32 = 1;

/// [`answer`], calling `progress` now and then while Every interleaving explores, with what it
/// counts ([`COUNTING_INTERLEAVINGS`] or [`COUNTING_STATES`]) and the count so far
/// ([`explore::explore_observed`]).
pub fn answer_observed(job: &LabJob, base: Result<Base, String>, progress: &mut dyn FnMut(u32, u64)) -> Work {
    let f = Fields(&job.fields);
    let tool = f.get("tool").filter(|t| TOOLS.iter().any(|(k, _)| k == t)).unwrap_or("steer");
    let out = nav(tool);
    let base = match base {
        Ok(b) => b,
        Err(e) => return Box::new(Ready(out + &alert(&format!("The scenario in use cannot be read: {e}")))),
    };
    match tool {
        "explore" => Box::new(Ready(out + &explore_tool(&f, &base, progress))),
        "seeds" => seeds_tool(&f, &base, out),
        _ => Box::new(Ready(out + &steer_tool(&f, &base))),
    }
}

/// Many seeds' runs, one per seed, and the markup before their results.
struct SeedRuns {
    /// The tool menu, the hint and the form, open (its `</form>` comes after the results).
    head: String,
    /// The scenario's text (each run is read from it with its seed).
    text: String,
    /// Its scheduler (a seed seeds its own generators too: [`seeds::also_seeds`]).
    scheduler: SchedulerSpec,
    from: u64,
    count: u64,
}

impl Task for SeedRuns {
    fn reads(&self) -> Vec<ReadJob> {
        (0..self.count).map(|i| read_job(&self.text, vec![ScenarioEdit::Seed(self.from + i)])).collect()
    }
    fn finish(self: Box<Self>, results: &[RunBytes]) -> String {
        let report = seeds::tally(self.from, results.iter().map(|r| (r.outcome.clone(), r.metrics.clone())));
        self.head + &histograms(&self.text, &self.scheduler, &report) + "</form>"
    }
    fn form_only(self: Box<Self>) -> String {
        self.head + "</form>"
    }
}

/// The tool menu: a button per tool, the one shown pressed.
fn nav(tool: &str) -> String {
    let mut out = String::from(
        r#"<form class="lab-form" aria-label="Races tools"><div class="buttons" role="group" aria-label="Tool">"#,
    );
    for (key, label) in TOOLS {
        let _ = write!(
            out,
            r#"<button type="submit" name="tool" value="{key}" data-testid="races-tool-{key}" aria-pressed="{}">{label}</button>"#,
            key == tool
        );
    }
    out.push_str("</div></form>");
    out
}

/// `sys`'s thread `tid` as the panel names it: `process/thread (T0)`.
fn who(sys: &System, tid: ThreadId) -> String {
    format!("{} (T{tid})", sys.thread_label(tid))
}

/// The variables and their values, `counter = 3`, with the expected value when one is set.
fn variables(sys: &System, values: &[i64], cells: &[(usize, i64, Cell)]) -> String {
    let mut out = String::from(r#"<ul class="races-vars" aria-label="Variables">"#);
    let mut i = 0;
    for p in &sys.processes {
        for (name, expected) in p.space.variables.iter().zip(&p.space.expected) {
            let v = values.get(i).copied().unwrap_or_default();
            let want = expected
                .map(|e| format!(" <small class=\"muted\">(a correct run ends with {e})</small>"))
                .unwrap_or_default();
            let _ = write!(
                out,
                r#"<li><code>{}/{}</code> = <strong data-testid="races-var-{}">{v}</strong>{want}</li>"#,
                esc(&p.name),
                esc(name),
                esc(name)
            );
            i += 1;
        }
    }
    // An x86.py program's memory: its cells, named as x86.py names them.
    for (pid, addr, cell) in cells {
        let p = &sys.processes[*pid];
        let name = Place::Cell(*addr).name(sys, *pid);
        let _ = write!(
            out,
            r#"<li><code>{}/{}</code> = <strong data-testid="races-var-{}">{}</strong></li>"#,
            esc(&p.name),
            esc(&name),
            esc(&name),
            cell.value
        );
    }
    out.push_str("</ul>");
    out
}

/// The scenario text that follows `schedule` on one CPU with the scripted policy (the rest
/// as the author wrote it), named after it; `None` if the text cannot be edited in place.
pub fn scripted_text(source: &str, name: &str, schedule: &Schedule, what: &str) -> Option<String> {
    let mut out = text::set(source, "machine.cpus", "1")?;
    if text::span(&out, "machine.cache").is_some() {
        out = text::remove(&out, "machine.cache")?;
    }
    let scheduler = format!(r#"{{"policy": "scripted", "schedule": "{schedule}"}}"#);
    out = text::set(&out, "scheduler", &scheduler)?;
    let title = format!("{name} · {what} {schedule}");
    text::set(&out, "name", &json_string(&title))
}

/// `s` as a JSON string.
fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` percent-encoded for a `data:` address.
fn data_url(text: &str) -> String {
    let mut out = String::from("data:application/json;charset=utf-8,");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A button that opens `text` on the timeline (the page opens a pressed button named `open`).
fn open_button(text: &str, label: &str, testid: &str, autofocus: bool) -> String {
    format!(
        r#"<button type="submit" name="open" value="{}" data-testid="{testid}"{}>{}</button>"#,
        esc(text),
        if autofocus { " data-autofocus" } else { "" },
        esc(label)
    )
}

/// Be the scheduler.
fn steer_tool(f: &Fields, base: &Base) -> String {
    let sys = &base.run.system;
    let mut out = String::from(
        r#"<p class="hint">You are the scheduler of one CPU: press a thread to run its next instruction. Make the threads interleave so that an update is lost, then replay your schedule on the timeline.</p>"#,
    );
    let mut walk = match Walk::new(sys) {
        Ok(w) => w,
        Err(e) => {
            return out
                + &alert(&format!(
                    "{e}. Pick a scenario whose threads all start together and use fixed lengths, such as the preset “Race, small”."
                ));
        }
    };
    // The steps so far, as sent, then the button pressed.
    let mut picks: Vec<ThreadId> =
        f.get("steps").unwrap_or("").split(',').filter_map(|s| s.trim().parse().ok()).collect();
    let mut note = String::new();
    if f.has("restart") {
        picks.clear();
    } else if f.has("undo") {
        picks.pop();
    } else if let Some(t) = f.get("pick").and_then(|t| t.parse().ok()) {
        picks.push(t);
    }
    // Replay them (a scenario changed since may not take them: keep what it takes).
    let mut history: Vec<(ThreadId, Option<usize>)> = Vec::new();
    for (i, &t) in picks.iter().enumerate() {
        let pc = if walk.ready().contains(&t) { walk.next_pc(sys, t) } else { None };
        if walk.step(sys, t).is_err() {
            note = format!(
                "Step {} of the steps sent could not be taken in this scenario: the steps before it are kept.",
                i + 1
            );
            break;
        }
        history.push((t, pc));
    }
    let steps: Vec<String> = history.iter().map(|(t, _)| t.to_string()).collect();
    let last = history.last().map(|&(t, _)| t);
    let _ = write!(
        out,
        r#"<form class="lab-form" data-testid="steer-form" aria-label="Be the scheduler"><input type="hidden" name="tool" value="steer"><input type="hidden" name="steps" value="{}">"#,
        steps.join(",")
    );
    if !note.is_empty() {
        let _ = write!(out, r#"<p class="error" role="alert">{}</p>"#, esc(&note));
    }
    // The threads, with a button each.
    let ready = walk.ready();
    let focus = last.filter(|t| ready.contains(t)).or(ready.first().copied());
    out.push_str(r#"<div class="table-scroll" tabindex="0" role="region" aria-label="Threads"><table class="lab-table" data-testid="steer-threads"><caption>The threads, and the instruction each runs next</caption><thead><tr><th scope="col">Thread</th><th scope="col">State</th><th scope="col">Next instruction</th><th scope="col">Registers</th><th scope="col">Run it</th></tr></thead><tbody>"#);
    for tid in 0..sys.threads.len() {
        let program = sys.program_of(tid);
        let status = walk.status_word(tid);
        let next = if status == "ready" {
            match walk.next_pc(sys, tid) {
                Some(pc) => format!("line {}: <code>{}</code>", program.lines[pc], esc(program.text(pc))),
                None => "its end".to_string(),
            }
        } else {
            "—".to_string()
        };
        let regs: Vec<String> = walk
            .registers(tid)
            .iter()
            .enumerate()
            .filter(|(_, v)| **v != 0)
            .map(|(i, v)| format!("{} = {v}", sys.program_of(tid).register_name(i)))
            .collect();
        let button = if ready.contains(&tid) {
            let key = if tid < 10 { format!(r#" accesskey="{tid}""#) } else { String::new() };
            format!(
                r#"<button type="submit" name="pick" value="{tid}" data-testid="steer-pick-{tid}"{key}{}>Run {}</button>"#,
                if focus == Some(tid) { " data-autofocus" } else { "" },
                esc(&who(sys, tid))
            )
        } else {
            String::new()
        };
        let _ = write!(
            out,
            r#"<tr data-testid="steer-thread" data-tid="{tid}" data-state="{status}"><th scope="row">{}</th><td>{status}</td><td>{next}</td><td>{}</td><td>{button}</td></tr>"#,
            esc(&who(sys, tid)),
            if regs.is_empty() { "all 0".to_string() } else { regs.join(", ") }
        );
    }
    out.push_str("</tbody></table></div>");
    out.push_str(
        r#"<p class="hint" data-testid="steer-keys">Keyboard: each Run button's access key is its thread's number (0 to 9): Alt+number in most browsers, Alt+Shift+number in Firefox, Control+Option+number on a Mac.</p>"#,
    );
    out.push_str(&variables(sys, &walk.values(), &walk.cells()));
    let _ = write!(
        out,
        r#"<div class="buttons"><button type="submit" name="undo" value="1" data-testid="steer-undo"{}>Undo the last step</button><button type="submit" name="restart" value="1" data-testid="steer-restart"{}>Start again</button></div>"#,
        if history.is_empty() { " disabled" } else { "" },
        if history.is_empty() { " disabled" } else { "" }
    );
    // The steps taken.
    if !history.is_empty() {
        out.push_str(r#"<ol class="races-steps" data-testid="steer-steps" aria-label="Steps taken">"#);
        for (t, pc) in &history {
            let program = sys.program_of(*t);
            let what = pc.map_or("its end".to_string(), |pc| {
                format!("line {}: <code>{}</code>", program.lines[pc], esc(program.text(pc)))
            });
            let _ = write!(out, "<li>{} ran {what}</li>", esc(&sys.thread_label(*t)));
        }
        out.push_str("</ol>");
    }
    let schedule = walk.schedule();
    if let Some(end) = walk.ended(sys) {
        let _ = write!(
            out,
            r#"<p class="lab-summary" role="status" data-testid="steer-end">{}</p>"#,
            with_code(&ending(sys, &end, &walk.values(), &walk.cells()))
        );
    } else if !ready.is_empty() {
        let _ = write!(
            out,
            r#"<p class="muted" role="status" data-testid="steer-status">Step {}: {} can run.</p>"#,
            history.len() + 1,
            ready.iter().map(|&t| esc(&sys.thread_label(t))).collect::<Vec<_>>().join(", ")
        );
    }
    if !schedule.is_empty() {
        out.push_str(&export(base, &schedule, "your schedule", walk.ended(sys).is_some()));
    }
    out.push_str("</form>");
    out
}

/// How a walk ended, in words, with the variables against their expected values.
fn ending(sys: &System, end: &Outcome, values: &[i64], cells: &[(usize, i64, Cell)]) -> String {
    let mut lost = Vec::new();
    let mut i = 0;
    for p in &sys.processes {
        for (name, expected) in p.space.variables.iter().zip(&p.space.expected) {
            if let Some(e) = *expected
                && values[i] != e
            {
                lost.push(format!("`{name}` is {} where a correct run ends with {e}", values[i]));
            }
            i += 1;
        }
    }
    // An x86.py cell has no expected value: its lost updates (the model's lineage rule) say it.
    for (pid, addr, cell) in cells.iter().filter(|c| c.2.lost() > 0) {
        let n = cell.lost();
        let name = Place::Cell(*addr).name(sys, *pid);
        lost.push(format!("`{name}` is {} after {n} lost update{}", cell.value, if n == 1 { "" } else { "s" }));
    }
    let how = match end {
        Outcome::Completed => "Every thread finished".to_string(),
        other => other.message(),
    };
    if lost.is_empty() {
        format!("{how}: every variable ends as a correct run would.")
    } else {
        format!("{how}: {}. Your order lost an update.", lost.join("; "))
    }
}

/// The schedule's forms (x86.py's `-P`, the JSON, the command line), a download of the scenario
/// that follows it, and the button that opens that scenario on the timeline.
fn export(base: &Base, schedule: &Schedule, what: &str, focus: bool) -> String {
    let mut out = String::from(r#"<section class="lab-result" aria-label="Schedule" data-testid="steer-export">"#);
    let _ = write!(
        out,
        r#"<p>The schedule ({} µs, one thread id per µs, as OSTEP's <code>x86.py -P</code>): <code data-testid="steer-schedule">{schedule}</code></p><p>In a scenario's JSON: <code data-testid="steer-json">{}</code></p><p>From the command line: <code data-testid="steer-cli">threadlab run FILE --schedule {schedule}</code></p>"#,
        schedule.len(),
        esc(&format!(r#""scheduler": {{"policy": "scripted", "schedule": "{schedule}"}}"#))
    );
    match scripted_text(base.text, base.name, schedule, what) {
        Some(text) => {
            let _ = write!(
                out,
                r#"<div class="buttons">{}<a class="button" download="schedule-{schedule}.json" href="{}" data-testid="steer-download">Download the scenario with this schedule</a></div>"#,
                open_button(&text, "Replay it on the timeline", "steer-open", focus),
                esc(&data_url(&text))
            );
        }
        None => out.push_str(&alert(
            "The scenario's text could not be edited to follow the schedule: set `scheduler` by hand.",
        )),
    }
    out.push_str("</section>");
    out
}

/// Every interleaving.
fn explore_tool(f: &Fields, base: &Base, progress: &mut dyn FnMut(u32, u64)) -> String {
    let sys = &base.run.system;
    let mut out = String::from(
        r#"<p class="hint">Every order in which the threads' instructions can run on one CPU, and every final value those orders reach, each with a schedule that produces it.</p>"#,
    );
    let limit = f.number("limit", "Limit", 1, MAX_LIMIT);
    let _ = write!(
        out,
        r#"<form class="lab-form" data-testid="explore-form" aria-label="Explore every interleaving"><input type="hidden" name="tool" value="explore"><div class="lab-fields"><label class="field"><span>Limit</span><input type="text" inputmode="numeric" name="limit" value="{}" aria-describedby="hint-limit" autocomplete="off" data-testid="explore-limit-field"><small id="hint-limit" class="muted">interleavings counted, or states stored, before the search gives up (1 to {MAX_LIMIT})</small></label></div><div class="buttons"><button class="primary" type="submit" data-testid="explore-run">Explore</button></div>"#,
        esc(f.get("limit").unwrap_or(&DEFAULT_LIMIT.to_string()))
    );
    let limit = match limit {
        Ok(l) => l.unwrap_or(DEFAULT_LIMIT) as usize,
        Err(e) => return out + &alert(&e.to_string()) + "</form>",
    };
    // Every interleaving, counted, if there are few enough; else each state once (as
    // `threadlab explore` searches).
    let result = explore::explore_counted(sys, limit, &mut |reduction, n| {
        progress(if reduction == Reduction::None { COUNTING_INTERLEAVINGS } else { COUNTING_STATES }, n)
    });
    match result {
        Ok(x) => out.push_str(&explored(base, &x)),
        Err(ExploreError::Limit { limit, found, .. }) => out.push_str(&too_big(limit as u64, found)),
        Err(e) => out.push_str(&alert(&format!("{e}. Pick a scenario whose threads all start together and use fixed lengths, such as the preset “Race, small”."))),
    }
    out.push_str("</form>");
    out
}

/// The final states found, as a summary, a table and a button each.
fn explored(base: &Base, x: &Exploration) -> String {
    let mut out =
        String::from(r#"<section class="lab-result" aria-label="Final values" data-testid="explore-result">"#);
    // One set of values per variable.
    for (i, v) in x.variables.iter().enumerate() {
        let list: Vec<String> = x.values_of(i).iter().map(i64::to_string).collect();
        let _ = write!(
            out,
            r#"<p class="lab-summary" data-testid="explore-set" data-variable="{}" data-values="{}"><code>{}</code> can end with {{{}}}.</p>"#,
            esc(&v.name),
            list.join(","),
            esc(&format!("{}/{}", v.process, v.name)),
            list.join(", ")
        );
    }
    let _ = write!(out, r#"<p class="muted" data-testid="explore-how">{}.</p>"#, esc(&explore::text::how(x)));
    let _ = write!(
        out,
        r#"<div class="table-scroll" tabindex="0" role="region" aria-label="Final states"><table class="lab-table" data-testid="explore-table"><caption>Each final state, how many {} end there, and one schedule that gets there</caption><thead><tr><th scope="col">End</th>"#,
        explore::text::counted(x)
    );
    for v in &x.variables {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, esc(&v.name));
    }
    out.push_str(r#"<th scope="col">Count</th><th scope="col">Schedule (<code>-P</code>)</th><th scope="col">Watch it</th></tr></thead><tbody>"#);
    for (i, fin) in x.finals.iter().enumerate() {
        let end = match fin.end {
            EndKind::Completed => "completed",
            EndKind::Deadlock => "deadlock",
            EndKind::RuntimeError => "error",
        };
        let values: Vec<String> = fin.values.iter().map(i64::to_string).collect();
        let _ = write!(
            out,
            r#"<tr data-testid="explore-final" data-values="{}" data-schedule="{}"><th scope="row">{end}</th>"#,
            values.join(","),
            fin.schedule
        );
        for v in &values {
            let _ = write!(out, r#"<td>{v}</td>"#);
        }
        let open = match scripted_text(base.text, base.name, &fin.schedule, "interleaving") {
            Some(text) => open_button(
                &text,
                &format!("Show on the timeline ({})", values.join(", ")),
                &format!("explore-open-{i}"),
                false,
            ),
            None => String::new(),
        };
        let _ = write!(out, r#"<td>{}</td><td><code>{}</code></td><td>{open}</td></tr>"#, fin.schedules, fin.schedule);
    }
    out.push_str("</tbody></table></div>");
    for fin in x.finals.iter().filter(|f| f.outcome != Outcome::Completed) {
        let _ = write!(out, r#"<p class="muted">{}: {}</p>"#, fin.schedule, with_code(&fin.outcome.message()));
    }
    out.push_str("</section>");
    out
}

/// Many seeds: the form, and the runs to make.
fn seeds_tool(f: &Fields, base: &Base, mut out: String) -> Work {
    let run = base.run;
    out.push_str(
        r#"<p class="hint">The scenario run again and again, each time with the next seed (the seed draws <code>compute A..B</code> and <code>io A..B</code> lengths and a lottery's picks), and how often each variable ended with each value: one clean run proves nothing.</p>"#,
    );
    let also = seeds::also_seeds_text(&seeds::also_seeds(&run.scheduler));
    if !also.is_empty() {
        let _ = write!(out, r#"<p class="hint" data-testid="seeds-also">{}</p>"#, with_code(&also));
    }
    let runs = f.number("runs", "Runs", 1, MAX_RUNS);
    let from = f.number("from", "First seed", 0, u64::MAX - MAX_RUNS);
    let _ = write!(
        out,
        r#"<form class="lab-form" data-testid="seeds-form" aria-label="Many seeds"><input type="hidden" name="tool" value="seeds"><div class="lab-fields"><label class="field"><span>Runs</span><input type="text" inputmode="numeric" name="runs" value="{}" autocomplete="off" aria-describedby="hint-runs" data-testid="seeds-runs"><small id="hint-runs" class="muted">one per seed, 1 to {MAX_RUNS}</small></label><label class="field"><span>First seed</span><input type="text" inputmode="numeric" name="from" value="{}" autocomplete="off" aria-describedby="hint-from" data-testid="seeds-from"><small id="hint-from" class="muted">the scenario's own is {}</small></label></div><div class="buttons"><button class="primary" type="submit" data-testid="seeds-run">Run</button></div>"#,
        esc(f.get("runs").unwrap_or(&DEFAULT_RUNS.to_string())),
        esc(f.get("from").unwrap_or(&run.seed.to_string())),
        run.seed
    );
    let (runs, from) = match (runs, from) {
        (Ok(r), Ok(s)) => (r.unwrap_or(DEFAULT_RUNS), s.unwrap_or(run.seed)),
        (Err(e), _) | (_, Err(e)) => return Box::new(Ready(out + &alert(&e.to_string()) + "</form>")),
    };
    Box::new(SeedRuns { head: out, text: base.text.to_string(), scheduler: run.scheduler.clone(), from, count: runs })
}

/// The explorer gave up at `limit` states, with `found` final states seen: what to do. At the
/// highest limit the form takes ([`MAX_LIMIT`]) raising it is no way out, so it is not offered.
fn too_big(limit: u64, found: usize) -> String {
    let raise = if limit < MAX_LIMIT {
        ", or raise the limit".to_string()
    } else {
        format!(" (the limit is already the highest, {MAX_LIMIT})")
    };
    format!(
        r#"<div class="error" role="alert" data-testid="explore-too-big">Too big to explore: the search stored {limit} states (the limit) and had found {found} final state{} by then, without seeing them all. Make the program smaller (fewer threads, loop iterations or shared steps){raise}.</div>"#,
        if found == 1 { "" } else { "s" }
    )
}

/// Each variable's histogram (SVG bars and a table), the outcomes, and what they mean.
fn histograms(text: &str, scheduler: &SchedulerSpec, r: &SeedReport) -> String {
    let mut out = String::from(
        r#"<section class="lab-result" aria-label="Final values over the seeds" data-testid="seeds-result">"#,
    );
    let last = r.from + (r.count - 1);
    let outcomes: Vec<String> =
        r.outcomes.iter().map(|c| format!("{} {}", c.runs, c.value.replace('_', " "))).collect();
    let _ = write!(
        out,
        r#"<p class="muted" data-testid="seeds-outcomes">{} runs, seeds {} to {last}: {}.</p>"#,
        r.count,
        r.from,
        outcomes.join(", ")
    );
    for h in &r.variables {
        let label = format!("{}/{}", h.process, h.name);
        let expected = h.expected.map(|e| format!(" (a correct run ends with {e})")).unwrap_or_default();
        let _ = write!(out, r#"<h3 class="lab-h">Final value of <code>{}</code>{}</h3>"#, esc(&label), esc(&expected));
        let distinct = h.values.len();
        let right = h.expected.map(|e| h.values.iter().filter(|c| c.value == e).map(|c| c.runs).sum::<u64>());
        let sentence = match (right, distinct) {
            (_, 1) => format!(
                "Every run ended with {}: nothing in this scenario depends on the seed, so every seed runs it the same way. That does not make it safe: try Every interleaving.",
                h.values[0].value
            ),
            (Some(ok), _) => format!(
                "{ok} of {} runs ended with the right value; the others did not. {distinct} different final values: a run that happens to end right proves nothing.",
                r.count
            ),
            (None, _) => format!("{distinct} different final values over {} runs.", r.count),
        };
        let _ = write!(
            out,
            r#"<p class="lab-summary" data-testid="seeds-summary" data-variable="{}" data-distinct="{distinct}">{}</p>"#,
            esc(&h.name),
            esc(&sentence)
        );
        out.push_str(&bars(&label, h.expected, &h.values));
        let _ = write!(
            out,
            r#"<div class="table-scroll" tabindex="0" role="region" aria-label="Runs per value of {l}"><table class="lab-table" data-testid="seeds-table"><caption>Runs per final value of <code>{l}</code></caption><thead><tr><th scope="col">Value</th><th scope="col">Runs</th><th scope="col">First seed</th><th scope="col">Watch it</th></tr></thead><tbody>"#,
            l = esc(&label)
        );
        for c in &h.values {
            let open = seeded_text(text, c.first_seed, scheduler)
                .map(|t| {
                    open_button(&t, &format!("Open seed {}", c.first_seed), &format!("seeds-open-{}", c.value), false)
                })
                .unwrap_or_default();
            let _ = write!(
                out,
                r#"<tr data-testid="seeds-row" data-value="{}" data-runs="{}"><th scope="row">{}</th><td>{}</td><td>{}</td><td>{open}</td></tr>"#,
                c.value, c.runs, c.value, c.runs, c.first_seed
            );
        }
        out.push_str("</tbody></table></div>");
    }
    out.push_str("</section>");
    out
}

/// An SVG coordinate: two decimals (integer arithmetic: this worker links no float formatting).
fn px(v: f64) -> String {
    fixed(v, 2)
}

/// A bar chart of runs per value (at most 40 bars: past that, values grouped in ranges).
fn bars(label: &str, expected: Option<i64>, values: &[seeds::Count<i64>]) -> String {
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    const LEFT: f64 = 48.0;
    const BOTTOM: f64 = 36.0;
    const TOP: f64 = 12.0;
    let groups = seeds::grouped(values, 40);
    let most = groups.iter().map(|(_, c)| c.runs).max().unwrap_or(1).max(1) as f64;
    let n = groups.len().max(1) as f64;
    let slot = (W - LEFT - 8.0) / n;
    let plot_h = H - TOP - BOTTOM;
    let mut out = format!(
        r#"<figure class="lab-figure"><svg class="chart" data-testid="seeds-chart" viewBox="0 0 640 220" role="img" aria-label="{}"><title>{}</title>"#,
        esc(&format!("Histogram: runs per final value of {label}; the numbers are in the table below")),
        esc(&format!("Runs per final value of {label}"))
    );
    let base = TOP + plot_h;
    let _ = write!(out, r#"<line class="c-axis" x1="48" x2="{}" y1="{}" y2="{}"/>"#, px(W - 8.0), px(base), px(base));
    let _ = write!(
        out,
        r#"<text class="c-tick" x="{}" y="{}" text-anchor="end">{}</text><text class="c-tick" x="{}" y="{}" text-anchor="end">0</text>"#,
        px(LEFT - 6.0),
        px(TOP + 4.0),
        most as u64,
        px(LEFT - 6.0),
        px(base)
    );
    let every = (groups.len() / 10).max(1);
    for (i, (name, c)) in groups.iter().enumerate() {
        let h = c.runs as f64 / most * plot_h;
        let x = LEFT + i as f64 * slot + slot * 0.1;
        let right = expected.is_some_and(|e| name == &e.to_string());
        let _ = write!(
            out,
            r#"<rect class="{}" data-testid="seeds-bar" data-value="{}" data-runs="{}" x="{}" y="{}" width="{}" height="{}"><title>{}: {} runs</title></rect>"#,
            if right { "c-bar c-bar-right" } else { "c-bar" },
            esc(name),
            c.runs,
            px(x),
            px(base - h),
            px(slot * 0.8),
            px(h),
            esc(name),
            c.runs
        );
        if i % every == 0 {
            let _ = write!(
                out,
                r#"<text class="c-tick" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                px(x + slot * 0.4),
                px(base + 16.0),
                esc(name)
            );
        }
    }
    let right_shown = expected.is_some_and(|e| groups.iter().any(|(name, _)| name == &e.to_string()));
    let _ = write!(
        out,
        r#"<text class="c-label" x="{}" y="{}" text-anchor="middle">final value, one bar per value seen (not to scale){}</text><text class="c-label" transform="translate(12 {}) rotate(-90)" text-anchor="middle">runs</text>"#,
        px(LEFT + (W - LEFT) / 2.0),
        px(H - 4.0),
        if right_shown { "; the right one green, outlined" } else { "" },
        px(TOP + (base - TOP) / 2.0)
    );
    out.push_str("</svg></figure>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_text_is_set_to_follow_a_schedule_keeping_the_rest() {
        let text =
            r#"{"name": "x", "machine": {"cpus": 2}, "scheduler": {"policy": "rr", "quantum": 3}, "processes": []}"#;
        let out = scripted_text(text, "x", &Schedule::new(vec![0, 0, 1]), "your schedule").unwrap();
        assert!(out.contains(r#""cpus": 1"#), "{out}");
        assert!(out.contains(r#"{"policy": "scripted", "schedule": "001"}"#), "{out}");
        assert!(out.contains(r#""name": "x · your schedule 001""#), "{out}");
        assert!(out.contains(r#""processes": []"#), "{out}");
    }

    /// The histogram's axes say what they are: runs up, one bar per value seen across.
    #[test]
    fn the_histogram_axes_are_labelled() {
        let counts =
            [seeds::Count { value: 3, runs: 5, first_seed: 1 }, seeds::Count { value: 90, runs: 2, first_seed: 4 }];
        let svg = bars("x", Some(90), &counts);
        assert!(svg.contains(">runs</text>"), "{svg}");
        assert!(svg.contains("final value, one bar per value seen (not to scale); the right one green"), "{svg}");
    }

    /// At the highest limit the message no longer says to raise it.
    #[test]
    fn the_too_big_message_offers_a_higher_limit_only_below_the_highest() {
        assert!(too_big(10, 2).contains("shared steps), or raise the limit.</div>"));
        let top = too_big(MAX_LIMIT, 1);
        assert!(!top.contains("raise the limit"), "{top}");
        assert!(top.contains("found 1 final state by then") && top.contains("already the highest, 1000000"), "{top}");
    }

    #[test]
    fn a_download_address_escapes_what_an_address_cannot_hold() {
        assert_eq!(data_url(r#"{"a": 1}"#), "data:application/json;charset=utf-8,%7B%22a%22%3A%201%7D");
        assert_eq!(json_string("a \"b\"\n"), r#""a \"b\"\n""#.replace("\\n", "\\u000a"));
    }
}
