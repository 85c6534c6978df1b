//! Command-line definitions (clap derive). Parsing only; `main.rs` runs the commands.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "rotlint",
    version,
    about = "Checks that secret-rotation Lambdas in CloudFormation/SAM templates can reach Secrets Manager and their database",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub lint: LintArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the documentation of a rule, e.g. `rotlint explain RL101`.
    Explain {
        /// Rule id or name.
        rule: String,
    },
    /// List every rule with its id, name, default level and documentation link.
    Rules(RulesArgs),
    /// Print a shell completion script, e.g. `rotlint completions bash > /etc/bash_completion.d/rotlint`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `rotlint man > /usr/local/share/man/man1/rotlint.1`.
    Man,
    /// Show how every rotation function reaches (or fails to reach) Secrets Manager and its database,
    /// and every VPC Lambda function and Fargate task the AWS services it needs.
    Paths(PathsArgs),
    /// Run as a language server (LSP over standard input and output) for editors.
    Lsp(LspArgs),
}

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Configuration file (default: the nearest .rotlint.toml from the working directory up).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct PathsArgs {
    /// Files and directories (default: `.`).
    pub paths: Vec<PathBuf>,

    /// Output format: a hop list, JSON, or a diagram per function.
    #[arg(long, value_enum, default_value_t = PathsFormat::Text)]
    pub format: PathsFormat,

    /// Write the output to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Configuration file, as for linting (default: the nearest .rotlint.toml from the working
    /// directory up).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Parameter values, as for linting.
    #[arg(long, value_name = "FILE")]
    pub parameters: Option<PathBuf>,

    /// One parameter value, `Key=Value` (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameter: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format: one line per rule, or a JSON document.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PathsFormat {
    Text,
    Json,
    Mermaid,
    Dot,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// Files and directories to lint (directories are walked, honouring .gitignore; a directory
    /// named here is walked even when git-ignored). `-` reads one template from standard input.
    /// Default: `.`
    pub paths: Vec<PathBuf>,

    /// Report only these rules: ids or names, comma-separated or repeated
    /// (`--select RL101,nat-exposure`).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Never report these rules: ids or names, comma-separated or repeated (wins over --select).
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// The name of the template read from standard input (`-`), for messages and for matching
    /// .rotlint.toml globs. Default: `<stdin>`
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Report format [default: text]. Repeatable with `=FILE`: `--format sarif=rotlint.sarif
    /// --format text` writes both from one run. A format without `=FILE` goes to standard output
    /// (or to `-o FILE`); at most one may.
    #[arg(long, visible_alias = "output-format", value_name = "FORMAT[=FILE]", value_parser = FormatSpecParser)]
    pub format: Vec<FormatSpec>,

    /// Text and compact reports list only the findings that fail the run (unsuppressed, at or above
    /// --fail-level); text still ends with the summary. Other formats stay complete.
    #[arg(short, long)]
    pub quiet: bool,

    /// Exit with 1 when an unsuppressed finding at or above this level exists [default: error,
    /// or `fail-level` from .rotlint.toml].
    #[arg(long, value_enum)]
    pub fail_level: Option<FailLevel>,

    /// Configuration file (default: the nearest .rotlint.toml from the working directory up). Its
    /// globs are relative to its own directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Colour in text output. `auto` colours a terminal unless NO_COLOR is set, CLICOLOR is 0 or
    /// TERM is dumb; CLICOLOR_FORCE (not 0) colours even a pipe or a file.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Write the report to FILE instead of standard output (the report of the `--format` given
    /// without `=FILE`).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Parameter values (AWS CLI JSON list, `{"Parameters": {...}}` or a plain object); they
    /// replace the templates' defaults. A name no linted template declares, or a value outside
    /// the AllowedValues of one that does, exits 2.
    #[arg(long, value_name = "FILE")]
    pub parameters: Option<PathBuf>,

    /// One parameter value, `Key=Value` (repeatable; wins over --parameters; checked the same way).
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameter: Vec<String>,

    /// Worker threads (default: one per core, at most 256). Output is identical whatever the count.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,

    /// Report only findings whose fingerprint is not in this baseline file (fingerprints name
    /// files from the repository root, so any spelling of the paths matches).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the fingerprints of today's findings to FILE (then use it with --baseline) and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,

    /// AWS CloudFormation Guard rule file, or directory of `*.guard` files, checked against every
    /// template in the same run (repeatable; adds to `guard-rules` in .rotlint.toml).
    #[arg(long = "guard-rules", value_name = "PATH")]
    pub guard_rules: Vec<PathBuf>,

    /// Skip named files without a top-level `Resources` or `AWSTemplateFormatVersion` key (for
    /// pre-commit hooks).
    #[arg(long)]
    pub only_templates: bool,

    /// Only load the files and report load findings (RL001-RL005): the parsing floor that
    /// benchmarks compare against.
    #[arg(long)]
    pub parse_only: bool,

    /// Apply the safe fixes findings offer to the linted files, lint again (up to 10 passes), and
    /// report what remains. A file that stops parsing or gains a finding is put back as it was.
    #[arg(long, conflicts_with_all = ["write_baseline", "parse_only"])]
    pub fix: bool,

    /// With --fix or --diff, apply the unsafe fixes too (they change behaviour: review them).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change on standard output and write nothing;
    /// exit 1 when there is something to change.
    #[arg(long, conflicts_with_all = ["fix", "write_baseline", "parse_only", "format", "output"])]
    pub diff: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// SARIF 2.1.0 for code scanning and IDEs.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One line per unsuppressed finding: `path:line:col: level[RULE] message`.
    Compact,
    /// JUnit XML for CI test reports: one test suite per file, one test case per finding.
    Junit,
}

/// One report of a run: its format and, with `FORMAT=FILE`, its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    pub format: Format,
    pub file: Option<PathBuf>,
}

/// Parses `FORMAT` or `FORMAT=FILE`, offering the formats as possible values (help, completions).
#[derive(Clone, Copy, Debug)]
struct FormatSpecParser;

impl clap::builder::TypedValueParser for FormatSpecParser {
    type Value = FormatSpec;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<FormatSpec, clap::Error> {
        let invalid = |message: String| {
            let arg = arg.map_or_else(|| "--format".to_owned(), ToString::to_string);
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("invalid value for {arg}: {message}\n"))
                .with_cmd(cmd)
        };
        let text =
            value.to_str().ok_or_else(|| invalid("`FORMAT=FILE` must be UTF-8; use -o for other paths".into()))?;
        let (name, file) = match text.split_once('=') {
            Some((_, "")) => return Err(invalid(format!("`{text}` names no file after `=`"))),
            Some((name, file)) => (name, Some(PathBuf::from(file))),
            None => (text, None),
        };
        let format = Format::from_str(name, true).map_err(|_| {
            let names: Vec<_> = Format::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value())
                .map(|v| v.get_name().to_owned())
                .collect();
            invalid(format!("unknown format `{name}` (possible: {})", names.join(", ")))
        })?;
        Ok(FormatSpec { format, file })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(Format::value_variants().iter().filter_map(ValueEnum::to_possible_value)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    Error,
    Warning,
    Note,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
