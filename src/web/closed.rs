//! A closed socket without its state: once a socket is finished, the page's
//! object swaps its backend for a JS object (`js/shim.js`, `closedBackend`)
//! that answers with the attributes as they were, and the wasm backend is
//! freed at once rather than when the garbage collector finds the page's
//! object. What a closed socket still checks (`send()` counting bytes,
//! `binaryType`, `close()`'s arguments) is here, in one object shared by all.

use wasm_bindgen::prelude::*;

use super::{data, env, glue};
use crate::sans_io::socket::{BinaryType, PageState};
use crate::sans_io::validate;

thread_local! {
    static CLOSED_RULES: JsValue = ClosedRules.into();
}

/// Has `target` (a page's `WebSocket`) let go of its backend, in a microtask.
pub(crate) fn retire(target: &JsValue) {
    CLOSED_RULES.with(|rules| glue::retire(target, rules));
}

/// What a closed socket still checks; it holds no socket, so one serves all.
#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
#[derive(Debug)]
pub struct ClosedRules;

#[wasm_bindgen]
impl ClosedRules {
    // (No doc comments on these methods: wasm-bindgen would copy them into
    // the JS glue of every page.)
    #[wasm_bindgen(js_name = sendAfterClose)]
    pub fn send_after_close(&self, buffered: f64, data: JsValue) -> f64 {
        PageState::buffered_after_close(buffered as u64, data::byte_size(&data)) as f64
    }

    #[wasm_bindgen(js_name = binaryType)]
    pub fn binary_type(&self, current: &str, value: &str) -> String {
        BinaryType::parse(value)
            .map_or(current, |t| t.as_str())
            .to_owned()
    }

    pub fn close(&self, code: Option<f64>, reason: Option<String>) -> Result<(), JsValue> {
        validate::close_arguments(code, reason, env::quirks())
            .map(|_| ())
            .map_err(|e| glue::dom_error(&e))
    }
}
