//! Bad input gives a short error naming the file and the line, operation or
//! schema at fault; never a panic.

use codegen::{Error, Spec};

/// A valid one-operation spec; cases edit it.
const VALID: &str = r##"openapi: 3.0.3
info:
  title: t
  version: "1"
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Thing'
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Thing'
        '400':
          description: bad
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Problem'
components:
  schemas:
    Thing:
      type: object
      properties:
        name:
          type: string
          maxLength: 10
    Problem:
      type: object
      properties:
        message:
          type: string
"##;

/// Parses and generates; returns the error's message.
#[track_caller]
fn error_of(text: &str) -> String {
    let result = Spec::parse(text, "spec/test.yaml").and_then(|spec| codegen::generate(&spec));
    match result {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(error) => error.to_string(),
    }
}

#[track_caller]
fn check(text: &str, expected: &str) {
    let message = error_of(text);
    assert_eq!(message, expected);
}

#[test]
fn the_valid_base_case_generates() {
    let spec = Spec::parse(VALID, "spec/test.yaml").unwrap();
    let generated = codegen::generate(&spec).unwrap();
    assert_eq!(generated.operations, ["createThing"]);
    assert!(generated.types.contains(&"Thing".to_owned()));
}

#[test]
fn malformed_yaml_names_line_and_column() {
    let text = VALID.replace("    post:\n", "    post:\n   bad: [unclosed\n");
    let message = error_of(&text);
    assert!(message.starts_with("spec/test.yaml:8:"), "{message}");
    assert!(message.contains("malformed YAML"), "{message}");
    let error = Spec::parse(&text, "spec/test.yaml").unwrap_err();
    assert!(matches!(error, Error::Yaml { line: 8, .. }), "{error:?}");
}

#[test]
fn a_document_of_the_wrong_shape_names_the_place() {
    let text = VALID.replace("info:\n  title: t\n  version: \"1\"\n", "info: 7\n");
    let message = error_of(&text);
    assert!(
        message.starts_with(
            "spec/test.yaml:2:1: #/info: not a valid OpenAPI 3.0 document: invalid type: integer `7`"
        ),
        "{message}"
    );
}

#[test]
fn other_versions_are_refused() {
    check(
        &VALID.replace("openapi: 3.0.3", "openapi: 3.1.0"),
        "spec/test.yaml:1:1: #/openapi: `openapi: 3.1.0` is not supported: progenitor reads OpenAPI 3.0.x only (write `openapi: 3.0.3`)",
    );
    check(
        &VALID.replace("openapi: 3.0.3", "swagger: '2.0'"),
        "spec/test.yaml:1:1: #/openapi: `openapi: (missing)` is not supported: progenitor reads OpenAPI 3.0.x only (write `openapi: 3.0.3`)",
    );
}

#[test]
fn a_missing_operation_id_names_the_operation() {
    check(
        &VALID.replace("      operationId: createThing\n", ""),
        "spec/test.yaml:7:5: #/paths/~1things/post: operation POST /things has no operationId (it names the client method)",
    );
}

#[test]
fn a_duplicate_operation_id_names_both_uses() {
    let text = VALID.replace(
        "components:",
        "  /others:\n    put:\n      operationId: createThing\n      responses:\n        '204':\n          description: done\ncomponents:",
    );
    check(
        &text,
        "spec/test.yaml:29:7: #/paths/~1others/put/operationId: operationId `createThing` of PUT /others is already used by POST /things at spec/test.yaml:8:7: #/paths/~1things/post/operationId",
    );
}

#[test]
fn an_unresolved_ref_names_where_it_stands() {
    check(
        &VALID.replacen(
            "#/components/schemas/Thing",
            "#/components/schemas/Thingy",
            1,
        ),
        "spec/test.yaml:13:15: #/paths/~1things/post/requestBody/content/application~1json/schema/$ref: unresolved $ref `#/components/schemas/Thingy`: nothing is defined at `#/components/schemas/Thingy`",
    );
    check(
        &VALID.replace("          maxLength: 10\n", "          maxLength: 10\n        owner:\n          $ref: '#/components/schemas/Nobody'\n"),
        "spec/test.yaml:36:11: #/components/schemas/Thing/properties/owner/$ref: unresolved $ref `#/components/schemas/Nobody`: nothing is defined at `#/components/schemas/Nobody`",
    );
}

#[test]
fn two_success_bodies_are_unsupported_and_name_the_operation() {
    let text = VALID.replace(
        "        '400':",
        "        '201':\n          description: created\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Problem'\n        '400':",
    );
    check(
        &text,
        "spec/test.yaml:14:7: #/paths/~1things/post/responses: operation createThing (POST /things): its success responses have 2 different bodies (200 vs 201); progenitor supports one success body type per operation: give them one shared schema",
    );
}

#[test]
fn two_error_bodies_are_unsupported_and_name_the_operation() {
    let text = VALID.replace(
        "components:",
        "components:\n  responses:\n    Other:\n      description: other\n      content:\n        application/json:\n          schema:\n            $ref: '#/components/schemas/Thing'\n",
    )
    .replace("        '400':", "        '404':\n          $ref: '#/components/responses/Other'\n        '400':");
    let message = error_of(&text);
    assert!(
        message.starts_with("spec/test.yaml:14:7: #/paths/~1things/post/responses: operation createThing (POST /things): its error responses have 2 different bodies"),
        "{message}"
    );
}

#[test]
fn an_exclusive_bound_without_its_bound_is_refused_before_progenitor_panics_on_it() {
    // progenitor reaches a `todo!()` on this shape; the check names it first.
    let text = VALID.replace(
        "          maxLength: 10\n",
        "          maxLength: 10\n        size:\n          exclusiveMinimum: true\n",
    );
    check(
        &text,
        "spec/test.yaml:36:11: #/components/schemas/Thing/properties/size/exclusiveMinimum: not a \
         valid OpenAPI 3.0 document: `exclusiveMinimum: true` needs a `minimum` to make exclusive",
    );
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let error = Spec::load(
        std::path::Path::new("/nonexistent/openapi.yaml"),
        "spec/missing.yaml",
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("spec/missing.yaml: cannot read the file: "),
        "{error}"
    );
}

#[test]
fn an_answer_type_tolerant_decoding_cannot_decode_is_refused_by_name() {
    // A `oneOf` in an answer becomes an untagged enum: the decode runtime
    // handles objects only, so generation stops instead of emitting a strict
    // decoder inside a tolerant answer.
    let text = VALID.replace(
        "        message:\n          type: string\n",
        "        message:\n          type: string\n        detail:\n          oneOf:\n            - type: string\n            - type: integer\n",
    );
    check(
        &text,
        "spec/test.yaml:40:9: #/components/schemas/Problem/properties/detail: types::ProblemDetail (reached from types::Problem): answers are decoded \
         tolerantly, which supports objects with properties only, and this schema became an enum \
         (a closed set, oneOf or anyOf); describe it as an object, or a string with the known \
         values in its description",
    );
}

#[test]
fn an_answer_property_named_unfit_is_refused() {
    let text = VALID.replace(
        "        message:\n          type: string\n",
        "        message:\n          type: string\n        unfit:\n          type: string\n",
    );
    check(
        &text,
        "spec/test.yaml:35:5: #/components/schemas/Problem: types::Problem: a property is named `unfit`, the field that keeps the \
         values of an answer that did not fit; rename it with a title or `x-rust-name`",
    );
}

#[test]
fn an_answer_that_is_not_an_object_is_refused_naming_the_operation() {
    let text = VALID.replace(
        "        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Thing'\n",
        "        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: array\n                items:\n                  type: string\n",
    );
    check(
        &text,
        "spec/test.yaml:7:5: #/paths/~1things/post: operation create_thing: its answer decodes as \
         `::std::vec::Vec<::std::string::String>`, not as an object or an array of objects; \
         answers are decoded tolerantly, which needs one of those at the root: describe the body \
         as an object (an envelope holding the value)",
    );
}

#[test]
fn two_schemas_that_become_one_rust_name_are_refused_naming_both() {
    let text = VALID.replace(
        "    Problem:\n",
        "    thing:\n      type: object\n    Problem:\n",
    );
    check(
        &text,
        "spec/test.yaml:35:5: #/components/schemas/thing: schemas `Thing` (spec/test.yaml:29:5: \
         #/components/schemas/Thing) and `thing`: both become the same Rust type name (case and separators are not kept): rename one of them",
    );
}

/// Problems of every check that reads the typed document, in five places:
/// a path parameter not declared, an `x-client-chosen-id` naming no
/// property, a duplicate operationId, an unknown `x-retry` and two schemas
/// that become one Rust name.
const FIVE_PROBLEMS: &str = r##"openapi: 3.0.3
info:
  title: t
  version: "1"
paths:
  /things/{thingId}:
    post:
      operationId: createThing
      x-client-chosen-id: thingKey
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Thing'
      responses:
        '200':
          description: ok
  /others:
    put:
      operationId: createThing
      x-retry: sometimes
      responses:
        '204':
          description: done
components:
  schemas:
    Thing:
      type: object
      properties:
        name:
          type: string
    thing:
      type: object
"##;

#[test]
fn every_problem_of_a_spec_is_reported_in_file_order_with_the_count() {
    check(
        FIVE_PROBLEMS,
        "spec/test.yaml:7:5: #/paths/~1things~1{thingId}/post: operation createThing (POST /things/{thingId}): the path template `/things/{thingId}` has `{thingId}`, but no `in: path` parameter named `thingId` is declared\n\
         spec/test.yaml:9:7: #/paths/~1things~1{thingId}/post/x-client-chosen-id: `x-client-chosen-id`: names `thingKey`, which is not a property of the request body of createThing (its properties: name)\n\
         spec/test.yaml:20:7: #/paths/~1others/put/operationId: operationId `createThing` of PUT /others is already used by POST /things/{thingId} at spec/test.yaml:8:7: #/paths/~1things~1{thingId}/post/operationId\n\
         spec/test.yaml:21:7: #/paths/~1others/put/x-retry: `x-retry`: must be one of idempotent, client-chosen-id, not-after-send, found \"sometimes\"\n\
         spec/test.yaml:32:5: #/components/schemas/thing: schemas `Thing` (spec/test.yaml:27:5: #/components/schemas/Thing) and `thing`: both become the same Rust type name (case and separators are not kept): rename one of them\n\
         5 problems in spec/test.yaml",
    );
    let error = Spec::parse(FIVE_PROBLEMS, "spec/test.yaml").unwrap_err();
    let Error::Problems(problems) = &error else {
        panic!("expected several problems: {error:?}");
    };
    assert_eq!((problems.total(), problems.more()), (5, 0));
    assert!(matches!(
        error.problems()[2],
        Error::DuplicateOperationId { .. }
    ));
}

#[test]
fn the_checks_of_the_json_document_report_together_and_stop_the_later_ones() {
    // A mistyped keyword, an unresolved $ref and a 3.1 `type: null`; the
    // duplicate operationId is for the later checks, which need a document
    // these found nothing wrong with.
    let text = VALID
        .replace("          maxLength: 10\n", "          maxLenght: 10\n        gone:\n          type: 'null'\n")
        .replacen("#/components/schemas/Problem", "#/components/schemas/Problems", 1)
        .replace(
            "components:",
            "  /others:\n    put:\n      operationId: createThing\n      responses:\n        '204':\n          description: done\ncomponents:",
        );
    check(
        &text,
        "spec/test.yaml:26:17: #/paths/~1things/post/responses/400/content/application~1json/schema/$ref: unresolved $ref `#/components/schemas/Problems`: nothing is defined at `#/components/schemas/Problems`\n\
         spec/test.yaml:40:11: #/components/schemas/Thing/properties/name/maxLenght: not a valid OpenAPI 3.0 document: `maxLenght` is not a keyword of an OpenAPI 3.0 schema (did you mean `maxLength`?); every reader would ignore it\n\
         spec/test.yaml:42:11: #/components/schemas/Thing/properties/gone/type: not a valid OpenAPI 3.0 document: `type: null` is OpenAPI 3.1; in 3.0 give the schema its type and `nullable: true`\n\
         3 problems in spec/test.yaml",
    );
}

#[test]
fn beyond_the_limit_the_problems_are_counted() {
    let total = codegen::PROBLEM_LIMIT + 7;
    let properties: String = (0..total)
        .map(|i| format!("        p{i}:\n          type: string\n          maxLenght: 1\n"))
        .collect();
    let text = VALID.replace(
        "        message:\n          type: string\n",
        &format!("        message:\n          type: string\n{properties}"),
    );
    let message = error_of(&text);
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), codegen::PROBLEM_LIMIT + 2, "{message}");
    assert_eq!(
        lines[0],
        "spec/test.yaml:42:11: #/components/schemas/Problem/properties/p0/maxLenght: not a valid \
         OpenAPI 3.0 document: `maxLenght` is not a keyword of an OpenAPI 3.0 schema (did you \
         mean `maxLength`?); every reader would ignore it"
    );
    // In file order: each the next property's, three lines down.
    for (index, line) in lines[..codegen::PROBLEM_LIMIT].iter().enumerate() {
        let expected = format!(
            "spec/test.yaml:{}:11: #/components/schemas/Problem/properties/p{index}/maxLenght: ",
            42 + 3 * index
        );
        assert!(line.starts_with(&expected), "{line}");
    }
    assert_eq!(lines[codegen::PROBLEM_LIMIT], "and 7 more");
    assert_eq!(
        lines[codegen::PROBLEM_LIMIT + 1],
        format!("{total} problems in spec/test.yaml")
    );
}

#[test]
fn a_generation_pass_names_every_operation_it_refuses() {
    let array_answer = "        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: array\n                items:\n                  type: string\n";
    let text = VALID
        .replace(
            "        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Thing'\n",
            array_answer,
        )
        .replace(
            "components:",
            &format!("  /others:\n    get:\n      operationId: listOthers\n      responses:\n{array_answer}components:"),
        );
    let message = error_of(&text);
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 3, "{message}");
    assert!(
        lines[0].starts_with("spec/test.yaml:7:5: #/paths/~1things/post: operation create_thing: its answer decodes as `::std::vec::Vec<::std::string::String>`"),
        "{message}"
    );
    assert!(
        lines[1].starts_with("spec/test.yaml:30:5: #/paths/~1others/get: operation list_others: its answer decodes as `::std::vec::Vec<::std::string::String>`"),
        "{message}"
    );
    assert_eq!(lines[2], "2 problems in spec/test.yaml");
}
