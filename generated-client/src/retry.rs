//! When a failed attempt is tried again, and how long to wait first: the
//! policy ([`RetryPolicy`]) and the loop that applies it to a call's
//! attempts (`send_with_retries`, run by the call runtime).

use std::time::{Duration, SystemTime};

use progenitor_client::OperationInfo;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, RETRY_AFTER};

use crate::auth::{Auth, retry_token};
use crate::call::Facts;
use crate::hooks::ClientState;
use crate::operations::{self, RetryClass};

/// The retry policy of a [`Client`](crate::Client).
///
/// Every failed attempt is classified by whether the request can have
/// reached the service ([`Reach`]):
///
/// | failure | [`Reach`] | retried |
/// |---|---|---|
/// | connection refused, DNS failure, TLS handshake failure, connect timeout | [`NotSent`](Reach::NotSent) | yes |
/// | HTTP 429 (rate limited, code 400311) | [`Refused`](Reach::Refused) | yes, after `Retry-After` |
/// | HTTP 408, 500, 502, 503, 504 | [`MaybeApplied`](Reach::MaybeApplied) | only if safe (below) |
/// | timeout, reset or broken connection after the request was written | [`MaybeApplied`](Reach::MaybeApplied) | only if safe (below) |
/// | any other status (400, 401, 403, 404, 409, ...), an invalid request | — | never |
///
/// Repeating a request that was applied can apply it twice, so a
/// [`MaybeApplied`](Reach::MaybeApplied) failure is retried only as
/// [`after_send`](Self::after_send) says. By default
/// ([`AfterSend::WhenSafe`]) that is when repeating is safe by the
/// operation's retry class, stated in the spec (`x-retry`, listed in
/// [`operations`](crate::operations)):
///
/// | class | operations | after a failure that may have reached the service |
/// |---|---|---|
/// | [`Idempotent`](crate::operations::RetryClass::Idempotent) | GET, PUT, DELETE (RFC 9110 §9.2.2) | retried |
/// | [`ClientChosenId`](crate::operations::RetryClass::ClientChosenId) | createPost, createMessage, createChannel | retried when the body carries the id |
/// | [`NotAfterSend`](crate::operations::RetryClass::NotAfterSend) | other POSTs (createStory, approvePost, ...) | not retried |
///
/// A create's client-chosen id (`postId`, `messageId`, `channelId`: the
/// spec's `x-client-chosen-id`, listed in [`client_ids`](crate::client_ids))
/// makes it safe: the service refuses a second create with the same id
/// (code 400900), so a repeat cannot create twice; if the repeat answers
/// 400900, the error says so:
/// [`Error::earlier_attempt_landed`](crate::Error::earlier_attempt_landed).
/// [`ClientBuilder::fill_client_ids`](crate::ClientBuilder::fill_client_ids)
/// makes every such create carry one.
///
/// The wait before retry `n` (0-based) is `initial_backoff * 2^n`, capped at
/// `max_backoff`, with *equal jitter*: a random wait between half of that and
/// all of it. A `Retry-After` header (seconds or an HTTP date) replaces the
/// backoff when present; when it asks for more than `max_retry_after`, or
/// for more than is left of the deadline, the call is not retried but ends
/// at once with that answer, whose wait
/// [`Error::retry_after`](crate::Error::retry_after) gives.
///
/// No call takes longer than [`deadline`](Self::deadline), all attempts and
/// waits included: an attempt's timeout is shortened to the time left, and a
/// retry whose wait would end past the deadline is not made (the last
/// answer is returned as it was).
///
/// It can gain settings in a minor release (`#[non_exhaustive]`): start from
/// `RetryPolicy::default()` and change what you need with the setters
/// (`RetryPolicy::default().max_retries(3).deadline(..)`) or the fields.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts after the first; `0` turns retries off. Default 2.
    pub max_retries: u32,
    /// The wait before the first retry, before jitter. Default 500 ms.
    pub initial_backoff: Duration,
    /// The longest backoff wait. Default 8 s.
    pub max_backoff: Duration,
    /// The longest wait a `Retry-After` header can ask for and still be
    /// retried. Default 30 s. An answer asking for longer (or for more
    /// than is left of the deadline) ends the call at once with that
    /// answer, its wait in [`Error::retry_after`](crate::Error::retry_after):
    /// the client never retries sooner than the service asked.
    pub max_retry_after: Duration,
    /// The longest one call may take, every attempt and wait included.
    /// Default 60 s ([`DEFAULT_DEADLINE`]).
    pub deadline: Duration,
    /// Whether a failure that may have reached the service is retried.
    /// Default [`AfterSend::WhenSafe`].
    pub after_send: AfterSend,
}

/// The default [`RetryPolicy::deadline`].
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// Whether a failed attempt can have reached the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reach {
    /// It cannot: the connection was never made (refused, DNS, TLS handshake,
    /// connect timeout).
    NotSent,
    /// It did, and the service refused it without acting on it (HTTP 429).
    Refused,
    /// It may have been applied: a 408 or 5xx answer, or a timeout or broken
    /// connection after the request was written.
    MaybeApplied,
}

impl Reach {
    /// What an error status says: a 408 or a 5xx may have been applied; any
    /// other 4xx was refused without acting on it. `None` for a status that
    /// is not an error.
    pub fn of_status(status: StatusCode) -> Option<Reach> {
        if status.is_server_error() || status.as_u16() == 408 {
            Some(Reach::MaybeApplied)
        } else if status.is_client_error() {
            Some(Reach::Refused)
        } else {
            None
        }
    }

    /// What a transport error says: a connection never made was not sent; a
    /// timeout or a broken connection after that may have been applied.
    /// `None` for other failures (a request that could not be built, a
    /// redirect loop).
    pub fn of_error(error: &reqwest::Error) -> Option<Reach> {
        if error.is_connect() {
            Some(Reach::NotSent)
        } else if error.is_timeout() || error.is_request() || error.is_body() {
            Some(Reach::MaybeApplied)
        } else {
            None
        }
    }
}

/// Which failures that may have reached the service are retried.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AfterSend {
    /// Only requests that are safe to repeat: an idempotent operation, or a
    /// create whose body carries its client-chosen id (non-empty), so that a
    /// repeat cannot create twice. The default.
    #[default]
    WhenSafe,
    /// Every request: you accept that a create may be applied twice.
    Always,
    /// None.
    Never,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            deadline: DEFAULT_DEADLINE,
            after_send: AfterSend::WhenSafe,
        }
    }
}

impl RetryPolicy {
    /// Sets the field `max_retries`.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the field `initial_backoff`.
    pub fn initial_backoff(mut self, wait: Duration) -> Self {
        self.initial_backoff = wait;
        self
    }

    /// Sets the field `max_backoff`.
    pub fn max_backoff(mut self, wait: Duration) -> Self {
        self.max_backoff = wait;
        self
    }

    /// Sets the field `max_retry_after`.
    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Sets the field `deadline`.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets the field `after_send`.
    pub fn after_send(mut self, after_send: AfterSend) -> Self {
        self.after_send = after_send;
        self
    }

    /// Whether an answer with this status may be retried (429, 408, 500,
    /// 502, 503, 504), and what it says about the request having reached the
    /// service ([`Reach::of_status`]); `None`: never retried.
    pub fn classify_status(&self, status: StatusCode) -> Option<Reach> {
        matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
            .then(|| Reach::of_status(status))
            .flatten()
    }

    /// Whether a transport error may be retried, and what it says about the
    /// request having reached the service ([`Reach::of_error`]); `None`:
    /// never retried (a request that could not be built, a redirect loop).
    pub fn classify_error(&self, error: &reqwest::Error) -> Option<Reach> {
        Reach::of_error(error)
    }

    /// Whether a failure of this kind is retried, given whether repeating
    /// the request is safe (an idempotent operation, or a create carrying its
    /// client-chosen id).
    pub fn allows(&self, reach: Reach, safe_to_repeat: bool) -> bool {
        match (reach, self.after_send) {
            (Reach::NotSent | Reach::Refused, _) => true,
            (Reach::MaybeApplied, AfterSend::Always) => true,
            (Reach::MaybeApplied, AfterSend::WhenSafe) => safe_to_repeat,
            (Reach::MaybeApplied, AfterSend::Never) => false,
        }
    }

    /// How long to wait before retry `attempt` (0-based), given the failed
    /// answer's headers, if any: the `Retry-After` wait (capped at
    /// `max_retry_after`; a call whose answer asks for more is not retried
    /// at all), else the backoff with equal jitter.
    pub fn delay(&self, attempt: u32, headers: Option<&HeaderMap>) -> Duration {
        self.delay_with(attempt, headers, fastrand::f64())
    }

    /// [`delay`](Self::delay) with the jitter given: `jitter` in `[0, 1)`
    /// picks the wait between half of the backoff (0) and all of it (1).
    pub fn delay_with(&self, attempt: u32, headers: Option<&HeaderMap>, jitter: f64) -> Duration {
        self.wait(attempt, headers.and_then(retry_after), jitter)
    }

    /// [`delay_with`](Self::delay_with) given the wait the answer asked
    /// for (`asked`, its `Retry-After`) rather than its headers.
    fn wait(&self, attempt: u32, asked: Option<Duration>, jitter: f64) -> Duration {
        if let Some(wait) = asked {
            return wait.min(self.max_retry_after);
        }
        let exponential = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_backoff);
        let half = exponential / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

/// Parses `Retry-After` as delay-seconds or as an HTTP date (against the
/// system's wall clock, as the date is).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// The attempts of one call: see [`RetryPolicy`]. With a token source or
/// a session, each retry asks for the token again, and a 401 asks once
/// for a new one (telling the source which token was refused) and sends
/// the call once more. What it learns goes into `facts`.
pub(crate) async fn send_with_retries(
    http: &reqwest::Client,
    state: &ClientState,
    request: reqwest::Request,
    info: &OperationInfo,
    span: &tracing::Span,
    facts: &mut Facts,
) -> reqwest::Result<reqwest::Response> {
    {
        let policy = &state.retry;
        let clock = &*state.clock;
        let renewable = matches!(state.auth, Auth::Source(_) | Auth::Session(_));
        // `pre` gives what is left of the deadline when it waited for a token.
        let left_at_start = request.timeout().copied().unwrap_or(policy.deadline);
        let deadline = clock.now().checked_add(left_at_start);
        let mut pending = request;
        let mut retries = 0;
        let mut renewed = false;
        loop {
            facts.attempts += 1;
            span.record("attempts", facts.attempts);
            // No attempt outlasts the call's deadline.
            let left = deadline.map(|d| d.saturating_duration_since(clock.now()));
            facts.cut_by_deadline = left.is_some_and(|left| left < state.attempt_timeout);
            *pending.timeout_mut() = Some(left.map_or(state.attempt_timeout, |left| {
                left.min(state.attempt_timeout)
            }));
            let mut spare = if retries < policy.max_retries || (renewable && !renewed) {
                pending.try_clone()
            } else {
                None
            };
            let result = http.execute(pending).await;
            let status = result.as_ref().ok().map(|r| r.status());
            // An answer, or a failure other than a connection never made.
            facts.reached |=
                result.as_ref().is_ok() || result.as_ref().is_err_and(|e| !e.is_connect());

            // A refused token: once, a new one, unless the source has none.
            if renewable
                && !renewed
                && status.map(|s| s.as_u16()) == Some(401)
                && let Some(mut again) = spare.take()
            {
                let rejected = again.headers().get(AUTHORIZATION).cloned();
                if let Some(value) =
                    retry_token(&state.auth, rejected.as_ref(), deadline, clock).await
                    && Some(&value) != rejected.as_ref()
                {
                    span.record("retry_reason", "401: token renewed");
                    tracing::debug!(
                        operation = info.operation_id,
                        "401: sending once more with a renewed token"
                    );
                    again.headers_mut().insert(AUTHORIZATION, value);
                    renewed = true;
                    drop(result);
                    pending = again;
                    continue;
                }
            }

            let reach = match &result {
                Ok(response) => policy.classify_status(response.status()),
                Err(error) => policy.classify_error(error),
            };
            let spare = spare.filter(|_| retries < policy.max_retries);
            if let (Some(reach), Some(mut spare)) = (reach, spare) {
                let class = operations::for_operation(info.operation_id).map(|op| op.retry());
                let chosen = (reach == Reach::MaybeApplied
                    && class == Some(RetryClass::ClientChosenId))
                .then(|| client_chosen_id(&spare, info.operation_id))
                .flatten();
                let safe_to_repeat = class == Some(RetryClass::Idempotent) || chosen.is_some();
                let asked = result.as_ref().ok().and_then(|r| retry_after(r.headers()));
                let wait = policy.wait(retries, asked, fastrand::f64());
                let in_time = deadline
                    .is_none_or(|d| clock.now().checked_add(wait).is_some_and(|end| end < d));
                // A server that asks for a longer wait than the policy
                // allows, or than the deadline leaves, gets it: the call
                // ends with its answer (whose `Retry-After` says the wait).
                let honoured = asked.is_none_or(|asked| asked <= policy.max_retry_after && in_time);
                if !honoured {
                    tracing::debug!(
                        operation = info.operation_id,
                        retry_after_ms = asked.map(|a| a.as_millis() as u64),
                        "the service asks for a longer wait than the retry policy or the \
                         deadline allows: the call ends with its answer"
                    );
                }
                // The token is asked for only for a retry that will be made.
                let token_ok = policy.allows(reach, safe_to_repeat)
                    && in_time
                    && honoured
                    && match renewable {
                        true => match retry_token(&state.auth, None, deadline, clock).await {
                            Some(value) => {
                                spare.headers_mut().insert(AUTHORIZATION, value);
                                true
                            }
                            None => false,
                        },
                        false => true,
                    };
                if token_ok {
                    let reason = match (status, reach) {
                        (Some(status), _) => status.as_str().to_owned(),
                        (None, Reach::NotSent) => "connection failed".to_owned(),
                        (None, _) => "failed after sending".to_owned(),
                    };
                    span.record("retry_reason", reason.as_str());
                    tracing::debug!(
                        operation = info.operation_id,
                        attempt = facts.attempts,
                        status = status.map(|s| s.as_u16()),
                        reach = ?reach,
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    if reach == Reach::MaybeApplied {
                        facts.earlier_attempt_sent = true;
                    }
                    drop(result);
                    clock.sleep(wait).await;
                    pending = spare;
                    retries += 1;
                    continue;
                }
            }
            return result;
        }
    }
}

/// The client-chosen id in `request`'s body, if the operation has one and
/// it is a non-empty string.
fn client_chosen_id(request: &reqwest::Request, operation_id: &str) -> Option<String> {
    crate::call::client_chosen_id_in(operation_id, request.body()?.as_bytes()?)
}
