//! [`TokenCell`]: a token many calls share, fetched by one of them at a
//! time; and [`renewing_token_source`], a [`TokenSource`] built on it for
//! your own token fetching.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;

use crate::auth::{TokenError, TokenFuture, TokenSource};

/// A token that many calls share, fetched by one of them at a time.
///
/// A call finds the token here if it is fresh (and is not the one the
/// service just refused); otherwise it waits its turn to fetch one. If a
/// fetch ended while it waited, it takes that fetch's outcome (token or
/// failure) instead of fetching again: so any number of concurrent calls
/// make one fetch, and a failure is shared by the calls that waited for it
/// but not kept for later ones.
pub(crate) struct TokenCell<E> {
    state: Mutex<CellState<E>>,
    /// Held while fetching: one fetch at a time.
    flight: tokio::sync::Mutex<()>,
}

struct CellState<E> {
    token: Option<HeaderValue>,
    /// When the token stops being fresh; `None`: when it is refused.
    renew_at: Option<Instant>,
    /// Fetches ended so far (with a token or a failure).
    fetches: u64,
    /// The last fetch's failure, if it failed.
    failure: Option<E>,
}

impl<E> Default for TokenCell<E> {
    fn default() -> Self {
        TokenCell {
            state: Mutex::new(CellState {
                token: None,
                renew_at: None,
                fetches: 0,
                failure: None,
            }),
            flight: tokio::sync::Mutex::new(()),
        }
    }
}

impl<E: Clone> TokenCell<E> {
    /// The token if it is fresh at `now` and not `rejected`; otherwise the
    /// number of fetches ended so far.
    pub(crate) fn fresh(
        &self,
        now: Instant,
        rejected: Option<&HeaderValue>,
    ) -> Result<HeaderValue, u64> {
        let state = lock(&self.state);
        match (&state.token, state.renew_at) {
            (Some(token), renew_at)
                if renew_at.is_none_or(|renew_at| now < renew_at) && Some(token) != rejected =>
            {
                Ok(token.clone())
            }
            _ => Err(state.fetches),
        }
    }

    /// The token: the fresh one, the outcome of a fetch that ended while
    /// this call waited, or a new fetch's (`fetch` gives the token and when
    /// it stops being fresh, `None` for when it is refused).
    pub(crate) async fn get<F, Fut>(
        &self,
        rejected: Option<&HeaderValue>,
        now: impl Fn() -> Instant,
        fetch: F,
    ) -> Result<HeaderValue, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(HeaderValue, Option<Instant>), E>>,
    {
        let seen = match self.fresh(now(), rejected) {
            Ok(token) => return Ok(token),
            Err(seen) => seen,
        };
        let _turn = self.flight.lock().await;
        {
            let state = lock(&self.state);
            if state.fetches != seen {
                if let Some(failure) = &state.failure {
                    return Err(failure.clone());
                }
                if let Some(token) = state.token.as_ref().filter(|t| Some(*t) != rejected) {
                    return Ok(token.clone());
                }
            }
        }
        let outcome = fetch().await;
        let mut state = lock(&self.state);
        state.fetches += 1;
        match outcome {
            Ok((token, renew_at)) => {
                state.token = Some(token.clone());
                state.renew_at = renew_at;
                state.failure = None;
                Ok(token)
            }
            Err(failure) => {
                state.token = None;
                state.renew_at = None;
                state.failure = Some(failure.clone());
                Err(failure)
            }
        }
    }
}

/// Locks `mutex`, also after a panic elsewhere (the state is always whole).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A token your code fetches, and how long it may be used.
#[derive(Clone)]
#[non_exhaustive]
pub struct FreshToken {
    token: String,
    valid_for: Option<Duration>,
}

impl FreshToken {
    /// `token`, used until the service refuses it (see
    /// [`valid_for`](Self::valid_for) to renew it sooner).
    pub fn new(token: impl Into<String>) -> FreshToken {
        FreshToken {
            token: token.into(),
            valid_for: None,
        }
    }

    /// Renews the token once `valid_for` has passed since it was fetched
    /// (give its lifetime minus a margin).
    pub fn valid_for(mut self, valid_for: Duration) -> FreshToken {
        self.valid_for = Some(valid_for);
        self
    }
}

impl std::fmt::Debug for FreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FreshToken")
            .field("token", &"<redacted>")
            .field("valid_for", &self.valid_for)
            .finish()
    }
}

/// A [`TokenSource`] that holds one token and gets a new one from `fetch`
/// when it has none, when it is past its [`FreshToken::valid_for`], or when
/// the service refused the token it holds. It fetches **one at a time**:
/// every call that needs a token meanwhile waits and takes that fetch's
/// outcome, and a call refused an older token (which another call has
/// renewed already) gets the held one without a fetch. So a hundred calls
/// refused the same token make one fetch. A failed fetch is shared by the
/// calls that waited for it, not kept: the next call fetches again.
///
/// ```
/// use std::time::Duration;
/// use generated_client::{Client, FreshToken, TokenError, renewing_token_source};
///
/// async fn fetch_service_token() -> Result<FreshToken, TokenError> {
///     // Your identity service here.
///     Ok(FreshToken::new("service-token").valid_for(Duration::from_secs(3000)))
/// }
///
/// let client = Client::builder()
///     .token_source(renewing_token_source(fetch_service_token))
///     .build()
///     .expect("valid settings");
/// # let _ = client;
/// ```
pub fn renewing_token_source<F, Fut>(fetch: F) -> Arc<dyn TokenSource>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<FreshToken, TokenError>> + Send + 'static,
{
    Arc::new(Renewing {
        cell: TokenCell::default(),
        fetch,
    })
}

/// [`renewing_token_source`]'s source.
struct Renewing<F> {
    cell: TokenCell<TokenError>,
    fetch: F,
}

impl<F, Fut> TokenSource for Renewing<F>
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<FreshToken, TokenError>> + Send + 'static,
{
    fn token<'a>(&'a self, rejected: Option<&'a str>) -> TokenFuture<'a> {
        Box::pin(async move {
            let rejected = rejected.and_then(crate::auth::bearer_header);
            let header = self
                .cell
                .get(rejected.as_ref(), Instant::now, || async {
                    let fresh = (self.fetch)().await?;
                    let header = crate::auth::bearer_header(&fresh.token).ok_or_else(|| {
                        TokenError::new(
                            "the token fetched holds characters an HTTP header cannot carry",
                        )
                    })?;
                    let renew_at = fresh.valid_for.map(|valid_for| {
                        Instant::now()
                            .checked_add(valid_for)
                            .unwrap_or_else(Instant::now)
                    });
                    Ok((header, renew_at))
                })
                .await?;
            Ok(crate::auth::token_of(&header)
                .unwrap_or_default()
                .to_owned())
        })
    }
}
