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
//! The public API exists on `wasm32` only (docs.rs builds these docs for
//! `wasm32-unknown-unknown`); [`Message`] and [`Har`] are everywhere.
//! HAR needs the `har` feature, on by default ([Features](#features)).
//!
//! # A tour
//!
//! Add wsroute as a dev-dependency and test in a browser with
//! `wasm-pack test --headless --chrome` (or `--firefox`); the repository's
//! `examples/chat-client` is a complete crate set up that way.
//!
//! ```toml
//! [dev-dependencies]
//! wsroute = "0.1"
//! wasm-bindgen-test = "0.3"
//! ```
//!
//! **Install, and mock a server.** The guard uninstalls and removes its
//! routes when dropped; the code under test opens its sockets as usual.
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use wsroute::Message;
//!
//! let routes = wsroute::install()?;
//! routes.route("wss://example.test/chat", |ws| {
//!     let reply = ws.clone();
//!     ws.on_message(move |m| {
//!         if let Message::Text(t) = m {
//!             reply.send(t.to_uppercase());
//!         }
//!     });
//! });
//! // the code under test
//! let page = web_sys::WebSocket::new("wss://example.test/chat").expect("a WebSocket");
//! # let _ = page; Ok(()) }
//! ```
//!
//! **Connect to the real server, and sit between.** Once a route connects,
//! its handlers see the page's frames and the server side's, and decide what
//! goes on.
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # fn demo(routes: &wsroute::Installed) {
//! use wsroute::Message;
//!
//! routes.route("wss://example.test/feed", |ws| {
//!     let Ok(server) = ws.connect_to_server() else { return };
//!     let (to_server, to_page) = (server.clone(), ws.clone());
//!     ws.on_message(move |m| to_server.send(m));
//!     server.on_message(move |m| match m {
//!         Message::Text(t) if t.contains("ad") => {} // dropped on its way
//!         other => to_page.send(other),
//!     });
//! });
//! # }
//! ```
//!
//! **Observe and await.** Every socket, routed or not, as Playwright's
//! `WebSocket` class shows it.
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let next = wsroute::wait_for_websocket(|ws| ws.url().ends_with("/chat"));
//! let page = web_sys::WebSocket::new("wss://example.test/chat").expect("a WebSocket");
//! let ws = next.await?;
//! ws.on_frame_sent(|m| web_sys::console::log_1(&format!("sent {m:?}").into()))
//!     .forget();
//! ws.wait_for_close().await?;
//! # let _ = page; Ok(()) }
//! ```
//!
//! **Network conditions.** Latency, throughput and offline, which browsers
//! do not apply to WebSockets.
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # fn demo(routes: &wsroute::Installed) {
//! use std::time::Duration;
//!
//! routes.set_network_conditions(Some(wsroute::NetworkConditions {
//!     latency: Duration::from_millis(200),
//!     download_throughput: Some(20_000),
//!     ..Default::default()
//! }));
//! routes.set_offline(true); // every socket drops; reconnects fail until it is back
//! routes.set_offline(false);
//! # }
//! ```
//!
//! **Record and replay (HAR).** Record a session once, replay it as a mock.
//!
//! ```no_run
//! # #[cfg(target_arch = "wasm32")]
//! # fn demo(routes: &wsroute::Installed) -> Result<(), wsroute::har::HarError> {
//! let recorder = routes.record_har(Some("wss://example.test/**".into()));
//! // ... the page talks to the real server ...
//! let har: wsroute::Har = recorder.stop(); // serde: save it as JSON
//!
//! routes.route_from_har(&har, wsroute::HarOptions::default().url("wss://example.test/**"))?;
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! - `har` (default): [`Installed::record_har`], [`Installed::route_from_har`],
//!   the [`har`] types and the serde crates they need. A test crate that
//!   does not use HAR can leave it out for a smaller wasm:
//!   `wsroute = { version = "0.1", default-features = false }`
//!   (BENCHMARKS.md says how much smaller).
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
#[cfg(feature = "har")]
pub mod har {
    pub use crate::sans_io::har::model::{
        Content, Creator, Empty, Entry, Har, Header, Log, Request, Response, Timings,
        WebSocketClose, WebSocketMessage,
    };
    pub use crate::sans_io::har::script::HarError;
}
#[cfg(feature = "har")]
pub use har::Har;
#[cfg(all(target_arch = "wasm32", feature = "har"))]
pub use web::{HarOptions, HarRecorder};
#[cfg(target_arch = "wasm32")]
pub use web::{
    InstallError, Installed, Listener, NetworkConditions, Observer, Pattern, PatternError,
    RouteError, Wait, WaitError, WebSocketRoute, install, on_websocket, wait_for_websocket,
};
