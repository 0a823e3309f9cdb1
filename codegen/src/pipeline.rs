//! The pipeline: from a checked [`Spec`] to formatted Rust, in order: the
//! spec transforms (`transform`), progenitor for the client and the httpmock
//! helpers, the builders no request reaches dropped (`prune`), the project's
//! own items with `quote` (`validation`, `extensions`), the answer types'
//! tolerant decoding (`tolerant`), syntax-tree edits (`postprocess`), checks
//! of the result (`verify`), and prettyplease to print. [`generate_timed`]
//! reports the time of each step.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::error::Refusal;
use crate::{
    Error, Place, Spec, calls, extensions, form, isolate, pagination, postprocess, prune, tolerant,
    transform, validation, verify,
};

/// The Rust source generated from one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The whole file: header, client, types, request validation, and the
    /// httpmock helpers (behind `#[cfg(feature = "mock")]`).
    pub code: String,
    /// The operationIds, in the spec's order.
    pub operations: Vec<String>,
    /// The names of the generated types under `types::`, sorted.
    pub types: Vec<String>,
}

/// Paths, in the including crate, of the items the generated client leans on.
///
/// The generated file is meant to be `include!`d in a private module of
/// generated-client; these are the only names it takes from there.
mod including_crate {
    /// State carried by every `Client` (progenitor's `inner` value).
    pub(super) const CLIENT_STATE: &str = "crate::hooks::ClientState";
    /// The runtime of tolerant answer decoding ([`crate::tolerant`]).
    pub(super) const DECODE: &str = "crate::decode";
    /// The runtime of request validation ([`crate::validation`]).
    pub(super) const VALIDATE: &str = "crate::validate";
    /// The runtime of multipart form bodies ([`crate::form`]).
    pub(super) const UPLOAD: &str = "crate::upload";
    /// The runtime of list streams ([`crate::pagination`]).
    pub(super) const PAGINATE: &str = "crate::paginate";
    /// The runtime of a call ([`crate::calls`]): `send`, `or_refuse`,
    /// `Response` and `Error`.
    pub(super) const CALL: &str = "crate::call";
}

/// How long each step of one [`generate_timed`] run took, in order.
///
/// For the benchmarks (`cargo run --release -p codegen --example phases`):
/// it tells which step a change in generation time comes from.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// `(step, wall time)`, in the order the steps ran.
    pub steps: Vec<(&'static str, Duration)>,
}

impl Timings {
    fn lap(&mut self, step: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.steps.push((step, now - *since));
        *since = now;
    }
}

/// Generates the client source for `spec`. Same spec, same bytes.
pub fn generate(spec: &Spec) -> Result<Generated, Error> {
    generate_timed(spec).map(|(generated, _)| generated)
}

/// [`generate`], also reporting how long each step took.
pub fn generate_timed(spec: &Spec) -> Result<(Generated, Timings), Error> {
    let mut timings = Timings::default();
    let mut since = Instant::now();
    let transformed = transform::for_generation(&spec.document)
        .map_err(|message| generator_error(Place::file(&spec.label), message))?;
    timings.lap("transform the spec", &mut since);
    let fail = |message: String| generator_error(Place::file(&spec.label), message);

    let mut generator = Generator::new(&settings());
    let client = run_progenitor(
        spec,
        &transformed,
        || generator.generate_tokens(&transformed.openapi),
        &|generator, openapi| generator.generate_tokens(openapi).map(drop),
    )?;
    timings.lap("progenitor: client and types", &mut since);
    let client = prune::unused_builders(client);
    timings.lap("drop unused struct builders", &mut since);
    let mock = run_progenitor(
        spec,
        &transformed,
        || generator.httpmock(&transformed.openapi, "super::super"),
        &|generator, openapi| {
            generator.generate_tokens(openapi)?;
            generator.httpmock(openapi, "super::super").map(drop)
        },
    )?;
    timings.lap("progenitor: httpmock helpers", &mut since);
    let validate: syn::Path = parse_path(including_crate::VALIDATE);
    let checks = validation::generate(&spec.openapi, &spec.document, &spec.sources, &validate)?;
    timings.lap("request validation", &mut since);
    let facts = extensions::generate(&spec.facts);

    let tokens = quote! {
        #client

        #checks

        #facts

        /// Typed httpmock helpers: one method per operation on
        /// [`httpmock::MockServer`], for tests of code that uses this client.
        #[cfg(feature = "mock")]
        pub mod mock {
            /// The httpmock these helpers are built against. Use its
            /// `MockServer` (`generated_client::mock::httpmock::MockServer`)
            /// and your tests need no httpmock dependency of their own, nor
            /// one of the same version.
            pub use ::httpmock;

            #mock
        }
    };
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| fail(format!("unparsable output: {e}")))?;
    timings.lap("syn: parse", &mut since);
    // Each pass refuses every operation or type it cannot handle; a later
    // pass reads what the earlier ones made, so it runs only after they
    // refused nothing.
    let placed = |refusals: Vec<Refusal>| -> Vec<Error> {
        refusals
            .into_iter()
            .map(|refusal| {
                let at = refusal_place(spec, &transformed, &refusal);
                refusal.at(at)
            })
            .collect()
    };
    let refused = |refusals: Vec<Refusal>| Error::all(&spec.label, placed(refusals));
    // Three checks of progenitor's output, reported together.
    let mut problems = distinct_type_names(spec, &file);
    problems.extend(
        verify::answer_types(&transformed.document, &file)
            .err()
            .map(placed)
            .unwrap_or_default(),
    );
    problems.extend(placed(method_names(&spec.openapi, &file)));
    Error::all(&spec.label, problems)?;
    postprocess::apply(&mut file, &spec.facts.secret_headers);
    form::apply(
        &mut file,
        &transformed.forms,
        &parse_path(including_crate::UPLOAD),
    );
    let decode: syn::Path = parse_path(including_crate::DECODE);
    let text_answers = text_answers(&spec.document);
    tolerant::apply(&mut file, &decode, &text_answers).or_else(refused)?;
    // After the tolerant pass: an answer's `Debug` prints the `unfit` field it adds.
    postprocess::redact_secret_properties(&mut file, &spec.facts.secret_properties)
        .or_else(refused)?;
    paginate(spec, &mut file)?;
    // Last: the passes before read progenitor's `send` signatures.
    let operations = operation_ids(&spec.openapi);
    calls::apply(&mut file, &parse_path(including_crate::CALL), &operations).or_else(refused)?;
    let types = type_names(&file);
    timings.lap("syn: post-process", &mut since);
    let body = prettyplease::unparse(&file);
    timings.lap("prettyplease", &mut since);
    drop(file);
    let code = format!("{}\n{body}", header(spec));
    let generated = Generated {
        code,
        operations: operation_ids(&spec.openapi),
        types,
    };
    timings.lap("free the syntax tree", &mut since);
    Ok((generated, timings))
}

/// The list operations' `into_pages`/`into_items` (appended to the file)
/// and their mock helpers (appended to `mock`).
fn paginate(spec: &Spec, file: &mut syn::File) -> Result<(), Error> {
    let fail = |message: String| generator_error(Place::file(&spec.label), message);
    let (client, mock) = {
        let sends = verify::sends(file);
        let names = |p: &pagination::Pagination| pagination::names_in(file, &sends, p);
        pagination::generate(
            &spec.facts.paginations,
            &names,
            &parse_path(including_crate::PAGINATE),
        )
        .map_err(&fail)?
    };
    let client: syn::File =
        syn::parse2(client).map_err(|e| fail(format!("unparsable pagination: {e}")))?;
    file.items.extend(client.items);
    let mock: syn::File =
        syn::parse2(mock).map_err(|e| fail(format!("unparsable pagination mocks: {e}")))?;
    if let Some((_, items)) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == "mock" => module.content.as_mut(),
        _ => None,
    }) {
        items.extend(mock.items);
    }
    Ok(())
}

/// No two generated types share a name. typify names an inline schema after
/// its parent and property (`ThingRequest.size` -> `ThingRequestSize`); a
/// component schema of that name makes it emit both under one name. Every
/// such name is refused.
fn distinct_type_names(spec: &Spec, file: &syn::File) -> Vec<Error> {
    let names = type_names(file);
    let mut shared: Vec<String> = names
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0].clone())
        .collect();
    shared.dedup();
    shared
        .into_iter()
        .map(|name| shared_type_name(spec, name))
        .collect()
}

/// The refusal of two generated types named `name`.
fn shared_type_name(spec: &Spec, name: String) -> Error {
    let component = component_named(spec, &name);
    let inline = inline_schema_pointer(spec, &name);
    let (at, reason) = match (component, inline) {
        (Some(component), Some(inline)) => (
            spec.sources.place(&inline),
            format!(
                "typify names this inline schema `{name}`, the name of the component schema \
                 `{component}` ({}): give the inline schema a `title`, or move it to \
                 `components.schemas` under another name",
                spec.sources.place(&crate::document::pointer(&[
                    "components",
                    "schemas",
                    component
                ]))
            ),
        ),
        _ => (
            Place::file(&spec.label),
            format!(
                "two generated types are both named `{name}`; give one of the schemas a `title`"
            ),
        ),
    };
    Error::Unsupported {
        at,
        location: format!("types::{name}"),
        reason,
    }
}

/// The component schema whose Rust type name is `name` (`thing_response`
/// for `ThingResponse`).
fn component_named<'a>(spec: &'a Spec, name: &str) -> Option<&'a String> {
    let wanted = transform::normalised_name(name);
    spec.openapi
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .find(|schema| transform::normalised_name(schema) == wanted)
}

/// The pointer of the inline property schema typify names `name` after its
/// parent component and property (`ThingRequestSize` for property `size` of
/// `ThingRequest`).
fn inline_schema_pointer(spec: &Spec, name: &str) -> Option<String> {
    let wanted = transform::normalised_name(name);
    spec.openapi
        .components
        .iter()
        .flat_map(|c| c.schemas.iter())
        .find_map(|(schema, definition)| {
            let rest = wanted.strip_prefix(&transform::normalised_name(schema))?;
            if rest.is_empty() {
                return None;
            }
            let openapiv3::ReferenceOr::Item(definition) = definition else {
                return None;
            };
            let openapiv3::SchemaKind::Type(openapiv3::Type::Object(object)) =
                &definition.schema_kind
            else {
                return None;
            };
            let property = object
                .properties
                .keys()
                .find(|p| transform::normalised_name(p) == rest)?;
            Some(crate::document::pointer(&[
                "components",
                "schemas",
                schema,
                "properties",
                property,
            ]))
        })
}

/// Where a refusal of a pass over the generated code points in the spec: the
/// operation it names, or the schema a `types::Name` came from.
fn refusal_place(spec: &Spec, transformed: &transform::Transformed, refusal: &Refusal) -> Place {
    let location = refusal.location.as_str();
    if let Some(rest) = location.strip_prefix("operation ") {
        let id = rest.split([' ', ',']).next().unwrap_or_default();
        for (route, method, operation) in spec.openapi.operations() {
            if operation
                .operation_id
                .as_deref()
                .is_some_and(|op| transform::normalised_name(op) == transform::normalised_name(id))
            {
                return spec
                    .sources
                    .place(&crate::document::pointer(&["paths", route, method]));
            }
        }
    }
    if let Some(rest) = location.strip_prefix("types::") {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        return schema_place(spec, transformed, &name);
    }
    Place::file(&spec.label)
}

/// The pointer of the schema typify named `name`: a component schema, a
/// schema the transform named, or a property typify named after its parent
/// (`ProblemDetail` for property `detail` of `Problem`).
fn schema_pointer(spec: &Spec, transformed: &transform::Transformed, name: &str) -> Option<String> {
    let wanted = transform::normalised_name(name);
    if let Some((_, pointer)) = transformed
        .hoisted
        .iter()
        .find(|(hoisted, _)| transform::normalised_name(hoisted) == wanted)
    {
        return Some(pointer.clone());
    }
    match component_named(spec, name) {
        Some(schema) => Some(crate::document::pointer(&["components", "schemas", schema])),
        None => inline_schema_pointer(spec, name),
    }
}

/// Where the schema that became `types::{name}` is written in the spec.
fn schema_place(spec: &Spec, transformed: &transform::Transformed, name: &str) -> Place {
    match schema_pointer(spec, transformed, name) {
        Some(pointer) => spec.sources.place(&pointer),
        None => Place::file(&spec.label),
    }
}

/// The answer types as serde's derive decodes them, strictly (one value that
/// does not fit fails the whole answer): `pub mod types` of [`generate`]'s
/// output without the tolerant decoding pass.
///
/// Only for measuring: generated-client's decoding benchmark runs it next to
/// the tolerant decoding that replaced it.
pub fn generate_strict_answer_types(spec: &Spec) -> Result<String, Error> {
    let transformed = transform::for_generation(&spec.document)
        .map_err(|message| generator_error(Place::file(&spec.label), message))?;
    let mut generator = Generator::new(&settings());
    let client = run_progenitor(
        spec,
        &transformed,
        || generator.generate_tokens(&transformed.openapi),
        &|generator, openapi| generator.generate_tokens(openapi).map(drop),
    )?;
    let client = prune::unused_builders(client);
    let mut file: syn::File = syn::parse2(client).map_err(|e| {
        generator_error(Place::file(&spec.label), format!("unparsable output: {e}"))
    })?;
    postprocess::apply(&mut file, &spec.facts.secret_headers);
    postprocess::redact_secret_properties(&mut file, &spec.facts.secret_properties).or_else(
        |refusals| {
            let problems = refusals
                .into_iter()
                .map(|refusal| {
                    let at = refusal_place(spec, &transformed, &refusal);
                    refusal.at(at)
                })
                .collect();
            Error::all(&spec.label, problems)
        },
    )?;
    file.items
        .retain(|item| matches!(item, syn::Item::Mod(m) if m.ident == "types"));
    Ok(format!(
        "// Generated from {} (sha256 {}): the answer types with serde's derive, strict;\n\
         // the baseline of generated-client's decoding benchmark. Do not edit by hand.\n{}",
        spec.label,
        spec.fingerprint,
        prettyplease::unparse(&file)
    ))
}

/// progenitor's settings: the builder interface, hooks, the including crate's
/// state as the client's inner value.
fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_hooks(HooksMode::Expected)
        .with_inner_type(parse_tokens(including_crate::CLIENT_STATE))
        .with_derive("PartialEq");
    settings
}

/// The first lines of every generated file: what made it, from what, and how to
/// make it again.
fn header(spec: &Spec) -> String {
    format!(
        "// Generated by `cargo xtask regen` from {} (sha256 {}); do not edit by hand.\n\
         // codegen {} with progenitor-impl; edit the spec or codegen and regenerate.\n",
        spec.label,
        spec.fingerprint,
        env!("CARGO_PKG_VERSION"),
    )
}

/// Runs one progenitor step under [`guard`]. When it fails (an error or a
/// panic), `trial` (the same step on a fresh generator) is run on parts of
/// the document to find the operation or schema it fails on, and the error
/// names that place.
fn run_progenitor(
    spec: &Spec,
    transformed: &transform::Transformed,
    step: impl FnOnce() -> progenitor_impl::Result<TokenStream>,
    trial: &dyn Fn(&mut Generator, &openapiv3::OpenAPI) -> progenitor_impl::Result<()>,
) -> Result<TokenStream, Error> {
    let message = match guard(step) {
        Ok(Ok(tokens)) => return Ok(tokens),
        Ok(Err(error)) => format!("progenitor: {error}"),
        Err(panic) => panic,
    };
    let attempt = |openapi: &openapiv3::OpenAPI| -> Result<(), String> {
        let mut generator = Generator::new(&settings());
        match guard(|| trial(&mut generator, openapi)) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(panic) => Err(panic),
        }
    };
    let (at, message) =
        match isolate::culprit(&transformed.openapi, &transformed.document, &attempt) {
            Some(isolate::Culprit::Schema(name)) => (
                schema_place(spec, transformed, &name),
                format!(
                    "{message}; it fails on schema `{name}` alone (with the schemas it refers to): \
                 a shape codegen's checks do not catch yet"
                ),
            ),
            Some(isolate::Culprit::Operation(route, method, id)) => (
                spec.sources
                    .place(&crate::document::pointer(&["paths", &route, &method])),
                format!(
                    "{message}; it fails on operation `{id}` ({} {route}) alone: a shape \
                 codegen's checks do not catch yet",
                    method.to_uppercase()
                ),
            ),
            None => (Place::file(&spec.label), message),
        };
    Err(generator_error(at, message))
}

fn generator_error(at: Place, message: String) -> Error {
    Error::Generator { at, message }
}

/// Runs the generator, turning a panic into an error message without printing
/// a backtrace.
///
/// The process-wide panic hook is wrapped once (never swapped per call, which
/// races when several threads generate at once): the wrapper stays silent for
/// a panic on a thread that is inside `guard`, and hands every other panic to
/// the hook that was there before.
fn guard<T>(run: impl FnOnce() -> T) -> Result<T, String> {
    thread_local! {
        static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was_guarded = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(run));
    GUARDED.with(|g| g.set(was_guarded));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".to_owned());
        format!("progenitor panicked: {message}")
    })
}

/// A constant Rust path (no spec data): parsing cannot fail.
fn parse_tokens(path: &str) -> TokenStream {
    path.parse().expect("a constant Rust path parses")
}

/// [`parse_tokens`] as a `syn::Path`.
fn parse_path(path: &str) -> syn::Path {
    syn::parse_str(path).expect("a constant Rust path parses")
}

fn operation_ids(openapi: &openapiv3::OpenAPI) -> Vec<String> {
    openapi
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect()
}

/// Every operation's method is named as codegen's tables name it
/// ([`crate::validation::snake_case`]): a table keyed by another spelling
/// would silently not apply (no validation, no retry class) to that method.
fn method_names(openapi: &openapiv3::OpenAPI, file: &syn::File) -> Vec<Refusal> {
    let mut methods = std::collections::BTreeSet::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let is_client = block.trait_.is_none()
            && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client {
            continue;
        }
        for member in &block.items {
            if let syn::ImplItem::Fn(function) = member {
                methods.insert(function.sig.ident.to_string());
            }
        }
    }
    let mut refusals = Vec::new();
    for id in operation_ids(openapi) {
        let name = crate::validation::snake_case(&id);
        if !methods.contains(&name) {
            refusals.push(Refusal {
                location: format!("operation {id}"),
                reason: format!(
                    "codegen names its method `{name}`, but progenitor generated no such method; \
                     the validation and retry tables would not apply to it"
                ),
            });
        }
    }
    refusals
}

/// The items declared directly in `pub mod types`.
fn type_names(file: &syn::File) -> Vec<String> {
    let mut names = Vec::new();
    for item in &file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "types" {
            continue;
        }
        for inner in module.content.iter().flat_map(|(_, items)| items) {
            match inner {
                syn::Item::Struct(s) => names.push(s.ident.to_string()),
                syn::Item::Enum(e) => names.push(e.ident.to_string()),
                syn::Item::Type(t) => names.push(t.ident.to_string()),
                _ => {}
            }
        }
    }
    names.sort();
    names
}

/// The operations (by [`transform::normalised_name`] of their operationId)
/// whose success answers are all text (`text/plain`, ...): their `send`
/// reads the answer as a `String` instead of handing back a byte stream.
fn text_answers(document: &serde_json::Value) -> std::collections::BTreeSet<String> {
    let mut found = std::collections::BTreeSet::new();
    for (_, _, operation) in crate::document::operations(document) {
        let (Some(id), Some(serde_json::Value::Object(responses))) = (
            operation
                .get("operationId")
                .and_then(serde_json::Value::as_str),
            operation.get("responses"),
        ) else {
            continue;
        };
        let mut media_types = responses
            .iter()
            .filter(|(status, _)| status.starts_with('2'))
            .filter_map(|(_, response)| crate::document::target(document, response).get("content"))
            .filter_map(serde_json::Value::as_object)
            .flat_map(|content| content.keys())
            .peekable();
        if media_types.peek().is_some() && media_types.all(|m| m.starts_with("text/")) {
            found.insert(transform::normalised_name(id));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    //! progenitor panics on shapes the checks refuse; these tests read such a
    //! spec without the checks to prove what happens when a shape slips through.

    use super::*;

    /// A spec whose property `size` has `exclusiveMinimum` without `minimum`:
    /// progenitor reaches a `todo!()` on it.
    const PANICKING: &str = r##"openapi: 3.0.3
info:
  title: t
  version: "1"
paths:
  /things:
    post:
      operationId: createThing
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Answer'
components:
  schemas:
    Answer:
      type: object
      properties:
        name:
          type: string
    Thing:
      type: object
      properties:
        size:
          exclusiveMinimum: true
"##;

    /// `text` read and typed, but not checked.
    fn unchecked(text: &str) -> Spec {
        let no_files = |_: &std::path::Path| Err(std::io::Error::other("no files"));
        let loaded =
            crate::source::load(std::path::Path::new("t.yaml"), "t.yaml", text, &no_files).unwrap();
        let openapi = crate::check::typed(&loaded.yaml, &loaded.sources).unwrap();
        let mut problems = Vec::new();
        let facts = crate::extensions::check(&loaded.document, &loaded.sources, &mut problems);
        assert!(problems.is_empty(), "{problems:?}");
        Spec {
            label: "t.yaml".to_owned(),
            openapi,
            fingerprint: loaded.fingerprint,
            files: loaded.paths,
            facts,
            document: loaded.document,
            sources: loaded.sources,
        }
    }

    #[test]
    fn a_progenitor_panic_is_isolated_to_the_schema_it_fails_on() {
        let error = generate(&unchecked(PANICKING)).unwrap_err();
        assert_eq!(
            error.to_string(),
            "t.yaml:23:5: #/components/schemas/Thing: the generator failed: progenitor panicked: \
             not yet implemented: exclusive_minimum set without minimum; it fails on schema \
             `Thing` alone (with the schemas it refers to): a shape codegen's checks do not \
             catch yet"
        );
    }

    #[test]
    fn a_failing_operation_is_isolated_by_generating_each_alone() {
        let failing = |openapi: &openapiv3::OpenAPI| -> Result<(), String> {
            match openapi.paths.paths.contains_key("/broken") {
                true => Err("fails".to_owned()),
                false => Ok(()),
            }
        };
        let text = PANICKING.replace(
            "components:",
            "  /broken:\n    get:\n      operationId: getBroken\n      responses:\n        '204':\n          description: done\ncomponents:",
        );
        let spec = unchecked(&text);
        assert_eq!(
            isolate::culprit(&spec.openapi, &spec.document, &failing),
            Some(isolate::Culprit::Operation(
                "/broken".to_owned(),
                "get".to_owned(),
                "getBroken".to_owned()
            ))
        );
        // A schema failing alone is named, not the schemas that refer to it.
        let failing = |openapi: &openapiv3::OpenAPI| -> Result<(), String> {
            match openapi
                .components
                .as_ref()
                .is_some_and(|c| c.schemas.contains_key("Inner"))
            {
                true => Err("fails".to_owned()),
                false => Ok(()),
            }
        };
        let text = PANICKING.replace(
            "    Thing:\n",
            "    Outer:\n      type: object\n      properties:\n        inner:\n          $ref: '#/components/schemas/Inner'\n    Inner:\n      type: object\n    Thing:\n",
        );
        let spec = unchecked(&text);
        assert_eq!(
            isolate::culprit(&spec.openapi, &spec.document, &failing),
            Some(isolate::Culprit::Schema("Inner".to_owned()))
        );
    }

    #[test]
    fn generating_on_many_threads_keeps_the_panic_hook_of_the_process() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static OUTSIDE: AtomicUsize = AtomicUsize::new(0);
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() == Some(&"outside the generator") {
                OUTSIDE.fetch_add(1, Ordering::SeqCst);
            } else {
                default(info);
            }
        }));
        let valid = PANICKING.replace(
            "          exclusiveMinimum: true\n",
            "          type: integer\n",
        );
        let threads: Vec<_> = (0..8)
            .map(|n| {
                let text = if n % 2 == 0 {
                    PANICKING.to_owned()
                } else {
                    valid.clone()
                };
                std::thread::spawn(move || {
                    for _ in 0..2 {
                        let result = generate(&unchecked(&text));
                        assert_eq!(result.is_err(), n % 2 == 0);
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        // A panic elsewhere still reaches the process's own hook.
        let _ = std::thread::spawn(|| panic!("outside the generator")).join();
        assert_eq!(OUTSIDE.load(Ordering::SeqCst), 1);
    }
}
