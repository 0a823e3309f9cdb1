//! Where things are in the workspace.
//!
//! The root is found when xtask runs, never baked in when it is built: two
//! checkouts whose files carry the same timestamps share one build of xtask
//! when they share a target directory (cargo names the artifacts of a
//! workspace member by its path relative to the workspace), so a path
//! compiled into the binary could make `cargo xtask regen` in one checkout
//! write into the other.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The workspace root, in order of precedence:
/// - `XTASK_PROJECT_ROOT` when set (to run a task on another checkout, as the
///   tests do);
/// - the parent of `CARGO_MANIFEST_DIR`, which `cargo run` (and so `cargo
///   xtask`) sets to the xtask package it runs;
/// - else the nearest folder above the current directory with an
///   `xtask/Cargo.toml` (the binary run by hand inside a checkout).
pub(crate) fn project_root() -> Result<PathBuf> {
    if let Some(root) = std::env::var_os("XTASK_PROJECT_ROOT") {
        return Ok(PathBuf::from(root));
    }
    if let Some(manifest_dir) = std::env::var_os("CARGO_MANIFEST_DIR")
        && let Some(root) = Path::new(&manifest_dir).parent()
        && is_root(root)
    {
        return Ok(root.to_path_buf());
    }
    let here = std::env::current_dir()?;
    match here.ancestors().find(|dir| is_root(dir)) {
        Some(root) => Ok(root.to_path_buf()),
        None => bail!(
            "cannot tell which checkout to work on: {} is not inside one (no `xtask/Cargo.toml` above it); \
             run `cargo xtask` inside the checkout, or set XTASK_PROJECT_ROOT",
            here.display()
        ),
    }
}

fn is_root(dir: &Path) -> bool {
    dir.join("xtask/Cargo.toml").is_file() && dir.join("Cargo.toml").is_file()
}
