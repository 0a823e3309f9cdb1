//! What the diff reports: one [`Change`] per difference, with a stable [`Kind`]
//! and a [`Severity`] judged for users of the generated Rust client.

use serde::{Serialize, Serializer};

/// One difference between the base spec and the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The operationId the change is reached from (the new one when it was
    /// renamed); `None` for changes no operation reaches (component schemas,
    /// document metadata).
    pub operation: Option<String>,
    /// Where, e.g. `createChannel request .displayName` or
    /// `createPost response .posts[].dataType`: `[]` stands for array items,
    /// `{}` for the values of a map (additionalProperties), `(anyOf[1])` and
    /// `(not)` for a member of a composition, and `(rule NAME)` for the
    /// documented rule (an `allOf` member carrying `x-rule`) named `NAME`,
    /// e.g. `createChannel request (rule channel-video-stream-needs-post)`.
    pub location: String,
    /// What kind of change, a stable identifier.
    pub kind: Kind,
    /// How it affects code that uses the generated client.
    pub severity: Severity,
    /// One line for a person.
    pub message: String,
}

impl Change {
    /// Whether code written against the old generated client may stop
    /// compiling or stop working.
    pub fn breaking(&self) -> bool {
        self.severity == Severity::Breaking
    }
}

/// How a change affects users of the generated client. Ordered as reports list
/// them: breaking first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Existing code may stop compiling or stop working.
    Breaking,
    /// An API change existing code keeps working with.
    NonBreaking,
    /// Documentation or metadata only (descriptions, defaults, examples).
    Info,
}

impl Severity {
    /// `breaking`, `non-breaking` or `info`, as printed and as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::NonBreaking => "non-breaking",
            Severity::Info => "info",
        }
    }
}

impl Serialize for Severity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The kinds of change. Their snake_case names ([`Kind::as_str`]) are a stable
/// interface: scripts may filter on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A new operation (a new client method).
    OperationAdded,
    /// An operation is gone (its client method disappears).
    OperationRemoved,
    /// Same method and path, another operationId (the client method is renamed).
    OperationIdChanged,
    /// Same operationId, another method or path.
    OperationRouteChanged,
    /// A new path or query parameter.
    ParameterAdded,
    /// A parameter is gone.
    ParameterRemoved,
    /// An optional parameter became required.
    ParameterBecameRequired,
    /// A required parameter became optional.
    ParameterBecameOptional,
    /// An operation that took no body now takes one.
    RequestBodyAdded,
    /// An operation no longer takes a body.
    RequestBodyRemoved,
    /// An optional request body became required.
    RequestBodyBecameRequired,
    /// A required request body became optional.
    RequestBodyBecameOptional,
    /// A request or response body gained a media type.
    MediaTypeAdded,
    /// A request or response body lost a media type.
    MediaTypeRemoved,
    /// A response status code was added.
    ResponseStatusAdded,
    /// A response status code was removed.
    ResponseStatusRemoved,
    /// An object gained a property.
    FieldAdded,
    /// An object lost a property.
    FieldRemoved,
    /// An optional property became required.
    FieldBecameRequired,
    /// A required property became optional.
    FieldBecameOptional,
    /// The JSON type changed (or the shape: array items, map values, composition).
    TypeChanged,
    /// The `format` changed (e.g. string to date-time: another Rust type).
    FormatChanged,
    /// `nullable` changed.
    NullableChanged,
    /// The schema is another component (`$ref`), or moved between inline and `$ref`.
    SchemaRefChanged,
    /// A free value became an enum.
    EnumAdded,
    /// An enum became a free value.
    EnumRemoved,
    /// An enum gained a value.
    EnumValueAdded,
    /// An enum lost a value.
    EnumValueRemoved,
    /// A limit was added or made stricter (maxLength lowered, minimum raised, ...).
    ConstraintTightened,
    /// A limit was removed or relaxed.
    ConstraintLoosened,
    /// A documented rule (an `allOf` member carrying a named `x-rule`) was
    /// added: the client checks it before sending a request.
    RuleAdded,
    /// A documented rule is gone (or was renamed: the old name is removed and
    /// the new one added).
    RuleRemoved,
    /// A documented rule kept its name but changed in a way the diff cannot
    /// tell looser from stricter (an `anyOf` alternative replaced, a `type`
    /// changed, `max-items-where` counting other items, ...).
    RuleChanged,
    /// A new component schema (a new generated type).
    SchemaAdded,
    /// A component schema is gone (its generated type disappears).
    SchemaRemoved,
    /// A `default` changed.
    DefaultChanged,
    /// A description or summary changed.
    DescriptionChanged,
    /// Other documentation or metadata changed (title, example, tags, servers, ...).
    MetadataChanged,
    /// An operation's `x-client-chosen-id` was added, removed or renamed: which
    /// failures of it are retried changes.
    ClientChosenIdChanged,
    /// An operation's `x-retry` class changed: which failures of it are
    /// retried changes.
    RetryClassChanged,
    /// An operation's `x-pagination` was added: its builder gains
    /// `into_pages`/`into_items`.
    PaginationAdded,
    /// An operation's `x-pagination` was removed: `into_pages`/`into_items`
    /// disappear from its builder.
    PaginationRemoved,
    /// An operation's `x-pagination` changed (items, next token or token
    /// parameter): the streams read or send another field.
    PaginationChanged,
    /// A code was added to `x-error-codes` (a new `ErrorCode` variant).
    ErrorCodeAdded,
    /// A code left `x-error-codes`, or its variant was renamed.
    ErrorCodeRemoved,
    /// A difference the diff cannot classify; review it by hand.
    UnclassifiedChange,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 46] = [
        Kind::OperationAdded,
        Kind::OperationRemoved,
        Kind::OperationIdChanged,
        Kind::OperationRouteChanged,
        Kind::ParameterAdded,
        Kind::ParameterRemoved,
        Kind::ParameterBecameRequired,
        Kind::ParameterBecameOptional,
        Kind::RequestBodyAdded,
        Kind::RequestBodyRemoved,
        Kind::RequestBodyBecameRequired,
        Kind::RequestBodyBecameOptional,
        Kind::MediaTypeAdded,
        Kind::MediaTypeRemoved,
        Kind::ResponseStatusAdded,
        Kind::ResponseStatusRemoved,
        Kind::FieldAdded,
        Kind::FieldRemoved,
        Kind::FieldBecameRequired,
        Kind::FieldBecameOptional,
        Kind::TypeChanged,
        Kind::FormatChanged,
        Kind::NullableChanged,
        Kind::SchemaRefChanged,
        Kind::EnumAdded,
        Kind::EnumRemoved,
        Kind::EnumValueAdded,
        Kind::EnumValueRemoved,
        Kind::ConstraintTightened,
        Kind::ConstraintLoosened,
        Kind::RuleAdded,
        Kind::RuleRemoved,
        Kind::RuleChanged,
        Kind::SchemaAdded,
        Kind::SchemaRemoved,
        Kind::DefaultChanged,
        Kind::DescriptionChanged,
        Kind::MetadataChanged,
        Kind::ClientChosenIdChanged,
        Kind::RetryClassChanged,
        Kind::PaginationAdded,
        Kind::PaginationRemoved,
        Kind::PaginationChanged,
        Kind::ErrorCodeAdded,
        Kind::ErrorCodeRemoved,
        Kind::UnclassifiedChange,
    ];

    /// The stable snake_case identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::OperationAdded => "operation_added",
            Kind::OperationRemoved => "operation_removed",
            Kind::OperationIdChanged => "operation_id_changed",
            Kind::OperationRouteChanged => "operation_route_changed",
            Kind::ParameterAdded => "parameter_added",
            Kind::ParameterRemoved => "parameter_removed",
            Kind::ParameterBecameRequired => "parameter_became_required",
            Kind::ParameterBecameOptional => "parameter_became_optional",
            Kind::RequestBodyAdded => "request_body_added",
            Kind::RequestBodyRemoved => "request_body_removed",
            Kind::RequestBodyBecameRequired => "request_body_became_required",
            Kind::RequestBodyBecameOptional => "request_body_became_optional",
            Kind::MediaTypeAdded => "media_type_added",
            Kind::MediaTypeRemoved => "media_type_removed",
            Kind::ResponseStatusAdded => "response_status_added",
            Kind::ResponseStatusRemoved => "response_status_removed",
            Kind::FieldAdded => "field_added",
            Kind::FieldRemoved => "field_removed",
            Kind::FieldBecameRequired => "field_became_required",
            Kind::FieldBecameOptional => "field_became_optional",
            Kind::TypeChanged => "type_changed",
            Kind::FormatChanged => "format_changed",
            Kind::NullableChanged => "nullable_changed",
            Kind::SchemaRefChanged => "schema_ref_changed",
            Kind::EnumAdded => "enum_added",
            Kind::EnumRemoved => "enum_removed",
            Kind::EnumValueAdded => "enum_value_added",
            Kind::EnumValueRemoved => "enum_value_removed",
            Kind::ConstraintTightened => "constraint_tightened",
            Kind::ConstraintLoosened => "constraint_loosened",
            Kind::RuleAdded => "rule_added",
            Kind::RuleRemoved => "rule_removed",
            Kind::RuleChanged => "rule_changed",
            Kind::SchemaAdded => "schema_added",
            Kind::SchemaRemoved => "schema_removed",
            Kind::DefaultChanged => "default_changed",
            Kind::DescriptionChanged => "description_changed",
            Kind::MetadataChanged => "metadata_changed",
            Kind::ClientChosenIdChanged => "client_chosen_id_changed",
            Kind::RetryClassChanged => "retry_class_changed",
            Kind::PaginationAdded => "pagination_added",
            Kind::PaginationRemoved => "pagination_removed",
            Kind::PaginationChanged => "pagination_changed",
            Kind::ErrorCodeAdded => "error_code_added",
            Kind::ErrorCodeRemoved => "error_code_removed",
            Kind::UnclassifiedChange => "unclassified_change",
        }
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Every change between two specs, in report order: grouped by operation
/// (alphabetical, changes without an operation last), breaking first, then
/// non-breaking, then info, each in the order the walk found them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The changes, in report order.
    pub changes: Vec<Change>,
}

impl Report {
    /// Puts `changes` in report order and drops exact duplicates.
    pub fn new(changes: Vec<Change>) -> Report {
        let mut unique: Vec<Change> = Vec::with_capacity(changes.len());
        for change in changes {
            if !unique.contains(&change) {
                unique.push(change);
            }
        }
        // Stable: within a group and severity, the walk's order stays.
        unique.sort_by(|a, b| {
            let group = |c: &Change| (c.operation.is_none(), c.operation.clone());
            group(a).cmp(&group(b)).then(a.severity.cmp(&b.severity))
        });
        Report { changes: unique }
    }

    /// Whether any change is breaking.
    pub fn has_breaking(&self) -> bool {
        self.changes.iter().any(Change::breaking)
    }

    /// How many changes have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }

    /// `3 changes: 1 breaking, 1 non-breaking, 1 info`, or `no changes`.
    pub fn summary(&self) -> String {
        let total = self.changes.len();
        if total == 0 {
            return "no changes".to_owned();
        }
        format!(
            "{total} change{}: {} breaking, {} non-breaking, {} info",
            if total == 1 { "" } else { "s" },
            self.count(Severity::Breaking),
            self.count(Severity::NonBreaking),
            self.count(Severity::Info),
        )
    }
}
