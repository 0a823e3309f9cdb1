//! The docs' example payloads decode into the generated types and re-encode
//! without losing anything.

use generated_client::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::support::fixture;

#[track_caller]
fn check_round_trip<T: DeserializeOwned + Serialize>(name: &str) {
    let original = fixture(name);
    let typed: T = serde_json::from_value(original.clone())
        .unwrap_or_else(|e| panic!("spec/examples/{name} does not decode: {e}"));
    let encoded = serde_json::to_value(&typed).expect("encodes");
    if let Some(difference) = first_difference(&original, &encoded, String::new()) {
        panic!("spec/examples/{name} changed on a decode/encode round trip: {difference}");
    }
}

/// The path of the first place where `expected` and `actual` differ, with both values.
fn first_difference(expected: &Value, actual: &Value, path: String) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                let path = format!("{path}.{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        if let Some(d) = first_difference(x, y, path) {
                            return Some(d);
                        }
                    }
                    (x, y) => return Some(format!("{path}: {x:?} became {y:?}")),
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{path}[{i}]"))),
        // `123` in a `number` field re-encodes as `123.0`: the same value.
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path}: {a} became {b}")),
    }
}

#[test]
fn every_example_response_round_trips() {
    check_round_trip::<types::CreatePostResponse>("createPost.response.json");
    check_round_trip::<types::ApprovePostResponse>("approvePost.response.json");
    check_round_trip::<types::CreateStoryResponse>("createStory.response.json");
    check_round_trip::<types::CreateMessageResponse>("createMessage.response.json");
    check_round_trip::<types::CreateChannelResponse>("createChannel.response.json");
    check_round_trip::<types::QueryPostsResponse>("queryPosts.response.json");
    check_round_trip::<types::ApprovePostResponse>("getPost.response.json");
    check_round_trip::<types::ApprovePostResponse>("updatePost.response.json");
    check_round_trip::<types::DeletePostResponse>("deletePost.response.json");
    check_round_trip::<types::ApprovePostResponse>("declinePost.response.json");
    check_round_trip::<types::QueryStoriesResponse>("queryStories.response.json");
    check_round_trip::<types::GetStoryResponse>("getStory.response.json");
    check_round_trip::<types::DeleteStoryResponse>("deleteStory.response.json");
    check_round_trip::<types::QueryMessagesResponse>("queryMessages.response.json");
    check_round_trip::<types::CreateMessageResponse>("getMessage.response.json");
    check_round_trip::<types::CreateMessageResponse>("updateMessage.response.json");
    check_round_trip::<types::DeletePostResponse>("deleteMessage.response.json");
    check_round_trip::<types::QueryChannelsResponse>("queryChannels.response.json");
    for name in [
        "getChannel",
        "updateChannel",
        "addChannelUsers",
        "removeChannelUsers",
        "banChannelUsers",
    ] {
        check_round_trip::<types::CreateChannelResponse>(&format!("{name}.response.json"));
    }
    check_round_trip::<Vec<types::File>>("uploadFile.response.json");
    check_round_trip::<types::GetFileResponse>("getFile.response.json");
    check_round_trip::<types::GetFileResponse>("deleteFile.response.json");
    check_round_trip::<types::QueryUsersResponse>("queryUsers.response.json");
    check_round_trip::<types::GetUserResponse>("getUser.response.json");
    check_round_trip::<types::RegisterSessionResponse>("registerSession.response.json");
}

#[test]
fn every_example_request_round_trips() {
    check_round_trip::<types::CreatePostRequest>("createPost.request.json");
    check_round_trip::<types::CreateStoryRequest>("createStory.request.json");
    check_round_trip::<types::CreateMessageRequest>("createMessage.request.json");
    check_round_trip::<types::CreateChannelRequest>("createChannel.request.json");
    check_round_trip::<types::UpdatePostRequest>("updatePost.request.json");
    check_round_trip::<types::UpdateMessageRequest>("updateMessage.request.json");
    check_round_trip::<types::UpdateChannelRequest>("updateChannel.request.json");
    check_round_trip::<types::AddChannelUsersRequest>("addChannelUsers.request.json");
    check_round_trip::<types::BanChannelUsersRequest>("banChannelUsers.request.json");
    check_round_trip::<types::CreateAuthTokenRequest>("createAuthToken.request.json");
    check_round_trip::<types::RegisterSessionRequest>("registerSession.request.json");
}

#[test]
fn every_fixture_is_covered() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/examples");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("spec/examples exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "addChannelUsers.request.json",
            "addChannelUsers.response.json",
            "approvePost.response.json",
            "banChannelUsers.request.json",
            "banChannelUsers.response.json",
            "createAuthToken.request.json",
            "createChannel.request.json",
            "createChannel.response.json",
            "createMessage.request.json",
            "createMessage.response.json",
            "createPost.request.json",
            "createPost.response.json",
            "createStory.request.json",
            "createStory.response.json",
            "declinePost.response.json",
            "deleteFile.response.json",
            "deleteMessage.response.json",
            "deletePost.response.json",
            "deleteStory.response.json",
            "getChannel.response.json",
            "getFile.response.json",
            "getMessage.response.json",
            "getPost.response.json",
            "getStory.response.json",
            "getUser.response.json",
            "queryChannels.response.json",
            "queryMessages.response.json",
            "queryPosts.response.json",
            "queryStories.response.json",
            "queryUsers.response.json",
            "registerSession.request.json",
            "registerSession.response.json",
            "removeChannelUsers.response.json",
            "updateChannel.request.json",
            "updateChannel.response.json",
            "updateMessage.request.json",
            "updateMessage.response.json",
            "updatePost.request.json",
            "updatePost.response.json",
            "uploadFile.response.json",
        ],
        "a new fixture needs a round-trip check above"
    );
}

#[test]
fn custom_post_data_keeps_its_own_keys_both_ways() {
    let request: types::CreatePostRequest = serde_json::from_value(serde_json::json!({
        "dataType": "com.example.recipe",
        "data": { "text": "soup", "ingredients": ["leek", "potato"], "servings": 4 }
    }))
    .unwrap();
    assert_eq!(request.data.text.as_deref(), Some("soup"));
    assert_eq!(request.data.extra["servings"], 4);
    let sent = serde_json::to_value(&request).unwrap();
    assert_eq!(
        sent["data"]["ingredients"],
        serde_json::json!(["leek", "potato"])
    );

    let answer: types::CreatePostResponse = serde_json::from_value(serde_json::json!({
        "posts": [{ "dataType": "com.example.recipe", "data": { "text": "soup", "servings": 4 } }]
    }))
    .unwrap();
    let data = answer.posts.unwrap()[0].data.clone().unwrap();
    assert_eq!(data.extra["servings"], 4);

    // The builder needs no `extra`: it starts empty.
    let built =
        types::CreatePostData::try_from(types::CreatePostData::builder().text("hi".to_owned()))
            .unwrap();
    assert!(built.extra.is_empty());
    assert_eq!(types::CreatePostData::default().extra.len(), 0);
}

#[test]
fn constrained_strings_take_plain_strings() {
    // No `Some("x".parse().unwrap())`: setters take `String`s (and `&str` for path ids).
    let body = types::CreatePostRequest::builder()
        .data(types::CreatePostData::builder().text("hello".to_owned()))
        .post_id("my-post-id".to_owned())
        .target_id("public_user_id".to_owned())
        .tags(vec!["news".to_owned()]);
    let body = types::CreatePostRequest::try_from(body).expect("complete");
    assert_eq!(body.post_id.as_deref(), Some("my-post-id"));
}
