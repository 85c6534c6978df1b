//! Finding and reading Guard rule files, safely: a rule path may come from a repository's
//! `.rotlint.toml`, which anyone who opens a pull request can write.
//!
//! - Paths from a config must resolve (symlinks followed) to inside the config's directory, so a
//!   config cannot name `/proc/self/environ` or `/etc/shadow`. Paths from the command line may
//!   point anywhere.
//! - Only regular files are read (a FIFO or `/dev/zero` is refused before it is opened), at most
//!   [`MAX_FILE_BYTES`] each, whatever the file system claims their size is.
//! - Directories are walked once each by canonical path, never into a symlink that leaves the
//!   directory given, and at most [`MAX_ENTRIES`] entries in all, so symlink loops and `/proc`
//!   cost little.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::GuardError;

/// Extensions cfn-guard itself accepts for rule files.
pub const EXTENSIONS: &[&str] = &["guard", "ruleset"];

/// Largest rule file read (the AWS Guard rules registry's largest is under 40 KiB).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Directory entries looked at below one `--guard-rules` directory.
pub const MAX_ENTRIES: usize = 100_000;

/// Directory levels searched below a `--guard-rules` directory.
const MAX_DIR_DEPTH: usize = 16;

/// A rule file or directory, and where it was named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulePath {
    pub path: PathBuf,
    /// `Some(dir)` when it comes from the config in `dir`: it must stay inside `dir`.
    pub confined_to: Option<PathBuf>,
}

impl RulePath {
    /// A path given on the command line.
    pub fn given(path: impl Into<PathBuf>) -> RulePath {
        RulePath { path: path.into(), confined_to: None }
    }

    /// A path from the config file in `dir`.
    pub fn from_config(path: impl Into<PathBuf>, dir: impl Into<PathBuf>) -> RulePath {
        RulePath { path: path.into(), confined_to: Some(dir.into()) }
    }
}

/// The rule files of one rule path: the file itself, or those under a directory, sorted.
pub fn rule_files(rule_path: &RulePath) -> Result<Vec<PathBuf>, GuardError> {
    let path = &rule_path.path;
    let meta = std::fs::metadata(path).map_err(|e| read_error(path, e))?;
    let root = match &rule_path.confined_to {
        Some(dir) => Some(confined(path, dir)?),
        None => None,
    };
    if !meta.is_dir() {
        regular(path, &meta)?;
        return Ok(vec![path.clone()]);
    }
    let start = std::fs::canonicalize(path).map_err(|e| read_error(path, e))?;
    let mut found = Vec::new();
    let mut seen = BTreeSet::from([start.clone()]);
    let mut dirs = vec![(path.clone(), 0usize)];
    let mut entries_seen = 0usize;
    while let Some((dir, depth)) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| read_error(&dir, e))?;
        for entry in entries {
            entries_seen += 1;
            if entries_seen > MAX_ENTRIES {
                return Err(GuardError::TooManyEntries { path: path.clone(), limit: MAX_ENTRIES });
            }
            let entry = entry.map_err(|e| read_error(&dir, e))?;
            let p = entry.path();
            let Ok(kind) = entry.file_type() else { continue };
            // `metadata` follows a symlink; a dangling one is skipped like cfn-guard does.
            let Ok(meta) = (if kind.is_symlink() { std::fs::metadata(&p) } else { entry.metadata() }) else {
                continue;
            };
            if meta.is_dir() {
                if depth >= MAX_DIR_DEPTH {
                    continue;
                }
                // Each directory once, and none outside the one given: stops symlink loops and
                // `/proc/self/root`-style links to the whole file system.
                let Ok(canonical) = std::fs::canonicalize(&p) else { continue };
                if canonical.starts_with(&start) && seen.insert(canonical) {
                    dirs.push((p, depth + 1));
                }
            } else if has_rule_extension(&p) {
                regular(&p, &meta)?;
                if let Some(dir) = &root {
                    confined(&p, dir)?;
                }
                found.push(p);
            }
        }
    }
    found.sort();
    if found.is_empty() {
        return Err(GuardError::NoRuleFiles { path: path.clone() });
    }
    Ok(found)
}

/// A rule file's text: regular files only, at most [`MAX_FILE_BYTES`], UTF-8.
pub fn read(path: &Path) -> Result<String, GuardError> {
    let meta = std::fs::metadata(path).map_err(|e| read_error(path, e))?;
    regular(path, &meta)?;
    let file = std::fs::File::open(path).map_err(|e| read_error(path, e))?;
    // The opened file is checked again: the path may have been swapped since `metadata`.
    regular(path, &file.metadata().map_err(|e| read_error(path, e))?)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| read_error(path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(GuardError::TooLarge { path: path.to_path_buf(), limit: MAX_FILE_BYTES });
    }
    String::from_utf8(bytes).map_err(|_| GuardError::NotText { path: path.to_path_buf() })
}

pub fn has_rule_extension(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| EXTENSIONS.contains(&e))
}

/// Does `text` of `path` look like a Guard rule file, so that an excerpt of it may be shown in
/// an error message? Its name says so, and it is plain text.
pub fn looks_like_guard(path: &Path, text: &str) -> bool {
    has_rule_extension(path) && !text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

fn regular(path: &Path, meta: &std::fs::Metadata) -> Result<(), GuardError> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = if meta.is_dir() { "a directory" } else { "not a regular file" };
    Err(GuardError::NotRegular { path: path.to_path_buf(), kind })
}

/// The canonical `dir` when `path` resolves to inside it.
fn confined(path: &Path, dir: &Path) -> Result<PathBuf, GuardError> {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let outside = || GuardError::OutsideConfig { path: path.to_path_buf(), dir: dir.to_path_buf() };
    let root = std::fs::canonicalize(dir).map_err(|_| outside())?;
    let target = std::fs::canonicalize(path).map_err(|_| outside())?;
    if target.starts_with(&root) { Ok(root) } else { Err(outside()) }
}

fn read_error(path: &Path, source: std::io::Error) -> GuardError {
    GuardError::Read { path: path.to_path_buf(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_looking_files_are_named_guard_and_plain_text() {
        assert!(looks_like_guard(Path::new("a.guard"), "rule r {\n\tA exists\r\n}"));
        assert!(!looks_like_guard(Path::new("environ"), "rule r { A exists }"));
        assert!(!looks_like_guard(Path::new("a.guard"), "A=1\0B=2"));
    }
}
