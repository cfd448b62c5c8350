//! The reader worker (a Web Worker's wasm, built by Trunk from `index.html`'s
//! `data-type="worker"` link): the one place the page's scenarios are read. It receives texts
//! from the page, reads them with [`threadlab::workers::reader`] and posts the answers back
//! (see [`threadlab::messaging::reader`]). The page starts it once and keeps it.

#[cfg(target_arch = "wasm32")]
fn main() {
    use threadlab::messaging::reader::{FromReader, ToReader};
    use threadlab::messaging::{self, web};
    use threadlab::workers::reader;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    fn scope() -> DedicatedWorkerGlobalScope {
        js_sys::global().unchecked_into()
    }

    fn post(message: &FromReader, buffers: &[Vec<u8>]) {
        if let Err(e) = web::post(&scope(), &messaging::write(message), buffers) {
            web_sys::console::error_2(&"the reader worker could not post".into(), &e);
        }
    }

    // A bug must not look like a hang: tell the page (then the abort ends this worker).
    std::panic::set_hook(Box::new(|info| post(&FromReader::Crashed { message: info.to_string() }, &[])));

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        match web::receive(&event).and_then(|r| messaging::read::<ToReader>(&r.control)) {
            Ok(message) => reader::handle(message, &mut |m, buffers| post(&m, &buffers)),
            Err(e) => post(&FromReader::Crashed { message: e.to_string() }, &[]),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&FromReader::Ready, &[]);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("reader_worker is the page's scenario reader (wasm): run `trunk serve` (see README.md).");
    std::process::exit(2);
}
