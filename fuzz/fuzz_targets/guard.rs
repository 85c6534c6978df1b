//! Fuzz target: a Guard rule file and a template, both from the input (split at the first line
//! `#8<`), through rotlint's Guard loading (path and shape checks, cfn-guard's parser under
//! `catch_unwind`) and a lint with the rules that load. Any input must give a finding or a
//! `GuardError`, never a panic, abort or stack overflow. Needs `--features guard`.
#![no_main]

use std::path::PathBuf;
use std::sync::Arc;

mod scratch;

use libfuzzer_sys::fuzz_target;
use rotlint::diagnostic::Level;
use rotlint::guard::{RulePath, RuleSet};
use rotlint::lint::{Options, lint_paths};

fn scratch() -> &'static PathBuf {
    scratch::dir("guard")
}

fuzz_target!(|data: &[u8]| {
    let (rules, template) = match data.windows(4).position(|w| w == b"#8<\n") {
        Some(at) => (&data[..at], &data[at + 4..]),
        None => (data, &b"Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"[..]),
    };
    let rule_path = scratch().join("fuzz.guard");
    let template_path = scratch().join("fuzz.yaml");
    std::fs::write(&rule_path, rules).expect("write rules");
    std::fs::write(&template_path, template).expect("write template");
    let Ok(set) = RuleSet::load(&[RulePath::given(&rule_path)], Level::Error) else { return };
    let options = Options { threads: Some(1), guard: Some(Arc::new(set)), ..Options::default() };
    let outcome = lint_paths(&[template_path], &options).expect("an explicit existing file always lints");
    assert_eq!(outcome.files.len(), 1, "an explicit file is always reported");
});
