//! `cargo xtask diff`: the CLI's edges (no changes, `--fail-on`, parse errors,
//! git revisions, a spec split into files) and a copy of the real spec with
//! several edits. Each kind of change is a golden case in `tests/diff-cases/`
//! (`diff_cases.rs`).

use std::path::Path;
use std::process::Command;

use xtask::diff::{self, FailOn, Format, Report};

/// The small spec every golden case starts from (`tests/diff-cases/base.yaml`):
/// two operations sharing the `Thing` schema (which refers to itself through
/// `parent`), request-side parameters, enums and limits.
fn base_spec() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff-cases/base.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `text` with `from` replaced by `to`; `from` must occur exactly once, so
/// that an edit never silently misses.
#[track_caller]
fn edit(text: &str, from: &str, to: &str) -> String {
    let found = text.matches(from).count();
    assert_eq!(found, 1, "`{from}` occurs {found} times, expected once");
    text.replacen(from, to, 1)
}

fn compare(base: &str, new: &str) -> Report {
    match diff::compare_texts(base, "base.yaml", new, "new.yaml") {
        Ok(report) => report,
        Err(error) => panic!("the specs do not compare: {error:#}"),
    }
}

/// One line per change, `severity kind location`, in report order.
fn rows(report: &Report) -> String {
    let lines: Vec<String> = report
        .changes
        .iter()
        .map(|c| format!("{} {} {}", c.severity.as_str(), c.kind.as_str(), c.location))
        .collect();
    lines.join("\n")
}

// ------------------------------------------------------------------ CLI edges

#[test]
fn no_changes() {
    let base = base_spec();
    let report = compare(&base, &base);
    assert!(report.changes.is_empty());
    assert_eq!(diff::render(&report, Format::Text), "no changes\n");
    assert_eq!(diff::exit_code(&report, Some(FailOn::Breaking)), 0);
    assert_eq!(report.summary(), "no changes");
    // Formatting alone (comments, quotes, key order) is no change.
    let reformatted = edit(
        &base,
        "      operationId: listThings\n",
        "      # listing\n      operationId: 'listThings'\n",
    );
    assert_eq!(compare(&base, &reformatted).changes, Vec::new());
}

#[test]
fn fail_on_breaking_sets_the_exit_code() {
    let base = base_spec();
    let breaking = compare(&base, &edit(&base, "maxLength: 100", "maxLength: 90"));
    let non_breaking = compare(&base, &edit(&base, "maxLength: 100", "maxLength: 110"));
    let info = compare(&base, &edit(&base, "default: small", "default: large"));
    assert_eq!(diff::exit_code(&breaking, Some(FailOn::Breaking)), 1);
    assert_eq!(diff::exit_code(&breaking, None), 0);
    assert_eq!(diff::exit_code(&non_breaking, Some(FailOn::Breaking)), 0);
    assert_eq!(diff::exit_code(&info, Some(FailOn::Breaking)), 0);
}

#[test]
fn an_unparsable_spec_is_an_error_naming_its_side() {
    let base = base_spec();
    let broken = edit(&base, "openapi: 3.0.3", "openapi: 3.0.3\n  bad: [");
    let base_error = diff::compare_texts(
        &broken,
        "spec/openapi.yaml@HEAD",
        &base,
        "spec/openapi.yaml (working tree)",
    )
    .expect_err("a broken base spec is an error");
    let message = format!("{base_error:#}");
    assert!(
        message.starts_with("the base spec does not parse: spec/openapi.yaml@HEAD:"),
        "{message}"
    );
    assert!(message.ends_with("pick another `--base`"), "{message}");

    let new_error = diff::compare_texts(
        &base,
        "spec/openapi.yaml@HEAD",
        &broken,
        "spec/openapi.yaml (working tree)",
    )
    .expect_err("a broken new spec is an error");
    let message = format!("{new_error:#}");
    assert!(
        message.starts_with("the new spec does not parse: spec/openapi.yaml (working tree):"),
        "{message}"
    );

    // Valid YAML, but not a spec codegen accepts.
    let version = edit(&base, "openapi: 3.0.3", "openapi: 3.1.0");
    let message = format!(
        "{:#}",
        diff::compare_texts(&base, "b", &version, "n").expect_err("3.1 is refused")
    );
    assert!(
        message.starts_with(
            "the new spec does not parse: n:1:1: #/openapi: `openapi: 3.1.0` is not supported"
        ),
        "{message}"
    );
}

// ---------------------------------------------------------------- the real spec

fn real_spec() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn real_spec_with_several_edits() {
    let base = real_spec();
    // createChannel: a tighter limit, an enum value swapped, a new required
    // field; the shared Post schema loses `dataType` (a response field); the
    // error body's `code` changes type; a description changes.
    let new = edit(
        &base,
        "          description: The display name for the channel. Maximum length is 100 characters.\n          maxLength: 100\n",
        "          description: The display name for the channel. Maximum length is 100 characters.\n          maxLength: 64\n",
    );
    let new = edit(
        &new,
        "            - community\n            - live\n            - broadcast\n",
        "            - community\n            - live\n            - conversation\n",
    );
    let new = edit(
        &new,
        "    CreateChannelRequest:\n      type: object\n      description: Information of channel to be created\n",
        "    CreateChannelRequest:\n      type: object\n      description: Information of channel to be created\n      required:\n        - displayName\n",
    );
    let new = edit(
        &new,
        "          type: integer\n          description: Error code; see the list of known codes above.\n",
        "          type: string\n          description: Error code; see the list of known codes above.\n",
    );
    let new = edit(
        &new,
        "      description: Approve a post that is under review. The request has no body.\n",
        "      description: Approve a post under review. The request has no body.\n",
    );
    let post = "    Post:\n";
    let post_start = new.find(post).expect("the spec has a Post schema");
    let data_type = "        dataType:\n          type: string\n";
    let offset = new[post_start..]
        .find(data_type)
        .expect("Post has a dataType");
    let at = post_start + offset;
    let mut new = new.clone();
    new.replace_range(
        at..at + data_type.len(),
        "        dataKind:\n          type: string\n",
    );

    let report = compare(&base, &new);
    let rows = rows(&report);
    let expect = [
        "info description_changed approvePost (POST /api/v3/posts/{postId}/approve)",
        "breaking field_became_required createChannel request .displayName",
        "breaking constraint_tightened createChannel request .displayName",
        "breaking enum_value_removed createChannel request .type",
        "non-breaking enum_value_added createChannel request .type",
        // Post is reached first (in name order) through `.postChildren[]`.
        "breaking field_removed createPost response .postChildren[].dataType",
        "non-breaking field_added createPost response .postChildren[].dataKind",
        "breaking field_removed approvePost response .postChildren[].dataType",
        "breaking type_changed createPost error response .code",
        "breaking type_changed createChannel error response .code",
    ];
    for line in expect {
        assert!(
            rows.lines().any(|row| row == line),
            "missing `{line}` in:\n{rows}"
        );
    }
    // Every operation has the error body: one `code` row each, no more.
    let code_rows = rows
        .lines()
        .filter(|row| row.ends_with("error response .code"))
        .count();
    let operations = codegen::Spec::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(codegen::SPEC_PATH),
        codegen::SPEC_PATH,
    )
    .unwrap()
    .openapi
    .operations()
    .count();
    assert_eq!(code_rows, operations, "{rows}");
    assert_eq!(
        report.summary(),
        format!(
            "{} changes: {} breaking, {} non-breaking, {} info",
            report.changes.len(),
            report.count(diff::Severity::Breaking),
            report.count(diff::Severity::NonBreaking),
            report.count(diff::Severity::Info)
        )
    );
    assert_eq!(diff::exit_code(&report, Some(FailOn::Breaking)), 1);
}

#[test]
fn real_spec_against_itself_has_no_changes() {
    let spec = real_spec();
    assert_eq!(compare(&spec, &spec).changes, Vec::new());
}

// ----------------------------------------------------------- documented rules

/// Every named `x-rule` in `value`.
fn rule_names(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(name) = map
                .get("x-rule")
                .and_then(|rule| rule.get("name"))
                .and_then(serde_json::Value::as_str)
            {
                out.push(name.to_owned());
            }
            map.values().for_each(|v| rule_names(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| rule_names(v, out)),
        _ => {}
    }
}

/// `value` without its documented rules: every `allOf` member with a named
/// `x-rule` goes, and an `allOf` left empty with it.
fn without_rules(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(members)) = map.get_mut("allOf") {
                members.retain(|m| m.get("x-rule").and_then(|r| r.get("name")).is_none());
                if members.is_empty() {
                    map.remove("allOf");
                }
            }
            map.values_mut().for_each(without_rules);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_rules),
        _ => {}
    }
}

/// The real spec against itself without its documented rules: each rule is
/// one `rule_added` row, breaking (every rule limits a request), located at
/// its schema and named, and nothing else changes (an `allOf` of rules alone
/// is no change of a schema's shape). JSON is YAML, so the stripped document
/// goes through the same parser.
#[test]
fn real_spec_rules_added_are_each_breaking() {
    let spec = real_spec();
    let parsed = codegen::Spec::parse(&spec, "spec/openapi.yaml").expect("the spec parses");
    let mut names = Vec::new();
    rule_names(parsed.document(), &mut names);
    assert!(
        names.len() > 10,
        "only {} named rules: {names:?}",
        names.len()
    );
    let mut stripped = parsed.document().clone();
    without_rules(&mut stripped);
    let stripped = serde_json::to_string(&stripped).expect("JSON");
    let report = compare(&stripped, &spec);
    let rows = rows(&report);
    assert_eq!(report.changes.len(), names.len(), "{rows}");
    for name in &names {
        let found = report.changes.iter().any(|c| {
            c.kind == diff::Kind::RuleAdded
                && c.breaking()
                && c.location.ends_with(&format!("(rule {name})"))
        });
        assert!(found, "no breaking rule_added for `{name}` in:\n{rows}");
    }
    // And the other way round: each rule removed, none breaking.
    let report = compare(&spec, &stripped);
    assert_eq!(report.changes.len(), names.len(), "{}", self::rows(&report));
    assert!(
        report
            .changes
            .iter()
            .all(|c| c.kind == diff::Kind::RuleRemoved && !c.breaking()),
        "{}",
        self::rows(&report)
    );
}

/// `base_spec()` with `members` as the `allOf` of ThingRequest.
fn with_request_rules(members: &str) -> String {
    edit(
        &base_spec(),
        "      required:\n        - name\n      properties:\n",
        &format!("      required:\n        - name\n      allOf:\n{members}      properties:\n"),
    )
}

/// A rule with `body` (its keys besides `x-rule`, indented for an allOf member).
fn rule(name: &str, extra: &str, body: &str) -> String {
    format!(
        "        - x-rule:\n            name: {name}\n            page: create-thing.txt\n            quote: A sentence.\n{extra}{body}"
    )
}

/// Compares ThingRequest with the rule `before` and with the rule `after`.
fn rule_rows(before: &str, after: &str) -> String {
    let base = with_request_rules(before);
    let new = with_request_rules(after);
    rows(&compare(&base, &new))
}

#[test]
fn a_rule_on_the_response_side_does_not_break() {
    let base = base_spec();
    let new = edit(
        &base,
        "    ThingResponse:\n      type: object\n",
        &format!(
            "    ThingResponse:\n      type: object\n      allOf:\n{}",
            rule("answer-has-things", "", "          required: [things]\n")
        ),
    );
    assert_eq!(
        rows(&compare(&base, &new)),
        "non-breaking rule_added createThing response (rule answer-has-things)"
    );
    assert_eq!(
        rows(&compare(&new, &base)),
        "non-breaking rule_removed createThing response (rule answer-has-things)"
    );
}

#[test]
fn rules_pair_apart_from_the_other_all_of_members() {
    // A plain allOf member keeps its positional pairing among the plain
    // members, whatever the rules around it do.
    let plain = |max: u32| {
        format!(
            "        - properties:\n            extra:\n              type: string\n              maxLength: {max}\n"
        )
    };
    let a = rule("rule-a", "", "          required: [tags]\n");
    let b = rule("rule-b", "", "          required: [count]\n");
    let before = format!("{a}{}{b}", plain(5));
    let after = format!("{b}{a}{}", plain(4));
    assert_eq!(
        rule_rows(&before, &after),
        "breaking constraint_tightened createThing request .extra"
    );
    // Adding a plain member is still a change of shape; rules do not count.
    let after = format!("{a}{}{}{b}", plain(5), plain(5));
    assert_eq!(
        rule_rows(&before, &after),
        "breaking type_changed createThing request"
    );
}

#[test]
fn inside_a_rule_not_swaps_the_direction() {
    let body = |required: &str| {
        format!(
            "          anyOf:\n            - required: [tags]\n            - not:\n                required: [{required}]\n"
        )
    };
    // Under `not`, a name made required loosens the `not`: the rule covers
    // fewer requests.
    assert_eq!(
        rule_rows(
            &rule("r", "", &body("count")),
            &rule("r", "", &body("count, kind"))
        ),
        "non-breaking constraint_loosened createThing request (rule r)(anyOf[1])(not).kind"
    );
    assert_eq!(
        rule_rows(
            &rule("r", "", &body("count, kind")),
            &rule("r", "", &body("count"))
        ),
        "breaking constraint_tightened createThing request (rule r)(anyOf[1])(not).kind"
    );
    // A `not` changed both ways, or a value replaced: the diff cannot tell.
    assert_eq!(
        rule_rows(
            &rule("r", "", &body("count")),
            &rule("r", "", &body("kind"))
        ),
        "breaking rule_changed createThing request (rule r)(anyOf[1])(not)"
    );
    let pattern = |p: &str| {
        format!(
            "          not:\n            properties:\n              name:\n                pattern: '{p}'\n"
        )
    };
    assert_eq!(
        rule_rows(
            &rule("r", "", &pattern("^a")),
            &rule("r", "", &pattern("^b"))
        ),
        "breaking rule_changed createThing request (rule r)(not).name"
    );
}

#[test]
fn inside_a_rule_any_of_alternatives_pair_by_content() {
    let alternatives = |list: &[&str]| {
        let mut body = "          anyOf:\n".to_owned();
        for alternative in list {
            body.push_str(&format!("            - required: [{alternative}]\n"));
        }
        rule("r", "", &body)
    };
    let three = alternatives(&["tags", "count", "kind"]);
    // Reordered alternatives: no change.
    assert_eq!(
        rule_rows(&three, &alternatives(&["kind", "tags", "count"])),
        ""
    );
    // One removed: fewer ways to pass.
    assert_eq!(
        rule_rows(&three, &alternatives(&["tags", "kind"])),
        "breaking constraint_tightened createThing request (rule r)"
    );
    // One tightened (a name more required): the rule is tighter.
    assert_eq!(
        rule_rows(&three, &alternatives(&["tags", "count, labels", "kind"])),
        "breaking constraint_tightened createThing request (rule r)(anyOf[1]).labels"
    );
    // Two replaced by one: cannot be told.
    assert_eq!(
        rule_rows(&three, &alternatives(&["tags", "labels"])),
        "breaking rule_changed createThing request (rule r)"
    );
}

#[test]
fn inside_a_rule_unnamed_x_rule_limits_and_interacting_keys() {
    // An unnamed x-rule inside an alternative adds its limit there.
    let sized = |bytes: u32| {
        rule(
            "r",
            "",
            &format!(
                "          anyOf:\n            - properties:\n                labels:\n                  x-rule:\n                    max-bytes: {bytes}\n            - not:\n                required: [kind]\n"
            ),
        )
    };
    assert_eq!(
        rule_rows(&sized(100), &sized(50)),
        "breaking constraint_tightened createThing request (rule r)(anyOf[0]).labels"
    );
    assert_eq!(
        rule_rows(&sized(100), &sized(200)),
        "non-breaking constraint_loosened createThing request (rule r)(anyOf[0]).labels"
    );
    // max-items-where counting other items: cannot be told.
    let counted = |equals: &str| {
        rule(
            "r",
            &format!(
                "            max-items-where:\n              property: kind\n              equals: {equals}\n              max: 1\n"
            ),
            "",
        )
    };
    assert_eq!(
        rule_rows(&counted("main"), &counted("side")),
        "breaking rule_changed createThing request (rule r)"
    );
    // Beside `additionalProperties: false`, dropping a property's condition
    // also forbids the property: not a loosening.
    let closed = |properties: &str| {
        rule(
            "r",
            "",
            &format!("          additionalProperties: false\n          properties:\n{properties}"),
        )
    };
    assert_eq!(
        rule_rows(
            &closed("            name: {}\n            tags: {}\n"),
            &closed("            name: {}\n")
        ),
        "breaking rule_changed createThing request (rule r).tags"
    );
    // A description or a page: documentation only.
    let described = |text: &str| rule("r", "", &format!("          description: {text}\n"));
    assert_eq!(
        rule_rows(&described("One."), &described("Two.")),
        "info description_changed createThing request (rule r)"
    );
}

// ------------------------------------------------------------------------- git

/// Runs git in `dir` with a fixed identity; fails the test on error.
#[track_caller]
fn git(dir: &Path, args: &[&str]) {
    let output = Command::new("git")
        .args([
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@example.com",
        ])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn git_revisions_are_resolved_and_a_bad_one_is_an_error() {
    let base = base_spec();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    let spec = root.join("spec/openapi.yaml");
    std::fs::create_dir_all(root.join("spec")).expect("spec/ is created");
    git(root, &["init", "--quiet"]);

    // No commit yet: HEAD does not resolve (regen prints a note instead).
    std::fs::write(&spec, &base).expect("the spec is written");
    let message = format!(
        "{:#}",
        diff::summary_against_head(root).expect_err("no HEAD yet")
    );
    assert!(
        message.starts_with("cannot resolve `--base HEAD` in "),
        "{message}"
    );

    git(root, &["add", "spec/openapi.yaml"]);
    git(root, &["commit", "--quiet", "-m", "first"]);
    git(root, &["tag", "first"]);
    let report = diff::compare_with_working_tree(root, "HEAD").expect("HEAD resolves");
    assert!(report.changes.is_empty());

    std::fs::write(&spec, edit(&base, "maxLength: 100", "maxLength: 90"))
        .expect("the spec is written");
    git(root, &["commit", "--quiet", "-am", "second"]);
    std::fs::write(&spec, edit(&base, "maxLength: 100", "maxLength: 80"))
        .expect("the spec is written");

    // HEAD is the second commit: 90 -> 80; `first` and `HEAD~1`: 100 -> 80.
    let against_head = diff::compare_with_working_tree(root, "HEAD").expect("HEAD resolves");
    assert_eq!(
        against_head.changes[0].message.split(':').next(),
        Some("maxLength lowered from 90 to 80")
    );
    for base in ["first", "HEAD~1"] {
        let report = diff::compare_with_working_tree(root, base).expect("the revision resolves");
        assert_eq!(
            report.changes[0].message.split(':').next(),
            Some("maxLength lowered from 100 to 80")
        );
    }
    let summary = diff::summary_against_head(root).expect("HEAD resolves");
    assert_eq!(
        summary,
        "spec/openapi.yaml against HEAD: 1 change: 1 breaking, 0 non-breaking, 0 info\n  \
         constraint_tightened createThing request .name: maxLength lowered from 90 to 80: \
         a request that passed the client's checks before may now be refused\n"
    );

    let message = format!(
        "{:#}",
        diff::compare_with_working_tree(root, "no-such-branch")
            .expect_err("a bad revision is an error")
    );
    assert!(
        message.starts_with("cannot resolve `--base no-such-branch` in ")
            && message.ends_with("pass a commit, branch or tag that exists (e.g. `--base HEAD~1`)"),
        "{message}"
    );
    // Not taken for an option.
    let message = format!(
        "{:#}",
        diff::compare_with_working_tree(root, "--all").expect_err("an option is no revision")
    );
    assert!(
        message.starts_with("cannot resolve `--base --all`"),
        "{message}"
    );

    // A revision without the spec.
    std::fs::write(root.join("README"), "x").expect("a file is written");
    git(root, &["rm", "--quiet", "--cached", "spec/openapi.yaml"]);
    git(root, &["add", "README"]);
    git(root, &["commit", "--quiet", "-m", "no spec"]);
    let message = format!(
        "{:#}",
        diff::compare_with_working_tree(root, "HEAD").expect_err("HEAD has no spec")
    );
    assert!(
        message.starts_with("spec/openapi.yaml does not exist at `HEAD`")
            && message.ends_with("pick a `--base` that has the spec"),
        "{message}"
    );
}

#[test]
fn a_spec_split_into_files_is_read_whole_at_the_base_revision() {
    let base = base_spec();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    std::fs::create_dir_all(root.join("spec/schemas")).expect("spec/schemas/ is created");
    git(root, &["init", "--quiet"]);
    // The request schema moves to its own file.
    let start = base
        .find("    ThingRequest:\n")
        .expect("the base spec has ThingRequest");
    let end = start
        + base[start + 1..]
            .find("\n    Thing")
            .or_else(|| base[start + 1..].find("\n    "))
            .expect("a schema follows");
    let request: String = base[start..=end]
        .lines()
        .skip(1)
        .map(|line| format!("{}\n", line.get(6..).unwrap_or("")))
        .collect();
    let root_text = base.replace(&base[start..=end], "").replace(
        "'#/components/schemas/ThingRequest'",
        "'./schemas/request.yaml'",
    );
    assert!(root_text.contains("./schemas/request.yaml"), "{root_text}");
    assert!(request.contains("maxLength: 100"), "{request}");
    std::fs::write(root.join("spec/openapi.yaml"), &root_text).expect("the root is written");
    std::fs::write(root.join("spec/schemas/request.yaml"), &request).expect("a file is written");
    git(root, &["add", "spec"]);
    git(root, &["commit", "--quiet", "-m", "split"]);
    let report = diff::compare_with_working_tree(root, "HEAD").expect("both sides read");
    assert!(report.changes.is_empty(), "{}", rows(&report));

    // Only the referenced file changes: the diff sees it.
    std::fs::write(
        root.join("spec/schemas/request.yaml"),
        request.replace("maxLength: 100", "maxLength: 80"),
    )
    .expect("a file is written");
    let report = diff::compare_with_working_tree(root, "HEAD").expect("both sides read");
    assert_eq!(report.changes.len(), 1, "{}", rows(&report));
    assert_eq!(
        report.changes[0].message.split(':').next(),
        Some("maxLength lowered from 100 to 80")
    );

    // A referenced file missing at the base revision is named.
    std::fs::write(root.join("spec/schemas/extra.yaml"), "type: string\n").expect("written");
    std::fs::write(
        root.join("spec/openapi.yaml"),
        root_text.replace("'./schemas/request.yaml'", "'./schemas/extra.yaml'"),
    )
    .expect("written");
    git(root, &["add", "spec"]);
    git(root, &["commit", "--quiet", "-m", "extra"]);
    git(root, &["rm", "--quiet", "spec/schemas/extra.yaml"]);
    git(root, &["commit", "--quiet", "-m", "gone"]);
    std::fs::write(root.join("spec/schemas/extra.yaml"), "type: string\n").expect("written");
    let message = format!(
        "{:#}",
        diff::compare_with_working_tree(root, "HEAD").expect_err("the base lacks a file")
    );
    assert!(
        message.starts_with("the base spec does not parse: spec/openapi.yaml@HEAD:")
            && message.contains("cannot read `spec/schemas/extra.yaml`: not in commit"),
        "{message}"
    );
}

// ---------------------------------------------------------------- the policy

/// `DIFF-POLICY.md` is the table in `xtask/src/diff/rules.rs`, rendered;
/// `EXPECTORATE=overwrite` rewrites it.
#[test]
fn diff_policy_document_is_the_rules_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../DIFF-POLICY.md");
    expectorate::assert_contents(path, &diff::rules::markdown());
}

/// The premise of the struct-literal decision (`rules.rs`): in the committed
/// generated client every struct in `types` is built either with a builder
/// (`types::builder::X`: request types) or with `..Default::default()` (it
/// implements `Default`: response types), so a new optional field breaks no
/// supported way of building it.
#[test]
fn every_generated_struct_has_a_builder_or_a_default() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated-client/src/generated.rs");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let types = &text[text.find("pub mod types {").expect("a `types` module")..];
    let builder_at = types.find("pub mod builder {").expect("a `builder` module");
    let (types, builders) = types.split_at(builder_at);
    let structs = |text: &str| -> Vec<String> {
        text.split("pub struct ")
            .skip(1)
            .filter_map(|rest| rest.split([' ', '{', '<', '(']).next())
            .map(str::to_owned)
            .collect()
    };
    let with_builder = structs(builders);
    let mut checked = 0;
    for name in structs(types) {
        let start = types
            .find(&format!("pub struct {name} "))
            .expect("the struct is there");
        // The derive list stands just before the struct.
        let derives = types[..start]
            .rsplit("#[derive(")
            .next()
            .unwrap_or_default();
        let default = derives
            .split(')')
            .next()
            .unwrap_or_default()
            .contains("Default")
            || types.contains(&format!("impl ::std::default::Default for {name} {{"));
        assert!(
            default || with_builder.contains(&name),
            "types::{name} has neither a builder nor `Default`: adding a field to it breaks every way of building it; revisit the field_added rows in xtask/src/diff/rules.rs"
        );
        checked += 1;
    }
    assert!(
        checked > 10,
        "only {checked} structs found in {}",
        path.display()
    );
}

/// `x-pagination` added, removed or changed on the real spec's queryPosts:
/// one change each, classified by DIFF-POLICY's rows.
#[test]
fn pagination_added_removed_and_changed() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openapi.yaml");
    let real = std::fs::read_to_string(path).unwrap();
    let paged = "      x-pagination:\n        items: posts\n        next: paging.next\n        token: options.token\n      tags: [Post]\n";
    let unpaged = edit(&real, paged, "      tags: [Post]\n");
    let removed = compare(&real, &unpaged);
    assert_eq!(
        rows(&removed),
        "breaking pagination_removed queryPosts (GET /api/v4/posts)"
    );
    let added = compare(&unpaged, &real);
    assert_eq!(
        rows(&added),
        "non-breaking pagination_added queryPosts (GET /api/v4/posts)"
    );
    let changed = compare(
        &real,
        &edit(
            &real,
            paged,
            &paged.replace("items: posts", "items: comments"),
        ),
    );
    assert_eq!(
        rows(&changed),
        "breaking pagination_changed queryPosts (GET /api/v4/posts)"
    );
}
