//! Documented rules: the `allOf` members that carry a named `x-rule` (see the
//! header of `spec/openapi.yaml`). The generated validation checks each before
//! a request is sent; the Rust types never see them.
//!
//! The rules of a schema are paired by name, apart from its other `allOf`
//! members (which `schemas.rs` pairs by position), so that reordering them is
//! no change and renaming one is a removal and an addition. A pair is compared
//! by what each difference does to the set of requests the rule accepts:
//! fewer ([`Effect::Tighter`], reported as `constraint_tightened`), more
//! ([`Effect::Looser`], `constraint_loosened`), or the diff cannot tell
//! ([`Effect::Unknown`], `rule_changed`). Every construct is monotone in its
//! parts (a property's, the items', an `anyOf` alternative's or an `allOf`
//! member's schema accepting fewer values makes the whole accept fewer or as
//! many), except `not`, under which the two directions swap. An `anyOf`
//! alternative, and the schema under a `not`, is one unit: when what changed
//! in it moves both ways, the way the rule moves cannot be told, and one
//! `rule_changed` row replaces them. So a difference is never called looser
//! when it may tighten. Where two keys interact (`properties` beside an
//! `additionalProperties` that is not `true`), or a value is replaced rather
//! than added to or removed from (a `type`, a `pattern`, `max-items-where`
//! counting other items, alternatives replaced in other numbers), the effect
//! is unknown too.

use std::collections::{BTreeMap, BTreeSet};

use codegen::document::{Resolved, escape, resolve};
use serde_json::Value;

use super::schemas::{Direction, is_limit, limit_changes};
use super::{EMPTY, Scope, Walk, is_true, list, show, union_keys};
use crate::diff::change::Kind;

/// The vendor extension that marks a documented rule.
pub(super) const X_RULE: &str = "x-rule";

/// Schema keys that are documentation only, inside a rule as outside.
const DOCUMENTATION_KEYS: [&str; 7] = [
    "title",
    "example",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
];

/// The name of the documented rule `member` (an `allOf` member) states, if it
/// is one.
pub(super) fn rule_name(member: &Value) -> Option<&str> {
    member.get(X_RULE)?.get("name")?.as_str()
}

/// The `allOf` members of `schema` that are not documented rules, each with
/// its index in `allOf`; `None` when `schema` has no `allOf` list.
pub(super) fn plain_all_of(schema: &Value) -> Option<Vec<(usize, &Value)>> {
    let members = schema.get("allOf")?.as_array()?;
    Some(
        members
            .iter()
            .enumerate()
            .filter(|(_, member)| rule_name(member).is_none())
            .collect(),
    )
}

/// The documented rules among the `allOf` members of `schema`, keyed by name
/// (and, should a name repeat, its occurrence), each with its index in
/// `allOf`, in `allOf` order.
fn named_rules(schema: &Value) -> Vec<((&str, usize), usize, &Value)> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let members = schema.get("allOf").and_then(Value::as_array);
    let mut rules = Vec::new();
    for (index, member) in members.into_iter().flatten().enumerate() {
        if let Some(name) = rule_name(member) {
            let occurrence = seen.entry(name).or_default();
            rules.push(((name, *occurrence), index, member));
            *occurrence += 1;
        }
    }
    rules
}

/// The location segment of the rule `name`: `(rule NAME)`.
fn rule_path(path: &str, name: &str) -> String {
    format!("{path}(rule {name})")
}

/// What a difference inside a rule does to the requests it accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// It accepts fewer (or as many).
    Tighter,
    /// It accepts more (or as many).
    Looser,
    /// The diff cannot tell.
    Unknown,
    /// A description changed.
    Description,
    /// Other documentation changed (`page`, `quote`, `title`, ...).
    Metadata,
}

impl From<Direction> for Effect {
    fn from(direction: Direction) -> Effect {
        match direction {
            Direction::Tighter => Effect::Tighter,
            Direction::Looser => Effect::Looser,
            Direction::Unknown => Effect::Unknown,
        }
    }
}

/// One difference inside a rule, at `path` below the scope's root.
struct Finding {
    path: String,
    /// Already swapped when `under_not`.
    effect: Effect,
    message: String,
    /// Whether the difference stands under a `not` (the message says so).
    under_not: bool,
}

impl Finding {
    /// The message, saying when the difference stands under a `not`.
    fn text(&self) -> String {
        let moves = matches!(
            self.effect,
            Effect::Tighter | Effect::Looser | Effect::Unknown
        );
        if self.under_not && moves {
            format!("{} under `not`", self.message)
        } else {
            self.message.clone()
        }
    }
}

/// Compares the schemas of two rules (or two `x-rule` extensions), collecting
/// [`Finding`]s.
struct RuleDiff<'a> {
    base: &'a Value,
    new: &'a Value,
    /// `(base pointer, new pointer, under not)` being compared, from the
    /// rule down to where the comparison stands: ends `$ref` cycles. (A
    /// schema reached twice, not in a cycle, is compared at each place, so
    /// that each alternative sees what changed in it.)
    open: BTreeSet<(String, String, bool)>,
    findings: Vec<Finding>,
}

impl<'a> RuleDiff<'a> {
    fn new(base: &'a Value, new: &'a Value) -> RuleDiff<'a> {
        RuleDiff {
            base,
            new,
            open: BTreeSet::new(),
            findings: Vec::new(),
        }
    }

    /// Records a finding; under `not` (`negated`) tighter and looser swap.
    fn found(&mut self, path: &str, effect: Effect, message: String, negated: bool) {
        let effect = match (effect, negated) {
            (Effect::Tighter, true) => Effect::Looser,
            (Effect::Looser, true) => Effect::Tighter,
            (effect, _) => effect,
        };
        self.findings.push(Finding {
            path: path.to_owned(),
            effect,
            message,
            under_not: negated,
        });
    }

    /// Runs `compare` on one alternative of a disjunction (an `anyOf`
    /// alternative, or the schema under a `not`, which accepts what fails any
    /// of its keys). When what it found moves the rule both ways, the way the
    /// whole moves cannot be told: those findings become one
    /// [`Effect::Unknown`] at `path`, naming them. Findings that all move one
    /// way stay: each moves the alternative, hence the rule, that way.
    fn alternative(&mut self, path: &str, what: &str, compare: impl FnOnce(&mut Self)) {
        let start = self.findings.len();
        compare(self);
        let found = &self.findings[start..];
        let tighter = found.iter().any(|f| f.effect == Effect::Tighter);
        let looser = found.iter().any(|f| f.effect == Effect::Looser);
        if !(tighter && looser) {
            return;
        }
        let found = self.findings.split_off(start);
        let (moves, documentation): (Vec<Finding>, Vec<Finding>) = found
            .into_iter()
            .partition(|f| matches!(f.effect, Effect::Tighter | Effect::Looser | Effect::Unknown));
        let messages: Vec<String> = moves.iter().map(|f| f.message.clone()).collect();
        self.findings.push(Finding {
            path: path.to_owned(),
            effect: Effect::Unknown,
            message: format!("{what} changed both ways ({})", messages.join("; ")),
            under_not: false,
        });
        self.findings.extend(documentation);
    }

    /// Tighter when `tighter`, looser otherwise.
    fn moved(&mut self, path: &str, tighter: bool, message: String, negated: bool) {
        let effect = if tighter {
            Effect::Tighter
        } else {
            Effect::Looser
        };
        self.found(path, effect, message, negated);
    }

    /// Two schemas inside a rule (or the rule members themselves).
    fn schema(
        &mut self,
        path: &str,
        (base, base_pointer): (&'a Value, &str),
        (new, new_pointer): (&'a Value, &str),
        negated: bool,
    ) {
        let base = resolve(self.base, base, base_pointer);
        let new = resolve(self.new, new, new_pointer);
        if base.reference != new.reference {
            let describe = |reference: &Option<String>| match reference {
                Some(pointer) => format!("`#{pointer}`"),
                None => "an inline schema".to_owned(),
            };
            let message = format!(
                "schema changed from {} to {}",
                describe(&base.reference),
                describe(&new.reference)
            );
            self.found(path, Effect::Unknown, message, negated);
            return;
        }
        let key = (base.pointer.clone(), new.pointer.clone(), negated);
        if !self.open.insert(key.clone()) {
            return;
        }
        self.compare_keys(path, &base, &new, negated);
        self.open.remove(&key);
    }

    /// The keys of two resolved schemas inside a rule.
    fn compare_keys(&mut self, path: &str, base: &Resolved<'a>, new: &Resolved<'a>, negated: bool) {
        let (b, n) = (base.value, new.value);
        let (bp, np) = (base.pointer.as_str(), new.pointer.as_str());
        for (direction, message) in limit_changes(b, n) {
            self.found(path, direction.into(), message, negated);
        }
        for key in union_keys(b, n) {
            let (bv, nv) = (b.get(key), n.get(key));
            // What holds schemas is walked even when equal: a `$ref` below
            // may lead to a schema that changed.
            let holds_schemas = matches!(
                key,
                "properties" | "items" | "additionalProperties" | "anyOf" | "allOf" | "not"
            );
            if bv == nv && !holds_schemas {
                continue;
            }
            match key {
                "$ref" => {}
                _ if is_limit(key) => {}
                "description" => {
                    self.found(
                        path,
                        Effect::Description,
                        "description changed".to_owned(),
                        negated,
                    );
                }
                _ if DOCUMENTATION_KEYS.contains(&key) => {
                    self.found(path, Effect::Metadata, format!("`{key}` changed"), negated);
                }
                X_RULE => self.extension(path, bv, nv, negated),
                _ if key.starts_with("x-") => {
                    self.found(path, Effect::Metadata, format!("`{key}` changed"), negated);
                }
                "type" | "format" => self.replaced(path, key, bv, nv, negated),
                "nullable" => {
                    let (was, is) = (is_true(bv), is_true(nv));
                    if was != is {
                        self.moved(path, was, format!("nullable changed to {is}"), negated);
                    }
                }
                "enum" => self.enumeration(path, bv, nv, negated),
                "required" => self.required(path, bv, nv, negated),
                "properties" => self.properties(path, (b, bp), (n, np), negated),
                "items" => match (bv, nv) {
                    (Some(bi), Some(ni)) => self.schema(
                        &format!("{path}[]"),
                        (bi, &format!("{bp}/items")),
                        (ni, &format!("{np}/items")),
                        negated,
                    ),
                    (None, Some(_)) => {
                        self.moved(path, true, "items limited".to_owned(), negated);
                    }
                    (Some(_), None) => {
                        self.moved(path, false, "items no longer limited".to_owned(), negated);
                    }
                    (None, None) => {}
                },
                "additionalProperties" => {
                    self.additional_properties(path, (bv, bp), (nv, np), negated);
                }
                "anyOf" | "allOf" => self.members(path, key, (bv, bp), (nv, np), negated),
                "not" => match (bv, nv) {
                    (Some(bn), Some(nn)) => {
                        let not_path = format!("{path}(not)");
                        self.alternative(&not_path, "the `not`", |diff| {
                            diff.schema(
                                &not_path,
                                (bn, &format!("{bp}/not")),
                                (nn, &format!("{np}/not")),
                                !negated,
                            );
                        });
                    }
                    (None, Some(_)) => self.moved(path, true, "`not` added".to_owned(), negated),
                    (Some(_), None) => {
                        self.moved(path, false, "`not` removed".to_owned(), negated);
                    }
                    (None, None) => {}
                },
                // oneOf (an alternative that starts to match may make another
                // fail), discriminator, and keys the diff does not know.
                _ => self.found(
                    path,
                    Effect::Unknown,
                    format!("`{key}` changed from {} to {}", show(bv), show(nv)),
                    negated,
                ),
            }
        }
    }

    /// A key whose value is replaced, not ordered: adding it tightens,
    /// removing it loosens, changing it cannot be told.
    fn replaced(
        &mut self,
        path: &str,
        key: &str,
        base: Option<&Value>,
        new: Option<&Value>,
        negated: bool,
    ) {
        match (base, new) {
            (None, Some(n)) => {
                self.moved(
                    path,
                    true,
                    format!("{key} {} added", show(Some(n))),
                    negated,
                );
            }
            (Some(b), None) => {
                let message = format!("{key} {} removed", show(Some(b)));
                self.moved(path, false, message, negated);
            }
            (b, n) => self.found(
                path,
                Effect::Unknown,
                format!("{key} changed from {} to {}", show(b), show(n)),
                negated,
            ),
        }
    }

    fn enumeration(
        &mut self,
        path: &str,
        base: Option<&Value>,
        new: Option<&Value>,
        negated: bool,
    ) {
        match (base.map(Value::as_array), new.map(Value::as_array)) {
            (None, Some(Some(values))) => {
                let message = format!("values limited to {}", list(values));
                self.moved(path, true, message, negated);
            }
            (Some(Some(values)), None) => {
                let message = format!("enum {} removed", list(values));
                self.moved(path, false, message, negated);
            }
            (Some(Some(base)), Some(Some(new))) => {
                for value in base.iter().filter(|v| !new.contains(v)) {
                    let message = format!("enum value {} removed", show(Some(value)));
                    self.moved(path, true, message, negated);
                }
                for value in new.iter().filter(|v| !base.contains(v)) {
                    let message = format!("enum value {} added", show(Some(value)));
                    self.moved(path, false, message, negated);
                }
            }
            _ => self.found(
                path,
                Effect::Unknown,
                format!("enum changed from {} to {}", show(base), show(new)),
                negated,
            ),
        }
    }

    fn required(&mut self, path: &str, base: Option<&Value>, new: Option<&Value>, negated: bool) {
        let names = |value: Option<&Value>| -> Vec<String> {
            value
                .and_then(Value::as_array)
                .map(|names| {
                    names
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (base, new) = (names(base), names(new));
        for name in new.iter().filter(|name| !base.contains(name)) {
            let message = format!("`{name}` now required");
            self.moved(&format!("{path}.{name}"), true, message, negated);
        }
        for name in base.iter().filter(|name| !new.contains(name)) {
            let message = format!("`{name}` no longer required");
            self.moved(&format!("{path}.{name}"), false, message, negated);
        }
    }

    fn properties(
        &mut self,
        path: &str,
        (base, base_pointer): (&'a Value, &str),
        (new, new_pointer): (&'a Value, &str),
        negated: bool,
    ) {
        let properties = |v: &'a Value| v.get("properties").and_then(Value::as_object);
        let base_properties = properties(base).unwrap_or(&EMPTY);
        let new_properties = properties(new).unwrap_or(&EMPTY);
        // Beside an `additionalProperties` that is not `true`, a property
        // added or removed also changes which names that one covers.
        let open = |v: &Value| {
            matches!(
                v.get("additionalProperties"),
                None | Some(Value::Bool(true))
            )
        };
        let independent = open(base) && open(new);
        for name in union_keys_of(base_properties, new_properties) {
            let field_path = format!("{path}.{name}");
            match (base_properties.get(name), new_properties.get(name)) {
                (Some(b), Some(n)) => self.schema(
                    &field_path,
                    (b, &format!("{base_pointer}/properties/{}", escape(name))),
                    (n, &format!("{new_pointer}/properties/{}", escape(name))),
                    negated,
                ),
                (None, Some(_)) if independent => {
                    let message = format!("a condition on `{name}` added");
                    self.moved(&field_path, true, message, negated);
                }
                (Some(_), None) if independent => {
                    let message = format!("the condition on `{name}` removed");
                    self.moved(&field_path, false, message, negated);
                }
                (None, Some(_)) => self.found(
                    &field_path,
                    Effect::Unknown,
                    format!("a condition on `{name}` added beside additionalProperties"),
                    negated,
                ),
                (Some(_), None) => self.found(
                    &field_path,
                    Effect::Unknown,
                    format!("the condition on `{name}` removed beside additionalProperties"),
                    negated,
                ),
                (None, None) => {}
            }
        }
    }

    fn additional_properties(
        &mut self,
        path: &str,
        (base, base_pointer): (Option<&'a Value>, &str),
        (new, new_pointer): (Option<&'a Value>, &str),
        negated: bool,
    ) {
        /// What additionalProperties allows: every value, none, or a schema's.
        enum Allowed<'v> {
            All,
            None,
            Schema(&'v Value),
        }
        let allowed = |value: Option<&'a Value>| match value {
            None | Some(Value::Bool(true)) => Allowed::All,
            Some(Value::Bool(false)) => Allowed::None,
            Some(schema) => Allowed::Schema(schema),
        };
        let message = |tighter: bool| {
            if tighter {
                "additional properties limited".to_owned()
            } else {
                "additional properties less limited".to_owned()
            }
        };
        match (allowed(base), allowed(new)) {
            (Allowed::All, Allowed::All) | (Allowed::None, Allowed::None) => {}
            (Allowed::Schema(b), Allowed::Schema(n)) => self.schema(
                &format!("{path}{{}}"),
                (b, &format!("{base_pointer}/additionalProperties")),
                (n, &format!("{new_pointer}/additionalProperties")),
                negated,
            ),
            (Allowed::All, _) | (Allowed::Schema(_), Allowed::None) => {
                self.moved(path, true, message(true), negated);
            }
            (_, Allowed::All) | (Allowed::None, Allowed::Schema(_)) => {
                self.moved(path, false, message(false), negated);
            }
        }
    }

    /// The members of `anyOf` or `allOf` inside a rule. Members equal on both
    /// sides pair first (a reorder is no change); what is left pairs in order
    /// when both sides have as many, is added or removed when one side has
    /// none left, and is a change the diff cannot tell otherwise.
    fn members(
        &mut self,
        path: &str,
        key: &str,
        (base, base_pointer): (Option<&'a Value>, &str),
        (new, new_pointer): (Option<&'a Value>, &str),
        negated: bool,
    ) {
        let any_of = key == "anyOf";
        let (base_list, new_list) = match (base.map(Value::as_array), new.map(Value::as_array)) {
            (Some(Some(b)), Some(Some(n))) => (b, n),
            // anyOf or allOf as a whole added (it limits) or removed.
            (None, Some(Some(_))) => {
                self.moved(path, true, format!("`{key}` added"), negated);
                return;
            }
            (Some(Some(_)), None) => {
                self.moved(path, false, format!("`{key}` removed"), negated);
                return;
            }
            _ => {
                let message = format!("`{key}` changed from {} to {}", show(base), show(new));
                self.found(path, Effect::Unknown, message, negated);
                return;
            }
        };
        let mut new_left: Vec<usize> = (0..new_list.len()).collect();
        let mut base_left: Vec<usize> = Vec::new();
        let mut pairs: Vec<(usize, usize)> = Vec::new();
        for (index, member) in base_list.iter().enumerate() {
            match new_left.iter().position(|&j| new_list[j] == *member) {
                Some(at) => pairs.push((index, new_left.remove(at))),
                None => base_left.push(index),
            }
        }
        let (noun, added_tightens) = if any_of {
            ("alternative", false)
        } else {
            ("member", true)
        };
        if base_left.len() == new_left.len() {
            pairs.extend(base_left.iter().copied().zip(new_left.iter().copied()));
        } else if base_left.is_empty() {
            for j in &new_left {
                let message = format!("{key} {noun} [{j}] added");
                self.moved(path, added_tightens, message, negated);
            }
        } else if new_left.is_empty() {
            for i in &base_left {
                let message = format!("{key} {noun} [{i}] removed");
                self.moved(path, !added_tightens, message, negated);
            }
        } else {
            let message = format!(
                "{key} {noun}s replaced ({} of {} changed or removed, {} added)",
                base_left.len(),
                base_list.len(),
                new_left.len()
            );
            self.found(path, Effect::Unknown, message, negated);
        }
        pairs.sort_by_key(|&(_, j)| j);
        for (i, j) in pairs {
            let member_path = format!("{path}({key}[{j}])");
            let compare = |diff: &mut Self| {
                diff.schema(
                    &member_path,
                    (&base_list[i], &format!("{base_pointer}/{key}/{i}")),
                    (&new_list[j], &format!("{new_pointer}/{key}/{j}")),
                    negated,
                );
            };
            if any_of {
                self.alternative(&member_path, &format!("anyOf alternative [{j}]"), compare);
            } else {
                compare(self);
            }
        }
    }

    /// Two `x-rule` extensions: a named rule's (`name`, `page`, `quote`,
    /// maybe `max-bytes` and `max-items-where`) or an unnamed one inside a
    /// rule (`max-bytes`, `max-items-where`).
    fn extension(&mut self, path: &str, base: Option<&Value>, new: Option<&Value>, negated: bool) {
        let (base, new) = (base.unwrap_or(&Value::Null), new.unwrap_or(&Value::Null));
        let objects = |v: &Value| v.is_object() || v.is_null();
        if !objects(base) || !objects(new) {
            let message = format!(
                "`{X_RULE}` changed from {} to {}",
                show(Some(base)),
                show(Some(new))
            );
            self.found(path, Effect::Unknown, message, negated);
            return;
        }
        for key in union_keys(base, new) {
            let (b, n) = (base.get(key), new.get(key));
            if b == n {
                continue;
            }
            match key {
                "page" | "quote" => {
                    let message = format!("`{X_RULE}.{key}` changed");
                    self.found(path, Effect::Metadata, message, negated);
                }
                "max-bytes" => self.upper_limit(path, key, b, n, negated),
                "max-items-where" => self.max_items_where(path, b, n, negated),
                // `name` (a rule's name is its identity: an unnamed `x-rule`
                // that gains one, or the reverse) and keys the diff does not
                // know.
                _ => {
                    let message =
                        format!("`{X_RULE}.{key}` changed from {} to {}", show(b), show(n));
                    self.found(path, Effect::Unknown, message, negated);
                }
            }
        }
    }

    /// An upper limit of the extension (`max-bytes`, `max-items-where.max`):
    /// lowering or adding it tightens.
    fn upper_limit(
        &mut self,
        path: &str,
        label: &str,
        base: Option<&Value>,
        new: Option<&Value>,
        negated: bool,
    ) {
        let number = |v: Option<&Value>| v.map(Value::as_f64);
        match (number(base), number(new)) {
            (None, Some(Some(n))) => self.moved(path, true, format!("{label} {n} added"), negated),
            (Some(Some(b)), None) => {
                self.moved(path, false, format!("{label} {b} removed"), negated);
            }
            (Some(Some(b)), Some(Some(n))) if b != n => {
                let change = if n < b { "lowered" } else { "raised" };
                let message = format!("{label} {change} from {b} to {n}");
                self.moved(path, n < b, message, negated);
            }
            (Some(Some(_)), Some(Some(_))) | (None, None) => {}
            _ => {
                let message = format!("{label} changed from {} to {}", show(base), show(new));
                self.found(path, Effect::Unknown, message, negated);
            }
        }
    }

    /// `max-items-where: {property, equals, max}`: at most `max` items whose
    /// `property` equals `equals`.
    fn max_items_where(
        &mut self,
        path: &str,
        base: Option<&Value>,
        new: Option<&Value>,
        negated: bool,
    ) {
        let describe = |v: &Value| {
            format!(
                "at most {} items whose `{}` is {}",
                show(v.get("max")),
                v.get("property").and_then(Value::as_str).unwrap_or("?"),
                show(v.get("equals"))
            )
        };
        match (base, new) {
            (None, Some(n)) => {
                let message = format!("max-items-where added: {}", describe(n));
                self.moved(path, true, message, negated);
            }
            (Some(b), None) => {
                let message = format!("max-items-where removed: {}", describe(b));
                self.moved(path, false, message, negated);
            }
            (Some(b), Some(n)) => {
                let same = |key: &str| b.get(key) == n.get(key);
                let known = |v: &Value| {
                    v.as_object().is_some_and(|o| {
                        o.keys()
                            .all(|k| matches!(k.as_str(), "property" | "equals" | "max"))
                    })
                };
                if same("property") && same("equals") && known(b) && known(n) {
                    let (bm, nm) = (b.get("max"), n.get("max"));
                    self.upper_limit(path, "max-items-where max", bm, nm, negated);
                } else {
                    let message = format!(
                        "max-items-where now counts other items: {} (was {})",
                        describe(n),
                        describe(b)
                    );
                    self.found(path, Effect::Unknown, message, negated);
                }
            }
            (None, None) => {}
        }
    }
}

/// The keys of two JSON maps, base order first, then keys only `new` has.
fn union_keys_of<'m>(
    base: &'m serde_json::Map<String, Value>,
    new: &'m serde_json::Map<String, Value>,
) -> Vec<&'m str> {
    let mut keys: Vec<&str> = base.keys().map(String::as_str).collect();
    keys.extend(
        new.keys()
            .map(String::as_str)
            .filter(|key| !base.contains_key(*key)),
    );
    keys
}

impl<'a> Walk<'a> {
    /// The documented rules of two schemas, paired by name: one row per rule
    /// added or removed, and what changed inside each pair.
    pub(super) fn schema_rules(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: &Resolved<'a>,
        new: &Resolved<'a>,
    ) {
        let base_rules = named_rules(base.value);
        let new_rules = named_rules(new.value);
        for &(key, index, base_rule) in &base_rules {
            let (name, _) = key;
            let rule_path = rule_path(path, name);
            let Some(&(_, new_index, new_rule)) = new_rules.iter().find(|(k, _, _)| *k == key)
            else {
                self.push(
                    scope,
                    &rule_path,
                    Kind::RuleRemoved,
                    format!("documented rule `{name}` removed: the client no longer checks it"),
                );
                continue;
            };
            let mut diff = RuleDiff::new(self.base, self.new);
            diff.schema(
                &rule_path,
                (base_rule, &format!("{}/allOf/{index}", base.pointer)),
                (new_rule, &format!("{}/allOf/{new_index}", new.pointer)),
                false,
            );
            self.rule_findings(scope, diff.findings);
        }
        for &(key, _, new_rule) in &new_rules {
            if base_rules.iter().any(|(k, _, _)| *k == key) {
                continue;
            }
            let (name, _) = key;
            let rule = new_rule.get(X_RULE).unwrap_or(&Value::Null);
            let text = |key: &str| rule.get(key).and_then(Value::as_str).unwrap_or("?");
            let quote = text("quote")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let documented = format!("{}: \"{quote}\"", text("page"));
            let message = if scope.request() {
                format!(
                    "documented rule `{name}` added ({documented}): a request that breaks it is now refused before it is sent"
                )
            } else {
                format!(
                    "documented rule `{name}` added ({documented}); the client checks rules on requests only"
                )
            };
            self.push(scope, &rule_path(path, name), Kind::RuleAdded, message);
        }
    }

    /// An `x-rule` that differs on a schema that is not itself a rule member.
    pub(super) fn rule_extension(
        &mut self,
        scope: &Scope<'_>,
        path: &str,
        base: Option<&Value>,
        new: Option<&Value>,
    ) {
        let mut diff = RuleDiff::new(self.base, self.new);
        diff.extension(path, base, new, false);
        self.rule_findings(scope, diff.findings);
    }

    /// Pushes what a [`RuleDiff`] found.
    fn rule_findings(&mut self, scope: &Scope<'_>, findings: Vec<Finding>) {
        for finding in findings {
            let message = finding.text();
            let Finding { path, effect, .. } = finding;
            match effect {
                Effect::Tighter => self.limit(scope, &path, true, message),
                Effect::Looser => self.limit(scope, &path, false, message),
                Effect::Unknown => {
                    let message = if scope.request() {
                        format!(
                            "{message}: the diff cannot tell whether the rule now refuses a request it accepted"
                        )
                    } else {
                        format!("{message} (the client checks rules on requests only)")
                    };
                    self.push(scope, &path, Kind::RuleChanged, message);
                }
                Effect::Description => self.push(scope, &path, Kind::DescriptionChanged, message),
                Effect::Metadata => self.push(scope, &path, Kind::MetadataChanged, message),
            }
        }
    }
}
