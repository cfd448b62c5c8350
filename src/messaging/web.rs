//! Messages as they cross between the page and a worker (wasm only), through the browser's raw
//! `postMessage`, so buffers can be transferred (or shared) rather than copied.
//!
//! On the wire a message is a JS array: the control bytes ([`super::write`]) as an
//! `ArrayBuffer` first, then its buffers (`ArrayBuffer`, or later `SharedArrayBuffer`):
//! `[control, buffer0, buffer1, …]`. A buffer made from bytes, the control's included, is listed
//! for transfer: it moves to the receiver without a copy and is empty for the sender after.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, ErrorEvent, Event, MessageEvent, Worker};

use super::ReadError;

/// Where a message can be posted: a worker (from the page) or the page (from a worker).
pub trait Port {
    /// `postMessage(message, transfer)`.
    fn post(&self, message: &JsValue, transfer: &JsValue) -> Result<(), JsValue>;
}

impl Port for Worker {
    fn post(&self, message: &JsValue, transfer: &JsValue) -> Result<(), JsValue> {
        self.post_message_with_transfer(message, transfer)
    }
}

impl Port for DedicatedWorkerGlobalScope {
    fn post(&self, message: &JsValue, transfer: &JsValue) -> Result<(), JsValue> {
        self.post_message_with_transfer(message, transfer)
    }
}

/// Posts the control bytes `control` with `buffers` beside it, each copied once out of wasm
/// memory into a fresh `ArrayBuffer` that is then transferred. Errors: the browser's.
pub fn post(port: &impl Port, control: &[u8], buffers: &[Vec<u8>]) -> Result<(), JsValue> {
    let message = Array::new();
    let transfer = Array::new();
    for bytes in std::iter::once(control).chain(buffers.iter().map(Vec::as_slice)) {
        let buffer = Uint8Array::from(bytes).buffer();
        message.push(&buffer);
        transfer.push(&buffer);
    }
    port.post(&message, &transfer)
}

/// Posts the control bytes `control` (moved, as in [`post`]) with `buffers` beside it as they are: a
/// `SharedArrayBuffer` is shared (both sides see the same memory), an `ArrayBuffer` is copied by
/// the browser's structured clone unless it is also in `transfer`, which moves it (zero-copy;
/// empty for the sender after). Errors: the browser's (a buffer listed twice, a detached one).
pub fn post_buffers(
    port: &impl Port,
    control: &[u8],
    buffers: &[JsValue],
    transfer: &[JsValue],
) -> Result<(), JsValue> {
    let message = Array::new();
    let control = Uint8Array::from(control).buffer();
    message.push(&control);
    for buffer in buffers {
        message.push(buffer);
    }
    let moved: Array = std::iter::once(JsValue::from(control)).chain(transfer.iter().cloned()).collect();
    port.post(&message, &moved)
}

/// A message received: its control bytes and the buffers beside it.
pub struct Received {
    /// The control bytes, for [`super::read`].
    pub control: Vec<u8>,
    /// The buffers, as they arrived (`ArrayBuffer` or `SharedArrayBuffer`).
    pub buffers: Vec<JsValue>,
}

/// Takes a received message apart. Errors: not a message of this protocol (a stale worker that
/// sends its control part as text, as versions 1 and 2 did, is named by its version: see
/// [`super::read_text`]).
pub fn receive(event: &MessageEvent) -> Result<Received, ReadError> {
    let data = event.data();
    let garbled = || ReadError::Garbled("not a list starting with the control bytes".into());
    let parts: Array = data.dyn_into().map_err(|_| garbled())?;
    let first = parts.get(0);
    if let Some(text) = first.as_string() {
        return Err(super::read_text(&text));
    }
    let control = first.dyn_into::<ArrayBuffer>().map_err(|_| garbled())?;
    let buffers = parts.iter().skip(1).collect();
    Ok(Received { control: bytes(&control), buffers })
}

/// A buffer's bytes, copied into wasm memory.
pub fn bytes(buffer: &JsValue) -> Vec<u8> {
    Uint8Array::new(buffer).to_vec()
}

/// `script` resolved against the document's base URL, so a build served from a sub-folder still
/// finds its workers (a bare relative URL would resolve against the page's script instead).
pub fn worker_url(script: &str) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|base| web_sys::Url::new_with_base(script, &base).ok())
        .map(|u| u.href())
        .unwrap_or_else(|| script.to_string())
}

/// A started worker and its two handlers, which must live as long as it is used. Dropping it
/// detaches the handlers and terminates the worker, so a message already on its way can never
/// reach a dropped handler (wasm-bindgen would throw "closure invoked ... after being dropped").
pub struct Spawned {
    /// The worker.
    pub worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// Starts the worker at `url` (see [`worker_url`]): each message goes to `on_message`; a crash
/// (an uncaught error in the worker, or, as a plain event, its script failing to load) goes to
/// `on_crash` with why, in words. Errors: the browser's refusal to start it.
pub fn spawn(
    url: &str,
    mut on_message: impl FnMut(&MessageEvent) + 'static,
    mut on_crash: impl FnMut(&str) + 'static,
) -> Result<Spawned, JsValue> {
    let worker = Worker::new(url)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| on_message(&event));
    let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
        event.prevent_default();
        let why = match event.dyn_ref::<ErrorEvent>() {
            Some(e) => format!("it stopped with an error: {}", e.message()),
            None => "its script could not be loaded".to_string(),
        };
        on_crash(&why);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Spawned { worker, _on_message: on_message, _on_error: on_error })
}

impl Drop for Spawned {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}
