//! What the edge reads from the environment it runs in: the browser's own URL
//! parser, the base URL sockets resolve against, and which browser this is.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

use crate::sans_io::urls::{self, UrlParser};
use crate::sans_io::validate::Quirks;

/// The browser's own URL parser.
pub(crate) struct BrowserUrl;

impl UrlParser for BrowserUrl {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<String> {
        let url = match base {
            Some(b) => web_sys::Url::new_with_base(input, b),
            None => web_sys::Url::new(input),
        };
        url.ok().map(|u| u.href())
    }
}

/// `object[key]`; `undefined` when `object` is not an object (a worker has no
/// `document`) or the read throws.
fn get(object: &JsValue, key: &str) -> JsValue {
    if !object.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn global() -> JsValue {
    js_sys::global().into()
}

/// The base URL the native `WebSocket` resolves against: the document's base
/// URL, or a worker's own URL.
pub(crate) fn base_url() -> Option<String> {
    let global = global();
    if let Some(b) = get(&get(&global, "document"), "baseURI").as_string() {
        return Some(b);
    }
    get(&get(&global, "location"), "href").as_string()
}

/// Resolves a socket URL as the host browser would ([`urls::resolve_socket_url`]):
/// every socket's URL is checked and matched with it (its error is the
/// constructor's), though a pass-through socket hands the original string to
/// the native constructor.
#[inline(never)]
pub(crate) fn resolve_socket_url(url: &str, quirks: Quirks) -> Result<String, urls::UrlError> {
    let base = base_url();
    urls::resolve_socket_url(&BrowserUrl, url, base.as_deref(), quirks, blob_origin)
}

/// The origin of a document or worker loaded from a `blob:` URL; `None`
/// anywhere else.
fn blob_origin() -> Option<String> {
    let global = global();
    let protocol = get(&get(&global, "location"), "protocol").as_string();
    if protocol.as_deref() == Some("blob:") {
        get(&global, "origin").as_string()
    } else {
        None
    }
}

/// Which browser's answers to give where browsers differ.
pub(crate) fn quirks() -> Quirks {
    thread_local! {
        static QUIRKS: Quirks = host_quirks();
    }
    QUIRKS.with(|q| *q)
}

fn host_quirks() -> Quirks {
    let ua = get(&get(&global(), "navigator"), "userAgent")
        .as_string()
        .unwrap_or_default();
    let has = |s: &str| crate::sans_io::text::contains(&ua, s);
    if has("Chrome/") || has("Chromium/") {
        Quirks::Chromium
    } else if has("Firefox/") {
        Quirks::Firefox
    } else {
        Quirks::Spec
    }
}

/// The global `WebSocket` the page sees now.
pub(crate) fn global_websocket() -> JsValue {
    get(&global(), "WebSocket")
}

/// Sets the global `WebSocket`.
pub(crate) fn set_global_websocket(value: &JsValue) -> Result<(), JsValue> {
    Reflect::set(&global(), &JsValue::from_str("WebSocket"), value).map(|_| ())
}
