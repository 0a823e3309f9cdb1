//! When progenitor (or typify under it) fails on a document that passed every
//! check, finds the part it fails on by generating parts of the document
//! alone: first the component schemas without any operation, then each
//! operation with every schema.
//!
//! A failure found this way is a shape [`crate::check`] should refuse before
//! generation; the message says so.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, PathItem, Paths, ReferenceOr};
use serde_json::Value;

/// The part of a document a generator step fails on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Culprit {
    /// A component schema (with what it refers to) fails alone.
    Schema(String),
    /// An operation fails alone: (path template, method, operationId).
    Operation(String, String, String),
}

/// The smallest part of `openapi` that `step` fails on alone, or `None`
/// when every part generates alone (the failure comes from their mix).
pub(crate) fn culprit(
    openapi: &OpenAPI,
    step: &dyn Fn(&OpenAPI) -> Result<(), String>,
) -> Option<Culprit> {
    let mut schemas_only = openapi.clone();
    schemas_only.paths = Paths::default();
    if step(&schemas_only).is_err() {
        return failing_schema(openapi, step).map(Culprit::Schema);
    }
    for (route, item) in openapi.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (method, operation) in item.iter() {
            let mut alone = openapi.clone();
            let mut only = PathItem {
                parameters: item.parameters.clone(),
                ..PathItem::default()
            };
            let slot = match method {
                "get" => &mut only.get,
                "put" => &mut only.put,
                "post" => &mut only.post,
                "delete" => &mut only.delete,
                "options" => &mut only.options,
                "head" => &mut only.head,
                "patch" => &mut only.patch,
                _ => &mut only.trace,
            };
            *slot = Some(operation.clone());
            alone.paths = Paths::default();
            alone
                .paths
                .paths
                .insert(route.clone(), ReferenceOr::Item(only));
            if step(&alone).is_err() {
                return Some(Culprit::Operation(
                    route.clone(),
                    method.to_owned(),
                    operation.operation_id.clone().unwrap_or_default(),
                ));
            }
        }
    }
    None
}

/// A schema that fails alone (with the schemas it refers to) while none of
/// the schemas it refers to fails alone.
fn failing_schema(
    openapi: &OpenAPI,
    step: &dyn Fn(&OpenAPI) -> Result<(), String>,
) -> Option<String> {
    let components = openapi.components.as_ref()?;
    let document = serde_json::to_value(components).ok()?;
    let closure_of = |name: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut wanted = vec![name.to_owned()];
        while let Some(next) = wanted.pop() {
            if !seen.insert(next.clone()) {
                continue;
            }
            if let Some(schema) =
                document.pointer(&format!("/schemas/{}", crate::source::escape(&next)))
            {
                collect_schema_refs(schema, &mut wanted);
            }
        }
        seen
    };
    let mut failing = Vec::new();
    for name in components.schemas.keys() {
        let closure = closure_of(name);
        let mut alone = openapi.clone();
        alone.paths = Paths::default();
        if let Some(components) = alone.components.as_mut() {
            components.schemas.retain(|n, _| closure.contains(n));
        }
        if step(&alone).is_err() {
            failing.push((name.clone(), closure));
        }
    }
    let minimal = failing.iter().find(|(name, closure)| {
        !failing
            .iter()
            .any(|(other, _)| other != name && closure.contains(other))
    });
    minimal.or(failing.first()).map(|(name, _)| name.clone())
}

fn collect_schema_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && let Some(name) = reference.strip_prefix("#/components/schemas/")
            {
                out.push(crate::source::unescape(name).into_owned());
            }
            map.values().for_each(|v| collect_schema_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_schema_refs(v, out)),
        _ => {}
    }
}
