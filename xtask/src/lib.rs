//! The library half of xtask: tasks whose logic is tested directly by
//! `tests/it`. The binary (`main.rs`) parses the command line and calls in.

pub mod codegen_task;
pub mod diff;
pub mod docs;
pub mod failure;
pub mod public_api;
mod summary;

/// How a report command (`cargo xtask diff`, `cargo xtask docs`) prints what
/// it found. Each command's `render` documents its own layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// For a terminal: what was found, then a summary line.
    #[default]
    Text,
    /// One table, for a pull request description or comment.
    Markdown,
    /// One JSON object, for tools.
    Json,
}
