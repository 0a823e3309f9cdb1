//! Shared helpers: fixtures, and clients pointed at a mock server.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use generated_client::{Client, RetryPolicy};
use httpmock::MockServer;
use serde_json::Value;

/// The token every test client sends.
pub const TOKEN: &str = "test-token-s3cr3t";

/// A client for `server` with fast retries (1 ms backoff), so retry tests are quick.
pub fn client(server: &MockServer) -> Client {
    client_with_retries(server, 2)
}

/// A client for `server` with `max_retries` fast retries.
pub fn client_with_retries(server: &MockServer, max_retries: u32) -> Client {
    Client::builder()
        .base_url(&server.base_url())
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy {
            max_retries,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            max_retry_after: Duration::from_secs(30),
        })
        .build()
        .expect("valid test client")
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

/// `spec/openapi.yaml`, parsed once.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_yaml::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()))
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
