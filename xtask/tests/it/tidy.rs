//! Rules about the code itself, checked over the source files (as
//! rust-analyzer's `tidy` tests do): the spec has one JSON model,
//! `codegen::document`, and nothing else resolves references, escapes
//! pointers or turns the typed spec back into JSON.

use std::path::{Path, PathBuf};

/// Every `.rs` file under the hand-written source folders of codegen and xtask.
fn sources() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    let mut folders = vec![root.join("codegen/src"), root.join("xtask/src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 20, "found {} source files", files.len());
    files
}

#[test]
fn the_spec_has_one_json_model() {
    // What a second model would be written with, and where it may stand.
    let rules: [(&str, &str); 8] = [
        (
            "serde_json::to_value(",
            "the typed spec turned back into JSON: use `Spec::document`",
        ),
        (
            "fn resolve(",
            "a `$ref` resolver: use `codegen::document::resolve` or `target`",
        ),
        (
            "fn resolve<",
            "a `$ref` resolver: use `codegen::document::resolve` or `target`",
        ),
        (
            "fn reachable<",
            "a reachability walk over the spec: use `codegen::document::reachable`",
        ),
        (
            "fn escape(",
            "a JSON pointer escape: use `codegen::document::escape`",
        ),
        (
            "fn unescape(",
            "a JSON pointer unescape: use `codegen::document::unescape`",
        ),
        (
            "fn reachable(",
            "a reachability walk over the spec: use `codegen::document::reachable`",
        ),
        (
            "replace('~', \"~0\")",
            "a JSON pointer escape: use `codegen::document::escape`",
        ),
    ];
    // `prune.rs` and `tolerant.rs` walk generated Rust items, not the spec.
    let allowed = |file: &Path, pattern: &str| {
        let name = file.file_name().unwrap().to_string_lossy();
        name == "document.rs"
            || (pattern.starts_with("fn reachable")
                && (name == "prune.rs" || name == "tolerant.rs"))
    };
    let mut found = Vec::new();
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (number, line) in text.lines().enumerate() {
            for (pattern, what) in rules {
                if line.contains(pattern) && !allowed(&file, pattern) {
                    found.push(format!("{}:{}: {what}", file.display(), number + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
