//! Maintainer tasks for the workspace: `cargo xtask <task>`.
//!
//! xtask drives codegen and holds no generation logic of its own. It is the only
//! program that writes into the repository.

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
    /// Check spec/openapi.yaml against the doc pages it was transcribed from
    /// (exit 1 with `--fail-on drift` when they differ, 2 when a page, the
    /// folder or the spec cannot be read).
    Docs(xtask::docs::DocsArgs),
    /// Write generated-client/public-api.txt, the listing of generated-client's
    /// public items (rustdoc JSON of the crate without default features).
    PublicApi {
        /// Write nothing; fail with a diff when the committed listing is not
        /// the current one.
        #[arg(long)]
        check: bool,
    },
}

fn regen() -> anyhow::Result<ExitCode> {
    print!("{}", xtask::codegen_task::regen(&paths::project_root()?)?);
    Ok(ExitCode::SUCCESS)
}

fn check() -> anyhow::Result<ExitCode> {
    let generated = xtask::codegen_task::GENERATED_RS;
    match xtask::codegen_task::check(&paths::project_root()?)? {
        None => {
            println!("{generated}: up to date");
            Ok(ExitCode::SUCCESS)
        }
        Some(diff) => {
            print!("{diff}");
            eprintln!(
                "error: {generated} is stale against {}: run `cargo xtask regen` and commit the result",
                codegen::SPEC_PATH
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn public_api(check: bool) -> anyhow::Result<ExitCode> {
    let root = paths::project_root()?;
    // Cargo runs this binary as rustdoc: see `xtask::public_api::run_as_rustdoc`.
    let xtask = std::env::current_exe()?;
    let listing = xtask::public_api::LISTING;
    if !check {
        print!("{}", xtask::public_api::write(&root, &xtask)?);
        return Ok(ExitCode::SUCCESS);
    }
    match xtask::public_api::check(&root, &xtask)? {
        None => {
            println!("{listing}: up to date");
            Ok(ExitCode::SUCCESS)
        }
        Some(diff) => {
            print!("{diff}");
            eprintln!(
                "error: {listing} is not the current public API of {}: run `cargo xtask public-api` and commit the result",
                xtask::public_api::PACKAGE
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn main() -> ExitCode {
    if let Some(real_rustdoc) = std::env::var_os(xtask::public_api::REAL_RUSTDOC) {
        return xtask::public_api::run_as_rustdoc(real_rustdoc);
    }
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Regen => regen(),
        Task::Check => check(),
        Task::Conformance => conformance::conformance(),
        Task::PublicApi { check } => public_api(check),
        Task::Diff(args) => paths::project_root()
            .and_then(|root| xtask::diff::run(&root, &args))
            .map(ExitCode::from),
        Task::Docs(args) => {
            return match paths::project_root().and_then(|root| xtask::docs::run(&root, &args)) {
                Ok(code) => ExitCode::from(code),
                Err(error) => {
                    eprint!("{}", xtask::failure::render(&error));
                    ExitCode::from(2)
                }
            };
        }
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprint!("{}", xtask::failure::render(&error));
            ExitCode::FAILURE
        }
    }
}
