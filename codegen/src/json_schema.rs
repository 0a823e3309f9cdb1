//! The spec's schemas as a JSON Schema 2020-12 document, so that any JSON
//! Schema validator can check a JSON value against the spec: the fixture test
//! (every docs example) and the property tests (every request body the types
//! accept) use it.
//!
//! The documented rules (`x-rule` members) are in it too: `max-items-where`
//! becomes `contains` with `minContains: 0` and `maxContains`, standard
//! 2020-12; `max-bytes`, which JSON Schema cannot say, becomes the keyword
//! [`MAX_BYTES`], which a validator must be told about: [`validator`] (feature
//! `validator`) builds one that knows it.

use serde_json::{Value, json};

use crate::document::subschemas_mut;
use crate::extensions::RULE;

/// The keyword the document writes an `x-rule`'s `max-bytes` as: the
/// instance encoded as compact JSON (serde_json) is at most this many bytes.
pub const MAX_BYTES: &str = "x-max-bytes";

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
/// [`Objects::Closed`] undeclared keys are refused, but never inside a
/// documented rule (an `x-rule` member's `properties` constrain some keys,
/// they do not list them all); an `x-rule` becomes [`MAX_BYTES`] and
/// `contains`. It descends only through schema-valued keywords, never into
/// `example`, `default` or `enum` values.
pub fn convert(schema: &mut Value, objects: Objects) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let objects = match object.remove(RULE) {
        Some(rule) => {
            if let Some(max) = rule.get("max-bytes") {
                object.insert(MAX_BYTES.into(), max.clone());
            }
            if let Some(counted) = rule.get("max-items-where")
                && let Some(property) = counted.get("property").and_then(Value::as_str)
            {
                let equals = counted.get("equals").cloned().unwrap_or(Value::Null);
                let max = counted.get("max").cloned().unwrap_or(Value::Null);
                object.insert(
                    "contains".into(),
                    json!({ "required": [property], "properties": { property: { "const": equals } } }),
                );
                object.insert("minContains".into(), json!(0));
                object.insert("maxContains".into(), max);
            }
            Objects::AsWritten
        }
        None => objects,
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
/// `components.schemas` it reaches through `$ref`s beside it so that
/// `#/components/schemas/X` resolves (only those: the others cannot matter,
/// and copying and compiling them all made each document cost the whole
/// spec).
pub fn document(spec: &Value, schema: &Value, objects: Objects) -> Value {
    let mut pointers = Vec::new();
    crate::document::references(schema, &mut pointers);
    let mut reached: std::collections::BTreeSet<String> =
        crate::document::reachable(spec, pointers.iter().map(String::as_str));
    reached.extend(pointers);
    let mut schemas = serde_json::Map::new();
    if let Some(Value::Object(all)) = spec.pointer("/components/schemas") {
        for pointer in &reached {
            let Some(rest) = pointer.strip_prefix("/components/schemas/") else {
                continue;
            };
            let name = crate::document::unescape(rest.split('/').next().unwrap_or(rest));
            if schemas.contains_key(name.as_ref()) {
                continue;
            }
            if let Some(found) = all.get(name.as_ref()) {
                let mut found = found.clone();
                convert(&mut found, objects);
                schemas.insert(name.into_owned(), found);
            }
        }
    }
    let schemas = Value::Object(schemas);
    let mut root = schema.clone();
    convert(&mut root, objects);
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": { "schemas": schemas },
        "allOf": [root],
    })
}

/// A validator of `document` (made by [`document`]): JSON Schema 2020-12,
/// formats asserted, and [`MAX_BYTES`] known. The error is the validator's,
/// should the document not be a schema.
#[cfg(feature = "validator")]
pub fn validator(document: &Value) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .with_keyword(MAX_BYTES, |_, limit, _| {
            let Some(max) = limit.as_u64() else {
                return Err(jsonschema::ValidationError::custom(format!(
                    "{MAX_BYTES} must be a whole number of bytes, found {limit}"
                )));
            };
            Ok(Box::new(MaxBytes(max as usize)))
        })
        .build(document)
        .map_err(|e| e.to_string())
}

/// The [`MAX_BYTES`] keyword.
#[cfg(feature = "validator")]
struct MaxBytes(usize);

#[cfg(feature = "validator")]
impl<'i> jsonschema::Keyword<'i> for MaxBytes {
    fn validate(&self, instance: &'i Value) -> Result<(), jsonschema::ValidationError<'i>> {
        let size = serde_json::to_vec(instance).map_or(0, |bytes| bytes.len());
        if size <= self.0 {
            return Ok(());
        }
        Err(jsonschema::ValidationError::custom(format!(
            "{size} bytes encoded as JSON, more than the maximum of {}",
            self.0
        )))
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        self.validate(instance).is_ok()
    }
}
