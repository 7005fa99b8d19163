//! Waiting for an event: a [`Waiter`] registered with a hub, and the
//! [`Wait`] future that Rust code awaits (and JavaScript's `waitForEvent`
//! turns into a promise).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use wasm_bindgen::JsValue;

use super::hub::{Event, Hub, Kind};
use crate::web::timer::Timeout;

/// Why a wait ended without its event.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitError {
    /// The socket (or, for a route wait, that side of the route) closed
    /// first: `Socket closed`.
    Closed,
    /// The socket failed first: `Socket error`; the text says what failed.
    SocketError(String),
    /// Nothing matched within the timeout.
    Timeout {
        /// The event waited for.
        event: &'static str,
        /// The timeout.
        after: Duration,
    },
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Closed => f.write_str("Socket closed"),
            WaitError::SocketError(_) => f.write_str("Socket error"),
            WaitError::Timeout { event, after } => write!(
                f,
                "Timeout {}ms exceeded while waiting for event \"{event}\"",
                after.as_millis() as u64
            ),
        }
    }
}

impl std::error::Error for WaitError {}

/// The default timeout of a wait, as Playwright's.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_millis(30_000);

/// A predicate's answer about one event.
pub(crate) enum Verdict {
    Accept,
    Decline,
    /// An async (JavaScript) predicate: its answer comes later.
    Later(Pin<Box<dyn Future<Output = Result<bool, JsValue>>>>),
    /// A JavaScript predicate threw this: the wait rejects with it.
    Threw(JsValue),
}

/// A predicate on events; `None` accepts the first event of its kind.
pub(crate) type Predicate<E> = Box<dyn FnMut(&E) -> Verdict>;

/// How a wait ended without its event.
pub(crate) enum Ending {
    Wait(WaitError),
    /// What a JavaScript predicate threw.
    Threw(JsValue),
}

type Settle<E> = Box<dyn FnOnce(Result<E, Ending>)>;

/// A pending wait for one event of `kind`, registered with its hub.
pub(crate) struct Waiter<E> {
    kind: Kind,
    predicate: Option<RefCell<Predicate<E>>>,
    settle: RefCell<Option<Settle<E>>>,
    timer: RefCell<Option<Timeout>>,
    hub: Weak<Hub<E>>,
}

impl<E: Event> Waiter<E> {
    fn is_settled(&self) -> bool {
        self.settle.borrow().is_none()
    }

    /// Ends the wait: with `result`, or silently (abandoned) with `None`.
    fn finish(self: &Rc<Self>, result: Option<Result<E, Ending>>) {
        let Some(settle) = self.settle.borrow_mut().take() else {
            return;
        };
        let timer = self.timer.borrow_mut().take();
        if let Some(timer) = timer {
            // Not dropped here: this may run inside the timer's own callback.
            wasm_bindgen_futures::spawn_local(async move { drop(timer) });
        }
        if let Some(hub) = self.hub.upgrade() {
            hub.remove_waiter(self);
        }
        if let Some(result) = result {
            settle(result);
        }
    }

    /// Offers an event: the wait settles, declines, or (async predicate)
    /// settles later.
    pub(super) fn offer(self: &Rc<Self>, event: &E) {
        if self.is_settled() {
            return;
        }
        if event.kind() != self.kind {
            if let Some(e) = event.ends_waits() {
                self.finish(Some(Err(Ending::Wait(e))));
            }
            return;
        }
        let verdict = match &self.predicate {
            None => Verdict::Accept,
            // A predicate that causes the event it waits for declines it.
            Some(p) => match p.try_borrow_mut() {
                Ok(mut p) => p(event),
                Err(_) => Verdict::Decline,
            },
        };
        match verdict {
            Verdict::Accept => self.finish(Some(Ok(event.clone()))),
            Verdict::Decline => {}
            Verdict::Threw(e) => self.finish(Some(Err(Ending::Threw(e)))),
            Verdict::Later(answer) => {
                let (this, event) = (self.clone(), event.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match answer.await {
                        Ok(true) => this.finish(Some(Ok(event))),
                        Ok(false) => {}
                        Err(e) => this.finish(Some(Err(Ending::Threw(e)))),
                    }
                });
            }
        }
    }
}

/// What a [`Wait`] needs of its waiter, whatever the events it waits among.
trait Pending {
    fn start_timer(self: Rc<Self>, after: Duration);
    fn abandon(self: Rc<Self>);
    fn end(self: Rc<Self>, e: WaitError);
}

impl<E: Event> Pending for Waiter<E> {
    fn start_timer(self: Rc<Self>, after: Duration) {
        if after.is_zero() || self.is_settled() {
            return;
        }
        let weak = Rc::downgrade(&self);
        let event = self.kind.name();
        let timer = Timeout::start(after.as_millis() as f64, move || {
            if let Some(w) = weak.upgrade() {
                w.finish(Some(Err(Ending::Wait(WaitError::Timeout { event, after }))));
            }
        });
        *self.timer.borrow_mut() = timer;
    }

    fn abandon(self: Rc<Self>) {
        self.finish(None);
    }

    fn end(self: Rc<Self>, e: WaitError) {
        self.finish(Some(Err(Ending::Wait(e))));
    }
}

struct Slot<T> {
    result: Option<Result<T, Ending>>,
    waker: Option<Waker>,
}

/// A wait for an observed event, as a `Future`: resolves with the event's
/// value, or a [`WaitError`] when the socket closed or failed first, or after
/// the timeout (30 s unless set with [`Wait::timeout`]).
///
/// The wait is registered when this value is created, so an event caused
/// between creating and awaiting it is not missed. Dropping it stops waiting.
#[must_use = "a Wait does nothing unless awaited"]
pub struct Wait<T> {
    waiter: Rc<dyn Pending>,
    slot: Rc<RefCell<Slot<T>>>,
    timeout: Duration,
    timer_started: bool,
}

impl<T: 'static> Wait<T> {
    /// Waits on `hub` for an event of `kind` that `predicate` accepts,
    /// resolving with `map` of it (`None`: the wait fails as `Closed`).
    pub(crate) fn new<E: Event>(
        hub: &Rc<Hub<E>>,
        kind: Kind,
        predicate: Option<Predicate<E>>,
        map: impl FnOnce(E) -> Option<T> + 'static,
    ) -> Self {
        let slot = Rc::new(RefCell::new(Slot {
            result: None,
            waker: None,
        }));
        let to = slot.clone();
        let settle: Settle<E> = Box::new(move |result| {
            let result = result.and_then(|e| map(e).ok_or(Ending::Wait(WaitError::Closed)));
            let waker = {
                let mut slot = to.borrow_mut();
                slot.result = Some(result);
                slot.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        });
        let waiter = Rc::new(Waiter {
            kind,
            predicate: predicate.map(RefCell::new),
            settle: RefCell::new(Some(settle)),
            timer: RefCell::new(None),
            hub: Rc::downgrade(hub),
        });
        hub.add_waiter(waiter.clone());
        Wait {
            waiter,
            slot,
            timeout: DEFAULT_TIMEOUT,
            timer_started: false,
        }
    }

    /// Sets the timeout, counted from the first poll; zero waits forever.
    ///
    /// ```no_run
    /// # async fn demo(ws: wsroute::Observer) {
    /// use std::time::Duration;
    /// let pong = ws.wait_for_frame_received(|m| m.text() == Some("pong"));
    /// let pong = pong.timeout(Duration::from_secs(5)).await;
    /// # let _ = pong; }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Fails the wait at once (its source has ended already).
    pub(crate) fn ended(self, e: WaitError) -> Self {
        self.waiter.clone().end(e);
        self
    }

    fn poll_ending(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, Ending>> {
        let result = self.slot.borrow_mut().result.take();
        if let Some(result) = result {
            return Poll::Ready(result);
        }
        self.slot.borrow_mut().waker = Some(cx.waker().clone());
        if !self.timer_started {
            self.timer_started = true;
            self.waiter.clone().start_timer(self.timeout);
        }
        Poll::Pending
    }

    /// The outcome with what a JavaScript predicate threw kept, for
    /// `waitForEvent`'s promise.
    pub(crate) async fn outcome(mut self) -> Result<T, Ending> {
        std::future::poll_fn(|cx| self.poll_ending(cx)).await
    }
}

impl<T: 'static> Future for Wait<T> {
    type Output = Result<T, WaitError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.poll_ending(cx).map(|r| {
            r.map_err(|e| match e {
                Ending::Wait(e) => e,
                // Only JavaScript predicates throw, and their waits are
                // awaited through `outcome`.
                Ending::Threw(_) => WaitError::Closed,
            })
        })
    }
}

impl<T> Drop for Wait<T> {
    fn drop(&mut self) {
        // An abandoned wait stops listening (and its timer).
        self.waiter.clone().abandon();
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("timeout", &self.timeout)
            .field("settled", &self.slot.borrow().result.is_some())
            .finish()
    }
}
