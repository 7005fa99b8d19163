//! What a page sees when a Rust route handler panics. A panic in wasm aborts
//! the call it happens in (wsroute builds with `panic = "abort"`; the wasm
//! traps); it does not poison the module. So the socket whose handler
//! panicked never opens, later sockets of that route fail as a failing
//! handler's do (the handler is still marked running), and every other
//! socket, route and observer keeps working. This file is its own test
//! binary (its own page), so the panic cannot reach other tests.

#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use common::echo_url;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Records a socket's events as text.
fn record(ws: &web_sys::WebSocket, log: &Rc<RefCell<Vec<String>>>, label: &str) {
    for kind in ["open", "message", "error", "close"] {
        let (log, label, socket) = (log.clone(), label.to_owned(), ws.clone());
        let f = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let what = match kind {
                "message" => format!(
                    "message {}",
                    js_sys::Reflect::get(&e, &"data".into())
                        .ok()
                        .and_then(|d| d.as_string())
                        .unwrap_or_default()
                ),
                "close" => format!("close {}", e.unchecked_ref::<web_sys::CloseEvent>().code()),
                other => other.to_owned(),
            };
            log.borrow_mut()
                .push(format!("{label} {what} rs={}", socket.ready_state()));
        });
        ws.add_event_listener_with_callback(kind, f.as_ref().unchecked_ref())
            .expect("listen");
        f.forget();
    }
}

async fn settle(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout: js_sys::Function =
            js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into())
                .expect("setTimeout")
                .unchecked_into();
        set_timeout
            .call2(&JsValue::UNDEFINED, &resolve, &ms.into())
            .expect("setTimeout");
    });
    JsFuture::from(wait).await.expect("timer");
}

#[wasm_bindgen_test]
async fn a_panicking_rust_handler_breaks_its_socket_only() {
    let guard = wsroute::install().expect("install");
    guard.route("wss://example.test/panics", |_ws| {
        panic!("a bug in the test's route handler");
    });
    guard.route("wss://example.test/echo", |ws| {
        let reply = ws.clone();
        ws.on_message(move |m| reply.send(m));
    });
    let log = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::new(RefCell::new(0));
    let counter = seen.clone();
    let _watch = wsroute::on_websocket(move |_| *counter.borrow_mut() += 1);

    let first = web_sys::WebSocket::new("wss://example.test/panics").expect("construct");
    record(&first, &log, "panicked");
    settle(100).await;
    let second = web_sys::WebSocket::new("wss://example.test/panics").expect("construct");
    record(&second, &log, "again");
    let echo = web_sys::WebSocket::new("wss://example.test/echo").expect("construct");
    record(&echo, &log, "mock");
    let sender = echo.clone();
    let on_open = Closure::once_into_js(move || sender.send_with_str("still works").expect("send"));
    echo.set_onopen(Some(on_open.unchecked_ref()));
    let real = web_sys::WebSocket::new(&format!("{}/echo", echo_url())).expect("construct");
    record(&real, &log, "pass-through");
    let closer = real.clone();
    let on_real_open = Closure::once_into_js(move || closer.close().expect("close"));
    real.set_onopen(Some(on_real_open.unchecked_ref()));
    settle(500).await;

    // Each socket's own events, in order (sockets run independently).
    let of = |label: &str| -> Vec<String> {
        log.borrow()
            .iter()
            .filter(|l| l.starts_with(label))
            .cloned()
            .collect()
    };
    assert_eq!(of("panicked"), Vec::<String>::new(), "it never opens");
    assert_eq!(of("again"), ["again error rs=3", "again close 1006 rs=3"]);
    assert_eq!(
        of("mock"),
        ["mock open rs=1", "mock message still works rs=1"]
    );
    assert_eq!(
        of("pass-through"),
        ["pass-through open rs=1", "pass-through close 1005 rs=3"]
    );
    assert_eq!(first.ready_state(), web_sys::WebSocket::CONNECTING);
    assert_eq!(*seen.borrow(), 4, "the observer still hears every socket");
    drop(guard);
}
