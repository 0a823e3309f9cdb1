//! The walk: pairs the operations of two documents and compares, side by side,
//! what a user of the generated client sees of each: parameters, request body,
//! responses, and every schema they reach through `$ref`s.
//!
//! Both documents come in as `codegen::Spec::document`, the JSON view the spec
//! was checked on, so every `$ref` is local and known to resolve; the walk
//! follows them with `codegen::document`.
//!
//! The walk only finds changes: each is pushed with its kind, its side and,
//! where the policy distinguishes it, a condition (a required field, a named
//! type); its severity comes from the table in `rules.rs`.
//!
//! The `allOf` members that state documented rules (a named `x-rule`) are
//! paired by name and compared by what they accept (`rule_members.rs`); the
//! rest of a schema is compared by what it does to the generated types.
//!
//! A component schema reached from several places is compared once per
//! operation and side (request or response), at the first place the walk
//! reaches it (properties in name order). Each `(base node, new node)`
//! pair is visited at most once per operation and side, which also ends `$ref`
//! cycles.

mod bodies;
mod components;
mod operations;
mod parameters;
mod rule_members;
mod schemas;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use codegen::CLIENT_CHOSEN_ID;
use serde_json::{Map, Value};

use super::change::{Change, Kind};
use super::rules::{self, Found, Side};

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

    /// Whether messages speak of a request (unreached schemas are judged,
    /// and described, as requests).
    fn request(&self) -> bool {
        self.side == Side::Request
    }

    /// `request` or `response`, for messages.
    fn side_name(&self) -> &'static str {
        side_name(self.side)
    }
}

/// `request` or `response`, for messages.
fn side_name(side: Side) -> &'static str {
    match side {
        Side::Request | Side::Neither => "request",
        Side::Response => "response",
    }
}

/// Where a change outside a schema walk stands.
struct At<'s> {
    operation: Option<&'s str>,
    side: Side,
    location: String,
}

impl<'s> At<'s> {
    fn new(operation: Option<&'s str>, side: Side, location: String) -> At<'s> {
        At {
            operation,
            side,
            location,
        }
    }
}

/// Visited `(operation, side, base pointer, new pointer)` pairs.
type VisitKey = (Option<String>, Side, String, String);

struct Walk<'a> {
    base: &'a Value,
    new: &'a Value,
    visited: BTreeSet<VisitKey>,
    changes: Vec<Change>,
}

impl Walk<'_> {
    /// Descriptions and every key not in `handled`, compared as metadata.
    fn metadata(&mut self, at: &At<'_>, base: &Value, new: &Value, handled: &[&str]) {
        for key in union_keys(base, new) {
            if handled.contains(&key) {
                continue;
            }
            let (b, n) = (base.get(key), new.get(key));
            if b == n {
                continue;
            }
            if key == CLIENT_CHOSEN_ID {
                self.client_chosen_id(at, b, n);
                continue;
            }
            if key == codegen::RETRY {
                let class = |value: Option<&Value>| {
                    value
                        .and_then(Value::as_str)
                        .map_or_else(|| "implied by the method".to_owned(), |v| format!("`{v}`"))
                };
                self.push_at(
                    at,
                    Kind::RetryClassChanged,
                    format!(
                        "the retry class is now {} (was {}): retries after a failure that may have reached the service follow it",
                        class(n),
                        class(b)
                    ),
                );
                continue;
            }
            if key == codegen::PAGINATION {
                let (kind, text) = match (b, n) {
                    (None, Some(_)) => (
                        Kind::PaginationAdded,
                        "pages: its builder gains `into_pages()` and `into_items()`".to_owned(),
                    ),
                    (Some(_), None) => (
                        Kind::PaginationRemoved,
                        "no longer pages: `into_pages()` and `into_items()` leave its builder"
                            .to_owned(),
                    ),
                    _ => (
                        Kind::PaginationChanged,
                        format!(
                            "`{}` is now {} (was {})",
                            codegen::PAGINATION,
                            n.map(Value::to_string).unwrap_or_default(),
                            b.map(Value::to_string).unwrap_or_default()
                        ),
                    ),
                };
                self.push_at(at, kind, text);
                continue;
            }
            let kind = match key {
                "description" | "summary" => Kind::DescriptionChanged,
                _ => Kind::MetadataChanged,
            };
            self.push_at(at, kind, format!("`{key}` changed"));
        }
    }

    /// `x-client-chosen-id` of an operation: which failures are retried.
    fn client_chosen_id(&mut self, at: &At<'_>, base: Option<&Value>, new: Option<&Value>) {
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
        self.push_at(at, Kind::ClientChosenIdChanged, message);
    }

    /// A change found in a schema walk, at `path` below the scope's root.
    fn push(&mut self, scope: &Scope<'_>, path: &str, found: impl Into<Found>, message: String) {
        let at = At::new(scope.operation, scope.side, scope.location(path));
        self.push_at(&at, found, message);
    }

    /// A change, judged by [`rules::severity`].
    fn push_at(&mut self, at: &At<'_>, found: impl Into<Found>, message: String) {
        let found = found.into();
        self.changes.push(Change {
            operation: at.operation.map(str::to_owned),
            location: at.location.clone(),
            kind: found.kind,
            severity: rules::severity(found, at.side),
            message,
        });
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
