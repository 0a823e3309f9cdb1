//! Parses and checks the spec (optionally scaled) a number of times, for
//! timing `codegen::Spec::parse` as a whole process (e.g. one build against
//! another, paired):
//!
//! `cargo run --release -p codegen --example parse -- [COPIES] [REPEATS]`
//!
//! COPIES (default 1) scales the spec as the codegen bench does; REPEATS
//! (default 20) is how many parses the process does.

#[path = "../benches/support/scaled.rs"]
#[allow(dead_code)]
mod scaled;

fn main() {
    let mut args = std::env::args().skip(1);
    let copies: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let repeats: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    let text = scaled::scaled_spec(&scaled::real_spec(), copies);
    let mut operations = 0;
    for _ in 0..repeats {
        let spec = codegen::Spec::parse(&text, "spec/openapi.yaml").expect("the spec parses");
        operations += spec.openapi.operations().count();
    }
    println!("{operations} operations parsed");
}
