//! The runtime on hand-written tables, for what the real spec does not have:
//! `allOf`, a component that aliases another, a required name without a
//! declared property, repeated keys, `oneOf`, enums of every kind of value,
//! rules nested in rules; and the text of any violations reading back as the
//! same violations.

use serde_json::{Value, json};

use std::borrow::Cow;

use super::{
    CountedItems, DocumentedRule, Literal, Location, Parameters, PathParameters, Property, Refused,
    Rule, Schema, Tables, UncheckableBody, Violation, Violations,
};

/// The hand-written tables, as a generated module hands its own to the
/// runtime.
static TABLES: Tables = Tables {
    body_schema,
    path_parameters,
    parameters,
};

/// `list`: `options[limit]` in 1..=100, `tags` at most 2 of at most 3
/// characters, an `x-key` header of at most 4.
fn parameters(operation_id: &str) -> Option<(&'static str, Parameters)> {
    static LIMIT: Schema = Schema {
        minimum: Some((1.0, false)),
        maximum: Some((100.0, false)),
        ..Schema::NONE
    };
    static TAG: Schema = Schema {
        max_length: Some(3),
        ..Schema::NONE
    };
    static TAGS: Schema = Schema {
        max_items: Some(2),
        items: Some(&TAG),
        ..Schema::NONE
    };
    static KEY: Schema = Schema {
        max_length: Some(4),
        ..Schema::NONE
    };
    static LIST: Parameters = &[
        ("options[limit]", Location::QueryParameter, &LIMIT),
        ("tags", Location::QueryParameter, &TAGS),
        ("x-key", Location::Header, &KEY),
    ];
    match operation_id {
        "list" => Some(("list", LIST)),
        _ => None,
    }
}

/// The generated module's entry points, on [`TABLES`].
fn check_request(operation_id: &str, body: &Value) -> Result<(), Violations> {
    super::check_request(&TABLES, operation_id, body)
}

/// [`super::check_request_json`] on a body the walk finishes: its
/// violations (an uncheckable body fails the test).
#[track_caller]
fn check_request_json(operation_id: &str, body: &[u8]) -> Result<(), Violations> {
    super::check_request_json(&TABLES, operation_id, body).map_err(violations_only)
}

/// The violations of a refusal; an uncheckable body fails the test.
#[track_caller]
fn violations_only(refused: Refused) -> Violations {
    match refused {
        Refused::Violations(violations) => violations,
        Refused::Uncheckable(why) => panic!("uncheckable: {why}"),
    }
}

fn check_request_parts(
    operation_id: &str,
    url_path: &str,
    body: Option<&[u8]>,
) -> Result<(), Violations> {
    let url = reqwest::Url::parse("http://localhost")
        .unwrap()
        .join(url_path)
        .unwrap();
    super::check_request_parts(&TABLES, operation_id, &url, &http::HeaderMap::new(), body)
        .map_err(violations_only)
}

#[test]
fn query_parameters_and_headers_are_checked_as_sent() {
    let check = |query: &str, key: &str| {
        let url = reqwest::Url::parse(&format!("http://localhost/list?{query}")).unwrap();
        let mut headers = http::HeaderMap::new();
        if !key.is_empty() {
            headers.insert("x-key", key.parse().unwrap());
        }
        super::check_request_parts(&TABLES, "list", &url, &headers, None).map_err(violations_only)
    };
    assert_eq!(
        check("options%5Blimit%5D=100&tags=a&tags=bcd", "abcd"),
        Ok(())
    );
    assert_eq!(check("options[limit]=1", ""), Ok(()));
    assert_eq!(check("other=999", ""), Ok(()), "absent parameters pass");
    let refused = check("options%5Blimit%5D=101&tags=a&tags=b&tags=toolong", "abcde").unwrap_err();
    assert_eq!(refused.operation, "list");
    let texts: Vec<String> = refused.violations.iter().map(|v| v.to_string()).collect();
    assert_eq!(
        texts,
        [
            "query parameter `options[limit]`: 101 is out of range: it must be at most 100",
            "query parameter `tags[2]`: 7 characters, more than the maximum length of 3",
            "query parameter `tags`: 3 items, more than the maximum of 2",
            "header `x-key`: 5 characters, more than the maximum length of 4",
        ]
    );
    assert_eq!(
        refused.violations[0].rule,
        Rule::Maximum {
            max: 100.0,
            exclusive: false,
            actual: 101.0
        }
    );
    let zero = check("options[limit]=0", "").unwrap_err();
    assert_eq!(zero.violations[0].location, Location::QueryParameter);
    assert_eq!(zero.violations[0].path, "options[limit]");
}

fn body_schema(operation_id: &str) -> Option<(&'static str, &'static Schema)> {
    match operation_id {
        "allOf" => Some(("allOf", &ALL_OF)),
        "alias" => Some(("alias", &ALIAS)),
        "object" => Some(("object", &OBJECT)),
        "rules" => Some(("rules", &RULES)),
        "oneOf" => Some(("oneOf", &ONE_OF)),
        "enum" => Some(("enum", &ENUM)),
        "size" => Some(("size", &SIZE)),
        _ => None,
    }
}

fn path_parameters(operation_id: &str) -> Option<(&'static str, &'static str, PathParameters)> {
    match operation_id {
        "things" => Some(("things", "/things/{id}/parts/{part}", THINGS_PATH)),
        _ => None,
    }
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

const fn required(name: &'static str) -> Property {
    Property {
        name,
        required: true,
        nullable: true,
        schema: None,
    }
}

static OUTER: DocumentedRule = DocumentedRule {
    name: Cow::Borrowed("outer-rule"),
    page: Cow::Borrowed("page.txt"),
    quote: Cow::Borrowed("Give a or b; \"quoted\" [x]"),
};
static INNER: DocumentedRule = DocumentedRule {
    name: Cow::Borrowed("inner-rule"),
    page: Cow::Borrowed("page.txt"),
    quote: Cow::Borrowed("At most 2 items of kind x, 20 bytes."),
};

/// `{a, b, kind, items}`: a rule "kind c needs a or b" (an `anyOf` whose last
/// alternative, not kind c, is a condition), and on `items` a rule of its own with a
/// size and a count.
static RULES: Schema = Schema {
    properties: &[Property {
        name: "items",
        required: false,
        nullable: false,
        schema: Some(&Schema {
            all_of: &[&Schema {
                rule: Some(&INNER),
                max_bytes: Some(20),
                max_items_where: Some(&CountedItems {
                    property: "kind",
                    equals: Literal::String("x"),
                    max: 2,
                }),
                ..Schema::NONE
            }],
            ..Schema::NONE
        }),
    }],
    all_of: &[&Schema {
        rule: Some(&OUTER),
        any_of: &[
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
                    required: true,
                    nullable: false,
                    schema: Some(&Schema {
                        min_length: Some(1),
                        ..Schema::NONE
                    }),
                }],
                ..Schema::NONE
            },
            &Schema {
                not: Some(&Schema {
                    properties: &[Property {
                        name: "kind",
                        required: true,
                        nullable: false,
                        schema: Some(&Schema {
                            enum_values: &[Literal::String("c")],
                            ..Schema::NONE
                        }),
                    }],
                    ..Schema::NONE
                }),
                ..Schema::NONE
            },
        ],
        ..Schema::NONE
    }],
    ..Schema::NONE
};

/// Exactly one of `{x}` and `{y}`.
static ONE_OF: Schema = Schema {
    one_of: &[
        &Schema {
            properties: &[required("x")],
            ..Schema::NONE
        },
        &Schema {
            properties: &[required("y")],
            ..Schema::NONE
        },
    ],
    ..Schema::NONE
};

static ENUM: Schema = Schema {
    items: Some(&Schema {
        enum_values: &[
            Literal::String("a;b"),
            Literal::Number(1.5),
            Literal::Number(2.0),
            Literal::Bool(false),
            Literal::Null,
        ],
        ..Schema::NONE
    }),
    ..Schema::NONE
};

/// Any value, with its encoded size reported.
static SIZE: Schema = Schema {
    max_bytes: Some(0),
    ..Schema::NONE
};

/// Checks `body` both ways (as a `Value` and as bytes) and asserts they agree.
#[track_caller]
fn checked(operation: &str, body: &str) -> Result<(), Violations> {
    let value: Value = serde_json::from_str(body).expect("test bodies are JSON");
    let from_value = check_request(operation, &value);
    let from_bytes = check_request_json(operation, body.as_bytes());
    assert_eq!(from_bytes, from_value, "{body}");
    from_value
}

/// The violations of `body` (checked both ways) as `path: message` lines.
#[track_caller]
fn violations(operation: &str, body: &str) -> Vec<String> {
    match checked(operation, body) {
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

/// The violations of `body` with the documented rule each breaks.
#[track_caller]
fn with_rules(operation: &str, body: &str) -> Vec<String> {
    match checked(operation, body) {
        Ok(()) => Vec::new(),
        Err(refused) => refused
            .violations
            .into_iter()
            .map(|v| {
                let rule = v
                    .documented
                    .map(|r| r.name.into_owned())
                    .unwrap_or_default();
                format!("{}: {} [{rule}]", v.path, v.rule)
            })
            .collect(),
    }
}

#[test]
fn an_any_of_reports_the_closest_alternative_that_is_not_a_condition() {
    assert!(with_rules("rules", r#"{"kind": "c", "a": 1}"#).is_empty());
    assert!(with_rules("rules", r#"{"kind": "c", "b": "x"}"#).is_empty());
    // The rule applies to kind c only.
    assert!(with_rules("rules", r#"{"kind": "d"}"#).is_empty());
    assert!(with_rules("rules", r#"{}"#).is_empty());
    // Neither: both alternatives are one violation away; the first is named.
    assert_eq!(
        with_rules("rules", r#"{"kind": "c"}"#),
        [".a: required field is missing [outer-rule]"]
    );
    assert_eq!(
        with_rules("rules", r#"{"kind": "c", "b": ""}"#),
        [".a: required field is missing [outer-rule]"]
    );
    // `a` null: not allowed and missing, two violations; `b`'s one is closer.
    assert_eq!(
        with_rules("rules", r#"{"kind": "c", "a": null}"#),
        [".b: required field is missing [outer-rule]"]
    );
}

#[test]
fn a_rule_inside_a_rule_keeps_its_own_name_and_size_and_count_are_checked() {
    assert!(with_rules("rules", r#"{"a": 1, "items": [{"kind": "x"}]}"#).is_empty());
    assert_eq!(
        with_rules(
            "rules",
            r#"{"a": 1, "items": [{"kind": "x"}, {"kind": "x"}, {"kind": "x"}]}"#
        ),
        [
            ".items: 3 items with kind = \"x\", more than the maximum of 2 [inner-rule]",
            ".items: 40 bytes encoded as JSON, more than the maximum of 20 [inner-rule]",
        ]
    );
    // Whitespace in the input does not count: the size is the value's, encoded.
    assert!(with_rules("rules", r#"{"a": 1, "items": [ {  "kind" :  "x" } ] }"#).is_empty());
}

#[test]
fn one_of_holds_for_exactly_one_alternative() {
    assert!(with_rules("oneOf", r#"{"x": 1}"#).is_empty());
    assert!(with_rules("oneOf", r#"{"y": 1}"#).is_empty());
    assert_eq!(
        with_rules("oneOf", r#"{"x": 1, "y": 1}"#),
        [": 2 alternatives hold, where exactly one may []"]
    );
    assert_eq!(
        with_rules("oneOf", r#"{}"#),
        [".x: required field is missing []"]
    );
}

#[test]
fn enums_of_every_kind_of_value() {
    assert!(with_rules("enum", r#"["a;b", 1.5, 2, false, null]"#).is_empty());
    assert_eq!(
        with_rules("enum", r#"["a", true, 3]"#),
        [
            "[0]: \"a\" is not one of the documented values {\"a;b\", 1.5, 2.0, false, null} []",
            "[1]: true is not one of the documented values {\"a;b\", 1.5, 2.0, false, null} []",
            "[2]: 3 is not one of the documented values {\"a;b\", 1.5, 2.0, false, null} []",
        ]
    );
}

#[test]
fn a_documented_rule_is_named_with_its_page_and_sentence() {
    let refused = check_request("rules", &json!({ "kind": "c" })).unwrap_err();
    let documented = refused.violations[0]
        .documented()
        .expect("a documented rule");
    assert_eq!(documented.name(), "outer-rule");
    assert_eq!(documented.page(), "page.txt");
    assert_eq!(documented.quote(), "Give a or b; \"quoted\" [x]");
    assert_eq!(
        refused.to_string(),
        "rules request breaks documented rules: body `.a`: required field is missing \
         [rule outer-rule, page.txt: \"Give a or b; \\\"quoted\\\" [x]\"]"
    );
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
fn a_repeated_key_makes_the_body_uncheckable() {
    // Which `name` the service reads is not known: refused, naming the key.
    for body in [
        r#"{"id": 1, "name": "toolong", "name": "ok"}"#,
        r#"{"id": 1, "name": "ok", "name": "toolong"}"#,
    ] {
        assert_eq!(
            super::check_request_json(&TABLES, "object", body.as_bytes()),
            Err(Refused::Uncheckable(UncheckableBody::DuplicateKey {
                operation: "object",
                path: ".name".to_owned(),
            })),
            "{body}"
        );
    }
}

#[test]
fn nesting_deeper_than_the_reader_reads_is_uncheckable_not_passed() {
    // `size` measures its whole body (`max-bytes`), so the walk reads every
    // level; serde_json stops at 128.
    let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    match super::check_request_json(&TABLES, "size", deep.as_bytes()) {
        Err(Refused::Uncheckable(UncheckableBody::Unreadable { operation, reason })) => {
            assert_eq!(operation, "size");
            assert!(reason.contains("recursion limit"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // A deep value where the spec constrains nothing is skipped, not read.
    let skipped = format!("{{\"id\": 1, \"other\": {deep}}}");
    assert_eq!(
        super::check_request_json(&TABLES, "object", skipped.as_bytes()),
        Ok(())
    );
}

#[test]
fn what_is_not_json_is_uncheckable_and_unknown_operations_pass() {
    for body in [
        &br#"{"name": "toolong""#[..],
        &br#"{"name": "toolong"} x"#[..],
        &b"\xff"[..],
    ] {
        assert!(
            matches!(
                super::check_request_json(&TABLES, "object", body),
                Err(Refused::Uncheckable(UncheckableBody::Unreadable { .. }))
            ),
            "{body:?}"
        );
    }
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
            documented: None,
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

mod sizes {
    use proptest::prelude::*;
    use serde_json::Value;

    use super::{Rule, check_request, check_request_json};

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// `max-bytes` counts what serde_json writes for the value, from a
        /// `Value` and from any spelling of it in bytes.
        #[test]
        fn the_size_is_the_compact_encoding(value in any_json()) {
            let compact = serde_json::to_vec(&value).unwrap();
            let pretty = serde_json::to_vec_pretty(&value).unwrap();
            let expected = Rule::MaxBytes { max: 0, actual: compact.len() };
            for found in [
                check_request("size", &value),
                check_request_json("size", &compact),
                check_request_json("size", &pretty),
            ] {
                let refused = found.unwrap_err();
                prop_assert_eq!(&refused.violations[0].rule, &expected);
            }
        }
    }
}
