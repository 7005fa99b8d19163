//! What a socket tells its edge: effects to carry out, refusals, failures,
//! and the small enums of page-visible state.

use std::fmt;

use super::Carrier;

/// The `readyState` of the page's socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
pub(crate) enum ReadyState {
    /// `WebSocket.CONNECTING` (0).
    Connecting = 0,
    /// `WebSocket.OPEN` (1).
    Open = 1,
    /// `WebSocket.CLOSING` (2).
    Closing = 2,
    /// `WebSocket.CLOSED` (3).
    Closed = 3,
}

/// `WebSocket.binaryType`: how binary messages reach the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum BinaryType {
    /// As a `Blob` (the default).
    Blob,
    /// As an `ArrayBuffer`.
    ArrayBuffer,
}

impl BinaryType {
    /// The value the setter accepts, or `None` for anything else (ignored).
    pub(crate) fn parse(s: &str) -> Option<Self> {
        match s {
            "blob" => Some(BinaryType::Blob),
            "arraybuffer" => Some(BinaryType::ArrayBuffer),
            _ => None,
        }
    }

    /// The attribute's value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BinaryType::Blob => "blob",
            BinaryType::ArrayBuffer => "arraybuffer",
        }
    }
}

/// Which side of a route an input or a callback concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Side {
    /// The page's socket (the `WebSocketRoute` the handler receives).
    Page,
    /// The real server (the `WebSocketRoute` `connectToServer()` returns).
    Server,
}

/// Why the page's socket failed (`error`, then close 1006): what observers
/// hear as `socketerror`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The route handler threw, or its promise rejected, with this.
    HandlerFailed(String),
    /// The page called `close()` before the socket opened.
    ClosedWhileConnecting,
    /// The route closed the page side with 1006 before it opened.
    RouteRefused,
    /// The route closed the page side with 1006 after it opened.
    RouteDropped,
    /// Reading a Blob the page sent failed.
    BlobUnreadable,
    /// The real socket could not even be created, with this exception.
    ConnectFailed(String),
    /// The real socket's opening handshake failed.
    HandshakeFailed,
    /// The real connection failed after it opened.
    ConnectionFailed,
    /// The network went offline (`setOffline`, `setNetworkConditions`).
    Offline,
}

impl Failure {
    /// Whether the page's own side caused it (so it reaches the page at
    /// once, not over the link).
    pub(crate) fn is_local(&self) -> bool {
        matches!(
            self,
            Failure::ClosedWhileConnecting | Failure::BlobUnreadable | Failure::Offline
        )
    }

    /// How a real socket that fired `error` failed: before or after it opened.
    pub(crate) fn of_real_socket(opened: bool) -> Failure {
        if opened {
            Failure::ConnectionFailed
        } else {
            Failure::HandshakeFailed
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::HandlerFailed(e) => write!(f, "the route handler threw: {e}"),
            Failure::ClosedWhileConnecting => {
                f.write_str("the page closed the socket before it opened")
            }
            Failure::RouteRefused => f.write_str("the route refused the connection (close 1006)"),
            Failure::RouteDropped => f.write_str("the route dropped the connection (close 1006)"),
            Failure::BlobUnreadable => f.write_str("reading a Blob the page sent failed"),
            Failure::ConnectFailed(e) => write!(f, "connecting to the server failed: {e}"),
            Failure::HandshakeFailed => f.write_str(
                "the handshake with the server failed (refused, rejected or unreachable; \
                 browsers do not expose the status)",
            ),
            Failure::ConnectionFailed => f.write_str(
                "the connection to the server failed (dropped, or the server sent an invalid frame)",
            ),
            Failure::Offline => f.write_str("the network is offline"),
        }
    }
}

/// Why an input was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CoreError {
    /// `send()` while the page socket is CONNECTING (`InvalidStateError`).
    StillConnecting,
    /// `connectToServer()` was already called for this route.
    AlreadyConnected,
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::StillConnecting => f.write_str("Still in CONNECTING state."),
            CoreError::AlreadyConnected => f.write_str("Already connected to the server"),
        }
    }
}

/// Something the edge must do, in the order given.
#[derive(Debug)]
pub(crate) enum Effect<C: Carrier> {
    /// Queue one task; when it runs, call [`super::Socket::run_task`].
    ScheduleTask,
    /// Queue one task, in no order with the others, that calls
    /// [`super::Socket::departed`]. It runs no page code: it only needs to
    /// come after the current task, so it must not hold back the ones
    /// `ScheduleTask` queues. (Only when the page read `bufferedAmount`, or
    /// many texts went straight on: a round trip needs none.)
    ScheduleDeparture,
    /// Run the route handler with the page-side route. Report how it ended
    /// with `handler_returned` or `handler_failed`.
    RunHandler(C::Handler),
    /// Fire `open` at the page socket (its state is already OPEN).
    DispatchOpen,
    /// Fire `message` at the page socket, binary data as `binary_type` says.
    /// Observers hear it as `framereceived`.
    DispatchMessage {
        /// The message.
        message: C::Payload,
        /// `WebSocket.binaryType` at dispatch.
        binary_type: BinaryType,
    },
    /// Fire `error` at the page socket (its state is already CLOSED); a
    /// [`Effect::DispatchClose`] always follows. Observers hear `socketerror`.
    DispatchError(Failure),
    /// Fire `close` at the page socket (its state is already CLOSED).
    DispatchClose {
        /// `CloseEvent.code`.
        code: u16,
        /// `CloseEvent.reason`.
        reason: String,
        /// `CloseEvent.wasClean`.
        was_clean: bool,
    },
    /// A message arrived on `side` of the route, for observers (`framesent`)
    /// and route waits: on the page side a frame the page transmitted, in
    /// `send()` order; on the server side a message the real socket received.
    Arrived {
        /// Which side.
        side: Side,
        /// The message.
        message: C::Payload,
    },
    /// Nothing more arrives on `side`: waits on it end.
    Ended(Side),
    /// Call the route's `onMessage` handler on `side`.
    CallOnMessage {
        /// The handler.
        handler: C::OnMessage,
        /// The message.
        message: C::Payload,
    },
    /// Call the route's `onClose` handler on `side`.
    CallOnClose {
        /// The handler.
        handler: C::OnClose,
        /// The close code, `None` when none was given.
        code: Option<u16>,
        /// The close reason, `None` when no code was given.
        reason: Option<String>,
    },
    /// Create the real socket with the page's URL and protocols.
    OpenServer,
    /// Send a message on the real socket (it is open).
    SendToServer(C::Payload),
    /// Start closing the real socket with these arguments, which a browser
    /// accepts as they are.
    CloseServer {
        /// Close code to send, if any: 1000 or 3000-4999.
        code: Option<u16>,
        /// Close reason to send, if any (only with a code; at most 123 bytes).
        reason: Option<String>,
    },
    /// Both sides are finished: the socket has let go of the route's callbacks.
    Finished,
}
