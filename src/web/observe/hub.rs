//! A hub of listeners and waiters for one source of events: what every
//! observable thing in wsroute (a socket, the set of new sockets, one side of
//! a route) is built on.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsValue;

use super::event::{Event, Kind};
use crate::web::glue;

/// A listener: called with each event of its kind, in registration order.
pub(crate) type Callback<E> = Rc<RefCell<dyn FnMut(&E)>>;

/// A pending wait, offered every event until it settles.
pub(crate) trait Awaiting<E> {
    fn offer(self: Rc<Self>, event: &E);
}

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
    waiters: RefCell<Vec<Rc<dyn Awaiting<E>>>>,
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

    /// Removes the first listener `which` picks. The listener is dropped
    /// after the borrow: what it holds may call back in when dropped.
    fn remove_where(&self, which: impl Fn(&Entry<E>) -> bool) {
        let removed = {
            let mut entries = self.entries.borrow_mut();
            entries.iter().position(which).map(|i| entries.remove(i))
        };
        drop(removed);
    }

    /// Removes the listener `id`.
    pub(crate) fn remove(&self, id: u64) {
        self.remove_where(|e| e.id == id);
    }

    /// Removes the first listener for `kind` made from the JavaScript `f`.
    pub(crate) fn remove_made_from(&self, kind: Kind, f: &JsValue) {
        self.remove_where(|e| e.kind == kind && e.from.as_ref() == Some(f));
    }

    pub(super) fn add_waiter(&self, w: Rc<dyn Awaiting<E>>) {
        self.waiters.borrow_mut().push(w);
    }

    pub(super) fn remove_waiter(&self, w: &Rc<dyn Awaiting<E>>) {
        let removed = {
            let mut waiters = self.waiters.borrow_mut();
            waiters
                .iter()
                .position(|x| Rc::ptr_eq(x, w))
                .map(|i| waiters.remove(i))
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
        let waiters: Vec<Rc<dyn Awaiting<E>>> = self.waiters.borrow().clone();
        for w in waiters {
            w.offer(event);
        }
    }
}
