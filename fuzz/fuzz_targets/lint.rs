//! Fuzz target: the whole lint of one template (load, model, evaluation, network graph, rules,
//! suppressions, every report format), as a `.yaml` and as a `.json` file.
//!
//! The library lints paths, not bytes, so each input is written to a per-process temp directory.
#![no_main]

use std::path::PathBuf;

mod scratch;

use libfuzzer_sys::fuzz_target;
use rotlint::lint::{Options, lint_paths};
use rotlint::report;

fn scratch() -> &'static PathBuf {
    scratch::dir("lint")
}

fuzz_target!(|data: &[u8]| {
    let options = Options { threads: Some(1), collect_paths: true, ..Options::default() };
    for name in ["fuzz.yaml", "fuzz.json"] {
        let path = scratch().join(name);
        std::fs::write(&path, data).expect("write input");
        let outcome = lint_paths(&[path], &options).expect("an explicit existing file always lints");
        assert_eq!(outcome.files.len(), 1, "an explicit file is always reported");
        let _ = report::json::render(&outcome);
        // `sarif::render` also asks git for provenance (a subprocess per input); build the log
        // directly instead.
        let _ = report::sarif::build(&outcome, Some(scratch()), None);
        let _ = report::compact::render(&outcome);
        let _ = report::github::render(&outcome);
        let _ = report::text::render(&outcome, report::text::TextOptions::default());
    }
});
