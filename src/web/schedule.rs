//! Queuing real tasks. Each page-visible event is its own task, as a
//! network event would be: timers and other events can run in between,
//! unlike with a microtask.
//!
//! Where the Prioritized Task Scheduling API exists (`scheduler.postTask`,
//! Chromium and Firefox), tasks go through it: in Chromium a burst of them
//! runs about twice as fast as `MessageChannel` posts, whose messages are
//! serialized and routed through a port. Elsewhere a `MessageChannel` post
//! is the fallback: like `postTask`, and unlike a nested `setTimeout(0)`, it
//! is never clamped. Either way the tasks of one page run in the order they
//! were queued.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageChannel, MessagePort};

use super::socket::Routed;

enum Poster {
    /// `scheduler.postTask(run_one)`: the scheduler object and its method,
    /// taken at install time (later page changes to `scheduler` do not matter).
    PostTask { scheduler: JsValue, post: Function },
    /// `port.postMessage(undefined)`, whose `message` event runs `run_one`.
    Port(MessagePort),
}

struct Scheduler {
    poster: Poster,
    queue: RefCell<VecDeque<Rc<Routed>>>,
    run: Closure<dyn FnMut()>,
}

thread_local! {
    static SCHEDULER: Option<Scheduler> = make_scheduler();
}

fn post_task() -> Option<(JsValue, Function)> {
    let scheduler = Reflect::get(&js_sys::global(), &JsValue::from_str("scheduler")).ok()?;
    if !scheduler.is_object() {
        return None;
    }
    let post = Reflect::get(&scheduler, &JsValue::from_str("postTask")).ok()?;
    Some((scheduler, post.dyn_into::<Function>().ok()?))
}

fn make_scheduler() -> Option<Scheduler> {
    let run = Closure::<dyn FnMut()>::new(run_one);
    let poster = match post_task() {
        Some((scheduler, post)) => Poster::PostTask { scheduler, post },
        None => {
            let channel = MessageChannel::new().ok()?;
            channel
                .port1()
                .set_onmessage(Some(run.as_ref().unchecked_ref()));
            Poster::Port(channel.port2())
        }
    };
    Some(Scheduler {
        poster,
        queue: RefCell::new(VecDeque::new()),
        run,
    })
}

/// Queues one task for `socket`; it runs [`Routed::run_task`].
pub fn schedule(socket: Rc<Routed>) {
    SCHEDULER.with(|s| match s {
        Some(s) => {
            s.queue.borrow_mut().push_back(socket);
            let posted = match &s.poster {
                // The returned promise rejects only if `run_one` throws,
                // which it does not (handlers' exceptions are reported by
                // event dispatch); it is not awaited.
                Poster::PostTask { scheduler, post } => {
                    super::glue::call1(post, scheduler, s.run.as_ref())
                }
                // Posting `undefined` cannot fail to clone.
                Poster::Port(port) => port.post_message(&JsValue::UNDEFINED),
            };
            if let Err(e) = posted {
                super::report("wsroute: cannot queue a task", &e);
            }
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
