//! What the generated client runs around every request (progenitor's
//! `ClientHooks`): a client-chosen id filled in and the documented rules
//! checked before sending, retries as [`RetryPolicy`] allows within the
//! call's deadline, and an error answer made readable and marked with what
//! the client learned ([`marks`](crate::marks)).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use serde_json::Value;
use tracing::Instrument;

use crate::auth::Auth;
use crate::clock::{Clock, TokioClock};
use crate::operations::{self, RetryClass};
use crate::retry::Reach;
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
                if let Auth::Session(session) = &state.auth
                    && let Some(value) = session.cached()
                {
                    headers.insert(AUTHORIZATION, value);
                    return self.checked(request, info).map_err(Error::InvalidRequest);
                }
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

impl Client {
    /// The attempts of one call: see [`RetryPolicy`]. With a token source or
    /// a session, each retry asks for the token again, and a 401 asks once
    /// for a new one (telling the source which token was refused) and sends
    /// the call once more.
    async fn send_with_retries(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
        span: &tracing::Span,
    ) -> reqwest::Result<reqwest::Response> {
        let state = self.inner();
        let policy = &state.retry;
        let clock = &*state.clock;
        let renewable = matches!(state.auth, Auth::Source(_) | Auth::Session(_));
        // `pre` gives what is left of the deadline when it waited for a token.
        let left_at_start = request.timeout().copied().unwrap_or(policy.deadline);
        let deadline = clock.now().checked_add(left_at_start);
        let mut pending = request;
        let mut retries = 0;
        let mut renewed = false;
        let mut call = Call::default();
        loop {
            call.attempts += 1;
            span.record("attempts", call.attempts);
            // No attempt outlasts the call's deadline.
            let left = deadline.map(|d| d.saturating_duration_since(clock.now()));
            *pending.timeout_mut() = Some(left.map_or(state.attempt_timeout, |left| {
                left.min(state.attempt_timeout)
            }));
            let mut spare = if retries < policy.max_retries || (renewable && !renewed) {
                pending.try_clone()
            } else {
                None
            };
            let result = self.client().execute(pending).await;
            let status = result.as_ref().ok().map(|r| r.status());

            // A refused token: once, a new one, unless the source has none.
            if renewable
                && !renewed
                && status.map(|s| s.as_u16()) == Some(401)
                && let Some(mut again) = spare.take()
            {
                let rejected = again.headers().get(AUTHORIZATION).cloned();
                if let Some(value) =
                    retry_token(&state.auth, rejected.as_ref(), deadline, clock).await
                    && Some(&value) != rejected.as_ref()
                {
                    span.record("retry_reason", "401: token renewed");
                    tracing::debug!(
                        operation = info.operation_id,
                        "401: sending once more with a renewed token"
                    );
                    again.headers_mut().insert(AUTHORIZATION, value);
                    renewed = true;
                    drop(result);
                    pending = again;
                    continue;
                }
            }

            let reach = match &result {
                Ok(response) => policy.classify_status(response.status()),
                Err(error) => policy.classify_error(error),
            };
            let spare = spare.filter(|_| retries < policy.max_retries);
            if let (Some(reach), Some(mut spare)) = (reach, spare) {
                let class = operations::for_operation(info.operation_id).map(|op| op.retry);
                let chosen = (reach == Reach::MaybeApplied
                    && class == Some(RetryClass::ClientChosenId))
                .then(|| client_chosen_id(&spare, info.operation_id))
                .flatten();
                let safe_to_repeat = class == Some(RetryClass::Idempotent) || chosen.is_some();
                let headers = result.as_ref().ok().map(|r| r.headers());
                let asked = headers.and_then(crate::retry::retry_after);
                let wait = policy.delay(retries, headers);
                let in_time = deadline
                    .is_none_or(|d| clock.now().checked_add(wait).is_some_and(|end| end < d));
                // A server that asks for a longer wait than the policy
                // allows, or than the deadline leaves, gets it: the call
                // ends with its answer (whose `Retry-After` says the wait).
                let honoured = asked.is_none_or(|asked| asked <= policy.max_retry_after && in_time);
                if !honoured {
                    tracing::debug!(
                        operation = info.operation_id,
                        retry_after_ms = asked.map(|a| a.as_millis() as u64),
                        "the service asks for a longer wait than the retry policy or the \
                         deadline allows: the call ends with its answer"
                    );
                }
                // The token is asked for only for a retry that will be made.
                let token_ok = policy.allows(reach, safe_to_repeat)
                    && in_time
                    && honoured
                    && match renewable {
                        true => match retry_token(&state.auth, None, deadline, clock).await {
                            Some(value) => {
                                spare.headers_mut().insert(AUTHORIZATION, value);
                                true
                            }
                            None => false,
                        },
                        false => true,
                    };
                if token_ok {
                    let reason = match (status, reach) {
                        (Some(status), _) => status.as_str().to_owned(),
                        (None, Reach::NotSent) => "connection failed".to_owned(),
                        (None, _) => "failed after sending".to_owned(),
                    };
                    span.record("retry_reason", reason.as_str());
                    tracing::debug!(
                        operation = info.operation_id,
                        attempt = call.attempts,
                        status = status.map(|s| s.as_u16()),
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
                    retries += 1;
                    continue;
                }
            }
            return match result {
                Ok(response) => finish(response, &call, state).await,
                Err(error) => Err(error),
            };
        }
    }
}

/// Why a call got no token.
enum TokenFailure {
    /// The token source failed, or gave a token a header cannot carry.
    Source(String),
    /// A user's session could not be registered.
    Session(Arc<crate::sessions::SessionFailure>),
    /// The call's deadline passed while waiting for the token.
    Deadline(Duration),
}

impl TokenFailure {
    /// The error the call fails with.
    fn to_error<E>(&self) -> Error<E> {
        match self {
            TokenFailure::Source(reason) => Error::Custom(reason.clone()),
            TokenFailure::Session(failure) => failure.to_error(),
            TokenFailure::Deadline(deadline) => Error::Custom(format!(
                "no token within the call's deadline ({} ms): the token source or the \
                 session's registration took longer",
                deadline.as_millis()
            )),
        }
    }
}

/// The `Authorization` value from a token source or a user's session, asked
/// within what is left of the call's `deadline`. `rejected` is the value the
/// service refused, if that is why it is asked. Never holds the token in
/// a failure.
async fn auth_header(
    auth: &Auth,
    rejected: Option<&HeaderValue>,
    deadline: Option<std::time::Instant>,
    clock: &dyn Clock,
) -> Result<HeaderValue, TokenFailure> {
    let fetch = async {
        match auth {
            Auth::Source(source) => {
                let rejected = rejected.and_then(crate::auth::token_of);
                let token = source
                    .token(rejected)
                    .await
                    .map_err(|e| TokenFailure::Source(e.to_string()))?;
                crate::auth::bearer_header(&token).ok_or_else(|| {
                    TokenFailure::Source(
                        "the token source gave a token an HTTP header cannot carry (e.g. a newline)"
                            .to_owned(),
                    )
                })
            }
            Auth::Session(session) => session.token(rejected).await.map_err(TokenFailure::Session),
            // Asked only of a source or a session.
            Auth::None | Auth::Static(_) | Auth::Invalid(_) => Err(TokenFailure::Source(
                "this client has no token source".to_owned(),
            )),
        }
    };
    let Some(deadline) = deadline else {
        return fetch.await;
    };
    let left = deadline.saturating_duration_since(clock.now());
    match tokio::time::timeout(left, fetch).await {
        Ok(outcome) => outcome,
        Err(_) => Err(TokenFailure::Deadline(left)),
    }
}

/// [`auth_header`] for a retry: a failure is logged, and ends the retries.
async fn retry_token(
    auth: &Auth,
    rejected: Option<&HeaderValue>,
    deadline: Option<std::time::Instant>,
    clock: &dyn Clock,
) -> Option<HeaderValue> {
    if let Auth::Session(session) = auth
        && rejected.is_none()
        && let Some(value) = session.cached()
    {
        return Some(value);
    }
    match auth_header(auth, rejected, deadline, clock).await {
        Ok(value) => Some(value),
        Err(failure) => {
            let reason = match &failure {
                TokenFailure::Source(reason) => reason.clone(),
                TokenFailure::Session(failure) => failure.error.to_string(),
                TokenFailure::Deadline(_) => "the call's deadline passed".to_owned(),
            };
            tracing::warn!(%reason, "no token for a retry");
            None
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
async fn finish(
    mut response: reqwest::Response,
    call: &Call,
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
    // The answer keeps the URL it came from.
    let mut builder = reqwest::ResponseBuilderExt::url(
        http::Response::builder().status(status).version(version),
        url,
    );
    if let Some(limit) = limit {
        headers.remove(http::header::CONTENT_LENGTH);
        builder = builder.extension(limit);
    }
    if let Some(slot) = builder.headers_mut() {
        *slot = headers;
    }
    Ok(match builder.body(body.clone()) {
        Ok(rebuilt) => reqwest::Response::from(rebuilt),
        // Every part came from a valid answer; keep at least the status.
        Err(_) => {
            let mut rebuilt = http::Response::new(body);
            *rebuilt.status_mut() = status;
            reqwest::Response::from(rebuilt)
        }
    })
}
