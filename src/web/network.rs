//! The page's network conditions (`setNetworkConditions`, `setOffline`):
//! which conditions apply to which socket URL, and every live socket, told
//! when they change. The rules of what conditions do are the core's
//! (`sans_io/socket/link.rs`); this file only decides which apply.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::matcher::Pattern;
use crate::sans_io::socket::Conditions;

/// A socket that network conditions can apply to.
pub(crate) trait Conditioned {
    /// Its normalised URL.
    fn url(&self) -> String;
    /// The conditions that apply to it now.
    fn apply(self: Rc<Self>, conditions: Conditions);
}

/// Conditions set for the sockets a pattern matches (`None`: every socket).
struct Entry {
    pattern: Option<Pattern>,
    conditions: Conditions,
}

#[derive(Default)]
struct Network {
    /// Oldest first; the newest whose pattern matches decides.
    entries: Vec<Entry>,
    /// Every live socket, by the id `watch` gave it.
    sockets: Vec<(u64, Weak<dyn Conditioned>)>,
    next_id: u64,
}

thread_local! {
    static NETWORK: RefCell<Network> = RefCell::new(Network::default());
}

fn with<R>(f: impl FnOnce(&mut Network) -> R) -> R {
    NETWORK.with(|n| f(&mut n.borrow_mut()))
}

fn same(a: &Option<Pattern>, b: &Option<Pattern>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.same_as(b),
        _ => false,
    }
}

/// The conditions for a socket with the normalised URL `href`.
pub(crate) fn decide(href: &str) -> Conditions {
    // The patterns are cloned out: matching may call page code (a predicate).
    let entries: Vec<(Option<Pattern>, Conditions)> = with(|n| {
        n.entries
            .iter()
            .map(|e| (e.pattern.clone(), e.conditions))
            .collect()
    });
    let base = entries
        .iter()
        .any(|(p, _)| p.as_ref().is_some_and(Pattern::is_glob))
        .then(super::registry::glob_base)
        .flatten();
    entries
        .into_iter()
        .rev()
        .find(|(p, _)| p.as_ref().is_none_or(|p| p.matches(href, base.as_deref())))
        .map(|(_, c)| c)
        .unwrap_or_default()
}

/// Whether any conditions are set (else sockets stay on their fast path).
pub(crate) fn any() -> bool {
    with(|n| !n.entries.is_empty())
}

/// Tells `socket` of every later change of conditions, until it calls
/// [`unwatch`] with the id this returns (when it is dropped: a `Weak` kept
/// longer would keep its memory).
pub(crate) fn watch(socket: Weak<dyn Conditioned>) -> u64 {
    with(|n| {
        n.next_id += 1;
        n.sockets.push((n.next_id, socket));
        n.next_id
    })
}

/// Forgets the socket `watch` gave `id`.
pub(crate) fn unwatch(id: u64) {
    with(|n| {
        if let Some(i) = n.sockets.iter().rposition(|(s, _)| *s == id) {
            n.sockets.swap_remove(i);
        }
        // Give memory back after a burst of sockets.
        if n.sockets.capacity() > 64 && n.sockets.len() < n.sockets.capacity() / 4 {
            n.sockets.shrink_to(n.sockets.len() * 2);
        }
    });
}

/// Sets `conditions` for the sockets `pattern` matches (`None`: all), from
/// now on and for those already open; `None` removes the conditions set
/// with that same pattern.
pub(crate) fn set(pattern: Option<Pattern>, conditions: Option<Conditions>) {
    with(|n| {
        n.entries.retain(|e| !same(&e.pattern, &pattern));
        if let Some(conditions) = conditions {
            n.entries.push(Entry {
                pattern,
                conditions,
            });
        }
    });
    apply();
}

/// Sets only `offline`, for every socket: in every entry, and in one for all
/// sockets (made if there is none).
pub(crate) fn set_offline(offline: bool) {
    with(|n| {
        for e in &mut n.entries {
            e.conditions.offline = offline;
        }
        if !n.entries.iter().any(|e| e.pattern.is_none()) && offline {
            n.entries.insert(
                0,
                Entry {
                    pattern: None,
                    conditions: Conditions {
                        offline,
                        ..Conditions::default()
                    },
                },
            );
        }
        n.entries.retain(|e| !e.conditions.is_clear());
    });
    apply();
}

/// Forgets every condition (the last Rust guard was dropped).
pub(crate) fn clear() {
    with(|n| n.entries.clear());
    apply();
}

/// Tells every live socket the conditions that now apply to it.
fn apply() {
    let sockets: Vec<Rc<dyn Conditioned>> =
        with(|n| n.sockets.iter().filter_map(|(_, s)| s.upgrade()).collect());
    for s in sockets {
        let conditions = decide(&s.url());
        s.apply(conditions);
    }
}
