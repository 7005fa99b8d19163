//! The Rust entry point: [`install`] and the [`Installed`] guard that routes
//! sockets and undoes everything when dropped.

use std::cell::RefCell;
use std::fmt;
use std::time::Duration;

use super::glue;
#[cfg(feature = "har")]
use super::har::{self, HarOptions, HarRecorder};
use super::install::{self, Failed};
use super::matcher::Pattern;
use super::network;
use super::registry;
use super::route::WebSocketRoute;
use super::routed::RouteHandler;
#[cfg(feature = "har")]
use crate::sans_io::har::{model::Har, script::HarError};
use crate::sans_io::socket::{Conditions, Side};

/// Installs wsroute in place of the global
/// [`WebSocket`](https://developer.mozilla.org/en-US/docs/Web/API/WebSocket)
/// and returns a guard to add routes with.
///
/// Guards nest: while any guard lives the shim stays installed. Dropping a
/// guard removes the routes it added; dropping the last one also removes
/// every other route (those added from JavaScript included), forgets the base
/// URL and the network conditions, and restores the native `WebSocket`, so
/// tests that share one page each start clean. Sockets already created keep working either way.
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

    /// Sets the network conditions of every socket (`None`: removes those set
    /// for every socket), from now on and for sockets already open: what no
    /// browser tool applies to WebSockets. See [`NetworkConditions`].
    ///
    /// ```no_run
    /// # let guard = wsroute::install().unwrap();
    /// use std::time::Duration;
    /// guard.set_network_conditions(Some(wsroute::NetworkConditions {
    ///     latency: Duration::from_millis(300),
    ///     download_throughput: Some(50_000),
    ///     ..Default::default()
    /// }));
    /// ```
    pub fn set_network_conditions(&self, conditions: Option<NetworkConditions>) {
        network::set(None, conditions.map(NetworkConditions::into_core));
    }

    /// Sets the network conditions of the sockets whose URL matches `url`;
    /// the newest call whose `url` matches a socket decides for it, and
    /// `None` removes the conditions set with that same `url`.
    ///
    /// ```no_run
    /// # let guard = wsroute::install().unwrap();
    /// let offline = wsroute::NetworkConditions { offline: true, ..Default::default() };
    /// guard.set_network_conditions_for("wss://example.test/feed", Some(offline));
    /// ```
    pub fn set_network_conditions_for(
        &self,
        url: impl Into<Pattern>,
        conditions: Option<NetworkConditions>,
    ) {
        network::set(
            Some(url.into()),
            conditions.map(NetworkConditions::into_core),
        );
    }

    /// Sets only `offline`, for every socket, as Playwright's `setOffline`:
    /// every open or connecting socket fails like a dropped connection, and
    /// new ones never open, until it is set back.
    ///
    /// ```no_run
    /// # let guard = wsroute::install().unwrap();
    /// guard.set_offline(true);
    /// // ... the app's reconnect logic runs into a dead network ...
    /// guard.set_offline(false);
    /// ```
    pub fn set_offline(&self, offline: bool) {
        network::set_offline(offline);
    }

    /// Starts recording every socket created from now on whose URL
    /// `pattern` matches (all when `None`), mocked, routed or passed through:
    /// [`HarRecorder::stop`] gives the HAR log, one entry per socket with its
    /// frames as the page saw them (Chrome DevTools' format).
    ///
    /// ```no_run
    /// # let guard = wsroute::install().unwrap();
    /// let recorder = guard.record_har(Some("wss://example.test/**".into()));
    /// // ... the page talks to the real server ...
    /// let har = recorder.stop(); // serde: save it as JSON, replay it later
    /// # let _ = har;
    /// ```
    #[cfg(feature = "har")]
    pub fn record_har(&self, pattern: Option<Pattern>) -> HarRecorder {
        HarRecorder::start(pattern)
    }

    /// Replays the WebSocket sessions of `har` as mocks: the k-th socket to a
    /// URL replays the k-th session recorded for it (the last one again once
    /// they run out); server frames follow what they followed in the
    /// recording, each recorded page frame waits for the page's next one,
    /// and one that differs closes the socket with 1011. A socket with no
    /// session fails like a refused connection, unless
    /// [`HarOptions::fallback`]. Like a route: the newest route wins, and
    /// dropping this guard removes it. A log that cannot be read is an error
    /// naming the entry and field, and routes nothing.
    ///
    /// ```no_run
    /// # fn demo(guard: &wsroute::Installed, har: &wsroute::Har) -> Result<(), wsroute::har::HarError> {
    /// guard.route_from_har(har, wsroute::HarOptions::default())?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "har")]
    pub fn route_from_har(&self, har: &Har, options: HarOptions) -> Result<(), HarError> {
        let id = har::replay::route_from_har(har, options)?;
        self.routes.borrow_mut().push(id);
        Ok(())
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
            network::clear();
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

/// What the network does to sockets: latency, throughput, offline. Browsers'
/// network emulation (DevTools, Playwright's `setOffline`) leaves WebSockets
/// alone; wsroute applies these to every socket the page creates, mocked,
/// routed to a server or passed through.
///
/// ```no_run
/// use std::time::Duration;
/// let slow = wsroute::NetworkConditions {
///     latency: Duration::from_millis(200),
///     upload_throughput: Some(16_000),
///     ..Default::default()
/// };
/// # let _ = slow;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NetworkConditions {
    /// Every matching socket that is open or connecting fails like a dropped
    /// connection (`error`, close 1006); new ones never open.
    pub offline: bool,
    /// Added once each way: to every frame, and to the opening handshake.
    pub latency: Duration,
    /// Bytes per second towards the page; `None` (or 0): unlimited.
    pub download_throughput: Option<u32>,
    /// Bytes per second from the page; `None` (or 0): unlimited. Bytes waiting
    /// to leave count in `bufferedAmount`.
    pub upload_throughput: Option<u32>,
}

impl NetworkConditions {
    fn into_core(self) -> Conditions {
        let rate = |r: Option<u32>| r.filter(|&r| r > 0).map(f64::from);
        Conditions {
            offline: self.offline,
            latency: self.latency.as_secs_f64() * 1000.0,
            download: rate(self.download_throughput),
            upload: rate(self.upload_throughput),
        }
    }
}
