//! Property checks of `--fix` over every fail fixture of every rule that offers fixes: the fixed
//! file parses, the rule no longer fires where all its findings had a fix, no finding appears
//! that was not there, the first pass changes no byte outside its edit spans, and fixing the
//! fixed file again changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rotlint::catalog;
use rotlint::diagnostic::Applicability;
use rotlint::fix::session;
use rotlint::fix::{Replacement, apply_fixes, unchanged_outside};
use rotlint::lint::{self, LintResult, Options};

fn options() -> Options {
    Options { threads: Some(1), ..Options::default() }
}

/// Findings by (rule, resource).
fn counts(result: &LintResult) -> BTreeMap<(String, Option<String>), usize> {
    let mut out = BTreeMap::new();
    for d in &result.diagnostics {
        *out.entry((d.rule.to_string(), d.primary.resource.clone())).or_default() += 1;
    }
    out
}

fn fixtures() -> Vec<(&'static catalog::RuleMeta, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut out = Vec::new();
    for &meta in catalog::ALL.iter().filter(|m| m.has_fix) {
        let Ok(dir) = std::fs::read_dir(root.join(meta.id).join("fail")) else { continue };
        let mut files: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json"))
            .collect();
        files.sort();
        out.extend(files.into_iter().map(|f| (meta, f)));
    }
    out
}

#[test]
fn fixing_every_fail_fixture_of_a_rule_with_fixes_is_sound() {
    let dir = std::env::temp_dir().join(format!("rotlint-fix-property-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let fixtures = fixtures();
    assert!(fixtures.len() >= 10, "fixtures of fixable rules: {}", fixtures.len());
    let mut exercised = BTreeMap::<&str, usize>::new();
    let mut shown = BTreeMap::<&str, usize>::new();
    for (n, (meta, fixture)) in fixtures.iter().enumerate() {
        let sub = dir.join(n.to_string());
        std::fs::create_dir_all(&sub).expect("temp dir");
        let file = sub.join(fixture.file_name().expect("name"));
        std::fs::copy(fixture, &file).expect("copy");
        let paths = [file.clone()];
        let before = lint::lint_paths(&paths, &options()).expect("lint");
        let original = before.files[0].text.clone();
        let ours: Vec<_> = before.diagnostics.iter().filter(|d| d.is(meta)).collect();
        let applicable = |d: &&rotlint::diagnostic::Diagnostic| {
            d.fix.as_ref().is_some_and(|f| f.applicability != Applicability::DisplayOnly)
        };
        let all_fixable = !ours.is_empty() && ours.iter().all(applicable);

        // A suggestion that is only shown, made by hand, still gives a template that loads.
        for fix in ours.iter().filter_map(|d| d.fix.as_ref()).filter(|f| f.applicability == Applicability::DisplayOnly)
        {
            let reps: Vec<Replacement> = fix.edits.iter().map(|e| Replacement::new(e.span, e.text.clone())).collect();
            let made = rotlint::fix::apply(&original, &reps).expect("a suggestion applies to its text");
            let loaded = rotlint::source::load_bytes(
                rotlint::diagnostic::FileId(0),
                &file,
                made.as_bytes(),
                &rotlint::source::Limits::default(),
            );
            let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.rule == "RL001" || d.rule == "RL002").collect();
            assert!(errors.is_empty(), "{}: the suggestion does not load: {errors:?}\n{made}", fixture.display());
            *shown.entry(meta.id).or_default() += 1;
        }

        // The first pass, by hand: only the edit spans change.
        let fixes: Vec<Vec<Replacement>> = before
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .filter(|f| f.applicability != Applicability::DisplayOnly)
            .map(|f| f.edits.iter().map(|e| Replacement::new(e.span, e.text.clone())).collect())
            .collect();
        let applied = apply_fixes(&original, &fixes);
        let made: Vec<Replacement> = applied.applied.iter().flat_map(|&i| fixes[i].iter().cloned()).collect();
        assert!(unchanged_outside(&original, &applied.text, &made), "{}", fixture.display());

        let outcome = session::run(&paths, &options(), true, None).expect("fix");
        let after = &outcome.result;
        let shown = fixture.display();
        assert!(!after.diagnostics.iter().any(|d| d.rule == "RL001"), "{shown}: no longer parses");
        let (was, now) = (counts(&before), counts(after));
        for (key, count) in &now {
            assert!(was.get(key).copied().unwrap_or(0) >= *count, "{shown}: new finding {key:?}");
        }
        assert!(outcome.restored.is_empty(), "{shown}: restored {:?}", outcome.restored);
        if all_fixable {
            assert!(!after.diagnostics.iter().any(|d| d.is(meta)), "{shown}: {} still fires", meta.id);
            assert_eq!(outcome.changed.len(), 1, "{shown}");
            *exercised.entry(meta.id).or_default() += 1;
        }

        // Fixed once, nothing left to fix.
        if let Some(changed) = outcome.changed.first() {
            std::fs::write(&file, changed.fixed.as_bytes()).expect("write fixed");
            let again = session::run(&paths, &options(), true, None).expect("fix again");
            assert!(again.changed.is_empty(), "{shown}: a second --fix changes the file");
        }
    }
    // Every rule that offers fixes has a fail fixture whose fix is applied and works, or (a rule
    // whose fixes are only shown) whose suggestion loads.
    for meta in catalog::ALL.iter().filter(|m| m.has_fix) {
        let ok = exercised.contains_key(meta.id) || shown.contains_key(meta.id);
        assert!(ok, "{}: no fail fixture exercises the fix", meta.id);
    }
    for rule in ["RL107", "RL203", "RL403", "RL404"] {
        assert!(exercised.contains_key(rule), "{rule}: no fail fixture applies its fix");
    }
    assert!(shown.contains_key("RL101"), "RL101: no fail fixture shows its suggestion");
    let _ = std::fs::remove_dir_all(&dir);
}
