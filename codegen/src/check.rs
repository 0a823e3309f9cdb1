//! Checks a spec before generation, so that every problem becomes an [`Error`]
//! naming its file, line and place instead of a panic deep inside progenitor
//! or silently wrong code.
//!
//! The first checks read the bundled JSON document (so that a mistyped keyword
//! is named exactly, before serde's typed parse would name only the nearest
//! untagged enum); the later ones read the typed document. Each check adds
//! every problem it finds to the list it is given and keeps going;
//! [`crate::Spec`] decides which stages run after which.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Response, StatusCode};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::Error;
use crate::document::{Slot, escape, pointer, walk};
use crate::source::Sources;

/// progenitor reads OpenAPI 3.0.x only; a 3.1 document would half-parse.
pub(crate) fn version(document: &Value, sources: &Sources, problems: &mut Vec<Error>) {
    let Value::Object(root) = document else {
        problems.push(Error::Shape {
            at: sources.place(""),
            message: format!(
                "the document is {}, not a mapping with `openapi`, `info` and `paths`",
                kind_of(document)
            ),
        });
        return;
    };
    let found = match root.get("openapi") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => other.to_string(),
        None => "(missing)".to_owned(),
    };
    if !found.starts_with("3.0.") {
        problems.push(Error::Version {
            at: sources.place("/openapi"),
            found,
        });
    }
}

/// The types of JSON Schema that OpenAPI 3.0 knows.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

/// Every schema's keywords hold values of the type OpenAPI 3.0 gives them,
/// and `type` is one of its six types. Reported at the keyword itself.
pub(crate) fn keywords(document: &Value, sources: &Sources, problems: &mut Vec<Error>) {
    // The schemas seen so far (the walk visits parents first).
    let mut schemas = BTreeSet::new();
    walk(document, &mut |at, slot, value| {
        if slot == Slot::Schema && value.is_object() {
            schemas.insert(at.to_owned());
        }
        let found = match (slot, value) {
            (Slot::Schema, Value::Object(schema)) if schema.contains_key("$ref") => Vec::new(),
            // `additionalProperties: true` (checked with its schema's keywords).
            (Slot::Schema, Value::Bool(_)) if at.ends_with("/additionalProperties") => Vec::new(),
            (Slot::Schema, Value::Object(schema)) => schema_keywords(schema),
            // Its parent schema's keyword (`items`, `properties`, ...) is reported.
            (Slot::Schema, _) if parent_schema(at).is_some_and(|p| schemas.contains(p)) => {
                Vec::new()
            }
            (Slot::Schema, other) => vec![Problem::here(format!(
                "a schema must be a mapping, not {}",
                kind_of(other)
            ))],
            (Slot::Parameter, Value::Object(parameter)) => {
                parameter_keywords(parameter).err().into_iter().collect()
            }
            (
                Slot::PathItem
                | Slot::Operation
                | Slot::Parameter
                | Slot::RequestBody
                | Slot::Response
                | Slot::MediaType
                | Slot::Header,
                other,
            ) if !other.is_object() => vec![Problem::here(format!(
                "a {} must be a mapping, not {}",
                slot_title(slot),
                kind_of(other)
            ))],
            _ => Vec::new(),
        };
        for problem in found {
            let within = match &problem.keyword {
                Some(keyword) => format!("{at}/{keyword}"),
                None => at.to_owned(),
            };
            problems.push(Error::Shape {
                at: sources.place(&within),
                message: problem.message,
            });
        }
    });
}

/// The pointer of the schema whose keyword holds the schema at `at`
/// (`/A/items`, `/A/properties/b`, `/A/allOf/0` -> `/A`), if it stands in one.
fn parent_schema(at: &str) -> Option<&str> {
    let (parent, last) = at.rsplit_once('/')?;
    if ["items", "not", "additionalProperties"].contains(&last) {
        return Some(parent);
    }
    let (grandparent, keyword) = parent.rsplit_once('/')?;
    ["properties", "allOf", "anyOf", "oneOf"]
        .contains(&keyword)
        .then_some(grandparent)
}

/// What is wrong with one keyword (or the whole object when `keyword` is None).
struct Problem {
    keyword: Option<String>,
    message: String,
}

impl Problem {
    fn here(message: String) -> Problem {
        Problem {
            keyword: None,
            message,
        }
    }

    fn at(keyword: &str, message: String) -> Problem {
        Problem {
            keyword: Some(keyword.to_owned()),
            message,
        }
    }
}

/// The keywords of an OpenAPI 3.0 Schema Object.
const SCHEMA_KEYWORDS: [&str; 36] = [
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "$ref",
];

/// JSON Schema keywords OpenAPI 3.1 takes and 3.0 does not.
const LATER_KEYWORDS: [&str; 14] = [
    "const",
    "examples",
    "$schema",
    "$id",
    "$defs",
    "if",
    "then",
    "else",
    "prefixItems",
    "contentMediaType",
    "contentEncoding",
    "dependentRequired",
    "unevaluatedProperties",
    "patternProperties",
];

/// A keyword OpenAPI 3.0 does not know is ignored by every reader, so a typo
/// (`maxLenght`) would drop a constraint without a word: refused, with the
/// keyword it most likely meant.
fn unknown_keyword(keyword: &str) -> Option<Problem> {
    if SCHEMA_KEYWORDS.contains(&keyword) || keyword.starts_with("x-") {
        return None;
    }
    if LATER_KEYWORDS.contains(&keyword) {
        return Some(Problem::at(
            keyword,
            format!(
                "`{keyword}` is JSON Schema as OpenAPI 3.1 takes it, not a keyword of OpenAPI 3.0"
            ),
        ));
    }
    let nearest = SCHEMA_KEYWORDS
        .iter()
        .map(|known| {
            (
                edit_distance(&keyword.to_lowercase(), &known.to_lowercase()),
                *known,
            )
        })
        .min()
        .filter(|(distance, _)| *distance <= 2);
    let hint = match nearest {
        Some((_, known)) => format!(" (did you mean `{known}`?)"),
        None => " (an extension must start with `x-`)".to_owned(),
    };
    Some(Problem::at(
        keyword,
        format!(
            "`{keyword}` is not a keyword of an OpenAPI 3.0 schema{hint}; every reader would \
             ignore it"
        ),
    ))
}

/// Levenshtein distance, for "did you mean".
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Every problem of one schema's keywords: each unknown keyword, its `type`,
/// and the value of each keyword it knows.
fn schema_keywords(schema: &Map<String, Value>) -> Vec<Problem> {
    let mut problems: Vec<Problem> = schema
        .keys()
        .filter_map(|keyword| unknown_keyword(keyword))
        .collect();
    problems.extend(schema_type(schema).err());
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    for (keyword, value) in schema {
        problems.extend(keyword_value(schema, integer, keyword, value).err());
    }
    problems
}

/// `type` is one of OpenAPI 3.0's six types.
fn schema_type(schema: &Map<String, Value>) -> Result<(), Problem> {
    if let Some(kind) = schema.get("type") {
        match kind {
            Value::String(t) if TYPES.contains(&t.as_str()) => {}
            Value::String(t) if t == "null" => {
                return Err(Problem::at(
                    "type",
                    "`type: null` is OpenAPI 3.1; in 3.0 give the schema its type and \
                     `nullable: true`"
                        .to_owned(),
                ));
            }
            Value::Array(_) => {
                return Err(Problem::at(
                    "type",
                    "a list of types is OpenAPI 3.1; in 3.0 `type` is one of string, number, \
                     integer, boolean, array, object (add `nullable: true` for null)"
                        .to_owned(),
                ));
            }
            other => {
                return Err(Problem::at(
                    "type",
                    format!(
                        "`type: {}` is not one of OpenAPI 3.0's types: string, number, integer, \
                         boolean, array, object",
                        plain(other)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The value of one keyword of `schema` is of the type OpenAPI 3.0 gives it.
fn keyword_value(
    schema: &Map<String, Value>,
    integer: bool,
    keyword: &str,
    value: &Value,
) -> Result<(), Problem> {
    let expect = |what: &str| {
        Err(Problem::at(
            keyword,
            format!("`{keyword}` must be {what}, not {}", describe(value)),
        ))
    };
    match keyword {
        "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems"
            if !value.is_boolean() =>
        {
            return expect("true or false");
        }
        "exclusiveMinimum" | "exclusiveMaximum" => {
            if value.is_number() {
                return Err(Problem::at(
                    keyword,
                    format!(
                        "in OpenAPI 3.0 `{keyword}` is true or false and makes `{}` \
                         exclusive; a number here is OpenAPI 3.1",
                        if keyword == "exclusiveMinimum" {
                            "minimum"
                        } else {
                            "maximum"
                        }
                    ),
                ));
            }
            if !value.is_boolean() {
                return expect("true or false");
            }
            let bound = if keyword == "exclusiveMinimum" {
                "minimum"
            } else {
                "maximum"
            };
            if value == &Value::Bool(true) && !schema.contains_key(bound) {
                return Err(Problem::at(
                    keyword,
                    format!("`{keyword}: true` needs a `{bound}` to make exclusive"),
                ));
            }
        }
        "maxLength" | "minLength" | "maxItems" | "minItems" | "maxProperties" | "minProperties"
            if value.as_u64().is_none() =>
        {
            return expect("a whole number from 0 to 18446744073709551615");
        }
        "minimum" | "maximum" | "multipleOf" => {
            if !value.is_number() {
                return expect("a number");
            }
            if integer && keyword != "multipleOf" && value.as_i64().is_none() {
                return Err(Problem::at(
                    keyword,
                    format!(
                        "`{keyword}` of an integer schema must be a whole number within i64 \
                         (-9223372036854775808 to 9223372036854775807), not {value}"
                    ),
                ));
            }
        }
        "pattern" | "format" | "title" | "description" if !value.is_string() => {
            return expect("a string");
        }
        "required" => match value {
            Value::Array(names) if names.iter().all(Value::is_string) => {}
            Value::Bool(_) => {
                return Err(Problem::at(
                    keyword,
                    "`required` of a schema lists the names of its required properties \
                     (`required: [id]`); to make a property required, list its name in the \
                     parent object's `required`"
                        .to_owned(),
                ));
            }
            _ => return expect("a list of property names"),
        },
        "properties" => match value {
            Value::Object(properties) => {
                for (name, property) in properties {
                    if !property.is_object() {
                        return Err(Problem::at(
                            &format!("properties/{}", escape(name)),
                            format!(
                                "property `{name}` must be a schema (a mapping), not {}",
                                describe(property)
                            ),
                        ));
                    }
                }
            }
            _ => return expect("a mapping from property names to schemas"),
        },
        "items" | "not" => match value {
            Value::Object(_) => {}
            Value::Array(_) if keyword == "items" => {
                return Err(Problem::at(
                    keyword,
                    "`items` is one schema in OpenAPI 3.0; a list of schemas (tuple \
                     validation) is not supported"
                        .to_owned(),
                ));
            }
            _ => return expect("a schema (a mapping)"),
        },
        "additionalProperties" if !value.is_object() && !value.is_boolean() => {
            return expect("true, false or a schema");
        }
        "allOf" | "oneOf" | "anyOf" => match value {
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
                if keyword == "allOf" {
                    all_of_types(value)?;
                }
            }
            _ => return expect("a non-empty list of schemas"),
        },
        "enum" => match value {
            Value::Array(values) if !values.is_empty() => {
                enum_values(schema, values)?;
                if integer
                    && let Some(bad) = values.iter().find(|v| !v.is_null() && v.as_i64().is_none())
                {
                    return Err(Problem::at(
                        keyword,
                        format!(
                            "every value of an integer schema's `enum` must be a whole \
                             number within i64, not {bad}"
                        ),
                    ));
                }
            }
            _ => return expect("a non-empty list of values"),
        },
        "discriminator" if value.get("propertyName").and_then(Value::as_str).is_none() => {
            return expect("a mapping with a `propertyName`");
        }
        _ => {}
    }
    Ok(())
}

/// Every value of an `enum` is of the schema's `type` (or `null` when the
/// schema is `nullable`).
fn enum_values(schema: &Map<String, Value>, values: &[Value]) -> Result<(), Problem> {
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let Some(kind) = schema.get("type").and_then(Value::as_str) else {
        return Ok(());
    };
    for (index, value) in values.iter().enumerate() {
        let fits = match (kind, value) {
            // `enum: [null]` alone is the "null" idiom typify reads as `()`.
            (_, Value::Null) => nullable || values.iter().all(Value::is_null),
            ("string", v) => v.is_string(),
            ("integer", v) => v.is_i64() || v.is_u64(),
            ("number", v) => v.is_number(),
            ("boolean", v) => v.is_boolean(),
            ("array", v) => v.is_array(),
            ("object", v) => v.is_object(),
            _ => true,
        };
        if !fits {
            let reason = if value.is_null() {
                "`null` in an `enum` needs `nullable: true` on the schema".to_owned()
            } else {
                format!(
                    "`{}` is not a value of the schema's type `{kind}`",
                    plain(value)
                )
            };
            return Err(Problem::at(&format!("enum/{index}"), reason));
        }
    }
    Ok(())
}

/// The parts of an `allOf` that state a `type` state the same one: no value
/// is both a string and an integer.
fn all_of_types(value: &Value) -> Result<(), Problem> {
    let Value::Array(parts) = value else {
        return Ok(());
    };
    let mut first: Option<(usize, &str)> = None;
    for (index, part) in parts.iter().enumerate() {
        let Some(kind) = part.get("type").and_then(Value::as_str) else {
            continue;
        };
        match first {
            None => first = Some((index, kind)),
            Some((at, other)) if other != kind => {
                return Err(Problem::at(
                    &format!("allOf/{index}/type"),
                    format!(
                        "`allOf` part {index} is `{kind}` but part {at} is `{other}`: no value is \
                         both, so nothing could be sent or decoded"
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The `in` of a parameter (the typed parse would only say "did not match any
/// variant of untagged enum ReferenceOr").
fn parameter_keywords(parameter: &Map<String, Value>) -> Result<(), Problem> {
    if parameter.contains_key("$ref") {
        return Ok(());
    }
    match parameter.get("in").and_then(Value::as_str) {
        Some("query" | "header" | "path" | "cookie") => {}
        Some(other) => {
            return Err(Problem::at(
                "in",
                format!("`in: {other}` is not one of query, header, path, cookie"),
            ));
        }
        None => {
            return Err(Problem::here(
                "a parameter needs `in` (query, header, path or cookie)".to_owned(),
            ));
        }
    }
    if parameter.get("name").and_then(Value::as_str).is_none() {
        return Err(Problem::here("a parameter needs a `name`".to_owned()));
    }
    if !parameter.contains_key("schema") && !parameter.contains_key("content") {
        return Err(Problem::here(
            "a parameter needs a `schema` (or `content`)".to_owned(),
        ));
    }
    Ok(())
}

/// Every `$ref` points at something in the document, of the kind its place
/// needs (a schema where a schema goes, a response where a response goes).
pub(crate) fn references(document: &Value, sources: &Sources, problems: &mut Vec<Error>) {
    walk(document, &mut |at, slot, value| {
        let Some(Value::String(reference)) = value.get("$ref") else {
            return;
        };
        let error = |reason: String| Error::UnresolvedRef {
            at: sources.place(&format!("{at}/$ref")),
            reference: reference.clone(),
            reason,
        };
        let Some(target) = reference.strip_prefix('#') else {
            problems.push(error("not a reference within the document".to_owned()));
            return;
        };
        if document.pointer(target).is_none() {
            problems.push(error(format!("nothing is defined at `#{target}`")));
            return;
        }
        let wanted = slot_name(slot);
        let found = slot_name(Slot::at(target));
        if let (Some(wanted), Some(found)) = (wanted, found)
            && wanted != found
        {
            problems.push(error(format!(
                "a {wanted} is expected here, but `{reference}` is a {found}"
            )));
        }
    });
}

/// What stands in `slot`, for messages.
fn slot_title(slot: Slot) -> &'static str {
    match slot {
        Slot::PathItem => "path item",
        Slot::Operation => "operation",
        Slot::MediaType => "media type",
        other => slot_name(other).unwrap_or("value"),
    }
}

fn slot_name(slot: Slot) -> Option<&'static str> {
    match slot {
        Slot::Schema => Some("schema"),
        Slot::Response => Some("response"),
        Slot::Parameter => Some("parameter"),
        Slot::RequestBody => Some("request body"),
        Slot::Header => Some("header"),
        _ => None,
    }
}

/// The typed document. serde's error names the path it failed at; where that
/// is an untagged enum (`ReferenceOr<Response>`, ...), the value is read again
/// as the concrete type to find the field actually at fault.
pub(crate) fn typed(yaml: &serde_yaml::Value, sources: &Sources) -> Result<OpenAPI, Error> {
    // The plain read first: tracking the path costs every value of a good spec.
    if let Ok(openapi) = OpenAPI::deserialize(yaml) {
        return Ok(openapi);
    }
    match serde_path_to_error::deserialize::<_, OpenAPI>(yaml) {
        Ok(openapi) => Ok(openapi),
        Err(error) => {
            let mut at = path_pointer(error.path());
            let mut message = error.inner().to_string();
            // Read the value at fault again as the concrete type that stands
            // there (serde's path stops at an untagged enum or a flattened
            // map), for as long as that names a deeper place.
            for _ in 0..32 {
                let Some(value) = crate::source::yaml_pointer(yaml, &at) else {
                    break;
                };
                let slot = Slot::at(&at);
                if let Some(key) = failing_child(slot, value) {
                    at.push('/');
                    at.push_str(&escape(&key));
                    continue;
                }
                match concrete_error(slot, value) {
                    Some((inner, inner_message)) => {
                        message = inner_message;
                        if inner.is_empty() {
                            break;
                        }
                        at.push_str(&inner);
                    }
                    None => break,
                }
            }
            Err(Error::Shape {
                at: sources.place(&at),
                message,
            })
        }
    }
}

/// In a map or list of things (paths, responses, parameters, ...), the key
/// of the first one that does not read as what it should be.
fn failing_child(slot: Slot, value: &serde_yaml::Value) -> Option<String> {
    let many = matches!(
        slot,
        Slot::Paths
            | Slot::Responses
            | Slot::Content
            | Slot::Headers
            | Slot::Named(_)
            | Slot::Parameters
            | Slot::Schemas
    );
    if !many {
        return None;
    }
    let children: Vec<(String, &serde_yaml::Value)> = match value {
        serde_yaml::Value::Mapping(map) => map
            .iter()
            .filter_map(|(k, v)| Some((crate::source::key_string(k)?, v)))
            .filter(|(k, _)| !k.starts_with("x-"))
            .collect(),
        serde_yaml::Value::Sequence(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => return None,
    };
    children.into_iter().find_map(|(key, child)| {
        let is_reference = child.get("$ref").is_some();
        (!is_reference && concrete_error(slot.child(&key), child).is_some()).then_some(key)
    })
}

/// The error reading `value` as what stands in `slot`, with its pointer
/// relative to `value`.
fn concrete_error(slot: Slot, value: &serde_yaml::Value) -> Option<(String, String)> {
    fn read<T: serde::de::DeserializeOwned>(value: &serde_yaml::Value) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(value)
            .err()
            .map(|e| (path_pointer(e.path()), e.inner().to_string()))
    }
    match slot {
        Slot::Paths => read::<openapiv3::Paths>(value),
        Slot::Operation => read::<openapiv3::Operation>(value),
        Slot::Responses => read::<openapiv3::Responses>(value),
        Slot::Components => read::<openapiv3::Components>(value),
        Slot::Content => read::<openapiv3::Content>(value),
        Slot::MediaType => read::<openapiv3::MediaType>(value),
        Slot::Response => read::<openapiv3::Response>(value),
        Slot::Parameter => read::<openapiv3::Parameter>(value),
        Slot::RequestBody => read::<openapiv3::RequestBody>(value),
        Slot::Header => read::<openapiv3::Header>(value),
        Slot::Schema => read::<openapiv3::Schema>(value),
        Slot::PathItem => read::<openapiv3::PathItem>(value),
        _ => None,
    }
}

fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&escape(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// No two component schemas that become one Rust type name (`Thing` and
/// `thing`, `post_data` and `PostData`): typify would emit both under one
/// name, and an operation could decode the other's body.
pub(crate) fn schema_names(spec: &OpenAPI, sources: &Sources, problems: &mut Vec<Error>) {
    let Some(components) = &spec.components else {
        return;
    };
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for name in components.schemas.keys() {
        let normalised = crate::transform::normalised_name(name);
        if let Some(first) = seen.get(&normalised) {
            let first_place = sources.place(&pointer(&["components", "schemas", first]));
            problems.push(Error::Unsupported {
                at: sources.place(&pointer(&["components", "schemas", name])),
                location: format!("schemas `{first}` ({first_place}) and `{name}`"),
                reason: "both become the same Rust type name (case and separators are not \
                         kept): rename one of them"
                    .to_owned(),
            });
        } else {
            seen.insert(normalised, name);
        }
    }
}

/// Unique operationIds, path templates matching their parameters, and no
/// operation shape progenitor would panic on.
pub(crate) fn operations(spec: &OpenAPI, sources: &Sources, problems: &mut Vec<Error>) {
    let mut seen: BTreeMap<&str, (String, String)> = BTreeMap::new();
    for (route, item) in spec.paths.iter() {
        let item_pointer = pointer(&["paths", route]);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                problems.push(Error::Unsupported {
                    at: sources.place(&format!("{item_pointer}/$ref")),
                    location: format!("path {route}"),
                    reason: format!(
                        "a path item given as $ref `{reference}` is not supported; write the operations inline"
                    ),
                });
                continue;
            }
        };
        for (method, operation) in item.iter() {
            let place = format!("{} {route}", method.to_uppercase());
            let operation_pointer = format!("{item_pointer}/{method}");
            let Some(operation_id) = operation.operation_id.as_deref() else {
                problems.push(Error::MissingOperationId {
                    at: sources.place(&operation_pointer),
                    method: method.to_uppercase(),
                    path: route.clone(),
                });
                continue;
            };
            let id_pointer = format!("{operation_pointer}/operationId");
            match seen.get(operation_id) {
                Some((first, first_pointer)) => problems.push(Error::DuplicateOperationId {
                    at: sources.place(&id_pointer),
                    operation_id: operation_id.to_owned(),
                    first: Box::new((sources.place(first_pointer), first.clone())),
                    second: place.clone(),
                }),
                None => {
                    seen.insert(operation_id, (place.clone(), id_pointer));
                }
            }
            let unsupported = |pointer: String, reason: String| Error::Unsupported {
                at: sources.place(&pointer),
                location: format!("operation {operation_id} ({place})"),
                reason,
            };
            let parameters = parameters(spec, item, operation, &item_pointer, &operation_pointer);
            let mut refuse = |pointer: String, reason: String| {
                problems.push(unsupported(pointer, reason));
            };
            path_parameters(
                route,
                &parameters,
                &item_pointer,
                &operation_pointer,
                &mut refuse,
            );
            parameter_styles(spec, &parameters, &mut refuse);
            request_body(spec, operation, &operation_pointer, &mut refuse);
            response_kinds(spec, operation, &operation_pointer, &mut refuse);
        }
    }
}

/// Every `{name}` of the path template is a declared `in: path` parameter of
/// that name, and every declared path parameter is in the template
/// (progenitor panics with "missing path name mapping" otherwise).
fn path_parameters(
    route: &str,
    parameters: &[(&openapiv3::Parameter, String)],
    item_pointer: &str,
    operation_pointer: &str,
    refuse: &mut impl FnMut(String, String),
) {
    let mut template = Vec::new();
    let mut rest = route;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            refuse(
                item_pointer.to_owned(),
                format!("the path template `{route}` has a `{{` without its `}}`"),
            );
            return;
        };
        template.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    let declared: Vec<(String, String)> = parameters
        .iter()
        .filter_map(|(parameter, at)| match parameter {
            openapiv3::Parameter::Path { parameter_data, .. } => {
                Some((parameter_data.name.clone(), at.clone()))
            }
            _ => None,
        })
        .collect();
    // Whether a hint already says to rename the declared names the template lacks.
    let mut hinted = false;
    for name in &template {
        if !declared.iter().any(|(declared, _)| declared == name) {
            let others: Vec<String> = declared
                .iter()
                .filter(|(d, _)| !template.contains(&d.as_str()))
                .map(|(d, _)| format!("`{d}`"))
                .collect();
            hinted |= !others.is_empty();
            let hint = if others.is_empty() {
                String::new()
            } else {
                format!(
                    " (a path parameter is declared as {}: rename it to `{name}`)",
                    others.join(", ")
                )
            };
            refuse(
                operation_pointer.to_owned(),
                format!(
                    "the path template `{route}` has `{{{name}}}`, but no `in: path` parameter \
                     named `{name}` is declared{hint}"
                ),
            );
        }
    }
    if hinted {
        return;
    }
    for (name, at) in declared
        .iter()
        .filter(|(name, _)| !template.contains(&name.as_str()))
    {
        refuse(
            at.clone(),
            format!(
                "declares the path parameter `{name}`, but the path template `{route}` has no `{{{name}}}`"
            ),
        );
    }
}

/// The parameters of an operation, its path item's first, each with its
/// pointer; a `$ref` is resolved in `components.parameters` (one that does
/// not resolve was refused by [`references`]).
fn parameters<'a>(
    spec: &'a OpenAPI,
    item: &'a openapiv3::PathItem,
    operation: &'a openapiv3::Operation,
    item_pointer: &str,
    operation_pointer: &str,
) -> Vec<(&'a openapiv3::Parameter, String)> {
    let lists = [
        (&item.parameters, item_pointer),
        (&operation.parameters, operation_pointer),
    ];
    let mut resolved = Vec::new();
    for (list, base) in lists {
        for (index, parameter) in list.iter().enumerate() {
            let parameter = match parameter {
                ReferenceOr::Item(parameter) => parameter,
                ReferenceOr::Reference { reference } => {
                    let name = reference.trim_start_matches("#/components/parameters/");
                    match spec
                        .components
                        .as_ref()
                        .and_then(|c| c.parameters.get(name))
                    {
                        Some(ReferenceOr::Item(parameter)) => parameter,
                        _ => continue,
                    }
                }
            };
            resolved.push((parameter, format!("{base}/parameters/{index}")));
        }
    }
    resolved
}

/// The parameter kinds and styles progenitor generates: `in: path` with
/// `style: simple`, `in: query` with `style: form`, `in: header`. It refuses
/// the others with a dump of the parameter and no place. A `style:
/// deepObject` query object whose properties are scalars or arrays of
/// scalars is accepted: the transform sends each property as a parameter of
/// its own, `name[property]`.
fn parameter_styles(
    spec: &OpenAPI,
    parameters: &[(&openapiv3::Parameter, String)],
    refuse: &mut impl FnMut(String, String),
) {
    for (parameter, at) in parameters {
        let name = &parameter.parameter_data_ref().name;
        let refused = match parameter {
            openapiv3::Parameter::Cookie { .. } => Some((
                "in",
                format!(
                    "parameter `{name}` is `in: cookie`, which progenitor does not generate; \
                         leave it out of the spec and set the cookie on the reqwest client"
                ),
            )),
            openapiv3::Parameter::Query {
                style: openapiv3::QueryStyle::DeepObject,
                parameter_data,
                ..
            } => deep_object_refusal(spec, parameter_data).map(|reason| ("style", reason)),
            openapiv3::Parameter::Query { style, .. }
                if !matches!(style, openapiv3::QueryStyle::Form) =>
            {
                Some((
                    "style",
                    format!(
                        "query parameter `{name}` has `style: {}`; progenitor generates \
                             `style: form` query parameters only",
                        query_style(style)
                    ),
                ))
            }
            openapiv3::Parameter::Path { style, .. }
                if !matches!(style, openapiv3::PathStyle::Simple) =>
            {
                Some((
                    "style",
                    format!(
                        "path parameter `{name}` has a style other than `simple`, the only \
                             one progenitor generates"
                    ),
                ))
            }
            _ => None,
        };
        if let Some((keyword, reason)) = refused {
            refuse(format!("{at}/{keyword}"), reason);
        }
    }
}

/// Why a `style: deepObject` query parameter cannot be sent as one query
/// parameter a property (`name[property]=value`), or `None` when it can: an
/// object schema with properties, each a scalar or an array of scalars.
fn deep_object_refusal(spec: &OpenAPI, parameter: &openapiv3::ParameterData) -> Option<String> {
    let name = &parameter.name;
    let resolve = |schema: &ReferenceOr<openapiv3::Schema>| -> Option<openapiv3::Schema> {
        match schema {
            ReferenceOr::Item(schema) => Some(schema.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/schemas/")?;
                match spec.components.as_ref()?.schemas.get(name)? {
                    ReferenceOr::Item(schema) => Some(schema.clone()),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    };
    let openapiv3::ParameterSchemaOrContent::Schema(schema) = &parameter.format else {
        return Some(format!(
            "query parameter `{name}` has `style: deepObject` and `content`; give it a `schema` of type object"
        ));
    };
    let object = resolve(schema).and_then(|schema| match schema.schema_kind {
        openapiv3::SchemaKind::Type(openapiv3::Type::Object(object))
            if !object.properties.is_empty() =>
        {
            Some(object)
        }
        _ => None,
    });
    let Some(object) = object else {
        return Some(format!(
            "query parameter `{name}` has `style: deepObject`, which is generated for an object with `properties` only (one query parameter `{name}[property]` each)"
        ));
    };
    let is_scalar = |schema: &openapiv3::Schema| {
        matches!(
            schema.schema_kind,
            openapiv3::SchemaKind::Type(
                openapiv3::Type::String(_)
                    | openapiv3::Type::Number(_)
                    | openapiv3::Type::Integer(_)
                    | openapiv3::Type::Boolean(_)
            )
        )
    };
    for (property, schema) in &object.properties {
        let schema = match schema {
            ReferenceOr::Item(schema) => Some((**schema).clone()),
            ReferenceOr::Reference { reference } => resolve(&ReferenceOr::Reference {
                reference: reference.clone(),
            }),
        };
        let fits = schema.as_ref().is_some_and(|schema| {
            is_scalar(schema)
                || match &schema.schema_kind {
                    openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) => array
                        .items
                        .as_ref()
                        .and_then(|items| match items {
                            ReferenceOr::Item(items) => Some((**items).clone()),
                            ReferenceOr::Reference { reference } => {
                                resolve(&ReferenceOr::Reference {
                                    reference: reference.clone(),
                                })
                            }
                        })
                        .is_some_and(|items| is_scalar(&items)),
                    _ => false,
                }
        });
        if !fits {
            return Some(format!(
                "query parameter `{name}` has `style: deepObject` and its property `{property}` is not a string, number, integer, boolean or an array of them; nested objects are not generated"
            ));
        }
    }
    None
}

fn query_style(style: &openapiv3::QueryStyle) -> &'static str {
    match style {
        openapiv3::QueryStyle::Form => "form",
        openapiv3::QueryStyle::SpaceDelimited => "spaceDelimited",
        openapiv3::QueryStyle::PipeDelimited => "pipeDelimited",
        openapiv3::QueryStyle::DeepObject => "deepObject",
    }
}

/// The media types progenitor generates a request body for.
const BODY_MEDIA_TYPES: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// A request body has one media type progenitor generates, with a schema.
fn request_body(
    spec: &OpenAPI,
    operation: &openapiv3::Operation,
    operation_pointer: &str,
    refuse: &mut impl FnMut(String, String),
) {
    let at = format!("{operation_pointer}/requestBody");
    let body = match &operation.request_body {
        None => return,
        Some(ReferenceOr::Item(body)) => body,
        Some(ReferenceOr::Reference { reference }) => {
            let name = reference.trim_start_matches("#/components/requestBodies/");
            match spec
                .components
                .as_ref()
                .and_then(|c| c.request_bodies.get(name))
            {
                Some(ReferenceOr::Item(body)) => body,
                _ => return,
            }
        }
    };
    if body.content.len() > 1 {
        let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
        refuse(
            format!("{at}/content"),
            format!(
                "the request body has {} media types ({}); progenitor generates one: keep one",
                types.len(),
                types.join(", ")
            ),
        );
        return;
    }
    for (media_type, media) in &body.content {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        let media_at = format!("{at}/content/{}", escape(media_type));
        if essence == crate::form::MULTIPART {
            // Its shape is checked by [`forms`].
            continue;
        }
        if !BODY_MEDIA_TYPES.contains(&essence) {
            refuse(
                media_at,
                format!(
                    "a `{media_type}` request body is not generated by progenitor, which knows {}, \
                     nor by codegen's own pass, which knows {}",
                    BODY_MEDIA_TYPES.join(", "),
                    crate::form::MULTIPART,
                ),
            );
        } else if media.schema.is_none() {
            refuse(
                media_at,
                format!("the `{media_type}` request body needs a schema"),
            );
        }
    }
}

/// Every `multipart/form-data` body reads as a form ([`crate::form::split`]),
/// and a component schema that is one is used by form bodies only: the
/// transform rewrites it to its text parts, which would change any other
/// use of it.
pub(crate) fn forms(document: &Value, sources: &Sources, problems: &mut Vec<Error>) {
    let bodies = crate::form::bodies(document);
    for body in &bodies {
        let unsupported = |pointer: &str, reason: String| Error::Unsupported {
            at: sources.place(pointer),
            location: format!("operation {}", body.operation_id),
            reason,
        };
        if let Err((pointer, reason)) = &body.form {
            problems.push(unsupported(pointer, reason.clone()));
            continue;
        }
        if body.resolved == body.pointer {
            continue;
        }
        let form_schema = format!("#{}", body.resolved);
        let mut elsewhere = None;
        crate::document::walk(document, &mut |at, _, value| {
            if elsewhere.is_none()
                && value.get("$ref").and_then(Value::as_str) == Some(form_schema.as_str())
                && !bodies.iter().any(|b| b.pointer == at)
            {
                elsewhere = Some(at.to_owned());
            }
        });
        if let Some(at) = elsewhere {
            problems.push(unsupported(
                &at,
                format!(
                    "`{form_schema}` is the multipart form of operation {} and is used here too; \
                     a form's schema is sent as parts, so give this use a schema of its own",
                    body.operation_id
                ),
            ));
        }
    }
}

/// progenitor gives each operation one success type and one error type; two
/// different bodies on either side make it panic.
fn response_kinds(
    spec: &OpenAPI,
    operation: &openapiv3::Operation,
    operation_pointer: &str,
    refuse: &mut impl FnMut(String, String),
) {
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
    let responses_pointer = format!("{operation_pointer}/responses");
    for (status, response) in listed.chain(default) {
        let at = format!("{responses_pointer}/{status}");
        let response = match response {
            ReferenceOr::Item(response) => response,
            ReferenceOr::Reference { reference } => {
                let name = reference.trim_start_matches("#/components/responses/");
                match spec.components.as_ref().and_then(|c| c.responses.get(name)) {
                    Some(ReferenceOr::Item(response)) => response,
                    _ => {
                        refuse(
                            format!("{at}/$ref"),
                            format!(
                                "response {status} refers to `{reference}`, which is not a response in components.responses"
                            ),
                        );
                        continue;
                    }
                }
            }
        };
        let kind = match response_kind(response, &status, &at) {
            Ok(kind) => kind,
            Err((pointer, reason)) => {
                refuse(pointer, reason);
                continue;
            }
        };
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
            refuse(
                responses_pointer.clone(),
                format!(
                    "its {side} responses have {} different bodies ({}); progenitor supports one {side} body type per operation: give them one shared schema",
                    kinds.len(),
                    groups.into_iter().collect::<Vec<_>>().join(" vs "),
                ),
            );
        }
    }
}

/// What one response's body is, to compare with the others (its JSON
/// schema, `(no body)` or `(raw body)`), or the pointer and reason it is
/// refused.
fn response_kind(response: &Response, status: &str, at: &str) -> Result<String, (String, String)> {
    let json = response
        .content
        .iter()
        .find(|(media, _)| *media == "application/json" || media.starts_with("application/json;"));
    match json {
        Some((media_type, media)) => {
            let media_at = format!("{at}/content/{}", escape(media_type));
            if !media.encoding.is_empty() {
                return Err((
                    format!("{media_at}/encoding"),
                    format!("response {status}: a JSON body with `encoding` is not supported"),
                ));
            }
            let Some(schema) = &media.schema else {
                return Err((
                    media_at,
                    format!("response {status}: application/json content needs a schema"),
                ));
            };
            Ok(serde_json::to_string(schema).unwrap_or_default())
        }
        None if response.content.is_empty() => Ok("(no body)".to_owned()),
        None => Ok("(raw body)".to_owned()),
    }
}

/// `a string`, `a mapping`, ... for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty (null)",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// `false (true or false)`, `"x" (a string)`, ...
fn describe(value: &Value) -> String {
    match value {
        Value::Array(_) | Value::Object(_) | Value::Null => kind_of(value).to_owned(),
        other => format!("`{}`", plain(other)),
    }
}

/// A scalar as written.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
