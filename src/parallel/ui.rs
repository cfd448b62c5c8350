//! The parallel mode's page (wasm only): wires `parallel.html`'s controls to the workers. Plain
//! DOM, no Yew, to keep this module small: the page's markup is static HTML, this only reads the
//! controls, starts and stops workers, and writes the progress, the status and the results.
//!
//! A run starts N fresh workers (`par_worker`), so their start-up is measured every time, hands
//! them one `SharedArrayBuffer`, and runs the three variants one after another
//! ([`CountRun`] says what to do next). Progress is read from the shared memory ten times a
//! second. Cancel, a worker's crash or error, or a run that shows no progress for
//! [`SILENCE_LIMIT_MS`] terminates all the run's workers and says so; results are shown only once
//! all three variants are in.
//!
//! For the browser tests only: the address flag `debug-par-worker=hang` or `=panic` makes worker
//! 0 act out that fault in the first run, `debug-par-limit-ms=N` sets the silence limit, and
//! `debug-par-post=uncloneable` makes the browser refuse the first job's message.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Interval;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, Event, HtmlInputElement, HtmlSelectElement, MessageEvent};

use super::counter::{self, COUNTER, PROGRESS, Variant, Words};
use super::grouped;
use super::lessons::{
    done_head, large_loss, lock_beats_atomic, lock_faster, ms_text, no_loss, plain_faster, plain_slower, ratio_text,
    startup_times,
};
use super::session::{CountRun, Outcome, Step, progress_text};
use super::web::{
    SharedWords, address_flag, busy_status, hardware_concurrency, now_ms, other_running, owner_running, refused_status,
    register_section, shared_memory_available, start_workers, switch_run_cancel, uncloneable_for_tests,
};
use crate::messaging::parallel::{self as messages, CountJob, FromParWorker, ToParWorker};
use crate::messaging::{Fault, ReadError, web};

/// A run whose workers show no progress for this long (ms) is taken for hung and stopped. Each
/// worker publishes its count every 4,096 additions: milliseconds apart even under the lock.
pub const SILENCE_LIMIT_MS: f64 = 15_000.0;

/// How often the page reads the workers' progress, ms.
const TICK_MS: u32 = 100;

/// Starts the mode on `parallel.html`. Called by `src/bin/parallel_mode.rs`.
pub fn start() {
    let Some(page) = Page::find() else {
        web_sys::console::error_1(&"parallel mode: this is not parallel.html (its controls are missing)".into());
        return;
    };
    let ui = Ui::new(page);
    register_section("the shared-memory run", owner_running(Rc::downgrade(&ui), |u: &Ui| u.live.is_some()));
    let on_submit = {
        let ui = ui.clone();
        Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            ui.borrow_mut().start_run();
        })
    };
    let on_cancel = {
        let ui = ui.clone();
        Closure::<dyn FnMut(Event)>::new(move |_: Event| {
            ui.borrow_mut()
                .stop("Cancelled: the workers were terminated, and no result is shown. Press Run to start again.")
        })
    };
    let b = ui.borrow();
    let _ = b.page.form.add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref());
    let _ = b.page.cancel.add_event_listener_with_callback("click", on_cancel.as_ref().unchecked_ref());
    // The page lives as long as the document: so do its two handlers.
    on_submit.forget();
    on_cancel.forget();
}

/// `parallel.html`'s elements that the mode reads or writes.
struct Page {
    document: Document,
    form: Element,
    workers: HtmlInputElement,
    iterations: HtmlSelectElement,
    run: Element,
    cancel: Element,
    status: Element,
    progress: Element,
    results: Element,
    results_body: Element,
    loss_why: Element,
    times_why: Element,
    startup: Element,
}

impl Page {
    fn find() -> Option<Page> {
        let document = web_sys::window()?.document()?;
        let get = |id: &str| document.get_element_by_id(id);
        Some(Page {
            form: get("shared-form")?,
            workers: get("workers")?.dyn_into().ok()?,
            iterations: get("iterations")?.dyn_into().ok()?,
            run: get("run")?,
            cancel: get("cancel")?,
            status: get("status")?,
            progress: get("progress")?,
            results: get("results")?,
            results_body: get("results-body")?,
            loss_why: get("loss-why")?,
            times_why: get("times-why")?,
            startup: get("startup")?,
            document,
        })
    }

    fn show(element: &Element, shown: bool) {
        let _ = if shown { element.remove_attribute("hidden") } else { element.set_attribute("hidden", "") };
    }

    fn enable(element: &Element, enabled: bool) {
        let _ = if enabled { element.remove_attribute("disabled") } else { element.set_attribute("disabled", "") };
    }

    /// Sets the status line (`kind`: `idle`, `running`, `done`, `stopped` or `error`, for styles and
    /// tests). A done run that lost updates is marked after ([`Ui::finish`]: `data-lost`).
    fn status(&self, kind: &str, text: &str) {
        let _ = self.status.set_attribute("data-kind", kind);
        let _ = self.status.remove_attribute("data-lost");
        self.status.set_text_content(Some(text));
    }
}

/// A run in progress: its workers, its shared memory and where it is.
struct Live {
    session: CountRun,
    /// The run's workers, with their handlers.
    workers: Vec<web::Spawned>,
    memory: SharedWords,
    _ticker: Interval,
    /// Each finished phase with each worker's final count in it (its progress word at the end).
    phases: Vec<(Variant, Vec<u32>)>,
    /// Additions published at the last tick, and when that sum last changed (ms).
    last_done: i64,
    last_change_ms: f64,
}

struct Ui {
    page: Page,
    max_workers: u32,
    next_run: u64,
    live: Option<Live>,
    fault: Option<Fault>,
    /// For the browser tests: a value posted beside worker 0's first job so the post fails.
    poison: Option<JsValue>,
    silence_limit_ms: f64,
    me: Weak<RefCell<Ui>>,
}

impl Ui {
    fn new(page: Page) -> Rc<RefCell<Ui>> {
        let cores = hardware_concurrency();
        let max_workers = counter::max_workers(cores);
        let _ = page.workers.set_attribute("max", &max_workers.to_string());
        if let Some(cores_note) = page.document.get_element_by_id("cores") {
            let said = if cores == 0 {
                "does not say how many cores it has".to_string()
            } else {
                format!("reports {cores} logical cores")
            };
            cores_note.set_text_content(Some(&format!("This browser {said}: choose 1 to {max_workers} workers.")));
        }
        let available = shared_memory_available();
        if !available {
            if let Some(note) = page.document.get_element_by_id("shared-unavailable") {
                Page::show(&note, true);
            }
            Page::enable(&page.run, false);
            page.status(
                "error",
                "Shared memory is unavailable on this page (see why above), so this experiment cannot run.",
            );
        } else {
            page.status("idle", "Choose the workers and the additions, then press Run.");
        }
        let fault = match address_flag("debug-par-worker").as_deref() {
            Some("hang") => Some(Fault::Hang),
            Some("panic") => Some(Fault::Panic),
            _ => None,
        };
        let limit = address_flag("debug-par-limit-ms").and_then(|v| v.parse::<f64>().ok());
        Rc::new_cyclic(|me| {
            RefCell::new(Ui {
                page,
                max_workers,
                next_run: 1,
                live: None,
                fault,
                poison: uncloneable_for_tests(),
                silence_limit_ms: limit.unwrap_or(SILENCE_LIMIT_MS),
                me: me.clone(),
            })
        })
    }

    /// Terminates the run's workers, if any, and says `why`.
    fn stop(&mut self, why: &str) {
        if let Some(live) = self.live.take() {
            for w in &live.workers {
                w.worker.terminate();
            }
        }
        self.page.progress.set_inner_html("");
        // The start-up line belongs to the run's result: it goes with it.
        self.page.startup.set_text_content(None);
        self.idle_controls();
        self.page.status("stopped", why);
    }

    fn idle_controls(&self) {
        switch_run_cancel(&self.page.run, &self.page.cancel, false);
    }

    fn start_run(&mut self) {
        if self.live.is_some() {
            return;
        }
        if let Some(other) = other_running() {
            return self.page.status("error", &busy_status(other));
        }
        let workers = self.page.workers.value().trim().parse::<u32>().unwrap_or(0);
        let iterations = self.page.iterations.value().parse::<u32>().unwrap_or(0);
        let run = self.next_run;
        let session = match CountRun::new(run, workers, iterations, self.max_workers, now_ms()) {
            Ok(s) => s,
            Err(e) => return self.page.status("error", &format!("Cannot run: {e}.")),
        };
        self.next_run += 1;
        let memory = SharedWords::new(counter::words(workers));
        let started = match start_workers(&self.me, run, workers, Ui::on_message, Ui::worker_failed) {
            Ok(started) => started,
            Err(e) => {
                web_sys::console::error_2(&"could not start a worker".into(), &e);
                return self.page.status("error", "The browser refused to start a worker, so nothing runs.");
            }
        };
        let me = self.me.clone();
        let ticker = Interval::new(TICK_MS, move || {
            if let Some(ui) = me.upgrade() {
                ui.borrow_mut().tick();
            }
        });
        self.live = Some(Live {
            session,
            workers: started,
            memory,
            _ticker: ticker,
            phases: Vec::new(),
            last_done: 0,
            last_change_ms: now_ms(),
        });
        let rows: String = (0..workers)
            .map(|i| {
                format!(
                    "<li><span id=\"w{i}-label\">Worker {n}</span> <progress id=\"w{i}\" aria-labelledby=\"w{i}-label\" max=\"{iterations}\" value=\"0\"></progress> <span id=\"w{i}-text\" data-testid=\"worker-progress\">starting</span></li>",
                    n = i + 1
                )
            })
            .collect();
        self.page.progress.set_inner_html(&rows);
        Page::show(&self.page.results, false);
        self.page.startup.set_text_content(None);
        switch_run_cancel(&self.page.run, &self.page.cancel, true);
        self.page.status("running", &format!("Starting {}…", super::workers(workers)));
    }

    /// A worker of run `run` failed: the run stops.
    fn worker_failed(&mut self, run: u64, index: u32, why: &str) {
        if self.live.as_ref().is_some_and(|l| l.session.run == run) {
            web_sys::console::error_1(&format!("parallel worker {} stopped: {why}", index + 1).into());
            self.stop(&format!(
                "Worker {} stopped ({why}), so the run was abandoned and its workers terminated; no result is shown. Press Run to try again.",
                index + 1
            ));
        }
    }

    fn on_message(&mut self, run: u64, index: u32, event: &MessageEvent) {
        if self.live.as_ref().is_none_or(|l| l.session.run != run) {
            return;
        }
        let message = web::receive(event).and_then(|r| messages::read::<FromParWorker>(&r.control));
        let message = match message {
            Ok(m) => m,
            Err(ReadError::Version { theirs }) => {
                return self.worker_failed(
                    run,
                    index,
                    &format!(
                        "it comes from another version of Threadlab (protocol {theirs}, this page speaks {}): reload the page",
                        messages::PROTOCOL
                    ),
                );
            }
            Err(ReadError::Garbled(why)) => {
                return self.worker_failed(run, index, &format!("unreadable message: {why}"));
            }
        };
        let step = {
            let live = self.live.as_mut().expect("the live run");
            match message {
                FromParWorker::Ready => live.session.ready(index, now_ms()),
                FromParWorker::Counted { run: r, worker, span } if r == run && worker == index => {
                    match live.session.counted(worker, span) {
                        Ok(true) => {
                            // The phase is over: keep each worker's final count to show it done.
                            if let Some(variant) = live.session.running() {
                                let counts = (0..live.session.workers)
                                    .map(|i| live.memory.atomic_load(PROGRESS + i).max(0) as u32)
                                    .collect();
                                live.phases.push((variant, counts));
                            }
                            Ok(live.session.tally(live.memory.atomic_load(COUNTER) as u32))
                        }
                        Ok(false) => Ok(Step::Wait),
                        Err(e) => Err(e),
                    }
                }
                FromParWorker::Counted { .. } | FromParWorker::Hashed { .. } => {
                    Err("an answer about another run or worker".to_string())
                }
                FromParWorker::Crashed { message } => Err(message),
            }
        };
        match step {
            Ok(Step::Wait) => {}
            Ok(Step::Start(variant)) => self.start_variant(variant),
            Ok(Step::Finished) => self.finish(),
            Err(why) => self.worker_failed(run, index, &why),
        }
    }

    /// Resets the shared memory and posts `variant`'s job to every worker.
    fn start_variant(&mut self, variant: Variant) {
        let fault = self.fault.take();
        let Some(live) = &mut self.live else { return };
        counter::reset(&live.memory, live.session.workers);
        show_progress(&self.page.document, live, &vec![0; live.session.workers as usize]);
        let s = &live.session;
        if variant == Variant::ALL[0]
            && let Some(startup) = s.startup()
        {
            self.page.startup.set_text_content(Some(&format!(
                "Worker start-up (from new Worker to its first message, loading and compiling its module): {}.",
                startup_times(&startup, s.workers)
            )));
        }
        let buffer = live.memory.buffer();
        let poison = self.poison.take();
        let mut refused = None;
        for (i, worker) in live.workers.iter().enumerate() {
            let job = CountJob {
                variant,
                worker: i as u32,
                workers: s.workers,
                iterations: s.iterations,
                fault: if i == 0 { fault } else { None },
            };
            let control = messages::write(&ToParWorker::Count { run: s.run, job });
            let buffers = match (&poison, i) {
                (Some(p), 0) => vec![buffer.clone(), p.clone()],
                _ => vec![buffer.clone()],
            };
            if let Err(e) = web::post_buffers(&worker.worker, &control, &buffers, &[]) {
                web_sys::console::error_2(&"could not post to a parallel worker".into(), &e);
                refused = Some(refused_status(i, &e));
                break;
            }
        }
        if let Some(why) = refused {
            return self.stop(&why);
        }
        let n = Variant::ALL.iter().position(|v| *v == variant).unwrap_or(0) + 1;
        let text = format!("Running {n} of 3: {} on {}…", variant.label(), super::workers(s.workers));
        self.page.status("running", &text);
    }

    /// Reads the workers' progress; stops a run that shows none for too long.
    fn tick(&mut self) {
        let Some(live) = &mut self.live else { return };
        let mut total: i64 = 0;
        let mut counts = Vec::new();
        for i in 0..live.session.workers {
            let done = live.memory.atomic_load(PROGRESS + i);
            total += i64::from(done);
            counts.push(done.max(0) as u32);
        }
        if live.session.running().is_some() {
            show_progress(&self.page.document, live, &counts);
        }
        let now = now_ms();
        if total != live.last_done {
            live.last_done = total;
            live.last_change_ms = now;
        } else if now - live.last_change_ms > self.silence_limit_ms {
            let seconds = (self.silence_limit_ms / 1000.0).round();
            self.stop(&format!(
                "The workers showed no progress for {seconds} s, so they were taken for hung and terminated; no result is shown. Press Run to try again."
            ));
        }
    }

    /// All three variants are in: show them, and end the run's workers.
    fn finish(&mut self) {
        let Some(live) = self.live.take() else { return };
        for w in &live.workers {
            w.worker.terminate();
        }
        // Every phase done, each worker's final counts stay in view.
        show_progress(&self.page.document, &live, &[]);
        let outcomes = &live.session.outcomes;
        let (plain, atomic) = (&outcomes[0], &outcomes[1]);
        let rows: String = outcomes.iter().map(|o| row(o, Some(atomic.wall_ms))).collect();
        self.page.results_body.set_inner_html(&rows);
        let (workers, iterations) = (live.session.workers, live.session.iterations);
        let loss_why = large_loss(plain.lost(), workers, iterations);
        let (lock_ms, plain_ms) = (outcomes[2].wall_ms, plain.wall_ms);
        let times: Vec<String> = [
            plain_slower(plain_ms, atomic.wall_ms, workers, plain.lost()),
            plain_faster(plain_ms, atomic.wall_ms, plain.lost()),
            lock_faster(lock_ms, plain_ms),
            lock_beats_atomic(lock_ms, atomic.wall_ms, workers),
        ]
        .into_iter()
        .flatten()
        .collect();
        let times_why = (!times.is_empty()).then(|| times.join(" "));
        for (el, text) in [(&self.page.loss_why, &loss_why), (&self.page.times_why, &times_why)] {
            el.set_text_content(text.as_deref());
            Page::show(el, text.is_some());
        }
        Page::show(&self.page.results, true);
        self.idle_controls();
        let what = format!("{} × {} additions", super::workers(workers), grouped(u64::from(iterations)));
        let summary = if plain.lost() > 0 {
            format!(
                "{} ({what}): the plain additions ended {} short of {} ({:.1} %). Each time, two or more workers read the same value and each wrote it plus one, so only one of their additions counted. Atomics.add and the lock lost none.",
                done_head(plain.lost()),
                grouped(u64::from(plain.lost())),
                grouped(u64::from(plain.expected)),
                100.0 * f64::from(plain.lost()) / f64::from(plain.expected)
            )
        } else {
            format!("{} ({what}). {}", done_head(0), no_loss(workers))
        };
        self.page.status("done", &summary);
        // Marked: a loss as a warning, none with a neutral mark (plain is unsafe all the same).
        let _ = self.page.status.set_attribute("data-lost", &plain.lost().to_string());
    }
}

/// Writes each worker's progress line ([`progress_text`]): the phases done, then the running
/// one's `counts` (one per worker; unused once the run is over), its bar at that count.
fn show_progress(document: &Document, live: &Live, counts: &[u32]) {
    let (iterations, running) = (live.session.iterations, live.session.running());
    for i in 0..live.session.workers as usize {
        let done: Vec<(Variant, u32)> = live.phases.iter().map(|(v, c)| (*v, c.get(i).copied().unwrap_or(0))).collect();
        let now = counts.get(i).copied().unwrap_or(0);
        let bar_at = if running.is_some() { now } else { iterations };
        if let Some(bar) = document.get_element_by_id(&format!("w{i}")) {
            let _ = bar.set_attribute("value", &bar_at.to_string());
        }
        if let Some(text) = document.get_element_by_id(&format!("w{i}-text")) {
            text.set_text_content(Some(&progress_text(&done, running.map(|v| (v, now)), iterations)));
        }
    }
}

/// One row of the results table (numbers only: nothing here comes from the learner's text).
fn row(o: &Outcome, atomic_ms: Option<f64>) -> String {
    let key = match o.variant {
        Variant::Plain => "plain",
        Variant::Atomic => "atomic",
        Variant::Lock => "lock",
    };
    let ratio = atomic_ms.map_or_else(|| "–".to_string(), |a| ratio_text(o.wall_ms, a));
    let lost = if o.lost() > 0 { format!("{} lost", grouped(u64::from(o.lost()))) } else { "none (exact)".to_string() };
    format!(
        "<tr data-testid=\"result-{key}\" data-expected=\"{e}\" data-got=\"{g}\" data-lost=\"{l}\" data-ms=\"{ms}\"><th scope=\"row\">{label}</th><td>{ge}</td><td>{gg}</td><td>{lost}</td><td>{shown}</td><td>{ratio}</td></tr>",
        e = o.expected,
        g = o.got,
        l = o.lost(),
        label = o.variant.label(),
        ge = grouped(u64::from(o.expected)),
        gg = grouped(u64::from(o.got)),
        ms = o.wall_ms,
        shown = ms_text(o.wall_ms),
    )
}
