//! [`ClientBuilder`]: the way to make a [`Client`] for a region, with a token,
//! timeouts, retries and a user agent.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::auth::{Auth, Secret};
use crate::sessions::{SessionSettings, Sessions};
use crate::{AfterSend, Client, ClientState, Clock, Region, RetryPolicy, TokenSource};

/// The default time one attempt of a request may take, connection included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default `User-Agent`: this crate's name and version.
pub const DEFAULT_USER_AGENT: &str =
    concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
/// The default [`ClientBuilder::max_body_bytes`]: 32 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 32 * 1024 * 1024;
/// The default [`ClientBuilder::max_error_body_bytes`]: 64 KiB.
pub const DEFAULT_MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

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

/// Builds a [`Client`]. Every setting has a default but who the client acts
/// as: a [`bearer_token`](Self::bearer_token), a
/// [`token_source`](Self::token_source), or an [`api_key`](Self::api_key) to
/// act for users ([`Client::as_user`]).
///
/// ```
/// use std::time::Duration;
/// use generated_client::{Client, Region};
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
    sessions: SessionSettings,
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
            sessions: SessionSettings::default(),
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
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        let mut base_url = base_url.into();
        base_url.truncate(base_url.trim_end_matches('/').len());
        self.base_url = base_url;
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

    /// The network's API key, sent as `x-api-key` to `registerSession`:
    /// with it the client can act for users ([`Client::as_user`]), and a
    /// bearer token is no longer required. It never appears in `Debug`
    /// output, logs or errors.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.sessions.api_key = Some(Secret::new(key));
        self
    }

    /// The network's server key, for a network in secure mode: each
    /// session's `authToken` is then asked of `createAuthToken` (sent as
    /// `x-server-key`) before `registerSession`. Needs an
    /// [`api_key`](Self::api_key). It never appears in `Debug` output, logs
    /// or errors.
    pub fn server_key(mut self, key: impl Into<String>) -> Self {
        self.sessions.server_key = Some(Secret::new(key));
        self
    }

    /// The `deviceId` users' sessions are registered with (1 to 150
    /// characters). Default [`DEFAULT_DEVICE_ID`](crate::DEFAULT_DEVICE_ID).
    pub fn device_id(mut self, device_id: impl Into<String>) -> Self {
        self.sessions.device_id = device_id.into();
        self
    }

    /// How many users' sessions are kept (at least 1); past it the least
    /// recently used is dropped, and registered again if it acts again.
    /// Default [`DEFAULT_SESSION_CACHE_CAPACITY`](crate::DEFAULT_SESSION_CACHE_CAPACITY);
    /// BENCHMARKS.md gives the bytes per cached user.
    pub fn session_cache_capacity(mut self, users: usize) -> Self {
        self.sessions.capacity = users;
        self
    }

    /// How long before its `expiresAt` a session is renewed. Default
    /// [`DEFAULT_SESSION_RENEW_MARGIN`](crate::DEFAULT_SESSION_RENEW_MARGIN).
    pub fn session_renew_margin(mut self, margin: Duration) -> Self {
        self.sessions.margin = margin;
        self
    }

    /// The longest successful answer body read, in bytes (default
    /// [`DEFAULT_MAX_BODY_BYTES`], 32 MiB). A longer one is not read past
    /// the limit: the call fails with
    /// [`ErrorKind::BodyTooLarge`](crate::ErrorKind::BodyTooLarge), whose
    /// [`Error::unreadable_body`](crate::Error::unreadable_body) has the limit.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.state.max_body_bytes = bytes;
        self
    }

    /// The longest error answer body read, in bytes (default
    /// [`DEFAULT_MAX_ERROR_BODY_BYTES`], 64 KiB); past it, as
    /// [`max_body_bytes`](Self::max_body_bytes).
    pub fn max_error_body_bytes(mut self, bytes: usize) -> Self {
        self.state.max_error_body_bytes = bytes;
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
    /// with the id in [`Error::client_chosen_id`](crate::Error::client_chosen_id).
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
    /// request that breaks one is refused with [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) naming
    /// the field and the limit ([`Error::violations`](crate::Error::violations)
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
        self.check_sessions()?;
        let auth = match self.token_source {
            Some(TokenSourceSlot(source)) => Auth::Source(source),
            None if self.token.0.trim().is_empty() && self.sessions.api_key.is_some() => Auth::None,
            None if self.token.0.trim().is_empty() => return Err(BuildError::MissingToken),
            None => match Auth::bearer(&self.token.0) {
                Auth::Invalid(_) => return Err(BuildError::InvalidToken),
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
        state.user_agent = user_agent;
        // The registrations are made by the client as built, acting for no one.
        let registrar = Client::new_with_client(&self.base_url, http.clone(), state.clone());
        state.sessions = Sessions::new(self.sessions, registrar).map(Arc::new);
        state.auth = auth;
        Ok(Client::new_with_client(&self.base_url, http, state))
    }

    /// Refuses session settings that cannot work, naming the setting (never
    /// a key's value).
    fn check_sessions(&self) -> Result<(), BuildError> {
        let settings = &self.sessions;
        let invalid = |setting: &'static str, reason: &str| {
            Err(BuildError::InvalidSetting {
                setting,
                reason: reason.to_owned(),
            })
        };
        for (setting, key) in [
            ("api_key", &settings.api_key),
            ("server_key", &settings.server_key),
        ] {
            match key.as_ref().map(Secret::expose) {
                Some(key) if key.trim().is_empty() => return invalid(setting, "it is blank"),
                Some(key) if reqwest::header::HeaderValue::from_str(key).is_err() => {
                    return invalid(
                        setting,
                        "it holds characters an HTTP header cannot carry (e.g. a newline)",
                    );
                }
                _ => {}
            }
        }
        if settings.server_key.is_some() && settings.api_key.is_none() {
            return invalid(
                "server_key",
                "a server key needs an API key as well (`ClientBuilder::api_key`)",
            );
        }
        let device_length = settings.device_id.chars().count();
        if settings.device_id.trim().is_empty() || device_length > 150 {
            return invalid(
                "device_id",
                &format!("it must be 1 to 150 characters, not blank; it has {device_length}"),
            );
        }
        if settings.capacity == 0 {
            return invalid("session_cache_capacity", "it must be at least 1");
        }
        Ok(())
    }
}

impl Client {
    /// A handle that acts as another user: it sends `token` and shares
    /// everything else with this one (the connection pool, the settings,
    /// the retry policy). Cheap (no new HTTP client, no new connection), so
    /// a server acting for many users makes one per call. A blank token, or
    /// one a header cannot carry (a newline in it), makes every call of the
    /// handle fail with [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest), before sending, as
    /// [`ClientBuilder::build`] refuses them. The token never appears in
    /// `Debug` output or errors. To have the client get users' tokens
    /// itself, see [`Client::as_user`].
    pub fn with_token(&self, token: impl AsRef<str>) -> Client {
        let mut handle = self.clone();
        handle.inner.auth = Auth::bearer(token.as_ref());
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
    /// assert_eq!(patient.state().retry_policy().max_retries, 5);
    /// ```
    pub fn with_options(&self, set: impl FnOnce(&mut CallOptions<'_>)) -> Client {
        let mut handle = self.clone();
        set(&mut CallOptions {
            state: &mut handle.inner,
        });
        handle
    }
}

/// Why a handle whose options set `Authorization` refuses its calls.
const AUTHORIZATION_IN_OPTIONS: &str = "`Authorization` cannot be set through `CallOptions::header`: \
     use `Client::with_token`, `Client::with_token_source` or `Client::as_user`";

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
    /// same name, the client's own included), except `Authorization`: who
    /// a handle acts as is set by [`Client::with_token`],
    /// [`Client::with_token_source`] or [`Client::as_user`], so an
    /// `Authorization` given here is refused, not sent: every call of the
    /// handle then fails before sending with [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) saying
    /// so (until one of those sets who it acts as).
    pub fn header(&mut self, name: HeaderName, value: HeaderValue) -> &mut Self {
        if name == reqwest::header::AUTHORIZATION {
            self.state.auth = Auth::Invalid(AUTHORIZATION_IN_OPTIONS);
            return self;
        }
        Arc::make_mut(&mut self.state.headers).insert(name, value);
        self
    }

    /// The longest successful answer body read (see
    /// [`ClientBuilder::max_body_bytes`]).
    pub fn max_body_bytes(&mut self, bytes: usize) -> &mut Self {
        self.state.max_body_bytes = bytes;
        self
    }

    /// The longest error answer body read (see
    /// [`ClientBuilder::max_error_body_bytes`]).
    pub fn max_error_body_bytes(&mut self, bytes: usize) -> &mut Self {
        self.state.max_error_body_bytes = bytes;
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
    /// A setting cannot work: a blank key, a server key without an API
    /// key, a device id out of its 1 to 150 characters, a session cache of
    /// no users. A key's value is never repeated here.
    InvalidSetting {
        /// The builder method of the setting (`api_key`, `device_id`, ...).
        setting: &'static str,
        /// What is wrong with it.
        reason: String,
    },
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
            (
                InvalidSetting { setting, reason },
                InvalidSetting {
                    setting: other_setting,
                    reason: other_reason,
                },
            ) => setting == other_setting && reason == other_reason,
            (Http { reason, .. }, Http { reason: other, .. }) => reason == other,
            _ => false,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::MissingToken => f.write_str(
                "no bearer token: call `.bearer_token(..)`, `.token_source(..)` or, to act for users, `.api_key(..)` on the ClientBuilder",
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
            BuildError::InvalidSetting { setting, reason } => {
                write!(f, "invalid `{setting}`: {reason}")
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
