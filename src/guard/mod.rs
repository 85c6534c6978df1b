//! AWS CloudFormation Guard policies in the same run as rotlint's rules (`--guard-rules`).
//!
//! Rule files are read and syntax-checked once, up front. Each template is then given to Guard as
//! JSON with a computed `Rotlint` section (the reachability facts, see `document.rs` and
//! `rules/guard/README.md`); every failure becomes a finding `GUARD:<rule>` located by mapping
//! Guard's property path onto the spanned tree (`locate.rs`). A rule file Guard cannot evaluate on a template gives one `GUARD`
//! finding for that template and the run goes on.

mod document;
mod engine;
mod load;
mod locate;
mod nesting;
mod report;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, FileId, Level};
use crate::facts::Facts;
use crate::template::Template;

pub use document::{Budget, SECTION};
pub use load::RulePath;
use locate::locate;
use report::Failure;

/// Rule id prefix of every Guard finding; the bare prefix is the id of "Guard could not run".
pub const PREFIX: &str = "GUARD";

#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error("{}: cannot read Guard rules: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{}:{line}:{column}: Guard rules do not parse: {message}", path.display())]
    Syntax { path: PathBuf, line: u32, column: u32, message: String },
    #[error("{}: Guard rules do not parse: {message}", path.display())]
    SyntaxNoPosition { path: PathBuf, message: String },
    #[error("{}: no .guard files found", path.display())]
    NoRuleFiles { path: PathBuf },
    #[error("{}: cannot read Guard rules: {kind}", path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error("{}: cannot read Guard rules: larger than {} KiB", path.display(), limit / 1024)]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{}: cannot read Guard rules: not UTF-8 text", path.display())]
    NotText { path: PathBuf },
    #[error("{}: cannot read Guard rules: more than {limit} directory entries below it", path.display())]
    TooManyEntries { path: PathBuf, limit: usize },
    #[error(
        "{}: Guard rules named in the config must be files inside its directory `{}`",
        path.display(),
        dir.display()
    )]
    OutsideConfig { path: PathBuf, dir: PathBuf },
    #[error("{}:{line}:{column}: Guard rules {what}", path.display())]
    TooComplex { path: PathBuf, line: u32, column: u32, what: String },
}

/// One policy file, syntax-checked.
#[derive(Clone, Debug)]
pub struct RuleFile {
    pub path: PathBuf,
    /// The text as a JSON string literal, for cfn-guard's payload (quoted once per run).
    quoted: String,
    /// Names of the rules it declares, to say which file a failing rule came from.
    rules: Vec<String>,
}

impl RuleFile {
    fn new(path: PathBuf, text: String) -> RuleFile {
        let rules = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("rule")?.strip_prefix([' ', '\t'])?.split_whitespace().next())
            .map(|name| name.trim_end_matches('{').to_owned())
            .collect();
        let quoted = serde_json::Value::String(text).to_string();
        RuleFile { path, quoted, rules }
    }

    fn name(&self) -> String {
        self.path.display().to_string()
    }
}

/// The Guard policies of a run and the level their findings get.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub files: Vec<RuleFile>,
    pub level: Level,
    /// How large a document Guard is given (see [`document::Budget`]).
    pub budget: Budget,
}

impl RuleSet {
    /// Read every rule file (directories are searched for `*.guard` and `*.ruleset`, sorted) and
    /// check that each parses. See `load.rs` for what a path may name.
    pub fn load(paths: &[RulePath], level: Level) -> Result<RuleSet, GuardError> {
        let mut files = Vec::new();
        for path in paths {
            for file in load::rule_files(path)? {
                let text = load::read(&file)?;
                syntax_check(&file, &text)?;
                files.push(RuleFile::new(file, text));
            }
        }
        Ok(RuleSet { files, level, budget: Budget::default() })
    }

    /// Guard's findings on one template, evaluated under the scenario where conditions take the
    /// values the template's defaults give them: `facts` are that scenario's, the same the rules
    /// and `rotlint paths` read (built once per template by the engine).
    pub fn check(&self, file: FileId, facts: &Facts<'_>) -> Vec<Diagnostic> {
        let template = facts.template;
        if self.files.is_empty() || template.tree.root.is_none() {
            return Vec::new();
        }
        let document = match document::build(&template.tree, facts, &self.budget) {
            Ok(document) => document,
            Err(over) => return vec![self.over_budget(file, &over)],
        };
        let cx = Cx { set: self, file, template, document: &document };
        let all: Vec<&RuleFile> = self.files.iter().collect();
        // One Guard call for all files parses the document once. When it fails, one file is at
        // fault: run them one by one so only that file's findings are lost.
        let diagnostics = match cx.evaluate(&all) {
            Ok(found) => found,
            Err(_) if all.len() > 1 => all
                .iter()
                .flat_map(|rules| cx.evaluate(&[rules]).unwrap_or_else(|error| vec![cx.not_evaluated(rules, &error)]))
                .collect(),
            Err(error) => all.iter().map(|rules| cx.not_evaluated(rules, &error)).collect(),
        };
        let mut seen = BTreeSet::new();
        diagnostics.into_iter().filter(|d| seen.insert((d.rule.clone(), d.primary.span, d.message.clone()))).collect()
    }

    /// The one finding of a template too large for Guard: it says so instead of running it.
    fn over_budget(&self, file: FileId, over: &document::OverBudget) -> Diagnostic {
        let message =
            format!("Guard did not run on this template: it has {}, over rotlint's budget for Guard", over.what);
        Diagnostic::with_rule(PREFIX, self.level, file, over.span, message)
            .label("over the budget here")
            .help("cfn-guard's memory grows with the template's size and its time with the square of a mapping's width; split the template or move this data out of it")
    }
}

/// One template's Guard run.
struct Cx<'a> {
    set: &'a RuleSet,
    file: FileId,
    template: &'a Template,
    document: &'a document::Document,
}

impl Cx<'_> {
    fn evaluate(&self, files: &[&RuleFile]) -> Result<Vec<Diagnostic>, String> {
        let texts: Vec<&str> = files.iter().map(|f| f.quoted.as_str()).collect();
        let report = engine::evaluate(&texts, &self.document.json).map_err(|e| rename(&e, files))?;
        let failures = report::failures(&report).map_err(|e| format!("unreadable Guard report: {e}"))?;
        Ok(failures.iter().map(|f| self.finding(files, f)).collect())
    }

    fn finding(&self, files: &[&RuleFile], failure: &Failure) -> Diagnostic {
        let at = locate(&self.template.tree, &self.document.functions, failure.path.as_deref());
        let custom = failure.custom.as_ref();
        let id = custom.and_then(|c| c.id.as_deref()).unwrap_or(&failure.rule);
        let clause = rename(&failure.clause, files);
        let (message, label) = match custom.map(|c| c.message.as_str()).filter(|m| !m.is_empty()) {
            Some(m) => (m.to_owned(), clause),
            None => (clause, format!("Guard rule `{}`", failure.rule)),
        };
        let origin = files.iter().find(|f| f.rules.contains(&failure.rule)).map(|f| f.name());
        let help = custom.and_then(|c| c.fix.clone()).unwrap_or_else(|| match origin {
            Some(origin) => format!("see rule `{}` in `{origin}`", failure.rule),
            None => format!("see rule `{}` in the Guard rule files", failure.rule),
        });
        let mut d = Diagnostic::with_rule(PREFIX, self.set.level, self.file, at.span, message).label(label).help(help);
        d.rule = format!("{PREFIX}:{id}").into();
        d.primary.resource = at.resource;
        d
    }

    fn not_evaluated(&self, rules: &RuleFile, error: &str) -> Diagnostic {
        let at = locate(&self.template.tree, &BTreeMap::new(), None);
        let message = format!("Guard could not evaluate `{}` on this template: {error}", rules.name());
        Diagnostic::with_rule(PREFIX, self.set.level, self.file, at.span, message)
            .label("not checked by this rule file")
            .help("fix the rule file; the other rule files and rotlint's own rules still ran")
    }
}

/// Guard calls its payload inputs `RULES_STDIN[n]` and `DATA_STDIN[1]` in messages.
fn rename(text: &str, files: &[&RuleFile]) -> String {
    let mut out = text.replace("DATA_STDIN[1]", "the template");
    for (i, file) in files.iter().enumerate().rev() {
        out = out.replace(&format!("RULES_STDIN[{}]", i + 1), &file.name());
    }
    out
}

/// Nesting and `or` chains first (cfn-guard would overflow the stack, or take minutes), then
/// Guard's own parse. Error messages
/// quote a short, escaped excerpt only of a file that looks like Guard rules: a path may name any
/// file, and its content must not end up in a CI log.
fn syntax_check(path: &Path, text: &str) -> Result<(), GuardError> {
    if let Some(over) = nesting::check(text) {
        let what = if over.nesting {
            format!("nest deeper than {} levels", nesting::MAX_NESTING)
        } else {
            format!("have more than {} `or` alternatives", nesting::MAX_DISJUNCTIONS)
        };
        let (line, column) = (over.line, over.column);
        return Err(GuardError::TooComplex { path: path.to_path_buf(), line, column, what });
    }
    let name = path.display().to_string();
    let excerpts = load::looks_like_guard(path, text);
    engine::check_syntax(text, &name, excerpts).map_err(|e| match e.position {
        Some((line, column)) => GuardError::Syntax { path: path.to_path_buf(), line, column, message: e.message },
        None => GuardError::SyntaxNoPosition { path: path.to_path_buf(), message: e.message },
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::source::{Limits, load_bytes};

    fn run(rules: &str, template: &str, name: &str) -> Vec<(String, String, String)> {
        let files = vec![RuleFile::new(PathBuf::from("t.guard"), rules.to_owned())];
        let set = RuleSet { files, level: Level::Error, budget: Budget::default() };
        let loaded = load_bytes(FileId(0), Path::new(name), template.as_bytes(), &Limits::default());
        let template = Template::from_tree(FileId(0), loaded.tree);
        set.check(FileId(0), &Facts::build(&template, &BTreeMap::new(), &BTreeMap::new()))
            .into_iter()
            .map(|d| (d.rule.to_string(), template.tree.slice(d.primary.span).to_owned(), d.message))
            .collect()
    }

    #[test]
    fn failures_are_located_in_the_source_and_deduplicated() {
        let rules = "rule dns { Resources.*[ Type == 'AWS::EC2::VPCEndpoint' ] { Properties.PrivateDnsEnabled == true } }\nrule dns2 { Resources.*[ Type == 'AWS::EC2::VPCEndpoint' ] { Properties.PrivateDnsEnabled == true <<\n  id: dns\n  message: turn on private DNS\n>> } }\n";
        let found = run(
            rules,
            "Resources:\n  Ep:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      PrivateDnsEnabled: false\n",
            "t.yaml",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, "GUARD:dns");
        assert_eq!(found[0].1, "false");
        assert!(found[0].2.contains("PrivateDnsEnabled"), "{found:?}");
        assert_eq!(found[1].2, "turn on private DNS");
    }

    #[test]
    fn a_rule_file_guard_cannot_evaluate_gives_one_finding() {
        let found = run("rule r { %undefined == 1 }\n", "Resources:\n  A:\n    Type: X\n", "t.yaml");
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].0.as_str(), found[0].1.as_str()), ("GUARD", "Resources"));
        assert!(found[0].2.contains("t.guard"), "{found:?}");
    }

    #[test]
    fn rule_files_know_the_rules_they_declare() {
        let file = RuleFile::new(
            PathBuf::from("x.guard"),
            "rule a when %x !empty {\n  rule_b.c == 1\n}\n\trule b{ }\n".into(),
        );
        assert_eq!(file.rules, ["a", "b"]);
    }
}
