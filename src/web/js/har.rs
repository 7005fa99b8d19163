//! HAR for JavaScript: the `HarRecorder` class, and the arguments of
//! `recordHAR` and `routeFromHAR` turned into Rust (a log read field by
//! field, so an error names the entry and the field).

use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::adapt;
use crate::sans_io::har::model::{Entry, Har, Log, WebSocketClose, WebSocketMessage};
use crate::sans_io::har::time::parse_iso;
use crate::sans_io::message::Message;
use crate::web::data::Data;
use crate::web::glue;
use crate::web::har::{HarOptions, HarRecorder};
use crate::web::matcher::Pattern;

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

fn get(object: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Records sockets until `stop()` (see `recordHAR`).
#[derive(Debug)]
#[wasm_bindgen(js_name = HarRecorder)]
pub struct JsHarRecorder(HarRecorder);

impl From<HarRecorder> for JsHarRecorder {
    fn from(r: HarRecorder) -> Self {
        JsHarRecorder(r)
    }
}

#[wasm_bindgen(js_class = HarRecorder)]
impl JsHarRecorder {
    /// Stops recording; returns the HAR 1.2 log (`JSON.stringify` makes the file).
    #[wasm_bindgen(unchecked_return_type = "Har")]
    pub fn stop(&self) -> Result<JsValue, JsValue> {
        let har = self.0.stop();
        har.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| js_sys::Error::new(&format!("wsroute: recordHAR: {e}")).into())
    }
}

/// The `{ url }` of options (`what` names the function in errors).
pub(crate) fn url_option(options: &JsValue, what: &str) -> Result<Option<Pattern>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    if !options.is_object() {
        return Err(type_error(&format!("{what}: options must be an object")));
    }
    match get(options, "url") {
        url if url.is_undefined() => Ok(None),
        url => adapt::pattern(&url).map(Some),
    }
}

/// `routeFromHAR`'s options.
pub(crate) fn options(options: &JsValue) -> Result<HarOptions, JsValue> {
    const WHAT: &str = "routeFromHAR";
    let mut o = HarOptions::default();
    if let Some(url) = url_option(options, WHAT)? {
        o = o.url(url);
    }
    if options.is_undefined() || options.is_null() {
        return Ok(o);
    }
    if choice(options, "notFound", ["abort", "fallback"])? {
        o = o.fallback();
    }
    if choice(options, "timing", ["none", "recorded"])? {
        o = o.recorded_timing();
    }
    let f = get(options, "match");
    if !f.is_undefined() {
        let f = adapt::function(f, &format!("{WHAT}: match"))?;
        let f = Rc::new(f);
        o = o.matching(move |recorded: &Message, actual: &Message| {
            let js = |m: &Message| Data::from_message(m.clone()).into_js();
            match f.call2(&JsValue::UNDEFINED, &js(recorded), &js(actual)) {
                Ok(v) => v.is_truthy(),
                Err(e) => {
                    glue::report("wsroute: routeFromHAR: match threw", &e);
                    false
                }
            }
        });
    }
    Ok(o)
}

/// A string option of `routeFromHAR` that is absent, `default` or `other`:
/// whether it is `other`.
fn choice(options: &JsValue, key: &str, [default, other]: [&str; 2]) -> Result<bool, JsValue> {
    let value = get(options, key);
    match value.as_string() {
        None if value.is_undefined() => Ok(false),
        Some(v) if v == default => Ok(false),
        Some(v) if v == other => Ok(true),
        _ => Err(type_error(&format!(
            "routeFromHAR: {key} must be '{default}' or '{other}'"
        ))),
    }
}

/// A HAR log given as an object or as JSON text, read field by field (only
/// what a replay uses), so an error says where it is. Read by hand rather
/// than with serde: serde's errors would bring float formatting into the
/// wasm, and could not name the entry.
pub(crate) fn har(value: JsValue) -> Result<Har, JsValue> {
    const WHAT: &str = "routeFromHAR";
    let value = match value.as_string() {
        Some(text) => js_sys::JSON::parse(&text).map_err(|e| {
            type_error(&format!(
                "{WHAT}: the HAR is not valid JSON: {}",
                glue::to_js_string(&e)
            ))
        })?,
        None => value,
    };
    let log = get(&value, "log");
    if !value.is_object() || !log.is_object() {
        return Err(type_error(&format!("{WHAT}: not a HAR: no `log` object")));
    }
    let entries = get(&log, "entries");
    if !js_sys::Array::is_array(&entries) {
        return Err(type_error(&format!("{WHAT}: log.entries is not an array")));
    }
    let mut read = Vec::new();
    for (i, e) in js_sys::Array::from(&entries).iter().enumerate() {
        read.push(
            entry(&e, &format!("entries[{i}]"))
                .map_err(|why| type_error(&format!("{WHAT}: {why}")))?,
        );
    }
    Ok(Har {
        log: Log {
            entries: read,
            ..Log::default()
        },
    })
}

/// A string field (absent: empty).
fn text(object: &JsValue, key: &str, at: &str) -> Result<String, String> {
    match get(object, key) {
        v if v.is_undefined() || v.is_null() => Ok(String::new()),
        v => v
            .as_string()
            .ok_or_else(|| format!("{at}.{key}: not a string")),
    }
}

/// A number field (absent: 0).
fn number(object: &JsValue, key: &str, at: &str) -> Result<f64, String> {
    match get(object, key) {
        v if v.is_undefined() || v.is_null() => Ok(0.0),
        v => v
            .as_f64()
            .ok_or_else(|| format!("{at}.{key}: not a number")),
    }
}

fn entry(e: &JsValue, at: &str) -> Result<Entry, String> {
    if !e.is_object() {
        return Err(format!("{at}: not an object"));
    }
    let request = get(e, "request");
    let mut entry = Entry {
        started_date_time: text(e, "startedDateTime", at)?,
        resource_type: Some(text(e, "_resourceType", at)?).filter(|t| !t.is_empty()),
        web_socket_messages: None,
        ..Entry::default()
    };
    entry.request.url = text(&request, "url", &format!("{at}.request"))?;
    let frames = get(e, "_webSocketMessages");
    if js_sys::Array::is_array(&frames) {
        let mut read = Vec::new();
        for (j, m) in js_sys::Array::from(&frames).iter().enumerate() {
            read.push(frame(&m, &format!("{at}._webSocketMessages[{j}]"))?);
        }
        entry.web_socket_messages = Some(read);
    } else if !frames.is_undefined() {
        return Err(format!("{at}._webSocketMessages: not an array"));
    }
    let close = get(e, "_webSocketClose");
    if close.is_object() {
        let at = format!("{at}._webSocketClose");
        let code = number(&close, "code", &at)?;
        entry.web_socket_close = Some(WebSocketClose {
            code: if (0.0..=65535.0).contains(&code) {
                code as u16
            } else {
                0
            },
            reason: text(&close, "reason", &at)?,
            was_clean: get(&close, "wasClean").is_truthy(),
            by_page: get(&close, "byPage").is_truthy(),
        });
    }
    Ok(entry)
}

fn frame(m: &JsValue, at: &str) -> Result<WebSocketMessage, String> {
    if !m.is_object() {
        return Err(format!("{at}: not an object"));
    }
    let time = match get(m, "time") {
        t if t.is_undefined() || t.is_null() => 0.0,
        t => match (t.as_f64(), t.as_string()) {
            (Some(n), _) => n,
            (None, Some(date)) => parse_iso(&date)
                .ok_or_else(|| format!("{at}.time: neither a number nor an ISO 8601 date"))?,
            _ => return Err(format!("{at}.time: neither a number nor an ISO 8601 date")),
        },
    };
    Ok(WebSocketMessage {
        kind: text(m, "type", at)?,
        time,
        opcode: number(m, "opcode", at)?,
        data: text(m, "data", at)?,
    })
}
