//! Baselines for adopting rotlint on an existing repository: `--write-baseline FILE` records the
//! fingerprints of today's findings; `--baseline FILE` then reports only new ones.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::lint::Outcome;
use crate::report::fingerprint::partial_fingerprints;

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
pub fn write(path: &Path, outcome: &Outcome) -> Result<usize, BaselineError> {
    let fingerprints: BTreeSet<String> = outcome
        .diagnostics
        .iter()
        .zip(fingerprints(outcome))
        .filter(|(d, _)| d.suppressed.is_none())
        .map(|(_, f)| f)
        .collect();
    let count = fingerprints.len();
    let file = File { tool: "rotlint".to_owned(), version: 1, fingerprints };
    let text = serde_json::to_string_pretty(&file)
        .map_err(|e| BaselineError::Io { path: path.to_path_buf(), message: e.to_string() })?;
    crate::files::write_atomic(path, (text + "\n").as_bytes())
        .map_err(|e| BaselineError::Io { path: path.to_path_buf(), message: e.to_string() })?;
    Ok(count)
}

/// The same fingerprints SARIF reports, over paths as given (forward slashes).
fn fingerprints(outcome: &Outcome) -> Vec<String> {
    let paths: Vec<String> = outcome.files.iter().map(|f| f.display_path().replace('\\', "/")).collect();
    partial_fingerprints(&outcome.diagnostics, |file| paths.get(file.0 as usize).map_or("", String::as_str))
}

/// Drop every finding whose fingerprint the baseline holds; returns how many were dropped.
pub fn apply(path: &Path, outcome: &mut Outcome) -> Result<usize, BaselineError> {
    let err = |message: String| BaselineError::Io { path: path.to_path_buf(), message };
    let text = crate::files::read_text(path, crate::files::MAX_SIDE_FILE_BYTES).map_err(err)?;
    let file: File = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
    let known: Vec<bool> = fingerprints(outcome).iter().map(|f| file.fingerprints.contains(f)).collect();
    let before = outcome.diagnostics.len();
    let mut keep = known.iter().map(|k| !k);
    outcome.diagnostics.retain(|_| keep.next().unwrap_or(true));
    Ok(before - outcome.diagnostics.len())
}
