//! Writing a repaired file in place, atomically: the new text goes to a temporary file beside the
//! old one (same directory, so the same file system), takes the old file's permissions, is synced
//! to disk, then renamed over the old name. A reader sees the old file or the new one, never half.
//!
//! Only a regular file is replaced. A symbolic link is refused rather than followed, so a template
//! that links elsewhere is never written through (and never turned into a copy).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Replaces the regular file `path` with `contents`, keeping its permissions.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    replace(path, None, contents)
}

/// Like [`write_atomic`], but only when the file still holds `expected` (what the fix was
/// derived from); an edit made meanwhile by someone else is not overwritten.
pub fn write_if_unchanged(path: &Path, expected: &[u8], contents: &[u8]) -> io::Result<()> {
    replace(path, Some(expected), contents)
}

fn replace(path: &Path, expected: Option<&[u8]>, contents: &[u8]) -> io::Result<()> {
    let meta = fs::symlink_metadata(path)?;
    if meta.file_type().is_symlink() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "is a symbolic link; not written through"));
    }
    if !meta.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "is not a regular file"));
    }
    if let Some(expected) = expected
        && fs::read(path)? != expected
    {
        return Err(io::Error::other("changed since it was read; not written"));
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (temp, mut file) = create_temp(&dir, path)?;
    let written = (|| {
        file.write_all(contents)?;
        file.set_permissions(meta.permissions())?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if let Err(error) = written {
        let _ = fs::remove_file(&temp);
        return Err(error);
    }
    // The rename itself is durable once the directory is synced (not possible on every platform).
    if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// A new file `.<name>.rotlint-<pid>-<n>.tmp` in `dir`, created exclusively (never an existing
/// file or a link planted under that name).
fn create_temp(dir: &Path, path: &Path) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut last_error = None;
    for _ in 0..16 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.rotlint-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last_error = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no temporary name")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("rotlint-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("read dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_content_and_leaves_no_temporary_file() {
        let dir = scratch("replace");
        let file = dir.join("t.yaml");
        fs::write(&file, "old\n").expect("write");
        write_atomic(&file, b"new\r\n").expect("replaced");
        assert_eq!(fs::read(&file).expect("read"), b"new\r\n");
        assert_eq!(entries(&dir), ["t.yaml"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("mode");
        let file = dir.join("t.yaml");
        fs::write(&file, "old\n").expect("write");
        fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).expect("chmod");
        write_atomic(&file, b"new\n").expect("replaced");
        assert_eq!(fs::metadata(&file).expect("meta").permissions().mode() & 0o777, 0o640);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_not_written_through() {
        let dir = scratch("link");
        let target = dir.join("real.yaml");
        let link = dir.join("link.yaml");
        fs::write(&target, "real\n").expect("write");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert!(write_atomic(&link, b"new\n").is_err());
        assert_eq!(fs::read(&target).expect("read"), b"real\n");
        assert!(fs::symlink_metadata(&link).expect("meta").file_type().is_symlink());
        assert_eq!(entries(&dir), ["link.yaml", "real.yaml"]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_files_directories_and_changed_files_are_refused() {
        let dir = scratch("refuse");
        assert!(write_atomic(&dir.join("absent.yaml"), b"x").is_err());
        assert!(write_atomic(&dir, b"x").is_err());
        let file = dir.join("t.yaml");
        fs::write(&file, "edited meanwhile\n").expect("write");
        assert!(write_if_unchanged(&file, b"as read\n", b"fixed\n").is_err());
        assert_eq!(fs::read(&file).expect("read"), b"edited meanwhile\n");
        write_if_unchanged(&file, b"edited meanwhile\n", b"fixed\n").expect("unchanged, so written");
        assert_eq!(fs::read(&file).expect("read"), b"fixed\n");
        assert_eq!(entries(&dir), ["t.yaml"]);
        let _ = fs::remove_dir_all(&dir);
    }
}
