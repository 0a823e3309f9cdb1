// The fixed part of the generated `validation` module: the report types, the
// JSON views the checks read, and the check helpers. codegen includes this
// file's text (`RUNTIME` in `mod.rs`) after the generated check functions; it is
// compiled only as part of generated-client. Keep to `///` docs and `//`
// comments: an inner doc comment would not survive the trip through tokens.

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
    /// The broken constraints, in body order.
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
    check_node(operation_id, body)
}

/// [`check_request`] on the encoded body, as the client runs it before
/// sending. Reads the bytes once, borrowing their strings instead of building
/// a [`Value`]. Bytes that are not JSON pass: they are not a body this client
/// encoded, and the service judges them.
pub fn check_request_json(operation_id: &str, body: &[u8]) -> Result<(), Violations> {
    match ::serde_json::from_slice::<Json<'_>>(body) {
        Ok(json) => check_node(operation_id, &json),
        Err(_) => Ok(()),
    }
}

fn check_node<N: Node>(operation_id: &str, body: &N) -> Result<(), Violations> {
    let Some((operation, check)) = body_check::<N>(operation_id) else {
        return Ok(());
    };
    let mut violations = Vec::new();
    check(body, &Path::Body, &mut violations);
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Violations { operation, violations })
    }
}

/// The check of one body: the value, where it is, and where violations go.
type Check<N> = fn(&N, &Path<'_>, &mut Vec<Violation>);

/// Where a value sits in the body, built as the checks descend and printed
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

/// What the checks read of a JSON value: a [`Value`], or a [`Json`] that
/// borrows from the encoded body.
trait Node: Sized {
    fn text(&self) -> Option<&str>;
    fn items(&self) -> Option<&[Self]>;
    fn number(&self) -> Option<f64>;
    fn is_null(&self) -> bool;
    fn is_object(&self) -> bool;
    /// The member `name` when this is an object that has it.
    fn member(&self, name: &str) -> Option<&Self>;
}

impl Node for Value {
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
    fn items(&self) -> Option<&[Self]> {
        self.as_array().map(Vec::as_slice)
    }
    fn number(&self) -> Option<f64> {
        self.as_f64()
    }
    fn is_null(&self) -> bool {
        Value::is_null(self)
    }
    fn is_object(&self) -> bool {
        Value::is_object(self)
    }
    fn member(&self, name: &str) -> Option<&Self> {
        self.get(name)
    }
}

/// A JSON value whose strings and keys borrow from the input where they can
/// (no escapes in them).
enum Json<'a> {
    Null,
    Bool,
    Number(f64),
    Text(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl Node for Json<'_> {
    fn text(&self) -> Option<&str> {
        match self {
            Json::Text(text) => Some(text),
            _ => None,
        }
    }
    fn items(&self) -> Option<&[Self]> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }
    fn number(&self) -> Option<f64> {
        match self {
            Json::Number(number) => Some(*number),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }
    fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }
    fn member(&self, name: &str) -> Option<&Self> {
        match self {
            // The last of duplicate keys wins, as in `serde_json::Value`.
            Json::Object(members) => members.iter().rev().find(|(key, _)| key == name).map(|(_, v)| v),
            _ => None,
        }
    }
}

impl<'de> ::serde::Deserialize<'de> for Json<'de> {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> ::serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool)
    }
    fn visit_i64<E>(self, n: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n as f64))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n as f64))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Json<'de>, E> {
        Ok(Json::Number(n))
    }
    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::Text(Cow::Borrowed(text)))
    }
    fn visit_str<E>(self, text: &str) -> Result<Json<'de>, E> {
        Ok(Json::Text(Cow::Owned(text.to_owned())))
    }
    fn visit_string<E>(self, text: String) -> Result<Json<'de>, E> {
        Ok(Json::Text(Cow::Owned(text)))
    }
    fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(Key(key)) = map.next_key()? {
            members.push((key, map.next_value()?));
        }
        Ok(Json::Object(members))
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> ::serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match deserializer.deserialize_str(JsonVisitor)? {
            Json::Text(text) => Ok(Key(text)),
            _ => Err(::serde::de::Error::custom("an object key is not a string")),
        }
    }
}

fn push(out: &mut Vec<Violation>, path: &Path<'_>, message: String) {
    out.push(Violation { path: path.to_string(), message });
}

#[allow(dead_code)]
fn max_length<N: Node>(value: &N, path: &Path<'_>, max: usize, out: &mut Vec<Violation>) {
    if let Some(text) = value.text() {
        let length = text.chars().count();
        if length > max {
            push(out, path, format!("{length} characters, more than the maximum length of {max}"));
        }
    }
}

#[allow(dead_code)]
fn min_length<N: Node>(value: &N, path: &Path<'_>, min: usize, out: &mut Vec<Violation>) {
    if let Some(text) = value.text() {
        let length = text.chars().count();
        if length < min {
            push(out, path, format!("{length} characters, less than the minimum length of {min}"));
        }
    }
}

#[allow(dead_code)]
fn max_items<N: Node>(value: &N, path: &Path<'_>, max: usize, out: &mut Vec<Violation>) {
    if let Some(items) = value.items() {
        if items.len() > max {
            push(out, path, format!("{} items, more than the maximum of {max}", items.len()));
        }
    }
}

#[allow(dead_code)]
fn min_items<N: Node>(value: &N, path: &Path<'_>, min: usize, out: &mut Vec<Violation>) {
    if let Some(items) = value.items() {
        if items.len() < min {
            push(out, path, format!("{} items, fewer than the minimum of {min}", items.len()));
        }
    }
}

#[allow(dead_code)]
fn minimum<N: Node>(value: &N, path: &Path<'_>, min: f64, exclusive: bool, out: &mut Vec<Violation>) {
    if let Some(number) = value.number() {
        if number < min || (exclusive && number == min) {
            let bound = if exclusive { "above" } else { "at least" };
            push(out, path, format!("{number} is out of range: it must be {bound} {min}"));
        }
    }
}

#[allow(dead_code)]
fn maximum<N: Node>(value: &N, path: &Path<'_>, max: f64, exclusive: bool, out: &mut Vec<Violation>) {
    if let Some(number) = value.number() {
        if number > max || (exclusive && number == max) {
            let bound = if exclusive { "below" } else { "at most" };
            push(out, path, format!("{number} is out of range: it must be {bound} {max}"));
        }
    }
}

#[allow(dead_code)]
fn not_null<N: Node>(object: &N, path: &Path<'_>, field: &'static str, out: &mut Vec<Violation>) {
    if object.member(field).is_some_and(N::is_null) {
        push(
            out,
            &Path::Field(path, field),
            "null is not allowed (a NaN or infinite number encodes as null)".to_owned(),
        );
    }
}

#[allow(dead_code)]
fn date_time<N: Node>(value: &N, path: &Path<'_>, out: &mut Vec<Violation>) {
    if let Some(text) = value.text() {
        if ::chrono::DateTime::parse_from_rfc3339(text).is_err() {
            push(out, path, format!("`{text}` is not an RFC 3339 date-time (years 0000 to 9999)"));
        }
    }
}

#[allow(dead_code)]
fn required<N: Node>(object: &N, path: &Path<'_>, field: &'static str, out: &mut Vec<Violation>) {
    if object.member(field).is_none_or(N::is_null) {
        push(out, &Path::Field(path, field), "required field is missing".to_owned());
    }
}
