//! `x-pagination` on a list operation: where its answer's items are, where the
//! next page's token is, and which parameter sends the token back:
//!
//! ```yaml
//! x-pagination:
//!   items: posts          # a property of the success body: an array
//!   next: paging.next     # a dotted path in the success body: a string
//!   token: options.token  # a query parameter, or a property of a deepObject one
//! ```
//!
//! [`check`] reads it when the spec is read, each fault located at the key at
//! fault; [`generate`] gives the operation's builder `into_pages()` and
//! `into_items()` (streams, through the including crate's `paginate`
//! runtime) and the mock module a helper that mocks a sequence of pages.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::Error;
use crate::document::{escape, resolve};
use crate::source::Sources;

/// The operation extension declaring how a list operation pages.
pub const PAGINATION: &str = "x-pagination";

/// The keys of an `x-pagination`.
const KEYS: [&str; 3] = ["items", "next", "token"];

/// One list operation's pagination, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pagination {
    pub(crate) operation_id: String,
    /// The success body's property holding the items, e.g. `posts`.
    pub(crate) items: String,
    /// The path to the next token in the success body, e.g. `["paging", "next"]`.
    pub(crate) next: Vec<String>,
    /// The token parameter's name on the wire (`options[token]`), which the
    /// transform also gives the flattened parameter.
    pub(crate) token_wire: String,
}

/// Reads and checks every operation's `x-pagination`, adding its first
/// fault (if any) to `problems`.
pub(crate) fn check(
    document: &Value,
    sources: &Sources,
    problems: &mut Vec<Error>,
) -> Vec<Pagination> {
    let mut found = Vec::new();
    'operations: for (route, method, operation) in crate::document::operations(document) {
        let Some(extension) = operation.get(PAGINATION) else {
            continue;
        };
        let operation_id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let at = format!("/paths/{}/{method}/{PAGINATION}", escape(route));
        let fail = |key: &str, message: String| {
            let pointer = if key.is_empty() {
                at.clone()
            } else {
                format!("{at}/{key}")
            };
            crate::extensions::fault(sources, &pointer, PAGINATION, message)
        };
        let Value::Object(extension) = extension else {
            problems.push(fail(
                "",
                "must be a mapping: `{items, next, token}`".to_owned(),
            ));
            continue;
        };
        if let Some(key) = extension.keys().find(|k| !KEYS.contains(&k.as_str())) {
            problems.push(fail(
                &escape(key),
                format!("unknown key `{key}` (it has {})", KEYS.join(", ")),
            ));
            continue;
        }
        let text = |key: &str| -> Result<&str, Error> {
            match extension.get(key) {
                Some(Value::String(text)) if !text.trim().is_empty() => Ok(text),
                Some(other) => Err(fail(
                    key,
                    format!("must be a non-empty string, found {other}"),
                )),
                None => Err(fail("", format!("has no `{key}`"))),
            }
        };
        let (items, next, token) = match (text("items"), text("next"), text("token")) {
            (Ok(items), Ok(next), Ok(token)) => (items, next, token),
            (items, next, token) => {
                problems.extend([items.err(), next.err(), token.err()].into_iter().flatten());
                continue;
            }
        };

        let base = format!("/paths/{}/{method}", escape(route));
        let Some((body, body_at)) = success_body(document, operation, &base) else {
            problems.push(fail(
                "",
                format!("operation {operation_id} has no JSON `200` answer to page through"),
            ));
            continue;
        };
        match property(document, body, &body_at, items) {
            Some((schema, _)) if schema.get("type").and_then(Value::as_str) == Some("array") => {}
            Some((_, pointer)) => {
                problems.push(fail(
                    "items",
                    format!(
                        "`{items}` of the answer is not an array ({})",
                        sources.place(&pointer)
                    ),
                ));
                continue;
            }
            None => {
                problems.push(fail(
                    "items",
                    format!("the answer of {operation_id} has no property `{items}`"),
                ));
                continue;
            }
        }
        let mut schema = (body, body_at.clone());
        let mut walked = Vec::new();
        for segment in next.split('.') {
            walked.push(segment.to_owned());
            match property(document, schema.0, &schema.1, segment) {
                Some(found) => schema = found,
                None => {
                    problems.push(fail(
                        "next",
                        format!("the answer of {operation_id} has no `{}`", walked.join(".")),
                    ));
                    continue 'operations;
                }
            }
        }
        if schema.0.get("type").and_then(Value::as_str) != Some("string") {
            problems.push(fail(
                "next",
                format!(
                    "`{next}` of the answer is not a string ({})",
                    sources.place(&schema.1)
                ),
            ));
            continue;
        }
        let token_wire = match token_parameter(document, operation, token) {
            Ok(wire) => wire,
            Err(reason) => {
                problems.push(fail(
                    "token",
                    format!("`{token}` is not a query parameter of {operation_id}: {reason}"),
                ));
                continue;
            }
        };
        found.push(Pagination {
            operation_id,
            items: items.to_owned(),
            next: next.split('.').map(str::to_owned).collect(),
            token_wire,
        });
    }
    found
}

/// The `200` (or `2XX`) JSON answer's schema, resolved, and its pointer.
fn success_body<'a>(
    document: &'a Value,
    operation: &'a Value,
    base: &str,
) -> Option<(&'a Value, String)> {
    let responses = operation.get("responses")?;
    let status = ["200", "2XX", "201"]
        .into_iter()
        .find(|s| responses.get(*s).is_some())?;
    let response = resolve(
        document,
        responses.get(status)?,
        &format!("{base}/responses/{status}"),
    );
    let schema = response
        .value
        .pointer("/content/application~1json/schema")?;
    let resolved = resolve(
        document,
        schema,
        &format!("{}/content/application~1json/schema", response.pointer),
    );
    Some((resolved.value, resolved.pointer))
}

/// Property `name` of the object schema `schema` (at `at`), resolved.
fn property<'a>(
    document: &'a Value,
    schema: &'a Value,
    at: &str,
    name: &str,
) -> Option<(&'a Value, String)> {
    let property = schema.get("properties")?.get(name)?;
    let resolved = resolve(
        document,
        property,
        &format!("{at}/properties/{}", escape(name)),
    );
    Some((resolved.value, resolved.pointer))
}

/// The wire name of the token parameter: `options.token` names property
/// `token` of the deepObject query parameter `options` (`options[token]`);
/// `token` a plain query parameter. Either must be a string.
fn token_parameter(document: &Value, operation: &Value, token: &str) -> Result<String, String> {
    let (name, child) = match token.split_once('.') {
        Some((name, child)) => (name, Some(child)),
        None => (token, None),
    };
    let parameters = operation
        .get("parameters")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let parameter = parameters
        .iter()
        .map(|p| crate::document::target(document, p))
        .find(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some("query")
        })
        .ok_or_else(|| format!("it has no query parameter `{name}`"))?;
    let schema = crate::document::target(document, parameter.get("schema").unwrap_or(&Value::Null));
    match child {
        None => {
            if schema.get("type").and_then(Value::as_str) != Some("string") {
                return Err(format!("query parameter `{name}` is not a string"));
            }
            Ok(name.to_owned())
        }
        Some(child) => {
            if parameter.get("style").and_then(Value::as_str) != Some("deepObject") {
                return Err(format!(
                    "query parameter `{name}` is not an object in `style: deepObject`"
                ));
            }
            let property = schema
                .get("properties")
                .and_then(|p| p.get(child))
                .map(|p| crate::document::target(document, p))
                .ok_or_else(|| format!("query parameter `{name}` has no property `{child}`"))?;
            if property.get("type").and_then(Value::as_str) != Some("string") {
                return Err(format!("`{name}.{child}` is not a string"));
            }
            Ok(format!("{name}[{child}]"))
        }
    }
}

/// What [`generate`] needs of progenitor's output for one operation.
pub(crate) struct Names {
    /// The builder, `QueryPosts`.
    pub(crate) builder: syn::Ident,
    /// The success type, `types::QueryPostsResponse`.
    pub(crate) page: syn::Type,
    /// The item type, `types::Post`.
    pub(crate) item: syn::Type,
}

/// The builders' `into_pages`/`into_items` and the mock helpers, for every
/// pagination; `names` finds progenitor's names for an operation; `runtime`
/// is the including crate's `paginate` module.
pub(crate) fn generate(
    paginations: &[Pagination],
    names: &dyn Fn(&Pagination) -> Result<Names, String>,
    runtime: &syn::Path,
) -> Result<(TokenStream, TokenStream), String> {
    let mut impls = Vec::new();
    let mut mock_signatures = Vec::new();
    let mut mock_bodies = Vec::new();
    for pagination in paginations {
        let Names {
            builder,
            page,
            item,
        } = names(pagination)?;
        let mock_page: syn::Type = syn::parse_quote!(super::#page);
        let operation_id = &pagination.operation_id;
        let snake = crate::validation::snake_case(operation_id);
        let method = format_ident!("{snake}");
        let items = format_ident!("{}", crate::validation::snake_case(&pagination.items));
        let token_setter = format_ident!(
            "{}",
            crate::validation::snake_case(
                &pagination.token_wire.replace('[', "_").replace(']', "")
            )
        );
        let next_fields: Vec<syn::Ident> = pagination
            .next
            .iter()
            .map(|segment| format_ident!("{}", crate::validation::snake_case(segment)))
            .collect();
        let (last, parents) = next_fields.split_last().expect("a path has a segment");
        let next_pointer = format!("/{}", pagination.next.join("/"));
        let token_wire = &pagination.token_wire;
        let pages_doc = format!(
            "Every page of `{operation_id}`, one call each, as a stream: the filters set on this \
             builder are sent with every call, the token of each answer's `{}` as `{token_wire}`, \
             until an answer has none. Pages are fetched as the stream is polled; dropping it \
             stops. See [`Pages`]({}::Pages).",
            pagination.next.join("."),
            quote!(#runtime).to_string().replace(' ', ""),
        );
        let items_doc = format!(
            "Every item (`{}`) of every page of `{operation_id}`, as a stream: \
             [`into_pages`](Self::into_pages), one item at a time.",
            pagination.items
        );
        impls.push(quote! {
            impl<'a> builder::#builder<'a> {
                #[doc = #pages_doc]
                // Inline: the operation's `send` is then compiled where a
                // stream is used, as every other call is, not in this crate
                // for every list whether used or not (a second of its build).
                #[inline]
                pub fn into_pages(self) -> #runtime::Pages<'a, #page> {
                    #runtime::Pages::new(
                        #runtime::Lister {
                            operation: #operation_id,
                            next_pointer: #next_pointer,
                            first: self,
                            with_token: |builder: Self, token: ::std::string::String| {
                                builder.#token_setter(token)
                            },
                            next: |page: &#page| {
                                page #(.#parents.as_ref()?)* .#last.as_deref()
                            },
                            count: |page: &#page| page.#items.as_ref().map_or(0, ::std::vec::Vec::len),
                        },
                        Self::send,
                    )
                }

                #[doc = #items_doc]
                #[inline]
                pub fn into_items(self) -> #runtime::PageItems<'a, #item> {
                    self.into_pages()
                        .into_items(|page: #page| page.#items.unwrap_or_default())
                }
            }
        });
        let pages_method = format_ident!("{snake}_pages");
        let when = format_ident!("{builder}When");
        let then = format_ident!("{builder}Then");
        let mock_doc = format!(
            "Mocks a sequence of `{operation_id}` pages: for each `(token, answer)`, a mock \
             that matches a call asking with that `{token_wire}` (`None`: without one, the \
             first page) and answers `answer`."
        );
        mock_signatures.push(quote! {
            #[doc = #mock_doc]
            fn #pages_method(
                &self,
                pages: &[(::std::option::Option<&str>, #mock_page)],
            ) -> ::std::vec::Vec<::httpmock::Mock<'_>>;
        });
        mock_bodies.push(quote! {
            fn #pages_method(
                &self,
                pages: &[(::std::option::Option<&str>, #mock_page)],
            ) -> ::std::vec::Vec<::httpmock::Mock<'_>> {
                pages
                    .iter()
                    .map(|(token, answer)| {
                        self.#method(|when: operations::#when, then: operations::#then| {
                            // httpmock's `When` shares its state: no need to keep it.
                            let when = when.into_inner();
                            match token {
                                ::std::option::Option::Some(token) => {
                                    when.query_param(#token_wire, *token);
                                }
                                ::std::option::Option::None => {
                                    when.query_param_missing(#token_wire);
                                }
                            }
                            then.ok(answer);
                        })
                    })
                    .collect()
            }
        });
    }
    let client = quote! { #(#impls)* };
    let mock = if mock_signatures.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            /// Mocks of a list operation's pages, one method per operation
            /// with `x-pagination`.
            pub trait MockPagesExt {
                #(#mock_signatures)*
            }
            impl MockPagesExt for ::httpmock::MockServer {
                #(#mock_bodies)*
            }
        }
    };
    Ok((client, mock))
}

/// progenitor's names for `pagination`'s operation in `file`: its builder,
/// its success and error types (from its `send` among `sends`, the file's
/// [`crate::verify::sends`]), and the item type (the
/// success type's `items` field, `Option<Vec<T>>`).
pub(crate) fn names_in(
    file: &syn::File,
    sends: &[crate::verify::Send],
    pagination: &Pagination,
) -> Result<Names, String> {
    let wanted = crate::transform::normalised_name(&pagination.operation_id);
    let send = sends
        .iter()
        .find(|send| crate::transform::normalised_name(&send.operation_id) == wanted)
        .ok_or_else(|| format!("operation {}: no `send` generated", pagination.operation_id))?;
    let Some(page) = send.success.clone() else {
        return Err(format!(
            "operation {}: its `send` has no typed answer",
            pagination.operation_id
        ));
    };
    let page_name = crate::verify::generated_type_name(&page).ok_or_else(|| {
        format!(
            "operation {}: its answer is not a generated type",
            pagination.operation_id
        )
    })?;
    let builder = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "builder" => module.content.as_ref(),
            _ => None,
        })
        .and_then(|(_, items)| {
            items.iter().find_map(|item| match item {
                syn::Item::Struct(s)
                    if crate::transform::normalised_name(&s.ident.to_string()) == wanted =>
                {
                    Some(s.ident.clone())
                }
                _ => None,
            })
        })
        .ok_or_else(|| {
            format!(
                "operation {}: no builder generated",
                pagination.operation_id
            )
        })?;
    let field = format_ident!("{}", crate::validation::snake_case(&pagination.items));
    let item = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => module.content.as_ref(),
            _ => None,
        })
        .and_then(|(_, items)| {
            items.iter().find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == page_name => Some(s),
                _ => None,
            })
        })
        .and_then(|page| match &page.fields {
            syn::Fields::Named(named) => named
                .named
                .iter()
                .find(|f| f.ident.as_ref() == Some(&field))
                .map(|f| f.ty.clone()),
            _ => None,
        })
        .and_then(|ty| element(&ty, "Option").and_then(|vec| element(&vec, "Vec")))
        .ok_or_else(|| {
            format!(
                "operation {}: `types::{page_name}` has no field `{field}` of type `Option<Vec<_>>`",
                pagination.operation_id
            )
        })?;
    // A type of the types module is named there without its module.
    let item = match &item {
        syn::Type::Path(path) if path.qself.is_none() && path.path.segments.len() == 1 => {
            let ident = &path.path.segments[0].ident;
            syn::parse_quote!(types::#ident)
        }
        _ => item,
    };
    Ok(Names {
        builder,
        page,
        item,
    })
}

/// `T` of `Name<T>` (the last path segment named `name`).
fn element(ty: &syn::Type, name: &str) -> Option<syn::Type> {
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
    match arguments.args.first()? {
        syn::GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    }
}
