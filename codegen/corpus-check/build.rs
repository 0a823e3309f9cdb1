//! Generates every case of `../tests/corpus` whose `expected.txt` says `ok`
//! into `OUT_DIR`, one module per case (`split-by-tag` -> `split_by_tag`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
    println!("cargo:rerun-if-changed={}", corpus.display());
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("the corpus folder")
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    let mut modules = String::new();
    for case in cases {
        let expected = std::fs::read_to_string(case.join("expected.txt")).unwrap_or_default();
        if !expected.starts_with("ok\n") {
            continue;
        }
        let name = case
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .replace('-', "_");
        let nested = case.join("spec/openapi.yaml");
        let root = if nested.exists() {
            nested
        } else {
            case.join("openapi.yaml")
        };
        let generated = codegen::Spec::load(&root, &name).and_then(|spec| codegen::generate(&spec));
        let generated = match generated {
            Ok(generated) => generated,
            Err(error) => {
                eprintln!("error: corpus case {name} says ok but: {error}");
                std::process::exit(1);
            }
        };
        let file = out_dir.join(format!("{name}.rs"));
        std::fs::write(&file, generated.code).expect("OUT_DIR is writable");
        // `inner` holds the code as generated-client's `generated` module does;
        // the case module re-exports it, as generated-client's root does.
        writeln!(
            modules,
            "pub mod {name} {{\n\
             #[allow(missing_docs, clippy::all, clippy::pedantic)]\n\
             mod inner {{\n\
             include!(concat!(env!(\"OUT_DIR\"), \"/{name}.rs\"));\n\
             }}\n\
             pub use inner::*;\n\
             }}"
        )
        .expect("a String takes writes");
    }
    std::fs::write(out_dir.join("cases.rs"), modules).expect("OUT_DIR is writable");
}
