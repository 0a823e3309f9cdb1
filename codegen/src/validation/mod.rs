//! Generates the `validation` module: one check function per request schema,
//! written from the spec's constraints (`required`, `maxLength`/`minLength`,
//! `maxItems`/`minItems`, `minimum`/`maximum`), so that a body breaking any of
//! them is refused, with the field and the limit named, before it is sent.
//!
//! The checks run on the JSON a request body encodes to, so they hold whatever
//! Rust types progenitor chose for the fields.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Error;

/// The fixed part of the module: report types, JSON views, check helpers.
const RUNTIME: &str = include_str!("runtime.rs");

/// The `validation` module for `spec`.
pub(crate) fn generate(spec: &OpenAPI, file: &str) -> Result<TokenStream, Error> {
    let document = serde_json::to_value(spec).map_err(|e| Error::Generator {
        file: file.to_owned(),
        message: e.to_string(),
    })?;
    let mut arms = Vec::new();
    let mut functions = Vec::new();
    let mut wanted: Vec<String> = Vec::new();
    for (route, method, operation) in spec.operations() {
        let Some(operation_id) = operation.operation_id.as_deref() else {
            continue;
        };
        let Some(body) = &operation.request_body else {
            continue;
        };
        let body = match body {
            openapiv3::ReferenceOr::Item(body) => serde_json::to_value(body).unwrap_or_default(),
            openapiv3::ReferenceOr::Reference { reference } => document
                .pointer(reference.trim_start_matches('#'))
                .cloned()
                .unwrap_or_default(),
        };
        let Some(schema) = body.pointer("/content/application~1json/schema") else {
            continue;
        };
        let function = format_ident!("check_{}_body", snake_case(operation_id));
        let mut checks = schema_checks(schema, &mut wanted);
        if checks.is_empty() {
            checks = quote! { let _ = (value, path, out); };
        }
        let doc = format!(
            "Checks the body of `{operation_id}` ({} {route}).",
            method.to_uppercase()
        );
        functions.push(quote! {
            #[doc = #doc]
            fn #function<N: Node>(value: &N, path: &Path<'_>, out: &mut Vec<Violation>) {
                #checks
            }
        });
        let snake = snake_case(operation_id);
        arms.push(quote! {
            #operation_id | #snake => Some((#operation_id, #function::<N> as Check<N>)),
        });
    }
    let mut done = BTreeSet::new();
    while let Some(name) = wanted.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        let pointer = format!(
            "/components/schemas/{}",
            name.replace('~', "~0").replace('/', "~1")
        );
        let Some(schema) = document.pointer(&pointer) else {
            return Err(Error::UnresolvedRef {
                file: file.to_owned(),
                reference: format!("#/components/schemas/{name}"),
                location: "a request schema".to_owned(),
            });
        };
        let function = schema_function(&name);
        let mut checks = schema_checks(schema, &mut wanted);
        if checks.is_empty() {
            checks = quote! { let _ = (value, path, out); };
        }
        let doc = format!("Checks a `{name}` value (no documented constraint).");
        let doc = if checks.to_string().starts_with("let _") {
            doc
        } else {
            format!("Checks a `{name}` value.")
        };
        functions.push(quote! {
            #[doc = #doc]
            fn #function<N: Node>(value: &N, path: &Path<'_>, out: &mut Vec<Violation>) {
                #checks
            }
        });
    }
    let runtime: TokenStream = RUNTIME.parse().map_err(|e| Error::Generator {
        file: "codegen/src/validation/runtime.rs".to_owned(),
        message: format!("does not lex: {e}"),
    })?;

    Ok(quote! {
        /// Checks of the spec's documented constraints on request bodies,
        /// generated from `spec/openapi.yaml`: the client runs them before a
        /// request leaves, and refuses the request with every broken
        /// constraint named.
        pub mod validation {
            /// The check of `operation_id`'s body, with the spec's name for it.
            fn body_check<N: Node>(operation_id: &str) -> Option<(&'static str, Check<N>)> {
                match operation_id {
                    #(#arms)*
                    _ => None,
                }
            }

            #(#functions)*

            #runtime
        }
    })
}

/// The statements checking `value` (at `path`) against `schema`; names of
/// referenced component schemas go to `wanted`.
fn schema_checks(schema: &Value, wanted: &mut Vec<String>) -> TokenStream {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .trim_start_matches("#/components/schemas/")
            .to_owned();
        let function = schema_function(&name);
        wanted.push(name);
        return quote! { #function(value, path, out); };
    }
    let mut checks = TokenStream::new();
    let usize_of = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_u64)
            .map(|n| Literal::usize_unsuffixed(n as usize))
    };
    let f64_of = |key: &str| {
        schema
            .get(key)
            .and_then(Value::as_f64)
            .map(Literal::f64_unsuffixed)
    };
    let flag = |key: &str| schema.get(key).and_then(Value::as_bool).unwrap_or(false);
    if let Some(max) = usize_of("maxLength") {
        checks.extend(quote! { max_length(value, path, #max, out); });
    }
    if let Some(min) = usize_of("minLength") {
        checks.extend(quote! { min_length(value, path, #min, out); });
    }
    if schema.get("format").and_then(Value::as_str) == Some("date-time") {
        checks.extend(quote! { date_time(value, path, out); });
    }
    if let Some(max) = usize_of("maxItems") {
        checks.extend(quote! { max_items(value, path, #max, out); });
    }
    if let Some(min) = usize_of("minItems") {
        checks.extend(quote! { min_items(value, path, #min, out); });
    }
    if let Some(min) = f64_of("minimum") {
        let exclusive = flag("exclusiveMinimum");
        checks.extend(quote! { minimum(value, path, #min, #exclusive, out); });
    }
    if let Some(max) = f64_of("maximum") {
        let exclusive = flag("exclusiveMaximum");
        checks.extend(quote! { maximum(value, path, #max, #exclusive, out); });
    }
    if let Some(items) = schema.get("items") {
        let item_checks = schema_checks(items, wanted);
        if !item_checks.is_empty() {
            checks.extend(quote! {
                if let Some(items) = value.items() {
                    for (index, value) in items.iter().enumerate() {
                        let path = &Path::Index(path, index);
                        #item_checks
                    }
                }
            });
        }
    }
    let mut object_checks = TokenStream::new();
    if let Some(Value::Array(names)) = schema.get("required") {
        for name in names.iter().filter_map(Value::as_str) {
            object_checks.extend(quote! { required(object, path, #name, out); });
        }
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for (name, property) in properties {
            // A `null` the spec does not allow (serde_json writes NaN and the
            // infinities as `null`).
            if property.get("nullable").and_then(Value::as_bool) != Some(true) {
                object_checks.extend(quote! { not_null(object, path, #name, out); });
            }
            let property_checks = schema_checks(property, wanted);
            if property_checks.is_empty() {
                continue;
            }
            object_checks.extend(quote! {
                if let Some(value) = object.member(#name).filter(|v| !v.is_null()) {
                    let path = &Path::Field(path, #name);
                    #property_checks
                }
            });
        }
    }
    // Every part of an allOf applies; anyOf/oneOf alternatives are left to
    // the service (the spec uses none).
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        for part in parts {
            checks.extend(schema_checks(part, wanted));
        }
    }
    if !object_checks.is_empty() {
        checks.extend(quote! {
            if value.is_object() {
                let object = value;
                #object_checks
            }
        });
    }
    checks
}

fn schema_function(name: &str) -> proc_macro2::Ident {
    format_ident!("check_{}", snake_case(name))
}

/// `createPost` → `create_post`, `CreatePostRequest` → `create_post_request`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit()) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
        previous = Some(c);
    }
    out
}
