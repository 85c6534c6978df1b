//! Lints every template of the shared corpus (../shared/corpus, 2,859 real public templates):
//! no panic, no hang, and every file either loads or gets a located load finding. The corpus is
//! not part of this repository; where it is absent the test says so and passes.

use std::path::{Path, PathBuf};

use rotlint::lint::{Options, lint_paths};

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e != "tsv") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_corpus_template_lints_without_crashing() {
    let Some(dir) = corpus_dir() else {
        eprintln!("../shared/corpus is absent: corpus test skipped");
        return;
    };
    let files = files_under(&dir);
    assert!(files.len() > 2000, "corpus looks incomplete: {} files", files.len());
    let outcome = lint_paths(&files, &Options::default()).expect("lint runs");
    assert_eq!(outcome.files.len(), files.len(), "every file is reported on");
    for d in &outcome.diagnostics {
        let file = outcome.file(d.primary.file).expect("file id valid");
        let (line, column) = file.line_col(d.primary.span.start);
        assert!(line >= 1 && column >= 1, "{}: {} without a position", file.display_path(), d.rule);
        assert!(rotlint::catalog::by_id(&d.rule).is_some(), "unknown rule id {}", d.rule);
    }
    let load_errors =
        outcome.diagnostics.iter().filter(|d| matches!(d.rule.as_ref(), "RL001" | "RL002" | "RL004")).count();
    eprintln!("corpus: {} files, {} findings, {} load findings", files.len(), outcome.diagnostics.len(), load_errors);
}

/// The whole corpus as one run (cross-stack grafts included) gives the same JSON bytes with one
/// or two threads, and whether exporters stay parsed between passes or are parsed again.
#[test]
fn corpus_output_does_not_depend_on_threads_or_kept_templates() {
    let Some(dir) = corpus_dir() else {
        eprintln!("../shared/corpus is absent: corpus determinism test skipped");
        return;
    };
    let render = |threads, keep_parsed_bytes| {
        let options = Options { threads: Some(threads), keep_parsed_bytes, ..Options::default() };
        rotlint::report::json::render(&lint_paths(std::slice::from_ref(&dir), &options).expect("lint runs"))
    };
    let one = render(1, None);
    assert!(one.contains("\"RL101\""), "the corpus has rotation findings");
    assert!(one == render(2, None), "1 and 2 threads differ");
    assert!(one == render(2, Some(0)), "kept and re-parsed exporters differ");
}
