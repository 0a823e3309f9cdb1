//! Files for the operations whose body is a multipart form (`uploadFile`).
//!
//! A [`FilePart`] is one file of a form: bytes in memory, a file on disk
//! (opened when the call is sent and streamed from disk, never read whole
//! into memory), or a stream of chunks, each with a file name and a content
//! type. The operation's builder takes them (`.files([...])`) next to the
//! form's text fields (`.body_map(|b| b.preferred_filename(...))`).
//!
//! Codegen gives each form operation's builder a method per file field of
//! the spec and ends its `send` with `form`: the text fields are checked
//! against the spec like any body, every path is opened, and only then is
//! the request built; a path that cannot be read fails the call naming it,
//! and nothing is sent.
//!
//! A form whose files are streamed (a path or a stream) is sent once: its
//! body cannot be replayed, so the client does not retry it, whatever the
//! retry policy says.

use std::fmt;
use std::path::PathBuf;

use bytes::Bytes;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::validate::{Location, Rule, Violation, Violations};

/// How much of a file on disk is read at a time while it is sent.
const FILE_CHUNK: usize = 256 * 1024;

/// One file of a multipart form: where its bytes come from, its file name
/// and its content type.
///
/// ```
/// use generated_client::upload::FilePart;
///
/// // From memory: the content type is guessed from the name (`text/csv`).
/// let report = FilePart::bytes("id,name\n1,Ann\n", "report.csv");
/// // From disk, streamed when the call is sent; named `photo.jpg`, `image/jpeg`.
/// let photo = FilePart::path("/var/data/photo.jpg");
/// // Any name and type can be set.
/// let raw = FilePart::bytes(vec![0u8; 16], "blob").content_type("application/x-thing");
/// # let _ = (report, photo, raw);
/// ```
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
    length: Option<u64>,
}

enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Stream(reqwest::Body),
}

impl FilePart {
    /// A file of the given bytes, named `file_name`; its content type is
    /// guessed from the name's extension (`application/octet-stream` when
    /// it has none the guess knows) unless [`FilePart::content_type`] sets it.
    pub fn bytes(data: impl Into<Bytes>, file_name: impl Into<String>) -> FilePart {
        FilePart {
            source: Source::Bytes(data.into()),
            file_name: Some(file_name.into()),
            content_type: None,
            length: None,
        }
    }

    /// The file at `path`, named after its last component, its content type
    /// guessed from the extension. It is opened when the call is sent (a
    /// path that does not exist or cannot be read fails the call, naming
    /// the path, before anything is sent) and streamed from disk.
    pub fn path(path: impl Into<PathBuf>) -> FilePart {
        let path = path.into();
        let file_name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned());
        FilePart {
            source: Source::Path(path),
            file_name,
            content_type: None,
            length: None,
        }
    }

    /// A file whose bytes come from `stream` (chunks of anything that is
    /// `Bytes`, e.g. `Vec<u8>`), named `file_name`. Give its
    /// [`length`](FilePart::length) when you know it: the request then has
    /// a `Content-Length`, otherwise it is sent chunked.
    pub fn stream<S>(stream: S, file_name: impl Into<String>) -> FilePart
    where
        S: futures_core::TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        FilePart {
            source: Source::Stream(reqwest::Body::wrap_stream(stream)),
            file_name: Some(file_name.into()),
            content_type: None,
            length: None,
        }
    }

    /// Sends the file under this name instead.
    pub fn file_name(mut self, file_name: impl Into<String>) -> FilePart {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sends the file with this content type (a media type such as
    /// `application/pdf`) instead of the guessed one. One that is not a
    /// media type fails the call, naming it, before anything is sent.
    pub fn content_type(mut self, content_type: impl Into<String>) -> FilePart {
        self.content_type = Some(content_type.into());
        self
    }

    /// The number of bytes a [`stream`](FilePart::stream) will yield. Bytes
    /// and paths know theirs; for them this is ignored.
    pub fn length(mut self, length: u64) -> FilePart {
        self.length = Some(length);
        self
    }

    /// The multipart part, the file opened; `Err` says what is wrong with it.
    async fn into_part(self) -> Result<Part, String> {
        let guessed = |name: Option<&str>| {
            name.and_then(|name| mime_guess::from_path(name).first_raw())
                .unwrap_or("application/octet-stream")
        };
        if let Some(name) = &self.file_name
            && name.chars().any(char::is_control)
        {
            // It is written into the part's headers as it is.
            return Err(format!(
                "its file name {name:?} holds a line break or another control character"
            ));
        }
        let content_type = match &self.content_type {
            Some(content_type) => content_type.clone(),
            None => guessed(self.file_name.as_deref()).to_owned(),
        };
        let part = match self.source {
            Source::Bytes(bytes) => Part::stream_with_length(bytes.clone(), bytes.len() as u64),
            Source::Path(path) => {
                let unreadable = |e: std::io::Error| {
                    format!("the file `{}` cannot be read: {e}", path.display())
                };
                let file = tokio::fs::File::open(&path).await.map_err(unreadable)?;
                let metadata = file.metadata().await.map_err(unreadable)?;
                if metadata.is_dir() {
                    return Err(format!(
                        "the file `{}` cannot be read: it is a directory",
                        path.display()
                    ));
                }
                // Large reads: tokio reads a file on its blocking pool, one
                // hop per read, and its default 8 KiB reads cap the upload.
                let chunks = tokio_util::io::ReaderStream::with_capacity(file, FILE_CHUNK);
                Part::stream_with_length(reqwest::Body::wrap_stream(chunks), metadata.len())
            }
            Source::Stream(body) => match self.length {
                Some(length) => Part::stream_with_length(body, length),
                None => Part::stream(body),
            },
        };
        let part = part.mime_str(&content_type).map_err(|_| {
            format!("its content type `{content_type}` is not a media type (such as `image/png`)")
        })?;
        Ok(match self.file_name {
            Some(name) => part.file_name(name),
            None => part,
        })
    }
}

/// Shows where the bytes come from, never the bytes.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("FilePart");
        match &self.source {
            Source::Bytes(bytes) => debug.field("bytes", &bytes.len()),
            Source::Path(path) => debug.field("path", path),
            Source::Stream(_) => debug.field("stream", &self.length),
        };
        debug
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// The files a builder was given for one file field of a form.
pub(crate) struct FileField {
    /// The field's name in the spec, which each of its parts carries.
    pub(crate) name: &'static str,
    /// The spec requires at least one file here.
    pub(crate) required: bool,
    /// The files, in the order given.
    pub(crate) parts: Vec<FilePart>,
}

/// What [`form`] needs of the client's state: whether requests are checked.
pub(crate) trait FormSettings {
    /// Whether the text fields are checked before sending (the client's
    /// `validate_requests` setting).
    fn validates_requests(&self) -> bool;
}

/// A form operation's multipart body: its `text` fields (the body type
/// progenitor generated, one text part per field that is set) and its
/// files. Checks first, as the client checks every body: the text fields
/// against the spec (`check`, the generated `validation::check_request`)
/// and every required file field having a file, when `settings` says so;
/// then opens every file. Any failure is a [`FormRefusal`], naming the
/// field, limit or path, and nothing is sent.
pub(crate) async fn form<B, S>(
    settings: &S,
    operation: &'static str,
    check: fn(&str, &Value) -> Result<(), Violations>,
    text: &B,
    files: Vec<FileField>,
) -> Result<Form, FormRefusal>
where
    B: serde::Serialize,
    S: FormSettings,
{
    let refused = |reason: String| FormRefusal::Reason { reason };
    let text =
        serde_json::to_value(text).map_err(|e| refused(format!("the form's text fields: {e}")))?;
    if settings.validates_requests() {
        let mut violations = match check(operation, &text) {
            Ok(()) => Vec::new(),
            Err(found) => found.violations,
        };
        for field in files.iter().filter(|f| f.required && f.parts.is_empty()) {
            violations.push(Violation {
                location: Location::Body,
                path: format!(".{}", field.name),
                rule: Rule::Required,
                documented: None,
            });
        }
        if !violations.is_empty() {
            return Err(FormRefusal::Violations(Violations {
                operation,
                violations,
            }));
        }
    }
    let mut form = Form::new();
    if let Value::Object(fields) = text {
        for (name, value) in fields {
            match value {
                Value::Null => {}
                Value::String(value) => form = form.text(name, value),
                other => form = form.text(name, other.to_string()),
            }
        }
    }
    for field in files {
        let count = field.parts.len();
        for (index, part) in field.parts.into_iter().enumerate() {
            let which = if count == 1 {
                format!("`{}`", field.name)
            } else {
                format!("`{}` #{}", field.name, index + 1)
            };
            let part = part
                .into_part()
                .await
                .map_err(|reason| refused(format!("file {which}: {reason}; nothing was sent")))?;
            form = form.part(field.name, part);
        }
    }
    Ok(form)
}

/// Why a form was refused before sending.
#[derive(Debug)]
pub(crate) enum FormRefusal {
    /// Its text fields break documented rules, or a required file is missing.
    Violations(Violations),
    /// A file could not be opened or read, or the text fields do not encode.
    Reason {
        /// What went wrong, naming the field or the path.
        reason: String,
    },
}

impl fmt::Display for FormRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormRefusal::Violations(violations) => write!(f, "{violations}"),
            FormRefusal::Reason { reason } => f.write_str(reason),
        }
    }
}

/// Typed mock matchers of a form body, for the generated `mock` module.
#[cfg(feature = "mock")]
pub(crate) mod mock {
    use serde_json::Value;

    /// Matches a multipart body with a text part for each field of `text`
    /// that is set, holding its value.
    pub(crate) fn text_parts(
        mut when: httpmock::When,
        text: &impl serde::Serialize,
    ) -> httpmock::When {
        when = when.header_matches("content-type", "^multipart/form-data; boundary=");
        if let Ok(Value::Object(fields)) = serde_json::to_value(text) {
            for (name, value) in fields {
                let value = match value {
                    Value::Null => continue,
                    Value::String(value) => value,
                    other => other.to_string(),
                };
                when = when.body_includes(format!(
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                ));
            }
        }
        when
    }

    /// Matches a multipart body with a file part of field `field` named
    /// `file_name`.
    pub(crate) fn file_part(when: httpmock::When, field: &str, file_name: &str) -> httpmock::When {
        when.header_matches("content-type", "^multipart/form-data; boundary=")
            .body_includes(format!(
                "Content-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\""
            ))
    }
}
