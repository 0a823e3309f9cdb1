//! Every difference between the doc pages and the spec, as [`Finding`]s.
//!
//! The spec is read through codegen (`Spec::document` and `codegen::document`),
//! never re-parsed here. What the comparison reads of a schema is its structure:
//! its own keywords, its properties and `required` merged over `allOf` members,
//! except the members that are documented rules (`x-rule`): a rule states in
//! JSON Schema what a page says in prose, so it has no counterpart in a page's
//! field list and is never drift.
//!
//! What is compared, for each page matched to an operation by method and path:
//! - the `Body` fields with the request body schema's properties: presence both
//!   ways, type, required flag, default, options, limits;
//! - the path (query, header) parameters with the operation's;
//! - the `Response` field list with the 200 schema's properties;
//! - the example request and response, key by key at every depth, with the
//!   schemas (presence both ways, JSON type), and as wholes: each must validate
//!   against its schema and equal its copy in `spec/examples/`.
//!
//! A property the spec has and no page shows is judged over all pages at once:
//! the spec holds the union of what the pages show of a shared schema (a `Post`
//! on the create-post and approve-post pages), so a property is missing from
//! the docs only when no page shows it anywhere that schema is used.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use codegen::Place;
use codegen::document::{escape, resolve};
use serde_json::Value;

use super::page::{Example, Field, Located, Page, Section};

/// The extension on a property known only from a page's prose: `{page,
/// quote}`, the sentence that states it. Such a property is not missing from
/// the docs when no example shows it; its quote must be on its page.
pub const PROSE: &str = "x-prose";

/// What kind of difference a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A page line this reader does not understand.
    UnknownStructure,
    /// A page whose method and path no operation of the spec has.
    OperationMissing,
    /// An operation of the spec no page documents.
    PageMissing,
    /// A field the page shows and the spec lacks.
    FieldMissingFromSpec,
    /// A field the spec has and no page shows.
    FieldMissingFromDocs,
    /// The type differs.
    TypeDiffers,
    /// One side says required, the other does not.
    RequiredDiffers,
    /// The default differs.
    DefaultDiffers,
    /// The set of options (enum values) differs.
    OptionsDiffer,
    /// A limit (length, item count, range) differs or is on one side only.
    LimitDiffers,
    /// A page example does not validate against the spec.
    ExampleInvalid,
    /// A page example is not what `spec/examples/` holds.
    ExampleDiffers,
    /// The sentence an `x-rule` or `x-prose` quotes is not on its page.
    QuoteMissing,
    /// A page `spec/pending-pages.txt` lists that is transcribed already, or
    /// that the docs folder does not have.
    PendingStale,
}

impl Kind {
    /// The kebab-case name used in every output format.
    pub fn name(self) -> &'static str {
        match self {
            Kind::UnknownStructure => "unknown-structure",
            Kind::OperationMissing => "operation-missing",
            Kind::PageMissing => "page-missing",
            Kind::FieldMissingFromSpec => "field-missing-from-spec",
            Kind::FieldMissingFromDocs => "field-missing-from-docs",
            Kind::TypeDiffers => "type-differs",
            Kind::RequiredDiffers => "required-differs",
            Kind::DefaultDiffers => "default-differs",
            Kind::OptionsDiffer => "options-differ",
            Kind::LimitDiffers => "limit-differs",
            Kind::ExampleInvalid => "example-invalid",
            Kind::ExampleDiffers => "example-differs",
            Kind::QuoteMissing => "quote-missing",
            Kind::PendingStale => "pending-stale",
        }
    }
}

/// One difference between a page and the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The page's file name, e.g. `create-post.v4.txt`.
    pub page: String,
    /// The page line (1-based) the finding is about.
    pub page_line: usize,
    /// The operationId, or `METHOD /path` when the spec has no such operation.
    pub operation: String,
    /// What is compared, e.g. `body.tags`, `response.posts[].data.title`,
    /// `parameters.postId`, `example request`.
    pub path: String,
    /// The kind of difference.
    pub kind: Kind,
    /// What the page says (`none` when it says nothing).
    pub docs: String,
    /// What the spec says (`none` when it says nothing).
    pub spec: String,
    /// Where the spec says it: a file of the spec or of `spec/examples/`, and a
    /// line (0 when the file is missing).
    pub spec_at: Place,
}

/// An example of `spec/examples/`, as read from disk.
#[derive(Debug, Clone)]
pub struct StoredExample {
    /// Its label, e.g. `spec/examples/createPost.request.json`.
    pub label: String,
    /// Its value; `None` when the file is missing or not JSON (`error` says which).
    pub value: Option<Value>,
    /// Why there is no value.
    pub error: Option<String>,
    /// JSON pointer -> line, from the file's text.
    pub lines: HashMap<String, usize>,
}

/// Reads `spec/examples/<operation>.<part>.json` for the comparison.
pub type ExampleReader<'a> = &'a dyn Fn(&str, Part) -> StoredExample;

/// Which example of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// What the `curl` example sends.
    Request,
    /// The example 200 response.
    Response,
}

impl Part {
    /// `request` or `response`.
    pub fn name(self) -> &'static str {
        match self {
            Part::Request => "request",
            Part::Response => "response",
        }
    }
}

/// An operation of the spec a page can be matched to.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its operationId.
    pub id: String,
    /// `POST`, ...
    pub method: String,
    /// The path template as the spec writes it.
    pub path: String,
    /// The pointer of the operation object.
    pub pointer: String,
}

/// The operations of the spec, in document order.
pub fn operations(spec: &codegen::Spec) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = spec.document().get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, operation) in item {
            if !matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
            ) {
                continue;
            }
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .unwrap_or_default();
            out.push(Operation {
                id: id.to_owned(),
                method: method.to_uppercase(),
                path: path.clone(),
                pointer: format!("/paths/{}/{method}", escape(path)),
            });
        }
    }
    out
}

/// The operation of `operations` a page documents: the same method and path
/// (parameter names aside); `None` when the page shows no method or path.
pub fn operation_of<'o>(operations: &'o [Operation], page: &Page) -> Option<&'o Operation> {
    let (method, path) = (page.method.as_ref()?, page.path.as_ref()?);
    operations
        .iter()
        .find(|op| op.method == method.value && same_path(&op.path, &path.value))
}

/// `/a/{x}/b` and `/a/{y}/b` name one path: parameter names do not matter.
pub fn same_path(a: &str, b: &str) -> bool {
    let shape = |path: &str| -> Vec<String> {
        path.split('/')
            .map(|segment| {
                if segment.starts_with('{') && segment.ends_with('}') {
                    "{}".to_owned()
                } else {
                    segment.to_owned()
                }
            })
            .collect()
    };
    shape(a) == shape(b)
}

/// Compares every page with the spec. Pages come in the order given; the
/// findings are in page order, then line order.
pub fn compare(spec: &codegen::Spec, pages: &[Page], examples: ExampleReader<'_>) -> Vec<Finding> {
    let operations = operations(spec);
    let mut comparison = Comparison {
        spec,
        findings: Vec::new(),
        seen: BTreeMap::new(),
    };
    let mut documented = BTreeSet::new();
    for page in pages {
        for unknown in &page.unknown {
            comparison.findings.push(Finding {
                page: page.file.clone(),
                page_line: unknown.line,
                operation: page_operation_name(page),
                path: "page".to_owned(),
                kind: Kind::UnknownStructure,
                docs: unknown.what.clone(),
                spec: "none".to_owned(),
                spec_at: Place {
                    file: spec.label.clone(),
                    line: 0,
                    column: 0,
                    pointer: String::new(),
                },
            });
        }
        let (Some(method), Some(path)) = (&page.method, &page.path) else {
            continue;
        };
        let Some(operation) = operation_of(&operations, page) else {
            let place = spec.place("/paths");
            comparison.findings.push(Finding {
                page: page.file.clone(),
                page_line: method.line,
                operation: page_operation_name(page),
                path: "operation".to_owned(),
                kind: Kind::OperationMissing,
                docs: format!("{} {}", method.value, path.value),
                spec: "none".to_owned(),
                spec_at: place,
            });
            continue;
        };
        documented.insert(operation.pointer.clone());
        comparison.page(page, operation, examples);
    }
    for operation in &operations {
        if !documented.contains(&operation.pointer) {
            comparison.findings.push(Finding {
                page: "none".to_owned(),
                page_line: 0,
                operation: operation.id.clone(),
                path: "operation".to_owned(),
                kind: Kind::PageMissing,
                docs: "none".to_owned(),
                spec: format!("{} {}", operation.method, operation.path),
                spec_at: spec.place(&operation.pointer),
            });
        }
    }
    comparison.unseen_properties();
    comparison.quotes(pages);
    let mut findings = dedupe(comparison.findings);
    // Page order, then line order; what no page line locates by its spec line.
    let position = |page: &str| {
        pages
            .iter()
            .position(|p| p.file == page)
            .unwrap_or(usize::MAX)
    };
    findings.sort_by_cached_key(|f| {
        (
            position(&f.page),
            f.page_line,
            f.spec_at.file.clone(),
            f.spec_at.line,
        )
    });
    findings
}

/// `POST /api/v4/posts`, or the file name when the page shows no method or path.
fn page_operation_name(page: &Page) -> String {
    match (&page.method, &page.path) {
        (Some(method), Some(path)) => format!("{} {}", method.value, path.value),
        _ => page.file.clone(),
    }
}

/// A field missing on one side, or its type, is one finding however many
/// places show it (the Response section and the example response both list
/// a response field); every other finding is one per line and value (two
/// limits of one field, two unknown lines of one page). A finding about an example (it does
/// not validate, it differs from `spec/examples/`) is dropped when another
/// finding of the page already names that field or one above it: a key added
/// to an example response is one finding, not three.
fn dedupe(findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            let detail = match f.kind {
                Kind::FieldMissingFromSpec | Kind::FieldMissingFromDocs | Kind::TypeDiffers => {
                    String::new()
                }
                _ => format!("{}\n{}\n{}", f.page_line, f.docs, f.spec),
            };
            seen.insert((
                f.page.clone(),
                f.operation.clone(),
                f.path.clone(),
                f.kind,
                detail,
            ))
        })
        .collect();
    let named: BTreeSet<(String, String, String)> = findings
        .iter()
        .filter(|f| !matches!(f.kind, Kind::ExampleDiffers | Kind::ExampleInvalid))
        .map(|f| (f.page.clone(), f.operation.clone(), f.path.clone()))
        .collect();
    let covered = |f: &Finding| {
        let mut path = f.path.as_str();
        loop {
            if named.contains(&(f.page.clone(), f.operation.clone(), path.to_owned())) {
                return true;
            }
            match path.rfind(['.', '[']) {
                Some(at) => path = &path[..at],
                None => return false,
            }
        }
    };
    findings
        .iter()
        .filter(|f| !matches!(f.kind, Kind::ExampleDiffers | Kind::ExampleInvalid) || !covered(f))
        .cloned()
        .collect()
}

/// A JSON pointer into an example as a finding's path: `/posts/0/data` of the
/// response is `response.posts[].data`; the request side is `body`.
fn field_path(part: Part, pointer: &str) -> String {
    let mut path = match part {
        Part::Request => "body".to_owned(),
        Part::Response => "response".to_owned(),
    };
    for segment in pointer.split('/').skip(1) {
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            path.push_str("[]");
        } else {
            path.push('.');
            path.push_str(&codegen::document::unescape(segment));
        }
    }
    path
}

/// Where an object schema was first walked, for the findings of its unseen
/// properties.
#[derive(Debug, Clone)]
struct Walked {
    page: String,
    line: usize,
    operation: String,
    path: String,
    /// The properties some page shows.
    shown: BTreeSet<String>,
}

struct Comparison<'a> {
    spec: &'a codegen::Spec,
    findings: Vec<Finding>,
    /// Resolved object schema pointer -> where it was walked, what was shown.
    seen: BTreeMap<String, Walked>,
}

/// A finding of a page matched to an operation, before it is placed.
struct Difference {
    /// The page line.
    line: usize,
    path: String,
    kind: Kind,
    docs: String,
    spec: String,
    /// The pointer into the spec document the finding is placed at.
    spec_pointer: String,
}

/// What a walk over one example shares at every node.
#[derive(Clone, Copy)]
struct Walk<'p> {
    page: &'p Page,
    operation: &'p Operation,
    example: &'p Example,
    /// The top-level keys the Body section lists (compared there, not again).
    listed: &'p BTreeSet<&'p str>,
}

/// The spec's side of a field: its schema, where it is, and whether the
/// object that holds it requires it.
struct SpecField<'a, 'p> {
    schema: &'a Value,
    pointer: &'p str,
    required: bool,
}

/// A schema's structure: its own keywords, and properties and `required`
/// merged over its `allOf` members that are not documented rules.
struct Shape<'a> {
    /// The resolved schema (after `$ref`s).
    schema: &'a Value,
    pointer: String,
    properties: Vec<(String, String, &'a Value)>,
    required: BTreeSet<String>,
}

impl<'a> Comparison<'a> {
    fn document(&self) -> &'a Value {
        self.spec.document()
    }

    fn shape(&self, schema: &'a Value, at: &str) -> Shape<'a> {
        let resolved = resolve(self.document(), schema, at);
        let mut shape = Shape {
            schema: resolved.value,
            pointer: resolved.pointer.clone(),
            properties: Vec::new(),
            required: BTreeSet::new(),
        };
        self.merge(resolved.value, &resolved.pointer, &mut shape, 0);
        shape
    }

    fn merge(&self, schema: &'a Value, pointer: &str, shape: &mut Shape<'a>, depth: usize) {
        if depth > 8 {
            return;
        }
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                if !shape.properties.iter().any(|(n, _, _)| n == name) {
                    shape.properties.push((
                        name.clone(),
                        format!("{pointer}/properties/{}", escape(name)),
                        property,
                    ));
                }
            }
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            shape
                .required
                .extend(required.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        if let Some(Value::Array(members)) = schema.get("allOf") {
            for (index, member) in members.iter().enumerate() {
                let resolved =
                    resolve(self.document(), member, &format!("{pointer}/allOf/{index}"));
                if resolved.value.get(codegen::RULE).is_some() {
                    continue;
                }
                self.merge(resolved.value, &resolved.pointer, shape, depth + 1);
            }
        }
    }

    fn place(&self, pointer: &str) -> Place {
        self.spec.place(pointer)
    }

    fn finding(&mut self, page: &Page, operation: &Operation, difference: Difference) {
        let spec_at = self.place(&difference.spec_pointer);
        self.findings.push(Finding {
            page: page.file.clone(),
            page_line: difference.line,
            operation: operation.id.clone(),
            path: difference.path,
            kind: difference.kind,
            docs: difference.docs,
            spec: difference.spec,
            spec_at,
        });
    }

    fn page(&mut self, page: &Page, operation: &Operation, examples: ExampleReader<'_>) {
        let document = self.document();
        let op = document.pointer(&operation.pointer).unwrap_or(&Value::Null);
        self.parameters(page, operation, op);
        let request = request_schema(document, op, &operation.pointer);
        match (&page.body, request.clone()) {
            (Some(body), Some((schema, at))) => {
                let shape = self.shape(schema, &at);
                let example = page.request_example.as_ref();
                // The Body is the page's list of request fields; a field only in
                // the example request is typed from it (the spec's convention).
                self.section(page, operation, "body", body, &shape, true);
                if let Some(example) = example {
                    let listed: BTreeSet<&str> =
                        body.fields.iter().map(|f| f.name.as_str()).collect();
                    let walk = Walk {
                        page,
                        operation,
                        example,
                        listed: &listed,
                    };
                    self.walk(&walk, &example.value, "", "body", schema, &at);
                }
            }
            (Some(body), None) => self.finding(
                page,
                operation,
                Difference {
                    line: body.line,
                    path: "body".to_owned(),
                    kind: Kind::FieldMissingFromSpec,
                    docs: format!("a Body section with {} fields", body.fields.len()),
                    spec: "no JSON request body".to_owned(),
                    spec_pointer: operation.pointer.clone(),
                },
            ),
            (None, Some((_, at))) => self.finding(
                page,
                operation,
                Difference {
                    line: page.path.as_ref().map_or(0, |p| p.line),
                    path: "body".to_owned(),
                    kind: Kind::FieldMissingFromDocs,
                    docs: "no Body section".to_owned(),
                    spec: "a JSON request body".to_owned(),
                    spec_pointer: at.clone(),
                },
            ),
            (None, None) => {}
        }
        if let Some((schema, at)) = &request {
            self.form_fields(page, operation, schema, at);
        }
        let response = response_schema(document, op, &operation.pointer);
        if let (Some(section), Some((schema, at))) = (&page.response, response.clone()) {
            let shape = self.shape(schema, &at);
            // The Response section shows names and types only.
            self.section(page, operation, "response", section, &shape, false);
        }
        if let (Some(example), Some((schema, at))) = (&page.response_example, response.clone()) {
            let walk = Walk {
                page,
                operation,
                example,
                listed: &BTreeSet::new(),
            };
            self.walk(&walk, &example.value, "", "response", schema, &at);
        }
        for (part, example, schema) in [
            (Part::Request, &page.request_example, &request),
            (Part::Response, &page.response_example, &response),
        ] {
            let Some(example) = example else {
                continue;
            };
            if let Some((schema, at)) = schema {
                self.validate(page, operation, part, example, schema, at);
            }
            self.stored(
                page,
                operation,
                part,
                example,
                examples(&operation.id, part),
            );
        }
        if let Some(text) = &page.response_text {
            self.text_answer(page, operation, op, text);
        }
    }

    /// The curl example's `--form` fields (a multipart upload) are properties
    /// of the spec's request body.
    fn form_fields(&mut self, page: &Page, operation: &Operation, schema: &Value, at: &str) {
        let document = self.document();
        let body = resolve(document, schema, at);
        let properties = body.value.get("properties").and_then(Value::as_object);
        let missing: Vec<&Located<String>> = page
            .request_form
            .iter()
            .filter(|field| properties.is_none_or(|p| !p.contains_key(&field.value)))
            .collect();
        let pointer = format!("{}/properties", body.pointer);
        for field in missing {
            self.finding(
                page,
                operation,
                Difference {
                    line: field.line,
                    path: format!("body.{}", field.value),
                    kind: Kind::FieldMissingFromSpec,
                    docs: format!("the curl example's --form field `{}`", field.value),
                    spec: "no such property of the request body".to_owned(),
                    spec_pointer: pointer.clone(),
                },
            );
        }
    }

    /// A plain-text example answer (createAuthToken's token): the spec's
    /// success answer is `text/*`, and its schema's `example` is the page's text.
    fn text_answer(
        &mut self,
        page: &Page,
        operation: &Operation,
        op: &Value,
        text: &super::page::Located<String>,
    ) {
        let document = self.document();
        let success = op
            .get("responses")
            .and_then(Value::as_object)
            .and_then(|responses| {
                responses
                    .iter()
                    .find(|(status, _)| status.starts_with('2'))
                    .map(|(status, response)| {
                        let at = format!("{}/responses/{}", operation.pointer, escape(status));
                        resolve(document, response, &at)
                    })
            });
        let media = success.as_ref().and_then(|response| {
            let content = response.value.get("content")?.as_object()?;
            let (media, value) = content.iter().find(|(m, _)| m.starts_with("text/"))?;
            Some((
                format!("{}/content/{}/schema", response.pointer, escape(media)),
                value.pointer("/schema/example").cloned(),
            ))
        });
        let difference = match media {
            None => Difference {
                line: text.line,
                path: "response".to_owned(),
                kind: Kind::TypeDiffers,
                docs: "a plain-text answer".to_owned(),
                spec: "no text/* success answer".to_owned(),
                spec_pointer: success.map_or_else(|| operation.pointer.clone(), |s| s.pointer),
            },
            Some((_, Some(Value::String(example)))) if example == text.value => return,
            Some((pointer, example)) => Difference {
                line: text.line,
                path: "example response".to_owned(),
                kind: Kind::ExampleDiffers,
                docs: format!("{:?}", text.value),
                spec: example.map_or_else(|| "no example".to_owned(), |e| e.to_string()),
                spec_pointer: pointer,
            },
        };
        self.finding(page, operation, difference);
    }

    /// A Body or Response section's fields against the properties of `shape`:
    /// each field's presence, and its type (`everything`: also its required
    /// flag, default, options and limits). The fields count as shown for the
    /// schema's unseen properties.
    fn section(
        &mut self,
        page: &Page,
        operation: &Operation,
        prefix: &str,
        section: &Section,
        shape: &Shape<'a>,
        everything: bool,
    ) {
        for field in &section.fields {
            let path = format!("{prefix}.{}", field.name);
            match shape.properties.iter().find(|(n, _, _)| *n == field.name) {
                Some((_, pointer, property)) if everything => {
                    let required = shape.required.contains(&field.name);
                    let spec = SpecField {
                        schema: property,
                        pointer,
                        required,
                    };
                    self.field(page, operation, &path, field, spec);
                }
                Some((_, pointer, property)) => {
                    self.field_type(page, operation, &path, field, property, pointer);
                }
                None => self.finding(
                    page,
                    operation,
                    Difference {
                        line: field.line,
                        path,
                        kind: Kind::FieldMissingFromSpec,
                        docs: describe_field(field),
                        spec: "none".to_owned(),
                        spec_pointer: format!("{}/properties", shape.pointer),
                    },
                ),
            }
        }
        let walked = self.seen.entry(shape.pointer.clone()).or_insert(Walked {
            page: page.file.clone(),
            line: section.line,
            operation: operation.id.clone(),
            path: prefix.to_owned(),
            shown: BTreeSet::new(),
        });
        walked
            .shown
            .extend(section.fields.iter().map(|f| f.name.clone()));
    }

    /// The page's parameters against the operation's (path-item ones included).
    fn parameters(&mut self, page: &Page, operation: &Operation, op: &'a Value) {
        let document = self.document();
        let item_pointer = operation
            .pointer
            .rsplit_once('/')
            .map_or("", |(item, _)| item)
            .to_owned();
        // (name, location, parameter pointer, schema pointer, schema, required)
        let mut spec_parameters: Vec<(String, String, String, String, &Value, bool)> = Vec::new();
        for (holder, at) in [
            (document.pointer(&item_pointer), item_pointer.clone()),
            (Some(op), operation.pointer.clone()),
        ] {
            let Some(Value::Array(list)) = holder.and_then(|h| h.get("parameters")) else {
                continue;
            };
            for (index, parameter) in list.iter().enumerate() {
                let resolved = resolve(document, parameter, &format!("{at}/parameters/{index}"));
                let name = resolved
                    .value
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let location = resolved
                    .value
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let required =
                    resolved.value.get("required").and_then(Value::as_bool) == Some(true);
                let schema = resolved.value.get("schema").unwrap_or(&Value::Null);
                let schema_pointer = format!("{}/schema", resolved.pointer);
                spec_parameters.retain(|(n, l, ..)| !(n == name && l == location));
                spec_parameters
                    .retain(|(n, l, ..)| !(n.starts_with(&format!("{name}.")) && l == location));
                spec_parameters.push((
                    name.to_owned(),
                    location.to_owned(),
                    resolved.pointer.clone(),
                    schema_pointer.clone(),
                    schema,
                    required,
                ));
                // A deepObject's properties are listed on the page as
                // `options.limit`, `options.token`, ...
                if resolved.value.get("style").and_then(Value::as_str) == Some("deepObject") {
                    let object = resolve(document, schema, &schema_pointer);
                    let required_children: Vec<&str> = object
                        .value
                        .get("required")
                        .and_then(Value::as_array)
                        .map(|list| list.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    if let Some(Value::Object(properties)) = object.value.get("properties") {
                        for (child, child_schema) in properties {
                            spec_parameters.push((
                                format!("{name}.{child}"),
                                location.to_owned(),
                                resolved.pointer.clone(),
                                format!("{}/properties/{}", object.pointer, escape(child)),
                                child_schema,
                                required_children.contains(&child.as_str()),
                            ));
                        }
                    }
                }
            }
        }
        for parameter in &page.parameters {
            let field = &parameter.field;
            let path = format!("parameters.{}", field.name);
            match spec_parameters
                .iter()
                .find(|(n, l, ..)| *n == field.name && l == parameter.location)
            {
                Some((_, _, _, schema_pointer, schema, required)) => {
                    let spec = SpecField {
                        schema,
                        pointer: schema_pointer,
                        required: *required,
                    };
                    self.field(page, operation, &path, field, spec);
                }
                None => self.finding(
                    page,
                    operation,
                    Difference {
                        line: field.line,
                        path: path.to_owned(),
                        kind: Kind::FieldMissingFromSpec,
                        docs: format!(
                            "{} parameter: {}",
                            parameter.location,
                            describe_field(field)
                        ),
                        spec: "none".to_owned(),
                        spec_pointer: operation.pointer.clone(),
                    },
                ),
            }
        }
        for (name, location, pointer, ..) in &spec_parameters {
            if location == "header" && name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            if !page
                .parameters
                .iter()
                .any(|p| p.field.name == *name && p.location == location)
            {
                self.finding(
                    page,
                    operation,
                    Difference {
                        line: page.path.as_ref().map_or(0, |p| p.line),
                        path: format!("parameters.{name}"),
                        kind: Kind::FieldMissingFromDocs,
                        docs: "none".to_owned(),
                        spec: format!("{location} parameter {name}"),
                        spec_pointer: pointer.to_owned(),
                    },
                );
            }
        }
    }

    /// The type of a field of the page against the property's, in the pages'
    /// notation.
    fn field_type(
        &mut self,
        page: &Page,
        operation: &Operation,
        path: &str,
        field: &Field,
        property: &Value,
        pointer: &str,
    ) {
        let Some(ty) = &field.ty else { return };
        let spec_type = notation(self.document(), property, pointer);
        if spec_type != ty.value {
            self.finding(
                page,
                operation,
                Difference {
                    line: ty.line,
                    path: path.to_owned(),
                    kind: Kind::TypeDiffers,
                    docs: ty.value.clone(),
                    spec: spec_type,
                    spec_pointer: pointer.to_owned(),
                },
            );
        }
    }

    /// One field of the page against one property (or parameter schema) of the
    /// spec: type, required flag, default, options, limits.
    fn field(
        &mut self,
        page: &Page,
        operation: &Operation,
        path: &str,
        field: &Field,
        spec: SpecField<'a, '_>,
    ) {
        let SpecField {
            schema: property,
            pointer,
            required: spec_required,
        } = spec;
        let document = self.document();
        let resolved = resolve(document, property, pointer);
        let schema = resolved.value;
        self.field_type(page, operation, path, field, property, pointer);
        let page_required = field.required.is_some();
        if page_required != spec_required {
            let yes_no = |b: bool| if b { "required" } else { "optional" }.to_owned();
            self.finding(
                page,
                operation,
                Difference {
                    line: field.required.unwrap_or(field.line),
                    path: path.to_owned(),
                    kind: Kind::RequiredDiffers,
                    docs: yes_no(page_required),
                    spec: yes_no(spec_required),
                    spec_pointer: pointer.to_owned(),
                },
            );
        }
        let spec_default = schema.get("default").map(plain);
        let page_default = field.default.as_ref().map(|d| d.value.clone());
        if spec_default != page_default {
            self.finding(
                page,
                operation,
                Difference {
                    line: field.default.as_ref().map_or(field.line, |d| d.line),
                    path: path.to_owned(),
                    kind: Kind::DefaultDiffers,
                    docs: page_default.unwrap_or_else(|| "none".to_owned()),
                    spec: spec_default.unwrap_or_else(|| "none".to_owned()),
                    spec_pointer: format!("{}/default", resolved.pointer),
                },
            );
        }
        // Options of an array field are those of its items.
        let (enum_holder, enum_pointer) = if field.is_array() {
            let items = schema.get("items").unwrap_or(&Value::Null);
            let items = resolve(document, items, &format!("{}/items", resolved.pointer));
            (items.value, items.pointer)
        } else {
            (schema, resolved.pointer.clone())
        };
        let spec_options: Option<Vec<String>> = enum_holder
            .get("enum")
            .and_then(Value::as_array)
            .map(|values| values.iter().map(plain).collect());
        let page_options = field.options.as_ref().map(|o| o.value.clone());
        let same_options = match (&spec_options, &page_options) {
            (Some(spec), Some(docs)) => {
                spec.iter().collect::<BTreeSet<_>>() == docs.iter().collect::<BTreeSet<_>>()
            }
            (None, None) => true,
            _ => false,
        };
        if !same_options {
            let list = |options: &Option<Vec<String>>| {
                options
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), |o| o.join(", "))
            };
            self.finding(
                page,
                operation,
                Difference {
                    line: field.options.as_ref().map_or(field.line, |o| o.line),
                    path: path.to_owned(),
                    kind: Kind::OptionsDiffer,
                    docs: list(&page_options),
                    spec: list(&spec_options),
                    spec_pointer: format!("{enum_pointer}/enum"),
                },
            );
        }
        let spec_limits = limits(document, schema, &resolved.pointer);
        let mut keywords: BTreeSet<&str> = spec_limits.keys().copied().collect();
        keywords.extend(field.limits.iter().map(|l| l.keyword));
        for keyword in keywords {
            let docs = field.limits.iter().find(|l| l.keyword == keyword);
            let spec = spec_limits.get(keyword);
            let same = match (docs, spec) {
                (Some(docs), Some((value, _))) => same_number(&docs.value, value),
                _ => false,
            };
            if same {
                continue;
            }
            let spec_pointer = spec.map_or_else(|| resolved.pointer.clone(), |(_, p)| p.clone());
            self.finding(
                page,
                operation,
                Difference {
                    line: docs.map_or(field.line, |l| l.line),
                    path: path.to_owned(),
                    kind: Kind::LimitDiffers,
                    docs: docs.map_or_else(
                        || format!("no {keyword}"),
                        |l| format!("{keyword} {} ({:?})", l.value, l.text),
                    ),
                    spec: spec.map_or_else(
                        || format!("no {keyword}"),
                        |(value, _)| format!("{keyword} {value}"),
                    ),
                    spec_pointer: spec_pointer.clone(),
                },
            );
        }
    }

    /// An example, node by node, against `schema`: keys the spec lacks, JSON
    /// types that differ, and which properties of each object schema it shows.
    /// `listed` holds the top-level keys the Body section lists (compared
    /// there).
    fn walk(
        &mut self,
        walk: &Walk<'_>,
        value: &Value,
        at: &str,
        path: &str,
        schema: &'a Value,
        schema_at: &str,
    ) {
        let Walk {
            page,
            operation,
            example,
            listed,
        } = *walk;
        let document = self.document();
        let shape = self.shape(schema, schema_at);
        let spec_kind = kind(document, shape.schema, shape.properties.is_empty());
        let value_kind = value_kind(value);
        let top = at.is_empty();
        if let Some(spec_kind) = spec_kind
            && spec_kind != value_kind
            && !(value.is_null() && shape.schema.get("nullable") == Some(&Value::Bool(true)))
            && !top
        {
            self.finding(
                page,
                operation,
                Difference {
                    line: example.line_of(at),
                    path: path.to_owned(),
                    kind: Kind::TypeDiffers,
                    docs: format!("{value_kind} (example value {})", short(value)),
                    spec: spec_kind.to_owned(),
                    spec_pointer: shape.pointer.clone(),
                },
            );
            return;
        }
        match value {
            Value::Object(map) => {
                // An object the spec leaves open with no properties (metadata)
                // takes any keys: nothing to compare inside it.
                if shape.properties.is_empty() {
                    return;
                }
                let walked = self.seen.entry(shape.pointer.clone()).or_insert(Walked {
                    page: page.file.clone(),
                    line: example.line_of(at),
                    operation: operation.id.clone(),
                    path: path.to_owned(),
                    shown: BTreeSet::new(),
                });
                walked.shown.extend(map.keys().cloned());
                for (key, child) in map {
                    let child_at = format!("{at}/{}", escape(key));
                    let child_path = format!("{path}.{key}");
                    if top && listed.contains(key.as_str()) {
                        continue;
                    }
                    match shape.properties.iter().find(|(n, _, _)| n == key) {
                        Some((_, pointer, property)) => {
                            let pointer = pointer.clone();
                            self.walk(walk, child, &child_at, &child_path, property, &pointer);
                        }
                        None => self.finding(
                            page,
                            operation,
                            Difference {
                                line: example.line_of(&child_at),
                                path: child_path.to_owned(),
                                kind: Kind::FieldMissingFromSpec,
                                docs: format!(
                                    "{} in the example {}",
                                    short(child),
                                    part_name(path)
                                ),
                                spec: "none".to_owned(),
                                spec_pointer: format!("{}/properties", shape.pointer),
                            },
                        ),
                    }
                }
            }
            Value::Array(items) => {
                let Some(item_schema) = shape.schema.get("items") else {
                    return;
                };
                let item_at = format!("{}/items", shape.pointer);
                for (index, item) in items.iter().enumerate() {
                    self.walk(
                        walk,
                        item,
                        &format!("{at}/{index}"),
                        &format!("{path}[]"),
                        item_schema,
                        &item_at,
                    );
                }
            }
            _ => {}
        }
    }

    /// The example against its schema, as JSON Schema (keys the spec lacks are
    /// found by [`Comparison::walk`], so objects are read as written).
    fn validate(
        &mut self,
        page: &Page,
        operation: &Operation,
        part: Part,
        example: &Example,
        schema: &'a Value,
        schema_at: &str,
    ) {
        use codegen::json_schema::{Objects, document, validator};
        let converted = document(self.document(), schema, Objects::AsWritten);
        let validator = match validator(&converted) {
            Ok(validator) => validator,
            Err(error) => {
                self.finding(
                    page,
                    operation,
                    Difference {
                        line: example.line,
                        path: format!("example {}", part.name()),
                        kind: Kind::ExampleInvalid,
                        docs: "the example".to_owned(),
                        spec: format!(
                            "the {} schema is not valid JSON Schema: {error}",
                            part.name()
                        ),
                        spec_pointer: operation.pointer.clone(),
                    },
                );
                return;
            }
        };
        let errors: Vec<(String, String, String)> = validator
            .iter_errors(&example.value)
            .map(|e| {
                let keyword = e.schema_path().to_string();
                let keyword = keyword.rsplit('/').next().unwrap_or_default().to_owned();
                (e.instance_path().to_string(), e.to_string(), keyword)
            })
            .collect();
        for (at, message, keyword) in errors {
            let value = example.value.pointer(&at).unwrap_or(&Value::Null);
            let spec_pointer = self.schema_for(schema, schema_at, &at, &keyword);
            self.finding(
                page,
                operation,
                Difference {
                    line: example.line_of(&at),
                    path: field_path(part, &at),
                    kind: Kind::ExampleInvalid,
                    docs: short(value),
                    spec: message,
                    spec_pointer,
                },
            );
        }
    }

    /// The pointer of the schema that stands for the node at `instance` (a
    /// pointer into a value of `schema`), followed through properties and
    /// items; with `/<keyword>` when that schema has the keyword a validation
    /// error names. As deep as the structure goes.
    fn schema_for(&self, schema: &'a Value, at: &str, instance: &str, keyword: &str) -> String {
        let mut current = self.shape(schema, at);
        for segment in instance.split('/').skip(1) {
            let segment = codegen::document::unescape(segment);
            let next = if segment.bytes().all(|b| b.is_ascii_digit()) {
                current
                    .schema
                    .get("items")
                    .map(|items| (items, format!("{}/items", current.pointer)))
            } else {
                current
                    .properties
                    .iter()
                    .find(|(name, _, _)| *name == segment)
                    .map(|(_, pointer, property)| (*property, pointer.clone()))
            };
            let Some((next, next_at)) = next else { break };
            current = self.shape(next, &next_at);
        }
        if current.schema.get(keyword).is_some() {
            format!("{}/{keyword}", current.pointer)
        } else {
            current.pointer
        }
    }

    /// The example against its copy in `spec/examples/`: one finding per
    /// differing node, unless a finding of this page already names that node.
    fn stored(
        &mut self,
        page: &Page,
        operation: &Operation,
        part: Part,
        example: &Example,
        stored: StoredExample,
    ) {
        let place = |line: usize, pointer: &str| Place {
            file: stored.label.clone(),
            line,
            column: if line > 0 { 1 } else { 0 },
            pointer: pointer.to_owned(),
        };
        let Some(value) = &stored.value else {
            self.findings.push(Finding {
                page: page.file.clone(),
                page_line: example.line,
                operation: operation.id.clone(),
                path: format!("example {}", part.name()),
                kind: Kind::ExampleDiffers,
                docs: "an example".to_owned(),
                spec: stored
                    .error
                    .clone()
                    .unwrap_or_else(|| "no example".to_owned()),
                spec_at: place(0, ""),
            });
            return;
        };
        let mut differences = Vec::new();
        differ(&example.value, value, String::new(), &mut differences);
        for (at, docs, spec) in differences {
            let line = if docs.is_some() {
                example.line_of(&at)
            } else {
                // Gone from the page: the line of what held it.
                example.line_of(at.rsplit_once('/').map_or("", |(parent, _)| parent))
            };
            let stored_line = stored_line(&stored.lines, &at);
            self.findings.push(Finding {
                page: page.file.clone(),
                page_line: line,
                operation: operation.id.clone(),
                path: field_path(part, &at),
                kind: Kind::ExampleDiffers,
                docs: docs.map_or_else(|| "none".to_owned(), |v| short(&v)),
                spec: spec.map_or_else(|| "none".to_owned(), |v| short(&v)),
                spec_at: place(stored_line, &at),
            });
        }
    }

    /// Properties of the object schemas walked that no page shows.
    fn unseen_properties(&mut self) {
        let seen = std::mem::take(&mut self.seen);
        for (pointer, walked) in seen {
            let schema = self.document().pointer(&pointer).unwrap_or(&Value::Null);
            let shape = self.shape(schema, &pointer);
            for (name, property_pointer, property) in &shape.properties {
                if walked.shown.contains(name)
                    || codegen::document::target(self.document(), property)
                        .get(PROSE)
                        .is_some()
                {
                    continue;
                }
                let spec_at = self.place(property_pointer);
                self.findings.push(Finding {
                    page: walked.page.clone(),
                    page_line: walked.line,
                    operation: walked.operation.clone(),
                    path: format!("{}.{name}", walked.path),
                    kind: Kind::FieldMissingFromDocs,
                    docs: "none".to_owned(),
                    spec: format!("property {name} of {}", schema_label(&pointer)),
                    spec_at,
                });
            }
        }
    }
}

impl Comparison<'_> {
    /// Every `x-rule` (named) and `x-prose` of the spec: its quote must stand
    /// on its page, word for word (runs of white space count as one space).
    /// A rule or prose field whose sentence changed on the page is drift the
    /// field comparison cannot see.
    fn quotes(&mut self, pages: &[Page]) {
        // (pointer, extension, rule name, page, quote)
        type Quoted = (
            String,
            &'static str,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let mut quoted: Vec<Quoted> = Vec::new();
        codegen::document::walk(self.document(), &mut |pointer, _, value| {
            for extension in [codegen::RULE, PROSE] {
                let Some(quote) = value.get(extension) else {
                    continue;
                };
                if extension == codegen::RULE && quote.get("name").is_none() {
                    continue;
                }
                let text = |key: &str| quote.get(key).and_then(Value::as_str).map(str::to_owned);
                quoted.push((
                    pointer.to_owned(),
                    extension,
                    text("name"),
                    text("page"),
                    text("quote"),
                ));
            }
        });
        let normalise = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        let operations = operations(self.spec);
        for (pointer, extension, name, page_name, quote) in quoted {
            let at = format!("{pointer}/{extension}");
            let (Some(page_name), Some(quote)) = (page_name, quote) else {
                let spec_at = self.place(&at);
                self.findings.push(Finding {
                    page: "none".to_owned(),
                    page_line: 0,
                    operation: "none".to_owned(),
                    path: at,
                    kind: Kind::QuoteMissing,
                    docs: "none".to_owned(),
                    spec: format!("{extension} without a page and a quote (both strings)"),
                    spec_at,
                });
                continue;
            };
            let page = pages.iter().find(|p| p.file == page_name);
            let found = page.is_some_and(|p| normalise(&p.text).contains(&normalise(&quote)));
            if found {
                continue;
            }
            let spec_at = self.place(&format!("{at}/quote"));
            self.findings.push(Finding {
                page: page_name.clone(),
                page_line: 0,
                operation: page
                    .and_then(|page| operation_of(&operations, page))
                    .map_or_else(|| "none".to_owned(), |op| op.id.clone()),
                path: match name {
                    Some(name) => format!("rule {name}"),
                    None => property_label(&pointer),
                },
                kind: Kind::QuoteMissing,
                docs: match page {
                    Some(_) => "the sentence is not on the page".to_owned(),
                    None => format!("no page {page_name} in the folder"),
                },
                spec: format!("{extension} quotes {quote:?}"),
                spec_at,
            });
        }
    }
}

fn part_name(path: &str) -> &'static str {
    if path.starts_with("body") {
        "request"
    } else {
        "response"
    }
}

/// `CreatePostRequest` for a component schema pointer, else the pointer.
fn schema_label(pointer: &str) -> String {
    match pointer.strip_prefix("/components/schemas/") {
        Some(name) if !name.contains('/') => codegen::document::unescape(name).into_owned(),
        _ => pointer.to_owned(),
    }
}

/// `PostData.isMuted` for `/components/schemas/PostData/properties/isMuted`;
/// other pointers as they are.
fn property_label(pointer: &str) -> String {
    match pointer.strip_prefix("/components/schemas/") {
        Some(rest) => rest
            .split("/properties/")
            .map(|part| codegen::document::unescape(part).into_owned())
            .collect::<Vec<_>>()
            .join("."),
        None => pointer.to_owned(),
    }
}

/// The line of `pointer` in a stored example, or of its nearest parent.
fn stored_line(lines: &HashMap<String, usize>, pointer: &str) -> usize {
    let mut pointer = pointer;
    loop {
        if let Some(line) = lines.get(pointer) {
            return *line;
        }
        if pointer.is_empty() {
            return 1;
        }
        pointer = pointer.rfind('/').map_or("", |at| &pointer[..at]);
    }
}

/// The request body schema of an operation (`application/json`), and its pointer.
fn request_schema<'v>(document: &'v Value, op: &'v Value, at: &str) -> Option<(&'v Value, String)> {
    let body = op.get("requestBody")?;
    let body = resolve(document, body, &format!("{at}/requestBody"));
    ["application~1json", "multipart~1form-data"]
        .into_iter()
        .find_map(|media| {
            let within = format!("/content/{media}/schema");
            let schema = body.value.pointer(&within)?;
            Some((schema, format!("{}{within}", body.pointer)))
        })
}

/// The 200 (else first 2XX) response schema of an operation, and its pointer.
fn response_schema<'v>(
    document: &'v Value,
    op: &'v Value,
    at: &str,
) -> Option<(&'v Value, String)> {
    let responses = op.get("responses")?.as_object()?;
    let status = ["200", "201", "2XX"]
        .into_iter()
        .find(|s| responses.contains_key(*s))?;
    let response = resolve(
        document,
        &responses[status],
        &format!("{at}/responses/{status}"),
    );
    let schema = response
        .value
        .pointer("/content/application~1json/schema")?;
    Some((
        schema,
        format!("{}/content/application~1json/schema", response.pointer),
    ))
}

/// A type in the pages' notation: `string`, `enum<string>`,
/// `string<date-time>`, `object[]`, ...
pub fn notation(document: &Value, schema: &Value, at: &str) -> String {
    let resolved = resolve(document, schema, at);
    let schema = resolved.value;
    let ty = schema.get("type").and_then(Value::as_str).or_else(|| {
        (schema.get("properties").is_some() || schema.get("additionalProperties").is_some())
            .then_some("object")
    });
    match ty {
        Some("array") => {
            let items = schema.get("items").unwrap_or(&Value::Null);
            format!(
                "{}[]",
                notation(document, items, &format!("{}/items", resolved.pointer))
            )
        }
        Some(base) if schema.get("enum").is_some() => format!("enum<{base}>"),
        Some(base) => match schema.get("format").and_then(Value::as_str) {
            // The pages write a multipart form's file part as `file`.
            Some("binary") if base == "string" => "file".to_owned(),
            Some(format) if base == "string" => format!("{base}<{format}>"),
            _ => base.to_owned(),
        },
        None => "any".to_owned(),
    }
}

/// The JSON type an example value of `schema` has, in the pages' example
/// notation: `string`, `string<date-time>`, `number`, `boolean`, `object`,
/// `array`; `None` when the schema does not say.
fn kind(document: &Value, schema: &Value, no_properties: bool) -> Option<&'static str> {
    let schema = codegen::document::target(document, schema);
    let ty = schema.get("type").and_then(Value::as_str);
    Some(match ty {
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => "string<date-time>",
            _ => "string",
        },
        Some("integer" | "number") => "number",
        Some("boolean") => "boolean",
        Some("array") => "array",
        Some("object") => "object",
        None if !no_properties => "object",
        _ => return None,
    })
}

/// The notation of [`kind`] for an example value: a string shaped like
/// `2023-11-07T05:31:56Z` marks a date-time (the docs README).
fn value_kind(value: &Value) -> &'static str {
    match value {
        Value::String(text) if is_timestamp(text) => "string<date-time>",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

/// `YYYY-MM-DDTHH:MM:SS` followed by anything (fraction, zone).
pub(super) fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .is_some_and(|part| part.iter().all(u8::is_ascii_digit))
    };
    bytes.len() >= 19
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10)
        && bytes[10] == b'T'
        && digits(11..13)
        && bytes[13] == b':'
        && digits(14..16)
        && bytes[16] == b':'
        && digits(17..19)
}

/// The limits of a schema, by the keywords the page reader names them with,
/// each with the pointer of its keyword.
fn limits<'v>(
    document: &'v Value,
    schema: &'v Value,
    at: &str,
) -> BTreeMap<&'static str, (serde_json::Number, String)> {
    let mut out = BTreeMap::new();
    let mut read = |holder: &Value, holder_at: &str, prefix: &str| {
        for keyword in [
            "maxLength",
            "minLength",
            "maxItems",
            "minItems",
            "minimum",
            "maximum",
        ] {
            let Some(Value::Number(value)) = holder.get(keyword) else {
                continue;
            };
            let exclusive = match keyword {
                "minimum" => holder.get("exclusiveMinimum") == Some(&Value::Bool(true)),
                "maximum" => holder.get("exclusiveMaximum") == Some(&Value::Bool(true)),
                _ => false,
            };
            let name: &'static str = match (prefix, keyword, exclusive) {
                ("items.", "maxLength", _) => "items.maxLength",
                ("items.", "minLength", _) => "items.minLength",
                ("items.", _, _) => continue,
                (_, "minimum", true) => "exclusiveMinimum",
                (_, "maximum", true) => "exclusiveMaximum",
                (_, "maxLength", _) => "maxLength",
                (_, "minLength", _) => "minLength",
                (_, "maxItems", _) => "maxItems",
                (_, "minItems", _) => "minItems",
                (_, "minimum", _) => "minimum",
                _ => "maximum",
            };
            out.insert(name, (value.clone(), format!("{holder_at}/{keyword}")));
        }
    };
    read(schema, at, "");
    if let Some(items) = schema.get("items") {
        let items = resolve(document, items, &format!("{at}/items"));
        read(items.value, &items.pointer, "items.");
    }
    out
}

fn same_number(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    a == b || a.as_f64().zip(b.as_f64()).is_some_and(|(a, b)| a == b)
}

/// A JSON scalar as the pages write it: a string without quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A value in one short line: compact JSON, cut at 80 characters.
pub fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 80 {
        return text;
    }
    let cut: String = text.chars().take(77).collect();
    format!("{cut}...")
}

/// What the page says of a field, in one line: `string[], required, maxItems 10`.
fn describe_field(field: &Field) -> String {
    let mut out = field
        .ty
        .as_ref()
        .map_or_else(|| "a field".to_owned(), |t| t.value.clone());
    if field.required.is_some() {
        out.push_str(", required");
    }
    if let Some(default) = &field.default {
        let _ = write!(out, ", default {}", default.value);
    }
    if let Some(options) = &field.options {
        let _ = write!(out, ", options {}", options.value.join("|"));
    }
    for limit in &field.limits {
        let _ = write!(out, ", {} {}", limit.keyword, limit.value);
    }
    out
}

/// Every node where `docs` and `spec` differ: (pointer, the page's value, the
/// stored value), `None` for a side that lacks the node.
fn differ(
    docs: &Value,
    spec: &Value,
    at: String,
    out: &mut Vec<(String, Option<Value>, Option<Value>)>,
) {
    match (docs, spec) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let child = format!("{at}/{}", escape(key));
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differ(x, y, child, out),
                    (x, y) => out.push((child, x.cloned(), y.cloned())),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (index, (x, y)) in a.iter().zip(b).enumerate() {
                differ(x, y, format!("{at}/{index}"), out);
            }
        }
        _ if docs == spec => {}
        _ => out.push((at, Some(docs.clone()), Some(spec.clone()))),
    }
}
