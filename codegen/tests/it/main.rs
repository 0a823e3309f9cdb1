//! Integration tests of codegen: one binary, one module per area.

mod corpus;
mod errors;
mod output;
mod snapshots;
mod spec_examples;
