//! The time the retry loop reads and waits on, injectable so that tests (the
//! crate's and yours) prove waits and deadlines without sleeping.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

/// A future that completes when a wait is over.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Where the client reads the time and how it waits between attempts.
///
/// The default, [`TokioClock`], is tokio's clock. A test can give
/// [`ClientBuilder::clock`](crate::ClientBuilder::clock) a clock of its own
/// that records the waits and returns at once. (tokio's paused clock is no
/// substitute against a real socket: it jumps ahead while the client waits
/// for the server, so reqwest's own timeouts fire at once.)
///
/// Only the retry loop uses it (backoff and `Retry-After` waits, the call's
/// deadline); the timeout of one attempt is reqwest's, on real time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now.
    fn now(&self) -> Instant;
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

/// tokio's clock: [`tokio::time::Instant::now`] and [`tokio::time::sleep`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        Box::pin(tokio::time::sleep(duration))
    }
}
