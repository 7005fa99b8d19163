//! The link between a page and its peer (the route, or the real server of a
//! socket passed through) under network conditions: latency added once each
//! way, a throughput in each direction, and offline.
//!
//! Time is an input: the owner tells the link what time it is, and asks it
//! when it next needs to be told ([`Link::next_deadline`]). Host tests drive
//! it with a virtual clock.
//!
//! Each direction is a [`Lane`]: items cross one after another, each taking
//! `size / rate` to leave (its *departure*, when it stops counting in
//! `bufferedAmount`) and `latency` more to arrive. Arrivals never overtake one
//! another, whatever the conditions did in between.

use std::collections::VecDeque;

/// Milliseconds on the owner's clock (`performance.now()` in a page).
pub(crate) type Millis = f64;

/// What the network does to a socket, as `setNetworkConditions` sets it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Conditions {
    /// Every socket fails, and new ones never open.
    pub(crate) offline: bool,
    /// Added once each way, in milliseconds.
    pub(crate) latency: Millis,
    /// Bytes per second towards the page; `None`: unlimited.
    pub(crate) download: Option<f64>,
    /// Bytes per second from the page; `None`: unlimited.
    pub(crate) upload: Option<f64>,
}

impl Conditions {
    /// Whether these conditions change nothing.
    pub(crate) fn is_clear(&self) -> bool {
        *self == Conditions::default()
    }
}

/// An item crossing a lane.
#[derive(Debug)]
struct Crossing<T> {
    item: T,
    size: u64,
    departs: Millis,
    arrives: Millis,
    departed: bool,
}

/// One direction of a link.
#[derive(Debug)]
pub(crate) struct Lane<T> {
    crossing: VecDeque<Crossing<T>>,
    /// When the bottleneck is free for the next item.
    free_at: Millis,
    /// When the last item arrives: later items never arrive earlier.
    last_arrival: Millis,
}

impl<T> Default for Lane<T> {
    fn default() -> Self {
        Lane {
            crossing: VecDeque::new(),
            free_at: Millis::NEG_INFINITY,
            last_arrival: Millis::NEG_INFINITY,
        }
    }
}

impl<T> Lane<T> {
    /// Sends `item` of `size` bytes at `now`, at `rate` bytes per second
    /// (`None`: unlimited), arriving `latency` after it left.
    pub(crate) fn push(
        &mut self,
        item: T,
        size: u64,
        now: Millis,
        rate: Option<f64>,
        latency: Millis,
    ) {
        let start = now.max(self.free_at);
        let transfer = match rate {
            Some(r) if r > 0.0 => size as f64 * 1000.0 / r,
            _ => 0.0,
        };
        let departs = start + transfer;
        let arrives = (departs + latency).max(self.last_arrival);
        self.free_at = departs;
        self.last_arrival = arrives;
        self.crossing.push_back(Crossing {
            item,
            size,
            departs,
            arrives,
            departed: false,
        });
    }

    /// The bytes that have left by `now` and not been reported yet.
    pub(crate) fn departed(&mut self, now: Millis) -> u64 {
        let mut bytes = 0;
        for c in self.crossing.iter_mut() {
            if c.departs > now {
                break;
            }
            if !c.departed {
                c.departed = true;
                bytes += c.size;
            }
        }
        bytes
    }

    /// The next item that has arrived by `now`, in sending order.
    pub(crate) fn arrived(&mut self, now: Millis) -> Option<T> {
        if self.crossing.front()?.arrives > now {
            return None;
        }
        self.crossing.pop_front().map(|c| c.item)
    }

    /// When bytes next leave (that have not been reported).
    pub(crate) fn next_departure(&self) -> Option<Millis> {
        self.crossing
            .iter()
            .find(|c| !c.departed && c.size > 0)
            .map(|c| c.departs)
    }

    /// When the next item arrives.
    pub(crate) fn next_arrival(&self) -> Option<Millis> {
        self.crossing.front().map(|c| c.arrives)
    }

    /// Whether nothing is crossing.
    pub(crate) fn is_idle(&self) -> bool {
        self.crossing.is_empty()
    }

    /// Drops everything crossing (the connection is gone); returns the bytes
    /// that had not left yet.
    pub(crate) fn cut(&mut self) -> u64 {
        let unsent = self
            .crossing
            .iter()
            .filter(|c| !c.departed)
            .map(|c| c.size)
            .sum();
        self.crossing.clear();
        unsent
    }
}

/// Both directions of a page's link, and the conditions they cross under.
#[derive(Debug)]
pub(crate) struct Link<T> {
    pub(crate) conditions: Conditions,
    /// From the page.
    pub(crate) up: Lane<T>,
    /// Towards the page.
    pub(crate) down: Lane<T>,
}

impl<T> Link<T> {
    pub(crate) fn new(conditions: Conditions) -> Self {
        Link {
            conditions,
            up: Lane::default(),
            down: Lane::default(),
        }
    }

    /// Sends `item` from the page at `now`.
    pub(crate) fn send_up(&mut self, item: T, size: u64, now: Millis) {
        let c = self.conditions;
        self.up.push(item, size, now, c.upload, c.latency);
    }

    /// Sends `item` towards the page at `now`.
    pub(crate) fn send_down(&mut self, item: T, size: u64, now: Millis) {
        let c = self.conditions;
        self.down.push(item, size, now, c.download, c.latency);
    }

    /// When the link next needs to be told the time: bytes leaving the page
    /// (`bufferedAmount`), or anything arriving either way.
    pub(crate) fn next_deadline(&self) -> Option<Millis> {
        [
            self.up.next_departure(),
            self.up.next_arrival(),
            self.down.next_arrival(),
        ]
        .into_iter()
        .flatten()
        .reduce(Millis::min)
    }

    /// Whether nothing is crossing either way.
    pub(crate) fn is_idle(&self) -> bool {
        self.up.is_idle() && self.down.is_idle()
    }

    /// Whether nothing crosses and no condition applies: the link can go.
    pub(crate) fn is_done(&self) -> bool {
        self.conditions.is_clear() && self.is_idle()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_of_zero_is_no_limit() {
        let mut lane = Lane::default();
        lane.push(1u32, 1_000_000, 0.0, Some(0.0), 5.0);
        assert_eq!(lane_times(&lane), [(1, 0.0, 5.0)]);
    }

    fn lane_times(lane: &Lane<u32>) -> Vec<(u32, Millis, Millis)> {
        lane.crossing
            .iter()
            .map(|c| (c.item, c.departs, c.arrives))
            .collect()
    }

    #[test]
    fn latency_is_added_once_and_throughput_serialises() {
        let mut lane = Lane::default();
        // 1000 B/s: a 100-byte item takes 100 ms to leave; latency 50 ms.
        lane.push(1, 100, 0.0, Some(1000.0), 50.0);
        lane.push(2, 100, 10.0, Some(1000.0), 50.0);
        lane.push(3, 0, 500.0, Some(1000.0), 50.0);
        assert_eq!(
            lane_times(&lane),
            [(1, 100.0, 150.0), (2, 200.0, 250.0), (3, 500.0, 550.0)]
        );
        assert_eq!(
            (lane.next_departure(), lane.next_arrival()),
            (Some(100.0), Some(150.0))
        );
        assert_eq!(lane.departed(99.0), 0);
        assert_eq!(lane.departed(100.0), 100);
        assert_eq!(lane.departed(210.0), 100);
        assert_eq!(
            lane.next_departure(),
            None,
            "a 0-byte item leaves nothing to report"
        );
        assert_eq!(lane.arrived(149.0), None);
        assert_eq!(lane.arrived(250.0), Some(1));
        assert_eq!(lane.arrived(250.0), Some(2));
        assert_eq!(lane.arrived(250.0), None);
        assert_eq!(lane.next_arrival(), Some(550.0));
    }

    #[test]
    fn a_shorter_latency_never_lets_a_later_item_overtake() {
        let mut lane = Lane::default();
        lane.push(1, 10, 0.0, None, 200.0);
        lane.push(2, 10, 1.0, None, 0.0);
        assert_eq!(lane_times(&lane), [(1, 0.0, 200.0), (2, 1.0, 200.0)]);
        assert_eq!(lane.arrived(199.0), None);
        assert_eq!(
            (lane.arrived(200.0), lane.arrived(200.0)),
            (Some(1), Some(2))
        );
    }

    #[test]
    fn unlimited_and_zero_latency_arrive_at_once() {
        let mut lane = Lane::default();
        lane.push(7, 1 << 20, 42.0, None, 0.0);
        assert_eq!(lane.departed(42.0), 1 << 20);
        assert_eq!(lane.arrived(42.0), Some(7));
        assert!(lane.is_idle());
        assert_eq!((lane.next_departure(), lane.next_arrival()), (None, None));
    }

    #[test]
    fn cutting_drops_what_is_crossing_and_counts_what_had_not_left() {
        let mut lane = Lane::default();
        lane.push(1, 100, 0.0, Some(1000.0), 0.0);
        lane.push(2, 30, 0.0, Some(1000.0), 0.0);
        assert_eq!(lane.departed(100.0), 100);
        assert_eq!(lane.cut(), 30);
        assert!(lane.is_idle());
    }

    #[test]
    fn a_link_with_no_conditions_and_nothing_crossing_is_done() {
        let mut link = Link::new(Conditions::default());
        assert!(link.is_done());
        link.send_up(1u32, 3, 0.0);
        assert!(!link.is_done());
        assert_eq!(link.up.arrived(0.0), Some(1));
        assert!(link.is_done());
        link.conditions.latency = 5.0;
        assert!(!link.is_done());
    }
}
