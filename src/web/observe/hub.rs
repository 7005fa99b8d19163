//! A hub of listeners and waiters for one source of events: what every
//! observable thing in wsroute (a socket, the set of new sockets, one side of
//! a route) is built on.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::{Rc, Weak};

use wasm_bindgen::JsValue;

use super::wait::{WaitError, Waiter};
use crate::web::glue;

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
    /// The kinds a JavaScript listener may name, and their names.
    const NAMED: [(Kind, &'static str); 5] = [
        (Kind::WebSocket, "websocket"),
        (Kind::FrameSent, "framesent"),
        (Kind::FrameReceived, "framereceived"),
        (Kind::Close, "close"),
        (Kind::SocketError, "socketerror"),
    ];

    /// The kind of an event name, among `allowed`.
    pub(crate) fn parse(name: &str, allowed: &[Kind]) -> Option<Kind> {
        Kind::NAMED
            .iter()
            .find(|(k, n)| *n == name && allowed.contains(k))
            .map(|(k, _)| *k)
    }

    /// The event's name, as in messages.
    pub(crate) fn name(self) -> &'static str {
        Kind::NAMED
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .unwrap_or("message")
    }
}

/// An event a hub delivers.
pub(crate) trait Event: Clone + 'static {
    /// Which listeners and waiters hear it.
    fn kind(&self) -> Kind;
    /// How it ends a wait for an event of another kind, if it does (the
    /// socket closed or failed first).
    fn ends_waits(&self) -> Option<WaitError>;
}

/// A listener: called with each event of its kind, in registration order.
pub(crate) type Callback<E> = Rc<RefCell<dyn FnMut(&E)>>;

struct Entry<E> {
    id: u64,
    kind: Kind,
    callback: Callback<E>,
    /// The JavaScript function it was made from, which `off` compares.
    from: Option<JsValue>,
}

/// Listeners and waiters for one source of events.
pub(crate) struct Hub<E> {
    entries: RefCell<Vec<Entry<E>>>,
    waiters: RefCell<Vec<Rc<Waiter<E>>>>,
    next_id: Cell<u64>,
}

impl<E> Default for Hub<E> {
    fn default() -> Self {
        Hub {
            entries: RefCell::default(),
            waiters: RefCell::default(),
            next_id: Cell::new(0),
        }
    }
}

impl<E: Event> Hub<E> {
    /// Drops every listener and waiter (after the last event: what they hold
    /// may hold the source, a cycle the garbage collector cannot see through wasm).
    pub(crate) fn clear(&self) {
        let entries = std::mem::take(&mut *self.entries.borrow_mut());
        let waiters = std::mem::take(&mut *self.waiters.borrow_mut());
        drop((entries, waiters));
    }

    /// Whether anyone listens or waits.
    pub(crate) fn is_watched(&self) -> bool {
        !self.entries.borrow().is_empty() || self.is_awaited()
    }

    /// Whether anyone waits.
    pub(crate) fn is_awaited(&self) -> bool {
        !self.waiters.borrow().is_empty()
    }

    /// Adds a listener for `kind`; `from` is the JavaScript function it was
    /// made from, if any.
    pub(crate) fn add(&self, kind: Kind, callback: Callback<E>, from: Option<JsValue>) -> u64 {
        let id = self.next_id.get() + 1;
        self.next_id.set(id);
        self.entries.borrow_mut().push(Entry {
            id,
            kind,
            callback,
            from,
        });
        id
    }

    /// Removes the listener `id`.
    pub(crate) fn remove(&self, id: u64) {
        let removed: Vec<Entry<E>> = {
            let mut entries = self.entries.borrow_mut();
            let (gone, kept) = entries.drain(..).partition(|e| e.id == id);
            *entries = kept;
            gone
        };
        drop(removed);
    }

    /// Removes the first listener for `kind` made from the JavaScript `f`.
    pub(crate) fn remove_made_from(&self, kind: Kind, f: &JsValue) {
        let id = self
            .entries
            .borrow()
            .iter()
            .find(|e| e.kind == kind && e.from.as_ref() == Some(f))
            .map(|e| e.id);
        if let Some(id) = id {
            self.remove(id);
        }
    }

    pub(super) fn add_waiter(&self, w: Rc<Waiter<E>>) {
        self.waiters.borrow_mut().push(w);
    }

    pub(super) fn remove_waiter(&self, w: &Rc<Waiter<E>>) {
        let removed: Vec<Rc<Waiter<E>>> = {
            let mut waiters = self.waiters.borrow_mut();
            let (gone, kept) = waiters.drain(..).partition(|x| Rc::ptr_eq(x, w));
            *waiters = kept;
            gone
        };
        drop(removed);
    }

    /// Delivers `event` to listeners (in registration order) and waiters.
    /// No borrow is held while user code runs.
    pub(crate) fn emit(&self, event: &E) {
        let kind = event.kind();
        let callbacks: Vec<Callback<E>> = self
            .entries
            .borrow()
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.callback.clone())
            .collect();
        for callback in callbacks {
            match callback.try_borrow_mut() {
                Ok(mut f) => f(event),
                Err(_) => glue::report(
                    &format!(
                        "wsroute: a '{}' listener re-entered itself; skipped",
                        kind.name()
                    ),
                    &JsValue::UNDEFINED,
                ),
            }
        }
        let waiters: Vec<Rc<Waiter<E>>> = self.waiters.borrow().clone();
        for w in waiters {
            w.offer(event);
        }
    }
}

/// A registered listener; dropping it unregisters the listener.
///
/// Returned by [`on_websocket`](crate::on_websocket) and the `on_*` methods of
/// [`Observer`](crate::Observer).
#[must_use = "dropping a Listener unregisters it; call .forget() to keep it"]
pub struct Listener {
    remove: Option<Box<dyn FnOnce()>>,
}

impl Listener {
    pub(crate) fn new<E: Event>(hub: &Rc<Hub<E>>, id: u64) -> Listener {
        let hub: Weak<Hub<E>> = Rc::downgrade(hub);
        Listener {
            remove: Some(Box::new(move || {
                if let Some(hub) = hub.upgrade() {
                    hub.remove(id);
                }
            })),
        }
    }

    /// Keeps the listener registered for as long as its source lives.
    ///
    /// ```no_run
    /// wsroute::on_websocket(|ws| web_sys::console::log_1(&ws.url().into())).forget();
    /// ```
    pub fn forget(mut self) {
        self.remove = None;
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(remove) = self.remove.take() {
            remove();
        }
    }
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listener")
            .field("registered", &self.remove.is_some())
            .finish()
    }
}
