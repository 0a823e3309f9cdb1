//! The one error type of codegen: every variant names the file and the place at fault,
//! and [`Error::Problems`] holds every problem one run found, in file order.

use std::fmt;

pub use crate::source::Place;

/// The most problems [`Error::Problems`] lists; the rest are counted.
pub const PROBLEM_LIMIT: usize = 50;

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
    /// More than one problem: every problem found, one per line in file
    /// order, then how many there are.
    #[error("{0}")]
    Problems(Problems),
}

/// Every problem one run found (more than one), in file order (file, line,
/// column), each an [`Error`] of its own; at most [`PROBLEM_LIMIT`] are
/// listed and the rest counted.
#[derive(Debug)]
pub struct Problems {
    file: String,
    listed: Vec<Error>,
    more: usize,
}

impl Problems {
    /// The listed problems, in file order: at most [`PROBLEM_LIMIT`].
    pub fn listed(&self) -> &[Error] {
        &self.listed
    }

    /// How many problems were found beyond those listed.
    pub fn more(&self) -> usize {
        self.more
    }

    /// How many problems were found.
    pub fn total(&self) -> usize {
        self.listed.len() + self.more
    }

    /// The count line: `3 problems in spec/openapi.yaml`.
    pub fn summary(&self) -> String {
        format!("{} problems in {}", self.total(), self.file)
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in &self.listed {
            writeln!(f, "{problem}")?;
        }
        if self.more > 0 {
            writeln!(f, "and {} more", self.more)?;
        }
        write!(f, "{}", self.summary())
    }
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

    /// Where the error is, when it names a place in the document (for
    /// [`Error::Problems`], none: each of its problems has its own).
    pub fn place(&self) -> Option<&Place> {
        match self {
            Error::Io { .. } | Error::Yaml { .. } | Error::Empty { .. } | Error::Problems(_) => {
                None
            }
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

    /// Every problem this error reports: the listed ones of
    /// [`Error::Problems`], else the error itself.
    pub fn problems(&self) -> &[Error] {
        match self {
            Error::Problems(problems) => problems.listed(),
            one => std::slice::from_ref(one),
        }
    }

    /// The problems found in one run, as one error: `None` when there are
    /// none, the problem itself when there is one, else [`Error::Problems`]
    /// (deduplicated, in file order with the root file `file` first, at most
    /// [`PROBLEM_LIMIT`] listed).
    pub(crate) fn from_problems(file: &str, problems: Vec<Error>) -> Option<Error> {
        let mut flat = Vec::with_capacity(problems.len());
        let mut more = 0;
        for problem in problems {
            match problem {
                Error::Problems(inner) => {
                    more += inner.more;
                    flat.extend(inner.listed);
                }
                one => flat.push(one),
            }
        }
        // Stable: problems at one position keep the order they were found in.
        flat.sort_by_cached_key(|problem| {
            let (problem_file, line, column) = problem.position();
            (problem_file != file, problem_file.to_owned(), line, column)
        });
        let mut seen = std::collections::HashSet::new();
        flat.retain(|problem| seen.insert(problem.to_string()));
        if flat.len() + more <= 1 {
            return flat.pop();
        }
        if flat.len() > PROBLEM_LIMIT {
            more += flat.len() - PROBLEM_LIMIT;
            flat.truncate(PROBLEM_LIMIT);
        }
        Some(Error::Problems(Problems {
            file: file.to_owned(),
            listed: flat,
            more,
        }))
    }

    /// `Ok` when `problems` is empty, else every one of them as one error
    /// ([`Error::from_problems`]).
    pub(crate) fn all(file: &str, problems: Vec<Error>) -> Result<(), Error> {
        match Error::from_problems(file, problems) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// File, line and column, for sorting (0 when not known).
    fn position(&self) -> (&str, usize, usize) {
        match self {
            Error::Io { file, .. } | Error::Empty { file } => (file, 0, 0),
            Error::Yaml {
                file, line, column, ..
            } => (file, *line, *column),
            Error::Problems(problems) => (&problems.file, 0, 0),
            placed => match placed.place() {
                Some(at) => (&at.file, at.line, at.column),
                None => ("", 0, 0),
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: &str, line: usize, pointer: &str) -> Error {
        Error::Extension {
            at: Place {
                file: file.to_owned(),
                line,
                column: 3,
                pointer: pointer.to_owned(),
            },
            name: "x-retry".to_owned(),
            message: "bad".to_owned(),
        }
    }

    fn lines(error: Option<Error>) -> Vec<String> {
        error
            .map(|e| e.to_string().lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    #[test]
    fn problems_are_deduplicated_and_sorted_with_the_root_file_first() {
        let problems = vec![
            at("spec/root.yaml", 9, "/b"),
            at("spec/a.yaml", 1, "/c"),
            at("spec/root.yaml", 2, "/a"),
            at("spec/root.yaml", 9, "/b"),
        ];
        assert_eq!(
            lines(Error::from_problems("spec/root.yaml", problems)),
            [
                "spec/root.yaml:2:3: #/a: `x-retry`: bad",
                "spec/root.yaml:9:3: #/b: `x-retry`: bad",
                "spec/a.yaml:1:3: #/c: `x-retry`: bad",
                "3 problems in spec/root.yaml",
            ]
        );
    }

    #[test]
    fn one_problem_is_itself_and_none_is_nothing() {
        let one = Error::from_problems("spec/root.yaml", vec![at("spec/root.yaml", 2, "/a")]);
        assert!(matches!(one, Some(Error::Extension { .. })), "{one:?}");
        assert!(Error::from_problems("spec/root.yaml", Vec::new()).is_none());
    }

    #[test]
    fn problems_of_problems_are_flattened_and_their_count_kept() {
        let many: Vec<Error> = (1..=PROBLEM_LIMIT + 2)
            .map(|line| at("spec/root.yaml", line, "/a"))
            .collect();
        let nested = Error::from_problems("spec/root.yaml", many).unwrap();
        let again = Error::from_problems(
            "spec/root.yaml",
            vec![nested, at("spec/root.yaml", 1000, "/z")],
        );
        let Some(Error::Problems(problems)) = again else {
            panic!("{again:?}");
        };
        assert_eq!(problems.listed().len(), PROBLEM_LIMIT);
        assert_eq!(problems.total(), PROBLEM_LIMIT + 3);
        assert_eq!(
            problems.summary(),
            format!("{} problems in spec/root.yaml", PROBLEM_LIMIT + 3)
        );
    }
}
