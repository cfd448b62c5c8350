//! A callback on every frame the browser draws (`requestAnimationFrame`), for playback: one
//! update per painted frame at the display's rate, none while the tab is hidden.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

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
