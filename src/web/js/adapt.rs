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

use crate::sans_io::socket::{Conditions, Side};
use crate::sans_io::validate;
use crate::web::data::Data;
use crate::web::glue;
use crate::web::matcher::{Matcher, Pattern};
use crate::web::observe::event::{Event, Kind, WaitError};
use crate::web::observe::hub::Callback;
use crate::web::observe::wait::{self, DEFAULT_TIMEOUT, Ending, Predicate, Settle, Verdict};
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

/// A JavaScript route handler: called with the page-side route as `wrap`
/// makes it for JavaScript; a returned thenable keeps the socket connecting
/// until it settles.
pub(crate) fn route_handler(f: Function, wrap: fn(WebSocketRoute) -> JsValue) -> RouteHandler {
    RouteHandler::new(move |socket| {
        let route = wrap(WebSocketRoute::new(socket, Side::Page));
        let ret = f.call1(&JsValue::UNDEFINED, &route)?;
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

/// How an event looks to JavaScript listeners and waits.
pub(crate) trait ToJs {
    fn to_js(&self) -> JsValue;
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
        let mut message = format!("unknown event \"{event}\"; expected one of: ");
        for (i, k) in allowed.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            message.push_str(k.name());
        }
        type_error(&message)
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
/// predicate accepts. Its timeout runs from now.
pub(crate) fn wait_for<E: Event + ToJs>(
    hub: &Rc<crate::web::observe::hub::Hub<E>>,
    kind: Kind,
    options: &JsValue,
) -> Result<Promise, JsValue> {
    let (f, timeout) = wait_options(options)?;
    let predicate = f.map(predicate);
    let mut settle = None;
    let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
    if let Some((resolve, reject)) = settle {
        let settle: Settle<E> = Box::new(move |outcome| {
            let _ = match outcome {
                Ok(e) => resolve.call1(&JsValue::UNDEFINED, &e.to_js()),
                Err(Ending::Wait(e)) => reject.call1(&JsValue::UNDEFINED, &wait_error(&e)),
                Err(Ending::Threw(thrown)) => reject.call1(&JsValue::UNDEFINED, &thrown),
            };
        });
        wait::register(hub, kind, predicate, settle).start_timer(timeout);
    }
    Ok(promise)
}

/// `setNetworkConditions`' first argument: an object (each field checked, a
/// bad one named in a `TypeError`), or `null` (`None`: remove).
pub(crate) fn conditions(value: &JsValue) -> Result<Option<Conditions>, JsValue> {
    const WHAT: &str = "setNetworkConditions";
    if value.is_null() {
        return Ok(None);
    }
    if !value.is_object() {
        return Err(type_error(&format!(
            "{WHAT}: conditions must be an object or null"
        )));
    }
    let get =
        |k: &str| js_sys::Reflect::get(value, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let bad = |e: validate::ConditionError| type_error(&format!("{WHAT}: {e}"));
    let number = |k: &'static str, expected: &'static str| -> Result<Option<f64>, JsValue> {
        let v = get(k);
        if v.is_undefined() {
            return Ok(None);
        }
        v.as_f64()
            .map(Some)
            .ok_or_else(|| bad(validate::ConditionError { field: k, expected }))
    };
    let offline = match get("offline") {
        v if v.is_undefined() => false,
        v => v.as_bool().ok_or_else(|| {
            bad(validate::ConditionError {
                field: "offline",
                expected: "a boolean",
            })
        })?,
    };
    let latency = match number("latency", "a number of milliseconds >= 0")? {
        Some(ms) => validate::latency(ms).map_err(bad)?,
        None => 0.0,
    };
    let rate = |k: &'static str| -> Result<Option<f64>, JsValue> {
        match number(k, "a number of bytes per second > 0 (0 or -1: unlimited)")? {
            Some(r) => validate::throughput(k, r).map_err(bad),
            None => Ok(None),
        }
    };
    Ok(Some(Conditions {
        offline,
        latency,
        download: rate("downloadThroughput")?,
        upload: rate("uploadThroughput")?,
    }))
}

/// The `{ url }` of `setNetworkConditions`' options: `None` for every socket.
pub(crate) fn conditions_scope(options: &JsValue) -> Result<Option<Pattern>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !options.is_object() {
        return Err(type_error(
            "setNetworkConditions: options must be an object",
        ));
    }
    let url =
        js_sys::Reflect::get(options, &JsValue::from_str("url")).unwrap_or(JsValue::UNDEFINED);
    if url.is_undefined() {
        return Ok(None);
    }
    pattern(&url).map(Some)
}
