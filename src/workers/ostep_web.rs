//! The OSTEP mode's worker in the browser (wasm only): the glue `src/bin/ostep_worker.rs` runs.
//! It reads each command line with [`super::ostep::OstepWorker`] and has the line's scenario read
//! by a reader worker and run by a simulation worker of its own (nested workers, their loader
//! scripts beside its own), as a lab worker does (`src/workers/lab_web.rs`), so its module links
//! neither the scenario reader nor the simulation's kernel. The page starts this worker when the
//! mode first opens; to stop a run it terminates it, which ends its workers too.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::ostep::{OstepWorker, Out};
use crate::messaging::ostep::{self, FromOstep, ToOstep};
use crate::messaging::reader::FromReader;
use crate::messaging::{self, FromWorker, web};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn to_page(message: &FromOstep) {
    if let Err(e) = web::post(&scope(), &ostep::write(message), &[]) {
        web_sys::console::error_2(&"the OSTEP worker could not post".into(), &e);
    }
}

fn crashed(why: &str) {
    to_page(&FromOstep::Crashed { message: format!("the OSTEP worker stopped: {why}") });
}

/// Posts a batch of messages where each goes.
type Send = Box<dyn Fn(Vec<Out>)>;

/// Runs the worker: answers each command line the page sends.
pub fn serve() {
    std::panic::set_hook(Box::new(|info| crashed(&info.to_string())));
    let state = Rc::new(RefCell::new(OstepWorker::new()));
    // The two workers, started at once (each says Ready when loaded; messages wait for it).
    let start = |script: &str, on_message: Box<dyn FnMut(&MessageEvent)>| {
        let on_crash = |why: &str| crashed(&format!("one of its workers failed: {why}"));
        web::spawn(&web::worker_url(script), on_message, on_crash)
    };
    // Sends what the state machine says to send; set once both workers are started.
    let outs: Rc<RefCell<Option<Send>>> = Rc::new(RefCell::new(None));
    let from_reader = {
        let (state, outs) = (state.clone(), outs.clone());
        Box::new(move |event: &MessageEvent| {
            let received = web::receive(event);
            let sent = match received.and_then(|r| Ok((messaging::read::<FromReader>(&r.control)?, r.buffers))) {
                Ok((m, buffers)) => state.borrow_mut().from_reader(m, buffers.iter().map(web::bytes).collect()),
                Err(e) => return crashed(&e.to_string()),
            };
            if let Some(send) = outs.borrow().as_ref() {
                send(sent);
            }
        })
    };
    let from_sim = {
        let (state, outs) = (state.clone(), outs.clone());
        Box::new(move |event: &MessageEvent| {
            let received = web::receive(event);
            let sent = match received.and_then(|r| Ok((messaging::read::<FromWorker>(&r.control)?, r.buffers))) {
                Ok((m, buffers)) => state.borrow_mut().from_sim(m, buffers.iter().map(web::bytes).collect()),
                Err(e) => return crashed(&e.to_string()),
            };
            if let Some(send) = outs.borrow().as_ref() {
                send(sent);
            }
        })
    };
    let (Ok(reader), Ok(sim)) =
        (start("reader_worker_loader.js", from_reader), start("sim_worker_loader.js", from_sim))
    else {
        return crashed("it could not start its reader and simulation workers");
    };
    let (reader_worker, sim_worker) = (reader.worker.clone(), sim.worker.clone());
    *outs.borrow_mut() = Some(Box::new(move |sent: Vec<Out>| {
        for out in sent {
            let posted = match out {
                Out::Page(m) => {
                    to_page(&m);
                    Ok(())
                }
                Out::Reader(m) => web::post(&reader_worker, &messaging::write(&m), &[]),
                Out::Sim(m, buffers) => web::post(&sim_worker, &messaging::write(&m), &buffers),
            };
            if let Err(e) = posted {
                web_sys::console::error_2(&"the OSTEP worker could not post to its workers".into(), &e);
            }
        }
    }));
    // The workers and their handlers live as long as this worker.
    std::mem::forget((reader, sim));

    let from_page = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let sent = match web::receive(&event).and_then(|r| ostep::read::<ToOstep>(&r.control)) {
            Ok(m) => state.borrow_mut().from_page(m),
            Err(e) => return crashed(&e.to_string()),
        };
        if let Some(send) = outs.borrow().as_ref() {
            send(sent);
        }
    });
    scope().set_onmessage(Some(from_page.as_ref().unchecked_ref()));
    from_page.forget();
    to_page(&FromOstep::Ready);
}
