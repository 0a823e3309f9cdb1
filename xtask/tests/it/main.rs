//! Integration tests of xtask: one binary, one module per task.

mod diff;
mod diff_cases;
mod regen;
