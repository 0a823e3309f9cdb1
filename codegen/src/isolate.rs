//! When progenitor (or typify under it) fails on a document that passed every
//! check, finds the part it fails on by generating parts of the document,
//! bisecting: first the component schemas without any operation, then the
//! operations with every schema. A spec of n operations costs about log2(n)
//! generations, not n.
//!
//! A failure found this way is a shape [`crate::check`] should refuse before
//! generation; the message says so.

use openapiv3::{OpenAPI, PathItem, Paths, ReferenceOr};
use serde_json::Value;

use crate::document::reachable_schemas;

/// The part of a document a generator step fails on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Culprit {
    /// A component schema (with what it refers to) fails alone.
    Schema(String),
    /// An operation fails alone: (path template, method, operationId).
    Operation(String, String, String),
}

/// A generator step run on a document: `Err` when it fails or panics.
pub(crate) type Step<'a> = &'a dyn Fn(&OpenAPI) -> Result<(), String>;

/// The smallest part of `openapi` that `step` fails on, or `None` when no
/// part fails alone (the failure comes from their mix). `document` is the
/// same document as JSON, to follow references in.
pub(crate) fn culprit(openapi: &OpenAPI, document: &Value, step: Step<'_>) -> Option<Culprit> {
    let mut schemas_only = openapi.clone();
    schemas_only.paths = Paths::default();
    if step(&schemas_only).is_err() {
        return failing_schema(openapi, document, step).map(Culprit::Schema);
    }
    let operations: Vec<(String, String)> = openapi
        .operations()
        .map(|(route, method, _)| (route.to_owned(), method.to_owned()))
        .collect();
    let (route, method) = bisect(&operations, &|subset| {
        step(&with_operations(openapi, subset)).is_err()
    })?;
    let id = openapi
        .operations()
        .find(|(r, m, _)| *r == route && *m == method)
        .and_then(|(_, _, operation)| operation.operation_id.clone())
        .unwrap_or_default();
    Some(Culprit::Operation(route, method, id))
}

/// One item of `items` that `fails` alone, found by halving the set that
/// fails: `None` when `fails(items)` is false, or when the failure needs
/// items from both halves.
fn bisect<T: Clone>(items: &[T], fails: &dyn Fn(&[T]) -> bool) -> Option<T> {
    let mut candidates = items.to_vec();
    if candidates.is_empty() || !fails(&candidates) {
        return None;
    }
    while candidates.len() > 1 {
        let (left, right) = candidates.split_at(candidates.len() / 2);
        candidates = if fails(left) {
            left.to_vec()
        } else if fails(right) {
            right.to_vec()
        } else {
            return None;
        };
    }
    candidates.pop()
}

/// `openapi` with only the operations in `keep`, each in its path item with
/// the item's shared parameters.
fn with_operations(openapi: &OpenAPI, keep: &[(String, String)]) -> OpenAPI {
    let mut subset = openapi.clone();
    subset.paths = Paths::default();
    for (route, item) in openapi.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let mut only = PathItem {
            parameters: item.parameters.clone(),
            ..PathItem::default()
        };
        let mut any = false;
        for (method, operation) in item.iter() {
            if !keep.iter().any(|(r, m)| r == route && m == method) {
                continue;
            }
            any = true;
            let slot = match method {
                "get" => &mut only.get,
                "put" => &mut only.put,
                "post" => &mut only.post,
                "delete" => &mut only.delete,
                "options" => &mut only.options,
                "head" => &mut only.head,
                "patch" => &mut only.patch,
                _ => &mut only.trace,
            };
            *slot = Some(operation.clone());
        }
        if any {
            subset
                .paths
                .paths
                .insert(route.clone(), ReferenceOr::Item(only));
        }
    }
    subset
}

/// A schema that fails with the schemas it refers to, while none of the
/// schemas it refers to fails alone.
fn failing_schema(openapi: &OpenAPI, document: &Value, step: Step<'_>) -> Option<String> {
    let components = openapi.components.as_ref()?;
    let closure_of =
        |names: &[String]| reachable_schemas(document, names.iter().cloned().collect());
    let fails = |names: &[String]| {
        let closure = closure_of(names);
        let mut alone = openapi.clone();
        alone.paths = Paths::default();
        if let Some(components) = alone.components.as_mut() {
            components.schemas.retain(|n, _| closure.contains(n));
        }
        step(&alone).is_err()
    };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    let found = bisect(&names, &fails)?;
    // A schema it refers to may be the one at fault: the smallest that fails.
    let mut inner: Vec<String> = closure_of(std::slice::from_ref(&found))
        .into_iter()
        .filter(|n| *n != found)
        .collect();
    inner.sort_by_key(|n| closure_of(std::slice::from_ref(n)).len());
    Some(
        inner
            .into_iter()
            .find(|n| fails(std::slice::from_ref(n)))
            .unwrap_or(found),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bisecting_finds_the_one_failing_item_in_about_log2_steps() {
        let items: Vec<usize> = (0..1000).collect();
        let calls = std::cell::Cell::new(0);
        let found = bisect(&items, &|subset| {
            calls.set(calls.get() + 1);
            subset.contains(&737)
        });
        assert_eq!(found, Some(737));
        // One call for the whole set, at most two per halving.
        assert!(calls.get() <= 1 + 2 * 10, "{} calls", calls.get());
    }

    #[test]
    fn a_failure_that_needs_two_items_is_not_blamed_on_one() {
        let items: Vec<usize> = (0..8).collect();
        let found = bisect(&items, &|subset| subset.contains(&1) && subset.contains(&6));
        assert_eq!(found, None);
        assert_eq!(bisect(&items, &|_| false), None);
    }
}
