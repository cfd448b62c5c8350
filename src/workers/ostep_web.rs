//! The OSTEP mode's worker in the browser (wasm only): the glue `src/bin/ostep_worker.rs` runs.
//! Each command line from the page is answered by [`super::ostep::answer`], which runs the
//! simulator on the model here (no reader or simulation worker: a run is a few thousand ticks).
//! The page starts this worker when the mode first opens; to stop a run it terminates it.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use crate::messaging::ostep::{self, FromOstep, ToOstep};
use crate::messaging::web;

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

/// Runs the worker: answers each command line the page sends, in order.
pub fn serve() {
    std::panic::set_hook(Box::new(|info| crashed(&info.to_string())));
    let from_page = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        match web::receive(&event).and_then(|r| ostep::read::<ToOstep>(&r.control)) {
            Ok(ToOstep::Start { id, line }) => to_page(&FromOstep::Done { id, answer: super::ostep::answer(&line) }),
            Err(e) => crashed(&e.to_string()),
        }
    });
    scope().set_onmessage(Some(from_page.as_ref().unchecked_ref()));
    from_page.forget();
    to_page(&FromOstep::Ready);
}
