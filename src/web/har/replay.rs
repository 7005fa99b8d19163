//! Replaying HAR sessions: one route whose handler takes each socket's
//! session from the catalogue and plays it with the route API (`send`,
//! `close`, `on_message`), so its frames take the path of any mock's:
//! ordering, `bufferedAmount`, observers, network conditions.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use crate::sans_io::har::model::Har;
use crate::sans_io::har::replay::{Cue, Replay, Timing};
use crate::sans_io::har::script::{Catalogue, HarError};
use crate::sans_io::message::Message;
use crate::sans_io::socket::Side;
use crate::sans_io::validate;
use crate::web::matcher::Pattern;
use crate::web::route::WebSocketRoute;
use crate::web::routed::RouteHandler;
use crate::web::timer::{self, Timeout};
use crate::web::{env, registry};

/// Decides whether a page frame is the one recorded: `(recorded, actual)`.
type Matches = Rc<dyn Fn(&Message, &Message) -> bool>;

/// How [`Installed::route_from_har`](crate::Installed::route_from_har)
/// replays a log.
///
/// ```no_run
/// let options = wsroute::HarOptions::default()
///     .url("wss://example.test/**")
///     .fallback()
///     .recorded_timing()
///     .matching(|recorded, actual| recorded.text().map(str::len) == actual.text().map(str::len));
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct HarOptions {
    url: Option<Pattern>,
    fallback: bool,
    timing: Option<Timing>,
    matches: Option<Matches>,
}

impl HarOptions {
    /// Replays only the entries, and takes only the sockets, whose URL
    /// `pattern` matches.
    pub fn url(mut self, pattern: impl Into<Pattern>) -> Self {
        self.url = Some(pattern.into());
        self
    }

    /// A socket with no recorded session goes to older routes (or passes
    /// through), instead of failing like a refused connection.
    pub fn fallback(mut self) -> Self {
        self.fallback = true;
        self
    }

    /// Keeps the recorded gaps between a frame and the server frames that
    /// followed it (by default they follow at once).
    pub fn recorded_timing(mut self) -> Self {
        self.timing = Some(Timing::Recorded);
        self
    }

    /// Compares a page frame with the recorded one (by default: same kind,
    /// same text or bytes); `f(recorded, actual)`.
    pub fn matching(mut self, f: impl Fn(&Message, &Message) -> bool + 'static) -> Self {
        self.matches = Some(Rc::new(f));
        self
    }
}

impl fmt::Debug for HarOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HarOptions")
            .field("url", &self.url)
            .field("fallback", &self.fallback)
            .field("timing", &self.timing)
            .field("custom_match", &self.matches.is_some())
            .finish()
    }
}

/// Reads `har` and registers its route; nothing is registered when it
/// cannot be read. Returns the route's id.
pub(crate) fn route_from_har(har: &Har, options: HarOptions) -> Result<u64, HarError> {
    let quirks = env::quirks();
    let keep = options.url.clone();
    let catalogue = Catalogue::new(
        har,
        |url| env::resolve_socket_url(url, quirks).map_err(|e| e.to_string()),
        |url| matches(keep.as_ref(), url),
    )?;
    let catalogue = Rc::new(RefCell::new(catalogue));
    let pattern = if options.fallback {
        let known = catalogue.clone();
        let keep = options.url.clone();
        Pattern::predicate(move |url| known.borrow().has(url) && matches(keep.as_ref(), url))
    } else {
        options
            .url
            .clone()
            .unwrap_or_else(|| Pattern::predicate(|_| true))
    };
    let timing = options.timing.unwrap_or(Timing::None);
    let same: Matches = options.matches.unwrap_or_else(|| Rc::new(|a, b| a == b));
    let handler = RouteHandler::new(move |socket| {
        let route = WebSocketRoute::new(socket, Side::Page);
        let script = catalogue.borrow_mut().next(&route.url());
        match script {
            // No session: refused, as `notFound: 'abort'` says.
            None => route.close_checked(Some(1006), None),
            Some(script) => Player::start(route, Replay::new(script, timing), same.clone()),
        }
        Ok(None)
    });
    Ok(registry::add_route(pattern, handler, None))
}

fn matches(pattern: Option<&Pattern>, url: &str) -> bool {
    pattern.is_none_or(|p| p.matches(url, registry::glob_base().as_deref()))
}

/// One session being played on one route.
struct Player {
    route: WebSocketRoute,
    replay: RefCell<Replay>,
    matches: Matches,
    /// Cues waiting for their time, in due order.
    due: RefCell<VecDeque<Cue>>,
    timer: RefCell<Option<Timeout>>,
}

impl Player {
    fn start(route: WebSocketRoute, replay: Replay, matches: Matches) {
        let player = Rc::new(Player {
            route: route.clone(),
            replay: RefCell::new(replay),
            matches,
            due: RefCell::default(),
            timer: RefCell::default(),
        });
        let me = player.clone();
        route.on_message(move |actual| {
            let cues = {
                let Ok(mut replay) = me.replay.try_borrow_mut() else {
                    return;
                };
                let matches = me.matches.clone();
                replay.page_sent(&actual, timer::now(), |r, a| matches(r, a))
            };
            me.perform(cues);
        });
        let cues = player.replay.borrow_mut().start(timer::now());
        player.perform(cues);
    }

    /// Carries out `cues`: at once when due, else after the earlier ones.
    fn perform(self: &Rc<Self>, cues: Vec<Cue>) {
        self.due.borrow_mut().extend(cues);
        self.run_due();
    }

    fn run_due(self: &Rc<Self>) {
        loop {
            let now = timer::now();
            let next = {
                let mut due = self.due.borrow_mut();
                match due.front() {
                    Some(Cue::Send { due: at, .. } | Cue::Close { due: at, .. }) if *at > now => {
                        let wait = *at - now;
                        drop(due);
                        self.wait(wait);
                        return;
                    }
                    _ => due.pop_front(),
                }
            };
            match next {
                Some(cue) => self.cue(cue),
                None => return,
            }
        }
    }

    fn wait(self: &Rc<Self>, ms: f64) {
        if self.timer.borrow().is_some() {
            return;
        }
        let me = self.clone();
        let timeout = Timeout::start(ms, move || {
            me.timer.borrow_mut().take();
            me.run_due();
        });
        self.timer.replace(timeout);
    }

    fn cue(&self, cue: Cue) {
        match cue {
            Cue::Send { message, .. } => self.route.send(message),
            Cue::Close { code, reason, .. } => {
                let code = validate::route_close_code_ok(code).then_some(code);
                self.route
                    .close_checked(code, Some(reason).filter(|_| code.is_some()));
            }
            Cue::Unexpected { expected, actual } => {
                let text = format!(
                    "wsroute: {}: unexpected message: the page sent {} where the recording has {}",
                    self.route.url(),
                    show(&actual),
                    show(&expected)
                );
                web_sys::console::error_1(&text.into());
                self.due.borrow_mut().clear();
                self.route
                    .close_checked(Some(1011), Some("wsroute: unexpected message".into()));
            }
        }
    }
}

/// A frame for a console message: text quoted, binary as its bytes (no
/// `Debug` formatting: it is kilobytes of wasm).
fn show(m: &Message) -> String {
    match m {
        Message::Text(t) => format!("the text \"{t}\""),
        Message::Binary(b) => {
            let mut out = format!("{} bytes [", b.len());
            for (i, byte) in b.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&byte.to_string());
            }
            out.push(']');
            out
        }
    }
}
