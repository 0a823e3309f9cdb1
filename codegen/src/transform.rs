//! Spec transforms applied before generation (to the in-memory document, never
//! to the file on disk), so that progenitor's output is what a real client needs.
//!
//! - Response side (every schema reachable from a response), for forward
//!   compatibility: closed string enums become plain strings (the known values
//!   move into the description), `required` is dropped, and every inline
//!   property becomes `nullable`, so that new values, missing fields and `null`
//!   (arrays and maps included) all decode.
//! - Request side (every schema reachable from a request body), for ergonomics:
//!   length limits on strings are moved from the type into the description, so
//!   fields are plain `String`s that take `"x".to_owned()`, not newtypes that
//!   need `Some("x".parse().unwrap())`. The limits are still enforced before a
//!   request leaves, by the checks [`crate::validation`] generates from the
//!   original spec.
//! - Both sides: `allOf` members that are documented rules (`x-rule`) are
//!   removed, and the schema's description names each rule: what a rule says
//!   (`anyOf`, `not`, ...) is no type, and typify would make awkward ones of
//!   it. The generated validation reads the rules from the original spec.
//! - Both sides: an object with properties that is also open to other keys
//!   (`additionalProperties: true`) keeps those keys in a flattened `extra`
//!   map, so custom post `data` can be sent and read.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::document::{
    SCHEMAS, escape, reachable_schemas, reference, resolve, schema_name, schema_pointers, target,
    visit_schemas_mut,
};
use crate::extensions::RULE;
use crate::form::FileField;

/// The document progenitor sees, typed and as JSON.
pub(crate) struct Transformed {
    /// What progenitor generates from.
    pub(crate) openapi: OpenAPI,
    /// The same document as JSON, for the checks that walk it.
    pub(crate) document: Value,
    /// Schemas the transform named: name -> pointer of the inline schema it
    /// was in the spec, e.g. `CreatePostBody` ->
    /// `/paths/~1api~1v4~1posts/post/requestBody/content/application~1json/schema`.
    pub(crate) hoisted: BTreeMap<String, String>,
    /// The file properties of each operation with a multipart form body,
    /// by operationId; progenitor sees the form's text properties only.
    pub(crate) forms: BTreeMap<String, Vec<FileField>>,
}

/// The document progenitor sees, made from the spec's JSON view
/// ([`crate::Spec::document`]); the error is serde's, should the transformed
/// document no longer read as OpenAPI.
pub(crate) fn for_generation(spec: &Value) -> Result<Transformed, String> {
    let mut document = spec.clone();
    strip_rules(&mut document);
    let forms = form_bodies(&mut document)?;
    let hoisted = name_inline_bodies(&mut document);
    let roots = Roots::of(&document);
    let responses = reachable_schemas(&document, roots.response);
    let requests = reachable_schemas(&document, roots.request);
    if let Some(Value::Object(schemas)) = document.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            if responses.contains(name) {
                visit_schemas_mut(schema, &mut loosen_response);
            }
            if requests.contains(name) {
                visit_schemas_mut(schema, &mut plain_request_strings);
            }
        }
    }
    // Inline schemas directly under operations.
    for (pointer, side) in roots.inline {
        if let Some(schema) = document.pointer_mut(&pointer) {
            match side {
                Side::Response => visit_schemas_mut(schema, &mut loosen_response),
                Side::Request => visit_schemas_mut(schema, &mut plain_request_strings),
            }
        }
    }
    flatten_deep_objects(&mut document);
    plain_path_parameters(&mut document);
    error_ranges(&mut document);
    success_range(&mut document);
    let openapi = OpenAPI::deserialize(&document)
        .map_err(|e| format!("the transformed spec is no longer OpenAPI: {e}"))?;
    Ok(Transformed {
        openapi,
        document,
        hoisted,
        forms,
    })
}

/// Gives progenitor the text half of every `multipart/form-data` body, as
/// an `application/x-www-form-urlencoded` body of the same schema (a
/// component form schema is rewritten in place, so its type keeps its
/// name): progenitor generates the typed body builder for it, and
/// `postprocess` adds the files and sends it as multipart. Returns each
/// form operation's file properties, by operationId.
fn form_bodies(document: &mut Value) -> Result<BTreeMap<String, Vec<FileField>>, String> {
    let mut files = BTreeMap::new();
    for body in crate::form::bodies(document) {
        let form = body
            .form
            .map_err(|(at, reason)| format!("{at}: {reason}"))?;
        let Some(content_pointer) = body
            .pointer
            .strip_suffix("/schema")
            .and_then(|media| media.strip_suffix(&format!("/{}", escape(crate::form::MULTIPART))))
        else {
            continue;
        };
        if let Some(schema) = document.pointer_mut(&body.resolved) {
            *schema = form.text;
        }
        if let Some(Value::Object(content)) = document.pointer_mut(content_pointer)
            && let Some(Value::Object(mut media)) = content.remove(crate::form::MULTIPART)
        {
            media.remove("encoding");
            content.insert(crate::form::STAND_IN.to_owned(), Value::Object(media));
        }
        files.insert(body.operation_id, form.files);
    }
    Ok(files)
}

/// Removes every documented rule (an `allOf` member with a named `x-rule`)
/// from the schemas, and names each in the description of the schema that
/// held it. Later members first, so the pointers still to visit stay valid.
fn strip_rules(document: &mut Value) {
    for at in schema_pointers(document).into_iter().rev() {
        let Some(Value::Object(schema)) = document.pointer_mut(&at) else {
            continue;
        };
        let Some(Value::Array(members)) = schema.get_mut("allOf") else {
            continue;
        };
        let mut rules = Vec::new();
        members.retain(|member| {
            let Some(rule) = member.get(RULE).filter(|rule| rule.get("name").is_some()) else {
                return true;
            };
            let text = |key: &str| rule.get(key).and_then(Value::as_str).unwrap_or_default();
            rules.push(format!(
                "Documented rule `{}` ({}): \"{}\"",
                text("name"),
                text("page"),
                text("quote"),
            ));
            false
        });
        if members.is_empty() {
            schema.remove("allOf");
        }
        if !rules.is_empty() {
            rules.push("The client checks these before sending.".to_owned());
            append_description(schema, &rules.join("\n\n"));
        }
    }
}

/// Inline request and response body schemas become component schemas with
/// names of their own, so that no two bodies share a Rust type by accident.
///
/// Left to typify, an operation's inline success schema and its inline error
/// schema both become `{Operation}Response`: one type, and an error body
/// decodes as the success envelope. Instead, in document order:
/// `{Operation}Body` for the request body, `{Operation}Response` for the
/// success schema, `{Operation}Error` for the error schema (one per distinct
/// schema: `{Operation}Error{status}` when the error statuses differ). A name
/// already taken gets `2`, `3`, ... appended.
fn name_inline_bodies(document: &mut Value) -> BTreeMap<String, String> {
    let mut origins = BTreeMap::new();
    let mut taken: BTreeSet<String> = match document.pointer("/components/schemas") {
        Some(Value::Object(schemas)) => schemas.keys().map(|k| normalised_name(k)).collect(),
        _ => BTreeSet::new(),
    };
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return origins;
    };
    for (route, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (method, operation) in item.iter_mut() {
            let operation_pointer = format!("/paths/{}/{}", escape(route), escape(method));
            let Some(operation_id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let base = upper_camel(operation_id);
            let mut name_for = |suffix: &str,
                                within: String,
                                schema: &mut Value,
                                hoisted: &mut Vec<(String, Value)>| {
                let mut name = format!("{base}{suffix}");
                let mut n = 1;
                while taken.contains(&normalised_name(&name)) {
                    n += 1;
                    name = format!("{base}{suffix}{n}");
                }
                taken.insert(normalised_name(&name));
                origins.insert(name.clone(), format!("{operation_pointer}{within}"));
                let reference =
                    serde_json::json!({ "$ref": format!("{SCHEMAS}{}", escape(&name)) });
                hoisted.push((name, std::mem::replace(schema, reference)));
            };
            for within in [
                "/requestBody/content/application~1json/schema",
                "/requestBody/content/application~1x-www-form-urlencoded/schema",
            ] {
                if let Some(schema) = operation.pointer_mut(within)
                    && is_inline_body(schema)
                {
                    name_for("Body", within.to_owned(), schema, &mut hoisted);
                }
            }
            let Some(Value::Object(responses)) = operation.get_mut("responses") else {
                continue;
            };
            let inline_errors: Vec<Value> = {
                let mut distinct: Vec<Value> = Vec::new();
                for (status, response) in responses.iter() {
                    if let Some(schema) = response.pointer("/content/application~1json/schema")
                        && !status.starts_with('2')
                        && is_inline_body(schema)
                        && !distinct.contains(schema)
                    {
                        distinct.push(schema.clone());
                    }
                }
                distinct
            };
            // The same inline error schema under several statuses is one type.
            let mut error_names: Vec<(Value, Value)> = Vec::new();
            for (status, response) in responses.iter_mut() {
                let Some(schema) = response.pointer_mut("/content/application~1json/schema") else {
                    continue;
                };
                if !is_inline_body(schema) {
                    continue;
                }
                let within = format!(
                    "/responses/{}/content/application~1json/schema",
                    escape(status)
                );
                if status.starts_with('2') {
                    name_for("Response", within, schema, &mut hoisted);
                    continue;
                }
                if let Some((_, reference)) =
                    error_names.iter().find(|(inline, _)| inline == schema)
                {
                    *schema = reference.clone();
                    continue;
                }
                let inline = schema.clone();
                let suffix = if inline_errors.len() > 1 {
                    format!("Error{status}")
                } else {
                    "Error".to_owned()
                };
                name_for(&suffix, within, schema, &mut hoisted);
                error_names.push((inline, schema.clone()));
            }
        }
    }
    if hoisted.is_empty() {
        return origins;
    }
    let components = document.as_object_mut().map(|root| {
        root.entry("components")
            .or_insert_with(|| Value::Object(Map::new()))
    });
    let Some(Value::Object(components)) = components else {
        return origins;
    };
    let Value::Object(schemas) = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()))
    else {
        return origins;
    };
    schemas.extend(hoisted);
    origins
}

/// A body schema written in place: not a `$ref`, and something typify would
/// make a named type of (an object or a combination), not `string` or an array.
fn is_inline_body(schema: &Value) -> bool {
    let Value::Object(schema) = schema else {
        return false;
    };
    if schema.contains_key("$ref") {
        return false;
    }
    let typed = schema.get("type").and_then(Value::as_str);
    typed == Some("object")
        || (typed.is_none()
            && ["properties", "allOf", "oneOf", "anyOf", "enum"]
                .iter()
                .any(|k| schema.contains_key(*k)))
}

/// `createPost` → `CreatePost`, `create_post` → `CreatePost`.
fn upper_camel(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// What a schema name becomes as a Rust type name, up to case and separators:
/// two names equal here collide.
pub(crate) fn normalised_name(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Every 2xx answer decodes as the operation's documented success body: an
/// operation with one JSON success response (`200`, say) and no other 2xx
/// also gets a `2XX` entry for it, so that a `201` with the same body is the
/// typed answer rather than an `UnexpectedResponse`.
fn success_range(document: &mut Value) {
    each_operation_responses(document, |snapshot, responses| {
        let successes: Vec<&String> = responses
            .keys()
            .filter(|status| status.starts_with('2'))
            .collect();
        let [status] = successes[..] else { return };
        if status.eq_ignore_ascii_case("2XX") {
            return;
        }
        let response = target(snapshot, &responses[status]);
        if response
            .pointer("/content/application~1json/schema")
            .is_some()
        {
            let response = response.clone();
            responses.insert("2XX".to_owned(), response);
        }
    });
}

/// Every 4xx and 5xx answer decodes as the operation's documented error body:
/// an operation whose error responses share one schema also gets `4XX` and
/// `5XX` entries for it, so that an undocumented 502 or 408 is still a typed
/// `Error::ErrorResponse` rather than an `UnexpectedResponse`. An operation
/// with an error response without a JSON body gets none (and the others still
/// get theirs).
fn error_ranges(document: &mut Value) {
    each_operation_responses(document, |snapshot, responses| {
        let mut schemas: Vec<&Value> = Vec::new();
        for (status, response) in responses.iter() {
            if !(status.starts_with('4') || status.starts_with('5')) {
                continue;
            }
            let response = target(snapshot, response);
            match response.pointer("/content/application~1json/schema") {
                Some(schema) if !schemas.contains(&schema) => schemas.push(schema),
                Some(_) => {}
                None => return,
            }
        }
        let [schema] = schemas[..] else { return };
        let schema = schema.clone();
        for (range, description) in [
            ("4XX", "Any other client error, with the shared error body."),
            ("5XX", "Any other server error, with the shared error body."),
        ] {
            responses.entry(range).or_insert_with(|| {
                serde_json::json!({
                    "description": description,
                    "content": { "application/json": { "schema": schema } },
                })
            });
        }
    });
}

/// Calls `edit` with the `responses` map of every operation, and a snapshot
/// of the document from before any edit (to follow `$ref`s in).
fn each_operation_responses(
    document: &mut Value,
    mut edit: impl FnMut(&Value, &mut Map<String, Value>),
) {
    let snapshot = document.clone();
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for operation in item.values_mut() {
            if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                edit(&snapshot, responses);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Side {
    Request,
    Response,
}

/// Where the schemas of each side start: named component schemas, and JSON
/// pointers to schemas written inline in an operation.
struct Roots {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
    inline: Vec<(String, Side)>,
}

impl Roots {
    fn of(document: &Value) -> Roots {
        let mut roots = Roots {
            request: BTreeSet::new(),
            response: BTreeSet::new(),
            inline: Vec::new(),
        };
        let Some(Value::Object(paths)) = document.get("paths") else {
            return roots;
        };
        for (route, item) in paths {
            let Value::Object(item) = item else { continue };
            for (method, operation) in item {
                let base = format!("/paths/{}/{method}", escape(route));
                if let Some(body) = operation.get("requestBody") {
                    let body = resolve(document, body, &format!("{base}/requestBody"));
                    roots.add_media(body.value, &body.pointer, Side::Request);
                }
                let Some(Value::Object(responses)) = operation.get("responses") else {
                    continue;
                };
                for (status, response) in responses {
                    let pointer = format!("{base}/responses/{status}");
                    let response = resolve(document, response, &pointer);
                    roots.add_media(response.value, &response.pointer, Side::Response);
                }
            }
        }
        roots
    }

    fn add_media(&mut self, holder: &Value, pointer: &str, side: Side) {
        let Some(Value::Object(content)) = holder.get("content") else {
            return;
        };
        for (media, entry) in content {
            let Some(schema) = entry.get("schema") else {
                continue;
            };
            match schema_name(schema) {
                Some(name) => {
                    match side {
                        Side::Request => self.request.insert(name.into_owned()),
                        Side::Response => self.response.insert(name.into_owned()),
                    };
                }
                None => self
                    .inline
                    .push((format!("{pointer}/content/{}/schema", escape(media)), side)),
            }
        }
    }
}

/// An object with declared properties that is also open to other keys
/// (`additionalProperties: true`, e.g. the `data` of a custom post) gets its
/// other keys as a flattened `extra` map: typify drops them for `true` but keeps
/// them for the equivalent `{}`.
fn keep_extra_properties(schema: &mut Map<String, Value>) {
    let has_properties =
        matches!(schema.get("properties"), Some(Value::Object(p)) if !p.is_empty());
    if has_properties && schema.get("additionalProperties") == Some(&Value::Bool(true)) {
        schema.insert("additionalProperties".to_owned(), Value::Object(Map::new()));
    }
}

fn loosen_response(schema: &mut Map<String, Value>) {
    keep_extra_properties(schema);
    if let Some(Value::Array(values)) = schema.remove("enum") {
        let known: Vec<String> = values
            .iter()
            .map(|v| {
                format!(
                    "`{}`",
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned)
                )
            })
            .collect();
        append_description(
            schema,
            &format!(
                "Known values: {}; any other value the service sends is kept as it is.",
                known.join(", ")
            ),
        );
    }
    schema.remove("required");
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for property in properties.values_mut() {
            if let Value::Object(property) = property
                && !property.contains_key("$ref")
            {
                property.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
    }
}

fn plain_request_strings(schema: &mut Map<String, Value>) {
    keep_extra_properties(schema);
    // Optional arrays and maps become `Option<..>`, so that an empty `{}` or
    // `[]` the caller sets is sent as such, not dropped.
    let required: BTreeSet<String> = match schema.get("required") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => BTreeSet::new(),
    };
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            let Value::Object(property) = property else {
                continue;
            };
            let collection = matches!(
                property.get("type").and_then(Value::as_str),
                Some("array" | "object")
            );
            if collection && !required.contains(name) {
                property.insert("nullable".to_owned(), Value::Bool(true));
            }
        }
    }
    if schema.get("type").and_then(Value::as_str) != Some("string") {
        return;
    }
    let mut limits = Vec::new();
    if let Some(max) = schema.remove("maxLength") {
        limits.push(format!("Maximum string length: {max}."));
    }
    if let Some(min) = schema.remove("minLength") {
        limits.push(format!("Minimum string length: {min}."));
    }
    if !limits.is_empty() {
        append_description(schema, &limits.join(" "));
    }
}

/// A `style: deepObject` query object (`options`, with `limit` and `token`)
/// becomes one `style: form` query parameter a property, named as the wire
/// names it (`options[limit]`): progenitor sends `form` parameters only, and
/// names the builder method `options_limit`. A property is required when the
/// object is and the object's `required` lists it. `check.rs` has refused
/// the objects this cannot express (nested objects).
fn flatten_deep_objects(document: &mut Value) {
    let snapshot = document.clone();
    let Some(Value::Object(paths)) = document.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for (key, value) in item.iter_mut() {
            let list = if key == "parameters" {
                Some(value)
            } else {
                value.get_mut("parameters")
            };
            let Some(Value::Array(list)) = list else {
                continue;
            };
            let mut flat = Vec::with_capacity(list.len());
            for parameter in list.drain(..) {
                let resolved = crate::document::target(&snapshot, &parameter).clone();
                let is_deep = resolved.get("in").and_then(Value::as_str) == Some("query")
                    && resolved.get("style").and_then(Value::as_str) == Some("deepObject");
                let schema = resolved
                    .get("schema")
                    .map(|schema| crate::document::target(&snapshot, schema).clone());
                let Some(Value::Object(properties)) = schema
                    .as_ref()
                    .and_then(|schema| schema.get("properties"))
                    .filter(|_| is_deep)
                else {
                    flat.push(parameter);
                    continue;
                };
                let name = resolved
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let object_required = resolved.get("required") == Some(&Value::Bool(true));
                let required: Vec<&str> = schema
                    .as_ref()
                    .and_then(|schema| schema.get("required"))
                    .and_then(Value::as_array)
                    .map(|list| list.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for (property, property_schema) in properties {
                    let mut one = Map::new();
                    one.insert(
                        "name".to_owned(),
                        Value::String(format!("{name}[{property}]")),
                    );
                    one.insert("in".to_owned(), Value::String("query".to_owned()));
                    if let Some(description) = crate::document::target(&snapshot, property_schema)
                        .get("description")
                        .cloned()
                    {
                        one.insert("description".to_owned(), description);
                    }
                    one.insert(
                        "required".to_owned(),
                        Value::Bool(object_required && required.contains(&property.as_str())),
                    );
                    one.insert("style".to_owned(), Value::String("form".to_owned()));
                    one.insert("explode".to_owned(), Value::Bool(true));
                    one.insert("schema".to_owned(), property_schema.clone());
                    flat.push(Value::Object(one));
                }
            }
            *list = flat;
        }
    }
}

/// Path, query and header parameters become plain strings and numbers too
/// ([`plain_parameter`]): typify would make a newtype
/// whose conversion error the builder drops (`conversion to
/// 'ApprovePostPostId' for post_id failed`). The generated validation checks
/// their limits before sending instead, and names the limit broken.
fn plain_path_parameters(document: &mut Value) {
    let mut pointers = Vec::new();
    if let Some(Value::Object(paths)) = document.get("paths") {
        for (route, item) in paths {
            let Value::Object(item) = item else { continue };
            let item_pointer = format!("/paths/{}", escape(route));
            for (key, value) in item {
                let list = if key == "parameters" {
                    value
                } else {
                    match value.get("parameters") {
                        Some(list) => list,
                        None => continue,
                    }
                };
                let base = if key == "parameters" {
                    format!("{item_pointer}/parameters")
                } else {
                    format!("{item_pointer}/{}/parameters", escape(key))
                };
                let Value::Array(list) = list else { continue };
                for (index, parameter) in list.iter().enumerate() {
                    let pointer = match reference(parameter) {
                        Some(pointer) => pointer.to_owned(),
                        None => format!("{base}/{index}"),
                    };
                    pointers.push(pointer);
                }
            }
        }
    }
    for pointer in pointers {
        let Some(Value::Object(parameter)) = document.pointer_mut(&pointer) else {
            continue;
        };
        if !matches!(
            parameter.get("in").and_then(Value::as_str),
            Some("path" | "query" | "header")
        ) {
            continue;
        }
        if let Some(Value::Object(schema)) = parameter.get_mut("schema") {
            plain_parameter(schema);
            if let Some(Value::Object(items)) = schema.get_mut("items") {
                plain_parameter(items);
            }
        }
    }
}

/// A parameter's string limits and numeric bounds go to its description:
/// typify would make a newtype or a `NonZeroU64` of them, whose conversion
/// error names no limit; the generated validation checks them instead.
fn plain_parameter(schema: &mut Map<String, Value>) {
    plain_request_strings(schema);
    if !matches!(
        schema.get("type").and_then(Value::as_str),
        Some("integer" | "number")
    ) {
        return;
    }
    let mut limits = Vec::new();
    if let Some(min) = schema.remove("minimum") {
        limits.push(format!("Minimum: {min}."));
    }
    if let Some(max) = schema.remove("maximum") {
        limits.push(format!("Maximum: {max}."));
    }
    schema.remove("exclusiveMinimum");
    schema.remove("exclusiveMaximum");
    if !limits.is_empty() {
        append_description(schema, &limits.join(" "));
    }
}

fn append_description(schema: &mut Map<String, Value>, text: &str) {
    let description = match schema.get("description").and_then(Value::as_str) {
        Some(existing) if !existing.is_empty() => format!("{}\n\n{text}", existing.trim_end()),
        _ => text.to_owned(),
    };
    schema.insert("description".to_owned(), Value::String(description));
}
