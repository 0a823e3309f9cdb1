//! Integration tests of generated-client, against real HTTP servers on loopback.

mod build_output;
mod client;
mod documented_rules;
mod errors;
mod everyday;
mod fixtures;
mod forward_compat;
mod limits;
mod many_users;
mod pages;
mod properties;
mod retries;
mod sessions;
mod support;
mod tolerance;
#[cfg(feature = "mock")]
mod typed_mocks;
mod upload;
mod validation;
