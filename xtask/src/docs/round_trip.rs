//! `--round-trip`: how much of the spec the merge rebuilds from the pages.
//!
//! For each page of the folder: its operation is taken out of a copy of the
//! spec (with the component schemas only it uses), the page is merged back
//! ([`super::merge::merge_text`]), and the facts the page states are compared
//! between the committed operation and the merged one: every parameter's
//! required flag and style, and for every field the page shows (parameters,
//! request body, response) its type, required flag, limits, options and
//! default. The merged spec must also pass codegen's checks and generate, and
//! have no drift against the page.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, anyhow};
use serde_json::Value;

use super::compare::{Finding, operation_of, operations};
use super::merge::{Outcome, block_end, find_key, indent, is_content, load_as, merge_text};
use super::page::Page;

/// One page's round trip.
#[derive(Debug, Clone)]
pub struct Agreement {
    /// The page's file name.
    pub page: String,
    /// The spec's operationId.
    pub operation: String,
    /// Component schemas taken out with the operation (only it used them).
    pub removed: Vec<String>,
    /// The facts the page states, as the committed spec has them.
    pub facts: usize,
    /// Those the merged spec has alike.
    pub agreed: usize,
    /// Each fact that differs: `body.text maxLength: 100 committed, none merged`.
    pub differences: Vec<String>,
    /// The merged spec's drift against the page.
    pub drift: Vec<Finding>,
    /// Why the merge, its checks or its generation failed, when they did.
    pub error: Option<String>,
}

/// The round trip of every page of `folder` with an operation in the spec of
/// `root`.
pub fn run(root: &Path, folder: &Path) -> Result<Vec<Agreement>> {
    let spec_path = root.join(codegen::SPEC_PATH);
    let text = std::fs::read_to_string(&spec_path)
        .map_err(|e| anyhow!("cannot read {}: {e}", codegen::SPEC_PATH))?;
    let spec = super::load_spec(root)?;
    let pages = super::read_pages(folder)?.pages;
    let examples_dir = root.join(super::EXAMPLES_DIR);
    let reader =
        |operation: &str, part: super::Part| super::examples::read(&examples_dir, operation, part);
    let mut out = Vec::new();
    for page in &pages {
        let Some(operation) = operation_of(&operations(&spec), page).cloned() else {
            continue;
        };
        let mut agreement = Agreement {
            page: page.file.clone(),
            operation: operation.id.clone(),
            removed: Vec::new(),
            facts: 0,
            agreed: 0,
            differences: Vec::new(),
            drift: Vec::new(),
            error: None,
        };
        let result = (|| -> Result<()> {
            let (reduced, removed) = without_operation(&text, spec.document(), &operation.pointer)?;
            agreement.removed = removed;
            let load = |text: &str| load_as(&spec_path, text);
            let reduced_spec = load(&reduced).map_err(|e| anyhow!("the spec without it: {e}"))?;
            let Outcome::Merged(merged) = merge_text(&reduced, &reduced_spec, page)? else {
                return Err(anyhow!("the spec without the operation still has it"));
            };
            let merged_spec = load(&merged.text).map_err(|e| anyhow!("the merged spec: {e}"))?;
            codegen::generate(&merged_spec)
                .map_err(|e| anyhow!("the merged spec does not generate: {e}"))?;
            let merged_pointer =
                codegen::document::pointer(&["paths", &merged.draft.path, &merged.draft.method]);
            let stated = stated(page);
            let committed = facts(spec.document(), &operation.pointer, &stated);
            let found = facts(merged_spec.document(), &merged_pointer, &stated);
            agreement.facts = committed.len();
            for (fact, value) in &committed {
                match found.get(fact) {
                    Some(other) if other == value => agreement.agreed += 1,
                    other => agreement.differences.push(format!(
                        "{fact}: {value} committed, {} merged",
                        other.map_or("none", String::as_str)
                    )),
                }
            }
            // The merge names the operation by the file name; the stored
            // examples are named by the committed operationId.
            let reader = |id: &str, part: super::Part| {
                reader(
                    if id == merged.draft.operation_id {
                        &operation.id
                    } else {
                        id
                    },
                    part,
                )
            };
            agreement.drift = super::compare::compare(&merged_spec, &pages, &reader)
                .into_iter()
                .filter(|f| f.page == page.file)
                .collect();
            Ok(())
        })();
        if let Err(error) = result {
            agreement.error = Some(format!("{error:#}"));
        }
        out.push(agreement);
    }
    Ok(out)
}

/// The agreement table, in markdown.
pub fn render(agreements: &[Agreement]) -> String {
    let mut out = String::from(
        "| page | operation | facts | agreed | drift after merge |\n| --- | --- | ---: | ---: | ---: |\n",
    );
    let (mut facts, mut agreed) = (0, 0);
    for a in agreements {
        facts += a.facts;
        agreed += a.agreed;
        out.push_str(&format!(
            "| {} | {} | {} | {} ({}) | {} |\n",
            a.page,
            a.operation,
            a.facts,
            a.agreed,
            percent(a.agreed, a.facts),
            match &a.error {
                Some(_) => "failed".to_owned(),
                None => a.drift.len().to_string(),
            }
        ));
    }
    out.push_str(&format!(
        "| all {} pages | | {facts} | {agreed} ({}) | |\n",
        agreements.len(),
        percent(agreed, facts)
    ));
    for a in agreements {
        if let Some(error) = &a.error {
            out.push_str(&format!("\n{}: failed: {error}\n", a.page));
        }
        for difference in &a.differences {
            out.push_str(&format!("\n{}: {difference}", a.page));
        }
        for finding in &a.drift {
            out.push_str(&format!(
                "\n{}:{}: drift: {} {:?}: page {}, spec {}",
                a.page, finding.page_line, finding.path, finding.kind, finding.docs, finding.spec
            ));
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "100 %".to_owned();
    }
    format!("{:.1} %", part as f64 * 100.0 / whole as f64)
}

/// The spec text without the operation at `pointer` (its path item too when
/// it was the only one) and without the component schemas only it reached;
/// and the names of those schemas.
pub fn without_operation(
    text: &str,
    document: &Value,
    pointer: &str,
) -> Result<(String, Vec<String>)> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| codegen::document::unescape(s).into_owned())
        .collect();
    let [_, path, method] = &segments[..] else {
        return Err(anyhow!("not an operation pointer: {pointer}"));
    };
    let others: Vec<String> = codegen::document::operations(document)
        .into_iter()
        .map(|(p, m, _)| codegen::document::pointer(&["paths", p, m]))
        .filter(|p| p != pointer)
        .chain([
            "/components/responses".to_owned(),
            "/components/parameters".to_owned(),
        ])
        .collect();
    let schema_names = |reached: BTreeSet<String>| -> BTreeSet<String> {
        reached
            .iter()
            .filter_map(|p| p.strip_prefix("/components/schemas/"))
            .filter(|n| !n.contains('/'))
            .map(|n| codegen::document::unescape(n).into_owned())
            .collect()
    };
    let mine = schema_names(codegen::document::reachable(document, [pointer]));
    let kept = schema_names(codegen::document::reachable(
        document,
        others.iter().map(String::as_str),
    ));
    let removed: Vec<String> = mine.difference(&kept).cloned().collect();

    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut drop = vec![false; lines.len()];
    let find = |from: usize, to: usize, at: usize, name: &str| find_key(&lines, from..to, at, name);
    let top =
        |name: &str| find(0, lines.len(), 0, name).ok_or_else(|| anyhow!("no top-level `{name}:`"));
    let paths = top("paths")?;
    let paths_end = block_end(&lines, paths, 0);
    let item = find(paths, paths_end, 2, path).ok_or_else(|| anyhow!("no path item `{path}`"))?;
    let item_end = block_end(&lines, item, 2);
    let methods: Vec<usize> = (item + 1..item_end)
        .filter(|&i| is_content(lines[i]) && indent(lines[i]) == 4)
        .collect();
    let (from, to) = if methods.len() == 1 {
        (item, item_end)
    } else {
        let at = find(item, item_end, 4, method)
            .ok_or_else(|| anyhow!("no `{method}` under `{path}`"))?;
        (at, block_end(&lines, at, 4))
    };
    mark(&lines, &mut drop, from, to);
    if !removed.is_empty() {
        let components = top("components")?;
        let components_end = block_end(&lines, components, 0);
        let schemas = find(components, components_end, 2, "schemas")
            .ok_or_else(|| anyhow!("no `components.schemas`"))?;
        let schemas_end = block_end(&lines, schemas, 2);
        for name in &removed {
            let at =
                find(schemas, schemas_end, 4, name).ok_or_else(|| anyhow!("no schema `{name}`"))?;
            mark(&lines, &mut drop, at, block_end(&lines, at, 4));
        }
    }
    let out = lines
        .iter()
        .zip(&drop)
        .filter(|(_, dropped)| !**dropped)
        .map(|(line, _)| *line)
        .collect();
    Ok((out, removed))
}

/// Marks lines `from..to` and the comment lines right above `from` dropped.
fn mark(lines: &[&str], drop: &mut [bool], from: usize, to: usize) {
    drop[from..to].iter_mut().for_each(|d| *d = true);
    let mut above = from;
    while above > 0 && lines[above - 1].trim_start().starts_with('#') {
        above -= 1;
        drop[above] = true;
    }
}

/// The field paths a page states: its parameters (`parameters.options.limit`),
/// the Body and Response fields and every key of its examples
/// (`body.data.text`, `response.posts[].postId`).
fn stated(page: &Page) -> BTreeSet<String> {
    let mut out = BTreeSet::from(["body".to_owned(), "response".to_owned()]);
    for parameter in &page.parameters {
        out.insert(format!("parameters.{}", parameter.field.name));
    }
    for (prefix, section) in [("body", &page.body), ("response", &page.response)] {
        for field in section.iter().flat_map(|s| &s.fields) {
            out.insert(format!("{prefix}.{}", field.name));
        }
    }
    fn walk(value: &Value, at: &str, out: &mut BTreeSet<String>) {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    let path = format!("{at}.{key}");
                    out.insert(path.clone());
                    walk(child, &path, out);
                }
            }
            // An empty list states nothing of its items.
            Value::Array(items) => {
                if let Some(first) = items.first() {
                    let path = format!("{at}[]");
                    out.insert(path.clone());
                    walk(first, &path, out);
                }
            }
            _ => {}
        }
    }
    if let Some(example) = &page.request_example {
        walk(&example.value, "body", &mut out);
    }
    if let Some(example) = &page.response_example {
        walk(&example.value, "response", &mut out);
    }
    out
}

/// The facts of the operation at `pointer` on the fields in `stated`:
/// `field keyword` -> value.
fn facts(document: &Value, pointer: &str, stated: &BTreeSet<String>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(op) = document.pointer(pointer) else {
        return out;
    };
    let item_pointer = pointer.rsplit_once('/').map_or("", |(item, _)| item);
    let mut parameters: Vec<&Value> = Vec::new();
    for holder in [document.pointer(item_pointer), Some(op)] {
        if let Some(Value::Array(list)) = holder.and_then(|h| h.get("parameters")) {
            parameters.extend(list.iter().map(|p| codegen::document::target(document, p)));
        }
    }
    let mut collector = Facts {
        document,
        stated,
        out: &mut out,
    };
    for parameter in parameters {
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let location = parameter
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let at = format!("parameters.{name}");
        let style =
            parameter
                .get("style")
                .and_then(Value::as_str)
                .unwrap_or(if location == "query" {
                    "form"
                } else {
                    "simple"
                });
        let explode = parameter
            .get("explode")
            .and_then(Value::as_bool)
            .unwrap_or(style == "form");
        collector.fact(&at, "in", location.to_owned());
        collector.fact(
            &at,
            "required",
            (parameter.get("required") == Some(&Value::Bool(true))).to_string(),
        );
        collector.fact(&at, "style", format!("{style}, explode {explode}"));
        if let Some(schema) = parameter.get("schema") {
            collector.schema(schema, &at, false, 0);
        }
    }
    for media in ["application~1json", "multipart~1form-data"] {
        if let Some(body) = op.get("requestBody")
            && let Some(schema) = codegen::document::target(document, body)
                .pointer(&format!("/content/{media}/schema"))
        {
            collector.fact("body", "media", media.replace("~1", "/"));
            collector.schema(schema, "body", false, 0);
        }
    }
    if let Some(ok) = op.pointer("/responses/200") {
        let ok = codegen::document::target(document, ok);
        if let Some(content) = ok.get("content").and_then(Value::as_object) {
            for (media, value) in content {
                collector.fact("response", "media", media.clone());
                if let Some(schema) = value.get("schema") {
                    collector.schema(schema, "response", true, 0);
                }
            }
        }
    }
    out
}

struct Facts<'a, 'o> {
    document: &'a Value,
    stated: &'a BTreeSet<String>,
    out: &'o mut BTreeMap<String, String>,
}

impl Facts<'_, '_> {
    fn fact(&mut self, at: &str, keyword: &str, value: String) {
        if self.stated.contains(at) {
            self.out.insert(format!("{at} {keyword}"), value);
        }
    }

    /// The facts of a schema at the field path `at`; `response`: an integer
    /// and a number are one kind (the pages show `123` for both).
    fn schema(&mut self, schema: &Value, at: &str, response: bool, depth: usize) {
        if depth > 8 {
            return;
        }
        let mut keywords = serde_json::Map::new();
        let mut properties: Vec<(String, Value)> = Vec::new();
        let mut required = BTreeSet::new();
        self.merge(schema, &mut keywords, &mut properties, &mut required, 0);
        let ty = keywords
            .get("type")
            .and_then(Value::as_str)
            .map(|t| match t {
                "integer" if response => "number",
                t => t,
            });
        let ty = ty.or_else(|| (!properties.is_empty()).then_some("object"));
        let format = keywords.get("format").and_then(Value::as_str);
        if let Some(ty) = ty {
            let text = match format {
                Some(format) if ty == "string" => format!("{ty}<{format}>"),
                _ => ty.to_owned(),
            };
            self.fact(at, "type", text);
        }
        for keyword in super::draft::CONSTRAINTS {
            if let Some(value) = keywords.get(keyword) {
                self.fact(at, keyword, value.to_string());
            }
        }
        if let Some(items) = keywords.get("items").cloned() {
            self.schema(&items, &format!("{at}[]"), response, depth + 1);
        }
        for (name, property) in properties {
            let path = format!("{at}.{name}");
            if !response {
                self.fact(&path, "required", required.contains(&name).to_string());
            }
            self.schema(&property, &path, response, depth + 1);
        }
    }

    /// A schema's keywords, properties and required fields over its `$ref`
    /// and its `allOf` members that are not documented rules (first wins).
    fn merge(
        &self,
        schema: &Value,
        keywords: &mut serde_json::Map<String, Value>,
        properties: &mut Vec<(String, Value)>,
        required: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > 8 {
            return;
        }
        let schema = codegen::document::target(self.document, schema);
        let Some(map) = schema.as_object() else {
            return;
        };
        for (key, value) in map {
            match key.as_str() {
                "properties" => {
                    for (name, property) in value.as_object().into_iter().flatten() {
                        if !properties.iter().any(|(n, _)| n == name) {
                            properties.push((name.clone(), property.clone()));
                        }
                    }
                }
                "required" => required.extend(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned),
                ),
                "allOf" => {
                    for member in value.as_array().into_iter().flatten() {
                        if codegen::document::target(self.document, member)
                            .get(codegen::RULE)
                            .is_none()
                        {
                            self.merge(member, keywords, properties, required, depth + 1);
                        }
                    }
                }
                _ => {
                    keywords.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
    }
}
