//! The Rust entry point: [`install`] and the [`Installed`] guard that routes
//! sockets and undoes everything when dropped.

use std::cell::RefCell;
use std::fmt;

use super::glue;
use super::install::{self, Failed};
use super::matcher::Pattern;
use super::registry;
use super::route::WebSocketRoute;
use super::routed::RouteHandler;
use crate::sans_io::socket::Side;

/// Installs wsroute in place of the global
/// [`WebSocket`](https://developer.mozilla.org/en-US/docs/Web/API/WebSocket)
/// and returns a guard to add routes with.
///
/// Guards nest: while any guard lives the shim stays installed. Dropping a
/// guard removes the routes it added; dropping the last one also removes
/// every other route (those added from JavaScript included), forgets the base
/// URL and restores the native `WebSocket`, so tests that share one page each
/// start clean. Sockets already created keep working either way.
///
/// ```no_run
/// let ws = wsroute::install().expect("install");
/// ws.route("wss://example.test/ws", |route| {
///     route.send("welcome");
/// });
/// // ... exercise code that opens `wss://example.test/ws` ...
/// drop(ws); // routes removed, native WebSocket back
/// ```
pub fn install() -> Result<Installed, InstallError> {
    install::install().map_err(|e| match e {
        Failed::NoWebSocket => InstallError::NoWebSocket,
        Failed::Threw(e) => InstallError::Refused(glue::to_js_string(&e)),
    })?;
    registry::with(|r| r.guards += 1);
    Ok(Installed {
        routes: RefCell::new(Vec::new()),
    })
}

/// Why [`install`] failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstallError {
    /// This environment has no `WebSocket` to replace.
    NoWebSocket,
    /// Setting the global `WebSocket` threw (a frozen global, say); the text
    /// is what it threw.
    Refused(String),
}

impl fmt::Display for InstallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstallError::NoWebSocket => {
                f.write_str("wsroute could not install: this environment has no WebSocket")
            }
            InstallError::Refused(e) => write!(f, "wsroute could not install: {e}"),
        }
    }
}

impl std::error::Error for InstallError {}

/// The guard returned by [`install`]: adds routes, and undoes them when
/// dropped (see [`install`] for what dropping the last guard does).
#[must_use = "dropping the guard removes its routes (and uninstalls wsroute if it is the last)"]
pub struct Installed {
    routes: RefCell<Vec<u64>>,
}

impl Installed {
    /// Routes sockets created from now on whose URL matches `pattern` to
    /// `handler`, which runs in the socket's first task with the page-side
    /// route. The newest matching route handles a socket; the page's `open`
    /// follows once the handler has returned (mock mode), or when the real
    /// socket opens (after [`WebSocketRoute::connect_to_server`]).
    ///
    /// ```no_run
    /// # let guard = wsroute::install().unwrap();
    /// guard.route("wss://example.test/chat", |ws| {
    ///     let reply = ws.clone();
    ///     ws.on_message(move |m| reply.send(m)); // an echo server
    /// });
    /// ```
    pub fn route(
        &self,
        pattern: impl Into<Pattern>,
        handler: impl FnMut(WebSocketRoute) + 'static,
    ) {
        let handler = RefCell::new(handler);
        let handler = RouteHandler::new(move |socket| {
            let route = WebSocketRoute::new(socket, Side::Page);
            match handler.try_borrow_mut() {
                Ok(mut h) => {
                    h(route);
                    Ok(None)
                }
                Err(_) => Err(wasm_bindgen::JsValue::from_str(
                    "the Rust route handler is already running",
                )),
            }
        });
        let id = registry::add_route(pattern.into(), handler, None);
        self.routes.borrow_mut().push(id);
    }

    /// Removes every route this guard added.
    ///
    /// ```no_run
    /// # let guard = wsroute::install().unwrap();
    /// guard.route("wss://example.test/**", |ws| ws.close());
    /// guard.unroute_all(); // sockets created from now on are not routed
    /// ```
    pub fn unroute_all(&self) {
        let ids = std::mem::take(&mut *self.routes.borrow_mut());
        registry::remove_routes(|r| ids.contains(&r.id));
    }

    /// Sets the base URL relative globs resolve against (`None`: the
    /// document's), like Playwright's `baseURL` option.
    ///
    /// ```no_run
    /// # let guard = wsroute::install().unwrap();
    /// guard.set_base_url(Some("http://localhost:3000/app/"));
    /// guard.route("/ws", |ws| ws.close()); // ws://localhost:3000/ws
    /// ```
    pub fn set_base_url(&self, base: Option<&str>) {
        registry::set_base_url(base.map(str::to_owned));
    }
}

impl Drop for Installed {
    fn drop(&mut self) {
        self.unroute_all();
        let last = registry::with(|r| {
            r.guards = r.guards.saturating_sub(1);
            r.guards == 0
        });
        if last {
            registry::remove_routes(|_| true);
            registry::set_base_url(None);
            install::uninstall();
        }
    }
}

impl fmt::Debug for Installed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Installed")
            .field("routes", &self.routes.borrow().len())
            .finish()
    }
}
