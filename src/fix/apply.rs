//! Applying replacements to a text.
//!
//! A fix is a list of replacements that only make sense together. Within one fix the spans must not
//! overlap (such a fix is rejected whole); across fixes, the first ones win and a later fix that
//! touches what an earlier one changed is dropped, to be derived again on the new text.

use crate::source::tree::Span;

/// Replace the bytes `span` (an empty span inserts) with `text`. Offsets are into the text the
/// replacement was derived from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Replacement {
    pub span: Span,
    pub text: String,
}

impl Replacement {
    pub fn new(span: Span, text: impl Into<String>) -> Self {
        Replacement { span, text: text.into() }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Replacement { span: Span::empty_at(at), text: text.into() }
    }
}

/// Two replacements conflict when they touch the same bytes, or insert at the same offset (their
/// order would be a guess), or one inserts strictly inside the other's span.
fn conflict(a: &Replacement, b: &Replacement) -> bool {
    let (a, b) = (a.span, b.span);
    match (a.is_empty(), b.is_empty()) {
        (true, true) => a.start == b.start,
        (true, false) => b.start < a.start && a.start < b.end,
        (false, true) => a.start < b.start && b.start < a.end,
        (false, false) => a.start < b.end && b.start < a.end,
    }
}

/// Every span lies in the text on character boundaries.
fn fits(text: &str, replacements: &[Replacement]) -> bool {
    replacements.iter().all(|r| {
        let (start, end) = (r.span.start as usize, r.span.end as usize);
        end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end)
    })
}

/// One fix applied: `None` when a span is outside the text or two of its replacements conflict.
pub fn apply(text: &str, replacements: &[Replacement]) -> Option<String> {
    if !fits(text, replacements) {
        return None;
    }
    let mut sorted: Vec<&Replacement> = replacements.iter().collect();
    sorted.sort_by_key(|r| (r.span.start, r.span.end));
    if sorted.windows(2).any(|w| conflict(w[0], w[1])) {
        return None;
    }
    let grow: usize = sorted.iter().map(|r| r.text.len()).sum();
    let mut out = String::with_capacity(text.len() + grow);
    let mut at = 0;
    for r in sorted {
        out.push_str(&text[at..r.span.start as usize]);
        out.push_str(&r.text);
        at = r.span.end as usize;
    }
    out.push_str(&text[at..]);
    Some(out)
}

const UTF8_BOM: &str = "\u{FEFF}";

/// One fix applied to a file's bytes. The loader strips a UTF-8 byte-order mark and spans index
/// the text after it, so the mark is set aside, the replacements made, and the mark put back.
/// `None` when the bytes are not UTF-8 or the fix does not apply.
pub fn apply_to_file(bytes: &[u8], replacements: &[Replacement]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (bom, text) = match text.strip_prefix(UTF8_BOM) {
        Some(rest) => (UTF8_BOM, rest),
        None => ("", text),
    };
    let fixed = apply(text, replacements)?;
    Some([bom.as_bytes(), fixed.as_bytes()].concat())
}

/// Several fixes applied together, in order of preference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub text: String,
    /// Indexes of the fixes applied.
    pub applied: Vec<usize>,
    /// Indexes of the fixes left out: invalid on their own or conflicting with an earlier one.
    pub dropped: Vec<usize>,
}

/// Applies every fix that is valid and does not conflict with one applied before it.
pub fn apply_fixes(text: &str, fixes: &[Vec<Replacement>]) -> Applied {
    let mut kept: Vec<Replacement> = Vec::new();
    let (mut applied, mut dropped) = (Vec::new(), Vec::new());
    for (index, fix) in fixes.iter().enumerate() {
        let valid = apply(text, fix).is_some();
        let clashes = fix.iter().any(|r| kept.iter().any(|k| conflict(r, k)));
        if valid && !clashes {
            kept.extend(fix.iter().cloned());
            applied.push(index);
        } else {
            dropped.push(index);
        }
    }
    let text = apply(text, &kept).unwrap_or_else(|| text.to_owned());
    Applied { text, applied, dropped }
}

/// True when `new` is `old` with exactly these replacements made: every byte of `old` outside the
/// spans is still there, in order, with nothing but the replacement texts between. Written apart
/// from [`apply`] so tests can check one against the other.
pub fn unchanged_outside(old: &str, new: &str, replacements: &[Replacement]) -> bool {
    let mut spans: Vec<&Replacement> = replacements.iter().collect();
    spans.sort_by_key(|r| (r.span.start, r.span.end));
    let (old, new) = (old.as_bytes(), new.as_bytes());
    let (mut from, mut cursor) = (0usize, 0usize);
    for r in spans {
        let (start, end) = (r.span.start as usize, r.span.end as usize);
        let Some(kept) = old.get(from..start) else { return false };
        if new.get(cursor..cursor + kept.len()) != Some(kept) {
            return false;
        }
        cursor += kept.len();
        if new.get(cursor..cursor + r.text.len()) != Some(r.text.as_bytes()) {
            return false;
        }
        cursor += r.text.len();
        from = end;
    }
    let rest = old.get(from..).unwrap_or_default();
    new.get(cursor..) == Some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(start: usize, end: usize, text: &str) -> Replacement {
        Replacement::new(Span::new(start, end), text)
    }

    #[test]
    fn replacements_apply_in_span_order_whatever_the_given_order() {
        let text = "a: 1\nb: 2\n";
        let reps = [rep(8, 9, "20"), rep(3, 4, "10"), Replacement::insert(10, "c: 3\n")];
        let out = apply(text, &reps).expect("applies");
        assert_eq!(out, "a: 10\nb: 20\nc: 3\n");
        assert!(unchanged_outside(text, &out, &reps));
        assert!(!unchanged_outside(text, "a: 10\nb: 20\nc: 4\n", &reps));
        assert!(!unchanged_outside(text, "a: 10\nb:  20\nc: 3\n", &reps));
    }

    #[test]
    fn overlapping_or_outside_spans_are_refused() {
        let text = "abcdef";
        assert_eq!(apply(text, &[rep(1, 3, "x"), rep(2, 4, "y")]), None);
        assert_eq!(apply(text, &[Replacement::insert(2, "x"), Replacement::insert(2, "y")]), None);
        assert_eq!(apply(text, &[rep(1, 4, "x"), Replacement::insert(2, "y")]), None);
        assert_eq!(apply(text, &[rep(5, 9, "x")]), None);
        assert_eq!(apply("é", &[rep(1, 2, "x")]), None, "not a character boundary");
        // Touching is not overlapping.
        assert_eq!(
            apply(text, &[rep(1, 3, "x"), rep(3, 4, "y"), Replacement::insert(4, "z")]).as_deref(),
            Some("axyzef")
        );
    }

    #[test]
    fn a_byte_order_mark_is_kept_and_not_counted() {
        let reps = [rep(3, 4, "2")];
        assert_eq!(apply_to_file("\u{FEFF}a: 1\n".as_bytes(), &reps).as_deref(), Some("\u{FEFF}a: 2\n".as_bytes()));
        assert_eq!(apply_to_file(b"a: 1\n", &reps).as_deref(), Some(&b"a: 2\n"[..]));
        assert_eq!(apply_to_file(b"a: \xff\n", &reps), None);
    }

    #[test]
    fn a_later_fix_that_conflicts_is_dropped() {
        let text = "k: v\n";
        let fixes = vec![
            vec![rep(3, 4, "w")],
            vec![rep(3, 4, "x")],
            vec![Replacement::insert(5, "z: 1\n")],
            vec![rep(0, 9, "")],
        ];
        let applied = apply_fixes(text, &fixes);
        assert_eq!(applied.text, "k: w\nz: 1\n");
        assert_eq!((applied.applied, applied.dropped), (vec![0, 2], vec![1, 3]));
    }
}
