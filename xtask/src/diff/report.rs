//! Renders a [`Report`] as text (for people), markdown (for a pull request) or
//! JSON (for scripts).

use std::fmt::Write as _;

use serde::Serialize;

use super::change::{Change, Kind, Report, Severity};
use crate::Format;

/// The report in `format`, ending with a newline: as text, grouped by
/// operation, breaking first, then a summary line; as markdown, one table; as
/// JSON, `{"changes": [...]}`, one object per change.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => text(report),
        Format::Markdown => markdown(report),
        Format::Json => json(report),
    }
}

/// The summary line, then the breaking rows, indented: what `cargo xtask regen`
/// prints after regenerating.
pub fn summary(report: &Report) -> String {
    let mut out = report.summary();
    out.push('\n');
    for change in report.changes.iter().filter(|c| c.breaking()) {
        let _ = writeln!(
            out,
            "  {} {}: {}",
            change.kind.as_str(),
            change.location,
            change.message
        );
    }
    out
}

fn text(report: &Report) -> String {
    if report.changes.is_empty() {
        return "no changes\n".to_owned();
    }
    let mut out = String::new();
    let kind_width = report
        .changes
        .iter()
        .map(|c| c.kind.as_str().len())
        .max()
        .unwrap_or(0);
    for (operation, changes) in groups(&report.changes) {
        let heading = operation.unwrap_or("(no operation)");
        let _ = writeln!(out, "{heading}");
        for change in changes {
            let _ = writeln!(
                out,
                "  {:<12} {:<kind_width$} {}: {}",
                change.severity.as_str(),
                change.kind.as_str(),
                local_location(change),
                change.message,
            );
        }
        out.push('\n');
    }
    out.push_str(&report.summary());
    out.push('\n');
    out
}

fn markdown(report: &Report) -> String {
    if report.changes.is_empty() {
        return "no changes\n".to_owned();
    }
    let mut out = format!("**API changes: {}**\n\n", report.summary());
    out.push_str("| Severity | Operation | Location | Kind | Change |\n");
    out.push_str("|---|---|---|---|---|\n");
    for change in &report.changes {
        let severity = match change.severity {
            Severity::Breaking => "**breaking**",
            other => other.as_str(),
        };
        let operation = change
            .operation
            .as_deref()
            .map_or_else(|| "—".to_owned(), |o| format!("`{o}`"));
        let _ = writeln!(
            out,
            "| {severity} | {operation} | `{}` | `{}` | {} |",
            cell(local_location(change)),
            change.kind.as_str(),
            cell(&change.message),
        );
    }
    out
}

/// One change as JSON.
#[derive(Serialize)]
struct JsonChange<'c> {
    operation: Option<&'c str>,
    location: &'c str,
    kind: Kind,
    breaking: bool,
    severity: Severity,
    message: &'c str,
}

#[derive(Serialize)]
struct JsonReport<'c> {
    changes: Vec<JsonChange<'c>>,
}

fn json(report: &Report) -> String {
    let document = JsonReport {
        changes: report
            .changes
            .iter()
            .map(|c| JsonChange {
                operation: c.operation.as_deref(),
                location: &c.location,
                kind: c.kind,
                breaking: c.breaking(),
                severity: c.severity,
                message: &c.message,
            })
            .collect(),
    };
    // Plain strings, bools and enums of our own: serialising cannot fail.
    let mut out = serde_json::to_string_pretty(&document)
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot serialise the report: {e}\"}}"));
    out.push('\n');
    out
}

/// Consecutive changes of one operation (the report is sorted by operation).
fn groups(changes: &[Change]) -> Vec<(Option<&str>, &[Change])> {
    let mut out: Vec<(Option<&str>, &[Change])> = Vec::new();
    let mut start = 0;
    for end in 1..=changes.len() {
        if end == changes.len() || changes[end].operation != changes[start].operation {
            out.push((changes[start].operation.as_deref(), &changes[start..end]));
            start = end;
        }
    }
    out
}

/// The location without the operationId it starts with (the group names it).
fn local_location(change: &Change) -> &str {
    change
        .operation
        .as_deref()
        .and_then(|operation| change.location.strip_prefix(operation))
        .map(str::trim_start)
        .filter(|rest| !rest.is_empty())
        .unwrap_or(&change.location)
}

/// Escapes a markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}
