//! `WebSocketRoute` as JavaScript sees it (Playwright's names and types),
//! over the Rust [`WebSocketRoute`].

use wasm_bindgen::prelude::*;

use super::adapt;
use crate::sans_io::socket::Side;
use crate::sans_io::validate;
use crate::web::data::{Data, copy_buffer_source};
use crate::web::glue;
use crate::web::route::WebSocketRoute;

/// One side of a routed socket, for JavaScript.
#[derive(Debug)]
#[wasm_bindgen(js_name = WebSocketRoute)]
pub struct JsRoute(WebSocketRoute);

impl JsRoute {
    /// `route` as the object JavaScript gets. When its socket is finished the
    /// object gives its wasm half back at once (`retireRoute` in js/shim.js)
    /// and answers as a finished route from then on, instead of holding wasm
    /// memory until the garbage collector finds it.
    pub(crate) fn into_js(route: WebSocketRoute) -> JsValue {
        let side = route.side();
        let hook = route.clone();
        let js = JsValue::from(JsRoute(route));
        let handle = js.clone();
        hook.when_finished(move || {
            FINISHED.with(|[page, server]| {
                let finished = if side == Side::Page { page } else { server };
                glue::retire_route(&handle, finished);
            })
        });
        js
    }
}

thread_local! {
    /// A finished route on each side: what every finished route answers
    /// (one object each, for all routes).
    static FINISHED: [JsValue; 2] = [Side::Page, Side::Server]
        .map(|side| JsRoute(WebSocketRoute::finished(side)).into());
}

#[wasm_bindgen(js_class = WebSocketRoute)]
impl JsRoute {
    /// The URL of the page's socket (after normalisation).
    pub fn url(&self) -> String {
        self.0.url()
    }

    /// The subprotocols the page asked for.
    pub fn protocols(&self) -> Vec<String> {
        self.0.protocols()
    }

    /// Sends a message: to the page on the page side, to the server on the
    /// server side (queued in order until the server opens; Blobs keep their place).
    pub fn send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | ArrayBuffer | ArrayBufferView | Blob")]
        message: JsValue,
    ) -> Result<(), JsValue> {
        if message.is_string() {
            self.0.send_data(Data::text(&message));
        } else if let Some(blob) = glue::as_blob(&message) {
            self.0.send_blob(blob);
        } else if let Some(bytes) = copy_buffer_source(&message) {
            self.0.send_data(Data::owned_bytes(bytes));
        } else {
            return Err(js_sys::TypeError::new(
                "WebSocketRoute.send: message must be a string, ArrayBuffer, ArrayBufferView or Blob",
            )
            .into());
        }
        Ok(())
    }

    /// Closes this side. On the page side: no code gives the page 1005; code
    /// 1006 fails the page socket (`error`, then close 1006), refusing the connection.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "CloseOptions")] options: JsValue,
    ) -> js_sys::Promise {
        let get = |k: &str| {
            if options.is_object() {
                js_sys::Reflect::get(&options, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
            } else {
                JsValue::UNDEFINED
            }
        };
        let (code, reason) = (get("code"), get("reason"));
        let code = if code.is_undefined() {
            None
        } else {
            match code.as_f64().and_then(validate::route_close_code) {
                Some(c) => Some(c),
                None => {
                    let msg = format!(
                        "WebSocketRoute.close: code must be an integer from 1000 to 4999, got {}",
                        js_sys::JSON::stringify(&code)
                            .ok()
                            .and_then(|s| s.as_string())
                            .unwrap_or_default()
                    );
                    return js_sys::Promise::reject(&js_sys::RangeError::new(&msg));
                }
            }
        };
        let reason = (!reason.is_undefined()).then(|| glue::to_js_string(&reason));
        self.0.close_checked(code, reason);
        js_sys::Promise::resolve(&JsValue::UNDEFINED)
    }

    /// Handles messages arriving on this side (text as string, binary as
    /// ArrayBuffer) instead of forwarding them. Replaces an earlier handler.
    #[wasm_bindgen(js_name = onMessage)]
    pub fn on_message(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(message: string | ArrayBuffer) => unknown")]
        handler: js_sys::Function,
    ) {
        self.0
            .on_message_data(adapt::on_message(handler, self.0.url()));
    }

    /// Handles this side's close (code and reason, `undefined` when none was
    /// given) instead of forwarding it. Replaces an earlier handler.
    #[wasm_bindgen(js_name = onClose)]
    pub fn on_close(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(code: number | undefined, reason: string | undefined) => unknown"
        )]
        handler: js_sys::Function,
    ) {
        self.0.on_close_with(adapt::on_close(handler, self.0.url()));
    }

    /// Connects to the real server with the page's URL and protocols and returns
    /// the server-side route. Throws `Already connected to the server` on a
    /// second call, and on the server side.
    #[wasm_bindgen(js_name = connectToServer, unchecked_return_type = "WebSocketRoute")]
    pub fn connect_to_server(&self) -> Result<JsValue, JsError> {
        self.0
            .connect_to_server()
            .map(JsRoute::into_js)
            .map_err(|e| JsError::new(&e.to_string()))
    }
}
