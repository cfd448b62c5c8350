//! The page's worker handle in a real browser (wasm32, headless Chromium): once a
//! [`web::Spawned`] is dropped, the worker is terminated and no event of it reaches the dropped
//! handlers. Before the handle detached its handlers on drop, a worker event arriving after
//! Cancel (the speedup run drops its workers then) made wasm-bindgen throw "closure invoked
//! recursively or after being dropped" about one run in eight.
//!
//! Run with scripts/test.sh's stage 2 (`--test wasm_workers`).

#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use threadlab::messaging::web;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A worker that posts the page 1,000 messages at once, then one every 5 ms until it is
/// terminated.
const FLOOD: &str = "data:text/javascript,for(let k=0;k<1000;k++)postMessage(k);setInterval(()=>postMessage(-1),5)";

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().expect("a window");
        window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).expect("a timer");
    });
    JsFuture::from(promise).await.expect("the timer fires");
}

#[wasm_bindgen_test]
async fn a_dropped_worker_never_calls_its_handlers() {
    // Uncaught errors on the page (a throw from a dropped closure lands here).
    let errors = Rc::new(Cell::new(0u32));
    let on_error = {
        let errors = errors.clone();
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| errors.set(errors.get() + 1))
    };
    let window = web_sys::window().expect("a window");
    window.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref()).expect("listen");

    let received = Rc::new(Cell::new(0u32));
    let crashed = Rc::new(Cell::new(false));
    let spawned = {
        let (received, crashed) = (received.clone(), crashed.clone());
        web::spawn(FLOOD, move |_| received.set(received.get() + 1), move |_| crashed.set(true)).expect("a worker")
    };
    // Wait until messages are flowing, so more are queued for the page when the handle drops.
    for _ in 0..200 {
        if received.get() > 0 {
            break;
        }
        sleep(10).await;
    }
    assert!(received.get() > 0, "the worker's messages arrived");
    // Dropping the handle alone must detach its handlers and terminate the worker.
    drop(spawned);
    let at_drop = received.get();
    sleep(300).await;

    let _ = window.remove_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    assert!(!crashed.get(), "the worker did not crash");
    assert_eq!(received.get(), at_drop, "no message was handled after the drop (the worker was terminated)");
    assert_eq!(errors.get(), 0, "no error was thrown on the page after the drop");
}
