//! Property tests for the sans-IO [`Socket`]: random sequences of page, route
//! and server inputs, run to completion, checked against the invariants every
//! socket must keep whatever happens:
//!
//! - every frame is delivered at most once, in the order its source sent it,
//!   of the kind it was sent as (text or binary) and byte-identical (each
//!   source numbers its frames; each sink checks them); when nothing closes
//!   or fails, none is lost either;
//! - exactly one `close` event per socket once everything has settled;
//! - `error` only immediately before `close`, and only one;
//! - `readyState` never goes back; nothing reaches the page after `close`;
//! - `bufferedAmount` never exceeds what was sent, and drains to what was
//!   sent while closing, counted in UTF-8 bytes by an oracle of its own;
//! - observers hear each transmitted page frame once, in `send()` order;
//! - no panic.

use std::collections::HashMap;

use proptest::prelude::*;

use super::Test;
use crate::sans_io::message::Message;
use crate::sans_io::socket::{Conditions, Effect, ReadyState, Side, Socket};
use crate::sans_io::validate::utf8_len_of_utf16;

/// Where a frame came from: the tag each payload carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Source {
    Page,
    RouteToPage,
    RouteToServer,
    Server,
}

/// Frame `n` of `source`. Text frames carry characters of 1, 2, 3 and 4
/// UTF-8 bytes, so a miscount of `bufferedAmount` shows.
fn frame(source: Source, n: u32, binary: bool) -> Message {
    let tag = format!("{source:?}#{n}#{}", if binary { "b" } else { "t" });
    if binary {
        let mut bytes = tag.into_bytes();
        bytes.extend((0..n % 7).map(|i| (i * 37) as u8));
        Message::Binary(bytes)
    } else {
        Message::Text(format!("{tag}#é€😀{}", "x".repeat((n % 5) as usize)))
    }
}

/// The UTF-8 size of a frame, as the oracle counts it: from the text's
/// UTF-16 code units, or the bytes.
fn size(m: &Message) -> u64 {
    match m {
        Message::Text(s) => utf8_len_of_utf16(s.encode_utf16()),
        Message::Binary(b) => b.len() as u64,
    }
}

/// The source and number a frame carries, after checking that it is
/// exactly the frame that source sent (kind and every byte).
fn parse(m: &Message) -> (String, u32) {
    let s = match m {
        Message::Text(s) => s.clone(),
        Message::Binary(b) => String::from_utf8_lossy(b).into_owned(),
    };
    let mut parts = s.split('#');
    let (src, n) = (parts.next().unwrap_or("?"), parts.next().unwrap_or("0"));
    let n: u32 = n.parse().unwrap_or(0);
    let source = match src {
        "Page" => Source::Page,
        "RouteToPage" => Source::RouteToPage,
        "RouteToServer" => Source::RouteToServer,
        "Server" => Source::Server,
        other => panic!("a frame from nowhere: {other:?}"),
    };
    let binary = matches!(m, Message::Binary(_));
    assert_eq!(
        *m,
        frame(source, n, binary),
        "frame {src}#{n} changed on the way (kind or bytes)"
    );
    (src.to_owned(), n)
}

#[derive(Clone, Debug)]
enum Input {
    RunTask,
    /// The scheduled departures run.
    Depart,
    HandlerReturned,
    HandlerFailed,
    Connect,
    OnMessage(Side),
    OnClose(Side),
    PageSend {
        binary: bool,
    },
    PageSendBlob,
    BlobRead,
    PageClose(Option<u16>),
    RouteSend {
        side: Side,
        binary: bool,
    },
    RouteSendBlob {
        side: Side,
    },
    RouteBlobRead,
    RouteClose(Side, Option<u16>),
    ServerOpened,
    ServerMessage {
        binary: bool,
    },
    ServerClosed {
        code: u16,
        failed: bool,
    },
    /// Network conditions change.
    Net(Conditions),
    /// The clock moves on by this many ms.
    Advance(u32),
}

fn conditions(offline: bool) -> impl Strategy<Value = Conditions> {
    let rate = prop_oneof![Just(None), (1u32..5000).prop_map(|r| Some(f64::from(r)))];
    (0u32..300, rate.clone(), rate, any::<bool>()).prop_map(move |(latency, up, down, off)| {
        Conditions {
            offline: offline && off,
            latency: f64::from(latency),
            upload: up,
            download: down,
        }
    })
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Page), Just(Side::Server)]
}

fn code() -> impl Strategy<Value = Option<u16>> {
    prop_oneof![
        Just(None),
        Just(Some(1000)),
        Just(Some(3001)),
        Just(Some(1006)),
        Just(Some(4999))
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        6 => Just(Input::RunTask),
        2 => Just(Input::Depart),
        1 => Just(Input::HandlerReturned),
        1 => Just(Input::HandlerFailed),
        1 => Just(Input::Connect),
        1 => side().prop_map(Input::OnMessage),
        1 => side().prop_map(Input::OnClose),
        3 => any::<bool>().prop_map(|binary| Input::PageSend { binary }),
        1 => Just(Input::PageSendBlob),
        1 => Just(Input::BlobRead),
        1 => code().prop_map(Input::PageClose),
        3 => (side(), any::<bool>()).prop_map(|(side, binary)| Input::RouteSend { side, binary }),
        1 => side().prop_map(|side| Input::RouteSendBlob { side }),
        1 => Just(Input::RouteBlobRead),
        1 => (side(), code()).prop_map(|(s, c)| Input::RouteClose(s, c)),
        1 => Just(Input::ServerOpened),
        3 => any::<bool>().prop_map(|binary| Input::ServerMessage { binary }),
        1 => (prop_oneof![Just(1000u16), Just(1006), Just(3009), Just(1005)], any::<bool>())
            .prop_map(|(code, failed)| Input::ServerClosed { code, failed }),
        1 => conditions(true).prop_map(Input::Net),
        3 => (0u32..400).prop_map(Input::Advance),
    ]
}

/// Inputs that never close or fail anything: whatever their order, every
/// frame must arrive.
fn lossless_input() -> impl Strategy<Value = Input> {
    prop_oneof![
        6 => Just(Input::RunTask),
        2 => Just(Input::Depart),
        3 => any::<bool>().prop_map(|binary| Input::PageSend { binary }),
        1 => Just(Input::PageSendBlob),
        2 => Just(Input::BlobRead),
        3 => (side(), any::<bool>()).prop_map(|(side, binary)| Input::RouteSend { side, binary }),
        1 => side().prop_map(|side| Input::RouteSendBlob { side }),
        2 => Just(Input::RouteBlobRead),
        3 => any::<bool>().prop_map(|binary| Input::ServerMessage { binary }),
        1 => conditions(false).prop_map(Input::Net),
        3 => (0u32..400).prop_map(Input::Advance),
    ]
}

mod harness;
use harness::Harness;

/// Cases per property: 4,000, or `WSROUTE_PROP_CASES` (`cargo xtask mutants`
/// runs 500, to fit hundreds of mutants into its time).
fn cases() -> u32 {
    std::env::var("WSROUTE_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_event_sequences_keep_every_invariant(inputs in proptest::collection::vec(input(), 0..60)) {
        let mut h = Harness::new();
        for i in &inputs {
            h.apply(i);
        }
        h.settle();
    }

    /// Forwarding both ways with nothing closing: every frame arrives, once,
    /// in order, and `bufferedAmount` drains to zero.
    #[test]
    fn forwarding_loses_nothing(inputs in proptest::collection::vec(lossless_input(), 0..80)) {
        let mut h = Harness::connected_and_open();
        for i in &inputs {
            h.apply(i);
        }
        h.flush();
        h.all_arrived(Source::Page, "server");
        h.all_arrived(Source::Page, "observer.framesent");
        h.all_arrived(Source::Server, "page");
        h.all_arrived(Source::Server, "route.server.arrivals");
        h.all_arrived(Source::RouteToPage, "page");
        h.all_arrived(Source::RouteToServer, "server");
        prop_assert_eq!(h.buffered_amount_later(), 0);
    }
}
