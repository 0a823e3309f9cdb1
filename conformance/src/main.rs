//! The client half of `cargo xtask conformance`: sends each operation of the
//! spec ([`OPERATIONS`], which must list every one of
//! `generated_client::operations::ALL`) [`ROUNDS`] times through
//! `generated_client` to a server that mocks `spec/openapi.yaml` (Stoplight
//! Prism, started by xtask). Bodies are the fixtures in `spec/examples/`; path
//! ids are those the create fixtures name (createPost's `postId`,
//! createMessage's `messageId`, createChannel's `channelId`) or fixed ones
//! (stories, files, users); list operations send a few query parameters taken
//! from the create fixtures (e.g. queryPosts: createPost's `targetId`,
//! `targetType` and `tags`, `options[limit]=10`); uploadFile sends two files
//! from bytes and a `preferredFilename`. A round passes when the
//! server reports no violation (neither an `sl-violations` header nor a
//! problem body with a `validation` list) and the client decodes the answer.
//!
//! It is its own crate so that xtask does not depend on generated-client: a
//! change that leaves the generated code unable to compile must not stop
//! `cargo xtask regen` from building.
//!
//! Then the documented rules (the spec's `x-rule` members) that OpenAPI says
//! with its own constructs: each fixture edited to break one is sent with the
//! client's own check turned off, and Prism must refuse it. (`max-bytes` and
//! `max-items-where` are vendor extensions Prism does not read: the client's
//! check and the JSON Schema view enforce those.)
//!
//! Usage: `conformance --base-url http://127.0.0.1:PORT --root <workspace> [--answers fit|decode]`.
//! Exit status: 0 when every round passed, 1 when some failed, 2 when it could
//! not run (among others: a fixture that does not decode, or an operation of
//! the spec that [`OPERATIONS`] does not drive, named).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use generated_client::operations;
use generated_client::types;
use generated_client::upload::FilePart;
use generated_client::{Answer, Client, Error, ErrorKind, Response, UnfitValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Rounds per operation.
const ROUNDS: usize = 20;
/// Per-request timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The header where Prism lists request violations.
const VIOLATIONS_HEADER: &str = "sl-violations";
/// How many kinds of failure are shown per operation.
const SHOWN_FAILURES: usize = 5;
/// Where bodies the client could not decode are kept (git ignores `/.tools`).
const FAILURES_DIR: &str = ".tools/prism/failures";

fn main() -> ExitCode {
    match arguments().and_then(|(base_url, root, answers)| {
        check_coverage()?;
        let requests = Requests::load(&root)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        runtime.block_on(run(&root, &base_url, &requests, answers))
    }) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// What a decoded answer must be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answers {
    /// Nothing left out: Prism generates from the spec the client was made from.
    Fit,
    /// Decoded; what was left out is counted (Prism mocks a loosened spec).
    Decode,
}

/// `--base-url URL --root DIR [--answers fit|decode]`.
fn arguments() -> Result<(String, PathBuf, Answers)> {
    let mut base_url = None;
    let mut root = None;
    let mut answers = Answers::Fit;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--base-url" => base_url = args.next(),
            "--root" => root = args.next().map(PathBuf::from),
            "--answers" => {
                answers = match args.next().as_deref() {
                    Some("fit") => Answers::Fit,
                    Some("decode") => Answers::Decode,
                    other => bail!("`--answers` takes `fit` or `decode`, not {other:?}"),
                }
            }
            other => {
                bail!(
                    "unknown argument `{other}`: usage: conformance --base-url URL --root DIR [--answers fit|decode]"
                )
            }
        }
    }
    match (base_url, root) {
        (Some(base_url), Some(root)) => Ok((base_url, root, answers)),
        _ => bail!(
            "usage: conformance --base-url URL --root DIR (run it through `cargo xtask conformance`)"
        ),
    }
}

/// Every operation, in the order they are driven and reported: by resource,
/// the create first. [`check_coverage`] holds it to the spec's list.
const OPERATIONS: [Operation; 30] = [
    Operation::CreatePost,
    Operation::QueryPosts,
    Operation::GetPost,
    Operation::UpdatePost,
    Operation::ApprovePost,
    Operation::DeclinePost,
    Operation::DeletePost,
    Operation::CreateStory,
    Operation::QueryStories,
    Operation::GetStory,
    Operation::DeleteStory,
    Operation::CreateMessage,
    Operation::QueryMessages,
    Operation::GetMessage,
    Operation::UpdateMessage,
    Operation::DeleteMessage,
    Operation::CreateChannel,
    Operation::QueryChannels,
    Operation::GetChannel,
    Operation::UpdateChannel,
    Operation::AddChannelUsers,
    Operation::RemoveChannelUsers,
    Operation::BanChannelUsers,
    Operation::UploadFile,
    Operation::GetFile,
    Operation::DeleteFile,
    Operation::QueryUsers,
    Operation::GetUser,
    Operation::CreateAuthToken,
    Operation::RegisterSession,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Operation {
    CreatePost,
    QueryPosts,
    GetPost,
    UpdatePost,
    ApprovePost,
    DeclinePost,
    DeletePost,
    CreateStory,
    QueryStories,
    GetStory,
    DeleteStory,
    CreateMessage,
    QueryMessages,
    GetMessage,
    UpdateMessage,
    DeleteMessage,
    CreateChannel,
    QueryChannels,
    GetChannel,
    UpdateChannel,
    AddChannelUsers,
    RemoveChannelUsers,
    BanChannelUsers,
    UploadFile,
    GetFile,
    DeleteFile,
    QueryUsers,
    GetUser,
    CreateAuthToken,
    RegisterSession,
}

impl Operation {
    /// The spec's operationId.
    fn id(self) -> &'static str {
        match self {
            Operation::CreatePost => "createPost",
            Operation::QueryPosts => "queryPosts",
            Operation::GetPost => "getPost",
            Operation::UpdatePost => "updatePost",
            Operation::ApprovePost => "approvePost",
            Operation::DeclinePost => "declinePost",
            Operation::DeletePost => "deletePost",
            Operation::CreateStory => "createStory",
            Operation::QueryStories => "queryStories",
            Operation::GetStory => "getStory",
            Operation::DeleteStory => "deleteStory",
            Operation::CreateMessage => "createMessage",
            Operation::QueryMessages => "queryMessages",
            Operation::GetMessage => "getMessage",
            Operation::UpdateMessage => "updateMessage",
            Operation::DeleteMessage => "deleteMessage",
            Operation::CreateChannel => "createChannel",
            Operation::QueryChannels => "queryChannels",
            Operation::GetChannel => "getChannel",
            Operation::UpdateChannel => "updateChannel",
            Operation::AddChannelUsers => "addChannelUsers",
            Operation::RemoveChannelUsers => "removeChannelUsers",
            Operation::BanChannelUsers => "banChannelUsers",
            Operation::UploadFile => "uploadFile",
            Operation::GetFile => "getFile",
            Operation::DeleteFile => "deleteFile",
            Operation::QueryUsers => "queryUsers",
            Operation::GetUser => "getUser",
            Operation::CreateAuthToken => "createAuthToken",
            Operation::RegisterSession => "registerSession",
        }
    }
}

/// Fails, naming them, when the spec has operations [`OPERATIONS`] does not
/// drive (`generated_client::operations::ALL`, generated from the spec, is
/// the list), or when it drives one twice or one the spec does not have: a
/// new operation must not go untested without anyone noticing.
fn check_coverage() -> Result<()> {
    let driven: Vec<&str> = OPERATIONS.iter().map(|operation| operation.id()).collect();
    let spec: Vec<&str> = operations::ALL
        .iter()
        .map(|operation| operation.id())
        .collect();
    let problems = coverage_problems(&driven, &spec);
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("{}", problems.join("; "))
    }
}

/// What [`check_coverage`] reports of the `driven` operation ids against the
/// `spec`'s.
fn coverage_problems(driven: &[&str], spec: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let missing: Vec<&str> = spec
        .iter()
        .copied()
        .filter(|id| !driven.contains(id))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "the spec has operations conformance does not drive: {}: add each to `Operation` and `OPERATIONS` in conformance/src/main.rs, with its request in `Requests` and its call in `send`",
            missing.join(", ")
        ));
    }
    let unknown: Vec<&str> = driven
        .iter()
        .copied()
        .filter(|id| !spec.contains(id))
        .collect();
    if !unknown.is_empty() {
        problems.push(format!(
            "conformance drives operations the spec does not have: {}: remove them from conformance/src/main.rs or fix their ids",
            unknown.join(", ")
        ));
    }
    let mut twice: Vec<&str> = driven
        .iter()
        .enumerate()
        .filter(|(at, id)| driven[..*at].contains(id))
        .map(|(_, id)| *id)
        .collect();
    twice.sort_unstable();
    twice.dedup();
    if !twice.is_empty() {
        problems.push(format!(
            "`OPERATIONS` in conformance/src/main.rs lists these more than once: {}",
            twice.join(", ")
        ));
    }
    problems
}

/// The story getStory and deleteStory ask for: createStory's fixture names
/// none (the service chooses story ids).
const STORY_ID: &str = "conformance-story";
/// The file getFile and deleteFile ask for (no fixture creates files).
const FILE_ID: &str = "conformance-file";
/// The user getUser asks for (no fixture creates users).
const USER_ID: &str = "conformance-user";
/// The page size list operations ask for (`options[limit]`, `options[first]`).
const PAGE_LIMIT: i64 = 10;

/// The valid requests sent: bodies from
/// `spec/examples/<operationId>.request.json`, and the path ids and query
/// parameters the other operations take from those fixtures.
struct Requests {
    create_post: types::CreatePostRequest,
    update_post: types::UpdatePostRequest,
    create_story: types::CreateStoryRequest,
    create_message: types::CreateMessageRequest,
    update_message: types::UpdateMessageRequest,
    create_channel: types::CreateChannelRequest,
    update_channel: types::UpdateChannelRequest,
    add_channel_users: types::AddChannelUsersRequest,
    ban_channel_users: types::BanChannelUsersRequest,
    create_auth_token: types::CreateAuthTokenRequest,
    register_session: types::RegisterSessionRequest,
    /// The post createPost's fixture names: getPost, updatePost, approvePost,
    /// declinePost and deletePost act on it.
    post_id: String,
    /// The message createMessage's fixture names: getMessage, updateMessage
    /// and deleteMessage act on it.
    message_id: String,
    /// The channel createChannel's fixture names: getChannel, updateChannel
    /// and the channel member operations act on it.
    channel_id: String,
    /// queryPosts asks for the posts of createPost's target, with its tags.
    post_target_id: String,
    post_target_type: types::QueryPostsTargetType,
    post_tags: Vec<String>,
    /// queryStories asks for the stories of createStory's target.
    story_target_type: types::QueryStoriesTargetType,
    /// queryMessages asks for createMessage's channel, with its tags.
    message_tags: Vec<String>,
    /// queryChannels asks for createChannel's type and tags.
    channel_types: Vec<types::QueryChannelsTypesItem>,
    channel_tags: Vec<String>,
}

impl Requests {
    fn load(root: &Path) -> Result<Requests> {
        let create_post: types::CreatePostRequest = fixture(root, "createPost")?;
        let create_story: types::CreateStoryRequest = fixture(root, "createStory")?;
        let create_message: types::CreateMessageRequest = fixture(root, "createMessage")?;
        let create_channel: types::CreateChannelRequest = fixture(root, "createChannel")?;
        let post_id = taken(
            "createPost",
            "postId",
            "the postId of getPost, updatePost, approvePost, declinePost and deletePost",
            &create_post.post_id,
        )?;
        let post_target_id = taken(
            "createPost",
            "targetId",
            "queryPosts's targetId",
            &create_post.target_id,
        )?;
        let post_tags = taken("createPost", "tags", "queryPosts's tags", &create_post.tags)?;
        let message_id = taken(
            "createMessage",
            "messageId",
            "the messageId of getMessage, updateMessage and deleteMessage",
            &create_message.message_id,
        )?;
        let message_tags = taken(
            "createMessage",
            "tags",
            "queryMessages's tags",
            &create_message.tags,
        )?;
        let channel_id = taken(
            "createChannel",
            "channelId",
            "the channelId of getChannel, updateChannel and the channel member operations",
            &create_channel.channel_id,
        )?;
        let channel_tags = taken(
            "createChannel",
            "tags",
            "queryChannels's tags",
            &create_channel.tags,
        )?;
        Ok(Requests {
            post_target_type: same_value("createPost", "targetType", &create_post.target_type)?,
            story_target_type: same_value("createStory", "targetType", &create_story.target_type)?,
            channel_types: vec![same_value("createChannel", "type", &create_channel.type_)?],
            update_post: fixture(root, "updatePost")?,
            update_message: fixture(root, "updateMessage")?,
            update_channel: fixture(root, "updateChannel")?,
            add_channel_users: fixture(root, "addChannelUsers")?,
            ban_channel_users: fixture(root, "banChannelUsers")?,
            create_auth_token: fixture(root, "createAuthToken")?,
            register_session: fixture(root, "registerSession")?,
            create_post,
            create_story,
            create_message,
            create_channel,
            post_id,
            message_id,
            channel_id,
            post_target_id,
            post_tags,
            message_tags,
            channel_tags,
        })
    }
}

/// The value of the optional `property` of `operation_id`'s fixture, which
/// conformance sends as `used_as`.
fn taken<T: Clone>(
    operation_id: &str,
    property: &str,
    used_as: &str,
    value: &Option<T>,
) -> Result<T> {
    value.clone().with_context(|| {
        format!(
            "{} has no `{property}`; conformance sends it as {used_as}: add one",
            fixture_path(operation_id)
        )
    })
}

/// `value`, of one generated enum, as the same value of another (e.g.
/// createPost's `targetType` as queryPosts's).
fn same_value<A: std::fmt::Display, B: FromStr>(
    operation_id: &str,
    property: &str,
    value: &A,
) -> Result<B> {
    value.to_string().parse().map_err(|_| {
        anyhow!(
            "{}'s `{property}` is `{value}`, which {} does not have; conformance sends it to the matching list operation: change the fixture or conformance/src/main.rs",
            fixture_path(operation_id),
            std::any::type_name::<B>()
        )
    })
}

fn fixture_path(operation_id: &str) -> String {
    format!("spec/examples/{operation_id}.request.json")
}

/// The request fixture of `operation_id`, decoded into its generated type.
fn fixture<T: DeserializeOwned>(root: &Path, operation_id: &str) -> Result<T> {
    let relative = fixture_path(operation_id);
    let text = fs::read_to_string(root.join(&relative))
        .with_context(|| format!("cannot read {relative}"))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{relative} does not decode as the generated request type ({}): fix the fixture or the spec, then run `cargo xtask regen`",
            std::any::type_name::<T>()
        )
    })
}

/// Drives every operation [`ROUNDS`] times against the server at `base_url`;
/// returns how many rounds failed.
async fn run(root: &Path, base_url: &str, requests: &Requests, answers: Answers) -> Result<usize> {
    let failures_dir = root.join(FAILURES_DIR);
    if failures_dir.exists() {
        fs::remove_dir_all(&failures_dir)
            .with_context(|| format!("cannot clear {FAILURES_DIR}"))?;
    }
    let client = Client::builder()
        .base_url(base_url)
        .bearer_token("conformance")
        .max_retries(0)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .with_context(|| format!("cannot build a client for Prism at {base_url}"))?;

    let mut failed = 0;
    for operation in OPERATIONS {
        // (kind, first message of that kind, count)
        let mut problems: Vec<(String, String, usize)> = Vec::new();
        // Values left out, over all rounds, and the first few paths.
        let mut left_out = 0;
        let mut left_out_paths: Vec<String> = Vec::new();
        for round in 1..=ROUNDS {
            let problem = match send(&client, requests, operation).await {
                Ok(unfit) if unfit.is_empty() => continue,
                Ok(unfit) if answers == Answers::Decode => {
                    left_out += unfit.len();
                    for value in unfit {
                        if left_out_paths.len() < 3 && !left_out_paths.contains(&value.path) {
                            left_out_paths.push(value.path);
                        }
                    }
                    continue;
                }
                Ok(unfit) => Problem::Other(format!(
                    "decoded, but values Prism generated from the spec were left out as not fitting: {}",
                    unfit
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
                Err(problem) => problem,
            };
            let (kind, message) = match problem {
                Problem::Decode { message, body } => {
                    let kept = keep_body(&failures_dir, operation, round, &body);
                    // Generated values differ every round: one kind for all.
                    ("decode".to_owned(), format!("{message} (body in {kept})"))
                }
                Problem::Other(message) => (message.clone(), message),
            };
            match problems.iter_mut().find(|(seen, _, _)| *seen == kind) {
                Some((_, _, count)) => *count += 1,
                None => problems.push((kind, message, 1)),
            }
        }
        let failures: usize = problems.iter().map(|(_, _, count)| count).sum();
        failed += failures;
        let ok = ROUNDS - failures;
        if left_out > 0 {
            println!(
                "{}: {ok}/{ROUNDS} ok; {left_out} values left out as not fitting, e.g. {}",
                operation.id(),
                left_out_paths.join(", ")
            );
        } else if failures == 0 {
            println!("{}: {ok}/{ROUNDS} ok", operation.id());
        } else {
            println!("{}: {ok}/{ROUNDS} ok, {failures} failed", operation.id());
        }
        for (kind, message, count) in problems.iter().take(SHOWN_FAILURES) {
            if kind == "decode" && *count > 1 {
                println!("  {count}x, the first: {message}");
            } else {
                println!("  {count}x {message}");
            }
        }
        if problems.len() > SHOWN_FAILURES {
            println!("  ... and {} more kinds", problems.len() - SHOWN_FAILURES);
        }
    }
    failed += rules_seen_by_the_server(base_url, requests).await?;
    Ok(failed)
}

/// Sends, with the client's check off, a fixture edited to break each
/// documented rule the server can read; the server must refuse each. The
/// number it let through.
async fn rules_seen_by_the_server(base_url: &str, requests: &Requests) -> Result<usize> {
    let unchecked = Client::builder()
        .base_url(base_url)
        .bearer_token("conformance")
        .max_retries(0)
        .timeout(REQUEST_TIMEOUT)
        .validate_requests(false)
        .build()
        .with_context(|| format!("cannot build a client for Prism at {base_url}"))?;
    let mut channel = requests.create_channel.clone();
    channel.post_id = None;
    let mut post = requests.create_post.clone();
    post.data_type = Some("liveStream".to_owned());
    post.data.stream_id = None;
    let mut story = requests.create_story.clone();
    for item in story.items.iter_mut().flatten() {
        item.type_ = Some("image".to_owned());
    }
    let answers = [
        (
            "channel-video-stream-needs-post",
            unchecked
                .create_channel()
                .body(channel)
                .send()
                .await
                .map(drop),
        ),
        (
            "post-live-stream-needs-stream-id",
            unchecked.create_post().body(post).send().await.map(drop),
        ),
        (
            "story-items-hyperlink-only",
            unchecked.create_story().body(story).send().await.map(drop),
        ),
    ];
    let mut let_through = 0;
    for (rule, answer) in answers {
        match answer {
            Err(refusal) if refusal.status().is_some_and(|s| s.is_client_error()) => {
                println!(
                    "rule {rule}: refused by the server too ({})",
                    refusal.status().map_or(0, |s| s.as_u16())
                );
            }
            Ok(()) => {
                let_through += 1;
                println!("rule {rule}: the server accepted a body that breaks it");
            }
            Err(other) => bail!("rule {rule}: cannot tell whether the server saw it: {other}"),
        }
    }
    Ok(let_through)
}

/// Why a round failed.
enum Problem {
    /// The client could not decode a body; the body is kept for a look.
    Decode { message: String, body: Vec<u8> },
    /// Anything else, said in full.
    Other(String),
}

/// One round of `operation`: the values the answer left out.
async fn send(
    client: &Client,
    requests: &Requests,
    operation: Operation,
) -> Result<Vec<UnfitValue>, Problem> {
    match operation {
        Operation::CreatePost => {
            let answer = client
                .create_post()
                .body(requests.create_post.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::QueryPosts => {
            let answer = client
                .query_posts()
                .target_id(requests.post_target_id.as_str())
                .target_type(requests.post_target_type)
                .tags(requests.post_tags.clone())
                .options_limit(PAGE_LIMIT)
                .send()
                .await;
            judge(answer).await
        }
        Operation::GetPost => {
            let answer = client
                .get_post()
                .post_id(requests.post_id.as_str())
                .send()
                .await;
            judge(answer).await
        }
        Operation::UpdatePost => {
            let answer = client
                .update_post()
                .post_id(requests.post_id.as_str())
                .body(requests.update_post.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::ApprovePost => {
            let answer = client
                .approve_post()
                .post_id(requests.post_id.as_str())
                .send()
                .await;
            judge(answer).await
        }
        Operation::DeclinePost => {
            let answer = client
                .decline_post()
                .post_id(requests.post_id.as_str())
                .send()
                .await;
            judge(answer).await
        }
        Operation::DeletePost => {
            let answer = client
                .delete_post()
                .post_id(requests.post_id.as_str())
                .permanent(false)
                .send()
                .await;
            judge(answer).await
        }
        Operation::CreateStory => {
            let answer = client
                .create_story()
                .body(requests.create_story.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::QueryStories => {
            let answer = client
                .query_stories()
                .target_id(requests.create_story.target_id.as_str())
                .target_type(requests.story_target_type)
                .options_limit(PAGE_LIMIT)
                .send()
                .await;
            judge(answer).await
        }
        Operation::GetStory => {
            let answer = client.get_story().story_id(STORY_ID).send().await;
            judge(answer).await
        }
        Operation::DeleteStory => {
            let answer = client
                .delete_story()
                .story_id(STORY_ID)
                .permanent(false)
                .send()
                .await;
            judge(answer).await
        }
        Operation::CreateMessage => {
            let answer = client
                .create_message()
                .body(requests.create_message.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::QueryMessages => {
            let answer = client
                .query_messages()
                .channel_id(requests.create_message.channel_id.as_str())
                .tags(requests.message_tags.clone())
                .options_first(PAGE_LIMIT)
                .send()
                .await;
            judge(answer).await
        }
        Operation::GetMessage => {
            let answer = client
                .get_message()
                .message_id(requests.message_id.as_str())
                .send()
                .await;
            judge(answer).await
        }
        Operation::UpdateMessage => {
            let answer = client
                .update_message()
                .message_id(requests.message_id.as_str())
                .body(requests.update_message.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::DeleteMessage => {
            let answer = client
                .delete_message()
                .message_id(requests.message_id.as_str())
                .send()
                .await;
            judge(answer).await
        }
        Operation::CreateChannel => {
            let answer = client
                .create_channel()
                .body(requests.create_channel.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::QueryChannels => {
            let answer = client
                .query_channels()
                .types(requests.channel_types.clone())
                .tags(requests.channel_tags.clone())
                .options_limit(PAGE_LIMIT)
                .send()
                .await;
            judge(answer).await
        }
        Operation::GetChannel => {
            let answer = client
                .get_channel()
                .channel_id(requests.channel_id.as_str())
                .send()
                .await;
            judge(answer).await
        }
        Operation::UpdateChannel => {
            let answer = client
                .update_channel()
                .channel_id(requests.channel_id.as_str())
                .body(requests.update_channel.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::AddChannelUsers => {
            let answer = client
                .add_channel_users()
                .channel_id(requests.channel_id.as_str())
                .body(requests.add_channel_users.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::RemoveChannelUsers => {
            // The users addChannelUsers's fixture adds.
            let answer = client
                .remove_channel_users()
                .channel_id(requests.channel_id.as_str())
                .user_ids(requests.add_channel_users.user_ids.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::BanChannelUsers => {
            let answer = client
                .ban_channel_users()
                .channel_id(requests.channel_id.as_str())
                .body(requests.ban_channel_users.clone())
                .send()
                .await;
            judge(answer).await
        }
        Operation::UploadFile => {
            // Two files, from bytes (a form's body is a stream: a fresh one a round).
            let answer = client
                .upload_file()
                .files([
                    FilePart::bytes("id,name\n1,Ann\n", "conformance.csv"),
                    FilePart::bytes(vec![0u8; 64], "conformance.bin"),
                ])
                .body_map(|form| form.preferred_filename("conformance".to_owned()))
                .send()
                .await;
            judge(answer).await
        }
        Operation::GetFile => {
            let answer = client.get_file().file_id(FILE_ID).send().await;
            judge(answer).await
        }
        Operation::DeleteFile => {
            let answer = client.delete_file().file_id(FILE_ID).send().await;
            judge(answer).await
        }
        Operation::QueryUsers => {
            let answer = client
                .query_users()
                .sort_by(types::QueryUsersSortBy::DisplayName)
                .options_limit(PAGE_LIMIT)
                .send()
                .await;
            judge(answer).await
        }
        Operation::GetUser => {
            let answer = client
                .get_user()
                .user_id(USER_ID)
                .type_(types::GetUserType::Public)
                .send()
                .await;
            judge(answer).await
        }
        Operation::CreateAuthToken => {
            let answer = client
                .create_auth_token()
                .x_server_key(SERVER_KEY)
                .body(requests.create_auth_token.clone())
                .send()
                .await;
            judge_text(answer).await
        }
        Operation::RegisterSession => {
            let answer = client
                .register_session()
                .x_api_key(API_KEY)
                .body(requests.register_session.clone())
                .send()
                .await;
            judge(answer).await
        }
    }
}

/// The key headers createAuthToken and registerSession send.
const SERVER_KEY: &str = "conformance-server-key";
const API_KEY: &str = "conformance-api-key";

/// [`judge`] for a text answer (createAuthToken's token): read as a `String`,
/// and no violation reported by Prism; nothing can be left out of text.
async fn judge_text(answer: Result<Response<String>, Error>) -> Result<Vec<UnfitValue>, Problem> {
    match answer {
        Ok(value) => {
            match header_violations(value.headers().get(VIOLATIONS_HEADER).map(|v| v.as_bytes())) {
                None => Ok(Vec::new()),
                Some(violations) => Err(Problem::Other(format!(
                    "HTTP {} read, but Prism reports: {violations}",
                    value.status()
                ))),
            }
        }
        Err(error) => judge::<types::CreatePostResponse>(Err(error)).await,
    }
}

/// Whether one answer passes: decoded, and no violation reported by Prism;
/// the values it left out.
async fn judge<T: Answer>(answer: Result<Response<T>, Error>) -> Result<Vec<UnfitValue>, Problem> {
    let error = match answer {
        Ok(value) => {
            return match header_violations(
                value.headers().get(VIOLATIONS_HEADER).map(|v| v.as_bytes()),
            ) {
                None => Ok(value.unfit().to_vec()),
                Some(violations) => Err(Problem::Other(format!(
                    "HTTP {} decoded, but Prism reports: {violations}",
                    value.status()
                ))),
            };
        }
        Err(error) => error,
    };
    let reported = error.headers().and_then(|headers| {
        header_violations(headers.get(VIOLATIONS_HEADER).map(|v| v.as_bytes()))
    });
    let body = error.body().unwrap_or_default();
    let status = error.status().map_or(0, |s| s.as_u16());
    let problem = match error.kind() {
        ErrorKind::InvalidRequest | ErrorKind::UncheckableBody => format!(
            "the client refused the fixture before sending it: {error}: fix the fixture in spec/examples/ or the spec"
        ),
        ErrorKind::UnreadableBody | ErrorKind::BodyTooLarge => {
            match reported.or_else(|| problem_violations(body)) {
                Some(violations) => format!("Prism reports: {violations}"),
                None => {
                    return Err(Problem::Decode {
                        message: format!(
                            "the client cannot read the answer: {}",
                            error
                                .unreadable_body()
                                .map(ToString::to_string)
                                .unwrap_or_default()
                        ),
                        body: body.to_vec(),
                    });
                }
            }
        }
        kind if kind.is_answer() || kind == ErrorKind::UnexpectedStatus => {
            match reported.or_else(|| problem_violations(body)) {
                Some(violations) => format!("HTTP {status}: Prism reports: {violations}"),
                None => format!(
                    "HTTP {status} for a valid request, with no violation reported: {}",
                    String::from_utf8_lossy(body)
                ),
            }
        }
        _ => format!("cannot talk to Prism: {}", chain(&error)),
    };
    Err(Problem::Other(problem))
}

/// An error's text and its causes'.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}

/// The violations listed in a Prism `sl-violations` header value, said briefly.
fn header_violations(header: Option<&[u8]>) -> Option<String> {
    let text = String::from_utf8_lossy(header?);
    Some(match serde_json::from_str::<Value>(&text) {
        Ok(list) => describe_violations(&list),
        Err(_) => text.into_owned(),
    })
}

/// The violations in a Prism problem body (`{"title": .., "validation": [..]}`,
/// its answer to an invalid request when the spec has no 4xx response for it).
fn problem_violations(body: &[u8]) -> Option<String> {
    let problem: Value = serde_json::from_slice(body).ok()?;
    let list = problem.get("validation")?;
    Some(describe_violations(list))
}

/// `request.body.tags: must NOT have more than 5 items; ...`, from Prism's
/// `[{"location": [..], "message": ..}]`.
fn describe_violations(list: &Value) -> String {
    let Some(items) = list.as_array() else {
        return list.to_string();
    };
    let mut out = String::new();
    for item in items {
        if !out.is_empty() {
            out.push_str("; ");
        }
        let location: Vec<String> = item["location"]
            .as_array()
            .map(|parts| {
                parts
                    .iter()
                    .map(|part| {
                        part.as_str()
                            .map_or_else(|| part.to_string(), str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let message = item["message"].as_str().unwrap_or("(no message)");
        let _ = write!(out, "{}: {message}", location.join("."));
    }
    out
}

/// Writes a body the client could not decode to
/// `.tools/prism/failures/<operationId>-<round>.json`; returns where (or why not).
fn keep_body(dir: &Path, operation: Operation, round: usize, body: &[u8]) -> String {
    let path = dir.join(format!("{}-{round}.json", operation.id()));
    let relative = format!("{FAILURES_DIR}/{}-{round}.json", operation.id());
    match fs::create_dir_all(dir).and_then(|()| fs::write(&path, body)) {
        Ok(()) => relative,
        Err(error) => format!("nowhere: cannot write {relative}: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(actual: &str, expected: &str) {
        assert_eq!(actual, expected);
    }

    #[test]
    fn every_operation_of_the_spec_is_driven_once() {
        if let Err(error) = check_coverage() {
            panic!("{error:#}");
        }
        assert_eq!(OPERATIONS.len(), operations::ALL.len());
    }

    #[test]
    fn an_operation_left_out_is_named() {
        let spec = ["createPost", "getPost", "pinPost"];
        check(
            &coverage_problems(&["createPost", "getPost"], &spec).join("; "),
            "the spec has operations conformance does not drive: pinPost: add each to `Operation` and `OPERATIONS` in conformance/src/main.rs, with its request in `Requests` and its call in `send`",
        );
        check(
            &coverage_problems(
                &["createPost", "getPost", "pinPost", "getPost", "oldPost"],
                &spec,
            )
            .join("; "),
            "conformance drives operations the spec does not have: oldPost: remove them from conformance/src/main.rs or fix their ids; \
             `OPERATIONS` in conformance/src/main.rs lists these more than once: getPost",
        );
        assert!(coverage_problems(&spec, &spec).is_empty());
    }

    #[test]
    fn the_requests_load_from_the_fixtures() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("conformance/ is in the workspace");
        if let Err(error) = Requests::load(root) {
            panic!("{error:#}");
        }
    }

    #[test]
    fn violations_from_the_header() {
        let header = br#"[{"location":["request","body","tags"],"severity":"Error","code":"maxItems","message":"Request body property tags must NOT have more than 10 items"},{"location":["request","body","channelId"],"severity":"Error","code":"type","message":"Request body property channelId must be string"}]"#;
        check(
            &header_violations(Some(header)).expect("a header"),
            "request.body.tags: Request body property tags must NOT have more than 10 items; \
             request.body.channelId: Request body property channelId must be string",
        );
        assert_eq!(header_violations(None), None);
        check(
            &header_violations(Some(b"not json")).expect("a header"),
            "not json",
        );
    }

    #[test]
    fn violations_from_a_problem_body() {
        let body = br#"{"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY","title":"Invalid request","status":422,"detail":"Your request is not valid and no HTTP validation response was found in the spec, so Prism is generating this error for you.","validation":[{"location":["body"],"severity":"Error","code":"required","message":"Request body must have required property 'data'"}]}"#;
        check(
            &problem_violations(body).expect("a problem body"),
            "body: Request body must have required property 'data'",
        );
        assert_eq!(
            problem_violations(br#"{"code": 400000, "message": "bad"}"#),
            None
        );
        assert_eq!(problem_violations(b"<html>"), None);
    }
}
