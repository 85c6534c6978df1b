//! Finding fingerprints, shared by SARIF (`partialFingerprints["rotlint/v1"]`) and baselines:
//! identify a finding across runs so code scanning keeps one alert per problem and a baseline
//! keeps matching. Built from what names the problem (rule, file, resource logical ids,
//! message) and never from positions, so edits elsewhere in the file leave it unchanged.

use std::collections::BTreeMap;

use std::path::Path;

use crate::diagnostic::{Diagnostic, FileId};
use crate::lint::LintResult;

pub const KEY: &str = "rotlint/v1";

/// How fingerprints name each file of the run: its path relative to [`LintResult::root`] with
/// forward slashes (`stacks/db.yaml` whether the run said `stacks`, `./stacks/`, an absolute
/// path, or ran `rotlint .` inside `stacks`), symlinks resolved; the absolute path for a file
/// outside the root. Without a working directory (`cwd` `None`), the path as given, normalised.
pub fn file_keys(outcome: &LintResult, cwd: Option<&Path>) -> Vec<String> {
    let slashes = |p: &Path| p.to_string_lossy().replace('\\', "/");
    let (Some(cwd), Some(root)) = (cwd, outcome.root.as_deref()) else {
        return outcome
            .files
            .iter()
            .map(|f| {
                slashes(&crate::files::lexical_absolute(&f.path, Path::new("/"))).trim_start_matches('/').to_owned()
            })
            .collect();
    };
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    outcome
        .files
        .iter()
        .map(|f| {
            let absolute = std::fs::canonicalize(cwd.join(&f.path))
                .unwrap_or_else(|_| crate::files::lexical_absolute(&f.path, cwd));
            match absolute.strip_prefix(&root) {
                Ok(relative) => slashes(relative),
                Err(_) => slashes(&absolute),
            }
        })
        .collect()
}

/// One fingerprint per diagnostic, in order. Findings that would share a fingerprint (the same
/// problem twice in one resource) are told apart by their rank in file order, which insertions
/// above them do not change.
pub fn partial_fingerprints<'a>(diagnostics: &[Diagnostic], uri: impl Fn(FileId) -> &'a str) -> Vec<String> {
    let mut seen: BTreeMap<u64, u64> = BTreeMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let base = fnv1a64(identity(d, uri(d.primary.file)).as_bytes());
            let rank = seen.entry(base).or_insert(0);
            *rank += 1;
            let hash = if *rank == 1 { base } else { fnv1a64(format!("{base:016x}#{rank}").as_bytes()) };
            format!("{hash:016x}")
        })
        .collect()
}

/// The text that names a finding. Digits in the message are blanked: loader messages quote
/// line and column numbers, and those move when lines are inserted above.
fn identity(d: &Diagnostic, uri: &str) -> String {
    let message: String = d.message.chars().map(|c| if c.is_ascii_digit() { '0' } else { c }).collect();
    let related: Vec<&str> = d.related.iter().map(|l| l.resource.as_deref().unwrap_or("")).collect();
    [KEY, &d.rule, uri, d.primary.resource.as_deref().unwrap_or(""), &d.primary.message, &message, &related.join(",")]
        .join("\u{0}")
}

/// FNV-1a, 64 bits: tiny, stable across platforms and releases (unlike `DefaultHasher`).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Level;
    use crate::source::tree::Span;

    #[test]
    fn fnv_matches_the_reference_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn positions_do_not_matter_but_duplicates_are_told_apart() {
        let at = |start: usize, msg: &str| {
            Diagnostic::with_rule("RL001", Level::Error, FileId(0), Span::new(start, start + 1), msg).resource("Fn")
        };
        let moved = partial_fingerprints(&[at(10, "bad at line 3")], |_| "a.yaml");
        let original = partial_fingerprints(&[at(99, "bad at line 7")], |_| "a.yaml");
        assert_eq!(moved, original);
        let twice = partial_fingerprints(&[at(1, "x"), at(5, "x")], |_| "a.yaml");
        assert_ne!(twice[0], twice[1]);
        assert_eq!(twice[0].len(), 16);
        let other_file = partial_fingerprints(&[at(1, "x")], |_| "b.yaml");
        assert_ne!(other_file[0], twice[0]);
    }
}
