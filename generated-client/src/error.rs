//! The one error type of every operation ([`Error`]) and what kind of
//! failure it is ([`ErrorKind`]).
//!
//! An [`Error`] is built by the call runtime (`call.rs`) from what it knows
//! as facts: the request refused before sending with its typed
//! [`Violations`], the transport error, the answer's status, headers and
//! body, and what the retry loop learned (attempts, time taken, whether an
//! earlier attempt may have reached the service). Nothing is carried as
//! text to be read back, and no header is added to any answer.
//!
//! [`ErrorCode`] itself is generated from the spec's `x-error-codes`; which
//! [`ErrorKind`] each code is, is decided here, by a match that names every
//! code (a code added to the spec does not compile until it is placed).

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use crate::call::Facts;
use crate::decode::UnreadableBody;
use crate::types::ErrorBody;
use crate::validation::Violations;
use crate::{ErrorCode, SessionError};

impl ErrorBody {
    /// The typed error code, when the body has one.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.map(ErrorCode::from_code)
    }
}

/// What kind of failure an [`Error`] is: one kind per error, given by
/// [`Error::kind`]. Match on it, with a `_` arm: kinds may be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Refused before sending: the request breaks a documented rule
    /// ([`Error::violations`]), a value given to the builder could not be
    /// converted, a file of a form could not be opened, or a setting of the
    /// handle (a blank token, an `Authorization` header in the call's
    /// options) is wrong. Nothing was sent.
    InvalidRequest,
    /// Refused before sending: the body cannot be checked against the
    /// spec (a key given twice, nesting deeper than the checker reads):
    /// [`Error::source`](std::error::Error::source) is the
    /// [`UncheckableBody`](crate::validation::UncheckableBody). Nothing was sent.
    UncheckableBody,
    /// The token source gave no token
    /// ([`Error::source`](std::error::Error::source) is its
    /// [`TokenError`](crate::TokenError)).
    /// Nothing was sent (or, on a retry, nothing more).
    Token,
    /// A user's session could not be had ([`Client::as_user`](crate::Client::as_user)):
    /// the service refused the registration, or it failed in transit.
    /// [`Error::session_error`] says which user and step. The call was not sent.
    Session,
    /// No connection could be made (refused, DNS, TLS, connect timeout),
    /// after the retries the policy allowed: the request was not sent.
    Connect,
    /// The connection failed after the request was written, or while the
    /// answer was read: it may have reached the service.
    Transport,
    /// The last attempt took longer than the attempt timeout
    /// ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout)); it may
    /// have reached the service.
    Timeout,
    /// The call's deadline ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline))
    /// passed: while waiting for a token, or during the last attempt (which
    /// may then have reached the service).
    DeadlineExceeded,
    /// The token was refused (code 400100, HTTP 401). Do not retry with the
    /// same token.
    Unauthorized,
    /// The caller may not do this, or the content is not allowed: every
    /// 4003xx code but 400311 (forbidden, permission denied, muted, banned,
    /// member limit, repetition, banned word, link not allowed), HTTP 403.
    /// Retrying will not help.
    Forbidden,
    /// Too many requests (code 400311, HTTP 429), after the retries the
    /// policy allowed: back off and try later ([`Error::retry_after`]).
    RateLimited,
    /// The item was not found (code 400400, HTTP 404).
    NotFound,
    /// The item already exists (code 400900, HTTP 409), and no earlier
    /// attempt of this call can have created it: the id was taken before.
    Conflict,
    /// Code 400900 on a retry, after an earlier attempt of this same call
    /// may have reached the service: that attempt most likely created the
    /// item. Treat the call as done; the id is the one the request carried
    /// ([`Error::client_chosen_id`]), and the item can be fetched by it.
    EarlierAttemptLanded,
    /// Any other 4xx answer (a 400 with code 400000 or 500000, an
    /// undocumented code, no JSON body).
    BadRequest,
    /// A 5xx answer, after the retries the policy allowed.
    ServerError,
    /// An answer with a status the operation does not document (1xx, 3xx).
    UnexpectedStatus,
    /// A 2xx answer whose body cannot be read as documented (not JSON, not
    /// a JSON object, not UTF-8 text): the call was applied.
    /// [`Error::unreadable_body`] says why; [`Error::body_excerpt`] shows it.
    UnreadableBody,
    /// A 2xx answer longer than the client reads
    /// ([`ClientBuilder::max_body_bytes`](crate::ClientBuilder::max_body_bytes)):
    /// the call was applied; the rest was not read.
    BodyTooLarge,
}

impl ErrorKind {
    /// Whether this kind is an answer of the service with an error status.
    pub fn is_answer(self) -> bool {
        matches!(
            self,
            ErrorKind::Unauthorized
                | ErrorKind::Forbidden
                | ErrorKind::RateLimited
                | ErrorKind::NotFound
                | ErrorKind::Conflict
                | ErrorKind::EarlierAttemptLanded
                | ErrorKind::BadRequest
                | ErrorKind::ServerError
        )
    }
}

/// The kind of a documented code. Every code is named: a new code in the
/// spec must be placed here before the crate compiles.
fn kind_of_code(code: ErrorCode) -> Option<ErrorKind> {
    match code {
        ErrorCode::Unauthorized => Some(ErrorKind::Unauthorized),
        ErrorCode::Forbidden
        | ErrorCode::PermissionDenied
        | ErrorCode::UserMuted
        | ErrorCode::ChannelMuted
        | ErrorCode::BannedFromChannel
        | ErrorCode::MemberLimitExceeded
        | ErrorCode::MaxRepetitionExceeded
        | ErrorCode::BannedWord
        | ErrorCode::LinkNotAllowed
        | ErrorCode::GloballyBanned => Some(ErrorKind::Forbidden),
        ErrorCode::RateLimitExceeded => Some(ErrorKind::RateLimited),
        ErrorCode::ItemNotFound => Some(ErrorKind::NotFound),
        ErrorCode::Conflict => Some(ErrorKind::Conflict),
        ErrorCode::BadRequest | ErrorCode::BusinessError | ErrorCode::Unknown(_) => None,
    }
}

/// The kind of an error answer: by its documented code when it has one,
/// else by its status (401, 403, 404, 409, 429); otherwise
/// [`ErrorKind::ServerError`] for a 5xx and [`ErrorKind::BadRequest`] for
/// a 4xx.
fn kind_of_answer(status: StatusCode, code: Option<ErrorCode>, earlier_sent: bool) -> ErrorKind {
    let by_status_class = if status.is_server_error() {
        ErrorKind::ServerError
    } else {
        ErrorKind::BadRequest
    };
    let kind = match code {
        Some(code) if !matches!(code, ErrorCode::Unknown(_)) => {
            kind_of_code(code).unwrap_or(by_status_class)
        }
        _ => match status.as_u16() {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::RateLimited,
            _ => by_status_class,
        },
    };
    if kind == ErrorKind::Conflict && earlier_sent {
        return ErrorKind::EarlierAttemptLanded;
    }
    kind
}

/// The error of every operation of the client: a typed value with what
/// went wrong ([`kind`](Self::kind)), the service's answer when there was
/// one ([`status`](Self::status), [`code`](Self::code),
/// [`message`](Self::message), [`headers`](Self::headers)), and what the
/// client learned making the call ([`attempts`](Self::attempts),
/// [`elapsed`](Self::elapsed), [`client_chosen_id`](Self::client_chosen_id),
/// [`may_have_reached_service`](Self::may_have_reached_service)).
///
/// Its `Display` is one line naming the operation and what happened (never
/// a token or a key); [`source`](std::error::Error::source) is the cause
/// (the transport error, the token source's error, the session's).
///
/// ```no_run
/// # async fn run(client: generated_client::Client) {
/// use generated_client::ErrorKind;
/// match client.get_post().post_id("p1").send().await {
///     Ok(post) => println!("{} attempt(s)", post.attempts()),
///     Err(e) if e.kind() == ErrorKind::NotFound => println!("gone"),
///     Err(e) if e.kind() == ErrorKind::InvalidRequest => {
///         for v in e.violations().into_iter().flatten() {
///             println!("{}: {}", v.path(), v.rule());
///         }
///     }
///     Err(e) => eprintln!("{e} (after {} attempts)", e.attempts()),
/// }
/// # }
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    facts: Facts,
    answer: Option<ErrorAnswer>,
    detail: Detail,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// The service's answer, as read.
pub(crate) struct ErrorAnswer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// The body as read (its start, when it was longer than the limit).
    pub(crate) body: Bytes,
    /// The service's error body, when the body is one.
    pub(crate) error_body: Option<ErrorBody>,
    /// Why the body could not be read as documented, if it could not.
    pub(crate) unreadable: Option<UnreadableBody>,
}

/// What else a kind of error carries.
pub(crate) enum Detail {
    None,
    /// The documented rules the request breaks.
    Violations(Violations),
    /// Why the request was refused before sending, other than a rule.
    Reason(String),
    /// A user's session could not be had.
    Session(SessionError),
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, facts: Facts) -> Error {
        Error {
            inner: Box::new(Inner {
                kind,
                facts,
                answer: None,
                detail: Detail::None,
                source: None,
            }),
        }
    }

    pub(crate) fn with_detail(mut self, detail: Detail) -> Error {
        self.inner.detail = detail;
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Error {
        self.inner.source = Some(source.into());
        self
    }

    /// An error answer (4xx, 5xx, or an undocumented status), its kind by
    /// its code and status.
    pub(crate) fn answer(answer: ErrorAnswer, facts: Facts) -> Error {
        let status = answer.status;
        let kind = if status.is_client_error() || status.is_server_error() {
            let code = answer.error_body.as_ref().and_then(ErrorBody::error_code);
            kind_of_answer(status, code, facts.earlier_attempt_sent)
        } else if !status.is_success() {
            ErrorKind::UnexpectedStatus
        } else if answer
            .unreadable
            .as_ref()
            .is_some_and(|u| u.limit().is_some())
        {
            ErrorKind::BodyTooLarge
        } else {
            ErrorKind::UnreadableBody
        };
        let mut error = Error::new(kind, facts);
        error.inner.answer = Some(answer);
        error
    }

    pub(crate) fn facts_mut(&mut self) -> &mut Facts {
        &mut self.inner.facts
    }

    /// A request reqwest could not build (a base URL that cannot take the
    /// path, a body that does not serialise, a header value).
    pub(crate) fn unbuildable(
        operation: &'static str,
        error: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        Error::new(ErrorKind::InvalidRequest, Facts::unsent(operation))
            .with_detail(Detail::Reason("the request cannot be built".to_owned()))
            .with_source(error)
    }

    /// The operationId, as the spec and the docs name it: `createPost`.
    pub fn operation(&self) -> &'static str {
        self.inner.facts.operation
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The answer's HTTP status, when the service (or a proxy) answered.
    pub fn status(&self) -> Option<StatusCode> {
        match (&self.inner.answer, &self.inner.detail) {
            (Some(answer), _) => Some(answer.status),
            (None, Detail::Session(session)) => {
                session.status().and_then(|s| StatusCode::from_u16(s).ok())
            }
            _ => None,
        }
    }

    /// The service's error code, when its answer has one (for a refused
    /// session, the registration's).
    pub fn code(&self) -> Option<ErrorCode> {
        match &self.inner.detail {
            Detail::Session(session) => session.code(),
            _ => self.error_body().and_then(ErrorBody::error_code),
        }
    }

    /// The service's message, when its answer has one (for a refused
    /// session, the registration's, with keys and tokens redacted).
    pub fn message(&self) -> Option<&str> {
        match &self.inner.detail {
            Detail::Session(session) => Some(session.message()),
            _ => self.error_body().and_then(|body| body.message.as_deref()),
        }
    }

    /// The service's error body (`status`, `code`, `message`, `data`),
    /// when the answer's body is one.
    pub fn error_body(&self) -> Option<&ErrorBody> {
        self.inner.answer.as_ref()?.error_body.as_ref()
    }

    /// The answer's headers, when there was an answer.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.inner.answer.as_ref().map(|answer| &answer.headers)
    }

    /// The answer's body as read (its start, when it was longer than the
    /// client reads), when there was an answer.
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.answer.as_ref().map(|answer| &answer.body[..])
    }

    /// The id of the request the service gave in its answer's
    /// `x-request-id` header, when it sent one (the docs name no such
    /// header: this is only what a proxy or the service may add).
    pub fn request_id(&self) -> Option<&str> {
        crate::call::request_id(self.headers()?)
    }

    /// How many attempts the call made, the last included: `0` when it
    /// was refused before sending, `1` when it was not retried.
    pub fn attempts(&self) -> u32 {
        self.inner.facts.attempts
    }

    /// How long the call took, from the start of the `send` to the error,
    /// waits between attempts included.
    pub fn elapsed(&self) -> Duration {
        self.inner.facts.elapsed
    }

    /// The client-chosen id the request carried (`postId`, `messageId`,
    /// `channelId`), for a create that has one: after
    /// [`ErrorKind::EarlierAttemptLanded`], or any failure that
    /// [`may_have_reached_service`](Self::may_have_reached_service), the id
    /// to look the item up by.
    pub fn client_chosen_id(&self) -> Option<&str> {
        self.inner.facts.client_chosen_id()
    }

    /// Whether any attempt of the call may have reached the service (and a
    /// create may then exist): `false` only when none can have, because the
    /// call was refused before sending or no connection was ever made.
    pub fn may_have_reached_service(&self) -> bool {
        self.inner.facts.reached
    }

    /// The documented rules the request breaks, when it was refused before
    /// sending for them ([`ErrorKind::InvalidRequest`]): for each, the
    /// field, the rule with its limit, and what the request had.
    pub fn violations(&self) -> Option<&Violations> {
        match &self.inner.detail {
            Detail::Violations(violations) => Some(violations),
            _ => None,
        }
    }

    /// An excerpt of a body that could not be read as documented (not JSON,
    /// not an object, longer than the client reads): its first 200
    /// characters, whitespace collapsed.
    pub fn body_excerpt(&self) -> Option<&str> {
        let answer = self.inner.answer.as_ref()?;
        match &answer.unreadable {
            Some(unreadable) => Some(unreadable.excerpt()),
            None => None,
        }
    }

    /// Why an answer's body could not be read as documented: the status,
    /// the content type, an excerpt and the parser's reason (or the limit).
    pub fn unreadable_body(&self) -> Option<&UnreadableBody> {
        self.inner.answer.as_ref()?.unreadable.as_ref()
    }

    /// Why the user's session could not be had, for
    /// [`ErrorKind::Session`]: the user, the step, and the service's
    /// answer to it if it answered.
    pub fn session_error(&self) -> Option<&SessionError> {
        match &self.inner.detail {
            Detail::Session(session) => Some(session),
            _ => None,
        }
    }

    /// The wait the service asked for (`Retry-After`, in seconds or as an
    /// HTTP date) on the answer the call ended with. A call whose answer
    /// asks for a longer wait than the retry policy's
    /// [`max_retry_after`](crate::RetryPolicy::max_retry_after) or than
    /// what is left of its deadline ends at once with that answer, so this
    /// is when to try again.
    pub fn retry_after(&self) -> Option<Duration> {
        crate::retry::retry_after(self.headers()?)
    }

    /// [`ErrorKind::NotFound`].
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// [`ErrorKind::RateLimited`].
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == ErrorKind::RateLimited
    }

    /// [`ErrorKind::Unauthorized`].
    pub fn is_unauthorized(&self) -> bool {
        self.kind() == ErrorKind::Unauthorized
    }

    /// [`ErrorKind::Forbidden`].
    pub fn is_forbidden(&self) -> bool {
        self.kind() == ErrorKind::Forbidden
    }

    /// [`ErrorKind::Conflict`].
    pub fn is_conflict(&self) -> bool {
        self.kind() == ErrorKind::Conflict
    }

    /// [`ErrorKind::EarlierAttemptLanded`]: treat the create as done.
    pub fn earlier_attempt_landed(&self) -> bool {
        self.kind() == ErrorKind::EarlierAttemptLanded
    }
}

impl fmt::Display for Error {
    /// One line: the operation and what happened. The cause is
    /// [`source`](std::error::Error::source)'s, not repeated here.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        write!(f, "{}: ", self.operation())?;
        match (&inner.detail, &inner.answer) {
            (Detail::Violations(violations), _) => {
                f.write_str("refused before sending, the request breaks documented rules: ")?;
                violations.write_list(f)?;
            }
            (Detail::Reason(reason), _) => write!(f, "refused before sending: {reason}")?,
            (Detail::Session(session), _) => write!(f, "{session}")?,
            (Detail::None, Some(answer)) => {
                write!(f, "HTTP {}", answer.status.as_u16())?;
                if let Some(code) = self.code() {
                    write!(f, ", code {}", code.code())?;
                }
                match (&answer.unreadable, self.message()) {
                    (Some(unreadable), _) => write!(
                        f,
                        " with a body that cannot be read as documented: {}",
                        unreadable.reason()
                    )?,
                    (None, Some(message)) => write!(f, ": {}", one_line(message))?,
                    (None, None) => {}
                }
                if inner.kind == ErrorKind::EarlierAttemptLanded {
                    f.write_str(
                        "; an earlier attempt of this call most likely created it: treat the \
                         create as done",
                    )?;
                }
            }
            (Detail::None, None) => f.write_str(match inner.kind {
                ErrorKind::UncheckableBody => "the body cannot be checked against the spec",
                ErrorKind::Token => "the token source gave no token",
                ErrorKind::Connect => "no connection could be made",
                ErrorKind::Transport => "the connection failed after the request was sent",
                ErrorKind::Timeout => "an attempt took longer than the timeout",
                ErrorKind::DeadlineExceeded => "the call's deadline passed",
                _ => "the call failed",
            })?,
        }
        if inner.facts.attempts > 1 {
            write!(f, " (after {} attempts)", inner.facts.attempts)?;
        }
        Ok(())
    }
}

/// `text` with line breaks replaced, for a one-line `Display`.
fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(['\n', '\r']) {
        text.replace(['\n', '\r'], " ").into()
    } else {
        text.into()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.inner;
        let mut debug = f.debug_struct("Error");
        debug
            .field("operation", &self.operation())
            .field("kind", &inner.kind)
            .field("attempts", &inner.facts.attempts)
            .field("elapsed", &inner.facts.elapsed);
        if let Some(answer) = &inner.answer {
            debug.field("status", &answer.status.as_u16());
            if let Some(body) = &answer.error_body {
                debug.field("error_body", body);
            }
            if let Some(unreadable) = &answer.unreadable {
                debug.field("unreadable", unreadable);
            }
        }
        match &inner.detail {
            Detail::None => {}
            Detail::Violations(violations) => {
                debug.field("violations", violations);
            }
            Detail::Reason(reason) => {
                debug.field("reason", reason);
            }
            Detail::Session(session) => {
                debug.field("session", session);
            }
        }
        if let Some(source) = &inner.source {
            debug.field("source", source);
        }
        debug.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.detail {
            Detail::Session(session) => Some(session),
            _ => self
                .inner
                .source
                .as_deref()
                .map(|source| source as &(dyn std::error::Error + 'static)),
        }
    }
}
