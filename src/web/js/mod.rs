//! The JavaScript API: the functions `pkg/wsroute.js` exports and
//! `globalThis.wsroute` holds, and the `WebSocketRoute` and
//! `WebSocketObserver` classes. Every JavaScript value enters through
//! [`adapt`]; the rest of the edge sees only Rust.
//!
//! The names here are the API's only list: the classic script and its
//! typings take every `export function` of the generated typings.

pub(crate) mod adapt;
#[cfg(feature = "har")]
pub(crate) mod har;
pub(crate) mod observer;
pub(crate) mod route;

use wasm_bindgen::prelude::*;

#[cfg(feature = "har")]
use super::har as replay;
use super::install::{self, Failed};
use super::observe::event::Kind;
use super::observe::observer::SocketEvent;
use super::observe::sockets;
use super::{network, registry, stats};

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
/** What the network does to sockets: what no browser tool applies to WebSockets. */
export interface NetworkConditions {
  /** Every matching socket fails like a dropped connection; new ones never open. Default false. */
  offline?: boolean;
  /** Milliseconds added once each way: to every frame and to the opening handshake. Default 0. */
  latency?: number;
  /** Bytes per second towards the page; absent, 0 or -1: unlimited. */
  downloadThroughput?: number;
  /** Bytes per second from the page; absent, 0 or -1: unlimited. */
  uploadThroughput?: number;
}
/** Which sockets `setNetworkConditions` applies to (all when absent). */
export interface NetworkConditionsOptions { url?: UrlMatcher }

/** One frame of a recorded WebSocket session (Chrome DevTools' format). */
export interface HarWebSocketMessage {
  /** 'send' (the page sent it) or 'receive' (the page received it); other types are skipped. */
  type: string;
  /** Seconds since the epoch (Chrome DevTools, wsroute); Playwright writes milliseconds. */
  time: number;
  /** 1 text, 2 binary. */
  opcode: number;
  /** The text, or the bytes in base64. */
  data: string;
}
/** One request of a HAR log; for a WebSocket, the whole session. */
export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: { method: string; url: string; httpVersion: string; headers: { name: string; value: string }[]; [field: string]: unknown };
  response: { status: number; statusText: string; [field: string]: unknown };
  _resourceType?: string;
  _webSocketMessages?: HarWebSocketMessage[];
  /** How the socket closed, as the page saw it (wsroute's field). */
  _webSocketClose?: { code: number; reason: string; wasClean: boolean };
  [field: string]: unknown;
}
/** A HAR 1.2 log: what `recordHAR` gives and `routeFromHAR` replays. */
export interface Har {
  log: { version: string; creator: { name: string; version: string }; entries: HarEntry[]; [field: string]: unknown };
}
/** Which sockets `recordHAR` records (all when absent). */
export interface RecordHAROptions { url?: UrlMatcher }
/** How `routeFromHAR` replays. */
export interface RouteFromHAROptions {
  /** Replay only these entries, and take only these sockets. */
  url?: UrlMatcher;
  /** A socket with no recorded session: fail it like a refused connection (default), or let older routes take it. */
  notFound?: 'abort' | 'fallback';
  /** 'recorded' keeps the recorded gaps before server frames; 'none' (default) sends them at once. */
  timing?: 'none' | 'recorded';
  /** Whether the page's frame is the recorded one (default: same type, same text or bytes). */
  match?: (recorded: string | ArrayBuffer, actual: string | ArrayBuffer) => boolean;
}

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
#[wasm_bindgen(js_name = install)]
pub fn js_install() -> Result<(), JsValue> {
    install::install().map_err(|e| match e {
        Failed::NoWebSocket => {
            js_sys::Error::new("wsroute: this environment has no WebSocket").into()
        }
        Failed::Threw(e) => e,
    })
}

/// Restores the native `WebSocket`; sockets already created keep working.
#[wasm_bindgen(js_name = uninstall)]
pub fn js_uninstall() {
    install::uninstall();
}

/// Routes sockets whose URL matches `url` (a glob string, a RegExp or a
/// predicate receiving a `URL`) to `handler`.
#[wasm_bindgen(js_name = routeWebSocket)]
pub fn route_web_socket(
    #[wasm_bindgen(unchecked_param_type = "UrlMatcher")] url: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RouteHandler")] handler: JsValue,
) -> Result<(), JsValue> {
    let f = adapt::function(handler, "routeWebSocket: handler")?;
    let pattern = adapt::pattern(&url)?;
    let from = Some(f.clone().into());
    registry::add_route(
        pattern,
        adapt::route_handler(f, route::JsRoute::into_js),
        from,
    );
    Ok(())
}

/// Removes routes registered with the same `url` (and `handler`, if given).
#[wasm_bindgen(js_name = unrouteWebSocket)]
pub fn unroute_web_socket(
    #[wasm_bindgen(unchecked_param_type = "UrlMatcher")] url: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RouteHandler")] handler: JsValue,
) -> Result<(), JsValue> {
    let pattern = adapt::pattern(&url)?;
    let handler = (!handler.is_undefined() && !handler.is_null()).then_some(handler);
    registry::remove_routes(|r| {
        let same_handler = match &handler {
            None => true,
            Some(h) => r.from.as_ref() == Some(h),
        };
        same_handler && r.pattern.same_as(&pattern)
    });
    Ok(())
}

/// Removes every route.
#[wasm_bindgen(js_name = unrouteAll)]
pub fn unroute_all() {
    registry::remove_routes(|_| true);
}

/// Sets the base URL relative globs resolve against (`null` restores the
/// document's), like Playwright's `baseURL` option.
#[wasm_bindgen(js_name = setBaseURL)]
pub fn set_base_url(base: Option<String>) {
    registry::set_base_url(base);
}

/// Sets the network conditions of every socket whose URL matches
/// `options.url` (all sockets when absent), from now on and for sockets
/// already open; `null` removes the conditions set with that same `url`.
#[wasm_bindgen(js_name = setNetworkConditions)]
pub fn set_network_conditions(
    #[wasm_bindgen(unchecked_param_type = "NetworkConditions | null")] conditions: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "NetworkConditionsOptions")] options: JsValue,
) -> Result<(), JsValue> {
    let conditions = adapt::conditions(&conditions)?;
    let scope = adapt::conditions_scope(&options)?;
    network::set(scope, conditions);
    Ok(())
}

/// Sets only `offline` of the network conditions, for every socket (as
/// Playwright's `setOffline`).
#[wasm_bindgen(js_name = setOffline)]
pub fn set_offline(offline: bool) {
    network::set_offline(offline);
}

/// Starts recording every socket created from now on whose URL matches
/// `options.url` (all when absent); `stop()` returns the HAR log.
#[cfg(feature = "har")]
#[wasm_bindgen(js_name = recordHAR)]
pub fn record_har(
    #[wasm_bindgen(unchecked_optional_param_type = "RecordHAROptions")] options: JsValue,
) -> Result<har::JsHarRecorder, JsValue> {
    let keep = har::url_option(&options, "recordHAR")?;
    Ok(replay::HarRecorder::start(keep).into())
}

/// Replays the WebSocket sessions of a HAR log (an object or JSON text) as
/// mocks; throws a `TypeError` naming the entry and field, before routing
/// anything, when the log cannot be read.
#[cfg(feature = "har")]
#[wasm_bindgen(js_name = routeFromHAR)]
pub fn route_from_har(
    #[wasm_bindgen(unchecked_param_type = "Har | string")] har: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "RouteFromHAROptions")] options: JsValue,
) -> Result<(), JsValue> {
    let options = har::options(&options)?;
    let log = har::har(har)?;
    replay::replay::route_from_har(&log, options)
        .map_err(|e| js_sys::TypeError::new(&format!("routeFromHAR: {e}")))?;
    Ok(())
}

/// Calls `listener` with an observer for every socket created from now on.
#[wasm_bindgen(js_name = on, skip_typescript)]
pub fn js_on(event: &str, listener: JsValue) -> Result<(), JsValue> {
    let kind = adapt::kind(event, &[Kind::WebSocket])?;
    let f = adapt::function(listener, "listener")?;
    let from = Some(f.clone().into());
    sockets::sockets().add(kind, adapt::listener::<SocketEvent>(f, kind), from);
    Ok(())
}

/// Removes a listener added with `on`.
#[wasm_bindgen(js_name = off, skip_typescript)]
pub fn js_off(event: &str, listener: JsValue) -> Result<(), JsValue> {
    let kind = adapt::kind(event, &[Kind::WebSocket])?;
    sockets::sockets().remove_made_from(kind, &listener);
    Ok(())
}

/// Resolves with the observer of the next socket the predicate accepts.
#[wasm_bindgen(js_name = waitForEvent, skip_typescript)]
pub fn js_wait_for_event(event: &str, options: JsValue) -> Result<js_sys::Promise, JsValue> {
    let kind = adapt::kind(event, &[Kind::WebSocket])?;
    adapt::wait_for(&sockets::sockets(), kind, &options)
}

/// Counters for leak tests: `{ nativeListeners, routeCallbacks, observers,
/// routedSockets, wasmMemoryBytes }`, each the number of such objects alive.
#[wasm_bindgen(js_name = debugStats, skip_typescript)]
pub fn debug_stats() -> js_sys::Object {
    stats::snapshot()
}
