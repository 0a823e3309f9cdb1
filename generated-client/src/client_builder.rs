//! [`ClientBuilder`]: the way to make a [`Client`] for a region, with a token,
//! timeouts, retries and a user agent.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::auth::Auth;
use crate::{AfterSend, Client, ClientState, Clock, Region, RetryPolicy, TokenSource};

/// The default time one attempt of a request may take, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default `User-Agent`: this crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

impl Client {
    /// Starts a [`ClientBuilder`]: region [`Region::Us`], no token yet,
    /// [`DEFAULT_TIMEOUT`], 2 retries ([`RetryPolicy::default`]).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }
}

/// A bearer token. Its `Debug` never shows the value.
#[derive(Clone, Default)]
struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("None")
        } else {
            f.write_str("Some(\"<redacted>\")")
        }
    }
}

/// A token source in the builder, shown in `Debug` by its presence only.
#[derive(Clone)]
struct TokenSourceSlot(Arc<dyn TokenSource>);

impl fmt::Debug for TokenSourceSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSource")
    }
}

/// Builds a [`Client`]. Every setting has a default but the token.
///
/// ```
/// use std::time::Duration;
/// use generated_client::{Client, ClientInfo, Region};
///
/// let client = Client::builder()
///     .region(Region::Eu)
///     .bearer_token("my-token")
///     .timeout(Duration::from_secs(10))
///     .max_retries(3)
///     .build()
///     .expect("valid settings");
/// assert_eq!(client.baseurl(), "https://apix.eu.amity.co");
/// ```
#[derive(Clone, Debug)]
pub struct ClientBuilder {
    base_url: String,
    token: Token,
    token_source: Option<TokenSourceSlot>,
    http: Option<reqwest::Client>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
    /// What the client carries into every call (retries, validation).
    state: ClientState,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: Region::default().base_url().to_owned(),
            token: Token::default(),
            token_source: None,
            http: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            state: ClientState::default(),
        }
    }
}

impl ClientBuilder {
    /// Sends requests to `region`'s host (replaces any [`base_url`](Self::base_url)).
    pub fn region(mut self, region: Region) -> Self {
        self.base_url = region.base_url().to_owned();
        self
    }

    /// Sends requests to `base_url` instead of a region's host: a proxy, or a
    /// mock server in tests. A trailing `/` is ignored.
    pub fn base_url(mut self, base_url: &str) -> Self {
        self.base_url = base_url.trim_end_matches('/').to_owned();
        self
    }

    /// The token sent as `Authorization: Bearer <token>` with every request.
    /// Required. It never appears in `Debug` output or in errors.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Token(token.into());
        self
    }

    /// Where the token comes from when it can change: asked before every
    /// attempt, and asked for a fresh one once when the service answers 401
    /// (see [`TokenSource`]). Replaces [`bearer_token`](Self::bearer_token).
    pub fn token_source(mut self, source: Arc<dyn TokenSource>) -> Self {
        self.token_source = Some(TokenSourceSlot(source));
        self
    }

    /// Sends through your own `reqwest::Client` (a proxy, custom TLS, a pool
    /// shared with other code). The token, the user agent, the attempt
    /// [`timeout`](Self::timeout) and the retry policy still apply, per
    /// request; [`connect_timeout`](Self::connect_timeout) does not: the
    /// given client keeps its own connection settings (connect timeout,
    /// TLS, proxies, pool) and its default headers.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How long one attempt may take, from connecting to the end of the body.
    /// Default [`DEFAULT_TIMEOUT`]. The whole call, retries included, is
    /// bounded by [`deadline`](Self::deadline).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest one call may take, every attempt and wait included
    /// (default [`DEFAULT_DEADLINE`](crate::DEFAULT_DEADLINE), 60 s). An
    /// attempt's timeout is shortened to the time left; a retry whose wait
    /// (backoff or `Retry-After`) would end past it is not made, and the
    /// last answer is returned.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.state.retry.deadline = deadline;
        self
    }

    /// Which failures that may have reached the service are retried (see
    /// [`RetryPolicy`]); default [`AfterSend::WhenSafe`].
    /// [`AfterSend::Always`] opts in to retrying every create, at the risk
    /// of creating twice.
    pub fn retry_after_send(mut self, after_send: AfterSend) -> Self {
        self.state.retry.after_send = after_send;
        self
    }

    /// Whether a create whose client-chosen id (`postId`, `messageId`,
    /// `channelId`) is left out, `null` or empty
    /// gets a new random one ([`new_client_chosen_id`](crate::new_client_chosen_id))
    /// before it is sent. Default `false`. With it every create is safe to
    /// retry after a failure that may have reached the service: the id stays
    /// the same across attempts, and a repeat that finds the earlier attempt
    /// landed is reported as [`ErrorKind::EarlierAttemptLanded`](crate::ErrorKind::EarlierAttemptLanded),
    /// with the id in [`ErrorExt::client_chosen_id`](crate::ErrorExt::client_chosen_id).
    /// A call that fails in transit carries no id back: set the id yourself
    /// when you must be able to look the item up after any failure.
    pub fn fill_client_ids(mut self, fill: bool) -> Self {
        self.state.fill_client_ids = fill;
        self
    }

    /// The clock the retry loop reads and waits on (default
    /// [`TokioClock`](crate::TokioClock)). Tests give one that records waits
    /// and returns at once.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.state.clock = clock;
        self
    }

    /// How long connecting may take. Default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Attempts after the first for a retryable failure; `0` turns retries
    /// off. Default 2. See [`RetryPolicy`].
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.state.retry.max_retries = max_retries;
        self
    }

    /// The whole retry policy (backoff and `Retry-After` caps included).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.state.retry = policy;
        self
    }

    /// The `User-Agent` header. Default [`DEFAULT_USER_AGENT`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Whether a request (its body and path parameters) is checked against
    /// the spec's documented limits before it is sent (default `true`). A
    /// request that breaks one is refused with `Error::InvalidRequest` naming
    /// the field and the limit ([`ErrorExt::violations`](crate::ErrorExt::violations)
    /// gives them as values). Turn it
    /// off if the service has relaxed a limit before the spec caught up; the
    /// check costs a few microseconds per request with a body (BENCHMARKS.md).
    pub fn validate_requests(mut self, validate: bool) -> Self {
        self.state.validate_requests = validate;
        self
    }

    /// Checks the settings and makes the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let url = reqwest::Url::parse(&self.base_url).map_err(|e| BuildError::InvalidBaseUrl {
            url: self.base_url.clone(),
            reason: e.to_string(),
            source: Some(Arc::new(e)),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BuildError::InvalidBaseUrl {
                url: self.base_url,
                reason: "the scheme must be http or https".to_owned(),
                source: None,
            });
        }
        let auth = match self.token_source {
            Some(TokenSourceSlot(source)) => Auth::Source(source),
            None if self.token.0.trim().is_empty() => return Err(BuildError::MissingToken),
            None => match Auth::bearer(&self.token.0) {
                Auth::Invalid => return Err(BuildError::InvalidToken),
                auth => auth,
            },
        };
        let user_agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| BuildError::InvalidUserAgent(self.user_agent.clone()))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| {
                    let e = e.without_url();
                    BuildError::Http {
                        reason: e.to_string(),
                        source: Arc::new(e),
                    }
                })?,
        };
        let mut state = self.state;
        state.attempt_timeout = self.timeout;
        state.auth = auth;
        state.user_agent = user_agent;
        Ok(Client::new_with_client(&self.base_url, http, state))
    }
}

impl Client {
    /// A handle that acts as another user: it sends `token` and shares
    /// everything else with this one (the connection pool, the settings,
    /// the retry policy). Cheap (no new HTTP client, no new connection), so
    /// a server acting for many users makes one per call. A token a header
    /// cannot carry (a newline in it) makes every call of the handle fail
    /// with `Error::InvalidRequest`, before sending. The token never appears
    /// in `Debug` output or errors.
    pub fn with_token(&self, token: &str) -> Client {
        let mut handle = self.clone();
        handle.inner.auth = Auth::bearer(token);
        handle
    }

    /// A handle that gets its token from `source` (see [`TokenSource`]),
    /// sharing everything else with this one.
    pub fn with_token_source(&self, source: Arc<dyn TokenSource>) -> Client {
        let mut handle = self.clone();
        handle.inner.auth = Auth::Source(source);
        handle
    }

    /// A handle with some settings changed for the calls made through it
    /// (this client is untouched): timeout, deadline, retry policy, extra
    /// headers, validation. It shares the connection pool and the token.
    ///
    /// ```
    /// use std::time::Duration;
    /// # let client = generated_client::Client::builder().bearer_token("t").build().unwrap();
    /// let patient = client.with_options(|o| {
    ///     o.timeout(Duration::from_secs(120)).max_retries(5);
    /// });
    /// assert_eq!(patient.inner().retry_policy().max_retries, 5);
    /// # use generated_client::ClientInfo;
    /// ```
    pub fn with_options(&self, set: impl FnOnce(&mut CallOptions<'_>)) -> Client {
        let mut handle = self.clone();
        set(&mut CallOptions {
            state: &mut handle.inner,
        });
        handle
    }
}

/// The settings [`Client::with_options`] can change on a handle.
pub struct CallOptions<'a> {
    state: &'a mut ClientState,
}

impl CallOptions<'_> {
    /// How long one attempt may take.
    pub fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.state.attempt_timeout = timeout;
        self
    }

    /// The longest a call may take, retries included.
    pub fn deadline(&mut self, deadline: Duration) -> &mut Self {
        self.state.retry.deadline = deadline;
        self
    }

    /// Attempts after the first for a retryable failure.
    pub fn max_retries(&mut self, max_retries: u32) -> &mut Self {
        self.state.retry.max_retries = max_retries;
        self
    }

    /// The whole retry policy.
    pub fn retry_policy(&mut self, policy: RetryPolicy) -> &mut Self {
        self.state.retry = policy;
        self
    }

    /// A header sent with every request of the handle (replacing one of the
    /// same name, the client's own included).
    pub fn header(&mut self, name: HeaderName, value: HeaderValue) -> &mut Self {
        Arc::make_mut(&mut self.state.headers).insert(name, value);
        self
    }

    /// Whether requests are checked against the documented rules before
    /// sending.
    pub fn validate_requests(&mut self, validate: bool) -> &mut Self {
        self.state.validate_requests = validate;
        self
    }

    /// Whether an empty client-chosen id is filled in.
    pub fn fill_client_ids(&mut self, fill: bool) -> &mut Self {
        self.state.fill_client_ids = fill;
        self
    }
}

/// The error underneath a [`BuildError`], kept as its `source()`.
type Source = Arc<dyn std::error::Error + Send + Sync>;

/// Why [`ClientBuilder::build`] refused its settings. The error underneath,
/// if any (the URL parser's, reqwest's), is its `source()`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// No token was given (or it was blank).
    MissingToken,
    /// The token holds characters a header cannot carry (a newline, say).
    /// The token itself is not repeated here.
    InvalidToken,
    /// The base URL does not parse or is not http(s).
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
        /// The URL parser's error, when it refused the URL.
        source: Option<Source>,
    },
    /// The user agent holds characters a header cannot carry.
    InvalidUserAgent(String),
    /// reqwest refused to build its client (e.g. no TLS backend).
    Http {
        /// reqwest's message.
        reason: String,
        /// reqwest's error.
        source: Source,
    },
}

/// Equal when of the same kind with the same text (the sources are compared
/// by their messages).
impl PartialEq for BuildError {
    fn eq(&self, other: &Self) -> bool {
        use BuildError::*;
        match (self, other) {
            (MissingToken, MissingToken) | (InvalidToken, InvalidToken) => true,
            (
                InvalidBaseUrl { url, reason, .. },
                InvalidBaseUrl {
                    url: other_url,
                    reason: other_reason,
                    ..
                },
            ) => url == other_url && reason == other_reason,
            (InvalidUserAgent(agent), InvalidUserAgent(other)) => agent == other,
            (Http { reason, .. }, Http { reason: other, .. }) => reason == other,
            _ => false,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingToken => f.write_str(
                "no bearer token: call `.bearer_token(..)` or `.token_source(..)` on the ClientBuilder",
            ),
            BuildError::InvalidToken => f.write_str(
                "the bearer token holds characters an HTTP header cannot carry (e.g. a newline)",
            ),
            BuildError::InvalidBaseUrl { url, reason, .. } => {
                write!(f, "invalid base URL `{url}`: {reason}")
            }
            BuildError::InvalidUserAgent(agent) => {
                write!(f, "invalid user agent `{agent}`: not a valid header value")
            }
            BuildError::Http { reason, .. } => write!(f, "cannot build the HTTP client: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::InvalidBaseUrl {
                source: Some(source),
                ..
            }
            | BuildError::Http { source, .. } => {
                Some(source.as_ref() as &(dyn std::error::Error + 'static))
            }
            _ => None,
        }
    }
}
