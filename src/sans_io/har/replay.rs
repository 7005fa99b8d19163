//! Replaying one recorded session as a mock server. The route's handler
//! starts it and hands it every frame the page sends; it answers with cues:
//! frames to send to the page and a close, each due at a time (all at once
//! with `timing: 'none'`; the recorded gaps with `'recorded'`), or the end of
//! the replay when the page sent something the recording did not.
//!
//! Time is an input (milliseconds, any clock): due times never go back, so
//! cues carried out in due order keep the recorded order.

use std::collections::VecDeque;

use super::script::{Script, Step};
use crate::sans_io::message::Message;

/// How a replay paces the server's frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Timing {
    /// At once, as soon as what they followed happened.
    None,
    /// With the recorded gaps between a frame (or the socket's creation) and
    /// the server frames that followed it.
    Recorded,
}

/// What the route does next.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cue {
    /// Send `message` to the page at `due`.
    Send { message: Message, due: f64 },
    /// Close the page's socket at `due`.
    Close { code: u16, reason: String, due: f64 },
    /// The page sent `actual` where the recording has `expected`: the replay
    /// stops; the route closes the socket with 1011 and says so.
    Unexpected { expected: Message, actual: Message },
}

/// A session being replayed.
#[derive(Debug)]
pub(crate) struct Replay {
    steps: VecDeque<(Step, f64)>,
    started: Option<f64>,
    timing: Timing,
    /// The latest due time handed out.
    last_due: f64,
    over: bool,
}

impl Replay {
    pub(crate) fn new(script: Script, timing: Timing) -> Replay {
        Replay {
            steps: script.steps.into(),
            started: script.started,
            timing,
            last_due: f64::NEG_INFINITY,
            over: false,
        }
    }

    /// The socket was created at `now`: the server frames recorded before
    /// the page's first frame (and the close, if it came first).
    pub(crate) fn start(&mut self, now: f64) -> Vec<Cue> {
        let origin = self
            .started
            .or_else(|| self.steps.front().map(|(_, t)| *t))
            .unwrap_or(0.0);
        self.server_steps(origin, now)
    }

    /// The page sent `actual` at `now`; `matches(recorded, actual)` says
    /// whether it is the frame the recording expects next.
    pub(crate) fn page_sent(
        &mut self,
        actual: &Message,
        now: f64,
        matches: impl FnOnce(&Message, &Message) -> bool,
    ) -> Vec<Cue> {
        if self.over {
            return Vec::new();
        }
        let Some((Step::Send(expected), at)) = self.steps.front() else {
            // Nothing recorded from the page here: the frame goes nowhere,
            // as in a mock without `onMessage`.
            return Vec::new();
        };
        if !matches(expected, actual) {
            self.over = true;
            return vec![Cue::Unexpected {
                expected: expected.clone(),
                actual: actual.clone(),
            }];
        }
        let origin = *at;
        self.steps.pop_front();
        self.server_steps(origin, now)
    }

    /// Whether the replay has nothing left to do.
    #[cfg(test)]
    pub(crate) fn is_over(&self) -> bool {
        self.over || self.steps.is_empty()
    }

    /// The server steps up to the next page frame: due `now` plus their
    /// recorded distance from `origin` (or `now`), never before an earlier cue.
    fn server_steps(&mut self, origin: f64, now: f64) -> Vec<Cue> {
        let mut cues = Vec::new();
        while let Some((step, at)) = self.steps.front() {
            let gap = match self.timing {
                Timing::None => 0.0,
                Timing::Recorded => (at - origin).max(0.0),
            };
            let due = (now + gap).max(self.last_due);
            let cue = match step {
                Step::Send(_) => break,
                Step::Receive(m) => Cue::Send {
                    message: m.clone(),
                    due,
                },
                Step::Close { code, reason } => Cue::Close {
                    code: *code,
                    reason: reason.clone(),
                    due,
                },
            };
            self.last_due = due;
            self.over = matches!(cue, Cue::Close { .. });
            cues.push(cue);
            self.steps.pop_front();
            if self.over {
                break;
            }
        }
        cues
    }
}
