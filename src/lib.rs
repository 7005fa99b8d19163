//! wsroute: in-page WebSocket mocking and interception with Playwright's
//! `routeWebSocket` semantics, compiled to WebAssembly.
#![deny(missing_docs)]

pub mod core;
pub mod pattern;
pub mod urls;
pub mod validate;
