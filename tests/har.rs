//! HAR record and replay (`recordHAR`, `routeFromHAR` and the Rust
//! `record_har` / `route_from_har`) as a page sees them. The replay is
//! checked against the live session it was recorded from: same event log.
//! Fixtures of Chrome DevTools, mitmproxy and Playwright (`tests/har/`)
//! replay too.

#![cfg(all(target_arch = "wasm32", feature = "har"))]

mod common;

use common::{echo_url, log_of, run_scenario};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/har.js")]
extern "C" {
    #[wasm_bindgen(js_name = recordedSessionsReplayAsLive)]
    fn recorded_sessions_replay_as_live(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = kthSocketGetsKthEntry)]
    fn kth_socket_gets_kth_entry(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = notFoundAbortsOrFallsBack)]
    fn not_found_aborts_or_falls_back(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = aMismatchClosesWith1011)]
    fn a_mismatch_closes_with_1011(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = aCustomMatchDecides)]
    fn a_custom_match_decides(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = recordedTimingKeepsTheGaps)]
    fn recorded_timing_keeps_the_gaps(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = badLogsThrowAndRouteNothing)]
    fn bad_logs_throw_and_route_nothing(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = unrouteAllRemovesTheReplay)]
    fn unroute_all_removes_the_replay(api: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = fixturesReplay)]
    fn fixtures_replay(api: &JsValue, echo: &str, fixtures: &JsValue) -> js_sys::Promise;
}

// Referencing the shared helpers makes wasm-bindgen ship them beside har.js.
#[wasm_bindgen(module = "/tests/js/harness.js")]
extern "C" {
    #[allow(dead_code)]
    fn hex(bytes: &JsValue) -> String;
}

#[wasm_bindgen_test]
async fn recorded_sessions_replay_with_the_live_event_logs() {
    let log = run_scenario(recorded_sessions_replay_as_live).await;
    let talk = "send:1:hello:number send:2:AAEC/w==:number receive:1:hello:number receive:2:AAEC/w==:number";
    let bye = r#"{"code":1000,"reason":"bye","wasClean":true,"byPage":true}"#;
    assert_eq!(
        log,
        [
            "entries: 3".to_string(),
            "version 1.2 creator wsroute".into(),
            format!("ws://127.0.0.1:PORT/echo websocket GET 101 [] {talk} {bye} date=true"),
            format!("ws://127.0.0.1:PORT/echo?connected websocket GET 101 [] {talk} {bye} date=true"),
            "wss://mock.test/chat websocket GET 101 [chat, v2] send:1:hello:number receive:1:welcome:number receive:1:you said hello:number {\"code\":4000,\"reason\":\"done\",\"wasClean\":true} date=true".into(),
            "direct: live and replayed logs are the same".into(),
            "connected: live and replayed logs are the same".into(),
            "mock: live and replayed logs are the same".into(),
        ]
    );
}

#[wasm_bindgen_test]
async fn the_kth_socket_replays_the_kth_entry_and_the_last_repeats() {
    assert_eq!(
        run_scenario(kth_socket_gets_kth_entry).await,
        [
            r#"text:"first""#,
            r#"text:"second" arraybuffer:0708"#,
            r#"text:"second" arraybuffer:0708"#,
            r#"text:"other""#,
        ]
    );
}

#[wasm_bindgen_test]
async fn not_found_aborts_like_a_refused_connection_or_falls_back() {
    assert_eq!(
        run_scenario(not_found_aborts_or_falls_back).await,
        [
            r#"abort: error rs=3 | close code=1006 reason="" clean=false rs=3"#,
            r#"fallback to an older route: text:"older route""#,
            r#"fallback to the network: text:"to the real server""#,
            r#"recorded URL still replays: text:"recorded""#,
        ]
    );
}

#[wasm_bindgen_test]
async fn a_page_frame_the_recording_does_not_have_closes_with_1011() {
    let log = run_scenario(a_mismatch_closes_with_1011).await;
    assert_eq!(
        log,
        [
            "open rs=1 protocol= ext=",
            r#"message text:"welcome" origin=ws://a.test id="""#,
            r#"close code=1011 reason="wsroute: unexpected message" clean=true rs=3"#,
            r#"console: wsroute: ws://a.test/chat: unexpected message: the page sent the text "HELLO" where the recording has the text "hello""#,
        ]
    );
}

#[wasm_bindgen_test]
async fn a_custom_match_decides_what_is_the_recorded_frame() {
    assert_eq!(
        run_scenario(a_custom_match_decides).await,
        ["match saw hello/HELLO", r#"page got text:"hi""#]
    );
}

#[wasm_bindgen_test]
async fn recorded_timing_keeps_the_gap_before_server_frames() {
    assert_eq!(
        run_scenario(recorded_timing_keeps_the_gaps).await,
        ["none: under 250 ms true", "recorded: at least 300 ms true"]
    );
}

#[wasm_bindgen_test]
async fn a_log_that_cannot_be_read_throws_a_type_error_and_routes_nothing() {
    assert_eq!(
        run_scenario(bad_logs_throw_and_route_nothing).await,
        [
            "not JSON: TypeError: routeFromHAR: the HAR is not valid JSON: SyntaxError",
            "not a HAR: TypeError: routeFromHAR: not a HAR: no `log` object",
            "entries not an array: TypeError: routeFromHAR: log.entries is not an array",
            "bad base64: TypeError: routeFromHAR: entries[1]._webSocketMessages[0].data: not base64 (opcode 2)",
            "bad opcode: TypeError: routeFromHAR: entries[1]._webSocketMessages[0].opcode: 8 is neither 1 (text) nor 2 (binary)",
            "bad frame field: TypeError: routeFromHAR: entries[1]._webSocketMessages[0].time: neither a number nor an ISO 8601 date",
            "bad URL: TypeError: routeFromHAR: entries[1].request.url: The URL's scheme must be either 'http', 'https', 'ws', or 'wss'. 'ftp' is not allowed.",
            "bad option: TypeError: routeFromHAR: notFound must be 'abort' or 'fallback'",
            r#"after the errors: text:"still real""#,
        ]
    );
}

#[wasm_bindgen_test]
async fn unroute_all_takes_the_replay_away() {
    assert_eq!(
        run_scenario(unroute_all_removes_the_replay).await,
        [
            r#"while routed: text:"recorded""#,
            r#"after unrouteAll: text:"real""#,
        ]
    );
}

#[wasm_bindgen_test]
async fn logs_of_chrome_devtools_mitmproxy_and_playwright_replay() {
    let fixtures = js_sys::Array::new();
    for (name, text, url) in [
        (
            "Chrome DevTools",
            include_str!("har/chrome-devtools.har"),
            "ws://127.0.0.1:9/echo",
        ),
        (
            "mitmproxy",
            include_str!("har/mitmproxy.har"),
            "ws://127.0.0.1:9/echo",
        ),
        (
            "Playwright",
            include_str!("har/playwright.har"),
            "ws://127.0.0.1:43965/echo",
        ),
    ] {
        let row = js_sys::Array::of3(&name.into(), &text.into(), &url.into());
        fixtures.push(&row);
    }
    let guard = wsroute::install().expect("install");
    let log = log_of(fixtures_replay(&common::api(), echo_url(), &fixtures)).await;
    drop(guard);
    let talk = r#"open rs=1, message text:"hello", message arraybuffer:000102ff, close code=1000"#;
    // (each line: the first two words of each event)
    assert_eq!(
        log,
        [
            format!("Chrome DevTools: {talk}"),
            format!("mitmproxy: {talk}"),
            format!("Playwright: {talk}"),
        ]
    );
}
