//! Where things are in the workspace.

use std::path::{Path, PathBuf};

/// The workspace root (the parent of xtask's own directory).
pub(crate) fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits one level below the workspace root")
        .to_path_buf()
}

/// The committed copy of codegen's output.
pub(crate) const GENERATED_RS: &str = "generated-client/src/generated.rs";
