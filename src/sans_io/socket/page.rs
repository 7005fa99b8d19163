//! Inputs from the page: `send()`, `close()`, `binaryType`, and the Blobs it
//! sends being read.

use super::effect::{BinaryType, CoreError, Effect, Failure, ReadyState, Side};
use super::task::{Counted, Task};
use super::{Action, Carrier, Outbox, Server, Socket, Ticket};
use crate::sans_io::message::Payload;

/// What the page sees of its socket. A finished socket's edge keeps only this.
#[derive(Clone, Debug)]
pub(crate) struct PageState {
    pub(super) ready_state: ReadyState,
    pub(super) buffered_amount: u64,
    pub(super) protocol: String,
    pub(super) extensions: String,
    pub(super) binary_type: BinaryType,
}

impl Default for PageState {
    fn default() -> Self {
        PageState {
            ready_state: ReadyState::Connecting,
            buffered_amount: 0,
            protocol: String::new(),
            extensions: String::new(),
            binary_type: BinaryType::Blob,
        }
    }
}

impl PageState {
    /// `WebSocket.readyState`.
    pub(crate) fn ready_state(&self) -> ReadyState {
        self.ready_state
    }

    /// `WebSocket.bufferedAmount` of a finished socket (a live one's is
    /// [`Socket::buffered_amount`]: some of its bytes may not be measured yet).
    pub(crate) fn buffered_amount(&self) -> u64 {
        self.buffered_amount
    }

    /// `WebSocket.protocol`.
    pub(crate) fn protocol(&self) -> &str {
        &self.protocol
    }

    /// `WebSocket.extensions`.
    pub(crate) fn extensions(&self) -> &str {
        &self.extensions
    }

    /// `WebSocket.binaryType`.
    pub(crate) fn binary_type(&self) -> BinaryType {
        self.binary_type
    }

    /// The page set `binaryType`; values other than `blob` and `arraybuffer`
    /// are ignored, as the attribute's setter does.
    pub(crate) fn set_binary_type(&mut self, value: &str) {
        if let Some(t) = BinaryType::parse(value) {
            self.binary_type = t;
        }
    }

    /// The page called `send()` with `size` bytes on a socket that has closed
    /// (or is closing): nothing is transmitted, but the amount still grows
    /// (WHATWG WebSockets, `send()` step 3).
    pub(crate) fn send_after_close(&mut self, size: u64) -> Result<(), CoreError> {
        match self.ready_state {
            ReadyState::Connecting => Err(CoreError::StillConnecting),
            _ => {
                self.buffered_amount = Self::buffered_after_close(self.buffered_amount, size);
                Ok(())
            }
        }
    }

    /// `bufferedAmount` after a closed socket's page sent `size` more bytes.
    pub(crate) fn buffered_after_close(buffered_amount: u64, size: u64) -> u64 {
        buffered_amount.saturating_add(size)
    }
}

impl<C: Carrier> Socket<C> {
    /// The page called `send()` with a message whose bytes are known now.
    pub(crate) fn page_send(&mut self, payload: C::Payload) -> Result<(), CoreError> {
        if self.sends_unheld() {
            if self.forwards_page_now() {
                self.page_message_direct(payload);
                return Ok(());
            }
            // Straight to the route's queue: it counts in `bufferedAmount`,
            // measured only if the page reads it first.
            self.unmeasured += 1;
            self.page_message_out(payload, Counted::Unmeasured);
            return Ok(());
        }
        let size = payload.byte_len();
        self.page_enqueue(|o| o.push(Action::Send(payload)), size)
            .map(|_| ())
    }

    /// The page called `send(blob)` with a Blob of `size` bytes. `Ok(Some(ticket))`:
    /// read the Blob and hand its bytes to [`Socket::page_blob_read`] with the
    /// ticket; later sends wait for it. `Ok(None)`: the socket is closing, so
    /// nothing is transmitted and the Blob need not be read.
    pub(crate) fn page_send_blob(&mut self, size: u64) -> Result<Option<Ticket>, CoreError> {
        let ticket = self.take_ticket();
        self.page_enqueue(|o| o.push_pending(ticket), size)
            .map(|sent| sent.then_some(ticket))
    }

    /// Whether the message is transmitted (`Ok(true)`), or only counted.
    fn page_enqueue(
        &mut self,
        push: impl FnOnce(&mut Outbox<C::Payload>),
        size: u64,
    ) -> Result<bool, CoreError> {
        match self.page.ready_state {
            ReadyState::Connecting => Err(CoreError::StillConnecting),
            ReadyState::Closing | ReadyState::Closed => {
                self.page.send_after_close(size).map(|()| false)
            }
            ReadyState::Open => {
                self.page.buffered_amount = self.page.buffered_amount.saturating_add(size);
                push(&mut self.outbox);
                self.drain_outbox();
                Ok(true)
            }
        }
    }

    /// The bytes of a Blob the page sent arrived.
    pub(crate) fn page_blob_read(&mut self, ticket: Ticket, payload: C::Payload) {
        self.outbox.resolve(ticket, Action::Send(payload));
        self.drain_outbox();
    }

    /// Reading a Blob the page sent failed: the page socket fails, as native does.
    pub(crate) fn page_blob_failed(&mut self, ticket: Ticket) {
        self.outbox.cancel(ticket);
        self.fail_page(Failure::BlobUnreadable);
        self.close_server(None, None);
    }

    /// Transmits what is ready in the page's outbox, in `send()` order.
    fn drain_outbox(&mut self) {
        while let Some(item) = self.outbox.pop_ready() {
            match item {
                Action::Send(p) => {
                    // Over a link, the bytes leave `bufferedAmount` when they
                    // depart, not when they reach the route.
                    let buffered = if self.link.is_none() {
                        Counted::Yes
                    } else {
                        Counted::No
                    };
                    self.page_message_out(p, buffered);
                }
                Action::Close { code, reason } => {
                    if !self.terminal_queued {
                        self.queue_for_route(Task::PageClosed { code, reason });
                    }
                }
            }
        }
    }

    /// Whether a page message sent now goes straight on (nothing ahead of it).
    fn sends_unheld(&self) -> bool {
        self.page.ready_state == ReadyState::Open && self.link.is_none() && self.outbox.is_empty()
    }

    /// Whether a page message sent now comes out as `Arrived` and
    /// `SendToServer`, with no effect before them and none between but
    /// `ScheduleDeparture` (which runs no code): carried out at once, the message
    /// reaches the real socket before any other code runs, so the edge may
    /// hand it the page's own bytes (a native `send()` copies them) when
    /// nobody hears `Arrived`.
    pub(crate) fn page_send_goes_straight_to_server(&self) -> bool {
        self.effects.is_empty() && self.sends_unheld() && self.forwards_page_now()
    }

    /// Whether a message the page sends now goes straight to the real socket:
    /// the route connected to the server and forwards the page's messages
    /// by default (no page-side `onMessage`), and none of the page's
    /// messages waits for the route. Taking the route's turn at once changes
    /// nothing the page or the route can see but `bufferedAmount`, which
    /// keeps the bytes until a later task (see [`super::Departing`]).
    fn forwards_page_now(&self) -> bool {
        self.server == Server::Open && self.page_tasks == 0 && self.on_message(Side::Page).is_none()
    }

    /// Sends the page's message to the real socket now; its bytes count in
    /// `bufferedAmount` until a later task (measured only if read; see
    /// [`super::Departing`]).
    fn page_message_direct(&mut self, payload: C::Payload) {
        self.departing.push(&payload);
        if self.departing.unmeasured.len() >= super::UNMEASURED_HELD {
            self.schedule_departure();
        }
        self.emit_arrived(Side::Page, &payload);
        self.emit(Effect::SendToServer(payload));
    }

    /// A message the page sent leaves for the route.
    fn page_message_out(&mut self, payload: C::Payload, buffered: Counted) {
        self.emit_arrived(Side::Page, &payload);
        self.queue_for_route(Task::FromPage { payload, buffered });
    }

    /// Asks for a departure of what the page sent straight on, unless one
    /// is scheduled or nothing is there.
    fn schedule_departure(&mut self) {
        if !self.departing.scheduled && !self.departing.is_empty() {
            self.departing.scheduled = true;
            self.emit(Effect::ScheduleDeparture);
        }
    }

    /// `WebSocket.bufferedAmount`: measures the messages still waiting for
    /// the route that nobody has measured yet. Bytes sent straight on count
    /// until a later task: reading them schedules their departure.
    pub(crate) fn buffered_amount(&mut self) -> u64 {
        let mut left = self.unmeasured;
        for task in self.tasks.iter_mut().rev() {
            if left == 0 {
                break;
            }
            if let Task::FromPage { payload, buffered } = task {
                if *buffered == Counted::Unmeasured {
                    *buffered = Counted::Yes;
                    self.page.buffered_amount =
                        self.page.buffered_amount.saturating_add(payload.byte_len());
                    left -= 1;
                }
            }
        }
        self.unmeasured = 0;
        let departing = self.departing.bytes();
        self.schedule_departure();
        self.page.buffered_amount.saturating_add(departing)
    }

    /// The departure scheduled by [`Effect::ScheduleDeparture`] runs: what
    /// the page sent straight to the real socket before it leaves
    /// `bufferedAmount`, as a socket's bytes do once the network has taken
    /// them (never in the task that sent them).
    pub(crate) fn departed(&mut self) {
        self.departing.scheduled = false;
        self.departing.leave();
    }

    /// The page called `close(code, reason)` (arguments already validated).
    pub(crate) fn page_close(&mut self, code: Option<u16>, reason: Option<String>) {
        match self.page.ready_state {
            ReadyState::Closing | ReadyState::Closed => {}
            ReadyState::Connecting => {
                // Fail the connection: error + close 1006 later, no open.
                self.page.ready_state = ReadyState::Closing;
                self.fail_page(Failure::ClosedWhileConnecting);
                self.close_server(None, None);
            }
            ReadyState::Open => {
                self.page.ready_state = ReadyState::Closing;
                self.outbox.push(Action::Close { code, reason });
                self.drain_outbox();
            }
        }
    }

    /// The page set `binaryType`.
    pub(crate) fn set_binary_type(&mut self, value: &str) {
        self.page.set_binary_type(value);
    }
}
