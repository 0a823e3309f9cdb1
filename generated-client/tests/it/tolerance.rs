//! Answers are never lost: a value that does not fit its declared type costs
//! the caller that value, reported with its path, never the answer.
//!
//! - The property the issue asks for: in each docs example answer, any one
//!   value replaced with arbitrary JSON still decodes; the replacement is
//!   reported at its path exactly when it does not fit what the spec declares
//!   there (judged from `spec/openapi.yaml`, not from the Rust types); every
//!   other field decodes as in the original.
//! - Each kind of misfit, one by one.
//! - Against a real server on loopback: fractional counts, a non-JSON or
//!   non-object 200, error bodies with a string `code`, no `message`, or extra
//!   fields, and the warning event the client logs.

use std::sync::{Arc, Mutex, OnceLock};

use generated_client::{Answer, Error, UnfitValue, types};
use httpmock::MockServer;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::support::{client, deref, fixture, operation, spec, typed};

// ------------------------------------------------- the spec as the oracle

/// [`deref`], for a schema the oracle can judge: no combinators.
fn plain(schema: &'static Value) -> &'static Value {
    let schema = deref(schema);
    assert!(
        ["allOf", "oneOf", "anyOf"]
            .iter()
            .all(|k| schema.get(k).is_none()),
        "the oracle does not know allOf/oneOf/anyOf: {schema}"
    );
    schema
}

/// The 200 schema of an operation, or `ErrorBody`.
fn answer_schema(operation_id: Option<&str>) -> &'static Value {
    let Some(operation_id) = operation_id else {
        return plain(&spec()["components"]["schemas"]["ErrorBody"]);
    };
    plain(
        deref(&operation(operation_id)["responses"]["200"])
            .pointer("/content/application~1json/schema")
            .unwrap(),
    )
}

/// What holds the value at a path.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Holder {
    /// A property of an object: `null` there is "no value".
    Field,
    /// An array element or a map entry: `null` there does not fit.
    Element,
}

/// What the spec declares at a JSON pointer of an answer.
#[derive(Debug)]
enum Declared {
    /// A schema, and what holds the value.
    Schema(&'static Value, Holder),
    /// Inside a free-form object (or the other keys of an open one): any value fits.
    FreeForm,
    /// Under a key the spec does not declare: ignored, never reported.
    Undeclared,
}

fn declared_at(root: &'static Value, pointer: &str) -> Declared {
    let mut schema = root;
    let mut holder = Holder::Field;
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        schema = plain(schema);
        if schema.get("type") == Some(&json!("array")) {
            schema = &schema["items"];
            holder = Holder::Element;
            continue;
        }
        if let Some(property) = schema.pointer(&format!(
            "/properties/{}",
            segment.replace('~', "~0").replace('/', "~1")
        )) {
            schema = property;
            holder = Holder::Field;
            continue;
        }
        match schema.get("additionalProperties") {
            Some(Value::Object(values)) if !values.is_empty() => {
                schema = &schema["additionalProperties"];
                holder = Holder::Element;
            }
            Some(Value::Bool(true)) | Some(Value::Object(_)) => return Declared::FreeForm,
            _ if schema.get("properties").is_none() => return Declared::FreeForm,
            _ => return Declared::Undeclared,
        }
    }
    Declared::Schema(plain(schema), holder)
}

/// Whether `value` fits `schema` at the top level (what is inside an object
/// or an array is judged at its own path).
fn fits(schema: &Value, holder: Holder, value: &Value) -> bool {
    if value.is_null() {
        return holder == Holder::Field;
    }
    match schema.get("type").and_then(Value::as_str) {
        None => true,
        Some("string") if schema.get("format") == Some(&json!("date-time")) => value
            .as_str()
            .is_some_and(|s| s.parse::<chrono::DateTime<chrono::FixedOffset>>().is_ok()),
        Some("string") => value.is_string(),
        Some("integer") => {
            value.as_i64().is_some()
                || value.as_f64().is_some_and(|f| {
                    value.is_f64()
                        && f.fract() == 0.0
                        && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
                })
        }
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some(other) => panic!("unknown type {other}"),
    }
}

/// Removes the node at `pointer` from `document`, if it is there.
fn remove(document: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match document.pointer_mut(parent) {
        Some(Value::Object(object)) => {
            object.remove(&last);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = last.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}

// ------------------------------------------------------------ the property

/// A decoded answer: its re-encoding and the values left out.
type Decoded = (Value, Vec<UnfitValue>);

/// Decodes `document` as `T`.
fn decode<T: Answer + DeserializeOwned + Serialize>(document: &Value) -> Result<Decoded, String> {
    let decoded: T = serde_json::from_slice(&serde_json::to_vec(document).unwrap())
        .map_err(|e| format!("does not decode: {e}"))?;
    Ok((
        serde_json::to_value(&decoded).unwrap(),
        decoded.unfit().to_vec(),
    ))
}

struct Example {
    name: &'static str,
    operation: Option<&'static str>,
    document: fn() -> Value,
    decode: fn(&Value) -> Result<Decoded, String>,
}

fn examples() -> Vec<Example> {
    vec![
        Example {
            name: "createPost",
            operation: Some("createPost"),
            document: || fixture("createPost.response.json"),
            decode: decode::<types::CreatePostResponse>,
        },
        Example {
            name: "approvePost",
            operation: Some("approvePost"),
            document: || fixture("approvePost.response.json"),
            decode: decode::<types::ApprovePostResponse>,
        },
        Example {
            name: "createStory",
            operation: Some("createStory"),
            document: || fixture("createStory.response.json"),
            decode: decode::<types::CreateStoryResponse>,
        },
        Example {
            name: "createMessage",
            operation: Some("createMessage"),
            document: || fixture("createMessage.response.json"),
            decode: decode::<types::CreateMessageResponse>,
        },
        Example {
            name: "createChannel",
            operation: Some("createChannel"),
            document: || fixture("createChannel.response.json"),
            decode: decode::<types::CreateChannelResponse>,
        },
        Example {
            name: "error body",
            operation: None,
            document: || json!({ "status": "error", "code": 400300, "message": "Forbidden", "data": { "detail": [] } }),
            decode: decode::<types::ErrorBody>,
        },
    ]
}

/// The JSON pointers of every node but the root.
fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, at: &str, out: &mut Vec<String>) {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(object) => object
                .iter()
                .map(|(k, v)| (k.replace('~', "~0").replace('/', "~1"), v))
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return,
        };
        for (segment, child) in children {
            let pointer = format!("{at}/{segment}");
            out.push(pointer.clone());
            walk(child, &pointer, out);
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

/// Arbitrary JSON: leaves of every kind (numbers at the edges of i64, integral
/// floats, fractions, date-times and not), and small arrays and objects of them.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        (-1000i64..1000).prop_map(|i| Value::from(i as f64)),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any::<u64>().prop_map(Value::from),
        Just(Value::from(1e300)),
        "[a-z]{0,6}".prop_map(Value::from),
        Just(Value::from("2024-02-29T12:00:00.000Z")),
        Just(Value::from("2024-02-30T12:00:00Z")),
    ];
    let keys = prop_oneof![
        Just("postId".to_owned()),
        Just("childrenNumber".to_owned()),
        Just("createdAt".to_owned()),
        Just("data".to_owned()),
        Just("text".to_owned()),
        Just("fileId".to_owned()),
        "[a-z]{1,4}",
    ];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(keys.clone(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn one_replacement() -> impl Strategy<Value = (usize, String, Value)> {
    let cases: Vec<(usize, String)> = examples()
        .iter()
        .enumerate()
        .flat_map(|(index, example)| {
            pointers(&(example.document)())
                .into_iter()
                .map(move |pointer| (index, pointer))
        })
        .collect();
    (select(cases), any_json()).prop_map(|((index, pointer), value)| (index, pointer, value))
}

/// Each example, its document, and its decoding's re-encoding (read once).
fn originals() -> &'static [(Example, Value, Value)] {
    static ORIGINALS: OnceLock<Vec<(Example, Value, Value)>> = OnceLock::new();
    ORIGINALS.get_or_init(|| {
        examples()
            .into_iter()
            .map(|example| {
                let document = (example.document)();
                let (encoded, unfit) = (example.decode)(&document).unwrap();
                assert_eq!(unfit, vec![], "{}: the docs' example fits", example.name);
                (example, document, encoded)
            })
            .collect()
    })
}

fn check_replacement(index: usize, pointer: &str, value: &Value) -> Result<(), TestCaseError> {
    let (example, original, original_encoded) = &originals()[index];
    let original_encoded = original_encoded.clone();

    let mut document = original.clone();
    *document.pointer_mut(pointer).unwrap() = value.clone();
    let (mut encoded, unfit) = (example.decode)(&document).map_err(|e| {
        TestCaseError::fail(format!("{} with {pointer} = {value}: {e}", example.name))
    })?;

    // Every report is the replacement or inside it, with the raw value.
    for report in &unfit {
        prop_assert!(
            report.path == pointer || report.path.starts_with(&format!("{pointer}/")),
            "{}: {report:?} is outside the replaced {pointer}",
            example.name
        );
        prop_assert_eq!(document.pointer(&report.path), Some(&report.value));
    }
    // The replacement itself is reported exactly when the spec says it does not fit.
    let declared = declared_at(answer_schema(example.operation), pointer);
    let dropped_element = match declared {
        Declared::FreeForm | Declared::Undeclared => {
            prop_assert_eq!(
                &unfit,
                &vec![],
                "{}: {} is not checked",
                example.name,
                pointer
            );
            false
        }
        Declared::Schema(schema, holder) => {
            if fits(schema, holder, value) {
                prop_assert!(
                    unfit.iter().all(|u| u.path != pointer),
                    "{}: {value} fits {schema} at {pointer}, yet it was reported: {unfit:?}",
                    example.name
                );
                false
            } else {
                prop_assert_eq!(
                    unfit
                        .iter()
                        .map(|u| (u.path.as_str(), &u.value))
                        .collect::<Vec<_>>(),
                    vec![(pointer, value)],
                    "{}: {} does not fit {} at {}",
                    example.name,
                    value,
                    schema,
                    pointer
                );
                holder == Holder::Element
            }
        }
    };
    // Everything else decodes as in the original.
    let mut expected = original_encoded;
    remove(&mut expected, pointer);
    if !dropped_element {
        remove(&mut encoded, pointer);
    }
    prop_assert_eq!(
        encoded,
        expected,
        "{}: replacing {} with {} changed something else",
        example.name,
        pointer,
        value
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() { ProptestConfig::default().cases } else { 512 },
        ..ProptestConfig::default()
    })]

    #[test]
    fn one_value_replaced_anywhere_is_reported_at_its_path_and_nothing_else_changes(
        (index, pointer, value) in one_replacement(),
    ) {
        check_replacement(index, &pointer, &value)?;
    }
}

/// The same check, exhaustively over every path of every example, with one
/// value of each kind: no path is left to chance.
#[test]
fn every_path_of_every_example_with_every_kind_of_value() {
    // One value of each JSON kind, and an integral float; the property above
    // tries the edges (out of range, date-times, nested misfits) at random.
    let values = [
        Value::Null,
        json!(true),
        json!(7.0),
        json!(7.5),
        json!("text"),
        json!([1, "two"]),
        json!({ "postId": 5, "k": "v" }),
    ];
    let mut checked = 0;
    for (index, example) in examples().iter().enumerate() {
        for pointer in pointers(&(example.document)()) {
            for value in &values {
                check_replacement(index, &pointer, value)
                    .unwrap_or_else(|e| panic!("{}: {pointer} = {value}: {e}", example.name));
                checked += 1;
            }
        }
    }
    assert!(checked > 5000, "only {checked} cases");
}

// ------------------------------------------------------- each misfit alone

#[track_caller]
fn check(answer: Value, expected_unfit: &[(&str, &str, Value)]) -> types::CreatePostResponse {
    let decoded: types::CreatePostResponse =
        serde_json::from_value(answer).expect("a JSON object always decodes");
    // In the order of the body's keys; `json!` sorts them, so compare sorted.
    let mut got: Vec<(&str, &str, &Value)> = decoded
        .unfit
        .iter()
        .map(|u| (u.path.as_str(), u.expected, &u.value))
        .collect();
    let mut want: Vec<(&str, &str, &Value)> = expected_unfit
        .iter()
        .map(|(path, expected, value)| (*path, *expected, value))
        .collect();
    got.sort_by_key(|u| u.0);
    want.sort_by_key(|u| u.0);
    assert_eq!(got, want);
    decoded
}

#[test]
fn a_fraction_where_an_integer_is_declared_costs_that_field_only() {
    let decoded = check(
        json!({ "posts": [{ "postId": "p1", "childrenNumber": 2.5, "commentsCount": 4 }] }),
        &[("/posts/0/childrenNumber", "integer", json!(2.5))],
    );
    let post = &decoded.posts.unwrap()[0];
    assert_eq!(post.post_id.as_deref(), Some("p1"));
    assert_eq!(post.children_number, None);
    assert_eq!(post.comments_count, Some(4));
}

#[test]
fn integers_out_of_range_do_not_fit() {
    check(
        json!({ "files": [{ "attributes": { "size": 1e20 } }, { "attributes": { "size": u64::MAX } }] }),
        &[
            ("/files/0/attributes/size", "integer", json!(1e20)),
            ("/files/1/attributes/size", "integer", json!(u64::MAX)),
        ],
    );
}

#[test]
fn wrong_kinds_of_value_are_left_out_where_they_stand() {
    let decoded = check(
        json!({
            "posts": [{
                "postId": { "nested": true },
                "commentsCount": "12",
                "data": [1, 2],
                "createdAt": "last tuesday",
                "isDeleted": "no",
                "tags": "rust",
            }],
            "users": { "not": "an array" },
        }),
        &[
            ("/posts/0/postId", "string", json!({ "nested": true })),
            ("/posts/0/commentsCount", "integer", json!("12")),
            ("/posts/0/data", "object (PostData)", json!([1, 2])),
            ("/posts/0/createdAt", "date-time", json!("last tuesday")),
            ("/posts/0/isDeleted", "boolean", json!("no")),
            ("/posts/0/tags", "array", json!("rust")),
            ("/users", "array", json!({ "not": "an array" })),
        ],
    );
    let post = &decoded.posts.unwrap()[0];
    assert_eq!(
        (&post.post_id, &post.comments_count, &post.data, &post.tags),
        (&None, &None, &None, &None)
    );
    assert_eq!(decoded.users, None);
}

#[test]
fn array_elements_and_map_entries_that_do_not_fit_are_dropped_the_rest_kept_in_order() {
    let decoded = check(
        json!({
            "posts": [
                { "postId": "a", "tags": ["x", 5, null, "y"], "reactions": { "like": 2, "wow": 1.5, "sad": "3", "ok": 4.0 } },
                "not a post",
                null,
                { "postId": "b" },
            ],
        }),
        &[
            ("/posts/0/tags/1", "string", json!(5)),
            ("/posts/0/tags/2", "string", Value::Null),
            ("/posts/0/reactions/wow", "integer", json!(1.5)),
            ("/posts/0/reactions/sad", "integer", json!("3")),
            ("/posts/1", "object (Post)", json!("not a post")),
            ("/posts/2", "object (Post)", Value::Null),
        ],
    );
    let posts = decoded.posts.unwrap();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].tags, Some(vec!["x".to_owned(), "y".to_owned()]));
    let reactions = posts[0].reactions.as_ref().unwrap();
    assert_eq!(
        (reactions.len(), reactions["like"], reactions["ok"]),
        (2, 2, 4)
    );
    assert_eq!(posts[1].post_id.as_deref(), Some("b"));
}

#[test]
fn paths_escape_slash_and_tilde_and_unescape_json_keys() {
    check(
        json!({ "posts": [{ "reactions": { "a/b~c": "x", "\u{e9}\"q": [] } }] }),
        &[
            ("/posts/0/reactions/a~1b~0c", "integer", json!("x")),
            ("/posts/0/reactions/\u{e9}\"q", "integer", json!([])),
        ],
    );
}

#[test]
fn null_and_unknown_keys_are_not_reported_and_open_objects_keep_anything() {
    let decoded = check(
        json!({
            "posts": [{
                "postId": null,
                "brandNewField": { "anything": [1.5] },
                "data": { "text": "hi", "custom": 2.5, "nested": { "x": null } },
            }],
            "somethingNew": 1,
        }),
        &[],
    );
    let data = decoded.posts.unwrap()[0].data.clone().unwrap();
    assert_eq!(data.text.as_deref(), Some("hi"));
    assert_eq!(data.extra["custom"], json!(2.5));
    assert_eq!(data.extra["nested"], json!({ "x": null }));
}

#[test]
fn a_misfit_inside_a_misfit_is_reported_once_at_the_outer_place() {
    check(
        json!({ "posts": [{ "hashFlag": [{ "bits": 1.5 }] }] }),
        &[(
            "/posts/0/hashFlag",
            "object (HashFlag)",
            json!([{ "bits": 1.5 }]),
        )],
    );
}

#[test]
fn duplicate_keys_last_one_wins_as_in_serde_json_value() {
    let decoded: types::CreatePostResponse =
        serde_json::from_str(r#"{"posts":[{"postId":"first","postId":"second"}]}"#).unwrap();
    assert_eq!(decoded.posts.unwrap()[0].post_id.as_deref(), Some("second"));
}

#[test]
fn what_is_not_an_object_does_not_decode() {
    for text in [
        "[]",
        "\"ok\"",
        "null",
        "3",
        "<html>",
        "",
        "{\"posts\": [",
        "{} trailing",
    ] {
        assert!(
            serde_json::from_str::<types::CreatePostResponse>(text).is_err(),
            "{text:?} decoded"
        );
    }
}

#[test]
fn the_docs_examples_round_trip_without_loss() {
    for example in examples() {
        let document = (example.document)();
        let (encoded, unfit) = (example.decode)(&document).unwrap();
        assert_eq!(unfit, vec![], "{}", example.name);
        let (again, unfit) = (example.decode)(&encoded).unwrap();
        assert_eq!((again, unfit), (encoded, vec![]), "{}", example.name);
    }
}

// ------------------------------------------------------- over real HTTP

/// Serves `status` with `body` (and `content_type`) as the answer to createPost.
async fn serve(status: u16, content_type: &str, body: &str) -> MockServer {
    let server = MockServer::start_async().await;
    let (content_type, body) = (content_type.to_owned(), body.to_owned());
    server
        .mock_async(move |_, then| {
            then.status(status)
                .header("content-type", content_type)
                .body(body);
        })
        .await;
    server
}

async fn create_post(
    server: &MockServer,
) -> Result<generated_client::Response<types::CreatePostResponse>, Error> {
    client(server)
        .create_post()
        .body::<types::CreatePostRequest>(typed("createPost.request.json"))
        .send()
        .await
}

#[tokio::test]
async fn an_answer_with_fractional_counts_and_odd_reactions_decodes_with_the_rest_intact() {
    let mut answer = fixture("createPost.response.json");
    answer["files"][0]["attributes"]["size"] = json!(1024.5);
    answer["files"][0]["attributes"]["metadata"]["width"] = json!(800.0);
    answer["posts"][0]["reactions"] = json!({ "like": 1.5, "love": 3 });
    let server = serve(200, "application/json", &answer.to_string()).await;
    let (events, response) = capture_warnings(create_post(&server)).await;
    let response = response.expect("the answer decodes");
    let expected: types::CreatePostResponse = typed("createPost.response.json");
    assert_eq!(
        response.posts.as_ref().unwrap()[0].post_id,
        expected.posts.as_ref().unwrap()[0].post_id
    );
    let file = &response.files.as_ref().unwrap()[0];
    assert_eq!(file.attributes.as_ref().unwrap().size, None);
    assert_eq!(
        file.attributes
            .as_ref()
            .unwrap()
            .metadata
            .as_ref()
            .unwrap()
            .width,
        Some(800)
    );
    let reactions = response.posts.as_ref().unwrap()[0]
        .reactions
        .clone()
        .unwrap();
    assert_eq!(
        reactions.into_iter().collect::<Vec<_>>(),
        vec![("love".to_owned(), 3)]
    );
    let mut paths: Vec<&str> = response.unfit.iter().map(|u| u.path.as_str()).collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        ["/files/0/attributes/size", "/posts/0/reactions/like"]
    );
    // One warning per value, naming the operation and the path, not the value.
    assert_eq!(events.len(), 2, "{events:?}");
    for (path, value) in [
        ("/files/0/attributes/size", "1024.5"),
        ("/posts/0/reactions/like", "1.5"),
    ] {
        let event = events
            .iter()
            .find(|e| e.contains(&format!("path={path} ")))
            .unwrap_or_else(|| panic!("no warning for {path}: {events:?}"));
        assert!(event.contains("operation=createPost"), "{event}");
        assert!(event.contains("expected=integer"), "{event}");
        assert!(!event.contains(value), "the value is logged: {event}");
    }
    for event in &events {
        assert!(
            !event.contains("1024.5") && !event.contains("1.5"),
            "{event}"
        );
    }
}

#[tokio::test]
async fn a_200_that_is_not_json_is_a_typed_error_with_the_status_and_an_excerpt() {
    let page = format!(
        "<html>\n  <body>maintenance {}</body></html>",
        "x".repeat(300)
    );
    let server = serve(200, "text/html", &page).await;
    let error = create_post(&server).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let unreadable = error.unreadable_body().expect("an unreadable body");
    assert_eq!(unreadable.status(), 200);
    assert_eq!(unreadable.content_type(), Some("text/html"));
    assert!(
        unreadable
            .excerpt()
            .starts_with("<html> <body>maintenance xxx"),
        "{}",
        unreadable.excerpt()
    );
    assert!(unreadable.excerpt().ends_with('…'));
    assert!(
        unreadable.reason().contains("line 1 column 1"),
        "{}",
        unreadable.reason()
    );
    // The whole body is still there for the caller.
    assert_eq!(error.kind(), generated_client::ErrorKind::UnreadableBody);
    assert!(error.may_have_reached_service(), "a 2xx: it was applied");
    assert_eq!(error.body(), Some(page.as_bytes()));
}

#[tokio::test]
async fn a_200_that_is_json_but_not_an_object_is_the_same_typed_error() {
    for body in [
        "[{\"postId\":\"p1\"}]",
        "\"created\"",
        "null",
        "{\"posts\": [",
        "",
    ] {
        let server = serve(200, "application/json", body).await;
        let error = create_post(&server).await.unwrap_err();
        let unreadable = error
            .unreadable_body()
            .unwrap_or_else(|| panic!("{body:?}: {error}"));
        assert_eq!(unreadable.status(), 200);
        assert_eq!(
            unreadable.excerpt(),
            body.split_whitespace().collect::<Vec<_>>().join(" ")
        );
        assert!(!unreadable.reason().is_empty());
    }
}

#[tokio::test]
async fn any_2xx_with_a_json_object_is_the_typed_answer_and_an_empty_204_is_unreadable() {
    let answer = fixture("createPost.response.json").to_string();
    let server = serve(201, "application/json", &answer).await;
    let response = create_post(&server).await.expect("a 201 decodes");
    assert_eq!(response.status().as_u16(), 201);
    let expected: types::CreatePostResponse = typed("createPost.response.json");
    assert_eq!(response.into_inner(), expected);

    let server = serve(204, "application/json", "").await;
    let error = create_post(&server).await.unwrap_err();
    let unreadable = error.unreadable_body().expect("an unreadable body");
    assert_eq!((unreadable.status(), unreadable.excerpt()), (204, ""));
}

#[tokio::test]
async fn an_error_body_with_a_string_code_still_surfaces_as_the_error_response() {
    let server = serve(
        403,
        "application/json",
        r#"{"status":"error","code":"400300","message":"Forbidden","data":{"detail":1},"traceId":"t-1"}"#,
    )
    .await;
    let error = create_post(&server).await.unwrap_err();
    let body = error.error_body().expect("the error response");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(body.message.as_deref(), Some("Forbidden"));
    assert_eq!(body.status.as_deref(), Some("error"));
    assert_eq!(body.code, None);
    assert_eq!(
        body.unfit.len(),
        1,
        "exactly one value left out: {:?}",
        body.unfit
    );
    assert_eq!(
        (body.unfit[0].path.as_str(), &body.unfit[0].value),
        ("/code", &json!("400300"))
    );
    assert!(error.is_forbidden(), "the status still says forbidden");
}

#[tokio::test]
async fn an_error_body_without_a_message_or_with_odd_fields_still_surfaces() {
    let server = serve(
        429,
        "application/json",
        r#"{"code":400311,"data":"not an object","extra":[1,2]}"#,
    )
    .await;
    let error = client_without_retries(&server).await;
    let body = error.error_body().expect("the error response");
    assert_eq!(body.code, Some(400311));
    assert_eq!(body.message, None);
    assert_eq!(body.data, None);
    assert_eq!(body.unfit.len(), 1);
    assert_eq!(body.unfit[0].path, "/data");
    assert!(error.is_rate_limited());
}

async fn client_without_retries(server: &MockServer) -> Error {
    crate::support::client_with_retries(server, 0)
        .create_post()
        .body::<types::CreatePostRequest>(typed("createPost.request.json"))
        .send()
        .await
        .unwrap_err()
}

// -------------------------------------------------- capturing the warnings

/// Runs `future` with a subscriber that keeps every WARN event as
/// `field=value` text, on this thread (the test runtime is single-threaded).
async fn capture_warnings<F: std::future::Future>(future: F) -> (Vec<String>, F::Output) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let subscriber = Capture {
        events: events.clone(),
    };
    // As in many_users.rs: with a second live dispatcher, tracing asks every
    // one whether a callsite is wanted, instead of caching the answer of
    // whichever thread reached it first.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let output = future.await;
    drop(guard);
    let events = events.lock().unwrap().clone();
    (events, output)
}

struct Capture {
    events: Arc<Mutex<Vec<String>>>,
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        *metadata.level() <= tracing::Level::WARN
    }
    // Never cache an interest: tests with subscribers of their own run on
    // other threads at once, and a cached `never` from one would hide the
    // spans and events from another.
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        struct Fields(Vec<String>);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push(format!("{}={value:?}", field.name()));
            }
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                self.0.push(format!("{}={value}", field.name()));
            }
        }
        let mut fields = Fields(Vec::new());
        event.record(&mut fields);
        self.events.lock().unwrap().push(fields.0.join(" "));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
