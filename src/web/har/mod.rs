//! HAR in the browser: recording sockets through observers
//! ([`record`]) and replaying sessions as a route ([`replay`]); the rules
//! live in the core (`crate::sans_io::har`).

pub(crate) mod record;
pub(crate) mod replay;

pub use record::HarRecorder;
pub use replay::HarOptions;
