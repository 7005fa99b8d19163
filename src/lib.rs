//! wsroute: in-page WebSocket mocking and interception with Playwright's
//! `routeWebSocket` semantics, compiled to WebAssembly.
#![deny(missing_docs)]

mod sans_io;

#[cfg(target_arch = "wasm32")]
mod web;

// Talc instead of Rust's default wasm allocator (dlmalloc): about 4 KB less
// code to compile at install, and faster for the many small allocations of
// a routed socket. wsroute's wasm is single-threaded (no atomics).
// Counted, so that leak tests can read the live heap (`debugStats()`).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: web::CountingAllocator<talc::wasm::WasmDynamicTalc> =
    web::CountingAllocator::new(talc::wasm::new_wasm_dynamic_allocator());

pub use crate::sans_io::message::Message;
#[cfg(target_arch = "wasm32")]
pub use web::{
    InstallError, Installed, Listener, Observer, Pattern, PatternError, RouteError, Wait,
    WaitError, WebSocketRoute, install, on_websocket, wait_for_websocket,
};
