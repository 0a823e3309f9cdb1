//! `cargo xtask docs` on edited copies of the real doc pages (`../shared/docs`):
//! each edit a maintainer would meet (a field added with a limit, a limit
//! changed, an option removed, a required flag flipped, a field removed, a new
//! key in an example response, a page for an operation the spec lacks, a
//! prose rule reworded, a constraint this reader does not know) is reported
//! exactly once, at the page line of the edit and the spec line it differs
//! from. The unchanged pages: no finding.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::docs::{self, Finding, Kind};

/// The workspace root: the spec and `spec/examples/` the pages are compared with.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The real pages.
pub(crate) fn real_docs() -> PathBuf {
    root().join(docs::DEFAULT_DOCS)
}

/// A copy of the real pages with each `(page, old, new)` edit applied; `old`
/// must occur exactly once in its page. A page that does not exist is created
/// with `new` as its text (`old` empty).
fn edited(edits: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(real_docs()).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    for (page, old, new) in edits {
        let path = dir.path().join(page);
        if old.is_empty() {
            fs::write(&path, new).unwrap();
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches(old).count(),
            1,
            "{page}: the edit's old text must occur once: {old:?}"
        );
        fs::write(&path, text.replacen(old, new, 1)).unwrap();
    }
    dir
}

fn findings(folder: &Path) -> Vec<Finding> {
    docs::check(&root(), folder, false).unwrap().findings
}

/// The one finding of `folder`, with its page line's text and its spec line's
/// text; fails listing them all when there is not exactly one.
fn only_finding(folder: &Path) -> (Finding, String, String) {
    let found = findings(folder);
    assert_eq!(found.len(), 1, "expected one finding, got {found:#?}");
    let finding = found.into_iter().next().unwrap();
    let page_line = line_of(&folder.join(&finding.page), finding.page_line);
    let spec_line = line_of(&root().join(&finding.spec_at.file), finding.spec_at.line);
    (finding, page_line, spec_line)
}

/// The text of 1-based `line` of `path`, trimmed; empty for line 0.
fn line_of(path: &Path, line: usize) -> String {
    if line == 0 {
        return String::new();
    }
    let text = fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .nth(line - 1)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[test]
fn the_real_pages_have_no_drift() {
    let checked = docs::check(&root(), &real_docs(), false).unwrap();
    assert_eq!(checked.pages, 30);
    assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
    let listed: Vec<String> = docs::read_pending(&root())
        .unwrap()
        .into_iter()
        .map(|(page, _)| page)
        .collect();
    let mut pending: Vec<String> = checked.pending.into_iter().map(|(page, _)| page).collect();
    pending.sort();
    let mut expected = listed.clone();
    expected.sort();
    assert_eq!(pending, expected, "every listed page is pending");
}

#[test]
fn a_field_added_with_a_limit() {
    let dir = edited(&[(
        "create-message.v3.txt",
        "parentId\nstring\nMaximum string length: 150\n",
        "parentId\nstring\nMaximum string length: 150\nthreadId\nstring\nMaximum string length: 60\n",
    )]);
    let (finding, page_line, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::FieldMissingFromSpec);
    assert_eq!(finding.operation, "createMessage");
    assert_eq!(finding.path, "body.threadId");
    assert_eq!(page_line, "threadId");
    assert_eq!(finding.docs, "string, maxLength 60");
    assert_eq!(finding.spec, "none");
    assert_eq!(finding.spec_at.file, "spec/openapi.yaml");
    assert_eq!(spec_line, "properties:", "the request schema's properties");
}

#[test]
fn a_limit_changed() {
    let dir = edited(&[(
        "create-message.v3.txt",
        "channelId\nstring\nrequired\nMaximum string length: 150",
        "channelId\nstring\nrequired\nMaximum string length: 200",
    )]);
    let (finding, page_line, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::LimitDiffers);
    assert_eq!(finding.path, "body.channelId");
    assert_eq!(page_line, "Maximum string length: 200");
    assert_eq!(
        finding.docs,
        "maxLength 200 (\"Maximum string length: 200\")"
    );
    assert_eq!(finding.spec, "maxLength 150");
    assert_eq!(spec_line, "maxLength: 150");
}

#[test]
fn an_option_removed() {
    let dir = edited(&[("create-message.v3.txt", "audio,\nimagemap\n", "audio\n")]);
    let (finding, page_line, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::OptionsDiffer);
    assert_eq!(finding.path, "body.type");
    assert_eq!(page_line, "Available options:");
    assert_eq!(finding.docs, "text, image, file, custom, video, audio");
    assert_eq!(
        finding.spec,
        "text, image, file, custom, video, audio, imagemap"
    );
    assert_eq!(spec_line, "enum:");
}

#[test]
fn a_required_flag_flipped() {
    let dir = edited(&[(
        "create-story.v4.txt",
        "referenceId\nstring\nrequired\n",
        "referenceId\nstring\n",
    )]);
    let (finding, page_line, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::RequiredDiffers);
    assert_eq!(finding.operation, "createStory");
    assert_eq!(finding.path, "body.referenceId");
    assert_eq!(page_line, "referenceId");
    assert_eq!(
        (finding.docs.as_str(), finding.spec.as_str()),
        ("optional", "required")
    );
    assert_eq!(spec_line, "referenceId:");
}

#[test]
fn a_field_removed() {
    // Gone from the Body and from the example request: once, not again as an
    // example that differs from spec/examples/.
    let dir = edited(&[
        (
            "create-message.v3.txt",
            "parentId\nstring\nMaximum string length: 150\n",
            "",
        ),
        (
            "create-message.v3.txt",
            "  \"parentId\": \"<string>\",\n  \"metadata\"",
            "  \"metadata\"",
        ),
    ]);
    let (finding, page_line, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::FieldMissingFromDocs);
    assert_eq!(finding.path, "body.parentId");
    assert_eq!(page_line, "Body", "the Body section that lacks it");
    assert_eq!(spec_line, "parentId:");
}

#[test]
fn a_new_key_in_an_example_response() {
    let dir = edited(&[(
        "create-message.v3.txt",
        "      \"isDeleted\": true,\n      \"createdAt\": \"2023-11-07T05:31:56Z\",\n      \"updatedAt\": \"2023-11-07T05:31:56Z\",\n      \"editedAt\"",
        "      \"isDeleted\": true,\n      \"isPinned\": false,\n      \"createdAt\": \"2023-11-07T05:31:56Z\",\n      \"updatedAt\": \"2023-11-07T05:31:56Z\",\n      \"editedAt\"",
    )]);
    let (finding, page_line, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::FieldMissingFromSpec);
    assert_eq!(finding.path, "response.messages[].isPinned");
    assert_eq!(page_line, "\"isPinned\": false,");
    assert_eq!(finding.docs, "false in the example response");
    assert_eq!(spec_line, "properties:", "Message's properties");
}

#[test]
fn a_page_for_an_operation_the_spec_lacks() {
    let text = fs::read_to_string(real_docs().join("create-message.v3.txt")).unwrap();
    let text = text
        .replace(
            "/\nmessages\ncreate a message",
            "/\ncomments\ncreate a comment",
        )
        .replace("/api/v3/messages", "/api/v3/comments");
    let dir = edited(&[("create-comment.v3.txt", "", &text)]);
    let (finding, page_line, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::OperationMissing);
    assert_eq!(finding.page, "create-comment.v3.txt");
    assert_eq!(finding.docs, "POST /api/v3/comments");
    assert_eq!(page_line, "POST");
    assert_eq!(spec_line, "paths:");
}

#[test]
fn a_reworded_prose_rule() {
    let dir = edited(&[(
        "create-channel.v3.txt",
        "Maximum of 10 tags, each up to 100 characters long.",
        "Maximum of 10 tags, each up to 120 characters long.",
    )]);
    let (finding, _, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::QuoteMissing);
    assert_eq!(finding.page, "create-channel.v3.txt");
    assert_eq!(finding.operation, "createChannel");
    assert_eq!(finding.path, "rule channel-tag-length");
    assert_eq!(
        spec_line,
        "quote: Maximum of 10 tags, each up to 100 characters long."
    );
}

#[test]
fn a_constraint_this_reader_does_not_know() {
    let dir = edited(&[(
        "create-message.v3.txt",
        "messageId\nstring\nMaximum string length: 150\n",
        "messageId\nstring\nMaximum string length: 150\nPattern: ^[a-z0-9-]+$\n",
    )]);
    let (finding, page_line, _) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::UnknownStructure);
    assert_eq!(page_line, "Pattern: ^[a-z0-9-]+$");
    assert!(finding.docs.contains("messageId"), "{}", finding.docs);
}

#[test]
fn an_example_request_that_breaks_a_limit_does_not_validate() {
    // 31 characters in a tag of at most 30, in the example only.
    let long = "x".repeat(31);
    let dir = edited(&[(
        "create-message.v3.txt",
        "  \"tags\": [\n    \"<string>\"\n  ],\n  \"mentionees\"",
        &format!("  \"tags\": [\n    \"{long}\"\n  ],\n  \"mentionees\""),
    )]);
    let found = findings(dir.path());
    let kinds: Vec<Kind> = found.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [Kind::ExampleDiffers, Kind::ExampleInvalid],
        "{found:#?}"
    );
    for finding in &found {
        assert_eq!(finding.path, "body.tags[]");
        assert_eq!(
            line_of(&dir.path().join(&finding.page), finding.page_line),
            format!("\"{long}\"")
        );
    }
    assert_eq!(found[1].spec_at.file, "spec/openapi.yaml");
    assert_eq!(
        line_of(&root().join(&found[1].spec_at.file), found[1].spec_at.line),
        "maxLength: 30",
        "the limit the example breaks"
    );
    assert_eq!(
        found[0].spec_at.file,
        "spec/examples/createMessage.request.json"
    );
    assert_eq!(
        line_of(&root().join(&found[0].spec_at.file), found[0].spec_at.line),
        "\"<string>\""
    );
}

/// `--write-examples` in a scratch project: the changed example is rewritten
/// (keys in page order, two-space indent), then the check is clean; a second
/// run writes nothing.
#[test]
fn write_examples_refreshes_spec_examples() {
    let project = scratch_project();
    let dir = edited(&[(
        "create-message.v3.txt",
        "      \"isDeleted\": true,\n      \"createdAt\"",
        "      \"isDeleted\": false,\n      \"createdAt\"",
    )]);
    let before = docs::check(project.path(), dir.path(), false).unwrap();
    assert_eq!(before.findings.len(), 1, "{:#?}", before.findings);
    assert_eq!(before.findings[0].kind, Kind::ExampleDiffers);
    let written = docs::check(project.path(), dir.path(), true).unwrap();
    assert_eq!(
        written.written,
        ["spec/examples/createMessage.response.json"]
    );
    assert!(written.findings.is_empty(), "{:#?}", written.findings);
    let text = fs::read_to_string(
        project
            .path()
            .join("spec/examples/createMessage.response.json"),
    )
    .unwrap();
    let old = fs::read_to_string(root().join("spec/examples/createMessage.response.json")).unwrap();
    assert_eq!(
        text,
        old.replacen("\"isDeleted\": true", "\"isDeleted\": false", 1),
        "only the changed value differs, byte for byte"
    );
    let again = docs::check(project.path(), dir.path(), true).unwrap();
    assert!(again.written.is_empty());
}

/// A failure while writing leaves every example as it was: the second file's
/// temporary path is taken by a folder, so nothing is renamed into place.
#[test]
fn write_examples_is_all_or_nothing() {
    let project = scratch_project();
    let dir = edited(&[
        (
            "create-message.v3.txt",
            "      \"isDeleted\": true,\n      \"createdAt\"",
            "      \"isDeleted\": false,\n      \"createdAt\"",
        ),
        (
            "create-message.v3.txt",
            "\"type\": \"text\",\n  \"data\"",
            "\"type\": \"image\",\n  \"data\"",
        ),
    ]);
    let examples = project.path().join("spec/examples");
    fs::create_dir(examples.join(".createMessage.response.json.tmp")).unwrap();
    let before = snapshot(&examples);
    let error = docs::check(project.path(), dir.path(), true).unwrap_err();
    let message = format!("{error:#}");
    assert!(
        message.contains("spec/examples left as it was"),
        "{message}"
    );
    assert!(
        message.contains(".createMessage.response.json.tmp"),
        "{message}"
    );
    assert_eq!(snapshot(&examples), before);
}

/// The binary: `--fail-on drift` exits 1 with drift and 0 without; an
/// unreadable folder or page exits 2 with a message naming it; JSON output
/// has the documented keys.
#[test]
fn the_command_exit_codes_and_json() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("docs")
            .args(args)
            .env("XTASK_PROJECT_ROOT", root())
            .output()
            .unwrap()
    };
    let clean = run(&[
        "--fail-on",
        "drift",
        "--docs",
        real_docs().to_str().unwrap(),
    ]);
    assert_eq!(clean.status.code(), Some(0));
    let pending = docs::read_pending(&root()).unwrap();
    let stdout = String::from_utf8_lossy(&clean.stdout);
    let summary = if pending.is_empty() {
        "no drift over 30 pages".to_owned()
    } else {
        format!(
            "no drift over 30 pages; {} page{} pending (spec/pending-pages.txt)",
            pending.len(),
            if pending.len() == 1 { "" } else { "s" }
        )
    };
    assert_eq!(stdout.lines().last(), Some(summary.as_str()), "{stdout}");
    assert_eq!(
        stdout.lines().filter(|l| l.contains(": pending: ")).count(),
        pending.len(),
        "{stdout}"
    );

    let dir = edited(&[("create-message.v3.txt", "audio,\nimagemap\n", "audio\n")]);
    let folder = dir.path().to_str().unwrap();
    let drift = run(&["--fail-on", "drift", "--docs", folder, "--format", "json"]);
    assert_eq!(drift.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&drift.stdout).unwrap();
    let rows = json["drift"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    for key in [
        "page",
        "operation",
        "path",
        "kind",
        "docs",
        "spec",
        "page_line",
        "spec_file",
        "spec_line",
    ] {
        assert!(rows[0].get(key).is_some(), "{key} in {}", rows[0]);
    }
    assert_eq!(rows[0]["kind"], "options-differ");
    assert_eq!(rows[0]["page"], "create-message.v3.txt");
    let without_fail_on = run(&["--docs", folder]);
    assert_eq!(without_fail_on.status.code(), Some(0));

    let missing = run(&["--docs", "/nonexistent/docs"]);
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("/nonexistent/docs"), "{stderr}");

    let dir = edited(&[]);
    fs::write(dir.path().join("broken.v1.txt"), [0xff, 0xfe, b'P']).unwrap();
    let broken = run(&["--docs", dir.path().to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains("broken.v1.txt") && stderr.contains("UTF-8"),
        "{stderr}"
    );
}

/// A project root with a copy of `spec/` (the spec and its examples).
fn scratch_project() -> tempfile::TempDir {
    let project = tempfile::tempdir().unwrap();
    let spec = project.path().join("spec");
    fs::create_dir_all(spec.join("examples")).unwrap();
    fs::copy(root().join("spec/openapi.yaml"), spec.join("openapi.yaml")).unwrap();
    copy_pending_list(project.path());
    for entry in fs::read_dir(root().join("spec/examples")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, spec.join("examples").join(path.file_name().unwrap())).unwrap();
    }
    project
}

/// Copies the committed list of pending pages (when there is one) into the
/// project at `project`.
fn copy_pending_list(project: &Path) {
    let list = root().join(docs::PENDING_PAGES);
    if list.exists() {
        fs::copy(list, project.join(docs::PENDING_PAGES)).unwrap();
    }
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

/// `cargo xtask regen` ends with the drift summary when `../shared/docs`
/// exists beside the project, and says nothing of docs when it does not.
#[test]
fn regen_mentions_drift() {
    let base = tempfile::tempdir().unwrap();
    let project = base.path().join("project");
    fs::create_dir_all(project.join("spec/examples")).unwrap();
    fs::create_dir_all(project.join("generated-client/src")).unwrap();
    fs::copy(
        root().join("spec/openapi.yaml"),
        project.join("spec/openapi.yaml"),
    )
    .unwrap();
    copy_pending_list(&project);
    for entry in fs::read_dir(root().join("spec/examples")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(
            &path,
            project
                .join("spec/examples")
                .join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    fs::copy(
        root().join(xtask::codegen_task::GENERATED_RS),
        project.join(xtask::codegen_task::GENERATED_RS),
    )
    .unwrap();
    let report = xtask::codegen_task::regen(&project).unwrap();
    assert!(
        !report.contains("docs ("),
        "no pages, no docs line: {report}"
    );

    let pages = edited(&[("create-message.v3.txt", "audio,\nimagemap\n", "audio\n")]);
    let docs = base.path().join("shared/docs");
    fs::create_dir_all(&docs).unwrap();
    for entry in fs::read_dir(pages.path()).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(&path, docs.join(path.file_name().unwrap())).unwrap();
    }
    let report = xtask::codegen_task::regen(&project).unwrap();
    assert!(
        report.contains("docs (../shared/docs): 1 finding over 30 pages (1 options-differ)"),
        "{report}"
    );
}

/// A page in the pages' format with what the five do not use (see
/// `the_reader_knows_the_format_variants`).
const VARIANTS: &str = "\
GET
/
api
/
v1
/
things
list things
curl --request GET \\
  --url 'https://apix.us.amity.co/api/v1/things?limit=10'
{
  \"things\": []
}

Query Parameters

limit
integer
default:20
Required range: 1 <= x < 100
order
enum<integer>
Available options:
1,
-1
name
string
Minimum string length: 2

Header Parameters

x-trace
string

Response

200
application/json

things
object[]
size
map<string>
";

/// Reading format variants the five pages do not use today but the page
/// format allows: query and header parameters, `integer`, `enum<integer>`,
/// one-sided and exclusive ranges, minimum lengths, and an unknown type.
#[test]
fn the_reader_knows_the_format_variants() {
    let text = VARIANTS;
    let page = docs::page::parse("list-things.v1.txt", text);
    assert_eq!(page.method.as_ref().unwrap().value, "GET");
    assert_eq!(page.path.as_ref().unwrap().value, "/api/v1/things");
    assert_eq!(page.title.as_deref(), Some("list things"));
    assert!(page.request_example.is_none());
    assert_eq!(page.response_example.as_ref().unwrap().line, 11);
    let parameters: Vec<(&str, &str)> = page
        .parameters
        .iter()
        .map(|p| (p.location, p.field.name.as_str()))
        .collect();
    assert_eq!(
        parameters,
        [
            ("query", "limit"),
            ("query", "order"),
            ("query", "name"),
            ("header", "x-trace")
        ]
    );
    let limit = &page.parameters[0].field;
    assert_eq!(limit.ty.as_ref().unwrap().value, "integer");
    assert_eq!(limit.default.as_ref().unwrap().value, "20");
    let bounds: Vec<(&str, String)> = limit
        .limits
        .iter()
        .map(|l| (l.keyword, l.value.to_string()))
        .collect();
    assert_eq!(
        bounds,
        [
            ("minimum", "1".to_owned()),
            ("exclusiveMaximum", "100".to_owned())
        ]
    );
    let order = &page.parameters[1].field;
    assert_eq!(order.ty.as_ref().unwrap().value, "enum<integer>");
    assert_eq!(order.options.as_ref().unwrap().value, ["1", "-1"]);
    let name = &page.parameters[2].field;
    assert_eq!(name.limits[0].keyword, "minLength");
    let response = page.response.as_ref().unwrap();
    assert_eq!(response.status.as_deref(), Some("200"));
    assert_eq!(response.fields.len(), 1, "{:#?}", response.fields);
    assert_eq!(
        page.unknown,
        [docs::page::Unknown {
            line: 43,
            what: "field size has a type this reader does not know: \"map<string>\"".to_owned(),
        }]
    );
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 48, ..Default::default() })]

    /// A real page with lines cut out, repeated or cut short: the reader and
    /// the comparison never panic, and every finding's page line is a line of
    /// the page.
    #[test]
    fn mangled_pages_never_panic(
        page_index in 0usize..30,
        start in 0.0f64..1.0,
        length in 0usize..40,
        repeat in proptest::bool::ANY,
        cut in 0.0f64..1.0,
        cut_short in proptest::bool::ANY,
    ) {
        let mut names: Vec<PathBuf> = fs::read_dir(real_docs())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        names.sort();
        let path = &names[page_index % names.len()];
        let text = fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let from = ((lines.len() as f64) * start) as usize;
        let to = (from + length).min(lines.len());
        let mut mangled: Vec<&str> = lines[..from].to_vec();
        if repeat {
            mangled.extend_from_slice(&lines[from..to]);
            mangled.extend_from_slice(&lines[from..to]);
        }
        mangled.extend_from_slice(&lines[to..]);
        let mut mangled = mangled.join("\n");
        if cut_short {
            let mut at = ((mangled.len() as f64) * cut) as usize;
            while !mangled.is_char_boundary(at) {
                at -= 1;
            }
            mangled.truncate(at);
        }
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let page = docs::page::parse(&file, &mangled);
        let count = mangled.lines().count();
        let spec = codegen::Spec::load(&root().join(codegen::SPEC_PATH), codegen::SPEC_PATH).unwrap();
        let no_examples = |operation: &str, part: docs::Part| docs::StoredExample {
            label: format!("{operation}.{}", part.name()),
            value: None,
            error: Some("not read in this test".to_owned()),
            lines: Default::default(),
        };
        // What is missing at the end of a page (a page cut short, an empty
        // page) is reported at the line after its last, where it should be.
        let last_line = count + 1;
        for finding in docs::compare::compare(&spec, &[page], &no_examples) {
            proptest::prop_assert!(finding.page_line <= last_line, "{finding:?} beyond {count} lines");
        }
    }
}

/// A page saved with CRLF line endings and a byte order mark reads the same.
#[test]
fn crlf_and_a_byte_order_mark_change_nothing() {
    let dir = edited(&[]);
    let path = dir.path().join("create-post.v4.txt");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    assert_eq!(findings(dir.path()), []);
}

/// The corpus case that holds the spec with the create-message operation
/// replaced by its draft: codegen-corpus generates and compiles it.
const DRAFT_CASE: &str = "codegen/tests/corpus/docs-draft-create-message/openapi.yaml";

/// A page for an operation the spec lacks (the real spec without
/// createMessage and the schemas only it uses), merged: codegen accepts the
/// result, it generates (and compiles: the corpus case
/// `docs-draft-create-message`, kept equal to what the merge makes now), and
/// the page then has no drift against it.
#[test]
fn a_merged_page_generates_and_has_no_drift() {
    let text = fs::read_to_string(root().join(codegen::SPEC_PATH)).unwrap();
    let spec = codegen::Spec::parse(&text, codegen::SPEC_PATH).unwrap();
    let (reduced, removed) = docs::round_trip::without_operation(
        &text,
        spec.document(),
        "/paths/~1api~1v3~1messages/post",
    )
    .unwrap();
    // CreateMessageData and CreateMessageResponse stay: updateMessage and
    // getMessage use them too.
    assert_eq!(removed, ["CreateMessageRequest"]);
    let reduced_spec = codegen::Spec::parse(&reduced, "reduced.yaml").unwrap();
    let page = docs::page::parse(
        "create-message.v3.txt",
        &fs::read_to_string(real_docs().join("create-message.v3.txt")).unwrap(),
    );
    let docs::merge::Outcome::Merged(merged) =
        docs::merge::merge_text(&reduced, &reduced_spec, &page).unwrap()
    else {
        panic!("the reduced spec has no createMessage");
    };
    assert_eq!(merged.draft.operation_id, "createMessage");
    assert_eq!(
        merged
            .draft
            .schemas
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["CreateMessageRequest"]
    );
    let merged_text = format!(
        "# spec/openapi.yaml with POST /api/v3/messages taken out and merged back by\n\
         # `cargo xtask docs --draft create-message.v3.txt --merge`; kept up to date by xtask's\n\
         # test a_merged_page_generates_and_has_no_drift (EXPECTORATE=overwrite).\n{}",
        merged.text
    );
    expectorate::assert_contents(root().join(DRAFT_CASE), &merged_text);

    let merged_spec = codegen::Spec::parse(&merged_text, DRAFT_CASE).unwrap();
    let generated = codegen::generate(&merged_spec).unwrap();
    assert!(
        generated.operations.iter().any(|o| o == "createMessage"),
        "{:?}",
        generated.operations
    );

    let pages = docs::read_pages(&real_docs()).unwrap().pages;
    let examples = root().join(docs::EXAMPLES_DIR);
    let stored = |operation: &str, part: docs::Part| {
        let name = format!("{operation}.{}.json", part.name());
        let text = fs::read_to_string(examples.join(&name)).unwrap();
        docs::StoredExample {
            label: name,
            value: Some(serde_json::from_str(&text).unwrap()),
            error: None,
            lines: Default::default(),
        }
    };
    let found = docs::compare::compare(&merged_spec, &pages, &stored);
    let pending = docs::read_pending(&root()).unwrap();
    let (found, _) = docs::set_pending_apart(found, &pending, &pages);
    assert_eq!(found, [], "the merged operation agrees with its page");
}

#[test]
fn draft_operation_ids_come_from_the_file_name() {
    for (file, id) in [
        ("create-message.v3.txt", "createMessage"),
        ("approve-post.v3.txt", "approvePost"),
        ("list-things.txt", "listThings"),
        ("get-user_by-id.v12.txt", "getUserById"),
    ] {
        assert_eq!(docs::draft::operation_id(file), id);
    }
}

/// The draft of a page carries every constraint its fields state, typed.
#[test]
fn a_draft_keeps_every_constraint() {
    let page = docs::page::parse("list-things.v1.txt", VARIANTS);
    let spec = codegen::Spec::load(&root().join(codegen::SPEC_PATH), codegen::SPEC_PATH).unwrap();
    let page = docs::page::parse(
        "list-things.v1.txt",
        &page.text.replace("size\nmap<string>\n", ""),
    );
    let draft: serde_yaml::Value =
        serde_yaml::from_str(&docs::draft::draft(&page, &spec).unwrap().fragment()).unwrap();
    let operation = &draft["paths"]["/api/v1/things"]["get"];
    assert_eq!(operation["operationId"], "listThings");
    let parameters = operation["parameters"].as_sequence().unwrap();
    let limit = &parameters[0];
    assert_eq!(
        (&limit["name"], &limit["in"]),
        (&"limit".into(), &"query".into())
    );
    let schema = &limit["schema"];
    assert_eq!(schema["type"], "integer");
    assert_eq!(schema["default"], serde_yaml::Value::from(20));
    assert_eq!(schema["minimum"], serde_yaml::Value::from(1));
    assert_eq!(schema["maximum"], serde_yaml::Value::from(100));
    assert_eq!(schema["exclusiveMaximum"], serde_yaml::Value::from(true));
    let order = &parameters[1]["schema"];
    assert_eq!(
        order["enum"],
        serde_yaml::from_str::<serde_yaml::Value>("[1, -1]").unwrap()
    );
    assert_eq!(
        parameters[2]["schema"]["minLength"],
        serde_yaml::Value::from(2)
    );
    assert_eq!(parameters[3]["in"], "header");
    assert!(
        operation.get("requestBody").is_none(),
        "no Body, no curl data"
    );
    let response = &draft["components"]["schemas"]["ListThingsResponse"];
    assert_eq!(response["properties"]["things"]["type"], "array");
}

/// `--write-examples` into an empty `spec/examples/` writes every example of
/// the real pages byte for byte as committed (the create-channel page prints
/// its response unindented: it is re-indented, not copied).
#[test]
fn write_examples_from_the_real_pages_reproduces_spec_examples() {
    let project = scratch_project();
    let examples = project.path().join("spec/examples");
    for entry in fs::read_dir(&examples).unwrap() {
        fs::remove_file(entry.unwrap().path()).unwrap();
    }
    let checked = docs::check(project.path(), &real_docs(), true).unwrap();
    assert_eq!(checked.written.len(), 40, "{:?}", checked.written);
    assert!(checked.findings.is_empty(), "{:#?}", checked.findings);
    assert_eq!(
        snapshot(&examples)
            .into_iter()
            .map(|(path, bytes)| (path.file_name().unwrap().to_owned(), bytes))
            .collect::<Vec<_>>(),
        snapshot(&root().join("spec/examples"))
            .into_iter()
            .map(|(path, bytes)| (path.file_name().unwrap().to_owned(), bytes))
            .collect::<Vec<_>>()
    );
}

/// Two differences on one field, or two unknown lines on one page, are two
/// findings.
#[test]
fn two_differences_in_one_place_are_two_findings() {
    let dir = edited(&[
        (
            "create-message.v3.txt",
            "Maximum array length: 10\nMaximum string length: 30",
            "Maximum array length: 12\nMaximum string length: 40",
        ),
        (
            "create-message.v3.txt",
            "messageId\nstring\nMaximum string length: 150\n",
            "messageId\nstring\nMaximum string length: 150\nPattern: ^[a-z]+$\nFormat: slug\n",
        ),
    ]);
    let found = findings(dir.path());
    let summary: Vec<(Kind, &str, &str)> = found
        .iter()
        .map(|f| (f.kind, f.path.as_str(), f.docs.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                Kind::UnknownStructure,
                "page",
                "a constraint of field messageId this reader does not know: \"Pattern: ^[a-z]+$\""
            ),
            (
                Kind::UnknownStructure,
                "page",
                "a constraint of field messageId this reader does not know: \"Format: slug\""
            ),
            (
                Kind::LimitDiffers,
                "body.tags",
                "maxItems 12 (\"Maximum array length: 12\")"
            ),
            (
                Kind::LimitDiffers,
                "body.tags",
                "items.maxLength 40 (\"Maximum string length: 40\")"
            ),
        ]
    );
}

/// A field known only from prose (`x-prose`) whose sentence changed.
#[test]
fn a_reworded_sentence_behind_a_prose_field() {
    let dir = edited(&[(
        "create-post.v4.txt",
        "fileId, isMuted, displayMode will be in data object in child post",
        "fileId and isMuted will be in data object in child post",
    )]);
    let found = findings(dir.path());
    let summary: Vec<(Kind, &str, &str)> = found
        .iter()
        .map(|f| (f.kind, f.operation.as_str(), f.path.as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (Kind::QuoteMissing, "createPost", "PostData.isMuted"),
            (Kind::QuoteMissing, "createPost", "PostData.displayMode"),
        ]
    );
}

/// A page listed as pending has its findings set apart; a listed page that is
/// transcribed already, or that the folder lacks, is drift at its list line.
#[test]
fn the_pending_list_sets_pages_apart_and_goes_stale() {
    let pages = docs::read_pages(&real_docs()).unwrap().pages;
    let listed = docs::parse_pending(
        "# comment\n\ncreate-post.v4.txt  # transcribed already\nno-such-page.v1.txt\n",
    );
    assert_eq!(
        listed,
        [
            ("create-post.v4.txt".to_owned(), 3),
            ("no-such-page.v1.txt".to_owned(), 4)
        ]
    );
    let (findings, pending) = docs::set_pending_apart(Vec::new(), &listed, &pages);
    assert_eq!(pending, []);
    assert_eq!(findings.len(), 2, "{findings:#?}");
    for (finding, (page, line), docs_says) in [
        (
            &findings[0],
            &listed[0],
            "transcribed: no finding left on the page",
        ),
        (&findings[1], &listed[1], "no such page in the docs folder"),
    ] {
        assert_eq!(finding.kind, Kind::PendingStale);
        assert_eq!(&finding.page, page);
        assert_eq!(finding.spec_at.file, docs::PENDING_PAGES);
        assert_eq!(finding.spec_at.line, *line);
        assert_eq!(finding.docs, docs_says);
    }

    // A finding of a listed page is pending, counted; others stay drift.
    let dir = edited(&[("create-message.v3.txt", "audio,\nimagemap\n", "audio\n")]);
    let all = docs::compare::compare(
        &codegen::Spec::load(&root().join(codegen::SPEC_PATH), codegen::SPEC_PATH).unwrap(),
        &docs::read_pages(dir.path()).unwrap().pages,
        &|operation: &str, part: docs::Part| {
            let name = format!("{operation}.{}.json", part.name());
            let text = fs::read_to_string(root().join(docs::EXAMPLES_DIR).join(&name));
            docs::StoredExample {
                label: name,
                value: text.ok().and_then(|t| serde_json::from_str(&t).ok()),
                error: None,
                lines: Default::default(),
            }
        },
    );
    let listed = docs::parse_pending("create-message.v3.txt\n");
    let (findings, pending) = docs::set_pending_apart(all.clone(), &listed, &pages);
    assert_eq!(pending, [("create-message.v3.txt".to_owned(), 1)]);
    let drift_outside: Vec<_> = all
        .iter()
        .filter(|f| f.page != "create-message.v3.txt")
        .cloned()
        .collect();
    assert_eq!(findings, drift_outside);
}

/// The constraint and curl forms the later pages use: both bounds of a string
/// or array length, `--form` fields of a multipart request, a plain-text
/// answer.
#[test]
fn the_reader_knows_length_ranges_forms_and_text_answers() {
    let page = docs::page::parse(
        "upload-thing.v1.txt",
        "POST\n/\napi\n/\nv1\n/\nthings\nupload a thing\n\
         curl --request POST \\\n  --url https://apix.us.amity.co/api/v1/things \\\n\
         \x20 --form 'files=@example-file' \\\n  --form 'name=<string>'\n\
         s9qne0wEqVb2\n\nBody\n\nmultipart/form-data\nname\nstring\nRequired string length: 1 - 50\n\
         tags\nstring[]\nRequired array length: 1 - 4 elements\nRequired string length: 2 - 9\n",
    );
    assert_eq!(page.unknown, [], "{:#?}", page.unknown);
    let forms: Vec<(&str, usize)> = page
        .request_form
        .iter()
        .map(|f| (f.value.as_str(), f.line))
        .collect();
    assert_eq!(forms, [("files", 11), ("name", 12)]);
    let text = page.response_text.as_ref().unwrap();
    assert_eq!((text.value.as_str(), text.line), ("s9qne0wEqVb2", 13));
    let body = page.body.unwrap();
    let limits = |name: &str| -> Vec<(&'static str, String)> {
        body.fields
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .limits
            .iter()
            .map(|l| (l.keyword, l.value.to_string()))
            .collect()
    };
    assert_eq!(
        limits("name"),
        [
            ("minLength", "1".to_owned()),
            ("maxLength", "50".to_owned())
        ]
    );
    assert_eq!(
        limits("tags"),
        [
            ("minItems", "1".to_owned()),
            ("maxItems", "4".to_owned()),
            ("items.minLength", "2".to_owned()),
            ("items.maxLength", "9".to_owned())
        ]
    );
}

/// The upload page's multipart form: a `--form` field of the curl example
/// that the spec's form lacks is one finding at its curl line; a Body field's
/// type changed from `file[]` is one finding at that line.
#[test]
fn a_form_field_of_the_upload_page() {
    let dir = edited(&[(
        "upload-file.v4.txt",
        "  --form 'preferredFilename=<string>'",
        "  --form 'preferredFilename=<string>' \\\n  --form 'folderId=<string>'",
    )]);
    let (finding, page_line, _) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::FieldMissingFromSpec);
    assert_eq!(finding.operation, "uploadFile");
    assert_eq!(finding.path, "body.folderId");
    assert_eq!(page_line, "--form 'folderId=<string>'");

    let dir = edited(&[("upload-file.v4.txt", "files\nfile[]\n", "files\nfile\n")]);
    let (finding, page_line, spec_line) = only_finding(dir.path());
    assert_eq!(finding.kind, Kind::TypeDiffers);
    assert_eq!(finding.path, "body.files");
    assert_eq!(
        (finding.docs.as_str(), finding.spec.as_str()),
        ("file", "file[]")
    );
    assert_eq!(page_line, "file");
    assert_eq!(spec_line, "files:");
}
