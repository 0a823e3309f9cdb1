//! Every documented constraint is checked before a request leaves: the error
//! names the field and the limit, and the server sees nothing.

use generated_client::validation::{Location, Rule, Violations};
use generated_client::{ErrorKind, types};
use httpmock::MockServer;
use serde_json::{Value, json};

use crate::support::{client, fixture, send};

/// Sends `body` (the fixture of `operation` with `edit` applied) and returns
/// the broken rules; asserts no request reached the server.
async fn refused(operation: &str, edit: impl FnOnce(&mut Value)) -> Violations {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = client(&server);
    let mut body = fixture(&format!("{operation}.request.json"));
    edit(&mut body);
    let result = send(&client, operation, body).await;
    assert_eq!(
        any.calls_async().await,
        0,
        "{operation}: a refused request was sent"
    );
    let error = result.unwrap_err();
    // The same rules, as values code can match.
    assert_eq!(
        error.kind(),
        ErrorKind::InvalidRequest,
        "{operation}: {error:?}"
    );
    assert_eq!(error.attempts(), 0);
    assert!(!error.may_have_reached_service());
    let violations = error
        .violations()
        .unwrap_or_else(|| panic!("{operation}: no broken rules: {error}"));
    assert_eq!(violations.operation(), operation);
    assert_eq!(
        error.to_string(),
        format!(
            "{operation}: refused before sending, the request breaks documented rules: {}",
            violations
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        )
    );
    violations.clone()
}

/// A case: the operation, an edit that breaks its fixture, and the expected message part.
type Case = (&'static str, Box<dyn FnOnce(&mut Value)>, &'static str);

fn strings(n: usize, length: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| Value::String(format!("{i:0length$}")))
            .collect(),
    )
}

#[tokio::test]
async fn each_documented_constraint_is_refused_before_sending() {
    let long = |n: usize| Value::String("x".repeat(n));
    let cases: Vec<Case> = vec![
        (
            "createPost",
            Box::new(|b| b["tags"] = strings(6, 3)),
            "`.tags`: 6 items, more than the maximum of 5",
        ),
        (
            "createPost",
            Box::new(|b| b["tags"] = json!(["x".repeat(25)])),
            "`.tags[0]`: 25 characters, more than the maximum length of 24",
        ),
        (
            "createPost",
            Box::new(|b| b["hashtags"] = strings(31, 2)),
            "`.hashtags`: 31 items, more than the maximum of 30",
        ),
        (
            "createPost",
            Box::new(|b| b["hashtags"] = json!(["h".repeat(101)])),
            "`.hashtags[0]`: 101 characters, more than the maximum length of 100",
        ),
        (
            "createPost",
            Box::new(|b| {
                b["mentionees"] = json!([{"type":"user"},{"type":"user"},{"type":"user"}])
            }),
            "`.mentionees`: 3 items, more than the maximum of 2",
        ),
        (
            "createPost",
            Box::new(|b| {
                b["attachments"] = Value::Array(vec![json!({"fileId":"f","type":"image"}); 11])
            }),
            "`.attachments`: 11 items, more than the maximum of 10",
        ),
        (
            "createPost",
            Box::new(move |b| b["postId"] = long(901)),
            "`.postId`: 901 characters, more than the maximum length of 900",
        ),
        (
            "createPost",
            Box::new(move |b| b["targetId"] = long(901)),
            "`.targetId`: 901 characters, more than the maximum length of 900",
        ),
        (
            "createPost",
            Box::new(move |b| b["eventId"] = long(25)),
            "`.eventId`: 25 characters, more than the maximum length of 24",
        ),
        (
            "createStory",
            Box::new(|b| b["items"] = Value::Array(vec![json!({"type":"hyperlink"}); 11])),
            "`.items`: 11 items, more than the maximum of 10",
        ),
        (
            "createMessage",
            Box::new(move |b| b["channelId"] = long(151)),
            "`.channelId`: 151 characters, more than the maximum length of 150",
        ),
        (
            "createMessage",
            Box::new(move |b| b["fileId"] = long(51)),
            "`.fileId`: 51 characters, more than the maximum length of 50",
        ),
        (
            "createMessage",
            Box::new(|b| b["tags"] = strings(11, 2)),
            "`.tags`: 11 items, more than the maximum of 10",
        ),
        (
            "createMessage",
            Box::new(|b| b["tags"] = json!(["t".repeat(31)])),
            "`.tags[0]`: 31 characters, more than the maximum length of 30",
        ),
        (
            "createMessage",
            Box::new(|b| {
                b["mentionees"] = json!([{"type":"user"},{"type":"user"},{"type":"user"}])
            }),
            "`.mentionees`: 3 items, more than the maximum of 2",
        ),
        (
            "createChannel",
            Box::new(|b| b["tags"] = strings(11, 2)),
            "`.tags`: 11 items, more than the maximum of 10",
        ),
        (
            "createChannel",
            Box::new(|b| b["userIds"] = strings(1001, 4)),
            "`.userIds`: 1001 items, more than the maximum of 1000",
        ),
        (
            "createChannel",
            Box::new(|b| b["userIds"] = json!(["u".repeat(51)])),
            "`.userIds[0]`: 51 characters, more than the maximum length of 50",
        ),
        (
            "createChannel",
            Box::new(move |b| b["displayName"] = long(101)),
            "`.displayName`: 101 characters, more than the maximum length of 100",
        ),
        (
            "createChannel",
            Box::new(|b| b["autoDeleteMessageByFlagLimit"] = json!(0)),
            "`.autoDeleteMessageByFlagLimit`: 0 is out of range: it must be at least 1",
        ),
        (
            "createChannel",
            Box::new(|b| b["autoDeleteMessageByFlagLimit"] = json!(1000.5)),
            "`.autoDeleteMessageByFlagLimit`: 1000.5 is out of range: it must be at most 1000",
        ),
    ];
    for (operation, edit, expected) in cases {
        let message = refused(operation, edit).await.to_string();
        assert!(
            message.starts_with(&format!(
                "{operation} request breaks documented rules: body `"
            )),
            "{message}"
        );
        assert!(
            message.contains(expected),
            "{operation}: expected {expected:?} in {message:?}"
        );
    }
}

#[tokio::test]
async fn all_broken_constraints_are_named_at_once() {
    let violations = refused("createPost", |b| {
        b["tags"] = strings(6, 3);
        b["hashtags"] = strings(31, 2);
    })
    .await;
    assert_eq!(violations.len(), 2, "{violations}");
    let message = violations.to_string();
    assert!(
        message.contains("`.tags`: 6 items") && message.contains("`.hashtags`: 31 items"),
        "{message}"
    );
}

#[tokio::test]
async fn limits_themselves_are_allowed() {
    let server = MockServer::start_async().await;
    let ok = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({}));
        })
        .await;
    let mut body = fixture("createChannel.request.json");
    body["tags"] = strings(10, 100);
    body["userIds"] = strings(1000, 50);
    body["autoDeleteMessageByFlagLimit"] = json!(1000);
    let body: types::CreateChannelRequest = serde_json::from_value(body).unwrap();
    client(&server)
        .create_channel()
        .body(body)
        .send()
        .await
        .expect("at the limits is fine");
    assert_eq!(ok.calls_async().await, 1);
}

#[tokio::test]
async fn a_missing_required_field_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({}));
        })
        .await;
    let error = client(&server)
        .create_message()
        .body(types::CreateMessageRequest::builder().tags(vec!["a".to_owned()]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(any.calls_async().await, 0);
    assert!(error.to_string().contains("channel_id"), "{error}");
}

#[test]
fn the_generated_check_can_be_called_directly() {
    let mut body = fixture("createPost.request.json");
    assert_eq!(
        generated_client::validation::check_request("createPost", &body),
        Ok(())
    );
    body.as_object_mut().unwrap().remove("data");
    let violations = generated_client::validation::check_request("create_post", &body).unwrap_err();
    assert_eq!(violations.operation(), "createPost");
    assert_eq!(violations.violations()[0].path(), ".data");
    assert_eq!(
        violations.violations()[0].message(),
        "required field is missing"
    );
}

#[tokio::test]
async fn turning_validation_off_sends_what_the_caller_built() {
    let server = MockServer::start_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.json_body_includes(r#"{ "tags": ["a", "b", "c", "d", "e", "f"] }"#);
            then.status(200).json_body(json!({}));
        })
        .await;
    let mut body = fixture("createPost.request.json");
    body["tags"] = json!(["a", "b", "c", "d", "e", "f"]);
    let body: types::CreatePostRequest = serde_json::from_value(body).unwrap();
    let unchecked = generated_client::Client::builder()
        .base_url(server.base_url())
        .bearer_token(crate::support::TOKEN)
        .validate_requests(false)
        .build()
        .unwrap();
    unchecked
        .create_post()
        .body(body.clone())
        .send()
        .await
        .expect("six tags are sent when validation is off");
    assert_eq!(ok.calls_async().await, 1);
    // The same body from a default client is refused, and nothing more is sent.
    let error = client(&server)
        .create_post()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("`.tags`: 6 items"), "{error}");
    assert_eq!(ok.calls_async().await, 1);
}

#[tokio::test]
async fn a_path_parameter_over_its_limit_names_the_limit() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({}));
        })
        .await;
    let error = client(&server)
        .approve_post()
        .post_id("p".repeat(901))
        .send()
        .await
        .unwrap_err();
    assert_eq!(any.calls_async().await, 0);
    assert_eq!(
        error.to_string(),
        "approvePost: refused before sending, the request breaks documented rules: path parameter `postId`: 901 characters, more than the maximum length of 900"
    );
    let violations = error.violations().expect("structured");
    assert_eq!(violations.operation(), "approvePost");
    let [violation] = violations.violations() else {
        panic!("{violations}")
    };
    assert_eq!(violation.location(), Location::PathParameter);
    assert_eq!(violation.path(), "postId");
    assert_eq!(
        violation.rule(),
        &Rule::MaxLength {
            max: 900,
            actual: 901
        }
    );
    assert_eq!(violation.documented(), None);
    // 900 characters, some of them escaped in the URL, are within the limit.
    let ok = format!("{}/ü", "p".repeat(898));
    client(&server)
        .approve_post()
        .post_id(ok)
        .send()
        .await
        .unwrap();
    assert_eq!(any.calls_async().await, 1);
}

#[tokio::test]
async fn rules_are_values_with_their_limits() {
    let violations = refused("createChannel", |b| {
        b["autoDeleteMessageByFlagLimit"] = json!(0);
        b["displayName"] = Value::String("x".repeat(101));
    })
    .await;
    let rules: Vec<(&str, &Rule)> = violations.iter().map(|v| (v.path(), v.rule())).collect();
    assert_eq!(
        rules,
        [
            (
                ".autoDeleteMessageByFlagLimit",
                &Rule::Minimum {
                    min: 1.0,
                    exclusive: false,
                    actual: 0.0
                }
            ),
            (
                ".displayName",
                &Rule::MaxLength {
                    max: 100,
                    actual: 101
                }
            ),
        ]
    );
    assert_eq!(violations.violations()[1].rule().keyword(), "maxLength");
}

/// A body the checker cannot walk to its end is refused with the reason as a
/// value, never sent unchecked: here a story's `metadata` (whose size the
/// spec limits, so the checker reads all of it) nested 200 levels deep,
/// past serde_json's 128.
#[tokio::test]
async fn a_body_nested_deeper_than_the_checker_reads_is_refused_not_sent() {
    use generated_client::validation::UncheckableBody;
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({}));
        })
        .await;
    let mut deep = json!(1);
    for _ in 0..200 {
        deep = Value::Array(vec![deep]);
    }
    let mut body = fixture("createStory.request.json");
    body["metadata"] = json!({ "deep": deep });
    let error = send(&client(&server), "createStory", body)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UncheckableBody, "{error:?}");
    assert_eq!(error.attempts(), 0);
    assert!(!error.may_have_reached_service());
    assert!(error.violations().is_none());
    let why = std::error::Error::source(&error)
        .and_then(|source| source.downcast_ref::<UncheckableBody>())
        .expect("the reason, as a value");
    let UncheckableBody::Unreadable { operation, reason } = why else {
        panic!("{why:?}")
    };
    assert_eq!(*operation, "createStory");
    assert!(reason.contains("recursion limit"), "{reason}");
    assert_eq!(any.calls_async().await, 0, "nothing was sent");
}
