//! Who a call acts as: a fixed bearer token, or a [`TokenSource`] asked
//! before every attempt. The token never appears in `Debug` output, logs or
//! errors.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::HeaderValue;

/// What a [`TokenSource`] returns: the token, or why there is none.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<String, TokenError>> + Send + 'a>>;

/// Where a client gets its bearer token when the token can change (user
/// tokens that expire, refreshed by your code).
///
/// The client asks before every attempt of a call, with `refresh: false`.
/// When the service answers 401 (code 400100), it asks once more with
/// `refresh: true`, and if that gives a token, sends the call once more with
/// it. A source should cache its token and only fetch a new one when it is
/// about to expire or when asked to refresh.
///
/// A closure works too: see [`token_source_fn`].
pub trait TokenSource: Send + Sync {
    /// The token to send; `refresh` is `true` after the service refused the
    /// last one.
    fn token(&self, refresh: bool) -> TokenFuture<'_>;
}

/// Why a [`TokenSource`] gave no token. The call fails with
/// `Error::Custom` holding this message (never a token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError(pub String);

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the token source gave no token: {}", self.0)
    }
}

impl std::error::Error for TokenError {}

/// A [`TokenSource`] from an async closure: `|refresh| async move { ... }`.
pub fn token_source_fn<F, Fut>(source: F) -> Arc<dyn TokenSource>
where
    F: Fn(bool) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, TokenError>> + Send + 'static,
{
    struct FnSource<F>(F);
    impl<F, Fut> TokenSource for FnSource<F>
    where
        F: Fn(bool) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, TokenError>> + Send + 'static,
    {
        fn token(&self, refresh: bool) -> TokenFuture<'_> {
            Box::pin((self.0)(refresh))
        }
    }
    Arc::new(FnSource(source))
}

/// How a client authenticates.
#[derive(Clone, Default)]
pub(crate) enum Auth {
    /// No token: `Client::new` without the builder.
    #[default]
    None,
    /// `Authorization: Bearer <token>`, ready to send (marked sensitive).
    Static(HeaderValue),
    /// A token that cannot go in a header (a newline in it): every call is
    /// refused before sending.
    Invalid,
    /// Asked before every attempt.
    Source(Arc<dyn TokenSource>),
}

impl Auth {
    /// `Auth::Static` for `token`, or `Auth::Invalid`.
    pub(crate) fn bearer(token: &str) -> Auth {
        match bearer_header(token) {
            Some(value) => Auth::Static(value),
            None => Auth::Invalid,
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

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Static(_) => f.write_str("Bearer(<redacted>)"),
            Auth::Invalid => f.write_str("Invalid"),
            Auth::Source(_) => f.write_str("TokenSource"),
        }
    }
}
