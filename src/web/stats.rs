//! Counters for leak tests: live objects that hold JavaScript values on
//! behalf of sockets, each counted by a [`Live`] token it owns (the count goes
//! down when the object is really dropped, not when the code decides it is
//! done), and the bytes the wasm heap has allocated.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use wasm_bindgen::JsValue;

/// What is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Held {
    /// Closure sets attached to native sockets.
    NativeListeners,
    /// Route handlers and `onMessage`/`onClose` callbacks.
    RouteCallbacks,
    /// Observers of sockets.
    Observers,
    /// Routed sockets' state.
    RoutedSockets,
    /// The backends behind the page's `WebSocket` objects (freed when the
    /// socket is finished, not when the page's object is collected).
    Backends,
}

const KINDS: usize = 5;

thread_local! {
    static COUNTS: [Cell<i64>; KINDS] = const { [const { Cell::new(0) }; KINDS] };
}

fn add(what: Held, delta: i64) {
    COUNTS.with(|c| {
        if let Some(c) = c.get(what as usize) {
            c.set(c.get() + delta);
        }
    });
}

fn get(what: Held) -> i64 {
    COUNTS.with(|c| c.get(what as usize).map(Cell::get).unwrap_or(0))
}

/// Counts one live object of a kind for as long as it exists.
#[derive(Debug)]
pub(crate) struct Live(Held);

impl Live {
    pub(crate) fn new(what: Held) -> Live {
        add(what, 1);
        Live(what)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        add(self.0, -1);
    }
}

/// A global allocator that counts the bytes it has handed out and not got back.
pub(crate) struct CountingAllocator<A> {
    inner: A,
    live: AtomicUsize,
}

impl<A> CountingAllocator<A> {
    pub(crate) const fn new(inner: A) -> Self {
        CountingAllocator {
            inner,
            live: AtomicUsize::new(0),
        }
    }
}

// SAFETY: every call is passed to `inner` unchanged; only a counter is kept beside.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `inner`'s.
        let p = unsafe { self.inner.alloc(layout) };
        if !p.is_null() {
            self.live.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `inner`'s.
        unsafe { self.inner.dealloc(ptr, layout) };
        self.live.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract is `inner`'s.
        let p = unsafe { self.inner.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            self.live.fetch_add(new_size, Ordering::Relaxed);
            self.live.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

/// The bytes the wasm heap has allocated and not freed.
fn heap_bytes() -> usize {
    #[cfg(not(target_feature = "atomics"))]
    {
        crate::ALLOCATOR.live.load(Ordering::Relaxed)
    }
    #[cfg(target_feature = "atomics")]
    {
        0
    }
}

/// `{ nativeListeners, routeCallbacks, observers, routedSockets, backends,
/// heapBytes, wasmMemoryBytes }`.
pub(crate) fn snapshot() -> js_sys::Object {
    let o = js_sys::Object::new();
    let set = |k: &str, v: f64| {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_f64(v));
    };
    set("nativeListeners", get(Held::NativeListeners) as f64);
    set("routeCallbacks", get(Held::RouteCallbacks) as f64);
    set("observers", get(Held::Observers) as f64);
    set("routedSockets", get(Held::RoutedSockets) as f64);
    set("backends", get(Held::Backends) as f64);
    set("heapBytes", heap_bytes() as f64);
    let memory = wasm_bindgen::memory();
    let bytes = js_sys::Reflect::get(&memory, &JsValue::from_str("buffer"))
        .and_then(|b| js_sys::Reflect::get(&b, &JsValue::from_str("byteLength")))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    set("wasmMemoryBytes", bytes);
    o
}
