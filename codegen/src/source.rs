//! The files a spec is read from, and where every node of it stands in them.
//!
//! [`load`] reads the root file and every file a relative `$ref` names
//! (`./global/error.yaml#/Error`), and bundles them into one JSON document whose
//! references are all local: what an external reference points at is copied to
//! `#/components/<kind>/<name>` (the kind follows from where the reference
//! stands, the name is the pointer's last segment or the file's stem) and the
//! reference is rewritten to point there. [`Sources::place`] maps any pointer
//! of the bundled document back to its file, line, column and pointer in that
//! file, so that every error names where to look.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::document::{Slot, escape, pointer, unescape};

/// A place in the spec: the file, the line and column (1-based; 0 when not
/// known), and the JSON pointer of the node within that file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file's label, e.g. `spec/openapi.yaml` or `spec/global/error.yaml`.
    pub file: String,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column; 0 when unknown.
    pub column: usize,
    /// The JSON pointer within `file`, e.g. `/paths/~1api~1v4~1posts/post`;
    /// empty for the whole file.
    pub pointer: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.pointer.is_empty() {
            write!(f, ": #{}", self.pointer)?;
        }
        Ok(())
    }
}

impl Place {
    /// The start of a file.
    pub(crate) fn file(file: &str) -> Place {
        Place {
            file: file.to_owned(),
            line: 0,
            column: 0,
            pointer: String::new(),
        }
    }
}

/// One file read for the spec.
#[derive(Debug, Clone)]
struct SourceFile {
    label: String,
    /// The text, line endings normalised: indexed on the first error only.
    text: Arc<str>,
    /// Pointer -> (line, column) of the key (in a mapping) or of the item (in
    /// a sequence); `""` is the document. Built when first asked for, so a
    /// spec without errors never pays for a second parse.
    positions: Arc<OnceLock<HashMap<String, (usize, usize)>>>,
}

impl SourceFile {
    fn positions(&self) -> &HashMap<String, (usize, usize)> {
        self.positions.get_or_init(|| positions(&self.text))
    }
}

/// Every file of a spec, and where the parts of the bundled document came from.
#[derive(Debug, Clone)]
pub(crate) struct Sources {
    files: Vec<SourceFile>,
    /// Bundled pointer -> (file index, pointer in that file), for what was
    /// copied from another file. The root file's pointers map to themselves.
    origins: Vec<(String, usize, String)>,
}

impl Sources {
    /// Where the node at `pointer` of the bundled document stands. A pointer
    /// to something absent (a missing key) names its nearest present parent.
    pub(crate) fn place(&self, pointer: &str) -> Place {
        let (file, pointer) = self
            .origins
            .iter()
            .filter(|(prefix, _, _)| {
                pointer == prefix
                    || (pointer.starts_with(prefix.as_str())
                        && pointer.as_bytes().get(prefix.len()) == Some(&b'/'))
            })
            .max_by_key(|(prefix, _, _)| prefix.len())
            .map(|(prefix, file, within)| (*file, format!("{within}{}", &pointer[prefix.len()..])))
            .unwrap_or((0, pointer.to_owned()));
        self.place_in(file, &pointer)
    }
}

/// A spec read from its files and bundled into one document.
pub(crate) struct Loaded {
    /// The bundled document as YAML, in the files' order: what the typed
    /// document is read from (serde_json's map would sort the keys).
    pub(crate) yaml: serde_yaml::Value,
    /// The bundled document: every `$ref` is local.
    pub(crate) document: Value,
    pub(crate) sources: Sources,
    /// The paths of every file read, the root first.
    pub(crate) paths: Vec<PathBuf>,
    /// Hex sha256 of the root text (line endings normalised), followed by the
    /// label and text of every other file.
    pub(crate) fingerprint: String,
}

/// How files are read: from disk, from a git revision, or not at all.
pub(crate) type Reader<'a> = &'a dyn Fn(&Path) -> std::io::Result<String>;

/// Reads `root` (labelled `label`; its text is `text`) and every file its
/// relative `$ref`s name, through `read`.
pub(crate) fn load(
    root: &Path,
    label: &str,
    text: &str,
    read: Reader<'_>,
) -> Result<Loaded, Error> {
    let mut bundler = Bundler {
        files: Vec::new(),
        documents: Vec::new(),
        paths: Vec::new(),
        hasher: Sha256::new(),
        origins: Vec::new(),
        copied: BTreeMap::new(),
        read,
    };
    // Normalised, so that a reference back to the root is known as the root.
    let mut yaml = bundler.parse_file(normalise(root), label.to_owned(), text)?;
    bundler.documents.push(None);
    bundler.bundle(&mut yaml)?;
    let sources = Sources {
        files: bundler.files,
        origins: bundler.origins,
    };
    let document = to_json(&yaml, &mut Vec::new()).map_err(|(pointer, message)| Error::Shape {
        at: sources.place(&pointer),
        message,
    })?;
    Ok(Loaded {
        yaml,
        document,
        sources,
        paths: bundler.paths,
        fingerprint: format!("{:x}", bundler.hasher.finalize()),
    })
}

/// What became of a reference to another file.
enum Localised {
    /// It now points at this local `#/components/...`.
    Reference(String),
    /// What it pointed at replaced it (a path item).
    Inlined,
}

struct Bundler<'a> {
    files: Vec<SourceFile>,
    /// The parsed document of each file, by index, to copy from; `None` for
    /// the root, which is the document being bundled.
    documents: Vec<Option<serde_yaml::Value>>,
    paths: Vec<PathBuf>,
    hasher: Sha256,
    origins: Vec<(String, usize, String)>,
    /// (file index, pointer in it) -> the local reference it was copied to.
    copied: BTreeMap<(usize, String), String>,
    read: Reader<'a>,
}

impl Bundler<'_> {
    /// Parses one file's text, records its positions, and returns its value.
    fn parse_file(
        &mut self,
        path: PathBuf,
        label: String,
        text: &str,
    ) -> Result<serde_yaml::Value, Error> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let text = text.replace("\r\n", "\n");
        if self.files.is_empty() {
            self.hasher.update(text.as_bytes());
        } else {
            self.hasher.update(b"\0");
            self.hasher.update(label.as_bytes());
            self.hasher.update(b"\0");
            self.hasher.update(text.as_bytes());
        }
        if text.trim().is_empty() {
            return Err(Error::Empty { file: label });
        }
        let mut yaml: serde_yaml::Value =
            serde_yaml::from_str(&text).map_err(|e| Error::yaml(&label, &e))?;
        yaml.apply_merge().map_err(|e| Error::yaml(&label, &e))?;
        self.files.push(SourceFile {
            label,
            text: Arc::from(text),
            positions: Arc::new(OnceLock::new()),
        });
        self.paths.push(path);
        Ok(yaml)
    }

    fn sources_so_far(&self) -> Sources {
        Sources {
            files: self.files.clone(),
            origins: self.origins.clone(),
        }
    }

    /// Rewrites every reference in the root document to a local one, copying
    /// what other files hold into `components`.
    fn bundle(&mut self, document: &mut serde_yaml::Value) -> Result<(), Error> {
        // Work list: (bundled pointer of a subtree, file it came from).
        let mut pending = vec![(String::new(), 0usize)];
        while let Some((at, file)) = pending.pop() {
            let mut references = Vec::new();
            if let Some(subtree) = yaml_pointer(document, &at) {
                collect_references(subtree, Slot::at(&at), &mut at.clone(), &mut references);
            }
            for (pointer, reference) in references {
                let Some(Localised::Reference(local)) =
                    self.localise(document, &pointer, &reference, file, &mut pending)?
                else {
                    continue;
                };
                if let Some(serde_yaml::Value::Mapping(holder)) =
                    yaml_pointer_mut(document, &pointer)
                {
                    holder.insert("$ref".into(), local.into());
                }
            }
        }
        Ok(())
    }

    /// The local reference for `reference`, found at `pointer` (bundled) in
    /// a subtree from `file`; `None` when it is already local to the root.
    fn localise(
        &mut self,
        document: &mut serde_yaml::Value,
        pointer: &str,
        reference: &str,
        file: usize,
        pending: &mut Vec<(String, usize)>,
    ) -> Result<Option<Localised>, Error> {
        let (target_path, fragment) = match reference.split_once('#') {
            Some((path, fragment)) => (path, fragment),
            None => (reference, ""),
        };
        if target_path.is_empty() && file == 0 {
            return Ok(None);
        }
        let ref_pointer = format!("{pointer}/$ref");
        let at = |bundler: &Self| bundler.sources_so_far().place(&ref_pointer);
        let target = if target_path.is_empty() {
            file
        } else {
            if target_path.contains("://") || Path::new(target_path).is_absolute() {
                return Err(Error::UnresolvedRef {
                    at: at(self),
                    reference: reference.to_owned(),
                    reason: "only references relative to the file they are in are followed \
                             (`./other.yaml#/Name`), not URLs or absolute paths"
                        .to_owned(),
                });
            }
            match self.file_for(file, target_path) {
                Ok(target) => target,
                Err(Ok(reason)) => {
                    return Err(Error::UnresolvedRef {
                        at: at(self),
                        reference: reference.to_owned(),
                        reason,
                    });
                }
                Err(Err(error)) => return Err(error),
            }
        };
        // A reference back into the root file is a local one.
        if target == 0 {
            return Ok(Some(Localised::Reference(format!("#{fragment}"))));
        }
        if let Some(local) = self.copied.get(&(target, fragment.to_owned())) {
            return Ok(Some(Localised::Reference(local.clone())));
        }
        // Only the root (handled above) has no document kept here.
        let value = self.documents[target]
            .as_ref()
            .and_then(|other| yaml_pointer(other, fragment))
            .cloned();
        let Some(value) = value else {
            return Err(Error::UnresolvedRef {
                at: at(self),
                reference: reference.to_owned(),
                reason: format!(
                    "`{}` has nothing at `#{fragment}`",
                    self.files[target].label
                ),
            });
        };
        // A path item (the way to split a spec by tag) has no place in
        // `components` in OpenAPI 3.0: it is copied where the reference stands.
        if Slot::at(pointer) == Slot::PathItem {
            if let Some(holder) = yaml_pointer_mut(document, pointer) {
                *holder = value;
            }
            self.origins
                .push((pointer.to_owned(), target, fragment.to_owned()));
            pending.push((pointer.to_owned(), target));
            return Ok(Some(Localised::Inlined));
        }
        let Some(kind) = Slot::at(pointer).component_kind() else {
            return Err(Error::UnresolvedRef {
                at: at(self),
                reference: reference.to_owned(),
                reason: "a reference to another file is followed where a schema, response, \
                         parameter, request body or header stands, not here"
                    .to_owned(),
            });
        };
        let name = match fragment.rsplit('/').next().filter(|s| !s.is_empty()) {
            Some(last) => unescape(last).into_owned(),
            None => Path::new(&self.files[target].label)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        };
        let local_pointer = format!("/components/{kind}/{}", escape(&name));
        let local = format!("#{local_pointer}");
        if pointer == local_pointer {
            // `components.schemas.Problem: {$ref: './common.yaml#/Problem'}`:
            // the component becomes what it refers to.
            if let Some(holder) = yaml_pointer_mut(document, pointer) {
                *holder = value;
            }
            self.copied.insert((target, fragment.to_owned()), local);
            self.origins
                .push((local_pointer.clone(), target, fragment.to_owned()));
            pending.push((local_pointer, target));
            return Ok(Some(Localised::Inlined));
        }
        if yaml_pointer(document, &local_pointer).is_some() {
            let first = self.sources_so_far().place(&local_pointer);
            return Err(Error::Unsupported {
                at: at(self),
                location: format!("components.{kind}.{name}"),
                reason: format!(
                    "`{reference}` would be bundled as `#/components/{kind}/{name}`, which {first} \
                     already defines: rename one of them"
                ),
            });
        }
        let components = document
            .as_mapping_mut()
            .map(|root| entry(root, "components"));
        let Some(serde_yaml::Value::Mapping(components)) = components else {
            return Err(Error::Shape {
                at: self.sources_so_far().place("/components"),
                message: "`components` must be a mapping".to_owned(),
            });
        };
        let serde_yaml::Value::Mapping(kinds) = entry(components, kind) else {
            return Err(Error::Shape {
                at: self.sources_so_far().place(&format!("/components/{kind}")),
                message: format!("`components.{kind}` must be a mapping"),
            });
        };
        kinds.insert(name.into(), value);
        self.copied
            .insert((target, fragment.to_owned()), local.clone());
        self.origins
            .push((local_pointer.clone(), target, fragment.to_owned()));
        pending.push((local_pointer, target));
        Ok(Some(Localised::Reference(local)))
    }

    /// The index of the file `relative` names from `file`, reading it first
    /// if it was not read yet.
    ///
    /// Errors: `Err(Ok(reason))` when the file cannot be read (the caller
    /// names the reference), `Err(Err(error))` when it is read but is not a
    /// valid file (the error names that file's own place).
    fn file_for(&mut self, file: usize, relative: &str) -> Result<usize, Result<String, Error>> {
        let path = normalise(
            &self.paths[file]
                .parent()
                .unwrap_or(Path::new(""))
                .join(relative),
        );
        if let Some(index) = self.paths.iter().position(|p| *p == path) {
            return Ok(index);
        }
        let label_dir = Path::new(&self.files[file].label)
            .parent()
            .unwrap_or(Path::new(""))
            .to_owned();
        let label = normalise(&label_dir.join(relative))
            .to_string_lossy()
            .replace('\\', "/");
        let text = (self.read)(&path).map_err(|e| Ok(format!("cannot read `{label}`: {e}")))?;
        let yaml = self.parse_file(path, label, &text).map_err(Err)?;
        self.documents.push(Some(yaml));
        Ok(self.files.len() - 1)
    }
}

impl Sources {
    fn place_in(&self, file: usize, pointer: &str) -> Place {
        let source = &self.files[file];
        let mut probe = pointer;
        let (line, column) = loop {
            if let Some(position) = source.positions().get(probe) {
                break *position;
            }
            match probe.rfind('/') {
                Some(at) => probe = &probe[..at],
                None => break (0, 0),
            }
        };
        Place {
            file: source.label.clone(),
            line,
            column,
            pointer: pointer.to_owned(),
        }
    }
}

/// Every `$ref` string under `value`, with the pointer of the mapping holding it.
/// Examples, defaults and extensions are data: a `$ref` key in them is not a
/// reference ([`Slot::holds_data`]).
fn collect_references(
    value: &serde_yaml::Value,
    slot: Slot,
    at: &mut String,
    out: &mut Vec<(String, String)>,
) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            if let Some(serde_yaml::Value::String(reference)) = map.get("$ref") {
                out.push((at.clone(), reference.clone()));
            }
            for (key, child) in map {
                let key = key_string(key).unwrap_or_default();
                if slot.holds_data(&key) {
                    continue;
                }
                let len = at.len();
                at.push('/');
                at.push_str(&escape(&key));
                collect_references(child, slot.child(&key), at, out);
                at.truncate(len);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for (index, child) in items.iter().enumerate() {
                let len = at.len();
                let index = index.to_string();
                at.push('/');
                at.push_str(&index);
                collect_references(child, slot.child(&index), at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// A mapping key as the string a JSON pointer names it by (`200:` is `"200"`).
pub(crate) fn key_string(key: &serde_yaml::Value) -> Option<String> {
    match key {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::Bool(b) => Some(b.to_string()),
        serde_yaml::Value::Null => Some("null".to_owned()),
        _ => None,
    }
}

/// `value.pointer(pointer)` for YAML.
pub(crate) fn yaml_pointer<'a>(
    value: &'a serde_yaml::Value,
    pointer: &str,
) -> Option<&'a serde_yaml::Value> {
    let mut value = value;
    for segment in pointer.split('/').skip(1) {
        let segment = unescape(segment);
        value = match value {
            serde_yaml::Value::Mapping(map) => map
                .iter()
                .find(|(k, _)| key_string(k).as_deref() == Some(&*segment))
                .map(|(_, v)| v)?,
            serde_yaml::Value::Sequence(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// `value.pointer_mut(pointer)` for YAML.
fn yaml_pointer_mut<'a>(
    value: &'a mut serde_yaml::Value,
    pointer: &str,
) -> Option<&'a mut serde_yaml::Value> {
    let mut value = value;
    for segment in pointer.split('/').skip(1) {
        let segment = unescape(segment);
        value = match value {
            serde_yaml::Value::Mapping(map) => map
                .iter_mut()
                .find(|(k, _)| key_string(k).as_deref() == Some(&*segment))
                .map(|(_, v)| v)?,
            serde_yaml::Value::Sequence(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The value under `key`, inserted as an empty mapping when absent.
fn entry<'a>(map: &'a mut serde_yaml::Mapping, key: &str) -> &'a mut serde_yaml::Value {
    if !map.contains_key(key) {
        map.insert(
            key.into(),
            serde_yaml::Value::Mapping(serde_yaml::Mapping::new()),
        );
    }
    map.get_mut(key).expect("inserted above")
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// YAML to JSON: mapping keys become strings (`200:` is `"200"`); a key that
/// is a mapping or a list, or a tagged value, is refused with its pointer.
fn to_json(yaml: &serde_yaml::Value, at: &mut Vec<String>) -> Result<Value, (String, String)> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        (
                            pointer(at),
                            format!("the number {n} has no JSON equivalent"),
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                at.push(index.to_string());
                out.push(to_json(item, at)?);
                at.pop();
            }
            Value::Array(out)
        }
        Y::Mapping(mapping) => {
            let mut out = Map::new();
            for (key, value) in mapping {
                let Some(key) = key_string(key) else {
                    return Err((
                        pointer(at),
                        "a mapping key must be a plain value, not a mapping or a list".to_owned(),
                    ));
                };
                at.push(key);
                let value = to_json(value, at)?;
                let key = at.pop().unwrap_or_default();
                out.insert(key, value);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            return Err((
                pointer(at),
                format!("the YAML tag `{}` is not supported in a spec", tagged.tag),
            ));
        }
    })
}

/// The line and column of every key and sequence item of `text`, by JSON
/// pointer. Empty when the text does not scan (serde_yaml reports the error).
pub(crate) fn positions(text: &str) -> HashMap<String, (usize, usize)> {
    let mut indexer = Indexer::default();
    let mut parser = yaml_rust2::parser::Parser::new_from_str(text);
    if parser.load(&mut indexer, false).is_err() {
        return HashMap::new();
    }
    indexer.positions
}

#[derive(Default)]
struct Indexer {
    path: Vec<String>,
    frames: Vec<Frame>,
    positions: HashMap<String, (usize, usize)>,
    done: bool,
}

enum Frame {
    /// `key` is the key whose value comes next; `in_key` while a mapping or
    /// list is itself a key.
    Map {
        key: Option<String>,
        in_key: bool,
    },
    Seq {
        next: usize,
    },
}

impl yaml_rust2::parser::MarkedEventReceiver for Indexer {
    fn on_event(&mut self, event: yaml_rust2::Event, mark: yaml_rust2::scanner::Marker) {
        use yaml_rust2::Event;
        if self.done {
            return;
        }
        match event {
            Event::Scalar(value, ..) => self.node(Some(value), mark, false),
            Event::Alias(_) => self.node(None, mark, false),
            Event::MappingStart(..) => {
                self.node(None, mark, true);
                self.frames.push(Frame::Map {
                    key: None,
                    in_key: false,
                });
            }
            Event::SequenceStart(..) => {
                self.node(None, mark, true);
                self.frames.push(Frame::Seq { next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.frames.pop();
                match self.frames.last_mut() {
                    None => {}
                    Some(Frame::Map {
                        in_key: in_key @ true,
                        ..
                    }) => {
                        *in_key = false;
                        self.path.pop();
                    }
                    Some(Frame::Map { key, .. }) => {
                        *key = None;
                        self.path.pop();
                    }
                    Some(Frame::Seq { next }) => {
                        *next += 1;
                        self.path.pop();
                    }
                }
            }
            // Only the first document of a stream is the spec.
            Event::DocumentEnd => self.done = true,
            _ => {}
        }
    }
}

impl Indexer {
    fn record(&mut self, segment: &str, mark: yaml_rust2::scanner::Marker) {
        let mut pointer = pointer(&self.path);
        pointer.push('/');
        pointer.push_str(&escape(segment));
        self.positions
            .entry(pointer)
            .or_insert((mark.line(), mark.col() + 1));
    }

    fn node(&mut self, scalar: Option<String>, mark: yaml_rust2::scanner::Marker, container: bool) {
        let Some(frame) = self.frames.last_mut() else {
            // The document itself: its start.
            self.positions.entry(String::new()).or_insert((1, 1));
            return;
        };
        match frame {
            Frame::Map {
                key: key @ None,
                in_key,
            } => {
                let name = scalar.unwrap_or_default();
                *key = Some(name.clone());
                if container {
                    *in_key = true;
                    self.path.push(name);
                } else {
                    self.record(&name, mark);
                }
            }
            Frame::Map { key, .. } if container => {
                let name = key.clone().unwrap_or_default();
                self.path.push(name);
            }
            Frame::Map { key, .. } => *key = None,
            Frame::Seq { next } => {
                let index = next.to_string();
                if !container {
                    *next += 1;
                }
                self.record(&index, mark);
                if container {
                    self.path.push(index);
                }
            }
        }
    }
}
