//! urls (work in progress)
