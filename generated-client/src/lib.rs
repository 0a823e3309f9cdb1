#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod auth;
mod client_builder;
mod clock;
pub mod decode;
mod error;
mod hooks;
pub mod marks;
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
    unreachable_patterns,
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
pub use client_builder::{
    BuildError, CallOptions, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_BODY_BYTES,
    DEFAULT_MAX_ERROR_BODY_BYTES, DEFAULT_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use clock::{Clock, Sleep, TokioClock};
pub use decode::{Answer, Items, UnfitValue, UnreadableBody};
pub use error::{ErrorExt, ErrorKind};
pub use generated::*;
pub use hooks::ClientState;
pub use paginate::{PageError, PageItems, Pages};
pub use region::{Region, UnknownRegion};
pub use retry::{AfterSend, DEFAULT_DEADLINE, Reach, RetryPolicy};
pub use sessions::{
    DEFAULT_DEVICE_ID, DEFAULT_SESSION_CACHE_CAPACITY, DEFAULT_SESSION_RENEW_MARGIN, SessionError,
    SessionStats, SessionStep,
};
pub use token_cell::{FreshToken, renewing_token_source};

impl validation::Violations {
    /// Reads back the text of `Error::InvalidRequest` that a refused
    /// request carries (the `Display` of a `Violations`); `None` for any
    /// other text. The operation must be one of the spec's.
    //
    // The one item of the validation runtime that knows this crate's spec,
    // so it is here and not in `validate.rs`, which codegen's corpus check
    // compiles once for many specs.
    pub fn parse(text: &str) -> Option<validation::Violations> {
        validate::parse_violations(generated::validation::tables(), text)
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
