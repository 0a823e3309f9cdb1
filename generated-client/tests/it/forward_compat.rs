//! Responses decode whatever the service adds, omits or nulls.

use httpmock::MockServer;
use serde_json::{Value, json};

use crate::support::{client, fixture};

/// Serves `body` as the answer to createPost and returns the decoded envelope.
async fn create_post_answer(body: Value) -> generated_client::types::CreatePostResponse {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200).json_body(body);
        })
        .await;
    let request = crate::support::typed("createPost.request.json");
    client(&server)
        .create_post()
        .body::<generated_client::types::CreatePostRequest>(request)
        .send()
        .await
        .expect("decodes")
        .into_inner()
}

#[tokio::test]
async fn values_no_enum_lists_are_kept() {
    let answer = create_post_answer(json!({
        "posts": [{ "postId": "p1", "dataType": "com.example.custom", "targetType": "galaxy", "structureType": "hologram" }],
        "files": [{ "fileId": "f1", "type": "hologram", "accessType": "secret" }],
        "rooms": [{ "_id": "r1", "status": "teleporting", "type": "metaverse" }],
        "communities": [{ "communityId": "c1", "type": "secret-society", "notificationMode": "carrier-pigeon" }],
    }))
    .await;
    let post = &answer.posts.as_ref().unwrap()[0];
    assert_eq!(post.data_type.as_deref(), Some("com.example.custom"));
    assert_eq!(post.target_type.as_deref(), Some("galaxy"));
    assert_eq!(
        answer.files.as_ref().unwrap()[0].type_.as_deref(),
        Some("hologram")
    );
    assert_eq!(
        answer.rooms.as_ref().unwrap()[0].status.as_deref(),
        Some("teleporting")
    );
    assert_eq!(
        answer.communities.as_ref().unwrap()[0]
            .notification_mode
            .as_deref(),
        Some("carrier-pigeon")
    );
}

#[tokio::test]
async fn null_is_accepted_in_every_optional_field_arrays_and_maps_included() {
    let answer = create_post_answer(json!({
        "posts": [{
            "postId": null, "tags": null, "hashtags": null, "metadata": null, "reactions": null,
            "mentionees": null, "children": null, "data": null, "createdAt": null, "isDeleted": null,
            "hashFlag": { "hash": null, "bits": null }
        }],
        "users": null,
        "files": [{ "attributes": { "metadata": { "exif": null, "gps": null } } }],
    }))
    .await;
    let post = &answer.posts.as_ref().unwrap()[0];
    assert_eq!(post.tags, None);
    assert_eq!(post.metadata, None);
    assert_eq!(post.reactions, None);
    assert_eq!(answer.users, None);
}

#[tokio::test]
async fn every_field_nullable_in_the_whole_fixture() {
    // Replace every scalar field of the real fixture with null (the counts
    // inside `reactions` maps are map entries, not fields, and stay).
    fn null_leaves(value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.iter_mut()
                    .filter(|(k, _)| *k != "reactions")
                    .for_each(|(_, v)| match v {
                        Value::Object(_) => null_leaves(v),
                        Value::Array(items) => items.iter_mut().for_each(null_leaves),
                        _ => *v = Value::Null,
                    })
            }
            Value::Array(items) => items.iter_mut().for_each(null_leaves),
            _ => {}
        }
    }
    let mut body = fixture("createPost.response.json");
    null_leaves(&mut body);
    if let Err(e) =
        serde_json::from_value::<generated_client::types::CreatePostResponse>(body.clone())
    {
        panic!("{e}");
    }
    let answer = create_post_answer(body).await;
    assert!(answer.posts.is_some());
}

#[tokio::test]
async fn unknown_fields_and_missing_fields_are_fine() {
    let answer = create_post_answer(json!({
        "posts": [{ "postId": "p1", "brandNewField": { "nested": [1, 2, 3] } }],
        "somethingNew": true,
    }))
    .await;
    assert_eq!(
        answer.posts.as_ref().unwrap()[0].post_id.as_deref(),
        Some("p1")
    );

    let empty = create_post_answer(json!({})).await;
    assert_eq!(empty.posts, None);
    assert_eq!(empty.users, None);
}
