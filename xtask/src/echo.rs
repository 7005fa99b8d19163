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
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader};
    use tungstenite::client::IntoClientRequest;
    use tungstenite::stream::MaybeTlsStream;

    type Client = WebSocket<MaybeTlsStream<TcpStream>>;

    fn connect(server: &EchoServer, path: &str) -> Client {
        let (ws, _) = tungstenite::client::connect_with_config(
            format!("{}{}", server.url(), path),
            Some(config()),
            3,
        )
        .expect("connect");
        ws
    }

    /// Sends a raw handshake and returns (status line + headers, the stream).
    fn raw_handshake(
        server: &EchoServer,
        path: &str,
        extra: &str,
    ) -> (String, BufReader<TcpStream>) {
        let mut s = TcpStream::connect(server.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n",
            server.addr()
        )
        .unwrap();
        let mut r = BufReader::new(s);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        (head, r)
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c", true), "a b c");
        assert_eq!(percent_decode("a+b", false), "a+b");
        assert_eq!(percent_decode("%e2%82%AC%", true), "€%");
        assert_eq!(percent_decode("%zz%4", true), "%zz%4");
        assert_eq!(
            parse_query("code=1008&reason=oops%21&x"),
            vec![
                ("code".into(), "1008".into()),
                ("reason".into(), "oops!".into()),
                ("x".into(), "".into())
            ]
        );
    }

    #[test]
    fn echoes_text_and_binary() {
        let server = EchoServer::start().unwrap();
        for path in ["/echo", "/some/unknown/path?x=1"] {
            let mut ws = connect(&server, path);
            ws.send(Message::text("héllo")).unwrap();
            assert_eq!(ws.read().unwrap(), Message::text("héllo"));
            ws.send(Message::binary(vec![0u8, 1, 2, 255])).unwrap();
            assert_eq!(ws.read().unwrap(), Message::binary(vec![0u8, 1, 2, 255]));
            ws.send(Message::text("")).unwrap();
            assert_eq!(ws.read().unwrap(), Message::text(""));
            ws.close(None).unwrap();
        }
    }

    #[test]
    fn close_is_echoed_with_same_code_and_reason() {
        let server = EchoServer::start().unwrap();
        let mut ws = connect(&server, "/echo");
        ws.close(Some(CloseFrame {
            code: CloseCode::from(4001),
            reason: "bye now".into(),
        }))
        .unwrap();
        match ws.read() {
            Ok(Message::Close(Some(f))) => {
                assert_eq!(u16::from(f.code), 4001);
                assert_eq!(f.reason.as_str(), "bye now");
            }
            Ok(m) => panic!("unexpected {m:?}"),
            Err(e) => panic!("no close reply: {e}"),
        }
    }

    #[test]
    fn selects_first_offered_protocol() {
        let server = EchoServer::start().unwrap();
        let mut req = format!("{}/echo", server.url())
            .into_client_request()
            .unwrap();
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", "chat, superchat".parse().unwrap());
        let (mut ws, resp) = tungstenite::connect(req).unwrap();
        assert_eq!(resp.headers()["Sec-WebSocket-Protocol"], "chat");
        assert!(resp.headers().get("Sec-WebSocket-Extensions").is_none());
        ws.send(Message::text("x")).unwrap();
        assert_eq!(ws.read().unwrap(), Message::text("x"));

        // No protocol offered: none selected.
        let (_ws, resp) = tungstenite::connect(format!("{}/echo", server.url())).unwrap();
        assert!(resp.headers().get("Sec-WebSocket-Protocol").is_none());
    }

    #[test]
    fn protocol_path_forces_protocol() {
        let server = EchoServer::start().unwrap();
        let (head, _r) = raw_handshake(
            &server,
            "/protocol?p=x",
            "Sec-WebSocket-Protocol: a, b\r\nSec-WebSocket-Extensions: permessage-deflate\r\n",
        );
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        let lower = head.to_ascii_lowercase();
        assert!(lower.contains("sec-websocket-protocol: x\r\n"), "{head}");
        assert!(!lower.contains("sec-websocket-extensions"), "{head}");
    }

    #[test]
    fn deflate_path_accepts_the_offered_extension_and_only_then() {
        let server = EchoServer::start().unwrap();
        let (head, _r) = raw_handshake(
            &server,
            "/deflate",
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n",
        );
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        let lower = head.to_ascii_lowercase();
        assert!(
            lower.contains("sec-websocket-extensions: permessage-deflate\r\n"),
            "{head}"
        );
        let (head, _r) = raw_handshake(&server, "/deflate", "");
        assert!(
            !head
                .to_ascii_lowercase()
                .contains("sec-websocket-extensions"),
            "{head}"
        );
    }

    #[test]
    fn reject_answers_403() {
        let server = EchoServer::start().unwrap();
        let (head, _r) = raw_handshake(&server, "/reject", "");
        assert!(head.starts_with("HTTP/1.1 403"), "{head}");
        match tungstenite::connect(format!("{}/reject", server.url())) {
            Err(WsError::Http(resp)) => assert_eq!(resp.status(), 403),
            other => panic!("expected a 403, got {:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn close_path_closes_with_code_and_reason() {
        let server = EchoServer::start().unwrap();
        let mut ws = connect(&server, "/close?code=1008&reason=oops%20it%27s%20%E2%82%AC");
        match ws.read() {
            Ok(Message::Close(Some(f))) => {
                assert_eq!(u16::from(f.code), 1008);
                assert_eq!(f.reason.as_str(), "oops it's €");
            }
            other => panic!("expected a close frame, got {other:?}"),
        }
        // Our reply completes the closing handshake; then the server ends.
        loop {
            match ws.read() {
                Ok(_) => {}
                Err(WsError::ConnectionClosed) => break,
                Err(e) => panic!("{e}"),
            }
        }

        // Without a code: an empty close frame (the browser reports 1005).
        let mut ws = connect(&server, "/close");
        assert_eq!(ws.read().unwrap(), Message::Close(None));
    }

    #[test]
    fn hello_then_echo() {
        let server = EchoServer::start().unwrap();
        let mut ws = connect(&server, "/hello");
        assert_eq!(ws.read().unwrap(), Message::text("hello"));
        ws.send(Message::text("again")).unwrap();
        assert_eq!(ws.read().unwrap(), Message::text("again"));
    }

    #[test]
    fn drain_answers_nothing_but_the_close() {
        let server = EchoServer::start().unwrap();
        let mut ws = connect(&server, "/drain");
        ws.send(Message::text("into the void")).unwrap();
        ws.close(None).unwrap();
        // The next frame is the close's answer, not an echo.
        loop {
            match ws.read() {
                Ok(Message::Close(_)) => {}
                Ok(m) => panic!("answered {m:?}"),
                Err(tungstenite::Error::ConnectionClosed) => break,
                Err(e) => panic!("{e}"),
            }
        }
    }

    #[test]
    fn slow_answers_the_handshake_late_then_echoes() {
        let server = EchoServer::start().unwrap();
        let started = std::time::Instant::now();
        let mut ws = connect(&server, "/slow?ms=200");
        assert!(started.elapsed() >= Duration::from_millis(200));
        ws.send(Message::text("late")).unwrap();
        assert_eq!(ws.read().unwrap(), Message::text("late"));
    }

    #[test]
    fn badframe_writes_reserved_opcode() {
        let server = EchoServer::start().unwrap();
        let (head, mut r) = raw_handshake(&server, "/badframe", "");
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        let mut two = [0u8; 2];
        r.read_exact(&mut two).unwrap();
        assert_eq!(two, [0x83, 0x00]);
        // And tungstenite, as a client, fails on it.
        let mut ws = connect(&server, "/badframe");
        assert!(matches!(ws.read(), Err(WsError::Protocol(_))));
    }

    #[test]
    fn drop_closes_tcp_without_close_frame() {
        let server = EchoServer::start().unwrap();
        let (head, mut r) = raw_handshake(&server, "/drop", "");
        assert!(head.starts_with("HTTP/1.1 101"), "{head}");
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert!(rest.is_empty(), "{rest:?}");
    }

    #[test]
    fn large_messages_16_mib() {
        let server = EchoServer::start().unwrap();
        let mut ws = connect(&server, "/echo");
        let big: Vec<u8> = (0..16usize << 20).map(|i| (i * 31 % 251) as u8).collect();
        ws.send(Message::binary(big.clone())).unwrap();
        match ws.read().unwrap() {
            Message::Binary(b) => assert!(b[..] == big[..]),
            m => panic!("unexpected {:?}", m.len()),
        }
        let text = "ab€".repeat((16 << 20) / 5);
        ws.send(Message::text(text.clone())).unwrap();
        match ws.read().unwrap() {
            Message::Text(t) => assert!(t.as_str() == text),
            m => panic!("unexpected {:?}", m.len()),
        }
    }

    #[test]
    fn thousand_concurrent_connections() {
        let server = EchoServer::start().unwrap();
        let mut clients: Vec<Client> = (0..1000).map(|_| connect(&server, "/echo")).collect();
        for (i, ws) in clients.iter_mut().enumerate() {
            ws.send(Message::text(format!("m{i}"))).unwrap();
        }
        for (i, ws) in clients.iter_mut().enumerate() {
            assert_eq!(ws.read().unwrap(), Message::text(format!("m{i}")));
        }
        for ws in &mut clients {
            ws.close(None).unwrap();
        }
    }

    #[test]
    fn stop_stops_accepting() {
        let mut server = EchoServer::start().unwrap();
        let addr = server.addr();
        server.stop();
        thread::sleep(Duration::from_millis(50));
        assert!(TcpStream::connect(addr).is_err());
    }
}
