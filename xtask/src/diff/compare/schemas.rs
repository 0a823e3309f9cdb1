//! Schemas, side by side: shape, type, format, enums, limits, properties,
//! array items, map values and composition, and `x-error-codes`.

use std::collections::{BTreeMap, BTreeSet};

use codegen::ERROR_CODES;
use codegen::document::{Resolved, escape, resolve};
use serde_json::Value;

use super::rule_members::{X_RULE, plain_all_of};
use super::{EMPTY, Scope, Walk, is_true, list, show, union_keys};
use crate::diff::change::Kind;
use crate::diff::rules::Condition;

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
/// Limits that cannot be ordered: adding one tightens, removing one loosens,
/// replacing one cannot be compared.
const OTHER_LIMITS: [&str; 2] = ["pattern", "multipleOf"];

/// Whether `key` is a limit [`limit_changes`] compares.
pub(super) fn is_limit(key: &str) -> bool {
    UPPER_LIMITS.contains(&key)
        || LOWER_LIMITS.contains(&key)
        || FLAG_LIMITS.contains(&key)
        || OTHER_LIMITS.contains(&key)
}

/// Which way a change moves the set of values a schema accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    /// Fewer values pass (or the same).
    Tighter,
    /// More values pass (or the same).
    Looser,
    /// The diff cannot tell (a `pattern` replaced by another).
    Unknown,
}

/// The limits of `base` and `new` that differ, in a fixed order (upper, lower,
/// boolean, then `pattern` and `multipleOf`), each with its direction and a
/// message.
pub(super) fn limit_changes(base: &Value, new: &Value) -> Vec<(Direction, String)> {
    let mut changes = Vec::new();
    let direction = |tighter: bool| {
        if tighter {
            Direction::Tighter
        } else {
            Direction::Looser
        }
    };
    let number = |v: &Value, key: &str| v.get(key).and_then(Value::as_f64);
    for (keys, upper) in [(UPPER_LIMITS, true), (LOWER_LIMITS, false)] {
        for key in keys {
            let (tighter, message) = match (number(base, key), number(new, key)) {
                (None, None) => continue,
                (Some(b), Some(n)) if b == n => continue,
                (None, Some(n)) => (true, format!("{key} {n} added")),
                (Some(b), None) => (false, format!("{key} {b} removed")),
                (Some(b), Some(n)) => {
                    let change = if n < b { "lowered" } else { "raised" };
                    let tighter = if upper { n < b } else { n > b };
                    (tighter, format!("{key} {change} from {b} to {n}"))
                }
            };
            changes.push((direction(tighter), message));
        }
    }
    for key in FLAG_LIMITS {
        match (is_true(base.get(key)), is_true(new.get(key))) {
            (false, true) => changes.push((Direction::Tighter, format!("{key} set"))),
            (true, false) => changes.push((Direction::Looser, format!("{key} unset"))),
            _ => {}
        }
    }
    for key in OTHER_LIMITS {
        match (base.get(key), new.get(key)) {
            (None, None) => {}
            (Some(b), Some(n)) if b == n => {}
            (None, Some(n)) => {
                changes.push((Direction::Tighter, format!("{key} {} added", show(Some(n)))));
            }
            (Some(b), None) => {
                changes.push((
                    Direction::Looser,
                    format!("{key} {} removed", show(Some(b))),
                ));
            }
            (Some(b), Some(n)) => changes.push((
                Direction::Unknown,
                format!("{key} changed from {} to {}", show(Some(b)), show(Some(n))),
            )),
        }
    }
    changes
}

impl<'a> Walk<'a> {
    pub(super) fn schema(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        (base, base_pointer): (&'a Value, &str),
        (new, new_pointer): (&'a Value, &str),
    ) {
        let base = resolve(self.base, base, base_pointer);
        let new = resolve(self.new, new, new_pointer);
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
        // Documented rules, paired by name whatever the shape does below.
        self.schema_rules(scope, path, &base, &new);

        // The shape: composition and type. When it changed, what lies below
        // cannot be paired; one row says it all.
        let (base_composition, new_composition) = (composition(b), composition(n));
        if base_composition != new_composition {
            self.push(
                scope,
                path,
                Kind::TypeChanged,
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
            self.push(scope, path, Kind::NullableChanged, message);
        }
        self.schema_enum(scope, path, b.get("enum"), n.get("enum"));
        self.schema_limits(scope, path, b, n);
        self.schema_object(scope, path, &base, &new);
        self.schema_array(scope, path, &base, &new);
        self.schema_composition(scope, path, &base, &new, &base_composition);
    }

    pub(super) fn schema_reference(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Resolved<'_>,
        new: &Resolved<'_>,
    ) {
        // A named type changes: what was `types::A` is now `types::B` (or an
        // inline type named after the field). Plain values have no type of
        // their own, so swapping them is harmless.
        // Documented rules (allOf members with an `x-rule`) make no type.
        let named_type = |schema: &Value| {
            schema.get("properties").is_some()
                || schema.get("enum").is_some()
                || plain_all_of(schema).is_some_and(|members| !members.is_empty())
                || schema.get("oneOf").is_some()
                || schema.get("anyOf").is_some()
        };
        let condition = if named_type(base.value) || named_type(new.value) {
            Condition::NamedType
        } else {
            Condition::PlainValue
        };
        let describe = |reference: &Option<String>| match reference {
            Some(pointer) => format!("`#{pointer}`"),
            None => "an inline schema".to_owned(),
        };
        self.push(
            scope,
            path,
            Kind::SchemaRefChanged.when(condition),
            format!(
                "schema changed from {} to {}: code that names the generated type must follow",
                describe(&base.reference),
                describe(&new.reference)
            ),
        );
    }

    pub(super) fn schema_metadata(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Value,
        new: &Value,
    ) {
        for key in union_keys(base, new) {
            let (b, n) = (base.get(key), new.get(key));
            if b == n {
                continue;
            }
            let (kind, message) = match key {
                "description" => (Kind::DescriptionChanged, "description changed".to_owned()),
                "default" => (
                    Kind::DefaultChanged,
                    format!("default changed from {} to {}", show(b), show(n)),
                ),
                ERROR_CODES => {
                    self.error_codes(scope, path, b, n);
                    continue;
                }
                // Only expected inside a documented rule (which `schema_rules`
                // compares), but wherever it stands it may limit a request.
                X_RULE => {
                    self.rule_extension(scope, path, b, n);
                    continue;
                }
                _ if SCHEMA_METADATA_KEYS.contains(&key) || key.starts_with("x-") => {
                    (Kind::MetadataChanged, format!("`{key}` changed"))
                }
                _ if SCHEMA_KEYS.contains(&key) && key != "discriminator" => continue,
                _ => (
                    Kind::UnclassifiedChange,
                    format!("`{key}` changed; the diff cannot classify it: review it by hand"),
                ),
            };
            self.push(scope, path, kind, message);
        }
    }

    /// `x-error-codes`: `ErrorCode`'s variants, one row per code added,
    /// removed or renamed, or whose description or status changed.
    pub(super) fn error_codes(
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
                    format!(
                        "error code {code} is no longer listed: `ErrorCode::{name}` is removed and the code becomes `ErrorCode::Unknown({code})`"
                    ),
                ),
                Some((new_name, _)) if new_name != name => self.push(
                    scope,
                    path,
                    Kind::ErrorCodeRemoved,
                    format!("error code {code}: `ErrorCode::{name}` is renamed `ErrorCode::{new_name}`"),
                ),
                Some((_, new_entry)) if new_entry != entry => self.push(
                    scope,
                    path,
                    Kind::MetadataChanged,
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
                    format!(
                        "error code {code} is new: `ErrorCode::{name}` (`from_code({code})` was `ErrorCode::Unknown({code})`)"
                    ),
                );
            }
        }
    }

    pub(super) fn schema_enum(
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
                self.push(scope, path, Kind::EnumAdded, message);
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
                self.push(scope, path, Kind::EnumRemoved, message);
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
                    self.push(scope, path, Kind::EnumValueRemoved, message);
                }
                for value in new.iter().filter(|v| !base.contains(v)) {
                    self.push(
                        scope,
                        path,
                        Kind::EnumValueAdded,
                        format!("{side} enum value {} added", show(Some(value))),
                    );
                }
            }
        }
    }

    pub(super) fn schema_limits(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Value,
        new: &Value,
    ) {
        for (direction, message) in limit_changes(base, new) {
            match direction {
                Direction::Tighter => self.limit(scope, path, true, message),
                Direction::Looser => self.limit(scope, path, false, message),
                Direction::Unknown => self.limit(
                    scope,
                    path,
                    true,
                    format!("{message} (cannot be compared: treated as stricter)"),
                ),
            }
        }
    }

    pub(super) fn limit(&mut self, scope: &Scope<'_>, path: &str, tighter: bool, message: String) {
        let (kind, consequence) = match (tighter, scope.request()) {
            (true, true) => (
                Kind::ConstraintTightened,
                ": a request that passed the client's checks before may now be refused",
            ),
            (true, false) => (
                Kind::ConstraintTightened,
                " (the client does not check response limits)",
            ),
            (false, _) => (Kind::ConstraintLoosened, ""),
        };
        self.push(scope, path, kind, format!("{message}{consequence}"));
    }

    pub(super) fn schema_object(
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
                    format!("{side} field `{name}` removed: {consequence}"),
                );
                continue;
            };
            let was_required = base_required.contains(name.as_str());
            let is_required = new_required.contains(name.as_str());
            if was_required != is_required {
                let (kind, message) = match (is_required, scope.request()) {
                    (true, true) => (
                        Kind::FieldBecameRequired,
                        format!(
                            "{side} field `{name}` became required: code that builds this request must now set it"
                        ),
                    ),
                    (true, false) => (
                        Kind::FieldBecameRequired,
                        format!(
                            "{side} field `{name}` became required (the client decodes every response field as optional)"
                        ),
                    ),
                    (false, _) => (
                        Kind::FieldBecameOptional,
                        format!("{side} field `{name}` became optional"),
                    ),
                };
                self.push(scope, &field_path, kind, message);
            }
            let base_pointer = format!("{}/properties/{}", base.pointer, escape(name));
            let new_pointer = format!("{}/properties/{}", new.pointer, escape(name));
            self.schema(
                scope,
                &field_path,
                (base_property, &base_pointer),
                (new_property, &new_pointer),
            );
        }
        let mut names: Vec<&String> = new_properties.keys().collect();
        names.sort();
        for name in names {
            if base_properties.contains_key(name) {
                continue;
            }
            let field_path = format!("{path}.{name}");
            let required = new_required.contains(name.as_str());
            let message = match (required, scope.request()) {
                (true, true) => format!(
                    "required {side} field `{name}` added: code that builds this request must now set it"
                ),
                (false, true) => format!("optional {side} field `{name}` added"),
                (_, false) => format!("{side} field `{name}` added"),
            };
            // Whether adding it breaks depends on how the struct is built:
            // the struct-literal decision in `rules.rs`.
            let found = Kind::FieldAdded.when(Condition::required(required));
            self.push(scope, &field_path, found, message);
        }
        self.schema_additional_properties(scope, path, base, new);
    }

    pub(super) fn schema_additional_properties(
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
                    (b, &base_pointer),
                    (n, &new_pointer),
                );
            }
            _ => self.push(
                scope,
                path,
                Kind::TypeChanged,
                format!(
                    "map values changed from {} to {}: the field's Rust type changes",
                    describe_additional(b),
                    describe_additional(n)
                ),
            ),
        }
    }

    pub(super) fn schema_array(
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
                    (b, &base_pointer),
                    (n, &new_pointer),
                );
            }
            _ => self.push(
                scope,
                path,
                Kind::TypeChanged,
                "array items were added or removed: the field's Rust type changes".to_owned(),
            ),
        }
    }

    /// Pairs the members of allOf/oneOf/anyOf by position (their counts are
    /// equal here), and `not`. Documented rules are not allOf members here:
    /// `schema_rules` pairs them by name, and the others keep their order
    /// among themselves.
    pub(super) fn schema_composition(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Resolved<'a>,
        new: &Resolved<'a>,
        shape: &[(&'static str, usize)],
    ) {
        let members = |schema: &'a Value, key: &str| -> Vec<(String, &'a Value)> {
            match key {
                "not" => schema
                    .get(key)
                    .map(|not| ("/not".to_owned(), not))
                    .into_iter()
                    .collect(),
                "allOf" => plain_all_of(schema)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(index, member)| (format!("/allOf/{index}"), member))
                    .collect(),
                _ => schema
                    .get(key)
                    .and_then(Value::as_array)
                    .map(|members| {
                        members
                            .iter()
                            .enumerate()
                            .map(|(index, member)| (format!("/{key}/{index}"), member))
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        };
        for &(key, _) in shape {
            let pairs = members(base.value, key)
                .into_iter()
                .zip(members(new.value, key));
            for (index, ((base_suffix, b), (new_suffix, n))) in pairs.enumerate() {
                // allOf members merge into one type: their fields keep the
                // path. Alternatives are named by position.
                let member_path = match key {
                    "allOf" => path.to_owned(),
                    "not" => format!("{path}(not)"),
                    _ => format!("{path}({key}[{index}])"),
                };
                let base_pointer = format!("{}{base_suffix}", base.pointer);
                let new_pointer = format!("{}{new_suffix}", new.pointer);
                self.schema(scope, &member_path, (b, &base_pointer), (n, &new_pointer));
            }
        }
    }
}

/// Which of allOf/oneOf/anyOf/not a schema uses, with member counts.
/// Documented rules do not count: an allOf of rules only is no allOf.
pub(super) fn composition(schema: &Value) -> Vec<(&'static str, usize)> {
    let mut shape = Vec::new();
    if let Some(members) = plain_all_of(schema).filter(|members| !members.is_empty()) {
        shape.push(("allOf", members.len()));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(members) = schema.get(key).and_then(Value::as_array) {
            shape.push((key, members.len()));
        }
    }
    if schema.get("not").is_some() {
        shape.push(("not", 1));
    }
    shape
}

pub(super) fn describe_composition(shape: &[(&str, usize)]) -> String {
    if shape.is_empty() {
        return "a plain schema".to_owned();
    }
    let parts: Vec<String> = shape
        .iter()
        .map(|(key, count)| format!("{key} of {count}"))
        .collect();
    parts.join(" and ")
}

pub(super) fn describe_additional(value: Option<&Value>) -> &'static str {
    match value {
        None | Some(Value::Bool(true)) => "any value",
        Some(Value::Bool(false)) => "none allowed",
        Some(_) => "a schema",
    }
}
