//! Drops the struct builders no request uses, on progenitor's token stream.
//!
//! With the builder interface, typify gives every struct in `types` a builder
//! in `types::builder`, plus an `impl X { pub fn builder() }`. Requests need
//! them: an operation's `.body(..)`/`.body_map(..)` hold a
//! `types::builder::X`, and a builder's setters take the builders of the
//! structs nested in it. Response types never need one: they are decoded, not
//! built, and (every field being optional after `transform`) they derive
//! `Default`, so a test builds one with `..Default::default()`. Those builders
//! were about 70% of the generated lines, which every user compiles.
//!
//! This runs before syn parses the output, so the dropped code is never parsed,
//! post-processed or printed. It only reads the shapes typify emits (a module
//! is `mod name { items }`; an item ends at a top-level `;` or at its body's
//! braces); anything it does not recognise is kept, and syn still parses the
//! result, so a misreading fails loudly instead of emitting wrong code.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Delimiter, Group, Ident, TokenStream, TokenTree};

/// Removes from progenitor's client `tokens` the builders of types that no
/// operation builder reaches, and each such type's `builder()` method.
pub(crate) fn unused_builders(tokens: TokenStream) -> TokenStream {
    let mut items = split_items(tokens);
    let Some(types_index) = items
        .iter()
        .position(|item| module_name(item) == Some("types"))
    else {
        return items.into_iter().collect();
    };
    let roots = {
        let mut roots = BTreeSet::new();
        for (index, item) in items.iter().enumerate() {
            if index != types_index {
                collect_paths(item, &["types", "builder"], &mut roots);
            }
        }
        roots
    };
    let types_module = std::mem::take(&mut items[types_index]);
    items[types_index] = edit_module_body(types_module, |type_items| {
        let Some(builder_index) = type_items
            .iter()
            .position(|item| module_name(item) == Some("builder"))
        else {
            return type_items;
        };
        let mut kept = BTreeSet::new();
        let mut type_items = type_items;
        let builder_module = std::mem::take(&mut type_items[builder_index]);
        type_items[builder_index] = edit_module_body(builder_module, |builder_items| {
            let owners: Vec<Option<String>> = builder_items.iter().map(owner).collect();
            kept = reachable(&builder_items, &owners, roots);
            builder_items
                .into_iter()
                .zip(owners)
                .filter(|(_, owner)| owner.as_ref().is_none_or(|name| kept.contains(name)))
                .map(|(item, _)| item)
                .collect()
        });
        type_items
            .into_iter()
            .filter(|item| builder_method_owner(item).is_none_or(|name| kept.contains(&name)))
            .collect()
    });
    items.into_iter().collect()
}

/// The builder names reachable from `roots`: a kept builder keeps the builders
/// of the types its own items name as `super::Name`. `owners[i]` is the
/// [`owner`] of `builder_items[i]`.
fn reachable(
    builder_items: &[TokenStream],
    owners: &[Option<String>],
    roots: BTreeSet<String>,
) -> BTreeSet<String> {
    let mut by_owner: BTreeMap<&str, Vec<&TokenStream>> = BTreeMap::new();
    for (item, owner) in builder_items.iter().zip(owners) {
        if let Some(name) = owner {
            by_owner.entry(name).or_default().push(item);
        }
    }
    let mut kept = BTreeSet::new();
    let mut pending: Vec<String> = roots.into_iter().collect();
    while let Some(name) = pending.pop() {
        let Some(items) = by_owner.get(name.as_str()) else {
            continue;
        };
        if !kept.insert(name) {
            continue;
        }
        let mut named = BTreeSet::new();
        for item in items {
            collect_paths(item, &["super"], &mut named);
        }
        pending.extend(named.into_iter().filter(|n| !kept.contains(n)));
    }
    kept
}

/// Splits a sequence of items at the token level: an item ends at a top-level
/// `;`, or at a brace group not followed by `;` (`struct S { .. }`, `impl ..
/// { .. }`, `mod m { .. }`; `use a::{b, c};` keeps its `;`).
fn split_items(tokens: TokenStream) -> Vec<TokenStream> {
    let mut items = Vec::new();
    let mut current = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let ends = match &token {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        current.push(token);
        if ends {
            items.push(current.drain(..).collect());
        }
    }
    if !current.is_empty() {
        items.push(current.into_iter().collect());
    }
    items
}

/// `Some(name)` when `item` is `.. mod name { .. }`.
fn module_name(item: &TokenStream) -> Option<&'static str> {
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    let (name, _) = named_block(&tokens, "mod")?;
    ["types", "builder"].into_iter().find(|known| name == known)
}

/// The name and body when `tokens` end in `keyword name { body }`.
fn named_block<'t>(tokens: &'t [TokenTree], keyword: &str) -> Option<(&'t Ident, &'t Group)> {
    match tokens {
        [
            ..,
            TokenTree::Ident(k),
            TokenTree::Ident(name),
            TokenTree::Group(body),
        ] if k == keyword && body.delimiter() == Delimiter::Brace => Some((name, body)),
        _ => None,
    }
}

/// Rebuilds the module `item` with its body's items passed through `edit`.
fn edit_module_body(
    item: TokenStream,
    edit: impl FnOnce(Vec<TokenStream>) -> Vec<TokenStream>,
) -> TokenStream {
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    if let Some(TokenTree::Group(body)) = tokens.pop() {
        let items = edit(split_items(body.stream()));
        let mut group = Group::new(Delimiter::Brace, items.into_iter().collect());
        group.set_span(body.span());
        tokens.push(TokenTree::Group(group));
    }
    tokens.into_iter().collect()
}

/// The builder an item of `types::builder` belongs to: the struct's name, or
/// the self type of an impl (`impl X`, `impl Trait for X`, `impl Trait<X> for
/// super::X`: the last identifier of the self type).
fn owner(item: &TokenStream) -> Option<String> {
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    let keyword = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(i) if i == "struct" || i == "impl"))?;
    match &tokens[keyword] {
        TokenTree::Ident(i) if i == "struct" => match tokens.get(keyword + 1) {
            Some(TokenTree::Ident(name)) => Some(name.to_string()),
            _ => None,
        },
        _ => {
            let header = &tokens[keyword + 1..tokens.len().saturating_sub(1)];
            let self_type = match header
                .iter()
                .rposition(|t| matches!(t, TokenTree::Ident(i) if i == "for"))
            {
                Some(at) => &header[at + 1..],
                None => header,
            };
            self_type.iter().rev().find_map(|t| match t {
                TokenTree::Ident(name) => Some(name.to_string()),
                _ => None,
            })
        }
    }
}

/// `Some(X)` when `item` is typify's `impl X { pub fn builder() -> .. }`.
fn builder_method_owner(item: &TokenStream) -> Option<String> {
    let tokens: Vec<TokenTree> = item.clone().into_iter().collect();
    let (name, body) = named_block(&tokens, "impl").filter(|_| tokens.len() == 3)?;
    let body: Vec<TokenTree> = body.stream().into_iter().take(3).collect();
    let is_builder_fn = matches!(
        body.as_slice(),
        [TokenTree::Ident(vis), TokenTree::Ident(fn_), TokenTree::Ident(method)]
            if vis == "pub" && fn_ == "fn" && method == "builder"
    );
    is_builder_fn.then(|| name.to_string())
}

/// Adds to `found` every `Name` written as `prefix::..::Name` anywhere in
/// `tokens`, groups included (`prefix` may itself follow other segments:
/// `::a::types::builder::Name` counts for `["types", "builder"]`).
fn collect_paths(tokens: &TokenStream, prefix: &[&str], found: &mut BTreeSet<String>) {
    // How many segments of `prefix` the current path has matched, and how many
    // `:` have followed the last identifier.
    let mut matched = 0;
    let mut colons = 0;
    for token in tokens.clone() {
        match token {
            TokenTree::Ident(ident) => {
                let continues = matched > 0 && colons == 2;
                if continues && matched == prefix.len() {
                    found.insert(ident.to_string());
                    matched = 0;
                } else if continues && ident == prefix[matched] {
                    matched += 1;
                } else {
                    matched = usize::from(ident == prefix[0]);
                }
                colons = 0;
            }
            TokenTree::Punct(p) if p.as_char() == ':' => colons += 1,
            TokenTree::Group(group) => {
                collect_paths(&group.stream(), prefix, found);
                (matched, colons) = (0, 0);
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => (matched, colons) = (0, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn names(items: &[TokenStream]) -> Vec<Option<String>> {
        items.iter().map(owner).collect()
    }

    #[test]
    fn items_split_at_semicolons_and_bodies() {
        let items = split_items(quote! {
            use a::{b, c};
            #[derive(Debug)]
            pub struct S { x: u8 }
            impl ::std::convert::TryFrom<S> for super::S { fn f() {} }
            pub struct T(u8);
            const C: S = S { x: 1 };
            mod m { fn g() {} }
        });
        let text: Vec<String> = items.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "use a :: { b , c } ;",
                "# [derive (Debug)] pub struct S { x : u8 }",
                "impl :: std :: convert :: TryFrom < S > for super :: S { fn f () { } }",
                "pub struct T (u8) ;",
                "const C : S = S { x : 1 } ;",
                "mod m { fn g () { } }",
            ]
        );
    }

    #[test]
    fn owners_are_the_struct_or_the_self_type() {
        let items = split_items(quote! {
            pub struct Post { a: u8 }
            impl ::std::default::Default for Post { }
            impl Post { pub fn a(self) -> Self { self } }
            impl ::std::convert::TryFrom<Post> for super::Post { }
            impl ::std::convert::From<super::Post> for Post { }
            fn free() {}
        });
        let post = Some("Post".to_owned());
        assert_eq!(
            names(&items),
            [
                post.clone(),
                post.clone(),
                post.clone(),
                post.clone(),
                post,
                None
            ]
        );
    }

    #[test]
    fn unreached_builders_and_their_methods_go() {
        let tokens = quote! {
            pub mod types {
                pub struct Request { pub data: Data }
                impl Request { pub fn builder() -> builder::Request { Default::default() } }
                pub struct Data { pub x: u8 }
                impl Data { pub fn builder() -> builder::Data { Default::default() } }
                pub struct Response { pub x: u8 }
                impl Response { pub fn builder() -> builder::Response { Default::default() } }
                impl Response { pub fn other(&self) {} }
                pub mod builder {
                    pub struct Request { data: Result<super::Data, String> }
                    impl Request { pub fn data<T: TryInto<super::Data>>(self, v: T) -> Self { self } }
                    pub struct Data { x: Result<u8, String> }
                    impl ::std::convert::TryFrom<Data> for super::Data { }
                    pub struct Response { x: Result<u8, String> }
                    impl ::std::convert::TryFrom<Response> for super::Response { }
                    impl ::std::convert::From<super::Response> for Response { }
                }
            }
            pub mod builder {
                pub struct CreateThing { body: Result<types::builder::Request, String> }
            }
        };
        let pruned = unused_builders(tokens).to_string();
        let expected = quote! {
            pub mod types {
                pub struct Request { pub data: Data }
                impl Request { pub fn builder() -> builder::Request { Default::default() } }
                pub struct Data { pub x: u8 }
                impl Data { pub fn builder() -> builder::Data { Default::default() } }
                pub struct Response { pub x: u8 }
                impl Response { pub fn other(&self) {} }
                pub mod builder {
                    pub struct Request { data: Result<super::Data, String> }
                    impl Request { pub fn data<T: TryInto<super::Data>>(self, v: T) -> Self { self } }
                    pub struct Data { x: Result<u8, String> }
                    impl ::std::convert::TryFrom<Data> for super::Data { }
                }
            }
            pub mod builder {
                pub struct CreateThing { body: Result<types::builder::Request, String> }
            }
        };
        assert_eq!(pruned, expected.to_string());
    }

    #[test]
    fn paths_are_found_after_their_prefix_at_any_depth() {
        let mut found = BTreeSet::new();
        let tokens = quote! {
            a: Result<types::builder::One, String>,
            f(::crate_name::types::builder::Two),
            types::Three, builder::Four, types::builder, types: builder::Five
        };
        collect_paths(&tokens, &["types", "builder"], &mut found);
        assert_eq!(found, BTreeSet::from(["One".to_owned(), "Two".to_owned()]));
    }

    #[test]
    fn output_without_a_types_module_is_untouched() {
        let tokens = quote! { pub struct Client { a: u8 } impl Client {} };
        assert_eq!(
            unused_builders(tokens.clone()).to_string(),
            tokens.to_string()
        );
    }
}
