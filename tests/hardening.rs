//! Hardening: nothing wsroute holds outlives its sockets (thousands of them,
//! mocked, connected and passed through), hostile route handlers cannot hang
//! or break a page, and many sockets at once all work.

#![cfg(target_arch = "wasm32")]

mod common;

use common::run_scenario;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/hardening.js")]
extern "C" {
    #[wasm_bindgen(js_name = mockedSocketsReleaseEverything)]
    fn mocked_sockets_release_everything(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = passthroughAndConnectedSocketsReleaseEverything)]
    fn passthrough_and_connected_release_everything(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = hostileHandlers)]
    fn hostile_handlers(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = thousandSocketsAtOnce)]
    fn thousand_sockets_at_once(api: &JsValue, echo: &str) -> js_sys::Promise;
}

// Referencing the shared helpers makes wasm-bindgen ship them beside hardening.js.
#[wasm_bindgen(module = "/tests/js/harness.js")]
extern "C" {
    #[allow(dead_code)]
    fn hex(bytes: &JsValue) -> String;
}

/// What a leak check of `n` sockets a round logs when nothing leaks.
fn no_leaks(prefix: &str, n: usize) -> Vec<String> {
    let mut lines: Vec<String> = (1..=4)
        .map(|r| format!("{prefix}round {r}: {n}/{n} echoed, nativeListeners=0 routeCallbacks=0 routedSockets=0 backends=0"))
        .collect();
    lines.push(format!("{prefix}observed {} sockets", 5 * n));
    lines.push(format!("{prefix}garbage collected: true"));
    lines.push(format!(
        "{prefix}heap per socket within the bound after GC: true"
    ));
    lines.push(format!("{prefix}observers after GC: 0"));
    lines.push(format!("{prefix}unobserved, still held: {n}/{n} echoed, nativeListeners=0 routeCallbacks=0 routedSockets=0 backends=0"));
    lines.push(format!(
        "{prefix}unobserved, still held: heap per socket within the bound: true"
    ));
    lines.push(format!(
        "{prefix}unobserved, still held: closed sockets still answer: true"
    ));
    lines
}

#[wasm_bindgen_test]
async fn mocked_sockets_leave_nothing_behind() {
    assert_eq!(
        run_scenario(mocked_sockets_release_everything).await,
        [
            no_leaks("", 2000),
            vec!["routes of finished sockets still answer: true".to_string()]
        ]
        .concat()
    );
}

#[wasm_bindgen_test]
async fn passthrough_and_connected_sockets_leave_nothing_behind() {
    let mut expected = no_leaks("direct ", 60);
    expected.extend(no_leaks("connected ", 60));
    assert_eq!(
        run_scenario(passthrough_and_connected_release_everything).await,
        expected
    );
}

#[wasm_bindgen_test]
async fn hostile_handlers_cannot_hang_or_break_the_page() {
    assert_eq!(
        run_scenario(hostile_handlers).await,
        [
            "throws: error, close 1006 false",
            "rejects: error, close 1006 false",
            "never resolves: readyState=0 after 30 ms",
            "never resolves, page closes: error, close 1006",
            "unroute inside the handler: still routed",
            "throwing onMessage/onClose: socket readyState=2 (CLOSING until the route closes it)",
            "page closes in onopen: open then close rs=2 buffered=19, close 3000 from onopen",
            "console errors name the URL: true, true, true",
            "console errors carry the cause: true, true, true, true",
        ]
    );
}

#[wasm_bindgen_test]
async fn a_thousand_sockets_at_once() {
    assert_eq!(
        run_scenario(thousand_sockets_at_once).await,
        [
            "1000 of 1000 answered correctly",
            "nativeListeners=0 routeCallbacks=0 routedSockets=0 backends=0",
        ]
    );
}
