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

use super::event::{Event, Kind, WaitError};
use super::hub::{Awaiting, Hub};
use crate::web::timer::Timeout;

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

/// Called once with how a wait ended.
pub(crate) type Settle<E> = Box<dyn FnOnce(Result<E, Ending>)>;

/// Registers a wait on `hub` for an event of `kind` that `predicate`
/// accepts; `settle` hears how it ends. Its timer starts with
/// [`Waiter::start_timer`].
pub(crate) fn register<E: Event>(
    hub: &Rc<Hub<E>>,
    kind: Kind,
    predicate: Option<Predicate<E>>,
    settle: Settle<E>,
) -> Rc<Waiter<E>> {
    let waiter = Rc::new(Waiter {
        kind,
        predicate: predicate.map(RefCell::new),
        settle: RefCell::new(Some(settle)),
        timer: RefCell::new(None),
        hub: Rc::downgrade(hub),
    });
    hub.add_waiter(waiter.clone());
    waiter
}

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
            let me: Rc<dyn Awaiting<E>> = self.clone();
            hub.remove_waiter(&me);
        }
        if let Some(result) = result {
            settle(result);
        }
    }
}

impl<E: Event> Awaiting<E> for Waiter<E> {
    /// Offers an event: the wait settles, declines, or (async predicate)
    /// settles later.
    fn offer(self: Rc<Self>, event: &E) {
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

impl<E: Event> Waiter<E> {
    /// Fails the wait after `after` (zero: never).
    pub(crate) fn start_timer(self: &Rc<Self>, after: Duration) {
        if after.is_zero() || self.is_settled() {
            return;
        }
        let weak = Rc::downgrade(self);
        let event = self.kind.name();
        let timer = Timeout::start(after.as_millis() as f64, move || {
            if let Some(w) = weak.upgrade() {
                w.finish(Some(Err(Ending::Wait(WaitError::Timeout { event, after }))));
            }
        });
        *self.timer.borrow_mut() = timer;
    }
}

/// Where a Rust wait's outcome lands, and who to wake.
struct Slot<E> {
    result: Option<Result<E, WaitError>>,
    waker: Option<Waker>,
}

/// A Rust wait on events of type `E` resolving with `T`: the part of a
/// [`Wait`] that knows `E`.
struct Waiting<E, T> {
    waiter: Rc<Waiter<E>>,
    slot: Rc<RefCell<Slot<E>>>,
    map: fn(E) -> Option<T>,
}

/// What a [`Wait`] needs, whatever the events it waits among.
trait Pending<T> {
    fn start_timer(&self, after: Duration);
    fn abandon(&self);
    fn end(&self, e: WaitError);
    /// The outcome if settled; else remembers `waker`.
    fn poll(&self, waker: &Waker) -> Option<Result<T, WaitError>>;
}

impl<E: Event, T> Pending<T> for Waiting<E, T> {
    fn start_timer(&self, after: Duration) {
        self.waiter.start_timer(after);
    }

    fn abandon(&self) {
        self.waiter.finish(None);
    }

    fn end(&self, e: WaitError) {
        self.waiter.finish(Some(Err(Ending::Wait(e))));
    }

    fn poll(&self, waker: &Waker) -> Option<Result<T, WaitError>> {
        let mut slot = self.slot.borrow_mut();
        match slot.result.take() {
            Some(r) => Some(r.and_then(|e| (self.map)(e).ok_or(WaitError::Closed))),
            None => {
                slot.waker = Some(waker.clone());
                None
            }
        }
    }
}

/// A wait for an observed event, as a `Future`: resolves with the event's
/// value, or a [`WaitError`] when the socket closed or failed first, or after
/// the timeout (30 s unless set with [`Wait::timeout`]).
///
/// The wait is registered when this value is created, so an event caused
/// between creating and awaiting it is not missed. Dropping it stops waiting.
#[must_use = "a Wait does nothing unless awaited"]
pub struct Wait<T> {
    pending: Box<dyn Pending<T>>,
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
        map: fn(E) -> Option<T>,
    ) -> Self {
        let slot = Rc::new(RefCell::new(Slot {
            result: None,
            waker: None,
        }));
        let waiter = register(hub, kind, predicate, settle_into(slot.clone()));
        Wait {
            pending: Box::new(Waiting { waiter, slot, map }),
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
        self.pending.end(e);
        self
    }
}

/// Settles a Rust wait: stores the outcome in `slot` and wakes its task.
fn settle_into<E: Event>(slot: Rc<RefCell<Slot<E>>>) -> Settle<E> {
    Box::new(move |result| {
        let result = result.map_err(|e| match e {
            Ending::Wait(e) => e,
            // Only JavaScript predicates throw, and their waits settle a
            // promise instead.
            Ending::Threw(_) => WaitError::Closed,
        });
        let waker = {
            let mut slot = slot.borrow_mut();
            slot.result = Some(result);
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    })
}

impl<T: 'static> Future for Wait<T> {
    type Output = Result<T, WaitError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Some(result) = self.pending.poll(cx.waker()) {
            return Poll::Ready(result);
        }
        if !self.timer_started {
            self.timer_started = true;
            self.pending.start_timer(self.timeout);
        }
        Poll::Pending
    }
}

impl<T> Drop for Wait<T> {
    fn drop(&mut self) {
        // An abandoned wait stops listening (and its timer).
        self.pending.abandon();
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("timeout", &self.timeout)
            .field("timer_started", &self.timer_started)
            .finish()
    }
}
