//! One call of an operation, from the request its builder made to a typed
//! [`Response`] or an [`Error`]: every operation's `send` ends in [`send`].
//!
//! 1. `hooks::prepare`: headers, who the call acts as, a client-chosen id
//!    filled in, the documented rules checked. A refusal is an [`Error`]
//!    with nothing sent.
//! 2. `retry::send_with_retries`: the attempts, inside the call's `tracing`
//!    span; it records what it learned in the call's [`Facts`].
//! 3. The answer: a 2xx body decoded into the operation's type, or an error
//!    answer read (up to the client's limit) into an [`Error`] with its
//!    status, headers, the service's error body, and the facts.
//!
//! The facts travel as values, in the [`Response`] or the [`Error`]; no
//! header is added to an answer and no error is carried as text.

use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use progenitor_client::OperationInfo;
use serde_json::Value;
use tracing::Instrument;

use crate::decode::{AnswerBody, UnreadableBody};
pub(crate) use crate::error::Error;
use crate::error::{Detail, ErrorAnswer, ErrorKind};
use crate::hooks::{ClientState, Refusal};

/// An operation's successful answer: the typed body (the `Response` derefs
/// to it; [`into_inner`](Self::into_inner) takes it) next to what the call
/// learned: the status, the headers, how many attempts it took and how
/// long, the service's request id and the client-chosen id sent.
pub struct Response<T> {
    body: T,
    status: StatusCode,
    headers: HeaderMap,
    facts: Facts,
}

impl<T> Response<T> {
    /// The typed body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The typed body, borrowed.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The answer's HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The operationId, as the spec and the docs name it: `createPost`.
    pub fn operation(&self) -> &'static str {
        self.facts.operation
    }

    /// How many attempts the call made, the last included (`1`: it was not
    /// retried).
    pub fn attempts(&self) -> u32 {
        self.facts.attempts
    }

    /// How long the call took, from the start of the `send` to the decoded
    /// answer, waits between attempts included.
    pub fn elapsed(&self) -> Duration {
        self.facts.elapsed
    }

    /// The id of the request in the answer's `x-request-id` header, when it
    /// has one (the docs name no such header).
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.headers)
    }

    /// The client-chosen id the request carried (`postId`, ...), for a
    /// create that has one: the id the item was created with.
    pub fn client_chosen_id(&self) -> Option<&str> {
        self.facts.client_chosen_id()
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation())
            .field("status", &self.status.as_u16())
            .field("attempts", &self.facts.attempts)
            .field("elapsed", &self.facts.elapsed)
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

/// The `x-request-id` header of an answer, if it is text.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-request-id")?.to_str().ok()
}

/// What a call learned making its attempts, given with its answer or its
/// error.
pub(crate) struct Facts {
    /// The spec's operationId: `createPost` (codegen names the operation
    /// so in its `OperationInfo`).
    pub(crate) operation: &'static str,
    pub(crate) attempts: u32,
    pub(crate) elapsed: Duration,
    /// An earlier attempt may have reached the service (a 5xx or 408, or a
    /// failure after the request was written) and the call was retried.
    pub(crate) earlier_attempt_sent: bool,
    /// Some attempt may have reached the service.
    pub(crate) reached: bool,
    /// The last attempt's timeout was what was left of the call's deadline.
    pub(crate) cut_by_deadline: bool,
    /// The body sent, for an operation with a client-chosen id.
    sent_body: Option<Bytes>,
    chosen_id: OnceLock<Option<String>>,
}

impl Facts {
    /// The facts of a call to `operation` that has sent nothing yet.
    pub(crate) fn unsent(operation: &'static str) -> Facts {
        Facts {
            operation,
            attempts: 0,
            elapsed: Duration::ZERO,
            earlier_attempt_sent: false,
            reached: false,
            cut_by_deadline: false,
            sent_body: None,
            chosen_id: OnceLock::new(),
        }
    }

    /// The client-chosen id in the body sent, read the first time it is
    /// asked for.
    pub(crate) fn client_chosen_id(&self) -> Option<&str> {
        self.chosen_id
            .get_or_init(|| client_chosen_id_in(self.operation, self.sent_body.as_deref()?))
            .as_deref()
    }
}

/// The client-chosen id in `body`, a request body of `operation`, if the
/// operation has one and it is a non-empty string.
pub(crate) fn client_chosen_id_in(operation: &str, body: &[u8]) -> Option<String> {
    let field = crate::client_ids::for_operation(operation)?.field();
    let body: Value = serde_json::from_slice(body).ok()?;
    match body.get(field)? {
        Value::String(id) if !id.is_empty() => Some(id.clone()),
        _ => None,
    }
}

/// Sends `request` for the operation `info` names with the client's
/// settings, and decodes its answer into `T`.
pub(crate) async fn send<T: AnswerBody>(
    http: &reqwest::Client,
    state: &ClientState,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> Result<Response<T>, Error> {
    let clock = &*state.clock;
    let started = clock.now();
    let mut facts = Facts::unsent(info.operation_id);
    let prepared = crate::hooks::prepare(state, &mut request, info).await;
    // The body as sent (or refused): a create's client-chosen id is read
    // from it when asked.
    if crate::client_ids::for_operation(info.operation_id).is_some() {
        facts.sent_body = request
            .body()
            .and_then(reqwest::Body::as_bytes)
            .map(Bytes::copy_from_slice);
    }
    if let Err(refusal) = prepared {
        facts.elapsed = clock.now().saturating_duration_since(started);
        return Err(refused(refusal, facts));
    }
    let span = tracing::info_span!(
        "generated_client.call",
        operation = info.operation_id,
        host = request.url().host_str().unwrap_or_default(),
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        retry_reason = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let result = crate::retry::send_with_retries(http, state, request, info, &span, &mut facts)
        .instrument(span.clone())
        .await;
    let outcome = match result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
            answer::<T>(response, state, info, facts).await
        }
        Err(error) => Err(transport(error, facts)),
    };
    let elapsed = clock.now().saturating_duration_since(started);
    span.record("latency_ms", elapsed.as_secs_f64() * 1000.0);
    match outcome {
        Ok(mut response) => {
            response.facts.elapsed = elapsed;
            Ok(response)
        }
        Err(mut error) => {
            error.facts_mut().elapsed = elapsed;
            Err(error)
        }
    }
}

/// The error of a call refused before sending.
fn refused(refusal: Refusal, facts: Facts) -> Error {
    match refusal {
        Refusal::Reason(reason) => {
            Error::new(ErrorKind::InvalidRequest, facts).with_detail(Detail::Reason(reason))
        }
        Refusal::Violations(violations) => {
            Error::new(ErrorKind::InvalidRequest, facts).with_detail(Detail::Violations(violations))
        }
        Refusal::Uncheckable(why) => Error::new(ErrorKind::UncheckableBody, facts).with_source(why),
        Refusal::Token(failure) => failure.to_error(facts),
    }
}

/// The error of a call whose last attempt failed in transport.
fn transport(error: reqwest::Error, facts: Facts) -> Error {
    let kind = if error.is_connect() {
        ErrorKind::Connect
    } else if error.is_timeout() && facts.cut_by_deadline {
        ErrorKind::DeadlineExceeded
    } else if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Transport
    };
    Error::new(kind, facts).with_source(error)
}

/// The typed answer, or the error an answer is.
async fn answer<T: AnswerBody>(
    response: reqwest::Response,
    state: &ClientState,
    info: &OperationInfo,
    mut facts: Facts,
) -> Result<Response<T>, Error> {
    let status = response.status();
    let success = status.is_success();
    let max = if success {
        state.max_body_bytes
    } else {
        state.max_error_body_bytes
    };
    let headers = response.headers().clone();
    let (body, cut) = match crate::decode::read_limited(response, max).await {
        Ok(Ok(body)) => (body, false),
        Ok(Err(start)) => (start, true),
        Err(error) => {
            // The connection broke while the answer was read.
            facts.reached = true;
            return Err(Error::new(ErrorKind::Transport, facts).with_source(error));
        }
    };
    let unreadable = |reason: String, limit: Option<usize>| {
        let unreadable = UnreadableBody::new(status, &headers, &body, reason, limit);
        tracing::warn!(
            operation = info.operation_id,
            status = status.as_u16(),
            reason = %unreadable.reason(),
            "the answer's body cannot be read as documented",
        );
        unreadable
    };
    let too_long = || format!("the body is longer than the client reads ({max} bytes)");
    if success {
        if cut {
            let unreadable = Some(unreadable(too_long(), Some(max)));
            return Err(error_answer(status, headers, body, None, unreadable, facts));
        }
        return match T::from_body(&body) {
            Ok(value) => {
                for unfit in value.unfit() {
                    tracing::warn!(
                        operation = info.operation_id,
                        status = status.as_u16(),
                        path = %unfit.path,
                        expected = unfit.expected,
                        found = crate::decode::kind_of(&unfit.value),
                        "a value in the answer does not fit its declared type and was left out; \
                         the answer's `unfit` list has it",
                    );
                }
                Ok(Response {
                    body: value,
                    status,
                    headers,
                    facts,
                })
            }
            Err(reason) => {
                let unreadable = Some(unreadable(reason, None));
                Err(error_answer(status, headers, body, None, unreadable, facts))
            }
        };
    }
    let (error_body, unreadable) = if cut {
        (None, Some(unreadable(too_long(), Some(max))))
    } else {
        match <crate::types::ErrorBody as AnswerBody>::from_body(&body) {
            Ok(error_body) => (Some(error_body), None),
            Err(reason) => (None, Some(unreadable(reason, None))),
        }
    };
    Err(error_answer(
        status, headers, body, error_body, unreadable, facts,
    ))
}

/// The error an answer is: an error status, or a body that could not be read.
fn error_answer(
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    error_body: Option<crate::types::ErrorBody>,
    unreadable: Option<UnreadableBody>,
    facts: Facts,
) -> Error {
    Error::answer(
        ErrorAnswer {
            status,
            headers,
            body,
            error_body,
            unreadable,
        },
        facts,
    )
}

/// What a `?` meets while an operation's builder makes its request: a
/// value that did not convert, a header value, a form, `reqwest`'s
/// `build()`. Each is a refusal before sending.
pub(crate) trait IntoRefusal {
    /// The call's error.
    fn into_refusal(self, operation: &'static str) -> Error;
}

/// The request made of the builder's values, or the refusal of a value:
/// every `?` of a generated `send` goes through it.
#[inline]
pub(crate) fn or_refuse<T, E: IntoRefusal>(
    operation: &'static str,
    result: Result<T, E>,
) -> Result<T, Error> {
    result.map_err(|error| error.into_refusal(operation))
}

/// A builder value that did not convert: progenitor's message.
impl IntoRefusal for String {
    fn into_refusal(self, operation: &'static str) -> Error {
        refused(Refusal::Reason(self), Facts::unsent(operation))
    }
}

/// A request `reqwest` could not build.
impl IntoRefusal for reqwest::Error {
    fn into_refusal(self, operation: &'static str) -> Error {
        Error::unbuildable(operation, self)
    }
}

/// A header parameter whose value an HTTP header cannot carry.
impl IntoRefusal for http::header::InvalidHeaderValue {
    fn into_refusal(self, operation: &'static str) -> Error {
        Error::unbuildable(operation, self)
    }
}

/// A form that could not be made.
impl IntoRefusal for crate::upload::FormRefusal {
    fn into_refusal(self, operation: &'static str) -> Error {
        let refusal = match self {
            crate::upload::FormRefusal::Violations(violations) => Refusal::Violations(violations),
            crate::upload::FormRefusal::Reason { reason } => Refusal::Reason(reason),
        };
        refused(refusal, Facts::unsent(operation))
    }
}
