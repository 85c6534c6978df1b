//! `--fix` and `--diff`: apply the fixes findings carry, lint again, repeat, and keep only what
//! makes no template worse.
//!
//! Every pass lints the run with the fixed texts held in memory (as overlays over the files on
//! disk), so nothing is written until the loop is over, and `--diff` runs the very same loop. A
//! file whose fixed text no longer parses, or has a finding its original text did not have, goes
//! back to its original text and is not fixed again in this run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::apply::{Replacement, apply_fixes};
use crate::diagnostic::{Applicability, Diagnostic, FileId};
use crate::lint::{self, LintError, LintResult, Options};

/// Most fix-and-lint passes of a run: a fix that makes another possible is applied in the next
/// pass; a loop that never settles stops here.
pub const MAX_PASSES: usize = 10;

/// What a fixing run did.
pub struct Outcome {
    /// The lint of the fixed texts: what remains.
    pub result: LintResult,
    /// Files whose text changed: the original and the fixed text (both without a byte-order mark).
    pub changed: Vec<Changed>,
    /// Files put back to their original text, and why.
    pub restored: Vec<(PathBuf, String)>,
    /// Fixes applied, over all passes, in the files that stay changed.
    pub applied: usize,
    /// Passes that applied at least one fix.
    pub passes: usize,
}

pub struct Changed {
    pub path: PathBuf,
    pub original: Arc<str>,
    pub fixed: Arc<str>,
}

/// Whether a fix of this applicability is applied.
pub fn applies(applicability: Applicability, unsafe_fixes: bool) -> bool {
    match applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => unsafe_fixes,
        Applicability::DisplayOnly => false,
    }
}

/// Lint `paths`, apply the fixes of unsuppressed findings (safe ones, and unsafe ones with
/// `unsafe_fixes`) to the files that hold them, and lint again until no fix is left or
/// [`MAX_PASSES`] passes. `never` names a file never fixed (the name standard input is linted
/// under). Nothing is written: the caller writes [`Outcome::changed`] or shows it.
pub fn run(
    paths: &[PathBuf],
    options: &Options,
    unsafe_fixes: bool,
    never: Option<&Path>,
) -> Result<Outcome, LintError> {
    let mut options = options.clone();
    let first = lint::lint_paths(paths, &options)?;
    let originals: BTreeMap<PathBuf, Arc<str>> = first
        .files
        .iter()
        .filter(|f| !f.not_analysed && Some(f.path.as_path()) != never)
        .map(|f| (f.path.clone(), Arc::clone(&f.text)))
        .collect();
    let before = findings_by_file(&first);
    let mut frozen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut restored = Vec::new();
    let mut applied: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut passes = 0;
    let mut current = first;
    let mut last_pass: BTreeSet<PathBuf> = BTreeSet::new();
    loop {
        // A file that got worse goes back to its original text; when the file that got worse was
        // not itself changed (a stack that imports from one that was), every file of the pass does.
        let worse = regressions(&before, &current);
        if !worse.is_empty() {
            let mut undo: BTreeSet<PathBuf> = BTreeSet::new();
            for (path, why) in worse {
                if options.overlays.contains_key(&path) {
                    undo.insert(path.clone());
                    restored.push((path, why));
                } else {
                    for changed in &last_pass {
                        undo.insert(changed.clone());
                        restored.push((changed.clone(), format!("fixing it gave `{}` {why}", path.display())));
                    }
                }
            }
            if undo.is_empty() {
                break;
            }
            for path in undo {
                options.overlays.remove(&path);
                applied.remove(&path);
                frozen.insert(path);
            }
            last_pass.clear();
            current = lint::lint_paths(paths, &options)?;
            continue;
        }
        if passes == MAX_PASSES {
            break;
        }
        let mut pass: BTreeSet<PathBuf> = BTreeSet::new();
        for (id, fixes) in fixes_by_file(&current, unsafe_fixes) {
            let Some(file) = current.file(id) else { continue };
            if !originals.contains_key(&file.path) || frozen.contains(&file.path) {
                continue;
            }
            let done = apply_fixes(&file.text, &fixes);
            if done.applied.is_empty() || done.text == *file.text {
                continue;
            }
            *applied.entry(file.path.clone()).or_default() += done.applied.len();
            options.overlays.insert(file.path.clone(), Arc::from(done.text));
            pass.insert(file.path.clone());
        }
        if pass.is_empty() {
            break;
        }
        passes += 1;
        last_pass = pass;
        current = lint::lint_paths(paths, &options)?;
    }
    let changed = options
        .overlays
        .iter()
        .filter_map(|(path, fixed)| {
            let original = originals.get(path)?;
            (original != fixed).then(|| Changed {
                path: path.clone(),
                original: Arc::clone(original),
                fixed: Arc::clone(fixed),
            })
        })
        .collect();
    restored.sort();
    restored.dedup();
    Ok(Outcome { result: current, changed, restored, applied: applied.values().sum(), passes })
}

/// The fixes to apply, per file, in finding order: every edit of a fix in the finding's own file.
fn fixes_by_file(result: &LintResult, unsafe_fixes: bool) -> BTreeMap<FileId, Vec<Vec<Replacement>>> {
    let mut by_file: BTreeMap<FileId, Vec<Vec<Replacement>>> = BTreeMap::new();
    for d in result.diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        let Some(fix) = d.fix.as_ref().filter(|f| applies(f.applicability, unsafe_fixes)) else { continue };
        let file = d.primary.file;
        if fix.edits.is_empty() || fix.edits.iter().any(|e| e.file != file) {
            continue;
        }
        let replacements = fix.edits.iter().map(|e| Replacement::new(e.span, e.text.clone())).collect();
        by_file.entry(file).or_default().push(replacements);
    }
    by_file
}

/// How a finding is recognised from one text of a file to the next: positions move when lines are
/// added, rule and resource do not.
type Key = (String, Option<String>);

fn key(d: &Diagnostic) -> Key {
    (d.rule.to_string(), d.primary.resource.clone())
}

fn findings_by_file(result: &LintResult) -> BTreeMap<PathBuf, BTreeMap<Key, usize>> {
    let mut by_file: BTreeMap<PathBuf, BTreeMap<Key, usize>> = BTreeMap::new();
    for file in &result.files {
        by_file.entry(file.path.clone()).or_default();
    }
    for d in &result.diagnostics {
        if let Some(file) = result.file(d.primary.file) {
            *by_file.entry(file.path.clone()).or_default().entry(key(d)).or_default() += 1;
        }
    }
    by_file
}

/// Files with a finding (by rule and resource) more than they had at first, and which.
fn regressions(before: &BTreeMap<PathBuf, BTreeMap<Key, usize>>, now: &LintResult) -> Vec<(PathBuf, String)> {
    let mut worse = Vec::new();
    for (path, counts) in findings_by_file(now) {
        let was = before.get(&path);
        let new = counts.iter().find(|(k, n)| was.and_then(|w| w.get(*k)).copied().unwrap_or(0) < **n);
        if let Some(((rule, resource), _)) = new {
            let on = resource.as_deref().map(|r| format!(" on `{r}`")).unwrap_or_default();
            worse.push((path, format!("a new {rule} finding{on}")));
        }
    }
    worse
}
