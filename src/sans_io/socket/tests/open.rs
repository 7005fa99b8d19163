//! Opening: when the page gets `open`, and with which protocol.

use super::*;

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

/// A new socket asks for one task, and runs the route handler in it.
#[test]
fn a_new_socket_runs_its_handler_in_the_first_task() {
    let mut s: Socket<Test> = Socket::new(vec!["chat".into()], "handler");
    assert!(matches!(s.poll_effect(), Some(Effect::ScheduleTask)));
    assert!(s.poll_effect().is_none());
    s.run_task();
    assert!(matches!(
        s.poll_effect(),
        Some(Effect::RunHandler("handler"))
    ));
    assert!(s.poll_effect().is_none());
}

#[test]
fn the_requested_protocols_are_kept_as_asked() {
    let d = Driver::new(&["chat", "superchat"]);
    assert_eq!(d.socket.requested_protocols(), ["chat", "superchat"]);
    assert!(Driver::new(&[]).socket.requested_protocols().is_empty());
}

#[test]
fn a_mock_route_that_sends_first_opens_the_page_once_before_its_messages() {
    let log = scenario(
        &["chat"],
        &[
            RunTasks,
            RouteSend(Page, M::Text("hi")),
            RouteSend(Page, M::Text("again")),
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
            "message text:hi",
            "message text:again",
            "protocol='chat' extensions=''",
        ]
    );
}

#[test]
fn nothing_the_route_sends_reaches_a_closing_page() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            On(Page, OnClose),
            PageClose(Some(1000), None),
            RunTasks,
            RouteSend(Page, M::Text("late")),
            LogTasks,
            RunTasks,
            LogReadyState,
        ]),
    );
    // Not even a task is queued for it.
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onClose page Some(1000) None",
            "tasks=0",
            "readyState=2",
        ]
    );
}

#[test]
fn nothing_the_route_sends_after_its_close_reaches_the_page() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            RouteClose(Page, Some(4000), Some("bye")),
            LogReadyState,
            RouteSend(Page, M::Text("after")),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "readyState=1",
            "close 4000 'bye' clean=true",
            "finished",
        ]
    );
}
