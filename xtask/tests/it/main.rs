//! Integration tests of xtask: one binary, one module per task.

mod checkouts;
mod diff;
mod regen;
