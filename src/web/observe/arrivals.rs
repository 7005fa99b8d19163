//! Messages arriving on one side of a route (what the page sent, or what the
//! server sent), for [`crate::WebSocketRoute::wait_for_message`], whether or
//! not the route handles or forwards them.

use std::cell::Cell;
use std::rc::Rc;

use super::event::{Kind, WaitError};
use super::hub::Hub;
use super::observer::SocketEvent;
use super::wait::{Predicate, Verdict, Wait};
use crate::sans_io::message::Message;
use crate::web::data::Data;

/// The waits on one side of a route.
#[derive(Default)]
pub(crate) struct Arrivals {
    hub: Rc<Hub<SocketEvent>>,
    ended: Cell<bool>,
}

impl Arrivals {
    /// A message arrived on this side.
    pub(crate) fn message(&self, m: &Data) {
        if !self.ended.get() && self.hub.is_awaited() {
            self.hub.emit(&SocketEvent::RouteMessage(m.clone()));
        }
    }

    /// Whether a wait would hear a message now.
    pub(crate) fn is_awaited(&self) -> bool {
        !self.ended.get() && self.hub.is_awaited()
    }

    /// This side closed: pending and later waits fail with `Closed`.
    pub(crate) fn end(&self) {
        if !self.ended.replace(true) {
            self.hub.emit(&SocketEvent::RouteEnded);
            self.hub.clear();
        }
    }

    /// Waits for the next message `predicate` accepts.
    pub(crate) fn wait(
        &self,
        mut predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        let p: Predicate<SocketEvent> = Box::new(move |a| match a {
            SocketEvent::RouteMessage(m) if predicate(m.message()) => Verdict::Accept,
            _ => Verdict::Decline,
        });
        let wait = Wait::new(&self.hub, Kind::RouteMessage, Some(p), |a| match a {
            SocketEvent::RouteMessage(m) => Some(m.into_message()),
            _ => None,
        });
        if self.ended.get() {
            wait.ended(WaitError::Closed)
        } else {
            wait
        }
    }
}

impl Arrivals {
    /// A wait on a side that has ended already: it fails with `Closed`.
    pub(crate) fn ended_wait(
        &self,
        predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        self.end();
        self.wait(predicate)
    }
}
