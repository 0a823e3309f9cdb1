//! A stand-in for a crate that depends on `generated-client`: it announces
//! things in a community, and tests itself without the real service through
//! the typed httpmock helpers of the `mock` feature.
//!
//! In your own crate:
//!
//! ```toml
//! [dependencies]
//! generated-client = { path = "../generated-client", default-features = false }
//!
//! [dev-dependencies]
//! generated-client = { path = "../generated-client", default-features = false, features = ["mock"] }
//! ```
//!
//! No httpmock dependency is needed: `generated_client::mock::httpmock` is
//! the one the helpers are built against.
//!
//! A test then reads like this (one typed method per operation on the mock
//! server; `when.body(..)` matches the exact request, `then.ok(..)` answers
//! with a typed response):
//!
//! ```
//! use generated_client::mock::{MockServerExt, httpmock};
//! use generated_client::{Client, types};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let server = httpmock::MockServer::start_async().await;
//! let answer: types::CreatePostResponse =
//!     serde_json::from_value(serde_json::json!({ "posts": [{ "postId": "p-1" }] })).unwrap();
//! let mock = server.create_post(|when, then| {
//!     // Typed matchers come from the spec; `into_inner()` gives httpmock's own.
//!     when.into_inner().json_body_includes(r#"{"targetId": "rustaceans"}"#);
//!     then.ok(&answer);
//! });
//!
//! let client = Client::builder().base_url(server.base_url()).bearer_token("t").build().unwrap();
//! let id = downstream_example::announce(&client, "rustaceans", "Hello!").await.unwrap();
//! assert_eq!(id, "p-1");
//! mock.assert();
//! # }
//! ```

use generated_client::types::{CreatePostData, CreatePostRequest, CreatePostRequestTargetType};
use generated_client::{Client, Error, ErrorKind};

/// Posts `text` in the community `community_id` and returns the new post's id.
pub async fn announce(client: &Client, community_id: &str, text: &str) -> Result<String, Error> {
    let body = CreatePostRequest::builder()
        .data(CreatePostData::builder().text(text))
        .target_type(CreatePostRequestTargetType::Community)
        .target_id(community_id);
    let response = client.create_post().body(body).send().await?;
    let id = response
        .posts
        .iter()
        .flatten()
        .find_map(|post| post.post_id.clone())
        .unwrap_or_default();
    Ok(id)
}

/// Posts `text` in the community `community_id` exactly once, however the
/// network behaves: the post carries an id chosen here, so the client may
/// retry after a 5xx or a timeout without creating twice; if a retry finds
/// that an earlier attempt already created the post (code 400900 on a
/// retry), that is success. Returns the post's id.
pub async fn announce_once(
    client: &Client,
    community_id: &str,
    text: &str,
) -> Result<String, Error> {
    let post_id = generated_client::new_client_chosen_id(None);
    let body = CreatePostRequest::builder()
        .data(CreatePostData::builder().text(text))
        .target_type(CreatePostRequestTargetType::Community)
        .target_id(community_id)
        .post_id(post_id.clone());
    match client.create_post().body(body).send().await {
        Ok(_) => Ok(post_id),
        Err(error) if error.kind() == ErrorKind::EarlierAttemptLanded => Ok(post_id),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use generated_client::mock::{MockServerExt, httpmock};
    use generated_client::types::{self, CreatePostRequestTargetType};
    use generated_client::{Client, ErrorKind};

    use super::{announce, announce_once};

    fn client(server: &httpmock::MockServer) -> Client {
        Client::builder()
            .base_url(server.base_url())
            .bearer_token("t")
            .max_retries(0)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn announce_posts_text_to_the_community() {
        let server = httpmock::MockServer::start_async().await;
        let expected = types::CreatePostRequest::builder()
            .data(types::CreatePostData::builder().text("Hello!"))
            .target_type(CreatePostRequestTargetType::Community)
            .target_id("rustaceans");
        let expected = types::CreatePostRequest::try_from(expected).unwrap();
        let answer: types::CreatePostResponse =
            serde_json::from_value(serde_json::json!({ "posts": [{ "postId": "p-1" }] })).unwrap();
        let mock = server.create_post(|when, then| {
            when.body(&expected);
            then.ok(&answer);
        });

        let id = announce(&client(&server), "rustaceans", "Hello!")
            .await
            .unwrap();
        assert_eq!(id, "p-1");
        mock.assert();
    }

    #[tokio::test]
    async fn announce_reports_a_muted_user() {
        let server = httpmock::MockServer::start_async().await;
        let muted: types::ErrorBody = serde_json::from_value(serde_json::json!({
            "status": "error", "code": 400302, "message": "User is muted"
        }))
        .unwrap();
        server.create_post(|_, then| {
            then.forbidden(&muted);
        });

        let error = announce(&client(&server), "rustaceans", "Hello!")
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some(generated_client::ErrorCode::UserMuted));
        assert_eq!(error.kind(), ErrorKind::Forbidden);
        assert_eq!(error.operation(), "createPost");
        assert_eq!(error.attempts(), 1);
    }

    #[tokio::test]
    async fn announce_once_survives_a_5xx_after_the_post_was_stored() {
        let server = httpmock::MockServer::start_async().await;
        // The first attempt is stored, but the answer is lost in a 502.
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = seen.clone();
        let lost = server.create_post(move |when, then| {
            when.into_inner()
                .is_true(move |_| counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0);
            then.into_inner()
                .status(502)
                .body("<html>Bad Gateway</html>");
        });
        // The retry carries the same postId, which now exists.
        let duplicate: types::ErrorBody = serde_json::from_value(serde_json::json!({
            "status": "error", "code": 400900, "message": "Duplicate data"
        }))
        .unwrap();
        let conflict = server.create_post(|when, then| {
            when.into_inner()
                .json_body_includes(r#"{"targetId": "rustaceans"}"#);
            then.bad_request(&duplicate);
        });
        let client = Client::builder()
            .base_url(server.base_url())
            .bearer_token("t")
            .retry_policy(
                generated_client::RetryPolicy::default()
                    .initial_backoff(std::time::Duration::from_millis(1)),
            )
            .build()
            .unwrap();

        let id = announce_once(&client, "rustaceans", "Hello!")
            .await
            .unwrap();
        assert_eq!(id.len(), 32, "{id}");
        lost.assert();
        conflict.assert();
    }

    /// A server acting for many users: one client, a handle per user, and a
    /// service token from a token source that is refreshed after a 401.
    #[tokio::test]
    async fn one_client_serves_many_users() {
        let server = httpmock::MockServer::start_async().await;
        let answer: types::CreatePostResponse =
            serde_json::from_value(serde_json::json!({ "posts": [{ "postId": "p-1" }] })).unwrap();
        let as_user = |token: &'static str| {
            server.create_post(|when, then| {
                when.into_inner()
                    .header("authorization", format!("Bearer {token}"));
                then.ok(&answer);
            })
        };
        let alice = as_user("alice-token");
        let bob = as_user("bob-token");
        // The service token: the first has expired, the refreshed one works.
        let expired: types::ErrorBody = serde_json::from_value(serde_json::json!({
            "status": "error", "code": 400100, "message": "Token expired"
        }))
        .unwrap();
        let stale = server.create_post(|when, then| {
            when.into_inner()
                .header("authorization", "Bearer service-token-1");
            then.unauthorized(&expired);
        });
        let fresh = as_user("service-token-2");

        let issued = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = issued.clone();
        let client = Client::builder()
            .base_url(server.base_url())
            .token_source(generated_client::token_source_fn(
                move |rejected: Option<String>| {
                    let counter = counter.clone();
                    async move {
                        let n = if rejected.is_some() {
                            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
                        } else {
                            counter.load(std::sync::atomic::Ordering::SeqCst)
                        };
                        Ok(format!("service-token-{}", n + 1))
                    }
                },
            ))
            .max_retries(0)
            .build()
            .unwrap();

        for (handle, text) in [
            (client.with_token("alice-token"), "from Alice"),
            (client.with_token("bob-token"), "from Bob"),
            (client.clone(), "from the service"),
        ] {
            announce(&handle, "rustaceans", text).await.unwrap();
        }
        alice.assert();
        bob.assert();
        stale.assert();
        fresh.assert();
    }
}
