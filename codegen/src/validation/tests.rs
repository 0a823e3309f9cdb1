//! The interpreter in `runtime.rs`, compiled here against hand-written tables
//! for what the real spec does not have: `allOf`, a component that aliases
//! another, a required name without a declared property, repeated keys.

#[allow(dead_code)]
mod runtime {
    fn body_schema(operation_id: &str) -> Option<(&'static str, &'static Schema)> {
        match operation_id {
            "allOf" => Some(("allOf", &ALL_OF)),
            "alias" => Some(("alias", &ALIAS)),
            "object" => Some(("object", &OBJECT)),
            _ => None,
        }
    }

    static SHORT: Schema = Schema {
        max_length: Some(3),
        ..Schema::NONE
    };
    static ALIAS: Schema = Schema {
        all_of: &[&SHORT],
        ..Schema::NONE
    };
    static ALL_OF: Schema = Schema {
        all_of: &[
            &Schema {
                properties: &[Property {
                    name: "a",
                    required: true,
                    nullable: false,
                    schema: None,
                }],
                ..Schema::NONE
            },
            &Schema {
                properties: &[Property {
                    name: "b",
                    required: false,
                    nullable: true,
                    schema: Some(&Schema {
                        maximum: Some((5.0, false)),
                        ..Schema::NONE
                    }),
                }],
                ..Schema::NONE
            },
        ],
        ..Schema::NONE
    };
    static OBJECT: Schema = Schema {
        properties: &[
            Property {
                name: "name",
                required: false,
                nullable: false,
                schema: Some(&SHORT),
            },
            Property {
                name: "tags",
                required: false,
                nullable: true,
                schema: Some(&Schema {
                    max_items: Some(2),
                    items: Some(&SHORT),
                    ..Schema::NONE
                }),
            },
            Property {
                name: "id",
                required: true,
                nullable: true,
                schema: None,
            },
        ],
        ..Schema::NONE
    };

    include!("runtime.rs");
}

use runtime::{Violation, Violations, check_request, check_request_json};
use serde_json::{Value, json};

/// Checks `body` both ways, asserts they agree, and returns the violations
/// as `path: message` lines.
#[track_caller]
fn violations(operation: &str, body: &str) -> Vec<String> {
    let value: Value = serde_json::from_str(body).expect("test bodies are JSON");
    let from_value = check_request(operation, &value);
    let from_bytes = check_request_json(operation, body.as_bytes());
    assert_eq!(from_bytes, from_value, "{body}");
    match from_value {
        Ok(()) => Vec::new(),
        Err(Violations { violations, .. }) => violations
            .into_iter()
            .map(|Violation { path, message }| format!("{path}: {message}"))
            .collect(),
    }
}

#[test]
fn every_part_of_an_all_of_applies() {
    assert_eq!(
        violations("allOf", r#"{"b": 7}"#),
        [
            ".a: required field is missing",
            ".b: 7 is out of range: it must be at most 5"
        ]
    );
    assert_eq!(
        violations("allOf", r#"{"a": null, "b": null}"#),
        [
            ".a: null is not allowed (a NaN or infinite number encodes as null)",
            ".a: required field is missing"
        ]
    );
    assert!(violations("allOf", r#"{"a": 1, "b": 5}"#).is_empty());
}

#[test]
fn an_alias_checks_as_its_target() {
    assert_eq!(
        violations("alias", r#""abcd""#),
        [": 4 characters, more than the maximum length of 3"]
    );
    assert!(violations("alias", r#""abc""#).is_empty());
}

#[test]
fn objects_arrays_and_paths() {
    assert_eq!(
        violations(
            "object",
            r#"{"tags": ["ok", "toolong", "x"], "name": "long", "other": [1, {"id": null}]}"#
        ),
        [
            ".id: required field is missing",
            ".name: 4 characters, more than the maximum length of 3",
            ".tags: 3 items, more than the maximum of 2",
            ".tags[1]: 7 characters, more than the maximum length of 3",
        ]
    );
    assert!(violations("object", r#"{"id": 1, "tags": null}"#).is_empty());
    // Not an object: nothing to check against an object schema.
    assert!(violations("object", "[1, 2]").is_empty());
}

#[test]
fn a_repeated_key_counts_as_serde_json_reads_it() {
    // The last `name` wins: `"ok"`, so nothing is wrong...
    assert!(violations("object", r#"{"id": 1, "name": "toolong", "name": "ok"}"#).is_empty());
    // ...and here the last one is too long.
    assert_eq!(
        violations("object", r#"{"id": 1, "name": "ok", "name": "toolong"}"#),
        [".name: 7 characters, more than the maximum length of 3"]
    );
}

#[test]
fn what_is_not_json_passes_and_unknown_operations_pass() {
    assert_eq!(
        check_request_json("object", br#"{"name": "toolong""#),
        Ok(())
    );
    assert_eq!(
        check_request_json("object", br#"{"name": "toolong"} x"#),
        Ok(())
    );
    assert_eq!(check_request_json("object", b"\xff"), Ok(()));
    assert_eq!(
        check_request("nothing", &json!({ "name": "toolong" })),
        Ok(())
    );
}
