//! What must not happen: a real connection for a page socket that is already
//! failing, a second open, a message held behind a Blob that could not be
//! read, a second close.

use super::super::BinaryType;
use super::super::page::PageState;
use super::*;

#[test]
fn no_real_connection_once_the_route_failed_the_page() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            RouteClose(Page, Some(1006), None),
            Connect,
            HandlerReturned,
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "error RouteRefused",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn a_route_blob_that_cannot_be_read_releases_the_messages_behind_it() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            RouteSendBlob(Page, 1),
            RouteSend(Page, M::Text("after the blob")),
            RunTasks,
            RouteBlobFailed(Page, 1),
            RunTasks,
            RouteSendBlob(Page, 2),
            RouteBlobRead(Page, 2, M::Bin(&[7])),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "message text:after the blob",
            "message binary:[7]",
        ]
    );
}

#[test]
fn a_second_route_close_of_the_page_changes_nothing() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            RouteClose(Page, Some(4000), Some("first")),
            RouteClose(Page, Some(4001), Some("second")),
            RunTasks,
            RouteClose(Page, Some(4002), Some("third")),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "close 4000 'first' clean=true",
            "finished",
        ]
    );
}

#[test]
fn a_server_opening_after_the_route_failed_the_page_gives_no_open() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            // With a page-side onClose the real socket stays for the route.
            On(Page, OnClose),
            Connect,
            HandlerReturned,
            RouteClose(Page, Some(1006), None),
            LogTasks,
            ServerOpened("", ""),
            LogTasks,
            RunTasks,
        ],
    );
    // Not even a task for an open.
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "tasks=1",
            "tasks=1",
            "error RouteRefused",
            "close 1006 '' clean=false",
        ]
    );
}

#[test]
fn send_after_close_counts_bytes_but_not_while_connecting() {
    let mut page = PageState::default();
    assert_eq!(page.ready_state(), ReadyState::Connecting);
    assert_eq!(page.send_after_close(5), Err(CoreError::StillConnecting));
    assert_eq!(page.buffered_amount(), 0);
}

#[test]
fn binary_type_reads_back_as_the_attribute_value() {
    for value in ["blob", "arraybuffer"] {
        assert_eq!(
            BinaryType::parse(value).map(BinaryType::as_str),
            Some(value)
        );
    }
    assert_eq!(BinaryType::parse("Blob"), None);
}

#[test]
fn a_second_route_close_of_a_connected_page_closes_the_server_once() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            RouteClose(Page, Some(4000), Some("first")),
            RouteClose(Page, Some(4001), Some("second")),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "open",
            "server.close Some(4000) Some(\"first\")",
            "close 4000 'first' clean=true",
        ]
    );
}
