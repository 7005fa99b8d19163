//! Observing sockets, as Playwright's `WebSocket` class does, and waiting for
//! what they do.
//!
//! | file | owns |
//! |---|---|
//! | [`hub`] | listeners and waiters of one source of events; [`Listener`] |
//! | [`wait`] | a pending wait, and the [`Wait`] future |
//! | [`observer`] | the [`Observer`] of one socket and its events |
//! | [`sockets`] | new sockets: [`on_websocket`], [`wait_for_websocket`] |
//! | [`arrivals`] | route-side waits: what arrives on one side of a route |

pub(crate) mod arrivals;
pub(crate) mod hub;
pub(crate) mod observer;
pub(crate) mod sockets;
pub(crate) mod wait;

pub use hub::Listener;
pub use observer::Observer;
pub use sockets::{on_websocket, wait_for_websocket};
pub use wait::{Wait, WaitError};
