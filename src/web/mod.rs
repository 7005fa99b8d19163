//! The browser edge: turns JavaScript calls and events into inputs of the
//! sans-IO core ([`crate::sans_io`]) and its effects into JavaScript calls.
//! wasm32 only.
//!
//! | file | owns |
//! |---|---|
//! | [`api`] | the Rust entry point: [`install`], [`Installed`] |
//! | [`route`] | [`WebSocketRoute`], the route handler's handle |
//! | [`matcher`] | [`Pattern`]: which URLs a route handles |
//! | [`observe`] | observers, listeners and waits |
//! | [`har`] | recording sockets as HAR, replaying HAR sessions as a route |
//! | [`js`] | the JavaScript API; every JS value enters through `js/adapt.rs` |
//! | [`install`] | putting the shim class in place of `WebSocket`, and back |
//! | [`registry`] | routes, base URL, the native constructor |
//! | [`backend`] | the object behind each shim instance, and its factory |
//! | [`passthrough`] | a socket no route handles: the native one, re-fired |
//! | [`routed`] | a routed socket: the core's state machine and its effects |
//! | [`server`] | the real socket behind a route |
//! | [`native`] | native sockets: construction, listeners, firing events |
//! | [`network`] | which network conditions apply to which socket |
//! | [`schedule`] | queuing real tasks |
//! | [`timer`] | timeouts on the browser's own timers |
//! | [`data`] | the payload: JavaScript values carried through the core |
//! | [`env`] | the URL parser, base URL and browser quirks |
//! | [`glue`] | imports from `js/shim.js` and the browser; console, DOMException |
//! | [`stats`] | live-object counters for leak tests |

mod api;
mod backend;
mod closed;
mod data;
mod env;
mod glue;
#[cfg(feature = "har")]
mod har;
mod install;
mod js;
mod matcher;
mod native;
mod network;
mod observe;
mod passthrough;
mod registry;
mod route;
mod routed;
mod schedule;
mod server;
mod stats;
mod timer;

pub use api::{InstallError, Installed, NetworkConditions, install};
#[cfg(feature = "har")]
pub use har::{HarOptions, HarRecorder};
pub use matcher::{Pattern, PatternError};
pub use observe::{Listener, Observer, Wait, WaitError, on_websocket, wait_for_websocket};
pub use route::{RouteError, WebSocketRoute};
pub(crate) use stats::CountingAllocator;
