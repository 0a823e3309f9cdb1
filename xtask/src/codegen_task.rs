//! `regen` and `check`: one function, [`ensure_file_contents`], decides whether to
//! write or to compare.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use similar::TextDiff;

use crate::paths::{GENERATED_RS, project_root};

/// Whether a stale file is rewritten or reported.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Write,
    Check,
}

/// What [`ensure_file_contents`] found.
enum Outcome {
    UpToDate,
    /// The file was rewritten (Write) or is stale (Check); holds the old text.
    Changed {
        old: String,
    },
}

/// `cargo xtask regen`.
pub(crate) fn regen() -> Result<ExitCode> {
    let generated = generate()?;
    match ensure_file_contents(Path::new(GENERATED_RS), &generated.code, Mode::Write)? {
        Outcome::UpToDate => println!("{GENERATED_RS}: up to date"),
        Outcome::Changed { old } => {
            println!("{GENERATED_RS}: regenerated");
            let changes = codegen::summarize_changes(&old, &generated);
            for line in changes.lines() {
                println!("  {line}");
            }
            println!("  {}", diff_stat(&old, &generated.code));
        }
    }
    // What the spec change means for client users (`cargo xtask diff` in short).
    // Without git or a HEAD commit there is nothing to compare with: a note, not a failure.
    match xtask::diff::summary_against_head(&project_root()) {
        Ok(summary) => print!("{summary}"),
        Err(error) => println!("note: no API diff against HEAD: {error:#}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask check`.
pub(crate) fn check() -> Result<ExitCode> {
    let generated = generate()?;
    match ensure_file_contents(Path::new(GENERATED_RS), &generated.code, Mode::Check)? {
        Outcome::UpToDate => {
            println!("{GENERATED_RS}: up to date");
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Changed { old } => {
            let diff = TextDiff::from_lines(&old, &generated.code);
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{GENERATED_RS}"), &format!("b/{GENERATED_RS}"))
            );
            eprintln!(
                "error: {GENERATED_RS} is stale against {}: run `cargo xtask regen` and commit the result",
                codegen::SPEC_PATH
            );
            Ok(ExitCode::FAILURE)
        }
    }
}

fn generate() -> Result<codegen::Generated> {
    let root = project_root();
    let spec = codegen::Spec::load(&root.join(codegen::SPEC_PATH), codegen::SPEC_PATH)?;
    Ok(codegen::generate(&spec)?)
}

/// Writes `contents` to `relative` (under the project root) unless it is already
/// there; in [`Mode::Check`] only compares. Line endings are normalised before
/// comparing. A write goes to a temporary file first and is renamed into place,
/// so a failure leaves the old file whole.
fn ensure_file_contents(relative: &Path, contents: &str, mode: Mode) -> Result<Outcome> {
    let path = project_root().join(relative);
    let old = match fs::read_to_string(&path) {
        Ok(text) => text.replace("\r\n", "\n"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", relative.display())),
    };
    if old == contents {
        return Ok(Outcome::UpToDate);
    }
    if mode == Mode::Write {
        let temporary = path.with_extension("rs.tmp");
        fs::write(&temporary, contents)
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        fs::rename(&temporary, &path).with_context(|| {
            format!(
                "cannot move {} to {}",
                temporary.display(),
                relative.display()
            )
        })?;
    }
    Ok(Outcome::Changed { old })
}

/// `N lines added, M removed`.
fn diff_stat(old: &str, new: &str) -> String {
    let diff = TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    format!("{GENERATED_RS}: {added} lines added, {removed} removed")
}
