//! Property tests for the sans-IO [`Socket`]: random sequences of page, route
//! and server inputs, run to completion, checked against the invariants every
//! socket must keep whatever happens:
//!
//! - every frame is delivered at most once, in the order its source sent it,
//!   byte-identical (each source numbers its frames; each sink checks them);
//! - exactly one `close` event per socket once everything has settled;
//! - `error` only immediately before `close`, and only one;
//! - `readyState` never goes back; nothing reaches the page after `close`;
//! - `bufferedAmount` never underflows and drains to what was sent while
//!   closing;
//! - no panic.

use std::collections::HashMap;

use proptest::prelude::*;

use crate::sans_io::message::{Message, Payload};
use crate::sans_io::socket::{Effect, HandlerKind, ReadyState, Side, Socket};

/// Where a frame came from: the tag each payload carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Source {
    Page,
    RouteToPage,
    RouteToServer,
    Server,
}

fn frame(source: Source, n: u32, binary: bool) -> Message {
    let tag = format!("{source:?}#{n}");
    if binary {
        Message::Binary(tag.into_bytes())
    } else {
        Message::Text(tag)
    }
}

fn parse(m: &Message) -> (String, u32) {
    let s = match m {
        Message::Text(s) => s.clone(),
        Message::Binary(b) => String::from_utf8_lossy(b).into_owned(),
    };
    let (src, n) = s.split_once('#').unwrap_or(("?", "0"));
    (src.to_owned(), n.parse().unwrap_or(0))
}

#[derive(Clone, Debug)]
enum Input {
    RunTask,
    HandlerReturned,
    HandlerFailed,
    Connect,
    SetHandler(Side, HandlerKind),
    PageSend { binary: bool },
    PageSendBlob,
    BlobRead,
    PageClose(Option<u16>),
    RouteSend { side: Side, binary: bool },
    RouteSendBlob { side: Side },
    RouteBlobRead,
    RouteClose(Side, Option<u16>),
    ServerOpened,
    ServerMessage { binary: bool },
    ServerClosed { code: u16, failed: bool },
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Page), Just(Side::Server)]
}

fn kind() -> impl Strategy<Value = HandlerKind> {
    prop_oneof![Just(HandlerKind::Message), Just(HandlerKind::Close)]
}

fn code() -> impl Strategy<Value = Option<u16>> {
    prop_oneof![
        Just(None),
        Just(Some(1000)),
        Just(Some(3001)),
        Just(Some(1006)),
        Just(Some(4999))
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        6 => Just(Input::RunTask),
        1 => Just(Input::HandlerReturned),
        1 => Just(Input::HandlerFailed),
        1 => Just(Input::Connect),
        2 => (side(), kind()).prop_map(|(s, k)| Input::SetHandler(s, k)),
        3 => any::<bool>().prop_map(|binary| Input::PageSend { binary }),
        1 => Just(Input::PageSendBlob),
        1 => Just(Input::BlobRead),
        1 => code().prop_map(Input::PageClose),
        3 => (side(), any::<bool>()).prop_map(|(side, binary)| Input::RouteSend { side, binary }),
        1 => side().prop_map(|side| Input::RouteSendBlob { side }),
        1 => Just(Input::RouteBlobRead),
        1 => (side(), code()).prop_map(|(s, c)| Input::RouteClose(s, c)),
        1 => Just(Input::ServerOpened),
        3 => any::<bool>().prop_map(|binary| Input::ServerMessage { binary }),
        1 => (prop_oneof![Just(1000u16), Just(1006), Just(3009), Just(1005)], any::<bool>())
            .prop_map(|(code, failed)| Input::ServerClosed { code, failed }),
    ]
}

/// Plays the edge around one socket and checks invariants as it goes.
struct Harness {
    socket: Socket<Message>,
    tasks: usize,
    sent: HashMap<Source, u32>,
    /// Last sequence number each sink saw from each source.
    seen: HashMap<(&'static str, String), u32>,
    state: ReadyState,
    closes: u32,
    errors: u32,
    error_pending: bool,
    next_ticket: u64,
    page_blobs: Vec<(u64, Message)>,
    route_blobs: Vec<(u64, Side, Message)>,
    handler_ran: bool,
    handler_done: bool,
    server_opened: bool,
    server_closed: bool,
    connected: bool,
    sent_while_closing: u64,
}

impl Harness {
    fn new() -> Self {
        let mut h = Harness {
            socket: Socket::new(vec!["p".into()]),
            tasks: 0,
            sent: HashMap::new(),
            seen: HashMap::new(),
            state: ReadyState::Connecting,
            closes: 0,
            errors: 0,
            error_pending: false,
            next_ticket: 0,
            page_blobs: Vec::new(),
            route_blobs: Vec::new(),
            handler_ran: false,
            handler_done: false,
            server_opened: false,
            server_closed: false,
            connected: false,
            sent_while_closing: 0,
        };
        h.drain();
        h
    }

    fn next(&mut self, source: Source, binary: bool) -> Message {
        let n = self.sent.entry(source).or_insert(0);
        *n += 1;
        frame(source, *n, binary)
    }

    fn ticket(&mut self) -> u64 {
        self.next_ticket += 1;
        self.next_ticket
    }

    /// Checks that `sink` sees each source's frames in order, at most once.
    fn arrived(&mut self, sink: &'static str, m: &Message) {
        let (src, n) = parse(m);
        let last = self.seen.entry((sink, src.clone())).or_insert(0);
        assert!(
            n > *last,
            "{sink} got {src}#{n} after #{last}: reordered or duplicated"
        );
        *last = n;
    }

    fn drain(&mut self) {
        while let Some(effect) = self.socket.poll_effect() {
            let page_visible = matches!(
                effect,
                Effect::DispatchOpen
                    | Effect::DispatchMessage(_)
                    | Effect::DispatchError
                    | Effect::DispatchClose { .. }
            );
            if self.error_pending {
                assert!(
                    matches!(effect, Effect::DispatchClose { .. }),
                    "error must be followed at once by close, got {effect:?}"
                );
            }
            if page_visible {
                assert_eq!(
                    self.closes, 0,
                    "nothing reaches the page after close: {effect:?}"
                );
            }
            match effect {
                Effect::ScheduleTask => self.tasks += 1,
                Effect::RunHandler => self.handler_ran = true,
                Effect::DispatchOpen => {
                    assert_eq!(self.socket.ready_state(), ReadyState::Open);
                }
                Effect::DispatchMessage(m) => {
                    assert_eq!(self.socket.ready_state(), ReadyState::Open);
                    self.arrived("page", &m);
                }
                Effect::DispatchError => {
                    assert_eq!(self.errors, 0, "one error at most");
                    assert_eq!(self.socket.ready_state(), ReadyState::Closed);
                    self.errors += 1;
                    self.error_pending = true;
                }
                Effect::DispatchClose { .. } => {
                    assert_eq!(self.socket.ready_state(), ReadyState::Closed);
                    self.closes += 1;
                    self.error_pending = false;
                }
                Effect::CallOnMessage { side, message } => {
                    let sink = match side {
                        Side::Page => "route.page",
                        Side::Server => "route.server",
                    };
                    self.arrived(sink, &message);
                }
                Effect::CallOnClose { .. } => {}
                Effect::OpenServer => {
                    assert!(!self.connected, "one real socket at most");
                    self.connected = true;
                }
                Effect::SendToServer(m) => {
                    assert!(
                        self.server_opened && !self.server_closed,
                        "sent to a closed server"
                    );
                    self.arrived("server", &m);
                }
                Effect::CloseServer { .. } => {}
                Effect::Finished => {
                    assert_eq!(self.socket.ready_state(), ReadyState::Closed);
                }
            }
            let now = self.socket.ready_state();
            assert!(
                now >= self.state,
                "readyState went back from {:?} to {now:?}",
                self.state
            );
            self.state = now;
        }
        assert!(!self.error_pending || self.socket.poll_effect().is_none());
    }

    fn apply(&mut self, input: &Input) {
        let s = &mut self.socket;
        match input.clone() {
            Input::RunTask => {
                if self.tasks > 0 {
                    self.tasks -= 1;
                    s.run_task();
                }
            }
            Input::HandlerReturned => {
                if self.handler_ran && !self.handler_done {
                    self.handler_done = true;
                    s.handler_returned();
                }
            }
            Input::HandlerFailed => {
                if self.handler_ran && !self.handler_done {
                    self.handler_done = true;
                    s.handler_failed();
                }
            }
            Input::Connect => {
                let _ = s.connect_to_server();
            }
            Input::SetHandler(side, kind) => s.set_handler(side, kind),
            Input::PageSend { binary } => {
                let m = self.next(Source::Page, binary);
                let size = Payload::byte_len(&m);
                let state = self.socket.ready_state();
                if self.socket.page_send(m).is_ok() && state >= ReadyState::Closing {
                    self.sent_while_closing += size;
                }
            }
            Input::PageSendBlob => {
                let m = self.next(Source::Page, true);
                let t = self.ticket();
                let size = Payload::byte_len(&m);
                let state = self.socket.ready_state();
                if self.socket.page_send_pending(t, size).is_ok() {
                    if state == ReadyState::Open {
                        self.page_blobs.push((t, m));
                    } else {
                        self.sent_while_closing += size;
                    }
                }
            }
            Input::BlobRead => {
                if !self.page_blobs.is_empty() {
                    let (t, m) = self.page_blobs.remove(0);
                    self.socket.page_blob_read(t, m);
                }
            }
            Input::PageClose(code) => {
                let code = code.filter(|c| *c == 1000 || (3000..=4999).contains(c));
                s.page_close(code, None);
            }
            Input::RouteSend { side, binary } => {
                let src = match side {
                    Side::Page => Source::RouteToPage,
                    Side::Server => Source::RouteToServer,
                };
                let m = self.next(src, binary);
                self.socket.route_send(side, m);
            }
            Input::RouteSendBlob { side } => {
                let src = match side {
                    Side::Page => Source::RouteToPage,
                    Side::Server => Source::RouteToServer,
                };
                let m = self.next(src, true);
                let t = self.ticket();
                self.socket.route_send_pending(side, t);
                self.route_blobs.push((t, side, m));
            }
            Input::RouteBlobRead => {
                if !self.route_blobs.is_empty() {
                    let (t, side, m) = self.route_blobs.remove(0);
                    self.socket.route_blob_read(side, t, m);
                }
            }
            Input::RouteClose(side, code) => s.route_close(side, code, None),
            Input::ServerOpened => {
                if self.connected && !self.server_opened && !self.server_closed {
                    self.server_opened = true;
                    s.server_opened(String::new(), String::new());
                }
            }
            Input::ServerMessage { binary } => {
                if self.server_opened && !self.server_closed {
                    let m = self.next(Source::Server, binary);
                    self.socket.server_message(m);
                }
            }
            Input::ServerClosed { code, failed } => {
                if self.connected && !self.server_closed {
                    self.server_closed = true;
                    s.server_closed(code, String::new(), !failed, failed);
                }
            }
        }
        self.drain();
    }

    /// Ends everything the way the edge eventually would, then checks the
    /// final state.
    fn settle(&mut self) {
        for _ in 0..4 {
            while let Some((t, m)) =
                (!self.page_blobs.is_empty()).then(|| self.page_blobs.remove(0))
            {
                self.socket.page_blob_read(t, m);
                self.drain();
            }
            while let Some((t, side, m)) =
                (!self.route_blobs.is_empty()).then(|| self.route_blobs.remove(0))
            {
                self.socket.route_blob_read(side, t, m);
                self.drain();
            }
            if self.handler_ran && !self.handler_done {
                self.handler_done = true;
                self.socket.handler_returned();
                self.drain();
            }
            self.socket.page_close(None, None);
            self.drain();
            self.run_all();
            // A route that took over closing (onClose) closes the page now.
            self.socket.route_close(Side::Page, Some(4000), None);
            self.drain();
            if self.connected && !self.server_closed {
                self.server_closed = true;
                self.socket.server_closed(1000, String::new(), true, false);
                self.drain();
            }
            self.run_all();
        }
        assert_eq!(self.closes, 1, "exactly one close event per socket");
        assert_eq!(self.socket.ready_state(), ReadyState::Closed);
        assert!(!self.socket.has_pending_tasks());
        assert!(
            self.socket.buffered_amount() == self.sent_while_closing,
            "bufferedAmount {} is not the {} bytes sent while closing",
            self.socket.buffered_amount(),
            self.sent_while_closing
        );
    }

    fn run_all(&mut self) {
        while self.tasks > 0 {
            self.tasks -= 1;
            self.socket.run_task();
            self.drain();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn random_event_sequences_keep_every_invariant(inputs in proptest::collection::vec(input(), 0..60)) {
        let mut h = Harness::new();
        for i in &inputs {
            h.apply(i);
        }
        h.settle();
    }
}
