//! Generates the `validation` module: the spec's constraints on request bodies
//! (`required`, non-nullable fields, `maxLength`/`minLength`, `format:
//! date-time`, `maxItems`/`minItems`, `minimum`/`maximum`, `enum` of scalars,
//! `allOf`/`anyOf`/`oneOf`/`not`, and the documented rules of `x-rule` with
//! their `max-bytes` and `max-items-where`) and path parameters
//! as static tables, one per request schema, and three lookups by operation.
//! The including crate's validation runtime (`crate::validate`, in
//! generated-client `src/validate.rs`) walks a body
//! alongside its table, so that a request breaking any of them is refused,
//! with the field and the limit named, before it is sent; the module's entry
//! points only hand it this spec's tables.
//!
//! The checks run on the JSON a request body encodes to, so they hold whatever
//! Rust types progenitor chose for the fields. Subschemas with nothing to check
//! are left out of the tables, so the interpreter skips those parts of a body.

use std::collections::BTreeSet;

use openapiv3::OpenAPI;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Error;
use crate::document::{SCHEMAS, escape, pointer, resolve, schema_name, target};
use crate::extensions::RULE;
use crate::form::MULTIPART;
use crate::source::Sources;

/// Properties one object schema may have: the interpreter tracks which it has
/// seen in a `u128`.
const MAX_PROPERTIES: usize = 128;

/// The `validation` module for `spec`; `document` is the spec's JSON view
/// ([`crate::Spec::document`]) and `runtime` the path of the including
/// crate's validation runtime.
pub(crate) fn generate(
    spec: &OpenAPI,
    document: &Value,
    sources: &Sources,
    runtime: &syn::Path,
) -> Result<TokenStream, Error> {
    let tables = Tables { document, sources };
    let mut arms = Vec::new();
    let mut statics = Vec::new();
    let mut wanted: Vec<String> = Vec::new();
    let mut path_arms = Vec::new();
    let mut parameter_arms = Vec::new();
    for (route, method, operation) in spec.operations() {
        let Some(operation_id) = operation.operation_id.as_deref() else {
            continue;
        };
        let snake = snake_case(operation_id);
        let others =
            tables.query_and_header_parameters(route, method, &mut wanted, operation_id)?;
        if !others.is_empty() {
            let name = format_ident!("{}_PARAMETERS", screaming(operation_id));
            let doc = format!("The checked query and header parameters of `{operation_id}`.");
            statics.push(quote! {
                #[doc = #doc]
                static #name: Parameters = &[#(#others),*];
            });
            parameter_arms.push(quote! {
                #operation_id | #snake => Some((#operation_id, #name)),
            });
        }
        let parameters = tables.path_parameters(route, method, &mut wanted, operation_id)?;
        if !parameters.is_empty() {
            let name = format_ident!("{}_PATH_PARAMETERS", screaming(operation_id));
            let doc = format!("The checked path parameters of `{operation_id}`.");
            statics.push(quote! {
                #[doc = #doc]
                static #name: PathParameters = &[#(#parameters),*];
            });
            path_arms.push(quote! {
                #operation_id | #snake => Some((#operation_id, #route, #name)),
            });
        }
        let Some(body) = document.pointer(&pointer(&["paths", route, method, "requestBody"]))
        else {
            continue;
        };
        let body = target(document, body);
        // A multipart form's text parts are checked as an object of them;
        // its files have nothing the spec constrains.
        let form = match body.pointer(&format!("/content/{}/schema", escape(MULTIPART))) {
            Some(schema) => {
                let at = pointer(&["paths", route, method, "requestBody"]);
                let resolved = resolve(document, schema, &at);
                crate::form::split(document, resolved.value, &resolved.pointer)
                    .ok()
                    .map(|form| form.text)
            }
            None => None,
        };
        let Some(schema) = form
            .as_ref()
            .or_else(|| body.pointer("/content/application~1json/schema"))
        else {
            continue;
        };
        let target = if schema_name(schema).is_some() {
            tables.sub_schema(schema, &mut wanted, operation_id)?
        } else {
            let name = format_ident!("{}_BODY", screaming(operation_id));
            let table = tables.schema(schema, &mut wanted, operation_id)?;
            let doc = format!(
                "The body of `{operation_id}` ({} {route}).",
                method.to_uppercase()
            );
            statics.push(quote! {
                #[doc = #doc]
                static #name: Schema = #table;
            });
            quote! { &#name }
        };
        arms.push(quote! {
            #operation_id | #snake => Some((#operation_id, #target)),
        });
    }
    let mut done = BTreeSet::new();
    while let Some(name) = wanted.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        let Some(schema) = tables.component(&name) else {
            return Err(Error::UnresolvedRef {
                at: sources.place(""),
                reference: format!("{SCHEMAS}{}", escape(&name)),
                reason: "a request schema refers to it, and it is not defined".to_owned(),
            });
        };
        let ident = schema_static(&name);
        let table = tables.schema(schema, &mut wanted, &name)?;
        let doc = format!("The `{name}` schema.");
        statics.push(quote! {
            #[doc = #doc]
            static #ident: Schema = #table;
        });
    }
    Ok(quote! {
        /// Checks of the spec's documented constraints on request bodies,
        /// generated from `spec/openapi.yaml`: the client runs them before a
        /// request leaves, and refuses the request with every broken
        /// constraint named.
        pub mod validation {
            pub use #runtime::{
                DocumentedRule, Location, Refused, Rule, UncheckableBody, Violation, Violations,
            };
            // A spec without path parameters, object properties or rules uses fewer.
            #[allow(unused_imports)]
            use #runtime::{
                CountedItems, Literal, Parameters, PathParameters, Property, Schema, Tables,
            };
            #[allow(unused_imports)]
            use ::std::borrow::Cow;

            /// Checks `body`, the JSON of a request to `operation_id` (the
            /// spec's `createPost` or progenitor's `create_post`).
            /// Operations without a body, and unknown ids, pass.
            pub fn check_request(
                operation_id: &str,
                body: &::serde_json::Value,
            ) -> ::std::result::Result<(), Violations> {
                #runtime::check_request(tables(), operation_id, body)
            }

            /// [`check_request`] on the encoded body, as the client runs it
            /// before sending: one pass over the bytes that builds nothing,
            /// skipping the parts of the body the spec puts no constraint on.
            /// A body it cannot finish walking (a key twice, nesting too
            /// deep, not JSON) is refused as [`Refused::Uncheckable`].
            pub fn check_request_json(
                operation_id: &str,
                body: &[u8],
            ) -> ::std::result::Result<(), Refused> {
                #runtime::check_request_json(tables(), operation_id, body)
            }

            /// Checks what the client is about to send to `operation_id`:
            /// the path and query parameters in `url` (percent-encoded as
            /// sent), the `headers` the spec constrains, and the encoded
            /// `body`. This is what the client runs before sending.
            pub fn check_request_parts(
                operation_id: &str,
                url: &::reqwest::Url,
                headers: &::http::HeaderMap,
                body: ::std::option::Option<&[u8]>,
            ) -> ::std::result::Result<(), Refused> {
                #runtime::check_request_parts(tables(), operation_id, url, headers, body)
            }

            /// This spec's tables, as the runtime takes them.
            pub(crate) fn tables() -> &'static Tables {
                &Tables { body_schema, path_parameters, parameters }
            }

            /// The query and header parameters of `operation_id` that have
            /// something to check.
            fn parameters(operation_id: &str) -> Option<(&'static str, Parameters)> {
                match operation_id {
                    #(#parameter_arms)*
                    _ => None,
                }
            }

            /// The body schema of `operation_id`, with the spec's name for it.
            fn body_schema(operation_id: &str) -> Option<(&'static str, &'static Schema)> {
                match operation_id {
                    #(#arms)*
                    _ => None,
                }
            }

            /// The path template of `operation_id` and its path parameters
            /// that have something to check.
            fn path_parameters(
                operation_id: &str,
            ) -> Option<(&'static str, &'static str, PathParameters)> {
                match operation_id {
                    #(#path_arms)*
                    _ => None,
                }
            }

            #(#statics)*
        }
    })
}

/// Builds the table expressions for the schemas of one spec document.
struct Tables<'a> {
    document: &'a Value,
    sources: &'a Sources,
}

impl Tables<'_> {
    /// The `(name, table)` of each path parameter of the operation at
    /// `route`/`method` that has something to check (its own or the path
    /// item's; the operation's wins).
    fn path_parameters(
        &self,
        route: &str,
        method: &str,
        wanted: &mut Vec<String>,
        at: &str,
    ) -> Result<Vec<TokenStream>, Error> {
        let item_pointer = format!("/paths/{}", escape(route));
        let mut found: Vec<(String, &Value)> = Vec::new();
        for list in [
            format!("{item_pointer}/parameters"),
            format!("{item_pointer}/{method}/parameters"),
        ] {
            let Some(Value::Array(list)) = self.document.pointer(&list) else {
                continue;
            };
            for parameter in list {
                let parameter = target(self.document, parameter);
                if parameter.get("in").and_then(Value::as_str) != Some("path") {
                    continue;
                }
                let (Some(name), Some(schema)) = (
                    parameter.get("name").and_then(Value::as_str),
                    parameter.get("schema"),
                ) else {
                    continue;
                };
                found.retain(|(other, _)| other != name);
                found.push((name.to_owned(), schema));
            }
        }
        let mut tables = Vec::new();
        for (name, schema) in found {
            if self.checks_anything(schema, &mut BTreeSet::new()) {
                let table = self.sub_schema(schema, wanted, at)?;
                tables.push(quote! { (#name, #table) });
            }
        }
        Ok(tables)
    }

    /// The `(name on the wire, location, table)` of each query and header
    /// parameter of the operation at `route`/`method` that has something to
    /// check (its own or the path item's; the operation's wins). A
    /// `style: deepObject` object gives one entry a property,
    /// `name[property]`, as the client sends it.
    fn query_and_header_parameters(
        &self,
        route: &str,
        method: &str,
        wanted: &mut Vec<String>,
        at: &str,
    ) -> Result<Vec<TokenStream>, Error> {
        let item_pointer = format!("/paths/{}", escape(route));
        let mut found: Vec<(String, &'static str, &Value)> = Vec::new();
        for list in [
            format!("{item_pointer}/parameters"),
            format!("{item_pointer}/{method}/parameters"),
        ] {
            let Some(Value::Array(list)) = self.document.pointer(&list) else {
                continue;
            };
            for parameter in list {
                let parameter = target(self.document, parameter);
                let location = match parameter.get("in").and_then(Value::as_str) {
                    Some("query") => "query",
                    Some("header") => "header",
                    _ => continue,
                };
                let (Some(name), Some(schema)) = (
                    parameter.get("name").and_then(Value::as_str),
                    parameter.get("schema"),
                ) else {
                    continue;
                };
                found.retain(|(other, _, _)| {
                    other != name && !other.starts_with(&format!("{name}["))
                });
                let deep = parameter.get("style").and_then(Value::as_str) == Some("deepObject");
                match target(self.document, schema).get("properties") {
                    Some(Value::Object(properties)) if deep => {
                        for (property, schema) in properties {
                            found.push((format!("{name}[{property}]"), location, schema));
                        }
                    }
                    _ => found.push((name.to_owned(), location, schema)),
                }
            }
        }
        let mut tables = Vec::new();
        for (name, location, schema) in found {
            if self.checks_anything(schema, &mut BTreeSet::new()) {
                let table = self.sub_schema(schema, wanted, at)?;
                let location = match location {
                    "header" => quote!(Location::Header),
                    _ => quote!(Location::QueryParameter),
                };
                tables.push(quote! { (#name, #location, #table) });
            }
        }
        Ok(tables)
    }

    fn component(&self, name: &str) -> Option<&Value> {
        self.document
            .pointer(&format!("/components/schemas/{}", escape(name)))
    }

    /// `schema` as a `Schema { .. }` expression; names of referenced
    /// component schemas go to `wanted`. `at` names the schema in errors.
    fn schema(
        &self,
        schema: &Value,
        wanted: &mut Vec<String>,
        at: &str,
    ) -> Result<TokenStream, Error> {
        if schema_name(schema).is_some() {
            // A component that is another's alias.
            let target = self.sub_schema(schema, wanted, at)?;
            return Ok(quote! { Schema { all_of: &[#target], ..Schema::NONE } });
        }
        // Only the fields that differ from `Schema::NONE` are written.
        let mut fields = Vec::new();
        for (key, field) in [
            ("maxLength", "max_length"),
            ("minLength", "min_length"),
            ("maxItems", "max_items"),
            ("minItems", "min_items"),
        ] {
            if let Some(n) = schema.get(key).and_then(Value::as_u64) {
                let (field, n) = (
                    format_ident!("{field}"),
                    Literal::usize_unsuffixed(n as usize),
                );
                fields.push(quote! { #field: Some(#n) });
            }
        }
        for (key, exclusive, field) in [
            ("minimum", "exclusiveMinimum", "minimum"),
            ("maximum", "exclusiveMaximum", "maximum"),
        ] {
            if let Some(n) = schema.get(key).and_then(Value::as_f64) {
                let exclusive = schema
                    .get(exclusive)
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                let (field, n) = (format_ident!("{field}"), Literal::f64_unsuffixed(n));
                fields.push(quote! { #field: Some((#n, #exclusive)) });
            }
        }
        if schema.get("format").and_then(Value::as_str) == Some("date-time") {
            fields.push(quote! { date_time: true });
        }
        if let Some(values) = scalar_enum(schema) {
            fields.push(quote! { enum_values: &[#(#values),*] });
        }
        if let Some(Value::Object(rule)) = schema.get(RULE) {
            if let Some(max) = rule.get("max-bytes").and_then(Value::as_u64) {
                let max = Literal::usize_unsuffixed(max as usize);
                fields.push(quote! { max_bytes: Some(#max) });
            }
            if let Some(Value::Object(counted)) = rule.get("max-items-where") {
                let property = counted
                    .get("property")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let equals = counted
                    .get("equals")
                    .and_then(literal)
                    .unwrap_or(quote! { Literal::Null });
                let max = Literal::usize_unsuffixed(
                    counted
                        .get("max")
                        .and_then(Value::as_u64)
                        .unwrap_or_default() as usize,
                );
                fields.push(quote! {
                    max_items_where: Some(&CountedItems { property: #property, equals: #equals, max: #max })
                });
            }
            if let Some(name) = rule.get("name").and_then(Value::as_str) {
                let text = |key: &str| {
                    rule.get(key)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                let (page, quote) = (text("page"), text("quote"));
                fields.push(quote! {
                    rule: Some(&DocumentedRule {
                        name: Cow::Borrowed(#name),
                        page: Cow::Borrowed(#page),
                        quote: Cow::Borrowed(#quote),
                    })
                });
            }
        }
        if let Some(items) = schema.get("items")
            && self.checks_anything(items, &mut BTreeSet::new())
        {
            let table = self.sub_schema(items, wanted, at)?;
            fields.push(quote! { items: Some(#table) });
        }
        let required: Vec<&str> = match schema.get("required") {
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let mut properties = Vec::new();
        let mut named = BTreeSet::new();
        if let Some(Value::Object(declared)) = schema.get("properties") {
            for (name, property) in declared {
                let nullable = property.get("nullable").and_then(Value::as_bool) == Some(true);
                let checked = self.checks_anything(property, &mut BTreeSet::new());
                if nullable && !checked && !required.contains(&name.as_str()) {
                    continue;
                }
                let table = if checked {
                    let table = self.sub_schema(property, wanted, at)?;
                    quote! { Some(#table) }
                } else {
                    quote! { None }
                };
                named.insert(name.as_str());
                let is_required = required.contains(&name.as_str());
                properties.push(quote! {
                    Property { name: #name, required: #is_required, nullable: #nullable, schema: #table }
                });
            }
        }
        // A required name with no declared property is still looked for.
        for name in required.iter().filter(|name| !named.contains(*name)) {
            properties.push(quote! {
                Property { name: #name, required: true, nullable: true, schema: None }
            });
        }
        if properties.len() > MAX_PROPERTIES {
            return Err(Error::Generator {
                at: self.sources.place(""),
                message: format!(
                    "schema `{at}`: {} checked properties, more than the {MAX_PROPERTIES} request validation supports",
                    properties.len()
                ),
            });
        }
        if !properties.is_empty() {
            fields.push(quote! { properties: &[#(#properties),*] });
        }
        // Every part of an allOf applies; one alternative of an anyOf, exactly
        // one of a oneOf. Every alternative is written, even one with nothing
        // to check: it is one that holds.
        for (key, field) in [
            ("allOf", "all_of"),
            ("anyOf", "any_of"),
            ("oneOf", "one_of"),
        ] {
            if let Some(Value::Array(parts)) = schema.get(key) {
                let mut tables = Vec::new();
                for part in parts {
                    tables.push(self.sub_schema(part, wanted, at)?);
                }
                let field = format_ident!("{field}");
                fields.push(quote! { #field: &[#(#tables),*] });
            }
        }
        if let Some(not) = schema.get("not") {
            let table = self.sub_schema(not, wanted, at)?;
            fields.push(quote! { not: Some(#table) });
        }
        Ok(quote! { Schema { #(#fields,)* ..Schema::NONE } })
    }

    /// A reference to the table of `schema`: the component's static for a
    /// `$ref`, else an inline table.
    fn sub_schema(
        &self,
        schema: &Value,
        wanted: &mut Vec<String>,
        at: &str,
    ) -> Result<TokenStream, Error> {
        if let Some(name) = schema_name(schema) {
            let ident = schema_static(&name);
            wanted.push(name.into_owned());
            return Ok(quote! { &#ident });
        }
        let table = self.schema(schema, wanted, at)?;
        Ok(quote! { &#table })
    }

    /// Whether checking a value against `schema` can find anything. A cycle
    /// of `$ref`s counts as checking (`visiting` holds the names on the way).
    fn checks_anything(&self, schema: &Value, visiting: &mut BTreeSet<String>) -> bool {
        if let Some(name) = schema_name(schema) {
            if !visiting.insert(name.to_string()) {
                return true;
            }
            let result = self
                .component(&name)
                .is_none_or(|target| self.checks_anything(target, visiting));
            visiting.remove(&*name);
            return result;
        }
        let constrained = [
            "maxLength",
            "minLength",
            "maxItems",
            "minItems",
            "minimum",
            "maximum",
            "anyOf",
            "oneOf",
            "not",
            RULE,
        ]
        .iter()
        .any(|key| schema.get(key).is_some())
            || scalar_enum(schema).is_some()
            || schema.get("format").and_then(Value::as_str) == Some("date-time")
            || schema
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|names| !names.is_empty());
        constrained
            || schema
                .get("items")
                .is_some_and(|items| self.checks_anything(items, visiting))
            || schema
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|properties| {
                    properties.values().any(|property| {
                        property.get("nullable").and_then(Value::as_bool) != Some(true)
                            || self.checks_anything(property, visiting)
                    })
                })
            || schema
                .get("allOf")
                .and_then(Value::as_array)
                .is_some_and(|parts| {
                    parts
                        .iter()
                        .any(|part| self.checks_anything(part, visiting))
                })
    }
}

/// The `enum` of `schema` as `Literal` expressions, when every value is a
/// scalar; an enum with an array or object value is left to the service.
fn scalar_enum(schema: &Value) -> Option<Vec<TokenStream>> {
    let Some(Value::Array(values)) = schema.get("enum") else {
        return None;
    };
    values.iter().map(literal).collect()
}

/// A scalar JSON value as a `Literal` expression.
fn literal(value: &Value) -> Option<TokenStream> {
    Some(match value {
        Value::Null => quote! { Literal::Null },
        Value::Bool(b) => quote! { Literal::Bool(#b) },
        Value::Number(n) => {
            let n = Literal::f64_unsuffixed(n.as_f64()?);
            quote! { Literal::Number(#n) }
        }
        Value::String(s) => quote! { Literal::String(#s) },
        Value::Array(_) | Value::Object(_) => return None,
    })
}

fn schema_static(name: &str) -> proc_macro2::Ident {
    format_ident!("{}", screaming(name))
}

/// `CreatePostRequest` → `CREATE_POST_REQUEST`.
fn screaming(name: &str) -> String {
    snake_case(name).to_uppercase()
}

/// `createPost` → `create_post`, `CreatePostRequest` → `create_post_request`,
/// `getURLInfo` → `get_url_info`: progenitor's conversion of an operationId
/// to its method's name (heck's snake case after the same clean-up, `_`
/// before a leading digit, `_` after a keyword), so that every table keyed by
/// method name finds the method progenitor generated. `pipeline.rs` checks
/// that each operation's method exists under this name.
pub(crate) fn snake_case(name: &str) -> String {
    use heck::ToSnakeCase;
    let cleaned = name
        .replace('\'', "")
        .replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-");
    let mut out = cleaned.to_snake_case();
    match out.chars().next() {
        None => out = "x".to_owned(),
        Some(c) if !(c.is_alphabetic() || c == '_') => out.insert(0, '_'),
        Some(_) => {}
    }
    if syn::parse_str::<syn::Ident>(&out).is_err() {
        out.push('_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::snake_case;

    #[test]
    fn operation_ids_become_progenitors_method_names() {
        for (id, method) in [
            ("createPost", "create_post"),
            ("getURLInfo", "get_url_info"),
            ("createURLThing", "create_url_thing"),
            ("CreatePostRequest", "create_post_request"),
            ("x-api-key", "x_api_key"),
            ("options[limit]", "options_limit"),
            ("type", "type_"),
            ("2fa", "_2fa"),
        ] {
            assert_eq!(snake_case(id), method, "{id}");
        }
    }
}
