//! From a HAR log to what a replay needs: for every WebSocket entry a
//! [`Script`] (its frames and its close, in order, times in milliseconds),
//! grouped by URL in a [`Catalogue`] that hands the k-th socket to a URL the
//! k-th entry recorded for it, and the last one again once they run out.
//! Anything unreadable is a [`HarError`] naming the entry and the field.

use std::fmt;

use super::base64;
use super::model::{Entry, Har, WebSocketMessage};
use super::time::{frame_time_ms, parse_iso};
use crate::sans_io::message::Message;

/// Why a HAR log cannot be replayed: where (such as
/// `entries[3]._webSocketMessages[2].data`) and what is wrong. Nothing was
/// routed.
///
/// ```
/// # fn demo(e: wsroute::har::HarError) {
/// eprintln!("{e}"); // entries[3]._webSocketMessages[2].data: not base64 (opcode 2)
/// let (where_, what) = (e.path(), e.problem());
/// # let _ = (where_, what); }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HarError {
    pub(crate) at: String,
    pub(crate) problem: String,
}

impl fmt::Display for HarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.at.is_empty() {
            f.write_str(&self.problem)
        } else {
            write!(f, "{}: {}", self.at, self.problem)
        }
    }
}

impl std::error::Error for HarError {}

impl HarError {
    /// The path of the field that is wrong, from the log (empty: the whole log).
    pub fn path(&self) -> &str {
        &self.at
    }

    /// What is wrong with it.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    pub(crate) fn new(at: impl Into<String>, problem: impl Into<String>) -> Self {
        HarError {
            at: at.into(),
            problem: problem.into(),
        }
    }
}

/// One step of a recorded session.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Step {
    /// The page received this frame (the server sent it).
    Receive(Message),
    /// The page sent this frame.
    Send(Message),
    /// The socket closed as the page saw it.
    Close { code: u16, reason: String },
}

/// A recorded session: its steps with their times (ms since the epoch), and
/// when the socket was created.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Script {
    pub(crate) started: Option<f64>,
    pub(crate) steps: Vec<(Step, f64)>,
}

/// Whether `entry` is a WebSocket session (rather than another request).
pub(crate) fn is_websocket(entry: &Entry) -> bool {
    let url = entry.request.url.trim_start().to_ascii_lowercase();
    entry
        .resource_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("websocket"))
        || entry.web_socket_messages.is_some()
        || url.starts_with("ws:")
        || url.starts_with("wss:")
}

fn frame(m: &WebSocketMessage, at: &str) -> Result<Message, HarError> {
    if m.opcode == 1.0 {
        Ok(Message::Text(m.data.clone()))
    } else if m.opcode == 2.0 {
        base64::decode(&m.data)
            .map(Message::Binary)
            .ok_or_else(|| HarError::new(format!("{at}.data"), "not base64 (opcode 2)"))
    } else {
        // (Written without formatting the number: float formatting is
        // kilobytes of wasm.)
        let whole = m.opcode.fract() == 0.0 && m.opcode.abs() < 1e15;
        let opcode = if whole {
            (m.opcode as i64).to_string()
        } else {
            "a fraction".into()
        };
        Err(HarError::new(
            format!("{at}.opcode"),
            format!("{opcode} is neither 1 (text) nor 2 (binary)"),
        ))
    }
}

impl Script {
    /// The script of entry `index` of a log.
    pub(crate) fn of(entry: &Entry, index: usize) -> Result<Script, HarError> {
        let mut steps = Vec::new();
        let mut last = None;
        for (i, m) in entry.web_socket_messages.iter().flatten().enumerate() {
            let at = format!("entries[{index}]._webSocketMessages[{i}]");
            let step = match m.kind.as_str() {
                "send" => Step::Send(frame(m, &at)?),
                "receive" => Step::Receive(frame(m, &at)?),
                // "error" and any other type: not a frame.
                _ => continue,
            };
            if !m.time.is_finite() {
                return Err(HarError::new(format!("{at}.time"), "not a number"));
            }
            let time = frame_time_ms(m.time);
            last = Some(time);
            steps.push((step, time));
        }
        let started = parse_iso(&entry.started_date_time);
        // A close the page started is the page's to repeat.
        if let Some(close) = entry.web_socket_close.as_ref().filter(|c| !c.by_page) {
            let time = last.or(started).unwrap_or(0.0);
            let close = Step::Close {
                code: close.code,
                reason: close.reason.clone(),
            };
            steps.push((close, time));
        }
        Ok(Script { started, steps })
    }
}

/// The sessions of a HAR log by URL, and how many sockets each URL has had.
#[derive(Debug, Default)]
pub(crate) struct Catalogue {
    urls: Vec<Recorded>,
}

#[derive(Debug)]
struct Recorded {
    url: String,
    scripts: Vec<Script>,
    used: usize,
}

impl Catalogue {
    /// The WebSocket entries of `har` whose URL (normalised by `normalise`,
    /// which says why it cannot) `keep` accepts. Fails on the first entry
    /// that cannot be read, so nothing is half-applied.
    pub(crate) fn new(
        har: &Har,
        normalise: impl Fn(&str) -> Result<String, String>,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Catalogue, HarError> {
        let mut catalogue = Catalogue::default();
        for (index, entry) in har.log.entries.iter().enumerate() {
            if !is_websocket(entry) {
                continue;
            }
            let url = normalise(&entry.request.url)
                .map_err(|why| HarError::new(format!("entries[{index}].request.url"), why))?;
            let script = Script::of(entry, index)?;
            if !keep(&url) {
                continue;
            }
            match catalogue.urls.iter_mut().find(|r| r.url == url) {
                Some(r) => r.scripts.push(script),
                None => catalogue.urls.push(Recorded {
                    url,
                    scripts: vec![script],
                    used: 0,
                }),
            }
        }
        Ok(catalogue)
    }

    /// Whether any session was recorded for `url` (normalised).
    pub(crate) fn has(&self, url: &str) -> bool {
        self.urls.iter().any(|r| r.url == url)
    }

    /// The session for the next socket to `url`: the k-th recorded for the
    /// k-th socket, the last one again once they run out.
    pub(crate) fn next(&mut self, url: &str) -> Option<Script> {
        let r = self.urls.iter_mut().find(|r| r.url == url)?;
        let script = r.scripts.get(r.used).or(r.scripts.last())?.clone();
        r.used = r.used.saturating_add(1);
        Some(script)
    }

    /// How many URLs have sessions.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.urls.len()
    }
}
