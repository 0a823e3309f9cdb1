//! The library half of xtask: tasks whose logic is tested directly by
//! `tests/it`. The binary (`main.rs`) parses the command line and calls in.

pub mod codegen_task;
pub mod diff;
pub mod docs;
mod summary;
