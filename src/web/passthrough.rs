//! An unrouted socket: every call goes to a native socket, every native event
//! is fired again at the page's socket object in the same task.
//!
//! When the socket is observed, the native socket always receives
//! ArrayBuffers (observers report bytes, and a Blob can only be read
//! asynchronously) and the page's `binaryType` is applied at dispatch.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::closed;
use super::data::{self, Data};
use super::env;
use super::glue::{self, NativeMessageEvent, NativeSocket};
use super::native::{self, Attached, Handlers, Incoming, Target};
use super::observe::Observer;
use super::routed::{Routed, Setup, Start};
use crate::sans_io::socket::{BinaryType, Conditions, Failure, ReadyState};

pub(crate) struct Passthrough {
    real: NativeSocket,
    /// The page's socket object, which the native events are fired at.
    target: Rc<Target>,
    listeners: RefCell<Option<Attached>>,
    observer: Option<Observer>,
    /// The page's `binaryType` while the native socket receives ArrayBuffers
    /// for an observer.
    binary_type: Option<Cell<BinaryType>>,
}

impl Passthrough {
    /// Passes `real` through to `target`, the page's object; `own` when they
    /// are one object (the page's object was made by the native constructor:
    /// it fires its own events, and wsroute only hears its close).
    #[inline(never)]
    pub(crate) fn new(
        real: NativeSocket,
        target: JsValue,
        own: bool,
        observer: Option<Observer>,
    ) -> Rc<Self> {
        let binary_type = observer.as_ref().map(|o| {
            o.hold_events_behind_sends();
            real.set_binary_type("arraybuffer");
            Cell::new(BinaryType::Blob)
        });
        let this = Rc::new(Passthrough {
            real: real.clone(),
            target: Rc::new(Target::new(target)),
            listeners: RefCell::new(None),
            observer,
            binary_type,
        });
        let listeners = if own {
            let (this_closed, target) = (Rc::downgrade(&this), this.target.clone());
            Attached::gate(&real, move || {
                // Closed: the page's object no longer needs its backend.
                if let Some(page) = target.take() {
                    closed::retire(&page);
                }
                let l = this_closed
                    .upgrade()
                    .and_then(|t| t.listeners.borrow_mut().take());
                if let Some(l) = l {
                    l.release();
                }
            })
        } else {
            Attached::attach(&real, None, this.handlers(this.target.clone()))
        };
        *this.listeners.borrow_mut() = Some(listeners);
        this
    }

    /// What to do on each native event: fire it again at `target`, telling
    /// the observer first.
    fn handlers(
        self: &Rc<Self>,
        target: Rc<Target>,
    ) -> Handlers<
        impl FnMut() + 'static,
        impl FnMut() + 'static,
        impl FnMut(web_sys::CloseEvent) + 'static,
    > {
        let opened = Rc::new(Cell::new(false));
        let (on_open, on_error) = (target.clone(), target.clone());
        let (seen_open, error_after_open) = (opened.clone(), opened);
        let (this_error, this_close) = (Rc::downgrade(self), Rc::downgrade(self));
        let message = match (&self.observer, target.message_forwarder()) {
            // Nothing to observe: JS fires each message again, no wasm call.
            (None, Some(forward)) => Incoming::FiredAgain(forward),
            _ => {
                let (this, target) = (Rc::downgrade(self), target.clone());
                Incoming::Handled(Box::new(move |e: NativeMessageEvent| {
                    if let Some(this) = this.upgrade() {
                        this.received(&target, &e);
                    }
                }))
            }
        };
        Handlers {
            open: (move || {
                seen_open.set(true);
                on_open.fire("open");
            }),
            message,
            error: (move || {
                if let Some(o) = this_error.upgrade().and_then(|t| t.observer.clone()) {
                    o.socket_error(Failure::of_real_socket(error_after_open.get()).to_string());
                }
                on_error.fire("error");
            }),
            close: (move |e: web_sys::CloseEvent| {
                let this = this_close.upgrade();
                if let Some(o) = this.as_ref().and_then(|t| t.observer.as_ref()) {
                    o.closed(e.code(), &e.reason(), e.was_clean());
                }
                let page = target.get();
                target.fire_close(e.code(), &e.reason(), e.was_clean());
                let listeners = this.and_then(|t| t.listeners.borrow_mut().take());
                if let Some(l) = listeners {
                    l.release();
                }
                if let Some(page) = page {
                    closed::retire(&page);
                }
            }),
        }
    }

    /// A message arrived on an observed socket.
    fn received(&self, target: &Target, e: &NativeMessageEvent) {
        let mut data = e.data();
        if let Some(o) = &self.observer {
            if let Some(d) = Data::from_js(&data) {
                o.frame_received(d);
            }
        }
        if self.binary_type.as_ref().map(Cell::get) == Some(BinaryType::Blob) && !data.is_string() {
            data = native::blob_of(&data);
        }
        target.fire_message(&data, &e.origin());
    }

    /// Hands this socket over to a routed socket that forwards it over the
    /// page's link, now that network `conditions` apply to it; `None` when it
    /// is closing or closed already (nothing left to condition).
    pub(crate) fn adopt(
        &self,
        href: &str,
        conditions: Conditions,
        native: Function,
    ) -> Option<Rc<Routed>> {
        let state = self.real.ready_state();
        if state > ReadyState::Open as u16 {
            return None;
        }
        let target = self.target.take()?;
        glue::direct(&target, &JsValue::NULL);
        let listeners = self.listeners.borrow_mut().take();
        // The page's own native socket: its events come through its gate.
        let gate = listeners.as_ref().and_then(Attached::gate_handle);
        if let Some(l) = listeners {
            l.release();
        }
        let opened = (state == ReadyState::Open as u16)
            .then(|| (self.real.protocol(), self.real.extensions()));
        let binary_type = BinaryType::parse(&self.binary_type()).unwrap_or(BinaryType::Blob);
        Some(Routed::new(Setup {
            target,
            url: href.to_owned(),
            protocols: Vec::new(),
            start: Start::Adopt {
                socket: self.real.clone(),
                gate,
                opened,
                binary_type,
            },
            conditions,
            native,
            quirks: env::quirks(),
            observer: self.observer.clone(),
        }))
    }

    pub(crate) fn url(&self) -> String {
        self.real.url()
    }

    pub(crate) fn ready_state(&self) -> u16 {
        self.real.ready_state()
    }

    pub(crate) fn buffered_amount(&self) -> f64 {
        self.real.buffered_amount()
    }

    pub(crate) fn protocol(&self) -> String {
        self.real.protocol()
    }

    pub(crate) fn extensions(&self) -> String {
        self.real.extensions()
    }

    pub(crate) fn binary_type(&self) -> String {
        match &self.binary_type {
            Some(t) => t.get().as_str().to_owned(),
            None => self.real.binary_type(),
        }
    }

    pub(crate) fn set_binary_type(&self, value: &str) {
        match &self.binary_type {
            Some(t) => {
                if let Some(v) = BinaryType::parse(value) {
                    t.set(v);
                }
            }
            None => self.real.set_binary_type(value),
        }
    }

    pub(crate) fn send(&self, data: JsValue) -> Result<(), JsValue> {
        // Only frames that are transmitted (the socket is OPEN) are reported.
        let observer = self
            .observer
            .as_ref()
            .filter(|_| self.real.ready_state() == ReadyState::Open as u16);
        self.real.send_any(&data)?;
        let Some(o) = observer else {
            return Ok(());
        };
        match glue::as_blob(&data) {
            Some(blob) => {
                let ticket = o.frame_sent_pending();
                let o = o.clone();
                data::read_blob(blob, move |m| o.frame_sent_resolved(ticket, m));
            }
            None => {
                if let Some(d) = Data::from_js(&data) {
                    o.frame_sent(d);
                }
            }
        }
        Ok(())
    }

    pub(crate) fn close(&self, code: Option<f64>, reason: Option<String>) -> Result<(), JsValue> {
        let code = code.map(JsValue::from_f64).unwrap_or(JsValue::UNDEFINED);
        let reason = reason.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        self.real.close_any(&code, &reason)?;
        if let Some(o) = &self.observer {
            o.page_called_close();
        }
        Ok(())
    }
}
