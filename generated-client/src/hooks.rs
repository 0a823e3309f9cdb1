//! The settings every client carries ([`ClientState`]), and what is done to
//! a request before its first attempt (`prepare`): the headers and who the
//! call acts as, a client-chosen id filled in, the documented rules checked.
//! The call itself is `call.rs`; the attempts, `retry.rs`; the token
//! fetching, `auth.rs`.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderValue};
use progenitor_client::OperationInfo;
use reqwest::header::{AUTHORIZATION, USER_AGENT};
use serde_json::Value;

use crate::auth::{Auth, TokenFailure, auth_header};
use crate::clock::{Clock, TokioClock};
use crate::validation::{Refused, UncheckableBody, Violations};
use crate::{RetryPolicy, client_ids};

/// The settings every [`Client`](crate::Client) carries besides its `reqwest::Client` and
/// base URL: who it acts as, retries, validation, timeouts. Built by
/// [`ClientBuilder`](crate::ClientBuilder) and changed per handle by
/// [`Client::with_token`](crate::Client::with_token) and [`Client::with_options`](crate::Client::with_options); `Default` is what
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
    /// Users' sessions, with an API key ([`Client::as_user`](crate::Client::as_user)).
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

/// Why a call was refused before sending.
pub(crate) enum Refusal {
    /// A setting of the handle is wrong (a blank token, an `Authorization`
    /// header in the call's options).
    Reason(String),
    /// No token.
    Token(TokenFailure),
    /// The request breaks documented rules.
    Violations(Violations),
    /// The body cannot be checked.
    Uncheckable(UncheckableBody),
}

/// Readies `request` for its first attempt: the client's headers and who
/// the call acts as, a client-chosen id filled in if asked to, and the
/// documented rules checked. With a token source or a session, the call's
/// deadline starts here and covers the wait for the token; what is left of
/// it is the request's timeout, which the retry loop reads.
pub(crate) async fn prepare(
    state: &ClientState,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), Refusal> {
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
        Auth::Invalid(reason) => return Err(Refusal::Reason((*reason).to_owned())),
        Auth::Source(_) | Auth::Session(_) => {
            let clock = &*state.clock;
            let deadline = clock.now().checked_add(state.retry.deadline);
            let value = auth_header(&state.auth, None, deadline, clock)
                .await
                .map_err(Refusal::Token)?;
            request.headers_mut().insert(AUTHORIZATION, value);
            if let Some(deadline) = deadline {
                *request.timeout_mut() = Some(deadline.saturating_duration_since(clock.now()));
            }
        }
    }
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
    .map_err(|refused| match refused {
        Refused::Violations(violations) => Refusal::Violations(violations),
        Refused::Uncheckable(why) => Refusal::Uncheckable(why),
    })
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
    match object.get(id.field()) {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) if text.is_empty() => {}
        Some(_) => return,
    }
    let new_id = crate::new_client_chosen_id(id.max_length());
    object.insert(id.field().to_owned(), Value::String(new_id));
    if let Ok(bytes) = serde_json::to_vec(&object) {
        *request.body_mut() = Some(reqwest::Body::from(bytes));
    }
}
