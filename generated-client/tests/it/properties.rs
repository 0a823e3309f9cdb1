//! Properties of the client, checked on generated inputs (proptest).
//!
//! Decoding (every response envelope and `ErrorBody`):
//! - arbitrary bytes never make a decoder panic, and decode exactly when they
//!   are a JSON object; so do arbitrary JSON values and the docs' example
//!   answers with one part replaced, removed or added;
//! - what decodes re-encodes to JSON that decodes, with nothing left out, to
//!   the same value; each value left out is reported with what the input
//!   holds at its path (the finer property, one value replaced anywhere in an
//!   example, is in `tolerance.rs`).
//!
//! Encoding (the four request bodies): request values built from the generated
//! types, with strings and lists within and beyond the documented limits,
//! serialize to JSON that `validation::check_request` accepts exactly when the
//! spec's JSON Schema accepts it. So the client never sends a body the spec
//! forbids, and never refuses one it allows.
//!
//! What the properties found is pinned at the end of this file: NaN and the
//! infinities (sent as `null`) and dates after year 9999 (not RFC 3339) are
//! refused before sending; integers written as floats (`3.0`, `1e3`) decode
//! as the integer.
//!
//! Case counts are modest so that `cargo test` stays quick; proptest saves a
//! failing case under `generated-client/tests/proptest-regressions/` and
//! replays it first next time (commit that file with the fix).

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use codegen::json_schema::{self, Objects};
use generated_client::validation::{Refused, UncheckableBody, Violations, check_request};

/// `validation::check_request_json` on a body the walk finishes: its
/// violations (an uncheckable body is a test failure, with its reason).
fn check_request_json(operation: &str, bytes: &[u8]) -> Result<(), Violations> {
    generated_client::validation::check_request_json(operation, bytes).map_err(|refused| {
        match refused {
            Refused::Violations(violations) => violations,
            Refused::Uncheckable(why) => panic!("uncheckable: {why}"),
        }
    })
}
use generated_client::{Answer, UnfitValue, types};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Number, Value, json};

use crate::support::{deref, fixture, operation, spec};

// ------------------------------------------------------------------ the spec

/// Which body a schema is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Body {
    /// The request body of an operation.
    Request(&'static str),
    /// The 200 response of an operation.
    Response(&'static str),
    /// The error body every operation answers with.
    Error,
}

/// The operations with a request body.
const REQUEST_OPERATIONS: [&str; 4] = [
    "createPost",
    "createStory",
    "createMessage",
    "createChannel",
];
/// Every operation.
const OPERATIONS: [&str; 5] = [
    "createPost",
    "createStory",
    "createMessage",
    "createChannel",
    "approvePost",
];

/// The OpenAPI schema of `body`.
fn openapi_schema(body: Body) -> Value {
    let holder = match body {
        Body::Request(op) => deref(&operation(op)["requestBody"]),
        Body::Response(op) => deref(&operation(op)["responses"]["200"]),
        Body::Error => return json!({ "$ref": "#/components/schemas/ErrorBody" }),
    };
    holder
        .pointer("/content/application~1json/schema")
        .unwrap_or_else(|| panic!("{body:?}: no application/json schema"))
        .clone()
}

/// A validator for `body`. Requests are checked with closed objects (the
/// client must not send a key the spec does not declare); answers with the
/// spec as written (the service may add keys).
fn build_validator(body: Body) -> jsonschema::Validator {
    let objects = match body {
        Body::Request(_) => Objects::Closed,
        Body::Response(_) | Body::Error => Objects::AsWritten,
    };
    let document = json_schema::document(spec(), &openapi_schema(body), objects);
    json_schema::validator(&document)
        .unwrap_or_else(|e| panic!("{body:?}: the converted schema is invalid: {e}"))
}

/// What the spec says is wrong with `instance` as `body` (empty: it is valid).
fn spec_errors(body: Body, instance: &Value) -> Vec<String> {
    static VALIDATORS: OnceLock<BTreeMap<Body, jsonschema::Validator>> = OnceLock::new();
    let validators = VALIDATORS.get_or_init(|| {
        let bodies = REQUEST_OPERATIONS
            .iter()
            .map(|op| Body::Request(op))
            .chain(OPERATIONS.iter().map(|op| Body::Response(op)))
            .chain([Body::Error]);
        bodies.map(|body| (body, build_validator(body))).collect()
    });
    validators[&body]
        .iter_errors(instance)
        .map(|e| format!("at {:?}: {e}", e.instance_path().to_string()))
        .collect()
}

/// Every property name the spec declares anywhere: the keys arbitrary JSON is
/// made of, so that decoders reach into nested types.
fn spec_property_names() -> &'static [String] {
    static NAMES: OnceLock<Vec<String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        fn collect(value: &Value, names: &mut Vec<String>) {
            match value {
                Value::Object(object) => {
                    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
                        names.extend(properties.keys().cloned());
                    }
                    object.values().for_each(|v| collect(v, names));
                }
                Value::Array(items) => items.iter().for_each(|v| collect(v, names)),
                _ => {}
            }
        }
        let mut names = Vec::new();
        collect(&spec()["components"]["schemas"], &mut names);
        names.sort();
        names.dedup();
        names
    })
}

// ---------------------------------------------------------------- decoders

/// A type the client decodes answers into, with its schema.
struct Decoder {
    name: &'static str,
    /// The docs' example of this body.
    example: fn() -> Value,
    /// Decodes bytes; whether that worked.
    from_slice: fn(&[u8]) -> bool,
    /// Decodes a value; `Ok(None)` when it does not decode, `Ok(Some(..))`
    /// when it does and re-encodes to JSON that decodes, with nothing left
    /// out, to the same value; `Err` when that round trip breaks.
    from_value: fn(&Value) -> Result<Option<Decoded>, String>,
}

/// What a decoder left out of a value.
struct Decoded {
    unfit: Vec<UnfitValue>,
}

fn decoder<T>(name: &'static str, example: fn() -> Value) -> Decoder
where
    T: Answer + DeserializeOwned + Serialize + PartialEq + Debug,
{
    Decoder {
        name,
        example,
        from_slice: |bytes| serde_json::from_slice::<T>(bytes).is_ok(),
        from_value: decode_and_round_trip::<T>,
    }
}

fn decode_and_round_trip<T>(value: &Value) -> Result<Option<Decoded>, String>
where
    T: Answer + DeserializeOwned + Serialize + PartialEq + Debug,
{
    // The text path must agree with the value path: it is what the client runs.
    let from_text = serde_json::from_str::<T>(&value.to_string()).ok();
    let Ok(decoded) = serde_json::from_value::<T>(value.clone()) else {
        if from_text.is_some() {
            return Err("decodes from text but not from a value".to_owned());
        }
        return Ok(None);
    };
    if from_text.as_ref() != Some(&decoded) {
        return Err(format!(
            "text and value decode differently: {from_text:?} and {decoded:?}"
        ));
    }
    let encoded = serde_json::to_value(&decoded)
        .map_err(|e| format!("the decoded value does not encode: {e}"))?;
    let again: T = serde_json::from_value(encoded.clone())
        .map_err(|e| format!("its own encoding {encoded} does not decode: {e}"))?;
    if !again.unfit().is_empty() {
        return Err(format!(
            "its own encoding {encoded} has values that do not fit: {:?}",
            again.unfit()
        ));
    }
    let encoded_again = serde_json::to_value(&again).map_err(|e| e.to_string())?;
    if encoded_again != encoded {
        return Err(format!(
            "a decode/encode/decode round trip changed {encoded} into {encoded_again}"
        ));
    }
    Ok(Some(Decoded {
        unfit: decoded.unfit().to_vec(),
    }))
}

/// The five response envelopes and the error body.
fn decoders() -> [Decoder; 6] {
    [
        decoder::<types::CreatePostResponse>("CreatePostResponse", || {
            fixture("createPost.response.json")
        }),
        decoder::<types::ApprovePostResponse>("ApprovePostResponse", || {
            fixture("approvePost.response.json")
        }),
        decoder::<types::CreateStoryResponse>("CreateStoryResponse", || {
            fixture("createStory.response.json")
        }),
        decoder::<types::CreateMessageResponse>("CreateMessageResponse", || {
            fixture("createMessage.response.json")
        }),
        decoder::<types::CreateChannelResponse>("CreateChannelResponse", || {
            fixture("createChannel.response.json")
        }),
        decoder::<types::ErrorBody>(
            "ErrorBody",
            || json!({ "status": "error", "code": 400000, "message": "bad request", "data": { "detail": [1, "two"] } }),
        ),
    ]
}

// ------------------------------------------------------- JSON strategies

/// A character: mostly ASCII letters, sometimes two-byte, four-byte or any.
fn character() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => proptest::char::range('a', 'z'),
        1 => Just('é'),
        1 => Just('😀'),
        1 => any::<char>(),
    ]
}

/// A string of a character count in `lengths`.
fn text_of(lengths: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    vec(character(), lengths).prop_map(String::from_iter)
}

/// Strings that look like, or almost like, RFC 3339 date-times.
fn date_time_like() -> impl Strategy<Value = String> {
    let valid = (
        0u32..=9999,
        1u32..=12,
        1u32..=28,
        0u32..=23,
        0u32..=59,
        0u32..=59,
        prop_oneof![Just(String::new()), (1usize..=9).prop_map(|n| format!(".{}", "7".repeat(n)))],
        prop_oneof![
            Just("Z".to_owned()),
            Just("z".to_owned()),
            Just("+00:00".to_owned()),
            Just("-00:00".to_owned()),
            (0u32..=23, 0u32..=59).prop_map(|(h, m)| format!("+{h:02}:{m:02}")),
            (0u32..=23, 0u32..=59).prop_map(|(h, m)| format!("-{h:02}:{m:02}")),
        ],
        prop_oneof![Just('T'), Just('t')],
    )
        .prop_map(|(year, month, day, hour, minute, second, fraction, offset, t)| {
            format!("{year:04}-{month:02}-{day:02}{t}{hour:02}:{minute:02}:{second:02}{fraction}{offset}")
        });
    prop_oneof![
        6 => valid,
        1 => Just("2023-11-07T05:31:56Z".to_owned()),
        1 => Just("2016-12-31T23:59:60Z".to_owned()),
        1 => Just("2023-02-30T00:00:00Z".to_owned()),
        1 => Just("2023-11-07 05:31:56Z".to_owned()),
        1 => Just("2023-11-07".to_owned()),
        1 => Just("+10000-01-01T00:00:00Z".to_owned()),
        1 => Just("yesterday".to_owned()),
    ]
}

/// A number: small, at the edges of i64/u64/f64, or integral but written as a float.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => (-1000i64..1000).prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        2 => any::<f64>().prop_filter_map("finite", |f| Number::from_f64(f).map(Value::Number)),
        1 => (-1000i64..1000).prop_map(|i| Value::from(i as f64)),
        1 => Just(Value::from(u64::MAX)),
        1 => Just(Value::from(i64::MIN)),
        1 => Just(Value::from(1e300)),
    ]
}

/// A JSON leaf.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::from),
        3 => number(),
        2 => text_of(0..=12).prop_map(Value::from),
        2 => date_time_like().prop_map(Value::from),
    ]
}

/// An object key: mostly a name the spec uses, so decoders go deep.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(spec_property_names()),
        1 => text_of(0..=8),
    ]
}

/// Any JSON value, nested at most 4 deep, about 64 nodes at most.
fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..=6).prop_map(Value::Array),
            vec((key(), inner), 0..=6).prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A JSON object (request metadata, say).
fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    vec((key(), json_value()), 0..=4).prop_map(|pairs| pairs.into_iter().collect())
}

/// The JSON pointers of every node of `value`, the root included.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(object) => {
                for (key, child) in object {
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    walk(child, format!("{at}/{escaped}"), out);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    walk(child, format!("{at}/{index}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }
    let mut out = Vec::new();
    walk(value, String::new(), &mut out);
    out
}

/// One change to a JSON document.
#[derive(Clone, Debug)]
enum Edit {
    /// The node becomes this value.
    Replace(Value),
    /// The node goes (from its object or array; the root stays).
    Remove,
    /// The node, if an object, gains this key (an array gains the value).
    Add(String, Value),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => json_value().prop_map(Edit::Replace),
        4 => leaf().prop_map(Edit::Replace),
        1 => Just(Edit::Remove),
        1 => (key(), json_value()).prop_map(|(key, value)| Edit::Add(key, value)),
    ]
}

/// `document` with `edit` applied at the node `pointer`.
fn apply(mut document: Value, pointer: &str, edit: Edit) -> Value {
    match edit {
        Edit::Replace(value) => {
            *document
                .pointer_mut(pointer)
                .expect("a pointer of this document") = value;
        }
        Edit::Remove => {
            if let Some((parent, last)) = pointer.rsplit_once('/') {
                let last = last.replace("~1", "/").replace("~0", "~");
                match document
                    .pointer_mut(parent)
                    .expect("a pointer of this document")
                {
                    Value::Object(object) => {
                        object.remove(&last);
                    }
                    Value::Array(items) => {
                        items.remove(last.parse::<usize>().expect("an array index"));
                    }
                    _ => unreachable!("a parent is an object or an array"),
                }
            }
        }
        Edit::Add(key, value) => match document
            .pointer_mut(pointer)
            .expect("a pointer of this document")
        {
            Value::Object(object) => {
                object.insert(key, value);
            }
            Value::Array(items) => items.push(value),
            _ => {}
        },
    }
    document
}

/// One of `examples`, with one edit somewhere: the example's index, where the
/// edit is (a JSON pointer), the edited document.
fn edited(examples: Vec<Value>) -> impl Strategy<Value = (usize, String, Value)> {
    (0..examples.len(), any::<prop::sample::Index>(), edit()).prop_map(move |(index, at, edit)| {
        let example = examples[index].clone();
        let pointers = pointers(&example);
        let pointer = at.get(&pointers).clone();
        let document = apply(example, &pointer, edit);
        (index, pointer, document)
    })
}

/// The example answers of the decoders, in the order of [`decoders`].
fn example_answers() -> Vec<Value> {
    decoders()
        .iter()
        .map(|decoder| (decoder.example)())
        .collect()
}

// ---------------------------------------------------- decoding properties

/// `cases` cases, unless `PROPTEST_CASES` asks for another count (for a
/// longer run: `PROPTEST_CASES=5000 cargo test -p generated-client --test it properties`).
fn config(cases: u32) -> ProptestConfig {
    let default = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_some() {
        return default;
    }
    ProptestConfig { cases, ..default }
}

/// Runs every decoder on `value`: an object always decodes, anything else
/// never does; each value left out is reported with the value at its path.
fn decode_everywhere(value: &Value) -> Result<(), TestCaseError> {
    for decoder in decoders() {
        let decoded = (decoder.from_value)(value)
            .map_err(|e| TestCaseError::fail(format!("{}: {e}\ninput: {value}", decoder.name)))?;
        match decoded {
            None if value.is_object() => {
                return Err(TestCaseError::fail(format!(
                    "{}: a JSON object does not decode: {value}",
                    decoder.name
                )));
            }
            Some(_) if !value.is_object() => {
                return Err(TestCaseError::fail(format!(
                    "{}: decodes what is not an object: {value}",
                    decoder.name
                )));
            }
            None => {}
            Some(decoded) => {
                for unfit in &decoded.unfit {
                    prop_assert_eq!(
                        value.pointer(&unfit.path),
                        Some(&unfit.value),
                        "{} reports {:?}, not what the input holds there",
                        decoder.name,
                        unfit
                    );
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in vec(any::<u8>(), 0..=256)) {
        let is_object = serde_json::from_slice::<Value>(&bytes).is_ok_and(|v| v.is_object());
        for decoder in decoders() {
            prop_assert_eq!((decoder.from_slice)(&bytes), is_object, "{}", decoder.name);
        }
        // The pre-send check reads bytes too: it never panics, and what is not
        // JSON is refused as uncheckable, never passed unchecked.
        for operation in CHECKED_OPERATIONS {
            let checked = generated_client::validation::check_request_json(operation, &bytes);
            if operation == "approvePost" {
                // No body to check.
                prop_assert!(checked.is_ok());
            } else if serde_json::from_slice::<Value>(&bytes).is_err() {
                prop_assert!(
                    matches!(checked, Err(Refused::Uncheckable(_))),
                    "{}: {:?}", operation, checked
                );
            }
        }
    }

    #[test]
    fn any_json_object_decodes_and_round_trips(
        value in json_value(),
        envelope_key in key(),
    ) {
        decode_everywhere(&value)?;
        // Wrapped the way answers come: an envelope holding a list of entities.
        decode_everywhere(&json!({ envelope_key: [value] }))?;
    }
}

/// The operations whose bodies have checks, by both names the checks accept.
const CHECKED_OPERATIONS: [&str; 5] = [
    "createPost",
    "create_story",
    "createMessage",
    "createChannel",
    "approvePost",
];

proptest! {
    #![proptest_config(config(256))]

    /// The client's check on encoded bytes (borrowed strings, lazy paths)
    /// finds exactly what the check on a `serde_json::Value` finds, for any
    /// JSON at all: the body itself, or the body's fields filled with it.
    #[test]
    fn checking_bytes_agrees_with_checking_values(
        value in json_value(),
        field in key(),
        operation in select(CHECKED_OPERATIONS.to_vec()),
    ) {
        for body in [value.clone(), json!({ field: value })] {
            let bytes = serde_json::to_vec(&body).expect("a Value encodes");
            prop_assert_eq!(
                check_request_json(operation, &bytes),
                check_request(operation, &body),
                "{}", body
            );
        }
    }
}

#[test]
fn bytes_that_are_not_json_are_refused_as_uncheckable() {
    for bytes in [&b"{\"text\": "[..], &b"\xff"[..]] {
        assert!(
            matches!(
                generated_client::validation::check_request_json("createPost", bytes),
                Err(Refused::Uncheckable(UncheckableBody::Unreadable {
                    operation: "createPost",
                    ..
                }))
            ),
            "{bytes:?}"
        );
    }
}

#[test]
fn escaped_strings_and_duplicate_keys_are_read_as_serde_json_reads_them() {
    // A tag is at most 24 characters; `\u00e9` is one character (six bytes).
    let tag = |n: usize| {
        format!(
            r#"{{"data":{{"text":"hi"}},"tags":["{}"]}}"#,
            r"\u00e9".repeat(n)
        )
    };
    assert_eq!(check_request_json("createPost", tag(24).as_bytes()), Ok(()));
    let violations = check_request_json("createPost", tag(25).as_bytes()).unwrap_err();
    assert_eq!(violations.violations()[0].path(), ".tags[0]");
    assert!(
        violations.violations()[0]
            .message()
            .starts_with("25 characters")
    );
    // A key twice: which one the service reads is not known, so the body
    // is refused as uncheckable, naming the key.
    let duplicate = br#"{"data":{"text":"hi"},"tags":["x"],"tags":null}"#;
    assert_eq!(
        generated_client::validation::check_request_json("createPost", duplicate),
        Err(Refused::Uncheckable(UncheckableBody::DuplicateKey {
            operation: "createPost",
            path: ".tags".to_owned(),
        }))
    );
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn decoding_mangled_example_bytes_never_panics(
        index in 0..6usize,
        cut in any::<prop::sample::Index>(),
        byte in any::<u8>(),
        how in 0..3u8,
    ) {
        let decoder = &decoders()[index];
        let mut bytes = serde_json::to_vec(&(decoder.example)()).expect("examples encode");
        let at = cut.index(bytes.len());
        match how {
            0 => bytes.truncate(at),
            1 => bytes[at] = byte,
            _ => bytes.insert(at, byte),
        }
        let _ = (decoder.from_slice)(&bytes);
    }

    #[test]
    fn an_example_edited_anywhere_still_decodes(
        (index, pointer, document) in edited(example_answers()),
    ) {
        let decoder = &decoders()[index];
        let decoded = (decoder.from_value)(&document)
            .map_err(|e| TestCaseError::fail(format!("{}: {e}", decoder.name)))?;
        prop_assert_eq!(
            decoded.is_some(),
            document.is_object(),
            "{} edited at {:?}",
            decoder.name,
            pointer
        );
    }
}

#[test]
fn integers_written_as_floats_decode_as_the_integer() {
    let mut answer = fixture("createPost.response.json");
    answer["posts"][0]["sharedCount"] = json!(3.0);
    answer["posts"][0]["commentsCount"] = serde_json::from_str("1e3").unwrap();
    answer["posts"][0]["flagCount"] = json!(-0.0);
    assert!(
        spec_errors(Body::Response("createPost"), &answer).is_empty(),
        "the spec allows 3.0"
    );
    let decoded: types::CreatePostResponse = serde_json::from_value(answer).unwrap();
    let post = &decoded.posts.as_ref().unwrap()[0];
    assert_eq!(post.shared_count, Some(3));
    assert_eq!(post.comments_count, Some(1000));
    assert_eq!(post.flag_count, Some(0));
    assert_eq!(decoded.unfit, []);
}

// ----------------------------------------------------- request strategies

/// A string for a field documented with `maxLength: max`: often short, often
/// right around the limit.
fn text_up_to(max: usize) -> BoxedStrategy<String> {
    prop_oneof![
        3 => text_of(0..=max.min(12)),
        2 => text_of(max.saturating_sub(1)..=max + 1),
        1 => text_of(0..=max + 8),
    ]
    .boxed()
}

/// A string of a field without a documented length.
fn any_text() -> BoxedStrategy<String> {
    text_of(0..=16).boxed()
}

/// A list for a field documented with `maxItems: max`: often short, often
/// right around the limit.
fn list_up_to<T: Debug + Clone + 'static>(
    item: BoxedStrategy<T>,
    max: usize,
) -> BoxedStrategy<Vec<T>> {
    prop_oneof![
        3 => vec(item.clone(), 0..=max.min(4)),
        2 => vec(item, max.saturating_sub(1)..=max + 1),
    ]
    .boxed()
}

/// A list of a field without a documented size.
fn any_list<T: Debug + Clone + 'static>(item: BoxedStrategy<T>) -> BoxedStrategy<Vec<T>> {
    vec(item, 0..=3).boxed()
}

/// Other keys of an open `data` object (a custom payload): usually none.
fn custom_payload() -> BoxedStrategy<serde_json::Map<String, Value>> {
    let key = prop_oneof![
        Just("custom".to_owned()),
        Just("score".to_owned()),
        Just("nested".to_owned())
    ];
    let value = prop_oneof![
        Just(json!(1)),
        Just(json!("x")),
        Just(json!({ "a": [true] }))
    ];
    prop_oneof![
        3 => Just(serde_json::Map::new()),
        1 => proptest::collection::btree_map(key, value, 0..=3)
            .prop_map(|map| map.into_iter().collect()),
    ]
    .boxed()
}

/// A JSON object `{"pad": "xx…"}` of `sizes` bytes encoded: one around a
/// documented size limit.
fn padded(sizes: RangeInclusive<usize>) -> BoxedStrategy<serde_json::Map<String, Value>> {
    // `{"pad":""}` is 10 bytes.
    sizes
        .prop_map(|size| {
            let mut map = serde_json::Map::new();
            map.insert("pad".to_owned(), Value::String("x".repeat(size - 10)));
            map
        })
        .boxed()
}

fn maybe<T: Debug + Clone + 'static>(value: BoxedStrategy<T>) -> BoxedStrategy<Option<T>> {
    proptest::option::of(value).boxed()
}

/// A moment to the nanosecond, mostly between year 0 and 9999 (what RFC 3339
/// can write), sometimes after (which the request check must refuse).
fn date_time() -> BoxedStrategy<DateTime<Utc>> {
    const YEAR_0: i64 = -62_167_219_200;
    const YEAR_10000: i64 = 253_402_300_800;
    const YEAR_20000: i64 = 568_971_820_800;
    let seconds = prop_oneof![9 => YEAR_0..YEAR_10000, 1 => YEAR_10000..YEAR_20000];
    (seconds, 0u32..1_000_000_000)
        .prop_map(|(seconds, nanos)| {
            DateTime::from_timestamp(seconds, nanos).expect("within chrono's range")
        })
        .boxed()
}

fn mentionee() -> BoxedStrategy<types::Mentionee> {
    (maybe(any_text()), maybe(any_list(any_text())))
        .prop_map(|(type_, user_ids)| types::Mentionee { type_, user_ids })
        .boxed()
}

fn create_post_request() -> impl Strategy<Value = types::CreatePostRequest> {
    let data = (
        maybe(any_text()),
        maybe(any_text()),
        maybe(any_text()),
        maybe(any_text()),
        maybe(any_text()),
        maybe(any_text()),
        maybe(any_text()),
        // Sometimes around the custom post data limit (100 KB).
        prop_oneof![12 => custom_payload(), 1 => padded(102_380..=102_420)],
    )
        .prop_map(
            |(file_id, poll_id, room_id, stream_id, text, thumbnail_file_id, title, extra)| {
                types::CreatePostData {
                    file_id,
                    poll_id,
                    room_id,
                    stream_id,
                    text,
                    thumbnail_file_id,
                    title,
                    extra,
                }
            },
        );
    let attachment = (
        maybe(any_text()),
        maybe(any_text()),
        maybe(any::<bool>().boxed()),
        maybe(any_text()),
    )
        .prop_map(
            |(display_mode, file_id, is_muted, type_)| types::PostAttachment {
                display_mode,
                file_id,
                is_muted,
                type_,
            },
        )
        .boxed();
    let target_type = prop_oneof![
        Just(types::CreatePostRequestTargetType::User),
        Just(types::CreatePostRequestTargetType::Community),
        Just(types::CreatePostRequestTargetType::Content),
    ];
    (
        (
            maybe(list_up_to(attachment, 10)),
            maybe(date_time()),
            data,
            // The kinds of post the documented rules tell apart.
            maybe(
                prop_oneof![
                    Just("liveStream".to_owned()),
                    Just("poll".to_owned()),
                    Just("room".to_owned()),
                    Just("com.foo.bar".to_owned()),
                    any_text(),
                ]
                .boxed(),
            ),
            maybe(text_up_to(24)),
            maybe(list_up_to(text_up_to(100), 30)),
            any::<bool>(),
        ),
        (
            maybe(list_up_to(mentionee(), 2)),
            maybe(json_object().boxed()),
            maybe(text_up_to(900)),
            maybe(list_up_to(text_up_to(24), 5)),
            maybe(text_up_to(900)),
            target_type,
        ),
    )
        .prop_map(
            |(
                (attachments, created_at, data, data_type, event_id, hashtags, is_discoverable),
                (mentionees, metadata, post_id, tags, target_id, target_type),
            )| types::CreatePostRequest {
                attachments,
                created_at,
                data,
                data_type,
                event_id,
                hashtags,
                is_discoverable,
                mentionees,
                metadata,
                post_id,
                tags,
                target_id,
                target_type,
            },
        )
}

fn create_story_request() -> impl Strategy<Value = types::CreateStoryRequest> {
    // Sometimes a text around the data limit (10 KB).
    let story_text = prop_oneof![
        12 => maybe(any_text()),
        1 => (10_220usize..=10_240).prop_map(|n| Some("x".repeat(n))),
    ]
    .boxed();
    let data = (maybe(any_text()), maybe(any_text()), story_text).prop_map(
        |(file_id, image_display_mode, text)| types::CreateStoryData {
            file_id,
            image_display_mode,
            text,
        },
    );
    let hyperlink = (maybe(any_text()), maybe(any_text()))
        .prop_map(|(custom_text, url)| types::StoryHyperlinkData { custom_text, url })
        .boxed();
    let item_type = prop_oneof![3 => Just("hyperlink".to_owned()), 1 => any_text()].boxed();
    let item = (maybe(hyperlink), maybe(item_type))
        .prop_map(|(data, type_)| types::StoryItem { data, type_ })
        .boxed();
    let data_type = prop_oneof![
        Just(types::CreateStoryRequestDataType::Text),
        Just(types::CreateStoryRequestDataType::Image),
        Just(types::CreateStoryRequestDataType::Video),
    ];
    (
        data,
        data_type,
        maybe(list_up_to(item, 10)),
        // Sometimes around the metadata limit (5 KB).
        maybe(prop_oneof![12 => json_object(), 1 => padded(5_110..=5_130)].boxed()),
        any_text(),
        any_text(),
    )
        .prop_map(
            |(data, data_type, items, metadata, reference_id, target_id)| {
                types::CreateStoryRequest {
                    data,
                    data_type,
                    items,
                    metadata,
                    reference_id,
                    target_id,
                    target_type: types::CreateStoryRequestTargetType::Community,
                }
            },
        )
}

fn create_message_request() -> impl Strategy<Value = types::CreateMessageRequest> {
    let data = (maybe(any_text()), custom_payload())
        .prop_map(|(text, extra)| types::CreateMessageData { text, extra })
        .boxed();
    let type_ = prop_oneof![
        Just(types::CreateMessageRequestType::Text),
        Just(types::CreateMessageRequestType::Image),
        Just(types::CreateMessageRequestType::File),
        Just(types::CreateMessageRequestType::Custom),
        Just(types::CreateMessageRequestType::Video),
        Just(types::CreateMessageRequestType::Audio),
        Just(types::CreateMessageRequestType::Imagemap),
    ];
    (
        text_up_to(150),
        maybe(data),
        maybe(text_up_to(50)),
        maybe(list_up_to(mentionee(), 2)),
        maybe(text_up_to(150)),
        maybe(json_object().boxed()),
        maybe(text_up_to(150)),
        maybe(list_up_to(text_up_to(30), 10)),
        type_,
    )
        .prop_map(
            |(
                channel_id,
                data,
                file_id,
                mentionees,
                message_id,
                metadata,
                parent_id,
                tags,
                type_,
            )| {
                types::CreateMessageRequest {
                    channel_id,
                    data,
                    file_id,
                    mentionees,
                    message_id,
                    metadata,
                    parent_id,
                    tags,
                    type_,
                }
            },
        )
}

/// A value for `autoDeleteMessageByFlagLimit` (`minimum: 1`, `maximum: 1000`).
fn flag_limit() -> BoxedStrategy<f64> {
    prop_oneof![
        4 => -10.0f64..1100.0,
        1 => prop_oneof![Just(1.0), Just(1000.0), Just(0.999_999), Just(1_000.000_001), Just(-0.0)],
        1 => any::<f64>(),
        1 => prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)],
    ]
    .boxed()
}

fn create_channel_request() -> impl Strategy<Value = types::CreateChannelRequest> {
    let notification_mode = prop_oneof![
        Just(types::CreateChannelRequestNotificationMode::Default),
        Just(types::CreateChannelRequestNotificationMode::Silent),
        Just(types::CreateChannelRequestNotificationMode::Subscribe),
    ]
    .boxed();
    let type_ = prop_oneof![
        Just(types::CreateChannelRequestType::Community),
        Just(types::CreateChannelRequestType::Live),
        Just(types::CreateChannelRequestType::Broadcast),
    ];
    (
        (
            maybe(flag_limit()),
            maybe(text_up_to(50)),
            maybe(text_up_to(100)),
            maybe(text_up_to(100)),
            maybe(any::<bool>().boxed()),
            maybe(any::<bool>().boxed()),
            maybe(any::<bool>().boxed()),
        ),
        (
            maybe(json_object().boxed()),
            maybe(notification_mode),
            maybe(any_text()),
            maybe(list_up_to(text_up_to(100), 10)),
            type_,
            // A thousand ids: mostly tiny ones, so that a case stays cheap.
            maybe(list_up_to(
                prop_oneof![9 => text_of(0..=2), 1 => text_up_to(50)].boxed(),
                1000,
            )),
            maybe(any_text()),
        ),
    )
        .prop_map(
            |(
                (
                    auto_delete,
                    avatar_file_id,
                    channel_id,
                    display_name,
                    is_muted,
                    is_public,
                    auto_delete_enabled,
                ),
                (metadata, notification_mode, post_id, tags, type_, user_ids, video_stream_id),
            )| types::CreateChannelRequest {
                auto_delete_message_by_flag_limit: auto_delete,
                avatar_file_id,
                channel_id,
                display_name,
                is_muted,
                is_public,
                message_auto_delete_enabled: auto_delete_enabled,
                metadata,
                notification_mode,
                post_id,
                tags,
                type_,
                user_ids,
                video_stream_id,
            },
        )
}

// ----------------------------------------------------- encoding properties

/// `check_request` accepts the JSON of `body` exactly when the spec does.
fn check_agreement(operation_id: &'static str, body: &impl Serialize) -> Result<(), TestCaseError> {
    let json = serde_json::to_value(body)
        .map_err(|e| TestCaseError::fail(format!("does not encode: {e}")))?;
    let client = check_request(operation_id, &json);
    // What the client runs before sending: the same check on the bytes.
    let bytes = serde_json::to_vec(body).expect("encoded once already");
    prop_assert_eq!(
        &check_request_json(operation_id, &bytes),
        &client,
        "{}",
        json
    );
    let spec = spec_errors(Body::Request(operation_id), &json);
    match (client, spec.is_empty()) {
        (Ok(()), false) => Err(TestCaseError::fail(format!(
            "{operation_id}: the client would send a body the spec rejects ({}):\n{json}",
            spec.join("; ")
        ))),
        (Err(violations), true) => Err(TestCaseError::fail(format!(
            "{operation_id}: the client refuses a body the spec allows ({violations}):\n{json}"
        ))),
        _ => Ok(()),
    }
}

/// When `value` decodes as `T`, [`check_agreement`] on it.
fn check_decoded<T: DeserializeOwned + Serialize>(
    operation_id: &'static str,
    value: Value,
) -> Result<(), TestCaseError> {
    match serde_json::from_value::<T>(value) {
        Ok(body) => check_agreement(operation_id, &body),
        Err(_) => Ok(()),
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn create_post_bodies_are_checked_as_the_spec_says(body in create_post_request()) {
        check_agreement("createPost", &body)?;
    }

    #[test]
    fn create_story_bodies_are_checked_as_the_spec_says(body in create_story_request()) {
        check_agreement("createStory", &body)?;
    }

    #[test]
    fn create_message_bodies_are_checked_as_the_spec_says(body in create_message_request()) {
        check_agreement("createMessage", &body)?;
    }

    #[test]
    fn create_channel_bodies_are_checked_as_the_spec_says(body in create_channel_request()) {
        check_agreement("createChannel", &body)?;
    }

    /// Request bodies the types decode (decoding checks no limit), here the
    /// docs' examples with one edit, re-encode to JSON the check and the spec
    /// agree on.
    #[test]
    fn decoded_request_bodies_are_checked_as_the_spec_says(
        (index, _at, value) in edited(REQUEST_OPERATIONS.iter().map(|op| fixture(&format!("{op}.request.json"))).collect()),
    ) {
        let operation_id = REQUEST_OPERATIONS[index];
        match operation_id {
            "createPost" => check_decoded::<types::CreatePostRequest>(operation_id, value)?,
            "createStory" => check_decoded::<types::CreateStoryRequest>(operation_id, value)?,
            "createMessage" => check_decoded::<types::CreateMessageRequest>(operation_id, value)?,
            _ => check_decoded::<types::CreateChannelRequest>(operation_id, value)?,
        }
    }
}

// ------------------------------------------- what the properties found

/// `f64::NAN` and the infinities encode as `null` (serde_json's choice); the
/// spec forbids `null` there (`type: number`, not nullable), so the request
/// check refuses it and nothing is sent.
#[tokio::test]
async fn non_finite_numbers_are_refused_before_sending() {
    for limit in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let body = types::CreateChannelRequest {
            auto_delete_message_by_flag_limit: Some(limit),
            ..Default::default()
        };
        let json = serde_json::to_value(&body).expect("encodes");
        assert_eq!(json["autoDeleteMessageByFlagLimit"], Value::Null, "{limit}");
        assert!(
            !spec_errors(Body::Request("createChannel"), &json).is_empty(),
            "{limit}: the spec forbids it"
        );
        let violations = check_request("createChannel", &json).expect_err("refused");
        assert_eq!(
            violations.violations()[0].path(),
            ".autoDeleteMessageByFlagLimit"
        );

        let server = httpmock::MockServer::start_async().await;
        let any = server
            .mock_async(|_, then| {
                then.status(200).json_body(json!({}));
            })
            .await;
        let sent = crate::support::client(&server)
            .create_channel()
            .body(body)
            .send()
            .await;
        assert!(
            matches!(&sent, Err(e) if e.kind() == generated_client::ErrorKind::InvalidRequest
                && e.to_string().contains("null is not allowed")),
            "{limit}: {sent:?}"
        );
        assert_eq!(
            any.calls_async().await,
            0,
            "{limit}: nothing reached the server"
        );
    }
}

/// chrono writes a year after 9999 as `+10000-01-01T00:00:00Z`, which is not
/// an RFC 3339 `date-time`: the request check refuses it.
#[test]
fn dates_after_year_9999_are_refused() {
    let body = types::CreatePostRequest {
        attachments: None,
        created_at: Some(DateTime::from_timestamp(253_402_300_800, 0).expect("in chrono's range")),
        data: types::CreatePostData::default(),
        data_type: None,
        event_id: None,
        hashtags: None,
        is_discoverable: true,
        mentionees: None,
        metadata: None,
        post_id: None,
        tags: None,
        target_id: None,
        target_type: types::CreatePostRequestTargetType::User,
    };
    let json = serde_json::to_value(&body).expect("encodes");
    assert_eq!(json["createdAt"], "+10000-01-01T00:00:00Z");
    let violations = check_request("createPost", &json).expect_err("refused");
    assert_eq!(violations.violations()[0].path(), ".createdAt");
    assert!(
        !spec_errors(Body::Request("createPost"), &json).is_empty(),
        "the spec forbids it"
    );
}
