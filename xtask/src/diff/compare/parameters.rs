//! Path and query parameters: request side.

use codegen::document::{Resolved, escape, resolve};
use serde_json::Value;

use super::operations::Operation;
use super::{At, Scope, Walk, is_true};
use crate::diff::change::Kind;
use crate::diff::rules::{Condition, Side};

impl<'a> Walk<'a> {
    pub(super) fn parameters(&mut self, base: &Operation<'a>, new: &Operation<'a>) {
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
                    &At::new(Some(id), Side::Request, root),
                    Kind::ParameterRemoved,
                    format!(
                        "{place} parameter `{name}` removed: code that sets it no longer compiles"
                    ),
                );
                continue;
            };
            let required = |p: &Resolved<'_>| is_true(p.value.get("required"));
            match (required(base_parameter), required(new_parameter)) {
                (false, true) => self.push_at(
                    &At::new(Some(id), Side::Request, root.clone()),
                    Kind::ParameterBecameRequired,
                    format!(
                        "{place} parameter `{name}` became required: every call must now set it"
                    ),
                ),
                (true, false) => self.push_at(
                    &At::new(Some(id), Side::Request, root.clone()),
                    Kind::ParameterBecameOptional,
                    format!("{place} parameter `{name}` became optional"),
                ),
                _ => {}
            }
            let handled = ["name", "in", "required", "schema", "content"];
            self.metadata(
                &At::new(Some(id), Side::Request, root.clone()),
                base_parameter.value,
                new_parameter.value,
                &handled,
            );
            if base_parameter.value.get("content") != new_parameter.value.get("content") {
                self.push_at(
                    &At::new(Some(id), Side::Request, root.clone()),
                    Kind::UnclassifiedChange,
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
                (Some(b), Some(n)) => {
                    self.schema(&scope, "", (b, &base_pointer), (n, &new_pointer))
                }
                (None, None) => {}
                _ => self.push(
                    &scope,
                    "",
                    Kind::TypeChanged,
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
            let required = is_true(new_parameter.value.get("required"));
            let message = if required {
                format!("required {place} parameter `{name}` added: every call must now set it")
            } else {
                format!("optional {place} parameter `{name}` added")
            };
            self.push_at(
                &At::new(Some(id), Side::Request, root),
                Kind::ParameterAdded.when(Condition::required(required)),
                message,
            );
        }
    }
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
