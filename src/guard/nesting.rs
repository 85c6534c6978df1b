//! The shape of a Guard rule file, measured before cfn-guard sees it: cfn-guard parses and
//! evaluates rules recursively, so a file of a few thousand nested blocks overflows the stack (an
//! abort, which `catch_unwind` cannot catch), and its parser takes time quadratic in the length
//! of an `or` chain (20,000 alternatives: minutes).

/// Deepest nesting of blocks, brackets and parentheses accepted (real rule files stay under 10).
pub const MAX_NESTING: usize = 64;

/// Most `or` alternatives in one file (the AWS Guard rules registry's files have at most 19).
pub const MAX_DISJUNCTIONS: usize = 1000;

/// Where a file goes over a limit: 1-based line and column, and which limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Over {
    pub line: u32,
    pub column: u32,
    /// Nesting (`true`) or `or` alternatives.
    pub nesting: bool,
}

/// The first place `text` goes over [`MAX_NESTING`] or [`MAX_DISJUNCTIONS`].
pub fn check(text: &str) -> Option<Over> {
    if let Some((line, column)) = too_deep(text, MAX_NESTING) {
        return Some(Over { line, column, nesting: true });
    }
    let (line, column) = too_many_disjunctions(text, MAX_DISJUNCTIONS)?;
    Some(Over { line, column, nesting: false })
}

/// Where the `max + 1`-th `or` (a whole word, any case, or `|OR|`) outside literals is.
fn too_many_disjunctions(text: &str, max: usize) -> Option<(u32, u32)> {
    let mut count = 0usize;
    let mut word = String::new();
    let mut at = (1, 0);
    for (line, column, c) in code(text).chain([(0, 0, ' ')]) {
        if c.is_alphanumeric() || c == '_' || c == '|' {
            if word.is_empty() {
                at = (line, column);
            }
            word.push(c);
            continue;
        }
        if word.eq_ignore_ascii_case("or") || word.eq_ignore_ascii_case("|or|") {
            count += 1;
            if count > max {
                return Some(at);
            }
        }
        word.clear();
    }
    None
}

/// Where the nesting of `text` first goes deeper than `max`, as a 1-based line and column.
pub fn too_deep(text: &str, max: usize) -> Option<(u32, u32)> {
    let mut depth = 0usize;
    for (line, column, c) in code(text) {
        match c {
            '{' | '(' | '[' => {
                depth += 1;
                if depth > max {
                    return Some((line, column));
                }
            }
            '}' | ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The characters of `text` outside strings, comments, regular expressions and
/// `<<custom messages>>` (a literal reads as one space), with their 1-based line and column.
fn code(text: &str) -> impl Iterator<Item = (u32, u32, char)> + '_ {
    let (mut line, mut column) = (1u32, 0u32);
    let mut chars = text.chars().peekable();
    // What ends the literal being skipped, if any.
    let mut until: Option<&str> = None;
    std::iter::from_fn(move || {
        loop {
            let c = chars.next()?;
            column += 1;
            if c == '\n' {
                let at = (line, column);
                (line, column) = (line + 1, 0);
                if until == Some("\n") {
                    until = None;
                }
                if until.is_none() {
                    return Some((at.0, at.1, ' '));
                }
                continue;
            }
            let Some(end) = until else {
                let opens = match c {
                    '#' => Some("\n"),
                    '"' => Some("\""),
                    '\'' => Some("'"),
                    '/' => Some("/"),
                    '<' if chars.peek() == Some(&'<') => {
                        chars.next();
                        column += 1;
                        Some(">>")
                    }
                    _ => None,
                };
                if opens.is_some() {
                    until = opens;
                    return Some((line, column, ' '));
                }
                return Some((line, column, c));
            };
            if c == '\\' && end != ">>" && end != "\n" {
                // An escaped character never ends the literal.
                if chars.next().is_some() {
                    column += 1;
                }
            } else if end == ">>" {
                if c == '>' && chars.peek() == Some(&'>') {
                    chars.next();
                    column += 1;
                    until = None;
                }
            } else if end.starts_with(c) {
                until = None;
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_brackets_outside_literals() {
        let rule = "rule r {\n  Resources.*[ Type == /[[[[/ ] { # {{{{\n    A == '{{{{' <<{{{{>>\n  }\n}\n";
        assert_eq!(too_deep(rule, 3), None);
        assert_eq!(too_deep(rule, 1), Some((2, 14)));
        let deep = format!("rule r {}{}", "{ a ".repeat(100), "}".repeat(100));
        assert_eq!(too_deep(&deep, MAX_NESTING), Some((1, 8 + 4 * 64)));
        assert_eq!(check(&deep), Some(Over { line: 1, column: 264, nesting: true }));
    }

    #[test]
    fn disjunctions_are_counted_as_words_outside_literals() {
        let rule = "rule r {\n  A == 'or' or B exists OR C |OR| D # or or\n  oracle == /or/ <<or>>\n}\n";
        assert_eq!(too_many_disjunctions(rule, 3), None);
        assert_eq!(too_many_disjunctions(rule, 2), Some((2, 30)));
        let long = format!("rule r {{ {} }}", vec!["A exists"; 1002].join(" or "));
        assert_eq!(check(&long).map(|o| o.nesting), Some(false));
    }
}
