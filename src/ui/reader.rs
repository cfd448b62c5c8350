//! The page's side of the reader worker, the one place a scenario's text is read (see
//! [`crate::messaging::reader`]): the page asks it to read each scenario it opens, and for the job
//! table's rows of the editor's draft.
//!
//! One worker is started with the page and kept (warm). [`Reader::want`] follows the page
//! state's read and rows request: each new one is posted as soon as the worker is ready (it
//! answers in order, in milliseconds, so a request may be posted before the last is answered).
//! Answers come back as [`PageAction`]s for the request's id; the reducer drops stale ones. A
//! worker that crashes, or leaves a request unanswered for [`SILENCE_LIMIT_MS`], is replaced and
//! the request reported as stopped; the learner's text is kept (the reducer keeps it as the
//! draft).
//!
//! For the browser tests only: the address flag `debug-reader=hang` or `debug-reader=panic`
//! makes the page's second read act out that fault in the worker, and
//! `debug-reader-limit-ms=N` sets the time limit to N ms.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo::timers::callback::Interval;
use web_sys::MessageEvent;
use yew::Callback;

use crate::messaging::reader::{FromReader, ToReader};
use crate::messaging::{self, Fault, web};
use crate::page::{PageAction, Reading, RowsWanted, from_reader};

/// The worker's loader script (Trunk's `data-loader-shim`), relative to the page's base URL.
const WORKER_SCRIPT: &str = "reader_worker_loader.js";

/// A request unanswered for this long (ms) is taken for hung: the largest scenario the page
/// accepts (100,000 threads) is read in well under a second.
pub const SILENCE_LIMIT_MS: f64 = 10_000.0;

/// Workers started in a row that never said they were ready, after which no more are started.
const MAX_FAILED_STARTS: u32 = 3;

/// The reader worker, as the page sees it. Cheap to clone (one shared state).
#[derive(Clone)]
pub struct Reader(Rc<RefCell<Inner>>);

/// A request the page wants answered.
struct Wanted {
    id: u64,
    message: ToReader,
    /// When it was posted to the current worker (ms, `Date.now()`), if it was.
    sent: Option<f64>,
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
    read: Option<Wanted>,
    rows: Option<Wanted>,
    generation: u64,
    failed_starts: u32,
    reads_sent: u32,
    fault: Option<Fault>,
    silence_limit_ms: f64,
    watchdog: Option<Interval>,
    me: Weak<RefCell<Inner>>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// The address's `name` parameter, if present.
fn address_flag(name: &str) -> Option<String> {
    let search = gloo::utils::window().location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

impl Reader {
    /// Starts the worker; answers go to `report`.
    pub fn new(report: Callback<PageAction>) -> Reader {
        let fault = match address_flag("debug-reader").as_deref() {
            Some("hang") => Some(Fault::Hang),
            Some("panic") => Some(Fault::Panic),
            _ => None,
        };
        let limit = address_flag("debug-reader-limit-ms").and_then(|v| v.parse::<f64>().ok());
        let reader = Reader(Rc::new_cyclic(|me| {
            RefCell::new(Inner {
                report,
                live: None,
                read: None,
                rows: None,
                generation: 0,
                failed_starts: 0,
                reads_sent: 0,
                fault,
                silence_limit_ms: limit.unwrap_or(SILENCE_LIMIT_MS),
                watchdog: None,
                me: me.clone(),
            })
        }));
        reader.0.borrow_mut().start_worker();
        reader
    }

    /// Follows the page's read and rows request: posts a new one; forgets one no longer wanted
    /// (its answer, if it comes, is dropped).
    pub fn want(&self, reading: Option<&Reading>, rows: Option<&RowsWanted>) {
        let actions = {
            let mut inner = self.0.borrow_mut();
            if inner.read.as_ref().map(|w| w.id) != reading.map(|r| r.id) {
                inner.read = reading.map(|r| Wanted {
                    id: r.id,
                    message: ToReader::Read { id: r.id, job: r.job() },
                    sent: None,
                });
            }
            if inner.rows.as_ref().map(|w| w.id) != rows.map(|r| r.id) {
                inner.rows = rows.map(|r| Wanted {
                    id: r.id,
                    message: ToReader::Jobs { id: r.id, text: r.text.to_string() },
                    sent: None,
                });
            }
            inner.send()
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
                gloo::console::error!("could not start the reader worker", e);
                self.failed_starts = MAX_FAILED_STARTS;
                self.live = None;
            }
        }
    }

    /// Terminates a broken worker and starts a fresh one.
    fn replace_worker(&mut self) {
        if let Some(live) = self.live.take() {
            live.spawned.worker.terminate();
        }
        self.watchdog = None;
        if self.failed_starts < MAX_FAILED_STARTS {
            self.start_worker();
        }
    }

    /// Posts the wanted requests not posted yet, if the worker is ready. With no worker, they
    /// are reported as stopped.
    fn send(&mut self) -> Vec<PageAction> {
        let Some(live) = &self.live else {
            let message = "The scenario reader could not be started, so no scenario can be opened: reload the page.";
            return [self.read.take(), self.rows.take()]
                .into_iter()
                .flatten()
                .map(|w| PageAction::Stopped { id: w.id, message: message.into() })
                .collect();
        };
        if !live.ready {
            return Vec::new();
        }
        for w in [&mut self.read, &mut self.rows].into_iter().flatten().filter(|w| w.sent.is_none()) {
            if let ToReader::Read { job, .. } = &mut w.message {
                self.reads_sent += 1;
                // The test fault is for the page's second read.
                if self.reads_sent == 2 {
                    job.fault = self.fault.take();
                }
            }
            if let Err(e) = web::post(&live.spawned.worker, &messaging::write(&w.message), &[]) {
                gloo::console::error!("could not post to the reader worker", e);
            }
            w.sent = Some(now());
        }
        if self.watchdog.is_none() && (self.read.is_some() || self.rows.is_some()) {
            self.start_watchdog();
        }
        Vec::new()
    }

    fn start_watchdog(&mut self) {
        let me = self.me.clone();
        self.watchdog = Some(Interval::new(500, move || {
            if let Some(inner) = me.upgrade() {
                let actions = inner.borrow_mut().check_limit();
                inner.borrow().emit(actions);
            }
        }));
    }

    /// Stops the worker if a request it was sent is unanswered for too long.
    fn check_limit(&mut self) -> Vec<PageAction> {
        let oldest = [&self.read, &self.rows].into_iter().flatten().filter_map(|w| w.sent).reduce(f64::min);
        let Some(sent) = oldest else {
            if self.read.is_none() && self.rows.is_none() {
                self.watchdog = None;
            }
            return Vec::new();
        };
        if now() - sent <= self.silence_limit_ms {
            return Vec::new();
        }
        let seconds = (self.silence_limit_ms / 1000.0).round() as u64;
        let message = format!(
            "Reading the scenario took longer than {seconds} s, so it was stopped; the run shown is the one before and your text is kept. Try again, or reload the page."
        );
        self.stop_all(&message)
    }

    /// Reports every wanted request as stopped with `message` and replaces the worker.
    fn stop_all(&mut self, message: &str) -> Vec<PageAction> {
        let stopped = [self.read.take(), self.rows.take()]
            .into_iter()
            .flatten()
            .map(|w| PageAction::Stopped { id: w.id, message: message.to_string() })
            .collect();
        self.replace_worker();
        stopped
    }

    /// The worker `generation` crashed: its requests are reported as stopped, the worker replaced.
    fn crashed(&mut self, generation: u64, why: &str) -> Vec<PageAction> {
        if self.live.as_ref().is_none_or(|l| l.generation != generation) {
            return Vec::new();
        }
        gloo::console::error!(format!("the reader worker stopped: {why}"));
        if !self.live.as_ref().is_some_and(|l| l.ready) {
            self.failed_starts += 1;
        }
        self.stop_all(&format!(
            "The scenario reader stopped because of an internal error ({why}); the run shown is the one before and your text is kept. Try again, or reload the page."
        ))
    }

    fn on_message(&mut self, generation: u64, event: &MessageEvent) -> Vec<PageAction> {
        if self.live.as_ref().is_none_or(|l| l.generation != generation) {
            return Vec::new();
        }
        let received = match web::receive(event) {
            Ok(r) => r,
            Err(e) => return self.crashed(generation, &e.to_string()),
        };
        let message = match messaging::read::<FromReader>(&received.control) {
            Ok(m) => m,
            Err(e) => return self.crashed(generation, &e.to_string()),
        };
        let buffers: Vec<Vec<u8>> = received.buffers.iter().map(web::bytes).collect();
        let answered = |w: &Option<Wanted>, id: u64| w.as_ref().is_some_and(|w| w.id == id);
        match message {
            FromReader::Ready => {
                if let Some(live) = &mut self.live {
                    live.ready = true;
                }
                self.failed_starts = 0;
                self.send()
            }
            FromReader::Read { id, .. } | FromReader::Refused { id, .. } if answered(&self.read, id) => {
                self.read = None;
                from_reader(message, &buffers).into_iter().collect()
            }
            FromReader::Jobs { id } if answered(&self.rows, id) => {
                self.rows = None;
                from_reader(message, &buffers).into_iter().collect()
            }
            // An answer to a request no longer wanted.
            FromReader::Read { .. } | FromReader::Refused { .. } | FromReader::Jobs { .. } => Vec::new(),
            FromReader::Crashed { message } => self.crashed(generation, &message),
        }
    }
}
