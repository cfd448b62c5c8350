//! The parallel mode's worker (a Web Worker's wasm, built by Trunk from `index.html`'s
//! `data-type="worker"` link): it receives jobs from `parallel.html`, does them with
//! [`threadlab::workers::parallel`] on the shared memory (a count job) or the part of the data
//! (a hash job) that came beside the job, and posts the answer back (see [`threadlab::messaging::parallel`]). The page starts N of them per run and
//! terminates them after it.

#[cfg(target_arch = "wasm32")]
fn main() {
    use threadlab::messaging::parallel::{self as messages, FromParWorker, ToParWorker};
    use threadlab::messaging::web;
    use threadlab::parallel::web::{SharedWords, now_ms};
    use threadlab::workers::parallel;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    fn post(message: &FromParWorker) {
        if let Err(e) = web::post_buffers(&scope(), &messages::write(message), &[], &[]) {
            web_sys::console::error_2(&"the parallel worker could not post".into(), &e);
        }
    }

    // A bug must not look like a hang: tell the page (then the abort ends this worker).
    std::panic::set_hook(Box::new(|info| post(&FromParWorker::Crashed { message: info.to_string() })));

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let arrived_ms = now_ms();
        let received = match web::receive(&event) {
            Ok(r) => r,
            Err(e) => return post(&FromParWorker::Crashed { message: e.to_string() }),
        };
        match messages::read::<ToParWorker>(&received.control) {
            Ok(ToParWorker::Count { run, job }) => match received.buffers.first() {
                Some(buffer) => post(&parallel::count(run, &job, &SharedWords::over(buffer), &now_ms)),
                None => post(&FromParWorker::Crashed { message: "a count job came without its shared memory".into() }),
            },
            Ok(ToParWorker::Hash { run, job }) => match received.buffers.first() {
                Some(buffer) => post(&parallel::hash(run, &job, arrived_ms, || web::bytes(buffer), &now_ms)),
                None => post(&FromParWorker::Crashed { message: "a hash job came without its data".into() }),
            },
            Err(e) => post(&FromParWorker::Crashed { message: e.to_string() }),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Warm the hashing code, rest so that V8 can optimise it, then say ready (start-up).
    std::hint::black_box(parallel::warm_up());
    gloo::timers::callback::Timeout::new(parallel::WARM_UP_REST_MS, || post(&FromParWorker::Ready)).forget();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("par_worker is the parallel mode's worker (wasm): run `trunk serve` (see README.md).");
    std::process::exit(2);
}
