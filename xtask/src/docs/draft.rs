//! `--draft PAGE`: a draft OpenAPI fragment for a page the spec has no
//! operation for.

use anyhow::{Result, bail};

use super::page::Page;

/// The draft fragment for `page`, as YAML text.
pub fn draft(page: &Page, _spec: &codegen::Spec) -> Result<String> {
    bail!("--draft is not written yet ({})", page.file)
}
