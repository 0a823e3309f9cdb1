//! Synthetic specs N times the size of `spec/openapi.yaml`, shared by the
//! codegen bench and the `phases` example.

use serde_json::{Map, Value};

const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// `spec/openapi.yaml`'s text.
pub fn real_spec() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/openapi.yaml"))
        .expect("spec/openapi.yaml is readable")
}

/// The real spec (`text`) with `copies - 1` clones of every path and component
/// schema added. Clone `n` renames schema `Name` to `NameCopyN`, operationId
/// `op` to `opCopyN` and path `/p` to `/copyN/p`, and points every schema
/// `$ref` inside the clone at the cloned schema. Shared `components/responses`
/// stay shared: they refer to the original schemas.
pub fn scaled_spec(text: &str, copies: usize) -> String {
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
pub fn check_scaled(text: &str, copies: usize, real: &str) {
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
/// `$ref` under `value`, and drops `x-error-codes`: a spec holds one list of
/// error codes (one `ErrorCode` enum), which stays with the original schema.
fn rename(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            map.remove(codegen::ERROR_CODES);
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
