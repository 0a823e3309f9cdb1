//! The everyday calls' wire shapes against a loopback server: query strings
//! (deepObject `options[...]`, repeated arrays, three-way booleans), path
//! parameters that need percent-encoding, and parameter limits refused before
//! anything is sent.

use generated_client::{ErrorKind, types};
use httpmock::{Method::GET, MockServer};

use crate::support::{client, fixture};

/// queryPosts with a filter, a deepObject option and a repeated array: the
/// query string is what the docs README says, and the page's example decodes.
#[tokio::test]
async fn query_posts_sends_deep_object_and_repeated_parameters() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/api/v4/posts")
                .query_param("targetId", "community-1")
                .query_param("options[limit]", "20")
                .query_param("options[token]", "tok/en?=&")
                .query_param("tags", "a")
                .query_param("tags", "b c")
                .query_param("hasFlag", "false")
                .query_param_missing("isDeleted");
            then.status(200)
                .json_body(fixture("queryPosts.response.json"));
        })
        .await;
    let page = client(&server)
        .query_posts()
        .target_id("community-1")
        .options_limit(20)
        .options_token("tok/en?=&")
        .tags(vec!["a".to_owned(), "b c".to_owned()])
        .has_flag(false)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(page.posts.as_ref().map(Vec::len), Some(1));
    assert_eq!(
        page.paging.and_then(|p| p.next).as_deref(),
        Some("<string>")
    );
}

/// The raw query string: brackets of `options[...]` percent-encoded, the
/// array's name repeated, nothing for what was not set.
#[tokio::test]
async fn the_query_string_on_the_wire() {
    let (base_url, request) = record_one_request("{}").await;
    let client = generated_client::Client::builder()
        .base_url(&base_url)
        .bearer_token(crate::support::TOKEN)
        .build()
        .unwrap();
    client
        .query_channels()
        .options_limit(5)
        .types(vec![
            types::QueryChannelsTypesItem::Community,
            types::QueryChannelsTypesItem::Live,
        ])
        .is_deleted(true)
        .send()
        .await
        .unwrap();
    let request_line = request.await.unwrap();
    assert_eq!(
        request_line,
        "GET /api/v3/channels?isDeleted=true&options%5Blimit%5D=5&types=community&types=live HTTP/1.1"
    );
}

/// Any id reaches the service as itself: `/`, space, `%`, `?`, `#` and
/// non-ASCII are percent-encoded in the path segment.
#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let (base_url, request) = record_one_request("{}").await;
    let client = generated_client::Client::builder()
        .base_url(&base_url)
        .bearer_token(crate::support::TOKEN)
        .build()
        .unwrap();
    client
        .approve_post()
        .post_id("a/b c%d?e#f\u{e9}")
        .send()
        .await
        .unwrap();
    assert_eq!(
        request.await.unwrap(),
        "POST /api/v3/posts/a%2Fb%20c%25d%3Fe%23f%C3%A9/approve HTTP/1.1"
    );
}

/// A loopback server that answers one request with 200 and `body`, and
/// hands back that request's first line (method, target, version) as sent.
async fn record_one_request(body: &'static str) -> (String, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader = BufReader::new(stream);
        let mut first = String::new();
        reader.read_line(&mut first).await.unwrap();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut request_body = vec![0; length];
        reader.read_exact(&mut request_body).await.unwrap();
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        reader.get_mut().write_all(answer.as_bytes()).await.unwrap();
        first.trim_end().to_owned()
    });
    (base_url, task)
}

/// A limit beyond the documented range is refused before sending, naming the
/// parameter, the limit and the value; the server sees nothing.
#[tokio::test]
async fn limits_of_query_parameters_are_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|_, then| {
            then.status(200).json_body(serde_json::json!({}));
        })
        .await;
    let client = client(&server);
    for (limit, text) in [
        (
            0,
            "query parameter `options[limit]`: 0 is out of range: it must be at least 1",
        ),
        (
            101,
            "query parameter `options[limit]`: 101 is out of range: it must be at most 100",
        ),
    ] {
        let error = client
            .query_posts()
            .target_id("c")
            .options_limit(limit)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error:?}");
        let message = error.to_string();
        assert!(message.contains(text), "{message}");
    }
    let six_tags: Vec<String> = (0..6).map(|i| format!("t{i}")).collect();
    let error = client
        .query_posts()
        .target_id("c")
        .tags(six_tags)
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("query parameter `tags`: 6 items, more than the maximum of 5"),
        "{error}"
    );
    assert_eq!(mock.calls_async().await, 0, "nothing was sent");
}

/// createAuthToken: the server key goes in `x-server-key`, the answer is the
/// token as text; registerSession: the API key goes in `x-api-key`. Neither
/// key shows in the builder's Debug output.
#[tokio::test]
async fn key_headers_are_sent_text_answers_read_and_keys_redacted() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST)
                .path("/api/v4/authentication/token")
                .header("x-server-key", "server-key-s3cr3t")
                .json_body(serde_json::json!({ "userId": "u1" }));
            then.status(200)
                .header("content-type", "text/plain")
                .body("s9qne0wEqVb2e05271177748659f574a4e8ab85e08");
        })
        .await;
    let session = server
        .mock_async(|when, then| {
            when.method(httpmock::Method::POST)
                .path("/api/v4/sessions")
                .header("x-api-key", "api-key-s3cr3t");
            then.status(200)
                .json_body(fixture("registerSession.response.json"));
        })
        .await;
    let client = client(&server);
    let auth_token = client
        .create_auth_token()
        .x_server_key("server-key-s3cr3t")
        .body(types::CreateAuthTokenRequest::builder().user_id("u1".to_owned()))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(auth_token, "s9qne0wEqVb2e05271177748659f574a4e8ab85e08");
    token.assert_async().await;

    let call = client.register_session().x_api_key("api-key-s3cr3t").body(
        types::RegisterSessionRequest::builder()
            .user_id("u1".to_owned())
            .device_id("d1".to_owned())
            .auth_token(auth_token),
    );
    let debug = format!("{call:?}");
    assert!(!debug.contains("api-key-s3cr3t"), "{debug}");
    assert!(debug.contains("x_api_key: \"<redacted>\""), "{debug}");
    let answer = call.send().await.unwrap().into_inner();
    session.assert_async().await;
    assert_eq!(answer.access_token.as_deref(), Some("<string>"));
    let builder = client.create_auth_token().x_server_key("server-key-s3cr3t");
    assert!(!format!("{builder:?}").contains("server-key-s3cr3t"));
}

/// A text answer that is not UTF-8 is an error with an excerpt, as a JSON
/// answer that does not decode.
#[tokio::test]
async fn a_text_answer_that_is_not_utf8_is_an_unreadable_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200)
                .header("content-type", "text/plain")
                .body([0xff, 0xfe, b'a']);
        })
        .await;
    let error = client(&server)
        .create_auth_token()
        .x_server_key("k")
        .body(types::CreateAuthTokenRequest::builder().user_id("u1".to_owned()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnreadableBody, "{error:?}");
    assert!(
        error.unreadable_body().unwrap().reason().contains("UTF-8"),
        "{error:?}"
    );
    assert_eq!(error.body(), Some(&[0xff, 0xfe, b'a'][..]));
}
