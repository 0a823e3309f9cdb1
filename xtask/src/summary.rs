//! What changed between two generated files, at the level a reader cares about:
//! operations and types added, removed or changed.

use std::collections::BTreeMap;

use quote::ToTokens;

use codegen::Generated;

/// Summarises, one line per kind of change, how `new` differs from the
/// previously generated `old_code` (empty when there was none).
pub(crate) fn summarize_changes(old_code: &str, new: &Generated) -> String {
    let new_file = syn::parse_file(&new.code).ok();
    let old_file = syn::parse_file(old_code).ok();
    let Some(new_file) = new_file else {
        return "new output does not parse".to_owned();
    };
    let Some(old_file) = old_file else {
        return format!(
            "no previous generated file: {} operations, {} types",
            new.operations.len(),
            new.types.len()
        );
    };
    let mut lines = Vec::new();
    for (what, old, new) in [
        ("operations", operations(&old_file), operations(&new_file)),
        ("types", types(&old_file), types(&new_file)),
    ] {
        let added: Vec<_> = new
            .keys()
            .filter(|k| !old.contains_key(*k))
            .cloned()
            .collect();
        let removed: Vec<_> = old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect();
        let changed: Vec<_> = new
            .iter()
            .filter(|(k, v)| old.get(*k).is_some_and(|o| o != *v))
            .map(|(k, _)| k.clone())
            .collect();
        for (verb, names) in [("added", added), ("removed", removed), ("changed", changed)] {
            if !names.is_empty() {
                lines.push(format!("{what} {verb}: {}", names.join(", ")));
            }
        }
    }
    if lines.is_empty() {
        lines.push("no operation or type changed (only other generated items)".to_owned());
    }
    lines.join("\n")
}

/// Client methods (one per operation) with the tokens of the method and of its
/// builder, keyed by method name.
fn operations(file: &syn::File) -> BTreeMap<String, String> {
    let builders = module_items(file, "builder");
    let mut out = BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        if block.trait_.is_some() || block.self_ty.to_token_stream().to_string() != "Client" {
            continue;
        }
        for member in &block.items {
            let syn::ImplItem::Fn(method) = member else {
                continue;
            };
            let name = method.sig.ident.to_string();
            // Operation methods return `builder::<Operation><'_>`; the others
            // (`new`, `builder`, ...) are not operations.
            let syn::ReturnType::Type(_, ty) = &method.sig.output else {
                continue;
            };
            let Some(builder_name) = builder_type_name(ty) else {
                continue;
            };
            let mut text = method.to_token_stream().to_string();
            if let Some(builder) = builders.get(&builder_name) {
                text.push_str(builder);
            }
            out.insert(name, text);
        }
    }
    out
}

/// `Operation` for a type written `builder::Operation<'_>`.
fn builder_type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segments: Vec<_> = path.path.segments.iter().collect();
    match segments[..] {
        [module, last] if module.ident == "builder" => Some(last.ident.to_string()),
        _ => None,
    }
}

/// The name of the type an `impl` block is for: its path's last segment.
fn self_type_name(ty: &syn::Type) -> Option<String> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    path.path.segments.last().map(|s| s.ident.to_string())
}

fn types(file: &syn::File) -> BTreeMap<String, String> {
    module_items(file, "types")
}

/// Items of a top-level module, keyed by name: structs, enums and aliases with
/// the inherent and trait impls for them appended.
fn module_items(file: &syn::File, module_name: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let items = file.items.iter().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == module_name => m.content.as_ref().map(|(_, i)| i),
        _ => None,
    });
    for item in items.into_iter().flatten() {
        let name = match item {
            syn::Item::Struct(s) => s.ident.to_string(),
            syn::Item::Enum(e) => e.ident.to_string(),
            syn::Item::Type(t) => t.ident.to_string(),
            syn::Item::Impl(i) => match self_type_name(&i.self_ty) {
                Some(name) => name,
                None => continue,
            },
            _ => continue,
        };
        out.entry(name)
            .or_default()
            .push_str(&item.to_token_stream().to_string());
    }
    out
}
