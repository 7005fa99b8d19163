//! When both sides are done (`Finished`).

use super::*;

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
