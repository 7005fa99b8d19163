//! The echo server's tests: each path's behaviour, through a real client.

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
fn raw_handshake(server: &EchoServer, path: &str, extra: &str) -> (String, BufReader<TcpStream>) {
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
