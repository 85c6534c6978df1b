//! A unified diff of two texts, line by line, as `diff -u` and `git diff` print it.
//!
//! Lines common to both ends are set aside first; the rest is matched by a longest-common-
//! subsequence table. A fix changes a few lines of a template, so that middle is small; when it is
//! not (over [`MAX_CELLS`] table cells), the middle is shown as removed then added, which is still
//! a correct diff, only a longer one.

/// Largest LCS table (rows × columns) built; beyond it the changed middle is not aligned.
pub const MAX_CELLS: usize = 4_000_000;

/// Lines of context around each change.
const CONTEXT: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Equal,
    Delete,
    Insert,
}

/// The diff from `old` to `new` with `--- a/<path>` and `+++ b/<path>` headers; empty when the
/// texts are equal. Lines keep their own endings (a CRLF file shows `\r` before each newline); a
/// last line without one is followed by `\ No newline at end of file`.
pub fn unified(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = script(&a, &b);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    // Old and new line numbers before each op.
    let mut at = Vec::with_capacity(ops.len() + 1);
    let (mut i, mut j) = (0, 0);
    for op in &ops {
        at.push((i, j));
        match op {
            Op::Equal => (i, j) = (i + 1, j + 1),
            Op::Delete => i += 1,
            Op::Insert => j += 1,
        }
    }
    at.push((i, j));
    let mut k = 0;
    while let Some(first) = (k..ops.len()).find(|&x| ops[x] != Op::Equal) {
        let start = first.saturating_sub(CONTEXT).max(k);
        let mut last = first;
        while let Some(next) = (last + 1..ops.len()).find(|&x| ops[x] != Op::Equal) {
            if next - last - 1 > 2 * CONTEXT {
                break;
            }
            last = next;
        }
        let end = (last + 1 + CONTEXT).min(ops.len());
        let ((i0, j0), (i1, j1)) = (at[start], at[end]);
        out.push_str(&format!("@@ -{} +{} @@\n", range(i0, i1 - i0), range(j0, j1 - j0)));
        for x in start..end {
            let (sign, line) = match ops[x] {
                Op::Equal => (' ', a[at[x].0]),
                Op::Delete => ('-', a[at[x].0]),
                Op::Insert => ('+', b[at[x].1]),
            };
            out.push(sign);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        k = end;
    }
    out
}

/// `start,count` of a hunk side (1-based; an empty side names the line before it).
fn range(start: usize, count: usize) -> String {
    match count {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{count}", start + 1),
    }
}

/// The edit script from `a` to `b`.
fn script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops = vec![Op::Equal; prefix];
    let (n, m) = (a_mid.len(), b_mid.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        ops.extend(std::iter::repeat_n(Op::Delete, n));
        ops.extend(std::iter::repeat_n(Op::Insert, m));
    } else {
        // lcs[i][j]: longest common subsequence of a_mid[i..] and b_mid[j..].
        let width = m + 1;
        let mut lcs = vec![0u32; (n + 1) * width];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * width + j] = if a_mid[i] == b_mid[j] {
                    lcs[(i + 1) * width + j + 1] + 1
                } else {
                    lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && a_mid[i] == b_mid[j] {
                ops.push(Op::Equal);
                (i, j) = (i + 1, j + 1);
            } else if i < n && (j == m || lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
                // Removals first, as `diff` prints a changed line.
                ops.push(Op::Delete);
                i += 1;
            } else {
                ops.push(Op::Insert);
                j += 1;
            }
        }
    }
    ops.extend(std::iter::repeat_n(Op::Equal, suffix));
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies a unified diff to `old` (hunks in order, context checked): what `patch` would do.
    fn patch(old: &str, diff: &str) -> String {
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut next = 0;
        let mut lines = diff.split_inclusive('\n').skip(2).peekable();
        while let Some(header) = lines.next() {
            let old_range = header.trim_start_matches("@@ -").split(' ').next().expect("range");
            let mut parts = old_range.split(',');
            let start: usize = parts.next().expect("start").parse().expect("number");
            let count: usize = parts.next().map_or(1, |c| c.parse().expect("count"));
            let start = if count == 0 { start } else { start - 1 };
            out.extend(a[next..start].iter().copied());
            next = start;
            while let Some(line) = lines.next_if(|l| !l.starts_with("@@")) {
                let no_newline = lines.next_if(|l| l.starts_with('\\')).is_some();
                let body = &line[1..];
                let body = if no_newline { body.strip_suffix('\n').expect("newline") } else { body };
                match line.as_bytes()[0] {
                    b' ' => {
                        assert_eq!(a[next], body);
                        out.push_str(body);
                        next += 1;
                    }
                    b'-' => {
                        assert_eq!(a[next], body);
                        next += 1;
                    }
                    b'+' => out.push_str(body),
                    other => panic!("bad diff line {other}"),
                }
            }
        }
        out.extend(a[next..].iter().copied());
        out
    }

    #[test]
    fn one_changed_line_with_three_lines_of_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified("t.yaml", old, new),
            "--- a/t.yaml\n+++ b/t.yaml\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"
        );
        assert_eq!(unified("t.yaml", old, old), "");
    }

    #[test]
    fn distant_changes_make_two_hunks_and_near_ones_one() {
        let old: String = (1..=20).map(|n| format!("{n}\n")).collect();
        let far = old.replace("\n2\n", "\ntwo\n").replace("\n18\n", "\n18\n18b\n");
        let diff = unified("f", &old, &far);
        assert_eq!(diff.matches("@@ -").count(), 2, "{diff}");
        assert!(diff.contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n"), "{diff}");
        assert!(diff.contains("@@ -16,5 +16,6 @@\n 16\n 17\n 18\n+18b\n 19\n 20\n"), "{diff}");
        assert_eq!(patch(&old, &diff), far);
        let near = old.replace("\n5\n", "\nfive\n").replace("\n10\n", "\nten\n");
        assert_eq!(unified("f", &old, &near).matches("@@ -").count(), 1);
    }

    #[test]
    fn insertion_at_the_start_and_a_missing_final_newline() {
        let diff = unified("f", "a\nb", "x\na\nb\nc");
        assert_eq!(
            diff,
            "--- a/f\n+++ b/f\n@@ -1,2 +1,4 @@\n+x\n a\n-b\n\\ No newline at end of file\n+b\n+c\n\\ No newline at end of file\n"
        );
        assert_eq!(patch("a\nb", &diff), "x\na\nb\nc");
        assert_eq!(unified("f", "", "a\n"), "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+a\n");
    }

    #[test]
    fn diffs_patch_back_to_the_new_text() {
        // Small pseudo-random edits of a text: the diff always rebuilds the new text.
        let base: Vec<String> = (0..40).map(|n| format!("line {}\r\n", n % 7)).collect();
        let mut seed = 7u64;
        for _ in 0..200 {
            let mut lines = base.clone();
            for _ in 0..4 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let at = (seed >> 33) as usize % (lines.len() + 1);
                match (seed >> 20) % 3 {
                    0 if at < lines.len() => drop(lines.remove(at)),
                    1 if at < lines.len() => lines[at] = format!("changed {seed}\r\n"),
                    _ => lines.insert(at, "new\r\n".to_owned()),
                }
            }
            let (old, new) = (base.concat(), lines.concat());
            assert_eq!(patch(&old, &unified("f", &old, &new)), new);
        }
    }

    #[test]
    fn a_huge_middle_is_shown_whole() {
        let old: String = (0..3000).map(|n| format!("{n}\n")).collect();
        let new: String = (0..3000).map(|n| format!("{}\n", n * 7)).collect();
        let diff = unified("f", &old, &new);
        assert_eq!(patch(&old, &diff), new);
    }
}
