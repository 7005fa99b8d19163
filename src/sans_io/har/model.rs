//! The HAR 1.2 log, as far as WebSocket sessions need it, with the fields
//! Chrome DevTools adds for WebSockets (`_resourceType`, `_webSocketMessages`)
//! and wsroute's `_webSocketClose`. Reading is lenient (HAR writers differ:
//! missing fields take their defaults, unknown fields are skipped); writing
//! gives every field HAR 1.2 requires, so other readers load the log.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// A HAR file: `{ "log": ... }`.
///
/// [`Serialize`] and [`Deserialize`] give and read the JSON of a `.har` file
/// (with any serde format); in the page it crosses into JavaScript as a plain
/// object, which `JSON.stringify` turns into the file.
///
/// ```
/// let har = wsroute::Har::default();
/// assert_eq!(har.log.version, "1.2");
/// assert!(har.log.entries.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Har {
    /// The log.
    pub log: Log,
}

/// The `log` of a HAR file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Log {
    /// The HAR format version: `"1.2"`.
    #[serde(default = "version")]
    pub version: String,
    /// The program that wrote the log.
    #[serde(default)]
    pub creator: Creator,
    /// One entry per request; WebSocket sessions are the entries with
    /// [`Entry::web_socket_messages`] or a `ws:`/`wss:` URL.
    #[serde(default)]
    pub entries: Vec<Entry>,
}

fn version() -> String {
    "1.2".into()
}

impl Default for Log {
    fn default() -> Self {
        Log {
            version: version(),
            creator: Creator::default(),
            entries: Vec::new(),
        }
    }
}

/// The `creator` (or `browser`) of a HAR log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Creator {
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// Its version.
    #[serde(default)]
    pub version: String,
}

impl Default for Creator {
    fn default() -> Self {
        Creator {
            name: "wsroute".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// One request of a HAR log; for a WebSocket, the whole session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// When the request started: an ISO 8601 date, such as
    /// `2026-12-02T10:00:00.000Z`.
    #[serde(default)]
    pub started_date_time: String,
    /// The request's total time in milliseconds (for a WebSocket, wsroute
    /// writes the handshake's, or 0).
    #[serde(default)]
    pub time: f64,
    /// The request: for a WebSocket, the handshake's URL and headers.
    #[serde(default)]
    pub request: Request,
    /// The response: for a WebSocket, `101 Switching Protocols`.
    #[serde(default)]
    pub response: Response,
    /// The cache (empty for a WebSocket).
    #[serde(default)]
    pub cache: Empty,
    /// Timings of the handshake.
    #[serde(default)]
    pub timings: Timings,
    /// Chrome DevTools' resource type: `"websocket"` for a WebSocket.
    #[serde(
        rename = "_resourceType",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub resource_type: Option<String>,
    /// The frames, in order (Chrome DevTools' field).
    #[serde(
        rename = "_webSocketMessages",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub web_socket_messages: Option<Vec<WebSocketMessage>>,
    /// How the socket closed, as the page saw it (wsroute's field).
    #[serde(
        rename = "_webSocketClose",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub web_socket_close: Option<WebSocketClose>,
}

impl Default for Entry {
    fn default() -> Self {
        Entry {
            started_date_time: String::new(),
            time: 0.0,
            request: Request::default(),
            response: Response::default(),
            cache: Empty::default(),
            timings: Timings::default(),
            resource_type: Some("websocket".into()),
            web_socket_messages: Some(Vec::new()),
            web_socket_close: None,
        }
    }
}

/// An empty object (`{}`), such as an entry's `cache`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Empty {}

/// A request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// `"GET"` for a WebSocket handshake.
    #[serde(default)]
    pub method: String,
    /// The URL.
    #[serde(default)]
    pub url: String,
    /// The HTTP version, such as `"HTTP/1.1"`.
    #[serde(default)]
    pub http_version: String,
    /// Cookies (wsroute writes none).
    #[serde(default)]
    pub cookies: Vec<Header>,
    /// Headers: wsroute writes the requested subprotocols as
    /// `Sec-WebSocket-Protocol`.
    #[serde(default)]
    pub headers: Vec<Header>,
    /// The query string's parameters (wsroute writes none).
    #[serde(default)]
    pub query_string: Vec<Header>,
    /// Size of the headers in bytes, `-1` when unknown.
    #[serde(default = "unknown")]
    pub headers_size: f64,
    /// Size of the body in bytes, `-1` when unknown.
    #[serde(default = "unknown")]
    pub body_size: f64,
}

fn unknown() -> f64 {
    -1.0
}

impl Default for Request {
    fn default() -> Self {
        Request {
            method: "GET".into(),
            url: String::new(),
            http_version: "HTTP/1.1".into(),
            cookies: Vec::new(),
            headers: Vec::new(),
            query_string: Vec::new(),
            headers_size: -1.0,
            body_size: -1.0,
        }
    }
}

/// A response.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The status: `101` for an accepted WebSocket handshake.
    #[serde(default)]
    pub status: f64,
    /// The status text.
    #[serde(default)]
    pub status_text: String,
    /// The HTTP version.
    #[serde(default)]
    pub http_version: String,
    /// Cookies.
    #[serde(default)]
    pub cookies: Vec<Header>,
    /// Headers.
    #[serde(default)]
    pub headers: Vec<Header>,
    /// The body (empty for a WebSocket).
    #[serde(default)]
    pub content: Content,
    /// The redirect target (empty).
    #[serde(rename = "redirectURL", default)]
    pub redirect_url: String,
    /// Size of the headers in bytes, `-1` when unknown.
    #[serde(default = "unknown")]
    pub headers_size: f64,
    /// Size of the body in bytes, `-1` when unknown.
    #[serde(default = "unknown")]
    pub body_size: f64,
}

impl Default for Response {
    fn default() -> Self {
        Response {
            status: 101.0,
            status_text: "Switching Protocols".into(),
            http_version: "HTTP/1.1".into(),
            cookies: Vec::new(),
            headers: Vec::new(),
            content: Content::default(),
            redirect_url: String::new(),
            headers_size: -1.0,
            body_size: -1.0,
        }
    }
}

/// A response body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    /// Its size in bytes.
    #[serde(default)]
    pub size: f64,
    /// Its MIME type.
    #[serde(default)]
    pub mime_type: String,
}

impl Default for Content {
    fn default() -> Self {
        Content {
            size: 0.0,
            mime_type: "x-unknown".into(),
        }
    }
}

/// A header, cookie or query parameter: a name and a value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// The name.
    #[serde(default)]
    pub name: String,
    /// The value.
    #[serde(default)]
    pub value: String,
}

/// Timings of a request, in milliseconds (`-1`: does not apply).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Sending the request.
    #[serde(default)]
    pub send: f64,
    /// Waiting for the response.
    #[serde(default)]
    pub wait: f64,
    /// Reading the response.
    #[serde(default)]
    pub receive: f64,
}

impl Default for Timings {
    fn default() -> Self {
        Timings {
            send: 0.0,
            wait: 0.0,
            receive: 0.0,
        }
    }
}

/// One frame of a WebSocket session (Chrome DevTools' `_webSocketMessages`
/// item).
///
/// ```
/// use wsroute::har::WebSocketMessage;
/// let hello = WebSocketMessage::text("send", 1764669600.25, "hello");
/// assert_eq!((hello.opcode, hello.data.as_str()), (1.0, "hello"));
/// let bytes = WebSocketMessage::binary("receive", 1764669600.5, &[0, 1, 2, 255]);
/// assert_eq!((bytes.opcode, bytes.data.as_str()), (2.0, "AAEC/w=="));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebSocketMessage {
    /// `"send"` (the page sent it) or `"receive"` (the page received it);
    /// readers skip other types (Chrome writes `"error"` for failures).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// When, in seconds since the Unix epoch (Chrome DevTools; Playwright
    /// writes milliseconds, which readers tell apart by size). Read from a
    /// number, or from an ISO 8601 date as some exporters write it.
    #[serde(default, deserialize_with = "number_or_date")]
    pub time: f64,
    /// `1` for text, `2` for binary.
    #[serde(default)]
    pub opcode: f64,
    /// The text (opcode 1), or the bytes in base64 (opcode 2).
    #[serde(default)]
    pub data: String,
}

impl WebSocketMessage {
    /// A text frame of `kind` (`"send"` or `"receive"`) at `time` (seconds
    /// since the epoch).
    pub fn text(kind: &str, time: f64, text: &str) -> Self {
        WebSocketMessage {
            kind: kind.into(),
            time,
            opcode: 1.0,
            data: text.into(),
        }
    }

    /// A binary frame of `kind` at `time` (seconds since the epoch); the
    /// bytes are written in base64.
    pub fn binary(kind: &str, time: f64, bytes: &[u8]) -> Self {
        WebSocketMessage {
            kind: kind.into(),
            time,
            opcode: 2.0,
            data: super::base64::encode(bytes),
        }
    }
}

/// How a recorded socket closed, as the page saw it (`_webSocketClose`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebSocketClose {
    /// The close code the page saw.
    pub code: u16,
    /// The close reason the page saw.
    #[serde(default)]
    pub reason: String,
    /// Whether the close was clean (`false`: the connection dropped).
    #[serde(default)]
    pub was_clean: bool,
    /// The page called `close()` first: a replay leaves closing to the page
    /// (written only when true).
    #[serde(default, skip_serializing_if = "is_false")]
    pub by_page: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// A frame's time: a number, or an ISO 8601 date (read as milliseconds since
/// the epoch, which readers tell from seconds by size).
fn number_or_date<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    struct Time;
    impl Visitor<'_> for Time {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number or an ISO 8601 date")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            super::time::parse_iso(v)
                .ok_or_else(|| E::custom(format!("time {v:?} is neither a number nor a date")))
        }
    }
    d.deserialize_any(Time)
}
