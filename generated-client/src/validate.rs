//! Request validation: the spec's documented constraints on a request, checked
//! before it is sent. Codegen writes the data, one static table per request
//! schema and three lookups by operation (the generated `validation` module);
//! this module is the rest: the report types ([`Violations`], [`Violation`],
//! [`Rule`], [`Location`]), the types of the tables ([`Schema`], [`Property`],
//! [`PathParameters`], [`Tables`]) and one interpreter that walks a body
//! alongside its table as serde reads it, from bytes or from a
//! `serde_json::Value`; also the path parameters, checked in the URL as sent.
//!
//! A refusal is [`Violations`] of typed [`Rule`]s whose `Display` text reads
//! back ([`parse_violations`], `Violations::parse`), since progenitor's
//! `Error::InvalidRequest` carries only a string.
//!
//! Nothing here names a spec: every entry point takes the spec's [`Tables`],
//! so one copy of this module serves any number of generated modules (the
//! corpus check compiles one per spec against it).

use std::borrow::Cow;

use serde::de::{
    DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

/// One documented rule a request breaks.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Which part of the request.
    pub location: Location,
    /// Where in it: a path into the body (`.tags`, `.mentionees[0].userIds`,
    /// empty for the whole body) or a parameter's name (`postId`).
    pub path: String,
    /// The rule, with its limit and what the request had.
    pub rule: Rule,
}

/// The part of a request a [`Violation`] is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// The JSON body.
    Body,
    /// A parameter in the URL path.
    PathParameter,
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
        }
    }
}

impl std::str::FromStr for Rule {
    type Err = ();

    /// The inverse of `Display`.
    fn from_str(text: &str) -> Result<Rule, ()> {
        fn two<A: std::str::FromStr, B: std::str::FromStr>(
            text: &str,
            middle: &str,
            end: &str,
        ) -> Option<(A, B)> {
            let (a, rest) = text.split_once(middle)?;
            let b = if end.is_empty() {
                rest
            } else {
                rest.strip_suffix(end)?
            };
            Some((a.parse().ok()?, b.parse().ok()?))
        }
        let rule = match text {
            "required field is missing" => Some(Rule::Required),
            "null is not allowed (a NaN or infinite number encodes as null)" => Some(Rule::NotNull),
            "not an RFC 3339 date-time (years 0000 to 9999)" => Some(Rule::DateTime),
            _ => None,
        };
        let rule = rule
            .or_else(|| {
                two(text, " characters, more than the maximum length of ", "")
                    .map(|(actual, max)| Rule::MaxLength { max, actual })
            })
            .or_else(|| {
                two(text, " characters, less than the minimum length of ", "")
                    .map(|(actual, min)| Rule::MinLength { min, actual })
            })
            .or_else(|| {
                two(text, " items, more than the maximum of ", "")
                    .map(|(actual, max)| Rule::MaxItems { max, actual })
            })
            .or_else(|| {
                two(text, " items, fewer than the minimum of ", "")
                    .map(|(actual, min)| Rule::MinItems { min, actual })
            })
            .or_else(|| {
                two(text, " is out of range: it must be at least ", "").map(|(actual, min)| {
                    Rule::Minimum {
                        min,
                        exclusive: false,
                        actual,
                    }
                })
            })
            .or_else(|| {
                two(text, " is out of range: it must be above ", "").map(|(actual, min)| {
                    Rule::Minimum {
                        min,
                        exclusive: true,
                        actual,
                    }
                })
            })
            .or_else(|| {
                two(text, " is out of range: it must be at most ", "").map(|(actual, max)| {
                    Rule::Maximum {
                        max,
                        exclusive: false,
                        actual,
                    }
                })
            })
            .or_else(|| {
                two(text, " is out of range: it must be below ", "").map(|(actual, max)| {
                    Rule::Maximum {
                        max,
                        exclusive: true,
                        actual,
                    }
                })
            });
        rule.ok_or(())
    }
}

impl Violation {
    /// What is wrong, with the limit: `6 items, more than the maximum of 5`.
    pub fn message(&self) -> String {
        self.rule.to_string()
    }
}

impl std::fmt::Display for Violation {
    /// `body `.tags`: 6 items, more than the maximum of 5`. In the path, a
    /// backtick or a backslash (possible in a property name) is escaped with
    /// a backslash, so the text reads back unambiguously.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let location = match self.location {
            Location::Body => "body",
            Location::PathParameter => "path parameter",
        };
        if self.path.is_empty() {
            return write!(f, "{location}: {}", self.rule);
        }
        write!(f, "{location} `")?;
        for c in self.path.chars() {
            if matches!(c, '`' | '\\') {
                f.write_str("\\")?;
            }
            write!(f, "{c}")?;
        }
        write!(f, "`: {}", self.rule)
    }
}

impl Violation {
    /// Reads one violation from the start of `text` (as `Display` writes
    /// it), up to the `; ` before the next one; returns it and the rest.
    fn read(text: &str) -> Option<(Violation, &str)> {
        let (location, rest) = if let Some(rest) = text.strip_prefix("body") {
            (Location::Body, rest)
        } else {
            (
                Location::PathParameter,
                text.strip_prefix("path parameter")?,
            )
        };
        let mut path = String::new();
        let rest = match rest.strip_prefix(": ") {
            Some(rest) => rest,
            None => {
                let quoted = rest.strip_prefix(" `")?;
                let mut chars = quoted.char_indices();
                let end = loop {
                    match chars.next()? {
                        (_, '\\') => path.push(chars.next()?.1),
                        (at, '`') => break at,
                        (_, c) => path.push(c),
                    }
                };
                quoted[end..].strip_prefix("`: ")?
            }
        };
        // A rule's text has no semicolon.
        let (rule, rest) = rest.split_once("; ").unwrap_or((rest, ""));
        Some((
            Violation {
                location,
                path,
                rule: rule.parse().ok()?,
            },
            rest,
        ))
    }
}

impl std::str::FromStr for Violation {
    type Err = ();

    /// The inverse of `Display`.
    fn from_str(text: &str) -> Result<Violation, ()> {
        match Violation::read(text) {
            Some((violation, "")) => Ok(violation),
            _ => Err(()),
        }
    }
}

/// Every documented rule one request breaks.
#[derive(Clone, Debug, PartialEq)]
pub struct Violations {
    /// The operationId, e.g. `createPost`.
    pub operation: &'static str,
    /// The broken rules: path parameters first, then the body, ordered by path.
    pub violations: Vec<Violation>,
}

/// What [`Violations`]' `Display` puts between the operation and the list.
const BREAKS: &str = " request breaks documented rules: ";

impl std::fmt::Display for Violations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{BREAKS}", self.operation)?;
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

/// Reads back the text of `Error::InvalidRequest` that a refused request
/// carries (the `Display` of a [`Violations`]); `None` for any other text.
/// The operation must be one of `tables`' spec. `Violations::parse` is this
/// with the including crate's tables.
pub fn parse_violations(tables: &Tables, text: &str) -> Option<Violations> {
    let (operation, mut list) = text.split_once(BREAKS)?;
    let operation = (tables.operation_name)(operation)?;
    let mut violations = Vec::new();
    while !list.is_empty() {
        let (violation, rest) = Violation::read(list)?;
        violations.push(violation);
        list = rest;
    }
    if violations.is_empty() {
        return None;
    }
    Some(Violations {
        operation,
        violations,
    })
}

/// Checks `body`, the JSON of a request to `operation_id` (the spec's
/// `createPost` or progenitor's `create_post`), against `tables`. Operations
/// without a body, and unknown ids, pass.
pub fn check_request(tables: &Tables, operation_id: &str, body: &Value) -> Result<(), Violations> {
    let Some((operation, schema)) = (tables.body_schema)(operation_id) else {
        return Ok(());
    };
    let mut violations = Vec::new();
    // A `Value` has no duplicate keys, the one thing the walk gives up on.
    let _ = Walk {
        schema,
        path: &Path::Body,
        out: &mut violations,
    }
    .deserialize(body);
    report(operation, violations)
}

/// [`check_request`] on the encoded body, as the client runs it before
/// sending: one pass over the bytes that builds nothing, skipping the parts
/// of the body the spec puts no constraint on. Bytes that are not JSON pass:
/// they are not a body this client encoded, and the service judges them.
pub fn check_request_json(
    tables: &Tables,
    operation_id: &str,
    body: &[u8],
) -> Result<(), Violations> {
    let Some((operation, schema)) = (tables.body_schema)(operation_id) else {
        return Ok(());
    };
    let mut violations = Vec::new();
    let mut reader = serde_json::Deserializer::from_slice(body);
    let walked = Walk {
        schema,
        path: &Path::Body,
        out: &mut violations,
    }
    .deserialize(&mut reader)
    .and_then(|_| reader.end());
    match walked {
        Ok(()) => report(operation, violations),
        // A repeated key counts as serde_json reads it: the last one wins.
        Err(error) if error.to_string().starts_with(DUPLICATE_KEY) => {
            match serde_json::from_slice::<Value>(body) {
                Ok(value) => check_request(tables, operation_id, &value),
                Err(_) => Ok(()),
            }
        }
        Err(_) => Ok(()),
    }
}

fn report(operation: &'static str, mut violations: Vec<Violation>) -> Result<(), Violations> {
    if violations.is_empty() {
        return Ok(());
    }
    // The same order whichever order the body's keys came in.
    violations.sort_by(|a, b| a.path.cmp(&b.path));
    Err(Violations {
        operation,
        violations,
    })
}

/// Checks what the client is about to send to `operation_id`: the path
/// parameters in `url_path` (the URL's path, percent-encoded as sent) and
/// the encoded `body`. This is what the client runs before sending.
pub fn check_request_parts(
    tables: &Tables,
    operation_id: &str,
    url_path: &str,
    body: Option<&[u8]>,
) -> Result<(), Violations> {
    let mut violations = Vec::new();
    let mut operation = None;
    if let Some((name, template, parameters)) = (tables.path_parameters)(operation_id) {
        operation = Some(name);
        check_path(template, parameters, url_path, &mut violations);
    }
    if let Some(body) = body {
        match check_request_json(tables, operation_id, body) {
            Ok(()) => {}
            Err(found) => {
                operation = Some(found.operation);
                violations.extend(found.violations);
            }
        }
    }
    match operation {
        Some(operation) if !violations.is_empty() => Err(Violations {
            operation,
            violations,
        }),
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
        let mut rules = Vec::new();
        let mut walk = Walk {
            schema,
            path: &Path::Body,
            out: &mut rules,
        };
        walk.text(&value);
        out.extend(rules.into_iter().map(|v| Violation {
            location: Location::PathParameter,
            path: (*name).to_owned(),
            rule: v.rule,
        }));
    }
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
    /// The spec's operationId.
    pub operation_name: fn(&str) -> Option<&'static str>,
}

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
    /// The table of an array's items, if they have something to check.
    pub items: Option<&'static Schema>,
    /// An object's properties that have something to check.
    pub properties: &'static [Property],
    /// `allOf`: every part applies to the same value.
    pub all_of: &'static [&'static Schema],
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
        items: None,
        properties: &[],
        all_of: &[],
    };
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

/// The interpreter: checks one value against `schema` as serde hands it over.
struct Walk<'a> {
    schema: &'static Schema,
    path: &'a Path<'a>,
    out: &'a mut Vec<Violation>,
}

/// Whether the walked value was `null` (for `required` and non-nullable
/// fields).
#[derive(PartialEq)]
enum Seen {
    Null,
    Value,
}

/// The error a walk ends with on a repeated object key.
const DUPLICATE_KEY: &str = "duplicate key";

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = Seen;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Seen, D::Error> {
        if self.schema.all_of.is_empty() {
            return deserializer.deserialize_any(self);
        }
        // Several schemas on one value: read it once, then walk it with each
        // (a walk of a `Value` cannot fail).
        let value = <Value as serde::Deserialize>::deserialize(deserializer)?;
        let seen = (&value)
            .deserialize_any(Walk {
                schema: self.schema,
                path: self.path,
                out: &mut *self.out,
            })
            .unwrap_or(Seen::Value);
        for part in self.schema.all_of {
            let _ = Walk {
                schema: part,
                path: self.path,
                out: &mut *self.out,
            }
            .deserialize(&value);
        }
        Ok(seen)
    }
}

impl Walk<'_> {
    fn push(&mut self, path: &Path<'_>, rule: Rule) {
        self.out.push(Violation {
            location: Location::Body,
            path: path.to_string(),
            rule,
        });
    }

    fn number(&mut self, number: f64) {
        if let Some((min, exclusive)) = self.schema.minimum
            && (number < min || (exclusive && number == min))
        {
            self.push(
                self.path,
                Rule::Minimum {
                    min,
                    exclusive,
                    actual: number,
                },
            );
        }
        if let Some((max, exclusive)) = self.schema.maximum
            && (number > max || (exclusive && number == max))
        {
            self.push(
                self.path,
                Rule::Maximum {
                    max,
                    exclusive,
                    actual: number,
                },
            );
        }
    }

    fn text(&mut self, text: &str) {
        if self.schema.max_length.is_some() || self.schema.min_length.is_some() {
            let length = text.chars().count();
            if let Some(max) = self.schema.max_length.filter(|max| length > *max) {
                self.push(
                    self.path,
                    Rule::MaxLength {
                        max,
                        actual: length,
                    },
                );
            }
            if let Some(min) = self.schema.min_length.filter(|min| length < *min) {
                self.push(
                    self.path,
                    Rule::MinLength {
                        min,
                        actual: length,
                    },
                );
            }
        }
        if self.schema.date_time && chrono::DateTime::parse_from_rfc3339(text).is_err() {
            self.push(self.path, Rule::DateTime);
        }
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = Seen;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Seen, E> {
        Ok(Seen::Null)
    }
    fn visit_none<E>(self) -> Result<Seen, E> {
        Ok(Seen::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Seen, D::Error> {
        self.deserialize(deserializer)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Seen, E> {
        Ok(Seen::Value)
    }
    fn visit_i64<E>(mut self, n: i64) -> Result<Seen, E> {
        self.number(n as f64);
        Ok(Seen::Value)
    }
    fn visit_u64<E>(mut self, n: u64) -> Result<Seen, E> {
        self.number(n as f64);
        Ok(Seen::Value)
    }
    fn visit_f64<E>(mut self, n: f64) -> Result<Seen, E> {
        self.number(n);
        Ok(Seen::Value)
    }
    fn visit_str<E>(mut self, text: &str) -> Result<Seen, E> {
        self.text(text);
        Ok(Seen::Value)
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Seen, A::Error> {
        let mut count = 0;
        loop {
            let next = match self.schema.items {
                Some(items) => seq
                    .next_element_seed(Walk {
                        schema: items,
                        path: &Path::Index(self.path, count),
                        out: &mut *self.out,
                    })?
                    .is_some(),
                None => seq.next_element::<IgnoredAny>()?.is_some(),
            };
            if !next {
                break;
            }
            count += 1;
        }
        if let Some(max) = self.schema.max_items.filter(|max| count > *max) {
            self.push(self.path, Rule::MaxItems { max, actual: count });
        }
        if let Some(min) = self.schema.min_items.filter(|min| count < *min) {
            self.push(self.path, Rule::MinItems { min, actual: count });
        }
        Ok(Seen::Value)
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Seen, A::Error> {
        let properties = self.schema.properties;
        // Bit `i`: property `i` was present / was `null`.
        let (mut present, mut null) = (0u128, 0u128);
        while let Some(Key(key)) = map.next_key()? {
            let Some(index) = properties.iter().position(|p| p.name == key) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let bit = 1u128 << index;
            if present & bit != 0 {
                return Err(A::Error::custom(DUPLICATE_KEY));
            }
            present |= bit;
            let property = &properties[index];
            let path = Path::Field(self.path, property.name);
            let seen = map.next_value_seed(Walk {
                schema: property.schema.unwrap_or(&Schema::NONE),
                path: &path,
                out: &mut *self.out,
            })?;
            if seen == Seen::Null {
                null |= bit;
                if !property.nullable {
                    self.push(&path, Rule::NotNull);
                }
            }
        }
        for (index, property) in properties.iter().enumerate() {
            let bit = 1u128 << index;
            if property.required && (present & bit == 0 || null & bit != 0) {
                self.push(&Path::Field(self.path, property.name), Rule::Required);
            }
        }
        Ok(Seen::Value)
    }
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
