//! What wsroute keeps for the page: the native `WebSocket` constructor and the
//! shim class, whether the shim is installed (and by how many Rust guards),
//! the routes in the order they were added, and the base URL for globs.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsValue;

use super::env;
use super::matcher::Pattern;
use super::routed::RouteHandler;
use crate::sans_io::urls;

/// One route.
pub(crate) struct Route {
    pub(crate) id: u64,
    pub(crate) pattern: Pattern,
    pub(crate) handler: RouteHandler,
    /// The JavaScript function the handler was made from, which
    /// `unrouteWebSocket(url, handler)` compares.
    pub(crate) from: Option<JsValue>,
}

#[derive(Default)]
pub(crate) struct Registry {
    /// The browser's own constructor, captured at the first install.
    pub(crate) native: Option<Function>,
    /// wsroute's class, made once.
    pub(crate) shim: Option<Function>,
    pub(crate) installed: bool,
    /// Live [`crate::Installed`] guards.
    pub(crate) guards: usize,
    routes: Vec<Rc<Route>>,
    base_url: Option<String>,
    next_id: u64,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

/// Runs `f` on the registry. `f` must not call into JavaScript.
pub(crate) fn with<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    REGISTRY.with(|r| f(&mut r.borrow_mut()))
}

/// Adds a route (newest last); returns its id.
pub(crate) fn add_route(pattern: Pattern, handler: RouteHandler, from: Option<JsValue>) -> u64 {
    with(|r| {
        r.next_id += 1;
        let id = r.next_id;
        r.routes.push(Rc::new(Route {
            id,
            pattern,
            handler,
            from,
        }));
        id
    })
}

/// Removes the routes `remove` picks.
pub(crate) fn remove_routes(remove: impl Fn(&Route) -> bool) {
    // Dropped outside the borrow: a handler's destructor may call back in.
    let removed: Vec<Rc<Route>> = with(|r| {
        let (removed, kept) = r.routes.drain(..).partition(|e| remove(e));
        r.routes = kept;
        removed
    });
    drop(removed);
}

/// Sets (or, with `None`, forgets) the base URL relative globs resolve against.
pub(crate) fn set_base_url(base: Option<String>) {
    with(|r| r.base_url = base);
}

/// The route that handles a socket with the normalised URL `href`: the
/// newest whose pattern matches.
#[inline(never)]
pub(crate) fn choose(href: &str) -> Option<Rc<Route>> {
    let routes = with(|r| r.routes.clone());
    let base = if routes.iter().any(|r| r.pattern.is_glob()) {
        glob_base()
    } else {
        None
    };
    routes
        .into_iter()
        .rev()
        .find(|r| r.pattern.matches(href, base.as_deref()))
}

/// The base URL globs resolve against: `setBaseURL`, else the document's with
/// its scheme mapped to ws/wss.
pub(crate) fn glob_base() -> Option<String> {
    with(|r| r.base_url.clone())
        .or_else(env::base_url)
        .map(|b| urls::to_ws_base(&b))
}
