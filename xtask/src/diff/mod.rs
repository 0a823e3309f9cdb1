//! `cargo xtask diff`: what a change to `spec/openapi.yaml` does to code that
//! uses the generated client.
//!
//! Compares the spec at a git revision (`--base`, default `HEAD`, read with
//! `git show`, no checkout) with the working-tree file. Both sides are parsed
//! by [`codegen::Spec::parse`]; the `compare` module walks them and finds the
//! changes, the [`rules`] table judges each, and the `report` module renders
//! the result.

mod change;
mod compare;
mod report;
pub mod rules;

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};

pub use crate::Format;
pub use change::{Change, Kind, Report, Severity};
pub use report::{render, summary};

/// The spec's path relative to the project root.
const SPEC_PATH: &str = codegen::SPEC_PATH;

/// Arguments of `cargo xtask diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The git revision to compare the working-tree spec with.
    #[arg(long, default_value = "HEAD")]
    pub base: String,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with status 1 when a change of this severity is present.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

/// What `--fail-on` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any breaking change.
    Breaking,
}

/// `cargo xtask diff`: prints the report for the spec at `args.base` against
/// the working tree of the project at `root`, and returns the exit status.
pub fn run(root: &Path, args: &DiffArgs) -> Result<u8> {
    let report = compare_with_working_tree(root, &args.base)?;
    print!("{}", render(&report, args.format));
    Ok(exit_code(&report, args.fail_on))
}

/// 1 when `fail_on` is set and the report has such a change, 0 otherwise.
pub fn exit_code(report: &Report, fail_on: Option<FailOn>) -> u8 {
    match fail_on {
        Some(FailOn::Breaking) if report.has_breaking() => 1,
        _ => 0,
    }
}

/// The summary line, plus the breaking rows, for the spec at `HEAD` against
/// the working tree: what `cargo xtask regen` prints after regenerating.
pub fn summary_against_head(root: &Path) -> Result<String> {
    let report = compare_with_working_tree(root, "HEAD")?;
    Ok(format!("{SPEC_PATH} against HEAD: {}", summary(&report)))
}

/// Compares the spec at `base` (a git revision) with the working-tree spec.
/// A spec split into files is read whole on both sides: every file the base
/// root refers to is read with `git show` at that revision.
pub fn compare_with_working_tree(root: &Path, base: &str) -> Result<Report> {
    let commit = resolve_revision(root, base)?;
    let root_file = root.join(SPEC_PATH);
    let at_commit = |path: &Path| -> std::io::Result<String> { file_at(root, &commit, path) };
    let base_spec = codegen::Spec::load_with(
        &root_file,
        &format!("{SPEC_PATH}@{base}"),
        &at_commit,
    )
    .map_err(|e| match e {
        codegen::Error::Io { .. } => anyhow!(
            "{SPEC_PATH} does not exist at `{base}` ({}): {e}: pick a `--base` that has the spec",
            short(&commit)
        ),
        // Printed one problem a line, then the count, by `crate::failure::render`.
        e @ codegen::Error::Problems(_) => anyhow::Error::new(e).context(
            "the base spec does not parse: fix it at that revision or pick another `--base`",
        ),
        e => anyhow!(
            "the base spec does not parse: {e}: fix it at that revision or pick another `--base`"
        ),
    })?;
    if !root_file.exists() {
        bail!(
            "cannot read the working-tree spec {}: restore it (e.g. `git checkout {SPEC_PATH}`) and run again",
            root_file.display()
        );
    }
    let new_spec = codegen::Spec::load(&root_file, &format!("{SPEC_PATH} (working tree)"))
        .map_err(|e| match e {
            e @ codegen::Error::Problems(_) => {
                anyhow::Error::new(e).context("the new spec does not parse: fix it and run again")
            }
            e => anyhow!("the new spec does not parse: {e}: fix it and run again"),
        })?;
    compare_specs(&base_spec, &new_spec)
}

/// The text of the file at `path` (under `root`) in `commit`.
fn file_at(root: &Path, commit: &str, path: &Path) -> std::io::Result<String> {
    let relative = path.strip_prefix(root).map_err(|_| {
        std::io::Error::other(format!(
            "{} is outside the repository at {}",
            path.display(),
            root.display()
        ))
    })?;
    let relative = relative.to_string_lossy().replace('\\', "/");
    // `./` makes the path relative to `root`, not to the repository's top.
    let shown = git(root, &["show", &format!("{commit}:./{relative}")])
        .map_err(|e| std::io::Error::other(format!("{e:#}")))?;
    if !shown.status.success() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!(
                "not in commit {}: {}",
                short(commit),
                String::from_utf8_lossy(&shown.stderr).trim()
            ),
        ));
    }
    String::from_utf8(shown.stdout)
        .map_err(|_| std::io::Error::other(format!("{relative} is not UTF-8 at {}", short(commit))))
}

/// Parses both texts with [`codegen::Spec::parse`] (the labels name them in
/// errors) and compares them.
pub fn compare_texts(
    base_text: &str,
    base_label: &str,
    new_text: &str,
    new_label: &str,
) -> Result<Report> {
    let base = codegen::Spec::parse(base_text, base_label).map_err(|e| {
        anyhow!(
            "the base spec does not parse: {e}: fix it at that revision or pick another `--base`"
        )
    })?;
    let new = codegen::Spec::parse(new_text, new_label)
        .map_err(|e| anyhow!("the new spec does not parse: {e}: fix it and run again"))?;
    compare_specs(&base, &new)
}

/// Compares two parsed specs.
pub fn compare_specs(base: &codegen::Spec, new: &codegen::Spec) -> Result<Report> {
    let changes = compare::compare(base.document(), new.document());
    Ok(Report::new(changes))
}

/// The commit `revision` names in `root`.
fn resolve_revision(root: &Path, revision: &str) -> Result<String> {
    // `--end-of-options` keeps a revision starting with `-` from being read
    // as an option.
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{revision}^{{commit}}"),
        ],
    )?;
    if !commit.status.success() {
        let reason = match String::from_utf8_lossy(&commit.stderr).trim() {
            "" => "no such commit".to_owned(),
            stderr => stderr.to_owned(),
        };
        bail!(
            "cannot resolve `--base {revision}` in {}: {reason}: pass a commit, branch or tag that exists (e.g. `--base HEAD~1`)",
            root.display()
        );
    }
    Ok(String::from_utf8_lossy(&commit.stdout).trim().to_owned())
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .with_context(|| {
            format!(
                "cannot run `git {}` in {}: install git, or run from a git checkout",
                args.first().copied().unwrap_or_default(),
                root.display()
            )
        })
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}
