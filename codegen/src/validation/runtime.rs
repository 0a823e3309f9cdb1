// The fixed part of the generated `validation` module: the report types, the
// types of the generated schema tables, and the interpreter that walks a body
// alongside its table. codegen includes this file's text (`RUNTIME` in
// `mod.rs`) after the generated tables; it is compiled as part of
// generated-client, and against hand-written tables in `tests.rs`. Keep to `///` docs and `//`
// comments: an inner doc comment would not survive the trip through tokens.

use ::serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use ::serde_json::Value;
use ::std::borrow::Cow;

/// One documented constraint a request body breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Where, as a path into the body: `.tags`, `.mentionees[0].userIds`.
    pub path: String,
    /// What is wrong, with the limit: `6 items, more than the maximum of 5`.
    pub message: String,
}

impl ::std::fmt::Display for Violation {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        let path = if self.path.is_empty() { "(body)" } else { self.path.as_str() };
        write!(f, "`{}`: {}", path, self.message)
    }
}

/// Every documented constraint one request body breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violations {
    /// The operationId, e.g. `createPost`.
    pub operation: &'static str,
    /// The broken constraints, ordered by path.
    pub violations: Vec<Violation>,
}

impl ::std::fmt::Display for Violations {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        write!(f, "{} request body breaks a documented constraint: ", self.operation)?;
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

impl ::std::error::Error for Violations {}

/// Checks `body`, the JSON of a request to `operation_id` (the spec's
/// `createPost` or progenitor's `create_post`). Operations without a body,
/// and unknown ids, pass.
pub fn check_request(operation_id: &str, body: &Value) -> Result<(), Violations> {
    let Some((operation, schema)) = body_schema(operation_id) else {
        return Ok(());
    };
    let mut violations = Vec::new();
    // A `Value` has no duplicate keys, the one thing the walk gives up on.
    let _ = Walk { schema, path: &Path::Body, out: &mut violations }.deserialize(body);
    report(operation, violations)
}

/// [`check_request`] on the encoded body, as the client runs it before
/// sending: one pass over the bytes that builds nothing, skipping the parts
/// of the body the spec puts no constraint on. Bytes that are not JSON pass:
/// they are not a body this client encoded, and the service judges them.
pub fn check_request_json(operation_id: &str, body: &[u8]) -> Result<(), Violations> {
    let Some((operation, schema)) = body_schema(operation_id) else {
        return Ok(());
    };
    let mut violations = Vec::new();
    let mut reader = ::serde_json::Deserializer::from_slice(body);
    let walked = Walk { schema, path: &Path::Body, out: &mut violations }
        .deserialize(&mut reader)
        .and_then(|_| reader.end());
    match walked {
        Ok(()) => report(operation, violations),
        // A repeated key counts as serde_json reads it: the last one wins.
        Err(error) if error.to_string().starts_with(DUPLICATE_KEY) => {
            match ::serde_json::from_slice::<Value>(body) {
                Ok(value) => check_request(operation_id, &value),
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
    Err(Violations { operation, violations })
}

/// What the spec says of one JSON value, as far as the checks go. Generated
/// tables leave out what checks nothing.
struct Schema {
    max_length: Option<usize>,
    min_length: Option<usize>,
    date_time: bool,
    max_items: Option<usize>,
    min_items: Option<usize>,
    /// `(bound, exclusive)`.
    minimum: Option<(f64, bool)>,
    maximum: Option<(f64, bool)>,
    items: Option<&'static Schema>,
    properties: &'static [Property],
    all_of: &'static [&'static Schema],
}

impl Schema {
    const NONE: Schema = Schema {
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
struct Property {
    name: &'static str,
    required: bool,
    nullable: bool,
    schema: Option<&'static Schema>,
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
        let value = <Value as ::serde::Deserialize>::deserialize(deserializer)?;
        let seen = (&value)
            .deserialize_any(Walk { schema: self.schema, path: self.path, out: &mut *self.out })
            .unwrap_or(Seen::Value);
        for part in self.schema.all_of {
            let _ = Walk { schema: part, path: self.path, out: &mut *self.out }.deserialize(&value);
        }
        Ok(seen)
    }
}

impl Walk<'_> {
    fn push(&mut self, path: &Path<'_>, message: String) {
        self.out.push(Violation { path: path.to_string(), message });
    }

    fn number(&mut self, number: f64) {
        if let Some((min, exclusive)) = self.schema.minimum
            && (number < min || (exclusive && number == min))
        {
            let bound = if exclusive { "above" } else { "at least" };
            self.push(self.path, format!("{number} is out of range: it must be {bound} {min}"));
        }
        if let Some((max, exclusive)) = self.schema.maximum
            && (number > max || (exclusive && number == max))
        {
            let bound = if exclusive { "below" } else { "at most" };
            self.push(self.path, format!("{number} is out of range: it must be {bound} {max}"));
        }
    }

    fn text(&mut self, text: &str) {
        if self.schema.max_length.is_some() || self.schema.min_length.is_some() {
            let length = text.chars().count();
            if let Some(max) = self.schema.max_length.filter(|max| length > *max) {
                self.push(self.path, format!("{length} characters, more than the maximum length of {max}"));
            }
            if let Some(min) = self.schema.min_length.filter(|min| length < *min) {
                self.push(self.path, format!("{length} characters, less than the minimum length of {min}"));
            }
        }
        if self.schema.date_time && ::chrono::DateTime::parse_from_rfc3339(text).is_err() {
            self.push(self.path, format!("`{text}` is not an RFC 3339 date-time (years 0000 to 9999)"));
        }
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = Seen;

    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
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
            self.push(self.path, format!("{count} items, more than the maximum of {max}"));
        }
        if let Some(min) = self.schema.min_items.filter(|min| count < *min) {
            self.push(self.path, format!("{count} items, fewer than the minimum of {min}"));
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
                    self.push(&path, "null is not allowed (a NaN or infinite number encodes as null)".to_owned());
                }
            }
        }
        for (index, property) in properties.iter().enumerate() {
            let bit = 1u128 << index;
            if property.required && (present & bit == 0 || null & bit != 0) {
                self.push(&Path::Field(self.path, property.name), "required field is missing".to_owned());
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

impl ::std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        match self {
            Path::Body => Ok(()),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> ::serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(key)))
    }
    fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(key.to_owned())))
    }
}
