//! Differential fidelity: every scenario runs against the browser's native
//! `WebSocket` and against wsroute — unrouted (pass-through) and routed through
//! a forward-everything `connect_to_server()` route — and the event logs must
//! be identical, with and without an observer attached. Native is the oracle;
//! nothing here hard-codes what it does.

#![cfg(target_arch = "wasm32")]

mod common;

use std::cell::Cell;
use std::rc::Rc;

use common::{echo_url, global_websocket, http_url, log_of, native_websocket};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/fidelity.js")]
extern "C" {
    #[wasm_bindgen(js_name = textBothWays)]
    fn text_both_ways(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = binaryArrayBuffer)]
    fn binary_array_buffer(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = binaryBlobOrdering)]
    fn binary_blob_ordering(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = everyBufferKind)]
    fn every_buffer_kind(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = binaryFromAnotherRealm)]
    fn binary_from_another_realm(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = binaryTypeAtDispatch)]
    fn binary_type_at_dispatch(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = closeCodes)]
    fn close_codes(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = serverClose)]
    fn server_close(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = serverHello)]
    fn server_hello(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = subprotocol)]
    fn subprotocol(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = negotiatedExtension)]
    fn negotiated_extension(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = handshakeRejected)]
    fn handshake_rejected(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = badFrame)]
    fn bad_frame(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = connectionDropped)]
    fn connection_dropped(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = closeWhileConnecting)]
    fn close_while_connecting(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = sendWhileConnecting)]
    fn send_while_connecting(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = eventsAreTasks)]
    fn events_are_tasks(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = bufferedAmountAfterClose)]
    fn buffered_amount_after_close(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = bufferedAmountDrains)]
    fn buffered_amount_drains(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = constructorErrors)]
    fn constructor_errors(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = closeErrors)]
    fn close_errors(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = interfaceShape)]
    fn interface_shape(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = handlerOrder)]
    fn handler_order(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = handlerValues)]
    fn handler_values(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = checkOrder)]
    fn check_order(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = unusualBuffers)]
    fn unusual_buffers(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = reflectedShape)]
    fn reflected_shape(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = subclassesAndListenerOptions)]
    fn subclasses_and_listener_options(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = browsersOwnEvents)]
    fn browsers_own_events(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = longAfterClose)]
    fn long_after_close(ws: &JsValue, echo: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = otherRealms)]
    fn other_realms_with(ws: &JsValue, echo: &str, http: &str) -> js_sys::Promise;
}

#[wasm_bindgen(module = "/tests/js/fidelity.js")]
extern "C" {
    #[wasm_bindgen(js_name = classicScriptInFrames)]
    fn classic_script_in_frames(
        echo: &str,
        http: &str,
        names: Vec<String>,
        mocked: Vec<String>,
    ) -> js_sys::Promise;
}

/// `otherRealms`, which loads `pkg/wsroute.global.js` into its iframe from
/// the static server.
fn other_realms(ws: &JsValue, echo: &str) -> js_sys::Promise {
    other_realms_with(ws, echo, http_url())
}

/// Runs `scenario` against native, pass-through and forwarding wsroute, and
/// asserts the three logs are equal.
async fn differential(name: &str, scenario: fn(&JsValue, &str) -> js_sys::Promise) {
    let echo = echo_url();
    let native = native_websocket();
    let expected = log_of(scenario(&native, echo)).await;

    let passthrough = {
        let _ws = wsroute::install().expect("install");
        assert_ne!(
            global_websocket(),
            native,
            "install() must replace WebSocket"
        );
        log_of(scenario(&global_websocket(), echo)).await
    };
    assert_eq!(
        passthrough, expected,
        "{name}: unrouted wsroute differs from native"
    );

    let forwarded = {
        let ws = wsroute::install().expect("install");
        ws.route("**", |route| {
            route.connect_to_server().expect("first connect");
        });
        log_of(scenario(&global_websocket(), echo)).await
    };
    assert_eq!(
        forwarded, expected,
        "{name}: forwarding route differs from native"
    );
    assert_eq!(
        global_websocket(),
        native,
        "dropping the guard restores WebSocket"
    );

    // Observing must not change what the page sees.
    for routed in [false, true] {
        let ws = wsroute::install().expect("install");
        if routed {
            ws.route("**", |route| {
                route.connect_to_server().expect("first connect");
            });
        }
        let seen = Rc::new(Seen::default());
        let tally = seen.clone();
        let _watch = wsroute::on_websocket(move |o| {
            let (sockets, received, closes) = (tally.clone(), tally.clone(), tally.clone());
            sockets.sockets.set(sockets.sockets.get() + 1);
            o.on_frame_received(move |_| received.received.set(received.received.get() + 1))
                .forget();
            o.on_close(move || closes.closes.set(closes.closes.get() + 1))
                .forget();
        });
        let observed = log_of(scenario(&global_websocket(), echo)).await;
        assert_eq!(
            observed, expected,
            "{name}: observed (routed={routed}) differs from native"
        );
        // ... and the observer heard what the page saw (where the page's log
        // is a recorder's, which shows every message and close event).
        if let Some(page) = PageSaw::of(&observed) {
            assert_eq!(
                (seen.received.get(), seen.closes.get()),
                (page.messages, page.closes),
                "{name}: the observer (routed={routed}) heard other messages or closes than the page got"
            );
            assert!(
                seen.sockets.get() >= page.closes && seen.sockets.get() > 0,
                "{name}: fewer sockets observed than closed"
            );
        }
    }
}

/// Runs `scenario` against native and against a route that mocks the echo
/// server in the page (text back as text, binary as binary, no real socket),
/// and asserts the two logs are equal. Only for scenarios whose server does
/// nothing but echo.
async fn mocked(name: &str, scenario: fn(&JsValue, &str) -> js_sys::Promise) {
    let echo = echo_url();
    let native = native_websocket();
    let expected = log_of(scenario(&native, echo)).await;
    let ws = wsroute::install().expect("install");
    ws.route("**", |route| {
        let reply = route.clone();
        route.on_message(move |m| reply.send(m));
    });
    let mocked = log_of(scenario(&global_websocket(), echo)).await;
    assert_eq!(
        mocked, expected,
        "{name}: a mock of the echo server differs from native"
    );
}

/// What an observer heard during a scenario.
#[derive(Default)]
struct Seen {
    sockets: Cell<usize>,
    received: Cell<usize>,
    closes: Cell<usize>,
}

/// What the page's event log shows it got: `message` and `close` events.
struct PageSaw {
    messages: usize,
    closes: usize,
}

impl PageSaw {
    /// Counts the events in a recorder's log (`tests/js/harness.js`), whose
    /// lines are `[label ]message <kind>:... [object MessageEvent] ...` and
    /// `[label ]close [object CloseEvent] ...`; `None` for a log that shows
    /// no event that way (the scenario logs in its own words).
    fn of(log: &[String]) -> Option<PageSaw> {
        let event = |l: &String, what: &str, class: &str| {
            l.split(' ').take(2).any(|w| w == what) && l.contains(class)
        };
        let saw = PageSaw {
            messages: log
                .iter()
                .filter(|l| event(l, "message", "[object MessageEvent]"))
                .count(),
            closes: log
                .iter()
                .filter(|l| event(l, "close", "[object CloseEvent]"))
                .count(),
        };
        (saw.messages + saw.closes > 0).then_some(saw)
    }
}

/// `extensions` is the one the server negotiated, as natively; native's log
/// must show one, or the comparison would prove nothing.
#[wasm_bindgen_test]
async fn negotiated_extensions_match_native() {
    let native = log_of(negotiated_extension(&native_websocket(), echo_url())).await;
    assert!(
        native.iter().any(|l| l.contains("ext=permessage-deflate")),
        "the echo server's /deflate path negotiated no extension: {native:?}"
    );
    differential("negotiated_extensions_match_native", negotiated_extension).await;
}

/// An unrouted socket is the browser's own: the page gets the events the
/// browser fired (trusted), not copies. (Routed sockets' events are fired
/// by wsroute, and no script can make a trusted event: not compared.)
#[wasm_bindgen_test]
async fn unrouted_sockets_fire_the_browsers_own_events() {
    let native = log_of(browsers_own_events(&native_websocket(), echo_url())).await;
    assert!(
        native.iter().filter(|l| l.contains("trusted=true")).count() >= 5,
        "native events are trusted: {native:?}"
    );
    let unrouted = {
        let _ws = wsroute::install().expect("install");
        log_of(browsers_own_events(&global_websocket(), echo_url())).await
    };
    assert_eq!(
        unrouted, native,
        "unrouted wsroute's events differ from native"
    );
}

/// One `#[wasm_bindgen_test]` per `test => scenario`, each running its
/// scenario through `runner` (`differential` or `mocked`).
macro_rules! scenario_tests {
    ($runner:ident: $($test:ident => $scenario:ident),* $(,)?) => {$(
        #[wasm_bindgen_test]
        async fn $test() {
            $runner(stringify!($test), $scenario).await;
        }
    )*};
}

scenario_tests! { differential:
    text_both_ways_matches_native => text_both_ways,
    binary_arraybuffer_and_views_match_native => binary_array_buffer,
    blob_sends_keep_their_order => binary_blob_ordering,
    binary_from_another_realm_matches_native => binary_from_another_realm,
    every_buffer_kind_matches_native => every_buffer_kind,
    binary_type_is_read_at_dispatch => binary_type_at_dispatch,
    client_close_codes_match_native => close_codes,
    server_initiated_close_matches_native => server_close,
    server_push_matches_native => server_hello,
    subprotocol_matches_native => subprotocol,
    rejected_handshake_matches_native => handshake_rejected,
    invalid_frame_matches_native => bad_frame,
    dropped_connection_matches_native => connection_dropped,
    close_while_connecting_matches_native => close_while_connecting,
    send_while_connecting_matches_native => send_while_connecting,
    events_are_tasks_like_native => events_are_tasks,
    buffered_amount_after_close_matches_native => buffered_amount_after_close,
    sent_bytes_leave_buffered_amount_like_native => buffered_amount_drains,
    constructor_exceptions_match_native => constructor_errors,
    close_exceptions_match_native => close_errors,
    interface_shape_matches_native => interface_shape,
    handler_attribute_order_matches_native => handler_order,
    handler_attribute_values_match_native => handler_values,
    receiver_and_argument_checks_come_in_native_order => check_order,
    unusual_buffers_match_native => unusual_buffers,
    reflected_shape_matches_native => reflected_shape,
    subclasses_and_listener_options_match_native => subclasses_and_listener_options,
    other_realms_members_and_brand_checks_match_native => other_realms,
    a_socket_long_after_close_matches_native => long_after_close,
}

scenario_tests! { mocked:
    mocked_text_both_ways_matches_native => text_both_ways,
    mocked_binary_arraybuffer_and_views_match_native => binary_array_buffer,
    mocked_binary_from_another_realm_matches_native => binary_from_another_realm,
    mocked_every_buffer_kind_matches_native => every_buffer_kind,
    mocked_handler_attribute_values_match_native => handler_values,
    mocked_receiver_and_argument_checks_come_in_native_order => check_order,
    mocked_unusual_buffers_match_native => unusual_buffers,
    mocked_subclasses_and_listener_options_match_native => subclasses_and_listener_options,
    mocked_other_realms_members_and_brand_checks_match_native => other_realms,
    mocked_socket_long_after_close_matches_native => long_after_close,
}

/// The shipped classic script (what the build makes of the shim, the glue
/// and the wasm) against native in this browser: each scenario in a frame
/// with the script (unrouted, forwarded, mocked) and in one without. All but
/// `otherRealms`, which sets up its own frames.
#[wasm_bindgen_test]
async fn the_classic_script_matches_native_in_a_frame() {
    let names = [
        "textBothWays",
        "binaryArrayBuffer",
        "everyBufferKind",
        "binaryFromAnotherRealm",
        "binaryBlobOrdering",
        "binaryTypeAtDispatch",
        "closeCodes",
        "serverClose",
        "serverHello",
        "subprotocol",
        "negotiatedExtension",
        "handshakeRejected",
        "badFrame",
        "connectionDropped",
        "closeWhileConnecting",
        "sendWhileConnecting",
        "eventsAreTasks",
        "bufferedAmountAfterClose",
        "bufferedAmountDrains",
        "longAfterClose",
        "constructorErrors",
        "closeErrors",
        "interfaceShape",
        "handlerOrder",
        "handlerValues",
        "checkOrder",
        "unusualBuffers",
        "reflectedShape",
        "subclassesAndListenerOptions",
    ];
    let mocked = [
        "textBothWays",
        "binaryArrayBuffer",
        "binaryFromAnotherRealm",
        "everyBufferKind",
        "handlerValues",
        "checkOrder",
        "unusualBuffers",
        "subclassesAndListenerOptions",
        "longAfterClose",
    ];
    let owned = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let out = log_of(classic_script_in_frames(
        echo_url(),
        http_url(),
        owned(&names),
        owned(&mocked),
    ))
    .await;
    assert_eq!(
        out,
        [format!(
            "ran native {}, unrouted {}, forwarded {}, mocked {}",
            names.len(),
            names.len(),
            names.len(),
            mocked.len()
        )],
        "the classic script differs from native"
    );
}
