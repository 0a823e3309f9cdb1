//! When and how long to wait before trying a request again.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The retry policy of a [`Client`](crate::Client).
///
/// Retried: connection failures (the request never reached the service) and
/// the statuses 408, 429, 500, 502, 503 and 504. Never retried: any other
/// status, and timeouts after the request was sent (it may have been applied).
///
/// The wait before retry `n` (0-based) is `initial_backoff * 2^n`, capped at
/// `max_backoff`, with full jitter (a random wait between half of that and all
/// of it). A `Retry-After` header (seconds or an HTTP date) replaces the backoff
/// when present, capped at `max_retry_after`.
///
/// Creates are not idempotent: a retried create whose first attempt reached the
/// service can create twice, unless the request carries an id the client chose
/// (`postId`, `messageId`, `channelId`, or a story's `referenceId`). Then the
/// second attempt fails with code 400900 (conflict, see
/// [`ErrorCode::Conflict`](crate::ErrorCode::Conflict)), which tells you the
/// first one landed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts after the first; `0` turns retries off. Default 2.
    pub max_retries: u32,
    /// The wait before the first retry, before jitter. Default 500 ms.
    pub initial_backoff: Duration,
    /// The longest backoff wait. Default 8 s.
    pub max_backoff: Duration,
    /// The longest wait a `Retry-After` header can ask for. Default 30 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Whether an answer with this status is tried again.
    pub fn is_retryable_status(&self, status: StatusCode) -> bool {
        matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
    }

    /// Whether a transport error is tried again: only when the connection
    /// failed, so the request cannot have reached the service.
    pub fn is_retryable_error(&self, error: &reqwest::Error) -> bool {
        error.is_connect()
    }

    /// How long to wait before retry `attempt` (0-based), given the failed
    /// answer's headers, if any.
    pub fn delay(&self, attempt: u32, headers: Option<&HeaderMap>) -> Duration {
        if let Some(wait) = headers.and_then(retry_after) {
            return wait.min(self.max_retry_after);
        }
        let exponential = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_backoff);
        // Full jitter between half and all of the backoff.
        let half = exponential / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// Parses `Retry-After` as delay-seconds or as an HTTP date.
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
