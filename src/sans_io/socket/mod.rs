//! The state machine of one routed socket: every rule about ordering,
//! forwarding, closing, failures and `bufferedAmount`, with no browser in it.
//!
//! A routed socket has a *page side* (the `WebSocket` object the page holds), a
//! *route* (the handler's `WebSocketRoute`) and, after `connectToServer()`, a
//! *server side* (a real socket). The edge feeds [`Socket`] inputs — the page's
//! calls ([`page`]), the route's ([`route`]) and the real socket's events
//! ([`server`]) — and carries out the [`Effect`]s it returns, in order.
//!
//! Events the page sees are *tasks*: an input never dispatches anything to the
//! page directly. It queues a task and asks the edge for an
//! [`Effect::ScheduleTask`]; when that task runs ([`Socket::run_task`], in
//! [`task`]) the page-visible state changes and the dispatch effects come out
//! together, so a page that reads `readyState` between tasks sees exactly what
//! native shows.
//!
//! What the socket carries is chosen by the edge through [`Carrier`]: the
//! browser edge passes JavaScript values and closures, the host tests pass
//! [`Message`](super::message::Message)s and labels.

mod effect;
mod link;
mod page;
mod route;
mod server;
mod task;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::fmt;

pub(crate) use effect::{BinaryType, CoreError, Effect, Failure, ReadyState, Side};
pub(crate) use link::{Conditions, Millis};
pub(crate) use page::PageState;
use task::Task;

use super::message::Payload;
use super::ordered::Ordered;
use link::Link;

/// A close code that means "no status code" (RFC 6455 §7.4.1).
pub(crate) const NO_STATUS: u16 = 1005;
/// A close code that means "closed abnormally, no close frame" (RFC 6455 §7.4.1).
pub(crate) const ABNORMAL: u16 = 1006;

/// The types a socket carries for its edge: the messages, and the route's
/// callbacks, which the socket holds so that it alone knows which are set.
pub(crate) trait Carrier {
    /// A message.
    type Payload: Payload + Clone + fmt::Debug;
    /// The route handler, run once when the first task runs.
    type Handler: fmt::Debug;
    /// An `onMessage` handler.
    type OnMessage: Clone + fmt::Debug;
    /// An `onClose` handler.
    type OnClose: Clone + fmt::Debug;
}

/// The bytes of the page's messages sent straight to the real socket that
/// still count in `bufferedAmount`: known lengths are added at once, the
/// others (text) kept to be measured only if the page reads it.
///
/// They leave in a later task than their `send()`: when the real socket's
/// next message arrives, or when a departure runs. A departure is scheduled
/// only when the difference could show (the page reads `bufferedAmount`), or
/// when [`UNMEASURED_HELD`] texts are held, so that a round trip costs no
/// task of its own.
#[derive(Debug)]
struct Departing<P> {
    /// A departure is scheduled ([`Effect::ScheduleDeparture`]).
    scheduled: bool,
    bytes: u64,
    unmeasured: Vec<P>,
}

impl<P> Default for Departing<P> {
    fn default() -> Self {
        Departing {
            scheduled: false,
            bytes: 0,
            unmeasured: Vec::new(),
        }
    }
}

/// Texts sent straight on that [`Departing`] holds before it schedules a
/// departure to let go of them.
const UNMEASURED_HELD: usize = 64;

impl<P: Payload + Clone> Departing<P> {
    fn push(&mut self, payload: &P) {
        match payload.known_len() {
            Some(n) => self.bytes = self.bytes.saturating_add(n),
            None => self.unmeasured.push(payload.clone()),
        }
    }

    /// Their bytes, measuring the messages not measured yet.
    fn bytes(&mut self) -> u64 {
        for p in self.unmeasured.drain(..) {
            self.bytes = self.bytes.saturating_add(p.byte_len());
        }
        self.bytes
    }

    fn is_empty(&self) -> bool {
        self.bytes == 0 && self.unmeasured.is_empty()
    }

    /// They have left (a later task than every send among them runs).
    fn leave(&mut self) {
        self.bytes = 0;
        self.unmeasured.clear();
    }
}

/// A Blob being read: its bytes come back later with this ticket.
pub(crate) type Ticket = u64;

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

/// The route's `onMessage` and `onClose` handlers, per side.
#[derive(Debug)]
struct Handlers<C: Carrier> {
    on_message: [Option<C::OnMessage>; 2],
    on_close: [Option<C::OnClose>; 2],
}

impl<C: Carrier> Default for Handlers<C> {
    fn default() -> Self {
        Handlers {
            on_message: [None, None],
            on_close: [None, None],
        }
    }
}

/// One routed socket: page side, route and (optionally) server side.
#[derive(Debug)]
pub(crate) struct Socket<C: Carrier> {
    page: PageState,
    requested_protocols: Vec<String>,
    tasks: VecDeque<Task<C::Payload>>,
    /// How many queued page messages count in `bufferedAmount` unmeasured
    /// (`Counted::Unmeasured`).
    unmeasured: usize,
    /// `FromPage` tasks waiting in `tasks`.
    page_tasks: usize,
    /// What the page sent straight to the real socket that still counts
    /// in `bufferedAmount`.
    departing: Departing<C::Payload>,
    effects: VecDeque<Effect<C>>,
    /// The page's sends and close, in order behind pending Blobs.
    outbox: Outbox<C::Payload>,
    /// The route's sends and closes on the page side and on the server side.
    route_outboxes: [Outbox<C::Payload>; 2],
    next_ticket: Ticket,
    /// An `Open` task was queued (or ran): the page gets `open` at most once.
    open_queued: bool,
    /// A `Close` or `Fail` task was queued: nothing else reaches the page.
    /// Only those tasks make the page `Closed`, so `Closed` implies this.
    terminal_queued: bool,
    handler: Option<C::Handler>,
    handlers: Handlers<C>,
    server: Server,
    /// The real socket fired `error`: its close is a failure.
    server_failed: bool,
    /// Route -> server messages before the real socket opened.
    to_server: VecDeque<C::Payload>,
    /// Route -> page messages in connected mode before the page opened.
    held_for_page: VecDeque<C::Payload>,
    server_protocol: String,
    server_extensions: String,
    finished: bool,
    /// The page's link under network conditions; `None`: no conditions, and
    /// tasks are queued at once.
    link: Option<Link<Task<C::Payload>>>,
    /// The time the edge last told (see [`Socket::handle_time`]).
    now: Millis,
}

/// The index of `side` in per-side arrays.
fn at(side: Side) -> usize {
    match side {
        Side::Page => 0,
        Side::Server => 1,
    }
}

impl<C: Carrier> Socket<C> {
    /// A new routed socket, CONNECTING, whose `handler` will run in the first task.
    #[inline(never)]
    pub(crate) fn new(requested_protocols: Vec<String>, handler: C::Handler) -> Self {
        let mut s = Socket::blank(requested_protocols);
        s.handler = Some(handler);
        s.queue(Task::RunHandler);
        s
    }

    /// A socket no route handles, made (at `now`) under network `conditions`:
    /// like a route that connects to the server at once and sets no handler,
    /// it forwards everything both ways over the link, and the edge gets
    /// [`Effect::OpenServer`] now. Offline, it fails without connecting.
    pub(crate) fn forwarding(
        requested_protocols: Vec<String>,
        now: Millis,
        conditions: Conditions,
    ) -> Self {
        let mut s = Socket::blank(requested_protocols);
        s.set_conditions(now, conditions);
        if !conditions.offline {
            s.server = Server::Connecting;
            s.emit(Effect::OpenServer);
        }
        s
    }

    /// A socket no route handles, taken over when network conditions come to
    /// apply to it: its real socket is connecting, or open with `opened`'s
    /// protocol and extensions (the page saw `open`); the page's
    /// `binaryType` is `binary_type`. From now on it forwards both ways.
    pub(crate) fn adopted(
        requested_protocols: Vec<String>,
        opened: Option<(String, String)>,
        binary_type: BinaryType,
    ) -> Self {
        let mut s = Socket::blank(requested_protocols);
        s.page.binary_type = binary_type;
        match opened {
            Some((protocol, extensions)) => {
                s.server = Server::Open;
                s.page.ready_state = ReadyState::Open;
                s.page.protocol = protocol;
                s.page.extensions = extensions;
                s.open_queued = true;
            }
            None => s.server = Server::Connecting,
        }
        s
    }

    fn blank(requested_protocols: Vec<String>) -> Self {
        Socket {
            page: PageState::default(),
            requested_protocols,
            tasks: VecDeque::new(),
            unmeasured: 0,
            page_tasks: 0,
            departing: Departing::default(),
            effects: VecDeque::new(),
            outbox: Outbox::default(),
            route_outboxes: Default::default(),
            next_ticket: 0,
            open_queued: false,
            terminal_queued: false,
            handler: None,
            handlers: Handlers::default(),
            server: Server::None,
            server_failed: false,
            to_server: VecDeque::new(),
            held_for_page: VecDeque::new(),
            server_protocol: String::new(),
            server_extensions: String::new(),
            finished: false,
            link: None,
            now: 0.0,
        }
    }

    // ---- page-visible state -------------------------------------------------

    /// What the page sees: `readyState`, `bufferedAmount`, `protocol`,
    /// `extensions` and `binaryType`.
    pub(crate) fn page(&self) -> &PageState {
        &self.page
    }

    /// The subprotocols the page asked for.
    pub(crate) fn requested_protocols(&self) -> &[String] {
        &self.requested_protocols
    }

    // ---- effects -------------------------------------------------------------

    /// The next effect to carry out, if any. Effects come out in the order they
    /// were produced, whoever drains them (re-entrant calls included).
    pub(crate) fn poll_effect(&mut self) -> Option<Effect<C>> {
        self.effects.pop_front()
    }

    /// Whether there are tasks waiting to run.
    #[cfg(test)]
    pub(crate) fn has_pending_tasks(&self) -> bool {
        !self.tasks.is_empty()
    }

    fn queue(&mut self, task: Task<C::Payload>) {
        if matches!(task, Task::FromPage { .. }) {
            self.page_tasks += 1;
        }
        self.tasks.push_back(task);
        self.effects.push_back(Effect::ScheduleTask);
    }

    fn emit(&mut self, effect: Effect<C>) {
        self.effects.push_back(effect);
    }

    /// Reports a message arriving on `side` (see [`Effect::Arrived`]).
    fn emit_arrived(&mut self, side: Side, message: &C::Payload) {
        self.emit(Effect::Arrived {
            side,
            message: message.clone(),
        });
    }

    fn take_ticket(&mut self) -> Ticket {
        let t = self.next_ticket;
        self.next_ticket = t.wrapping_add(1);
        t
    }

    // ---- what reaches the page ------------------------------------------------

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
        self.queue_for_page(Task::Open {
            protocol,
            extensions,
        });
    }

    fn queue_close(&mut self, code: u16, reason: String, was_clean: bool) {
        if self.terminal_queued {
            return;
        }
        self.terminal_queued = true;
        self.queue_for_page(Task::Close {
            code,
            reason,
            was_clean,
        });
    }

    /// The page socket fails (`error`, then close 1006), for `why`. Only the
    /// first failure counts. A failure the page's own side causes (its
    /// `close()` while connecting, an unreadable Blob, going offline) is
    /// queued at once, dropping what was still on its way to the page; one
    /// that comes from the peer crosses the link like everything else.
    fn fail_page(&mut self, why: Failure) {
        if self.terminal_queued {
            return;
        }
        self.terminal_queued = true;
        if why.is_local() {
            if let Some(link) = &mut self.link {
                link.down.cut();
            }
            self.queue(Task::Fail(why));
        } else {
            self.queue_for_page(Task::Fail(why));
        }
    }

    fn deliver_to_page(&mut self, payload: C::Payload) {
        if self.terminal_queued || self.page.ready_state >= ReadyState::Closing {
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
        self.queue_for_page(Task::ToPage(payload));
    }

    // ---- the link -----------------------------------------------------------------

    /// Queues a task for the page: at once, or when it arrives over the link.
    fn queue_for_page(&mut self, task: Task<C::Payload>) {
        let now = self.now;
        match &mut self.link {
            Some(link) => {
                let size = task.size();
                link.send_down(task, size, now);
            }
            None => self.queue(task),
        }
    }

    /// Queues a task for the route from the page: at once, or when it
    /// arrives over the link.
    fn queue_for_route(&mut self, task: Task<C::Payload>) {
        let now = self.now;
        match &mut self.link {
            Some(link) => {
                let size = task.size();
                link.send_up(task, size, now);
            }
            None => self.queue(task),
        }
    }

    /// Tells the socket the time: what has crossed the link by `now` leaves
    /// `bufferedAmount` (departures) and is queued as a task (arrivals).
    pub(crate) fn handle_time(&mut self, now: Millis) {
        self.now = self.now.max(now);
        let now = self.now;
        let Some(link) = &mut self.link else {
            return;
        };
        let sent = link.up.departed(now);
        let mut arrived = Vec::new();
        while let Some(t) = link.up.arrived(now) {
            arrived.push(t);
        }
        while let Some(t) = link.down.arrived(now) {
            arrived.push(t);
        }
        if link.is_done() {
            self.link = None;
        }
        self.page.buffered_amount = self.page.buffered_amount.saturating_sub(sent);
        for task in arrived {
            self.queue(task);
        }
        self.check_finished();
    }

    /// When the socket next needs [`Socket::handle_time`]; `None`: not until
    /// the next input.
    pub(crate) fn poll_timeout(&self) -> Option<Millis> {
        self.link.as_ref().and_then(Link::next_deadline)
    }

    /// Whether the socket runs on a clock (network conditions apply, or
    /// something still crosses the link).
    pub(crate) fn is_timed(&self) -> bool {
        self.link.is_some()
    }

    /// The network conditions changed (at `now`): frames sent from now on
    /// cross under `conditions`; offline fails the socket as a dropped
    /// connection does.
    pub(crate) fn set_conditions(&mut self, now: Millis, conditions: Conditions) {
        self.handle_time(now);
        // A new link under clear conditions is done at once, and dropped below.
        match &mut self.link {
            Some(link) => link.conditions = conditions,
            None => self.link = Some(Link::new(conditions)),
        }
        if conditions.offline {
            self.go_offline();
        }
        if self.link.as_ref().is_some_and(Link::is_done) {
            self.link = None;
        }
        self.check_finished();
    }

    /// The network is gone: what is crossing is lost, a socket that has not
    /// reached its route never will (its handler does not run), the real
    /// socket behind a route is closed, the route's page-side `onClose` hears
    /// 1006, and the page fails (`error`, close 1006).
    fn go_offline(&mut self) {
        if self.terminal_queued {
            return;
        }
        if let Some(link) = &mut self.link {
            link.up.cut();
        }
        self.handler = None;
        if let Some(handler) = self.on_close(Side::Page) {
            self.emit(Effect::CallOnClose {
                handler,
                code: Some(ABNORMAL),
                reason: Some(String::new()),
            });
        }
        self.held_for_page.clear();
        self.close_server(None, None);
        self.fail_page(Failure::Offline);
    }

    // ---- the real socket -------------------------------------------------------

    fn send_to_server(&mut self, payload: C::Payload) {
        match self.server {
            Server::Connecting => self.to_server.push_back(payload),
            Server::Open => self.emit(Effect::SendToServer(payload)),
            Server::None | Server::Closing | Server::Closed => {}
        }
    }

    /// Starts closing the real socket, with what a browser may put in a close
    /// frame (see [`super::validate::client_close`]).
    fn close_server(&mut self, code: Option<u16>, reason: Option<String>) {
        if matches!(self.server, Server::Connecting | Server::Open) {
            self.server = Server::Closing;
            let (code, reason) = super::validate::client_close(code, reason);
            self.emit(Effect::CloseServer { code, reason });
        }
    }

    fn check_finished(&mut self) {
        if !self.finished
            && self.page.ready_state == ReadyState::Closed
            && matches!(self.server, Server::None | Server::Closed)
            && self.link.as_ref().is_none_or(Link::is_idle)
        {
            self.finished = true;
            // Nothing will call the route again: let its callbacks go.
            self.handler = None;
            self.handlers = Handlers::default();
            self.emit(Effect::Finished);
        }
    }
}
