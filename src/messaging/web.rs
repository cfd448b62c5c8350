//! Messages as they cross between the page and a worker (wasm only), through the browser's raw
//! `postMessage`, so buffers can be transferred (or shared) rather than copied.
//!
//! On the wire a message is a JS array: the control bytes ([`super::write`]) as an
//! `ArrayBuffer` first, then its buffers (`ArrayBuffer`, or later `SharedArrayBuffer`):
//! `[control, buffer0, buffer1, …]`. A buffer made from bytes, the control's included, is listed
//! for transfer: it moves to the receiver without a copy and is empty for the sender after.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker};

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
