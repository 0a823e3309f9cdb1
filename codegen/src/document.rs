//! The spec as one JSON document, and the ways through it every pass shares.
//!
//! [`crate::Spec::document`] is the bundled document (every `$ref` local, the
//! files of a split spec copied under `#/components`), built once when the spec
//! is read. Everything that reads the spec as JSON (the checks, the transforms,
//! the validation tables, the JSON Schema view, xtask's diff and conformance)
//! reads that value with the functions here:
//!
//! - pointers: [`escape`], [`unescape`], [`pointer()`];
//! - references: [`reference()`], [`target`], [`resolve`] (with the pointer it
//!   lands on), [`references`], [`reachable`], [`reachable_schemas`];
//! - schemas: [`subschemas`] and [`subschemas_mut`] (one step down, each child
//!   named by its [`Child`]), [`visit_schemas_mut`] (every nested schema);
//! - the whole document: [`walk`] visits every node with the [`Slot`] it
//!   stands in (a schema, a parameter, a response, ...), skipping data
//!   (examples, defaults, enums, extensions); [`schema_pointers`].

use std::borrow::Cow;
use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// How many `$ref`s in a row are followed before a chain counts as circular.
const MAX_HOPS: usize = 32;

/// The prefix of a reference to a component schema.
pub const SCHEMAS: &str = "#/components/schemas/";

/// One JSON pointer segment: `~` -> `~0`, `/` -> `~1` (borrowed when there is
/// nothing to escape, as for nearly every key).
pub fn escape(segment: &str) -> Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

/// The inverse of [`escape`].
pub fn unescape(segment: &str) -> Cow<'_, str> {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~").into()
    } else {
        segment.into()
    }
}

/// A JSON pointer from its segments: `["paths", "/a/{id}"]` -> `/paths/~1a~1{id}`.
pub fn pointer<S: AsRef<str>>(segments: &[S]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", escape(s.as_ref())))
        .collect()
}

/// The pointer a local `$ref` of `value` names (`#/a/b` -> `/a/b`); `None`
/// when `value` has no `$ref` or it is not local.
pub fn reference(value: &Value) -> Option<&str> {
    value.get("$ref")?.as_str()?.strip_prefix('#')
}

/// The name of the component schema `value` refers to (`$ref:
/// '#/components/schemas/A~1B'` -> `A/B`).
pub fn schema_name(value: &Value) -> Option<Cow<'_, str>> {
    let name = value.get("$ref")?.as_str()?.strip_prefix(SCHEMAS)?;
    Some(unescape(name))
}

/// What a chain of `$ref`s leads to.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    /// The value at the end of the chain (the value itself without a `$ref`).
    pub value: &'a Value,
    /// Where it stands in the document.
    pub pointer: String,
    /// The pointer of the last `$ref` followed, if any was.
    pub reference: Option<String>,
}

/// Follows local `$ref`s from `value`, which stands at `at`, to what they
/// name. A `$ref` that does not resolve (which [`crate::Spec::parse`]
/// refuses) is left as it is; a circular chain stops after a few hops.
pub fn resolve<'a>(document: &'a Value, value: &'a Value, at: &str) -> Resolved<'a> {
    let mut resolved = Resolved {
        value,
        pointer: at.to_owned(),
        reference: None,
    };
    for _ in 0..MAX_HOPS {
        let Some(pointer) = reference(resolved.value) else {
            break;
        };
        let Some(found) = document.pointer(pointer) else {
            break;
        };
        resolved = Resolved {
            value: found,
            pointer: pointer.to_owned(),
            reference: Some(pointer.to_owned()),
        };
    }
    resolved
}

/// [`resolve`] when only the value matters.
pub fn target<'a>(document: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..MAX_HOPS {
        match reference(value).and_then(|pointer| document.pointer(pointer)) {
            Some(found) => value = found,
            None => break,
        }
    }
    value
}

/// Appends the pointer of every local `$ref` inside `value` (at any depth)
/// to `out`.
pub fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(pointer) = reference(value) {
                out.push(pointer.to_owned());
            }
            map.values().for_each(|child| references(child, out));
        }
        Value::Array(items) => items.iter().for_each(|child| references(child, out)),
        _ => {}
    }
}

/// The pointers of everything reachable through `$ref`s from the values at
/// `roots` (pointers; the roots themselves are not included unless a `$ref`
/// reaches them).
pub fn reachable<'r>(
    document: &Value,
    roots: impl IntoIterator<Item = &'r str>,
) -> BTreeSet<String> {
    let mut queue = Vec::new();
    for root in roots {
        if let Some(value) = document.pointer(root) {
            references(value, &mut queue);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(pointer) = queue.pop() {
        if !seen.insert(pointer.clone()) {
            continue;
        }
        if let Some(value) = document.pointer(&pointer) {
            references(value, &mut queue);
        }
    }
    seen
}

/// The names of the component schemas reachable through `$ref`s from the
/// component schemas named in `roots`, the roots included.
pub fn reachable_schemas(document: &Value, roots: BTreeSet<String>) -> BTreeSet<String> {
    let pointers: Vec<String> = roots
        .iter()
        .map(|name| pointer(&["components", "schemas", name]))
        .collect();
    let mut names = roots;
    let prefix = &SCHEMAS[1..];
    for reached in reachable(document, pointers.iter().map(String::as_str)) {
        if let Some(name) = reached.strip_prefix(prefix)
            && !name.contains('/')
        {
            names.insert(unescape(name).into_owned());
        }
    }
    names
}

/// Where a schema stands within its parent schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child<'a> {
    /// `properties/<name>`.
    Property(&'a str),
    /// `items`.
    Items,
    /// `additionalProperties` (when it is a schema, not a boolean).
    AdditionalProperties,
    /// `not`.
    Not,
    /// `allOf/<index>`.
    AllOf(usize),
    /// `anyOf/<index>`.
    AnyOf(usize),
    /// `oneOf/<index>`.
    OneOf(usize),
}

impl Child<'_> {
    /// The pointer from the parent to the child, e.g. `/properties/a~1b`.
    pub fn pointer(&self) -> String {
        match self {
            Child::Property(name) => format!("/properties/{}", escape(name)),
            Child::Items => "/items".to_owned(),
            Child::AdditionalProperties => "/additionalProperties".to_owned(),
            Child::Not => "/not".to_owned(),
            Child::AllOf(index) => format!("/allOf/{index}"),
            Child::AnyOf(index) => format!("/anyOf/{index}"),
            Child::OneOf(index) => format!("/oneOf/{index}"),
        }
    }
}

/// The keywords whose value is one schema.
const ONE_SCHEMA: [&str; 3] = ["items", "additionalProperties", "not"];
/// The keywords whose value is a list of schemas.
const SCHEMA_LISTS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

fn single(keyword: &str) -> Child<'static> {
    match keyword {
        "items" => Child::Items,
        "additionalProperties" => Child::AdditionalProperties,
        _ => Child::Not,
    }
}

fn listed(keyword: &str, index: usize) -> Child<'static> {
    match keyword {
        "allOf" => Child::AllOf(index),
        "anyOf" => Child::AnyOf(index),
        _ => Child::OneOf(index),
    }
}

/// The schemas one step inside `schema`, in a fixed order: properties (in
/// the document's order), then `items`, `additionalProperties` (only when it
/// is an object), `not`, then `allOf`, `anyOf`, `oneOf` members. A `$ref`
/// child is listed as it is, not followed.
pub fn subschemas(schema: &Value) -> Vec<(Child<'_>, &Value)> {
    let mut children = Vec::new();
    let Some(map) = schema.as_object() else {
        return children;
    };
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, property) in properties {
            children.push((Child::Property(name.as_str()), property));
        }
    }
    for keyword in ONE_SCHEMA {
        if let Some(child) = map.get(keyword).filter(|child| child.is_object()) {
            children.push((single(keyword), child));
        }
    }
    for keyword in SCHEMA_LISTS {
        if let Some(Value::Array(members)) = map.get(keyword) {
            for (index, member) in members.iter().enumerate() {
                children.push((listed(keyword, index), member));
            }
        }
    }
    children
}

/// [`subschemas`], mutably: calls `edit` on each child schema of `schema`.
pub fn subschemas_mut(
    schema: &mut Map<String, Value>,
    edit: &mut dyn FnMut(Child<'_>, &mut Value),
) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            edit(Child::Property(name.as_str()), property);
        }
    }
    for keyword in ONE_SCHEMA {
        if let Some(child) = schema.get_mut(keyword).filter(|child| child.is_object()) {
            edit(single(keyword), child);
        }
    }
    for keyword in SCHEMA_LISTS {
        if let Some(Value::Array(members)) = schema.get_mut(keyword) {
            for (index, member) in members.iter_mut().enumerate() {
                edit(listed(keyword, index), member);
            }
        }
    }
}

/// Calls `edit` on `schema` and on every schema nested in it, parents first.
/// It stops at a `$ref` (the schema it names is visited where it is defined)
/// and never enters `example`, `default` or `enum` values.
pub fn visit_schemas_mut(schema: &mut Value, edit: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Value::Object(map) = schema else { return };
    if map.contains_key("$ref") {
        return;
    }
    edit(map);
    subschemas_mut(map, &mut |_, child| visit_schemas_mut(child, edit));
}

/// The 1-based line and column of every key and sequence item of a YAML or
/// JSON `text`, by JSON pointer (`""` is the document): how a finding names
/// the line of a value in a file other than the spec (a JSON example). Empty
/// when the text does not scan.
pub fn positions(text: &str) -> std::collections::HashMap<String, (usize, usize)> {
    crate::source::positions(text)
}

/// Calls `visit(pointer, slot, value)` for every node of `document` (a whole
/// OpenAPI document), parents first, with what stands there. Examples,
/// defaults, enums and extensions are data: their insides are not visited.
pub fn walk(document: &Value, visit: &mut dyn FnMut(&str, Slot, &Value)) {
    walk_at(document, Slot::Root, &mut String::new(), visit);
}

/// Every operation of the document: its route, its method (one of the
/// HTTP methods a path item may hold) and the operation, in document order.
pub fn operations(document: &Value) -> Vec<(&str, &str, &Value)> {
    let Some(Value::Object(paths)) = document.get("paths") else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for (route, item) in paths {
        let Value::Object(item) = item else { continue };
        for (method, operation) in item {
            if METHODS.contains(&method.as_str()) {
                found.push((route.as_str(), method.as_str(), operation));
            }
        }
    }
    found
}

/// The pointer of every schema of `document` (component schemas, the schemas
/// of parameters, headers and bodies, and every schema nested in those), in
/// document order.
pub fn schema_pointers(document: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk(document, &mut |at, slot, value| {
        if slot == Slot::Schema && value.is_object() {
            found.push(at.to_owned());
        }
    });
    found
}

fn walk_at(value: &Value, slot: Slot, at: &mut String, visit: &mut dyn FnMut(&str, Slot, &Value)) {
    visit(at, slot, value);
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if slot.holds_data(key) {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&escape(key));
                walk_at(child, slot.child(key), at, visit);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{index}"));
                walk_at(child, slot.child(&index.to_string()), at, visit);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// What stands at a place of an OpenAPI 3.0 document, as far as references
/// and checks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// The document itself.
    Root,
    /// `paths`.
    Paths,
    /// `paths/<route>`.
    PathItem,
    /// `paths/<route>/<method>`.
    Operation,
    /// A `parameters` list.
    Parameters,
    /// One parameter.
    Parameter,
    /// An operation's `requestBody`, or one in `components/requestBodies`.
    RequestBody,
    /// A `content` map.
    Content,
    /// One media type of a `content` map.
    MediaType,
    /// An operation's `responses`.
    Responses,
    /// One response.
    Response,
    /// A `headers` map.
    Headers,
    /// One header.
    Header,
    /// `components`.
    Components,
    /// A map of named components (`components/schemas`, ...).
    Named(NamedKind),
    /// A schema.
    Schema,
    /// Somewhere a schema's keyword holds schemas: `properties`, `allOf`, ...
    Schemas,
    /// Anything else (`info`, `servers`, a schema's scalar keywords, ...).
    Other,
}

/// A kind of component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedKind {
    /// `components/schemas`.
    Schemas,
    /// `components/responses`.
    Responses,
    /// `components/parameters`.
    Parameters,
    /// `components/requestBodies`.
    RequestBodies,
    /// `components/headers`.
    Headers,
    /// Any other map under `components`.
    Other,
}

pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Slot {
    /// What stands at `pointer` (a pointer into an OpenAPI document).
    pub fn at(pointer: &str) -> Slot {
        pointer
            .split('/')
            .skip(1)
            .map(unescape)
            .fold(Slot::Root, |slot, segment| slot.child(&segment))
    }

    /// What stands under `segment` of this.
    pub fn child(self, segment: &str) -> Slot {
        use Slot::*;
        match (self, segment) {
            (Root, "paths") => Paths,
            (Root, "components") => Components,
            (Paths, _) => PathItem,
            (PathItem, "parameters") | (Operation, "parameters") => Parameters,
            (PathItem, method) if METHODS.contains(&method) => Operation,
            (Parameters, _) => Parameter,
            (Operation, "requestBody") => RequestBody,
            (Operation, "responses") => Responses,
            (Parameter, "schema") | (Header, "schema") | (MediaType, "schema") => Schema,
            (Parameter, "content") | (RequestBody, "content") | (Response, "content") => Content,
            (Content, _) => MediaType,
            (Responses, _) => Response,
            (Response, "headers") => Headers,
            (Headers, _) => Header,
            (Components, "schemas") => Named(NamedKind::Schemas),
            (Components, "responses") => Named(NamedKind::Responses),
            (Components, "parameters") => Named(NamedKind::Parameters),
            (Components, "requestBodies") => Named(NamedKind::RequestBodies),
            (Components, "headers") => Named(NamedKind::Headers),
            (Components, _) => Named(NamedKind::Other),
            (Named(NamedKind::Schemas), _) => Schema,
            (Named(NamedKind::Responses), _) => Response,
            (Named(NamedKind::Parameters), _) => Parameter,
            (Named(NamedKind::RequestBodies), _) => RequestBody,
            (Named(NamedKind::Headers), _) => Header,
            (Schema, "properties") => Schemas,
            (Schema, "allOf" | "oneOf" | "anyOf") => Schemas,
            (Schema, "items" | "not" | "additionalProperties") => Schema,
            (Schemas, _) => Schema,
            _ => Other,
        }
    }

    /// Whether `key` under this holds data rather than parts of the document:
    /// `example`, `examples`, `default`, `enum` and `x-` extensions, unless
    /// this is a map of names (a property may be called `default`).
    pub fn holds_data(self, key: &str) -> bool {
        let names = matches!(
            self,
            Slot::Paths
                | Slot::Responses
                | Slot::Content
                | Slot::Headers
                | Slot::Named(_)
                | Slot::Schemas
                | Slot::Parameters
        );
        !names
            && (matches!(key, "example" | "examples" | "default" | "enum") || key.starts_with("x-"))
    }

    /// The `components` section a reference standing here points into.
    pub(crate) fn component_kind(self) -> Option<&'static str> {
        match self {
            Slot::Schema => Some("schemas"),
            Slot::Response => Some("responses"),
            Slot::Parameter => Some("parameters"),
            Slot::RequestBody => Some("requestBodies"),
            Slot::Header => Some("headers"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn pointers_escape_and_read_back() {
        assert_eq!(
            pointer(&["paths", "/a/{id}", "get"]),
            "/paths/~1a~1{id}/get"
        );
        assert_eq!(escape("a~/b"), "a~0~1b");
        assert_eq!(unescape("a~0~1b"), "a~/b");
        assert_eq!(unescape(&escape("~1")), "~1");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn resolve_follows_a_chain_and_names_where_it_lands() {
        let document = json!({
            "components": { "schemas": {
                "A": { "$ref": "#/components/schemas/B" },
                "B": { "type": "string" },
                "Loop": { "$ref": "#/components/schemas/Loop" },
                "Broken": { "$ref": "#/components/schemas/Missing" },
            }}
        });
        let start = json!({ "$ref": "#/components/schemas/A" });
        let resolved = resolve(&document, &start, "/here");
        assert_eq!(resolved.value, &json!({ "type": "string" }));
        assert_eq!(resolved.pointer, "/components/schemas/B");
        assert_eq!(resolved.reference.as_deref(), Some("/components/schemas/B"));
        assert_eq!(target(&document, &start), &json!({ "type": "string" }));

        let plain = json!({ "type": "integer" });
        let resolved = resolve(&document, &plain, "/here");
        assert_eq!(
            (resolved.pointer.as_str(), resolved.reference),
            ("/here", None)
        );

        let looping = json!({ "$ref": "#/components/schemas/Loop" });
        assert!(reference(target(&document, &looping)).is_some());
        let broken = json!({ "$ref": "#/components/schemas/Broken" });
        assert_eq!(
            resolve(&document, &broken, "/x").pointer,
            "/components/schemas/Broken"
        );
    }

    #[test]
    fn reachable_follows_references_through_every_kind_of_component() {
        let document = json!({
            "paths": { "/a": { "get": { "responses": {
                "200": { "$ref": "#/components/responses/Ok" }
            }}}},
            "components": {
                "responses": { "Ok": { "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/A~1B" }
                }}}},
                "schemas": {
                    "A/B": { "properties": { "c": { "$ref": "#/components/schemas/C" } } },
                    "C": { "items": { "$ref": "#/components/schemas/C" } },
                    "Unused": { "type": "string" },
                }
            }
        });
        let reached = reachable(&document, ["/paths"]);
        assert_eq!(
            reached.into_iter().collect::<Vec<_>>(),
            [
                "/components/responses/Ok",
                "/components/schemas/A~1B",
                "/components/schemas/C"
            ]
        );
        let names = reachable_schemas(&document, BTreeSet::from(["A/B".to_owned()]));
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["A/B", "C"]);
        assert_eq!(
            schema_name(&json!({ "$ref": "#/components/schemas/A~1B" })).as_deref(),
            Some("A/B")
        );
    }

    #[test]
    fn subschemas_name_every_schema_valued_keyword_and_nothing_else() {
        let schema = json!({
            "properties": { "a/b": { "type": "string" } },
            "items": { "type": "integer" },
            "additionalProperties": true,
            "not": { "type": "null" },
            "allOf": [{ "$ref": "#/components/schemas/X" }],
            "oneOf": [{}, {}],
            "default": { "type": "data, not a schema" },
            "enum": [{ "type": "data" }],
        });
        let children: Vec<String> = subschemas(&schema)
            .iter()
            .map(|(child, _)| child.pointer())
            .collect();
        assert_eq!(
            children,
            [
                "/properties/a~1b",
                "/items",
                "/not",
                "/allOf/0",
                "/oneOf/0",
                "/oneOf/1"
            ]
        );
    }

    #[test]
    fn walk_knows_what_stands_where_and_skips_data() {
        let document = json!({
            "paths": { "/a": { "post": {
                "parameters": [{ "name": "id", "in": "path", "schema": { "type": "string" } }],
                "requestBody": { "content": { "application/json": { "schema": {
                    "properties": { "default": { "type": "integer" } },
                    "example": { "type": "data" },
                }}}},
                "responses": {},
            }}},
            "components": { "schemas": { "A": { "items": { "type": "boolean" } } } },
        });
        assert_eq!(
            schema_pointers(&document),
            [
                "/components/schemas/A",
                "/components/schemas/A/items",
                "/paths/~1a/post/parameters/0/schema",
                "/paths/~1a/post/requestBody/content/application~1json/schema",
                "/paths/~1a/post/requestBody/content/application~1json/schema/properties/default",
            ]
        );
        assert_eq!(Slot::at("/paths/~1a/post/parameters/0"), Slot::Parameter);
        assert_eq!(Slot::at("/components/responses/R"), Slot::Response);
    }

    #[test]
    fn visit_schemas_mut_reaches_nested_schemas_parents_first_and_stops_at_references() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "list": { "type": "array", "items": { "type": "string" } },
                "other": { "$ref": "#/components/schemas/X" },
            },
            "example": { "type": "not visited" },
        });
        let mut seen = Vec::new();
        visit_schemas_mut(&mut schema, &mut |map| {
            seen.push(map.get("type").cloned().unwrap_or_default());
            map.insert("visited".to_owned(), Value::Bool(true));
        });
        assert_eq!(seen, [json!("object"), json!("array"), json!("string")]);
        assert_eq!(
            schema.pointer("/properties/list/items/visited"),
            Some(&json!(true))
        );
        assert_eq!(schema.pointer("/properties/other/visited"), None);
        assert_eq!(schema.pointer("/example/visited"), None);
    }
}
