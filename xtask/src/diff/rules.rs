//! The classification policy: one table, [`RULES`], from (kind of change,
//! side, condition) to a [`Severity`], each row with the codegen transform or
//! client behaviour that justifies it. The walk (`compare/`) only finds
//! changes and asks [`severity`]; `DIFF-POLICY.md` is this table rendered
//! ([`markdown`]), checked by a test.
//!
//! What the rows rely on (read `codegen/src/transform.rs` and
//! `generated-client/src/decode.rs`):
//! - response side: closed string enums become strings, `required` is dropped
//!   and properties become nullable, so every response field is an `Option`;
//!   answers are decoded by the tolerant decoder, which leaves out (and lists
//!   in `unfit`) a value that does not fit instead of failing; response limits
//!   are never checked;
//! - request side: the generated validation (`codegen/src/validation/`, run by
//!   the client's `pre` hook) checks the original spec's limits (lengths,
//!   item counts, ranges, date-times), required fields, scalar enums and
//!   `allOf`/`anyOf`/`oneOf`/`not` before a request leaves; request enums are
//!   also Rust enums, so a value outside one cannot be built with the types; request bodies are built with struct
//!   builders (`types::X::builder()`), whose conversion fails with "no value
//!   supplied for `x`" when a required field is not set;
//! - both: every component schema is a generated type named after it; every
//!   operation is a client method named after its operationId;
//! - documented rules (`allOf` members carrying a named `x-rule`, see the
//!   header of `spec/openapi.yaml`) are checked by the generated validation
//!   before a request is sent, never on responses, and never change a Rust
//!   type. The diff pairs them by name, not by position; inside a rule a
//!   change is judged by what it does to the set of requests the rule
//!   accepts (`constraint_tightened` / `constraint_loosened`), with the
//!   direction swapped under `not`, and `rule_changed` when it cannot tell.
//!
//! **Adding a field to a generated struct** (the struct-literal decision):
//! request types are built with their builders, response types with a struct
//! literal ending in `..Default::default()` (every response field is an
//! `Option`, so every response type implements `Default`; the README says so
//! under Limitations). Those are the supported ways, and a test
//! (`tests/it/diff.rs`) checks against the committed `generated.rs` that every
//! generated struct has one of them. A struct literal naming every field
//! without `..Default::default()` is not supported: typify's types are not
//! `#[non_exhaustive]`, but a request type with a required field has no
//! `Default`, and holding every literal stable would make any new field
//! breaking. So a field added is non-breaking unless a request must now set it
//! (a required request field: the builder refuses to build without it).

use super::change::{Kind, Severity};

/// Which way the data of a change flows. Unreached component schemas have no
/// side; they are judged as [`UNREACHED_SCHEMA_SIDE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Side {
    /// Parameters and request bodies: what the caller builds and sends.
    Request,
    /// Responses: what the client decodes.
    Response,
    /// Neither: operations, component schemas as a whole, document metadata.
    Neither,
}

/// The side a component schema no operation reaches is judged on: it is still
/// a generated type, and with no side to go by the stricter request rules
/// apply.
pub const UNREACHED_SCHEMA_SIDE: Side = Side::Request;

/// The sides a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// Only [`Side::Request`].
    Request,
    /// Only [`Side::Response`].
    Response,
    /// Only [`Side::Neither`].
    Neither,
    /// Any side: the severity does not depend on it.
    Any,
}

impl On {
    fn matches(self, side: Side) -> bool {
        matches!(
            (self, side),
            (On::Any, _)
                | (On::Request, Side::Request)
                | (On::Response, Side::Response)
                | (On::Neither, Side::Neither)
        )
    }

    fn as_str(self) -> &'static str {
        match self {
            On::Request => "request",
            On::Response => "response",
            On::Neither => "neither",
            On::Any => "any",
        }
    }
}

/// What, besides kind and side, a rule depends on: a value of the change the
/// walk reads, not a choice it makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Nothing else.
    Always,
    /// The added parameter, body or field is required.
    Required,
    /// The added parameter, body or field is optional.
    Optional,
    /// A `$ref` change where either side is a named type (an object, an enum,
    /// a composition): `types::A` becomes `types::B`.
    NamedType,
    /// A `$ref` change between plain values (a string, a number, ...), which
    /// have no generated type of their own.
    PlainValue,
}

impl Condition {
    /// [`Condition::Required`] or [`Condition::Optional`].
    pub fn required(required: bool) -> Condition {
        if required {
            Condition::Required
        } else {
            Condition::Optional
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Condition::Always => "",
            Condition::Required => "required",
            Condition::Optional => "optional",
            Condition::NamedType => "named type",
            Condition::PlainValue => "plain value",
        }
    }
}

/// What the walk found: a kind and, where the table distinguishes it, a
/// condition. A bare [`Kind`] converts with [`Condition::Always`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// The kind of change.
    pub kind: Kind,
    /// The condition the table looks up beside it.
    pub condition: Condition,
}

impl From<Kind> for Found {
    fn from(kind: Kind) -> Found {
        Found {
            kind,
            condition: Condition::Always,
        }
    }
}

impl Kind {
    /// This kind, found under `condition`.
    pub fn when(self, condition: Condition) -> Found {
        Found {
            kind: self,
            condition,
        }
    }
}

/// One row of the policy.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The kind of change.
    pub kind: Kind,
    /// Where it applies.
    pub on: On,
    /// What else it depends on.
    pub condition: Condition,
    /// The verdict.
    pub severity: Severity,
    /// Why, naming the transform or client behaviour.
    pub why: &'static str,
}

const fn rule(
    kind: Kind,
    on: On,
    condition: Condition,
    severity: Severity,
    why: &'static str,
) -> Rule {
    Rule {
        kind,
        on,
        condition,
        severity,
        why,
    }
}

use Condition::{Always, NamedType, Optional, PlainValue, Required};
use Severity::{Breaking, Info, NonBreaking};

/// The policy. At most one row matches a (kind, side, condition); a
/// combination with no row is judged breaking, like `unclassified_change`
/// (a test checks that every kind has rows and no two rows overlap).
#[rustfmt::skip]
pub static RULES: &[Rule] = &[
    // Operations: one client method each, named after the operationId.
    rule(Kind::OperationAdded, On::Neither, Always, NonBreaking,
        "a new client method; existing calls are untouched"),
    rule(Kind::OperationRemoved, On::Neither, Always, Breaking,
        "its client method disappears"),
    rule(Kind::OperationIdChanged, On::Neither, Always, Breaking,
        "progenitor names the client method after the operationId: it is renamed"),
    rule(Kind::OperationRouteChanged, On::Neither, Always, Breaking,
        "a client built before calls an address the service no longer serves"),
    rule(Kind::ClientChosenIdChanged, On::Any, Always, NonBreaking,
        "no signature changes; only which failures the retry policy repeats (the generated `client_ids` table)"),
    rule(Kind::RetryClassChanged, On::Any, Always, NonBreaking,
        "no signature changes; only which failures the retry policy repeats (the generated `operations` table)"),
    rule(Kind::PaginationAdded, On::Any, Always, NonBreaking,
        "new methods on the operation's builder (`into_pages`, `into_items`); existing calls are untouched"),
    rule(Kind::PaginationRemoved, On::Any, Always, Breaking,
        "`into_pages` and `into_items` disappear from the operation's builder"),
    rule(Kind::PaginationChanged, On::Any, Always, Breaking,
        "the streams' item type or the token they read or send changes; code using them may not compile, or pages differently"),
    // Parameters: setters on the operation builder.
    rule(Kind::ParameterAdded, On::Request, Required, Breaking,
        "progenitor's operation builder refuses to send without a required parameter"),
    rule(Kind::ParameterAdded, On::Request, Optional, NonBreaking,
        "a new optional setter on the operation builder"),
    rule(Kind::ParameterRemoved, On::Request, Always, Breaking,
        "its setter on the operation builder disappears"),
    rule(Kind::ParameterBecameRequired, On::Request, Always, Breaking,
        "progenitor's operation builder refuses to send without a required parameter"),
    rule(Kind::ParameterBecameOptional, On::Request, Always, NonBreaking,
        "calls that set it still compile and send it"),
    // Request bodies: `.body(...)` on the operation builder.
    rule(Kind::RequestBodyAdded, On::Request, Required, Breaking,
        "progenitor's operation builder refuses to send without a required body"),
    rule(Kind::RequestBodyAdded, On::Request, Optional, NonBreaking,
        "a new optional `.body(...)` setter"),
    rule(Kind::RequestBodyRemoved, On::Request, Always, Breaking,
        "the `.body(...)` setter disappears"),
    rule(Kind::RequestBodyBecameRequired, On::Request, Always, Breaking,
        "progenitor's operation builder refuses to send without a required body"),
    rule(Kind::RequestBodyBecameOptional, On::Request, Always, NonBreaking,
        "calls that set a body still compile and send it"),
    rule(Kind::MediaTypeAdded, On::Any, Always, NonBreaking,
        "the media type the client already uses is unchanged"),
    rule(Kind::MediaTypeRemoved, On::Any, Always, Breaking,
        "progenitor generates the body for the media type: code that sends or reads it no longer compiles"),
    // Responses.
    rule(Kind::ResponseStatusAdded, On::Response, Always, NonBreaking,
        "the transform adds `2XX`/`4XX`/`5XX` entries, so the typed answer and error bodies decode whatever the status"),
    rule(Kind::ResponseStatusRemoved, On::Response, Always, NonBreaking,
        "no signature changes; should the service still send it, the client reports an unexpected response"),
    // Schemas: the types of fields.
    rule(Kind::FieldAdded, On::Request, Required, Breaking,
        "the request struct builder refuses to build without it (\"no value supplied\")"),
    rule(Kind::FieldAdded, On::Request, Optional, NonBreaking,
        "request types are built with struct builders, which need no new call (a struct literal of a request type is not supported)"),
    rule(Kind::FieldAdded, On::Response, Required, NonBreaking,
        "the transform drops `required` on the response side, and response types are built with `..Default::default()`"),
    rule(Kind::FieldAdded, On::Response, Optional, NonBreaking,
        "a new `Option` field; response types are built with `..Default::default()`"),
    rule(Kind::FieldRemoved, On::Request, Always, Breaking,
        "its builder setter and struct field disappear: code that sets it no longer compiles"),
    rule(Kind::FieldRemoved, On::Response, Always, Breaking,
        "its struct field disappears: code that reads it no longer compiles"),
    rule(Kind::FieldBecameRequired, On::Request, Always, Breaking,
        "the request struct builder refuses to build without it"),
    rule(Kind::FieldBecameRequired, On::Response, Always, NonBreaking,
        "the transform drops `required` on the response side: the field stays an `Option`"),
    rule(Kind::FieldBecameOptional, On::Any, Always, NonBreaking,
        "builder setters take `Option<T>` or `T` alike; response fields are `Option`s already"),
    rule(Kind::TypeChanged, On::Request, Always, Breaking,
        "the field's Rust type changes: code that sets it no longer compiles"),
    rule(Kind::TypeChanged, On::Response, Always, Breaking,
        "the field's Rust type changes: code that reads it no longer compiles, and the tolerant decoder leaves values of the old type out"),
    rule(Kind::FormatChanged, On::Any, Always, Breaking,
        "the format picks the Rust type (`String`, `DateTime`, `i32`, ...): it changes"),
    rule(Kind::NullableChanged, On::Request, Always, Breaking,
        "the field's Rust type changes between `T` and `Option<T>`"),
    rule(Kind::NullableChanged, On::Response, Always, NonBreaking,
        "the transform makes response properties nullable: the client decodes null either way"),
    rule(Kind::SchemaRefChanged, On::Any, NamedType, Breaking,
        "the generated type changes (`types::A` to `types::B`): code that names it must follow"),
    rule(Kind::SchemaRefChanged, On::Any, PlainValue, NonBreaking,
        "plain values have no generated type of their own: the Rust type stays"),
    rule(Kind::EnumAdded, On::Request, Always, Breaking,
        "the field becomes a generated enum type: code that sets a string no longer compiles"),
    rule(Kind::EnumAdded, On::Response, Always, NonBreaking,
        "the transform turns response enums into strings: the field stays a `String`"),
    rule(Kind::EnumRemoved, On::Request, Always, Breaking,
        "the generated enum type is replaced by a `String`"),
    rule(Kind::EnumRemoved, On::Response, Always, NonBreaking,
        "the transform turns response enums into strings: the field stays a `String`"),
    rule(Kind::EnumValueAdded, On::Any, Always, NonBreaking,
        "a new variant (request) or a new string (response); a Rust `match` over a request enum needs a new arm (a known limit)"),
    rule(Kind::EnumValueRemoved, On::Request, Always, Breaking,
        "the variant disappears: code that sends it no longer compiles"),
    rule(Kind::EnumValueRemoved, On::Response, Always, NonBreaking,
        "the transform turns response enums into strings: the client keeps unknown values"),
    rule(Kind::ConstraintTightened, On::Request, Always, Breaking,
        "the generated validation checks request limits before sending: a request that passed may now be refused"),
    rule(Kind::ConstraintTightened, On::Response, Always, NonBreaking,
        "the client does not check response limits"),
    rule(Kind::ConstraintLoosened, On::Any, Always, NonBreaking,
        "every value that passed still passes"),
    // Documented rules: `allOf` members with a named `x-rule`, paired by name.
    rule(Kind::RuleAdded, On::Request, Always, Breaking,
        "the generated validation checks every documented rule before sending: a request that breaks the new one is now refused"),
    rule(Kind::RuleAdded, On::Response, Always, NonBreaking,
        "the client checks documented rules on requests only"),
    rule(Kind::RuleRemoved, On::Any, Always, NonBreaking,
        "the client no longer checks it: every request that passed still passes"),
    rule(Kind::RuleChanged, On::Request, Always, Breaking,
        "the diff cannot tell whether the rule now refuses a request it accepted, so it assumes it may"),
    rule(Kind::RuleChanged, On::Response, Always, NonBreaking,
        "the client checks documented rules on requests only"),
    rule(Kind::ErrorCodeAdded, On::Any, Always, NonBreaking,
        "a new `ErrorCode` variant (the enum is `#[non_exhaustive]`); `from_code` of it was `Unknown` before"),
    rule(Kind::ErrorCodeRemoved, On::Any, Always, Breaking,
        "the `ErrorCode` variant is removed or renamed: code that names it no longer compiles"),
    // Component schemas: one generated type each.
    rule(Kind::SchemaAdded, On::Neither, Always, NonBreaking,
        "a new generated type"),
    rule(Kind::SchemaRemoved, On::Neither, Always, Breaking,
        "its generated type disappears"),
    // Documentation.
    rule(Kind::DefaultChanged, On::Any, Always, Info,
        "no signature changes; a request builder sends the new default where the caller set nothing, which is what the service documents it does with an absent value"),
    rule(Kind::DescriptionChanged, On::Any, Always, Info,
        "doc comments only"),
    rule(Kind::MetadataChanged, On::Any, Always, Info,
        "documentation or metadata only (title, example, tags, servers, an error code's description)"),
    rule(Kind::UnclassifiedChange, On::Any, Always, Breaking,
        "the diff cannot tell what it does to the generated code: review it by hand"),
];

/// The severity of `found` on `side`: the matching row's, or breaking when no
/// row matches.
pub fn severity(found: Found, side: Side) -> Severity {
    rule_for(found, side).map_or(Severity::Breaking, |rule| rule.severity)
}

/// The row that matches `found` on `side`.
pub fn rule_for(found: Found, side: Side) -> Option<&'static Rule> {
    RULES.iter().find(|rule| {
        rule.kind == found.kind && rule.condition == found.condition && rule.on.matches(side)
    })
}

/// The policy as a markdown document: `DIFF-POLICY.md`.
pub fn markdown() -> String {
    let mut out = String::from(
        "# What `cargo xtask diff` calls breaking\n\n\
         Generated from `xtask/src/diff/rules.rs` (`RULES`) by \
         `EXPECTORATE=overwrite cargo test -p xtask diff_policy`; do not edit by hand.\n\n\
         Each change the diff finds has a kind (its stable name in the report), a side \
         (`request`: parameters and request bodies; `response`; `neither`: operations, \
         component schemas, document metadata; `any`: the severity does not depend on it), \
         and sometimes a condition. A component schema no operation reaches is judged on \
         the request side. A combination with no row is breaking.\n\n\
         **Adding a field to a generated struct**: request types are built with their \
         builders (`types::X::builder()`), response types with a struct literal ending in \
         `..Default::default()`; a literal that names every field is not supported. So a \
         field added is breaking only when a request must now set it.\n\n\
         **Documented rules** (`allOf` members carrying a named `x-rule`) are checked \
         by the client before a request is sent, never on responses. They are paired \
         by name (`(rule NAME)` in a location), so a reordered rule is no change and a \
         renamed one is removed and added. Inside a rule a change is judged by the \
         requests the rule accepts: a `max-bytes` or `max-items-where` `max` lowered \
         or added, a name made `required`, an enum value removed or an `anyOf` \
         alternative removed tighten it (`constraint_tightened`), the opposite loosens \
         it (`constraint_loosened`), and under `not` the two swap. A change inside one \
         `anyOf` alternative moves the rule the way it moves the alternative (the \
         rule accepts what any alternative accepts). What the diff cannot order (an \
         alternative, or what stands under a `not`, changed both ways; a `type` or \
         `pattern` changed; `max-items-where` counting other items) is \
         `rule_changed`. `page`, `quote` and descriptions are info.\n\n\
         | Kind | Side | Condition | Severity | Why |\n\
         |---|---|---|---|---|\n",
    );
    for rule in RULES {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            rule.kind.as_str(),
            rule.on.as_str(),
            rule.condition.as_str(),
            rule.severity.as_str(),
            rule.why.replace('|', "\\|"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIDES: [Side; 3] = [Side::Request, Side::Response, Side::Neither];
    const CONDITIONS: [Condition; 5] = [Always, Required, Optional, NamedType, PlainValue];

    #[test]
    fn every_kind_has_a_rule_and_no_two_rules_overlap() {
        for kind in Kind::ALL {
            assert!(
                RULES.iter().any(|rule| rule.kind == kind),
                "`{}` has no row in RULES",
                kind.as_str()
            );
            for side in SIDES {
                for condition in CONDITIONS {
                    let matching = RULES
                        .iter()
                        .filter(|r| {
                            r.kind == kind && r.condition == condition && r.on.matches(side)
                        })
                        .count();
                    assert!(
                        matching <= 1,
                        "{matching} rows match `{}` on {side:?} {condition:?}",
                        kind.as_str()
                    );
                }
            }
        }
    }

    #[test]
    fn conditions_come_in_pairs() {
        // A kind split by a condition has both halves wherever it has one.
        let pairs = [(Required, Optional), (NamedType, PlainValue)];
        for rule in RULES {
            for (a, b) in pairs {
                let other = if rule.condition == a {
                    b
                } else if rule.condition == b {
                    a
                } else {
                    continue;
                };
                assert!(
                    RULES
                        .iter()
                        .any(|r| r.kind == rule.kind && r.on == rule.on && r.condition == other),
                    "`{}` on {} has {:?} but not {other:?}",
                    rule.kind.as_str(),
                    rule.on.as_str(),
                    rule.condition
                );
            }
        }
    }

    #[test]
    fn a_combination_without_a_row_is_breaking() {
        let found = Kind::OperationAdded.into();
        assert!(rule_for(found, Side::Request).is_none());
        assert_eq!(severity(found, Side::Request), Severity::Breaking);
    }
}
