//! The page's side of a worker with nested workers (a lab panel's, the OSTEP mode's:
//! `src/workers/nested_web.rs`; their messages [`crate::messaging::nested`], one conversation
//! each). It is started when its panel or mode first needs it and kept; a job sent while
//! another is running replaces the worker (a worker busy with runs reads no messages), as Cancel
//! does. A crash is reported and the next job starts a fresh worker.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use web_sys::MessageEvent;
use yew::Callback;

use crate::messaging::nested::{self, Conversation, FromNested, ToNested};
use crate::messaging::web;

/// What the worker says about the job the page is waiting for; `A` is its answer.
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerEvent<A> {
    /// `done` of `total` runs are done.
    Progress(u32, u32),
    /// The answer.
    Done(A),
    /// The worker failed: why, in words.
    Failed(String),
}

/// The worker of conversation `C`, as the page sees it. Cheap to clone.
pub struct NestedWorker<C: Conversation>(Rc<RefCell<Inner<C>>>);

impl<C: Conversation> Clone for NestedWorker<C> {
    fn clone(&self) -> Self {
        NestedWorker(self.0.clone())
    }
}

struct Live {
    spawned: web::Spawned,
    ready: bool,
}

struct Inner<C: Conversation> {
    /// The worker's loader script (Trunk's `data-loader-shim`), relative to the page's base URL.
    script: &'static str,
    report: Callback<WorkerEvent<C::Answer>>,
    live: Option<Live>,
    /// The job waiting for the worker to be ready, and the id of the one it is doing.
    queued: Option<C::Job>,
    busy: Option<u64>,
    next_id: u64,
    me: Weak<RefCell<Inner<C>>>,
}

impl<C: Conversation> NestedWorker<C> {
    /// The worker whose loader script is `script` (`compare_worker_loader.js`), reporting to
    /// `report`; nothing starts until [`NestedWorker::warm`] or [`NestedWorker::send`].
    pub fn new(script: &'static str, report: Callback<WorkerEvent<C::Answer>>) -> NestedWorker<C> {
        NestedWorker(Rc::new_cyclic(|me| {
            RefCell::new(Inner { script, report, live: None, queued: None, busy: None, next_id: 0, me: me.clone() })
        }))
    }

    /// Starts the worker if it is not running (its panel has opened: the first job is quick).
    pub fn warm(&self) {
        let mut inner = self.0.borrow_mut();
        if inner.live.is_none() {
            inner.start();
        }
    }

    /// Sends `job`, replacing one in progress.
    pub fn send(&self, job: C::Job) {
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

impl<C: Conversation> Inner<C> {
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
            Err(_) => self
                .report
                .emit(WorkerEvent::Failed(format!("The {} could not be started: reload the page.", C::WORKER))),
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
        let control = nested::write::<C, _>(&ToNested::Start { id: self.next_id, job });
        if web::post(&live.spawned.worker, &control, &[]).is_ok() {
            self.busy = Some(self.next_id);
        }
    }

    fn crashed(&mut self, why: &str) -> WorkerEvent<C::Answer> {
        self.stop();
        WorkerEvent::Failed(format!("The {} stopped ({why}); try again, or reload the page.", C::WORKER))
    }

    fn on_message(&mut self, event: &MessageEvent) -> Option<WorkerEvent<C::Answer>> {
        let read = |control: &[u8]| nested::read::<C, FromNested<C::Answer>>(control);
        match web::receive(event).and_then(|r| read(&r.control)) {
            Err(e) => Some(self.crashed(&e.to_string())),
            Ok(FromNested::Ready) => {
                if let Some(live) = &mut self.live {
                    live.ready = true;
                }
                self.post();
                None
            }
            Ok(FromNested::Counted { id, done, total }) if Some(id) == self.busy => {
                Some(WorkerEvent::Progress(done, total))
            }
            Ok(FromNested::Done { id, answer }) if Some(id) == self.busy => {
                self.busy = None;
                Some(WorkerEvent::Done(answer))
            }
            Ok(FromNested::Crashed { message }) => Some(self.crashed(&message)),
            Ok(_) => None,
        }
    }
}
