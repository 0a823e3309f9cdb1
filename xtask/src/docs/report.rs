//! Renders the findings as text (for people), markdown (for a pull request) or
//! JSON (for scripts).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::Checked;
use super::compare::Finding;
use crate::Format;

/// The findings in `format`, ending with a newline: as text, one block a
/// finding (page:line, kind, operation and path, both values, the spec's
/// place), then a summary line; as markdown, one table; as JSON,
/// `{"drift": [{"page", "operation", "path", "kind", "docs", "spec", ...}]}`.
pub fn render(checked: &Checked, format: Format) -> String {
    match format {
        Format::Text => text(checked),
        Format::Markdown => markdown(checked),
        Format::Json => json(checked),
    }
}

/// `no drift over 5 pages`, or `3 findings over 5 pages (2 limit-differs, 1
/// options-differ)`.
/// Pages listed as pending add `; 3 pages pending (spec/pending-pages.txt)`.
pub fn summary(checked: &Checked) -> String {
    let pending = if checked.pending.is_empty() {
        String::new()
    } else {
        format!(
            "; {} page{} pending ({})",
            checked.pending.len(),
            if checked.pending.len() == 1 { "" } else { "s" },
            super::PENDING_PAGES
        )
    };
    if checked.findings.is_empty() {
        return format!("no drift over {} pages{pending}", checked.pages);
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in &checked.findings {
        *kinds.entry(finding.kind.name()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(kind, count)| format!("{count} {kind}"))
        .collect();
    format!(
        "{} finding{} over {} pages ({}){pending}",
        checked.findings.len(),
        if checked.findings.len() == 1 { "" } else { "s" },
        checked.pages,
        kinds.join(", ")
    )
}

fn page_place(finding: &Finding) -> String {
    if finding.page == "none" {
        // An operation or a quote no page stands for: the spec's place leads.
        return spec_place(finding);
    }
    if finding.page_line > 0 {
        format!("{}:{}", finding.page, finding.page_line)
    } else {
        finding.page.clone()
    }
}

fn spec_place(finding: &Finding) -> String {
    let place = &finding.spec_at;
    if place.line > 0 {
        format!("{}:{}", place.file, place.line)
    } else {
        place.file.clone()
    }
}

fn text(checked: &Checked) -> String {
    let mut out = String::new();
    for finding in &checked.findings {
        let _ = writeln!(
            out,
            "{}: {}: {} {}",
            page_place(finding),
            finding.kind.name(),
            finding.operation,
            finding.path
        );
        let _ = writeln!(out, "  docs: {}", finding.docs);
        let _ = writeln!(out, "  spec: {} ({})", finding.spec, spec_place(finding));
    }
    for (page, count) in &checked.pending {
        let _ = writeln!(
            out,
            "{page}: pending: not yet transcribed ({count} finding{} set apart)",
            if *count == 1 { "" } else { "s" }
        );
    }
    let _ = writeln!(out, "{}", summary(checked));
    out
}

fn markdown(checked: &Checked) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "**Docs against the spec**: {}\n", summary(checked));
    if checked.findings.is_empty() {
        return out;
    }
    out.push_str("| page | kind | operation | path | docs | spec |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    let cell = |text: &str| text.replace('|', "\\|").replace('\n', " ");
    for finding in &checked.findings {
        let _ = writeln!(
            out,
            "| {} | {} | {} | `{}` | {} | {} ({}) |",
            cell(&page_place(finding)),
            finding.kind.name(),
            cell(&finding.operation),
            cell(&finding.path),
            cell(&finding.docs),
            cell(&finding.spec),
            cell(&spec_place(finding)),
        );
    }
    out
}

/// One finding in the JSON output.
#[derive(Serialize)]
struct Row<'a> {
    page: &'a str,
    page_line: usize,
    operation: &'a str,
    path: &'a str,
    kind: &'static str,
    docs: &'a str,
    spec: &'a str,
    spec_file: &'a str,
    spec_line: usize,
}

/// A page not yet transcribed, in the JSON output.
#[derive(Serialize)]
struct Pending<'a> {
    page: &'a str,
    findings: usize,
}

#[derive(Serialize)]
struct Document<'a> {
    drift: Vec<Row<'a>>,
    pages: usize,
    pending: Vec<Pending<'a>>,
}

fn json(checked: &Checked) -> String {
    let drift = checked
        .findings
        .iter()
        .map(|f| Row {
            page: &f.page,
            page_line: f.page_line,
            operation: &f.operation,
            path: &f.path,
            kind: f.kind.name(),
            docs: &f.docs,
            spec: &f.spec,
            spec_file: &f.spec_at.file,
            spec_line: f.spec_at.line,
        })
        .collect();
    let pending = checked
        .pending
        .iter()
        .map(|(page, findings)| Pending {
            page,
            findings: *findings,
        })
        .collect();
    let document = Document {
        drift,
        pages: checked.pages,
        pending,
    };
    let mut out = serde_json::to_string_pretty(&document).unwrap_or_default();
    out.push('\n');
    out
}
