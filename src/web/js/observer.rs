//! `WebSocketObserver` as JavaScript sees it (Playwright's `WebSocket` class),
//! over the Rust [`Observer`].

use wasm_bindgen::prelude::*;

use super::adapt::{self, ToJs};
use crate::web::data::Data;
use crate::web::observe::Observer;
use crate::web::observe::observer::{SOCKET_EVENTS, SocketEvent};

/// The object JavaScript listeners see for `o` (always the same one).
pub(crate) fn handle(o: &Observer) -> JsValue {
    o.js_handle(|o| JsObserver::from(o).into())
}

fn frame(m: &Data) -> JsValue {
    let frame = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&frame, &JsValue::from_str("payload"), &m.to_js());
    frame.into()
}

impl ToJs for SocketEvent {
    fn to_js(&self) -> JsValue {
        match self {
            SocketEvent::FrameSent(m) | SocketEvent::FrameReceived(m) => frame(m),
            SocketEvent::New(o) | SocketEvent::Close(o) => handle(o),
            SocketEvent::SocketError(e) => JsValue::from_str(e),
            // Route events reach Rust waits only.
            SocketEvent::RouteMessage(_) | SocketEvent::RouteEnded => JsValue::UNDEFINED,
        }
    }
}

/// An observed socket, for JavaScript.
#[derive(Debug)]
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
        Ok(handle(&self.0))
    }

    /// Removes a listener added with `on`.
    #[wasm_bindgen(skip_typescript)]
    pub fn off(&self, event: &str, listener: JsValue) -> Result<JsValue, JsValue> {
        let kind = adapt::kind(event, &SOCKET_EVENTS)?;
        self.0.hub().remove_made_from(kind, &listener);
        Ok(handle(&self.0))
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
