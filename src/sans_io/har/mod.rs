//! Recording WebSocket sessions as HAR and replaying them as mocks.
//!
//! | module | owns |
//! |---|---|
//! | [`model`] | the HAR types (serde), public as `wsroute::har` |
//! | [`script`] | a log's sessions by URL, read and checked once, before any route exists |
//! | [`replay`] | one session replayed: cues for the route, in recorded order |
//! | [`record`] | one socket recorded as an entry |
//! | [`time`], [`base64`] | dates and frame times; binary frames as text |

pub(crate) mod base64;
pub mod model;
pub(crate) mod record;
pub(crate) mod replay;
pub(crate) mod script;
pub(crate) mod time;

#[cfg(test)]
mod tests;
