//! What observers hear: the kinds of events, what every event says of the
//! waits it ends, and how a wait can end without its event.

use std::fmt;
use std::time::Duration;

/// What can be observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    WebSocket,
    FrameSent,
    FrameReceived,
    Close,
    SocketError,
    /// A message arriving on one side of a route (Rust waits only).
    RouteMessage,
}

impl Kind {
    /// The kinds a JavaScript listener may name, and their names.
    const NAMED: [(Kind, &'static str); 5] = [
        (Kind::WebSocket, "websocket"),
        (Kind::FrameSent, "framesent"),
        (Kind::FrameReceived, "framereceived"),
        (Kind::Close, "close"),
        (Kind::SocketError, "socketerror"),
    ];

    /// The kind of an event name, among `allowed`.
    pub(crate) fn parse(name: &str, allowed: &[Kind]) -> Option<Kind> {
        Kind::NAMED
            .iter()
            .find(|(k, n)| *n == name && allowed.contains(k))
            .map(|(k, _)| *k)
    }

    /// The event's name, as in messages.
    pub(crate) fn name(self) -> &'static str {
        Kind::NAMED
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .unwrap_or("message")
    }
}

/// An event a hub delivers.
pub(crate) trait Event: Clone + 'static {
    /// Which listeners and waiters hear it.
    fn kind(&self) -> Kind;
    /// How it ends a wait for an event of another kind, if it does (the
    /// socket closed or failed first).
    fn ends_waits(&self) -> Option<WaitError>;
}

/// Why a wait ended without its event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitError {
    /// The socket (or, for a route wait, that side of the route) closed
    /// first: `Socket closed`.
    Closed,
    /// The socket failed first: `Socket error`; the text says what failed.
    SocketError(String),
    /// Nothing matched within the timeout.
    Timeout {
        /// The event waited for.
        event: &'static str,
        /// The timeout.
        after: Duration,
    },
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Closed => f.write_str("Socket closed"),
            WaitError::SocketError(_) => f.write_str("Socket error"),
            WaitError::Timeout { event, after } => write!(
                f,
                "Timeout {}ms exceeded while waiting for event \"{event}\"",
                after.as_millis() as u64
            ),
        }
    }
}

impl std::error::Error for WaitError {}
