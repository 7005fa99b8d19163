//! The observer of one socket, as Playwright's `WebSocket` class: what the
//! page sent (`framesent`), what was dispatched to it (`framereceived`),
//! `close` and `socketerror`.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use super::event::WaitError;
use super::event::{Event, Kind};
use super::hub::Hub;
use super::wait::{Predicate, Verdict, Wait};
use crate::sans_io::message::Message;
use crate::sans_io::ordered::Ordered;
use crate::web::data::Data;
use crate::web::stats::{Held, Live};

/// What observers and waits hear: of the page's sockets, and of one side of
/// a route. One type for every hub, so their code exists once.
#[derive(Clone)]
pub(crate) enum SocketEvent {
    /// A socket was created (`on('websocket')`).
    New(Observer),
    FrameSent(Data),
    FrameReceived(Data),
    Close(Observer),
    SocketError(String),
    /// A message arrived on one side of a route.
    RouteMessage(Data),
    /// That side of a route has closed.
    RouteEnded,
}

impl Event for SocketEvent {
    fn kind(&self) -> Kind {
        match self {
            SocketEvent::New(_) => Kind::WebSocket,
            SocketEvent::FrameSent(_) => Kind::FrameSent,
            SocketEvent::FrameReceived(_) => Kind::FrameReceived,
            SocketEvent::Close(_) | SocketEvent::RouteEnded => Kind::Close,
            SocketEvent::SocketError(_) => Kind::SocketError,
            SocketEvent::RouteMessage(_) => Kind::RouteMessage,
        }
    }

    fn ends_waits(&self) -> Option<WaitError> {
        match self {
            SocketEvent::Close(_) | SocketEvent::RouteEnded => Some(WaitError::Closed),
            SocketEvent::SocketError(e) => Some(WaitError::SocketError(e.clone())),
            _ => None,
        }
    }
}

/// How a socket closed, as the page saw it (the HAR recorder reads it).
#[derive(Clone, Debug)]
#[cfg_attr(not(feature = "har"), allow(dead_code))]
pub(crate) struct Closed {
    pub(crate) code: u16,
    pub(crate) reason: String,
    pub(crate) was_clean: bool,
    /// The page called `close()` first.
    pub(crate) by_page: bool,
}

/// The events of a socket that JavaScript listeners may name.
pub(crate) const SOCKET_EVENTS: [Kind; 4] = [
    Kind::FrameSent,
    Kind::FrameReceived,
    Kind::Close,
    Kind::SocketError,
];

/// An observed socket, as Playwright's
/// [`WebSocket`](https://playwright.dev/docs/api/class-websocket) class: what
/// the page sent (`framesent`), what was dispatched to it (`framereceived`),
/// `close` and `socketerror`. Every event is delivered at the moment the page
/// sees it happen, so a wait set up before an action sees what the action causes.
///
/// ```no_run
/// # async fn demo() -> Result<(), wsroute::WaitError> {
/// let next = wsroute::wait_for_websocket(|ws| ws.url().ends_with("/chat"));
/// // ... the code under test opens wss://example.test/chat and sends "ping" ...
/// let ws = next.await?;
/// let frame = ws.wait_for_frame_sent(|m| m.text() == Some("ping")).await?;
/// # let _ = frame; Ok(()) }
/// ```
#[derive(Clone)]
pub struct Observer {
    inner: Rc<Inner>,
}

struct Inner {
    url: String,
    /// The subprotocols the page asked for (the HAR recorder reads them).
    #[cfg_attr(not(feature = "har"), allow(dead_code))]
    protocols: Box<[String]>,
    /// The close the page saw.
    close: RefCell<Option<Closed>>,
    /// The page called `close()` before the socket closed.
    page_closing: Cell<bool>,
    closed: Cell<bool>,
    hub: Rc<Hub<SocketEvent>>,
    /// Events waiting behind a Blob frame whose bytes are being read.
    ordered: RefCell<Ordered<SocketEvent>>,
    /// Whether every event waits behind such a Blob (see
    /// [`Observer::hold_events_behind_sends`]).
    hold_all: Cell<bool>,
    next_ticket: Cell<u64>,
    /// The one JavaScript object listeners see for this socket (identity
    /// matters to code that keys maps by it); dropped after `close`.
    js: RefCell<Option<wasm_bindgen::JsValue>>,
    _live: Live,
}

impl Observer {
    pub(crate) fn new(url: String, protocols: Box<[String]>) -> Self {
        Observer {
            inner: Rc::new(Inner {
                url,
                protocols,
                close: RefCell::new(None),
                page_closing: Cell::new(false),
                closed: Cell::new(false),
                hub: Rc::default(),
                ordered: RefCell::default(),
                hold_all: Cell::new(false),
                next_ticket: Cell::new(0),
                js: RefCell::new(None),
                _live: Live::new(Held::Observers),
            }),
        }
    }

    pub(crate) fn hub(&self) -> &Rc<Hub<SocketEvent>> {
        &self.inner.hub
    }

    /// The JavaScript object for this observer, made by `make` the first time.
    pub(crate) fn js_handle(
        &self,
        make: impl FnOnce(Observer) -> wasm_bindgen::JsValue,
    ) -> wasm_bindgen::JsValue {
        let mut js = self.inner.js.borrow_mut();
        match &*js {
            Some(v) => v.clone(),
            // After close nothing may keep it: a cycle through wasm.
            None if self.is_closed() => make(self.clone()),
            None => js.insert(make(self.clone())).clone(),
        }
    }

    /// For a pass-through socket the browser sends a Blob at once while
    /// wsroute is still reading it for `framesent`; a reply could then be
    /// reported before the frame that caused it. There, every event waits
    /// behind a pending Blob frame.
    pub(crate) fn hold_events_behind_sends(&self) {
        self.inner.hold_all.set(true);
    }

    fn deliver(&self, event: SocketEvent) {
        let queued = {
            let mut ordered = self.inner.ordered.borrow_mut();
            let waits = !ordered.is_empty()
                && (matches!(event, SocketEvent::FrameSent(_)) || self.inner.hold_all.get());
            if waits {
                ordered.push(event.clone());
            }
            waits
        };
        if queued {
            self.drain();
        } else {
            self.emit_now(&event);
        }
    }

    fn emit_now(&self, event: &SocketEvent) {
        let close = matches!(event, SocketEvent::Close(_));
        if close {
            self.inner.closed.set(true);
        }
        self.inner.hub.emit(event);
        if close {
            // Nothing follows `close`: drop what listeners hold (their JS
            // closures often hold this observer: a cycle through wasm).
            self.inner.js.borrow_mut().take();
            self.inner.hub.clear();
        }
    }

    fn drain(&self) {
        loop {
            let next = self.inner.ordered.borrow_mut().pop_ready();
            match next {
                Some(event) => self.emit_now(&event),
                None => return,
            }
        }
    }

    /// The page sent a frame.
    pub(crate) fn frame_sent(&self, m: Data) {
        self.deliver(SocketEvent::FrameSent(m));
    }

    /// The page sent a Blob: its frame is reported, in order, when
    /// [`Observer::frame_sent_resolved`] gets its bytes with the ticket.
    pub(crate) fn frame_sent_pending(&self) -> u64 {
        let ticket = self.inner.next_ticket.get();
        self.inner.next_ticket.set(ticket.wrapping_add(1));
        self.inner.ordered.borrow_mut().push_pending(ticket);
        ticket
    }

    /// The bytes of a pending Blob frame (`None`: reading failed).
    pub(crate) fn frame_sent_resolved(&self, ticket: u64, m: Option<Data>) {
        {
            let mut ordered = self.inner.ordered.borrow_mut();
            match m {
                Some(m) => ordered.resolve(ticket, SocketEvent::FrameSent(m)),
                None => ordered.cancel(ticket),
            }
        }
        self.drain();
    }

    /// A message is about to be dispatched to the page.
    pub(crate) fn frame_received(&self, m: Data) {
        self.deliver(SocketEvent::FrameReceived(m));
    }

    /// The socket failed; `what` says why.
    pub(crate) fn socket_error(&self, what: String) {
        self.deliver(SocketEvent::SocketError(what));
    }

    /// The page's socket closed with `code` and `reason`.
    pub(crate) fn closed(&self, code: u16, reason: &str, was_clean: bool) {
        let by_page = self.inner.page_closing.get();
        self.inner.close.borrow_mut().get_or_insert_with(|| Closed {
            code,
            reason: reason.to_owned(),
            was_clean,
            by_page,
        });
        self.deliver(SocketEvent::Close(self.clone()));
    }

    /// The page called `close()` (and it did not throw).
    pub(crate) fn page_called_close(&self) {
        if !self.is_closed() {
            self.inner.page_closing.set(true);
        }
    }

    /// The close the page saw, once it has.
    #[cfg(feature = "har")]
    pub(crate) fn close_details(&self) -> Option<Closed> {
        self.inner.close.borrow().clone()
    }

    /// The subprotocols the page asked for.
    #[cfg(feature = "har")]
    pub(crate) fn protocols(&self) -> &[String] {
        &self.inner.protocols
    }

    fn listen(&self, kind: Kind, mut f: impl FnMut(&SocketEvent) + 'static) -> Listener {
        let id = self.inner.hub.add(
            kind,
            Rc::new(RefCell::new(move |e: &SocketEvent| f(e))),
            None,
        );
        Listener::new(&self.inner.hub, id)
    }

    fn wait_for_frame(
        &self,
        kind: Kind,
        mut predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        let p: Predicate<SocketEvent> = Box::new(move |e| match e {
            SocketEvent::FrameSent(m) | SocketEvent::FrameReceived(m) if predicate(m.message()) => {
                Verdict::Accept
            }
            _ => Verdict::Decline,
        });
        Wait::new(&self.inner.hub, kind, Some(p), |e| match e {
            SocketEvent::FrameSent(m) | SocketEvent::FrameReceived(m) => Some(m.into_message()),
            _ => None,
        })
    }

    /// The socket's URL, after normalisation (as [`WebSocket.url`]).
    ///
    /// [`WebSocket.url`]: https://developer.mozilla.org/en-US/docs/Web/API/WebSocket/url
    ///
    /// ```no_run
    /// let _watch = wsroute::on_websocket(|ws| assert!(ws.url().starts_with("ws")));
    /// ```
    pub fn url(&self) -> String {
        self.inner.url.clone()
    }

    /// Whether the socket has closed (true before `close` listeners run).
    ///
    /// ```no_run
    /// # fn demo(ws: wsroute::Observer) {
    /// if ws.is_closed() { /* ... */ }
    /// # }
    /// ```
    pub fn is_closed(&self) -> bool {
        self.inner.closed.get()
    }

    /// Calls `f` with each frame the page sends, in `send()` order, when it
    /// is transmitted (a `send()` while CONNECTING throws, and one while
    /// CLOSING sends nothing).
    ///
    /// ```no_run
    /// # fn demo(ws: wsroute::Observer) {
    /// let _sent = ws.on_frame_sent(|m| web_sys::console::log_1(&format!("{m:?}").into()));
    /// # }
    /// ```
    pub fn on_frame_sent(&self, mut f: impl FnMut(&Message) + 'static) -> Listener {
        self.listen(Kind::FrameSent, move |e| {
            if let SocketEvent::FrameSent(m) = e {
                f(m.message())
            }
        })
    }

    /// Calls `f` with each message dispatched to the page.
    ///
    /// ```no_run
    /// # fn demo(ws: wsroute::Observer) {
    /// let _got = ws.on_frame_received(|m| web_sys::console::log_1(&format!("{m:?}").into()));
    /// # }
    /// ```
    pub fn on_frame_received(&self, mut f: impl FnMut(&Message) + 'static) -> Listener {
        self.listen(Kind::FrameReceived, move |e| {
            if let SocketEvent::FrameReceived(m) = e {
                f(m.message())
            }
        })
    }

    /// Calls `f` when the socket closes.
    ///
    /// ```no_run
    /// # fn demo(ws: wsroute::Observer) {
    /// let _closed = ws.on_close(|| web_sys::console::log_1(&"closed".into()));
    /// # }
    /// ```
    pub fn on_close(&self, mut f: impl FnMut() + 'static) -> Listener {
        self.listen(Kind::Close, move |_| f())
    }

    /// Calls `f` with a description when the socket fails (before its close).
    ///
    /// ```no_run
    /// # fn demo(ws: wsroute::Observer) {
    /// let _failed = ws.on_socket_error(|why| web_sys::console::warn_1(&why.into()));
    /// # }
    /// ```
    pub fn on_socket_error(&self, mut f: impl FnMut(&str) + 'static) -> Listener {
        self.listen(Kind::SocketError, move |e| {
            if let SocketEvent::SocketError(why) = e {
                f(why)
            }
        })
    }

    /// Waits for a frame the page sends that `predicate` accepts.
    ///
    /// ```no_run
    /// # async fn demo(ws: wsroute::Observer) -> Result<(), wsroute::WaitError> {
    /// let ping = ws.wait_for_frame_sent(|m| m.text() == Some("ping")).await?;
    /// # let _ = ping; Ok(()) }
    /// ```
    pub fn wait_for_frame_sent(
        &self,
        predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        self.wait_for_frame(Kind::FrameSent, predicate)
    }

    /// Waits for a message dispatched to the page that `predicate` accepts.
    ///
    /// ```no_run
    /// # async fn demo(ws: wsroute::Observer) -> Result<(), wsroute::WaitError> {
    /// let pong = ws.wait_for_frame_received(|m| m.text() == Some("pong")).await?;
    /// # let _ = pong; Ok(()) }
    /// ```
    pub fn wait_for_frame_received(
        &self,
        predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        self.wait_for_frame(Kind::FrameReceived, predicate)
    }

    /// Waits for the socket to close.
    ///
    /// ```no_run
    /// # async fn demo(ws: wsroute::Observer) -> Result<(), wsroute::WaitError> {
    /// ws.wait_for_close().await?;
    /// # Ok(()) }
    /// ```
    pub fn wait_for_close(&self) -> Wait<()> {
        Wait::new(&self.inner.hub, Kind::Close, None, |_| Some(()))
    }

    /// Waits for the socket to fail; resolves with the description.
    ///
    /// ```no_run
    /// # async fn demo(ws: wsroute::Observer) -> Result<(), wsroute::WaitError> {
    /// let why = ws.wait_for_socket_error().await?;
    /// # let _ = why; Ok(()) }
    /// ```
    pub fn wait_for_socket_error(&self) -> Wait<String> {
        Wait::new(&self.inner.hub, Kind::SocketError, None, |e| match e {
            SocketEvent::SocketError(why) => Some(why),
            _ => None,
        })
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Observer")
            .field("url", &self.inner.url)
            .field("closed", &self.is_closed())
            .finish()
    }
}

/// A registered listener; dropping it unregisters the listener.
///
/// Returned by [`on_websocket`](crate::on_websocket) and the `on_*` methods of
/// [`Observer`](crate::Observer).
#[must_use = "dropping a Listener unregisters it; call .forget() to keep it"]
pub struct Listener {
    /// The hub and the listener's id there; `None` once forgotten.
    hub: Option<(Weak<Hub<SocketEvent>>, u64)>,
}

impl Listener {
    pub(crate) fn new(hub: &Rc<Hub<SocketEvent>>, id: u64) -> Listener {
        Listener {
            hub: Some((Rc::downgrade(hub), id)),
        }
    }

    /// Keeps the listener registered for as long as its source lives.
    ///
    /// ```no_run
    /// wsroute::on_websocket(|ws| web_sys::console::log_1(&ws.url().into())).forget();
    /// ```
    pub fn forget(mut self) {
        self.hub = None;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some((hub, id)) = self.hub.take() {
            if let Some(hub) = hub.upgrade() {
                hub.remove(id);
            }
        }
    }
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listener")
            .field("registered", &self.hub.is_some())
            .finish()
    }
}
