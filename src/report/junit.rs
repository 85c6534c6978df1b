//! `--format junit`: JUnit XML for CI test reports (GitLab, Jenkins, Azure Pipelines, GitHub test
//! reporters). One `<testsuite>` per linted file; one `<testcase>` per finding, which fails
//! (`<failure type="error">`) when it makes the exit code 1 (unsuppressed, at or above the fail
//! level), is `<skipped>` when suppressed, and passes with the finding in `<system-out>` otherwise.
//! A file without findings has one passing test case, so every linted file shows up.
//!
//! Only the elements and attributes of the common JUnit schema are written (no timestamps, so the
//! output is deterministic). Text from templates is escaped twice: [`human`] turns controls, line
//! breaks and bidi characters into `\u{..}` (XML 1.0 cannot carry most controls at all, even as
//! character references), then [`xml`] escapes markup characters.

use std::fmt::Write as _;

use super::escape::human;
use super::{docs_url, resolve, rule_name};
use crate::diagnostic::{Diagnostic, Level};
use crate::lint::LintResult;

/// The report; `fail` is the lowest level that fails the run (`--fail-level`).
pub fn render(outcome: &LintResult, fail: Level) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    let mut by_file: Vec<Vec<&Diagnostic>> = vec![Vec::new(); outcome.files.len()];
    for d in &outcome.diagnostics {
        if let Some(findings) = by_file.get_mut(d.primary.file.0 as usize) {
            findings.push(d);
        }
    }
    for (file, findings) in outcome.files.iter().zip(by_file) {
        let name = xml(&human(&file.display_path()), true);
        let mut cases = String::new();
        let (mut suite_failures, mut suite_skipped) = (0, 0);
        for d in &findings {
            let at = resolve(outcome, &d.primary);
            let case_name = xml(&format!("{} {} at {}:{}", human(&d.rule), rule_name(d), at.line, at.column), true);
            let _ = write!(cases, "    <testcase name=\"{case_name}\" classname=\"{name}\"");
            let body = xml(&details(outcome, d), false);
            match &d.suppressed {
                Some(s) => {
                    suite_skipped += 1;
                    let reason = xml(&format!("suppressed: {}", human(&s.reason)), true);
                    let _ = writeln!(cases, ">\n      <skipped message=\"{reason}\"/>\n    </testcase>");
                }
                None if d.level >= fail => {
                    suite_failures += 1;
                    let message = xml(&human(&d.message), true);
                    let _ = writeln!(
                        cases,
                        ">\n      <failure message=\"{message}\" type=\"{}\">{body}</failure>\n    </testcase>",
                        d.level.as_str()
                    );
                }
                None => {
                    let _ = writeln!(cases, ">\n      <system-out>{body}</system-out>\n    </testcase>");
                }
            }
        }
        if findings.is_empty() {
            let _ = writeln!(cases, "    <testcase name=\"rotlint\" classname=\"{name}\"/>");
        }
        let count = findings.len().max(1);
        let _ = write!(
            suites,
            "  <testsuite name=\"{name}\" tests=\"{count}\" failures=\"{suite_failures}\" errors=\"0\" skipped=\"{suite_skipped}\">\n{cases}  </testsuite>\n"
        );
        tests += count;
        failures += suite_failures;
        skipped += suite_skipped;
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"rotlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">"
    );
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

/// The finding as the compact format and the text format's trailer write it: location, level,
/// rule and message, then help, documentation and the explaining path, one line each.
fn details(outcome: &LintResult, d: &Diagnostic) -> String {
    let mut text = super::compact::line(outcome, d);
    if let Some(help) = &d.help {
        let _ = write!(text, "\nhelp: {}", human(help));
    }
    if let Some(url) = docs_url(d) {
        let _ = write!(text, "\ndocs: {url}");
    }
    if !d.related.is_empty() {
        text.push_str("\npath:");
    }
    for (n, hop) in d.related.iter().enumerate() {
        let at = resolve(outcome, hop);
        let resource = hop.resource.as_deref().map(|r| format!(" `{}`", human(r))).unwrap_or_default();
        let _ = write!(
            text,
            "\n  {}. {}:{}:{}{resource}: {}",
            n + 1,
            human(&at.file),
            at.line,
            at.column,
            human(&hop.message)
        );
    }
    text
}

/// Markup characters as entities; in an attribute value also quotes, and tabs and line breaks as
/// character references (attribute normalisation would turn them into spaces). The two noncharacters XML
/// 1.0 forbids, and any control [`human`] left, are written as `\u{..}`.
fn xml(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' | '\n' => out.push(c),
            '\u{fffe}' | '\u{ffff}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn xml_escapes_markup_breaks_controls_and_noncharacters() {
        assert_eq!(xml("a<b>&\"c'", true), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml("x\ny\tz\r", true), "x&#10;y&#9;z\\u{d}");
        assert_eq!(xml("x\ny\tz\r", false), "x\ny\tz\\u{d}");
        assert_eq!(xml("a<b>&\"c'", false), "a&lt;b&gt;&amp;\"c'");
        assert_eq!(xml("\u{1b}[31m\u{fffe}\u{85}", false), "\\u{1b}[31m\\u{fffe}\\u{85}");
        assert_eq!(xml("plain `Id` é 😀", true), "plain `Id` é 😀");
    }
}
