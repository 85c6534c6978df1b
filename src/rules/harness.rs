//! Fixture harness shared by every rule's test hook.
//!
//! `testdata/<ID>/pass/*` must give no finding of the rule; `testdata/<ID>/fail/*` must give at
//! least one, and the rendered findings of that rule must equal `<fixture>.snap` beside it.
//! Set `ROTLINT_UPDATE_SNAPSHOTS=1` to (re)write snapshots, then review the diff.

use std::path::{Path, PathBuf};

use super::Rule;
use crate::lint::{self, Options};
use crate::report::text;

const FIXTURE_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "template"];

#[expect(clippy::unwrap_used, clippy::panic, reason = "test harness: failing loudly is the point")]
pub fn run_fixtures(rule: &Rule) {
    let id = rule.meta.id;
    let pass = fixtures(&Path::new("testdata").join(id).join("pass"));
    let fail = fixtures(&Path::new("testdata").join(id).join("fail"));
    assert!(!pass.is_empty(), "{id}: no pass fixtures in testdata/{id}/pass");
    assert!(!fail.is_empty(), "{id}: no fail fixtures in testdata/{id}/fail");
    let update = std::env::var_os("ROTLINT_UPDATE_SNAPSHOTS").is_some_and(|v| v == "1");
    let mut problems = Vec::new();
    let mut fixed = 0;
    for path in &pass {
        let outcome =
            lint::lint_paths(std::slice::from_ref(path), &Options { threads: Some(1), ..Options::default() }).unwrap();
        let hits: Vec<_> = outcome.diagnostics.iter().filter(|d| d.rule == id).collect();
        if !hits.is_empty() {
            problems.push(format!(
                "{}: expected no {id}, got:\n{}",
                path.display(),
                text::render_findings(&outcome, &hits)
            ));
        }
    }
    for path in &fail {
        let outcome =
            lint::lint_paths(std::slice::from_ref(path), &Options { threads: Some(1), ..Options::default() }).unwrap();
        let hits: Vec<_> = outcome.diagnostics.iter().filter(|d| d.rule == id).collect();
        if hits.is_empty() {
            problems.push(format!("{}: expected {id} to fire, it did not", path.display()));
            continue;
        }
        fixed += hits.iter().filter(|d| d.fix.is_some()).count();
        let rendered = text::render_findings(&outcome, &hits);
        let snap = snapshot_path(path);
        match std::fs::read_to_string(&snap) {
            _ if update => std::fs::write(&snap, &rendered).unwrap(),
            Ok(expected) if expected == rendered => {}
            Ok(expected) => problems.push(format!(
                "{}: snapshot differs (ROTLINT_UPDATE_SNAPSHOTS=1 to accept)\n--- expected\n{expected}\n+++ actual\n{rendered}",
                snap.display()
            )),
            Err(_) => problems.push(format!("{}: snapshot missing (run with ROTLINT_UPDATE_SNAPSHOTS=1)", snap.display())),
        }
    }
    // `has_fix` says whether findings of the rule may carry a fix: some do on its fixtures, or
    // none ever does.
    if rule.meta.has_fix != (fixed > 0) {
        problems.push(format!(
            "{id}: has_fix is {} but {fixed} findings on its fail fixtures carry a fix",
            rule.meta.has_fix
        ));
    }
    if !problems.is_empty() {
        panic!("{id} fixtures:\n{}", problems.join("\n"));
    }
}

pub fn snapshot_path(fixture: &Path) -> PathBuf {
    let mut name = fixture.as_os_str().to_owned();
    name.push(".snap");
    PathBuf::from(name)
}

/// Fixture files in a directory, sorted; snapshots and other files ignored.
pub fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()).is_some_and(|e| FIXTURE_EXTENSIONS.contains(&e)))
        .collect();
    out.sort();
    out
}

/// The `resource` (the JSON output's `resource` field, see README "Output formats") of every finding of `id` on a fixture.
#[expect(clippy::unwrap_used, reason = "test harness: failing loudly is the point")]
pub fn resources_of(id: &str, fixture: &str) -> Vec<String> {
    let path = Path::new("testdata").join(id).join(fixture);
    let outcome =
        lint::lint_paths(std::slice::from_ref(&path), &Options { threads: Some(1), ..Options::default() }).unwrap();
    outcome.diagnostics.iter().filter(|d| d.rule == id).filter_map(|d| d.primary.resource.clone()).collect()
}
