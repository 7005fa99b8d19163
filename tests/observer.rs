//! Observing sockets (Playwright's `WebSocket` class): through the JS API and
//! through the Rust API (`on_websocket`, `wait_for_*` futures).

#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use common::{echo_url, run_scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wsroute::{Message, WaitError};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/observer.js")]
extern "C" {
    #[wasm_bindgen(js_name = everySocketIsObserved)]
    fn every_socket_is_observed(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = waitForEventResolvesAndRejects)]
    fn wait_for_event_resolves_and_rejects(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = listenerErrorsDoNotBreakTheSocket)]
    fn listener_errors_do_not_break_the_socket(api: &JsValue, echo: &str) -> js_sys::Promise;
}

// Referencing the shared helpers makes wasm-bindgen ship them beside observer.js.
#[wasm_bindgen(module = "/tests/js/harness.js")]
extern "C" {
    #[allow(dead_code)]
    fn hex(bytes: &JsValue) -> String;
}

#[wasm_bindgen_test]
async fn every_socket_is_observed_in_order() {
    assert_eq!(
        run_scenario(every_socket_is_observed).await,
        [
            "websocket wss://example.test/mock closed=false",
            "  sent text:\"hello\", binary:0203 true, binary:626c6f62 true, text:\"after blob\"",
            "  received text:\"HELLO\", binary:0203 true, binary:626c6f62 true, text:\"AFTER BLOB\"",
            "  replies observed after their sends: true",
            "  close same=true closed=true",
            "  page: open, HELLO, 0203, 626c6f62, AFTER BLOB, close 3000",
            "websocket ECHO/echo?routed closed=false",
            "  sent text:\"hello\", binary:0203 true, binary:626c6f62 true, text:\"after blob\"",
            "  received text:\"hello\", binary:0203 true, binary:626c6f62 true, text:\"after blob\"",
            "  replies observed after their sends: true",
            "  close same=true closed=true",
            "  page: open, hello, 0203, 626c6f62, after blob, close 3000",
            "websocket ECHO/echo?direct closed=false",
            "  sent text:\"hello\", binary:0203 true, binary:626c6f62 true, text:\"after blob\"",
            "  received text:\"hello\", binary:0203 true, binary:626c6f62 true, text:\"after blob\"",
            "  replies observed after their sends: true",
            "  close same=true closed=true",
            "  page: open, hello, 0203, 626c6f62, after blob, close 3000",
            "websocket ECHO/reject closed=false",
            "  socketerror string",
            "  sent ",
            "  received ",
            "  replies observed after their sends: true",
            "  close same=true closed=true",
            "  page: error, close 1006",
            "websocket wss://example.test/throws closed=false",
            "  socketerror string",
            "  sent ",
            "  received ",
            "  replies observed after their sends: true",
            "  close same=true closed=true",
            "  page: error, close 1006",
            "after off: 0 entries",
        ]
    );
}

#[wasm_bindgen_test]
async fn wait_for_event_resolves_rejects_and_times_out() {
    assert_eq!(
        run_scenario(wait_for_event_resolves_and_rejects).await,
        [
            "got observer wss://example.test/wait",
            "framesent -> text:\"two\"",
            "framereceived -> text:\"re:two\"",
            "timeout -> TimeoutError: Timeout 50ms exceeded while waiting for event \"framereceived\" (waited >= 50ms: true)",
            "closed first -> Socket closed",
            "close -> same observer: true, isClosed=true",
            "error first -> Socket error",
            "socketerror -> the route dropped the connection (close 1006)",
            "bad event -> TypeError",
            "no socket -> TimeoutError: Timeout 30ms exceeded while waiting for event \"websocket\"",
        ]
    );
}

#[wasm_bindgen_test]
async fn throwing_listeners_do_not_break_sockets() {
    assert_eq!(
        run_scenario(listener_errors_do_not_break_the_socket).await,
        ["echo still works"]
    );
}

fn new_socket(url: &str) -> web_sys::WebSocket {
    web_sys::WebSocket::new(url).expect("construct")
}

#[wasm_bindgen_test]
async fn rust_waits_read_naturally() -> Result<(), WaitError> {
    let guard = wsroute::install().expect("install");
    guard.route("wss://example.test/rust-wait", |route| {
        let reply = route.clone();
        route.on_message(move |m| {
            if m.text() == Some("ping") {
                reply.send("pong");
            }
        });
    });
    let next = wsroute::wait_for_websocket(|ws| ws.url().ends_with("/rust-wait"));
    let page = new_socket("wss://example.test/rust-wait");
    let ws = next.await?;
    let sent = ws.wait_for_frame_sent(|m| m.text() == Some("ping"));
    let received = ws.wait_for_frame_received(|m| m.text() == Some("pong"));
    let opened = js_sys::Promise::new(&mut |resolve, _| page.set_onopen(Some(&resolve)));
    wasm_bindgen_futures::JsFuture::from(opened)
        .await
        .expect("open");
    page.send_with_str("ping").expect("send");
    assert_eq!(sent.await?, Message::from("ping"));
    assert_eq!(received.await?, Message::from("pong"));

    let timeout = ws
        .wait_for_frame_received(|_| true)
        .timeout(Duration::from_millis(20))
        .await;
    assert_eq!(
        timeout,
        Err(WaitError::Timeout {
            event: "framereceived",
            after: Duration::from_millis(20)
        })
    );
    assert_eq!(
        timeout.unwrap_err().to_string(),
        "Timeout 20ms exceeded while waiting for event \"framereceived\""
    );

    let never = ws.wait_for_frame_received(|_| true);
    let closed = ws.wait_for_close();
    page.close().expect("close");
    assert_eq!(never.await, Err(WaitError::Closed));
    closed.await?;
    assert!(ws.is_closed());
    Ok(())
}

#[wasm_bindgen_test]
async fn rust_listeners_see_passthrough_traffic_and_unregister_on_drop() {
    let guard = wsroute::install().expect("install");
    let log = Rc::new(RefCell::new(Vec::<String>::new()));
    let l = log.clone();
    let watch = wsroute::on_websocket(move |ws| {
        l.borrow_mut().push(format!("socket {}", ws.url()));
        let (a, b, c) = (l.clone(), l.clone(), l.clone());
        ws.on_frame_sent(move |m| a.borrow_mut().push(format!("sent {m:?}")))
            .forget();
        ws.on_frame_received(move |m| b.borrow_mut().push(format!("received {m:?}")))
            .forget();
        ws.on_close(move || c.borrow_mut().push("close".into()))
            .forget();
    });
    let page = new_socket(&format!("{}/echo", echo_url()));
    page.set_binary_type(web_sys::BinaryType::Arraybuffer);
    let ws = wsroute::wait_for_websocket(|_| true);
    drop(ws); // an abandoned wait is harmless
    let done = js_sys::Promise::new(&mut |resolve, _| page.set_onclose(Some(&resolve)));
    let sender = page.clone();
    let on_open = Closure::once_into_js(move || {
        sender.send_with_str("a").expect("send");
        sender.send_with_u8_array(&[7, 8]).expect("send");
    });
    page.set_onopen(Some(on_open.unchecked_ref()));
    let closer = page.clone();
    let count = Rc::new(RefCell::new(0));
    let on_message = Closure::<dyn FnMut()>::new(move || {
        *count.borrow_mut() += 1;
        if *count.borrow() == 2 {
            closer.close().expect("close");
        }
    });
    page.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    wasm_bindgen_futures::JsFuture::from(done)
        .await
        .expect("closed");
    drop(on_message);
    drop(watch);
    // Unregistered: a new socket is reported to nobody.
    let _unobserved = new_socket("wss://example.test/unobserved");
    assert_eq!(
        *log.borrow(),
        [
            format!("socket {}/echo", echo_url()).as_str(),
            "sent Text(\"a\")",
            "sent Binary([7, 8])",
            "received Text(\"a\")",
            "received Binary([7, 8])",
            "close"
        ]
    );
    drop(guard);
}
