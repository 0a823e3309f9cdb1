//! Creates a post.
//!
//! With `AMITY_TOKEN` (and optionally `AMITY_REGION`: us, eu or sg) set, against
//! the real service; otherwise against a local mock server this example starts,
//! so you can see it work without an account:
//!
//! ```sh
//! cargo run -p generated-client --example quickstart
//! AMITY_TOKEN=... AMITY_REGION=eu cargo run -p generated-client --example quickstart
//! ```

use std::process::ExitCode;

use generated_client::{Client, Region, types};

#[tokio::main]
async fn main() -> ExitCode {
    // Keeps the mock server alive for the whole run when there is one.
    let (client, _mock) = match std::env::var("AMITY_TOKEN") {
        Ok(token) => {
            let region = match std::env::var("AMITY_REGION").map(|r| r.parse::<Region>()) {
                Ok(Ok(region)) => region,
                Ok(Err(error)) => {
                    eprintln!("error: AMITY_REGION: {error}");
                    return ExitCode::FAILURE;
                }
                Err(_) => Region::Us,
            };
            let client = Client::builder().region(region).bearer_token(token).build();
            (client, None)
        }
        Err(_) => {
            let server = start_mock_server();
            println!(
                "AMITY_TOKEN is not set: using a local mock server at {}",
                server.base_url()
            );
            let client = Client::builder()
                .base_url(server.base_url())
                .bearer_token("mock-token")
                .build();
            (client, Some(server))
        }
    };
    let client = match client {
        Ok(client) => client,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("creating a post at {}", client.baseurl());

    let body = types::CreatePostRequest::builder()
        .data(types::CreatePostData::builder().text("Hello from Rust!".to_owned()))
        .tags(vec!["rust".to_owned(), "quickstart".to_owned()]);
    match client.create_post().body(body).send().await {
        Ok(response) => {
            for post in response.posts.iter().flatten() {
                println!(
                    "created post {} ({}) at {}",
                    post.post_id.as_deref().unwrap_or("?"),
                    post.data_type.as_deref().unwrap_or("?"),
                    post.created_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            eprintln!(
                "kind: {:?}, after {} attempt(s)",
                error.kind(),
                error.attempts()
            );
            if let Some(code) = error.code() {
                eprintln!("service error code: {code:?}");
            }
            ExitCode::FAILURE
        }
    }
}

/// A local server answering createPost like the service does.
fn start_mock_server() -> httpmock::MockServer {
    let server = httpmock::MockServer::start();
    server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path("/api/v4/posts")
            .header("authorization", "Bearer mock-token");
        then.status(200).json_body(serde_json::json!({
            "posts": [{
                "postId": "mock-post-1",
                "dataType": "text",
                "data": { "text": "Hello from Rust!" },
                "tags": ["rust", "quickstart"],
                "createdAt": "2026-11-22T06:00:00Z"
            }],
            "users": [{ "userId": "mock-user", "displayName": "Mock User" }]
        }));
    });
    server
}
