//! Host tests of HAR reading, replay and recording.

use super::model::{Entry, Har, Log, Request, WebSocketClose, WebSocketMessage};
use super::record::{Direction, Recording};
use super::replay::{Cue, Replay, Timing};
use super::script::{Catalogue, HarError, Script, Step};
use crate::sans_io::message::Message;

const T0: f64 = 1_764_669_600.0; // seconds since the epoch

fn entry(url: &str, messages: Vec<WebSocketMessage>, close: Option<(u16, &str)>) -> Entry {
    Entry {
        started_date_time: "2025-12-02T10:00:00.000Z".into(),
        request: Request {
            url: url.into(),
            ..Request::default()
        },
        web_socket_messages: Some(messages),
        web_socket_close: close.map(|(code, reason)| WebSocketClose {
            code,
            reason: reason.into(),
            was_clean: true,
            by_page: false,
        }),
        ..Entry::default()
    }
}

fn har(entries: Vec<Entry>) -> Har {
    Har {
        log: Log {
            entries,
            ..Log::default()
        },
    }
}

fn send(t: f64, text: &str) -> WebSocketMessage {
    WebSocketMessage::text("send", T0 + t, text)
}

fn receive(t: f64, text: &str) -> WebSocketMessage {
    WebSocketMessage::text("receive", T0 + t, text)
}

fn same_url(url: &str) -> Result<String, String> {
    Ok(url.to_string())
}

fn text(t: &str) -> Message {
    Message::Text(t.into())
}

fn equal(a: &Message, b: &Message) -> bool {
    a == b
}

/// The cues as `send text@due` / `close code reason@due` lines.
fn show(cues: &[Cue]) -> Vec<String> {
    cues.iter()
        .map(|c| match c {
            Cue::Send { message, due } => format!("send {message:?}@{due}"),
            Cue::Close { code, reason, due } => format!("close {code} {reason}@{due}"),
            Cue::Unexpected { expected, actual } => {
                format!("unexpected: wanted {expected:?}, got {actual:?}")
            }
        })
        .collect()
}

fn chat() -> Entry {
    entry(
        "ws://a.test/chat",
        vec![
            receive(0.1, "welcome"),
            send(1.0, "hello"),
            receive(1.25, "hi"),
            receive(1.5, "how are you?"),
            send(3.0, "bye"),
        ],
        Some((1000, "done")),
    )
}

#[test]
fn a_replay_walks_the_recording_in_order() {
    let script = Script::of(&chat(), 0).unwrap_or_else(|e| panic!("{e}"));
    let mut r = Replay::new(script, Timing::None);
    assert_eq!(show(&r.start(50.0)), [r#"send Text("welcome")@50"#]);
    assert_eq!(
        show(&r.page_sent(&text("hello"), 60.0, equal)),
        [r#"send Text("hi")@60"#, r#"send Text("how are you?")@60"#]
    );
    assert!(!r.is_over());
    assert_eq!(
        show(&r.page_sent(&text("bye"), 70.0, equal)),
        ["close 1000 done@70"]
    );
    assert!(r.is_over());
    assert!(r.page_sent(&text("more"), 80.0, equal).is_empty());
}

#[test]
fn recorded_timing_keeps_the_gaps_after_what_each_frame_followed() {
    let script = Script::of(&chat(), 0).unwrap_or_else(|e| panic!("{e}"));
    let mut r = Replay::new(script, Timing::Recorded);
    // 100 ms after the socket's creation (startedDateTime).
    assert_eq!(show(&r.start(1000.0)), [r#"send Text("welcome")@1100"#]);
    // 250 and 500 ms after the page's "hello".
    assert_eq!(
        show(&r.page_sent(&text("hello"), 2000.0, equal)),
        [
            r#"send Text("hi")@2250"#,
            r#"send Text("how are you?")@2500"#
        ]
    );
    // The close comes with the last frame (no time of its own).
    assert_eq!(
        show(&r.page_sent(&text("bye"), 2100.0, equal)),
        ["close 1000 done@2500"]
    );
}

#[test]
fn an_unexpected_page_frame_ends_the_replay() {
    let script = Script::of(&chat(), 0).unwrap_or_else(|e| panic!("{e}"));
    let mut r = Replay::new(script, Timing::None);
    r.start(0.0);
    assert_eq!(
        show(&r.page_sent(&Message::Binary(b"hello".to_vec()), 1.0, equal)),
        [r#"unexpected: wanted Text("hello"), got Binary([104, 101, 108, 108, 111])"#]
    );
    assert!(r.is_over());
    assert!(r.page_sent(&text("hello"), 2.0, equal).is_empty());
}

#[test]
fn a_custom_match_decides() {
    let script = Script::of(&chat(), 0).unwrap_or_else(|e| panic!("{e}"));
    let mut r = Replay::new(script, Timing::None);
    r.start(0.0);
    let any = |_: &Message, _: &Message| true;
    assert_eq!(r.page_sent(&text("HELLO?"), 1.0, any).len(), 2);
}

#[test]
fn frames_after_the_recording_ends_go_nowhere() {
    let e = entry("ws://a.test/x", vec![receive(0.0, "only")], None);
    let mut r = Replay::new(
        Script::of(&e, 0).unwrap_or_else(|e| panic!("{e}")),
        Timing::None,
    );
    assert_eq!(r.start(0.0).len(), 1);
    assert!(r.page_sent(&text("anything"), 1.0, equal).is_empty());
    assert!(r.is_over());
}

#[test]
fn a_close_before_any_page_frame_is_replayed_at_start() {
    let e = entry(
        "ws://a.test/x",
        vec![receive(0.0, "go away")],
        Some((4001, "no")),
    );
    let mut r = Replay::new(
        Script::of(&e, 0).unwrap_or_else(|e| panic!("{e}")),
        Timing::None,
    );
    assert_eq!(
        show(&r.start(5.0)),
        [r#"send Text("go away")@5"#, "close 4001 no@5"]
    );
}

#[test]
fn error_frames_and_unknown_types_are_skipped_binary_is_base64() {
    let e = entry(
        "ws://a.test/x",
        vec![
            WebSocketMessage {
                kind: "error".into(),
                time: T0,
                opcode: 1.0,
                data: "boom".into(),
            },
            WebSocketMessage::binary("receive", T0, &[0, 1, 2, 255]),
        ],
        None,
    );
    let script = Script::of(&e, 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        script.steps,
        [(
            Step::Receive(Message::Binary(vec![0, 1, 2, 255])),
            T0 * 1000.0
        )]
    );
}

#[test]
fn playwright_milliseconds_and_devtools_seconds_give_the_same_gaps() {
    let ms = |t: f64, kind: &str, data: &str| WebSocketMessage {
        kind: kind.into(),
        time: (T0 + t) * 1000.0,
        opcode: 1.0,
        data: data.into(),
    };
    let e = entry(
        "ws://a.test/x",
        vec![ms(1.0, "send", "a"), ms(1.2, "receive", "b")],
        None,
    );
    let mut r = Replay::new(
        Script::of(&e, 0).unwrap_or_else(|e| panic!("{e}")),
        Timing::Recorded,
    );
    r.start(0.0);
    let cues = r.page_sent(&text("a"), 0.0, equal);
    let [Cue::Send { due, .. }] = cues.as_slice() else {
        panic!("{cues:?}");
    };
    assert!((due - 200.0).abs() < 1e-3, "{due}");
}

#[test]
fn bad_frames_are_named_by_entry_and_field() {
    let bad = |m: WebSocketMessage| {
        let h = har(vec![
            chat(),
            entry("ws://a.test/b", vec![receive(0.0, "ok"), m], None),
        ]);
        Catalogue::new(&h, same_url, |_| true)
            .map(|_| ())
            .unwrap_err()
    };
    let mut m = WebSocketMessage::binary("receive", T0, &[1]);
    m.data = "%%%".into();
    assert_eq!(
        bad(m),
        HarError::new(
            "entries[1]._webSocketMessages[1].data",
            "not base64 (opcode 2)"
        )
    );
    let mut m = receive(0.0, "x");
    m.opcode = 9.0;
    assert_eq!(
        bad(m).to_string(),
        "entries[1]._webSocketMessages[1].opcode: 9 is neither 1 (text) nor 2 (binary)"
    );
    for (opcode, shown) in [
        (2.5, "a fraction"),
        (1e15, "a fraction"),
        (1e16, "a fraction"),
    ] {
        let mut m = receive(0.0, "x");
        m.opcode = opcode;
        let e = bad(m);
        assert_eq!(e.path(), "entries[1]._webSocketMessages[1].opcode");
        assert_eq!(
            e.problem(),
            format!("{shown} is neither 1 (text) nor 2 (binary)")
        );
    }
    let mut m = receive(0.0, "x");
    m.time = f64::NAN;
    assert_eq!(bad(m).at, "entries[1]._webSocketMessages[1].time");
}

#[test]
fn an_entry_is_a_websocket_by_any_one_of_its_signs() {
    let entry =
        |json: &str| -> Entry { serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}")) };
    let signs = [
        r#"{"request":{"method":"GET","url":"http://a.test/"},"_resourceType":"WebSocket"}"#,
        r#"{"request":{"method":"GET","url":"http://a.test/"},"_webSocketMessages":[]}"#,
        r#"{"request":{"method":"GET","url":" WS://a.test/"}}"#,
        r#"{"request":{"method":"GET","url":"wss://a.test/"}}"#,
    ];
    for json in signs {
        assert!(super::script::is_websocket(&entry(json)), "{json}");
    }
    let page =
        entry(r#"{"request":{"method":"GET","url":"http://a.test/"},"_resourceType":"document"}"#);
    assert!(!super::script::is_websocket(&page));
}

#[test]
fn bad_urls_are_named_and_nothing_is_kept() {
    let h = har(vec![chat(), entry("http://[", vec![], None)]);
    let e = Catalogue::new(
        &h,
        |u| {
            if u.starts_with("ws:") {
                Ok(u.to_string())
            } else {
                Err(format!("cannot parse {u:?}"))
            }
        },
        |_| true,
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"entries[1].request.url: cannot parse "http://[""#
    );
}

#[test]
fn the_kth_socket_gets_the_kth_session_and_the_last_repeats() {
    let one = entry("ws://a.test/x", vec![receive(0.0, "first")], None);
    let two = entry("ws://a.test/x", vec![receive(0.0, "second")], None);
    let other = entry("ws://a.test/y", vec![receive(0.0, "other")], None);
    let page = Entry {
        resource_type: Some("document".into()),
        web_socket_messages: None,
        request: Request {
            url: "https://a.test/".into(),
            ..Request::default()
        },
        ..Entry::default()
    };
    let mut c = Catalogue::new(&har(vec![page, one, other, two]), same_url, |_| true)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(c.len(), 2, "the document entry is not a session");
    let first = |c: &mut Catalogue, url: &str| {
        c.next(url)
            .and_then(|s| s.steps.into_iter().next())
            .map(|(s, _)| s)
    };
    assert_eq!(
        first(&mut c, "ws://a.test/x"),
        Some(Step::Receive(text("first")))
    );
    assert_eq!(
        first(&mut c, "ws://a.test/x"),
        Some(Step::Receive(text("second")))
    );
    assert_eq!(
        first(&mut c, "ws://a.test/x"),
        Some(Step::Receive(text("second")))
    );
    assert_eq!(
        first(&mut c, "ws://a.test/y"),
        Some(Step::Receive(text("other")))
    );
    assert!(c.has("ws://a.test/y"));
    assert!(!c.has("ws://a.test/z"));
    assert_eq!(c.next("ws://a.test/z"), None);
}

#[test]
fn a_filter_keeps_only_its_urls() {
    let c = Catalogue::new(
        &har(vec![chat(), entry("ws://b.test/", vec![], None)]),
        same_url,
        |u| u.starts_with("ws://b."),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!c.has("ws://a.test/chat"));
    assert!(c.has("ws://b.test/"));
}

#[test]
fn a_recording_is_chrome_devtools_format_and_replays_as_it_was() {
    let mut rec = Recording::new(
        "ws://a.test/chat",
        &["chat".into(), "v2".into()],
        1_764_669_600_000.0,
    );
    rec.frame(Direction::Received, &text("welcome"), 1_764_669_600_100.0);
    rec.frame(
        Direction::Sent,
        &Message::Binary(vec![0, 255]),
        1_764_669_601_000.0,
    );
    rec.frame(Direction::Received, &text("ok"), 1_764_669_601_250.0);
    rec.closed(1000, "done", true, false);
    rec.closed(1006, "", false, false); // only the first close counts
    let e = rec.entry().clone();
    assert_eq!(e.started_date_time, "2025-12-02T10:00:00.000Z");
    assert_eq!(e.resource_type.as_deref(), Some("websocket"));
    assert_eq!(
        (e.request.method.as_str(), e.response.status),
        ("GET", 101.0)
    );
    assert_eq!(e.request.headers.len(), 1);
    assert_eq!(e.request.headers[0].name, "Sec-WebSocket-Protocol");
    assert_eq!(e.request.headers[0].value, "chat, v2");
    let frames = e.web_socket_messages.clone().unwrap_or_default();
    assert_eq!(
        frames[1],
        WebSocketMessage::binary("send", 1_764_669_601.0, &[0, 255])
    );
    assert_eq!(frames[1].data, "AP8=");
    assert_eq!(
        e.web_socket_close,
        Some(WebSocketClose {
            code: 1000,
            reason: "done".into(),
            was_clean: true,
            by_page: false,
        })
    );

    let mut r = Replay::new(
        Script::of(&e, 0).unwrap_or_else(|e| panic!("{e}")),
        Timing::Recorded,
    );
    assert_eq!(show(&r.start(0.0)), [r#"send Text("welcome")@100"#]);
    assert_eq!(
        show(&r.page_sent(&Message::Binary(vec![0, 255]), 1000.0, equal)),
        [r#"send Text("ok")@1250"#, "close 1000 done@1250"]
    );
}

#[test]
fn a_close_the_page_started_is_left_to_the_page() {
    let mut e = chat();
    if let Some(c) = e.web_socket_close.as_mut() {
        c.by_page = true;
    }
    let script = Script::of(&e, 0).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !script
            .steps
            .iter()
            .any(|(s, _)| matches!(s, Step::Close { .. }))
    );
}

/// A fixture of `tests/har/`, read as a file would be.
fn fixture(text: &str) -> Har {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}"))
}

/// `http(s)` as `ws(s)`, as the `WebSocket` constructor maps them.
fn as_socket_url(url: &str) -> Result<String, String> {
    Ok(url
        .replacen("http://", "ws://", 1)
        .replacen("https://", "wss://", 1))
}

#[test]
fn chrome_devtools_mitmproxy_and_playwright_logs_give_the_same_session() {
    let files = [
        (
            "chrome",
            include_str!("../../../tests/har/chrome-devtools.har"),
            "ws://127.0.0.1:9/echo",
        ),
        (
            "mitmproxy",
            include_str!("../../../tests/har/mitmproxy.har"),
            "ws://127.0.0.1:9/echo",
        ),
        (
            "playwright",
            include_str!("../../../tests/har/playwright.har"),
            "ws://127.0.0.1:43965/echo",
        ),
    ];
    for (name, text, url) in files {
        let mut c = Catalogue::new(&fixture(text), as_socket_url, |_| true)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let script = c
            .next(url)
            .unwrap_or_else(|| panic!("{name}: no session for {url}"));
        let steps: Vec<&Step> = script.steps.iter().map(|(s, _)| s).collect();
        assert_eq!(
            steps,
            [
                &Step::Send(text_message("hello")),
                &Step::Send(Message::Binary(vec![0, 1, 2, 255])),
                &Step::Receive(text_message("hello")),
                &Step::Receive(Message::Binary(vec![0, 1, 2, 255])),
            ],
            "{name}"
        );
        // The same recording: from the first frame to the last, under 5 ms,
        // whether the file counts seconds or milliseconds.
        let times: Vec<f64> = script.steps.iter().map(|(_, t)| *t).collect();
        let span = times.last().copied().unwrap_or(0.0) - times.first().copied().unwrap_or(0.0);
        assert!(span > 1.0 && span < 5.0, "{name}: {span} ms");
        assert!(script.started.is_some(), "{name}: startedDateTime read");
    }
}

#[test]
fn chrome_devtools_error_frames_are_skipped() {
    let har = fixture(include_str!("../../../tests/har/chrome-devtools-error.har"));
    let frames = har.log.entries[0]
        .web_socket_messages
        .clone()
        .unwrap_or_default();
    assert!(
        frames.iter().any(|m| m.kind == "error"),
        "the fixture has an error frame"
    );
    let script = Script::of(&har.log.entries[0], 0).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        script.steps.len(),
        frames.iter().filter(|m| m.kind != "error").count()
    );
}

#[test]
fn frame_times_may_be_dates() {
    let m: WebSocketMessage = serde_json::from_str(
        r#"{"type":"receive","time":"2025-12-02T10:00:00.250Z","opcode":1,"data":"x"}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(m.time, 1_764_669_600_250.0);
    let bad = serde_json::from_str::<WebSocketMessage>(r#"{"time":"yesterday"}"#);
    assert!(bad.is_err());
    for (json, time) in [
        (r#"{"time":5}"#, 5.0),
        (r#"{"time":-5}"#, -5.0),
        (r#"{"time":2.5}"#, 2.5),
    ] {
        let m: WebSocketMessage = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(m.time, time, "{json}");
    }
}

fn text_message(t: &str) -> Message {
    Message::Text(t.into())
}

#[test]
fn missing_fields_read_as_har_1_2_defaults() {
    let har: Har = serde_json::from_str(
        r#"{"log":{"entries":[{"request":{"method":"GET","url":"ws://127.0.0.1:9/"}}]}}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(har.log.version, "1.2");
    let request = &har.log.entries[0].request;
    assert_eq!((request.headers_size, request.body_size), (-1.0, -1.0));
}

#[test]
fn by_page_is_written_only_when_true() {
    let close = |by_page| WebSocketClose {
        code: 1000,
        reason: String::new(),
        was_clean: true,
        by_page,
    };
    let json = |c| serde_json::to_string(&c).unwrap_or_else(|e| panic!("{e}"));
    assert!(!json(close(false)).contains("byPage"));
    assert!(json(close(true)).contains(r#""byPage":true"#));
}

#[test]
fn a_frame_time_of_another_type_says_what_it_expected() {
    let bad = serde_json::from_str::<WebSocketMessage>(r#"{"time":true}"#)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(bad.contains("a number or an ISO 8601 date"), "error: {bad}");
}
