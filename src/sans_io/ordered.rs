//! A FIFO whose items may wait for data that arrives later (a Blob being
//! read), without letting later items overtake them.

use std::collections::VecDeque;

#[derive(Debug)]
enum Place<T> {
    Ready(T),
    Pending(u64),
}

/// Items leave in the order they were pushed; a pending item (identified by a
/// ticket) holds back everything behind it until it is resolved or cancelled.
#[derive(Debug)]
pub(crate) struct Ordered<T> {
    items: VecDeque<Place<T>>,
}

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Ordered {
            items: VecDeque::new(),
        }
    }
}

impl<T> Ordered<T> {
    /// Whether nothing is queued (used by the browser edge's observers).
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Queues an item that is ready.
    pub(crate) fn push(&mut self, item: T) {
        self.items.push_back(Place::Ready(item));
    }

    /// Queues a place for an item that `resolve(ticket, ..)` fills later.
    pub(crate) fn push_pending(&mut self, ticket: u64) {
        self.items.push_back(Place::Pending(ticket));
    }

    /// Fills the place held by `ticket`.
    pub(crate) fn resolve(&mut self, ticket: u64, item: T) {
        if let Some(slot) = self
            .items
            .iter_mut()
            .find(|s| matches!(s, Place::Pending(t) if *t == ticket))
        {
            *slot = Place::Ready(item);
        }
    }

    /// Drops the place held by `ticket`: its item will never come.
    pub(crate) fn cancel(&mut self, ticket: u64) {
        let at = self
            .items
            .iter()
            .position(|s| matches!(s, Place::Pending(t) if *t == ticket));
        if let Some(i) = at {
            self.items.remove(i);
        }
    }

    /// The first item, if it is ready to leave.
    pub(crate) fn pop_ready(&mut self) -> Option<T> {
        match self.items.front() {
            Some(Place::Ready(_)) => match self.items.pop_front() {
                Some(Place::Ready(item)) => Some(item),
                _ => None,
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ordered;

    #[test]
    fn a_pending_item_holds_back_later_ones_until_resolved() {
        let mut q = Ordered::default();
        assert!(q.is_empty());
        q.push(1);
        assert!(!q.is_empty());
        q.push_pending(7);
        q.push(3);
        assert_eq!(q.pop_ready(), Some(1));
        assert_eq!(q.pop_ready(), None);
        q.resolve(7, 2);
        assert_eq!(
            (q.pop_ready(), q.pop_ready(), q.pop_ready()),
            (Some(2), Some(3), None)
        );
        assert!(q.is_empty());
    }

    #[test]
    fn a_cancelled_item_releases_the_rest() {
        let mut q = Ordered::default();
        q.push_pending(1);
        q.push(5);
        q.resolve(99, 0); // unknown tickets change nothing
        assert_eq!(q.pop_ready(), None);
        assert!(!q.is_empty(), "a pending place counts");
        q.cancel(1);
        assert_eq!(q.pop_ready(), Some(5));
        assert!(q.is_empty());
    }
}
