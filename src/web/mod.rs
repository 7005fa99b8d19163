//! The browser edge: translates JavaScript calls and events into inputs of the
//! pure core and its effects into JavaScript calls. wasm32 only.

mod data;
mod glue;
mod observe;
mod route;
mod schedule;
mod socket;
mod stats;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

pub use observe::{Listener, Observer, Wait, WaitError, on_websocket, wait_for_websocket};
use route::{Callbacks, RouteHandler};
pub use route::{RouteError, WebSocketRoute};
use socket::{Passthrough, Routed, SocketBackend};

use crate::sans_io::pattern::Glob;
use crate::sans_io::urls::{self, UrlParser};
use crate::sans_io::validate::{self, Quirks};

/// Reports a problem on the console (never throws).
pub(crate) fn report(message: &str, detail: &JsValue) {
    glue::console_error2(message, detail);
}

/// A `DOMException` with `name` (its legacy code follows from the name).
pub(crate) fn dom_error(name: &str, message: &str) -> JsValue {
    match web_sys::DomException::new_with_message_and_name(message, name) {
        Ok(e) => e.into(),
        Err(e) => e,
    }
}

/// The browser's own URL parser.
struct BrowserUrl;

impl UrlParser for BrowserUrl {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<String> {
        let url = match base {
            Some(b) => web_sys::Url::new_with_base(input, b),
            None => web_sys::Url::new(input),
        };
        url.ok().map(|u| u.href())
    }
}

fn global_get(object: &JsValue, key: &str) -> JsValue {
    if object.is_undefined() || object.is_null() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(object, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// The base URL the native `WebSocket` resolves against: the document's base
/// URL, or a worker's own URL.
fn environment_base_url() -> Option<String> {
    let global: JsValue = js_sys::global().into();
    let base = global_get(&global_get(&global, "document"), "baseURI");
    if let Some(b) = base.as_string() {
        return Some(b);
    }
    global_get(&global_get(&global, "location"), "href").as_string()
}

/// Resolves a socket URL as the host browser would. Firefox resolves relative
/// URLs in a Blob worker (whose `blob:` URL cannot be a base) against its
/// creator; the page cannot see that base, so the worker's origin stands in.
/// Only the matching of routes uses it: pass-through sockets hand the
/// original string to the native constructor.
fn resolve_socket_url(url: &str, quirks: Quirks) -> Result<String, urls::UrlError> {
    let first = urls::normalize_socket_url(&BrowserUrl, url, environment_base_url().as_deref());
    if first.is_ok() || quirks == Quirks::Chromium {
        return first;
    }
    let global: JsValue = js_sys::global().into();
    let in_blob_worker = global_get(&global, "document").is_undefined()
        && global_get(&global_get(&global, "location"), "protocol")
            .as_string()
            .as_deref()
            == Some("blob:");
    match global_get(&global, "origin").as_string() {
        Some(origin) if in_blob_worker && origin != "null" => {
            urls::normalize_socket_url(&BrowserUrl, url, Some(&format!("{origin}/"))).or(first)
        }
        _ => first,
    }
}

fn host_quirks() -> Quirks {
    let global: JsValue = js_sys::global().into();
    let ua = global_get(&global_get(&global, "navigator"), "userAgent")
        .as_string()
        .unwrap_or_default();
    if crate::sans_io::text::contains(&ua, "Chrome/")
        || crate::sans_io::text::contains(&ua, "Chromium/")
    {
        Quirks::Chromium
    } else {
        Quirks::Spec
    }
}

/// How a route selects URLs.
#[derive(Clone)]
enum Matcher {
    Glob(String),
    Regex(js_sys::RegExp),
    Js(Function),
    Rust(Rc<dyn Fn(&str) -> bool>),
}

struct RouteEntry {
    id: u64,
    matcher: Matcher,
    handler: RouteHandler,
}

#[derive(Default)]
struct Registry {
    native: Option<Function>,
    shim: Option<Function>,
    create: Option<JsValue>,
    installed: bool,
    routes: Vec<Rc<RouteEntry>>,
    base_url: Option<String>,
    next_id: u64,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

fn with_registry<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    REGISTRY.with(|r| f(&mut r.borrow_mut()))
}

fn matches(matcher: &Matcher, url: &str, base: Option<&str>) -> bool {
    match matcher {
        Matcher::Glob(g) => Glob::new(g, base, &BrowserUrl).matches(url),
        Matcher::Regex(r) => r.test(url),
        Matcher::Rust(f) => f(url),
        Matcher::Js(f) => {
            let arg = web_sys::Url::new(url)
                .map(JsValue::from)
                .unwrap_or(JsValue::UNDEFINED);
            match f.call1(&JsValue::UNDEFINED, &arg) {
                Ok(v) => v.is_truthy(),
                Err(e) => {
                    report(&format!("wsroute: a route predicate threw for {url}:"), &e);
                    false
                }
            }
        }
    }
}

/// The base URL globs resolve against: `setBaseURL`, else the document's with
/// its scheme mapped to ws/wss.
fn glob_base() -> Option<String> {
    with_registry(|r| r.base_url.clone())
        .or_else(environment_base_url)
        .map(|b| urls::to_ws_base(&b))
}

/// The backend factory the shim class calls from its constructor.
fn create_socket(target: JsValue, url: String, protocols: JsValue) -> Result<JsValue, JsValue> {
    let quirks = host_quirks();
    let href =
        resolve_socket_url(&url, quirks).map_err(|e| dom_error("SyntaxError", &e.to_string()))?;
    let (routes, native) = with_registry(|r| (r.routes.clone(), r.native.clone()));
    let native =
        native.ok_or_else(|| JsValue::from(js_sys::Error::new("wsroute: not installed")))?;
    let base = if routes.iter().any(|r| matches!(r.matcher, Matcher::Glob(_))) {
        glob_base()
    } else {
        None
    };
    // Newest route first; exactly one handler runs.
    let chosen = routes
        .iter()
        .rev()
        .find(|r| matches(&r.matcher, &href, base.as_deref()))
        .cloned();
    let observer = observe::observe_new_socket(&href);
    let Some(route) = chosen else {
        let p = Passthrough::new(&native, target, &url, &protocols, observer.clone())?;
        if let Some(o) = &observer {
            observe::announce(o);
        }
        return Ok(SocketBackend::native(p).into());
    };
    let list: Vec<String> = js_sys::Array::from(&protocols)
        .iter()
        .map(|p| p.as_string().unwrap_or_default())
        .collect();
    validate::validate_protocols(&list, quirks).map_err(|e| dom_error(e.name(), &e.to_string()))?;
    let callbacks = Callbacks::new(route.handler.clone());
    let socket = Routed::new(
        target,
        href,
        list,
        callbacks,
        native,
        quirks,
        observer.clone(),
    );
    if let Some(o) = &observer {
        observe::announce(o);
    }
    Ok(SocketBackend::routed(socket).into())
}

fn ensure_shim() -> Result<Function, JsValue> {
    if let Some(shim) = with_registry(|r| r.shim.clone()) {
        return Ok(shim);
    }
    let create =
        Closure::<dyn Fn(JsValue, String, JsValue) -> Result<JsValue, JsValue>>::new(create_socket)
            .into_js_value();
    let shim = glue::define_websocket_class(&create);
    with_registry(|r| {
        r.create = Some(create);
        r.shim = Some(shim.clone());
    });
    Ok(shim)
}

fn install_shim() -> Result<(), JsValue> {
    if with_registry(|r| r.installed) {
        return Ok(());
    }
    let shim = ensure_shim()?;
    let global: JsValue = js_sys::global().into();
    let current = global_get(&global, "WebSocket");
    if current != JsValue::from(shim.clone()) {
        let native = current.dyn_into::<Function>().map_err(|_| {
            JsValue::from(js_sys::Error::new(
                "wsroute: this environment has no WebSocket",
            ))
        })?;
        with_registry(|r| r.native = Some(native));
    }
    Reflect::set(&global, &JsValue::from_str("WebSocket"), &shim)?;
    with_registry(|r| r.installed = true);
    Ok(())
}

fn uninstall_shim() {
    let (installed, native) = with_registry(|r| (r.installed, r.native.clone()));
    if !installed {
        return;
    }
    if let Some(native) = native {
        let global: JsValue = js_sys::global().into();
        let _ = Reflect::set(&global, &JsValue::from_str("WebSocket"), &native);
    }
    with_registry(|r| r.installed = false);
}

fn add_route(matcher: Matcher, handler: RouteHandler) -> u64 {
    with_registry(|r| {
        r.next_id += 1;
        let id = r.next_id;
        r.routes.push(Rc::new(RouteEntry {
            id,
            matcher,
            handler,
        }));
        id
    })
}

fn remove_routes(keep: impl Fn(&RouteEntry) -> bool) {
    // Dropped outside the borrow: a handler's destructor may call back in.
    let removed: Vec<Rc<RouteEntry>> = with_registry(|r| {
        let (kept, removed) = r.routes.drain(..).partition(|e| keep(e));
        r.routes = kept;
        removed
    });
    drop(removed);
}

// ---- the JavaScript API -----------------------------------------------------

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Which sockets a route handles: a Playwright glob, a RegExp (unanchored), or a predicate. */
export type UrlMatcher = string | RegExp | ((url: URL) => boolean);
/** A route handler; the page's `open` waits until it returns (or its promise settles). */
export type RouteHandler = (ws: WebSocketRoute) => unknown;
/** A frame the page sent or received: text as a string, binary as an ArrayBuffer. */
export interface WebSocketFrame { payload: string | ArrayBuffer }
/** A predicate (sync or async), or `{ predicate, timeout }`; timeout defaults to 30000 ms, 0 = none. */
export type WaitOptions<T> =
  | ((value: T) => unknown)
  | { predicate?: (value: T) => unknown; timeout?: number };
/** Options of `WebSocketRoute.close()`: any code a server could report (1000-4999); 1006 fails the page socket. */
export interface CloseOptions { code?: number; reason?: string }

export interface WebSocketObserver {
  on(event: 'framesent' | 'framereceived', listener: (frame: WebSocketFrame) => void): this;
  on(event: 'close', listener: (ws: WebSocketObserver) => void): this;
  on(event: 'socketerror', listener: (error: string) => void): this;
  off(event: 'framesent' | 'framereceived', listener: (frame: WebSocketFrame) => void): this;
  off(event: 'close', listener: (ws: WebSocketObserver) => void): this;
  off(event: 'socketerror', listener: (error: string) => void): this;
  waitForEvent(event: 'framesent' | 'framereceived', options?: WaitOptions<WebSocketFrame>): Promise<WebSocketFrame>;
  waitForEvent(event: 'close', options?: WaitOptions<WebSocketObserver>): Promise<WebSocketObserver>;
  waitForEvent(event: 'socketerror', options?: WaitOptions<string>): Promise<string>;
}

/** Calls `listener` with an observer for every socket created from now on. */
export function on(event: 'websocket', listener: (ws: WebSocketObserver) => void): void;
/** Removes a listener added with `on`. */
export function off(event: 'websocket', listener: (ws: WebSocketObserver) => void): void;
/** Resolves with the observer of the next socket the predicate accepts. */
export function waitForEvent(event: 'websocket', options?: WaitOptions<WebSocketObserver>): Promise<WebSocketObserver>;
"#;

/// Replaces `globalThis.WebSocket` with wsroute's class (idempotent).
#[doc(hidden)]
#[wasm_bindgen(js_name = install)]
pub fn js_install() -> Result<(), JsValue> {
    install_shim()
}

/// Restores the native `WebSocket`; sockets already created keep working.
#[doc(hidden)]
#[wasm_bindgen(js_name = uninstall)]
pub fn js_uninstall() {
    uninstall_shim();
}

/// Routes sockets whose URL matches `url` (a glob string, a RegExp or a
/// predicate receiving a `URL`) to `handler`.
#[doc(hidden)]
#[wasm_bindgen(js_name = routeWebSocket)]
pub fn route_web_socket(
    #[wasm_bindgen(unchecked_param_type = "UrlMatcher")] url: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RouteHandler")] handler: JsValue,
) -> Result<(), JsValue> {
    let handler = handler
        .dyn_into::<Function>()
        .map_err(|_| js_sys::TypeError::new("routeWebSocket: handler must be a function"))?;
    let matcher = js_matcher(&url)?;
    add_route(matcher, RouteHandler::Js(handler));
    Ok(())
}

fn js_matcher(url: &JsValue) -> Result<Matcher, JsValue> {
    if let Some(s) = url.as_string() {
        Ok(Matcher::Glob(s))
    } else if let Some(r) = url.dyn_ref::<js_sys::RegExp>() {
        Ok(Matcher::Regex(r.clone()))
    } else if let Some(f) = url.dyn_ref::<Function>() {
        Ok(Matcher::Js(f.clone()))
    } else {
        Err(js_sys::TypeError::new("url must be a string, a RegExp or a function").into())
    }
}

fn same_matcher(a: &Matcher, b: &Matcher) -> bool {
    match (a, b) {
        (Matcher::Glob(x), Matcher::Glob(y)) => x == y,
        (Matcher::Regex(x), Matcher::Regex(y)) => {
            x.source() == y.source() && x.flags() == y.flags()
        }
        (Matcher::Js(x), Matcher::Js(y)) => x == y,
        _ => false,
    }
}

/// Removes routes registered with the same `url` (and `handler`, if given).
#[doc(hidden)]
#[wasm_bindgen(js_name = unrouteWebSocket)]
pub fn unroute_web_socket(
    #[wasm_bindgen(unchecked_param_type = "UrlMatcher")] url: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RouteHandler")] handler: Option<Function>,
) -> Result<(), JsValue> {
    let matcher = js_matcher(&url)?;
    remove_routes(|e| {
        let same_handler = match (&handler, &e.handler) {
            (None, _) => true,
            (Some(h), RouteHandler::Js(f)) => h == f,
            (Some(_), RouteHandler::Rust(_)) => false,
        };
        !(same_matcher(&e.matcher, &matcher) && same_handler)
    });
    Ok(())
}

/// Removes every route.
#[doc(hidden)]
#[wasm_bindgen(js_name = unrouteAll)]
pub fn unroute_all() {
    remove_routes(|_| false);
}

/// Calls `listener` with an observer for every socket created from now on.
#[doc(hidden)]
#[wasm_bindgen(js_name = on, skip_typescript)]
pub fn js_on(event: &str, listener: Function) -> Result<(), JsValue> {
    observe::js_on(event, listener)
}

/// Removes a listener added with `on`.
#[doc(hidden)]
#[wasm_bindgen(js_name = off, skip_typescript)]
pub fn js_off(event: &str, listener: Function) -> Result<(), JsValue> {
    observe::js_off(event, listener)
}

/// Resolves with the observer of the next socket the predicate accepts.
#[doc(hidden)]
#[wasm_bindgen(js_name = waitForEvent, skip_typescript)]
pub fn js_wait_for_event(event: &str, options: JsValue) -> Result<js_sys::Promise, JsValue> {
    observe::js_wait_for_event(event, options)
}

/// Counters for leak tests: `{ nativeListeners, routeCallbacks,
/// openObservers, wasmMemoryBytes }`; the first three return to 0 once every
/// socket has closed.
#[doc(hidden)]
#[wasm_bindgen(js_name = debugStats, skip_typescript)]
pub fn debug_stats() -> js_sys::Object {
    stats::snapshot()
}

/// Sets the base URL relative globs resolve against (`null` restores the
/// document's), like Playwright's `baseURL` option.
#[doc(hidden)]
#[wasm_bindgen(js_name = setBaseURL)]
pub fn set_base_url(base: Option<String>) {
    with_registry(|r| r.base_url = base);
}

// ---- the Rust API -----------------------------------------------------------

/// Which socket URLs a route handles.
///
/// ```
/// # #[cfg(target_arch = "wasm32")] {
/// use wsroute::Pattern;
/// let glob: Pattern = "wss://example.test/**".into();
/// let any_chat = Pattern::predicate(|url| url.ends_with("/chat"));
/// # }
/// ```
#[derive(Clone)]
pub enum Pattern {
    /// A Playwright glob: `*`, `**`, `{a,b}`, `\` escapes, `?` literal.
    Glob(String),
    /// A JavaScript RegExp, tested unanchored.
    Regex(js_sys::RegExp),
    /// A predicate on the normalised URL.
    Predicate(Rc<dyn Fn(&str) -> bool>),
}

impl Pattern {
    /// A predicate pattern.
    pub fn predicate(f: impl Fn(&str) -> bool + 'static) -> Self {
        Pattern::Predicate(Rc::new(f))
    }
}

impl From<&str> for Pattern {
    fn from(s: &str) -> Self {
        Pattern::Glob(s.to_owned())
    }
}

impl From<String> for Pattern {
    fn from(s: String) -> Self {
        Pattern::Glob(s)
    }
}

impl From<js_sys::RegExp> for Pattern {
    fn from(r: js_sys::RegExp) -> Self {
        Pattern::Regex(r)
    }
}

/// Installs wsroute and returns a guard; dropping it removes every route and
/// restores the native `WebSocket`.
///
/// ```no_run
/// let ws = wsroute::install().expect("install");
/// ws.route("wss://example.test/ws", |route| {
///     route.send("welcome");
/// });
/// // ... exercise code that opens `wss://example.test/ws` ...
/// drop(ws); // routes removed, native WebSocket back
/// ```
pub fn install() -> Result<Installed, InstallError> {
    install_shim().map_err(|e| InstallError(glue::to_js_string(&e)))?;
    Ok(Installed {
        routes: RefCell::new(Vec::new()),
    })
}

/// Why [`install`] failed (for example: the environment has no `WebSocket`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallError(String);

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "wsroute could not install: {}", self.0)
    }
}

impl std::error::Error for InstallError {}

/// The RAII guard returned by [`install`](crate::install).
#[must_use = "dropping the guard uninstalls wsroute"]
pub struct Installed {
    routes: RefCell<Vec<u64>>,
}

impl Installed {
    /// Routes sockets created from now on whose URL matches `pattern`.
    /// The newest matching route handles a socket.
    pub fn route(
        &self,
        pattern: impl Into<Pattern>,
        handler: impl FnMut(WebSocketRoute) + 'static,
    ) {
        let matcher = match pattern.into() {
            Pattern::Glob(g) => Matcher::Glob(g),
            Pattern::Regex(r) => Matcher::Regex(r),
            Pattern::Predicate(f) => Matcher::Rust(f),
        };
        let id = add_route(matcher, RouteHandler::Rust(Rc::new(RefCell::new(handler))));
        self.routes.borrow_mut().push(id);
    }

    /// Removes every route this guard added.
    pub fn unroute_all(&self) {
        let ids = std::mem::take(&mut *self.routes.borrow_mut());
        remove_routes(|e| !ids.contains(&e.id));
    }

    /// Sets the base URL relative globs resolve against.
    pub fn set_base_url(&self, base: Option<&str>) {
        set_base_url(base.map(str::to_owned));
    }
}

impl Drop for Installed {
    /// Removes every route (the JavaScript API's too), forgets the base URL
    /// and restores the native `WebSocket`: tests sharing one page start clean.
    fn drop(&mut self) {
        self.routes.borrow_mut().clear();
        unroute_all();
        set_base_url(None);
        uninstall_shim();
    }
}

/// The JavaScript API as one object (`install`, `routeWebSocket`, ...): what
/// `globalThis.wsroute` holds in the classic script, for tests and embedders.
#[doc(hidden)]
pub fn js_api() -> js_sys::Object {
    let api = js_sys::Object::new();
    let set = |name: &str, f: JsValue| {
        let _ = Reflect::set(&api, &JsValue::from_str(name), &f);
    };
    set(
        "install",
        Closure::<dyn Fn() -> Result<(), JsValue>>::new(js_install).into_js_value(),
    );
    set(
        "uninstall",
        Closure::<dyn Fn()>::new(js_uninstall).into_js_value(),
    );
    set(
        "routeWebSocket",
        Closure::<dyn Fn(JsValue, JsValue) -> Result<(), JsValue>>::new(route_web_socket)
            .into_js_value(),
    );
    set(
        "unrouteWebSocket",
        Closure::<dyn Fn(JsValue, Option<Function>) -> Result<(), JsValue>>::new(
            unroute_web_socket,
        )
        .into_js_value(),
    );
    set(
        "unrouteAll",
        Closure::<dyn Fn()>::new(unroute_all).into_js_value(),
    );
    set(
        "setBaseURL",
        Closure::<dyn Fn(Option<String>)>::new(set_base_url).into_js_value(),
    );
    set(
        "on",
        Closure::<dyn Fn(String, Function) -> Result<(), JsValue>>::new(|e: String, f| {
            js_on(&e, f)
        })
        .into_js_value(),
    );
    set(
        "off",
        Closure::<dyn Fn(String, Function) -> Result<(), JsValue>>::new(|e: String, f| {
            js_off(&e, f)
        })
        .into_js_value(),
    );
    set(
        "waitForEvent",
        Closure::<dyn Fn(String, JsValue) -> Result<js_sys::Promise, JsValue>>::new(
            |e: String, o| js_wait_for_event(&e, o),
        )
        .into_js_value(),
    );
    set("version", JsValue::from_str(env!("CARGO_PKG_VERSION")));
    set(
        "debugStats",
        Closure::<dyn Fn() -> js_sys::Object>::new(stats::snapshot).into_js_value(),
    );
    api
}
