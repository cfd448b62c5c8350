//! Playback's pace: a callback on every frame the browser draws (`requestAnimationFrame`), one
//! update per painted frame at the display's rate and none while the tab is hidden; and the
//! slower pace at which the views of the state at the cursor follow it while playing.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::model::Ticks;

/// Wall-clock milliseconds between two updates of the views of the state at the cursor (the
/// thread table, the code view, the memory view) while playing: ten a second. On every frame
/// those views cost most of it on a run of 64 threads (each frame changes most rows of the table,
/// which is laid out and painted again), and a table changing sixty times a second cannot be
/// read anyway. The clock, the scrub bar and the timeline's cursor move on every frame; paused,
/// stepping or scrubbing, the views follow at once.
pub const STATE_VIEW_MS: f64 = 100.0;

/// The time (ticks) the views of the state should show: `cursor` when paused; while `playing`,
/// the cursor as it was when they were last updated, at most [`STATE_VIEW_MS`] ago (so also
/// just after a pause, or a replay from the end, they wait for their turn).
#[hook]
pub fn use_paced(cursor: Ticks, playing: bool) -> Ticks {
    // (wall-clock ms when last updated, the time shown)
    let last = use_mut_ref(|| (f64::NEG_INFINITY, cursor));
    let mut last = last.borrow_mut();
    let now = js_sys::Date::now();
    if !playing || now - last.0 >= STATE_VIEW_MS {
        *last = (now, cursor);
    }
    last.1
}

/// The frame callback, which requests the next frame itself.
type Slot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Calls `tick` with the wall-clock milliseconds since the previous frame (0 to 1000; fractions
/// carried to the next) on every frame from the second one, until dropped.
pub struct FrameLoop {
    /// The callback; taken out when dropped (it holds its own slot, to request the next frame).
    callback: Slot,
    /// The pending request's id, to cancel it.
    request: Rc<Cell<i32>>,
}

fn request(callback: &Closure<dyn FnMut(f64)>) -> i32 {
    gloo::utils::window().request_animation_frame(callback.as_ref().unchecked_ref()).unwrap_or(0)
}

impl FrameLoop {
    /// Starts calling `tick` from the next frame.
    pub fn start(mut tick: impl FnMut(u32) + 'static) -> FrameLoop {
        let callback: Slot = Rc::new(RefCell::new(None));
        let id = Rc::new(Cell::new(0));
        let (me, next_id) = (callback.clone(), id.clone());
        // The previous frame's time and the fraction of a millisecond not passed on yet (ms).
        let (mut last, mut carry): (Option<f64>, f64) = (None, 0.0);
        *callback.borrow_mut() = Some(Closure::new(move |now: f64| {
            if let Some(last) = last {
                let elapsed = (now - last).clamp(0.0, 1000.0) + carry;
                carry = elapsed.fract();
                tick(elapsed as u32);
            }
            last = Some(now);
            if let Some(f) = me.borrow().as_ref() {
                next_id.set(request(f));
            }
        }));
        if let Some(f) = callback.borrow().as_ref() {
            id.set(request(f));
        }
        FrameLoop { callback, request: id }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        let _ = gloo::utils::window().cancel_animation_frame(self.request.get());
        self.callback.borrow_mut().take();
    }
}
