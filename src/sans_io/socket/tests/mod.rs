//! Host tests for the sans-IO [`Socket`]: each test is a scenario (a list of
//! inputs) and the whole page-visible and route-visible log it produces.
//!
//! The driver plays the edge: `ScheduleTask` queues a task, `Step::RunTasks`
//! runs queued tasks in order until none is left, and every other effect is
//! written to the log. After every step it checks the invariants no scenario
//! may break: readyState never goes backwards, page events come only out of
//! tasks, `error` is immediately followed by `close`, at most one `open` and
//! one `close`, nothing reaches the page after `close`, `Finished` at most once.

use super::{BinaryType, Carrier, CoreError, Effect, Failure, ReadyState, Side, Socket};
use crate::sans_io::message::Message;

/// What the host tests carry: messages, and labels for the route's callbacks.
#[derive(Debug)]
struct Test;

impl Carrier for Test {
    type Payload = Message;
    type Handler = &'static str;
    type OnMessage = &'static str;
    type OnClose = &'static str;
}

/// Which handler a step registers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HandlerKind {
    Message,
    Close,
}

/// A message in a scenario (`Copy`, so scenarios can be plain arrays).
#[derive(Clone, Copy, Debug)]
enum M {
    Text(&'static str),
    Bin(&'static [u8]),
}

impl M {
    fn message(self) -> Message {
        match self {
            M::Text(s) => Message::from(s),
            M::Bin(b) => Message::from(b),
        }
    }
}

fn show(m: &Message) -> String {
    match m {
        Message::Text(s) => format!("text:{s}"),
        Message::Binary(b) => format!("binary:{b:?}"),
    }
}

/// The label of a handler of `kind` on `side`, as the log shows it.
fn label(s: Side, kind: &'static str) -> &'static str {
    match (s, kind) {
        (Side::Page, "onMessage") => "onMessage page",
        (Side::Server, "onMessage") => "onMessage server",
        (Side::Page, _) => "onClose page",
        (Side::Server, _) => "onClose server",
    }
}

fn side(s: Side) -> &'static str {
    match s {
        Side::Page => "page",
        Side::Server => "server",
    }
}

use HandlerKind::{Close as OnClose, Message as OnMessage};
use Side::{Page, Server};

/// One input of a scenario.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// Run the scheduled departures, then queued tasks, oldest first, until
    /// none is pending.
    RunTasks,
    /// Run exactly one queued task.
    RunOneTask,
    /// Run one queued task if there is one (for generated scenarios).
    RunOneTaskIfAny,
    /// The page calls `send()` with a string or buffer.
    PageSend(M),
    /// The page calls `send(blob)`; its bytes come later with the ticket.
    PageSendBlob { ticket: u64, size: u64 },
    /// The Blob with this ticket has been read.
    BlobRead(u64, M),
    /// Reading the Blob with this ticket failed.
    BlobFailed(u64),
    /// The page calls `close(code, reason)`.
    PageClose(Option<u16>, Option<&'static str>),
    /// The route handler returned (its promise settled).
    HandlerReturned,
    /// The route handler threw (its promise rejected).
    HandlerFailed,
    /// The route registers a handler.
    On(Side, HandlerKind),
    /// The route calls `connectToServer()`.
    Connect,
    /// The route calls `send()` on a side.
    RouteSend(Side, M),
    /// The route calls `close({code, reason})` on a side.
    RouteClose(Side, Option<u16>, Option<&'static str>),
    /// The route calls `send(blob)` on a side; the label names its ticket.
    RouteSendBlob(Side, u64),
    /// The Blob the route sent with this label has been read.
    RouteBlobRead(Side, u64, M),
    /// Reading the Blob the route sent with this label failed.
    RouteBlobFailed(Side, u64),
    /// The real socket opened with this protocol and extensions.
    ServerOpened(&'static str, &'static str),
    /// The real socket received a message.
    ServerMessage(M),
    /// The real socket closed: code, reason, wasClean, failed.
    ServerClosed(u16, &'static str, bool, bool),
    /// Log `readyState=N`.
    LogReadyState,
    /// Log `buffered=N`.
    LogBuffered,
    /// Log `tasks=N`: tasks announced and not run yet.
    LogTasks,
    /// Log `protocol='..' extensions='..'`.
    LogProtocol,
    /// The real socket fired `error`.
    ServerError,
    /// The real socket could not be created.
    ServerConnectFailed,
    /// From now on, log what arrives on each side and when a side ends.
    LogArrivals,
    /// The route registers an `onMessage` handler with this label.
    OnMessageLabelled(Side, &'static str),
    /// The page sets `binaryType`.
    SetBinaryType(&'static str),
    /// Network conditions: latency (ms), upload and download (bytes/s), offline.
    Net {
        latency: u32,
        up: Option<u32>,
        down: Option<u32>,
        offline: bool,
    },
    /// The virtual clock moves on by this many ms, and the socket is told.
    Advance(u32),
    /// Log `wake=..` (when the socket next wants the time).
    LogWake,
    /// Logs whether the socket runs on a clock (`timed=...`).
    LogTimed,
}

use Step::*;

/// The edge, simulated: runs a scenario and keeps its log.
struct Driver {
    socket: Socket<Test>,
    log_arrivals: bool,
    /// The virtual clock, in ms.
    now: f64,
    /// The core's ticket for each Blob, by the label the scenario gave it.
    tickets: std::collections::HashMap<u64, super::Ticket>,
    log: Vec<String>,
    /// Tasks announced by `ScheduleTask` and not yet run.
    pending: usize,
    /// Departures announced by `ScheduleDeparture` and not yet run; they
    /// run first when any task runs (they are in no order with tasks).
    departures: usize,
    last_state: ReadyState,
    opens: usize,
    closes: usize,
    finished: usize,
}

impl Driver {
    fn new(protocols: &[&str]) -> Self {
        Driver::with(Socket::new(
            protocols.iter().map(|p| p.to_string()).collect(),
            "handler",
        ))
    }

    /// Drives `socket`, made however the scenario needs.
    fn with(socket: Socket<Test>) -> Self {
        let last_state = socket.page().ready_state();
        let mut d = Driver {
            socket,
            log_arrivals: false,
            now: 0.0,
            tickets: Default::default(),
            log: Vec::new(),
            pending: 0,
            departures: 0,
            last_state,
            opens: usize::from(last_state >= ReadyState::Open),
            closes: 0,
            finished: 0,
        };
        d.drain(false);
        d
    }

    fn step(&mut self, step: Step) {
        let s = &mut self.socket;
        match step {
            RunTasks => {
                self.run_departures();
                while self.pending > 0 {
                    self.run_one();
                }
            }
            RunOneTask => {
                assert!(self.pending > 0, "RunOneTask with no task pending");
                self.run_one();
            }
            RunOneTaskIfAny => {
                if self.pending > 0 {
                    self.run_one();
                }
            }
            PageSend(m) => {
                if let Err(e) = s.page_send(m.message()) {
                    self.log.push(format!("page.send Err({e:?})"));
                }
            }
            PageSendBlob { ticket, size } => match s.page_send_blob(size) {
                Ok(Some(t)) => {
                    self.tickets.insert(ticket, t);
                }
                Ok(None) => self.log.push(format!("page.send blob#{ticket} not read")),
                Err(e) => self.log.push(format!("page.send Err({e:?})")),
            },
            BlobRead(ticket, m) => s.page_blob_read(self.tickets[&ticket], m.message()),
            BlobFailed(ticket) => s.page_blob_failed(self.tickets[&ticket]),
            RouteSendBlob(side, label) => {
                let t = s.route_send_blob(side);
                self.tickets.insert(label, t);
            }
            RouteBlobRead(side, label, m) => {
                s.route_blob_read(side, self.tickets[&label], m.message())
            }
            RouteBlobFailed(side, label) => s.route_blob_failed(side, self.tickets[&label]),
            PageClose(code, reason) => s.page_close(code, reason.map(String::from)),
            HandlerReturned => s.handler_returned(),
            HandlerFailed => s.handler_failed("boom".into()),
            On(side, HandlerKind::Message) => s.set_on_message(side, label(side, "onMessage")),
            On(side, HandlerKind::Close) => s.set_on_close(side, label(side, "onClose")),
            OnMessageLabelled(side, label) => s.set_on_message(side, label),
            Connect => {
                if let Err(e) = s.connect_to_server() {
                    self.log.push(format!("connectToServer Err({e:?})"));
                }
            }
            RouteSend(side, m) => s.route_send(side, m.message()),
            RouteClose(side, code, reason) => s.route_close(side, code, reason.map(String::from)),
            ServerOpened(p, e) => s.server_opened(p.into(), e.into()),
            ServerMessage(m) => s.server_message(m.message()),
            ServerClosed(code, reason, clean, failed) => {
                if failed {
                    s.server_error();
                }
                s.server_closed(code, reason.into(), clean)
            }
            ServerError => s.server_error(),
            ServerConnectFailed => s.server_connect_failed("TypeError: nope".into()),
            LogArrivals => self.log_arrivals = true,
            SetBinaryType(t) => s.set_binary_type(t),
            Net {
                latency,
                up,
                down,
                offline,
            } => {
                let c = super::Conditions {
                    offline,
                    latency: f64::from(latency),
                    upload: up.map(f64::from),
                    download: down.map(f64::from),
                };
                s.set_conditions(self.now, c);
            }
            Advance(ms) => {
                self.now += f64::from(ms);
                s.handle_time(self.now);
            }
            LogWake => {
                let line = match s.poll_timeout() {
                    Some(t) => format!("wake={t}"),
                    None => "wake=never".to_string(),
                };
                self.log.push(line);
            }
            LogTimed => {
                let timed = s.is_timed();
                self.log.push(format!("timed={timed}"));
            }
            LogReadyState => {
                let n = s.page().ready_state() as u16;
                self.log.push(format!("readyState={n}"));
            }
            LogBuffered => {
                let n = s.buffered_amount();
                self.log.push(format!("buffered={n}"));
            }
            LogTasks => {
                let n = self.pending;
                self.log.push(format!("tasks={n}"));
            }
            LogProtocol => {
                let line = format!(
                    "protocol='{}' extensions='{}'",
                    s.page().protocol(),
                    s.page().extensions()
                );
                self.log.push(line);
            }
        }
        if !matches!(step, RunTasks | RunOneTask | RunOneTaskIfAny) {
            self.drain(false);
        }
        self.check_state(&step);
    }

    fn run_departures(&mut self) {
        while self.departures > 0 {
            self.departures -= 1;
            self.socket.departed();
            assert!(
                self.socket.poll_effect().is_none(),
                "a departure did more than change bufferedAmount"
            );
        }
    }

    fn run_one(&mut self) {
        self.run_departures();
        self.pending -= 1;
        self.socket.run_task();
        self.drain(true);
        self.check_state(&RunOneTask);
    }

    fn check_state(&mut self, step: &Step) {
        let now = self.socket.page().ready_state();
        assert!(
            now >= self.last_state,
            "readyState went back from {:?} to {now:?} at {step:?}",
            self.last_state
        );
        self.last_state = now;
        assert_eq!(
            self.socket.has_pending_tasks(),
            self.pending > 0,
            "ScheduleTask count and pending tasks disagree after {step:?}"
        );
    }

    /// Execute every effect, in order. `in_task`: we are inside `run_task`,
    /// the only place page events may come from.
    fn drain(&mut self, in_task: bool) {
        let mut after_error = false;
        while let Some(effect) = self.socket.poll_effect() {
            let state = self.socket.page().ready_state();
            let is_dispatch = matches!(
                effect,
                Effect::DispatchOpen
                    | Effect::DispatchMessage { .. }
                    | Effect::DispatchError(_)
                    | Effect::DispatchClose { .. }
            );
            if is_dispatch {
                assert!(in_task, "{effect:?} outside of a task");
                assert_eq!(self.closes, 0, "{effect:?} after the close event");
            }
            assert!(
                !after_error || matches!(effect, Effect::DispatchClose { .. }),
                "error followed by {effect:?} instead of close"
            );
            after_error = false;
            let line = match effect {
                Effect::ScheduleTask => {
                    self.pending += 1;
                    continue;
                }
                Effect::ScheduleDeparture => {
                    self.departures += 1;
                    continue;
                }
                Effect::RunHandler(h) => format!("route.{h}"),
                Effect::DispatchOpen => {
                    assert_eq!(state, ReadyState::Open, "open while {state:?}");
                    self.opens += 1;
                    assert_eq!(self.opens, 1, "a second open");
                    "open".to_string()
                }
                Effect::DispatchMessage {
                    message: m,
                    binary_type,
                } => {
                    assert_eq!(state, ReadyState::Open, "message while {state:?}");
                    match (binary_type, &m) {
                        (BinaryType::ArrayBuffer, Message::Binary(_)) => {
                            format!("message {} as arraybuffer", show(&m))
                        }
                        _ => format!("message {}", show(&m)),
                    }
                }
                Effect::DispatchError(why) => {
                    assert_eq!(state, ReadyState::Closed, "error while {state:?}");
                    after_error = true;
                    format!("error {why:?}")
                }
                Effect::DispatchClose {
                    code,
                    reason,
                    was_clean,
                } => {
                    assert_eq!(state, ReadyState::Closed, "close while {state:?}");
                    self.closes += 1;
                    format!("close {code} '{reason}' clean={was_clean}")
                }
                Effect::CallOnMessage { handler, message } => {
                    format!("route.{handler} {}", show(&message))
                }
                Effect::CallOnClose {
                    handler,
                    code,
                    reason,
                } => format!("route.{handler} {code:?} {reason:?}"),
                Effect::Arrived { side: s, message } => {
                    if !self.log_arrivals {
                        continue;
                    }
                    format!("arrived {} {}", side(s), show(&message))
                }
                Effect::Ended(s) => {
                    if !self.log_arrivals {
                        continue;
                    }
                    format!("ended {}", side(s))
                }
                Effect::OpenServer => "server.open".to_string(),
                Effect::SendToServer(m) => format!("server.send {}", show(&m)),
                Effect::CloseServer { code, reason } => {
                    format!("server.close {code:?} {reason:?}")
                }
                Effect::Finished => {
                    assert_eq!(state, ReadyState::Closed, "finished while {state:?}");
                    self.finished += 1;
                    assert_eq!(self.finished, 1, "Finished twice");
                    "finished".to_string()
                }
            };
            self.log.push(line);
        }
        assert!(!after_error, "error not followed by close");
    }
}

/// Run `steps` on a socket that asked for `protocols`; return the log.
fn scenario(protocols: &[&str], steps: &[Step]) -> Vec<String> {
    scenario_on(Driver::new(protocols), steps)
}

/// Run `steps` with driver `d`; return the log.
fn scenario_on(mut d: Driver, steps: &[Step]) -> Vec<String> {
    for step in steps {
        d.step(*step);
    }
    d.log
}

/// The handler runs, sets nothing, returns; the page opens (mock mode).
const MOCK_OPEN: [Step; 3] = [RunTasks, HandlerReturned, RunTasks];

fn mock_open_then(steps: &[Step]) -> Vec<Step> {
    [&MOCK_OPEN[..], steps].concat()
}

/// The handler connects and returns; the real socket opens with `chat`.
const CONNECTED_OPEN: [Step; 5] = [
    RunTasks,
    Connect,
    HandlerReturned,
    ServerOpened("chat", "permessage-deflate"),
    RunTasks,
];

fn connected_open_then(steps: &[Step]) -> Vec<Step> {
    [&CONNECTED_OPEN[..], steps].concat()
}

mod connected;
mod connected_close;
mod finishing;
mod guards;
mod handler_failure;
mod network;
mod notify;
mod open;
mod orders;
mod page_close;
mod route_close;
mod send;
// Host only: proptest is not a wasm32 dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod props;
