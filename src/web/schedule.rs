//! Queuing real tasks. A `MessageChannel` post is an unclamped task (unlike
//! nested `setTimeout(0)`), and unlike a microtask it lets timers and other
//! events in between, as a network event would.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;
use web_sys::{MessageChannel, MessagePort};

use super::socket::Routed;

struct Scheduler {
    port: MessagePort,
    queue: RefCell<VecDeque<Rc<Routed>>>,
    _on_message: Closure<dyn FnMut()>,
}

thread_local! {
    static SCHEDULER: Option<Scheduler> = make_scheduler();
}

fn make_scheduler() -> Option<Scheduler> {
    let channel = MessageChannel::new().ok()?;
    let on_message = Closure::<dyn FnMut()>::new(run_one);
    channel
        .port1()
        .set_onmessage(Some(wasm_bindgen::JsCast::unchecked_ref(
            on_message.as_ref(),
        )));
    Some(Scheduler {
        port: channel.port2(),
        queue: RefCell::new(VecDeque::new()),
        _on_message: on_message,
    })
}

/// Queues one task for `socket`; it runs [`Routed::run_task`].
pub fn schedule(socket: Rc<Routed>) {
    SCHEDULER.with(|s| match s {
        Some(s) => {
            s.queue.borrow_mut().push_back(socket);
            // Posting `undefined` cannot fail to clone.
            let _ = s.port.post_message(&JsValue::UNDEFINED);
        }
        None => super::report(
            "wsroute: cannot queue tasks (no MessageChannel)",
            &JsValue::NULL,
        ),
    });
}

fn run_one() {
    let next = SCHEDULER.with(|s| s.as_ref().and_then(|s| s.queue.borrow_mut().pop_front()));
    if let Some(socket) = next {
        socket.run_task();
    }
}
