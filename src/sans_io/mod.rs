//! The sans-IO core of wsroute: every rule about a routed socket, URL
//! patterns, URL normalisation and argument validation, in plain Rust with no
//! browser API. The browser edge (`crate::web`) feeds it inputs and carries out
//! the effects it returns; host tests (`cargo test`) drive it directly.
//!
//! | module | owns |
//! |---|---|
//! | [`socket`] | the state machine of one routed socket: inputs, tasks, effects |
//! | [`har`] | HAR sessions: the types, reading a log for replay, replaying, recording |
//! | [`message`] | [`Message`](message::Message) and what the machine needs of a payload |
//! | [`ordered`] | a FIFO whose items may wait for data that arrives later (Blob reads) |
//! | [`pattern`] | Playwright's URL globs: resolution against a base URL, matching |
//! | [`urls`] | WebSocket URL normalisation, as the `WebSocket` constructor does it |
//! | [`validate`] | WebIDL argument checks and the `DOMException`s they throw |
//! | [`text`] | substring search without the standard library's panic paths |

// On the host only the tests use what the edge uses.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code, unused_imports))]

#[cfg(feature = "har")]
pub(crate) mod har;
pub(crate) mod message;
pub(crate) mod ordered;
pub(crate) mod pattern;
pub(crate) mod socket;
pub(crate) mod text;
pub(crate) mod urls;
pub(crate) mod validate;
