//! `regen` and `check`: one function, `ensure_file_contents`, decides whether to
//! write or to compare.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use similar::TextDiff;

/// The committed copy of codegen's output, relative to the project root.
pub const GENERATED_RS: &str = "generated-client/src/generated.rs";

/// Whether a stale file is rewritten or reported.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Write,
    Check,
}

/// What [`ensure_file_contents`] found.
pub(crate) enum Outcome {
    UpToDate,
    /// The file was rewritten (Write) or is stale (Check); holds the old text.
    Changed {
        old: String,
    },
}

/// `cargo xtask regen` in the workspace at `root`: regenerates the committed
/// copy and returns the report to print. On any error nothing was written.
pub fn regen(root: &Path) -> Result<String> {
    let generated = generate(root)?;
    let mut report = String::new();
    match ensure_file_contents(root, Path::new(GENERATED_RS), &generated.code, Mode::Write)? {
        Outcome::UpToDate => report.push_str(&format!("{GENERATED_RS}: up to date\n")),
        Outcome::Changed { old } => {
            report.push_str(&format!("{GENERATED_RS}: regenerated\n"));
            for line in crate::summary::summarize_changes(&old, &generated).lines() {
                report.push_str(&format!("  {line}\n"));
            }
            report.push_str(&format!("  {}\n", diff_stat(&old, &generated.code)));
        }
    }
    // What the spec change means for client users (`cargo xtask diff` in short).
    // Without git or a HEAD commit there is nothing to compare with: a note, not a failure.
    match crate::diff::summary_against_head(root) {
        Ok(summary) => report.push_str(&summary),
        Err(error) => report.push_str(&format!("note: no API diff against HEAD: {error:#}\n")),
    }
    // Drift between the spec and the doc pages (`cargo xtask docs` in short),
    // when the pages are there.
    if let Some(summary) = crate::docs::regen_summary(root) {
        report.push_str(&summary);
    }
    Ok(report)
}

/// `cargo xtask check` in the workspace at `root`: `None` when the committed
/// copy is up to date, else the unified diff from it to what codegen makes now.
pub fn check(root: &Path) -> Result<Option<String>> {
    let generated = generate(root)?;
    match ensure_file_contents(root, Path::new(GENERATED_RS), &generated.code, Mode::Check)? {
        Outcome::UpToDate => Ok(None),
        Outcome::Changed { old } => {
            let diff = TextDiff::from_lines(&old, &generated.code);
            let unified = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{GENERATED_RS}"), &format!("b/{GENERATED_RS}"))
                .to_string();
            Ok(Some(unified))
        }
    }
}

fn generate(root: &Path) -> Result<codegen::Generated> {
    let spec = codegen::Spec::load(&root.join(codegen::SPEC_PATH), codegen::SPEC_PATH)?;
    Ok(codegen::generate(&spec)?)
}

/// Writes `contents` to `relative` (under `root`) unless it is already there;
/// in [`Mode::Check`] only compares. Line endings are normalised before
/// comparing. A write goes to a temporary file first and is renamed into place,
/// so a failure leaves the old file whole.
pub(crate) fn ensure_file_contents(
    root: &Path,
    relative: &Path,
    contents: &str,
    mode: Mode,
) -> Result<Outcome> {
    let path = root.join(relative);
    let old = match fs::read_to_string(&path) {
        Ok(text) => text.replace("\r\n", "\n"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", relative.display())),
    };
    if old == contents {
        return Ok(Outcome::UpToDate);
    }
    if mode == Mode::Write {
        let mut temporary = path.clone().into_os_string();
        temporary.push(".tmp");
        let temporary = std::path::PathBuf::from(temporary);
        let written = fs::write(&temporary, contents)
            .with_context(|| format!("cannot write {}", temporary.display()))
            .and_then(|()| {
                fs::rename(&temporary, &path).with_context(|| {
                    format!(
                        "cannot move {} to {}",
                        temporary.display(),
                        relative.display()
                    )
                })
            });
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written?;
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
