//! pattern (work in progress)
