//! Whole generated files for a few corpus specs, kept as snapshots in
//! `tests/output/<case>.rs` (as progenitor keeps `tests/output`): a change to
//! what codegen emits shows as a diff to review, not only where a substring
//! check happens to look. `EXPECTORATE=overwrite cargo test -p codegen
//! snapshots` rewrites them.
//!
//! The cases: a plain spec, the two `x-` extensions (error codes, client-chosen
//! ids, validation tables), inline bodies hoisted to types of their own, a
//! recursive schema, properties named like Rust keywords, and `x-secret`
//! values redacted in `Debug` (a header on a path item, component properties).

use std::path::Path;

const CASES: [&str; 6] = [
    "valid-base",
    "client-chosen-id-and-error-codes",
    "inline-success-and-error-bodies",
    "recursive-schema",
    "properties-named-like-keywords",
    "secret-properties",
];

#[test]
fn the_generated_files_of_the_snapshot_cases_are_as_committed() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    for case in CASES {
        let root = tests.join("corpus").join(case).join("openapi.yaml");
        let label = format!("{case}/openapi.yaml");
        let spec = codegen::Spec::load(&root, &label).unwrap_or_else(|e| panic!("{case}: {e}"));
        let generated = codegen::generate(&spec).unwrap_or_else(|e| panic!("{case}: {e}"));
        expectorate::assert_contents(
            tests.join("output").join(format!("{case}.rs")),
            &generated.code,
        );
    }
}
