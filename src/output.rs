//! The reports of one lint run: which formats go where (`--format FORMAT[=FILE]`, `-o`), whether
//! text is coloured, and rendering each one.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rotlint::diagnostic::Level;
use rotlint::lint::LintResult;
use rotlint::report;

use crate::cli::{Color, Format, FormatSpec};

/// One report: its format and its file (`None`: standard output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub format: Format,
    pub path: Option<PathBuf>,
}

/// The reports `--format` and `-o` ask for: text on standard output by default; a format without
/// `=FILE` goes to `-o FILE` or standard output, and only one may. Two reports may not share a
/// file. The errors are for the user (exit 2).
pub fn targets(specs: &[FormatSpec], output: Option<&Path>) -> Result<Vec<Target>, String> {
    let default = [FormatSpec { format: Format::Text, file: None }];
    let specs = if specs.is_empty() { &default[..] } else { specs };
    let unnamed = specs.iter().filter(|s| s.file.is_none()).count();
    if unnamed > 1 {
        return Err(format!(
            "{unnamed} reports would go to {}; give all but one a file, e.g. `--format sarif=rotlint.sarif`",
            if output.is_some() { "the -o file" } else { "standard output" }
        ));
    }
    if unnamed == 0
        && let Some(output) = output
    {
        return Err(format!(
            "-o `{}` has no report to hold: every --format names its own file (write one as `--format FORMAT` to use -o)",
            output.display()
        ));
    }
    let targets: Vec<Target> = specs
        .iter()
        .map(|s| Target { format: s.format, path: s.file.clone().or_else(|| output.map(Path::to_path_buf)) })
        .collect();
    let files: Vec<&Path> = targets.iter().filter_map(|t| t.path.as_deref()).collect();
    for (i, a) in files.iter().enumerate() {
        if files[..i].iter().any(|b| a == b || rotlint::files::is_one_of(a, [b])) {
            return Err(format!("two reports would be written to `{}`", a.display()));
        }
    }
    Ok(targets)
}

/// Whether a text report is coloured. `--color always` and `never` decide. `auto` follows the
/// NO_COLOR (<https://no-color.org>) and CLICOLOR (<https://bixense.com/clicolors/>) conventions:
/// a non-empty NO_COLOR turns colour off; else CLICOLOR_FORCE (set, not `0`) turns it on even
/// into a pipe or a file; else CLICOLOR=0 turns it off; else a terminal is coloured unless
/// TERM is `dumb`.
pub fn color(choice: Color, to_terminal: bool, env: impl Fn(&str) -> Option<OsString>) -> bool {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    let is = |name: &str, value: &str| env(name).is_some_and(|v| v == value);
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto if set("NO_COLOR") => false,
        Color::Auto if set("CLICOLOR_FORCE") && !is("CLICOLOR_FORCE", "0") => true,
        Color::Auto if is("CLICOLOR", "0") => false,
        Color::Auto => to_terminal && !is("TERM", "dumb"),
    }
}

/// How the reports of a run are rendered.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// `--quiet`: text and compact show only the findings that fail the run.
    pub quiet: bool,
    /// The lowest level that fails the run.
    pub fail: Level,
}

pub fn render(outcome: &LintResult, format: Format, style: Style) -> String {
    let failing = style.quiet.then_some(style.fail);
    match format {
        Format::Text => report::text::render(
            outcome,
            report::text::TextOptions { color: style.color, failing, ..Default::default() },
        ),
        Format::Json => report::json::render(outcome),
        Format::Sarif => report::sarif::render(outcome),
        Format::Github => report::github::render(outcome),
        Format::Compact => report::compact::render_failing(outcome, failing),
        Format::Junit => report::junit::render(outcome, style.fail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn auto_colour_follows_no_color_clicolor_and_term() {
        let auto = |terminal, vars: &[(&str, &str)]| color(Color::Auto, terminal, env(vars));
        assert!(auto(true, &[]));
        assert!(auto(true, &[("TERM", "xterm-256color")]));
        assert!(!auto(false, &[]), "a pipe or a file is plain");
        assert!(!auto(true, &[("TERM", "dumb")]));
        assert!(!auto(true, &[("NO_COLOR", "1")]));
        assert!(auto(true, &[("NO_COLOR", "")]), "an empty NO_COLOR is unset");
        assert!(auto(false, &[("CLICOLOR_FORCE", "1")]));
        assert!(auto(true, &[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")]));
        assert!(!auto(false, &[("CLICOLOR_FORCE", "0")]));
        assert!(!auto(false, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins");
        assert!(!auto(true, &[("CLICOLOR", "0")]));
        assert!(color(Color::Always, false, env(&[("NO_COLOR", "1")])), "the flag wins");
        assert!(!color(Color::Never, true, env(&[("CLICOLOR_FORCE", "1")])));
    }

    #[test]
    fn targets_route_formats_to_files_and_one_stream() {
        let spec = |format, file: Option<&str>| FormatSpec { format, file: file.map(PathBuf::from) };
        let target = |format, path: Option<&str>| Target { format, path: path.map(PathBuf::from) };
        assert_eq!(targets(&[], None), Ok(vec![target(Format::Text, None)]));
        assert_eq!(targets(&[], Some(Path::new("r.txt"))), Ok(vec![target(Format::Text, Some("r.txt"))]));
        assert_eq!(
            targets(&[spec(Format::Sarif, Some("a.sarif")), spec(Format::Text, None)], Some(Path::new("r.txt"))),
            Ok(vec![target(Format::Sarif, Some("a.sarif")), target(Format::Text, Some("r.txt"))])
        );
        assert!(
            targets(&[spec(Format::Json, None), spec(Format::Text, None)], None)
                .is_err_and(|e| e.contains("2 reports"))
        );
        assert!(targets(&[spec(Format::Json, Some("x"))], Some(Path::new("r"))).is_err_and(|e| e.contains("-o `r`")));
        let same = [spec(Format::Json, Some("x")), spec(Format::Sarif, Some("x"))];
        assert!(targets(&same, None).is_err_and(|e| e.contains("`x`")));
    }
}
