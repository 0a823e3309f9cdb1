//! Component schemas as generated types, what no operation reaches, and the
//! document's own metadata.

use codegen::document::{escape, reachable};
use serde_json::Value;

use super::{At, EMPTY, Scope, Walk, union_keys};
use crate::diff::change::Kind;
use crate::diff::rules::{Side, UNREACHED_SCHEMA_SIDE};

impl<'a> Walk<'a> {
    /// Component schemas added or removed (each is a generated type), changes
    /// inside component schemas no operation reaches, and other components that
    /// changed unseen by the operations' walk.
    pub(super) fn components(&mut self) {
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
                    &At::new(None, Side::Neither, format!("components.schemas.{name}")),
                    Kind::SchemaRemoved,
                    format!(
                        "component schema `{name}` removed: its generated type disappears from the client"
                    ),
                );
            }
        }
        for name in new_schemas.keys() {
            if !base_schemas.contains_key(name) {
                self.push_at(
                    &At::new(None, Side::Neither, format!("components.schemas.{name}")),
                    Kind::SchemaAdded,
                    format!("component schema `{name}` added: a new generated type"),
                );
            }
        }
        let mut reached = reachable(self.base, ["/paths"]);
        reached.extend(reachable(self.new, ["/paths"]));
        // Unreached schemas still become types in the client, judged on
        // `UNREACHED_SCHEMA_SIDE`.
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
                side: UNREACHED_SCHEMA_SIDE,
                root: format!("components.schemas.{name}"),
                separator: " ",
            };
            self.schema(&scope, "", (base_schema, &pointer), (new_schema, &pointer));
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
                    &At::new(None, Side::Neither, format!("components.{kind}.{name}")),
                    Kind::MetadataChanged,
                    format!("`components.{kind}.{name}` changed; no operation refers to it"),
                );
            }
        }
    }

    /// Top-level keys other than `paths` and `components` (info, servers, ...).
    pub(super) fn document_metadata(&mut self) {
        for key in union_keys(self.base, self.new) {
            if key == "paths" || key == "components" {
                continue;
            }
            if self.base.get(key) != self.new.get(key) {
                self.push_at(
                    &At::new(None, Side::Neither, key.to_owned()),
                    Kind::MetadataChanged,
                    format!("`{key}` changed"),
                );
            }
        }
    }
}
