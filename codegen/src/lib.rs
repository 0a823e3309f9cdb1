//! Turns `spec/openapi.yaml` into the Rust source of `generated-client`.
//!
//! The pipeline is one way: [`Spec::parse`] reads and checks the document,
//! typed and as one JSON view ([`Spec::document`], which every pass and xtask
//! read through [`document`]), then [`generate`] transforms it for forward
//! compatibility, runs progenitor, adds the project's own items (the request
//! validation tables, the error codes, the client-chosen ids) with `quote`,
//! edits progenitor's syntax tree where its output needs it (`postprocess`),
//! and formats the result with prettyplease.
//!
//! This crate knows nothing of HTTP, retries or regions: its output is Rust source
//! text, and every failure is an [`Error`] naming the file and the line, operation
//! or schema at fault; the checks report every problem they find at once
//! ([`Error::Problems`], in file order). It never panics on bad input.

#![deny(missing_docs)]

mod calls;
mod check;
pub mod document;
mod error;
mod extensions;
mod form;
mod isolate;
pub mod json_schema;
mod pagination;
mod pipeline;
mod postprocess;
mod prune;
mod source;
mod tolerant;
mod transform;
mod validation;
mod verify;

use std::path::{Path, PathBuf};

pub use error::{Error, PROBLEM_LIMIT, Place, Problems};
pub use extensions::{CLIENT_CHOSEN_ID, ERROR_CODES, RETRY, RULE, SECRET};
pub use pagination::PAGINATION;
pub use pipeline::{Generated, Timings, generate, generate_strict_answer_types, generate_timed};

/// The spec's path relative to the workspace root, as named in generated headers.
pub const SPEC_PATH: &str = "spec/openapi.yaml";

/// A parsed and checked OpenAPI document, with what is needed to name it in
/// errors and in the generated header.
#[derive(Debug, Clone)]
pub struct Spec {
    /// How the root file is named in messages and headers, e.g. `spec/openapi.yaml`.
    pub label: String,
    /// The typed document, with what other files held bundled in (every
    /// `$ref` is local).
    pub openapi: openapiv3::OpenAPI,
    /// Hex sha256 of the root file's text, with line endings normalised to
    /// `\n`, followed by the label and text of every other file read.
    pub fingerprint: String,
    /// The path of every file read, the root first: a build script reruns
    /// when any of them changes.
    pub files: Vec<PathBuf>,
    /// The document as JSON, bundled like `openapi` (every `$ref` local),
    /// with the keys and values as written: what every pass that reads the
    /// spec as JSON reads, through [`document`]'s functions.
    pub(crate) document: serde_json::Value,
    /// Where each part of the document came from.
    pub(crate) sources: source::Sources,
    /// What the `x-` extensions say, checked when the spec was read.
    pub(crate) facts: extensions::Facts,
}

impl Spec {
    /// Reads and checks the spec at `path`, and every file its `$ref`s name
    /// (relative to the file they stand in); `label` is how messages name the
    /// root file, and the other files are labelled relative to it.
    pub fn load(path: &Path, label: &str) -> Result<Spec, Error> {
        Spec::load_with(path, label, &|path: &Path| std::fs::read_to_string(path))
    }

    /// [`Spec::load`], reading every file with `read` (e.g. from a git
    /// revision instead of the working tree).
    pub fn load_with(
        path: &Path,
        label: &str,
        read: &dyn Fn(&Path) -> std::io::Result<String>,
    ) -> Result<Spec, Error> {
        let text = read(path).map_err(|source| Error::Io {
            file: label.to_owned(),
            message: source.to_string(),
        })?;
        Spec::from_text(path, label, &text, read)
    }

    /// Parses and checks the text of a one-file spec; `label` is how messages
    /// name it. A `$ref` to another file is an error: use [`Spec::load`].
    pub fn parse(text: &str, label: &str) -> Result<Spec, Error> {
        let no_files = |_: &Path| -> std::io::Result<String> {
            Err(std::io::Error::other(
                "the spec was given as text, so other files are not read (load it from a file)",
            ))
        };
        Spec::from_text(Path::new(label), label, text, &no_files)
    }

    /// Checks, in stages, each reporting every problem it finds: the YAML
    /// syntax (line and column) of every file, and the files its `$ref`s
    /// name (the first problem stops there: nothing else can be read); then
    /// the OpenAPI version (3.0.x only), the keywords of every schema and
    /// every `$ref` resolving to the right kind of thing; then, when those
    /// found nothing, the document's shape (the typed parse, which stops at
    /// its first problem); then every operation having a unique operationId,
    /// declaring its path's parameters and no shape progenitor cannot
    /// generate, no two component schemas becoming one Rust type name, the
    /// multipart forms, and the `x-` extensions code is generated from.
    /// Several problems are one [`Error::Problems`], in file order.
    fn from_text(
        path: &Path,
        label: &str,
        text: &str,
        read: source::Reader<'_>,
    ) -> Result<Spec, Error> {
        let loaded = source::load(path, label, text, read)?;
        let sources = loaded.sources;
        let mut problems = Vec::new();
        check::version(&loaded.document, &sources, &mut problems);
        check::keywords(&loaded.document, &sources, &mut problems);
        check::references(&loaded.document, &sources, &mut problems);
        Error::all(label, problems)?;
        // Its errors would repeat those above, so it runs only without them.
        let openapi = check::typed(&loaded.yaml, &sources)?;
        let mut problems = Vec::new();
        check::operations(&openapi, &sources, &mut problems);
        check::schema_names(&openapi, &sources, &mut problems);
        check::forms(&loaded.document, &sources, &mut problems);
        let facts = extensions::check(&loaded.document, &sources, &mut problems);
        Error::all(label, problems)?;
        Ok(Spec {
            label: label.to_owned(),
            openapi,
            fingerprint: loaded.fingerprint,
            files: loaded.paths,
            document: loaded.document,
            sources,
            facts,
        })
    }

    /// The document as JSON, bundled (every `$ref` is local: what other
    /// files held is copied under `#/components`), with keys and values as
    /// written. Read it with [`document`]'s functions.
    pub fn document(&self) -> &serde_json::Value {
        &self.document
    }

    /// Where the node at `pointer` of [`Spec::document`] is written: its file,
    /// line and column (a pointer to something absent names its nearest
    /// present parent).
    pub fn place(&self, pointer: &str) -> Place {
        self.sources.place(pointer)
    }
}
