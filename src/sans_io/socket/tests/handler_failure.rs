//! A route handler that throws or rejects.

use super::*;

#[test]
fn a_failing_handler_fails_the_socket() {
    let log = scenario(
        &["chat"],
        &[
            RunTasks,
            HandlerFailed,
            LogReadyState,
            RunTasks,
            LogProtocol,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "readyState=0",
            "error HandlerFailed(\"boom\")",
            "close 1006 '' clean=false",
            "finished",
            "protocol='' extensions=''",
        ]
    );
}

#[test]
fn a_handler_that_rejects_after_sending_fails_the_open_socket() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            RouteSend(Page, M::Text("hi")),
            HandlerFailed,
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "message text:hi",
            "error HandlerFailed(\"boom\")",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn a_failing_handler_closes_the_real_socket_too() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            HandlerFailed,
            RunTasks,
            ServerOpened("", ""),
            ServerClosed(1005, "", true, false),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "server.close None None",
            "error HandlerFailed(\"boom\")",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}
