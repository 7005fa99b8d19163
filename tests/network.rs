//! Network conditions (`setNetworkConditions`, `setOffline`, and the Rust
//! `NetworkConditions`) on every kind of socket, measured by the page: a
//! round trip takes at least twice the latency, `bufferedAmount` drains at
//! about the throughput, offline fails open and connecting sockets and keeps
//! new ones from opening, conditions scope by URL and `null` removes them,
//! bad values throw a `TypeError` naming the field. Bounds are wide: the
//! exact timing is proven on the host (`src/sans_io/socket/tests/network.rs`).

#![cfg(target_arch = "wasm32")]

mod common;

use std::time::Duration;

use common::{echo_url, run_scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/network.js")]
extern "C" {
    #[wasm_bindgen(js_name = latencyOnEveryKindOfSocket)]
    fn latency_on_every_kind_of_socket(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = throughputBothWays)]
    fn throughput_both_ways(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = offlineOnEveryKindOfSocket)]
    fn offline_on_every_kind_of_socket(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = scopedByUrl)]
    fn scoped_by_url(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = scopedConditionsReachOpenSockets)]
    fn scoped_conditions_reach_open_sockets(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = unconditionedSocketsStayNative)]
    fn unconditioned_sockets_stay_native(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = conditionsTakeAnOpenSocketsEvents)]
    fn conditions_take_an_open_sockets_events(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = badValuesThrowAndChangeNothing)]
    fn bad_values_throw_and_change_nothing(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = fakeTimersDoNotFreezeTheLink)]
    fn fake_timers_do_not_freeze_the_link(api: &JsValue, echo: &str) -> js_sys::Promise;
}

// Referencing the shared helpers makes wasm-bindgen ship them beside network.js.
#[wasm_bindgen(module = "/tests/js/harness.js")]
extern "C" {
    #[allow(dead_code)]
    fn hex(bytes: &JsValue) -> String;
}

#[wasm_bindgen_test]
async fn latency_applies_to_mocked_routed_and_passed_through_sockets() {
    let line = "open >= latency true, round trip >= 2 x latency true, slower than without true, removed with null true";
    assert_eq!(
        run_scenario(latency_on_every_kind_of_socket).await,
        [
            format!("mock: {line}"),
            format!("connected: {line}"),
            format!("pass-through: {line}"),
        ]
    );
}

#[wasm_bindgen_test]
async fn throughput_paces_both_directions() {
    assert_eq!(
        run_scenario(throughput_both_ways).await,
        [
            "bufferedAmount right after send: 10000",
            "drained at about the rate: true",
            "bufferedAmount stayed 10000 until the bytes left: true",
            "echo of 10000 bytes after both ways: true",
        ]
    );
}

#[wasm_bindgen_test]
async fn offline_fails_every_kind_of_socket_and_new_ones_never_open() {
    assert_eq!(
        run_scenario(offline_on_every_kind_of_socket).await,
        [
            "mock open: error, close 1006 clean=false rs=3",
            "connected open: error, close 1006 clean=false rs=3",
            "pass-through open: error, close 1006 clean=false rs=3",
            "the route heard: route heard close 1006, server side closed undefined",
            "connecting: error, close 1006",
            "created offline (mock): error, close 1006",
            "created offline (pass-through): error, close 1006",
            "handler ran: 0",
            "online again: back",
        ]
    );
}

#[wasm_bindgen_test]
async fn conditions_set_with_a_url_reach_only_the_open_sockets_it_matches() {
    assert_eq!(
        run_scenario(scoped_conditions_reach_open_sockets).await,
        [
            "mock, matching: close 1006",
            "mock, other: open rs=1",
            "pass-through, matching: close 1006",
            "pass-through, other: open rs=1",
        ]
    );
}

#[wasm_bindgen_test]
async fn a_socket_no_condition_reaches_stays_the_native_one() {
    assert_eq!(
        run_scenario(unconditioned_sockets_stay_native).await,
        [
            "a new pass-through socket: routed +0",
            "conditions for another url: routed +0",
            "conditions for its url: routed +1",
            "a throttled send still buffered 100 ms later: true",
        ]
    );
}

#[wasm_bindgen_test]
async fn conditions_take_the_events_of_an_open_pass_through_socket() {
    assert_eq!(
        run_scenario(conditions_take_an_open_sockets_events).await,
        [
            "listener heard before,after",
            "handler heard before,after",
            "the browser's own event before the condition: true, after: true",
            "round trip >= 2 x latency (with a margin): true",
            "close 1005",
        ]
    );
}

#[wasm_bindgen_test]
async fn conditions_scope_by_url_and_null_removes_them() {
    assert_eq!(
        run_scenario(scoped_by_url).await,
        [
            "matching url slowed: true",
            "other url not: true",
            "offline for one url only: close 1006",
            "removed for that url: true",
            "the other url's conditions stay: close 1006",
            "newest matching call decides: true",
        ]
    );
}

#[wasm_bindgen_test]
async fn bad_values_throw_a_type_error_naming_the_field() {
    assert_eq!(
        run_scenario(bad_values_throw_and_change_nothing).await,
        [
            "[{\"latency\":-1}] -> TypeError: setNetworkConditions: latency must be a number of milliseconds >= 0",
            "[{\"latency\":null}] -> TypeError: setNetworkConditions: latency must be a number of milliseconds >= 0",
            "[{\"latency\":\"100\"}] -> TypeError: setNetworkConditions: latency must be a number of milliseconds >= 0",
            "[{\"downloadThroughput\":-5}] -> TypeError: setNetworkConditions: downloadThroughput must be a number of bytes per second > 0 (0 or -1: unlimited)",
            "[{\"uploadThroughput\":null}] -> TypeError: setNetworkConditions: uploadThroughput must be a number of bytes per second > 0 (0 or -1: unlimited)",
            "[{\"offline\":\"yes\"}] -> TypeError: setNetworkConditions: offline must be a boolean",
            "[5] -> TypeError: setNetworkConditions: conditions must be an object or null",
            "[null] -> TypeError: setNetworkConditions: conditions must be an object or null",
            "[{\"latency\":10},\"not options\"] -> TypeError: setNetworkConditions: options must be an object",
            "conditions unchanged: true",
        ]
    );
}

#[wasm_bindgen_test]
async fn fake_timers_installed_later_do_not_freeze_the_link() {
    assert_eq!(
        run_scenario(fake_timers_do_not_freeze_the_link).await,
        ["opened through the latency with fake timers: true, fake timer used: false"]
    );
}

/// The Rust API: `NetworkConditions` with a `Duration` latency.
#[wasm_bindgen_test]
async fn rust_network_conditions_delay_a_mocked_socket() {
    use futures::StreamExt;
    use gloo_net::websocket::{Message, futures::WebSocket};

    let guard = wsroute::install().expect("install");
    guard.route("wss://example.test/rust", |ws| {
        let reply = ws.clone();
        ws.on_message(move |m| reply.send(m));
    });
    guard.set_network_conditions(Some(wsroute::NetworkConditions {
        latency: Duration::from_millis(120),
        ..Default::default()
    }));
    let t0 = js_sys::Date::now();
    let mut socket = WebSocket::open("wss://example.test/rust").expect("open");
    futures::SinkExt::send(&mut socket, Message::Text("hi".into()))
        .await
        .expect("send");
    let reply = socket.next().await.expect("a reply").expect("no error");
    let elapsed = js_sys::Date::now() - t0;
    assert_eq!(reply, Message::Text("hi".into()));
    // open (one latency), then a round trip (two).
    assert!(elapsed >= 3.0 * 120.0 - 3.0, "{elapsed} ms");
    guard.set_offline(true);
    let closed = socket.next().await;
    assert!(
        matches!(closed, Some(Err(_)) | None),
        "the socket fails offline: {closed:?}"
    );
    drop(guard);
    let _ = echo_url();
}
