//! Connected mode, closing: server closes, page and route closes, and
//! failures of the real socket.

use super::*;

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
            "error RouteDropped",
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
            "error HandshakeFailed",
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
            "error ConnectionFailed",
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
            "error ClosedWhileConnecting",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}
