//! Retries: which answers are tried again, how often, and how long between.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use generated_client::{Client, ErrorExt, RetryPolicy};
use httpmock::Method::POST;
use httpmock::MockServer;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use serde_json::json;

use crate::support::{TOKEN, client, client_with_retries, error_body};

#[tokio::test]
async fn each_retryable_status_is_tried_max_retries_more_times() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = MockServer::start_async().await;
        let failing = server
            .mock_async(|when, then| {
                when.method(POST);
                then.status(status)
                    .json_body(error_body(500000, "try again"));
            })
            .await;
        let error = client(&server)
            .approve_post()
            .post_id("p")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            failing.calls_async().await,
            3,
            "status {status}: 1 attempt + 2 retries"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
}

#[tokio::test]
async fn max_retries_zero_sends_once() {
    let server = MockServer::start_async().await;
    let failing = server
        .mock_async(|_, then| {
            then.status(503).json_body(error_body(500000, "busy"));
        })
        .await;
    client_with_retries(&server, 0)
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    assert_eq!(failing.calls_async().await, 1);
}

#[tokio::test]
async fn a_retry_that_succeeds_returns_the_success() {
    let server = MockServer::start_async().await;
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    // The first request matches the failing mock; later ones fall through.
    let failing = server
        .mock_async(move |when, then| {
            when.is_true(move |_| counter.fetch_add(1, Ordering::SeqCst) == 0);
            then.status(503).json_body(error_body(500000, "busy"));
        })
        .await;
    let succeeding = server
        .mock_async(|_, then| {
            then.status(200)
                .json_body(json!({ "posts": [{ "postId": "p" }] }));
        })
        .await;
    let response = client(&server)
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(failing.calls_async().await, 1);
    assert_eq!(succeeding.calls_async().await, 1);
}

#[tokio::test]
async fn client_errors_other_than_408_and_429_are_never_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let server = MockServer::start_async().await;
        let failing = server
            .mock_async(|_, then| {
                then.status(status).json_body(error_body(400000, "no"));
            })
            .await;
        let error = client(&server)
            .approve_post()
            .post_id("p")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            failing.calls_async().await,
            1,
            "status {status} must not be retried"
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    }
}

#[tokio::test]
async fn retry_after_seconds_is_honoured() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|_, then| {
            then.status(429)
                .header("retry-after", "1")
                .json_body(error_body(400311, "Rate limit exceeded"));
        })
        .await;
    let started = Instant::now();
    let error = client_with_retries(&server, 1)
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(limited.calls_async().await, 2);
    assert!(
        elapsed >= Duration::from_millis(950),
        "waited only {elapsed:?}"
    );
    assert!(error.is_rate_limited());
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(503)
                .header("retry-after", "3600")
                .json_body(error_body(500000, "x"));
        })
        .await;
    let client = Client::builder()
        .base_url(&server.base_url())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy {
            max_retries: 1,
            max_retry_after: Duration::from_millis(50),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let started = Instant::now();
    client.approve_post().post_id("p").send().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the cap was ignored"
    );
}

#[test]
fn retry_after_http_date_sets_the_delay() {
    let policy = RetryPolicy::default();
    let in_ten = SystemTime::now() + Duration::from_secs(10);
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

    let capped = RetryPolicy {
        max_retry_after: Duration::from_secs(2),
        ..policy.clone()
    };
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
fn backoff_grows_exponentially_with_jitter_and_a_cap() {
    let policy = RetryPolicy {
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(1000),
        ..RetryPolicy::default()
    };
    for (attempt, full) in [
        (0, 100),
        (1, 200),
        (2, 400),
        (3, 800),
        (4, 1000),
        (10, 1000),
    ] {
        for _ in 0..20 {
            let delay = policy.delay(attempt, None);
            let full = Duration::from_millis(full);
            assert!(
                delay >= full / 2 && delay <= full,
                "attempt {attempt}: {delay:?}"
            );
        }
    }
}

#[tokio::test]
async fn connection_failures_are_retried() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let policy = |max_retries| RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_millis(200),
        ..RetryPolicy::default()
    };
    let client = |max_retries| {
        Client::builder()
            .base_url(&format!("http://127.0.0.1:{port}"))
            .bearer_token(TOKEN)
            .retry_policy(policy(max_retries))
            .build()
            .unwrap()
    };
    let started = Instant::now();
    let error = client(2)
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    // Two waits of at least 100 ms each (half of the 200 ms backoff).
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, generated_client::Error::CommunicationError(ref e) if e.is_connect()));
    assert!(!error.to_string().contains(TOKEN));
}
