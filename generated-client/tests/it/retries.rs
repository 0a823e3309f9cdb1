//! Retries, against a real server on loopback: which failures are tried
//! again, with which waits, within which deadline; and what the caller is
//! told when a retried create finds its earlier attempt landed.
//!
//! Time is a `TestClock`: waits are recorded and return at once, so no test
//! sleeps to prove a wait, and none asserts on elapsed wall time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use generated_client::types::CreatePostRequest;
use generated_client::{AfterSend, Client, ErrorKind, Reach, RetryPolicy};
use httpmock::Method::POST;
use httpmock::{MockServer, When};
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde_json::{Value, json};

use crate::support::{TOKEN, TestClock, answer_all, builder, error_body, nothing_listening};

/// A post body; with `post_id`, it carries a client-chosen id.
fn post(post_id: Option<&str>) -> CreatePostRequest {
    let mut body = json!({ "data": { "text": "hello" } });
    if let Some(id) = post_id {
        body["postId"] = json!(id);
    }
    serde_json::from_value(body).unwrap()
}

/// Matches only the first `n` requests that reach it; later ones fall through
/// to the next mock.
fn first(when: When, n: usize) -> When {
    let seen = Arc::new(Mutex::new(0));
    when.is_true(move |_| {
        let mut seen = seen.lock().unwrap();
        *seen += 1;
        *seen <= n
    })
}

/// Answers the first `n` requests with `status` and the JSON `body`; later
/// ones fall through to the next mock.
async fn answer_first(
    server: &MockServer,
    n: usize,
    status: u16,
    body: Value,
) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            first(when, n);
            then.status(status).json_body(body);
        })
        .await
}

/// Answers every request with 429 (code 400311) and `Retry-After: seconds`.
async fn rate_limited<'a>(server: &'a MockServer, seconds: &str) -> httpmock::Mock<'a> {
    server
        .mock_async(|_, then| {
            then.status(429)
                .header("retry-after", seconds)
                .json_body(error_body(400311, "Rate limit exceeded"));
        })
        .await
}

/// Answers every request with a created post, 5 s late.
async fn answer_in_5_seconds(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|_, then| {
            then.status(200)
                .delay(Duration::from_secs(5))
                .json_body(created());
        })
        .await
}

fn created() -> Value {
    json!({ "posts": [{ "postId": "p1" }] })
}

#[tokio::test]
async fn a_500_on_a_create_without_a_client_chosen_id_is_sent_once() {
    for status in [408, 500, 502, 503, 504] {
        let server = MockServer::start_async().await;
        let failing = server
            .mock_async(|when, then| {
                when.method(POST).path("/api/v4/posts");
                then.status(status).json_body(error_body(500000, "oops"));
            })
            .await;
        let clock = TestClock::new();
        let client = builder(&server, &clock).build().unwrap();
        let error = client
            .create_post()
            .body(post(None))
            .send()
            .await
            .unwrap_err();
        assert_eq!(failing.calls_async().await, 1, "status {status}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(error.attempts(), 1);
        assert!(clock.waits().is_empty());
    }
}

#[tokio::test]
async fn a_create_with_a_client_chosen_id_is_retried_and_a_400900_then_says_the_earlier_attempt_landed()
 {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|when, then| {
            first(when, 1).method(POST);
            then.status(500)
                .json_body(error_body(500000, "stored, then failed"));
        })
        .await;
    let conflict = server
        .mock_async(|when, then| {
            when.method(POST)
                .json_body_includes(r#"{"postId": "my-post-1"}"#);
            then.status(400)
                .json_body(error_body(400900, "Duplicate data"));
        })
        .await;
    let clock = TestClock::new();
    let client = builder(&server, &clock).build().unwrap();
    let error = client
        .create_post()
        .body(post(Some("my-post-1")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failing.calls_async().await, 1);
    assert_eq!(conflict.calls_async().await, 1);
    assert_eq!(clock.waits().len(), 1);
    assert_eq!(error.code(), Some(generated_client::ErrorCode::Conflict));
    assert_eq!(error.kind(), ErrorKind::EarlierAttemptLanded);
    assert!(error.earlier_attempt_landed());
    assert!(!error.is_conflict(), "not an ordinary conflict");
    assert_eq!(error.client_chosen_id(), Some("my-post-1"));
    assert_eq!(error.attempts(), 2);
}

#[tokio::test]
async fn a_400900_on_the_first_attempt_is_an_ordinary_conflict() {
    let server = MockServer::start_async().await;
    answer_all(&server, 400, error_body(400900, "Duplicate data")).await;
    let clock = TestClock::new();
    let error = builder(&server, &clock)
        .build()
        .unwrap()
        .create_post()
        .body(post(Some("taken")))
        .send()
        .await
        .unwrap_err();
    assert!(error.is_conflict());
    assert!(!error.earlier_attempt_landed());
    assert_eq!(error.client_chosen_id(), Some("taken"), "the id sent");
    assert!(error.may_have_reached_service());
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_rate_limited_retry_before_the_400900_is_still_an_earlier_attempt_that_landed() {
    // 503 (may have landed), then 429 (refused), then 400900: the 503's
    // attempt is the one that landed.
    let server = MockServer::start_async().await;
    let unavailable = answer_first(&server, 1, 503, error_body(500000, "busy")).await;
    let limited = answer_first(&server, 1, 429, error_body(400311, "Rate limit exceeded")).await;
    answer_all(&server, 400, error_body(400900, "dup")).await;
    let clock = TestClock::new();
    let error = builder(&server, &clock)
        .build()
        .unwrap()
        .create_post()
        .body(post(Some("p")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(unavailable.calls_async().await, 1);
    assert_eq!(limited.calls_async().await, 1);
    assert!(error.earlier_attempt_landed());
    assert_eq!(error.attempts(), 3);
}

#[tokio::test]
async fn fill_client_ids_fills_an_id_that_stays_the_same_across_attempts() {
    let server = MockServer::start_async().await;
    let bodies = Arc::new(Mutex::new(Vec::<Value>::new()));
    let seen = bodies.clone();
    let failing = server
        .mock_async(move |when, then| {
            first(when, 2).is_true(move |request| {
                seen.lock()
                    .unwrap()
                    .push(serde_json::from_slice(request.body().as_ref()).unwrap());
                true
            });
            then.status(503).json_body(error_body(500000, "busy"));
        })
        .await;
    let succeeding = server
        .mock_async(|when, then| {
            when.method(POST);
            then.status(200).json_body(created());
        })
        .await;
    let clock = TestClock::new();
    let client = builder(&server, &clock)
        .fill_client_ids(true)
        .build()
        .unwrap();
    client.create_post().body(post(None)).send().await.unwrap();
    assert_eq!(failing.calls_async().await, 2);
    assert_eq!(succeeding.calls_async().await, 1);
    // The recording matcher may also see the third attempt.
    let bodies = bodies.lock().unwrap().clone();
    assert!(bodies.len() >= 2, "{bodies:?}");
    let id = bodies[0]["postId"].as_str().expect("an id was filled in");
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
    for body in &bodies {
        assert_eq!(
            body["postId"], bodies[0]["postId"],
            "the same id each attempt"
        );
    }
    assert_eq!(
        bodies[0]["data"]["text"], "hello",
        "the rest of the body is kept"
    );

    // An id the caller set is kept.
    succeeding.delete_async().await;
    let last = server
        .mock_async(|when, then| {
            when.method(POST)
                .json_body_includes(r#"{"postId": "mine"}"#);
            then.status(200).json_body(created());
        })
        .await;
    client
        .create_post()
        .body(post(Some("mine")))
        .send()
        .await
        .unwrap();
    assert_eq!(last.calls_async().await, 1);
}

#[tokio::test]
async fn a_filled_id_respects_the_documented_limit_and_empty_ids_are_filled() {
    assert_eq!(generated_client::new_client_chosen_id(Some(10)).len(), 10);
    assert_ne!(
        generated_client::new_client_chosen_id(None),
        generated_client::new_client_chosen_id(None)
    );
    let server = MockServer::start_async().await;
    let bodies = Arc::new(Mutex::new(Vec::<Value>::new()));
    let seen = bodies.clone();
    server
        .mock_async(move |when, then| {
            when.is_true(move |request| {
                seen.lock()
                    .unwrap()
                    .push(serde_json::from_slice(request.body().as_ref()).unwrap());
                true
            });
            then.status(200)
                .json_body(json!({ "messages": [{ "messageId": "m" }] }));
        })
        .await;
    let client = builder(&server, &TestClock::new())
        .fill_client_ids(true)
        .build()
        .unwrap();
    client
        .create_message()
        .body_map(|b| b.channel_id("c").message_id(""))
        .send()
        .await
        .unwrap();
    let bodies = bodies.lock().unwrap().clone();
    let id = bodies[0]["messageId"].as_str().unwrap();
    assert!(!id.is_empty() && id.len() <= 150, "{id}");
    assert_eq!(
        bodies[0]["channelId"], "c",
        "channelId is the target here, not the id"
    );
}

#[tokio::test]
async fn a_connection_refused_is_retried_even_without_a_client_chosen_id() {
    // A port bound and held, never listened on: every connection is refused.
    let refusing = nothing_listening();
    let clock = TestClock::new();
    let error = Client::builder()
        .base_url(refusing.url())
        .bearer_token(TOKEN)
        .clock(clock.clone())
        .build()
        .unwrap()
        .create_post()
        .body(post(None))
        .send()
        .await
        .unwrap_err();
    assert!((error.kind() == generated_client::ErrorKind::Connect));
    assert_eq!(clock.waits().len(), 2, "1 attempt + 2 retries");
    assert!(!error.to_string().contains(TOKEN));
}

#[tokio::test]
async fn a_429_is_retried_on_any_operation_after_its_retry_after() {
    let server = MockServer::start_async().await;
    let limited = rate_limited(&server, "3").await;
    let clock = TestClock::new();
    let error = builder(&server, &clock)
        .build()
        .unwrap()
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    assert_eq!(limited.calls_async().await, 3);
    assert_eq!(clock.waits(), [Duration::from_secs(3); 2]);
    assert!(error.is_rate_limited());
    assert!(!error.is_forbidden(), "400311 is not forbidden");
    assert_eq!(error.attempts(), 3);
}

#[tokio::test]
async fn the_deadline_stops_a_retry_after_that_would_outlast_it() {
    let server = MockServer::start_async().await;
    let limited = rate_limited(&server, "20").await;
    let clock = TestClock::new();
    let error = builder(&server, &clock)
        .deadline(Duration::from_secs(10))
        .build()
        .unwrap()
        .create_post()
        .body(post(Some("p")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(limited.calls_async().await, 1);
    assert!(clock.waits().is_empty(), "no wait past the deadline");
    assert!(error.is_rate_limited(), "the last answer, as it was");
    assert_eq!(error.attempts(), 1);

    // Within the deadline, the same wait is made.
    let clock = TestClock::new();
    builder(&server, &clock)
        .deadline(Duration::from_secs(30))
        .max_retries(1)
        .build()
        .unwrap()
        .create_post()
        .body(post(Some("p")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(clock.waits(), [Duration::from_secs(20)]);
}

#[tokio::test]
async fn the_deadline_counts_every_wait_of_the_call() {
    // Backoff waits of 4 s (equal jitter: 2 to 4 s), 8 s (4 to 8 s), ...
    // within a 5 s deadline: the first always fits, and the second, which
    // would end at 6 s at the earliest, never does.
    let server = MockServer::start_async().await;
    let failing = answer_all(&server, 503, error_body(500000, "busy")).await;
    let clock = TestClock::new();
    builder(&server, &clock)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(5)
                .initial_backoff(Duration::from_secs(4))
                .max_backoff(Duration::from_secs(60))
                .deadline(Duration::from_secs(5)),
        )
        .build()
        .unwrap()
        .create_post()
        .body(post(Some("p")))
        .send()
        .await
        .unwrap_err();
    let waits = clock.waits();
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert!(waits[0] >= Duration::from_secs(2) && waits[0] <= Duration::from_secs(4));
    assert_eq!(failing.calls_async().await, 2);
}

#[tokio::test]
async fn the_deadline_shortens_the_attempt_in_flight() {
    // The server answers after 5 s; the call's deadline is 300 ms, far below
    // the 30 s attempt timeout. The attempt times out at the deadline.
    let server = MockServer::start_async().await;
    let slow = answer_in_5_seconds(&server).await;
    let error = builder(&server, &TestClock::new())
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap()
        .create_post()
        .body(post(None))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            generated_client::ErrorKind::Timeout | generated_client::ErrorKind::DeadlineExceeded
        ),
        "{error:?}"
    );
    assert_eq!(
        slow.calls_async().await,
        1,
        "a timeout after sending is not retried without an id"
    );
}

#[tokio::test]
async fn a_timeout_after_sending_is_retried_only_with_a_client_chosen_id() {
    let server = MockServer::start_async().await;
    let slow = answer_in_5_seconds(&server).await;
    let client = builder(&server, &TestClock::new())
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .unwrap();
    let error = client
        .create_post()
        .body(post(None))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        error.kind(),
        generated_client::ErrorKind::Timeout | generated_client::ErrorKind::DeadlineExceeded
    ));
    assert!(error.may_have_reached_service(), "it may exist");
    assert_eq!(slow.calls_async().await, 1);
    client
        .create_post()
        .body(post(Some("p")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(slow.calls_async().await, 3, "1 + 2 attempts");
}

#[tokio::test]
async fn after_send_can_be_opted_in_for_every_request_or_turned_off() {
    for (after_send, id, expected) in [
        (AfterSend::Always, None, 3),
        (AfterSend::WhenSafe, None, 1),
        (AfterSend::WhenSafe, Some(""), 1),
        (AfterSend::WhenSafe, Some("p"), 3),
        (AfterSend::Never, Some("p"), 1),
    ] {
        let server = MockServer::start_async().await;
        let failing = answer_all(&server, 500, error_body(500000, "oops")).await;
        builder(&server, &TestClock::new())
            .retry_after_send(after_send)
            .build()
            .unwrap()
            .create_post()
            .body(post(id))
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            failing.calls_async().await,
            expected,
            "{after_send:?} with id {id:?}"
        );
    }
}

/// createStory's `referenceId` is not documented as identifying the story
/// (`x-retry: not-after-send`): a 502 is not resent, even when it carries one.
#[tokio::test]
async fn a_story_is_not_resent_after_a_failure_that_may_have_reached_the_service() {
    let server = MockServer::start_async().await;
    let failing = answer_all(&server, 502, error_body(500000, "bad gateway")).await;
    let story: generated_client::types::CreateStoryRequest = serde_json::from_value(json!({
        "data": { "text": "hi" },
        "dataType": "text",
        "targetType": "community",
        "targetId": "c1",
        "referenceId": "story-ref-1"
    }))
    .unwrap();
    let error = builder(&server, &TestClock::new())
        .build()
        .unwrap()
        .create_story()
        .body(story)
        .send()
        .await
        .unwrap_err();
    assert_eq!(failing.calls_async().await, 1);
    assert_eq!(error.attempts(), 1);
}

/// Every operation's retry class is the spec's `x-retry`: GET, PUT and
/// DELETE idempotent, the three creates with a client-chosen id, every other
/// POST never resent after sending.
#[test]
fn each_operation_has_the_retry_class_its_method_and_spec_give() {
    use generated_client::operations::{self, RetryClass};
    for operation in operations::ALL {
        let expected = match operation.http_method() {
            "GET" | "PUT" | "DELETE" => RetryClass::Idempotent,
            _ if generated_client::client_ids::for_operation(operation.id()).is_some() => {
                RetryClass::ClientChosenId
            }
            _ => RetryClass::NotAfterSend,
        };
        assert_eq!(operation.retry(), expected, "{}", operation.id());
    }
    assert_eq!(
        operations::for_operation("create_story").map(|op| op.retry()),
        Some(RetryClass::NotAfterSend)
    );
}

#[tokio::test]
async fn other_client_errors_are_never_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let server = MockServer::start_async().await;
        let failing = answer_all(&server, status, error_body(400000, "no")).await;
        let error = builder(&server, &TestClock::new())
            .retry_after_send(AfterSend::Always)
            .build()
            .unwrap()
            .approve_post()
            .post_id("p")
            .send()
            .await
            .unwrap_err();
        assert_eq!(failing.calls_async().await, 1, "status {status}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
}

#[tokio::test]
async fn a_retry_that_succeeds_returns_the_success() {
    let server = MockServer::start_async().await;
    let failing = answer_first(&server, 1, 503, error_body(500000, "busy")).await;
    let succeeding = answer_all(&server, 200, created()).await;
    let response = builder(&server, &TestClock::new())
        .build()
        .unwrap()
        .create_post()
        .body(post(Some("p")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(failing.calls_async().await, 1);
    assert_eq!(succeeding.calls_async().await, 1);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_ends_the_call_with_the_servers_wait() {
    let server = MockServer::start_async().await;
    let limited = rate_limited(&server, "3600").await;
    let clock = TestClock::new();
    let error = builder(&server, &clock)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(1)
                .max_retry_after(Duration::from_secs(30)),
        )
        .build()
        .unwrap()
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    assert_eq!(clock.waits(), [], "no wait, no retry");
    assert_eq!(limited.calls_async().await, 1);
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(error.attempts(), 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_ends_the_call_at_once() {
    let server = MockServer::start_async().await;
    let limited = rate_limited(&server, "20").await;
    let clock = TestClock::new();
    let error = builder(&server, &clock)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(3)
                .deadline(Duration::from_secs(10)),
        )
        .build()
        .unwrap()
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    assert_eq!(clock.waits(), []);
    assert_eq!(limited.calls_async().await, 1);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(20)));
}

#[tokio::test]
async fn a_retry_after_within_the_cap_and_the_deadline_is_waited_for() {
    let server = MockServer::start_async().await;
    let limited = rate_limited(&server, "7").await;
    let clock = TestClock::new();
    let error = builder(&server, &clock)
        .retry_policy(RetryPolicy::default().max_retries(1))
        .build()
        .unwrap()
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    assert_eq!(clock.waits(), [Duration::from_secs(7)]);
    assert_eq!(limited.calls_async().await, 2);
    assert_eq!(error.attempts(), 2);
}

#[test]
fn failures_are_classified_by_whether_the_request_can_have_reached_the_service() {
    let policy = RetryPolicy::default();
    let status = |code| policy.classify_status(reqwest::StatusCode::from_u16(code).unwrap());
    assert_eq!(status(429), Some(Reach::Refused));
    for code in [408, 500, 502, 503, 504] {
        assert_eq!(status(code), Some(Reach::MaybeApplied), "{code}");
    }
    for code in [200, 400, 401, 403, 404, 409, 501] {
        assert_eq!(status(code), None, "{code}");
    }
    assert!(policy.allows(Reach::NotSent, false));
    assert!(policy.allows(Reach::Refused, false));
    assert!(!policy.allows(Reach::MaybeApplied, false));
    assert!(policy.allows(Reach::MaybeApplied, true));
}

#[test]
fn retry_after_http_date_sets_the_delay() {
    let policy = RetryPolicy::default();
    let in_ten = std::time::SystemTime::now() + Duration::from_secs(10);
    let mut headers = HeaderMap::new();
    headers.insert(
        RETRY_AFTER,
        HeaderValue::from_str(&httpdate::fmt_http_date(in_ten)).unwrap(),
    );
    let delay = policy.delay(0, Some(&headers));
    assert!(
        delay > Duration::from_secs(8) && delay <= Duration::from_secs(10),
        "{delay:?}"
    );
    let capped = policy.clone().max_retry_after(Duration::from_secs(2));
    assert_eq!(capped.delay(0, Some(&headers)), Duration::from_secs(2));
    headers.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    assert_eq!(
        policy.delay(0, Some(&headers)),
        Duration::ZERO,
        "a past date means now"
    );
}

#[test]
fn backoff_doubles_to_its_cap_with_equal_jitter() {
    let policy = RetryPolicy::default()
        .initial_backoff(Duration::from_millis(100))
        .max_backoff(Duration::from_millis(1000));
    for (attempt, full) in [
        (0, 100),
        (1, 200),
        (2, 400),
        (3, 800),
        (4, 1000),
        (10, 1000),
    ] {
        let full = Duration::from_millis(full);
        assert_eq!(
            policy.delay_with(attempt, None, 0.0),
            full / 2,
            "attempt {attempt}"
        );
        assert_eq!(
            policy.delay_with(attempt, None, 1.0),
            full,
            "attempt {attempt}"
        );
        assert_eq!(
            policy.delay_with(attempt, None, 0.5),
            full * 3 / 4,
            "attempt {attempt}"
        );
        let random = policy.delay(attempt, None);
        assert!(
            random >= full / 2 && random <= full,
            "attempt {attempt}: {random:?}"
        );
    }
}

/// GET, PUT and DELETE are idempotent (`x-retry: idempotent`): a 502, which
/// may have been applied, is retried; a POST without a client-chosen id
/// (declinePost) is not.
#[tokio::test]
async fn idempotent_operations_are_retried_after_a_failure_that_may_have_reached_the_service() {
    for (operation, expected_calls) in [("get", 3), ("delete", 3), ("decline", 1)] {
        let server = MockServer::start_async().await;
        let failing = answer_all(&server, 502, error_body(500000, "bad gateway")).await;
        let client = builder(&server, &TestClock::new()).build().unwrap();
        let error = match operation {
            "get" => client.get_post().post_id("p").send().await.map(|_| ()),
            "delete" => client.delete_post().post_id("p").send().await.map(|_| ()),
            _ => client.decline_post().post_id("p").send().await.map(|_| ()),
        }
        .unwrap_err();
        assert_eq!(failing.calls_async().await, expected_calls, "{operation}");
        assert_eq!(error.attempts(), expected_calls as u32, "{operation}");
    }
}

/// A loopback server that reads one request whole and closes the connection
/// without answering: the request was written, so it may have been applied.
fn reads_then_hangs_up() -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            let mut seen = Vec::new();
            let mut buffer = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buffer[..n]),
                }
            }
            drop(stream);
        }
    });
    format!("http://{address}")
}

/// How a transport error is classified: a connection never made was not
/// sent; a connection closed after the request was written, and a timeout,
/// may have been applied.
#[tokio::test]
async fn transport_errors_are_classified_by_whether_the_request_was_written() {
    let http = reqwest::Client::new();
    let hung_up = http.get(reads_then_hangs_up()).send().await.unwrap_err();
    assert!(
        hung_up.is_request()
            && !hung_up.is_timeout()
            && !hung_up.is_body()
            && !hung_up.is_connect(),
        "{hung_up:?}"
    );
    assert_eq!(Reach::of_error(&hung_up), Some(Reach::MaybeApplied));

    let refusing = nothing_listening();
    let refused = http.get(refusing.url()).send().await.unwrap_err();
    assert!(refused.is_connect(), "{refused:?}");
    assert_eq!(Reach::of_error(&refused), Some(Reach::NotSent));

    let server = MockServer::start_async().await;
    answer_in_5_seconds(&server).await;
    let timed_out = reqwest::Client::builder()
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap()
        .get(server.base_url())
        .send()
        .await
        .unwrap_err();
    assert!(timed_out.is_timeout(), "{timed_out:?}");
    assert_eq!(Reach::of_error(&timed_out), Some(Reach::MaybeApplied));
}
