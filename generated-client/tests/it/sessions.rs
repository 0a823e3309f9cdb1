//! Acting for users (`Client::as_user`): sessions registered on first use,
//! one registration per user however many calls start at once, renewed
//! before expiry and once on a 401 (one renewal for every call refused the
//! same token), a bounded cache, typed failures, and no secret anywhere.
//! Requests are counted by the server (httpmock's hits).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use generated_client::{
    BuildError, Client, ClientBuilder, Clock, Error, ErrorCode, ErrorKind, SessionStep,
};
use httpmock::Method::{GET, POST};
use httpmock::{Mock, MockServer};
use serde_json::json;

use crate::support::{TestClock, error_body, fixture};

const API_KEY: &str = "api-key-s3cr3t";
const SERVER_KEY: &str = "server-key-s3cr3t";

/// An `expiresAt` `seconds` from now (negative: past).
fn expires_in(seconds: i64) -> String {
    let now = SystemTime::now();
    let when = if seconds >= 0 {
        now + Duration::from_secs(seconds as u64)
    } else {
        now - Duration::from_secs(seconds.unsigned_abs())
    };
    chrono::DateTime::<chrono::Utc>::from(when).to_rfc3339()
}

const THIRTY_DAYS: i64 = 30 * 24 * 3600;

/// A client acting for users of `server`, with only an API key.
fn sessions_builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.base_url())
        .api_key(API_KEY)
}

/// registerSession for `user_id` answers `token` (after `delay`), expiring
/// at `expires_at`.
async fn registers<'a>(
    server: &'a MockServer,
    user_id: &str,
    token: &str,
    expires_at: &str,
    delay: Duration,
) -> Mock<'a> {
    let answer = json!({
        "accessToken": token,
        "refreshToken": "refresh-s3cr3t",
        "issuedAt": "2026-12-07T00:00:00Z",
        "expiresAt": expires_at,
        "users": [], "files": []
    });
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v4/sessions")
                .header("x-api-key", API_KEY)
                .json_body_includes(json!({ "userId": user_id }).to_string());
            then.status(200).delay(delay).json_body(answer);
        })
        .await
}

/// getPost answers `status` to a call carrying `token`.
async fn get_post_with<'a>(server: &'a MockServer, token: &str, status: u16) -> Mock<'a> {
    let body = if status == 200 {
        fixture("getPost.response.json")
    } else {
        error_body(400100, "Unauthorized")
    };
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v3/posts/p1")
                .header("authorization", format!("Bearer {token}"));
            then.status(status).json_body(body);
        })
        .await
}

async fn get_post(client: &Client) -> Result<(), Error> {
    client.get_post().post_id("p1").send().await.map(drop)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_users_ten_concurrent_calls_each_make_five_registrations() {
    let server = MockServer::start_async().await;
    let mut registrations = Vec::new();
    let mut calls = Vec::new();
    for user in 0..5 {
        let token = format!("token-of-user-{user}");
        registrations.push(
            registers(
                &server,
                &format!("user-{user}"),
                &token,
                &expires_in(THIRTY_DAYS),
                Duration::from_millis(150),
            )
            .await,
        );
        calls.push(get_post_with(&server, &token, 200).await);
    }
    let client = sessions_builder(&server).build().unwrap();
    let mut tasks = Vec::new();
    for user in 0..5 {
        for _ in 0..10 {
            let handle = client.as_user(format!("user-{user}"));
            tasks.push(tokio::spawn(async move { get_post(&handle).await }));
        }
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    for (registration, call) in registrations.iter().zip(&calls) {
        assert_eq!(
            registration.calls_async().await,
            1,
            "one registration per user"
        );
        assert_eq!(
            call.calls_async().await,
            10,
            "every call with the user's token"
        );
    }
    let stats = client.session_stats().unwrap();
    assert_eq!(stats.registrations(), 5);
    assert_eq!(stats.cached_users(), 5);
    assert_eq!(stats.auth_tokens(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_is_renewed_once_for_a_hundred_concurrent_calls() {
    let server = MockServer::start_async().await;
    let first = registers(
        &server,
        "alice",
        "alice-1",
        &expires_in(THIRTY_DAYS),
        Duration::ZERO,
    )
    .await;
    let accepted = get_post_with(&server, "alice-1", 200).await;
    let client = sessions_builder(&server).build().unwrap();
    get_post(&client.as_user("alice")).await.unwrap();
    assert_eq!(first.calls_async().await, 1);

    // The service revokes alice-1; a new session gets alice-2.
    accepted.delete_async().await;
    first.delete_async().await;
    let revoked = get_post_with(&server, "alice-1", 401).await;
    let renewal = registers(
        &server,
        "alice",
        "alice-2",
        &expires_in(THIRTY_DAYS),
        Duration::from_millis(100),
    )
    .await;
    let renewed = get_post_with(&server, "alice-2", 200).await;

    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let handle = client.as_user("alice");
            tokio::spawn(async move { get_post(&handle).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(renewal.calls_async().await, 1, "exactly one renewal");
    assert_eq!(
        revoked.calls_async().await,
        100,
        "each call was refused once"
    );
    assert_eq!(renewed.calls_async().await, 100);
    assert_eq!(client.session_stats().unwrap().registrations(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_mode_asks_for_an_auth_token_first_once_per_user() {
    let server = MockServer::start_async().await;
    let auth_token = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v4/authentication/token")
                .header("x-server-key", SERVER_KEY)
                .json_body(json!({ "userId": "bob" }));
            then.status(200)
                .delay(Duration::from_millis(100))
                .header("content-type", "text/plain")
                .body("auth-token-s3cr3t\n");
        })
        .await;
    let registration = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v4/sessions")
                .header("x-api-key", API_KEY)
                .json_body(json!({
                    "userId": "bob",
                    "deviceId": "my-backend",
                    "authToken": "auth-token-s3cr3t"
                }));
            then.status(200).json_body(json!({
                "accessToken": "bob-token", "expiresAt": expires_in(THIRTY_DAYS)
            }));
        })
        .await;
    let calls = get_post_with(&server, "bob-token", 200).await;
    let client = sessions_builder(&server)
        .server_key(SERVER_KEY)
        .device_id("my-backend")
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..3)
        .map(|_| {
            let handle = client.as_user("bob");
            tokio::spawn(async move { get_post(&handle).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(auth_token.calls_async().await, 1);
    assert_eq!(registration.calls_async().await, 1);
    assert_eq!(calls.calls_async().await, 3);
    assert_eq!(client.session_stats().unwrap().auth_tokens(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_registration_fails_the_call_typed_naming_the_user_and_is_not_cached() {
    let server = MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v4/sessions");
            then.status(403)
                .delay(Duration::from_millis(100))
                .json_body(error_body(400312, "User is globally banned"));
        })
        .await;
    let never = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/v3/posts/p1");
            then.status(200).json_body(fixture("getPost.response.json"));
        })
        .await;
    let client = sessions_builder(&server).build().unwrap();

    // Ten calls at once share the one refusal.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let handle = client.as_user("banned-user");
            tokio::spawn(async move { get_post(&handle).await })
        })
        .collect();
    for task in tasks {
        let error = task.await.unwrap().unwrap_err();
        let session = error.session_error().expect("a session error");
        assert_eq!(session.user_id(), "banned-user");
        assert_eq!(session.step(), SessionStep::RegisterSession);
        assert_eq!(session.status(), Some(403));
        assert_eq!(session.code(), Some(ErrorCode::GloballyBanned));
        assert_eq!(session.message(), "User is globally banned");
        assert_eq!(error.kind(), ErrorKind::Session, "{error:?}");
        assert!(!error.may_have_reached_service());
        assert_eq!(error.attempts(), 0);
        assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
        assert_eq!(error.code(), Some(ErrorCode::GloballyBanned));
        assert_eq!(error.message(), Some("User is globally banned"));
        let text = session.to_string();
        assert!(
            text.contains("`banned-user`") && text.contains("400312"),
            "{text}"
        );
    }
    assert_eq!(
        refused.calls_async().await,
        1,
        "one registration for the ten calls"
    );
    assert_eq!(never.calls_async().await, 0, "no call was sent");

    // Not cached: the next call tries once more, and only once.
    let error = get_post(&client.as_user("banned-user")).await.unwrap_err();
    assert!(error.session_error().is_some());
    assert_eq!(refused.calls_async().await, 2);
}

#[tokio::test]
async fn a_bad_api_key_fails_each_call_once_typed_and_unauthorized() {
    let server = MockServer::start_async().await;
    let refused = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v4/sessions");
            then.status(401)
                .json_body(error_body(400100, "Invalid API key"));
        })
        .await;
    let client = sessions_builder(&server).build().unwrap();
    for attempt in 1..=2 {
        let error = get_post(&client.as_user("heidi")).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Session, "{error:?}");
        assert_eq!(
            error.code(),
            Some(ErrorCode::Unauthorized),
            "the registration's code"
        );
        let session = error.session_error().expect("a session error");
        assert_eq!(session.user_id(), "heidi");
        assert_eq!(session.code(), Some(ErrorCode::Unauthorized));
        assert_eq!(
            refused.calls_async().await,
            attempt,
            "one registration a call, no loop"
        );
    }
    assert_eq!(client.session_stats().unwrap().registrations(), 2);
}

#[tokio::test]
async fn a_registration_that_fails_in_transit_names_the_user() {
    let refusing = crate::support::nothing_listening();
    let client = Client::builder()
        .base_url(refusing.url())
        .api_key(API_KEY)
        .max_retries(0)
        .build()
        .unwrap();
    let error = get_post(&client.as_user("carol")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Session, "{error:?}");
    let text = &crate::support::chain(&error);
    assert!(
        text.contains("no session for user `carol`: registerSession failed"),
        "{text}"
    );
    assert!(!text.contains(API_KEY));
}

#[tokio::test]
async fn an_expiry_past_or_unreadable_serves_one_use_then_registers_again() {
    for expires_at in [expires_in(-60), "not a date".to_owned(), String::new()] {
        let server = MockServer::start_async().await;
        let registration =
            registers(&server, "dave", "dave-token", &expires_at, Duration::ZERO).await;
        let calls = get_post_with(&server, "dave-token", 200).await;
        let client = sessions_builder(&server).build().unwrap();
        let dave = client.as_user("dave");
        get_post(&dave).await.unwrap();
        assert_eq!(registration.calls_async().await, 1, "{expires_at:?}");
        get_post(&dave).await.unwrap();
        assert_eq!(
            registration.calls_async().await,
            2,
            "{expires_at:?}: expired after one use"
        );
        assert_eq!(calls.calls_async().await, 2);
    }
}

#[tokio::test]
async fn a_session_is_renewed_its_margin_before_expiry() {
    let server = MockServer::start_async().await;
    let registration = registers(
        &server,
        "erin",
        "erin-token",
        &expires_in(3600),
        Duration::ZERO,
    )
    .await;
    get_post_with(&server, "erin-token", 200).await;
    let clock = TestClock::new();
    let client = sessions_builder(&server)
        .clock(clock.clone())
        .session_renew_margin(Duration::from_secs(600))
        .build()
        .unwrap();
    let erin = client.as_user("erin");
    get_post(&erin).await.unwrap();
    // 49 minutes later: still fresh (renewal is due at 50).
    clock.sleep(Duration::from_secs(49 * 60)).await;
    get_post(&erin).await.unwrap();
    assert_eq!(registration.calls_async().await, 1);
    // 51 minutes: within the margin, renewed.
    clock.sleep(Duration::from_secs(2 * 60)).await;
    get_post(&erin).await.unwrap();
    assert_eq!(registration.calls_async().await, 2);
}

#[tokio::test]
async fn the_cache_keeps_the_most_recently_used_users() {
    let server = MockServer::start_async().await;
    let mut registrations = Vec::new();
    for user in ["a", "b", "c"] {
        registrations.push(
            registers(
                &server,
                user,
                user,
                &expires_in(THIRTY_DAYS),
                Duration::ZERO,
            )
            .await,
        );
        get_post_with(&server, user, 200).await;
    }
    let client = sessions_builder(&server)
        .session_cache_capacity(2)
        .build()
        .unwrap();
    for user in ["a", "b", "a", "c", "a", "b"] {
        get_post(&client.as_user(user)).await.unwrap();
    }
    // a b (a used) c: b out; a kept; b again: c out.
    let hits: Vec<usize> = hits_of(&registrations).await;
    assert_eq!(hits, [1, 2, 1]);
    assert_eq!(client.session_stats().unwrap().cached_users(), 2);
}

async fn hits_of(mocks: &[Mock<'_>]) -> Vec<usize> {
    let mut hits = Vec::new();
    for mock in mocks {
        hits.push(mock.calls_async().await);
    }
    hits
}

#[tokio::test]
async fn the_deadline_covers_the_registration() {
    let server = MockServer::start_async().await;
    registers(
        &server,
        "slow",
        "slow-token",
        &expires_in(THIRTY_DAYS),
        Duration::from_secs(5),
    )
    .await;
    let calls = get_post_with(&server, "slow-token", 200).await;
    let client = sessions_builder(&server)
        .deadline(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = get_post(&client.as_user("slow")).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // The registration shares the call's deadline: it ends in time, as a
    // timeout of its own or of the wait for it.
    assert!(
        matches!(
            error.kind(),
            ErrorKind::DeadlineExceeded | ErrorKind::Session
        ) && (crate::support::chain(&error).contains("deadline")
            || crate::support::chain(&error).contains("no session for user `slow`")),
        "{error:?}"
    );
    assert_eq!(calls.calls_async().await, 0);
}

#[tokio::test]
async fn a_token_source_slower_than_the_deadline_fails_the_call() {
    let server = MockServer::start_async().await;
    let calls = crate::support::answer_all(&server, 200, json!({})).await;
    let client = Client::builder()
        .base_url(server.base_url())
        .deadline(Duration::from_millis(100))
        .token_source(generated_client::token_source_fn(|_| async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok("late".to_owned())
        }))
        .build()
        .unwrap();
    let error = get_post(&client).await.unwrap_err();
    assert!(
        crate::support::chain(&error).contains("deadline"),
        "{error:?}"
    );
    assert_eq!(calls.calls_async().await, 0);
}

#[tokio::test]
async fn as_user_needs_an_api_key_and_a_user_id() {
    let server = MockServer::start_async().await;
    let any = crate::support::answer_all(&server, 200, json!({})).await;
    let with_token = Client::builder()
        .base_url(server.base_url())
        .bearer_token("admin-token")
        .build()
        .unwrap();
    let error = get_post(&with_token.as_user("x")).await.unwrap_err();
    assert!(
        (error.kind() == generated_client::ErrorKind::InvalidRequest
            && error.to_string().contains("ClientBuilder::api_key")),
        "{error:?}"
    );
    assert!(with_token.session_stats().is_none());
    let sessions = sessions_builder(&server).build().unwrap();
    let error = get_post(&sessions.as_user("  ")).await.unwrap_err();
    assert!(
        (error.kind() == generated_client::ErrorKind::InvalidRequest
            && error.to_string().contains("blank user id"))
    );
    assert_eq!(any.calls_async().await, 0);
}

#[test]
fn session_settings_that_cannot_work_are_refused_by_name() {
    let refused = |builder: ClientBuilder| builder.build().unwrap_err();
    let base = || Client::builder().api_key(API_KEY);
    let setting = |error: BuildError| match error {
        BuildError::InvalidSetting { setting, reason } => (setting, reason),
        other => panic!("expected InvalidSetting, got {other:?}"),
    };
    assert_eq!(
        setting(refused(Client::builder().server_key(SERVER_KEY))).0,
        "server_key"
    );
    assert_eq!(setting(refused(base().server_key(" "))).0, "server_key");
    assert_eq!(setting(refused(Client::builder().api_key(""))).0, "api_key");
    let (name, reason) = setting(refused(base().device_id("d".repeat(151))));
    assert_eq!(name, "device_id");
    assert!(reason.contains("151"), "{reason}");
    assert_eq!(
        setting(refused(base().session_cache_capacity(0))).0,
        "session_cache_capacity"
    );
    let error = refused(Client::builder().api_key("line\nbreak-s3cr3t"));
    assert!(!error.to_string().contains("s3cr3t") && !format!("{error:?}").contains("s3cr3t"));
    assert_eq!(
        Client::builder().build().unwrap_err(),
        BuildError::MissingToken
    );
    // An API key alone is enough.
    base().build().unwrap();
}

#[test]
fn keys_and_handles_show_no_secret_in_debug() {
    let builder = Client::builder()
        .api_key(API_KEY)
        .server_key(SERVER_KEY)
        .bearer_token("admin-s3cr3t");
    let client = builder.clone().build().unwrap();
    let text = format!(
        "{builder:?} {client:?} {:?} {:#?}",
        client.as_user("frank"),
        client.as_user("frank")
    );
    let fresh = generated_client::FreshToken::new("fresh-s3cr3t");
    let text = format!("{text} {fresh:?}");
    assert!(!text.contains("s3cr3t"), "{text}");
    assert!(text.contains("frank"), "the user is named: {text}");
}

#[tokio::test(flavor = "current_thread")]
async fn nothing_traced_at_trace_level_holds_a_key_or_token() {
    let service = MockServer::start_async().await;
    let server = &service;
    let auth = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v4/authentication/token");
            then.status(200)
                .header("content-type", "text/plain")
                .body("auth-s3cr3t");
        })
        .await;
    let first = registers(
        server,
        "gina",
        "gina-s3cr3t-1",
        &expires_in(THIRTY_DAYS),
        Duration::ZERO,
    )
    .await;
    let banned = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/api/v4/sessions")
                .json_body_includes(json!({ "userId": "banned" }).to_string());
            then.status(403).json_body(error_body(400312, "banned"));
        })
        .await;
    let accepted = get_post_with(server, "gina-s3cr3t-1", 200).await;

    let (captured, subscriber) = Capture::new();
    // tracing caches whether a callsite is wanted; with one scoped
    // subscriber registered, a callsite first reached on another test's
    // thread is cached as never wanted. A second registered dispatcher makes
    // tracing ask every live one, and the cache is rebuilt once ours is set.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    let client = sessions_builder(server)
        .server_key(SERVER_KEY)
        .bearer_token("admin-s3cr3t")
        .build()
        .unwrap();
    let gina = client.as_user("gina");
    get_post(&gina).await.unwrap();
    // Revoked and renewed.
    accepted.delete_async().await;
    first.delete_async().await;
    get_post_with(server, "gina-s3cr3t-1", 401).await;
    registers(
        server,
        "gina",
        "gina-s3cr3t-2",
        &expires_in(THIRTY_DAYS),
        Duration::ZERO,
    )
    .await;
    get_post_with(server, "gina-s3cr3t-2", 200).await;
    get_post(&gina).await.unwrap();
    // Refused.
    let error = get_post(&client.as_user("banned")).await.unwrap_err();
    let shown = format!("{error} {error:?} {client:?} {gina:?}");
    drop(_guard);

    assert!(auth.calls_async().await >= 2);
    assert_eq!(banned.calls_async().await, 1);
    let traced = captured.lock().unwrap().join("\n");
    assert!(
        traced.contains("registering a session"),
        "the flow was traced: {traced}"
    );
    assert!(traced.contains("gina"), "{traced}");
    for text in [&traced, &shown] {
        for secret in ["s3cr3t", API_KEY, SERVER_KEY] {
            assert!(!text.contains(secret), "{secret} in:\n{text}");
        }
    }
}

/// A `tracing` subscriber that keeps every span's and event's name and
/// fields, at every level.
struct Capture {
    lines: Arc<Mutex<Vec<String>>>,
    next_id: std::sync::atomic::AtomicU64,
}

impl Capture {
    fn new() -> (Arc<Mutex<Vec<String>>>, Capture) {
        let lines = Arc::new(Mutex::new(Vec::new()));
        (
            lines.clone(),
            Capture {
                lines,
                next_id: std::sync::atomic::AtomicU64::new(1),
            },
        )
    }

    fn keep(&self, name: &str, record: impl FnOnce(&mut dyn tracing::field::Visit)) {
        let mut line = name.to_owned();
        struct Write<'a>(&'a mut String);
        impl tracing::field::Visit for Write<'_> {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!(" {}={value:?}", field.name()));
            }
        }
        record(&mut Write(&mut line));
        self.lines.lock().unwrap().push(line);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        self.keep(span.metadata().name(), |visit| span.record(visit));
        tracing::span::Id::from_u64(
            self.next_id
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        )
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        self.keep("record", |visit| values.record(visit));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        self.keep(event.metadata().target(), |visit| event.record(visit));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}
