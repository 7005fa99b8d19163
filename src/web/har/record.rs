//! Recording sockets as HAR entries, through the observers: each socket
//! created while a recorder runs (and whose URL it keeps) becomes one entry,
//! its frames as the page saw them.

use std::cell::RefCell;
use std::fmt;
use std::rc::{Rc, Weak};

use crate::sans_io::har::model::{Har, Log};
use crate::sans_io::har::record::{Direction, Recording};
use crate::web::matcher::Pattern;
use crate::web::observe::{Listener, Observer, on_websocket};
use crate::web::registry;

/// Records every socket created from now on (whose URL its pattern matches)
/// until [`HarRecorder::stop`], which gives the [`Har`](crate::Har).
/// Dropping it stops recording too.
///
/// ```no_run
/// # fn demo(guard: &wsroute::Installed) {
/// let recorder = guard.record_har(None);
/// // ... the page talks to its server ...
/// let har = recorder.stop();
/// # let _ = har; }
/// ```
pub struct HarRecorder {
    state: Rc<State>,
}

struct State {
    keep: Option<Pattern>,
    sessions: RefCell<Vec<Session>>,
    watching: RefCell<Option<Listener>>,
}

/// One recorded socket and the listeners that feed it.
struct Session {
    recording: Rc<RefCell<Recording>>,
    _listeners: [Listener; 3],
}

/// Milliseconds since the epoch.
fn wall_clock() -> f64 {
    js_sys::Date::now()
}

impl HarRecorder {
    /// Starts recording the sockets `keep` matches (all when `None`).
    pub(crate) fn start(keep: Option<Pattern>) -> HarRecorder {
        let state = Rc::new(State {
            keep,
            sessions: RefCell::default(),
            watching: RefCell::default(),
        });
        let weak: Weak<State> = Rc::downgrade(&state);
        let watching = on_websocket(move |ws| {
            if let Some(state) = weak.upgrade() {
                state.observe(&ws);
            }
        });
        state.watching.replace(Some(watching));
        HarRecorder { state }
    }

    /// Stops recording and returns the log: one entry per socket, in the
    /// order they were created (sockets still open with what they did so far).
    pub fn stop(&self) -> Har {
        self.state.watching.borrow_mut().take();
        let sessions = self.state.sessions.take();
        let entries = sessions
            .iter()
            .map(|s| s.recording.borrow().entry().clone())
            .collect();
        Har {
            log: Log {
                entries,
                ..Log::default()
            },
        }
    }
}

impl State {
    fn observe(&self, ws: &Observer) {
        let url = ws.url();
        if let Some(keep) = &self.keep {
            if !keep.matches(&url, registry::glob_base().as_deref()) {
                return;
            }
        }
        let recording = Rc::new(RefCell::new(Recording::new(
            &url,
            ws.protocols(),
            wall_clock(),
        )));
        let frames = |direction| {
            let recording = recording.clone();
            move |m: &crate::Message| recording.borrow_mut().frame(direction, m, wall_clock())
        };
        let sent = ws.on_frame_sent(frames(Direction::Sent));
        let received = ws.on_frame_received(frames(Direction::Received));
        let closing = {
            let recording = recording.clone();
            let ws = ws.clone();
            ws.clone().on_close(move || {
                if let Some(c) = ws.close_details() {
                    recording
                        .borrow_mut()
                        .closed(c.code, &c.reason, c.was_clean, c.by_page);
                }
            })
        };
        self.sessions.borrow_mut().push(Session {
            recording,
            _listeners: [sent, received, closing],
        });
    }
}

impl fmt::Debug for HarRecorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HarRecorder")
            .field("sockets", &self.state.sessions.borrow().len())
            .finish()
    }
}
