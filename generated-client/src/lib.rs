#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod auth;
mod call;
mod client_builder;
mod clock;
mod decode;
mod error;
mod hooks;
pub mod paginate;
mod region;
mod retry;
mod sessions;
mod token_cell;
pub mod upload;
mod validate;

/// The code generated from `spec/openapi.yaml`: the client, its operation
/// builders, the types, request validation and the httpmock helpers.
///
/// With the `codegen` feature it is generated at build time into `OUT_DIR`;
/// without it, the committed `src/generated.rs` (byte-identical, checked by
/// `cargo xtask check` and by a test) is used.
#[allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    rustdoc::bare_urls,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags
)]
mod generated {
    #[cfg(feature = "codegen")]
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
    #[cfg(not(feature = "codegen"))]
    include!("generated.rs");
}

pub use auth::{TokenError, TokenFuture, TokenSource, token_source_fn};
pub use call::Response;
pub use client_builder::{
    BuildError, CallOptions, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use clock::{Clock, Sleep, TokioClock};
pub use decode::{Answer, Items, UnfitValue, UnreadableBody};
pub use error::{Error, ErrorKind};
pub use generated::*;
pub use hooks::ClientState;
pub use region::{Region, UnknownRegion};
pub use retry::{AfterSend, DEFAULT_DEADLINE, Reach, RetryPolicy};
pub use sessions::{
    DEFAULT_DEVICE_ID, DEFAULT_SESSION_CACHE_CAPACITY, DEFAULT_SESSION_RENEW_MARGIN, SessionError,
    SessionStats, SessionStep,
};
pub use token_cell::{FreshToken, renewing_token_source};

/// What a caller of the client needs, in one `use generated_client::prelude::*;`:
/// the client and its builder, the answer and error types, the operations'
/// types, and the stream helpers.
pub mod prelude {
    pub use crate::paginate::{PageError, PageItems, Pages};
    pub use crate::{
        Client, ClientBuilder, Error, ErrorCode, ErrorKind, Region, Response, RetryPolicy,
        TokenError, types,
    };
}

impl Client {
    /// The base URL the client sends to, e.g. `https://api.us.amity.co`.
    pub fn baseurl(&self) -> &str {
        &self.baseurl
    }

    /// The `reqwest::Client` the client sends with.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The client's settings.
    pub fn state(&self) -> &ClientState {
        &self.inner
    }
}

/// A new random id for a create's client-chosen id field (`postId`, ...):
/// a version 4 UUID in its 32-character hex form, cut to `max_length` if the
/// field's documented limit is shorter. Set it yourself when you need to know
/// the id even if the call fails in transit (then you can look the item up),
/// or let [`ClientBuilder::fill_client_ids`] fill it in.
pub fn new_client_chosen_id(max_length: Option<usize>) -> String {
    let mut id = uuid::Uuid::new_v4().simple().to_string();
    if let Some(max) = max_length {
        id.truncate(max);
    }
    id
}
