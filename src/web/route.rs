//! `WebSocketRoute`: the handle a route handler gets, for JavaScript and Rust.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::*;

use super::data::{Data, copy_buffer_source};
use super::report;
use super::socket::Routed;
use super::stats::{self, Held};
use crate::sans_io::message::Message;
use crate::sans_io::socket::{CoreError, HandlerKind, Side};
use crate::sans_io::validate;

/// A route handler, as registered.
#[derive(Clone)]
pub(crate) enum RouteHandler {
    Js(Function),
    Rust(Rc<RefCell<dyn FnMut(WebSocketRoute)>>),
}

pub(crate) enum OnMessage {
    Js(Function),
    Rust(Box<dyn FnMut(Message)>),
}

pub(crate) enum OnClose {
    Js(Function),
    Rust(Box<dyn FnMut(Option<u16>, Option<String>)>),
}

/// The user code attached to one routed socket.
pub(crate) struct Callbacks {
    handler: Option<RouteHandler>,
    on_message: [Option<OnMessage>; 2],
    on_close: [Option<OnClose>; 2],
    released: bool,
}

impl Drop for Callbacks {
    fn drop(&mut self) {
        self.clear();
    }
}

fn slot(side: Side) -> usize {
    match side {
        Side::Page => 0,
        Side::Server => 1,
    }
}

impl Callbacks {
    pub(crate) fn new(handler: RouteHandler) -> Self {
        stats::add(Held::RouteCallbacks, 1);
        Callbacks {
            handler: Some(handler),
            on_message: [None, None],
            on_close: [None, None],
            released: false,
        }
    }

    /// Drops every callback (they may hold JS objects that hold the socket:
    /// a cycle the garbage collector cannot see through wasm).
    pub(crate) fn clear(&mut self) {
        if !self.released {
            stats::add(Held::RouteCallbacks, -1);
        }
        self.handler = None;
        self.on_message = [None, None];
        self.on_close = [None, None];
        self.released = true;
    }

    /// Runs the route handler. `Ok(Some(promise))` when it returned a thenable.
    pub(crate) fn run_route_handler(
        socket: &Rc<Routed>,
        route: WebSocketRoute,
    ) -> Result<Option<js_sys::Promise>, JsValue> {
        let handler = socket.callbacks.borrow().handler.clone();
        match handler {
            None => Ok(None),
            Some(RouteHandler::Js(f)) => {
                let ret = f.call1(&JsValue::UNDEFINED, &route.into())?;
                let then = if ret.is_object() {
                    js_sys::Reflect::get(&ret, &JsValue::from_str("then"))?
                } else {
                    JsValue::UNDEFINED
                };
                if then.is_function() {
                    Ok(Some(js_sys::Promise::resolve(&ret)))
                } else {
                    Ok(None)
                }
            }
            Some(RouteHandler::Rust(h)) => match h.try_borrow_mut() {
                Ok(mut h) => {
                    h(route);
                    Ok(None)
                }
                Err(_) => Err(JsValue::from_str(
                    "the Rust route handler is already running",
                )),
            },
        }
    }

    pub(crate) fn call_on_message(socket: &Rc<Routed>, side: Side, message: Data) {
        let i = slot(side);
        let taken = socket
            .callbacks
            .borrow_mut()
            .on_message
            .get_mut(i)
            .and_then(Option::take);
        match taken {
            None => {}
            Some(OnMessage::Js(f)) => {
                if let Some(s) = socket.callbacks.borrow_mut().on_message.get_mut(i) {
                    s.get_or_insert(OnMessage::Js(f.clone()));
                }
                if let Err(e) = super::glue::call1(&f, &JsValue::UNDEFINED, &message.into_js()) {
                    report(
                        &format!("wsroute: onMessage handler for {} threw:", socket.url),
                        &e,
                    );
                }
            }
            Some(OnMessage::Rust(mut f)) => {
                f(message.into_message());
                let mut cbs = socket.callbacks.borrow_mut();
                if !cbs.released {
                    if let Some(s) = cbs.on_message.get_mut(i) {
                        s.get_or_insert(OnMessage::Rust(f));
                    }
                }
            }
        }
    }

    pub(crate) fn call_on_close(
        socket: &Rc<Routed>,
        side: Side,
        code: Option<u16>,
        reason: Option<String>,
    ) {
        let i = slot(side);
        let taken = socket
            .callbacks
            .borrow_mut()
            .on_close
            .get_mut(i)
            .and_then(Option::take);
        match taken {
            None => {}
            Some(OnClose::Js(f)) => {
                if let Some(s) = socket.callbacks.borrow_mut().on_close.get_mut(i) {
                    s.get_or_insert(OnClose::Js(f.clone()));
                }
                let code = code.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
                let reason = reason.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
                if let Err(e) = f.call2(&JsValue::UNDEFINED, &code, &reason) {
                    report(
                        &format!("wsroute: onClose handler for {} threw:", socket.url),
                        &e,
                    );
                }
            }
            Some(OnClose::Rust(mut f)) => {
                f(code, reason);
                let mut cbs = socket.callbacks.borrow_mut();
                if !cbs.released {
                    if let Some(s) = cbs.on_close.get_mut(i) {
                        s.get_or_insert(OnClose::Rust(f));
                    }
                }
            }
        }
    }
}

/// Why a route call was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteError {
    /// `connect_to_server()` was called a second time.
    AlreadyConnected,
    /// `connect_to_server()` was called on the server-side route.
    NotPageSide,
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::AlreadyConnected => f.write_str("Already connected to the server"),
            RouteError::NotPageSide => {
                f.write_str("connectToServer must be called on the page-side WebSocketRoute")
            }
        }
    }
}

impl std::error::Error for RouteError {}

/// One side of a routed socket, as Playwright's
/// [`WebSocketRoute`](https://playwright.dev/docs/api/class-websocketroute).
///
/// The handler registered with a route receives the *page side*: `send()`
/// delivers to the page, `close()` closes the page's socket, `on_message()`
/// receives what the page sends. [`WebSocketRoute::connect_to_server`] returns
/// the *server side*, whose methods talk to the real server.
///
/// ```no_run
/// # fn demo(guard: &wsroute::Installed) {
/// use wsroute::Message;
/// guard.route("wss://example.test/ws", |ws| {
///     let reply = ws.clone();
///     ws.on_message(move |m| {
///         if m.text() == Some("ping") {
///             reply.send("pong");
///         }
///     });
/// });
/// # }
/// ```
#[wasm_bindgen]
#[derive(Clone)]
pub struct WebSocketRoute {
    socket: Rc<Routed>,
    side: Side,
}

impl WebSocketRoute {
    pub(crate) fn new(socket: Rc<Routed>, side: Side) -> Self {
        WebSocketRoute { socket, side }
    }

    /// Sends a message: to the page on the page side, to the server on the
    /// server side (queued in order while the real socket is connecting).
    pub fn send(&self, message: impl Into<Message>) {
        self.send_data(Data::from_message(message.into()));
    }

    fn send_data(&self, m: Data) {
        let side = self.side;
        self.socket.input(|c| c.route_send(side, m));
    }

    /// Closes this side without a status code (the page sees 1005).
    pub fn close(&self) {
        self.close_with(None, None);
    }

    /// Closes this side with an optional code and reason. On the page side,
    /// code 1006 fails the page socket (`error`, then close 1006, not clean):
    /// this is how a route refuses a connection.
    pub fn close_with(&self, code: Option<u16>, reason: Option<&str>) {
        let side = self.side;
        if side == Side::Page && code == Some(crate::sans_io::socket::ABNORMAL) {
            self.socket
                .note_failure(|| "the route refused the connection (close 1006)".into());
        }
        let reason = reason.map(str::to_owned);
        self.socket.input(|c| c.route_close(side, code, reason));
    }

    /// Handles messages arriving on this side instead of forwarding them.
    pub fn on_message(&self, handler: impl FnMut(Message) + 'static) {
        self.set_on_message(OnMessage::Rust(Box::new(handler)));
    }

    /// Handles this side's close instead of forwarding it: receives the code
    /// and reason (`None` when none was given).
    pub fn on_close(&self, handler: impl FnMut(Option<u16>, Option<String>) + 'static) {
        self.set_on_close(OnClose::Rust(Box::new(handler)));
    }

    /// Waits for the next message arriving on this side that `predicate`
    /// accepts: on the page side what the page sends, on the server side what
    /// the server sends (whether or not `on_message` handles it). Fails with
    /// [`WaitError::Closed`](crate::WaitError::Closed) when this side closes
    /// first, or after the timeout (30 s unless set with `.timeout(..)`).
    ///
    /// ```no_run
    /// # async fn demo(route: wsroute::WebSocketRoute) -> Result<(), wsroute::WaitError> {
    /// let hello = route.wait_for_message(|m| m.text() == Some("hello")).await?;
    /// # let _ = hello; Ok(()) }
    /// ```
    pub fn wait_for_message(
        &self,
        predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> crate::Wait<Message> {
        self.socket.arrivals_on(self.side).wait(predicate)
    }

    /// Connects to the real server and returns the server-side route.
    pub fn connect_to_server(&self) -> Result<WebSocketRoute, RouteError> {
        if self.side != Side::Page {
            return Err(RouteError::NotPageSide);
        }
        self.socket
            .input(|c| c.connect_to_server())
            .map_err(|e| match e {
                CoreError::AlreadyConnected => RouteError::AlreadyConnected,
                CoreError::StillConnecting => RouteError::AlreadyConnected,
            })?;
        Ok(WebSocketRoute::new(self.socket.clone(), Side::Server))
    }

    fn set_on_message(&self, handler: OnMessage) {
        if let Some(s) = self
            .socket
            .callbacks
            .borrow_mut()
            .on_message
            .get_mut(slot(self.side))
        {
            *s = Some(handler);
        }
        let side = self.side;
        self.socket
            .input(|c| c.set_handler(side, HandlerKind::Message));
    }

    fn set_on_close(&self, handler: OnClose) {
        if let Some(s) = self
            .socket
            .callbacks
            .borrow_mut()
            .on_close
            .get_mut(slot(self.side))
        {
            *s = Some(handler);
        }
        let side = self.side;
        self.socket
            .input(|c| c.set_handler(side, HandlerKind::Close));
    }
}

#[wasm_bindgen]
impl WebSocketRoute {
    /// The URL of the page's socket (after normalisation).
    pub fn url(&self) -> String {
        self.socket.url.clone()
    }

    /// The subprotocols the page asked for.
    pub fn protocols(&self) -> Vec<String> {
        self.socket.with_core(|c| c.requested_protocols().to_vec())
    }

    /// Sends a message: to the page on the page side, to the server on the
    /// server side (queued in order until the server opens; Blobs keep their place).
    #[doc(hidden)]
    #[wasm_bindgen(js_name = send)]
    pub fn js_send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | ArrayBuffer | ArrayBufferView | Blob")]
        message: JsValue,
    ) -> Result<(), JsValue> {
        if message.is_string() {
            self.send_data(Data::text(&message));
        } else if let Some(blob) = super::glue::as_blob(&message) {
            // Later sends and closes on this side wait for the bytes.
            let (side, ticket) = (self.side, self.socket.next_ticket());
            self.socket.input(|c| c.route_send_pending(side, ticket));
            self.socket.read_blob(blob, move |c, bytes| match bytes {
                Some(m) => c.route_blob_read(side, ticket, m),
                None => c.route_blob_failed(side, ticket),
            });
        } else if let Some(bytes) = copy_buffer_source(&message) {
            self.send_data(Data::owned_bytes(bytes));
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
    #[doc(hidden)]
    #[wasm_bindgen(js_name = close, unchecked_return_type = "Promise<void>")]
    pub fn js_close(
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
            match code.as_f64() {
                Some(c)
                    if c.fract() == 0.0
                        && c >= 0.0
                        && c <= f64::from(u16::MAX)
                        && validate::route_close_code_ok(c as u16) =>
                {
                    Some(c as u16)
                }
                _ => {
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
        let reason = if reason.is_undefined() {
            None
        } else {
            Some(super::glue::to_js_string(&reason))
        };
        self.close_with(code, reason.as_deref());
        js_sys::Promise::resolve(&JsValue::UNDEFINED)
    }

    /// Handles messages arriving on this side (text as string, binary as
    /// ArrayBuffer) instead of forwarding them. Replaces an earlier handler.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = onMessage)]
    pub fn js_on_message(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(message: string | ArrayBuffer) => unknown")]
        handler: Function,
    ) {
        self.set_on_message(OnMessage::Js(handler));
    }

    /// Handles this side's close (code and reason, `undefined` when none was
    /// given) instead of forwarding it. Replaces an earlier handler.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = onClose)]
    pub fn js_on_close(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "(code: number | undefined, reason: string | undefined) => unknown"
        )]
        handler: Function,
    ) {
        self.set_on_close(OnClose::Js(handler));
    }

    /// Connects to the real server with the page's URL and protocols and returns
    /// the server-side route. Throws `Already connected to the server` on a
    /// second call, and on the server side.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = connectToServer)]
    pub fn js_connect_to_server(&self) -> Result<WebSocketRoute, JsError> {
        self.connect_to_server()
            .map_err(|e| JsError::new(&e.to_string()))
    }
}
