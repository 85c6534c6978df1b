//! A per-process scratch directory for targets that lint paths, not bytes (`mod scratch;`).

use std::path::PathBuf;
use std::sync::OnceLock;

/// `$TMPDIR/rotlint-fuzz-<target>-<pid>`, created on first use.
pub fn dir(target: &str) -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("rotlint-fuzz-{target}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    })
}
