//! Tolerant decoding of the service's answers: a value that does not fit its
//! field's declared type costs the caller that one value, never the response.
//!
//! The service is the authority on what it sends, and the docs show most
//! numbers only as `123`. A create whose answer fails to decode is the worst
//! failure a client can have: the post exists, the caller sees an error,
//! retries, and creates it twice. So every type that is part of an answer is
//! decoded here, not by serde's derive:
//!
//! - a value that does not fit (a fraction where an integer is declared, a
//!   string where a number is, an array where an object is, ...) is left out
//!   at the smallest place that holds it: a field becomes `None`, an array
//!   element or a map entry is dropped; everything around it decodes as usual;
//! - every value left out is kept, with its JSON pointer and its raw JSON, in
//!   the answer's `unfit` list ([`UnfitValue`]), and the client logs a
//!   `tracing` warning for it;
//! - integers written as floats (`3.0`, `1e3`) are the integer; `null` in a
//!   field is `None` and not reported.
//!
//! Codegen writes, for each answer type, a `Deserialize` impl that calls
//! `deserialize` and an `Object` impl that maps each JSON key to its field;
//! the operations end with `response`. Everything else is here.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, de};
use serde_json::{Map, Value};

/// A value of an answer that did not fit the type its field is declared with,
/// and so was left out of the typed value.
///
/// Found in the `unfit` field of every operation's answer type
/// (`types::CreatePostResponse::unfit`, `types::ErrorBody::unfit`, ...).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct UnfitValue {
    /// Where the value was, as a JSON pointer (RFC 6901) from the root of the
    /// body, e.g. `/posts/0/childrenNumber` or `/posts/0/reactions/like`.
    pub path: String,
    /// What the spec declares there, e.g. `integer`, `string`, `date-time`,
    /// `array`, `object (Post)`.
    pub expected: &'static str,
    /// The value exactly as the service sent it.
    pub value: Value,
}

impl fmt::Display for UnfitValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}`: expected {}, found {}",
            self.path,
            self.expected,
            kind_of(&self.value)
        )
    }
}

/// An operation's answer type (each `...Response` envelope and
/// `types::ErrorBody`): it keeps the values that did not fit, so code can
/// handle them for any operation alike.
///
/// ```
/// use generated_client::{Answer, types};
///
/// fn report<T: Answer>(answer: &T) {
///     for value in answer.unfit() {
///         eprintln!("left out {value}");
///     }
/// }
/// let answer: types::CreateChannelResponse =
///     serde_json::from_str(r#"{"channels": [{"memberCount": "ten"}]}"#).unwrap();
/// report(&answer);
/// assert_eq!(answer.unfit()[0].path, "/channels/0/memberCount");
/// ```
pub trait Answer {
    /// The values of this answer that did not fit their declared types, in
    /// the order of the body; empty when the answer matched the spec.
    fn unfit(&self) -> &[UnfitValue];
}

/// Why an answer's body could not be read as documented: it is not JSON,
/// or is JSON but not what the operation answers (an object, an array,
/// UTF-8 text), or is longer than the client reads ([`limit`](Self::limit)).
/// [`Error::unreadable_body`](crate::Error::unreadable_body) gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadableBody {
    status: u16,
    content_type: Option<String>,
    excerpt: String,
    reason: String,
    limit: Option<usize>,
}

impl UnreadableBody {
    /// What an answer with `status`, `headers` and `body` (or its start)
    /// tells of itself, and why it is unreadable.
    pub(crate) fn new(
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: &[u8],
        reason: String,
        limit: Option<usize>,
    ) -> UnreadableBody {
        UnreadableBody {
            status: status.as_u16(),
            content_type: headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            excerpt: excerpt(body),
            reason,
            limit,
        }
    }

    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Content-Type` the answer declared, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The first 200 characters of the body (whitespace runs collapsed).
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }

    /// What was wrong, e.g. `expected a JSON object, found an array` or the
    /// JSON parser's message with its line and column.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The client's limit in bytes, when the body was longer
    /// (`ClientBuilder::max_body_bytes`, or `max_error_body_bytes` for an
    /// error status): it was not read past it, and the excerpt is of its
    /// start.
    pub fn limit(&self) -> Option<usize> {
        self.limit
    }
}

impl fmt::Display for UnreadableBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(limit) = self.limit {
            return write!(
                f,
                "HTTP {} with a body longer than the client reads ({limit} bytes, {}); body starts: {}",
                self.status,
                self.content_type.as_deref().unwrap_or("no content type"),
                self.excerpt
            );
        }
        write!(
            f,
            "HTTP {} with a body that cannot be read as documented ({}): {}; body starts: {}",
            self.status,
            self.content_type.as_deref().unwrap_or("no content type"),
            self.reason,
            self.excerpt
        )
    }
}

/// Longest excerpt of an unreadable body kept in the error, in characters.
pub(crate) const EXCERPT_CHARS: usize = 200;

/// The first [`EXCERPT_CHARS`] characters of `bytes`, whitespace collapsed.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        excerpt.push('…');
    }
    excerpt.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads `response`'s body up to `max` bytes: `Ok` with the whole body, or
/// `Err` with its start when it is longer (then no more is read: a body
/// announced longer is cut at a short excerpt).
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    max: usize,
) -> reqwest::Result<Result<Bytes, Bytes>> {
    let announced_longer = match response.content_length() {
        Some(length) if length <= max as u64 => return response.bytes().await.map(Ok),
        Some(_) => true,
        None => false,
    };
    let keep = if announced_longer { max.min(4096) } else { max };
    let mut body = bytes::BytesMut::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > keep {
            body.extend_from_slice(&chunk[..keep - body.len()]);
            return Ok(Err(body.freeze()));
        }
        body.extend_from_slice(&chunk);
    }
    if announced_longer {
        // Announced longer than `max`, yet it ended within the excerpt.
        return Ok(Err(body.freeze()));
    }
    Ok(Ok(body.freeze()))
}

/// What an operation answers: its answer type (a JSON object at the root),
/// [`Items`] of one (a JSON array at the root), or text (`String`).
pub(crate) trait AnswerBody: Sized {
    /// Decodes a whole body, tolerantly; why not, when it cannot.
    fn from_body(body: &[u8]) -> Result<Self, String>;

    /// The values left out because they did not fit.
    fn unfit(&self) -> &[UnfitValue] {
        &[]
    }
}

impl<T: Object + Answer> AnswerBody for T {
    fn from_body(body: &[u8]) -> Result<Self, String> {
        let mut parser = serde_json::Deserializer::from_slice(body);
        deserialize::<_, T>(&mut parser)
            .and_then(|value| parser.end().map(|()| value))
            .map_err(|e| e.to_string())
    }

    fn unfit(&self) -> &[UnfitValue] {
        Answer::unfit(self)
    }
}

/// A text answer (`text/plain`: createAuthToken's token), whole.
impl AnswerBody for String {
    fn from_body(body: &[u8]) -> Result<Self, String> {
        match std::str::from_utf8(body) {
            Ok(text) => Ok(text.to_owned()),
            Err(error) => Err(format!("not UTF-8 text: {error}")),
        }
    }
}

impl<T: Decode> AnswerBody for Items<T> {
    fn unfit(&self) -> &[UnfitValue] {
        &self.unfit
    }

    fn from_body(body: &[u8]) -> Result<Self, String> {
        items_from_array(body).map_err(|e| e.to_string())
    }
}

/// [`Items`] of a JSON array.
fn items_from_array<T: Decode>(body: &[u8]) -> serde_json::Result<Items<T>> {
    {
        let mut parser = serde_json::Deserializer::from_slice(body);
        let mut cx = Context::default();
        let items = serde::Deserializer::deserialize_any(
            &mut parser,
            ArrayRoot::<T> {
                cx: &mut cx,
                marker: PhantomData,
            },
        )?;
        parser.end()?;
        Ok(Items {
            items,
            unfit: cx.finish(),
        })
    }
}

/// An answer that is a JSON array (`uploadFile`'s `File[]`): its items,
/// decoded tolerantly like every answer (an item that does not fit is left
/// out, a value inside an item that does not fit leaves that value out),
/// and what was left out.
///
/// It derefs to `Vec<T>`, so `answer.len()`, `answer[0]` and `answer.iter()`
/// work as on the array itself; [`Items::into_vec`] takes the items.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Items<T> {
    /// The items that decoded, in the order of the body.
    pub items: Vec<T>,
    /// The values that did not fit their declared types, with their JSON
    /// pointers from the root of the array (`/0/attributes/size`).
    pub unfit: Vec<UnfitValue>,
}

impl<T> Items<T> {
    /// The items, without the record of what was left out.
    pub fn into_vec(self) -> Vec<T> {
        self.items
    }
}

impl<T> Default for Items<T> {
    fn default() -> Self {
        Items {
            items: Vec::new(),
            unfit: Vec::new(),
        }
    }
}

impl<T> Answer for Items<T> {
    fn unfit(&self) -> &[UnfitValue] {
        &self.unfit
    }
}

impl<T> std::ops::Deref for Items<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> IntoIterator for Items<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Items<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

/// Serialized as the array it was decoded from (what was left out is not
/// part of it), so a typed mock can answer with it.
impl<T: serde::Serialize> serde::Serialize for Items<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(serializer)
    }
}

/// The root of an array answer: a JSON array, or an error.
struct ArrayRoot<'a, T> {
    cx: &'a mut Context,
    marker: PhantomData<T>,
}

impl<'de, T: Decode> Visitor<'de> for ArrayRoot<'_, T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
        match <Vec<T> as Decode>::from_seq(seq, self.cx)? {
            Slot::Value(items) => Ok(items),
            // `Vec::from_seq` always decodes.
            Slot::Null | Slot::Unfit => Ok(Vec::new()),
        }
    }
}

/// A short, content-free description of a JSON value, for messages and logs.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            if f.fract() == 0.0 {
                "an integer out of range"
            } else {
                "a fractional number"
            }
        }
        Value::Number(_) => "an integer out of range",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------
// What generated code implements and calls.

/// An answer type with named fields: codegen implements it for every struct
/// reachable from an operation's answer, mapping each JSON key to its field.
pub(crate) trait Object: Default {
    /// What the spec declares, for reports: `object (Post)`.
    const EXPECTED: &'static str;

    /// Decodes the value of `key` (the next value of `map`) into its field,
    /// through [`Context::field`], [`Context::extra`] or [`Context::ignore`].
    fn decode_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        cx: &mut Context,
    ) -> Result<(), A::Error>;

    /// Keeps the values that did not fit, when this type is an operation's
    /// answer (it has an `unfit` field); otherwise gives them back.
    fn keep_unfit(&mut self, unfit: Vec<UnfitValue>) -> Option<Vec<UnfitValue>> {
        Some(unfit)
    }
}

/// `Deserialize::deserialize` of every answer type: the root must be a JSON
/// object; anything inside it that does not fit is left out and recorded.
pub(crate) fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Object,
{
    let mut cx = Context::default();
    let mut value = deserializer.deserialize_any(Root::<T> {
        cx: &mut cx,
        marker: PhantomData,
    })?;
    let unfit = cx.finish();
    if !unfit.is_empty()
        && let Some(unkept) = value.keep_unfit(unfit)
    {
        // Decoded on its own (not as an operation's answer): nowhere to keep
        // them, so they are at least logged.
        for unfit in unkept {
            tracing::warn!(
                r#type = T::EXPECTED,
                path = %unfit.path,
                expected = unfit.expected,
                found = kind_of(&unfit.value),
                "a value does not fit its declared type and was left out",
            );
        }
    }
    Ok(value)
}

/// The values that did not fit so far, while one body is decoded.
#[derive(Default)]
pub(crate) struct Context {
    pending: Vec<Pending>,
}

struct Pending {
    /// Path segments from the value up to the root (reversed).
    reversed_path: Vec<Segment>,
    expected: &'static str,
    value: Value,
}

enum Segment {
    Field(&'static str),
    Key(String),
    Index(usize),
}

impl Context {
    /// Decodes the next value of `map` into the field `name`: `None` when it
    /// is `null` or does not fit (then it is recorded).
    pub(crate) fn field<'de, A, T>(
        &mut self,
        map: &mut A,
        name: &'static str,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error>
    where
        A: MapAccess<'de>,
        T: Decode,
    {
        let before = self.pending.len();
        *slot = match map.next_value_seed(Seed::<T>::new(self))? {
            Slot::Value(value) => Some(value),
            Slot::Null | Slot::Unfit => None,
        };
        self.prefix(before, || Segment::Field(name));
        Ok(())
    }

    /// Keeps the next value of `map`, whatever it is, as `extra[key]` (an
    /// object open to other keys).
    pub(crate) fn extra<'de, A>(
        &mut self,
        map: &mut A,
        key: &str,
        extra: &mut Map<String, Value>,
    ) -> Result<(), A::Error>
    where
        A: MapAccess<'de>,
    {
        let value: Value = map.next_value()?;
        extra.insert(key.to_owned(), value);
        Ok(())
    }

    /// Skips the next value of `map` (a key the spec does not know).
    pub(crate) fn ignore<'de, A>(&mut self, map: &mut A) -> Result<(), A::Error>
    where
        A: MapAccess<'de>,
    {
        map.next_value::<IgnoredAny>().map(|_| ())
    }

    fn record(&mut self, expected: &'static str, value: Value) {
        self.pending.push(Pending {
            reversed_path: Vec::new(),
            expected,
            value,
        });
    }

    /// Adds `segment` in front of the paths recorded since `before`.
    fn prefix(&mut self, before: usize, segment: impl Fn() -> Segment) {
        for pending in &mut self.pending[before..] {
            pending.reversed_path.push(segment());
        }
    }

    fn finish(self) -> Vec<UnfitValue> {
        self.pending
            .into_iter()
            .map(|pending| {
                let mut path = String::new();
                for segment in pending.reversed_path.iter().rev() {
                    path.push('/');
                    match segment {
                        Segment::Field(name) => escape_into(&mut path, name),
                        Segment::Key(key) => escape_into(&mut path, key),
                        Segment::Index(index) => path.push_str(&index.to_string()),
                    }
                }
                UnfitValue {
                    path,
                    expected: pending.expected,
                    value: pending.value,
                }
            })
            .collect()
    }
}

/// RFC 6901: `~` is written `~0` and `/` is written `~1`.
fn escape_into(path: &mut String, segment: &str) {
    for c in segment.chars() {
        match c {
            '~' => path.push_str("~0"),
            '/' => path.push_str("~1"),
            c => path.push(c),
        }
    }
}

/// One decoded value: it fit, it was `null`, or it did not fit (and was
/// recorded).
pub(crate) enum Slot<T> {
    Value(T),
    Null,
    Unfit,
}

/// A type a field of an answer can have. Each `from_*` takes one kind of JSON
/// value; `None` (the default) means it does not fit.
pub(crate) trait Decode: Sized {
    /// What the spec declares, for reports: `integer`, `string`, ...
    const EXPECTED: &'static str;

    fn from_bool(_value: bool) -> Option<Self> {
        None
    }
    fn from_i64(_value: i64) -> Option<Self> {
        None
    }
    fn from_u64(_value: u64) -> Option<Self> {
        None
    }
    fn from_f64(_value: f64) -> Option<Self> {
        None
    }
    fn from_str(_value: &str) -> Option<Self> {
        None
    }
    /// An owned string (one the parser had to unescape): the string back
    /// when it does not fit.
    fn from_string(value: String) -> Result<Self, String> {
        Self::from_str(&value).ok_or(value)
    }
    /// A JSON object; the default records it as unfit.
    fn from_map<'de, A: MapAccess<'de>>(map: A, cx: &mut Context) -> Result<Slot<Self>, A::Error> {
        let value = Value::deserialize(MapAccessDeserializer::new(map))?;
        cx.record(Self::EXPECTED, value);
        Ok(Slot::Unfit)
    }
    /// A JSON array; the default records it as unfit.
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A, cx: &mut Context) -> Result<Slot<Self>, A::Error> {
        let value = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        cx.record(Self::EXPECTED, value);
        Ok(Slot::Unfit)
    }
}

impl<T: Object> Decode for T {
    const EXPECTED: &'static str = <T as Object>::EXPECTED;

    fn from_map<'de, A: MapAccess<'de>>(
        mut map: A,
        cx: &mut Context,
    ) -> Result<Slot<Self>, A::Error> {
        let mut value = T::default();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            value.decode_field(&key, &mut map, cx)?;
        }
        Ok(Slot::Value(value))
    }
}

impl Decode for bool {
    const EXPECTED: &'static str = "boolean";
    fn from_bool(value: bool) -> Option<Self> {
        Some(value)
    }
}

/// The largest power of two an `i64` holds plus one, as an `f64`: 2^63.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

impl Decode for i64 {
    const EXPECTED: &'static str = "integer";
    fn from_i64(value: i64) -> Option<Self> {
        Some(value)
    }
    fn from_u64(value: u64) -> Option<Self> {
        i64::try_from(value).ok()
    }
    /// `3.0` and `1e3` are integers written as floats; `3.5` and `1e20` do
    /// not fit.
    fn from_f64(value: f64) -> Option<Self> {
        if value.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&value) {
            // In range and integral, so the cast is exact.
            Some(value as i64)
        } else {
            None
        }
    }
}

/// The other integer types typify may choose (`format: int32`, `minimum: 0`,
/// ...): what fits `i64` and then the type.
macro_rules! narrower_integers {
    ($($ty:ty),*) => {$(
        impl Decode for $ty {
            const EXPECTED: &'static str = concat!("integer (", stringify!($ty), ")");
            fn from_i64(value: i64) -> Option<Self> {
                <$ty>::try_from(value).ok()
            }
            fn from_u64(value: u64) -> Option<Self> {
                <$ty>::try_from(value).ok()
            }
            fn from_f64(value: f64) -> Option<Self> {
                if value.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&value) {
                    // Whole and within u64, so the cast is exact.
                    return Self::from_u64(value as u64);
                }
                i64::from_f64(value).and_then(Self::from_i64)
            }
        }
    )*};
}
narrower_integers!(i8, i16, i32, u8, u16, u32, u64);

impl Decode for f64 {
    const EXPECTED: &'static str = "number";
    fn from_i64(value: i64) -> Option<Self> {
        Some(value as f64)
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value as f64)
    }
    fn from_f64(value: f64) -> Option<Self> {
        Some(value)
    }
}

impl Decode for String {
    const EXPECTED: &'static str = "string";
    fn from_str(value: &str) -> Option<Self> {
        Some(value.to_owned())
    }
    fn from_string(value: String) -> Result<Self, String> {
        Ok(value)
    }
}

impl Decode for chrono::DateTime<chrono::Utc> {
    const EXPECTED: &'static str = "date-time";
    /// What chrono's own `Deserialize` accepts (RFC 3339 with any offset).
    fn from_str(value: &str) -> Option<Self> {
        value
            .parse::<chrono::DateTime<chrono::FixedOffset>>()
            .ok()
            .map(|time| time.with_timezone(&chrono::Utc))
    }
}

impl Decode for Value {
    const EXPECTED: &'static str = "any JSON value";
    fn from_bool(value: bool) -> Option<Self> {
        Some(Value::Bool(value))
    }
    fn from_i64(value: i64) -> Option<Self> {
        Some(value.into())
    }
    fn from_u64(value: u64) -> Option<Self> {
        Some(value.into())
    }
    fn from_f64(value: f64) -> Option<Self> {
        serde_json::Number::from_f64(value).map(Value::Number)
    }
    fn from_str(value: &str) -> Option<Self> {
        Some(Value::String(value.to_owned()))
    }
    fn from_string(value: String) -> Result<Self, String> {
        Ok(Value::String(value))
    }
    fn from_map<'de, A: MapAccess<'de>>(map: A, _: &mut Context) -> Result<Slot<Self>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Slot::Value)
    }
    fn from_seq<'de, A: SeqAccess<'de>>(seq: A, _: &mut Context) -> Result<Slot<Self>, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Slot::Value)
    }
}

/// A free-form object (`type: object` without properties): any object fits.
impl Decode for Map<String, Value> {
    const EXPECTED: &'static str = "object";
    fn from_map<'de, A: MapAccess<'de>>(map: A, _: &mut Context) -> Result<Slot<Self>, A::Error> {
        Map::deserialize(MapAccessDeserializer::new(map)).map(Slot::Value)
    }
}

/// An array: an element that does not fit (or is `null`) is left out, the
/// others are kept in order.
impl<T: Decode> Decode for Vec<T> {
    const EXPECTED: &'static str = "array";
    fn from_seq<'de, A: SeqAccess<'de>>(
        mut seq: A,
        cx: &mut Context,
    ) -> Result<Slot<Self>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        let mut index = 0;
        loop {
            let before = cx.pending.len();
            let Some(slot) = seq.next_element_seed(Seed::<T>::new(cx))? else {
                break;
            };
            match slot {
                Slot::Value(item) => items.push(item),
                Slot::Null => cx.record(T::EXPECTED, Value::Null),
                Slot::Unfit => {}
            }
            cx.prefix(before, || Segment::Index(index));
            index += 1;
        }
        Ok(Slot::Value(items))
    }
}

/// A map (`additionalProperties` with a schema): an entry whose value does not
/// fit (or is `null`) is left out.
impl<K, T, S> Decode for HashMap<K, T, S>
where
    K: From<String> + Eq + Hash,
    T: Decode,
    S: BuildHasher + Default,
{
    const EXPECTED: &'static str = "object";
    fn from_map<'de, A: MapAccess<'de>>(
        mut map: A,
        cx: &mut Context,
    ) -> Result<Slot<Self>, A::Error> {
        let mut entries =
            HashMap::with_capacity_and_hasher(map.size_hint().unwrap_or(0), S::default());
        while let Some(key) = map.next_key::<String>()? {
            let before = cx.pending.len();
            let slot = map.next_value_seed(Seed::<T>::new(cx))?;
            if let Slot::Null = slot {
                cx.record(T::EXPECTED, Value::Null);
            }
            // Also what was left out inside a value that fit.
            cx.prefix(before, || Segment::Key(key.clone()));
            if let Slot::Value(value) = slot {
                entries.insert(K::from(key), value);
            }
        }
        Ok(Slot::Value(entries))
    }
}

// ---------------------------------------------------------------------------
// serde plumbing.

struct Seed<'a, T> {
    cx: &'a mut Context,
    marker: PhantomData<T>,
}

impl<'a, T> Seed<'a, T> {
    fn new(cx: &'a mut Context) -> Self {
        Seed {
            cx,
            marker: PhantomData,
        }
    }
}

impl<'de, T: Decode> DeserializeSeed<'de> for Seed<'_, T> {
    type Value = Slot<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Slot<T>, D::Error> {
        deserializer.deserialize_any(ValueVisitor::<T> {
            cx: self.cx,
            marker: PhantomData,
        })
    }
}

/// Takes any JSON value and hands it to the matching `Decode::from_*`.
struct ValueVisitor<'a, T> {
    cx: &'a mut Context,
    marker: PhantomData<T>,
}

impl<T: Decode> ValueVisitor<'_, T> {
    fn fits(self, value: Option<T>, raw: impl FnOnce() -> Value) -> Slot<T> {
        match value {
            Some(value) => Slot::Value(value),
            None => {
                self.cx.record(T::EXPECTED, raw());
                Slot::Unfit
            }
        }
    }
}

impl<'de, T: Decode> Visitor<'de> for ValueVisitor<'_, T> {
    type Value = Slot<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Slot<T>, E> {
        Ok(self.fits(T::from_bool(v), || Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Slot<T>, E> {
        Ok(self.fits(T::from_i64(v), || v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Slot<T>, E> {
        Ok(self.fits(T::from_u64(v), || v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Slot<T>, E> {
        Ok(self.fits(T::from_f64(v), || {
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
        }))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Slot<T>, E> {
        Ok(self.fits(T::from_str(v), || Value::String(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Slot<T>, E> {
        match T::from_string(v) {
            Ok(value) => Ok(Slot::Value(value)),
            Err(v) => Ok(self.fits(None, || Value::String(v))),
        }
    }
    fn visit_unit<E: de::Error>(self) -> Result<Slot<T>, E> {
        Ok(Slot::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Slot<T>, E> {
        Ok(Slot::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Slot<T>, D::Error> {
        deserializer.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Slot<T>, A::Error> {
        T::from_map(map, self.cx)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Slot<T>, A::Error> {
        T::from_seq(seq, self.cx)
    }
}

/// The root of a body: a JSON object, or an error.
struct Root<'a, T> {
    cx: &'a mut Context,
    marker: PhantomData<T>,
}

impl<'de, T: Object> Visitor<'de> for Root<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        match <T as Decode>::from_map(map, self.cx)? {
            Slot::Value(value) => Ok(value),
            // `Object::from_map` always decodes.
            Slot::Null | Slot::Unfit => Ok(T::default()),
        }
    }
}

/// A key of a JSON object, borrowed from the body when it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    //! The runtime on hand-written tables: shapes the real spec does not have
    //! yet (maps of objects, narrower integers).

    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Inner {
        n: Option<u8>,
    }

    impl Object for Inner {
        const EXPECTED: &'static str = "object (Inner)";
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
            cx: &mut Context,
        ) -> Result<(), A::Error> {
            match key {
                "n" => cx.field(map, "n", &mut self.n),
                _ => cx.ignore(map),
            }
        }
    }

    #[derive(Debug, Default, PartialEq)]
    struct Outer {
        inners: Option<HashMap<String, Inner>>,
        unfit: Vec<UnfitValue>,
    }

    impl Object for Outer {
        const EXPECTED: &'static str = "object (Outer)";
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
            cx: &mut Context,
        ) -> Result<(), A::Error> {
            match key {
                "inners" => cx.field(map, "inners", &mut self.inners),
                _ => cx.ignore(map),
            }
        }
        fn keep_unfit(&mut self, unfit: Vec<UnfitValue>) -> Option<Vec<UnfitValue>> {
            self.unfit = unfit;
            None
        }
    }

    fn decode(text: &str) -> Outer {
        deserialize(&mut serde_json::Deserializer::from_str(text)).unwrap()
    }

    #[test]
    fn a_misfit_inside_a_map_value_that_fits_has_the_key_in_its_path() {
        let outer = decode(r#"{"inners": {"a/b": {"n": 300}, "c": {"n": 4.0}, "d": 5}}"#);
        let inners = outer.inners.unwrap();
        assert_eq!(inners["a/b"], Inner { n: None });
        assert_eq!(inners["c"], Inner { n: Some(4) });
        assert!(!inners.contains_key("d"));
        let paths: Vec<(&str, &str)> = outer
            .unfit
            .iter()
            .map(|u| (u.path.as_str(), u.expected))
            .collect();
        assert_eq!(
            paths,
            [
                ("/inners/a~1b/n", "integer (u8)"),
                ("/inners/d", "object (Inner)")
            ]
        );
    }

    #[test]
    fn narrower_integers_take_what_fits_them() {
        assert_eq!(u8::from_i64(255), Some(255));
        assert_eq!(u8::from_i64(-1), None);
        assert_eq!(u8::from_f64(255.0), Some(255));
        assert_eq!(u64::from_f64(1e19), Some(10_000_000_000_000_000_000));
        assert_eq!(u64::from_f64(-1.0), None);
        assert_eq!(i32::from_f64(-3.0), Some(-3));
        assert_eq!(i32::from_f64(3.5), None);
        assert_eq!(i64::from_f64(9.3e18), None);
        assert_eq!(i64::from_f64(-9_223_372_036_854_775_808.0), Some(i64::MIN));
    }
}
