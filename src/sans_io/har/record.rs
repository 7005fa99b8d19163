//! Recording one socket as a HAR entry, in Chrome DevTools' format: the
//! frames as the page saw them, in order (time in seconds since the epoch,
//! text as it is, binary in base64), the requested subprotocols as a
//! `Sec-WebSocket-Protocol` request header, and the close the page saw.

use super::model::{Entry, Header, Request, WebSocketClose, WebSocketMessage};
use super::time::iso;
use crate::sans_io::message::Message;

/// Which way a recorded frame went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// The page sent it.
    Sent,
    /// The page received it.
    Received,
}

/// The entry of one socket, growing as the page uses it.
#[derive(Clone, Debug)]
pub(crate) struct Recording {
    entry: Entry,
}

impl Recording {
    /// A socket to `url` asking for `protocols`, created at `now` (ms since
    /// the epoch).
    pub(crate) fn new(url: &str, protocols: &[String], now: f64) -> Recording {
        let mut headers = Vec::new();
        if !protocols.is_empty() {
            headers.push(Header {
                name: "Sec-WebSocket-Protocol".into(),
                value: protocols.join(", "),
            });
        }
        Recording {
            entry: Entry {
                started_date_time: iso(now),
                request: Request {
                    url: url.into(),
                    headers,
                    ..Request::default()
                },
                ..Entry::default()
            },
        }
    }

    /// A frame the page sent or received at `now` (ms since the epoch).
    pub(crate) fn frame(&mut self, direction: Direction, message: &Message, now: f64) {
        let kind = match direction {
            Direction::Sent => "send",
            Direction::Received => "receive",
        };
        let seconds = now / 1000.0;
        let m = match message {
            Message::Text(t) => WebSocketMessage::text(kind, seconds, t),
            Message::Binary(b) => WebSocketMessage::binary(kind, seconds, b),
        };
        self.entry
            .web_socket_messages
            .get_or_insert_default()
            .push(m);
    }

    /// The page's socket closed with `code` and `reason`; `by_page`: the
    /// page called `close()` first.
    pub(crate) fn closed(&mut self, code: u16, reason: &str, was_clean: bool, by_page: bool) {
        self.entry.web_socket_close.get_or_insert(WebSocketClose {
            code,
            reason: reason.into(),
            was_clean,
            by_page,
        });
    }

    /// The entry as recorded so far.
    pub(crate) fn entry(&self) -> &Entry {
        &self.entry
    }
}
