//! Typed questions about an operation's [`Error`]: the service's code, what
//! kind of failure it is, and what the client learned making the call.
//!
//! [`ErrorCode`] itself is generated from the spec's `x-error-codes`; which
//! [`ErrorKind`] each code is, is decided here, by a match that names every
//! code (a code added to the spec does not compile until it is placed).

use crate::decode::UnreadableBody;
use crate::types::ErrorBody;
use crate::validation::Violations;
use crate::{Error, ErrorCode, Reach, SessionError, marks};

impl ErrorBody {
    /// The typed error code, when the body has one.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.map(ErrorCode::from_code)
    }
}

/// What kind of failure an error answer is. At most one kind applies to an
/// answer; [`ErrorExt::kind`] gives it, and each `is_..` question asks for
/// one kind.
///
/// The service's code decides; an answer without a documented code falls
/// back to its HTTP status (401, 403, 404, 409, 429).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The token was refused (code 400100, HTTP 401). Do not retry with the
    /// same token.
    Unauthorized,
    /// The caller may not do this, or the content is not allowed: every
    /// 4003xx code but 400311 (forbidden, permission denied, muted, banned,
    /// member limit, repetition, banned word, link not allowed), HTTP 403.
    /// Retrying will not help.
    Forbidden,
    /// Too many requests (code 400311, HTTP 429), after the retries the
    /// policy allowed: back off and try later.
    RateLimited,
    /// The item was not found (code 400400, HTTP 404).
    NotFound,
    /// The item already exists (code 400900, HTTP 409), and no earlier
    /// attempt of this call can have created it: the id was taken before.
    Conflict,
    /// Code 400900 on a retry, after an earlier attempt of this same call
    /// may have reached the service: that attempt most likely created the
    /// item. Treat the call as done; the id is the one the request carried
    /// ([`ErrorExt::client_chosen_id`]), and the item can be fetched by it.
    EarlierAttemptLanded,
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

/// The kind of an answer without a documented code, by its status.
fn kind_of_status(status: u16) -> Option<ErrorKind> {
    match status {
        401 => Some(ErrorKind::Unauthorized),
        403 => Some(ErrorKind::Forbidden),
        404 => Some(ErrorKind::NotFound),
        409 => Some(ErrorKind::Conflict),
        429 => Some(ErrorKind::RateLimited),
        _ => None,
    }
}

/// Questions callers ask of an [`Error`] returned by an operation.
pub trait ErrorExt {
    /// The service's error body, when the answer was an error status.
    fn error_body(&self) -> Option<&ErrorBody>;

    /// The service's error code, when the body has one.
    fn error_code(&self) -> Option<ErrorCode> {
        self.error_body().and_then(ErrorBody::error_code)
    }

    /// What kind of failure this is, if it is one of the [`ErrorKind`]s.
    fn kind(&self) -> Option<ErrorKind>;

    /// [`ErrorKind::RateLimited`]: code 400311, or HTTP 429 without a
    /// documented code.
    fn is_rate_limited(&self) -> bool {
        self.kind() == Some(ErrorKind::RateLimited)
    }

    /// [`ErrorKind::NotFound`]: code 400400, or HTTP 404 without a
    /// documented code.
    fn is_not_found(&self) -> bool {
        self.kind() == Some(ErrorKind::NotFound)
    }

    /// [`ErrorKind::Unauthorized`]: code 400100, or HTTP 401 without a
    /// documented code.
    fn is_unauthorized(&self) -> bool {
        self.kind() == Some(ErrorKind::Unauthorized)
    }

    /// [`ErrorKind::Forbidden`]: a 4003xx code other than 400311 (which is
    /// [`is_rate_limited`](Self::is_rate_limited)), or HTTP 403 without a
    /// documented code.
    fn is_forbidden(&self) -> bool {
        self.kind() == Some(ErrorKind::Forbidden)
    }

    /// [`ErrorKind::Conflict`]: code 400900 (or HTTP 409 without a documented
    /// code) when no earlier attempt of this call can have created the item.
    fn is_conflict(&self) -> bool {
        self.kind() == Some(ErrorKind::Conflict)
    }

    /// [`ErrorKind::EarlierAttemptLanded`]: code 400900 on a retry after an
    /// earlier attempt may have reached the service. The item the call
    /// meant to create most likely exists: treat the call as done.
    fn earlier_attempt_landed(&self) -> bool {
        self.kind() == Some(ErrorKind::EarlierAttemptLanded)
    }

    /// Whether the failed request can have reached the service, by the
    /// last attempt (the same classification the retry policy uses):
    /// [`Reach::NotSent`] for a request refused before sending or a
    /// connection that was never made; [`Reach::Refused`] for a 4xx answer
    /// (the service turned it down without acting on it; a 408 excepted);
    /// [`Reach::MaybeApplied`] for a 408 or 5xx answer, or a timeout or
    /// broken connection after sending: a create may exist. `None` for an
    /// answer that failed to decode (it was applied: the service answered
    /// 2xx) or another transport failure.
    fn reach(&self) -> Option<Reach>;

    /// How many attempts the call made (`1`: it was not retried), when it
    /// ended with an error answer.
    fn attempts(&self) -> Option<u32>;

    /// The client-chosen id the request carried (`postId`, ...), when an
    /// earlier attempt may have reached the service: after
    /// [`earlier_attempt_landed`](Self::earlier_attempt_landed), the id of
    /// the item that attempt created.
    fn client_chosen_id(&self) -> Option<&str>;

    /// Whether the error body was made up by the client, not sent by the
    /// service: the answer was not a JSON object (an HTML page from a proxy,
    /// an empty body). Its `message` names the status, the content type and
    /// an excerpt of what came; it has no `code`.
    fn body_made_by_client(&self) -> bool;

    /// The documented rules a request broke, when it was refused before
    /// sending (`Error::InvalidRequest`): the operation, and for each rule
    /// the field path, the rule and its limit. `None` for any other error,
    /// and for a value the builder could not convert (its message is all
    /// there is).
    fn violations(&self) -> Option<Violations>;

    /// Why an answer the operation documents could not be read at all: its
    /// body is not JSON, or not a JSON object (the error is then
    /// `Error::UnexpectedResponse`, whose response keeps the status, the
    /// headers and the whole body). It names the status, the content type, an
    /// excerpt of the body and the parser's reason.
    fn unreadable_body(&self) -> Option<&UnreadableBody>;

    /// Why the user's session could not be had, when the call was made as
    /// a user ([`Client::as_user`](crate::Client::as_user)) and the service
    /// refused the registration (a banned user, a bad API key): the call
    /// was not sent. The error is then `Error::UnexpectedResponse` with the
    /// registration's answer. (A registration that failed in transit is
    /// `Error::Custom` naming the user.)
    fn session_error(&self) -> Option<&SessionError>;

    /// The wait the service asked for (`Retry-After`, in seconds or as an
    /// HTTP date) on the answer the call ended with. A call whose answer
    /// asks for a longer wait than the retry policy's
    /// [`max_retry_after`](crate::RetryPolicy::max_retry_after) or than
    /// what is left of its deadline ends at once with that answer, so this
    /// is when to try again.
    fn retry_after(&self) -> Option<std::time::Duration>;
}

impl ErrorExt for Error<ErrorBody> {
    fn error_body(&self) -> Option<&ErrorBody> {
        match self {
            Error::ErrorResponse(response) => Some(response.as_ref()),
            _ => None,
        }
    }

    fn kind(&self) -> Option<ErrorKind> {
        let status = self.status()?.as_u16();
        let kind = match self.error_code() {
            Some(code) if !matches!(code, ErrorCode::Unknown(_)) => kind_of_code(code),
            _ => kind_of_status(status),
        };
        if kind == Some(ErrorKind::Conflict) && mark(self, marks::EARLIER_ATTEMPT_SENT).is_some() {
            return Some(ErrorKind::EarlierAttemptLanded);
        }
        kind
    }

    fn reach(&self) -> Option<Reach> {
        if self.session_error().is_some() {
            return Some(Reach::NotSent);
        }
        match self {
            Error::InvalidRequest(_) => Some(Reach::NotSent),
            Error::CommunicationError(error) => Reach::of_error(error),
            Error::ErrorResponse(_) | Error::UnexpectedResponse(_) => {
                Reach::of_status(self.status()?)
            }
            _ => None,
        }
    }

    fn attempts(&self) -> Option<u32> {
        mark(self, marks::ATTEMPTS)?.parse().ok()
    }

    fn client_chosen_id(&self) -> Option<&str> {
        mark(self, marks::CLIENT_CHOSEN_ID)
    }

    fn body_made_by_client(&self) -> bool {
        mark(self, marks::MADE_BODY).is_some()
    }

    fn violations(&self) -> Option<Violations> {
        match self {
            Error::InvalidRequest(text) => Violations::parse(text),
            _ => None,
        }
    }

    fn unreadable_body(&self) -> Option<&UnreadableBody> {
        match self {
            Error::UnexpectedResponse(response) => response.extensions().get::<UnreadableBody>(),
            _ => None,
        }
    }

    fn session_error(&self) -> Option<&SessionError> {
        match self {
            Error::UnexpectedResponse(response) => response.extensions().get::<SessionError>(),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<std::time::Duration> {
        let headers = match self {
            Error::ErrorResponse(response) => response.headers(),
            Error::UnexpectedResponse(response) => response.headers(),
            _ => return None,
        };
        crate::retry::retry_after(headers)
    }
}

/// A [`marks`] header of an error answer, as text.
fn mark<'a>(error: &'a Error<ErrorBody>, name: &str) -> Option<&'a str> {
    let headers = match error {
        Error::ErrorResponse(response) => response.headers(),
        Error::UnexpectedResponse(response) => response.headers(),
        _ => return None,
    };
    headers.get(name)?.to_str().ok()
}
