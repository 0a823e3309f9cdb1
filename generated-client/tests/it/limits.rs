//! Bounded reads (an answer's body is read up to a limit, then a typed
//! error), an error answer that keeps its URL, and the ways a handle cannot
//! be told who it acts as (a blank token, `Authorization` in its options).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use generated_client::{Client, ErrorKind};
use httpmock::MockServer;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::support::{TOKEN, answer_all, fixture};

/// A JSON object of about `bytes` bytes.
fn big_object(bytes: usize) -> serde_json::Value {
    json!({ "status": "error", "message": "x".repeat(bytes) })
}

fn client(server: &MockServer) -> generated_client::ClientBuilder {
    Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .max_retries(0)
}

#[tokio::test]
async fn a_success_body_longer_than_the_limit_is_a_typed_error() {
    let server = MockServer::start_async().await;
    answer_all(&server, 200, big_object(5_000)).await;
    let error = client(&server)
        .max_body_bytes(1_000)
        .build()
        .unwrap()
        .get_post()
        .post_id("p1")
        .send()
        .await
        .unwrap_err();
    let unreadable = error.unreadable_body().expect("an unreadable body");
    assert_eq!(unreadable.limit(), Some(1_000));
    assert_eq!(unreadable.status(), 200);
    assert!(
        unreadable.excerpt().starts_with("{\"message\":\"xxx"),
        "{}",
        unreadable.excerpt()
    );
    assert!(
        unreadable.to_string().contains("1000 bytes"),
        "{unreadable}"
    );
    // Within the limit, the same answer reads.
    let server = MockServer::start_async().await;
    answer_all(&server, 200, fixture("getPost.response.json")).await;
    client(&server)
        .max_body_bytes(100_000)
        .build()
        .unwrap()
        .get_post()
        .post_id("p1")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_error_body_is_read_up_to_64_kib_by_default_and_keeps_its_url() {
    let server = MockServer::start_async().await;
    answer_all(&server, 500, big_object(100 * 1024)).await;
    let error = client(&server)
        .build()
        .unwrap()
        .get_post()
        .post_id("p1")
        .send()
        .await
        .unwrap_err();
    let unreadable = error.unreadable_body().expect("an unreadable body");
    assert_eq!(
        unreadable.limit(),
        Some(generated_client::DEFAULT_MAX_ERROR_BODY_BYTES)
    );
    assert_eq!(unreadable.status(), 500);
    assert_eq!(error.kind(), ErrorKind::ServerError, "kind by the status");
    assert!(error.may_have_reached_service());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert!(error.body_excerpt().is_some());
}

/// A server that answers one request 200 with a chunked body that never
/// ends (until the client hangs up), and counts the bytes it wrote.
async fn endless_body() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let written = Arc::new(AtomicUsize::new(0));
    let count = written.clone();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader = BufReader::new(stream);
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await.unwrap() == 0 || line == "\r\n" {
                break;
            }
        }
        let mut stream = reader.into_inner();
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        stream.write_all(head.as_bytes()).await.unwrap();
        let chunk = format!("4000\r\n{}\r\n", "[".repeat(0x4000));
        while stream.write_all(chunk.as_bytes()).await.is_ok() {
            count.fetch_add(0x4000, Ordering::Relaxed);
            if count.load(Ordering::Relaxed) > 512 * 1024 * 1024 {
                break;
            }
        }
    });
    (url, written)
}

#[tokio::test]
async fn an_endless_chunked_body_is_cut_at_the_limit() {
    let (url, written) = endless_body().await;
    let error = Client::builder()
        .base_url(&url)
        .bearer_token(TOKEN)
        .max_body_bytes(256 * 1024)
        .build()
        .unwrap()
        .get_post()
        .post_id("p1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.unreadable_body().and_then(|u| u.limit()),
        Some(256 * 1024)
    );
    assert!(
        written.load(Ordering::Relaxed) < 64 * 1024 * 1024,
        "the client stopped reading: {} bytes written",
        written.load(Ordering::Relaxed)
    );
}

#[tokio::test]
async fn a_blank_token_given_to_with_token_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let any = answer_all(&server, 200, json!({})).await;
    let client = client(&server).build().unwrap();
    for blank in ["", "   "] {
        let error = client
            .with_token(blank)
            .get_post()
            .post_id("p1")
            .send()
            .await
            .unwrap_err();
        assert!(
            (error.kind() == generated_client::ErrorKind::InvalidRequest
                && error.to_string().contains("blank")),
            "{error:?}"
        );
    }
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
async fn authorization_in_call_options_is_refused_not_sent() {
    let server = MockServer::start_async().await;
    let with_token = server
        .mock_async(|when, then| {
            when.header("authorization", "Bearer user-token");
            then.status(200).json_body(fixture("getPost.response.json"));
        })
        .await;
    let other = answer_all(&server, 200, fixture("getPost.response.json")).await;
    let client = client(&server).build().unwrap();
    let handle = client.with_options(|options| {
        options.header(AUTHORIZATION, HeaderValue::from_static("Bearer sneaky"));
    });
    let error = handle.get_post().post_id("p1").send().await.unwrap_err();
    assert!(
        (error.kind() == generated_client::ErrorKind::InvalidRequest
            && error.to_string().contains("CallOptions::header")),
        "{error:?}"
    );
    assert_eq!(other.calls_async().await, 0, "nothing was sent");
    // Who the handle acts as is set the one way; the refused header is gone.
    handle
        .with_token("user-token")
        .get_post()
        .post_id("p1")
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.calls_async().await, 1);
}
