//! Answers decode tolerantly: every type an operation's answer reaches gets a
//! hand-rolled `Deserialize` (through the including crate's `decode` module)
//! instead of serde's derive, and the operations decode through it.
//!
//! serde's derive fails the whole answer when one value does not fit its
//! field's type. Instead, for each struct reachable from an operation's
//! success or error type, this pass:
//! - drops `Deserialize` from the struct's derives;
//! - adds `impl Deserialize` (a call to `decode::deserialize`) and
//!   `impl decode::Object`, one match arm per field, JSON key to field;
//! - for the operations' answer types themselves (the roots), adds an
//!   `unfit` field that keeps the values left out, and `impl decode::Answer`.
//!
//! Each `ResponseValue::from_response(response)` in the operations becomes
//! `decode::response(response, &info)`.
//!
//! The runtime (the `Decode` impls for strings, numbers, arrays, maps, the
//! visitor that takes any JSON value) is hand-written in the including crate;
//! this pass emits only the per-type tables. A field type the runtime does not
//! know, or a reachable type that is not a struct with named fields, is an
//! error naming the type and the field: never code that decodes wrongly.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};

use crate::error::Refusal;
use crate::verify;

/// The field that keeps, in an operation's answer, the values left out.
pub(crate) const UNFIT_FIELD: &str = "unfit";

/// The name typify gives the flattened map of other keys.
const EXTRA: &str = "extra";

/// Applies the pass to `file`; `decode` is the path of the runtime module in
/// the including crate (`crate::decode`). Refuses every answer and every
/// answer type it cannot decode (at most one refusal a type), naming each.
pub(crate) fn apply(
    file: &mut syn::File,
    decode: &syn::Path,
    text_answers: &std::collections::BTreeSet<String>,
) -> Result<(), Vec<Refusal>> {
    // Every operation's answer and error types, read once for the three uses.
    let sends = verify::sends(file);
    let mut refusals = answers_are_objects(&sends);
    let roots = answer_roots(&sends);
    let elements = array_answer_elements(&sends);
    let Some(types) = types_module(file) else {
        return if refusals.is_empty() {
            Ok(())
        } else {
            Err(refusals)
        };
    };
    let reached = reachable(
        types,
        &roots.union(&elements).cloned().collect(),
        &mut refusals,
    );
    let mut impls = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        let name = item.ident.to_string();
        if !reached.contains(&name) {
            continue;
        }
        let is_root = roots.contains(&name);
        let made = tolerant_impls(item, is_root, decode).and_then(|impls| {
            if is_root {
                add_unfit_field(item, decode)?;
            }
            Ok(impls)
        });
        match made {
            Ok(tokens) => impls.push(tokens),
            Err(refusal) => refusals.push(refusal),
        }
        drop_derived_deserialize(item);
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    for tokens in impls {
        let parsed: syn::File = syn::parse2(tokens).map_err(|e| {
            vec![Refusal {
                location: "types".to_owned(),
                reason: format!("unparsable decode impl: {e}"),
            }]
        })?;
        types.extend(parsed.items);
    }
    ResponseDecoding { decode }.visit_file_mut(file);
    ArrayAnswers { decode }.visit_file_mut(file);
    TextAnswers {
        decode,
        operations: text_answers,
    }
    .visit_file_mut(file);
    Ok(())
}

/// The items of `pub mod types`.
fn types_module(file: &mut syn::File) -> Option<&mut Vec<syn::Item>> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "types" => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// The types named as `T` in `ResponseValue<types::T>` and `Error<types::T>`
/// of the operations: what they decode.
fn answer_roots(sends: &[verify::Send]) -> BTreeSet<String> {
    sends
        .iter()
        .flat_map(|send| [&send.success, &send.error])
        .flatten()
        .filter_map(verify::generated_type_name)
        .collect()
}

/// The element types of the answers that are arrays of generated types
/// (`Vec<types::File>` -> `File`): decoded tolerantly like the types an
/// answer holds, while the array itself becomes the runtime's `Items`, which
/// keeps the values left out.
fn array_answer_elements(sends: &[verify::Send]) -> BTreeSet<String> {
    sends
        .iter()
        .flat_map(|send| [&send.success, &send.error])
        .flatten()
        .filter_map(array_element)
        .collect()
}

/// `T` of `Vec<types::T>`.
fn array_element(ty: &syn::Type) -> Option<String> {
    match generic_arguments(ty, "Vec")?.as_slice() {
        [element] => verify::generated_type_name(element),
        _ => None,
    }
}

/// Every operation's JSON answers (success and error) must be generated types:
/// the runtime decodes a JSON object at the root. An array, a string or a map
/// at the root is refused, naming the operation; `()` (no body) and byte
/// streams are not decoded.
fn answers_are_objects(sends: &[verify::Send]) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    for send in sends {
        for answer in [&send.success, &send.error].into_iter().flatten() {
            let empty = matches!(answer, syn::Type::Tuple(t) if t.elems.is_empty());
            let stream = last_ident(answer).is_some_and(|i| i == "ByteStream" || i == "Upgraded");
            if verify::generated_type_name(answer).is_some()
                || array_element(answer).is_some()
                || empty
                || stream
            {
                continue;
            }
            refusals.push(Refusal {
                location: format!("operation {}", send.operation_id),
                reason: format!(
                    "its answer decodes as `{}`, not as an object or an array of objects; \
                     answers are decoded tolerantly, which needs one of those at the root: \
                     describe the body as an object (an envelope holding the value)",
                    answer.to_token_stream().to_string().replace(' ', "")
                ),
            });
        }
    }
    refusals
}

/// Every type in `types` reachable from `roots` through field types; each
/// must be a struct with named fields (every other one is added to `refusals`).
fn reachable(
    types: &[syn::Item],
    roots: &BTreeSet<String>,
    refusals: &mut Vec<Refusal>,
) -> BTreeSet<String> {
    let mut by_name: BTreeMap<String, &syn::Item> = BTreeMap::new();
    for item in types {
        let name = match item {
            syn::Item::Struct(s) => &s.ident,
            syn::Item::Enum(e) => &e.ident,
            syn::Item::Type(t) => &t.ident,
            _ => continue,
        };
        by_name.insert(name.to_string(), item);
    }
    let mut seen = BTreeSet::new();
    let mut queue: Vec<(String, String)> = roots
        .iter()
        .map(|root| (root.clone(), "an operation's answer".to_owned()))
        .collect();
    let mut refused = BTreeSet::new();
    while let Some((name, via)) = queue.pop() {
        if seen.contains(&name) || refused.contains(&name) {
            continue;
        }
        let Some(item) = by_name.get(&name) else {
            continue;
        };
        let fields = match item {
            syn::Item::Struct(syn::ItemStruct {
                fields: syn::Fields::Named(fields),
                ..
            }) => fields,
            other => {
                refused.insert(name.clone());
                refusals.push(Refusal {
                    location: format!("types::{name} (reached from {via})"),
                    reason: format!(
                        "answers are decoded tolerantly, which supports objects with \
                         properties only, and this schema became {}; describe it as an \
                         object, or a string with the known values in its description",
                        item_kind(other)
                    ),
                });
                continue;
            }
        };
        seen.insert(name.clone());
        for field in &fields.named {
            let mut names = TypeNames::default();
            names.visit_type(&field.ty);
            for inner in names.0 {
                if by_name.contains_key(&inner) && !seen.contains(&inner) {
                    queue.push((inner, format!("types::{name}")));
                }
            }
        }
    }
    seen
}

fn item_kind(item: &syn::Item) -> &'static str {
    match item {
        syn::Item::Enum(_) => "an enum (a closed set, oneOf or anyOf)",
        syn::Item::Struct(_) => "a newtype (a constrained string or number)",
        syn::Item::Type(_) => "a type alias",
        _ => "an item that is not a struct",
    }
}

/// The last segment of every path in a type.
#[derive(Default)]
struct TypeNames(BTreeSet<String>);

impl<'ast> Visit<'ast> for TypeNames {
    fn visit_type_path(&mut self, path: &'ast syn::TypePath) {
        if let Some(last) = path.path.segments.last() {
            self.0.insert(last.ident.to_string());
        }
        syn::visit::visit_type_path(self, path);
    }
}

/// `impl Deserialize` and `impl decode::Object` for one struct.
fn tolerant_impls(
    item: &syn::ItemStruct,
    is_root: bool,
    decode: &syn::Path,
) -> Result<TokenStream, Refusal> {
    let name = &item.ident;
    let syn::Fields::Named(fields) = &item.fields else {
        return Err(not_an_object(name));
    };
    let mut arms = Vec::new();
    let mut fallback = quote!(cx.ignore(map));
    for field in &fields.named {
        let Some(ident) = field.ident.as_ref() else {
            return Err(not_an_object(name));
        };
        let location = || format!("types::{name}, field {ident}");
        let serde = SerdeField::of(field).map_err(|reason| Refusal {
            location: location(),
            reason,
        })?;
        if serde.flatten {
            if ident != EXTRA || !is_json_map(&field.ty) {
                return Err(Refusal {
                    location: location(),
                    reason: "a flattened field other than the `extra` map of an open object"
                        .to_owned(),
                });
            }
            fallback = quote!(cx.extra(map, key, &mut self.#ident));
            continue;
        }
        let Some(inner) = option_inner(&field.ty) else {
            return Err(Refusal {
                location: location(),
                reason: "an answer field that is not an `Option`; the response transform \
                         should have made it optional"
                    .to_owned(),
            });
        };
        supported(inner).map_err(|reason| Refusal {
            location: location(),
            reason,
        })?;
        let key = serde
            .rename
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_owned());
        let key = syn::LitStr::new(&key, Span::call_site());
        arms.push(quote!(#key => cx.field(map, #key, &mut self.#ident),));
    }
    let expected = syn::LitStr::new(&format!("object ({name})"), Span::call_site());
    let unfit = syn::Ident::new(UNFIT_FIELD, Span::call_site());
    let root_methods = is_root.then(|| {
        quote! {
            fn keep_unfit(
                &mut self,
                unfit: ::std::vec::Vec<#decode::UnfitValue>,
            ) -> ::std::option::Option<::std::vec::Vec<#decode::UnfitValue>> {
                self.#unfit = unfit;
                ::std::option::Option::None
            }
        }
    });
    let answer_impl = is_root.then(|| {
        quote! {
            impl #decode::Answer for #name {
                fn unfit(&self) -> &[#decode::UnfitValue] {
                    &self.#unfit
                }
            }
        }
    });
    Ok(quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                #decode::deserialize(deserializer)
            }
        }
        impl #decode::Object for #name {
            const EXPECTED: &'static str = #expected;
            fn decode_field<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
                cx: &mut #decode::Context,
            ) -> ::std::result::Result<(), A::Error> {
                match key {
                    #(#arms)*
                    _ => #fallback,
                }
            }
            #root_methods
        }
        #answer_impl
    })
}

/// [`reachable`] admits structs with named fields only; should another shape
/// get here, it is an error, not a panic.
fn not_an_object(name: &syn::Ident) -> Refusal {
    Refusal {
        location: format!("types::{name}"),
        reason: "an answer type that is not a struct with named fields".to_owned(),
    }
}

/// The serde attributes of a field that decoding must follow.
#[derive(Default)]
struct SerdeField {
    rename: Option<String>,
    flatten: bool,
}

impl SerdeField {
    /// Reads `#[serde(..)]`; an attribute that changes decoding and that this
    /// pass does not implement is refused, never ignored.
    fn of(field: &syn::Field) -> Result<SerdeField, String> {
        let mut serde = SerdeField::default();
        for attribute in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attribute
                .parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        let value: syn::LitStr = meta.value()?.parse()?;
                        serde.rename = Some(value.value());
                    } else if meta.path.is_ident("flatten") {
                        serde.flatten = true;
                    } else if meta.path.is_ident("skip_serializing_if") {
                        // Serialising only.
                        let _: syn::Expr = meta.value()?.parse()?;
                    } else if meta.path.is_ident("default") && !meta.input.peek(syn::Token![=]) {
                        // A missing field is its default: what decoding does anyway.
                    } else {
                        return Err(meta.error(format!(
                            "serde attribute `{}` is not supported on an answer field",
                            meta.path.to_token_stream()
                        )));
                    }
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
        }
        Ok(serde)
    }
}

/// `T` of `Option<T>`.
fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let [inner] = generic_arguments(ty, "Option")?[..] else {
        return None;
    };
    Some(inner)
}

/// The type arguments of `ty` when its last path segment is `name`.
fn generic_arguments<'a>(ty: &'a syn::Type, name: &str) -> Option<Vec<&'a syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return Some(Vec::new());
    };
    Some(
        arguments
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
    )
}

fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) if path.qself.is_none() => {
            path.path.segments.last().map(|s| s.ident.to_string())
        }
        _ => None,
    }
}

/// `serde_json::Map<String, serde_json::Value>`.
fn is_json_map(ty: &syn::Type) -> bool {
    matches!(generic_arguments(ty, "Map").as_deref(), Some([key, value])
        if last_ident(key).as_deref() == Some("String")
            && last_ident(value).as_deref() == Some("Value"))
}

/// Whether the runtime decodes `ty` (the type inside a field's `Option`).
fn supported(ty: &syn::Type) -> Result<(), String> {
    const LEAVES: &[&str] = &[
        "String", "bool", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f64", "Value",
    ];
    let Some(last) = last_ident(ty) else {
        return Err(format!(
            "type `{}` is not decodable by the runtime",
            ty.to_token_stream()
        ));
    };
    if LEAVES.contains(&last.as_str()) {
        return Ok(());
    }
    if let Some(arguments) = generic_arguments(ty, &last)
        && !arguments.is_empty()
    {
        return match (last.as_str(), &arguments[..]) {
            ("Vec", [item]) => supported(item),
            ("HashMap" | "BTreeMap", [key, value])
                if last_ident(key).as_deref() == Some("String") =>
            {
                supported(value)
            }
            ("Map", _) if is_json_map(ty) => Ok(()),
            ("DateTime", [zone]) if last_ident(zone).as_deref() == Some("Utc") => Ok(()),
            _ => Err(format!(
                "type `{}` is not decodable by the runtime",
                ty.to_token_stream()
            )),
        };
    }
    // A struct of `types`; reachable() checked that it is one.
    Ok(())
}

fn drop_derived_deserialize(item: &mut syn::ItemStruct) {
    for attribute in &mut item.attrs {
        if !attribute.path().is_ident("derive") {
            continue;
        }
        let Ok(derives) = attribute.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> = derives
            .into_iter()
            .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Deserialize"))
            .collect();
        *attribute = syn::parse_quote!(#[derive(#kept)]);
    }
}

fn add_unfit_field(item: &mut syn::ItemStruct, decode: &syn::Path) -> Result<(), Refusal> {
    let syn::Fields::Named(fields) = &mut item.fields else {
        return Err(not_an_object(&item.ident));
    };
    if fields
        .named
        .iter()
        .any(|f| f.ident.as_ref().is_some_and(|i| i == UNFIT_FIELD))
    {
        return Err(Refusal {
            location: format!("types::{}", item.ident),
            reason: format!(
                "a property is named `{UNFIT_FIELD}`, the field that keeps the values of \
                 an answer that did not fit; rename it with a title or `x-rust-name`"
            ),
        });
    }
    let unfit = syn::Ident::new(UNFIT_FIELD, Span::call_site());
    let field: syn::FieldsNamed = syn::parse_quote!({
        /// The values of this answer that did not fit their declared types and
        /// were left out, each with its JSON pointer and its raw JSON; empty
        /// when the answer matched the spec. Never sent when serialising.
        #[serde(skip)]
        pub #unfit: ::std::vec::Vec<#decode::UnfitValue>
    });
    fields.named.extend(field.named);
    Ok(())
}

/// In the builder of an operation whose answer is text:
/// `ResponseValue<ByteStream>` → `ResponseValue<String>`, and
/// `Ok(ResponseValue::stream(response))` → `decode::text(response, &info).await`.
struct TextAnswers<'a> {
    decode: &'a syn::Path,
    /// Normalised operationIds (`createauthtoken`).
    operations: &'a std::collections::BTreeSet<String>,
}

impl VisitMut for TextAnswers<'_> {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        if matches!(item, syn::Item::Mod(m) if m.ident == "mock" || m.ident == "types") {
            return;
        }
        visit_mut::visit_item_mut(self, item);
    }

    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let syn::Type::Path(path) = &*item.self_ty else {
            return;
        };
        let Some(last) = path.path.segments.last() else {
            return;
        };
        let name = crate::transform::normalised_name(&last.ident.to_string());
        if item.trait_.is_none() && self.operations.contains(&name) {
            TextSend {
                decode: self.decode,
            }
            .visit_item_impl_mut(item);
        }
    }
}

struct TextSend<'a> {
    decode: &'a syn::Path,
}

impl VisitMut for TextSend<'_> {
    fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
        if segment.ident == "ByteStream" {
            *segment = syn::parse_quote!(String);
        }
        visit_mut::visit_path_segment_mut(self, segment);
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::Call(call) = expr
            && call.args.len() == 1
            && let syn::Expr::Call(inner) = &call.args[0]
            && let syn::Expr::Path(function) = &*inner.func
            && function
                .path
                .segments
                .last()
                .is_some_and(|s| s.ident == "stream")
        {
            let decode = self.decode;
            let args = &inner.args;
            *expr = syn::parse_quote!(#decode::text(#args, &info).await);
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// `ResponseValue::from_response(response)` → `decode::response(response, &info)`.
struct ResponseDecoding<'a> {
    decode: &'a syn::Path,
}

impl VisitMut for ResponseDecoding<'_> {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        if matches!(item, syn::Item::Mod(m) if m.ident == "mock" || m.ident == "types") {
            return;
        }
        visit_mut::visit_item_mut(self, item);
    }

    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        visit_mut::visit_expr_call_mut(self, call);
        let syn::Expr::Path(function) = &*call.func else {
            return;
        };
        let segments: Vec<String> = function
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        if !segments.ends_with(&["ResponseValue".to_owned(), "from_response".to_owned()]) {
            return;
        }
        let decode = self.decode;
        let args = &call.args;
        *call = syn::parse_quote!(#decode::response(#args, &info));
    }
}

/// An answer that is an array of generated types: `ResponseValue<Vec<types::T>>`
/// and `Error<Vec<types::T>>` of the operations become `decode::Items<types::T>`,
/// which [`ResponseDecoding`]'s `decode::response` decodes tolerantly.
struct ArrayAnswers<'a> {
    decode: &'a syn::Path,
}

impl VisitMut for ArrayAnswers<'_> {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        if matches!(item, syn::Item::Mod(m) if m.ident == "mock" || m.ident == "types") {
            return;
        }
        visit_mut::visit_item_mut(self, item);
    }

    fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
        visit_mut::visit_path_segment_mut(self, segment);
        if segment.ident != "ResponseValue" && segment.ident != "Error" {
            return;
        }
        let syn::PathArguments::AngleBracketed(arguments) = &mut segment.arguments else {
            return;
        };
        for argument in arguments.args.iter_mut() {
            if let syn::GenericArgument::Type(ty) = argument
                && array_element(ty).is_some()
                && let Some([element]) = generic_arguments(ty, "Vec").as_deref()
            {
                let decode = self.decode;
                let items: syn::Type = syn::parse_quote!(#decode::Items<#element>);
                *ty = items;
            }
        }
    }
}
