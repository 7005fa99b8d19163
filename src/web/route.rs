//! [`WebSocketRoute`]: the handle a route handler gets, on the page side, and
//! on the server side after `connect_to_server()`.

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use super::data::{self, Data};
use super::glue;
use super::observe::Wait;
use super::observe::arrivals::Arrivals;
use super::routed::{Link, OnClose, OnMessage, Routed, Web};
use crate::sans_io::message::Message;
use crate::sans_io::socket::{CoreError, Side, Socket};
use crate::sans_io::validate;

/// Why a route call was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RouteError {
    /// `connect_to_server()` was called a second time.
    AlreadyConnected,
    /// The page's socket is still connecting.
    StillConnecting,
    /// `connect_to_server()` was called on the server-side route.
    NotPageSide,
    /// A close code no server could report (it must be 1000 to 4999).
    InvalidCloseCode(u16),
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteError::AlreadyConnected => f.write_str("Already connected to the server"),
            RouteError::StillConnecting => f.write_str("Still in CONNECTING state."),
            RouteError::NotPageSide => {
                f.write_str("connectToServer must be called on the page-side WebSocketRoute")
            }
            RouteError::InvalidCloseCode(c) => write!(
                f,
                "WebSocketRoute.close: code must be an integer from 1000 to 4999, got {c}"
            ),
        }
    }
}

impl std::error::Error for RouteError {}

impl From<CoreError> for RouteError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::AlreadyConnected => RouteError::AlreadyConnected,
            CoreError::StillConnecting => RouteError::StillConnecting,
        }
    }
}

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
#[derive(Clone)]
pub struct WebSocketRoute {
    /// The socket, until both its sides are finished (then calls do nothing).
    socket: Rc<Link>,
    side: Side,
}

impl WebSocketRoute {
    pub(crate) fn new(socket: &Rc<Routed>, side: Side) -> Self {
        WebSocketRoute {
            socket: socket.link(),
            side,
        }
    }

    /// A route of a finished socket, on `side`: what a finished route
    /// answers, with no socket behind it.
    pub(crate) fn finished(side: Side) -> Self {
        WebSocketRoute {
            socket: Link::finished(),
            side,
        }
    }

    pub(crate) fn side(&self) -> Side {
        self.side
    }

    /// Runs `f` when the socket is finished; at once if it is.
    pub(crate) fn when_finished(&self, f: impl FnOnce() + 'static) {
        self.socket.when_finished(f);
    }

    /// Feeds the socket's state machine, if the socket is still there.
    fn input<R: Default>(&self, f: impl FnOnce(&mut Socket<Web>) -> R) -> R {
        match self.socket.socket() {
            Some(s) => s.input(f),
            None => R::default(),
        }
    }

    /// The URL of the page's socket, after normalisation.
    ///
    /// ```no_run
    /// # fn demo(route: wsroute::WebSocketRoute) {
    /// assert!(route.url().starts_with("ws"));
    /// # }
    /// ```
    pub fn url(&self) -> String {
        self.socket.url.to_string()
    }

    /// The subprotocols the page asked for.
    ///
    /// ```no_run
    /// # fn demo(route: wsroute::WebSocketRoute) {
    /// let chat = route.protocols().iter().any(|p| p == "chat");
    /// # let _ = chat; }
    /// ```
    pub fn protocols(&self) -> Vec<String> {
        self.socket.protocols.to_vec()
    }

    /// Sends a message: to the page on the page side, to the server on the
    /// server side (queued in order while the real socket is connecting).
    ///
    /// ```no_run
    /// # fn demo(route: wsroute::WebSocketRoute) {
    /// route.send("welcome");
    /// route.send(vec![1u8, 2, 3]);
    /// # }
    /// ```
    pub fn send(&self, message: impl Into<Message>) {
        self.send_data(Data::from_message(message.into()));
    }

    pub(crate) fn send_data(&self, m: Data) {
        let side = self.side;
        self.input(|c| c.route_send(side, m));
    }

    /// Sends the bytes of `blob` once read; later sends and closes on this
    /// side wait for them.
    pub(crate) fn send_blob(&self, blob: &web_sys::Blob) {
        let Some(socket) = self.socket.socket() else {
            return;
        };
        let side = self.side;
        let ticket = socket.input(|c| c.route_send_blob(side));
        let route = self.clone();
        data::read_blob(blob, move |bytes| {
            route.input(|c| match bytes {
                Some(m) => c.route_blob_read(side, ticket, m),
                None => c.route_blob_failed(side, ticket),
            })
        });
    }

    /// Closes this side without a status code (on the page side, the page
    /// sees 1005).
    ///
    /// ```no_run
    /// # fn demo(route: wsroute::WebSocketRoute) {
    /// route.close();
    /// # }
    /// ```
    pub fn close(&self) {
        self.close_checked(None, None);
    }

    /// Closes this side with an optional `code` (any code a server could
    /// report, 1000 to 4999) and `reason`, as Playwright's `close({ code,
    /// reason })`. On the page side, 1006 fails the page socket (`error`, then
    /// close 1006, not clean): this is how a route refuses a connection; 1005
    /// is the same as no code.
    ///
    /// ```no_run
    /// # fn demo(route: wsroute::WebSocketRoute) -> Result<(), wsroute::RouteError> {
    /// route.close_with(Some(4000), Some("going away"))?;
    /// # Ok(()) }
    /// ```
    pub fn close_with(&self, code: Option<u16>, reason: Option<&str>) -> Result<(), RouteError> {
        if let Some(code) = code.filter(|c| !validate::route_close_code_ok(*c)) {
            return Err(RouteError::InvalidCloseCode(code));
        }
        self.close_checked(code, reason.map(str::to_owned));
        Ok(())
    }

    /// Closes this side; a present `code` has been checked.
    pub(crate) fn close_checked(&self, code: Option<u16>, reason: Option<String>) {
        let side = self.side;
        self.input(|c| c.route_close(side, code, reason));
    }

    /// Handles messages arriving on this side instead of forwarding them;
    /// replaces an earlier handler.
    ///
    /// ```no_run
    /// # fn demo(route: wsroute::WebSocketRoute) {
    /// let echo = route.clone();
    /// route.on_message(move |m| echo.send(m));
    /// # }
    /// ```
    pub fn on_message(&self, handler: impl FnMut(Message) + 'static) {
        let handler = RefCell::new(handler);
        let url = self.url();
        self.on_message_data(OnMessage::new(move |m: Data| {
            match handler.try_borrow_mut() {
                Ok(mut h) => h(m.into_message()),
                Err(_) => reentered("onMessage", &url),
            }
        }));
    }

    pub(crate) fn on_message_data(&self, handler: OnMessage) {
        let side = self.side;
        self.input(|c| c.set_on_message(side, handler));
    }

    /// Handles this side's close instead of forwarding it: receives the code
    /// and reason (`None` when none was given); replaces an earlier handler.
    ///
    /// ```no_run
    /// # fn demo(route: wsroute::WebSocketRoute) {
    /// let page = route.clone();
    /// route.on_close(move |code, reason| {
    ///     let _ = page.close_with(code, reason.as_deref()); // close as the page asked
    /// });
    /// # }
    /// ```
    pub fn on_close(&self, handler: impl FnMut(Option<u16>, Option<String>) + 'static) {
        let handler = RefCell::new(handler);
        let url = self.url();
        self.on_close_with(OnClose::new(move |code, reason| {
            match handler.try_borrow_mut() {
                Ok(mut h) => h(code, reason),
                Err(_) => reentered("onClose", &url),
            }
        }));
    }

    pub(crate) fn on_close_with(&self, handler: OnClose) {
        let side = self.side;
        self.input(|c| c.set_on_close(side, handler));
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
    ) -> Wait<Message> {
        match self.socket.socket() {
            Some(s) => s.arrivals(self.side).wait(predicate),
            None => Arrivals::default().ended_wait(predicate),
        }
    }

    /// Connects to the real server (the page's URL and protocols) and returns
    /// the server-side route. Refused on the server side, and the second time.
    ///
    /// ```no_run
    /// # fn demo(route: wsroute::WebSocketRoute) -> Result<(), wsroute::RouteError> {
    /// let server = route.connect_to_server()?;
    /// let page = route.clone();
    /// server.on_message(move |m| page.send(m)); // what the server says, passed on
    /// # Ok(()) }
    /// ```
    pub fn connect_to_server(&self) -> Result<WebSocketRoute, RouteError> {
        if self.side != Side::Page {
            return Err(RouteError::NotPageSide);
        }
        // A socket already finished connects nothing, as the machine would.
        if let Some(s) = self.socket.socket() {
            s.input(|c| c.connect_to_server())?;
        }
        Ok(WebSocketRoute {
            side: Side::Server,
            ..self.clone()
        })
    }
}

fn reentered(what: &str, url: &str) {
    glue::report(
        &format!("wsroute: the {what} handler for {url} re-entered itself; skipped"),
        &wasm_bindgen::JsValue::UNDEFINED,
    );
}

impl fmt::Debug for WebSocketRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketRoute")
            .field("url", &self.socket.url)
            .field("side", &self.side)
            .finish()
    }
}
