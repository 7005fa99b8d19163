//! A WebSocket echo/test server for the wasm tests, the e2e pages, the demo
//! and the benchmarks.
//!
//! Bound to `127.0.0.1` on an ephemeral port, one thread per connection.
//! Behaviour is chosen by the request path (a query string is allowed):
//!
//! | path | behaviour |
//! |---|---|
//! | `/echo` and any unknown path | echo every message unchanged; select the FIRST offered subprotocol |
//! | `/reject` | answer the handshake with `403 Forbidden` |
//! | `/close?code=1008&reason=oops` | close right after the handshake with that code/reason (no code: empty close frame) |
//! | `/hello` | send text `hello` right after the handshake, then echo |
//! | `/badframe` | write a frame with a reserved opcode (`0x83 0x00`) so the browser fails the connection |
//! | `/drop` | shut the TCP connection down without a close frame |
//! | `/slow?ms=300` | answer the handshake after `ms` milliseconds (default 300, at most 5000), then echo |
//! | `/protocol?p=x` | select protocol `x` whatever was offered (no extensions), then echo |
//! | `/drain` | read every message and answer none; close when the client closes |
//! | `/deflate` | accept the `permessage-deflate` extension the browser offers (no parameters), send nothing, read until the close (a data frame from the client, compressed, ends the connection): for `WebSocket.extensions` |

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::http::{HeaderValue, StatusCode};
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{Message, WebSocketConfig};
use tungstenite::{Error as WsError, WebSocket};

/// Largest message (and frame) the server accepts: 64 MiB, so 16 MiB
/// messages from the tests fit with room to spare.
pub const MAX_MESSAGE: usize = 64 << 20;

/// A running echo server. Stops (stops accepting) when dropped.
pub struct EchoServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl EchoServer {
    /// Binds `127.0.0.1:0` and starts accepting connections.
    pub fn start() -> io::Result<EchoServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stop2 = stop.clone();
        let accept_thread = thread::Builder::new()
            .name("echo-accept".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stop2.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = conn else { continue };
                    let spawned = thread::Builder::new()
                        .name("echo-conn".into())
                        .stack_size(512 * 1024)
                        .spawn(move || handle_connection(stream));
                    if let Err(e) = spawned {
                        eprintln!("echo server: cannot spawn a connection thread: {e}");
                    }
                }
            })?;
        Ok(EchoServer {
            addr,
            stop,
            accept_thread: Some(accept_thread),
        })
    }

    /// The bound address.
    #[allow(dead_code)] // used by the tests (and the coming bench)
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://127.0.0.1:PORT` (no trailing slash, no path).
    pub fn url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// Stops accepting new connections (connections in flight finish on their own).
    pub fn stop(&mut self) {
        if let Some(t) = self.accept_thread.take() {
            self.stop.store(true, Ordering::SeqCst);
            // Wake the blocking accept().
            let _ = TcpStream::connect(self.addr);
            let _ = t.join();
        }
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the handshake callback decided, for the code after the handshake.
#[derive(Debug, Clone, Default, PartialEq)]
enum Mode {
    #[default]
    Echo,
    Close {
        code: Option<u16>,
        reason: String,
    },
    Hello,
    BadFrame,
    Drop,
    Drain,
}

fn config() -> WebSocketConfig {
    WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE))
}

#[allow(clippy::result_large_err)] // the callback's signature is tungstenite's
fn handle_connection(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    // A handshake that never completes must not pin a thread forever.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut mode = Mode::Echo;
    let callback = |req: &Request, resp: Response| handshake(req, resp, &mut mode);
    let mut ws = match tungstenite::accept_hdr_with_config(stream, callback, Some(config())) {
        Ok(ws) => ws,
        Err(_) => return, // rejected (403 already written) or a broken handshake
    };
    let _ = ws.get_mut().set_read_timeout(None);
    serve(&mut ws, mode);
}

/// Answers the opening handshake as the request's path says, and sets the
/// `mode` the connection then runs in.
#[allow(clippy::result_large_err)] // the callback's signature is tungstenite's
fn handshake(
    req: &Request,
    mut resp: Response,
    mode: &mut Mode,
) -> Result<Response, ErrorResponse> {
    let query = parse_query(req.uri().query().unwrap_or(""));
    let q = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    match req.uri().path() {
        "/reject" => {
            let mut e = ErrorResponse::new(Some("Forbidden\n".to_string()));
            *e.status_mut() = StatusCode::FORBIDDEN;
            return Err(e);
        }
        "/protocol" => {
            if let Some(p) = q("p")
                && let Ok(v) = HeaderValue::from_str(&p)
            {
                resp.headers_mut().insert("Sec-WebSocket-Protocol", v);
            }
            return Ok(resp);
        }
        "/close" => {
            *mode = Mode::Close {
                code: q("code").and_then(|c| c.parse().ok()),
                reason: q("reason").unwrap_or_default(),
            }
        }
        "/slow" => {
            // The handshake answers after `ms` (at most 5 s): a client's
            // close() while CONNECTING then surely comes first.
            let ms = q("ms").and_then(|m| m.parse::<u64>().ok()).unwrap_or(300);
            thread::sleep(Duration::from_millis(ms.min(5_000)));
        }
        "/hello" => *mode = Mode::Hello,
        "/badframe" => *mode = Mode::BadFrame,
        "/drop" => *mode = Mode::Drop,
        "/drain" => *mode = Mode::Drain,
        "/deflate" => {
            let offered = req
                .headers()
                .get_all("Sec-WebSocket-Extensions")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .any(|v| {
                    v.split([',', ';'])
                        .any(|e| e.trim() == "permessage-deflate")
                });
            if offered {
                resp.headers_mut().insert(
                    "Sec-WebSocket-Extensions",
                    HeaderValue::from_static("permessage-deflate"),
                );
            }
            *mode = Mode::Drain;
        }
        _ => {}
    }
    // Select the first offered subprotocol (header lines may repeat).
    let first = req
        .headers()
        .get_all("Sec-WebSocket-Protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find(|p| !p.is_empty());
    if let Some(p) = first
        && let Ok(v) = HeaderValue::from_str(p)
    {
        resp.headers_mut().insert("Sec-WebSocket-Protocol", v);
    }
    Ok(resp)
}

/// Runs an open connection in `mode`.
fn serve(ws: &mut WebSocket<TcpStream>, mode: Mode) {
    match mode {
        Mode::Echo => echo_loop(ws),
        Mode::Hello => {
            if ws.send(Message::text("hello")).is_ok() {
                echo_loop(ws);
            }
        }
        Mode::Close { code, reason } => {
            let frame = code.map(|c| CloseFrame {
                code: CloseCode::from(c),
                reason: reason.into(),
            });
            if ws.close(frame).is_ok() {
                // Finish the closing handshake: wait for the peer's close.
                drain_until_closed(ws);
            }
        }
        Mode::BadFrame => send_bad_frame(ws.get_mut()),
        Mode::Drain => drain_until_closed(ws),
        Mode::Drop => {
            thread::sleep(Duration::from_millis(100));
            let _ = ws.get_mut().shutdown(Shutdown::Both);
        }
    }
}

/// Sends a frame with a reserved opcode, after the browser has seen the
/// handshake complete (and fired `open`), so the event sequence is
/// deterministic; then keeps the socket open a moment so the browser sees
/// the bad frame and fails the connection itself (rather than a TCP close).
fn send_bad_frame(s: &mut TcpStream) {
    thread::sleep(Duration::from_millis(100));
    // FIN + reserved opcode 0x3, unmasked, empty payload.
    let _ = s.write_all(&[0x83, 0x00]);
    let _ = s.flush();
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = [0u8; 4096];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
}

fn echo_loop(ws: &mut WebSocket<TcpStream>) {
    loop {
        match ws.read() {
            Ok(msg @ (Message::Text(_) | Message::Binary(_))) => {
                if ws.send(msg).is_err() {
                    return;
                }
            }
            // Pongs to pings and the reply to a close frame (same code and
            // reason) are queued by tungstenite and written by the next read.
            Ok(_) => {}
            Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => return,
            Err(_) => return,
        }
    }
}

fn drain_until_closed(ws: &mut WebSocket<TcpStream>) {
    let _ = ws.get_mut().set_read_timeout(Some(Duration::from_secs(10)));
    loop {
        match ws.read() {
            Ok(_) => {}
            Err(_) => return,
        }
    }
}

/// Splits `a=1&b=x%20y` into decoded pairs (`+` is a space, as in forms and
/// `URLSearchParams`).
pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Decodes `%XX` escapes (invalid escapes are kept as they are); with
/// `plus_is_space`, `+` becomes a space. Invalid UTF-8 is replaced.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 3;
                        continue;
                    }
                    _ => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
