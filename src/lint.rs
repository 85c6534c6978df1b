//! The engine: discovered files → loaded trees → templates → facts → rules → sorted findings.
//!
//! Files are processed in parallel, but every output is sorted by (file, position, rule), and file
//! ids follow the sorted path order, so output bytes never depend on thread scheduling.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId, Level};
use crate::discover::{self, Candidate};
use crate::facts::Facts;
use crate::network::{SmReport, TargetReport};
use crate::rotation::{RotationFunction, Target};
use crate::rules::{self, Context};
use crate::scenarios;
use crate::source::line_index::LineIndex;
use crate::source::tree::Span;
use crate::source::{self, Limits};
use crate::suppress;
use crate::template::Template;

/// One linted file as the report layer needs it.
pub struct SourceFile {
    /// The path as the user gave it (relative stays relative).
    pub path: PathBuf,
    pub text: Arc<str>,
    pub line_index: LineIndex,
}

impl SourceFile {
    pub fn display_path(&self) -> String {
        self.path.display().to_string()
    }

    /// 1-based line and column (Unicode scalar values) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        self.line_index.line_col(&self.text, offset)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub limits: Limits,
    /// Worker threads; `None` uses one per core.
    pub threads: Option<usize>,
    /// Parameter values that replace template defaults.
    pub parameters: std::collections::BTreeMap<String, String>,
    /// Stop after loading: report only load findings (the parsing floor, for benchmarks).
    pub parse_only: bool,
    /// Keep every rotation function's verdicts and paths (`rotlint paths`).
    pub collect_paths: bool,
    /// `.rotlint.toml`: excludes, rule levels, parameter values per template.
    pub config: Config,
    /// Skip named files that do not look like CloudFormation, as walked files are (for hooks
    /// that pass every YAML/JSON file of a commit).
    pub only_templates: bool,
}

pub struct Outcome {
    pub files: Vec<SourceFile>,
    /// Sorted by file, position, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// With [`Options::collect_paths`]: every rotation function's verdicts, in file order.
    pub paths: Vec<FunctionPaths>,
}

/// One rotation function's verdicts with their explaining paths, as plain owned data (the
/// scenario where conditions take the values the template's defaults give them).
#[derive(Clone, Debug)]
pub struct FunctionPaths {
    pub file: FileId,
    pub function: RotationFunction,
    /// `None` when the function is not in a VPC (it uses the public endpoint) or undecided.
    pub secrets_manager: Option<SmReport>,
    pub target: Option<Target>,
    pub target_path: Option<TargetReport>,
}

impl Outcome {
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn worst_unsuppressed(&self) -> Option<Level> {
        self.diagnostics.iter().filter(|d| d.suppressed.is_none()).map(|d| d.level).max()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LintError {
    #[error(transparent)]
    Discover(#[from] discover::DiscoverError),
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
}

/// Lint every template under `paths`.
pub fn lint_paths(paths: &[PathBuf], options: &Options) -> Result<Outcome, LintError> {
    let mut candidates = discover::discover(paths)?;
    candidates.retain(|c| c.explicit || !options.config.excludes(&c.path));
    if options.only_templates {
        candidates.iter_mut().for_each(|c| c.explicit = false);
    }
    // Deep templates are capped at 512 levels by the loader, but evaluation and rules walk them
    // recursively: give workers a stack that comfortably covers that cap.
    let mut pool = rayon::ThreadPoolBuilder::new().stack_size(32 * 1024 * 1024);
    if let Some(n) = options.threads {
        pool = pool.num_threads(n);
    }
    let pool = pool.build()?;
    let per_file: Vec<Option<FileResult>> =
        pool.install(|| candidates.par_iter().map(|c| read_and_lint(c, options)).collect());

    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let mut paths = Vec::new();
    for result in per_file.into_iter().flatten() {
        let id = FileId(u32::try_from(files.len()).unwrap_or(u32::MAX));
        paths.extend(result.paths.into_iter().map(|mut p| {
            p.file = id;
            p
        }));
        diagnostics.extend(result.diagnostics.into_iter().map(|mut d| {
            d.primary.file = id;
            d.related.iter_mut().for_each(|r| r.file = id);
            d
        }));
        files.push(result.file);
    }
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Outcome { files, diagnostics, paths })
}

struct FileResult {
    file: SourceFile,
    diagnostics: Vec<Diagnostic>,
    paths: Vec<FunctionPaths>,
}

/// `None` for a walked file that turns out not to be a template.
fn read_and_lint(candidate: &Candidate, options: &Options) -> Option<FileResult> {
    let bytes = match read_regular_file(candidate, options.limits.max_bytes) {
        Ok(Read::Bytes(bytes)) => bytes,
        Ok(Read::TooLarge(size)) => return Some(too_large(candidate, size, options.limits.max_bytes)),
        Err(message) => return Some(unreadable(candidate, message)),
    };
    if !candidate.explicit && !discover::looks_like_cloudformation(&bytes) {
        return None;
    }
    Some(lint_bytes(&candidate.path, &bytes, options))
}

/// Lint one file's bytes. Ids are provisional (`FileId(0)`); the engine renumbers them.
fn lint_bytes(path: &std::path::Path, bytes: &[u8], options: &Options) -> FileResult {
    let file = FileId(0);
    let loaded = source::load_bytes(file, path, bytes, &options.limits);
    let text = loaded.tree.source.clone();
    if options.parse_only {
        let line_index = LineIndex::new(&text);
        let file = SourceFile { path: path.to_path_buf(), text, line_index };
        return FileResult { file, diagnostics: loaded.diagnostics, paths: Vec::new() };
    }
    let template = loaded.tree.root.map(|_| Template::from_tree(file, loaded.tree));
    let parameters = parameters_for(path, options);
    let paths = match (&template, options.collect_paths) {
        (Some(template), true) => collect_paths(file, template, &parameters),
        _ => Vec::new(),
    };
    let diagnostics = match &template {
        None => {
            let cx = Context { file, load_diagnostics: &loaded.diagnostics, template: None, facts: None };
            let mut found = run_rules(&cx);
            options.config.apply_levels(&mut found);
            found
        }
        Some(template) => {
            let mut found = lint_template(file, template, &loaded.diagnostics, &parameters);
            options.config.apply_levels(&mut found);
            suppress::apply(file, template, &mut found);
            found
        }
    };
    let line_index = LineIndex::new(&text);
    FileResult { file: SourceFile { path: path.to_path_buf(), text, line_index }, diagnostics, paths }
}

fn collect_paths(file: FileId, template: &Template, parameters: &BTreeMap<String, String>) -> Vec<FunctionPaths> {
    let facts = Facts::build(template, parameters, &BTreeMap::new());
    facts
        .functions()
        .map(|(f, ff)| FunctionPaths {
            file,
            function: f.clone(),
            secrets_manager: ff.secrets_manager.clone(),
            target: ff.target.clone(),
            target_path: ff.target_path.clone(),
        })
        .collect()
}

enum Read {
    Bytes(Vec<u8>),
    /// Over the size cap: not read at all, so a 50 MB file costs nothing.
    TooLarge(u64),
}

/// Run the rules once per condition scenario (once when no condition matters) and merge.
/// Parameter values for one template: the config's for its path, then the command line's.
fn parameters_for(path: &std::path::Path, options: &Options) -> BTreeMap<String, String> {
    let mut values = options.config.parameters_for(path);
    values.extend(options.parameters.iter().map(|(k, v)| (k.clone(), v.clone())));
    values
}

fn lint_template(
    file: FileId,
    template: &Template,
    load: &[Diagnostic],
    parameters: &BTreeMap<String, String>,
) -> Vec<Diagnostic> {
    let none = BTreeMap::new();
    let base = Facts::build(template, parameters, &none);
    let varied = if base.rotations.functions.is_empty() {
        Vec::new()
    } else {
        scenarios::varied_conditions(template, &base.evaluator, !parameters.is_empty())
    };
    if varied.is_empty() {
        let cx = Context { file, load_diagnostics: load, template: Some(template), facts: Some(&base) };
        return run_rules(&cx);
    }
    let runs = scenarios::assignments(&varied)
        .into_iter()
        .map(|assignment| {
            let facts = Facts::build(template, parameters, &assignment);
            let cx = Context { file, load_diagnostics: load, template: Some(template), facts: Some(&facts) };
            (assignment, run_rules(&cx))
        })
        .collect();
    scenarios::merge(&varied, runs)
}

fn run_rules(cx: &Context<'_>) -> Vec<Diagnostic> {
    rules::ALL.iter().flat_map(|rule| rule.check(cx)).collect()
}

/// Reads only regular files (a FIFO or device would block or never end), and none over the cap.
fn read_regular_file(candidate: &Candidate, max_bytes: usize) -> Result<Read, String> {
    use std::io::Read as _;
    let meta = std::fs::metadata(&candidate.path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("not a regular file".to_owned());
    }
    let cap = u64::try_from(max_bytes).unwrap_or(u64::MAX);
    if meta.len() > cap {
        return Ok(Read::TooLarge(meta.len()));
    }
    let file = std::fs::File::open(&candidate.path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    // The file may grow between stat and read: never read past the cap.
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    Ok(Read::Bytes(bytes))
}

fn too_large(candidate: &Candidate, size: u64, max_bytes: usize) -> FileResult {
    let message = format!("file is {size} bytes, over the {max_bytes}-byte limit; it was not parsed");
    file_error(candidate, Diagnostic::new("RL004", Level::Error, FileId(0), Span::default(), message))
}

fn unreadable(candidate: &Candidate, message: String) -> FileResult {
    let message = format!("cannot read `{}`: {message}", candidate.path.display());
    file_error(candidate, Diagnostic::new("RL001", Level::Error, FileId(0), Span::default(), message))
}

/// A file that produced no text: the finding sits at 1:1 of an empty source.
fn file_error(candidate: &Candidate, diagnostic: Diagnostic) -> FileResult {
    let text: Arc<str> = Arc::from("");
    let line_index = LineIndex::new(&text);
    FileResult {
        file: SourceFile { path: candidate.path.clone(), text, line_index },
        diagnostics: vec![diagnostic],
        paths: Vec::new(),
    }
}
