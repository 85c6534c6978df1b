//! Paths to SARIF URIs: relative references resolved against `%SRCROOT%` (the current
//! directory), climbing out of it with `..` for files elsewhere on the same root, and absolute
//! `file://` URIs only when no relative reference exists (another Windows drive). Forward
//! slashes, percent-encoded segments.

use std::path::{Component, Path, PathBuf};

/// The uri base id every relative artifact URI is resolved against.
pub const SRCROOT: &str = "%SRCROOT%";

/// Where a file is, as SARIF wants it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileUri {
    pub uri: String,
    /// `Some(SRCROOT)` when `uri` is a relative reference resolved against the current directory.
    pub base: Option<&'static str>,
}

/// `path` as given on the command line, seen from `cwd`.
pub fn file_uri(path: &Path, cwd: Option<&Path>) -> FileUri {
    let Some(cwd) = cwd else {
        return FileUri { uri: encode_segments(&lexical_segments(path)), base: Some(SRCROOT) };
    };
    let absolute = lexical_segments(&cwd.join(path));
    let root = lexical_segments(cwd);
    let shared = absolute.iter().zip(&root).take_while(|(a, b)| a == b).count();
    // Without a shared root (another drive) or with nothing left to name, no relative reference.
    if shared == 0 || shared == absolute.len() {
        return FileUri { uri: absolute_file_uri(&absolute, false), base: None };
    }
    let mut relative: Vec<Segment> = vec![b"..".to_vec(); root.len() - shared];
    relative.extend(absolute.iter().skip(shared).cloned());
    FileUri { uri: encode_segments(&relative), base: Some(SRCROOT) }
}

/// The `file://` URI of a directory, with the trailing slash `originalUriBaseIds` requires.
pub fn directory_uri(dir: &Path) -> String {
    absolute_file_uri(&lexical_segments(dir), true)
}

/// `path` relative to `cwd` with forward slashes, not encoded (for GitHub annotations, which
/// want workspace-relative paths); the path as given when it lies outside `cwd`.
pub fn relative_display(path: &Path, cwd: Option<&Path>) -> String {
    let Some(cwd) = cwd else {
        return lexical_segments(path).iter().map(|s| String::from_utf8_lossy(s)).collect::<Vec<_>>().join("/");
    };
    let absolute = lexical_segments(&cwd.join(path));
    let root = lexical_segments(cwd);
    match absolute.strip_prefix(root.as_slice()) {
        Some(rest) if !rest.is_empty() => rest.iter().map(|s| String::from_utf8_lossy(s)).collect::<Vec<_>>().join("/"),
        _ => path.display().to_string(),
    }
}

/// Path components with `.` dropped and `..` applied lexically (symlinks are not resolved: the
/// user's spelling is what a reader of the report recognises). The root is an empty segment.
/// One path component as its bytes: a file name that is not UTF-8 keeps its bytes, so its
/// percent-encoded URI still names the file.
type Segment = Vec<u8>;

fn lexical_segments(path: &Path) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    for component in path.components() {
        match component {
            Component::Prefix(prefix) => {
                out.push(prefix.as_os_str().to_string_lossy().replace('\\', "/").into_bytes());
            }
            Component::RootDir => {
                if out.is_empty() {
                    out.push(Vec::new());
                }
            }
            Component::CurDir => {}
            Component::ParentDir => match out.last().map(Vec::as_slice) {
                Some(b"..") | None => out.push(b"..".to_vec()),
                Some(b"") => {}
                Some(_) => {
                    out.pop();
                }
            },
            Component::Normal(part) => out.push(part.as_encoded_bytes().to_vec()),
        }
    }
    out
}

fn absolute_file_uri(segments: &[Segment], directory: bool) -> String {
    // Segments of an absolute path start with the root's empty segment (or a Windows prefix).
    let mut uri = String::from("file://");
    let body: Vec<String> = segments.iter().filter(|s| !s.is_empty()).map(|s| encode(s)).collect();
    uri.push('/');
    uri.push_str(&body.join("/"));
    if directory && !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn encode_segments(segments: &[Segment]) -> String {
    segments.iter().map(|s| encode(s)).collect::<Vec<_>>().join("/")
}

/// Percent-encodes everything but RFC 3986 unreserved characters (and `:` of a drive prefix,
/// which a Windows `file:` URI keeps literal).
fn encode(segment: &[u8]) -> String {
    let drive = matches!(segment, [letter, b':'] if letter.is_ascii_alphabetic());
    if drive {
        return String::from_utf8_lossy(segment).into_owned();
    }
    let mut out = String::with_capacity(segment.len());
    for &byte in segment {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `PathBuf` of the current directory, when the process can tell.
pub fn current_dir() -> Option<PathBuf> {
    std::env::current_dir().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_stay_relative_and_are_normalised() {
        let cwd = Path::new("/work/repo");
        let u = file_uri(Path::new("./stacks/../stacks/db.yaml"), Some(cwd));
        assert_eq!(u, FileUri { uri: "stacks/db.yaml".into(), base: Some(SRCROOT) });
        let u = file_uri(Path::new("/work/repo/a b/ü.yaml"), Some(cwd));
        assert_eq!(u.uri, "a%20b/%C3%BC.yaml");
    }

    #[test]
    fn files_outside_the_current_directory_climb_out_of_it() {
        let cwd = Path::new("/work/repo");
        let u = file_uri(Path::new("../shared/x y.yaml"), Some(cwd));
        assert_eq!(u, FileUri { uri: "../shared/x%20y.yaml".into(), base: Some(SRCROOT) });
        assert_eq!(file_uri(Path::new("/dev/null"), Some(cwd)).uri, "../../dev/null");
        let u = file_uri(Path::new("D:/x.yaml"), Some(Path::new("C:/work")));
        assert_eq!(u.base, if cfg!(windows) { None } else { Some(SRCROOT) });
    }

    #[cfg(unix)]
    #[test]
    fn a_file_name_that_is_not_utf8_keeps_its_bytes() {
        use std::os::unix::ffi::OsStrExt as _;
        let name = std::ffi::OsStr::from_bytes(b"bad\xFFname.yaml");
        let u = file_uri(&Path::new("/work/repo").join(name), Some(Path::new("/work/repo")));
        assert_eq!(u.uri, "bad%FFname.yaml");
    }

    #[test]
    fn directory_uri_ends_with_a_slash() {
        assert_eq!(directory_uri(Path::new("/work/my repo")), "file:///work/my%20repo/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn display_is_relative_with_forward_slashes() {
        let cwd = Path::new("/work/repo");
        assert_eq!(relative_display(Path::new("./a/b.yaml"), Some(cwd)), "a/b.yaml");
        assert_eq!(relative_display(Path::new("/work/repo/a,b.yaml"), Some(cwd)), "a,b.yaml");
        assert_eq!(relative_display(Path::new("/elsewhere/x.yaml"), Some(cwd)), "/elsewhere/x.yaml");
    }
}
