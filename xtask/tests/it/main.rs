//! Integration tests of xtask: one binary, one module per task.

mod checkouts;
mod diff;
mod diff_cases;
mod docs;
mod merge;
mod public_api;
mod regen;
mod tidy;
