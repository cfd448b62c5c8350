//! The page's side of the OSTEP mode's worker (`src/workers/ostep_web.rs`; their messages
//! [`crate::messaging::ostep`]), as [`super::lab_worker`] is for a lab panel's: started when the
//! mode first opens and kept; a line sent while another runs replaces the worker (a worker busy
//! with a run reads no messages), as Cancel does. A crash is reported and the next line starts a
//! fresh worker.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use web_sys::MessageEvent;
use yew::Callback;

use crate::messaging::ostep::{self, FromOstep, OstepAnswer, ToOstep};
use crate::messaging::web;

/// The worker's loader script (Trunk's `data-loader-shim`), relative to the page's base URL.
const SCRIPT: &str = "ostep_worker_loader.js";

/// What the OSTEP worker says about the line the page is waiting for.
#[derive(Clone, Debug, PartialEq)]
pub enum OstepEvent {
    /// The line's answer.
    Done(OstepAnswer),
    /// The worker failed: why, in words.
    Failed(String),
}

/// The OSTEP worker, as the page sees it. Cheap to clone.
#[derive(Clone)]
pub struct OstepWorker(Rc<RefCell<Inner>>);

struct Live {
    spawned: web::Spawned,
    ready: bool,
}

struct Inner {
    report: Callback<OstepEvent>,
    live: Option<Live>,
    /// The line waiting for the worker to be ready, and the id of the one it is running.
    queued: Option<String>,
    busy: Option<u64>,
    next_id: u64,
    me: Weak<RefCell<Inner>>,
}

impl OstepWorker {
    /// The worker, reporting to `report`; nothing starts until [`OstepWorker::warm`] or
    /// [`OstepWorker::send`].
    pub fn new(report: Callback<OstepEvent>) -> OstepWorker {
        OstepWorker(Rc::new_cyclic(|me| {
            RefCell::new(Inner { report, live: None, queued: None, busy: None, next_id: 0, me: me.clone() })
        }))
    }

    /// Starts the worker if it is not running (the mode has opened: the first line is quick).
    pub fn warm(&self) {
        let mut inner = self.0.borrow_mut();
        if inner.live.is_none() {
            inner.start();
        }
    }

    /// Sends the command line `line`, replacing one in progress.
    pub fn send(&self, line: String) {
        let mut inner = self.0.borrow_mut();
        if inner.busy.is_some() {
            inner.stop();
        }
        if inner.live.is_none() {
            inner.start();
        }
        inner.queued = Some(line);
        inner.post();
    }

    /// Stops the line in progress (the worker is ended; the next line starts a fresh one).
    pub fn cancel(&self) {
        let mut inner = self.0.borrow_mut();
        inner.queued = None;
        inner.stop();
    }
}

impl Inner {
    fn start(&mut self) {
        let me = self.me.clone();
        let on_message = move |event: &MessageEvent| {
            let Some(inner) = me.upgrade() else { return };
            let event = inner.borrow_mut().on_message(event);
            if let Some(e) = event {
                let report = inner.borrow().report.clone();
                report.emit(e);
            }
        };
        let me = self.me.clone();
        let on_crash = move |why: &str| {
            let Some(inner) = me.upgrade() else { return };
            let event = inner.borrow_mut().crashed(why);
            let report = inner.borrow().report.clone();
            report.emit(event);
        };
        match web::spawn(&web::worker_url(SCRIPT), on_message, on_crash) {
            Ok(spawned) => self.live = Some(Live { spawned, ready: false }),
            Err(_) => {
                self.report.emit(OstepEvent::Failed("The OSTEP worker could not be started: reload the page.".into()))
            }
        }
    }

    fn stop(&mut self) {
        if let Some(live) = self.live.take() {
            live.spawned.worker.terminate();
        }
        self.busy = None;
    }

    fn post(&mut self) {
        let Some(live) = self.live.as_ref().filter(|l| l.ready) else { return };
        let Some(line) = self.queued.take() else { return };
        self.next_id += 1;
        let control = ostep::write(&ToOstep::Start { id: self.next_id, line });
        if web::post(&live.spawned.worker, &control, &[]).is_ok() {
            self.busy = Some(self.next_id);
        }
    }

    fn crashed(&mut self, why: &str) -> OstepEvent {
        self.stop();
        OstepEvent::Failed(format!("The OSTEP worker stopped ({why}); try again, or reload the page."))
    }

    fn on_message(&mut self, event: &MessageEvent) -> Option<OstepEvent> {
        match web::receive(event).and_then(|r| ostep::read::<FromOstep>(&r.control)) {
            Err(e) => Some(self.crashed(&e.to_string())),
            Ok(FromOstep::Ready) => {
                if let Some(live) = &mut self.live {
                    live.ready = true;
                }
                self.post();
                None
            }
            Ok(FromOstep::Done { id, answer }) if Some(id) == self.busy => {
                self.busy = None;
                Some(OstepEvent::Done(answer))
            }
            Ok(FromOstep::Crashed { message }) => Some(self.crashed(&message)),
            Ok(FromOstep::Done { .. }) => None,
        }
    }
}
