//! Turns `spec/openapi.yaml` into the Rust source of `generated-client`.
//!
//! The pipeline is one way: [`Spec::parse`] reads and checks the document, then
//! [`generate`] transforms it for forward compatibility, runs progenitor, adds the
//! project's own items (request validation) with `quote`, edits progenitor's
//! syntax tree where its output needs it (`postprocess`), and formats the result
//! with prettyplease.
//!
//! This crate knows nothing of HTTP, retries or regions: its output is Rust source
//! text, and every failure is an [`Error`] naming the file and the line, operation
//! or schema at fault. It never panics on bad input.

#![deny(missing_docs)]

mod check;
mod error;
pub mod json_schema;
mod postprocess;
mod prune;
mod render;
mod summary;
mod tolerant;
mod transform;
mod validation;
mod verify;

use std::path::Path;

use sha2::{Digest, Sha256};

pub use error::Error;
pub use render::{Generated, Timings, generate, generate_strict_answer_types, generate_timed};
pub use summary::summarize_changes;

/// The spec's path relative to the workspace root, as named in generated headers.
pub const SPEC_PATH: &str = "spec/openapi.yaml";

/// A parsed and checked OpenAPI document, with what is needed to name it in
/// errors and in the generated header.
#[derive(Debug, Clone)]
pub struct Spec {
    /// How the document is named in messages and headers, e.g. `spec/openapi.yaml`.
    pub label: String,
    /// The typed document.
    pub openapi: openapiv3::OpenAPI,
    /// Hex sha256 of the document's text, with line endings normalised to `\n`.
    pub fingerprint: String,
}

impl Spec {
    /// Reads and checks the spec at `path`; `label` is how messages name it.
    pub fn load(path: &Path, label: &str) -> Result<Spec, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            file: label.to_owned(),
            message: source.to_string(),
        })?;
        Spec::parse(&text, label)
    }

    /// Parses and checks spec text; `label` is how messages name it.
    ///
    /// Checks, in order: YAML syntax (line and column), the OpenAPI version
    /// (3.0.x only), the document's shape, every `$ref` resolving, every
    /// operation having a unique operationId, the shapes progenitor cannot
    /// generate, and no two component schemas becoming one Rust type name.
    pub fn parse(text: &str, label: &str) -> Result<Spec, Error> {
        let normalised = text.replace("\r\n", "\n");
        // One pass on the happy path. When the typed parse fails, the text is
        // read again untyped to report the most basic problem first: bad YAML,
        // then a version progenitor cannot read, then the shape error itself
        // (parsed from the text, so it names its line and column).
        let openapi: openapiv3::OpenAPI = match serde_yaml::from_str(&normalised) {
            Ok(openapi) => openapi,
            Err(shape) => {
                let raw: serde_yaml::Value =
                    serde_yaml::from_str(&normalised).map_err(|e| Error::yaml(label, &e))?;
                check::version(&raw, label)?;
                return Err(Error::shape(label, &shape));
            }
        };
        check::supported_version(&openapi.openapi, label)?;
        check::references(&openapi, label)?;
        check::operations(&openapi, label)?;
        check::schema_names(&openapi, label)?;
        let fingerprint = format!("{:x}", Sha256::digest(normalised.as_bytes()));
        Ok(Spec {
            label: label.to_owned(),
            openapi,
            fingerprint,
        })
    }
}
