//! The property tests' driver: plays the edge and the route, numbers what
//! each source sends and checks every invariant as effects come out.

use super::*;

/// Plays the edge around one socket and checks invariants as it goes.
pub(super) struct Harness {
    pub(super) socket: Socket<Test>,
    tasks: usize,
    /// Departures scheduled and not yet run.
    departures: usize,
    sent: HashMap<Source, u32>,
    /// Last sequence number each sink saw from each source.
    seen: HashMap<(&'static str, String), u32>,
    /// Sinks that must see every frame of a source, without gaps.
    lossless: bool,
    state: ReadyState,
    closes: u32,
    errors: u32,
    error_pending: bool,
    page_blobs: Vec<(u64, Message)>,
    route_blobs: Vec<(u64, Side, Message)>,
    handler_ran: bool,
    handler_done: bool,
    server_opened: bool,
    server_closed: bool,
    connected: bool,
    sent_total: u64,
    sent_while_closing: u64,
    /// The virtual clock, in ms.
    now: f64,
    /// The network went offline at some point: bytes still waiting to leave
    /// were lost, and stay counted in `bufferedAmount` as on a dropped link.
    went_offline: bool,
    /// Checks made so far: `bufferedAmount` is read on every third one
    /// only, so some messages reach the route never measured.
    checks: u32,
}

impl Harness {
    pub(super) fn new() -> Self {
        let mut h = Harness {
            socket: Socket::new(vec!["p".into()], "handler"),
            tasks: 0,
            departures: 0,
            sent: HashMap::new(),
            seen: HashMap::new(),
            lossless: false,
            state: ReadyState::Connecting,
            closes: 0,
            errors: 0,
            error_pending: false,
            page_blobs: Vec::new(),
            route_blobs: Vec::new(),
            handler_ran: false,
            handler_done: false,
            server_opened: false,
            server_closed: false,
            connected: false,
            sent_total: 0,
            sent_while_closing: 0,
            now: 0.0,
            went_offline: false,
            checks: 0,
        };
        h.drain();
        h
    }

    /// A socket whose route forwards both ways to an open real socket and
    /// also relays by hand with `onMessage` on neither side: every frame has
    /// one sink, and none may be lost.
    pub(super) fn connected_and_open() -> Self {
        let mut h = Harness::new();
        h.apply(&Input::RunTask);
        h.apply(&Input::Connect);
        h.apply(&Input::HandlerReturned);
        h.apply(&Input::ServerOpened);
        h.run_all();
        assert_eq!(h.socket.page().ready_state(), ReadyState::Open);
        h.lossless = true;
        h
    }

    fn next(&mut self, source: Source, binary: bool) -> Message {
        let n = self.sent.entry(source).or_insert(0);
        *n += 1;
        frame(source, *n, binary)
    }

    /// Checks that `sink` sees each source's frames in order, at most once,
    /// unchanged, and (lossless runs) without gaps.
    fn arrived(&mut self, sink: &'static str, m: &Message) {
        let (src, n) = parse(m);
        let last = self.seen.entry((sink, src.clone())).or_insert(0);
        if self.lossless {
            assert_eq!(n, *last + 1, "{sink} got {src}#{n} after #{last}: lost");
        }
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
                    | Effect::DispatchMessage { .. }
                    | Effect::DispatchError(_)
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
                Effect::ScheduleDeparture => self.departures += 1,
                Effect::RunHandler(_) => self.handler_ran = true,
                Effect::DispatchOpen => {
                    assert_eq!(self.socket.page().ready_state(), ReadyState::Open);
                }
                Effect::DispatchMessage { message, .. } => {
                    assert_eq!(self.socket.page().ready_state(), ReadyState::Open);
                    self.arrived("page", &message);
                }
                Effect::DispatchError(_) => {
                    assert_eq!(self.errors, 0, "one error at most");
                    assert_eq!(self.socket.page().ready_state(), ReadyState::Closed);
                    self.errors += 1;
                    self.error_pending = true;
                }
                Effect::DispatchClose { .. } => {
                    assert_eq!(self.socket.page().ready_state(), ReadyState::Closed);
                    self.closes += 1;
                    self.error_pending = false;
                }
                Effect::Arrived { side, message } => {
                    let sink = match side {
                        Side::Page => "observer.framesent",
                        Side::Server => "route.server.arrivals",
                    };
                    self.arrived(sink, &message);
                }
                Effect::Ended(_) => {}
                Effect::CallOnMessage { handler, message } => self.arrived(handler, &message),
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
                Effect::CloseServer { code, reason } => {
                    assert!(
                        code.is_none_or(|c| c == 1000 || (3000..=4999).contains(&c)),
                        "a browser cannot send close code {code:?}"
                    );
                    assert!(
                        reason.is_none() || code.is_some(),
                        "a reason without a code"
                    );
                }
                Effect::Finished => {
                    assert_eq!(self.socket.page().ready_state(), ReadyState::Closed);
                }
            }
            let now = self.socket.page().ready_state();
            assert!(
                now >= self.state,
                "readyState went back from {:?} to {now:?}",
                self.state
            );
            self.state = now;
        }
        assert!(!self.error_pending || self.socket.poll_effect().is_none());
        self.checks = self.checks.wrapping_add(1);
        assert!(
            self.checks % 3 != 0 || self.socket.buffered_amount() <= self.sent_total,
            "bufferedAmount {} is more than the {} bytes ever sent",
            self.socket.buffered_amount(),
            self.sent_total
        );
    }

    /// Counts a page send of `m` made in `state` that the socket accepted.
    /// What `page_send_goes_straight_to_server` promised: the message is
    /// the next two effects, `Arrived` then `SendToServer`; nothing else but
    /// queuing a task (which runs no code).
    fn check_straight_to_server(&self, m: &Message) {
        let effects: Vec<_> = (self.socket.effects.iter())
            .filter(|e| !matches!(e, Effect::ScheduleTask | Effect::ScheduleDeparture))
            .collect();
        assert!(
            matches!(
                effects[..],
                [
                    Effect::Arrived { side: Side::Page, message: a },
                    Effect::SendToServer(b),
                ] if a == m && b == m
            ),
            "a message promised straight to the server came out as {effects:?}"
        );
    }

    fn count_page_send(&mut self, state: ReadyState, m: &Message) {
        self.sent_total += size(m);
        if state >= ReadyState::Closing {
            self.sent_while_closing += size(m);
        }
    }

    pub(super) fn apply(&mut self, input: &Input) {
        let s = &mut self.socket;
        match input.clone() {
            Input::RunTask => {
                if self.tasks > 0 {
                    self.tasks -= 1;
                    s.run_task();
                }
            }
            Input::Depart => self.depart(),
            Input::HandlerReturned => {
                if self.handler_ran && !self.handler_done {
                    self.handler_done = true;
                    s.handler_returned();
                }
            }
            Input::HandlerFailed => {
                if self.handler_ran && !self.handler_done {
                    self.handler_done = true;
                    s.handler_failed("boom".into());
                }
            }
            Input::Connect => {
                let _ = s.connect_to_server();
            }
            Input::OnMessage(Side::Page) => s.set_on_message(Side::Page, "route.page"),
            Input::OnMessage(Side::Server) => s.set_on_message(Side::Server, "route.server"),
            Input::OnClose(side) => s.set_on_close(side, "onClose"),
            Input::PageSend { binary } => {
                let state = self.socket.page().ready_state();
                // Frames sent while closing are never transmitted: they are
                // not numbered, so sinks can check there are no gaps.
                let m = if state == ReadyState::Open {
                    self.next(Source::Page, binary)
                } else {
                    Message::Text("unsent é".into())
                };
                let counted = m.clone();
                let straight = self.socket.page_send_goes_straight_to_server();
                if self.socket.page_send(m).is_ok() {
                    if straight {
                        self.check_straight_to_server(&counted);
                    }
                    self.count_page_send(state, &counted);
                }
            }
            Input::PageSendBlob => {
                let state = self.socket.page().ready_state();
                let m = if state == ReadyState::Open {
                    self.next(Source::Page, true)
                } else {
                    Message::Binary(vec![0; 3])
                };
                match self.socket.page_send_blob(size(&m)) {
                    Ok(Some(t)) => {
                        assert_eq!(state, ReadyState::Open, "a Blob read while {state:?}");
                        self.count_page_send(state, &m);
                        self.page_blobs.push((t, m));
                    }
                    Ok(None) => {
                        assert!(state >= ReadyState::Closing, "a Blob not read while open");
                        self.count_page_send(state, &m);
                    }
                    Err(_) => assert_eq!(state, ReadyState::Connecting),
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
                let t = self.socket.route_send_blob(side);
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
            Input::Net(c) => {
                self.went_offline |= c.offline;
                s.set_conditions(self.now, c);
            }
            Input::Advance(ms) => {
                self.now += f64::from(ms);
                s.handle_time(self.now);
            }
            Input::ServerClosed { code, failed } => {
                if self.connected && !self.server_closed {
                    self.server_closed = true;
                    if failed {
                        s.server_error();
                    }
                    s.server_closed(code, String::new(), !failed);
                }
            }
        }
        self.drain();
    }

    /// Delivers every Blob still being read, lets everything cross the
    /// link, and runs every task.
    pub(super) fn flush(&mut self) {
        self.run_all();
        while let Some((t, m)) = (!self.page_blobs.is_empty()).then(|| self.page_blobs.remove(0)) {
            self.socket.page_blob_read(t, m);
            self.drain();
        }
        while let Some((t, side, m)) =
            (!self.route_blobs.is_empty()).then(|| self.route_blobs.remove(0))
        {
            self.socket.route_blob_read(side, t, m);
            self.drain();
        }
        // Far enough for anything on the link, however slow, to arrive.
        while let Some(t) = self.socket.poll_timeout() {
            assert!(
                t >= self.now - 1e-6,
                "a deadline in the past: {t} < {}",
                self.now
            );
            self.now = self.now.max(t);
            self.socket.handle_time(self.now);
            self.drain();
            self.run_all();
        }
        self.run_all();
    }

    /// Checks that every frame each source numbered reached `sink`.
    pub(super) fn all_arrived(&self, source: Source, sink: &'static str) {
        let sent = self.sent.get(&source).copied().unwrap_or(0);
        let seen = self
            .seen
            .get(&(sink, format!("{source:?}")))
            .copied()
            .unwrap_or(0);
        assert_eq!(
            seen, sent,
            "{sink} saw {seen} of the {sent} frames of {source:?}"
        );
    }

    /// Ends everything the way the edge eventually would, then checks the
    /// final state.
    pub(super) fn settle(&mut self) {
        for _ in 0..4 {
            self.flush();
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
                self.socket.server_closed(1000, String::new(), true);
                self.drain();
            }
            self.flush();
        }
        assert_eq!(self.closes, 1, "exactly one close event per socket");
        assert_eq!(self.socket.page().ready_state(), ReadyState::Closed);
        assert!(!self.socket.has_pending_tasks());
        let buffered = self.buffered_amount_later();
        if self.went_offline {
            assert!(
                (self.sent_while_closing..=self.sent_total).contains(&buffered),
                "bufferedAmount {buffered} is not between the {} bytes sent while closing and the {} sent",
                self.sent_while_closing,
                self.sent_total
            );
        } else {
            assert_eq!(
                buffered, self.sent_while_closing,
                "bufferedAmount is not the bytes sent while closing"
            );
        }
    }

    /// `bufferedAmount` in a later task than this one's sends: reading it
    /// schedules the departure of what went straight to the real socket,
    /// which then runs.
    pub(super) fn buffered_amount_later(&mut self) -> u64 {
        self.socket.buffered_amount();
        self.drain();
        self.depart();
        self.socket.buffered_amount()
    }

    /// Runs the scheduled departures, which change nothing but
    /// `bufferedAmount`.
    fn depart(&mut self) {
        while self.departures > 0 {
            self.departures -= 1;
            self.socket.departed();
            assert!(
                self.socket.effects.is_empty(),
                "a departure did more than change bufferedAmount: {:?}",
                self.socket.effects
            );
        }
    }

    fn run_all(&mut self) {
        self.depart();
        while self.tasks > 0 {
            self.tasks -= 1;
            self.socket.run_task();
            self.drain();
        }
    }
}
