//! Putting wsroute's `WebSocket` class in place of the global one, and the
//! native one back.

use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::backend::create_socket;
use super::{env, glue, registry, timer};

/// wsroute's class, made on first use.
fn shim() -> Function {
    if let Some(shim) = registry::with(|r| r.shim.clone()) {
        return shim;
    }
    let create =
        Closure::<dyn Fn(String, JsValue, JsValue) -> Result<JsValue, JsValue>>::new(create_socket)
            .into_js_value();
    let shim = glue::define_websocket_class(&create);
    registry::with(|r| r.shim = Some(shim.clone()));
    shim
}

/// Why installing failed.
pub(crate) enum Failed {
    /// The environment has no `WebSocket` to replace.
    NoWebSocket,
    /// Setting the global threw this.
    Threw(JsValue),
}

/// Replaces the global `WebSocket` with wsroute's class (idempotent). Where
/// the classic script put the class in place before loading the wasm, takes
/// the `WebSocket` it replaced as the native one and leaves the global as it
/// is (a page may have wrapped the class since).
pub(crate) fn install() -> Result<(), Failed> {
    if registry::with(|r| r.installed) {
        return Ok(());
    }
    timer::capture();
    let shim = shim();
    if let Some(native) = glue::take_preinstalled() {
        registry::with(|r| {
            r.native = Some(native);
            r.installed = true;
        });
        return Ok(());
    }
    let current = env::global_websocket();
    if current != JsValue::from(shim.clone()) {
        let native = current
            .dyn_into::<Function>()
            .map_err(|_| Failed::NoWebSocket)?;
        registry::with(|r| r.native = Some(native));
    }
    env::set_global_websocket(&shim).map_err(Failed::Threw)?;
    registry::with(|r| r.installed = true);
    Ok(())
}

/// Restores the native `WebSocket`; sockets already created keep working.
pub(crate) fn uninstall() {
    let (installed, native) = registry::with(|r| (r.installed, r.native.clone()));
    if !installed {
        return;
    }
    if let Some(native) = native {
        let _ = env::set_global_websocket(&native);
    }
    registry::with(|r| r.installed = false);
}
