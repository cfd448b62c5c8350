//! The page's side of a lab panel's worker (compare, sweep, exercise: `src/workers/lab_web.rs`;
//! their messages [`crate::messaging::lab`]). It is started when its panel first needs it and
//! kept; a job sent while another is running replaces the worker (a worker busy with runs reads
//! no messages), as Cancel does. A crash is reported and the next job starts a fresh worker.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use web_sys::MessageEvent;
use yew::Callback;

use crate::messaging::lab::{self, FromLab, LabJob, ToLab};
use crate::messaging::web;

/// What the lab worker says about the job the page is waiting for.
#[derive(Clone, Debug, PartialEq)]
pub enum LabEvent {
    /// `done` of `total` runs are done.
    Progress(u32, u32),
    /// The panel's new markup.
    Done(String),
    /// The worker failed: why, in words.
    Failed(String),
}

/// The lab worker, as the page sees it. Cheap to clone.
#[derive(Clone)]
pub struct LabWorker(Rc<RefCell<Inner>>);

struct Live {
    spawned: web::Spawned,
    ready: bool,
}

struct Inner {
    /// The worker's loader script (Trunk's `data-loader-shim`), relative to the page's base URL.
    script: &'static str,
    report: Callback<LabEvent>,
    live: Option<Live>,
    /// The job waiting for the worker to be ready, and the id of the one it is doing.
    queued: Option<LabJob>,
    busy: Option<u64>,
    next_id: u64,
    me: Weak<RefCell<Inner>>,
}

impl LabWorker {
    /// The worker whose loader script is `script` (`compare_worker_loader.js`), reporting to
    /// `report`; nothing starts until [`LabWorker::send`].
    pub fn new(script: &'static str, report: Callback<LabEvent>) -> LabWorker {
        LabWorker(Rc::new_cyclic(|me| {
            RefCell::new(Inner { script, report, live: None, queued: None, busy: None, next_id: 0, me: me.clone() })
        }))
    }

    /// Sends `job`, replacing one in progress.
    pub fn send(&self, job: LabJob) {
        let mut inner = self.0.borrow_mut();
        if inner.busy.is_some() {
            inner.stop();
        }
        if inner.live.is_none() {
            inner.start();
        }
        inner.queued = Some(job);
        inner.post();
    }

    /// Stops the job in progress (the worker is ended; the next job starts a fresh one).
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
        match web::spawn(&web::worker_url(self.script), on_message, on_crash) {
            Ok(spawned) => self.live = Some(Live { spawned, ready: false }),
            Err(_) => {
                self.report.emit(LabEvent::Failed("The lab worker could not be started: reload the page.".into()))
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
        let Some(job) = self.queued.take() else { return };
        self.next_id += 1;
        let control = lab::write(&ToLab::Start { id: self.next_id, job });
        if web::post(&live.spawned.worker, &control, &[]).is_ok() {
            self.busy = Some(self.next_id);
        }
    }

    fn crashed(&mut self, why: &str) -> LabEvent {
        self.stop();
        LabEvent::Failed(format!("The lab worker stopped ({why}); try again, or reload the page."))
    }

    fn on_message(&mut self, event: &MessageEvent) -> Option<LabEvent> {
        match web::receive(event).and_then(|r| lab::read::<FromLab>(&r.control)) {
            Err(e) => Some(self.crashed(&e.to_string())),
            Ok(FromLab::Ready) => {
                if let Some(live) = &mut self.live {
                    live.ready = true;
                }
                self.post();
                None
            }
            Ok(FromLab::Counted { id, done, total }) if Some(id) == self.busy => Some(LabEvent::Progress(done, total)),
            Ok(FromLab::Done { id, markup }) if Some(id) == self.busy => {
                self.busy = None;
                Some(LabEvent::Done(markup))
            }
            Ok(FromLab::Crashed { message }) => Some(self.crashed(&message)),
            Ok(_) => None,
        }
    }
}
