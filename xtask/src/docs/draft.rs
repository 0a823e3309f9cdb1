//! `--draft PAGE`: a draft OpenAPI fragment for a page, so that adding an
//! endpoint starts from a draft to review, not from a blank page.
//!
//! The fragment follows the conventions of `spec/openapi.yaml` (its header
//! comment): the operation (operationId from the page's file name, the title
//! as summary, the spec's security scheme and error responses), a request
//! body schema with every constraint of the Body section (type, required,
//! default, options, limits, description, example), request fields only in
//! the example typed from it and unconstrained, and a response schema typed
//! from the example 200 response (`"<string>"` a string, a timestamp a
//! date-time, numbers `number`, no `required`, single example values as plain
//! strings with an `example`). It is printed, never written: a person reviews
//! it (integers, prose rules, the client-chosen id) and merges it.

use anyhow::{Result, bail};
use serde_json::Value;
use serde_yaml::{Mapping, Value as Yaml};

use super::compare::{operation_of, operations};
use super::page::{Field, Page};

/// The draft fragment for `page`, as YAML text with a comment header.
pub fn draft(page: &Page, spec: &codegen::Spec) -> Result<String> {
    let (Some(method), Some(path)) = (&page.method, &page.path) else {
        let line = page.unknown.first().map_or(1, |u| u.line);
        bail!(
            "{}:{line}: no method and path at the top of the page: cannot draft an operation for it",
            page.file
        );
    };
    let document = spec.document();
    let operation_id = operation_id(&page.file);
    let type_base = upper_first(&operation_id);
    let taken: Vec<String> = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default();
    let free = |base: String| -> String {
        let mut name = base.clone();
        let mut n = 1;
        while taken.contains(&name) {
            name = if n == 1 {
                format!("{base}Draft")
            } else {
                format!("{base}Draft{n}")
            };
            n += 1;
        }
        name
    };

    let mut schemas = Mapping::new();
    let mut operation = Mapping::new();
    insert(&mut operation, "operationId", operation_id.clone());
    if let Some(tag) = tag(&path.value) {
        insert(
            &mut operation,
            "tags",
            Yaml::Sequence(vec![Yaml::from(tag)]),
        );
    }
    if let Some(title) = &page.title {
        insert(&mut operation, "summary", title.clone());
    }
    if document
        .pointer("/components/securitySchemes/bearerAuth")
        .is_some()
    {
        let mut requirement = Mapping::new();
        insert(&mut requirement, "bearerAuth", Yaml::Sequence(Vec::new()));
        insert(
            &mut operation,
            "security",
            Yaml::Sequence(vec![Yaml::Mapping(requirement)]),
        );
    }
    if !page.parameters.is_empty() {
        let parameters = page
            .parameters
            .iter()
            .map(|parameter| {
                let field = &parameter.field;
                let mut out = Mapping::new();
                insert(&mut out, "name", field.name.clone());
                insert(&mut out, "in", parameter.location);
                if field.required.is_some() || parameter.location == "path" {
                    insert(&mut out, "required", true);
                }
                if !field.description.is_empty() {
                    insert(&mut out, "description", field.description.clone());
                }
                let mut schema = field_schema(field, None);
                remove(&mut schema, "description");
                insert(&mut out, "schema", Yaml::Mapping(schema));
                Yaml::Mapping(out)
            })
            .collect();
        insert(&mut operation, "parameters", Yaml::Sequence(parameters));
    }
    if page.body.is_some() || page.request_example.is_some() {
        let name = free(format!("{type_base}Request"));
        let schema = request_schema(page);
        let mut body = Mapping::new();
        insert(&mut body, "required", true);
        if let Some(description) = page.body.as_ref().map(|b| &b.description)
            && !description.is_empty()
        {
            insert(&mut body, "description", description.clone());
        }
        insert(&mut body, "content", json_content(&name));
        insert(&mut operation, "requestBody", Yaml::Mapping(body));
        insert(&mut schemas, &name, Yaml::Mapping(schema));
    }
    let mut responses = Mapping::new();
    let response_name = free(format!("{type_base}Response"));
    let response_description = page
        .response
        .as_ref()
        .map(|r| r.description.clone())
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "OK".to_owned());
    let mut ok = Mapping::new();
    insert(&mut ok, "description", response_description.clone());
    insert(&mut ok, "content", json_content(&response_name));
    insert(&mut responses, "200", Yaml::Mapping(ok));
    for (status, reference) in error_responses(document) {
        let mut entry = Mapping::new();
        insert(&mut entry, "$ref", reference);
        insert(&mut responses, &status, Yaml::Mapping(entry));
    }
    insert(&mut operation, "responses", Yaml::Mapping(responses));
    insert(
        &mut schemas,
        &response_name,
        Yaml::Mapping(response_schema(page, &response_description)),
    );

    let mut item = Mapping::new();
    insert(
        &mut item,
        &method.value.to_lowercase(),
        Yaml::Mapping(operation),
    );
    let mut paths = Mapping::new();
    insert(&mut paths, &path.value, Yaml::Mapping(item));
    let mut components = Mapping::new();
    insert(&mut components, "schemas", Yaml::Mapping(schemas));
    let mut fragment = Mapping::new();
    insert(&mut fragment, "paths", Yaml::Mapping(paths));
    insert(&mut fragment, "components", Yaml::Mapping(components));

    let mut out = header(page, &method.value, &path.value, spec);
    out.push_str(&serde_yaml::to_string(&Yaml::Mapping(fragment))?);
    Ok(out)
}

/// The comment block above the fragment: where it comes from, what to review,
/// how to merge.
fn header(page: &Page, method: &str, path: &str, spec: &codegen::Spec) -> String {
    let mut out = format!(
        "# Draft from {} ({method} {path}) by `cargo xtask docs --draft`: review it, then\n\
         # copy the path under `paths:` and the schemas under `components.schemas` of\n\
         # spec/openapi.yaml, and run `cargo xtask docs` (no drift for this page) and\n\
         # `cargo xtask regen`. To review:\n\
         # - response numbers are `number`: make a count, size or position `integer` and\n\
         #   say why in a comment (the spec's convention);\n\
         # - response values shown once (types, statuses) are plain strings, not enums;\n\
         # - a rule the page states in prose is an `allOf` member with `x-rule`, and a\n\
         #   field known only from prose carries `x-prose` (see the spec's header);\n\
         # - an id the caller may choose for the created item is `x-client-chosen-id`;\n\
         # - nested request fields are typed from the example request, unconstrained.\n",
        page.file
    );
    if let Some(existing) = operation_of(&operations(spec), page) {
        out.push_str(&format!(
            "# The spec already has this operation: {} ({} {}).\n",
            existing.id, existing.method, existing.path
        ));
    }
    for unknown in &page.unknown {
        out.push_str(&format!(
            "# Not read: {}:{}: {}\n",
            page.file, unknown.line, unknown.what
        ));
    }
    out
}

/// `create-message.v3.txt` -> `createMessage`.
pub fn operation_id(file: &str) -> String {
    let stem = file.strip_suffix(".txt").unwrap_or(file);
    let stem = match stem.rsplit_once('.') {
        Some((rest, version))
            if version.len() > 1
                && version.starts_with('v')
                && version[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            rest
        }
        _ => stem,
    };
    let mut out = String::new();
    let mut upper = false;
    for c in stem.chars() {
        if c == '-' || c == '_' || c == '.' || c == ' ' {
            upper = !out.is_empty();
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A tag from the path's last segment that is not a parameter or a version,
/// singular and capitalised: `/api/v3/messages` -> `Message`,
/// `/api/v3/posts/{postId}/approve` -> `Post`.
fn tag(path: &str) -> Option<String> {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && s != &"api" && !s.starts_with('{'))
        .filter(|s| !(s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit())))
        .collect();
    let noun = segments
        .iter()
        .find(|s| s.ends_with('s'))
        .or(segments.first())?;
    let singular = noun.strip_suffix('s').unwrap_or(noun);
    Some(upper_first(singular))
}

/// The error responses of the spec's first operation, as `$ref`s: the spec's
/// convention for every operation.
fn error_responses(document: &Value) -> Vec<(String, String)> {
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return Vec::new();
    };
    for item in paths.values() {
        let Some(item) = item.as_object() else {
            continue;
        };
        for operation in item.values() {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            return responses
                .iter()
                .filter(|(status, _)| !status.starts_with('2'))
                .filter_map(|(status, response)| {
                    let reference = response.get("$ref")?.as_str()?;
                    Some((status.clone(), reference.to_owned()))
                })
                .collect();
        }
    }
    Vec::new()
}

/// `content: {application/json: {schema: {$ref: ...}}}`.
fn json_content(schema_name: &str) -> Yaml {
    let mut reference = Mapping::new();
    insert(
        &mut reference,
        "$ref",
        format!("#/components/schemas/{schema_name}"),
    );
    let mut media = Mapping::new();
    insert(&mut media, "schema", Yaml::Mapping(reference));
    let mut content = Mapping::new();
    insert(&mut content, "application/json", Yaml::Mapping(media));
    Yaml::Mapping(content)
}

/// The request body schema: the Body fields with every constraint, then the
/// fields only the example request shows, typed from it.
fn request_schema(page: &Page) -> Mapping {
    let example = ordered(page.request_example.as_ref());
    let example = example.as_ref();
    let mut schema = Mapping::new();
    insert(&mut schema, "type", "object");
    if let Some(body) = &page.body
        && !body.description.is_empty()
    {
        insert(&mut schema, "description", body.description.clone());
    }
    let fields = page.body.as_ref().map_or(&[][..], |b| &b.fields[..]);
    let required: Vec<Yaml> = fields
        .iter()
        .filter(|f| f.required.is_some())
        .map(|f| Yaml::from(f.name.clone()))
        .collect();
    if !required.is_empty() {
        insert(&mut schema, "required", Yaml::Sequence(required));
    }
    let mut properties = Mapping::new();
    for field in fields {
        let value = example.and_then(|e| e.get(field.name.as_str()));
        insert(
            &mut properties,
            &field.name,
            Yaml::Mapping(field_schema(field, value)),
        );
    }
    if let Some(Yaml::Mapping(map)) = example {
        for (key, value) in map {
            if !fields.iter().any(|f| key.as_str() == Some(f.name.as_str())) {
                properties.insert(key.clone(), Yaml::Mapping(from_example(value)));
            }
        }
    }
    insert(&mut schema, "properties", Yaml::Mapping(properties));
    schema
}

/// The response schema: typed from the example 200 response; fields the
/// Response section lists and the example lacks are typed from the section.
fn response_schema(page: &Page, description: &str) -> Mapping {
    let mut schema = match ordered(page.response_example.as_ref()) {
        Some(value @ Yaml::Mapping(_)) => from_example(&value),
        _ => {
            let mut schema = Mapping::new();
            insert(&mut schema, "type", "object");
            schema
        }
    };
    insert(&mut schema, "description", description.to_owned());
    if let Some(section) = &page.response {
        let mut properties = match schema.remove("properties") {
            Some(Yaml::Mapping(properties)) => properties,
            _ => Mapping::new(),
        };
        for field in &section.fields {
            if !properties.contains_key(field.name.as_str()) {
                insert(
                    &mut properties,
                    &field.name,
                    Yaml::Mapping(field_schema(field, None)),
                );
            }
        }
        if !properties.is_empty() {
            insert(&mut schema, "properties", Yaml::Mapping(properties));
        }
    }
    schema
}

/// A field's schema from its page entry: the type notation, description,
/// options, default, limits and example; an `object` typed further from the
/// example value when it shows keys.
fn field_schema(field: &Field, example: Option<&Yaml>) -> Mapping {
    let notation = field.ty.as_ref().map_or("string", |t| t.value.as_str());
    let mut depth = 0;
    let mut base = notation;
    while let Some(inner) = base.strip_suffix("[]") {
        base = inner;
        depth += 1;
    }
    let mut schema = Mapping::new();
    let (ty, format, enumerated) = match base.split_once('<') {
        Some(("enum", inner)) => (inner.trim_end_matches('>'), None, true),
        Some((ty, format)) => (ty, Some(format.trim_end_matches('>')), false),
        None => (base, None, false),
    };
    // The innermost schema: the item of an array, or the field itself.
    let mut inner = Mapping::new();
    let mut item_example = example;
    for _ in 0..depth {
        item_example = item_example
            .and_then(|v| v.as_sequence())
            .and_then(|a| a.first());
    }
    match (ty, item_example) {
        ("object", Some(value @ Yaml::Mapping(map))) if !map.is_empty() => {
            inner = from_example(value);
        }
        ("object", _) => {
            insert(&mut inner, "type", "object");
            insert(&mut inner, "additionalProperties", true);
        }
        (ty, _) => {
            insert(&mut inner, "type", ty);
        }
    }
    if let Some(format) = format {
        insert(&mut inner, "format", format);
    }
    if enumerated && let Some(options) = &field.options {
        let values = options
            .value
            .iter()
            .map(|option| typed(ty, option))
            .collect();
        insert(&mut inner, "enum", Yaml::Sequence(values));
    }
    for limit in field
        .limits
        .iter()
        .filter(|l| l.keyword.starts_with("items."))
    {
        insert_limit(&mut inner, &limit.keyword["items.".len()..], &limit.value);
    }
    if depth == 0 {
        schema = inner;
    } else {
        insert(&mut schema, "type", "array");
        let mut items = inner;
        for _ in 1..depth {
            let mut outer = Mapping::new();
            insert(&mut outer, "type", "array");
            insert(&mut outer, "items", Yaml::Mapping(items));
            items = outer;
        }
        insert(&mut schema, "items", Yaml::Mapping(items));
    }
    if !field.description.is_empty() {
        insert(&mut schema, "description", field.description.clone());
    }
    if let Some(default) = &field.default {
        insert(
            &mut schema,
            "default",
            typed(if depth == 0 { ty } else { "string" }, &default.value),
        );
    }
    for limit in field
        .limits
        .iter()
        .filter(|l| !l.keyword.starts_with("items."))
    {
        insert_limit(&mut schema, limit.keyword, &limit.value);
    }
    if let Some(example) = &field.example {
        insert(&mut schema, "example", yaml(&example.value));
    }
    schema
}

/// Writes a limit keyword of the page reader as OpenAPI 3.0 keywords.
fn insert_limit(schema: &mut Mapping, keyword: &str, value: &serde_json::Number) {
    let number = yaml(&Value::Number(value.clone()));
    match keyword {
        "exclusiveMinimum" => {
            insert(schema, "minimum", number);
            insert(schema, "exclusiveMinimum", true);
        }
        "exclusiveMaximum" => {
            insert(schema, "maximum", number);
            insert(schema, "exclusiveMaximum", true);
        }
        keyword => insert(schema, keyword, number),
    }
}

/// A page's text value (an option, a default) as the type says: `true` a
/// boolean, `20` a number, else a string.
fn typed(ty: &str, text: &str) -> Yaml {
    match ty {
        "boolean" | "number" | "integer" => match serde_json::from_str::<Value>(text) {
            Ok(value @ (Value::Bool(_) | Value::Number(_))) => yaml(&value),
            _ => Yaml::from(text.to_owned()),
        },
        _ => Yaml::from(text.to_owned()),
    }
}

/// A schema typed from an example value, the spec's convention. The value is
/// read from the page's text as YAML, which keeps the keys in page order.
fn from_example(value: &Yaml) -> Mapping {
    let mut schema = Mapping::new();
    match value {
        Yaml::String(text) => {
            insert(&mut schema, "type", "string");
            if super::compare::is_timestamp(text) {
                insert(&mut schema, "format", "date-time");
            } else if text != "<string>" {
                insert(&mut schema, "example", text.clone());
            }
        }
        Yaml::Number(_) => insert(&mut schema, "type", "number"),
        Yaml::Bool(_) => insert(&mut schema, "type", "boolean"),
        Yaml::Sequence(items) => {
            insert(&mut schema, "type", "array");
            let items = items.first().map_or_else(Mapping::new, from_example);
            insert(&mut schema, "items", Yaml::Mapping(items));
        }
        Yaml::Mapping(map) if map.is_empty() => {
            insert(&mut schema, "type", "object");
            insert(&mut schema, "additionalProperties", true);
        }
        Yaml::Mapping(map) => {
            insert(&mut schema, "type", "object");
            let mut properties = Mapping::new();
            for (key, value) in map {
                properties.insert(key.clone(), Yaml::Mapping(from_example(value)));
            }
            insert(&mut schema, "properties", Yaml::Mapping(properties));
        }
        Yaml::Null | Yaml::Tagged(_) => insert(&mut schema, "nullable", true),
    }
    schema
}

/// An example of the page in page order (JSON read as YAML).
fn ordered(example: Option<&super::page::Example>) -> Option<Yaml> {
    serde_yaml::from_str(&example?.text).ok()
}

fn yaml(value: &Value) -> Yaml {
    serde_yaml::to_value(value).unwrap_or(Yaml::Null)
}

fn insert(map: &mut Mapping, key: &str, value: impl Into<Yaml>) {
    map.insert(Yaml::from(key.to_owned()), value.into());
}

fn remove(map: &mut Mapping, key: &str) {
    map.remove(key);
}
