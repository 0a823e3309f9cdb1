//! The walk: pairs the operations of two documents and compares, side by side,
//! what a user of the generated client sees of each: parameters, request body,
//! responses, and every schema they reach through `$ref`s.
//!
//! Both documents come in as JSON, serialised from the typed documents that
//! `codegen::Spec::parse` produced, so every `$ref` is known to resolve.
//!
//! Classification rules, for users of the generated client:
//! - request side (parameters and request bodies): anything that makes a call
//!   that compiled and passed validation before fail now is breaking: removed
//!   or newly required fields, removed enum values, tighter limits;
//! - response side: removed fields and changed types are breaking (code that
//!   reads them stops compiling); enum values and limits never are, since the
//!   client decodes responses forward-compatibly (closed enums become strings,
//!   every field is optional, limits are not checked);
//! - descriptions, defaults, examples and other metadata are `info`.
//!
//! A component schema reached from several places is compared once per
//! operation and side (request or response), at the first place the walk
//! reaches it (properties in name order). Each `(base node, new node)`
//! pair is visited at most once per operation and side, which also ends `$ref`
//! cycles.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use codegen::document::{Resolved, escape, reachable, resolve};
use codegen::{CLIENT_CHOSEN_ID, ERROR_CODES};
use serde_json::{Map, Value};

use super::change::{Change, Kind, Severity};

/// Every change between `base` and `new`, in the order the walk finds them.
pub(crate) fn compare(base: &Value, new: &Value) -> Vec<Change> {
    let mut walk = Walk {
        base,
        new,
        visited: BTreeSet::new(),
        changes: Vec::new(),
    };
    walk.operations();
    walk.components();
    walk.document_metadata();
    walk.changes
}

/// What a missing JSON object reads as.
static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keys of a schema object the walk understands; any other key that differs is
/// reported as [`Kind::UnclassifiedChange`].
const SCHEMA_KEYS: [&str; 35] = [
    "$ref",
    "description",
    "default",
    "title",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "discriminator",
    "nullable",
    "type",
    "format",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "multipleOf",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minimum",
    "maximum",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "maxProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "oneOf",
    "allOf",
    "anyOf",
    "not",
];

/// Schema keys that are documentation only.
const SCHEMA_METADATA_KEYS: [&str; 6] = [
    "title",
    "example",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
];

/// Upper limits: lowering or adding one tightens.
const UPPER_LIMITS: [&str; 4] = ["maxLength", "maxItems", "maxProperties", "maximum"];
/// Lower limits: raising or adding one tightens.
const LOWER_LIMITS: [&str; 4] = ["minLength", "minItems", "minProperties", "minimum"];
/// Boolean limits: turning one on tightens.
const FLAG_LIMITS: [&str; 3] = ["exclusiveMinimum", "exclusiveMaximum", "uniqueItems"];

/// One operation of a document.
struct Operation<'a> {
    /// The operationId (`METHOD path` when there is none, which
    /// `codegen::Spec::parse` already refuses).
    id: String,
    method: &'static str,
    route: &'a str,
    item: &'a Value,
    value: &'a Value,
}

impl Operation<'_> {
    /// `POST /api/v4/posts`.
    fn place(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.route)
    }

    /// Method and path with path parameter names erased: renaming `{id}` to
    /// `{postId}` does not move an operation.
    fn route_key(&self) -> (&'static str, String) {
        (self.method, normalise_route(self.route))
    }

    /// `createPost (POST /api/v4/posts)`: where operation-level rows stand.
    fn location(&self) -> String {
        format!("{} ({})", self.id, self.place())
    }

    fn pointer(&self) -> String {
        format!("/paths/{}/{}", escape(self.route), self.method)
    }
}

/// Which way data flows; decides what is breaking.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Side {
    Request,
    Response,
}

/// Where a schema walk stands: the operation, the side, and the location prefix.
struct Scope<'s> {
    operation: Option<&'s str>,
    side: Side,
    /// Location prefix, e.g. `createPost request`.
    root: String,
    /// Put between `root` and a non-empty path: `" "` for bodies, `""` for
    /// parameters (`... parameter ids[]`).
    separator: &'static str,
}

impl Scope<'_> {
    fn location(&self, path: &str) -> String {
        if path.is_empty() {
            self.root.clone()
        } else {
            format!("{}{}{path}", self.root, self.separator)
        }
    }

    fn request(&self) -> bool {
        self.side == Side::Request
    }

    /// `breaking` on the request side, `non-breaking` on the response side.
    fn breaking_on_request(&self) -> Severity {
        if self.request() {
            Severity::Breaking
        } else {
            Severity::NonBreaking
        }
    }

    /// `request` or `response`, for messages.
    fn side_name(&self) -> &'static str {
        match self.side {
            Side::Request => "request",
            Side::Response => "response",
        }
    }
}

/// A value in a document and its JSON pointer.
#[derive(Clone, Copy)]
struct Node<'v, 'p> {
    value: &'v Value,
    pointer: &'p str,
}

/// Visited `(operation, side, base pointer, new pointer)` pairs.
type VisitKey = (Option<String>, Side, String, String);

struct Walk<'a> {
    base: &'a Value,
    new: &'a Value,
    visited: BTreeSet<VisitKey>,
    changes: Vec<Change>,
}

impl<'a> Walk<'a> {
    // ---------------------------------------------------------------- operations

    fn operations(&mut self) {
        let base_operations = collect_operations(self.base);
        let new_operations = collect_operations(self.new);
        let mut base_matched = vec![false; base_operations.len()];
        let mut new_matched = vec![false; new_operations.len()];
        let mut pairs = Vec::new();
        // First by operationId, then what is left by method and path.
        for (b, base_operation) in base_operations.iter().enumerate() {
            if let Some(n) = new_operations
                .iter()
                .position(|n| n.id == base_operation.id)
            {
                base_matched[b] = true;
                new_matched[n] = true;
                pairs.push((b, n));
            }
        }
        for (b, base_operation) in base_operations.iter().enumerate() {
            if base_matched[b] {
                continue;
            }
            let found = new_operations
                .iter()
                .enumerate()
                .position(|(n, new_operation)| {
                    !new_matched[n] && new_operation.route_key() == base_operation.route_key()
                });
            if let Some(n) = found {
                base_matched[b] = true;
                new_matched[n] = true;
                pairs.push((b, n));
            }
        }
        for (b, n) in pairs {
            self.operation(&base_operations[b], &new_operations[n]);
        }
        for (b, base_operation) in base_operations.iter().enumerate() {
            if !base_matched[b] {
                self.push_at(
                    Some(&base_operation.id),
                    base_operation.location(),
                    Kind::OperationRemoved,
                    Severity::Breaking,
                    format!(
                        "operation `{}` removed: its client method disappears",
                        base_operation.id
                    ),
                );
            }
        }
        for (n, new_operation) in new_operations.iter().enumerate() {
            if !new_matched[n] {
                self.push_at(
                    Some(&new_operation.id),
                    new_operation.location(),
                    Kind::OperationAdded,
                    Severity::NonBreaking,
                    format!(
                        "operation `{}` added: a new client method",
                        new_operation.id
                    ),
                );
            }
        }
    }

    fn operation(&mut self, base: &Operation<'a>, new: &Operation<'a>) {
        let id = new.id.as_str();
        if base.id != new.id {
            self.push_at(
                Some(id),
                new.location(),
                Kind::OperationIdChanged,
                Severity::Breaking,
                format!(
                    "operationId changed from `{}` to `{id}`: the client method is renamed",
                    base.id
                ),
            );
        }
        if base.route_key() != new.route_key() {
            self.push_at(
                Some(id),
                new.location(),
                Kind::OperationRouteChanged,
                Severity::Breaking,
                format!(
                    "moved from {} to {}: clients built before call an address the service no longer serves",
                    base.place(),
                    new.place()
                ),
            );
        }
        let handled = ["operationId", "parameters", "requestBody", "responses"];
        self.metadata(Some(id), &new.location(), base.value, new.value, &handled);
        self.parameters(base, new);
        self.request_body(base, new);
        self.responses(base, new);
    }

    /// Descriptions and every key not in `handled`, compared as metadata (info).
    fn metadata(
        &mut self,
        operation: Option<&str>,
        location: &str,
        base: &Value,
        new: &Value,
        handled: &[&str],
    ) {
        for key in union_keys(base, new) {
            if handled.contains(&key) {
                continue;
            }
            let (b, n) = (base.get(key), new.get(key));
            if b == n {
                continue;
            }
            if key == CLIENT_CHOSEN_ID {
                self.client_chosen_id(operation, location, b, n);
                continue;
            }
            let kind = match key {
                "description" | "summary" => Kind::DescriptionChanged,
                _ => Kind::MetadataChanged,
            };
            self.push_at(
                operation,
                location.to_owned(),
                kind,
                Severity::Info,
                format!("`{key}` changed"),
            );
        }
    }

    // ---------------------------------------------------------------- parameters

    fn parameters(&mut self, base: &Operation<'a>, new: &Operation<'a>) {
        let base_parameters = collect_parameters(self.base, base);
        let new_parameters = collect_parameters(self.new, new);
        let id = new.id.as_str();
        for ((place, name), base_parameter) in &base_parameters {
            let root = format!("{id} request {place} parameter {name}");
            let Some((_, new_parameter)) = new_parameters
                .iter()
                .find(|(key, _)| key.0 == *place && key.1 == *name)
            else {
                self.push_at(
                    Some(id),
                    root,
                    Kind::ParameterRemoved,
                    Severity::Breaking,
                    format!(
                        "{place} parameter `{name}` removed: code that sets it no longer compiles"
                    ),
                );
                continue;
            };
            let required = |p: &Resolved<'_>| is_true(p.value.get("required"));
            match (required(base_parameter), required(new_parameter)) {
                (false, true) => self.push_at(
                    Some(id),
                    root.clone(),
                    Kind::ParameterBecameRequired,
                    Severity::Breaking,
                    format!(
                        "{place} parameter `{name}` became required: every call must now set it"
                    ),
                ),
                (true, false) => self.push_at(
                    Some(id),
                    root.clone(),
                    Kind::ParameterBecameOptional,
                    Severity::NonBreaking,
                    format!("{place} parameter `{name}` became optional"),
                ),
                _ => {}
            }
            let handled = ["name", "in", "required", "schema", "content"];
            self.metadata(
                Some(id),
                &root,
                base_parameter.value,
                new_parameter.value,
                &handled,
            );
            if base_parameter.value.get("content") != new_parameter.value.get("content") {
                self.push_at(
                    Some(id),
                    root.clone(),
                    Kind::UnclassifiedChange,
                    Severity::Breaking,
                    format!("{place} parameter `{name}`: `content` changed; review it by hand"),
                );
            }
            let scope = Scope {
                operation: Some(id),
                side: Side::Request,
                root,
                separator: "",
            };
            let (base_pointer, new_pointer) = (
                format!("{}/schema", base_parameter.pointer),
                format!("{}/schema", new_parameter.pointer),
            );
            match (
                base_parameter.value.get("schema"),
                new_parameter.value.get("schema"),
            ) {
                (Some(b), Some(n)) => self.schema(
                    &scope,
                    "",
                    Node {
                        value: b,
                        pointer: &base_pointer,
                    },
                    Node {
                        value: n,
                        pointer: &new_pointer,
                    },
                ),
                (None, None) => {}
                _ => self.push(
                    &scope,
                    "",
                    Kind::TypeChanged,
                    Severity::Breaking,
                    format!("{place} parameter `{name}`: its schema was added or removed"),
                ),
            }
        }
        for ((place, name), new_parameter) in &new_parameters {
            if base_parameters
                .iter()
                .any(|(key, _)| key.0 == *place && key.1 == *name)
            {
                continue;
            }
            let root = format!("{id} request {place} parameter {name}");
            if is_true(new_parameter.value.get("required")) {
                self.push_at(
                    Some(id),
                    root,
                    Kind::ParameterAdded,
                    Severity::Breaking,
                    format!(
                        "required {place} parameter `{name}` added: every call must now set it"
                    ),
                );
            } else {
                self.push_at(
                    Some(id),
                    root,
                    Kind::ParameterAdded,
                    Severity::NonBreaking,
                    format!("optional {place} parameter `{name}` added"),
                );
            }
        }
    }

    // -------------------------------------------------------------- request body

    fn request_body(&mut self, base: &Operation<'a>, new: &Operation<'a>) {
        let id = new.id.as_str();
        let root = format!("{id} request");
        let base_pointer = format!("{}/requestBody", base.pointer());
        let new_pointer = format!("{}/requestBody", new.pointer());
        let base_body = base
            .value
            .get("requestBody")
            .map(|value| resolve(self.base, value, &base_pointer));
        let new_body = new
            .value
            .get("requestBody")
            .map(|value| resolve(self.new, value, &new_pointer));
        let required = |body: &Resolved<'_>| is_true(body.value.get("required"));
        match (base_body, new_body) {
            (None, None) => {}
            (None, Some(new_body)) => {
                let (severity, message) = if required(&new_body) {
                    (
                        Severity::Breaking,
                        "the operation now takes a required body: every call must set it",
                    )
                } else {
                    (
                        Severity::NonBreaking,
                        "the operation now takes an optional body",
                    )
                };
                self.push_at(
                    Some(id),
                    root,
                    Kind::RequestBodyAdded,
                    severity,
                    message.to_owned(),
                );
            }
            (Some(_), None) => self.push_at(
                Some(id),
                root,
                Kind::RequestBodyRemoved,
                Severity::Breaking,
                "the operation no longer takes a body: code that sets one no longer compiles"
                    .to_owned(),
            ),
            (Some(base_body), Some(new_body)) => {
                match (required(&base_body), required(&new_body)) {
                    (false, true) => self.push_at(
                        Some(id),
                        root.clone(),
                        Kind::RequestBodyBecameRequired,
                        Severity::Breaking,
                        "the request body became required: every call must now set it".to_owned(),
                    ),
                    (true, false) => self.push_at(
                        Some(id),
                        root.clone(),
                        Kind::RequestBodyBecameOptional,
                        Severity::NonBreaking,
                        "the request body became optional".to_owned(),
                    ),
                    _ => {}
                }
                self.metadata(
                    Some(id),
                    &root,
                    base_body.value,
                    new_body.value,
                    &["required", "content"],
                );
                self.content(Some(id), &root, Side::Request, &base_body, &new_body);
            }
        }
    }

    /// The media types of a request body or response, and their schemas.
    fn content(
        &mut self,
        operation: Option<&str>,
        root: &str,
        side: Side,
        base: &Resolved<'a>,
        new: &Resolved<'a>,
    ) {
        let base_content = base.value.get("content").and_then(Value::as_object);
        let new_content = new.value.get("content").and_then(Value::as_object);
        let base_content = base_content.unwrap_or(&EMPTY);
        let new_content = new_content.unwrap_or(&EMPTY);
        let side_name = match side {
            Side::Request => "request",
            Side::Response => "response",
        };
        for (media, base_media) in base_content {
            let Some(new_media) = new_content.get(media) else {
                let consequence = match side {
                    Side::Request => "code that sends it no longer compiles",
                    Side::Response => "code that reads this body no longer compiles",
                };
                self.push_at(
                    operation,
                    root.to_owned(),
                    Kind::MediaTypeRemoved,
                    Severity::Breaking,
                    format!("{side_name} media type `{media}` removed: {consequence}"),
                );
                continue;
            };
            let media_root = if media == "application/json" {
                root.to_owned()
            } else {
                format!("{root} ({media})")
            };
            self.metadata(operation, &media_root, base_media, new_media, &["schema"]);
            let scope = Scope {
                operation,
                side,
                root: media_root,
                separator: " ",
            };
            let media_pointer = |holder: &Resolved<'_>| {
                format!("{}/content/{}/schema", holder.pointer, escape(media))
            };
            let (base_pointer, new_pointer) = (media_pointer(base), media_pointer(new));
            match (base_media.get("schema"), new_media.get("schema")) {
                (Some(b), Some(n)) => self.schema(
                    &scope,
                    "",
                    Node {
                        value: b,
                        pointer: &base_pointer,
                    },
                    Node {
                        value: n,
                        pointer: &new_pointer,
                    },
                ),
                (None, None) => {}
                _ => self.push(
                    &scope,
                    "",
                    Kind::TypeChanged,
                    Severity::Breaking,
                    format!("{side_name} body `{media}`: its schema was added or removed"),
                ),
            }
        }
        for media in new_content.keys() {
            if !base_content.contains_key(media) {
                self.push_at(
                    operation,
                    root.to_owned(),
                    Kind::MediaTypeAdded,
                    Severity::NonBreaking,
                    format!("{side_name} media type `{media}` added"),
                );
            }
        }
    }

    // ----------------------------------------------------------------- responses

    fn responses(&mut self, base: &Operation<'a>, new: &Operation<'a>) {
        let id = new.id.as_str();
        let base_responses = base.value.get("responses").and_then(Value::as_object);
        let new_responses = new.value.get("responses").and_then(Value::as_object);
        let base_responses = base_responses.unwrap_or(&EMPTY);
        let new_responses = new_responses.unwrap_or(&EMPTY);
        let has_success = new_responses.keys().any(|s| s.starts_with('2'));
        let label = |status: &str| {
            let error = status.starts_with('4')
                || status.starts_with('5')
                || (status == "default" && has_success);
            if error { "error response" } else { "response" }
        };
        for (status, base_response) in base_responses {
            let root = format!("{id} {} {status}", label(status));
            if status.starts_with("x-") {
                if new_responses.get(status) != Some(base_response) {
                    self.push_at(
                        Some(id),
                        format!("{id} responses"),
                        Kind::MetadataChanged,
                        Severity::Info,
                        format!("`{status}` changed"),
                    );
                }
                continue;
            }
            let Some(new_response) = new_responses.get(status) else {
                self.push_at(
                    Some(id),
                    root,
                    Kind::ResponseStatusRemoved,
                    Severity::NonBreaking,
                    format!(
                        "status {status} no longer documented: if the service still sends it, the client reports an unexpected response"
                    ),
                );
                continue;
            };
            let base_pointer = format!("{}/responses/{}", base.pointer(), escape(status));
            let new_pointer = format!("{}/responses/{}", new.pointer(), escape(status));
            let base_response = resolve(self.base, base_response, &base_pointer);
            let new_response = resolve(self.new, new_response, &new_pointer);
            let key = (
                Some(id.to_owned()),
                Side::Response,
                base_response.pointer.clone(),
                new_response.pointer.clone(),
            );
            if !self.visited.insert(key) {
                continue;
            }
            self.metadata(
                Some(id),
                &root,
                base_response.value,
                new_response.value,
                &["content"],
            );
            let body_root = format!("{id} {}", label(status));
            self.content(
                Some(id),
                &body_root,
                Side::Response,
                &base_response,
                &new_response,
            );
        }
        for status in new_responses.keys() {
            if base_responses.contains_key(status) {
                continue;
            }
            if status.starts_with("x-") {
                self.push_at(
                    Some(id),
                    format!("{id} responses"),
                    Kind::MetadataChanged,
                    Severity::Info,
                    format!("`{status}` changed"),
                );
                continue;
            }
            self.push_at(
                Some(id),
                format!("{id} {} {status}", label(status)),
                Kind::ResponseStatusAdded,
                Severity::NonBreaking,
                format!("status {status} added"),
            );
        }
    }

    // ------------------------------------------------------------------- schemas

    fn schema(&mut self, scope: &Scope<'_>, path: &str, base: Node<'a, '_>, new: Node<'a, '_>) {
        let base = resolve(self.base, base.value, base.pointer);
        let new = resolve(self.new, new.value, new.pointer);
        let key = (
            scope.operation.map(str::to_owned),
            scope.side,
            base.pointer.clone(),
            new.pointer.clone(),
        );
        if !self.visited.insert(key) {
            return;
        }
        let (b, n) = (base.value, new.value);

        if base.reference != new.reference {
            self.schema_reference(scope, path, &base, &new);
        }
        self.schema_metadata(scope, path, b, n);

        // The shape: composition and type. When it changed, what lies below
        // cannot be paired; one row says it all.
        let (base_composition, new_composition) = (composition(b), composition(n));
        if base_composition != new_composition {
            self.push(
                scope,
                path,
                Kind::TypeChanged,
                Severity::Breaking,
                format!(
                    "schema changed from {} to {}",
                    describe_composition(&base_composition),
                    describe_composition(&new_composition)
                ),
            );
            return;
        }
        let (base_type, new_type) = (b.get("type"), n.get("type"));
        if base_type != new_type {
            self.push(
                scope,
                path,
                Kind::TypeChanged,
                Severity::Breaking,
                format!(
                    "type changed from {} to {}: the field's Rust type changes",
                    show(base_type),
                    show(new_type)
                ),
            );
            return;
        }
        let (base_format, new_format) = (b.get("format"), n.get("format"));
        if base_format != new_format {
            self.push(
                scope,
                path,
                Kind::FormatChanged,
                Severity::Breaking,
                format!(
                    "format changed from {} to {}: the field's Rust type changes",
                    show(base_format),
                    show(new_format)
                ),
            );
        }
        let (base_nullable, new_nullable) =
            (is_true(b.get("nullable")), is_true(n.get("nullable")));
        if base_nullable != new_nullable {
            let message = if scope.request() {
                format!(
                    "nullable changed from {base_nullable} to {new_nullable}: the field's Rust type changes between `T` and `Option<T>`"
                )
            } else {
                format!(
                    "nullable changed from {base_nullable} to {new_nullable}: the client decodes null in responses either way"
                )
            };
            self.push(
                scope,
                path,
                Kind::NullableChanged,
                scope.breaking_on_request(),
                message,
            );
        }
        self.schema_enum(scope, path, b.get("enum"), n.get("enum"));
        self.schema_limits(scope, path, b, n);
        self.schema_object(scope, path, &base, &new);
        self.schema_array(scope, path, &base, &new);
        self.schema_composition(scope, path, &base, &new, &base_composition);
    }

    fn schema_reference(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Resolved<'_>,
        new: &Resolved<'_>,
    ) {
        // A named type changes: what was `types::A` is now `types::B` (or an
        // inline type named after the field). Plain values have no type of
        // their own, so swapping them is harmless.
        let named_type = |schema: &Value| {
            schema.get("properties").is_some()
                || schema.get("enum").is_some()
                || schema.get("allOf").is_some()
                || schema.get("oneOf").is_some()
                || schema.get("anyOf").is_some()
        };
        let severity = if named_type(base.value) || named_type(new.value) {
            Severity::Breaking
        } else {
            Severity::NonBreaking
        };
        let describe = |reference: &Option<String>| match reference {
            Some(pointer) => format!("`#{pointer}`"),
            None => "an inline schema".to_owned(),
        };
        self.push(
            scope,
            path,
            Kind::SchemaRefChanged,
            severity,
            format!(
                "schema changed from {} to {}: code that names the generated type must follow",
                describe(&base.reference),
                describe(&new.reference)
            ),
        );
    }

    fn schema_metadata(&mut self, scope: &Scope<'_>, path: &str, base: &Value, new: &Value) {
        for key in union_keys(base, new) {
            let (b, n) = (base.get(key), new.get(key));
            if b == n {
                continue;
            }
            let (kind, severity, message) = match key {
                "description" => (
                    Kind::DescriptionChanged,
                    Severity::Info,
                    "description changed".to_owned(),
                ),
                "default" => (
                    Kind::DefaultChanged,
                    Severity::Info,
                    format!("default changed from {} to {}", show(b), show(n)),
                ),
                ERROR_CODES => {
                    self.error_codes(scope, path, b, n);
                    continue;
                }
                _ if SCHEMA_METADATA_KEYS.contains(&key) || key.starts_with("x-") => (
                    Kind::MetadataChanged,
                    Severity::Info,
                    format!("`{key}` changed"),
                ),
                _ if SCHEMA_KEYS.contains(&key) && key != "discriminator" => continue,
                _ => (
                    Kind::UnclassifiedChange,
                    Severity::Breaking,
                    format!("`{key}` changed; the diff cannot classify it: review it by hand"),
                ),
            };
            self.push(scope, path, kind, severity, message);
        }
    }

    /// `x-client-chosen-id` of an operation: which failures are retried.
    fn client_chosen_id(
        &mut self,
        operation: Option<&str>,
        location: &str,
        base: Option<&Value>,
        new: Option<&Value>,
    ) {
        let name = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
        let message = match (name(base), name(new)) {
            (None, Some(new)) => format!(
                "`{new}` is now a client-chosen id: a request carrying it is retried after a 5xx or a timeout after sending"
            ),
            (Some(base), None) => format!(
                "`{base}` is no longer a client-chosen id: a 5xx or a timeout after sending is no longer retried"
            ),
            (base, new) => format!(
                "the client-chosen id is now {} (was {}): retries after sending follow it",
                new.map_or("none".to_owned(), |n| format!("`{n}`")),
                base.map_or("none".to_owned(), |b| format!("`{b}`")),
            ),
        };
        self.push_at(
            operation,
            location.to_owned(),
            Kind::ClientChosenIdChanged,
            Severity::NonBreaking,
            message,
        );
    }

    /// `x-error-codes`: `ErrorCode`'s variants. A variant removed or renamed
    /// breaks code naming it; one added is new API (`ErrorCode` is
    /// `#[non_exhaustive]`), though `from_code` of that number was
    /// `Unknown` before; descriptions and statuses are documentation.
    fn error_codes(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: Option<&Value>,
        new: Option<&Value>,
    ) {
        let entries = |list: Option<&Value>| -> BTreeMap<i64, (String, Value)> {
            list.and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|entry| {
                    let code = entry.get("code")?.as_i64()?;
                    let name = entry.get("name")?.as_str()?.to_owned();
                    Some((code, (name, entry.clone())))
                })
                .collect()
        };
        let (base, new) = (entries(base), entries(new));
        for (code, (name, entry)) in &base {
            match new.get(code) {
                None => self.push(
                    scope,
                    path,
                    Kind::ErrorCodeRemoved,
                    Severity::Breaking,
                    format!(
                        "error code {code} is no longer listed: `ErrorCode::{name}` is removed and the code becomes `ErrorCode::Unknown({code})`"
                    ),
                ),
                Some((new_name, _)) if new_name != name => self.push(
                    scope,
                    path,
                    Kind::ErrorCodeRemoved,
                    Severity::Breaking,
                    format!("error code {code}: `ErrorCode::{name}` is renamed `ErrorCode::{new_name}`"),
                ),
                Some((_, new_entry)) if new_entry != entry => self.push(
                    scope,
                    path,
                    Kind::MetadataChanged,
                    Severity::Info,
                    format!("error code {code} (`ErrorCode::{name}`): its description or status changed"),
                ),
                Some(_) => {}
            }
        }
        for (code, (name, _)) in &new {
            if !base.contains_key(code) {
                self.push(
                    scope,
                    path,
                    Kind::ErrorCodeAdded,
                    Severity::NonBreaking,
                    format!(
                        "error code {code} is new: `ErrorCode::{name}` (`from_code({code})` was `ErrorCode::Unknown({code})`)"
                    ),
                );
            }
        }
    }

    fn schema_enum(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: Option<&'a Value>,
        new: Option<&'a Value>,
    ) {
        let values = |v: Option<&'a Value>| v.and_then(Value::as_array);
        let (base, new) = (values(base), values(new));
        let side = scope.side_name();
        match (base, new) {
            (None, None) => {}
            (None, Some(new)) => {
                let message = if scope.request() {
                    format!(
                        "{side} values are now limited to {}: the field becomes an enum type",
                        list(new)
                    )
                } else {
                    format!(
                        "{side} values are now documented as {}; the client keeps any other value",
                        list(new)
                    )
                };
                self.push(
                    scope,
                    path,
                    Kind::EnumAdded,
                    scope.breaking_on_request(),
                    message,
                );
            }
            (Some(base), None) => {
                let message = if scope.request() {
                    format!(
                        "{side} enum {} became a free value: the generated enum type is replaced",
                        list(base)
                    )
                } else {
                    format!("{side} enum {} became a free value", list(base))
                };
                self.push(
                    scope,
                    path,
                    Kind::EnumRemoved,
                    scope.breaking_on_request(),
                    message,
                );
            }
            (Some(base), Some(new)) => {
                for value in base.iter().filter(|v| !new.contains(v)) {
                    let message = if scope.request() {
                        format!(
                            "{side} enum value {} removed: code that sends it no longer compiles",
                            show(Some(value))
                        )
                    } else {
                        format!(
                            "{side} enum value {} removed: the client keeps unknown values, so nothing breaks",
                            show(Some(value))
                        )
                    };
                    self.push(
                        scope,
                        path,
                        Kind::EnumValueRemoved,
                        scope.breaking_on_request(),
                        message,
                    );
                }
                for value in new.iter().filter(|v| !base.contains(v)) {
                    self.push(
                        scope,
                        path,
                        Kind::EnumValueAdded,
                        Severity::NonBreaking,
                        format!("{side} enum value {} added", show(Some(value))),
                    );
                }
            }
        }
    }

    fn schema_limits(&mut self, scope: &Scope<'_>, path: &str, base: &Value, new: &Value) {
        let number = |v: &Value, key: &str| v.get(key).and_then(Value::as_f64);
        for (keys, upper) in [(UPPER_LIMITS, true), (LOWER_LIMITS, false)] {
            for key in keys {
                let (tighter, message) = match (number(base, key), number(new, key)) {
                    (None, None) => continue,
                    (Some(b), Some(n)) if b == n => continue,
                    (None, Some(n)) => (true, format!("{key} {n} added")),
                    (Some(b), None) => (false, format!("{key} {b} removed")),
                    (Some(b), Some(n)) => {
                        let direction = if n < b { "lowered" } else { "raised" };
                        let tighter = if upper { n < b } else { n > b };
                        (tighter, format!("{key} {direction} from {b} to {n}"))
                    }
                };
                self.limit(scope, path, tighter, message);
            }
        }
        for key in FLAG_LIMITS {
            match (is_true(base.get(key)), is_true(new.get(key))) {
                (false, true) => self.limit(scope, path, true, format!("{key} set")),
                (true, false) => self.limit(scope, path, false, format!("{key} unset")),
                _ => {}
            }
        }
        for key in ["pattern", "multipleOf"] {
            let (b, n) = (base.get(key), new.get(key));
            match (b, n) {
                (None, None) => {}
                (Some(b), Some(n)) if b == n => {}
                (None, Some(n)) => {
                    self.limit(scope, path, true, format!("{key} {} added", show(Some(n))));
                }
                (Some(b), None) => {
                    self.limit(
                        scope,
                        path,
                        false,
                        format!("{key} {} removed", show(Some(b))),
                    );
                }
                (Some(b), Some(n)) => self.limit(
                    scope,
                    path,
                    true,
                    format!(
                        "{key} changed from {} to {} (cannot be compared: treated as stricter)",
                        show(Some(b)),
                        show(Some(n))
                    ),
                ),
            }
        }
    }

    fn limit(&mut self, scope: &Scope<'_>, path: &str, tighter: bool, message: String) {
        let (kind, severity, consequence) = match (tighter, scope.side) {
            (true, Side::Request) => (
                Kind::ConstraintTightened,
                Severity::Breaking,
                ": a request that passed the client's checks before may now be refused",
            ),
            (true, Side::Response) => (
                Kind::ConstraintTightened,
                Severity::NonBreaking,
                " (the client does not check response limits)",
            ),
            (false, _) => (Kind::ConstraintLoosened, Severity::NonBreaking, ""),
        };
        self.push(
            scope,
            path,
            kind,
            severity,
            format!("{message}{consequence}"),
        );
    }

    fn schema_object(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Resolved<'a>,
        new: &Resolved<'a>,
    ) {
        let properties = |v: &'a Value| v.get("properties").and_then(Value::as_object);
        let base_properties = properties(base.value).unwrap_or(&EMPTY);
        let new_properties = properties(new.value).unwrap_or(&EMPTY);
        let required = |v: &'a Value| -> BTreeSet<&'a str> {
            v.get("required")
                .and_then(Value::as_array)
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        let (base_required, new_required) = (required(base.value), required(new.value));
        let side = scope.side_name();
        // In name order, whatever order the JSON map keeps, so that "the first
        // place a shared schema is reached" does not depend on serde_json's
        // features.
        let mut names: Vec<&String> = base_properties.keys().collect();
        names.sort();
        for name in names {
            let base_property = &base_properties[name];
            let field_path = format!("{path}.{name}");
            let Some(new_property) = new_properties.get(name) else {
                let consequence = if scope.request() {
                    "code that sets it no longer compiles"
                } else {
                    "code that reads it no longer compiles"
                };
                self.push(
                    scope,
                    &field_path,
                    Kind::FieldRemoved,
                    Severity::Breaking,
                    format!("{side} field `{name}` removed: {consequence}"),
                );
                continue;
            };
            let was_required = base_required.contains(name.as_str());
            let is_required = new_required.contains(name.as_str());
            if was_required != is_required {
                let (kind, severity, message) = match (is_required, scope.side) {
                    (true, Side::Request) => (
                        Kind::FieldBecameRequired,
                        Severity::Breaking,
                        format!(
                            "{side} field `{name}` became required: code that builds this request must now set it"
                        ),
                    ),
                    (true, Side::Response) => (
                        Kind::FieldBecameRequired,
                        Severity::NonBreaking,
                        format!(
                            "{side} field `{name}` became required (the client decodes every response field as optional)"
                        ),
                    ),
                    (false, _) => (
                        Kind::FieldBecameOptional,
                        Severity::NonBreaking,
                        format!("{side} field `{name}` became optional"),
                    ),
                };
                self.push(scope, &field_path, kind, severity, message);
            }
            let base_pointer = format!("{}/properties/{}", base.pointer, escape(name));
            let new_pointer = format!("{}/properties/{}", new.pointer, escape(name));
            self.schema(
                scope,
                &field_path,
                Node {
                    value: base_property,
                    pointer: &base_pointer,
                },
                Node {
                    value: new_property,
                    pointer: &new_pointer,
                },
            );
        }
        let mut names: Vec<&String> = new_properties.keys().collect();
        names.sort();
        for name in names {
            if base_properties.contains_key(name) {
                continue;
            }
            let field_path = format!("{path}.{name}");
            let (severity, message) = match (new_required.contains(name.as_str()), scope.side) {
                (true, Side::Request) => (
                    Severity::Breaking,
                    format!(
                        "required {side} field `{name}` added: code that builds this request must now set it"
                    ),
                ),
                (false, Side::Request) => (
                    Severity::NonBreaking,
                    format!("optional {side} field `{name}` added"),
                ),
                (_, Side::Response) => (
                    Severity::NonBreaking,
                    format!("{side} field `{name}` added"),
                ),
            };
            self.push(scope, &field_path, Kind::FieldAdded, severity, message);
        }
        self.schema_additional_properties(scope, path, base, new);
    }

    fn schema_additional_properties(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Resolved<'a>,
        new: &Resolved<'a>,
    ) {
        let (b, n) = (
            base.value.get("additionalProperties"),
            new.value.get("additionalProperties"),
        );
        // Absent means `true`.
        let allowed = |v: Option<&Value>| match v {
            None => Some(true),
            Some(Value::Bool(allowed)) => Some(*allowed),
            Some(_) => None,
        };
        match (allowed(b), allowed(n), b, n) {
            (Some(true), Some(false), _, _) => self.limit(
                scope,
                path,
                true,
                "additional properties no longer allowed".to_owned(),
            ),
            (Some(false), Some(true), _, _) => {
                self.limit(
                    scope,
                    path,
                    false,
                    "additional properties allowed".to_owned(),
                );
            }
            (Some(_), Some(_), _, _) => {}
            (None, None, Some(b), Some(n)) => {
                let base_pointer = format!("{}/additionalProperties", base.pointer);
                let new_pointer = format!("{}/additionalProperties", new.pointer);
                self.schema(
                    scope,
                    &format!("{path}{{}}"),
                    Node {
                        value: b,
                        pointer: &base_pointer,
                    },
                    Node {
                        value: n,
                        pointer: &new_pointer,
                    },
                );
            }
            _ => self.push(
                scope,
                path,
                Kind::TypeChanged,
                Severity::Breaking,
                format!(
                    "map values changed from {} to {}: the field's Rust type changes",
                    describe_additional(b),
                    describe_additional(n)
                ),
            ),
        }
    }

    fn schema_array(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Resolved<'a>,
        new: &Resolved<'a>,
    ) {
        match (base.value.get("items"), new.value.get("items")) {
            (None, None) => {}
            (Some(b), Some(n)) => {
                let base_pointer = format!("{}/items", base.pointer);
                let new_pointer = format!("{}/items", new.pointer);
                self.schema(
                    scope,
                    &format!("{path}[]"),
                    Node {
                        value: b,
                        pointer: &base_pointer,
                    },
                    Node {
                        value: n,
                        pointer: &new_pointer,
                    },
                );
            }
            _ => self.push(
                scope,
                path,
                Kind::TypeChanged,
                Severity::Breaking,
                "array items were added or removed: the field's Rust type changes".to_owned(),
            ),
        }
    }

    /// Pairs the members of allOf/oneOf/anyOf by position (their counts are
    /// equal here), and `not`.
    fn schema_composition(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Resolved<'a>,
        new: &Resolved<'a>,
        shape: &[(&'static str, usize)],
    ) {
        for &(key, count) in shape {
            for index in 0..count {
                let (b, n, suffix) = if key == "not" {
                    (base.value.get(key), new.value.get(key), "/not".to_owned())
                } else {
                    (
                        base.value.get(key).and_then(|v| v.get(index)),
                        new.value.get(key).and_then(|v| v.get(index)),
                        format!("/{key}/{index}"),
                    )
                };
                let (Some(b), Some(n)) = (b, n) else { continue };
                // allOf members merge into one type: their fields keep the
                // path. Alternatives are named by position.
                let member_path = match key {
                    "allOf" => path.to_owned(),
                    "not" => format!("{path}(not)"),
                    _ => format!("{path}({key}[{index}])"),
                };
                let base_pointer = format!("{}{suffix}", base.pointer);
                let new_pointer = format!("{}{suffix}", new.pointer);
                self.schema(
                    scope,
                    &member_path,
                    Node {
                        value: b,
                        pointer: &base_pointer,
                    },
                    Node {
                        value: n,
                        pointer: &new_pointer,
                    },
                );
            }
        }
    }

    // ---------------------------------------------------------------- components

    /// Component schemas added or removed (each is a generated type), changes
    /// inside component schemas no operation reaches, and other components that
    /// changed unseen by the operations' walk.
    fn components(&mut self) {
        let schemas = |document: &'a Value| {
            document
                .pointer("/components/schemas")
                .and_then(Value::as_object)
        };
        let base_schemas = schemas(self.base).unwrap_or(&EMPTY);
        let new_schemas = schemas(self.new).unwrap_or(&EMPTY);
        for name in base_schemas.keys() {
            if !new_schemas.contains_key(name) {
                self.push_at(
                    None,
                    format!("components.schemas.{name}"),
                    Kind::SchemaRemoved,
                    Severity::Breaking,
                    format!(
                        "component schema `{name}` removed: its generated type disappears from the client"
                    ),
                );
            }
        }
        for name in new_schemas.keys() {
            if !base_schemas.contains_key(name) {
                self.push_at(
                    None,
                    format!("components.schemas.{name}"),
                    Kind::SchemaAdded,
                    Severity::NonBreaking,
                    format!("component schema `{name}` added: a new generated type"),
                );
            }
        }
        let mut reached = reachable(self.base, ["/paths"]);
        reached.extend(reachable(self.new, ["/paths"]));
        // Unreached schemas still become types in the client; with no side to
        // go by, they are judged by the stricter request rules.
        for (name, base_schema) in base_schemas {
            let pointer = format!("/components/schemas/{}", escape(name));
            let Some(new_schema) = new_schemas.get(name) else {
                continue;
            };
            if reached.contains(&pointer) {
                continue;
            }
            let scope = Scope {
                operation: None,
                side: Side::Request,
                root: format!("components.schemas.{name}"),
                separator: " ",
            };
            self.schema(
                &scope,
                "",
                Node {
                    value: base_schema,
                    pointer: &pointer,
                },
                Node {
                    value: new_schema,
                    pointer: &pointer,
                },
            );
        }
        for kind in union_keys(
            self.base.get("components").unwrap_or(&Value::Null),
            self.new.get("components").unwrap_or(&Value::Null),
        ) {
            if kind == "schemas" {
                continue;
            }
            let entries = |document: &'a Value| {
                document
                    .get("components")
                    .and_then(|c| c.get(kind))
                    .unwrap_or(&Value::Null)
            };
            let (base_entries, new_entries) = (entries(self.base), entries(self.new));
            for name in union_keys(base_entries, new_entries) {
                let pointer = format!("/components/{kind}/{}", escape(name));
                if reached.contains(&pointer) || base_entries.get(name) == new_entries.get(name) {
                    continue;
                }
                self.push_at(
                    None,
                    format!("components.{kind}.{name}"),
                    Kind::MetadataChanged,
                    Severity::Info,
                    format!("`components.{kind}.{name}` changed; no operation refers to it"),
                );
            }
        }
    }

    /// Top-level keys other than `paths` and `components` (info, servers, ...).
    fn document_metadata(&mut self) {
        for key in union_keys(self.base, self.new) {
            if key == "paths" || key == "components" {
                continue;
            }
            if self.base.get(key) != self.new.get(key) {
                self.push_at(
                    None,
                    key.to_owned(),
                    Kind::MetadataChanged,
                    Severity::Info,
                    format!("`{key}` changed"),
                );
            }
        }
    }

    // -------------------------------------------------------------------- output

    fn push(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        kind: Kind,
        severity: Severity,
        message: String,
    ) {
        self.push_at(
            scope.operation,
            scope.location(path),
            kind,
            severity,
            message,
        );
    }

    fn push_at(
        &mut self,
        operation: Option<&str>,
        location: String,
        kind: Kind,
        severity: Severity,
        message: String,
    ) {
        self.changes.push(Change {
            operation: operation.map(str::to_owned),
            location,
            kind,
            severity,
            message,
        });
    }
}

/// The operations of `document`, in document order.
fn collect_operations(document: &Value) -> Vec<Operation<'_>> {
    let mut found = Vec::new();
    let Some(paths) = document.get("paths").and_then(Value::as_object) else {
        return found;
    };
    for (route, item) in paths {
        for method in METHODS {
            let Some(value) = item.get(method) else {
                continue;
            };
            let id = value
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{} {route}", method.to_uppercase()));
            found.push(Operation {
                id,
                method,
                route,
                item,
                value,
            });
        }
    }
    found
}

/// The parameters of `operation` (path-item ones first, overridden by the
/// operation's own), resolved, keyed by `(in, name)`.
fn collect_parameters<'a>(
    document: &'a Value,
    operation: &Operation<'a>,
) -> Vec<((String, String), Resolved<'a>)> {
    let mut found: Vec<((String, String), Resolved<'a>)> = Vec::new();
    let lists = [
        (
            operation.item.get("parameters"),
            format!("/paths/{}/parameters", escape(operation.route)),
        ),
        (
            operation.value.get("parameters"),
            format!("{}/parameters", operation.pointer()),
        ),
    ];
    for (list, list_pointer) in lists {
        let Some(list) = list.and_then(Value::as_array) else {
            continue;
        };
        for (index, parameter) in list.iter().enumerate() {
            let parameter = resolve(document, parameter, &format!("{list_pointer}/{index}"));
            let text = |key: &str| {
                parameter
                    .value
                    .get(key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let key = (text("in"), text("name"));
            found.retain(|(existing, _)| *existing != key);
            found.push((key, parameter));
        }
    }
    found
}

/// Which of allOf/oneOf/anyOf/not a schema uses, with member counts.
fn composition(schema: &Value) -> Vec<(&'static str, usize)> {
    let mut shape = Vec::new();
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(members) = schema.get(key).and_then(Value::as_array) {
            shape.push((key, members.len()));
        }
    }
    if schema.get("not").is_some() {
        shape.push(("not", 1));
    }
    shape
}

fn describe_composition(shape: &[(&str, usize)]) -> String {
    if shape.is_empty() {
        return "a plain schema".to_owned();
    }
    let parts: Vec<String> = shape
        .iter()
        .map(|(key, count)| format!("{key} of {count}"))
        .collect();
    parts.join(" and ")
}

fn describe_additional(value: Option<&Value>) -> &'static str {
    match value {
        None | Some(Value::Bool(true)) => "any value",
        Some(Value::Bool(false)) => "none allowed",
        Some(_) => "a schema",
    }
}

/// A value for a message: `` `text` `` for strings, JSON otherwise, `none` when absent.
fn show(value: Option<&Value>) -> String {
    match value {
        None => "none".to_owned(),
        Some(Value::String(text)) => format!("`{text}`"),
        Some(other) => format!("`{other}`"),
    }
}

fn list(values: &[Value]) -> String {
    let shown: Vec<String> = values.iter().map(|v| show(Some(v))).collect();
    shown.join(", ")
}

fn is_true(value: Option<&Value>) -> bool {
    value.and_then(Value::as_bool).unwrap_or(false)
}

/// The keys of two JSON objects, base order first, then keys only `new` has.
fn union_keys<'v>(base: &'v Value, new: &'v Value) -> Vec<&'v str> {
    let mut keys: Vec<&str> = Vec::new();
    for object in [base, new] {
        if let Some(map) = object.as_object() {
            for key in map.keys() {
                if !keys.contains(&key.as_str()) {
                    keys.push(key);
                }
            }
        }
    }
    keys
}

/// `/a/{id}/b` → `/a/{}/b`.
fn normalise_route(route: &str) -> String {
    let mut normalised = String::with_capacity(route.len());
    let mut in_parameter = false;
    for character in route.chars() {
        match character {
            '{' => {
                in_parameter = true;
                normalised.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if in_parameter => {}
            _ => normalised.push(character),
        }
    }
    normalised
}
