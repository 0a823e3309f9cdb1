//! Every way a call can fail, as a user's crate sees it: one test per way,
//! against servers on loopback that this file runs (the recording server of
//! `loopback`, and raw `TcpListener`s where the failure is at the socket
//! level), never a fake transport. Each test matches the error's kind and
//! checks every accessor of `Error`: those that apply hold the facts, the
//! others are `None`, `0` or `false`. Every `Display` is one line that starts
//! with the operation and holds no token. The servers count what they saw.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use generated_client::validation::{Location, Rule};
use generated_client::{
    Client, ClientBuilder, Error, ErrorCode, ErrorKind, RetryPolicy, TokenError, token_source_fn,
    types,
};
use tokio::io::BufReader;
use tokio::net::{TcpListener, TcpSocket};

mod loopback;

use loopback::{Answer, Request};

/// The bearer token of every client here: no `Display` or `Debug` may hold it.
const TOKEN: &str = "outsider-failures-token-s3cr3t";
/// The client-chosen id of the creates here.
const POST_ID: &str = "outsider-post-1";

// ---------------------------------------------------------------------------
// The servers.

/// What a server saw, in order.
type Seen = Arc<Mutex<Vec<Request>>>;

fn count(seen: &Seen) -> usize {
    seen.lock().unwrap().len()
}

/// What the recording server does with its n-th request (0-based).
enum Reply {
    Answer(Answer),
    /// Reads the request and never answers (the connection stays open).
    Hang,
}

/// A loopback server that records every request and replies with
/// `reply(n)` to the n-th.
async fn server(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let reply = Arc::new(reply);
    let base = loopback::serve(move |request: Request| {
        let index = {
            let mut record = record.lock().unwrap();
            record.push(request);
            record.len() - 1
        };
        let reply = reply(index);
        async move {
            match reply {
                Reply::Answer(answer) => answer,
                Reply::Hang => std::future::pending().await,
            }
        }
    })
    .await;
    (base, seen)
}

/// A server answering every request with `answer()`.
async fn answering(answer: impl Fn() -> Answer + Send + Sync + 'static) -> (String, Seen) {
    server(move |_| Reply::Answer(answer())).await
}

/// A server that reads each request whole, then closes the connection
/// without answering.
async fn closing_after_reading() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let mut reader = BufReader::new(stream);
            if let Some(request) = loopback::read_request(&mut reader).await {
                record.lock().unwrap().push(request);
            }
            // Dropped: closed, nothing answered.
        }
    });
    (base, seen)
}

/// A base URL whose port is bound on loopback but not listening: a
/// connection to it is refused. The socket holds the port (no other test
/// can take it) until it is dropped.
fn refusing() -> (String, TcpSocket) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let base = format!("http://{}", socket.local_addr().unwrap());
    (base, socket)
}

/// The service's error body.
fn error_body(code: u32, message: &str) -> String {
    serde_json::json!({ "status": "error", "code": code, "message": message }).to_string()
}

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------
// The client and the calls.

fn builder(base: &str) -> ClientBuilder {
    Client::builder().base_url(base).bearer_token(TOKEN)
}

fn client(base: &str) -> Client {
    builder(base).build().unwrap()
}

/// A post with text, carrying `POST_ID`.
fn post() -> types::builder::CreatePostRequest {
    types::CreatePostRequest::builder()
        .data(types::CreatePostData::builder().text("hello from the outsider"))
        .post_id(POST_ID)
}

async fn create_post(client: &Client) -> Error {
    client
        .create_post()
        .body(post())
        .send()
        .await
        .expect_err("createPost fails")
}

async fn get_post(client: &Client) -> Error {
    client
        .get_post()
        .post_id("p1")
        .send()
        .await
        .expect_err("getPost fails")
}

async fn approve_post(client: &Client) -> Error {
    client
        .approve_post()
        .post_id("p1")
        .send()
        .await
        .expect_err("approvePost fails")
}

// ---------------------------------------------------------------------------
// What every error is checked for.

/// `Display` is one line, starts with the operation, and holds no token;
/// `Debug` holds no token either. Returns the line.
fn shown(error: &Error) -> String {
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("{}: ", error.operation())),
        "starts with the operation: {text}"
    );
    assert!(!text.contains(['\n', '\r']), "one line: {text:?}");
    let debug = format!("{error:?} {error:#?}");
    for (what, text) in [("Display", &text), ("Debug", &debug)] {
        assert!(!text.contains(TOKEN), "{what} holds the token: {text}");
        assert!(!text.contains("s3cr3t"), "{what} holds the token: {text}");
    }
    text
}

/// No answer was read: every accessor of the service's answer is `None`.
fn no_answer(error: &Error) {
    assert_eq!(error.status(), None, "status");
    assert_eq!(error.code(), None, "code");
    assert_eq!(error.message(), None, "message");
    assert!(error.error_body().is_none(), "error_body");
    assert!(error.headers().is_none(), "headers");
    assert_eq!(error.body(), None, "body");
    assert_eq!(error.request_id(), None, "request_id");
    assert_eq!(error.retry_after(), None, "retry_after");
    assert_eq!(error.body_excerpt(), None, "body_excerpt");
    assert!(error.unreadable_body().is_none(), "unreadable_body");
}

/// Neither broken rules nor a session are involved.
fn no_refusal(error: &Error) {
    assert!(error.violations().is_none(), "violations");
    assert!(error.session_error().is_none(), "session_error");
}

/// The error's source as a `reqwest::Error`.
fn transport_source(error: &Error) -> &reqwest::Error {
    std::error::Error::source(error)
        .unwrap_or_else(|| panic!("a source: {error:?}"))
        .downcast_ref::<reqwest::Error>()
        .unwrap_or_else(|| panic!("a reqwest::Error as source: {error:?}"))
}

/// The `is_..` predicates that hold.
fn predicates(error: &Error) -> Vec<&'static str> {
    [
        ("is_not_found", error.is_not_found()),
        ("is_rate_limited", error.is_rate_limited()),
        ("is_unauthorized", error.is_unauthorized()),
        ("is_forbidden", error.is_forbidden()),
        ("is_conflict", error.is_conflict()),
        ("earlier_attempt_landed", error.earlier_attempt_landed()),
    ]
    .into_iter()
    .filter_map(|(name, holds)| holds.then_some(name))
    .collect()
}

/// The header `name` of the error's answer, as text.
fn header<'a>(error: &'a Error, name: &str) -> Option<&'a str> {
    error.headers()?.get(name)?.to_str().ok()
}

const SECOND: Duration = Duration::from_secs(1);

// ---------------------------------------------------------------------------
// a. Refused before sending.

#[tokio::test]
async fn a_body_breaking_a_documented_rule_is_refused_before_sending() {
    let (base, seen) = answering(|| Answer::new(200, "application/json", "{}")).await;
    let tags: Vec<String> = (1..=6).map(|i| format!("tag{i}")).collect();
    let error = client(&base)
        .create_post()
        .body(post().tags(tags))
        .send()
        .await
        .unwrap_err();

    match error.kind() {
        ErrorKind::InvalidRequest => {}
        other => panic!("{other:?}: {error:?}"),
    }
    assert_eq!(error.operation(), "createPost");
    let violations = error.violations().expect("the broken rules");
    assert_eq!(violations.operation(), "createPost");
    let [violation] = violations.violations() else {
        panic!("one broken rule: {violations:?}");
    };
    assert_eq!(violation.location(), Location::Body);
    assert_eq!(violation.path(), ".tags");
    assert_eq!(violation.rule(), &Rule::MaxItems { max: 5, actual: 6 });
    assert_eq!(violation.rule().keyword(), "maxItems");
    assert!(
        violation.documented().is_none(),
        "a schema limit, no prose rule"
    );

    assert_eq!(error.attempts(), 0);
    assert!(!error.may_have_reached_service());
    assert!(error.elapsed() < SECOND, "{:?}", error.elapsed());
    // client_chosen_id: see
    // `a_create_refused_before_sending_still_names_the_id_it_carried`.
    assert!(std::error::Error::source(&error).is_none());
    assert!(error.session_error().is_none());
    assert_eq!(predicates(&error), Vec::<&str>::new());
    no_answer(&error);
    let text = shown(&error);
    assert!(
        text.contains("`.tags`: 6 items, more than the maximum of 5"),
        "{text}"
    );
    assert_eq!(count(&seen), 0, "the server saw no request");
}

// ---------------------------------------------------------------------------
// b. No connection.

#[tokio::test]
async fn a_refused_connection_is_connect_and_did_not_reach_the_service() {
    let (base, _port) = refusing();
    let client = builder(&base)
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap();
    let error = create_post(&client).await;

    assert_eq!(error.kind(), ErrorKind::Connect, "{error:?}");
    assert_eq!(error.operation(), "createPost");
    assert_eq!(
        error.attempts(),
        1 + 2,
        "the first and the default 2 retries"
    );
    assert!(!error.may_have_reached_service());
    assert_eq!(
        error.client_chosen_id(),
        Some(POST_ID),
        "the id the create carried (no item was created)"
    );
    assert!(error.elapsed() < SECOND, "{:?}", error.elapsed());
    let source = transport_source(&error);
    assert!(source.is_connect(), "{source:?}");
    no_answer(&error);
    no_refusal(&error);
    assert_eq!(predicates(&error), Vec::<&str>::new());
    assert_eq!(
        shown(&error),
        "createPost: no connection could be made (after 3 attempts)"
    );
}

// ---------------------------------------------------------------------------
// c. The connection broke after the request was written.

#[tokio::test]
async fn a_connection_closed_after_the_request_is_transport_and_may_have_reached() {
    let (base, seen) = closing_after_reading().await;
    // approvePost is a POST without a client-chosen id: never sent twice.
    let error = approve_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert_eq!(error.operation(), "approvePost");
    assert_eq!(error.attempts(), 1, "not retried");
    assert!(error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None, "approvePost has none");
    assert!(error.elapsed() < SECOND, "{:?}", error.elapsed());
    let source = transport_source(&error);
    assert!(!source.is_connect() && !source.is_timeout(), "{source:?}");
    no_answer(&error);
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        "approvePost: the connection failed after the request was sent"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "the server read the whole request once");
    assert_eq!(
        (seen[0].method.as_str(), seen[0].target.as_str()),
        ("POST", "/api/v3/posts/p1/approve")
    );
}

// ---------------------------------------------------------------------------
// d. An attempt's timeout.

#[tokio::test]
async fn an_answer_slower_than_the_timeout_is_timeout() {
    let (base, seen) = server(|_| Reply::Hang).await;
    let timeout = Duration::from_millis(200);
    let client = builder(&base)
        .timeout(timeout)
        .max_retries(0)
        .build()
        .unwrap();
    let error = get_post(&client).await;

    assert_eq!(error.kind(), ErrorKind::Timeout, "{error:?}");
    assert_eq!(error.operation(), "getPost");
    assert_eq!(error.attempts(), 1);
    assert!(error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None);
    assert!(
        error.elapsed() >= timeout && error.elapsed() < timeout + SECOND,
        "{:?}",
        error.elapsed()
    );
    assert!(transport_source(&error).is_timeout());
    no_answer(&error);
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        "getPost: an attempt took longer than the timeout"
    );
    assert_eq!(count(&seen), 1);
}

// ---------------------------------------------------------------------------
// e. The call's deadline.

#[tokio::test]
async fn a_call_past_its_deadline_is_deadline_exceeded() {
    // A 503 asking to retry at once, then no answer.
    let (base, seen) = server(|n| match n {
        0 => Reply::Answer(
            Answer::new(503, "application/json", error_body(500000, "busy"))
                .header("retry-after", "0"),
        ),
        _ => Reply::Hang,
    })
    .await;
    let deadline = Duration::from_millis(300);
    let client = builder(&base).deadline(deadline).build().unwrap();
    let error = get_post(&client).await;

    assert_eq!(error.kind(), ErrorKind::DeadlineExceeded, "{error:?}");
    assert_eq!(error.operation(), "getPost");
    assert_eq!(
        error.attempts(),
        2,
        "the 503, then the retry the deadline cut"
    );
    assert!(error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None);
    assert!(
        error.elapsed() >= deadline && error.elapsed() < deadline + SECOND,
        "{:?}",
        error.elapsed()
    );
    assert!(transport_source(&error).is_timeout());
    // The call ended in the second attempt, which got no answer.
    no_answer(&error);
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        "getPost: the call's deadline passed (after 2 attempts)"
    );
    assert_eq!(count(&seen), 2);
}

// ---------------------------------------------------------------------------
// f. An error answer with the service's error body.

#[tokio::test]
async fn a_404_with_an_error_body_is_not_found_with_code_message_and_request_id() {
    let body = error_body(400400, "Post not found");
    let answer = body.clone();
    let (base, seen) = answering(move || {
        Answer::new(404, "application/json", answer.clone()).header("x-request-id", "req-404-7")
    })
    .await;
    let error = get_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::NotFound, "{error:?}");
    assert!(error.kind().is_answer());
    assert_eq!(predicates(&error), ["is_not_found"]);
    assert_eq!(error.operation(), "getPost");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(error.code(), Some(ErrorCode::ItemNotFound));
    assert_eq!(error.message(), Some("Post not found"));
    assert_eq!(error.request_id(), Some("req-404-7"));
    let error_body = error.error_body().expect("the service's error body");
    assert_eq!(error_body.status.as_deref(), Some("error"));
    assert_eq!(error_body.code, Some(400400));
    assert_eq!(error_body.message.as_deref(), Some("Post not found"));
    assert_eq!(error_body.data, None);
    assert_eq!(error.body(), Some(body.as_bytes()));
    assert_eq!(header(&error, "content-type"), Some("application/json"));
    assert_eq!(error.body_excerpt(), None, "the body was read");
    assert!(error.unreadable_body().is_none());
    assert_eq!(error.retry_after(), None);
    assert_eq!(error.attempts(), 1, "a 404 is not retried");
    assert!(error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None);
    assert!(error.elapsed() > Duration::ZERO && error.elapsed() < SECOND);
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        "getPost: HTTP 404, code 400400: Post not found"
    );
    assert_eq!(count(&seen), 1);
}

// ---------------------------------------------------------------------------
// g. An error answer that is not the service's (a proxy's page).

#[tokio::test]
async fn a_403_html_page_is_forbidden_by_its_status_with_an_excerpt() {
    let page = format!(
        "<html><head><title>403 Forbidden</title></head><body>{}</body></html>",
        "Access denied by the gateway. ".repeat(20)
    );
    let answer = page.clone();
    let (base, seen) = answering(move || Answer::new(403, "text/html", answer.clone())).await;
    let error = get_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::Forbidden, "{error:?}");
    assert_eq!(predicates(&error), ["is_forbidden"]);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.code(), None, "no code is made up");
    assert_eq!(error.message(), None, "no message is made up");
    assert!(error.error_body().is_none());
    assert_eq!(
        error.body(),
        Some(page.as_bytes()),
        "the whole page is kept"
    );
    let excerpt = error.body_excerpt().expect("an excerpt of the page");
    assert!(
        excerpt.starts_with("<html><head><title>403 Forbidden</title>"),
        "{excerpt}"
    );
    assert!(excerpt.chars().count() <= 201, "an excerpt: {excerpt}");
    let unreadable = error.unreadable_body().expect("why it is unreadable");
    assert_eq!(unreadable.status(), 403);
    assert_eq!(unreadable.content_type(), Some("text/html"));
    assert_eq!(unreadable.excerpt(), excerpt);
    assert!(!unreadable.reason().is_empty());
    assert_eq!(unreadable.limit(), None);
    assert_eq!(header(&error, "content-type"), Some("text/html"));
    assert_eq!(error.request_id(), None, "the answer has none");
    assert_eq!(error.retry_after(), None);
    assert_eq!(error.attempts(), 1);
    assert!(error.may_have_reached_service());
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    let text = shown(&error);
    assert_eq!(
        text,
        format!(
            "getPost: HTTP 403 with a body that cannot be read as documented: {}",
            unreadable.reason()
        )
    );
    assert_eq!(count(&seen), 1);
}

// ---------------------------------------------------------------------------
// h. A 5xx for a POST that is not sent twice.

#[tokio::test]
async fn a_500_for_approve_post_is_server_error_and_not_retried() {
    let (base, seen) = answering(|| {
        Answer::new(
            500,
            "application/json",
            error_body(500000, "Something went wrong"),
        )
    })
    .await;
    let error = approve_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::ServerError, "{error:?}");
    assert!(error.kind().is_answer());
    assert_eq!(predicates(&error), Vec::<&str>::new());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(error.code(), Some(ErrorCode::BusinessError));
    assert_eq!(error.message(), Some("Something went wrong"));
    assert_eq!(error.error_body().and_then(|b| b.code), Some(500000));
    assert_eq!(error.body_excerpt(), None);
    assert!(error.unreadable_body().is_none());
    assert_eq!(error.request_id(), None);
    assert_eq!(error.retry_after(), None);
    assert_eq!(error.attempts(), 1, "approvePost is not sent twice");
    assert!(error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None);
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        "approvePost: HTTP 500, code 500000: Something went wrong"
    );
    assert_eq!(count(&seen), 1, "the server saw one request");
}

// ---------------------------------------------------------------------------
// i. A 2xx whose body cannot be read.

#[tokio::test]
async fn a_200_html_page_for_create_post_is_unreadable_body_and_was_applied() {
    let page = "<html><body><h1>Welcome</h1><p>Your post was received.</p></body></html>";
    let (base, seen) = answering(move || Answer::new(200, "text/html", page)).await;
    let error = create_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::UnreadableBody, "{error:?}");
    assert!(!error.kind().is_answer());
    assert_eq!(predicates(&error), Vec::<&str>::new());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(error.body(), Some(page.as_bytes()), "the whole page");
    assert_eq!(error.body_excerpt(), Some(page));
    let unreadable = error.unreadable_body().expect("why it is unreadable");
    assert_eq!(unreadable.status(), 200);
    assert_eq!(unreadable.content_type(), Some("text/html"));
    assert_eq!(unreadable.excerpt(), page);
    assert!(!unreadable.reason().is_empty());
    assert_eq!(unreadable.limit(), None);
    assert_eq!(error.code(), None);
    assert_eq!(error.message(), None);
    assert!(error.error_body().is_none());
    assert_eq!(header(&error, "content-type"), Some("text/html"));
    assert_eq!(error.request_id(), None);
    assert_eq!(error.retry_after(), None);
    assert_eq!(error.attempts(), 1);
    assert!(error.may_have_reached_service(), "the post was created");
    assert_eq!(error.client_chosen_id(), Some(POST_ID));
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        format!(
            "createPost: HTTP 200 with a body that cannot be read as documented: {}",
            unreadable.reason()
        )
    );
    assert_eq!(count(&seen), 1);
}

// ---------------------------------------------------------------------------
// j. A 2xx longer than the client reads.

#[tokio::test]
async fn a_200_longer_than_max_body_bytes_is_body_too_large() {
    let long = serde_json::json!({ "posts": [{ "postId": "p1", "data": { "text": "x".repeat(5000 - 46) } }] })
        .to_string();
    assert_eq!(long.len(), 5000);
    let answer = long.clone();
    let (base, seen) =
        answering(move || Answer::new(200, "application/json", answer.clone())).await;
    let client = builder(&base).max_body_bytes(1000).build().unwrap();
    let error = get_post(&client).await;

    assert_eq!(error.kind(), ErrorKind::BodyTooLarge, "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    let unreadable = error.unreadable_body().expect("the limit");
    assert_eq!(unreadable.limit(), Some(1000));
    assert_eq!(unreadable.status(), 200);
    assert_eq!(unreadable.content_type(), Some("application/json"));
    assert_eq!(
        error.body(),
        Some(&long.as_bytes()[..1000]),
        "the start, up to the limit"
    );
    let excerpt = error.body_excerpt().expect("an excerpt of the start");
    assert!(excerpt.starts_with("{\"posts\":[{"), "{excerpt}");
    assert_eq!(error.code(), None);
    assert_eq!(error.message(), None);
    assert!(error.error_body().is_none());
    assert_eq!(error.request_id(), None);
    assert_eq!(error.retry_after(), None);
    assert_eq!(error.attempts(), 1);
    assert!(error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None);
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    let text = shown(&error);
    assert_eq!(
        text,
        format!(
            "getPost: HTTP 200 with a body that cannot be read as documented: {}",
            unreadable.reason()
        )
    );
    assert!(text.contains("1000 bytes"), "{text}");
    assert_eq!(count(&seen), 1);
}

// ---------------------------------------------------------------------------
// k. The token source fails.

#[tokio::test]
async fn a_failing_token_source_is_token_and_nothing_is_sent() {
    let (base, seen) = answering(|| Answer::new(200, "application/json", "{}")).await;
    let client = Client::builder()
        .base_url(&base)
        .token_source(token_source_fn(|_rejected| async {
            Err(TokenError::new("the identity service is down"))
        }))
        .build()
        .unwrap();
    let error = get_post(&client).await;

    assert_eq!(error.kind(), ErrorKind::Token, "{error:?}");
    assert_eq!(error.operation(), "getPost");
    let source = std::error::Error::source(&error).expect("the token source's error");
    let token_error = source
        .downcast_ref::<TokenError>()
        .unwrap_or_else(|| panic!("a TokenError: {source:?}"));
    assert_eq!(token_error.reason(), "the identity service is down");
    assert_eq!(error.attempts(), 0);
    assert!(!error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None);
    assert!(error.elapsed() < SECOND);
    no_answer(&error);
    no_refusal(&error);
    assert_eq!(predicates(&error), Vec::<&str>::new());
    assert_eq!(shown(&error), "getPost: the token source gave no token");
    assert_eq!(count(&seen), 0, "nothing was sent");
}

// ---------------------------------------------------------------------------
// l. A create whose retry finds the first attempt landed.

#[tokio::test]
async fn a_create_retried_after_a_502_that_answers_conflict_is_earlier_attempt_landed() {
    let (base, seen) = server(|n| {
        Reply::Answer(match n {
            // Retry at once, so that the default policy is kept and the
            // test is fast.
            0 => Answer::new(502, "text/html", "<html>502 Bad Gateway</html>")
                .header("retry-after", "0"),
            _ => Answer::new(
                400,
                "application/json",
                error_body(400900, "Post already exists"),
            )
            .header("x-request-id", "req-409-2"),
        })
    })
    .await;
    let error = create_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::EarlierAttemptLanded, "{error:?}");
    assert_eq!(predicates(&error), ["earlier_attempt_landed"]);
    assert!(!error.is_conflict());
    assert_eq!(error.client_chosen_id(), Some(POST_ID));
    assert_eq!(error.attempts(), 2);
    assert!(error.may_have_reached_service());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.code(), Some(ErrorCode::Conflict));
    assert_eq!(error.message(), Some("Post already exists"));
    assert_eq!(error.error_body().and_then(|b| b.code), Some(400900));
    assert_eq!(error.request_id(), Some("req-409-2"), "the last answer's");
    assert_eq!(error.body_excerpt(), None);
    assert!(error.unreadable_body().is_none());
    assert_eq!(
        error.retry_after(),
        None,
        "the last answer asks for no wait"
    );
    assert!(error.elapsed() < SECOND);
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        "createPost: HTTP 400, code 400900: Post already exists; an earlier attempt of this call most likely created it: treat the create as done (after 2 attempts)"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for request in seen.iter() {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["postId"], POST_ID, "the same id both times");
    }
}

// ---------------------------------------------------------------------------
// m. A success, for comparison: the same facts on `Response`.

#[tokio::test]
async fn a_success_carries_the_calls_facts() {
    let (base, seen) = answering(|| {
        Answer::new(200, "application/json", example("createPost.response.json"))
            .header("x-request-id", "req-200-1")
    })
    .await;
    let response = client(&base)
        .create_post()
        .body(post())
        .send()
        .await
        .unwrap();

    assert_eq!(response.operation(), "createPost");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.attempts(), 1);
    assert_eq!(response.request_id(), Some("req-200-1"));
    assert_eq!(response.client_chosen_id(), Some(POST_ID));
    assert!(response.elapsed() > Duration::ZERO && response.elapsed() < SECOND);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    // It derefs to the typed body.
    assert!(response.unfit.is_empty(), "{:?}", response.unfit);
    assert_eq!(response.posts.as_ref().map(Vec::len), Some(1));
    let body = response.into_inner();
    assert!(body.posts.is_some());
    assert_eq!(count(&seen), 1);
}

// ---------------------------------------------------------------------------
// More ways: rate limited with a long wait, a conflict on the first attempt,
// an undocumented status; and an id a refused create carried.

#[tokio::test]
async fn a_429_asking_a_longer_wait_than_the_policy_is_rate_limited_at_once() {
    let (base, seen) = answering(|| {
        Answer::new(
            429,
            "application/json",
            error_body(400311, "Rate limit exceeded"),
        )
        .header("retry-after", "120")
    })
    .await;
    let error = get_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::RateLimited, "{error:?}");
    assert_eq!(predicates(&error), ["is_rate_limited"]);
    assert_eq!(
        error.retry_after(),
        Some(Duration::from_secs(120)),
        "when to try again"
    );
    assert_eq!(
        error.attempts(),
        1,
        "longer than max_retry_after: not retried"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.code(), Some(ErrorCode::RateLimitExceeded));
    assert_eq!(error.message(), Some("Rate limit exceeded"));
    assert!(error.error_body().is_some());
    assert_eq!(header(&error, "retry-after"), Some("120"));
    assert_eq!(error.request_id(), None);
    assert_eq!(error.body_excerpt(), None);
    assert!(error.unreadable_body().is_none());
    assert!(error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None);
    assert!(error.elapsed() < SECOND);
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        "getPost: HTTP 429, code 400311: Rate limit exceeded"
    );
    assert_eq!(count(&seen), 1);
}

#[tokio::test]
async fn a_conflict_on_the_first_attempt_is_conflict() {
    let (base, seen) = answering(|| {
        Answer::new(
            400,
            "application/json",
            error_body(400900, "Post already exists"),
        )
    })
    .await;
    let error = create_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::Conflict, "{error:?}");
    assert_eq!(predicates(&error), ["is_conflict"]);
    assert_eq!(error.client_chosen_id(), Some(POST_ID));
    assert_eq!(error.attempts(), 1);
    assert!(error.may_have_reached_service());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.code(), Some(ErrorCode::Conflict));
    assert_eq!(error.message(), Some("Post already exists"));
    assert_eq!(error.request_id(), None);
    assert_eq!(error.retry_after(), None);
    assert_eq!(error.body_excerpt(), None);
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    assert_eq!(
        shown(&error),
        "createPost: HTTP 400, code 400900: Post already exists"
    );
    assert_eq!(count(&seen), 1);
}

#[tokio::test]
async fn a_3xx_with_an_error_body_is_unexpected_status() {
    // No `Location`: nothing to follow.
    let body = error_body(400000, "Pick one");
    let answer = body.clone();
    let (base, seen) =
        answering(move || Answer::new(300, "application/json", answer.clone())).await;
    let error = get_post(&client(&base)).await;

    assert_eq!(error.kind(), ErrorKind::UnexpectedStatus, "{error:?}");
    assert!(!error.kind().is_answer());
    assert_eq!(predicates(&error), Vec::<&str>::new());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(300));
    assert_eq!(error.code(), Some(ErrorCode::BadRequest));
    assert_eq!(error.message(), Some("Pick one"));
    assert_eq!(error.error_body().and_then(|b| b.code), Some(400000));
    assert_eq!(error.body(), Some(body.as_bytes()));
    assert_eq!(error.body_excerpt(), None);
    assert!(error.unreadable_body().is_none());
    assert_eq!(error.request_id(), None);
    assert_eq!(error.retry_after(), None);
    assert_eq!(error.attempts(), 1);
    assert!(error.may_have_reached_service());
    assert_eq!(error.client_chosen_id(), None);
    assert!(std::error::Error::source(&error).is_none());
    no_refusal(&error);
    assert_eq!(shown(&error), "getPost: HTTP 300, code 400000: Pick one");
    assert_eq!(count(&seen), 1);
}

/// A 3xx whose body is not the service's error body (an HTML page, or
/// nothing) is still an undocumented status: `UnreadableBody` is documented
/// as "a 2xx answer whose body cannot be read as documented".
#[tokio::test]
async fn a_3xx_html_page_or_empty_body_is_unexpected_status() {
    for (content_type, page) in [
        ("text/html", "<html><body>Pick one</body></html>"),
        ("text/plain", ""),
    ] {
        let (base, seen) = answering(move || Answer::new(300, content_type, page)).await;
        let error = get_post(&client(&base)).await;

        assert_eq!(error.kind(), ErrorKind::UnexpectedStatus, "{error:?}");
        assert_eq!(predicates(&error), Vec::<&str>::new());
        assert_eq!(error.status().map(|s| s.as_u16()), Some(300));
        assert_eq!(error.body(), Some(page.as_bytes()));
        assert_eq!(error.body_excerpt(), Some(page));
        let unreadable = error.unreadable_body().expect("not an error body");
        assert_eq!(unreadable.status(), 300);
        assert_eq!(unreadable.content_type(), Some(content_type));
        assert_eq!(unreadable.limit(), None);
        assert_eq!(error.code(), None);
        assert_eq!(error.message(), None);
        assert!(error.error_body().is_none());
        assert_eq!(error.attempts(), 1);
        assert!(error.may_have_reached_service());
        no_refusal(&error);
        let text = shown(&error);
        assert!(text.starts_with("getPost: HTTP 300"), "{text}");
        assert_eq!(count(&seen), 1);
    }
}

/// `client_chosen_id` is documented as "the client-chosen id the request
/// carried": a create refused before sending carried its `postId` as much as
/// one whose connection was refused (`Connect` gives it back, see
/// `a_refused_connection_is_connect_and_did_not_reach_the_service`).
#[tokio::test]
async fn a_create_refused_before_sending_still_names_the_id_it_carried() {
    let (base, seen) = answering(|| Answer::new(200, "application/json", "{}")).await;
    let tags: Vec<String> = (1..=6).map(|i| format!("tag{i}")).collect();
    let invalid = client(&base)
        .create_post()
        .body(post().tags(tags))
        .send()
        .await
        .unwrap_err();
    assert_eq!(invalid.kind(), ErrorKind::InvalidRequest, "{invalid:?}");
    assert_eq!(invalid.client_chosen_id(), Some(POST_ID));

    let no_token = Client::builder()
        .base_url(&base)
        .token_source(token_source_fn(|_rejected| async {
            Err(TokenError::new("the identity service is down"))
        }))
        .build()
        .unwrap();
    let error = create_post(&no_token).await;
    assert_eq!(error.kind(), ErrorKind::Token, "{error:?}");
    assert_eq!(error.client_chosen_id(), Some(POST_ID));
    assert_eq!(count(&seen), 0);
}
