//! wsroute: in-page WebSocket mocking and interception with Playwright's
//! `routeWebSocket` semantics, compiled to WebAssembly.
#![deny(missing_docs)]

pub mod core;
mod ordered;
pub mod pattern;
pub mod urls;
pub mod validate;

#[cfg(target_arch = "wasm32")]
mod web;

pub use crate::core::Message;
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub use web::js_api;
#[cfg(target_arch = "wasm32")]
pub use web::{
    InstallError, Installed, Listener, Observer, Pattern, RouteError, Wait, WaitError,
    WebSocketRoute, install, on_websocket, wait_for_websocket,
};
