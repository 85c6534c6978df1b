//! The templates of the workspace that are not open, read only when an open document needs one:
//! an `Fn::ImportValue` no open template exports, or a nested stack whose local template is not
//! open. Imports are looked up among the workspace's templates (the CLI's gitignore-aware walk,
//! with the configuration's excludes, capped); a nested stack's template is read from its path.
//! Open buffers always win over the disk copy of their file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diagnostic::FileId;
use crate::lint::Options;
use crate::source::load::load_bytes;
use crate::template::{Template, eval_names_match};

/// At most this many workspace templates are considered, in path order.
pub const MAX_FILES: usize = 500;
/// At most this many bytes of workspace templates are read, in all.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Rounds of "add what the added templates need" (an exporter that imports in turn, a nested
/// stack with its own children).
const ROUNDS: usize = 4;

/// What a template links to and offers, from its text.
#[derive(Clone, Debug, Default)]
struct Links {
    imports: Vec<String>,
    exports: Vec<String>,
    nested: Vec<PathBuf>,
    /// Functions its rotation schedules name by literal ARN and it does not define.
    arn_names: Vec<String>,
}

#[derive(Default)]
pub struct Workspace {
    /// The workspace folder; without one nothing beyond the open documents is read.
    root: Option<PathBuf>,
    /// The walk's templates (the first [`MAX_FILES`]), once an import needed it.
    walked: Option<Vec<PathBuf>>,
    /// Disk texts read so far (`None`: unreadable or over the budget).
    disk: BTreeMap<PathBuf, Option<Arc<str>>>,
    bytes_read: usize,
    /// Links by path, kept while the text is the same allocation.
    links: BTreeMap<PathBuf, (Arc<str>, Links)>,
}

impl Workspace {
    pub fn new(root: Option<PathBuf>) -> Workspace {
        Workspace { root, ..Workspace::default() }
    }

    /// Forget everything read from disk (the configuration changed: excludes may differ).
    pub fn reset(&mut self) {
        *self = Workspace::new(self.root.take());
    }

    /// A file changed on disk (or its buffer closed): read it again when next needed.
    pub fn forget(&mut self, path: &Path) {
        if let Some(Some(text)) = self.disk.remove(path) {
            self.bytes_read = self.bytes_read.saturating_sub(text.len());
        }
    }

    /// The templates from disk the open `sources` need, by path; never one that is open.
    pub fn peers(&mut self, sources: &[(PathBuf, Arc<str>)], options: &Options) -> Vec<(PathBuf, Arc<str>)> {
        let Some(root) = self.root.clone() else { return Vec::new() };
        let mut world: BTreeMap<PathBuf, Arc<str>> = sources.iter().cloned().collect();
        let mut added: BTreeSet<PathBuf> = BTreeSet::new();
        for _ in 0..ROUNDS {
            let links: Vec<(PathBuf, Links)> =
                world.iter().map(|(p, t)| (p.clone(), self.links_of(p, t, options))).collect();
            let mut wanted: Vec<PathBuf> = Vec::new();
            for (_, l) in &links {
                for child in &l.nested {
                    if !world.contains_key(child) && child.starts_with(&root) && !options.config.excludes(child) {
                        wanted.push(child.clone());
                    }
                }
            }
            let resolved = |path: &PathBuf, import: &str| {
                links.iter().any(|(other, o)| other != path && o.exports.iter().any(|e| eval_names_match(e, import)))
            };
            let unresolved: Vec<&str> = links
                .iter()
                .flat_map(|(path, l)| l.imports.iter().filter(|i| !resolved(path, i)).map(String::as_str))
                .collect();
            if !unresolved.is_empty() {
                for candidate in self.walk(&root, options) {
                    if world.contains_key(&candidate) || wanted.contains(&candidate) {
                        continue;
                    }
                    let Some(text) = self.read(&candidate) else { continue };
                    // Only a template that exports can resolve an import: skip parsing the rest.
                    if memchr::memmem::find(text.as_bytes(), b"Export").is_none() {
                        continue;
                    }
                    let exports = self.links_of(&candidate, &text, options).exports;
                    if unresolved.iter().any(|i| exports.iter().any(|e| eval_names_match(e, i))) {
                        wanted.push(candidate);
                    }
                }
            }
            let mut grew = false;
            for path in wanted {
                if let Some(text) = self.read(&path) {
                    world.insert(path.clone(), text);
                    added.insert(path);
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        added.into_iter().filter_map(|p| world.remove_entry(&p)).collect()
    }

    /// The linked groups of `world` (the open documents and their peers, as linted): indices
    /// into it, each group sorted, groups in order of their first index. Two sources are in one
    /// group when one's verdicts may depend on the other's text, as the engine links a run's
    /// files: an import matching an export (every matching export, so an ambiguous import
    /// stays with all its candidates), a nested stack's template path naming the other (by
    /// path as written, or the same file on disk), a schedule naming a function by literal ARN
    /// and a template whose text names that function, or one path given twice. Linting a
    /// group alone gives each of its files the findings the whole world gives it. Parameter
    /// values given to the engine are checked across the run: then everything is one group.
    pub fn groups(&mut self, world: &[(PathBuf, Arc<str>)], options: &Options) -> Vec<Vec<usize>> {
        let n = world.len();
        if !options.parameters.is_empty() {
            return if n == 0 { Vec::new() } else { vec![(0..n).collect()] };
        }
        let mut parent: Vec<usize> = (0..n).collect();
        fn find(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        // The smaller index is the root: a group's root is its first source.
        fn union(parent: &mut [usize], a: usize, b: usize) {
            let (ra, rb) = (find(parent, a), find(parent, b));
            if ra != rb {
                parent[ra.max(rb)] = ra.min(rb);
            }
        }
        let links: Vec<Links> = world.iter().map(|(p, t)| self.links_of(p, t, options)).collect();
        // Paths as written (lexically normalised) and as on disk.
        let mut by_path: BTreeMap<PathBuf, usize> = BTreeMap::new();
        for (i, (path, _)) in world.iter().enumerate() {
            let mut keys = vec![crate::lint::lexical_path(path)];
            keys.extend(std::fs::canonicalize(path).ok());
            for key in keys {
                match by_path.get(&key) {
                    Some(&j) => union(&mut parent, i, j),
                    None => {
                        by_path.insert(key, i);
                    }
                }
            }
        }
        for (i, l) in links.iter().enumerate() {
            for child in &l.nested {
                let mut keys = vec![crate::lint::lexical_path(child)];
                keys.extend(std::fs::canonicalize(child).ok());
                for key in keys {
                    if let Some(&j) = by_path.get(&key) {
                        union(&mut parent, i, j);
                    }
                }
            }
        }
        let exports = crate::world::NameIndex::new(
            links.iter().enumerate().flat_map(|(i, l)| l.exports.iter().map(move |e| (i, e.clone()))).collect(),
        );
        let exporters: Vec<usize> =
            links.iter().enumerate().flat_map(|(i, l)| l.exports.iter().map(move |_| i)).collect();
        for (i, l) in links.iter().enumerate() {
            for import in &l.imports {
                let hits: Vec<usize> = exports.matching(i, import).collect();
                for hit in hits {
                    union(&mut parent, i, exporters[hit]);
                }
            }
        }
        for (i, l) in links.iter().enumerate() {
            for name in &l.arn_names {
                for (j, (_, text)) in world.iter().enumerate() {
                    let bytes = text.as_bytes();
                    let found = |word: &[u8]| memchr::memmem::find(bytes, word).is_some();
                    if j != i && found(b"unctionName") && found(name.as_bytes()) {
                        union(&mut parent, i, j);
                    }
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..n {
            let root = find(&mut parent, i);
            groups.entry(root).or_default().push(i);
        }
        groups.into_values().collect()
    }

    /// The walk's templates under the root, excludes applied, at most [`MAX_FILES`].
    fn walk(&mut self, root: &Path, options: &Options) -> Vec<PathBuf> {
        self.walked
            .get_or_insert_with(|| crate::discover::walk_limited(root, MAX_FILES, |p| options.config.excludes(p)))
            .clone()
    }

    fn read(&mut self, path: &Path) -> Option<Arc<str>> {
        if let Some(known) = self.disk.get(path) {
            return known.clone();
        }
        let text = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file() && self.bytes_read.saturating_add(m.len() as usize) <= MAX_BYTES)
            .and_then(|_| std::fs::read(path).ok())
            .filter(|bytes| self.bytes_read.saturating_add(bytes.len()) <= MAX_BYTES)
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(Arc::<str>::from);
        if let Some(t) = &text {
            self.bytes_read += t.len();
        }
        self.disk.insert(path.to_path_buf(), text.clone());
        text
    }

    fn links_of(&mut self, path: &Path, text: &Arc<str>, options: &Options) -> Links {
        if let Some((seen, links)) = self.links.get(path)
            && Arc::ptr_eq(seen, text)
        {
            return links.clone();
        }
        let links = links(path, text, options);
        self.links.insert(path.to_path_buf(), (Arc::clone(text), links.clone()));
        links
    }
}

/// Imports, exports and local nested stacks of a template; nothing for text that mentions none
/// (no parse).
fn links(path: &Path, text: &str, options: &Options) -> Links {
    let bytes = text.as_bytes();
    let has = |word: &[u8]| memchr::memmem::find(bytes, word).is_some();
    // As the engine's first pass marks a file that may name its rotation function by ARN.
    let literal_arn = has(b"RotationLambdaARN") && has(b":function:");
    if !has(b"ImportValue") && !has(b"Export") && !has(b"TemplateURL") && !has(b"Location") && !literal_arn {
        return Links::default();
    }
    let loaded = load_bytes(FileId(0), path, bytes, &options.limits);
    let template = Template::from_tree(FileId(0), loaded.tree);
    let arn_names = if literal_arn {
        let ev = crate::template::Evaluator::new(&template);
        crate::rotation::literal_external_names(&crate::rotation::discover(&ev))
    } else {
        Vec::new()
    };
    Links {
        imports: crate::world::import_patterns(&template),
        exports: crate::world::exports_of(0, &template).into_iter().map(|e| e.pattern).collect(),
        nested: crate::world::nested_stacks(&template, path)
            .into_iter()
            .map(|n| crate::lint::lexical_path(&n.path))
            .collect(),
        arn_names,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk stops at its cap, in path order, after the skipped files are left out; an
    /// ignored directory is not walked.
    #[test]
    fn the_walk_is_capped_and_honours_skips_and_gitignore() {
        let dir = std::env::temp_dir().join(format!("rotlint-lsp-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("ignored")).expect("dir");
        for name in ["a.yaml", "b.json", "c.yaml", "d.txt", "ignored/e.yaml"] {
            std::fs::write(dir.join(name), "Resources: {}\n").expect("write");
        }
        std::fs::write(dir.join(".gitignore"), "ignored/\n").expect("write");
        let names = |paths: Vec<PathBuf>| -> Vec<String> {
            paths.iter().map(|p| p.strip_prefix(&dir).expect("inside").display().to_string()).collect()
        };
        assert_eq!(names(crate::discover::walk_limited(&dir, 10, |_| false)), ["a.yaml", "b.json", "c.yaml"]);
        assert_eq!(names(crate::discover::walk_limited(&dir, 2, |_| false)), ["a.yaml", "b.json"]);
        let skip_b = |p: &Path| p.ends_with("b.json");
        assert_eq!(names(crate::discover::walk_limited(&dir, 2, skip_b)), ["a.yaml", "c.yaml"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn lexical_paths_drop_dot_parts() {
        assert_eq!(crate::lint::lexical_path(Path::new("/w/a/./b/../c.yaml")), PathBuf::from("/w/a/c.yaml"));
    }
}
