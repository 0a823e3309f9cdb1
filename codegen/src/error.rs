//! The one error type of codegen: every variant names the file and the place at fault.

/// Why a spec could not be turned into Rust.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec file could not be read.
    #[error("{file}: cannot read the file: {message}")]
    Io {
        /// The spec's label.
        file: String,
        /// The operating system's reason.
        message: String,
    },
    /// The text is not valid YAML.
    #[error("{file}:{line}:{column}: malformed YAML: {message}")]
    Yaml {
        /// The spec's label.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// Valid YAML, but not an OpenAPI 3.0 document (a missing or mistyped field).
    #[error("{file}{position}: not a valid OpenAPI 3.0 document: {message}")]
    Shape {
        /// The spec's label.
        file: String,
        /// `:line:column`, when the parser knows it.
        position: String,
        /// The parser's message.
        message: String,
    },
    /// The document declares a version progenitor cannot read.
    #[error(
        "{file}: `openapi: {found}` is not supported: progenitor reads OpenAPI 3.0.x only (write `openapi: 3.0.3`)"
    )]
    Version {
        /// The spec's label.
        file: String,
        /// The version the document declares.
        found: String,
    },
    /// An operation without an operationId (it names the client method).
    #[error("{file}: operation {method} {path} has no operationId (it names the client method)")]
    MissingOperationId {
        /// The spec's label.
        file: String,
        /// HTTP method, upper case.
        method: String,
        /// The path template.
        path: String,
    },
    /// Two operations share an operationId.
    #[error("{file}: operationId `{operation_id}` is used by both {first} and {second}")]
    DuplicateOperationId {
        /// The spec's label.
        file: String,
        /// The shared id.
        operation_id: String,
        /// `METHOD path` of the first use.
        first: String,
        /// `METHOD path` of the second use.
        second: String,
    },
    /// A `$ref` that points nowhere.
    #[error("{file}: unresolved $ref `{reference}` in {location}")]
    UnresolvedRef {
        /// The spec's label.
        file: String,
        /// The reference text.
        reference: String,
        /// Where it stands, e.g. `schema Post, property data` or `operation createPost`.
        location: String,
    },
    /// A shape the generator cannot produce code for.
    #[error("{file}: {location}: {reason}")]
    Unsupported {
        /// The spec's label.
        file: String,
        /// The operation or schema at fault, e.g. `operation createPost`.
        location: String,
        /// What is wrong and what to do instead.
        reason: String,
    },
    /// The generator itself failed (or panicked) on the document.
    #[error("{file}: the generator failed: {message}")]
    Generator {
        /// The spec's label.
        file: String,
        /// progenitor's or typify's message.
        message: String,
    },
}

/// A shape a generation pass refuses, before it becomes an
/// [`Error::Unsupported`] naming the spec file.
#[derive(Debug)]
pub(crate) struct Refusal {
    /// The type, field or operation at fault, e.g. `types::Post, field data`
    /// or `operation createPost`.
    pub(crate) location: String,
    /// What is wrong and what to do.
    pub(crate) reason: String,
}

impl Refusal {
    /// The error, naming `file`.
    pub(crate) fn in_file(self, file: &str) -> Error {
        Error::Unsupported {
            file: file.to_owned(),
            location: self.location,
            reason: self.reason,
        }
    }
}

impl Error {
    pub(crate) fn yaml(file: &str, error: &serde_yaml::Error) -> Error {
        let (line, column) = error
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        Error::Yaml {
            file: file.to_owned(),
            line,
            column,
            message: strip_location(&error.to_string()),
        }
    }

    pub(crate) fn shape(file: &str, error: &serde_yaml::Error) -> Error {
        let position = error
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        Error::Shape {
            file: file.to_owned(),
            position,
            message: strip_location(&error.to_string()),
        }
    }
}

/// serde_yaml appends " at line L column C" to its messages; the variants carry
/// the position themselves.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}
