//! The page's `close()`: while connecting, in mock mode, with and without `onClose`.

use super::*;

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
            "error ClosedWhileConnecting",
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
            "error ClosedWhileConnecting",
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
            "error ClosedWhileConnecting",
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
