//! `multipart/form-data` request bodies, which progenitor does not generate.
//!
//! A form body's schema is an object whose properties are either files
//! (`type: string, format: binary`, or an array of those: one part per file,
//! all under the property's name) or text (a string, number, integer or
//! boolean: one text part). [`split`] reads one into those two halves, and
//! is the one reader of the shape: the checks refuse what it refuses, the
//! transform gives progenitor the text half as an
//! `application/x-www-form-urlencoded` body (a typed body builder it knows),
//! the validation tables check the text half, and `postprocess` adds a
//! method per file property to the operation's builder and sends the whole
//! as multipart through the including crate's `upload` module.

use quote::ToTokens;
use serde_json::{Map, Value};

use crate::document::{escape, resolve};

/// The media type of a multipart form body.
pub(crate) const MULTIPART: &str = "multipart/form-data";

/// What progenitor is given in its place.
pub(crate) const STAND_IN: &str = "application/x-www-form-urlencoded";

/// A file property of a form: the builder method and the parts it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileField {
    /// The property's name, which every part it sends carries.
    pub(crate) name: String,
    /// An array of files (`parts(...)` takes several), or one file.
    pub(crate) many: bool,
    /// The form needs at least one file here.
    pub(crate) required: bool,
    /// The property's description, for the builder method's documentation.
    pub(crate) description: Option<String>,
}

/// A form body's schema in its two halves.
#[derive(Debug, Clone)]
pub(crate) struct Form {
    /// The schema of the text parts: the form's object schema without its
    /// file properties (and without them in `required`).
    pub(crate) text: Value,
    /// The file properties, by name (the JSON view's order).
    pub(crate) files: Vec<FileField>,
}

/// The form body of an operation.
#[derive(Debug, Clone)]
pub(crate) struct FormBody {
    /// Where the body's schema stands (`.../content/multipart~1form-data/schema`).
    pub(crate) pointer: String,
    /// Where the object schema it resolves to stands (a component's pointer
    /// when the body refers to one).
    pub(crate) resolved: String,
    /// The operationId (`uploadFile`).
    pub(crate) operation_id: String,
    /// The body read into its halves, or why it cannot be: `(pointer, reason)`.
    pub(crate) form: Result<Form, (String, String)>,
}

/// Every operation's form body, in document order.
pub(crate) fn bodies(document: &Value) -> Vec<FormBody> {
    let mut found = Vec::new();
    for (route, method, operation) in crate::document::operations(document) {
        let base = format!("/paths/{}/{method}/requestBody", escape(route));
        let Some(body) = operation.get("requestBody") else {
            continue;
        };
        let body = resolve(document, body, &base);
        let Some(schema) = body
            .value
            .get("content")
            .and_then(|content| content.get(MULTIPART))
            .and_then(|media| media.get("schema"))
        else {
            continue;
        };
        let pointer = format!("{}/content/{}/schema", body.pointer, escape(MULTIPART));
        let resolved = resolve(document, schema, &pointer);
        found.push(FormBody {
            pointer: pointer.clone(),
            resolved: resolved.pointer.clone(),
            operation_id: operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            form: split(document, resolved.value, &resolved.pointer),
        });
    }
    found
}

/// Reads a form's object schema, standing at `at`, into its text and file
/// halves. Refused, with the pointer of the part at fault: a schema that is
/// not an object with properties, a combination (`allOf`, ...), and a
/// property that is neither a file, an array of files, nor a scalar.
pub(crate) fn split(document: &Value, schema: &Value, at: &str) -> Result<Form, (String, String)> {
    let refuse = |pointer: String, reason: String| Err((pointer, reason));
    let Value::Object(object) = schema else {
        return refuse(
            at.to_owned(),
            "a form body's schema must be an object".to_owned(),
        );
    };
    for keyword in ["allOf", "anyOf", "oneOf", "not"] {
        if object.contains_key(keyword) {
            return refuse(
                format!("{at}/{keyword}"),
                format!(
                    "a multipart form's schema with `{keyword}` is not generated: list its parts \
                     as the `properties` of one object"
                ),
            );
        }
    }
    let Some(Value::Object(properties)) = object.get("properties") else {
        return refuse(
            at.to_owned(),
            "a multipart form's schema needs `properties`: one per part".to_owned(),
        );
    };
    let required: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut files = Vec::new();
    let mut text = Map::new();
    for (name, property) in properties {
        let property_at = format!("{at}/properties/{}", escape(name));
        let resolved = resolve(document, property, &property_at);
        match part_kind(document, resolved.value, &resolved.pointer)? {
            Part::Text => {
                text.insert(name.clone(), property.clone());
            }
            Part::File { .. } if TAKEN.contains(&crate::validation::snake_case(name).as_str()) => {
                return refuse(
                    property_at,
                    format!(
                        "a file part named `{name}` would be the builder method `{}`, which the \
                         builder has already; rename the part",
                        crate::validation::snake_case(name)
                    ),
                );
            }
            Part::File { many } => files.push(FileField {
                name: name.clone(),
                many,
                required: required.contains(&name.as_str()),
                description: resolved
                    .value
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }),
        }
    }
    let mut text_schema = object.clone();
    text_schema.insert("properties".to_owned(), Value::Object(text));
    let text_required: Vec<Value> = required
        .iter()
        .filter(|name| !files.iter().any(|file| file.name == **name))
        .map(|name| Value::String((*name).to_owned()))
        .collect();
    if text_required.is_empty() {
        text_schema.remove("required");
    } else {
        text_schema.insert("required".to_owned(), Value::Array(text_required));
    }
    Ok(Form {
        text: Value::Object(text_schema),
        files,
    })
}

enum Part {
    Text,
    File { many: bool },
}

fn is_binary(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("binary")
}

fn part_kind(document: &Value, schema: &Value, at: &str) -> Result<Part, (String, String)> {
    if is_binary(schema) {
        return Ok(Part::File { many: false });
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string" | "integer" | "number" | "boolean") => Ok(Part::Text),
        Some("array") => {
            let items = schema.get("items").unwrap_or(&Value::Null);
            let items_at = format!("{at}/items");
            let items = resolve(document, items, &items_at);
            if is_binary(items.value) {
                Ok(Part::File { many: true })
            } else {
                Err((
                    items.pointer,
                    "an array part of a multipart form must be of files (`type: string, format: \
                     binary`); an array of text parts is not generated"
                        .to_owned(),
                ))
            }
        }
        Some(other) => Err((
            at.to_owned(),
            format!(
                "a part of type `{other}` in a multipart form is not generated: a part is a file \
                 (`type: string, format: binary`), an array of files, or a string, number, \
                 integer or boolean"
            ),
        )),
        None => Err((
            at.to_owned(),
            "a part of a multipart form needs a `type`: a file (`type: string, format: binary`), \
             an array of files, or a string, number, integer or boolean"
                .to_owned(),
        )),
    }
}

/// Builder methods that progenitor gives every builder with a body: a file
/// field of one of these names would collide with them.
const TAKEN: [&str; 6] = ["new", "body", "body_map", "send", "client", "into_inner"];

/// Edits progenitor's output for each form operation (`forms`: operationId
/// -> its file fields): its builder gets a field and a method per file field
/// and loses `Clone` (a streamed file is sent once); its `send` sends the
/// text body and the files as multipart through `upload::form` instead of
/// url-encoding the text; its mock's `body` matches text parts, and it gets
/// a matcher per file field. `upload` is the runtime module's path.
pub(crate) fn apply(
    file: &mut syn::File,
    forms: &std::collections::BTreeMap<String, Vec<FileField>>,
    upload: &syn::Path,
) {
    use syn::visit_mut::VisitMut;
    for (operation_id, fields) in forms {
        FormEdit {
            operation_id,
            fields,
            upload,
        }
        .visit_file_mut(file);
    }
}

struct FormEdit<'a> {
    operation_id: &'a str,
    fields: &'a [FileField],
    upload: &'a syn::Path,
}

impl FormEdit<'_> {
    fn named(&self, ident: &syn::Ident, suffix: &str) -> bool {
        let name = ident.to_string();
        name.strip_suffix(suffix).is_some_and(|stem| {
            crate::transform::normalised_name(stem)
                == crate::transform::normalised_name(self.operation_id)
        })
    }

    fn idents(&self) -> Vec<syn::Ident> {
        self.fields
            .iter()
            .map(|field| quote::format_ident!("{}", crate::validation::snake_case(&field.name)))
            .collect()
    }

    fn edit_struct(&self, builder: &mut syn::ItemStruct) {
        let upload = self.upload;
        for attribute in &mut builder.attrs {
            if attribute.path().is_ident("derive") {
                let kept: Vec<syn::Path> = attribute
                    .parse_args_with(
                        syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                    )
                    .map(|paths| paths.into_iter().filter(|p| !p.is_ident("Clone")).collect())
                    .unwrap_or_default();
                *attribute = syn::parse_quote!(#[derive(#(#kept),*)]);
            }
        }
        if let syn::Fields::Named(named) = &mut builder.fields {
            for (field, ident) in self.fields.iter().zip(self.idents()) {
                let ty: syn::Type = if field.many {
                    syn::parse_quote!(::std::vec::Vec<#upload::FilePart>)
                } else {
                    syn::parse_quote!(::std::option::Option<#upload::FilePart>)
                };
                named.named.push(syn::parse_quote!(#ident: #ty));
            }
        }
    }

    fn edit_impl(&self, item: &mut syn::ItemImpl) {
        let upload = self.upload;
        let idents = self.idents();
        let operation_id = self.operation_id;
        let mut methods: Vec<syn::ImplItem> = Vec::new();
        for (field, ident) in self.fields.iter().zip(&idents) {
            let about = field
                .description
                .as_deref()
                .map(|d| format!(" ({})", d.trim_end_matches('.')))
                .unwrap_or_default();
            let required = if field.required {
                "required"
            } else {
                "optional"
            };
            methods.push(if field.many {
                let doc = format!(
                    "Adds files to the form's `{}` field{about}, one part each, after any given \
                     before; {required}. See [`FilePart`]({}::FilePart) for bytes, paths and streams.",
                    field.name,
                    upload.to_token_stream().to_string().replace(' ', ""),
                );
                syn::parse_quote! {
                    #[doc = #doc]
                    pub fn #ident<I>(mut self, files: I) -> Self
                    where
                        I: ::std::iter::IntoIterator<Item = #upload::FilePart>,
                    {
                        self.#ident.extend(files);
                        self
                    }
                }
            } else {
                let doc = format!(
                    "Sets the form's `{}` file{about}; {required}. See [`FilePart`]({}::FilePart) \
                     for bytes, paths and streams.",
                    field.name,
                    upload.to_token_stream().to_string().replace(' ', ""),
                );
                syn::parse_quote! {
                    #[doc = #doc]
                    pub fn #ident(mut self, file: #upload::FilePart) -> Self {
                        self.#ident = ::std::option::Option::Some(file);
                        self
                    }
                }
            });
        }
        let file_fields: Vec<proc_macro2::TokenStream> = self
            .fields
            .iter()
            .zip(&idents)
            .map(|(field, ident)| {
                let name = &field.name;
                let required = field.required;
                quote::quote! {
                    #upload::FileField {
                        name: #name,
                        required: #required,
                        parts: ::std::iter::IntoIterator::into_iter(#ident).collect(),
                    }
                }
            })
            .collect();
        let multipart: syn::Expr = syn::parse_quote! {
            #upload::form(
                client.inner(),
                #operation_id,
                super::validation::check_request,
                &body,
                ::std::vec![#(#file_fields),*],
            )
            .await?
        };
        syn::visit_mut::VisitMut::visit_item_impl_mut(
            &mut SendEdit {
                idents: &idents,
                multipart,
            },
            item,
        );
        item.items.extend(methods);
    }

    fn edit_mock(&self, item: &mut syn::ItemImpl) {
        let upload = self.upload;
        for member in &mut item.items {
            if let syn::ImplItem::Fn(method) = member
                && method.sig.ident == "body"
            {
                method.block = syn::parse_quote!({
                    Self(#upload::mock::text_parts(self.0, value))
                });
                method.attrs.push(syn::parse_quote!(
                    #[doc = "Matches a multipart body with a text part holding each field of `value` that is set."]
                ));
            }
        }
        for (field, ident) in self.fields.iter().zip(self.idents()) {
            let name = &field.name;
            let doc =
                format!("Matches a multipart body with a `{name}` file part named `file_name`.");
            item.items.push(syn::parse_quote! {
                #[doc = #doc]
                pub fn #ident(self, file_name: &str) -> Self {
                    Self(#upload::mock::file_part(self.0, #name, file_name))
                }
            });
        }
    }
}

impl syn::visit_mut::VisitMut for FormEdit<'_> {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        let Some((_, items)) = &mut module.content else {
            return;
        };
        if module.ident == "builder" {
            for item in items.iter_mut() {
                match item {
                    syn::Item::Struct(builder) if self.named(&builder.ident, "") => {
                        self.edit_struct(builder);
                    }
                    syn::Item::Impl(item) if item.trait_.is_none() && self.impl_named(item, "") => {
                        self.edit_impl(item);
                    }
                    _ => {}
                }
            }
            return;
        }
        if module.ident == "operations" {
            for item in items.iter_mut() {
                if let syn::Item::Impl(item) = item
                    && item.trait_.is_none()
                    && self.impl_named(item, "When")
                {
                    self.edit_mock(item);
                }
            }
            return;
        }
        syn::visit_mut::visit_item_mod_mut(self, module);
    }
}

impl FormEdit<'_> {
    fn impl_named(&self, item: &syn::ItemImpl, suffix: &str) -> bool {
        matches!(&*item.self_ty, syn::Type::Path(path)
            if path.path.segments.last().is_some_and(|last| self.named(&last.ident, suffix)))
    }
}

/// Inside a form builder's impl: `new` starts the file fields empty, `send`
/// takes them out of `self` and sends multipart.
struct SendEdit<'a> {
    idents: &'a [syn::Ident],
    multipart: syn::Expr,
}

impl syn::visit_mut::VisitMut for SendEdit<'_> {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        syn::visit_mut::visit_expr_struct_mut(self, expr);
        if expr.path.is_ident("Self") {
            for ident in self.idents {
                expr.fields.push(syn::parse_quote!(
                    #ident: ::std::default::Default::default()
                ));
            }
        }
    }

    fn visit_pat_struct_mut(&mut self, pattern: &mut syn::PatStruct) {
        syn::visit_mut::visit_pat_struct_mut(self, pattern);
        if pattern.path.is_ident("Self") {
            for ident in self.idents {
                pattern.fields.push(syn::FieldPat {
                    attrs: Vec::new(),
                    member: syn::Member::Named(ident.clone()),
                    colon_token: None,
                    pat: Box::new(syn::parse_quote!(#ident)),
                });
            }
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        if let syn::Expr::Try(tried) = expr
            && let syn::Expr::MethodCall(call) = &*tried.expr
            && call.method == "form_urlencoded"
        {
            let receiver = &call.receiver;
            let multipart = &self.multipart;
            *expr = syn::parse_quote!(#receiver.multipart(#multipart));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_form_splits_into_text_and_file_parts() {
        let document = json!({});
        let schema = json!({
            "type": "object",
            "required": ["files", "title"],
            "properties": {
                "files": { "type": "array", "description": "file data",
                           "items": { "type": "string", "format": "binary" } },
                "cover": { "type": "string", "format": "binary" },
                "title": { "type": "string", "maxLength": 10 },
            },
        });
        let form = split(&document, &schema, "/s").unwrap();
        assert_eq!(
            form.files,
            [
                FileField {
                    name: "cover".to_owned(),
                    many: false,
                    required: false,
                    description: None,
                },
                FileField {
                    name: "files".to_owned(),
                    many: true,
                    required: true,
                    description: Some("file data".to_owned()),
                },
            ]
        );
        assert_eq!(
            form.text,
            json!({
                "type": "object",
                "required": ["title"],
                "properties": { "title": { "type": "string", "maxLength": 10 } },
            })
        );
    }

    #[test]
    fn an_object_part_is_refused_at_its_pointer() {
        let schema = json!({
            "type": "object",
            "properties": { "meta": { "type": "object" } },
        });
        let (at, reason) = split(&json!({}), &schema, "/s").unwrap_err();
        assert_eq!(at, "/s/properties/meta");
        assert!(reason.starts_with("a part of type `object`"), "{reason}");
    }

    #[test]
    fn an_array_of_text_is_refused_at_its_items() {
        let schema = json!({
            "type": "object",
            "properties": { "tags": { "type": "array", "items": { "type": "string" } } },
        });
        let (at, _) = split(&json!({}), &schema, "/s").unwrap_err();
        assert_eq!(at, "/s/properties/tags/items");
    }
}
