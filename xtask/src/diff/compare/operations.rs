//! Operations: pairing them (by operationId, then by method and path) and
//! comparing each pair as a whole.

use codegen::document::escape;
use serde_json::Value;

use super::{At, Walk};
use crate::diff::change::Kind;
use crate::diff::rules::Side;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a document.
pub(super) struct Operation<'a> {
    /// The operationId (`METHOD path` when there is none, which
    /// `codegen::Spec::parse` already refuses).
    pub(super) id: String,
    pub(super) method: &'static str,
    pub(super) route: &'a str,
    /// The path item it stands in.
    pub(super) item: &'a Value,
    /// The operation object.
    pub(super) value: &'a Value,
}

impl Operation<'_> {
    /// `POST /api/v4/posts`.
    pub(super) fn place(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.route)
    }

    /// Method and path with path parameter names erased: renaming `{id}` to
    /// `{postId}` does not move an operation.
    pub(super) fn route_key(&self) -> (&'static str, String) {
        (self.method, normalise_route(self.route))
    }

    /// `createPost (POST /api/v4/posts)`: where operation-level rows stand.
    pub(super) fn location(&self) -> String {
        format!("{} ({})", self.id, self.place())
    }

    pub(super) fn pointer(&self) -> String {
        format!("/paths/{}/{}", escape(self.route), self.method)
    }
}

impl<'a> Walk<'a> {
    pub(super) fn operations(&mut self) {
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
                    &At::new(
                        Some(&base_operation.id),
                        Side::Neither,
                        base_operation.location(),
                    ),
                    Kind::OperationRemoved,
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
                    &At::new(
                        Some(&new_operation.id),
                        Side::Neither,
                        new_operation.location(),
                    ),
                    Kind::OperationAdded,
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
                &At::new(Some(id), Side::Neither, new.location()),
                Kind::OperationIdChanged,
                format!(
                    "operationId changed from `{}` to `{id}`: the client method is renamed",
                    base.id
                ),
            );
        }
        if base.route_key() != new.route_key() {
            self.push_at(
                &At::new(Some(id), Side::Neither, new.location()),
                Kind::OperationRouteChanged,
                format!(
                    "moved from {} to {}: clients built before call an address the service no longer serves",
                    base.place(),
                    new.place()
                ),
            );
        }
        let handled = ["operationId", "parameters", "requestBody", "responses"];
        self.metadata(
            &At::new(Some(id), Side::Neither, new.location()),
            base.value,
            new.value,
            &handled,
        );
        self.parameters(base, new);
        self.request_body(base, new);
        self.responses(base, new);
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
