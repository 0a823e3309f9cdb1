//! `cargo xtask conformance`: the real client against Stoplight Prism.
//!
//! Prism mocks `spec/openapi.yaml`: it validates every request against the spec
//! and answers with a response generated from the schema (`--dynamic`), a
//! different one each time. Each of the five operations is sent [`ROUNDS`]
//! times through `generated_client` with the request of its fixture in
//! `spec/examples/` (approvePost uses the `postId` of createPost's fixture). A
//! round passes when Prism reports no violation (neither an `sl-violations`
//! header nor a problem body with a `validation` list) and the client decodes
//! the answer.
//!
//! Prism comes from the npm registry, pinned to [`PRISM_VERSION`], installed
//! into `.tools/prism` (git ignores `/.tools`) when missing. It always stops,
//! on failure and on Ctrl-C too: dropping [`PrismServer`] kills its process
//! group.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use generated_client::types::{self, ErrorBody};
use generated_client::{Client, Error, ResponseValue};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::paths::project_root;

/// The `@stoplight/prism-cli` release used (`npm view @stoplight/prism-cli version`).
/// Only the CLI is pinned: npm resolves its `^` dependencies on the other
/// `@stoplight/prism-*` packages to their newest compatible releases.
const PRISM_VERSION: &str = "5.16.0";
/// The oldest Node.js this task runs Prism on. Prism 5.15 and later declare
/// `engines: node >=24`, which npm only warns about; 5.16.0 passes on Node 20.
const PRISM_MIN_NODE: (u32, u32) = (20, 0);
/// Where Prism is installed (`npm install --prefix`), under the project root.
const PRISM_DIR: &str = ".tools/prism";
/// Prism's entry point, run with `node` (no shell wrapper, on every platform).
const PRISM_CLI: &str = ".tools/prism/node_modules/@stoplight/prism-cli/dist/index.js";
/// The installed package's manifest, read for its version.
const PRISM_MANIFEST: &str = ".tools/prism/node_modules/@stoplight/prism-cli/package.json";
/// Prism's output (stdout and stderr) of the last run.
const PRISM_LOG: &str = ".tools/prism/prism.log";
/// The bodies the client could not decode in the last run, one file each.
const FAILURES_DIR: &str = ".tools/prism/failures";
/// Requests per operation, each answered by a freshly generated response.
const ROUNDS: usize = 20;
/// How long Prism may take to listen.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long one request to Prism may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The header in which Prism lists what breaks the spec.
const VIOLATIONS_HEADER: &str = "sl-violations";
/// Distinct failure messages shown per operation.
const SHOWN_FAILURES: usize = 5;

/// `cargo xtask conformance`.
pub(crate) fn conformance() -> Result<ExitCode> {
    let started = Instant::now();
    let root = project_root();
    let requests = Requests::load(&root)?;
    let node = check_node()?;
    install_prism(&root)?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let summary = runtime.block_on(async {
        tokio::select! {
            summary = run(&root, &requests) => summary,
            signal = interrupted() => bail!("interrupted by {signal}; Prism was stopped"),
        }
    })?;

    let total = ROUNDS * OPERATIONS.len();
    let elapsed = started.elapsed().as_secs_f64();
    if summary.failed == 0 {
        println!(
            "conformance: {total}/{total} rounds ok against Prism {PRISM_VERSION} ({node}) mocking {} in {elapsed:.1} s",
            codegen::SPEC_PATH
        );
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "error: {} of {total} rounds failed against Prism {PRISM_VERSION} mocking {} ({elapsed:.1} s)",
        summary.failed,
        codegen::SPEC_PATH
    );
    eprintln!(
        "  a request violation means the client sends what the spec forbids: fix codegen's request checks or the fixture;\n  \
         a decode failure means the generated types reject what the spec allows (bodies kept in {FAILURES_DIR}/): fix the spec or codegen, then run `cargo xtask regen`;\n  \
         Prism's log: {PRISM_LOG}"
    );
    Ok(ExitCode::FAILURE)
}

/// The five operations, in the order they are driven and reported.
const OPERATIONS: [Operation; 5] = [
    Operation::CreatePost,
    Operation::CreateStory,
    Operation::CreateMessage,
    Operation::CreateChannel,
    Operation::ApprovePost,
];

#[derive(Clone, Copy)]
enum Operation {
    CreatePost,
    CreateStory,
    CreateMessage,
    CreateChannel,
    ApprovePost,
}

impl Operation {
    /// The spec's operationId.
    fn id(self) -> &'static str {
        match self {
            Operation::CreatePost => "createPost",
            Operation::CreateStory => "createStory",
            Operation::CreateMessage => "createMessage",
            Operation::CreateChannel => "createChannel",
            Operation::ApprovePost => "approvePost",
        }
    }
}

/// The valid requests sent, from `spec/examples/<operationId>.request.json`.
struct Requests {
    create_post: types::CreatePostRequest,
    create_story: types::CreateStoryRequest,
    create_message: types::CreateMessageRequest,
    create_channel: types::CreateChannelRequest,
    /// approvePost has no body: it approves the post createPost's fixture names.
    approve_post_id: String,
}

impl Requests {
    fn load(root: &Path) -> Result<Requests> {
        let create_post: types::CreatePostRequest = fixture(root, "createPost")?;
        let approve_post_id = create_post.post_id.clone().with_context(|| {
            format!(
                "{} has no `postId`; conformance sends it as approvePost's postId: add one",
                fixture_path("createPost")
            )
        })?;
        Ok(Requests {
            create_post,
            create_story: fixture(root, "createStory")?,
            create_message: fixture(root, "createMessage")?,
            create_channel: fixture(root, "createChannel")?,
            approve_post_id,
        })
    }
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

/// How the rounds went.
struct Summary {
    failed: usize,
}

/// Starts Prism, drives every operation, stops Prism (also when this future is
/// dropped half-way).
async fn run(root: &Path, requests: &Requests) -> Result<Summary> {
    let failures_dir = root.join(FAILURES_DIR);
    if failures_dir.exists() {
        fs::remove_dir_all(&failures_dir)
            .with_context(|| format!("cannot clear {FAILURES_DIR}"))?;
    }
    let mut prism = PrismServer::start(root)?;
    prism.wait_until_listening().await?;

    let base_url = format!("http://{}", prism.address);
    let client = Client::builder()
        .base_url(&base_url)
        .bearer_token("conformance")
        .max_retries(0)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .with_context(|| format!("cannot build a client for Prism at {base_url}"))?;

    let mut failed = 0;
    for operation in OPERATIONS {
        // (kind, first message of that kind, count)
        let mut problems: Vec<(String, String, usize)> = Vec::new();
        for round in 1..=ROUNDS {
            let Err(problem) = send(&client, requests, operation).await else {
                continue;
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
        if failures == 0 {
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
    drop(prism);
    Ok(Summary { failed })
}

/// Why a round failed.
enum Problem {
    /// The client could not decode a body; the body is kept for a look.
    Decode { message: String, body: Vec<u8> },
    /// Anything else, said in full.
    Other(String),
}

/// One round of `operation`.
async fn send(client: &Client, requests: &Requests, operation: Operation) -> Result<(), Problem> {
    match operation {
        Operation::CreatePost => {
            let answer = client
                .create_post()
                .body(requests.create_post.clone())
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
        Operation::CreateMessage => {
            let answer = client
                .create_message()
                .body(requests.create_message.clone())
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
        Operation::ApprovePost => {
            let answer = client
                .approve_post()
                .post_id(requests.approve_post_id.as_str())
                .send()
                .await;
            judge(answer).await
        }
    }
}

/// Whether one answer passes: decoded, and no violation reported by Prism.
async fn judge<T>(answer: Result<ResponseValue<T>, Error<ErrorBody>>) -> Result<(), Problem> {
    let error = match answer {
        Ok(value) => {
            return match header_violations(
                value.headers().get(VIOLATIONS_HEADER).map(|v| v.as_bytes()),
            ) {
                None => Ok(()),
                Some(violations) => Err(Problem::Other(format!(
                    "HTTP {} decoded, but Prism reports: {violations}",
                    value.status()
                ))),
            };
        }
        Err(error) => error,
    };
    let problem = match error {
        Error::ErrorResponse(value) => {
            let status = value.status();
            match header_violations(value.headers().get(VIOLATIONS_HEADER).map(|v| v.as_bytes())) {
                Some(violations) => format!("HTTP {status}: Prism reports: {violations}"),
                None => format!(
                    "HTTP {status} for a valid request, with no violation reported: {}",
                    serde_json::to_string(&*value).unwrap_or_default()
                ),
            }
        }
        Error::InvalidResponsePayload(body, error) => {
            if let Some(violations) = problem_violations(&body) {
                format!("Prism reports: {violations}")
            } else {
                return Err(Problem::Decode {
                    message: format!(
                        "the client cannot decode the response: {error}: {}",
                        excerpt_at(&body, error.column())
                    ),
                    body: body.to_vec(),
                });
            }
        }
        Error::UnexpectedResponse(response) => {
            let status = response.status();
            let reported = header_violations(
                response
                    .headers()
                    .get(VIOLATIONS_HEADER)
                    .map(|v| v.as_bytes()),
            );
            let body = response.bytes().await.unwrap_or_default();
            match reported.or_else(|| problem_violations(&body)) {
                Some(violations) => format!("HTTP {status}: Prism reports: {violations}"),
                None => format!(
                    "HTTP {status}, not in the spec: {}",
                    String::from_utf8_lossy(&body)
                ),
            }
        }
        Error::InvalidRequest(message) => format!(
            "the client refused the fixture before sending it: {message}: fix the fixture in spec/examples/ or the spec"
        ),
        other => format!("cannot talk to Prism: {other}"),
    };
    Err(Problem::Other(problem))
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

/// Up to 60 characters either side of `column` (1-based) of the body's line,
/// where serde_json stopped.
fn excerpt_at(body: &[u8], column: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let line: Vec<char> = text.lines().next().unwrap_or_default().chars().collect();
    let at = column.saturating_sub(1).min(line.len());
    let start = at.saturating_sub(60);
    let end = (at + 60).min(line.len());
    let before: String = line[start..at].iter().collect();
    let after: String = line[at..end].iter().collect();
    format!("…{before}⟨here⟩{after}…")
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

// ------------------------------------------------------------------ Node, npm

/// `node`'s version, e.g. `Node v20.20.2`; fails when Node is missing or too old.
fn check_node() -> Result<String> {
    let output = Command::new("node").arg("--version").output().context(
        "cannot run `node`: install Node.js (20 or later, with npm) to run `cargo xtask conformance`",
    )?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let mut numbers = version
        .trim_start_matches('v')
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let found = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    if found < PRISM_MIN_NODE {
        bail!(
            "`node --version` says `{version}`; Prism {PRISM_VERSION} needs Node.js {}.{} or later: upgrade Node.js",
            PRISM_MIN_NODE.0,
            PRISM_MIN_NODE.1
        );
    }
    Ok(format!("Node {version}"))
}

/// The version of Prism installed in `.tools/prism`, if any.
fn installed_prism_version(root: &Path) -> Option<String> {
    let text = fs::read_to_string(root.join(PRISM_MANIFEST)).ok()?;
    let manifest: Value = serde_json::from_str(&text).ok()?;
    manifest["version"].as_str().map(str::to_owned)
}

/// Installs Prism [`PRISM_VERSION`] into `.tools/prism` unless it is there.
fn install_prism(root: &Path) -> Result<()> {
    let installed = installed_prism_version(root);
    if installed.as_deref() == Some(PRISM_VERSION) && root.join(PRISM_CLI).is_file() {
        return Ok(());
    }
    match &installed {
        Some(other) => println!("replacing Prism {other} in {PRISM_DIR} with {PRISM_VERSION}"),
        None => println!("installing Prism {PRISM_VERSION} into {PRISM_DIR} (once)"),
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let package = format!("@stoplight/prism-cli@{PRISM_VERSION}");
    let status = Command::new(npm)
        .current_dir(root)
        .args(["install", "--prefix", PRISM_DIR, "--no-audit", "--no-fund"])
        .arg(&package)
        .status()
        .with_context(|| {
            format!("cannot run `{npm}`: install Node.js with npm, or run `npm install --prefix {PRISM_DIR} {package}` yourself")
        })?;
    if !status.success() {
        bail!(
            "`npm install --prefix {PRISM_DIR} --no-audit --no-fund {package}` failed ({status}): check that the npm registry is reachable and retry"
        );
    }
    match installed_prism_version(root) {
        Some(version) if version == PRISM_VERSION => Ok(()),
        other => bail!(
            "after `npm install`, {PRISM_MANIFEST} says version {other:?}, not {PRISM_VERSION}: delete {PRISM_DIR} and retry"
        ),
    }
}

// ---------------------------------------------------------------- the server

/// A running Prism mock server. Dropping it stops Prism and anything Prism
/// started (its process group), however the run ends.
struct PrismServer {
    child: Child,
    address: SocketAddr,
    /// Set once the child has been reaped: its pid (and group id) may then
    /// belong to someone else, so it must not be signalled.
    reaped: bool,
}

impl PrismServer {
    /// Starts `prism mock --dynamic --errors` for the spec on a free loopback port.
    fn start(root: &Path) -> Result<PrismServer> {
        let address = free_loopback_address()?;
        let log_path = root.join(PRISM_LOG);
        let log = File::create(&log_path).with_context(|| format!("cannot create {PRISM_LOG}"))?;
        let log_too = log
            .try_clone()
            .with_context(|| format!("cannot share {PRISM_LOG}"))?;
        let mut command = Command::new("node");
        command
            .current_dir(root)
            .arg(PRISM_CLI)
            .args(["mock", "--dynamic", "--errors", "--host"])
            .arg(address.ip().to_string())
            .arg("--port")
            .arg(address.port().to_string())
            .arg(codegen::SPEC_PATH)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_too));
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            // Its own group, so that stopping it reaches everything it starts.
            command.process_group(0);
        }
        let child = command
            .spawn()
            .with_context(|| format!("cannot start `node {PRISM_CLI} mock`"))?;
        println!(
            "Prism {PRISM_VERSION} mocking {} on {address} (log: {PRISM_LOG})",
            codegen::SPEC_PATH
        );
        Ok(PrismServer {
            child,
            address,
            reaped: false,
        })
    }

    /// Waits until Prism accepts connections, at most [`STARTUP_TIMEOUT`].
    async fn wait_until_listening(&mut self) -> Result<()> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self
                .child
                .try_wait()
                .context("cannot check on Prism's process")?
            {
                self.reaped = true;
                bail!(
                    "Prism exited ({status}) before listening on {}; {PRISM_LOG} ends with:\n{}",
                    self.address,
                    log_tail()
                );
            }
            if TcpStream::connect_timeout(&self.address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "Prism did not listen on {} within {} s; {PRISM_LOG} ends with:\n{}",
                    self.address,
                    STARTUP_TIMEOUT.as_secs(),
                    log_tail()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for PrismServer {
    fn drop(&mut self) {
        if self.reaped {
            return;
        }
        #[cfg(unix)]
        {
            let Ok(group) = libc::pid_t::try_from(self.child.id()) else {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return;
            };
            // SAFETY: killpg only sends a signal; the group is Prism's own
            // (process_group(0) at spawn) and its leader is not reaped yet, so
            // the id cannot have been reused.
            unsafe { libc::killpg(group, libc::SIGTERM) };
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    // The leader is gone; make sure nothing it started lingers.
                    // SAFETY: as above; the group id stays reserved while any
                    // member lives, and a signal to an empty group is harmless.
                    unsafe { libc::killpg(group, libc::SIGKILL) };
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // SAFETY: as above.
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
        #[cfg(not(unix))]
        {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A loopback address with a port nobody listens on (bound, then released).
fn free_loopback_address() -> Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .context("cannot find a free port on 127.0.0.1")?;
    listener
        .local_addr()
        .context("cannot read the free port's address")
}

/// The last lines of Prism's log.
fn log_tail() -> String {
    let path: PathBuf = project_root().join(PRISM_LOG);
    let text = fs::read_to_string(&path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = &lines[lines.len().saturating_sub(20)..];
    if tail.is_empty() {
        "  (empty)".to_owned()
    } else {
        tail.iter()
            .map(|line| format!("  {line}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Resolves when the user interrupts (Ctrl-C) or CI cancels (SIGTERM); says which.
async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => "Ctrl-C",
                _ = terminate.recv() => "SIGTERM",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(actual: &str, expected: &str) {
        assert_eq!(actual, expected);
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

    #[test]
    fn excerpt_marks_where_decoding_stopped() {
        check(
            &excerpt_at(br#"{"sharedCount":"many","x":1}"#, 22),
            "…{\"sharedCount\":\"many\"⟨here⟩,\"x\":1}…",
        );
        check(&excerpt_at(b"", 5), "…⟨here⟩…");
    }
}
