//! `--draft PAGE --merge`: the page's drafted operation ([`super::draft`])
//! written into `spec/openapi.yaml`.
//!
//! The spec is edited as text, never re-serialised: the operation goes at
//! the end of its path item (a new path item at the end of `paths`), each new
//! component at the end of `components.schemas`, and nothing else changes, so
//! the spec's comments, order and formatting are kept. Before anything is
//! written the merged text must read back as the original document plus
//! exactly the draft, pass codegen's checks and generate; otherwise the
//! command fails naming what and where, and every file is as it was. The
//! page's example payloads go to `spec/examples/`, and the page leaves
//! `spec/pending-pages.txt` when it is listed there.
//!
//! A page whose operation the spec already has is not merged: the command
//! prints the page's drift report instead, so merging twice changes nothing.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use serde_yaml::Value as Yaml;

use super::compare::Part;
use super::draft::{Draft, draft};
use super::page::Page;
use super::{EXAMPLES_DIR, Format, PENDING_PAGES};

/// The width of the spec's `# ---- page.txt` separator comments.
const SEPARATOR_WIDTH: usize = 86;

/// What a merge did, or would do.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The draft that was merged.
    pub draft: Draft,
    /// The spec's text with the draft in it.
    pub text: String,
    /// The 1-based line ranges of the merged text that are new, each with
    /// what it holds (`operation createWidget`, `component WidgetSettings`).
    pub inserted: Vec<(usize, usize, String)>,
}

/// The outcome of `--merge` on one page.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The operation was written into the spec.
    Merged(Box<Merged>),
    /// The spec already has the page's operation: nothing was written.
    Existing {
        /// Its operationId.
        operation: String,
    },
}

/// Merges `page` into the spec text `text` (already read as `spec`): the
/// merged text, checked to read back as the original plus the draft. Writes
/// nothing.
pub fn merge_text(text: &str, spec: &codegen::Spec, page: &Page) -> Result<Outcome> {
    let draft = draft(page, spec)?;
    if let Some(operation) = &draft.existing {
        return Ok(Outcome::Existing {
            operation: operation.clone(),
        });
    }
    // A page read in part would be merged in part: what it holds beyond the
    // reader goes first.
    if !draft.not_read.is_empty() {
        let lines: Vec<String> = draft
            .not_read
            .iter()
            .map(|u| format!("{}:{}: not read: {}", page.file, u.line, u.what))
            .collect();
        bail!(
            "{}\n{} line{} of the page not read: cannot merge it whole (fix the page, or transcribe it by hand from `--draft`)",
            lines.join("\n"),
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        );
    }
    let mut edit = Edit::new(text);
    edit.operation(&draft)?;
    edit.schemas(&draft)?;
    let (merged, inserted) = edit.finish();
    read_back(text, &merged, &draft)?;
    Ok(Outcome::Merged(Box::new(Merged {
        draft,
        text: merged,
        inserted,
    })))
}

/// `cargo xtask docs --draft PAGE --merge` in the project at `root`; prints
/// the report and returns the exit status: 0 merged (or already merged
/// without drift), 1 already in the spec with drift.
pub fn run(root: &Path, folder: &Path, page_path: &Path, format: Format) -> Result<u8> {
    let page = super::read_one_page(page_path)?;
    let file = page.file.clone();
    let spec_path = root.join(codegen::SPEC_PATH);
    let spec_text = fs::read_to_string(&spec_path)
        .map_err(|e| anyhow!("cannot read {}: {e}", codegen::SPEC_PATH))?;
    // One read of the spec's text: merged into and loaded from.
    let spec = load_as(&spec_path, &spec_text).map_err(super::unreadable_spec)?;
    let merged = match merge_text(&spec_text, &spec, &page)? {
        Outcome::Existing { operation } => {
            println!(
                "{file}: the spec already has this operation ({operation}): nothing merged; its drift against the page:"
            );
            let mut checked = super::check(root, folder, false)?;
            checked.findings.retain(|f| f.page == file);
            checked.pending.retain(|(name, _)| *name == file);
            checked.pages = 1;
            print!("{}", super::render(&checked, format));
            return Ok(u8::from(!checked.findings.is_empty()));
        }
        Outcome::Merged(merged) => merged,
    };

    let where_new = merged
        .inserted
        .iter()
        .map(|(from, to, what)| format!("{what} at lines {from}-{to}"))
        .collect::<Vec<_>>()
        .join(", ");
    let refused = |error: &dyn std::fmt::Display| {
        anyhow!(
            "{file}: the merged spec is refused: {error}\n(in the merged text, the page's {where_new}); {} was left as it was",
            codegen::SPEC_PATH
        )
    };
    // Checked as `cargo xtask regen` will read it, before anything is written.
    let checked = load_as(&spec_path, &merged.text).map_err(|e| refused(&e))?;
    codegen::generate(&checked).map_err(|e| refused(&e))?;

    let mut writes: Vec<(PathBuf, String)> = Vec::new();
    for (part, example) in [
        (Part::Request, &page.request_example),
        (Part::Response, &page.response_example),
    ] {
        if let Some(example) = example {
            let name = format!("{}.{}.json", merged.draft.operation_id, part.name());
            writes.push((
                root.join(EXAMPLES_DIR).join(name),
                super::examples::pretty(&example.text),
            ));
        }
    }
    if let Some(pending) = without_pending(root, &file)? {
        writes.push((root.join(PENDING_PAGES), pending));
    }
    writes.push((spec_path.clone(), merged.text.clone()));
    write_all(&writes)?;

    println!(
        "merged {file} ({} {}) into {} as {}:",
        merged.draft.method.to_uppercase(),
        merged.draft.path,
        codegen::SPEC_PATH,
        merged.draft.operation_id
    );
    for (from, to, what) in &merged.inserted {
        println!("  {}:{from}-{to}: {what}", codegen::SPEC_PATH);
    }
    for (path, _) in &writes[..writes.len() - 1] {
        let relative = path.strip_prefix(root).unwrap_or(path);
        println!("  wrote {}", relative.display());
    }
    let notes = merged.draft.notes();
    if !notes.is_empty() {
        println!("to review:");
        for note in notes {
            println!("  {note}");
        }
    }
    let mut after = super::check(root, folder, false)?;
    after.findings.retain(|f| f.page == file);
    if after.findings.is_empty() {
        println!("docs: no drift for {file}");
    } else {
        println!(
            "docs: {} finding(s) left for {file} (fix the spec where the page is right):",
            after.findings.len()
        );
        after.pending.clear();
        after.pages = 1;
        print!("{}", super::render(&after, Format::Text));
    }
    println!("next: review the lines above, then `cargo xtask regen`");
    Ok(0)
}

/// The spec at `spec_path` read as if its text were `text` (the files its
/// `$ref`s name are read from disk).
pub(super) fn load_as(spec_path: &Path, text: &str) -> Result<codegen::Spec, codegen::Error> {
    codegen::Spec::load_with(spec_path, codegen::SPEC_PATH, &|path: &Path| {
        if path == spec_path {
            Ok(text.to_owned())
        } else {
            fs::read_to_string(path)
        }
    })
}

/// The pending list without `page`'s line, when it lists the page.
fn without_pending(root: &Path, page: &str) -> Result<Option<String>> {
    let path = root.join(PENDING_PAGES);
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(None);
    };
    let listed = super::parse_pending(&text);
    let Some((_, line)) = listed.iter().find(|(name, _)| name == page) else {
        return Ok(None);
    };
    let kept: String = text
        .split_inclusive('\n')
        .enumerate()
        .filter(|(index, _)| index + 1 != *line)
        .map(|(_, l)| l)
        .collect();
    Ok(Some(kept))
}

/// Writes every file or none: each beside its target first, then all renamed
/// into place; on a failure the files already replaced get their old bytes
/// back and the temporary files are removed.
fn write_all(writes: &[(PathBuf, String)]) -> Result<()> {
    let temporary = |path: &Path| {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        path.with_file_name(format!(".{name}.merge-tmp"))
    };
    let mut staged = Vec::new();
    let result = (|| -> Result<()> {
        for (path, text) in writes {
            let tmp = temporary(path);
            fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
            staged.push(tmp);
        }
        Ok(())
    })();
    if let Err(error) = result {
        for tmp in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(error.context("nothing was written"));
    }
    let originals: Vec<Option<Vec<u8>>> = writes.iter().map(|(p, _)| fs::read(p).ok()).collect();
    for (index, (path, _)) in writes.iter().enumerate() {
        if let Err(error) = fs::rename(temporary(path), path) {
            for ((path, _), original) in writes[..index].iter().zip(&originals) {
                let _ = match original {
                    Some(bytes) => fs::write(path, bytes),
                    None => fs::remove_file(path),
                };
            }
            for (path, _) in &writes[index..] {
                let _ = fs::remove_file(temporary(path));
            }
            return Err(anyhow!(
                "cannot move the new {} into place: {error}: every file was left as it was",
                path.display()
            ));
        }
    }
    Ok(())
}

/// The merged text must read as the original document with exactly the
/// draft's operation and components added.
fn read_back(original: &str, merged: &str, draft: &Draft) -> Result<()> {
    let mut expected: Yaml = serde_yaml::from_str(original)
        .map_err(|e| anyhow!("{}: not YAML: {e}", codegen::SPEC_PATH))?;
    let found: Yaml = serde_yaml::from_str(merged).map_err(|e| {
        anyhow!(
            "the merge made text that is not YAML ({e}): the spec's layout is not one the merge knows; {} was left as it was",
            codegen::SPEC_PATH
        )
    })?;
    let paths = expected
        .get_mut("paths")
        .and_then(Yaml::as_mapping_mut)
        .ok_or_else(|| anyhow!("{}: no `paths` mapping", codegen::SPEC_PATH))?;
    let item = paths
        .entry(Yaml::from(draft.path.clone()))
        .or_insert_with(|| Yaml::Mapping(Default::default()));
    if let Some(item) = item.as_mapping_mut() {
        item.insert(
            Yaml::from(draft.method.clone()),
            Yaml::Mapping(draft.operation.clone()),
        );
    }
    if !draft.schemas.is_empty() {
        let root = expected
            .as_mapping_mut()
            .ok_or_else(|| anyhow!("{}: not a mapping", codegen::SPEC_PATH))?;
        let components = root
            .entry(Yaml::from("components"))
            .or_insert_with(|| Yaml::Mapping(Default::default()));
        let schemas = components
            .as_mapping_mut()
            .map(|c| {
                c.entry(Yaml::from("schemas"))
                    .or_insert_with(|| Yaml::Mapping(Default::default()))
            })
            .and_then(Yaml::as_mapping_mut)
            .ok_or_else(|| anyhow!("{}: `components` is not a mapping", codegen::SPEC_PATH))?;
        for (name, schema) in &draft.schemas {
            schemas.insert(Yaml::from(name.clone()), Yaml::Mapping(schema.clone()));
        }
    }
    if expected != found {
        bail!(
            "the merge made text that does not read back as the spec plus the page's operation: the spec's layout is not one the merge knows (write `paths:` and `components.schemas:` as block mappings); {} was left as it was",
            codegen::SPEC_PATH
        );
    }
    Ok(())
}

/// Insertions into the spec's lines, applied at the end.
struct Edit<'t> {
    lines: Vec<&'t str>,
    /// (insert before this 0-based line, text, what it is).
    insertions: Vec<(usize, String, String)>,
}

impl<'t> Edit<'t> {
    fn new(text: &'t str) -> Edit<'t> {
        Edit {
            lines: text.split_inclusive('\n').collect(),
            insertions: Vec::new(),
        }
    }

    /// The operation, at the end of its path item or as a new path item at
    /// the end of `paths`.
    fn operation(&mut self, draft: &Draft) -> Result<()> {
        let paths = self.top_key("paths")?;
        let paths_end = self.block_end(paths, 0);
        let item = find_key(&self.lines, paths + 1..paths_end, 2, &draft.path);
        let what = format!("operation {}", draft.operation_id);
        match item {
            Some(item) => {
                let child = self.child_indent(item, 2).unwrap_or(4);
                let at = self.block_end(item, 2);
                let text = format!(
                    "{}{}",
                    separator(child, &draft.page),
                    draft.operation_text(child)
                );
                self.insertions.push((at, text, what));
            }
            None => {
                let at = paths_end;
                let text = format!(
                    "\n{}  {}:\n{}",
                    separator(2, &draft.page),
                    plain_key(&draft.path),
                    draft.operation_text(4)
                );
                self.insertions.push((at, text, what));
            }
        }
        Ok(())
    }

    /// Each new component at the end of `components.schemas`.
    fn schemas(&mut self, draft: &Draft) -> Result<()> {
        if draft.schemas.is_empty() {
            return Ok(());
        }
        let (at, indent, prefix) = match self.top_key("components") {
            Ok(components) => {
                let end = self.block_end(components, 0);
                match find_key(&self.lines, components + 1..end, 2, "schemas") {
                    Some(schemas) => {
                        let child = self.child_indent(schemas, 2).unwrap_or(4);
                        (self.block_end(schemas, 2), child, String::new())
                    }
                    None => (end, 4, "  schemas:\n".to_owned()),
                }
            }
            Err(_) => (self.lines.len(), 4, "components:\n  schemas:\n".to_owned()),
        };
        let mut text = prefix;
        for (name, schema) in &draft.schemas {
            text.push('\n');
            text.push_str(&draft.schema_text(name, schema, indent));
        }
        let names: Vec<&str> = draft.schemas.iter().map(|(n, _)| n.as_str()).collect();
        self.insertions
            .push((at, text, format!("components {}", names.join(", "))));
        Ok(())
    }

    /// The line of a top-level key (`paths:` alone on its line).
    fn top_key(&self, name: &str) -> Result<usize> {
        let index = find_key(&self.lines, 0..self.lines.len(), 0, name)
            .ok_or_else(|| anyhow!("{}: no top-level `{name}:`", codegen::SPEC_PATH))?;
        let rest = self.lines[index].split_once(':').map_or("", |(_, r)| r);
        let rest = rest.split(" #").next().unwrap_or_default().trim();
        if !rest.is_empty() {
            bail!(
                "{}:{}: `{name}: {rest}` is written inline: the merge adds to block mappings only (write `{name}:` on its own line)",
                codegen::SPEC_PATH,
                index + 1
            );
        }
        Ok(index)
    }

    fn block_end(&self, start: usize, indent_of_key: usize) -> usize {
        block_end(&self.lines, start, indent_of_key)
    }

    /// The indent of the first content line under the key at `start`.
    fn child_indent(&self, start: usize, indent_of_key: usize) -> Option<usize> {
        self.lines
            .iter()
            .skip(start + 1)
            .find(|line| is_content(line))
            .map(|line| indent(line))
            .filter(|&i| i > indent_of_key)
    }

    /// The merged text, and the 1-based line range of each insertion in it.
    fn finish(mut self) -> (String, Vec<(usize, usize, String)>) {
        self.insertions.sort_by_key(|(at, _, _)| *at);
        let mut out = String::new();
        let mut ranges = Vec::new();
        let mut next = 0;
        let mut line = 1;
        // A last line without a newline gets one before text follows it.
        for (at, text, what) in self.insertions {
            for original in &self.lines[next..at] {
                out.push_str(original);
                line += 1;
            }
            next = at;
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            let count = text.lines().count();
            let blank = text.lines().take_while(|l| l.trim().is_empty()).count();
            ranges.push((line + blank, line + count - 1, what));
            out.push_str(&text);
            line += count;
        }
        for original in &self.lines[next..] {
            out.push_str(original);
        }
        (out, ranges)
    }
}

/// `  # ------------ page.txt`, the spec's separator above a page's operation.
fn separator(indent: usize, page: &str) -> String {
    let used = indent + 2 + 1 + page.len();
    let dashes = SEPARATOR_WIDTH.saturating_sub(used).max(4);
    format!("{}# {} {page}\n", " ".repeat(indent), "-".repeat(dashes))
}

/// Where the block of the key at line `start` (indented `indent_of_key`)
/// ends: after its last content line; comments and blank lines before the
/// next key of its level belong to that key.
pub(super) fn block_end(lines: &[&str], start: usize, indent_of_key: usize) -> usize {
    let mut last = start;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if !is_content(line) {
            continue;
        }
        if indent(line) <= indent_of_key {
            break;
        }
        last = i;
    }
    last + 1
}

/// The first line of `range` that is the key `name` at `indent_of_key`.
pub(super) fn find_key(
    lines: &[&str],
    range: std::ops::Range<usize>,
    indent_of_key: usize,
    name: &str,
) -> Option<usize> {
    range
        .into_iter()
        .find(|&i| indent(lines[i]) == indent_of_key && key(lines[i]).as_deref() == Some(name))
}

/// How many spaces a line starts with.
pub(super) fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Not blank and not a comment.
pub(super) fn is_content(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with('#')
}

/// The key of a `key:` or `key: value` line, unquoted.
pub(super) fn key(line: &str) -> Option<String> {
    let trimmed = line.trim();
    if trimmed.starts_with('#') || trimmed.starts_with('-') {
        return None;
    }
    let (raw, rest) = if let Some(inner) = trimmed.strip_prefix('\'') {
        let end = inner.find("':")?;
        (inner[..end].replace("''", "'"), &inner[end + 1..])
    } else if let Some(inner) = trimmed.strip_prefix('"') {
        let end = inner.find("\":")?;
        (inner[..end].to_owned(), &inner[end + 1..])
    } else {
        let end = trimmed.find(':')?;
        (trimmed[..end].to_owned(), &trimmed[end..])
    };
    rest.starts_with(':').then_some(raw)
}

/// A path as a mapping key (`/api/v3/things/{id}` needs no quotes).
fn plain_key(path: &str) -> String {
    let mut map = serde_yaml::Mapping::new();
    map.insert(Yaml::from(path.to_owned()), Yaml::Null);
    let text = serde_yaml::to_string(&map).unwrap_or_default();
    text.trim_end()
        .strip_suffix(": null")
        .unwrap_or(path)
        .to_owned()
}
