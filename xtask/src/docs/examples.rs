//! `spec/examples/`: read for the comparison, rewritten from the pages by
//! `--write-examples`.
//!
//! A file is rewritten only when its JSON differs from the page's, so an
//! unchanged example keeps its bytes. The page's JSON is re-indented (two
//! spaces, keys in page order, numbers as written), never re-encoded.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::Value;

use super::EXAMPLES_DIR;
use super::compare::{Part, StoredExample, operation_of, operations};
use super::page::Page;

/// Reads `<dir>/<operation>.<part>.json`.
pub(super) fn read(dir: &Path, operation: &str, part: Part) -> StoredExample {
    let name = format!("{operation}.{}.json", part.name());
    let label = format!("{EXAMPLES_DIR}/{name}");
    let text = match fs::read_to_string(dir.join(&name)) {
        Ok(text) => text,
        Err(error) => {
            return StoredExample {
                label,
                value: None,
                error: Some(format!("cannot read it: {error}")),
                lines: HashMap::new(),
            };
        }
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(value) => StoredExample {
            lines: codegen::document::positions(&text)
                .into_iter()
                .map(|(pointer, (line, _))| (pointer, line))
                .collect(),
            label,
            value: Some(value),
            error: None,
        },
        Err(error) => StoredExample {
            label,
            value: None,
            error: Some(format!("not JSON: {error}")),
            lines: HashMap::new(),
        },
    }
}

/// Rewrites every example of `spec/examples/` that differs from its page's,
/// all or none: every new file is written beside its target first, then all
/// are renamed into place; on a failure the temporary files are removed and
/// no example has changed. Returns the files written, relative to `root`.
pub(super) fn write(root: &Path, spec: &codegen::Spec, pages: &[Page]) -> Result<Vec<String>> {
    let dir = root.join(EXAMPLES_DIR);
    let operations = operations(spec);
    let mut planned: Vec<(String, String)> = Vec::new();
    for page in pages {
        let Some(operation) = operation_of(&operations, page) else {
            continue;
        };
        for (part, example) in [
            (Part::Request, &page.request_example),
            (Part::Response, &page.response_example),
        ] {
            let Some(example) = example else { continue };
            let stored = read(&dir, &operation.id, part);
            if stored.value.as_ref() == Some(&example.value) {
                continue;
            }
            planned.push((
                format!("{}.{}.json", operation.id, part.name()),
                pretty(&example.text),
            ));
        }
    }
    let mut temporaries = Vec::new();
    let staged: Result<()> = planned.iter().try_for_each(|(name, text)| {
        let temporary = dir.join(format!(".{name}.tmp"));
        temporaries.push(temporary.clone());
        fs::write(&temporary, text).with_context(|| format!("cannot write {}", temporary.display()))
    });
    let moved = staged.and_then(|()| {
        planned
            .iter()
            .zip(&temporaries)
            .try_for_each(|((name, _), temporary)| {
                fs::rename(temporary, dir.join(name))
                    .with_context(|| format!("cannot move {} into place", temporary.display()))
            })
    });
    if let Err(error) = moved {
        for temporary in &temporaries {
            let _ = fs::remove_file(temporary);
        }
        return Err(error.context(format!("{EXAMPLES_DIR} left as it was")));
    }
    Ok(planned
        .into_iter()
        .map(|(name, _)| format!("{EXAMPLES_DIR}/{name}"))
        .collect())
}

/// `json` (one valid JSON value) re-indented with two spaces, one key or item
/// a line, `{}`/`[]` kept on one line, and a final newline.
pub(super) fn pretty(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut chars = json.trim().chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.extend(chars.next()),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}
