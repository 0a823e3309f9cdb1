//! Edits to progenitor's output, made on its syntax tree before printing.
//!
//! typify gives an object that is open to other keys (`additionalProperties:
//! {}`) a flattened `extra` map, but then treats that map as required: its
//! builder refuses to build without one, and the struct loses `Default`. An
//! empty map is the natural default (no other keys), so:
//! - the builders start `extra` as an empty map instead of an error;
//! - the structs derive `Default` when every other field is an `Option`.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

/// The name typify gives the flattened map of other keys.
const EXTRA: &str = "extra";

/// Applies every edit to `file`.
pub(crate) fn apply(file: &mut syn::File) {
    ExtraDefaults.visit_file_mut(file);
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
