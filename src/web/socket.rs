//! The backend behind each shim `WebSocket` instance: a thin pass-through to
//! a native socket, or a routed socket driven by [`crate::sans_io::socket::Socket`].

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, CloseEvent};

use super::data::Data;
use super::glue::{self, NativeSocket};
use super::observe::{Arrivals, Observer};
use super::route::{Callbacks, WebSocketRoute};
use super::stats::{self, Held};
use super::{dom_error, report, schedule};
use crate::sans_io::socket::{CoreError, Effect, ReadyState, Side, Socket};
use crate::sans_io::validate;

/// `WebSocket.binaryType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinaryType {
    Blob,
    ArrayBuffer,
}

impl BinaryType {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "blob" => Some(BinaryType::Blob),
            "arraybuffer" => Some(BinaryType::ArrayBuffer),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            BinaryType::Blob => "blob",
            BinaryType::ArrayBuffer => "arraybuffer",
        }
    }
}

/// The JS-side backend object of one shim instance.
#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub struct SocketBackend {
    inner: Backend,
}

enum Backend {
    Native(Rc<Passthrough>),
    Routed(Rc<Routed>),
}

impl SocketBackend {
    pub(crate) fn native(p: Rc<Passthrough>) -> Self {
        SocketBackend {
            inner: Backend::Native(p),
        }
    }

    pub(crate) fn routed(r: Rc<Routed>) -> Self {
        SocketBackend {
            inner: Backend::Routed(r),
        }
    }
}

#[wasm_bindgen]
impl SocketBackend {
    /// `WebSocket.url`.
    pub fn url(&self) -> String {
        match &self.inner {
            Backend::Native(p) => p.real.url(),
            Backend::Routed(r) => r.url.clone(),
        }
    }

    /// `WebSocket.readyState`.
    #[wasm_bindgen(js_name = readyState)]
    pub fn ready_state(&self) -> u16 {
        match &self.inner {
            Backend::Native(p) => p.real.ready_state(),
            Backend::Routed(r) => r.with_core(|c| c.ready_state() as u16),
        }
    }

    /// `WebSocket.bufferedAmount`.
    #[wasm_bindgen(js_name = bufferedAmount)]
    pub fn buffered_amount(&self) -> f64 {
        match &self.inner {
            Backend::Native(p) => p.real.buffered_amount(),
            Backend::Routed(r) => r.with_core(|c| c.buffered_amount() as f64),
        }
    }

    /// `WebSocket.protocol`.
    pub fn protocol(&self) -> String {
        match &self.inner {
            Backend::Native(p) => p.real.protocol(),
            Backend::Routed(r) => r.with_core(|c| c.protocol().to_owned()),
        }
    }

    /// `WebSocket.extensions`.
    pub fn extensions(&self) -> String {
        match &self.inner {
            Backend::Native(p) => p.real.extensions(),
            Backend::Routed(r) => r.with_core(|c| c.extensions().to_owned()),
        }
    }

    /// `WebSocket.binaryType` (getter).
    #[wasm_bindgen(js_name = binaryType)]
    pub fn binary_type(&self) -> String {
        match &self.inner {
            Backend::Native(p) => p.binary_type(),
            Backend::Routed(r) => r.binary_type.get().as_str().to_owned(),
        }
    }

    /// `WebSocket.binaryType` (setter); invalid values are ignored.
    #[wasm_bindgen(js_name = setBinaryType)]
    pub fn set_binary_type(&self, value: &str) {
        match &self.inner {
            Backend::Native(p) => p.set_binary_type(value),
            Backend::Routed(r) => {
                if let Some(t) = BinaryType::parse(value) {
                    r.binary_type.set(t);
                }
            }
        }
    }

    /// `WebSocket.send()`; `data` is a string, a BufferSource or a Blob.
    pub fn send(&self, data: JsValue) -> Result<(), JsValue> {
        match &self.inner {
            Backend::Native(p) => p.send(data),
            Backend::Routed(r) => r.page_send(data),
        }
    }

    /// `WebSocket.close()`; `code` is the number before `[Clamp]` conversion.
    pub fn close(&self, code: Option<f64>, reason: Option<String>) -> Result<(), JsValue> {
        match &self.inner {
            Backend::Native(p) => {
                let code = code.map(JsValue::from_f64).unwrap_or(JsValue::UNDEFINED);
                let reason = reason.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
                p.real.close_any(&code, &reason)
            }
            Backend::Routed(r) => r.page_close(code, reason),
        }
    }
}

// ---- events -----------------------------------------------------------------

/// What an event handler of the shim fires: each variant is built and
/// dispatched in one call into the JS glue.
enum Fire<'a> {
    Plain(&'a str),
    Message(&'a JsValue, &'a JsValue),
    Close(u16, &'a str, bool),
}

fn fire(target: &RefCell<Option<JsValue>>, event: Fire<'_>) {
    let Some(target) = target.borrow().clone() else {
        return;
    };
    match event {
        Fire::Plain(kind) => glue::fire_event(&target, kind),
        Fire::Message(data, origin) => glue::fire_message(&target, data, origin),
        Fire::Close(code, reason, clean) => glue::fire_close(&target, code, reason, clean),
    }
}

/// How a native socket's `message` events are handled.
enum OnMessage {
    /// In Rust (routed sockets, observed pass-through sockets).
    Rust(Box<dyn FnMut(JsValue)>),
    /// By a JS function that re-fires each message at the shim instance
    /// (unobserved pass-through sockets: no wasm call per message).
    Js(Function),
}

/// Closures attached to a native socket, detached when it has closed.
struct Listeners {
    socket: NativeSocket,
    _closures: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Listeners {
    fn attach(
        socket: &NativeSocket,
        on_open: impl FnMut(JsValue) + 'static,
        on_message: OnMessage,
        on_error: impl FnMut(JsValue) + 'static,
        on_close: impl FnMut(JsValue) + 'static,
    ) -> Self {
        let open = Closure::<dyn FnMut(JsValue)>::new(on_open);
        let error = Closure::<dyn FnMut(JsValue)>::new(on_error);
        let close = Closure::<dyn FnMut(JsValue)>::new(on_close);
        socket.set_onopen(Some(open.as_ref().unchecked_ref()));
        socket.set_onerror(Some(error.as_ref().unchecked_ref()));
        socket.set_onclose(Some(close.as_ref().unchecked_ref()));
        let mut closures = vec![open, error, close];
        match on_message {
            OnMessage::Rust(f) => {
                let message = Closure::wrap(f);
                socket.set_onmessage(Some(message.as_ref().unchecked_ref()));
                closures.push(message);
            }
            OnMessage::Js(f) => socket.set_onmessage(Some(&f)),
        }
        stats::add(Held::NativeListeners, 1);
        Listeners {
            socket: socket.clone(),
            _closures: closures,
        }
    }

    /// Detaches and frees the closures once the current callback has returned.
    fn release(self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onerror(None);
        self.socket.set_onclose(None);
        wasm_bindgen_futures::spawn_local(async move { drop(self) });
    }
}

impl Drop for Listeners {
    fn drop(&mut self) {
        stats::add(Held::NativeListeners, -1);
    }
}

fn construct_native(
    native: &Function,
    url: &str,
    protocols: &JsValue,
) -> Result<NativeSocket, JsValue> {
    let args = js_sys::Array::of2(&JsValue::from_str(url), protocols);
    let socket = js_sys::Reflect::construct(native, &args)?;
    Ok(socket.unchecked_into())
}

// ---- pass-through -----------------------------------------------------------

/// An unrouted socket: every call goes to a native socket, every native event
/// is re-fired at the shim instance in the same task.
///
/// When the socket is observed, the native socket always receives
/// ArrayBuffers (observers report bytes, and a Blob can only be read
/// asynchronously) and the shim applies the page's `binaryType` at dispatch.
pub(crate) struct Passthrough {
    real: NativeSocket,
    listeners: RefCell<Option<Listeners>>,
    observer: Option<Observer>,
    binary_type: Option<Cell<BinaryType>>,
    next_ticket: Cell<u64>,
}

impl Passthrough {
    pub(crate) fn new(
        native: &Function,
        target: JsValue,
        url: &str,
        protocols: &JsValue,
        observer: Option<Observer>,
    ) -> Result<Rc<Self>, JsValue> {
        let real = construct_native(native, url, protocols)?;
        let binary_type = observer.as_ref().map(|o| {
            o.hold_events_behind_sends();
            real.set_binary_type("arraybuffer");
            Cell::new(BinaryType::Blob)
        });
        let this = Rc::new(Passthrough {
            real: real.clone(),
            listeners: RefCell::new(None),
            observer,
            binary_type,
            next_ticket: Cell::new(0),
        });
        let target = Rc::new(RefCell::new(Some(target)));
        let (t1, t2, t3, t4) = (target.clone(), target.clone(), target.clone(), target);
        let (w2, w3, w4) = (
            Rc::downgrade(&this),
            Rc::downgrade(&this),
            Rc::downgrade(&this),
        );
        let opened = Rc::new(Cell::new(false));
        let opened_too = opened.clone();
        let forward_to = match &this.observer {
            None => t2.borrow().clone(),
            Some(_) => None,
        };
        let listeners = Listeners::attach(
            &real,
            move |_| {
                opened_too.set(true);
                fire(&t1, Fire::Plain("open"))
            },
            match forward_to {
                // Nothing to observe: JS re-fires each message at the shim.
                Some(target) => OnMessage::Js(glue::message_forwarder(&target)),
                None => OnMessage::Rust(Box::new(move |e: JsValue| {
                    let e: glue::NativeMessageEvent = e.unchecked_into();
                    let mut data = e.data();
                    if let Some(this) = w2.upgrade() {
                        if let Some(o) = &this.observer {
                            if let Some(d) = Data::from_js(&data) {
                                o.frame_received(d);
                            }
                        }
                        if let Some(BinaryType::Blob) = this.binary_type.as_ref().map(Cell::get) {
                            if !data.is_string() {
                                data = blob_of(&data);
                            }
                        }
                    }
                    fire(&t2, Fire::Message(&data, &e.origin()));
                })),
            },
            move |_| {
                if let Some(o) = w3.upgrade().and_then(|this| this.observer.clone()) {
                    o.socket_error(if opened.get() {
                        "the connection failed (dropped, or the server sent an invalid frame)".into()
                    } else {
                        "the handshake failed (refused, rejected or unreachable; browsers do not expose the status)".into()
                    });
                }
                fire(&t3, Fire::Plain("error"))
            },
            move |e| {
                let e: CloseEvent = e.unchecked_into();
                let this = w4.upgrade();
                if let Some(o) = this.as_ref().and_then(|t| t.observer.as_ref()) {
                    o.closed();
                }
                fire(&t4, Fire::Close(e.code(), &e.reason(), e.was_clean()));
                // Break the shim -> backend -> closure -> shim cycle.
                t4.borrow_mut().take();
                if let Some(l) = this.and_then(|t| t.listeners.borrow_mut().take()) {
                    l.release();
                }
            },
        );
        *this.listeners.borrow_mut() = Some(listeners);
        Ok(this)
    }

    fn binary_type(&self) -> String {
        match &self.binary_type {
            Some(t) => t.get().as_str().to_owned(),
            None => self.real.binary_type(),
        }
    }

    fn set_binary_type(&self, value: &str) {
        match &self.binary_type {
            Some(t) => {
                if let Some(v) = BinaryType::parse(value) {
                    t.set(v);
                }
            }
            None => self.real.set_binary_type(value),
        }
    }

    fn send(&self, data: JsValue) -> Result<(), JsValue> {
        let open = self.observer.is_some() && self.real.ready_state() == ReadyState::Open as u16;
        self.real.send_any(&data)?;
        if let (true, Some(o)) = (open, &self.observer) {
            match glue::as_blob(&data) {
                Some(blob) => {
                    let ticket = self.next_ticket.get();
                    self.next_ticket.set(ticket.wrapping_add(1));
                    o.frame_sent_pending(ticket);
                    let o = o.clone();
                    read_blob(blob, move |m| o.frame_sent_resolved(ticket, m));
                }
                None => {
                    if let Some(d) = Data::from_js(&data) {
                        o.frame_sent(d);
                    }
                }
            }
        }
        Ok(())
    }
}

/// A Blob holding the bytes of an ArrayBuffer.
fn blob_of(buffer: &JsValue) -> JsValue {
    Blob::new_with_buffer_source_sequence(&js_sys::Array::of1(buffer))
        .map(Into::into)
        .unwrap_or(JsValue::NULL)
}

/// Reads `blob` asynchronously; `done` gets its bytes, or `None` (reported on
/// the console) when reading failed.
fn read_blob(blob: &Blob, done: impl FnOnce(Option<Data>) + 'static) {
    let read = blob.array_buffer();
    wasm_bindgen_futures::spawn_local(async move {
        let bytes = match wasm_bindgen_futures::JsFuture::from(read).await {
            Ok(buf) => Some(Data::owned_bytes(buf.unchecked_into())),
            Err(e) => {
                report("wsroute: reading a Blob failed:", &e);
                None
            }
        };
        done(bytes);
    });
}

// ---- routed -----------------------------------------------------------------

/// A routed socket: the state machine plus everything it needs to act.
pub(crate) struct Routed {
    core: RefCell<Socket<Data>>,
    target: RefCell<Option<JsValue>>,
    pub(crate) url: String,
    /// `MessageEvent.origin` of the page's messages (the URL's origin).
    origin: JsValue,
    binary_type: Cell<BinaryType>,
    pub(crate) callbacks: RefCell<Callbacks>,
    native: Function,
    real: RefCell<Option<NativeSocket>>,
    real_listeners: RefCell<Option<Listeners>>,
    real_failed: Cell<bool>,
    next_ticket: Cell<u64>,
    quirks: validate::Quirks,
    observer: Option<Observer>,
    failure: RefCell<Option<String>>,
    /// What arrives on the page side and on the server side of the route.
    pub(crate) arrivals: [Arrivals; 2],
}

impl Routed {
    pub(crate) fn new(
        target: JsValue,
        url: String,
        protocols: Vec<String>,
        callbacks: Callbacks,
        native: Function,
        quirks: validate::Quirks,
        observer: Option<Observer>,
    ) -> Rc<Self> {
        let origin = JsValue::from(
            web_sys::Url::new(&url)
                .map(|u| u.origin())
                .unwrap_or_default(),
        );
        let this = Rc::new(Routed {
            core: RefCell::new(Socket::new(protocols)),
            target: RefCell::new(Some(target)),
            url,
            origin,
            binary_type: Cell::new(BinaryType::Blob),
            callbacks: RefCell::new(callbacks),
            native,
            real: RefCell::new(None),
            real_listeners: RefCell::new(None),
            real_failed: Cell::new(false),
            next_ticket: Cell::new(0),
            quirks,
            observer,
            failure: RefCell::new(None),
            arrivals: Default::default(),
        });
        this.pump();
        this
    }

    /// Reads the state machine. Never held across a call into JS.
    pub(crate) fn with_core<R>(&self, f: impl FnOnce(&Socket<Data>) -> R) -> R {
        f(&self.core.borrow())
    }

    /// Feeds the state machine, then executes what it asks for.
    pub(crate) fn input<R>(self: &Rc<Self>, f: impl FnOnce(&mut Socket<Data>) -> R) -> R {
        let r = f(&mut self.core.borrow_mut());
        self.pump();
        r
    }

    /// Executes pending effects in order. Re-entrant calls (user code calling
    /// back into wsroute) drain the same queue, so order is kept.
    pub(crate) fn pump(self: &Rc<Self>) {
        loop {
            let effect = match self.core.try_borrow_mut() {
                Ok(mut core) => core.poll_effect(),
                Err(_) => return,
            };
            match effect {
                Some(effect) => self.execute(effect),
                None => return,
            }
        }
    }

    pub(crate) fn run_task(self: &Rc<Self>) {
        self.input(|c| c.run_task());
    }

    fn execute(self: &Rc<Self>, effect: Effect<Data>) {
        match effect {
            Effect::ScheduleTask => schedule::schedule(self.clone()),
            Effect::RunHandler => self.run_handler(),
            Effect::DispatchOpen => fire(&self.target, Fire::Plain("open")),
            Effect::DispatchMessage(m) => {
                if let Some(o) = &self.observer {
                    o.frame_received(m.clone());
                }
                let data = self.page_data(m);
                fire(&self.target, Fire::Message(&data, &self.origin));
            }
            Effect::DispatchError => {
                if let Some(o) = &self.observer {
                    let what = self.failure.borrow_mut().take();
                    o.socket_error(what.unwrap_or_else(|| "the connection failed".into()));
                }
                fire(&self.target, Fire::Plain("error"))
            }
            Effect::DispatchClose {
                code,
                reason,
                was_clean,
            } => {
                if let Some(o) = &self.observer {
                    o.closed();
                }
                self.arrivals_on(Side::Page).end();
                fire(&self.target, Fire::Close(code, &reason, was_clean))
            }
            Effect::CallOnMessage { side, message } => {
                Callbacks::call_on_message(self, side, message)
            }
            Effect::CallOnClose { side, code, reason } => {
                Callbacks::call_on_close(self, side, code, reason)
            }
            Effect::OpenServer => self.open_server(),
            Effect::SendToServer(m) => {
                if let Some(real) = self.real.borrow().clone() {
                    if let Err(e) = real.send_any(m.shared()) {
                        report(&format!("wsroute: sending to {} failed:", self.url), &e);
                    }
                }
            }
            Effect::CloseServer { code, reason } => self.close_server(code, reason),
            Effect::Finished => self.release(),
        }
    }

    /// `MessageEvent.data` for `m` under the current `binaryType`.
    fn page_data(&self, m: Data) -> JsValue {
        if !m.is_text() && self.binary_type.get() == BinaryType::Blob {
            return blob_of(m.shared());
        }
        m.into_js()
    }

    fn run_handler(self: &Rc<Self>) {
        let route = WebSocketRoute::new(self.clone(), Side::Page);
        match Callbacks::run_route_handler(self, route) {
            Ok(None) => self.input(|c| c.handler_returned()),
            Ok(Some(promise)) => {
                let this = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match wasm_bindgen_futures::JsFuture::from(promise).await {
                        Ok(_) => this.input(|c| c.handler_returned()),
                        Err(e) => this.handler_failed(&e),
                    }
                });
            }
            Err(e) => self.handler_failed(&e),
        }
    }

    pub(crate) fn handler_failed(self: &Rc<Self>, error: &JsValue) {
        self.note_failure(|| format!("the route handler threw: {}", glue::to_js_string(error)));
        report(
            &format!("wsroute: the route handler for {} failed:", self.url),
            error,
        );
        self.input(|c| c.handler_failed());
    }

    // ---- page calls ----

    fn page_send(self: &Rc<Self>, data: JsValue) -> Result<(), JsValue> {
        let invalid_state = |e: CoreError| {
            let e = validate::DomError::InvalidState(e.to_string());
            dom_error(e.name(), e.message())
        };
        let state = self.with_core(|c| c.ready_state());
        if state == ReadyState::Connecting {
            return Err(invalid_state(CoreError::StillConnecting));
        }
        // Only frames that are transmitted (state OPEN) are reported.
        let observer = self.observer.as_ref().filter(|_| state == ReadyState::Open);
        if let Some(blob) = glue::as_blob(&data) {
            let ticket = self.next_ticket();
            let size = blob.size() as u64;
            if let Some(o) = observer {
                o.frame_sent_pending(ticket);
            }
            self.input(|c| c.page_send_pending(ticket, size))
                .map_err(invalid_state)?;
            if state == ReadyState::Open {
                let (this, observer) = (self.clone(), observer.cloned());
                read_blob(blob, move |bytes| {
                    if let Some(m) = &bytes {
                        this.arrivals_on(Side::Page).message(m);
                    }
                    if let Some(o) = observer {
                        o.frame_sent_resolved(ticket, bytes.clone());
                    }
                    this.input(|c| match bytes {
                        Some(m) => c.page_blob_read(ticket, m),
                        None => c.page_blob_failed(ticket),
                    });
                });
            }
        } else {
            // The shim passes only strings and BufferSources here.
            let Some(message) = Data::from_js(&data) else {
                return Ok(());
            };
            if state == ReadyState::Open {
                self.arrivals_on(Side::Page).message(&message);
            }
            if let Some(o) = observer {
                o.frame_sent(message.clone());
            }
            self.input(|c| c.page_send(message))
                .map_err(invalid_state)?;
        }
        Ok(())
    }

    fn page_close(
        self: &Rc<Self>,
        code: Option<f64>,
        reason: Option<String>,
    ) -> Result<(), JsValue> {
        // Chromium's bindings convert an explicit `undefined` code followed by
        // a reason as 0 rather than as "not present".
        let code = match (code, &reason, self.quirks) {
            (None, Some(_), validate::Quirks::Chromium) => Some(0.0),
            (c, _, _) => c,
        };
        let code = code.map(|c| validate::clamp_close_code(c, self.quirks));
        validate::validate_close(code, reason.as_deref())
            .map_err(|e| dom_error(e.name(), &e.to_string()))?;
        if self.with_core(|c| c.ready_state()) == ReadyState::Connecting {
            self.note_failure(|| "the page closed the socket before it opened".into());
        }
        self.input(|c| c.page_close(code, reason));
        Ok(())
    }

    pub(crate) fn next_ticket(&self) -> u64 {
        let ticket = self.next_ticket.get();
        self.next_ticket.set(ticket.wrapping_add(1));
        ticket
    }

    /// Reads `blob` (asynchronously), then feeds its bytes, or `None` when
    /// reading failed, to the state machine through `done`.
    /// Reads `blob`, then feeds its bytes (or `None` when reading failed) to
    /// the state machine through `done`.
    pub(crate) fn read_blob(
        self: &Rc<Self>,
        blob: &Blob,
        done: impl FnOnce(&mut Socket<Data>, Option<Data>) + 'static,
    ) {
        let this = self.clone();
        read_blob(blob, move |bytes| this.input(|c| done(c, bytes)));
    }

    pub(crate) fn arrivals_on(&self, side: Side) -> &Arrivals {
        let [page, server] = &self.arrivals;
        match side {
            Side::Page => page,
            Side::Server => server,
        }
    }

    /// Remembers why the page socket is about to fail, for `socketerror`.
    pub(crate) fn note_failure(&self, what: impl FnOnce() -> String) {
        if self.observer.is_some() {
            let mut f = self.failure.borrow_mut();
            if f.is_none() {
                *f = Some(what());
            }
        }
    }

    // ---- the real socket ----

    fn open_server(self: &Rc<Self>) {
        let protocols: js_sys::Array = self
            .with_core(|c| c.requested_protocols().to_vec())
            .into_iter()
            .map(JsValue::from)
            .collect();
        let real = match construct_native(&self.native, &self.url, &protocols.into()) {
            Ok(real) => real,
            Err(e) => {
                report(&format!("wsroute: connecting to {} failed:", self.url), &e);
                self.note_failure(|| {
                    format!(
                        "connecting to the server failed: {}",
                        glue::to_js_string(&e)
                    )
                });
                self.input(|c| {
                    c.server_closed(crate::sans_io::socket::ABNORMAL, String::new(), false, true)
                });
                return;
            }
        };
        real.set_binary_type("arraybuffer");
        let (w1, w2, w3, w4) = (
            Rc::downgrade(self),
            Rc::downgrade(self),
            Rc::downgrade(self),
            Rc::downgrade(self),
        );
        let listeners = Listeners::attach(
            &real,
            move |_| {
                if let Some(this) = w1.upgrade() {
                    let real = this.real.borrow().clone();
                    if let Some(real) = real {
                        let (p, x) = (real.protocol(), real.extensions());
                        this.input(|c| c.server_opened(p, x));
                    }
                }
            },
            OnMessage::Rust(Box::new(move |e: JsValue| {
                if let Some(this) = w2.upgrade() {
                    let e: glue::NativeMessageEvent = e.unchecked_into();
                    let data = e.data();
                    // Received text is well-formed already, and binary
                    // arrives as a new ArrayBuffer only we hold.
                    let m = if data.is_string() {
                        Data::text(&data)
                    } else {
                        Data::owned_bytes(data.unchecked_into())
                    };
                    this.arrivals_on(Side::Server).message(&m);
                    this.input(|c| c.server_message(m));
                }
            })),
            move |_| {
                if let Some(this) = w3.upgrade() {
                    this.real_failed.set(true);
                    let opened = this.with_core(|c| c.ready_state()) != ReadyState::Connecting;
                    this.note_failure(|| {
                        if opened {
                            "the connection to the server failed (dropped, or an invalid frame)".into()
                        } else {
                            "the handshake with the server failed (refused, rejected or unreachable)".into()
                        }
                    });
                }
            },
            move |e| {
                if let Some(this) = w4.upgrade() {
                    let e: CloseEvent = e.unchecked_into();
                    let failed = this.real_failed.get();
                    this.input(|c| c.server_closed(e.code(), e.reason(), e.was_clean(), failed));
                    this.arrivals_on(Side::Server).end();
                    if let Some(l) = this.real_listeners.borrow_mut().take() {
                        l.release();
                    }
                }
            },
        );
        *self.real.borrow_mut() = Some(real);
        *self.real_listeners.borrow_mut() = Some(listeners);
    }

    fn close_server(&self, code: Option<u16>, reason: Option<String>) {
        let Some(real) = self.real.borrow().clone() else {
            return;
        };
        // A browser may only send 1000 or 3000-4999; other codes a route or a
        // server used travel as 1000 with the reason kept.
        let code = code.map(|c| {
            if c == 1000 || (3000..=4999).contains(&c) {
                c
            } else {
                1000
            }
        });
        let js_code = code.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let js_reason = match (&code, reason) {
            (Some(_), Some(r)) if r.len() <= 123 => JsValue::from(r),
            _ => JsValue::UNDEFINED,
        };
        if real.close_any(&js_code, &js_reason).is_err() {
            let _ = real.close_any(&JsValue::UNDEFINED, &JsValue::UNDEFINED);
        }
    }

    /// Both sides are done: drop what keeps JS objects alive, and the memory
    /// of the emptied queues (the page may keep the socket object for long).
    fn release(&self) {
        if let Ok(mut core) = self.core.try_borrow_mut() {
            core.compact();
        }
        self.target.borrow_mut().take();
        self.callbacks.borrow_mut().clear();
        self.real.borrow_mut().take();
        if let Some(l) = self.real_listeners.borrow_mut().take() {
            l.release();
        }
    }
}
