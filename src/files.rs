//! The files a run reads besides templates (configuration, parameters, baselines) and the files
//! it writes (reports, baselines): reads are bounded, writes are atomic.
//!
//! A repository's own files can point rotlint anywhere: a `--parameters` path may be a FIFO that
//! never ends, `/dev/zero`, or a file larger than memory. Side files are read only when they are
//! regular files, and only up to [`MAX_SIDE_FILE_BYTES`].

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// Largest configuration, parameters or baseline file read (a baseline of a large monorepo is a
/// few megabytes).
pub const MAX_SIDE_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The text of a regular file of at most `max` bytes, without a UTF-8 byte-order mark; or why
/// not, in words that never quote the file's content (the caller names the path).
pub fn read_text(path: &Path, max: u64) -> Result<String, String> {
    // `metadata` follows symlinks: a link to a FIFO or a device is refused like the thing itself,
    // before anything is opened (opening a FIFO blocks until a writer comes).
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    if meta.len() > max {
        return Err(format!("{} bytes, over the {max}-byte limit", meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow between the check and the read: never read past the limit.
    file.take(max.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!("over the {max}-byte limit"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(bytes);
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()))
}

/// Write `bytes` to `path` through a temporary file in the same directory renamed over it, so a
/// reader never sees half a report and a failed write leaves the old file. An existing file's
/// permissions are kept.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().ok_or_else(|| std::io::Error::other("the output path names no file"))?;
    let permissions = std::fs::metadata(path).ok().map(|m| m.permissions());
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".rotlint-{}.tmp", std::process::id()));
    let temp = dir.join(temp_name);
    let result = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Some(permissions) = permissions {
            std::fs::set_permissions(&temp, permissions)?;
        }
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Is `output` one of `inputs` (the same file, however spelled)? Only an existing file can be.
pub fn is_one_of(output: &Path, inputs: impl IntoIterator<Item = impl AsRef<Path>>) -> bool {
    let Ok(output) = std::fs::canonicalize(output) else { return false };
    inputs.into_iter().any(|p| std::fs::canonicalize(p.as_ref()).is_ok_and(|p| p == output))
}

/// `path` made absolute against `cwd`, with `.` dropped and `..` applied lexically (symlinks are
/// not resolved, so `./a/../b.yaml`, `b.yaml` and `/cwd/b.yaml` give one path).
pub fn lexical_absolute(path: &Path, cwd: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in cwd.join(path).components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The directory holding `path` (a file's parent), made absolute and resolved as far as it
/// exists (`canonicalize`), else lexically.
pub fn absolute_dir(dir: &Path, cwd: &Path) -> PathBuf {
    std::fs::canonicalize(cwd.join(dir)).unwrap_or_else(|_| lexical_absolute(dir, cwd))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rotlint-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[test]
    fn lexical_absolute_normalises_every_spelling() {
        let cwd = Path::new("/repo/stacks");
        for spelling in
            ["db.yaml", "./db.yaml", "../stacks/./db.yaml", "/repo/stacks/db.yaml", "/repo/x/../stacks/db.yaml"]
        {
            assert_eq!(lexical_absolute(Path::new(spelling), cwd), Path::new("/repo/stacks/db.yaml"), "{spelling}");
        }
        assert_eq!(lexical_absolute(Path::new("../../.."), cwd), Path::new("/"));
    }

    #[test]
    fn reads_regular_files_only_and_within_the_limit() {
        let dir = scratch("read");
        let file = dir.join("p.json");
        std::fs::write(&file, b"\xEF\xBB\xBF{\"a\": 1}").expect("write");
        assert_eq!(read_text(&file, 100).expect("read"), "{\"a\": 1}");
        assert!(read_text(&file, 3).expect_err("must fail").contains("over the 3-byte limit"));
        assert!(read_text(&dir, 100).expect_err("must fail").contains("not a regular file"));
        assert!(read_text(Path::new("/dev/zero"), 100).expect_err("must fail").contains("not a regular file"));
        std::fs::write(&file, b"a\xFFb").expect("write");
        assert!(read_text(&file, 100).expect_err("must fail").contains("not UTF-8"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn atomic_write_replaces_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = scratch("write");
        let file = dir.join("report.json");
        std::fs::write(&file, "old").expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write_atomic(&file, b"new").expect("atomic write");
        assert_eq!(std::fs::read_to_string(&file).expect("read"), "new");
        assert_eq!(std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o600);
        let left: Vec<_> = std::fs::read_dir(&dir).expect("list").collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
        assert!(is_one_of(&file, [dir.join(".").join("report.json")]));
        assert!(!is_one_of(&dir.join("missing.json"), [&file]));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
