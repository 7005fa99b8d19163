//! Timers on the browser's own `setTimeout`, and its clock
//! (`performance.now()`), captured once (at install, or at first use): fake
//! timers a test installs later do not slow or freeze them.

use std::cell::RefCell;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// The global `setTimeout` and `clearTimeout` as they were when captured,
/// and `performance` with its `now`.
struct Clock {
    set: Function,
    clear: Function,
    performance: JsValue,
    now: Option<Function>,
}

thread_local! {
    static CLOCK: RefCell<Option<Clock>> = const { RefCell::new(None) };
}

fn global_function(name: &str) -> Option<Function> {
    Reflect::get(&js_sys::global(), &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

/// Captures the timer functions now, unless they were captured before.
pub(crate) fn capture() {
    CLOCK.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            if let (Some(set), Some(clear)) = (
                global_function("setTimeout"),
                global_function("clearTimeout"),
            ) {
                let performance =
                    Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
                        .unwrap_or(JsValue::UNDEFINED);
                let now = Reflect::get(&performance, &JsValue::from_str("now"))
                    .ok()
                    .and_then(|f| f.dyn_into().ok());
                *c = Some(Clock {
                    set,
                    clear,
                    performance,
                    now,
                });
            }
        }
    });
}

fn with_clock<R>(f: impl FnOnce(&Clock) -> R) -> Option<R> {
    capture();
    CLOCK.with(|c| c.borrow().as_ref().map(f))
}

/// Milliseconds on the captured clock (`performance.now()`, else `Date.now()`).
pub(crate) fn now() -> f64 {
    with_clock(|c| {
        c.now
            .as_ref()
            .and_then(|f| f.call0(&c.performance).ok())
            .and_then(|v| v.as_f64())
    })
    .flatten()
    .unwrap_or_else(js_sys::Date::now)
}

/// A pending timeout; dropping it cancels it.
pub(crate) struct Timeout {
    id: JsValue,
    /// Freed only after the timeout can no longer fire.
    _callback: Closure<dyn FnMut()>,
}

impl Timeout {
    /// Calls `f` once, `ms` milliseconds from now (in a task of its own).
    pub(crate) fn start(ms: f64, f: impl FnOnce() + 'static) -> Option<Timeout> {
        let callback = Closure::once(f);
        let id = with_clock(|c| {
            c.set.call2(
                &JsValue::UNDEFINED,
                callback.as_ref(),
                &JsValue::from_f64(ms),
            )
        })?
        .ok()?;
        Some(Timeout {
            id,
            _callback: callback,
        })
    }
}

impl Drop for Timeout {
    fn drop(&mut self) {
        let _ = with_clock(|c| c.clear.call1(&JsValue::UNDEFINED, &self.id));
    }
}
