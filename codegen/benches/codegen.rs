//! How long codegen takes, and how that grows with the size of the spec.
//!
//! Times [`codegen::Spec::parse`] alone and parse + [`codegen::generate`] on
//! `spec/openapi.yaml` and on synthetic specs 10×, 25× and 50× its size. A
//! synthetic spec holds the real one plus `copies - 1` renamed clones of every
//! path and component schema (see [`scaled_spec`]). Throughput is reported in
//! bytes of spec text, so a flat rate across sizes means linear cost.
//!
//! Run with `cargo bench -p codegen --bench codegen`.

use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use serde_json::{Map, Value};

/// The sizes benchmarked, as multiples of the real spec.
const SCALES: [usize; 4] = [1, 10, 25, 50];

const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

fn codegen_benches(c: &mut Criterion) {
    let real =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml"))
            .expect("spec/openapi.yaml is readable");
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

/// The real spec (`text`) with `copies - 1` clones of every path and component
/// schema added. Clone `n` renames schema `Name` to `NameCopyN`, operationId
/// `op` to `opCopyN` and path `/p` to `/copyN/p`, and points every schema
/// `$ref` inside the clone at the cloned schema. Shared `components/responses`
/// stay shared: they refer to the original schemas.
fn scaled_spec(text: &str, copies: usize) -> String {
    let mut document: Value = serde_yaml::from_str(text).expect("spec/openapi.yaml is YAML");
    let paths = object(&document, "paths").clone();
    let schemas = object(&document["components"], "schemas").clone();
    for copy in 1..copies {
        let suffix = format!("Copy{copy}");
        let paths_out = object_mut(&mut document, "paths");
        for (path, item) in &paths {
            let mut item = item.clone();
            rename(&mut item, &suffix);
            paths_out.insert(format!("/copy{copy}{path}"), item);
        }
        let schemas_out = object_mut(&mut document["components"], "schemas");
        for (name, schema) in &schemas {
            let mut schema = schema.clone();
            rename(&mut schema, &suffix);
            schemas_out.insert(format!("{name}{suffix}"), schema);
        }
    }
    serde_yaml::to_string(&document).expect("a JSON value serialises as YAML")
}

/// The scaled spec holds `copies` times the real one's operations and schemas.
fn check_scaled(text: &str, copies: usize, real: &str) {
    let count = |text: &str| {
        let spec = codegen::Spec::parse(text, "bench").expect("the spec parses");
        let schemas = spec
            .openapi
            .components
            .as_ref()
            .map_or(0, |c| c.schemas.len());
        (spec.openapi.operations().count(), schemas)
    };
    let (operations, schemas) = count(real);
    assert_eq!(
        count(text),
        (operations * copies, schemas * copies),
        "{copies}x spec"
    );
}

/// Appends `suffix` to every operationId and to the target of every schema
/// `$ref` under `value`.
fn rename(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    ("operationId", Value::String(id)) => id.push_str(suffix),
                    ("$ref", Value::String(target)) if target.starts_with(SCHEMA_REF_PREFIX) => {
                        target.push_str(suffix);
                    }
                    (_, child) => rename(child, suffix),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename(item, suffix)),
        _ => {}
    }
}

fn object<'a>(value: &'a Value, key: &str) -> &'a Map<String, Value> {
    value[key]
        .as_object()
        .unwrap_or_else(|| panic!("spec/openapi.yaml has no `{key}` mapping"))
}

fn object_mut<'a>(value: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    value[key]
        .as_object_mut()
        .unwrap_or_else(|| panic!("spec/openapi.yaml has no `{key}` mapping"))
}

criterion_group!(benches, codegen_benches);
criterion_main!(benches);
