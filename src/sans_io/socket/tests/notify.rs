//! What observers and route waits hear (`Arrived`, `Ended`), how binary
//! messages reach the page (`binaryType`), and which route callback is called.

use super::*;

#[test]
fn observers_hear_page_frames_once_transmitted_in_send_order() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            LogArrivals,
            PageSendBlob { ticket: 1, size: 2 },
            PageSend(M::Text("after the blob")),
            BlobRead(1, M::Bin(&[1, 2])),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "arrived page binary:[1, 2]",
            "arrived page text:after the blob",
        ]
    );
}

#[test]
fn sends_that_are_not_transmitted_are_not_heard() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            LogArrivals,
            PageClose(Some(1000), None),
            PageSend(M::Text("too late")),
            PageSendBlob { ticket: 1, size: 2 },
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "page.send blob#1 not read",
            "ended page",
            "close 1000 '' clean=true",
            "finished",
        ]
    );
}

#[test]
fn server_messages_are_heard_whether_or_not_the_route_handles_them() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            LogArrivals,
            ServerMessage(M::Text("forwarded")),
            OnMessageLabelled(Server, "relay server"),
            ServerMessage(M::Text("handled")),
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
            "arrived server text:forwarded",
            "arrived server text:handled",
            "route.relay server text:handled",
            "ended server",
            "message text:forwarded",
            "ended page",
            "close 1000 '' clean=true",
            "finished",
        ]
    );
}

#[test]
fn a_replaced_on_message_handler_is_the_one_called() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            OnMessageLabelled(Page, "first page"),
            PageSend(M::Text("a")),
            RunTasks,
            OnMessageLabelled(Page, "second page"),
            PageSend(M::Text("b")),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.first page text:a",
            "route.second page text:b",
        ]
    );
}

#[test]
fn binary_type_at_dispatch_decides_how_a_message_arrives() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            RouteSend(Page, M::Bin(&[1])),
            SetBinaryType("arraybuffer"),
            RunTasks,
            RouteSend(Page, M::Bin(&[2])),
            SetBinaryType("nonsense"),
            RunTasks,
            SetBinaryType("blob"),
            RouteSend(Page, M::Bin(&[3])),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "message binary:[1] as arraybuffer",
            "message binary:[2] as arraybuffer",
            "message binary:[3]",
        ]
    );
}

/// The real socket only takes what a browser may send: other codes travel
/// as 1000 with their reason, and a reason too long for a close frame is left out.
#[test]
fn route_closes_reach_the_server_as_a_browser_can_send_them() {
    let close = |code, reason| {
        let log = scenario(
            &[],
            &connected_open_then(&[RouteClose(Server, Some(code), Some(reason))]),
        );
        log.last().cloned().unwrap_or_default()
    };
    assert_eq!(close(3009, "x"), "server.close Some(3009) Some(\"x\")");
    assert_eq!(close(1000, "x"), "server.close Some(1000) Some(\"x\")");
    assert_eq!(
        close(1001, "away"),
        "server.close Some(1000) Some(\"away\")"
    );
    assert_eq!(
        close(1008, "policy"),
        "server.close Some(1000) Some(\"policy\")"
    );
    assert_eq!(close(4999, LONG_REASON), "server.close Some(4999) None");
}

/// 124 bytes: one more than a close frame holds.
const LONG_REASON: &str = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

#[test]
fn a_real_socket_that_cannot_be_created_fails_the_page() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            HandlerReturned,
            ServerConnectFailed,
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "error ConnectFailed(\"TypeError: nope\")",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn an_error_event_makes_the_server_close_a_failure() {
    let log = scenario(
        &[],
        &connected_open_then(&[ServerError, ServerClosed(1006, "", false, false), RunTasks]),
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

/// Failures are told as `socketerror` text.
#[test]
fn failures_read_as_sentences() {
    assert_eq!(
        Failure::HandlerFailed("Error: x".into()).to_string(),
        "the route handler threw: Error: x"
    );
    assert_eq!(Failure::of_real_socket(false), Failure::HandshakeFailed);
    assert_eq!(Failure::of_real_socket(true), Failure::ConnectionFailed);
    assert!(Failure::RouteRefused.to_string().contains("refused"));
}
