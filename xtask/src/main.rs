//! Maintainer tasks for the workspace: `cargo xtask <task>`.
//!
//! xtask drives codegen and holds no generation logic of its own. It is the only
//! program that writes into the repository.

mod codegen_task;
mod conformance;
mod paths;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Maintainer tasks for the Amity client workspace.
#[derive(Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate generated-client/src/generated.rs from spec/openapi.yaml.
    Regen,
    /// Fail with a diff when generated-client/src/generated.rs is stale.
    Check,
    /// Send every operation through the client to Stoplight Prism mocking
    /// spec/openapi.yaml (installs Prism into .tools/prism when missing).
    Conformance,
    /// Report what the working-tree spec/openapi.yaml changes, against a git
    /// revision, for users of the generated client (breaking or not).
    Diff(xtask::diff::DiffArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Regen => codegen_task::regen(),
        Task::Check => codegen_task::check(),
        Task::Conformance => conformance::conformance(),
        Task::Diff(args) => xtask::diff::run(&paths::project_root(), &args).map(ExitCode::from),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
