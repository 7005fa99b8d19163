//! Observing sockets, as Playwright's `WebSocket` class does: `framesent`,
//! `framereceived`, `close`, `socketerror`, and `waitForEvent` — for every
//! socket the page creates (mocked, connected and pass-through alike).
//!
//! One [`Hub`] holds listeners and waiters; each observed socket has one, and
//! a global hub reports new sockets (`on('websocket')`). Everything is
//! delivered synchronously at the moment the page-visible fact happens
//! (`send()` returned, an event is about to be dispatched), so a wait set up
//! before an action always sees what the action causes.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::data::Data;
use super::report;
use super::stats::{self, Held};
use crate::sans_io::message::Message;
use crate::sans_io::ordered::Ordered;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);
}

/// What can be observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    WebSocket,
    FrameSent,
    FrameReceived,
    Close,
    SocketError,
    /// A message arriving on one side of a route (Rust waits only).
    RouteMessage,
}

impl Kind {
    fn parse(name: &str) -> Option<Kind> {
        match name {
            "websocket" => Some(Kind::WebSocket),
            "framesent" => Some(Kind::FrameSent),
            "framereceived" => Some(Kind::FrameReceived),
            "close" => Some(Kind::Close),
            "socketerror" => Some(Kind::SocketError),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::WebSocket => "websocket",
            Kind::FrameSent => "framesent",
            Kind::FrameReceived => "framereceived",
            Kind::Close => "close",
            Kind::SocketError => "socketerror",
            Kind::RouteMessage => "message",
        }
    }
}

/// An observed event's value.
#[derive(Clone)]
pub(crate) enum Value {
    Socket(Observer),
    Frame(Data),
    Closed(Observer),
    /// One side of a route has closed (ends waits on that side).
    Ended,
    Error(String),
}

impl Value {
    fn to_js(&self) -> JsValue {
        match self {
            Value::Socket(o) | Value::Closed(o) => o.js_handle(),
            Value::Error(e) => JsValue::from_str(e),
            Value::Ended => JsValue::UNDEFINED,
            Value::Frame(m) => {
                let payload = m.to_js();
                let frame = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&frame, &JsValue::from_str("payload"), &payload);
                frame.into()
            }
        }
    }
}

/// Why a wait ended without its event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitError {
    /// The socket closed first (`Socket closed`).
    Closed,
    /// The socket failed first (`Socket error`); the text says what failed.
    SocketError(String),
    /// Nothing matched within the timeout.
    Timeout {
        /// The event waited for.
        event: &'static str,
        /// The timeout.
        after: Duration,
    },
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Closed => f.write_str("Socket closed"),
            WaitError::SocketError(_) => f.write_str("Socket error"),
            WaitError::Timeout { event, after } => write!(
                f,
                "Timeout {}ms exceeded while waiting for event \"{event}\"",
                after.as_millis() as u64
            ),
        }
    }
}

impl std::error::Error for WaitError {}

impl WaitError {
    fn to_js(&self) -> JsValue {
        let e = js_sys::Error::new(&self.to_string());
        if matches!(self, WaitError::Timeout { .. }) {
            e.set_name("TimeoutError");
        }
        e.into()
    }
}

type RustListener = Rc<RefCell<dyn FnMut(&Value)>>;

#[derive(Clone)]
enum Callback {
    Js(Function),
    Rust(RustListener),
}

struct Entry {
    id: u64,
    kind: Kind,
    callback: Callback,
}

enum Predicate {
    Js(Function),
    Rust(Box<dyn FnMut(&Value) -> bool>),
}

enum Settle {
    Js { resolve: Function, reject: Function },
    Rust(Rc<RefCell<Slot>>),
}

#[derive(Default)]
struct Slot {
    result: Option<Result<Value, WaitError>>,
    waker: Option<Waker>,
}

/// A running `setTimeout`: its id and the callback it will call.
type Timer = (JsValue, Closure<dyn FnMut()>);

/// A pending `waitForEvent`.
struct Waiter {
    kind: Kind,
    predicate: RefCell<Option<Predicate>>,
    settle: RefCell<Option<Settle>>,
    timer: RefCell<Option<Timer>>,
    hub: Weak<Hub>,
}

impl Waiter {
    fn is_settled(&self) -> bool {
        self.settle.borrow().is_none()
    }

    fn finish(self: &Rc<Self>, result: Result<Value, WaitError>) {
        let Some(settle) = self.settle.borrow_mut().take() else {
            return;
        };
        self.predicate.borrow_mut().take();
        if let Some((id, closure)) = self.timer.borrow_mut().take() {
            clear_timeout(&id);
            // Not freed here: this may run inside the timer's own callback.
            wasm_bindgen_futures::spawn_local(async move { drop(closure) });
        }
        if let Some(hub) = self.hub.upgrade() {
            hub.waiters.borrow_mut().retain(|w| !Rc::ptr_eq(w, self));
        }
        match settle {
            Settle::Js { resolve, reject } => {
                let _ = match result {
                    Ok(v) => resolve.call1(&JsValue::UNDEFINED, &v.to_js()),
                    Err(e) => reject.call1(&JsValue::UNDEFINED, &e.to_js()),
                };
            }
            Settle::Rust(slot) => {
                let waker = {
                    let mut slot = slot.borrow_mut();
                    slot.result = Some(result);
                    slot.waker.take()
                };
                if let Some(w) = waker {
                    w.wake();
                }
            }
        }
    }

    fn start_timer(self: &Rc<Self>, timeout: Duration) {
        if timeout.is_zero() || self.is_settled() {
            return;
        }
        let weak = Rc::downgrade(self);
        let (event, after) = (self.kind.name(), timeout);
        let closure = Closure::<dyn FnMut()>::new(move || {
            if let Some(w) = weak.upgrade() {
                w.finish(Err(WaitError::Timeout { event, after }));
            }
        });
        let id = set_timeout(closure.as_ref().unchecked_ref(), timeout.as_millis() as f64);
        *self.timer.borrow_mut() = Some((id, closure));
    }

    /// Offers an event. Returns after the waiter settled or declined; an async
    /// JS predicate settles later.
    fn offer(self: &Rc<Self>, kind: Kind, value: &Value) {
        if self.is_settled() {
            return;
        }
        if kind != self.kind {
            match value {
                Value::Closed(_) | Value::Ended => self.finish(Err(WaitError::Closed)),
                Value::Error(e) => self.finish(Err(WaitError::SocketError(e.clone()))),
                _ => {}
            }
            return;
        }
        let predicate = self.predicate.borrow_mut().take();
        match predicate {
            None => self.finish(Ok(value.clone())),
            Some(Predicate::Rust(mut p)) => {
                if p(value) {
                    self.finish(Ok(value.clone()));
                } else if !self.is_settled() {
                    *self.predicate.borrow_mut() = Some(Predicate::Rust(p));
                }
            }
            Some(Predicate::Js(p)) => {
                if !self.is_settled() {
                    *self.predicate.borrow_mut() = Some(Predicate::Js(p.clone()));
                }
                match p.call1(&JsValue::UNDEFINED, &value.to_js()) {
                    Err(e) => {
                        if let Some(Settle::Js { reject, .. }) = self.settle.borrow_mut().take() {
                            self.predicate.borrow_mut().take();
                            let _ = reject.call1(&JsValue::UNDEFINED, &e);
                        }
                    }
                    Ok(r) if is_thenable(&r) => {
                        let this = self.clone();
                        let value = value.clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            let r =
                                wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&r))
                                    .await;
                            match r {
                                Ok(v) if v.is_truthy() => this.finish(Ok(value)),
                                Ok(_) => {}
                                Err(e) => {
                                    if let Some(Settle::Js { reject, .. }) =
                                        this.settle.borrow_mut().take()
                                    {
                                        let _ = reject.call1(&JsValue::UNDEFINED, &e);
                                    }
                                }
                            }
                        });
                    }
                    Ok(r) => {
                        if r.is_truthy() {
                            self.finish(Ok(value.clone()));
                        }
                    }
                }
            }
        }
    }
}

fn is_thenable(v: &JsValue) -> bool {
    (v.is_object() || v.is_function())
        && js_sys::Reflect::get(v, &JsValue::from_str("then"))
            .map(|t| t.is_function())
            .unwrap_or(false)
}

/// Listeners and waiters for one source of events.
#[derive(Default)]
pub(crate) struct Hub {
    entries: RefCell<Vec<Entry>>,
    waiters: RefCell<Vec<Rc<Waiter>>>,
    next_id: Cell<u64>,
}

impl Hub {
    fn clear(&self) {
        let entries = std::mem::take(&mut *self.entries.borrow_mut());
        let waiters = std::mem::take(&mut *self.waiters.borrow_mut());
        drop((entries, waiters));
    }

    fn is_watched(&self) -> bool {
        !self.entries.borrow().is_empty() || !self.waiters.borrow().is_empty()
    }

    fn add(&self, kind: Kind, callback: Callback) -> u64 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        self.entries.borrow_mut().push(Entry { id, kind, callback });
        id
    }

    fn remove_id(&self, id: u64) {
        let removed: Vec<Entry> = {
            let mut entries = self.entries.borrow_mut();
            let (gone, kept) = entries.drain(..).partition(|e| e.id == id);
            *entries = kept;
            gone
        };
        drop(removed);
    }

    fn remove_js(&self, kind: Kind, f: &Function) {
        let id = self
            .entries
            .borrow()
            .iter()
            .find(|e| e.kind == kind && matches!(&e.callback, Callback::Js(g) if g == f))
            .map(|e| e.id);
        if let Some(id) = id {
            self.remove_id(id);
        }
    }

    fn wait(
        self: &Rc<Self>,
        kind: Kind,
        predicate: Option<Predicate>,
        settle: Settle,
    ) -> Rc<Waiter> {
        let w = Rc::new(Waiter {
            kind,
            predicate: RefCell::new(predicate),
            settle: RefCell::new(Some(settle)),
            timer: RefCell::new(None),
            hub: Rc::downgrade(self),
        });
        self.waiters.borrow_mut().push(w.clone());
        w
    }

    /// Delivers an event to listeners (in registration order) and waiters.
    /// No borrow is held while user code runs.
    fn emit(&self, kind: Kind, value: &Value) {
        let callbacks: Vec<Callback> = self
            .entries
            .borrow()
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.callback.clone())
            .collect();
        let mut js_value = None;
        for callback in callbacks {
            match callback {
                Callback::Js(f) => {
                    let arg = js_value.get_or_insert_with(|| value.to_js());
                    if let Err(e) = super::glue::call1(&f, &JsValue::UNDEFINED, arg) {
                        report(&format!("wsroute: a '{}' listener threw:", kind.name()), &e);
                    }
                }
                Callback::Rust(f) => match f.try_borrow_mut() {
                    Ok(mut f) => f(value),
                    Err(_) => report(
                        &format!(
                            "wsroute: a '{}' listener re-entered itself; skipped",
                            kind.name()
                        ),
                        &JsValue::UNDEFINED,
                    ),
                },
            }
        }
        let waiters: Vec<Rc<Waiter>> = self.waiters.borrow().clone();
        for w in waiters {
            w.offer(kind, value);
        }
    }

    /// The JavaScript `waitForEvent(event, predicateOrOptions)`.
    fn js_wait(self: &Rc<Self>, kind: Kind, options: &JsValue) -> Result<js_sys::Promise, JsValue> {
        let (predicate, timeout) = parse_wait_options(options)?;
        let mut parts = None;
        let promise = js_sys::Promise::new(&mut |resolve, reject| parts = Some((resolve, reject)));
        if let Some((resolve, reject)) = parts {
            let w = self.wait(
                kind,
                predicate.map(Predicate::Js),
                Settle::Js { resolve, reject },
            );
            w.start_timer(timeout);
        }
        Ok(promise)
    }
}

const DEFAULT_TIMEOUT: Duration = Duration::from_millis(30_000);

fn parse_wait_options(options: &JsValue) -> Result<(Option<Function>, Duration), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok((None, DEFAULT_TIMEOUT));
    }
    if let Some(f) = options.dyn_ref::<Function>() {
        return Ok((Some(f.clone()), DEFAULT_TIMEOUT));
    }
    if !options.is_object() {
        return Err(js_sys::TypeError::new(
            "waitForEvent: options must be a function or an object",
        )
        .into());
    }
    let get = |k: &str| {
        js_sys::Reflect::get(options, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
    };
    let predicate =
        match get("predicate") {
            p if p.is_undefined() || p.is_null() => None,
            p => Some(p.dyn_into::<Function>().map_err(|_| {
                js_sys::TypeError::new("waitForEvent: predicate must be a function")
            })?),
        };
    let timeout = match get("timeout") {
        t if t.is_undefined() || t.is_null() => DEFAULT_TIMEOUT,
        t => match t.as_f64() {
            Some(ms) if ms >= 0.0 && ms.is_finite() => Duration::from_millis(ms as u64),
            _ => {
                return Err(js_sys::TypeError::new(
                    "waitForEvent: timeout must be a number of milliseconds >= 0",
                )
                .into());
            }
        },
    };
    Ok((predicate, timeout))
}

fn parse_kind(event: &str, allowed: &[Kind]) -> Result<Kind, JsValue> {
    Kind::parse(event)
        .filter(|k| allowed.contains(k))
        .ok_or_else(|| {
            let mut message = format!("unknown event \"{event}\"; expected one of: ");
            for (i, k) in allowed.iter().enumerate() {
                if i > 0 {
                    message.push_str(", ");
                }
                message.push_str(k.name());
            }
            js_sys::TypeError::new(&message).into()
        })
}

// ---- the observer of one socket ---------------------------------------------

/// An observed socket, as Playwright's
/// [`WebSocket`](https://playwright.dev/docs/api/class-websocket) class: what
/// the page sent (`framesent`), what was dispatched to it (`framereceived`),
/// `close` and `socketerror`.
///
/// ```no_run
/// # async fn demo() -> Result<(), wsroute::WaitError> {
/// let next = wsroute::wait_for_websocket(|ws| ws.url().ends_with("/chat"));
/// // ... the code under test opens wss://example.test/chat and sends "ping" ...
/// let ws = next.await?;
/// let frame = ws.wait_for_frame_sent(|m| m.text() == Some("ping")).await?;
/// # let _ = frame; Ok(()) }
/// ```
#[wasm_bindgen(js_name = WebSocketObserver)]
#[derive(Clone)]
pub struct Observer {
    inner: Rc<ObserverInner>,
}

struct ObserverInner {
    url: String,
    closed: Cell<bool>,
    hub: Rc<Hub>,
    /// Frames waiting behind a Blob send whose bytes are being read.
    ordered: RefCell<Ordered<(Kind, Value)>>,
    /// Whether every event waits behind a Blob frame still being read (see
    /// [`Observer::hold_events_behind_sends`]).
    hold_all: Cell<bool>,
    /// The one JS object listeners see for this socket (identity matters to
    /// JS code that keys maps by it); dropped after `close`.
    js: RefCell<Option<JsValue>>,
}

impl Observer {
    pub(crate) fn new(url: String) -> Self {
        stats::add(Held::OpenObservers, 1);
        Observer {
            inner: Rc::new(ObserverInner {
                url,
                closed: Cell::new(false),
                hub: Rc::default(),
                ordered: RefCell::default(),
                js: RefCell::new(None),
                hold_all: Cell::new(false),
            }),
        }
    }

    /// For a pass-through socket the browser sends a Blob at once while
    /// wsroute is still reading it for `framesent`; a reply could then be
    /// reported before the frame that caused it. There, every event waits
    /// behind a pending Blob frame. Routed sockets read the Blob before it is
    /// delivered, so only later `framesent` events wait.
    pub(crate) fn hold_events_behind_sends(&self) {
        self.inner.hold_all.set(true);
    }

    fn deliver(&self, kind: Kind, value: Value) {
        let queued = {
            let mut ordered = self.inner.ordered.borrow_mut();
            if ordered.is_empty() || (kind != Kind::FrameSent && !self.inner.hold_all.get()) {
                false
            } else {
                ordered.push((kind, value.clone()));
                true
            }
        };
        if queued {
            self.drain();
        } else {
            self.emit_now(kind, &value);
        }
    }

    fn emit_now(&self, kind: Kind, value: &Value) {
        if kind == Kind::Close {
            self.inner.closed.set(true);
        }
        self.inner.hub.emit(kind, value);
        if kind == Kind::Close {
            // Nothing follows `close`: drop what listeners hold (their JS
            // closures often hold this observer: a cycle through wasm).
            self.inner.js.borrow_mut().take();
            self.inner.hub.clear();
            stats::add(Held::OpenObservers, -1);
        }
    }

    fn js_handle(&self) -> JsValue {
        let mut js = self.inner.js.borrow_mut();
        match &*js {
            Some(v) => v.clone(),
            None if self.is_closed() => self.clone().into(),
            None => js.insert(self.clone().into()).clone(),
        }
    }

    fn drain(&self) {
        loop {
            let next = self.inner.ordered.borrow_mut().pop_ready();
            match next {
                Some((kind, value)) => self.emit_now(kind, &value),
                None => return,
            }
        }
    }

    /// The page sent a frame.
    pub(crate) fn frame_sent(&self, m: Data) {
        self.deliver(Kind::FrameSent, Value::Frame(m));
    }

    /// The page sent a Blob: its frame is reported (in order) once read.
    pub(crate) fn frame_sent_pending(&self, ticket: u64) {
        self.inner.ordered.borrow_mut().push_pending(ticket);
    }

    /// The bytes of a pending Blob frame (`None`: reading failed).
    pub(crate) fn frame_sent_resolved(&self, ticket: u64, m: Option<Data>) {
        match m {
            Some(m) => self
                .inner
                .ordered
                .borrow_mut()
                .resolve(ticket, (Kind::FrameSent, Value::Frame(m))),
            None => self.inner.ordered.borrow_mut().cancel(ticket),
        }
        self.drain();
    }

    /// A message is about to be dispatched to the page.
    pub(crate) fn frame_received(&self, m: Data) {
        self.deliver(Kind::FrameReceived, Value::Frame(m));
    }

    /// The socket failed; `what` says why.
    pub(crate) fn socket_error(&self, what: String) {
        self.deliver(Kind::SocketError, Value::Error(what));
    }

    /// The page's socket closed.
    pub(crate) fn closed(&self) {
        self.deliver(Kind::Close, Value::Closed(self.clone()));
    }

    fn add_rust(&self, kind: Kind, f: impl FnMut(&Value) + 'static) -> Listener {
        let id = self
            .inner
            .hub
            .add(kind, Callback::Rust(Rc::new(RefCell::new(f))));
        Listener {
            hub: Rc::downgrade(&self.inner.hub),
            id,
        }
    }

    fn wait_rust<T>(
        &self,
        kind: Kind,
        predicate: Option<Predicate>,
        map: fn(Value) -> Option<T>,
    ) -> Wait<T> {
        Wait::new(&self.inner.hub, kind, predicate, map)
    }

    /// The socket's URL.
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// Whether the socket has closed (true before `close` listeners run).
    pub fn is_closed(&self) -> bool {
        self.inner.closed.get()
    }

    /// Calls `f` with each frame the page sends, in `send()` order.
    pub fn on_frame_sent(&self, mut f: impl FnMut(&Message) + 'static) -> Listener {
        self.add_rust(Kind::FrameSent, move |v| {
            if let Value::Frame(m) = v {
                f(m.message())
            }
        })
    }

    /// Calls `f` with each message dispatched to the page.
    pub fn on_frame_received(&self, mut f: impl FnMut(&Message) + 'static) -> Listener {
        self.add_rust(Kind::FrameReceived, move |v| {
            if let Value::Frame(m) = v {
                f(m.message())
            }
        })
    }

    /// Calls `f` when the socket closes.
    pub fn on_close(&self, mut f: impl FnMut() + 'static) -> Listener {
        self.add_rust(Kind::Close, move |_| f())
    }

    /// Calls `f` with a description when the socket fails.
    pub fn on_socket_error(&self, mut f: impl FnMut(&str) + 'static) -> Listener {
        self.add_rust(Kind::SocketError, move |v| {
            if let Value::Error(e) = v {
                f(e)
            }
        })
    }

    /// Waits for a frame the page sends that `predicate` accepts.
    pub fn wait_for_frame_sent(
        &self,
        mut predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        let p = Predicate::Rust(Box::new(
            move |v| matches!(v, Value::Frame(m) if predicate(m.message())),
        ));
        self.wait_rust(Kind::FrameSent, Some(p), frame_of)
    }

    /// Waits for a message dispatched to the page that `predicate` accepts.
    pub fn wait_for_frame_received(
        &self,
        mut predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        let p = Predicate::Rust(Box::new(
            move |v| matches!(v, Value::Frame(m) if predicate(m.message())),
        ));
        self.wait_rust(Kind::FrameReceived, Some(p), frame_of)
    }

    /// Waits for the socket to close.
    pub fn wait_for_close(&self) -> Wait<()> {
        self.wait_rust(Kind::Close, None, |_| Some(()))
    }

    /// Waits for the socket to fail; resolves with the description.
    pub fn wait_for_socket_error(&self) -> Wait<String> {
        self.wait_rust(Kind::SocketError, None, |v| match v {
            Value::Error(e) => Some(e),
            _ => None,
        })
    }
}

fn frame_of(v: Value) -> Option<Message> {
    match v {
        Value::Frame(m) => Some(m.into_message()),
        _ => None,
    }
}

const SOCKET_EVENTS: [Kind; 4] = [
    Kind::FrameSent,
    Kind::FrameReceived,
    Kind::Close,
    Kind::SocketError,
];

#[wasm_bindgen(js_class = WebSocketObserver)]
impl Observer {
    /// The socket's URL.
    #[doc(hidden)]
    #[wasm_bindgen(js_name = url)]
    pub fn js_url(&self) -> String {
        self.url()
    }

    /// Whether the socket has closed (true before `close` listeners run).
    #[doc(hidden)]
    #[wasm_bindgen(js_name = isClosed)]
    pub fn js_is_closed(&self) -> bool {
        self.is_closed()
    }

    #[doc(hidden)]
    #[wasm_bindgen(js_name = on, skip_typescript)]
    pub fn js_on(&self, event: &str, listener: Function) -> Result<Observer, JsValue> {
        let kind = parse_kind(event, &SOCKET_EVENTS)?;
        self.inner.hub.add(kind, Callback::Js(listener));
        Ok(self.clone())
    }

    #[doc(hidden)]
    #[wasm_bindgen(js_name = off, skip_typescript)]
    pub fn js_off(&self, event: &str, listener: Function) -> Result<Observer, JsValue> {
        let kind = parse_kind(event, &SOCKET_EVENTS)?;
        self.inner.hub.remove_js(kind, &listener);
        Ok(self.clone())
    }

    #[doc(hidden)]
    #[wasm_bindgen(js_name = waitForEvent, skip_typescript)]
    pub fn js_wait_for_event(
        &self,
        event: &str,
        options: JsValue,
    ) -> Result<js_sys::Promise, JsValue> {
        let kind = parse_kind(event, &SOCKET_EVENTS)?;
        self.inner.hub.js_wait(kind, &options)
    }
}

// ---- route-side waits ---------------------------------------------------------

/// Messages arriving on one side of a route (what the page sent, or what the
/// server sent), for [`crate::WebSocketRoute::wait_for_message`]. Fed whether
/// or not the route handles or forwards them.
#[derive(Default)]
pub(crate) struct Arrivals {
    hub: Rc<Hub>,
    ended: Cell<bool>,
}

impl Arrivals {
    /// A message arrived on this side.
    pub(crate) fn message(&self, m: &Data) {
        if !self.ended.get() && !self.hub.waiters.borrow().is_empty() {
            self.hub.emit(Kind::RouteMessage, &Value::Frame(m.clone()));
        }
    }

    /// This side closed: pending and later waits fail with `Closed`.
    pub(crate) fn end(&self) {
        if !self.ended.replace(true) {
            self.hub.emit(Kind::Close, &Value::Ended);
            self.hub.clear();
        }
    }

    pub(crate) fn wait(
        &self,
        mut predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        let p = Predicate::Rust(Box::new(
            move |v| matches!(v, Value::Frame(m) if predicate(m.message())),
        ));
        let wait = Wait::new(&self.hub, Kind::RouteMessage, Some(p), frame_of);
        if self.ended.get() {
            wait.waiter.finish(Err(WaitError::Closed));
        }
        wait
    }
}

// ---- new sockets ------------------------------------------------------------

thread_local! {
    static SOCKETS: Rc<Hub> = Rc::default();
}

/// An observer for a socket being created, when anyone is watching.
pub(crate) fn observe_new_socket(url: &str) -> Option<Observer> {
    SOCKETS
        .with(|h| h.is_watched())
        .then(|| Observer::new(url.to_owned()))
}

/// Reports a new socket to `on('websocket')` listeners and waiters.
pub(crate) fn announce(observer: &Observer) {
    let hub = SOCKETS.with(Rc::clone);
    hub.emit(Kind::WebSocket, &Value::Socket(observer.clone()));
}

/// Calls `f` for every socket the page creates from now on (mocked, routed
/// to a server, or passed through). Dropping the returned [`Listener`]
/// unregisters it.
///
/// ```no_run
/// let _watch = wsroute::on_websocket(|ws| {
///     web_sys::console::log_1(&ws.url().into());
/// });
/// ```
pub fn on_websocket(mut f: impl FnMut(Observer) + 'static) -> Listener {
    let hub = SOCKETS.with(Rc::clone);
    let id = hub.add(
        Kind::WebSocket,
        Callback::Rust(Rc::new(RefCell::new(move |v: &Value| {
            if let Value::Socket(o) = v {
                f(o.clone())
            }
        }))),
    );
    Listener {
        hub: Rc::downgrade(&hub),
        id,
    }
}

/// Waits for the next socket whose observer `predicate` accepts.
pub fn wait_for_websocket(
    mut predicate: impl FnMut(&Observer) -> bool + 'static,
) -> Wait<Observer> {
    let hub = SOCKETS.with(Rc::clone);
    let p = Predicate::Rust(Box::new(
        move |v| matches!(v, Value::Socket(o) if predicate(o)),
    ));
    Wait::new(&hub, Kind::WebSocket, Some(p), |v| match v {
        Value::Socket(o) => Some(o),
        _ => None,
    })
}

pub(crate) fn js_on(event: &str, listener: Function) -> Result<(), JsValue> {
    let kind = parse_kind(event, &[Kind::WebSocket])?;
    SOCKETS.with(|h| h.add(kind, Callback::Js(listener)));
    Ok(())
}

pub(crate) fn js_off(event: &str, listener: Function) -> Result<(), JsValue> {
    let kind = parse_kind(event, &[Kind::WebSocket])?;
    SOCKETS.with(|h| h.remove_js(kind, &listener));
    Ok(())
}

pub(crate) fn js_wait_for_event(event: &str, options: JsValue) -> Result<js_sys::Promise, JsValue> {
    let kind = parse_kind(event, &[Kind::WebSocket])?;
    SOCKETS.with(Rc::clone).js_wait(kind, &options)
}

// ---- handles and futures ----------------------------------------------------

/// A registered listener; dropping it unregisters the listener.
#[must_use = "dropping a Listener unregisters it; call .forget() to keep it"]
pub struct Listener {
    hub: Weak<Hub>,
    id: u64,
}

impl Listener {
    /// Keeps the listener registered for as long as its source lives.
    pub fn forget(mut self) {
        self.hub = Weak::new();
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(hub) = self.hub.upgrade() {
            hub.remove_id(self.id);
        }
    }
}

/// A wait for an observed event, as a `Future`: resolves with the event's
/// value, or a [`WaitError`] when the socket closed or failed first, or after
/// the timeout (30 s unless set with [`Wait::timeout`]).
///
/// The wait is registered when this value is created, so an event caused
/// between creating and awaiting it is not missed.
#[must_use = "a Wait does nothing unless awaited"]
pub struct Wait<T> {
    waiter: Rc<Waiter>,
    slot: Rc<RefCell<Slot>>,
    timeout: Duration,
    timer_started: bool,
    map: fn(Value) -> Option<T>,
}

impl<T> Wait<T> {
    fn new(
        hub: &Rc<Hub>,
        kind: Kind,
        predicate: Option<Predicate>,
        map: fn(Value) -> Option<T>,
    ) -> Self {
        let slot = Rc::new(RefCell::new(Slot::default()));
        let waiter = hub.wait(kind, predicate, Settle::Rust(slot.clone()));
        Wait {
            waiter,
            slot,
            timeout: DEFAULT_TIMEOUT,
            timer_started: false,
            map,
        }
    }

    /// Sets the timeout (counted from the first poll); zero waits forever.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl<T> Future for Wait<T> {
    type Output = Result<T, WaitError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let result = self.slot.borrow_mut().result.take();
        if let Some(result) = result {
            let map = self.map;
            return Poll::Ready(result.and_then(|v| map(v).ok_or(WaitError::Closed)));
        }
        self.slot.borrow_mut().waker = Some(cx.waker().clone());
        if !self.timer_started {
            self.timer_started = true;
            let timeout = self.timeout;
            self.waiter.start_timer(timeout);
        }
        Poll::Pending
    }
}

impl<T> Drop for Wait<T> {
    fn drop(&mut self) {
        // An abandoned wait stops listening (and its timer).
        if !self.waiter.is_settled() {
            self.waiter.settle.borrow_mut().take();
            self.waiter.predicate.borrow_mut().take();
            if let Some((id, _closure)) = self.waiter.timer.borrow_mut().take() {
                clear_timeout(&id);
            }
            if let Some(hub) = self.waiter.hub.upgrade() {
                hub.waiters
                    .borrow_mut()
                    .retain(|w| !Rc::ptr_eq(w, &self.waiter));
            }
        }
    }
}
