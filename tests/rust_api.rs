//! The Rust API (`wsroute::install`, `Installed::route`, `WebSocketRoute`)
//! driving a `web_sys::WebSocket` client, as a wasm-bindgen-test user would.

#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::{echo_url, global_websocket};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};
use wsroute::{Message, RouteError};

wasm_bindgen_test_configure!(run_in_browser);

type Log = Rc<RefCell<Vec<String>>>;

/// Attaches listeners that log every event; resolves when `close` fired.
fn record(ws: &WebSocket, log: &Log) -> js_sys::Promise {
    let l = log.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || l.borrow_mut().push("open".into()));
    let l = log.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let data = e.data();
        let entry = match data.as_string() {
            Some(s) => format!("message text:{s}"),
            None => format!(
                "message binary:{:?}",
                js_sys::Uint8Array::new(&data).to_vec()
            ),
        };
        l.borrow_mut().push(entry);
    });
    let l = log.clone();
    let on_error = Closure::<dyn FnMut()>::new(move || l.borrow_mut().push("error".into()));
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_open.forget();
    on_message.forget();
    on_error.forget();
    let l = log.clone();
    js_sys::Promise::new(&mut |resolve, _| {
        let l = l.clone();
        let on_close = Closure::once_into_js(move |e: CloseEvent| {
            l.borrow_mut().push(format!(
                "close {} {:?} clean={}",
                e.code(),
                e.reason(),
                e.was_clean()
            ));
            let _ = resolve.call0(&JsValue::NULL);
        });
        ws.set_onclose(Some(on_close.unchecked_ref()));
    })
}

async fn closed(p: js_sys::Promise) {
    JsFuture::from(p).await.expect("close promise");
}

#[wasm_bindgen_test]
async fn rust_route_mocks_a_server_for_web_sys_websocket() {
    let guard = wsroute::install().expect("install");
    let seen: Log = Rc::default();
    let s = seen.clone();
    guard.route("wss://example.test/rust", move |route| {
        s.borrow_mut()
            .push(format!("handler {} {:?}", route.url(), route.protocols()));
        let reply = route.clone();
        let s = s.clone();
        route.on_message(move |m| {
            s.borrow_mut().push(format!("route got {m:?}"));
            match m {
                Message::Text(t) if t == "bye" => reply
                    .close_with(Some(4000), Some("done"))
                    .expect("a close code a server can send"),
                Message::Text(t) => reply.send(t.to_uppercase()),
                Message::Binary(b) => reply.send(b.iter().rev().copied().collect::<Vec<u8>>()),
            }
        });
    });

    let ws = WebSocket::new_with_str("wss://example.test/rust", "chat").expect("construct");
    ws.set_binary_type(BinaryType::Arraybuffer);
    let log: Log = Rc::default();
    let done = record(&ws, &log);
    let sender = ws.clone();
    let on_open = Closure::once_into_js(move || {
        sender.send_with_str("ping").expect("send text");
        // A subarray of wasm memory, reused right after the call.
        let mut scratch = [0u8, 1, 2, 3, 4];
        sender
            .send_with_u8_array(&scratch[1..4])
            .expect("send bytes");
        scratch.fill(9);
        sender.send_with_str("bye").expect("send bye");
    });
    ws.add_event_listener_with_callback("open", on_open.unchecked_ref())
        .expect("listener");
    closed(done).await;

    assert_eq!(ws.protocol(), "chat");
    assert_eq!(
        *seen.borrow(),
        [
            "handler wss://example.test/rust [\"chat\"]",
            "route got Text(\"ping\")",
            "route got Binary([1, 2, 3])",
            "route got Text(\"bye\")",
        ]
    );
    assert_eq!(
        *log.borrow(),
        [
            "open",
            "message text:PING",
            "message binary:[3, 2, 1]",
            "close 4000 \"done\" clean=true",
        ]
    );
}

#[wasm_bindgen_test]
async fn rust_route_intercepts_a_real_server() {
    let guard = wsroute::install().expect("install");
    let url = format!("{}/echo", echo_url());
    let errors: Log = Rc::default();
    let e = errors.clone();
    guard.route(url.as_str(), move |route| {
        let server = route.connect_to_server().expect("connect");
        e.borrow_mut().push(match route.connect_to_server() {
            Err(err @ RouteError::AlreadyConnected) => err.to_string(),
            other => format!("unexpected {:?}", other.map(|_| ())),
        });
        e.borrow_mut().push(match server.connect_to_server() {
            Err(err @ RouteError::NotPageSide) => err.to_string(),
            other => format!("unexpected {:?}", other.map(|_| ())),
        });
        let to_page = route.clone();
        server.on_message(move |m| {
            if let Message::Text(t) = m {
                to_page.send(format!("{t} (seen by the route)"));
            }
        });
    });

    let ws = WebSocket::new(&url).expect("construct");
    let log: Log = Rc::default();
    let done = record(&ws, &log);
    let sender = ws.clone();
    let on_message_count = Rc::new(RefCell::new(0));
    let on_open = Closure::once_into_js(move || {
        sender.send_with_str("hello").expect("send");
    });
    ws.add_event_listener_with_callback("open", on_open.unchecked_ref())
        .expect("listener");
    let closer = ws.clone();
    let count = on_message_count.clone();
    let on_message = Closure::<dyn FnMut()>::new(move || {
        *count.borrow_mut() += 1;
        closer
            .close_with_code_and_reason(3001, "enough")
            .expect("close");
    });
    ws.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref())
        .expect("listener");
    on_message.forget();
    closed(done).await;

    assert_eq!(
        *errors.borrow(),
        [
            "Already connected to the server",
            "connectToServer must be called on the page-side WebSocketRoute"
        ]
    );
    assert_eq!(
        *log.borrow(),
        [
            "open",
            "message text:hello (seen by the route)",
            "close 3001 \"enough\" clean=true"
        ]
    );
}

/// Opens `url`, closes it at its first message; the page's event log.
async fn first_message_of(url: &str) -> Vec<String> {
    let ws = WebSocket::new(url).expect("construct");
    let log: Log = Rc::default();
    let done = record(&ws, &log);
    let closer = ws.clone();
    let on_message = Closure::once_into_js(move || closer.close().expect("close"));
    ws.add_event_listener_with_callback("message", on_message.unchecked_ref())
        .expect("listener");
    closed(done).await;
    log.take()
}

#[wasm_bindgen_test]
async fn dropping_the_guard_removes_routes_and_restores_native() {
    let native = global_websocket();
    {
        let guard = wsroute::install().expect("install");
        guard.route("wss://example.test/guarded", |route| route.send("mocked"));
        assert_ne!(global_websocket(), native);
        assert_eq!(
            first_message_of("wss://example.test/guarded").await,
            ["open", "message text:mocked", "close 1005 \"\" clean=true"]
        );
    }
    assert_eq!(global_websocket(), native, "native WebSocket restored");

    // With the guard gone the same URL is a real (failing) connection again.
    let guard = wsroute::install().expect("install");
    let ws = WebSocket::new("wss://example.test/guarded").expect("construct");
    let log: Log = Rc::default();
    closed(record(&ws, &log)).await;
    assert_eq!(*log.borrow(), ["error", "close 1006 \"\" clean=false"]);
    drop(guard);
}

#[wasm_bindgen_test]
async fn guards_nest_an_inner_drop_keeps_the_outer_routes_and_the_shim() {
    let native = global_websocket();
    let outer = wsroute::install().expect("install");
    outer.route("wss://example.test/outer", |route| route.send("outer"));
    {
        let inner = wsroute::install().expect("install");
        inner.route("wss://example.test/inner", |route| route.send("inner"));
        assert_eq!(
            first_message_of("wss://example.test/inner").await,
            ["open", "message text:inner", "close 1005 \"\" clean=true"]
        );
    }
    // The inner guard took only its own route with it.
    assert_ne!(global_websocket(), native, "still installed");
    assert_eq!(
        first_message_of("wss://example.test/outer").await,
        ["open", "message text:outer", "close 1005 \"\" clean=true"]
    );
    assert_eq!(
        first_message_of("wss://example.test/inner").await,
        ["error", "close 1006 \"\" clean=false"]
    );
    drop(outer);
    assert_eq!(global_websocket(), native, "the last guard restores native");
}

#[wasm_bindgen_test]
async fn dom_exceptions_have_the_names_and_codes_rust_clients_inspect() {
    let guard = wsroute::install().expect("install");
    guard.route("wss://example.test/errors", |_| {});
    let err = WebSocket::new("wss://example.test/errors#frag").expect_err("fragment");
    let err: web_sys::DomException = err.dyn_into().expect("a DOMException");
    assert_eq!((err.name(), err.code()), ("SyntaxError".to_string(), 12));

    let ws = WebSocket::new("wss://example.test/errors").expect("construct");
    let err: web_sys::DomException = ws
        .send_with_str("early")
        .expect_err("connecting")
        .dyn_into()
        .expect("DOMException");
    assert_eq!(
        (err.name(), err.code()),
        ("InvalidStateError".to_string(), 11)
    );
    let err: web_sys::DomException = ws
        .close_with_code(1001)
        .expect_err("bad code")
        .dyn_into()
        .expect("DOMException");
    assert_eq!(
        (err.name(), err.code()),
        ("InvalidAccessError".to_string(), 15)
    );
    ws.close().expect("close while connecting");
    assert_eq!(ws.ready_state(), WebSocket::CLOSING);
}

#[wasm_bindgen_test]
async fn route_side_waits_see_what_each_side_sends() -> Result<(), wsroute::WaitError> {
    use std::time::Duration;
    use wsroute::WaitError;

    let guard = wsroute::install().expect("install");
    let url = format!("{}/echo?route-waits", echo_url());
    let routes: Rc<RefCell<Vec<WebSocketRouteHandle>>> = Rc::default();
    let r = routes.clone();
    guard.route(url.as_str(), move |route| {
        let server = route.connect_to_server().expect("connect");
        r.borrow_mut().push(WebSocketRouteHandle(route, server));
    });
    let ws = WebSocket::new(&url).expect("construct");
    let log: Log = Rc::default();
    let done = record(&ws, &log);
    let opened = js_sys::Promise::new(&mut |resolve, _| {
        ws.add_event_listener_with_callback("open", &resolve)
            .expect("listener");
    });
    JsFuture::from(opened).await.expect("open");
    let WebSocketRouteHandle(page_side, server_side) =
        routes.borrow_mut().pop().expect("handler ran");

    // Set up before the page acts: nothing can be missed.
    let from_page = page_side.wait_for_message(|m| m.text() == Some("two"));
    let from_server = server_side.wait_for_message(|m| m.text() == Some("two"));
    ws.send_with_str("one").expect("send");
    ws.send_with_str("two").expect("send");
    assert_eq!(from_page.await?, Message::from("two"));
    assert_eq!(from_server.await?, Message::from("two"));

    let nothing = page_side
        .wait_for_message(|_| true)
        .timeout(Duration::from_millis(20))
        .await;
    assert!(matches!(
        nothing,
        Err(WaitError::Timeout {
            event: "message",
            ..
        })
    ));

    let pending = page_side.wait_for_message(|_| true);
    ws.close().expect("close");
    assert_eq!(pending.await, Err(WaitError::Closed));
    JsFuture::from(done).await.expect("closed");
    assert_eq!(
        page_side.wait_for_message(|_| true).await,
        Err(WaitError::Closed),
        "a wait on a closed side fails at once"
    );
    drop(guard);
    Ok(())
}

/// The page side and the server side of one routed socket.
struct WebSocketRouteHandle(wsroute::WebSocketRoute, wsroute::WebSocketRoute);

/// A page session on `url`: text, bytes, then "bye" (the mock closes).
#[cfg(feature = "har")]
async fn session(url: &str) -> Vec<String> {
    let ws = WebSocket::new_with_str(url, "chat").expect("construct");
    ws.set_binary_type(BinaryType::Arraybuffer);
    let log: Log = Rc::default();
    let done = record(&ws, &log);
    let sender = ws.clone();
    let on_open = Closure::once_into_js(move || {
        sender.send_with_str("ping").expect("send text");
        sender.send_with_u8_array(&[1, 2, 3]).expect("send bytes");
        sender.send_with_str("bye").expect("send bye");
    });
    ws.add_event_listener_with_callback("open", on_open.unchecked_ref())
        .expect("listener");
    closed(done).await;
    log.take()
}

#[cfg(feature = "har")]
#[wasm_bindgen_test]
async fn rust_records_a_har_and_replays_it_with_the_same_log() {
    let url = "wss://example.test/recorded";
    let guard = wsroute::install().expect("install");
    guard.route(url, |route| {
        let reply = route.clone();
        route.on_message(move |m| match m {
            Message::Text(t) if t == "bye" => {
                let _ = reply.close_with(Some(4000), Some("done"));
            }
            Message::Text(t) => reply.send(t.to_uppercase()),
            Message::Binary(b) => reply.send(b.iter().rev().copied().collect::<Vec<u8>>()),
        });
    });
    let recorder = guard.record_har(Some("wss://example.test/**".into()));
    let live = session(url).await;
    let har = recorder.stop();
    drop(guard);

    let entry = &har.log.entries[0];
    assert_eq!(har.log.entries.len(), 1);
    assert_eq!(entry.request.url, url);
    let frames: Vec<String> = entry
        .web_socket_messages
        .iter()
        .flatten()
        .map(|m| format!("{} {} {}", m.kind, m.opcode, m.data))
        .collect();
    assert_eq!(
        frames,
        [
            "send 1 ping",
            "send 2 AQID",
            "send 1 bye",
            "receive 1 PING",
            "receive 2 AwIB",
        ]
    );
    let close = entry
        .web_socket_close
        .clone()
        .expect("the close is recorded");
    assert_eq!(
        (close.code, close.reason.as_str(), close.by_page),
        (4000, "done", false)
    );

    // Through JSON and back, as a file would go.
    let text = serde_json::to_string(&har).expect("serialize");
    let loaded: wsroute::Har = serde_json::from_str(&text).expect("deserialize");
    assert_eq!(loaded, har);

    let guard = wsroute::install().expect("install");
    guard
        .route_from_har(&loaded, wsroute::HarOptions::default())
        .expect("a readable log");
    assert_eq!(session(url).await, live);

    let mut broken = loaded.clone();
    if let Some(m) = broken.log.entries[0]
        .web_socket_messages
        .as_mut()
        .and_then(|m| m.get_mut(1))
    {
        m.data = "%%".into();
    }
    let e = guard
        .route_from_har(&broken, wsroute::HarOptions::default())
        .expect_err("bad base64");
    assert_eq!(e.path(), "entries[0]._webSocketMessages[1].data");
    assert_eq!(e.problem(), "not base64 (opcode 2)");
    drop(guard);
}
