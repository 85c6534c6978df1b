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
    /// List every rule with its id, name and default level.
    Rules,
    /// Show how every rotation function reaches (or fails to reach) Secrets Manager and its database.
    Paths(PathsArgs),
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

    /// Parameter values, as for linting.
    #[arg(long, value_name = "FILE")]
    pub parameters: Option<PathBuf>,

    /// One parameter value, `Key=Value` (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    pub parameter: Vec<String>,
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

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Exit with 1 when an unsuppressed finding at or above this level exists [default: error,
    /// or `fail-level` from .rotlint.toml].
    #[arg(long, value_enum)]
    pub fail_level: Option<FailLevel>,

    /// Configuration file (default: the nearest .rotlint.toml from the working directory up). Its
    /// globs are relative to its own directory.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Colour in text output. `auto` colours a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Write the report to FILE instead of standard output.
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
