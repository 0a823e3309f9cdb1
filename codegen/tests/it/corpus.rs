//! The corpus: small bad or unusual specs under `tests/corpus/<case>/`, each
//! with the exact outcome in `expected.txt`: `error: <message>` for a spec
//! codegen refuses (the message names the file, line, column and pointer), or
//! `ok` and the generated type names for one it accepts (the accepted ones
//! are also compiled and exercised by the `codegen-corpus` crate).
//!
//! Every case is generated under `catch_unwind` (none may panic) and must
//! leave its files as they were. `EXPECTORATE=overwrite cargo test -p codegen corpus`
//! (the workspace's one convention for expected files)
//! rewrites the expectations from what codegen does now: review the diff.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The corpus folder.
fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// The root file of a case: `openapi.yaml`, or `spec/openapi.yaml` for a case
/// that refers to files outside the root's folder.
fn root_of(case: &Path) -> PathBuf {
    let nested = case.join("spec/openapi.yaml");
    if nested.exists() {
        nested
    } else {
        case.join("openapi.yaml")
    }
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            snapshot(&path, out);
        } else {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
}

/// What codegen makes of a case, as `expected.txt` spells it.
fn outcome(case: &Path) -> String {
    let root = root_of(case);
    let label = root
        .strip_prefix(corpus())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    let result = std::panic::catch_unwind(|| {
        codegen::Spec::load(&root, &label).and_then(|spec| codegen::generate(&spec))
    });
    match result {
        Err(_) => "panicked".to_owned(),
        Ok(Err(error)) => format!("error: {error}\n"),
        Ok(Ok(generated)) => format!("ok\ntypes: {}\n", generated.types.join(", ")),
    }
}

#[test]
fn every_case_of_the_corpus_has_its_exact_outcome_and_changes_no_file() {
    let bless = std::env::var("EXPECTORATE").is_ok_and(|v| v == "overwrite");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy();
        let mut before = BTreeMap::new();
        snapshot(case, &mut before);
        let expected_path = case.join("expected.txt");
        before.remove(&expected_path);
        let actual = outcome(case);
        let mut after = BTreeMap::new();
        snapshot(case, &mut after);
        after.remove(&expected_path);
        assert_eq!(
            before, after,
            "{name}: generating changed a file of the case"
        );
        assert_ne!(actual, "panicked", "{name}: codegen panicked");
        if actual.starts_with("ok") {
            accepted += 1;
        } else {
            refused += 1;
        }
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{name}: cannot read expected.txt: {e}"));
        if expected != actual {
            failures.push(format!(
                "{name}:\n  expected: {expected}  actual:   {actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Both outcomes are covered.
    assert!(
        accepted >= 5 && refused >= 25,
        "{accepted} accepted, {refused} refused"
    );
}
