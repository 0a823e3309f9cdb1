//! Integration tests of codegen: one binary, one module per area.

mod spec_examples;
