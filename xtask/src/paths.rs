//! Where things are in the workspace.

use std::path::{Path, PathBuf};

/// The workspace root: `XTASK_PROJECT_ROOT` when set (to run a task on another
/// checkout, as the tests do), else the parent of xtask's own directory.
pub(crate) fn project_root() -> PathBuf {
    if let Some(root) = std::env::var_os("XTASK_PROJECT_ROOT") {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits one level below the workspace root")
        .to_path_buf()
}
