//! wsroute inside dedicated workers: `importScripts('.../wsroute.global.js')` in a
//! classic worker and the ES module package (`import()`, `init()`, `install()`) in
//! a module worker, each in a Blob worker and in a same-origin worker with an
//! http: URL. Routes registered in the worker route the worker's sockets (mock
//! mode and `connectToServer()` to the real echo server); unmatched sockets pass
//! through; relative URLs and globs resolve against the worker's URL.
//!
//! `pkg/` is loaded from `cargo xtask test`'s static server (`WSROUTE_HTTP_URL`,
//! another origin). Each scenario returns its whole log.

#![cfg(target_arch = "wasm32")]

mod common;

use common::{echo_url, http_url, log_of};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/workers.js")]
extern "C" {
    #[wasm_bindgen(js_name = classicBlobWorkerRouting)]
    fn classic_blob_worker_routing(echo: &str, http: &str, version: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = moduleBlobWorkerRouting)]
    fn module_blob_worker_routing(echo: &str, http: &str, version: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = classicFileWorkerRouting)]
    fn classic_file_worker_routing(echo: &str, http: &str, version: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = moduleFileWorkerRouting)]
    fn module_file_worker_routing(echo: &str, http: &str, version: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = baseURLInWorker)]
    fn base_url_in_worker(
        kind: &str,
        location: &str,
        echo: &str,
        http: &str,
        version: &str,
    ) -> js_sys::Promise;
    #[wasm_bindgen(js_name = blobDocumentBaseURL)]
    fn blob_document_base_url(http: &str) -> js_sys::Promise;
    #[wasm_bindgen(js_name = pageWebSocketIsNative)]
    fn page_web_socket_is_native() -> bool;
}

// Referencing the shared helpers makes wasm-bindgen ship them beside workers.js.
#[wasm_bindgen(module = "/tests/js/harness.js")]
extern "C" {
    #[allow(dead_code)]
    fn hex(bytes: &JsValue) -> String;
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

async fn run(scenario: fn(&str, &str, &str) -> js_sys::Promise) -> Vec<String> {
    let log = log_of(scenario(echo_url(), http_url(), VERSION)).await;
    assert!(
        page_web_socket_is_native(),
        "a worker's install() must not touch the page's WebSocket"
    );
    log.into_iter()
        .map(|l| l.replace(echo_url(), "ECHO"))
        .collect()
}

async fn run_base_url(kind: &str, location: &str) -> Vec<String> {
    log_of(base_url_in_worker(
        kind,
        location,
        echo_url(),
        http_url(),
        VERSION,
    ))
    .await
}

/// The routing log every kind of worker must produce, after its loading lines.
fn routing_log(loaded: &str) -> Vec<String> {
    [
        loaded,
        "WebSocket replaced=true name=WebSocket",
        "version: string true",
        "observed wss://example.test/worker",
        "mock created: instanceof shim=true instanceof native=false rs=0",
        "mock handler url=wss://example.test/worker protocols=p1|p2",
        "mock open protocol=p1 ext=",
        "mock route got text:hi",
        "mock message text:HI",
        "mock route got binary:010203",
        "mock message binary:030201",
        "mock route onClose 4000 bye",
        "mock close code=4000 reason=bye clean=true rs=3",
        "observed ECHO/echo?routed",
        "connected created: instanceof shim=true instanceof native=false rs=0",
        "connect handler url=ECHO/echo?routed",
        "connected open protocol= ext=",
        "server said text:to-server:hi",
        "connected message text:from-server:to-server:hi",
        "server said binary:010203",
        "connected message binary:010203",
        "connected close code=4001 reason=done clean=true rs=3",
        "observed ECHO/echo?plain",
        "passthrough created: instanceof shim=true instanceof native=false rs=0",
        "passthrough events (4) as native: true",
        "uninstalled: native again=true",
    ]
    .map(String::from)
    .to_vec()
}

const CLASSIC_LOADED: &str = "loaded twice: same wsroute=true same WebSocket=true";
const MODULE_LOADED: &str = "installed twice: same WebSocket=true globalThis.wsroute=undefined";

#[wasm_bindgen_test]
async fn import_scripts_in_a_classic_blob_worker_routes_its_sockets() {
    assert_eq!(
        run(classic_blob_worker_routing).await,
        routing_log(CLASSIC_LOADED)
    );
}

#[wasm_bindgen_test]
async fn es_module_in_a_module_blob_worker_routes_its_sockets() {
    assert_eq!(
        run(module_blob_worker_routing).await,
        routing_log(MODULE_LOADED)
    );
}

#[wasm_bindgen_test]
async fn import_scripts_in_a_same_origin_classic_worker_routes_its_sockets() {
    assert_eq!(
        run(classic_file_worker_routing).await,
        routing_log(CLASSIC_LOADED)
    );
}

#[wasm_bindgen_test]
async fn es_module_in_a_same_origin_module_worker_routes_its_sockets() {
    assert_eq!(
        run(module_file_worker_routing).await,
        routing_log(MODULE_LOADED)
    );
}

/// The lines after the first, which names the worker and its location's scheme.
fn loaded_line(kind: &str) -> &'static str {
    if kind == "classic" {
        CLASSIC_LOADED
    } else {
        MODULE_LOADED
    }
}

#[wasm_bindgen_test]
async fn relative_urls_and_globs_resolve_against_a_same_origin_worker_url() {
    for kind in ["classic", "module"] {
        assert_eq!(
            run_base_url(kind, "file").await,
            [
                &format!("{kind} file worker: location http: can be a base: true"),
                loaded_line(kind),
                // 'rel/sock', '/rel/sock' and '?q' against the worker's URL.
                "native resolves against the worker's URL: true",
                "unrouted shim same as native: true",
                "with a relative route: url==expected:true",
                "relative glob matched: route.url()==expected:true",
                "relative socket closed 4000",
                "setBaseURL glob matched ws://127.0.0.1:9/base/sock",
                "setBaseURL socket closed 4000 true",
            ],
            "{kind} worker"
        );
    }
}

#[wasm_bindgen_test]
async fn relative_urls_in_a_blob_worker_behave_as_natively() {
    for kind in ["classic", "module"] {
        assert_eq!(
            run_base_url(kind, "blob").await,
            [
                &format!("{kind} blob worker: location blob: can be a base: false"),
                loaded_line(kind),
                // 'rel/sock', '/rel/sock' and '?q'.
                "unrouted shim same as native: true",
                "with a relative route: same as native: true",
                "setBaseURL glob matched ws://127.0.0.1:9/base/sock",
                "setBaseURL socket closed 4000 true",
            ],
            "{kind} worker"
        );
    }
}

/// Not a worker, but the same question: a document from a blob: URL, whose
/// base URL cannot be a base, gets the native constructor's answers from the
/// classic script loaded there.
#[wasm_bindgen_test]
async fn relative_urls_in_a_blob_document_behave_as_natively() {
    assert_eq!(
        log_of(blob_document_base_url(http_url())).await,
        [
            "blob document: location blob: wsroute installed: true",
            "unrouted shim same as native: true",
            "with a relative route: same as native: true",
        ]
    );
}
