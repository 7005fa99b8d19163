//! The page's sends: refusal while CONNECTING, routing, `bufferedAmount`, Blob order.

use super::*;

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
            "error BlobUnreadable",
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

/// A message that counts how often its length is asked for.
#[derive(Clone, Debug)]
struct Counting {
    len: u64,
    measured: std::rc::Rc<std::cell::Cell<u32>>,
}

impl crate::sans_io::message::Payload for Counting {
    fn byte_len(&self) -> u64 {
        self.measured.set(self.measured.get() + 1);
        self.len
    }
}

/// Makes [`Counting`] messages that share one count of measurements.
#[derive(Default)]
struct Measured(std::rc::Rc<std::cell::Cell<u32>>);

impl Measured {
    fn message(&self, len: u64) -> Counting {
        Counting {
            len,
            measured: self.0.clone(),
        }
    }

    fn count(&self) -> u32 {
        self.0.get()
    }
}

#[derive(Debug)]
struct Measuring;

impl Carrier for Measuring {
    type Payload = Counting;
    type Handler = ();
    type OnMessage = ();
    type OnClose = ();
}

#[test]
fn a_message_is_measured_only_when_the_page_reads_buffered_amount_before_the_route_has_it() {
    let measured = Measured::default();
    let message = |len| measured.message(len);
    let mut s = Socket::<Measuring>::new(Vec::new(), ());
    s.run_task();
    s.handler_returned();
    s.run_task();
    assert_eq!(s.page().ready_state(), ReadyState::Open);

    // Sent and handed to the route without anyone reading bufferedAmount.
    for _ in 0..3 {
        s.page_send(message(10)).unwrap();
    }
    for _ in 0..3 {
        s.run_task();
    }
    assert_eq!(measured.count(), 0);
    assert_eq!(s.buffered_amount(), 0);

    // Read while waiting: each message measured once, the newest ones first.
    s.page_send(message(1)).unwrap();
    s.page_send(message(2)).unwrap();
    assert_eq!(s.buffered_amount(), 3);
    assert_eq!(measured.count(), 2);
    s.page_send(message(4)).unwrap();
    assert_eq!(s.buffered_amount(), 7);
    assert_eq!(s.buffered_amount(), 7);
    assert_eq!(measured.count(), 3);
    s.run_task();
    assert_eq!(s.buffered_amount(), 6);
    s.page_send(message(8)).unwrap();
    s.run_task();
    s.run_task();
    assert_eq!(s.buffered_amount(), 8);
    s.run_task();
    assert_eq!(s.buffered_amount(), 0);
}

/// A socket whose route connected to an open real socket and forwards by
/// default, open on the page side, its effects so far drained.
fn forwarding_open() -> Socket<Measuring> {
    let mut s = Socket::<Measuring>::new(Vec::new(), ());
    s.run_task();
    s.connect_to_server().unwrap();
    s.handler_returned();
    s.server_opened(String::new(), String::new());
    s.run_task();
    assert_eq!(s.page().ready_state(), ReadyState::Open);
    while s.poll_effect().is_some() {}
    s
}

#[test]
fn a_message_forwarded_at_once_is_measured_only_when_the_page_reads_buffered_amount() {
    let measured = Measured::default();
    let message = |len| measured.message(len);
    let mut s = forwarding_open();

    s.page_send(message(10)).unwrap();
    let mut sent_now = false;
    while let Some(e) = s.poll_effect() {
        sent_now |= matches!(e, Effect::SendToServer(_));
    }
    assert!(sent_now, "default forwarding sends within send()");
    s.page_send(message(20)).unwrap();
    // One departure for every send until it runs, and no task.
    let scheduled: Vec<_> = std::iter::from_fn(|| s.poll_effect())
        .filter(|e| matches!(e, Effect::ScheduleDeparture | Effect::ScheduleTask))
        .collect();
    assert!(scheduled.is_empty(), "{scheduled:?}");
    assert_eq!(measured.count(), 0);
    assert_eq!(s.buffered_amount(), 30);
    assert_eq!(s.buffered_amount(), 30);
    assert_eq!(measured.count(), 2);
    s.page_send(message(5)).unwrap();
    assert_eq!(s.buffered_amount(), 35);
    assert_eq!(measured.count(), 3);
    // The departure scheduled with the first takes them all off.
    s.departed();
    assert_eq!(s.buffered_amount(), 0);
    s.page_send(message(7)).unwrap();
    s.departed();
    assert_eq!(s.buffered_amount(), 0);
    assert_eq!(measured.count(), 3);
}

/// What goes straight to the real socket costs no task of its own: a
/// departure is scheduled only once the page reads `bufferedAmount` (one for
/// all, until it runs), or once 64 texts wait unmeasured.
#[test]
fn a_departure_is_scheduled_only_when_the_bytes_could_show_or_pile_up() {
    let measured = Measured::default();
    let mut s = forwarding_open();
    let departures = |s: &mut Socket<Measuring>| {
        std::iter::from_fn(|| s.poll_effect())
            .filter(|e| matches!(e, Effect::ScheduleDeparture))
            .count()
    };

    for _ in 0..63 {
        s.page_send(measured.message(2)).unwrap();
    }
    assert_eq!(departures(&mut s), 0, "63 sends, nothing read");
    assert_eq!(s.buffered_amount(), 126);
    assert_eq!(departures(&mut s), 1, "read: one departure");
    assert_eq!(s.buffered_amount(), 126);
    s.page_send(measured.message(2)).unwrap();
    assert_eq!(departures(&mut s), 0, "one is scheduled already");
    s.departed();
    assert_eq!(s.buffered_amount(), 0);
    assert_eq!(departures(&mut s), 0, "nothing left to depart");

    let before = measured.count();
    for _ in 0..64 {
        s.page_send(measured.message(1)).unwrap();
    }
    assert_eq!(departures(&mut s), 1, "64 texts held");
    assert_eq!(measured.count(), before, "none of those measured");
}
