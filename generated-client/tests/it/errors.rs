//! Error answers become typed errors: body, code, helpers; non-JSON pages too.

use generated_client::{Error, ErrorCode, ErrorExt};
use httpmock::MockServer;

use crate::support::{client_with_retries, error_body};

/// Answers every request with `status` and `body` (as given), and returns the
/// error a call gets.
async fn error_for(
    status: u16,
    content_type: &str,
    body: &str,
) -> Error<generated_client::types::ErrorBody> {
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
        let Error::ErrorResponse(response) = &error else {
            panic!("{status}/{code}: expected ErrorResponse, got {error:?}");
        };
        assert_eq!(response.status().as_u16(), status);
        assert_eq!(response.code, Some(code));
        assert_eq!(response.message.as_deref(), Some("what went wrong"));
        assert_eq!(response.status.as_deref(), Some("error"));
        assert_eq!(error.error_code(), Some(expected), "{status}/{code}");
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
    assert_eq!(muted.error_code(), Some(ErrorCode::UserMuted));

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
    let Error::ErrorResponse(response) = &error else {
        panic!("expected ErrorResponse, got {error:?}");
    };
    assert_eq!(response.status().as_u16(), 502);
    assert_eq!(response.code, None, "no code is invented");
    let message = response.message.as_deref().unwrap_or_default();
    assert!(
        message.starts_with("HTTP 502 Bad Gateway with a non-JSON body (text/html): <html>"),
        "{message}"
    );
    assert!(message.contains("502 Bad Gateway</title>"), "{message}");
    assert!(
        message.chars().count() < 300,
        "an excerpt, not the whole page: {message}"
    );
    assert!(message.ends_with('…'));
}

#[tokio::test]
async fn an_empty_or_non_object_error_body_is_still_typed() {
    for (content_type, body) in [
        ("text/plain", ""),
        ("application/json", "[1,2]"),
        ("application/json", "{oops"),
    ] {
        let error = error_for(500, content_type, body).await;
        let Error::ErrorResponse(response) = &error else {
            panic!("{body:?}: expected ErrorResponse, got {error:?}");
        };
        assert_eq!(response.status().as_u16(), 500);
        assert!(
            response
                .message
                .as_deref()
                .unwrap_or_default()
                .starts_with("HTTP 500")
        );
    }
}
