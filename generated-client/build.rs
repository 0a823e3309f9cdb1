//! With the `codegen` feature (the default), generates the client from
//! `../spec/openapi.yaml` into `OUT_DIR`; when that file is not there (the crate
//! vendored or packaged on its own), copies the committed `src/generated.rs`
//! instead, with a cargo warning. Without the feature, does nothing and the
//! crate uses the committed `src/generated.rs`. Also writes the strict (serde-derived)
//! answer types that `benches/client.rs` measures the tolerant decoding against.

fn main() {
    #[cfg(feature = "codegen")]
    generate();
}

#[cfg(feature = "codegen")]
fn generate() {
    use std::path::PathBuf;

    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let spec_path = manifest_dir.join("..").join(codegen::SPEC_PATH);
    println!("cargo:rerun-if-changed={}", spec_path.display());
    println!("cargo:rerun-if-changed=build.rs");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));

    // The crate on its own (vendored, packaged): the spec is not beside it,
    // so the committed copy is the client, as without the feature.
    if !spec_path.exists() {
        println!(
            "cargo:warning=generated-client: {} is not reachable from this crate; using the committed src/generated.rs (build with `default-features = false` to silence this)",
            spec_path.display()
        );
        let committed = manifest_dir.join("src").join("generated.rs");
        println!("cargo:rerun-if-changed={}", committed.display());
        let copied = std::fs::copy(&committed, out_dir.join("generated.rs")).and_then(|_| {
            // Only benches/client.rs includes it, and it needs the spec.
            std::fs::write(
                out_dir.join("strict_answer_types.rs"),
                "// The spec was not reachable: no strict answer types.\n",
            )
        });
        if let Err(error) = copied {
            eprintln!("error: cannot copy {}: {error}", committed.display());
            std::process::exit(1);
        }
        return;
    }
    // A spec split into files: every file it read (a new file can only come
    // into play through a change to one of these).
    let watch = |spec: &codegen::Spec| {
        for file in spec.files.iter().skip(1) {
            println!("cargo:rerun-if-changed={}", file.display());
        }
    };

    // The strict answer types are the baseline of benches/client.rs only.
    let generated = codegen::Spec::load(&spec_path, codegen::SPEC_PATH).and_then(|spec| {
        watch(&spec);
        Ok((
            codegen::generate(&spec)?,
            codegen::generate_strict_answer_types(&spec)?,
        ))
    });
    let (generated, strict) = match generated {
        Ok(generated) => generated,
        Err(error) => {
            match &error {
                // One problem a line, in file order, then the count.
                codegen::Error::Problems(problems) => {
                    for problem in problems.listed() {
                        eprintln!("{problem}");
                    }
                    if problems.more() > 0 {
                        eprintln!("and {} more", problems.more());
                    }
                    eprintln!("error: {}", problems.summary());
                }
                error => eprintln!("error: {error}"),
            }
            eprintln!(
                "hint: fix the spec, or build generated-client with `default-features = false` to use the committed src/generated.rs"
            );
            std::process::exit(1);
        }
    };
    for (name, code) in [
        ("generated.rs", generated.code),
        ("strict_answer_types.rs", strict),
    ] {
        let out = out_dir.join(name);
        if let Err(error) = std::fs::write(&out, code) {
            eprintln!("error: cannot write {}: {error}", out.display());
            std::process::exit(1);
        }
    }
}
