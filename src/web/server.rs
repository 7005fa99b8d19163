//! The real socket behind a route after `connectToServer()`: created with the
//! browser's own constructor, its events handed to whoever opened it.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::data::Data;
use super::glue::{Gate, NativeMessageEvent, NativeSocket};
use super::native::{self, Attached, Handlers, Incoming};

/// What the real socket did.
pub(crate) enum ServerEvent {
    Opened {
        protocol: String,
        extensions: String,
    },
    Message(Data),
    /// The `error` event (its close follows).
    Error,
    Closed {
        code: u16,
        reason: String,
        was_clean: bool,
    },
}

/// A real socket and the listeners that report its events.
pub(crate) struct RealSocket {
    socket: NativeSocket,
    listeners: RefCell<Option<Attached>>,
}

impl RealSocket {
    /// Connects to `url` asking for `protocols`; `on_event` hears what
    /// happens. Fails with what the constructor threw.
    pub(crate) fn open(
        native: &Function,
        url: &str,
        protocols: &[String],
        on_event: Rc<dyn Fn(ServerEvent)>,
    ) -> Result<RealSocket, JsValue> {
        let list: js_sys::Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
        let socket = native::construct(native, url, &list)?;
        Ok(RealSocket::adopt(socket, None, on_event))
    }

    /// Listens to a native socket made earlier (one that was passed through,
    /// through its `gate` when it is the page's object); `on_event` hears
    /// what happens from now on.
    pub(crate) fn adopt(
        socket: NativeSocket,
        gate: Option<Gate>,
        on_event: Rc<dyn Fn(ServerEvent)>,
    ) -> RealSocket {
        socket.set_binary_type("arraybuffer");
        let (on_open, on_message, on_error, on_close) = (
            on_event.clone(),
            on_event.clone(),
            on_event.clone(),
            on_event,
        );
        let opened = socket.clone();
        let listeners = Attached::attach(
            &socket,
            gate,
            Handlers {
                open: (move || {
                    on_open(ServerEvent::Opened {
                        protocol: opened.protocol(),
                        extensions: opened.extensions(),
                    })
                }),
                message: Incoming::Handled(Box::new(move |e: NativeMessageEvent| {
                    let data = e.data();
                    // Received text is well-formed already, and binary
                    // arrives as a new ArrayBuffer only wsroute holds.
                    let m = if data.is_string() {
                        Data::received_text(data)
                    } else {
                        Data::owned_bytes(wasm_bindgen::JsCast::unchecked_into(data))
                    };
                    on_message(ServerEvent::Message(m));
                })),
                error: (move || on_error(ServerEvent::Error)),
                close: (move |e: web_sys::CloseEvent| {
                    on_close(ServerEvent::Closed {
                        code: e.code(),
                        reason: e.reason(),
                        was_clean: e.was_clean(),
                    })
                }),
            },
        );
        RealSocket {
            socket,
            listeners: RefCell::new(Some(listeners)),
        }
    }

    /// Sends a message (the socket is open).
    pub(crate) fn send(&self, m: &Data) -> Result<(), JsValue> {
        self.socket.send_any(m.shared())
    }

    /// Starts the closing handshake with arguments a browser accepts.
    pub(crate) fn close(&self, code: Option<u16>, reason: Option<&str>) -> Result<(), JsValue> {
        let code = code.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let reason = reason.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        self.socket.close_any(&code, &reason)
    }

    /// Stops listening (the socket has closed, or nobody needs it any more).
    pub(crate) fn release(&self) {
        let listeners = self.listeners.borrow_mut().take();
        if let Some(l) = listeners {
            l.release();
        }
    }
}
