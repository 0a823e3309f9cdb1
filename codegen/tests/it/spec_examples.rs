//! `spec/openapi.yaml` against the example payloads of the API docs.
//!
//! Every fixture in `spec/examples/` (copied from the doc pages) must validate against
//! the schema of its operation's request body or 200 response. The schema is found by
//! walking the spec from the operationId, and checked strictly: every object schema
//! that declares `properties` but says nothing about `additionalProperties` is closed
//! (`additionalProperties: false`), so a key present in an example but missing from
//! the spec fails. Formats (`date-time`) are asserted.
//!
//! The negative cases at the end prove that the check can fail.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use codegen::json_schema::{self, Objects};
use serde_json::{Value, json};

// ---------------------------------------------------------------- spec loading

fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ lives in the workspace root")
}

fn spec_path() -> PathBuf {
    repo_root().join("spec/openapi.yaml")
}

fn examples_dir() -> PathBuf {
    repo_root().join("spec/examples")
}

fn spec_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let path = spec_path();
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    })
}

/// The spec as a plain JSON value (YAML -> serde_json::Value).
fn spec_json() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        codegen::Spec::load(&spec_path(), codegen::SPEC_PATH)
            .unwrap_or_else(|e| panic!("{} does not load: {e}", spec_path().display()))
            .document()
            .clone()
    })
}

/// The operationIds of the documented endpoints.
const OPERATIONS: [&str; 30] = [
    "createPost",
    "createStory",
    "createMessage",
    "createChannel",
    "approvePost",
    "getPost",
    "updatePost",
    "deletePost",
    "declinePost",
    "getStory",
    "deleteStory",
    "getMessage",
    "updateMessage",
    "deleteMessage",
    "getChannel",
    "updateChannel",
    "addChannelUsers",
    "removeChannelUsers",
    "banChannelUsers",
    "uploadFile",
    "getFile",
    "deleteFile",
    "getUser",
    "queryPosts",
    "queryStories",
    "queryMessages",
    "queryChannels",
    "queryUsers",
    "createAuthToken",
    "registerSession",
];

#[test]
fn spec_parses_as_openapi_3_0_3() {
    let api: openapiv3::OpenAPI = serde_yaml::from_str(spec_text()).unwrap_or_else(|e| {
        panic!(
            "{} is not an OpenAPI 3 document: {e}",
            spec_path().display()
        )
    });
    assert_eq!(api.openapi, "3.0.3");

    let mut ids: Vec<String> = api
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    ids.sort();
    let mut expected: Vec<String> = OPERATIONS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(ids, expected, "operationIds in the spec");
}

// ---------------------------------------------------------------- spec walking

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Request,
    Response,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Request => "request",
            Part::Response => "response",
        })
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The operation object with this operationId (exactly one must exist).
fn operation(op_id: &str) -> &'static Value {
    let paths = spec_json()["paths"]
        .as_object()
        .expect("spec has a `paths` object");
    let found: Vec<&Value> = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| METHODS.iter().filter_map(move |m| item.get(*m)))
        .filter(|op| op["operationId"] == op_id)
        .collect();
    match found.as_slice() {
        [op] => op,
        [] => panic!("no operation with operationId {op_id:?} in the spec"),
        _ => panic!("operationId {op_id:?} is used {} times", found.len()),
    }
}

/// Follows local `$ref`s (`#/...`) until a non-reference object is reached.
fn deref(mut value: &'static Value) -> &'static Value {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r
                    .strip_prefix('#')
                    .unwrap_or_else(|| panic!("only local $refs are supported, got {r:?}"));
                value = spec_json()
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling $ref {r:?}"));
            }
            None => return value,
        }
    }
    panic!("$ref chain too long (cycle?)")
}

/// The application/json schema of the operation's request body or 200 response, or
/// `None` when the operation has no request body.
fn body_schema(op_id: &str, part: Part) -> Option<&'static Value> {
    let op = operation(op_id);
    let holder = match part {
        Part::Request => deref(op.get("requestBody")?),
        Part::Response => deref(
            op.pointer("/responses/200")
                .unwrap_or_else(|| panic!("{op_id} has no 200 response")),
        ),
    };
    // A multipart form (uploadFile's) has no JSON example: its page shows
    // `--form` fields, which `cargo xtask docs` compares with the spec.
    if matches!(part, Part::Request) && holder.pointer("/content/multipart~1form-data").is_some() {
        return None;
    }
    let schema = holder
        .pointer("/content/application~1json/schema")
        .unwrap_or_else(|| panic!("{op_id} {part}: no application/json schema"));
    Some(schema)
}

/// One validation failure: where in the instance, and why.
#[derive(Debug)]
struct Failure {
    path: String,
    message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(f, "at {path}: {}", self.message)
    }
}

/// Validates `instance` against the body schema of `op_id`/`part`; returns all errors.
fn failures(op_id: &str, part: Part, instance: &Value) -> Vec<Failure> {
    let schema =
        body_schema(op_id, part).unwrap_or_else(|| panic!("{op_id} has no {part} body schema"));
    let document = json_schema::document(spec_json(), schema, Objects::Closed);
    let validator = json_schema::validator(&document)
        .unwrap_or_else(|e| panic!("{op_id} {part}: the converted schema is invalid: {e}"));
    validator
        .iter_errors(instance)
        .map(|e| Failure {
            path: e.instance_path().to_string(),
            message: e.to_string(),
        })
        .collect()
}

// --------------------------------------------------------------- the fixtures

fn fixture_name(op_id: &str, part: Part) -> String {
    format!("{op_id}.{part}.json")
}

fn read_fixture(name: &str) -> Value {
    let path = examples_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

/// Asserts that `spec/examples/<op_id>.<part>.json` matches its schema; on failure
/// names the fixture and lists every error with its JSON path.
#[track_caller]
fn check(op_id: &str, part: Part) {
    let name = fixture_name(op_id, part);
    let instance = read_fixture(&name);
    let errors = failures(op_id, part, &instance);
    assert!(
        errors.is_empty(),
        "spec/examples/{name} does not match the {part} schema of {op_id} ({} errors):\n  {}",
        errors.len(),
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n  "),
    );
}

#[test]
fn create_post_examples() {
    check("createPost", Part::Request);
    check("createPost", Part::Response);
}

#[test]
fn create_story_examples() {
    check("createStory", Part::Request);
    check("createStory", Part::Response);
}

#[test]
fn create_message_examples() {
    check("createMessage", Part::Request);
    check("createMessage", Part::Response);
}

#[test]
fn create_channel_examples() {
    check("createChannel", Part::Request);
    check("createChannel", Part::Response);
}

#[test]
fn approve_post_examples() {
    assert!(
        body_schema("approvePost", Part::Request).is_none(),
        "approvePost has no request body"
    );
    check("approvePost", Part::Response);
}

/// The operations of the older pages: each example validates against its schema,
/// and an operation whose page sends no body has none.
#[test]
fn older_pages_examples() {
    for op in [
        "updatePost",
        "updateMessage",
        "updateChannel",
        "addChannelUsers",
        "banChannelUsers",
        "createAuthToken",
        "registerSession",
    ] {
        check(op, Part::Request);
    }
    for op in [
        "getPost",
        "deletePost",
        "declinePost",
        "getStory",
        "deleteStory",
        "getMessage",
        "deleteMessage",
        "getChannel",
        "removeChannelUsers",
        "getFile",
        "deleteFile",
        "getUser",
        "queryPosts",
        "queryStories",
        "queryMessages",
        "queryChannels",
        "queryUsers",
    ] {
        assert!(
            body_schema(op, Part::Request).is_none(),
            "{op} has no request body"
        );
    }
    for op in OPERATIONS[5..]
        .iter()
        .filter(|op| !TEXT_ANSWERS.contains(op))
    {
        check(op, Part::Response);
    }
}

/// Operations whose answer is plain text, not JSON: no response fixture (the
/// spec's text schema holds the page's example, compared by `cargo xtask docs`).
const TEXT_ANSWERS: [&str; 1] = ["createAuthToken"];

/// Every operation with a request body has a request fixture, every operation has a
/// response fixture, and there is no fixture for anything else.
#[test]
fn fixtures_cover_exactly_the_operations() {
    let mut expected = BTreeSet::new();
    for op in OPERATIONS {
        if body_schema(op, Part::Request).is_some() {
            expected.insert(fixture_name(op, Part::Request));
        }
        if !TEXT_ANSWERS.contains(&op) {
            expected.insert(fixture_name(op, Part::Response));
        }
    }
    let present: BTreeSet<String> = std::fs::read_dir(examples_dir())
        .expect("spec/examples exists")
        .map(|e| {
            e.expect("readable dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert_eq!(present, expected, "files in spec/examples/");
}

// ----------------------------------------------------------- negative checks

/// A mutation of a fixture, and what the validator must say about it.
struct Case {
    what: &'static str,
    op: &'static str,
    part: Part,
    mutate: fn(&mut Value),
    /// `Some(path)`: must fail with an error at this instance path.
    /// `None`: must still pass.
    fails_at: Option<&'static str>,
}

fn at<'a>(v: &'a mut Value, pointer: &str) -> &'a mut Value {
    v.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("fixture has no {pointer}"))
}

fn insert(v: &mut Value, pointer: &str, key: &str, value: Value) {
    at(v, pointer)
        .as_object_mut()
        .unwrap_or_else(|| panic!("{pointer} is not an object"))
        .insert(key.into(), value);
}

fn remove(v: &mut Value, pointer: &str, key: &str) {
    at(v, pointer)
        .as_object_mut()
        .unwrap_or_else(|| panic!("{pointer} is not an object"))
        .remove(key)
        .unwrap_or_else(|| panic!("{pointer} has no {key:?}"));
}

const CASES: &[Case] = &[
    // undeclared keys
    Case {
        what: "undeclared top-level request key",
        op: "createPost",
        part: Part::Request,
        mutate: |v| insert(v, "", "notInTheSpec", json!(1)),
        fails_at: Some(""),
    },
    Case {
        what: "undeclared key in a nested response object",
        op: "createPost",
        part: Part::Response,
        mutate: |v| insert(v, "/posts/0/hashFlag", "notInTheSpec", json!(1)),
        fails_at: Some("/posts/0/hashFlag"),
    },
    Case {
        what: "undeclared key in a reused entity (User on the channel page)",
        op: "createChannel",
        part: Part::Response,
        mutate: |v| insert(v, "/users/0", "notInTheSpec", json!("x")),
        fails_at: Some("/users/0"),
    },
    Case {
        what: "undeclared key in a story item",
        op: "createStory",
        part: Part::Request,
        mutate: |v| insert(v, "/items/0/data", "notInTheSpec", json!("x")),
        fails_at: Some("/items/0/data"),
    },
    Case {
        what: "a key approve-post's envelope does not have",
        op: "approvePost",
        part: Part::Response,
        mutate: |v| insert(v, "", "rooms", json!([])),
        fails_at: Some(""),
    },
    Case {
        what: "custom post data may carry any key (additionalProperties: true)",
        op: "createPost",
        part: Part::Request,
        mutate: |v| insert(v, "/data", "anything", json!({ "you": "want" })),
        fails_at: None,
    },
    // maxItems / maxLength
    Case {
        what: "post tags over maxItems 5",
        op: "createPost",
        part: Part::Request,
        mutate: |v| *at(v, "/tags") = json!(["a", "b", "c", "d", "e", "f"]),
        fails_at: Some("/tags"),
    },
    Case {
        what: "post tags at maxItems 5",
        op: "createPost",
        part: Part::Request,
        mutate: |v| *at(v, "/tags") = json!(["a", "b", "c", "d", "e"]),
        fails_at: None,
    },
    Case {
        what: "post tag over maxLength 24",
        op: "createPost",
        part: Part::Request,
        mutate: |v| *at(v, "/tags/0") = json!("x".repeat(25)),
        fails_at: Some("/tags/0"),
    },
    Case {
        what: "channel tags over maxItems 10",
        op: "createChannel",
        part: Part::Request,
        mutate: |v| *at(v, "/tags") = json!(vec!["t"; 11]),
        fails_at: Some("/tags"),
    },
    Case {
        what: "message mentionees over maxItems 2",
        op: "createMessage",
        part: Part::Request,
        mutate: |v| {
            let one = at(v, "/mentionees/0").clone();
            *at(v, "/mentionees") = json!([one.clone(), one.clone(), one]);
        },
        fails_at: Some("/mentionees"),
    },
    Case {
        what: "post targetId over maxLength 900",
        op: "createPost",
        part: Part::Request,
        mutate: |v| *at(v, "/targetId") = json!("x".repeat(901)),
        fails_at: Some("/targetId"),
    },
    // types, ranges, enums, required
    Case {
        what: "wrong type: number as a string",
        op: "createChannel",
        part: Part::Request,
        mutate: |v| *at(v, "/autoDeleteMessageByFlagLimit") = json!("500.5"),
        fails_at: Some("/autoDeleteMessageByFlagLimit"),
    },
    Case {
        what: "below the required range 1 <= x <= 1000",
        op: "createChannel",
        part: Part::Request,
        mutate: |v| *at(v, "/autoDeleteMessageByFlagLimit") = json!(0.5),
        fails_at: Some("/autoDeleteMessageByFlagLimit"),
    },
    Case {
        what: "above the required range 1 <= x <= 1000",
        op: "createChannel",
        part: Part::Request,
        mutate: |v| *at(v, "/autoDeleteMessageByFlagLimit") = json!(1000.5),
        fails_at: Some("/autoDeleteMessageByFlagLimit"),
    },
    Case {
        what: "wrong type in a response: count as a string",
        op: "createPost",
        part: Part::Response,
        mutate: |v| *at(v, "/posts/0/sharedCount") = json!("123"),
        fails_at: Some("/posts/0/sharedCount"),
    },
    Case {
        what: "wrong type in a response: fractional count",
        op: "createMessage",
        part: Part::Response,
        mutate: |v| *at(v, "/messages/0/channelSegment") = json!(1.5),
        fails_at: Some("/messages/0/channelSegment"),
    },
    Case {
        what: "wrong type: reaction count as a string",
        op: "createStory",
        part: Part::Response,
        mutate: |v| *at(v, "/stories/0/reactions/like") = json!("1"),
        fails_at: Some("/stories/0/reactions/like"),
    },
    Case {
        what: "enum value not in Available options",
        op: "createStory",
        part: Part::Request,
        mutate: |v| *at(v, "/targetType") = json!("user"),
        fails_at: Some("/targetType"),
    },
    Case {
        what: "missing required field",
        op: "createStory",
        part: Part::Request,
        mutate: |v| remove(v, "", "referenceId"),
        fails_at: Some(""),
    },
    Case {
        what: "missing required post data",
        op: "createPost",
        part: Part::Request,
        mutate: |v| remove(v, "", "data"),
        fails_at: Some(""),
    },
    Case {
        what: "custom post dataType is a free string",
        op: "createPost",
        part: Part::Request,
        mutate: |v| *at(v, "/dataType") = json!("com.foo.bar"),
        fails_at: None,
    },
    // date-time format
    Case {
        what: "bad date-time in a request",
        op: "createPost",
        part: Part::Request,
        mutate: |v| *at(v, "/createdAt") = json!("2022-07-07"),
        fails_at: Some("/createdAt"),
    },
    Case {
        what: "bad date-time in a response",
        op: "createPost",
        part: Part::Response,
        mutate: |v| *at(v, "/posts/0/createdAt") = json!("yesterday"),
        fails_at: Some("/posts/0/createdAt"),
    },
    Case {
        what: "poll createdAt is a plain string, not a date-time",
        op: "approvePost",
        part: Part::Response,
        mutate: |v| *at(v, "/polls/0/createdAt") = json!("yesterday"),
        fails_at: None,
    },
    // nullable
    Case {
        what: "nullable messagePreviewId accepts null",
        op: "createChannel",
        part: Part::Response,
        mutate: |v| *at(v, "/channels/0/messagePreviewId") = Value::Null,
        fails_at: None,
    },
    Case {
        what: "non-nullable field rejects null",
        op: "createChannel",
        part: Part::Response,
        mutate: |v| *at(v, "/channels/0/channelId") = Value::Null,
        fails_at: Some("/channels/0/channelId"),
    },
    // documented rules (x-rule members): the JSON Schema view sees them
    Case {
        what: "rule post-live-stream-needs-stream-id",
        op: "createPost",
        part: Part::Request,
        mutate: |v| {
            *at(v, "/dataType") = json!("liveStream");
            remove(v, "/data", "streamId");
        },
        fails_at: Some(""),
    },
    Case {
        what: "rule post-text-or-attachments",
        op: "createPost",
        part: Part::Request,
        mutate: |v| {
            remove(v, "", "dataType");
            remove(v, "", "attachments");
            *at(v, "/data/text") = json!("");
        },
        fails_at: Some(""),
    },
    Case {
        what: "rule post-text-or-attachments: an attachment is enough",
        op: "createPost",
        part: Part::Request,
        mutate: |v| {
            remove(v, "", "dataType");
            remove(v, "/data", "text");
        },
        fails_at: None,
    },
    Case {
        what: "rule post-custom-data-size",
        op: "createPost",
        part: Part::Request,
        mutate: |v| *at(v, "/data/title") = json!("x".repeat(102_400)),
        // The rule is an anyOf on the body: the validator reports it there.
        fails_at: Some(""),
    },
    Case {
        what: "rule post-custom-data-size: not for a poll post",
        op: "createPost",
        part: Part::Request,
        mutate: |v| {
            *at(v, "/dataType") = json!("poll");
            *at(v, "/data/title") = json!("x".repeat(102_400));
        },
        fails_at: None,
    },
    Case {
        what: "rule post-attachment-type-and-file-id",
        op: "createPost",
        part: Part::Request,
        mutate: |v| remove(v, "/attachments/0", "fileId"),
        fails_at: Some("/attachments/0"),
    },
    Case {
        what: "rule story-media-needs-file-id",
        op: "createStory",
        part: Part::Request,
        mutate: |v| {
            *at(v, "/dataType") = json!("video");
            remove(v, "/data", "fileId");
        },
        fails_at: Some(""),
    },
    Case {
        what: "rule story-data-size",
        op: "createStory",
        part: Part::Request,
        mutate: |v| *at(v, "/data/text") = json!("x".repeat(10_240)),
        fails_at: Some("/data"),
    },
    Case {
        what: "rule story-metadata-size",
        op: "createStory",
        part: Part::Request,
        mutate: |v| *at(v, "/metadata/anything") = json!("x".repeat(5_120)),
        fails_at: Some("/metadata"),
    },
    Case {
        what: "rule story-items-hyperlink-only",
        op: "createStory",
        part: Part::Request,
        mutate: |v| *at(v, "/items/0/type") = json!("image"),
        fails_at: Some("/items/0/type"),
    },
    Case {
        what: "rule story-one-hyperlink-item",
        op: "createStory",
        part: Part::Request,
        mutate: |v| {
            let item = at(v, "/items/0").clone();
            at(v, "/items").as_array_mut().unwrap().push(item);
        },
        fails_at: Some("/items"),
    },
    Case {
        what: "rule channel-video-stream-needs-post",
        op: "createChannel",
        part: Part::Request,
        mutate: |v| remove(v, "", "postId"),
        fails_at: Some(""),
    },
    Case {
        what: "rule channel-post-needs-video-stream",
        op: "createChannel",
        part: Part::Request,
        mutate: |v| remove(v, "", "videoStreamId"),
        fails_at: Some(""),
    },
    Case {
        what: "rules channel-*: neither postId nor videoStreamId",
        op: "createChannel",
        part: Part::Request,
        mutate: |v| {
            remove(v, "", "postId");
            remove(v, "", "videoStreamId");
        },
        fails_at: None,
    },
];

#[test]
fn mutated_fixtures_fail_where_expected() {
    let mut problems = Vec::new();
    for case in CASES {
        let name = fixture_name(case.op, case.part);
        let mut instance = read_fixture(&name);
        (case.mutate)(&mut instance);
        let errors = failures(case.op, case.part, &instance);
        let listed = || {
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        };
        match case.fails_at {
            None if !errors.is_empty() => problems.push(format!(
                "{} (mutated spec/examples/{name}): expected to pass, got {}",
                case.what,
                listed()
            )),
            Some(path) if !errors.iter().any(|e| e.path == path) => problems.push(format!(
                "{} (mutated spec/examples/{name}): expected an error at {:?}, got [{}]",
                case.what,
                path,
                listed()
            )),
            _ => {}
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The converter itself: closing objects, nullable, exclusive bounds.
#[test]
fn strict_schema_conversion() {
    let mut s = json!({
        "type": "object",
        "properties": {
            "a": { "type": "string", "nullable": true, "enum": ["x"] },
            "b": { "type": "object", "properties": { "c": { "type": "integer" } } },
            "d": { "type": "object", "additionalProperties": true, "properties": {} },
            "e": { "type": "number", "minimum": 1, "exclusiveMinimum": true },
            "f": { "type": "object", "example": { "properties": {} } }
        }
    });
    json_schema::convert(&mut s, Objects::Closed);
    assert_eq!(
        s,
        json!({
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "a": { "type": ["string", "null"], "enum": ["x", null] },
                "b": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": { "c": { "type": "integer" } }
                },
                "d": { "type": "object", "additionalProperties": true, "properties": {} },
                "e": { "type": "number", "exclusiveMinimum": 1 },
                "f": { "type": "object", "example": { "properties": {} } }
            }
        })
    );
}

/// Every documented rule quotes its page word for word: the quote is found on
/// the page named (in `../shared/docs`, beside the project), whitespace aside.
#[test]
fn every_rule_quotes_its_page() {
    let docs = repo_root().join("../shared/docs");
    let mut rules = 0;
    let mut problems = Vec::new();
    codegen::document::walk(spec_json(), &mut |at, slot, value| {
        if slot != codegen::document::Slot::Schema {
            return;
        }
        let Some(rule) = value
            .get("x-rule")
            .filter(|rule| rule.get("name").is_some())
        else {
            return;
        };
        rules += 1;
        let page = rule["page"].as_str().unwrap_or_default();
        let quote = rule["quote"].as_str().unwrap_or_default();
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        match std::fs::read_to_string(docs.join(page)) {
            Ok(text) if words(&text).contains(&words(quote)) => {}
            Ok(_) => problems.push(format!("{at}: {page} has no {quote:?}")),
            Err(e) => problems.push(format!("{at}: cannot read {page}: {e}")),
        }
    });
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert_eq!(rules, 17, "the spec's documented rules");
}

/// The real spec states every operation's retry class (`x-retry`) instead of
/// leaving it to the method: a maintainer adding a page decides it.
#[test]
fn every_operation_of_the_spec_states_its_retry_class() {
    let text = std::fs::read_to_string(spec_path()).unwrap();
    let spec: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let mut operations = 0;
    for (route, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(id) = operation.get("operationId").and_then(|v| v.as_str()) else {
                continue;
            };
            operations += 1;
            let class = operation.get(codegen::RETRY).and_then(|v| v.as_str());
            let expected: &[&str] = match method.as_str() {
                "get" | "put" | "delete" => &["idempotent"],
                _ => &["client-chosen-id", "not-after-send"],
            };
            assert!(
                class.is_some_and(|c| expected.contains(&c)),
                "{id} ({method} {route}): x-retry is {class:?}, expected one of {expected:?}"
            );
        }
    }
    assert!(operations >= 5);
}
