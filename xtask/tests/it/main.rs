//! Integration tests of xtask: one binary, one module per task.

mod diff;
mod regen;
