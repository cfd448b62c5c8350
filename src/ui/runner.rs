//! The page's side of the simulation worker: the page's runs are computed there, so the page
//! stays responsive (typing, scrubbing the run shown) however long a run takes.
//!
//! One worker is started with the page and kept (warm) between runs, so a small run is answered
//! in a few milliseconds. [`Runner::want`] follows the page state's pending run: a new one is sent
//! as soon as the worker is ready; if the worker is still busy with an older one (or the user
//! cancelled), that worker is terminated and a fresh one started, since a running simulation
//! reads no messages. Answers come back as [`PageAction`]s for the run's id; the reducer drops
//! stale ones. A worker that crashes, stops answering for [`SILENCE_LIMIT_MS`] or runs past
//! [`RUN_LIMIT_MS`] is replaced and the run reported as stopped; nothing of it is shown.
//!
//! For the browser tests only: the address flag `debug-worker=hang` or `debug-worker=panic`
//! makes the first run after the page's first one act out that fault in the worker, and
//! `debug-worker-limit-ms=N` sets both time limits to N ms. Timings go to the browser's
//! performance timeline as measures named `threadlab: …` (read by `e2e/bench/page-bench.mjs`).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Interval;
use web_sys::MessageEvent;
use yew::Callback;

use crate::messaging::wire::RunDecoder;
use crate::messaging::{self, Fault, FromWorker, Job, Reply, RunJob, ToWorker, web};
use crate::model::System;
use crate::page::run::Run;
use crate::page::summary::Summary;
use crate::page::{PageAction, Pending};

/// The worker's loader script (Trunk's `data-loader-shim`), relative to the page's base URL so
/// a build served from a sub-folder finds it.
const WORKER_SCRIPT: &str = "sim_worker_loader.js";

/// A run that sends nothing for this long (ms) is taken for hung: the worker reports progress
/// every 100 ms while it runs.
pub const SILENCE_LIMIT_MS: f64 = 15_000.0;

/// Longest a run may take (ms) before it is stopped. The model's own budgets (200,000
/// instructions, 2 million trace events by default) end runs long before this.
pub const RUN_LIMIT_MS: f64 = 120_000.0;

/// Items of a run's trace read per slice between frames (a few milliseconds of work; a run at
/// the trace's cap, 2,000,000 events, is read in about 40 slices).
const READ_SLICE: usize = 65_536;

/// Workers started in a row that never said they were ready, after which no more are started.
const MAX_FAILED_STARTS: u32 = 3;

/// The simulation worker, as the page sees it. Cheap to clone (one shared state).
#[derive(Clone)]
pub struct Runner(Rc<RefCell<Inner>>);

/// The run the page wants from the worker.
struct Wanted {
    id: u64,
    /// What the page shows of the scenario, and its loaded system (the reader worker read it).
    summary: Rc<Summary>,
    system: Rc<System>,
    /// What the worker runs: the scenario loaded, as bytes ([`Pending::input`]).
    input: Rc<[u8]>,
    /// Whether it was posted to the current worker.
    sent: bool,
    /// When it was asked for, and when the worker last said anything (ms, `Date.now()`).
    since: f64,
    last_heard: f64,
}

/// A started worker.
struct Live {
    spawned: web::Spawned,
    /// Counts the workers started, so an event from a replaced one is ignored.
    generation: u64,
    ready: bool,
}

struct Inner {
    report: Callback<PageAction>,
    live: Option<Live>,
    wanted: Option<Wanted>,
    generation: u64,
    failed_starts: u32,
    jobs_sent: u32,
    fault: Option<Fault>,
    silence_limit_ms: f64,
    run_limit_ms: f64,
    watchdog: Option<Interval>,
    /// The run whose answer the page is reading (a slice at a time), if any.
    reading: Option<u64>,
    me: Weak<RefCell<Inner>>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// `performance.mark(name)`, for the benchmark.
fn mark(name: &str) {
    if let Some(p) = gloo::utils::window().performance() {
        let _ = p.mark(name);
    }
}

/// `performance.measure(name, start, end)` between two marks, for the benchmark.
fn measure(name: &str, start: &str, end: &str) {
    if let Some(p) = gloo::utils::window().performance() {
        let _ = p.measure_with_start_mark_and_end_mark(name, start, end);
    }
}

/// The address's `name` parameter, if present.
fn address_flag(name: &str) -> Option<String> {
    let search = gloo::utils::window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

impl Runner {
    /// Starts the worker; answers go to `report`.
    pub fn new(report: Callback<PageAction>) -> Runner {
        let fault = match address_flag("debug-worker").as_deref() {
            Some("hang") => Some(Fault::Hang),
            Some("panic") => Some(Fault::Panic),
            _ => None,
        };
        let limit = address_flag("debug-worker-limit-ms").and_then(|v| v.parse::<f64>().ok());
        let runner = Runner(Rc::new_cyclic(|me| {
            RefCell::new(Inner {
                report,
                live: None,
                wanted: None,
                generation: 0,
                failed_starts: 0,
                jobs_sent: 0,
                fault,
                silence_limit_ms: limit.unwrap_or(SILENCE_LIMIT_MS),
                run_limit_ms: limit.unwrap_or(RUN_LIMIT_MS),
                watchdog: None,
                reading: None,
                me: me.clone(),
            })
        }));
        runner.0.borrow_mut().start_worker();
        runner
    }

    /// Follows the page's pending run: sends a new one, or stops one no longer wanted.
    pub fn want(&self, pending: Option<&Pending>) {
        let actions = {
            let mut inner = self.0.borrow_mut();
            match pending {
                Some(p) if inner.wanted.as_ref().is_some_and(|w| w.id == p.id) || inner.reading == Some(p.id) => return,
                Some(p) => {
                    inner.reading = None;
                    // A worker busy with an older run is replaced: it would finish that first.
                    if inner.wanted.take().is_some_and(|w| w.sent) {
                        inner.replace_worker();
                    }
                    let t = now();
                    inner.wanted = Some(Wanted {
                        id: p.id,
                        summary: p.loaded.summary.clone(),
                        system: p.system.clone(),
                        input: p.input.clone(),
                        sent: false,
                        since: t,
                        last_heard: t,
                    });
                    inner.send()
                }
                None => {
                    inner.reading = None;
                    if inner.wanted.take().is_some_and(|w| w.sent) {
                        inner.replace_worker();
                    }
                    Vec::new()
                }
            }
        };
        self.0.borrow().emit(actions);
    }
}

impl Inner {
    /// Answers to the page, sent once the state is no longer borrowed (a dispatch may render).
    fn emit(&self, actions: Vec<PageAction>) {
        for a in actions {
            self.report.emit(a);
        }
    }

    fn start_worker(&mut self) {
        self.generation += 1;
        let generation = self.generation;
        let url = web::worker_url(WORKER_SCRIPT);
        mark("threadlab: worker spawned");
        let (me, me_too) = (self.me.clone(), self.me.clone());
        let on_message = move |event: &MessageEvent| {
            if let Some(inner) = me.upgrade() {
                let actions = inner.borrow_mut().on_message(generation, event);
                inner.borrow().emit(actions);
            }
        };
        let on_crash = move |why: &str| {
            if let Some(inner) = me_too.upgrade() {
                let actions = inner.borrow_mut().crashed(generation, why);
                inner.borrow().emit(actions);
            }
        };
        match web::spawn(&url, on_message, on_crash) {
            Ok(spawned) => self.live = Some(Live { spawned, generation, ready: false }),
            Err(e) => {
                gloo::console::error!("could not start the simulation worker", e);
                self.failed_starts = MAX_FAILED_STARTS;
                self.live = None;
            }
        }
    }

    /// Terminates the worker (busy with a run no longer wanted, or broken) and starts a fresh one.
    fn replace_worker(&mut self) {
        if let Some(live) = self.live.take() {
            live.spawned.worker.terminate();
        }
        self.watchdog = None;
        if self.failed_starts < MAX_FAILED_STARTS {
            self.start_worker();
        }
    }

    /// Posts the wanted run if the worker is ready for it.
    fn send(&mut self) -> Vec<PageAction> {
        let (Some(live), Some(w)) = (&self.live, &mut self.wanted) else {
            return match (&self.live, &self.wanted) {
                (None, Some(w)) => {
                    let id = w.id;
                    self.wanted = None;
                    vec![PageAction::Stopped {
                        id,
                        message: "The simulation worker could not be started, so nothing can run: reload the page."
                            .into(),
                    }]
                }
                _ => Vec::new(),
            };
        };
        if !live.ready || w.sent {
            return Vec::new();
        }
        self.jobs_sent += 1;
        // The test fault is for the first run after the page's first one.
        let fault = if self.jobs_sent == 2 { self.fault.take() } else { None };
        let control = messaging::write(&ToWorker::Start { id: w.id, job: Job::Run(RunJob { fault }) });
        if let Err(e) = web::post(&live.spawned.worker, &control, &[w.input.to_vec()]) {
            gloo::console::error!("could not post to the simulation worker", e);
        }
        w.sent = true;
        mark("threadlab: run sent");
        self.start_watchdog();
        Vec::new()
    }

    fn start_watchdog(&mut self) {
        let me = self.me.clone();
        self.watchdog = Some(Interval::new(500, move || {
            if let Some(inner) = me.upgrade() {
                let actions = inner.borrow_mut().check_limits();
                inner.borrow().emit(actions);
            }
        }));
    }

    /// Stops a run that is silent or too long.
    fn check_limits(&mut self) -> Vec<PageAction> {
        let Some(w) = &self.wanted else {
            self.watchdog = None;
            return Vec::new();
        };
        let t = now();
        let seconds = |ms: f64| (ms / 1000.0).round() as u64;
        let message = if t - w.last_heard > self.silence_limit_ms {
            format!(
                "The simulation gave no sign of life for {} s, so it was stopped; the run shown is the one before. Try again, or make the scenario smaller.",
                seconds(self.silence_limit_ms)
            )
        } else if t - w.since > self.run_limit_ms {
            format!(
                "The run took longer than {} s, so it was stopped; the run shown is the one before. Make the scenario smaller, or lower its limits.",
                seconds(self.run_limit_ms)
            )
        } else {
            return Vec::new();
        };
        let id = w.id;
        self.wanted = None;
        self.replace_worker();
        vec![PageAction::Stopped { id, message }]
    }

    /// The worker `generation` crashed: the run is reported as stopped and the worker replaced.
    fn crashed(&mut self, generation: u64, why: &str) -> Vec<PageAction> {
        if self.live.as_ref().is_none_or(|l| l.generation != generation) {
            return Vec::new();
        }
        gloo::console::error!(format!("the simulation worker stopped: {why}"));
        if !self.live.as_ref().is_some_and(|l| l.ready) {
            self.failed_starts += 1;
        }
        let stopped = self.wanted.take().map(|w| PageAction::Stopped {
            id: w.id,
            message: format!(
                "The simulation stopped because of an internal error ({why}); the run shown is the one before. Try again, or reload the page."
            ),
        });
        self.replace_worker();
        let mut actions: Vec<PageAction> = stopped.into_iter().collect();
        actions.extend(self.send());
        actions
    }

    /// Reads the answer to run `w` a slice at a time, yielding to the browser between slices
    /// (the page reports how far it has got), then reports the run; stops if the page no longer
    /// wants it ([`Inner::reading`] changed).
    fn read_in_slices(&self, w: Wanted, decoder: RunDecoder) {
        let (me, id) = (self.me.clone(), w.id);
        let mut decoder = Some(decoder);
        yew::platform::spawn_local(async move {
            loop {
                let Some(d) = decoder.as_mut() else { return };
                let step = d.step(READ_SLICE);
                let Some(inner) = me.upgrade() else { return };
                if inner.borrow().reading != Some(id) {
                    return;
                }
                let action = match step {
                    Ok(false) => PageAction::Reading { id, fraction: d.fraction() },
                    Ok(true) | Err(_) => {
                        inner.borrow_mut().reading = None;
                        let done = step.and_then(|_| decoder.take().expect("the decoder").finish());
                        let action = match done {
                            Ok(bytes) => {
                                let system = Rc::unwrap_or_clone(w.system);
                                PageAction::Finished { id, run: Run::from_worker(w.summary, system, bytes) }
                            }
                            Err(e) => PageAction::Stopped { id, message: format!("{e}: reload the page.") },
                        };
                        mark("threadlab: run decoded");
                        measure("threadlab: run decoded", "threadlab: run received", "threadlab: run decoded");
                        inner.borrow().emit(vec![action]);
                        return;
                    }
                };
                inner.borrow().emit(vec![action]);
                drop(inner);
                yew::platform::time::sleep(std::time::Duration::ZERO).await;
            }
        });
    }

    fn on_message(&mut self, generation: u64, event: &MessageEvent) -> Vec<PageAction> {
        if self.live.as_ref().is_none_or(|l| l.generation != generation) {
            return Vec::new();
        }
        let received = match web::receive(event) {
            Ok(r) => r,
            Err(e) => return self.crashed(generation, &e.to_string()),
        };
        let message = match messaging::read::<FromWorker>(&received.control) {
            Ok(m) => m,
            Err(e) => return self.crashed(generation, &e.to_string()),
        };
        if let Some(w) = &mut self.wanted {
            w.last_heard = now();
        }
        let wanted_id = self.wanted.as_ref().map(|w| w.id);
        match message {
            FromWorker::Ready => {
                if let Some(live) = &mut self.live {
                    live.ready = true;
                }
                self.failed_starts = 0;
                mark("threadlab: worker ready");
                measure("threadlab: worker start-up", "threadlab: worker spawned", "threadlab: worker ready");
                self.send()
            }
            FromWorker::Progress { id, progress } => vec![PageAction::Progress { id, progress }],
            FromWorker::Done { id, reply: Reply::Run { .. } } if Some(id) == wanted_id => {
                let w = self.wanted.take().expect("the wanted run");
                self.watchdog = None;
                mark("threadlab: run received");
                measure("threadlab: run in the worker", "threadlab: run sent", "threadlab: run received");
                let Some(buffer) = received.buffers.first() else {
                    return vec![PageAction::Stopped { id, message: "The simulation's answer had no result.".into() }];
                };
                match RunDecoder::new(web::bytes(buffer)) {
                    Ok(decoder) => {
                        self.reading = Some(id);
                        self.read_in_slices(w, decoder);
                        Vec::new()
                    }
                    Err(e) => vec![PageAction::Stopped { id, message: format!("{e}: reload the page.") }],
                }
            }
            FromWorker::Failed { id, message } if Some(id) == wanted_id => {
                self.wanted = None;
                self.watchdog = None;
                vec![PageAction::Stopped {
                    id,
                    message: format!("The simulation could not start: {message}. Reload the page."),
                }]
            }
            // An answer about a run no longer wanted (the page replaced it meanwhile).
            FromWorker::Done { .. } | FromWorker::Failed { .. } => Vec::new(),
            FromWorker::Crashed { message } => self.crashed(generation, &message),
        }
    }
}
