//! The isolated mode's and the speedup run's sections of `parallel.html` (wasm only; plain DOM).
//!
//! Both do isolated runs ([`HashRun`]): start N fresh workers (`par_worker`), send each its part
//! of the data with `postMessage` (copied, or transferred: moved, and the page's buffer detached),
//! collect their answers and merge them. The isolated mode does one run and checks the merged
//! answer against the page's own computation of the whole data; the speedup run does one per N
//! from 1 up ([`Sweep`]), checking each against the N = 1 run's answer, and plots the measured
//! speedup beside the model's ([`Costs`]). Neither needs shared memory, so both work on a page
//! that is not cross-origin isolated.
//!
//! Cancel, a worker's crash or error, or a run with no answer within [`ANSWER_LIMIT_MS`]
//! terminates the run's workers and says so; a stopped run shows no result (the speedup run's
//! points so far are removed too).
//!
//! For the browser tests only, as in [`super::ui`]: `debug-par-worker=hang` or `=panic` makes
//! worker 0 of the section's first run act out that fault, `debug-par-limit-ms=N` sets the
//! answer limit, `debug-par-post=uncloneable` makes the browser refuse worker 0's first part, and
//! `debug-par-cpus=N` stands for the CPU count the browser reports.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Timeout;
use js_sys::{ArrayBuffer, Uint8Array};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event, HtmlInputElement, HtmlSelectElement, MessageEvent};

use super::grouped;
use super::isolated::{Answer, HashOutcome, HashRun, Send, Sent};
use super::lessons::{isolated_lesson, startup_times};
use super::plot::speedup_svg;
use super::speedup::{Costs, MIB, Sweep, mebibytes};
use super::split::hash_blocks;
use super::web::{
    address_flag, busy_status, hardware_concurrency, now_ms, other_running, owner_running, refused_status,
    register_section, start_workers, switch_run_cancel, uncloneable_for_tests,
};
use crate::messaging::parallel::{self as messages, FromParWorker, HashJob, ToParWorker};
use crate::messaging::{Fault, ReadError, web};

/// A run whose workers have not all answered this long (ms) after starting is taken for hung
/// and stopped (the largest job, 1 MiB × 1,024 rounds on one worker, takes about 2 s).
pub const ANSWER_LIMIT_MS: u32 = 60_000;

/// The speedup run's data: 1 MiB (its work is set by the rounds over each block).
const SPEEDUP_BYTES: usize = MIB as usize;

/// Starts both sections on `parallel.html` (those present). Called by `src/bin/parallel_mode.rs`.
pub fn start() {
    for kind in [Kind::Isolated, Kind::Speedup] {
        let Some(section) = Section::new(kind) else {
            web_sys::console::error_1(&format!("parallel mode: the {} section is missing", kind.prefix()).into());
            continue;
        };
        let (doc, prefix) = (section.borrow().doc.clone(), kind.prefix());
        let listen = |id: &str, event: &str, act: fn(&mut Section)| {
            let section = section.clone();
            let handler = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
                e.prevent_default();
                act(&mut section.borrow_mut());
            });
            if let Some(el) = doc.get_element_by_id(&format!("{prefix}-{id}")) {
                let _ = el.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
            }
            // The page lives as long as the document: so do its handlers.
            handler.forget();
        };
        listen("form", "submit", Section::start_run);
        listen("cancel", "click", Section::cancel);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Isolated,
    Speedup,
}

impl Kind {
    /// The prefix of the section's element ids and test ids.
    fn prefix(self) -> &'static str {
        match self {
            Kind::Isolated => "iso",
            Kind::Speedup => "speed",
        }
    }
}

/// The workers of the N in hand.
struct Round {
    run: HashRun,
    workers: Vec<web::Spawned>,
    _limit: Timeout,
}

/// A run in progress.
struct Live {
    data: Vec<u8>,
    send: Send,
    rounds: u32,
    /// The isolated mode's check: the page's answer for the whole data and how long it took, ms.
    reference: Option<(u64, f64)>,
    /// The speedup run's runs so far.
    sweep: Option<Sweep>,
    round: Round,
}

struct Section {
    kind: Kind,
    doc: Document,
    max_workers: u32,
    cpus: u32,
    next_run: u64,
    fault: Option<Fault>,
    /// For the browser tests: a value posted beside worker 0's first part so the post fails.
    poison: Option<JsValue>,
    limit_ms: u32,
    live: Option<Live>,
    me: Weak<RefCell<Section>>,
}

fn show(element: &Element, shown: bool) {
    let _ = if shown { element.remove_attribute("hidden") } else { element.set_attribute("hidden", "") };
}

/// An answer in hexadecimal, all 16 digits.
fn hex(answer: u64) -> String {
    format!("{answer:#018x}")
}

impl Section {
    fn new(kind: Kind) -> Option<Rc<RefCell<Section>>> {
        let doc = web_sys::window()?.document()?;
        doc.get_element_by_id(&format!("{}-form", kind.prefix()))?;
        // The browser tests may claim more CPUs than the machine has (as a busy machine does).
        let cpus = address_flag("debug-par-cpus").and_then(|v| v.parse().ok()).unwrap_or_else(hardware_concurrency);
        let max_workers = super::counter::max_workers(cpus);
        let fault = match address_flag("debug-par-worker").as_deref() {
            Some("hang") => Some(Fault::Hang),
            Some("panic") => Some(Fault::Panic),
            _ => None,
        };
        let limit_ms = address_flag("debug-par-limit-ms").and_then(|v| v.parse().ok()).unwrap_or(ANSWER_LIMIT_MS);
        let section = Rc::new_cyclic(|me| {
            RefCell::new(Section {
                kind,
                doc,
                max_workers,
                cpus: cpus.max(1),
                next_run: 1,
                fault,
                poison: uncloneable_for_tests(),
                limit_ms,
                live: None,
                me: me.clone(),
            })
        });
        {
            let s = section.borrow();
            if let Some(input) = s.el("workers") {
                let _ = input.set_attribute("max", &max_workers.to_string());
                if kind == Kind::Speedup {
                    let _ = input.set_attribute("value", &max_workers.to_string());
                }
            }
            s.status("idle", "Choose, then press Run.");
        }
        let name = match kind {
            Kind::Isolated => "the separate-memories run",
            Kind::Speedup => "the speedup run",
        };
        register_section(name, owner_running(Rc::downgrade(&section), |s: &Section| s.live.is_some()));
        Some(section)
    }

    /// The section's element `name` (id `{prefix}-{name}`).
    fn el(&self, name: &str) -> Option<Element> {
        self.doc.get_element_by_id(&format!("{}-{name}", self.kind.prefix()))
    }

    /// Sets the section's status line (`kind`: idle, running, done, stopped or error).
    fn status(&self, kind: &str, text: &str) {
        if let Some(status) = self.el("status") {
            let _ = status.set_attribute("data-kind", kind);
            let _ = status.remove_attribute("data-warn");
            status.set_text_content(Some(text));
        }
    }

    fn set(&self, name: &str, html: &str) {
        if let Some(el) = self.el(name) {
            el.set_inner_html(html);
        }
    }

    fn controls(&self, running: bool) {
        if let (Some(run), Some(cancel)) = (self.el("run"), self.el("cancel")) {
            switch_run_cancel(&run, &cancel, running);
        }
    }

    fn input(&self, name: &str) -> String {
        let el = self.el(name);
        if let Some(input) = el.as_ref().and_then(|e| e.dyn_ref::<HtmlInputElement>()) {
            return input.value();
        }
        el.and_then(|e| e.dyn_into::<HtmlSelectElement>().ok()).map(|s| s.value()).unwrap_or_default()
    }

    fn start_run(&mut self) {
        if self.live.is_some() {
            return;
        }
        if let Some(other) = other_running() {
            return self.status("error", &busy_status(other));
        }
        let workers = self.input("workers").trim().parse::<u32>().unwrap_or(0);
        if !(1..=self.max_workers).contains(&workers) {
            let max = self.max_workers;
            return self.status("error", &format!("Cannot run: workers: {workers} is not between 1 and {max}."));
        }
        let (len, send, rounds) = match self.kind {
            Kind::Isolated => {
                let mib = self.input("size").parse::<usize>().unwrap_or(1).clamp(1, 64);
                let transfer = self
                    .doc
                    .query_selector("input[name=\"iso-send\"]:checked")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                    .is_some_and(|e| e.value() == "transfer");
                (mib << 20, if transfer { Send::Transfer } else { Send::Copy }, 1)
            }
            Kind::Speedup => {
                (SPEEDUP_BYTES, Send::Copy, self.input("work").parse::<u32>().unwrap_or(64).clamp(1, 4_096))
            }
        };
        // The data: pseudo-random bytes, seeded, so every run hashes the same data.
        let mut data = vec![0u8; len];
        Pcg64Mcg::seed_from_u64(2_024).fill_bytes(&mut data);
        let reference = (self.kind == Kind::Isolated).then(|| {
            let t = now_ms();
            let answer = hash_blocks(&data, rounds);
            (answer, now_ms() - t)
        });
        let (sweep, first) = match self.kind {
            Kind::Isolated => (None, workers),
            Kind::Speedup => (Some(Sweep::new(workers)), 1),
        };
        self.clear();
        let round = match self.launch(first, len, workers) {
            Ok(r) => r,
            Err(e) => return self.status("error", &e),
        };
        self.live = Some(Live { data, send, rounds, reference, sweep, round });
        self.controls(true);
    }

    /// Starts `n` fresh workers for a new run over `len` bytes (of a speedup run up to `max_n`).
    fn launch(&mut self, n: u32, len: usize, max_n: u32) -> Result<Round, String> {
        let id = self.next_run;
        self.next_run += 1;
        let run = HashRun::new(id, n, len, self.max_workers, now_ms())?;
        let workers = match start_workers(&self.me, id, n, Section::on_message, Section::failed) {
            Ok(workers) => workers,
            Err(e) => {
                web_sys::console::error_2(&"could not start a worker".into(), &e);
                return Err("The browser refused to start a worker, so nothing runs.".into());
            }
        };
        let me = self.me.clone();
        let limit_ms = self.limit_ms;
        let limit = Timeout::new(limit_ms, move || {
            if let Some(s) = me.upgrade() {
                let mut s = s.borrow_mut();
                if s.live.as_ref().is_some_and(|l| l.round.run.run == id) {
                    let seconds = f64::from(limit_ms) / 1000.0;
                    s.stop(&format!(
                        "The workers did not all answer within {seconds} s, so they were taken for hung and terminated; no result is shown. Press Run to try again."
                    ));
                }
            }
        });
        let what = match self.kind {
            Kind::Isolated => format!("Starting {}…", super::workers(n)),
            Kind::Speedup => format!("Run {n} of {max_n}: starting {}…", super::workers(n)),
        };
        self.status("running", &what);
        Ok(Round { run, workers, _limit: limit })
    }

    /// Cancel: stops the run. The speedup run keeps the runs it finished (chart and table) and
    /// says where it stopped; anything else shows no result.
    fn cancel(&mut self) {
        let kept = self.live.as_ref().and_then(|l| Some((l.round.run.workers, l.sweep.as_ref()?.points.len())));
        match kept {
            Some((at, done)) if done > 0 => {
                if let Some(live) = self.live.take() {
                    live.round.workers.iter().for_each(|w| w.worker.terminate());
                    // The kept runs get the far-below-model warning as a finished run would.
                    if let Some(sweep) = &live.sweep {
                        self.warn_shortfall(sweep);
                    }
                }
                self.controls(false);
                let runs = if done == 1 { "run 1".to_string() } else { format!("runs 1–{done}") };
                // Said once, in the status (the model line under the table stays the model's).
                let note = format!("Cancelled at N = {at}: {runs} shown.");
                if let Some(result) = self.el("result") {
                    let _ = result.set_attribute("data-cancelled", &at.to_string());
                }
                self.status(
                    "stopped",
                    &format!(
                        "{note} The workers were terminated; the finished runs stay below. Press Run to start again."
                    ),
                );
            }
            _ => self.stop("Cancelled: the workers were terminated, and no result is shown. Press Run to start again."),
        }
    }

    /// Terminates the run's workers, if any, removes what it showed, and says `why`.
    fn stop(&mut self, why: &str) {
        if let Some(live) = self.live.take() {
            live.round.workers.iter().for_each(|w| w.worker.terminate());
        }
        self.clear();
        self.controls(false);
        self.status("stopped", why);
    }

    /// Hides and empties the results.
    fn clear(&self) {
        if let Some(result) = self.el("result") {
            let _ = result.remove_attribute("data-cancelled");
        }
        for name in ["result", "warning"] {
            if let Some(el) = self.el(name) {
                show(&el, false);
            }
        }
        for name in ["body", "plot", "check", "lesson", "copied", "times", "model", "warning"] {
            self.set(name, "");
        }
    }

    /// A worker of run `run` failed: the run stops.
    fn failed(&mut self, run: u64, index: u32, why: &str) {
        if self.live.as_ref().is_some_and(|l| l.round.run.run == run) {
            web_sys::console::error_1(&format!("parallel worker {} stopped: {why}", index + 1).into());
            self.stop(&format!(
                "Worker {} stopped ({why}), so the run was abandoned and its workers terminated; no result is shown. Press Run to try again.",
                index + 1
            ));
        }
    }

    fn on_message(&mut self, run: u64, index: u32, event: &MessageEvent) {
        if self.live.as_ref().is_none_or(|l| l.round.run.run != run) {
            return;
        }
        let message = match web::receive(event).and_then(|r| messages::read::<FromParWorker>(&r.control)) {
            Ok(m) => m,
            Err(ReadError::Version { theirs }) => {
                let why = format!(
                    "it comes from another version of Threadlab (protocol {theirs}, this page speaks {}): reload the page",
                    messages::PROTOCOL
                );
                return self.failed(run, index, &why);
            }
            Err(ReadError::Garbled(why)) => return self.failed(run, index, &format!("unreadable message: {why}")),
        };
        let at_page_ms = now_ms();
        let live = self.live.as_mut().expect("the live run");
        let step = match message {
            FromParWorker::Ready => live.round.run.ready(index, at_page_ms).map(|all| (all, false)),
            FromParWorker::Hashed { run: r, worker, answer, bytes, span, copy_in_ms }
                if r == run && worker == index =>
            {
                live.round
                    .run
                    .hashed(worker, Answer { answer, bytes, span, copy_in_ms, at_page_ms })
                    .map(|all| (false, all))
            }
            FromParWorker::Hashed { .. } | FromParWorker::Counted { .. } => {
                Err("an answer about another run or worker".to_string())
            }
            FromParWorker::Crashed { message } => Err(message),
        };
        match step {
            Ok((true, _)) => self.post_parts(),
            Ok((_, true)) => self.round_done(),
            Ok(_) => {}
            Err(why) => self.failed(run, index, &why),
        }
    }

    /// Posts each worker its part, copied or moved, and notes how each went.
    fn post_parts(&mut self) {
        let fault = self.fault.take();
        let poison = self.poison.take();
        let Some(live) = &mut self.live else { return };
        let round = &mut live.round;
        // Every part out of the page's WebAssembly memory into an ArrayBuffer of its own first (a
        // copy that is not postMessage's, the same both ways), so that the timed span, from the
        // first post to the last arrival, holds no such copy.
        let buffers: Vec<ArrayBuffer> =
            round.run.parts().into_iter().map(|part| Uint8Array::from(&live.data[part]).buffer()).collect();
        let prepared_ms = now_ms();
        for (i, buffer) in buffers.into_iter().enumerate() {
            let job = HashJob { worker: i as u32, rounds: live.rounds, fault: if i == 0 { fault } else { None } };
            let control = messages::write(&ToParWorker::Hash { run: round.run.run, job });
            let bytes = u64::from(buffer.byte_length());
            let moved = match live.send {
                Send::Copy => vec![],
                Send::Transfer => vec![buffer.clone().into()],
            };
            let posted_ms = now_ms();
            let buffers: Vec<JsValue> = match (&poison, i) {
                (Some(p), 0) => vec![buffer.clone().into(), p.clone()],
                _ => vec![buffer.clone().into()],
            };
            if let Err(e) = web::post_buffers(&round.workers[i].worker, &control, &buffers, &moved) {
                web_sys::console::error_2(&"could not post to a parallel worker".into(), &e);
                return self.stop(&refused_status(i, &e));
            }
            let sent = Sent { bytes, left_bytes: u64::from(buffer.byte_length()), prepared_ms, posted_ms };
            let _ = round.run.sent(i as u32, sent);
        }
        let n = round.run.workers;
        let what = match (self.kind, live.send) {
            (Kind::Isolated, Send::Copy) => format!("Hashing on {}, each its own copy of its part…", super::workers(n)),
            (Kind::Isolated, Send::Transfer) => format!("Hashing on {}, each the part moved to it…", super::workers(n)),
            (Kind::Speedup, _) => {
                let max = live.sweep.as_ref().map_or(n, |s| s.max_n);
                format!("Run {n} of {max}: hashing on {}…", super::workers(n))
            }
        };
        self.status("running", &what);
    }

    /// All the workers of the N in hand have answered.
    fn round_done(&mut self) {
        let Some(live) = &mut self.live else { return };
        live.round.workers.iter().for_each(|w| w.worker.terminate());
        let Some(outcome) = live.round.run.outcome() else { return };
        match self.kind {
            Kind::Isolated => {
                let live = self.live.take().expect("the live run");
                self.show_isolated(&outcome, live.reference.unwrap_or_default(), live.send);
            }
            Kind::Speedup => {
                let sweep = live.sweep.as_mut().expect("a speedup run has its sweep");
                if let Err(e) = sweep.record(&outcome) {
                    return self.stop(&format!("Wrong answer: {e}. No result is kept."));
                }
                let (next, max_n, len) = (sweep.next_n(), sweep.max_n, live.data.len());
                self.show_speedup();
                match next {
                    Some(n) => match self.launch(n, len, max_n) {
                        Ok(round) => {
                            if let Some(live) = &mut self.live {
                                live.round = round;
                            }
                        }
                        Err(e) => self.stop(&e),
                    },
                    None => self.finish_speedup(),
                }
            }
        }
    }

    fn show_isolated(&self, o: &HashOutcome, (single, single_ms): (u64, f64), send: Send) {
        self.controls(false);
        let exact = o.merged == single;
        let rows: String = o
            .sent
            .iter()
            .zip(&o.answers)
            .enumerate()
            .map(|(i, (s, a))| {
                let left = if s.detached() {
                    "0 bytes: detached (moved)".to_string()
                } else {
                    format!("{} bytes: kept (the worker got a copy)", grouped(s.left_bytes))
                };
                format!(
                    "<tr data-testid=\"iso-row\" data-detached=\"{d}\" data-received=\"{r}\" data-prepared-ms=\"{pr:.3}\" data-posted-ms=\"{po:.3}\"><th scope=\"row\">Worker {n}</th><td>{b}</td><td>{left}</td><td>{send:.1} ms</td><td>{hash:.1} ms</td><td><code>{ans}</code></td></tr>",
                    d = s.detached(),
                    r = a.bytes,
                    pr = s.prepared_ms,
                    po = s.posted_ms,
                    n = i + 1,
                    b = grouped(s.bytes),
                    send = (a.span.started_ms - s.posted_ms).max(0.0),
                    hash = a.span.finished_ms - a.span.started_ms,
                    ans = hex(a.answer),
                )
            })
            .collect();
        self.set("body", &rows);
        let check = if exact {
            format!(
                "✓ Exact: the merged answer <code>{}</code> equals the page's own computation over all {} bytes.",
                hex(o.merged),
                grouped(o.bytes)
            )
        } else {
            format!(
                "✗ Wrong: the merged answer <code>{}</code> differs from the page's own computation <code>{}</code>.",
                hex(o.merged),
                hex(single)
            )
        };
        self.set("check", &check);
        if let Some(el) = self.el("check") {
            let _ = el.set_attribute("data-exact", &exact.to_string());
        }
        let mib = mebibytes(o.bytes);
        let per_mib = if mib > 0.0 { o.send_ms / mib } else { 0.0 };
        let counted = "from the first post to the last part's arrival (every part was copied out of the page's WebAssembly memory before the first post, so that copy is not in this time)";
        let copied = match send {
            Send::Copy => format!(
                "Copied: postMessage copied {} bytes, {}. Sending took {:.1} ms {counted}: {:.2} ms per MiB.",
                grouped(o.copied()),
                if o.workers == 1 {
                    "the worker its copy; the page's buffer still holds its own"
                } else {
                    "each worker its part; the page's buffers still hold theirs"
                },
                o.send_ms,
                per_mib
            ),
            Send::Transfer => {
                let moved = match o.detached() {
                    1 => "the buffer moved to the worker, and the page's is now detached (byteLength 0: reading it would fail)".to_string(),
                    k => format!("the {k} buffers moved to the workers, and the page's are now detached (byteLength 0: reading them would fail)"),
                };
                format!(
                    "Transferred: postMessage copied {} bytes; {moved}. Sending took {:.1} ms {counted}: no copying, so this is posting and the workers' turn to receive, however big the data.",
                    grouped(o.copied()),
                    o.send_ms,
                )
            }
        };
        self.set("copied", &copied);
        self.set("lesson", &isolated_lesson(o, single_ms, send, self.cpus));
        if let Some(el) = self.el("lesson") {
            let _ = el.set_attribute("data-faster", &(o.wall_ms < single_ms).to_string());
        }
        if let Some(el) = self.el("copied") {
            let _ = el.set_attribute("data-copied", &o.copied().to_string());
            let _ = el.set_attribute("data-detached", &o.detached().to_string());
            let _ = el.set_attribute("data-send-ms", &format!("{:.3}", o.send_ms));
            let _ = el.set_attribute("data-bytes", &o.bytes.to_string());
        }
        self.set(
            "times",
            &format!(
                "Worker start-up: {}. {} (copying its part into its memory, then hashing): {:.1} ms. The whole run: {:.1} ms. The page alone hashed all the data in {:.1} ms.",
                startup_times(&o.startup, o.workers),
                if o.workers == 1 { "The worker" } else { "Slowest worker" },
                o.compute_ms,
                o.wall_ms,
                single_ms
            ),
        );
        if let Some(result) = self.el("result") {
            show(&result, true);
        }
        if exact {
            let how = match send {
                Send::Copy => "copied",
                Send::Transfer => "moved",
            };
            let mib = o.bytes >> 20;
            self.status("done", &format!("Done: {}, {mib} MiB {how}; merged answer exact.", super::workers(o.workers)));
        } else {
            self.status("error", "Done, but the merged answer is wrong: see below.");
        }
    }

    /// Draws the speedup run's points so far, the model's prediction and the table.
    fn show_speedup(&self) {
        let Some(sweep) = self.live.as_ref().and_then(|l| l.sweep.as_ref()) else { return };
        let costs = Costs::fit(&sweep.points, self.cpus);
        let measured: Vec<(u32, f64)> = sweep.points.iter().filter_map(|p| Some((p.n, sweep.speedup(p)?))).collect();
        let predicted: Vec<(u32, f64)> =
            costs.map(|c| (1..=sweep.max_n).map(|n| (n, c.speedup(n))).collect()).unwrap_or_default();
        let range = if sweep.max_n == 1 { "1 worker".to_string() } else { format!("1 to {} workers", sweep.max_n) };
        let label = format!(
            "Speedup against {range}: measured (circles, solid line) and predicted by the model (squares, dashed line); the numbers are in the table below."
        );
        self.set("plot", &speedup_svg(&measured, &predicted, sweep.max_n, self.cpus, &label));
        let rows: String = sweep
            .points
            .iter()
            .map(|p| {
                let s = sweep.speedup(p).unwrap_or(0.0);
                let model = costs.map_or(0.0, |c| c.speedup(p.n));
                let ratio = if model > 0.0 { s / model } else { 0.0 };
                format!(
                    "<tr data-testid=\"speed-row\" data-n=\"{n}\" data-speedup=\"{s:.4}\" data-predicted=\"{model:.4}\" data-startup-ms=\"{st:.2}\" data-wall-ms=\"{w:.2}\"><th scope=\"row\">{n}</th><td>{st:.1} ms</td><td>{se:.1} ms</td><td>{c:.1} ms</td><td>{w:.1} ms</td><td>{s:.2}×</td><td>{model:.2}×</td><td>{ratio:.2}</td></tr>",
                    n = p.n,
                    st = p.startup_ms,
                    se = p.send_ms,
                    c = p.compute_ms,
                    w = p.wall_ms,
                )
            })
            .collect();
        self.set("body", &rows);
        if let Some(c) = costs {
            let startup = if sweep.points.len() == 1 {
                format!(
                    "s₁ = {:.1} ms (start-up, as measured; s⁺, each further worker's, needs a second run)",
                    c.startup_ms
                )
            } else {
                format!(
                    "s₁ = {:.1} ms and s⁺ = {:.1} ms (start-up, fitted to the runs)",
                    c.startup_ms, c.startup_each_ms
                )
            };
            self.set(
                "model",
                &format!(
                    "The model: T(N) = s₁ + s⁺·(N − 1) + c·B + W / min(N, P) + r, with W = {:.1} ms (one worker's hashing), {startup}, c·B = {:.2} ms/MiB × {:.2} MiB (sending, from the first post to the last arrival), r = {:.1} ms (the rest) and P = {} CPUs. Speedup = T(1) / T(N).",
                    c.work_ms, c.send_ms_per_mib, c.mebibytes, c.rest_ms, c.cpus
                ),
            );
        }
        if let Some(key) = self.el("cpus-key") {
            show(&key, (1..=sweep.max_n).contains(&self.cpus));
        }
        if let Some(result) = self.el("result") {
            show(&result, true);
        }
    }

    /// Shows the far-below-model warning when the runs in `sweep` fall far short of the model
    /// fitted to them ([`Sweep::shortfall`]); says whether it did. For a finished run and for the
    /// runs a cancelled one kept.
    fn warn_shortfall(&mut self, sweep: &Sweep) -> bool {
        let costs = Costs::fit(&sweep.points, self.cpus);
        let shortfall = costs.and_then(|c| sweep.shortfall(&c));
        let warned = shortfall.is_some();
        if let Some(short) = shortfall {
            self.set(
                "warning",
                &format!(
                    "Measured far below the model: {} went {:.2}× as fast as one, where the model predicts {:.2}× ({:.2} of it). The model assumes the {} CPUs this browser reports are idle, so other programs were probably using them (or the browser slowed its workers down). Close what you can and run again; the numbers below are what this machine did just now.",
                    super::workers(short.n),
                    short.measured,
                    short.predicted,
                    short.ratio(),
                    self.cpus
                ),
            );
            if let Some(el) = self.el("warning") {
                let _ = el.set_attribute("data-n", &short.n.to_string());
                let _ = el.set_attribute("data-ratio", &format!("{:.4}", short.ratio()));
                show(&el, true);
            }
        }
        warned
    }

    fn finish_speedup(&mut self) {
        let Some(live) = self.live.take() else { return };
        self.controls(false);
        let sweep = live.sweep.expect("a speedup run has its sweep");
        let costs = Costs::fit(&sweep.points, self.cpus);
        let best = sweep
            .points
            .iter()
            .filter_map(|p| Some((p.n, sweep.speedup(p)?)))
            .fold((1, 0.0), |best, (n, s)| if s > best.1 { (n, s) } else { best });
        let model = costs.map_or(0.0, |c| c.speedup(best.0));
        let warned = self.warn_shortfall(&sweep);
        let what = format!("{} rounds over 1 MiB", grouped(u64::from(live.rounds)));
        let text = if sweep.points.len() == 1 {
            format!(
                "Done: one run, on 1 worker ({what}): nothing to compare it with. Set Up to N workers to 2 or more to see a speedup."
            )
        } else {
            format!(
                "Done: 1 to {} workers ({what}); every run's merged answer equals one worker's. Fastest: {}, {:.2}× one worker (the model: {:.2}×).",
                sweep.max_n,
                super::workers(best.0),
                best.1,
                model
            )
        };
        self.status("done", &text);
        if warned && let Some(status) = self.el("status") {
            let _ = status.set_attribute("data-warn", "");
        }
    }
}
