//! What the parallel mode's page and workers need from the browser (wasm only): the shared
//! memory as [`Words`], a clock all workers share, and starting a run's workers from an address
//! that works from a sub-folder.

use std::cell::RefCell;
use std::rc::Weak;

use js_sys::{Int32Array, SharedArrayBuffer};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::{Element, HtmlElement, MessageEvent};

use super::counter::Words;
use crate::messaging::web::{self, Spawned};
use crate::wide_table;

/// A section of the page: its name, and whether a run of it is going on now.
type Section = (&'static str, Box<dyn Fn() -> bool>);

thread_local! {
    /// The page's sections ([`register_section`]).
    static SECTIONS: RefCell<Vec<Section>> = const { RefCell::new(Vec::new()) };
}

/// Registers a section of the page, `name` as a learner reads it ("the shared-memory run"), with
/// `running`, which says whether a run of it is going on ([`other_running`]).
pub fn register_section(name: &'static str, running: impl Fn() -> bool + 'static) {
    SECTIONS.with(|s| s.borrow_mut().push((name, Box::new(running))));
}

/// The name of a section whose run is going on, other than the caller's: two experiments at
/// once share the CPUs and spoil each other's times, so each section starts only when no other
/// runs. The caller's own section is borrowed while it asks, so its `running` answers false
/// (see [`owner_running`]) and it never names itself.
pub fn other_running() -> Option<&'static str> {
    SECTIONS.with(|s| s.borrow().iter().find(|(_, running)| running()).map(|(name, _)| *name))
}

/// A section's `running` for [`register_section`]: whether the owner behind `me` has a run
/// (`has_run`); false while the owner is borrowed (it is the one asking).
pub fn owner_running<T: 'static>(me: Weak<RefCell<T>>, has_run: fn(&T) -> bool) -> impl Fn() -> bool {
    move || me.upgrade().is_some_and(|owner| owner.try_borrow().is_ok_and(|o| has_run(&o)))
}

/// The status when another section's run is going on.
pub fn busy_status(other: &str) -> String {
    format!(
        "Cannot run while {other} is going on: two experiments at once share the CPUs and spoil each other's times. Wait for it to finish, or cancel it."
    )
}

/// Switches a section's Run and Cancel buttons as a run starts (`running`: Run disabled, Cancel
/// enabled) or ends, and takes the keyboard focus along: if it was on the button about to be
/// disabled, or (as a run starts) on one of the form's fields (Enter in a number box submits), it
/// moves to the other button before that is disabled, so it never falls to the page's body (WCAG
/// 2.4.3, focus order). The form's fields are disabled while the run goes on, so that the result
/// never sits beside values it was not run with. Focus elsewhere (another section) stays put.
pub fn switch_run_cancel(run: &Element, cancel: &Element, running: bool) {
    let (from, to) = if running { (run, cancel) } else { (cancel, run) };
    let form = run.closest("form").ok().flatten();
    let fields: Vec<Element> = form
        .as_ref()
        .and_then(|f| f.query_selector_all("input, select").ok())
        .map(|l| (0..l.length()).filter_map(|i| l.item(i)?.dyn_into().ok()).collect())
        .unwrap_or_default();
    let active = from.owner_document().and_then(|d| d.active_element());
    let had_focus = active.as_ref().is_some_and(|a| a == from || (running && fields.contains(a)));
    let _ = to.remove_attribute("disabled");
    if had_focus && let Some(to) = to.dyn_ref::<HtmlElement>() {
        let _ = to.focus();
    }
    let _ = from.set_attribute("disabled", "");
    for field in &fields {
        let _ = if running { field.set_attribute("disabled", "") } else { field.remove_attribute("disabled") };
    }
}

/// Watches the page's `.table-scroll` boxes (a table that scrolls sideways inside its box, never
/// the page) and marks each that is narrower than its table `data-wide`, with `tabindex="0"` so
/// the keyboard can scroll it ([`wide_table::mark_wide`]); `styles/table-scroll.css` then shows a
/// hint in words at its top-left ("scroll sideways"). As the simulator's page does
/// (`src/ui/wide_tables.rs`), with a `ResizeObserver` on each box and its table: a box shown,
/// filled or resized is measured again.
pub fn watch_wide_tables(document: &web_sys::Document) {
    let Ok(boxes) = document.query_selector_all(wide_table::BOX_SELECTOR) else { return };
    let boxes: Vec<Element> = (0..boxes.length()).filter_map(|i| boxes.item(i)?.dyn_into().ok()).collect();
    let marked = boxes.clone();
    let mark = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
        for b in &marked {
            wide_table::mark_wide(b, true);
        }
    });
    let Ok(observer) = web_sys::ResizeObserver::new(mark.as_ref().unchecked_ref()) else { return };
    for b in &boxes {
        wide_table::observe(&observer, b);
    }
    // The page lives as long as the document: so do the observer and its callback.
    mark.forget();
    std::mem::forget(observer);
}

/// The parallel workers' loader script (Trunk's `data-loader-shim`), relative to the page's base
/// URL ([`web::worker_url`]).
const WORKER_SCRIPT: &str = "par_worker_loader.js";

/// Starts `n` parallel workers for run `run`. Worker `index`'s messages go to
/// `on_message(owner, run, index, event)` and its crash to `on_crash(owner, run, index, why)`, on
/// the owner behind `me` while it lives. Errors: the browser refused to start one; those already
/// started are terminated (dropping a [`Spawned`] terminates it).
pub fn start_workers<T: 'static>(
    me: &Weak<RefCell<T>>,
    run: u64,
    n: u32,
    on_message: fn(&mut T, u64, u32, &MessageEvent),
    on_crash: fn(&mut T, u64, u32, &str),
) -> Result<Vec<Spawned>, JsValue> {
    let url = web::worker_url(WORKER_SCRIPT);
    (0..n)
        .map(|index| {
            let (me, me_too) = (me.clone(), me.clone());
            let message = move |event: &MessageEvent| {
                if let Some(owner) = me.upgrade() {
                    on_message(&mut owner.borrow_mut(), run, index, event);
                }
            };
            let crash = move |why: &str| {
                if let Some(owner) = me_too.upgrade() {
                    on_crash(&mut owner.borrow_mut(), run, index, why);
                }
            };
            web::spawn(&url, message, crash)
        })
        .collect()
}

#[wasm_bindgen]
extern "C" {
    // `Atomics` with the types this module uses and no exception wrapper (js_sys's catch every
    // call, which costs in a loop of millions): a throw here is a bug, reported as a crash.
    #[wasm_bindgen(js_namespace = Atomics, js_name = load)]
    fn atomics_load(a: &Int32Array, i: u32) -> i32;
    #[wasm_bindgen(js_namespace = Atomics, js_name = store)]
    fn atomics_store(a: &Int32Array, i: u32, v: i32) -> i32;
    #[wasm_bindgen(js_namespace = Atomics, js_name = add)]
    fn atomics_add(a: &Int32Array, i: u32, v: i32) -> i32;
    #[wasm_bindgen(js_namespace = Atomics, js_name = sub)]
    fn atomics_sub(a: &Int32Array, i: u32, v: i32) -> i32;
    #[wasm_bindgen(js_namespace = Atomics, js_name = exchange)]
    fn atomics_exchange(a: &Int32Array, i: u32, v: i32) -> i32;
    #[wasm_bindgen(js_namespace = Atomics, js_name = compareExchange)]
    fn atomics_compare_exchange(a: &Int32Array, i: u32, current: i32, new: i32) -> i32;
    #[wasm_bindgen(js_namespace = Atomics, js_name = wait)]
    fn atomics_wait(a: &Int32Array, i: u32, v: i32);
    #[wasm_bindgen(js_namespace = Atomics, js_name = notify)]
    fn atomics_notify(a: &Int32Array, i: u32, count: f64);

    type Performance;
    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: Performance;
    #[wasm_bindgen(method)]
    fn now(this: &Performance) -> f64;
    #[wasm_bindgen(method, getter, js_name = timeOrigin)]
    fn time_origin(this: &Performance) -> f64;
}

/// The shared memory: a `SharedArrayBuffer` seen as 32-bit words.
pub struct SharedWords(pub Int32Array);

impl SharedWords {
    /// A fresh shared memory of `words` words, all 0. Only where `SharedArrayBuffer` exists
    /// ([`shared_memory_available`]).
    pub fn new(words: u32) -> SharedWords {
        SharedWords(Int32Array::new(&SharedArrayBuffer::new(words * 4)))
    }

    /// The words of a shared memory received in a message.
    pub fn over(buffer: &JsValue) -> SharedWords {
        SharedWords(Int32Array::new(buffer))
    }

    /// The buffer, to post beside a message (shared, not copied).
    pub fn buffer(&self) -> JsValue {
        self.0.buffer().into()
    }
}

impl Words for SharedWords {
    fn load(&self, i: u32) -> i32 {
        self.0.get_index(i)
    }
    fn store(&self, i: u32, v: i32) {
        self.0.set_index(i, v)
    }
    fn atomic_load(&self, i: u32) -> i32 {
        atomics_load(&self.0, i)
    }
    fn atomic_store(&self, i: u32, v: i32) {
        atomics_store(&self.0, i, v);
    }
    fn atomic_add(&self, i: u32, v: i32) -> i32 {
        atomics_add(&self.0, i, v)
    }
    fn atomic_sub(&self, i: u32, v: i32) -> i32 {
        atomics_sub(&self.0, i, v)
    }
    fn exchange(&self, i: u32, v: i32) -> i32 {
        atomics_exchange(&self.0, i, v)
    }
    fn compare_exchange(&self, i: u32, current: i32, new: i32) -> i32 {
        atomics_compare_exchange(&self.0, i, current, new)
    }
    fn wait(&self, i: u32, v: i32) {
        atomics_wait(&self.0, i, v)
    }
    fn notify(&self, i: u32, count: u32) {
        atomics_notify(&self.0, i, f64::from(count))
    }
}

/// Milliseconds on a clock the page and all its workers share: `performance.timeOrigin +
/// performance.now()` (each worker's `now` counts from its own start; the origin aligns them).
/// Resolution: 5 µs when cross-origin isolated, 100 µs otherwise (Chromium).
pub fn now_ms() -> f64 {
    PERFORMANCE.with(|p| p.time_origin() + p.now())
}

/// The address's `name` parameter, if present (the browser tests' `debug-par-…` flags).
pub fn address_flag(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Why the browser refused a `postMessage` (a `DataCloneError`, a `RangeError` when out of
/// memory…), in words: the exception's message, or its text.
pub fn refusal(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(error) => format!("{}: {}", String::from(error.name()), String::from(error.message())),
        None => e.as_string().unwrap_or_else(|| "no reason given".to_string()),
    }
}

/// For the browser tests only: with the address flag `debug-par-post=uncloneable`, a value that
/// `postMessage` cannot clone (a function), for the page to post beside worker 0's first job,
/// so that the browser really refuses the message (`DataCloneError`).
pub fn uncloneable_for_tests() -> Option<JsValue> {
    (address_flag("debug-par-post").as_deref() == Some("uncloneable"))
        .then(|| js_sys::Function::new_no_args("return 0").into())
}

/// The status when the browser refuses to post worker `index` (0-based) its job.
pub fn refused_status(index: usize, e: &JsValue) -> String {
    format!(
        "The browser refused to send worker {} its job ({}), so the run was abandoned and its workers terminated; no result is shown. Press Run to try again.",
        index + 1,
        refusal(e)
    )
}

/// A global property of this window or worker (`undefined` if missing).
pub fn global(name: &str) -> JsValue {
    js_sys::Reflect::get(&js_sys::global(), &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Whether this page may use `SharedArrayBuffer`: only when it is cross-origin isolated (its
/// server sent COOP `same-origin` and COEP `require-corp`, and it is not inside a page that was
/// not), see <https://web.dev/articles/coop-coep>.
pub fn shared_memory_available() -> bool {
    global("crossOriginIsolated").as_bool() == Some(true) && !global("SharedArrayBuffer").is_undefined()
}

/// Logical cores the browser reports (`navigator.hardwareConcurrency`; 0 if it hides them).
pub fn hardware_concurrency() -> u32 {
    let navigator = global("navigator");
    js_sys::Reflect::get(&navigator, &"hardwareConcurrency".into()).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as u32
}
