//! With the `codegen` feature (the default), generates the client from
//! `../spec/openapi.yaml` into `OUT_DIR`; without it, does nothing and the crate
//! uses the committed `src/generated.rs`. Also writes the strict (serde-derived)
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
            eprintln!("error: {error}");
            eprintln!(
                "hint: fix the spec, or build generated-client with `default-features = false` to use the committed src/generated.rs"
            );
            std::process::exit(1);
        }
    };
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
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
