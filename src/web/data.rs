//! The payload the edge carries through the state machine: JavaScript
//! values, so a message goes from the page to a route and back without being
//! copied into wasm memory. Rust consumers (Rust route handlers, observers
//! and waits) get a [`Message`], copied out of JS once and cached.

use std::cell::{Cell, OnceCell};
use std::fmt;
use std::rc::Rc;

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::glue;
use crate::sans_io::message::{Message, Payload};

/// One message: a well-formed JS string, or an `ArrayBuffer` only wsroute
/// holds (or, on its way straight to a native `send()`, the page's own
/// BufferSource: [`Data::from_page`]). Cloning shares it.
#[derive(Clone)]
pub(crate) struct Data(Rc<Inner>);

struct Inner {
    value: JsValue,
    text: bool,
    /// Measured on first use: only the page's own sends need it (for
    /// `bufferedAmount`), so a route's messages are never measured.
    byte_len: Cell<Option<u64>>,
    rust: OnceCell<Message>,
}

impl Data {
    fn new(value: JsValue, text: bool, byte_len: Option<u64>, rust: OnceCell<Message>) -> Self {
        Data(Rc::new(Inner {
            value,
            text,
            byte_len: Cell::new(byte_len),
            rust,
        }))
    }

    /// A JS string, converted as WebIDL's `USVString` would (lone surrogates
    /// become U+FFFD, as they do on the wire).
    pub(crate) fn text(s: &JsValue) -> Self {
        let value = if glue::is_well_formed(s) {
            s.clone()
        } else {
            glue::to_well_formed(s)
        };
        Data::new(value, true, None, OnceCell::new())
    }

    /// Text a real socket received: well-formed already (the browser decoded
    /// it from UTF-8), so not checked again.
    pub(crate) fn received_text(s: JsValue) -> Self {
        Data::new(s, true, None, OnceCell::new())
    }

    /// Takes an `ArrayBuffer` nobody else holds (a copy, or a Blob's bytes).
    pub(crate) fn owned_bytes(buffer: ArrayBuffer) -> Self {
        let len = buffer.byte_length() as u64;
        Data::new(buffer.into(), false, Some(len), OnceCell::new())
    }

    /// A string, or a copy of an ArrayBuffer's or ArrayBufferView's bytes
    /// (only the view's own range; callers may reuse the memory after
    /// `send()`). `None` for anything else.
    pub(crate) fn from_js(v: &JsValue) -> Option<Self> {
        if v.is_string() {
            return Some(Data::text(v));
        }
        copy_buffer_source(v).map(Data::owned_bytes)
    }

    /// A page's `send()` argument: as [`Data::from_js`] makes it, or, with
    /// `uncopied`, a BufferSource that is the page's own (an ArrayBufferView,
    /// not its buffer): only for a message whose one reader is the native
    /// `send()` it goes to before the page runs again.
    pub(crate) fn from_page(v: &JsValue, uncopied: bool) -> Option<Self> {
        if !uncopied || v.is_string() {
            return Data::from_js(v);
        }
        let len = buffer_source_len(v)?;
        Some(Data::new(v.clone(), false, Some(len), OnceCell::new()))
    }

    /// A message from Rust: made into a JS value now, kept for Rust readers.
    pub(crate) fn from_message(m: Message) -> Self {
        let (value, text) = match &m {
            Message::Text(s) => (JsValue::from_str(s), true),
            Message::Binary(b) => (Uint8Array::from(b.as_slice()).buffer().into(), false),
        };
        let len = m.byte_len();
        Data::new(value, text, Some(len), OnceCell::from(m))
    }

    /// The message as Rust sees it (copied out of JS on first use).
    pub(crate) fn message(&self) -> &Message {
        self.0
            .rust
            .get_or_init(|| copy_out(&self.0.value, self.0.text))
    }

    /// The message as Rust sees it, by value.
    pub(crate) fn into_message(self) -> Message {
        match Rc::try_unwrap(self.0) {
            Ok(inner) => match inner.rust.into_inner() {
                Some(m) => m,
                None => copy_out(&inner.value, inner.text),
            },
            Err(shared) => Data(shared).message().clone(),
        }
    }

    /// Whether this is text.
    pub(crate) fn is_text(&self) -> bool {
        self.0.text
    }

    /// The value for a JS consumer that may keep or modify it: the string
    /// itself, or a fresh copy of the bytes.
    pub(crate) fn to_js(&self) -> JsValue {
        if self.0.text {
            self.0.value.clone()
        } else {
            // Only ArrayBuffers wsroute made or received are held here.
            let b: &ArrayBuffer = self.0.value.unchecked_ref();
            b.slice(0).into()
        }
    }

    /// The value for a JS consumer that may keep or modify it, giving up this
    /// handle: when no other handle shares the bytes they are handed over
    /// without a copy.
    pub(crate) fn into_js(self) -> JsValue {
        match Rc::try_unwrap(self.0) {
            Ok(inner) => inner.value,
            Err(shared) => Data(shared).to_js(),
        }
    }

    /// The value itself, for consumers that only read it (a native `send()`,
    /// a `Blob` constructor).
    pub(crate) fn shared(&self) -> &JsValue {
        &self.0.value
    }
}

impl Payload for Data {
    fn byte_len(&self) -> u64 {
        if let Some(n) = self.0.byte_len.get() {
            return n;
        }
        let n = glue::utf8_length(&self.0.value) as u64;
        self.0.byte_len.set(Some(n));
        n
    }

    fn known_len(&self) -> Option<u64> {
        self.0.byte_len.get()
    }
}

impl fmt::Debug for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.0.text { "text" } else { "binary" };
        write!(f, "Data({kind}, {:?} bytes)", self.0.byte_len.get())
    }
}

fn copy_out(value: &JsValue, text: bool) -> Message {
    if text {
        Message::Text(value.as_string().unwrap_or_default())
    } else {
        Message::Binary(Uint8Array::new(value).to_vec())
    }
}

/// A copy of the bytes of an ArrayBuffer or an ArrayBufferView (only its own
/// range), made synchronously in JS, in this realm whatever the data's realm;
/// `None` for anything else. A detached buffer (whose bytes could not be
/// read) has no bytes: its copy is empty.
pub(crate) fn copy_buffer_source(data: &JsValue) -> Option<ArrayBuffer> {
    let (buffer, start, len) = if glue::is_array_buffer(data) {
        let buf: &ArrayBuffer = data.unchecked_ref();
        (buf.clone().into(), 0, buf.byte_length())
    } else if ArrayBuffer::is_view(data) {
        let view: &glue::BufferView = data.unchecked_ref();
        (
            view.buffer(),
            view.byte_offset() as u32,
            view.byte_length() as u32,
        )
    } else {
        return None;
    };
    if len == 0 {
        return Some(ArrayBuffer::new(0));
    }
    Some(glue::copy_bytes(&buffer, start, len))
}

/// Reads `blob` asynchronously; `done` gets its bytes, or `None` (reported on
/// the console) when reading failed.
pub(crate) fn read_blob(blob: &web_sys::Blob, done: impl FnOnce(Option<Data>) + 'static) {
    read_blob_into(blob, Box::new(done));
}

// One copy of the future whatever `done` is.
fn read_blob_into(blob: &web_sys::Blob, done: Box<dyn FnOnce(Option<Data>)>) {
    let read = glue::blob_bytes(blob);
    wasm_bindgen_futures::spawn_local(async move {
        let bytes = match wasm_bindgen_futures::JsFuture::from(read).await {
            Ok(buf) => Some(Data::owned_bytes(buf.unchecked_into())),
            Err(e) => {
                glue::report("wsroute: reading a Blob failed:", &e);
                None
            }
        };
        done(bytes);
    });
}

/// What a `send()` of `v` (a string, a BufferSource or a Blob) adds to
/// `bufferedAmount`, without copying it.
pub(crate) fn byte_size(v: &JsValue) -> u64 {
    if let Some(b) = glue::as_blob(v) {
        return b.size() as u64;
    }
    if v.is_string() {
        return Data::text(v).byte_len();
    }
    buffer_source_len(v).unwrap_or(0)
}

/// The byte length of an ArrayBuffer or an ArrayBufferView (its own range);
/// `None` for anything else.
fn buffer_source_len(v: &JsValue) -> Option<u64> {
    if glue::is_array_buffer(v) {
        let b: &ArrayBuffer = v.unchecked_ref();
        return Some(b.byte_length() as u64);
    }
    if ArrayBuffer::is_view(v) {
        let view: &glue::BufferView = v.unchecked_ref();
        return Some(view.byte_length() as u64);
    }
    None
}
