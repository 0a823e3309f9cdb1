//! Regions, auth, builder settings and Debug redaction.

use std::time::Duration;

use generated_client::{BuildError, Client, Region, types};
use httpmock::Method::POST;
use httpmock::MockServer;
use serde_json::json;

use crate::support::{TOKEN, client, fixture, typed};

#[test]
fn regions_have_their_documented_hosts() {
    let cases = [
        (Region::Us, "https://apix.us.amity.co", "us"),
        (Region::Eu, "https://apix.eu.amity.co", "eu"),
        (Region::Sg, "https://apix.sg.amity.co", "sg"),
    ];
    for (region, url, name) in cases {
        assert_eq!(region.base_url(), url);
        assert_eq!(region.to_string(), name);
        assert_eq!(name.to_uppercase().parse::<Region>(), Ok(region));
        let client = Client::builder()
            .region(region)
            .bearer_token("t")
            .build()
            .unwrap();
        assert_eq!(client.baseurl(), url);
    }
    assert_eq!(Region::default(), Region::Us);
    let error = "mars".parse::<Region>().unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown region `mars`: expected one of us, eu, sg"
    );
}

#[test]
fn base_url_overrides_the_region_and_drops_a_trailing_slash() {
    let client = Client::builder()
        .region(Region::Sg)
        .base_url("http://127.0.0.1:9999/")
        .bearer_token("t")
        .build()
        .unwrap();
    assert_eq!(client.baseurl(), "http://127.0.0.1:9999");
}

#[test]
fn build_refuses_bad_settings_with_a_clear_error() {
    let missing = Client::builder().build().unwrap_err();
    assert_eq!(missing, BuildError::MissingToken);
    assert!(missing.to_string().contains("bearer_token"));

    let bad_token = Client::builder()
        .bearer_token("line\nbreak-secret")
        .build()
        .unwrap_err();
    assert_eq!(bad_token, BuildError::InvalidToken);
    assert!(!bad_token.to_string().contains("break-secret"));

    let bad_url = Client::builder()
        .bearer_token("t")
        .base_url("ftp://x")
        .build()
        .unwrap_err();
    assert!(
        bad_url.to_string().contains("invalid base URL `ftp://x`"),
        "{bad_url}"
    );
    let not_url = Client::builder()
        .bearer_token("t")
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(
        not_url
            .to_string()
            .starts_with("invalid base URL `not a url`"),
        "{not_url}"
    );
}

#[tokio::test]
async fn every_operation_sends_the_bearer_token_and_user_agent() {
    let server = MockServer::start_async().await;
    let authorized = server
        .mock_async(|when, then| {
            when.method(POST)
                .header("authorization", format!("Bearer {TOKEN}"))
                .header("user-agent", "my-app/1.0");
            then.status(200).json_body(json!({}));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .user_agent("my-app/1.0")
        .build()
        .unwrap();

    let post: types::CreatePostRequest = typed("createPost.request.json");
    let story: types::CreateStoryRequest = typed("createStory.request.json");
    let message: types::CreateMessageRequest = typed("createMessage.request.json");
    let channel: types::CreateChannelRequest = typed("createChannel.request.json");
    client
        .create_post()
        .body(post)
        .send()
        .await
        .expect("createPost");
    client
        .create_story()
        .body(story)
        .send()
        .await
        .expect("createStory");
    client
        .create_message()
        .body(message)
        .send()
        .await
        .expect("createMessage");
    client
        .create_channel()
        .body(channel)
        .send()
        .await
        .expect("createChannel");
    client
        .approve_post()
        .post_id("post-1")
        .send()
        .await
        .expect("approvePost");
    assert_eq!(authorized.calls_async().await, 5);
}

#[tokio::test]
async fn operations_go_to_their_documented_paths() {
    let server = MockServer::start_async().await;
    let approve = server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v3/posts/post-1/approve");
            then.status(200)
                .json_body(fixture("approvePost.response.json"));
        })
        .await;
    let response = client(&server)
        .approve_post()
        .post_id("post-1")
        .send()
        .await
        .unwrap();
    assert_eq!(approve.calls_async().await, 1);
    assert!(!response.posts.as_deref().unwrap_or_default().is_empty());
}

#[tokio::test]
async fn timeout_ends_a_slow_attempt_and_is_not_retried() {
    let server = MockServer::start_async().await;
    let slow = server
        .mock_async(|_, then| {
            then.status(200)
                .json_body(json!({}))
                .delay(Duration::from_millis(1500));
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.approve_post().post_id("p").send().await.unwrap_err();
    assert_eq!(
        error.kind(),
        generated_client::ErrorKind::Timeout,
        "{error:?}"
    );
    assert!(error.may_have_reached_service());
    assert_eq!(
        slow.calls_async().await,
        1,
        "a sent request that timed out may have landed"
    );
}

#[tokio::test]
async fn debug_output_and_errors_never_show_the_token() {
    let builder = Client::builder().bearer_token(TOKEN);
    let builder_debug = format!("{builder:?}");
    assert!(builder_debug.contains("<redacted>"), "{builder_debug}");

    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(401)
                .json_body(crate::support::error_body(400100, "Unauthorized"));
        })
        .await;
    let client = crate::support::client(&server);
    let client_debug = format!("{client:?} {:#?}", client);
    let error = client.approve_post().post_id("p").send().await.unwrap_err();
    let error_text = format!("{error} {error:?}");
    for text in [&builder_debug, &client_debug, &error_text] {
        assert!(!text.contains(TOKEN), "token leaked in: {text}");
    }
    assert!(client_debug.contains("Client"), "{client_debug}");
}

/// The network's keys show as `<redacted>` where they are held, so a reader
/// of the Debug output sees that one is set, and never its value.
#[test]
fn the_network_keys_show_as_redacted_in_debug() {
    let builder = Client::builder()
        .api_key("api-key-0123456789")
        .server_key("server-key-0123456789");
    let debug = format!("{builder:?}");
    assert!(
        debug.contains("api_key: Some(<redacted>)")
            && debug.contains("server_key: Some(<redacted>)"),
        "{debug}"
    );
    assert!(!debug.contains("key-0123456789"), "{debug}");
    let client = builder.build().unwrap();
    let debug = format!("{client:?}");
    assert!(debug.contains("api_key: <redacted>"), "{debug}");
    assert!(!debug.contains("key-0123456789"), "{debug}");
}

/// registerSession's tokens are `x-secret` properties of its request and
/// answer schemas: the request, the answer (as built and as decoded from the
/// wire), the request's builder and the operation's builder print
/// `<redacted>` in their place, and every other field as the derive would.
/// (No answer type has a builder: only request types keep one.)
#[tokio::test]
async fn session_tokens_never_show_in_debug_output() {
    const AUTH_TOKEN: &str = "auth-token-s3cr3t";
    const ACCESS_TOKEN: &str = "access-token-s3cr3t";
    const REFRESH_TOKEN: &str = "refresh-token-s3cr3t";
    const API_KEY: &str = "api-key-s3cr3t";
    let request_builder = types::RegisterSessionRequest::builder()
        .user_id("user-1".to_owned())
        .device_id("device-1".to_owned())
        .auth_token(AUTH_TOKEN);
    let request = types::RegisterSessionRequest::try_from(request_builder.clone()).unwrap();
    assert_eq!(request.auth_token.as_deref(), Some(AUTH_TOKEN));
    let answer = types::RegisterSessionResponse {
        access_token: Some(ACCESS_TOKEN.to_owned()),
        refresh_token: Some(REFRESH_TOKEN.to_owned()),
        expires_at: Some("2030-01-01T00:00:00Z".to_owned()),
        ..Default::default()
    };

    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/api/v4/sessions");
            then.status(200).json_body(json!({
                "accessToken": ACCESS_TOKEN,
                "refreshToken": REFRESH_TOKEN,
                "expiresAt": "2030-01-01T00:00:00Z",
                "users": [{ "userId": "user-1" }],
            }));
        })
        .await;
    let client = client(&server);
    let call = client
        .register_session()
        .x_api_key(API_KEY)
        .body(request_builder.clone());
    let call_debug = (format!("{call:?}"), format!("{call:#?}"));
    let received = call.send().await.unwrap();
    assert_eq!(received.access_token.as_deref(), Some(ACCESS_TOKEN));

    let outputs = [
        ("request", format!("{request:?}"), format!("{request:#?}")),
        (
            "request builder",
            format!("{request_builder:?}"),
            format!("{request_builder:#?}"),
        ),
        ("operation builder", call_debug.0, call_debug.1),
        ("answer", format!("{answer:?}"), format!("{answer:#?}")),
        (
            "received answer",
            format!("{received:?}"),
            format!("{received:#?}"),
        ),
    ];
    for (what, plain, pretty) in &outputs {
        for text in [plain, pretty] {
            for secret in [AUTH_TOKEN, ACCESS_TOKEN, REFRESH_TOKEN, API_KEY] {
                assert!(!text.contains(secret), "{what}: {secret} leaked in: {text}");
            }
            assert!(text.contains("<redacted>"), "{what}: {text}");
        }
    }
    let [request, request_builder, call, answer, received] = &outputs;
    for (what, plain, pretty) in [request, request_builder, call] {
        for text in [plain, pretty] {
            for shown in ["user_id", "\"user-1\"", "device_id", "\"device-1\""] {
                assert!(text.contains(shown), "{what}: no {shown} in: {text}");
            }
        }
    }
    for (what, plain, pretty) in [answer, received] {
        for text in [plain, pretty] {
            for shown in ["expires_at", "\"2030-01-01T00:00:00Z\"", "unfit"] {
                assert!(text.contains(shown), "{what}: no {shown} in: {text}");
            }
        }
    }
    // The struct prints a secret as the derive prints an `Option`; the
    // builder holds a `Result` whose state it does not show either.
    assert!(
        request.1.contains(r#"auth_token: Some("<redacted>")"#),
        "{}",
        request.1
    );
    assert!(
        answer.1.contains(r#"access_token: Some("<redacted>")"#)
            && answer.1.contains(r#"refresh_token: Some("<redacted>")"#),
        "{}",
        answer.1
    );
    assert!(
        request_builder.1.contains(r#"auth_token: "<redacted>""#),
        "{}",
        request_builder.1
    );
    assert!(
        received.1.contains(r#"user_id: Some("user-1")"#),
        "{}",
        received.1
    );
    // No token is no secret: `None` shows as the derive would show it.
    let without = types::RegisterSessionResponse::default();
    assert!(
        format!("{without:?}").contains("access_token: None"),
        "{without:?}"
    );
}

#[tokio::test]
async fn no_api_version_header_is_sent() {
    // progenitor sends `api-version: <info.version>`; the docs know no such
    // header, so codegen removes it.
    let server = httpmock::MockServer::start_async().await;
    let without = server
        .mock_async(|when, then| {
            when.header_missing("api-version");
            then.status(200)
                .json_body(serde_json::json!({ "posts": [] }));
        })
        .await;
    crate::support::client(&server)
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap();
    assert_eq!(without.calls_async().await, 1);
}

#[test]
fn a_build_error_keeps_the_error_underneath() {
    use std::error::Error as _;
    let error = Client::builder()
        .base_url("not a url")
        .bearer_token("t")
        .build()
        .unwrap_err();
    assert!(matches!(
        error,
        generated_client::BuildError::InvalidBaseUrl { .. }
    ));
    let source = error.source().expect("the URL parser's error");
    assert_eq!(source.to_string(), "relative URL without a base");
    let scheme = Client::builder()
        .base_url("ftp://example.com")
        .bearer_token("t")
        .build()
        .unwrap_err();
    assert!(scheme.source().is_none(), "the scheme check is ours");
}

/// The client's state reports the settings it was built with.
#[test]
fn the_state_reports_the_settings_it_was_built_with() {
    let default = Client::builder().bearer_token(TOKEN).build().unwrap();
    assert!(default.state().validates_requests());
    let client = Client::builder()
        .bearer_token(TOKEN)
        .validate_requests(false)
        .timeout(Duration::from_millis(1234))
        .build()
        .unwrap();
    assert!(!client.state().validates_requests());
    assert_eq!(
        client.state().attempt_timeout(),
        Duration::from_millis(1234)
    );
}
