//! A routed socket in the browser: the state machine of [`crate::sans_io::socket`],
//! fed with the page's calls and the real socket's events, and the carrying
//! out of the effects it returns. No rule lives here: every decision is the
//! machine's, and this file turns it into JavaScript calls.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::data::{self, Data};
use super::glue::{self, Gate, NativeSocket};
use super::native::{self, Target};
use super::observe::{Observer, arrivals::Arrivals};
use super::schedule::{self, Task};
use super::server::{RealSocket, ServerEvent};
use super::stats::{Held, Live};
use super::timer::{self, Timeout};
use crate::sans_io::socket::{
    BinaryType, Carrier, Conditions, CoreError, Effect, Millis, PageState, Side, Socket,
};
use crate::sans_io::validate::{self, DomError, Quirks};

/// User code the machine holds for the route: shared (the machine hands out
/// clones to call), and counted while it lives.
pub(crate) struct Callback<F: ?Sized>(Rc<Counted<F>>);

struct Counted<F: ?Sized> {
    _live: Live,
    f: F,
}

impl<F: ?Sized> Clone for Callback<F> {
    fn clone(&self) -> Self {
        Callback(self.0.clone())
    }
}

impl<F: ?Sized> Deref for Callback<F> {
    type Target = F;
    fn deref(&self) -> &F {
        &self.0.f
    }
}

impl<F: ?Sized> fmt::Debug for Callback<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Callback")
    }
}

/// How a route handler's call went: `Ok(Some(..))` while its promise (or
/// future) is pending.
pub(crate) type Started =
    Result<Option<Pin<Box<dyn Future<Output = Result<(), JsValue>>>>>, JsValue>;

/// A route handler: called with the socket it handles, in the socket's first task.
pub(crate) type RouteHandler = Callback<dyn Fn(&Rc<Routed>) -> Started>;
/// An `onMessage` handler.
pub(crate) type OnMessage = Callback<dyn Fn(Data)>;
/// An `onClose` handler.
pub(crate) type OnClose = Callback<dyn Fn(Option<u16>, Option<String>)>;

impl RouteHandler {
    pub(crate) fn new(f: impl Fn(&Rc<Routed>) -> Started + 'static) -> Self {
        Callback(Rc::new(Counted {
            _live: Live::new(Held::RouteCallbacks),
            f,
        }))
    }
}

impl OnMessage {
    pub(crate) fn new(f: impl Fn(Data) + 'static) -> Self {
        Callback(Rc::new(Counted {
            _live: Live::new(Held::RouteCallbacks),
            f,
        }))
    }
}

impl OnClose {
    pub(crate) fn new(f: impl Fn(Option<u16>, Option<String>) + 'static) -> Self {
        Callback(Rc::new(Counted {
            _live: Live::new(Held::RouteCallbacks),
            f,
        }))
    }
}

/// A routed socket until both its sides are finished, then nothing. Route
/// handles hold this rather than a `Weak<Routed>`, which would keep the
/// finished socket's memory allocated for as long as the page holds them.
pub(crate) struct Link {
    socket: RefCell<Option<Rc<Routed>>>,
    /// Run when the socket is finished: the JS route objects let go of
    /// their wasm half then (`js::route`).
    on_finish: RefCell<Vec<Box<dyn FnOnce()>>>,
    /// The socket's URL and the protocols the page asked for, which a route
    /// still reports after the socket is gone.
    pub(crate) url: Rc<str>,
    pub(crate) protocols: Box<[String]>,
}

impl Link {
    /// The socket, if it is not finished.
    pub(crate) fn socket(&self) -> Option<Rc<Routed>> {
        self.socket.borrow().clone()
    }

    /// A link to no socket (a route of a finished socket).
    pub(crate) fn finished() -> Rc<Link> {
        Rc::new(Link {
            socket: RefCell::new(None),
            on_finish: RefCell::default(),
            url: "".into(),
            protocols: Box::default(),
        })
    }

    /// Runs `f` when the socket is finished; at once if it is.
    pub(crate) fn when_finished(&self, f: impl FnOnce() + 'static) {
        if self.socket.borrow().is_some() {
            self.on_finish.borrow_mut().push(Box::new(f));
        } else {
            f();
        }
    }
}

/// What a routed socket carries in the browser.
#[derive(Debug)]
pub(crate) struct Web;

impl Carrier for Web {
    type Payload = Data;
    type Handler = RouteHandler;
    type OnMessage = OnMessage;
    type OnClose = OnClose;
}

/// A routed socket: the state machine plus what it needs to act.
pub(crate) struct Routed {
    core: RefCell<Socket<Web>>,
    /// The page's socket object.
    target: Target,
    /// `MessageEvent.origin` of the page's messages (the URL's origin).
    origin: JsValue,
    /// The browser's own `WebSocket` constructor, for `connectToServer()`.
    native: Function,
    quirks: Quirks,
    observer: Option<Observer>,
    /// Waits on what arrives on the page side and on the server side.
    arrivals: [Arrivals; 2],
    server: RefCell<Option<RealSocket>>,
    /// Told what the page still sees once both sides are finished, so that
    /// whoever holds this socket for the page can let go of it.
    when_finished: RefCell<Option<Finisher>>,
    /// What route handles hold; it keeps this socket alive until both sides
    /// are finished, as a native socket is while connected, then lets go.
    link: Rc<Link>,
    /// When the core next wants the time, and the timeout that tells it.
    wake: RefCell<Option<(Millis, Timeout)>>,
    _live: Live,
}

/// Told what the page still sees of a finished socket.
type Finisher = Box<dyn FnOnce(PageState)>;

/// How a routed socket starts.
pub(crate) enum Start {
    /// A route handles it: its handler runs in the first task.
    Route(RouteHandler),
    /// No route, but network conditions apply: a real socket opens now, and
    /// everything is forwarded over the page's link.
    Forward,
    /// No route, and conditions came to apply to a socket passed through:
    /// its native socket (connecting, or open with this protocol and these
    /// extensions) is taken over, and the page's `binaryType` kept.
    Adopt {
        socket: NativeSocket,
        /// Its gate, when the native socket is the page's object itself.
        gate: Option<Gate>,
        opened: Option<(String, String)>,
        binary_type: BinaryType,
    },
}

/// What a new routed socket is made of.
pub(crate) struct Setup {
    pub(crate) target: JsValue,
    pub(crate) url: String,
    pub(crate) protocols: Vec<String>,
    pub(crate) start: Start,
    pub(crate) conditions: Conditions,
    pub(crate) native: Function,
    pub(crate) quirks: Quirks,
    pub(crate) observer: Option<Observer>,
}

impl Routed {
    #[inline(never)]
    pub(crate) fn new(setup: Setup) -> Rc<Self> {
        let origin = JsValue::from(
            web_sys::Url::new(&setup.url)
                .map(|u| u.origin())
                .unwrap_or_default(),
        );
        let link = Rc::new(Link {
            socket: RefCell::new(None),
            on_finish: RefCell::default(),
            url: setup.url.into(),
            protocols: setup.protocols.clone().into(),
        });
        let now = timer::now();
        let mut adopted = None;
        let core = match setup.start {
            Start::Route(handler) => {
                let mut core = Socket::new(setup.protocols, handler);
                if !setup.conditions.is_clear() {
                    core.set_conditions(now, setup.conditions);
                }
                core
            }
            Start::Forward => Socket::forwarding(setup.protocols, now, setup.conditions),
            Start::Adopt {
                socket,
                gate,
                opened,
                binary_type,
            } => {
                adopted = Some((socket, gate));
                let mut core = Socket::adopted(setup.protocols, opened, binary_type);
                core.set_conditions(now, setup.conditions);
                core
            }
        };
        let this = Rc::new(Routed {
            core: RefCell::new(core),
            target: Target::new(setup.target),
            origin,
            native: setup.native,
            quirks: setup.quirks,
            observer: setup.observer,
            arrivals: Default::default(),
            server: RefCell::new(None),
            when_finished: RefCell::new(None),
            link,
            wake: RefCell::new(None),
            _live: Live::new(Held::RoutedSockets),
        });
        *this.link.socket.borrow_mut() = Some(this.clone());
        if let Some((socket, gate)) = adopted {
            let real = RealSocket::adopt(socket, gate, this.server_events());
            *this.server.borrow_mut() = Some(real);
        }
        this.pump();
        this
    }

    /// Network conditions now apply (or stop applying) to this socket.
    pub(crate) fn set_conditions(self: &Rc<Self>, conditions: Conditions) {
        self.input(|c| c.set_conditions(timer::now(), conditions));
    }

    /// Calls `f` with what the page still sees once both sides are finished.
    pub(crate) fn when_finished(&self, f: impl FnOnce(PageState) + 'static) {
        *self.when_finished.borrow_mut() = Some(Box::new(f));
    }

    /// The page's object, until its `close` event.
    pub(crate) fn target(&self) -> Option<JsValue> {
        self.target.get()
    }

    /// What route handles hold.
    pub(crate) fn link(&self) -> Rc<Link> {
        self.link.clone()
    }

    /// The socket's URL, after normalisation.
    pub(crate) fn url(&self) -> &str {
        &self.link.url
    }

    /// Reads the state machine. Never held across a call into JS.
    pub(crate) fn with_core<R>(&self, f: impl FnOnce(&Socket<Web>) -> R) -> R {
        f(&self.core.borrow())
    }

    /// `WebSocket.bufferedAmount` (measuring the page's messages still on
    /// their way that nobody measured yet; a read may ask for a departure).
    pub(crate) fn buffered_amount(self: &Rc<Self>) -> u64 {
        self.input(|c| c.buffered_amount())
    }

    /// Feeds the state machine (telling it the time first when it runs on a
    /// clock), then carries out what it asks for.
    pub(crate) fn input<R>(self: &Rc<Self>, f: impl FnOnce(&mut Socket<Web>) -> R) -> R {
        let r = {
            let mut core = self.core.borrow_mut();
            if core.is_timed() {
                core.handle_time(timer::now());
            }
            f(&mut core)
        };
        self.pump();
        r
    }

    /// Sets the timeout for when the core next wants the time, if that
    /// changed. The timeout being replaced may be the one running now: it is
    /// dropped after this task.
    fn rearm(self: &Rc<Self>) {
        let next = match self.core.try_borrow() {
            Ok(core) => core.poll_timeout(),
            Err(_) => return,
        };
        let armed = self.wake.borrow().as_ref().map(|(at, _)| *at);
        if next == armed {
            return;
        }
        let timeout = next.and_then(|at| {
            let weak = Rc::downgrade(self);
            // Whole milliseconds, rounded up: a timer that fires early would
            // find nothing due and, being spent, wake nothing again.
            let wait = (at - timer::now()).max(0.0).ceil();
            let t = Timeout::start(wait, move || {
                if let Some(this) = weak.upgrade() {
                    // This timeout is spent: the next one is armed afresh.
                    let spent = this.wake.borrow_mut().take();
                    this.input(|_| ());
                    wasm_bindgen_futures::spawn_local(async move { drop(spent) });
                }
            })?;
            Some((at, t))
        });
        let old = std::mem::replace(&mut *self.wake.borrow_mut(), timeout);
        if let Some(old) = old {
            wasm_bindgen_futures::spawn_local(async move { drop(old) });
        }
    }

    /// The waits on what arrives on `side`.
    pub(crate) fn arrivals(&self, side: Side) -> &Arrivals {
        let [page, server] = &self.arrivals;
        match side {
            Side::Page => page,
            Side::Server => server,
        }
    }

    /// Carries out pending effects in order. Re-entrant calls (user code
    /// calling back into wsroute) drain the same queue, so order is kept.
    // One copy: every input ends here, and inlined it would be repeated.
    #[inline(never)]
    fn pump(self: &Rc<Self>) {
        loop {
            let effect = match self.core.try_borrow_mut() {
                Ok(mut core) => core.poll_effect(),
                Err(_) => return,
            };
            match effect {
                Some(effect) => self.execute(effect),
                None => break,
            }
        }
        if self.wake.borrow().is_some() || self.core.try_borrow().is_ok_and(|c| c.is_timed()) {
            self.rearm();
        }
    }

    fn execute(self: &Rc<Self>, effect: Effect<Web>) {
        match effect {
            Effect::ScheduleTask => schedule::schedule(self.clone()),
            Effect::ScheduleDeparture => schedule::aside(self.clone()),
            Effect::RunHandler(handler) => self.run_handler(handler),
            Effect::DispatchOpen => self.target.fire("open"),
            Effect::DispatchMessage {
                message,
                binary_type,
            } => self.dispatch_message(message, binary_type),
            Effect::DispatchError(why) => {
                if let Some(o) = &self.observer {
                    o.socket_error(why.to_string());
                }
                self.target.fire("error");
            }
            Effect::DispatchClose {
                code,
                reason,
                was_clean,
            } => {
                if let Some(o) = &self.observer {
                    o.closed(code, &reason, was_clean);
                }
                self.target.fire_close(code, &reason, was_clean);
            }
            Effect::Arrived { side, message } => {
                if let (Side::Page, Some(o)) = (side, &self.observer) {
                    o.frame_sent(message.clone());
                }
                self.arrivals(side).message(&message);
            }
            Effect::Ended(side) => self.arrivals(side).end(),
            Effect::CallOnMessage { handler, message } => handler(message),
            Effect::CallOnClose {
                handler,
                code,
                reason,
            } => handler(code, reason),
            Effect::OpenServer => self.open_server(),
            Effect::SendToServer(m) => self.on_server("sending to", |real| real.send(&m)),
            Effect::CloseServer { code, reason } => {
                self.on_server("closing", |real| real.close(code, reason.as_deref()))
            }
            Effect::Finished => self.release(),
        }
    }

    /// Fires `message` at the page, binary data as `binary_type` says;
    /// observers hear it first.
    fn dispatch_message(&self, message: Data, binary_type: BinaryType) {
        if let Some(o) = &self.observer {
            o.frame_received(message.clone());
        }
        let data = if !message.is_text() && binary_type == BinaryType::Blob {
            native::blob_of(message.shared())
        } else {
            message.into_js()
        };
        self.target.fire_message(&data, &self.origin);
    }

    /// Does `what` to the real socket, reporting a failure on the console.
    fn on_server(&self, what: &str, f: impl FnOnce(&RealSocket) -> Result<(), JsValue>) {
        let failed = match &*self.server.borrow() {
            Some(real) => f(real).err(),
            None => None,
        };
        if let Some(e) = failed {
            glue::report(&format!("wsroute: {what} {} failed:", self.url()), &e);
        }
    }

    fn run_handler(self: &Rc<Self>, handler: RouteHandler) {
        match handler(self) {
            Ok(None) => self.input(|c| c.handler_returned()),
            Ok(Some(settling)) => {
                let this = self.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match settling.await {
                        Ok(()) => this.input(|c| c.handler_returned()),
                        Err(e) => this.handler_failed(&e),
                    }
                });
            }
            Err(e) => self.handler_failed(&e),
        }
    }

    fn handler_failed(self: &Rc<Self>, error: &JsValue) {
        glue::report(
            &format!("wsroute: the route handler for {} failed:", self.url()),
            error,
        );
        let text = glue::to_js_string(error);
        self.input(|c| c.handler_failed(text));
    }

    // ---- the page's calls ----

    /// `WebSocket.send()`: `data` is a string, a BufferSource or a Blob.
    pub(crate) fn page_send(self: &Rc<Self>, data: JsValue) -> Result<(), JsValue> {
        let refused = |e: CoreError| glue::dom_error(&DomError::InvalidState(e.to_string()));
        if let Some(blob) = glue::as_blob(&data) {
            let ticket = self
                .input(|c| c.page_send_blob(blob.size() as u64))
                .map_err(refused)?;
            if let Some(ticket) = ticket {
                let this = self.clone();
                data::read_blob(blob, move |bytes| {
                    this.input(|c| match bytes {
                        Some(m) => c.page_blob_read(ticket, m),
                        None => c.page_blob_failed(ticket),
                    })
                });
            }
            return Ok(());
        }
        // The shim passes only strings and BufferSources here. Bytes that
        // reach the real socket before any other code runs (no observer, no
        // wait to hear them) are not copied: the native `send()` copies them.
        let uncopied = self.observer.is_none()
            && !self.arrivals(Side::Page).is_awaited()
            && self.with_core(|c| c.page_send_goes_straight_to_server());
        match Data::from_page(&data, uncopied) {
            Some(message) => self.input(|c| c.page_send(message)).map_err(refused),
            None => Ok(()),
        }
    }

    /// `WebSocket.close()`; `code` is the number before its `[Clamp]` conversion.
    pub(crate) fn page_close(
        self: &Rc<Self>,
        code: Option<f64>,
        reason: Option<String>,
    ) -> Result<(), JsValue> {
        let (code, reason) = validate::close_arguments(code, reason, self.quirks)
            .map_err(|e| glue::dom_error(&e))?;
        if let Some(o) = &self.observer {
            o.page_called_close();
        }
        self.input(|c| c.page_close(code, reason));
        Ok(())
    }

    // ---- the real socket ----

    /// What hears the real socket's events: this socket, while it lives.
    fn server_events(self: &Rc<Self>) -> Rc<dyn Fn(ServerEvent)> {
        let this: Weak<Routed> = Rc::downgrade(self);
        Rc::new(move |event: ServerEvent| {
            if let Some(this) = this.upgrade() {
                schedule::in_event_task(|| this.server_event(event));
            }
        })
    }

    fn open_server(self: &Rc<Self>) {
        let protocols = self.with_core(|c| c.requested_protocols().to_vec());
        match RealSocket::open(&self.native, self.url(), &protocols, self.server_events()) {
            Ok(real) => *self.server.borrow_mut() = Some(real),
            Err(e) => {
                glue::report(
                    &format!("wsroute: connecting to {} failed:", self.url()),
                    &e,
                );
                let text = glue::to_js_string(&e);
                self.input(|c| c.server_connect_failed(text));
            }
        }
    }

    fn server_event(self: &Rc<Self>, event: ServerEvent) {
        match event {
            ServerEvent::Opened {
                protocol,
                extensions,
            } => self.input(|c| c.server_opened(protocol, extensions)),
            ServerEvent::Message(m) => self.input(|c| c.server_message(m)),
            ServerEvent::Error => self.input(|c| c.server_error()),
            ServerEvent::Closed {
                code,
                reason,
                was_clean,
            } => {
                self.input(|c| c.server_closed(code, reason, was_clean));
                if let Some(real) = &*self.server.borrow() {
                    real.release();
                }
            }
        }
    }

    /// Both sides are done: drop what keeps JS objects alive, and hand what
    /// the page still sees to whoever holds this socket, so that all the rest
    /// is freed now, not when the garbage collector finds the page's object.
    fn release(&self) {
        self.target.release();
        let real = self.server.borrow_mut().take();
        if let Some(real) = real {
            real.release();
        }
        let page = self.with_core(|c| c.page().clone());
        let finished = self.when_finished.borrow_mut().take();
        if let Some(f) = finished {
            f(page);
        }
        let me = self.link.socket.borrow_mut().take();
        drop(me);
        let hooks = std::mem::take(&mut *self.link.on_finish.borrow_mut());
        for hook in hooks {
            hook();
        }
    }
}

impl Task for Routed {
    fn run(self: Rc<Self>) {
        self.input(|c| c.run_task());
    }

    fn run_aside(self: Rc<Self>) {
        self.input(|c| c.departed());
    }
}
