//! How long codegen takes, and how that grows with the size of the spec.
//!
//! Times [`codegen::Spec::parse`] alone and parse + [`codegen::generate`] on
//! `spec/openapi.yaml` and on synthetic specs 10×, 25× and 50× its size, and
//! beside them the bare generator on the same text ([`bare_generator`]: what
//! progenitor alone costs, the yardstick for our own steps). A
//! synthetic spec holds the real one plus `copies - 1` renamed clones of every
//! path and component schema (see [`scaled_spec`]). Throughput is reported in
//! bytes of spec text, so a flat rate across sizes means linear cost.
//!
//! Run with `cargo bench -p codegen --bench codegen`.

use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};

#[path = "support/scaled.rs"]
mod scaled;

use scaled::{check_scaled, real_spec, scaled_spec};

/// The sizes benchmarked, as multiples of the real spec.
const SCALES: [usize; 4] = [1, 10, 25, 50];

fn codegen_benches(c: &mut Criterion) {
    let real = real_spec();
    let specs: Vec<(usize, String)> = SCALES
        .iter()
        .map(|&copies| (copies, scaled_spec(&real, copies)))
        .collect();
    for (copies, text) in &specs {
        check_scaled(text, *copies, &real);
    }

    let mut parse = c.benchmark_group("codegen/parse");
    configure(&mut parse);
    for (copies, text) in &specs {
        parse.throughput(Throughput::Bytes(text.len() as u64));
        parse.bench_with_input(
            BenchmarkId::from_parameter(label(*copies)),
            text,
            |b, text| {
                b.iter(|| codegen::Spec::parse(text, "bench").expect("the spec parses"));
            },
        );
    }
    parse.finish();

    let mut full = c.benchmark_group("codegen/parse_and_generate");
    configure(&mut full);
    for (copies, text) in &specs {
        full.throughput(Throughput::Bytes(text.len() as u64));
        full.bench_with_input(
            BenchmarkId::from_parameter(label(*copies)),
            text,
            |b, text| {
                b.iter(|| {
                    let spec = codegen::Spec::parse(text, "bench").expect("the spec parses");
                    codegen::generate(&spec).expect("the spec generates")
                });
            },
        );
    }
    full.finish();

    let mut bare = c.benchmark_group("codegen/bare_generator");
    configure(&mut bare);
    for (copies, text) in &specs {
        bare.throughput(Throughput::Bytes(text.len() as u64));
        bare.bench_with_input(
            BenchmarkId::from_parameter(label(*copies)),
            text,
            |b, text| b.iter(|| bare_generator(text)),
        );
    }
    bare.finish();
}

/// progenitor as its own examples use it, and nothing of ours: the YAML read
/// straight into `openapiv3` (no checks, no located errors), no transforms,
/// the client and the httpmock helpers generated with codegen's settings,
/// parsed by syn and printed by prettyplease. No pruning, validation tables,
/// post-processing or tolerant decoding.
fn bare_generator(text: &str) -> String {
    let openapi: openapiv3::OpenAPI = serde_yaml::from_str(text).expect("the spec is OpenAPI");
    let mut settings = progenitor_impl::GenerationSettings::default();
    settings
        .with_interface(progenitor_impl::InterfaceStyle::Builder)
        .with_tag(progenitor_impl::TagStyle::Merged)
        .with_hooks(progenitor_impl::HooksMode::Expected)
        .with_inner_type(quote::quote!(crate::hooks::ClientState))
        .with_derive("PartialEq");
    let mut generator = progenitor_impl::Generator::new(&settings);
    let client = generator
        .generate_tokens(&openapi)
        .expect("progenitor generates the client");
    let mock = generator
        .httpmock(&openapi, "super::super")
        .expect("progenitor generates the httpmock helpers");
    let file: syn::File = syn::parse2(quote::quote! {
        #client
        #[cfg(feature = "mock")]
        pub mod mock {
            #mock
        }
    })
    .expect("progenitor's output parses");
    prettyplease::unparse(&file)
}

/// Few samples, each of the same number of iterations: one iteration at 50×
/// takes seconds, and criterion's default linear sampling would run 55 of them.
fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
}

fn label(copies: usize) -> String {
    format!("{copies}x")
}

criterion_group!(benches, codegen_benches);
criterion_main!(benches);
