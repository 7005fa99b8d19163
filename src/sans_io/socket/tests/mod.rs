//! Host tests for the sans-IO [`Socket`]: each test is a scenario (a list of
//! inputs) and the whole page-visible and route-visible log it produces.
//!
//! The driver plays the edge: `ScheduleTask` queues a task, `Step::RunTasks`
//! runs queued tasks in order until none is left, and every other effect is
//! written to the log. After every step it checks the invariants no scenario
//! may break: readyState never goes backwards, page events come only out of
//! tasks, `error` is immediately followed by `close`, at most one `open` and
//! one `close`, nothing reaches the page after `close`, `Finished` at most once.

use super::{CoreError, Effect, HandlerKind, ReadyState, Side, Socket};
use crate::sans_io::message::Message;

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
    /// Run queued tasks, oldest first, until none is pending.
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
    /// Log `protocol='..' extensions='..'`.
    LogProtocol,
}

use Step::*;

/// The edge, simulated: runs a scenario and keeps its log.
struct Driver {
    socket: Socket<Message>,
    log: Vec<String>,
    /// Tasks announced by `ScheduleTask` and not yet run.
    pending: usize,
    last_state: ReadyState,
    opens: usize,
    closes: usize,
    finished: usize,
}

impl Driver {
    fn new(protocols: &[&str]) -> Self {
        let mut d = Driver {
            socket: Socket::new(protocols.iter().map(|p| p.to_string()).collect()),
            log: Vec::new(),
            pending: 0,
            last_state: ReadyState::Connecting,
            opens: 0,
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
            PageSendBlob { ticket, size } => {
                if let Err(e) = s.page_send_pending(ticket, size) {
                    self.log.push(format!("page.send Err({e:?})"));
                }
            }
            BlobRead(ticket, m) => s.page_blob_read(ticket, m.message()),
            BlobFailed(ticket) => s.page_blob_failed(ticket),
            PageClose(code, reason) => s.page_close(code, reason.map(String::from)),
            HandlerReturned => s.handler_returned(),
            HandlerFailed => s.handler_failed(),
            On(side, kind) => s.set_handler(side, kind),
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
                s.server_closed(code, reason.into(), clean, failed)
            }
            LogReadyState => {
                let n = s.ready_state() as u16;
                self.log.push(format!("readyState={n}"));
            }
            LogBuffered => {
                let n = s.buffered_amount();
                self.log.push(format!("buffered={n}"));
            }
            LogProtocol => {
                let line = format!(
                    "protocol='{}' extensions='{}'",
                    s.protocol(),
                    s.extensions()
                );
                self.log.push(line);
            }
        }
        if !matches!(step, RunTasks | RunOneTask | RunOneTaskIfAny) {
            self.drain(false);
        }
        self.check_state(&step);
    }

    fn run_one(&mut self) {
        self.pending -= 1;
        self.socket.run_task();
        self.drain(true);
        self.check_state(&RunOneTask);
    }

    fn check_state(&mut self, step: &Step) {
        let now = self.socket.ready_state();
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
            let state = self.socket.ready_state();
            let is_dispatch = matches!(
                effect,
                Effect::DispatchOpen
                    | Effect::DispatchMessage(_)
                    | Effect::DispatchError
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
                Effect::RunHandler => "route.handler".to_string(),
                Effect::DispatchOpen => {
                    assert_eq!(state, ReadyState::Open, "open while {state:?}");
                    self.opens += 1;
                    assert_eq!(self.opens, 1, "a second open");
                    "open".to_string()
                }
                Effect::DispatchMessage(m) => {
                    assert_eq!(state, ReadyState::Open, "message while {state:?}");
                    format!("message {}", show(&m))
                }
                Effect::DispatchError => {
                    assert_eq!(state, ReadyState::Closed, "error while {state:?}");
                    after_error = true;
                    "error".to_string()
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
                Effect::CallOnMessage { side: s, message } => {
                    format!("route.onMessage {} {}", side(s), show(&message))
                }
                Effect::CallOnClose {
                    side: s,
                    code,
                    reason,
                } => format!("route.onClose {} {code:?} {reason:?}", side(s)),
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
    let mut d = Driver::new(protocols);
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
mod finishing;
mod handler_failure;
mod open;
mod orders;
mod page_close;
mod route_close;
mod send;
// Host only: proptest is not a wasm32 dev-dependency.
#[cfg(not(target_arch = "wasm32"))]
mod props;
