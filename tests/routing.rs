//! Routing rules (Playwright's `routeWebSocket`), through the JavaScript API
//! the classic script exposes. Each scenario returns its whole event log.

#![cfg(target_arch = "wasm32")]

mod common;

use common::{echo_url, run_scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/routing.js")]
extern "C" {
    #[wasm_bindgen(js_name = mockEcho)]
    fn mock_echo(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = asyncHandlerOpensAfterResolve)]
    fn async_handler_opens_after_resolve(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routeSendBeforeOpen)]
    fn route_send_before_open(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routeCloseVariants)]
    fn route_close_variants(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = refuseConnection)]
    fn refuse_connection(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = pageCloseWithoutOnClose)]
    fn page_close_without_on_close(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = pageCloseWithOnClose)]
    fn page_close_with_on_close(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = unmatchedMessagesAreDropped)]
    fn unmatched_messages_are_dropped(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = handlerThrows)]
    fn handler_throws(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = newestRouteWins)]
    fn newest_route_wins(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routesApplyToLaterSockets)]
    fn routes_apply_to_later_sockets(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = connectWithHandlers)]
    fn connect_with_handlers(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = connectUpstreamFailure)]
    fn connect_upstream_failure(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routeClosesWhileConnected)]
    fn route_closes_while_connected(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = reentrancy)]
    fn reentrancy(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = closeFromOnOpenAndOnClose)]
    fn close_from_on_open_and_on_close(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routeErrors)]
    fn route_errors(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routeBlobSendsKeepOrder)]
    fn route_blob_sends_keep_order(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = relativeGlobsAndBaseURL)]
    fn relative_globs_and_base_url(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routedConstructorValidation)]
    fn routed_constructor_validation(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = binaryIsNeverShared)]
    fn binary_is_never_shared(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = mockedTextIsUsvString)]
    fn mocked_text_is_usv_string(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = otherRealmBytesArriveInThisRealm)]
    fn other_realm_bytes_arrive_in_this_realm(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routeSendsDetachedBuffers)]
    fn route_sends_detached_buffers(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = routeObjectsAfterTheSocketFinished)]
    fn route_objects_after_the_socket_finished(api: &JsValue, echo: &str) -> js_sys::Promise;
}

// Referencing the shared helpers makes wasm-bindgen ship them beside routing.js.
#[wasm_bindgen(module = "/tests/js/harness.js")]
extern "C" {
    #[allow(dead_code)]
    fn hex(bytes: &JsValue) -> String;
}

/// Runs a scenario with wsroute installed and no routes left over.
async fn run(scenario: fn(&JsValue, &str) -> js_sys::Promise) -> Vec<String> {
    let log = run_scenario(scenario).await;
    log.into_iter()
        .map(|l| l.replace(echo_url(), "ECHO"))
        .collect()
}

#[wasm_bindgen_test]
async fn mock_server_answers_and_opens_after_the_handler() {
    assert_eq!(
        run(mock_echo).await,
        [
            "sync after constructor rs=0",
            "handler url=wss://example.test/ws protocols=p1|p2",
            "handler returns",
            "route got text:hi",
            "route got binary:02ff true",
            "open [object Event] rs=1 protocol=p1 ext=",
            "buffered=4",
            "message text:\"echo:hi\" [object MessageEvent] origin=wss://example.test id=\"\"",
            "message arraybuffer:02ff [object MessageEvent] origin=wss://example.test id=\"\"",
            "close [object CloseEvent] code=3000 reason=\"done\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn async_handler_opens_the_page_after_its_promise_resolves() {
    assert_eq!(
        run(async_handler_opens_after_resolve).await,
        [
            "handler start",
            "handler resolved",
            "open",
            "close 1005 true",
        ]
    );
}

#[wasm_bindgen_test]
async fn route_send_before_open_gives_the_page_open_first() {
    assert_eq!(
        run(route_send_before_open).await,
        [
            "open [object Event] rs=1 protocol= ext=",
            "message text:\"pushed-1\" [object MessageEvent] origin=wss://example.test id=\"\"",
            "message arraybuffer:07 [object MessageEvent] origin=wss://example.test id=\"\"",
            "close [object CloseEvent] code=4000 reason=\"bye\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn route_close_codes_reach_the_page() {
    assert_eq!(
        run(route_close_variants).await,
        [
            "undefined open [object Event] rs=1 protocol= ext=",
            "undefined close [object CloseEvent] code=1005 reason=\"\" clean=true rs=3",
            "{} open [object Event] rs=1 protocol= ext=",
            "{} close [object CloseEvent] code=1005 reason=\"\" clean=true rs=3",
            "{\"code\":1008,\"reason\":\"policy\"} open [object Event] rs=1 protocol= ext=",
            "{\"code\":1008,\"reason\":\"policy\"} close [object CloseEvent] code=1008 reason=\"policy\" clean=true rs=3",
            "{\"code\":1005} open [object Event] rs=1 protocol= ext=",
            "{\"code\":1005} close [object CloseEvent] code=1005 reason=\"\" clean=true rs=3",
            "{\"code\":1006} open [object Event] rs=1 protocol= ext=",
            "{\"code\":1006} error [object Event] rs=3",
            "{\"code\":1006} close [object CloseEvent] code=1006 reason=\"\" clean=false rs=3",
            "{\"code\":4999,\"reason\":\"x\"} open [object Event] rs=1 protocol= ext=",
            "{\"code\":4999,\"reason\":\"x\"} close [object CloseEvent] code=4999 reason=\"x\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn route_close_1006_refuses_the_connection() {
    assert_eq!(
        run(refuse_connection).await,
        [
            "error [object Event] rs=3",
            "close [object CloseEvent] code=1006 reason=\"\" clean=false rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn page_close_in_mock_mode_completes_with_its_own_code() {
    assert_eq!(
        run(page_close_without_on_close).await,
        [
            "[] open [object Event] rs=1 protocol= ext=",
            "[] close [object CloseEvent] code=1005 reason=\"\" clean=true rs=3",
            "[3001] open [object Event] rs=1 protocol= ext=",
            "[3001] close [object CloseEvent] code=3001 reason=\"\" clean=true rs=3",
            "[3002,\"why\"] open [object Event] rs=1 protocol= ext=",
            "[3002,\"why\"] close [object CloseEvent] code=3002 reason=\"why\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn page_close_goes_to_on_close_and_waits_for_the_route() {
    assert_eq!(
        run(page_close_with_on_close).await,
        [
            "onClose undefined undefined",
            "page rs before route close=2",
            "open [object Event] rs=1 protocol= ext=",
            "close [object CloseEvent] code=4001 reason=\"acknowledged\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn page_messages_without_on_message_are_dropped_in_mock_mode() {
    assert_eq!(
        run(unmatched_messages_are_dropped).await,
        [
            "open [object Event] rs=1 protocol= ext=",
            "message text:\"still alive\" [object MessageEvent] origin=wss://example.test id=\"\"",
            "close [object CloseEvent] code=1005 reason=\"\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn throwing_or_rejecting_handlers_fail_the_socket() {
    assert_eq!(
        run(handler_throws).await,
        [
            "throw error [object Event] rs=3",
            "throw close [object CloseEvent] code=1006 reason=\"\" clean=false rs=3",
            "reject error [object Event] rs=3",
            "reject close [object CloseEvent] code=1006 reason=\"\" clean=false rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn newest_matching_route_wins_and_unroute_removes_it() {
    assert_eq!(
        run(newest_route_wins).await,
        [
            "regex route wss://example.test/new",
            "predicate route wss://example.test/fn",
            "old route wss://example.test/other",
            "old route wss://example.test/new",
        ]
    );
}

#[wasm_bindgen_test]
async fn routes_apply_only_to_sockets_created_later() {
    assert_eq!(
        run(routes_apply_to_later_sockets).await,
        ["handler ran", "early socket failed rs=3",]
    );
}

#[wasm_bindgen_test]
async fn connected_route_intercepts_modifies_and_blocks_both_ways() {
    assert_eq!(
        run(connect_with_handlers).await,
        [
            "second connect: Already connected to the server",
            "server-side connect: connectToServer must be called on the page-side WebSocketRoute",
            "page->server one",
            "page->server block",
            "page->server two",
            "server->page early from route",
            "server->page one+modified",
            "server->page two+modified",
            "open [object Event] rs=1 protocol=chat ext=",
            "message text:\"early from route+back\" [object MessageEvent] origin=ECHO id=\"\"",
            "message text:\"one+modified+back\" [object MessageEvent] origin=ECHO id=\"\"",
            "message text:\"two+modified+back\" [object MessageEvent] origin=ECHO id=\"\"",
            "close [object CloseEvent] code=3009 reason=\"x\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn upstream_failures_reach_the_page_or_the_server_on_close() {
    assert_eq!(
        run(connect_upstream_failure).await,
        [
            "reject error [object Event] rs=3",
            "reject close [object CloseEvent] code=1006 reason=\"\" clean=false rs=3",
            "server onClose 1006 \"\"",
            "drop open [object Event] rs=1 protocol= ext=",
            "drop close [object CloseEvent] code=4002 reason=\"upstream gone\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn route_close_while_connected_closes_page_then_server() {
    assert_eq!(
        run(route_closes_while_connected).await,
        [
            "open [object Event] rs=1 protocol= ext=",
            "close [object CloseEvent] code=3009 reason=\"x\" clean=true rs=3",
            "server closed 3009 x",
        ]
    );
}

#[wasm_bindgen_test]
async fn send_and_close_from_inside_callbacks_are_safe() {
    assert_eq!(
        run(reentrancy).await,
        [
            "route got first",
            "route got second",
            "route got last",
            "open [object Event] rs=1 protocol= ext=",
            "message text:\"reply to first\" [object MessageEvent] origin=wss://example.test id=\"\"",
            "message text:\"reply to second\" [object MessageEvent] origin=wss://example.test id=\"\"",
            "message text:\"reply to last\" [object MessageEvent] origin=wss://example.test id=\"\"",
            "message text:\"before close\" [object MessageEvent] origin=wss://example.test id=\"\"",
            "close [object CloseEvent] code=4100 reason=\"from onMessage\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn close_from_onopen_and_on_close_gives_one_close_event() {
    assert_eq!(
        run(close_from_on_open_and_on_close).await,
        [
            "open [object Event] rs=1 protocol= ext=",
            "close [object CloseEvent] code=3333 reason=\"\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn bad_route_arguments_give_clear_errors() {
    assert_eq!(
        run(route_errors).await,
        [
            "bad handler: routeWebSocket: handler must be a function",
            "bad url: url must be a string, a RegExp or a function",
            "send number: WebSocketRoute.send: message must be a string, ArrayBuffer, ArrayBufferView or Blob",
            "close 99 rejects: RangeError",
        ]
    );
}

#[wasm_bindgen_test]
async fn routed_sockets_validate_like_the_constructor() {
    // Each line compares a routed socket's exception with the native
    // WebSocket's for the same arguments, in this browser.
    let log = run(routed_constructor_validation).await;
    assert_eq!(log.len(), 12, "{log:#?}");
    for line in &log {
        assert!(line.ends_with(" as native"), "differs from native: {line}");
    }
    let count = |what: &str| log.iter().filter(|l| l.contains(what)).count();
    assert!(count("SyntaxError:12") >= 6, "{log:#?}");
    assert!(count("InvalidStateError:11") >= 2, "{log:#?}");
    assert!(
        count("SyntaxError:12") + count("InvalidStateError:11") == 12,
        "{log:#?}"
    );
}

#[wasm_bindgen_test]
async fn route_blob_sends_keep_their_order() {
    assert_eq!(
        run(route_blob_sends_keep_order).await,
        [
            "open [object Event] rs=1 protocol= ext=",
            "message arraybuffer:6669727374 [object MessageEvent] origin=wss://example.test id=\"\"",
            "message text:\"second\" [object MessageEvent] origin=wss://example.test id=\"\"",
            "message arraybuffer:03 [object MessageEvent] origin=wss://example.test id=\"\"",
            "close [object CloseEvent] code=4000 reason=\"after the blobs\" clean=true rs=3",
        ]
    );
}

#[wasm_bindgen_test]
async fn globs_resolve_against_the_base_url() {
    assert_eq!(
        run(relative_globs_and_base_url).await,
        [
            "/doc-relative -> document base",
            "ws://HOST/doc-relative -> document base",
            "wss://app.example.test/base/sub/ws -> https base",
            "ws://app.example.test/base/sub/ws -> not routed",
            "ws://app.example.test/upper -> upper-case base",
            "wss://example.test -> origin only",
            "wss://example.test/b/any/x?y=1 -> alternation",
            "wss://example.test/b/any/more/x?y=1 -> not routed",
            "ws://any.test:8080/deep/er/still -> double star",
            "/doc-relative -> document base",
        ]
    );
}

#[wasm_bindgen_test]
async fn mocked_text_counts_utf8_and_becomes_usv_string() {
    assert_eq!(
        run(mocked_text_is_usv_string).await,
        ["checked 11 strings; bufferedAmount now 0"]
    );
}

#[wasm_bindgen_test]
async fn binary_messages_are_never_shared() {
    assert_eq!(
        run(binary_is_never_shared).await,
        [
            "page got 010203",
            "route kept 990203",
            "observer sent 010203",
            "observer received 010203",
        ]
    );
}

#[wasm_bindgen_test]
async fn bytes_from_another_realm_reach_route_and_page_as_this_realm_s() {
    // Sorted: what this checks is the realm (the order is other tests').
    let mut log = run(other_realm_bytes_arrive_in_this_realm).await;
    log.sort();
    assert_eq!(
        log,
        [
            "page got 01020304 this realm=true",
            "page got 01020304 this realm=true",
            "page got 0203 this realm=true",
            "route got 01020304 this realm=true",
            "route got 01020304 this realm=true",
            "route got 0203 this realm=true",
        ]
    );
}

#[wasm_bindgen_test]
async fn a_route_sending_a_detached_buffer_sends_an_empty_message() {
    assert_eq!(
        run(route_sends_detached_buffers).await,
        ["binary 0 bytes", "binary 0 bytes", "after"]
    );
}

#[wasm_bindgen_test]
async fn route_objects_answer_after_their_socket_finished() {
    assert_eq!(
        run(route_objects_after_the_socket_finished).await,
        [
            "kept: WebSocketRoute url=wss://example.test/kept protocols=p1",
            "kept: send(42) TypeError, close resolves true",
            "uncaught errors: 0",
        ]
    );
}
