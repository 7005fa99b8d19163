//! Queuing real tasks. Each page-visible event is its own task, as a
//! network event would be: timers and other events can run in between,
//! unlike with a microtask. The scheduler knows nothing of sockets: it runs
//! [`Task`]s, in the order they were queued.
//!
//! Where the Prioritized Task Scheduling API exists (`scheduler.postTask`,
//! Chromium and Firefox), tasks go through it; elsewhere a `MessageChannel`
//! post (like `postTask`, and unlike a nested `setTimeout(0)`, never clamped).
//! Every posted task runs the next entry of one FIFO queue. At most
//! [`IN_FLIGHT`] posts are outstanding at a time: Firefox's `postTask` slows
//! down with the number of pending tasks, while Chromium gains from a few in
//! flight (BENCHMARKS.md has the measurements).
//!
//! Work that runs no page code and only has to come after the current task
//! goes [`aside`]: the next posted task runs it, ahead of the queue, and it
//! never holds back a queued entry (nor [`in_event_task`]'s shortcut).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;

use super::glue;

/// Something with a task to run when its turn comes.
pub(crate) trait Task {
    /// Runs one task queued by [`schedule`].
    fn run(self: Rc<Self>);
    /// Runs one task queued by [`aside`].
    fn run_aside(self: Rc<Self>);
}

/// Posts outstanding at most (see the module documentation).
const IN_FLIGHT: usize = 8;

struct Scheduler {
    queue: RefCell<VecDeque<Rc<dyn Task>>>,
    /// Entries queued by [`aside`], in no order.
    aside: RefCell<Vec<Rc<dyn Task>>>,
    /// Posted tasks that have not run yet.
    in_flight: Cell<usize>,
    /// Inside [`in_event_task`] with nothing queued before it: tasks are
    /// queued but not posted yet.
    holding: Cell<bool>,
    /// `run_one` as the JS function the posted tasks call: kept alive here.
    _run: Closure<dyn FnMut()>,
}

impl Scheduler {
    /// Posts tasks until every queued entry has one, up to [`IN_FLIGHT`].
    fn top_up(&self) {
        let queued = self.queue.borrow().len() + self.aside.borrow().len();
        while self.in_flight.get() < queued.min(IN_FLIGHT) {
            if let Err(e) = glue::post_task() {
                glue::report("wsroute: cannot queue a task", &e);
                return;
            }
            self.in_flight.set(self.in_flight.get() + 1);
        }
    }
}

thread_local! {
    static SCHEDULER: Option<Scheduler> = make_scheduler();
}

fn make_scheduler() -> Option<Scheduler> {
    let run = Closure::<dyn FnMut()>::new(run_one);
    if !glue::set_task_runner(run.as_ref()) {
        return None;
    }
    Some(Scheduler {
        queue: RefCell::new(VecDeque::new()),
        aside: RefCell::new(Vec::new()),
        in_flight: Cell::new(0),
        holding: Cell::new(false),
        _run: run,
    })
}

/// Queues one task for `task`; it runs [`Task::run`].
pub(crate) fn schedule(task: Rc<dyn Task>) {
    enqueue(task, false);
}

/// Queues one task for `task` that runs [`Task::run_aside`] after the
/// current task, in no order with those [`schedule`] queues.
pub(crate) fn aside(task: Rc<dyn Task>) {
    enqueue(task, true);
}

fn enqueue(task: Rc<dyn Task>, aside: bool) {
    SCHEDULER.with(|s| match s {
        Some(s) => {
            if aside {
                s.aside.borrow_mut().push(task);
            } else {
                s.queue.borrow_mut().push_back(task);
            }
            if !s.holding.get() {
                s.top_up();
            }
        }
        None => glue::report(
            "wsroute: cannot queue tasks (no MessageChannel)",
            &JsValue::NULL,
        ),
    });
}

/// Runs `input`, the handler of an event that arrived as a task of its own
/// (a real socket's event). When no task was waiting before it, the first
/// task it queues runs at once, at the end of this event's task, as if it had
/// been posted and run next: nothing was ahead of it, and only wsroute's own
/// listener ran in this task, so the page cannot tell the difference except
/// by the time saved. Later tasks are posted as usual (each runs in a task of
/// its own, after the microtasks of the one before).
pub(crate) fn in_event_task(input: impl FnOnce()) {
    let held = SCHEDULER.with(|s| match s {
        Some(s) if !s.holding.get() && s.queue.borrow().is_empty() => {
            s.holding.set(true);
            true
        }
        _ => false,
    });
    input();
    if !held {
        return;
    }
    let first = SCHEDULER.with(|s| {
        let s = s.as_ref()?;
        s.holding.set(false);
        let first = s.queue.borrow_mut().pop_front();
        s.top_up();
        first
    });
    if let Some(task) = first {
        task.run();
    }
}

fn run_one() {
    let next = SCHEDULER.with(|s| {
        let s = s.as_ref()?;
        s.in_flight.set(s.in_flight.get().saturating_sub(1));
        // An entry queued aside first: it runs no page code, so it delays
        // the queue's next by no more than its own short run.
        let aside = s.aside.borrow_mut().pop();
        let next = match aside {
            Some(task) => Some((task, true)),
            None => s.queue.borrow_mut().pop_front().map(|task| (task, false)),
        };
        // The next entries' tasks are posted before this one runs, so they
        // queue behind whatever this task's code queues no later than now.
        s.top_up();
        next
    });
    match next {
        Some((task, true)) => task.run_aside(),
        Some((task, false)) => task.run(),
        None => {}
    }
}
