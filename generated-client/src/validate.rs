//! Request validation: the spec's documented constraints on a request, checked
//! before it is sent. Codegen writes the data, one static table per request
//! schema and three lookups by operation (the generated `validation` module);
//! this module is the rest: the report types ([`Violations`], [`Violation`],
//! [`Rule`], [`Location`]), the types of the tables ([`Schema`], [`Property`],
//! [`PathParameters`], [`Tables`]) and one interpreter that walks a body
//! alongside its table as serde reads it, from bytes or from a
//! `serde_json::Value`; also the path parameters, checked in the URL as sent.
//!
//! A refusal is [`Violations`] of typed [`Rule`]s, carried as values by the
//! client's `Error`; a body the walk cannot finish is [`UncheckableBody`].
//!
//! Nothing here names a spec: every entry point takes the spec's [`Tables`],
//! so one copy of this module serves any number of generated modules (the
//! corpus check compiles one per spec against it).

use std::borrow::Cow;

use serde::Deserialize as _;
use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

/// One documented rule a request breaks.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Violation {
    pub(crate) location: Location,
    pub(crate) path: String,
    pub(crate) rule: Rule,
    pub(crate) documented: Option<DocumentedRule>,
}

impl Violation {
    /// Which part of the request.
    pub fn location(&self) -> Location {
        self.location
    }

    /// Where in it: a path into the body (`.tags`, `.mentionees[0].userIds`,
    /// empty for the whole body) or a parameter's name (`postId`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The rule, with its limit and what the request had.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }

    /// The rule of the docs' prose this breaks, when it is one (the spec's
    /// `x-rule`): [`rule`](Self::rule) is then what, in the request, breaks it.
    pub fn documented(&self) -> Option<&DocumentedRule> {
        self.documented.as_ref()
    }
}

/// A rule the docs state in prose, as the spec writes it (`x-rule`): its name,
/// the doc page and the page's sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DocumentedRule {
    pub(crate) name: Cow<'static, str>,
    pub(crate) page: Cow<'static, str>,
    pub(crate) quote: Cow<'static, str>,
}

impl DocumentedRule {
    /// The spec's name for it, e.g. `story-one-hyperlink-item`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The doc page, e.g. `create-story.v4.txt`.
    pub fn page(&self) -> &str {
        &self.page
    }

    /// The page's sentence, word for word.
    pub fn quote(&self) -> &str {
        &self.quote
    }
}

/// The part of a request a [`Violation`] is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// The JSON body.
    Body,
    /// A parameter in the URL path.
    PathParameter,
    /// A parameter in the URL's query (`options[limit]` for a property of
    /// a `deepObject` one).
    QueryParameter,
    /// A request header.
    Header,
}

/// A documented rule, as broken: the spec's limit and the request's value.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// `required`: the field is missing (or `null`).
    Required,
    /// Not `nullable`: the field is `null`.
    NotNull,
    /// `maxLength`, in characters.
    MaxLength {
        /// The limit.
        max: usize,
        /// The value's length.
        actual: usize,
    },
    /// `minLength`, in characters.
    MinLength {
        /// The limit.
        min: usize,
        /// The value's length.
        actual: usize,
    },
    /// `maxItems`.
    MaxItems {
        /// The limit.
        max: usize,
        /// The array's length.
        actual: usize,
    },
    /// `minItems`.
    MinItems {
        /// The limit.
        min: usize,
        /// The array's length.
        actual: usize,
    },
    /// `minimum` (with `exclusiveMinimum`).
    Minimum {
        /// The bound.
        min: f64,
        /// Whether the bound itself is out of range.
        exclusive: bool,
        /// The value.
        actual: f64,
    },
    /// `maximum` (with `exclusiveMaximum`).
    Maximum {
        /// The bound.
        max: f64,
        /// Whether the bound itself is out of range.
        exclusive: bool,
        /// The value.
        actual: f64,
    },
    /// `format: date-time`: the text is not an RFC 3339 date-time.
    DateTime,
    /// `enum`: the value is not one of the documented values.
    Enum {
        /// The documented values, each as JSON (`"text"`, `3`, `true`).
        allowed: Vec<String>,
        /// The value, as JSON.
        actual: String,
    },
    /// `not`: the value is what the spec rules out.
    Not,
    /// `anyOf` (or `oneOf`): no alternative holds, and none can be named as
    /// the one meant (each only says when the rule does not apply).
    NoAlternative {
        /// How many alternatives there are.
        alternatives: usize,
    },
    /// `oneOf`: more than one alternative holds.
    SeveralAlternatives {
        /// How many hold.
        matching: usize,
    },
    /// `x-rule` `max-bytes`: the value's size encoded as compact JSON (UTF-8).
    MaxBytes {
        /// The limit.
        max: usize,
        /// The value's size.
        actual: usize,
    },
    /// `x-rule` `max-items-where`: too many array items whose property has a
    /// given value.
    MaxItemsWhere {
        /// The items' property, e.g. `type`.
        property: String,
        /// The value counted, as JSON, e.g. `"hyperlink"`.
        equals: String,
        /// The limit.
        max: usize,
        /// How many items have it.
        actual: usize,
    },
}

impl Rule {
    /// The spec's keyword for the rule: `maxLength`, `required`, ...
    pub fn keyword(&self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::NotNull => "nullable",
            Rule::MaxLength { .. } => "maxLength",
            Rule::MinLength { .. } => "minLength",
            Rule::MaxItems { .. } => "maxItems",
            Rule::MinItems { .. } => "minItems",
            Rule::Minimum { .. } => "minimum",
            Rule::Maximum { .. } => "maximum",
            Rule::DateTime => "format",
            Rule::Enum { .. } => "enum",
            Rule::Not => "not",
            Rule::NoAlternative { .. } => "anyOf",
            Rule::SeveralAlternatives { .. } => "oneOf",
            Rule::MaxBytes { .. } => "max-bytes",
            Rule::MaxItemsWhere { .. } => "max-items-where",
        }
    }
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rule::Required => f.write_str("required field is missing"),
            Rule::NotNull => {
                f.write_str("null is not allowed (a NaN or infinite number encodes as null)")
            }
            Rule::MaxLength { max, actual } => write!(
                f,
                "{actual} characters, more than the maximum length of {max}"
            ),
            Rule::MinLength { min, actual } => write!(
                f,
                "{actual} characters, less than the minimum length of {min}"
            ),
            Rule::MaxItems { max, actual } => {
                write!(f, "{actual} items, more than the maximum of {max}")
            }
            Rule::MinItems { min, actual } => {
                write!(f, "{actual} items, fewer than the minimum of {min}")
            }
            Rule::Minimum {
                min,
                exclusive,
                actual,
            } => {
                let bound = if *exclusive { "above" } else { "at least" };
                write!(f, "{actual} is out of range: it must be {bound} {min}")
            }
            Rule::Maximum {
                max,
                exclusive,
                actual,
            } => {
                let bound = if *exclusive { "below" } else { "at most" };
                write!(f, "{actual} is out of range: it must be {bound} {max}")
            }
            Rule::DateTime => f.write_str("not an RFC 3339 date-time (years 0000 to 9999)"),
            Rule::Enum { allowed, actual } => write!(
                f,
                "{actual} is not one of the documented values {{{}}}",
                allowed.join(", ")
            ),
            Rule::Not => f.write_str("is what the spec rules out (not)"),
            Rule::NoAlternative { alternatives } => {
                write!(f, "none of the {alternatives} alternatives holds")
            }
            Rule::SeveralAlternatives { matching } => {
                write!(f, "{matching} alternatives hold, where exactly one may")
            }
            Rule::MaxBytes { max, actual } => write!(
                f,
                "{actual} bytes encoded as JSON, more than the maximum of {max}"
            ),
            Rule::MaxItemsWhere {
                property,
                equals,
                max,
                actual,
            } => write!(
                f,
                "{actual} items with {property} = {equals}, more than the maximum of {max}"
            ),
        }
    }
}

impl Violation {
    /// What is wrong, with the limit: `6 items, more than the maximum of 5`.
    pub fn message(&self) -> String {
        self.rule.to_string()
    }
}

impl std::fmt::Display for Violation {
    /// `body `.tags`: 6 items, more than the maximum of 5`; with a documented
    /// rule, ` [rule story-data-size, create-story.v4.txt: "The size ..."]`
    /// after it. For people to read: the values are the accessors'.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let location = match self.location {
            Location::Body => "body",
            Location::PathParameter => "path parameter",
            Location::QueryParameter => "query parameter",
            Location::Header => "header",
        };
        if self.path.is_empty() {
            write!(f, "{location}: {}", self.rule)?;
        } else {
            write!(f, "{location} `")?;
            for c in self.path.chars() {
                if matches!(c, '`' | '\\') {
                    f.write_str("\\")?;
                }
                write!(f, "{c}")?;
            }
            write!(f, "`: {}", self.rule)?;
        }
        if let Some(rule) = &self.documented {
            write!(f, " [rule {}, {}: {:?}]", rule.name, rule.page, rule.quote)?;
        }
        Ok(())
    }
}

/// Every documented rule one request breaks.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Violations {
    pub(crate) operation: &'static str,
    pub(crate) violations: Vec<Violation>,
}

impl Violations {
    /// The operationId, e.g. `createPost`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The broken rules: path parameters first, then the body, ordered by path.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// How many rules the request breaks.
    pub fn len(&self) -> usize {
        self.violations.len()
    }

    /// Whether there are none (never, for a refused request).
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// The broken rules, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.violations.iter()
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.violations.iter()
    }
}

impl std::fmt::Display for Violations {
    /// One line: `createPost request breaks documented rules: ...`, the
    /// violations separated by `; `.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} request breaks documented rules: ", self.operation)?;
        self.write_list(f)
    }
}

impl Violations {
    /// The violations, separated by `; `.
    pub(crate) fn write_list(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Why a request is refused by the checks.
#[derive(Clone, Debug, PartialEq)]
pub enum Refused {
    /// It breaks documented rules.
    Violations(Violations),
    /// Its body cannot be checked.
    Uncheckable(UncheckableBody),
}

/// A body the checker cannot finish walking, so it cannot say the body
/// keeps the documented rules: the request is refused, not sent unchecked.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UncheckableBody {
    /// An object has a key twice (`path` is the key's, e.g. `.data.text`):
    /// which one the service would read is not known.
    DuplicateKey {
        /// The operationId.
        operation: &'static str,
        /// The repeated key's path in the body.
        path: String,
    },
    /// The JSON reader stopped, e.g. at nesting deeper than it reads (128
    /// levels): its message, with the line and column.
    Unreadable {
        /// The operationId.
        operation: &'static str,
        /// The reader's message.
        reason: String,
    },
}

impl std::fmt::Display for UncheckableBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UncheckableBody::DuplicateKey { operation, path } => write!(
                f,
                "{operation}: the body has the key `{path}` twice, so it cannot be checked"
            ),
            UncheckableBody::Unreadable { operation, reason } => write!(
                f,
                "{operation}: the body cannot be checked against the spec: {reason}"
            ),
        }
    }
}

impl std::error::Error for UncheckableBody {}

/// Checks `body`, the JSON of a request to `operation_id` (the spec's
/// `createPost` or progenitor's `create_post`), against `tables`. Operations
/// without a body, and unknown ids, pass.
pub fn check_request(tables: &Tables, operation_id: &str, body: &Value) -> Result<(), Violations> {
    let Some((operation, schema)) = (tables.body_schema)(operation_id) else {
        return Ok(());
    };
    // A `Value` has no duplicate keys, the one thing the walk gives up on.
    let walked = count_then_detail(operation, |report| {
        let _ = walk_root(schema, report, body);
        Ok::<(), std::convert::Infallible>(())
    });
    match walked {
        Ok(checked) => checked,
        Err(never) => match never {},
    }
}

/// Runs `walk` first only counting what it finds, and, when it finds
/// something, again in detail to say what. The first walk's error, if any.
fn count_then_detail<E>(
    operation: &'static str,
    walk: impl Fn(&mut Report) -> Result<(), E>,
) -> Result<Result<(), Violations>, E> {
    let mut report = Report::default();
    walk(&mut report)?;
    if !report.any() {
        return Ok(Ok(()));
    }
    // The same input walks the same way: only the detail differs.
    let mut report = Report::detailed();
    let _ = walk(&mut report);
    Ok(report.finish(operation))
}

/// [`check_request`] on the encoded body, as the client runs it before
/// sending: one pass over the bytes that builds nothing, skipping the parts
/// of the body the spec puts no constraint on (a body found wrong is walked
/// a second time, to say what is wrong). A body the walk cannot finish (a
/// key given twice, nesting deeper than serde_json reads, bytes that are
/// not JSON) is [`Refused::Uncheckable`].
pub fn check_request_json(tables: &Tables, operation_id: &str, body: &[u8]) -> Result<(), Refused> {
    let Some((operation, schema)) = (tables.body_schema)(operation_id) else {
        return Ok(());
    };
    let walk = |report: &mut Report| {
        let mut reader = serde_json::Deserializer::from_slice(body);
        walk_root(schema, report, &mut reader)
            .and_then(|_| reader.end())
            .map_err(|error| (error, report.duplicate_key.take()))
    };
    match count_then_detail(operation, walk) {
        Ok(checked) => checked.map_err(Refused::Violations),
        Err((_, Some(path))) => Err(Refused::Uncheckable(UncheckableBody::DuplicateKey {
            operation,
            path,
        })),
        Err((error, None)) => Err(Refused::Uncheckable(UncheckableBody::Unreadable {
            operation,
            reason: error.to_string(),
        })),
    }
}

/// Checks what the client is about to send to `operation_id`: the path
/// parameters in `url_path` (the URL's path, percent-encoded as sent) and
/// the encoded `body`. This is what the client runs before sending.
pub fn check_request_parts(
    tables: &Tables,
    operation_id: &str,
    url: &reqwest::Url,
    headers: &http::HeaderMap,
    body: Option<&[u8]>,
) -> Result<(), Refused> {
    let mut violations = Vec::new();
    let mut operation = None;
    if let Some((name, template, parameters)) = (tables.path_parameters)(operation_id) {
        operation = Some(name);
        check_path(template, parameters, url.path(), &mut violations);
    }
    if let Some((name, parameters)) = (tables.parameters)(operation_id) {
        operation = Some(name);
        check_query_and_headers(parameters, url, headers, &mut violations);
    }
    if let Some(body) = body {
        match check_request_json(tables, operation_id, body) {
            Ok(()) => {}
            Err(Refused::Violations(found)) => {
                operation = Some(found.operation);
                violations.extend(found.violations);
            }
            Err(uncheckable) => return Err(uncheckable),
        }
    }
    match operation {
        Some(operation) if !violations.is_empty() => Err(Refused::Violations(Violations {
            operation,
            violations,
        })),
        _ => Ok(()),
    }
}

/// The path parameters of a URL path against its template: the template's
/// segments are matched to the path's last ones (the base URL may have a
/// path of its own); a path that does not match is left alone.
fn check_path(
    template: &str,
    parameters: PathParameters,
    url_path: &str,
    out: &mut Vec<Violation>,
) {
    let expected: Vec<&str> = template.trim_matches('/').split('/').collect();
    let actual: Vec<&str> = url_path.trim_end_matches('/').split('/').collect();
    let Some(tail) = actual
        .len()
        .checked_sub(expected.len())
        .map(|start| &actual[start..])
    else {
        return;
    };
    let mut found = Vec::new();
    for (pattern, segment) in expected.iter().zip(tail) {
        match pattern.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) => found.push((name, percent_decode(segment))),
            None if pattern == segment => {}
            None => return,
        }
    }
    for (name, value) in found {
        let Some((name, schema)) = parameters.iter().find(|(p, _)| *p == name) else {
            continue;
        };
        let mut report = Report::detailed();
        let text = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(&value);
        let _ = walk_root(schema, &mut report, text);
        out.extend(report.found.into_iter().map(|(_, v)| Violation {
            location: Location::PathParameter,
            path: (*name).to_owned(),
            ..v
        }));
    }
}

/// The query parameters of `url` and the `headers` against their tables. A
/// query value is read as the spec types it: a number where the table
/// bounds it (`options[limit]`), every repeat of the name where it is an
/// array (`tags=a&tags=b`), else text. An absent parameter passes: a required
/// one is the builder's to refuse.
fn check_query_and_headers(
    parameters: Parameters,
    url: &reqwest::Url,
    headers: &http::HeaderMap,
    out: &mut Vec<Violation>,
) {
    // The query is decoded once, not once a parameter.
    let query: Vec<(Cow<'_, str>, Cow<'_, str>)> = match url.query() {
        Some(_) => url.query_pairs().collect(),
        None => Vec::new(),
    };
    for (name, location, schema) in parameters {
        let values: Vec<&str> = match location {
            Location::Header => headers
                .get_all(*name)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect(),
            _ => query
                .iter()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| value.as_ref())
                .collect(),
        };
        if values.is_empty() {
            continue;
        }
        let is_array =
            schema.items.is_some() || schema.max_items.is_some() || schema.min_items.is_some();
        let value = if is_array {
            Value::Array(
                values
                    .iter()
                    .map(|v| parameter_value(schema.items, v))
                    .collect(),
            )
        } else {
            parameter_value(Some(schema), values[0])
        };
        let mut report = Report::detailed();
        let _ = walk_root(schema, &mut report, &value);
        out.extend(report.found.into_iter().map(|(_, v)| Violation {
            location: *location,
            path: format!("{name}{}", v.path),
            ..v
        }));
    }
}

/// A parameter's text as the JSON value its table checks: a number where
/// the table has numeric bounds and the text is one, else the text.
fn parameter_value(schema: Option<&Schema>, text: &str) -> Value {
    let numeric = schema.is_some_and(|s| s.minimum.is_some() || s.maximum.is_some());
    if numeric {
        if let Ok(integer) = text.parse::<i64>() {
            return Value::from(integer);
        }
        if let Some(number) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(number);
        }
    }
    Value::String(text.to_owned())
}

/// `%2F` -> `/`; invalid escapes and non-UTF-8 results are kept as they are.
fn percent_decode(segment: &str) -> Cow<'_, str> {
    if !segment.contains('%') {
        return Cow::Borrowed(segment);
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(text) => Cow::Owned(text),
        Err(_) => Cow::Borrowed(segment),
    }
}

/// One spec's tables, as a generated `validation` module hands them to the
/// functions here: three lookups by operationId, each a `match` over the
/// spec's operations that accepts the spec's `createPost` and progenitor's
/// `create_post`.
pub struct Tables {
    /// The body schema of an operation, with the spec's operationId.
    pub body_schema: fn(&str) -> Option<(&'static str, &'static Schema)>,
    /// The path template of an operation (with the spec's operationId) and
    /// its path parameters that have something to check.
    pub path_parameters: fn(&str) -> Option<(&'static str, &'static str, PathParameters)>,
    /// The query and header parameters of an operation that have something
    /// to check, with the spec's operationId.
    pub parameters: fn(&str) -> Option<(&'static str, Parameters)>,
}

/// The query and header parameters of an operation that have something to
/// check: each with its name on the wire (`options[limit]`), where it goes
/// ([`Location::QueryParameter`] or [`Location::Header`]) and its table.
pub type Parameters = &'static [(&'static str, Location, &'static Schema)];

/// The path parameters of an operation that have something to check, each
/// with its table.
pub type PathParameters = &'static [(&'static str, &'static Schema)];

/// What the spec says of one JSON value, as far as the checks go. Generated
/// tables leave out what checks nothing, and write only the fields that
/// differ from [`Schema::NONE`].
pub struct Schema {
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// `minLength`, in characters.
    pub min_length: Option<usize>,
    /// `format: date-time`.
    pub date_time: bool,
    /// `maxItems`.
    pub max_items: Option<usize>,
    /// `minItems`.
    pub min_items: Option<usize>,
    /// `minimum`: `(bound, exclusive)`.
    pub minimum: Option<(f64, bool)>,
    /// `maximum`: `(bound, exclusive)`.
    pub maximum: Option<(f64, bool)>,
    /// `enum`, when every value is a string, a number, a boolean or null
    /// (empty: any value).
    pub enum_values: &'static [Literal],
    /// The table of an array's items, if they have something to check.
    pub items: Option<&'static Schema>,
    /// An object's properties that have something to check.
    pub properties: &'static [Property],
    /// `allOf`: every part applies to the same value.
    pub all_of: &'static [&'static Schema],
    /// `anyOf`: at least one alternative holds.
    pub any_of: &'static [&'static Schema],
    /// `oneOf`: exactly one alternative holds.
    pub one_of: &'static [&'static Schema],
    /// `not`: the value must not hold this.
    pub not: Option<&'static Schema>,
    /// `x-rule` `max-bytes`: the value's size encoded as compact JSON.
    pub max_bytes: Option<usize>,
    /// `x-rule` `max-items-where`.
    pub max_items_where: Option<&'static CountedItems>,
    /// `x-rule` with a name: what this schema says is that documented rule,
    /// and what breaks it is reported with it.
    pub rule: Option<&'static DocumentedRule>,
}

impl Schema {
    /// Nothing to check.
    pub const NONE: Schema = Schema {
        max_length: None,
        min_length: None,
        date_time: false,
        max_items: None,
        min_items: None,
        minimum: None,
        maximum: None,
        enum_values: &[],
        items: None,
        properties: &[],
        all_of: &[],
        any_of: &[],
        one_of: &[],
        not: None,
        max_bytes: None,
        max_items_where: None,
        rule: None,
    };

    /// Whether the schema checks the value alone: no other schema applies to
    /// it through this one, and nothing needs the whole value at once.
    fn plain(&self) -> bool {
        self.all_of.is_empty()
            && self.any_of.is_empty()
            && self.one_of.is_empty()
            && self.not.is_none()
            && self.rule.is_none()
            && self.max_bytes.is_none()
            && self.max_items_where.is_none()
    }

    /// Whether an alternative of an `anyOf`/`oneOf` only says when a rule
    /// does not apply (it is a `not`): such an alternative is never the one
    /// reported.
    fn is_condition(&self) -> bool {
        self.not.is_some()
    }
}

/// A property with something to check: required, not nullable, or with a
/// constraint of its own (`schema`).
pub struct Property {
    /// The JSON key.
    pub name: &'static str,
    /// In the schema's `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// The value's table, if it has something to check.
    pub schema: Option<&'static Schema>,
}

/// One value of an `enum`, or the value `max-items-where` counts.
#[derive(Clone, Copy, Debug, PartialEq)]
// A spec need not use every kind of value.
#[allow(dead_code)]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(&'static str),
}

impl Literal {
    fn to_value(self) -> Value {
        match self {
            Literal::Null => Value::Null,
            Literal::Bool(b) => Value::Bool(b),
            Literal::Number(n) => {
                serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
            }
            Literal::String(s) => Value::String(s.to_owned()),
        }
    }

    fn matches(self, value: Scalar<'_>) -> bool {
        match (self, value) {
            (Literal::Bool(a), Scalar::Bool(b)) => a == b,
            (Literal::String(a), Scalar::String(b)) => a == b,
            (Literal::Number(a), _) => value.number() == Some(a),
            _ => false,
        }
    }

    fn matches_value(self, value: &Value) -> bool {
        match (self, value) {
            (Literal::Null, Value::Null) => true,
            (_, Value::Bool(b)) => self.matches(Scalar::Bool(*b)),
            (_, Value::Number(n)) => n.as_f64().is_some_and(|n| self.matches(Scalar::Float(n))),
            (_, Value::String(s)) => self.matches(Scalar::String(s)),
            _ => false,
        }
    }
}

/// `max-items-where`: at most `max` items of an array whose `property`
/// equals `equals`.
pub struct CountedItems {
    /// The items' property, e.g. `type`.
    pub property: &'static str,
    /// The value counted.
    pub equals: Literal,
    /// The limit.
    pub max: usize,
}

/// A scalar value of a request, as the walk sees it.
#[derive(Clone, Copy)]
enum Scalar<'a> {
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    String(&'a str),
}

impl Scalar<'_> {
    fn to_value(self) -> Value {
        match self {
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(n) => Value::from(n),
            Scalar::UInt(n) => Value::from(n),
            Scalar::Float(n) => Value::from(n),
            Scalar::String(s) => Value::String(s.to_owned()),
        }
    }

    fn number(self) -> Option<f64> {
        match self {
            Scalar::Int(n) => Some(n as f64),
            Scalar::UInt(n) => Some(n as f64),
            Scalar::Float(n) => Some(n),
            Scalar::Bool(_) | Scalar::String(_) => None,
        }
    }

    /// Its size as serde_json writes it.
    fn encoded_len(self) -> usize {
        match self {
            Scalar::Bool(b) => encoded_len(&b),
            Scalar::Int(n) => encoded_len(&n),
            Scalar::UInt(n) => encoded_len(&n),
            Scalar::Float(n) => encoded_len(&n),
            Scalar::String(s) => string_len(s),
        }
    }
}

/// What a walk found, each violation with the evaluation (its "sink") it
/// belongs to: 0 is the request's own; each `anyOf`/`oneOf` alternative, each
/// `not` and each documented rule evaluates into a sink of its own, settled
/// into its parent's when the value is walked.
///
/// A first walk only counts (`detailed: false`): alternatives that do not
/// hold are common in a valid body, and saying what breaks them (the path,
/// the values) would cost more than the rest of the check. Only a body found
/// wrong is walked again, in detail.
#[derive(Default)]
struct Report {
    /// The violations, when `detailed`.
    found: Vec<(u32, Violation)>,
    /// How many violations each sink has, when not `detailed`: index = sink.
    counts: Counts,
    /// The last sink handed out.
    sinks: u32,
    /// Whether violations are written out.
    detailed: bool,
    /// The path of a key found twice, which ends the walk.
    duplicate_key: Option<String>,
}

impl Report {
    fn detailed() -> Report {
        Report {
            detailed: true,
            ..Report::default()
        }
    }

    fn sink(&mut self) -> u32 {
        self.sinks += 1;
        self.sinks
    }

    fn push(&mut self, sink: u32, path: &Path<'_>, rule: Rule) {
        self.push_with(sink, path, || rule);
    }

    /// [`Report::push`] for a rule that costs something to make.
    fn push_with(&mut self, sink: u32, path: &Path<'_>, rule: impl FnOnce() -> Rule) {
        if !self.detailed {
            self.counts.add(sink, 1);
            return;
        }
        self.found.push((
            sink,
            Violation {
                location: Location::Body,
                path: path.to_string(),
                rule: rule(),
                documented: None,
            },
        ));
    }

    fn count(&self, sink: u32) -> usize {
        if !self.detailed {
            return self.counts.get(sink) as usize;
        }
        self.found.iter().filter(|(s, _)| *s == sink).count()
    }

    /// Whether anything was found.
    fn any(&self) -> bool {
        if self.detailed {
            !self.found.is_empty()
        } else {
            self.counts.any()
        }
    }

    /// Moves what `from` found to `to`, with `rule` on what has none.
    fn settle_into(&mut self, from: u32, to: u32, rule: Option<&DocumentedRule>) {
        if !self.detailed {
            let n = self.counts.get(from);
            self.counts.set(from, 0);
            self.counts.add(to, n);
            return;
        }
        for (at, violation) in &mut self.found {
            if *at == from {
                *at = to;
                if let Some(rule) = rule {
                    violation.documented.get_or_insert_with(|| rule.clone());
                }
            }
        }
    }

    /// Forgets what the sinks in `sinks` found.
    fn clear(&mut self, sinks: std::ops::Range<u32>) {
        if !self.detailed {
            for sink in sinks {
                self.counts.set(sink, 0);
            }
            return;
        }
        self.found.retain(|(at, _)| !sinks.contains(at));
    }

    fn finish(self, operation: &'static str) -> Result<(), Violations> {
        if self.found.is_empty() {
            return Ok(());
        }
        let mut violations: Vec<Violation> = self.found.into_iter().map(|(_, v)| v).collect();
        // The same order whichever order the body's keys came in.
        violations.sort_by(|a, b| a.path.cmp(&b.path));
        Err(Violations {
            operation,
            violations,
        })
    }
}

/// A count per sink, on the stack for the first sinks.
#[derive(Default)]
struct Counts {
    inline: [u32; 32],
    more: Vec<u32>,
}

impl Counts {
    fn get(&self, sink: u32) -> u32 {
        let i = sink as usize;
        match self.inline.get(i) {
            Some(n) => *n,
            None => self.more.get(i - self.inline.len()).copied().unwrap_or(0),
        }
    }

    fn set(&mut self, sink: u32, n: u32) {
        let i = sink as usize;
        if let Some(slot) = self.inline.get_mut(i) {
            *slot = n;
            return;
        }
        let i = i - self.inline.len();
        if self.more.len() <= i {
            self.more.resize(i + 1, 0);
        }
        self.more[i] = n;
    }

    fn add(&mut self, sink: u32, n: u32) {
        self.set(sink, self.get(sink) + n);
    }

    fn any(&self) -> bool {
        self.inline.iter().chain(&self.more).any(|n| *n > 0)
    }
}

/// A schema that applies to the value being walked, and where what it finds
/// goes.
#[derive(Clone, Copy)]
struct Check {
    schema: &'static Schema,
    sink: u32,
}

/// A placeholder for the unused slots of a [`Few`].
const NO_CHECK: Check = Check {
    schema: &Schema::NONE,
    sink: 0,
};

/// A short list kept on the stack (most values have a few schemas), on the
/// heap past `N` items.
struct Few<T: Copy, const N: usize> {
    len: usize,
    inline: [T; N],
    more: Vec<T>,
}

impl<T: Copy, const N: usize> Few<T, N> {
    fn new(fill: T) -> Few<T, N> {
        Few {
            len: 0,
            inline: [fill; N],
            more: Vec::new(),
        }
    }

    fn push(&mut self, item: T) {
        if self.len < N {
            self.inline[self.len] = item;
        } else {
            if self.more.is_empty() {
                self.more.extend_from_slice(&self.inline);
            }
            self.more.push(item);
        }
        self.len += 1;
    }

    fn as_slice(&self) -> &[T] {
        if self.len <= N {
            &self.inline[..self.len]
        } else {
            &self.more
        }
    }

    fn as_mut_slice(&mut self) -> &mut [T] {
        if self.len <= N {
            &mut self.inline[..self.len]
        } else {
            &mut self.more
        }
    }
}

/// An evaluation settled after the value is walked.
enum Group {
    /// A documented rule: its violations are its parent's, with the rule.
    Rule {
        parent: u32,
        sink: u32,
        rule: &'static DocumentedRule,
    },
    /// `not`: a violation of the parent when its sink found nothing.
    Not { parent: u32, sink: u32 },
    /// `anyOf` (`one: false`) or `oneOf`: the alternatives' sinks are
    /// `first..first + alternatives.len()`.
    Alternatives {
        parent: u32,
        first: u32,
        alternatives: &'static [&'static Schema],
        one: bool,
    },
}

/// Adds `check` to `checks`, with every schema that applies to the same value
/// through it (`allOf` parts, `anyOf`/`oneOf` alternatives, `not`), each
/// evaluation that is settled later in `groups`.
fn expand(mut check: Check, report: &mut Report, checks: &mut Vec<Check>, groups: &mut Vec<Group>) {
    let schema = check.schema;
    if let Some(rule) = schema.rule {
        let sink = report.sink();
        groups.push(Group::Rule {
            parent: check.sink,
            sink,
            rule,
        });
        check.sink = sink;
    }
    checks.push(check);
    for part in schema.all_of {
        expand(
            Check {
                schema: part,
                sink: check.sink,
            },
            report,
            checks,
            groups,
        );
    }
    for (alternatives, one) in [(schema.any_of, false), (schema.one_of, true)] {
        if alternatives.is_empty() {
            continue;
        }
        let first = report.sinks + 1;
        report.sinks += alternatives.len() as u32;
        groups.push(Group::Alternatives {
            parent: check.sink,
            first,
            alternatives,
            one,
        });
        for (i, alternative) in alternatives.iter().enumerate() {
            let sink = first + i as u32;
            expand(
                Check {
                    schema: alternative,
                    sink,
                },
                report,
                checks,
                groups,
            );
        }
    }
    if let Some(not) = schema.not {
        let sink = report.sink();
        groups.push(Group::Not {
            parent: check.sink,
            sink,
        });
        expand(Check { schema: not, sink }, report, checks, groups);
    }
}

/// Settles `groups` (created outermost first) into their parents' sinks.
fn settle(report: &mut Report, groups: &[Group], path: &Path<'_>) {
    for group in groups.iter().rev() {
        match *group {
            Group::Rule { parent, sink, rule } => report.settle_into(sink, parent, Some(rule)),
            Group::Not { parent, sink } => {
                let held = report.count(sink) == 0;
                report.clear(sink..sink + 1);
                if held {
                    report.push(parent, path, Rule::Not);
                }
            }
            Group::Alternatives {
                parent,
                first,
                alternatives,
                one,
            } => {
                let sinks = first..first + alternatives.len() as u32;
                let holding = sinks.clone().filter(|s| report.count(*s) == 0).count();
                let outcome = match (one, holding) {
                    (false, 1..) | (true, 1) => None,
                    (true, 2..) => Some(Rule::SeveralAlternatives { matching: holding }),
                    (_, 0) => {
                        // The alternative closest to holding, of those that
                        // say what the request must have, is the one meant.
                        let closest = alternatives
                            .iter()
                            .zip(sinks.clone())
                            .filter(|(alternative, _)| !alternative.is_condition())
                            .min_by_key(|(_, sink)| report.count(*sink));
                        match closest {
                            Some((_, meant)) => {
                                report.settle_into(meant, parent, None);
                                None
                            }
                            None => Some(Rule::NoAlternative {
                                alternatives: alternatives.len(),
                            }),
                        }
                    }
                };
                report.clear(sinks);
                if let Some(rule) = outcome {
                    report.push(parent, path, rule);
                }
            }
        }
    }
}

/// Checks one value against the schemas that apply to it, as serde hands it
/// over.
struct Walk<'a> {
    checks: &'a [Check],
    path: &'a Path<'a>,
    report: &'a mut Report,
    /// Whether the value's encoded size is wanted (a `max-bytes` above).
    measure: bool,
}

/// What a walk saw of a value: whether it was `null` (for `required` and
/// non-nullable fields) and, when measured, its size encoded as compact JSON.
struct Walked {
    seen: Seen,
    size: usize,
}

#[derive(PartialEq)]
enum Seen {
    Null,
    Value,
}

/// The error a walk ends with on a repeated object key (the report says
/// which: `Report::duplicate_key`).
const DUPLICATE_KEY: &str = "duplicate key";

/// Walks a request body (or a parameter) against its schema.
fn walk_root<'de, D: Deserializer<'de>>(
    schema: &'static Schema,
    report: &mut Report,
    value: D,
) -> Result<Walked, D::Error> {
    let root = [Check { schema, sink: 0 }];
    Walk {
        checks: &root,
        path: &Path::Body,
        report,
        measure: false,
    }
    .deserialize(value)
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = Walked;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Walked, D::Error> {
        let Walk {
            checks,
            path,
            report,
            measure,
        } = self;
        if checks.is_empty() && !measure {
            // Only whether it is `null` matters: the rest is skipped unread.
            return deserializer.deserialize_option(NullOrSkip);
        }
        if checks.iter().all(|check| check.schema.plain()) {
            return deserializer.deserialize_any(Visit {
                checks,
                path,
                report,
                measure,
            });
        }
        let mut expanded = Vec::with_capacity(32);
        let mut groups = Vec::with_capacity(16);
        for check in checks {
            expand(*check, report, &mut expanded, &mut groups);
        }
        let measure = measure || expanded.iter().any(|c| c.schema.max_bytes.is_some());
        let counted = expanded.iter().any(|c| c.schema.max_items_where.is_some());
        let walked = if counted {
            // Counting items needs each whole: read the value once, then walk
            // it (a walk of a `Value` cannot fail).
            let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
            let walked = (&value)
                .deserialize_any(Visit {
                    checks: &expanded,
                    path,
                    report,
                    measure,
                })
                .unwrap_or(Walked {
                    seen: Seen::Value,
                    size: 0,
                });
            for check in &expanded {
                if let Some(counted) = check.schema.max_items_where {
                    count_items(&value, counted, check.sink, path, report);
                }
            }
            walked
        } else {
            deserializer.deserialize_any(Visit {
                checks: &expanded,
                path,
                report,
                measure,
            })?
        };
        for check in &expanded {
            if let Some(max) = check.schema.max_bytes
                && walked.size > max
            {
                report.push(
                    check.sink,
                    path,
                    Rule::MaxBytes {
                        max,
                        actual: walked.size,
                    },
                );
            }
        }
        settle(report, &groups, path);
        Ok(walked)
    }
}

/// Tells `null` from anything else, skipping the latter unread (serde_json
/// neither copies nor checks the UTF-8 of a string it skips).
struct NullOrSkip;

impl<'de> Visitor<'de> for NullOrSkip {
    type Value = Walked;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_none<E>(self) -> Result<Walked, E> {
        Ok(Walked {
            seen: Seen::Null,
            size: 4,
        })
    }
    fn visit_unit<E>(self) -> Result<Walked, E> {
        Ok(Walked {
            seen: Seen::Null,
            size: 4,
        })
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Walked, D::Error> {
        IgnoredAny::deserialize(deserializer)?;
        Ok(Walked {
            seen: Seen::Value,
            size: 0,
        })
    }
}

/// `max-items-where` on a whole value.
fn count_items(
    value: &Value,
    counted: &CountedItems,
    sink: u32,
    path: &Path<'_>,
    report: &mut Report,
) {
    let Value::Array(items) = value else {
        return;
    };
    let actual = items
        .iter()
        .filter(|item| {
            item.get(counted.property)
                .is_some_and(|v| counted.equals.matches_value(v))
        })
        .count();
    if actual > counted.max {
        report.push_with(sink, path, || Rule::MaxItemsWhere {
            property: counted.property.to_owned(),
            equals: counted.equals.to_value().to_string(),
            max: counted.max,
            actual,
        });
    }
}

/// The visitor of one value, with every schema that applies to it.
struct Visit<'a> {
    checks: &'a [Check],
    path: &'a Path<'a>,
    report: &'a mut Report,
    measure: bool,
}

/// Counts the bytes written to it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0 += bytes.len();
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The size of a string as serde_json writes it: quoted, with `"`, `\\` and
/// control characters escaped (two bytes for the short escapes, six for
/// `\\u00XX`).
fn string_len(text: &str) -> usize {
    let plain = |b: &u8| *b >= 0x20 && *b != b'"' && *b != b'\\';
    if text.as_bytes().iter().all(plain) {
        return text.len() + 2;
    }
    let escaped: usize = text
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum();
    escaped + 2
}

/// The size of `value` as serde_json writes it.
fn encoded_len<T: serde::Serialize + ?Sized>(value: &T) -> usize {
    let mut counter = Counter(0);
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

impl Visit<'_> {
    fn scalar(&mut self, value: Scalar<'_>) -> Walked {
        for check in self.checks {
            let schema = check.schema;
            if let Some(number) = value.number() {
                if let Some((min, exclusive)) = schema.minimum
                    && (number < min || (exclusive && number == min))
                {
                    let rule = Rule::Minimum {
                        min,
                        exclusive,
                        actual: number,
                    };
                    self.report.push(check.sink, self.path, rule);
                }
                if let Some((max, exclusive)) = schema.maximum
                    && (number > max || (exclusive && number == max))
                {
                    let rule = Rule::Maximum {
                        max,
                        exclusive,
                        actual: number,
                    };
                    self.report.push(check.sink, self.path, rule);
                }
            }
            if let Scalar::String(text) = value {
                if schema.max_length.is_some() || schema.min_length.is_some() {
                    let length = text.chars().count();
                    if let Some(max) = schema.max_length.filter(|max| length > *max) {
                        let rule = Rule::MaxLength {
                            max,
                            actual: length,
                        };
                        self.report.push(check.sink, self.path, rule);
                    }
                    if let Some(min) = schema.min_length.filter(|min| length < *min) {
                        let rule = Rule::MinLength {
                            min,
                            actual: length,
                        };
                        self.report.push(check.sink, self.path, rule);
                    }
                }
                if schema.date_time && chrono::DateTime::parse_from_rfc3339(text).is_err() {
                    self.report.push(check.sink, self.path, Rule::DateTime);
                }
            }
            if !schema.enum_values.is_empty()
                && !schema.enum_values.iter().any(|known| known.matches(value))
            {
                self.report.push_with(check.sink, self.path, || Rule::Enum {
                    allowed: schema
                        .enum_values
                        .iter()
                        .map(|known| known.to_value().to_string())
                        .collect(),
                    actual: value.to_value().to_string(),
                });
            }
        }
        let size = if self.measure { value.encoded_len() } else { 0 };
        Walked {
            seen: Seen::Value,
            size,
        }
    }
}

impl<'de> Visitor<'de> for Visit<'_> {
    type Value = Walked;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Walked, E> {
        Ok(Walked {
            seen: Seen::Null,
            size: 4,
        })
    }
    fn visit_none<E>(self) -> Result<Walked, E> {
        Ok(Walked {
            seen: Seen::Null,
            size: 4,
        })
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Walked, D::Error> {
        Walk {
            checks: self.checks,
            path: self.path,
            report: self.report,
            measure: self.measure,
        }
        .deserialize(deserializer)
    }
    fn visit_bool<E>(mut self, b: bool) -> Result<Walked, E> {
        Ok(self.scalar(Scalar::Bool(b)))
    }
    fn visit_i64<E>(mut self, n: i64) -> Result<Walked, E> {
        Ok(self.scalar(Scalar::Int(n)))
    }
    fn visit_u64<E>(mut self, n: u64) -> Result<Walked, E> {
        Ok(self.scalar(Scalar::UInt(n)))
    }
    fn visit_f64<E>(mut self, n: f64) -> Result<Walked, E> {
        Ok(self.scalar(Scalar::Float(n)))
    }
    fn visit_str<E>(mut self, text: &str) -> Result<Walked, E> {
        Ok(self.scalar(Scalar::String(text)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Walked, A::Error> {
        let Visit {
            checks,
            path,
            report,
            measure,
        } = self;
        let mut items = Few::<_, 4>::new(NO_CHECK);
        for check in checks {
            if let Some(schema) = check.schema.items {
                items.push(Check {
                    schema,
                    sink: check.sink,
                });
            }
        }
        let (mut count, mut size) = (0, 2);
        loop {
            let next = if items.len == 0 && !measure {
                seq.next_element::<IgnoredAny>()?.map(|_| 0)
            } else {
                seq.next_element_seed(Walk {
                    checks: items.as_slice(),
                    path: &Path::Index(path, count),
                    report: &mut *report,
                    measure,
                })?
                .map(|walked| walked.size)
            };
            let Some(item) = next else { break };
            size += item + usize::from(count > 0);
            count += 1;
        }
        for check in checks {
            if let Some(max) = check.schema.max_items.filter(|max| count > *max) {
                report.push(check.sink, path, Rule::MaxItems { max, actual: count });
            }
            if let Some(min) = check.schema.min_items.filter(|min| count < *min) {
                report.push(check.sink, path, Rule::MinItems { min, actual: count });
            }
        }
        Ok(Walked {
            seen: Seen::Value,
            size,
        })
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Walked, A::Error> {
        let Visit {
            checks,
            path,
            report,
            measure,
        } = self;
        // For each check, bit `i`: its property `i` was present / was `null`.
        let mut bits = Few::<_, 16>::new((0u128, 0u128));
        // The checks that name properties: the only ones a key can concern.
        // Each with the bits (`key_bit`) of its property names, to pass over
        // a check at once for most keys it does not have.
        let mut named = Few::<(usize, u64), 16>::new((0, 0));
        for (c, check) in checks.iter().enumerate() {
            bits.push((0, 0));
            if !check.schema.properties.is_empty() {
                let mask = check
                    .schema
                    .properties
                    .iter()
                    .fold(0, |mask, p| mask | key_bit(p.name));
                named.push((c, mask));
            }
        }
        let mut size = 2;
        let mut first = true;
        while let Some(Key(key)) = map.next_key()? {
            if measure {
                size += string_len(&key) + 1 + usize::from(!first);
                first = false;
            }
            // The checks that have this property: (check, property) indices.
            let mut matched = Few::<_, 8>::new((0usize, 0usize));
            let mut values = Few::<_, 8>::new(NO_CHECK);
            let mut name = "";
            let bit = key_bit(&key);
            for &(c, mask) in named.as_slice() {
                if mask & bit == 0 {
                    continue;
                }
                let check = &checks[c];
                let Some(p) = check
                    .schema
                    .properties
                    .iter()
                    .position(|p| same_key(p.name, &key))
                else {
                    continue;
                };
                let bit = 1u128 << p;
                let seen = &mut bits.as_mut_slice()[c].0;
                if *seen & bit != 0 {
                    report.duplicate_key =
                        Some(Path::Field(path, check.schema.properties[p].name).to_string());
                    return Err(A::Error::custom(DUPLICATE_KEY));
                }
                *seen |= bit;
                let property = &check.schema.properties[p];
                name = property.name;
                matched.push((c, p));
                if let Some(schema) = property.schema {
                    values.push(Check {
                        schema,
                        sink: check.sink,
                    });
                }
            }
            if matched.len == 0 && !measure {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let field = Path::Field(path, name);
            let walked = map.next_value_seed(Walk {
                checks: values.as_slice(),
                path: &field,
                report: &mut *report,
                measure,
            })?;
            size += walked.size;
            if walked.seen == Seen::Null {
                for &(c, p) in matched.as_slice() {
                    bits.as_mut_slice()[c].1 |= 1u128 << p;
                    if !checks[c].schema.properties[p].nullable {
                        report.push(checks[c].sink, &field, Rule::NotNull);
                    }
                }
            }
        }
        for (check, (present, null)) in checks.iter().zip(bits.as_slice()) {
            for (index, property) in check.schema.properties.iter().enumerate() {
                let bit = 1u128 << index;
                if property.required && (present & bit == 0 || null & bit != 0) {
                    report.push(
                        check.sink,
                        &Path::Field(path, property.name),
                        Rule::Required,
                    );
                }
            }
        }
        Ok(Walked {
            seen: Seen::Value,
            size,
        })
    }
}

/// One of 64 bits for a property name, from its length and its first and
/// last bytes.
#[inline]
fn key_bit(name: &str) -> u64 {
    let bytes = name.as_bytes();
    let (first, last) = (bytes.first().copied(), bytes.last().copied());
    let hash = bytes.len() * 7 + first.unwrap_or(0) as usize + 3 * last.unwrap_or(0) as usize;
    1 << (hash % 64)
}

/// `name == key`, the common mismatch (length, first byte) ruled out before
/// comparing the bytes.
#[inline]
fn same_key(name: &str, key: &str) -> bool {
    name.len() == key.len() && name.as_bytes().first() == key.as_bytes().first() && name == key
}

/// Where a value sits in the body, built as the walk descends and printed
/// only when a violation is found.
enum Path<'a> {
    Body,
    Field(&'a Path<'a>, &'static str),
    Index(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Body => Ok(()),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }
    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }
}

#[cfg(test)]
#[path = "validate/tests.rs"]
mod tests;
