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
//! httpmock = "0.8"
//! ```
//!
//! A test then reads like this (one typed method per operation on the mock
//! server; `when.body(..)` matches the exact request, `then.ok(..)` answers
//! with a typed response):
//!
//! ```
//! use generated_client::mock::MockServerExt;
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
//! let client = Client::builder().base_url(&server.base_url()).bearer_token("t").build().unwrap();
//! let id = downstream_example::announce(&client, "rustaceans", "Hello!").await.unwrap();
//! assert_eq!(id, "p-1");
//! mock.assert();
//! # }
//! ```

use generated_client::types::{
    CreatePostData, CreatePostRequest, CreatePostRequestTargetType, ErrorBody,
};
use generated_client::{Client, Error};

/// Posts `text` in the community `community_id` and returns the new post's id.
pub async fn announce(
    client: &Client,
    community_id: &str,
    text: &str,
) -> Result<String, Error<ErrorBody>> {
    let body = CreatePostRequest::builder()
        .data(CreatePostData::builder().text(text.to_owned()))
        .target_type(CreatePostRequestTargetType::Community)
        .target_id(community_id.to_owned());
    let response = client.create_post().body(body).send().await?;
    let id = response
        .posts
        .iter()
        .flatten()
        .find_map(|post| post.post_id.clone())
        .unwrap_or_default();
    Ok(id)
}

#[cfg(test)]
mod tests {
    use generated_client::mock::MockServerExt;
    use generated_client::types::{self, CreatePostRequestTargetType};
    use generated_client::{Client, ErrorExt};

    use super::announce;

    fn client(server: &httpmock::MockServer) -> Client {
        Client::builder()
            .base_url(&server.base_url())
            .bearer_token("t")
            .max_retries(0)
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn announce_posts_text_to_the_community() {
        let server = httpmock::MockServer::start_async().await;
        let expected = types::CreatePostRequest::builder()
            .data(types::CreatePostData::builder().text("Hello!".to_owned()))
            .target_type(CreatePostRequestTargetType::Community)
            .target_id("rustaceans".to_owned());
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
        assert_eq!(
            error.error_code(),
            Some(generated_client::ErrorCode::UserMuted)
        );
        assert!(error.is_forbidden());
    }
}
