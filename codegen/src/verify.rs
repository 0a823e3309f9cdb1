//! After generation: each operation decodes the types the spec names.
//!
//! progenitor and typify name types themselves; two schemas that end up with
//! one Rust name give one type, and the client then decodes, say, an error body
//! as the success envelope, and compiles. This check reads what the generated
//! operations decode (`ResponseValue<types::T>` and `Error<types::E>` of each
//! `send`) and compares it with the component schemas the (transformed) spec
//! names for the operation's success and error bodies. A difference fails the
//! generation, naming the operation and both types.

use std::collections::BTreeMap;

use quote::ToTokens;
use serde_json::Value;
use syn::visit::Visit;

use crate::error::Refusal;
use crate::transform::normalised_name;

/// Compares the generated operations of `file` with `document` (the spec
/// progenitor saw), refusing every operation that differs.
pub(crate) fn answer_types(document: &Value, file: &syn::File) -> Result<(), Vec<Refusal>> {
    let generated = generated_answers(file);
    let Some(Value::Object(paths)) = document.get("paths") else {
        return Ok(());
    };
    let mut refusals = Vec::new();
    for item in paths.values() {
        let Value::Object(item) = item else { continue };
        for operation in item.values() {
            let Some(operation_id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let Some((success, error)) = generated.get(&normalised_name(operation_id)) else {
                continue;
            };
            let named = named_bodies(document, operation);
            for (side, expected, found) in [
                ("success", &named.success, success),
                ("error", &named.error, error),
            ] {
                let (Some(expected), Some(found)) = (expected, found) else {
                    continue;
                };
                if normalised_name(expected) != normalised_name(found) {
                    refusals.push(Refusal {
                        location: format!("operation {operation_id}"),
                        reason: format!(
                            "the generated client decodes its {side} body as `types::{found}`, \
                             but the spec names `#/components/schemas/{expected}` there; two \
                             schemas ended up with one Rust name: rename one of them"
                        ),
                    });
                }
            }
        }
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(refusals)
    }
}

/// The component schemas an operation's bodies name: the success schema of
/// its 2xx answers, and the error schema when its 4xx/5xx answers share one.
struct NamedBodies {
    success: Option<String>,
    error: Option<String>,
}

fn named_bodies(document: &Value, operation: &Value) -> NamedBodies {
    let mut success = None;
    let mut errors: Vec<String> = Vec::new();
    if let Some(Value::Object(responses)) = operation.get("responses") {
        for (status, response) in responses {
            let response = crate::document::target(document, response);
            let Some(name) = response
                .pointer("/content/application~1json/schema")
                .and_then(crate::document::schema_name)
                .map(std::borrow::Cow::into_owned)
            else {
                continue;
            };
            if status.starts_with('2') {
                success.get_or_insert_with(|| name.clone());
            } else if !errors.contains(&name) {
                errors.push(name);
            }
        }
    }
    NamedBodies {
        success,
        error: match &errors[..] {
            [one] => Some(one.clone()),
            _ => None,
        },
    }
}

/// For each operation (by normalised operationId), the `types::` names its
/// `send` decodes: success and error, `None` where it is not a generated type.
fn generated_answers(file: &syn::File) -> BTreeMap<String, (Option<String>, Option<String>)> {
    sends(file)
        .into_iter()
        .map(|send| {
            (
                normalised_name(&send.operation_id),
                (
                    send.success.as_ref().and_then(generated_type_name),
                    send.error.as_ref().and_then(generated_type_name),
                ),
            )
        })
        .collect()
}

/// One operation's `send` in the generated client: what it decodes.
pub(crate) struct Send {
    /// progenitor's `OperationInfo::operation_id` (`create_post`).
    pub(crate) operation_id: String,
    /// `T` of its `ResponseValue<T>`.
    pub(crate) success: Option<syn::Type>,
    /// `E` of its `Error<E>`.
    pub(crate) error: Option<syn::Type>,
}

/// Every operation's `send` in `file` (the client; not `types` or `mock`).
pub(crate) fn sends(file: &syn::File) -> Vec<Send> {
    #[derive(Default)]
    struct Sends(Vec<Send>);
    impl<'ast> Visit<'ast> for Sends {
        fn visit_item_mod(&mut self, module: &'ast syn::ItemMod) {
            if module.ident != "mock" && module.ident != "types" {
                syn::visit::visit_item_mod(self, module);
            }
        }
        fn visit_impl_item_fn(&mut self, function: &'ast syn::ImplItemFn) {
            if function.sig.ident != "send" {
                return;
            }
            let syn::ReturnType::Type(_, output) = &function.sig.output else {
                return;
            };
            let body = function.block.to_token_stream().to_string();
            let operation_id = body
                .split("operation_id :")
                .nth(1)
                .and_then(|rest| rest.split('"').nth(1))
                .unwrap_or("?")
                .to_owned();
            let mut answers = AnswerTypes::default();
            answers.visit_type(output);
            self.0.push(Send {
                operation_id,
                success: answers.success,
                error: answers.error,
            });
        }
    }
    #[derive(Default)]
    struct AnswerTypes {
        success: Option<syn::Type>,
        error: Option<syn::Type>,
    }
    impl<'ast> Visit<'ast> for AnswerTypes {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            let slot = if segment.ident == "ResponseValue" {
                &mut self.success
            } else if segment.ident == "Error" {
                &mut self.error
            } else {
                syn::visit::visit_path_segment(self, segment);
                return;
            };
            if let syn::PathArguments::AngleBracketed(arguments) = &segment.arguments
                && let Some(syn::GenericArgument::Type(answer)) = arguments.args.first()
            {
                *slot = Some(answer.clone());
            }
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let mut sends = Sends::default();
    sends.visit_file(file);
    sends.0
}

/// `X` of `types::X`.
pub(crate) fn generated_type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path)
            if path.qself.is_none()
                && path.path.segments.len() == 2
                && path.path.segments[0].ident == "types" =>
        {
            Some(path.path.segments[1].ident.to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        serde_json::json!({
            "paths": { "/things": { "post": {
                "operationId": "createThing",
                "responses": {
                    "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } },
                    "400": { "$ref": "#/components/responses/Bad" },
                },
            } } },
            "components": { "responses": { "Bad": {
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Problem" } } },
            } } },
        })
    }

    fn client(success: &str, error: &str) -> syn::File {
        let success: syn::Ident = syn::parse_str(success).unwrap();
        let error: syn::Ident = syn::parse_str(error).unwrap();
        syn::parse_quote! {
            pub mod builder {
                impl<'a> CreateThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::#success>, Error<types::#error>> {
                        let info = OperationInfo { operation_id: "create_thing" };
                        todo!()
                    }
                }
            }
        }
    }

    #[test]
    fn the_types_the_spec_names_pass() {
        assert!(answer_types(&document(), &client("Thing", "Problem")).is_ok());
    }

    #[test]
    fn an_error_decoded_as_the_success_type_is_named() {
        let refusals = answer_types(&document(), &client("Thing", "Thing")).unwrap_err();
        let [mismatch] = &refusals[..] else {
            panic!("{refusals:?}");
        };
        assert_eq!(mismatch.location, "operation createThing");
        assert_eq!(
            mismatch.reason,
            "the generated client decodes its error body as `types::Thing`, but the spec names \
             `#/components/schemas/Problem` there; two schemas ended up with one Rust name: \
             rename one of them"
        );
        let refusals = answer_types(&document(), &client("Other", "Problem")).unwrap_err();
        let [mismatch] = &refusals[..] else {
            panic!("{refusals:?}");
        };
        assert!(
            mismatch
                .reason
                .contains("its success body as `types::Other`")
        );
    }

    #[test]
    fn both_bodies_decoded_as_other_types_are_both_named() {
        let refusals = answer_types(&document(), &client("Other", "Thing")).unwrap_err();
        let reasons: Vec<&str> = refusals.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        assert!(reasons[0].contains("its success body as `types::Other`"));
        assert!(reasons[1].contains("its error body as `types::Thing`"));
    }
}
