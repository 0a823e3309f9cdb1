//! `regen` and `check` on a scratch copy of the workspace's inputs: regen writes
//! codegen's output, check spots staleness, and a failing regen leaves every
//! file as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::codegen_task::{self, GENERATED_RS};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A temporary root holding the real spec and the given generated file.
fn scratch(spec: &str, generated: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("spec")).unwrap();
    fs::create_dir_all(dir.path().join("generated-client/src")).unwrap();
    fs::write(dir.path().join(codegen::SPEC_PATH), spec).unwrap();
    fs::write(dir.path().join(GENERATED_RS), generated).unwrap();
    dir
}

fn real_spec() -> String {
    fs::read_to_string(workspace().join(codegen::SPEC_PATH)).unwrap()
}

#[test]
fn regen_writes_what_codegen_makes_then_is_up_to_date() {
    let dir = scratch(&real_spec(), "// stale\n");
    assert!(
        codegen_task::check(dir.path()).unwrap().is_some(),
        "a stale copy is reported"
    );

    let report = codegen_task::regen(dir.path()).unwrap();
    assert!(
        report.starts_with(&format!("{GENERATED_RS}: regenerated\n")),
        "{report}"
    );
    let written = fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap();
    let committed = fs::read_to_string(workspace().join(GENERATED_RS)).unwrap();
    assert!(
        written == committed,
        "regen output differs from the committed copy"
    );

    let again = codegen_task::regen(dir.path()).unwrap();
    assert!(
        again.starts_with(&format!("{GENERATED_RS}: up to date\n")),
        "{again}"
    );
    assert_eq!(codegen_task::check(dir.path()).unwrap(), None);
}

#[test]
fn check_prints_a_unified_diff_of_a_stale_copy() {
    let committed = fs::read_to_string(workspace().join(GENERATED_RS)).unwrap();
    let stale = committed.replacen(
        "pub mod types {",
        "pub mod types {\n    // edited by hand",
        1,
    );
    let dir = scratch(&real_spec(), &stale);
    let diff = codegen_task::check(dir.path()).unwrap().expect("stale");
    assert!(
        diff.starts_with(&format!("--- a/{GENERATED_RS}\n+++ b/{GENERATED_RS}\n")),
        "{diff}"
    );
    assert!(diff.contains("\n-    // edited by hand\n"), "{diff}");
    assert_eq!(
        fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap(),
        stale,
        "check writes nothing"
    );
}

#[test]
fn a_failing_regen_leaves_every_file_as_it_was() {
    let broken = real_spec().replacen("paths:\n", "paths:\n  - [unclosed\n", 1);
    let dir = scratch(&broken, "// the old copy\n");
    let error = codegen_task::regen(dir.path()).unwrap_err().to_string();
    assert!(error.starts_with("spec/openapi.yaml:"), "{error}");
    assert!(error.contains("malformed YAML"), "{error}");
    assert_eq!(
        fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap(),
        "// the old copy\n"
    );
    let mut names: Vec<_> = fs::read_dir(dir.path().join("generated-client/src"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["generated.rs"], "no temporary file is left behind");
}

/// The binary itself: bad input is a short message and exit code 1, no panic.
#[test]
fn the_command_exits_non_zero_with_a_short_error() {
    let cases = [
        (
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "error: spec/openapi.yaml:1:1: #/openapi: `openapi: 3.1.0` is not supported",
        ),
        (
            "openapi: 3.0.3\ninfo: [\n",
            "error: spec/openapi.yaml:3:1: malformed YAML",
        ),
        (
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: {'204': {description: none}}\n",
            "error: spec/openapi.yaml:5:5: #/paths/~1x/get: operation GET /x has no operationId",
        ),
    ];
    for (spec, expected) in cases {
        for task in ["regen", "check"] {
            let dir = scratch(spec, "// the old copy\n");
            let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
                .arg(task)
                .env("XTASK_PROJECT_ROOT", dir.path())
                .env("RUST_BACKTRACE", "1")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(1), "{task}: {stderr}");
            assert!(
                stderr.starts_with(expected),
                "{task}: expected {expected:?}, got {stderr:?}"
            );
            assert!(
                !stderr.contains("panicked") && !stderr.contains("backtrace"),
                "{stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "one short line: {stderr}");
            assert_eq!(
                fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap(),
                "// the old copy\n"
            );
        }
    }
}

/// A spec split into files (the corpus's `split-by-tag` case): regen and
/// check read every file; a broken referenced file fails regen naming that
/// file, and the committed copy stays as it was.
#[test]
fn regen_and_check_work_on_a_spec_split_into_files() {
    let case = workspace().join("codegen/tests/corpus/split-by-tag");
    let dir = scratch(
        &fs::read_to_string(case.join("openapi.yaml")).unwrap(),
        "// stale\n",
    );
    for file in [
        "common.yaml",
        "things/paths.yaml",
        "things/schemas.yaml",
        "others/paths.yaml",
    ] {
        let target = dir.path().join("spec").join(file);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(case.join(file), &target).unwrap();
    }
    let report = codegen_task::regen(dir.path()).unwrap();
    assert!(
        report.starts_with(&format!("{GENERATED_RS}: regenerated\n")),
        "{report}"
    );
    assert!(codegen_task::check(dir.path()).unwrap().is_none());
    let generated = fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap();
    assert!(
        generated.contains("pub fn get_other(&self)"),
        "the split-off operation is generated"
    );

    let schemas = dir.path().join("spec/things/schemas.yaml");
    let text = fs::read_to_string(&schemas).unwrap();
    fs::write(&schemas, text.replace("type: integer", "type: int")).unwrap();
    let error = format!("{:#}", codegen_task::regen(dir.path()).unwrap_err());
    assert!(
        error.starts_with("spec/things/schemas.yaml:")
            && error.contains("`type: int` is not one of"),
        "{error}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(GENERATED_RS)).unwrap(),
        generated
    );
}

/// The binary on a spec with three problems of three checks: regen, check
/// and docs print each on its own line, in file order with its line, column
/// and pointer, then the count, exit non-zero (docs: 2, a spec it cannot
/// read) and change no file.
#[test]
fn every_problem_of_the_spec_is_printed_then_the_count() {
    let spec = real_spec()
        .replacen(
            "      x-retry: idempotent\n",
            "      x-retry: sometimes\n",
            1,
        )
        .replacen(
            "      x-client-chosen-id: postId\n",
            "      x-client-chosen-id: postKey\n",
            1,
        )
        .replacen(
            "      operationId: getPost\n",
            "      operationId: queryPosts\n",
            1,
        );
    // The line of the last use of a line (the first for the first use).
    let spec_lines: Vec<&str> = spec.lines().collect();
    let line_of = |needle: &str| spec_lines.iter().rposition(|l| *l == needle).unwrap() + 1;
    let first_use = spec_lines
        .iter()
        .position(|l| *l == "      operationId: queryPosts")
        .unwrap()
        + 1;
    let expected = [
        format!(
            "spec/openapi.yaml:{}:7: #/paths/~1api~1v4~1posts/get/x-retry: `x-retry`: must be one of idempotent, client-chosen-id, not-after-send, found \"sometimes\"",
            line_of("      x-retry: sometimes")
        ),
        format!(
            "spec/openapi.yaml:{}:7: #/paths/~1api~1v4~1posts/post/x-client-chosen-id: `x-client-chosen-id`: names `postKey`, which is not a property of the request body of createPost (its properties: ",
            line_of("      x-client-chosen-id: postKey")
        ),
        format!(
            "spec/openapi.yaml:{}:7: #/paths/~1api~1v3~1posts~1{{postId}}/get/operationId: operationId `queryPosts` of GET /api/v3/posts/{{postId}} is already used by GET /api/v4/posts at spec/openapi.yaml:{first_use}:7: #/paths/~1api~1v4~1posts/get/operationId",
            line_of("      operationId: queryPosts")
        ),
        "error: 3 problems in spec/openapi.yaml".to_owned(),
    ];
    let mut files = BTreeMap::new();
    for (task, code) in [("regen", 1), ("check", 1), ("docs", 2)] {
        let dir = scratch(&spec, "// the old copy\n");
        // A page, so that docs reaches the spec.
        let pages = dir.path().join("pages");
        fs::create_dir(&pages).unwrap();
        fs::write(pages.join("post.txt"), "Create a post\n").unwrap();
        snapshot(dir.path(), &mut files);
        let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg(task)
            .args(if task == "docs" {
                vec!["--docs".as_ref(), pages.as_os_str()]
            } else {
                Vec::new()
            })
            .env("XTASK_PROJECT_ROOT", dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{task}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), expected.len(), "{task}: {stderr}");
        for (line, expected) in lines.iter().zip(&expected) {
            assert!(
                line.starts_with(expected.as_str()),
                "{task}: {line}\nexpected {expected}"
            );
        }
        let mut after = BTreeMap::new();
        snapshot(dir.path(), &mut after);
        assert_eq!(after, files, "{task} changed a file");
        files.clear();
    }
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
fn snapshot(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in walk(dir) {
        files.insert(
            entry.strip_prefix(dir).unwrap().to_path_buf(),
            fs::read(&entry).unwrap(),
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}
