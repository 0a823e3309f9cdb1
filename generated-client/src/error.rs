//! Typed access to the service's error answers.

use crate::Error;
use crate::decode::UnreadableBody;
use crate::types::ErrorBody;

/// A documented error code of the service (the `code` field of an error
/// body), or [`ErrorCode::Unknown`] for a code this crate does not know yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// 400000: bad request.
    BadRequest,
    /// 400100: unauthorized (missing, invalid or expired token).
    Unauthorized,
    /// 400300: forbidden.
    Forbidden,
    /// 400301: permission denied.
    PermissionDenied,
    /// 400302: the user is muted.
    UserMuted,
    /// 400303: the channel is muted.
    ChannelMuted,
    /// 400304: the user is banned from the channel.
    BannedFromChannel,
    /// 400305: the channel's member limit is exceeded.
    MemberLimitExceeded,
    /// 400307: maximum repetition exceeded.
    MaxRepetitionExceeded,
    /// 400308: the content contains a banned word.
    BannedWord,
    /// 400309: the content contains a link that is not allowed.
    LinkNotAllowed,
    /// 400311: rate limit exceeded (sent with HTTP 429).
    RateLimitExceeded,
    /// 400312: the user is globally banned.
    GloballyBanned,
    /// 400400: item not found.
    ItemNotFound,
    /// 400900: conflict (duplicate data), e.g. a create with an id that exists.
    Conflict,
    /// 500000: business logic or unexpected error.
    BusinessError,
    /// A code not in the documented list, kept as it came.
    Unknown(i64),
}

impl ErrorCode {
    /// The code for a number.
    pub fn from_code(code: i64) -> ErrorCode {
        match code {
            400000 => ErrorCode::BadRequest,
            400100 => ErrorCode::Unauthorized,
            400300 => ErrorCode::Forbidden,
            400301 => ErrorCode::PermissionDenied,
            400302 => ErrorCode::UserMuted,
            400303 => ErrorCode::ChannelMuted,
            400304 => ErrorCode::BannedFromChannel,
            400305 => ErrorCode::MemberLimitExceeded,
            400307 => ErrorCode::MaxRepetitionExceeded,
            400308 => ErrorCode::BannedWord,
            400309 => ErrorCode::LinkNotAllowed,
            400311 => ErrorCode::RateLimitExceeded,
            400312 => ErrorCode::GloballyBanned,
            400400 => ErrorCode::ItemNotFound,
            400900 => ErrorCode::Conflict,
            500000 => ErrorCode::BusinessError,
            other => ErrorCode::Unknown(other),
        }
    }

    /// The number the service sends.
    pub fn code(self) -> i64 {
        match self {
            ErrorCode::BadRequest => 400000,
            ErrorCode::Unauthorized => 400100,
            ErrorCode::Forbidden => 400300,
            ErrorCode::PermissionDenied => 400301,
            ErrorCode::UserMuted => 400302,
            ErrorCode::ChannelMuted => 400303,
            ErrorCode::BannedFromChannel => 400304,
            ErrorCode::MemberLimitExceeded => 400305,
            ErrorCode::MaxRepetitionExceeded => 400307,
            ErrorCode::BannedWord => 400308,
            ErrorCode::LinkNotAllowed => 400309,
            ErrorCode::RateLimitExceeded => 400311,
            ErrorCode::GloballyBanned => 400312,
            ErrorCode::ItemNotFound => 400400,
            ErrorCode::Conflict => 400900,
            ErrorCode::BusinessError => 500000,
            ErrorCode::Unknown(code) => code,
        }
    }
}

impl ErrorBody {
    /// The typed error code, when the body has one.
    pub fn error_code(&self) -> Option<ErrorCode> {
        self.code.map(ErrorCode::from_code)
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

    /// Whether the answer was HTTP 429 or code 400311 (after the retries the
    /// client's [`RetryPolicy`](crate::RetryPolicy) allowed).
    fn is_rate_limited(&self) -> bool;

    /// Whether the item was not found: HTTP 404 or code 400400.
    fn is_not_found(&self) -> bool;

    /// Whether the token was refused: HTTP 401 or code 400100.
    fn is_unauthorized(&self) -> bool;

    /// Whether the caller may not do this: HTTP 403 or a 4003xx code.
    fn is_forbidden(&self) -> bool;

    /// Why an answer the operation documents could not be read at all: its
    /// body is not JSON, or not a JSON object (the error is then
    /// `Error::UnexpectedResponse`, whose response keeps the status, the
    /// headers and the whole body). It names the status, the content type, an
    /// excerpt of the body and the parser's reason.
    fn unreadable_body(&self) -> Option<&UnreadableBody>;

    /// Whether the item already exists: code 400900 (a retried create that
    /// carried a client-chosen id answers this when its first attempt landed).
    fn is_conflict(&self) -> bool {
        self.error_code() == Some(ErrorCode::Conflict)
    }
}

impl ErrorExt for Error<ErrorBody> {
    fn error_body(&self) -> Option<&ErrorBody> {
        match self {
            Error::ErrorResponse(response) => Some(response.as_ref()),
            _ => None,
        }
    }

    fn unreadable_body(&self) -> Option<&UnreadableBody> {
        match self {
            Error::UnexpectedResponse(response) => response.extensions().get::<UnreadableBody>(),
            _ => None,
        }
    }

    fn is_rate_limited(&self) -> bool {
        self.status().is_some_and(|s| s.as_u16() == 429)
            || self.error_code() == Some(ErrorCode::RateLimitExceeded)
    }

    fn is_not_found(&self) -> bool {
        self.status().is_some_and(|s| s.as_u16() == 404)
            || self.error_code() == Some(ErrorCode::ItemNotFound)
    }

    fn is_unauthorized(&self) -> bool {
        self.status().is_some_and(|s| s.as_u16() == 401)
            || self.error_code() == Some(ErrorCode::Unauthorized)
    }

    fn is_forbidden(&self) -> bool {
        self.status().is_some_and(|s| s.as_u16() == 403)
            || self
                .error_code()
                .is_some_and(|c| (400300..400400).contains(&c.code()))
    }
}
