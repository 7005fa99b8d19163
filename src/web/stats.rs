//! Counters of what wsroute holds on behalf of live sockets, for leak tests:
//! after every socket has closed they must return to zero.

use std::cell::Cell;

use wasm_bindgen::JsValue;

/// What is counted.
#[derive(Clone, Copy)]
pub(crate) enum Held {
    /// Closure sets attached to native sockets.
    NativeListeners,
    /// Route handler and `onMessage`/`onClose` callbacks of routed sockets.
    RouteCallbacks,
    /// Observers of sockets that have not closed.
    OpenObservers,
}

thread_local! {
    static COUNTS: [Cell<i64>; 3] = const { [Cell::new(0), Cell::new(0), Cell::new(0)] };
}

pub(crate) fn add(what: Held, delta: i64) {
    let i = what as usize;
    COUNTS.with(|c| {
        if let Some(c) = c.get(i) {
            c.set(c.get() + delta);
        }
    });
}

fn get(what: Held) -> i64 {
    COUNTS.with(|c| c.get(what as usize).map(Cell::get).unwrap_or(0))
}

/// `{ nativeListeners, routeCallbacks, openObservers, wasmMemoryBytes }`.
pub(crate) fn snapshot() -> js_sys::Object {
    let o = js_sys::Object::new();
    let set = |k: &str, v: f64| {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_f64(v));
    };
    set("nativeListeners", get(Held::NativeListeners) as f64);
    set("routeCallbacks", get(Held::RouteCallbacks) as f64);
    set("openObservers", get(Held::OpenObservers) as f64);
    let memory = wasm_bindgen::memory();
    let bytes = js_sys::Reflect::get(&memory, &JsValue::from_str("buffer"))
        .and_then(|b| js_sys::Reflect::get(&b, &JsValue::from_str("byteLength")))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    set("wasmMemoryBytes", bytes);
    o
}
