//! Soak: random frames (text with non-BMP characters and lone surrogates,
//! binary from 0 B to 1 MB) through a pass-through socket, a forwarding route
//! and a route forwarding with handlers, echoed by the real server: none lost,
//! none reordered, all byte-identical.
//!
//! `cargo xtask test` runs 3 x 50,000 frames. For the long soak, compile with
//! `WSROUTE_SOAK_FRAMES=1000000` (see README, "Tests").

#![cfg(target_arch = "wasm32")]

mod common;

use common::{echo_url, log_of};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/soak.js")]
extern "C" {
    #[wasm_bindgen(js_name = soakPassthroughAndRoutes)]
    fn soak_passthrough_and_routes(api: &JsValue, echo: &str, frames: u32) -> js_sys::Promise;
}

// Referencing the shared helpers makes wasm-bindgen ship them beside soak.js.
#[wasm_bindgen(module = "/tests/js/harness.js")]
extern "C" {
    #[allow(dead_code)]
    fn hex(bytes: &JsValue) -> String;
}

fn frames() -> u32 {
    option_env!("WSROUTE_SOAK_FRAMES")
        .and_then(|f| f.parse().ok())
        .unwrap_or(50_000)
}

#[wasm_bindgen_test]
async fn random_frames_arrive_once_in_order_and_intact() {
    let guard = wsroute::install().expect("install");
    let api = common::api();
    let n = frames();
    let log = log_of(soak_passthrough_and_routes(&api, echo_url(), n)).await;
    drop(guard);
    let ok = format!("{n} frames: {n} echoed, all in order and byte-identical, 0 missing");
    assert_eq!(
        log,
        [
            format!("pass-through: {ok}"),
            format!("forwarding route: {ok}"),
            format!("handler route: {ok}"),
        ]
    );
}
