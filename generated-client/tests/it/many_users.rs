//! One client serving many users: per-user handles over one connection pool,
//! tokens that change, your own reqwest client, per-call options.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use generated_client::{Client, TokenError, token_source_fn, types};
use httpmock::MockServer;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support::{TOKEN, TestClock, answer_all, builder, error_body};

/// A loopback HTTP/1.1 server that keeps connections alive, answers every
/// request with an empty `approvePost` answer, and counts the connections
/// it accepted and the `Authorization` header of each request.
struct CountingServer {
    url: String,
    connections: Arc<AtomicUsize>,
    authorizations: Arc<Mutex<Vec<String>>>,
}

impl CountingServer {
    async fn start() -> CountingServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let authorizations = Arc::new(Mutex::new(Vec::new()));
        let (count, seen) = (connections.clone(), authorizations.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                            match stream.read(&mut chunk).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                            }
                            continue;
                        };
                        let head = String::from_utf8_lossy(&buffer[..end]).to_string();
                        buffer.drain(..end + 4);
                        if let Some(line) = head
                            .lines()
                            .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                        {
                            seen.lock().unwrap().push(line[14..].trim().to_owned());
                        }
                        let body = r#"{"posts": []}"#;
                        let response = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if stream.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        CountingServer {
            url,
            connections,
            authorizations,
        }
    }
}

#[tokio::test]
async fn sequential_calls_as_different_users_share_one_connection() {
    let server = CountingServer::start().await;
    let client = Client::builder()
        .base_url(&server.url)
        .bearer_token("service-token")
        .build()
        .unwrap();
    for user in ["alice", "bob", "carol", "dave"] {
        client
            .with_token(format!("token-of-{user}"))
            .approve_post()
            .post_id("p")
            .send()
            .await
            .unwrap();
    }
    client.approve_post().post_id("p").send().await.unwrap();
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    assert_eq!(
        *server.authorizations.lock().unwrap(),
        [
            "Bearer token-of-alice",
            "Bearer token-of-bob",
            "Bearer token-of-carol",
            "Bearer token-of-dave",
            "Bearer service-token",
        ]
    );
}

#[tokio::test]
async fn a_handle_keeps_the_settings_and_hides_its_token() {
    let server = MockServer::start_async().await;
    let client = builder(&server, &TestClock::new())
        .max_retries(4)
        .build()
        .unwrap();
    let alice = client.with_token("alice-s3cr3t");
    assert_eq!(alice.state().retry_policy().max_retries, 4);
    assert_eq!(alice.baseurl(), client.baseurl());
    assert!(!format!("{alice:?}").contains("alice-s3cr3t"));
    // A token a header cannot carry fails each call before sending.
    let broken = client.with_token("line\nbreak-s3cr3t");
    let error = broken.approve_post().post_id("p").send().await.unwrap_err();
    assert!(
        (error.kind() == generated_client::ErrorKind::InvalidRequest),
        "{error:?}"
    );
    assert!(!error.to_string().contains("s3cr3t"));
}

#[tokio::test]
async fn a_token_source_is_asked_per_attempt_and_refreshed_once_on_401() {
    let server = MockServer::start_async().await;
    let stale = server
        .mock_async(|when, then| {
            when.header("authorization", "Bearer token-1");
            then.status(401).json_body(error_body(400100, "expired"));
        })
        .await;
    let fresh = server
        .mock_async(|when, then| {
            when.header("authorization", "Bearer token-2");
            then.status(200).json_body(json!({ "posts": [] }));
        })
        .await;
    let asked = Arc::new(Mutex::new(Vec::<bool>::new()));
    let log = asked.clone();
    let source = token_source_fn(move |rejected: Option<String>| {
        let log = log.clone();
        async move {
            let mut log = log.lock().unwrap();
            if let Some(rejected) = &rejected {
                assert_eq!(
                    rejected, "token-1",
                    "the source is told which token was refused"
                );
            }
            log.push(rejected.is_some());
            Ok(format!("token-{}", log.iter().filter(|r| **r).count() + 1))
        }
    });
    let client = Client::builder()
        .base_url(server.base_url())
        .token_source(source)
        .build()
        .unwrap();
    client.approve_post().post_id("p").send().await.unwrap();
    assert_eq!(stale.calls_async().await, 1);
    assert_eq!(fresh.calls_async().await, 1);
    assert_eq!(*asked.lock().unwrap(), [false, true]);
}

#[tokio::test]
async fn a_second_401_is_returned_not_retried() {
    let server = MockServer::start_async().await;
    let refused = answer_all(&server, 401, error_body(400100, "no")).await;
    let renewals = Arc::new(Mutex::new(0));
    let count = renewals.clone();
    let client = Client::builder()
        .base_url(server.base_url())
        .token_source(token_source_fn(move |rejected: Option<String>| {
            let count = count.clone();
            async move {
                let mut count = count.lock().unwrap();
                *count += usize::from(rejected.is_some());
                Ok(format!("token-{count}"))
            }
        }))
        .build()
        .unwrap();
    let error = client.approve_post().post_id("p").send().await.unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(refused.calls_async().await, 2, "the call and one retry");
    assert_eq!(*renewals.lock().unwrap(), 1, "one renewal per call");
}

#[tokio::test]
async fn a_source_that_gives_back_the_refused_token_is_not_resent() {
    let server = MockServer::start_async().await;
    let refused = answer_all(&server, 401, error_body(400100, "no")).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .token_source(token_source_fn(|_| async { Ok("always-stale".to_owned()) }))
        .build()
        .unwrap();
    let error = client.approve_post().post_id("p").send().await.unwrap_err();
    assert!(error.is_unauthorized());
    assert_eq!(
        refused.calls_async().await,
        1,
        "the same token is not sent again"
    );
}

#[tokio::test]
async fn a_token_source_that_fails_fails_the_call_before_sending() {
    let server = MockServer::start_async().await;
    let any = answer_all(&server, 200, json!({ "posts": [] })).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .token_source(token_source_fn(|_| async {
            Err(TokenError::new("the identity service is down".to_owned()))
        }))
        .build()
        .unwrap();
    let error = client.approve_post().post_id("p").send().await.unwrap_err();
    assert!(
        crate::support::chain(&error).contains("the identity service is down"),
        "{error:?}"
    );
    assert_eq!(error.kind(), generated_client::ErrorKind::Token);
    let source = std::error::Error::source(&error)
        .and_then(|s| s.downcast_ref::<TokenError>())
        .expect("the token source's error is the source");
    assert_eq!(source.reason(), "the identity service is down");
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn your_own_reqwest_client_gets_the_token_user_agent_and_timeout() {
    let server = MockServer::start_async().await;
    let seen = server
        .mock_async(|when, then| {
            when.header("authorization", format!("Bearer {TOKEN}"))
                .header("user-agent", "my-service/1.0")
                .header("x-from-my-client", "yes");
            then.status(200).json_body(json!({ "posts": [] }));
        })
        .await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-my-client", HeaderValue::from_static("yes"));
    let mine = reqwest::Client::builder()
        .default_headers(defaults)
        .build()
        .unwrap();
    let client = Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .user_agent("my-service/1.0")
        .http_client(mine)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    client.approve_post().post_id("p").send().await.unwrap();
    assert_eq!(seen.calls_async().await, 1);

    // The builder's attempt timeout applies to your client's requests.
    let slow = MockServer::start_async().await;
    slow.mock_async(|_, then| {
        then.status(200)
            .delay(Duration::from_secs(5))
            .json_body(json!({ "posts": [] }));
    })
    .await;
    let error = Client::builder()
        .base_url(slow.base_url())
        .bearer_token(TOKEN)
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        error.kind(),
        generated_client::ErrorKind::Timeout | generated_client::ErrorKind::DeadlineExceeded
    ));
}

#[tokio::test]
async fn per_call_options_change_the_handle_only() {
    let server = MockServer::start_async().await;
    let tagged = server
        .mock_async(|when, then| {
            when.header("x-request-id", "r-42");
            then.status(200).json_body(json!({ "posts": [] }));
        })
        .await;
    let plain = answer_all(&server, 200, json!({ "posts": [] })).await;
    let client = builder(&server, &TestClock::new()).build().unwrap();
    let tagged_client = client.with_options(|o| {
        o.header(
            HeaderName::from_static("x-request-id"),
            HeaderValue::from_static("r-42"),
        )
        .validate_requests(false)
        .max_retries(0);
    });
    let long_id = "p".repeat(901);
    tagged_client
        .approve_post()
        .post_id(long_id.as_str())
        .send()
        .await
        .expect("validation is off on the handle");
    assert_eq!(tagged.calls_async().await, 1);
    let error = client
        .approve_post()
        .post_id(long_id.as_str())
        .send()
        .await
        .unwrap_err();
    assert!(error.violations().is_some(), "the original still validates");
    client.approve_post().post_id("p").send().await.unwrap();
    assert_eq!(plain.calls_async().await, 1, "and sends no extra header");
    assert_eq!(client.state().retry_policy().max_retries, 2);
    assert_eq!(tagged_client.state().retry_policy().max_retries, 0);
}

/// `Client` can be shared across tasks, and every `send()` future can be
/// spawned.
#[test]
fn client_and_send_futures_are_send() {
    fn send_sync_clone<T: Send + Sync + Clone>() {}
    fn send<T: Send>(_: &T) {}
    send_sync_clone::<Client>();
    let client = Client::builder().bearer_token("t").build().unwrap();
    send(
        &client
            .create_post()
            .body(types::CreatePostRequest::builder())
            .send(),
    );
    send(
        &client
            .create_story()
            .body(types::CreateStoryRequest::builder())
            .send(),
    );
    send(
        &client
            .create_message()
            .body(types::CreateMessageRequest::builder())
            .send(),
    );
    send(
        &client
            .create_channel()
            .body(types::CreateChannelRequest::builder())
            .send(),
    );
    send(&client.approve_post().post_id("p").send());
}

/// A span's name and its fields, as `Debug` text.
type SpanRecord = (String, Vec<(String, String)>);

/// A `tracing` subscriber that keeps every span's name and fields.
#[derive(Default, Clone)]
struct Spans(Arc<Mutex<Vec<SpanRecord>>>);

struct Fields<'a>(&'a mut Vec<(String, String)>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let value = format!("{value:?}");
        match self.0.iter_mut().find(|(name, _)| name == field.name()) {
            Some(slot) => slot.1 = value,
            None => self.0.push((field.name().to_owned(), value)),
        }
    }
}

impl tracing::Subscriber for Spans {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    // Never cache an interest: tests with subscribers of their own run on
    // other threads at once, and a cached `never` from one would hide the
    // spans and events from another.
    fn register_callsite(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut spans = self.0.lock().unwrap();
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        spans.push((span.metadata().name().to_owned(), fields));
        tracing::span::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let index = id.into_u64() as usize - 1;
        values.record(&mut Fields(&mut spans[index].1));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn each_call_has_a_span_with_its_attempts_status_and_retry_reason() {
    let spans = Spans::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // tracing caches whether a callsite is wanted. With a single scoped
    // subscriber registered, a callsite first reached on another test's
    // thread (no subscriber there) is cached as never wanted. A second
    // registered dispatcher makes tracing ask every live one instead, and the
    // cache is rebuilt once ours is the default.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    tracing::subscriber::with_default(spans.clone(), || {
        tracing::callsite::rebuild_interest_cache();
        runtime.block_on(async {
            let server = MockServer::start_async().await;
            let seen = Arc::new(AtomicUsize::new(0));
            let first = seen.clone();
            server
                .mock_async(move |when, then| {
                    when.is_true(move |_| first.fetch_add(1, Ordering::SeqCst) == 0);
                    then.status(503).json_body(error_body(500000, "busy"));
                })
                .await;
            answer_all(&server, 200, json!({ "posts": [] })).await;
            let body: types::CreatePostRequest = serde_json::from_value(json!({
                "data": { "text": "a body that stays out of traces" },
                "postId": "p-1"
            }))
            .unwrap();
            builder(&server, &TestClock::new())
                .build()
                .unwrap()
                .create_post()
                .body(body)
                .send()
                .await
                .unwrap();
        });
    });
    let spans = spans.0.lock().unwrap();
    let calls: Vec<_> = spans
        .iter()
        .filter(|(name, _)| name == "generated_client.call")
        .collect();
    assert_eq!(calls.len(), 1, "{spans:?}");
    let fields: std::collections::BTreeMap<&str, &str> = calls[0]
        .1
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    assert_eq!(fields["operation"], "\"createPost\"");
    assert_eq!(fields["host"], "\"127.0.0.1\"");
    assert_eq!(fields["attempts"], "2");
    assert_eq!(fields["status"], "200");
    assert_eq!(fields["retry_reason"], "\"503\"");
    assert!(fields["latency_ms"].parse::<f64>().is_ok(), "{fields:?}");
    let everything = format!("{spans:?}");
    assert!(
        !everything.contains(TOKEN) && !everything.contains("stays out"),
        "{everything}"
    );
}

/// A `renewing_token_source` whose fetches are counted: the n-th fetch
/// gives `svc-n` (after `delay`), or fails when `fail` is set.
fn counted_source(
    delay: Duration,
    valid_for: Option<Duration>,
    fail: bool,
) -> (Arc<AtomicUsize>, Arc<dyn generated_client::TokenSource>) {
    let fetches = Arc::new(AtomicUsize::new(0));
    let count = fetches.clone();
    let source = generated_client::renewing_token_source(move || {
        let count = count.clone();
        async move {
            tokio::time::sleep(delay).await;
            let n = count.fetch_add(1, Ordering::SeqCst) + 1;
            if fail {
                return Err(TokenError::new("the identity service is down".to_owned()));
            }
            let fresh = generated_client::FreshToken::new(format!("svc-{n}"));
            Ok(match valid_for {
                Some(valid_for) => fresh.valid_for(valid_for),
                None => fresh,
            })
        }
    });
    (fetches, source)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewing_source_fetches_once_for_many_calls_and_once_for_their_refusals() {
    let server = MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.header("authorization", "Bearer svc-1");
            then.status(401).json_body(error_body(400100, "revoked"));
        })
        .await;
    let accepted = server
        .mock_async(|when, then| {
            when.header("authorization", "Bearer svc-2");
            then.status(200).json_body(json!({ "posts": [] }));
        })
        .await;
    let (fetches, source) = counted_source(Duration::from_millis(100), None, false);
    let client = Client::builder()
        .base_url(server.base_url())
        .token_source(source)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.approve_post().post_id("p").send().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "the first token, and one renewal"
    );
    assert_eq!(
        refused.calls_async().await,
        50,
        "every call was refused svc-1 once"
    );
    assert_eq!(accepted.calls_async().await, 50);
}

#[tokio::test]
async fn a_renewing_source_renews_after_its_lifetime() {
    let server = MockServer::start_async().await;
    let any = answer_all(&server, 200, json!({ "posts": [] })).await;
    for (valid_for, expected) in [(Duration::ZERO, 3), (Duration::from_secs(3600), 1)] {
        let (fetches, source) = counted_source(Duration::ZERO, Some(valid_for), false);
        let client = Client::builder()
            .base_url(server.base_url())
            .token_source(source)
            .build()
            .unwrap();
        for _ in 0..3 {
            client.approve_post().post_id("p").send().await.unwrap();
        }
        assert_eq!(fetches.load(Ordering::SeqCst), expected, "{valid_for:?}");
    }
    assert_eq!(any.calls_async().await, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewing_source_shares_a_failure_with_the_calls_that_waited_only() {
    let server = MockServer::start_async().await;
    let any = answer_all(&server, 200, json!({ "posts": [] })).await;
    let (fetches, source) = counted_source(Duration::from_millis(100), None, true);
    let client = Client::builder()
        .base_url(server.base_url())
        .token_source(source)
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.approve_post().post_id("p").send().await })
        })
        .collect();
    for task in tasks {
        let error = task.await.unwrap().unwrap_err();
        assert!(
            crate::support::chain(&error).contains("the identity service is down"),
            "{error:?}"
        );
    }
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        1,
        "one fetch for the ten calls"
    );
    client.approve_post().post_id("p").send().await.unwrap_err();
    assert_eq!(
        fetches.load(Ordering::SeqCst),
        2,
        "not kept: the next call fetches again"
    );
    assert_eq!(any.calls_async().await, 0);
}
