//! The sans-IO heart of wsroute: one routed socket as a plain state machine.
//!
//! A routed socket has a *page side* (the `WebSocket` object the page holds), a
//! *route* (the handler's `WebSocketRoute`) and, after `connectToServer()`, a
//! *server side* (a real socket). [`Socket`] owns every rule about ordering,
//! forwarding, closing and `bufferedAmount`; it never touches the browser.
//! The edge feeds it inputs (page calls, route calls, real-socket events) and
//! executes the [`Effect`]s it asks for, in order.
//!
//! Events the page sees are *tasks*: an input never dispatches anything to the
//! page directly. It queues a task and asks the edge for a
//! [`Effect::ScheduleTask`]; when that task runs ([`Socket::run_task`]) the
//! page-visible state changes and the dispatch effects come out together, so a
//! page that reads `readyState` between tasks sees exactly what native shows.
//!
//! Pass-through sockets (no route matched) do not use this machine: they are a
//! thin wrapper over a native socket.

use std::collections::VecDeque;
use std::fmt;

#[cfg(doc)]
use super::message::Message;
use super::message::Payload;
use super::ordered::Ordered;

/// The `readyState` of the page's socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u16)]
pub enum ReadyState {
    /// `WebSocket.CONNECTING` (0).
    Connecting = 0,
    /// `WebSocket.OPEN` (1).
    Open = 1,
    /// `WebSocket.CLOSING` (2).
    Closing = 2,
    /// `WebSocket.CLOSED` (3).
    Closed = 3,
}

/// Which side of a route an input or a callback concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    /// The page's socket (the `WebSocketRoute` the handler receives).
    Page,
    /// The real server (the `WebSocketRoute` `connectToServer()` returns).
    Server,
}

/// Which handler a route registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandlerKind {
    /// `onMessage`.
    Message,
    /// `onClose`.
    Close,
}

/// A close code that means "no status code" (RFC 6455 §7.4.1).
pub const NO_STATUS: u16 = 1005;
/// A close code that means "closed abnormally, no close frame" (RFC 6455 §7.4.1).
pub const ABNORMAL: u16 = 1006;

/// Something the edge must do, in the order given.
#[derive(Debug, PartialEq, Eq)]
pub enum Effect<P> {
    /// Queue one task; when it runs, call [`Socket::run_task`].
    ScheduleTask,
    /// Run the route handler with the page-side route. Report how it ended
    /// with [`Socket::handler_returned`] or [`Socket::handler_failed`].
    RunHandler,
    /// Fire `open` at the page socket (its state is already OPEN).
    DispatchOpen,
    /// Fire `message` at the page socket.
    DispatchMessage(P),
    /// Fire `error` at the page socket (its state is already CLOSED); a
    /// [`Effect::DispatchClose`] always follows.
    DispatchError,
    /// Fire `close` at the page socket (its state is already CLOSED).
    DispatchClose {
        /// `CloseEvent.code`.
        code: u16,
        /// `CloseEvent.reason`.
        reason: String,
        /// `CloseEvent.wasClean`.
        was_clean: bool,
    },
    /// Call the route's `onMessage` handler on `side`.
    CallOnMessage {
        /// Which side's handler.
        side: Side,
        /// The message.
        message: P,
    },
    /// Call the route's `onClose` handler on `side`.
    CallOnClose {
        /// Which side's handler.
        side: Side,
        /// The close code, `None` when none was given.
        code: Option<u16>,
        /// The close reason, `None` when no code was given.
        reason: Option<String>,
    },
    /// Create the real socket with the page's URL and protocols.
    OpenServer,
    /// Send a message on the real socket (it is open).
    SendToServer(P),
    /// Start closing the real socket.
    CloseServer {
        /// Close code to send, if any.
        code: Option<u16>,
        /// Close reason to send, if any.
        reason: Option<String>,
    },
    /// Both sides are finished: the edge may drop its callbacks.
    Finished,
}

/// Why an input was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CoreError {
    /// `send()` while the page socket is CONNECTING (`InvalidStateError`).
    StillConnecting,
    /// `connectToServer()` was already called for this route.
    AlreadyConnected,
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CoreError::StillConnecting => f.write_str("Still in CONNECTING state."),
            CoreError::AlreadyConnected => f.write_str("Already connected to the server"),
        }
    }
}

impl std::error::Error for CoreError {}

/// A task the page will observe, queued in order.
#[derive(Debug)]
enum Task<P> {
    RunHandler,
    Open {
        protocol: String,
        extensions: String,
    },
    ToPage(P),
    FromPage(P),
    PageClosed {
        code: Option<u16>,
        reason: Option<String>,
    },
    Close {
        code: u16,
        reason: String,
        was_clean: bool,
    },
    Fail,
}

/// What an outbox carries: a send, or a close queued behind earlier sends
/// (a browser queues the close frame behind them).
#[derive(Debug)]
enum Action<P> {
    Send(P),
    Close {
        code: Option<u16>,
        reason: Option<String>,
    },
}

/// Sends and closes kept in order while a Blob is read. The page's calls go
/// through one; the route's calls on each side through another.
type Outbox<P> = Ordered<Action<P>>;

/// The real socket's state, as far as the route is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Server {
    /// `connectToServer()` not called: mock mode.
    None,
    Connecting,
    Open,
    Closing,
    Closed,
}

/// One routed socket: page side, route and (optionally) server side.
#[derive(Debug)]
pub struct Socket<P> {
    ready_state: ReadyState,
    buffered_amount: u64,
    protocol: String,
    extensions: String,
    requested_protocols: Vec<String>,
    tasks: VecDeque<Task<P>>,
    outbox: Outbox<P>,
    route_to_page: Outbox<P>,
    route_to_server: Outbox<P>,
    effects: VecDeque<Effect<P>>,
    /// An `Open` task was queued (or ran): the page gets `open` at most once.
    open_queued: bool,
    /// A `Close` or `Fail` task was queued: nothing else reaches the page.
    terminal_queued: bool,
    handlers: [bool; 4],
    server: Server,
    /// Route -> server messages before the real socket opened.
    to_server: VecDeque<P>,
    /// Route -> page messages in connected mode before the page opened.
    held_for_page: VecDeque<P>,
    server_protocol: String,
    server_extensions: String,
    finished: bool,
}

fn handler_index(side: Side, kind: HandlerKind) -> usize {
    match (side, kind) {
        (Side::Page, HandlerKind::Message) => 0,
        (Side::Page, HandlerKind::Close) => 1,
        (Side::Server, HandlerKind::Message) => 2,
        (Side::Server, HandlerKind::Close) => 3,
    }
}

impl<P: Payload> Socket<P> {
    /// Gives back the memory of queues that are empty (all of them once
    /// [`Effect::Finished`] has been returned): a finished socket that the
    /// page still references keeps only its fixed-size state.
    pub fn compact(&mut self) {
        self.tasks.shrink_to_fit();
        self.effects.shrink_to_fit();
        self.outbox.shrink();
        self.route_to_page.shrink();
        self.route_to_server.shrink();
        self.to_server.shrink_to_fit();
        self.held_for_page.shrink_to_fit();
    }

    /// A new routed socket, CONNECTING, whose handler will run in the first task.
    pub fn new(requested_protocols: Vec<String>) -> Self {
        let mut s = Socket {
            ready_state: ReadyState::Connecting,
            buffered_amount: 0,
            protocol: String::new(),
            extensions: String::new(),
            requested_protocols,
            tasks: VecDeque::new(),
            outbox: Outbox::default(),
            route_to_page: Outbox::default(),
            route_to_server: Outbox::default(),
            effects: VecDeque::new(),
            open_queued: false,
            terminal_queued: false,
            handlers: [false; 4],
            server: Server::None,
            to_server: VecDeque::new(),
            held_for_page: VecDeque::new(),
            server_protocol: String::new(),
            server_extensions: String::new(),
            finished: false,
        };
        s.queue(Task::RunHandler);
        s
    }

    // ---- page-visible state -------------------------------------------------

    /// `WebSocket.readyState`.
    pub fn ready_state(&self) -> ReadyState {
        self.ready_state
    }

    /// `WebSocket.bufferedAmount`.
    pub fn buffered_amount(&self) -> u64 {
        self.buffered_amount
    }

    /// `WebSocket.protocol`.
    pub fn protocol(&self) -> &str {
        &self.protocol
    }

    /// `WebSocket.extensions`.
    pub fn extensions(&self) -> &str {
        &self.extensions
    }

    /// The subprotocols the page asked for.
    pub fn requested_protocols(&self) -> &[String] {
        &self.requested_protocols
    }

    /// Whether the route registered `kind` on `side`.
    pub fn has_handler(&self, side: Side, kind: HandlerKind) -> bool {
        self.handlers
            .get(handler_index(side, kind))
            .copied()
            .unwrap_or(false)
    }

    /// The next effect to execute, if any. Effects come out in the order they
    /// were produced, whoever drains them (re-entrant calls included).
    pub fn poll_effect(&mut self) -> Option<Effect<P>> {
        self.effects.pop_front()
    }

    /// Whether there are tasks waiting to run.
    #[cfg(test)]
    pub fn has_pending_tasks(&self) -> bool {
        !self.tasks.is_empty()
    }

    fn queue(&mut self, task: Task<P>) {
        self.tasks.push_back(task);
        self.effects.push_back(Effect::ScheduleTask);
    }

    fn emit(&mut self, effect: Effect<P>) {
        self.effects.push_back(effect);
    }

    // ---- inputs from the page ------------------------------------------------

    /// The page called `send()` with a message whose bytes are known now.
    pub fn page_send(&mut self, payload: P) -> Result<(), CoreError> {
        let size = payload.byte_len();
        self.page_enqueue(|o| o.push(Action::Send(payload)), size)
    }

    /// The page called `send(blob)`: `size` bytes arrive later through
    /// [`Socket::page_blob_read`] with the same `ticket`. Later sends wait.
    pub fn page_send_pending(&mut self, ticket: u64, size: u64) -> Result<(), CoreError> {
        self.page_enqueue(|o| o.push_pending(ticket), size)
    }

    fn page_enqueue(
        &mut self,
        push: impl FnOnce(&mut Outbox<P>),
        size: u64,
    ) -> Result<(), CoreError> {
        match self.ready_state {
            ReadyState::Connecting => Err(CoreError::StillConnecting),
            // After the closing handshake started nothing is transmitted, but
            // the amount still grows (WHATWG WebSockets, send() step 3).
            ReadyState::Closing | ReadyState::Closed => {
                self.buffered_amount = self.buffered_amount.saturating_add(size);
                Ok(())
            }
            ReadyState::Open => {
                self.buffered_amount = self.buffered_amount.saturating_add(size);
                push(&mut self.outbox);
                self.drain_outbox();
                Ok(())
            }
        }
    }

    /// The bytes of a pending Blob send arrived.
    pub fn page_blob_read(&mut self, ticket: u64, payload: P) {
        self.outbox.resolve(ticket, Action::Send(payload));
        self.drain_outbox();
    }

    /// Reading a pending Blob failed: the page socket fails, as native does.
    pub fn page_blob_failed(&mut self, ticket: u64) {
        self.outbox.cancel(ticket);
        self.fail_page();
        self.close_server(None, None);
    }

    fn drain_outbox(&mut self) {
        while let Some(item) = self.outbox.pop_ready() {
            match item {
                Action::Send(p) => self.queue(Task::FromPage(p)),
                Action::Close { code, reason } => {
                    if !self.terminal_queued {
                        self.queue(Task::PageClosed { code, reason });
                    }
                }
            }
        }
    }

    /// The page called `close(code, reason)` (arguments already validated).
    pub fn page_close(&mut self, code: Option<u16>, reason: Option<String>) {
        match self.ready_state {
            ReadyState::Closing | ReadyState::Closed => {}
            ReadyState::Connecting => {
                // Fail the connection: error + close 1006 later, no open.
                self.ready_state = ReadyState::Closing;
                self.fail_page();
                self.close_server(None, None);
            }
            ReadyState::Open => {
                self.ready_state = ReadyState::Closing;
                self.outbox.push(Action::Close { code, reason });
                self.drain_outbox();
            }
        }
    }

    // ---- inputs from the route ----------------------------------------------

    /// The route handler returned (or its promise resolved).
    pub fn handler_returned(&mut self) {
        if self.server == Server::None {
            self.open_page_in_mock_mode();
        }
    }

    /// The route handler threw (or its promise rejected): the socket fails.
    pub fn handler_failed(&mut self) {
        self.fail_page();
        self.close_server(None, None);
    }

    /// The route set (or replaced) a handler.
    pub fn set_handler(&mut self, side: Side, kind: HandlerKind) {
        if let Some(h) = self.handlers.get_mut(handler_index(side, kind)) {
            *h = true;
        }
    }

    /// The route called `connectToServer()`. On success the edge gets
    /// [`Effect::OpenServer`].
    pub fn connect_to_server(&mut self) -> Result<(), CoreError> {
        if self.server != Server::None {
            return Err(CoreError::AlreadyConnected);
        }
        if self.terminal_queued || self.ready_state >= ReadyState::Closing {
            // The page socket is gone; a real connection would be orphaned.
            self.server = Server::Closed;
            return Ok(());
        }
        self.server = Server::Connecting;
        self.emit(Effect::OpenServer);
        Ok(())
    }

    /// The route called `send()` on `side`.
    pub fn route_send(&mut self, side: Side, payload: P) {
        self.route_enqueue(side, |o| o.push(Action::Send(payload)));
    }

    /// The route called `send(blob)` on `side`: the bytes arrive later through
    /// [`Socket::route_blob_read`]; later sends and closes on that side wait.
    pub fn route_send_pending(&mut self, side: Side, ticket: u64) {
        self.route_enqueue(side, |o| o.push_pending(ticket));
    }

    /// The bytes of a pending route Blob send arrived.
    pub fn route_blob_read(&mut self, side: Side, ticket: u64, payload: P) {
        self.route_outbox(side)
            .resolve(ticket, Action::Send(payload));
        self.drain_route(side);
    }

    /// Reading a route's Blob failed: that message is dropped.
    pub fn route_blob_failed(&mut self, side: Side, ticket: u64) {
        self.route_outbox(side).cancel(ticket);
        self.drain_route(side);
    }

    /// The route called `close({code, reason})` on `side`.
    pub fn route_close(&mut self, side: Side, code: Option<u16>, reason: Option<String>) {
        self.route_enqueue(side, |o| o.push(Action::Close { code, reason }));
    }

    fn route_outbox(&mut self, side: Side) -> &mut Outbox<P> {
        match side {
            Side::Page => &mut self.route_to_page,
            Side::Server => &mut self.route_to_server,
        }
    }

    fn route_enqueue(&mut self, side: Side, push: impl FnOnce(&mut Outbox<P>)) {
        push(self.route_outbox(side));
        self.drain_route(side);
    }

    fn drain_route(&mut self, side: Side) {
        while let Some(item) = self.route_outbox(side).pop_ready() {
            match (item, side) {
                (Action::Send(p), Side::Page) => self.deliver_to_page(p),
                (Action::Send(p), Side::Server) => self.send_to_server(p),
                (Action::Close { code, reason }, side) => {
                    self.apply_route_close(side, code, reason)
                }
            }
        }
    }

    fn apply_route_close(&mut self, side: Side, code: Option<u16>, reason: Option<String>) {
        let code = code.filter(|c| *c != NO_STATUS);
        match side {
            Side::Server => self.close_server(code, reason),
            Side::Page => {
                if self.terminal_queued || self.ready_state == ReadyState::Closed {
                    return;
                }
                let reason = reason.unwrap_or_default();
                if code == Some(ABNORMAL) {
                    self.fail_page();
                } else {
                    if !self.open_queued {
                        self.queue_open();
                    }
                    self.queue_close(code.unwrap_or(NO_STATUS), reason.clone(), true);
                }
                if !self.has_handler(Side::Page, HandlerKind::Close) {
                    // Default wiring: the page closed, so close the server
                    // with the same code and reason.
                    let code = code.filter(|c| *c != ABNORMAL);
                    self.close_server(code, code.map(|_| reason));
                }
            }
        }
    }

    // ---- inputs from the real socket ----------------------------------------

    /// The real socket opened.
    pub fn server_opened(&mut self, protocol: String, extensions: String) {
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
    pub fn server_message(&mut self, payload: P) {
        if !matches!(self.server, Server::Open | Server::Closing) {
            return;
        }
        if self.has_handler(Side::Server, HandlerKind::Message) {
            self.emit(Effect::CallOnMessage {
                side: Side::Server,
                message: payload,
            });
        } else {
            self.deliver_to_page(payload);
        }
    }

    /// The real socket closed. `failed` is true when an `error` event came
    /// first (refused, rejected handshake, bad frame; Chromium also for a
    /// dropped connection): the page then gets `error` too. A close 1006
    /// without `error` (Firefox, dropped connection) is passed on as it is.
    pub fn server_closed(&mut self, code: u16, reason: String, was_clean: bool, failed: bool) {
        if matches!(self.server, Server::None | Server::Closed) {
            return;
        }
        self.server = Server::Closed;
        self.to_server.clear();
        if self.has_handler(Side::Server, HandlerKind::Close) {
            let (code, reason) = if code == NO_STATUS {
                (None, None)
            } else {
                (Some(code), Some(reason))
            };
            self.emit(Effect::CallOnClose {
                side: Side::Server,
                code,
                reason,
            });
        } else if failed || !self.open_queued {
            self.held_for_page.clear();
            self.fail_page();
        } else if !self.terminal_queued && self.ready_state != ReadyState::Closed {
            self.queue_close(code, reason, was_clean);
        }
        // Messages the route sent to a page that never opened: with the server
        // gone, the route is the page's only peer, as in mock mode.
        while let Some(p) = self.held_for_page.pop_front() {
            self.deliver_to_page(p);
        }
        self.check_finished();
    }

    // ---- tasks ---------------------------------------------------------------

    /// Run the oldest queued task. The edge calls this once per
    /// [`Effect::ScheduleTask`] it executed, in order.
    pub fn run_task(&mut self) {
        let Some(task) = self.tasks.pop_front() else {
            return;
        };
        match task {
            Task::RunHandler => {
                self.emit(Effect::RunHandler);
            }
            Task::Open {
                protocol,
                extensions,
            } => {
                if self.ready_state == ReadyState::Connecting {
                    self.ready_state = ReadyState::Open;
                    self.protocol = protocol;
                    self.extensions = extensions;
                    self.emit(Effect::DispatchOpen);
                }
            }
            Task::ToPage(p) => {
                if self.ready_state == ReadyState::Open {
                    self.emit(Effect::DispatchMessage(p));
                }
            }
            Task::FromPage(p) => {
                self.buffered_amount = self.buffered_amount.saturating_sub(p.byte_len());
                if self.has_handler(Side::Page, HandlerKind::Message) {
                    self.emit(Effect::CallOnMessage {
                        side: Side::Page,
                        message: p,
                    });
                } else {
                    self.send_to_server(p);
                }
            }
            Task::PageClosed { code, reason } => {
                if self.has_handler(Side::Page, HandlerKind::Close) {
                    // The route decides; the page stays CLOSING until it closes it.
                    self.emit(Effect::CallOnClose {
                        side: Side::Page,
                        code,
                        reason,
                    });
                } else if matches!(self.server, Server::Connecting | Server::Open) {
                    // Completes when the real socket reports its close.
                    self.close_server(code, reason);
                } else {
                    self.queue_close(code.unwrap_or(NO_STATUS), reason.unwrap_or_default(), true);
                }
            }
            Task::Close {
                code,
                reason,
                was_clean,
            } => {
                self.ready_state = ReadyState::Closed;
                self.emit(Effect::DispatchClose {
                    code,
                    reason,
                    was_clean,
                });
                self.check_finished();
            }
            Task::Fail => {
                self.ready_state = ReadyState::Closed;
                self.emit(Effect::DispatchError);
                self.emit(Effect::DispatchClose {
                    code: ABNORMAL,
                    reason: String::new(),
                    was_clean: false,
                });
                self.check_finished();
            }
        }
    }

    // ---- internals -----------------------------------------------------------

    fn queue_open(&mut self) {
        self.open_queued = true;
        let (protocol, extensions) = if self.server == Server::None {
            // A mock "server" accepts the first subprotocol asked for.
            (
                self.requested_protocols
                    .first()
                    .cloned()
                    .unwrap_or_default(),
                String::new(),
            )
        } else {
            (
                std::mem::take(&mut self.server_protocol),
                std::mem::take(&mut self.server_extensions),
            )
        };
        self.queue(Task::Open {
            protocol,
            extensions,
        });
    }

    fn queue_close(&mut self, code: u16, reason: String, was_clean: bool) {
        if self.terminal_queued {
            return;
        }
        self.terminal_queued = true;
        self.queue(Task::Close {
            code,
            reason,
            was_clean,
        });
    }

    fn fail_page(&mut self) {
        if self.terminal_queued || self.ready_state == ReadyState::Closed {
            return;
        }
        self.terminal_queued = true;
        self.queue(Task::Fail);
    }

    fn open_page_in_mock_mode(&mut self) {
        if !self.open_queued && !self.terminal_queued && self.ready_state == ReadyState::Connecting
        {
            self.queue_open();
        }
    }

    fn deliver_to_page(&mut self, payload: P) {
        if self.terminal_queued || self.ready_state >= ReadyState::Closing {
            return;
        }
        if !self.open_queued {
            if matches!(self.server, Server::None | Server::Closed) {
                // A server can only send after the handshake: open first.
                self.queue_open();
            } else {
                self.held_for_page.push_back(payload);
                return;
            }
        }
        self.queue(Task::ToPage(payload));
    }

    fn send_to_server(&mut self, payload: P) {
        match self.server {
            Server::Connecting => self.to_server.push_back(payload),
            Server::Open => self.emit(Effect::SendToServer(payload)),
            Server::None | Server::Closing | Server::Closed => {}
        }
    }

    fn close_server(&mut self, code: Option<u16>, reason: Option<String>) {
        if matches!(self.server, Server::Connecting | Server::Open) {
            self.server = Server::Closing;
            self.emit(Effect::CloseServer { code, reason });
        }
    }

    fn check_finished(&mut self) {
        if !self.finished
            && self.ready_state == ReadyState::Closed
            && matches!(self.server, Server::None | Server::Closed)
        {
            self.finished = true;
            self.emit(Effect::Finished);
        }
    }
}

#[cfg(test)]
mod tests;
