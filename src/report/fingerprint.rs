//! Stable finding fingerprints: rule, file path, resource and message, never line numbers, so a
//! finding keeps its fingerprint when unrelated lines move. Used by baselines and SARIF
//! `partialFingerprints`.

use crate::diagnostic::Diagnostic;
use crate::lint::Outcome;

/// 16 hex digits of FNV-1a over the identifying parts of a finding.
pub fn fingerprint(outcome: &Outcome, d: &Diagnostic) -> String {
    let path = outcome.file(d.primary.file).map(|f| f.display_path().replace('\\', "/")).unwrap_or_default();
    let parts = [d.rule, path.as_str(), d.primary.resource.as_deref().unwrap_or(""), d.message.as_str()];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
