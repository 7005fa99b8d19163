//! The tasks a socket queues, and what running each one does: the only place
//! page-visible state changes and page events come from.

use super::effect::{Effect, Failure, ReadyState, Side};
use super::{ABNORMAL, Carrier, NO_STATUS, Server, Socket};
use crate::sans_io::message::Payload;

/// A task the page will observe, queued in order.
#[derive(Debug)]
pub(super) enum Task<P> {
    RunHandler,
    Open {
        protocol: String,
        extensions: String,
    },
    ToPage(P),
    /// A message from the page, and how it counts in `bufferedAmount`
    /// until this task runs.
    FromPage {
        payload: P,
        buffered: Counted,
    },
    PageClosed {
        code: Option<u16>,
        reason: Option<String>,
    },
    Close {
        code: u16,
        reason: String,
        was_clean: bool,
    },
    Fail(Failure),
}

/// How a message the page sent counts in `bufferedAmount` while its task
/// waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Counted {
    /// Not at all: it crossed a link, which took it off when it departed.
    No,
    /// Its bytes are in `bufferedAmount`.
    Yes,
    /// Its bytes count, but are measured only if the page reads
    /// `bufferedAmount` before the task runs (measuring a string's UTF-8
    /// length is a pass over it; most messages reach the route unread).
    Unmeasured,
}

impl<P: Payload> Task<P> {
    /// The bytes it carries across a link: a message's, else none.
    pub(super) fn size(&self) -> u64 {
        match self {
            Task::ToPage(p) | Task::FromPage { payload: p, .. } => p.byte_len(),
            _ => 0,
        }
    }
}

impl<C: Carrier> Socket<C> {
    /// Runs the oldest queued task. The edge calls this once per
    /// [`Effect::ScheduleTask`] it carried out, in order.
    pub(crate) fn run_task(&mut self) {
        let Some(task) = self.tasks.pop_front() else {
            return;
        };
        match task {
            Task::RunHandler => {
                if let Some(handler) = self.handler.take() {
                    self.emit(Effect::RunHandler(handler));
                }
            }
            Task::Open {
                protocol,
                extensions,
            } => self.opened(protocol, extensions),
            Task::ToPage(message) => {
                if self.page.ready_state == ReadyState::Open {
                    let binary_type = self.page.binary_type;
                    self.emit(Effect::DispatchMessage {
                        message,
                        binary_type,
                    });
                }
            }
            Task::FromPage { payload, buffered } => {
                self.page_tasks = self.page_tasks.saturating_sub(1);
                self.route_has(payload, buffered);
            }
            Task::PageClosed { code, reason } => self.route_heard_close(code, reason),
            Task::Close {
                code,
                reason,
                was_clean,
            } => self.closed(None, code, reason, was_clean),
            Task::Fail(why) => self.closed(Some(why), ABNORMAL, String::new(), false),
        }
    }

    /// The page's socket opens (unless it closed first).
    fn opened(&mut self, protocol: String, extensions: String) {
        if self.page.ready_state == ReadyState::Connecting {
            self.page.ready_state = ReadyState::Open;
            self.page.protocol = protocol;
            self.page.extensions = extensions;
            self.emit(Effect::DispatchOpen);
        }
    }

    /// A message the page sent has reached the route: it leaves
    /// `bufferedAmount`, and goes to the page-side `onMessage` or the server.
    fn route_has(&mut self, p: C::Payload, buffered: Counted) {
        match buffered {
            Counted::Yes => {
                self.page.buffered_amount = self.page.buffered_amount.saturating_sub(p.byte_len());
            }
            Counted::Unmeasured => self.unmeasured = self.unmeasured.saturating_sub(1),
            Counted::No => {}
        }
        match self.on_message(Side::Page) {
            Some(handler) => self.emit(Effect::CallOnMessage {
                handler,
                message: p,
            }),
            None => self.send_to_server(p),
        }
    }

    /// The page's close has reached the route.
    fn route_heard_close(&mut self, code: Option<u16>, reason: Option<String>) {
        if let Some(handler) = self.on_close(Side::Page) {
            // The route decides; the page stays CLOSING until it closes it.
            self.emit(Effect::CallOnClose {
                handler,
                code,
                reason,
            });
        } else if matches!(self.server, Server::Connecting | Server::Open) {
            // Completes when the real socket reports its close.
            self.close_server(code, reason);
        } else {
            self.queue_close(code.unwrap_or(NO_STATUS), reason.unwrap_or_default(), true);
        }
    }

    /// The page's socket closes; after a `failure`, `error` comes first.
    fn closed(&mut self, failure: Option<Failure>, code: u16, reason: String, was_clean: bool) {
        self.page.ready_state = ReadyState::Closed;
        self.emit(Effect::Ended(Side::Page));
        if let Some(why) = failure {
            self.emit(Effect::DispatchError(why));
        }
        self.emit(Effect::DispatchClose {
            code,
            reason,
            was_clean,
        });
        self.check_finished();
    }
}
