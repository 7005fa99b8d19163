//! Shared helpers for the browser suites.
#![allow(dead_code)]

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/tests/js/api.js")]
extern "C" {
    /// wsroute's JavaScript API: the module's exports (`install`,
    /// `routeWebSocket`, ...), as `pkg/wsroute.js` exports them.
    pub fn api() -> JsValue;
}

#[wasm_bindgen(module = "/tests/js/harness.js")]
extern "C" {
    #[wasm_bindgen(thread_local_v2, js_name = NativeWebSocket)]
    static NATIVE_WEBSOCKET: JsValue;
}

/// The browser's own `WebSocket`, captured before any test installed wsroute.
pub fn native_websocket() -> JsValue {
    NATIVE_WEBSOCKET.with(JsValue::clone)
}

/// The echo server `cargo xtask test` started (`ws://127.0.0.1:PORT`).
pub fn echo_url() -> &'static str {
    match option_env!("WSROUTE_ECHO_URL") {
        Some(u) => u,
        None => {
            panic!("WSROUTE_ECHO_URL is not set: run the browser suites through `cargo xtask test`")
        }
    }
}

/// The static server `cargo xtask test` started for `pkg/` (`http://127.0.0.1:PORT`).
pub fn http_url() -> &'static str {
    match option_env!("WSROUTE_HTTP_URL") {
        Some(u) => u,
        None => {
            panic!("WSROUTE_HTTP_URL is not set: run the browser suites through `cargo xtask test`")
        }
    }
}

/// Awaits a JS promise that resolves to an array of strings.
pub async fn log_of(promise: js_sys::Promise) -> Vec<String> {
    match JsFuture::from(promise).await {
        Ok(v) => js_sys::Array::from(&v)
            .iter()
            .map(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
            .collect(),
        Err(e) => panic!("scenario failed: {}", describe(&e)),
    }
}

pub fn describe(e: &JsValue) -> String {
    if let Some(s) = e.as_string() {
        return s;
    }
    js_sys::Reflect::get(e, &JsValue::from_str("stack"))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The WebSocket constructor the page currently sees.
pub fn global_websocket() -> JsValue {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("WebSocket"))
        .unwrap_or(JsValue::UNDEFINED)
}

/// Runs a JS scenario `(api, echoUrl) => Promise<string[]>` with wsroute
/// installed; the guard's drop removes whatever routes it registered.
pub async fn run_scenario(scenario: fn(&JsValue, &str) -> js_sys::Promise) -> Vec<String> {
    let guard = wsroute::install().expect("install");
    let api = api();
    let log = log_of(scenario(&api, echo_url())).await;
    drop(guard);
    log
}
