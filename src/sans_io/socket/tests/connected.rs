//! Connected mode: `connectToServer()` and forwarding both ways (closes:
//! `connected_close.rs`).

use super::*;

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
            // Forwarded by default: sent on at once, but counted in
            // bufferedAmount until a later task, as natively.
            "open",
            "server.send text:up",
            "server.send binary:[1]",
            "buffered=3",
            "buffered=0",
            "message text:down",
            "message binary:[2, 3]",
        ]
    );
}

/// What the page sends straight to the real socket queues no task: its bytes
/// leave `bufferedAmount` by a departure in no order with the tasks, so the
/// server's reply is not held behind it; and the reply, a later task, finds
/// them gone even when the departure has not run yet.
#[test]
fn a_message_sent_straight_on_queues_no_task_and_has_left_when_the_reply_comes() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            PageSend(M::Text("ping")),
            PageSend(M::Bin(&[1, 2])),
            LogTasks,
            LogBuffered,
            ServerMessage(M::Text("pong")),
            LogBuffered,
            LogTasks,
            RunOneTask,
            PageSend(M::Text("ping")),
            LogBuffered,
            RunTasks,
            LogBuffered,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.send text:ping",
            "server.send binary:[1, 2]",
            "tasks=0",
            "buffered=6",
            "buffered=0",
            "tasks=1",
            "message text:pong",
            "server.send text:ping",
            "buffered=4",
            "buffered=0",
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

#[test]
fn a_page_message_forwarded_by_default_waits_for_earlier_ones_still_queued() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            PageSendBlob { ticket: 1, size: 2 },
            PageSend(M::Text("after the blob")),
            BlobRead(1, M::Bin(&[7, 8])),
            PageSend(M::Text("while the blob's task waits")),
            LogBuffered,
            RunTasks,
            LogBuffered,
            PageSend(M::Text("straight on")),
            LogBuffered,
            RunTasks,
            LogBuffered,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "buffered=43",
            "server.send binary:[7, 8]",
            "server.send text:after the blob",
            "server.send text:while the blob's task waits",
            "buffered=0",
            "server.send text:straight on",
            "buffered=11",
            "buffered=0",
        ]
    );
}

#[test]
fn a_page_side_on_message_takes_page_messages_in_their_task() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            On(Page, OnMessage),
            HandlerReturned,
            ServerOpened("", ""),
            RunTasks,
            PageSend(M::Text("to the route")),
            LogBuffered,
            RunTasks,
            LogBuffered,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "buffered=12",
            "route.onMessage page text:to the route",
            "buffered=0",
        ]
    );
}

#[test]
fn a_page_message_goes_straight_to_the_server_only_when_no_code_runs_before_it() {
    let drain = |s: &mut Socket<Test>| while s.poll_effect().is_some() {};
    let mut s = Socket::<Test>::new(Vec::new(), "route.handler");
    s.run_task();
    s.connect_to_server().unwrap();
    s.handler_returned();
    s.server_opened(String::new(), String::new());
    s.run_task();
    drain(&mut s);
    assert_eq!(s.page().ready_state(), ReadyState::Open);
    assert!(s.page_send_goes_straight_to_server());

    // The page's `message` event is still to be dispatched (a page calling
    // `send()` from inside another event's listener): it runs first.
    s.server_message(Message::from("in"));
    s.run_task();
    assert!(!s.page_send_goes_straight_to_server());
    drain(&mut s);
    assert!(s.page_send_goes_straight_to_server());

    // Behind a Blob still being read.
    let ticket = s.page_send_blob(2).unwrap().expect("read");
    drain(&mut s);
    assert!(!s.page_send_goes_straight_to_server());
    s.page_blob_read(ticket, Message::from(&[1u8, 2][..]));
    while s.has_pending_tasks() {
        s.run_task();
    }
    drain(&mut s);
    assert!(s.page_send_goes_straight_to_server());

    // A page-side handler takes the page's messages in their task.
    s.set_on_message(Side::Page, "route.page");
    assert!(!s.page_send_goes_straight_to_server());
}
