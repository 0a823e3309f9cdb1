//! `cargo xtask diff` on the golden cases in `tests/diff-cases/`: one folder
//! per case, run by one test.
//!
//! A case is `new.diff`, a unified diff applied to the shared
//! `tests/diff-cases/base.yaml` (or to the case's own base: `base.diff`
//! applied to `base.yaml` first), and the whole report it gives in every
//! format: `expected.txt`, `expected.md`, `expected.json`. To add a case, copy
//! `base.yaml`, edit it, and write `diff -u base.yaml new.yaml > new.diff` into
//! a new folder (lines before the first `@@` are free text: say what the case
//! shows). `EXPECTORATE=overwrite cargo test -p xtask diff_cases` writes the
//! expected files; review them before committing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use xtask::diff::{self, Format};

/// The expected files, one per format.
const FORMATS: [(&str, Format); 3] = [
    ("expected.txt", Format::Text),
    ("expected.md", Format::Markdown),
    ("expected.json", Format::Json),
];

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff-cases")
}

#[test]
fn diff_cases() {
    let dir = cases_dir();
    let update = std::env::var("EXPECTORATE").is_ok_and(|v| v == "overwrite");
    let base = read(&dir.join("base.yaml"));
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", dir.display());
    let mut failures = String::new();
    for case in &cases {
        let name = case.file_name().unwrap_or_default().to_string_lossy();
        if let Err(failure) = run_case(case, &base, update) {
            let _ = writeln!(failures, "case `{name}`: {failure}");
        }
    }
    assert!(
        failures.is_empty(),
        "{failures}\nif the new output is right, run `EXPECTORATE=overwrite cargo test -p xtask diff_cases` and review the changed files"
    );
}

/// Runs one case; `Err` says what differs.
fn run_case(case: &Path, shared_base: &str, update: bool) -> Result<(), String> {
    let base_patch = case.join("base.diff");
    let base = if base_patch.exists() {
        apply(shared_base, &read(&base_patch)).map_err(|e| format!("base.diff: {e}"))?
    } else {
        shared_base.to_owned()
    };
    let new = apply(&base, &read(&case.join("new.diff"))).map_err(|e| format!("new.diff: {e}"))?;
    let report = diff::compare_texts(&base, "base.yaml", &new, "new.yaml")
        .map_err(|e| format!("the specs do not compare: {e:#}"))?;
    for change in &report.changes {
        if change.message.is_empty() || change.message.contains('\n') {
            return Err(format!("a message is not one line: {change:?}"));
        }
    }
    let mut failures = Vec::new();
    for (file, format) in FORMATS {
        let path = case.join(file);
        let actual = diff::render(&report, format);
        if update {
            std::fs::write(&path, &actual)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{file} differs; the report is:\n{actual}"));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Applies a unified diff to `text`. Lines before the first `@@` (a comment,
/// the `---`/`+++` header) are ignored, and so are the hunks' line numbers:
/// each hunk's old lines (context and `-`) must occur exactly once in `text`,
/// so a diff written by hand needs only enough context to be unique.
fn apply(text: &str, patch: &str) -> Result<String, String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (index, hunk) in hunks(patch).iter().enumerate() {
        let (old, new) = hunk;
        let at: Vec<usize> = (0..=lines.len().saturating_sub(old.len()))
            .filter(|&start| lines.get(start..start + old.len()) == Some(old.as_slice()))
            .collect();
        let [start] = at.as_slice() else {
            return Err(format!(
                "hunk {} matches {} places, expected one; its old lines:\n{}",
                index + 1,
                at.len(),
                old.join("\n")
            ));
        };
        lines.splice(*start..*start + old.len(), new.iter().cloned());
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Ok(out)
}

/// Each hunk's old lines and new lines.
fn hunks(patch: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut hunks: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for line in patch.lines() {
        if line.starts_with("@@") {
            hunks.push((Vec::new(), Vec::new()));
            continue;
        }
        let Some((old, new)) = hunks.last_mut() else {
            continue;
        };
        match line.split_at_checked(1) {
            Some(("-", rest)) => old.push(rest.to_owned()),
            Some(("+", rest)) => new.push(rest.to_owned()),
            Some((" ", rest)) => {
                old.push(rest.to_owned());
                new.push(rest.to_owned());
            }
            Some(("\\", _)) => {}
            // An editor may strip the space of an empty context line.
            None => {
                old.push(String::new());
                new.push(String::new());
            }
            Some(_) => {}
        }
    }
    hunks
}

#[test]
fn a_patch_applies_by_its_context_alone() {
    let text = "a\nb\nc\nd\n";
    let patch = "# comment\n--- x\n+++ y\n@@ -9,9 +9,9 @@\n b\n-c\n+C\n+C2\n d\n";
    assert_eq!(apply(text, patch).as_deref(), Ok("a\nb\nC\nC2\nd\n"));
    let ambiguous = "@@\n-x\n";
    let message = apply("x\nx\n", ambiguous).expect_err("two places");
    assert!(message.starts_with("hunk 1 matches 2 places"), "{message}");
}
