//! New sockets, as they are created: `on('websocket')`, `waitForEvent('websocket')`,
//! [`on_websocket`] and [`wait_for_websocket`].

use std::cell::RefCell;
use std::rc::Rc;

use super::hub::{Event, Hub, Kind, Listener};
use super::observer::Observer;
use super::wait::{Predicate, Verdict, Wait, WaitError};

/// A socket was created.
#[derive(Clone)]
pub(crate) struct NewSocket(pub(crate) Observer);

impl Event for NewSocket {
    fn kind(&self) -> Kind {
        Kind::WebSocket
    }

    fn ends_waits(&self) -> Option<WaitError> {
        None
    }
}

thread_local! {
    static SOCKETS: Rc<Hub<NewSocket>> = Rc::default();
}

/// The hub that hears of every new socket.
pub(crate) fn sockets() -> Rc<Hub<NewSocket>> {
    SOCKETS.with(Rc::clone)
}

/// An observer for a socket being created, when anyone is watching.
pub(crate) fn observe_new_socket(url: &str) -> Option<Observer> {
    SOCKETS
        .with(|h| h.is_watched())
        .then(|| Observer::new(url.to_owned()))
}

/// Reports a new socket to `on('websocket')` listeners and waiters, before
/// anything else happens to it.
pub(crate) fn announce(observer: &Observer) {
    sockets().emit(&NewSocket(observer.clone()));
}

/// Calls `f` for every socket the page creates from now on (mocked, routed
/// to a server, or passed through), before its `open` and any of its frames.
/// Dropping the returned [`Listener`] unregisters it.
///
/// ```no_run
/// let _watch = wsroute::on_websocket(|ws| {
///     web_sys::console::log_1(&ws.url().into());
/// });
/// ```
pub fn on_websocket(mut f: impl FnMut(Observer) + 'static) -> Listener {
    let hub = sockets();
    let id = hub.add(
        Kind::WebSocket,
        Rc::new(RefCell::new(move |s: &NewSocket| f(s.0.clone()))),
        None,
    );
    Listener::new(&hub, id)
}

/// Waits for the next socket whose observer `predicate` accepts.
///
/// ```no_run
/// # async fn demo() -> Result<(), wsroute::WaitError> {
/// let next = wsroute::wait_for_websocket(|ws| ws.url().ends_with("/chat"));
/// // ... the code under test opens wss://example.test/chat ...
/// let ws = next.await?;
/// # let _ = ws; Ok(()) }
/// ```
pub fn wait_for_websocket(
    mut predicate: impl FnMut(&Observer) -> bool + 'static,
) -> Wait<Observer> {
    let p: Predicate<NewSocket> = Box::new(move |s| {
        if predicate(&s.0) {
            Verdict::Accept
        } else {
            Verdict::Decline
        }
    });
    Wait::new(&sockets(), Kind::WebSocket, Some(p), |s| Some(s.0))
}
