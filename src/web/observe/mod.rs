//! Observing sockets, as Playwright's `WebSocket` class does, and waiting for
//! what they do.
//!
//! | file | owns |
//! |---|---|
//! | [`event`] | kinds of events, how they end waits; [`WaitError`] |
//! | [`hub`] | listeners and waiters of one source of events |
//! | [`wait`] | a pending wait, and the [`Wait`] future |
//! | [`observer`] | the [`Observer`] of one socket, its events, and [`Listener`] |
//! | [`sockets`] | new sockets: [`on_websocket`], [`wait_for_websocket`] |
//! | [`arrivals`] | route-side waits: what arrives on one side of a route |

pub(crate) mod arrivals;
pub(crate) mod event;
pub(crate) mod hub;
pub(crate) mod observer;
pub(crate) mod sockets;
pub(crate) mod wait;

pub use event::WaitError;
pub use observer::{Listener, Observer};
pub use sockets::{on_websocket, wait_for_websocket};
pub use wait::Wait;
