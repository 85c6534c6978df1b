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
        let Ok(entry) = entry else { continue };
        // Symlinks are not followed into directories (no loops), but a symlinked template is
        // linted, and a dangling or looping one is reported when it cannot be read.
        let is_file = entry.file_type().is_some_and(|t| t.is_file() || t.is_symlink());
        if is_file && has_template_extension(entry.path()) {
            out.push(Candidate { path: entry.path().to_path_buf(), explicit: false });
        }
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
    // A UTF-16 file cannot be sniffed byte-wise; let the loader say what it is.
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let hay = &bytes[..bytes.len().min(4 * 1024 * 1024)];
    contains(hay, b"AWSTemplateFormatVersion") || contains(hay, b"Resources")
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
    }

    #[test]
    fn extensions() {
        assert!(has_template_extension(Path::new("a/b.YAML")));
        assert!(has_template_extension(Path::new("x.template")));
        assert!(!has_template_extension(Path::new("x.txt")));
    }
}
