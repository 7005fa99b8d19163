//! The route's `close()` on the page side: codes, 1006, order behind sends.

use super::*;

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
            "error RouteRefused",
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
            "error RouteDropped",
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
