//! Every operation's `send` ends in the including crate's call runtime, and
//! answers with its types: `Result<call::Response<T>, call::Error>`.
//!
//! progenitor's `send` builds the request, then runs its `pre`, `exec` and
//! `post` hooks and matches the answer's status, one arm per documented
//! status, into `ResponseValue<T>` or `Error<E>` (progenitor's types, which
//! carry a refusal as a string and an error answer as a response). This pass
//! keeps the building and replaces the rest:
//!
//! - each `?` while building (a builder value that did not convert, a header
//!   value, a form that could not be made, `reqwest`'s `build()`) goes
//!   through `call::or_refuse(operation, ..)`, which makes the runtime's
//!   typed error of it;
//! - from the `pre` hook on, the statements become one call,
//!   `call::send(&client.client, &client.inner, request, &info)`, which
//!   sends, retries, and decodes the answer into `T` or an error;
//! - the signature says `call::Response<T>` and `call::Error`.
//!
//! So the status match, with its arms that can never be taken (a `400` arm
//! after `400..=499`, ...), is gone, and nothing of progenitor's error type
//! reaches a caller. The operation is named as the spec names it
//! (`createPost`, not progenitor's `create_post`) in its `OperationInfo`, so
//! the call's span, its logs and its errors all say the spec's name. The `ClientHooks` assertion goes too: the hooks are
//! not called.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

use crate::error::Refusal;

/// Rewrites every operation's `send` in `file` to end in `runtime` (the
/// including crate's call module). An operation whose `send` is not of the
/// shape progenitor writes is refused, naming it (every such operation).
/// `operation_ids` are the spec's; progenitor names each by its snake case.
pub(crate) fn apply(
    file: &mut syn::File,
    runtime: &syn::Path,
    operation_ids: &[String],
) -> Result<(), Vec<Refusal>> {
    let mut pass = Sends {
        runtime,
        operation_ids,
        refusals: Vec::new(),
    };
    pass.visit_file_mut(file);
    if !pass.refusals.is_empty() {
        return Err(pass.refusals);
    }
    // progenitor's `prelude` (only `Client`), its hooks assertion and its
    // `ClientInfo` impl: the including crate has its own prelude and its
    // own inherent `baseurl()`, and the hooks are not called. The one use
    // of `ClientInfo` in the operations, `client.inner()`, reads the field.
    file.items.retain(|item| {
        !asserts_client_hooks(item)
            && !implements(item, "ClientInfo")
            && !matches!(item, syn::Item::Mod(module) if module.ident == "prelude")
    });
    InnerField.visit_file_mut(file);
    // The root's `pub use progenitor_client::{..}` re-exported progenitor's
    // `Error` and `ResponseValue` to callers; they stay for the modules
    // that name them, private.
    for item in &mut file.items {
        if let syn::Item::Use(item) = item
            && item.to_token_stream().to_string().contains("ResponseValue")
        {
            item.vis = syn::Visibility::Inherited;
        }
    }
    Ok(())
}

struct Sends<'a> {
    runtime: &'a syn::Path,
    operation_ids: &'a [String],
    refusals: Vec<Refusal>,
}

impl VisitMut for Sends<'_> {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if module.ident != "mock" && module.ident != "types" {
            visit_mut::visit_item_mod_mut(self, module);
        }
    }

    fn visit_impl_item_fn_mut(&mut self, function: &mut syn::ImplItemFn) {
        if function.sig.ident != "send" {
            return;
        }
        if let Err(refusal) = rewrite(function, self.runtime, self.operation_ids) {
            self.refusals.push(refusal);
        }
    }
}

/// One `send`, rewritten.
fn rewrite(
    function: &mut syn::ImplItemFn,
    runtime: &syn::Path,
    operation_ids: &[String],
) -> Result<(), Refusal> {
    let progenitors = operation_id(&function.block).ok_or_else(|| Refusal {
        location: "builder::send".to_owned(),
        reason: "an operation's `send` has no `OperationInfo` naming it".to_owned(),
    })?;
    let operation = operation_ids
        .iter()
        .find(|id| crate::validation::snake_case(id) == progenitors)
        .cloned()
        .unwrap_or(progenitors);
    let refused = |reason: &str| Refusal {
        location: format!("operation {operation}"),
        reason: reason.to_owned(),
    };
    let success = success_type(&function.sig.output).ok_or_else(|| {
        refused("its `send` does not return `Result<ResponseValue<T>, Error<E>>`")
    })?;
    if last_ident(&success).is_some_and(|i| i == "ByteStream" || i == "Upgraded") {
        return Err(refused(
            "its answer is a byte stream, which the call runtime does not decode",
        ));
    }
    let hooks_at = function
        .block
        .stmts
        .iter()
        .position(calls_pre_hook)
        .ok_or_else(|| refused("its `send` does not call the `pre` hook"))?;
    function.block.stmts.truncate(hooks_at);
    for stmt in &mut function.block.stmts {
        RefuseTries {
            runtime,
            operation: &operation,
        }
        .visit_stmt_mut(stmt);
        SpecName {
            operation: &operation,
        }
        .visit_stmt_mut(stmt);
    }
    function.block.stmts.push(syn::Stmt::Expr(
        syn::parse_quote! {
            #runtime::send(&client.client, &client.inner, request, &info).await
        },
        None,
    ));
    function.sig.output = syn::parse_quote! {
        -> ::std::result::Result<#runtime::Response<#success>, #runtime::Error>
    };
    Ok(())
}

/// Every `expr?` while the request is built becomes
/// `call::or_refuse(operation, expr)?`; `x.map_err(Error::InvalidRequest)?`
/// loses the `map_err` first (the runtime takes the message as it is).
struct RefuseTries<'a> {
    runtime: &'a syn::Path,
    operation: &'a str,
}

impl VisitMut for RefuseTries<'_> {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::Try(attempt) = expr else {
            return;
        };
        let inner = &mut *attempt.expr;
        if let syn::Expr::MethodCall(call) = inner
            && call.method == "map_err"
            && call.args.len() == 1
            && call.args[0].to_token_stream().to_string().replace(' ', "")
                == "Error::InvalidRequest"
        {
            *inner = (*call.receiver).clone();
        }
        let runtime = self.runtime;
        let operation = self.operation;
        let tried = &*attempt.expr;
        *attempt.expr = syn::parse_quote!(#runtime::or_refuse(#operation, #tried));
    }

    // Closures inside (`.and_then(|v| ..)`) have `?`s of their own types.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
}

/// `OperationInfo { operation_id: "create_post" }` -> `"createPost"`.
struct SpecName<'a> {
    operation: &'a str,
}

impl VisitMut for SpecName<'_> {
    fn visit_field_value_mut(&mut self, field: &mut syn::FieldValue) {
        if let syn::Member::Named(name) = &field.member
            && name == "operation_id"
        {
            let operation = self.operation;
            field.expr = syn::parse_quote!(#operation);
        }
    }
}

/// The operation's name in its `OperationInfo { operation_id: ".." }`.
fn operation_id(block: &syn::Block) -> Option<String> {
    let text = block.to_token_stream().to_string();
    let rest = text.split("operation_id :").nth(1)?;
    Some(rest.split('"').nth(1)?.to_owned())
}

/// `T` of `Result<ResponseValue<T>, Error<E>>`.
fn success_type(output: &syn::ReturnType) -> Option<syn::Type> {
    let syn::ReturnType::Type(_, ty) = output else {
        return None;
    };
    let result = generic_arguments(ty, "Result")?;
    let value = generic_arguments(result.first()?, "ResponseValue")?;
    value.into_iter().next()
}

/// The type arguments of `ty` when its last segment is `name`.
fn generic_arguments(ty: &syn::Type, name: &str) -> Option<Vec<syn::Type>> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    Some(
        arguments
            .args
            .iter()
            .filter_map(|argument| match argument {
                syn::GenericArgument::Type(ty) => Some(ty.clone()),
                _ => None,
            })
            .collect(),
    )
}

fn last_ident(ty: &syn::Type) -> Option<&syn::Ident> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| &s.ident),
        _ => None,
    }
}

/// `client.pre(&mut request, &info).await?;`
fn calls_pre_hook(stmt: &syn::Stmt) -> bool {
    let syn::Stmt::Expr(expr, _) = stmt else {
        return false;
    };
    let text = expr.to_token_stream().to_string().replace(' ', "");
    text.starts_with("client.pre(")
}

/// `impl Trait<..> for ..`, for the trait named `name`.
fn implements(item: &syn::Item, name: &str) -> bool {
    matches!(item, syn::Item::Impl(block) if block
        .trait_
        .as_ref()
        .and_then(|(path, _)| path.segments.last())
        .is_some_and(|last| last.ident == name))
}

/// `client.inner()` (progenitor's `ClientInfo`) -> `&client.inner`.
struct InnerField;

impl VisitMut for InnerField {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "inner"
            && call.args.is_empty()
            && call.receiver.to_token_stream().to_string() == "client"
        {
            *expr = syn::parse_quote!(&client.inner);
            return;
        }
        visit_mut::visit_expr_mut(self, expr);
    }
}

/// progenitor's `const _: () = { fn assert_client_hooks() where Client:
/// ClientHooks<..> {} };`.
fn asserts_client_hooks(item: &syn::Item) -> bool {
    matches!(item, syn::Item::Const(item) if item.ident == "_"
        && item.to_token_stream().to_string().contains("assert_client_hooks"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(body: proc_macro2::TokenStream) -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                impl<'a> GetThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<types::ErrorBody>> {
                        #body
                    }
                }
            }
            const _: () = {
                fn assert_client_hooks() where Client: ClientHooks<()> {}
            };
        }
    }

    #[test]
    fn a_send_ends_in_the_runtime_and_its_tries_are_refusals() {
        let mut file = send(quote::quote! {
            let Self { client, id } = self;
            let id = id.map_err(Error::InvalidRequest)?;
            let url = format!("{}/things/{}", client.baseurl, id);
            let mut request = client.client.get(url).build()?;
            let info = OperationInfo { operation_id: "get_thing" };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            match result { _ => todo!() }
        });
        apply(
            &mut file,
            &syn::parse_quote!(crate::call),
            &["getThing".to_owned()],
        )
        .expect("a send progenitor writes");
        let text = prettyplease::unparse(&file);
        // Compared without whitespace: prettyplease decides the line breaks.
        let has = |wanted: &str| {
            let squeezed = |s: &str| s.split_whitespace().collect::<String>();
            squeezed(&text).contains(&squeezed(wanted))
        };
        assert!(has("crate::call::or_refuse(\"getThing\", id)?"), "{text}");
        assert!(
            has("crate::call::or_refuse(\"getThing\", client.client.get(url).build()"),
            "{text}"
        );
        assert!(has("OperationInfo { operation_id: \"getThing\""), "{text}");
        assert!(
            has("crate::call::send(&client.client, &client.inner, request, &info).await"),
            "{text}"
        );
        assert!(
            has("crate::call::Response<types::Thing>, crate::call::Error"),
            "{text}"
        );
        assert!(!text.contains("client.pre"), "{text}");
        assert!(!text.contains("match result"), "{text}");
        assert!(!text.contains("assert_client_hooks"), "{text}");
    }

    #[test]
    fn a_send_without_the_pre_hook_is_refused_naming_the_operation() {
        let mut file = send(quote::quote! {
            let info = OperationInfo { operation_id: "get_thing" };
            todo!()
        });
        let refusals = apply(&mut file, &syn::parse_quote!(crate::call), &[]).unwrap_err();
        let [refusal] = &refusals[..] else {
            panic!("{refusals:?}");
        };
        assert_eq!(refusal.location, "operation get_thing");
        assert!(refusal.reason.contains("`pre` hook"), "{}", refusal.reason);
    }
}
