//! Timers on the browser's own `setTimeout`, and its clock
//! (`performance.now()`), as the JS glue took them when wsroute loaded: fake
//! timers a test installs later do not slow or freeze them.

use std::cell::RefCell;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

use super::glue;

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

/// `clock[name]` if it is a function.
fn clock_function(clock: &JsValue, name: &str) -> Option<Function> {
    Reflect::get(clock, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

/// Captures the timer functions, unless they were captured before: those the
/// JS glue took when wsroute loaded ([`glue::own_clock`]), before any page
/// script could replace them.
pub(crate) fn capture() {
    CLOCK.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            let clock = glue::own_clock();
            if let (Some(set), Some(clear)) = (
                clock_function(&clock, "setTimeout"),
                clock_function(&clock, "clearTimeout"),
            ) {
                let performance = Reflect::get(&clock, &JsValue::from_str("performance"))
                    .unwrap_or(JsValue::UNDEFINED);
                let now = clock_function(&clock, "now");
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
