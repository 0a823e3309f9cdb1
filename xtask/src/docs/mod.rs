//! `cargo xtask docs`: the spec checked against the doc pages it was
//! transcribed from.
//!
//! [`page`] reads each page of the folder (`../shared/docs` unless `--docs`
//! names another) into its parts; [`compare`] matches each page to its
//! operation by method and path and lists every difference with the spec as a
//! [`Finding`]; `report` prints them (text, markdown or JSON). `--write-examples`
//! refreshes `spec/examples/` from the pages first, `--draft PAGE` prints the
//! operation a page documents, drafted by the spec's conventions ([`draft`]),
//! and `--draft PAGE --merge` writes it into the spec ([`merge`]).
//!
//! Exit status: 0, or 1 with `--fail-on drift` when there is a finding; 2 when
//! a page, the folder or the spec cannot be read.

pub mod compare;
pub mod draft;
mod examples;
pub mod merge;
pub mod page;
mod report;
pub mod round_trip;

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};

pub use crate::Format;
pub use compare::{Finding, Kind, Part, StoredExample};
pub use report::render;

/// Where the pages are, relative to the project root, when `--docs` is not given.
pub const DEFAULT_DOCS: &str = "../shared/docs";

/// The folder of the example payloads, relative to the project root.
pub const EXAMPLES_DIR: &str = "spec/examples";

/// The pages not yet transcribed into the spec, relative to the project root:
/// one file name a line, `#` starts a comment. Their findings are reported as
/// pending, not as drift, while the spec grows page by page.
pub const PENDING_PAGES: &str = "spec/pending-pages.txt";

/// Arguments of `cargo xtask docs`.
#[derive(Debug, Clone, clap::Args)]
pub struct DocsArgs {
    /// The folder of doc pages (`*.txt`); relative paths are read from the
    /// project root.
    #[arg(long, value_name = "DIR", default_value = DEFAULT_DOCS)]
    pub docs: PathBuf,
    /// How to print the findings.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with status 1 when there is any finding of this kind.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Rewrite spec/examples/ from the pages' examples first (every file or
    /// none), then compare.
    #[arg(long)]
    pub write_examples: bool,
    /// Print the operation this page documents (a file name in the folder,
    /// or a path), drafted by the spec's conventions, instead of comparing.
    #[arg(long, value_name = "PAGE")]
    pub draft: Option<PathBuf>,
    /// With `--draft`: write the drafted operation, its new components and
    /// its examples into the spec (a page already in the spec gets its drift
    /// report instead).
    #[arg(long, requires = "draft")]
    pub merge: bool,
    /// Take each page's operation out of a copy of the spec, merge the page
    /// back and print how many of the facts it states agree (markdown).
    #[arg(long, conflicts_with = "draft")]
    pub round_trip: bool,
}

/// What `--fail-on` fails on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Any finding.
    Drift,
}

/// The pages of a folder, read and parsed.
#[derive(Debug, Clone)]
pub struct Pages {
    /// The folder, as given.
    pub folder: PathBuf,
    /// Every `*.txt` page, by file name.
    pub pages: Vec<page::Page>,
}

/// The result of a check: the findings, and what was compared.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Every finding, in page order, but those of pending pages.
    pub findings: Vec<Finding>,
    /// The pages of [`PENDING_PAGES`] and how many findings each has; they
    /// are not drift.
    pub pending: Vec<(String, usize)>,
    /// How many pages were read.
    pub pages: usize,
    /// Example files `--write-examples` rewrote, relative to the project root.
    pub written: Vec<String>,
}

/// `cargo xtask docs` in the project at `root`: prints the report (or the
/// draft) and returns the exit status. An error is a page, folder or spec that
/// cannot be read: the caller exits with 2.
pub fn run(root: &Path, args: &DocsArgs) -> Result<u8> {
    let folder = resolve_folder(root, &args.docs);
    if let Some(page) = &args.draft {
        let path = if page.components().count() == 1 {
            folder.join(page)
        } else {
            page.clone()
        };
        if args.merge {
            return merge::run(root, &folder, &path, args.format);
        }
        let parsed = read_one_page(&path)?;
        let spec = load_spec(root)?;
        print!("{}", draft::draft(&parsed, &spec)?.fragment());
        return Ok(0);
    }
    if args.round_trip {
        let agreements = round_trip::run(root, &folder)?;
        print!("{}", round_trip::render(&agreements));
        let perfect = agreements
            .iter()
            .all(|a| a.error.is_none() && a.drift.is_empty() && a.agreed == a.facts);
        return Ok(u8::from(!perfect));
    }
    let checked = check(root, &folder, args.write_examples)?;
    for written in &checked.written {
        eprintln!("wrote {written}");
    }
    print!("{}", render(&checked, args.format));
    Ok(match args.fail_on {
        Some(FailOn::Drift) if !checked.findings.is_empty() => 1,
        _ => 0,
    })
}

/// The one-line summary `cargo xtask regen` prints: drift against the pages
/// in [`DEFAULT_DOCS`], when that folder exists.
pub fn regen_summary(root: &Path) -> Option<String> {
    let folder = resolve_folder(root, Path::new(DEFAULT_DOCS));
    if !folder.is_dir() {
        return None;
    }
    Some(match check(root, &folder, false) {
        Ok(checked) if checked.findings.is_empty() => {
            format!("docs ({DEFAULT_DOCS}): {}\n", report::summary(&checked))
        }
        Ok(checked) => format!(
            "docs ({DEFAULT_DOCS}): {}: run `cargo xtask docs` for each with its page and spec lines\n",
            report::summary(&checked)
        ),
        Err(error) => format!("docs ({DEFAULT_DOCS}): not checked: {error:#}\n"),
    })
}

/// Reads the pages of `folder` and the spec of `root`, optionally rewrites
/// `spec/examples/` from the pages, and compares.
pub fn check(root: &Path, folder: &Path, write_examples: bool) -> Result<Checked> {
    let pages = read_pages(folder)?;
    let spec = load_spec(root)?;
    let written = if write_examples {
        examples::write(root, &spec, &pages.pages)?
    } else {
        Vec::new()
    };
    let examples_dir = root.join(EXAMPLES_DIR);
    let reader = |operation: &str, part: Part| examples::read(&examples_dir, operation, part);
    let all = compare::compare(&spec, &pages.pages, &reader);
    let listed = read_pending(root)?;
    let (findings, pending) = set_pending_apart(all, &listed, &pages.pages);
    Ok(Checked {
        findings,
        pending,
        pages: pages.pages.len(),
        written,
    })
}

/// The pages [`PENDING_PAGES`] lists (none when the file does not exist),
/// each with its line in the file.
pub fn read_pending(root: &Path) -> Result<Vec<(String, usize)>> {
    let path = root.join(PENDING_PAGES);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(anyhow!("cannot read {PENDING_PAGES}: {e}")),
    };
    Ok(parse_pending(&text))
}

/// The page names of a pending list's text, each with its 1-based line:
/// blank lines and `#` comments (whole or trailing) aside.
pub fn parse_pending(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let name = line.split('#').next().unwrap_or_default().trim();
            (!name.is_empty()).then(|| (name.to_owned(), index + 1))
        })
        .collect()
}

/// Splits `all` into drift and the pending pages' counts. A listed page that
/// is not in the folder, or whose page has no finding left (it is
/// transcribed: the list is stale), is itself drift, at its line of the list.
pub fn set_pending_apart(
    all: Vec<Finding>,
    listed: &[(String, usize)],
    pages: &[page::Page],
) -> (Vec<Finding>, Vec<(String, usize)>) {
    let mut pending: Vec<(String, usize)> = Vec::new();
    let mut findings = Vec::new();
    let is_listed = |page: &str| listed.iter().any(|(name, _)| name == page);
    for finding in all {
        if is_listed(&finding.page) {
            match pending.iter_mut().find(|(name, _)| *name == finding.page) {
                Some((_, count)) => *count += 1,
                None => pending.push((finding.page.clone(), 1)),
            }
        } else {
            findings.push(finding);
        }
    }
    for (name, line) in listed {
        let place = codegen::Place {
            file: PENDING_PAGES.to_owned(),
            line: *line,
            column: 1,
            pointer: String::new(),
        };
        let stale = |docs: &str| Finding {
            page: name.clone(),
            page_line: 0,
            operation: "none".to_owned(),
            path: "pending list".to_owned(),
            kind: Kind::PendingStale,
            docs: docs.to_owned(),
            spec: format!("listed as pending: remove the line from {PENDING_PAGES}"),
            spec_at: place.clone(),
        };
        if !pages.iter().any(|p| p.file == *name) {
            findings.push(stale("no such page in the docs folder"));
        } else if !pending.iter().any(|(p, _)| p == name) {
            findings.push(stale("transcribed: no finding left on the page"));
        }
    }
    pending.sort();
    (findings, pending)
}

/// Reads and parses every `*.txt` page of `folder`, in file name order.
pub fn read_pages(folder: &Path) -> Result<Pages> {
    let entries = std::fs::read_dir(folder).map_err(|e| {
        anyhow!(
            "cannot read the docs folder {}: {e}: pass the folder of doc pages with --docs DIR",
            folder.display()
        )
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| anyhow!("cannot list the docs folder {}: {e}", folder.display()))?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "txt") {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(anyhow!(
            "the docs folder {} has no page (*.txt): pass the folder of doc pages with --docs DIR",
            folder.display()
        ));
    }
    let mut pages = Vec::new();
    for path in paths {
        pages.push(read_one_page(&path)?);
    }
    Ok(Pages {
        folder: folder.to_path_buf(),
        pages,
    })
}

/// Reads and parses the page at `path`, named by its file name.
pub(crate) fn read_one_page(path: &Path) -> Result<page::Page> {
    let text = read_page(path)?;
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(page::parse(&file, &text))
}

fn read_page(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow!("cannot read the doc page {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow!(
            "the doc page {} is not UTF-8 text (byte {}): save it as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    // A byte order mark and CRLF line endings are how some editors save text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(text.replace("\r\n", "\n"))
}

pub(crate) fn load_spec(root: &Path) -> Result<codegen::Spec> {
    codegen::Spec::load(&root.join(codegen::SPEC_PATH), codegen::SPEC_PATH).map_err(unreadable_spec)
}

/// A spec that cannot be read, as the error `docs` exits 2 with.
pub(crate) fn unreadable_spec(error: codegen::Error) -> anyhow::Error {
    match error {
        // Printed one problem a line, then the count, by `xtask::failure::render`.
        e @ codegen::Error::Problems(_) => {
            anyhow::Error::new(e).context("fix the spec and run again")
        }
        e => anyhow!("{e}: fix the spec and run again"),
    }
}

fn resolve_folder(root: &Path, docs: &Path) -> PathBuf {
    if docs.is_absolute() {
        docs.to_path_buf()
    } else {
        root.join(docs)
    }
}
