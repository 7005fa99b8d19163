//! Host tests for the sans-IO [`Socket`]: each test is a scenario (a list of
//! inputs) and the whole page-visible and route-visible log it produces.
//!
//! The driver plays the edge: `ScheduleTask` queues a task, `Step::RunTasks`
//! runs queued tasks in order until none is left, and every other effect is
//! written to the log. After every step it checks the invariants no scenario
//! may break: readyState never goes backwards, page events come only out of
//! tasks, `error` is immediately followed by `close`, at most one `open` and
//! one `close`, nothing reaches the page after `close`, `Finished` at most once.

use super::{CoreError, Effect, HandlerKind, Message, ReadyState, Side, Socket};

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

// ---- opening ---------------------------------------------------------------

#[test]
fn mock_open_waits_for_the_handler_to_return() {
    let log = scenario(
        &["chat", "v2"],
        &[
            LogReadyState,
            RunTasks,
            LogReadyState,
            RunTasks,
            LogReadyState,
            HandlerReturned,
            LogReadyState,
            RunTasks,
            LogReadyState,
            LogProtocol,
        ],
    );
    assert_eq!(
        log,
        [
            "readyState=0",
            "route.handler",
            "readyState=0",
            "readyState=0",
            "readyState=0",
            "open",
            "readyState=1",
            "protocol='chat' extensions=''",
        ]
    );
}

#[test]
fn mock_protocol_is_empty_when_none_was_requested() {
    let log = scenario(&[], &[RunTasks, HandlerReturned, RunTasks, LogProtocol]);
    assert_eq!(log, ["route.handler", "open", "protocol='' extensions=''"]);
}

#[test]
fn route_send_before_the_handler_returns_opens_the_page_first() {
    let log = scenario(
        &["chat"],
        &[
            RunTasks,
            RouteSend(Page, M::Text("hi")),
            RouteSend(Page, M::Bin(&[1, 2])),
            LogReadyState,
            RunTasks,
            LogReadyState,
            HandlerReturned,
            RunTasks,
            LogProtocol,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "readyState=0",
            "open",
            "message text:hi",
            "message binary:[1, 2]",
            "readyState=1",
            "protocol='chat' extensions=''",
        ]
    );
}

#[test]
fn route_send_to_the_page_after_open_is_a_message_in_a_later_task() {
    let log = scenario(
        &[],
        &mock_open_then(&[RouteSend(Page, M::Text("a")), LogReadyState, RunTasks]),
    );
    assert_eq!(
        log,
        ["route.handler", "open", "readyState=1", "message text:a"]
    );
}

// ---- page sends --------------------------------------------------------------

#[test]
fn send_while_connecting_is_refused() {
    let log = scenario(
        &[],
        &[
            PageSend(M::Text("early")),
            PageSendBlob { ticket: 1, size: 4 },
            LogBuffered,
            RunTasks,
            PageSend(M::Text("still early")),
            HandlerReturned,
            RunTasks,
            LogBuffered,
        ],
    );
    assert_eq!(
        log,
        [
            "page.send Err(StillConnecting)",
            "page.send Err(StillConnecting)",
            "buffered=0",
            "route.handler",
            "page.send Err(StillConnecting)",
            "open",
            "buffered=0",
        ]
    );
}

#[test]
fn page_messages_go_to_the_page_side_on_message_handler() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnMessage),
            HandlerReturned,
            RunTasks,
            PageSend(M::Text("hi")),
            PageSend(M::Bin(&[7, 8, 9])),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onMessage page text:hi",
            "route.onMessage page binary:[7, 8, 9]",
        ]
    );
}

#[test]
fn page_messages_without_a_handler_in_mock_mode_are_dropped() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            PageSend(M::Text("lost")),
            LogBuffered,
            RunTasks,
            LogBuffered,
        ]),
    );
    assert_eq!(log, ["route.handler", "open", "buffered=4", "buffered=0"]);
}

#[test]
fn buffered_amount_grows_on_send_and_drains_when_the_route_has_the_message() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnMessage),
            HandlerReturned,
            RunTasks,
            PageSend(M::Text("héllo")), // 6 UTF-8 bytes
            LogBuffered,
            PageSend(M::Bin(&[1, 2, 3])),
            LogBuffered,
            RunOneTask,
            LogBuffered,
            RunOneTask,
            LogBuffered,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "buffered=6",
            "buffered=9",
            "route.onMessage page text:héllo",
            "buffered=3",
            "route.onMessage page binary:[1, 2, 3]",
            "buffered=0",
        ]
    );
}

#[test]
fn sends_while_closing_or_closed_grow_buffered_amount_and_go_nowhere() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnMessage),
            On(Page, OnClose),
            HandlerReturned,
            RunTasks,
            PageClose(Some(1000), None),
            LogReadyState,
            PageSend(M::Text("abc")),
            LogBuffered,
            RunTasks,
            RouteClose(Page, Some(1000), Some("")),
            RunTasks,
            PageSend(M::Bin(&[1, 2])),
            LogBuffered,
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "readyState=2",
            "buffered=3",
            "route.onClose page Some(1000) None",
            "close 1000 '' clean=true",
            "finished",
            "buffered=5",
        ]
    );
}

#[test]
fn a_pending_blob_holds_back_later_sends_until_it_is_read() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnMessage),
            HandlerReturned,
            RunTasks,
            PageSend(M::Text("first")),
            PageSendBlob { ticket: 7, size: 3 },
            PageSend(M::Text("after blob")),
            LogBuffered,
            RunTasks,
            LogBuffered,
            BlobRead(7, M::Bin(&[4, 5, 6])),
            RunTasks,
            LogBuffered,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "buffered=18",
            "route.onMessage page text:first",
            "buffered=13",
            "route.onMessage page binary:[4, 5, 6]",
            "route.onMessage page text:after blob",
            "buffered=0",
        ]
    );
}

#[test]
fn blobs_read_out_of_order_are_still_delivered_in_send_order() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnMessage),
            HandlerReturned,
            RunTasks,
            PageSendBlob { ticket: 1, size: 1 },
            PageSendBlob { ticket: 2, size: 1 },
            BlobRead(2, M::Bin(&[2])),
            RunTasks,
            BlobRead(1, M::Bin(&[1])),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onMessage page binary:[1]",
            "route.onMessage page binary:[2]",
        ]
    );
}

#[test]
fn a_failed_blob_read_fails_the_socket() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            PageSendBlob {
                ticket: 1,
                size: 10,
            },
            BlobFailed(1),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "error",
            "close 1006 '' clean=false",
            "finished"
        ]
    );
}

/// A Blob sent before `close()` is still sent before the closing handshake
/// (native queues the close frame behind pending messages): the route must
/// see the message before the page's close.
#[test]
fn a_blob_sent_before_close_reaches_the_route_before_the_close() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnMessage),
            On(Page, OnClose),
            HandlerReturned,
            RunTasks,
            PageSendBlob { ticket: 1, size: 2 },
            PageClose(Some(3000), Some("bye")),
            RunTasks,
            BlobRead(1, M::Bin(&[1, 2])),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onMessage page binary:[1, 2]",
            "route.onClose page Some(3000) Some(\"bye\")",
        ]
    );
}

/// Same in connected mode: the server gets the Blob, then the close frame.
#[test]
fn a_blob_sent_before_close_reaches_the_server_before_the_close_frame() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            PageSendBlob { ticket: 1, size: 2 },
            PageClose(Some(3000), Some("bye")),
            RunTasks,
            BlobRead(1, M::Bin(&[1, 2])),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.send binary:[1, 2]",
            "server.close Some(3000) Some(\"bye\")",
        ]
    );
}

// ---- page close -----------------------------------------------------------------

#[test]
fn close_while_connecting_fails_the_connection_without_open() {
    let log = scenario(
        &["chat"],
        &[
            RunTasks,
            PageClose(Some(1000), Some("never mind")),
            LogReadyState,
            HandlerReturned,
            RunTasks,
            LogReadyState,
            LogProtocol,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "readyState=2",
            "error",
            "close 1006 '' clean=false",
            "finished",
            "readyState=3",
            "protocol='' extensions=''",
        ]
    );
}

#[test]
fn close_before_the_handler_even_ran_fails_the_connection() {
    let log = scenario(
        &[],
        &[
            PageClose(None, None),
            LogReadyState,
            RunTasks,
            HandlerReturned,
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "readyState=2",
            "route.handler",
            "error",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn close_while_connecting_after_open_was_queued_still_gives_no_open() {
    let log = scenario(
        &[],
        &[RunTasks, HandlerReturned, PageClose(None, None), RunTasks],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "error",
            "close 1006 '' clean=false",
            "finished"
        ]
    );
}

#[test]
fn mock_page_close_without_on_close_completes_with_its_own_code() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            PageClose(Some(3001), Some("done")),
            LogReadyState,
            RunTasks,
            LogReadyState,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "readyState=2",
            "close 3001 'done' clean=true",
            "finished",
            "readyState=3",
        ]
    );
}

#[test]
fn mock_page_close_without_a_code_gives_1005() {
    let log = scenario(&[], &mock_open_then(&[PageClose(None, None), RunTasks]));
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 1005 '' clean=true",
            "finished"
        ]
    );
}

#[test]
fn mock_page_close_with_a_code_and_no_reason_gives_an_empty_reason() {
    let log = scenario(
        &[],
        &mock_open_then(&[PageClose(Some(1000), None), RunTasks]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 1000 '' clean=true",
            "finished"
        ]
    );
}

#[test]
fn page_close_with_on_close_waits_for_the_route_to_close_the_page() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnClose),
            HandlerReturned,
            RunTasks,
            PageClose(Some(3009), Some("x")),
            RunTasks,
            LogReadyState,
            RouteSend(Page, M::Text("ignored while closing")),
            RunTasks,
            LogReadyState,
            RouteClose(Page, Some(4000), Some("route says")),
            LogReadyState,
            RunTasks,
            LogReadyState,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onClose page Some(3009) Some(\"x\")",
            "readyState=2",
            "readyState=2",
            "readyState=2",
            "close 4000 'route says' clean=true",
            "finished",
            "readyState=3",
        ]
    );
}

#[test]
fn page_on_close_gets_none_for_a_close_without_arguments() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnClose),
            HandlerReturned,
            RunTasks,
            PageClose(None, None),
            RunTasks,
            RouteClose(Page, None, None),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onClose page None None",
            "close 1005 '' clean=true",
            "finished",
        ]
    );
}

#[test]
fn page_on_close_is_called_once_however_often_the_page_closes() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnClose),
            HandlerReturned,
            RunTasks,
            PageClose(Some(1000), None),
            PageClose(Some(3000), None),
            RunTasks,
            PageClose(None, None),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onClose page Some(1000) None"
        ]
    );
}

#[test]
fn messages_queued_before_page_close_still_reach_the_route_first() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            On(Page, OnMessage),
            On(Page, OnClose),
            HandlerReturned,
            RunTasks,
            PageSend(M::Text("last words")),
            PageClose(Some(1000), None),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onMessage page text:last words",
            "route.onClose page Some(1000) None",
        ]
    );
}

// ---- route close ------------------------------------------------------------------

#[test]
fn route_close_without_a_code_gives_the_page_1005() {
    let log = scenario(
        &[],
        &mock_open_then(&[RouteClose(Page, None, None), RunTasks]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 1005 '' clean=true",
            "finished"
        ]
    );
}

#[test]
fn route_close_with_1005_is_the_same_as_no_code() {
    let log = scenario(
        &[],
        &mock_open_then(&[RouteClose(Page, Some(1005), None), RunTasks]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 1005 '' clean=true",
            "finished"
        ]
    );
}

#[test]
fn route_close_with_a_server_only_code_reaches_the_page_unchanged() {
    let log = scenario(
        &[],
        &mock_open_then(&[RouteClose(Page, Some(1011), Some("internal")), RunTasks]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 1011 'internal' clean=true",
            "finished"
        ]
    );
}

#[test]
fn route_close_1006_before_open_refuses_the_connection() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            RouteClose(Page, Some(1006), None),
            LogReadyState,
            HandlerReturned,
            RunTasks,
            LogReadyState,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "readyState=0",
            "error",
            "close 1006 '' clean=false",
            "finished",
            "readyState=3",
        ]
    );
}

#[test]
fn route_close_1006_after_open_drops_the_connection() {
    let log = scenario(
        &[],
        &mock_open_then(&[RouteClose(Page, Some(1006), Some("gone")), RunTasks]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "error",
            "close 1006 '' clean=false",
            "finished"
        ]
    );
}

#[test]
fn route_close_before_open_gives_open_then_close() {
    let log = scenario(
        &["chat"],
        &[
            RunTasks,
            RouteClose(Page, Some(3000), Some("go away")),
            HandlerReturned,
            RunTasks,
            LogProtocol,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 3000 'go away' clean=true",
            "finished",
            "protocol='chat' extensions=''",
        ]
    );
}

#[test]
fn messages_sent_before_route_close_arrive_before_the_close() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            RouteSend(Page, M::Text("a")),
            RouteSend(Page, M::Text("b")),
            RouteClose(Page, Some(1000), None),
            RouteSend(Page, M::Text("too late")),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "message text:a",
            "message text:b",
            "close 1000 '' clean=true",
            "finished",
        ]
    );
}

#[test]
fn only_one_close_event_however_many_closes() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            RouteClose(Page, Some(3001), Some("first")),
            RouteClose(Page, Some(3002), Some("second")),
            PageClose(Some(1000), None),
            RouteClose(Page, Some(1006), None),
            HandlerFailed,
            RunTasks,
            RouteClose(Page, None, None),
            PageClose(None, None),
            HandlerFailed,
            RunTasks,
            LogReadyState,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 3001 'first' clean=true",
            "finished",
            "readyState=3",
        ]
    );
}

// ---- handler failure ----------------------------------------------------------------

#[test]
fn a_failing_handler_fails_the_socket() {
    let log = scenario(
        &["chat"],
        &[
            RunTasks,
            HandlerFailed,
            LogReadyState,
            RunTasks,
            LogProtocol,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "readyState=0",
            "error",
            "close 1006 '' clean=false",
            "finished",
            "protocol='' extensions=''",
        ]
    );
}

#[test]
fn a_handler_that_rejects_after_sending_fails_the_open_socket() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            RouteSend(Page, M::Text("hi")),
            HandlerFailed,
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "message text:hi",
            "error",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn a_failing_handler_closes_the_real_socket_too() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            HandlerFailed,
            RunTasks,
            ServerOpened("", ""),
            ServerClosed(1005, "", true, false),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "server.close None None",
            "error",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

// ---- connected mode -----------------------------------------------------------------

#[test]
fn connect_to_server_twice_is_refused() {
    let log = scenario(&[], &[RunTasks, Connect, Connect, HandlerReturned, Connect]);
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "connectToServer Err(AlreadyConnected)",
            "connectToServer Err(AlreadyConnected)",
        ]
    );
}

#[test]
fn core_error_messages_match_the_contract() {
    assert_eq!(
        CoreError::AlreadyConnected.to_string(),
        "Already connected to the server"
    );
    assert_eq!(
        CoreError::StillConnecting.to_string(),
        "Still in CONNECTING state."
    );
}

#[test]
fn connected_page_opens_when_the_server_opens_with_its_protocol() {
    let log = scenario(
        &["a", "chat"],
        &[
            RunTasks,
            Connect,
            HandlerReturned,
            RunTasks,
            LogReadyState,
            ServerOpened("chat", "permessage-deflate"),
            LogReadyState,
            RunTasks,
            LogReadyState,
            LogProtocol,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "readyState=0",
            "readyState=0",
            "open",
            "readyState=1",
            "protocol='chat' extensions='permessage-deflate'",
        ]
    );
}

#[test]
fn connected_page_opens_even_if_the_server_opens_before_the_handler_returns() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            ServerOpened("", ""),
            RunTasks,
            HandlerReturned,
            RunTasks,
        ],
    );
    assert_eq!(log, ["route.handler", "server.open", "open"]);
}

#[test]
fn route_sends_to_the_server_before_it_opens_are_flushed_in_order() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            RouteSend(Server, M::Text("1")),
            RouteSend(Server, M::Bin(&[2])),
            HandlerReturned,
            RouteSend(Server, M::Text("3")),
            ServerOpened("", ""),
            RouteSend(Server, M::Text("4")),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "server.send text:1",
            "server.send binary:[2]",
            "server.send text:3",
            "server.send text:4",
            "open",
        ]
    );
}

#[test]
fn route_sends_to_the_page_before_the_server_opens_wait_for_open() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            RouteSend(Page, M::Text("welcome")),
            HandlerReturned,
            RunTasks,
            ServerOpened("", ""),
            ServerMessage(M::Text("from server")),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "message text:welcome",
            "message text:from server",
        ]
    );
}

#[test]
fn default_forwarding_both_ways() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            PageSend(M::Text("up")),
            PageSend(M::Bin(&[1])),
            LogBuffered,
            RunTasks,
            LogBuffered,
            ServerMessage(M::Text("down")),
            ServerMessage(M::Bin(&[2, 3])),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "buffered=3",
            "server.send text:up",
            "server.send binary:[1]",
            "buffered=0",
            "message text:down",
            "message binary:[2, 3]",
        ]
    );
}

#[test]
fn page_side_on_message_stops_forwarding_page_messages_only() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            On(Page, OnMessage),
            HandlerReturned,
            ServerOpened("", ""),
            RunTasks,
            PageSend(M::Text("up")),
            RunTasks,
            ServerMessage(M::Text("down")),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "route.onMessage page text:up",
            "message text:down",
        ]
    );
}

#[test]
fn server_side_on_message_stops_forwarding_server_messages_only() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            On(Server, OnMessage),
            HandlerReturned,
            ServerOpened("", ""),
            RunTasks,
            PageSend(M::Text("up")),
            RunTasks,
            ServerMessage(M::Text("down")),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.send text:up",
            "route.onMessage server text:down",
        ]
    );
}

#[test]
fn a_route_with_both_on_message_handlers_relays_by_hand() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            On(Page, OnMessage),
            On(Server, OnMessage),
            HandlerReturned,
            ServerOpened("", ""),
            RunTasks,
            PageSend(M::Text("ping")),
            RunTasks,
            RouteSend(Server, M::Text("PING")),
            ServerMessage(M::Text("pong")),
            RouteSend(Page, M::Text("PONG")),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "route.onMessage page text:ping",
            "server.send text:PING",
            "route.onMessage server text:pong",
            "message text:PONG",
        ]
    );
}

#[test]
fn server_close_reaches_the_page() {
    let log = scenario(
        &[],
        &connected_open_then(&[ServerClosed(1008, "oops", true, false), RunTasks]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "close 1008 'oops' clean=true",
            "finished",
        ]
    );
}

#[test]
fn server_close_without_a_code_gives_the_page_1005() {
    let log = scenario(
        &[],
        &connected_open_then(&[ServerClosed(1005, "", true, false), RunTasks]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "close 1005 '' clean=true",
            "finished",
        ]
    );
}

/// The real socket opened and closed cleanly before the page's open task ran:
/// natively the page sees `open`, then the clean close, never an error.
#[test]
fn server_closing_right_after_opening_gives_open_then_a_clean_close() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            HandlerReturned,
            ServerOpened("", ""),
            ServerMessage(M::Text("bye")),
            ServerClosed(1000, "done", true, false),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "message text:bye",
            "close 1000 'done' clean=true",
            "finished",
        ]
    );
}

#[test]
fn server_side_on_close_gets_the_server_close_instead_of_the_page() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            On(Server, OnClose),
            HandlerReturned,
            ServerOpened("", ""),
            RunTasks,
            ServerClosed(1008, "oops", true, false),
            RunTasks,
            LogReadyState,
            ServerClosed(1000, "again", true, false),
            RouteClose(Page, Some(4001), Some("relayed")),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "route.onClose server Some(1008) Some(\"oops\")",
            "readyState=1",
            "close 4001 'relayed' clean=true",
            "finished",
        ]
    );
}

#[test]
fn page_close_when_connected_closes_the_server_then_the_page() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            PageClose(Some(3009), Some("x")),
            RunTasks,
            LogReadyState,
            ServerMessage(M::Text("dropped while closing")),
            RunTasks,
            ServerClosed(3009, "x", true, false),
            LogReadyState,
            RunTasks,
            LogReadyState,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.close Some(3009) Some(\"x\")",
            "readyState=2",
            "readyState=2",
            "close 3009 'x' clean=true",
            "finished",
            "readyState=3",
        ]
    );
}

#[test]
fn page_close_with_page_on_close_when_connected_leaves_the_server_to_the_route() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            On(Page, OnClose),
            HandlerReturned,
            ServerOpened("", ""),
            RunTasks,
            PageClose(Some(3009), Some("x")),
            RunTasks,
            RouteClose(Server, Some(3010), Some("y")),
            ServerClosed(3010, "y", true, false),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "route.onClose page Some(3009) Some(\"x\")",
            "server.close Some(3010) Some(\"y\")",
            "close 3010 'y' clean=true",
            "finished",
        ]
    );
}

#[test]
fn route_close_when_connected_closes_the_page_then_the_server() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            RouteClose(Page, Some(3009), Some("x")),
            RunTasks,
            ServerClosed(3009, "x", true, false),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.close Some(3009) Some(\"x\")",
            "close 3009 'x' clean=true",
            "finished",
        ]
    );
}

#[test]
fn route_close_of_the_server_side_reaches_the_page_by_default() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            RouteClose(Server, Some(4000), Some("bye")),
            RunTasks,
            ServerClosed(4000, "bye", true, false),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.close Some(4000) Some(\"bye\")",
            "close 4000 'bye' clean=true",
            "finished",
        ]
    );
}

/// Default wiring: the page side closed, so the server side is closed too,
/// even when the page was failed with 1006 (which no close frame can carry).
#[test]
fn route_close_1006_when_connected_also_closes_the_server() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            RouteClose(Page, Some(1006), None),
            RunTasks,
            ServerClosed(1005, "", true, false),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.close None None",
            "error",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn a_refused_server_fails_the_page() {
    let log = scenario(
        &["chat"],
        &[
            RunTasks,
            Connect,
            RouteSend(Server, M::Text("never sent")),
            RouteSend(Page, M::Text("never shown")),
            HandlerReturned,
            ServerClosed(1006, "", false, true),
            RunTasks,
            ServerOpened("chat", ""),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "error",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn a_failing_server_after_open_fails_the_page() {
    let log = scenario(
        &[],
        &connected_open_then(&[ServerClosed(1006, "", false, true), RunTasks]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "error",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

/// Once the real socket is gone, the route is the only "server" left: a send
/// to the page opens it first, as in mock mode (and as `route.close()` does).
#[test]
fn a_failing_server_goes_to_the_server_side_on_close_if_set() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            On(Server, OnClose),
            HandlerReturned,
            ServerClosed(1006, "", false, true),
            RunTasks,
            LogReadyState,
            RouteSend(Page, M::Text("mocked instead")),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "route.onClose server Some(1006) Some(\"\")",
            "readyState=0",
            "open",
            "message text:mocked instead",
        ]
    );
}

#[test]
fn close_while_connecting_in_connected_mode_closes_the_server() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            HandlerReturned,
            PageClose(None, None),
            RunTasks,
            ServerOpened("", ""),
            ServerClosed(1006, "", false, true),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "server.close None None",
            "error",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

/// The handler returned (open was decided in mock mode, its task queued) and
/// connected afterwards, before the open task ran: the page asked for `chat`
/// and opened as a mock, so its protocol is `chat`, not `""`.
#[test]
fn connecting_after_a_mock_open_was_queued_keeps_the_mock_protocol() {
    let log = scenario(
        &["chat"],
        &[
            RunTasks,
            HandlerReturned,
            Connect,
            RunTasks,
            LogProtocol,
            ServerOpened("chat", "permessage-deflate"),
            RunTasks,
            LogProtocol,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "protocol='chat' extensions=''",
            "protocol='chat' extensions=''",
        ]
    );
}

#[test]
fn connecting_after_the_page_opened_queues_page_messages_for_the_server() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            Connect,
            PageSend(M::Text("early")),
            RunTasks,
            ServerOpened("", ""),
            PageSend(M::Text("late")),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "server.open",
            "server.send text:early",
            "server.send text:late",
        ]
    );
}

// ---- finishing ------------------------------------------------------------------------

#[test]
fn finished_waits_for_both_sides() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            RouteClose(Page, Some(1000), None),
            RunTasks,
            LogReadyState,
            ServerClosed(1000, "", true, false),
            ServerClosed(1000, "", true, false),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.close Some(1000) Some(\"\")",
            "close 1000 '' clean=true",
            "readyState=3",
            "finished",
        ]
    );
}

#[test]
fn connect_after_the_page_closed_opens_nothing() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            RouteClose(Page, None, None),
            RunTasks,
            Connect,
            RouteSend(Server, M::Text("nowhere")),
            Connect,
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 1005 '' clean=true",
            "finished",
            "connectToServer Err(AlreadyConnected)",
        ]
    );
}

// ---- invariants over many event orders ------------------------------------------------

/// Every ordering of a handful of inputs keeps the driver's invariants
/// (monotonic readyState, one close, error then close, Finished once).
#[test]
fn invariants_hold_for_every_order_of_a_few_inputs() {
    let inputs = [
        HandlerReturned,
        RunOneTaskIfAny,
        PageSend(M::Text("p")),
        PageClose(Some(1000), None),
        RouteSend(Page, M::Text("r")),
        RouteClose(Page, Some(3000), None),
        ServerClosed(1000, "", true, false),
        HandlerFailed,
    ];
    let prefixes: [&[Step]; 3] = [
        &[RunTasks],
        &[RunTasks, Connect, ServerOpened("", "")],
        &[RunTasks, Connect, On(Page, OnClose), On(Server, OnClose)],
    ];
    let mut count = 0;
    for prefix in prefixes {
        for order in permutations(inputs.len()) {
            let mut d = Driver::new(&["chat"]);
            for step in prefix {
                d.step(*step);
            }
            for i in order {
                d.step(inputs[i]);
            }
            d.step(RunTasks);
            assert!(d.closes <= 1);
            count += 1;
        }
    }
    assert_eq!(count, 3 * 40320);
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    fn go(rest: &mut Vec<usize>, cur: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if rest.is_empty() {
            out.push(cur.clone());
            return;
        }
        for i in 0..rest.len() {
            let x = rest.remove(i);
            cur.push(x);
            go(rest, cur, out);
            cur.pop();
            rest.insert(i, x);
        }
    }
    let mut out = Vec::new();
    go(&mut (0..n).collect(), &mut Vec::new(), &mut out);
    out
}

#[test]
fn compact_after_finish_keeps_every_answer() {
    // A mocked socket that exchanged messages, then closed from both sides.
    let mut s: Socket<Message> = Socket::new(vec!["chat".into()]);
    let mut finished = false;
    let drain = |s: &mut Socket<Message>, finished: &mut bool| {
        while let Some(e) = s.poll_effect() {
            match e {
                Effect::ScheduleTask => s.run_task(),
                Effect::RunHandler => s.handler_returned(),
                Effect::Finished => *finished = true,
                _ => {}
            }
        }
    };
    drain(&mut s, &mut finished);
    assert_eq!(s.ready_state(), ReadyState::Open);
    for i in 0..20 {
        assert_eq!(s.page_send(Message::from(format!("m{i}"))), Ok(()));
        s.route_send(Side::Page, Message::from(format!("r{i}")));
    }
    drain(&mut s, &mut finished);
    s.page_close(Some(1000), Some("bye".into()));
    drain(&mut s, &mut finished);
    assert!(finished, "both sides are done");
    let before = (
        s.ready_state(),
        s.buffered_amount(),
        s.protocol().to_owned(),
        s.requested_protocols().to_vec(),
    );
    s.compact();
    assert_eq!(
        (
            s.ready_state(),
            s.buffered_amount(),
            s.protocol().to_owned(),
            s.requested_protocols().to_vec()
        ),
        before
    );
    // Sends after close still count (the spec's bufferedAmount rule), after compaction too.
    assert_eq!(s.page_send(Message::from("late")), Ok(()));
    assert_eq!(s.buffered_amount(), before.1 + 4);
    assert_eq!(s.poll_effect(), None);
}
