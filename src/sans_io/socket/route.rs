//! Inputs from the route: its handler settling, `onMessage`/`onClose`,
//! `connectToServer()`, and `send()`/`close()` on either side.

use super::effect::{CoreError, Effect, Failure, ReadyState, Side};
use super::{ABNORMAL, Action, Carrier, NO_STATUS, Outbox, Server, Socket, Ticket, at};

impl<C: Carrier> Socket<C> {
    /// The route handler returned (or its promise resolved).
    pub(crate) fn handler_returned(&mut self) {
        if self.server == Server::None
            && !self.open_queued
            && !self.terminal_queued
            && self.page.ready_state == ReadyState::Connecting
        {
            self.queue_open();
        }
    }

    /// The route handler threw (or its promise rejected) with `error`: the
    /// socket fails.
    pub(crate) fn handler_failed(&mut self, error: String) {
        self.fail_page(Failure::HandlerFailed(error));
        self.close_server(None, None);
    }

    /// The route set (or replaced) the `onMessage` handler of `side`.
    pub(crate) fn set_on_message(&mut self, side: Side, handler: C::OnMessage) {
        if let Some(h) = self.handlers.on_message.get_mut(at(side)) {
            *h = Some(handler);
        }
    }

    /// The route set (or replaced) the `onClose` handler of `side`.
    pub(crate) fn set_on_close(&mut self, side: Side, handler: C::OnClose) {
        if let Some(h) = self.handlers.on_close.get_mut(at(side)) {
            *h = Some(handler);
        }
    }

    pub(super) fn on_message(&self, side: Side) -> Option<C::OnMessage> {
        self.handlers.on_message.get(at(side)).cloned().flatten()
    }

    pub(super) fn on_close(&self, side: Side) -> Option<C::OnClose> {
        self.handlers.on_close.get(at(side)).cloned().flatten()
    }

    /// The route called `connectToServer()`. On success the edge gets
    /// [`Effect::OpenServer`].
    pub(crate) fn connect_to_server(&mut self) -> Result<(), CoreError> {
        if self.server != Server::None {
            return Err(CoreError::AlreadyConnected);
        }
        if self.terminal_queued || self.page.ready_state >= ReadyState::Closing {
            // The page socket is gone; a real connection would be orphaned.
            self.server = Server::Closed;
            return Ok(());
        }
        self.server = Server::Connecting;
        self.emit(Effect::OpenServer);
        Ok(())
    }

    /// The route called `send()` on `side`.
    pub(crate) fn route_send(&mut self, side: Side, payload: C::Payload) {
        self.route_enqueue(side, |o| o.push(Action::Send(payload)));
    }

    /// The route called `send(blob)` on `side`: read the Blob and hand its
    /// bytes to [`Socket::route_blob_read`] with the ticket; later sends and
    /// closes on that side wait.
    pub(crate) fn route_send_blob(&mut self, side: Side) -> Ticket {
        let ticket = self.take_ticket();
        self.route_enqueue(side, |o| o.push_pending(ticket));
        ticket
    }

    /// The bytes of a Blob the route sent on `side` arrived.
    pub(crate) fn route_blob_read(&mut self, side: Side, ticket: Ticket, payload: C::Payload) {
        self.route_enqueue(side, |o| o.resolve(ticket, Action::Send(payload)));
    }

    /// Reading a Blob the route sent failed: that message is dropped.
    pub(crate) fn route_blob_failed(&mut self, side: Side, ticket: Ticket) {
        self.route_enqueue(side, |o| o.cancel(ticket));
    }

    /// The route called `close({code, reason})` on `side`.
    pub(crate) fn route_close(&mut self, side: Side, code: Option<u16>, reason: Option<String>) {
        self.route_enqueue(side, |o| o.push(Action::Close { code, reason }));
    }

    fn route_enqueue(&mut self, side: Side, change: impl FnOnce(&mut Outbox<C::Payload>)) {
        let Some(outbox) = self.route_outboxes.get_mut(at(side)) else {
            return;
        };
        change(outbox);
        while let Some(item) = self
            .route_outboxes
            .get_mut(at(side))
            .and_then(|o| o.pop_ready())
        {
            match (item, side) {
                (Action::Send(p), Side::Page) => self.deliver_to_page(p),
                (Action::Send(p), Side::Server) => self.send_to_server(p),
                (Action::Close { code, reason }, Side::Server) => self.close_server(code, reason),
                (Action::Close { code, reason }, Side::Page) => self.close_page(code, reason),
            }
        }
    }

    /// The route closes the page side: the page gets `open` first if it had
    /// none (a server closes only after the handshake), then the close; 1006
    /// fails it instead. Without a page-side `onClose`, the server side closes
    /// too (default wiring).
    fn close_page(&mut self, code: Option<u16>, reason: Option<String>) {
        if self.terminal_queued {
            return;
        }
        let code = code.filter(|c| *c != NO_STATUS);
        let reason = reason.unwrap_or_default();
        if code == Some(ABNORMAL) {
            let why = if self.open_queued {
                Failure::RouteDropped
            } else {
                Failure::RouteRefused
            };
            self.fail_page(why);
        } else {
            if !self.open_queued {
                self.queue_open();
            }
            self.queue_close(code.unwrap_or(NO_STATUS), reason.clone(), true);
        }
        if self.on_close(Side::Page).is_none() {
            let code = code.filter(|c| *c != ABNORMAL);
            self.close_server(code, code.map(|_| reason));
        }
    }
}
