//! The spec's three `x-` extensions that code is generated from, read, checked
//! and turned into Rust:
//!
//! - `x-client-chosen-id: <property>` on an operation names the request body
//!   property that holds an id the caller may choose for what the operation
//!   creates. A repeat of a create that carries one is refused by the service
//!   (code 400900), so the client may retry it after a failure that may have
//!   reached the service. Generated: the `client_ids` module.
//! - `x-error-codes` on one schema property (`ErrorBody.code`) lists the
//!   documented error codes, each with a Rust variant name, a description and
//!   optionally the HTTP status it comes with. Generated: `ErrorCode`.
//! - `x-rule` marks an `allOf` member of a schema as one rule the docs state
//!   in prose (`name`, `page`, `quote`: the page's sentence); the member says
//!   it with OpenAPI constructs, and the extension may add what JSON Schema
//!   cannot say: `max-bytes` (the value's size encoded as compact JSON) and
//!   `max-items-where: {property, equals, max}` (at most `max` items of an
//!   array whose `property` equals `equals`). An `x-rule` without a name only
//!   adds those two, inside a named rule. Generated: the rule tables of the
//!   `validation` module; the transform keeps rule members out of the types.
//!
//! - `x-retry: idempotent | client-chosen-id | not-after-send` on an
//!   operation says whether it may be repeated after a failure that may have
//!   reached the service. Without it, RFC 9110 §9.2.2 decides: GET, PUT,
//!   DELETE, HEAD and OPTIONS are idempotent; any other method is
//!   `client-chosen-id` when it has `x-client-chosen-id`, else
//!   `not-after-send`. Generated: the `operations` module.
//!
//! - `x-pagination: {items, next, token}` on a list operation: see
//!   [`crate::pagination`]. Generated: the builder's `into_pages`/`into_items`.
//!
//! - `x-secret: true` on an `in: header` parameter (an API key) or on a
//!   `type: string` property of a component schema (a token in a body) marks
//!   a value that `Debug` must not show. Generated: a hand-built `Debug` for
//!   the operation's builder, or for the component's struct and its builder,
//!   that prints `<redacted>` in its place (`crate::postprocess`).
//!
//! All of them are checked when the spec is read ([`check`]), each fault located
//! at the key at fault.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Error;
use crate::document::{Slot, escape, schema_pointers, target, unescape};
use crate::source::Sources;

/// The operation extension naming the request body property that holds an
/// id the caller may choose for what the operation creates.
pub const CLIENT_CHOSEN_ID: &str = "x-client-chosen-id";
/// The extension, on one schema property, listing the documented error codes
/// (`code`, `name`, `description`, optional `status`).
pub const ERROR_CODES: &str = "x-error-codes";

/// The operation extension stating its retry class (`idempotent`,
/// `client-chosen-id`, `not-after-send`).
pub const RETRY: &str = "x-retry";

/// The extension marking a value as a secret: on a header parameter (an API
/// key) the operation's builder redacts it in its `Debug` output, on a string
/// property of a component schema (a token) the component's struct and its
/// builder do.
pub const SECRET: &str = "x-secret";

/// The extension, on an `allOf` member, that makes it a documented rule.
pub const RULE: &str = "x-rule";

/// The keys an `x-rule` may have.
const RULE_KEYS: [&str; 5] = ["name", "page", "quote", "max-bytes", "max-items-where"];

/// One operation's client-chosen id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientChosenId {
    pub(crate) operation_id: String,
    /// The body property, e.g. `postId`.
    pub(crate) field: String,
    /// The property's `maxLength`, if it has one.
    pub(crate) max_length: Option<u64>,
}

/// One documented error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ErrorCode {
    pub(crate) code: i64,
    /// The Rust variant name, e.g. `RateLimitExceeded`.
    pub(crate) name: String,
    pub(crate) description: String,
    /// The HTTP status the docs say it comes with.
    pub(crate) status: Option<u16>,
}

/// Whether an operation may be repeated after a failure that may have
/// reached the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryClass {
    /// Repeating it has the effect of sending it once (RFC 9110 §9.2.2).
    Idempotent,
    /// Safe to repeat when the request carries its client-chosen id.
    ClientChosenId,
    /// Never repeated once it may have reached the service.
    NotAfterSend,
}

impl RetryClass {
    const NAMES: [(&'static str, RetryClass); 3] = [
        ("idempotent", RetryClass::Idempotent),
        ("client-chosen-id", RetryClass::ClientChosenId),
        ("not-after-send", RetryClass::NotAfterSend),
    ];
}

/// One operation's facts for the runtime: its method and retry class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OperationFacts {
    pub(crate) operation_id: String,
    /// `GET`, `POST`, ...
    pub(crate) http_method: String,
    pub(crate) retry: RetryClass,
}

/// What the extensions say, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Facts {
    pub(crate) client_ids: Vec<ClientChosenId>,
    pub(crate) error_codes: Vec<ErrorCode>,
    pub(crate) operations: Vec<OperationFacts>,
    /// `(operationId, header name)` of every `x-secret: true` header.
    pub(crate) secret_headers: Vec<(String, String)>,
    /// `(component schema, property)` of every `x-secret: true` property.
    pub(crate) secret_properties: Vec<(String, String)>,
    /// Every list operation's `x-pagination`.
    pub(crate) paginations: Vec<crate::pagination::Pagination>,
}

/// Reads and checks every extension of `document` (the spec as JSON),
/// adding each fault to `problems`; the facts are only meaningful when none
/// was added.
pub(crate) fn check(document: &Value, sources: &Sources, problems: &mut Vec<Error>) -> Facts {
    rules(document, sources, problems);
    let client_ids = client_ids(document, sources, problems);
    let mut referenced = BTreeSet::new();
    let secret_headers = secret_headers(document, sources, &mut referenced, problems);
    Facts {
        secret_headers,
        secret_properties: secret_properties(document, sources, &referenced, problems),
        operations: retry_classes(document, sources, &client_ids, problems),
        client_ids,
        error_codes: error_codes(document, sources, problems),
        paginations: crate::pagination::check(document, sources, problems),
    }
}

/// Every `x-secret` of an operation's parameters, its path item's included:
/// `true` on an `in: header` parameter, nothing else. A fault of a parameter
/// given as `$ref` is reported where the operation refers to it, and the
/// pointer it resolves to is added to `referenced`.
fn secret_headers(
    document: &Value,
    sources: &Sources,
    referenced: &mut BTreeSet<String>,
    problems: &mut Vec<Error>,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (route, method, operation) in crate::document::operations(document) {
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let item = document
            .get("paths")
            .and_then(|paths| paths.get(route))
            .unwrap_or(&Value::Null);
        let lists = [
            (item, format!("/paths/{}", escape(route))),
            (operation, format!("/paths/{}/{method}", escape(route))),
        ];
        for (holder, base) in lists {
            let Some(Value::Array(parameters)) = holder.get("parameters") else {
                continue;
            };
            for (index, parameter) in parameters.iter().enumerate() {
                let reference = crate::document::reference(parameter);
                let parameter = target(document, parameter);
                let Some(secret) = parameter.get(SECRET) else {
                    continue;
                };
                let at = format!("{base}/parameters/{index}/{SECRET}");
                if let Err(message) = secret_header(parameter, secret) {
                    problems.push(fault(sources, &at, SECRET, message));
                    referenced.extend(reference.map(str::to_owned));
                    continue;
                }
                let name = parameter
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                found.push((operation_id.to_owned(), name.to_owned()));
            }
        }
    }
    found
}

/// Why `secret` (the value of `x-secret`) on `parameter` is refused, if it is.
fn secret_header(parameter: &Value, secret: &Value) -> Result<(), String> {
    if secret != &Value::Bool(true) {
        return Err(format!("must be `true` (or left out), found {secret}"));
    }
    if parameter.get("in").and_then(Value::as_str) != Some("header") {
        return Err(
            "marks a header's value as secret; this parameter is not `in: header`".to_owned(),
        );
    }
    Ok(())
}

/// Every `x-secret` of the document: on a `type: string` property of a
/// component schema (`components/schemas/<Name>/properties/<property>`) it
/// gives the pair `(Name, property)`; on a parameter it is checked as
/// [`secret_headers`] checks it (one in `components/parameters` that no
/// operation names included; one it reported, at `referenced`, is not
/// reported again) and gives nothing; anywhere else it is refused.
fn secret_properties(
    document: &Value,
    sources: &Sources,
    referenced: &BTreeSet<String>,
    problems: &mut Vec<Error>,
) -> Vec<(String, String)> {
    let mut found = Vec::new();
    crate::document::walk(document, &mut |at, slot, value| {
        // In a map of names (`properties`, ...) `x-secret` is a name, not the extension.
        if !slot.holds_data(SECRET) {
            return;
        }
        let Some(secret) = value.get(SECRET) else {
            return;
        };
        match secret_property(at, slot, value, secret) {
            Ok(Some(pair)) => found.push(pair),
            Ok(None) => {}
            Err(_) if slot == Slot::Parameter && referenced.contains(at) => {}
            Err(message) => {
                problems.push(fault(sources, &format!("{at}/{SECRET}"), SECRET, message));
            }
        }
    });
    found
}

/// What an `x-secret: <secret>` on `value` (at `at`, standing in `slot`)
/// marks: a component's string property, nothing (a header parameter, read
/// by [`secret_headers`]), or a refusal.
fn secret_property(
    at: &str,
    slot: Slot,
    value: &Value,
    secret: &Value,
) -> Result<Option<(String, String)>, String> {
    if secret != &Value::Bool(true) {
        return Err(format!("must be `true` (or left out), found {secret}"));
    }
    if slot == Slot::Parameter {
        return secret_header(value, secret).map(|()| None);
    }
    let segments: Vec<Cow<'_, str>> = at.split('/').skip(1).map(unescape).collect();
    let (component, property) = match (slot, &segments[..]) {
        (Slot::Schema, [components, schemas, component, properties, property])
            if components == "components" && schemas == "schemas" && properties == "properties" =>
        {
            (component, property)
        }
        (Slot::Schema, _) => {
            return Err(
                "marks a header parameter or a property of a component schema \
                 (`components/schemas/<Name>/properties/<property>`) as secret; this schema is \
                 not a component's own property: give the object that holds it a component \
                 schema of its own and `$ref` it"
                    .to_owned(),
            );
        }
        _ => {
            return Err(
                "marks a header parameter or a property of a component schema \
                 (`components/schemas/<Name>/properties/<property>`) as secret, nothing else"
                    .to_owned(),
            );
        }
    };
    let found = match (value.get("type"), crate::document::reference(value)) {
        (Some(Value::String(kind)), _) if kind == "string" => {
            return Ok(Some((component.to_string(), property.to_string())));
        }
        (Some(Value::String(kind)), _) => format!("`type: {kind}`"),
        (Some(kind), _) => format!("`type: {kind}`"),
        (None, Some(reference)) => format!("a `$ref` to `{reference}`"),
        (None, None) => "no `type`".to_owned(),
    };
    Err(format!(
        "marks a string as secret (its `Debug` prints `<redacted>`); property `{property}` of \
         `{component}` has {found}, not `type: string`"
    ))
}

/// Every operation's retry class: `x-retry` where stated (checked against
/// `x-client-chosen-id`), else implied by the method.
fn retry_classes(
    document: &Value,
    sources: &Sources,
    client_ids: &[ClientChosenId],
    problems: &mut Vec<Error>,
) -> Vec<OperationFacts> {
    let mut found = Vec::new();
    for (route, method, operation) in crate::document::operations(document) {
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let has_id = client_ids.iter().any(|id| id.operation_id == operation_id);
        // Stated, even if refused by [`client_ids`]: `x-retry` is checked
        // against what the spec says, not against a second report of that fault.
        let states_id = operation.get(CLIENT_CHOSEN_ID).is_some();
        let implied = match method {
            "get" | "put" | "delete" | "head" | "options" => RetryClass::Idempotent,
            _ if has_id => RetryClass::ClientChosenId,
            _ => RetryClass::NotAfterSend,
        };
        let retry = match operation.get(RETRY) {
            None => implied,
            Some(value) => {
                let at = format!("/paths/{}/{method}/{RETRY}", escape(route));
                let fail = |message: String| fault(sources, &at, RETRY, message);
                let names: Vec<&str> = RetryClass::NAMES.iter().map(|(n, _)| *n).collect();
                let Some(class) = value.as_str().and_then(|text| {
                    RetryClass::NAMES
                        .iter()
                        .find(|(name, _)| *name == text)
                        .map(|(_, class)| *class)
                }) else {
                    problems.push(fail(format!(
                        "must be one of {}, found {value}",
                        names.join(", ")
                    )));
                    continue;
                };
                if class == RetryClass::ClientChosenId && !states_id {
                    problems.push(fail(format!(
                        "is `client-chosen-id`, but operation {operation_id} has no `{CLIENT_CHOSEN_ID}` naming the body property that holds the id"
                    )));
                }
                if class != RetryClass::ClientChosenId && states_id {
                    problems.push(fail(format!(
                        "operation {operation_id} has `{CLIENT_CHOSEN_ID}`, so its class is `client-chosen-id`; remove one of the two"
                    )));
                }
                class
            }
        };
        found.push(OperationFacts {
            operation_id,
            http_method: method.to_ascii_uppercase(),
            retry,
        });
    }
    found.sort_by(|a, b| a.operation_id.cmp(&b.operation_id));
    found
}

/// Whether `pointer` (of a schema) is an `allOf` member: `.../allOf/<n>`.
pub(crate) fn is_all_of_member(pointer: &str) -> bool {
    let mut segments = pointer.rsplit('/');
    let index = segments.next().unwrap_or_default();
    !index.is_empty()
        && index.bytes().all(|b| b.is_ascii_digit())
        && segments.next() == Some("allOf")
}

/// Checks every `x-rule` of `document`: its keys and their types, a named
/// rule on an `allOf` member with a page and a quote and a name of its own,
/// an unnamed one inside a named one.
fn rules(document: &Value, sources: &Sources, problems: &mut Vec<Error>) {
    // Each rule name with the pointer of its first member.
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    // The pointers of every named rule's member (refused or not), to place
    // the unnamed ones.
    let mut members: Vec<String> = Vec::new();
    for at in schema_pointers(document) {
        let Some(rule) = document.pointer(&at).and_then(|schema| schema.get(RULE)) else {
            continue;
        };
        let pointer = format!("{at}/{RULE}");
        let fail = |key: &str, message: String| {
            let pointer = if key.is_empty() {
                pointer.clone()
            } else {
                format!("{pointer}/{key}")
            };
            fault(sources, &pointer, RULE, message)
        };
        let Value::Object(rule) = rule else {
            problems.push(fail(
                "",
                "must be a mapping: `{name, page, quote}`, optionally with `max-bytes` or `max-items-where`".to_owned(),
            ));
            continue;
        };
        if rule.contains_key("name") {
            members.push(at.clone());
        }
        if let Some(key) = rule.keys().find(|k| !RULE_KEYS.contains(&k.as_str())) {
            problems.push(fail(
                &escape(key),
                format!("unknown key `{key}` (a rule has {})", RULE_KEYS.join(", ")),
            ));
            continue;
        }
        let text = |key: &str| -> Result<Option<&str>, Error> {
            match rule.get(key) {
                None => Ok(None),
                Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text)),
                Some(other) => Err(fail(
                    key,
                    format!("`{key}` must be a non-empty string, found {other}"),
                )),
            }
        };
        let (name, page, quote) = match (text("name"), text("page"), text("quote")) {
            (Ok(name), Ok(page), Ok(quote)) => (name, page, quote),
            (name, page, quote) => {
                problems.extend([name, page, quote].into_iter().filter_map(Result::err));
                continue;
            }
        };
        let placed = match name {
            Some(name) => named_rule(&at, name, page, quote, &mut named, sources, &fail),
            None => unnamed_rule(&at, rule, &members, &fail),
        };
        problems.extend(placed.err());
        problems.extend(rule_bounds(rule, &fail).err());
    }
}

/// A named rule: a kebab-case name of its own, a page and a quote, on an
/// `allOf` member; recorded in `named`.
fn named_rule(
    at: &str,
    name: &str,
    page: Option<&str>,
    quote: Option<&str>,
    named: &mut BTreeMap<String, String>,
    sources: &Sources,
    fail: &dyn Fn(&str, String) -> Error,
) -> Result<(), Error> {
    let kebab = name.split('-').all(|word| {
        !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if !kebab {
        return Err(fail(
            "name",
            format!("`{name}` is not a kebab-case rule name (e.g. `story-data-size`)"),
        ));
    }
    if page.is_none() || quote.is_none() {
        let missing = if page.is_none() { "page" } else { "quote" };
        return Err(fail(
            "",
            format!(
                "rule `{name}` has no `{missing}`: a named rule names the doc page and quotes its sentence"
            ),
        ));
    }
    if !is_all_of_member(at) {
        return Err(fail(
            "",
            format!(
                "rule `{name}` must be on an `allOf` member (the types never see those), not on a schema of its own"
            ),
        ));
    }
    if let Some(first) = named.get(name) {
        return Err(fail(
            "name",
            format!(
                "`{name}` already names the rule at {}",
                sources.place(first)
            ),
        ));
    }
    named.insert(name.to_owned(), at.to_owned());
    Ok(())
}

/// An unnamed rule: no page or quote, inside a named rule.
fn unnamed_rule(
    at: &str,
    rule: &serde_json::Map<String, Value>,
    members: &[String],
    fail: &dyn Fn(&str, String) -> Error,
) -> Result<(), Error> {
    if let Some(key) = ["page", "quote"]
        .into_iter()
        .find(|k| rule.contains_key(*k))
    {
        return Err(fail(
            key,
            format!("`{key}` without a `name`: only a named rule is quoted"),
        ));
    }
    let inside = members
        .iter()
        .any(|member| at.starts_with(&format!("{member}/")));
    if !inside {
        return Err(fail(
            "",
            "an `x-rule` without a `name` must be inside a named rule (an `allOf` member with `x-rule: {name, page, quote}`)".to_owned(),
        ));
    }
    Ok(())
}

/// A rule's `max-bytes` and `max-items-where`, when it has them.
fn rule_bounds(
    rule: &serde_json::Map<String, Value>,
    fail: &dyn Fn(&str, String) -> Error,
) -> Result<(), Error> {
    if let Some(bytes) = rule.get("max-bytes")
        && bytes.as_u64().is_none()
    {
        return Err(fail(
            "max-bytes",
            format!("`max-bytes` must be a whole number of bytes, found {bytes}"),
        ));
    }
    if let Some(counted) = rule.get("max-items-where") {
        let at = "max-items-where";
        let Value::Object(counted) = counted else {
            return Err(fail(
                at,
                "must be a mapping `{property, equals, max}`".to_owned(),
            ));
        };
        if let Some(key) = counted
            .keys()
            .find(|k| !["property", "equals", "max"].contains(&k.as_str()))
        {
            return Err(fail(
                &format!("{at}/{}", escape(key)),
                format!("unknown key `{key}` (it has property, equals and max)"),
            ));
        }
        if !counted.get("property").is_some_and(Value::is_string) {
            return Err(fail(at, "`property` must be a property name".to_owned()));
        }
        if !counted
            .get("equals")
            .is_some_and(|v| v.is_string() || v.is_number() || v.is_boolean())
        {
            return Err(fail(
                at,
                "`equals` must be a string, a number or a boolean".to_owned(),
            ));
        }
        if counted.get("max").and_then(Value::as_u64).is_none() {
            return Err(fail(at, "`max` must be a whole number of items".to_owned()));
        }
    }
    Ok(())
}

pub(crate) fn fault(sources: &Sources, pointer: &str, name: &str, message: String) -> Error {
    Error::Extension {
        at: sources.place(pointer),
        name: name.to_owned(),
        message,
    }
}

fn client_ids(
    document: &Value,
    sources: &Sources,
    problems: &mut Vec<Error>,
) -> Vec<ClientChosenId> {
    let mut found = Vec::new();
    for (route, method, operation) in crate::document::operations(document) {
        let Some(field) = operation.get(CLIENT_CHOSEN_ID) else {
            continue;
        };
        let operation_pointer = format!("/paths/{}/{method}", escape(route));
        let at = format!("{operation_pointer}/{CLIENT_CHOSEN_ID}");
        let fail = |message: String| fault(sources, &at, CLIENT_CHOSEN_ID, message);
        let Some(field) = field.as_str().filter(|f| !f.is_empty()) else {
            problems.push(fail(format!(
                "must name a property of the request body (e.g. `{CLIENT_CHOSEN_ID}: postId`), found {field}"
            )));
            continue;
        };
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let body = operation
            .get("requestBody")
            .map(|body| target(document, body))
            .and_then(|body| body.pointer("/content/application~1json/schema"))
            .map(|schema| target(document, schema));
        let Some(body) = body else {
            problems.push(fail(format!(
                "names `{field}`, but operation {operation_id} has no JSON request body"
            )));
            continue;
        };
        let Some(property) = body
            .get("properties")
            .and_then(|properties| properties.get(field))
            .map(|property| target(document, property))
        else {
            let known: Vec<&str> = body
                .get("properties")
                .and_then(Value::as_object)
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            problems.push(fail(format!(
                "names `{field}`, which is not a property of the request body of {operation_id} (its properties: {})",
                known.join(", ")
            )));
            continue;
        };
        if property.get("type").and_then(Value::as_str) != Some("string") {
            problems.push(fail(format!(
                "names `{field}`, which is not a string: a client-chosen id is a string the client can make up"
            )));
            continue;
        }
        found.push(ClientChosenId {
            operation_id,
            field: field.to_owned(),
            max_length: property.get("maxLength").and_then(Value::as_u64),
        });
    }
    found
}

fn error_codes(document: &Value, sources: &Sources, problems: &mut Vec<Error>) -> Vec<ErrorCode> {
    let mut lists = Vec::new();
    if let Some(Value::Object(schemas)) = document.pointer("/components/schemas") {
        for (schema_name, schema) in schemas {
            let Some(Value::Object(properties)) = schema.get("properties") else {
                continue;
            };
            for (property, value) in properties {
                if let Some(list) = value.get(ERROR_CODES) {
                    let pointer = format!(
                        "/components/schemas/{}/properties/{}/{ERROR_CODES}",
                        escape(schema_name),
                        escape(property)
                    );
                    lists.push((pointer, list));
                }
            }
        }
    }
    let Some((pointer, list)) = lists.first() else {
        return Vec::new();
    };
    for (second, _) in lists.iter().skip(1) {
        problems.push(fault(
            sources,
            second,
            ERROR_CODES,
            format!(
                "a second list of error codes; the first is at {} (one list makes one `ErrorCode`)",
                sources.place(pointer)
            ),
        ));
    }
    let Value::Array(entries) = list else {
        problems.push(fault(
            sources,
            pointer,
            ERROR_CODES,
            "must be a list of `{code, name, description}` entries".to_owned(),
        ));
        return Vec::new();
    };
    let mut codes: Vec<ErrorCode> = Vec::new();
    // Each name and code with the entry that first has it.
    let mut names: BTreeMap<String, (usize, i64)> = BTreeMap::new();
    let mut numbers: BTreeMap<i64, (usize, String)> = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let fail = |key: &str, message: String| {
            let pointer = if key.is_empty() {
                at.clone()
            } else {
                format!("{at}/{key}")
            };
            fault(sources, &pointer, ERROR_CODES, message)
        };
        let Value::Object(entry) = entry else {
            problems.push(fail(
                "",
                "must be a mapping with `code`, `name` and `description`".to_owned(),
            ));
            continue;
        };
        if let Some(key) = entry
            .keys()
            .find(|k| !["code", "name", "description", "status"].contains(&k.as_str()))
        {
            problems.push(fail(
                key,
                format!("unknown key `{key}` (an entry has code, name, description and status)"),
            ));
            continue;
        }
        let Some(code) = entry.get("code").and_then(Value::as_i64) else {
            problems.push(fail("code", "`code` must be an integer".to_owned()));
            continue;
        };
        let Some(name) = entry.get("name").and_then(Value::as_str) else {
            problems.push(fail("name", "`name` must be a string".to_owned()));
            continue;
        };
        let upper_camel = name.starts_with(|c: char| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric());
        if !upper_camel {
            problems.push(fail(
                "name",
                format!(
                    "`{name}` is not an UpperCamelCase Rust name (it becomes an `ErrorCode` variant)"
                ),
            ));
            continue;
        }
        if name == "Unknown" {
            problems.push(fail(
                "name",
                "`Unknown` is reserved: it is the variant that keeps an undocumented code"
                    .to_owned(),
            ));
            continue;
        }
        let Some(description) = entry.get("description").and_then(Value::as_str) else {
            problems.push(fail(
                "description",
                "`description` must be a string".to_owned(),
            ));
            continue;
        };
        let status = match entry.get("status") {
            None => None,
            Some(status) => match status.as_u64().and_then(|s| u16::try_from(s).ok()) {
                Some(status @ 100..=599) => Some(status),
                _ => {
                    problems.push(fail(
                        "status",
                        format!("`status: {status}` is not an HTTP status (100 to 599)"),
                    ));
                    continue;
                }
            },
        };
        if let Some((first, first_code)) = names.get(name) {
            problems.push(fail(
                "name",
                format!("`{name}` is already the name of entry {first} (code {first_code})"),
            ));
            continue;
        }
        if let Some((first, first_name)) = numbers.get(&code) {
            problems.push(fail(
                "code",
                format!("code {code} is already listed as entry {first} (`{first_name}`)"),
            ));
            continue;
        }
        names.insert(name.to_owned(), (index, code));
        numbers.insert(code, (index, name.to_owned()));
        codes.push(ErrorCode {
            code,
            name: name.to_owned(),
            description: description.to_owned(),
            status,
        });
    }
    codes
}

/// `ErrorCode` and the `client_ids` module.
pub(crate) fn generate(facts: &Facts) -> TokenStream {
    let error_code = error_code(&facts.error_codes);
    let client_ids = client_id_table(&facts.client_ids);
    let operations = operation_table(&facts.operations);
    quote! {
        #error_code
        #client_ids
        #operations
    }
}

fn operation_table(operations: &[OperationFacts]) -> TokenStream {
    let entries = operations.iter().map(|op| {
        let id = op.operation_id.as_str();
        let method = crate::validation::snake_case(id);
        let http_method = op.http_method.as_str();
        let retry = match op.retry {
            RetryClass::Idempotent => quote!(RetryClass::Idempotent),
            RetryClass::ClientChosenId => quote!(RetryClass::ClientChosenId),
            RetryClass::NotAfterSend => quote!(RetryClass::NotAfterSend),
        };
        quote! {
            Operation { id: #id, method: #method, http_method: #http_method, retry: #retry },
        }
    });
    quote! {
        /// Every operation of the spec with what the runtime needs to know of
        /// it beyond its types: its HTTP method and its retry class (the
        /// spec's `x-retry`, or the one its method implies).
        pub mod operations {
            /// Whether an operation may be repeated after a failure that may
            /// have reached the service.
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum RetryClass {
                /// Repeating it has the effect of sending it once (GET, PUT,
                /// DELETE: RFC 9110 §9.2.2): retried.
                Idempotent,
                /// Retried only when the request carries the id the caller
                /// chose for what it creates (see `client_ids`): the service
                /// refuses a second create with that id.
                ClientChosenId,
                /// Never repeated once it may have reached the service.
                NotAfterSend,
            }

            /// One operation.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            #[non_exhaustive]
            pub struct Operation {
                id: &'static str,
                method: &'static str,
                http_method: &'static str,
                retry: RetryClass,
            }

            impl Operation {
                /// The operationId, e.g. `getPost`.
                pub const fn id(&self) -> &'static str {
                    self.id
                }

                /// The client method's name, e.g. `get_post`.
                pub const fn method(&self) -> &'static str {
                    self.method
                }

                /// `GET`, `POST`, `PUT`, `DELETE`, ...
                pub const fn http_method(&self) -> &'static str {
                    self.http_method
                }

                /// Its retry class.
                pub const fn retry(&self) -> RetryClass {
                    self.retry
                }
            }

            /// Every operation, sorted by operationId.
            pub const ALL: &[Operation] = &[#(#entries)*];

            /// The operation `operation_id` (the spec's `getPost` or the
            /// method's `get_post`).
            pub fn for_operation(operation_id: &str) -> Option<&'static Operation> {
                ALL.iter()
                    .find(|op| op.id == operation_id || op.method == operation_id)
            }
        }
    }
}

fn error_code(codes: &[ErrorCode]) -> TokenStream {
    let variants = codes.iter().map(|c| {
        let name = format_ident!("{}", c.name);
        let doc = match c.status {
            Some(status) => format!("{}: {} (sent with HTTP {status}).", c.code, c.description),
            None => format!("{}: {}.", c.code, c.description),
        };
        quote! { #[doc = #doc] #name, }
    });
    let names: Vec<_> = codes.iter().map(|c| format_ident!("{}", c.name)).collect();
    let numbers: Vec<_> = codes.iter().map(|c| c.code).collect();
    let descriptions: Vec<_> = codes.iter().map(|c| c.description.as_str()).collect();
    let statuses = codes.iter().map(|c| match c.status {
        Some(status) => quote!(Some(#status)),
        None => quote!(None),
    });
    quote! {
        /// A documented error code of the service (the `code` of an error
        /// body), generated from the spec's `x-error-codes`; a code the spec
        /// does not list is kept as [`ErrorCode::Unknown`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            #(#variants)*
            /// A code the spec does not list, kept as it came.
            Unknown(i64),
        }

        impl ErrorCode {
            /// Every documented code, in the spec's order.
            pub const DOCUMENTED: &'static [ErrorCode] = &[#(ErrorCode::#names),*];

            /// The code for a number the service sent.
            pub fn from_code(code: i64) -> ErrorCode {
                match code {
                    #(#numbers => ErrorCode::#names,)*
                    other => ErrorCode::Unknown(other),
                }
            }

            /// The number the service sends.
            pub fn code(self) -> i64 {
                match self {
                    #(ErrorCode::#names => #numbers,)*
                    ErrorCode::Unknown(code) => code,
                }
            }

            /// What the docs say the code means; `None` for an unknown code.
            pub fn description(self) -> Option<&'static str> {
                match self {
                    #(ErrorCode::#names => Some(#descriptions),)*
                    ErrorCode::Unknown(_) => None,
                }
            }

            /// The HTTP status the docs say the code comes with, where they say.
            pub fn documented_status(self) -> Option<u16> {
                match self {
                    #(ErrorCode::#names => #statuses,)*
                    ErrorCode::Unknown(_) => None,
                }
            }
        }

        impl ::std::fmt::Display for ErrorCode {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self.description() {
                    Some(description) => write!(f, "{} ({})", self.code(), description),
                    None => write!(f, "{} (undocumented)", self.code()),
                }
            }
        }
    }
}

fn client_id_table(ids: &[ClientChosenId]) -> TokenStream {
    let entries = ids.iter().map(|id| {
        let operation = id.operation_id.as_str();
        let method = crate::validation::snake_case(operation);
        let field = id.field.as_str();
        let max_length = match id.max_length {
            Some(max) => {
                let max = max as usize;
                quote!(Some(#max))
            }
            None => quote!(None),
        };
        quote! {
            ClientChosenId { operation: #operation, method: #method, field: #field, max_length: #max_length },
        }
    });
    quote! {
        /// The operations whose request body can carry an id the caller
        /// chooses for what they create (the spec's `x-client-chosen-id`).
        /// The service refuses a second create with the same id (code
        /// 400900), so such a create is safe to retry.
        pub mod client_ids {
            /// One operation's client-chosen id.
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            #[non_exhaustive]
            pub struct ClientChosenId {
                operation: &'static str,
                method: &'static str,
                field: &'static str,
                max_length: Option<usize>,
            }

            impl ClientChosenId {
                /// The operationId, e.g. `createPost`.
                pub const fn operation(&self) -> &'static str {
                    self.operation
                }

                /// The client method's name, e.g. `create_post`.
                pub const fn method(&self) -> &'static str {
                    self.method
                }

                /// The request body property that holds the id, e.g. `postId`.
                pub const fn field(&self) -> &'static str {
                    self.field
                }

                /// The property's documented maximum length, if any.
                pub const fn max_length(&self) -> Option<usize> {
                    self.max_length
                }
            }

            /// Every operation with a client-chosen id, sorted by path.
            pub const ALL: &[ClientChosenId] = &[#(#entries)*];

            /// The client-chosen id of `operation_id` (the spec's `createPost`
            /// or the method's `create_post`), if it has one.
            pub fn for_operation(operation_id: &str) -> Option<&'static ClientChosenId> {
                ALL.iter()
                    .find(|id| id.operation == operation_id || id.method == operation_id)
            }
        }
    }
}
