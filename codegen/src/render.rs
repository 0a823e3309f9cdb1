//! From a checked [`Spec`] to formatted Rust: progenitor for the client and the
//! httpmock helpers, `quote` for the project's own items, prettyplease to print.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;
use progenitor_impl::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::quote;

use crate::{Error, Spec, postprocess, prune, tolerant, transform, validation, verify};

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
    let transform::Transformed { openapi, document } = transform::for_generation(&spec.openapi);
    timings.lap("transform the spec", &mut since);
    let fail = |message: String| generator_error(spec, message);

    let mut generator = Generator::new(&settings());
    let client = run_progenitor(spec, || generator.generate_tokens(&openapi))?;
    timings.lap("progenitor: client and types", &mut since);
    let client = prune::unused_builders(client);
    timings.lap("drop unused struct builders", &mut since);
    let mock = run_progenitor(spec, || generator.httpmock(&openapi, "super::super"))?;
    timings.lap("progenitor: httpmock helpers", &mut since);
    let checks = validation::generate(&spec.openapi, &spec.label)?;
    timings.lap("request validation", &mut since);

    let tokens = quote! {
        #client

        #checks

        /// Typed httpmock helpers: one method per operation on
        /// [`httpmock::MockServer`], for tests of code that uses this client.
        #[cfg(feature = "mock")]
        pub mod mock {
            #mock
        }
    };
    let mut file: syn::File =
        syn::parse2(tokens).map_err(|e| fail(format!("unparsable output: {e}")))?;
    timings.lap("syn: parse", &mut since);
    verify::answer_types(&document, &file).map_err(|r| r.in_file(&spec.label))?;
    postprocess::apply(&mut file);
    let decode: syn::Path = syn::parse_str(including_crate::DECODE).expect("a constant path");
    tolerant::apply(&mut file, &decode).map_err(|r| r.in_file(&spec.label))?;
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

/// The answer types as serde's derive decodes them, strictly (one value that
/// does not fit fails the whole answer): `pub mod types` of [`generate`]'s
/// output without the tolerant decoding pass.
///
/// Only for measuring: generated-client's decoding benchmark runs it next to
/// the tolerant decoding that replaced it.
pub fn generate_strict_answer_types(spec: &Spec) -> Result<String, Error> {
    let openapi = transform::for_generation(&spec.openapi).openapi;
    let mut generator = Generator::new(&settings());
    let client = run_progenitor(spec, || generator.generate_tokens(&openapi))?;
    let client = prune::unused_builders(client);
    let mut file: syn::File = syn::parse2(client)
        .map_err(|e| generator_error(spec, format!("unparsable output: {e}")))?;
    postprocess::apply(&mut file);
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

/// Runs one progenitor step under [`guard`]; its error or panic becomes an
/// [`Error::Generator`] naming the spec.
fn run_progenitor(
    spec: &Spec,
    step: impl FnOnce() -> progenitor_impl::Result<TokenStream>,
) -> Result<TokenStream, Error> {
    guard(step)
        .map_err(|message| generator_error(spec, message))?
        .map_err(|e| generator_error(spec, e.to_string()))
}

fn generator_error(spec: &Spec, message: String) -> Error {
    Error::Generator {
        file: spec.label.clone(),
        message,
    }
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

fn parse_tokens(path: &str) -> TokenStream {
    path.parse().expect("a constant Rust path parses")
}

fn operation_ids(openapi: &openapiv3::OpenAPI) -> Vec<String> {
    openapi
        .operations()
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect()
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
