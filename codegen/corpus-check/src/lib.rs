//! What codegen makes of every spec its corpus (`codegen/tests/corpus`)
//! accepts, compiled: one module per case. The tests round-trip an example
//! through each case's types, so "accepted" means "generates code that
//! compiles and reads and writes its bodies", not only "did not fail".
//!
//! The generated code leans on five items of the crate that includes it (see
//! codegen's `including_crate`): the decode, validation, list-stream and form runtimes, compiled
//! here from generated-client's own source files (their unit tests run here
//! too), and the client state, a unit here. Every case's `validation` module
//! hands its own tables to the one validation runtime.

#![allow(missing_docs)]

#[path = "../../../generated-client/src/decode.rs"]
#[allow(dead_code, unreachable_pub)]
mod decode;

#[path = "../../../generated-client/src/validate.rs"]
#[allow(dead_code, unreachable_pub)]
mod validate;

#[path = "../../../generated-client/src/paginate.rs"]
#[allow(dead_code, unreachable_pub)]
pub mod paginate;

#[path = "../../../generated-client/src/upload.rs"]
#[allow(dead_code, unreachable_pub)]
pub mod upload;

/// The state progenitor's `Client` carries; the corpus clients need none.
pub mod hooks {
    /// No state.
    #[derive(Clone, Debug, Default)]
    pub struct ClientState;

    /// The corpus clients check every form before sending.
    impl crate::upload::FormSettings for ClientState {
        fn validates_requests(&self) -> bool {
            true
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

#[cfg(test)]
mod tests;
