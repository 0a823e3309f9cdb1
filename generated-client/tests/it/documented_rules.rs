//! Every rule the docs state in prose (the spec's `x-rule` members) is checked
//! before a request leaves: a body breaking one is refused with the rule's
//! name, the field and the page's sentence, and the loopback server sees
//! nothing; the same body mended is sent.

use generated_client::Client;
use generated_client::validation::Rule;
use httpmock::MockServer;
use serde_json::{Value, json};

use crate::support::{answer_all, client, fixture, send};

/// One rule: the fixture edited to break it, and edited again to keep it.
struct Case {
    operation: &'static str,
    rule: &'static str,
    /// Where the violation is reported, and what it says there.
    path: &'static str,
    message: &'static str,
    breaks: fn(&mut Value),
    keeps: fn(&mut Value),
}

fn remove(body: &mut Value, key: &str) {
    body.as_object_mut().unwrap().remove(key);
}

const CASES: &[Case] = &[
    Case {
        operation: "createPost",
        rule: "post-text-or-attachments",
        path: ".data.text",
        message: "required field is missing",
        breaks: |b| {
            remove(b, "dataType");
            remove(b, "attachments");
            b["data"] = json!({ "title": "a title" });
        },
        keeps: |b| {
            remove(b, "dataType");
            remove(b, "attachments");
            b["data"] = json!({ "title": "a title", "text": "hello" });
        },
    },
    Case {
        operation: "createPost",
        rule: "post-text-or-attachments",
        path: ".data.text",
        message: "0 characters, less than the minimum length of 1",
        breaks: |b| {
            remove(b, "dataType");
            b["attachments"] = json!([]);
            b["data"] = json!({ "text": "" });
        },
        // An attachment is enough.
        keeps: |b| {
            remove(b, "dataType");
            b["data"] = json!({});
        },
    },
    Case {
        operation: "createPost",
        rule: "post-live-stream-needs-stream-id",
        path: ".data.streamId",
        message: "required field is missing",
        breaks: |b| {
            b["dataType"] = json!("liveStream");
            b["data"] = json!({ "text": "live" });
        },
        keeps: |b| {
            b["dataType"] = json!("liveStream");
            b["data"] = json!({ "text": "live", "streamId": "s1" });
        },
    },
    Case {
        operation: "createPost",
        rule: "post-poll-needs-poll-id",
        path: ".data.pollId",
        message: "required field is missing",
        breaks: |b| {
            b["dataType"] = json!("poll");
            b["data"] = json!({ "text": "vote" });
        },
        keeps: |b| {
            b["dataType"] = json!("poll");
            b["data"] = json!({ "pollId": "p1" });
        },
    },
    Case {
        operation: "createPost",
        rule: "post-room-needs-room-id",
        path: ".data.roomId",
        message: "required field is missing",
        breaks: |b| {
            b["dataType"] = json!("room");
            b["data"] = json!({ "text": "join" });
        },
        keeps: |b| {
            b["dataType"] = json!("room");
            b["data"] = json!({ "roomId": "r1" });
        },
    },
    Case {
        operation: "createPost",
        rule: "post-custom-data-size",
        path: ".data",
        // `{"text":"…"}`: 11 bytes and the text.
        message: "102401 bytes encoded as JSON, more than the maximum of 102400",
        breaks: |b| b["data"] = json!({ "text": "x".repeat(102_390) }),
        // Exactly at the limit.
        keeps: |b| b["data"] = json!({ "text": "x".repeat(102_389) }),
    },
    Case {
        operation: "createPost",
        rule: "post-attachment-type-and-file-id",
        path: ".attachments[1].fileId",
        message: "required field is missing",
        breaks: |b| {
            b["attachments"] = json!([{ "type": "image", "fileId": "f1" }, { "type": "clip" }])
        },
        keeps: |b| {
            b["attachments"] = json!([
                { "type": "image", "fileId": "f1" },
                { "type": "clip", "fileId": "c1", "isMuted": true, "displayMode": "fill" }
            ])
        },
    },
    Case {
        operation: "createStory",
        rule: "story-text-needs-text",
        path: ".data.text",
        message: "required field is missing",
        breaks: |b| b["data"] = json!({ "fileId": "f1" }),
        keeps: |b| b["data"] = json!({ "text": "hello" }),
    },
    Case {
        operation: "createStory",
        rule: "story-media-needs-file-id",
        path: ".data.fileId",
        message: "required field is missing",
        breaks: |b| {
            b["dataType"] = json!("video");
            b["data"] = json!({ "text": "a video" });
        },
        keeps: |b| {
            b["dataType"] = json!("image");
            b["data"] = json!({ "fileId": "f1", "imageDisplayMode": "fill" });
        },
    },
    Case {
        operation: "createStory",
        rule: "story-data-size",
        path: ".data",
        message: "10240 bytes encoded as JSON, more than the maximum of 10239",
        // `{"text":"…"}`: 11 bytes and the text; `é` is two bytes in UTF-8.
        breaks: |b| b["data"] = json!({ "text": "é".repeat(5_114) + "x" }),
        keeps: |b| b["data"] = json!({ "text": "x".repeat(10_228) }),
    },
    Case {
        operation: "createStory",
        rule: "story-metadata-size",
        path: ".metadata",
        message: "5120 bytes encoded as JSON, more than the maximum of 5119",
        // `{"k":"…"}`: 8 bytes and the text; a quote is escaped in two.
        breaks: |b| b["metadata"] = json!({ "k": "\"".repeat(2_556) }),
        keeps: |b| b["metadata"] = json!({ "k": "x".repeat(5_111) }),
    },
    Case {
        operation: "createStory",
        rule: "story-items-hyperlink-only",
        path: ".items[0].type",
        message: "\"image\" is not one of the documented values {\"hyperlink\"}",
        breaks: |b| b["items"] = json!([{ "type": "image", "data": {} }]),
        keeps: |b| b["items"] = json!([]),
    },
    Case {
        operation: "createStory",
        rule: "story-one-hyperlink-item",
        path: ".items",
        message: "2 items with type = \"hyperlink\", more than the maximum of 1",
        breaks: |b| {
            let item = b["items"][0].clone();
            b["items"] = json!([item.clone(), item]);
        },
        keeps: |b| remove(b, "items"),
    },
    Case {
        operation: "createChannel",
        rule: "channel-post-needs-video-stream",
        path: ".videoStreamId",
        message: "required field is missing",
        breaks: |b| remove(b, "videoStreamId"),
        keeps: |b| {
            remove(b, "videoStreamId");
            remove(b, "postId");
        },
    },
    Case {
        operation: "createChannel",
        rule: "channel-video-stream-needs-post",
        path: ".postId",
        message: "required field is missing",
        breaks: |b| remove(b, "postId"),
        keeps: |_| {},
    },
];

#[tokio::test]
async fn each_documented_rule_is_refused_before_sending_and_kept_is_sent() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/docs");
    for case in CASES {
        let server = MockServer::start_async().await;
        let any = answer_all(&server, 200, json!({})).await;
        let client = client(&server);
        let what = format!("{} {}", case.operation, case.rule);

        let mut body = fixture(&format!("{}.request.json", case.operation));
        (case.breaks)(&mut body);
        let error = send(&client, case.operation, body)
            .await
            .expect_err(&format!("{what}: a body breaking the rule was sent"));
        assert_eq!(any.calls_async().await, 0, "{what}: the server saw it");
        let refused = error
            .violations()
            .unwrap_or_else(|| panic!("{what}: not a refusal: {error}"));
        let [violation] = refused.violations() else {
            panic!("{what}: one violation expected, got {refused}");
        };
        assert_eq!(violation.path(), case.path, "{what}: {refused}");
        assert_eq!(violation.rule().to_string(), case.message, "{what}");
        let rule = violation
            .documented()
            .unwrap_or_else(|| panic!("{what}: no documented rule named: {refused}"));
        assert_eq!(rule.name(), case.rule);
        // The quote is the page's, and the message carries it.
        let page = std::fs::read_to_string(docs.join(rule.page())).unwrap();
        let words = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            words(&page).contains(&words(rule.quote())),
            "{what}: {rule:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains(case.rule) && message.contains(rule.quote()),
            "{what}: {message}"
        );

        let mut body = fixture(&format!("{}.request.json", case.operation));
        (case.keeps)(&mut body);
        send(&client, case.operation, body)
            .await
            .unwrap_or_else(|e| panic!("{what}: a body keeping the rule was refused: {e}"));
        assert_eq!(
            any.calls_async().await,
            1,
            "{what}: the kept body was not sent"
        );
    }
}

#[tokio::test]
async fn a_rule_broken_with_validation_off_reaches_the_server() {
    let server = MockServer::start_async().await;
    let any = answer_all(&server, 200, json!({})).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .bearer_token("t")
        .validate_requests(false)
        .build()
        .unwrap();
    let mut body = fixture("createChannel.request.json");
    remove(&mut body, "postId");
    send(&client, "createChannel", body).await.unwrap();
    assert_eq!(any.calls_async().await, 1);
}

#[test]
fn the_rules_are_checked_on_plain_json_too() {
    let mut body = fixture("createStory.request.json");
    body["items"] = json!([{ "type": "hyperlink" }, { "type": "hyperlink" }, { "type": "x" }]);
    let refused = generated_client::validation::check_request("createStory", &body).unwrap_err();
    let found: Vec<(String, &str)> = refused
        .violations()
        .iter()
        .map(|v| (v.path().to_owned(), v.documented().unwrap().name()))
        .collect();
    assert_eq!(
        found,
        [
            (".items".to_owned(), "story-one-hyperlink-item"),
            (".items[2].type".to_owned(), "story-items-hyperlink-only"),
        ]
    );
    assert!(matches!(
        refused.violations()[0].rule(),
        Rule::MaxItemsWhere {
            max: 1,
            actual: 2,
            ..
        }
    ));
}
