//! Messages as they cross between the page and a worker (wasm only), through the browser's raw
//! `postMessage`, so buffers can be transferred (or shared) rather than copied.
//!
//! On the wire a message is a JS array: the control text ([`super::write`]) first, then its
//! buffers (`ArrayBuffer`, or later `SharedArrayBuffer`). A buffer made from bytes is listed
//! for transfer: it moves to the receiver without a copy and is empty for the sender after.

use js_sys::{Array, Uint8Array};
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

/// Posts the control text `control` with `buffers` beside it, each copied once out of wasm
/// memory into a fresh `ArrayBuffer` that is then transferred. Errors: the browser's.
pub fn post(port: &impl Port, control: &str, buffers: &[Vec<u8>]) -> Result<(), JsValue> {
    let message = Array::new();
    let transfer = Array::new();
    message.push(&JsValue::from_str(control));
    for bytes in buffers {
        let buffer = Uint8Array::from(bytes.as_slice()).buffer();
        message.push(&buffer);
        transfer.push(&buffer);
    }
    port.post(&message, &transfer)
}

/// Posts the control text `control` with `buffers` beside it as they are: a
/// `SharedArrayBuffer` is shared (both sides see the same memory), an `ArrayBuffer` is copied by
/// the browser's structured clone unless it is also in `transfer`, which moves it (zero-copy;
/// empty for the sender after). Errors: the browser's (a buffer listed twice, a detached one).
pub fn post_buffers(port: &impl Port, control: &str, buffers: &[JsValue], transfer: &[JsValue]) -> Result<(), JsValue> {
    let message = Array::new();
    message.push(&JsValue::from_str(control));
    for buffer in buffers {
        message.push(buffer);
    }
    port.post(&message, &transfer.iter().collect::<Array>())
}

/// A message received: its control text and the buffers beside it.
pub struct Received {
    /// The control text, for [`super::read`].
    pub control: String,
    /// The buffers, as they arrived (`ArrayBuffer` or `SharedArrayBuffer`).
    pub buffers: Vec<JsValue>,
}

/// Takes a received message apart. Errors: not a message of this protocol.
pub fn receive(event: &MessageEvent) -> Result<Received, ReadError> {
    let data = event.data();
    let garbled = || ReadError::Garbled("not a list starting with the control text".into());
    let parts: Array = data.dyn_into().map_err(|_| garbled())?;
    let control = parts.get(0).as_string().ok_or_else(garbled)?;
    let buffers = parts.iter().skip(1).collect();
    Ok(Received { control, buffers })
}

/// A buffer's bytes, copied into wasm memory.
pub fn bytes(buffer: &JsValue) -> Vec<u8> {
    Uint8Array::new(buffer).to_vec()
}
