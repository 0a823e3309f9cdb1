//! Error answers become typed errors: body, code, kind; non-JSON pages too.

use generated_client::{Error, ErrorCode, ErrorKind};
use httpmock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::{client_with_retries, error_body, nothing_listening};

/// Answers every request with `status` and `body` (as given), and returns the
/// error a call gets.
async fn error_for(status: u16, content_type: &str, body: &str) -> Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(status)
                .header("content-type", content_type)
                .body(body);
        })
        .await;
    client_with_retries(&server, 0)
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_amity_error_body_is_typed_with_its_code() {
    let cases = [
        (400, 400000, ErrorCode::BadRequest),
        (401, 400100, ErrorCode::Unauthorized),
        (403, 400301, ErrorCode::PermissionDenied),
        (403, 400304, ErrorCode::BannedFromChannel),
        (404, 400400, ErrorCode::ItemNotFound),
        (400, 400900, ErrorCode::Conflict),
        (429, 400311, ErrorCode::RateLimitExceeded),
        (500, 500000, ErrorCode::BusinessError),
        (400, 499999, ErrorCode::Unknown(499999)),
    ];
    for (status, code, expected) in cases {
        let body = error_body(code, "what went wrong").to_string();
        let error = error_for(status, "application/json", &body).await;
        let response = error.error_body().expect("the service's error body");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(response.code, Some(code));
        assert_eq!(response.message.as_deref(), Some("what went wrong"));
        assert_eq!(response.status.as_deref(), Some("error"));
        assert_eq!(error.code(), Some(expected), "{status}/{code}");
        assert_eq!(error.message(), Some("what went wrong"));
        assert_eq!(error.body_excerpt(), None, "the body was read");
        assert_eq!(expected.code(), code);
    }
}

#[tokio::test]
async fn helpers_answer_the_usual_questions() {
    let not_found = error_for(
        404,
        "application/json",
        &error_body(400400, "gone").to_string(),
    )
    .await;
    assert!(not_found.is_not_found());
    assert!(!not_found.is_rate_limited());

    let limited = error_for(
        429,
        "application/json",
        &error_body(400311, "slow").to_string(),
    )
    .await;
    assert!(limited.is_rate_limited());

    let unauthorized = error_for(
        401,
        "application/json",
        &error_body(400100, "no").to_string(),
    )
    .await;
    assert!(unauthorized.is_unauthorized());

    let muted = error_for(
        400,
        "application/json",
        &error_body(400302, "muted").to_string(),
    )
    .await;
    assert!(muted.is_forbidden(), "4003xx codes are permission problems");
    assert_eq!(muted.code(), Some(ErrorCode::UserMuted));

    let duplicate = error_for(
        400,
        "application/json",
        &error_body(400900, "dup").to_string(),
    )
    .await;
    assert!(duplicate.is_conflict());
}

#[tokio::test]
async fn an_html_error_page_keeps_its_status_and_an_excerpt() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "upstream unavailable ".repeat(40)
    );
    let error = error_for(502, "text/html", &page).await;
    assert_eq!(error.kind(), ErrorKind::ServerError);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(error.code(), None, "no code is invented");
    assert_eq!(error.message(), None, "no message is invented");
    assert!(error.error_body().is_none(), "no error body is made up");
    let excerpt = error.body_excerpt().expect("an excerpt of the page");
    assert!(
        excerpt.starts_with("<html><head><title>502 Bad Gateway</title>"),
        "{excerpt}"
    );
    assert!(
        excerpt.chars().count() < 300,
        "an excerpt, not the whole page: {excerpt}"
    );
    assert!(excerpt.ends_with('…'));
    let unreadable = error.unreadable_body().expect("why it is unreadable");
    assert_eq!(unreadable.content_type(), Some("text/html"));
    assert_eq!(
        error.body().map(<[u8]>::len),
        Some(page.len()),
        "the whole body is kept"
    );
    assert_eq!(error.attempts(), 1);
    let text = error.to_string();
    assert!(text.starts_with("approvePost: HTTP 502"), "{text}");
    assert!(!text.contains('\n'), "one line: {text}");
}

#[tokio::test]
async fn an_empty_or_non_object_error_body_is_still_typed() {
    for (content_type, body) in [
        ("text/plain", ""),
        ("application/json", "[1,2]"),
        ("application/json", "{oops"),
    ] {
        let error = error_for(500, content_type, body).await;
        assert_eq!(error.kind(), ErrorKind::ServerError, "{body:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
        assert!(error.error_body().is_none(), "{body:?}");
        assert_eq!(error.body_excerpt(), Some(body), "{body:?}");
    }
}

/// The error of an `approve_post` call to `base`, sent once.
async fn approve_without_retries(base: &str) -> Error {
    generated_client::Client::builder()
        .base_url(base)
        .bearer_token(crate::support::TOKEN)
        .max_retries(0)
        .build()
        .unwrap()
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err()
}

/// Each `is_..` predicate of `Error`, by name.
fn predicates(error: &Error) -> Vec<&'static str> {
    [
        ("is_rate_limited", error.is_rate_limited()),
        ("is_not_found", error.is_not_found()),
        ("is_unauthorized", error.is_unauthorized()),
        ("is_forbidden", error.is_forbidden()),
        ("is_conflict", error.is_conflict()),
        ("earlier_attempt_landed", error.earlier_attempt_landed()),
    ]
    .into_iter()
    .filter_map(|(name, holds)| holds.then_some(name))
    .collect()
}

#[tokio::test]
async fn every_documented_code_answers_at_most_one_predicate() {
    assert_eq!(
        ErrorCode::DOCUMENTED.len(),
        16,
        "the docs README lists 16 codes"
    );
    for &code in ErrorCode::DOCUMENTED {
        // With the status the docs give it, and with the statuses a proxy or
        // a service change might put around it.
        let documented = code.documented_status().unwrap_or(400);
        for status in [documented, 400, 403, 404, 429, 500] {
            let body = error_body(code.code(), "x").to_string();
            let error = error_for(status, "application/json", &body).await;
            let held = predicates(&error);
            assert!(held.len() <= 1, "{code} with HTTP {status}: {held:?}");
            assert_eq!(
                held.first().copied(),
                match error.kind() {
                    ErrorKind::RateLimited => Some("is_rate_limited"),
                    ErrorKind::NotFound => Some("is_not_found"),
                    ErrorKind::Unauthorized => Some("is_unauthorized"),
                    ErrorKind::Forbidden => Some("is_forbidden"),
                    ErrorKind::Conflict => Some("is_conflict"),
                    ErrorKind::EarlierAttemptLanded => Some("earlier_attempt_landed"),
                    ErrorKind::BadRequest | ErrorKind::ServerError => None,
                    other => panic!("{code} with HTTP {status}: {other:?}"),
                },
                "{code} with HTTP {status}"
            );
            assert_eq!(error.code(), Some(code));
        }
    }
    let expected = [
        (400311, Some("is_rate_limited")),
        (400300, Some("is_forbidden")),
        (400312, Some("is_forbidden")),
        (400100, Some("is_unauthorized")),
        (400400, Some("is_not_found")),
        (400900, Some("is_conflict")),
        (400000, None),
        (500000, None),
    ];
    for (code, predicate) in expected {
        let error = error_for(403, "application/json", &error_body(code, "x").to_string()).await;
        assert_eq!(
            predicates(&error).first().copied(),
            predicate,
            "{code} with HTTP 403"
        );
    }
}

#[tokio::test]
async fn without_a_documented_code_the_status_decides() {
    for (status, predicate) in [
        (401, Some("is_unauthorized")),
        (403, Some("is_forbidden")),
        (404, Some("is_not_found")),
        (409, Some("is_conflict")),
        (429, Some("is_rate_limited")),
        (400, None),
        (502, None),
    ] {
        for body in [
            "{}".to_owned(),
            error_body(499999, "new").to_string(),
            "<html/>".to_owned(),
        ] {
            let error = error_for(status, "application/json", &body).await;
            assert_eq!(
                predicates(&error).first().copied(),
                predicate,
                "{status} {body}"
            );
        }
    }
}

#[tokio::test]
async fn the_answer_s_headers_are_the_service_s_and_no_fact_travels_in_them() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(400)
                .header("x-generated-client-attempts", "7")
                .header("x-generated-client-earlier-attempt-sent", "true")
                .header("x-request-id", "req-42")
                .json_body(error_body(400900, "dup"));
        })
        .await;
    let error = client_with_retries(&server, 0)
        .approve_post()
        .post_id("p")
        .send()
        .await
        .unwrap_err();
    assert!(!error.earlier_attempt_landed());
    assert!(error.is_conflict());
    assert_eq!(
        error.attempts(),
        1,
        "the facts are the client's, not headers"
    );
    assert_eq!(error.request_id(), Some("req-42"));
    let headers = error.headers().expect("the answer's headers");
    assert_eq!(headers["x-generated-client-attempts"], "7", "kept as sent");
    assert_eq!(
        headers
            .keys()
            .filter(|name| name.as_str().starts_with("x-generated-client"))
            .count(),
        2,
        "none added"
    );
}

/// A one-shot server on loopback that answers the first request with `head`
/// and `partial` and then closes the connection, leaving the body short of
/// its `Content-Length`.
async fn truncating_server(head: &'static str, partial: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.unwrap();
            if n == 0 {
                return;
            }
            request.extend_from_slice(&buffer[..n]);
        }
        socket.write_all(head.as_bytes()).await.unwrap();
        socket.write_all(partial.as_bytes()).await.unwrap();
        socket.flush().await.unwrap();
        drop(socket);
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_failure_reading_an_error_body_is_a_transport_error() {
    let base = truncating_server(
        "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n",
        r#"{"status": "error", "code": 5000"#,
    )
    .await;
    let error = approve_without_retries(&base).await;
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert!(error.may_have_reached_service());
    let source = std::error::Error::source(&error)
        .and_then(|s| s.downcast_ref::<reqwest::Error>())
        .expect("the transport error is the source");
    assert!(source.is_body() || source.is_decode(), "{source:?}");
    assert!(error.error_body().is_none(), "no made-up error body");
}

#[tokio::test]
async fn may_have_reached_service_says_whether_the_request_can_have_reached_the_service() {
    for status in [400, 404, 429, 408, 500, 503] {
        let error = error_for(
            status,
            "application/json",
            &error_body(400000, "x").to_string(),
        )
        .await;
        assert!(error.may_have_reached_service(), "HTTP {status}");
    }
    let server = MockServer::start_async().await;
    let refused = client_with_retries(&server, 0)
        .approve_post()
        .post_id("p".repeat(901))
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::InvalidRequest);
    assert!(!refused.may_have_reached_service());
    assert_eq!(refused.attempts(), 0);
    let refusing = nothing_listening();
    let unreachable = approve_without_retries(&refusing.url()).await;
    assert_eq!(unreachable.kind(), ErrorKind::Connect);
    assert!(!unreachable.may_have_reached_service());
    assert_eq!(unreachable.attempts(), 1);
}
