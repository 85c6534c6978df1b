//! Baselines for adopting rotlint on an existing repository: `--write-baseline FILE` records the
//! fingerprints of today's findings; `--baseline FILE` then reports only new ones.
//!
//! Fingerprints name files relative to the repository root ([`crate::lint::LintResult::root`]), so a
//! baseline written by `rotlint stacks/` matches a run of `rotlint ./stacks/`, of
//! `rotlint /abs/repo/stacks` or of `rotlint .` inside `stacks` (version 2). Version 1 files,
//! whose fingerprints named files as they were spelled on the command line, are still read: a
//! finding is known when either its version 2 fingerprint or its fingerprint over the path as
//! spelled in this run is in the file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::lint::LintResult;
use crate::report::fingerprint::{file_keys, partial_fingerprints};

/// The version written; 1 is still read.
const VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    tool: String,
    version: u32,
    fingerprints: BTreeSet<String>,
}

/// Write the fingerprints of every unsuppressed finding; returns how many.
pub fn write(path: &Path, outcome: &LintResult) -> Result<usize, BaselineError> {
    let fingerprints: BTreeSet<String> = outcome
        .diagnostics
        .iter()
        .zip(fingerprints(outcome))
        .filter(|(d, _)| d.suppressed.is_none())
        .map(|(_, f)| f)
        .collect();
    let count = fingerprints.len();
    let file = File { tool: "rotlint".to_owned(), version: VERSION, fingerprints };
    let text = serde_json::to_string_pretty(&file)
        .map_err(|e| BaselineError::Io { path: path.to_path_buf(), message: e.to_string() })?;
    crate::files::write_atomic(path, (text + "\n").as_bytes())
        .map_err(|e| BaselineError::Io { path: path.to_path_buf(), message: e.to_string() })?;
    Ok(count)
}

/// The same fingerprints SARIF reports: files named from the repository root.
fn fingerprints(outcome: &LintResult) -> Vec<String> {
    let cwd = std::env::current_dir().ok();
    let keys = file_keys(outcome, cwd.as_deref());
    partial_fingerprints(&outcome.diagnostics, |file| keys.get(file.0 as usize).map_or("", String::as_str))
}

/// Version 1 fingerprints: files named as given on the command line (forward slashes).
fn legacy_fingerprints(outcome: &LintResult) -> Vec<String> {
    let paths: Vec<String> = outcome.files.iter().map(|f| f.display_path().replace('\\', "/")).collect();
    partial_fingerprints(&outcome.diagnostics, |file| paths.get(file.0 as usize).map_or("", String::as_str))
}

/// Drop every finding whose fingerprint the baseline holds; returns how many were dropped.
pub fn apply(path: &Path, outcome: &mut LintResult) -> Result<usize, BaselineError> {
    let err = |message: String| BaselineError::Io { path: path.to_path_buf(), message };
    let text = crate::files::read_text(path, crate::files::MAX_SIDE_FILE_BYTES).map_err(err)?;
    let file: File = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    if file.tool != "rotlint" || !(1..=VERSION).contains(&file.version) {
        return Err(err(format!(
            "not a rotlint baseline of version 1 to {VERSION} (tool `{}`, version {}); write it again with --write-baseline",
            crate::report::escape::human(&file.tool),
            file.version
        )));
    }
    let mut known: Vec<bool> = fingerprints(outcome).iter().map(|f| file.fingerprints.contains(f)).collect();
    if file.version == 1 {
        for (k, f) in known.iter_mut().zip(legacy_fingerprints(outcome)) {
            *k = *k || file.fingerprints.contains(&f);
        }
    }
    let before = outcome.diagnostics.len();
    let mut keep = known.iter().map(|k| !k);
    outcome.diagnostics.retain(|_| keep.next().unwrap_or(true));
    Ok(before - outcome.diagnostics.len())
}
