//! Placeholder while the client benchmarks are written.

fn main() {}
