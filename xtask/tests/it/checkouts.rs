//! Two checkouts of the same commit, with the same file timestamps, sharing
//! one target directory: cargo builds xtask once for both (it names a
//! workspace member's artifacts by its path relative to the workspace), so
//! each run must find its own checkout at run time.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace this test was built from.
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The target directory this test binary sits in (`<target>/debug/deps/it-…`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors().nth(3).unwrap().to_path_buf()
}

/// Copies the files git tracks in `from` to `to`, each with its
/// modification time.
fn copy_checkout(from: &Path, to: &Path) {
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(from)
        .output()
        .expect("git runs");
    assert!(listed.status.success(), "git ls-files: {listed:?}");
    for name in listed.stdout.split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let name = std::str::from_utf8(name).unwrap();
        let source = from.join(name);
        // Deleted in the working tree but not yet in the index.
        let Ok(metadata) = fs::metadata(&source) else {
            continue;
        };
        let destination = to.join(name);
        fs::create_dir_all(destination.parent().unwrap()).unwrap();
        fs::copy(&source, &destination).unwrap();
        fs::File::options()
            .write(true)
            .open(&destination)
            .unwrap()
            .set_modified(metadata.modified().unwrap())
            .unwrap();
    }
}

/// `cargo xtask check` in `checkout`, building into `target`.
fn xtask_check(checkout: &Path, target: &Path) -> Output {
    Command::new(env!("CARGO"))
        .args(["run", "--quiet", "-p", "xtask", "--", "check"])
        .current_dir(checkout)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("XTASK_PROJECT_ROOT")
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("cargo runs")
}

#[test]
fn each_checkout_runs_xtask_on_itself_with_one_shared_target_dir() {
    let scratch = tempfile::tempdir().unwrap();
    let (a, b) = (scratch.path().join("a"), scratch.path().join("b"));
    copy_checkout(&workspace(), &a);
    copy_checkout(&workspace(), &b);
    // Only `b`'s spec changes; its timestamp too, but that file is no input
    // of xtask's build, so both checkouts still share one build of xtask.
    let spec = b.join("spec/openapi.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let edited = text.replacen("\ninfo:\n", "\ninfo:\n  x-edited-in-b: true\n", 1);
    assert_ne!(edited, text, "the spec has an `info:` line to edit");
    fs::write(&spec, edited).unwrap();
    // The spec's `info` does not reach the generated code, but its sha256
    // is in the generated file's header: `b` is stale, `a` is not.
    let target = target_dir();
    for (checkout, stale) in [(&a, false), (&b, true), (&a, false)] {
        let output = xtask_check(checkout, &target);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.success(),
            !stale,
            "{}: stdout {stdout}\nstderr {stderr}",
            checkout.display()
        );
        if stale {
            assert!(
                stderr.contains("is stale against spec/openapi.yaml"),
                "{stderr}"
            );
        } else {
            assert!(stdout.contains("up to date"), "{stdout}");
        }
    }
}
