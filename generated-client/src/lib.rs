#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod client_builder;
pub mod decode;
mod error;
mod hooks;
mod region;
mod retry;

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

pub use client_builder::{BuildError, ClientBuilder};
pub use decode::{Answer, UnfitValue, UnreadableBody};
pub use error::{ErrorCode, ErrorExt};
pub use generated::*;
pub use hooks::ClientState;
pub use region::{Region, UnknownRegion};
pub use retry::RetryPolicy;
