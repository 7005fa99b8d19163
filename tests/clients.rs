//! Real Rust WebSocket clients through the shim: `gloo-net`'s futures
//! `WebSocket` and a raw `web_sys::WebSocket`, against Rust mock routes and
//! passed through to the real echo server. Each test asserts what the client
//! crate's own API reports (gloo `Message`/`State`/`WebSocketError`, web-sys
//! events and `DOMException`s), and most run the same scenario natively
//! (wsroute not installed), unrouted, through a `connect_to_server()` route
//! and against a mock route, requiring the same log from all four.

#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::{Cell, RefCell};
use std::pin::pin;
use std::rc::Rc;

use common::echo_url;
use futures::future::{Either, select};
use futures::{SinkExt, Stream, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, WebSocketError};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{BinaryType, Blob, CloseEvent, DomException, MessageEvent};
use wsroute::WebSocketRoute;

wasm_bindgen_test_configure!(run_in_browser);

// The Rust example quoted in the README: a gloo-net client against a mock route.
#[wasm_bindgen_test]
async fn gloo_net_client_talks_to_a_mock_route() {
    let routes = wsroute::install().unwrap(); // uninstalls and unroutes on drop
    routes.route("wss://example.test/chat", |ws| {
        let reply = ws.clone();
        ws.on_message(move |m| {
            if let wsroute::Message::Text(t) = m {
                reply.send(t.to_uppercase());
            }
        });
    });

    let mut socket = WebSocket::open("wss://example.test/chat").unwrap();
    socket.send(Message::Text("hello".into())).await.unwrap();
    let reply = socket.next().await.unwrap().unwrap();
    assert_eq!(reply, Message::Text("HELLO".into()));
}

// ---------------------------------------------------------------------------
// Helpers

type Log = Rc<RefCell<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.borrow_mut().push(entry.into());
}

/// Resolves after `ms` milliseconds (a plain `setTimeout`).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout: js_sys::Function =
            js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("setTimeout"))
                .expect("setTimeout")
                .unchecked_into();
        set_timeout
            .call2(&JsValue::NULL, &resolve, &JsValue::from(ms))
            .expect("setTimeout()");
    });
    JsFuture::from(promise).await.expect("timer");
}

/// Polls `done` until it holds; gives up (and lets the log assertion fail)
/// after five seconds.
async fn until(done: impl Fn() -> bool) {
    for _ in 0..500 {
        if done() {
            return;
        }
        sleep(10).await;
    }
}

const STREAM_TIMEOUT_MS: i32 = 5000;

/// The next item of a gloo-net stream exactly as gloo reports it (`Debug`),
/// `None` included; "timeout" if nothing arrives within five seconds.
async fn next_item<S>(stream: &mut S) -> String
where
    S: Stream<Item = Result<Message, WebSocketError>> + Unpin,
{
    match next_within(stream).await {
        Some(item) => format!("{item:?}"),
        None => format!("timeout: no stream item within {STREAM_TIMEOUT_MS} ms"),
    }
}

/// The next item of a gloo-net stream, or `None` after five seconds.
async fn next_within<S>(stream: &mut S) -> Option<Option<Result<Message, WebSocketError>>>
where
    S: Stream<Item = Result<Message, WebSocketError>> + Unpin,
{
    match select(stream.next(), pin!(sleep(STREAM_TIMEOUT_MS))).await {
        Either::Left((item, _)) => Some(item),
        Either::Right(_) => None,
    }
}

/// Every remaining item up to and including the end of the stream (`None`).
async fn read_to_end<S>(stream: &mut S) -> Vec<String>
where
    S: Stream<Item = Result<Message, WebSocketError>> + Unpin,
{
    let mut items = Vec::new();
    loop {
        let item = next_item(stream).await;
        let last = item == "None" || item.starts_with("timeout");
        items.push(item);
        if last {
            return items;
        }
    }
}

/// How a scenario reaches its URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// wsroute not installed: the browser's own `WebSocket`.
    Native,
    /// wsroute installed, no route matches: pass-through.
    Unrouted,
    /// A route that only calls `connect_to_server()`: forwards everything.
    Connected,
    /// A Rust route that plays the server itself.
    Mock,
}

const MODES: [Mode; 4] = [Mode::Native, Mode::Unrouted, Mode::Connected, Mode::Mock];

/// One mode set up for sockets to one URL; `finish` tears it down and says
/// what actually happened, so a route that never matched cannot pass for one
/// that did (the mock and the real server answer alike).
struct Scene {
    guard: Option<wsroute::Installed>,
    routed: Rc<Cell<u32>>,
    native: bool,
}

/// Sets `mode` up for sockets to `url`; keep the scene until they closed.
fn setup(mode: Mode, url: &str, mut mock: impl FnMut(WebSocketRoute) + 'static) -> Scene {
    let routed = Rc::new(Cell::new(0));
    let guard = (mode != Mode::Native).then(|| wsroute::install().expect("install"));
    let count = routed.clone();
    match (mode, &guard) {
        (Mode::Connected, Some(guard)) => guard.route(url, move |route: WebSocketRoute| {
            count.set(count.get() + 1);
            route.connect_to_server().expect("connect_to_server");
        }),
        (Mode::Mock, Some(guard)) => guard.route(url, move |route| {
            count.set(count.get() + 1);
            mock(route)
        }),
        _ => {}
    }
    // Whether the page's constructor is the browser's own.
    let native = common::global_websocket() == common::native_websocket();
    Scene {
        guard,
        routed,
        native,
    }
}

impl Scene {
    fn finish(self) -> String {
        drop(self.guard);
        format!("native={} routed={}", self.native, self.routed.get())
    }
}

/// What `Scene::finish` reports for `mode` when `sockets` were created.
fn expected_scene(mode: Mode, sockets: u32) -> String {
    match mode {
        Mode::Native => "native=true routed=0".into(),
        Mode::Unrouted => "native=false routed=0".into(),
        Mode::Connected | Mode::Mock => format!("native=false routed={sockets}"),
    }
}

/// A mock of the echo server's `/echo`: text back as text, binary as binary;
/// a page close is answered with the same code and reason (no `on_close`).
fn mock_echo(route: WebSocketRoute) {
    let reply = route.clone();
    route.on_message(move |m| reply.send(m));
}

/// Records every event of a `web_sys::WebSocket`: `open`, `error`, messages
/// (text, ArrayBuffer bytes, or Blob size; Blobs are kept in `blobs` to be
/// read once the socket closed) and `close`. Resolves when `close` fired.
fn record(ws: &web_sys::WebSocket, log: &Log, blobs: &Rc<RefCell<Vec<Blob>>>) -> js_sys::Promise {
    let l = log.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || push(&l, "open"));
    let l = log.clone();
    let b = blobs.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        let entry = if let Some(s) = data.as_string() {
            format!("message text {s:?}")
        } else if let Some(buffer) = data.dyn_ref::<js_sys::ArrayBuffer>() {
            format!(
                "message arraybuffer {:?}",
                js_sys::Uint8Array::new(buffer).to_vec()
            )
        } else if let Some(blob) = data.dyn_ref::<Blob>() {
            b.borrow_mut().push(blob.clone());
            format!("message blob size={} type={:?}", blob.size(), blob.type_())
        } else {
            format!("message of an unexpected type: {data:?}")
        };
        push(&l, entry);
    });
    let l = log.clone();
    let on_error = Closure::<dyn FnMut()>::new(move || push(&l, "error"));
    for (event, handler) in [
        ("open", on_open.as_ref()),
        ("message", on_message.as_ref()),
        ("error", on_error.as_ref()),
    ] {
        ws.add_event_listener_with_callback(event, handler.unchecked_ref())
            .expect("listener");
    }
    on_open.forget();
    on_message.forget();
    on_error.forget();
    let l = log.clone();
    js_sys::Promise::new(&mut |resolve, _| {
        let l = l.clone();
        let on_close = Closure::once_into_js(move |e: CloseEvent| {
            push(
                &l,
                format!(
                    "close {} {:?} clean={}",
                    e.code(),
                    e.reason(),
                    e.was_clean()
                ),
            );
            let _ = resolve.call0(&JsValue::NULL);
        });
        ws.add_event_listener_with_callback("close", on_close.unchecked_ref())
            .expect("listener");
    })
}

/// Waits for a `record` promise, or five seconds (logged as a timeout).
async fn settled(closed: js_sys::Promise, log: &Log) {
    let closed = JsFuture::from(closed);
    if let Either::Right(_) = select(closed, pin!(sleep(STREAM_TIMEOUT_MS))).await {
        push(log, "timeout: no close event");
    }
}

async fn blob_bytes(blob: &Blob) -> Vec<u8> {
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .expect("Blob.arrayBuffer()");
    js_sys::Uint8Array::new(&buffer).to_vec()
}

fn dom_exception(e: JsValue) -> String {
    let is_error = e.is_instance_of::<js_sys::Error>();
    match e.dyn_into::<DomException>() {
        Ok(e) => format!("{} {} instanceof Error={is_error}", e.name(), e.code()),
        Err(e) => format!("not a DOMException: {e:?}"),
    }
}

// ---------------------------------------------------------------------------
// gloo-net

#[wasm_bindgen_test]
async fn gloo_net_messages_state_and_closes_against_a_mock_route() {
    let guard = wsroute::install().expect("install");
    let route_log: Log = Rc::default();
    let r = route_log.clone();
    guard.route("wss://example.test/gloo", move |route| {
        push(
            &r,
            format!("handler {} {:?}", route.url(), route.protocols()),
        );
        route.send("welcome"); // before the page opened
        let reply = route.clone();
        let r2 = r.clone();
        route.on_message(move |m| {
            push(&r2, format!("route got {m:?}"));
            match m {
                wsroute::Message::Text(t) if t == "close please" => reply
                    .close_with(Some(4000), Some("done"))
                    .expect("a close code a server can send"),
                wsroute::Message::Text(t) => reply.send(format!("echo:{t}")),
                wsroute::Message::Binary(b) => reply.send(b.into_iter().rev().collect::<Vec<u8>>()),
            }
        });
        let r3 = r.clone();
        let closer = route.clone();
        route.on_close(move |code, reason| {
            push(&r3, format!("route on_close {code:?} {reason:?}"));
            closer
                .close_with(code, reason.as_deref())
                .expect("a close code a server can send");
        });
    });
    // Sent and received frames as an observer sees them (kept apart: how
    // they interleave depends on when the route answers).
    let (frames_sent, frames_received): (Log, Log) = Default::default();
    let (fs, fr) = (frames_sent.clone(), frames_received.clone());
    let _observing = wsroute::on_websocket(move |observer| {
        let (sent, received) = (fs.clone(), fr.clone());
        observer
            .on_frame_sent(move |m| push(&sent, format!("{m:?}")))
            .forget();
        observer
            .on_frame_received(move |m| push(&received, format!("{m:?}")))
            .forget();
    });

    // One session: both directions, Blob-backed binary sends, a route close.
    let mut log = Vec::new();
    let mut ws = WebSocket::open_with_protocol("wss://example.test/gloo", "chat").expect("open");
    log.push(format!("state {:?}", ws.state()));
    log.push(format!(
        "send {:?}",
        ws.send(Message::Text("hi".into())).await
    ));
    log.push(format!(
        "state {:?} protocol={:?} extensions={:?}",
        ws.state(),
        ws.protocol(),
        ws.extensions()
    ));
    log.push(format!(
        "send {:?}",
        ws.send(Message::Bytes(vec![1, 2, 3])).await
    ));
    log.push(format!(
        "send {:?}",
        ws.send(Message::Text("close please".into())).await
    ));
    log.extend(read_to_end(&mut ws).await);
    log.push(format!("state {:?}", ws.state()));
    drop(ws);

    // Another: the client closes with a code and reason (`close` consumes it).
    let mut ws = WebSocket::open("wss://example.test/gloo").expect("open");
    log.push(next_item(&mut ws).await);
    log.push(format!("close {:?}", ws.close(Some(3001), Some("bye"))));
    until(|| route_log.borrow().len() == 6).await;

    assert_eq!(
        (
            log,
            route_log.take(),
            frames_sent.take(),
            frames_received.take()
        ),
        (
            vec![
                "state Connecting".to_string(),
                "send Ok(())".into(),
                "state Open protocol=\"chat\" extensions=\"\"".into(),
                "send Ok(())".into(),
                "send Ok(())".into(),
                "Some(Ok(Text(\"welcome\")))".into(),
                "Some(Ok(Text(\"echo:hi\")))".into(),
                "Some(Ok(Bytes([3, 2, 1])))".into(),
                "Some(Err(ConnectionClose(CloseEvent { code: 4000, reason: \"done\", was_clean: true })))".into(),
                "None".into(),
                "state Closed".into(),
                "Some(Ok(Text(\"welcome\")))".into(),
                "close Ok(())".into(),
            ],
            vec![
                "handler wss://example.test/gloo [\"chat\"]".to_string(),
                "route got Text(\"hi\")".into(),
                "route got Binary([1, 2, 3])".into(),
                "route got Text(\"close please\")".into(),
                "handler wss://example.test/gloo []".into(),
                "route on_close Some(3001) Some(\"bye\")".into(),
            ],
            vec![
                "Text(\"hi\")".to_string(),
                "Binary([1, 2, 3])".into(),
                "Text(\"close please\")".into(),
            ],
            vec![
                "Text(\"welcome\")".to_string(),
                "Text(\"echo:hi\")".into(),
                "Binary([3, 2, 1])".into(),
                "Text(\"welcome\")".into(),
            ],
        )
    );
}

/// Text and binary both ways, then the client closes with a code and reason
/// (through a `web_sys` handle: gloo's own `close` consumes the stream).
async fn gloo_echo_session(url: &str) -> Vec<String> {
    let raw = web_sys::WebSocket::new_with_str(url, "chat").expect("construct");
    let mut ws = WebSocket::try_from(raw.clone()).expect("wrap");
    let mut log = vec![format!("state {:?}", ws.state())];
    log.push(format!(
        "send {:?}",
        ws.send(Message::Text("héllo".into())).await
    ));
    log.push(format!(
        "send {:?}",
        ws.send(Message::Bytes(vec![0, 1, 128, 255])).await
    ));
    log.push(format!(
        "state {:?} protocol={:?}",
        ws.state(),
        ws.protocol()
    ));
    log.push(next_item(&mut ws).await);
    log.push(next_item(&mut ws).await);
    // Messages longer than a 16-bit frame length, both kinds.
    let big_text = "é🎉".repeat(12_000);
    let big_bytes: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    for message in [
        Message::Text(big_text.clone()),
        Message::Bytes(big_bytes.clone()),
    ] {
        log.push(format!("send {:?}", ws.send(message).await));
    }
    for _ in 0..2 {
        log.push(match next_within(&mut ws).await {
            Some(Some(Ok(Message::Text(t)))) => {
                format!("big Text len={} same={}", t.len(), t == big_text)
            }
            Some(Some(Ok(Message::Bytes(b)))) => {
                format!("big Bytes len={} same={}", b.len(), b == big_bytes)
            }
            other => format!("not a big message: {other:?}"),
        });
    }
    raw.close_with_code_and_reason(4001, "bye").expect("close");
    log.push(format!("state {:?}", ws.state()));
    log.extend(read_to_end(&mut ws).await);
    log.push(format!("state {:?}", ws.state()));
    log
}

#[wasm_bindgen_test]
async fn gloo_net_echo_session_native_unrouted_connected_and_mocked() {
    let url = format!("{}/echo", echo_url());
    let mut logs = Vec::new();
    for mode in MODES {
        let scene = setup(mode, &url, mock_echo);
        let log = gloo_echo_session(&url).await;
        logs.push((mode, scene.finish(), log));
    }
    let expected: Vec<String> = [
        "state Connecting",
        "send Ok(())",
        "send Ok(())",
        "state Open protocol=\"chat\"",
        "Some(Ok(Text(\"héllo\")))",
        "Some(Ok(Bytes([0, 1, 128, 255])))",
        "send Ok(())",
        "send Ok(())",
        "big Text len=72000 same=true",
        "big Bytes len=70000 same=true",
        "state Closing",
        "Some(Err(ConnectionClose(CloseEvent { code: 4001, reason: \"bye\", was_clean: true })))",
        "None",
        "state Closed",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(
        logs,
        MODES.map(|m| (m, expected_scene(m, 1), expected.clone()))
    );
}

/// The server (or the route) closes right after the handshake.
async fn gloo_server_close_session(url: &str) -> Vec<String> {
    let mut ws = WebSocket::open(url).expect("open");
    let mut log = vec![format!("state {:?}", ws.state())];
    log.extend(read_to_end(&mut ws).await);
    log.push(format!("state {:?}", ws.state()));
    log
}

#[wasm_bindgen_test]
async fn gloo_net_sees_server_initiated_closes() {
    let with_code = format!("{}/close?code=1008&reason=oops", echo_url());
    let without_code = format!("{}/close", echo_url());
    let mut logs = Vec::new();
    for mode in MODES {
        let scene = setup(mode, &with_code, |route| {
            route
                .close_with(Some(1008), Some("oops"))
                .expect("a close code a server can send")
        });
        let first = gloo_server_close_session(&with_code).await;
        let first_scene = scene.finish();
        let scene = setup(mode, &without_code, |route| route.close());
        let second = gloo_server_close_session(&without_code).await;
        logs.push((mode, first_scene, first, scene.finish(), second));
    }
    let close = |event: &str| {
        [
            "state Connecting".to_string(),
            format!("Some(Err(ConnectionClose(CloseEvent {{ {event}, was_clean: true }})))"),
            "None".into(),
            "state Closed".into(),
        ]
        .to_vec()
    };
    assert_eq!(
        logs,
        MODES.map(|m| (
            m,
            expected_scene(m, 1),
            close("code: 1008, reason: \"oops\""),
            expected_scene(m, 1),
            close("code: 1005, reason: \"\"")
        ))
    );
}

/// A connection that never opens: the sink's `send` waits for the outcome.
async fn gloo_failed_session(url: &str) -> Vec<String> {
    let mut ws = WebSocket::open(url).expect("open");
    let mut log = vec![format!("state {:?}", ws.state())];
    // Native `send()` on a CLOSED socket does not throw; it counts the bytes.
    log.push(format!(
        "send {:?}",
        ws.send(Message::Text("early".into())).await
    ));
    log.push(format!(
        "state {:?} buffered={}",
        ws.state(),
        ws.buffered_amount()
    ));
    log.extend(read_to_end(&mut ws).await);
    log
}

#[wasm_bindgen_test]
async fn gloo_net_reports_refused_and_rejected_connections() {
    // `/reject` answers the handshake with 403; the mock refuses with 1006.
    let url = format!("{}/reject", echo_url());
    let mut logs = Vec::new();
    for mode in MODES {
        let scene = setup(mode, &url, |route| {
            route
                .close_with(Some(1006), None)
                .expect("a close code a server can send")
        });
        let log = gloo_failed_session(&url).await;
        logs.push((mode, scene.finish(), log));
    }
    let expected: Vec<String> = [
        "state Connecting",
        "send Ok(())",
        "state Closed buffered=5",
        "Some(Err(ConnectionError))",
        "Some(Err(ConnectionClose(CloseEvent { code: 1006, reason: \"\", was_clean: false })))",
        "None",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(
        logs,
        MODES.map(|m| (m, expected_scene(m, 1), expected.clone()))
    );
}

/// Everything a client can get wrong synchronously, as gloo-net's `JsError`
/// and `WebSocketError` and as web-sys `DOMException`s report it.
async fn error_session(url: &str) -> Vec<String> {
    let mut log = Vec::new();
    macro_rules! name {
        ($r:expr) => {
            match $r {
                Ok(_) => "opened".to_string(),
                Err(e) => format!("JsError {}", e.name),
            }
        };
    }
    log.push(format!(
        "gloo open #frag: {}",
        name!(WebSocket::open("ws://x/#frag"))
    ));
    log.push(format!(
        "gloo open protocol 'a b': {}",
        name!(WebSocket::open_with_protocol(url, "a b"))
    ));

    let mut ws = WebSocket::open(url).expect("open");
    log.push(match ws.start_send_unpin(Message::Text("early".into())) {
        Err(WebSocketError::MessageSendError(e)) => {
            format!("gloo send while connecting: {}", e.name)
        }
        other => format!("gloo send while connecting: {other:?}"),
    });
    log.push(format!("gloo state {:?}", ws.state()));
    let long_reason = "é".repeat(62); // 124 bytes
    for (code, reason) in [
        (Some(1001), None),
        (None, Some("why")),
        (Some(3000), Some(long_reason.as_str())),
    ] {
        let ws = WebSocket::open(url).expect("open");
        log.push(match ws.close(code, reason) {
            Ok(()) => format!("gloo close({code:?}, {:?}): Ok", reason.map(|r| r.len())),
            Err(e) => format!(
                "gloo close({code:?}, {:?}): {}",
                reason.map(|r| r.len()),
                e.name
            ),
        });
    }

    log.push(format!(
        "web_sys new #frag: {}",
        dom_exception(web_sys::WebSocket::new("ws://x/#frag").expect_err("fragment"))
    ));
    log.push(format!(
        "web_sys new ftp: {}",
        dom_exception(web_sys::WebSocket::new("ftp://x/").expect_err("scheme"))
    ));
    let raw = web_sys::WebSocket::new(url).expect("construct");
    log.push(format!(
        "web_sys send while connecting: {}",
        dom_exception(raw.send_with_str("early").expect_err("connecting"))
    ));
    log.push(format!(
        "web_sys send bytes while connecting: {}",
        dom_exception(raw.send_with_u8_array(&[1, 2]).expect_err("connecting"))
    ));
    log.push(format!(
        "web_sys close(1001): {}",
        dom_exception(raw.close_with_code(1001).expect_err("reserved code"))
    ));
    log.push(format!(
        "web_sys close(3000, 124 bytes): {}",
        dom_exception(
            raw.close_with_code_and_reason(3000, &"é".repeat(62))
                .expect_err("long reason")
        )
    ));
    log.push(format!("web_sys ready_state {}", raw.ready_state()));
    raw.close().expect("close while connecting");
    log.push(format!(
        "web_sys ready_state after close() {}",
        raw.ready_state()
    ));

    // The first socket is still usable once it opened. (Waiting also lets the
    // route handlers of the five valid sockets run, so the scene counts them.)
    log.push(format!(
        "gloo send after open: {:?}",
        ws.send(Message::Text("late".into())).await
    ));
    log.push(format!("gloo state {:?}", ws.state()));
    log
}

#[wasm_bindgen_test]
async fn gloo_net_and_web_sys_report_dom_exceptions() {
    let url = format!("{}/echo", echo_url());
    let mut logs = Vec::new();
    for mode in MODES {
        let scene = setup(mode, &url, |_| {});
        let log = error_session(&url).await;
        logs.push((mode, scene.finish(), log));
    }
    let expected: Vec<String> = [
        "gloo open #frag: JsError SyntaxError",
        "gloo open protocol 'a b': JsError SyntaxError",
        "gloo send while connecting: InvalidStateError",
        "gloo state Connecting",
        "gloo close(Some(1001), None): InvalidAccessError",
        "gloo close(None, Some(3)): InvalidAccessError",
        "gloo close(Some(3000), Some(124)): SyntaxError",
        "web_sys new #frag: SyntaxError 12 instanceof Error=true",
        "web_sys new ftp: SyntaxError 12 instanceof Error=true",
        "web_sys send while connecting: InvalidStateError 11 instanceof Error=true",
        "web_sys send bytes while connecting: InvalidStateError 11 instanceof Error=true",
        "web_sys close(1001): InvalidAccessError 15 instanceof Error=true",
        "web_sys close(3000, 124 bytes): SyntaxError 12 instanceof Error=true",
        "web_sys ready_state 0",
        "web_sys ready_state after close() 2",
        "gloo send after open: Ok(())",
        "gloo state Open",
    ]
    .map(String::from)
    .to_vec();
    assert_eq!(
        logs,
        MODES.map(|m| (m, expected_scene(m, 5), expected.clone()))
    );
}

// ---------------------------------------------------------------------------
// web_sys::WebSocket

/// Text and every binary flavour both ways, received as `binary_type`; the
/// client closes with a code and reason once everything came back.
async fn web_sys_echo_session(url: &str, binary_type: BinaryType) -> Vec<String> {
    let ws = web_sys::WebSocket::new_with_str(url, "chat").expect("construct");
    ws.set_binary_type(binary_type);
    let log: Log = Rc::default();
    push(&log, format!("binaryType {:?}", ws.binary_type()));
    let blobs = Rc::default();
    let closed = record(&ws, &log, &blobs);

    let sender = ws.clone();
    let l = log.clone();
    let on_open = Closure::once_into_js(move || {
        sender.send_with_str("héllo 🎉").expect("send text");
        // A subarray of wasm memory, overwritten right after the call.
        let mut scratch = [0u8, 1, 2, 3, 4];
        sender
            .send_with_u8_array(&scratch[1..4])
            .expect("send bytes");
        scratch.fill(9);
        let blob = Blob::new_with_u8_array_sequence(&js_sys::Array::of1(
            &js_sys::Uint8Array::from(&[5u8, 6][..]),
        ))
        .expect("blob");
        sender.send_with_blob(&blob).expect("send blob");
        let buffer = js_sys::Uint8Array::from(&[7u8][..]).buffer();
        sender
            .send_with_array_buffer(&buffer)
            .expect("send arraybuffer");
        sender.send_with_str("last").expect("send text");
        push(
            &l,
            format!(
                "sent all: protocol={:?} buffered={}",
                sender.protocol(),
                sender.buffered_amount()
            ),
        );
    });
    ws.add_event_listener_with_callback("open", on_open.unchecked_ref())
        .expect("listener");
    let closer = ws.clone();
    let mut received = 0;
    let on_message = Closure::<dyn FnMut()>::new(move || {
        received += 1;
        if received == 5 {
            closer
                .close_with_code_and_reason(4001, "bye")
                .expect("close");
        }
    });
    ws.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref())
        .expect("listener");
    on_message.forget();

    settled(closed, &log).await;
    push(
        &log,
        format!(
            "readyState={} buffered={}",
            ws.ready_state(),
            ws.buffered_amount()
        ),
    );
    let blobs: Vec<Blob> = blobs.take();
    if !blobs.is_empty() {
        let mut contents = Vec::new();
        for blob in &blobs {
            contents.push(blob_bytes(blob).await);
        }
        push(&log, format!("blob contents {contents:?}"));
    }
    log.take()
}

#[wasm_bindgen_test]
async fn web_sys_echo_session_with_blob_and_arraybuffer() {
    let url = format!("{}/echo", echo_url());
    let mut logs = Vec::new();
    for mode in MODES {
        let scene = setup(mode, &url, mock_echo);
        let blob = web_sys_echo_session(&url, BinaryType::Blob).await;
        let arraybuffer = web_sys_echo_session(&url, BinaryType::Arraybuffer).await;
        logs.push((mode, scene.finish(), blob, arraybuffer));
    }
    let session = |binary_type: &str, binary: [&str; 3], tail: &[&str]| {
        let mut log: Vec<String> = vec![
            format!("binaryType {binary_type}"),
            "open".into(),
            "sent all: protocol=\"chat\" buffered=21".into(),
            "message text \"héllo 🎉\"".into(),
        ];
        log.extend(binary.map(String::from));
        log.extend(
            [
                "message text \"last\"",
                "close 4001 \"bye\" clean=true",
                "readyState=3 buffered=0",
            ]
            .map(String::from),
        );
        log.extend(tail.iter().map(|s| s.to_string()));
        log
    };
    let blob = session(
        "Blob",
        [
            "message blob size=3 type=\"\"",
            "message blob size=2 type=\"\"",
            "message blob size=1 type=\"\"",
        ],
        &["blob contents [[1, 2, 3], [5, 6], [7]]"],
    );
    let arraybuffer = session(
        "Arraybuffer",
        [
            "message arraybuffer [1, 2, 3]",
            "message arraybuffer [5, 6]",
            "message arraybuffer [7]",
        ],
        &[],
    );
    assert_eq!(
        logs,
        MODES.map(|m| (m, expected_scene(m, 2), blob.clone(), arraybuffer.clone()))
    );
}

async fn web_sys_passive_session(url: &str) -> Vec<String> {
    let ws = web_sys::WebSocket::new(url).expect("construct");
    let log: Log = Rc::default();
    let closed = record(&ws, &log, &Rc::default());
    settled(closed, &log).await;
    push(&log, format!("readyState={}", ws.ready_state()));
    log.take()
}

#[wasm_bindgen_test]
async fn web_sys_sees_server_closes_and_refusals() {
    let with_code = format!("{}/close?code=1008&reason=oops", echo_url());
    let without_code = format!("{}/close", echo_url());
    let reject = format!("{}/reject", echo_url());
    let mut logs = Vec::new();
    for mode in MODES {
        let mut log = Vec::new();
        let scene = setup(mode, &with_code, |route| {
            route
                .close_with(Some(1008), Some("oops"))
                .expect("a close code a server can send")
        });
        log.extend(web_sys_passive_session(&with_code).await);
        log.push(scene.finish());
        let scene = setup(mode, &without_code, |route| route.close());
        log.extend(web_sys_passive_session(&without_code).await);
        log.push(scene.finish());
        let scene = setup(mode, &reject, |route| {
            route
                .close_with(Some(1006), None)
                .expect("a close code a server can send")
        });
        log.extend(web_sys_passive_session(&reject).await);
        log.push(scene.finish());
        logs.push((mode, log));
    }
    let expected = |mode| {
        let scene = expected_scene(mode, 1);
        [
            "open",
            "close 1008 \"oops\" clean=true",
            "readyState=3",
            &scene,
            "open",
            "close 1005 \"\" clean=true",
            "readyState=3",
            &scene,
            "error",
            "close 1006 \"\" clean=false",
            "readyState=3",
            &scene,
        ]
        .map(String::from)
        .to_vec()
    };
    assert_eq!(logs, MODES.map(|m| (m, expected(m))));
}
