//! Checks a spec before generation, so that every problem becomes an [`Error`]
//! naming its place instead of a panic deep inside progenitor.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Response, StatusCode};
use serde_json::Value;

use crate::Error;

/// progenitor reads OpenAPI 3.0.x only; a 3.1 document would half-parse.
pub(crate) fn version(raw: &serde_yaml::Value, file: &str) -> Result<(), Error> {
    let found = match raw.get("openapi") {
        Some(serde_yaml::Value::String(v)) => v.clone(),
        Some(other) => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
        None => "(missing)".to_owned(),
    };
    supported_version(&found, file)
}

/// `found` is the document's `openapi` value.
pub(crate) fn supported_version(found: &str, file: &str) -> Result<(), Error> {
    if found.starts_with("3.0.") {
        Ok(())
    } else {
        Err(Error::Version {
            file: file.to_owned(),
            found: found.to_owned(),
        })
    }
}

/// Every `$ref` must point at an existing `#/components/<kind>/<name>`.
pub(crate) fn references(spec: &OpenAPI, file: &str) -> Result<(), Error> {
    let document = serde_json::to_value(spec).map_err(|e| Error::Generator {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    let mut path = Vec::new();
    walk_refs(&document, &document, &mut path, file)
}

fn walk_refs<'a>(
    root: &Value,
    value: &'a Value,
    path: &mut Vec<&'a str>,
    file: &str,
) -> Result<(), Error> {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref")
                && resolve(root, reference).is_none()
            {
                return Err(Error::UnresolvedRef {
                    file: file.to_owned(),
                    reference: reference.clone(),
                    location: describe_location(root, path),
                });
            }
            for (key, child) in map {
                path.push(key);
                walk_refs(root, child, path, file)?;
                path.pop();
            }
        }
        Value::Array(items) => {
            for child in items {
                walk_refs(root, child, path, file)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Resolves a local JSON pointer such as `#/components/schemas/Post`.
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    let pointer = reference.strip_prefix('#')?;
    root.pointer(pointer)
}

/// Names a place in the document the way a maintainer reads it:
/// `operation createPost (POST /api/v4/posts)` or `schema Post, at properties.data`.
fn describe_location(root: &Value, path: &[&str]) -> String {
    match path {
        ["paths", route, method, rest @ ..] => {
            let operation_id = root
                .get("paths")
                .and_then(|p| p.get(*route))
                .and_then(|p| p.get(*method))
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str)
                .unwrap_or("(no operationId)");
            let within = if rest.is_empty() {
                String::new()
            } else {
                format!(", at {}", rest.join("."))
            };
            format!(
                "operation {operation_id} ({} {route}){within}",
                method.to_uppercase()
            )
        }
        ["components", kind, name, rest @ ..] => {
            let kind = kind.trim_end_matches('s');
            if rest.is_empty() {
                format!("{kind} {name}")
            } else {
                format!("{kind} {name}, at {}", rest.join("."))
            }
        }
        _ => path.join("."),
    }
}

/// No two component schemas that become one Rust type name (`Thing` and
/// `thing`, `post_data` and `PostData`): typify would emit both under one
/// name, and an operation could decode the other's body.
pub(crate) fn schema_names(spec: &OpenAPI, file: &str) -> Result<(), Error> {
    let Some(components) = &spec.components else {
        return Ok(());
    };
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for name in components.schemas.keys() {
        if let Some(first) = seen.insert(crate::transform::normalised_name(name), name) {
            return Err(Error::Unsupported {
                file: file.to_owned(),
                location: format!("#/components/schemas/{first} and #/components/schemas/{name}"),
                reason: "both become the same Rust type name (case and separators are not \
                         kept): rename one of them"
                    .to_owned(),
            });
        }
    }
    Ok(())
}

/// Unique operationIds, and no operation shape progenitor would panic on.
pub(crate) fn operations(spec: &OpenAPI, file: &str) -> Result<(), Error> {
    let mut seen: BTreeMap<&str, String> = BTreeMap::new();
    for (route, item) in spec.paths.iter() {
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                return Err(Error::Unsupported {
                    file: file.to_owned(),
                    location: format!("path {route}"),
                    reason: format!(
                        "a path item given as $ref `{reference}` is not supported; write the operations inline"
                    ),
                });
            }
        };
        for (method, operation) in item.iter() {
            let place = format!("{} {route}", method.to_uppercase());
            let Some(operation_id) = operation.operation_id.as_deref() else {
                return Err(Error::MissingOperationId {
                    file: file.to_owned(),
                    method: method.to_uppercase(),
                    path: route.clone(),
                });
            };
            if let Some(first) = seen.insert(operation_id, place.clone()) {
                return Err(Error::DuplicateOperationId {
                    file: file.to_owned(),
                    operation_id: operation_id.to_owned(),
                    first,
                    second: place,
                });
            }
            let unsupported = |reason: String| Error::Unsupported {
                file: file.to_owned(),
                location: format!("operation {operation_id} ({place})"),
                reason,
            };
            response_kinds(spec, operation, unsupported)?;
        }
    }
    Ok(())
}

/// progenitor gives each operation one success type and one error type; two
/// different bodies on either side make it panic.
fn response_kinds(
    spec: &OpenAPI,
    operation: &openapiv3::Operation,
    unsupported: impl Fn(String) -> Error,
) -> Result<(), Error> {
    let mut success = BTreeMap::new();
    let mut error = BTreeMap::new();
    let default = operation
        .responses
        .default
        .as_ref()
        .map(|r| ("default".to_owned(), r));
    let listed = operation.responses.responses.iter().map(|(status, r)| {
        let name = match status {
            StatusCode::Code(code) => code.to_string(),
            StatusCode::Range(range) => format!("{range}XX"),
        };
        (name, r)
    });
    for (status, response) in listed.chain(default) {
        let response = match response {
            ReferenceOr::Item(response) => response,
            ReferenceOr::Reference { reference } => {
                let name = reference.trim_start_matches("#/components/responses/");
                match spec.components.as_ref().and_then(|c| c.responses.get(name)) {
                    Some(ReferenceOr::Item(response)) => response,
                    _ => {
                        return Err(unsupported(format!(
                            "response {status} refers to `{reference}`, which is not a response in components.responses"
                        )));
                    }
                }
            }
        };
        let kind = response_kind(response, &status, &unsupported)?;
        let first = status.as_bytes()[0];
        if status == "default" || first == b'2' {
            success
                .entry(kind.clone())
                .or_insert_with(Vec::new)
                .push(status.clone());
        }
        if status == "default" || first == b'4' || first == b'5' {
            error.entry(kind).or_insert_with(Vec::new).push(status);
        }
    }
    for (side, kinds) in [("success", &success), ("error", &error)] {
        if kinds.len() > 1 {
            let groups: BTreeSet<String> = kinds.values().map(|s| s.join("/")).collect();
            return Err(unsupported(format!(
                "its {side} responses have {} different bodies ({}); progenitor supports one {side} body type per operation: give them one shared schema",
                kinds.len(),
                groups.into_iter().collect::<Vec<_>>().join(" vs "),
            )));
        }
    }
    Ok(())
}

fn response_kind(
    response: &Response,
    status: &str,
    unsupported: &impl Fn(String) -> Error,
) -> Result<String, Error> {
    let json = response
        .content
        .iter()
        .find(|(media, _)| *media == "application/json" || media.starts_with("application/json;"));
    match json {
        Some((_, media)) => {
            if !media.encoding.is_empty() {
                return Err(unsupported(format!(
                    "response {status}: a JSON body with `encoding` is not supported"
                )));
            }
            let Some(schema) = &media.schema else {
                return Err(unsupported(format!(
                    "response {status}: application/json content needs a schema"
                )));
            };
            Ok(serde_json::to_string(schema).unwrap_or_default())
        }
        None if response.content.is_empty() => Ok("(no body)".to_owned()),
        None => Ok("(raw body)".to_owned()),
    }
}
