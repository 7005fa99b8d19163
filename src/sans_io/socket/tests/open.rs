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
