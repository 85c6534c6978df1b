//! Invariants of the registry and the catalog: one check per catalog entry, unique ids and
//! names, categories that match the ids, docs with the fixed headings and no orphaned document,
//! fixtures present, no orphaned testdata folder, and the README's rule table in sync.

use std::collections::BTreeSet;
use std::path::Path;

use super::{ALL, Check, harness};
use crate::catalog::{self, Category, Precision, RuleMeta};

#[test]
fn the_registry_has_one_check_per_catalog_entry_in_catalog_order() {
    assert_eq!(ALL.len(), catalog::ALL.len(), "registry and catalog differ in length");
    for (rule, meta) in ALL.iter().zip(catalog::ALL) {
        assert!(std::ptr::eq(rule.meta, *meta), "registry has {} where the catalog has {}", rule.meta.id, meta.id);
    }
}

#[test]
fn categories_match_the_ids_and_set_the_precision() {
    for m in catalog::ALL {
        assert!(m.id.starts_with(m.category.id_prefix()), "{}: category {:?} is for other ids", m.id, m.category);
        // Loading and suppression facts are certain; notes say the analysis could not decide; a
        // network or configuration verdict rests on a model of AWS.
        let expected = match m.category {
            Category::Loading | Category::Suppressions => Precision::VeryHigh,
            Category::Notes => Precision::Medium,
            Category::SecretsManager
            | Category::Database
            | Category::Configuration
            | Category::Services
            | Category::Tasks => Precision::High,
        };
        assert_eq!(m.precision, expected, "{}: precision", m.id);
        // Notes say the analysis could not decide; a few verdicts are notes too (RL405: it works).
        if m.category == Category::Notes {
            assert_eq!(m.level, crate::diagnostic::Level::Note, "{}: notes are notes", m.id);
        }
    }
}

#[test]
fn only_template_rules_check_facts_and_only_loading_rules_forward() {
    for rule in ALL {
        let m = rule.meta;
        match rule.check {
            Check::File(_) => assert_eq!(m.category, Category::Loading, "{}: forwards loader findings", m.id),
            Check::Template(_) => assert_ne!(m.category, Category::Loading, "{}: loading rules see any file", m.id),
            Check::Elsewhere => assert_eq!(m.category, Category::Suppressions, "{}: made elsewhere", m.id),
        }
    }
}

#[test]
fn every_rule_document_belongs_to_a_rule() {
    let mut documents = 0;
    for entry in std::fs::read_dir("rules").into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".md").filter(|id| id.starts_with("RL")) else { continue };
        documents += 1;
        let meta: Option<&RuleMeta> = catalog::by_id(id);
        let on_disk = std::fs::read_to_string(entry.path()).unwrap_or_default();
        assert!(meta.is_some_and(|m| m.docs == on_disk), "rules/{name} is not the document of a catalog rule");
    }
    assert_eq!(documents, catalog::ALL.len(), "one document per rule");
}

const HEADINGS: &[&str] = &["## What it does", "## Why it matters", "## Example", "## Fix", "## References"];

#[test]
fn ids_and_names_are_unique_and_well_formed() {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for m in catalog::ALL {
        assert!(ids.insert(m.id), "duplicate id {}", m.id);
        assert!(names.insert(m.name), "duplicate name {}", m.name);
        assert!(m.id.len() == 5 && m.id.starts_with("RL"), "bad id {}", m.id);
        assert!(m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "bad name {}", m.name);
        assert!(!m.summary.ends_with('.'), "{}: summary ends with a period", m.id);
    }
    let sorted: Vec<_> = catalog::ALL.iter().map(|m| m.id).collect();
    assert!(sorted.windows(2).all(|w| w[0] < w[1]), "registry not in id order");
}

#[test]
fn every_rule_has_docs_with_the_fixed_headings() {
    for m in catalog::ALL {
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
    for m in catalog::ALL {
        let id = m.id;
        for kind in ["pass", "fail"] {
            let dir = Path::new("testdata").join(id).join(kind);
            assert!(!harness::fixtures(&dir).is_empty(), "{id}: no fixtures in {}", dir.display());
        }
    }
    let known: BTreeSet<_> = catalog::ALL.iter().map(|m| m.id.to_owned()).collect();
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
    for m in catalog::ALL {
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
