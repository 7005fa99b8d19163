//! Messages arriving on one side of a route (what the page sent, or what the
//! server sent), for [`crate::WebSocketRoute::wait_for_message`], whether or
//! not the route handles or forwards them.

use std::cell::Cell;
use std::rc::Rc;

use super::hub::{Event, Hub, Kind};
use super::wait::{Predicate, Verdict, Wait, WaitError};
use crate::sans_io::message::Message;
use crate::web::data::Data;

/// What happens on one side of a route.
#[derive(Clone)]
pub(crate) enum Arrival {
    Message(Data),
    /// That side has closed.
    Ended,
}

impl Event for Arrival {
    fn kind(&self) -> Kind {
        match self {
            Arrival::Message(_) => Kind::RouteMessage,
            Arrival::Ended => Kind::Close,
        }
    }

    fn ends_waits(&self) -> Option<WaitError> {
        matches!(self, Arrival::Ended).then_some(WaitError::Closed)
    }
}

/// The waits on one side of a route.
#[derive(Default)]
pub(crate) struct Arrivals {
    hub: Rc<Hub<Arrival>>,
    ended: Cell<bool>,
}

impl Arrivals {
    /// A message arrived on this side.
    pub(crate) fn message(&self, m: &Data) {
        if !self.ended.get() && self.hub.is_awaited() {
            self.hub.emit(&Arrival::Message(m.clone()));
        }
    }

    /// This side closed: pending and later waits fail with `Closed`.
    pub(crate) fn end(&self) {
        if !self.ended.replace(true) {
            self.hub.emit(&Arrival::Ended);
            self.hub.clear();
        }
    }

    /// Waits for the next message `predicate` accepts.
    pub(crate) fn wait(
        &self,
        mut predicate: impl FnMut(&Message) -> bool + 'static,
    ) -> Wait<Message> {
        let p: Predicate<Arrival> = Box::new(move |a| match a {
            Arrival::Message(m) if predicate(m.message()) => Verdict::Accept,
            _ => Verdict::Decline,
        });
        let wait = Wait::new(&self.hub, Kind::RouteMessage, Some(p), |a| match a {
            Arrival::Message(m) => Some(m.into_message()),
            Arrival::Ended => None,
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
