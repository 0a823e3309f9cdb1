//! `cargo xtask public-api`: the committed listing of generated-client's public
//! items, [`LISTING`], so that every change to what users can name shows in
//! review; `--check` fails with a diff when the listing is not current.
//!
//! The listing is made from rustdoc's JSON output for the crate built as users
//! depend on it (`--no-default-features`), rendered by the `public-api` crate:
//! one line per public item, sorted (an item's fields, variants and impls
//! follow it), with re-exports shown at the path users name, every method and
//! associated item of inherent and trait impls with its signature, and no
//! blanket (`impl<T> From<T> for T`, `Any`, ...) or auto-trait (`Send`,
//! `Sync`, `Unpin`, ...) impls.
//!
//! Rustdoc's JSON output is unstable: the stable rustdoc accepts
//! `--output-format json` only with `RUSTC_BOOTSTRAP=1`. Cargo runs xtask's own
//! binary as rustdoc ([`run_as_rustdoc`]), which sets it for rustdoc alone: set
//! for the whole `cargo rustdoc`, it would also reach build scripts that probe
//! for nightly features (proc-macro2's), and the next plain build would rebuild
//! everything that depends on them. The JSON's format changes with the
//! toolchain, and each `public-api` release reads one format:
//! [`FORMAT_VERSION`] is checked before anything is rendered.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};
use similar::TextDiff;

use crate::codegen_task::{Mode, Outcome, ensure_file_contents};

/// The committed listing, relative to the project root.
pub const LISTING: &str = "generated-client/public-api.txt";

/// The package whose public items are listed.
pub const PACKAGE: &str = "generated-client";

/// The rustdoc JSON format (its top-level `format_version`) that the pinned
/// `public-api` release reads: the one the stable rustdoc of Rust 1.95 writes.
pub const FORMAT_VERSION: u32 = 57;

/// Set (to the real rustdoc) when cargo runs xtask as rustdoc: see
/// [`run_as_rustdoc`].
pub const REAL_RUSTDOC: &str = "XTASK_REAL_RUSTDOC";

/// `cargo xtask public-api` in the workspace at `root`: writes [`LISTING`]
/// and returns the report to print. `xtask` is xtask's own binary, which cargo
/// runs as rustdoc.
pub fn write(root: &Path, xtask: &Path) -> Result<String> {
    let listing = listing(root, xtask)?;
    let items = listing.lines().count();
    Ok(
        match ensure_file_contents(root, Path::new(LISTING), &listing, Mode::Write)? {
            Outcome::UpToDate => format!("{LISTING}: up to date ({items} items)\n"),
            Outcome::Changed { old } => {
                let (added, removed) = line_changes(&old, &listing);
                format!(
                    "{LISTING}: written ({items} items; {added} lines added, {removed} removed)\n"
                )
            }
        },
    )
}

/// `cargo xtask public-api --check` in the workspace at `root`: `None` when
/// [`LISTING`] is current, else the unified diff from it to the public items
/// of the code as it is.
pub fn check(root: &Path, xtask: &Path) -> Result<Option<String>> {
    let listing = listing(root, xtask)?;
    Ok(
        match ensure_file_contents(root, Path::new(LISTING), &listing, Mode::Check)? {
            Outcome::UpToDate => None,
            Outcome::Changed { old } => Some(
                TextDiff::from_lines(&old, &listing)
                    .unified_diff()
                    .context_radius(1)
                    .header(&format!("a/{LISTING}"), &format!("b/{LISTING}"))
                    .to_string(),
            ),
        },
    )
}

/// The listing of [`PACKAGE`] in the workspace at `root`, as it is now.
fn listing(root: &Path, xtask: &Path) -> Result<String> {
    let json = rustdoc_json(&root.join("Cargo.toml"), PACKAGE, xtask)?;
    render(&json)
}

/// Runs `cargo rustdoc` on `package` of the workspace of `manifest_path`,
/// without default features, for its JSON output, and returns where it is.
/// Cargo's progress goes to standard error.
pub fn rustdoc_json(manifest_path: &Path, package: &str, xtask: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let (target_directory, lib_name) = locate(&cargo, manifest_path, package)?;
    let real_rustdoc = std::env::var_os("RUSTDOC").unwrap_or_else(|| "rustdoc".into());
    let status = Command::new(&cargo)
        .args([
            "rustdoc",
            "--lib",
            "--no-default-features",
            "--package",
            package,
        ])
        .arg("--manifest-path")
        .arg(manifest_path)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        // Cargo judges the doc fresh by its HTML (`doc/<crate>/index.html`),
        // so it mostly reruns rustdoc; when an HTML doc newer than the sources
        // is there, it goes by the arguments. With the checkout's path among
        // them, a checkout sharing the target directory with another (whose
        // files may be older) never takes the other's JSON. The JSON's
        // `crate_version` is not listed.
        .arg("--crate-version")
        .arg(manifest_path.parent().unwrap_or(manifest_path))
        .env("RUSTDOC", xtask)
        .env(REAL_RUSTDOC, real_rustdoc)
        .status()
        .context("cannot run cargo rustdoc")?;
    if !status.success() {
        bail!("cargo rustdoc -p {package} (JSON output) failed: {status}");
    }
    let json = target_directory
        .join("doc")
        .join(format!("{lib_name}.json"));
    if !json.is_file() {
        bail!("cargo rustdoc -p {package} wrote no {}", json.display());
    }
    Ok(json)
}

/// The target directory of the workspace of `manifest_path` and the name of
/// `package`'s library, from `cargo metadata`.
fn locate(cargo: &OsString, manifest_path: &Path, package: &str) -> Result<(PathBuf, String)> {
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .arg("--manifest-path")
        .arg(manifest_path)
        .output()
        .context("cannot run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("cargo metadata's output")?;
    let target_directory = metadata["target_directory"]
        .as_str()
        .context("cargo metadata names no target_directory")?;
    let lib_name = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == package)
        .flat_map(|p| p["targets"].as_array().into_iter().flatten())
        .find(|t| {
            t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "lib"))
        })
        .and_then(|t| t["name"].as_str())
        .with_context(|| format!("cargo metadata lists no library of package {package}"))?;
    Ok((PathBuf::from(target_directory), lib_name.to_owned()))
}

/// The listing of the rustdoc JSON at `json`: one line per public item, each
/// ending in a newline.
pub fn render(json: &Path) -> Result<String> {
    let text =
        std::fs::read_to_string(json).with_context(|| format!("cannot read {}", json.display()))?;
    match format_version(&text) {
        Some(FORMAT_VERSION) => {}
        found => bail!(
            "{} is rustdoc JSON format {}, but the public-api crate xtask uses reads format \
             {FORMAT_VERSION}: move the workspace's `public-api` dependency to the release that \
             reads the format this toolchain's rustdoc writes (its changelog names the nightly \
             each release supports), then update FORMAT_VERSION in xtask/src/public_api.rs",
            json.display(),
            found.map_or_else(|| "unknown".to_owned(), |v| v.to_string())
        ),
    }
    drop(text);
    let api = public_api::Builder::from_rustdoc_json(json)
        .omit_blanket_impls(true)
        .omit_auto_trait_impls(true)
        .build()
        .with_context(|| format!("cannot read the public items in {}", json.display()))?;
    let mut listing = String::new();
    for item in api.items() {
        writeln!(listing, "{item}").expect("writing to a String");
    }
    Ok(listing)
}

/// The top-level `format_version` of rustdoc JSON, which rustdoc writes as
/// the last key (a quote inside a string is escaped, so the key's text
/// appears only as a key).
fn format_version(json: &str) -> Option<u32> {
    let key = "\"format_version\":";
    let rest = json[json.rfind(key)? + key.len()..].trim_start();
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..digits].parse().ok()
}

/// Lines added and removed from `old` to `new`.
fn line_changes(old: &str, new: &str) -> (usize, usize) {
    let (mut added, mut removed) = (0, 0);
    for change in TextDiff::from_lines(old, new).iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added += 1,
            similar::ChangeTag::Delete => removed += 1,
            similar::ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

/// xtask run by cargo as rustdoc (when [`REAL_RUSTDOC`] is set): runs the real
/// rustdoc with this process's arguments and `RUSTC_BOOTSTRAP=1`, which lets
/// the stable rustdoc write JSON, and exits as it did.
pub fn run_as_rustdoc(real_rustdoc: OsString) -> ExitCode {
    let status = Command::new(&real_rustdoc)
        .args(std::env::args_os().skip(1))
        .env("RUSTC_BOOTSTRAP", "1")
        .env_remove(REAL_RUSTDOC)
        .status();
    match status {
        Ok(status) => match status.code() {
            Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
            None => ExitCode::FAILURE,
        },
        Err(error) => {
            eprintln!(
                "error: xtask as rustdoc cannot run {}: {error}",
                Path::new(&real_rustdoc).display()
            );
            ExitCode::FAILURE
        }
    }
}
