//! What the generated client runs around every request (progenitor's
//! `ClientHooks`): a client-chosen id filled in and the documented rules
//! checked before sending, retries as [`RetryPolicy`] allows within the
//! call's deadline, and an error answer made readable and marked with what
//! the client learned ([`marks`](crate::marks)).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue};
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::CONTENT_TYPE;
use serde_json::Value;

use crate::clock::{Clock, TokioClock};
use crate::retry::Reach;
use crate::{Client, RetryPolicy, client_ids, marks};

/// The state every [`Client`] carries besides its `reqwest::Client` and base
/// URL. Built by [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone, Debug)]
pub struct ClientState {
    /// When and how to retry.
    pub retry: RetryPolicy,
    /// Whether requests are checked before sending
    /// ([`ClientBuilder::validate_requests`](crate::ClientBuilder::validate_requests)).
    pub validate_requests: bool,
    /// Whether an empty client-chosen id is filled in
    /// ([`ClientBuilder::fill_client_ids`](crate::ClientBuilder::fill_client_ids)).
    pub fill_client_ids: bool,
    /// How long one attempt may take ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub attempt_timeout: Duration,
    /// The time the retry loop reads and waits on.
    pub clock: Arc<dyn Clock>,
}

impl Default for ClientState {
    fn default() -> Self {
        ClientState {
            retry: RetryPolicy::default(),
            validate_requests: true,
            fill_client_ids: false,
            attempt_timeout: crate::client_builder::DEFAULT_TIMEOUT,
            clock: Arc::new(TokioClock),
        }
    }
}

impl ClientHooks<ClientState> for Client {
    /// Fills in a client-chosen id if asked to, then refuses a request that
    /// breaks a documented rule, before anything is sent.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let state = self.inner();
        if state.fill_client_ids {
            fill_client_id(request, info.operation_id);
        }
        if !state.validate_requests {
            return Ok(());
        }
        let body = request.body().and_then(reqwest::Body::as_bytes);
        crate::validation::check_request_parts(info.operation_id, request.url().path(), body)
            .map_err(|violations| Error::InvalidRequest(violations.to_string()))
    }

    /// Sends the request, retrying as [`RetryPolicy`] allows.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        let policy = &state.retry;
        let clock = &*state.clock;
        let deadline = clock.now().checked_add(policy.deadline);
        let mut pending = request;
        let mut attempt = 0;
        let mut call = Call::default();
        loop {
            // No attempt outlasts the call's deadline.
            let left = deadline.map(|d| d.saturating_duration_since(clock.now()));
            *pending.timeout_mut() = Some(left.map_or(state.attempt_timeout, |left| {
                left.min(state.attempt_timeout)
            }));
            let spare = if attempt < policy.max_retries {
                pending.try_clone()
            } else {
                None
            };
            let result = self.client().execute(pending).await;
            let reach = match &result {
                Ok(response) => policy.classify_status(response.status()),
                Err(error) => policy.classify_error(error),
            };
            if let (Some(reach), Some(spare)) = (reach, spare) {
                let chosen = (reach == Reach::MaybeApplied)
                    .then(|| client_chosen_id(&spare, info.operation_id))
                    .flatten();
                let wait = policy.delay(attempt, result.as_ref().ok().map(|r| r.headers()));
                let in_time = deadline
                    .is_none_or(|d| clock.now().checked_add(wait).is_some_and(|end| end < d));
                if policy.allows(reach, chosen.is_some()) && in_time {
                    tracing::debug!(
                        operation = info.operation_id,
                        attempt = attempt + 1,
                        status = result.as_ref().ok().map(|r| r.status().as_u16()),
                        reach = ?reach,
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    if reach == Reach::MaybeApplied {
                        call.earlier_attempt_sent = true;
                        call.chosen_id = chosen;
                    }
                    drop(result);
                    clock.sleep(wait).await;
                    pending = spare;
                    attempt += 1;
                    continue;
                }
            }
            call.attempts = attempt + 1;
            return match result {
                Ok(response) => finish(response, &call).await,
                Err(error) => Err(error.without_url()),
            };
        }
    }
}

/// What the retry loop learned, for the marks on an error answer.
#[derive(Default)]
struct Call {
    attempts: u32,
    earlier_attempt_sent: bool,
    chosen_id: Option<String>,
}

/// The client-chosen id in `request`'s body, if the operation has one and
/// it is a non-empty string.
fn client_chosen_id(request: &reqwest::Request, operation_id: &str) -> Option<String> {
    let id = client_ids::for_operation(operation_id)?;
    let body = request.body()?.as_bytes()?;
    let value: Value = serde_json::from_slice(body).ok()?;
    match value.get(id.field)? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        _ => None,
    }
}

/// Puts a new client-chosen id in the body when the operation has one and
/// the body leaves it out, `null` or empty. A body that is not a JSON object
/// is left alone.
fn fill_client_id(request: &mut reqwest::Request, operation_id: &str) {
    let Some(id) = client_ids::for_operation(operation_id) else {
        return;
    };
    let Some(body) = request.body().and_then(reqwest::Body::as_bytes) else {
        return;
    };
    let Ok(Value::Object(mut object)) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    match object.get(id.field) {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) if text.is_empty() => {}
        Some(_) => return,
    }
    let new_id = crate::new_client_chosen_id(id.max_length);
    object.insert(id.field.to_owned(), Value::String(new_id));
    if let Ok(bytes) = serde_json::to_vec(&object) {
        *request.body_mut() = Some(reqwest::Body::from(bytes));
    }
}

/// An error answer, made readable and marked: its body read whole (a
/// failure to read it is a transport error, returned as such), replaced by a
/// made-up JSON error body if it is not a JSON object, and the
/// [`marks`](crate::marks) set. A success passes untouched.
async fn finish(response: reqwest::Response, call: &Call) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(response);
    }
    let mut headers = response.headers().clone();
    let version = response.version();
    let bytes = response.bytes().await?;
    for name in marks::ALL {
        headers.remove(name);
    }
    let parsed = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .filter(Value::is_object);
    let mark = |headers: &mut http::HeaderMap, name: &'static str, value: HeaderValue| {
        headers.insert(HeaderName::from_static(name), value);
    };
    mark(
        &mut headers,
        marks::ATTEMPTS,
        HeaderValue::from(call.attempts),
    );
    if call.earlier_attempt_sent {
        mark(
            &mut headers,
            marks::EARLIER_ATTEMPT_SENT,
            HeaderValue::from_static("true"),
        );
        if let Some(value) = call
            .chosen_id
            .as_deref()
            .and_then(|id| HeaderValue::from_str(id).ok())
        {
            mark(&mut headers, marks::CLIENT_CHOSEN_ID, value);
        }
    }
    let body = if parsed.is_some() {
        bytes
    } else {
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("no content type");
        let message = format!(
            "HTTP {status} with a non-JSON body ({content_type}): {}",
            crate::decode::excerpt(&bytes)
        );
        mark(
            &mut headers,
            marks::MADE_BODY,
            HeaderValue::from_static("true"),
        );
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.remove(http::header::CONTENT_LENGTH);
        Bytes::from(serde_json::json!({ "message": message }).to_string())
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}
