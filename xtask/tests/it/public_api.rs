//! `public-api` on a scratch checkout whose generated-client is a tiny crate
//! (`tests/public-api-fixture`): the listing names each kind of public item,
//! and `--check` fails with a diff naming a method whose signature changed.
//! The real generated-client is never documented here: it takes too long.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use xtask::public_api::{FORMAT_VERSION, LISTING};

/// Copies the folder `from` into `to`, recursively.
fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let destination = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_folder(&path, &destination);
        } else {
            fs::copy(&path, &destination).unwrap();
        }
    }
}

/// `cargo xtask public-api [args]` on the scratch checkout `root`, building
/// into its own target directory (the fixture's artifacts would otherwise take
/// the real generated-client's names in a shared one).
fn public_api(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("public-api")
        .args(args)
        .env("XTASK_PROJECT_ROOT", root)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .expect("xtask runs")
}

fn text(output: &Output) -> String {
    format!(
        "status {}\nstdout {}\nstderr {}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_listing_names_each_public_item_and_check_fails_on_a_changed_signature() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/public-api-fixture");
    copy_folder(&fixture, root);

    let written = public_api(root, &[]);
    assert!(written.status.success(), "{}", text(&written));
    let listing = fs::read_to_string(root.join(LISTING)).unwrap();
    let lines: Vec<&str> = listing.lines().collect();
    for expected in [
        "pub mod generated_client",
        "pub mod generated_client::things",
        "pub struct generated_client::things::Thing",
        "pub generated_client::things::Thing::name: alloc::string::String",
        "pub fn generated_client::things::Thing::with_limit(&self, u32) -> core::option::Option<u32>",
        "impl core::clone::Clone for generated_client::things::Thing",
        "pub fn generated_client::things::Thing::clone(&self) -> generated_client::things::Thing",
        "pub enum generated_client::things::Kind",
        "pub generated_client::things::Kind::Plain",
        "pub generated_client::things::Kind::Wrapped(u8)",
        "pub trait generated_client::things::Describe",
        "pub type generated_client::things::Describe::Out",
        "pub fn generated_client::things::Describe::describe(&self) -> Self::Out",
        "impl generated_client::things::Describe for generated_client::things::Thing",
        "pub type generated_client::things::Thing::Out = alloc::string::String",
        "pub fn generated_client::things::Thing::describe(&self) -> alloc::string::String",
        // Re-exported from a private module: listed where users name it.
        "pub struct generated_client::Reexported",
        "pub fn generated_client::Reexported::ping(&self) -> u8",
        "pub const generated_client::LIMIT: usize",
        "pub type generated_client::Name = alloc::string::String",
        "pub fn generated_client::make(&str) -> generated_client::things::Thing",
    ] {
        assert!(
            lines.contains(&expected),
            "missing `{expected}` in\n{listing}"
        );
    }
    for absent in [
        "hidden",
        "not_listed",
        "private",
        // The default feature users turn off.
        "only_with_codegen",
        // Auto-trait and blanket impls.
        "Send for",
        "Sync for",
        "Unpin for",
        "Any for",
        "Borrow<T> for",
        "From<T> for",
    ] {
        assert!(
            !listing.contains(absent),
            "`{absent}` is listed in\n{listing}"
        );
    }
    let current = public_api(root, &["--check"]);
    assert!(current.status.success(), "{}", text(&current));
    assert!(
        String::from_utf8_lossy(&current.stdout).contains(&format!("{LISTING}: up to date")),
        "{}",
        text(&current)
    );

    // A changed method signature fails the check, with a diff naming it.
    let lib = root.join("generated-client/src/lib.rs");
    let source = fs::read_to_string(&lib).unwrap();
    let edited = source.replace(
        "pub fn with_limit(&self, limit: u32) -> Option<u32> {\n            Some(limit.min(self.hidden))",
        "pub fn with_limit(&self, limit: u64) -> Option<u64> {\n            Some(limit.min(u64::from(self.hidden)))",
    );
    assert_ne!(edited, source, "the fixture has `with_limit` to edit");
    fs::write(&lib, edited).unwrap();
    let stale = public_api(root, &["--check"]);
    assert!(!stale.status.success(), "{}", text(&stale));
    let diff = String::from_utf8_lossy(&stale.stdout);
    assert!(
        diff.starts_with(&format!("--- a/{LISTING}\n+++ b/{LISTING}\n")),
        "{}",
        text(&stale)
    );
    for changed in [
        "\n-pub fn generated_client::things::Thing::with_limit(&self, u32) -> core::option::Option<u32>\n",
        "\n+pub fn generated_client::things::Thing::with_limit(&self, u64) -> core::option::Option<u64>\n",
    ] {
        assert!(diff.contains(changed), "{}", text(&stale));
    }
    assert_eq!(
        diff.lines()
            .filter(|l| l.starts_with(['-', '+']) && !l.starts_with("---") && !l.starts_with("+++"))
            .count(),
        2,
        "only the changed method: {diff}"
    );
    assert!(
        String::from_utf8_lossy(&stale.stderr)
            .contains("run `cargo xtask public-api` and commit the result"),
        "{}",
        text(&stale)
    );
    assert_eq!(
        fs::read_to_string(root.join(LISTING)).unwrap(),
        listing,
        "--check writes nothing"
    );
}

#[test]
fn rustdoc_json_of_another_format_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let json = scratch.path().join("generated_client.json");
    let other = FORMAT_VERSION + 1;
    fs::write(
        &json,
        format!(r#"{{"root":0,"index":{{}},"paths":{{}},"format_version":{other}}}"#),
    )
    .unwrap();
    let error = xtask::public_api::render(&json).unwrap_err().to_string();
    assert!(
        error.contains(&format!(
            "is rustdoc JSON format {other}, but the public-api crate xtask uses reads format {FORMAT_VERSION}"
        )),
        "{error}"
    );
}
