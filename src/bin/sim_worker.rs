//! The simulation worker (a Web Worker's wasm, built by Trunk from `index.html`'s
//! `data-type="worker"` link): it receives jobs (a loaded run's bytes) from the page, runs them with
//! [`threadlab::workers::simulation`] and posts the answers back (see [`threadlab::messaging`]).
//! The page starts it once and keeps it; to stop a job the page terminates it.

#[cfg(target_arch = "wasm32")]
fn main() {
    use threadlab::messaging::{self, FromWorker, ToWorker, web};
    use threadlab::workers::simulation;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    fn post(message: &FromWorker, buffers: &[Vec<u8>]) {
        if let Err(e) = web::post(&scope(), &messaging::write(message), buffers) {
            web_sys::console::error_2(&"the simulation worker could not post".into(), &e);
        }
    }

    // A bug must not look like a hang: tell the page (then the abort ends this worker).
    std::panic::set_hook(Box::new(|info| post(&FromWorker::Crashed { message: info.to_string() }, &[])));

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let received = web::receive(&event);
        match received.and_then(|r| Ok((messaging::read::<ToWorker>(&r.control)?, r.buffers))) {
            Ok((message, buffers)) => {
                let buffers: Vec<Vec<u8>> = buffers.iter().map(web::bytes).collect();
                simulation::handle(message, &buffers, &js_sys::Date::now, &mut |m, out| post(&m, &out));
            }
            Err(e) => post(&FromWorker::Crashed { message: e.to_string() }, &[]),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&FromWorker::Ready, &[]);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("sim_worker is the page's simulation worker (wasm): run `trunk serve` (see README.md).");
    std::process::exit(2);
}
