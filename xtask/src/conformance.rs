//! `cargo xtask conformance`: the real client against Stoplight Prism.
//!
//! Prism mocks `spec/openapi.yaml`: it validates every request against the spec
//! and answers with a response generated from the schema (`--dynamic`), a
//! different one each time. xtask installs and starts Prism, then runs the
//! `conformance` crate (`cargo run -p conformance`), which drives every
//! operation through `generated_client` and reports per operation. That half
//! is its own crate so that xtask never depends on generated-client: generated
//! code that does not compile must not stop `cargo xtask regen` from building.
//!
//! Two passes, each with its own Prism:
//! - **the spec as written** (`.tools/prism/as-written.openapi.json`: the spec
//!   with an array of files read as one file, a limitation of Prism's
//!   multipart reading, see `one_file_a_part`): every answer must decode with nothing left out
//!   (a value Prism generated from the spec that the client calls unfit is a
//!   disagreement between the spec and the generated decoding);
//! - **the spec read loosely** (`.tools/prism/loosened.openapi.json`, made
//!   here): every `integer` is a `number` and every map of numbers a map of
//!   anything, the legitimate other reading of the docs' `123`. Prism then
//!   sends fractions and odd map values no one here wrote; every answer must
//!   still decode (what does not fit is left out and counted).
//!
//! Prism comes from the npm registry, pinned with every package under it by
//! the committed `xtask/prism/package-lock.json`, installed with `npm ci` into
//! `.tools/prism` (git ignores `/.tools`) when missing or when the lock file
//! changed. It always stops,
//! on failure and on Ctrl-C too: dropping [`PrismServer`] kills its process
//! group.

use std::fs::{self, File};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::paths::project_root;

/// The `@stoplight/prism-cli` release used, as `xtask/prism/package.json`
/// names it; `xtask/prism/package-lock.json` pins it and every package under
/// it (a test checks the three agree). To move to another release: change
/// both here and in `package.json`, run `npm install --package-lock-only` in
/// `xtask/prism`, and commit the lock file.
const PRISM_VERSION: &str = "5.16.0";
/// The committed npm manifest and lock file, relative to the project root.
const PRISM_LOCK_DIR: &str = "xtask/prism";
/// The files `npm ci` installs from.
const PRISM_LOCK_FILES: [&str; 2] = ["package.json", "package-lock.json"];
/// The oldest Node.js this task runs Prism on. Prism 5.15 and later declare
/// `engines: node >=24`, which npm only warns about; 5.16.0 passes on Node 20.
const PRISM_MIN_NODE: (u32, u32) = (20, 0);
/// Where Prism is installed (`npm install --prefix`), under the project root.
const PRISM_DIR: &str = ".tools/prism";
/// Prism's entry point, run with `node` (no shell wrapper, on every platform).
const PRISM_CLI: &str = ".tools/prism/node_modules/@stoplight/prism-cli/dist/index.js";
/// The installed package's manifest, read for its version.
const PRISM_MANIFEST: &str = ".tools/prism/node_modules/@stoplight/prism-cli/package.json";
/// Prism's output (stdout and stderr) of the last run.
const PRISM_LOG: &str = ".tools/prism/prism.log";
/// Where the runner keeps the bodies the client could not decode in the last run.
const FAILURES_DIR: &str = ".tools/prism/failures";
/// The spec as written, with Prism's one multipart limitation worked around
/// ([`one_file_a_part`]): what the first pass mocks, written before each run.
const AS_WRITTEN_SPEC: &str = ".tools/prism/as-written.openapi.json";
/// The loosely read spec of the second pass, written before each run.
const LOOSENED_SPEC: &str = ".tools/prism/loosened.openapi.json";

/// One pass: what Prism mocks, and what the runner demands of the answers.
struct Pass {
    /// The spec Prism mocks, relative to the project root.
    spec: &'static str,
    /// `fit` (nothing may be left out) or `decode` (answers must decode).
    answers: &'static str,
}

const PASSES: [Pass; 2] = [
    Pass {
        spec: AS_WRITTEN_SPEC,
        answers: "fit",
    },
    Pass {
        spec: LOOSENED_SPEC,
        answers: "decode",
    },
];
/// How long Prism may take to start listening.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// `cargo xtask conformance`.
pub(crate) fn conformance() -> Result<ExitCode> {
    let started = Instant::now();
    let root = project_root()?;
    let node = check_node()?;
    install_prism(&root)?;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let passed = runtime.block_on(async {
        tokio::select! {
            passed = run(&root) => passed,
            signal = interrupted() => bail!("interrupted by {signal}; Prism was stopped"),
        }
    })?;

    let elapsed = started.elapsed().as_secs_f64();
    if passed {
        println!(
            "conformance: every round ok against Prism {PRISM_VERSION} ({node}) mocking {} (as {AS_WRITTEN_SPEC}) and {LOOSENED_SPEC} in {elapsed:.1} s",
            codegen::SPEC_PATH
        );
        return Ok(ExitCode::SUCCESS);
    }
    eprintln!(
        "error: some rounds failed against Prism {PRISM_VERSION} mocking {} ({elapsed:.1} s)",
        codegen::SPEC_PATH
    );
    eprintln!(
        "  a request violation means the client sends what the spec forbids: fix codegen's request checks or the fixture;\n  \
         a decode failure means the generated types reject what the spec allows (bodies kept in {FAILURES_DIR}/): fix the spec or codegen, then run `cargo xtask regen`;\n  \
         a value left out in the first pass means the tolerant decoding disagrees with the spec on a value it allows: fix codegen or the decode runtime;\n  \
         Prism's log: {PRISM_LOG}"
    );
    Ok(ExitCode::FAILURE)
}

/// Runs each [`Pass`]: starts Prism, runs the `conformance` crate against it,
/// stops Prism (also when this future is dropped half-way). Whether every
/// round of every pass passed.
async fn run(root: &Path) -> Result<bool> {
    write_specs(root)?;
    let mut passed = true;
    for pass in PASSES {
        let mut prism = PrismServer::start(root, pass.spec)?;
        prism.wait_until_listening().await?;
        let base_url = format!("http://{}", prism.address);
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = tokio::process::Command::new(cargo)
            .current_dir(root)
            .args(["run", "--quiet", "--package", "conformance", "--"])
            .arg("--base-url")
            .arg(&base_url)
            .arg("--root")
            .arg(root)
            .args(["--answers", pass.answers])
            .kill_on_drop(true)
            .status()
            .await
            .context("cannot run `cargo run -p conformance`")?;
        drop(prism);
        match status.code() {
            Some(0) => {}
            Some(1) => passed = false,
            _ => bail!("`cargo run -p conformance` failed ({status}): see its error above"),
        }
    }
    Ok(passed)
}

/// Writes [`AS_WRITTEN_SPEC`] (the spec, [`one_file_a_part`]) and
/// [`LOOSENED_SPEC`] (that, with every `integer` a `number` and every map of
/// numbers a map of anything).
fn write_specs(root: &Path) -> Result<()> {
    let spec = codegen::Spec::load(&root.join(codegen::SPEC_PATH), codegen::SPEC_PATH)?;
    let mut document = spec.document().clone();
    one_file_a_part(&mut document);
    for (path, document) in [
        (AS_WRITTEN_SPEC, document.clone()),
        (LOOSENED_SPEC, {
            loosen(&mut document);
            document
        }),
    ] {
        let text = serde_json::to_string_pretty(&document).context("cannot write JSON")?;
        fs::write(root.join(path), text).with_context(|| format!("cannot write {path}"))?;
    }
    Ok(())
}

/// Prism reads a multipart part that is repeated (the client sends each file
/// of an array of files as its own part under the array's name, as RFC 7578
/// §4.3 has it) as one value, the last, and then refuses the array as "must
/// be array" (stoplightio/prism pull request 2654 would read them as an
/// array; it is not released). So Prism is given every array of files as one
/// file: it still checks that the part is there, and every other part.
fn one_file_a_part(document: &mut Value) {
    for pointer in codegen::document::schema_pointers(document) {
        let Some(Value::Object(schema)) = document.pointer_mut(&pointer) else {
            continue;
        };
        let binary = |schema: &Value| {
            schema.get("type").and_then(Value::as_str) == Some("string")
                && schema.get("format").and_then(Value::as_str) == Some("binary")
        };
        if schema.get("type").and_then(Value::as_str) == Some("array")
            && let Some(items) = schema.get("items").filter(|items| binary(items)).cloned()
        {
            *schema = match items {
                Value::Object(items) => items,
                _ => continue,
            };
        }
    }
}

fn loosen(document: &mut Value) {
    for pointer in codegen::document::schema_pointers(document) {
        let Some(Value::Object(schema)) = document.pointer_mut(&pointer) else {
            continue;
        };
        let numeric_map = schema
            .get("additionalProperties")
            .and_then(|values| values.get("type"))
            .and_then(Value::as_str)
            .is_some_and(|t| t == "integer" || t == "number");
        if numeric_map {
            schema.insert(
                "additionalProperties".to_owned(),
                Value::Object(serde_json::Map::new()),
            );
        }
        if schema.get("type").and_then(Value::as_str) == Some("integer") {
            schema.insert("type".to_owned(), Value::from("number"));
            schema.remove("format");
        }
    }
}

// ------------------------------------------------------------------ Node, npm

/// `node`'s version, e.g. `Node v20.20.2`; fails when Node is missing or too old.
fn check_node() -> Result<String> {
    let output = Command::new("node").arg("--version").output().context(
        "cannot run `node`: install Node.js (20 or later, with npm) to run `cargo xtask conformance`",
    )?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let mut numbers = version
        .trim_start_matches('v')
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let found = (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0));
    if found < PRISM_MIN_NODE {
        bail!(
            "`node --version` says `{version}`; Prism {PRISM_VERSION} needs Node.js {}.{} or later: upgrade Node.js",
            PRISM_MIN_NODE.0,
            PRISM_MIN_NODE.1
        );
    }
    Ok(format!("Node {version}"))
}

/// The version of Prism installed in `.tools/prism`, if any.
fn installed_prism_version(root: &Path) -> Option<String> {
    let text = fs::read_to_string(root.join(PRISM_MANIFEST)).ok()?;
    let manifest: Value = serde_json::from_str(&text).ok()?;
    manifest["version"].as_str().map(str::to_owned)
}

/// Installs Prism into `.tools/prism` with `npm ci` from the committed lock
/// file, unless the same lock file was installed there before.
fn install_prism(root: &Path) -> Result<()> {
    let installed = installed_prism_version(root);
    let lock = |dir: &Path| fs::read(dir.join("package-lock.json")).ok();
    let committed = lock(&root.join(PRISM_LOCK_DIR))
        .with_context(|| format!("cannot read {PRISM_LOCK_DIR}/package-lock.json"))?;
    if lock(&root.join(PRISM_DIR)).as_ref() == Some(&committed) && root.join(PRISM_CLI).is_file() {
        return Ok(());
    }
    match &installed {
        Some(other) => println!(
            "reinstalling Prism {other} in {PRISM_DIR}: {PRISM_LOCK_DIR}/package-lock.json changed"
        ),
        None => println!("installing Prism {PRISM_VERSION} into {PRISM_DIR} with `npm ci` (once)"),
    }
    let dir = root.join(PRISM_DIR);
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {PRISM_DIR}"))?;
    for file in PRISM_LOCK_FILES {
        fs::copy(root.join(PRISM_LOCK_DIR).join(file), dir.join(file))
            .with_context(|| format!("cannot copy {PRISM_LOCK_DIR}/{file} to {PRISM_DIR}"))?;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let status = Command::new(npm)
        .current_dir(&dir)
        // Prism pulls in @scarf/scarf, whose install script reports usage
        // over the network unless told not to.
        .env("SCARF_ANALYTICS", "false")
        .args(["ci", "--no-audit", "--no-fund"])
        .status()
        .with_context(|| {
            format!("cannot run `{npm}`: install Node.js with npm, or run `npm ci` in {PRISM_DIR} yourself")
        })?;
    if !status.success() {
        // A half-installed tree must not pass for an installed one next time.
        let _ = fs::remove_file(dir.join("package-lock.json"));
        bail!(
            "`npm ci --no-audit --no-fund` in {PRISM_DIR} failed ({status}): check that the npm registry is reachable and retry"
        );
    }
    match installed_prism_version(root) {
        Some(version) if version == PRISM_VERSION => Ok(()),
        other => bail!(
            "after `npm ci`, {PRISM_MANIFEST} says version {other:?}, not {PRISM_VERSION}: {PRISM_LOCK_DIR}/package-lock.json and PRISM_VERSION disagree"
        ),
    }
}

// ---------------------------------------------------------------- the server

/// A running Prism mock server. Dropping it stops Prism and anything Prism
/// started (its process group), however the run ends.
struct PrismServer {
    child: Child,
    address: SocketAddr,
    /// Set once the child has been reaped: its pid (and group id) may then
    /// belong to someone else, so it must not be signalled.
    reaped: bool,
    /// The project root, where Prism's log is.
    root: PathBuf,
}

impl PrismServer {
    /// Starts `prism mock --dynamic --errors` for `spec` on a free loopback port.
    fn start(root: &Path, spec: &str) -> Result<PrismServer> {
        let address = free_loopback_address()?;
        let log_path = root.join(PRISM_LOG);
        let log = File::create(&log_path).with_context(|| format!("cannot create {PRISM_LOG}"))?;
        let log_too = log
            .try_clone()
            .with_context(|| format!("cannot share {PRISM_LOG}"))?;
        let mut command = Command::new("node");
        command
            .current_dir(root)
            .arg(PRISM_CLI)
            .args(["mock", "--dynamic", "--errors", "--host"])
            .arg(address.ip().to_string())
            .arg("--port")
            .arg(address.port().to_string())
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_too));
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt as _;
            // Its own group, so that stopping it reaches everything it starts.
            command.process_group(0);
        }
        let child = command
            .spawn()
            .with_context(|| format!("cannot start `node {PRISM_CLI} mock`"))?;
        println!("Prism {PRISM_VERSION} mocking {spec} on {address} (log: {PRISM_LOG})");
        Ok(PrismServer {
            child,
            address,
            reaped: false,
            root: root.to_path_buf(),
        })
    }

    /// Waits until Prism accepts connections, at most [`STARTUP_TIMEOUT`].
    async fn wait_until_listening(&mut self) -> Result<()> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self
                .child
                .try_wait()
                .context("cannot check on Prism's process")?
            {
                self.reaped = true;
                bail!(
                    "Prism exited ({status}) before listening on {}; {PRISM_LOG} ends with:\n{}",
                    self.address,
                    log_tail(&self.root)
                );
            }
            if TcpStream::connect_timeout(&self.address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                bail!(
                    "Prism did not listen on {} within {} s; {PRISM_LOG} ends with:\n{}",
                    self.address,
                    STARTUP_TIMEOUT.as_secs(),
                    log_tail(&self.root)
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for PrismServer {
    fn drop(&mut self) {
        if self.reaped {
            return;
        }
        #[cfg(unix)]
        {
            let Ok(group) = libc::pid_t::try_from(self.child.id()) else {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return;
            };
            // SAFETY: killpg only sends a signal; the group is Prism's own
            // (process_group(0) at spawn) and its leader is not reaped yet, so
            // the id cannot have been reused.
            unsafe { libc::killpg(group, libc::SIGTERM) };
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    // The leader is gone; make sure nothing it started lingers.
                    // SAFETY: as above; the group id stays reserved while any
                    // member lives, and a signal to an empty group is harmless.
                    unsafe { libc::killpg(group, libc::SIGKILL) };
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            // SAFETY: as above.
            unsafe { libc::killpg(group, libc::SIGKILL) };
        }
        #[cfg(not(unix))]
        {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// A loopback address with a port nobody listens on (bound, then released).
fn free_loopback_address() -> Result<SocketAddr> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .context("cannot find a free port on 127.0.0.1")?;
    listener
        .local_addr()
        .context("cannot read the free port's address")
}

/// The last lines of Prism's log.
fn log_tail(root: &Path) -> String {
    let path: PathBuf = root.join(PRISM_LOG);
    let text = fs::read_to_string(&path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = &lines[lines.len().saturating_sub(20)..];
    if tail.is_empty() {
        "  (empty)".to_owned()
    } else {
        tail.iter()
            .map(|line| format!("  {line}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Resolves when the user interrupts (Ctrl-C) or CI cancels (SIGTERM); says which.
async fn interrupted() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut terminate) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => "Ctrl-C",
                _ = terminate.recv() => "SIGTERM",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn committed(file: &str) -> Value {
        let path = project_root()
            .expect("cargo test sets CARGO_MANIFEST_DIR")
            .join(PRISM_LOCK_DIR)
            .join(file);
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn prism_is_given_each_array_of_files_as_one_file_and_nothing_else_changes() {
        let mut document = serde_json::json!({
            "components": { "schemas": { "Form": {
                "type": "object",
                "properties": {
                    "files": { "type": "array", "description": "file data",
                               "items": { "type": "string", "format": "binary" } },
                    "tags": { "type": "array", "items": { "type": "string" } },
                },
            } } },
        });
        let tags = document
            .pointer("/components/schemas/Form/properties/tags")
            .cloned();
        one_file_a_part(&mut document);
        assert_eq!(
            document.pointer("/components/schemas/Form/properties/files"),
            Some(&serde_json::json!({ "type": "string", "format": "binary" }))
        );
        assert_eq!(
            document
                .pointer("/components/schemas/Form/properties/tags")
                .cloned(),
            tags
        );
    }

    #[test]
    fn the_manifest_the_lock_file_and_prism_version_name_one_release() {
        let manifest = committed("package.json");
        let lock = committed("package-lock.json");
        let cli = "@stoplight/prism-cli";
        assert_eq!(manifest["dependencies"][cli], PRISM_VERSION, "package.json");
        assert_eq!(
            lock["packages"][""]["dependencies"][cli], PRISM_VERSION,
            "package-lock.json's root"
        );
        assert_eq!(
            lock["packages"][format!("node_modules/{cli}")]["version"],
            PRISM_VERSION,
            "package-lock.json's installed CLI"
        );
        // Every package is pinned by content, so `npm ci` installs the same bytes.
        let packages = lock["packages"]
            .as_object()
            .expect("a lockfileVersion 3 file");
        for (name, package) in packages.iter().filter(|(name, _)| !name.is_empty()) {
            assert!(
                package["integrity"]
                    .as_str()
                    .is_some_and(|i| i.starts_with("sha512-")),
                "{name} has no sha512 integrity in the lock file"
            );
        }
    }
}
