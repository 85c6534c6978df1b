//! `versionControlProvenance`: the repository and commit of the current directory, read with
//! `git`; nothing at all when git or a work tree is not there.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::uri;

/// What the report says about the checked-out sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// An absolute URI, never carrying credentials.
    pub repository_uri: String,
    pub revision_id: String,
    /// True when the current directory is the work tree's top level, so `%SRCROOT%` is the
    /// repository root.
    pub srcroot_is_top_level: bool,
}

/// Provenance of `cwd`, or `None` outside a git work tree (or without git, or without commits).
pub fn provenance(cwd: &Path) -> Option<Provenance> {
    let revision_id = git(cwd, &["rev-parse", "--verify", "HEAD"])?;
    let top = git(cwd, &["rev-parse", "--show-toplevel"]).map(PathBuf::from)?;
    let repository_uri = match git(cwd, &["config", "--get", "remote.origin.url"]) {
        Some(remote) => remote_uri(&remote, cwd)?,
        None => uri::directory_uri(&top),
    };
    let srcroot_is_top_level = same_dir(&top, cwd);
    Some(Provenance { repository_uri, revision_id, srcroot_is_top_level })
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// First line of a git command's stdout, when it succeeds with non-empty output.
fn git(cwd: &Path, args: &[&str]) -> Option<String> {
    let output =
        Command::new("git").args(args).current_dir(cwd).stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_owned())
}

/// A remote as an absolute URI. Credentials in the remote (`https://user:token@host/…`) are
/// dropped: the report is uploaded and shared.
pub fn remote_uri(remote: &str, cwd: &Path) -> Option<String> {
    if let Some((scheme, rest)) = remote.split_once("://") {
        let valid_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid_scheme {
            return None;
        }
        let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
        let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        return Some(format!("{}://{host}/{path}", scheme.to_ascii_lowercase()));
    }
    // scp-like syntax `user@host:path` (a colon before any slash, and not a drive letter); the
    // user is dropped.
    if let Some((authority, path)) = remote.split_once(':')
        && !authority.contains('/')
        && authority.len() > 1
    {
        let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
        return Some(format!("ssh://{host}/{}", path.trim_start_matches('/')));
    }
    // A local path, relative to the work tree that names it.
    Some(uri::directory_uri(&cwd.join(remote)).trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_leave_the_machine() {
        let cwd = Path::new("/w");
        assert_eq!(
            remote_uri("https://user:ghp_secret@github.com/rotlint/rotlint.git", cwd).as_deref(),
            Some("https://github.com/rotlint/rotlint.git")
        );
        assert_eq!(
            remote_uri("git@github.com:rotlint/rotlint.git", cwd).as_deref(),
            Some("ssh://github.com/rotlint/rotlint.git")
        );
        assert_eq!(remote_uri("../origin repo", cwd).as_deref(), Some("file:///origin%20repo"));
        assert_eq!(remote_uri("/srv/git/x.git", cwd).as_deref(), Some("file:///srv/git/x.git"));
    }

    #[test]
    fn outside_a_work_tree_there_is_no_provenance() {
        let dir = std::env::temp_dir();
        // The temp dir is not a work tree on CI machines; if it ever is, the answer must still
        // name a commit.
        if let Some(p) = provenance(&dir) {
            assert_eq!(p.revision_id.len(), 40);
        }
    }
}
