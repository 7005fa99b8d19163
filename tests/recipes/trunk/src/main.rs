//! A front-end that talks to a chat server over a plain `WebSocket`. In
//! development, `index.dev.html` loads wsroute and `dev-routes.js` first, so
//! the server is mocked; the app itself is unchanged.

use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, WebSocket};

/// Nothing listens here: only the mock can answer.
const CHAT_URL: &str = "ws://127.0.0.1:9/chat";

fn main() {
    if let Err(e) = run() {
        web_sys::console::error_1(&e);
    }
}

fn run() -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let out = document.get_element_by_id("out").ok_or("no #out")?;
    let ws = WebSocket::new(CHAT_URL)?;

    let sender = ws.clone();
    let on_open = Closure::<dyn FnMut()>::new(move || {
        let _ = sender.send_with_str("hello");
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        if let Some(text) = e.data().as_string() {
            out.set_text_content(Some(&text));
        }
    });
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let failed = document.get_element_by_id("out").ok_or("no #out")?;
    let on_error = Closure::<dyn FnMut()>::new(move || {
        failed.set_text_content(Some("error: the socket failed (not mocked?)"));
    });
    ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(())
}
