//! Invariants of the registry: unique ids and names, docs with the fixed headings, fixtures
//! present, no orphaned testdata folder, and the README's rule table in sync.

use std::collections::BTreeSet;
use std::path::Path;

use super::{ALL, harness};

const HEADINGS: &[&str] = &["## What it does", "## Why it matters", "## Example", "## Fix", "## References"];

#[test]
fn ids_and_names_are_unique_and_well_formed() {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for rule in ALL {
        let m = rule.meta();
        assert!(ids.insert(m.id), "duplicate id {}", m.id);
        assert!(names.insert(m.name), "duplicate name {}", m.name);
        assert!(m.id.len() == 5 && m.id.starts_with("RL"), "bad id {}", m.id);
        assert!(m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "bad name {}", m.name);
        assert!(!m.summary.ends_with('.'), "{}: summary ends with a period", m.id);
    }
    let sorted: Vec<_> = ALL.iter().map(|r| r.meta().id).collect();
    assert!(sorted.windows(2).all(|w| w[0] < w[1]), "registry not in id order");
}

#[test]
fn every_rule_has_docs_with_the_fixed_headings() {
    for rule in ALL {
        let m = rule.meta();
        let title = format!("# {} {}\n", m.id, m.name);
        assert!(m.docs.starts_with(&title), "{}: doc must start with `{}`", m.id, title.trim());
        let level = format!("Level: {}", m.level.as_str());
        assert!(m.docs.contains(&level), "{}: doc lacks `{level}`", m.id);
        let mut last = 0;
        for heading in HEADINGS {
            let Some(at) = m.docs.find(heading) else { panic!("{}: doc lacks `{heading}`", m.id) };
            assert!(at >= last, "{}: `{heading}` out of order", m.id);
            last = at;
        }
    }
}

#[test]
fn every_rule_has_fixtures_and_no_testdata_folder_is_orphaned() {
    for rule in ALL {
        let id = rule.meta().id;
        for kind in ["pass", "fail"] {
            let dir = Path::new("testdata").join(id).join(kind);
            assert!(!harness::fixtures(&dir).is_empty(), "{id}: no fixtures in {}", dir.display());
        }
    }
    let known: BTreeSet<_> = ALL.iter().map(|r| r.meta().id.to_owned()).collect();
    for entry in std::fs::read_dir("testdata").into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("RL") {
            assert!(known.contains(&name), "testdata/{name} belongs to no registered rule");
        }
    }
}

#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string("README.md").unwrap_or_default();
    for rule in ALL {
        let m = rule.meta();
        let row = format!("| {} | `{}` | {} |", m.id, m.name, m.level.as_str());
        assert!(readme.contains(&row), "README.md lacks the rule row `{row}`");
    }
}

#[test]
fn rule_filter_takes_ids_and_names_and_names_unknown_ones() {
    use super::RuleFilter;
    let f = RuleFilter::new(&["rl101".into(), "nat-exposure".into(), "GUARD:no_nat".into()], &["RL110".into()])
        .expect("known rules");
    assert!(f.keeps("RL101") && f.keeps("GUARD:no_nat"));
    assert!(!f.keeps("RL110"), "--ignore wins over --select");
    assert!(!f.keeps("RL304"), "not selected");
    let all = RuleFilter::new(&[], &["no-secrets-manager-path".into()]).expect("known");
    assert!(!all.keeps("RL101") && all.keeps("RL304"));
    let e = RuleFilter::new(&[], &["RL999".into()]).expect_err("unknown");
    assert!(e.contains("--ignore") && e.contains("`RL999`"), "{e}");
    assert!(RuleFilter::new(&["GUARD:".into()], &[]).is_err());
}
