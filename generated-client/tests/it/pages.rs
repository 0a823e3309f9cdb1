//! Lists as streams (`into_pages`, `into_items`) against loopback servers:
//! the filters and tokens each call sends, laziness, and every way a stream
//! ends early (a failed call with its resume token, a repeated token, empty
//! pages, a next token that is not a string, a limit refused before sending).

use generated_client::paginate::PageError;
use generated_client::{ErrorKind, types};
use httpmock::Method::GET;
use httpmock::MockServer;
use serde_json::{Value, json};

use crate::support::{client, client_with_retries};

/// A queryUsers page of `ids`, with `next` as its next token.
fn users_page(ids: &[&str], next: Value) -> Value {
    let users: Vec<Value> = ids.iter().map(|id| json!({ "userId": id })).collect();
    json!({ "users": users, "paging": { "next": next } })
}

/// Mocks the page asked with `token` (`None`: the first) of a queryUsers
/// stream that also sends `keyword=ann`.
async fn page<'a>(
    server: &'a MockServer,
    token: Option<&str>,
    answer: Value,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            let when = when
                .method(GET)
                .path("/api/v3/users")
                .query_param("keyword", "ann")
                .query_param("options[limit]", "2");
            match token {
                Some(token) => when.query_param("options[token]", token),
                None => when.query_param_missing("options[token]"),
            };
            then.status(200).json_body(answer);
        })
        .await
}

fn ids(users: &[types::User]) -> Vec<&str> {
    users.iter().filter_map(|u| u.user_id.as_deref()).collect()
}

/// Three pages: every call sends the filters, the second and third the
/// previous answer's token; the stream ends after the page without one.
#[tokio::test]
async fn items_of_every_page_with_the_same_filters_and_each_token() {
    let server = MockServer::start_async().await;
    let first = page(&server, None, users_page(&["u1", "u2"], json!("t/2 &"))).await;
    let second = page(
        &server,
        Some("t/2 &"),
        users_page(&["u3", "u4"], json!("t3")),
    )
    .await;
    let third = page(&server, Some("t3"), users_page(&["u5"], Value::Null)).await;
    let users = client(&server)
        .query_users()
        .keyword("ann")
        .options_limit(2)
        .into_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&users), ["u1", "u2", "u3", "u4", "u5"]);
    first.assert_async().await;
    second.assert_async().await;
    third.assert_async().await;

    let pages = client(&server)
        .query_users()
        .keyword("ann")
        .options_limit(2)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages[1].paging.as_ref().unwrap().next.as_deref(),
        Some("t3")
    );
}

/// Taking 3 items at 2 a page makes exactly 2 calls; dropping the stream
/// makes no more.
#[tokio::test]
async fn pages_are_fetched_lazily() {
    let server = MockServer::start_async().await;
    let first = page(&server, None, users_page(&["u1", "u2"], json!("t2"))).await;
    let second = page(&server, Some("t2"), users_page(&["u3", "u4"], json!("t3"))).await;
    let third = page(&server, Some("t3"), users_page(&["u5"], Value::Null)).await;
    let client = client(&server);
    let mut items = client
        .query_users()
        .keyword("ann")
        .options_limit(2)
        .into_items();
    let mut taken = Vec::new();
    for _ in 0..3 {
        taken.push(items.next().await.unwrap().unwrap());
    }
    drop(items);
    assert_eq!(ids(&taken), ["u1", "u2", "u3"]);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
    third.assert_calls_async(0).await;
}

/// A failed page ends the stream after the items before it, with the token
/// it was asked with; a new stream from that token goes on.
#[tokio::test]
async fn a_failed_page_ends_the_stream_with_its_token_to_resume_from() {
    let server = MockServer::start_async().await;
    page(&server, None, users_page(&["u1", "u2"], json!("t2"))).await;
    let failing = server
        .mock_async(|when, then| {
            when.query_param("options[token]", "t2");
            then.status(500)
                .json_body(json!({ "status": "error", "code": 500000, "message": "down" }));
        })
        .await;
    let client = client_with_retries(&server, 0);
    let mut items = client
        .query_users()
        .keyword("ann")
        .options_limit(2)
        .into_items();
    let mut got = Vec::new();
    let error = loop {
        match items.next().await.unwrap() {
            Ok(user) => got.push(user),
            Err(error) => break error,
        }
    };
    assert!(
        items.next().await.is_none(),
        "the stream ends after its error"
    );
    assert_eq!(ids(&got), ["u1", "u2"]);
    assert_eq!(error.resume_token(), Some("t2"));
    let PageError::Call { error: call, token } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(token.as_deref(), Some("t2"));
    assert_eq!(call.kind(), ErrorKind::ServerError);
    assert_eq!(call.status().map(|s| s.as_u16()), Some(500));
    assert!(
        error
            .to_string()
            .starts_with("the page asked with token `t2` failed: "),
        "{error}"
    );

    failing.delete_async().await;
    page(&server, Some("t2"), users_page(&["u3"], Value::Null)).await;
    let rest = client
        .query_users()
        .keyword("ann")
        .options_limit(2)
        .options_token(error.resume_token().unwrap())
        .into_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids(&rest), ["u3"]);
}

/// A server that sends a token it sent before: the page is yielded, then the
/// stream ends with an error instead of looping.
#[tokio::test]
async fn a_repeated_token_ends_the_stream() {
    let server = MockServer::start_async().await;
    page(&server, None, users_page(&["u1"], json!("a"))).await;
    page(&server, Some("a"), users_page(&["u2"], json!("b"))).await;
    let again = page(&server, Some("b"), users_page(&["u3"], json!("a"))).await;
    let client = client(&server);
    let mut pages = client
        .query_users()
        .keyword("ann")
        .options_limit(2)
        .into_pages();
    for _ in 0..3 {
        pages.next().await.unwrap().unwrap();
    }
    let error = pages.next().await.unwrap().unwrap_err();
    assert!(
        matches!(&error, PageError::RepeatedToken { operation: "queryUsers", token } if token == "a"),
        "{error:?}"
    );
    assert!(pages.next().await.is_none());
    again.assert_calls_async(1).await;
}

/// More than the bounded number of empty pages in a row (each with a next
/// token) ends the stream, naming the count and the token past them.
#[tokio::test]
async fn a_run_of_empty_pages_ends_the_stream() {
    let server = MockServer::start_async().await;
    page(&server, None, users_page(&[], json!("e1"))).await;
    for n in 1..=20 {
        page(
            &server,
            Some(&format!("e{n}")),
            users_page(&[], json!(format!("e{}", n + 1))),
        )
        .await;
    }
    let error = client(&server)
        .query_users()
        .keyword("ann")
        .options_limit(2)
        .into_items()
        .try_collect()
        .await
        .unwrap_err();
    let limit = generated_client::paginate::MAX_EMPTY_PAGES;
    match &error {
        PageError::EmptyPages { count, token, .. } => {
            assert_eq!(*count, limit + 1);
            assert_eq!(token, &format!("e{}", limit + 1));
        }
        other => panic!("{other:?}"),
    }
}

/// A next token that is not a string: the page's items are yielded, then an
/// error naming the operation and the value.
#[tokio::test]
async fn a_next_token_that_is_not_a_string_ends_the_stream() {
    let server = MockServer::start_async().await;
    page(
        &server,
        None,
        users_page(&["u1", "u2"], json!({ "cursor": 7 })),
    )
    .await;
    let client = client(&server);
    let mut items = client
        .query_users()
        .keyword("ann")
        .options_limit(2)
        .into_items();
    assert_eq!(
        items.next().await.unwrap().unwrap().user_id.as_deref(),
        Some("u1")
    );
    assert_eq!(
        items.next().await.unwrap().unwrap().user_id.as_deref(),
        Some("u2")
    );
    let error = items.next().await.unwrap().unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"queryUsers: the answer's next token is not a string: {"cursor":7}"#
    );
    assert!(items.next().await.is_none());
}

/// `options.limit` out of its documented range is refused before the first
/// call: the stream's one item is that error, and nothing is sent.
#[tokio::test]
async fn a_limit_out_of_range_is_refused_before_the_first_call() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({}));
        })
        .await;
    let error = client(&server)
        .query_posts()
        .target_id("c1")
        .options_limit(101)
        .into_items()
        .try_collect()
        .await
        .unwrap_err();
    assert_eq!(error.resume_token(), None);
    let call = error.call_error().expect("the call's error");
    assert_eq!(call.kind(), ErrorKind::InvalidRequest);
    let violation = &call.violations().expect("the broken rule").violations()[0];
    assert_eq!(violation.path(), "options[limit]");
    let message = call.to_string();
    assert!(message.contains("`options[limit]`: 101"), "{message}");
    any.assert_calls_async(0).await;
}
