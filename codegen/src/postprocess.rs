//! Edits to progenitor's output, made on its syntax tree before printing.
//!
//! progenitor sends an `api-version` header with every request, set to the
//! spec's `info.version` (a convention of Dropshot servers). The Amity docs
//! never mention the header, and `info.version` is this spec's own version,
//! not the service's: sending it would tell the service something untrue,
//! which a later service version might act on. The statement that appends
//! it is removed from every operation.
//!
//! typify gives an object that is open to other keys (`additionalProperties:
//! {}`) a flattened `extra` map, but then treats that map as required: its
//! builder refuses to build without one, and the struct loses `Default`. An
//! empty map is the natural default (no other keys), so:
//! - the builders start `extra` as an empty map instead of an error;
//! - the structs derive `Default` when every other field is an `Option`.
//!
//! progenitor's httpmock helper for an array query parameter does not
//! compile (`to_string` on a `Vec`); it expects each item instead.
//!
//! typify's builder setter of an optional field takes `TryInto<Option<T>>`,
//! so a caller writes `.text(Some("hi".to_owned()))`; it takes `TryInto<T>`
//! instead (`.text("hi")`: a `&str` converts to a `String`), and an unset
//! field stays `None`, the builder's default.
//!
//! A value marked `x-secret` never shows in `Debug`: an operation builder
//! holding a secret header, and the struct and builder of a component with a
//! secret property, get a hand-built `Debug` that prints `<redacted>` instead.

use std::collections::BTreeMap;

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

use crate::error::Refusal;

/// The name typify gives the flattened map of other keys.
const EXTRA: &str = "extra";

/// Applies every edit to `file`; `secret_headers` are the `(operationId,
/// header)` pairs whose values the builders' `Debug` must not show.
pub(crate) fn apply(file: &mut syn::File, secret_headers: &[(String, String)]) {
    RedactedSecrets { secret_headers }.visit_file_mut(file);
    ExtraDefaults.visit_file_mut(file);
    NoApiVersion.visit_file_mut(file);
    LowLevelConstructors.visit_file_mut(file);
    RepeatedQueryMocks.visit_file_mut(file);
    PlainOptionalSetters.visit_file_mut(file);
}

/// In `types::builder`, a setter `fn f<T>(self, value: T) where T:
/// TryInto<Option<X>>` becomes one `where T: TryInto<X>` that sets
/// `Some(value)`.
struct PlainOptionalSetters;

impl VisitMut for PlainOptionalSetters {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if module.ident == "builder" {
            let Some((_, items)) = &mut module.content else {
                return;
            };
            for item in items {
                if let syn::Item::Impl(block) = item
                    && block.trait_.is_none()
                {
                    for member in &mut block.items {
                        if let syn::ImplItem::Fn(setter) = member {
                            plain_optional_setter(setter);
                        }
                    }
                }
            }
            return;
        }
        visit_mut::visit_item_mod_mut(self, module);
    }
}

/// One setter, if it takes `TryInto<Option<X>>`.
fn plain_optional_setter(setter: &mut syn::ImplItemFn) {
    let Some(clause) = &mut setter.sig.generics.where_clause else {
        return;
    };
    let mut changed = false;
    for predicate in &mut clause.predicates {
        let syn::WherePredicate::Type(predicate) = predicate else {
            continue;
        };
        for bound in &mut predicate.bounds {
            let syn::TypeParamBound::Trait(bound) = bound else {
                continue;
            };
            let Some(last) = bound.path.segments.last_mut() else {
                continue;
            };
            if last.ident != "TryInto" {
                continue;
            }
            let syn::PathArguments::AngleBracketed(arguments) = &mut last.arguments else {
                continue;
            };
            let Some(syn::GenericArgument::Type(target)) = arguments.args.first_mut() else {
                continue;
            };
            if let Some(inner) = option_argument(target) {
                *target = inner;
                changed = true;
            }
        }
    }
    if changed {
        WrapInSome.visit_block_mut(&mut setter.block);
    }
}

/// `X` of `::std::option::Option<X>`.
fn option_argument(ty: &syn::Type) -> Option<syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    match arguments.args.first()? {
        syn::GenericArgument::Type(inner) => Some(inner.clone()),
        _ => None,
    }
}

/// `value.try_into()` -> `value.try_into().map(Some)`.
struct WrapInSome;

impl VisitMut for WrapInSome {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "try_into"
            && call.args.is_empty()
            && call.receiver.to_token_stream().to_string() == "value"
        {
            *expr = syn::parse_quote!(value.try_into().map(::std::option::Option::Some));
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// An operation builder holding a secret header (`x-secret`: the API key of
/// registerSession) loses its derived `Debug` for one that prints every field
/// but shows `"<redacted>"` for the secret's.
struct RedactedSecrets<'a> {
    secret_headers: &'a [(String, String)],
}

impl VisitMut for RedactedSecrets<'_> {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if module.ident != "builder" {
            return visit_mut::visit_item_mod_mut(self, module);
        }
        let Some((_, items)) = &mut module.content else {
            return;
        };
        let mut impls: Vec<syn::Item> = Vec::new();
        for item in items.iter_mut() {
            let syn::Item::Struct(builder) = item else {
                continue;
            };
            let name = crate::transform::normalised_name(&builder.ident.to_string());
            let secrets: Vec<String> = self
                .secret_headers
                .iter()
                .filter(|(operation, _)| crate::transform::normalised_name(operation) == name)
                .map(|(_, header)| crate::validation::snake_case(header))
                .collect();
            if secrets.is_empty() {
                continue;
            }
            drop_derived_debug(&mut builder.attrs);
            let ident = &builder.ident;
            let label = ident.to_string();
            let fields = builder.fields.iter().filter_map(|field| {
                let field = field.ident.as_ref()?;
                let text = field.to_string();
                Some(if secrets.contains(&text) {
                    quote::quote!(.field(#text, &"<redacted>"))
                } else {
                    quote::quote!(.field(#text, &self.#field))
                })
            });
            impls.push(syn::parse_quote! {
                impl ::std::fmt::Debug for #ident<'_> {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.debug_struct(#label)#(#fields)*.finish()
                    }
                }
            });
        }
        items.extend(impls);
    }
}

/// Removes `Debug` from the `#[derive(..)]` of an item with `attrs`.
fn drop_derived_debug(attrs: &mut [syn::Attribute]) {
    for attr in attrs {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(derives) = attr.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept = derives.into_iter().filter(|p| !p.is_ident("Debug"));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

/// The `Debug` text of a value that must not show.
const REDACTED: &str = "<redacted>";

/// Gives every component schema with `x-secret` properties (`secrets` are
/// the `(component, property)` pairs) a `Debug` that never shows them: its
/// struct (`types::Name`) and its builder (`types::builder::Name`, when
/// prune kept one) lose their derived `Debug` for one that prints every
/// field as the derive would, except a secret one: `Some("<redacted>")` or
/// `None` for an optional field of the struct, `"<redacted>"` for a required
/// one and for any field of the builder, whatever its state. What holds one
/// of these (an operation's builder holds the body's builder, an answer is
/// inside a `ResponseValue`) prints it through these impls.
///
/// Runs after the tolerant decoding pass, which adds the `unfit` field to an
/// answer type: the impl prints it too. A secret property the struct has no
/// field for, or a component without a struct, is refused: the value would
/// show through some other type. Every such property and component is named.
pub(crate) fn redact_secret_properties(
    file: &mut syn::File,
    secrets: &[(String, String)],
) -> Result<(), Vec<Refusal>> {
    if secrets.is_empty() {
        return Ok(());
    }
    let mut components: BTreeMap<String, (String, Vec<&str>)> = BTreeMap::new();
    for (component, property) in secrets {
        components
            .entry(crate::transform::normalised_name(component))
            .or_insert_with(|| (component.clone(), Vec::new()))
            .1
            .push(property);
    }
    let Some(types) = module_items(&mut file.items, "types") else {
        return Err(vec![Refusal {
            location: "types".to_owned(),
            reason: "no `types` module, so no secret property can be redacted".to_owned(),
        }]);
    };
    // The Rust fields of each component's secret properties, by struct name.
    let mut secret_fields: BTreeMap<String, Vec<syn::Ident>> = BTreeMap::new();
    // The structs generated for the components, redacted or refused.
    let mut structs: Vec<String> = Vec::new();
    let mut refusals = Vec::new();
    let mut impls: Vec<syn::Item> = Vec::new();
    for item in types.iter_mut() {
        let syn::Item::Struct(item) = item else {
            continue;
        };
        let Some((component, properties)) =
            components.get(&crate::transform::normalised_name(&item.ident.to_string()))
        else {
            continue;
        };
        structs.push(item.ident.to_string());
        let mut fields = Vec::new();
        let refused = refusals.len();
        for property in properties {
            let field = item
                .fields
                .iter()
                .filter_map(|field| field.ident.as_ref().map(|ident| (field, ident)))
                .find(|(field, _)| json_name(field).as_deref() == Some(*property));
            match field {
                Some((_, ident)) => fields.push(ident.clone()),
                None => refusals.push(Refusal {
                    location: format!("types::{}", item.ident),
                    reason: format!(
                        "property `{property}` of `{component}` is `x-secret`, but the struct has \
                         no field for it, so its `Debug` could not redact it"
                    ),
                }),
            }
        }
        if refusals.len() > refused {
            continue;
        }
        impls.push(redacting_debug(item, |field| {
            let ident = field.ident.as_ref()?;
            fields.contains(ident).then(|| {
                if is_option(&field.ty) {
                    quote::quote!(&self.#ident.as_ref().map(|_| #REDACTED))
                } else {
                    quote::quote!(&#REDACTED)
                }
            })
        }));
        drop_derived_debug(&mut item.attrs);
        secret_fields.insert(item.ident.to_string(), fields);
    }
    for (_, (component, _)) in components.iter().filter(|(normalised, _)| {
        !structs
            .iter()
            .any(|name| crate::transform::normalised_name(name) == **normalised)
    }) {
        refusals.push(Refusal {
            location: format!("types::{component}"),
            reason: format!(
                "component `{component}` has `x-secret` properties, but no struct was generated \
                 for it, so no `Debug` could redact them"
            ),
        });
    }
    if !refusals.is_empty() {
        return Err(refusals);
    }
    if let Some(builders) = module_items(types, "builder") {
        let mut builder_impls: Vec<syn::Item> = Vec::new();
        for item in builders.iter_mut() {
            let syn::Item::Struct(item) = item else {
                continue;
            };
            let Some(fields) = secret_fields.get(&item.ident.to_string()) else {
                continue;
            };
            builder_impls.push(redacting_debug(item, |field| {
                let ident = field.ident.as_ref()?;
                fields.contains(ident).then(|| quote::quote!(&#REDACTED))
            }));
            drop_derived_debug(&mut item.attrs);
        }
        builders.extend(builder_impls);
    }
    types.extend(impls);
    Ok(())
}

/// The items of the inline module `name` among `items`.
fn module_items<'a>(items: &'a mut [syn::Item], name: &str) -> Option<&'a mut Vec<syn::Item>> {
    items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => {
            module.content.as_mut().map(|(_, items)| items)
        }
        _ => None,
    })
}

/// The JSON name of a struct's field: its `#[serde(rename = "..")]`, else its
/// Rust name.
fn json_name(field: &syn::Field) -> Option<String> {
    use syn::ext::IdentExt;
    let mut rename = None;
    for attribute in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        // An attribute that does not parse names no JSON key this pass knows.
        let _ = attribute.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                rename = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _: proc_macro2::Group = meta.input.parse()?;
            }
            Ok(())
        });
    }
    rename.or_else(|| field.ident.as_ref().map(|ident| ident.unraw().to_string()))
}

/// `impl Debug for <item>` printing every named field as the derive would,
/// except where `redacted` gives the expression to print instead.
fn redacting_debug(
    item: &syn::ItemStruct,
    redacted: impl Fn(&syn::Field) -> Option<proc_macro2::TokenStream>,
) -> syn::Item {
    use syn::ext::IdentExt;
    let ident = &item.ident;
    let label = ident.unraw().to_string();
    let fields = item.fields.iter().filter_map(|field| {
        let name = field.ident.as_ref()?;
        let text = name.unraw().to_string();
        let value = redacted(field).unwrap_or_else(|| quote::quote!(&self.#name));
        Some(quote::quote!(.field(#text, #value)))
    });
    let (impl_generics, type_generics, where_clause) = item.generics.split_for_impl();
    syn::parse_quote! {
        impl #impl_generics ::std::fmt::Debug for #ident #type_generics #where_clause {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#label)#(#fields)*.finish()
            }
        }
    }
}

/// progenitor's httpmock helper for an array query parameter calls
/// `query_param(name, value.to_string())` on the whole `Vec`, which does
/// not compile (a `Vec` has no `Display`). The wire form repeats the name for
/// each item (`tags=a&tags=b`), so the mock expects each item as one
/// `query_param(name, item)`.
struct RepeatedQueryMocks;

impl VisitMut for RepeatedQueryMocks {
    fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
        let takes_a_vec = function
            .sig
            .generics
            .where_clause
            .as_ref()
            .is_some_and(|clause| {
                let text = clause.to_token_stream().to_string();
                text.contains("Into < Option < &") && text.contains("Vec <")
            });
        if takes_a_vec {
            RepeatEachItem.visit_block_mut(&mut function.block);
        }
        visit_mut::visit_impl_item_fn_mut(self, function);
    }
}

/// `self.0.query_param(name, value.to_string())` ->
/// `value.iter().fold(self.0, |when, item| when.query_param(name, item.to_string()))`.
struct RepeatEachItem;

impl VisitMut for RepeatEachItem {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "query_param"
            && call.args.len() == 2
            && call.args[1].to_token_stream().to_string() == "value . to_string ()"
        {
            let receiver = &call.receiver;
            let name = &call.args[0];
            *expr = syn::parse_quote! {
                value
                    .iter()
                    .fold(#receiver, |when, item| when.query_param(#name, item.to_string()))
            };
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// progenitor's `Client::new` and `Client::new_with_client` make a client
/// with no token: they stay (the hooks' state type is public), documented as
/// the low-level path, pointing at the builder.
struct LowLevelConstructors;

impl VisitMut for LowLevelConstructors {
    fn visit_item_impl_mut(&mut self, item: &mut syn::ItemImpl) {
        let is_client = item.trait_.is_none()
            && matches!(&*item.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if is_client {
            for member in &mut item.items {
                if let syn::ImplItem::Fn(function) = member
                    && matches!(
                        function.sig.ident.to_string().as_str(),
                        "new" | "new_with_client"
                    )
                {
                    function.attrs.push(syn::parse_quote! {
                        #[doc = "\n\nThe low-level path: the client sends no token and has the default \
                                 settings of `ClientState::default()`. Use `Client::builder()`."]
                    });
                }
            }
        }
        visit_mut::visit_item_impl_mut(self, item);
    }
}

/// The header progenitor adds to every request.
const API_VERSION: &str = "api-version";

struct NoApiVersion;

impl VisitMut for NoApiVersion {
    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let before = block.stmts.len();
        block.stmts.retain(|stmt| !appends_api_version(stmt));
        if block.stmts.len() < before {
            // progenitor sized the map for the other headers plus this one.
            for stmt in &mut block.stmts {
                one_less_header(stmt);
            }
        }
        visit_mut::visit_block_mut(self, block);
    }
}

/// `let mut header_map = HeaderMap::with_capacity(N);` -> `N - 1`, so that an
/// operation with no other header allocates nothing (and its map is not
/// `mut`: progenitor sized it for its other headers, so `N - 1 == 0` means
/// nothing else is appended).
fn one_less_header(stmt: &mut syn::Stmt) {
    let syn::Stmt::Local(local) = stmt else {
        return;
    };
    let Some(init) = &mut local.init else { return };
    let syn::Expr::Call(call) = &mut *init.expr else {
        return;
    };
    let is_with_capacity = matches!(&*call.func, syn::Expr::Path(p)
        if p.path.segments.len() >= 2
            && p.path.segments[p.path.segments.len() - 2].ident == "HeaderMap"
            && p.path.segments[p.path.segments.len() - 1].ident == "with_capacity");
    if !is_with_capacity {
        return;
    }
    if let Some(syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Int(n),
        ..
    })) = call.args.first_mut()
        && let Ok(value) = n.base10_parse::<usize>()
        && value > 0
    {
        *n = syn::LitInt::new(&format!("{}usize", value - 1), n.span());
        // No other header: nothing appends to the map any more.
        if value == 1
            && let syn::Pat::Ident(binding) = &mut local.pat
        {
            binding.mutability = None;
        }
    }
}

/// `header_map.append(HeaderName::from_static("api-version"), ..);`
fn appends_api_version(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(syn::Expr::MethodCall(call), _) = stmt else {
        return false;
    };
    call.method == "append"
        && matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("header_map"))
        && call.args.first().is_some_and(|name| {
            name.to_token_stream()
                .to_string()
                .contains(&format!("\"{API_VERSION}\""))
        })
}

struct ExtraDefaults;

impl VisitMut for ExtraDefaults {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        let syn::Fields::Named(fields) = &item.fields else {
            return;
        };
        let has_extra = fields.named.iter().any(|f| is_extra(f) && is_flattened(f));
        let others_optional = fields
            .named
            .iter()
            .filter(|f| !is_extra(f))
            .all(|f| is_option(&f.ty));
        if has_extra && others_optional {
            add_default_derive(item);
        }
        visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        let is_extra_member = matches!(&field.member, syn::Member::Named(name) if name == EXTRA);
        // Printing the expression is slow; only `extra: ..` fields need it.
        if is_extra_member
            && field
                .expr
                .to_token_stream()
                .to_string()
                .contains("no value supplied for extra")
        {
            field.expr = syn::parse_quote!(Ok(Default::default()));
        }
        visit_mut::visit_field_value_mut(self, field);
    }
}

fn is_extra(field: &syn::Field) -> bool {
    field.ident.as_ref().is_some_and(|name| name == EXTRA)
}

/// `::std::option::Option<..>` (or any path ending in `Option<..>`).
fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn is_flattened(field: &syn::Field) -> bool {
    field
        .attrs
        .iter()
        .any(|a| a.path().is_ident("serde") && a.to_token_stream().to_string().contains("flatten"))
}

fn add_default_derive(item: &mut syn::ItemStruct) {
    for attribute in &mut item.attrs {
        if !attribute.path().is_ident("derive") {
            continue;
        }
        let Ok(mut derives) = attribute.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        if derives.iter().any(|p| p.is_ident("Default")) {
            return;
        }
        derives.push(syn::parse_quote!(Default));
        *attribute = syn::parse_quote!(#[derive(#derives)]);
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
            .collect()
    }

    fn types(items: proc_macro2::TokenStream) -> syn::File {
        syn::parse_quote! { pub mod types { #items } }
    }

    #[test]
    fn a_secret_field_is_found_by_its_json_name_and_redacted_in_struct_and_builder() {
        let mut file = types(quote::quote! {
            #[derive(::serde::Serialize, Clone, Debug, PartialEq)]
            pub struct Session {
                #[serde(rename = "accessToken", skip_serializing_if = "::std::option::Option::is_none")]
                pub access_token: ::std::option::Option<::std::string::String>,
                pub pin: ::std::string::String,
                pub user: ::std::string::String,
            }
            pub mod builder {
                #[derive(Clone, Debug)]
                pub struct Session {
                    access_token: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    pin: ::std::result::Result<::std::string::String, ::std::string::String>,
                    user: ::std::result::Result<::std::string::String, ::std::string::String>,
                }
            }
        });
        redact_secret_properties(
            &mut file,
            &secrets(&[("Session", "accessToken"), ("Session", "pin")]),
        )
        .unwrap();
        let text = prettyplease::unparse(&file);
        assert!(
            !text.contains("Debug,") && !text.contains("Clone, Debug"),
            "{text}"
        );
        // The struct's and the builder's, each line with its count: a
        // required secret and any secret of the builder print `"<redacted>"`.
        let expected = [
            (
                r#".field("access_token", &self.access_token.as_ref().map(|_| "<redacted>"))"#,
                1,
            ),
            (r#".field("access_token", &"<redacted>")"#, 1),
            (r#".field("pin", &"<redacted>")"#, 2),
            (r#".field("user", &self.user)"#, 2),
        ];
        for (line, count) in expected {
            assert_eq!(text.matches(line).count(), count, "{line} in {text}");
        }
        assert_eq!(
            text.matches("impl ::std::fmt::Debug for Session").count(),
            2,
            "{text}"
        );
    }

    #[test]
    fn a_secret_without_a_field_or_without_a_struct_is_refused() {
        let session = quote::quote! {
            #[derive(Clone, Debug)]
            pub struct Session { pub user: ::std::string::String }
        };
        let refusals = redact_secret_properties(
            &mut types(session),
            &secrets(&[("Session", "token"), ("Session", "pin"), ("Other", "key")]),
        )
        .unwrap_err();
        let [refusal, pin, other] = &refusals[..] else {
            panic!("{refusals:?}");
        };
        assert!(
            pin.reason.contains("property `pin` of `Session`"),
            "{pin:?}"
        );
        assert!(
            other.reason.contains("component `Other`") && other.location == "types::Other",
            "{other:?}"
        );
        assert_eq!(refusal.location, "types::Session");
        assert!(
            refusal.reason.contains("property `token` of `Session`"),
            "{}",
            refusal.reason
        );

        let refusals = redact_secret_properties(
            &mut types(quote::quote! { pub enum Session { A } }),
            &secrets(&[("Session", "token")]),
        )
        .unwrap_err();
        let [refusal] = &refusals[..] else {
            panic!("{refusals:?}");
        };
        assert_eq!(refusal.location, "types::Session");
        assert!(
            refusal.reason.contains("no struct was generated"),
            "{}",
            refusal.reason
        );
    }
}
