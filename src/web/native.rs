//! Native sockets: creating one with the browser's own constructor, listening
//! to it, and firing events at the page's socket object.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Blob;

use super::glue::{self, Gate, NativeSocket};
use super::stats::{Held, Live};

/// Creates a socket with the browser's own `WebSocket` constructor (captured
/// at install: the global one may be wsroute's class by now).
pub(crate) fn construct(
    native: &Function,
    url: &str,
    protocols: &JsValue,
) -> Result<NativeSocket, JsValue> {
    let args = js_sys::Array::of2(&JsValue::from_str(url), protocols);
    let socket = js_sys::Reflect::construct(native, &args)?;
    Ok(socket.unchecked_into())
}

/// What becomes of a native socket's `message` events.
pub(crate) enum Incoming {
    /// Handled in Rust.
    Handled(Box<dyn FnMut(glue::NativeMessageEvent)>),
    /// Fired again at the page's socket by this JS function, with no wasm
    /// call per message (unobserved pass-through sockets).
    FiredAgain(Function),
}

/// The closures attached to a native socket, detached when it has closed.
pub(crate) struct Attached {
    socket: NativeSocket,
    /// The gate they listen through (the page's own native socket), else
    /// they are its event handler attributes.
    gate: Option<Gate>,
    _closures: Vec<Closure<dyn FnMut(JsValue)>>,
    _live: Live,
}

/// What to do on each of a native socket's events.
pub(crate) struct Handlers<O, E, C> {
    pub(crate) open: O,
    pub(crate) message: Incoming,
    pub(crate) error: E,
    pub(crate) close: C,
}

impl Attached {
    /// Attaches `handlers` to `socket`'s event handler attributes, or
    /// through `gate` when the socket is the page's object (then they hear
    /// its events, and the page's listeners hear only what wsroute fires).
    pub(crate) fn attach<O, E, C>(
        socket: &NativeSocket,
        gate: Option<Gate>,
        handlers: Handlers<O, E, C>,
    ) -> Self
    where
        O: FnMut() + 'static,
        E: FnMut() + 'static,
        C: FnMut(web_sys::CloseEvent) + 'static,
    {
        let Handlers {
            mut open,
            message,
            mut error,
            mut close,
        } = handlers;
        let open = Closure::<dyn FnMut(JsValue)>::new(move |_| open());
        let error = Closure::<dyn FnMut(JsValue)>::new(move |_| error());
        let close = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| close(e.unchecked_into()));
        let mut closures = Vec::with_capacity(4);
        let message: JsValue = match message {
            Incoming::Handled(mut f) => {
                let message =
                    Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| f(e.unchecked_into()));
                let js = message.as_ref().clone();
                closures.push(message);
                js
            }
            Incoming::FiredAgain(f) => f.into(),
        };
        let (o, e, c) = (open.as_ref(), error.as_ref(), close.as_ref());
        match &gate {
            Some(g) => g.take(o, &message, e, c),
            None => {
                socket.set_onopen(Some(o.unchecked_ref()));
                socket.set_onmessage(Some(message.unchecked_ref()));
                socket.set_onerror(Some(e.unchecked_ref()));
                socket.set_onclose(Some(c.unchecked_ref()));
            }
        }
        closures.extend([open, error, close]);
        Attached {
            socket: socket.clone(),
            gate,
            _closures: closures,
            _live: Live::new(Held::NativeListeners),
        }
    }

    /// Listens first to `socket`, the page's own object, which wsroute
    /// leaves alone: `closed` runs on its close. Its gate (`gate_handle`)
    /// is what `attach` takes if wsroute comes to handle the socket's events.
    pub(crate) fn gate(socket: &NativeSocket, closed: impl FnMut() + 'static) -> Self {
        let mut closed = closed;
        let closed = Closure::<dyn FnMut(JsValue)>::new(move |_| closed());
        let gate = glue::gate(socket, closed.as_ref());
        Attached {
            socket: socket.clone(),
            gate: Some(gate),
            _closures: vec![closed],
            _live: Live::new(Held::NativeListeners),
        }
    }

    /// The gate these listen through, if any (see `gate`).
    pub(crate) fn gate_handle(&self) -> Option<Gate> {
        self.gate.clone()
    }

    /// Detaches the closures, and frees them once the current callback (which
    /// may be one of them) has returned.
    pub(crate) fn release(self) {
        match &self.gate {
            Some(g) => g.release(),
            None => {
                self.socket.set_onopen(None);
                self.socket.set_onmessage(None);
                self.socket.set_onerror(None);
                self.socket.set_onclose(None);
            }
        }
        wasm_bindgen_futures::spawn_local(async move { drop(self) });
    }
}

/// The page's socket object, which events are fired at; let go of once it
/// has closed (it holds its backend, which would hold it: a cycle).
#[derive(Default)]
pub(crate) struct Target(RefCell<Option<JsValue>>);

impl Target {
    pub(crate) fn new(target: JsValue) -> Self {
        Target(RefCell::new(Some(target)))
    }

    /// The target, until its `close` event.
    pub(crate) fn get(&self) -> Option<JsValue> {
        self.0.borrow().clone()
    }

    /// Fires a plain event (`open`, `error`).
    pub(crate) fn fire(&self, kind: &str) {
        if let Some(t) = self.get() {
            glue::fire_event(&t, kind);
        }
    }

    /// Fires a `message` event.
    pub(crate) fn fire_message(&self, data: &JsValue, origin: &JsValue) {
        if let Some(t) = self.get() {
            glue::fire_message(&t, data, origin);
        }
    }

    /// Fires the `close` event, and lets go of the target: nothing follows.
    pub(crate) fn fire_close(&self, code: u16, reason: &str, was_clean: bool) {
        // Taken first: the borrow must end before page code runs.
        let target = self.0.borrow_mut().take();
        if let Some(t) = target {
            glue::fire_close(&t, code, reason, was_clean);
        }
    }

    /// Lets go of the target without firing anything.
    pub(crate) fn release(&self) {
        self.0.borrow_mut().take();
    }

    /// Hands the target over (to whoever fires its events from now on).
    pub(crate) fn take(&self) -> Option<JsValue> {
        self.0.borrow_mut().take()
    }

    /// A JS listener that re-fires a native socket's messages at the target.
    pub(crate) fn message_forwarder(&self) -> Option<Function> {
        self.get().map(|t| glue::message_forwarder(&t))
    }
}

/// A Blob holding the bytes of an ArrayBuffer.
pub(crate) fn blob_of(buffer: &JsValue) -> JsValue {
    Blob::new_with_buffer_source_sequence(&js_sys::Array::of1(buffer))
        .map(Into::into)
        .unwrap_or(JsValue::NULL)
}
