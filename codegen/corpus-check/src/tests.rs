//! Every accepted case reads and writes an example body through its types;
//! the case the issue found (an inline success and an inline error body)
//! is called over loopback HTTP to prove each body decodes as its own type.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// `example` decodes as `T`, and `T` encodes back to `example`.
#[track_caller]
fn round_trip<T: DeserializeOwned + Serialize>(example: Value) -> T {
    let decoded: T = serde_json::from_value(example.clone()).expect("the example decodes");
    assert_eq!(serde_json::to_value(&decoded).unwrap(), example);
    decoded
}

fn request() -> Value {
    json!({ "name": "a thing", "size": 3 })
}

fn response() -> Value {
    json!({ "id": "t1", "name": "a thing" })
}

#[test]
fn the_plain_cases_read_and_write_their_bodies() {
    round_trip::<crate::valid_base::types::ThingRequest>(request());
    round_trip::<crate::valid_base::types::ThingResponse>(response());
    round_trip::<crate::byte_order_mark::types::ThingRequest>(request());
    round_trip::<crate::byte_order_mark::types::ThingResponse>(response());
    round_trip::<crate::crlf_line_endings::types::ThingRequest>(request());
    round_trip::<crate::crlf_line_endings::types::ThingResponse>(response());
    round_trip::<crate::text_plain_response::types::ThingRequest>(request());
    round_trip::<crate::valid_base::types::Problem>(json!({ "code": 400_000, "message": "no" }));
}

#[test]
fn aliases_and_merge_keys_give_each_property_its_type() {
    let decoded = round_trip::<crate::anchors_aliases_and_merge_keys::types::ThingResponse>(
        json!({ "id": "t1", "name": "n", "label": "l" }),
    );
    assert_eq!(decoded.label.as_deref(), Some("l"));
}

#[test]
fn properties_named_like_keywords_are_properties() {
    use crate::properties_named_like_keywords::types::ThingResponse;
    let decoded =
        round_trip::<ThingResponse>(json!({ "default": { "value": "v" }, "example": "e" }));
    assert_eq!(decoded.default.unwrap().value.as_deref(), Some("v"));
    // A `$ref` key inside example data is data, not a reference to follow.
    round_trip::<crate::ref_key_inside_example_data::types::ThingResponse>(response());
}

#[test]
fn a_recursive_schema_reads_nested_values() {
    let decoded = round_trip::<crate::recursive_schema::types::ThingResponse>(json!({
        "id": "root",
        "children": [{ "id": "child", "children": [{ "id": "grandchild" }] }]
    }));
    let children = decoded.children.expect("children");
    assert_eq!(
        children[0].children.as_ref().unwrap()[0].id.as_deref(),
        Some("grandchild")
    );
}

#[test]
fn schemas_from_other_files_become_types() {
    round_trip::<crate::sibling_file_ref::types::Problem>(json!({ "code": 1, "message": "m" }));
    round_trip::<crate::file_ref_whole_file::types::ThingRequest>(json!({ "name": "n" }));
    let problem = round_trip::<crate::parent_directory_ref::types::Problem>(
        json!({ "code": 1, "detail": { "field": "name" } }),
    );
    assert_eq!(problem.detail.unwrap().field.as_deref(), Some("name"));
    round_trip::<crate::split_by_tag::types::Other>(json!({ "id": "o1" }));
    // A file that refers back into the root file gets the root's own type.
    let problem = round_trip::<crate::ref_back_into_the_root_file::types::Problem>(
        json!({ "origin": { "id": "t1" }, "detail": { "field": "f" } }),
    );
    let origin: crate::ref_back_into_the_root_file::types::ThingResponse =
        problem.origin.expect("origin");
    assert_eq!(origin.id.as_deref(), Some("t1"));
    round_trip::<crate::split_by_tag::types::ThingRequest>(request());
}

#[tokio::test]
async fn an_operation_split_into_another_file_calls_its_path() {
    let server = httpmock::MockServer::start_async().await;
    let found = server
        .mock_async(|when, then| {
            when.method("GET").path("/api/v4/others/o1");
            then.status(200).json_body(json!({ "id": "o1" }));
        })
        .await;
    let client = crate::split_by_tag::Client::new_with_client(
        &server.base_url(),
        reqwest::Client::new(),
        crate::hooks::ClientState,
    );
    let other = client
        .get_other()
        .other_id("o1")
        .send()
        .await
        .expect("a 200");
    assert_eq!(other.id.as_deref(), Some("o1"));
    found.assert_async().await;
}

#[tokio::test]
async fn inline_success_and_error_bodies_decode_as_distinct_types() {
    use crate::inline_success_and_error_bodies as case;
    let server = httpmock::MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api/v4/things")
                .json_body(json!({ "name": "bad" }));
            then.status(400).json_body(json!({ "message": "refused" }));
        })
        .await;
    let created = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api/v4/things")
                .json_body(json!({ "name": "good" }));
            then.status(200).json_body(json!({ "id": "t1" }));
        })
        .await;
    let client = case::Client::new_with_client(
        &server.base_url(),
        reqwest::Client::new(),
        crate::hooks::ClientState,
    );
    let body = |name: &str| -> case::types::ThingRequest {
        serde_json::from_value(json!({ "name": name })).unwrap()
    };
    let ok: case::types::CreateThingResponse = client
        .create_thing()
        .body(body("good"))
        .send()
        .await
        .expect("a 200")
        .into_inner();
    assert_eq!(ok.id.as_deref(), Some("t1"));
    // The corpus's call runtime keeps an error answer's body as text; the
    // inline error type reads it.
    match client.create_thing().body(body("bad")).send().await {
        Err(error) => {
            assert_eq!(error.status.map(|s| s.as_u16()), Some(400));
            let decoded: case::types::CreateThingError =
                serde_json::from_str(&error.reason).expect("the error body decodes");
            assert_eq!(decoded.message.as_deref(), Some("refused"));
        }
        other => panic!("expected the error body, got {other:?}"),
    }
    refused.assert_async().await;
    created.assert_async().await;
}

/// The spec with create-message replaced by `cargo xtask docs --draft`'s
/// fragment: the drafted types read the page's examples (the request both
/// ways).
#[test]
fn the_drafted_operation_reads_the_page_examples() {
    use crate::docs_draft_create_message::types::{CreateMessageRequest, CreateMessageResponse};
    let request: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/examples/createMessage.request.json"
    )))
    .unwrap();
    let decoded = round_trip::<CreateMessageRequest>(request);
    assert_eq!(decoded.channel_id, "<string>");
    let response: CreateMessageResponse = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../spec/examples/createMessage.response.json"
    )))
    .unwrap();
    let message = &response.messages.as_ref().unwrap()[0];
    assert_eq!(message.message_id.as_deref(), Some("<string>"));
}

/// An inline multipart form with a file array, an optional single file and
/// text of each scalar type: the builder takes files and text, sends one
/// multipart body, checks the text's limits and the required files before
/// sending, and decodes the array answer tolerantly.
#[tokio::test]
async fn a_form_is_sent_as_multipart_and_its_array_answer_decodes() {
    use crate::multipart_form_upload as case;
    use crate::upload::FilePart;
    let server = httpmock::MockServer::start_async().await;
    let stored = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/api/v4/things/t%2F1/files")
                .header_matches("content-type", "^multipart/form-data; boundary=")
                .body_includes("name=\"title\"\r\n\r\nhello\r\n")
                .body_includes("name=\"count\"\r\n\r\n3\r\n")
                .body_includes("name=\"public\"\r\n\r\ntrue\r\n")
                .body_includes(
                    "name=\"files\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nA\r\n",
                )
                .body_includes("name=\"files\"; filename=\"b.bin\"")
                .body_includes("name=\"cover\"; filename=\"c.png\"\r\nContent-Type: image/png");
            then.status(200)
                .json_body(json!([{ "id": "s1", "size": 1 }, { "id": "s2", "size": "big" }]));
        })
        .await;
    let client = case::Client::new_with_client(
        &server.base_url(),
        reqwest::Client::new(),
        crate::hooks::ClientState,
    );
    let answer = client
        .upload_thing_files()
        .thing_id("t/1")
        .files([FilePart::bytes("A", "a.txt")])
        .files([FilePart::bytes(vec![0u8, 1], "b.bin")])
        .cover(FilePart::bytes("png", "c.png"))
        .body_map(|b| b.title("hello".to_owned()).count(3).public(true))
        .send()
        .await
        .unwrap()
        .into_inner();
    stored.assert_async().await;
    let ids: Vec<_> = answer.iter().map(|s| s.id.as_deref()).collect();
    assert_eq!(ids, [Some("s1"), Some("s2")]);
    assert_eq!(answer.unfit[0].path, "/1/size");

    let error = client
        .upload_thing_files()
        .thing_id("t1")
        .body_map(|b| b.title("far too long".to_owned()).count(6))
        .send()
        .await
        .unwrap_err();
    let text = error.to_string();
    for broken in [".count", ".files", ".title"] {
        assert!(text.contains(&format!("`{broken}`")), "{broken}: {text}");
    }
    stored.assert_calls_async(1).await;
}

/// `x-secret` values never show in `Debug`: a required secret (a `String`),
/// an optional one (an `Option`), one in a nested component, in the structs,
/// the request's builder and the operation's builder, whose secret header is
/// declared on the path item. The property named `x-secret` is no secret.
#[test]
fn secret_properties_and_headers_are_redacted_in_debug_output() {
    use crate::secret_properties as case;
    let request_builder = case::types::LoginRequest::builder()
        .user_name("ann".to_owned())
        .password("password-s3cr3t".to_owned())
        .one_time_code("code-s3cr3t");
    let request = case::types::LoginRequest::try_from(request_builder.clone()).unwrap();
    let answer = round_trip::<case::types::LoginResponse>(json!({
        "accessToken": "access-s3cr3t",
        "userName": "ann",
        "credentials": { "refreshToken": "refresh-s3cr3t", "x-secret": "not secret" },
    }));
    let client = case::Client::new_with_client(
        "http://localhost",
        reqwest::Client::new(),
        crate::hooks::ClientState,
    );
    let call = client
        .create_login()
        .x_api_key("key-s3cr3t")
        .body(request_builder.clone());
    let outputs = [
        format!("{request:?}"),
        format!("{request:#?}"),
        format!("{request_builder:?}"),
        format!("{call:?}"),
        format!("{answer:?}"),
        format!("{answer:#?}"),
    ];
    for text in &outputs {
        assert!(!text.contains("s3cr3t"), "a secret leaked in: {text}");
    }
    assert_eq!(
        outputs[0],
        r#"LoginRequest { one_time_code: Some("<redacted>"), password: "<redacted>", user_name: "ann" }"#
    );
    assert_eq!(
        outputs[2],
        r#"LoginRequest { one_time_code: "<redacted>", password: "<redacted>", user_name: Ok("ann") }"#
    );
    assert!(
        outputs[3].contains(r#"x_api_key: "<redacted>""#)
            && outputs[3].contains(r#"user_name: Ok("ann")"#),
        "{}",
        outputs[3]
    );
    assert_eq!(
        outputs[4],
        r#"LoginResponse { access_token: Some("<redacted>"), credentials: Some(Credentials { refresh_token: Some("<redacted>"), x_secret: Some("not secret") }), user_name: Some("ann"), unfit: [] }"#
    );
    let empty = case::types::LoginResponse::default();
    assert!(
        format!("{empty:?}").contains("access_token: None"),
        "{empty:?}"
    );
}
