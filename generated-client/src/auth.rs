//! Who a call acts as: a fixed bearer token, a [`TokenSource`] asked before
//! every attempt, or a user's session ([`Client::as_user`](crate::Client::as_user)).
//! No token or key appears in `Debug` output, logs or errors.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::call::{Error, Facts};
use crate::error::{Detail, ErrorKind};
use reqwest::header::HeaderValue;

use crate::clock::Clock;

use crate::sessions::UserSession;

/// What a [`TokenSource`] returns: the token, or why there is none.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, TokenError>> + Send + 'a>>;

/// Where a client gets its bearer token when the token can change (user
/// tokens that expire, renewed by your code).
///
/// The client asks before a call's first attempt and before each retry with
/// `rejected: None`. When the service answers 401 (code 400100), it asks
/// once more with `rejected: Some(token)`, the token the service refused,
/// and if that gives a different token it sends the call once more with it.
///
/// Many calls can see the same token refused at once (a token revoked while
/// a hundred calls are in flight). Telling the source *which* token was
/// refused lets one renewal serve them all: renew only when `rejected` is
/// the token you hold; when it is an older one, another call has renewed
/// already, so return the token you hold. Sessions ([`Client::as_user`](crate::Client::as_user))
/// work this way, with one renewal at a time per user.
///
/// The call's deadline ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline))
/// covers the time a source takes: a source still working when it passes
/// fails the call.
///
/// A closure works too: see [`token_source_fn`].
pub trait TokenSource: Send + Sync {
    /// The token to send; `rejected` is the token the service refused last
    /// (a 401), if that is why the client asks.
    fn token<'a>(&'a self, rejected: Option<&'a str>) -> TokenFuture<'a>;
}

/// Why a [`TokenSource`] gave no token. The call fails with
/// [`ErrorKind::Token`](crate::ErrorKind::Token), this as its
/// [`source`](std::error::Error::source). Never put a token in it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenError {
    reason: String,
}

impl TokenError {
    /// A failure saying `reason` (e.g. `the identity provider answered 503`).
    pub fn new(reason: impl Into<String>) -> TokenError {
        TokenError {
            reason: reason.into(),
        }
    }

    /// What the source said.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the token source gave no token: {}", self.reason)
    }
}

impl std::error::Error for TokenError {}

/// A [`TokenSource`] from an async closure: `|rejected| async move { ... }`,
/// where `rejected` is the refused token after a 401 and `None` otherwise.
pub fn token_source_fn<F, Fut>(source: F) -> Arc<dyn TokenSource>
where
    F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, TokenError>> + Send + 'static,
{
    struct FnSource<F>(F);
    impl<F, Fut> TokenSource for FnSource<F>
    where
        F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, TokenError>> + Send + 'static,
    {
        fn token<'a>(&'a self, rejected: Option<&'a str>) -> TokenFuture<'a> {
            Box::pin((self.0)(rejected.map(str::to_owned)))
        }
    }
    Arc::new(FnSource(source))
}

/// How a client authenticates.
#[derive(Clone, Default)]
pub(crate) enum Auth {
    /// No token: a client built with only an API key, or `Client::new`
    /// without the builder.
    #[default]
    None,
    /// `Authorization: Bearer <token>`, ready to send (marked sensitive).
    Static(HeaderValue),
    /// Every call is refused before sending, for this reason (a token that
    /// cannot go in a header, a blank one, ...). Never holds the token.
    Invalid(&'static str),
    /// Asked before every attempt.
    Source(Arc<dyn TokenSource>),
    /// A user's session, registered on first use and cached.
    Session(UserSession),
}

/// Why a blank token is refused by [`Client::with_token`](crate::Client::with_token).
pub(crate) const BLANK_TOKEN: &str =
    "the bearer token given to `with_token` is blank (empty or only whitespace)";

/// Why a token a header cannot carry is refused.
pub(crate) const UNSENDABLE_TOKEN: &str =
    "the bearer token holds characters an HTTP header cannot carry (e.g. a newline)";

impl Auth {
    /// `Auth::Static` for `token`, or `Auth::Invalid` for a blank token or
    /// one a header cannot carry.
    pub(crate) fn bearer(token: &str) -> Auth {
        if token.trim().is_empty() {
            return Auth::Invalid(BLANK_TOKEN);
        }
        match bearer_header(token) {
            Some(value) => Auth::Static(value),
            None => Auth::Invalid(UNSENDABLE_TOKEN),
        }
    }
}

/// `Bearer <token>` as a sensitive header value; `None` if the token holds
/// characters a header cannot carry.
pub(crate) fn bearer_header(token: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::try_from(format!("Bearer {token}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The token in a `Bearer <token>` header value.
pub(crate) fn token_of(value: &HeaderValue) -> Option<&str> {
    value.to_str().ok()?.strip_prefix("Bearer ")
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Static(_) => f.write_str("Bearer(<redacted>)"),
            Auth::Invalid(reason) => write!(f, "Invalid({reason:?})"),
            Auth::Source(_) => f.write_str("TokenSource"),
            Auth::Session(session) => fmt::Debug::fmt(session, f),
        }
    }
}

/// A key or token held by the client: its `Debug` and `Display` show
/// `<redacted>`, never the value.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(Arc<str>);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Secret {
        Secret(Arc::from(value.into()))
    }

    /// The value, to send.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why a call got no token.
pub(crate) enum TokenFailure {
    /// The token source failed, or gave a token a header cannot carry.
    Source(TokenError),
    /// A user's session could not be registered.
    Session(Arc<crate::sessions::SessionFailure>),
    /// The call's deadline passed while waiting for the token.
    Deadline(Duration),
}

impl TokenFailure {
    /// The error the call fails with.
    pub(crate) fn to_error(&self, facts: Facts) -> Error {
        match self {
            TokenFailure::Source(error) => {
                Error::new(ErrorKind::Token, facts).with_source(error.clone())
            }
            TokenFailure::Session(failure) => failure.to_error(facts),
            TokenFailure::Deadline(left) => Error::new(ErrorKind::DeadlineExceeded, facts)
                .with_detail(Detail::Reason(format!(
                    "no token within the call's deadline ({} ms left): the token source or the \
                     session's registration took longer",
                    left.as_millis()
                ))),
        }
    }
}

/// The `Authorization` value from a token source or a user's session, asked
/// within what is left of the call's `deadline` (a user's cached token is
/// taken at once). `rejected` is the value the service refused, if that is
/// why it is asked. Never holds the token in a failure.
pub(crate) async fn auth_header(
    auth: &Auth,
    rejected: Option<&HeaderValue>,
    deadline: Option<Instant>,
    clock: &dyn Clock,
) -> Result<HeaderValue, TokenFailure> {
    if let Auth::Session(session) = auth
        && rejected.is_none()
        && let Some(value) = session.cached()
    {
        return Ok(value);
    }
    let fetch = async {
        match auth {
            Auth::Source(source) => {
                let rejected = rejected.and_then(crate::auth::token_of);
                let token = source.token(rejected).await.map_err(TokenFailure::Source)?;
                crate::auth::bearer_header(&token).ok_or_else(|| {
                    TokenFailure::Source(TokenError::new(
                        "the token source gave a token an HTTP header cannot carry (e.g. a newline)",
                    ))
                })
            }
            Auth::Session(session) => session.token(rejected).await.map_err(TokenFailure::Session),
            // Asked only of a source or a session.
            Auth::None | Auth::Static(_) | Auth::Invalid(_) => Err(TokenFailure::Source(
                TokenError::new("this client has no token source"),
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
pub(crate) async fn retry_token(
    auth: &Auth,
    rejected: Option<&HeaderValue>,
    deadline: Option<Instant>,
    clock: &dyn Clock,
) -> Option<HeaderValue> {
    match auth_header(auth, rejected, deadline, clock).await {
        Ok(value) => Some(value),
        Err(failure) => {
            let reason = match &failure {
                TokenFailure::Source(error) => error.reason().to_owned(),
                TokenFailure::Session(failure) => failure.error.to_string(),
                TokenFailure::Deadline(_) => "the call's deadline passed".to_owned(),
            };
            tracing::warn!(%reason, "no token for a retry");
            None
        }
    }
}
