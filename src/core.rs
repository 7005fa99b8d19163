//! core (work in progress)
