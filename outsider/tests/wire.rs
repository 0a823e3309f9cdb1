//! Every operation the everyday-API issue added, called as a user would,
//! against a loopback server that records each request (method, target,
//! headers, body) and answers with the page's example (spec/examples). The
//! wire is checked against the docs README's facts (deepObject `options[...]`,
//! repeated arrays, percent-encoded ids, key headers, Bearer token) and every
//! example must decode with nothing left out. uploadFile's multipart body is
//! read part by part by multer, as a server would. The list streams page
//! through a server that answers three pages, and one that repeats a token.

use std::sync::{Arc, Mutex};

use generated_client::{Client, types};

mod loopback;

/// One request as the server read it.
use loopback::Request as Seen;

/// A loopback server answering every request with `answer` (content type,
/// body), recording what it saw.
async fn server(content_type: &'static str, answer: String) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let base = loopback::serve(move |request: Seen| {
        record.lock().unwrap().push(request);
        let answer = loopback::Answer::new(200, content_type, answer.clone());
        async move { answer }
    })
    .await;
    (base, seen)
}

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn request<T: serde::de::DeserializeOwned>(operation: &str) -> T {
    serde_json::from_str(&example(&format!("{operation}.request.json"))).unwrap()
}

fn client(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .bearer_token("outsider-token")
        .build()
        .unwrap()
}

/// Calls `$call` against a server answering `$operation`'s example; returns
/// the one request seen, after checking the answer decoded whole.
macro_rules! call {
    ($operation:expr, |$client:ident| $call:expr) => {{
        let (base, seen) = server(
            "application/json",
            example(&format!("{}.response.json", $operation)),
        )
        .await;
        let $client = client(&base);
        let answer = $call
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", $operation));
        assert!(
            answer.unfit.is_empty(),
            "{}: {:?}",
            $operation,
            answer.unfit
        );
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1, "{}", $operation);
        let one = seen.into_iter().next().unwrap();
        assert_eq!(
            one.header("authorization"),
            Some("Bearer outsider-token"),
            "{}",
            $operation
        );
        one
    }};
}

#[tokio::test]
async fn posts() {
    let seen = call!("queryPosts", |c| c
        .query_posts()
        .target_id("community 1")
        .target_type(types::QueryPostsTargetType::Community)
        .options_limit(10)
        .options_token("next/page?")
        .feed_type(vec![types::QueryPostsFeedTypeItem::Published])
        .tags(vec!["a".to_owned(), "b".to_owned()])
        .is_deleted(false)
        .send());
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.target,
        "/api/v4/posts?feedType=published&isDeleted=false&options%5Blimit%5D=10&options%5Btoken%5D=next%2Fpage%3F&tags=a&tags=b&targetId=community+1&targetType=community"
    );

    let seen = call!("getPost", |c| c.get_post().post_id("p/1 é").send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("GET", "/api/v3/posts/p%2F1%20%C3%A9")
    );

    let seen = call!("updatePost", |c| c
        .update_post()
        .post_id("p1")
        .preserve_edited_at(true)
        .body(request::<types::UpdatePostRequest>("updatePost"))
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("PUT", "/api/v4/posts/p1")
    );
    assert_eq!(seen.header("preserve-edited-at"), Some("true"));
    let sent: serde_json::Value = serde_json::from_slice(&seen.body).unwrap();
    let expected: serde_json::Value =
        serde_json::from_str(&example("updatePost.request.json")).unwrap();
    assert_eq!(sent, expected, "the body is the page's example request");

    let seen = call!("deletePost", |c| c
        .delete_post()
        .post_id("p1")
        .permanent(true)
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("DELETE", "/api/v4/posts/p1?permanent=true")
    );

    let seen = call!("declinePost", |c| c.decline_post().post_id("p1").send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("POST", "/api/v3/posts/p1/decline")
    );
}

#[tokio::test]
async fn stories() {
    let seen = call!("queryStories", |c| c
        .query_stories()
        .target_id("t1")
        .target_type(types::QueryStoriesTargetType::User)
        .options_order_by(types::QueryStoriesOptionsOrderBy::Asc)
        .send());
    assert_eq!(
        seen.target,
        "/api/v4/stories?options%5BorderBy%5D=asc&targetId=t1&targetType=user"
    );
    let seen = call!("getStory", |c| c.get_story().story_id("s1").send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("GET", "/api/v4/stories/s1")
    );
    let seen = call!("deleteStory", |c| c.delete_story().story_id("s1").send());
    assert_eq!(seen.method, "DELETE");
    assert!(
        seen.target.starts_with("/api/v4/stories/s1"),
        "{}",
        seen.target
    );
}

#[tokio::test]
async fn messages() {
    let seen = call!("queryMessages", |c| c
        .query_messages()
        .channel_id("ch1")
        .options_first(5)
        .tags(vec!["x".to_owned()])
        .send());
    assert_eq!(
        seen.target,
        "/api/v3/messages?channelId=ch1&options%5Bfirst%5D=5&tags=x"
    );
    let seen = call!("getMessage", |c| c.get_message().message_id("m1").send());
    assert_eq!(seen.target, "/api/v3/messages/m1");
    let seen = call!("updateMessage", |c| c
        .update_message()
        .message_id("m1")
        .body(request::<types::UpdateMessageRequest>("updateMessage"))
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("PUT", "/api/v3/messages/m1")
    );
    let seen = call!("deleteMessage", |c| c
        .delete_message()
        .message_id("m1")
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("DELETE", "/api/v3/messages/m1")
    );
}

#[tokio::test]
async fn channels() {
    let seen = call!("queryChannels", |c| c
        .query_channels()
        .keyword("rust")
        .types(vec![types::QueryChannelsTypesItem::Community])
        .options_limit(100)
        .send());
    assert_eq!(
        seen.target,
        "/api/v3/channels?keyword=rust&options%5Blimit%5D=100&types=community"
    );
    let seen = call!("getChannel", |c| c.get_channel().channel_id("c#1").send());
    assert_eq!(seen.target, "/api/v3/channels/c%231");
    let seen = call!("updateChannel", |c| c
        .update_channel()
        .channel_id("c1")
        .body(request::<types::UpdateChannelRequest>("updateChannel"))
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("PUT", "/api/v3/channels/c1")
    );
    let seen = call!("addChannelUsers", |c| c
        .add_channel_users()
        .channel_id("c1")
        .body(request::<types::AddChannelUsersRequest>("addChannelUsers"))
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("POST", "/api/v3/channels/c1/users")
    );
    let seen = call!("removeChannelUsers", |c| c
        .remove_channel_users()
        .channel_id("c1")
        .user_ids(vec!["u1".to_owned(), "u2".to_owned()])
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("DELETE", "/api/v3/channels/c1/users?userIds=u1&userIds=u2")
    );
    let seen = call!("banChannelUsers", |c| c
        .ban_channel_users()
        .channel_id("c1")
        .body(request::<types::BanChannelUsersRequest>("banChannelUsers"))
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("PUT", "/api/v3/channels/c1/users/ban")
    );
}

#[tokio::test]
async fn files_and_users() {
    let seen = call!("getFile", |c| c.get_file().file_id("f1").send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("GET", "/api/v3/files/f1")
    );
    let seen = call!("deleteFile", |c| c.delete_file().file_id("f1").send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("DELETE", "/api/v3/files/f1")
    );
    let seen = call!("queryUsers", |c| c
        .query_users()
        .keyword("ann")
        .exact_match_keyword(true)
        .send());
    assert_eq!(
        seen.target,
        "/api/v3/users?exactMatchKeyword=true&keyword=ann"
    );
    let seen = call!("getUser", |c| c.get_user().user_id("u1").send());
    assert!(
        seen.target.starts_with("/api/v3/users/u1"),
        "{}",
        seen.target
    );
}

#[tokio::test]
async fn sessions() {
    let seen = call!("registerSession", |c| c
        .register_session()
        .x_api_key("the-api-key")
        .body(request::<types::RegisterSessionRequest>("registerSession"))
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("POST", "/api/v4/sessions")
    );
    assert_eq!(seen.header("x-api-key"), Some("the-api-key"));

    let (base, seen) = server(
        "text/plain",
        "s9qne0wEqVb2e05271177748659f574a4e8ab85e08".to_owned(),
    )
    .await;
    let token = client(&base)
        .create_auth_token()
        .x_server_key("the-server-key")
        .body(request::<types::CreateAuthTokenRequest>("createAuthToken"))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(token, "s9qne0wEqVb2e05271177748659f574a4e8ab85e08");
    let seen = seen.lock().unwrap()[0].clone();
    assert_eq!(seen.target, "/api/v4/authentication/token");
    assert_eq!(seen.header("x-server-key"), Some("the-server-key"));
}

/// Limits of parameters are refused before anything is sent.
#[tokio::test]
async fn limits_are_refused_before_sending() {
    use generated_client::ErrorKind;
    use generated_client::validation::{Location, Rule};
    let (base, seen) = server("application/json", "{}".to_owned()).await;
    let c = client(&base);
    for (limit, rule) in [
        (
            0,
            Rule::Minimum {
                min: 1.0,
                exclusive: false,
                actual: 0.0,
            },
        ),
        (
            101,
            Rule::Maximum {
                max: 100.0,
                exclusive: false,
                actual: 101.0,
            },
        ),
    ] {
        let error = c
            .query_posts()
            .target_id("t")
            .options_limit(limit)
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error:?}");
        assert_eq!(error.attempts(), 0);
        let violations = error.violations().expect("the broken rules");
        assert_eq!(violations.operation(), "queryPosts");
        let [violation] = violations.violations() else {
            panic!("one violation: {violations:?}");
        };
        assert_eq!(violation.location(), Location::QueryParameter);
        assert_eq!(violation.path(), "options[limit]");
        assert_eq!(violation.rule(), &rule);
        assert!(error.to_string().contains("options[limit]"), "{error}");
    }
    let error = c
        .query_posts()
        .target_id("t")
        .tags((0..11).map(|i| i.to_string()).collect::<Vec<_>>())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error:?}");
    let violations = error.violations().expect("the broken rules");
    let [violation] = violations.violations() else {
        panic!("one violation: {violations:?}");
    };
    assert_eq!(violation.location(), Location::QueryParameter);
    assert_eq!(violation.path(), "tags");
    assert_eq!(violation.rule(), &Rule::MaxItems { max: 5, actual: 11 });
    assert!(
        error
            .to_string()
            .contains("query parameter `tags`: 11 items"),
        "{error}"
    );
    assert!(seen.lock().unwrap().is_empty());
}

/// The parts of a multipart body: (name, file name, content type, bytes).
async fn multipart_parts(
    content_type: &str,
    body: Vec<u8>,
) -> Vec<(String, Option<String>, Option<String>, Vec<u8>)> {
    let boundary = multer::parse_boundary(content_type).expect("a multipart content type");
    let stream = futures_util::stream::once(async move {
        Ok::<_, std::convert::Infallible>(bytes::Bytes::from(body))
    });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a well-formed body") {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        parts.push((
            name,
            file_name,
            content_type,
            field.bytes().await.unwrap().to_vec(),
        ));
    }
    parts
}

#[tokio::test]
async fn upload() {
    use generated_client::upload::FilePart;
    let dir = std::env::temp_dir().join(format!("outsider-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scan.pdf");
    let pdf: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(&path, &pdf).unwrap();
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        vec![Ok(b"a\n".to_vec()), Ok(b"b\n".to_vec())];

    let seen = call!("uploadFile", |c| c
        .upload_file()
        .files([
            FilePart::path(&path),
            FilePart::bytes("{\"k\":1}", "data.json"),
            FilePart::stream(futures_util::stream::iter(chunks), "lines.txt").length(4),
        ])
        .body_map(|form| form.preferred_filename("Scan, 7 Dec".to_owned()))
        .send());
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("POST", "/api/v4/files")
    );
    let content_type = seen.header("content-type").unwrap().to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let parts = multipart_parts(&content_type, seen.body.clone()).await;
    let text = |s: &str| s.as_bytes().to_vec();
    assert_eq!(
        parts,
        [
            (
                "preferredFilename".to_owned(),
                None,
                None,
                text("Scan, 7 Dec")
            ),
            (
                "files".to_owned(),
                Some("scan.pdf".to_owned()),
                Some("application/pdf".to_owned()),
                pdf
            ),
            (
                "files".to_owned(),
                Some("data.json".to_owned()),
                Some("application/json".to_owned()),
                text("{\"k\":1}")
            ),
            (
                "files".to_owned(),
                Some("lines.txt".to_owned()),
                Some("text/plain".to_owned()),
                text("a\nb\n")
            ),
        ]
    );

    // A path that is not there: the call names it, and nothing is sent.
    let (base, seen) = server("application/json", "[]".to_owned()).await;
    let missing = dir.join("missing.pdf");
    let error = client(&base)
        .upload_file()
        .files([FilePart::path(&missing)])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.kind(),
        generated_client::ErrorKind::InvalidRequest,
        "{error:?}"
    );
    assert_eq!(error.attempts(), 0);
    assert!(!error.may_have_reached_service());
    let message = error.to_string();
    assert!(
        message.starts_with("uploadFile: ") && message.contains(&missing.display().to_string()),
        "{message}"
    );
    assert!(seen.lock().unwrap().is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A loopback server answering its n-th request with `answers[n]` (the last
/// one again after that), recording each request.
async fn sequence_server(answers: Vec<String>) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let answers = Arc::new(answers);
    let base = loopback::serve(move |request: Seen| {
        let index = {
            let mut record = record.lock().unwrap();
            record.push(request);
            record.len() - 1
        };
        let answer = answers[index.min(answers.len() - 1)].clone();
        async move { loopback::Answer::new(200, "application/json", answer) }
    })
    .await;
    (base, seen)
}

fn posts_page(ids: &[&str], next: Option<&str>) -> String {
    let posts: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| serde_json::json!({ "postId": id }))
        .collect();
    serde_json::json!({ "posts": posts, "paging": { "next": next } }).to_string()
}

#[tokio::test]
async fn pages() {
    // Three pages: each call repeats the filters, the 2nd and 3rd send the
    // token the answer before gave; the stream ends after the third.
    let (base, seen) = sequence_server(vec![
        posts_page(&["p1", "p2"], Some("next=2&x")),
        posts_page(&["p3", "p4"], Some("3")),
        posts_page(&["p5"], None),
    ])
    .await;
    let lister = client(&base);
    let posts = lister
        .query_posts()
        .target_id("community-1")
        .target_type(types::QueryPostsTargetType::Community)
        .tags(vec!["a b".to_owned(), "c".to_owned()])
        .options_limit(2)
        .into_items()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = posts.iter().filter_map(|p| p.post_id.as_deref()).collect();
    assert_eq!(ids, ["p1", "p2", "p3", "p4", "p5"]);
    let targets: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|s| s.target.clone())
        .collect();
    let filters = "tags=a+b&tags=c&targetId=community-1&targetType=community";
    assert_eq!(
        targets,
        [
            format!("/api/v4/posts?options%5Blimit%5D=2&{filters}"),
            format!("/api/v4/posts?options%5Blimit%5D=2&options%5Btoken%5D=next%3D2%26x&{filters}"),
            format!("/api/v4/posts?options%5Blimit%5D=2&options%5Btoken%5D=3&{filters}"),
        ]
    );

    // A server that sends a token twice: the stream ends with an error.
    let (base, seen) = sequence_server(vec![
        posts_page(&["p1"], Some("a")),
        posts_page(&["p2"], Some("b")),
        posts_page(&["p3"], Some("a")),
    ])
    .await;
    let lister = client(&base);
    let mut items = lister.query_posts().target_id("c").into_items();
    let mut got = Vec::new();
    let error = loop {
        match items.next().await {
            Some(Ok(post)) => got.push(post.post_id.unwrap_or_default()),
            Some(Err(error)) => break error,
            None => panic!("the stream ended without an error"),
        }
    };
    assert_eq!(got, ["p1", "p2", "p3"]);
    assert!(
        matches!(
            error,
            generated_client::paginate::PageError::RepeatedToken { .. }
        ),
        "{error}"
    );
    assert!(items.next().await.is_none());
    assert_eq!(seen.lock().unwrap().len(), 3);
}
