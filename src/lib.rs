//! wsroute: in-page WebSocket mocking and interception with Playwright's
//! [`routeWebSocket`](https://playwright.dev/docs/api/class-page#page-route-web-socket)
//! semantics, compiled to WebAssembly.
//!
//! [`install`] replaces the page's
//! [`WebSocket`](https://developer.mozilla.org/en-US/docs/Web/API/WebSocket) with a class that
//! keeps the native interface (the tests compare it with the native one; the README lists the
//! few differences a page can see). Sockets whose URL a route matches are handed to the
//! route ([`WebSocketRoute`]): it can play the server, or [connect to the real
//! one](WebSocketRoute::connect_to_server) and sit between. Every socket can be observed
//! ([`on_websocket`], [`Observer`]) and awaited ([`Wait`]), slowed down or cut off
//! ([`Installed::set_network_conditions`]), recorded and replayed as HAR
//! ([`Installed::record_har`], [`Installed::route_from_har`]).
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use wsroute::Message;
//!
//! let routes = wsroute::install()?; // uninstalls and unroutes on drop
//! routes.route("wss://example.test/chat", |ws| {
//!     let reply = ws.clone();
//!     ws.on_message(move |m| {
//!         if let Message::Text(t) = m {
//!             reply.send(t.to_uppercase()); // a mock server
//!         }
//!     });
//! });
//! let next = wsroute::wait_for_websocket(|ws| ws.url().ends_with("/chat"));
//! let page = web_sys::WebSocket::new("wss://example.test/chat")?; // the code under test
//! let ws = next.await?;
//! # let _ = (page, ws); Ok(()) }
//! ```
//!
//! The public API exists on `wasm32` only; [`Message`] is everywhere.
#![deny(missing_docs, missing_debug_implementations)]

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

/// HAR logs of WebSocket sessions: what `record_har` gives and
/// `route_from_har` replays. [`Har`] is the file; the other types are its
/// parts, with the fields Chrome DevTools uses for WebSockets.
pub mod har {
    pub use crate::sans_io::har::model::{
        Content, Creator, Empty, Entry, Har, Header, Log, Request, Response, Timings,
        WebSocketClose, WebSocketMessage,
    };
    pub use crate::sans_io::har::script::HarError;
}
pub use har::Har;
#[cfg(target_arch = "wasm32")]
pub use web::{
    HarOptions, HarRecorder, InstallError, Installed, Listener, NetworkConditions, Observer,
    Pattern, PatternError, RouteError, Wait, WaitError, WebSocketRoute, install, on_websocket,
    wait_for_websocket,
};
