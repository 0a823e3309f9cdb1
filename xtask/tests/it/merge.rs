//! `cargo xtask docs --draft PAGE --merge` on copies of the project, and the
//! round trip of every real page (`--round-trip`).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::docs;

use crate::docs::{real_docs, root};

/// A project with a copy of `spec/` (spec, examples, pending list) whose spec
/// lacks the operation at `pointer` (and the schemas only it used).
fn project_without(pointer: &str) -> (tempfile::TempDir, String) {
    let project = tempfile::tempdir().unwrap();
    let spec_dir = project.path().join("spec");
    fs::create_dir_all(spec_dir.join("examples")).unwrap();
    for entry in fs::read_dir(root().join("spec/examples")).unwrap() {
        let path = entry.unwrap().path();
        fs::copy(
            &path,
            spec_dir.join("examples").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    if root().join(docs::PENDING_PAGES).exists() {
        fs::copy(
            root().join(docs::PENDING_PAGES),
            project.path().join(docs::PENDING_PAGES),
        )
        .unwrap();
    }
    let text = fs::read_to_string(root().join(codegen::SPEC_PATH)).unwrap();
    let reduced = if pointer.is_empty() {
        text
    } else {
        let spec = codegen::Spec::parse(&text, codegen::SPEC_PATH).unwrap();
        docs::round_trip::without_operation(&text, spec.document(), pointer)
            .unwrap()
            .0
    };
    fs::write(spec_dir.join("openapi.yaml"), &reduced).unwrap();
    (project, reduced)
}

fn docs_command(project: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("docs")
        .args(args)
        .env("XTASK_PROJECT_ROOT", project)
        .output()
        .unwrap()
}

/// `docs --docs FOLDER --draft PAGE --merge` in `project`.
fn merge(project: &Path, folder: &str, page: &str) -> Output {
    docs_command(project, &["--docs", folder, "--draft", page, "--merge"])
}

/// Every file of the project, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The merge writes the page's operation, its new component and its examples;
/// every line of the spec before the merge is still there, in order, and the
/// lines added are exactly the ones the report names; the page then has no
/// drift; merging it again changes nothing.
#[test]
fn a_merge_adds_the_operation_and_keeps_every_other_line() {
    let (project, before) = project_without("/paths/~1api~1v3~1messages/post");
    let examples = project.path().join("spec/examples");
    fs::remove_file(examples.join("createMessage.request.json")).unwrap();
    fs::remove_file(examples.join("createMessage.response.json")).unwrap();
    let docs_dir = real_docs();
    let folder = docs_dir.to_str().unwrap();

    let merged = merge(project.path(), folder, "create-message.v3.txt");
    let stdout = text(&merged.stdout);
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{stdout}{}",
        text(&merged.stderr)
    );
    assert!(
        stdout.starts_with(
            "merged create-message.v3.txt (POST /api/v3/messages) into spec/openapi.yaml as createMessage:"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("docs: no drift for create-message.v3.txt"),
        "{stdout}"
    );
    assert!(
        stdout.contains("new component CreateMessageRequest"),
        "{stdout}"
    );
    assert!(
        stdout.contains("body.data: $ref to the existing component CreateMessageData"),
        "{stdout}"
    );
    assert!(
        stdout.contains("review: the create's Body has an optional `messageId`"),
        "{stdout}"
    );

    let after = fs::read_to_string(project.path().join(codegen::SPEC_PATH)).unwrap();
    // The report's line ranges are the added lines: without them (and the
    // blank line above each), the text is the spec before, byte for byte.
    let ranges: Vec<(usize, usize)> = stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("spec/openapi.yaml:"))
        .map(|l| {
            let range = l.split(':').next().unwrap();
            let (from, to) = range.split_once('-').unwrap();
            (from.parse().unwrap(), to.parse().unwrap())
        })
        .collect();
    assert_eq!(
        ranges.len(),
        2,
        "the operation and the components: {stdout}"
    );
    let lines: Vec<&str> = after.split_inclusive('\n').collect();
    let kept: String = lines
        .iter()
        .enumerate()
        .filter(|(index, line)| {
            let number = index + 1;
            !ranges.iter().any(|(from, to)| {
                (*from..=*to).contains(&number) || (number + 1 == *from && line.trim().is_empty())
            })
        })
        .map(|(_, line)| *line)
        .collect();
    assert_eq!(kept, before);
    let added: String = ranges
        .iter()
        .flat_map(|(from, to)| lines[from - 1..*to].iter().copied())
        .collect();
    assert!(
        added.contains("      operationId: createMessage\n"),
        "{added}"
    );
    assert!(
        added.contains("      x-client-chosen-id: messageId\n"),
        "{added}"
    );
    assert!(added.contains("    CreateMessageRequest:\n"), "{added}");

    for example in ["createMessage.request.json", "createMessage.response.json"] {
        assert_eq!(
            fs::read(examples.join(example)).unwrap(),
            fs::read(root().join("spec/examples").join(example)).unwrap(),
            "{example}"
        );
    }
    let check = docs_command(project.path(), &["--docs", folder, "--fail-on", "drift"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));

    // Twice: the page's operation is in the spec now: its drift report, and
    // not a byte changes.
    let files = snapshot(project.path());
    let again = merge(project.path(), folder, "create-message.v3.txt");
    let stdout = text(&again.stdout);
    assert_eq!(again.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with(
            "create-message.v3.txt: the spec already has this operation (createMessage): nothing merged"
        ),
        "{stdout}"
    );
    assert_eq!(snapshot(project.path()), files);
}

/// A page whose operation the spec has, and that differs from it: the drift
/// report, exit 1, and the spec as it was.
#[test]
fn a_page_already_in_the_spec_gets_its_drift_report() {
    let (project, _) = project_without("");
    let pages = tempfile::tempdir().unwrap();
    let page = fs::read_to_string(real_docs().join("get-file.v3.txt")).unwrap();
    let edited = page.replacen("Maximum string length: 50", "Maximum string length: 60", 1);
    assert_ne!(edited, page);
    fs::write(pages.path().join("get-file.v3.txt"), edited).unwrap();
    let files = snapshot(project.path());
    let output = merge(
        project.path(),
        pages.path().to_str().unwrap(),
        "get-file.v3.txt",
    );
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("already has this operation (getFile)"),
        "{stdout}"
    );
    assert!(stdout.contains("maxLength"), "{stdout}");
    assert_eq!(snapshot(project.path()), files);
}

/// What cannot be merged is refused with the file and line at fault, exit 2,
/// and every file as it was: a file that is not an endpoint page, a page with
/// a type the spec cannot hold, a page whose operation codegen refuses (a
/// path parameter the page does not list).
#[test]
fn bad_pages_are_refused_and_nothing_changes() {
    let (project, _) = project_without("");
    let pages = tempfile::tempdir().unwrap();
    fs::write(
        pages.path().join("notes.txt"),
        "Some notes\nabout the API\nthat are not a page\n",
    )
    .unwrap();
    fs::write(
        pages.path().join("get-widget.v1.txt"),
        "GET\n/\napi\n/\nv1\n/\nwidgets\n/\n{widgetId}\nget a widget\n\
         curl --request GET \\\n  --url https://apix.us.amity.co/api/v1/widgets/{widgetId}\n\
         {\n  \"widgetId\": \"<string>\",\n  \"size\": 123\n}\n",
    )
    .unwrap();
    fs::write(
        pages.path().join("list-gadgets.v1.txt"),
        "GET\n/\napi\n/\nv1\n/\ngadgets\nlist gadgets\n\
         curl --request GET \\\n  --url https://apix.us.amity.co/api/v1/gadgets\n\
         {\n  \"gadgets\": []\n}\n\nQuery Parameters\n\nsize\nmap<string>\nshape\nvector\n",
    )
    .unwrap();
    let files = snapshot(project.path());
    let folder = pages.path().to_str().unwrap();
    let run = |page: &str| {
        let output = merge(project.path(), folder, page);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{page}: {}",
            text(&output.stdout)
        );
        assert_eq!(snapshot(project.path()), files, "{page}");
        text(&output.stderr)
    };
    let stderr = run("notes.txt");
    assert!(
        stderr.contains("notes.txt:1: not an endpoint page"),
        "{stderr}"
    );
    let stderr = run("list-gadgets.v1.txt");
    assert!(
        stderr.contains("list-gadgets.v1.txt:18: not read: field size has a type this reader does not know: \"map<string>\"")
            && stderr.contains("lines of the page not read: cannot merge it whole"),
        "{stderr}"
    );
    let stderr = run("get-widget.v1.txt");
    assert!(
        stderr.contains("get-widget.v1.txt: the merged spec is refused")
            && stderr.contains("widgetId")
            && stderr.contains("spec/openapi.yaml was left as it was"),
        "{stderr}"
    );
}

/// Every page of `../shared/docs`: its operation taken out of the spec (with
/// the schemas only it used) and merged back agrees with the committed
/// operation on every fact the page states, generates, and has no drift; the
/// README's table is this run's.
#[test]
fn every_page_round_trips() {
    let agreements = docs::round_trip::run(&root(), &real_docs()).unwrap();
    assert_eq!(agreements.len(), 30);
    let table = docs::round_trip::render(&agreements);
    for agreement in &agreements {
        assert!(
            agreement.error.is_none()
                && agreement.drift.is_empty()
                && agreement.agreed == agreement.facts
                && agreement.facts > 0,
            "{table}"
        );
    }
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&table),
        "README.md does not hold the round-trip table of `cargo xtask docs --round-trip`:\n{table}"
    );
}

/// Sentences of the prose that read like rules are listed with their page
/// line, and the draft writes none of them as a rule.
#[test]
fn rule_candidates_are_listed_never_written() {
    let text = fs::read_to_string(root().join(codegen::SPEC_PATH)).unwrap();
    let spec = codegen::Spec::parse(&text, codegen::SPEC_PATH).unwrap();
    let page = docs::page::parse(
        "create-post.v4.txt",
        &fs::read_to_string(real_docs().join("create-post.v4.txt")).unwrap(),
    );
    let draft = docs::draft::draft(&page, &spec).unwrap();
    let candidate = draft
        .candidates
        .iter()
        .find(|c| c.sentence == "require text or at least 1 attachments")
        .expect("the body's prose rule is a candidate");
    assert_eq!(
        page.text.lines().nth(candidate.line - 1),
        Some("require text or at least 1 attachments")
    );
    let fragment = draft.fragment();
    assert!(!fragment.contains("x-rule:"), "{fragment}");
    assert!(
        fragment.contains(&format!(
            "# rule candidate (create-post.v4.txt:{}): \"require text or at least 1 attachments\"",
            candidate.line
        )),
        "{fragment}"
    );
}
