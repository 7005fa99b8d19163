//! Every conversion of a JavaScript value into the Rust the edge runs on:
//! functions become closures where they enter (keeping the function for
//! `off` and `unrouteWebSocket`), and events, frames and errors become the
//! values JavaScript callers get back.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::observer::JsObserver;
use super::route::JsRoute;
use crate::sans_io::socket::Side;
use crate::web::data::Data;
use crate::web::glue;
use crate::web::matcher::{Matcher, Pattern};
use crate::web::observe::Observer;
use crate::web::observe::hub::{Callback, Event, Kind};
use crate::web::observe::observer::SocketEvent;
use crate::web::observe::sockets::NewSocket;
use crate::web::observe::wait::{DEFAULT_TIMEOUT, Ending, Predicate, Verdict, Wait, WaitError};
use crate::web::route::WebSocketRoute;
use crate::web::routed::{OnClose, OnMessage, RouteHandler};

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// `value` as a function, or a `TypeError` that says what `what` must be.
pub(crate) fn function(value: JsValue, what: &str) -> Result<Function, JsValue> {
    value
        .dyn_into::<Function>()
        .map_err(|_| type_error(&format!("{what} must be a function")))
}

fn is_thenable(v: &JsValue) -> bool {
    (v.is_object() || v.is_function())
        && js_sys::Reflect::get(v, &JsValue::from_str("then"))
            .map(|t| t.is_function())
            .unwrap_or(false)
}

/// Which sockets a route handles: a glob string, a `RegExp`, or a predicate
/// that receives a `URL`.
pub(crate) fn pattern(url: &JsValue) -> Result<Pattern, JsValue> {
    if let Some(s) = url.as_string() {
        return Ok(Pattern::from(s));
    }
    if let Some(r) = url.dyn_ref::<js_sys::RegExp>() {
        return Ok(Pattern(Matcher::Regex(r.clone())));
    }
    let Some(f) = url.dyn_ref::<Function>().cloned() else {
        return Err(type_error("url must be a string, a RegExp or a function"));
    };
    let from = Some(f.clone().into());
    let test = move |href: &str| {
        let arg = web_sys::Url::new(href)
            .map(JsValue::from)
            .unwrap_or(JsValue::UNDEFINED);
        match f.call1(&JsValue::UNDEFINED, &arg) {
            Ok(v) => v.is_truthy(),
            Err(e) => {
                glue::report(&format!("wsroute: a route predicate threw for {href}:"), &e);
                false
            }
        }
    };
    Ok(Pattern(Matcher::Predicate {
        test: Rc::new(test),
        from,
    }))
}

/// A JavaScript route handler: called with the page-side `WebSocketRoute`;
/// a returned thenable keeps the socket connecting until it settles.
pub(crate) fn route_handler(f: Function) -> RouteHandler {
    RouteHandler::new(move |socket| {
        let route = JsRoute::from(WebSocketRoute::new(socket, Side::Page));
        let ret = f.call1(&JsValue::UNDEFINED, &route.into())?;
        if !is_thenable(&ret) {
            return Ok(None);
        }
        let settled = JsFuture::from(Promise::resolve(&ret));
        Ok(Some(Box::pin(async move { settled.await.map(|_| ()) })))
    })
}

/// A JavaScript `onMessage` handler: text as a string, binary as an ArrayBuffer.
pub(crate) fn on_message(f: Function, url: String) -> OnMessage {
    OnMessage::new(move |m: Data| {
        if let Err(e) = glue::call1(&f, &JsValue::UNDEFINED, &m.into_js()) {
            glue::report(&format!("wsroute: onMessage handler for {url} threw:"), &e);
        }
    })
}

/// A JavaScript `onClose` handler: code and reason, `undefined` when none.
pub(crate) fn on_close(f: Function, url: String) -> OnClose {
    OnClose::new(move |code, reason| {
        let code = code.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        let reason = reason.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
        if let Err(e) = f.call2(&JsValue::UNDEFINED, &code, &reason) {
            glue::report(&format!("wsroute: onClose handler for {url} threw:"), &e);
        }
    })
}

/// How events of one source look to JavaScript.
pub(crate) trait ToJs {
    fn to_js(&self) -> JsValue;
}

/// The object JavaScript listeners see for `o` (always the same one).
pub(crate) fn observer_handle(o: &Observer) -> JsValue {
    o.js_handle(|o| JsObserver::from(o).into())
}

fn frame(m: &Data) -> JsValue {
    let frame = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&frame, &JsValue::from_str("payload"), &m.to_js());
    frame.into()
}

impl ToJs for SocketEvent {
    fn to_js(&self) -> JsValue {
        match self {
            SocketEvent::FrameSent(m) | SocketEvent::FrameReceived(m) => frame(m),
            SocketEvent::Close(o) => observer_handle(o),
            SocketEvent::SocketError(e) => JsValue::from_str(e),
        }
    }
}

impl ToJs for NewSocket {
    fn to_js(&self) -> JsValue {
        observer_handle(&self.0)
    }
}

/// A JavaScript listener of `kind` events.
pub(crate) fn listener<E: Event + ToJs>(f: Function, kind: Kind) -> Callback<E> {
    Rc::new(RefCell::new(move |e: &E| {
        if let Err(err) = glue::call1(&f, &JsValue::UNDEFINED, &e.to_js()) {
            glue::report(
                &format!("wsroute: a '{}' listener threw:", kind.name()),
                &err,
            );
        }
    }))
}

/// A JavaScript predicate (sync or async) of a wait.
fn predicate<E: Event + ToJs>(f: Function) -> Predicate<E> {
    Box::new(
        move |e: &E| match f.call1(&JsValue::UNDEFINED, &e.to_js()) {
            Err(thrown) => Verdict::Threw(thrown),
            Ok(r) if is_thenable(&r) => {
                let answer = JsFuture::from(Promise::resolve(&r));
                Verdict::Later(Box::pin(async move { answer.await.map(|v| v.is_truthy()) }))
            }
            Ok(r) if r.is_truthy() => Verdict::Accept,
            Ok(_) => Verdict::Decline,
        },
    )
}

/// The name of an event among `allowed`, or a `TypeError` listing them.
pub(crate) fn kind(event: &str, allowed: &[Kind]) -> Result<Kind, JsValue> {
    Kind::parse(event, allowed).ok_or_else(|| {
        let names: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
        type_error(&format!(
            "unknown event \"{event}\"; expected one of: {}",
            names.join(", ")
        ))
    })
}

/// `waitForEvent(event, predicateOrOptions)`: a predicate, or `{ predicate, timeout }`.
fn wait_options(options: &JsValue) -> Result<(Option<Function>, Duration), JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok((None, DEFAULT_TIMEOUT));
    }
    if let Some(f) = options.dyn_ref::<Function>() {
        return Ok((Some(f.clone()), DEFAULT_TIMEOUT));
    }
    if !options.is_object() {
        return Err(type_error(
            "waitForEvent: options must be a function or an object",
        ));
    }
    let get = |k: &str| {
        js_sys::Reflect::get(options, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
    };
    let predicate = match get("predicate") {
        p if p.is_undefined() || p.is_null() => None,
        p => Some(function(p, "waitForEvent: predicate")?),
    };
    let timeout = match get("timeout") {
        t if t.is_undefined() || t.is_null() => DEFAULT_TIMEOUT,
        t => match t.as_f64() {
            Some(ms) if ms >= 0.0 && ms.is_finite() => Duration::from_millis(ms as u64),
            _ => {
                return Err(type_error(
                    "waitForEvent: timeout must be a number of milliseconds >= 0",
                ));
            }
        },
    };
    Ok((predicate, timeout))
}

fn wait_error(e: &WaitError) -> JsValue {
    let error = js_sys::Error::new(&e.to_string());
    if matches!(e, WaitError::Timeout { .. }) {
        error.set_name("TimeoutError");
    }
    error.into()
}

/// `waitForEvent` on `hub`: a promise of the first `kind` event the options'
/// predicate accepts.
pub(crate) fn wait_for<E: Event + ToJs>(
    hub: &Rc<crate::web::observe::hub::Hub<E>>,
    kind: Kind,
    options: &JsValue,
) -> Result<Promise, JsValue> {
    let (f, timeout) = wait_options(options)?;
    let wait = Wait::new(hub, kind, f.map(predicate), |e: E| Some(e.to_js())).timeout(timeout);
    Ok(wasm_bindgen_futures::future_to_promise(async move {
        wait.outcome().await.map_err(|e| match e {
            Ending::Wait(e) => wait_error(&e),
            Ending::Threw(thrown) => thrown,
        })
    }))
}
