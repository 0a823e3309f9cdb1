//! What the generated client runs around every request (progenitor's
//! `ClientHooks`): the headers and who the call acts as, a client-chosen id
//! filled in and the documented rules checked before sending; then the
//! attempts (the retry loop is in `retry.rs`, the token fetching in
//! `auth.rs`), and an error answer made readable and marked with what the
//! client learned ([`marks`](crate::marks)).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use serde_json::Value;
use tracing::Instrument;

use crate::auth::{Auth, auth_header};
use crate::clock::{Clock, TokioClock};
use crate::{Client, RetryPolicy, client_ids, marks};

/// The settings every [`Client`] carries besides its `reqwest::Client` and
/// base URL: who it acts as, retries, validation, timeouts. Built by
/// [`ClientBuilder`](crate::ClientBuilder) and changed per handle by
/// [`Client::with_token`] and [`Client::with_options`]; `Default` is what
/// progenitor's low-level `Client::new(baseurl, ClientState::default())` gets
/// (no token, default retries).
#[derive(Clone, Debug)]
pub struct ClientState {
    pub(crate) retry: RetryPolicy,
    pub(crate) validate_requests: bool,
    pub(crate) fill_client_ids: bool,
    pub(crate) attempt_timeout: Duration,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) auth: Auth,
    pub(crate) user_agent: HeaderValue,
    /// Sent with every request, after the client's own headers.
    pub(crate) headers: Arc<HeaderMap>,
    /// Users' sessions, with an API key ([`Client::as_user`]).
    pub(crate) sessions: Option<Arc<crate::sessions::Sessions>>,
    /// The longest successful answer body read.
    pub(crate) max_body_bytes: usize,
    /// The longest error answer body read.
    pub(crate) max_error_body_bytes: usize,
}

impl Default for ClientState {
    fn default() -> Self {
        ClientState {
            retry: RetryPolicy::default(),
            validate_requests: true,
            fill_client_ids: false,
            attempt_timeout: crate::client_builder::DEFAULT_TIMEOUT,
            clock: Arc::new(TokioClock),
            auth: Auth::None,
            user_agent: HeaderValue::from_static(crate::client_builder::DEFAULT_USER_AGENT),
            headers: Arc::new(HeaderMap::new()),
            sessions: None,
            max_body_bytes: crate::client_builder::DEFAULT_MAX_BODY_BYTES,
            max_error_body_bytes: crate::client_builder::DEFAULT_MAX_ERROR_BODY_BYTES,
        }
    }
}

impl ClientState {
    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Whether requests are checked before sending.
    pub fn validates_requests(&self) -> bool {
        self.validate_requests
    }

    /// How long one attempt may take.
    pub fn attempt_timeout(&self) -> Duration {
        self.attempt_timeout
    }
}

impl crate::upload::FormSettings for ClientState {
    fn validates_requests(&self) -> bool {
        self.validate_requests
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
        let headers = request.headers_mut();
        headers.insert(USER_AGENT, state.user_agent.clone());
        for (name, value) in state.headers.iter() {
            headers.insert(name, value.clone());
        }
        match &state.auth {
            Auth::None => {}
            Auth::Static(value) => {
                headers.insert(AUTHORIZATION, value.clone());
            }
            Auth::Invalid(reason) => return Err(Error::InvalidRequest((*reason).to_owned())),
            Auth::Source(_) | Auth::Session(_) => {
                // The call's deadline starts now and covers the wait for the
                // token; what is left of it goes to `exec` as the request's
                // timeout.
                let clock = &*state.clock;
                let deadline = clock.now().checked_add(state.retry.deadline);
                let value = auth_header(&state.auth, None, deadline, clock)
                    .await
                    .map_err(|failure| failure.to_error())?;
                request.headers_mut().insert(AUTHORIZATION, value);
                if let Some(deadline) = deadline {
                    *request.timeout_mut() = Some(deadline.saturating_duration_since(clock.now()));
                }
            }
        }
        self.checked(request, info).map_err(Error::InvalidRequest)
    }

    /// Sends the request, retrying as [`RetryPolicy`] allows, inside a
    /// `tracing` span for the call.
    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "generated_client.call",
            operation = info.operation_id,
            host = request.url().host_str().unwrap_or_default(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            retry_reason = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let started = std::time::Instant::now();
        let result = self
            .send_with_retries(request, info, &span)
            .instrument(span.clone())
            .await;
        span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        if let Ok(response) = &result {
            span.record("status", response.status().as_u16());
        }
        result
    }
}

impl Client {
    /// Fills in a client-chosen id if asked to, then refuses a request that
    /// breaks a documented rule (the violations' text).
    fn checked(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), String> {
        let state = self.inner();
        if state.fill_client_ids {
            fill_client_id(request, info.operation_id);
        }
        if !state.validate_requests {
            return Ok(());
        }
        let body = request.body().and_then(reqwest::Body::as_bytes);
        crate::validation::check_request_parts(
            info.operation_id,
            request.url(),
            request.headers(),
            body,
        )
        .map_err(|violations| violations.to_string())
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
pub(crate) async fn finish(
    mut response: reqwest::Response,
    call: &crate::retry::Call,
    state: &ClientState,
) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        crate::decode::limit_body(&mut response, state.max_body_bytes);
        return Ok(response);
    }
    let mut headers = response.headers().clone();
    let version = response.version();
    let url = response.url().clone();
    let max = state.max_error_body_bytes;
    let (bytes, limit) = match crate::decode::read_limited(response, max).await? {
        Ok(bytes) => (bytes, None),
        // Decoding reports it, with the start of the body.
        Err(start) => (start, Some(crate::decode::BodyLimit::Exceeded(max))),
    };
    for name in marks::ALL {
        headers.remove(name);
    }
    let is_object = limit.is_some()
        || serde_json::from_slice::<Value>(&bytes).is_ok_and(|value| value.is_object());
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
    let body = if is_object {
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
    if limit.is_some() {
        headers.remove(http::header::CONTENT_LENGTH);
    }
    // The answer keeps the URL it came from.
    let parts = crate::decode::Parts {
        status,
        version,
        url,
        headers,
    };
    Ok(crate::decode::response_from(parts, body, limit))
}
