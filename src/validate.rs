//! validate (work in progress)
