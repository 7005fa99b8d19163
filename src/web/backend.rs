//! The object behind each instance of wsroute's `WebSocket` class, and the
//! factory the class calls from its constructor: a pass-through socket when
//! no route matches, a routed one when one does.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::closed;
use super::data;
use super::env;
use super::glue::{self, NativeSocket};
use super::native;
use super::network::{self, Conditioned};
use super::observe::sockets;
use super::passthrough::Passthrough;
use super::registry;
use super::routed::{Routed, Setup, Start};
use super::stats::{Held, Live};
use crate::sans_io::socket::{Conditions, PageState};
use crate::sans_io::validate::{self, DomError};

/// The JS-side backend object of one instance of the class.
#[doc(hidden)]
#[wasm_bindgen(skip_typescript)]
pub struct SocketBackend {
    inner: Rc<Slot>,
}

impl std::fmt::Debug for SocketBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SocketBackend")
    }
}

enum Backend {
    Native(Rc<Passthrough>),
    Routed(Rc<Routed>),
    /// A routed socket whose both sides are done: only what the page sees
    /// is kept, the rest was freed at once.
    Finished {
        url: String,
        page: PageState,
    },
}

/// One backend, taken out of its cell so that no borrow is held while it runs.
enum Now {
    Native(Rc<Passthrough>),
    Routed(Rc<Routed>),
    Finished,
}

/// The backend of one socket, which changes: a pass-through socket becomes a
/// routed one when network conditions come to apply to it, and a routed one
/// is replaced by what the page still sees once it is finished.
struct Slot {
    backend: RefCell<Backend>,
    /// The socket's normalised URL (what conditions and routes match).
    href: String,
    /// Its id among the sockets network conditions are applied to.
    watched: Cell<u64>,
    _live: Live,
}

impl Drop for Slot {
    fn drop(&mut self) {
        network::unwatch(self.watched.get());
    }
}

impl Slot {
    fn new(backend: Backend, href: String) -> Rc<Slot> {
        let slot = Rc::new(Slot {
            backend: RefCell::new(backend),
            href,
            watched: Cell::new(0),
            _live: Live::new(Held::Backends),
        });
        slot.follow();
        let weak: Weak<Slot> = Rc::downgrade(&slot);
        slot.watched.set(network::watch(weak));
        slot
    }

    /// When the routed socket is finished, keeps only what the page sees,
    /// and has the page's object let go of this backend (see `retire`).
    fn follow(self: &Rc<Self>) {
        if let Backend::Routed(r) = &*self.backend.borrow() {
            let slot = Rc::downgrade(self);
            let url = r.url().to_owned();
            let target = r.target();
            r.when_finished(move |page| {
                if let Some(slot) = slot.upgrade() {
                    let finished = Backend::Finished { url, page };
                    // Dropped after the borrow: the socket may be freed now.
                    drop(slot.backend.replace(finished));
                    if let Some(target) = target {
                        closed::retire(&target);
                    }
                }
            });
        }
    }
}

impl Conditioned for Slot {
    fn url(&self) -> String {
        self.href.clone()
    }

    fn apply(self: Rc<Self>, conditions: Conditions) {
        let now = match &*self.backend.borrow() {
            Backend::Native(p) => Now::Native(p.clone()),
            Backend::Routed(r) => Now::Routed(r.clone()),
            Backend::Finished { .. } => Now::Finished,
        };
        match now {
            Now::Routed(r) => r.set_conditions(conditions),
            Now::Native(p) if !conditions.is_clear() => {
                let Some(native) = registry::with(|r| r.native.clone()) else {
                    return;
                };
                let Some(adopted) = p.adopt(&self.href, conditions, native) else {
                    return;
                };
                drop(self.backend.replace(Backend::Routed(adopted)));
                self.follow();
            }
            Now::Native(_) | Now::Finished => {}
        }
    }
}

/// Makes the page's object of a new socket, of class `new_target`, and its
/// backend: `url` and `protocols` are the constructor's converted
/// arguments. Throws what the constructor must throw.
pub(crate) fn create_socket(
    url: String,
    protocols: JsValue,
    new_target: JsValue,
) -> Result<JsValue, JsValue> {
    let quirks = env::quirks();
    let href =
        env::resolve_socket_url(&url, quirks).map_err(|e| glue::dom_error(&DomError::from(e)))?;
    let native = registry::with(|r| r.native.clone())
        .ok_or_else(|| JsValue::from(js_sys::Error::new("wsroute: not installed")))?;
    let route = registry::choose(&href);
    let conditions = if network::any() {
        network::decide(&href)
    } else {
        Conditions::default()
    };
    // The shim always passes an array of strings.
    let list = || -> Vec<String> {
        js_sys::Array::from(&protocols)
            .iter()
            .map(|p| p.as_string().unwrap_or_default())
            .collect()
    };
    let observer = sockets::is_watched()
        .then(|| sockets::observe_new_socket(&href, &list()))
        .flatten();
    let plain = || glue::instance(&new_target, None, "", &JsValue::UNDEFINED);
    let (target, backend, direct) = match route {
        // Unobserved: the native socket is the page's object itself.
        None if conditions.is_clear() && observer.is_none() && glue::can_be_native() => {
            let target = glue::instance(&new_target, Some(&native), &url, &protocols)?;
            let real: NativeSocket = target.clone().unchecked_into();
            let p = Passthrough::new(real.clone(), target.clone(), true, None);
            (target, Backend::Native(p), Some(real))
        }
        None if conditions.is_clear() => {
            let real = native::construct(&native, &url, &protocols)?;
            let target = plain()?;
            let direct = observer.is_none().then(|| real.clone());
            let p = Passthrough::new(real, target.clone(), false, observer.clone());
            (target, Backend::Native(p), direct)
        }
        _ => {
            let list = list();
            validate::validate_protocols(&list, quirks).map_err(|e| glue::dom_error(&e))?;
            let start = match route {
                Some(route) => Start::Route(route.handler.clone()),
                None => Start::Forward,
            };
            let target = plain()?;
            let routed = Routed::new(Setup {
                target: target.clone(),
                url: href.clone(),
                protocols: list,
                start,
                conditions,
                native,
                quirks,
                observer: observer.clone(),
            });
            (target, Backend::Routed(routed), None)
        }
    };
    let inner = Slot::new(backend, href);
    glue::own(&target, &SocketBackend { inner }.into(), direct.as_ref());
    if let Some(o) = &observer {
        sockets::announce(o);
    }
    Ok(target)
}

impl SocketBackend {
    fn now(&self) -> Now {
        match &*self.inner.backend.borrow() {
            Backend::Native(p) => Now::Native(p.clone()),
            Backend::Routed(r) => Now::Routed(r.clone()),
            Backend::Finished { .. } => Now::Finished,
        }
    }

    /// Reads what the page sees of a routed socket, finished or not.
    fn page<R>(&self, f: impl FnOnce(&PageState) -> R) -> Option<R> {
        match &*self.inner.backend.borrow() {
            Backend::Native(_) => None,
            Backend::Routed(r) => Some(r.with_core(|c| f(c.page()))),
            Backend::Finished { page, .. } => Some(f(page)),
        }
    }

    /// Changes what the page sees of a finished socket.
    fn finished_page<R>(&self, f: impl FnOnce(&mut PageState) -> R) -> Option<R> {
        match &mut *self.inner.backend.borrow_mut() {
            Backend::Finished { page, .. } => Some(f(page)),
            _ => None,
        }
    }
}

#[wasm_bindgen]
impl SocketBackend {
    /// `WebSocket.url`.
    pub fn url(&self) -> String {
        match &*self.inner.backend.borrow() {
            Backend::Native(p) => p.url(),
            Backend::Routed(r) => r.url().to_owned(),
            Backend::Finished { url, .. } => url.clone(),
        }
    }

    /// `WebSocket.readyState`.
    #[wasm_bindgen(js_name = readyState)]
    pub fn ready_state(&self) -> u16 {
        match self.now() {
            Now::Native(p) => p.ready_state(),
            _ => self.page(|p| p.ready_state() as u16).unwrap_or_default(),
        }
    }

    /// `WebSocket.bufferedAmount`.
    #[wasm_bindgen(js_name = bufferedAmount)]
    pub fn buffered_amount(&self) -> f64 {
        match self.now() {
            Now::Native(p) => p.buffered_amount(),
            Now::Routed(r) => r.buffered_amount() as f64,
            Now::Finished => self
                .page(|p| p.buffered_amount() as f64)
                .unwrap_or_default(),
        }
    }

    /// `WebSocket.protocol`.
    pub fn protocol(&self) -> String {
        match self.now() {
            Now::Native(p) => p.protocol(),
            _ => self.page(|p| p.protocol().to_owned()).unwrap_or_default(),
        }
    }

    /// `WebSocket.extensions`.
    pub fn extensions(&self) -> String {
        match self.now() {
            Now::Native(p) => p.extensions(),
            _ => self.page(|p| p.extensions().to_owned()).unwrap_or_default(),
        }
    }

    /// `WebSocket.binaryType` (getter).
    #[wasm_bindgen(js_name = binaryType)]
    pub fn binary_type(&self) -> String {
        match self.now() {
            Now::Native(p) => p.binary_type(),
            _ => self
                .page(|p| p.binary_type().as_str().to_owned())
                .unwrap_or_default(),
        }
    }

    /// `WebSocket.binaryType` (setter); invalid values are ignored.
    #[wasm_bindgen(js_name = setBinaryType)]
    pub fn set_binary_type(&self, value: &str) {
        match self.now() {
            Now::Native(p) => p.set_binary_type(value),
            Now::Routed(r) => r.input(|c| c.set_binary_type(value)),
            Now::Finished => {
                self.finished_page(|p| p.set_binary_type(value));
            }
        }
    }

    /// `WebSocket.send()`; `data` is a string, a BufferSource or a Blob.
    pub fn send(&self, data: JsValue) -> Result<(), JsValue> {
        match self.now() {
            Now::Native(p) => p.send(data),
            Now::Routed(r) => r.page_send(data),
            Now::Finished => {
                let size = data::byte_size(&data);
                self.finished_page(|p| p.send_after_close(size))
                    .unwrap_or(Ok(()))
                    .map_err(|e| glue::dom_error(&DomError::InvalidState(e.to_string())))
            }
        }
    }

    /// `WebSocket.close()`; `code` is the number before `[Clamp]` conversion.
    pub fn close(&self, code: Option<f64>, reason: Option<String>) -> Result<(), JsValue> {
        match self.now() {
            Now::Native(p) => p.close(code, reason),
            Now::Routed(r) => r.page_close(code, reason),
            Now::Finished => closed::ClosedRules.close(code, reason),
        }
    }
}
