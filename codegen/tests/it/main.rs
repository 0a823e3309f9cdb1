//! Integration tests of codegen: one binary, one module per area.

mod errors;
mod output;
mod spec_examples;
