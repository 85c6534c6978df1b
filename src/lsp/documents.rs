//! The open documents: what the editor holds, unsaved edits included. Linting reads these texts,
//! never the disk copy of an open file (templates that are not open come from `workspace`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_types::Uri;

pub struct Document {
    pub uri: Uri,
    /// The path the engine lints it under (a `file:` URI's path; other schemes keep the URI).
    pub path: PathBuf,
    pub text: Arc<str>,
    pub version: i32,
}

#[derive(Default)]
pub struct Documents {
    /// By URI text, so iteration (and publishing) order is deterministic.
    open: BTreeMap<String, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let path = path_of(&uri);
        self.open.insert(uri.as_str().to_owned(), Document { uri, path, text: text.into(), version });
    }

    /// Replace a document's text (full synchronisation); unknown URIs are ignored.
    pub fn change(&mut self, uri: &Uri, text: String, version: i32) -> bool {
        match self.open.get_mut(uri.as_str()) {
            Some(doc) => {
                doc.text = text.into();
                doc.version = version;
                true
            }
            None => false,
        }
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri.as_str())
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }

    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    /// What the engine lints: every open document, under its path.
    pub fn sources(&self) -> Vec<(PathBuf, Arc<str>)> {
        self.open.values().map(|d| (d.path.clone(), Arc::clone(&d.text))).collect()
    }

    /// The URI of a linted path: the open document's, else a `file:` URI built from the path.
    pub fn uri_of(&self, path: &Path) -> Option<Uri> {
        self.open.values().find(|d| d.path == path).map(|d| d.uri.clone()).or_else(|| file_uri(path))
    }
}

/// The filesystem path of a `file:` URI (percent-decoded); other URIs are kept whole as a path,
/// so that an unsaved `untitled:` buffer is still linted under a stable name.
pub fn path_of(uri: &Uri) -> PathBuf {
    let text = uri.as_str();
    let Some(rest) = text.strip_prefix("file://") else { return PathBuf::from(text) };
    // `file://host/path` names a host; only the local form (`file:///path`) is a plain path.
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    PathBuf::from(percent_decode(path))
}

/// A `file:` URI for an absolute path; `None` for a relative one (no URI can name it).
pub fn file_uri(path: &Path) -> Option<Uri> {
    let text = path.to_str()?;
    if !text.starts_with('/') {
        return text.parse().ok().filter(|_: &Uri| text.contains(':'));
    }
    let mut out = String::from("file://");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.parse().ok()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().expect("a URI")
    }

    #[test]
    fn file_uris_round_trip_through_paths() {
        let path = PathBuf::from("/work/my stacks/é.yaml");
        let u = file_uri(&path).expect("a URI");
        assert_eq!(u.as_str(), "file:///work/my%20stacks/%C3%A9.yaml");
        assert_eq!(path_of(&u), path);
        assert_eq!(path_of(&uri("file:///a/b%2Bc.yaml")), PathBuf::from("/a/b+c.yaml"));
        assert_eq!(path_of(&uri("untitled:Untitled-1")), PathBuf::from("untitled:Untitled-1"));
        assert_eq!(file_uri(Path::new("relative.yaml")), None);
    }

    #[test]
    fn changes_replace_text_and_close_forgets() {
        let mut docs = Documents::default();
        let u = uri("file:///t/a.yaml");
        docs.open(u.clone(), "a: 1\n".into(), 1);
        assert!(docs.change(&u, "a: 2\n".into(), 2));
        assert!(!docs.change(&uri("file:///t/other.yaml"), "x".into(), 1));
        assert_eq!(&*docs.get(&u).expect("open").text, "a: 2\n");
        assert_eq!(docs.sources(), vec![(PathBuf::from("/t/a.yaml"), Arc::from("a: 2\n"))]);
        assert!(docs.close(&u).is_some());
        assert!(docs.is_empty());
    }
}
