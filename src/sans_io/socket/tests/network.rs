//! Network conditions on the page's link, on a virtual clock: latency,
//! throughput, `bufferedAmount` while bytes wait, order, and offline while
//! connecting, open and closing.

use super::*;
use crate::sans_io::socket::Conditions;

const fn net(latency: u32, up: Option<u32>, down: Option<u32>) -> Step {
    Net {
        latency,
        up,
        down,
        offline: false,
    }
}

const OFFLINE: Step = Net {
    latency: 0,
    up: None,
    down: None,
    offline: true,
};

const CLEAR: Step = net(0, None, None);

#[test]
fn open_comes_latency_after_the_handler_returned() {
    let log = scenario(
        &["chat"],
        &[
            net(100, None, None),
            RunTasks,
            HandlerReturned,
            RunTasks,
            LogReadyState,
            LogWake,
            Advance(99),
            RunTasks,
            LogReadyState,
            Advance(1),
            RunTasks,
            LogReadyState,
            LogWake,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "readyState=0",
            "wake=100",
            "readyState=0",
            "open",
            "readyState=1",
            "wake=never",
        ]
    );
}

#[test]
fn a_round_trip_takes_twice_the_latency() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            net(50, None, None),
            On(Page, OnMessage),
            PageSend(M::Text("ping")),
            RunTasks,
            Advance(49),
            RunTasks,
            Advance(1),
            RunTasks,
            RouteSend(Page, M::Text("pong")),
            RunTasks,
            Advance(49),
            RunTasks,
            Advance(1),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onMessage page text:ping",
            "message text:pong",
        ]
    );
}

#[test]
fn a_slow_upload_keeps_bytes_in_buffered_amount_until_they_leave() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            // 100 B/s up: 10 bytes take 100 ms to leave, then 20 ms to arrive;
            // 4 more bytes leave 40 ms after them.
            net(20, Some(100), None),
            On(Page, OnMessage),
            PageSend(M::Text("0123456789")),
            PageSend(M::Text("next")),
            LogBuffered,
            Advance(99),
            RunTasks,
            LogBuffered,
            Advance(1),
            LogBuffered,
            Advance(19),
            RunTasks,
            Advance(1),
            RunTasks,
            Advance(20),
            LogBuffered,
            RunTasks,
            Advance(20),
            RunTasks,
            LogWake,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "buffered=14",
            "buffered=14",
            "buffered=4",
            "route.onMessage page text:0123456789",
            "buffered=0",
            "route.onMessage page text:next",
            "wake=never",
        ]
    );
}

#[test]
fn a_slow_download_delivers_in_order_at_the_rate() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            // 100 B/s down: 10 bytes take 100 ms each.
            net(0, None, Some(100)),
            RouteSend(Page, M::Text("0123456789")),
            RouteSend(Page, M::Text("abcdefghij")),
            RouteClose(Page, Some(4000), Some("done")),
            LogWake,
            Advance(99),
            RunTasks,
            Advance(1),
            RunTasks,
            LogWake,
            Advance(100),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "wake=100",
            "message text:0123456789",
            "wake=200",
            "message text:abcdefghij",
            "close 4000 'done' clean=true",
            "finished",
        ]
    );
}

#[test]
fn a_shorter_latency_never_reorders_frames() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            net(100, None, None),
            RouteSend(Page, M::Text("first")),
            net(0, None, None),
            RouteSend(Page, M::Text("second")),
            Advance(1),
            RunTasks,
            Advance(99),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "message text:first",
            "message text:second"
        ]
    );
}

#[test]
fn clearing_the_conditions_drains_what_crosses_then_drops_the_link() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            LogTimed,
            CLEAR,
            LogTimed,
            net(30, None, None),
            LogTimed,
            RouteSend(Page, M::Text("slow")),
            CLEAR,
            RouteSend(Page, M::Text("behind it")),
            LogWake,
            LogTimed,
            Advance(30),
            RunTasks,
            LogWake,
            LogTimed,
            RouteSend(Page, M::Text("direct")),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "timed=false",
            "timed=false",
            "timed=true",
            "wake=30",
            "timed=true",
            "message text:slow",
            "message text:behind it",
            "wake=never",
            "timed=false",
            "message text:direct",
        ]
    );
}

#[test]
fn offline_fails_an_open_mock_and_the_route_hears_1006() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            net(100, None, None),
            On(Page, OnClose),
            RouteSend(Page, M::Text("lost on the way")),
            PageSend(M::Text("lost too")),
            OFFLINE,
            RunTasks,
            Advance(200),
            RunTasks,
            LogReadyState,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onClose page Some(1006) Some(\"\")",
            "error Offline",
            "close 1006 '' clean=false",
            "finished",
            "readyState=3",
        ]
    );
}

#[test]
fn a_socket_offline_before_its_handler_ran_never_reaches_the_route() {
    let log = scenario(&["chat"], &[OFFLINE, RunTasks, LogReadyState]);
    assert_eq!(
        log,
        [
            "error Offline",
            "close 1006 '' clean=false",
            "finished",
            "readyState=3"
        ]
    );
}

#[test]
fn offline_while_connecting_to_the_server_closes_the_real_socket() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            Connect,
            HandlerReturned,
            OFFLINE,
            RunTasks,
            ServerClosed(1006, "", false, false),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "server.close None None",
            "error Offline",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn offline_while_closing_fails_instead_of_closing_cleanly() {
    let log = scenario(
        &[],
        &connected_open_then(&[
            net(10, None, None),
            PageClose(Some(1000), None),
            OFFLINE,
            RunTasks,
            ServerClosed(1006, "", false, false),
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
            "error Offline",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn finished_waits_for_the_link_to_drain() {
    let log = scenario(
        &[],
        &mock_open_then(&[
            net(10, None, None),
            On(Page, OnMessage),
            PageSend(M::Text("still crossing")),
            RouteClose(Page, Some(4000), None),
            Advance(10),
            RunTasks,
        ]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "route.onMessage page text:still crossing",
            "close 4000 '' clean=true",
            "finished",
        ]
    );
}

#[test]
fn conditions_apply_to_connected_routes_too() {
    let log = scenario(
        &[],
        &[
            RunTasks,
            net(40, None, None),
            Connect,
            HandlerReturned,
            ServerOpened("", ""),
            RunTasks,
            LogReadyState,
            Advance(40),
            RunTasks,
            ServerMessage(M::Text("from the server")),
            Advance(39),
            RunTasks,
            Advance(1),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "readyState=0",
            "open",
            "message text:from the server",
        ]
    );
}

/// A socket no route handles, made under conditions: it connects at once
/// and forwards both ways over the link.
#[test]
fn a_pass_through_socket_under_conditions_forwards_over_the_link() {
    let conditions = Conditions {
        latency: 25.0,
        ..Conditions::default()
    };
    let socket = Socket::forwarding(vec![], 0.0, conditions);
    let log = scenario_on(
        Driver::with(socket),
        &[
            ServerOpened("", "permessage-deflate"),
            RunTasks,
            LogReadyState,
            Advance(25),
            RunTasks,
            LogProtocol,
            PageSend(M::Text("up")),
            Advance(24),
            RunTasks,
            Advance(1),
            RunTasks,
            ServerMessage(M::Text("down")),
            Advance(25),
            RunTasks,
            PageClose(Some(1000), None),
            Advance(25),
            RunTasks,
            ServerClosed(1000, "", true, false),
            Advance(25),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "server.open",
            "readyState=0",
            "open",
            "protocol='' extensions='permessage-deflate'",
            "server.send text:up",
            "message text:down",
            "server.close Some(1000) None",
            "close 1000 '' clean=true",
            "finished",
        ]
    );
}

/// An open pass-through socket taken over when conditions come to apply:
/// the page stays OPEN with what it saw, and from then on frames cross the link.
#[test]
fn an_open_pass_through_socket_is_taken_over_as_it_is() {
    let socket = Socket::adopted(
        vec!["chat".into()],
        Some(("chat".into(), String::new())),
        BinaryType::ArrayBuffer,
    );
    let log = scenario_on(
        Driver::with(socket),
        &[
            LogReadyState,
            LogProtocol,
            net(10, None, None),
            ServerMessage(M::Bin(&[1])),
            Advance(10),
            RunTasks,
            OFFLINE,
            RunTasks,
            ServerClosed(1006, "", false, false),
        ],
    );
    assert_eq!(
        log,
        [
            "readyState=1",
            "protocol='chat' extensions=''",
            "message binary:[1] as arraybuffer",
            "server.close None None",
            "error Offline",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
}

#[test]
fn a_connecting_pass_through_socket_is_taken_over_and_opens_over_the_link() {
    let socket = Socket::adopted(vec![], None, BinaryType::Blob);
    let log = scenario_on(
        Driver::with(socket),
        &[
            net(10, None, None),
            ServerOpened("", ""),
            RunTasks,
            LogReadyState,
            Advance(10),
            RunTasks,
            LogReadyState,
        ],
    );
    assert_eq!(log, ["readyState=0", "open", "readyState=1"]);
}

#[test]
fn a_pass_through_socket_made_offline_never_connects() {
    let offline = Conditions {
        offline: true,
        ..Conditions::default()
    };
    let log = scenario_on(
        Driver::with(Socket::forwarding(vec![], 0.0, offline)),
        &[RunTasks],
    );
    assert_eq!(
        log,
        ["error Offline", "close 1006 '' clean=false", "finished"]
    );
}

#[test]
fn a_failure_far_away_crosses_the_link_and_one_at_the_page_does_not() {
    // The real server's handshake fails: the news travels back over the
    // link, a latency late.
    let log = scenario(
        &[],
        &[
            RunTasks,
            net(50, None, None),
            Connect,
            HandlerReturned,
            ServerClosed(1006, "", false, true),
            RunTasks,
            LogReadyState,
            Advance(49),
            RunTasks,
            LogReadyState,
            Advance(1),
            RunTasks,
        ],
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "server.open",
            "readyState=0",
            "readyState=0",
            "error HandshakeFailed",
            "close 1006 '' clean=false",
            "finished",
        ]
    );
    // Going offline happens at the page: it fails at once.
    let log = scenario(
        &[],
        &mock_open_then(&[net(50, None, None), OFFLINE, RunTasks, LogReadyState]),
    );
    assert_eq!(
        log,
        [
            "route.handler",
            "open",
            "error Offline",
            "close 1006 '' clean=false",
            "finished",
            "readyState=3",
        ]
    );
}
