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

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

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
            for attr in &mut builder.attrs {
                if attr.path().is_ident("derive") {
                    let kept: Vec<syn::Path> = attr
                        .parse_args_with(
                            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                        )
                        .map(|list| list.into_iter().filter(|p| !p.is_ident("Debug")).collect())
                        .unwrap_or_default();
                    *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
                }
            }
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
