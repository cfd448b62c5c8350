//! A worker with nested workers in the browser (wasm only): the glue the lab panels' worker
//! binaries (`src/bin/{compare,sweep,exercise}_worker.rs`) and the OSTEP mode's
//! (`src/bin/ostep_worker.rs`) run. It answers the page with a [`Nested`] driver and has the
//! runs read by a reader worker and run by a simulation worker of its own (nested workers,
//! their loader scripts beside its own), so its module links neither the scenario reader nor
//! the simulation's kernel. The page starts the worker when its panel or mode first opens; to
//! stop a job it terminates it, which ends its workers too.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::nested::{AnswerOf, JobOf, Nested, Out, Planner};
use crate::messaging::nested::{self, Conversation, FromNested, ToNested};
use crate::messaging::reader::FromReader;
use crate::messaging::{self, FromWorker, ReadError, web};

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Posts `message` to the page (also while a job is being planned: the Races worker's
/// progress).
pub fn to_page<P: Planner>(message: &FromNested<AnswerOf<P>>) {
    if let Err(e) = web::post(&scope(), &nested::write::<P::Talk, _>(message), &[]) {
        web_sys::console::error_3(&P::Talk::WORKER.into(), &"could not post".into(), &e);
    }
}

fn crashed<P: Planner>(why: &str) {
    to_page::<P>(&FromNested::Crashed { message: format!("the {} stopped: {why}", P::Talk::WORKER) });
}

/// Posts a batch of messages where each goes.
type Send<A> = Box<dyn Fn(Vec<Out<A>>)>;

/// Where the driver's messages go: set once both workers are started.
type Outs<A> = Rc<RefCell<Option<Send<A>>>>;

/// A nested worker's message handler: `handle` reads the message (its control bytes, with its
/// buffers) into the driver, and what the driver says is sent. A message it cannot read (not of
/// that worker's protocol) is a crash.
fn listen<P, H>(state: &Rc<RefCell<Nested<P>>>, outs: &Outs<AnswerOf<P>>, handle: H) -> Box<dyn FnMut(&MessageEvent)>
where
    P: Planner + 'static,
    H: Fn(&mut Nested<P>, &[u8], Vec<Vec<u8>>) -> Result<Vec<Out<AnswerOf<P>>>, ReadError> + 'static,
{
    let (state, outs) = (state.clone(), outs.clone());
    Box::new(move |event: &MessageEvent| {
        let sent = match web::receive(event).and_then(|r| {
            let buffers = r.buffers.iter().map(web::bytes).collect();
            handle(&mut state.borrow_mut(), &r.control, buffers)
        }) {
            Ok(sent) => sent,
            Err(e) => return crashed::<P>(&e.to_string()),
        };
        if let Some(send) = outs.borrow().as_ref() {
            send(sent);
        }
    })
}

/// Runs the worker: what the page asks is planned by `planner`.
pub fn serve<P: Planner + 'static>(planner: P) {
    std::panic::set_hook(Box::new(|info| crashed::<P>(&info.to_string())));
    let state = Rc::new(RefCell::new(Nested::new(planner)));
    // The two workers, started at once (each says Ready when loaded; messages wait for it).
    let start = |script: &str, on_message: Box<dyn FnMut(&MessageEvent)>| {
        let on_crash = |why: &str| crashed::<P>(&format!("one of its workers failed: {why}"));
        web::spawn(&web::worker_url(script), on_message, on_crash)
    };
    // Sends what the state machine says to send; set once both workers are started.
    let outs: Outs<AnswerOf<P>> = Rc::new(RefCell::new(None));
    let from_reader = listen(&state, &outs, |state, control, buffers| {
        Ok(state.from_reader(messaging::read::<FromReader>(control)?, buffers))
    });
    let from_sim = listen(&state, &outs, |state, control, buffers| {
        Ok(state.from_sim(messaging::read::<FromWorker>(control)?, buffers, js_sys::Date::now()))
    });
    let (Ok(reader), Ok(sim)) =
        (start("reader_worker_loader.js", from_reader), start("sim_worker_loader.js", from_sim))
    else {
        return crashed::<P>("it could not start its reader and simulation workers");
    };
    let (reader_worker, sim_worker) = (reader.worker.clone(), sim.worker.clone());
    *outs.borrow_mut() = Some(Box::new(move |sent: Vec<Out<AnswerOf<P>>>| {
        for out in sent {
            let posted = match out {
                Out::Page(m) => {
                    to_page::<P>(&m);
                    Ok(())
                }
                Out::Reader(m) => web::post(&reader_worker, &messaging::write(&m), &[]),
                Out::Sim(m, buffers) => web::post(&sim_worker, &messaging::write(&m), &buffers),
            };
            if let Err(e) = posted {
                web_sys::console::error_3(&P::Talk::WORKER.into(), &"could not post to its workers".into(), &e);
            }
        }
    }));
    // The workers and their handlers live as long as this worker.
    std::mem::forget((reader, sim));

    let from_page = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let read = |control: &[u8]| nested::read::<P::Talk, ToNested<JobOf<P>>>(control);
        let sent = match web::receive(&event).and_then(|r| read(&r.control)) {
            Ok(m) => state.borrow_mut().from_page(m, js_sys::Date::now()),
            Err(e) => return crashed::<P>(&e.to_string()),
        };
        if let Some(send) = outs.borrow().as_ref() {
            send(sent);
        }
    });
    scope().set_onmessage(Some(from_page.as_ref().unchecked_ref()));
    from_page.forget();
    to_page::<P>(&FromNested::Ready);
}
