//! `WebSocketObserver` as JavaScript sees it (Playwright's `WebSocket` class),
//! over the Rust [`Observer`].

use wasm_bindgen::prelude::*;

use super::adapt;
use crate::web::observe::Observer;
use crate::web::observe::observer::{SOCKET_EVENTS, SocketEvent};

/// An observed socket, for JavaScript.
#[wasm_bindgen(js_name = WebSocketObserver)]
pub struct JsObserver(Observer);

impl From<Observer> for JsObserver {
    fn from(o: Observer) -> Self {
        JsObserver(o)
    }
}

#[wasm_bindgen(js_class = WebSocketObserver)]
impl JsObserver {
    /// The socket's URL.
    pub fn url(&self) -> String {
        self.0.url()
    }

    /// Whether the socket has closed (true before `close` listeners run).
    #[wasm_bindgen(js_name = isClosed)]
    pub fn is_closed(&self) -> bool {
        self.0.is_closed()
    }

    /// Adds a listener for `framesent`, `framereceived`, `close` or `socketerror`.
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, event: &str, listener: JsValue) -> Result<JsValue, JsValue> {
        let kind = adapt::kind(event, &SOCKET_EVENTS)?;
        let f = adapt::function(listener, "listener")?;
        let from = Some(f.clone().into());
        self.0
            .hub()
            .add(kind, adapt::listener::<SocketEvent>(f, kind), from);
        Ok(adapt::observer_handle(&self.0))
    }

    /// Removes a listener added with `on`.
    #[wasm_bindgen(skip_typescript)]
    pub fn off(&self, event: &str, listener: JsValue) -> Result<JsValue, JsValue> {
        let kind = adapt::kind(event, &SOCKET_EVENTS)?;
        self.0.hub().remove_made_from(kind, &listener);
        Ok(adapt::observer_handle(&self.0))
    }

    /// Resolves with the next event of that name the predicate accepts.
    #[wasm_bindgen(js_name = waitForEvent, skip_typescript)]
    pub fn wait_for_event(
        &self,
        event: &str,
        options: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let kind = adapt::kind(event, &SOCKET_EVENTS)?;
        adapt::wait_for(self.0.hub(), kind, &options)
    }
}
