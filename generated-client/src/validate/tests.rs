//! The runtime on hand-written tables, for what the real spec does not have:
//! `allOf`, a component that aliases another, a required name without a
//! declared property, repeated keys; and the text of any violations reading
//! back as the same violations.

use serde_json::{Value, json};

use super::{Location, PathParameters, Property, Rule, Schema, Tables, Violation, Violations};

/// The hand-written tables, as a generated module hands its own to the
/// runtime.
static TABLES: Tables = Tables {
    body_schema,
    path_parameters,
    operation_name,
};

/// The generated module's entry points, on [`TABLES`].
fn check_request(operation_id: &str, body: &Value) -> Result<(), Violations> {
    super::check_request(&TABLES, operation_id, body)
}

fn check_request_json(operation_id: &str, body: &[u8]) -> Result<(), Violations> {
    super::check_request_json(&TABLES, operation_id, body)
}

fn check_request_parts(
    operation_id: &str,
    url_path: &str,
    body: Option<&[u8]>,
) -> Result<(), Violations> {
    super::check_request_parts(&TABLES, operation_id, url_path, body)
}

/// `Violations::parse`, on [`TABLES`].
fn parse(text: &str) -> Option<Violations> {
    super::parse_violations(&TABLES, text)
}

fn body_schema(operation_id: &str) -> Option<(&'static str, &'static Schema)> {
    match operation_id {
        "allOf" => Some(("allOf", &ALL_OF)),
        "alias" => Some(("alias", &ALIAS)),
        "object" => Some(("object", &OBJECT)),
        _ => None,
    }
}

fn path_parameters(operation_id: &str) -> Option<(&'static str, &'static str, PathParameters)> {
    match operation_id {
        "things" => Some(("things", "/things/{id}/parts/{part}", THINGS_PATH)),
        _ => None,
    }
}

fn operation_name(operation_id: &str) -> Option<&'static str> {
    ["allOf", "alias", "object", "things"]
        .into_iter()
        .find(|name| *name == operation_id)
}

static THINGS_PATH: PathParameters = &[("id", &SHORT)];
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
            .map(|Violation { path, rule, .. }| format!("{path}: {rule}"))
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

#[test]
fn path_parameters_are_checked_in_the_url_as_sent() {
    let check = |path: &str| check_request_parts("things", path, None);
    assert_eq!(check("/base/things/abc/parts/xyzzy"), Ok(()));
    let refused = check("/base/things/abcd/parts/1").unwrap_err();
    assert_eq!(refused.operation, "things");
    assert_eq!(
        refused.violations,
        [Violation {
            location: Location::PathParameter,
            path: "id".to_owned(),
            rule: Rule::MaxLength { max: 3, actual: 4 },
        }]
    );
    assert_eq!(
        refused.to_string(),
        "things request breaks documented rules: path parameter `id`: 4 characters, more than the maximum length of 3"
    );
    // Percent-encoding counts as the one character it stands for.
    assert_eq!(check("/things/a%2Fb/parts/1"), Ok(()));
    assert!(check("/things/a%2Fbc/parts/1").is_err());
    // A path of another shape is left to the service.
    assert_eq!(check("/other/abcdef/parts/1"), Ok(()));
    assert_eq!(check("/abcdef"), Ok(()));
}

#[test]
fn path_and_body_violations_are_reported_together() {
    let refused = check_request_parts("things", "/things/abcd/parts/1", None).unwrap_err();
    assert_eq!(refused.violations.len(), 1);
    let body =
        check_request_parts("object", "/x", Some(br#"{"id": 1, "name": "long"}"#)).unwrap_err();
    assert_eq!(body.operation, "object");
    assert_eq!(body.violations.len(), 1);
    assert_eq!(body.violations[0].location, Location::Body);
    assert_eq!(body.violations[0].path, ".name");
    assert_eq!(body.violations[0].rule.keyword(), "maxLength");
}

#[test]
fn the_text_of_violations_reads_back_as_the_same_violations() {
    let every_rule = [
        Rule::Required,
        Rule::NotNull,
        Rule::MaxLength {
            max: 900,
            actual: 901,
        },
        Rule::MinLength { min: 1, actual: 0 },
        Rule::MaxItems { max: 5, actual: 6 },
        Rule::MinItems { min: 2, actual: 1 },
        Rule::Minimum {
            min: 1.0,
            exclusive: false,
            actual: 0.0,
        },
        Rule::Minimum {
            min: 0.5,
            exclusive: true,
            actual: 0.5,
        },
        Rule::Maximum {
            max: 1000.0,
            exclusive: false,
            actual: 1e300,
        },
        Rule::Maximum {
            max: -2.25,
            exclusive: true,
            actual: 3.125,
        },
        Rule::DateTime,
    ];
    let violations: Vec<Violation> = every_rule
        .iter()
        .enumerate()
        .map(|(i, rule)| Violation {
            location: if i % 3 == 0 {
                Location::PathParameter
            } else {
                Location::Body
            },
            path: match i % 3 {
                0 => "postId".to_owned(),
                1 => String::new(),
                _ => format!(".mentionees[{i}].userIds"),
            },
            rule: rule.clone(),
        })
        .collect();
    let all = Violations {
        operation: "object",
        violations,
    };
    assert_eq!(parse(&all.to_string()), Some(all.clone()));
    assert_eq!(parse("conversion to `X` for x failed"), None);
    assert_eq!(
        parse("unknownOp request breaks documented rules: body: required field is missing"),
        None,
        "only the spec's operations"
    );
}

mod round_trip {
    use proptest::prelude::*;

    use super::{Location, Rule, Violation, Violations, parse};

    fn rule() -> impl Strategy<Value = Rule> {
        let size = 0usize..100_000;
        let number = prop_oneof![any::<i32>().prop_map(f64::from), -1e300f64..1e300];
        prop_oneof![
            Just(Rule::Required),
            Just(Rule::NotNull),
            Just(Rule::DateTime),
            (size.clone(), size.clone()).prop_map(|(max, actual)| Rule::MaxLength { max, actual }),
            (size.clone(), size.clone()).prop_map(|(min, actual)| Rule::MinLength { min, actual }),
            (size.clone(), size.clone()).prop_map(|(max, actual)| Rule::MaxItems { max, actual }),
            (size.clone(), size).prop_map(|(min, actual)| Rule::MinItems { min, actual }),
            (number.clone(), any::<bool>(), number.clone()).prop_map(|(min, exclusive, actual)| {
                Rule::Minimum {
                    min,
                    exclusive,
                    actual,
                }
            }),
            (number.clone(), any::<bool>(), number).prop_map(|(max, exclusive, actual)| {
                Rule::Maximum {
                    max,
                    exclusive,
                    actual,
                }
            }),
        ]
    }

    fn violation() -> impl Strategy<Value = Violation> {
        // Any characters, the ones the text escapes and quotes among them.
        let path = prop_oneof![any::<String>(), "[.`;\\\\ :a\\[\\]0-9]{0,12}",];
        (any::<bool>(), path, rule()).prop_map(|(in_path, path, rule)| Violation {
            location: if in_path {
                Location::PathParameter
            } else {
                Location::Body
            },
            path,
            rule,
        })
    }

    proptest! {
        #[test]
        fn any_violations_read_back_from_their_text(
            violations in proptest::collection::vec(violation(), 1..5)
        ) {
            let all = Violations { operation: "object", violations };
            let text = all.to_string();
            prop_assert_eq!(parse(&text), Some(all), "{}", text);
        }
    }
}
