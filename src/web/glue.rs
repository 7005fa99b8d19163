//! Imports from the JS class glue (`js/shim.js`) and the native objects the
//! edge talks to, bound so that nothing resolves the page's (possibly shimmed)
//! global `WebSocket` by accident; and the two ways the edge speaks to the
//! page on its own: console reports and `DOMException`s.

use wasm_bindgen::prelude::*;

#[cfg_attr(not(feature = "global-script"), wasm_bindgen(module = "/js/shim.js"))]
#[cfg_attr(feature = "global-script", wasm_bindgen(js_namespace = __wsroute_glue))]
extern "C" {
    /// Declares the shim class around a backend factory (once: a later call
    /// gives the class this factory and returns it).
    #[wasm_bindgen(js_name = defineWebSocketClass)]
    pub fn define_websocket_class(create: &JsValue) -> js_sys::Function;

    /// The `WebSocket` the classic script replaced before the wasm loaded
    /// (the class is in place already), once; `None` otherwise.
    #[wasm_bindgen(js_name = takePreinstalled)]
    pub fn take_preinstalled() -> Option<js_sys::Function>;

    /// `{ setTimeout, clearTimeout, performance, now }` as they were when
    /// the JS glue loaded.
    #[wasm_bindgen(js_name = ownClock)]
    pub fn own_clock() -> JsValue;

    #[wasm_bindgen(js_name = callCatching)]
    fn call_catching(f: &js_sys::Function, this: &JsValue, arg: &JsValue) -> bool;

    #[wasm_bindgen(js_name = takeError)]
    fn take_error() -> JsValue;

    /// Has `post_task` post tasks that call `run` (`scheduler.postTask`
    /// where present, else a `MessageChannel` post); false when neither is.
    #[wasm_bindgen(js_name = setTaskRunner)]
    pub fn set_task_runner(run: &JsValue) -> bool;

    #[wasm_bindgen(js_name = postTask)]
    fn post_task_caught() -> bool;

    /// In a microtask: swaps `target`'s backend for a JS object that answers
    /// as a closed socket (with `rules`) and frees the wasm one.
    pub fn retire(target: &JsValue, rules: &JsValue);

    /// Has `target`'s members reach the native `socket` without a wasm call
    /// (`null`: through the backend).
    pub fn direct(target: &JsValue, socket: &JsValue);

    /// Whether a pass-through socket can be the page's object itself (the
    /// WebSocket the class replaced is the browser's).
    #[wasm_bindgen(js_name = canBeNative)]
    pub fn can_be_native() -> bool;

    /// The page's object of a new socket, of class `new_target`: the native
    /// socket made by `native` when given, else a plain `EventTarget`.
    #[wasm_bindgen(catch)]
    pub fn instance(
        new_target: &JsValue,
        native: Option<&js_sys::Function>,
        url: &str,
        protocols: &JsValue,
    ) -> Result<JsValue, JsValue>;

    /// Makes `o` (from `instance`) a socket of the class answered by
    /// `backend`, or by the native members of `native` (`o` itself, or the
    /// native socket an unobserved one forwards) while it is given.
    pub fn own(o: &JsValue, backend: &JsValue, native: Option<&NativeSocket>);

    /// Listens first to the page's own native socket `socket`: `closed` on
    /// its close until the gate is taken, then every event to the handlers.
    pub fn gate(socket: &JsValue, closed: &JsValue) -> Gate;

    /// In a microtask: frees the wasm half of `route` (a `WebSocketRoute` of
    /// a finished socket), which from then on answers as `finished` does,
    /// keeping its own `url()` and `protocols()`.
    #[wasm_bindgen(js_name = retireRoute)]
    pub fn retire_route(route: &JsValue, finished: &JsValue);

    // A native socket's members, run as the browser's own (see `NativeSocket`).
    #[wasm_bindgen(catch, js_name = nativeSend)]
    fn native_send(s: &NativeSocket, data: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = nativeClose)]
    fn native_close(s: &NativeSocket, code: &JsValue, reason: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = nativeReadyState)]
    fn native_ready_state(s: &NativeSocket) -> u16;
    #[wasm_bindgen(js_name = nativeBufferedAmount)]
    fn native_buffered_amount(s: &NativeSocket) -> f64;
    #[wasm_bindgen(js_name = nativeUrl)]
    fn native_url(s: &NativeSocket) -> String;
    #[wasm_bindgen(js_name = nativeProtocol)]
    fn native_protocol(s: &NativeSocket) -> String;
    #[wasm_bindgen(js_name = nativeExtensions)]
    fn native_extensions(s: &NativeSocket) -> String;
    #[wasm_bindgen(js_name = nativeBinaryType)]
    fn native_binary_type(s: &NativeSocket) -> String;
    #[wasm_bindgen(js_name = nativeSetBinaryType)]
    fn native_set_binary_type(s: &NativeSocket, value: &str);

    /// Whether `value` is an ArrayBuffer of any realm (a brand check).
    #[wasm_bindgen(js_name = isArrayBuffer)]
    pub fn is_array_buffer(value: &JsValue) -> bool;

    /// A copy of `length` bytes of `buffer` (an ArrayBuffer of any realm)
    /// from `offset`, in this realm.
    #[wasm_bindgen(js_name = copyBytes)]
    pub fn copy_bytes(buffer: &JsValue, offset: u32, length: u32) -> js_sys::ArrayBuffer;

    /// The bytes of `blob` (a Blob of any realm) as an ArrayBuffer of this
    /// realm, when read.
    #[wasm_bindgen(js_name = blobBytes)]
    pub fn blob_bytes(blob: &web_sys::Blob) -> js_sys::Promise;

    /// Whether `value` is a Blob of any realm (a brand check).
    #[wasm_bindgen(js_name = isBlob)]
    pub fn is_blob(value: &JsValue) -> bool;

    /// A `message` listener for a native socket that re-fires each message
    /// at `target`, in JS.
    #[wasm_bindgen(js_name = messageForwarder)]
    pub fn message_forwarder(target: &JsValue) -> js_sys::Function;

    /// Fires a plain event (`open`, `error`) at `target`.
    #[wasm_bindgen(js_name = fireEvent)]
    pub fn fire_event(target: &JsValue, kind: &str);

    /// Fires a `message` event at `target`.
    #[wasm_bindgen(js_name = fireMessage)]
    pub fn fire_message(target: &JsValue, data: &JsValue, origin: &JsValue);

    /// Fires a `close` event at `target`.
    #[wasm_bindgen(js_name = fireClose)]
    pub fn fire_close(target: &JsValue, code: u16, reason: &str, was_clean: bool);

    /// Whether the JS string `s` has no lone surrogates.
    #[wasm_bindgen(js_name = isWellFormed)]
    pub fn is_well_formed(s: &JsValue) -> bool;

    /// The UTF-8 length of the well-formed JS string `s`.
    #[wasm_bindgen(js_name = utf8Length)]
    pub fn utf8_length(s: &JsValue) -> f64;

    /// `s` with lone surrogates replaced by U+FFFD.
    #[wasm_bindgen(js_name = toWellFormed)]
    pub fn to_well_formed(s: &JsValue) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// A socket made by the browser's own `WebSocket` constructor. A
    /// pass-through socket is also the page's object, whose members are
    /// wsroute's: its native members are reached through the JS glue (the
    /// methods below), never by property access.
    #[derive(Clone, Debug)]
    #[wasm_bindgen(extends = js_sys::Object)]
    pub type NativeSocket;

    #[wasm_bindgen(method, setter)]
    pub fn set_onopen(this: &NativeSocket, f: Option<&js_sys::Function>);
    #[wasm_bindgen(method, setter)]
    pub fn set_onmessage(this: &NativeSocket, f: Option<&js_sys::Function>);
    #[wasm_bindgen(method, setter)]
    pub fn set_onerror(this: &NativeSocket, f: Option<&js_sys::Function>);
    #[wasm_bindgen(method, setter)]
    pub fn set_onclose(this: &NativeSocket, f: Option<&js_sys::Function>);

    /// The gate `gate` returns.
    #[derive(Clone, Debug)]
    #[wasm_bindgen(extends = js_sys::Object)]
    pub type Gate;
    /// Sends every event the browser fires from now on to these handlers alone.
    #[wasm_bindgen(method)]
    pub fn take(this: &Gate, open: &JsValue, message: &JsValue, error: &JsValue, close: &JsValue);
    /// Drops the handlers (the events stay stopped).
    #[wasm_bindgen(method)]
    pub fn release(this: &Gate);

    /// A `MessageEvent` a native socket fired; its fields as JS values.
    #[wasm_bindgen(extends = js_sys::Object)]
    pub type NativeMessageEvent;
    #[wasm_bindgen(method, getter)]
    pub fn data(this: &NativeMessageEvent) -> JsValue;
    #[wasm_bindgen(method, getter)]
    pub fn origin(this: &NativeMessageEvent) -> JsValue;

    /// Any `ArrayBufferView` (typed array or DataView), read structurally.
    #[wasm_bindgen(extends = js_sys::Object)]
    pub type BufferView;
    #[wasm_bindgen(method, getter)]
    pub fn buffer(this: &BufferView) -> JsValue;
    #[wasm_bindgen(method, getter, js_name = byteOffset)]
    pub fn byte_offset(this: &BufferView) -> f64;
    #[wasm_bindgen(method, getter, js_name = byteLength)]
    pub fn byte_length(this: &BufferView) -> f64;

    /// `RegExp(source, flags)`, or the `SyntaxError` it throws.
    #[wasm_bindgen(catch, js_name = RegExp)]
    pub fn new_regexp(source: &str, flags: &str) -> Result<js_sys::RegExp, JsValue>;

    /// `String(value)`: the ECMAScript ToString a binding would apply.
    #[wasm_bindgen(js_name = String)]
    pub fn to_js_string(value: &JsValue) -> String;

    #[wasm_bindgen(js_namespace = console, js_name = error)]
    pub fn console_error2(a: &str, b: &JsValue);
}

impl NativeSocket {
    pub fn send_any(&self, data: &JsValue) -> Result<(), JsValue> {
        native_send(self, data)
    }
    pub fn close_any(&self, code: &JsValue, reason: &JsValue) -> Result<(), JsValue> {
        native_close(self, code, reason)
    }
    pub fn ready_state(&self) -> u16 {
        native_ready_state(self)
    }
    pub fn buffered_amount(&self) -> f64 {
        native_buffered_amount(self)
    }
    pub fn url(&self) -> String {
        native_url(self)
    }
    pub fn protocol(&self) -> String {
        native_protocol(self)
    }
    pub fn extensions(&self) -> String {
        native_extensions(self)
    }
    pub fn binary_type(&self) -> String {
        native_binary_type(self)
    }
    pub fn set_binary_type(&self, value: &str) {
        native_set_binary_type(self, value)
    }
}

/// `f.call(this, arg)`, with what it threw as the error.
pub fn call1(f: &js_sys::Function, this: &JsValue, arg: &JsValue) -> Result<(), JsValue> {
    if call_catching(f, this, arg) {
        Ok(())
    } else {
        Err(take_error())
    }
}

/// Posts one task that calls the runner `set_task_runner` was given, with
/// what it threw as the error.
pub fn post_task() -> Result<(), JsValue> {
    if post_task_caught() {
        Ok(())
    } else {
        Err(take_error())
    }
}

/// `value` as a Blob when it is one, of any realm (`dyn_ref` would check the
/// prototype chain of this realm's `Blob` only).
pub fn as_blob(value: &JsValue) -> Option<&web_sys::Blob> {
    is_blob(value).then(|| wasm_bindgen::JsCast::unchecked_ref(value))
}

/// Reports a problem on the console (never throws).
pub fn report(message: &str, detail: &JsValue) {
    console_error2(message, detail);
}

/// A `DOMException` for `e`, with its name (the legacy code follows from it).
pub fn dom_error(e: &crate::sans_io::validate::DomError) -> JsValue {
    match web_sys::DomException::new_with_message_and_name(e.message(), e.name()) {
        Ok(e) => e.into(),
        Err(e) => e,
    }
}
