//! `cargo xtask diff`: one test per kind of change on a small spec pair, one on
//! a copy of the real spec with several edits, and the CLI's edges (no changes,
//! `--fail-on`, JSON shape, parse errors, git revisions).

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use xtask::diff::{self, FailOn, Format, Report};

/// A small spec: two operations sharing the `Thing` schema (which refers to
/// itself through `parent`), request-side parameters, enums and limits.
const BASE: &str = r##"openapi: 3.0.3
info:
  title: things
  version: "1"
paths:
  /things/{thingId}:
    post:
      operationId: createThing
      description: Create a thing.
      parameters:
        - name: thingId
          in: path
          required: true
          schema:
            type: string
            maxLength: 50
        - name: dryRun
          in: query
          schema:
            type: boolean
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/ThingRequest'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/ThingResponse'
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: '#/components/schemas/Thing'
components:
  schemas:
    ThingRequest:
      type: object
      required:
        - name
      properties:
        name:
          type: string
          description: The name.
          maxLength: 100
        kind:
          type: string
          enum:
            - small
            - large
          default: small
        count:
          type: integer
          minimum: 1
          maximum: 10
        tags:
          type: array
          maxItems: 5
          items:
            type: string
        labels:
          type: object
          additionalProperties:
            type: string
    ThingResponse:
      type: object
      properties:
        things:
          type: array
          items:
            $ref: '#/components/schemas/Thing'
    Thing:
      type: object
      properties:
        id:
          type: string
          maxLength: 20
        status:
          type: string
          enum:
            - active
            - archived
        createdAt:
          type: string
          format: date-time
        size:
          type: integer
        parent:
          $ref: '#/components/schemas/Thing'
"##;

/// `text` with `from` replaced by `to`; `from` must occur exactly once, so
/// that an edit never silently misses.
#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    let found = text.matches(from).count();
    assert_eq!(found, 1, "`{from}` occurs {found} times, expected once");
    text.replacen(from, to, 1)
}

fn compare(base: &str, new: &str) -> Report {
    match diff::compare_texts(base, "base.yaml", new, "new.yaml") {
        Ok(report) => report,
        Err(error) => panic!("the specs do not compare: {error:#}"),
    }
}

/// One line per change, `severity kind location`, in report order.
fn rows(report: &Report) -> String {
    let lines: Vec<String> = report
        .changes
        .iter()
        .map(|c| format!("{} {} {}", c.severity.as_str(), c.kind.as_str(), c.location))
        .collect();
    lines.join("\n")
}

/// Compares `base` with `new` and checks the rows (`severity kind location`,
/// one per line, leading and trailing blanks ignored).
#[track_caller]
fn check(base: &str, new: &str, expected: &str) {
    let report = compare(base, new);
    let expected: Vec<&str> = expected
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let actual = rows(&report);
    assert_eq!(
        actual,
        expected.join("\n"),
        "\nactual rows:\n{actual}\n\nfull report:\n{}",
        diff::render(&report, Format::Text)
    );
    // Every change says something, and `breaking` agrees with the severity.
    for change in &report.changes {
        assert!(!change.message.is_empty(), "{change:?}");
        assert!(!change.message.contains('\n'), "{change:?}");
    }
}

/// Like [`check`] for an edit of [`BASE`].
#[track_caller]
fn check_edit(from: &str, to: &str, expected: &str) {
    check(BASE, &edit(BASE, from, to), expected);
}

// ------------------------------------------------------------------ operations

const OTHER_OPERATION: &str = r#"  /other:
    get:
      operationId: getOther
      responses:
        '204':
          description: nothing
"#;

#[test]
fn operation_added_is_not_breaking() {
    check_edit(
        "components:\n",
        &format!("{OTHER_OPERATION}components:\n"),
        "non-breaking operation_added getOther (GET /other)",
    );
}

#[test]
fn operation_removed_is_breaking() {
    let with_other = edit(
        BASE,
        "components:\n",
        &format!("{OTHER_OPERATION}components:\n"),
    );
    check(
        &with_other,
        BASE,
        "breaking operation_removed getOther (GET /other)",
    );
}

#[test]
fn operation_id_changed_is_breaking() {
    check_edit(
        "operationId: listThings",
        "operationId: findThings",
        "breaking operation_id_changed findThings (GET /things)",
    );
}

#[test]
fn operation_route_changed_is_breaking() {
    check_edit(
        "  /things:\n    get:",
        "  /items:\n    get:",
        "breaking operation_route_changed listThings (GET /items)",
    );
    // A method change moves the operation too.
    check_edit(
        "  /things:\n    get:",
        "  /things:\n    put:",
        "breaking operation_route_changed listThings (PUT /things)",
    );
    // Renaming a path parameter does not move the operation: the parameter
    // itself is reported (its builder method is renamed).
    let renamed = edit(BASE, "/things/{thingId}:", "/things/{id}:");
    let renamed = edit(&renamed, "        - name: thingId", "        - name: id");
    check(
        BASE,
        &renamed,
        "breaking parameter_removed createThing request path parameter thingId
         breaking parameter_added createThing request path parameter id",
    );
}

#[test]
fn operation_description_changed_is_info() {
    check_edit(
        "description: Create a thing.",
        "description: Create one thing.",
        "info description_changed createThing (POST /things/{thingId})",
    );
}

// ---------------------------------------------------------------- request side

#[test]
fn request_field_added_required_is_breaking() {
    check_edit(
        "      required:\n        - name\n      properties:\n",
        "      required:\n        - name\n        - color\n      properties:\n        color:\n          type: string\n",
        "breaking field_added createThing request .color",
    );
}

#[test]
fn request_field_added_optional_is_not_breaking() {
    check_edit(
        "      required:\n        - name\n      properties:\n",
        "      required:\n        - name\n      properties:\n        color:\n          type: string\n",
        "non-breaking field_added createThing request .color",
    );
}

#[test]
fn request_field_removed_is_breaking() {
    check_edit(
        "        count:\n          type: integer\n          minimum: 1\n          maximum: 10\n",
        "",
        "breaking field_removed createThing request .count",
    );
}

#[test]
fn request_field_became_required_is_breaking() {
    check_edit(
        "      required:\n        - name\n",
        "      required:\n        - name\n        - kind\n",
        "breaking field_became_required createThing request .kind",
    );
}

#[test]
fn request_field_became_optional_is_not_breaking() {
    check_edit(
        "      required:\n        - name\n",
        "",
        "non-breaking field_became_optional createThing request .name",
    );
}

#[test]
fn request_type_changed_is_breaking() {
    check_edit(
        "        count:\n          type: integer",
        "        count:\n          type: number",
        "breaking type_changed createThing request .count",
    );
}

#[test]
fn request_enum_value_removed_is_breaking() {
    check_edit(
        "            - small\n            - large\n",
        "            - small\n",
        "breaking enum_value_removed createThing request .kind",
    );
}

#[test]
fn request_enum_value_added_is_not_breaking() {
    check_edit(
        "            - small\n            - large\n",
        "            - small\n            - large\n            - huge\n",
        "non-breaking enum_value_added createThing request .kind",
    );
}

#[test]
fn request_constraint_tightened_is_breaking() {
    // Lowered upper limits, raised lower limits, newly added limits.
    check_edit(
        "          maxLength: 100",
        "          maxLength: 80",
        "breaking constraint_tightened createThing request .name",
    );
    check_edit(
        "          minimum: 1\n          maximum: 10\n",
        "          minimum: 2\n          maximum: 9\n",
        "breaking constraint_tightened createThing request .count
         breaking constraint_tightened createThing request .count",
    );
    check_edit(
        "          maxItems: 5",
        "          maxItems: 3\n          minItems: 1",
        "breaking constraint_tightened createThing request .tags
         breaking constraint_tightened createThing request .tags",
    );
    check_edit(
        "          description: The name.\n",
        "          description: The name.\n          minLength: 1\n",
        "breaking constraint_tightened createThing request .name",
    );
}

#[test]
fn request_constraint_loosened_is_not_breaking() {
    check_edit(
        "          maxLength: 100",
        "          maxLength: 200",
        "non-breaking constraint_loosened createThing request .name",
    );
    check_edit(
        "          minimum: 1\n          maximum: 10\n",
        "",
        "non-breaking constraint_loosened createThing request .count
         non-breaking constraint_loosened createThing request .count",
    );
}

#[test]
fn request_default_changed_is_info() {
    check_edit(
        "          default: small",
        "          default: large",
        "info default_changed createThing request .kind",
    );
}

#[test]
fn request_description_changed_is_info() {
    check_edit(
        "          description: The name.",
        "          description: The thing's name.",
        "info description_changed createThing request .name",
    );
}

#[test]
fn request_map_values_are_walked() {
    check_edit(
        "          additionalProperties:\n            type: string\n",
        "          additionalProperties:\n            type: string\n            maxLength: 10\n",
        "breaking constraint_tightened createThing request .labels{}",
    );
}

#[test]
fn request_array_items_are_walked() {
    check_edit(
        "          items:\n            type: string\n        labels:",
        "          items:\n            type: integer\n        labels:",
        "breaking type_changed createThing request .tags[]",
    );
}

// ------------------------------------------------------------------ parameters

#[test]
fn parameter_added_required_is_breaking_optional_is_not() {
    let parameters = "      parameters:\n";
    check_edit(
        parameters,
        "      parameters:\n        - name: region\n          in: query\n          required: true\n          schema:\n            type: string\n",
        "breaking parameter_added createThing request query parameter region",
    );
    check_edit(
        parameters,
        "      parameters:\n        - name: region\n          in: query\n          schema:\n            type: string\n",
        "non-breaking parameter_added createThing request query parameter region",
    );
}

#[test]
fn parameter_removed_is_breaking() {
    check_edit(
        "        - name: dryRun\n          in: query\n          schema:\n            type: boolean\n",
        "",
        "breaking parameter_removed createThing request query parameter dryRun",
    );
}

#[test]
fn parameter_became_required_is_breaking() {
    check_edit(
        "          in: query\n",
        "          in: query\n          required: true\n",
        "breaking parameter_became_required createThing request query parameter dryRun",
    );
}

#[test]
fn parameter_schema_is_request_side() {
    check_edit(
        "            maxLength: 50",
        "            maxLength: 40",
        "breaking constraint_tightened createThing request path parameter thingId",
    );
}

// --------------------------------------------------------------- response side

#[test]
fn response_field_added_is_not_breaking() {
    check_edit(
        "        size:\n          type: integer\n",
        "        size:\n          type: integer\n        weight:\n          type: number\n",
        // Thing is reached from both operations: one row each.
        "non-breaking field_added createThing response .things[].weight
         non-breaking field_added listThings response [].weight",
    );
}

#[test]
fn response_field_removed_is_breaking() {
    check_edit(
        "        size:\n          type: integer\n",
        "",
        "breaking field_removed createThing response .things[].size
         breaking field_removed listThings response [].size",
    );
}

#[test]
fn response_type_and_format_changed_are_breaking() {
    check_edit(
        "        size:\n          type: integer",
        "        size:\n          type: string",
        "breaking type_changed createThing response .things[].size
         breaking type_changed listThings response [].size",
    );
    check_edit(
        "          format: date-time",
        "          format: date",
        "breaking format_changed createThing response .things[].createdAt
         breaking format_changed listThings response [].createdAt",
    );
}

#[test]
fn response_enum_values_are_never_breaking() {
    check_edit(
        "            - active\n            - archived\n",
        "            - active\n            - deleted\n",
        "non-breaking enum_value_removed createThing response .things[].status
         non-breaking enum_value_added createThing response .things[].status
         non-breaking enum_value_removed listThings response [].status
         non-breaking enum_value_added listThings response [].status",
    );
}

#[test]
fn response_constraint_tightened_is_not_breaking() {
    check_edit(
        "          maxLength: 20",
        "          maxLength: 10",
        "non-breaking constraint_tightened createThing response .things[].id
         non-breaking constraint_tightened listThings response [].id",
    );
}

#[test]
fn response_status_added_and_removed_are_not_breaking() {
    check_edit(
        "        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: array",
        "        '201':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: array",
        "non-breaking response_status_removed listThings response 200
         non-breaking response_status_added listThings response 201",
    );
}

#[test]
fn ref_cycles_end_and_shared_schemas_are_reported_once_per_operation() {
    // `Thing.parent` refers to `Thing`: the walk ends, and a change inside
    // Thing is reported once per operation, at the first place it is reached.
    check_edit(
        "        id:\n          type: string\n",
        "        id:\n          type: integer\n",
        "breaking type_changed createThing response .things[].id
         breaking type_changed listThings response [].id",
    );
}

#[test]
fn schema_ref_changed_to_another_component_is_breaking() {
    let with_copy = edit(
        BASE,
        "    Thing:\n",
        "    Item:\n      type: object\n      properties:\n        id:\n          type: string\n    Thing:\n",
    );
    let pointing = edit(
        &with_copy,
        "          items:\n            $ref: '#/components/schemas/Thing'\n    Item:",
        "          items:\n            $ref: '#/components/schemas/Item'\n    Item:",
    );
    let report = compare(&with_copy, &pointing);
    let kinds: Vec<(&str, &str)> = report
        .changes
        .iter()
        .map(|c| (c.kind.as_str(), c.location.as_str()))
        .collect();
    assert_eq!(
        kinds.first(),
        Some(&("schema_ref_changed", "createThing response .things[]")),
        "{}",
        rows(&report)
    );
    assert!(report.has_breaking());
}

// ------------------------------------------------------------------ components

#[test]
fn component_schemas_added_removed_and_unreached_have_no_operation() {
    let extra = "    Extra:\n      type: object\n      properties:\n        note:\n          type: string\n";
    let with_extra = edit(
        BASE,
        "    ThingRequest:\n",
        &format!("{extra}    ThingRequest:\n"),
    );
    check(
        BASE,
        &with_extra,
        "non-breaking schema_added components.schemas.Extra",
    );
    check(
        &with_extra,
        BASE,
        "breaking schema_removed components.schemas.Extra",
    );
    // A schema no operation reaches still is a generated type.
    let changed = edit(&with_extra, "        note:\n", "        remark:\n");
    check(
        &with_extra,
        &changed,
        "breaking field_removed components.schemas.Extra .note
         non-breaking field_added components.schemas.Extra .remark",
    );
    let report = compare(&with_extra, &changed);
    assert!(report.changes.iter().all(|c| c.operation.is_none()));
}

#[test]
fn document_metadata_changed_is_info() {
    check_edit(
        "  title: things",
        "  title: all the things",
        "info metadata_changed info",
    );
}

// ---------------------------------------------------------- CLI edges, output

#[test]
fn no_changes() {
    let report = compare(BASE, BASE);
    assert!(report.changes.is_empty());
    assert_eq!(diff::render(&report, Format::Text), "no changes\n");
    assert_eq!(diff::exit_code(&report, Some(FailOn::Breaking)), 0);
    assert_eq!(report.summary(), "no changes");
    // Formatting alone (comments, quotes, key order) is no change.
    let reformatted = edit(
        BASE,
        "      operationId: listThings\n",
        "      # listing\n      operationId: 'listThings'\n",
    );
    assert_eq!(compare(BASE, &reformatted).changes, Vec::new());
}

#[test]
fn fail_on_breaking_sets_the_exit_code() {
    let breaking = compare(BASE, &edit(BASE, "maxLength: 100", "maxLength: 90"));
    let non_breaking = compare(BASE, &edit(BASE, "maxLength: 100", "maxLength: 110"));
    let info = compare(BASE, &edit(BASE, "default: small", "default: large"));
    assert_eq!(diff::exit_code(&breaking, Some(FailOn::Breaking)), 1);
    assert_eq!(diff::exit_code(&breaking, None), 0);
    assert_eq!(diff::exit_code(&non_breaking, Some(FailOn::Breaking)), 0);
    assert_eq!(diff::exit_code(&info, Some(FailOn::Breaking)), 0);
}

#[test]
fn text_groups_by_operation_breaking_first_and_ends_with_a_summary() {
    let new = edit(BASE, "maxLength: 100", "maxLength: 110");
    let new = edit(
        &new,
        "        count:\n          type: integer\n          minimum: 1\n          maximum: 10\n",
        "",
    );
    let new = edit(&new, "default: small", "default: large");
    let new = edit(&new, "        size:\n          type: integer\n", "");
    let text = diff::render(&compare(BASE, &new), Format::Text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "createThing", "{text}");
    assert!(lines[1].starts_with("  breaking "), "{text}");
    assert!(
        lines[1].contains("request .count: request field `count` removed"),
        "{text}"
    );
    assert!(lines[2].starts_with("  breaking "), "{text}");
    assert!(lines[3].starts_with("  non-breaking "), "{text}");
    assert!(lines[4].starts_with("  info "), "{text}");
    assert_eq!(lines[5], "", "{text}");
    assert_eq!(lines[6], "listThings", "{text}");
    assert_eq!(
        lines.last(),
        Some(&"5 changes: 3 breaking, 1 non-breaking, 1 info"),
        "{text}"
    );
}

#[test]
fn markdown_is_one_table() {
    let new = edit(BASE, "maxLength: 100", "maxLength: 90");
    let markdown = diff::render(&compare(BASE, &new), Format::Markdown);
    assert_eq!(
        markdown,
        "**API changes: 1 change: 1 breaking, 0 non-breaking, 0 info**\n\n\
         | Severity | Operation | Location | Kind | Change |\n\
         |---|---|---|---|---|\n\
         | **breaking** | `createThing` | `request .name` | `constraint_tightened` | maxLength lowered from 100 to 90: a request that passed the client's checks before may now be refused |\n"
    );
}

#[test]
fn json_shape() {
    let new = edit(BASE, "maxLength: 100", "maxLength: 90");
    let new = edit(
        &new,
        "    ThingRequest:\n",
        "    Extra:\n      type: string\n    ThingRequest:\n",
    );
    let json = diff::render(&compare(BASE, &new), Format::Json);
    let document: Value = serde_json::from_str(&json).expect("the JSON output parses");
    // The text keeps the documented field order.
    let positions: Vec<usize> = [
        "operation",
        "location",
        "kind",
        "breaking",
        "severity",
        "message",
    ]
    .iter()
    .map(|key| {
        json.find(&format!("\"{key}\":"))
            .expect("the key is present")
    })
    .collect();
    assert!(positions.is_sorted(), "{json}");
    let object = document.as_object().expect("an object");
    assert_eq!(object.keys().collect::<Vec<_>>(), ["changes"]);
    let changes = document["changes"].as_array().expect("an array of changes");
    assert_eq!(changes.len(), 2, "{json}");
    for change in changes {
        let mut keys: Vec<&str> = change
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "breaking",
                "kind",
                "location",
                "message",
                "operation",
                "severity"
            ],
            "{json}"
        );
    }
    assert_eq!(
        changes[0],
        serde_json::json!({
            "operation": "createThing",
            "location": "createThing request .name",
            "kind": "constraint_tightened",
            "breaking": true,
            "severity": "breaking",
            "message": "maxLength lowered from 100 to 90: a request that passed the client's checks before may now be refused",
        })
    );
    assert_eq!(changes[1]["operation"], Value::Null);
    assert_eq!(changes[1]["kind"], "schema_added");
    assert_eq!(changes[1]["breaking"], false);
    assert_eq!(changes[1]["severity"], "non-breaking");
    // No changes: an empty list.
    let empty: Value = serde_json::from_str(&diff::render(&Report::default(), Format::Json))
        .expect("the JSON output parses");
    assert_eq!(empty, serde_json::json!({ "changes": [] }));
}

#[test]
fn an_unparsable_spec_is_an_error_naming_its_side() {
    let broken = edit(BASE, "openapi: 3.0.3", "openapi: 3.0.3\n  bad: [");
    let base_error = diff::compare_texts(
        &broken,
        "spec/openapi.yaml@HEAD",
        BASE,
        "spec/openapi.yaml (working tree)",
    )
    .expect_err("a broken base spec is an error");
    let message = format!("{base_error:#}");
    assert!(
        message.starts_with("the base spec does not parse: spec/openapi.yaml@HEAD:"),
        "{message}"
    );
    assert!(message.ends_with("pick another `--base`"), "{message}");

    let new_error = diff::compare_texts(
        BASE,
        "spec/openapi.yaml@HEAD",
        &broken,
        "spec/openapi.yaml (working tree)",
    )
    .expect_err("a broken new spec is an error");
    let message = format!("{new_error:#}");
    assert!(
        message.starts_with("the new spec does not parse: spec/openapi.yaml (working tree):"),
        "{message}"
    );

    // Valid YAML, but not a spec codegen accepts.
    let version = edit(BASE, "openapi: 3.0.3", "openapi: 3.1.0");
    let message = format!(
        "{:#}",
        diff::compare_texts(BASE, "b", &version, "n").expect_err("3.1 is refused")
    );
    assert!(
        message.starts_with(
            "the new spec does not parse: n:1:1: #/openapi: `openapi: 3.1.0` is not supported"
        ),
        "{message}"
    );
}

// ---------------------------------------------------------------- the real spec

fn real_spec() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn real_spec_with_several_edits() {
    let base = real_spec();
    // createChannel: a tighter limit, an enum value swapped, a new required
    // field; the shared Post schema loses `dataType` (a response field); the
    // error body's `code` changes type; a description changes.
    let new = edit(
        &base,
        "          description: The display name for the channel. Maximum length is 100 characters.\n          maxLength: 100\n",
        "          description: The display name for the channel. Maximum length is 100 characters.\n          maxLength: 64\n",
    );
    let new = edit(
        &new,
        "            - community\n            - live\n            - broadcast\n",
        "            - community\n            - live\n            - conversation\n",
    );
    let new = edit(
        &new,
        "    CreateChannelRequest:\n      type: object\n      description: Information of channel to be created\n",
        "    CreateChannelRequest:\n      type: object\n      description: Information of channel to be created\n      required:\n        - displayName\n",
    );
    let new = edit(
        &new,
        "          type: integer\n          description: Error code; see the list of known codes above.\n",
        "          type: string\n          description: Error code; see the list of known codes above.\n",
    );
    let new = edit(
        &new,
        "      description: Approve a post that is under review. The request has no body.\n",
        "      description: Approve a post under review. The request has no body.\n",
    );
    let post = "    Post:\n";
    let post_start = new.find(post).expect("the spec has a Post schema");
    let data_type = "        dataType:\n          type: string\n";
    let offset = new[post_start..]
        .find(data_type)
        .expect("Post has a dataType");
    let at = post_start + offset;
    let mut new = new.clone();
    new.replace_range(
        at..at + data_type.len(),
        "        dataKind:\n          type: string\n",
    );

    let report = compare(&base, &new);
    let rows = rows(&report);
    let expect = [
        "info description_changed approvePost (POST /api/v3/posts/{postId}/approve)",
        "breaking field_became_required createChannel request .displayName",
        "breaking constraint_tightened createChannel request .displayName",
        "breaking enum_value_removed createChannel request .type",
        "non-breaking enum_value_added createChannel request .type",
        // Post is reached first (in name order) through `.postChildren[]`.
        "breaking field_removed createPost response .postChildren[].dataType",
        "non-breaking field_added createPost response .postChildren[].dataKind",
        "breaking field_removed approvePost response .postChildren[].dataType",
        "breaking type_changed createPost error response .code",
        "breaking type_changed createChannel error response .code",
    ];
    for line in expect {
        assert!(
            rows.lines().any(|row| row == line),
            "missing `{line}` in:\n{rows}"
        );
    }
    // Every operation has the error body: one `code` row each, no more.
    let code_rows = rows
        .lines()
        .filter(|row| row.ends_with("error response .code"))
        .count();
    assert_eq!(code_rows, 5, "{rows}");
    assert_eq!(
        report.summary(),
        format!(
            "{} changes: {} breaking, {} non-breaking, {} info",
            report.changes.len(),
            report.count(diff::Severity::Breaking),
            report.count(diff::Severity::NonBreaking),
            report.count(diff::Severity::Info)
        )
    );
    assert_eq!(diff::exit_code(&report, Some(FailOn::Breaking)), 1);
}

#[test]
fn real_spec_against_itself_has_no_changes() {
    let spec = real_spec();
    assert_eq!(compare(&spec, &spec).changes, Vec::new());
}

// ------------------------------------------------------------------------- git

/// Runs git in `dir` with a fixed identity; fails the test on error.
#[track_caller]
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn git_revisions_are_resolved_and_a_bad_one_is_an_error() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    let spec = root.join("spec/openapi.yaml");
    std::fs::create_dir_all(root.join("spec")).expect("spec/ is created");
    git(root, &["init", "--quiet"]);

    // No commit yet: HEAD does not resolve (regen prints a note instead).
    std::fs::write(&spec, BASE).expect("the spec is written");
    let message = format!(
        "{:#}",
        diff::summary_against_head(root).expect_err("no HEAD yet")
    );
    assert!(
        message.starts_with("cannot resolve `--base HEAD` in "),
        "{message}"
    );

    git(root, &["add", "spec/openapi.yaml"]);
    git(root, &["commit", "--quiet", "-m", "first"]);
    git(root, &["tag", "first"]);
    let report = diff::compare_with_working_tree(root, "HEAD").expect("HEAD resolves");
    assert!(report.changes.is_empty());

    std::fs::write(&spec, edit(BASE, "maxLength: 100", "maxLength: 90"))
        .expect("the spec is written");
    git(root, &["commit", "--quiet", "-am", "second"]);
    std::fs::write(&spec, edit(BASE, "maxLength: 100", "maxLength: 80"))
        .expect("the spec is written");

    // HEAD is the second commit: 90 -> 80; `first` and `HEAD~1`: 100 -> 80.
    let against_head = diff::compare_with_working_tree(root, "HEAD").expect("HEAD resolves");
    assert_eq!(
        against_head.changes[0].message.split(':').next(),
        Some("maxLength lowered from 90 to 80")
    );
    for base in ["first", "HEAD~1"] {
        let report = diff::compare_with_working_tree(root, base).expect("the revision resolves");
        assert_eq!(
            report.changes[0].message.split(':').next(),
            Some("maxLength lowered from 100 to 80")
        );
    }
    let summary = diff::summary_against_head(root).expect("HEAD resolves");
    assert_eq!(
        summary,
        "spec/openapi.yaml against HEAD: 1 change: 1 breaking, 0 non-breaking, 0 info\n  \
         constraint_tightened createThing request .name: maxLength lowered from 90 to 80: \
         a request that passed the client's checks before may now be refused\n"
    );

    let message = format!(
        "{:#}",
        diff::compare_with_working_tree(root, "no-such-branch")
            .expect_err("a bad revision is an error")
    );
    assert!(
        message.starts_with("cannot resolve `--base no-such-branch` in ")
            && message.ends_with("pass a commit, branch or tag that exists (e.g. `--base HEAD~1`)"),
        "{message}"
    );
    // Not taken for an option.
    let message = format!(
        "{:#}",
        diff::compare_with_working_tree(root, "--all").expect_err("an option is no revision")
    );
    assert!(
        message.starts_with("cannot resolve `--base --all`"),
        "{message}"
    );

    // A revision without the spec.
    std::fs::write(root.join("README"), "x").expect("a file is written");
    git(root, &["rm", "--quiet", "--cached", "spec/openapi.yaml"]);
    git(root, &["add", "README"]);
    git(root, &["commit", "--quiet", "-m", "no spec"]);
    let message = format!(
        "{:#}",
        diff::compare_with_working_tree(root, "HEAD").expect_err("HEAD has no spec")
    );
    assert!(
        message.starts_with("spec/openapi.yaml does not exist at `HEAD`")
            && message.ends_with("pick a `--base` that has the spec"),
        "{message}"
    );
}

#[test]
fn a_spec_split_into_files_is_read_whole_at_the_base_revision() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    std::fs::create_dir_all(root.join("spec/schemas")).expect("spec/schemas/ is created");
    git(root, &["init", "--quiet"]);
    // The request schema moves to its own file.
    let start = BASE
        .find("    ThingRequest:\n")
        .expect("BASE has ThingRequest");
    let end = start
        + BASE[start + 1..]
            .find("\n    Thing")
            .or_else(|| BASE[start + 1..].find("\n    "))
            .expect("a schema follows");
    let request: String = BASE[start..=end]
        .lines()
        .skip(1)
        .map(|line| format!("{}\n", line.get(6..).unwrap_or("")))
        .collect();
    let root_text = BASE.replace(&BASE[start..=end], "").replace(
        "'#/components/schemas/ThingRequest'",
        "'./schemas/request.yaml'",
    );
    assert!(root_text.contains("./schemas/request.yaml"), "{root_text}");
    assert!(request.contains("maxLength: 100"), "{request}");
    std::fs::write(root.join("spec/openapi.yaml"), &root_text).expect("the root is written");
    std::fs::write(root.join("spec/schemas/request.yaml"), &request).expect("a file is written");
    git(root, &["add", "spec"]);
    git(root, &["commit", "--quiet", "-m", "split"]);
    let report = diff::compare_with_working_tree(root, "HEAD").expect("both sides read");
    assert!(report.changes.is_empty(), "{}", rows(&report));

    // Only the referenced file changes: the diff sees it.
    std::fs::write(
        root.join("spec/schemas/request.yaml"),
        request.replace("maxLength: 100", "maxLength: 80"),
    )
    .expect("a file is written");
    let report = diff::compare_with_working_tree(root, "HEAD").expect("both sides read");
    assert_eq!(report.changes.len(), 1, "{}", rows(&report));
    assert_eq!(
        report.changes[0].message.split(':').next(),
        Some("maxLength lowered from 100 to 80")
    );

    // A referenced file missing at the base revision is named.
    std::fs::write(root.join("spec/schemas/extra.yaml"), "type: string\n").expect("written");
    std::fs::write(
        root.join("spec/openapi.yaml"),
        root_text.replace("'./schemas/request.yaml'", "'./schemas/extra.yaml'"),
    )
    .expect("written");
    git(root, &["add", "spec"]);
    git(root, &["commit", "--quiet", "-m", "extra"]);
    git(root, &["rm", "--quiet", "spec/schemas/extra.yaml"]);
    git(root, &["commit", "--quiet", "-m", "gone"]);
    std::fs::write(root.join("spec/schemas/extra.yaml"), "type: string\n").expect("written");
    let message = format!(
        "{:#}",
        diff::compare_with_working_tree(root, "HEAD").expect_err("the base lacks a file")
    );
    assert!(
        message.starts_with("the base spec does not parse: spec/openapi.yaml@HEAD:")
            && message.contains("cannot read `spec/schemas/extra.yaml`: not in commit"),
        "{message}"
    );
}

// ------------------------------------------------------- generated-from extensions

#[test]
fn a_client_chosen_id_changes_retries_and_is_not_breaking() {
    let with_id = edit(
        BASE,
        "      operationId: createThing\n",
        "      operationId: createThing\n      x-client-chosen-id: name\n",
    );
    check(
        BASE,
        &with_id,
        "non-breaking client_chosen_id_changed createThing (POST /things/{thingId})",
    );
    let report = compare(BASE, &with_id);
    assert!(
        report.changes[0]
            .message
            .contains("`name` is now a client-chosen id"),
        "{}",
        report.changes[0].message
    );
    check(
        &with_id,
        BASE,
        "non-breaking client_chosen_id_changed createThing (POST /things/{thingId})",
    );
}

const CODES: &str = "        size:
          type: integer
          x-error-codes:
            - code: 400000
              name: BadRequest
              description: bad request
            - code: 400311
              name: RateLimitExceeded
              description: rate limit exceeded
";

#[test]
fn error_codes_removed_or_renamed_are_breaking_and_added_are_not() {
    let base = edit(BASE, "        size:\n          type: integer\n", CODES);
    let removed = edit(
        &base,
        "            - code: 400000\n              name: BadRequest\n              description: bad request\n",
        "",
    );
    check(
        &base,
        &removed,
        "breaking error_code_removed createThing response .things[].size
         breaking error_code_removed listThings response [].size",
    );
    check(
        &removed,
        &base,
        "non-breaking error_code_added createThing response .things[].size
         non-breaking error_code_added listThings response [].size",
    );
    let renamed = edit(&base, "name: RateLimitExceeded", "name: RateLimited");
    let report = compare(&base, &renamed);
    assert_eq!(
        rows(&report),
        "breaking error_code_removed createThing response .things[].size\n\
         breaking error_code_removed listThings response [].size"
    );
    assert!(
        report.changes[0]
            .message
            .contains("`ErrorCode::RateLimitExceeded` is renamed `ErrorCode::RateLimited`"),
        "{}",
        report.changes[0].message
    );
    check(
        &base,
        &edit(
            &base,
            "description: bad request",
            "description: the request is bad",
        ),
        "info metadata_changed createThing response .things[].size
         info metadata_changed listThings response [].size",
    );
}
