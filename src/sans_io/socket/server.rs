//! Inputs from the real socket behind a route: opened, a message, an
//! `error` event, closed, or not even created.

use super::effect::{Effect, Failure, Side};
use super::{ABNORMAL, Carrier, NO_STATUS, Server, Socket};

impl<C: Carrier> Socket<C> {
    /// The real socket opened.
    pub(crate) fn server_opened(&mut self, protocol: String, extensions: String) {
        if self.server != Server::Connecting {
            return;
        }
        self.server = Server::Open;
        while let Some(p) = self.to_server.pop_front() {
            self.emit(Effect::SendToServer(p));
        }
        self.server_protocol = protocol;
        self.server_extensions = extensions;
        if !self.open_queued && !self.terminal_queued {
            self.queue_open();
        }
        while let Some(p) = self.held_for_page.pop_front() {
            self.deliver_to_page(p);
        }
    }

    /// The real socket received a message.
    pub(crate) fn server_message(&mut self, payload: C::Payload) {
        if !matches!(self.server, Server::Open | Server::Closing) {
            return;
        }
        // The real socket's events are tasks of their own: what the page
        // sent before this one has left, whether or not the departure has
        // run yet (it is not ordered with the real socket's tasks).
        self.departing.leave();
        self.emit_arrived(Side::Server, &payload);
        match self.on_message(Side::Server) {
            Some(handler) => self.emit(Effect::CallOnMessage {
                handler,
                message: payload,
            }),
            None => self.deliver_to_page(payload),
        }
    }

    /// The real socket fired `error` (refused, rejected handshake, invalid
    /// frame, dropped connection): its close, which follows, is a failure.
    pub(crate) fn server_error(&mut self) {
        self.server_failed = true;
    }

    /// The real socket could not be created (its constructor threw `error`).
    pub(crate) fn server_connect_failed(&mut self, error: String) {
        self.server_failed = true;
        self.server_gone(
            ABNORMAL,
            String::new(),
            false,
            Failure::ConnectFailed(error),
        );
    }

    /// The real socket closed. After an `error` event the page fails too; a
    /// close 1006 without `error` (Firefox, dropped connection) is passed on
    /// as it is.
    pub(crate) fn server_closed(&mut self, code: u16, reason: String, was_clean: bool) {
        let opened = matches!(self.server, Server::Open | Server::Closing);
        self.server_gone(code, reason, was_clean, Failure::of_real_socket(opened));
    }

    fn server_gone(&mut self, code: u16, reason: String, was_clean: bool, why: Failure) {
        if matches!(self.server, Server::None | Server::Closed) {
            return;
        }
        self.server = Server::Closed;
        self.to_server.clear();
        if let Some(handler) = self.on_close(Side::Server) {
            let (code, reason) = if code == NO_STATUS {
                (None, None)
            } else {
                (Some(code), Some(reason))
            };
            self.emit(Effect::CallOnClose {
                handler,
                code,
                reason,
            });
        } else if self.server_failed || !self.open_queued {
            self.held_for_page.clear();
            self.fail_page(why);
        } else if !self.terminal_queued {
            self.queue_close(code, reason, was_clean);
        }
        // Messages the route sent to a page that never opened: with the server
        // gone, the route is the page's only peer, as in mock mode.
        while let Some(p) = self.held_for_page.pop_front() {
            self.deliver_to_page(p);
        }
        self.emit(Effect::Ended(Side::Server));
        self.check_finished();
    }
}
