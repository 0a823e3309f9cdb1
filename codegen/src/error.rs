//! The one error type of codegen: every variant names the file and the place at fault.

pub use crate::source::Place;

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
    /// The file holds nothing.
    #[error("{file}: the file is empty: a spec starts with `openapi: 3.0.3`")]
    Empty {
        /// The file's label.
        file: String,
    },
    /// Valid YAML, but not an OpenAPI 3.0 document (a missing or mistyped field).
    #[error("{at}: not a valid OpenAPI 3.0 document: {message}")]
    Shape {
        /// Where.
        at: Place,
        /// What is wrong.
        message: String,
    },
    /// The document declares a version progenitor cannot read.
    #[error(
        "{at}: `openapi: {found}` is not supported: progenitor reads OpenAPI 3.0.x only (write `openapi: 3.0.3`)"
    )]
    Version {
        /// Where the version is (or should be).
        at: Place,
        /// The version the document declares.
        found: String,
    },
    /// An operation without an operationId (it names the client method).
    #[error("{at}: operation {method} {path} has no operationId (it names the client method)")]
    MissingOperationId {
        /// The operation.
        at: Place,
        /// HTTP method, upper case.
        method: String,
        /// The path template.
        path: String,
    },
    /// Two operations share an operationId.
    #[error(
        "{at}: operationId `{operation_id}` of {second} is already used by {} at {}",
        first.1,
        first.0
    )]
    DuplicateOperationId {
        /// The second use.
        at: Place,
        /// The shared id.
        operation_id: String,
        /// Where the first use is, and its `METHOD path`.
        first: Box<(Place, String)>,
        /// `METHOD path` of the second use.
        second: String,
    },
    /// A `$ref` that points nowhere.
    #[error("{at}: unresolved $ref `{reference}`: {reason}")]
    UnresolvedRef {
        /// The `$ref` key.
        at: Place,
        /// The reference text.
        reference: String,
        /// Why it does not resolve.
        reason: String,
    },
    /// A shape the generator cannot produce code for.
    #[error("{at}: {location}: {reason}")]
    Unsupported {
        /// Where.
        at: Place,
        /// The operation or schema at fault, e.g. `operation createPost`.
        location: String,
        /// What is wrong and what to do instead.
        reason: String,
    },
    /// An `x-` extension that code is generated from (`x-client-chosen-id`,
    /// `x-error-codes`) is malformed.
    #[error("{at}: `{name}`: {message}")]
    Extension {
        /// The key at fault.
        at: Place,
        /// The extension.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The generator itself failed (or panicked) on the document.
    #[error("{at}: the generator failed: {message}")]
    Generator {
        /// Where: the operation or schema it was isolated to, or the file.
        at: Place,
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
    /// The error, at `at`.
    pub(crate) fn at(self, at: Place) -> Error {
        Error::Unsupported {
            at,
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
        let mut message = strip_location(&error.to_string());
        // serde_yaml reads an integer beyond u64 as "u128" and cannot keep it.
        if let Some(at) = message.find("invalid type: integer `")
            && message.contains("` as u128")
        {
            let number: String = message[at + 23..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .collect();
            message = format!(
                "{}the number {number} is beyond the integers a spec can hold \
                 (-9223372036854775808 to 18446744073709551615)",
                &message[..at]
            );
        }
        Error::Yaml {
            file: file.to_owned(),
            line,
            column,
            message,
        }
    }

    /// Where the error is, when it names a place in the document.
    pub fn place(&self) -> Option<&Place> {
        match self {
            Error::Io { .. } | Error::Yaml { .. } | Error::Empty { .. } => None,
            Error::Shape { at, .. }
            | Error::Version { at, .. }
            | Error::MissingOperationId { at, .. }
            | Error::DuplicateOperationId { at, .. }
            | Error::UnresolvedRef { at, .. }
            | Error::Unsupported { at, .. }
            | Error::Extension { at, .. }
            | Error::Generator { at, .. } => Some(at),
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
