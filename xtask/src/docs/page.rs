//! One API documentation page, read into its parts.
//!
//! The pages share one layout (see `../shared/docs/README.md`): the method and the
//! path (one segment a line, separated by `/` lines), a title, a `curl` example
//! request, the example 200 response as JSON, then sections, each under a heading
//! line: `Authorizations`, `Path Parameters` (and `Query`/`Header`), `Body` and
//! `Response`. A section lists fields: the name on a line, the type on the next
//! (`string`, `enum<string>`, `object[]`, `string<date-time>`, ...), then
//! optionally `required` and `default:<value>`, then description paragraphs and
//! the constraint lines (`Maximum string length: 150`, `Available options:` with
//! one option a line, `Required range: 1 <= x <= 1000`, `Example:` and a JSON
//! value).
//!
//! Whatever does not fit that layout is kept as an [`Unknown`] with its line, so
//! the caller reports it: a page is never half read in silence.

use std::collections::HashMap;

use serde_json::Value;

/// Every HTTP method a page may start with.
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// The section headings the pages use, in no particular order.
const HEADINGS: [&str; 8] = [
    "Authorizations",
    "Path Parameters",
    "Query Parameters",
    "Header Parameters",
    // The later pages' name for "Header Parameters".
    "Headers",
    "Cookie Parameters",
    "Body",
    "Response",
];

/// The types a field line may name, before `<format>` and `[]`.
const BASE_TYPES: [&str; 8] = [
    "string", "number", "integer", "boolean", "object", "array", "file", "null",
];

/// First words of the lines the pages use for constraints: a line starting with
/// one of them and a label ending in `:` that [`constraint`] does not know is
/// reported, so a new kind of constraint on a page is never read as description.
const CONSTRAINT_WORDS: [&str; 8] = [
    "Maximum", "Minimum", "Required", "Pattern", "Allowed", "Format", "Default", "Max",
];

/// A value and the 1-based line of the page it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// 1-based line in the page.
    pub line: usize,
}

/// A page, read.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The page's file name, e.g. `create-post.v4.txt`.
    pub file: String,
    /// The page's text (line endings as given).
    pub text: String,
    /// `POST`, `GET`, ...
    pub method: Option<Located<String>>,
    /// The path template, e.g. `/api/v3/posts/{postId}/approve`.
    pub path: Option<Located<String>>,
    /// The line after the path, e.g. `create a post`.
    pub title: Option<String>,
    /// The JSON the `curl` example sends, when it sends one.
    pub request_example: Option<Example>,
    /// The names of the curl example's `--form` fields (a multipart body), in
    /// order, each with its line.
    pub request_form: Vec<Located<String>>,
    /// The example 200 response.
    pub response_example: Option<Example>,
    /// The example 200 response when it is one line of plain text (the
    /// page's answer "is of type string"), not JSON.
    pub response_text: Option<Located<String>>,
    /// Path, query and header parameters, in page order.
    pub parameters: Vec<Parameter>,
    /// The `Body` section.
    pub body: Option<Section>,
    /// The `Response` section.
    pub response: Option<Section>,
    /// What the page holds that this reader does not know, in page order.
    pub unknown: Vec<Unknown>,
}

/// A JSON example of the page, with the page line of each of its nodes.
#[derive(Debug, Clone)]
pub struct Example {
    /// The value.
    pub value: Value,
    /// The page line where the value starts.
    pub line: usize,
    /// The JSON as the page writes it.
    pub text: String,
    /// JSON pointer -> page line of that key or item.
    lines: HashMap<String, usize>,
}

impl Example {
    /// The page line of the node at `pointer` (a key or an array item), or of
    /// its nearest parent the index knows; the example's first line for `""`.
    pub fn line_of(&self, pointer: &str) -> usize {
        let mut pointer = pointer;
        loop {
            if pointer.is_empty() {
                return self.line;
            }
            if let Some(line) = self.lines.get(pointer) {
                return *line;
            }
            pointer = pointer.rfind('/').map_or("", |at| &pointer[..at]);
        }
    }
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// `path`, `query`, `header` or `cookie`.
    pub location: &'static str,
    /// Its field entry.
    pub field: Field,
}

/// A `Body` or `Response` section.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// The heading's line.
    pub line: usize,
    /// The status line of a response section (`200`), when the page shows one.
    pub status: Option<String>,
    /// `application/json`, when the page shows it.
    pub media_type: Option<String>,
    /// The paragraphs before the first field.
    pub description: String,
    /// The fields, in page order.
    pub fields: Vec<Field>,
}

/// One field of a section.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// The name, e.g. `channelId`.
    pub name: String,
    /// The line of the name.
    pub line: usize,
    /// The type as the page writes it (`string[]`, `enum<string>`); `None` when the
    /// page ends right after the name (the last response field of some pages).
    pub ty: Option<Located<String>>,
    /// The `required` line, when there is one.
    pub required: Option<usize>,
    /// The value after `default:`.
    pub default: Option<Located<String>>,
    /// The `Available options`, in page order.
    pub options: Option<Located<Vec<String>>>,
    /// The constraint lines, as spec keywords.
    pub limits: Vec<Limit>,
    /// The description paragraphs, joined with one space.
    pub description: String,
    /// The value after `Example:`.
    pub example: Option<Located<Value>>,
}

impl Field {
    /// Whether the type is a list (`string[]`, `object[]`).
    pub fn is_array(&self) -> bool {
        self.ty.as_ref().is_some_and(|ty| ty.value.ends_with("[]"))
    }
}

/// A constraint line, as the OpenAPI keyword it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    /// `maxLength`, `maxItems`, `items.maxLength`, `minimum`, `exclusiveMaximum`, ...
    /// (an exclusive bound is named by its own keyword, with the bound as value).
    pub keyword: &'static str,
    /// The bound.
    pub value: serde_json::Number,
    /// The line, as the page writes it.
    pub text: String,
    /// Its line.
    pub line: usize,
}

/// Page structure this reader does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    /// 1-based line.
    pub line: usize,
    /// What was expected, or why the line is not understood.
    pub what: String,
}

/// Reads the page `file` from its `text`. Never fails: what it cannot read is in
/// [`Page::unknown`].
pub fn parse(file: &str, text: &str) -> Page {
    let lines: Vec<&str> = text.lines().collect();
    let mut reader = Reader {
        text,
        lines: &lines,
        at: 0,
        page: Page {
            file: file.to_owned(),
            text: text.to_owned(),
            ..Page::default()
        },
    };
    reader.header();
    reader.curl();
    reader.response_example();
    reader.sections();
    reader.page
}

struct Reader<'a> {
    text: &'a str,
    lines: &'a [&'a str],
    /// 0-based index of the next line to read.
    at: usize,
    page: Page,
}

impl Reader<'_> {
    fn unknown(&mut self, index: usize, what: impl Into<String>) {
        self.page.unknown.push(Unknown {
            line: index + 1,
            what: what.into(),
        });
    }

    fn skip_blank(&mut self) {
        while self.lines.get(self.at).is_some_and(|l| l.trim().is_empty()) {
            self.at += 1;
        }
    }

    fn line(&self) -> Option<&str> {
        self.lines.get(self.at).map(|line| line.trim_end())
    }

    /// The method, the path (segments between `/` lines) and the title.
    fn header(&mut self) {
        self.skip_blank();
        if self.line() == Some("Skip to main content") {
            self.at += 1;
            self.skip_blank();
        }
        let Some(method) = self.line().filter(|line| METHODS.contains(line)) else {
            let at = self.at;
            self.unknown(
                at,
                "expected the page to start with an HTTP method line (POST, GET, ...)",
            );
            return;
        };
        self.page.method = Some(Located {
            value: method.to_owned(),
            line: self.at + 1,
        });
        self.at += 1;
        let path_line = self.at + 1;
        let mut path = String::new();
        while self.line() == Some("/") {
            self.at += 1;
            match self.line() {
                Some(segment) if !segment.is_empty() && !segment.contains(' ') => {
                    path.push('/');
                    path.push_str(segment);
                    self.at += 1;
                }
                _ => {
                    let at = self.at;
                    self.unknown(at, "expected a path segment after a `/` line");
                    return;
                }
            }
        }
        if path.is_empty() {
            let at = self.at;
            self.unknown(
                at,
                "expected the path after the method, one segment a line between `/` lines",
            );
            return;
        }
        self.page.path = Some(Located {
            value: path,
            line: path_line,
        });
        if let Some(title) = self.line().filter(|line| !line.starts_with("curl ")) {
            self.page.title = Some(title.trim().to_owned());
            self.at += 1;
        }
    }

    /// The `curl` block: its method and URL (checked against the header) and the
    /// JSON it sends.
    fn curl(&mut self) {
        self.skip_blank();
        let Some(line) = self.line() else { return };
        if !line.starts_with("curl ") {
            return;
        }
        let start = self.offset_of_line(self.at);
        let Some((words, end)) = shell_words(&self.text[start..]) else {
            let at = self.at;
            self.unknown(at, "the curl example has an unclosed quote");
            self.at = self.lines.len();
            return;
        };
        let curl_line = self.at;
        self.at = self.line_of_offset(start + end) + 1;
        let mut words = words.into_iter();
        while let Some((word, _)) = words.next() {
            match word.as_str() {
                "curl" => {}
                "--request" | "-X" => {
                    let value = words.next().map(|(w, _)| w).unwrap_or_default();
                    if let Some(method) = &self.page.method
                        && method.value != value
                    {
                        let line = method.line;
                        self.unknown(
                            curl_line,
                            format!(
                                "the curl example sends {value}, the page's method (line {line}) is {}",
                                method.value
                            ),
                        );
                    }
                }
                "--url" => {
                    let url = words.next().map(|(w, _)| w).unwrap_or_default();
                    let path = url_path(&url);
                    if let Some(header) = &self.page.path
                        && header.value != path
                    {
                        let line = header.line;
                        self.unknown(
                            curl_line,
                            format!(
                                "the curl example's URL path {path} differs from the page's path {} (line {line})",
                                header.value
                            ),
                        );
                    }
                }
                "--header" | "-H" => {
                    words.next();
                }
                "--form" | "-F" => {
                    if let Some((field, offset)) = words.next() {
                        let line = self.line_of_offset(start + offset) + 1;
                        match field.split_once('=') {
                            Some((name, _)) if is_name(name) => {
                                self.page.request_form.push(Located {
                                    value: name.to_owned(),
                                    line,
                                });
                            }
                            _ => self.unknown(
                                line - 1,
                                format!("the curl example's --form is not name=value: {field}"),
                            ),
                        }
                    }
                }
                "--data" | "--data-raw" | "-d" => {
                    if let Some((data, offset)) = words.next() {
                        let skipped = data.len() - data.trim_start().len();
                        let line = self.line_of_offset(start + offset + skipped) + 1;
                        match example(data.trim_start(), line) {
                            Some((example, _)) => self.page.request_example = Some(example),
                            None => self.unknown(
                                line - 1,
                                "the curl example's --data is not one JSON value",
                            ),
                        }
                    }
                }
                other => {
                    self.unknown(
                        curl_line,
                        format!(
                            "the curl example has an option this reader does not know: {other}"
                        ),
                    );
                }
            }
        }
    }

    /// The JSON right after the curl block: the example 200 response.
    fn response_example(&mut self) {
        self.skip_blank();
        let Some(line) = self.line() else { return };
        if !(line.starts_with('{') || line.starts_with('[')) {
            // One line of text before the first heading: a plain-text answer.
            let next = self.lines.get(self.at + 1).map(|l| l.trim());
            if !HEADINGS.contains(&line)
                && !line.contains(char::is_whitespace)
                && next.is_none_or(str::is_empty)
            {
                self.page.response_text = Some(Located {
                    value: line.to_owned(),
                    line: self.at + 1,
                });
                self.at += 1;
            }
            return;
        }
        let start = self.offset_of_line(self.at);
        match example(&self.text[start..], self.at + 1) {
            Some((example, length)) => {
                self.page.response_example = Some(example);
                self.at = self.line_of_offset(start + length) + 1;
            }
            None => {
                let at = self.at;
                self.unknown(at, "the example response is not one JSON value");
                while self.line().is_some_and(|line| !HEADINGS.contains(&line)) {
                    self.at += 1;
                }
            }
        }
    }

    /// The sections, each from its heading to the next heading.
    fn sections(&mut self) {
        self.skip_blank();
        while self.at < self.lines.len() {
            let heading_at = self.at;
            let Some(heading) = self.line().filter(|line| HEADINGS.contains(line)) else {
                let at = self.at;
                self.unknown(
                    at,
                    format!(
                        "expected a section heading ({}), found {:?}",
                        HEADINGS.join(", "),
                        self.lines[at].trim()
                    ),
                );
                self.at += 1;
                // Resynchronise at the next heading.
                while self.line().is_some_and(|line| !HEADINGS.contains(&line)) {
                    self.at += 1;
                }
                continue;
            };
            let heading = heading.to_owned();
            self.at += 1;
            let end = (self.at..self.lines.len())
                .find(|&index| {
                    HEADINGS.contains(&self.lines[index].trim_end())
                        && (index == 0 || self.lines[index - 1].trim().is_empty())
                })
                .unwrap_or(self.lines.len());
            let body = self.at..end;
            match heading.as_str() {
                "Authorizations" => {}
                "Body" | "Response" => {
                    let mut section = Section {
                        line: heading_at + 1,
                        ..Section::default()
                    };
                    let mut index = body.start;
                    while index < end && self.lines[index].trim().is_empty() {
                        index += 1;
                    }
                    if heading == "Response"
                        && let Some(line) = self.lines.get(index).map(|l| l.trim())
                        && line.len() == 3
                        && line.bytes().all(|b| b.is_ascii_digit())
                    {
                        section.status = Some(line.to_owned());
                        index += 1;
                    }
                    while index < end && self.lines[index].trim().is_empty() {
                        index += 1;
                    }
                    if let Some(line) = self.lines.get(index).map(|l| l.trim())
                        && index < end
                        && is_media_type(line)
                    {
                        section.media_type = Some(line.to_owned());
                        index += 1;
                    }
                    let (description, fields) = self.fields(index, end);
                    section.description = description;
                    section.fields = fields;
                    if heading == "Body" {
                        self.page.body = Some(section);
                    } else {
                        self.page.response = Some(section);
                    }
                }
                parameters => {
                    let location = match parameters {
                        "Path Parameters" => "path",
                        "Query Parameters" => "query",
                        "Header Parameters" | "Headers" => "header",
                        _ => "cookie",
                    };
                    let (description, fields) = self.fields(body.start, end);
                    if !description.is_empty() {
                        self.unknown(
                            body.start,
                            format!("text before the first parameter: {description:?}"),
                        );
                    }
                    self.page.parameters.extend(
                        fields
                            .into_iter()
                            .map(|field| Parameter { location, field }),
                    );
                }
            }
            self.at = end;
        }
    }

    /// The fields of lines `start..end`, and the description before the first.
    fn fields(&mut self, start: usize, end: usize) -> (String, Vec<Field>) {
        let mut intro = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        let mut index = start;
        while index < end {
            let line = self.lines[index].trim();
            if let Some(field) = self.field_header(index, end) {
                index = field.1;
                fields.push(field.0);
                continue;
            }
            let Some(field) = fields.last_mut() else {
                if !line.is_empty() {
                    intro.push(line);
                }
                index += 1;
                continue;
            };
            if line == "Available options:" {
                let options_line = index + 1;
                let mut options = Vec::new();
                index += 1;
                while index < end {
                    let option = self.lines[index].trim();
                    if option.is_empty() {
                        break;
                    }
                    index += 1;
                    match option.strip_suffix(',') {
                        Some(option) => options.push(option.trim().to_owned()),
                        None => {
                            options.push(option.to_owned());
                            break;
                        }
                    }
                }
                field.options = Some(Located {
                    value: options,
                    line: options_line,
                });
                continue;
            }
            if line == "Example:" {
                let mut value_at = index + 1;
                while value_at < end && self.lines[value_at].trim().is_empty() {
                    value_at += 1;
                }
                let offset = self.offset_of_line(value_at.min(self.lines.len()));
                match serde_json::Deserializer::from_str(&self.text[offset..])
                    .into_iter::<Value>()
                    .next()
                {
                    Some(Ok(value)) if value_at < end => {
                        let mut stream = serde_json::Deserializer::from_str(&self.text[offset..])
                            .into_iter::<Value>();
                        stream.next();
                        let consumed = stream.byte_offset();
                        field.example = Some(Located {
                            value,
                            line: value_at + 1,
                        });
                        index = self.line_of_offset(offset + consumed) + 1;
                    }
                    _ => {
                        let name = field.name.clone();
                        self.unknown(
                            index,
                            format!("the example of field {name} is not one JSON value"),
                        );
                        index += 1;
                    }
                }
                continue;
            }
            match constraint(line, field.is_array()) {
                Constraint::Limits(limits) => {
                    field
                        .limits
                        .extend(limits.into_iter().map(|(keyword, value)| Limit {
                            keyword,
                            value,
                            text: line.to_owned(),
                            line: index + 1,
                        }));
                }
                Constraint::Unknown => {
                    let name = field.name.clone();
                    self.unknown(
                        index,
                        format!("a constraint of field {name} this reader does not know: {line:?}"),
                    );
                }
                Constraint::None => {
                    if !line.is_empty() {
                        if !field.description.is_empty() {
                            field.description.push(' ');
                        }
                        field.description.push_str(line);
                    }
                }
            }
            index += 1;
        }
        (intro.join(" "), fields)
    }

    /// A field's first lines at `index`: the name, the type, `required`,
    /// `default:<value>`, and the location word of an authorization (`header`).
    /// Returns the field and the index after its header, or `None` when no field
    /// starts there.
    fn field_header(&mut self, index: usize, end: usize) -> Option<(Field, usize)> {
        let name = self.lines[index].trim();
        if !is_name(name) {
            return None;
        }
        let next = (index + 1..end).next().map(|i| self.lines[i].trim());
        let ty = match next {
            Some(ty) if is_type(ty) => Some(Located {
                value: ty.to_owned(),
                line: index + 2,
            }),
            // The page ends after the name: a field whose type the page cuts off.
            None if end == self.lines.len()
                && self.lines[index + 1..].iter().all(|l| l.trim().is_empty()) =>
            {
                None
            }
            Some(ty) if looks_like_type(ty) => {
                self.unknown(
                    index + 1,
                    format!("field {name} has a type this reader does not know: {ty:?}"),
                );
                return None;
            }
            _ => return None,
        };
        let mut field = Field {
            name: name.to_owned(),
            line: index + 1,
            ty,
            ..Field::default()
        };
        let mut at = index + 2;
        while at < end {
            let line = self.lines[at].trim();
            if line == "required" {
                field.required = Some(at + 1);
            } else if let Some(value) = line.strip_prefix("default:") {
                field.default = Some(Located {
                    value: value.trim().to_owned(),
                    line: at + 1,
                });
            } else if !matches!(line, "header" | "query" | "path" | "cookie") {
                break;
            }
            at += 1;
        }
        Some((field, at.min(end)))
    }

    /// The byte offset in the text where the 0-based line `index` starts.
    fn offset_of_line(&self, index: usize) -> usize {
        let base = self.text.as_ptr() as usize;
        match self.lines.get(index) {
            Some(line) => line.as_ptr() as usize - base,
            None => self.text.len(),
        }
    }

    /// The 0-based line holding byte `offset` of the text.
    fn line_of_offset(&self, offset: usize) -> usize {
        self.text[..offset.min(self.text.len())]
            .bytes()
            .filter(|b| *b == b'\n')
            .count()
    }
}

/// What a line inside a field says.
enum Constraint {
    /// A description line.
    None,
    /// The keywords and bounds of a constraint line.
    Limits(Vec<(&'static str, serde_json::Number)>),
    /// A constraint-like line (`Pattern: ...`) this reader does not know.
    Unknown,
}

/// Reads a constraint line of a field (`is_array` for `[]` types: "Maximum string
/// length" then bounds the items, and "Maximum length" the item count).
fn constraint(line: &str, is_array: bool) -> Constraint {
    if let Some(expression) = line.strip_prefix("Required range:") {
        return range(expression.trim()).map_or(Constraint::Unknown, Constraint::Limits);
    }
    // `Required string length: 1 - 50`, `Required array length: 1 - 4 elements`:
    // both bounds of one measure.
    for (label, (min, max)) in [
        (
            "Required string length:",
            if is_array {
                ("items.minLength", "items.maxLength")
            } else {
                ("minLength", "maxLength")
            },
        ),
        ("Required array length:", ("minItems", "maxItems")),
    ] {
        if let Some(expression) = line.strip_prefix(label) {
            let expression = expression.trim();
            let expression = expression.strip_suffix("elements").unwrap_or(expression);
            let bounds = expression
                .split_once(" - ")
                .and_then(|(a, b)| Some((number(a.trim())?, number(b.trim())?)));
            return bounds.map_or(Constraint::Unknown, |(a, b)| {
                Constraint::Limits(vec![(min, a), (max, b)])
            });
        }
    }
    let Some((label, value)) = line.split_once(':') else {
        return Constraint::None;
    };
    let first_word = label.split(' ').next().unwrap_or_default();
    if !CONSTRAINT_WORDS.contains(&first_word) || label.len() > 40 {
        return Constraint::None;
    }
    let Some(value) = number(value.trim()) else {
        return Constraint::Unknown;
    };
    let keyword = match (label, is_array) {
        ("Maximum string length", false) | ("Maximum length", false) => "maxLength",
        ("Minimum string length", false) | ("Minimum length", false) => "minLength",
        ("Maximum string length", true) => "items.maxLength",
        ("Minimum string length", true) => "items.minLength",
        ("Maximum array length", _) | ("Maximum length", true) => "maxItems",
        ("Minimum array length", _) | ("Minimum length", true) => "minItems",
        _ => return Constraint::Unknown,
    };
    Constraint::Limits(vec![(keyword, value)])
}

/// `1 <= x <= 1000`, `x >= 1`, `0 < x`, ... as minimum/maximum keywords (an
/// exclusive bound as `exclusiveMinimum`/`exclusiveMaximum` with the bound).
fn range(expression: &str) -> Option<Vec<(&'static str, serde_json::Number)>> {
    let parts: Vec<&str> = expression.split_whitespace().collect();
    let lower = |op: &str| match op {
        "<=" => Some("minimum"),
        "<" => Some("exclusiveMinimum"),
        _ => None,
    };
    let upper = |op: &str| match op {
        "<=" => Some("maximum"),
        "<" => Some("exclusiveMaximum"),
        _ => None,
    };
    let flip = |op: &str| match op {
        ">=" => Some("<="),
        ">" => Some("<"),
        _ => None,
    };
    match parts[..] {
        [a, op1, "x", op2, b] => Some(vec![(lower(op1)?, number(a)?), (upper(op2)?, number(b)?)]),
        ["x", op, b] if flip(op).is_some() => Some(vec![(lower(flip(op)?)?, number(b)?)]),
        ["x", op, b] => Some(vec![(upper(op)?, number(b)?)]),
        [a, op, "x"] => Some(vec![(lower(op)?, number(a)?)]),
        _ => None,
    }
}

fn number(text: &str) -> Option<serde_json::Number> {
    match serde_json::from_str::<Value>(text).ok()? {
        Value::Number(number) => Some(number),
        _ => None,
    }
}

/// A field name: one word of letters, digits, `_`, `$`, `-` or `.`, starting
/// with a letter, `_` or `$`.
fn is_name(line: &str) -> bool {
    let mut chars = line.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '-' | '.'))
}

/// A type this reader knows: a base type, `enum<base>` or `base<format>`, with
/// any number of `[]`.
fn is_type(line: &str) -> bool {
    let mut core = line;
    while let Some(inner) = core.strip_suffix("[]") {
        core = inner;
    }
    let (base, inner) = match core.split_once('<') {
        Some((base, rest)) => match rest.strip_suffix('>') {
            Some(inner) if !inner.is_empty() => (base, Some(inner)),
            _ => return false,
        },
        None => (core, None),
    };
    match (base, inner) {
        ("enum", Some(inner)) => BASE_TYPES.contains(&inner),
        (base, Some(format)) => {
            BASE_TYPES.contains(&base)
                && format
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
        }
        (base, None) => BASE_TYPES.contains(&base),
    }
}

/// A line shaped like a type (lowercase word, maybe `<...>` and `[]`) but not one
/// [`is_type`] knows, e.g. `map<string>`, `uuid`.
fn looks_like_type(line: &str) -> bool {
    let core = line.trim_end_matches("[]");
    let base = core.split('<').next().unwrap_or_default();
    !base.is_empty()
        && base.chars().all(|c| c.is_ascii_lowercase())
        && (core.contains('<') || line.ends_with("[]"))
}

fn is_media_type(line: &str) -> bool {
    let mut parts = line.split('/');
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None)
        if !a.is_empty() && !b.is_empty() && !line.contains(' '))
}

/// The path of a URL: what follows the host, without query.
fn url_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("/", |at| &after_scheme[at..]);
    path.split(['?', '#']).next().unwrap_or(path).to_owned()
}

/// Splits a shell command into words the way `sh` does for what the pages use:
/// whitespace, `'...'` (may span lines), `"..."`, and `\` + newline. Returns each
/// word with the byte offset of its first character (inside the quote for a
/// quoted word), and the offset where the command ends (the first newline
/// outside quotes not escaped by `\`). `None` when a quote is left open.
fn shell_words(text: &str) -> Option<(Vec<(String, usize)>, usize)> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut current: Option<(String, usize)> = None;
    let mut index = 0;
    while index < bytes.len() {
        let c = bytes[index];
        match c {
            b'\\' if bytes.get(index + 1) == Some(&b'\n') => index += 2,
            b'\n' => break,
            b' ' | b'\t' | b'\r' => {
                if let Some(word) = current.take() {
                    words.push(word);
                }
                index += 1;
            }
            b'\'' | b'"' => {
                let close = text[index + 1..].find(c as char)? + index + 1;
                let word = current.get_or_insert_with(|| (String::new(), index + 1));
                word.0.push_str(&text[index + 1..close]);
                index = close + 1;
            }
            _ => {
                let ch = text[index..].chars().next()?;
                current
                    .get_or_insert_with(|| (String::new(), index))
                    .0
                    .push(ch);
                index += ch.len_utf8();
            }
        }
    }
    if let Some(word) = current.take() {
        words.push(word);
    }
    Some((words, index))
}

/// The first JSON value of `text`, which starts on page line `line`, with the
/// line of each of its nodes, and its length in bytes.
fn example(text: &str, line: usize) -> Option<(Example, usize)> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let value = stream.next()?.ok()?;
    let length = stream.byte_offset();
    let lines = codegen::document::positions(&text[..length])
        .into_iter()
        .map(|(pointer, (at, _))| (pointer, line + at - 1))
        .collect();
    Some((
        Example {
            value,
            line,
            text: text[..length].to_owned(),
            lines,
        },
        length,
    ))
}
