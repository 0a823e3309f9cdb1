//! `--draft PAGE`: the OpenAPI operation a page documents, drafted by the
//! spec's conventions, so that adding an endpoint starts from a draft to
//! review (or merge, [`super::merge`]), not from a blank page.
//!
//! The draft follows the conventions of `spec/openapi.yaml` (its header
//! comment):
//! - the operation: operationId from the page's file name, the title as
//!   summary, the spec's security scheme and error responses;
//! - parameters with every constraint the page states; a query parameter of
//!   type object and its `options.limit` children are one `deepObject`
//!   parameter, an array parameter is `form` and exploded (`tags=a&tags=b`), a
//!   `default:null` is `nullable` with `default: null` (absent, true or false);
//! - the request body: the Body fields with every constraint, fields only the
//!   example request shows typed from it, unconstrained;
//! - the response typed from the example 200 response (`"<string>"` a string,
//!   a timestamp a date-time, numbers `number`, values shown once plain
//!   strings with an `example`, nothing required);
//! - every object with fields is a component: one that matches an existing
//!   component by shape is a `$ref` to it (with the fields that differ, in
//!   [`Draft::reused`]); a new one is named `<Operation>Request`,
//!   `<Operation>Response`, or its parent's name without that suffix followed
//!   by the field's name (`CreateWidgetSettings`);
//! - what the page shows but only a person can confirm is proposed and marked
//!   for review ([`Draft::review`]): pagination, a client-chosen id, the retry
//!   class, a secret header;
//! - sentences of the page's prose that read like rules are listed
//!   ([`Draft::candidates`]), never written as rules.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Result, bail};
use serde_json::Value;
use serde_yaml::{Mapping, Value as Yaml};

use super::compare::{is_timestamp, operation_of, operations};
use super::page::{Field, Page, Unknown};

/// The operation a page documents, drafted.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The page's file name.
    pub page: String,
    /// `get`, `post`, ... (lower case, as the spec's keys).
    pub method: String,
    /// The path template.
    pub path: String,
    /// The operationId, by the spec's convention (from the file name).
    pub operation_id: String,
    /// The operation object, keys in the spec's order.
    pub operation: Mapping,
    /// Comments to write above keys of the operation (`x-pagination`, ...):
    /// key -> lines.
    pub comments: BTreeMap<String, Vec<String>>,
    /// The new component schemas, in the order they were made.
    pub schemas: Vec<(String, Mapping)>,
    /// The existing components an object of the page became a `$ref` to.
    pub reused: Vec<Reuse>,
    /// Proposals to confirm: what the page suggests but does not state.
    pub review: Vec<String>,
    /// Sentences of the page's prose that read like rules.
    pub candidates: Vec<Candidate>,
    /// What the page holds that the reader did not understand.
    pub not_read: Vec<Unknown>,
    /// The spec's operation for this page, when it already has one: its id.
    pub existing: Option<String>,
}

/// An object of the page that became a `$ref` to an existing component.
#[derive(Debug, Clone, PartialEq)]
pub struct Reuse {
    /// Where on the page: `body`, `response.posts[]`, `parameters.options`.
    pub at: String,
    /// The component's name.
    pub component: String,
    /// Fields the page shows that the component lacks: drift until added.
    pub page_only: Vec<String>,
    /// Fields the component has that the page does not show (another page's).
    pub component_only: Vec<String>,
    /// Fields both have that differ: `text: maxLength 100 on the page, 200 in the component`.
    pub differs: Vec<String>,
}

/// A sentence of the page's prose that reads like a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The page line it starts on.
    pub line: usize,
    /// The sentence, as the page writes it.
    pub sentence: String,
}

/// The side of the call an object is on: request objects carry the page's
/// constraints; response objects are typed from examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Request,
    Response,
}

/// The draft for `page` against `spec`. An error when the page names no
/// method and path (it is not an endpoint page).
pub fn draft(page: &Page, spec: &codegen::Spec) -> Result<Draft> {
    let (Some(method), Some(path)) = (&page.method, &page.path) else {
        let line = page.unknown.first().map_or(1, |u| u.line);
        bail!(
            "{}:{line}: not an endpoint page: no HTTP method and path at the top (a page starts with `POST`, then `/`, `api`, `/`, ...): cannot draft an operation from it",
            page.file
        );
    };
    let document = spec.document();
    let operation_id = operation_id(&page.file);
    let existing = operation_of(&operations(spec), page).map(|o| o.id.clone());
    let mut drafter = Drafter::new(document, &operation_id, &page.file);
    let method_key = method.value.to_lowercase();

    let mut operation = Mapping::new();
    let mut comments = BTreeMap::new();
    insert(&mut operation, "operationId", operation_id.clone());
    let tag = tag(&path.value);

    // Proposals: what the page shows but a person confirms.
    let has_path_parameter = page.parameters.iter().any(|p| p.location == "path");
    let body_fields = page.body.as_ref().map_or(&[][..], |b| &b.fields[..]);
    let chosen_id = (method_key == "post" && !has_path_parameter)
        .then(|| {
            let entity = lower_first(tag.as_deref()?);
            let name = format!("{entity}Id");
            body_fields
                .iter()
                .find(|f| f.name == name && f.required.is_none() && !f.is_array())
                .map(|f| f.name.clone())
        })
        .flatten();
    if let Some(property) = &chosen_id {
        insert(&mut operation, codegen::CLIENT_CHOSEN_ID, property.clone());
        let note = format!(
            "the create's Body has an optional `{property}`: an id the caller may choose for the created item; confirm the service refuses a second create with it (400900) before keeping `{}`",
            codegen::CLIENT_CHOSEN_ID
        );
        comments.insert(codegen::CLIENT_CHOSEN_ID.to_owned(), vec![review(&note)]);
        drafter.review.push(note);
    }
    let (retry, why) = match (method_key.as_str(), &chosen_id) {
        ("get" | "put" | "delete" | "head" | "options", _) => (
            "idempotent",
            "RFC 9110 §9.2.2: GET, PUT and DELETE are idempotent",
        ),
        (_, Some(_)) => (
            "client-chosen-id",
            "a create with a client-chosen id: resent only when the request carries the id",
        ),
        _ => (
            "not-after-send",
            "a POST with no client-chosen id: not resent after a failure that may have reached the service",
        ),
    };
    insert(&mut operation, codegen::RETRY, retry);
    comments.insert(
        codegen::RETRY.to_owned(),
        vec![review(&format!("{why} (from the method)"))],
    );
    if let Some(pagination) = pagination(page, &method_key) {
        let note = format!(
            "pagination: the answer's `{}` holds the items and `paging.next` the next page's token, sent back as the `{}` parameter (docs README)",
            pagination.0, pagination.1
        );
        let mut proposal = Mapping::new();
        insert(&mut proposal, "items", pagination.0);
        insert(&mut proposal, "next", "paging.next");
        insert(&mut proposal, "token", pagination.1);
        insert(&mut operation, codegen::PAGINATION, Yaml::Mapping(proposal));
        comments.insert(codegen::PAGINATION.to_owned(), vec![review(&note)]);
        drafter.review.push(note);
    }
    if let Some(tag) = &tag {
        insert(
            &mut operation,
            "tags",
            Yaml::Sequence(vec![Yaml::from(tag.clone())]),
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
    let parameters = drafter.parameters(page);
    if !parameters.is_empty() {
        insert(&mut operation, "parameters", Yaml::Sequence(parameters));
    }
    if let Some(body) = drafter.request_body(page) {
        insert(&mut operation, "requestBody", Yaml::Mapping(body));
    }
    let mut responses = Mapping::new();
    insert(&mut responses, "200", Yaml::Mapping(drafter.success(page)));
    for (status, reference) in error_responses(document, &method_key) {
        let mut entry = Mapping::new();
        insert(&mut entry, "$ref", reference);
        insert(&mut responses, &status, Yaml::Mapping(entry));
    }
    insert(&mut operation, "responses", Yaml::Mapping(responses));
    if !drafter.refused.is_empty() {
        bail!(
            "{}\n{} problem{} on the page: cannot draft its operation",
            drafter.refused.join("\n"),
            drafter.refused.len(),
            if drafter.refused.len() == 1 { "" } else { "s" }
        );
    }

    Ok(Draft {
        page: page.file.clone(),
        method: method_key,
        path: path.value.clone(),
        operation_id,
        operation,
        comments,
        schemas: drafter.schemas,
        reused: drafter.reused,
        review: drafter.review,
        candidates: candidates(page),
        not_read: page.unknown.clone(),
        existing,
    })
}

impl Draft {
    /// The draft as a fragment to read: a comment header (what to review),
    /// then `paths` and `components.schemas` in the spec's YAML style.
    pub fn fragment(&self) -> String {
        let mut out = format!(
            "# Draft from {} ({} {}) by `cargo xtask docs --draft`.\n\
             # Merge it with `cargo xtask docs --draft {} --merge`, or review and copy it by hand.\n",
            self.page,
            self.method.to_uppercase(),
            self.path,
            self.page
        );
        if let Some(existing) = &self.existing {
            out.push_str(&format!(
                "# The spec already has this operation: {existing}.\n"
            ));
        }
        for line in self.notes() {
            out.push_str(&format!("# {line}\n"));
        }
        out.push_str("paths:\n");
        out.push_str(&format!("  {}:\n", scalar(&Yaml::from(self.path.clone()))));
        out.push_str(&self.operation_text(4));
        if !self.schemas.is_empty() {
            out.push_str("components:\n  schemas:\n");
            for (name, schema) in &self.schemas {
                out.push_str(&self.schema_text(name, schema, 4));
            }
        }
        out
    }

    /// The operation as YAML text at `indent`: the method key, the review
    /// comments above the keys they concern, then the operation.
    pub fn operation_text(&self, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let mut out = format!("{pad}{}:\n", self.method);
        let mut body = String::new();
        emit_mapping(&self.operation, indent + 2, &mut body);
        // The review comments go above their keys (the operation's own keys
        // are the lines at exactly `indent + 2`).
        let key_pad = " ".repeat(indent + 2);
        for line in body.lines() {
            if let Some(rest) = line.strip_prefix(&key_pad)
                && !rest.starts_with(' ')
                && let Some((key, _)) = rest.split_once(':')
                && let Some(comment) = self.comments.get(key)
            {
                for comment in comment {
                    out.push_str(&format!("{key_pad}# {comment}\n"));
                }
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// A new component as YAML text at `indent`, with a comment naming the page.
    pub fn schema_text(&self, name: &str, schema: &Mapping, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let mut out = format!(
            "{pad}# {}: drafted by `cargo xtask docs --merge`; review the name and the types.\n{pad}{}:\n",
            self.page,
            scalar(&Yaml::from(name.to_owned()))
        );
        emit_mapping(schema, indent + 2, &mut out);
        out
    }

    /// What to review, one line each: the components reused and how they
    /// differ, the proposals, the rule candidates, what was not read.
    pub fn notes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for reuse in &self.reused {
            out.push(format!(
                "{}: $ref to the existing component {}",
                reuse.at, reuse.component
            ));
            if !reuse.page_only.is_empty() {
                out.push(format!(
                    "  the page shows fields {} lacks (add them to it): {}",
                    reuse.component,
                    reuse.page_only.join(", ")
                ));
            }
            for difference in &reuse.differs {
                out.push(format!("  differs: {difference}"));
            }
        }
        for (name, _) in &self.schemas {
            out.push(format!("new component {name}"));
        }
        for note in &self.review {
            out.push(format!("review: {note}"));
        }
        for candidate in &self.candidates {
            out.push(format!(
                "rule candidate ({}:{}): {:?}: write it as an `allOf` member with `x-rule` if it is one",
                self.page, candidate.line, candidate.sentence
            ));
        }
        for unknown in &self.not_read {
            out.push(format!(
                "not read: {}:{}: {}",
                self.page, unknown.line, unknown.what
            ));
        }
        out
    }
}

fn review(note: &str) -> String {
    format!("review (proposed by `cargo xtask docs --merge`): {note}")
}

/// An existing component schema, as its shape: its properties merged over
/// its `allOf` members that are not documented rules.
struct Component {
    name: String,
    properties: Vec<(String, Value)>,
    required: BTreeSet<String>,
}

struct Drafter<'a> {
    document: &'a Value,
    /// `createWidget` -> `CreateWidget`: the base of new component names.
    type_base: String,
    /// The spec's components, then the draft's new ones.
    components: Vec<Component>,
    /// How many of `components` are the spec's.
    existing: usize,
    /// Every component name in use, the new ones included.
    taken: BTreeSet<String>,
    schemas: Vec<(String, Mapping)>,
    reused: Vec<Reuse>,
    review: Vec<String>,
    /// The page's file name, for messages.
    page: String,
    /// What the page states that the spec cannot hold, each at its line.
    refused: Vec<String>,
}

/// An object of the page before it becomes a component or a `$ref`.
struct Object {
    properties: Vec<(String, Mapping)>,
    required: Vec<String>,
    description: Option<String>,
}

impl<'a> Drafter<'a> {
    fn new(document: &'a Value, operation_id: &str, page: &str) -> Drafter<'a> {
        let schemas = document
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        let mut components = Vec::new();
        let mut taken = BTreeSet::new();
        for (name, schema) in schemas.into_iter().flatten() {
            taken.insert(name.clone());
            let mut component = Component {
                name: name.clone(),
                properties: Vec::new(),
                required: BTreeSet::new(),
            };
            shape_of(document, schema, &mut component, 0);
            if !component.properties.is_empty() {
                components.push(component);
            }
        }
        Drafter {
            document,
            type_base: upper_first(operation_id),
            existing: components.len(),
            components,
            taken,
            schemas: Vec::new(),
            reused: Vec::new(),
            review: Vec::new(),
            page: page.to_owned(),
            refused: Vec::new(),
        }
    }

    /// The page's parameters: path, query and header, in page order; the
    /// children `options.limit` of an object parameter go into its schema.
    fn parameters(&mut self, page: &Page) -> Vec<Yaml> {
        let mut out: Vec<Mapping> = Vec::new();
        for parameter in &page.parameters {
            let field = &parameter.field;
            if let Some((parent, child)) = field.name.split_once('.') {
                let at = out.iter().position(|p| {
                    p.get("name").and_then(Yaml::as_str) == Some(parent)
                        && p.get("in").and_then(Yaml::as_str) == Some(parameter.location)
                });
                let at = at.unwrap_or_else(|| {
                    let mut object = Mapping::new();
                    insert(&mut object, "name", parent.to_owned());
                    insert(&mut object, "in", parameter.location);
                    let mut schema = Mapping::new();
                    insert(&mut schema, "type", "object");
                    insert(&mut object, "schema", Yaml::Mapping(schema));
                    out.push(object);
                    out.len() - 1
                });
                let schema = self.field_schema(
                    field,
                    None,
                    &format!("parameters.{}", field.name),
                    Side::Request,
                );
                let holder = &mut out[at];
                set_deep_object(holder);
                let Some(Yaml::Mapping(object)) = holder.get_mut("schema") else {
                    continue;
                };
                if field.required.is_some() {
                    let required = object
                        .entry(Yaml::from("required"))
                        .or_insert_with(|| Yaml::Sequence(Vec::new()));
                    if let Yaml::Sequence(list) = required {
                        list.push(Yaml::from(child.to_owned()));
                    }
                }
                let properties = object
                    .entry(Yaml::from("properties"))
                    .or_insert_with(|| Yaml::Mapping(Mapping::new()));
                if let Yaml::Mapping(properties) = properties {
                    insert(properties, child, Yaml::Mapping(schema));
                }
                continue;
            }
            let mut entry = Mapping::new();
            insert(&mut entry, "name", field.name.clone());
            insert(&mut entry, "in", parameter.location);
            if field.required.is_some() || parameter.location == "path" {
                insert(&mut entry, "required", true);
            }
            if !field.description.is_empty() {
                insert(&mut entry, "description", field.description.clone());
            }
            if parameter.location == "header" && is_secret(&field.name) {
                insert(&mut entry, codegen::SECRET, true);
                self.review.push(format!(
                    "the header `{}` reads like a secret: marked `{}` (redacted in Debug output)",
                    field.name,
                    codegen::SECRET
                ));
            }
            let is_object = field.ty.as_ref().is_some_and(|t| t.value == "object");
            if parameter.location == "query" && field.is_array() {
                insert(&mut entry, "style", "form");
                insert(&mut entry, "explode", true);
            }
            let mut schema = if is_object {
                let mut schema = Mapping::new();
                insert(&mut schema, "type", "object");
                schema
            } else {
                self.field_schema(
                    field,
                    None,
                    &format!("parameters.{}", field.name),
                    Side::Request,
                )
            };
            schema.remove("description");
            insert(&mut entry, "schema", Yaml::Mapping(schema));
            if is_object && parameter.location == "query" {
                set_deep_object(&mut entry);
            }
            out.push(entry);
        }
        out.into_iter().map(Yaml::Mapping).collect()
    }

    /// `requestBody`, when the page shows a Body section, a JSON example
    /// request or a form.
    fn request_body(&mut self, page: &Page) -> Option<Mapping> {
        if page.body.is_none() && page.request_example.is_none() && page.request_form.is_empty() {
            return None;
        }
        let media = match page.body.as_ref().and_then(|b| b.media_type.as_deref()) {
            Some(media) => media.to_owned(),
            None if !page.request_form.is_empty() => "multipart/form-data".to_owned(),
            None => "application/json".to_owned(),
        };
        let example = ordered(page.request_example.as_ref());
        let fields = page.body.as_ref().map_or(&[][..], |b| &b.fields[..]);
        let mark = self.mark();
        let mut object = Object {
            properties: Vec::new(),
            required: fields
                .iter()
                .filter(|f| f.required.is_some())
                .map(|f| f.name.clone())
                .collect(),
            description: page
                .body
                .as_ref()
                .map(|b| b.description.clone())
                .filter(|d| !d.is_empty()),
        };
        for field in fields {
            let value = example.as_ref().and_then(|e| e.get(field.name.as_str()));
            let schema =
                self.field_schema(field, value, &format!("body.{}", field.name), Side::Request);
            object.properties.push((field.name.clone(), schema));
        }
        if let Some(Yaml::Mapping(map)) = &example {
            for (key, value) in map {
                let Some(key) = key.as_str() else { continue };
                if !fields.iter().any(|f| f.name == key) {
                    let schema = self.value_schema(
                        value,
                        &format!("body.{key}"),
                        key,
                        &format!("{}Request", self.type_base),
                        Side::Request,
                    );
                    object.properties.push((key.to_owned(), schema));
                }
            }
        }
        for form in &page.request_form {
            if !object
                .properties
                .iter()
                .any(|(name, _)| *name == form.value)
            {
                let mut schema = Mapping::new();
                insert(&mut schema, "type", "string");
                object.properties.push((form.value.clone(), schema));
            }
        }
        let name = format!("{}Request", self.type_base);
        let schema = self.object(object, &name, "", "body", Side::Request, mark);
        let mut media_type = Mapping::new();
        insert(&mut media_type, "schema", Yaml::Mapping(schema));
        let mut content = Mapping::new();
        insert(&mut content, &media, Yaml::Mapping(media_type));
        let mut body = Mapping::new();
        insert(&mut body, "required", true);
        insert(&mut body, "content", Yaml::Mapping(content));
        Some(body)
    }

    /// The 200 response: JSON typed from the example, or plain text.
    fn success(&mut self, page: &Page) -> Mapping {
        let description = page
            .response
            .as_ref()
            .map(|r| r.description.clone())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "OK".to_owned());
        let mut ok = Mapping::new();
        insert(&mut ok, "description", description.clone());
        let mut content = Mapping::new();
        let mut media = Mapping::new();
        if let Some(text) = &page.response_text {
            let mut schema = Mapping::new();
            insert(&mut schema, "type", "string");
            insert(&mut schema, "example", text.value.clone());
            insert(&mut media, "schema", Yaml::Mapping(schema));
            insert(&mut content, "text/plain", Yaml::Mapping(media));
            insert(&mut ok, "content", Yaml::Mapping(content));
            return ok;
        }
        let name = format!("{}Response", self.type_base);
        let example = ordered(page.response_example.as_ref());
        let schema = match example {
            Some(Yaml::Mapping(map)) => {
                let mark = self.mark();
                let mut object = self.object_of(&map, "response", &name, Side::Response);
                object.description = Some(description);
                if let Some(section) = &page.response {
                    for field in &section.fields {
                        if !object.properties.iter().any(|(n, _)| *n == field.name) {
                            let schema = self.field_schema(
                                field,
                                None,
                                &format!("response.{}", field.name),
                                Side::Response,
                            );
                            object.properties.push((field.name.clone(), schema));
                        }
                    }
                }
                self.object(object, &name, "", "response", Side::Response, mark)
            }
            Some(value @ Yaml::Sequence(_)) => {
                self.value_schema(&value, "response", "", &name, Side::Response)
            }
            Some(value) => self.value_schema(&value, "response", "", &name, Side::Response),
            None => {
                let mut schema = Mapping::new();
                insert(&mut schema, "type", "object");
                insert(&mut schema, "additionalProperties", true);
                schema
            }
        };
        insert(&mut media, "schema", Yaml::Mapping(schema));
        insert(&mut content, "application/json", Yaml::Mapping(media));
        insert(&mut ok, "content", Yaml::Mapping(content));
        ok
    }

    /// The properties of an example object, typed from its values.
    fn object_of(&mut self, map: &Mapping, at: &str, name: &str, side: Side) -> Object {
        let mut properties = Vec::new();
        for (key, value) in map {
            let Some(key) = key.as_str() else { continue };
            let schema = self.value_schema(value, &format!("{at}.{key}"), key, name, side);
            properties.push((key.to_owned(), schema));
        }
        Object {
            properties,
            required: Vec::new(),
            description: None,
        }
    }

    /// A schema typed from an example value; an object with keys becomes a
    /// component (`parent` names the component holding it, `field` its key).
    fn value_schema(
        &mut self,
        value: &Yaml,
        at: &str,
        field: &str,
        parent: &str,
        side: Side,
    ) -> Mapping {
        let mut schema = Mapping::new();
        match value {
            Yaml::String(text) => {
                insert(&mut schema, "type", "string");
                if is_timestamp(text) {
                    insert(&mut schema, "format", "date-time");
                } else if text != "<string>" {
                    insert(&mut schema, "example", text.clone());
                }
            }
            Yaml::Number(_) => insert(&mut schema, "type", "number"),
            Yaml::Bool(_) => insert(&mut schema, "type", "boolean"),
            Yaml::Sequence(items) => {
                insert(&mut schema, "type", "array");
                // A list answer's item is named `Item` (`UploadFileItem`).
                let item_field = if field.is_empty() {
                    "item".to_owned()
                } else {
                    singular(field)
                };
                let items = match items.first() {
                    Some(item) => {
                        self.value_schema(item, &format!("{at}[]"), &item_field, parent, side)
                    }
                    None => Mapping::new(),
                };
                insert(&mut schema, "items", Yaml::Mapping(items));
            }
            Yaml::Mapping(map) if map.is_empty() => {
                insert(&mut schema, "type", "object");
                insert(&mut schema, "additionalProperties", true);
            }
            Yaml::Mapping(map) => {
                let name = nested_name(parent, field);
                let mark = self.mark();
                let object = self.object_of(map, at, &name, side);
                return self.object(object, &name, field, at, side, mark);
            }
            Yaml::Null | Yaml::Tagged(_) => insert(&mut schema, "nullable", true),
        }
        schema
    }

    /// A field's schema from its page entry: the type notation, description,
    /// options, default, limits and example; an `object` typed further from
    /// the example value when it shows keys.
    fn field_schema(
        &mut self,
        field: &Field,
        example: Option<&Yaml>,
        at: &str,
        side: Side,
    ) -> Mapping {
        let notation = field.ty.as_ref().map_or("string", |t| t.value.as_str());
        let mut depth = 0;
        let mut base = notation;
        while let Some(inner) = base.strip_suffix("[]") {
            base = inner;
            depth += 1;
        }
        let (ty, format, enumerated) = match base.split_once('<') {
            Some(("enum", inner)) => (inner.trim_end_matches('>'), None, true),
            Some((ty, format)) => (ty, Some(format.trim_end_matches('>')), false),
            None => (base, None, false),
        };
        if !KNOWN_TYPES.contains(&ty) {
            self.refused.push(format!(
                "{}:{}: {at}: the type `{notation}` is none the spec can hold (string, number, integer, boolean, object, array, file, enum<...>, with [] for a list)",
                self.page,
                field.ty.as_ref().map_or(field.line, |t| t.line)
            ));
        }
        let mut item_example = example;
        for _ in 0..depth {
            item_example = item_example
                .and_then(|v| v.as_sequence())
                .and_then(|a| a.first());
        }
        let parent = match side {
            Side::Request => format!("{}Request", self.type_base),
            Side::Response => format!("{}Response", self.type_base),
        };
        let item_name = if depth > 0 {
            singular(&field.name)
        } else {
            field.name.clone()
        };
        // An object field with an `Example:` of its own is free-form (the
        // example illustrates it, `metadata`); else its example value in the
        // request gives it fields.
        let item_example = item_example.filter(|_| field.example.is_none());
        let mut inner = match (ty, item_example) {
            ("object", Some(value @ Yaml::Mapping(map))) if !map.is_empty() => {
                let item_at = format!("{at}{}", "[]".repeat(depth));
                self.value_schema(value, &item_at, &item_name, &parent, side)
            }
            ("object", _) => {
                let mut inner = Mapping::new();
                insert(&mut inner, "type", "object");
                insert(&mut inner, "additionalProperties", true);
                inner
            }
            ("file", _) => {
                let mut inner = Mapping::new();
                insert(&mut inner, "type", "string");
                insert(&mut inner, "format", "binary");
                inner
            }
            (ty, _) => {
                let mut inner = Mapping::new();
                insert(&mut inner, "type", ty);
                inner
            }
        };
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
        let mut schema = if depth == 0 {
            inner
        } else {
            let mut items = inner;
            for _ in 1..depth {
                let mut outer = Mapping::new();
                insert(&mut outer, "type", "array");
                insert(&mut outer, "items", Yaml::Mapping(items));
                items = outer;
            }
            let mut schema = Mapping::new();
            insert(&mut schema, "type", "array");
            insert(&mut schema, "items", Yaml::Mapping(items));
            schema
        };
        if !field.description.is_empty() && !schema.contains_key("$ref") {
            insert(&mut schema, "description", field.description.clone());
        }
        if let Some(default) = &field.default {
            if default.value == "null" {
                // The page's `default:null`: absent, or any value of the type.
                insert(&mut schema, "nullable", true);
                insert(&mut schema, "default", Yaml::Null);
            } else {
                insert(
                    &mut schema,
                    "default",
                    typed(if depth == 0 { ty } else { "string" }, &default.value),
                );
            }
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
        if let Some(reference) = schema.get("$ref").cloned() {
            // A `$ref` takes no siblings in OpenAPI 3.0 (the component
            // describes itself).
            schema = Mapping::new();
            insert(&mut schema, "$ref", reference);
        }
        schema
    }

    /// The object as a `$ref`: to the existing component it matches by
    /// shape, or to a new component named `name` (made free). An object no
    /// `field` holds is the request or the response itself: it matches only
    /// the component named by the convention, or one with exactly its fields.
    ///
    /// `mark`: how many new components and reuses there were before the
    /// object's fields were drafted; when the object becomes a `$ref`, what
    /// its fields made goes (the component describes its own fields).
    fn object(
        &mut self,
        object: Object,
        name: &str,
        field: &str,
        at: &str,
        side: Side,
        mark: (usize, usize),
    ) -> Mapping {
        if let Some(found) = self.matching(&object, name, field) {
            let component = &self.components[found];
            let reuse = self.compare(&object, component, at, side);
            let reference = component.name.clone();
            for (made, _) in self.schemas.drain(mark.0..) {
                self.taken.remove(&made);
            }
            self.components.truncate(self.existing + self.schemas.len());
            self.reused.truncate(mark.1);
            self.reused.push(reuse);
            return reference_to(&reference);
        }
        let name = self.free(name);
        let mut schema = Mapping::new();
        insert(&mut schema, "type", "object");
        if let Some(description) = &object.description {
            insert(&mut schema, "description", description.clone());
        }
        if !object.required.is_empty() {
            insert(
                &mut schema,
                "required",
                Yaml::Sequence(object.required.iter().cloned().map(Yaml::from).collect()),
            );
        }
        let mut properties = Mapping::new();
        for (key, value) in &object.properties {
            insert(&mut properties, key, Yaml::Mapping(value.clone()));
        }
        insert(&mut schema, "properties", Yaml::Mapping(properties));
        // A later object of the page with the same shape refers to it.
        self.components.push(Component {
            name: name.clone(),
            properties: schema
                .get("properties")
                .and_then(Yaml::as_mapping)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.as_str()?.to_owned(), json(v))))
                .collect(),
            required: object.required.iter().cloned().collect(),
        });
        self.taken.insert(name.clone());
        self.schemas.push((name.clone(), schema));
        reference_to(&name)
    }

    /// The existing component an object matches: it has at least two of the
    /// object's fields (or exactly its one), and either every field of the
    /// object or half of the fields of both together; or the object's
    /// `field` is named like it and shows only its fields. Of several, the
    /// one named `name`, else the closest. The fields they share must have
    /// the same kinds (and refer to the same components), but for one in four.
    fn matching(&self, object: &Object, name: &str, field: &str) -> Option<usize> {
        // The request or the response itself (no field holds it).
        let top = field.is_empty();
        let keys: BTreeSet<&str> = object.properties.iter().map(|(k, _)| k.as_str()).collect();
        if keys.is_empty() {
            return None;
        }
        let mut best: Option<(usize, (bool, u64, usize))> = None;
        for (index, component) in self.components.iter().enumerate() {
            let theirs: BTreeSet<&str> = component
                .properties
                .iter()
                .map(|(k, _)| k.as_str())
                .collect();
            let common = keys.intersection(&theirs).count();
            let union = keys.union(&theirs).count();
            let named = component.name == name;
            // `paging: {next}` and the spec's `Paging`: a field named like
            // the component, showing some of its fields.
            let field_named =
                !field.is_empty() && component.name == upper_first(field) && common == keys.len();
            let accepted = if top && !named {
                keys == theirs
            } else {
                field_named
                    || ((common >= 2 || keys == theirs)
                        && (common == keys.len() || common * 2 >= union))
            };
            if !accepted {
                continue;
            }
            let clashes = object
                .properties
                .iter()
                .filter_map(|(key, schema)| {
                    let theirs = component.properties.iter().find(|(k, _)| k == key)?;
                    let kinds = kind_of_mapping(schema) != kind_of_value(self.document, &theirs.1);
                    // The component the convention names is the page's
                    // even where its fields refer to other components.
                    let names = match (name_of_mapping(schema), name_of_value(&theirs.1)) {
                        (Some(a), Some(b)) => a != b && !named,
                        _ => false,
                    };
                    Some(kinds || names)
                })
                .filter(|clash| *clash)
                .count();
            if clashes * 4 > common {
                continue;
            }
            // Named first, then the closest (Jaccard in thousandths), then
            // the fewest clashes.
            let score = (
                named,
                (common * 1000 / union.max(1)) as u64,
                usize::MAX - clashes,
            );
            if best.as_ref().is_none_or(|(_, s)| score > *s) {
                best = Some((index, score));
            }
        }
        best.map(|(index, _)| index)
    }

    /// How an object differs from the component it became a `$ref` to.
    fn compare(&self, object: &Object, component: &Component, at: &str, side: Side) -> Reuse {
        let mut reuse = Reuse {
            at: at.to_owned(),
            component: component.name.clone(),
            page_only: Vec::new(),
            component_only: Vec::new(),
            differs: Vec::new(),
        };
        for (key, schema) in &object.properties {
            let Some((_, theirs)) = component.properties.iter().find(|(k, _)| k == key) else {
                reuse.page_only.push(key.clone());
                continue;
            };
            let ours = kind_of_mapping(schema);
            let theirs_kind = kind_of_value(self.document, theirs);
            if ours != theirs_kind {
                reuse.differs.push(format!(
                    "{key}: {ours} on the page, {theirs_kind} in {}",
                    component.name
                ));
            }
            if side == Side::Request {
                let required = object.required.contains(key);
                if required != component.required.contains(key) {
                    reuse.differs.push(format!(
                        "{key}: {} on the page, {} in {}",
                        if required { "required" } else { "optional" },
                        if required { "optional" } else { "required" },
                        component.name
                    ));
                }
                let ours = json(&Yaml::Mapping(schema.clone()));
                let theirs = codegen::document::target(self.document, theirs);
                for keyword in CONSTRAINTS {
                    let (a, b) = (ours.get(keyword), theirs.get(keyword));
                    if a != b {
                        reuse.differs.push(format!(
                            "{key}: {keyword} {} on the page, {} in {}",
                            a.map_or_else(|| "none".to_owned(), Value::to_string),
                            b.map_or_else(|| "none".to_owned(), Value::to_string),
                            component.name
                        ));
                    }
                }
            }
        }
        for (key, _) in &component.properties {
            if !object.properties.iter().any(|(k, _)| k == key) {
                reuse.component_only.push(key.clone());
            }
        }
        reuse
    }

    /// How many new components and reuses there are: see [`Drafter::object`].
    fn mark(&self) -> (usize, usize) {
        (self.schemas.len(), self.reused.len())
    }

    fn free(&self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }
}

/// The types a page's field may have, before `<format>` and `[]`.
const KNOWN_TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "object", "array", "file",
];

/// The constraint keywords a reused request component is compared on, and
/// the round trip counts.
pub(super) const CONSTRAINTS: [&str; 12] = [
    "enum",
    "default",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "nullable",
];

/// `style: deepObject, explode: true` on a query parameter, after `in`.
fn set_deep_object(parameter: &mut Mapping) {
    if parameter.get("style").is_some() {
        return;
    }
    let mut out = Mapping::new();
    for (key, value) in std::mem::take(parameter) {
        let after = key.as_str() == Some("in");
        out.insert(key, value);
        if after {
            insert(&mut out, "style", "deepObject");
            insert(&mut out, "explode", true);
        }
    }
    *parameter = out;
}

/// `x-api-key`, `x-server-key`, `client-secret`: a header that carries a key.
fn is_secret(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["key", "secret", "token", "password"]
        .iter()
        .any(|word| name.contains(word))
}

/// The page's proposal for pagination: a GET whose example answer has
/// `paging` with `next` and an array of items, and an object parameter with
/// a `token` child. Returns (items, token parameter).
fn pagination(page: &Page, method: &str) -> Option<(String, String)> {
    if method != "get" {
        return None;
    }
    let answer = page.response_example.as_ref()?.value.as_object()?;
    answer.get("paging")?.get("next")?;
    let token = page
        .parameters
        .iter()
        .find(|p| p.location == "query" && p.field.name.ends_with(".token"))?
        .field
        .name
        .clone();
    let tag = tag(page.path.as_ref()?.value.as_str()).map(|t| format!("{}s", lower_first(&t)));
    let arrays: Vec<&String> = answer
        .iter()
        .filter(|(_, v)| {
            v.as_array()
                .is_some_and(|a| a.first().is_some_and(Value::is_object))
        })
        .map(|(k, _)| k)
        .collect();
    let items = arrays
        .iter()
        .find(|k| Some(k.as_str()) == tag.as_deref())
        .or(arrays.first())?;
    Some(((*items).clone(), token))
}

/// Sentences of the page's Body and field descriptions that read like rules.
fn candidates(page: &Page) -> Vec<Candidate> {
    const WORDS: [&str; 19] = [
        "require",
        "must",
        "at least",
        "at most",
        "less than",
        "more than",
        "up to",
        "maximum",
        "minimum",
        "cannot",
        "can not",
        "not allowed",
        "only",
        "limit",
        "exceed",
        "should",
        "need to",
        "max ",
        "min ",
    ];
    let mut texts: Vec<&str> = Vec::new();
    if let Some(body) = &page.body {
        texts.push(&body.description);
        texts.extend(body.fields.iter().map(|f| f.description.as_str()));
    }
    texts.extend(page.parameters.iter().map(|p| p.field.description.as_str()));
    // The page's lines are its paragraphs and bullets; those the
    // descriptions hold are split into sentences, each with its line.
    let mut out: Vec<Candidate> = Vec::new();
    for (index, line) in page.text.lines().enumerate() {
        let paragraph = line.trim().trim_start_matches('•').trim();
        if paragraph.len() <= 8 || !texts.iter().any(|t| t.contains(paragraph)) {
            continue;
        }
        for sentence in paragraph
            .split(". ")
            .map(|s| s.trim().trim_end_matches('.'))
            .filter(|s| s.len() > 8)
        {
            let lower = sentence.to_lowercase();
            if WORDS.iter().any(|w| lower.contains(w))
                && !out.iter().any(|c| c.sentence == sentence)
            {
                out.push(Candidate {
                    line: index + 1,
                    sentence: sentence.to_owned(),
                });
            }
        }
    }
    out.sort_by_key(|c| c.line);
    out
}

/// The properties and required fields of an existing schema, over its
/// `allOf` members that are not documented rules.
fn shape_of(document: &Value, schema: &Value, component: &mut Component, depth: usize) {
    if depth > 8 {
        return;
    }
    let schema = codegen::document::target(document, schema);
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            if !component.properties.iter().any(|(n, _)| n == name) {
                component.properties.push((name.clone(), property.clone()));
            }
        }
    }
    if let Some(Value::Array(required)) = schema.get("required") {
        component
            .required
            .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(Value::Array(members)) = schema.get("allOf") {
        for member in members {
            let member = codegen::document::target(document, member);
            if member.get(codegen::RULE).is_none() {
                shape_of(document, member, component, depth + 1);
            }
        }
    }
}

/// The kind of a drafted schema: `string`, `number`, `boolean`, `array`,
/// `object`.
fn kind_of_mapping(schema: &Mapping) -> &'static str {
    if schema.contains_key("$ref") || schema.contains_key("allOf") {
        return "object";
    }
    match schema.get("type").and_then(Yaml::as_str) {
        Some("string") => "string",
        Some("integer" | "number") => "number",
        Some("boolean") => "boolean",
        Some("array") => "array",
        Some("object") => "object",
        _ => "any",
    }
}

/// [`kind_of_mapping`] for a schema of the spec.
fn kind_of_value(document: &Value, schema: &Value) -> &'static str {
    let schema = codegen::document::target(document, schema);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => "string",
        Some("integer" | "number") => "number",
        Some("boolean") => "boolean",
        Some("array") => "array",
        Some("object") => "object",
        // A `$ref` to a component the draft makes (not in the document yet).
        _ if schema.get("properties").is_some()
            || schema.get("allOf").is_some()
            || schema.get("$ref").is_some() =>
        {
            "object"
        }
        _ => "any",
    }
}

/// The component a drafted schema refers to, directly or as its items'.
fn name_of_mapping(schema: &Mapping) -> Option<String> {
    if let Some(reference) = schema.get("$ref").and_then(Yaml::as_str) {
        return Some(reference.rsplit('/').next().unwrap_or(reference).to_owned());
    }
    match schema.get("items") {
        Some(Yaml::Mapping(items)) => name_of_mapping(items).map(|n| format!("{n}[]")),
        _ => None,
    }
}

/// [`name_of_mapping`] for a schema of the spec.
fn name_of_value(schema: &Value) -> Option<String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return Some(reference.rsplit('/').next().unwrap_or(reference).to_owned());
    }
    schema
        .get("items")
        .and_then(name_of_value)
        .map(|n| format!("{n}[]"))
}

fn reference_to(name: &str) -> Mapping {
    let mut schema = Mapping::new();
    insert(&mut schema, "$ref", format!("#/components/schemas/{name}"));
    schema
}

/// `CreateWidgetRequest` + `settings` -> `CreateWidgetSettings`.
fn nested_name(parent: &str, field: &str) -> String {
    let base = parent
        .strip_suffix("Request")
        .or_else(|| parent.strip_suffix("Response"))
        .unwrap_or(parent);
    format!("{base}{}", upper_first(field))
}

/// `attachments` -> `attachment`: the name of a list's item.
fn singular(name: &str) -> String {
    name.strip_suffix("ies")
        .map(|stem| format!("{stem}y"))
        .or_else(|| name.strip_suffix('s').map(str::to_owned))
        .unwrap_or_else(|| name.to_owned())
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

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A tag from the path's first plural segment that is not a parameter or a
/// version, singular and capitalised: `/api/v3/messages` -> `Message`,
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
    Some(upper_first(&singular(noun)))
}

/// The error responses of the spec's first operation of the same method
/// (else its first operation), as `$ref`s: the spec's convention.
fn error_responses(document: &Value, method: &str) -> Vec<(String, String)> {
    let operations = codegen::document::operations(document);
    let chosen = operations
        .iter()
        .find(|(_, m, _)| *m == method)
        .or(operations.first());
    let Some((_, _, operation)) = chosen else {
        return Vec::new();
    };
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return Vec::new();
    };
    responses
        .iter()
        .filter(|(status, _)| !status.starts_with('2'))
        .filter_map(|(status, response)| {
            let reference = response.get("$ref")?.as_str()?;
            Some((status.clone(), reference.to_owned()))
        })
        .collect()
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

/// An example of the page in page order (JSON read as YAML).
fn ordered(example: Option<&super::page::Example>) -> Option<Yaml> {
    serde_yaml::from_str(&example?.text).ok()
}

/// A drafted YAML value as JSON, to compare with the spec's document.
fn json(value: &Yaml) -> Value {
    serde_yaml::from_value(value.clone()).unwrap_or(Value::Null)
}

fn yaml(value: &Value) -> Yaml {
    serde_yaml::to_value(value).unwrap_or(Yaml::Null)
}

fn insert(map: &mut Mapping, key: &str, value: impl Into<Yaml>) {
    map.insert(Yaml::from(key.to_owned()), value.into());
}

// ---------------------------------------------------------------- YAML text

/// Writes `map` as block YAML in the spec's style at `indent`: two spaces a
/// level, sequence items indented under their key, short lists of plain
/// scalars in flow style (`enum: [a, b]`), `{}` and `[]` for empty ones.
pub fn emit_mapping(map: &Mapping, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (key, value) in map {
        out.push_str(&pad);
        out.push_str(&scalar(key));
        out.push(':');
        emit_value(value, indent, out);
    }
}

/// The value of a key already written (`key:`), at the key's `indent`.
fn emit_value(value: &Yaml, indent: usize, out: &mut String) {
    match value {
        Yaml::Mapping(map) if map.is_empty() => out.push_str(" {}\n"),
        Yaml::Mapping(map) => {
            out.push('\n');
            emit_mapping(map, indent + 2, out);
        }
        Yaml::Sequence(items) if items.is_empty() => out.push_str(" []\n"),
        Yaml::Sequence(items) => {
            if let Some(flow) = flow(items) {
                out.push(' ');
                out.push_str(&flow);
                out.push('\n');
                return;
            }
            out.push('\n');
            emit_items(items, indent + 2, out);
        }
        Yaml::Tagged(tagged) => emit_value(&tagged.value, indent, out),
        scalar_value => {
            out.push(' ');
            out.push_str(&scalar(scalar_value));
            out.push('\n');
        }
    }
}

fn emit_items(items: &[Yaml], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for item in items {
        out.push_str(&pad);
        out.push('-');
        match item {
            Yaml::Mapping(map) if !map.is_empty() => {
                // The first key on the dash's line, the others under it.
                let mut text = String::new();
                emit_mapping(map, indent + 2, &mut text);
                out.push(' ');
                out.push_str(&text[indent + 2..]);
            }
            Yaml::Sequence(inner) if !inner.is_empty() && flow(inner).is_none() => {
                out.push('\n');
                emit_items(inner, indent + 2, out);
            }
            other => emit_value(other, indent, out),
        }
    }
}

/// `[a, b]` when every item is a scalar that needs no quotes in flow style
/// and the whole fits on a line.
fn flow(items: &[Yaml]) -> Option<String> {
    let mut parts = Vec::new();
    for item in items {
        let text = match item {
            Yaml::String(s) => {
                let text = scalar(item);
                let plain = !s.is_empty()
                    && text == *s
                    && !s.contains([
                        ',', '[', ']', '{', '}', '#', ':', '&', '*', '!', '|', '>', '\'', '"', '%',
                        '@', '`',
                    ]);
                if !plain {
                    return None;
                }
                text
            }
            Yaml::Number(_) | Yaml::Bool(_) | Yaml::Null => scalar(item),
            _ => return None,
        };
        parts.push(text);
    }
    let text = format!("[{}]", parts.join(", "));
    (text.len() <= 72).then_some(text)
}

/// One scalar as YAML text: serde_yaml's quoting (`'200'`, `'#/…'`), and a
/// JSON string (valid YAML) for text that spans lines.
fn scalar(value: &Yaml) -> String {
    match value {
        Yaml::String(text) if text.contains('\n') => {
            serde_json::to_string(text).unwrap_or_default()
        }
        Yaml::Null => "null".to_owned(),
        other => serde_yaml::to_string(other)
            .map(|t| t.trim_end_matches('\n').to_owned())
            .unwrap_or_default(),
    }
}
