//! Fuzz target: a run of several templates that may import from each other (cross-stack
//! `ImportValue`, nested stacks by local path), so grafting stacks into one another is exercised.
//!
//! The input is split at each line `#8<` into up to three files `stack0.yaml`, `stack1.yaml`,
//! `stack2.yaml` (a nested stack points at them as `./stack1.yaml`). The run is linted twice:
//! with exporters kept parsed between passes and with none kept; the findings must be the same.
#![no_main]

use std::path::PathBuf;

mod scratch;

use libfuzzer_sys::fuzz_target;
use rotlint::lint::{Options, lint_paths};
use rotlint::report;

fn scratch() -> &'static PathBuf {
    scratch::dir("world")
}

const SEPARATOR: &[u8] = b"\n#8<\n";

fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while parts.len() < 2 {
        let Some(at) = rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) else { break };
        parts.push(&rest[..at]);
        rest = &rest[at + SEPARATOR.len()..];
    }
    parts.push(rest);
    parts
}

fn findings(options: &Options) -> (Vec<String>, rotlint::lint::LintResult) {
    let outcome = lint_paths(&[scratch().clone()], options).expect("the scratch dir always lints");
    let lines = outcome.diagnostics.iter().map(|d| format!("{d:?}")).collect();
    (lines, outcome)
}

fuzz_target!(|data: &[u8]| {
    for i in 0..3 {
        let _ = std::fs::remove_file(scratch().join(format!("stack{i}.yaml")));
    }
    for (i, part) in split(data).into_iter().enumerate() {
        // Walked files must look like CloudFormation to be linted at all.
        let mut bytes = b"Resources: {}\n".to_vec();
        if part.windows(9).any(|w| w == b"Resources") {
            bytes.clear();
        }
        bytes.extend_from_slice(part);
        std::fs::write(scratch().join(format!("stack{i}.yaml")), bytes).expect("write input");
    }
    let kept = Options { threads: Some(1), collect_paths: true, ..Options::default() };
    let (with_kept, outcome) = findings(&kept);
    let reparsed = Options { keep_parsed_bytes: Some(0), ..kept };
    let (with_reparsed, _) = findings(&reparsed);
    assert_eq!(with_kept, with_reparsed, "keeping exporters parsed must not change findings");
    let _ = report::json::render(&outcome);
    let _ = report::sarif::build(&outcome, Some(scratch()), None);
    let _ = report::text::render(&outcome, report::text::TextOptions::default());
});
