//! The spec's schemas as a JSON Schema 2020-12 document, so that any JSON
//! Schema validator can check a JSON value against the spec: the fixture test
//! (every docs example) and the property tests (every request body the types
//! accept) use it.

use serde_json::{Value, json};

use crate::document::subschemas_mut;

/// What to do with an object schema that lists `properties` and says nothing
/// about `additionalProperties`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objects {
    /// Leave it open, as JSON Schema reads it (other keys allowed).
    AsWritten,
    /// Close it (`additionalProperties: false`): a key the spec does not
    /// declare is an error. Strict checks of examples and requests use this.
    Closed,
}

/// Rewrites one OpenAPI 3.0 schema object into JSON Schema 2020-12, in place:
/// `nullable: true` becomes a `null` alternative, boolean
/// `exclusiveMinimum`/`exclusiveMaximum` become numbers, and with
/// [`Objects::Closed`] undeclared keys are refused. It descends only through
/// schema-valued keywords, never into `example`, `default` or `enum` values.
pub fn convert(schema: &mut Value, objects: Objects) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    subschemas_mut(object, &mut |_, sub| convert(sub, objects));
    if objects == Objects::Closed
        && object.contains_key("properties")
        && !object.contains_key("additionalProperties")
    {
        object.insert("additionalProperties".into(), Value::Bool(false));
    }
    for (bound, flag) in [
        ("minimum", "exclusiveMinimum"),
        ("maximum", "exclusiveMaximum"),
    ] {
        match object.get(flag) {
            Some(Value::Bool(true)) => match object.remove(bound) {
                Some(limit) => {
                    object.insert(flag.into(), limit);
                }
                // `check.rs` refuses a flag without its bound; nothing to make exclusive.
                None => {
                    object.remove(flag);
                }
            },
            Some(Value::Bool(false)) => {
                object.remove(flag);
            }
            _ => {}
        }
    }
    if object.remove("nullable") == Some(Value::Bool(true)) {
        match object.get_mut("type") {
            Some(Value::String(kind)) => {
                let kind = std::mem::take(kind);
                object.insert("type".into(), json!([kind, "null"]));
                if let Some(values) = object.get_mut("enum").and_then(Value::as_array_mut)
                    && !values.contains(&Value::Null)
                {
                    values.push(Value::Null);
                }
            }
            _ => {
                let inner = std::mem::take(object);
                object.insert(
                    "anyOf".into(),
                    json!([Value::Object(inner), { "type": "null" }]),
                );
            }
        }
    }
}

/// A self-contained JSON Schema document for `schema` (a schema of `spec`, the
/// whole OpenAPI document as JSON): `schema` at the root, with the spec's
/// `components.schemas` beside it so that `#/components/schemas/X` resolves.
pub fn document(spec: &Value, schema: &Value, objects: Objects) -> Value {
    let mut schemas = spec
        .pointer("/components/schemas")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let Some(schemas) = schemas.as_object_mut() {
        for schema in schemas.values_mut() {
            convert(schema, objects);
        }
    }
    let mut root = schema.clone();
    convert(&mut root, objects);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": { "schemas": schemas },
        "allOf": [root],
    })
}
