//! New sockets, as they are created: `on('websocket')`, `waitForEvent('websocket')`,
//! [`on_websocket`] and [`wait_for_websocket`].

use std::cell::RefCell;
use std::rc::Rc;

use super::event::Kind;
use super::hub::Hub;
use super::observer::{Listener, Observer, SocketEvent};
use super::wait::{Predicate, Verdict, Wait};

thread_local! {
    static SOCKETS: Rc<Hub<SocketEvent>> = Rc::default();
}

/// The hub that hears of every new socket.
pub(crate) fn sockets() -> Rc<Hub<SocketEvent>> {
    SOCKETS.with(Rc::clone)
}

/// Whether anyone watches new sockets.
pub(crate) fn is_watched() -> bool {
    SOCKETS.with(|h| h.is_watched())
}

/// An observer for a socket being created, when anyone is watching.
#[inline(never)]
pub(crate) fn observe_new_socket(url: &str, protocols: &[String]) -> Option<Observer> {
    is_watched().then(|| Observer::new(url.to_owned(), protocols.into()))
}

/// Reports a new socket to `on('websocket')` listeners and waiters, before
/// anything else happens to it.
#[inline(never)]
pub(crate) fn announce(observer: &Observer) {
    sockets().emit(&SocketEvent::New(observer.clone()));
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
        Rc::new(RefCell::new(move |s: &SocketEvent| {
            if let SocketEvent::New(o) = s {
                f(o.clone())
            }
        })),
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
    let p: Predicate<SocketEvent> = Box::new(move |s| match s {
        SocketEvent::New(o) if predicate(o) => Verdict::Accept,
        _ => Verdict::Decline,
    });
    Wait::new(&sockets(), Kind::WebSocket, Some(p), |s| match s {
        SocketEvent::New(o) => Some(o),
        _ => None,
    })
}
