//! Shared helpers: fixtures, and clients pointed at a mock server.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use generated_client::{Client, ClientBuilder, Clock, Error, RetryPolicy, Sleep, types};
use httpmock::MockServer;
use serde_json::Value;

/// The token every test client sends.
pub const TOKEN: &str = "test-token-s3cr3t";

/// A clock for tests: waits return at once and are recorded, and the time
/// moves on by each wait (and by nothing else).
#[derive(Debug)]
pub struct TestClock {
    start: Instant,
    waits: Mutex<Vec<Duration>>,
}

impl TestClock {
    /// A clock at "now", with no waits yet.
    pub fn new() -> Arc<TestClock> {
        Arc::new(TestClock {
            start: Instant::now(),
            waits: Mutex::new(Vec::new()),
        })
    }

    /// The waits asked for so far, in order.
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap().clone()
    }
}

impl Clock for TestClock {
    fn now(&self) -> Instant {
        self.start + self.waits.lock().unwrap().iter().sum::<Duration>()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.waits.lock().unwrap().push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// A builder for `server` with the default retry policy and a [`TestClock`],
/// so retries wait for nothing.
pub fn builder(server: &MockServer, clock: &Arc<TestClock>) -> ClientBuilder {
    Client::builder()
        .base_url(server.base_url())
        .bearer_token(TOKEN)
        .clock(clock.clone())
}

/// A client for `server` that retries (2 retries), on a [`TestClock`].
pub fn client(server: &MockServer) -> Client {
    client_with_retries(server, 2)
}

/// A client for `server` with `max_retries`, on a [`TestClock`].
pub fn client_with_retries(server: &MockServer, max_retries: u32) -> Client {
    builder(server, &TestClock::new())
        .retry_policy(RetryPolicy::default().max_retries(max_retries))
        .build()
        .expect("valid test client")
}

/// Answers every request to `server` with `status` and the JSON `body`.
pub async fn answer_all(server: &MockServer, status: u16, body: Value) -> httpmock::Mock<'_> {
    server
        .mock_async(|_, then| {
            then.status(status).json_body(body);
        })
        .await
}

/// A loopback port bound and held, but never listened on: every connection
/// to it is refused, and nothing else can take the port while this lives (a
/// port merely found free could be taken by another test meanwhile).
pub struct NothingListening {
    _socket: tokio::net::TcpSocket,
    url: String,
}

impl NothingListening {
    /// Its base URL, `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        self.url.clone()
    }
}

/// A base URL where nothing listens, held for as long as the value lives.
pub fn nothing_listening() -> NothingListening {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().expect("an address"))
        .expect("a free loopback port");
    let port = socket.local_addr().expect("a bound address").port();
    NothingListening {
        _socket: socket,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// The text of `spec/examples/<name>`.
pub fn fixture_text(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../spec/examples")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `spec/examples/<name>` as JSON.
pub fn fixture(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture_text(name)).expect("fixtures are JSON")
}

/// `spec/examples/<name>` decoded into `T`.
pub fn typed<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(fixture(name)).unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

/// An Amity error body.
pub fn error_body(code: i64, message: &str) -> serde_json::Value {
    serde_json::json!({ "status": "error", "code": code, "message": message, "data": {} })
}

/// `spec/openapi.yaml` as codegen reads it (every file it refers to
/// bundled in), as JSON, read once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
        codegen::Spec::load(&path, codegen::SPEC_PATH)
            .unwrap_or_else(|e| panic!("{} does not load: {e}", path.display()))
            .document()
            .clone()
    })
}

/// The operation object with this operationId.
pub fn operation(operation_id: &str) -> &'static Value {
    spec()["paths"]
        .as_object()
        .expect("the spec has `paths`")
        .values()
        .filter_map(|item| item.get("post"))
        .find(|op| op["operationId"] == operation_id)
        .unwrap_or_else(|| panic!("no POST operation {operation_id:?} in the spec"))
}

/// Follows local `$ref`s until a non-reference object is reached.
pub fn deref(mut value: &'static Value) -> &'static Value {
    while let Some(reference) = value.get("$ref").and_then(Value::as_str) {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local $refs are supported, got {reference:?}"));
        value = spec()
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling $ref {reference:?}"));
    }
    value
}

/// Sends `body` (JSON) to `operation`, one of the four creates, through
/// `client`, as the typed request body; the error, if refused.
pub async fn send(client: &Client, operation: &str, body: Value) -> Result<(), Error> {
    match operation {
        "createPost" => client
            .create_post()
            .body(serde_json::from_value::<types::CreatePostRequest>(body).unwrap())
            .send()
            .await
            .map(drop),
        "createStory" => client
            .create_story()
            .body(serde_json::from_value::<types::CreateStoryRequest>(body).unwrap())
            .send()
            .await
            .map(drop),
        "createMessage" => client
            .create_message()
            .body(serde_json::from_value::<types::CreateMessageRequest>(body).unwrap())
            .send()
            .await
            .map(drop),
        "createChannel" => client
            .create_channel()
            .body(serde_json::from_value::<types::CreateChannelRequest>(body).unwrap())
            .send()
            .await
            .map(drop),
        other => panic!("no such operation {other}"),
    }
}

/// An error's `Display` and each of its causes', joined by `: `.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        cause = inner.source();
    }
    text
}
