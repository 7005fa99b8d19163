//! wsroute: in-page WebSocket mocking and interception with Playwright's
//! `routeWebSocket` semantics, compiled to WebAssembly.
#![deny(missing_docs)]

mod sans_io;

#[cfg(target_arch = "wasm32")]
mod web;

// Talc instead of Rust's default wasm allocator (dlmalloc): about 4 KB less
// code to compile at install, and faster for the many small allocations of
// a routed socket. wsroute's wasm is single-threaded (no atomics).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub use crate::sans_io::message::Message;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub use web::js_api;
#[cfg(target_arch = "wasm32")]
pub use web::{
    InstallError, Installed, Listener, Observer, Pattern, RouteError, Wait, WaitError,
    WebSocketRoute, install, on_websocket, wait_for_websocket,
};
