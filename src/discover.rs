//! Which files a run lints: explicit files always; directories walked honouring `.gitignore`.

use std::path::{Path, PathBuf};

/// Extensions a walked directory contributes. Explicit file arguments are linted whatever
/// their name.
const TEMPLATE_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "template", "cform"];

/// The extensions as users read them, for messages.
pub const TEMPLATE_EXTENSIONS_TEXT: &str = "`.yaml`, `.yml`, `.json`, `.template` or `.cform`";

/// A file to lint. `explicit` files are linted even if they do not look like CloudFormation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    pub explicit: bool,
    /// The template read from standard input (`-`); `path` is its `--stdin-filename`.
    pub stdin: bool,
}

/// A path argument that does not exist or a directory that could not be walked.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{path}: no such file or directory")]
    Missing { path: PathBuf },
}

/// Expand the command-line paths into a sorted, de-duplicated list of candidates.
/// Walk errors inside a directory (unreadable entries, symlink loops) are returned as
/// candidates too, so the read step reports them against their path instead of losing them.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Candidate>, DiscoverError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|_| DiscoverError::Missing { path: path.clone() })?;
        if !meta.is_dir() {
            out.push(Candidate { path: path.clone(), explicit: true, stdin: false });
            continue;
        }
        walk(path, &mut out);
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

/// The walk of a directory: `.gitignore` (and `.ignore`, git's exclude file) honoured, hidden
/// entries skipped, symlinked directories not followed, in path order.
fn walker(root: &Path) -> ignore::Walk {
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build()
}

/// The templates a directory walk of [`discover`] finds under `root`, in walk order, without
/// those `skip` rejects, at most `limit`: the walk stops there (the language server's look at a
/// workspace, which may be large). Entries that cannot be walked are left out.
pub fn walk_limited(root: &Path, limit: usize, skip: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    walker(root)
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file() || t.is_symlink()) && has_template_extension(e.path()))
        .map(ignore::DirEntry::into_path)
        .filter(|p| !skip(p))
        .take(limit)
        .collect()
}

fn walk(root: &Path, out: &mut Vec<Candidate>) {
    for entry in walker(root) {
        let entry = match entry {
            Ok(entry) => entry,
            // An entry that cannot be walked (a name longer than the system allows, a directory
            // that cannot be read) is linted as an explicit file, so reading it reports why.
            Err(error) => {
                if let Some(path) = error_path(&error) {
                    out.push(Candidate { path, explicit: true, stdin: false });
                }
                continue;
            }
        };
        // Symlinks are not followed into directories (no loops), but a symlinked template is
        // linted, and a dangling or looping one is reported when it cannot be read.
        let is_file = entry.file_type().is_some_and(|t| t.is_file() || t.is_symlink());
        if is_file && has_template_extension(entry.path()) {
            out.push(Candidate { path: entry.path().to_path_buf(), explicit: false, stdin: false });
        }
    }
}

/// Files with a template extension under the directories of `paths` that the walk leaves out
/// because a `.gitignore` (or `.ignore`, or git's exclude file) ignores them, in path order, at
/// most `limit` of them. Only for explaining a run that found nothing: it walks again.
pub fn ignored_templates(paths: &[PathBuf], limit: usize) -> Vec<PathBuf> {
    let mut walked = Vec::new();
    let mut everything = Vec::new();
    for dir in paths.iter().filter(|p| p.is_dir()) {
        walk(dir, &mut walked);
        let walker = ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .hidden(true)
            .follow_links(false)
            .sort_by_file_path(|a, b| a.cmp(b))
            .build();
        // Bounded: a git-ignored `node_modules` can hold hundreds of thousands of files.
        for entry in walker.flatten().take(200_000) {
            if entry.file_type().is_some_and(|t| t.is_file()) && has_template_extension(entry.path()) {
                everything.push(entry.into_path());
            }
        }
    }
    let walked: std::collections::BTreeSet<PathBuf> = walked.into_iter().map(|c| c.path).collect();
    everything.into_iter().filter(|p| !walked.contains(p)).take(limit).collect()
}

/// The path a walk error is about, when it names one.
fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => error_path(err),
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

fn has_template_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| TEMPLATE_EXTENSIONS.iter().any(|t| t.eq_ignore_ascii_case(e)))
}

/// Cheap sniff for walked files (and, with `--only-templates`, named ones): a CloudFormation
/// template has a top-level `AWSTemplateFormatVersion` or `Resources` key. Package manifests,
/// tsconfig files, docker-compose files and an `mkdocs.yml` whose `nav` has a `Resources:` entry
/// are skipped. One pass over at most the first 4 MiB, no parsing.
pub fn looks_like_cloudformation(bytes: &[u8]) -> bool {
    // A UTF-16 file cannot be sniffed byte-wise; let the loader say what it is. Without a
    // byte-order mark, ASCII text in UTF-16 has a NUL in every other byte.
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || looks_like_utf16(bytes) {
        return true;
    }
    let hay = &bytes[..bytes.len().min(4 * 1024 * 1024)];
    let hay = hay.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(hay);
    if !contains(hay, b"AWSTemplateFormatVersion") && !contains(hay, b"Resources") {
        return false;
    }
    match first_significant_line(hay) {
        Some((_, b'{')) => top_level_key_in_flow(hay),
        Some((indent, _)) => top_level_key_in_block(hay, indent),
        None => false,
    }
}

const TOP_LEVEL_KEYS: &[&[u8]] = &[b"AWSTemplateFormatVersion", b"Resources"];

/// The indentation and first byte of the first line that is not blank, a YAML comment, a
/// directive or a `---` document marker: the root of the document.
fn first_significant_line(hay: &[u8]) -> Option<(usize, u8)> {
    for line in hay.split(|&b| b == b'\n') {
        let line = line.strip_prefix(b"--- ").unwrap_or(line);
        let trimmed = line.trim_ascii();
        if trimmed.is_empty() || trimmed.starts_with(b"#") || trimmed.starts_with(b"%") || trimmed == b"---" {
            continue;
        }
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        return Some((indent, trimmed[0]));
    }
    None
}

/// YAML block style: a line at the root's indentation (usually none) that starts with one of
/// the keys (bare or quoted) and a `:`.
fn top_level_key_in_block(hay: &[u8], indent: usize) -> bool {
    hay.split(|&b| b == b'\n').any(|line| {
        let line = line.strip_prefix(b"--- ").unwrap_or(line);
        let Some(line) = line.get(indent..).filter(|_| line[..indent].iter().all(|&b| b == b' ')) else {
            return false;
        };
        let (quote, rest) = match line.first() {
            Some(&q @ (b'"' | b'\'')) => (Some(q), &line[1..]),
            _ => (None, line),
        };
        TOP_LEVEL_KEYS.iter().any(|key| {
            let Some(after) = rest.strip_prefix(*key) else { return false };
            let after = match quote {
                Some(q) => match after.strip_prefix(&[q]) {
                    Some(a) => a,
                    None => return false,
                },
                None => after,
            };
            after.trim_ascii_start().starts_with(b":")
        })
    })
}

/// JSON (or a YAML flow mapping): one of the keys, quoted or bare, directly inside the outermost
/// `{`. Strings are skipped so a key inside a value or a nested object does not count.
fn top_level_key_in_flow(hay: &[u8]) -> bool {
    let mut depth = 0usize;
    let mut i = 0;
    // Where the current depth-1 key candidate may start: after `{` or `,` at depth 1.
    let mut expect_key = false;
    while i < hay.len() {
        let b = hay[i];
        match b {
            b'"' | b'\'' => {
                let end = string_end(hay, i);
                if depth == 1 && expect_key && is_key(&hay[i + 1..end.saturating_sub(1).max(i + 1)], &hay[end..]) {
                    return true;
                }
                expect_key = false;
                i = end;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                expect_key = depth == 1 && b == b'{';
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                expect_key = false;
            }
            b',' => expect_key = depth == 1,
            b if b.is_ascii_whitespace() => {}
            _ => {
                if depth == 1 && expect_key {
                    let rest = &hay[i..];
                    let word = rest.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
                    if is_key(&rest[..word], &rest[word..]) {
                        return true;
                    }
                }
                expect_key = false;
            }
        }
        i += 1;
    }
    false
}

/// Index just past the string opened at `start` (a backslash escapes in `"` strings, `''` is a
/// quote in `'` strings).
fn string_end(hay: &[u8], start: usize) -> usize {
    let quote = hay[start];
    let mut i = start + 1;
    while i < hay.len() {
        match hay[i] {
            b'\\' if quote == b'"' => i += 2,
            q if q == quote => {
                if quote == b'\'' && hay.get(i + 1) == Some(&b'\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    hay.len()
}

fn is_key(word: &[u8], after: &[u8]) -> bool {
    TOP_LEVEL_KEYS.contains(&word) && after.trim_ascii_start().starts_with(b":")
}

/// The first bytes alternate NUL and ASCII, as UTF-16 text of a template does.
pub(crate) fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64) & !1];
    head.len() >= 8
        && (head.chunks(2).all(|p| p[0] == 0 && p[1] != 0 && p[1].is_ascii())
            || head.chunks(2).all(|p| p[1] == 0 && p[0] != 0 && p[0].is_ascii()))
}

pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff() {
        assert!(looks_like_cloudformation(b"AWSTemplateFormatVersion: '2010-09-09'"));
        assert!(looks_like_cloudformation(b"{\"Resources\": {}}"));
        assert!(!looks_like_cloudformation(b"{\"name\": \"pkg\", \"version\": \"1.0.0\"}"));
        assert!(looks_like_cloudformation(b"\xFF\xFEx\x00"));
        let utf16le: Vec<u8> = "Resources: {}".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let utf16be: Vec<u8> = "Resources: {}".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(looks_like_cloudformation(&utf16le) && looks_like_cloudformation(&utf16be));
        assert!(!looks_like_cloudformation(b"a\x00b\x00c"));
    }

    #[test]
    fn sniff_wants_a_top_level_key() {
        let mkdocs = b"site_name: x\nmarkdown_extensions:\n  - toc\nextra: !ENV [HOME]\nnav:\n  - Home: index.md\n  - Resources: resources.md\n";
        assert!(!looks_like_cloudformation(mkdocs));
        assert!(!looks_like_cloudformation(b"# Resources: x\nkey: 1\n"));
        assert!(!looks_like_cloudformation(b"Resources_extra: 1\n"));
        // A root mapping indented as a whole is still the root.
        assert!(looks_like_cloudformation(
            b"---\n\n  # c\n  AWSTemplateFormatVersion: 2010-09-09\n  Resources:\n    A: {}\n"
        ));
        assert!(!looks_like_cloudformation(b"  nav:\n    - Resources: r.md\n"));
        assert!(looks_like_cloudformation(b"# comment\n---\nResources:\n  A: {Type: X}\n"));
        assert!(looks_like_cloudformation(b"\"Resources\" :\n  A: {}\n"));
        assert!(looks_like_cloudformation(b"'AWSTemplateFormatVersion': '2010-09-09'\r\n"));
        assert!(looks_like_cloudformation(b"\xEF\xBB\xBFResources: {}\n"));
        // JSON: only a key of the outermost object counts.
        assert!(looks_like_cloudformation(
            b"{\n  \"Description\": \"a {\\\"Resources\\\": 1}\",\n  \"Resources\": {}\n}"
        ));
        assert!(!looks_like_cloudformation(b"{\"a\": {\"Resources\": {}}, \"b\": \"Resources\"}"));
        assert!(!looks_like_cloudformation(b"{\"list\": [\"Resources\", 1]}"));
        assert!(looks_like_cloudformation(b"{Resources: {A: {Type: X}}}"));
        assert!(looks_like_cloudformation(b"{\"x\": [1, {\"y\": 2}], \"AWSTemplateFormatVersion\": \"2010-09-09\"}"));
    }

    #[test]
    fn extensions() {
        assert!(has_template_extension(Path::new("a/b.YAML")));
        assert!(has_template_extension(Path::new("x.template")));
        assert!(has_template_extension(Path::new("x.cform")));
        assert!(has_template_extension(Path::new("App.template.json")));
        assert!(!has_template_extension(Path::new("x.txt")));
    }
}
