//! Which files a run lints: explicit files always; directories walked honouring `.gitignore`.

use std::path::{Path, PathBuf};

/// Extensions a walked directory contributes. Explicit file arguments are linted whatever
/// their name.
const TEMPLATE_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "template"];

/// A file to lint. `explicit` files are linted even if they do not look like CloudFormation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    pub explicit: bool,
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
            out.push(Candidate { path: path.clone(), explicit: true });
            continue;
        }
        walk(path, &mut out);
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

fn walk(root: &Path, out: &mut Vec<Candidate>) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            // An entry that cannot be walked (a name longer than the system allows, a directory
            // that cannot be read) is linted as an explicit file, so reading it reports why.
            Err(error) => {
                if let Some(path) = error_path(&error) {
                    out.push(Candidate { path, explicit: true });
                }
                continue;
            }
        };
        // Symlinks are not followed into directories (no loops), but a symlinked template is
        // linted, and a dangling or looping one is reported when it cannot be read.
        let is_file = entry.file_type().is_some_and(|t| t.is_file() || t.is_symlink());
        if is_file && has_template_extension(entry.path()) {
            out.push(Candidate { path: entry.path().to_path_buf(), explicit: false });
        }
    }
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

/// Cheap sniff for walked files: a CloudFormation template names `AWSTemplateFormatVersion` or has
/// a `Resources` section. Package manifests, tsconfig files and the like are skipped.
pub fn looks_like_cloudformation(bytes: &[u8]) -> bool {
    // A UTF-16 file cannot be sniffed byte-wise; let the loader say what it is. Without a
    // byte-order mark, ASCII text in UTF-16 has a NUL in every other byte.
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || looks_like_utf16(bytes) {
        return true;
    }
    let hay = &bytes[..bytes.len().min(4 * 1024 * 1024)];
    contains(hay, b"AWSTemplateFormatVersion") || contains(hay, b"Resources")
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
    fn extensions() {
        assert!(has_template_extension(Path::new("a/b.YAML")));
        assert!(has_template_extension(Path::new("x.template")));
        assert!(!has_template_extension(Path::new("x.txt")));
    }
}
