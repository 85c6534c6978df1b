//! The `rotlint` binary: parse arguments, call the library, write the report, return 0/1/2.

mod cli;
mod output;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command, FailLevel, LintArgs, PathsArgs, PathsFormat, RulesFormat};
use rotlint::diagnostic::Level;
use rotlint::report::escape;
use rotlint::{catalog, lint, report, rules};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout with exit 0, usage errors to stderr.
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    match cli.command {
        Some(Command::Explain { rule }) => explain(&rule),
        Some(Command::Rules(args)) => list_rules(args.format),
        Some(Command::Completions { shell }) => {
            // Into memory first: clap_complete panics on a write error (a closed pipe).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "rotlint", &mut script);
            match write_output(None, &String::from_utf8_lossy(&script)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    print_write_error(None, &e);
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Man) => man(),
        Some(Command::Paths(args)) => run_paths(&args),
        Some(Command::Lsp(args)) => run_lsp(&args),
        None => run_lint(&cli.lint),
    }
}

/// `rotlint lsp`: exit 0 after `shutdown` then `exit`, 1 on an `exit` without `shutdown` (as the
/// protocol asks), 2 when the configuration or the connection fails.
fn run_lsp(args: &cli::LspArgs) -> ExitCode {
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // Any YAML or JSON file an editor opens reaches the server: only templates are linted.
    #[cfg(feature = "guard")]
    let guard = match load_guard(&[], &config) {
        Ok(g) => g,
        Err(code) => return code,
    };
    #[cfg(not(feature = "guard"))]
    if let Err(code) = refuse_guard(&[], &config) {
        return code;
    }
    let options = lint::Options {
        config,
        only_templates: true,
        #[cfg(feature = "guard")]
        guard,
        ..lint::Options::default()
    };
    match rotlint::lsp::run_stdio(options, args.config.clone()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            print_error(&e);
            ExitCode::from(2)
        }
    }
}

fn explain(id: &str) -> ExitCode {
    match catalog::lookup(id) {
        Some(rule) => {
            print!("{}", rule.docs);
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("rotlint: no rule `{id}`; `rotlint rules` lists them");
            ExitCode::from(2)
        }
    }
}

fn list_rules(format: RulesFormat) -> ExitCode {
    let text = match format {
        RulesFormat::Text => catalog::ALL
            .iter()
            .map(|m| format!("{:<6} {:<36} {:<8} {}\n", m.id, m.name, m.level.as_str(), m.summary))
            .collect(),
        RulesFormat::Json => {
            let rules: Vec<_> = catalog::ALL
                .iter()
                .map(|m| {
                    serde_json::json!({"id": m.id, "name": m.name, "level": m.level.as_str(),
                        "summary": m.summary, "docs": report::rule_docs_url(m.id)})
                })
                .collect();
            let tool = serde_json::json!({"name": "rotlint", "version": env!("CARGO_PKG_VERSION")});
            let doc = serde_json::json!({"tool": tool, "rules": rules});
            serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
        }
    };
    match write_output(None, &text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            print_write_error(None, &e);
            ExitCode::from(2)
        }
    }
}

/// The manual page, roff, generated from the same definitions as `--help`.
fn man() -> ExitCode {
    let page = clap_mangen::Man::new(<Cli as clap::CommandFactory>::command());
    let mut roff = Vec::new();
    if let Err(e) = page.render(&mut roff) {
        eprintln!("rotlint: cannot render the manual page: {e}");
        return ExitCode::from(2);
    }
    match write_output(None, &String::from_utf8_lossy(&roff)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            print_write_error(None, &e);
            ExitCode::from(2)
        }
    }
}

fn run_lint(args: &LintArgs) -> ExitCode {
    let targets = match output::targets(&args.format, args.output.as_deref()) {
        Ok(targets) => targets,
        Err(e) => {
            print_error(&e);
            return ExitCode::from(2);
        }
    };
    let paths = if args.paths.is_empty() { vec![".".into()] } else { args.paths.clone() };
    let parameters = match collect_parameters(args.parameters.as_deref(), &args.parameter) {
        Ok(p) => p,
        Err(e) => {
            print_error(&e);
            return ExitCode::from(2);
        }
    };
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let rule_filter = match rules::RuleFilter::new(&args.select, &args.ignore) {
        Ok(f) => f,
        Err(e) => {
            print_error(&e);
            return ExitCode::from(2);
        }
    };
    let reads_stdin = paths.iter().any(|p| p.as_os_str() == lint::Stdin::ARG);
    if args.stdin_filename.is_some() && !reads_stdin {
        eprintln!("rotlint: --stdin-filename names the template read from standard input; add `-` to the paths");
        return ExitCode::from(2);
    }
    let limits = rotlint::source::Limits::default();
    let stdin = match reads_stdin.then(|| lint::Stdin::read(args.stdin_filename.clone(), limits.max_bytes)) {
        None => None,
        Some(Ok(stdin)) => Some(stdin),
        Some(Err(e)) => {
            eprintln!("rotlint: cannot read standard input: {e}");
            return ExitCode::from(2);
        }
    };
    let config_fail_level = config.fail_level;
    #[cfg(feature = "guard")]
    let guard = match load_guard(&args.guard_rules, &config) {
        Ok(g) => g,
        Err(code) => return code,
    };
    #[cfg(not(feature = "guard"))]
    if let Err(code) = refuse_guard(&args.guard_rules, &config) {
        return code;
    }
    let options = lint::Options {
        threads: args.threads.map(usize::from),
        parameters,
        parse_only: args.parse_only,
        only_templates: args.only_templates,
        rule_filter,
        stdin,
        limits,
        config,
        #[cfg(feature = "guard")]
        guard,
        ..lint::Options::default()
    };
    if args.unsafe_fixes && !args.fix && !args.diff {
        eprintln!("rotlint: --unsafe-fixes applies with --fix or --diff; add one of them");
        return ExitCode::from(2);
    }
    let stdin_name = options.stdin.as_ref().map(|s| s.name.clone());
    let (outcome, fixed) = if args.fix || args.diff {
        match rotlint::fix::session::run(&paths, &options, args.unsafe_fixes, stdin_name.as_deref()) {
            Ok(fixed) => (None, Some(fixed)),
            Err(e) => {
                print_error(&e);
                return ExitCode::from(2);
            }
        }
    } else {
        match lint::lint_paths(&paths, &options) {
            Ok(outcome) => (Some(outcome), None),
            Err(e) => {
                print_error(&e);
                return ExitCode::from(2);
            }
        }
    };
    let (mut outcome, fixed) = match (outcome, fixed) {
        (Some(outcome), _) => (outcome, None),
        (None, Some(fixed)) => {
            let rotlint::fix::session::Outcome { result, changed, restored, applied, passes } = fixed;
            (result, Some((changed, restored, applied, passes)))
        }
        (None, None) => return ExitCode::from(2),
    };
    if let Some(warning) = lint::empty_run_warning(&paths, &outcome) {
        eprintln!("rotlint: {warning}");
    }
    let inputs = Inputs { outcome: &outcome, paths: &paths, side: side_files(args, &options.config) };
    let files = targets.iter().filter_map(|t| t.path.as_ref());
    for output in files.chain(&args.write_baseline) {
        if let Err(code) = inputs.refuse(output) {
            return code;
        }
    }
    if let Some((changed, restored, applied, passes)) = fixed {
        for (path, why) in &restored {
            eprintln!(
                "rotlint: left `{}` as it was: the fixed text had {}",
                escape::human(&path.display().to_string()),
                escape::human(why)
            );
        }
        if args.diff {
            return print_diffs(&changed);
        }
        if let Err(code) = write_fixed(&changed, applied, passes, args.quiet) {
            return code;
        }
    }
    if let Some(path) = &args.write_baseline {
        return match rotlint::baseline::write(path, &outcome) {
            Ok(n) => {
                if !args.quiet {
                    eprintln!("rotlint: wrote {n} fingerprints to {}", escape::human(&path.display().to_string()));
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                print_error(&e);
                ExitCode::from(2)
            }
        };
    }
    if let Some(path) = &args.baseline
        && let Err(e) = rotlint::baseline::apply(path, &mut outcome)
    {
        print_error(&e);
        return ExitCode::from(2);
    }
    let threshold = match args.fail_level {
        Some(FailLevel::Error) => Level::Error,
        Some(FailLevel::Warning) => Level::Warning,
        Some(FailLevel::Note) => Level::Note,
        None => config_fail_level.unwrap_or(Level::Error),
    };
    for target in &targets {
        let to_terminal = target.path.is_none() && std::io::stdout().is_terminal();
        let color = output::color(args.color, to_terminal, |name| std::env::var_os(name));
        let style = output::Style { color, quiet: args.quiet, fail: threshold };
        if let Err(e) = write_output(target.path.as_deref(), &output::render(&outcome, target.format, style)) {
            print_write_error(target.path.as_deref(), &e);
            return ExitCode::from(2);
        }
        // Compact output is one line per finding: the count of suppressed ones goes to stderr.
        if target.format == cli::Format::Compact
            && let Some(note) = report::compact::suppressed_note(&outcome)
        {
            eprintln!("rotlint: {note}");
        }
    }
    match outcome.worst_unsuppressed() {
        Some(level) if level >= threshold => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// `--diff`: the unified diff of every file `--fix` would change, escaped line by line (a
/// template's control characters, a CRLF file's carriage returns included, show as `\u{..}`).
/// Exit 1 when there is a change, 0 when there is none.
fn print_diffs(changed: &[rotlint::fix::session::Changed]) -> ExitCode {
    let mut out = String::new();
    for file in changed {
        let diff = rotlint::fix::diff::unified(
            escape::human(&file.path.display().to_string()).trim_start_matches('/'),
            &file.original,
            &file.fixed,
        );
        // The path is escaped already: every line break left is one the diff wrote.
        for line in diff.split_inclusive('\n') {
            out.push_str(&escape::human(line.strip_suffix('\n').unwrap_or(line)));
            out.push('\n');
        }
    }
    if let Err(e) = write_output(None, &out) {
        print_write_error(None, &e);
        return ExitCode::from(2);
    }
    if changed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
}

/// `--fix`: write every changed file atomically, keeping its permissions and its byte-order mark,
/// only when the file still holds what was linted. Exit 2 when one cannot be written.
fn write_fixed(
    changed: &[rotlint::fix::session::Changed],
    applied: usize,
    passes: usize,
    quiet: bool,
) -> Result<(), ExitCode> {
    const BOM: &str = "\u{FEFF}";
    let mut failed = false;
    for file in changed {
        let shown = escape::human(&file.path.display().to_string()).into_owned();
        let written = std::fs::read(&file.path).and_then(|bytes| {
            let text = std::str::from_utf8(&bytes).map_err(std::io::Error::other)?;
            let (bom, text) = text.strip_prefix(BOM).map_or(("", text), |rest| (BOM, rest));
            if text != &*file.original {
                return Err(std::io::Error::other("changed since it was read; not written"));
            }
            let fixed = [bom.as_bytes(), file.fixed.as_bytes()].concat();
            rotlint::fix::write::write_if_unchanged(&file.path, &bytes, &fixed)
        });
        if let Err(e) = written {
            eprintln!("rotlint: cannot write the fixes to `{shown}`: {e}");
            failed = true;
        }
    }
    if failed {
        return Err(ExitCode::from(2));
    }
    if !quiet && applied > 0 {
        let files = changed.len();
        eprintln!("rotlint: applied {applied} fix(es) to {files} file(s) in {passes} pass(es)");
    }
    Ok(())
}

/// `.rotlint.toml` from `--config` or found upwards from the working directory; exit 2 on error.
fn load_config(explicit: Option<&std::path::Path>) -> Result<rotlint::config::Config, ExitCode> {
    let cwd = std::env::current_dir().unwrap_or_default();
    rotlint::config::Config::discover(explicit, &cwd).map_err(|e| {
        print_error(&e);
        ExitCode::from(2)
    })
}

/// Guard rule files from `--guard-rules` and the config, read and syntax-checked before any
/// template is linted; exit 2 naming the file (and position) when one is unusable.
#[cfg(feature = "guard")]
fn load_guard(
    cli: &[std::path::PathBuf],
    config: &rotlint::config::Config,
) -> Result<Option<std::sync::Arc<rotlint::guard::RuleSet>>, ExitCode> {
    use rotlint::config::RuleLevel;
    use rotlint::guard::RulePath;
    let level = match config.guard_level {
        Some(RuleLevel::Off) => return Ok(None),
        Some(RuleLevel::Note) => Level::Note,
        Some(RuleLevel::Warning) => Level::Warning,
        Some(RuleLevel::Error) | None => Level::Error,
    };
    // A config's paths must stay inside its directory: a repository's config is not trusted.
    let config_dir = config.path.as_deref().and_then(std::path::Path::parent).unwrap_or(std::path::Path::new("."));
    let from_config = config.guard_rules.iter().map(|p| RulePath::from_config(p, config_dir));
    let paths: Vec<RulePath> = cli.iter().map(RulePath::given).chain(from_config).collect();
    if paths.is_empty() {
        return Ok(None);
    }
    match rotlint::guard::RuleSet::load(&paths, level) {
        Ok(rules) => Ok(Some(std::sync::Arc::new(rules))),
        Err(e) => {
            print_error(&e);
            Err(ExitCode::from(2))
        }
    }
}

#[cfg(not(feature = "guard"))]
fn refuse_guard(cli: &[std::path::PathBuf], config: &rotlint::config::Config) -> Result<(), ExitCode> {
    if cli.is_empty() && config.guard_rules.is_empty() {
        return Ok(());
    }
    eprintln!("rotlint: Guard rules were given, but this rotlint was built without the `guard` feature");
    Err(ExitCode::from(2))
}

/// `rotlint: <message>` on standard error. Messages can quote paths and configuration lines from
/// the repository, so they are escaped like any template text (line breaks kept).
fn print_error(message: &dyn std::fmt::Display) {
    let message = message.to_string();
    let lines: Vec<_> = message.lines().map(escape::human).collect();
    eprintln!("rotlint: {}", lines.join("\n"));
}

/// Everything a run reads, which no output may overwrite.
struct Inputs<'a> {
    outcome: &'a lint::LintResult,
    /// The paths as given on the command line.
    paths: &'a [std::path::PathBuf],
    /// Configuration, parameters, baseline and Guard rule files.
    side: Vec<std::path::PathBuf>,
}

impl Inputs<'_> {
    /// Exit 2 when `output` is a file the run read: an input path, a linted template, or a side
    /// file (a mistyped `-o template.yaml` must not destroy the template).
    fn refuse(&self, output: &std::path::Path) -> Result<(), ExitCode> {
        let linted = self.outcome.files.iter().map(|f| f.path.as_path());
        let read = self.paths.iter().map(|p| p.as_path()).chain(linted).chain(self.side.iter().map(|p| p.as_path()));
        if rotlint::files::is_one_of(output, read) {
            eprintln!(
                "rotlint: refusing to write to `{}`: this run reads that file; write the output elsewhere",
                escape::human(&output.display().to_string())
            );
            return Err(ExitCode::from(2));
        }
        Ok(())
    }
}

fn side_files(args: &LintArgs, config: &rotlint::config::Config) -> Vec<std::path::PathBuf> {
    let mut side: Vec<std::path::PathBuf> = config.path.iter().cloned().collect();
    side.extend(args.parameters.iter().cloned());
    side.extend(args.baseline.iter().cloned());
    side.extend(args.guard_rules.iter().cloned());
    side.extend(config.guard_rules.iter().cloned());
    side
}

fn run_paths(args: &PathsArgs) -> ExitCode {
    let paths = if args.paths.is_empty() { vec![".".into()] } else { args.paths.clone() };
    let parameters = match collect_parameters(args.parameters.as_deref(), &args.parameter) {
        Ok(p) => p,
        Err(e) => {
            print_error(&e);
            return ExitCode::from(2);
        }
    };
    let config = match load_config(args.config.as_deref()) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let options = lint::Options { parameters, collect_paths: true, config, ..lint::Options::default() };
    let outcome = match lint::lint_paths(&paths, &options) {
        Ok(outcome) => outcome,
        Err(e) => {
            print_error(&e);
            return ExitCode::from(2);
        }
    };
    if let Some(output) = &args.output {
        let config_path: Vec<std::path::PathBuf> =
            options.config.path.iter().cloned().chain(args.parameters.iter().cloned()).collect();
        let inputs = Inputs { outcome: &outcome, paths: &paths, side: config_path };
        if let Err(code) = inputs.refuse(output) {
            return code;
        }
    }
    let format = match args.format {
        PathsFormat::Text => report::paths::Format::Text,
        PathsFormat::Json => report::paths::Format::Json,
        PathsFormat::Mermaid => report::paths::Format::Mermaid,
        PathsFormat::Dot => report::paths::Format::Dot,
    };
    if let Err(e) = write_output(args.output.as_deref(), &report::paths::render(&outcome, format)) {
        print_write_error(args.output.as_deref(), &e);
        return ExitCode::from(2);
    }
    // A file that does not parse may hold rotation functions: say so, and exit 1 as linting does.
    if report::paths::unparsable(&outcome).next().is_none() {
        return ExitCode::SUCCESS;
    }
    if matches!(format, report::paths::Format::Mermaid | report::paths::Format::Dot) {
        eprint!("{}", report::paths::errors_text(&outcome));
    }
    ExitCode::from(1)
}

/// `rotlint: cannot write to `FILE`: why` (or to standard output).
fn print_write_error(path: Option<&std::path::Path>, e: &std::io::Error) {
    match path {
        Some(path) => eprintln!("rotlint: cannot write to `{}`: {e}", escape::human(&path.display().to_string())),
        None => eprintln!("rotlint: cannot write to standard output: {e}"),
    }
}

fn collect_parameters(
    file: Option<&std::path::Path>,
    pairs: &[String],
) -> Result<std::collections::BTreeMap<String, String>, rotlint::parameters::ParameterError> {
    let mut values = match file {
        Some(path) => rotlint::parameters::read_file(path)?,
        None => Default::default(),
    };
    for pair in pairs {
        let (k, v) = rotlint::parameters::parse_pair(pair)?;
        values.insert(k, v);
    }
    Ok(values)
}

fn write_output(path: Option<&std::path::Path>, text: &str) -> std::io::Result<()> {
    match path {
        Some(path) => rotlint::files::write_atomic(path, text.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()
        }
    }
}
