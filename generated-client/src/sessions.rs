//! Acting for users: [`Client::as_user`] and the session cache behind it.
//!
//! A user's access token comes from `registerSession` (with the network's
//! API key), after `createAuthToken` (with the server key) when the network
//! runs in secure mode. The client does that on a user's first call, keeps
//! the token in a bounded cache (least recently used out), renews it before
//! it expires and once when the service refuses it, and never runs two
//! registrations for one user at once: every call that needs the same
//! user's token while one is being fetched waits for it ([`TokenCell`]).

use std::fmt;
use std::future::Future;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use lru::LruCache;
use reqwest::header::HeaderValue;

use crate::auth::{Auth, Secret, TokenError, TokenFuture, TokenSource};
use crate::call::{Error, Facts};
use crate::error::{Detail, ErrorKind};
use crate::token_cell::{TokenCell, lock};
use crate::{Client, ErrorCode, types};

/// The `deviceId` sessions are registered with unless
/// [`ClientBuilder::device_id`](crate::ClientBuilder::device_id) says
/// otherwise: one "device" for everything this server does as a user.
pub const DEFAULT_DEVICE_ID: &str = "generated-client";

/// How many users' sessions a client keeps unless
/// [`ClientBuilder::session_cache_capacity`](crate::ClientBuilder::session_cache_capacity)
/// says otherwise.
pub const DEFAULT_SESSION_CACHE_CAPACITY: usize = 10_000;

/// How long before its `expiresAt` a session is renewed unless
/// [`ClientBuilder::session_renew_margin`](crate::ClientBuilder::session_renew_margin)
/// says otherwise.
pub const DEFAULT_SESSION_RENEW_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Why a client has no sessions: [`Client::as_user`] without an API key.
const NO_API_KEY: &str = "`as_user` needs the network's API key: set `ClientBuilder::api_key`";

/// Why a blank user id is refused.
const BLANK_USER: &str = "`as_user` was given a blank user id";

/// The session settings of a [`ClientBuilder`](crate::ClientBuilder).
#[derive(Clone, Debug)]
pub(crate) struct SessionSettings {
    pub(crate) api_key: Option<Secret>,
    pub(crate) server_key: Option<Secret>,
    pub(crate) device_id: String,
    pub(crate) capacity: usize,
    pub(crate) margin: Duration,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            api_key: None,
            server_key: None,
            device_id: DEFAULT_DEVICE_ID.to_owned(),
            capacity: DEFAULT_SESSION_CACHE_CAPACITY,
            margin: DEFAULT_SESSION_RENEW_MARGIN,
        }
    }
}

/// One user's token, shared by the calls made as that user.
type UserCell = TokenCell<Arc<SessionFailure>>;

/// Every user's session of one client (and of its handles).
pub(crate) struct Sessions {
    api_key: Secret,
    server_key: Option<Secret>,
    device_id: String,
    margin: Duration,
    /// Makes the registration calls: the client as built, acting for no one.
    registrar: Client,
    cache: Mutex<LruCache<Arc<str>, Arc<UserCell>>>,
    registrations: AtomicU64,
    auth_tokens: AtomicU64,
}

impl fmt::Debug for Sessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sessions")
            .field("api_key", &self.api_key)
            .field("server_key", &self.server_key)
            .field("device_id", &self.device_id)
            .field("margin", &self.margin)
            .field("cached_users", &lock(&self.cache).len())
            .finish_non_exhaustive()
    }
}

impl Sessions {
    /// Sessions registered through `registrar` (which must act for no one),
    /// or `None` without an API key.
    pub(crate) fn new(settings: SessionSettings, registrar: Client) -> Option<Sessions> {
        let capacity = NonZeroUsize::new(settings.capacity).unwrap_or(NonZeroUsize::MIN);
        Some(Sessions {
            api_key: settings.api_key?,
            server_key: settings.server_key,
            device_id: settings.device_id,
            margin: settings.margin,
            registrar,
            cache: Mutex::new(LruCache::new(capacity)),
            registrations: AtomicU64::new(0),
            auth_tokens: AtomicU64::new(0),
        })
    }

    /// The user's cell, made (and the least recently used one dropped, if
    /// the cache is full) if the user has none.
    fn cell(&self, user_id: &Arc<str>) -> Arc<UserCell> {
        let mut cache = lock(&self.cache);
        if let Some(cell) = cache.get(user_id.as_ref()) {
            return Arc::clone(cell);
        }
        let cell = Arc::new(TokenCell::default());
        cache.put(Arc::clone(user_id), Arc::clone(&cell));
        cell
    }

    /// Registers a session for `user_id`: its token, and when to renew it.
    async fn register(
        &self,
        user_id: &str,
    ) -> Result<(HeaderValue, Option<Instant>), Arc<SessionFailure>> {
        tracing::debug!(user_id, "registering a session");
        let auth_token = match &self.server_key {
            Some(key) => {
                self.auth_tokens.fetch_add(1, Ordering::Relaxed);
                let answer = self
                    .registrar
                    .create_auth_token()
                    .x_server_key(key.expose())
                    .body(types::CreateAuthTokenRequest {
                        user_id: Some(user_id.to_owned()),
                    })
                    .send()
                    .await;
                match answer {
                    Ok(answer) => Some(answer.into_inner().trim().to_owned()),
                    Err(error) => {
                        return Err(self.failure(
                            user_id,
                            SessionStep::CreateAuthToken,
                            error,
                            None,
                        ));
                    }
                }
            }
            None => None,
        };
        self.registrations.fetch_add(1, Ordering::Relaxed);
        let answer = self
            .registrar
            .register_session()
            .x_api_key(self.api_key.expose())
            .body(types::RegisterSessionRequest {
                user_id: user_id.to_owned(),
                device_id: self.device_id.clone(),
                auth_token: auth_token.clone(),
                device_info: None,
                display_name: None,
            })
            .send()
            .await;
        let session = match answer {
            Ok(answer) => answer.into_inner(),
            Err(error) => {
                return Err(self.failure(
                    user_id,
                    SessionStep::RegisterSession,
                    error,
                    auth_token.as_deref(),
                ));
            }
        };
        let header = session
            .access_token
            .as_deref()
            .filter(|token| !token.trim().is_empty())
            .and_then(crate::auth::bearer_header)
            .ok_or_else(|| {
                Arc::new(SessionFailure {
                    error: SessionError {
                        user_id: user_id.to_owned(),
                        step: SessionStep::RegisterSession,
                        status: Some(200),
                        code: None,
                        message: "the answer has no accessToken a header can carry".to_owned(),
                    },
                })
            })?;
        let clock = &self.registrar.inner.clock;
        let renew_at = renew_at(
            session.expires_at.as_deref(),
            self.margin,
            clock.now(),
            SystemTime::now(),
        );
        if renew_at.is_none() {
            tracing::warn!(
                user_id,
                "the session's expiresAt is missing, unreadable or too close: its token serves \
                 the calls waiting for it and is renewed on the next call"
            );
        }
        // A date past or unreadable: stale at once, after serving the
        // calls waiting for it.
        Ok((header, Some(renew_at.unwrap_or_else(|| clock.now()))))
    }

    /// What a failed registration step tells the calls that waited for it:
    /// a [`SessionError`] naming the user, the step, and the service's
    /// status, code and message if it answered. No key or token is kept in
    /// its text.
    fn failure(
        &self,
        user_id: &str,
        step: SessionStep,
        error: Error,
        auth_token: Option<&str>,
    ) -> Arc<SessionFailure> {
        let status = error.status().map(|status| status.as_u16());
        let code = error.code();
        let mut message = match (error.message(), error.unreadable_body()) {
            (Some(message), _) => message.to_owned(),
            (None, Some(unreadable)) => unreadable.to_string(),
            (None, None) => {
                // The cause says what failed in transit.
                let mut text = error.to_string();
                let mut cause = std::error::Error::source(&error);
                while let Some(inner) = cause {
                    text.push_str(": ");
                    text.push_str(&inner.to_string());
                    cause = inner.source();
                }
                text
            }
        };
        for secret in [
            Some(self.api_key.expose()),
            self.server_key.as_ref().map(Secret::expose),
            auth_token,
        ]
        .into_iter()
        .flatten()
        .filter(|secret| !secret.is_empty())
        {
            message = message.replace(secret, "<redacted>");
        }
        let error = SessionError {
            user_id: user_id.to_owned(),
            step,
            status,
            code,
            message,
        };
        tracing::warn!(%error, "no session");
        Arc::new(SessionFailure { error })
    }
}

/// When to renew a session whose `expiresAt` is `expires_at`: `margin`
/// before it. `None` when that is already past (or the date is missing or
/// unreadable): the token is then used for the calls waiting for it, and
/// renewed on the next call.
pub(crate) fn renew_at(
    expires_at: Option<&str>,
    margin: Duration,
    now: Instant,
    wall_now: SystemTime,
) -> Option<Instant> {
    let expires = chrono::DateTime::parse_from_rfc3339(expires_at?.trim()).ok()?;
    let left = SystemTime::from(expires).duration_since(wall_now).ok()?;
    let until_renewal = left.checked_sub(margin).filter(|d| !d.is_zero())?;
    now.checked_add(until_renewal)
}

/// One user's session, as a client handle carries it.
#[derive(Clone)]
pub(crate) struct UserSession {
    sessions: Arc<Sessions>,
    user_id: Arc<str>,
}

impl fmt::Debug for UserSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.user_id)
            .finish()
    }
}

impl UserSession {
    /// The user's token if it is cached and not due for renewal: no wait.
    pub(crate) fn cached(&self) -> Option<HeaderValue> {
        let clock = &self.sessions.registrar.inner.clock;
        self.sessions
            .cell(&self.user_id)
            .fresh(clock.now(), None)
            .ok()
    }

    /// The user's token: the cached one, or a new session's. `rejected` is
    /// the token the service refused, if that is why it is asked.
    ///
    /// Boxed, and typed `Send` by name: a registration is a call, whose
    /// hooks can ask for a token, so the future's type would contain itself.
    pub(crate) fn token<'a>(
        &'a self,
        rejected: Option<&'a HeaderValue>,
    ) -> Pin<Box<dyn Future<Output = Result<HeaderValue, Arc<SessionFailure>>> + Send + 'a>> {
        let sessions = &self.sessions;
        let clock = &sessions.registrar.inner.clock;
        Box::pin(async move {
            sessions
                .cell(&self.user_id)
                .get(
                    rejected,
                    || clock.now(),
                    || sessions.register(&self.user_id),
                )
                .await
        })
    }
}

impl TokenSource for UserSession {
    fn token<'a>(&'a self, rejected: Option<&'a str>) -> TokenFuture<'a> {
        let as_text =
            |header: &HeaderValue| crate::auth::token_of(header).unwrap_or_default().to_owned();
        if rejected.is_none()
            && let Some(header) = self.cached()
        {
            return Box::pin(std::future::ready(Ok(as_text(&header))));
        }
        Box::pin(async move {
            let rejected = rejected.and_then(crate::auth::bearer_header);
            let header = UserSession::token(self, rejected.as_ref())
                .await
                .map_err(|failure| TokenError::new(failure.error.to_string()))?;
            Ok(as_text(&header))
        })
    }
}

impl Client {
    /// A handle that acts as the user `user_id`: its calls carry that
    /// user's access token, from `registerSession` on the user's first
    /// call (after `createAuthToken` when a
    /// [`server_key`](crate::ClientBuilder::server_key) is set), cached and
    /// renewed for you. Needs [`ClientBuilder::api_key`](crate::ClientBuilder::api_key).
    ///
    /// The handle is cheap (no request, no new connection: it shares this
    /// client's pool, settings and session cache), `Clone + Send + Sync +
    /// 'static`; make one per call if that suits you.
    ///
    /// - **Single flight**: however many calls for one user start at once,
    ///   one registration is made; the others wait for it and use its token.
    /// - **Renewal**: a session is used until its `expiresAt` minus the
    ///   [renew margin](crate::ClientBuilder::session_renew_margin), then
    ///   registered anew. When the service refuses a token (401), the call
    ///   asks for a new session once and is sent once more; every call that
    ///   was refused the same token shares that one renewal. An `expiresAt`
    ///   that is missing, unreadable or already past makes the token serve
    ///   the calls waiting for it, and the next call registers again.
    /// - **Failures**: a refused registration (a banned user, a bad API key),
    ///   or one that fails in transit, fails the call before it is sent, as
    ///   [`ErrorKind::Session`](crate::ErrorKind::Session):
    ///   [`Error::session_error`](crate::Error::session_error) names the
    ///   user, the step, and the service's status, code and message. It is
    ///   not cached: the next call for that user tries again (once).
    /// - **Memory**: at most [`session_cache_capacity`](crate::ClientBuilder::session_cache_capacity)
    ///   users are kept, the least recently used dropped first (BENCHMARKS.md
    ///   states the bytes per user).
    ///
    /// Without an API key, or with a blank `user_id`, every call of the
    /// handle fails before sending with
    /// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) saying so.
    pub fn as_user(&self, user_id: impl Into<String>) -> Client {
        let user_id: String = user_id.into();
        let mut handle = self.clone();
        handle.inner.auth = match &self.inner.sessions {
            _ if user_id.trim().is_empty() => Auth::Invalid(BLANK_USER),
            Some(sessions) => Auth::Session(UserSession {
                sessions: Arc::clone(sessions),
                user_id: Arc::from(user_id),
            }),
            None => Auth::Invalid(NO_API_KEY),
        };
        handle
    }

    /// The user's session as a [`TokenSource`], to compose with your own
    /// token handling; `None` without an API key.
    pub fn session_token_source(&self, user_id: impl Into<String>) -> Option<Arc<dyn TokenSource>> {
        let sessions = self.inner.sessions.as_ref()?;
        Some(Arc::new(UserSession {
            sessions: Arc::clone(sessions),
            user_id: Arc::from(user_id.into()),
        }))
    }

    /// Counts of this client's sessions (shared by all its handles); `None`
    /// without an API key.
    pub fn session_stats(&self) -> Option<SessionStats> {
        let sessions = self.inner.sessions.as_ref()?;
        Some(SessionStats {
            cached_users: lock(&sessions.cache).len(),
            registrations: sessions.registrations.load(Ordering::Relaxed),
            auth_tokens: sessions.auth_tokens.load(Ordering::Relaxed),
        })
    }
}

/// Counts of a client's sessions: [`Client::session_stats`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionStats {
    cached_users: usize,
    registrations: u64,
    auth_tokens: u64,
}

impl SessionStats {
    /// Users whose session is in the cache now.
    pub fn cached_users(&self) -> usize {
        self.cached_users
    }

    /// `registerSession` requests made so far (refused ones included).
    pub fn registrations(&self) -> u64 {
        self.registrations
    }

    /// `createAuthToken` requests made so far (secure mode).
    pub fn auth_tokens(&self) -> u64 {
        self.auth_tokens
    }
}

/// The step of a session's registration that failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SessionStep {
    /// `createAuthToken` (secure mode, with the server key).
    CreateAuthToken,
    /// `registerSession` (with the API key).
    RegisterSession,
}

impl SessionStep {
    /// The operation's id in the spec.
    pub fn operation(self) -> &'static str {
        match self {
            SessionStep::CreateAuthToken => "createAuthToken",
            SessionStep::RegisterSession => "registerSession",
        }
    }
}

/// Why a user has no session: the call made as that user
/// ([`Client::as_user`]) failed before it was sent. Its text names the
/// user, the step and what the service said; never a key or token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionError {
    user_id: String,
    step: SessionStep,
    status: Option<u16>,
    code: Option<ErrorCode>,
    message: String,
}

impl SessionError {
    /// The user the session was for.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// Which request failed.
    pub fn step(&self) -> SessionStep {
        self.step
    }

    /// The HTTP status of the service's answer, if it answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The service's error code, if its answer had one.
    pub fn code(&self) -> Option<ErrorCode> {
        self.code
    }

    /// What went wrong: the service's message, or the client's.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no session for user `{}`: {}",
            self.user_id,
            self.step.operation()
        )?;
        match (self.status, self.code) {
            (Some(status), Some(code)) => {
                write!(f, " answered HTTP {status} (code {})", code.code())?
            }
            (Some(status), None) => write!(f, " answered HTTP {status}")?,
            (None, _) => f.write_str(" failed")?,
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for SessionError {}

/// A failed registration, shared by the calls that waited for it.
pub(crate) struct SessionFailure {
    pub(crate) error: SessionError,
}

impl SessionFailure {
    /// The error of a call that needed this session.
    pub(crate) fn to_error(&self, facts: Facts) -> Error {
        Error::new(ErrorKind::Session, facts).with_detail(Detail::Session(self.error.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: Duration = Duration::from_secs(24 * 3600);

    #[test]
    fn a_session_is_renewed_its_margin_before_it_expires() {
        let now = Instant::now();
        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let expires = chrono::DateTime::<chrono::Utc>::from(wall + 30 * DAY).to_rfc3339();
        let margin = Duration::from_secs(300);
        assert_eq!(
            renew_at(Some(&expires), margin, now, wall),
            Some(now + 30 * DAY - margin)
        );
    }

    #[test]
    fn a_past_unreadable_missing_or_too_close_expiry_gives_no_renewal_time() {
        let now = Instant::now();
        let wall = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let margin = Duration::from_secs(300);
        let at = |offset: Duration, later: bool| {
            let when = if later { wall + offset } else { wall - offset };
            chrono::DateTime::<chrono::Utc>::from(when).to_rfc3339()
        };
        assert_eq!(renew_at(Some(&at(DAY, false)), margin, now, wall), None);
        assert_eq!(renew_at(Some(&at(margin, true)), margin, now, wall), None);
        assert_eq!(renew_at(Some("tomorrow"), margin, now, wall), None);
        assert_eq!(renew_at(None, margin, now, wall), None);
        assert!(renew_at(Some(&at(margin * 2, true)), margin, now, wall).is_some());
    }
}
